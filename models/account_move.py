from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    spm_collection_line_ids = fields.Many2many(
        "spm.collection.line", "spm_collection_line_account_move_rel", "move_id", "line_id",
        string="Collection Installments", copy=False, readonly=True)

    def _post(self, soft=True):
        """An installment's invoice posted later than drafted is never due before its own date.

        A credit note on an installment invoice takes back the commission of the money it returns (what
        exceeds the invoice's unpaid residual); invoices posted earn the commission of the rules paying
        on invoices."""
        today = fields.Date.context_today(self)
        installments = self.filtered(lambda m: m.spm_collection_line_ids and m.is_invoice())
        for move in installments.filtered(lambda m: not m.invoice_payment_term_id):
            invoice_date = move.invoice_date or today
            if move.invoice_date_due and move.invoice_date_due < invoice_date:
                move.invoice_date_due = invoice_date
        returned = self._spm_money_returned()
        posted = super()._post(soft=soft)
        commission = self.env["spm.commission.line"]
        if returned:
            commission._spm_claw_back_invoices({invoice: money for invoice, (money, _refund) in returned.items()},
                                               "receipt")
            commission._spm_claw_back_invoices({invoice: refund for invoice, (_money, refund) in returned.items()},
                                               "invoice")
        commission._spm_from_invoices(posted.filtered(lambda m: m.spm_collection_line_ids))
        return posted

    def _spm_money_returned(self):
        """{invoice: (money given back, credit note amount)} of the credit notes among ``self`` (company
        currency): the money given back is the part of the credit note beyond what is still unpaid on
        the invoice it reverses."""
        returned = {}
        for refund in self.filtered(lambda m: m.move_type == "out_refund" and m.state == "draft"
                                    and m.reversed_entry_id.spm_collection_line_ids):
            invoice = refund.reversed_entry_id
            if invoice.state != "posted":
                continue
            credited = abs(refund.amount_total_signed)
            money, total = returned.get(invoice, (0.0, 0.0))
            returned[invoice] = (money + max(0.0, credited - abs(invoice.amount_residual_signed)), total + credited)
        return returned

    def button_draft(self):
        """An installment invoice reset to draft takes back the commission paid on it as invoiced."""
        invoices = self.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice"
                                 and m.spm_collection_line_ids)
        res = super().button_draft()
        if invoices:
            lines = self.env["spm.commission.line"].sudo().search([
                ("invoice_id", "in", invoices.ids), ("source", "=", "invoice"), ("is_clawback", "=", False)])
            if lines:
                lines._spm_claw_back(1.0)
        return res
