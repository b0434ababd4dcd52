from odoo import api, fields, models


class SpmLeadCompetitor(models.Model):
    _name = "spm.lead.competitor"
    _description = "Opportunity Competitor"
    _inherit = ["spm.workflow.mixin"]
    _order = "lead_id, sequence, id"
    _spm_parent_fields = ("lead_id",)

    # auto_join: the access rules test the opportunity with a join (one row), not a scan of every
    # opportunity of the user; a record is readable exactly when its opportunity is (the same rules)
    lead_id = fields.Many2one("crm.lead", string="Opportunity",
                              auto_join=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("Competitor", required=True)
    partner_id = fields.Many2one("res.partner", string="Competitor Contact",
                                 help="The competitor, when it is a contact.")
    threat = fields.Selection([("low", "Low"), ("medium", "Medium"), ("high", "High")], default="medium")
    strengths = fields.Text()
    weaknesses = fields.Text()
    # what the competitor bid at the opportunity's tenders (投标), recorded with each bid's result
    quote_ids = fields.One2many("spm.bid.quote", "competitor_id", string="Bid Quotes")
    currency_id = fields.Many2one(related="lead_id.company_currency")
    last_bid_price = fields.Monetary("Last Quoted Price", currency_field="currency_id",
                                     compute="_compute_bid_figures", compute_sudo=True)
    bids_won = fields.Integer("Tenders Won", compute="_compute_bid_figures", compute_sudo=True,
                              help="Tenders of this opportunity the competitor won.")

    @api.depends("quote_ids.price", "quote_ids.is_winner")
    def _compute_bid_figures(self):
        for competitor in self:
            quotes = competitor.quote_ids.sorted("id")
            competitor.last_bid_price = quotes[-1:].price
            competitor.bids_won = len(quotes.filtered("is_winner"))

    def _spm_check_parents(self, _names):
        self.lead_id._spm_check_work()
