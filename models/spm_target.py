from collections import defaultdict
from datetime import date, timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, format_amount

from .spm_money import money_sql

BASES = ("signed", "invoiced", "collected")
BASIS_SELECTION = [("signed", "Signed"), ("invoiced", "Invoiced"), ("collected", "Collected")]
TARGET_STATES = [("draft", "Draft"), ("confirmed", "Confirmed")]
MANAGER_GROUP = "sales_project_management.group_spm_manager"
# what a confirmed target keeps: everything but the chatter
TARGET_LOCKED_FIELDS = {"year", "company_id", "team_id", "user_id", "target_signed", "target_invoiced",
                        "target_collected", "line_ids"}


# the documents of each basis: (FROM ... WHERE, salesperson, team, day, amount); ``%(tz)s``, ``%(date_from)s``,
# ``%(date_to)s``, ``%(start_utc)s`` and ``%(stop_utc)s`` are the company's time zone and bounds
BASIS_SOURCES = {
    # confirmed sale orders by order date in the company's time zone, at the order's rate (as the Sales Analysis)
    "signed": ("""
        sale_order so
        WHERE so.company_id = %(company)s AND so.state = 'sale'
          AND so.date_order >= %(start_utc)s AND so.date_order < %(stop_utc)s
    """, "so.user_id", "so.team_id", "(so.date_order AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s",
        "so.amount_total / CASE COALESCE(so.currency_rate, 0) WHEN 0 THEN 1.0 ELSE so.currency_rate END"),
    # posted customer invoices and credit notes by invoice date, their signed total (as the invoice list)
    "invoiced": ("""
        account_move m
        WHERE m.company_id = %(company)s AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
          AND m.invoice_date >= %(date_from)s AND m.invoice_date <= %(date_to)s
    """, "m.invoice_user_id", "m.team_id", "m.invoice_date", "m.amount_total_signed"),
    # money received on customer invoices (given back on credit notes) by payment date, in company currency:
    # the 回款 receipts' one definition (``money_sql``), whatever the invoices belong to
    "collected": ("""
        (%(money)s) mq
        WHERE mq.company_id = %(company)s AND mq.date >= %(date_from)s AND mq.date <= %(date_to)s
    """, "mq.user_id", "mq.team_id", "mq.date", "mq.amount_company"),
}


def _facts_sql(basis, granularity, bounds):
    """The documents of one basis of one company, summed per salesperson (``dim`` = 'user') and/or
    per team ('team') and per unit (day or month)."""
    source, user, team, day, amount = BASIS_SOURCES[basis]
    params = {
        "company": bounds["company_id"], "tz": bounds["tz"], "date_from": bounds["date_from"],
        "date_to": bounds["date_to"], "start_utc": bounds["start_utc"], "stop_utc": bounds["stop_utc"],
        "money": money_sql(SQL("doc.company_id = %s", bounds["company_id"])),
    }
    users, teams = bounds["user_ids"], bounds["team_ids"]
    # only the documents of the salespeople and teams measured (an index can serve a few of them)
    whose = " OR ".join(condition for condition, ids in ((f"{user} = ANY(%(users)s)", users),
                                                         (f"{team} = ANY(%(teams)s)", teams)) if ids)
    documents = SQL(f"""
        SELECT {user} AS user_id, {team} AS team_id, date_trunc(%(unit)s, {day})::date AS unit,
               {amount} AS amount
          FROM {source} AND ({whose})
    """, unit=granularity, users=users, teams=teams, **params)
    if users and teams:
        return SQL("""
            SELECT %(basis)s AS basis, %(company)s AS company_id,
                   CASE WHEN GROUPING(d.user_id) = 0 THEN 'user' ELSE 'team' END AS dim,
                   CASE WHEN GROUPING(d.user_id) = 0 THEN d.user_id ELSE d.team_id END AS dim_id,
                   d.unit, SUM(d.amount) AS amount
              FROM (%(documents)s) AS d
             GROUP BY GROUPING SETS ((d.user_id, d.unit), (d.team_id, d.unit))
        """, basis=basis, company=bounds["company_id"], documents=documents)
    column = SQL.identifier("d", "user_id" if users else "team_id")
    return SQL("""
        SELECT %(basis)s AS basis, %(company)s AS company_id, %(dim)s AS dim, %(column)s AS dim_id, d.unit,
               SUM(d.amount) AS amount
          FROM (%(documents)s) AS d
         GROUP BY %(column)s, d.unit
    """, basis=basis, company=bounds["company_id"], dim="user" if users else "team", column=column,
               documents=documents)


