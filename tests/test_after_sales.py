from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SpmProjectCommon


@tagged("post_install", "-at_install")
class TestAfterSales(SpmProjectCommon):
    """Service requests of the after-sales project (complaints escalated by severity, resolutions confirmed by the
    customer, satisfaction), the warranty with its commitments and retention, and the return visits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.user_id = cls.user_sales_east
        cls.customer_hospital.user_id = cls.user_sales_north
        cls.after_sales = cls.company._spm_after_sales_project()
        cls.after_sales.user_id = cls.user_manager_east
        cls.class_key = cls.env.ref("sales_project_management.customer_class_key")  # return visit every 90 days
        cls.escalation = cls.env.ref("sales_project_management.mail_activity_type_issue_escalation")

    def _request(self, user=None, **values):
        vals = {"name": "道闸抬杆故障", "project_id": self.after_sales.id, "partner_id": self.contact.id,
                "spm_service_type": "complaint", "spm_sales_project_id": self.project.id, "spm_channel": "phone"}
        vals.update(values)
        return self.env["project.task"].with_user(user or self.user_sales_east).create(vals)

    def _age(self, task, days):
        self.env.flush_all()
        self.env.cr.execute("UPDATE project_task SET spm_issue_date = %s WHERE id = %s",
                            [fields.Datetime.now() - timedelta(days=days, hours=1), task.id])
        task.invalidate_recordset()

    def test_after_sales_project_is_made_once_per_company(self):
        self.assertTrue(self.after_sales.spm_is_after_sales)
        self.assertEqual(self.company._spm_after_sales_project(), self.after_sales)
        self.assertEqual(self.company.spm_after_sales_project_id, self.after_sales)
        with self.assertRaises(AccessError):
            self.after_sales.with_user(self.user_manager_east).write({"spm_is_after_sales": False})
        # a service request lives there, for a customer, about one of that customer's projects
        with self.assertRaises(ValidationError):
            self._request(project_id=self.project.id)
        with self.assertRaises(ValidationError):
            self._request(partner_id=self.customer_hospital.id)

    def test_complaint_escalates_by_severity_to_the_owner_then_management(self):
        complaint = self._request(spm_severity="critical")
        self.assertTrue(complaint.spm_issue_date, "a complaint's clock starts when it is raised")
        self.assertEqual(complaint.spm_escalation_level, "0")
        Task = self.env["project.task"]
        self._age(complaint, 1)
        Task._cron_spm_escalate_issues()
        self.assertEqual(complaint.spm_escalation_level, "1")
        owners = complaint.activity_ids.filtered(lambda a: a.activity_type_id == self.escalation).user_id
        self.assertEqual(owners, self.user_manager_east | self.user_sales_east,
                         "the after-sales manager and the customer's salesperson")
        self._age(complaint, 2)
        Task._cron_spm_escalate_issues()
        self.assertEqual(complaint.spm_escalation_level, "2")
        self.assertIn(self.user_exec, complaint.activity_ids.user_id,
                      "the sales project's monitors (its company's executives when it names none)")
        # a medium complaint of the same age waits for the company's standard thresholds (3 and 7 days)
        medium = self._request(name="发票抬头错误", spm_severity="medium")
        self._age(medium, 2)
        Task._cron_spm_escalate_issues()
        self.assertEqual(medium.spm_escalation_level, "0")
        # nobody writes the escalation by hand
        with self.assertRaises(AccessError):
            medium.with_user(self.user_manager_east).write({"spm_escalation_level": "2"})

    def test_resolution_confirmed_by_the_customer_and_reopened(self):
        complaint = self._request()
        with self.assertRaises(UserError):
            complaint.with_user(self.user_manager_east).action_spm_confirm_resolution()  # not done yet
        complaint.with_user(self.user_manager_east).write({"state": "1_done", "spm_resolution": "<p>更换地感线圈</p>"})
        self.assertTrue(complaint.spm_resolved_on)
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_manager_east).write({"spm_customer_confirmed": True})
        complaint.with_user(self.user_manager_east).action_spm_confirm_resolution()
        self.assertTrue(complaint.spm_customer_confirmed)
        self.assertEqual(complaint.spm_confirmed_by, f"{self.contact.name} (recorded by {self.user_manager_east.name})")
        # reopened: the confirmation goes, the clock starts again
        complaint.with_user(self.user_manager_east).write({"state": "01_in_progress"})
        self.assertFalse(complaint.spm_customer_confirmed or complaint.spm_resolved_on)
        self.assertEqual(complaint.spm_escalation_level, "0")

    def test_satisfaction_survey_after_the_service(self):
        self.contact.email = "zhang.ming@example.com"
        complaint = self._request()
        complaint.with_user(self.user_manager_east).write({"state": "1_done"})
        answer = self.env["survey.user_input"].search([("spm_task_id", "=", complaint.id)])
        self.assertEqual((answer.partner_id, answer.state), (self.contact, "new"))
        criteria = self.env["spm.satisfaction.criterion"].search([])
        for criterion, score in zip(criteria, [5, 4, 4, 5], strict=True):
            answer._save_lines(criterion.question_id, str(score))
        answer._mark_done()
        satisfaction = self.env["spm.satisfaction"].search([("user_input_id", "=", answer.id)])
        self.assertEqual((satisfaction.task_id, satisfaction.partner_id), (complaint, self.customer))
        self.assertFalse(satisfaction.project_id, "the service's score is not a phase of the project")
        self.assertFalse(self.project.spm_satisfaction_score)
        self.assertEqual(satisfaction.score, 4.5)
        # a paper form scores a phase, not a service: the customer's own answer is not typed in
        with self.assertRaises(ValidationError):
            self.env["spm.satisfaction"].with_user(self.pm).create({"task_id": complaint.id})

    def test_warranty_commitments_reminder_and_retention(self):
        self.assertEqual(self.project.spm_warranty_months, 12, "the company's default")
        self.project.with_user(self.user_manager_east).write({
            "spm_warranty_months": 24,
            "spm_commitment_ids": [Command.create({"kind": "maintenance", "name": "季度巡检", "quantity": 4}),
                                   Command.create({"kind": "training", "name": "操作培训", "quantity": 1})],
        })
        order = self.project.spm_collection_line_ids.sale_order_id
        self.project.spm_collection_line_ids.filtered(lambda line: line.trigger == "acceptance").percent = 40
        retention = self.env["spm.collection.line"].create({
            "project_id": self.project.id, "sale_order_id": order.id, "sequence": 30, "name": "质保金",
            "percent": 10, "trigger": "warranty_end", "offset_days": 0})
        self.project.action_spm_confirm_collection_plan()
        self.assertFalse(retention.due_date, "not known before the final acceptance")
        accepted_on = self.today - timedelta(days=10)
        self._acceptance(date=accepted_on)
        end = accepted_on + relativedelta(months=24)
        self.assertEqual(self.project.spm_warranty_end, end)
        self.assertEqual((retention.due_date, retention.state), (end, "planned"))
        planned = self.project.spm_service_request_ids.filtered("spm_commitment_id")
        self.assertEqual(len(planned), 5)
        self.assertEqual(set(planned.mapped("project_id")), {self.after_sales})
        self.assertTrue(all(accepted_on < task.date_deadline.date() < end for task in planned))
        maintenance = self.project.spm_commitment_ids.filtered(lambda c: c.kind == "maintenance")
        planned.filtered(lambda t: t.spm_commitment_id == maintenance)[0].write({"state": "1_done"})
        self.assertEqual(maintenance.done_count, 1)
        with self.assertRaises(ValidationError):
            maintenance.with_user(self.user_manager_east).quantity = 8
        # 30 days before its end the project manager and the salesperson are reminded, once
        warranty = self.env.ref("sales_project_management.mail_activity_type_warranty")
        with patch.object(fields.Date, "context_today", return_value=end - timedelta(days=29)):
            self.env["project.project"]._cron_spm_service()
            self.env["project.project"]._cron_spm_service()
        reminders = self.project.activity_ids.filtered(lambda a: a.activity_type_id == warranty)
        self.assertEqual(reminders.user_id, self.pm)
        self.assertEqual(len(reminders), 1)

    def test_return_visits_at_the_class_cadence_closed_by_a_visit(self):
        self.customer.with_user(self.user_manager_east).write(
            {"spm_customer_class_id": self.class_key.id, "spm_class_reason": "重点客户"})
        accepted_on = self.today - timedelta(days=5)
        self._acceptance(date=accepted_on)
        planned = self.project.spm_service_request_ids.filtered(lambda t: t.spm_service_type == "return_visit")
        self.assertEqual(len(planned), 1)
        self.assertEqual(planned.date_deadline.date(), accepted_on + timedelta(days=90))
        self.assertEqual(planned.user_ids, self.user_sales_east, "the customer's salesperson")
        # the job plans no second one while one is open
        self.env["project.project"]._cron_spm_service()
        self.assertEqual(len(self.project.spm_service_request_ids.filtered(
            lambda t: t.spm_service_type == "return_visit")), 1)
        # a return visit held closes it; the job plans the next, one cadence later
        visit = self.env["spm.visit"].with_user(self.user_sales_east).create({
            "partner_id": self.customer.id, "visit_type": "return_visit", "company_id": self.company.id,
            "date_start": fields.Datetime.now() - timedelta(hours=2), "summary": "系统运行稳定，客户满意"})
        self.assertEqual(visit.service_task_id, planned)
        self.assertEqual(planned.state, "1_done")
        self.assertIn("系统运行稳定", str(planned.spm_resolution))
        self.env["project.project"]._cron_spm_service()
        following = self.project.spm_service_request_ids.filtered(
            lambda t: t.spm_service_type == "return_visit" and not t.is_closed)
        self.assertEqual(following.date_deadline.date(), self.today + timedelta(days=90))

    def test_a_service_request_is_its_customers_team_business(self):
        complaint = self._request()
        self.assertEqual(self.env["project.task"].with_user(self.user_sales_north).search(
            [("id", "=", complaint.id)]), self.env["project.task"])
        for user in (self.user_sales_east, self.user_manager_east, self.user_director):
            self.assertEqual(self.env["project.task"].with_user(user).search([("id", "=", complaint.id)]), complaint)
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_sales_north).write({"spm_severity": "low"})

    def test_an_email_to_the_alias_raises_a_complaint(self):
        alias_defaults = self.after_sales._alias_get_creation_values()["alias_defaults"]
        self.assertEqual((alias_defaults["spm_service_type"], alias_defaults["spm_channel"]), ("complaint", "mail"))
        task = self.env["project.task"].with_context(mail_create_nolog=True).message_new(
            {"subject": "停车场收费系统宕机", "email_from": "unknown@example.com", "body": "<p>请尽快处理</p>",
             "to": "service@example.com"}, custom_values=dict(alias_defaults))
        self.assertEqual((task.spm_service_type, task.spm_channel, task.project_id),
                         ("complaint", "mail", self.after_sales))
        self.assertTrue(task.spm_issue_date)
