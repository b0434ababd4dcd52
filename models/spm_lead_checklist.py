from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmLeadChecklist(models.Model):
    """A checklist gate ticked on an opportunity, by whom and when."""
    _name = "spm.lead.checklist"
    _description = "Ticked Checklist Item"
    _order = "lead_id, date desc, id"
    _rec_name = "gate_id"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    gate_id = fields.Many2one("spm.stage.gate", string="Item", required=True, ondelete="cascade",
                              domain=[("gate_type", "=", "checklist")])
    stage_id = fields.Many2one(related="gate_id.stage_id")
    user_id = fields.Many2one("res.users", string="Ticked By", required=True, readonly=True,
                              default=lambda self: self.env.user)
    date = fields.Datetime("Ticked On", required=True, readonly=True, default=fields.Datetime.now)
    note = fields.Char()

    _sql_constraints = [
        ("gate_unique", "UNIQUE(lead_id, gate_id)", "A checklist item is ticked once per opportunity."),
    ]

    @api.constrains("gate_id")
    def _check_gate_type(self):
        for item in self:
            if item.gate_id.gate_type != "checklist":
                raise ValidationError(self.env._("“%s” is not a checklist item.", item.gate_id.name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.update(user_id=self.env.uid, date=fields.Datetime.now())
        return super().create(vals_list)

    def write(self, vals):
        if {"user_id", "date", "gate_id", "lead_id"} & set(vals):
            vals = dict(vals, user_id=self.env.uid, date=fields.Datetime.now())
        return super().write(vals)
