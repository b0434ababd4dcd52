from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.project.models.project_task import CLOSED_STATES
from odoo.exceptions import AccessError, ValidationError

ESCALATION_LEVELS = [("0", "Not Escalated"), ("1", "Project Manager"), ("2", "Management")]


class ProjectTask(models.Model):
    """问题: a project issue is an Odoo task flagged ``spm_is_issue``, so it keeps its assignees,
    deadline, chatter, kanban and portal. Open too long, it is escalated by a daily job
    (``_cron_spm_escalate_issues``) to the project manager, then to management."""
    _name = "project.task"
    _inherit = ["project.task", "spm.workflow.mixin"]
    # the escalation job raises the level; raising (or reopening) an issue starts its clock, which only a sales
    # projects manager corrects
    _spm_workflow_fields = ("spm_escalation_level", "spm_issue_date")

    spm_is_issue = fields.Boolean("Issue", copy=False, tracking=True,
                                  help="A problem of the project, escalated when it stays open too long.")
    spm_issue_date = fields.Datetime(
        "Raised On", index="btree_not_null", copy=False, tracking=True,
        help="When the issue was raised, or last reopened: the escalation clock starts here.")
    spm_escalation_level = fields.Selection(ESCALATION_LEVELS, string="Escalation", default="0", copy=False,
                                            tracking=True, readonly=True)

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

    @api.model_create_multi
    def create(self, vals_list):
        tasks = super().create(vals_list)
        issues = tasks._spm_issues()
        issues._spm_check_issue_rights(raising=True)
        if not self.env.su:
            # a closed project takes no new issue
            issues.project_id._spm_check_open()
        issues.sudo().filtered(lambda task: not task.spm_issue_date).spm_issue_date = fields.Datetime.now()
        return tasks

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if "spm_is_issue" in vals:
            # raising an issue, or withdrawing one from its escalation, is the team's decision
            changed = self.sudo().filtered(lambda task: task.spm_is_issue != bool(vals["spm_is_issue"]))
            changed.with_env(self.env)._spm_check_issue_rights(raising=True)
        issues = self._spm_issues()
        issues._spm_check_issue_rights()
        reopened = self.browse()
        if "state" in vals and vals["state"] not in CLOSED_STATES:
            reopened = issues.filtered(lambda task: task.state in CLOSED_STATES)
        res = super().write(vals)
        if "project_id" in vals:
            self._spm_issues()._spm_check_issue_rights(raising=True)  # the issue's new project
        now = fields.Datetime.now()
        if "spm_is_issue" in vals:
            flagged = self.sudo().filtered(lambda task: task.spm_is_issue and not task.spm_issue_date)
            flagged.write({"spm_issue_date": now, "spm_escalation_level": "0"})
            (self - self._spm_issues()).sudo().write({"spm_issue_date": False, "spm_escalation_level": "0"})
        reopened = reopened.filtered(lambda task: task.state not in CLOSED_STATES) & self._spm_issues()
        if reopened:
            reopened.sudo().write({"spm_issue_date": now, "spm_escalation_level": "0"})
            for task in reopened:
                task.message_post(body=self.env._("Issue reopened: its escalation starts again."))
        return res

    # ------------------------------------------------------------
    # Escalation (问题升级机制)
    # ------------------------------------------------------------

    @api.model
    def _cron_spm_escalate_issues(self):
        """Daily: an open issue older than the company's first threshold goes to the project manager
        (level 1), older than the second to management (level 2). Only the due issues are read (the
        index on the raised date), and each level is reached once."""
        now = fields.Datetime.now()
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            manager_limit = now - timedelta(days=company.spm_issue_escalation_days)
            management_limit = now - timedelta(days=company.spm_issue_management_days)
            issues = self.sudo().search([
                ("spm_issue_date", "<=", manager_limit), ("spm_is_issue", "=", True),
                ("company_id", "=", company.id), ("state", "not in", list(CLOSED_STATES)),
                "|", ("spm_escalation_level", "=", "0"),
                "&", ("spm_escalation_level", "=", "1"), ("spm_issue_date", "<=", management_limit),
            ])
            for issue in issues:
                target = "2" if issue.spm_issue_date <= management_limit else "1"
                days = (now - issue.spm_issue_date).days
                if issue.spm_escalation_level == "0":
                    issue._spm_escalate("1", issue.project_id.user_id, days)
                if target == "2":
                    issue._spm_escalate("2", issue.project_id._spm_monitors() if issue.project_id else
                                        self.env["res.users"], days)
        return True

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
                    summary=self.env._("Issue open for %(days)s days: %(issue)s", days=days, issue=self.name))
        self.write({"spm_escalation_level": level})
        self.message_post(body=Markup("<p>%s</p>") % self.env._(
            "Escalated to %(level)s (%(users)s): open for %(days)s days.", level=labels[level],
            users=", ".join(users.mapped("name")) or self.env._("nobody to notify"), days=days))
