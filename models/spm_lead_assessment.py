from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmLeadAssessment(models.Model):
    _name = "spm.lead.assessment"
    _description = "Opportunity Assessment Score"
    _order = "lead_id, sequence, id"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    criterion_id = fields.Many2one("spm.assessment.criterion", required=True,
                                   ondelete="restrict")
    sequence = fields.Integer(related="criterion_id.sequence", store=True)
    weight = fields.Float(compute="_compute_weight", store=True, readonly=False,
                          help="Weight of the criterion when it was assessed.")
    score = fields.Integer(help="From 1 (unfavourable) to 5 (favourable); empty while not assessed.")
    note = fields.Char()

    _sql_constraints = [
        ("criterion_unique", "UNIQUE(lead_id, criterion_id)", "Each criterion is scored once per opportunity."),
    ]

    @api.depends("criterion_id")
    def _compute_weight(self):
        for line in self:
            line.weight = line.criterion_id.weight or 1.0

    @api.constrains("score", "weight")
    def _check_score(self):
        for line in self:
            if line.score and not 1 <= line.score <= 5:
                raise ValidationError(self.env._("“%s”: a score lies between 1 and 5.", line.criterion_id.name))
            if line.weight <= 0:
                raise ValidationError(self.env._("“%s”: the weight must be positive.", line.criterion_id.name))
