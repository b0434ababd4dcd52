from datetime import datetime, time, timedelta

import pytz

from odoo import Command, _lt, api, fields, models
from odoo.exceptions import ValidationError

from .spm_translation import term_translations

AFTER_SALES = _lt("After-Sales Service")


class ResCompany(models.Model):
    _inherit = "res.company"

    spm_collection_post_invoice = fields.Boolean(
        "Post Installment Invoices at Once",
        help="Invoices of payment collection installments are posted as soon as they are made; otherwise they "
             "are drafts for the accountant to check and post.")
    spm_checkin_max_distance = fields.Float(
        "Check-in Distance Limit (km)", default=1.0, digits=(16, 2),
        help="A visit checked in farther than this from the customer's geolocation is flagged as far.")
    spm_daily_report_deadline_days = fields.Integer(
        "Daily Report Due (days after)", default=1,
        help="A daily report is due this many days after its day, at the deadline hour; submitted later, it is "
             "flagged as late.")
    spm_daily_report_deadline_hour = fields.Float(
        "Daily Report Deadline Hour", default=10.0,
        help="Hour of the deadline, in the time zone of the company's working hours.")

    @api.constrains("spm_checkin_max_distance", "spm_daily_report_deadline_days", "spm_daily_report_deadline_hour")
    def _check_spm_settings(self):
        for company in self:
            if company.spm_checkin_max_distance <= 0:
                raise ValidationError(self.env._("The check-in distance limit must be positive."))
            if company.spm_daily_report_deadline_days < 0:
                raise ValidationError(self.env._("A daily report cannot be due before its day."))
            if not 0 <= company.spm_daily_report_deadline_hour < 24:
                raise ValidationError(self.env._("The deadline hour lies between 00:00 and 23:59."))

    def _spm_tz(self):
        """The company's time zone: that of its working hours (the day of a visit, a report, an order)."""
        self.ensure_one()
        return pytz.timezone(self.resource_calendar_id.tz or "UTC")

    def _spm_day_bounds(self, day):
        """(start, end) in naive UTC of the company's local ``day``."""
        tz = self._spm_tz()
        start = tz.localize(datetime.combine(day, time.min))
        end = tz.localize(datetime.combine(day + timedelta(days=1), time.min))
        return (start.astimezone(pytz.utc).replace(tzinfo=None), end.astimezone(pytz.utc).replace(tzinfo=None))

    def _spm_local_date(self, value):
        """The company's local date of a naive UTC datetime."""
        self.ensure_one()
        return pytz.utc.localize(value).astimezone(self._spm_tz()).date()

    def _spm_daily_report_deadline(self, day):
        """The naive UTC datetime after which the daily report of ``day`` is late."""
        self.ensure_one()
        hours = self.spm_daily_report_deadline_hour or 0.0
        local = datetime.combine(day + timedelta(days=self.spm_daily_report_deadline_days), time.min) + timedelta(
            hours=hours)
        return self._spm_tz().localize(local).astimezone(pytz.utc).replace(tzinfo=None)

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
    # the thresholds of the other severities of issues and complaints (medium: the two above)
    spm_escalation_low_days = fields.Integer("Low: to the Owner after (days)", default=5)
    spm_escalation_low_management_days = fields.Integer("Low: to Management after (days)", default=15)
    spm_escalation_high_days = fields.Integer("High: to the Owner after (days)", default=2)
    spm_escalation_high_management_days = fields.Integer("High: to Management after (days)", default=4)
    spm_escalation_critical_days = fields.Integer("Critical: to the Owner after (days)", default=1)
    spm_escalation_critical_management_days = fields.Integer("Critical: to Management after (days)", default=2)
    # After-sales (售后)
    spm_after_sales_project_id = fields.Many2one(
        "project.project", string="After-Sales Project", check_company=True,
        help="The project whose tasks are the company's service requests: complaints, repairs, maintenance, "
             "training and return visits (its e-mail alias and the customer portal raise them).")
    spm_warranty_months = fields.Integer(
        "Default Warranty (months)", default=12,
        help="The warranty of a new sales project, from its final acceptance (the project may change it).")
    spm_service_survey = fields.Boolean(
        "Satisfaction Survey after Service", default=True,
        help="Closing a complaint, a repair or a return visit mails the customer the satisfaction survey.")
    spm_budget_tolerance = fields.Float(
        "Budget Tolerance (%)", default=10.0,
        help="Costs may exceed the project's budget by this share; beyond it an approved change request is "
             "needed.")
    spm_budget_overrun_policy = fields.Selection(
        [("refuse", "Refuse the entry"), ("warn", "Accept it and warn")], string="Cost Overrun",
        default="refuse",
        help="What happens to an entry that takes a project's costs beyond its budget and tolerance: refused, or "
             "accepted with an activity for the project manager and the monitors.")
    # Presales support (资源求助)
    spm_presales_manager_id = fields.Many2one(
        "res.users", string="Presales Manager", domain="[('share', '=', False)]",
        help="Receives the presales support requests to assign; when empty, every presales manager of the company "
             "does.")

    @api.constrains("spm_presales_manager_id")
    def _check_spm_presales_manager(self):
        for company in self.filtered("spm_presales_manager_id"):
            if not company.spm_presales_manager_id.has_group("sales_project_management.group_spm_presales_manager"):
                raise ValidationError(self.env._("%s is not a presales manager: give them the right first.",
                                                 company.spm_presales_manager_id.name))

    # Bids (投标)
    spm_bid_reminder_days = fields.Integer(
        "Bid Date Reminder (days before)", default=3,
        help="The owner of a bid is reminded this many days before its registration, questions, submission and "
             "opening dates.")
    spm_bid_bond_return_days = fields.Integer(
        "Bid Bond Returned within (days)", default=30,
        help="A bid bond not returned this many days after the bid opening is overdue: its owner and the "
             "accountants are told.")

    @api.constrains("spm_bid_reminder_days", "spm_bid_bond_return_days")
    def _check_spm_bid_settings(self):
        for company in self:
            if company.spm_bid_reminder_days < 0 or company.spm_bid_bond_return_days < 0:
                raise ValidationError(self.env._("The bid reminder and the bond's return delay cannot be negative."))

    def _spm_escalation_days(self, severity):
        """(days to the owner, days to management) of an open issue or complaint of ``severity``: the company's
        issue thresholds for a medium one (or none given)."""
        self.ensure_one()
        if severity in ("low", "high", "critical"):
            return self[f"spm_escalation_{severity}_days"], self[f"spm_escalation_{severity}_management_days"]
        return self.spm_issue_escalation_days, self.spm_issue_management_days

    @api.constrains("spm_risk_high_threshold", "spm_risk_medium_threshold", "spm_issue_escalation_days",
                    "spm_issue_management_days", "spm_budget_tolerance", "spm_escalation_low_days",
                    "spm_escalation_low_management_days", "spm_escalation_high_days",
                    "spm_escalation_high_management_days", "spm_escalation_critical_days",
                    "spm_escalation_critical_management_days", "spm_warranty_months")
    def _check_spm_monitoring(self):
        for company in self:
            if not 1 <= company.spm_risk_medium_threshold < company.spm_risk_high_threshold <= 25:
                raise ValidationError(self.env._(
                    "Risk scores go from 1 to 25: the medium threshold must be at least 1 and below the high one, "
                    "which is at most 25."))
            if not 1 <= company.spm_issue_escalation_days < company.spm_issue_management_days:
                raise ValidationError(self.env._(
                    "Issues are escalated to the project manager after at least one day, and to management later."))
            for severity in ("low", "high", "critical"):
                first, second = company._spm_escalation_days(severity)
                if not 1 <= first < second:
                    raise ValidationError(self.env._(
                        "Each severity is escalated to its owner after at least one day, and to management later."))
            if company.spm_warranty_months < 0:
                raise ValidationError(self.env._("A warranty cannot last fewer than 0 months."))
            if company.spm_budget_tolerance < 0:
                raise ValidationError(self.env._("The budget tolerance cannot be negative."))

    # Commissions (提成)
    spm_commission_entry_type = fields.Selection(
        [("bill", "Vendor bill to the person"), ("entry", "Miscellaneous entry")], string="Commission Entry",
        default="bill",
        help="What confirming a commission settlement posts: a vendor bill to the person's contact, or a "
             "miscellaneous entry debiting the commission expense and crediting the commission payable.")
    spm_commission_expense_account_id = fields.Many2one(
        "account.account", string="Commission Expense Account", check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]")
    spm_commission_payable_account_id = fields.Many2one(
        "account.account", string="Commission Payable Account", check_company=True,
        domain="[('account_type', '=', 'liability_payable')]",
        help="For miscellaneous entries: the payable the payment of the commission is reconciled with.")
    spm_commission_journal_id = fields.Many2one(
        "account.journal", string="Commission Journal", check_company=True,
        domain="[('type', 'in', ('purchase', 'general'))]",
        help="A purchase journal for vendor bills, a miscellaneous journal for entries.")

    def _spm_after_sales_project(self):
        """The company's after-sales project (售后服务), made when the company has none yet."""
        self.ensure_one()
        company = self.sudo()
        if company.spm_after_sales_project_id:
            return company.spm_after_sales_project_id
        stages = self.env["project.task.type"]
        for xmlid in ("task_type_todo", "task_type_in_progress", "task_type_done"):
            stages |= self.env.ref(f"sales_project_management.{xmlid}", raise_if_not_found=False) or stages
        project = self.env["project.project"].sudo().with_context(mail_create_nosubscribe=True).create({
            "name": str(AFTER_SALES), "company_id": company.id, "privacy_visibility": "portal",
            "spm_is_after_sales": True, "allow_milestones": False, "type_ids": [Command.set(stages.ids)],
            "user_id": False,  # the after-sales manager is named by the administrator, not whoever came first
        })
        project.update_field_translations("name", term_translations(self.env, AFTER_SALES))
        project._spm_name_tasks()
        company.spm_after_sales_project_id = project
        return project
