from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
RESPONSES = [
    ("avoid", "Avoid"),
    ("mitigate", "Mitigate"),
    ("transfer", "Transfer"),
    ("accept", "Accept"),
]


class SpmRisk(models.Model):
    """风险: an entry of the risk register of an opportunity and/or its delivery project.

    Its level follows probability × impact and the company's thresholds; an open risk whose review
    date has passed gives its owner one activity (``_cron_review_reminders``)."""
    _name = "spm.risk"
    _description = "Risk"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.workflow.mixin"]
    _order = "state desc, score desc, review_date, id desc"
    # set by the workflow only (the review job, the assessment, closing)
    _spm_workflow_fields = ("review_reminded", "is_assessment_risk", "date_closed")
    _spm_parent_fields = ("lead_id", "project_id")

    name = fields.Char("Risk", required=True, tracking=True)
    description = fields.Text()
    lead_id = fields.Many2one("crm.lead", string="Opportunity", index="btree_not_null", ondelete="cascade",
                              tracking=True, domain="[('type', '=', 'opportunity')]")
    project_id = fields.Many2one("project.project", index="btree_not_null", ondelete="cascade",
                                 tracking=True)
    company_id = fields.Many2one("res.company", compute="_compute_company_id", store=True, index=True)
    # not stored: a sales team's change must not rewrite its risks (the record rules follow the links)
    team_id = fields.Many2one("crm.team", string="Sales Team", compute="_compute_team_id")
    category_id = fields.Many2one("spm.risk.category", ondelete="restrict", tracking=True)
    probability = fields.Integer(default=3, required=True, tracking=True, aggregator="avg",
                                 help="From 1 (rare) to 5 (almost certain).")
    impact = fields.Integer(default=3, required=True, tracking=True, aggregator="avg",
                            help="From 1 (negligible) to 5 (severe).")
    score = fields.Integer(compute="_compute_score", store=True, aggregator="max",
                           help="Probability × impact, from 1 to 25.")
    level = fields.Selection(LEVELS, string="Risk Level", compute="_compute_level", store=True, index=True,
                             tracking=True,
                             help="From the score and the company's thresholds (Settings → Sales Projects).")
    response = fields.Selection(RESPONSES, default="mitigate", required=True, tracking=True)
    response_plan = fields.Text()
    owner_id = fields.Many2one("res.users", default=lambda self: self.env.user, tracking=True,
                               domain="[('share', '=', False)]")
    review_date = fields.Date("Next Review", index="btree_not_null", tracking=True)
    review_reminded = fields.Boolean("Review Reminder Sent", copy=False, readonly=True,
                                     help="The owner was reminded of the passed review date.")
    state = fields.Selection([("open", "Open"), ("closed", "Closed")], default="open", required=True, index=True,
                             tracking=True)
    closing_note = fields.Text()
    date_closed = fields.Date("Closed On", readonly=True, copy=False)
    is_assessment_risk = fields.Boolean("From the Assessment", readonly=True, copy=False,
                                        help="The key risks written in the opportunity's assessment.")

    @api.depends("lead_id.company_id", "project_id.company_id")
    def _compute_company_id(self):
        for risk in self:
            risk.company_id = risk.lead_id.company_id or risk.project_id.company_id

    @api.depends("lead_id.team_id", "project_id.spm_lead_id.team_id")
    def _compute_team_id(self):
        for risk in self:
            risk.team_id = risk.lead_id.team_id or risk.project_id.sudo().spm_lead_id.team_id

    @api.depends("probability", "impact")
    def _compute_score(self):
        for risk in self:
            risk.score = risk.probability * risk.impact

    @api.depends("score", "company_id.spm_risk_high_threshold", "company_id.spm_risk_medium_threshold")
    def _compute_level(self):
        for risk in self:
            company = risk.company_id or self.env.company
            if risk.score >= company.spm_risk_high_threshold:
                risk.level = "high"
            elif risk.score >= company.spm_risk_medium_threshold:
                risk.level = "medium"
            else:
                risk.level = "low"

    @api.constrains("probability", "impact")
    def _check_scale(self):
        for risk in self:
            if not (1 <= risk.probability <= 5 and 1 <= risk.impact <= 5):
                raise ValidationError(self.env._("“%s”: probability and impact lie between 1 and 5.", risk.name))

    @api.constrains("lead_id", "project_id")
    def _check_links(self):
        for risk in self:
            if not risk.lead_id and not risk.project_id:
                raise ValidationError(self.env._("The risk “%s” belongs to an opportunity or a project.", risk.name))
            project_lead = risk.project_id.sudo().spm_lead_id
            if risk.lead_id and risk.project_id and project_lead != risk.lead_id:
                raise ValidationError(self.env._(
                    "The risk “%(risk)s”: the project %(project)s is not the delivery project of %(lead)s.",
                    risk=risk.name, project=risk.project_id.name, lead=risk.lead_id.name))

    @api.constrains("state", "closing_note")
    def _check_closing_note(self):
        for risk in self:
            if risk.state == "closed" and not (risk.closing_note or "").strip():
                raise ValidationError(self.env._("Give a closing note to close the risk “%s”.", risk.name))

    def _spm_refuse(self, names):
        if names & {"review_reminded", "is_assessment_risk", "date_closed"}:
            raise AccessError(self.env._("The review reminder, the closing date and the assessment origin of a risk "
                                         "are set by the register itself."))
        return super()._spm_refuse(names)

    def _spm_check_parents(self, _names):
        """A risk is registered on a project of one's team that is still open; a risk of an opportunity
        alone, on an opportunity one may read."""
        self.project_id._spm_check_team(
            lambda names: self.env._("Only the team of the project %s registers its risks.", names))
        self.project_id._spm_check_open()
        leads = self.filtered(lambda risk: not risk.project_id).lead_id
        if leads and not self.env.su:
            leads.check_access("read")

    @api.model
    def _spm_prepare_create(self, vals):
        if vals.get("state") == "closed":
            vals.setdefault("date_closed", fields.Date.context_today(self))
        return vals

    def _spm_prepare_write(self, vals):
        if "review_date" in vals:
            vals["review_reminded"] = False
        if vals.get("state") == "closed":
            vals["date_closed"] = fields.Date.context_today(self)
        elif vals.get("state") == "open":
            vals["date_closed"] = False
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        risks = super().create(vals_list)
        risks._check_links()  # also when neither link is given
        risks._spm_alert_high()
        return risks

    def write(self, vals):
        high_before = self.filtered(lambda risk: risk.state == "open" and risk.level == "high")
        res = super().write(vals)
        if vals.get("state") == "closed":
            self._spm_close_review_activities()
        (self - high_before)._spm_alert_high()
        return res

    def _spm_alert_high(self):
        """A risk that becomes high (or is reopened high) raises a stall alert (停滞预警) on its project or
        opportunity."""
        risks = self.filtered(lambda risk: risk.state == "open" and risk.level == "high")
        if risks:
            self.env["spm.stall.alert"].sudo()._spm_raise_for_risks(risks)

    def action_close(self):
        """Close the risks; their closing note says how they ended."""
        self.write({"state": "closed"})
        return True

    def action_reopen(self):
        self.write({"state": "open"})
        return True

    def _spm_close_review_activities(self):
        activity_type = self.env.ref("sales_project_management.mail_activity_type_risk_review")
        self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type).unlink()

    @api.model
    def _cron_review_reminders(self):
        """Daily: the owner of an open risk whose review date has passed gets one activity. Only the
        due risks are read (the index on the review date), and each is reminded once per review date."""
        today = fields.Date.context_today(self)
        risks = self.search([("review_date", "<", today), ("review_reminded", "=", False), ("state", "=", "open")])
        for risk in risks:
            user = risk.owner_id or risk.project_id.user_id or risk.lead_id.user_id
            if user:
                risk.activity_schedule(
                    "sales_project_management.mail_activity_type_risk_review", date_deadline=today, user_id=user.id,
                    summary=self.env._("Review the risk “%(risk)s” (due %(date)s)", risk=risk.name,
                                       date=risk.review_date))
        risks.sudo().write({"review_reminded": True})
        return True
