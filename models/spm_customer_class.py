from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmCustomerClass(models.Model):
    """客户分类: a class of customers (战略客户, 重点客户, 普通客户, 潜在客户) and how each is served: the longest
    time between two held visits, and the cadence of the return visits (回访) after delivery."""
    _name = "spm.customer.class"
    _description = "Customer Class"
    _inherit = ["spm.workflow.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to use the class in every company.")
    visit_interval_days = fields.Integer(
        "Visit Every (days)", required=True, default=30,
        help="The longest time allowed between two visits held with a customer of this class: the customer's "
             "salesperson is reminded once the time is over.")
    return_visit_interval_days = fields.Integer(
        "Return Visit Every (days)", default=90,
        help="After the final acceptance of a project, a return visit (回访) is planned at this cadence while the "
             "warranty runs (0: none).")
    description = fields.Text(translate=True, help="How customers of this class are sold to and served.")
    customer_count = fields.Integer("Customers", compute="_compute_customer_count")

    _sql_constraints = [
        ("visit_interval_positive", "CHECK(visit_interval_days > 0)",
         "A customer class is visited at least every so many days (more than 0)."),
        ("return_visit_interval_positive", "CHECK(return_visit_interval_days >= 0)",
         "The return visits of a customer class are every so many days (0: none), not fewer."),
    ]

    def _compute_customer_count(self):
        counts = dict(self.env["res.partner"]._read_group(
            [("spm_customer_class_id", "in", self.ids)], ["spm_customer_class_id"], ["__count"]))
        for customer_class in self:
            customer_class.customer_count = counts.get(customer_class, 0)

    @api.constrains("visit_interval_days", "return_visit_interval_days")
    def _check_intervals(self):
        for customer_class in self:
            if customer_class.visit_interval_days > 3660 or customer_class.return_visit_interval_days > 3660:
                raise ValidationError(self.env._("“%s”: an interval is at most ten years.", customer_class.name))

    def action_view_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_customer_action")
        action["domain"] = [("spm_customer_class_id", "=", self.id)]
        return action
