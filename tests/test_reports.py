import shutil
import subprocess
from datetime import timedelta

from odoo import Command
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged

from .common import SpmGateCommon, SpmProjectCommon, SpmVisitCommon, SpmWeeklyReportCommon


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
class TestDailyReportPdf(HttpCase, SpmVisitCommon):
    """销售日报表: one salesperson's day, and a team's day with who wrote nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["sales_project_management"], ["zh_CN"], overwrite=True)
        cls.user_pm = mail_new_test_user(
            cls.env, login="spm_t_pdf_pm", name="黄涛", lang="zh_CN",
            groups="base.group_user,sales_project_management.group_spm_user",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.team_east.member_ids = [Command.link(cls.user_pm.id)]
        (cls.user_sales_east | cls.user_manager_east).lang = "zh_CN"
        zh = {"lang": "zh_CN"}
        visit = cls._visit(visit_type="onsite", summary="确认机柜空间与 UPS 扩容需求")
        visit.with_user(cls.user_sales_east).with_context(**zh).action_checkin(30.2796, 120.2587)
        cls._visit(visit_type="phone", summary="电话确认一期范围")
        action = cls.env["spm.daily.report"].with_user(cls.user_sales_east).with_context(**zh).action_open_my_report()
        cls.report = cls.env["spm.daily.report"].browse(action["res_id"])
        cls.report.with_user(cls.user_sales_east).write({
            "summary": "上午机房调研，下午电话确认一期范围。", "tomorrow_plan": "更新报价并提交审批。"})
        cls.report.with_user(cls.user_sales_east).with_context(**zh).action_submit()
        cls.report.with_user(cls.user_manager_east).with_context(**zh).action_review(
            review_comment="调研扎实，UPS 方案找产品部支持。", rating=4)

    def _render(self, xmlid, record):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True, lang="zh_CN")
        pdf, kind = Report._render_qweb_pdf(xmlid, record.ids)
        self.assertEqual(kind, "pdf")
        return pdf_text(pdf)

    def test_daily_report_pdf_in_chinese(self):
        text = self._render("sales_project_management.action_report_spm_daily_report", self.report)
        for expected in ("销售日报表", "王磊", "华东大区", "滨江市交通运输局", "现场拜访", "电话拜访", "远离客户",
                         "上午机房调研", "更新报价并提交审批", "陈强", "调研扎实"):
            self.assertIn(expected, text)

    def test_team_day_pdf_lists_who_wrote_nothing(self):
        action = self.report.with_user(self.user_manager_east).action_print_team_day()
        reports = self.env["spm.daily.report"].browse(action["context"]["active_ids"])
        text = self._render("sales_project_management.action_report_spm_daily_team", reports)
        for expected in ("销售日报表", "华东大区", "王磊", "黄涛", "未填写", "已审阅", "确认机柜空间"):
            self.assertIn(expected, text)


@tagged("post_install", "-at_install")
class TestDeliveryReports(HttpCase, SpmProjectCommon):
    """验收报告 and 项目复盘报告, printed in Chinese with searchable text."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["sales_project_management"], ["zh_CN"], overwrite=True)
        cls.acceptance = cls._acceptance(date=cls.today - timedelta(days=30))
        cls.acceptance.sudo().write({"signed_by": "张明", "signed_on": "2026-11-02 03:00:00"})
        cls.retro = cls.env["spm.retrospective"].create({
            "project_id": cls.project.id, "success_factors": "<p>周进度报告机制减少沟通成本</p>",
            "problems": "<p>接口联调不足</p>", "improvements": "<p>需求调研阶段增加客户高层访谈</p>"})
        cls.env["spm.retrospective.evaluation"].with_user(cls.user_director).create({
            "retrospective_id": cls.retro.id, "user_id": cls.pm.id, "score": 4, "comment": "组织有力"})

    def _render(self, xmlid, record, data=None):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True, lang="zh_CN")
        pdf, kind = Report._render_qweb_pdf(xmlid, record.ids, data=data)
        self.assertEqual(kind, "pdf")
        return pdf_text(pdf)

    def test_acceptance_report_pdf_in_chinese(self):
        text = self._render("sales_project_management.action_report_spm_acceptance", self.acceptance)
        for expected in ("项目终验报告", self.acceptance.name, "滨江智慧停车一期", "滨江市交通运输局", "验收日期",
                         "已通过", "现场检查", "整改措施", "甲方（客户）", "乙方（供方）", "签字（盖章）", "张明",
                         "在线签署于"):
            self.assertIn(expected, text)

    def test_retrospective_report_pdf_in_chinese(self):
        text = self._render("sales_project_management.action_report_spm_retrospective", self.retro)
        for expected in ("项目复盘报告", "滨江智慧停车一期", "目标与实际", "回款周期", "验收通过率", "成功因素",
                         "周进度报告机制减少沟通成本", "改进点", "需求调研阶段增加客户高层访谈", "成员评价",
                         "组织有力"):
            self.assertIn(expected, text)
        archived = self._render("sales_project_management.action_report_spm_retrospective", self.retro,
                                data={"spm_archive": True})
        self.assertIn("成员评价保密", archived)
        self.assertNotIn("组织有力", archived)


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
