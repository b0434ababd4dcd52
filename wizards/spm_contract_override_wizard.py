from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

MANAGER_GROUP = "sales_project_management.group_spm_manager"


class SpmContractOverrideWizard(models.TransientModel):
    """A sales projects manager confirms an order of a sales project without an approved contract review, giving
    the reason; the override is kept on the order and logged in its chatter."""
    _name = "spm.contract.override.wizard"
    _description = "Confirm an Order Without Contract Review"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    missing = fields.Text(compute="_compute_missing")
    reason = fields.Text(required=True)

    def _compute_missing(self):
        for wizard in self:
            wizard.missing = wizard.order_id._spm_contract_review_missing() if wizard.order_id else False

    def action_confirm(self):
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._(
                "Only a sales projects manager confirms an order without its contract review."))
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason to confirm the order without its contract review."))
        order = self.order_id
        order.check_access("write")
        if order.state not in ("draft", "sent"):
            raise UserError(self.env._("The order %s is not a quotation to confirm.", order.name))
        # the override is the workflow's, set here only
        order.sudo().write({"spm_contract_override_reason": reason, "spm_contract_override_by_id": self.env.uid,
                            "spm_contract_override_on": fields.Datetime.now()})
        order.message_post(body=Markup("<p>%s</p><p>%s</p>") % (
            self.env._("Confirmed without an approved contract review by %s. Reason:", self.env.user.name), reason))
        order.action_confirm()
        return {"type": "ir.actions.act_window_close"}
