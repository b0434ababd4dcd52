from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

MANAGER_GROUP = "sales_project_management.group_spm_manager"


class SpmGateOverrideWizard(models.TransientModel):
    """A manager passes the gates of an opportunity or a project anyway, with a reason."""
    _name = "spm.gate.override.wizard"
    _description = "Pass a Stage Gate Anyway"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", ondelete="cascade")
    team_id = fields.Many2one(related="lead_id.team_id")
    current_stage_id = fields.Many2one(related="lead_id.stage_id", string="Current Stage")
    stage_id = fields.Many2one("crm.stage", string="Move To", ondelete="cascade")
    project_id = fields.Many2one("project.project", ondelete="cascade")
    project_company_id = fields.Many2one(related="project_id.company_id", string="Project Company")
    current_project_stage_id = fields.Many2one(related="project_id.stage_id", string="Current Project Stage")
    project_stage_id = fields.Many2one("project.project.stage", string="Move Project To", ondelete="cascade")
    reason = fields.Text(required=True)
    missing = fields.Text("Missing Requirements", compute="_compute_missing")

    @api.constrains("lead_id", "stage_id", "project_id", "project_stage_id")
    def _check_target(self):
        for wizard in self:
            if not ((wizard.lead_id and wizard.stage_id and not wizard.project_id)
                    or (wizard.project_id and wizard.project_stage_id and not wizard.lead_id)):
                raise ValidationError(self.env._(
                    "Pass the gates of one opportunity to a pipeline stage, or of one project to a project stage."))

    def _spm_record(self):
        """The opportunity or the project to move."""
        self.ensure_one()
        return self.lead_id or self.project_id

    def _spm_target(self):
        """The stage to move it to."""
        self.ensure_one()
        return self.stage_id if self.lead_id else self.project_stage_id

    def _spm_opens(self, record, stage_id):
        """Whether this override is the move of ``record`` to the stage ``stage_id``."""
        self.ensure_one()
        return self._spm_record() == record and self._spm_target().id == stage_id

    @api.depends("lead_id", "stage_id", "project_id", "project_stage_id")
    def _compute_missing(self):
        Gate = self.env["spm.stage.gate"]
        for wizard in self:
            record, target = wizard._spm_record(), wizard._spm_target()
            if not record or not target:
                wizard.missing = False
                continue
            by_stage = Gate._spm_gate_ids_by_stage(record._name)
            crossed = self.env[record._spm_stage_model]._spm_crossed_stage_ids(
                record[record._spm_scope_field].id, record.stage_id.id, target.id)
            gate_ids = [gate_id for stage_id in crossed for gate_id in by_stage.get(stage_id, ())]
            met = Gate._spm_evaluate(record.ids, gate_ids)
            names = Gate._spm_names()
            wizard.missing = "\n".join(names[gate_id] for gate_id in gate_ids if (record.id, gate_id) not in met)

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
        record, target = self._spm_record(), self._spm_target()
        if not self.env[record._spm_stage_model]._spm_is_forward(record.stage_id.id, target.id) or \
                target == record.stage_id:
            if self.project_id:
                raise UserError(self.env._(
                    "A stage gate is passed only to move a project forward; moving back is free."))
            raise UserError(self.env._(
                "A stage gate is passed only to move an opportunity forward; moving back is free."))
        record.with_context(spm_gate_override_id=self.id).write({"stage_id": target.id})
        return {"type": "ir.actions.act_window_close"}
