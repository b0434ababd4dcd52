from datetime import date, timedelta

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SpmVisitCommon


@tagged("post_install", "-at_install")
class TestWorkPlan(SpmVisitCommon):
    """Weekly plans of the east salesperson: the target of the week from the monthly targets, the
    leader's approval, and the summary compiled from what Odoo recorded in the week."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.Plan = cls.env["spm.work.plan"]
        cls.product = cls.env["product.product"].create({
            "name": "智慧停车系统集成服务", "type": "service", "list_price": 380_000, "taxes_id": [Command.clear()],
        })
        cls.now = fields.Datetime.now()
        cls.today = cls.company._spm_local_date(cls.now)
        cls.monday = cls.today - timedelta(days=cls.today.weekday())

    def _target(self, user, year, months):
        """A confirmed target of ``user`` for ``year``: {month: (signed, collected)}, other months nothing."""
        signed = sum(amounts[0] for amounts in months.values())
        collected = sum(amounts[1] for amounts in months.values())
        target = self.env["spm.target"].with_user(self.user_director).create({
            "year": year, "company_id": self.company.id, "team_id": self.team_east.id, "user_id": user.id,
            "target_signed": signed, "target_collected": collected,
        })
        for line in target.line_ids:
            line.write(dict(zip(("target_signed", "target_collected"), months.get(line.date_from.month, (0, 0)),
                                strict=True)))
        target.with_user(self.user_director).action_confirm()
        return target

    def _plan(self, user=None, date_from=None, **values):
        user = user or self.user_sales_east
        return self.Plan.with_user(user).create({"period_type": "week", "date_from": date_from or self.monday,
                                                 "company_id": self.company.id, **values})

    def _compile(self, plan, user=None):
        with freeze_time(plan.date_to + timedelta(days=2)):
            plan.with_user(user or plan.user_id).action_compile_summary()

    # ------------------------------------------------------------
    # The plan
    # ------------------------------------------------------------

    def test_week_plan_starts_from_the_targets_split_by_working_days(self):
        # March 2026 and April 2026 have 22 working days each (Monday to Friday); the week of 30 March takes
        # 2 of March's and 3 of April's
        self._target(self.user_sales_east, 2026, {3: (2_200_000, 1_100_000), 4: (4_400_000, 2_200_000)})
        with Form(self.Plan.with_user(self.user_sales_east)) as form:
            form.period_type = "week"
            form.date_from = date(2026, 3, 30)
            self.assertEqual(form.target_signed, 2 * 100_000 + 3 * 200_000)
            self.assertEqual(form.planned_signed, 800_000, "the plan starts from the target")
            form.planned_signed = 900_000
            form.planned_visits = 10
        plan = form.record
        self.assertEqual((plan.date_to, plan.user_id, plan.team_id, plan.state),
                         (date(2026, 4, 5), self.user_sales_east, self.team_east, "draft"))
        self.assertEqual((plan.target_signed, plan.target_collected), (800_000, 2 * 50_000 + 3 * 100_000))
        self.assertEqual((plan.planned_signed, plan.planned_collected), (900_000, 400_000),
                         "the person adjusts the planned figure, the target stays")
        # a month and a quarter are the sums of their months; a week inside one month is its share
        month = self._plan(period_type="month", date_from=date(2026, 4, 1))
        self.assertEqual((month.date_to, month.planned_signed), (date(2026, 4, 30), 4_400_000))
        quarter = self._plan(period_type="quarter", date_from=date(2026, 4, 1))
        self.assertEqual((quarter.date_to, quarter.target_signed), (date(2026, 6, 30), 4_400_000))
        week = self._plan(date_from=date(2026, 4, 8))
        self.assertEqual(week.date_from, date(2026, 4, 6), "a week starts on its Monday")
        self.assertEqual(week.target_signed, 5 * 200_000)
        # one plan per person and period
        with self.assertRaises(UniqueViolation), self.cr.savepoint(), mute_logger("odoo.sql_db"):
            self._plan(date_from=date(2026, 4, 6))
        with self.assertRaises(ValidationError):
            self._plan(planned_visits=-1, date_from=date(2026, 4, 13))

    def test_submit_return_approve_with_separation_of_duties(self):
        lead = self._create_lead()
        plan = self._plan(planned_visits=8, line_ids=[Command.create({"lead_id": lead.id,
                                                                      "stage_id": self.stage_initiation.id})])
        with self.assertRaises(AccessError):
            plan.with_user(self.user_manager_east).write({"plan_text": "改写别人的计划"})
        plan.with_user(self.user_sales_east).action_submit()
        self.assertEqual(plan.state, "submitted")
        approval = self.env.ref("sales_project_management.mail_activity_type_work_plan_approval")
        self.assertEqual(plan.activity_ids.filtered(lambda a: a.activity_type_id == approval).user_id,
                         self.user_manager_east)
        with self.assertRaises(UserError):
            plan.with_user(self.user_sales_east).write({"planned_visits": 20})
        with self.assertRaises(AccessError):
            plan.with_user(self.user_sales_east).action_approve()
        with self.assertRaises(AccessError):
            plan.with_user(self.user_sales_east).write({"leader_comment": "自己批"})
        # another team's leader sees nothing of it
        with self.assertRaises(AccessError):
            plan.with_user(self.user_manager_north).action_approve()
        with self.assertRaises(UserError):
            plan.with_user(self.user_manager_east).action_return()  # a return says why
        with self.assertRaises(AccessError):
            plan.with_user(self.user_sales_east).action_open_return()
        action = plan.with_user(self.user_manager_east).action_open_return()
        self.env[action["res_model"]].with_user(self.user_manager_east).with_context(**action["context"]).create(
            {"comment": "拜访量太少"}).action_confirm()
        self.assertEqual((plan.state, plan.leader_comment, plan.approver_id),
                         ("returned", "拜访量太少", self.user_manager_east))
        self.assertFalse(plan.activity_ids.filtered(lambda a: a.activity_type_id == approval))
        plan.with_user(self.user_sales_east).write({"planned_visits": 12})
        plan.with_user(self.user_sales_east).action_submit()
        plan.with_user(self.user_manager_east).action_approve()
        self.assertEqual(plan.state, "approved")
        with self.assertRaises(UserError):
            plan.with_user(self.user_sales_east).write({"planned_visits": 30})
        # a leader's own plan is approved by someone else
        own = self._plan(user=self.user_manager_east)
        own.with_user(self.user_manager_east).action_submit()
        with self.assertRaises(AccessError):
            own.with_user(self.user_manager_east).action_approve()
        own.with_user(self.user_exec).action_approve()
        self.assertEqual(own.approver_id, self.user_exec)

    def test_forged_defaults_are_ignored_and_workflow_fields_refused(self):
        Plan = self.Plan.with_user(self.user_sales_east).with_context(
            default_state="approved", default_achieved_collected=999_999, default_summary_state="reviewed",
            default_user_id=self.user_sales_north.id, default_rating="5")
        plan = Plan.create({"period_type": "week", "date_from": self.monday, "company_id": self.company.id,
                            "state": "approved", "visit_count": 40})
        self.assertEqual((plan.state, plan.summary_state, plan.achieved_collected, plan.visit_count, plan.rating,
                          plan.user_id), ("draft", "pending", 0, 0, "0", self.user_sales_east))
        for values in ({"state": "approved"}, {"achieved_signed": 1}, {"summary_state": "compiled"},
                       {"date_from": self.monday + timedelta(days=7)}):
            with self.assertRaises(AccessError):
                plan.with_user(self.user_sales_east).write(values)
        with self.assertRaises(AccessError):
            plan.with_user(self.user_sales_east).write({"rating": "5"})

    def test_another_team_and_company_see_nothing(self):
        plan = self._plan(line_ids=[Command.create({"lead_id": self._create_lead().id})])
        for user in (self.user_sales_north, self.user_manager_north, self.user_director, self.user_sales_b):
            env = self.env(user=user, context=dict(self.env.context, allowed_company_ids=user.company_ids.ids))
            self.assertFalse(env["spm.work.plan"].search([("id", "=", plan.id)]), user.name)
            self.assertFalse(env["spm.work.plan.line"].search([("plan_id", "=", plan.id)]))
            with self.assertRaises(AccessError):
                plan.with_env(env).read(["planned_signed"])
        self.assertEqual(self.Plan.with_user(self.user_manager_east).search([("id", "=", plan.id)]), plan)
        self.assertEqual(self.Plan.with_user(self.user_exec).search([("id", "=", plan.id)]), plan)
        # nor can another salesperson put the east team's opportunity in their plan
        north = self._plan(user=self.user_sales_north)
        with self.assertRaises(AccessError):
            north.with_user(self.user_sales_north).write(
                {"line_ids": [Command.create({"lead_id": plan.line_ids.lead_id.id})]})

    # ------------------------------------------------------------
    # The summary
    # ------------------------------------------------------------

    def test_summary_compiled_from_the_week(self):
        sales = self.user_sales_east
        won_lead = self._create_lead("智慧停车平台", partner_id=self.contact.id, expected_revenue=500_000)
        lost_lead = self._create_lead("医院物流", partner_id=self.hospital_contact.id)
        plan = self._plan(line_ids=[Command.create({"lead_id": won_lead.id, "stage_id": self.stage_negotiation.id}),
                                    Command.create({"lead_id": lost_lead.id, "stage_id": self.stage_solution.id})])
        self._visit(lead_id=won_lead.id, visit_type="onsite")
        self._visit(lead_id=won_lead.id, visit_type="follow_up")
        self._visit(visit_type="phone", name="电话沟通")
        self._visit(user=self.user_sales_north, name="北区拜访")
        won_lead.with_user(sales).write({"stage_id": self.stage_qualification.id})
        # won as a data file places it (the gates to the won stage are tested with the gates)
        won_lead.with_context(install_mode=True).action_set_won()
        reason = self.env["crm.lost.reason"].create({"name": "价格过高"})
        lost_lead.with_user(sales).action_set_lost(lost_reason_id=reason.id)
        order = self.env["sale.order"].with_user(sales).create({
            "partner_id": self.customer.id, "user_id": sales.id, "team_id": self.team_east.id,
            "company_id": self.company.id,
            "order_line": [Command.create({"product_id": self.product.id, "price_unit": 380_000,
                                           "tax_id": [Command.clear()]})],
        })
        order.with_user(sales).action_confirm()
        plan.with_user(sales).write({"analysis": "停车平台签约。", "next_plan": "推进医院二期。"})

        with self.assertRaises(UserError):
            plan.with_user(sales).action_compile_summary()  # not before the period is over
        with self.assertRaises(AccessError):
            self._compile(plan, user=self.user_manager_east)
        self._compile(plan)
        achieved = self.env["spm.target"]._spm_achieved(
            [(0, self.company.id, sales.id, False, plan.date_from, plan.date_to)])[0]
        self.assertEqual(achieved["signed"], 380_000)
        self.assertEqual((plan.achieved_signed, plan.achieved_invoiced, plan.achieved_collected),
                         (achieved["signed"], achieved.get("invoiced", 0.0), achieved.get("collected", 0.0)),
                         "the targets' one computation of the money")
        self.assertEqual((plan.summary_state, plan.visit_count, plan.call_count), ("compiled", 2, 1))
        self.assertEqual(plan.moved_lead_count, len(won_lead.spm_gate_log_ids.lead_id))
        self.assertEqual((plan.won_count, plan.won_amount, plan.lost_count), (1, 500_000, 1))
        self.assertIn("价格过高: 1", plan.lost_reasons)
        # the two customers had their first opportunity of the salesperson this week
        self.assertEqual(plan.new_customer_count, 2)
        lines = plan.line_ids.sorted("id")
        self.assertEqual(lines[0].stage_reached_id, won_lead.stage_id)
        self.assertTrue(lines[0].reached)
        # the snapshot stays when Odoo changes afterwards
        self._visit(date_start=fields.Datetime.to_datetime(plan.date_from) + timedelta(hours=3))
        plan.invalidate_recordset()
        self.assertEqual(plan.visit_count, 2)
        with self.assertRaises(UserError):
            self._compile(plan)
        # the next week's plan is drafted from the summary's next plan
        following = self.Plan.search([("user_id", "=", sales.id),
                                      ("date_from", "=", plan.date_to + timedelta(days=1))])
        self.assertEqual((following.state, following.period_type, following.plan_text),
                         ("draft", "week", "推进医院二期。"))
        # the leader reviews with a rating; the person cannot
        with self.assertRaises(AccessError):
            plan.with_user(sales).action_review(5)
        with self.assertRaises(UserError):
            plan.with_user(self.user_manager_east).action_review(9)
        action = plan.with_user(self.user_manager_east).action_open_review()
        wizard = self.env[action["res_model"]].with_user(self.user_manager_east).with_context(
            **action["context"]).create({"rating": "4", "comment": "签约及时"})
        wizard.action_confirm()
        self.assertEqual((plan.summary_state, plan.rating, plan.reviewer_id, plan.leader_comment),
                         ("reviewed", "4", self.user_manager_east, "签约及时"))
        with self.assertRaises(UserError):
            plan.with_user(sales).write({"analysis": "改写"})
        report = self.env["ir.actions.report"]._render_qweb_html(
            "sales_project_management.action_report_spm_work_plan", plan.ids)[0].decode()
        self.assertIn("推进医院二期。", report)

    def test_compiling_costs_the_same_whatever_the_number_of_visits(self):
        def week(weeks_ago):
            return self.monday - timedelta(days=7 * weeks_ago)

        # the next weeks' plans exist: no compilation drafts one
        warm, few, many = (self._plan(date_from=week(n)) for n in (6, 4, 2))
        for n in (5, 3, 1):
            self._plan(date_from=week(n))

        def visits(plan, count):
            day = fields.Datetime.to_datetime(plan.date_from) + timedelta(days=1, hours=2)
            for _index in range(count):
                self._visit(date_start=day)

        visits(few, 2)
        visits(many, 20)
        counts = []
        for plan in (warm, few, many):  # the first one fills the registry's caches
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self._compile(plan)
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual((few.visit_count, many.visit_count), (2, 20))
        self.assertEqual(counts[1], counts[2], "the visits are counted in one grouped query")
        # and the same fixed number for the 2 visits of another week
        other = self._plan(date_from=week(8))
        self._plan(date_from=week(7))
        visits(other, 2)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(counts[1]):
            self._compile(other)

    def test_reminded_once_when_the_period_is_over(self):
        plan = self._plan()
        reminder = self.env.ref("sales_project_management.mail_activity_type_work_plan_summary")

        def reminders():
            return plan.activity_ids.filtered(lambda a: a.activity_type_id == reminder)

        self.Plan._cron_remind_summaries()
        self.assertFalse(reminders(), "not before the period is over")
        with freeze_time(plan.date_to + timedelta(days=1, hours=12)):
            self.Plan._cron_remind_summaries()
            self.Plan._cron_remind_summaries()
        self.assertEqual(len(reminders()), 1)
        self.assertEqual(reminders().user_id, self.user_sales_east)
        self._compile(plan)
        self.assertFalse(reminders(), "compiling the summary closes the reminder")
