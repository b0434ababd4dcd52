from odoo import fields, models


class SpmInitiationDecisionWizard(models.TransientModel):
    _name = "spm.initiation.decision.wizard"
    _description = "Decide an Initiation Request"

    initiation_id = fields.Many2one("spm.initiation", string="Initiation Request", required=True,
                                    ondelete="cascade")
    step_name = fields.Char(related="initiation_id.current_approval_id.name", string="Current Step")
    decision = fields.Selection([("approved", "Approve"), ("returned", "Return for Changes"), ("rejected", "Reject")],
                                required=True, default="approved")
    comment = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        action = {"approved": "action_approve", "returned": "action_return", "rejected": "action_reject"}
        getattr(self.initiation_id, action[self.decision])(comment=self.comment)
        return {"type": "ir.actions.act_window_close"}
