from collections import defaultdict
from datetime import date, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .spm_target import month_bounds

PERIOD_TYPES = [("week", "Week"), ("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]
PLAN_STATES = [("draft", "Draft"), ("submitted", "Submitted"), ("approved", "Approved"), ("returned", "Returned")]
SUMMARY_STATES = [("pending", "Not Compiled"), ("compiled", "Compiled"), ("reviewed", "Reviewed")]
RATINGS = [("0", "Not Rated"), ("1", "Poor"), ("2", "Fair"), ("3", "Good"), ("4", "Very Good"), ("5", "Excellent")]
# what the person writes in their plan, while it is a draft or returned
PLAN_CONTENT_FIELDS = {"planned_signed", "planned_collected", "planned_visits", "planned_calls",
                       "planned_new_customers", "plan_text", "line_ids"}
# what the person writes in their summary, until it is reviewed
SUMMARY_CONTENT_FIELDS = {"analysis", "next_plan"}
# the compiled figures of a summary, stored when it is compiled
SUMMARY_FIGURES = ("achieved_signed", "achieved_invoiced", "achieved_collected", "visit_count", "call_count",
                   "new_customer_count", "moved_lead_count", "won_count", "won_amount", "lost_count",
                   "lost_reasons")
MANAGER_GROUP = "sales_project_management.group_spm_manager"
EXECUTIVE_GROUP = "sales_project_management.group_spm_executive"


def period_start(period_type, day):
    """The first day of the period of type ``period_type`` that holds ``day``."""
    if period_type == "week":
        return day - timedelta(days=day.weekday())
    if period_type == "month":
        return day.replace(day=1)
    if period_type == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def period_end(period_type, start):
    """The last day of the period of type ``period_type`` starting on ``start``."""
    if period_type == "week":
        return start + timedelta(days=6)
    if period_type == "month":
        return month_bounds(start.year, start.month)[1]
    if period_type == "quarter":
        return month_bounds(start.year, start.month + 2)[1]
    return date(start.year, 12, 31)


class SpmWorkPlan(models.Model):
    """工作计划与总结: a salesperson's plan for a week, month, quarter or year (amounts to sign and
    collect, visits, calls, new customers, the opportunities to push), approved by their team
    leader; after the period the same record becomes its summary (周总结 / 月总结): the figures are
    compiled from Odoo (the targets' achievement, visits, stage moves, won and lost opportunities),
    the person writes the analysis and the next period's plan, and the leader reviews it."""
    _name = "spm.work.plan"
    _description = "Work Plan and Summary"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.workflow.mixin"]
    _order = "date_from desc, user_id, id"
    # set by the workflow only (in sudo): submitted by its person, approved or returned by the team leader,
    # compiled by the person after the period, reviewed by the leader, reminded by the daily job
    _spm_workflow_fields = ("user_id", "state", "date_submitted", "approver_id", "date_approved", "summary_state",
                            "date_compiled", "reviewer_id", "date_reviewed", "reminder_sent", "leader_comment",
                            "rating", *SUMMARY_FIGURES)
    # the person, period and company of a plan are chosen when it is written, then kept
    _spm_fixed_fields = ("period_type", "date_from", "company_id")
    _spm_create_ignores_workflow = True

    user_id = fields.Many2one("res.users", string="Salesperson", required=True, readonly=True, index=True,
                              default=lambda self: self.env.user)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    team_id = fields.Many2one("crm.team", string="Sales Team", compute="_compute_team_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_type = fields.Selection(PERIOD_TYPES, string="Period", required=True, default="week")
    date_from = fields.Date(
        "From", required=True, index=True, default=lambda self: period_start("week", fields.Date.context_today(self)),
        help="The first day of the period (a Monday, the first of a month, of a quarter, of a year).")
    date_to = fields.Date("To", compute="_compute_date_to", store=True, index=True)
    state = fields.Selection(PLAN_STATES, default="draft", required=True, readonly=True, index=True, tracking=True)

    # the plan
    target_signed = fields.Monetary(
        "Signed Target", compute="_compute_target",
        help="The person's confirmed monthly targets, split by working days over the period.")
    target_collected = fields.Monetary(
        "Collected Target", compute="_compute_target",
        help="The person's confirmed monthly targets, split by working days over the period.")
    planned_signed = fields.Monetary(compute="_compute_planned", store=True, readonly=False,
                                     precompute=True, help="Starts from the target; adjust it before submitting.")
    planned_collected = fields.Monetary(compute="_compute_planned", store=True, readonly=False,
                                        precompute=True, help="Starts from the target; adjust it before submitting.")
    planned_visits = fields.Integer()
    planned_calls = fields.Integer()
    planned_new_customers = fields.Integer()
    plan_text = fields.Text("Plan", help="What the period is for: the customers, the steps, the support needed.")
    line_ids = fields.One2many("spm.work.plan.line", "plan_id", string="Key Opportunities", copy=True)
    date_submitted = fields.Datetime("Submitted On", readonly=True, copy=False)
    approver_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    date_approved = fields.Datetime("Decided On", readonly=True, copy=False)
    leader_comment = fields.Text("Leader's Comment", tracking=True,
                                 help="Why the plan is returned, or the review of the summary.")

    # the summary, compiled after the period
    summary_state = fields.Selection(SUMMARY_STATES, string="Summary", default="pending", required=True,
                                     readonly=True, index=True, tracking=True)
    date_compiled = fields.Datetime("Compiled On", readonly=True, copy=False)
    achieved_signed = fields.Monetary("Signed", readonly=True, copy=False)
    achieved_invoiced = fields.Monetary("Invoiced", readonly=True, copy=False)
    achieved_collected = fields.Monetary("Collected", readonly=True, copy=False)
    visit_count = fields.Integer("Visits Held", readonly=True, copy=False,
                                 help="The person's visits of the period, phone visits aside.")
    call_count = fields.Integer("Calls", readonly=True, copy=False, help="The person's phone visits of the period.")
    new_customer_count = fields.Integer(
        "New Customers", readonly=True, copy=False,
        help="Customers whose first opportunity or first order of the person falls in the period.")
    moved_lead_count = fields.Integer("Opportunities Moved", readonly=True, copy=False,
                                      help="Opportunities the person moved forward a stage in the period.")
    won_count = fields.Integer("Won", readonly=True, copy=False)
    won_amount = fields.Monetary("Won Revenue", readonly=True, copy=False)
    lost_count = fields.Integer("Lost", readonly=True, copy=False)
    lost_reasons = fields.Text(readonly=True, copy=False)
    analysis = fields.Text(help="What went well and what did not, and why.")
    next_plan = fields.Text("Next Period's Plan", help="Copied into the next period's plan when compiled.")
    rating = fields.Selection(RATINGS, default="0", tracking=True)
    reviewer_id = fields.Many2one("res.users", string="Reviewed By", readonly=True, copy=False)
    date_reviewed = fields.Datetime("Reviewed On", readonly=True, copy=False)
    reminder_sent = fields.Boolean(readonly=True, copy=False)

    is_mine = fields.Boolean(compute="_compute_can_decide")
    can_decide = fields.Boolean(compute="_compute_can_decide")
    is_over = fields.Boolean("Period Over", compute="_compute_can_decide")

    _sql_constraints = [
        ("user_period_unique", "UNIQUE(user_id, period_type, date_from)",
         "A salesperson has one plan per period."),
    ]

    @api.depends("user_id", "period_type", "date_from")
    def _compute_display_name(self):
        labels = dict(self._fields["period_type"]._description_selection(self.env))
        for plan in self:
            plan.display_name = self.env._("%(period)s Plan %(user)s %(date)s", period=labels.get(plan.period_type, ""),
                                           user=plan.user_id.name or "", date=plan.date_from or "")

    @api.depends("user_id")
    def _compute_team_id(self):
        teams = self.env["crm.team"]._spm_team_of_users(self.user_id)
        for plan in self:
            plan.team_id = teams.get(plan.user_id, False)

    @api.depends("period_type", "date_from")
    def _compute_date_to(self):
        for plan in self:
            plan.date_to = plan.date_from and plan.period_type and period_end(plan.period_type, plan.date_from)

    @api.depends("state", "user_id", "team_id.user_id", "date_to")
    @api.depends_context("uid")
    def _compute_can_decide(self):
        today = self.env.company._spm_local_date(fields.Datetime.now())
        for plan in self:
            plan.is_mine = plan.user_id == self.env.user
            plan.can_decide = plan._spm_can_decide(self.env.user)
            plan.is_over = bool(plan.date_to and plan.date_to < today)

    @api.constrains("period_type", "date_from")
    def _check_period(self):
        for plan in self:
            if plan.date_from != period_start(plan.period_type, plan.date_from):
                raise ValidationError(self.env._("A plan starts on the first day of its period (a Monday for a week)."))

    @api.constrains("planned_signed", "planned_collected", "planned_visits", "planned_calls", "planned_new_customers")
    def _check_planned(self):
        for plan in self:
            if min(plan.planned_signed, plan.planned_collected, plan.planned_visits, plan.planned_calls,
                   plan.planned_new_customers) < 0:
                raise ValidationError(self.env._("Planned figures cannot be negative."))

    # ------------------------------------------------------------
    # Targets of the period
    # ------------------------------------------------------------

    @api.model
    def _spm_working_weekdays(self, company):
        """The weekdays (0 = Monday) the company's working hours cover; Monday to Friday without them."""
        calendar = company.resource_calendar_id
        days = {int(attendance.dayofweek) for attendance in calendar.attendance_ids} if calendar else set()
        return days or {0, 1, 2, 3, 4}

    def _spm_targets(self):
        """{plan: (signed, collected)}: the person's confirmed monthly targets over the plan's period, each
        month taking the share of its working days that fall in the period, in one query."""
        plans = self.filtered(lambda p: p.user_id and p.company_id and p.date_from and p.period_type)
        result = dict.fromkeys(self, (0.0, 0.0))
        if not plans:
            return result
        lines = self.env["spm.target.line"].sudo().search([
            ("user_id", "in", plans.user_id.ids), ("company_id", "in", plans.company_id.ids),
            ("state", "=", "confirmed"), ("date_to", ">=", min(plans.mapped("date_from"))),
            ("date_from", "<=", max(period_end(p.period_type, p.date_from) for p in plans)),
        ])
        by_owner = defaultdict(list)
        for line in lines:
            by_owner[line.user_id.id, line.company_id.id].append(line)
        for plan in plans:
            weekdays = self._spm_working_weekdays(plan.company_id)
            start, stop = plan.date_from, period_end(plan.period_type, plan.date_from)
            signed = collected = 0.0
            for line in by_owner[plan.user_id.id, plan.company_id.id]:
                length = (line.date_to - line.date_from).days + 1
                month_days = [line.date_from + timedelta(days=n) for n in range(length)]
                working = [day for day in month_days if day.weekday() in weekdays]
                share = len([day for day in working if start <= day <= stop]) / len(working) if working else 0.0
                signed += line.target_signed * share
                collected += line.target_collected * share
            currency = plan.company_id.currency_id
            result[plan] = (currency.round(signed), currency.round(collected))
        return result

    @api.depends("user_id", "company_id", "period_type", "date_from")
    def _compute_target(self):
        targets = self._spm_targets()
        for plan in self:
            plan.target_signed, plan.target_collected = targets[plan]

    @api.depends("user_id", "company_id", "period_type", "date_from")
    def _compute_planned(self):
        """A new plan starts from the target of its period; the person may adjust it before submitting."""
        targets = self._spm_targets()
        for plan in self:
            plan.planned_signed, plan.planned_collected = targets[plan]

    # ------------------------------------------------------------
    # Who does what
    # ------------------------------------------------------------

    def _spm_can_decide(self, user):
        """The leader of the person's sales team, a sales manager of that team, or an executive approves
        and reviews; nobody their own."""
        self.ensure_one()
        if not user or user == self.user_id or not self.team_id:
            return user != self.user_id and bool(user) and user.has_group(EXECUTIVE_GROUP)
        if user == self.team_id.user_id or user.has_group(EXECUTIVE_GROUP):
            return True
        return user.has_group(MANAGER_GROUP) and user in self.team_id.member_ids

    @api.model
    def _spm_prepare_create(self, vals):
        if vals.get("date_from"):
            vals["date_from"] = period_start(vals.get("period_type") or "week", fields.Date.to_date(vals["date_from"]))
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        if not self.env.su:
            for plan in plans:
                if plan.company_id not in self.env.user.company_ids:
                    raise AccessError(self.env._("You do not work for this company."))
        return plans

    def _spm_refuse(self, names):
        if names & {"rating", "leader_comment", "reviewer_id", "date_reviewed"}:
            raise AccessError(self.env._("The team leader comments on a plan with the button “Return”, and rates "
                                         "its summary with the button “Review”."))
        if names & {"period_type", "date_from", "company_id"}:
            raise AccessError(self.env._("The period of a plan is chosen when it is created."))
        raise AccessError(self.env._("The salesperson, status and compiled figures of a work plan change only "
                                     "through its workflow (submit, approve, compile, review)."))

    def _spm_check_writable(self, names):
        """Refuse the current user's change of the fields ``names`` of these plans."""
        for plan in self:
            if names & (PLAN_CONTENT_FIELDS | SUMMARY_CONTENT_FIELDS) and plan.user_id != self.env.user:
                raise AccessError(self.env._("Only %s writes their work plan.", plan.user_id.name))
            if names & PLAN_CONTENT_FIELDS and (plan.state not in ("draft", "returned")
                                                 or plan.summary_state != "pending"):
                raise UserError(self.env._("The plan %s is submitted: it can no longer change.", plan.display_name))
            if names & SUMMARY_CONTENT_FIELDS and plan.summary_state == "reviewed":
                raise UserError(self.env._("The summary %s is reviewed: it can no longer change.", plan.display_name))

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su:
            self._spm_check_writable(set(vals))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_own_drafts(self):
        if self.env.su:
            return
        if self.filtered(lambda p: p.state != "draft" or p.user_id != self.env.user or p.summary_state != "pending"):
            raise UserError(self.env._("Only your own work plan, while a draft, can be deleted."))

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def _spm_lock(self):
        """Lock the plans: of two decisions at once, the second sees the first."""
        self.check_access("read")
        self.env.cr.execute("SELECT id FROM spm_work_plan WHERE id IN %s FOR UPDATE", [tuple(self.ids) or (0,)])
        self.invalidate_recordset()

    def _spm_close_activities(self, activity_type, feedback):
        self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).sudo().action_feedback(
            feedback=feedback)

    def action_submit(self):
        """The person hands the plan to their team leader."""
        approval_type = self.env.ref("sales_project_management.mail_activity_type_work_plan_approval")
        self._spm_lock()
        for plan in self:
            if plan.user_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("Only %s submits their work plan.", plan.user_id.name))
            if plan.state not in ("draft", "returned") or plan.summary_state != "pending":
                raise UserError(self.env._("The plan %s is already submitted.", plan.display_name))
            plan.sudo().write({"state": "submitted", "date_submitted": fields.Datetime.now()})
            leader = plan.team_id.user_id
            if leader and leader != plan.user_id:
                plan.sudo().activity_schedule(
                    activity_type_id=approval_type.id, user_id=leader.id,
                    date_deadline=plan.company_id._spm_local_date(fields.Datetime.now()),
                    summary=self.env._("Approve the work plan of %s", plan.user_id.name))
            plan.message_post(body=self.env._("Submitted for approval."))
        return True

    def _spm_decide(self, state, comment):
        approval_type = self.env.ref("sales_project_management.mail_activity_type_work_plan_approval")
        self._spm_lock()
        for plan in self:
            if plan.state != "submitted":
                raise UserError(self.env._("Only a submitted plan is approved or returned."))
            if not plan._spm_can_decide(self.env.user) and not self.env.su:
                raise AccessError(self.env._("Only the sales team's leader approves the work plan of %s; nobody "
                                             "approves their own.", plan.user_id.name))
            if comment is not None and not isinstance(comment, str):
                raise UserError(self.env._("The comment is a text."))
            values = {"state": state, "approver_id": self.env.uid, "date_approved": fields.Datetime.now()}
            if comment is not None:
                values["leader_comment"] = comment
            if state == "returned" and not (values.get("leader_comment", plan.leader_comment) or "").strip():
                raise UserError(self.env._("Say why the plan is returned (the leader's comment)."))
            plan.sudo().write(values)
            plan._spm_close_activities(approval_type, plan.leader_comment or self.env._("Decided."))
            plan.message_post(body=self.env._("Approved by %s.", self.env.user.name) if state == "approved"
                              else self.env._("Returned by %(user)s: %(comment)s", user=self.env.user.name,
                                              comment=plan.leader_comment))
        return True

    def action_approve(self, comment=None):
        """The team leader approves the submitted plan."""
        return self._spm_decide("approved", comment)

    def action_return(self, comment=None):
        """The team leader returns the submitted plan with a comment; the person changes and submits it again."""
        return self._spm_decide("returned", comment)

    def action_compile_summary(self):
        """After the period: store the compiled figures in the summary, and draft the next period's plan."""
        reminder_type = self.env.ref("sales_project_management.mail_activity_type_work_plan_summary")
        self._spm_lock()
        today = self.env.company._spm_local_date(fields.Datetime.now())
        for plan in self:
            if plan.user_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("Only %s compiles their summary.", plan.user_id.name))
            if plan.summary_state != "pending":
                raise UserError(self.env._("The summary of %s is already compiled.", plan.display_name))
            if plan.date_to >= today:
                raise UserError(self.env._("The summary of %(plan)s is compiled after its period, from %(date)s.",
                                           plan=plan.display_name, date=plan.date_to + timedelta(days=1)))
        figures = self._spm_compile_figures()
        stages = {line: line.lead_id.stage_id for line in self.sudo().line_ids}
        for plan in self:
            plan.sudo().write({**figures[plan.id], "summary_state": "compiled", "date_compiled": fields.Datetime.now()})
            for line in plan.sudo().line_ids:
                line.stage_reached_id = stages[line]
            plan._spm_close_activities(reminder_type, self.env._("Compiled."))
        self._spm_create_next_plans()
        return True

    def _spm_create_next_plans(self):
        """The next period's plan of each plan, as a draft, unless the person has one."""
        keys = [(plan.user_id.id, plan.period_type, plan.date_to + timedelta(days=1)) for plan in self]
        existing = self.sudo().search([("user_id", "in", [key[0] for key in keys]),
                                       ("date_from", "in", list({key[2] for key in keys}))])
        have = {(plan.user_id.id, plan.period_type, plan.date_from) for plan in existing}
        values = []
        for plan, key in zip(self, keys, strict=True):
            if key in have:
                continue
            have.add(key)
            values.append({"user_id": key[0], "period_type": key[1], "date_from": key[2],
                           "company_id": plan.company_id.id, "plan_text": plan.next_plan})
        return self.sudo().create(values)

    def _spm_compile_figures(self):
        """{plan id: the summary's figures}, in a fixed number of queries whatever the number of plans,
        visits, stage moves or opportunities."""
        # the plans are numbered for the queries (a plan not saved yet, a team pack's stand-in, has no id)
        plans = list(self)
        key_of = dict(enumerate(plan.id for plan in plans))
        result = {plan.id: {"achieved_signed": 0.0, "achieved_invoiced": 0.0, "achieved_collected": 0.0,
                            "visit_count": 0, "call_count": 0, "new_customer_count": 0, "moved_lead_count": 0,
                            "won_count": 0, "won_amount": 0.0, "lost_count": 0, "lost_reasons": False}
                  for plan in self}
        if not self:
            return result
        # the money: the targets' one definition of signed, invoiced and collected
        achieved = self.env["spm.target"]._spm_achieved(
            [(index, plan.company_id.id, plan.user_id.id, False, plan.date_from, plan.date_to)
             for index, plan in enumerate(plans)])
        for index, amounts in achieved.items():
            for basis, amount in amounts.items():
                result[key_of[index]][f"achieved_{basis}"] = amount
        for model in ("spm.visit", "spm.gate.log", "crm.lead", "sale.order"):
            self.env[model].flush_model()
        periods = SQL("(VALUES %s) AS p(plan_id, user_id, company_id, start_utc, stop_utc)", SQL(", ").join(
            SQL("(%s, %s, %s, %s::timestamp, %s::timestamp)", index, plan.user_id.id, plan.company_id.id,
                plan.company_id._spm_day_bounds(plan.date_from)[0], plan.company_id._spm_day_bounds(plan.date_to)[1])
            for index, plan in enumerate(plans)))
        # visits held, phone visits counted as calls
        for plan_id, visits, calls in self.env.execute_query(SQL("""
            SELECT p.plan_id, COUNT(*) FILTER (WHERE v.visit_type != 'phone'),
                   COUNT(*) FILTER (WHERE v.visit_type = 'phone')
              FROM %s
              JOIN spm_visit v ON v.user_id = p.user_id AND v.company_id = p.company_id
                              AND v.date_start >= p.start_utc AND v.date_start < p.stop_utc
             GROUP BY p.plan_id
        """, periods)):
            result[key_of[plan_id]].update(visit_count=visits, call_count=calls)
        # opportunities moved forward by the person (the gate log of their stage moves)
        for plan_id, moved in self.env.execute_query(SQL("""
            SELECT p.plan_id, COUNT(DISTINCT g.lead_id)
              FROM %s
              JOIN spm_gate_log g ON g.user_id = p.user_id AND g.lead_id IS NOT NULL
                                 AND g.date >= p.start_utc AND g.date < p.stop_utc
             GROUP BY p.plan_id
        """, periods)):
            result[key_of[plan_id]]["moved_lead_count"] = moved
        # won and lost: the person's opportunities closed in the period
        lost_reasons = defaultdict(list)
        for plan_id, outcome, reason_id, count, amount in self.env.execute_query(SQL("""
            SELECT p.plan_id, CASE WHEN l.active THEN 'won' ELSE 'lost' END, l.lost_reason_id, COUNT(*),
                   SUM(COALESCE(l.expected_revenue, 0))
              FROM %s
              JOIN crm_lead l ON l.user_id = p.user_id AND l.company_id = p.company_id AND l.type = 'opportunity'
                             AND l.date_closed >= p.start_utc AND l.date_closed < p.stop_utc
                             AND ((l.active AND l.probability = 100) OR (NOT l.active AND l.probability = 0))
             GROUP BY 1, 2, 3
        """, periods)):
            values = result[key_of[plan_id]]
            if outcome == "won":
                values["won_count"] += count
                values["won_amount"] += float(amount or 0.0)
            else:
                values["lost_count"] += count
                lost_reasons[plan_id].append((reason_id, count))
        reasons = self.env["crm.lost.reason"].sudo().with_context(active_test=False).browse(
            {reason_id for rows in lost_reasons.values() for reason_id, _count in rows if reason_id})
        names = {reason.id: reason.name for reason in reasons}
        no_reason = self.env._("No reason given")
        for plan_id, rows in lost_reasons.items():
            result[key_of[plan_id]]["lost_reasons"] = "\n".join(
                f"{names.get(reason_id) or no_reason}: {count}"
                for reason_id, count in sorted(rows, key=lambda row: -row[1]))
        # new customers: the customers (commercial entities) whose first opportunity or first order of the
        # person was created in the period
        for plan_id, count in self.env.execute_query(SQL("""
            SELECT p.plan_id, COUNT(*)
              FROM %(periods)s
              JOIN (SELECT d.user_id, d.company_id, d.customer_id, MIN(d.created) AS first_date
                      FROM (SELECT l.user_id, l.company_id, rp.commercial_partner_id AS customer_id,
                                   l.create_date AS created
                              FROM crm_lead l JOIN res_partner rp ON rp.id = l.partner_id
                             WHERE l.user_id = ANY(%(users)s)
                            UNION ALL
                            SELECT so.user_id, so.company_id, rp.commercial_partner_id, so.create_date
                              FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
                             WHERE so.user_id = ANY(%(users)s) AND so.state != 'cancel') AS d
                     GROUP BY 1, 2, 3) AS f
                ON f.user_id = p.user_id AND f.company_id = p.company_id
               AND f.first_date >= p.start_utc AND f.first_date < p.stop_utc
             GROUP BY p.plan_id
        """, periods=periods, users=self.user_id.ids)):
            result[key_of[plan_id]]["new_customer_count"] = count
        for values in result.values():
            values["won_amount"] = round(values["won_amount"], 2)
        return result

    def action_review(self, rating=None, comment=None):
        """The team leader reviews the compiled summary with a rating (1 to 5) and a comment."""
        self._spm_lock()
        valid = {key for key, _label in RATINGS[1:]}
        for plan in self:
            if plan.summary_state != "compiled":
                raise UserError(self.env._("Only a compiled summary is reviewed."))
            if not plan._spm_can_decide(self.env.user) and not self.env.su:
                raise AccessError(self.env._("Only the sales team's leader reviews the summary of %s.",
                                             plan.user_id.name))
            if comment is not None and not isinstance(comment, str):
                raise UserError(self.env._("The comment is a text."))
            values = {"summary_state": "reviewed", "reviewer_id": self.env.uid, "date_reviewed": fields.Datetime.now()}
            if rating is not None:
                values["rating"] = str(rating)
            if comment is not None:
                values["leader_comment"] = comment
            if values.get("rating", plan.rating) not in valid:
                raise UserError(self.env._("Rate the summary (1 to 5 stars) to review it."))
            plan.sudo().write(values)
            plan.message_post(body=self.env._("Summary reviewed by %(user)s: %(rating)s", user=self.env.user.name,
                                              rating=dict(self._fields["rating"]._description_selection(self.env))[
                                                  plan.rating]))
        return True

    def _spm_open_decision(self, decision):
        self.ensure_one()
        if not self._spm_can_decide(self.env.user):
            raise AccessError(self.env._("Only the sales team's leader approves the work plan of %s; nobody "
                                         "approves their own.", self.user_id.name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return the Plan") if decision == "return" else self.env._("Review the Summary"),
            "res_model": "spm.work.plan.decision.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id, "default_decision": decision},
        }

    def action_open_return(self):
        """The leader's return: a comment, then the plan is returned (``action_return``)."""
        return self._spm_open_decision("return")

    def action_open_review(self):
        """The leader's review: a rating and a comment, then the summary is reviewed (``action_review``)."""
        return self._spm_open_decision("review")

    @api.model
    def action_spm_open_plans(self):
        """The 工作计划 menu: a leader opens on the team's plans to decide, a salesperson on their own."""
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_work_plan_action")
        manager = self.env.user.has_group(MANAGER_GROUP)
        action["context"] = {"search_default_to_decide" if manager else "search_default_my_plans": 1}
        return action

    def action_print_summary(self):
        return self.env.ref("sales_project_management.action_report_spm_work_plan").report_action(self, data={})

    # ------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------

    @api.model
    def _cron_remind_summaries(self):
        """Daily: once a plan's period is over, remind its person once to compile the summary."""
        reminder_type = self.env.ref("sales_project_management.mail_activity_type_work_plan_summary")
        now = fields.Datetime.now()
        Plan = self.sudo()
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            today = company._spm_local_date(now)
            plans = Plan.search([("company_id", "=", company.id), ("date_to", "<", today),
                                 ("summary_state", "=", "pending"), ("reminder_sent", "=", False)])
            for plan in plans:
                plan.activity_schedule(
                    activity_type_id=reminder_type.id, user_id=plan.user_id.id, date_deadline=today,
                    summary=self.env._("Compile and write the summary of %s", plan.display_name))
            plans.write({"reminder_sent": True})
        return True