def achievement_sql(units, companies, granularity="month", bases=BASES):
    """The achievement of every key of ``units``, as rows (key, basis, amount).

    :param SQL units: a query of rows (key, company_id, dim, dim_id, unit): the days or months a key
        covers, for a salesperson (dim 'user', dim_id their user id: their documents whatever the
        team) or a team (dim 'team': the team's documents)
    :param companies: for each company of the units, a dict of its ``company_id``, ``tz``,
        ``date_from``/``date_to`` (local dates) and ``start_utc``/``stop_utc`` (their UTC bounds),
        ``user_ids`` and ``team_ids`` (the salespeople and teams of the units)
    :param granularity: ``month`` when every unit is the first day of a month, else ``day``

    The documents are summed first (one grouped scan per basis and company), then joined to the
    units on equal keys, so that the cost hardly grows with the number of keys.
    """
    assert granularity in ("day", "month")
    facts = SQL(" UNION ALL ").join(_facts_sql(basis, granularity, bounds) for bounds in companies for basis in bases)
    return SQL("""
        SELECT u.key, f.basis, SUM(f.amount) AS amount
          FROM (%(units)s) AS u(key, company_id, dim, dim_id, unit)
          JOIN (%(facts)s) AS f ON f.company_id = u.company_id AND f.dim = u.dim AND f.dim_id = u.dim_id
                                AND f.unit = u.unit
         GROUP BY 1, 2
    """, units=units, facts=facts)


def achievement_bounds(env, rows):
    """The ``companies`` argument of :func:`achievement_sql` from rows (company_id, date_from, date_to,
    user_ids, team_ids) of each company."""
    result = []
    for company_id, date_from, date_to, user_ids, team_ids in rows:
        company = env["res.company"].browse(company_id).sudo()
        result.append({
            "company_id": company_id, "tz": company._spm_tz().zone, "date_from": date_from, "date_to": date_to,
            "start_utc": company._spm_day_bounds(date_from)[0], "stop_utc": company._spm_day_bounds(date_to)[1],
            "user_ids": sorted({uid for uid in user_ids or () if uid}),
            "team_ids": sorted({tid for tid in team_ids or () if tid}),
        })
    return result


def month_bounds(year, month):
    start = date(year, month, 1)
    stop = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return start, stop


def _whole_months(date_from, date_to):
    return date_from.day == 1 and (date_to + timedelta(days=1)).day == 1


def _units(date_from, date_to, granularity):
    """The first days of the months (or the days) from ``date_from`` to ``date_to``."""
    unit = date_from
    while unit <= date_to:
        yield unit
        unit = unit + timedelta(days=1) if granularity == "day" else date(unit.year + unit.month // 12,
                                                                           unit.month % 12 + 1, 1)


def split_amount(amount, weights, currency):
    """``amount`` split by ``weights``, rounded to the currency; the last part takes the rounding."""
    total = sum(weights)
    parts = [currency.round(amount * weight / total) for weight in weights[:-1]]
    return [*parts, currency.round(amount - sum(parts))]


