from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        """A receipt of money on a project's invoice earns its commission lines (dated by the payment)."""
        partials = super().create(vals_list)
        self.env["spm.commission.line"]._spm_from_receipts(partials.ids)
        return partials

    def unlink(self):
        """Money unreconciled (payment cancelled, reset, unmatched) takes its commission back."""
        ids = self.ids
        res = super().unlink()
        self.env["spm.commission.line"]._spm_claw_back_receipts(ids)
        return res
