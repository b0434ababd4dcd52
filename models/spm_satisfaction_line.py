from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmSatisfactionLine(models.Model):
    _name = "spm.satisfaction.line"
    _description = "Satisfaction Score"
    _inherit = ["spm.workflow.mixin"]
    _order = "satisfaction_id, sequence, id"
    _spm_parent_fields = ("satisfaction_id",)

    satisfaction_id = fields.Many2one("spm.satisfaction", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="satisfaction_id.company_id", store=True)
    project_id = fields.Many2one(related="satisfaction_id.project_id", store=True)
    partner_id = fields.Many2one(related="satisfaction_id.partner_id", string="Customer", store=True)
    date = fields.Date(related="satisfaction_id.date", store=True)
    criterion_id = fields.Many2one("spm.satisfaction.criterion", required=True,
                                   ondelete="restrict")
    sequence = fields.Integer(related="criterion_id.sequence", store=True)
    score = fields.Integer(aggregator="avg", help="1 (very dissatisfied) to 5 (very satisfied); 0: not scored.")

    @api.constrains("score")
    def _check_score(self):
        for line in self:
            if not 0 <= line.score <= 5:
                raise ValidationError(self.env._("A satisfaction score lies between 1 and 5."))

    def _spm_check_survey(self):
        if not self.env.su and self.satisfaction_id.filtered(lambda s: s.source == "survey"):
            raise ValidationError(self.env._("The customer's own answers to the survey are not edited."))

    def _spm_check_parents(self, _names):
        self._spm_check_survey()
        self.project_id._spm_check_open()

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        self._spm_check_survey()
        self.project_id._spm_check_open()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_customer_answers(self):
        self._spm_check_survey()
        self.project_id._spm_check_open()
