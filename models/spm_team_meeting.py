from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, html2plaintext

from .spm_work_plan import period_end, period_start

MEETING_PERIODS = [("week", "Week"), ("month", "Month")]
MEETING_STATES = [("draft", "Draft"), ("held", "Held"), ("closed", "Closed")]
MANAGER_GROUP = "sales_project_management.group_spm_manager"
# what the leader writes while the meeting is not closed
MEETING_CONTENT_FIELDS = {"meeting_date", "minutes", "decision_ids"}
# the figures of the team, stored when the pack is compiled
MEETING_FIGURES = ("target_signed", "target_collected", "achieved_signed", "achieved_invoiced", "achieved_collected",
                   "member_target_signed", "member_achieved_signed", "visit_count", "call_count", "won_count",
                   "won_amount", "intent_count", "intent_amount", "lost_count", "lost_amount", "lost_reasons")
# the figures of a member's summary, as spm.work.plan compiles them
PLAN_FIGURES = ("achieved_signed", "achieved_invoiced", "achieved_collected", "visit_count", "call_count",
                "new_customer_count", "moved_lead_count", "won_count", "won_amount", "lost_count")


class SpmTeamMeeting(models.Model):
    """周会 / 月会: the material of a sales team's weekly or monthly meeting, compiled from Odoo for
    the period reviewed: every member's summary and next plan (their work plans), the team's intent
    customers with their follow-ups, the opportunities lost with their reasons, and the targets
    against what was achieved; the leader records the minutes and the decisions, each followed as
    an activity of its owner. Compiled on demand until the meeting is closed, then frozen."""
    _name = "spm.team.meeting"
    _description = "Team Meeting Pack"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.workflow.mixin"]
    _order = "date_from desc, team_id, id"
    # the members of the team, who read the pack, discuss it in its chatter
    _mail_post_access = "read"
    # set by the workflow only (in sudo): the leader when created, the compiled figures, held and closed
    _spm_workflow_fields = ("leader_id", "state", "date_compiled", "date_held", "held_by_id", "date_closed",
                            "closed_by_id", *MEETING_FIGURES)
    # the team, the period and the company are chosen when the pack is created, then kept
    _spm_fixed_fields = ("team_id", "period_type", "date_from", "company_id")
    _spm_parent_fields = ("team_id",)

    team_id = fields.Many2one("crm.team", string="Sales Team", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_type = fields.Selection(MEETING_PERIODS, string="Period", required=True, default="week",
                                   help="A weekly meeting (周会) reviews a week, a monthly meeting (月会) a month.")
    date_from = fields.Date(
        "From", required=True, index=True,
        default=lambda self: period_start("week", fields.Date.context_today(self) - timedelta(days=7)),
        help="The first day of the period reviewed (a Monday, or the first of a month).")
    date_to = fields.Date("To", compute="_compute_date_to", store=True, index=True)
    meeting_date = fields.Datetime("Meeting Time", default=fields.Datetime.now)
    leader_id = fields.Many2one("res.users", readonly=True, index=True,
                                help="The sales team's leader when the pack was created.")
    state = fields.Selection(MEETING_STATES, default="draft", required=True, readonly=True, index=True,
                             tracking=True)
    date_compiled = fields.Datetime("Compiled On", readonly=True, copy=False)
    date_held = fields.Datetime("Held On", readonly=True, copy=False)
    held_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_closed = fields.Datetime("Closed On", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    # the team's figures, compiled
    target_signed = fields.Monetary(
        "Signed Target", readonly=True, copy=False,
        help="The members' confirmed targets over the period (their work plans' targets).")
    target_collected = fields.Monetary(
        "Collected Target", readonly=True, copy=False,
        help="The members' confirmed targets over the period (their work plans' targets).")
    achieved_signed = fields.Monetary("Signed", readonly=True, copy=False,
                                      help="The team's orders signed in the period (the targets' computation).")
    achieved_invoiced = fields.Monetary("Invoiced", readonly=True, copy=False)
    achieved_collected = fields.Monetary("Collected", readonly=True, copy=False)
    member_target_signed = fields.Monetary("Members' Signed Target", readonly=True, copy=False)
    member_achieved_signed = fields.Monetary("Members' Signed", readonly=True, copy=False)
    achievement_signed = fields.Float("Signed (%)", compute="_compute_achievement", digits=(16, 1))
    achievement_collected = fields.Float("Collected (%)", compute="_compute_achievement", digits=(16, 1))
    visit_count = fields.Integer("Visits Held", readonly=True, copy=False)
    call_count = fields.Integer("Calls", readonly=True, copy=False)
    won_count = fields.Integer("Won", readonly=True, copy=False)
    won_amount = fields.Monetary("Won Revenue", readonly=True, copy=False)
    intent_count = fields.Integer("Number of Intent Customers", readonly=True, copy=False,
                                  help="The team's open opportunities when the pack was compiled.")
    intent_amount = fields.Monetary("Intent Revenue", readonly=True, copy=False)
    lost_count = fields.Integer("Lost", readonly=True, copy=False)
    lost_amount = fields.Monetary("Lost Revenue", readonly=True, copy=False)
    lost_reasons = fields.Text("Reasons for Losses", readonly=True, copy=False)

    member_ids = fields.One2many("spm.team.meeting.member", "meeting_id", string="Members", readonly=True)
    intent_ids = fields.One2many("spm.team.meeting.lead", "meeting_id", string="Intent Customers", readonly=True,
                                 domain=[("kind", "=", "intent")])
    loss_ids = fields.One2many("spm.team.meeting.lead", "meeting_id", string="Losses", readonly=True,
                               domain=[("kind", "=", "lost")])
    minutes = fields.Html(help="What was said in the meeting.")
    decision_ids = fields.One2many("spm.team.meeting.decision", "meeting_id", string="Decisions", copy=False)
    decision_open_count = fields.Integer("Open Decisions", compute="_compute_decision_open_count")
    can_manage = fields.Boolean(compute="_compute_can_manage")

    _sql_constraints = [
        ("team_period_unique", "UNIQUE(team_id, period_type, date_from)",
         "A sales team has one meeting pack per period."),
    ]

    @api.depends("team_id", "period_type", "date_from")
    def _compute_display_name(self):
        for meeting in self:
            label = (self.env._("Weekly Meeting") if meeting.period_type == "week"
                     else self.env._("Monthly Meeting"))
            meeting.display_name = f"{label} {meeting.team_id.name or ''} {meeting.date_from or ''}".strip()

    @api.depends("period_type", "date_from")
    def _compute_date_to(self):
        for meeting in self:
            meeting.date_to = meeting.date_from and meeting.period_type and period_end(meeting.period_type,
                                                                                       meeting.date_from)

    @api.depends("target_signed", "achieved_signed", "target_collected", "achieved_collected")
    def _compute_achievement(self):
        for meeting in self:
            meeting.achievement_signed = _percent(meeting.achieved_signed, meeting.target_signed)
            meeting.achievement_collected = _percent(meeting.achieved_collected, meeting.target_collected)

    @api.depends("decision_ids.done")
    def _compute_decision_open_count(self):
        for meeting in self:
            meeting.decision_open_count = len(meeting.decision_ids.filtered(lambda d: not d.done))

    @api.depends("team_id.user_id", "state")
    @api.depends_context("uid")
    def _compute_can_manage(self):
        for meeting in self:
            meeting.can_manage = meeting.state != "closed" and meeting._spm_can_manage(self.env.user)

    @api.constrains("period_type", "date_from")
    def _check_period(self):
        for meeting in self:
            if meeting.date_from != period_start(meeting.period_type, meeting.date_from):
                raise ValidationError(self.env._("A meeting pack starts on the first day of its period (a Monday for "
                                                 "a week, the first of the month for a month)."))

    @api.constrains("team_id", "company_id")
    def _check_company(self):
        for meeting in self:
            if meeting.team_id.company_id and meeting.team_id.company_id != meeting.company_id:
                raise ValidationError(self.env._("The sales team %s belongs to another company.",
                                                 meeting.team_id.name))

    # ------------------------------------------------------------
    # Who does what
    # ------------------------------------------------------------

    def _spm_can_manage(self, user):
        """The team's leader, or a sales manager of the team, prepares, holds and closes its meetings."""
        self.ensure_one()
        team = self.team_id.sudo()
        if not user or not team:
            return False
        if user == team.user_id:
            return True
        return user.has_group(MANAGER_GROUP) and user in team.member_ids

    def _spm_check_manage(self):
        if self.env.su:
            return
        for meeting in self:
            if not meeting._spm_can_manage(self.env.user):
                raise AccessError(self.env._("Only the leader of %s, or a sales manager of the team, runs its "
                                             "meetings.", meeting.team_id.sudo().name))

    def _spm_check_parents(self, names):
        if "team_id" in names:
            self._spm_check_manage()
            for meeting in self:
                if meeting.company_id not in self.env.user.company_ids:
                    raise AccessError(self.env._("You do not work for this company."))

    def _spm_refuse(self, names):
        if names & set(self._spm_fixed_fields):
            raise AccessError(self.env._("The team and the period of a meeting pack are chosen when it is created."))
        raise AccessError(self.env._("The leader, status and compiled figures of a meeting pack change only through "
                                     "its buttons (refresh, hold, close)."))

    def _spm_check_writable(self):
        self._spm_check_manage()
        if self.filtered(lambda m: m.state == "closed"):
            raise UserError(self.env._("The meeting is closed: its pack can no longer change."))

    @api.model
    def _spm_prepare_create(self, vals):
        team = self.env["crm.team"].sudo().browse(vals.get("team_id"))
        if team:
            vals["leader_id"] = team.user_id.id
            if team.company_id:
                vals["company_id"] = team.company_id.id
        if vals.get("date_from"):
            vals["date_from"] = period_start(vals.get("period_type") or "week", fields.Date.to_date(vals["date_from"]))
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        meetings = super().create(vals_list)
        meetings._spm_compile()
        return meetings

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su and vals:
            self._spm_check_writable()
        return super().write(vals)

    def copy_data(self, default=None):
        """A copy is the pack of the team's next period (one pack per team and period), without its minutes."""
        vals_list = super().copy_data(default=default)
        for meeting, vals in zip(self, vals_list, strict=True):
            if "date_from" not in (default or {}):
                vals["date_from"] = meeting.date_to + timedelta(days=1)
            if "minutes" not in (default or {}):
                vals["minutes"] = False
        return vals_list

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if self.env.su:
            return
        self._spm_check_manage()
        if self.filtered(lambda m: m.state != "draft"):
            raise UserError(self.env._("Only a meeting pack not yet held can be deleted."))

    def _spm_lock(self):
        """Lock the packs: of two people compiling or holding at once, the second sees the first."""
        self.check_access("read")
        self.env.cr.execute("SELECT id FROM spm_team_meeting WHERE id IN %s FOR UPDATE", [tuple(self.ids) or (0,)])
        self.invalidate_recordset()

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def action_refresh(self):
        """刷新: compile the pack again from Odoo (until the meeting is closed)."""
        self._spm_lock()
        self._spm_check_writable()
        self._spm_compile()
        return True

    def action_hold(self):
        """The meeting is held: the minutes are recorded, and each decision with an owner becomes an
        activity of its owner."""
        self._spm_lock()
        self._spm_check_manage()
        for meeting in self:
            if meeting.state != "draft":
                raise UserError(self.env._("The meeting %s is already held.", meeting.display_name))
            if not meeting._spm_has_minutes():
                raise UserError(self.env._("Record the minutes of the meeting before marking it held."))
        self.sudo().write({"state": "held", "date_held": fields.Datetime.now(), "held_by_id": self.env.uid})
        self.decision_ids._spm_schedule_activities()
        for meeting in self:
            meeting.message_post(body=self.env._("Meeting held by %s.", self.env.user.name))
        return True

    def action_close(self):
        """Close the meeting: its pack is frozen as it was compiled."""
        self._spm_lock()
        self._spm_check_manage()
        for meeting in self:
            if meeting.state != "held":
                raise UserError(self.env._("Only a held meeting is closed."))
        self.sudo().write({"state": "closed", "date_closed": fields.Datetime.now(), "closed_by_id": self.env.uid})
        for meeting in self:
            meeting.message_post(body=self.env._("Meeting closed by %s.", self.env.user.name))
        return True

    def _spm_has_minutes(self):
        self.ensure_one()
        return bool(html2plaintext(self.minutes or "").strip())

    def action_print(self):
        """The PDF 周会材料 / 月会材料."""
        return self.env.ref("sales_project_management.action_report_spm_team_meeting").report_action(self, data={})

    def action_show(self):
        """The pack as a page to project in the meeting (the same document as the PDF)."""
        return self.env.ref("sales_project_management.action_report_spm_team_meeting_html").report_action(self, data={})

    @api.model
    def action_spm_open_meetings(self):
        """The 团队例会 menu: on the packs of the user's teams."""
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_team_meeting_action")
        action["context"] = {"search_default_my_teams": 1}
        return action

    # ------------------------------------------------------------
    # Compilation
    # ------------------------------------------------------------

    def _spm_members(self):
        """{meeting: users}: the team's members, its leader when they keep a plan in the team."""
        return {meeting: meeting.team_id.sudo().crm_team_member_ids.user_id for meeting in self}

    def _spm_compile(self):
        """Compile the packs from Odoo in a fixed number of grouped queries, whatever the number of members,
        visits, activities or opportunities: the members' work plans of the period and the next one (their
        figures compiled by the work plans), the targets' one computation of the money, the team's open and
        lost opportunities with their follow-ups."""
        meetings = self.sudo()
        if not meetings:
            return True
        if meetings.filtered(lambda m: m.state == "closed"):
            raise UserError(self.env._("The meeting is closed: its pack can no longer change."))
        Plan = self.env["spm.work.plan"].sudo()
        members = meetings._spm_members()
        all_users = self.env["res.users"].union(*members.values())
        # the work plans of the period and of the next one, of the members and of the team (its leader's)
        plans = Plan.search([
            ("period_type", "in", list(set(meetings.mapped("period_type")))),
            ("date_from", "in", list({d for m in meetings for d in (m.date_from, m.date_to + timedelta(days=1))})),
            "|", ("user_id", "in", all_users.ids), ("team_id", "in", meetings.team_id.ids),
        ])
        by_key = {(plan.user_id.id, plan.period_type, plan.date_from): plan for plan in plans}
        rows = []  # (meeting, user, plan, next plan)
        for meeting in meetings:
            users = members[meeting] | plans.filtered(
                lambda p, m=meeting: p.team_id == m.team_id and p.date_from == m.date_from
                and p.period_type == m.period_type).user_id
            next_from = meeting.date_to + timedelta(days=1)
            for user in users.sorted(lambda u: (u.name or "", u.id)):
                rows.append((meeting, user, by_key.get((user.id, meeting.period_type, meeting.date_from), Plan),
                             by_key.get((user.id, meeting.period_type, next_from), Plan)))
        # the summaries: stored once compiled by their person, else compiled now by the work plans' method
        current = Plan.union(*(row[2] for row in rows))
        pending = current.filtered(lambda p: p.summary_state == "pending")
        # a member without a plan of the period (e.g. weekly plans only, in a monthly pack) is compiled the same
        # way through a stand-in plan of the period, never saved: targets, money, visits, calls, won and lost
        stand_ins = {row: Plan.new({"user_id": row[1].id, "company_id": row[0].company_id.id,
                                    "period_type": row[0].period_type, "date_from": row[0].date_from})
                     for row in rows if not row[2]}
        live = Plan.union(pending, *stand_ins.values())._spm_compile_figures()
        # the targets of the period: the work plans' split of the confirmed targets
        targets = Plan.union(current, *stand_ins.values())._spm_targets()
        # the money of the team: the targets' one computation
        achieved = self.env["spm.target"]._spm_achieved([
            (f"team-{meeting.id}", meeting.company_id.id, False, meeting.team_id.id, meeting.date_from,
             meeting.date_to) for meeting in meetings])
        leads = meetings._spm_compile_leads()

        meetings.member_ids.unlink()
        meetings.with_context(active_test=False).intent_ids.unlink()
        meetings.with_context(active_test=False).loss_ids.unlink()
        member_values = []
        totals = defaultdict(lambda: defaultdict(float))
        for sequence, row in enumerate(rows):
            meeting, user, plan, next_plan = row
            if plan:
                figures = live.get(plan.id) or {name: plan[name] for name in PLAN_FIGURES}
                target_signed, target_collected = targets[plan]
            else:
                figures = live[stand_ins[row].id]
                target_signed, target_collected = targets[stand_ins[row]]
            values = {
                "meeting_id": meeting.id, "sequence": sequence, "user_id": user.id, "plan_id": plan.id,
                "plan_state": plan.state or False, "summary_state": plan.summary_state or False,
                "rating": plan.rating if plan and plan.rating != "0" else False,
                "target_signed": target_signed, "target_collected": target_collected,
                "analysis": plan.analysis or False, "plan_text": plan.plan_text or False,
                "next_plan_id": next_plan.id, "next_plan_state": next_plan.state or False,
                "next_planned_signed": next_plan.planned_signed, "next_planned_collected": next_plan.planned_collected,
                "next_planned_visits": next_plan.planned_visits, "next_planned_calls": next_plan.planned_calls,
                "next_plan_text": next_plan.plan_text or plan.next_plan or False,
            }
            values.update({name: figures.get(name, 0) for name in PLAN_FIGURES})
            member_values.append(values)
            for name in ("target_signed", "target_collected", "achieved_signed", "visit_count", "call_count",
                         "won_count", "won_amount"):
                totals[meeting.id][name] += values[name]
        self.env["spm.team.meeting.member"].sudo().create(member_values)
        self.env["spm.team.meeting.lead"].sudo().create(leads["lines"])
        now = fields.Datetime.now()
        for meeting in meetings:
            money = achieved.get(f"team-{meeting.id}", {})
            total = totals[meeting.id]
            currency = meeting.currency_id
            meeting.write({
                "target_signed": currency.round(total["target_signed"]),
                "target_collected": currency.round(total["target_collected"]),
                "achieved_signed": money.get("signed", 0.0),
                "achieved_invoiced": money.get("invoiced", 0.0),
                "achieved_collected": money.get("collected", 0.0),
                "member_target_signed": currency.round(total["target_signed"]),
                "member_achieved_signed": currency.round(total["achieved_signed"]),
                "visit_count": int(total["visit_count"]), "call_count": int(total["call_count"]),
                "won_count": int(total["won_count"]), "won_amount": currency.round(total["won_amount"]),
                **leads["figures"][meeting.id],
                "date_compiled": now,
            })
        return True

    def _spm_compile_leads(self):
        """The team's intent customers (its open opportunities) with their last follow-up and next activity,
        and its opportunities lost in the period with their reasons, in a fixed number of queries."""
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        figures = {meeting.id: {"intent_count": 0, "intent_amount": 0.0, "lost_count": 0, "lost_amount": 0.0,
                                "lost_reasons": False} for meeting in self}
        lines = []
        open_leads = Lead.search([
            ("team_id", "in", self.team_id.ids), ("company_id", "in", self.company_id.ids),
            ("type", "=", "opportunity"), ("active", "=", True), ("probability", "<", 100),
            ("stage_id.is_won", "=", False),
        ], order="probability desc, expected_revenue desc, id")
        lost_domain = [("team_id", "in", self.team_id.ids), ("company_id", "in", self.company_id.ids),
                       ("type", "=", "opportunity"), ("active", "=", False), ("probability", "=", 0),
                       ("date_closed", "!=", False)]
        bounds = {meeting: (meeting.company_id._spm_day_bounds(meeting.date_from)[0],
                            meeting.company_id._spm_day_bounds(meeting.date_to)[1]) for meeting in self}
        lost_domain += [("date_closed", ">=", min(b[0] for b in bounds.values())),
                        ("date_closed", "<", max(b[1] for b in bounds.values()))]
        lost_leads = Lead.search(lost_domain, order="date_closed, id")
        follow = self._spm_lead_follow_ups(open_leads)
        for meeting in self:
            mine = open_leads.filtered(lambda lead, m=meeting: lead.team_id == m.team_id
                                       and lead.company_id == m.company_id)
            for sequence, lead in enumerate(mine):
                lines.append({"meeting_id": meeting.id, "kind": "intent", "sequence": sequence,
                              **self._spm_lead_values(lead), **follow.get(lead.id, {})})
            figures[meeting.id]["intent_count"] = len(mine)
            figures[meeting.id]["intent_amount"] = meeting.currency_id.round(sum(mine.mapped("expected_revenue")))
            start, stop = bounds[meeting]
            lost = lost_leads.filtered(lambda lead, m=meeting, a=start, b=stop: lead.team_id == m.team_id
                                       and lead.company_id == m.company_id and a <= lead.date_closed < b)
            reasons = defaultdict(int)
            for sequence, lead in enumerate(lost):
                lines.append({"meeting_id": meeting.id, "kind": "lost", "sequence": sequence,
                              **self._spm_lead_values(lead), "lost_reason_id": lead.lost_reason_id.id,
                              "date_closed": lead.date_closed})
                reasons[lead.lost_reason_id.name or self.env._("No reason given")] += 1
            figures[meeting.id].update(
                lost_count=len(lost), lost_amount=meeting.currency_id.round(sum(lost.mapped("expected_revenue"))),
                lost_reasons="\n".join(f"{name}: {count}" for name, count in
                                       sorted(reasons.items(), key=lambda item: (-item[1], item[0]))) or False)
        return {"lines": lines, "figures": figures}

    @api.model
    def _spm_lead_values(self, lead):
        return {"lead_id": lead.id, "name": lead.name, "partner_id": lead.partner_id.id, "user_id": lead.user_id.id,
                "stage_id": lead.stage_id.id, "probability": lead.probability,
                "expected_revenue": lead.expected_revenue}

    @api.model
    def _spm_lead_follow_ups(self, leads):
        """{lead id: its last visit, last follow-up (visit, activity done or stage move) and next activity},
        in four grouped queries whatever the number of opportunities and activities."""
        result = defaultdict(dict)
        if not leads:
            return result
        for model in ("spm.visit", "spm.gate.log", "mail.activity", "mail.message"):
            self.env[model].flush_model()
        now = fields.Datetime.now()
        last = defaultdict(list)  # lead id: [(date, description)]
        for lead_id, date, name, intent in self.env.execute_query(SQL("""
            SELECT DISTINCT ON (v.lead_id) v.lead_id, v.date_start, v.name, v.intent_level
              FROM spm_visit v
             WHERE v.lead_id = ANY(%s) AND v.date_start <= %s
             ORDER BY v.lead_id, v.date_start DESC, v.id DESC
        """, leads.ids, now)):
            result[lead_id].update(last_visit_date=date, intent_level=intent)
            last[lead_id].append((date, self.env._("Visit: %s", name)))
        stage_names = {}
        moves = self.env.execute_query(SQL("""
            SELECT DISTINCT ON (g.lead_id) g.lead_id, g.date, g.stage_to_id
              FROM spm_gate_log g
             WHERE g.lead_id = ANY(%s)
             ORDER BY g.lead_id, g.date DESC, g.id DESC
        """, leads.ids))
        stages = self.env["crm.stage"].sudo().browse({row[2] for row in moves if row[2]})
        stage_names = {stage.id: stage.name for stage in stages}
        for lead_id, date, stage_id in moves:
            last[lead_id].append((date, self.env._("Moved to %s", stage_names.get(stage_id, ""))))
        done = self.env.execute_query(SQL("""
            SELECT DISTINCT ON (m.res_id) m.res_id, m.date, m.mail_activity_type_id, m.subject
              FROM mail_message m
             WHERE m.model = 'crm.lead' AND m.res_id = ANY(%s) AND m.mail_activity_type_id IS NOT NULL
             ORDER BY m.res_id, m.date DESC, m.id DESC
        """, leads.ids))
        upcoming = self.env.execute_query(SQL("""
            SELECT DISTINCT ON (a.res_id) a.res_id, a.date_deadline, a.activity_type_id, a.summary
              FROM mail_activity a
             WHERE a.res_model = 'crm.lead' AND a.res_id = ANY(%s)
             ORDER BY a.res_id, a.date_deadline, a.id
        """, leads.ids))
        types = self.env["mail.activity.type"].sudo().browse({row[2] for row in done + upcoming if row[2]})
        type_names = {activity_type.id: activity_type.name for activity_type in types}
        for lead_id, date, type_id, subject in done:
            last[lead_id].append((date, " · ".join(filter(None, (type_names.get(type_id), subject)))))
        for lead_id, deadline, type_id, summary in upcoming:
            result[lead_id].update(next_activity_date=deadline, next_activity=" · ".join(
                filter(None, (type_names.get(type_id), summary))) or False)
        for lead_id, events in last.items():
            date, description = max(events, key=lambda event: event[0])
            result[lead_id].update(last_follow_up_date=date, last_follow_up=description)
        return result


def _percent(done, target):
    return round(100.0 * done / target, 1) if target else 0.0
