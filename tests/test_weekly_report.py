from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmWeeklyReportCommon


@tagged("post_install", "-at_install")
class TestWeeklyReport(SpmWeeklyReportCommon):

    def test_report_is_prefilled_with_the_weeks_figures(self):
        report = self.env["project.update"].with_user(self.user_sales_east).create(
            {"project_id": self.project.id, "date": "2026-12-23"})
        self.assertEqual(report.spm_week, "2026-W52")
        self.assertEqual((str(report.spm_week_start), str(report.spm_week_end)), ("2026-12-21", "2026-12-27"))
        self.assertEqual(report.name, "Weekly Report 2026-W52")
        self.assertEqual(report.status, "on_track")
        self.assertEqual((report.spm_milestone_due_count, report.spm_milestone_reached_count), (1, 1))
        self.assertEqual((report.spm_task_planned_count, report.spm_task_done_count), (3, 1))
        self.assertEqual((report.spm_issue_open_count, report.spm_issue_escalated_count), (1, 1))
        self.assertEqual(report.spm_risk_high_count, 1)
        self.assertEqual((report.spm_budget, report.spm_cost_actual), (1_000_000, 300_000))
        self.assertAlmostEqual(report.spm_cost_ratio, 30)
        self.assertEqual((report.spm_collection_due, report.spm_collection_received), (250_000, 0))
        for expected in (self.milestone.name, self.issue.name, self.risk.name):
            self.assertIn(expected, str(report.description))
        self.assertEqual(self.project.last_update_id, report)

    def test_one_report_per_project_and_week(self):
        Update = self.env["project.update"].with_user(self.user_sales_east)
        Update.create({"project_id": self.project.id, "date": "2026-12-21"})
        with self.assertRaises(ValidationError):
            Update.create({"project_id": self.project.id, "date": "2026-12-27"})
        self.assertEqual(Update.create({"project_id": self.project.id, "date": "2026-12-28"}).spm_week, "2026-W53")
        # other projects keep Odoo's updates, as many as they like
        plain = self.env["project.project"].create({"name": "内部项目", "company_id": self.company.id})
        updates = self.env["project.update"].create([
            {"project_id": plain.id, "name": "Update", "status": "on_track", "date": "2026-12-21"},
            {"project_id": plain.id, "name": "Update", "status": "on_track", "date": "2026-12-22"}])
        self.assertFalse(any(updates.mapped("spm_week")))

    def test_figures_are_compiled_not_typed(self):
        report = self.env["project.update"].with_user(self.user_sales_east).create(
            {"project_id": self.project.id, "date": "2026-12-23", "spm_risk_high_count": 0})
        self.assertEqual(report.spm_risk_high_count, 1)
        with self.assertRaises(AccessError):
            report.with_user(self.user_sales_east).write({"spm_cost_actual": 0})
        self.risk.write({"closing_note": "已到货"})
        self.risk.action_close()
        self.assertIn(self.risk.name, str(report.description))
        report.with_user(self.user_sales_east).action_spm_refresh()
        self.assertEqual(report.spm_risk_high_count, 0)
        # the tables behind the counters follow them (the PDF prints both)
        self.assertNotIn(self.risk.name, str(report.description))

    def test_form_in_the_browser_defaults(self):
        form = Form(self.env["project.update"].with_user(self.user_sales_east).with_context(
            default_project_id=self.project.id))
        self.assertTrue(form.name.startswith("Weekly Report "))
        form.spm_summary = "<p>完成需求调研</p>"
        report = form.save()
        self.assertTrue(report.spm_week)
        self.assertIn("Open issues", str(report.description))

    def test_send_mails_the_team_and_the_monitor(self):
        report = self.env["project.update"].with_user(self.user_sales_east).create(
            {"project_id": self.project.id, "date": "2026-12-23", "spm_summary": "<p>进展顺利</p>"})
        with self.assertRaises(AccessError):
            report.with_user(self.user_sales_north).action_spm_send()
        result = report.with_user(self.user_sales_east).action_spm_send()
        self.assertIs(result, True)
        mail = self.env["mail.mail"].search([("model", "=", "project.update"), ("res_id", "=", report.id)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued")
        self.assertEqual(mail.recipient_ids, (self.user_sales_east | self.user_manager_east).partner_id,
                         "the project team: its manager and its monitor")
        self.assertIn(self.project.name, mail.subject)
        self.assertIn("2026-W52", mail.subject)
        self.assertTrue(mail.attachment_ids, "the report is attached")
        self.assertTrue(report.spm_sent_date)

    def test_weekly_reminder_once_per_week(self):
        reminder = self.env.ref("sales_project_management.mail_activity_type_weekly_report")
        Project = self.env["project.project"]
        _lead, reported = self._approved_project(name="已写周报的项目")
        self.env["project.update"].create({"project_id": reported.id})
        Project._cron_spm_weekly_report_reminders()
        Project._cron_spm_weekly_report_reminders()
        activities = self.project.activity_ids.filtered(lambda a: a.activity_type_id == reminder)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.user_sales_east)
        self.assertFalse(reported.activity_ids.filtered(lambda a: a.activity_type_id == reminder))
        # a closed project takes no weekly report: no reminder either
        _lead, closed = self._approved_project(name="已关闭的项目")
        closed.sudo().with_context(install_mode=True).stage_id = self.env.ref("project.project_project_stage_2")
        self.assertTrue(closed.stage_id.fold)
        Project._cron_spm_weekly_report_reminders()
        self.assertFalse(closed.activity_ids.filtered(lambda a: a.activity_type_id == reminder))
