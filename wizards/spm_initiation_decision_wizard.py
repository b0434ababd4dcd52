from odoo import fields, models


class SpmInitiationDecisionWizard(models.TransientModel):
    _name = "spm.initiation.decision.wizard"
    _inherit = ["spm.approval.decision.mixin"]
    _description = "Decide an Initiation Request"
    _spm_request_field = "initiation_id"

    initiation_id = fields.Many2one("spm.initiation", string="Initiation Request", required=True,
                                    ondelete="cascade")
    approval_id = fields.Many2one("spm.initiation.approval", string="Step", required=True, ondelete="cascade",
                                  help="The step being decided: the decision is refused if it is no longer current.")
    step_name = fields.Char(related="approval_id.name", string="Current Step")
    decision = fields.Selection([("approved", "Approve"), ("returned", "Return for Changes"), ("rejected", "Reject")],
                                required=True, default="approved")
