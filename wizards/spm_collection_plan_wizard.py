from odoo import api, fields, models


class SpmCollectionPlanWizard(models.TransientModel):
    _name = "spm.collection.plan.wizard"
    _description = "Apply a Payment Collection Template"

    project_id = fields.Many2one("project.project", required=True, ondelete="cascade")
    sale_order_id = fields.Many2one("sale.order", required=True, ondelete="cascade",
                                    domain="[('state', '=', 'sale'), ('company_id', '=', company_id)]")
    company_id = fields.Many2one(related="project_id.company_id")
    template_id = fields.Many2one("spm.collection.template", required=True, ondelete="cascade")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        project = self.env["project.project"].browse(values.get("project_id"))
        if project and "sale_order_id" in fields_list and not values.get("sale_order_id"):
            orders = self.env["sale.order"].search([
                ("state", "=", "sale"), "|", ("project_id", "=", project.id),
                ("opportunity_id", "=", project.spm_lead_id.id or 0)], limit=1)
            values["sale_order_id"] = orders.id
        return values

    def action_apply(self):
        self.ensure_one()
        self.project_id.action_spm_apply_collection_template(self.template_id, self.sale_order_id)
        return {"type": "ir.actions.act_window_close"}
