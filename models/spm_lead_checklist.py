from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmLeadChecklist(models.Model):
    """A checklist gate ticked on an opportunity or a project, by whom and when."""
    _name = "spm.lead.checklist"
    _description = "Ticked Checklist Item"
    _order = "lead_id, project_id, date desc, id"
    _rec_name = "gate_id"

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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.update(user_id=self.env.uid, date=fields.Datetime.now())
        items = super().create(vals_list)
        items.project_id._spm_check_open()
        return items

    def write(self, vals):
        self.project_id._spm_check_open()
        if {"user_id", "date", "gate_id", "lead_id", "project_id"} & set(vals):
            vals = dict(vals, user_id=self.env.uid, date=fields.Datetime.now())
        res = super().write(vals)
        self.project_id._spm_check_open()
        return res

    def unlink(self):
        self.project_id._spm_check_open()
        return super().unlink()
