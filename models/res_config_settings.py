from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    spm_collection_post_invoice = fields.Boolean(related="company_id.spm_collection_post_invoice", readonly=False)
    spm_collection_reminder_days = fields.Integer(
        "Collection Reminder (days before due)", default=7,
        config_parameter="sales_project_management.collection_reminder_days")
