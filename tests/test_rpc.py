import xmlrpc.client

from odoo.tests import HttpCase, tagged

from .common import SpmCollectionCommon, SpmGateCommon


@tagged("post_install", "-at_install")
class TestRpc(SpmCollectionCommon, SpmGateCommon, HttpCase):
    """Every public method of the addon answers over XML-RPC, through Odoo's own dispatch, with
    something XML-RPC can carry (an action or True), and refusals come back as faults."""

    def _call(self, user, model, method, ids, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, user.login, user.login, {})
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, uid, user.login, model, method,
                                             [ids, *args], kwargs)

    def _model_call(self, user, model, method, *args):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, user.login, user.login, {})
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, uid, user.login, model, method, list(args))

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
