from odoo import api, fields, models
from odoo.exceptions import UserError


class SpmInitiationDecisionWizard(models.TransientModel):
    _name = "spm.initiation.decision.wizard"
    _description = "Decide an Initiation Request"

    initiation_id = fields.Many2one("spm.initiation", string="Initiation Request", required=True,
                                    ondelete="cascade")
    approval_id = fields.Many2one("spm.initiation.approval", string="Step", required=True, ondelete="cascade",
                                  help="The step being decided: the decision is refused if it is no longer current.")
    step_name = fields.Char(related="approval_id.name", string="Current Step")
    decision = fields.Selection([("approved", "Approve"), ("returned", "Return for Changes"), ("rejected", "Reject")],
                                required=True, default="approved")
    comment = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("approval_id") and vals.get("initiation_id"):
                request = self.env["spm.initiation"].browse(vals["initiation_id"])
                vals["approval_id"] = request.current_approval_id.id
                if not vals["approval_id"]:
                    raise UserError(self.env._("The initiation request %s is not waiting for a decision.",
                                               request.name))
        wizards = super().create(vals_list)
        for wizard in wizards:
            if wizard.approval_id.initiation_id != wizard.initiation_id:
                raise UserError(self.env._("The step to decide belongs to another initiation request."))
        return wizards

    def action_confirm(self):
        self.ensure_one()
        action = {"approved": "action_approve", "returned": "action_return", "rejected": "action_reject"}
        getattr(self.initiation_id, action[self.decision])(comment=self.comment, approval_id=self.approval_id.id)
        return {"type": "ir.actions.act_window_close"}
