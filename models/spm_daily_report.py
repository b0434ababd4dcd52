from collections import defaultdict
from datetime import timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime

REPORT_STATES = [("draft", "Draft"), ("submitted", "Submitted"), ("reviewed", "Reviewed")]
RATINGS = [("0", "Not Rated"), ("1", "Poor"), ("2", "Fair"), ("3", "Good"), ("4", "Very Good"), ("5", "Excellent")]
CONTENT_FIELDS = {"summary", "problems", "tomorrow_plan"}
COMPILED_FIELDS = ["visit_ids", "lead_ids", "gate_log_ids", "quotation_ids", "order_ids"]
EXECUTIVE_GROUP = "sales_project_management.group_spm_executive"
USER_GROUP = "sales_project_management.group_spm_user"


class SpmDailyReport(models.Model):
    """销售日报表: one per salesperson per day. What the day brought (visits, new leads, stage
    moves, activities done, quotations sent, orders signed) is compiled from Odoo each time the
    report is read; the salesperson writes the summary, problems and tomorrow's plan, submits it,
    and the team leader reviews it with a comment and a rating."""
    _name = "spm.daily.report"
    _description = "Sales Daily Report"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.workflow.mixin"]
    _order = "date desc, user_id, id"
    # set by the workflow only (in sudo): submitted by its salesperson, reviewed by the team leader
    # (``action_review``), reminded by the daily job
    _spm_workflow_fields = ("user_id", "state", "date_submitted", "reviewer_id", "date_reviewed", "reminder_sent",
                            "review_comment", "rating")
    # the day and company of a report are chosen when it is written, then kept
    _spm_fixed_fields = ("date", "company_id")
    _spm_create_ignores_workflow = True

    user_id = fields.Many2one("res.users", string="Salesperson", required=True, readonly=True, index=True,
                              default=lambda self: self.env.user)
    date = fields.Date(required=True, readonly=True, index=True,
                       default=lambda self: self.env.company._spm_local_date(fields.Datetime.now()))
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    team_id = fields.Many2one("crm.team", string="Sales Team", compute="_compute_team_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(REPORT_STATES, default="draft", required=True, readonly=True, index=True, tracking=True)

    summary = fields.Text(help="What the day brought.")
    problems = fields.Text("Problems / Support Needed")
    tomorrow_plan = fields.Text("Tomorrow's Plan")

    date_submitted = fields.Datetime("Submitted On", readonly=True, copy=False)
    deadline = fields.Datetime(compute="_compute_deadline",
                               help="Submitted later, the report is late (company setting).")
    is_late = fields.Boolean("Late", compute="_compute_is_late", store=True, index=True,
                             help="Submitted after the company's deadline for the day.")
    reviewer_id = fields.Many2one("res.users", string="Reviewed By", readonly=True, copy=False)
    date_reviewed = fields.Datetime("Reviewed On", readonly=True, copy=False)
    review_comment = fields.Text(tracking=True)
    rating = fields.Selection(RATINGS, default="0", tracking=True)
    can_review = fields.Boolean(compute="_compute_can_review")
    is_mine = fields.Boolean(compute="_compute_can_review")
    reminder_sent = fields.Boolean(readonly=True, copy=False)

    # compiled from Odoo when read
    visit_ids = fields.Many2many("spm.visit", string="Visits", compute="_compute_compiled")
    visit_count = fields.Integer("Number of Visits", compute="_compute_compiled")
    visit_week_count = fields.Integer("Visits This Week", compute="_compute_compiled",
                                      help="Visits from Monday of the report's week to its day.")
    lead_ids = fields.Many2many("crm.lead", string="New Leads and Opportunities", compute="_compute_compiled")
    lead_count = fields.Integer("Number of New Leads", compute="_compute_compiled")
    gate_log_ids = fields.Many2many("spm.gate.log", string="Stage Moves", compute="_compute_compiled")
    stage_move_count = fields.Integer("Number of Stage Moves", compute="_compute_compiled")
    quotation_ids = fields.Many2many("sale.order", string="Quotations Sent", compute="_compute_compiled")
    quotation_count = fields.Integer("Number of Quotations Sent", compute="_compute_compiled")
    order_ids = fields.Many2many("sale.order", string="Orders Signed", compute="_compute_compiled")
    order_count = fields.Integer("Number of Orders Signed", compute="_compute_compiled")
    amount_signed = fields.Monetary(compute="_compute_compiled",
                                    help="Confirmed orders of the day, taxes included, in the company currency.")
    activity_done_count = fields.Integer("Activities Done", compute="_compute_compiled")
    activity_done_summary = fields.Html("Activities Done Today", compute="_compute_compiled", sanitize=False)

    _sql_constraints = [
        ("user_date_unique", "UNIQUE(user_id, date)", "A salesperson writes one daily report per day."),
    ]

    @api.depends("user_id", "date")
    def _compute_display_name(self):
        for report in self:
            report.display_name = self.env._("Daily Report %(user)s %(date)s", user=report.user_id.name or "",
                                             date=report.date or "")

    @api.depends("user_id")
    def _compute_team_id(self):
        teams = self.env["crm.team"]._spm_team_of_users(self.user_id)
        for report in self:
            report.team_id = teams.get(report.user_id, False)

    @api.depends("date", "company_id.spm_daily_report_deadline_days", "company_id.spm_daily_report_deadline_hour")
    def _compute_deadline(self):
        for report in self:
            report.deadline = report.date and report.company_id._spm_daily_report_deadline(report.date)

    @api.depends("date_submitted")
    def _compute_is_late(self):
        """Decided at submission, against the deadline of that moment."""
        for report in self:
            report.is_late = bool(report.date_submitted and report.date
                                  and report.date_submitted > report.company_id._spm_daily_report_deadline(report.date))

    @api.depends("state", "user_id", "team_id.user_id")
    @api.depends_context("uid")
    def _compute_can_review(self):
        for report in self:
            report.can_review = report.state == "submitted" and report._spm_can_review(self.env.user)
            report.is_mine = report.user_id == self.env.user

    def _spm_can_review(self, user):
        """The leader of the report's sales team reviews it; executives review any; nobody their own."""
        self.ensure_one()
        if user == self.user_id:
            return False
        return user == self.team_id.user_id or user.has_group(EXECUTIVE_GROUP)

    def _compute_compiled(self):
        """Compile the day of each report from Odoo, in a few queries for the whole batch."""
        for report in self:
            report.update({
                "visit_ids": False, "visit_count": 0, "visit_week_count": 0, "lead_ids": False, "lead_count": 0,
                "gate_log_ids": False, "stage_move_count": 0, "quotation_ids": False, "quotation_count": 0,
                "order_ids": False, "order_count": 0, "amount_signed": 0.0, "activity_done_count": 0,
                "activity_done_summary": False,
            })
        reports = self.filtered(lambda r: r.user_id and r.date and r.company_id)
        by_company = defaultdict(self.browse)
        for report in reports:
            by_company[report.company_id] |= report
        for company, batch in by_company.items():
            batch._spm_compile(company)

    def _spm_compile(self, company):
        users = self.user_id
        first = min(self.mapped("date"))
        week_start = first - timedelta(days=first.weekday())
        start, end = company._spm_day_bounds(week_start)[0], company._spm_day_bounds(max(self.mapped("date")))[1]
        rng = [(">=", start), ("<", end)]

        def local(value):
            return company._spm_local_date(value)

        def domain(field, extra=()):
            return [("user_id", "in", users.ids), *[(field, op, value) for op, value in rng], *extra]

        visits = self.env["spm.visit"].search(domain("date_start", [("company_id", "=", company.id)]))
        leads = self.env["crm.lead"].with_context(active_test=False).search(domain("create_date"))
        logs = self.env["spm.gate.log"].search(domain("date"))
        orders = self.env["sale.order"].search(domain("date_order", [("state", "=", "sale"),
                                                                     ("company_id", "=", company.id)]))
        sent = self.env["sale.order"].search(domain("spm_date_sent", [("company_id", "=", company.id)]))
        partners = {user.partner_id.id: user.id for user in users}
        # activities marked done: the message Odoo posts for each, authored by who did it
        messages = self.env["mail.message"].sudo().search([
            ("author_id", "in", list(partners)), ("date", ">=", start), ("date", "<", end),
            ("subtype_id", "=", self.env.ref("mail.mt_activities").id), ("mail_activity_type_id", "!=", False),
        ])
        amounts = self.env["spm.target"]._spm_achieved(
            [(report.id, company.id, report.user_id.id, False, report.date, report.date) for report in self],
            bases=("signed",))
        tz = company._spm_tz()
        for report in self:
            user, day = report.user_id, report.date
            monday = day - timedelta(days=day.weekday())
            day_visits = visits.filtered(lambda v, u=user, d=day: v.user_id == u and local(v.date_start) == d)
            week_visits = visits.filtered(lambda v, u=user, d=day, m=monday: v.user_id == u
                                          and m <= local(v.date_start) <= d)
            day_leads = leads.filtered(lambda r, u=user, d=day: r.user_id == u and local(r.create_date) == d)
            day_logs = logs.filtered(lambda r, u=user, d=day: r.user_id == u and local(r.date) == d)
            day_orders = orders.filtered(lambda r, u=user, d=day: r.user_id == u and local(r.date_order) == d)
            done = messages.filtered(lambda m, u=user, d=day: partners.get(m.author_id.id) == u.id
                                     and local(m.date) == d).sorted("date")
            quotations = sent.filtered(lambda r, u=user, d=day: r.user_id == u and local(r.spm_date_sent) == d)
            report.update({
                "visit_ids": day_visits, "visit_count": len(day_visits), "visit_week_count": len(week_visits),
                "lead_ids": day_leads, "lead_count": len(day_leads),
                "gate_log_ids": day_logs, "stage_move_count": len(day_logs),
                "quotation_ids": quotations, "quotation_count": len(quotations),
                "order_ids": day_orders, "order_count": len(day_orders),
                "amount_signed": amounts.get(report.id, {}).get("signed", 0.0),
                "activity_done_count": len(done),
                "activity_done_summary": Markup("<ul>%s</ul>") % Markup("").join(
                    Markup("<li>%s · %s · %s</li>") % (
                        pytz.utc.localize(message.date).astimezone(tz).strftime("%H:%M"),
                        message.mail_activity_type_id.name, message.record_name or "")
                    for message in done) if done else False,
            })

    # ------------------------------------------------------------
    # CRUD: who writes what
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        reports = super().create(vals_list)
        if not self.env.su:
            # after the context's defaults: a daily report is written on or after its day, in a company of its
            # salesperson
            today = self.env.company._spm_local_date(fields.Datetime.now())
            for report in reports:
                if report.date > today:
                    raise UserError(self.env._("A daily report is written on its day or later, not in advance."))
                if report.company_id not in self.env.user.company_ids:
                    raise AccessError(self.env._("You do not work for this company."))
        # a new record's x2many fields are cached empty: the day is compiled when they are read
        reports.invalidate_recordset(COMPILED_FIELDS)
        return reports

    def _spm_refuse(self, names):
        if names & {"review_comment", "rating", "reviewer_id", "date_reviewed"}:
            raise AccessError(self.env._("A daily report is rated and commented by its team leader with the button "
                                         "“Review”."))
        raise AccessError(self.env._("The salesperson, day and status of a daily report change only through its "
                                     "workflow (submit, review)."))

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su and CONTENT_FIELDS & set(vals):
            for report in self:
                if report.user_id != self.env.user:
                    raise AccessError(self.env._("Only %s writes their daily report.", report.user_id.name))
                if report.state != "draft":
                    raise UserError(self.env._("The daily report %s is submitted: it can no longer change.",
                                               report.display_name))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_own_drafts(self):
        if self.env.su:
            return
        if self.filtered(lambda r: r.state != "draft" or r.user_id != self.env.user):
            raise UserError(self.env._("Only your own daily report, while a draft, can be deleted."))

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def _spm_lock(self):
        """Lock the reports: of two submissions or reviews at once, the second sees the first."""
        self.check_access("read")
        self.env.cr.execute("SELECT id FROM spm_daily_report WHERE id IN %s FOR UPDATE", [tuple(self.ids) or (0,)])
        self.invalidate_recordset(["state", "rating", "review_comment", "reviewer_id"])

    def action_submit(self):
        """Hand the report in; after the company's deadline it is flagged as late."""
        review_type = self.env.ref("sales_project_management.mail_activity_type_daily_report_review")
        reminder_type = self.env.ref("sales_project_management.mail_activity_type_daily_report")
        self._spm_lock()
        for report in self:
            if report.user_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("Only %s submits their daily report.", report.user_id.name))
            if report.state != "draft":
                raise UserError(self.env._("The daily report %s is already submitted.", report.display_name))
            if not (report.summary or "").strip():
                raise UserError(self.env._("Write the summary of the day before submitting the daily report."))
            report.sudo().write({"state": "submitted", "date_submitted": fields.Datetime.now()})
            report.activity_ids.filtered(lambda a: a.activity_type_id == reminder_type).sudo().action_feedback(
                feedback=self.env._("Submitted."))
            leader = report.team_id.user_id
            if leader and leader != report.user_id:
                report.sudo().activity_schedule(
                    activity_type_id=review_type.id, user_id=leader.id,
                    date_deadline=report.company_id._spm_local_date(fields.Datetime.now()),
                    summary=self.env._("Review the daily report of %s", report.user_id.name))
            report.message_post(body=self.env._(
                "Submitted late (deadline %s).",
                format_datetime(self.env, report.deadline, tz=report.company_id._spm_tz().zone, dt_format="short"))
                if report.is_late else self.env._("Submitted."))
        return self._spm_submitted_notification()

    def _spm_submitted_notification(self):
        """What the salesperson sees once submitted: to whom it went, and whether it was late."""
        leaders = self.team_id.user_id - self.user_id
        late = any(self.mapped("is_late"))
        if leaders:
            message = self.env._("Daily report submitted to %s for review.", ", ".join(leaders.mapped("name")))
        else:
            message = self.env._("Daily report submitted.")
        if late:
            message = self.env._("%s It is marked late: the deadline had passed.", message)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if late else "success",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_review(self, review_comment=None, rating=None):
        """The team leader reviews the submitted report with a comment and a rating (1 to 5)."""
        review_type = self.env.ref("sales_project_management.mail_activity_type_daily_report_review")
        self._spm_lock()
        for report in self:
            if report.state != "submitted":
                raise UserError(self.env._("Only a submitted daily report is reviewed."))
            if not report._spm_can_review(self.env.user) and not self.env.su:
                raise AccessError(self.env._("Only the sales team's leader reviews the daily report %s.",
                                             report.display_name))
            values = {"state": "reviewed", "reviewer_id": self.env.uid, "date_reviewed": fields.Datetime.now()}
            if review_comment is not None:
                values["review_comment"] = review_comment
            if rating is not None:
                values["rating"] = str(rating)
            if values.get("rating", report.rating) not in {key for key, _label in RATINGS[1:]}:
                raise UserError(self.env._("Rate the daily report (1 to 5 stars) to review it."))
            if review_comment is not None and not isinstance(review_comment, str):
                raise UserError(self.env._("The review comment is a text."))
            report.sudo().write(values)
            report.activity_ids.filtered(lambda a: a.activity_type_id == review_type).sudo().action_feedback(
                feedback=report.review_comment or self.env._("Reviewed."))
            report.message_post(body=self.env._("Reviewed by %(user)s: %(rating)s",
                                                user=self.env.user.name,
                                                rating=dict(self._fields["rating"]._description_selection(self.env))[
                                                    report.rating]))
        return True

    def action_open_review(self):
        """The leader's review: a rating and a comment, then the report is reviewed (``action_review``)."""
        self.ensure_one()
        if not self._spm_can_review(self.env.user):
            raise AccessError(self.env._("Only the sales team's leader reviews the daily report %s.",
                                         self.display_name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Review the Daily Report"),
            "res_model": "spm.daily.report.review.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_report_id": self.id},
        }

    @api.model
    def action_spm_open_reports(self):
        """The 销售日报 menu: a leader opens on the reports waiting for their review, a salesperson on their own."""
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_daily_report_action")
        manager = self.env.user.has_group("sales_project_management.group_spm_manager")
        action["context"] = {"search_default_to_review" if manager else "search_default_my_reports": 1}
        return action

    @api.model
    def action_open_my_report(self):
        """My daily report of today, created when missing."""
        today = self.env.company._spm_local_date(fields.Datetime.now())
        report = self.search([("user_id", "=", self.env.uid), ("date", "=", today)], limit=1)
        if not report:
            report = self.create({"date": today, "company_id": self.env.company.id})
        return report._get_records_action(name=self.env._("My Daily Report"))

    def action_print_team_day(self):
        """The PDF of the report's team for its day (销售日报表 of the team)."""
        self.ensure_one()
        reports = self.search([("team_id", "=", self.team_id.id), ("date", "=", self.date)]) if self.team_id else self
        return self.env.ref("sales_project_management.action_report_spm_daily_team").report_action(reports, data={})

    # ------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------

    @api.model
    def _spm_report_writers(self, company):
        """Who writes daily reports in ``company``: the salespeople of its sales teams."""
        members = self.env["crm.team.member"].sudo().search([
            ("crm_team_id.company_id", "in", [company.id, False]), ("crm_team_id.active", "=", True)])
        return members.user_id.filtered(
            lambda u: u.active and not u.share and company in u.company_ids and u.has_group(USER_GROUP))

    @api.model
    def _cron_remind_daily_reports(self):
        """Hourly: once a company's working day is over (its working hours, public holidays
        excluded), remind once each salesperson whose report of the day is not submitted."""
        now = fields.Datetime.now()
        reminder_type = self.env.ref("sales_project_management.mail_activity_type_daily_report")
        Report = self.sudo()
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            calendar = company.resource_calendar_id
            if not calendar:
                continue
            today = company._spm_local_date(now)
            start, end = company._spm_day_bounds(today)
            intervals = list(calendar._work_intervals_batch(pytz.utc.localize(start), pytz.utc.localize(end))[False])
            if not intervals or pytz.utc.localize(now) < max(stop for _start, stop, _meta in intervals):
                continue
            writers = self._spm_report_writers(company)
            reports = Report.search([("user_id", "in", writers.ids), ("date", "=", today)])
            missing = writers - reports.user_id
            reports |= Report.create([{"user_id": user.id, "date": today, "company_id": company.id}
                                      for user in missing])
            for report in reports.filtered(lambda r: r.state == "draft" and not r.reminder_sent):
                report.activity_schedule(
                    activity_type_id=reminder_type.id, user_id=report.user_id.id, date_deadline=today,
                    summary=self.env._("Write and submit your daily report of %s", today))
                report.reminder_sent = True
        return True
