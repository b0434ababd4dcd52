from odoo import fields, models


class SpmBidApproval(models.Model):
    """One frozen step of a bid's review chain (投标评审), and its decision."""
    _name = "spm.bid.approval"
    _inherit = ["spm.approval.line.mixin", "spm.workflow.mixin"]
    _description = "Bid Review Step"
    _order = "bid_id, round, sequence, id"
    _spm_request_field = "bid_id"
    # frozen at submission, decided through the bid's workflow
    _spm_workflow_fields = ("step_id", "round", "sequence", "name", "approver_user_id", "approver_group_id", "state",
                            "comment", "decided_by_id", "date", "bid_id")

    bid_id = fields.Many2one("spm.bid", string="Tender Bid", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="bid_id.company_id", store=True)
