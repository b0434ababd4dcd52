from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    spm_collection_post_invoice = fields.Boolean(
        "Post Installment Invoices at Once",
        help="Invoices of payment collection installments are posted as soon as they are made; otherwise they "
             "are drafts for the accountant to check and post.")

    # Project monitoring (项目监控)
    spm_risk_high_threshold = fields.Integer(
        "High Risk from Score", default=15,
        help="A risk whose score (probability × impact, 1 to 25) reaches this value is high.")
    spm_risk_medium_threshold = fields.Integer(
        "Medium Risk from Score", default=6,
        help="A risk whose score reaches this value (and not the high one) is medium; below it, low.")
    spm_issue_escalation_days = fields.Integer(
        "Escalate Issues to the Project Manager after (days)", default=3,
        help="An open project issue older than this is escalated to the project manager.")
    spm_issue_management_days = fields.Integer(
        "Escalate Issues to Management after (days)", default=7,
        help="An open project issue older than this is escalated to the project's monitors, else to the "
             "executives.")
    spm_budget_tolerance = fields.Float(
        "Budget Tolerance (%)", default=10.0,
        help="Costs may exceed the project's budget by this share; beyond it an approved change request is "
             "needed.")
    spm_budget_overrun_policy = fields.Selection(
        [("refuse", "Refuse the entry"), ("warn", "Accept it and warn")], string="Cost Overrun",
        default="refuse",
        help="What happens to an entry that takes a project's costs beyond its budget and tolerance: refused, or "
             "accepted with an activity for the project manager and the monitors.")

    @api.constrains("spm_risk_high_threshold", "spm_risk_medium_threshold", "spm_issue_escalation_days",
                    "spm_issue_management_days", "spm_budget_tolerance")
    def _check_spm_monitoring(self):
        for company in self:
            if not 1 <= company.spm_risk_medium_threshold < company.spm_risk_high_threshold <= 25:
                raise ValidationError(self.env._(
                    "Risk scores go from 1 to 25: the medium threshold must be at least 1 and below the high one, "
                    "which is at most 25."))
            if not 1 <= company.spm_issue_escalation_days < company.spm_issue_management_days:
                raise ValidationError(self.env._(
                    "Issues are escalated to the project manager after at least one day, and to management later."))
            if company.spm_budget_tolerance < 0:
                raise ValidationError(self.env._("The budget tolerance cannot be negative."))
