from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged

from .common import SpmProjectCommon

MODULE = "sales_project_management"


@tagged("post_install", "-at_install")
class TestTours(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms([MODULE], ["zh_CN"], overwrite=True)
        cls.manager = mail_new_test_user(
            cls.env, login="spm_tour_manager", name="陈强", lang="zh_CN",
            groups=f"base.group_user,{MODULE}.group_spm_manager",
        )

    def test_manager_opens_sales_projects_in_chinese(self):
        self.start_tour("/odoo", "spm_menu_tour", login="spm_tour_manager")

    def test_salesperson_meets_the_gate_in_the_browser(self):
        salesperson = mail_new_test_user(
            self.env, login="spm_tour_sales", name="王磊", lang="zh_CN",
            groups=f"base.group_user,{MODULE}.group_spm_user",
        )
        lead = self.env["crm.lead"].create({
            "name": "闸口测试商机", "type": "opportunity", "user_id": salesperson.id,
            "expected_revenue": 60_000_000,
        })
        self.start_tour("/odoo", "spm_gate_tour", login="spm_tour_sales")
        self.assertEqual(lead.stage_id, self.env.ref("crm.stage_lead1"))
        self.assertFalse(lead.spm_gate_log_ids)

    def test_manager_approves_from_my_approvals(self):
        salesperson = mail_new_test_user(self.env, login="spm_tour_sales2", name="李娜", lang="zh_CN",
                                         groups=f"base.group_user,{MODULE}.group_spm_user")
        team = self.env["crm.team"].create({"name": "华东大区", "user_id": self.manager.id,
                                            "member_ids": [(4, salesperson.id)]})
        lead = self.env["crm.lead"].create({"name": "审批测试商机", "type": "opportunity", "user_id": salesperson.id,
                                            "team_id": team.id, "expected_revenue": 1_000_000})
        request = self.env["spm.initiation"].with_user(salesperson).create({"lead_id": lead.id})
        request.with_user(salesperson).action_submit()
        self.start_tour("/odoo", "spm_approval_tour", login="spm_tour_manager")
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approval_ids.comment, "同意立项")
        self.assertEqual(lead.spm_project_id, request.project_id)

    def test_salesperson_checks_in_from_the_phone(self):
        salesperson = mail_new_test_user(
            self.env, login="spm_tour_visit", name="王磊", lang="zh_CN", tz="Asia/Shanghai",
            groups=f"base.group_user,{MODULE}.group_spm_user",
        )
        salesperson.company_id.resource_calendar_id.tz = "Asia/Shanghai"
        customer = self.env["res.partner"].create({
            "name": "滨江市交通运输局", "is_company": True, "partner_latitude": 30.2084, "partner_longitude": 120.2119})
        visit = self.env["spm.visit"].with_user(salesperson).create({
            "name": "机房现场调研", "partner_id": customer.id, "visit_type": "onsite"})
        self.start_tour("/odoo", "spm_visit_checkin_tour", login="spm_tour_visit")
        self.assertEqual(visit.checkin_status, "far")
        self.assertEqual((visit.checkin_latitude, visit.checkin_longitude), (30.2796, 120.2587))
        self.assertGreater(visit.checkin_distance, 8)

    def test_salesperson_checks_in_from_a_phone_held_upright(self):
        """390×844: the header buttons live in the ⚙ menu, which closes while the check-in goes on."""
        self.browser_size = "390x844"
        self.touch_enabled = True
        salesperson = mail_new_test_user(
            self.env, login="spm_tour_phone", name="王磊", lang="zh_CN", tz="Asia/Shanghai",
            groups=f"base.group_user,{MODULE}.group_spm_user",
        )
        salesperson.company_id.resource_calendar_id.tz = "Asia/Shanghai"
        customer = self.env["res.partner"].create({
            "name": "滨江市交通运输局", "is_company": True, "partner_latitude": 30.2084, "partner_longitude": 120.2119})
        visit = self.env["spm.visit"].with_user(salesperson).create({
            "name": "机房现场调研", "partner_id": customer.id, "visit_type": "onsite"})
        self.start_tour(f"/odoo/action-{MODULE}.spm_visit_action/{visit.id}", "spm_visit_checkin_phone_tour",
                        login="spm_tour_phone")
        self.assertEqual((visit.checkin_status, visit.checkin_latitude), ("far", 30.2796))

    def test_manager_opens_the_weekly_screens(self):
        """The daily report board and the visits of this week, and a new weekly report: no crash."""
        manager = self.env.ref(f"{MODULE}.user_spm_manager")  # the demo data: reports and visits of his team
        manager.lang = "zh_CN"
        self.start_tour("/odoo", "spm_manager_screens_tour", login="spm_manager")

    def test_accountant_tracks_collections(self):
        accountant = self.env.ref(f"{MODULE}.user_spm_accountant")  # the demo data (make test installs it)
        accountant.lang = "zh_CN"
        self.start_tour("/odoo", "spm_collection_tour", login="spm_accountant")

    def test_accountant_opens_a_sales_project_from_the_tracking_table(self):
        accountant = self.env.ref(f"{MODULE}.user_spm_accountant")  # the demo data: Invoicing administrator only
        accountant.lang = "zh_CN"
        self.start_tour("/odoo", "spm_accountant_project_tour", login="spm_accountant")

    def test_users_without_the_addon_open_sales_records(self):
        """A plain project user opens a sales project, a plain CRM salesperson an opportunity: the addon's
        fields never cost them an access error."""
        project = self.env["project.project"].search([("spm_grade_id", "!=", False),
                                                      ("spm_collection_line_ids", "!=", False)], limit=1)
        company = project.company_id
        project_user = mail_new_test_user(self.env, login="spm_tour_project_user", name="张工", lang="zh_CN",
                                          groups="base.group_user,project.group_project_user",
                                          company_id=company.id, company_ids=[(6, 0, company.ids)])
        project.message_subscribe(project_user.partner_id.ids)
        self.start_tour(f"/odoo/action-project.open_view_project_all/{project.id}", "spm_record_form_tour",
                        login="spm_tour_project_user")
        salesperson = mail_new_test_user(self.env, login="spm_tour_crm_user", name="赵敏", lang="zh_CN",
                                         groups="base.group_user,sales_team.group_sale_salesman",
                                         company_id=company.id, company_ids=[(6, 0, company.ids)])
        lead = self.env["crm.lead"].create({"name": "普通商机", "type": "opportunity", "user_id": salesperson.id,
                                            "company_id": company.id})
        self.start_tour(f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}", "spm_record_form_tour",
                        login="spm_tour_crm_user")

    def test_salesperson_reads_my_commissions(self):
        salesperson = self.env.ref(f"{MODULE}.user_spm_sales2")  # the demo data: her commissions and a clawback
        salesperson.lang = "zh_CN"
        self.start_tour("/odoo", "spm_commission_tour", login="spm_sales2")

    def test_salesperson_uploads_a_document(self):
        salesperson = mail_new_test_user(self.env, login="spm_tour_sales3", name="王磊", lang="zh_CN",
                                         groups=f"base.group_user,{MODULE}.group_spm_user")
        lead = self.env["crm.lead"].create({"name": "文档测试商机", "type": "opportunity", "user_id": salesperson.id})
        self.start_tour(f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}", "spm_document_tour",
                        login="spm_tour_sales3")
        document = lead.spm_attachment_ids
        self.assertEqual((document.name, document.type, document.spm_document_type_id),
                         ("需求说明书.txt", "binary", self.env.ref(f"{MODULE}.doc_type_requirements")))

    def test_accountant_invoices_from_the_tracking_list(self):
        accountant = self.env.ref(f"{MODULE}.user_spm_accountant")
        accountant.lang = "zh_CN"
        line = self.env.ref(f"{MODULE}.collection_campus_gate_acceptance")
        self.assertEqual(line.state, "to_invoice")
        self.start_tour("/odoo", "spm_invoice_tour", login="spm_accountant")
        self.assertEqual(line.state, "invoiced")
        self.assertEqual(line.invoice_ids.state, "posted")
        self.assertEqual(line.invoice_ids.invoice_line_ids.name, f"验收款 · {line.sale_order_id.name}")
        self.assertGreaterEqual(line.invoice_ids.invoice_date_due, line.invoice_ids.invoice_date)

    def _spm_project(self, salesperson, name, budget=1_000_000):
        """A delivery project approved by the tour manager, leader of the salesperson's team."""
        team = self.env["crm.team"].create({"name": "华东大区", "user_id": self.manager.id,
                                            "member_ids": [(4, salesperson.id)]})
        lead = self.env["crm.lead"].create({"name": name, "type": "opportunity", "user_id": salesperson.id,
                                            "team_id": team.id, "expected_revenue": 1_000_000})
        request = self.env["spm.initiation"].with_user(salesperson).create({"lead_id": lead.id, "budget": budget})
        request.with_user(salesperson).action_submit()
        request.with_user(self.manager).action_approve()
        return lead, request.project_id

    def test_manager_approves_a_change_request(self):
        salesperson = mail_new_test_user(self.env, login="spm_tour_pm", name="黄涛", lang="zh_CN",
                                         groups=f"base.group_user,{MODULE}.group_spm_user")
        _lead, project = self._spm_project(salesperson, "变更审批测试项目")
        change = self.env["spm.change.request"].with_user(salesperson).create({
            "project_id": project.id, "change_type": "budget", "budget_delta": 300_000,
            "description": "增加急诊车道", "reason": "院方新增需求"})
        change.with_user(salesperson).action_submit()
        self.start_tour("/odoo", "spm_change_request_tour", login="spm_tour_manager")
        self.assertEqual(change.state, "approved")
        self.assertEqual(change.approval_ids.comment, "同意追加预算")
        self.assertEqual(project.spm_budget, 1_300_000)

    def test_high_risk_on_the_project_board(self):
        salesperson = mail_new_test_user(self.env, login="spm_tour_pm2", name="黄涛", lang="zh_CN",
                                         groups=f"base.group_user,{MODULE}.group_spm_user")
        lead, project = self._spm_project(salesperson, "风险看板测试项目")
        self.env["spm.risk"].with_user(salesperson).create({
            "name": "设备到货延迟", "lead_id": lead.id, "project_id": project.id, "probability": 4, "impact": 4})
        self.start_tour("/odoo", "spm_project_risk_tour", login="spm_tour_pm2")

    def test_manager_and_executive_see_the_dashboards(self):
        for xmlid in ("user_spm_manager", "user_spm_exec"):  # the demo data (make test installs it)
            user = self.env.ref(f"{MODULE}.{xmlid}")
            user.lang = "zh_CN"
            with self.subTest(user=user.login):
                self.start_tour("/odoo/dashboards", "spm_dashboard_tour", login=user.login)

    def test_newcomer_sees_the_sample_dashboard(self):
        mail_new_test_user(self.env, login="spm_tour_newcomer", name="新同事", lang="zh_CN",
                           groups=f"base.group_user,{MODULE}.group_spm_user")
        self.start_tour("/odoo/dashboards", "spm_dashboard_sample_tour", login="spm_tour_newcomer")


