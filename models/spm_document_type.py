from odoo import fields, models


class SpmDocumentType(models.Model):
    _name = "spm.document.type"
    _description = "Project Document Type"
    _inherit = ["spm.workflow.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
