
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .crm_lead import INITIATION_STATES

EDITABLE_STATES = ("draft", "returned")


class SpmInitiation(models.Model):
    """立项申请: the initiation request of an opportunity, approved level by level as its grade requires.

    The chain (``spm.approval.mixin``) is frozen at submission into ``approval_ids``; every decision
    goes through ``_spm_decide``, which locks the request so that one step is decided exactly once.
    """
    _name = "spm.initiation"
    _description = "Initiation Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.approval.mixin", "spm.workflow.mixin"]
    _order = "id desc"
    # set by the workflow only (in sudo), never by a user's write, import or RPC call
    _spm_workflow_fields = ("name", "user_id", "state", "grade_id", "grade_reasons", "approval_ids", "project_id",
                            "date_submitted", "date_decided")
    _spm_parent_fields = ("lead_id",)
    _spm_create_ignores_workflow = True
    _spm_editable_states = EDITABLE_STATES
    _spm_activity_type = "sales_project_management.mail_activity_type_initiation_approval"
    _spm_decision_wizard = "spm.initiation.decision.wizard"

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
    grade_reasons = fields.Text("Why This Grade", readonly=True, copy=False,
                                help="What gave the opportunity its grade when the request was submitted: the expected "
                                     "revenue, the grading criteria met, a manager's raise.")
    lead_grade_reasons = fields.Text(related="lead_id.spm_grade_reasons", string="Why the Opportunity's Grade")
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
    # its documents with their type (the signed report, the archive's documents), typed where they are attached
    spm_attachment_ids = fields.One2many(
        "ir.attachment", "res_id", string="Documents", domain=[("res_model", "=", "spm.initiation")])
    member_warning = fields.Char("Team Warning", compute="_compute_member_warning")

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

    @api.depends("member_ids.role", "member_ids.user_id", "user_id")
    @api.depends_context("lang")
    def _compute_member_warning(self):
        for request in self:
            managers = request.member_ids.filtered(lambda m: m.role == "manager")
            request.member_warning = False if managers else self.env._(
                "No project manager is proposed: %s, who requests the initiation, will manage the project and "
                "receive its tasks.", request.user_id.name or self.env.user.name)

    @api.constrains("member_ids")
    def _check_one_manager(self):
        for request in self:
            managers = request.member_ids.filtered(lambda m: m.role == "manager")
            if len(managers) > 1:
                raise ValidationError(self.env._(
                    "%(request)s proposes %(count)s project managers (%(names)s): a project has one.",
                    request=request.name, count=len(managers), names=", ".join(managers.user_id.mapped("name"))))

    @api.constrains("expected_revenue", "budget")
    def _check_amounts(self):
        for request in self:
            if request.expected_revenue < 0 or request.budget < 0:
                raise ValidationError(self.env._("Amounts of an initiation request cannot be negative."))

    @api.model
    def _spm_prepare_create(self, vals):
        # the reference always comes from the sequence
        vals["name"] = self.env["ir.sequence"].next_by_code("spm.initiation") or self.env._("New")
        return vals

    def _spm_check_parents(self, _names):
        # requesting 立项 changes the opportunity's course: it needs the right to work the opportunity
        self.lead_id._spm_check_work()

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        for request in requests:
            if request.lead_id.type != "opportunity":
                raise ValidationError(self.env._("An initiation request belongs to an opportunity."))
        return requests

    def _spm_editor_refused(self, names):
        return self.env._("Only the requester (or a sales projects manager) changes the initiation request %s.",
                          names)

    def _spm_locked_refused(self, names):
        return self.env._("The initiation request %s is no longer a draft; only a returned request can be changed.",
                          names)

    def _spm_refuse(self, names):
        raise AccessError(self.env._("The status, approvals and project of an initiation request change only "
                                     "through its workflow (submit, approve, return, reject, cancel)."))

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        content = set(vals) - {"message_main_attachment_id", "activity_ids", "message_follower_ids"}
        if content and not self.env.su:
            self._spm_check_editor()
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
            request._spm_start_round(grade, {
                "state": "submitted",
                "grade_id": grade.id,
                "grade_reasons": request.lead_id.spm_grade_reasons,
                "date_submitted": fields.Datetime.now(),
                "date_decided": False,
            })
        return True

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

    def _spm_approval_team(self):
        return self.lead_id.team_id

    def _spm_approval_subject(self):
        return self.lead_id.name

    def _spm_chain_approved(self, now):
        self.write({"state": "approved", "date_decided": now})
        self._spm_create_project()

    def _spm_chain_refused(self, decision, comment, now):
        self.write({"state": decision, "date_decided": now})
        if decision == "returned":
            self.activity_schedule(self._spm_activity_type, user_id=self.user_id.id,
                                   summary=self.env._("Revise and resubmit"), note=comment)

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

    def action_open_project(self):
        self.ensure_one()
        return self.project_id._get_records_action() if self.project_id else False

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
            # the project manager gets one notice below (the project and its WBS tasks), not Odoo's
            # "assigned to the project" besides it
            Project = self.env["project.project"].with_context(mail_auto_subscribe_no_notify=True)
            assigned = not project or project.user_id != manager
            if not project:
                project = Project.create(dict(
                    values,
                    name=lead.name,
                    partner_id=lead.partner_id.commercial_partner_id.id,
                    company_id=request.company_id.id,
                    date_start=request.date_start,
                    date=request.date_end,
                    allow_milestones=True,
                )).with_env(self.env)
                project._spm_name_tasks()
            else:
                project.with_env(Project.env).write(dict(values, allow_milestones=True))
            tasks = project._spm_setup_from_initiation(request)
            if assigned or tasks:
                project._spm_notify_manager(tasks)
            request.project_id = project
            lead.spm_project_id = project
            request.message_post(body=Markup("%s <a href='#' data-oe-model='project.project' data-oe-id='%s'>%s</a>")
                                 % (self.env._("Approved. Delivery project:"), project.id, project.display_name))
