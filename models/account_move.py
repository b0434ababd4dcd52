from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    spm_collection_line_ids = fields.Many2many(
        "spm.collection.line", "spm_collection_line_account_move_rel", "move_id", "line_id",
        string="Collection Installments", copy=False, readonly=True)
