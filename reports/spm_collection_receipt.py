from odoo import api, fields, models
from odoo.tools import SQL


class SpmCollectionReceipt(models.Model):
    """回款记录: each payment received on an installment's invoice, from the reconciliation."""
    _name = "spm.collection.receipt"
    _description = "Payment Receipt"
    _auto = False
    _order = "date desc, id desc"
    _depends = {
        "spm.collection.line": ["project_id", "sale_order_id", "partner_id", "user_id", "team_id", "company_id",
                                "invoice_ids"],
        "account.move": ["move_type", "state"],
        "account.move.line": ["move_id", "account_id", "date"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "debit_amount_currency",
                                      "debit_currency_id"],
        "account.payment": ["move_id"],
        "res.company": ["currency_id"],
    }

    date = fields.Date(readonly=True)
    amount = fields.Monetary(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    amount_company = fields.Monetary("Amount (Company Currency)", readonly=True, currency_field="company_currency_id")
    payment_id = fields.Many2one("account.payment", readonly=True)
    payment_move_id = fields.Many2one("account.move", string="Payment Entry", readonly=True)
    invoice_id = fields.Many2one("account.move", readonly=True)
    collection_line_id = fields.Many2one("spm.collection.line", string="Installment", readonly=True)
    project_id = fields.Many2one("project.project", readonly=True)
    sale_order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    @property
    def _table_query(self):
        return self._spm_receipt_query()

    @api.model
    def _spm_receipt_query(self):
        """The one query of the receipts: the view reads it whole, commissions read new receipts by id."""
        return """
            SELECT p.id, cml.date AS date, p.debit_amount_currency AS amount, p.debit_currency_id AS currency_id,
                   co.currency_id AS company_currency_id, p.amount AS amount_company,
                   pay.id AS payment_id, cm.id AS payment_move_id, inv.id AS invoice_id,
                   l.id AS collection_line_id, l.project_id, l.sale_order_id, l.partner_id, l.user_id, l.team_id,
                   l.company_id
              FROM spm_collection_line_account_move_rel rel
              JOIN spm_collection_line l ON l.id = rel.line_id
         LEFT JOIN res_company co ON co.id = l.company_id
              JOIN account_move inv ON inv.id = rel.move_id AND inv.move_type = 'out_invoice' AND inv.state = 'posted'
              JOIN account_move_line aml ON aml.move_id = inv.id
              JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
              JOIN account_partial_reconcile p ON p.debit_move_id = aml.id
              JOIN account_move_line cml ON cml.id = p.credit_move_id
              JOIN account_move cm ON cm.id = cml.move_id AND cm.move_type != 'out_refund'
         LEFT JOIN account_payment pay ON pay.move_id = cm.id
        """

    @api.model
    def _spm_receipt_rows(self, partial_ids):
        """The receipts of the given reconciliations (``account.partial.reconcile`` ids), as dicts."""
        if not partial_ids:
            return []
        for model, names in self._depends.items():
            self.env[model].flush_model(names)
        self.env.cr.execute(SQL("SELECT r.* FROM (%s) AS r WHERE r.id = ANY(%s) ORDER BY r.date, r.id",
                                SQL(self._spm_receipt_query()), list(partial_ids)))
        return self.env.cr.dictfetchall()
