from odoo import api, fields, models
from odoo.tools import SQL, sql

# the sales project of an order: the project whose collection plan has it, else the delivery project of its
# opportunity, else the project the order is linked to when that is a sales project
ORDER_PROJECT_SQL = """
    COALESCE((SELECT MIN(l.project_id) FROM spm_collection_line l WHERE l.sale_order_id = so.id),
             (SELECT lead.spm_project_id FROM crm_lead lead WHERE lead.id = so.opportunity_id),
             (SELECT p.id FROM project_project p WHERE p.id = so.project_id AND p.spm_grade_id IS NOT NULL))
"""


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "spm.workflow.mixin"]
    # when the quotation was sent: set by sending it, for the daily report
    _spm_workflow_fields = ("spm_date_sent",)

    spm_date_sent = fields.Datetime(
        "Quotation Sent On", readonly=True, copy=False, index="btree_not_null",
        help="When the quotation was last sent to the customer (by email or marked as sent).")
    spm_collection_line_ids = fields.One2many("spm.collection.line", "sale_order_id", string="Collection Plan")
    spm_project_id = fields.Many2one(
        "project.project", string="Sales Project", compute="_compute_spm_project_id", store=True,
        index="btree_not_null", help="The sales project whose money this order brings: the project whose collection "
                                     "plan has it, else the delivery project of its opportunity.")

    def _auto_init(self):
        """On an existing database the column is filled in SQL, not record by record."""
        if not sql.column_exists(self.env.cr, self._table, "spm_project_id"):
            sql.create_column(self.env.cr, self._table, "spm_project_id", "int4")
            if sql.table_exists(self.env.cr, "spm_collection_line") and sql.column_exists(
                    self.env.cr, "crm_lead", "spm_project_id"):
                self.env.cr.execute(SQL("UPDATE sale_order so SET spm_project_id = %s", SQL(ORDER_PROJECT_SQL)))
        return super()._auto_init()

    @api.depends("spm_collection_line_ids.project_id", "opportunity_id.spm_project_id", "project_id.spm_grade_id")
    def _compute_spm_project_id(self):
        for order in self:
            plan = order.spm_collection_line_ids.project_id.sorted("id")[:1]
            linked = order.project_id if order.project_id.spm_grade_id else order.project_id.browse()
            order.spm_project_id = plan or order.opportunity_id.spm_project_id or linked

    def _spm_prepare_write(self, vals):
        # sending by email marks the order sent without tracking: the date is kept here, for the daily report
        if vals.get("state") == "sent" and "spm_date_sent" not in vals:
            vals["spm_date_sent"] = fields.Datetime.now()
        return vals
