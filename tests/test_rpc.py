import xmlrpc.client
from datetime import date

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import SpmCollectionCommon, SpmCommissionCommon, SpmGateCommon, SpmProjectCommon


@tagged("post_install", "-at_install")
class TestRpc(SpmCollectionCommon, SpmGateCommon, HttpCase):
    """Every public method of the addon answers over XML-RPC, through Odoo's own dispatch, with
    something XML-RPC can carry (an action or True), and refusals come back as faults."""

    def _call(self, user, model, method, ids, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, user.login, user.login, {})
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, uid, user.login, model, method,
                                             [ids, *args], kwargs)

    def _model_call(self, user, model, method, *args, context=None):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, user.login, user.login, {})
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, uid, user.login, model, method, list(args),
                                             {"context": context} if context else {})

    def assertAction(self, result, model=None):
        self.assertIsInstance(result, dict)
        self.assertIn(result.get("type"), ("ir.actions.act_window", "ir.actions.act_window_close",
                                           "ir.actions.client", "ir.actions.report"))
        if model:
            self.assertEqual(result["res_model"], model)

    def test_collection_methods(self):
        accountant = self.user_accountant
        self.assertIs(self._call(accountant, "project.project", "action_spm_apply_collection_template",
                                 self.project.ids, self.template.id, self.order.id), True)
        advance, _delivery, acceptance = self.project.spm_collection_line_ids.sorted("sequence")
        self.assertIs(self._call(accountant, "project.project", "action_spm_confirm_collection_plan",
                                 self.project.ids), True)
        action = self._call(accountant, "spm.collection.line", "action_create_invoice", advance.ids)
        self.assertAction(action, "account.move")
        self.assertEqual(action["res_id"], advance.invoice_ids.id)
        self.assertAction(self._call(accountant, "spm.collection.line", "action_view_invoices", advance.ids))
        self.assertIs(self._call(accountant, "spm.collection.line", "action_cancel", acceptance.ids), True)
        self.assertTrue(acceptance.is_cancelled)
        row = self.env["spm.collection.analysis"].search([("line_id", "=", advance.id)])
        self.assertAction(self._call(accountant, "spm.collection.analysis", "action_open_line", row.ids),
                          "spm.collection.line")
        # a second invoice of the same installment is a fault and changes nothing
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(accountant, "spm.collection.line", "action_create_invoice", advance.ids)
        self.assertEqual(len(advance.invoice_ids), 1)
        # nor can the confirmation flag be forged
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(accountant, "project.project", "write", self.project.ids, {"spm_collection_confirmed": True})

    def test_pipeline_and_initiation_methods(self):
        lead = self._create_lead("滨江智慧停车综合管理平台", expected_revenue=3_000_000)
        sales, manager = self.user_sales_east, self.user_manager_east
        self.assertIs(self._call(sales, "crm.lead", "action_spm_start_assessment", lead.ids), True)
        self.assertAction(self._model_call(sales, "crm.lead", "action_spm_open_pipeline"), "crm.lead")
        self.assertAction(self._call(manager, "crm.lead", "action_spm_gate_override", lead.ids))
        self.assertAction(self._call(manager, "crm.lead", "action_spm_pass_gate", lead.ids,
                                     self.stage_qualification.id, "总部指定"))
        self.assertEqual(lead.stage_id, self.stage_qualification)
        self.assertAction(self._model_call(manager, "spm.gate.blocker.report", "action_open_report"))
        action = self._call(sales, "crm.lead", "action_spm_request_initiation", lead.ids)
        self.assertAction(action, "spm.initiation")
        request_id = self._model_call(sales, "spm.initiation", "create",
                                      {"lead_id": lead.id, "objective": "<p>上线</p>"})
        self.assertIs(self._call(sales, "spm.initiation", "action_submit", [request_id]), True)
        self.assertAction(self._call(manager, "spm.initiation", "action_open_decision", [request_id]))
        self.assertIs(self._call(manager, "spm.initiation", "action_approve", [request_id], "同意"), True)
        self.assertAction(self._call(sales, "spm.initiation", "action_open_project", [request_id]),
                          "project.project")
        self.assertAction(self._call(sales, "crm.lead", "action_spm_open_project", lead.ids), "project.project")
        project = lead.spm_project_id
        self.assertAction(self._call(sales, "project.project", "action_spm_open_lead", project.ids), "crm.lead")
        self.assertAction(self._call(sales, "project.project", "action_spm_open_initiation", project.ids),
                          "spm.initiation")
        # the salesperson cannot take another team's project over, however they call it
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(sales, "crm.lead", "write", lead.ids, {"spm_project_id": self.project.id})
        self.assertEqual(lead.spm_project_id, project)


    def test_forgeries_over_rpc_are_refused_or_ignored(self):
        """What was tried from outside, again over XML-RPC as the roles that tried it: a context default, a
        move onto another team's opportunity, a figure written by hand, a bad argument."""
        sales, accountant = self.user_sales_east, self.user_accountant
        lead = self._create_lead("默认值伪造", expected_revenue=3_000_000)
        north = self._create_lead("华北机会", user=self.user_sales_north, team=self.team_north)
        request_id = self._model_call(sales, "spm.initiation", "create", {"lead_id": lead.id},
                                      context={"default_state": "approved", "default_grade_id": self.grade_company.id})
        request = self.env["spm.initiation"].browse(request_id)
        self.assertEqual((request.state, request.grade_id.id), ("draft", False))
        self.assertFalse(lead.spm_initiation_approved)
        competitor_id = self._model_call(sales, "spm.lead.competitor", "create", {"lead_id": lead.id, "name": "X"})
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(sales, "spm.lead.competitor", "write", [competitor_id], {"lead_id": north.id})
        self.assertEqual(self.env["spm.lead.competitor"].browse(competitor_id).lead_id, lead)
        # an accountant neither writes an installment's figures nor links another project's invoice to it
        self._call(accountant, "project.project", "action_spm_apply_collection_template", self.project.ids,
                   self.template.id, self.order.id)
        advance = self.project.spm_collection_line_ids.sorted("sequence")[0]
        for values in ({"state": "paid"}, {"amount_received": 300_000}, {"amount_received_company": 300_000}):
            with self.subTest(values=values), self.assertRaises(xmlrpc.client.Fault):
                self._call(accountant, "spm.collection.line", "write", advance.ids, values)
        self.assertEqual((advance.state, advance.amount_received), ("to_invoice", 0.0))
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(accountant, "spm.collection.line", "action_attach_invoice", advance.ids, "x")
        with self.assertRaises(xmlrpc.client.Fault):
            self._model_call(self.user_manager_east, "spm.commission.settlement", "action_generate", 2026, 13)

    def test_a_scale_answer_lies_on_its_scale(self):
        """The customer's satisfaction survey is public: an answer of 99 is refused on the form."""
        question = self.env["spm.satisfaction.criterion"].search([], limit=1).question_id
        self.assertTrue(question.validate_question(99))
        self.assertTrue(question.validate_question("3.5"))
        self.assertFalse(question.validate_question(4))


