from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    spm_collection_post_invoice = fields.Boolean(related="company_id.spm_collection_post_invoice", readonly=False)
    spm_collection_reminder_days = fields.Integer(
        "Collection Reminder (days before due)", default=7,
        config_parameter="sales_project_management.collection_reminder_days")
    spm_checkin_max_distance = fields.Float(related="company_id.spm_checkin_max_distance", readonly=False)
    spm_bid_reminder_days = fields.Integer(related="company_id.spm_bid_reminder_days", readonly=False)
    spm_bid_bond_return_days = fields.Integer(related="company_id.spm_bid_bond_return_days", readonly=False)
    spm_daily_report_deadline_days = fields.Integer(related="company_id.spm_daily_report_deadline_days",
                                                    readonly=False)
    spm_daily_report_deadline_hour = fields.Float(related="company_id.spm_daily_report_deadline_hour",
                                                  readonly=False)
    spm_resource_calendar_id = fields.Many2one(related="company_id.resource_calendar_id", readonly=False,
                                               string="Working Hours")
    spm_risk_high_threshold = fields.Integer(related="company_id.spm_risk_high_threshold", readonly=False)
    spm_risk_medium_threshold = fields.Integer(related="company_id.spm_risk_medium_threshold", readonly=False)
    spm_issue_escalation_days = fields.Integer(related="company_id.spm_issue_escalation_days", readonly=False)
    spm_issue_management_days = fields.Integer(related="company_id.spm_issue_management_days", readonly=False)
    spm_escalation_low_days = fields.Integer(related="company_id.spm_escalation_low_days", readonly=False)
    spm_escalation_low_management_days = fields.Integer(related="company_id.spm_escalation_low_management_days",
                                                        readonly=False)
    spm_escalation_high_days = fields.Integer(related="company_id.spm_escalation_high_days", readonly=False)
    spm_escalation_high_management_days = fields.Integer(related="company_id.spm_escalation_high_management_days",
                                                         readonly=False)
    spm_escalation_critical_days = fields.Integer(related="company_id.spm_escalation_critical_days", readonly=False)
    spm_escalation_critical_management_days = fields.Integer(
        related="company_id.spm_escalation_critical_management_days", readonly=False)
    spm_warranty_months = fields.Integer(related="company_id.spm_warranty_months", readonly=False)
    spm_service_survey = fields.Boolean(related="company_id.spm_service_survey", readonly=False)
    spm_after_sales_project_id = fields.Many2one(related="company_id.spm_after_sales_project_id", readonly=False)
    spm_budget_tolerance = fields.Float(related="company_id.spm_budget_tolerance", readonly=False)
    spm_budget_overrun_policy = fields.Selection(related="company_id.spm_budget_overrun_policy", readonly=False)
    spm_presales_manager_id = fields.Many2one(related="company_id.spm_presales_manager_id", readonly=False)
    spm_commission_entry_type = fields.Selection(related="company_id.spm_commission_entry_type", readonly=False)
    spm_commission_expense_account_id = fields.Many2one(related="company_id.spm_commission_expense_account_id",
                                                        readonly=False)
    spm_commission_payable_account_id = fields.Many2one(related="company_id.spm_commission_payable_account_id",
                                                        readonly=False)
    spm_commission_journal_id = fields.Many2one(related="company_id.spm_commission_journal_id", readonly=False)
