from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, sql

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
    # when the quotation was sent: set by sending it, for the daily report; the manager's confirmation without an
    # approved contract review: set by its wizard
    _spm_workflow_fields = ("spm_date_sent", "spm_contract_override_reason", "spm_contract_override_by_id",
                            "spm_contract_override_on")
    _sql_constraints = [
        ("spm_contract_number_company_uniq", "unique(company_id, spm_contract_number)",
         "A contract number is given to one order of the company only."),
    ]

    spm_date_sent = fields.Datetime(
        "Quotation Sent On", readonly=True, copy=False, index="btree_not_null",
        help="When the quotation was last sent to the customer (by email or marked as sent).")
    spm_collection_line_ids = fields.One2many("spm.collection.line", "sale_order_id", string="Collection Plan")
    spm_project_id = fields.Many2one(
        "project.project", string="Sales Project", compute="_compute_spm_project_id", store=True,
        index="btree_not_null", help="The sales project whose money this order brings: the project whose collection "
                                     "plan has it, else the delivery project of its opportunity.")

    # The contract (合同): an order of a sales project is confirmed once its contract review is approved
    spm_contract_review_ids = fields.One2many("spm.contract.review", "order_id", string="Contract Reviews")
    spm_contract_review_state = fields.Selection(
        "_selection_spm_contract_review_state", string="Contract Review",
        compute="_compute_spm_contract_review_state", store=True, index="btree_not_null",
        help="The status of the order's contract review (the last one not cancelled).")
    spm_contract_number = fields.Char("Contract Number", copy=False, index="btree_not_null", tracking=True)
    spm_contract_signed_on = fields.Date("Contract Signed On", copy=False, tracking=True)
    spm_contract_effective_on = fields.Date("Contract Effective On", copy=False, tracking=True)
    spm_contract_term_months = fields.Integer("Contract Term (months)", tracking=True,
                                              help="How long the contract runs from its effective date (0: open).")
    spm_contract_end_on = fields.Date("Contract End", compute="_compute_spm_contract_end_on",
                                      help="The effective date plus the contract's term.")
    spm_warranty_months = fields.Integer(
        "Warranty (months)", compute="_compute_spm_warranty_months", store=True, readonly=False, precompute=True,
        tracking=True,
        help="The warranty (质保) the contract gives from the final acceptance: the sales project takes it when the "
             "order is confirmed.")
    spm_attachment_ids = fields.One2many(
        "ir.attachment", "res_id", string="Documents", domain=[("res_model", "=", "sale.order")],
        help="The order's documents with their type, such as the signed contract's scan.")
    spm_contract_signed = fields.Boolean(
        "Contract Signed", compute="_compute_spm_contract_signed",
        help="Signed by the customer online, or its signed scan is among the order's documents.")
    spm_contract_override_reason = fields.Text("Confirmed Without Review Because", readonly=True, copy=False)
    spm_contract_override_by_id = fields.Many2one("res.users", string="Confirmed Without Review By", readonly=True,
                                                  copy=False)
    spm_contract_override_on = fields.Datetime("Confirmed Without Review On", readonly=True, copy=False)

    def _auto_init(self):
        """On an existing database the column is filled in SQL, not record by record."""
        cr = self.env.cr
        if not sql.column_exists(cr, self._table, "spm_contract_review_state"):
            # no order has a contract review yet: nothing to compute
            sql.create_column(cr, self._table, "spm_contract_review_state", "varchar")
        if not sql.column_exists(cr, self._table, "spm_warranty_months"):
            # the company's default warranty (12 months on a company the addon has not set up yet)
            sql.create_column(cr, self._table, "spm_warranty_months", "int4")
            company_default = (SQL("(SELECT c.spm_warranty_months FROM res_company c WHERE c.id = so.company_id)")
                               if sql.column_exists(cr, "res_company", "spm_warranty_months") else SQL("NULL"))
            cr.execute(SQL("UPDATE sale_order so SET spm_warranty_months = COALESCE(%s, 12)", company_default))
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

    @api.model
    def _selection_spm_contract_review_state(self):
        states = self.env["spm.contract.review"]._fields["state"].selection
        return [state for state in states if state[0] != "cancelled"]

    @api.depends("spm_contract_review_ids.state")
    def _compute_spm_contract_review_state(self):
        for order in self:
            review = order.spm_contract_review_ids.filtered(lambda r: r.state != "cancelled").sorted("id")[-1:]
            order.spm_contract_review_state = review.state or False

    @api.depends("company_id")
    def _compute_spm_warranty_months(self):
        for order in self:
            order.spm_warranty_months = order.company_id.spm_warranty_months

    @api.depends("spm_contract_effective_on", "spm_contract_term_months")
    def _compute_spm_contract_end_on(self):
        for order in self:
            start, months = order.spm_contract_effective_on, order.spm_contract_term_months
            order.spm_contract_end_on = start + relativedelta(months=months) if start and months else False

    @api.depends("signed_on", "spm_attachment_ids.spm_document_type_id")
    def _compute_spm_contract_signed(self):
        scan = self.env.ref("sales_project_management.doc_type_contract_scan", raise_if_not_found=False)
        for order in self:
            order.spm_contract_signed = bool(order.signed_on) or (
                bool(scan) and scan in order.spm_attachment_ids.spm_document_type_id)

    @api.constrains("spm_contract_term_months", "spm_warranty_months")
    def _check_spm_contract_months(self):
        for order in self:
            if order.spm_contract_term_months < 0:
                raise ValidationError(self.env._("“%s”: a contract term cannot be negative.", order.name))
            if not 0 <= order.spm_warranty_months <= 240:
                raise ValidationError(self.env._("“%s”: a warranty lasts from 0 to 240 months.", order.name))

    @api.model
    def _spm_prepare_create(self, vals):
        return self._spm_clean_contract_number(vals)

    def _spm_prepare_write(self, vals):
        # sending by email marks the order sent without tracking: the date is kept here, for the daily report
        if vals.get("state") == "sent" and "spm_date_sent" not in vals:
            vals["spm_date_sent"] = fields.Datetime.now()
        return self._spm_clean_contract_number(vals)

    @api.model
    def _spm_clean_contract_number(self, vals):
        """A contract number is kept without its surrounding spaces; an empty one is none."""
        if "spm_contract_number" in vals:
            vals["spm_contract_number"] = (vals["spm_contract_number"] or "").strip() or False
        return vals

    def write(self, vals):
        if vals.get("state") == "sale":
            # confirmed by any path (the button, a customer's online signature or payment, an RPC write)
            for order in self.filtered(lambda o: o.state != "sale"):
                missing = order._spm_contract_review_missing()
                if missing:
                    raise UserError(missing)
        res = super().write(vals)
        if "spm_warranty_months" in vals:
            self._spm_apply_contract_to_project()
        return res

    # ------------------------------------------------------------
    # The contract review gate of the confirmation
    # ------------------------------------------------------------

    def _spm_contract_review_missing(self):
        """Why this order may not be confirmed yet for want of its contract review, or False: an order of a sales
        project is confirmed once its review is approved for its current total, or by a manager without review."""
        self.ensure_one()
        if not self.spm_project_id or self.spm_contract_override_on:
            return False
        review = self.sudo().spm_contract_review_ids.filtered(lambda r: r.state != "cancelled").sorted("id")[-1:]
        project = self.sudo().spm_project_id.name
        if not review:
            return self.env._(
                "%(order)s is the contract of the sales project “%(project)s”: it is confirmed once its contract "
                "review is approved. Request the review (button “Contract Review”), or ask a sales projects manager "
                "to confirm it without review, giving the reason.", order=self.name, project=project)
        if review.state == "draft":
            return self.env._("The contract review %(review)s of %(order)s is still a draft: submit it for approval.",
                              review=review.name, order=self.name)
        if review.state == "returned":
            return self.env._("The contract review %(review)s of %(order)s was returned: revise it and submit it "
                              "again.", review=review.name, order=self.name)
        if review.state == "submitted":
            return self.env._("The contract review %(review)s of %(order)s waits for “%(step)s”.",
                              review=review.name, order=self.name, step=review.current_approval_id.name)
        if review.currency_id.compare_amounts(self.amount_total, review.amount_reviewed):
            return self.env._(
                "%(order)s changed since its contract review %(review)s was approved (reviewed: %(reviewed)s, now: "
                "%(total)s): cancel the review and submit a new one.", order=self.name, review=review.name,
                reviewed=format_amount(self.env, review.amount_reviewed, review.currency_id),
                total=format_amount(self.env, self.amount_total, self.currency_id))
        return False

    def _confirmation_error_message(self):
        return super()._confirmation_error_message() or self._spm_contract_review_missing()

    def _has_to_be_signed(self):
        """A sales project's quotation is offered for the customer's online signature once its contract is
        reviewed: the signature confirms the order."""
        return super()._has_to_be_signed() and not self._spm_contract_review_missing()

    def _action_confirm(self):
        res = super()._action_confirm()
        self._spm_apply_contract_to_project()
        return res

    def action_draft(self):
        """A cancelled order set back to a quotation is confirmed again only through its review (or a new
        override)."""
        overridden = self.filtered("spm_contract_override_on")
        res = super().action_draft()
        if overridden:
            overridden.sudo().write({"spm_contract_override_reason": False, "spm_contract_override_by_id": False,
                                     "spm_contract_override_on": False})
        return res

    def _spm_apply_contract_to_project(self):
        """The sales project of a confirmed order takes the contract's warranty."""
        for order in self.filtered(lambda o: o.state == "sale" and o.spm_project_id):
            project = order.spm_project_id.sudo()
            if project.spm_warranty_months != order.spm_warranty_months:
                project.spm_warranty_months = order.spm_warranty_months

    def action_spm_open_contract_review(self):
        """The order's contract review under way (or approved), else a new one for it."""
        self.ensure_one()
        review = self.spm_contract_review_ids.filtered(lambda r: r.state != "cancelled").sorted("id")[-1:]
        if review:
            return review._get_records_action(name=self.env._("Contract Review"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Contract Review"),
            "res_model": "spm.contract.review",
            "view_mode": "form",
            "target": "current",
            "context": {"default_order_id": self.id},
        }

    def action_spm_confirm_without_review(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Confirm Without Contract Review"),
            "res_model": "spm.contract.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }
