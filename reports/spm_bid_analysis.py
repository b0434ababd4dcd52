from odoo import fields, models

from ..models.spm_bid import RESULTS, STATES


class SpmBidAnalysis(models.Model):
    """投标分析: one row per bid with its team, grade, result and the price gap to the winner. The win rate is a
    row's 100 (won) or 0 (lost), averaged: bids not won nor lost (no result yet, abandoned, void) are left out of
    it, and so are they of the price gap, which compares our price with the winning price of a lost bid."""
    _name = "spm.bid.analysis"
    _description = "Bid Win Rate Analysis"
    _auto = False
    _order = "date_opening desc, id desc"
    _rec_name = "bid_id"
    _depends = {
        "spm.bid": ["lead_id", "company_id", "team_id", "user_id", "grade_id", "partner_id", "agency_id", "state",
                    "result", "winner_partner_id", "winner_name", "date_opening", "our_price", "winning_price"],
        "crm.lead": ["spm_grade_id"],
        "res.company": ["currency_id"],
    }

    bid_id = fields.Many2one("spm.bid", string="Tender Bid", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", readonly=True)
    grade_id = fields.Many2one("spm.grade", readonly=True,
                               help="The grade the bid was reviewed at, else the opportunity's grade.")
    partner_id = fields.Many2one("res.partner", string="Buyer", readonly=True)
    agency_id = fields.Many2one("res.partner", string="Tendering Agency", readonly=True)
    state = fields.Selection(STATES, string="Bid Review", readonly=True)
    result = fields.Selection(RESULTS, readonly=True)
    winner_partner_id = fields.Many2one("res.partner", string="Winning Competitor", readonly=True)
    winner_name = fields.Char("Winner", readonly=True)
    date_opening = fields.Datetime("Bid Opening", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    our_price = fields.Monetary(readonly=True)
    winning_price = fields.Monetary(readonly=True)
    price_gap = fields.Monetary(readonly=True, aggregator="avg",
                                help="Our price minus the winning price, of the lost bids.")
    price_gap_percent = fields.Float("Price Gap (%)", readonly=True, aggregator="avg", digits=(16, 1),
                                     help="The price gap as a share of the winning price, of the lost bids.")
    win_rate = fields.Float("Win Rate (%)", readonly=True, aggregator="avg", digits=(16, 1),
                            help="Won bids among the bids won or lost.")
    won_count = fields.Integer("Awarded", readonly=True)
    lost_count = fields.Integer("Not Awarded", readonly=True)

    @property
    def _table_query(self):
        return """
            SELECT b.id, b.id AS bid_id, b.lead_id, b.company_id, b.team_id, b.user_id,
                   COALESCE(b.grade_id, l.spm_grade_id) AS grade_id, b.partner_id, b.agency_id, b.state, b.result,
                   b.winner_partner_id, b.winner_name, b.date_opening, c.currency_id, b.our_price, b.winning_price,
                   CASE WHEN b.result = 'lost' AND b.winning_price > 0 THEN b.our_price - b.winning_price END
                       AS price_gap,
                   CASE WHEN b.result = 'lost' AND b.winning_price > 0
                        THEN 100.0 * (b.our_price - b.winning_price) / b.winning_price END AS price_gap_percent,
                   CASE b.result WHEN 'won' THEN 100.0 WHEN 'lost' THEN 0.0 END AS win_rate,
                   (b.result = 'won')::int AS won_count, (b.result = 'lost')::int AS lost_count
              FROM spm_bid b
         LEFT JOIN crm_lead l ON l.id = b.lead_id
         LEFT JOIN res_company c ON c.id = b.company_id
        """

    def action_open_bid(self):
        self.ensure_one()
        return self.bid_id._get_records_action()
