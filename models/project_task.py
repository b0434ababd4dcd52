from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.project.models.project_task import CLOSED_STATES
from odoo.exceptions import AccessError, UserError, ValidationError

# level 1: the owner (an issue's project manager; a complaint's after-sales manager and the customer's salesperson)
ESCALATION_LEVELS = [("0", "Not Escalated"), ("1", "Owner"), ("2", "Management")]
SERVICE_TYPES = [
    ("complaint", "Complaint"),
    ("repair", "Repair"),
    ("maintenance", "Maintenance"),
    ("training", "Training"),
    ("return_visit", "Return Visit"),
]
SEVERITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
CHANNELS = [("phone", "Phone"), ("mail", "E-mail"), ("portal", "Customer Portal"), ("visit", "Visit")]
# service requests whose closing asks the customer's satisfaction
SURVEYED_SERVICES = ("complaint", "repair", "return_visit")
MANAGER_GROUP = "sales_project_management.group_spm_manager"


class ProjectTask(models.Model):
    """问题: a project issue is an Odoo task flagged ``spm_is_issue``, so it keeps its assignees,
    deadline, chatter, kanban and portal. Open too long, it is escalated by a daily job
    (``_cron_spm_escalate_issues``) to the project manager, then to management.

    售后: a service request (complaint, repair, maintenance, training, return visit) is a task of the company's
    after-sales project with ``spm_service_type``; complaints are escalated by the same job, at the thresholds of
    their severity, and the customer confirms the resolution from the portal."""
    _name = "project.task"
    _inherit = ["project.task", "spm.workflow.mixin"]
    # the escalation job raises the level; raising (or reopening) an issue starts its clock, which only a sales
    # projects manager corrects; the customer (or the owner for them) confirms a resolution with its button
    _spm_workflow_fields = ("spm_escalation_level", "spm_issue_date", "spm_customer_confirmed", "spm_confirmed_by",
                            "spm_confirmed_on", "spm_resolved_on", "spm_commitment_id")

    spm_is_issue = fields.Boolean("Issue", copy=False, tracking=True,
                                  help="A problem of the project, escalated when it stays open too long.")
    spm_issue_date = fields.Datetime(
        "Raised On", index="btree_not_null", copy=False, tracking=True,
        help="When the issue was raised, or last reopened: the escalation clock starts here.")
    spm_escalation_level = fields.Selection(ESCALATION_LEVELS, string="Escalation", default="0", copy=False,
                                            tracking=True, readonly=True)
    spm_severity = fields.Selection(SEVERITIES, string="Severity", tracking=True,
                                    help="How fast an open issue or complaint is escalated (the company's "
                                         "thresholds of its severity).")
    # After-sales (售后)
    spm_service_type = fields.Selection(SERVICE_TYPES, string="Service Type", index="btree_not_null",
                                        tracking=True, copy=False,
                                        help="A service request of the after-sales project.")
    spm_sales_project_id = fields.Many2one(
        "project.project", string="Sales Project", index="btree_not_null", tracking=True,
        domain="[('spm_grade_id', '!=', False)]", help="The delivered sales project the request is about.")
    spm_channel = fields.Selection(CHANNELS, string="Channel", tracking=True, help="How the customer raised it.")
    spm_resolution = fields.Html("Resolution", help="What was done for the customer.")
    spm_resolved_on = fields.Datetime("Resolved On", readonly=True, copy=False, index="btree_not_null")
    spm_resolve_days = fields.Float("Days to Resolve", compute="_compute_spm_resolve_days", store=True,
                                    aggregator="avg", digits=(16, 1))
    spm_customer_confirmed = fields.Boolean("Confirmed by the Customer", readonly=True, copy=False, tracking=True)
    spm_confirmed_by = fields.Char("Confirmed By", readonly=True, copy=False)
    spm_confirmed_on = fields.Datetime("Confirmed On", readonly=True, copy=False)
    spm_commitment_id = fields.Many2one("spm.service.commitment", string="Service Commitment", readonly=True,
                                        copy=False, index="btree_not_null", ondelete="set null")
    spm_is_after_sales = fields.Boolean(related="project_id.spm_is_after_sales")
    spm_customer_salesperson_id = fields.Many2one(
        "res.users", string="Customer's Salesperson", related="partner_id.commercial_partner_id.user_id")

    @api.model
    def default_get(self, fields_list):
        """A service request is born in the company's after-sales project."""
        defaults = super().default_get(fields_list)
        if self.env.context.get("spm_service_request") and "project_id" in fields_list and \
                not defaults.get("project_id"):
            defaults["project_id"] = self.env.company._spm_after_sales_project().id
        return defaults

    @api.depends("spm_issue_date", "spm_resolved_on", "create_date", "spm_service_type")
    def _compute_spm_resolve_days(self):
        """Of what the customer raised (a complaint, a repair), the days from raised to resolved; the planned
        services (maintenance, training, return visits) are done on their date, not resolved."""
        for task in self:
            start = task.spm_issue_date or task.create_date
            raised = task.spm_service_type in ("complaint", "repair") or task.spm_is_issue
            task.spm_resolve_days = ((task.spm_resolved_on - start).total_seconds() / 86400.0
                                     if raised and task.spm_resolved_on and start else 0.0)

    @api.constrains("spm_issue_date")
    def _check_spm_issue_date(self):
        now = fields.Datetime.now()
        for task in self:
            if task.spm_issue_date and task.spm_issue_date > now + timedelta(minutes=5):
                raise ValidationError(self.env._("The issue “%s” cannot be raised in the future.", task.name))

    def _spm_issues(self):
        """The issues among the tasks, whoever asks (the portal does not read the flag)."""
        return self.sudo().filtered("spm_is_issue").with_env(self.env)

    def _spm_check_issue_rights(self, raising=False):
        """Issues are raised by their project's team (or managers), and worked on by it and by their
        assignees."""
        user = self.env.user
        if self.env.su or user._is_portal() or user.has_group("sales_project_management.group_spm_manager") \
                or user.has_group("project.group_project_manager"):
            return
        others = self if raising else self.filtered(lambda task: user not in task.user_ids)
        others.project_id.filtered("spm_grade_id")._spm_check_team(
            lambda names: self.env._("Only the team of the project %s manages its issues.", names))

    def _spm_workflow_writable(self, names):
        if self.env.user.has_group("sales_project_management.group_spm_manager"):
            return {"spm_issue_date"} & names
        return set()

    def _spm_refuse(self, names):
        if "spm_escalation_level" in names:
            raise AccessError(self.env._("The escalation of an issue is set by the escalation job."))
        if "spm_issue_date" in names:
            raise AccessError(self.env._("An issue is dated when it is raised; only a sales projects manager changes "
                                         "when an issue was raised."))
        return super()._spm_refuse(names)

    def _spm_escalatable(self):
        """The tasks whose open time the escalation job watches: the issues and the complaints."""
        return self.sudo().filtered(lambda task: task.spm_is_issue or task.spm_service_type == "complaint") \
            .with_env(self.env)

    @api.model_create_multi
    def create(self, vals_list):
        tasks = super().create(vals_list)
        issues = tasks._spm_issues()
        issues._spm_check_issue_rights(raising=True)
        if not self.env.su:
            # a closed project takes no new issue
            issues.project_id._spm_check_open()
        escalatable = tasks._spm_escalatable().sudo()
        escalatable.filtered(lambda task: not task.spm_issue_date).spm_issue_date = fields.Datetime.now()
        escalatable.filtered(lambda task: not task.spm_severity).spm_severity = "medium"
        services = tasks.filtered("spm_service_type")
        services._spm_check_service()
        # the customer follows their request: its messages reach them, the portal shows it to their company
        for task in services.sudo().filtered("partner_id"):
            task.message_subscribe(partner_ids=task.partner_id.ids)
        return tasks

    def _compute_access_url(self):
        """A service request opens on the customer's service pages of the portal."""
        res = super()._compute_access_url()
        for task in self.filtered(lambda t: t.sudo().project_id.spm_is_after_sales):
            task.access_url = f"/my/service/{task.id}"
        return res

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if "spm_is_issue" in vals:
            # raising an issue, or withdrawing one from its escalation, is the team's decision
            changed = self.sudo().filtered(lambda task: task.spm_is_issue != bool(vals["spm_is_issue"]))
            changed.with_env(self.env)._spm_check_issue_rights(raising=True)
        issues = self._spm_issues()
        issues._spm_check_issue_rights()
        reopened = closed = self.browse()
        if "state" in vals:
            if vals["state"] in CLOSED_STATES:
                closed = self.filtered(lambda task: task.state not in CLOSED_STATES)
            else:
                reopened = self.filtered(lambda task: task.state in CLOSED_STATES)
        res = super().write(vals)
        if "project_id" in vals:
            self._spm_issues()._spm_check_issue_rights(raising=True)  # the issue's new project
        if {"spm_service_type", "spm_sales_project_id", "partner_id", "project_id"} & vals.keys():
            self.filtered("spm_service_type")._spm_check_service()
        now = fields.Datetime.now()
        if {"spm_is_issue", "spm_service_type"} & vals.keys():
            escalatable = self._spm_escalatable()
            flagged = escalatable.sudo().filtered(lambda task: not task.spm_issue_date)
            flagged.write({"spm_issue_date": now, "spm_escalation_level": "0"})
            escalatable.sudo().filtered(lambda task: not task.spm_severity).spm_severity = "medium"
            (self - escalatable).sudo().write({"spm_issue_date": False, "spm_escalation_level": "0"})
        reopened = reopened.filtered(lambda task: task.state not in CLOSED_STATES and (
            task.spm_service_type or task.spm_is_issue))
        if reopened:
            reopened.sudo().write({"spm_resolved_on": False, "spm_customer_confirmed": False,
                                   "spm_confirmed_by": False, "spm_confirmed_on": False})
            watched = reopened & self._spm_escalatable()
            watched.sudo().write({"spm_issue_date": now, "spm_escalation_level": "0"})
            for task in watched:
                task.message_post(body=self.env._("Reopened: its escalation starts again."))
        closed = closed.filtered(lambda task: task.state in CLOSED_STATES and (
            task.spm_service_type or task.spm_is_issue))
        done = closed.filtered(lambda task: task.state == "1_done")
        if done:
            done.sudo().write({"spm_resolved_on": now})
            done._spm_after_service()
        return res

    # ------------------------------------------------------------
    # After-sales (售后)
    # ------------------------------------------------------------

    def _spm_check_service(self):
        """A service request is a task of its company's after-sales project, for a customer; the sales project
        it is about is one of that customer's."""
        for task in self.sudo():
            if not task.project_id.spm_is_after_sales:
                raise ValidationError(self.env._(
                    "“%s”: a service request is a task of the after-sales project.", task.name))
            if not task.partner_id and task.spm_channel != "mail":  # a mail from an unknown sender: found later
                raise ValidationError(self.env._("“%s”: a service request is for a customer.", task.name))
            sales_project = task.spm_sales_project_id
            if sales_project and sales_project.partner_id.commercial_partner_id != \
                    task.partner_id.commercial_partner_id:
                raise ValidationError(self.env._(
                    "“%(request)s”: the sales project %(project)s is not one of %(customer)s.", request=task.name,
                    project=sales_project.name, customer=task.partner_id.commercial_partner_id.name))

    def _spm_after_service(self):
        """A complaint, a repair or a return visit done: the customer is asked their satisfaction (the survey
        link mailed), when the company wants it and the customer has an e-mail."""
        for task in self.sudo().filtered(lambda t: t.spm_service_type in SURVEYED_SERVICES):
            if not task.company_id.spm_service_survey:
                continue
            partner = task.partner_id
            if partner.email:
                self.env["spm.satisfaction"].sudo()._spm_invite(task, partner)

    def action_spm_confirm_resolution(self, signer=None):
        """The customer confirms the resolution of their request (from the portal), or its owner records that
        they did (by phone, in person)."""
        for task in self:
            if not task.spm_service_type:
                raise UserError(self.env._("“%s” is not a service request.", task.name))
            if task.state != "1_done":
                raise UserError(self.env._("“%s” is confirmed once it is done.", task.name))
            if task.spm_customer_confirmed:
                continue
            user = self.env.user
            if not user._is_portal() and not self.env.su:
                task.check_access("write")
            name = signer or (user.partner_id.name if user._is_portal() else
                              self.env._("%(customer)s (recorded by %(user)s)", customer=task.partner_id.name,
                                         user=user.name))
            task.sudo().write({"spm_customer_confirmed": True, "spm_confirmed_by": name,
                               "spm_confirmed_on": fields.Datetime.now()})
            task.sudo().message_post(body=self.env._("Resolution confirmed by %s.", name))
        return True

    def action_spm_send_satisfaction(self):
        """Mail the customer the satisfaction survey of this service request now."""
        self.ensure_one()
        self.check_access("write")
        if not self.spm_service_type:
            raise UserError(self.env._("“%s” is not a service request.", self.name))
        if not self.partner_id.email:
            raise UserError(self.env._("%s has no e-mail address.", self.partner_id.display_name))
        self.env["spm.satisfaction"].sudo()._spm_invite(self, self.partner_id)
        return True

    # ------------------------------------------------------------
    # Escalation (问题升级机制)
    # ------------------------------------------------------------

    @api.model
    def _cron_spm_escalate_issues(self):
        """Daily: an open issue or complaint older than the first threshold of its severity goes to its owner
        (the project manager: level 1), older than the second to management (level 2). Only the due ones are
        read (the index on the raised date), and each level is reached once."""
        now = fields.Datetime.now()
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            for severity, _label in SEVERITIES:
                first, second = company._spm_escalation_days(severity)
                manager_limit = now - timedelta(days=first)
                management_limit = now - timedelta(days=second)
                severity_domain = [("spm_severity", "=", severity)] if severity != "medium" else \
                    ["|", ("spm_severity", "=", "medium"), ("spm_severity", "=", False)]
                tasks = self.sudo().search([
                    ("spm_issue_date", "<=", manager_limit), ("company_id", "=", company.id),
                    ("state", "not in", list(CLOSED_STATES)), *severity_domain,
                    "|", ("spm_is_issue", "=", True), ("spm_service_type", "=", "complaint"),
                    "|", ("spm_escalation_level", "=", "0"),
                    "&", ("spm_escalation_level", "=", "1"), ("spm_issue_date", "<=", management_limit),
                ])
                for task in tasks:
                    target = "2" if task.spm_issue_date <= management_limit else "1"
                    days = (now - task.spm_issue_date).days
                    if task.spm_escalation_level == "0":
                        task._spm_escalate("1", task._spm_escalation_users("1"), days)
                    if target == "2":
                        task._spm_escalate("2", task._spm_escalation_users("2"), days)
        return True

    def _spm_escalation_users(self, level):
        """Who an escalated issue or complaint goes to. An issue: its project's manager, then the project's
        monitors. A complaint: the after-sales project's manager and the customer's salesperson, then the
        monitors of the sales project it is about (the company's executives if none)."""
        self.ensure_one()
        if not self.spm_service_type:
            if level == "1":
                return self.project_id.user_id
            return self.project_id._spm_monitors() if self.project_id else self.env["res.users"]
        if level == "1":
            return self.project_id.user_id | self.partner_id.commercial_partner_id.user_id
        monitors = self.spm_sales_project_id._spm_monitors() if self.spm_sales_project_id else self.env["res.users"]
        if not monitors:
            executives = self.env.ref("sales_project_management.group_spm_executive").sudo().users
            monitors = executives.filtered(lambda user: not user.share and self.company_id in user.company_ids
                                           and not user.has_group("base.group_system"))
        return monitors

    def _spm_escalate(self, level, users, days):
        """Raise the issue to ``level``: the users follow it, get an activity, and the chatter says so."""
        self.ensure_one()
        users = users.filtered("active")
        labels = dict(self._fields["spm_escalation_level"]._description_selection(self.env))
        if users:
            self.message_subscribe(partner_ids=users.partner_id.ids)
            for user in users:
                self.activity_schedule(
                    "sales_project_management.mail_activity_type_issue_escalation", user_id=user.id,
                    summary=self.env._("Open for %(days)s days: %(issue)s", days=days, issue=self.name))
        self.write({"spm_escalation_level": level})
        if level == "2":
            self.env["spm.stall.alert"].sudo()._spm_raise_for_issues(self)
        self.message_post(body=Markup("<p>%s</p>") % self.env._(
            "Escalated to %(level)s (%(users)s): open for %(days)s days.", level=labels[level],
            users=", ".join(users.mapped("name")) or self.env._("nobody to notify"), days=days))
