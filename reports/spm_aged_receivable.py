from odoo import fields, models

from .spm_collection_analysis import BUCKETS, bucket_sql


class SpmAgedReceivable(models.Model):
    """Aged receivable by customer over posted receivable journal items, by maturity date."""
    _name = "spm.aged.receivable"
    _description = "Aged Receivable"
    _auto = False
    _order = "date_maturity, id"

    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    date = fields.Date(readonly=True)
    date_maturity = fields.Date("Due Date", readonly=True)
    amount_residual = fields.Monetary("Amount Due", readonly=True)
    overdue_days = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(BUCKETS, string="Aging", readonly=True)

    @property
    def _table_query(self):
        # the reader's today (their time zone), as the installments' states count it, not the server's
        today = fields.Date.context_today(self).isoformat()
        days = f"(DATE '{today}' - COALESCE(aml.date_maturity, aml.date))"
        return f"""
            SELECT aml.id, aml.id AS move_line_id, aml.move_id, aml.partner_id, aml.company_id,
                   aml.company_currency_id AS currency_id, aml.date, aml.date_maturity,
                   aml.amount_residual, GREATEST({days}, 0) AS overdue_days, {bucket_sql(days)} AS bucket
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
             WHERE aml.parent_state = 'posted' AND aml.amount_residual != 0 AND NOT aml.reconciled
        """
