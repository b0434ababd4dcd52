from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmLeadGradeCriterion(models.Model):
    """A grading criterion ticked on an opportunity: who recorded it, when, and the evidence."""
    _name = "spm.lead.grade.criterion"
    _description = "Grading Criterion of an Opportunity"
    _inherit = ["spm.workflow.mixin"]
    _order = "lead_id, id"
    _spm_parent_fields = ("lead_id",)
    _spm_workflow_fields = ("recorded_by_id", "recorded_on")
    _spm_fixed_fields = ("criterion_id",)

    lead_id = fields.Many2one("crm.lead", string="Opportunity", auto_join=True, required=True, index=True,
                              ondelete="cascade")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    criterion_id = fields.Many2one("spm.grade.criterion", required=True, ondelete="restrict",
                                   domain="[('company_id', 'in', [company_id, False])]")
    grade_id = fields.Many2one(related="criterion_id.grade_id", string="Grade Implied")
    evidence = fields.Text(help="What shows that the opportunity meets the criterion (the customer's letter, the "
                                "headquarters' selection notice...).")
    recorded_by_id = fields.Many2one("res.users", readonly=True,
                                     default=lambda self: self.env.user)
    recorded_on = fields.Datetime(readonly=True, default=fields.Datetime.now)

    _sql_constraints = [
        ("criterion_once", "UNIQUE(lead_id, criterion_id)", "A criterion is ticked once on an opportunity."),
    ]

    @api.constrains("criterion_id", "lead_id")
    def _check_criterion(self):
        for line in self:
            criterion, lead = line.criterion_id, line.lead_id
            if criterion.company_id and criterion.company_id != lead.company_id:
                raise ValidationError(self.env._("“%(lead)s” cannot meet the criterion “%(criterion)s” of another "
                                                 "company.", lead=lead.name, criterion=criterion.name))
            if criterion.requires_channel and not lead.spm_channel_partner_id:
                raise ValidationError(self.env._(
                    "“%(lead)s”: the criterion “%(criterion)s” is for channel projects; set the opportunity's channel "
                    "partner first.", lead=lead.name, criterion=criterion.name))

    def _spm_check_parents(self, _names):
        self.lead_id._spm_check_work()

    def unlink(self):
        self.lead_id._spm_check_criterion_removal()
        return super().unlink()
