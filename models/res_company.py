from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    spm_collection_post_invoice = fields.Boolean(
        "Post Installment Invoices at Once",
        help="Invoices of payment collection installments are posted as soon as they are made; otherwise they "
             "are drafts for the accountant to check and post.")
