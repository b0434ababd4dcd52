from datetime import date, timedelta

import pytz
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SpmVisitCommon


@tagged("post_install", "-at_install")
class TestDailyReport(SpmVisitCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({
            "name": "智慧停车系统集成服务", "type": "service", "list_price": 380_000, "taxes_id": [Command.clear()],
        })

    def _my_report(self, user=None):
        action = self.env["spm.daily.report"].with_user(user or self.user_sales_east).action_open_my_report()
        self.assertEqual(action["res_model"], "spm.daily.report")
        return self.env["spm.daily.report"].browse(action["res_id"])

    def test_the_day_is_compiled_submitted_late_and_reviewed(self):
        sales = self.user_sales_east
        lead = self._create_lead(partner_id=self.contact.id)
        phone = self._visit(lead_id=lead.id, visit_type="phone", name="电话确认一期范围")
        onsite = self._visit(lead_id=lead.id, visit_type="onsite", name="机房现场调研")
        onsite.with_user(sales).action_checkin(30.2796, 120.2587)
        self._visit(user=self.user_sales_north, name="北区拜访")
        lead.with_user(sales).write({"stage_id": self.stage_qualification.id})
        activity = lead.activity_schedule("mail.mail_activity_data_call", user_id=sales.id, summary="回电张主任")
        activity.with_user(sales).action_feedback(feedback="已回电")
        quotation = self.env["sale.order"].with_user(sales).create({
            "partner_id": self.customer.id, "user_id": sales.id, "team_id": self.team_east.id,
            "company_id": self.company.id,
            "order_line": [Command.create({"product_id": self.product.id, "price_unit": 380_000,
                                           "tax_id": [Command.clear()]})],
        })
        quotation.action_quotation_sent()
        signed = quotation.copy()
        signed.with_user(sales).action_confirm()

        report = self._my_report()
        self.assertEqual(report, self._my_report(), "one report per salesperson per day")
        today = self.company._spm_local_date(fields.Datetime.now())
        self.assertEqual((report.user_id, report.date, report.team_id, report.state),
                         (sales, today, self.team_east, "draft"))
        self.assertEqual(report.visit_ids, phone | onsite)
        self.assertEqual(report.visit_count, 2)
        self.assertIn(lead, report.lead_ids)
        self.assertEqual(report.gate_log_ids, lead.spm_gate_log_ids)
        self.assertEqual(report.stage_move_count, 1)
        self.assertEqual(report.activity_done_count, 1)
        self.assertIn("智慧停车平台", report.activity_done_summary)
        self.assertIn(quotation, report.quotation_ids)
        self.assertEqual(report.order_ids, signed)
        self.assertEqual(report.amount_signed, 380_000)

        with Form(report.with_user(sales)) as form:
            form.summary = "上午机房调研，下午电话确认一期范围。"
            form.problems = "UPS 扩容需要产品部支持。"
            form.tomorrow_plan = "更新报价。"
        self.assertFalse(report.can_review)
        with freeze_time(report.deadline + timedelta(hours=1)):
            report.with_user(sales).action_submit()
        self.assertEqual(report.state, "submitted")
        self.assertTrue(report.is_late)
        review_type = self.env.ref("sales_project_management.mail_activity_type_daily_report_review")
        review = report.activity_ids.filtered(lambda a: a.activity_type_id == review_type)
        self.assertEqual(review.user_id, self.user_manager_east)

        # the leader reviews it from the form's button, with a rating and a comment
        self.assertTrue(report.with_user(self.user_manager_east).can_review)
        action = report.with_user(self.user_manager_east).action_open_review()
        Wizard = self.env[action["res_model"]].with_user(self.user_manager_east).with_context(**action["context"])
        with Form(Wizard) as form:
            form.rating = "4"
            form.review_comment = "调研扎实，UPS 方案找产品部支持。"
        form.record.action_review()
        self.assertEqual((report.state, report.rating, report.reviewer_id),
                         ("reviewed", "4", self.user_manager_east))
        self.assertTrue(report.date_reviewed)
        self.assertFalse(report.activity_ids)

    def test_submitted_in_time_is_not_late_and_the_deadline_is_a_setting(self):
        report = self._my_report(self.user_sales_north)
        self.assertEqual(report.deadline, self.company._spm_daily_report_deadline(report.date))
        local = self.company._spm_tz().localize(
            fields.Datetime.to_datetime(report.date + timedelta(days=1)).replace(hour=10))
        self.assertEqual(report.deadline, local.astimezone(pytz.utc).replace(tzinfo=None))
        report.with_user(self.user_sales_north).summary = "京华理工交流"
        with freeze_time(report.deadline - timedelta(minutes=5)):
            report.with_user(self.user_sales_north).action_submit()
        self.assertFalse(report.is_late)
        self.company.spm_daily_report_deadline_days = 0
        self.company.spm_daily_report_deadline_hour = 18.5
        self.assertFalse(report.is_late, "decided at submission")
        self.assertEqual(self.company._spm_daily_report_deadline(date(2026, 3, 2)),
                         fields.Datetime.to_datetime("2026-03-02 10:30:00"))

    def test_review_rights(self):
        report = self._my_report()
        as_sales = report.with_user(self.user_sales_east)
        with self.assertRaises(UserError):
            as_sales.action_submit()  # nothing written yet
        as_sales.summary = "今日拜访两家客户"
        with self.assertRaises(UserError):
            report.with_user(self.user_manager_east).action_review(review_comment="好", rating=4)  # not submitted
        notification = as_sales.action_submit()
        # the salesperson is told where the report went
        self.assertEqual(notification["tag"], "display_notification")
        self.assertIn(self.user_manager_east.name, notification["params"]["message"])
        with self.assertRaises(AccessError):
            as_sales.action_review(review_comment="自评", rating=5)
        with self.assertRaises(AccessError):
            as_sales.write({"rating": "5"})
        with self.assertRaises(AccessError):
            report.with_user(self.user_manager_north).action_review(review_comment="越权", rating=1)
        with self.assertRaises(UserError):
            report.with_user(self.user_manager_east).action_review()  # no rating
        report.with_user(self.user_exec).action_review(review_comment="公司抽查", rating=3)
        self.assertEqual((report.state, report.reviewer_id, report.rating), ("reviewed", self.user_exec, "3"))
        with self.assertRaises(UserError):
            report.with_user(self.user_manager_east).action_review(review_comment="再审", rating=5)

    def test_who_writes_what(self):
        report = self._my_report()
        other = self._my_report(self.user_sales_north)
        as_sales = report.with_user(self.user_sales_east)
        with self.assertRaises(AccessError):
            other.with_user(self.user_sales_east).read(["summary"])
        with self.assertRaises(AccessError):
            other.with_user(self.user_sales_east).write({"summary": "代写"})
        for values in ({"state": "reviewed"}, {"date_submitted": fields.Datetime.now()}, {"is_late": True},
                       {"user_id": self.user_sales_north.id}, {"date": "2026-01-01"}, {"reminder_sent": True}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                as_sales.write(values)
        with self.assertRaises(AccessError):
            report.with_user(self.user_manager_east).write({"summary": "领导代写"})
        as_sales.summary = "今日小结"
        as_sales.action_submit()
        with self.assertRaises(UserError):
            as_sales.write({"summary": "改写"})
        with self.assertRaises(UserError):
            as_sales.unlink()
        # a report is the writer's own, for today or a past day, never in advance
        Report = self.env["spm.daily.report"].with_user(self.user_sales_east)
        past = Report.create({"date": report.date - timedelta(days=3), "user_id": self.user_sales_north.id,
                              "state": "reviewed"})
        self.assertEqual((past.user_id, past.state), (self.user_sales_east, "draft"))
        with self.assertRaises(UserError):
            Report.create({"date": report.date + timedelta(days=1)})
        past.unlink()

    def test_board_and_reminders_at_the_end_of_the_working_day(self):
        """The job runs hourly; once the working day of the company is over it reminds, once,
        the salespeople whose report of the day is not submitted."""
        Report = self.env["spm.daily.report"]
        reminder = self.env.ref("sales_project_management.mail_activity_type_daily_report")
        wednesday = date(2026, 12, 2)
        done = Report.create({"user_id": self.user_sales_north.id, "date": wednesday, "company_id": self.company.id,
                              "summary": "已完成"})
        with freeze_time("2026-12-02 06:00:00"):  # 14:00 in Shanghai: the day is not over
            Report._cron_remind_daily_reports()
            self.assertFalse(Report.search([("user_id", "=", self.user_sales_east.id), ("date", "=", wednesday)]))
            done.with_user(self.user_sales_north).action_submit()
        with freeze_time("2026-12-02 10:30:00"):  # 18:30 in Shanghai
            Report._cron_remind_daily_reports()
            Report._cron_remind_daily_reports()
        missing = Report.search([("user_id", "=", self.user_sales_east.id), ("date", "=", wednesday)])
        self.assertEqual(missing.state, "draft")
        self.assertTrue(missing.reminder_sent)
        self.assertEqual(len(missing.activity_ids), 1)
        self.assertEqual((missing.activity_ids.activity_type_id, missing.activity_ids.user_id),
                         (reminder, self.user_sales_east))
        self.assertFalse(done.activity_ids.filtered(lambda a: a.activity_type_id == reminder))
        self.assertFalse(Report.search([("user_id", "=", self.user_manager_east.id), ("date", "=", wednesday)]),
                         "leaders who are not members of a team write no daily report")
        with freeze_time("2026-12-05 10:30:00"):  # a Saturday
            Report._cron_remind_daily_reports()
        self.assertFalse(Report.search([("user_id", "=", self.user_sales_east.id), ("date", "=", date(2026, 12, 5))]))
        # the board: who submitted, who is late, the visits of each this week
        rows = Report.with_user(self.user_manager_east).read_group(
            [("date", "=", wednesday)], ["__count"], ["state"], lazy=False)
        self.assertEqual({row["state"]: row["__count"] for row in rows}, {"draft": 1})
        # submitting answers the reminder
        missing.with_user(self.user_sales_east).summary = "补交"
        missing.with_user(self.user_sales_east).action_submit()
        self.assertFalse(missing.activity_ids.filtered(lambda a: a.activity_type_id == reminder))

    def test_team_day_print_action(self):
        report = self._my_report()
        action = report.with_user(self.user_manager_east).action_print_team_day()
        self.assertEqual(action["report_name"], "sales_project_management.report_spm_daily_team")
        self.assertEqual(action["context"]["active_ids"], report.ids)
        values = self.env["report.sales_project_management.report_spm_daily_team"]._get_report_values(report.ids)
        page = values["pages"][0]
        self.assertEqual((page["team"], page["date"]), (self.team_east, report.date))
        self.assertEqual([row[0] for row in page["rows"]], [self.user_sales_east])
