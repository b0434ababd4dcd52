from odoo import fields, models


class SpmGradeCriterion(models.Model):
    """A line of the 项目等级评定表: a reason other than the amount for which a project takes a grade.
    Any one criterion is enough (只要符合以上三类中的一项即可): an opportunity takes the highest grade among
    the one its expected revenue gives and those of the criteria ticked on it."""
    _name = "spm.grade.criterion"
    _description = "Grading Criterion"
    _inherit = ["spm.workflow.mixin"]
    _order = "grade_sequence, sequence, id"

    name = fields.Char(required=True, translate=True)
    grade_id = fields.Many2one("spm.grade", string="Grade Implied", required=True, index=True, ondelete="cascade",
                               help="An opportunity meeting this criterion takes this grade at least.")
    grade_sequence = fields.Integer(related="grade_id.sequence", string="Grade Sequence", store=True)
    company_id = fields.Many2one(related="grade_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True, help="How to tell that an opportunity meets the criterion, what evidence "
                                                   "to record.")
    requires_channel = fields.Boolean(
        "Channel Projects Only",
        help="Met only by an opportunity brought by a channel partner (渠道项目), e.g. the channel's own key project.")
    active = fields.Boolean(default=True)
