import shutil
import subprocess

from odoo.tests import HttpCase, tagged

from .common import SpmGateCommon, SpmWeeklyReportCommon


def pdf_text(pdf):
    result = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                            check=True)
    return result.stdout.decode()


@tagged("post_install", "-at_install")
class TestInitiationReports(HttpCase, SpmGateCommon):
    """The PDFs are rendered by wkhtmltopdf (served by the test server) and read back as text."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not shutil.which("pdftotext"):
            raise RuntimeError("pdftotext (Debian poppler-utils) is needed to read the PDFs back")
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["sales_project_management"], ["zh_CN"], overwrite=True)
        (cls.user_sales_east | cls.user_manager_east).lang = "zh_CN"
        cls.lead = cls._create_lead("滨江一院停车场出入口改造", expected_revenue=3_800_000)
        zh = {"lang": "zh_CN"}  # as the web client sends it
        cls.request = cls.env["spm.initiation"].with_user(cls.user_sales_east).with_context(**zh).create({
            "lead_id": cls.lead.id,
            "objective": "<p>三个月内完成改造并通过验收</p>",
            "scope": "<p>门急诊停车场六进六出</p>",
            "expected_revenue": 3_800_000,
            "date_start": "2026-12-01",
            "member_ids": [(0, 0, {"user_id": cls.user_sales_east.id, "role": "manager"})],
        })
        cls.request.with_user(cls.user_sales_east).with_context(**zh).action_submit()
        cls.request.with_user(cls.user_manager_east).with_context(**zh).action_approve("同意立项，注意施工期间的交通组织")

    def _render(self, xmlid, record):
        # the web client prints in the user's language: it is in the context
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True, lang="zh_CN")
        pdf, kind = Report._render_qweb_pdf(xmlid, record.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf_text(pdf)

    def test_initiation_report_pdf_in_chinese(self):
        text = self._render("sales_project_management.action_report_spm_initiation", self.request)
        for expected in ("立项报告", self.request.name, "滨江一院停车场出入口改造", "三个月内完成改造并通过验收",
                         "审批记录", "同意立项，注意施工期间的交通组织", "陈强"):
            self.assertIn(expected, text)

    def test_project_charter_pdf_in_chinese(self):
        project = self.request.project_id
        text = self._render("sales_project_management.action_report_spm_project_charter", project)
        for expected in ("项目章程", "滨江一院停车场出入口改造", "验收通过率", "回款周期", "需求调研", "交付实施",
                         "项目经理", "王磊"):
            self.assertIn(expected, text)

    def test_collection_tracking_pdf_in_chinese(self):
        project = self.env.ref("sales_project_management.project_campus_gate", raise_if_not_found=False)
        if not project:
            self.skipTest("needs the demo data")
        text = self._render("sales_project_management.action_report_spm_collection_project", project)
        for expected in ("回款跟踪表", "京华理工大学图书馆门禁改造", "预付款", "到货款", "未回款", "45"):
            self.assertIn(expected, text)
        customer = project.partner_id
        text = self._render("sales_project_management.action_report_spm_collection_partner", customer)
        self.assertIn("验收款", text)


@tagged("post_install", "-at_install")
class TestWeeklyReportPdf(HttpCase, SpmWeeklyReportCommon):
    """The 周进度报告 prints in the project manager's language, Chinese, with searchable text."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not shutil.which("pdftotext"):
            raise RuntimeError("pdftotext (Debian poppler-utils) is needed to read the PDFs back")
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["sales_project_management"], ["zh_CN"], overwrite=True)
        cls.user_sales_east.lang = "zh_CN"

    def test_weekly_report_pdf_in_chinese(self):
        report = self.env["project.update"].with_user(self.user_sales_east).with_context(lang="zh_CN").create({
            "project_id": self.project.id, "date": "2026-12-23",
            "spm_summary": "<p>完成现场踏勘和需求确认</p>", "spm_next_week_plan": "<p>管线施工</p>"})
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True, lang="zh_CN")
        pdf, kind = Report._render_qweb_pdf("sales_project_management.action_report_spm_weekly_report", report.ids)
        self.assertEqual(kind, "pdf")
        text = pdf_text(pdf)
        for expected in ("周进度报告", "2026-W52", self.project.name, "王磊", "本周", "下周计划",
                         "完成现场踏勘和需求确认", "管线施工", self.issue.name, self.risk.name, "未解决问题", "高风险"):
            self.assertIn(expected, text)
