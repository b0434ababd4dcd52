from odoo import fields, models


class SpmInitiationApproval(models.Model):
    """One frozen step of an initiation request's approval chain, and its decision."""
    _name = "spm.initiation.approval"
    _inherit = ["spm.approval.line.mixin", "spm.workflow.mixin"]
    _description = "Initiation Approval"
    _order = "initiation_id, round, sequence, id"
    _spm_request_field = "initiation_id"
    # frozen at submission, decided through the request's workflow
    _spm_workflow_fields = ("step_id", "round", "sequence", "name", "approver_user_id", "approver_group_id", "state",
                            "comment", "decided_by_id", "date", "initiation_id")

    initiation_id = fields.Many2one("spm.initiation", string="Initiation Request", required=True, index=True,
                                    ondelete="cascade")
    company_id = fields.Many2one(related="initiation_id.company_id", store=True)
