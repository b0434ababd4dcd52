from odoo import api, fields, models


class SpmCollectionAttachWizard(models.TransientModel):
    """Attach an invoice of a sales project's order made outside its plan to the installment it settles
    (``spm.collection.line.action_attach_invoice``)."""
    _name = "spm.collection.attach.wizard"
    _description = "Attach an Invoice to an Installment"

    invoice_id = fields.Many2one("account.move", required=True, readonly=True,
                                 domain=[("move_type", "=", "out_invoice")])
    sale_order_id = fields.Many2one(related="invoice_id.spm_sale_order_id", string="Sale Order")
    line_id = fields.Many2one("spm.collection.line", string="Installment", required=True,
                              domain="[('sale_order_id', '=', sale_order_id), ('is_cancelled', '=', False)]")

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        invoice = self.env["account.move"].browse(defaults.get("invoice_id"))
        if invoice and "line_id" in fields_list and not defaults.get("line_id"):
            open_lines = self.env["spm.collection.line"].search([
                ("sale_order_id", "=", invoice.spm_sale_order_id.id), ("is_cancelled", "=", False),
                ("state", "in", ("planned", "to_invoice"))], order="sequence, id")
            same = open_lines.filtered(lambda line: invoice.currency_id.compare_amounts(
                line.amount, invoice.amount_total) == 0)
            defaults["line_id"] = (same or open_lines)[:1].id
        return defaults

    def action_attach(self):
        self.ensure_one()
        self.line_id.action_attach_invoice(self.invoice_id.id)
        return {"type": "ir.actions.act_window_close"}
