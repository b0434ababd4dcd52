from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    # the month (YYYY-MM) the salesperson was last reminded of their incomplete customer files (the monthly job)
    spm_file_reminded_month = fields.Char("Customer Files Reminded", readonly=True, copy=False)
