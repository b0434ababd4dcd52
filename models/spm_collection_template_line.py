from odoo import fields, models

from .spm_collection_line import TRIGGERS


class SpmCollectionTemplateLine(models.Model):
    _name = "spm.collection.template.line"
    _description = "Payment Collection Template Installment"
    _inherit = ["spm.workflow.mixin"]
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("spm.collection.template", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char("Installment", required=True, translate=True)
    percent = fields.Float(digits=(5, 2), required=True)
    trigger = fields.Selection(TRIGGERS, required=True, default="date")
    offset_days = fields.Integer("Days After",
                                 help="Date trigger: days after the order date; milestone and acceptance: days after.")
    milestone_sequence = fields.Integer(
        "Milestone Number", default=1,
        help="Milestone trigger: the n-th milestone of the project, in order of deadline.")

    _sql_constraints = [
        ("percent_range", "CHECK(percent > 0 AND percent <= 100)", "An installment is between 0 and 100 %."),
        ("offset_positive", "CHECK(offset_days >= 0)", "The days after cannot be negative."),
    ]
