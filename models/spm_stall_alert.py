import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, create_index

_logger = logging.getLogger(__name__)

REASONS = [
    ("stage_overdue", "Stalled in Stage"),
    ("no_weekly_report", "No Weekly Report for Two Weeks"),
    ("new_high_risk", "New High Risk"),
    ("issue_management", "Issue Escalated to Management"),
]
STATES = [("open", "Open"), ("held", "Meeting Held"), ("cancelled", "Cancelled")]
# a sales project without a weekly report for this long is stalled
NO_REPORT_DAYS = 14
ACTIVITY_TYPE = "sales_project_management.mail_activity_type_spm_analysis_meeting"


class SpmStallAlert(models.Model):
    """停滞预警: an opportunity or a sales project that stalls (an opportunity too long in its stage, a project
    without a weekly report for two weeks, a new high risk, an issue escalated to management) asks the one who
    answers for it (the project director, the team leader of the opportunity) once for an analysis meeting,
    with an activity; the held analysis meeting closes it. Everything on it is set by the daily job
    (``_cron_spm_stall_alerts``), the hooks of the risk register and the issue escalation, and the meetings:
    all of them raise through ``_spm_raise``."""
    _name = "spm.stall.alert"
    _description = "Stall Alert"
    _inherit = ["mail.thread", "spm.workflow.mixin"]
    _order = "date_raised desc, id desc"
    _mail_post_access = "read"
    _spm_workflow_fields = ("reason", "lead_id", "project_id", "company_id", "stage_id", "risk_id", "task_id",
                            "stalled_days", "date_stalled", "date_raised", "user_id", "activity_id", "state",
                            "meeting_id", "date_held")

    reason = fields.Selection(REASONS, string="Stall Reason", required=True, readonly=True, index=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True, index="btree_not_null",
                              ondelete="cascade")
    project_id = fields.Many2one("project.project", readonly=True, index="btree_not_null",
                                 ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", compute="_compute_team_id")
    stage_id = fields.Many2one("crm.stage", readonly=True, ondelete="set null",
                               help="The stage the opportunity stalled in.")
    risk_id = fields.Many2one("spm.risk", readonly=True, ondelete="set null")
    task_id = fields.Many2one("project.task", string="Issue", readonly=True, ondelete="set null")
    stalled_days = fields.Integer("Days Stalled", readonly=True,
                                  help="How long the opportunity or project had stalled when the alert was raised.")
    detail = fields.Text(compute="_compute_detail")
    date_stalled = fields.Datetime(
        "Stalled Since", readonly=True,
        help="When the stall began: the opportunity's entry into its stage, the project's last weekly report, the "
             "risk becoming high, the issue being raised. One alert is raised per stall.")
    date_raised = fields.Datetime("Raised On", readonly=True, index=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Asked", readonly=True, index="btree_not_null",
                              help="Who is asked to hold the analysis meeting: the project director, or the team "
                                   "leader of the opportunity.")
    activity_id = fields.Many2one("mail.activity", string="Analysis Activity", readonly=True, ondelete="set null")
    state = fields.Selection(STATES, default="open", required=True, readonly=True, index=True, tracking=True)
    meeting_id = fields.Many2one("calendar.event", string="Analysis Meeting", readonly=True, ondelete="set null")
    date_held = fields.Datetime("Held On", readonly=True)

    @api.depends("reason", "lead_id", "project_id")
    def _compute_display_name(self):
        labels = dict(self._fields["reason"]._description_selection(self.env))
        for alert in self:
            subject = alert.sudo().project_id or alert.sudo().lead_id
            alert.display_name = f"{labels.get(alert.reason, '')}: {subject.display_name or ''}"

    @api.depends("reason", "stage_id", "stalled_days", "risk_id", "task_id")
    @api.depends_context("lang")
    def _compute_detail(self):
        for alert in self:
            alert.detail = alert._spm_describe({
                "reason": alert.reason, "stage_id": alert.stage_id.id, "stalled_days": alert.stalled_days,
                "risk_id": alert.risk_id.id, "task_id": alert.task_id.id})

    @api.model
    def _spm_describe(self, cause):
        """What stalled, in the language of the environment: the alert's detail and its activity's note."""
        reason, days = cause["reason"], cause["stalled_days"]
        if reason == "stage_overdue":
            stage = self.env["crm.stage"].sudo().browse(cause["stage_id"])
            return self.env._("In the stage “%(stage)s” for %(days)s days (it allows %(max)s) without a move.",
                              stage=stage.name, days=days, max=stage.spm_max_days)
        if reason == "no_weekly_report":
            return self.env._("No weekly report for %(days)s days.", days=days)
        if reason == "new_high_risk":
            risk = self.env["spm.risk"].sudo().browse(cause["risk_id"])
            return self.env._("The risk “%(risk)s” is high (score %(score)s).", risk=risk.name, score=risk.score)
        if reason == "issue_management":
            task = self.env["project.task"].sudo().browse(cause["task_id"])
            return self.env._("The issue “%(issue)s”, open for %(days)s days, is escalated to management.",
                              issue=task.name, days=days)
        return ""

    @api.depends("lead_id.team_id", "project_id.spm_lead_id.team_id")
    def _compute_team_id(self):
        for alert in self:
            alert.team_id = alert.sudo().lead_id.team_id or alert.sudo().project_id.spm_lead_id.team_id

    def init(self):
        res = super().init()
        # what the daily job reads of the opportunities: per stage, those that entered it before its limit
        create_index(self.env.cr, "crm_lead_spm_stage_stalled_index", "crm_lead",
                     ["stage_id", "date_last_stage_update"])
        return res

    # ------------------------------------------------------------
    # Raising
    # ------------------------------------------------------------

    @api.model
    def _spm_asked(self, subject):
        """Who answers for the stall of ``subject``: the project's director, the opportunity's team leader
        (its salesperson when the team has no leader)."""
        if subject._name == "project.project":
            return subject._spm_director()
        return subject.team_id.user_id or subject.user_id

    @api.model
    def _spm_raise(self, causes):
        """Raise one alert per cause, in a batch: ``causes`` is a list of dicts with ``reason``, ``subject``
        (an opportunity or a project), ``date_stalled``, ``stalled_days`` and optionally ``stage_id``, ``risk_id``,
        ``task_id``. Each asks its person with one activity on the subject, in their language. Return the
        alerts."""
        alerts = self.sudo().browse()
        if not causes:
            return alerts
        today = fields.Date.context_today(self)
        activity_type = self.env.ref(ACTIVITY_TYPE)
        deadline = today + timedelta(days=activity_type.delay_count or 0)
        Activity = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True)
        model_ids = {name: self.env["ir.model"]._get_id(name) for name in ("crm.lead", "project.project")}
        asked = [self._spm_asked(cause["subject"]) for cause in causes]
        activity_vals = []
        for cause, user in zip(causes, asked, strict=True):
            if not user:
                continue
            theirs = self.with_context(lang=user.lang or self.env.lang)
            labels = dict(self._fields["reason"]._description_selection(theirs.env))
            activity_vals.append({
                "res_model_id": model_ids[cause["subject"]._name], "res_id": cause["subject"].id,
                "activity_type_id": activity_type.id, "user_id": user.id, "date_deadline": deadline,
                "summary": theirs.env._("Analysis meeting: %(reason)s", reason=labels[cause["reason"]]),
                "note": Markup("<p>%s</p>") % theirs._spm_describe(cause),
            })
        activities = iter(Activity.create(activity_vals))
        vals_list = []
        for cause, user in zip(causes, asked, strict=True):
            subject = cause["subject"]
            vals_list.append({
                "reason": cause["reason"], "stalled_days": cause["stalled_days"],
                "date_stalled": cause["date_stalled"],
                "lead_id": subject.id if subject._name == "crm.lead" else False,
                "project_id": subject.id if subject._name == "project.project" else False,
                "company_id": subject.company_id.id or self.env.company.id,
                "stage_id": cause.get("stage_id", False), "risk_id": cause.get("risk_id", False),
                "task_id": cause.get("task_id", False), "user_id": user.id,
                "activity_id": next(activities).id if user else False,
            })
        alerts = self.sudo().with_context(tracking_disable=True, mail_create_nolog=True,
                                          mail_create_nosubscribe=True).create(vals_list)
        by_user = defaultdict(lambda: self.sudo().browse())
        for alert in alerts.filtered("user_id"):
            by_user[alert.user_id] |= alert
        for user, theirs in by_user.items():
            theirs.message_subscribe(partner_ids=user.partner_id.ids)
        _logger.info("Stall alerts raised: %s", len(alerts))
        return alerts

    @api.model
    def _cron_spm_stall_alerts(self):
        """Daily: close the alerts whose cause went away, then raise one alert per new stall. Only what falls
        due is read: per stage, the opportunities that entered it before its limit (an index on the stage and
        the date), the sales projects whose last report is two weeks old, each without its alert yet."""
        now = fields.Datetime.now()
        # the queries below read the tables directly
        self.env["crm.lead"].flush_model(["stage_id", "date_last_stage_update", "active", "type"])
        self.env["crm.stage"].flush_model(["spm_max_days", "is_won"])
        self.env["project.update"].flush_model(["project_id", "date"])
        self.flush_model()
        self._spm_cancel_resolved()
        self._spm_raise(self._spm_stage_causes(now) + self._spm_report_causes(now))
        return True

    @api.model
    def _spm_stage_causes(self, now):
        """The opportunities in a stage longer than it allows, not yet alerted for this stay in the stage: per
        stage with a limit, a range of the index on (stage, last stage move), in one query."""
        limits = self.env.execute_query(SQL(
            "SELECT id, spm_max_days FROM crm_stage WHERE spm_max_days > 0 AND is_won IS NOT TRUE ORDER BY id"))
        if not limits:
            return []
        # each stage's bound given as a value: the planner then sees how few rows fall due
        rows = self.env.execute_query(SQL(" UNION ALL ").join(SQL("""
            SELECT l.id, l.stage_id, l.date_last_stage_update
              FROM crm_lead l
             WHERE l.stage_id = %(stage)s AND l.date_last_stage_update < %(bound)s
               AND l.active AND l.type = 'opportunity'
               AND NOT EXISTS (SELECT 1 FROM spm_stall_alert a
                                WHERE a.lead_id = l.id AND a.reason = 'stage_overdue'
                                  AND a.stage_id = l.stage_id AND a.date_stalled = l.date_last_stage_update)
        """, stage=stage_id, bound=now - timedelta(days=days)) for stage_id, days in limits))
        if not rows:
            return []
        leads = self.env["crm.lead"].sudo().browse([row[0] for row in rows])
        return [{
            "reason": "stage_overdue", "subject": lead, "stage_id": stage_id, "date_stalled": since,
            "stalled_days": (now - since).days,
        } for lead, (_lead_id, stage_id, since) in zip(leads, rows, strict=True)]

    @api.model
    def _spm_report_causes(self, now):
        """The sales projects that take weekly reports and have none for two weeks (since their last one, or
        since they were created), not yet alerted for this stall."""
        limit = now - timedelta(days=NO_REPORT_DAYS)
        Project = self.env["project.project"].sudo()
        candidates = Project._search(Project._spm_reporting_domain())
        rows = self.env.execute_query(SQL("""
            SELECT p.id, since.date
              FROM project_project p
              CROSS JOIN LATERAL (
                    SELECT COALESCE(MAX(u.date)::timestamp, p.create_date) AS date
                      FROM project_update u WHERE u.project_id = p.id
              ) since
             WHERE p.id IN %(candidates)s AND since.date < %(limit)s
               AND NOT EXISTS (SELECT 1 FROM spm_stall_alert a
                                WHERE a.project_id = p.id AND a.reason = 'no_weekly_report'
                                  AND a.date_stalled >= since.date)
             ORDER BY p.id
        """, candidates=candidates.subselect(), limit=limit))
        projects = Project.browse([row[0] for row in rows])
        return [{
            "reason": "no_weekly_report", "subject": project, "date_stalled": since,
            "stalled_days": (now - since).days,
        } for project, (_project_id, since) in zip(projects, rows, strict=True)]

    @api.model
    def _spm_raise_for_risks(self, risks):
        """The risks that just became high, without an open alert of their own: one alert each, on their
        project (else their opportunity)."""
        alerted = self.sudo().search([("risk_id", "in", risks.ids), ("state", "=", "open")]).risk_id
        now = fields.Datetime.now()
        return self._spm_raise([{
            "reason": "new_high_risk", "subject": risk.project_id or risk.lead_id, "risk_id": risk.id,
            "date_stalled": now, "stalled_days": 0,
        } for risk in risks.sudo() - alerted if risk.project_id or risk.lead_id])

    @api.model
    def _spm_raise_for_issues(self, tasks):
        """The issues of sales projects just escalated to management: one alert per escalation (an issue
        reopened is escalated, and alerted, again)."""
        tasks = tasks.sudo().filtered(lambda task: task.spm_is_issue and task.project_id._spm_is_sales_project())
        alerted = {(alert.task_id, alert.date_stalled) for alert in self.sudo().search(
            [("task_id", "in", tasks.ids), ("reason", "=", "issue_management")])}
        now = fields.Datetime.now()
        return self._spm_raise([{
            "reason": "issue_management", "subject": task.project_id, "task_id": task.id,
            "date_stalled": task.spm_issue_date,
            "stalled_days": (now - task.spm_issue_date).days if task.spm_issue_date else 0,
        } for task in tasks if (task, task.spm_issue_date) not in alerted])

    # ------------------------------------------------------------
    # Closing
    # ------------------------------------------------------------

    @api.model
    def _spm_cancel_resolved(self):
        """Open alerts whose cause went away are cancelled, their activities removed: the opportunity moved,
        was won or lost; the project filed a weekly report dated after the stall began."""
        rows = self.env.execute_query(SQL("""
            SELECT a.id
              FROM spm_stall_alert a
              LEFT JOIN crm_lead l ON l.id = a.lead_id
              LEFT JOIN crm_stage s ON s.id = l.stage_id
             WHERE a.state = 'open'
               AND ((a.reason = 'stage_overdue'
                     AND (l.active IS NOT TRUE OR s.is_won IS TRUE OR l.stage_id IS DISTINCT FROM a.stage_id
                          OR l.date_last_stage_update IS DISTINCT FROM a.date_stalled))
                 OR (a.reason = 'no_weekly_report'
                     AND EXISTS (SELECT 1 FROM project_update u
                                  WHERE u.project_id = a.project_id AND u.date::timestamp > a.date_stalled)))
        """))
        alerts = self.sudo().browse([row[0] for row in rows])
        if alerts:
            alerts.activity_id.unlink()
            alerts.write({"state": "cancelled"})
        return alerts

    @api.model
    def _spm_close_by_meetings(self, meetings):
        """Held meetings: an analysis meeting of a project or an opportunity closes their open alerts."""
        for meeting in meetings.filtered(lambda event: event.spm_meeting_type == "analysis"):
            if meeting.spm_project_id:
                self._spm_close_for(meeting.spm_project_id, meeting)
            if meeting.opportunity_id:
                self._spm_close_for(meeting.opportunity_id, meeting)
        return True

    @api.model
    def _spm_close_for(self, records, meeting):
        """The open alerts of ``records`` (opportunities or projects) are held by the analysis meeting
        ``meeting``: it is linked, and their activities are done with a note naming it."""
        field = "lead_id" if records._name == "crm.lead" else "project_id"
        alerts = self.sudo().search([(field, "in", records.ids), ("state", "=", "open")])
        if not alerts:
            return alerts
        alerts.write({"state": "held", "meeting_id": meeting.id, "date_held": meeting.start or fields.Datetime.now()})
        note = Markup("<p>%s</p>") % self.env._("Analysis meeting held: %(meeting)s", meeting=meeting.display_name)
        alerts.activity_id.filtered("active").action_feedback(feedback=note)
        return alerts

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_subject(self):
        self.ensure_one()
        return (self.project_id or self.lead_id)._get_records_action()

    def action_open_meeting(self):
        self.ensure_one()
        return self.meeting_id._get_records_action()