@tagged("post_install", "-at_install")
class TestDeliveryTours(HttpCase, SpmProjectCommon):
    """The delivery in the browser: the project manager meets the gate, the customer signs the
    acceptance report and answers the satisfaction survey from their links, without a login."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms([MODULE], ["zh_CN"], overwrite=True)
        cls.env["project.project.stage"]._spm_translate_renamed_stages()

    def test_project_manager_meets_the_acceptance_gate(self):
        self.pm.lang = "zh_CN"
        self._set_stage(self.stage_acceptance)
        self.start_tour(f"/odoo/action-{MODULE}.spm_project_action_delivery/{self.project.id}",
                        "spm_project_gate_tour", login=self.pm.login)
        self.assertEqual(self.project.stage_id, self.stage_acceptance)
        self.assertFalse(self.project.spm_gate_log_ids)

    def test_customer_signs_the_acceptance_report_online(self):
        acceptance = self._acceptance(signed=False, confirm=False)
        acceptance.with_user(self.pm).action_send_for_signature()
        self.start_tour(acceptance.get_portal_url(), "spm_acceptance_signature_tour", login=None)
        self.assertEqual((acceptance.state, acceptance.signed_by), ("confirmed", "张明"))
        self.assertTrue(acceptance.signed_on)
        self.assertTrue(acceptance.signature)
        self.assertTrue(acceptance.report_attached)
        self.assertEqual(self.project.spm_acceptance_date, acceptance.date)
        self.assertTrue(self.project.spm_gate_ready or self.project.stage_id != self.stage_acceptance)
        # without the token the page and the signature are refused
        self.assertNotIn("o_spm_portal_acceptance", self.url_open(f"/my/acceptances/{acceptance.id}").text)

    def test_customer_answers_the_satisfaction_survey_from_the_link(self):
        acceptance = self._acceptance()
        acceptance.with_user(self.pm).action_send_satisfaction_survey()
        answer = self.env["survey.user_input"].search([("spm_acceptance_id", "=", acceptance.id)])
        self.start_tour(answer.get_start_url(), "spm_satisfaction_survey_tour", login=None)
        satisfaction = self.project.spm_satisfaction_ids
        self.assertEqual((satisfaction.source, satisfaction.respondent_id), ("survey", self.contact))
        self.assertEqual(sorted(satisfaction.line_ids.mapped("score")), [2, 4, 4, 5])
        self.assertEqual(satisfaction.comment, "进度还需加快")
        self.assertEqual(self.project.spm_satisfaction_score, 3.75)
        activity_type = self.env.ref(f"{MODULE}.mail_activity_type_satisfaction")
        self.assertEqual(self.project.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id,
                         self.user_director, "a score of 2 alerts the director")

