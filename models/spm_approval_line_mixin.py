from odoo import fields, models


class SpmApprovalLineMixin(models.AbstractModel):
    """One frozen step of a request's approval chain (``spm.approval.mixin``), and its decision."""
    _name = "spm.approval.line.mixin"
    _description = "Approval Step Decision"

    # the many2one of the concrete model to its request
    _spm_request_field = None

    step_id = fields.Many2one("spm.approval.step", string="Chain Step", ondelete="set null")
    round = fields.Integer(default=1, help="Submission the decision belongs to; a returned request starts a new round.")
    sequence = fields.Integer(default=10)
    name = fields.Char("Level", required=True, translate=True)
    approver_user_id = fields.Many2one("res.users", string="Approver", ondelete="restrict")
    approver_group_id = fields.Many2one("res.groups", string="Approving Group", ondelete="restrict")
    state = fields.Selection([
        ("pending", "Pending"),
        ("approved", "Approved"),
        ("rejected", "Rejected"),
        ("returned", "Returned"),
        ("skipped", "Not Reached"),
    ], default="pending", required=True, index=True)
    comment = fields.Text()
    decided_by_id = fields.Many2one("res.users", ondelete="restrict")
    date = fields.Datetime("Decided On")

    def _spm_request(self):
        return self[self._spm_request_field]

    def _spm_approver_users(self):
        self.ensure_one()
        if self.approver_user_id:
            return self.approver_user_id
        company = self._spm_request().company_id
        return self.approver_group_id.sudo().users.filtered(
            lambda u: u.active and not u.share and (not company or company in u.company_ids))

    def _spm_can_act(self, user):
        """The approver of this step: never the requester, nor who already approved another level, nor the only
        approver of a later level (deciding this one would leave that level without anyone to decide it: the
        general manager is also a manager, but the director's step is not his)."""
        self.ensure_one()
        request = self._spm_request()
        if self.state != "pending" or user == request.user_id:
            return False
        same_round = request.approval_ids.filtered(lambda a: a.round == self.round and a.state == "approved")
        if user in same_round.decided_by_id:
            return False  # each level is decided by someone else
        if self.approver_user_id:
            return user == self.approver_user_id
        if user in self._spm_later_approvers(sole=True):
            return False
        return self.approver_group_id in user.groups_id and (
            not request.company_id or request.company_id in user.company_ids)

    def _spm_later_steps(self):
        request = self._spm_request()
        return request.approval_ids.filtered(
            lambda a: a.round == self.round and a.state == "pending" and (a.sequence, a.id) > (self.sequence, self.id))

    def _spm_later_approvers(self, sole=False):
        """Who may decide a later level of the chain (``sole``: who alone may decide one)."""
        self.ensure_one()
        requester = self._spm_request().user_id
        approvers = self.env["res.users"]
        for step in self._spm_later_steps():
            users = step._spm_approver_users() - requester
            if not sole or len(users) == 1:
                approvers |= users
        return approvers
