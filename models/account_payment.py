from odoo import fields, models


class AccountPayment(models.Model):
    _name = "account.payment"
    _inherit = ["account.payment", "spm.workflow.mixin"]
    # a bid's bond payments are made by the bid's buttons (Pay Bond, Register Return), never linked by hand
    _spm_workflow_fields = ("spm_bid_id",)

    spm_bid_id = fields.Many2one("spm.bid", string="Bid Bond Of", index="btree_not_null", ondelete="restrict",
                                 readonly=True, copy=False,
                                 help="The bid whose bond (投标保证金) this payment sends or receives back.")

    def action_post(self):
        res = super().action_post()
        self.spm_bid_id._spm_reconcile_bond()
        return res