@tagged("post_install", "-at_install")
class TestDeliveryRpc(SpmProjectCommon, HttpCase):
    """The delivery's public methods over XML-RPC, as an integrator calls them."""

    def _call(self, user, model, method, ids, *args):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, user.login, user.login, {})
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, uid, user.login, model, method, [ids, *args])

    def test_acceptance_to_closing_over_rpc(self):
        pm, manager = self.pm, self.user_manager_east
        self.assertIs(self._call(pm, "project.project", "action_spm_next_stage", self.project.ids), True)
        # leaving 验收 needs the final acceptance: a fault, nothing moves
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(pm, "project.project", "action_spm_next_stage", self.project.ids)
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(manager, "project.project", "write", self.project.ids, {"spm_final_accepted": True})
        self.assertEqual(self.project.stage_id, self.stage_acceptance)
        for method in ("action_spm_open_acceptances", "action_spm_new_acceptance", "action_spm_open_retrospective",
                       "action_spm_gate_override"):
            self.assertIsInstance(self._call(manager, "project.project", method, self.project.ids), dict)
        acceptance_id = self._call(pm, "spm.acceptance", "create", {
            "project_id": self.project.id, "acceptance_type": "final", "result": "passed",
            "signatory_id": self.contact.id})
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(pm, "spm.acceptance", "action_confirm", [acceptance_id])  # no signed report
        self.assertIs(self._call(pm, "spm.acceptance", "action_send_for_signature", [acceptance_id]), True)
        self.assertEqual(self._call(pm, "spm.acceptance", "action_preview", [acceptance_id])["type"],
                         "ir.actions.act_url")
        self._call(pm, "ir.attachment", "create", {
            "name": "验收报告.pdf", "res_model": "spm.acceptance", "res_id": acceptance_id, "datas": "JVBERi0=",
            "spm_document_type_id": self.doc_acceptance.id})
        self.assertIs(self._call(pm, "spm.acceptance", "action_confirm", [acceptance_id]), True)
        self.assertIs(self._call(pm, "spm.acceptance", "action_send_satisfaction_survey", [acceptance_id]), True)
        # dated by default on the project manager's day (their time zone), as the form would date it
        self.assertEqual(self.project.spm_acceptance_date,
                         fields.Date.context_today(self.env["spm.acceptance"].with_user(pm)))
        self.assertIs(self._call(pm, "project.project", "action_spm_next_stage", self.project.ids), True)
        # a manager passes 回款 with a reason
        self.assertEqual(self._call(manager, "project.project", "action_spm_pass_gate", self.project.ids,
                                    self.stage_closing.id, "尾款由财务跟踪")["type"], "ir.actions.act_window_close")
        retro_id = self._call(pm, "spm.retrospective", "create", {"project_id": self.project.id,
                                                                   "improvements": "<p>提前联调</p>"})
        self.assertIs(self._call(pm, "spm.retrospective", "action_done", [retro_id]), True)
        self.assertIs(self._call(pm, "spm.retrospective", "action_archive_report", [retro_id]), True)
        self.assertEqual(self.project.stage_id, self.stage_closing)
        self.assertEqual([log.result for log in self.project.spm_gate_log_ids.sorted("id")],
                         ["passed", "passed", "overridden"])


