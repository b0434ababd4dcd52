from odoo import api, fields, models
from odoo.tools import SQL

from ..models.spm_money import MONEY_DEPENDS, money_sql


class SpmCollectionReceipt(models.Model):
    """回款记录: each receipt of money on a document of a sales project (``money_sql``), with the installment
    it pays when the document is one of an installment's."""
    _name = "spm.collection.receipt"
    _description = "Payment Receipt"
    _auto = False
    _order = "date desc, id desc"
    _depends = {
        **MONEY_DEPENDS,
        "spm.collection.line": ["project_id", "invoice_ids"],
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
    document_id = fields.Many2one("account.move", string="Customer Document", readonly=True,
                                  help="The invoice paid, or the credit note whose refund was paid out.")
    is_refund = fields.Boolean("Money Given Back", readonly=True)
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
    def _spm_receipt_query(self, documents=None):
        """The receipts of the sales projects' documents (of those matching ``documents``, an SQL condition
        on ``doc``), with the installment each pays."""
        condition = SQL("doc.spm_project_id IS NOT NULL AND %s", documents or SQL("TRUE"))
        return SQL("""
            SELECT m.id, m.date, m.amount, m.currency_id, co.currency_id AS company_currency_id, m.amount_company,
                   m.payment_id, m.payment_move_id, m.invoice_id, m.document_id,
                   m.document_id != m.invoice_id OR m.amount < 0 AS is_refund,
                   inst.line_id AS collection_line_id, m.project_id, COALESCE(l.sale_order_id, m.sale_order_id)
                   AS sale_order_id, m.partner_id, m.user_id, m.team_id, m.company_id
              FROM (%(money)s) m
         LEFT JOIN res_company co ON co.id = m.company_id
         LEFT JOIN LATERAL (SELECT MIN(rel.line_id) AS line_id FROM spm_collection_line_account_move_rel rel
                             WHERE rel.move_id IN (m.document_id, m.invoice_id)) inst ON TRUE
         LEFT JOIN spm_collection_line l ON l.id = inst.line_id
        """, money=money_sql(condition))

    @api.model
    def _spm_flush(self):
        for model, names in self._depends.items():
            self.env[model].flush_model(names)

    @api.model
    def _spm_receipt_rows(self, partial_ids):
        """The receipts of the given reconciliations (``account.partial.reconcile`` ids), as dicts."""
        if not partial_ids:
            return []
        self._spm_flush()
        ids = list(partial_ids)
        documents = SQL("""doc.id IN (SELECT aml.move_id FROM account_move_line aml
                                        JOIN account_partial_reconcile pr
                                          ON aml.id IN (pr.debit_move_id, pr.credit_move_id)
                                       WHERE pr.id = ANY(%s))""", ids)
        self.env.cr.execute(SQL("SELECT r.* FROM (%s) AS r WHERE r.id = ANY(%s) ORDER BY r.date, r.id",
                                self._spm_receipt_query(documents), ids))
        return self.env.cr.dictfetchall()

    @api.model
    def _spm_received(self, documents, group_by):
        """{key: (amount, amount in company currency, last date money came in)} of the money received on the
        documents matching ``documents`` (an SQL condition on ``doc``), summed by ``group_by``: an SQL
        expression on the receipt rows (``r``)."""
        self._spm_flush()
        rows = self.env.execute_query(SQL("""
            SELECT %(key)s, SUM(r.amount), SUM(r.amount_company), MAX(r.date) FILTER (WHERE r.amount > 0)
              FROM (%(receipts)s) r
          GROUP BY 1
        """, key=group_by, receipts=self._spm_receipt_query(documents)))
        return {key: (amount or 0.0, amount_company or 0.0, last) for key, amount, amount_company, last in rows}
