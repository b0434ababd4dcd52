from odoo import fields, models

from .spm_approval_step import REVIEW_ROLES


class SpmContractReviewApproval(models.Model):
    """One frozen step of a contract review's approval chain, the checklist role its approver checks, and its
    decision."""
    _name = "spm.contract.review.approval"
    _inherit = ["spm.approval.line.mixin", "spm.workflow.mixin"]
    _description = "Contract Review Approval"
    _order = "review_id, round, sequence, id"
    _spm_request_field = "review_id"
    # frozen at submission, decided through the review's workflow
    _spm_workflow_fields = ("step_id", "round", "sequence", "name", "approver_user_id", "approver_group_id", "state",
                            "comment", "decided_by_id", "date", "review_id", "review_role")

    review_id = fields.Many2one("spm.contract.review", string="Contract Review", required=True, index=True,
                                ondelete="cascade")
    review_role = fields.Selection(REVIEW_ROLES, string="Checks", readonly=True,
                                   help="The checklist items this step's approver checks before approving.")
    company_id = fields.Many2one(related="review_id.company_id", store=True)
