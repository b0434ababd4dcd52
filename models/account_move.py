from odoo import api, fields, models
from odoo.tools import SQL, sql

from .sale_order import ORDER_PROJECT_SQL

CUSTOMER_DOCUMENTS = ("out_invoice", "out_refund")


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "spm.workflow.mixin"]
    # the installments an invoice settles: linked by invoicing the installment, or by an accountant attaching an
    # invoice of its order to it (``spm.collection.line.action_attach_invoice``)
    _spm_workflow_fields = ("spm_collection_line_ids",)

    spm_collection_line_ids = fields.Many2many(
        "spm.collection.line", "spm_collection_line_account_move_rel", "move_id", "line_id",
        string="Collection Installments", copy=False, readonly=True)
    spm_sale_order_id = fields.Many2one(
        "sale.order", string="Sales Project Order", compute="_compute_spm_project_id", store=True, recursive=True,
        index="btree_not_null", help="The sale order a customer invoice or credit note of a sales project bills.")
    spm_project_id = fields.Many2one(
        "project.project", string="Sales Project", compute="_compute_spm_project_id", store=True, recursive=True,
        index="btree_not_null",
        help="The sales project whose money this customer invoice or credit note is, whatever made it: an installment "
             "of its collection plan, or its sale order's own invoicing.")

    def _auto_init(self):
        """On an existing database the columns are filled in SQL, not record by record."""
        cr = self.env.cr
        if not sql.column_exists(cr, self._table, "spm_project_id"):
            sql.create_column(cr, self._table, "spm_project_id", "int4")
            sql.create_column(cr, self._table, "spm_sale_order_id", "int4")
            if sql.table_exists(cr, "spm_collection_line") and sql.column_exists(cr, "crm_lead", "spm_project_id"):
                cr.execute(SQL("""
                    UPDATE account_move m
                       SET spm_sale_order_id = COALESCE(
                               (SELECT MIN(l.sale_order_id) FROM spm_collection_line_account_move_rel rel
                                  JOIN spm_collection_line l ON l.id = rel.line_id
                                 WHERE rel.move_id IN (m.id, m.reversed_entry_id)),
                               (SELECT MIN(sol.order_id) FROM account_move_line aml
                                  JOIN sale_order_line_invoice_rel r ON r.invoice_line_id = aml.id
                                  JOIN sale_order_line sol ON sol.id = r.order_line_id
                                 WHERE aml.move_id IN (m.id, m.reversed_entry_id))),
                           spm_project_id = COALESCE(
                               (SELECT MIN(l.project_id) FROM spm_collection_line_account_move_rel rel
                                  JOIN spm_collection_line l ON l.id = rel.line_id
                                 WHERE rel.move_id IN (m.id, m.reversed_entry_id)),
                               (SELECT %s FROM sale_order so
                                 WHERE so.id = (SELECT MIN(sol.order_id) FROM account_move_line aml
                                                  JOIN sale_order_line_invoice_rel r ON r.invoice_line_id = aml.id
                                                  JOIN sale_order_line sol ON sol.id = r.order_line_id
                                                 WHERE aml.move_id IN (m.id, m.reversed_entry_id))))
                     WHERE m.move_type IN %s
                """, SQL(ORDER_PROJECT_SQL), CUSTOMER_DOCUMENTS))
        return super()._auto_init()

    @api.depends("move_type", "spm_collection_line_ids.project_id", "spm_collection_line_ids.sale_order_id",
                 "reversed_entry_id.spm_project_id", "reversed_entry_id.spm_sale_order_id",
                 "line_ids.sale_line_ids.order_id.spm_project_id")
    def _compute_spm_project_id(self):
        """A customer invoice or credit note belongs to the sales project of its installment, else of the invoice
        it reverses, else of the first order it bills."""
        for move in self:
            if move.move_type not in CUSTOMER_DOCUMENTS:
                move.spm_project_id = move.spm_sale_order_id = False
                continue
            installment = move.spm_collection_line_ids.sorted("id")[:1]
            order = (installment.sale_order_id or move.reversed_entry_id.spm_sale_order_id
                     or move.line_ids.sale_line_ids.order_id.sorted("id")[:1])
            move.spm_sale_order_id = order
            move.spm_project_id = (installment.project_id or move.reversed_entry_id.spm_project_id
                                   or order.spm_project_id)

    def _compute_duplicated_ref_ids(self):
        """Two installments of equal amount invoiced the same day are no duplicate of each other (Odoo compares
        a customer invoice's partner, amount and date only): only an invoice of the same installment is."""
        res = super()._compute_duplicated_ref_ids()
        for move in self.filtered("spm_collection_line_ids"):
            move.duplicated_ref_ids = move.duplicated_ref_ids.filtered(
                lambda other, m=move: not other.spm_collection_line_ids
                or other.spm_collection_line_ids & m.spm_collection_line_ids)
        return res

    def _post(self, soft=True):
        """An installment's invoice posted later than drafted is never due before its own date.

        A credit note on an invoice of a sales project takes back the commission paid on the invoice as
        invoiced (rules paying on invoices); the commission of money received is taken back when money goes
        back (the refund paid out, a receipt unreconciled), as the money received counts it. Invoices of
        sales projects posted earn the commission of the rules paying on invoices."""
        today = fields.Date.context_today(self)
        installments = self.filtered(lambda m: m.spm_collection_line_ids and m.is_invoice())
        for move in installments.filtered(lambda m: not m.invoice_payment_term_id):
            invoice_date = move.invoice_date or today
            if move.invoice_date_due and move.invoice_date_due < invoice_date:
                move.invoice_date_due = invoice_date
        credited = self._spm_credited()
        posted = super()._post(soft=soft)
        commission = self.env["spm.commission.line"]
        if credited:
            commission._spm_claw_back_invoices(credited, "invoice")
        commission._spm_from_invoices(posted.filtered(lambda m: m.spm_project_id and m.move_type == "out_invoice"))
        return posted

    def _spm_credited(self):
        """{invoice: credit note amount (company currency)} of the credit notes among ``self`` about to be
        posted that reverse a posted invoice of a sales project."""
        credited = {}
        for refund in self.filtered(lambda m: m.move_type == "out_refund" and m.state == "draft"
                                    and m.reversed_entry_id.spm_project_id):
            invoice = refund.reversed_entry_id
            if invoice.state == "posted":
                credited[invoice] = credited.get(invoice, 0.0) + abs(refund.amount_total_signed)
        return credited

    def button_draft(self):
        """An invoice of a sales project reset to draft takes back the commission paid on it as invoiced."""
        invoices = self.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice" and m.spm_project_id)
        res = super().button_draft()
        if invoices:
            lines = self.env["spm.commission.line"].sudo().search([
                ("invoice_id", "in", invoices.ids), ("source", "=", "invoice"), ("is_clawback", "=", False)])
            if lines:
                lines._spm_claw_back(1.0)
        return res
