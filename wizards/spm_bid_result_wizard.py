from odoo import api, fields, models

from ..models.spm_bid import RESULTS


class SpmBidResultWizard(models.TransientModel):
    """Record the result of a tender with the competitors' quotes (``spm.bid.action_record_result``). The quotes
    start from the opportunity's competitors (or the quotes already recorded, to correct them)."""
    _name = "spm.bid.result.wizard"
    _description = "Record a Bid Result"

    bid_id = fields.Many2one("spm.bid", string="Tender Bid", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="bid_id.currency_id")
    our_price = fields.Monetary(related="bid_id.our_price")
    result = fields.Selection(RESULTS, required=True, default="won")
    winning_price = fields.Monetary(currency_field="currency_id", compute="_compute_winning_price", store=True,
                                    readonly=False, help="Our price when we won; the winner's when we lost.")
    line_ids = fields.One2many("spm.bid.result.wizard.line", "wizard_id", string="Competitors' Quotes",
                               compute="_compute_line_ids", store=True, readonly=False)
    comment = fields.Text(help="What decided the result (posted on the bid and the opportunity).")

    @api.depends("bid_id")
    def _compute_line_ids(self):
        for wizard in self:
            bid = wizard.bid_id.sudo()
            if bid.quote_ids:
                lines = [{"partner_id": q.partner_id.id, "name": q.name, "price": q.price, "rank": q.rank,
                          "is_winner": q.is_winner} for q in bid.quote_ids]
            else:
                lines = [{"partner_id": c.partner_id.id, "name": c.name} for c in bid.lead_id.spm_competitor_ids]
            wizard.line_ids = [fields.Command.clear()] + [fields.Command.create(line) for line in lines]

    @api.depends("result", "line_ids.is_winner", "line_ids.price")
    def _compute_winning_price(self):
        for wizard in self:
            if wizard.result == "won":
                wizard.winning_price = wizard.our_price
            elif wizard.result == "lost":
                wizard.winning_price = wizard.line_ids.filtered("is_winner")[:1].price or wizard.winning_price
            else:
                wizard.winning_price = 0.0

    def action_confirm(self):
        self.ensure_one()
        self.bid_id.action_record_result(
            self.result, winning_price=self.winning_price, comment=self.comment,
            quotes=[{"partner_id": line.partner_id.id, "name": line.name, "price": line.price, "rank": line.rank,
                     "is_winner": line.is_winner} for line in self.line_ids])
        return {"type": "ir.actions.act_window_close"}


class SpmBidResultWizardLine(models.TransientModel):
    _name = "spm.bid.result.wizard.line"
    _description = "Competitor's Quote to Record"
    _order = "rank, id"

    wizard_id = fields.Many2one("spm.bid.result.wizard", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Competitor Contact")
    name = fields.Char("Competitor", compute="_compute_name", store=True, readonly=False, required=True)
    price = fields.Monetary(currency_field="currency_id")
    rank = fields.Integer()
    is_winner = fields.Boolean("Winner")

    @api.depends("partner_id")
    def _compute_name(self):
        for line in self:
            line.name = line.partner_id.name or line.name
