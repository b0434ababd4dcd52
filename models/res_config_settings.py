from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    spm_collection_post_invoice = fields.Boolean(related="company_id.spm_collection_post_invoice", readonly=False)
    spm_collection_reminder_days = fields.Integer(
        "Collection Reminder (days before due)", default=7,
        config_parameter="sales_project_management.collection_reminder_days")
    spm_risk_high_threshold = fields.Integer(related="company_id.spm_risk_high_threshold", readonly=False)
    spm_risk_medium_threshold = fields.Integer(related="company_id.spm_risk_medium_threshold", readonly=False)
    spm_issue_escalation_days = fields.Integer(related="company_id.spm_issue_escalation_days", readonly=False)
    spm_issue_management_days = fields.Integer(related="company_id.spm_issue_management_days", readonly=False)
    spm_budget_tolerance = fields.Float(related="company_id.spm_budget_tolerance", readonly=False)
    spm_budget_overrun_policy = fields.Selection(related="company_id.spm_budget_overrun_policy", readonly=False)
