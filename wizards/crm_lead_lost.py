from odoo import models
from odoo.exceptions import UserError


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    def action_lost_reason_apply(self):
        if not self.lost_reason_id:
            raise UserError(self.env._("Choose why the opportunity was lost."))
        return super().action_lost_reason_apply()
