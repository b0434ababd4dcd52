from datetime import timedelta

from odoo import Command, fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmMonitoringCommon


@tagged("post_install", "-at_install")
class TestIssueEscalation(SpmMonitoringCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead, cls.project = cls._approved_project()
        cls.escalation = cls.env.ref("sales_project_management.mail_activity_type_issue_escalation")

    def _issue(self, days=0, name="HIS 接口文档未提供", user=None):
        form = Form(self.env["project.task"].with_user(user or self.user_sales_east).with_context(
            default_project_id=self.project.id, default_spm_is_issue=True))
        form.name = name
        issue = form.save().with_env(self.env)
        if days:
            issue.spm_issue_date = fields.Datetime.now() - timedelta(days=days, minutes=5)  # backdated by a manager
        return issue

    def _escalations(self, issue):
        return issue.activity_ids.filtered(lambda a: a.activity_type_id == self.escalation)

    def test_project_has_its_team(self):
        self.assertEqual(self.project.user_id, self.user_sales_east)
        monitors = self.project.spm_member_ids.filtered(lambda m: m.role == "monitor").user_id
        self.assertEqual(monitors, self.user_manager_east, "office level: the team leader monitors")
        self.assertEqual(self.project._spm_monitors(), self.user_manager_east)

    def test_issue_escalates_once_to_the_manager_then_to_management(self):
        issue = self._issue(days=4)
        fresh = self._issue(name="刚提出的问题")
        self.assertTrue(fresh.spm_issue_date, "the clock starts when the issue is raised")
        Task = self.env["project.task"]
        Task._cron_spm_escalate_issues()
        self.assertEqual(issue.spm_escalation_level, "1")
        self.assertEqual(self._escalations(issue).user_id, self.user_sales_east, "the project manager")
        self.assertIn(self.user_sales_east.partner_id, issue.message_partner_ids)
        self.assertTrue(any("Escalated" in (m.body or "") for m in issue.message_ids))
        self.assertEqual(fresh.spm_escalation_level, "0")
        Task._cron_spm_escalate_issues()
        self.assertEqual(len(self._escalations(issue)), 1, "never twice")

        issue.spm_issue_date = fields.Datetime.now() - timedelta(days=8)
        Task._cron_spm_escalate_issues()
        self.assertEqual(issue.spm_escalation_level, "2")
        self.assertEqual(self._escalations(issue).user_id, self.user_sales_east | self.user_manager_east,
                         "management: the project's monitors")
        self.assertIn(self.user_manager_east.partner_id, issue.message_partner_ids)
        Task._cron_spm_escalate_issues()
        self.assertEqual(len(self._escalations(issue)), 2, "never twice")
        self.assertEqual(self.project.spm_issue_open_count, 2)
        self.assertEqual(self.project.spm_issue_escalated_count, 1)

    def test_eight_days_old_issue_reaches_management_through_the_manager(self):
        issue = self._issue(days=8)
        self.env["project.task"]._cron_spm_escalate_issues()
        self.assertEqual(issue.spm_escalation_level, "2")
        self.assertEqual(self._escalations(issue).user_id, self.user_sales_east | self.user_manager_east)

    def test_without_monitor_management_is_the_executives(self):
        self.project.spm_member_ids.filtered(lambda m: m.role == "monitor").unlink()
        issue = self._issue(days=8)
        self.env["project.task"]._cron_spm_escalate_issues()
        self.assertIn(self.user_exec, self._escalations(issue).user_id)
        self.assertNotIn(self.user_sales_b, self._escalations(issue).user_id)

    def test_closing_stops_the_clock_and_reopening_restarts_it(self):
        issue = self._issue(days=10)
        issue.with_user(self.user_sales_east).state = "1_done"
        self.env["project.task"]._cron_spm_escalate_issues()
        self.assertEqual(issue.spm_escalation_level, "0")
        self.assertFalse(self._escalations(issue))
        issue.with_user(self.user_sales_east).state = "01_in_progress"
        self.assertGreater(issue.spm_issue_date, fields.Datetime.now() - timedelta(minutes=5))
        self.env["project.task"]._cron_spm_escalate_issues()
        self.assertEqual(issue.spm_escalation_level, "0", "the clock started again")
        self.assertEqual(self.project.spm_issue_open_count, 1)

    def test_thresholds_are_company_settings(self):
        self.company.write({"spm_issue_escalation_days": 1, "spm_issue_management_days": 2})
        issue = self._issue(days=2)
        self.env["project.task"]._cron_spm_escalate_issues()
        self.assertEqual(issue.spm_escalation_level, "2")
        with self.assertRaises(ValidationError):
            self.company.write({"spm_issue_escalation_days": 5, "spm_issue_management_days": 4})

    def test_escalation_and_raised_date_are_not_the_users(self):
        issue = self._issue()
        as_sales = issue.with_user(self.user_sales_east)
        with self.assertRaises(AccessError):
            as_sales.write({"spm_escalation_level": "2"})
        with self.assertRaises(AccessError):
            as_sales.write({"spm_issue_date": fields.Datetime.now() - timedelta(days=1)})
        with self.assertRaises(ValidationError):
            issue.spm_issue_date = fields.Datetime.now() + timedelta(days=3)

    def test_another_team_does_not_manage_the_issues(self):
        issue = self._issue()
        with self.assertRaises(AccessError):
            issue.with_user(self.user_sales_north).write({"name": "改名"})
        with self.assertRaises(AccessError):
            self.env["project.task"].with_user(self.user_sales_north).create(
                {"name": "他队提出", "project_id": self.project.id, "spm_is_issue": True})
        _north_lead, north_project = self._approved_project(name="北区项目", user=self.user_sales_north,
                                                             team=self.team_north)
        with self.assertRaises(AccessError):
            issue.with_user(self.user_sales_east).write({"project_id": north_project.id})
        # an assignee works on it, a plain task of the project stays Odoo's
        issue.user_ids = self.user_sales_north
        issue.with_user(self.user_sales_north).write({"description": "<p>已联系厂商</p>"})
        task = self.env["project.task"].with_user(self.user_sales_north).create(
            {"name": "普通任务", "project_id": self.project.id})
        self.assertFalse(task.spm_is_issue)

    def test_issues_board(self):
        issue = self._issue(days=4)
        self.env["project.task"]._cron_spm_escalate_issues()
        action = self.project.with_user(self.user_sales_east).action_spm_view_issues()
        self.assertEqual(action["res_model"], "project.task")
        found = self.env["project.task"].with_user(self.user_sales_east).search(action["domain"])
        self.assertEqual(found, issue)
        kanban = self.env["project.project"].with_user(self.user_sales_east).get_views(
            [(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn("spm_issue_escalated_count", kanban)

    def test_users_without_the_addon_keep_working(self):
        """A project manager never given the addon's groups works on a monitored sales project."""
        plain = mail_new_test_user(self.env, login="spm_t_plain_pm", name="Plain PM",
                                   groups="base.group_user,project.group_project_manager",
                                   company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        issue = self._issue(days=4)
        self.env["project.task"]._cron_spm_escalate_issues()
        Project = self.env["project.project"].with_user(plain)
        kanban = Project.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertNotIn("spm_risk_high_count", kanban, "the badges are the addon's users'")
        self.assertTrue(Project.web_search_read([("id", "=", self.project.id)], {"display_name": {}})["records"])
        with Form(self.project.with_user(plain)) as form:
            form.name = "滨江一院停车场（改）"
        with Form(issue.with_user(plain)) as form:
            form.name = "HIS 接口文档（催办）"
        update = Form(self.env["project.update"].with_user(plain).with_context(
            default_project_id=self.project.id)).save()
        self.assertTrue(update.spm_week)
        self.assertEqual(update.spm_issue_escalated_count, 1)
