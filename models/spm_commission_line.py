from collections import defaultdict
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .spm_commission_rule import SHARE_ROLES
from .spm_target import split_amount

LOCKED_SETTLEMENT_STATES = ("confirmed", "paid")


class SpmCommissionLine(models.Model):
    """提成明细: one person's commission on one receipt of money (or one invoice) of a project.

    Lines are made and taken back by the money itself, as the 回款 receipts count it (``money_sql``): a
    receipt on a document of a sales project (``account.partial.reconcile`` create) makes one line per team
    member and rate slice, dated by the payment; money going back makes negative clawback lines: a refund
    paid out on a credit note (dated by that payment), a receipt unreconciled (dated that day). Unreconciling
    a refund gives back what it took. A line never changes once settled."""
    _name = "spm.commission.line"
    _description = "Commission Line"
    _inherit = ["spm.workflow.mixin"]
    _order = "date desc, id desc"
    _rec_name = "description"
    # made and taken back by the money itself, never typed
    _spm_workflow_fields = ("company_id", "user_id", "role", "salesperson_id", "team_id", "project_id", "grade_id",
                            "sale_order_id", "invoice_id", "payment_id", "source", "receipt_ref", "date",
                            "receipt_amount", "base_amount", "rate", "multiplier", "share", "amount", "rule_id",
                            "is_clawback", "origin_line_id", "settlement_id")

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Person", required=True, index=True, readonly=True)
    role = fields.Selection(SHARE_ROLES, readonly=True)
    salesperson_id = fields.Many2one("res.users", index=True, readonly=True,
                                     help="The sale order's salesperson, whose achievement sets the tier.")
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, readonly=True)
    project_id = fields.Many2one("project.project", index=True, readonly=True, ondelete="restrict")
    grade_id = fields.Many2one("spm.grade", readonly=True)
    sale_order_id = fields.Many2one("sale.order", index=True, readonly=True, ondelete="restrict")
    invoice_id = fields.Many2one("account.move", index=True, readonly=True, ondelete="restrict")
    payment_id = fields.Many2one("account.payment", readonly=True, ondelete="set null")
    source = fields.Selection([("receipt", "Receipt"), ("invoice", "Invoice")], required=True, readonly=True,
                              default="receipt")
    receipt_ref = fields.Integer("Receipt", index="btree_not_null", readonly=True,
                                 help="The reconciliation (回款 receipt) that brought the money.")
    date = fields.Date(required=True, index=True, readonly=True,
                       help="The day the money came in (or went back, for a clawback).")
    receipt_amount = fields.Monetary("Money Received", readonly=True,
                                     help="The receipt (or invoice) in company currency, taxes included.")
    base_amount = fields.Monetary("Base", readonly=True, help="The part of the receipt this line pays on.")
    rate = fields.Float("Rate (%)", digits=(16, 4), readonly=True)
    multiplier = fields.Float("Grade Multiplier", digits=(16, 4), readonly=True)
    share = fields.Float("Share (%)", digits=(5, 2), readonly=True)
    amount = fields.Monetary("Commission", readonly=True)
    rule_id = fields.Many2one("spm.commission.rule", readonly=True, ondelete="restrict")
    tier_mode = fields.Selection(related="rule_id.tier_mode")
    is_clawback = fields.Boolean("Clawback", readonly=True, default=False)
    origin_line_id = fields.Many2one("spm.commission.line", string="Taken Back From", index="btree_not_null",
                                     readonly=True, ondelete="restrict")
    settlement_id = fields.Many2one("spm.commission.settlement", index=True, readonly=True, ondelete="set null")
    settlement_state = fields.Selection(related="settlement_id.state", string="Settlement Status")
    description = fields.Char(compute="_compute_description")

    @api.depends("invoice_id.name", "project_id.name", "is_clawback")
    def _compute_description(self):
        for line in self:
            label = self.env._("Clawback") if line.is_clawback else self.env._("Commission")
            line.description = f"{label} · {line.project_id.name or ''} · {line.invoice_id.name or ''}"

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if self.filtered(lambda line: line.settlement_id.state in LOCKED_SETTLEMENT_STATES):
            raise UserError(self.env._("A settled commission line never changes: money going back makes a "
                                       "clawback line instead."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_made(self):
        raise UserError(self.env._("Commission lines follow the money and cannot be deleted."))

    # ------------------------------------------------------------
    # Lines from money
    # ------------------------------------------------------------

    @api.model
    def _spm_from_receipts(self, partial_ids):
        """The lines of new receipts (ids of ``account.partial.reconcile``), read with the 回款 receipts
        query: only the money of sales projects' documents counts; money given back takes back the
        commission of the invoice's receipts, in proportion."""
        rows = self.env["spm.collection.receipt"]._spm_receipt_rows(partial_ids)
        events, seen, lines = [], set(), self.browse()
        for row in rows:
            if row["id"] in seen:
                continue
            seen.add(row["id"])
            if row["amount_company"] < 0:
                invoice = self.env["account.move"].browse(row["invoice_id"])
                lines |= self._spm_claw_back_invoices({invoice: -row["amount_company"]}, "receipt",
                                                      receipt_ref=row["id"], day=row["date"])
            else:
                events.append({**row, "source": "receipt", "receipt_ref": row["id"]})
        return lines | self._spm_make_lines(events, "collected")

    @api.model
    def _spm_from_invoices(self, invoices):
        """The lines of posted installment invoices for the rules paying on invoices."""
        events = []
        for invoice in invoices.sudo():
            if invoice.move_type != "out_invoice" or invoice.state != "posted" or not invoice.spm_project_id:
                continue
            events.append({
                "id": invoice.id, "date": invoice.invoice_date, "amount_company": invoice.amount_total_signed,
                "payment_id": False, "invoice_id": invoice.id, "project_id": invoice.spm_project_id.id,
                "user_id": invoice.invoice_user_id.id, "team_id": invoice.team_id.id,
                "company_id": invoice.company_id.id, "sale_order_id": invoice.spm_sale_order_id.id,
                "source": "invoice", "receipt_ref": False,
            })
        return self._spm_make_lines(events, "invoiced")

    @api.model
    def _spm_make_lines(self, events, base):
        if not events:
            return self.browse()
        rules = self.env["spm.commission.rule"]._spm_find({event["company_id"] for event in events}, base)
        if not rules:
            return self.browse()
        for event in events:
            event["rule"] = rules._spm_rule_for(event["company_id"], event["date"], event["user_id"],
                                                event["team_id"])
        events = [event for event in events if event["rule"]]
        if not events:
            return self.browse()
        achievement = self._spm_achievement(events, base)
        invoices = self.env["account.move"].sudo().browse({event["invoice_id"] for event in events})
        invoices.fetch(["amount_untaxed_signed", "amount_total_signed"])
        projects = self.env["project.project"].sudo().browse({event["project_id"] for event in events})
        projects.spm_member_ids.fetch(["role", "user_id"])
        companies = self.env["res.company"].sudo().browse({event["company_id"] for event in events})
        vals_list, whole = [], []
        for event in events:
            rule, currency = event["rule"], companies.browse(event["company_id"]).currency_id
            invoice = invoices.browse(event["invoice_id"])
            project = projects.browse(event["project_id"])
            amount = event["amount_company"]
            base_total = amount
            if rule.exclude_tax and invoice.amount_total_signed:
                base_total = amount * invoice.amount_untaxed_signed / invoice.amount_total_signed
            base_total = currency.round(base_total)
            before, after = achievement.get(event["id"], (0.0, 0.0))
            slices = rule._spm_slices(before, after)
            if not slices or currency.is_zero(base_total):
                continue
            bases = split_amount(base_total, [weight for _rate, weight in slices], currency)
            multiplier = rule._spm_multiplier(project.spm_grade_id)
            common = {
                "company_id": event["company_id"], "salesperson_id": event["user_id"], "team_id": event["team_id"],
                "project_id": project.id, "grade_id": project.spm_grade_id.id,
                "sale_order_id": event["sale_order_id"], "invoice_id": invoice.id,
                "payment_id": event["payment_id"], "source": event["source"], "receipt_ref": event["receipt_ref"],
                "date": event["date"], "receipt_amount": amount, "rule_id": rule.id, "multiplier": multiplier,
            }
            for share in rule.share_ids:
                persons = self._spm_persons(share.role, project, event["user_id"])
                for person in persons:
                    person_share = share.share / len(persons)
                    for (rate, _weight), slice_base in zip(slices, bases, strict=True):
                        vals_list.append({
                            **common, "user_id": person.id, "role": share.role, "share": person_share,
                            "base_amount": slice_base, "rate": rate,
                            "amount": currency.round(slice_base * rate / 100 * multiplier * person_share / 100),
                        })
            if rule.rate_mode == "tiered" and rule.tier_mode == "whole":
                whole.append((rule, event, slices[0][0]))
        lines = self.sudo().create(vals_list)
        for rule, event, rate in whole:
            lines._spm_rerate_month(rule, event["user_id"], event["date"], rate)
        return lines

    @api.model
    def _spm_persons(self, role, project, salesperson_id):
        """The users holding a role share on a project's money."""
        if role == "salesperson":
            return self.env["res.users"].browse(salesperson_id) if salesperson_id else self.env["res.users"]
        if role == "channel":
            # the channel manager: the salesperson of the channel partner who brought the project
            return project.spm_lead_id.spm_channel_partner_id.user_id.filtered("active")
        users = project.spm_member_ids.filtered(lambda m: m.role == role and m.user_id).user_id
        if not users and role == "manager":
            users = project.user_id
        return users

    @api.model
    def _spm_achievement(self, events, base):
        """{event id: (before, after)}: the salesperson's achievement of their target of the year to date
        (in %), before and after each event of a tiered rule, from ``spm.target._spm_achieved``."""
        tiered = [event for event in events if event["rule"].rate_mode == "tiered" and event["user_id"]]
        if not tiered:
            return {}
        scopes = [(event["id"], event["company_id"], event["user_id"], False, date(event["date"].year, 1, 1),
                   event["date"]) for event in tiered]
        achieved = self.env["spm.target"].sudo()._spm_achieved(scopes, bases=(base,))
        lines = self.env["spm.target.line"].sudo().search_read([
            ("user_id", "in", list({event["user_id"] for event in tiered})), ("state", "=", "confirmed"),
            ("year", "in", list({event["date"].year for event in tiered})),
            ("company_id", "in", list({event["company_id"] for event in tiered})),
        ], ["user_id", "company_id", "date_from", f"target_{base}"], load=False)
        # the events of one salesperson and day counted by the query but coming after the event
        later_same_day = defaultdict(float)
        result = {}
        for event in sorted(tiered, key=lambda e: (e["date"], e["id"]), reverse=True):
            key = (event["user_id"], event["company_id"], event["date"])
            target = sum(line[f"target_{base}"] for line in lines
                         if line["user_id"] == event["user_id"] and line["company_id"] == event["company_id"]
                         and line["date_from"].year == event["date"].year and line["date_from"] <= event["date"])
            done = achieved.get(event["id"], {}).get(base, 0.0) - later_same_day[key]
            later_same_day[key] += event["amount_company"]
            if target <= 0:
                result[event["id"]] = (0.0, 0.0)
                continue
            result[event["id"]] = ((done - event["amount_company"]) * 100 / target, done * 100 / target)
        return result

    def _spm_rerate_month(self, rule, salesperson_id, day, rate):
        """Whole-base tiers: the month's unsettled lines of the rule on the salesperson's orders are paid
        at the rate of the tier now reached (one UPDATE, whatever their number)."""
        month_start = day.replace(day=1)
        month_end = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        digits = rule.company_id.currency_id.decimal_places
        self.env["spm.commission.line"].flush_model()
        self.env.cr.execute(SQL("""
            UPDATE spm_commission_line
               SET rate = %(rate)s,
                   amount = ROUND((base_amount * %(rate)s / 100 * multiplier * share / 100)::numeric, %(digits)s)
             WHERE rule_id = %(rule)s AND salesperson_id = %(user)s AND date >= %(start)s AND date < %(end)s
               AND settlement_id IS NULL AND is_clawback IS NOT TRUE AND rate < %(rate)s
        """, rate=rate, digits=digits, rule=rule.id, user=salesperson_id, start=month_start, end=month_end))
        self.env["spm.commission.line"].invalidate_model(["rate", "amount"])

    # ------------------------------------------------------------
    # Clawbacks
    # ------------------------------------------------------------

    @api.model
    def _spm_claw_back_receipts(self, partial_ids):
        """These reconciliations were undone: the money of a receipt went back, take back what its lines still
        pay; a refund paid out is no longer, give back what it took."""
        if not partial_ids:
            return self.browse()
        lines = self.sudo().search([("receipt_ref", "in", list(partial_ids))])
        originals = lines.filtered(lambda line: not line.is_clawback)
        refunds = lines.filtered(lambda line: line.is_clawback and line.origin_line_id
                                 and line.receipt_ref != line.origin_line_id.receipt_ref)
        return originals._spm_claw_back(1.0) | refunds._spm_give_back()

    def _spm_give_back(self):
        """Cancel these clawbacks: lines of the opposite amounts, taken from the same original lines."""
        today = fields.Date.context_today(self)
        return self.sudo().create([{
            **{name: line[name].id if line._fields[name].type == "many2one" else line[name] for name in (
                "company_id", "user_id", "role", "salesperson_id", "team_id", "project_id", "grade_id",
                "sale_order_id", "invoice_id", "payment_id", "source", "receipt_ref", "rate", "multiplier", "share",
                "rule_id", "origin_line_id")},
            "date": today, "receipt_amount": -line.receipt_amount, "base_amount": -line.base_amount,
            "amount": -line.amount, "is_clawback": True,
        } for line in self])

    @api.model
    def _spm_claw_back_invoices(self, amounts, source, receipt_ref=None, day=None):
        """Money or invoicing given back: ``amounts`` {invoice: amount taken back, company currency taxes
        included} is taken back from the invoice's lines of ``source`` in proportion of what they still pay
        (the clawback lines dated ``day``, referring to the reconciliation ``receipt_ref`` that gave it back)."""
        amounts = {invoice: amount for invoice, amount in amounts.items() if amount > 0}
        if not amounts:
            return self.browse()
        originals = self.sudo().search([("invoice_id", "in", [invoice.id for invoice in amounts]),
                                        ("source", "=", source), ("is_clawback", "=", False)])
        clawbacks = self.browse()
        for invoice, amount in amounts.items():
            lines = originals.filtered(lambda line, inv=invoice: line.invoice_id == inv)
            remaining = lines._spm_remaining()
            standing = 0.0
            for ref in {line.receipt_ref or line.invoice_id.id for line in lines}:
                first = lines.filtered(lambda line, r=ref: (line.receipt_ref or line.invoice_id.id) == r)[0]
                if first.base_amount:
                    standing += first.receipt_amount * remaining[first][0] / first.base_amount
            if standing > 0 and amount > 0:
                clawbacks |= lines._spm_claw_back(min(1.0, amount / standing), remaining, receipt_ref=receipt_ref,
                                                  day=day)
        return clawbacks

    def _spm_remaining(self):
        """{line: (base, amount)} that the lines still pay, net of their clawbacks."""
        taken = defaultdict(lambda: [0.0, 0.0])
        clawbacks = self.sudo().search([("origin_line_id", "in", self.ids)]) if self else self.browse()
        for clawback in clawbacks:
            taken[clawback.origin_line_id.id][0] += clawback.base_amount
            taken[clawback.origin_line_id.id][1] += clawback.amount
        return {line: (line.base_amount + taken[line.id][0], line.amount + taken[line.id][1]) for line in self}

    def _spm_claw_back(self, fraction, remaining=None, receipt_ref=None, day=None):
        remaining = remaining or self._spm_remaining()
        today = day or fields.Date.context_today(self)
        vals_list = []
        for line in self.sorted("id"):
            base, amount = remaining[line]
            currency = line.currency_id
            if currency.is_zero(amount) and currency.is_zero(base):
                continue
            vals_list.append({
                "company_id": line.company_id.id, "user_id": line.user_id.id, "role": line.role,
                "salesperson_id": line.salesperson_id.id, "team_id": line.team_id.id,
                "project_id": line.project_id.id, "grade_id": line.grade_id.id,
                "sale_order_id": line.sale_order_id.id, "invoice_id": line.invoice_id.id,
                "payment_id": line.payment_id.id, "source": line.source,
                "receipt_ref": receipt_ref or line.receipt_ref,
                "date": today, "receipt_amount": -currency.round(line.receipt_amount * fraction),
                "base_amount": -currency.round(base * fraction), "rate": line.rate, "multiplier": line.multiplier,
                "share": line.share, "amount": -currency.round(amount * fraction), "rule_id": line.rule_id.id,
                "is_clawback": True, "origin_line_id": line.id,
            })
        return self.sudo().create(vals_list)
