from odoo import fields, models


class SpmBidDecisionWizard(models.TransientModel):
    _name = "spm.bid.decision.wizard"
    _inherit = ["spm.approval.decision.mixin"]
    _description = "Decide a Bid Review Step"
    _spm_request_field = "bid_id"

    bid_id = fields.Many2one("spm.bid", string="Tender Bid", required=True, ondelete="cascade")
    approval_id = fields.Many2one("spm.bid.approval", string="Step", required=True, ondelete="cascade",
                                  help="The step being decided: the decision is refused if it is no longer current.")
    step_name = fields.Char(related="approval_id.name", string="Current Step")
    decision = fields.Selection([("approved", "Approve"), ("rejected", "Reject")], required=True, default="approved")
