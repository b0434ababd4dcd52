from datetime import date, timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

MANAGER_GROUP = "sales_project_management.group_spm_manager"
SETTLEMENT_STATES = [("draft", "Draft"), ("confirmed", "Confirmed"), ("paid", "Paid Out"), ("cancelled", "Cancelled")]


def month_end(day):
    return date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)


class SpmCommissionSettlement(models.Model):
    """提成结算: one person's commission of one month, paid through Odoo's accounting.

    Confirming posts a vendor bill to the person (or a miscellaneous entry, commission expense against
    commission payable); the settlement is paid when that entry's payable is reconciled, as installments
    are paid when their invoices are. A negative balance is carried to the person's next settlement."""
    _name = "spm.commission.settlement"
    _description = "Commission Settlement"
    _inherit = ["spm.workflow.mixin"]
    _order = "date_from desc, user_id, id desc"
    # made by settling a month, then confirmed, paid (accounting) or cancelled with its buttons
    _spm_workflow_fields = ("company_id", "user_id", "date_from", "date_to", "line_ids", "carry_from_id",
                            "carried_amount", "move_id", "reversal_move_id", "is_confirmed", "is_cancelled",
                            "confirmed_by_id")

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company,
                                 readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Person", required=True, index=True, readonly=True)
    partner_id = fields.Many2one(related="user_id.partner_id", string="Payee")
    date_from = fields.Date("From", required=True, readonly=True)
    date_to = fields.Date("To", required=True, readonly=True)
    line_ids = fields.One2many("spm.commission.line", "settlement_id", string="Commission Lines", readonly=True)
    carry_from_id = fields.Many2one("spm.commission.settlement", string="Balance Carried From", readonly=True,
                                    index="btree_not_null", ondelete="restrict",
                                    help="The person's earlier settlement whose negative balance this one takes up.")
    carried_amount = fields.Monetary("Balance Carried", readonly=True)
    amount_lines = fields.Monetary("Commissions", compute="_compute_amount_lines", store=True)
    amount_total = fields.Monetary("Total", compute="_compute_amount_lines", store=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, copy=False, index="btree_not_null")
    reversal_move_id = fields.Many2one("account.move", string="Reversal Entry", readonly=True, copy=False)
    move_name = fields.Char(related="move_id.name", string="Entry Number", related_sudo=True)
    move_type = fields.Selection(related="move_id.move_type", string="Entry Type", related_sudo=True)
    is_confirmed = fields.Boolean(readonly=True, copy=False)
    is_cancelled = fields.Boolean(readonly=True, copy=False)
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    state = fields.Selection(SETTLEMENT_STATES, compute="_compute_state", store=True, index=True,
                             help="Paid when the payable of its journal entry is reconciled with a payment.")

    @api.depends("user_id.name", "date_from")
    def _compute_name(self):
        for settlement in self:
            month = settlement.date_from.strftime("%Y-%m") if settlement.date_from else ""
            settlement.name = f"{month} · {settlement.user_id.name or ''}"

    @api.depends("line_ids.amount", "carried_amount")
    def _compute_amount_lines(self):
        sums = dict(self.env["spm.commission.line"].sudo()._read_group(
            [("settlement_id", "in", self.ids)], ["settlement_id"], ["amount:sum"])) if self.ids else {}
        for settlement in self:
            settlement.amount_lines = sums.get(settlement._origin, 0.0)
            settlement.amount_total = settlement.amount_lines + settlement.carried_amount

    @api.depends("is_confirmed", "is_cancelled", "move_id.state", "move_id.line_ids.amount_residual")
    def _compute_state(self):
        for settlement in self:
            if settlement.is_cancelled:
                settlement.state = "cancelled"
            elif not settlement.is_confirmed:
                settlement.state = "draft"
            else:
                payable = settlement.move_id.line_ids.filtered(lambda ln: ln.account_type == "liability_payable")
                paid = settlement.move_id.state == "posted" and payable and all(
                    line.reconciled or line.company_currency_id.is_zero(line.amount_residual) for line in payable)
                settlement.state = "paid" if paid else "confirmed"

    @api.constrains("date_from", "date_to")
    def _check_month(self):
        for settlement in self:
            if settlement.date_from.day != 1 or settlement.date_to != month_end(settlement.date_from):
                raise ValidationError(self.env._("A settlement covers one calendar month."))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Settlements are made by settling a month."))
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if self.filtered(lambda s: s.state in ("confirmed", "paid")):
            raise UserError(self.env._("A confirmed settlement is cancelled, not deleted."))

    def _spm_check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a sales manager settles commissions."))

    # ------------------------------------------------------------
    # Filling
    # ------------------------------------------------------------

    @api.model
    def _spm_generate(self, company, date_from):
        """One draft settlement per person with unsettled lines up to the month's end (or a balance to
        carry), filled in a few set-based queries whatever the number of lines."""
        date_to = month_end(date_from)
        lines = self.env["spm.commission.line"]
        lines.flush_model()
        self.flush_model()
        self.env.cr.execute(SQL("""
            SELECT user_id FROM spm_commission_line
             WHERE company_id = %(company)s AND settlement_id IS NULL AND date <= %(date_to)s
             GROUP BY user_id
             UNION
            SELECT s.user_id FROM spm_commission_settlement s
             WHERE s.company_id = %(company)s AND s.state IN ('confirmed', 'paid') AND s.amount_total < 0
               AND s.date_to < %(date_from)s
               AND NOT EXISTS (SELECT 1 FROM spm_commission_settlement n
                                WHERE n.carry_from_id = s.id AND n.state != 'cancelled')
        """, company=company.id, date_from=date_from, date_to=date_to))
        user_ids = {row[0] for row in self.env.cr.fetchall()}
        existing = self.sudo().search([("company_id", "=", company.id), ("date_from", "=", date_from),
                                       ("state", "!=", "cancelled"), ("user_id", "in", list(user_ids))])
        drafts = existing.filtered(lambda s: s.state == "draft")
        new = self.sudo().create([{
            "company_id": company.id, "user_id": user_id, "date_from": date_from, "date_to": date_to,
        } for user_id in sorted(user_ids - set(existing.user_id.ids))])
        (drafts | new)._spm_fill()
        return drafts | new

    def _spm_fill(self):
        """Take the person's unsettled lines up to the month's end and their negative balance to carry (drafts
        only: a confirmed or paid settlement keeps the lines it was confirmed with)."""
        if self.filtered(lambda s: s.state != "draft"):
            raise UserError(self.env._("Only a draft settlement takes new lines."))
        if not self:
            return
        self.env["spm.commission.line"].flush_model()
        self.flush_model()
        # one UPDATE per company and month (usually one): the bounds are constants the planner can use
        for (company, date_to), settlements in self.grouped(lambda s: (s.company_id, s.date_to)).items():
            self.env.cr.execute(SQL("""
                UPDATE spm_commission_line l SET settlement_id = v.id
                  FROM (VALUES %s) AS v(id, user_id)
                 WHERE l.user_id = v.user_id AND l.company_id = %s AND l.settlement_id IS NULL AND l.date <= %s
            """, SQL(", ").join(SQL("(%s, %s)", s.id, s.user_id.id) for s in settlements), company.id, date_to))
        values = SQL(", ").join(SQL("(%s, %s, %s, %s)", s.id, s.user_id.id, s.company_id.id, s.date_to) for s in self)
        self.env.cr.execute(SQL("""
            SELECT DISTINCT ON (v.id) v.id, s.id, s.amount_total
              FROM (VALUES %s) AS v(id, user_id, company_id, date_to)
              JOIN spm_commission_settlement s ON s.user_id = v.user_id AND s.company_id = v.company_id
                   AND s.state IN ('confirmed', 'paid') AND s.amount_total < 0 AND s.id != v.id
                   AND s.date_to < v.date_to
             WHERE NOT EXISTS (SELECT 1 FROM spm_commission_settlement n
                                WHERE n.carry_from_id = s.id AND n.state != 'cancelled' AND n.id != v.id)
             ORDER BY v.id, s.date_to DESC
        """, values))
        carries = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        self.env["spm.commission.line"].invalidate_model(["settlement_id"])
        self.invalidate_recordset(["line_ids"])
        for settlement in self:
            carry_id, amount = carries.get(settlement.id, (False, 0.0))
            if settlement.carry_from_id.id != carry_id:
                settlement.write({"carry_from_id": carry_id, "carried_amount": amount})
        self.env.add_to_compute(self._fields["amount_lines"], self)
        self.env.add_to_compute(self._fields["amount_total"], self)

    def action_refresh(self):
        """Add the lines arrived since the draft was made."""
        self._spm_check_manager()
        if self.filtered(lambda s: s.state != "draft"):
            raise UserError(self.env._("Only a draft settlement takes new lines."))
        self.sudo()._spm_fill()
        return True

    @api.model
    def action_generate(self, year, month, company_id=None):
        """Public (RPC): the draft settlements of a month, one per person; opens them."""
        self._spm_check_manager()
        try:
            month_start = date(int(year), int(month), 1)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Settle a month: give its year and its month (1 to 12).")) from error
        if not isinstance(company_id, (int, type(None))) or isinstance(company_id, bool):
            raise UserError(self.env._("The company to settle is given by its id."))
        company = self.env["res.company"].browse(company_id).exists() if company_id else self.env.company
        if company not in self.env.user.company_ids:
            raise AccessError(self.env._("You do not work for this company."))
        settlements = self._spm_generate(company, month_start)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_project_management.spm_commission_settlement_action")
        action["domain"] = [("id", "in", settlements.ids)]
        return action

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def _spm_lock(self):
        self.env.cr.execute(SQL("SELECT id FROM spm_commission_settlement WHERE id = ANY(%s) FOR UPDATE NOWAIT",
                                self.ids))
        self.invalidate_recordset()

    def action_confirm(self):
        """Lock the lines and post the settlement's accounting entry (nothing to post for a balance of
        zero or less, which is carried to the next settlement)."""
        self._spm_check_manager()
        self._spm_lock()
        for settlement in self:
            if settlement.state != "draft":
                raise UserError(self.env._("The settlement %s is not a draft.", settlement.name))
            if not settlement.line_ids and not settlement.carry_from_id:
                raise UserError(self.env._("The settlement %s has no commission line.", settlement.name))
            if settlement.currency_id.compare_amounts(settlement.amount_total, 0) > 0:
                settlement.sudo().move_id = settlement.sudo()._spm_post_entry()
            settlement.sudo().write({"is_confirmed": True, "confirmed_by_id": self.env.uid})
        return True

    def _spm_post_entry(self):
        self.ensure_one()
        company = self.company_id
        expense = company.spm_commission_expense_account_id
        if not expense:
            raise UserError(self.env._("Set the commission expense account in the settings before confirming."))
        partner = self.user_id.partner_id
        label = self.env._("Commission %(month)s · %(person)s", month=self.date_from.strftime("%Y-%m"),
                           person=self.user_id.name)
        Move = self.env["account.move"].with_company(company)
        if company.spm_commission_entry_type == "bill":
            journal = company.spm_commission_journal_id.filtered(lambda j: j.type == "purchase")
            move = Move.create({
                "move_type": "in_invoice", "partner_id": partner.id, "invoice_date": self.date_to,
                "date": self.date_to, "ref": self.name, **({"journal_id": journal.id} if journal else {}),
                "invoice_line_ids": [Command.create({
                    "name": label, "account_id": expense.id, "quantity": 1, "price_unit": self.amount_total,
                    "tax_ids": [Command.clear()],
                })],
            })
        else:
            payable = company.spm_commission_payable_account_id
            journal = company.spm_commission_journal_id
            if not payable or not journal:
                raise UserError(self.env._("Set the commission payable account and journal in the settings before "
                                           "confirming."))
            move = Move.create({
                "move_type": "entry", "journal_id": journal.id, "date": self.date_to, "ref": self.name,
                "line_ids": [
                    Command.create({"name": label, "account_id": expense.id, "debit": self.amount_total,
                                    "partner_id": partner.id}),
                    Command.create({"name": label, "account_id": payable.id, "credit": self.amount_total,
                                    "partner_id": partner.id}),
                ],
            })
        move.action_post()
        return move

    def action_cancel(self):
        """Cancel a settlement: its entry is reversed and its lines go back to the next settlement."""
        self._spm_check_manager()
        self._spm_lock()
        for settlement in self:
            if settlement.state == "cancelled":
                continue
            if settlement.state == "paid":
                raise UserError(self.env._("The settlement %s is paid: unreconcile its payment before cancelling it.",
                                           settlement.name))
            if self.sudo().search_count([("carry_from_id", "=", settlement.id), ("state", "!=", "cancelled")]):
                raise UserError(self.env._("The balance of %s is carried by a later settlement: cancel that one first.",
                                           settlement.name))
            sudo = settlement.sudo()
            if sudo.move_id.state == "posted":
                day = max(fields.Date.context_today(self), sudo.move_id.date)
                values = {"date": day, "ref": self.env._("Reversal of %s", sudo.move_id.name)}
                if sudo.move_id.is_invoice():
                    values["invoice_date"] = day
                sudo.reversal_move_id = sudo.move_id._reverse_moves([values], cancel=True)
            sudo.is_cancelled = True
            sudo.flush_recordset(["state"])
            sudo.line_ids.write({"settlement_id": False})
        return True

    def action_draft(self):
        """A cancelled settlement back to draft, filled again. Only a cancelled one: a confirmed or paid
        settlement keeps the lines its entry was posted with."""
        self._spm_check_manager()
        self._spm_lock()
        others = self.filtered(lambda s: s.state != "cancelled")
        if others:
            raise UserError(self.env._("Only a cancelled settlement goes back to draft; %s is not cancelled.",
                                       others[0].name))
        self.sudo().write({"is_cancelled": False, "is_confirmed": False, "move_id": False, "reversal_move_id": False,
                           "confirmed_by_id": False, "carry_from_id": False, "carried_amount": 0.0})
        self.sudo()._spm_fill()
        return True

    def action_print(self):
        """The 提成单 PDF (``data`` empty rather than None, so that the action crosses XML-RPC)."""
        return self.env.ref("sales_project_management.action_report_spm_commission_settlement").report_action(
            self, data={})

    def action_view_move(self):
        self.ensure_one()
        return self.move_id._get_records_action(name=self.env._("Journal Entry"))
