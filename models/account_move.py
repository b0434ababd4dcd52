from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    spm_collection_line_ids = fields.Many2many(
        "spm.collection.line", "spm_collection_line_account_move_rel", "move_id", "line_id",
        string="Collection Installments", copy=False, readonly=True)

    def _post(self, soft=True):
        """An installment's invoice posted later than drafted is never due before its own date."""
        today = fields.Date.context_today(self)
        installments = self.filtered(lambda m: m.spm_collection_line_ids and m.is_invoice())
        for move in installments.filtered(lambda m: not m.invoice_payment_term_id):
            invoice_date = move.invoice_date or today
            if move.invoice_date_due and move.invoice_date_due < invoice_date:
                move.invoice_date_due = invoice_date
        return super()._post(soft=soft)
