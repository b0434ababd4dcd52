from odoo import api, fields, models
from odoo.exceptions import UserError

DECISION_ACTIONS = {"approved": "action_approve", "returned": "action_return", "rejected": "action_reject"}


class SpmApprovalDecisionMixin(models.AbstractModel):
    """The decision wizard of a request of ``spm.approval.mixin``: it carries the step it was opened
    on (``approval_id``), so that a decision on a step decided meanwhile is refused.

    A wizard using it declares the many2one to its request (named by ``_spm_request_field``),
    ``approval_id`` and ``decision``."""
    _name = "spm.approval.decision.mixin"
    _description = "Approval Decision"

    _spm_request_field = None

    comment = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        requests = self.env[self._fields[self._spm_request_field].comodel_name]
        for vals in vals_list:
            if not vals.get("approval_id") and vals.get(self._spm_request_field):
                request = requests.browse(vals[self._spm_request_field])
                vals["approval_id"] = request.current_approval_id.id
                if not vals["approval_id"]:
                    raise UserError(self.env._("%s is not waiting for a decision.", request.name))
        wizards = super().create(vals_list)
        for wizard in wizards:
            if wizard.approval_id._spm_request() != wizard[self._spm_request_field]:
                raise UserError(self.env._("The step to decide belongs to another request."))
        return wizards

    def action_confirm(self):
        self.ensure_one()
        request = self[self._spm_request_field]
        getattr(request, DECISION_ACTIONS[self.decision])(comment=self.comment, approval_id=self.approval_id.id)
        return {"type": "ir.actions.act_window_close"}
