from odoo import api, fields, models


class SpmCommissionGradeRate(models.Model):
    _name = "spm.commission.grade.rate"
    _description = "Commission Grade Multiplier"
    _inherit = ["spm.workflow.mixin"]
    _order = "rule_id, grade_id"

    rule_id = fields.Many2one("spm.commission.rule", required=True, index=True, ondelete="cascade")
    grade_id = fields.Many2one("spm.grade", required=True, ondelete="cascade")
    multiplier = fields.Float(digits=(16, 4), required=True, default=1.0,
                              help="The commission of a project of this grade is multiplied by it; a grade not "
                                   "listed counts 1.")

    @api.constrains("grade_id", "multiplier")
    def _check_rule(self):
        self.rule_id._check_grades()
