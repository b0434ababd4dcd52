from odoo import fields, models


class SpmChangeRequestDecisionWizard(models.TransientModel):
    _name = "spm.change.request.decision.wizard"
    _inherit = ["spm.approval.decision.mixin"]
    _description = "Decide a Change Request"
    _spm_request_field = "change_request_id"

    change_request_id = fields.Many2one("spm.change.request", required=True,
                                        ondelete="cascade")
    approval_id = fields.Many2one("spm.change.request.approval", string="Step", required=True, ondelete="cascade",
                                  help="The step being decided: the decision is refused if it is no longer current.")
    step_name = fields.Char(related="approval_id.name", string="Current Step")
    decision = fields.Selection([("approved", "Approve"), ("rejected", "Reject")], required=True, default="approved")
