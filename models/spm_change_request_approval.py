from odoo import fields, models


class SpmChangeRequestApproval(models.Model):
    """One frozen step of a change request's approval chain, and its decision."""
    _name = "spm.change.request.approval"
    _inherit = ["spm.approval.line.mixin", "spm.workflow.mixin"]
    _description = "Change Request Approval"
    _order = "change_request_id, round, sequence, id"
    _spm_request_field = "change_request_id"
    # frozen at submission, decided through the request's workflow
    _spm_workflow_fields = ("step_id", "round", "sequence", "name", "approver_user_id", "approver_group_id", "state",
                            "comment", "decided_by_id", "date", "change_request_id")

    change_request_id = fields.Many2one("spm.change.request", required=True, index=True,
                                        ondelete="cascade")
    company_id = fields.Many2one(related="change_request_id.company_id", store=True)
