from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmCollectionTemplate(models.Model):
    """A payment collection pattern, e.g. 30/40/30 or 70 % within 15 days of acceptance + 30 %."""
    _name = "spm.collection.template"
    _description = "Payment Collection Template"
    _inherit = ["spm.workflow.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    line_ids = fields.One2many("spm.collection.template.line", "template_id", string="Installments", copy=True)

    @api.constrains("line_ids")
    def _check_total(self):
        for template in self:
            if template.line_ids and round(sum(template.line_ids.mapped("percent")), 2) != 100:
                raise ValidationError(self.env._("The installments of “%s” must add up to 100 %%.", template.name))