@tagged("post_install", "-at_install")
class TestCommissionRpc(SpmCommissionCommon, HttpCase):
    """The commission methods over XML-RPC: a manager settles a month, a salesperson cannot."""

    _call = TestRpc._call
    _model_call = TestRpc._model_call
    assertAction = TestRpc.assertAction

    def test_commission_methods(self):
        invoice = self._invoice()
        self._pay(invoice, 300_000, date(2026, 3, 15))
        director, pm = self.user_director, self.user_pm
        with self.assertRaises(xmlrpc.client.Fault):
            self._model_call(pm, "spm.commission.settlement", "action_generate", 2026, 3)
        action = self._model_call(director, "spm.commission.settlement", "action_generate", 2026, 3)
        self.assertAction(action, "spm.commission.settlement")
        settlement = self.env["spm.commission.settlement"].search(action["domain"]).filtered(
            lambda s: s.user_id == pm)
        self.assertIs(self._call(director, "spm.commission.settlement", "action_refresh", settlement.ids), True)
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(pm, "spm.commission.settlement", "action_confirm", settlement.ids)
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(pm, "spm.commission.line", "write", settlement.line_ids.ids, {"amount": 1})
        self.assertIs(self._call(director, "spm.commission.settlement", "action_confirm", settlement.ids), True)
        self.assertEqual(settlement.state, "confirmed")
        self.assertAction(self._call(pm, "spm.commission.settlement", "action_print", settlement.ids))
        self.assertAction(self._call(self.user_accountant, "spm.commission.settlement", "action_view_move",
                                     settlement.ids), "account.move")
        self.assertIs(self._call(director, "spm.commission.settlement", "action_cancel", settlement.ids), True)
        self.assertIs(self._call(director, "spm.commission.settlement", "action_draft", settlement.ids), True)
        self.assertEqual((settlement.state, settlement.amount_total), ("draft", 10_800))
        wizard = self.env["spm.commission.settlement.batch"].with_user(director).create({"year": 2026, "month": 3})
        self.assertAction(self._call(director, "spm.commission.settlement.batch", "action_generate", wizard.ids))
