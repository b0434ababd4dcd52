from odoo import api, fields, models


class SpmBidQuote(models.Model):
    """A competitor's quote at a tender, recorded with the bid's result (``spm.bid.action_record_result``); the
    competitor is one of the opportunity's competitors (``spm.lead.competitor``), created or updated then."""
    _name = "spm.bid.quote"
    _inherit = ["spm.workflow.mixin"]
    _description = "Competitor Quote"
    _order = "bid_id, sequence, id"
    # recorded by the result of the bid, never by hand
    _spm_workflow_fields = ("bid_id", "sequence", "partner_id", "name", "price", "rank", "is_winner", "competitor_id")

    bid_id = fields.Many2one("spm.bid", string="Tender Bid", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="bid_id.company_id", store=True)
    currency_id = fields.Many2one(related="bid_id.currency_id")
    lead_id = fields.Many2one(related="bid_id.lead_id", string="Opportunity")
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one("res.partner", string="Competitor Contact", index="btree_not_null")
    name = fields.Char("Competitor", required=True)
    price = fields.Monetary(currency_field="currency_id", help="The price the competitor bid.")
    rank = fields.Integer(help="The quote's rank in the evaluation (1: first); 0 when not known.")
    is_winner = fields.Boolean("Winner", help="This competitor won the tender.")
    competitor_id = fields.Many2one("spm.lead.competitor", string="Opportunity Competitor", index="btree_not_null",
                                    ondelete="set null")
    result = fields.Selection(related="bid_id.result", store=True, string="Our Result")

    @api.model
    def _spm_normalized(self, name):
        return " ".join((name or "").split()).casefold()

    def _spm_sync_lead_competitors(self):
        """Each quoted competitor is one of the opportunity's competitors: matched by its contact, else by its name;
        created when missing. The contact is filled in when the competitor had none, and a competitor that won the
        tender is a high threat."""
        Competitor = self.env["spm.lead.competitor"].sudo()
        for lead, quotes in self.sudo().grouped("lead_id").items():
            competitors = lead.spm_competitor_ids
            for quote in quotes:
                partner = quote.partner_id.commercial_partner_id
                match = competitors.filtered(lambda c, p=partner: p and c.partner_id.commercial_partner_id == p)[:1] \
                    or competitors.filtered(lambda c, q=quote: self._spm_normalized(c.name)
                                            == self._spm_normalized(q.name))[:1]
                if not match:
                    match = Competitor.create({
                        "lead_id": lead.id, "name": quote.name, "partner_id": partner.id,
                        "threat": "high" if quote.is_winner else "medium",
                    })
                    competitors |= match
                else:
                    values = {}
                    if partner and not match.partner_id:
                        values["partner_id"] = partner.id
                    if quote.is_winner and match.threat != "high":
                        values["threat"] = "high"
                    if values:
                        match.write(values)
                quote.competitor_id = match
