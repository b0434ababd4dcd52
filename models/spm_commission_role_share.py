from odoo import api, fields, models

from .spm_commission_rule import SHARE_ROLES


class SpmCommissionRoleShare(models.Model):
    _name = "spm.commission.role.share"
    _description = "Commission Role Share"
    _inherit = ["spm.workflow.mixin"]
    _order = "rule_id, sequence, id"

    rule_id = fields.Many2one("spm.commission.rule", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    role = fields.Selection(SHARE_ROLES, required=True,
                            help="Salesperson: the sale order's salesperson. Another role: the project team's members "
                                 "of that role (the project's manager for the project manager when the team names "
                                 "none), sharing it equally. Channel manager: the salesperson of the channel partner "
                                 "who brought the project (channel projects only).")
    share = fields.Float("Share (%)", digits=(5, 2), required=True)

    @api.constrains("role", "share")
    def _check_rule(self):
        self.rule_id._check_shares()
