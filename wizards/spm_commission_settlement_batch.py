from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmCommissionSettlementBatch(models.TransientModel):
    """Settle a month: one draft settlement per person with commission lines."""
    _name = "spm.commission.settlement.batch"
    _description = "Settle Commissions of a Month"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)
    month = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).month)

    @api.constrains("month", "year")
    def _check_month(self):
        for batch in self:
            if not 1 <= batch.month <= 12 or not 2000 <= batch.year <= 2100:
                raise ValidationError(self.env._("Choose a month from 1 to 12 of a year from 2000 to 2100."))

    def action_generate(self):
        self.ensure_one()
        return self.env["spm.commission.settlement"].action_generate(self.year, self.month, self.company_id.id)
