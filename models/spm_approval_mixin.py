from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .spm_translation import copy_translations

MANAGER_GROUP = "sales_project_management.group_spm_manager"


class SpmApprovalMixin(models.AbstractModel):
    """A request approved level by level along the approval chain of a grade (``spm.approval.step``).

    The chain is frozen at submission into approval lines (``approval_ids``, a model inheriting
    ``spm.approval.line.mixin``); every decision goes through ``_spm_decide``, which locks the
    request so that one step is decided exactly once, by its approver: never the requester, and
    nobody for two levels of one round.

    A model using it declares ``user_id`` (the requester), ``company_id``, ``state`` (with
    ``submitted``), ``approval_ids``, ``current_approval_id`` and ``can_decide`` (both computed by
    ``_compute_current_approval``), and implements ``_spm_approval_team``, ``_spm_approval_subject``,
    ``_spm_chain_approved`` and ``_spm_chain_refused``.
    """
    _name = "spm.approval.mixin"
    _description = "Approval Chain"

    # xmlid of the approvers' activity type, and the decision wizard of the model
    _spm_activity_type = None
    _spm_decision_wizard = None
    # states in which the requester (or a manager) may still change the request's content
    _spm_editable_states = ("draft",)
    # the chain of approval steps deciding the requests (spm.approval.step's ``chain``)
    _spm_chain = "initiation"

    def _spm_editor_refused(self, names):
        """The message refusing a change of ``names`` by someone else than the requester."""
        raise NotImplementedError

    def _spm_locked_refused(self, names):
        """The message refusing a change of ``names``, requests no longer editable."""
        raise NotImplementedError

    def _spm_check_editor(self):
        """A request's content is changed by its requester, or a manager, while it is editable."""
        if self.env.su:
            return
        others = self.filtered(lambda r: r.user_id != self.env.user)
        if others and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self._spm_editor_refused(", ".join(others.mapped("name"))))
        locked = self.filtered(lambda r: r.state not in self._spm_editable_states)
        if locked:
            raise UserError(self._spm_locked_refused(", ".join(locked.mapped("name"))))

    def _spm_line_parent(self):
        """Name of the approval lines' many2one to their request."""
        return self._fields["approval_ids"].inverse_name

    def _spm_lines(self):
        return self.env[self._fields["approval_ids"].comodel_name]

    @api.depends("approval_ids.state", "state")
    @api.depends_context("uid")
    def _compute_current_approval(self):
        for request in self:
            pending = request.approval_ids.filtered(lambda a: a.state == "pending").sorted("sequence")[:1]
            request.current_approval_id = pending if request.state == "submitted" else False
            request.can_decide = bool(request.current_approval_id) and request.current_approval_id._spm_can_act(
                self.env.user)

    def _search_can_decide(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        user, parent = self.env.user, self._spm_line_parent()
        lines = self._spm_lines().sudo().search([
            ("state", "=", "pending"), (f"{parent}.state", "=", "submitted"),
            (f"{parent}.user_id", "!=", user.id),
            "|", ("approver_user_id", "=", user.id), ("approver_group_id", "in", user.groups_id.ids),
        ])
        ids = [line[parent].id for line in lines
               if line[parent].current_approval_id == line and line._spm_can_act(user)]
        return [("id", "in" if (operator == "=") == value else "not in", ids)]

    # ------------------------------------------------------------
    # Hooks of the model
    # ------------------------------------------------------------

    def _spm_approval_team(self):
        """The sales team whose leader decides the steps of type “team leader”."""
        raise NotImplementedError

    def _spm_approval_subject(self):
        """What the request is about, named in messages (the opportunity, the project)."""
        raise NotImplementedError

    def _spm_chain_approved(self, now):
        """The last step was approved: the request takes effect (called in sudo)."""
        raise NotImplementedError

    def _spm_chain_refused(self, decision, comment, now):
        """A step was rejected or returned: the request ends or goes back (called in sudo)."""
        raise NotImplementedError

    # ------------------------------------------------------------
    # The chain
    # ------------------------------------------------------------

    def _spm_start_round(self, grade, values):
        """Submit: freeze the chain of ``grade`` into a new round of approval lines written with the
        request's own ``values`` (state, dates), and give the first approvers an activity."""
        self.ensure_one()
        steps = self.env["spm.approval.step"]._spm_chain_steps(self._spm_chain, grade, self.company_id)
        if not steps:
            if self._spm_chain == "initiation":
                raise UserError(self.env._("The grade “%s” has no approval chain.", grade.name))
            chains = dict(self.env["spm.approval.step"]._fields["chain"]._description_selection(self.env))
            raise UserError(self.env._("No approval chain “%(chain)s” is configured for the grade “%(grade)s”.",
                                       chain=chains[self._spm_chain], grade=grade.name or "—"))
        lines = [self._spm_resolve_step(step) for step in steps]
        # the chain is frozen by the workflow, not by the user
        self.sudo().write(dict(values, approval_ids=[Command.create(line) for line in lines]))
        new_round = max(self.approval_ids.mapped("round"))
        for line in self.approval_ids.filtered(lambda a, r=new_round: a.round == r and a.step_id):
            copy_translations(line.step_id, "name", line.sudo(), "name")
        self.message_post(body=self.env._("Submitted for approval (%(grade)s, %(count)s steps).",
                                          grade=grade.name, count=len(lines)))
        self._spm_schedule_activities()

    def _spm_resolve_step(self, step):
        """The frozen approval line of a chain step: who may decide it, for this request."""
        self.ensure_one()
        round_ = max(self.approval_ids.mapped("round") or [0]) + 1
        values = {"step_id": step.id, "name": step.name, "sequence": step.sequence, "round": round_,
                  "state": "pending"}
        user = self.env["res.users"]
        if step.approver_type == "team_leader":
            user = self._spm_approval_team().user_id
            if not user:
                raise UserError(self.env._("The sales team of “%s” has no leader to approve it.",
                                           self._spm_approval_subject()))
        elif step.approver_type == "user":
            user = step.user_id
        if user and user == self.user_id:
            # nobody approves their own request: the step goes to the managers instead
            values["approver_group_id"] = self.env.ref(MANAGER_GROUP).id
        elif user:
            values["approver_user_id"] = user.id
        else:
            values["approver_group_id"] = step.group_id.id
        return values

    def _spm_lock(self):
        """Take the request for this transaction; a concurrent decision fails at once, clearly."""
        self.env.cr.execute(SQL("SELECT id FROM %s WHERE id IN %s FOR UPDATE SKIP LOCKED",
                                SQL.identifier(self._table), tuple(self.ids)))
        if len(self.env.cr.fetchall()) != len(self):
            raise UserError(self.env._("Another approver is deciding %s right now. Reload it and try again.",
                                       ", ".join(self.mapped("name"))))
        self.invalidate_recordset()
        self.approval_ids.invalidate_recordset()

    def _spm_decide(self, decision, comment=None, approval_id=None):
        """Record a decision on the current step; ``approval_id``, when given, is the step the
        decider saw: the decision is refused if another step is current by now."""
        self.ensure_one()
        if decision in ("rejected", "returned") and not (comment or "").strip():
            raise UserError(self.env._("Give a comment to reject or return %s.", self.name))
        if approval_id is not None and (not isinstance(approval_id, int) or isinstance(approval_id, bool)):
            raise UserError(self.env._("The approval step to decide is given by its id."))
        self._spm_lock()
        if self.state != "submitted" or not self.current_approval_id:
            raise UserError(self.env._("%s is not waiting for a decision any more.", self.name))
        line = self.current_approval_id
        if approval_id is not None and line.id != approval_id:
            seen = self._spm_lines().sudo().browse(approval_id).exists()
            raise UserError(self.env._(
                "The step “%(seen)s” of %(request)s has been decided meanwhile; the request now waits for “%(step)s”. "
                "Reload it and decide again.", seen=seen.name or approval_id, request=self.name, step=line.name))
        if not line._spm_can_act(self.env.user):
            raise AccessError(self.env._("You are not the approver of the current step “%(step)s” of %(request)s.",
                                         step=line.name, request=self.name))
        now = fields.Datetime.now()
        line.sudo().write({"state": decision, "comment": comment or False, "decided_by_id": self.env.uid,
                           "date": now})
        labels = dict(line._fields["state"]._description_selection(self.env))
        body = Markup("<p><b>%s</b> — %s</p>") % (line.name, labels[decision])
        if comment:
            body += Markup("<p>%s</p>") % comment
        self.sudo().message_post(body=body, author_id=self.env.user.partner_id.id,
                                 subtype_xmlid="mail.mt_comment")
        self._spm_close_activities()
        if decision == "approved":
            if self.current_approval_id:
                self._spm_schedule_activities()
            else:
                self.sudo()._spm_chain_approved(now)
        else:
            self.approval_ids.filtered(lambda a: a.state == "pending").sudo().write({"state": "skipped"})
            self.sudo()._spm_chain_refused(decision, comment, now)
        return True

    def action_approve(self, comment=None, approval_id=None):
        return self._spm_decide("approved", comment, approval_id)

    def action_reject(self, comment=None, approval_id=None):
        return self._spm_decide("rejected", comment, approval_id)

    def action_open_decision(self):
        self.ensure_one()
        wizard = self.env[self._spm_decision_wizard]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decide"),
            "res_model": wizard._name,
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{wizard._spm_request_field}": self.id,
                        "default_approval_id": self.current_approval_id.id,
                        "default_decision": self.env.context.get("spm_decision", "approved")},
        }

    # ------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------

    def _spm_notified_approvers(self, line):
        """Who of the approvers of ``line`` is asked to decide (an activity each; the first to decide closes
        the others'). A step of a group asks the group's members who answer for the request: not the leader
        of another sales team, nor an administrator of the database, nor who decides a later level, unless nobody
        else may decide."""
        self.ensure_one()
        users = line._spm_approver_users().filtered(line._spm_can_act)
        if line.approver_user_id or len(users) < 2:
            return users
        team = self._spm_approval_team()
        other_leaders = self.env["crm.team"].sudo().search(
            [("user_id", "in", users.ids), ("id", "!=", team.id)]).user_id
        administrators = users.filtered(lambda user: user.has_group("base.group_system"))
        later = line._spm_later_approvers()  # the general manager decides his own level, not the director's
        return ((users - other_leaders - administrators - later) or (users - other_leaders - later)
                or (users - other_leaders) or users)

    def _spm_schedule_activities(self):
        for request in self.sudo():
            line = request.current_approval_id
            users = request._spm_notified_approvers(line)
            for user in users:
                request.activity_schedule(
                    self._spm_activity_type, user_id=user.id,
                    summary=self.env._("Approve %(request)s: %(step)s", request=request.name, step=line.name))

    def _spm_close_activities(self):
        activity_type = self.env.ref(self._spm_activity_type)
        activities = self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        mine = activities.filtered(lambda a: a.user_id == self.env.user)
        if mine:
            mine.action_feedback(feedback=self.env._("Decided"))
        (activities - mine).exists().unlink()
