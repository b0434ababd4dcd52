from odoo import fields, models
from odoo.tools import SQL

from ..models.spm_money import MONEY_DEPENDS, money_sql


class SpmCustomerYear(models.Model):
    """The buying history of a customer (客史档案), year by year in its company's currency: the orders confirmed,
    what was invoiced (less credit notes) and the money received (the one definition of ``models/spm_money.py``)."""
    _name = "spm.customer.year"
    _description = "Customer Buying History"
    _auto = False
    _order = "year desc, company_id"
    _depends = {
        "sale.order": ["partner_id", "company_id", "date_order", "state", "amount_total", "currency_rate"],
        "account.move": ["commercial_partner_id", "company_id", "invoice_date", "state", "move_type",
                         "amount_total_signed"],
        "res.partner": ["commercial_partner_id"],
        **MONEY_DEPENDS,
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    year = fields.Integer(readonly=True, aggregator=None)
    amount_ordered = fields.Monetary("Ordered", readonly=True, help="Sale orders confirmed in the year.")
    amount_invoiced = fields.Monetary("Invoiced", readonly=True, help="Posted invoices less credit notes.")
    amount_received = fields.Monetary("Received", readonly=True, help="Money received in the year.")

    @property
    def _table_query(self):
        return SQL("""
            SELECT (h.partner_id::bigint * 10000 + h.year) * 1000 + h.company_id AS id, h.partner_id, h.company_id,
                   c.currency_id, h.year, SUM(h.ordered) AS amount_ordered, SUM(h.invoiced) AS amount_invoiced,
                   SUM(h.received) AS amount_received
              FROM (
                    SELECT p.commercial_partner_id AS partner_id, so.company_id,
                           EXTRACT(YEAR FROM so.date_order)::int AS year,
                           so.amount_total
                               / CASE COALESCE(so.currency_rate, 0) WHEN 0 THEN 1.0 ELSE so.currency_rate END
                               AS ordered, 0.0 AS invoiced, 0.0 AS received
                      FROM sale_order so
                      JOIN res_partner p ON p.id = so.partner_id
                     WHERE so.state = 'sale'
                 UNION ALL
                    SELECT m.commercial_partner_id, m.company_id, EXTRACT(YEAR FROM m.invoice_date)::int, 0.0,
                           m.amount_total_signed, 0.0
                      FROM account_move m
                     WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
                       AND m.invoice_date IS NOT NULL
                 UNION ALL
                    SELECT mq.partner_id, mq.company_id, EXTRACT(YEAR FROM mq.date)::int, 0.0, 0.0, mq.amount_company
                      FROM (%(money)s) mq
                   ) h
              JOIN res_company c ON c.id = h.company_id
             GROUP BY h.partner_id, h.company_id, c.currency_id, h.year
        """, money=money_sql())
