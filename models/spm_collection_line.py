from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare

TRIGGERS = [
    ("date", "On a date"),
    ("milestone", "Milestone reached"),
    ("acceptance", "After final acceptance"),
    ("warranty_end", "At the end of the warranty"),
]
STATES = [
    ("planned", "Planned"),
    ("to_invoice", "To Invoice"),
    ("draft_invoice", "Invoice Drafted"),
    ("invoiced", "Invoiced"),
    ("partial", "Partially Paid"),
    ("paid", "Paid"),
    ("cancelled", "Cancelled"),
]
INVOICING_GROUPS = ("account.group_account_invoice", "sales_project_management.group_spm_manager")
# an installment whose trigger happened may be invoiced up to this many days before it falls due
INVOICE_AHEAD_DAYS = 30
# what the confirmed plan is made of: changing one of them reopens the plan
PLAN_FIELDS = {"percent", "amount", "sale_order_id", "project_id", "is_cancelled", "sequence"}
# what an invoiced installment keeps: its plan share and its terms
FROZEN_FIELDS = {"percent", "amount", "sale_order_id", "project_id", "is_cancelled", "trigger", "trigger_date",
                 "milestone_id", "offset_days"}


class SpmCollectionLine(models.Model):
    """One installment of a sales project's payment collection plan (回款计划).

    Invoices are made by the sale order's own invoicing (down payments, then the final invoice
    that deducts them), or made otherwise on its order and attached to it by an accountant; what was
    invoiced is derived from the posted invoices and their credit notes, what was received is the money
    the 回款 receipts count on them (``spm.collection.receipt``: one definition of money received).
    """
    _name = "spm.collection.line"
    _description = "Payment Collection Installment"
    _inherit = ["spm.workflow.mixin"]
    _order = "project_id, sequence, id"
    # what accounting and the reminder job set: the invoices made from the installment (its own invoicing, or an
    # invoice of its order attached by an accountant) and the reminders sent
    _spm_workflow_fields = ("invoice_ids", "reminder_before_sent", "reminder_due_sent", "escalation_sent")
    _spm_parent_fields = ("project_id",)

    project_id = fields.Many2one("project.project", required=True, index=True, ondelete="cascade")
    sale_order_id = fields.Many2one("sale.order", required=True, index=True,
                                    ondelete="restrict", domain="[('state', '=', 'sale')]")
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="sale_order_id.currency_id", store=True)
    partner_id = fields.Many2one(related="sale_order_id.partner_id", string="Customer", store=True, index=True)
    user_id = fields.Many2one(related="sale_order_id.user_id", string="Salesperson", store=True, index=True)
    team_id = fields.Many2one(related="sale_order_id.team_id", string="Sales Team", store=True, index=True)
    grade_id = fields.Many2one(related="project_id.spm_grade_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("Installment", required=True, translate=True)
    percent = fields.Float(digits=(5, 2), help="Share of the order total.")
    amount = fields.Monetary(currency_field="currency_id")
    trigger = fields.Selection(TRIGGERS, required=True, default="date")
    trigger_date = fields.Date("Planned Date")
    milestone_id = fields.Many2one("project.milestone", ondelete="restrict",
                                   domain="[('project_id', '=', project_id)]")
    offset_days = fields.Integer("Days After", help="Days after the milestone or the final acceptance.")
    due_date = fields.Date(compute="_compute_due_date", store=True, index=True)
    is_cancelled = fields.Boolean("Cancelled", copy=False)

    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    invoice_ids = fields.Many2many("account.move", "spm_collection_line_account_move_rel", "line_id", "move_id",
                                   string="Invoices", copy=False, readonly=True)
    amount_invoiced = fields.Monetary(compute="_compute_collection", store=True, currency_field="currency_id")
    amount_received = fields.Monetary(compute="_compute_collection", store=True, currency_field="currency_id")
    amount_outstanding = fields.Monetary(compute="_compute_collection", store=True, currency_field="currency_id")
    last_payment_date = fields.Date(compute="_compute_collection", store=True)
    # the same figures in the company currency, converted at the invoice date (the order date before invoicing),
    # so that installments of orders in several currencies add up
    amount_company = fields.Monetary("Planned (Company Currency)", compute="_compute_collection", store=True,
                                     currency_field="company_currency_id")
    amount_invoiced_company = fields.Monetary("Invoiced (Company Currency)", compute="_compute_collection",
                                              store=True, currency_field="company_currency_id")
    amount_received_company = fields.Monetary("Received (Company Currency)", compute="_compute_collection",
                                              store=True, currency_field="company_currency_id")
    amount_outstanding_company = fields.Monetary("Outstanding (Company Currency)", compute="_compute_collection",
                                                 store=True, currency_field="company_currency_id")
    invoice_number = fields.Char(compute="_compute_invoice_number",
                                 help="The posted invoices' numbers and, with the Chinese localization, their fapiao "
                                      "numbers (发票号).")
    state = fields.Selection(STATES, compute="_compute_collection", store=True, index=True)
    reminder_before_sent = fields.Boolean(copy=False)
    reminder_due_sent = fields.Boolean(copy=False)
    escalation_sent = fields.Boolean(copy=False)

    @api.constrains("percent", "amount", "trigger", "trigger_date", "milestone_id", "offset_days")
    def _check_line(self):
        for line in self:
            if line.percent < 0 or line.percent > 100:
                raise ValidationError(self.env._("“%s”: the percent lies between 0 and 100.", line.name))
            if line.amount < 0:
                raise ValidationError(self.env._("“%s”: the amount cannot be negative.", line.name))
            if line.offset_days < 0:
                raise ValidationError(self.env._("“%s”: the days after cannot be negative.", line.name))
            if line.trigger == "date" and not line.trigger_date:
                raise ValidationError(self.env._("“%s” is due on a date: give the date.", line.name))
            if line.trigger == "milestone" and not line.milestone_id:
                raise ValidationError(self.env._("“%s” is due at a milestone: choose it.", line.name))
            if line.milestone_id and line.milestone_id.project_id != line.project_id:
                raise ValidationError(self.env._("“%s”: the milestone belongs to another project.", line.name))

    @api.constrains("sale_order_id", "project_id")
    def _check_sale_order(self):
        for line in self.sudo():
            order, project = line.sale_order_id, line.project_id
            if not (order.project_id == project or project.sale_order_id == order
                    or project in order.order_line.project_id
                    or (project.spm_lead_id and order.opportunity_id == project.spm_lead_id)):
                raise ValidationError(self.env._(
                    "“%(line)s”: the sale order %(order)s is not an order of the project %(project)s.",
                    line=line.name, order=order.name, project=project.name))

    @api.depends("trigger", "trigger_date", "offset_days", "milestone_id.deadline", "milestone_id.reached_date",
                 "project_id.spm_acceptance_date", "project_id.spm_warranty_end")
    def _compute_due_date(self):
        for line in self:
            offset = timedelta(days=line.offset_days)
            if line.trigger == "date":
                line.due_date = line.trigger_date
            elif line.trigger == "milestone":
                base = line.milestone_id.reached_date or line.milestone_id.deadline
                line.due_date = base and base + offset
            elif line.trigger == "warranty_end":
                # the retention (质保金) falls due when the warranty ends
                warranty_end = line.project_id.spm_warranty_end
                line.due_date = warranty_end and warranty_end + offset
            else:
                acceptance = line.project_id.spm_acceptance_date
                line.due_date = acceptance and acceptance + offset

    def _spm_trigger_met(self, today):
        """Due for invoicing: its event happened (milestone reached, project accepted) and it falls
        due within ``INVOICE_AHEAD_DAYS``."""
        self.ensure_one()
        if self.trigger == "milestone" and not self.milestone_id.is_reached:
            return False
        if self.trigger in ("acceptance", "warranty_end") and not self.project_id.spm_acceptance_date:
            return False
        return bool(self.due_date and self.due_date <= today + timedelta(days=INVOICE_AHEAD_DAYS))

    @api.depends("amount", "is_cancelled", "due_date", "trigger", "milestone_id.is_reached",
                 "project_id.spm_acceptance_date", "project_id.spm_warranty_end", "invoice_ids.state",
                 "invoice_ids.amount_total",
                 "invoice_ids.invoice_date", "invoice_ids.reversal_move_ids.state",
                 "invoice_ids.reversal_move_ids.amount_total",
                 "invoice_ids.line_ids.matched_credit_ids.amount",
                 "invoice_ids.line_ids.matched_credit_ids.credit_move_id.date",
                 "invoice_ids.reversal_move_ids.line_ids.matched_debit_ids.amount",
                 "sale_order_id.date_order", "company_id.currency_id")
    def _compute_collection(self):
        today = fields.Date.context_today(self)
        money = self._spm_received()
        for line in self:
            invoices = line.invoice_ids.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice")
            refunds = invoices.reversal_move_ids.filtered(lambda m: m.state == "posted")
            drafts = line.invoice_ids.filtered(lambda m: m.state == "draft" and m.move_type == "out_invoice")
            amount_received, amount_received_company, last_date = money.get(line._origin.id, (0.0, 0.0, False))
            invoiced = sum(invoices.mapped("amount_total")) - sum(refunds.mapped("amount_total"))
            currency = line.currency_id or self.env.company.currency_id
            received = currency.round(amount_received)
            line.amount_invoiced = invoiced
            line.amount_received = received
            line.amount_outstanding = (line.amount - received) if not line.is_cancelled else 0.0
            line.last_payment_date = last_date
            line._spm_set_company_amounts(invoices, today)
            line.amount_received_company = (line.company_id or self.env.company).currency_id.round(
                amount_received_company)
            if line.is_cancelled:
                line.state = "cancelled"
            elif line.amount and currency.compare_amounts(received, line.amount) >= 0:
                line.state = "paid"
            elif currency.compare_amounts(received, 0) > 0:
                line.state = "partial"
            elif currency.compare_amounts(invoiced, 0) > 0:
                line.state = "invoiced"
            elif drafts:
                line.state = "draft_invoice"
            elif line._spm_trigger_met(today):
                line.state = "to_invoice"
            else:
                line.state = "planned"

    def _spm_received(self):
        """{installment id: (received, received in company currency, last payment date)}: the 回款 receipts of
        the installments' invoices and of their credit notes, in one query."""
        lines = self._origin.filtered("id")
        documents = lines.invoice_ids | lines.invoice_ids.reversal_move_ids
        if not documents:
            return {}
        received = self.env["spm.collection.receipt"].sudo()._spm_received(
            SQL("doc.id = ANY(%s)", documents.ids), SQL("r.collection_line_id"))
        return {line_id: values for line_id, values in received.items() if line_id}

    def _spm_set_company_amounts(self, invoices, today):
        """The figures in the company currency, at the rate of the invoice date (of the order date
        while not invoiced)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        currency, company_currency = self.currency_id or company.currency_id, company.currency_id
        invoice_dates = [date for date in invoices.mapped("invoice_date") if date]
        rate_date = (min(invoice_dates) if invoice_dates
                     else (self.sale_order_id.date_order and self.sale_order_id.date_order.date()) or today)

        def convert(amount):
            return currency._convert(amount, company_currency, company, rate_date) if currency != company_currency \
                else company_currency.round(amount)

        self.amount_company = convert(self.amount) if not self.is_cancelled else 0.0
        self.amount_invoiced_company = convert(self.amount_invoiced)
        self.amount_received_company = convert(self.amount_received)
        self.amount_outstanding_company = convert(self.amount_outstanding)

    @api.depends("invoice_ids.state", "invoice_ids.name")
    def _compute_invoice_number(self):
        with_fapiao = "fapiao" in self.env["account.move"]._fields  # the Chinese localization (l10n_cn)
        for line in self:
            posted = line.invoice_ids.filtered(lambda m: m.state == "posted").sorted("id")
            line.invoice_number = ", ".join(
                f"{move.name} ({move.fapiao})" if with_fapiao and move.fapiao else move.name for move in posted
            ) or False

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.project_id._spm_reopen_collection_plan()
        return lines

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        frozen = FROZEN_FIELDS & set(vals)
        for line in self.filtered(lambda line: line._spm_active_invoices()):
            if any(line._spm_differs(name, vals[name]) for name in frozen):
                raise UserError(self.env._("The installment “%s” is invoiced: its amount and terms can no "
                                           "longer change.", line.name))
        planned = PLAN_FIELDS & set(vals)
        changed = self.filtered(lambda line: any(line._spm_differs(name, vals[name]) for name in planned))
        projects = changed.project_id
        res = super().write(vals)
        if changed:
            (projects | changed.project_id)._spm_reopen_collection_plan()
        return res

    def unlink(self):
        projects = self.project_id
        res = super().unlink()
        projects.exists()._spm_reopen_collection_plan()
        return res

    def _spm_differs(self, name, value):
        """Whether writing ``value`` would change the field ``name`` of this installment."""
        self.ensure_one()
        field = self._fields[name]
        if field.type == "many2one":
            return self[name].id != (value or False)
        if field.type in ("float", "monetary"):
            return float_compare(self[name], value or 0.0, precision_digits=2) != 0
        if field.type == "date":
            return self[name] != (fields.Date.to_date(value) or False)
        if field.type == "integer":
            return self[name] != int(value or 0)
        if field.type == "boolean":
            return self[name] != bool(value)
        return (self[name] or False) != (value or False)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        for line in self:
            if line._spm_active_invoices():
                raise UserError(self.env._("The installment “%s” has an invoice (draft or posted) and cannot be "
                                           "deleted; cancel the invoice, or the installment, instead.", line.name))

    def _spm_settled(self):
        """Nothing is left to collect: paid, cancelled, or written off (its invoices are invoiced
        and settled, the rest having been credited or written off by the accountant)."""
        self.ensure_one()
        if self.state in ("paid", "cancelled"):
            return True
        invoices = self.invoice_ids.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice")
        return self.state in ("invoiced", "partial") and bool(invoices) and all(
            invoice.currency_id.is_zero(invoice.amount_residual) for invoice in invoices)

    # ------------------------------------------------------------
    # Invoicing through the sale order
    # ------------------------------------------------------------

    def _spm_active_invoices(self):
        """Invoices of the line still standing: draft or posted, not reversed by a posted credit note."""
        self.ensure_one()
        return self.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state in ("draft", "posted")
            and not m.reversal_move_ids.filtered(lambda r: r.state == "posted"))

    def action_create_invoice(self):
        """Invoice this installment through its sale order: a down payment, or the final invoice
        (deducting the down payments) for the last installment not yet invoiced."""
        self.ensure_one()
        if not self.env.su and not any(self.env.user.has_group(g) for g in INVOICING_GROUPS):
            raise AccessError(self.env._("Only an accountant or a sales projects manager invoices installments."))
        self.env.cr.execute("SELECT id FROM spm_collection_line WHERE id = %s FOR UPDATE SKIP LOCKED", [self.id])
        if not self.env.cr.fetchall():
            raise UserError(self.env._("This installment is being invoiced right now."))
        self.invalidate_recordset()
        if self._spm_active_invoices():
            raise UserError(self.env._("The installment “%s” is already invoiced.", self.name))
        if not self.project_id.spm_collection_confirmed:
            raise UserError(self.env._("Confirm the collection plan of %s before invoicing it.", self.project_id.name))
        if self.state != "to_invoice":
            raise UserError(self.env._("The installment “%s” is not due for invoicing yet.", self.name))
        order = self.sale_order_id
        if order.state != "sale":
            raise UserError(self.env._("The sale order %s is not confirmed.", order.name))
        siblings = self.project_id.spm_collection_line_ids.filtered(
            lambda line: line.sale_order_id == order and not line.is_cancelled and line != self)
        is_last = all(line._spm_active_invoices() for line in siblings)
        # the user's right to invoice installments is checked above; the sale order's own invoicing
        # (down payment lines, invoice) then runs whatever their sales rights
        order = order.sudo().with_company(order.company_id)
        if is_last:
            invoice = order._create_invoices(final=True)
        else:
            wizard = self.env["sale.advance.payment.inv"].sudo().with_company(order.company_id).with_context(
                active_model="sale.order", active_ids=order.ids).create({
                    "advance_payment_method": "fixed",
                    "fixed_amount": self.amount,
                    "sale_order_ids": [fields.Command.set(order.ids)],
                })
            invoice = wizard._create_invoices(order)
        if not invoice:
            raise UserError(self.env._("The sale order %s has nothing left to invoice.", order.name))
        # the customer reads the installment's name in their language; it is due on the installment's date,
        # never before the invoice itself
        label = self.with_context(lang=order.partner_id.lang or self.env.lang).name
        today = fields.Date.context_today(self)
        # the installment's place in the plan of its order: two installments never share a reference
        plan = (siblings | self).sorted(lambda line: (line.sequence, line.id))
        invoice.write({"invoice_payment_term_id": False,
                       "invoice_date_due": max(self.due_date or today, today),
                       "ref": f"{self.project_id.name} · {label} ({list(plan).index(self) + 1}/{len(plan)})"})
        if not is_last:
            product_lines = invoice.invoice_line_ids.filtered(lambda aml: aml.display_type == "product")
            product_lines.name = f"{label} · {order.name}"
        self.sudo().invoice_ids = [fields.Command.link(invoice.id)]
        if order.company_id.spm_collection_post_invoice:
            invoice.action_post()
        invoice.message_post(body=self.env._("Invoice of the installment “%(line)s” of %(project)s, by %(user)s.",
                                             line=self.name, project=self.project_id.name, user=self.env.user.name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoice"),
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"default_move_type": "out_invoice"},
        }

    def action_attach_invoice(self, invoice_id):
        """Attach to this installment an invoice of its order made outside the plan (the order's own invoicing,
        a manual invoice): the accountant says which installment it settles. Public (RPC): ``invoice_id`` is the
        id of a customer invoice of the installment's sale order not attached to another installment."""
        self.ensure_one()
        if not self.env.su and not any(self.env.user.has_group(g) for g in INVOICING_GROUPS):
            raise AccessError(self.env._("Only an accountant or a sales projects manager attaches invoices to "
                                         "installments."))
        self.check_access("write")
        if not isinstance(invoice_id, int) or isinstance(invoice_id, bool):
            raise UserError(self.env._("The invoice to attach is given by its id."))
        invoice = self.env["account.move"].browse(invoice_id).exists()
        invoice.check_access("read")
        if not invoice or invoice.move_type != "out_invoice" or invoice.state == "cancel":
            raise UserError(self.env._("Only a customer invoice, draft or posted, can be attached to an installment."))
        if invoice.sudo().spm_sale_order_id != self.sale_order_id:
            raise UserError(self.env._("The invoice %(invoice)s does not bill the sale order %(order)s of the "
                                       "installment “%(line)s”.", invoice=invoice.display_name,
                                       order=self.sale_order_id.name, line=self.name))
        if invoice.sudo().spm_collection_line_ids - self:
            raise UserError(self.env._("The invoice %(invoice)s is already attached to the installment “%(line)s”.",
                                       invoice=invoice.display_name,
                                       line=invoice.sudo().spm_collection_line_ids[0].name))
        if self.is_cancelled:
            raise UserError(self.env._("The installment “%s” is cancelled.", self.name))
        self.sudo().invoice_ids = [fields.Command.link(invoice.id)]
        invoice.message_post(body=self.env._("Attached to the installment “%(line)s” of %(project)s by %(user)s.",
                                             line=self.name, project=self.project_id.name, user=self.env.user.name))
        return True

    def action_view_invoices(self):
        self.ensure_one()
        return self.invoice_ids._get_records_action(name=self.env._("Invoices"))

    def action_cancel(self):
        if self.filtered(lambda line: line._spm_active_invoices().filtered(lambda m: m.state == "posted")):
            raise UserError(self.env._("Reverse the invoice of an installment before cancelling it."))
        self.is_cancelled = True
        return True

    # ------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------

    @api.model
    def _cron_collection_reminders(self):
        """Daily: refresh date-triggered states, remind salespeople before and on the due date,
        escalate to the team leader after 30 days overdue. Each reminder is sent once."""
        today = fields.Date.context_today(self)
        days_before = int(self.env["ir.config_parameter"].sudo().get_param(
            "sales_project_management.collection_reminder_days", 7))
        planned = self.search([("state", "=", "planned"),
                               ("due_date", "<=", today + timedelta(days=INVOICE_AHEAD_DAYS))])
        self.env.add_to_compute(self._fields["state"], planned)
        planned.flush_recordset()
        open_lines = self.search([
            ("state", "not in", ("paid", "cancelled")),
            ("due_date", "<=", today + timedelta(days=days_before)),
            "|", "|", ("reminder_before_sent", "=", False), ("reminder_due_sent", "=", False),
            ("escalation_sent", "=", False),
        ])
        activity_type = "sales_project_management.mail_activity_type_collection"
        for line in open_lines:
            salesperson = line.user_id or line.project_id.user_id
            if not line.reminder_before_sent and today < line.due_date <= today + timedelta(days=days_before):
                line.project_id.activity_schedule(
                    activity_type, date_deadline=line.due_date, user_id=salesperson.id,
                    summary=self.env._("%(line)s due on %(date)s", line=line.name, date=line.due_date))
                line.reminder_before_sent = True
            if not line.reminder_due_sent and line.due_date <= today:
                line.project_id.activity_schedule(
                    activity_type, date_deadline=today, user_id=salesperson.id,
                    summary=self.env._("%(line)s is due: collect %(amount)s", line=line.name,
                                       amount=line.amount_outstanding))
                line.reminder_due_sent = True
            leader = line.team_id.user_id
            if not line.escalation_sent and leader and (today - line.due_date).days > 30:
                line.project_id.activity_schedule(
                    activity_type, date_deadline=today, user_id=leader.id,
                    summary=self.env._("Escalation: %(line)s overdue for %(days)s days",
                                       line=line.name, days=(today - line.due_date).days))
                line.escalation_sent = True
        return True
