from odoo import api, fields, models
from odoo.exceptions import AccessError

from .spm_approval_step import REVIEW_ROLES

RESULTS = [("ok", "OK"), ("issue", "Issue"), ("na", "Not Applicable")]
# what the reviewer of the item gives; everything else is the requester's draft of the checklist
CHECK_FIELDS = frozenset({"result", "comment"})


class SpmContractReviewItem(models.Model):
    """One point of a contract review's checklist (合同评审表).

    The requester drafts the list while the review is a draft (or returned); once it is submitted, the
    approver of the step that checks the item's role (法务 legal, 财务 finance, 交付 delivery) gives its result
    while that step waits for them, which stamps who checked it and when."""
    _name = "spm.contract.review.item"
    _description = "Contract Review Item"
    _inherit = ["spm.workflow.mixin"]
    _order = "review_id, sequence, id"
    # stamped when the reviewer gives the result, never typed
    _spm_workflow_fields = ("checked_by_id", "checked_on")
    _spm_parent_fields = ("review_id",)

    review_id = fields.Many2one("spm.contract.review", string="Contract Review", required=True, index=True,
                                ondelete="cascade")
    template_id = fields.Many2one("spm.contract.review.item.template", string="Checklist Template",
                                  ondelete="set null", help="The default item this one comes from.")
    sequence = fields.Integer(default=10)
    name = fields.Char("Item", required=True, translate=True)
    description = fields.Text("What to Check", translate=True)
    role = fields.Selection(REVIEW_ROLES, string="Reviewer", required=True, default="legal",
                            help="The reviewer who checks the item: the approver of the chain's step of this role.")
    result = fields.Selection(RESULTS, copy=False,
                              help="Given by the reviewer. An issue is approved only with a comment saying how it is "
                                   "settled or why it is accepted; otherwise the review is returned.")
    comment = fields.Text(copy=False)
    checked_by_id = fields.Many2one("res.users", readonly=True, copy=False, ondelete="restrict")
    checked_on = fields.Datetime(readonly=True, copy=False)
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    review_state = fields.Selection(related="review_id.state", string="Review Status")
    can_check = fields.Boolean("Mine to Check", compute="_compute_can_check")

    @api.depends("role", "review_id.current_approval_id")
    @api.depends_context("uid")
    def _compute_can_check(self):
        for item in self:
            item.can_check = item._spm_checkable_by(self.env.user)

    def _spm_checkable_by(self, user):
        """Whether ``user`` gives the item's result now: the approver of the current step, of the item's role."""
        self.ensure_one()
        line = self.review_id.current_approval_id
        return bool(line) and line.review_role == self.role and line._spm_can_act(user)

    def _spm_check_checker(self):
        if self.env.su:
            return
        roles = dict(self._fields["role"]._description_selection(self.env))
        for item in self:
            if not item._spm_checkable_by(self.env.user):
                raise AccessError(self.env._(
                    "“%(item)s” of %(review)s is checked by the approver of the step of its reviewer (%(role)s), "
                    "while that step waits for a decision.", item=item.name, review=item.review_id.name,
                    role=roles[item.role]))

    def _spm_check_parents(self, _names):
        # the checklist is the requester's draft: changed while the review may be changed
        self.review_id._spm_check_editor()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(CHECK_FIELDS & {name for name, value in vals.items() if value}
                                   for vals in vals_list):
            raise AccessError(self.env._("The reviewers give the results of a checklist when they check it, once the "
                                         "review is submitted."))
        return super().create(vals_list)

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su:
            if CHECK_FIELDS & vals.keys():
                self._spm_check_checker()
            if set(vals) - CHECK_FIELDS:
                self.review_id._spm_check_editor()
        return super().write(vals)

    def _spm_prepare_write(self, vals):
        if CHECK_FIELDS & vals.keys():
            checked = vals.get("result", True)
            vals["checked_by_id"] = self.env.uid if checked else False
            vals["checked_on"] = fields.Datetime.now() if checked else False
        return vals

    @api.ondelete(at_uninstall=False)
    def _unlink_only_from_drafts(self):
        self.review_id._spm_check_editor()
