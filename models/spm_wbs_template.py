from odoo import fields, models


class SpmWbsTemplate(models.Model):
    _name = "spm.wbs.template"
    _description = "WBS Template"
    _inherit = ["spm.workflow.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    phase_ids = fields.One2many("spm.wbs.template.phase", "template_id", string="Phases", copy=True)