class SpmTarget(models.Model):
    """销售目标: the annual targets (signed, invoiced, collected) of a sales team or a person,
    split into months; achievement comes from Odoo's orders, invoices and payments."""
    _name = "spm.target"
    _description = "Sales Target"
    _inherit = ["mail.thread", "spm.workflow.mixin"]
    _order = "year desc, company_id, team_id, user_id, id"
    # confirmed and reopened with its buttons
    _spm_workflow_fields = ("state",)

    name = fields.Char(compute="_compute_name", store=True)
    year = fields.Integer(required=True, tracking=True, default=lambda self: fields.Date.context_today(self).year)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    target_type = fields.Selection([("team", "Team"), ("person", "Person")], string="Target Of",
                                   compute="_compute_target_type", store=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, tracking=True,
                              help="The team of a team target; for a person, the team whose target they share.")
    user_id = fields.Many2one("res.users", string="Salesperson", index=True, tracking=True,
                              help="Set for the target of a person.")
    state = fields.Selection(TARGET_STATES, default="draft", required=True, readonly=True, index=True,
                             tracking=True)
    target_signed = fields.Monetary("Signed Target", tracking=True,
                                    help="Annual amount of confirmed sale orders, taxes included (签约额).")
    target_invoiced = fields.Monetary("Invoiced Target", tracking=True,
                                      help="Annual amount invoiced net of credit notes, taxes included (开票额).")
    target_collected = fields.Monetary("Collected Target", tracking=True,
                                       help="Annual amount of money received on invoices (回款额).")
    line_ids = fields.One2many("spm.target.line", "target_id", string="Months", copy=True)

    achieved_signed = fields.Monetary("Signed", compute="_compute_achieved")
    achieved_invoiced = fields.Monetary("Invoiced", compute="_compute_achieved")
    achieved_collected = fields.Monetary("Collected", compute="_compute_achieved")
    achievement_signed = fields.Float("Signed (%)", compute="_compute_achieved", digits=(16, 1))
    achievement_invoiced = fields.Float("Invoiced (%)", compute="_compute_achieved", digits=(16, 1))
    achievement_collected = fields.Float("Collected (%)", compute="_compute_achieved", digits=(16, 1))
    quarter_summary = fields.Html("Quarters", compute="_compute_achieved", sanitize=False)

    team_target_id = fields.Many2one("spm.target", compute="_compute_allocation")
    member_target_ids = fields.Many2many("spm.target", string="Members' Targets", compute="_compute_allocation")
    allocated_signed = fields.Monetary("Signed Allocated", compute="_compute_allocation")
    allocated_invoiced = fields.Monetary("Invoiced Allocated", compute="_compute_allocation")
    allocated_collected = fields.Monetary("Collected Allocated", compute="_compute_allocation")
    allocation_warning = fields.Char(compute="_compute_allocation")
    owner_key = fields.Char(compute="_compute_owner_key", store=True,
                            help="Whose target it is: one per person, and one per team, each year.")

    _sql_constraints = [
        ("owner_year_unique", "UNIQUE(company_id, year, owner_key)",
         "A salesperson, and a sales team, have one target per year."),
    ]

    @api.depends("year", "team_id.name", "user_id.name")
    def _compute_name(self):
        for target in self:
            target.name = f"{target.year} · {target.user_id.name or target.team_id.name or ''}"

    @api.depends("user_id")
    def _compute_target_type(self):
        for target in self:
            target.target_type = "person" if target.user_id else "team"

    @api.constrains("year", "team_id", "user_id", "company_id", "target_signed", "target_invoiced",
                    "target_collected")
    def _check_target(self):
        for target in self:
            if not 2000 <= target.year <= 2100:
                raise ValidationError(self.env._("%s is not a year of targets.", target.year))
            if not target.user_id and not target.team_id:
                raise ValidationError(self.env._("A target belongs to a sales team or to a salesperson."))
            if any(target[f"target_{basis}"] < 0 for basis in BASES):
                raise ValidationError(self.env._("Targets cannot be negative."))
            if target.team_id.company_id and target.team_id.company_id != target.company_id:
                raise ValidationError(self.env._("The sales team %s belongs to another company.", target.team_id.name))
            if target.user_id and target.company_id not in target.user_id.company_ids:
                raise ValidationError(self.env._("%s does not work for this company.", target.user_id.name))

    @api.depends("user_id", "team_id")
    def _compute_owner_key(self):
        for target in self:
            target.owner_key = f"user-{target.user_id.id}" if target.user_id else f"team-{target.team_id.id}"

    # ------------------------------------------------------------
    # Achievement
    # ------------------------------------------------------------

    @api.model
    def _spm_achieved(self, scopes, bases=BASES):
        """Amounts achieved in company currency, in one query whatever the number of scopes.

        The one place that measures achievement (target lines, targets, the analysis, the team
        dashboard, the daily report; commissions reuse it for achievement to date).

        :param scopes: iterable of (key, company_id, user_id or False, team_id or False, date_from,
            date_to): a person's scope counts their documents whatever the team, a team's the team's
        :returns: {key: {basis: amount}}
        """
        scopes = [scope for scope in scopes if scope[1] and (scope[2] or scope[3])]
        if not scopes:
            return {}
        for model in ("sale.order", "account.move", "account.move.line", "account.partial.reconcile", "res.company",
                      "resource.calendar"):
            self.env[model].flush_model()
        self.env["spm.collection.receipt"]._spm_flush()
        granularity = "month" if all(_whole_months(scope[4], scope[5]) for scope in scopes) else "day"
        units, per_company = [], defaultdict(lambda: [None, None, set(), set()])
        for key, company_id, user_id, team_id, date_from, date_to in scopes:
            bounds = per_company[company_id]
            bounds[0] = min(bounds[0] or date_from, date_from)
            bounds[1] = max(bounds[1] or date_to, date_to)
            (bounds[2] if user_id else bounds[3]).add(user_id or team_id)
            dim = ("user", user_id) if user_id else ("team", team_id)
            units.extend((key, company_id, *dim, unit) for unit in _units(date_from, date_to, granularity))
        companies = achievement_bounds(self.env, [(company_id, *bounds) for company_id, bounds in per_company.items()])
        values = SQL("SELECT * FROM (VALUES %s) AS v", SQL(", ").join(
            SQL("(%s, %s, %s, %s, %s::date)", *unit) for unit in units))
        currencies = {company.id: company.currency_id for company in self.env["res.company"].browse(per_company).sudo()}
        companies_of = {scope[0]: scope[1] for scope in scopes}
        result = defaultdict(dict)
        for key, basis, amount in self.env.execute_query(achievement_sql(values, companies, granularity, bases)):
            result[key][basis] = currencies[companies_of[key]].round(float(amount or 0.0))
        return result

    @api.model
    def _spm_basis_labels(self):
        """{basis: its name in the user's language}"""
        return dict(self.env["spm.target.analysis"]._fields["basis"]._description_selection(self.env))

    def _spm_year_bounds(self):
        self.ensure_one()
        return date(self.year, 1, 1), date(self.year, 12, 31)

    @api.depends("year", "company_id", "team_id", "user_id", "target_signed", "target_invoiced", "target_collected",
                 "line_ids.target_signed", "line_ids.target_invoiced", "line_ids.target_collected")
    @api.depends_context("lang")
    def _compute_achieved(self):
        """The year and its quarters (months rolled up), in one query for the whole batch."""
        scopes = []
        for index, target in enumerate(self):
            if not (target.year and target.company_id):
                continue
            for quarter in range(5):  # 0: the year, 1-4: the quarters
                if quarter:
                    date_from, date_to = month_bounds(target.year, 3 * quarter - 2)[0], \
                        month_bounds(target.year, 3 * quarter)[1]
                else:
                    date_from, date_to = target._spm_year_bounds()
                scopes.append((index * 5 + quarter, target.company_id.id, target.user_id.id,
                               False if target.user_id else target.team_id.id, date_from, date_to))
        achieved = self._spm_achieved(scopes)
        for index, target in enumerate(self):
            year = achieved.get(index * 5, {})
            for basis in BASES:
                amount = year.get(basis, 0.0)
                target[f"achieved_{basis}"] = amount
                target[f"achievement_{basis}"] = _percent(amount, target[f"target_{basis}"])
            target.quarter_summary = target.currency_id and target._spm_quarter_table(
                [achieved.get(index * 5 + quarter, {}) for quarter in range(1, 5)])

    def _spm_quarter_table(self, quarters):
        """The months rolled up to quarters and the year: target, achieved and % per basis."""
        self.ensure_one()
        labels = self._spm_basis_labels()
        header = Markup("").join(Markup('<th class="text-end">%s</th>') % label
                                 for basis in BASES for label in (labels[basis], "%"))
        rows = []
        for quarter, amounts in enumerate([*quarters, None], 1):
            lines = self.line_ids.filtered(lambda line, q=quarter: q == 5 or (line.date_from.month - 1) // 3 + 1 == q)
            name = self.env._("Q%s", quarter) if quarter < 5 else self.env._("Year")
            cells = []
            for basis in BASES:
                target = sum(lines.mapped(f"target_{basis}"))
                done = amounts.get(basis, 0.0) if amounts is not None else self[f"achieved_{basis}"]
                cells.append(Markup('<td class="text-end">%s / %s</td><td class="text-end">%s</td>') % (
                    format_amount(self.env, done, self.currency_id), format_amount(self.env, target, self.currency_id),
                    f"{_percent(done, target):.1f}"))
            rows.append(Markup("<tr%s><th>%s</th>%s</tr>") % (
                Markup(' class="fw-bold"') if quarter == 5 else "", name, Markup("").join(cells)))
        return Markup('<table class="table table-sm o_spm_quarters"><thead><tr><th></th>%s</tr></thead>'
                      '<tbody>%s</tbody></table>') % (header, Markup("").join(rows))

    @api.depends("year", "company_id", "team_id", "user_id", "target_signed", "target_invoiced", "target_collected")
    def _compute_allocation(self):
        """A team's target against the persons' targets of the team, and each person's team target."""
        for target in self:
            target.team_target_id = target._spm_team_target()
            members = target._spm_member_targets()
            target.member_target_ids = members
            for basis in BASES:
                target[f"allocated_{basis}"] = sum(members.mapped(f"target_{basis}"))
            gaps = target._spm_allocation_gaps() if members else ""
            target.allocation_warning = self.env._(
                "The members' targets do not add up to the team's: %s", gaps) if gaps else False

    def _spm_member_targets(self):
        """The persons' targets of a team target (same year and company), read from the database."""
        self.ensure_one()
        if self.user_id or not self.team_id or not self.year:
            return self.browse()
        return self.search([("team_id", "=", self.team_id.id), ("year", "=", self.year),
                            ("company_id", "=", self.company_id.id), ("user_id", "!=", False),
                            ("id", "!=", self._origin.id)])

    def _spm_team_target(self):
        """The team target a person's target shares."""
        self.ensure_one()
        if not self.user_id or not self.team_id or not self.year:
            return self.browse()
        return self.search([("team_id", "=", self.team_id.id), ("year", "=", self.year),
                            ("company_id", "=", self.company_id.id), ("user_id", "=", False)], limit=1)

    def _spm_allocation_gaps(self):
        """The bases where the members' targets differ from the team's, as text (empty when they add up)."""
        self.ensure_one()
        labels = self._spm_basis_labels()
        members = self._spm_member_targets()
        gaps = []
        for basis in BASES:
            allocated = sum(members.mapped(f"target_{basis}"))
            if self.currency_id.compare_amounts(allocated, self[f"target_{basis}"]):
                gaps.append(self.env._("%(basis)s: members %(members)s, team %(team)s", basis=labels[basis],
                                       members=format_amount(self.env, allocated, self.currency_id),
                                       team=format_amount(self.env, self[f"target_{basis}"], self.currency_id)))
        return "; ".join(gaps)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _spm_month_values(self, year):
        return [{"date_from": start, "date_to": stop} for start, stop in (month_bounds(year, m) for m in range(1, 13))]

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._spm_check_manager()
        for vals in vals_list:
            if not vals.get("line_ids"):
                year = vals.get("year") or fields.Date.context_today(self).year
                vals["line_ids"] = [Command.create(line) for line in self._spm_month_values(year)]
        targets = super().create(vals_list)
        # a new record's x2many fields are cached empty: the members' targets are read when needed
        targets.invalidate_recordset(["member_target_ids"])
        return targets

    def _spm_refuse(self, names):
        if "state" in names:
            raise AccessError(self.env._("A target is confirmed or reopened with its buttons only."))
        return super()._spm_refuse(names)

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su and TARGET_LOCKED_FIELDS & set(vals):
            self._spm_check_editable()
        res = super().write(vals)
        if "year" in vals:
            for target in self:
                for line in target.line_ids:
                    start, stop = month_bounds(target.year, line.date_from.month)
                    line.sudo().write({"date_from": start, "date_to": stop})
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if not self.env.su and self.filtered(lambda t: t.state == "confirmed"):
            raise UserError(self.env._("A confirmed target cannot be deleted; reopen it first."))

    def _spm_check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a sales projects manager sets targets."))

    def _spm_check_editable(self):
        self._spm_check_manager()
        locked = self.filtered(lambda t: t.state == "confirmed")
        if locked:
            raise UserError(self.env._("The target %s is confirmed and locked; reopen it to change it.",
                                       ", ".join(locked.mapped("name"))))

    # ------------------------------------------------------------
    # Splitting
    # ------------------------------------------------------------

    def _spm_set_months(self, weights_by_basis):
        """Split each basis's annual target over the months by its weights (12 numbers)."""
        self.ensure_one()
        lines = self.line_ids.sorted("date_from")
        values = [{} for _line in lines]
        for basis, weights in weights_by_basis.items():
            for index, amount in enumerate(split_amount(self[f"target_{basis}"], weights, self.currency_id)):
                values[index][f"target_{basis}"] = amount
        for line, line_values in zip(lines, values, strict=True):
            line.write(line_values)

    def action_split_evenly(self):
        """Each month gets a twelfth of the annual targets (the rounding goes to December)."""
        self._spm_check_editable()
        for target in self:
            target._spm_set_months({basis: [1] * len(target.line_ids) for basis in BASES})
        return True

    def action_split_by_last_year(self):
        """Each month gets the share it had of last year's achievement, basis by basis (evenly when
        last year had nothing on a basis)."""
        self._spm_check_editable()
        scopes = []
        for target in self:
            for line in target.line_ids.sorted("date_from"):
                start, stop = month_bounds(target.year - 1, line.date_from.month)
                scopes.append((line.id, target.company_id.id, target.user_id.id,
                               False if target.user_id else target.team_id.id, start, stop))
        last_year = self._spm_achieved(scopes)
        labels = self._spm_basis_labels()
        for target in self:
            lines = target.line_ids.sorted("date_from")
            weights, even = {}, []
            for basis in BASES:
                shares = [max(last_year.get(line.id, {}).get(basis, 0.0), 0.0) for line in lines]
                if not sum(shares):
                    shares = [1] * len(lines)
                    even.append(labels[basis])
                weights[basis] = shares
            target._spm_set_months(weights)
            target.message_post(body=self.env._("Months split by the shares of %s.", target.year - 1) + (
                " " + self.env._("Split evenly for lack of last year's figures: %s.", ", ".join(even)) if even else ""))
        return True

    def action_split_among_members(self):
        """A team target split evenly among the team's members: each gets a person target (draft)
        whose months follow the team's."""
        self._spm_check_editable()
        Target = self.env["spm.target"]
        for target in self:
            if target.user_id:
                raise UserError(self.env._("Only a team target is split among the team's members."))
            members = target.team_id.member_ids.filtered(lambda u, t=target: t.company_id in u.company_ids)
            if not members:
                raise UserError(self.env._("The sales team %s has no member.", target.team_id.name))
            existing = self.search([("company_id", "=", target.company_id.id), ("year", "=", target.year),
                                    ("user_id", "in", members.ids)])
            locked = existing.filtered(lambda t: t.state == "confirmed")
            if locked:
                raise UserError(self.env._("The targets of %s are confirmed; reopen them to split again.",
                                           ", ".join(locked.user_id.mapped("name"))))
            annual = {basis: split_amount(target[f"target_{basis}"], [1] * len(members), target.currency_id)
                      for basis in BASES}
            for index, user in enumerate(members):
                person = existing.filtered(lambda t, u=user: t.user_id == u) or Target.create({
                    "year": target.year, "company_id": target.company_id.id, "user_id": user.id})
                person.write({"team_id": target.team_id.id,
                              **{f"target_{basis}": annual[basis][index] for basis in BASES}})
                months = target.line_ids.sorted("date_from")
                person._spm_set_months({
                    basis: months.mapped(f"target_{basis}") if sum(months.mapped(f"target_{basis}")) else [1] * 12
                    for basis in BASES})
        return True

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def action_confirm(self):
        """Lock the targets; the months must add up to the year, a team's members to the team (a
        person's confirmed team members must not exceed the team)."""
        self._spm_check_manager()
        labels = self._spm_basis_labels()
        for target in self:
            if target.state != "draft":
                raise UserError(self.env._("The target %s is already confirmed.", target.name))
            months = []
            for basis in BASES:
                total = sum(target.line_ids.mapped(f"target_{basis}"))
                if target.currency_id.compare_amounts(total, target[f"target_{basis}"]):
                    months.append(self.env._("%(basis)s: months %(months)s, year %(year)s",
                                             basis=labels[basis],
                                             months=format_amount(self.env, total, target.currency_id),
                                             year=format_amount(self.env, target[f"target_{basis}"],
                                                                target.currency_id)))
            if months:
                raise UserError(self.env._("The months of %(target)s do not add up to the year: %(gaps)s. Split the "
                                           "year again.", target=target.name, gaps="; ".join(months)))
            if not target.user_id and target._spm_member_targets() and target._spm_allocation_gaps():
                raise UserError(self.env._("The members' targets of %(target)s do not add up to the team's: %(gaps)s.",
                                           target=target.name, gaps=target._spm_allocation_gaps()))
            team = target._spm_team_target()
            if team:
                # two managers confirming two members at once must not both exceed the team
                self.env.cr.execute("SELECT id FROM spm_target WHERE id = %s FOR UPDATE", [team.id])
                others = team._spm_member_targets().filtered(lambda t, tg=target: t.state == "confirmed" and t != tg)
                for basis in BASES:
                    allocated = sum(others.mapped(f"target_{basis}")) + target[f"target_{basis}"]
                    if float_compare(allocated, team[f"target_{basis}"],
                                     precision_rounding=target.currency_id.rounding) > 0:
                        raise UserError(self.env._(
                            "The confirmed members' targets of %(team)s would exceed the team's %(basis)s target "
                            "(%(allocated)s > %(target)s).", team=team.name, basis=labels[basis],
                            allocated=format_amount(self.env, allocated, target.currency_id),
                            target=format_amount(self.env, team[f"target_{basis}"], target.currency_id)))
            target.sudo().write({"state": "confirmed"})
        return True

    def action_draft(self):
        """Reopen a confirmed target to change it (logged in the chatter)."""
        self._spm_check_manager()
        for target in self.filtered(lambda t: t.state == "confirmed"):
            target.sudo().write({"state": "draft"})
            target.message_post(body=self.env._("Reopened by %s.", self.env.user.name))
        return True

    def action_open_analysis(self):
        """The achievement of this target by month and basis."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_target_analysis_action")
        action["domain"] = [("target_id", "=", self.id)]
        action["context"] = {"search_default_group_basis": 1}
        return action


def _percent(done, target):
    return done / target * 100 if target else 0.0
