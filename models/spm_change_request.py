from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount, format_date

CHANGE_TYPES = [("scope", "Scope"), ("schedule", "Schedule"), ("budget", "Budget")]
STATES = [("draft", "Draft"), ("submitted", "Submitted"), ("approved", "Approved"), ("rejected", "Rejected")]


class SpmChangeRequest(models.Model):
    """变更申请: a change of a sales project's scope, schedule or budget.

    It is decided along the approval chain of the project's grade, by the same mechanism as the
    initiation (``spm.approval.mixin``: frozen chain, locked decisions, the requester never
    approves); the last approval applies it: the project's budget grows by ``budget_delta`` and its
    planned end moves to ``date_end_new``."""
    _name = "spm.change.request"
    _description = "Change Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.approval.mixin", "spm.workflow.mixin"]
    _order = "id desc"
    # set by the workflow only (in sudo), never by a user's write, import or RPC call
    _spm_workflow_fields = ("name", "user_id", "state", "grade_id", "approval_ids", "date_submitted", "date_decided",
                            "budget_before", "date_end_old")
    _spm_parent_fields = ("project_id",)
    _spm_create_ignores_workflow = True
    _spm_activity_type = "sales_project_management.mail_activity_type_change_request_approval"
    _spm_decision_wizard = "spm.change.request.decision.wizard"

    name = fields.Char("Reference", required=True, readonly=True, copy=False, index="trigram",
                       default=lambda self: self.env._("New"))
    project_id = fields.Many2one("project.project", required=True, index=True, ondelete="restrict",
                                 tracking=True, domain="[('spm_grade_id', '!=', False)]")
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    lead_id = fields.Many2one(related="project_id.spm_lead_id", string="Opportunity", store=True)
    team_id = fields.Many2one(related="project_id.spm_lead_id.team_id", string="Sales Team")
    user_id = fields.Many2one("res.users", string="Requested By", required=True, readonly=True, index=True,
                              default=lambda self: self.env.user, tracking=True)
    grade_id = fields.Many2one("spm.grade", readonly=True, tracking=True,
                               help="The project's grade when the request was submitted: it decides the chain.")
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, copy=False, index=True,
                             tracking=True)
    change_type = fields.Selection(CHANGE_TYPES, string="Change", required=True, default="scope", tracking=True)
    description = fields.Text(help="What changes.")
    reason = fields.Text(help="Why the change is needed.")
    impact_analysis = fields.Html(help="Effects on scope, schedule, cost, quality and risks.")
    currency_id = fields.Many2one(related="project_id.currency_id")
    budget_delta = fields.Monetary("Budget Change", currency_field="currency_id", tracking=True,
                                   help="Added to the project's budget when the request is approved (negative to "
                                        "reduce it).")
    date_end_new = fields.Date("New Planned End", tracking=True)
    project_budget = fields.Monetary(related="project_id.spm_budget", string="Current Budget")
    project_date_end = fields.Date(related="project_id.date", string="Current Planned End")
    budget_before = fields.Monetary(currency_field="currency_id", readonly=True, copy=False)
    budget_after = fields.Monetary(currency_field="currency_id", compute="_compute_budget_after")
    date_end_old = fields.Date("Planned End Before", readonly=True, copy=False)
    date_submitted = fields.Datetime("Submitted On", readonly=True, copy=False)
    date_decided = fields.Datetime("Decided On", readonly=True, copy=False)

    approval_ids = fields.One2many("spm.change.request.approval", "change_request_id", string="Approvals", copy=False)
    current_approval_id = fields.Many2one("spm.change.request.approval", compute="_compute_current_approval",
                                          string="Current Step")
    can_decide = fields.Boolean(compute="_compute_current_approval", search="_search_can_decide",
                                string="To Decide by Me")

    @api.depends("state", "budget_before", "budget_delta", "project_id.spm_budget")
    def _compute_budget_after(self):
        for request in self:
            before = request.budget_before if request.state != "draft" else request.project_id.spm_budget
            request.budget_after = before + request.budget_delta

    @api.model
    def _spm_prepare_create(self, vals):
        vals["name"] = self.env["ir.sequence"].next_by_code("spm.change.request") or self.env._("New")
        return vals

    def _spm_check_parents(self, _names):
        """Raised by the project's team, on a project still open."""
        self.project_id._spm_check_team(
            lambda names: self.env._("Only the team of the project %s raises its change requests.", names))
        self.project_id._spm_check_open()

    def _spm_editor_refused(self, names):
        return self.env._("Only the requester (or a sales projects manager) changes the change request %s.", names)

    def _spm_locked_refused(self, names):
        return self.env._("The change request %s is no longer a draft.", names)

    def _spm_refuse(self, names):
        raise AccessError(self.env._("The status and approvals of a change request change only through its "
                                     "workflow (submit, approve, reject)."))

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        content = set(vals) - {"message_main_attachment_id", "activity_ids", "message_follower_ids"}
        if content:
            self._spm_check_editor()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unsubmitted_drafts(self):
        self._spm_check_editor()
        if self.filtered("approval_ids"):
            raise UserError(self.env._("A submitted change request cannot be deleted."))

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def _spm_check_complete(self):
        self.ensure_one()
        if not (self.description or "").strip() or not (self.reason or "").strip():
            raise UserError(self.env._("Describe the change %s and give its reason.", self.name))
        if self.change_type == "budget" and self.currency_id.is_zero(self.budget_delta):
            raise UserError(self.env._("The budget change %s needs the amount the budget changes by.", self.name))
        if self.change_type == "schedule" and not self.date_end_new:
            raise UserError(self.env._("The schedule change %s needs the new planned end.", self.name))
        if self.project_id.spm_budget + self.budget_delta < 0:
            raise UserError(self.env._("The change %s would make the budget negative.", self.name))

    @api.constrains("date_end_new", "project_id")
    def _check_date_end_new(self):
        for request in self:
            start = request.project_id.date_start
            if request.date_end_new and start and request.date_end_new < start:
                raise ValidationError(self.env._("The new planned end of %s comes before the project's start.",
                                                 request.name))

    def action_submit(self):
        for request in self:
            if request.state != "draft":
                raise UserError(self.env._("Only a draft change request can be submitted."))
            if request.user_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("Only the requester submits their change request."))
            request._spm_check_complete()
            grade = request.project_id._spm_current_grade()
            if not grade:
                raise UserError(self.env._(
                    "The project “%s” has no grade: change requests are for the delivery projects of an initiation.",
                    request.project_id.name))
            request._spm_start_round(grade, {
                "state": "submitted",
                "grade_id": grade.id,
                "date_submitted": fields.Datetime.now(),
                "budget_before": request.project_id.spm_budget,
                "date_end_old": request.project_id.date,
            })
        return True

    def _spm_approval_team(self):
        return self.project_id.sudo().spm_lead_id.team_id

    def _spm_approval_subject(self):
        return self.project_id.name

    def _spm_chain_approved(self, now):
        """Apply the change: the budget follows from the approved requests, the planned end moves. A budget
        never goes below zero: two reductions approved one after the other are checked against the budget
        each finds."""
        project = self.project_id
        project.flush_recordset(["spm_budget"])
        self.env.cr.execute("SELECT id FROM project_project WHERE id = %s FOR UPDATE", [project.id])
        project.invalidate_recordset(["spm_budget"])
        if project.currency_id.compare_amounts(project.spm_budget + self.budget_delta, 0) < 0:
            raise UserError(self.env._(
                "The change %(request)s would take the budget of %(project)s below zero (%(budget)s now).",
                request=self.name, project=project.name,
                budget=format_amount(self.env, project.spm_budget, project.currency_id)))
        self.write({"state": "approved", "date_decided": now})
        if self.date_end_new:
            project.date = self.date_end_new
        changes = []
        if not self.currency_id.is_zero(self.budget_delta):
            changes.append(self.env._("budget %(before)s → %(after)s",
                                      before=format_amount(self.env, self.budget_before, self.currency_id),
                                      after=format_amount(self.env, project.spm_budget, self.currency_id)))
        if self.date_end_new:
            changes.append(self.env._("planned end %s", format_date(self.env, self.date_end_new)))
        project.message_post(body=Markup("<p>%s</p>") % self.env._(
            "Change request %(request)s approved: %(changes)s.", request=self.name,
            changes=", ".join(changes) or dict(CHANGE_TYPES)[self.change_type]))

    def _spm_chain_refused(self, _decision, _comment, now):
        self.write({"state": "rejected", "date_decided": now})

    def action_open_project(self):
        self.ensure_one()
        return self.project_id._get_records_action()
