
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .crm_lead import INITIATION_STATES
from .spm_translation import copy_translations

EDITABLE_STATES = ("draft", "returned")
# set by the workflow only (in sudo), never by a user's write, import or RPC call
WORKFLOW_FIELDS = {"name", "user_id", "state", "grade_id", "approval_ids", "project_id", "date_submitted",
                   "date_decided"}


class SpmInitiation(models.Model):
    """立项申请: the initiation request of an opportunity, approved level by level as its grade requires.

    The chain is frozen at submission into ``approval_ids``; every decision goes through
    ``_spm_decide``, which locks the request so that one step is decided exactly once.
    """
    _name = "spm.initiation"
    _description = "Initiation Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char("Reference", required=True, readonly=True, copy=False, index="trigram",
                       default=lambda self: self.env._("New"))
    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, index=True, ondelete="restrict",
                              tracking=True, domain="[('type', '=', 'opportunity')]")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    team_id = fields.Many2one(related="lead_id.team_id", store=True, string="Sales Team")
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Customer")
    user_id = fields.Many2one("res.users", string="Requested By", required=True, readonly=True, index=True,
                              default=lambda self: self.env.user, tracking=True)
    grade_id = fields.Many2one("spm.grade", readonly=True, tracking=True,
                               help="The opportunity's grade when the request was submitted.")
    state = fields.Selection(INITIATION_STATES, default="draft", required=True, readonly=True, copy=False, index=True,
                             tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_submitted = fields.Datetime("Submitted On", readonly=True, copy=False)
    date_decided = fields.Datetime("Decided On", readonly=True, copy=False)

    # 立项报告 content
    objective = fields.Html(help="What the project must achieve: revenue, deadline, strategic goal.")
    scope = fields.Html()
    expected_revenue = fields.Monetary(currency_field="currency_id")
    budget = fields.Monetary(currency_field="currency_id", help="Cost budget of the project.")
    date_start = fields.Date("Planned Start")
    date_end = fields.Date("Planned End")
    milestones = fields.Html()
    risk_analysis = fields.Html()
    resource_needs = fields.Html()
    member_ids = fields.One2many("spm.initiation.member", "initiation_id", string="Proposed Team", copy=True)

    approval_ids = fields.One2many("spm.initiation.approval", "initiation_id", string="Approvals", copy=False)
    current_approval_id = fields.Many2one("spm.initiation.approval", compute="_compute_current_approval",
                                          string="Current Step")
    can_decide = fields.Boolean(compute="_compute_current_approval", search="_search_can_decide",
                                string="To Decide by Me")
    project_id = fields.Many2one("project.project", readonly=True, copy=False)

    _sql_constraints = [
        ("dates_order", "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
         "The planned end cannot come before the planned start."),
    ]

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
        user = self.env.user
        lines = self.env["spm.initiation.approval"].sudo().search([
            ("state", "=", "pending"), ("initiation_id.state", "=", "submitted"),
            ("initiation_id.user_id", "!=", user.id),
            "|", ("approver_user_id", "=", user.id), ("approver_group_id", "in", user.groups_id.ids),
        ])
        ids = [line.initiation_id.id for line in lines
               if line.initiation_id.current_approval_id == line and line._spm_can_act(user)]
        return [("id", "in" if (operator == "=") == value else "not in", ids)]

    @api.constrains("expected_revenue", "budget")
    def _check_amounts(self):
        for request in self:
            if request.expected_revenue < 0 or request.budget < 0:
                raise ValidationError(self.env._("Amounts of an initiation request cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su:
                # a request is always the current user's, and starts as a draft
                for name in WORKFLOW_FIELDS:
                    vals.pop(name, None)
                vals["user_id"] = self.env.uid
            # the reference always comes from the sequence
            vals["name"] = self.env["ir.sequence"].next_by_code("spm.initiation") or self.env._("New")
        if not self.env.su:
            # requesting 立项 changes the opportunity's course: it needs the right to change the opportunity
            leads = self.env["crm.lead"].browse({vals.get("lead_id") for vals in vals_list} - {None, False})
            leads.check_access("write")
        requests = super().create(vals_list)
        for request in requests:
            if request.lead_id.type != "opportunity":
                raise ValidationError(self.env._("An initiation request belongs to an opportunity."))
        return requests

    def _spm_check_editor(self):
        """A request's content is changed by its requester, or a manager, while it is editable."""
        if self.env.su:
            return
        others = self.filtered(lambda r: r.user_id != self.env.user)
        if others and not self.env.user.has_group("sales_project_management.group_spm_manager"):
            raise AccessError(self.env._("Only the requester (or a sales projects manager) changes the initiation "
                                         "request %s.", ", ".join(others.mapped("name"))))
        locked = self.filtered(lambda r: r.state not in EDITABLE_STATES)
        if locked:
            raise UserError(self.env._(
                "The initiation request %s is no longer a draft; only a returned request can be changed.",
                ", ".join(locked.mapped("name"))))

    def write(self, vals):
        content = set(vals) - {"message_main_attachment_id", "activity_ids", "message_follower_ids"}
        if content & WORKFLOW_FIELDS and not self.env.su:
            raise AccessError(self.env._("The status, approvals and project of an initiation request change only "
                                         "through its workflow (submit, approve, return, reject, cancel)."))
        if content:
            self._spm_check_editor()
        if "lead_id" in vals and not self.env.su:
            self.env["crm.lead"].browse(vals["lead_id"]).check_access("write")
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unsubmitted_drafts(self):
        self._spm_check_editor()
        if self.filtered(lambda r: r.state != "draft" or r.approval_ids):
            raise UserError(self.env._("Only a draft request never submitted can be deleted; cancel the others."))

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def action_submit(self):
        for request in self:
            if request.state not in EDITABLE_STATES:
                raise UserError(self.env._("Only a draft or returned request can be submitted."))
            if request.user_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("Only the requester submits their initiation request."))
            grade = request.lead_id.spm_grade_id
            if not grade:
                raise UserError(self.env._("The opportunity “%s” has no grade: set its expected revenue first.",
                                           request.lead_id.name))
            if not grade.approval_step_ids:
                raise UserError(self.env._("The grade “%s” has no approval chain.", grade.name))
            lines = [request._spm_resolve_step(step) for step in grade.approval_step_ids]
            request.sudo().write({  # the chain is frozen by the workflow, not by the user
                "state": "submitted",
                "grade_id": grade.id,
                "date_submitted": fields.Datetime.now(),
                "date_decided": False,
                "approval_ids": [Command.create(line) for line in lines],
            })
            new_round = max(request.approval_ids.mapped("round"))
            for line in request.approval_ids.filtered(lambda a, r=new_round: a.round == r and a.step_id):
                copy_translations(line.step_id, "name", line.sudo(), "name")
            request.message_post(body=self.env._("Submitted for approval (%(grade)s, %(count)s steps).",
                                                 grade=grade.name, count=len(lines)))
            request._spm_schedule_activities()
        return True

    def _spm_resolve_step(self, step):
        """The frozen approval line of a chain step: who may decide it, for this request."""
        self.ensure_one()
        round_ = max(self.approval_ids.mapped("round") or [0]) + 1
        values = {"step_id": step.id, "name": step.name, "sequence": step.sequence, "round": round_,
                  "state": "pending"}
        user = self.env["res.users"]
        if step.approver_type == "team_leader":
            user = self.lead_id.team_id.user_id
            if not user:
                raise UserError(self.env._("The sales team of “%s” has no leader to approve it.", self.lead_id.name))
        elif step.approver_type == "user":
            user = step.user_id
        if user and user == self.user_id:
            # nobody approves their own request: the step goes to the managers instead
            values["approver_group_id"] = self.env.ref("sales_project_management.group_spm_manager").id
        elif user:
            values["approver_user_id"] = user.id
        else:
            values["approver_group_id"] = step.group_id.id
        return values

    def _spm_monitor(self):
        """监控人: the grade's monitor, else who approved for its monitor group, else a member of it."""
        self.ensure_one()
        grade = self.grade_id
        if grade.monitor_user_id:
            return grade.monitor_user_id
        if not grade.monitor_group_id:
            return self.lead_id.team_id.user_id
        approvers = self.approval_ids.filtered(
            lambda a: a.state == "approved" and a.approver_group_id == grade.monitor_group_id).decided_by_id
        if approvers:
            return approvers[-1:]
        members = grade.monitor_group_id.sudo().users.filtered(
            lambda u: u.active and not u.share and self.company_id in u.company_ids)
        return members.sorted("id")[:1]

    def _spm_lock(self):
        """Take the request for this transaction; a concurrent decision fails at once, clearly."""
        self.env.cr.execute("SELECT id FROM spm_initiation WHERE id IN %s FOR UPDATE SKIP LOCKED", [tuple(self.ids)])
        if len(self.env.cr.fetchall()) != len(self):
            raise UserError(self.env._(
                "Another approver is deciding this initiation request right now. Reload it and try again."))
        self.invalidate_recordset()
        self.approval_ids.invalidate_recordset()

    def _spm_decide(self, decision, comment=None, approval_id=None):
        """Record a decision on the current step; ``approval_id``, when given, is the step the
        decider saw: the decision is refused if another step is current by now."""
        self.ensure_one()
        if decision in ("rejected", "returned") and not (comment or "").strip():
            raise UserError(self.env._("Give a comment to reject or return an initiation request."))
        if approval_id is not None and (not isinstance(approval_id, int) or isinstance(approval_id, bool)):
            raise UserError(self.env._("The approval step to decide is given by its id."))
        self._spm_lock()
        if self.state != "submitted" or not self.current_approval_id:
            raise UserError(self.env._("The initiation request %s is not waiting for a decision any more.", self.name))
        line = self.current_approval_id
        if approval_id is not None and line.id != approval_id:
            seen = self.env["spm.initiation.approval"].sudo().browse(approval_id).exists()
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
        workflow = self.sudo()
        if decision == "approved":
            if self.current_approval_id:
                self._spm_schedule_activities()
            else:
                workflow.write({"state": "approved", "date_decided": now})
                workflow._spm_create_project()
        else:
            remaining = self.approval_ids.filtered(lambda a: a.state == "pending")
            remaining.sudo().write({"state": "skipped"})
            workflow.write({"state": decision, "date_decided": now})
            if decision == "returned":
                self.sudo().activity_schedule(
                    "sales_project_management.mail_activity_type_initiation_approval", user_id=self.user_id.id,
                    summary=self.env._("Revise and resubmit"), note=comment)
        return True

    def action_approve(self, comment=None, approval_id=None):
        return self._spm_decide("approved", comment, approval_id)

    def action_reject(self, comment=None, approval_id=None):
        return self._spm_decide("rejected", comment, approval_id)

    def action_return(self, comment=None, approval_id=None):
        return self._spm_decide("returned", comment, approval_id)

    def action_cancel(self):
        for request in self:
            if request.state in ("approved", "rejected", "cancelled"):
                raise UserError(self.env._("The request %s is already closed.", request.name))
            if request.user_id != self.env.user and not self.env.user.has_group(
                    "sales_project_management.group_spm_manager"):
                raise AccessError(self.env._("Only the requester or a manager cancels an initiation request."))
        self.approval_ids.filtered(lambda a: a.state == "pending").sudo().write({"state": "skipped"})
        self._spm_close_activities()
        self.sudo().write({"state": "cancelled"})
        return True

    def action_open_decision(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decide"),
            "res_model": "spm.initiation.decision.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_initiation_id": self.id, "default_approval_id": self.current_approval_id.id,
                        "default_decision": self.env.context.get("spm_decision", "approved")},
        }

    def action_open_project(self):
        self.ensure_one()
        return self.project_id._get_records_action() if self.project_id else False

    # ------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------

    def _spm_schedule_activities(self):
        for request in self.sudo():
            line = request.current_approval_id
            users = line._spm_approver_users().filtered(line._spm_can_act)
            for user in users:
                request.activity_schedule(
                    "sales_project_management.mail_activity_type_initiation_approval", user_id=user.id,
                    summary=self.env._("Approve %(request)s: %(step)s", request=request.name, step=line.name))

    def _spm_close_activities(self):
        activity_type = self.env.ref("sales_project_management.mail_activity_type_initiation_approval")
        activities = self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        mine = activities.filtered(lambda a: a.user_id == self.env.user)
        if mine:
            mine.action_feedback(feedback=self.env._("Decided"))
        (activities - mine).exists().unlink()

    # ------------------------------------------------------------
    # The delivery project
    # ------------------------------------------------------------

    def _spm_create_project(self):
        """Create (or complete the linked) project.project of an approved request."""
        for request in self:
            lead = request.lead_id
            project = lead.spm_project_id or request.project_id
            if project.spm_lead_id and project.spm_lead_id != lead:
                raise UserError(self.env._("The project “%(project)s” is the delivery project of another opportunity, "
                                           "“%(lead)s”.", project=project.name, lead=project.spm_lead_id.name))
            manager = request.member_ids.filtered(lambda m: m.role == "manager")[:1].user_id or request.user_id
            values = {
                "spm_lead_id": lead.id,
                "spm_initiation_id": request.id,
                "spm_grade_id": request.grade_id.id,
                "spm_objective": request.objective,
                "user_id": manager.id,
            }
            if not project:
                project = self.env["project.project"].create(dict(
                    values,
                    name=lead.name,
                    partner_id=lead.partner_id.commercial_partner_id.id,
                    company_id=request.company_id.id,
                    date_start=request.date_start,
                    date=request.date_end,
                    allow_milestones=True,
                ))
            else:
                project.write(dict(values, allow_milestones=True))
            project._spm_setup_from_initiation(request)
            request.project_id = project
            lead.spm_project_id = project
            request.message_post(body=Markup("%s <a href='#' data-oe-model='project.project' data-oe-id='%s'>%s</a>")
                                 % (self.env._("Approved. Delivery project:"), project.id, project.display_name))
