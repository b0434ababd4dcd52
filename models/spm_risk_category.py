from odoo import fields, models


class SpmRiskCategory(models.Model):
    _name = "spm.risk.category"
    _description = "Risk Category"
    _inherit = ["spm.workflow.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to use the category in every company.")
    description = fields.Text(translate=True)
