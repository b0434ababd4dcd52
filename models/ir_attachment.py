from odoo import fields, models


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    spm_document_type_id = fields.Many2one(
        "spm.document.type", string="Project Document Type", index="btree_not_null", ondelete="restrict",
        help="What this document is for the sales project, e.g. requirements specification or contract; "
             "stage gates can require a document of a type.")
