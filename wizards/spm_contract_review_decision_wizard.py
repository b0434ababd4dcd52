from odoo import fields, models


class SpmContractReviewDecisionWizard(models.TransientModel):
    _name = "spm.contract.review.decision.wizard"
    _inherit = ["spm.approval.decision.mixin"]
    _description = "Decide a Contract Review"
    _spm_request_field = "review_id"

    review_id = fields.Many2one("spm.contract.review", string="Contract Review", required=True, ondelete="cascade")
    approval_id = fields.Many2one("spm.contract.review.approval", string="Step", required=True, ondelete="cascade",
                                  help="The step being decided: the decision is refused if it is no longer current.")
    step_name = fields.Char(related="approval_id.name", string="Current Step")
    decision = fields.Selection([("approved", "Approve"), ("returned", "Return for Changes")], required=True,
                                default="approved")
