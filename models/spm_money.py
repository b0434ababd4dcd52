"""Money received on customer documents: the one definition (``money_sql``) of what a sales project, an
installment, a salesperson's target and a commission count as received."""
from odoo.tools import SQL

# Money received on customer documents: the one definition, read by the 回款 receipts, the installments' and
# the projects' received amounts, the commissions and the targets' collected basis.
#
# A receipt is a reconciliation (account.partial.reconcile) of a posted customer invoice's receivable with
# money: the journal entry of a payment or of a bank statement line. Its amount is the part of the reconciled
# amount that is money: a payment registered with a write-off ("mark as fully paid", an early-payment
# discount) pays its invoices only the part that reached the bank; the write-off is spread over them pro rata.
# A refund paid out on a customer credit note is money given back: the same, negative, counted on the invoice
# the credit note reverses (or on the credit note itself), for that invoice's salesperson and team. What is
# not money is not received: a credit note reconciled with an invoice, a write-off or miscellaneous entry, an
# exchange difference. Unreconciling a receipt removes it.
#
# ``%(documents)s`` restricts the customer documents read (an SQL condition on ``doc``), so that a project's
# figures read its own documents through the indexes rather than every reconciliation of the company.
MONEY_SQL = """
    SELECT p.id AS id, ml.date AS date, doc.company_id AS company_id, doc.currency_id AS currency_id,
           p.debit_amount_currency * r.ratio AS amount, p.amount * r.ratio AS amount_company,
           pay.id AS payment_id, ml.move_id AS payment_move_id, doc.id AS document_id, doc.id AS invoice_id,
           doc.invoice_user_id AS user_id, doc.team_id AS team_id, doc.commercial_partner_id AS partner_id,
           doc.spm_project_id AS project_id, doc.spm_sale_order_id AS sale_order_id
      FROM account_move doc
      JOIN account_move_line dl ON dl.move_id = doc.id
      JOIN account_account da ON da.id = dl.account_id AND da.account_type = 'asset_receivable'
      JOIN account_partial_reconcile p ON p.debit_move_id = dl.id
      JOIN account_move_line ml ON ml.id = p.credit_move_id
 LEFT JOIN account_payment pay ON pay.move_id = ml.move_id
 LEFT JOIN LATERAL (%(statement_ratio)s) st ON TRUE
      JOIN LATERAL (SELECT %(ratio)s AS ratio) r ON r.ratio > 0
     WHERE doc.move_type = 'out_invoice' AND doc.state = 'posted' AND %(documents)s
 UNION ALL
    SELECT p.id, ml.date, doc.company_id, doc.currency_id,
           -p.credit_amount_currency * r.ratio, -p.amount * r.ratio,
           pay.id, ml.move_id, doc.id, COALESCE(doc.reversed_entry_id, doc.id),
           COALESCE(inv.invoice_user_id, doc.invoice_user_id), COALESCE(inv.team_id, doc.team_id),
           doc.commercial_partner_id, doc.spm_project_id, doc.spm_sale_order_id
      FROM account_move doc
 LEFT JOIN account_move inv ON inv.id = doc.reversed_entry_id
      -- from the credit notes to their receivable lines (OFFSET 0 keeps that order): PostgreSQL underestimates
      -- the receivable lines and would otherwise look every one of them up to find the few credit notes
      JOIN LATERAL (SELECT l.id FROM account_move_line l
                      JOIN account_account la ON la.id = l.account_id AND la.account_type = 'asset_receivable'
                     WHERE l.move_id = doc.id OFFSET 0) dl ON TRUE
      JOIN account_partial_reconcile p ON p.credit_move_id = dl.id
      JOIN account_move_line ml ON ml.id = p.debit_move_id
 LEFT JOIN account_payment pay ON pay.move_id = ml.move_id
 LEFT JOIN LATERAL (%(statement_ratio)s) st ON TRUE
      JOIN LATERAL (SELECT %(ratio)s AS ratio) r ON r.ratio > 0
     WHERE doc.move_type = 'out_refund' AND doc.state = 'posted' AND %(documents)s
"""
# The share of the reconciled amount that is money. A payment: its amount (what reached the bank) over its
# receivable counterpart line, the one reconciled (its amount plus what it writes off), both in the payment's
# currency. A bank statement line's entry: its bank lines over its receivable and payable lines (``st``, read
# only for those). Anything else (a credit note, a miscellaneous or write-off entry, an exchange difference) is
# no money: 0.
MONEY_RATIO_SQL = """
    CASE WHEN pay.id IS NOT NULL THEN LEAST(1.0, pay.amount / NULLIF(ABS(ml.amount_currency), 0))
         WHEN ml.statement_line_id IS NOT NULL THEN COALESCE(st.ratio, 0)
         ELSE 0 END
"""
STATEMENT_RATIO_SQL = """
    SELECT LEAST(1.0,
               SUM(ABS(l.balance)) FILTER (WHERE l.account_id = j.default_account_id)
               / NULLIF(SUM(ABS(l.balance)) FILTER (WHERE a.account_type IN ('asset_receivable', 'liability_payable')),
                        0)) AS ratio
      FROM account_move_line l
      JOIN account_account a ON a.id = l.account_id
      JOIN account_journal j ON j.id = ml.journal_id
     WHERE ml.statement_line_id IS NOT NULL AND pay.id IS NULL AND l.move_id = ml.move_id
"""
# what the money query reads, flushed before it runs
MONEY_DEPENDS = {
    "account.move": ["move_type", "state", "company_id", "currency_id", "invoice_user_id", "team_id",
                     "commercial_partner_id", "reversed_entry_id", "statement_line_id", "journal_id",
                     "spm_project_id", "spm_sale_order_id"],
    "account.move.line": ["move_id", "account_id", "date", "balance", "amount_currency", "statement_line_id",
                          "journal_id"],
    "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "debit_amount_currency",
                                  "credit_amount_currency"],
    "account.payment": ["move_id", "amount"],
    "account.journal": ["default_account_id"],
    "account.account": ["account_type"],
}


def money_sql(documents=None):
    """The money received on the customer documents matching ``documents`` (an SQL condition on ``doc``, all
    of them when None), one row per receipt: id (the reconciliation), date, company_id, currency_id (the
    document's), amount (in it, negative for money given back), amount_company, payment_id, payment_move_id,
    document_id (the invoice or credit note reconciled), invoice_id (the invoice the money is for), user_id,
    team_id, partner_id, project_id and sale_order_id (the document's sales project and order)."""
    return SQL(MONEY_SQL, ratio=SQL(MONEY_RATIO_SQL), statement_ratio=SQL(STATEMENT_RATIO_SQL),
               documents=documents or SQL("TRUE"))
