from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount

from .spm_translation import copy_translations

MANAGER_GROUP = "sales_project_management.group_spm_manager"
STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("returned", "Returned"),
    ("approved", "Approved"),
    ("cancelled", "Cancelled"),
]
EDITABLE_STATES = ("draft", "returned")
# states of a quotation whose contract may be reviewed
QUOTATION_STATES = ("draft", "sent")


class SpmContractReview(models.Model):
    """合同评审: the contract of a sales project's order checked against the project's charter before the order
    is confirmed.

    The requester (the order's salesperson) drafts the checklist; the review is then decided along the chain
    ``contract_review`` (``spm.approval.mixin``: frozen at submission, locked decisions, the requester never
    approves). Each step has a role (legal, finance, delivery): its approver checks the checklist items of that
    role before approving. An item found to be an issue is approved only with a comment saying how it is settled
    or why it is accepted; otherwise the approver returns the review to the requester, who revises and resubmits
    it. The approval holds for the order's total when it was submitted (``amount_reviewed``)."""
    _name = "spm.contract.review"
    _description = "Contract Review"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.approval.mixin", "spm.workflow.mixin"]
    _order = "id desc"
    # set by the workflow only (in sudo), never by a user's write, import or RPC call
    _spm_workflow_fields = ("name", "user_id", "state", "grade_id", "approval_ids", "date_submitted", "date_decided",
                            "amount_reviewed")
    _spm_parent_fields = ("order_id",)
    _spm_create_ignores_workflow = True
    _spm_editable_states = EDITABLE_STATES
    _spm_activity_type = "sales_project_management.mail_activity_type_contract_review_approval"
    _spm_decision_wizard = "spm.contract.review.decision.wizard"
    _spm_chain = "contract_review"

    name = fields.Char("Reference", required=True, readonly=True, copy=False, index="trigram",
                       default=lambda self: self.env._("New"))
    order_id = fields.Many2one(
        "sale.order", required=True, index=True, ondelete="cascade", tracking=True,
        domain="[('spm_project_id', '!=', False), ('state', 'in', ('draft', 'sent'))]",
        help="The quotation of a sales project whose contract is reviewed.")
    project_id = fields.Many2one(related="order_id.spm_project_id", string="Sales Project", store=True,
                                 index="btree_not_null")
    lead_id = fields.Many2one("crm.lead", string="Opportunity", compute="_compute_lead_id", store=True,
                              index="btree_not_null")
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", compute="_compute_team_id", store=True,
                              index="btree_not_null")
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    salesperson_id = fields.Many2one(related="order_id.user_id", string="Salesperson")
    user_id = fields.Many2one("res.users", string="Requested By", required=True, readonly=True, index=True,
                              default=lambda self: self.env.user, tracking=True)
    grade_id = fields.Many2one("spm.grade", readonly=True, tracking=True,
                               help="The sales project's grade when the review was submitted.")
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, copy=False, index=True,
                             tracking=True)
    date_submitted = fields.Datetime("Submitted On", readonly=True, copy=False)
    date_decided = fields.Datetime("Decided On", readonly=True, copy=False)

    # what is reviewed
    currency_id = fields.Many2one(related="order_id.currency_id")
    amount_total = fields.Monetary(related="order_id.amount_total", string="Order Total")
    amount_reviewed = fields.Monetary(
        readonly=True, copy=False,
        help="The order's total when the review was submitted: the approval holds for this amount.")
    amount_changed = fields.Boolean("Order Changed", compute="_compute_amount_changed")
    payment_term_id = fields.Many2one(related="order_id.payment_term_id", string="Payment Terms")
    contract_number = fields.Char(related="order_id.spm_contract_number")
    warranty_months = fields.Integer(related="order_id.spm_warranty_months", string="Warranty (months)")
    collection_template_id = fields.Many2one(
        "spm.collection.template", string="Collection Plan",
        help="The installments the contract's payment terms follow (e.g. 30 % advance, 40 % on delivery, 30 % on "
             "acceptance): finance checks them against the contract.")
    summary = fields.Html("Contract Summary",
                          help="The key terms of the contract: deliverables, payment, acceptance, penalties, warranty.")
    charter = fields.Html("Project Charter", compute="_compute_charter", compute_sudo=True,
                          help="The sales project's objective and success criteria, which the contract must match.")
    item_ids = fields.One2many("spm.contract.review.item", "review_id", string="Checklist", copy=True,
                               default=lambda self: self._default_item_ids())

    approval_ids = fields.One2many("spm.contract.review.approval", "review_id", string="Approvals", copy=False)
    current_approval_id = fields.Many2one("spm.contract.review.approval", compute="_compute_current_approval",
                                          string="Current Step")
    can_decide = fields.Boolean(compute="_compute_current_approval", search="_search_can_decide",
                                string="To Decide by Me")

    @api.model
    def _default_item_ids(self):
        """The default checklist: the templates of the user's company (or of every company)."""
        templates = self.env["spm.contract.review.item.template"].search(
            [("company_id", "in", [False, self.env.company.id])])
        return [Command.create({"template_id": template.id, "sequence": template.sequence, "name": template.name,
                                "description": template.description, "role": template.role})
                for template in templates]

    @api.depends("order_id.opportunity_id", "order_id.spm_project_id.spm_lead_id")
    def _compute_lead_id(self):
        for review in self:
            review.lead_id = review.order_id.opportunity_id or review.order_id.spm_project_id.spm_lead_id

    @api.depends("order_id.team_id", "lead_id.team_id")
    def _compute_team_id(self):
        for review in self:
            review.team_id = review.order_id.team_id or review.lead_id.team_id

    @api.depends("state", "amount_reviewed", "amount_total", "currency_id")
    def _compute_amount_changed(self):
        for review in self:
            review.amount_changed = review.state in ("submitted", "approved") and bool(
                review.currency_id.compare_amounts(review.amount_total, review.amount_reviewed))

    @api.depends("project_id.spm_objective", "project_id.spm_success_criterion_ids.target")
    @api.depends_context("lang")
    def _compute_charter(self):
        for review in self:
            project = review.project_id
            criteria = project.spm_success_criterion_ids
            comparators = dict(criteria._fields["comparator"]._description_selection(self.env))
            lines = Markup().join(
                Markup("<li>%s %s %s %s</li>") % (criterion.name, comparators[criterion.comparator],
                                                  f"{criterion.target:g}", criterion.unit or "")
                for criterion in criteria)
            review.charter = (project.spm_objective or Markup()) + (Markup("<ul>%s</ul>") % lines if criteria else "")

    @api.constrains("order_id", "state")
    def _check_one_open_review(self):
        for review in self.filtered(lambda r: r.state != "cancelled"):
            others = self.sudo().search_count([("order_id", "=", review.order_id.id), ("state", "!=", "cancelled"),
                                               ("id", "!=", review.id)])
            if others:
                raise ValidationError(self.env._(
                    "The order %s already has a contract review under way: cancel it to start another one.",
                    review.order_id.sudo().name))

    @api.model
    def _spm_prepare_create(self, vals):
        vals["name"] = self.env["ir.sequence"].next_by_code("spm.contract.review") or self.env._("New")
        return vals

    def _spm_check_parents(self, _names):
        """A quotation of a sales project, reviewed at the request of who works it (its salesperson, a manager)."""
        for review in self:
            order = review.order_id
            if not self.env.su:
                try:
                    order.check_access("write")
                except AccessError as error:
                    raise AccessError(self.env._(
                        "Only who works the order %s (its salesperson, a sales manager) asks for its contract review.",
                        order.sudo().name)) from error
            order = order.sudo()
            if not order.spm_project_id:
                raise ValidationError(self.env._(
                    "The order %s is not the contract of a sales project: only those are reviewed.", order.name))
            if order.state not in QUOTATION_STATES:
                raise UserError(self.env._(
                    "The order %s is no longer a quotation: a contract is reviewed before its order is confirmed.",
                    order.name))

    @api.model_create_multi
    def create(self, vals_list):
        reviews = super().create(vals_list)
        # the default checklist speaks every language of its templates
        for item in reviews.item_ids.filtered("template_id"):
            template = item.template_id
            if item.name == template.name:
                copy_translations(template, "name", item.sudo(), "name")
            if template.description and item.description == template.description:
                copy_translations(template, "description", item.sudo(), "description")
        return reviews

    def _spm_editor_refused(self, names):
        return self.env._("Only the requester (or a sales projects manager) changes the contract review %s.", names)

    def _spm_locked_refused(self, names):
        return self.env._("The contract review %s is no longer a draft; only a returned review can be changed.", names)

    def _spm_refuse(self, names):
        raise AccessError(self.env._("The status, approvals and reviewed amount of a contract review change only "
                                     "through its workflow (submit, approve, return, cancel)."))

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        # the checklist's items check their own changes: the reviewers give their results on a submitted review
        content = set(vals) - {"message_main_attachment_id", "activity_ids", "message_follower_ids", "item_ids"}
        if content and not self.env.su:
            self._spm_check_editor()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unsubmitted_drafts(self):
        self._spm_check_editor()
        if self.filtered(lambda r: r.state != "draft" or r.approval_ids):
            raise UserError(self.env._("Only a draft contract review never submitted can be deleted; cancel the "
                                       "others."))

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def action_submit(self):
        roles = dict(self.env["spm.contract.review.item"]._fields["role"]._description_selection(self.env))
        for review in self:
            if review.state not in EDITABLE_STATES:
                raise UserError(self.env._("Only a draft or returned contract review can be submitted."))
            if review.user_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("Only the requester submits their contract review."))
            order = review.order_id.sudo()
            if order.state not in QUOTATION_STATES:
                raise UserError(self.env._(
                    "The order %s is no longer a quotation: a contract is reviewed before its order is confirmed.",
                    order.name))
            if not review.item_ids:
                raise UserError(self.env._("The contract review %s has no checklist to check.", review.name))
            grade = order.spm_project_id.spm_grade_id
            steps = self.env["spm.approval.step"]._spm_chain_steps(self._spm_chain, grade, review.company_id)
            unchecked = set(review.item_ids.mapped("role")) - set(steps.mapped("review_role"))
            if steps and unchecked:
                raise UserError(self.env._(
                    "No step of the contract review chain checks the items of %(review)s whose reviewer is %(roles)s: "
                    "give a step that role (Configuration > Review Chains) or change the items' reviewer.",
                    roles=", ".join(sorted(roles[role] for role in unchecked)), review=review.name))
            # every round is checked anew: the last round's results stay in its approvals and the chatter
            review.item_ids.sudo().write({"result": False, "comment": False})
            review._spm_start_round(grade, {
                "state": "submitted",
                "grade_id": grade.id,
                "date_submitted": fields.Datetime.now(),
                "date_decided": False,
                "amount_reviewed": order.amount_total,
            })
        return True

    def _spm_resolve_step(self, step):
        values = super()._spm_resolve_step(step)
        values["review_role"] = step.review_role
        return values

    def _spm_check_items(self, line):
        """The approver of ``line`` approves once the items of the step's role are checked, each issue explained,
        and the order is still the one reviewed."""
        self.ensure_one()
        roles = dict(self.env["spm.contract.review.item"]._fields["role"]._description_selection(self.env))
        items = self.item_ids.filtered(lambda item: item.role == line.review_role)
        unchecked = items.filtered(lambda item: not item.result)
        if unchecked:
            raise UserError(self.env._(
                "Check every item of the reviewer “%(role)s” of %(review)s before approving it; not checked yet: "
                "%(items)s.",
                role=roles[line.review_role], review=self.name, items=", ".join(unchecked.mapped("name"))))
        unexplained = items.filtered(lambda item: item.result == "issue" and not (item.comment or "").strip())
        if unexplained:
            raise UserError(self.env._(
                "%(items)s of %(review)s is an issue: return the review to the requester, or say in the item's comment "
                "how the issue is settled or why it is accepted.",
                items=", ".join(unexplained.mapped("name")), review=self.name))
        if self.amount_changed:
            raise UserError(self.env._(
                "The order %(order)s changed since %(review)s was submitted (reviewed: %(reviewed)s, now: %(total)s): "
                "return the review for the requester to submit it again.",
                order=self.order_id.sudo().name, review=self.name,
                reviewed=format_amount(self.env, self.amount_reviewed, self.currency_id),
                total=format_amount(self.env, self.amount_total, self.currency_id)))

    def _spm_decide(self, decision, comment=None, approval_id=None):
        self.ensure_one()
        if decision == "approved":
            # decided on the locked review: the step checked is the step approved
            self._spm_lock()
            line = self.current_approval_id
            if (self.state == "submitted" and line and approval_id in (None, line.id)
                    and line._spm_can_act(self.env.user)):
                self._spm_check_items(line)
        return super()._spm_decide(decision, comment, approval_id)

    def action_return(self, comment=None, approval_id=None):
        return self._spm_decide("returned", comment, approval_id)

    def _spm_approval_team(self):
        return self.team_id

    def _spm_approval_subject(self):
        return self.order_id.name

    def _spm_chain_approved(self, now):
        self.write({"state": "approved", "date_decided": now})
        issues = self.item_ids.filtered(lambda item: item.result == "issue")
        body = Markup("<p>%s</p>") % self.env._("Contract review %s approved: the order may be confirmed.", self.name)
        if issues:
            body += Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Accepted with these reservations:"),
                Markup().join(Markup("<li>%s: %s</li>") % (item.name, item.comment) for item in issues))
        self.order_id.message_post(body=body)

    def _spm_chain_refused(self, _decision, comment, now):
        """Rejected or returned, the review goes back to its requester, who revises and resubmits it."""
        self.write({"state": "returned", "date_decided": now})
        self.activity_schedule(self._spm_activity_type, user_id=self.user_id.id,
                               summary=self.env._("Revise and resubmit"), note=comment)

    def action_cancel(self):
        for review in self:
            if review.state == "cancelled":
                raise UserError(self.env._("The contract review %s is already cancelled.", review.name))
            if review.state == "approved" and review.order_id.sudo().state not in QUOTATION_STATES:
                raise UserError(self.env._(
                    "The contract review %s approved an order since confirmed: it stays as the order's record.",
                    review.name))
            if review.user_id != self.env.user and not self.env.user.has_group(MANAGER_GROUP) and not self.env.su:
                raise AccessError(self.env._("Only the requester or a sales projects manager cancels a contract "
                                             "review."))
        self.approval_ids.filtered(lambda a: a.state == "pending").sudo().write({"state": "skipped"})
        self._spm_close_activities()
        self.sudo().write({"state": "cancelled"})
        return True

    def action_open_order(self):
        self.ensure_one()
        return self.order_id._get_records_action()
