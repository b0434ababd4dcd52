from odoo import api, fields, models


class SpmCommissionTier(models.Model):
    _name = "spm.commission.tier"
    _description = "Commission Tier"
    _inherit = ["spm.workflow.mixin"]
    _order = "rule_id, achievement_from, id"

    rule_id = fields.Many2one("spm.commission.rule", required=True, index=True, ondelete="cascade")
    achievement_from = fields.Float("From Achievement (%)", digits=(16, 2), required=True,
                                    help="The tier runs from this share of the salesperson's target to date up to "
                                         "the next tier's start.")
    rate = fields.Float("Rate (%)", digits=(16, 4), required=True)

    @api.constrains("achievement_from", "rate")
    def _check_rule(self):
        self.rule_id._check_tiers()
