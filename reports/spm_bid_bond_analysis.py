from odoo import fields, models
from odoo.tools import SQL

AGE_BUCKETS = [
    ("0_30", "0–30 Days"),
    ("31_60", "31–60 Days"),
    ("61_90", "61–90 Days"),
    ("over_90", "Over 90 Days"),
]


class SpmBidBondAnalysis(models.Model):
    """Outstanding bid bonds (投标保证金): the bids whose bond is paid and not returned, with their age since paid
    (the reader's today) and whether their return is overdue, in the company's currency."""
    _name = "spm.bid.bond.analysis"
    _description = "Outstanding Bid Bonds"
    _auto = False
    _order = "date_paid, id"
    _rec_name = "bid_id"
    _depends = {
        "spm.bid": ["lead_id", "company_id", "team_id", "user_id", "bond_partner_id", "bond_state",
                    "bond_outstanding_company", "bond_date_paid", "bond_due_date"],
        "res.company": ["currency_id"],
    }

    bid_id = fields.Many2one("spm.bid", string="Tender Bid", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", readonly=True)
    agency_id = fields.Many2one("res.partner", string="Paid To", readonly=True,
                                help="The tendering agency (else the buyer) the bond was paid to.")
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    amount_outstanding = fields.Monetary("Not Returned", readonly=True)
    date_paid = fields.Date("Paid On", readonly=True)
    date_due = fields.Date("Return Due", readonly=True)
    age_days = fields.Integer("Age (days)", readonly=True, aggregator="max")
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)
    is_overdue = fields.Boolean("Overdue", readonly=True)
    overdue_days = fields.Integer("Days Overdue", readonly=True, aggregator="max")

    @property
    def _table_query(self):
        # the reader's today (their time zone), as the installments' aging counts it
        today = fields.Date.context_today(self)
        return SQL("""
            SELECT b.id, b.id AS bid_id, b.lead_id, b.company_id, b.team_id, b.user_id, b.bond_partner_id AS agency_id,
                   c.currency_id, b.bond_outstanding_company AS amount_outstanding, b.bond_date_paid AS date_paid,
                   b.bond_due_date AS date_due, GREATEST(%(today)s - b.bond_date_paid, 0) AS age_days,
                   CASE WHEN %(today)s - b.bond_date_paid <= 30 THEN '0_30'
                        WHEN %(today)s - b.bond_date_paid <= 60 THEN '31_60'
                        WHEN %(today)s - b.bond_date_paid <= 90 THEN '61_90' ELSE 'over_90' END AS age_bucket,
                   COALESCE(b.bond_due_date < %(today)s, FALSE) AS is_overdue,
                   GREATEST(%(today)s - b.bond_due_date, 0) AS overdue_days
              FROM spm_bid b
         LEFT JOIN res_company c ON c.id = b.company_id
             WHERE b.bond_state IN ('paid', 'overdue')
        """, today=today)

    def action_open_bid(self):
        self.ensure_one()
        return self.bid_id._get_records_action()
