from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmLeadChecklist(models.Model):
    """A checklist gate ticked on an opportunity or a project, by whom and when."""
    _name = "spm.lead.checklist"
    _description = "Ticked Checklist Item"
    _inherit = ["spm.workflow.mixin"]
    _order = "lead_id, project_id, date desc, id"
    _rec_name = "gate_id"
    # who ticked the item and when: whoever ticks (or moves) it, now
    _spm_workflow_fields = ("user_id", "date")
    _spm_parent_fields = ("lead_id", "project_id")

    # auto_join: the access rules test the opportunity with a join (one row), not a scan of every
    # opportunity of the user; a record is readable exactly when its opportunity is (the same rules)
    lead_id = fields.Many2one("crm.lead", string="Opportunity",
                              auto_join=True, index="btree_not_null", ondelete="cascade")
    project_id = fields.Many2one("project.project", index="btree_not_null", ondelete="cascade")
    company_id = fields.Many2one("res.company", compute="_compute_company_id", store=True, index=True)
    gate_id = fields.Many2one("spm.stage.gate", string="Item", required=True, ondelete="cascade",
                              domain=[("gate_type", "=", "checklist")])
    stage_id = fields.Many2one(related="gate_id.stage_id")
    project_stage_id = fields.Many2one(related="gate_id.project_stage_id")
    user_id = fields.Many2one("res.users", string="Ticked By", required=True, readonly=True,
                              default=lambda self: self.env.user)
    date = fields.Datetime("Ticked On", required=True, readonly=True, default=fields.Datetime.now)
    note = fields.Char()

    _sql_constraints = [
        ("gate_unique", "UNIQUE(lead_id, gate_id)", "A checklist item is ticked once per opportunity."),
        ("project_gate_unique", "UNIQUE(project_id, gate_id)", "A checklist item is ticked once per project."),
    ]

    @api.depends("lead_id.company_id", "project_id.company_id")
    def _compute_company_id(self):
        for item in self:
            item.company_id = (item.lead_id or item.project_id).company_id

    @api.constrains("gate_id", "lead_id", "project_id")
    def _check_gate_type(self):
        for item in self:
            if item.gate_id.gate_type != "checklist":
                raise ValidationError(self.env._("“%s” is not a checklist item.", item.gate_id.name))
            if bool(item.lead_id) == bool(item.project_id):
                raise ValidationError(self.env._("A checklist item is ticked on one opportunity or one project."))
            if item.gate_id.target_model != (item.lead_id or item.project_id)._name:
                raise ValidationError(self.env._(
                    "“%s” is a checklist item of another kind of stage.", item.gate_id.name))

    @api.model
    def _spm_prepare_create(self, vals):
        vals.update(user_id=self.env.uid, date=fields.Datetime.now())
        return vals

    def _spm_prepare_write(self, vals):
        if {"gate_id", "lead_id", "project_id"} & set(vals):
            vals.update(user_id=self.env.uid, date=fields.Datetime.now())
        return vals

    def _spm_check_parents(self, _names):
        """Ticked by those who work the opportunity, or by the team of a project still open."""
        self.lead_id._spm_check_work()
        self.project_id._spm_check_team(
            lambda names: self.env._("Only the team of the project %s ticks its checklist.", names))
        self.project_id._spm_check_open()

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        self.project_id._spm_check_open()
        return super().write(vals)

    def unlink(self):
        self.project_id._spm_check_open()
        return super().unlink()
