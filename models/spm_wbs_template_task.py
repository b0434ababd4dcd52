from odoo import fields, models


class SpmWbsTemplateTask(models.Model):
    _name = "spm.wbs.template.task"
    _description = "WBS Template Task"
    _inherit = ["spm.workflow.mixin"]
    _order = "phase_id, sequence, id"

    phase_id = fields.Many2one("spm.wbs.template.phase", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
