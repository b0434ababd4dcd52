from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmCommissionCommon, SpmGateCommon


@tagged("post_install", "-at_install")
class TestGradeCriteria(SpmGateCommon):
    """项目等级评定表: any one criterion met gives its grade; the highest of these and of the amount's wins."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.grade_company = ref("sales_project_management.grade_company")
        cls.grade_department = ref("sales_project_management.grade_department")
        cls.grade_office = ref("sales_project_management.grade_office")
        cls.hq_selection = ref("sales_project_management.grade_criterion_company_hq_selection")
        cls.admission = ref("sales_project_management.grade_criterion_department_admission")
        cls.channel_key = ref("sales_project_management.grade_criterion_channel_key")
        cls.channel = cls.env["res.partner"].create({
            "name": "华信智联科技有限公司", "is_company": True, "spm_is_channel": True,
            "user_id": cls.user_sales_north.id,
        })

    def _tick(self, lead, criterion, user=None, evidence="总部选型通知"):
        return self.env["spm.lead.grade.criterion"].with_user(user or lead.user_id).create({
            "lead_id": lead.id, "criterion_id": criterion.id, "evidence": evidence})

    def test_a_criterion_raises_the_grade_and_says_why(self):
        lead = self._create_lead("滨江停车一期", expected_revenue=3_000_000)
        self.assertEqual(lead.spm_grade_id, self.grade_office)
        line = self._tick(lead, self.hq_selection)
        self.assertEqual(lead.spm_grade_id, self.grade_company, "one criterion is enough for its grade")
        self.assertEqual((line.recorded_by_id, bool(line.recorded_on)), (self.user_sales_east, True))
        self.assertEqual(lead.spm_grade_criterion_ids, self.hq_selection)
        reasons = lead.spm_grade_reasons
        self.assertIn(self.hq_selection.name, reasons)
        self.assertIn("总部选型通知", reasons)
        self.assertIn(self.grade_office.name, reasons, "the amount's grade is named too")
        # a lower criterion does not lower it; the amount higher than the criteria wins
        self._tick(lead, self.admission)
        self.assertEqual(lead.spm_grade_id, self.grade_company)
        lead.spm_grade_criterion_line_ids.filtered(lambda line: line.criterion_id == self.hq_selection).with_user(
            self.user_sales_east).unlink()
        self.assertEqual(lead.spm_grade_id, self.grade_department)
        lead.expected_revenue = 60_000_000
        self.assertEqual(lead.spm_grade_id, self.grade_company)
        # the searchable many2many ticks and unticks through the lines
        lead.with_user(self.user_sales_east).spm_grade_criterion_ids = [Command.set([])]
        self.assertFalse(lead.spm_grade_criterion_line_ids)
        self.assertEqual(self.env["crm.lead"].search([("spm_grade_criterion_ids", "=", self.admission.id)]),
                         self.env["crm.lead"])

    def test_the_initiation_chain_follows_the_criteria_grade_and_keeps_the_reasons(self):
        lead = self._create_lead("滨江停车一期", expected_revenue=3_000_000)
        self._tick(lead, self.hq_selection)
        self._meet_lead_gates(lead)
        self._meet_qualification_gates(lead)
        lead.stage_id = self.stage_qualification
        lead.stage_id = self.stage_initiation
        action = lead.with_user(self.user_sales_east).action_spm_request_initiation()
        form = Form(self.env["spm.initiation"].with_user(self.user_sales_east).with_context(**action["context"]))
        form.objective = "<p>年内上线</p>"
        request = form.save()
        self.assertIn(self.hq_selection.name, request.lead_grade_reasons)
        request.with_user(self.user_sales_east).action_submit()
        self.assertEqual(request.grade_id, self.grade_company)
        self.assertEqual(len(request.approval_ids), 3, "the company-level chain decides it")
        self.assertIn(self.hq_selection.name, request.grade_reasons, "the reasons are kept as submitted")
        html = self.env["ir.actions.report"]._render_qweb_html(
            "sales_project_management.action_report_spm_initiation", request.ids)[0].decode()
        self.assertIn("总部选型通知", html, "the 立项报告 says why the grade")

    def test_after_approval_a_criterion_is_removed_by_a_manager_only(self):
        lead = self._create_lead("滨江停车一期", expected_revenue=3_000_000)
        line = self._tick(lead, self.admission)
        self.env.invalidate_all()
        lead.env.cr.execute("UPDATE crm_lead SET spm_initiation_approved = TRUE WHERE id = %s", [lead.id])
        lead.invalidate_recordset(["spm_initiation_approved"])
        with self.assertRaisesRegex(AccessError, "manager"):
            line.with_user(self.user_sales_east).unlink()
        with self.assertRaisesRegex(AccessError, "manager"):
            lead.with_user(self.user_sales_east).spm_grade_criterion_ids = [Command.set([])]
        line.with_user(self.user_manager_east).unlink()
        self.assertEqual(lead.spm_grade_id, self.grade_office)

    def test_who_records_a_criterion_and_where(self):
        lead = self._create_lead("滨江停车一期", expected_revenue=3_000_000)
        lead_north = self._create_lead("京华理工一卡通", user=self.user_sales_north, team=self.team_north)
        with self.assertRaises(AccessError):
            self._tick(lead_north, self.hq_selection, user=self.user_sales_east)
        line = self._tick(lead, self.admission)
        with self.assertRaises(AccessError):
            line.with_user(self.user_sales_east).lead_id = lead_north
        # forged: who and when are the workflow's
        forged = self.env["spm.lead.grade.criterion"].with_user(self.user_sales_east).with_context(
            default_recorded_by_id=self.user_manager_east.id).create({
                "lead_id": lead.id, "criterion_id": self.hq_selection.id})
        self.assertEqual(forged.recorded_by_id, self.user_sales_east)
        with self.assertRaises(AccessError):
            forged.with_user(self.user_sales_east).recorded_by_id = self.user_manager_east
        with self.assertRaises(AccessError):
            forged.with_user(self.user_sales_east).criterion_id = self.admission
        # another company's criterion does not grade this company's opportunities
        grade_b = self.env["spm.grade"].create({"name": "B 公司级", "code": "BC", "company_id": self.company_b.id,
                                                "min_amount": 1})
        criterion_b = self.env["spm.grade.criterion"].create({"name": "B 的标准", "grade_id": grade_b.id})
        with self.assertRaises(ValidationError):
            self._tick(lead, criterion_b)
        # a salesperson neither sees another team's ticks nor defines criteria
        self.assertFalse(self.env["spm.lead.grade.criterion"].with_user(self.user_sales_north).search(
            [("id", "=", line.id)]))
        with self.assertRaises(AccessError):
            self.env["spm.grade.criterion"].with_user(self.user_sales_east).create(
                {"name": "自定义", "grade_id": self.grade_company.id})

    def test_channel_projects(self):
        lead = self._create_lead("滨江停车一期", expected_revenue=3_000_000)
        self.assertEqual(lead.spm_sales_channel, "direct")
        with self.assertRaisesRegex(ValidationError, "channel partner"):
            self._tick(lead, self.channel_key)
        lead.with_user(self.user_sales_east).spm_channel_partner_id = self.channel
        self.assertEqual(lead.spm_sales_channel, "channel")
        self._tick(lead, self.channel_key)
        self.assertIn(self.channel_key.name, lead.spm_grade_reasons)
        groups = self.env["crm.lead"].read_group(
            [("id", "=", lead.id)], ["expected_revenue:sum"], ["spm_sales_channel"])
        self.assertEqual([(g["spm_sales_channel"], g["expected_revenue"]) for g in groups], [("channel", 3_000_000)])
        with self.assertRaisesRegex(ValidationError, "channel partner"):
            lead.spm_channel_partner_id = self.customer


@tagged("post_install", "-at_install")
class TestChannelCommission(SpmCommissionCommon):
    """The channel share of a commission goes to the channel manager: the channel partner's salesperson."""

    def test_channel_manager_earns_the_channel_share(self):
        channel = self.env["res.partner"].create({
            "name": "华信智联科技有限公司", "is_company": True, "spm_is_channel": True,
            "user_id": self.user_sales_north.id,
        })
        rule = self.rule
        rule.share_ids = [Command.clear(), Command.create({"role": "salesperson", "share": 80}),
                          Command.create({"role": "channel", "share": 20})]
        lead = self._create_lead("滨江智慧停车一期", spm_channel_partner_id=channel.id)
        self.project.spm_lead_id = lead
        invoice = self._invoice()
        self._pay(invoice, 1_000_000, date(2026, 3, 10))
        by_role = {line.role: line for line in self._lines(invoice_id=invoice.id)}
        self.assertEqual(by_role["salesperson"].user_id, self.user_sales_east)
        self.assertEqual(by_role["channel"].user_id, self.user_sales_north)
        self.assertAlmostEqual(by_role["channel"].amount * 4, by_role["salesperson"].amount, places=2)
