from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER_GROUP = "sales_project_management.group_spm_manager"


class SpmGateOverrideWizard(models.TransientModel):
    _name = "spm.gate.override.wizard"
    _description = "Pass a Stage Gate Anyway"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, ondelete="cascade")
    team_id = fields.Many2one(related="lead_id.team_id")
    current_stage_id = fields.Many2one(related="lead_id.stage_id", string="Current Stage")
    stage_id = fields.Many2one("crm.stage", string="Move To", required=True, ondelete="cascade")
    reason = fields.Text(required=True)
    missing = fields.Text("Missing Requirements", compute="_compute_missing")

    @api.depends("lead_id", "stage_id")
    def _compute_missing(self):
        for wizard in self:
            lead = wizard.lead_id
            if not lead or not wizard.stage_id:
                wizard.missing = False
                continue
            Gate = self.env["spm.stage.gate"]
            by_stage = Gate._spm_gate_ids_by_stage()
            crossed = self.env["crm.stage"]._spm_crossed_stage_ids(
                lead.team_id.id, lead.stage_id.id, wizard.stage_id.id)
            gate_ids = [gate_id for stage_id in crossed for gate_id in by_stage.get(stage_id, ())]
            met = Gate._spm_evaluate(lead.ids, gate_ids)
            names = Gate._spm_names()
            wizard.missing = "\n".join(names[gate_id] for gate_id in gate_ids if (lead.id, gate_id) not in met)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager()
        return super().create(vals_list)

    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a sales projects manager can pass a stage gate anyway."))

    def action_confirm(self):
        self.ensure_one()
        self._check_manager()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason for passing the gate anyway."))
        if not self.env["crm.stage"]._spm_is_forward(self.lead_id.stage_id.id, self.stage_id.id) or \
                self.stage_id == self.lead_id.stage_id:
            raise UserError(self.env._(
                "A stage gate is passed only to move an opportunity forward; moving back is free."))
        self.lead_id.with_context(spm_gate_override_id=self.id).write({"stage_id": self.stage_id.id})
        return {"type": "ir.actions.act_window_close"}
