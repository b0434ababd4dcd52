from odoo import fields, models


class SpmAssessmentCriterion(models.Model):
    _name = "spm.assessment.criterion"
    _description = "Opportunity Assessment Criterion"
    _inherit = ["spm.workflow.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    weight = fields.Float(default=1.0, required=True,
                          help="Relative weight of this criterion in the feasibility score.")
    description = fields.Text(translate=True, help="What a score of 1 and a score of 5 mean.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("weight_positive", "CHECK(weight > 0)", "The weight of an assessment criterion must be positive."),
    ]
