from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date, format_datetime

STATES = [
    ("draft", "Draft"),
    ("submitted", "Under Review"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
RESULTS = [("won", "Awarded"), ("lost", "Not Awarded"), ("abandoned", "Abandoned"), ("void", "Void")]
BOND_STATES = [
    ("none", "No Bond"),
    ("to_pay", "To Pay"),
    ("paid", "Paid, Not Returned"),
    ("overdue", "Overdue"),
    ("returned", "Returned"),
]
# the terms the review decides on: fixed once submitted (a rejected bid goes back to draft to change them)
REVIEWED_FIELDS = ("lead_id", "tender_number", "partner_id", "agency_id", "user_id", "our_price", "bond_amount",
                   "bond_currency_id")
# the dates of a tender, each reminded to the bid's owner before it comes (field, reminded field)
DATE_FIELDS = (
    ("date_registration", "date_registration_reminded"),
    ("date_questions", "date_questions_reminded"),
    ("date_submission", "date_submission_reminded"),
    ("date_opening", "date_opening_reminded"),
)
MAIL_FIELDS = {"message_main_attachment_id", "activity_ids", "message_follower_ids"}
MANAGER_GROUP = "sales_project_management.group_spm_manager"
ACCOUNTANT_GROUP = "account.group_account_invoice"
# a bond payment counts once posted (in process: sent, not yet matched on a bank statement; paid: matched)
POSTED_PAYMENT_STATES = ("in_process", "paid")


class SpmBid(models.Model):
    """投标: a bid of an opportunity for a tender.

    Reviewed internally (投标评审) along the chain ``bid_review`` of the approval mechanism
    (``spm.approval.mixin``: frozen steps, locked decisions, the owner never approves). Its bond
    (投标保证金) is paid to the tendering agency and returned by it through Odoo's payments, linked to the
    bid (``account.payment.spm_bid_id``): the bond's status is derived from those payments, never typed.
    Its result (won, lost, abandoned, void), with the competitors' quotes, is recorded once the review
    approved it; it updates the opportunity's competitors but does not close the opportunity.
    """
    _name = "spm.bid"
    _description = "Tender Bid"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.approval.mixin", "spm.workflow.mixin"]
    _order = "id desc"
    _rec_names_search = ["name", "tender_number"]
    # set by the workflow only (in sudo): the review, the result and the reminders
    _spm_workflow_fields = (
        "name", "state", "grade_id", "approval_ids", "date_submitted", "date_decided",
        "result", "winning_price", "winner_partner_id", "winner_name", "quote_ids", "date_result", "result_user_id",
        *(reminded for _date, reminded in DATE_FIELDS), "bond_overdue_reminded",
    )
    _spm_parent_fields = ("lead_id",)
    _spm_activity_type = "sales_project_management.mail_activity_type_bid_review"
    _spm_decision_wizard = "spm.bid.decision.wizard"
    _spm_chain = "bid_review"

    name = fields.Char("Reference", required=True, readonly=True, copy=False, index="trigram",
                       default=lambda self: self.env._("New"))
    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, index=True, ondelete="restrict",
                              tracking=True, domain="[('type', '=', 'opportunity')]")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    team_id = fields.Many2one(related="lead_id.team_id", store=True, index=True, string="Sales Team")
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Owner", required=True, index=True, tracking=True,
                              default=lambda self: self.env.user,
                              help="The salesperson who prepares the bid, submits it for review and is reminded of "
                                   "its dates.")
    tender_number = fields.Char(tracking=True, index="btree_not_null", help="The tender's number (招标编号).")
    partner_id = fields.Many2one(
        "res.partner", string="Buyer", compute="_compute_partner_id", store=True, readonly=False, precompute=True,
        index="btree_not_null", tracking=True,
        help="Who buys through the tender (招标人); by default the opportunity's customer.")
    agency_id = fields.Many2one("res.partner", string="Tendering Agency", index="btree_not_null", tracking=True,
                                help="The agency running the tender (招标代理机构): the bond is paid to it.")
    grade_id = fields.Many2one("spm.grade", readonly=True, tracking=True,
                               help="The opportunity's grade when the bid was submitted: it decides the review chain.")
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, copy=False, index=True,
                             tracking=True)
    date_submitted = fields.Datetime("Submitted On", readonly=True, copy=False)
    date_decided = fields.Datetime("Reviewed On", readonly=True, copy=False)
    note = fields.Html("Notes")

    # the tender's dates
    date_registration = fields.Datetime("Registration Deadline", index="btree_not_null", tracking=True)
    date_questions = fields.Datetime("Questions Deadline", index="btree_not_null", tracking=True,
                                     help="Last moment to ask the buyer for clarifications.")
    date_submission = fields.Datetime("Submission Deadline", index="btree_not_null", tracking=True)
    date_opening = fields.Datetime("Bid Opening", index="btree_not_null", tracking=True)
    # the date each reminder was given for: a date that moves is reminded again
    date_registration_reminded = fields.Datetime(readonly=True, copy=False)
    date_questions_reminded = fields.Datetime(readonly=True, copy=False)
    date_submission_reminded = fields.Datetime(readonly=True, copy=False)
    date_opening_reminded = fields.Datetime(readonly=True, copy=False)

    our_price = fields.Monetary(currency_field="currency_id", tracking=True,
                                help="The price we bid (投标报价).")
    spm_attachment_ids = fields.One2many(
        "ir.attachment", "res_id", string="Documents", domain=[("res_model", "=", "spm.bid")])

    # the review (投标评审)
    approval_ids = fields.One2many("spm.bid.approval", "bid_id", string="Bid Review", copy=False)
    current_approval_id = fields.Many2one("spm.bid.approval", compute="_compute_current_approval",
                                          string="Current Step")
    can_decide = fields.Boolean(compute="_compute_current_approval", search="_search_can_decide",
                                string="To Decide by Me")

    # the result
    result = fields.Selection(RESULTS, readonly=True, copy=False, index=True, tracking=True)
    winning_price = fields.Monetary(currency_field="currency_id", readonly=True, copy=False,
                                    tracking=True)
    winner_partner_id = fields.Many2one("res.partner", string="Winning Competitor", readonly=True, copy=False)
    winner_name = fields.Char("Winner", readonly=True, copy=False,
                              help="Who won the tender: us, or the competitor whose quote won.")
    quote_ids = fields.One2many("spm.bid.quote", "bid_id", string="Competitors' Quotes", copy=False,
                                groups="sales_project_management.group_spm_user")
    date_result = fields.Datetime("Result Recorded On", readonly=True, copy=False)
    result_user_id = fields.Many2one("res.users", string="Result Recorded By", readonly=True, copy=False)

    # the bond (投标保证金), paid and returned through accounting
    bond_amount = fields.Monetary("Bid Bond", currency_field="bond_currency_id", tracking=True,
                                  help="The bond the tender requires (投标保证金).")
    bond_currency_id = fields.Many2one(
        "res.currency", compute="_compute_bond_currency_id", store=True, readonly=False)
    bond_partner_id = fields.Many2one(
        "res.partner", string="Bond Paid To", compute="_compute_bond_partner_id", store=True, index="btree_not_null",
        help="The tendering agency, else the buyer.")
    payment_ids = fields.One2many("account.payment", "spm_bid_id", string="Bond Payments",
                                  groups="account.group_account_invoice,account.group_account_readonly")
    bond_amount_paid = fields.Monetary(
        "Bond Paid", currency_field="bond_currency_id", compute="_compute_bond", store=True,
        help="The posted payments sent for the bid's bond.")
    bond_amount_returned = fields.Monetary(
        "Bond Returned", currency_field="bond_currency_id", compute="_compute_bond", store=True,
        help="The posted payments received back for the bid's bond.")
    bond_outstanding_company = fields.Monetary(
        "Bond Outstanding", currency_field="currency_id", compute="_compute_bond", store=True,
        help="The bond paid and not yet returned, in the company's currency.")
    bond_date_paid = fields.Date("Bond Paid On", compute="_compute_bond", store=True,
                                 help="The date of the first posted bond payment.")
    bond_date_returned = fields.Date("Bond Returned On", compute="_compute_bond", store=True)
    bond_due_date = fields.Date(
        "Bond Return Due", compute="_compute_bond_due_date", store=True, index="btree_not_null",
        help="The bid opening's day plus the company's delay to return a bond: a bond paid and not returned after "
             "it is overdue.")
    bond_state = fields.Selection(
        BOND_STATES, string="Bond Status", compute="_compute_bond", store=True, index=True,
        help="From the bid's posted payments: to pay (none sent), paid, overdue (not returned by its due date), "
             "returned (the money received back covers the money sent).")
    bond_overdue_reminded = fields.Date(readonly=True, copy=False,
                                        help="The due date whose overdue bond was reminded.")

    _sql_constraints = [
        ("amounts_positive", "CHECK(our_price >= 0 AND bond_amount >= 0 AND winning_price >= 0)",
         "The prices and the bond of a bid cannot be negative."),
    ]

    # ------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------

    @api.depends("lead_id")
    def _compute_partner_id(self):
        for bid in self:
            bid.partner_id = bid.lead_id.partner_id.commercial_partner_id or bid.partner_id

    @api.depends("company_id")
    def _compute_bond_currency_id(self):
        for bid in self:
            bid.bond_currency_id = bid.bond_currency_id or (bid.company_id or self.env.company).currency_id

    @api.depends("agency_id", "partner_id")
    def _compute_bond_partner_id(self):
        for bid in self:
            bid.bond_partner_id = (bid.agency_id or bid.partner_id).commercial_partner_id

    @api.depends("date_opening", "company_id.spm_bid_bond_return_days")
    def _compute_bond_due_date(self):
        for bid in self:
            company = bid.company_id or self.env.company
            bid.bond_due_date = bid.date_opening and (
                company._spm_local_date(bid.date_opening) + timedelta(days=company.spm_bid_bond_return_days))

    @api.depends("bond_amount", "bond_currency_id", "bond_due_date", "payment_ids.state", "payment_ids.amount",
                 "payment_ids.payment_type", "payment_ids.currency_id", "payment_ids.date",
                 "payment_ids.amount_company_currency_signed")
    def _compute_bond(self):
        """Paid: the posted payments sent for the bid; returned: the posted payments received for it. The bond
        is returned once the money received covers the money sent; until then it is overdue after its due date
        (as of the company's today: the daily job refreshes the bonds whose due date passed)."""
        now = fields.Datetime.now()
        for bid in self:
            currency = bid.bond_currency_id or (bid.company_id or self.env.company).currency_id
            company = bid.company_id or self.env.company
            posted = bid.payment_ids.filtered(lambda p: p.state in POSTED_PAYMENT_STATES)
            sent = posted.filtered(lambda p: p.payment_type == "outbound")
            received = posted - sent

            def total(payments, currency=currency, company=company):
                return sum(p.currency_id._convert(p.amount, currency, company, p.date) for p in payments)

            paid, returned = currency.round(total(sent)), currency.round(total(received))
            bid.bond_amount_paid, bid.bond_amount_returned = paid, returned
            bid.bond_outstanding_company = max(
                sum(abs(p.amount_company_currency_signed) for p in sent)
                - sum(abs(p.amount_company_currency_signed) for p in received), 0.0) if sent else 0.0
            bid.bond_date_paid = min(sent.mapped("date"), default=False)
            bid.bond_date_returned = max(received.mapped("date"), default=False)
            if currency.compare_amounts(paid, 0) <= 0:
                bid.bond_state = "to_pay" if currency.compare_amounts(bid.bond_amount, 0) > 0 else "none"
            elif currency.compare_amounts(returned, paid) >= 0:
                bid.bond_state = "returned"
            elif bid.bond_due_date and company._spm_local_date(now) > bid.bond_due_date:
                bid.bond_state = "overdue"
            else:
                bid.bond_state = "paid"

    @api.constrains("date_registration", "date_questions", "date_submission", "date_opening")
    def _check_dates(self):
        for bid in self:
            if bid.date_submission and any(date and date > bid.date_submission
                                           for date in (bid.date_registration, bid.date_questions)):
                raise ValidationError(self.env._(
                    "%s: the registration and questions deadlines come before the submission deadline.", bid.name))
            if bid.date_submission and bid.date_opening and bid.date_opening < bid.date_submission:
                raise ValidationError(self.env._("%s: the bids are opened after the submission deadline.", bid.name))

    @api.constrains("lead_id")
    def _check_lead(self):
        for bid in self:
            if bid.lead_id.type != "opportunity":
                raise ValidationError(self.env._("A bid belongs to an opportunity, not to a lead."))

    # ------------------------------------------------------------
    # Integrity
    # ------------------------------------------------------------

    @api.model
    def _spm_prepare_create(self, vals):
        # the reference always comes from the sequence
        vals["name"] = self.env["ir.sequence"].next_by_code("spm.bid") or self.env._("New")
        return vals

    def _spm_check_parents(self, _names):
        # bidding commits the company on the opportunity: who may work it
        self.lead_id._spm_check_work()

    def _spm_refuse(self, names):
        raise AccessError(self.env._(
            "The status, review, result and bond status of a bid change only through its workflow (submit, review, "
            "record the result) and the accounting of its bond payments."))

    def _spm_editor_refused(self, names):
        return self.env._("Only the owner (or a sales projects manager) changes the bid %s.", names)

    def _spm_locked_refused(self, names):
        return self.env._("The bid %s is submitted for review: its reviewed terms (opportunity, buyer, agency, owner, "
                          "price, bond) no longer change.", names)

    def _spm_check_owner(self):
        """Only the owner, or a manager, changes a bid (the team reads it)."""
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        others = self.filtered(lambda bid: bid.user_id != self.env.user)
        if others:
            raise AccessError(self._spm_editor_refused(", ".join(others.mapped("name"))))

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        content = set(vals) - MAIL_FIELDS
        if content and not self.env.su:
            changed = {name for name in content & set(REVIEWED_FIELDS) if self._spm_changes(name, vals[name])}
            if changed:
                self._spm_check_editor()
            else:
                self._spm_check_owner()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unsubmitted_drafts(self):
        self._spm_check_owner()
        if self.filtered(lambda bid: bid.state != "draft" or bid.approval_ids or bid.sudo().payment_ids):
            raise UserError(self.env._("Only a draft bid never submitted and without bond payments can be deleted."))

    # ------------------------------------------------------------
    # The review (投标评审)
    # ------------------------------------------------------------

    def _spm_lock_bids(self):
        """Take the bids for this transaction (a double click waits, then finds what the first one did)."""
        self.flush_recordset()
        self.env.cr.execute(SQL("SELECT id FROM spm_bid WHERE id IN %s FOR UPDATE", tuple(self.ids)))
        self.invalidate_recordset()

    def action_submit(self):
        self._spm_lock_bids()
        for bid in self:
            if bid.state != "draft":
                raise UserError(self.env._("Only a draft bid can be submitted for review: %s is not one.", bid.name))
            if bid.user_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("Only the owner of the bid %s submits it for review.", bid.name))
            missing = [label for label, value in (
                (self.env._("the buyer"), bid.partner_id),
                (self.env._("the submission deadline"), bid.date_submission),
                (self.env._("our price"), bid.currency_id.compare_amounts(bid.our_price, 0) > 0),
            ) if not value]
            if missing:
                raise UserError(self.env._("Give %(missing)s of the bid %(bid)s before submitting it for review.",
                                           missing=", ".join(missing), bid=bid.name))
            grade = bid.lead_id.spm_grade_id
            bid._spm_start_round(grade, {
                "state": "submitted",
                "grade_id": grade.id,
                "date_submitted": fields.Datetime.now(),
                "date_decided": False,
            })
        return True

    def _spm_approval_team(self):
        return self.lead_id.sudo().team_id

    def _spm_approval_subject(self):
        return self.lead_id.name

    def _spm_chain_approved(self, now):
        self.write({"state": "approved", "date_decided": now})
        self.message_post(body=self.env._("Bid review approved: the bid may be submitted to the tender."))

    def _spm_chain_refused(self, _decision, comment, now):
        self.write({"state": "rejected", "date_decided": now})
        self.activity_schedule(self._spm_activity_type, user_id=self.user_id.id,
                               summary=self.env._("Bid review rejected: revise %s or abandon it", self.name),
                               note=comment)

    def action_draft(self):
        """A rejected bid goes back to draft, to be revised and submitted again (a new round of the review)."""
        self._spm_lock_bids()
        self._spm_check_owner()
        for bid in self:
            if bid.state != "rejected":
                raise UserError(self.env._("Only a rejected bid goes back to draft: %s is not one.", bid.name))
        self.sudo().write({"state": "draft"})
        return True

    # ------------------------------------------------------------
    # The result
    # ------------------------------------------------------------

    def action_open_result(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record the Result"),
            "res_model": "spm.bid.result.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_bid_id": self.id},
        }

    def action_record_result(self, result, winning_price=0.0, quotes=None, comment=None):
        """Record the tender's result with the competitors' quotes ([{partner_id, name, price, rank, is_winner}]):
        by the owner or a manager, once the review approved the bid; a manager may correct it. The quoted
        competitors become (or update) the opportunity's competitors; the opportunity itself stays open."""
        self.ensure_one()
        if result not in dict(RESULTS):
            raise UserError(self.env._("“%s” is not a result of a bid.", result))
        self._spm_check_owner()
        self._spm_lock_bids()
        if self.state != "approved":
            raise UserError(self.env._("The result of the bid %s is recorded once its review approved it.", self.name))
        if self.result and not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
            raise UserError(self.env._("The result of the bid %s is recorded; only a sales projects manager corrects "
                                       "it.", self.name))
        quotes = [dict(quote) for quote in quotes or []]
        winners = [quote for quote in quotes if quote.get("is_winner")]
        currency = self.currency_id
        if not isinstance(winning_price, (int, float)) or isinstance(winning_price, bool) or winning_price < 0:
            raise UserError(self.env._("The winning price is a positive amount."))
        for quote in quotes:
            partner = self.env["res.partner"].browse(quote.get("partner_id") or [])
            quote["name"] = (quote.get("name") or "").strip() or partner.name
            if not quote["name"]:
                raise UserError(self.env._("Name the competitor of each quote of the bid %s.", self.name))
            if (quote.get("price") or 0) < 0:
                raise UserError(self.env._("A competitor's price cannot be negative."))
        if len(winners) > 1:
            raise UserError(self.env._("Only one competitor wins the tender of the bid %s.", self.name))
        if result == "won":
            if winners:
                raise UserError(self.env._("The bid %s won: no competitor's quote is the winning one.", self.name))
            winning_price = winning_price or self.our_price
        elif result == "lost":
            winning_price = winning_price or (winners and winners[0].get("price")) or 0.0
            if currency.compare_amounts(winning_price, 0) <= 0:
                raise UserError(self.env._("Give the winning price of the lost bid %s.", self.name))
        winner = winners[0] if winners else {}
        values = {
            "result": result,
            "winning_price": winning_price,
            "winner_partner_id": winner.get("partner_id") or False,
            "winner_name": (self.company_id.name if result == "won" else winner.get("name")) or False,
            "date_result": fields.Datetime.now(),
            "result_user_id": self.env.uid,
            "quote_ids": [Command.clear()] + [Command.create({
                "sequence": number,
                "partner_id": quote.get("partner_id") or False,
                "name": quote["name"],
                "price": quote.get("price") or 0.0,
                "rank": quote.get("rank") or 0,
                "is_winner": bool(quote.get("is_winner")),
            }) for number, quote in enumerate(quotes, 1)],
        }
        bid = self.sudo()
        bid.write(values)
        bid.quote_ids._spm_sync_lead_competitors()
        labels = dict(self._fields["result"]._description_selection(self.env))
        body = self.env._("Bid %(bid)s: %(result)s", bid=self.name, result=labels[result])
        if result in ("won", "lost"):
            body = self.env._("%(body)s (winning price %(price)s)", body=body,
                              price=format_amount(self.env, winning_price, currency))
        if comment:
            body = Markup("%s<br/>%s") % (body, comment)
        bid.message_post(body=body)
        bid.lead_id.message_post(body=body)
        return True

    # ------------------------------------------------------------
    # The bond (投标保证金)
    # ------------------------------------------------------------

    def _spm_check_bond_rights(self):
        """The owner (or a manager) asks for the bond's payments; an accountant may also record them."""
        if self.env.su or self.env.user.has_group(ACCOUNTANT_GROUP):
            return
        self.check_access("write")
        self._spm_check_owner()

    def _spm_bond_journal(self):
        journal = self.env["account.journal"].sudo().search([
            *self.env["account.journal"]._check_company_domain(self.company_id), ("type", "=", "bank"),
        ], order="sequence, id", limit=1)
        if not journal:
            raise UserError(self.env._("The company of the bid %s has no bank journal to pay its bond from.",
                                       self.name))
        return journal

    def _spm_bond_payment(self, payment_type, partner, amount):
        """A draft payment of the bond (sent or received back), for an accountant to post."""
        self.ensure_one()
        payment = self.env["account.payment"].sudo().with_company(self.company_id).create({
            "payment_type": payment_type,
            "partner_type": "supplier",
            "partner_id": partner.id,
            "amount": amount,
            "currency_id": self.bond_currency_id.id,
            "journal_id": self._spm_bond_journal().id,
            "date": fields.Date.context_today(self),
            "memo": (self.env._("Bid bond %(bid)s %(tender)s", bid=self.name, tender=self.tender_number or "")
                     if payment_type == "outbound" else
                     self.env._("Bid bond returned %(bid)s %(tender)s", bid=self.name,
                                tender=self.tender_number or "")).strip(),
            "spm_bid_id": self.id,
        })
        self.sudo().message_post(body=Markup("%s <a href='#' data-oe-model='account.payment' data-oe-id='%s'>%s</a>")
                                 % (self.env._("Draft bond payment for the accountant to post:"), payment.id,
                                    format_amount(self.env, amount, self.bond_currency_id)))
        if self.env.user.has_group(ACCOUNTANT_GROUP):
            return payment.with_env(self.env)._get_records_action(name=self.env._("Bond Payment"))
        return True

    def action_pay_bond(self):
        """Pay the bond: a draft payment sent to the agency (else the buyer), which an accountant posts."""
        self.ensure_one()
        self._spm_check_bond_rights()
        self._spm_lock_bids()
        currency = self.bond_currency_id
        if currency.compare_amounts(self.bond_amount, 0) <= 0:
            raise UserError(self.env._("The bid %s requires no bond.", self.name))
        if self.state != "approved":
            raise UserError(self.env._("The bond of the bid %s is paid once its review approved it.", self.name))
        if not self.bond_partner_id:
            raise UserError(self.env._("Give the tendering agency (or the buyer) of the bid %s to pay its bond to.",
                                       self.name))
        payments = self.sudo().payment_ids.filtered(lambda p: p.payment_type == "outbound")
        if payments.filtered(lambda p: p.state == "draft"):
            raise UserError(self.env._("The bond payment of the bid %s is already waiting for the accountant to post "
                                       "it.", self.name))
        remaining = self.bond_amount - self.bond_amount_paid
        if currency.compare_amounts(remaining, 0) <= 0:
            raise UserError(self.env._("The bond of the bid %s is paid.", self.name))
        return self._spm_bond_payment("outbound", self.bond_partner_id, remaining)

    def action_register_bond_return(self):
        """The agency returned the bond: a draft payment received from it, which an accountant posts (posting it
        reconciles it with the payment sent)."""
        self.ensure_one()
        self._spm_check_bond_rights()
        self._spm_lock_bids()
        if self.bond_state not in ("paid", "overdue"):
            raise UserError(self.env._("The bond of the bid %s is not waiting to be returned.", self.name))
        payments = self.sudo().payment_ids
        if payments.filtered(lambda p: p.payment_type == "inbound" and p.state == "draft"):
            raise UserError(self.env._("The return of the bond of the bid %s is already waiting for the accountant to "
                                       "post it.", self.name))
        sent = payments.filtered(lambda p: p.payment_type == "outbound" and p.state in POSTED_PAYMENT_STATES)
        return self._spm_bond_payment("inbound", sent[:1].partner_id or self.bond_partner_id,
                                      self.bond_amount_paid - self.bond_amount_returned)

    def _spm_reconcile_bond(self):
        """The bond's posted payments, sent and received back, are reconciled together on the partner's account (as
        an accountant matches them): once the return is posted, the agency owes nothing on the bond."""
        for bid in self:
            posted = bid.payment_ids.filtered(lambda p: p.state in POSTED_PAYMENT_STATES)
            lines = self.env["account.move.line"].union(*(payment._seek_for_lines()[1] for payment in posted))
            lines = lines.filtered(lambda line: line.account_id.reconcile and not line.reconciled
                                   and line.parent_state == "posted")
            for account_lines in lines.grouped("account_id").values():
                if account_lines.filtered(lambda line: line.balance > 0) and \
                        account_lines.filtered(lambda line: line.balance < 0):
                    account_lines.reconcile()

    def action_open_payments(self):
        self.ensure_one()
        return self.payment_ids._get_records_action(name=self.env._("Bond Payments"))

    def action_open_lead(self):
        self.ensure_one()
        return self.lead_id._get_records_action()

    # ------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------

    @api.model
    def _cron_spm_bid_reminders(self):
        """Daily: the owner of each open bid gets one activity some days (the company's setting) before each of
        its dates (registration, questions, submission, opening) — again if the date moves; then the bonds whose
        return fell due are refreshed, and the owner and the accountants are told once of each overdue bond. Only
        the bids concerned are read."""
        now = fields.Datetime.now()
        self.flush_model()
        self.env["res.company"].flush_model(["spm_bid_reminder_days"])
        [[horizon]] = self.env["res.company"].sudo()._read_group([], aggregates=["spm_bid_reminder_days:max"])
        horizon = horizon or 0
        due = SQL(" OR ").join(
            SQL("(b.%(date)s > %(now)s AND b.%(date)s <= %(horizon)s AND b.%(date)s <= %(now)s + "
                "make_interval(days => COALESCE(c.spm_bid_reminder_days, 0)) "
                "AND b.%(date)s IS DISTINCT FROM b.%(reminded)s)",
                date=SQL.identifier(date), reminded=SQL.identifier(reminded), now=now,
                horizon=now + timedelta(days=horizon))
            for date, reminded in DATE_FIELDS)
        rows = self.env.execute_query(SQL("""
            SELECT b.id FROM spm_bid b LEFT JOIN res_company c ON c.id = b.company_id
             WHERE b.result IS NULL AND b.state != 'rejected' AND (%s)
        """, due))
        activity_type = self.env.ref("sales_project_management.mail_activity_type_bid_deadline")
        for bid in self.sudo().browse([row[0] for row in rows]):
            days = bid.company_id.spm_bid_reminder_days
            for date, reminded in DATE_FIELDS:
                value = bid[date]
                if not value or value <= now or value > now + timedelta(days=days) or value == bid[reminded]:
                    continue
                owner = bid.user_id
                env = bid.with_context(lang=owner.lang).env  # in the owner's language
                bid.activity_schedule(
                    activity_type_id=activity_type.id, user_id=owner.id,
                    date_deadline=(bid.company_id or self.env.company)._spm_local_date(value),
                    summary=env._("%(date)s of %(bid)s: %(when)s", date=bid._fields[date]._description_string(env),
                                  bid=bid.name, when=format_datetime(env, value, tz=owner.tz)))
                bid[reminded] = value
        self._spm_remind_overdue_bonds()
        return True

    @api.model
    def _spm_remind_overdue_bonds(self):
        today = fields.Date.context_today(self)
        # the bonds whose due date passed since their status was computed (paid becomes overdue with time alone)
        stale = self.sudo().search([("bond_state", "=", "paid"), ("bond_due_date", "<=", today)])
        if stale:
            self.env.add_to_compute(self._fields["bond_state"], stale)
            stale.flush_recordset(["bond_state"])
        self.flush_model(["bond_state", "bond_due_date", "bond_overdue_reminded"])
        rows = self.env.execute_query(SQL("""
            SELECT id FROM spm_bid
             WHERE bond_state = 'overdue' AND bond_overdue_reminded IS DISTINCT FROM bond_due_date
        """))
        if not rows:
            return
        activity_type = self.env.ref("sales_project_management.mail_activity_type_bid_bond")
        accountants = self.env.ref(ACCOUNTANT_GROUP).sudo().users.filtered(lambda u: u.active and not u.share)
        for bid in self.sudo().browse([row[0] for row in rows]):
            company = bid.company_id
            users = bid.user_id | accountants.filtered(lambda u, c=company: not c or c in u.company_ids)
            for user in users:
                env = bid.with_context(lang=user.lang).env  # in the user's language
                bid.activity_schedule(
                    activity_type_id=activity_type.id, user_id=user.id, date_deadline=today,
                    summary=env._("Bid bond of %(bid)s overdue since %(date)s: %(amount)s not returned by %(agency)s",
                                  bid=bid.name, date=format_date(env, bid.bond_due_date),
                                  amount=format_amount(env, bid.bond_amount_paid - bid.bond_amount_returned,
                                                       bid.bond_currency_id),
                                  agency=bid.bond_partner_id.name))
            bid.bond_overdue_reminded = bid.bond_due_date
