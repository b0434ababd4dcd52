from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    spm_date_sent = fields.Datetime(
        "Quotation Sent On", readonly=True, copy=False, index="btree_not_null",
        help="When the quotation was last sent to the customer (by email or marked as sent).")

    def write(self, vals):
        # sending by email marks the order sent without tracking: the date is kept here, for the daily report
        if vals.get("state") == "sent" and "spm_date_sent" not in vals:
            vals = dict(vals, spm_date_sent=fields.Datetime.now())
        return super().write(vals)
