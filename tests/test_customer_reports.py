import shutil
from datetime import timedelta

from odoo import Command, fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL

from .common import SpmProjectCommon
from .test_reports import pdf_text


@tagged("post_install", "-at_install")
class TestCustomerReports(HttpCase, SpmProjectCommon):
    """客户分析 (visits against the class, what is open), 售后分析 (resolution, escalation, satisfaction) and the
    customer file (客户档案) PDF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not shutil.which("pdftotext"):
            raise RuntimeError("pdftotext (Debian poppler-utils) is needed to read the PDFs back")
        Partner = cls.env["res.partner"]
        cls.customer.user_id = cls.user_sales_east
        cls.customer_hospital.user_id = cls.user_sales_north
        cls.customer_school = Partner.create({"name": "滨江实验中学", "is_company": True,
                                              "user_id": cls.user_sales_east.id})
        cls.customers = cls.customer | cls.customer_hospital | cls.customer_school
        class_key = cls.env.ref("sales_project_management.customer_class_key")  # a visit every 30 days
        cls.customers.with_user(cls.user_manager_east).write(
            {"spm_customer_class_id": class_key.id, "spm_class_reason": "年采购额超过 2000 万"})
        cls.class_key = class_key
        # held 40 days ago: due 10 days ago; 26 days ago: due in 4 days; 2 days ago: due in 28 days
        now = fields.Datetime.now()
        for partner, user, days in ((cls.customer, cls.user_sales_east, 40),
                                    (cls.customer_hospital, cls.user_sales_north, 26),
                                    (cls.customer_school, cls.user_sales_east, 2)):
            cls.env["spm.visit"].with_user(user).create({
                "name": "拜访", "partner_id": partner.id, "visit_type": "onsite", "company_id": cls.company.id,
                "date_start": now - timedelta(days=days)})
        # the people who matter, and the customer's open and lost opportunities
        cls.contact.write({"spm_decision_role": "decision_maker", "spm_attitude": "supporter"})
        cls.lead_open = cls._create_lead("诱导屏扩容", partner_id=cls.contact.id)
        cls.lead_lost = cls._create_lead("充电桩改造", partner_id=cls.customer.id)
        cls.lead_lost.action_set_lost(lost_reason_id=cls.env.ref("crm.lost_reason_1").id)
        cls.after_sales = cls.company._spm_after_sales_project()
        cls.after_sales.user_id = cls.user_manager_east

    def _request(self, user=None, **values):
        vals = {"name": "道闸抬杆故障", "project_id": self.after_sales.id, "partner_id": self.contact.id,
                "spm_service_type": "complaint", "spm_sales_project_id": self.project.id, "spm_channel": "phone"}
        vals.update(values)
        return self.env["project.task"].with_user(user or self.user_sales_east).create(vals)

    def _age(self, task, column, age):
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE project_task SET %s = %s WHERE id = %s", SQL.identifier(column),
                                fields.Datetime.now() - age, task.id))
        task.invalidate_recordset()

    def _rows(self, model, user=None):
        Analysis = self.env[model]
        if user:
            Analysis = Analysis.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)
        return Analysis.search([("partner_id", "in", self.customers.ids)])

    def _service_requests(self):
        """An open complaint escalated once (critical, a day old), and a repair resolved in two days that the
        customer scored twice (4 and 5)."""
        complaint = self._request(spm_severity="critical")
        self._age(complaint, "spm_issue_date", timedelta(days=1, hours=1))
        self.env["project.task"]._cron_spm_escalate_issues()
        repair = self._request(name="地感线圈维修", spm_service_type="repair")
        self._age(repair, "create_date", timedelta(days=2))
        repair.with_user(self.user_manager_east).write({"state": "1_done"})
        criteria = self.env["spm.satisfaction.criterion"].search([])
        self.env["spm.satisfaction"].create([
            {"task_id": repair.id, "source": "survey",
             "line_ids": [Command.create({"criterion_id": criterion.id, "score": score}) for criterion in criteria]}
            for score in (4, 5)])
        hospital = self.env["project.task"].create({
            "name": "挂号机卡纸", "project_id": self.after_sales.id, "partner_id": self.customer_hospital.id,
            "spm_service_type": "maintenance"})
        return complaint, repair, hospital

    def test_customer_analysis_visit_statuses_and_counts(self):
        self._service_requests()
        rows = self._rows("spm.customer.analysis")
        self.assertEqual(rows.partner_id, self.customers, "one row per classified company")
        by_customer = {row.partner_id: row for row in rows}
        today = fields.Date.context_today(rows)
        overdue, soon, on_time = (by_customer[p] for p in self.customers)
        self.assertEqual([overdue.visit_status, soon.visit_status, on_time.visit_status],
                         ["overdue", "due_soon", "on_time"])
        self.assertEqual(overdue.visit_due_date, self.customer.spm_visit_due_date)
        self.assertEqual(overdue.overdue_days, (today - self.customer.spm_visit_due_date).days)
        self.assertIn(overdue.overdue_days, (9, 10, 11))
        self.assertEqual((soon.overdue_days, on_time.overdue_days), (0, 0))
        self.assertEqual(overdue.last_visit_held, self.customer.spm_last_visit_held)
        self.assertEqual((overdue.customer_class_id, overdue.user_id, overdue.team_id, overdue.company_id),
                         (self.class_key, self.user_sales_east, self.team_east, self.company))
        self.assertEqual((soon.user_id, soon.team_id), (self.user_sales_north, self.team_north))
        # the complaint is open, the repair done; the lost opportunity is not counted
        self.assertEqual((overdue.open_service_count, overdue.open_lead_count), (1, 1))
        self.assertEqual((soon.open_service_count, soon.open_lead_count), (1, 0))
        self.assertEqual((on_time.open_service_count, on_time.open_lead_count), (0, 0))
        # the pivot: class × status
        groups = self.env["spm.customer.analysis"]._read_group(
            [("partner_id", "in", self.customers.ids)], ["customer_class_id", "visit_status"], ["__count"])
        self.assertEqual(sorted((status, count) for _class, status, count in groups),
                         [("due_soon", 1), ("on_time", 1), ("overdue", 1)])
        # the same "overdue" as the customer's own flag
        self.assertEqual(self.env["spm.customer.analysis"].search(
            [("visit_status", "=", "overdue"), ("partner_id", "in", self.customers.ids)]).partner_id,
            self.env["res.partner"].search([("spm_visit_overdue", "=", True), ("id", "in", self.customers.ids)]))
        # a visit held today: no longer overdue
        self.env["spm.visit"].with_user(self.user_sales_east).create({
            "name": "回访", "partner_id": self.customer.id, "visit_type": "onsite", "company_id": self.company.id})
        self.env["spm.customer.analysis"].invalidate_model()
        self.assertEqual(self._rows("spm.customer.analysis").filtered(
            lambda row: row.partner_id == self.customer).visit_status, "on_time")

    def _user(self, login, company, group):
        return mail_new_test_user(self.env, login=login, name=login, company_id=company.id,
                                  company_ids=[Command.set(company.ids)],
                                  groups=f"base.group_user,sales_project_management.{group}")

    def test_customer_analysis_access_per_role(self):
        leader = self._user("spm_t_leader_east", self.company, "group_spm_user")
        self.team_east.user_id = leader
        manager_b = self._user("spm_t_manager_b", self.company_b, "group_spm_manager")
        Analysis = "spm.customer.analysis"
        self.assertEqual(self._rows(Analysis, self.user_sales_east).partner_id,
                         self.customer | self.customer_school, "a salesperson sees their own customers")
        self.assertEqual(self._rows(Analysis, self.user_sales_north).partner_id, self.customer_hospital,
                         "not those of another team")
        self.assertEqual(self._rows(Analysis, leader).partner_id, self.customer | self.customer_school,
                         "a team leader sees their team's")
        self.assertEqual(self._rows(Analysis, self.user_manager_north).partner_id, self.customers, "a manager all")
        self.assertFalse(self._rows(Analysis, manager_b), "nor another company's manager")

    def test_service_analysis_figures_and_access(self):
        complaint, repair, hospital = self._service_requests()
        rows = self.env["spm.service.analysis"].search([("task_id", "in", (complaint | repair | hospital).ids)])
        by_task = {row.task_id: row for row in rows}
        row_complaint, row_repair = by_task[complaint], by_task[repair]
        self.assertEqual((row_complaint.partner_id, row_complaint.sales_project_id, row_complaint.company_id),
                         (self.customer, self.project, self.company))
        self.assertEqual((row_complaint.service_type, row_complaint.severity, row_complaint.escalation_level,
                          row_complaint.is_escalated, row_complaint.is_closed),
                         ("complaint", "critical", "1", True, False))
        self.assertEqual((row_repair.state, row_repair.is_closed, row_repair.is_escalated), ("1_done", True, False))
        self.assertAlmostEqual(row_repair.resolve_days, 2.0, places=2)
        self.assertAlmostEqual(row_repair.resolve_days, repair.spm_resolve_days, places=4)
        self.assertEqual((row_repair.satisfaction_score, row_repair.satisfaction_count), (4.5, 2))
        self.assertFalse(row_repair.customer_confirmed)
        repair.with_user(self.user_manager_east).action_spm_confirm_resolution()
        self.env["spm.service.analysis"].invalidate_model()
        self.assertTrue(row_repair.customer_confirmed)
        # the averages count the resolved requests only, and the answered ones
        [(resolve_days, score)] = self.env["spm.service.analysis"]._read_group(
            [("partner_id", "=", self.customer.id)], [], ["resolve_days:avg", "satisfaction_score:avg"])
        self.assertAlmostEqual(resolve_days, 2.0, places=2)
        self.assertEqual(score, 4.5)
        # seen by who sees the request: the customer's salesperson, not another team's
        Analysis = "spm.service.analysis"
        self.assertEqual(self.env[Analysis].with_user(self.user_sales_north).search(
            [("task_id", "in", (complaint | repair | hospital).ids)]).task_id, hospital)
        self.assertEqual(self.env[Analysis].with_user(self.user_sales_east).search(
            [("task_id", "in", (complaint | repair | hospital).ids)]).task_id, complaint | repair)
        self.assertEqual(self.env[Analysis].with_user(self.user_manager_north).search(
            [("task_id", "in", (complaint | repair | hospital).ids)]).task_id, complaint | repair | hospital)

    def test_customer_file_pdf(self):
        complaint, _repair, hospital = self._service_requests()
        self.customer.write({"spm_needs": "静态交通信息化平台", "spm_employee_count": 3000})
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        # printed from a contact: its company's file (the names are asserted in characters the PDF's font maps
        # to themselves: it gives 一 and 车 as their radicals)
        pdf, kind = Report._render_qweb_pdf("sales_project_management.action_report_spm_customer_file",
                                            self.contact.ids)
        self.assertEqual(kind, "pdf")
        text = pdf_text(pdf)
        for expected in ("Customer File", self.customer.name, "年采购额超过 2000 万", self.contact.name,
                         "Decision Maker", "Supporter", "静态交通信息化平台", self.lead_open.name, "Office-level",
                         complaint.name, "Last Closed", "File Completeness"):
            self.assertIn(expected, text)
        self.assertNotIn(self.lead_lost.name, text)
        self.assertNotIn(hospital.name, text, "another customer's request")
