from datetime import datetime, time, timedelta

from lxml import html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.project.models.project_task import CLOSED_STATES
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import clean_context, is_html_empty

# the week's figures, compiled when the report is created (or refreshed), never typed
FIGURE_FIELDS = (
    "spm_milestone_due_count", "spm_milestone_reached_count", "spm_task_planned_count", "spm_task_done_count",
    "spm_issue_open_count", "spm_issue_escalated_count", "spm_risk_high_count", "spm_budget", "spm_cost_actual",
    "spm_cost_ratio", "spm_collection_due", "spm_collection_received",
)


def iso_week(day):
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(day):
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


class ProjectUpdate(models.Model):
    """周进度报告: the project update of a sales project is its weekly progress report, one per ISO
    week, pre-filled with the week's figures when created; it prints as a PDF and is mailed to the
    project team and the monitors (监控人)."""
    _name = "project.update"
    _inherit = ["project.update", "spm.workflow.mixin"]
    _spm_workflow_fields = (*FIGURE_FIELDS, "spm_sent_date", "spm_customer_sent_on", "spm_customer_sent_by")
    _spm_parent_fields = ("project_id",)

    spm_week = fields.Char(
        "Week", compute="_compute_spm_week", store=True, index="btree_not_null",
        help="ISO week of the update's date (e.g. 2026-W47), for the sales projects: one report per week.")
    spm_week_start = fields.Date("Week From", compute="_compute_spm_week", store=True)
    spm_week_end = fields.Date("Week To", compute="_compute_spm_week", store=True)
    spm_currency_id = fields.Many2one(related="project_id.currency_id", string="Currency")
    spm_milestone_due_count = fields.Integer("Milestones Due", readonly=True)
    spm_milestone_reached_count = fields.Integer("Milestones Reached", readonly=True,
                                                 help="Of the milestones due this week.")
    spm_task_planned_count = fields.Integer("Tasks Planned", readonly=True, help="Tasks due this week.")
    spm_task_done_count = fields.Integer("Tasks Done", readonly=True, help="Of the tasks due this week.")
    spm_issue_open_count = fields.Integer("Open Issues", readonly=True)
    spm_issue_escalated_count = fields.Integer("Escalated Issues", readonly=True)
    spm_risk_high_count = fields.Integer("Open High Risks", readonly=True)
    spm_budget = fields.Monetary("Budget", readonly=True, currency_field="spm_currency_id")
    spm_cost_actual = fields.Monetary("Actual Cost", readonly=True, currency_field="spm_currency_id")
    spm_cost_ratio = fields.Float("Cost / Budget (%)", readonly=True)
    spm_collection_due = fields.Monetary("Collections Due", readonly=True, currency_field="spm_currency_id",
                                         help="Installments of the payment plan due this week.")
    spm_collection_received = fields.Monetary("Received", readonly=True, currency_field="spm_currency_id",
                                              help="Payments received on the project's installments this week.")
    spm_summary = fields.Html("This Week", help="What was done this week, written by the project manager.")
    spm_next_week_plan = fields.Html("Next Week's Plan")
    spm_sent_date = fields.Datetime("Sent On", readonly=True, copy=False)
    # 项目进展邮件: what the customer is told, written (pre-filled) and chosen by the project manager; the mail
    # renders these fields and the project's public facts only, never the internal figures above
    spm_customer_partner_id = fields.Many2one(
        "res.partner", string="Customer Contact", compute="_compute_spm_customer_partner_id", compute_sudo=True,
        help="Who the progress mail goes to by default: the customer contact of the project team, else the "
             "project's customer.")
    spm_customer_progress = fields.Html(
        "Progress for the Customer",
        help="Pre-filled with the progress, the milestones reached and the tasks completed this week.")
    spm_customer_next_steps = fields.Html(
        "Next Steps for the Customer", help="Pre-filled with next week's milestones and the tasks due.")
    spm_customer_needs = fields.Html(
        "Needed from the Customer", help="Decisions, documents, access... the customer is asked for.")
    spm_customer_show_progress = fields.Boolean("Send the Progress", default=True)
    spm_customer_show_next_steps = fields.Boolean("Send the Next Steps", default=True)
    spm_customer_show_needs = fields.Boolean("Send What Is Needed", default=True)
    spm_customer_sent_on = fields.Datetime("Sent to the Customer On", readonly=True, copy=False)
    spm_customer_sent_by = fields.Many2one("res.users", string="Sent to the Customer By", readonly=True, copy=False)
    spm_customer_preview = fields.Html(
        "Customer Mail Preview", compute="_compute_spm_customer_preview", sanitize=False,
        help="The body of the progress mail as the customer receives it.")

    _sql_constraints = [
        ("spm_week_unique", "UNIQUE(project_id, spm_week)", "A sales project has one weekly report per week."),
    ]

    @api.depends("date", "project_id")
    def _compute_spm_week(self):
        for update in self:
            if update.date and update.project_id.sudo()._spm_is_sales_project():
                update.spm_week = iso_week(update.date)
                update.spm_week_start, update.spm_week_end = week_bounds(update.date)
            else:
                update.spm_week = update.spm_week_start = update.spm_week_end = False

    @api.depends("project_id")
    def _compute_spm_customer_partner_id(self):
        for update in self:
            project = update.project_id
            update.spm_customer_partner_id = project._spm_customer_contact() if project else False

    @api.depends("spm_week", "progress", "spm_customer_progress", "spm_customer_next_steps", "spm_customer_needs",
                 "spm_customer_show_progress", "spm_customer_show_next_steps", "spm_customer_show_needs")
    def _compute_spm_customer_preview(self):
        template = self.env.ref("sales_project_management.mail_template_spm_customer_progress",
                                raise_if_not_found=False)
        for update in self:
            update.spm_customer_preview = update._spm_render_customer_body(template) if template and update.spm_week \
                else False

    def _spm_render_customer_body(self, template):
        """The template's body for this report as it stands (unsaved edits included), in the customer's language:
        what the composer renders when the mail is sent."""
        self.ensure_one()
        lang = self.spm_customer_partner_id.lang or self.env.lang
        renderer = self.env["mail.render.mixin"].with_context(lang=lang)
        values = renderer._render_eval_context()
        values["object"] = self.with_context(lang=lang)
        body = template.with_context(lang=lang).sudo().body_html
        return renderer.env["ir.qweb"]._render(html.fragment_fromstring(body, create_parent="div"), values)

    def _spm_check_one_per_week(self, project, day, exclude=None):
        """Refused before writing (the unique index would only say it in the database's words)."""
        week = iso_week(day)
        domain = [("project_id", "=", project.id), ("spm_week", "=", week)]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        if self.sudo().search_count(domain, limit=1):
            raise ValidationError(self.env._("%(project)s already has its weekly report for %(week)s.",
                                             project=project.name, week=week))

    # ------------------------------------------------------------
    # Pre-filling
    # ------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        result = super().default_get(fields_list)
        project = self.env["project.project"].browse(result.get("project_id"))
        if project and project._spm_is_sales_project():
            day = fields.Date.to_date(result.get("date")) or fields.Date.context_today(self)
            if "name" in fields_list and not result.get("name"):
                result["name"] = self.env._("Weekly Report %s", iso_week(day))
            if "progress" in fields_list:
                result["progress"] = self._spm_week_values(project.sudo(), day)["progress"]
            wanted = set(fields_list) & {"spm_customer_progress", "spm_customer_next_steps"}
            if wanted:
                section = self._spm_customer_section(project, day, result.get("progress"))
                result.update({name: section[name] for name in wanted if not result.get(name)})
        return result

    @api.model
    def _build_description(self, project):
        if not project._spm_is_sales_project():
            return super()._build_description(project)
        return self._spm_render_description(project, fields.Date.context_today(self))

    @api.model
    def _spm_render_description(self, project, day):
        values = self._spm_week_values(project.sudo(), day)
        return self.env["ir.qweb"]._render("sales_project_management.project_update_spm_description", values)

    @api.model
    def _spm_week_values(self, project, day):
        """The project's figures of the ISO week of ``day``, and the records behind them."""
        start, end = week_bounds(day)
        begin, finish = datetime.combine(start, time.min), datetime.combine(end, time.max)
        milestones = self.env["project.milestone"].sudo().search(
            [("project_id", "=", project.id), ("deadline", ">=", start), ("deadline", "<=", end)])
        tasks = self.env["project.task"].sudo().search([("project_id", "=", project.id), ("spm_is_issue", "=", False)])
        planned = tasks.filtered(lambda t: t.date_deadline and begin <= t.date_deadline <= finish)
        issues = self.env["project.task"].sudo().search(
            [("project_id", "=", project.id), ("spm_is_issue", "=", True), ("state", "not in", list(CLOSED_STATES))],
            order="spm_escalation_level desc, spm_issue_date")
        risks = project.spm_risk_ids.filtered(lambda r: r.state == "open" and r.level == "high")
        installments = project.spm_collection_line_ids.filtered(
            lambda line: not line.is_cancelled and line.due_date and start <= line.due_date <= end)
        receipts = self.env["spm.collection.receipt"].sudo().search(
            [("project_id", "=", project.id), ("date", ">=", start), ("date", "<=", end)])
        done = tasks.filtered(lambda t: t.state == "1_done")
        return {
            "project": project,
            "week": iso_week(day),
            "week_start": start,
            "week_end": end,
            "milestones": milestones,
            "milestones_reached": milestones.filtered("is_reached"),
            "tasks_planned": planned,
            "tasks_done": planned.filtered(lambda t: t.state == "1_done"),
            "progress": round(100 * len(done) / len(tasks)) if tasks else 0,
            "issues": issues,
            "risks": risks,
            "budget": project.spm_budget,
            "cost": project.spm_cost_actual,
            "cost_ratio": project.spm_cost_ratio,
            "collection_due": sum(installments.mapped("amount_company")),
            "collection_received": sum(receipts.mapped("amount_company")),
            "currency": project.currency_id,
        }

    @api.model
    def _spm_customer_section(self, project, day, progress=None):
        """The customer section's first draft, from facts the customer may read: the progress, the milestones
        reached and the tasks completed this week; next week's milestones and tasks. Written in the language of
        the customer's contact."""
        project = project.sudo()
        values = self._spm_week_values(project, day)
        start, end = week_bounds(day + timedelta(days=7))
        begin, finish = datetime.combine(start, time.min), datetime.combine(end, time.max)
        milestones = self.env["project.milestone"].sudo().search(
            [("project_id", "=", project.id), ("is_reached", "=", True), ("reached_date", ">=", values["week_start"]),
             ("reached_date", "<=", values["week_end"])])
        values.update({
            "progress": values["progress"] if progress is None else progress,
            "milestones_reached": (values["milestones_reached"] | milestones).sorted("deadline"),
            "next_milestones": self.env["project.milestone"].sudo().search(
                [("project_id", "=", project.id), ("is_reached", "=", False), ("deadline", ">=", start),
                 ("deadline", "<=", end)], order="deadline, id"),
            "next_tasks": self.env["project.task"].sudo().search(
                [("project_id", "=", project.id), ("spm_is_issue", "=", False),
                 ("state", "not in", list(CLOSED_STATES)), ("date_deadline", ">=", begin),
                 ("date_deadline", "<=", finish)], order="date_deadline, id"),
        })
        QWeb = self.env["ir.qweb"].with_context(lang=project._spm_customer_contact().lang or self.env.lang)
        return {
            "spm_customer_progress": QWeb._render("sales_project_management.project_update_spm_customer_progress",
                                                  values),
            "spm_customer_next_steps": QWeb._render(
                "sales_project_management.project_update_spm_customer_next_steps", values),
        }

    def _spm_figures(self):
        self.ensure_one()
        values = self._spm_week_values(self.project_id.sudo(), self.date)
        return {
            "spm_milestone_due_count": len(values["milestones"]),
            "spm_milestone_reached_count": len(values["milestones_reached"]),
            "spm_task_planned_count": len(values["tasks_planned"]),
            "spm_task_done_count": len(values["tasks_done"]),
            "spm_issue_open_count": len(values["issues"]),
            "spm_issue_escalated_count": len(values["issues"].filtered(lambda t: t.spm_escalation_level != "0")),
            "spm_risk_high_count": len(values["risks"]),
            "spm_budget": values["budget"],
            "spm_cost_actual": values["cost"],
            "spm_cost_ratio": values["cost_ratio"],
            "spm_collection_due": values["collection_due"],
            "spm_collection_received": values["collection_received"],
        }

    def _spm_check_parents(self, _names):
        self._spm_check_parents_of(self.project_id)

    def _spm_check_parents_of(self, projects):
        """The weekly report of a sales project is written by its team, while the project is open."""
        projects = projects.filtered(lambda project: project.sudo()._spm_is_sales_project())
        projects._spm_check_team(
            lambda names: self.env._("Only the team of the project %s writes its weekly reports.", names))
        projects._spm_check_open()

    def _spm_refuse(self, names):
        if set(names) <= {"spm_customer_sent_on", "spm_customer_sent_by"}:
            raise AccessError(self.env._("A weekly report is stamped as sent to the customer when its progress mail "
                                         "is sent (“Send Progress Mail to Customer”), not by hand."))
        raise AccessError(self.env._("The figures of a weekly report are compiled from the project; use "
                                     "“Refresh Figures”."))

    @api.model_create_multi
    def create(self, vals_list):
        Project = self.env["project.project"]
        weeks = set()
        for vals in vals_list:
            project = Project.browse(vals.get("project_id") or self.env.context.get("default_project_id"))
            if project and project.sudo()._spm_is_sales_project():
                # before anything is compiled from the project: its team only
                self.browse()._spm_check_parents_of(project)
                day = fields.Date.to_date(vals.get("date")) or fields.Date.context_today(self)
                if (project.id, iso_week(day)) in weeks:
                    raise ValidationError(self.env._("%(project)s already has its weekly report for %(week)s.",
                                                     project=project.name, week=iso_week(day)))
                weeks.add((project.id, iso_week(day)))
                self._spm_check_one_per_week(project, day)
                vals.setdefault("name", self.env._("Weekly Report %s", iso_week(day)))
                vals.setdefault("status", project.last_update_status if project.last_update_status != "to_define"
                                else "on_track")
                if not vals.get("description"):
                    vals["description"] = self._spm_render_description(project, day)
                if "progress" not in vals:
                    vals["progress"] = self._spm_week_values(project.sudo(), day)["progress"]
                if "spm_customer_progress" not in vals or "spm_customer_next_steps" not in vals:
                    section = self._spm_customer_section(project, day, vals["progress"])
                    for name, value in section.items():
                        vals.setdefault(name, value)
        updates = super().create(vals_list)
        for update in updates.filtered("spm_week"):
            update.sudo().write(update._spm_figures())
        return updates

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if {"date", "project_id"} & set(vals):
            for update in self:
                project = self.env["project.project"].browse(vals.get("project_id", update.project_id.id))
                day = fields.Date.to_date(vals.get("date", update.date))
                if day and project.sudo()._spm_is_sales_project():
                    self._spm_check_one_per_week(project, day, exclude=self)
        res = super().write(vals)
        if "date" in vals:
            for update in self.filtered("spm_week"):
                update.sudo().write(update._spm_figures())
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _spm_check_author(self):
        """The project's team (or a manager) refreshes and sends its weekly reports."""
        if self.filtered(lambda u: not u.spm_week):
            raise UserError(self.env._("Only the weekly report of a sales project can be refreshed or sent."))
        self.project_id._spm_check_team(
            lambda names: self.env._("Only the team of the project %s sends its weekly reports.", names))

    def action_spm_refresh(self):
        """Compile the week's figures again (before sending), and the details behind them: the counters and
        the tables of the report (its description) always tell the same week."""
        self._spm_check_author()
        for update in self:
            update.sudo().write(dict(update._spm_figures(),
                                     description=self._spm_render_description(update.project_id, update.date)))
        return True

    def _spm_recipients(self):
        """The project team (its internal members, the monitors among them) and the project manager."""
        self.ensure_one()
        project = self.project_id.sudo()
        users = (project.spm_member_ids.user_id | project.user_id).filtered(lambda u: u.active and not u.share)
        return users.partner_id.filtered("email")

    def action_spm_send(self):
        """Mail the report (PDF attached) to the project team and the monitors: queued mail.mail."""
        self._spm_check_author()
        template = self.env.ref("sales_project_management.mail_template_spm_weekly_report")
        for update in self:
            partners = update._spm_recipients()
            if not partners:
                raise UserError(self.env._("The project %s has no team member with an email address to send its "
                                           "weekly report to.", update.project_id.name))
            template.send_mail(update.id, email_values={"recipient_ids": [(6, 0, partners.ids)]})
            update.sudo().spm_sent_date = fields.Datetime.now()
            update.message_post(body=Markup("<p>%s</p>") % self.env._(
                "Weekly report sent to %s.", ", ".join(partners.mapped("name"))))
        return True

    # ------------------------------------------------------------
    # The customer's progress mail (项目进展邮件)
    # ------------------------------------------------------------

    def _spm_customer_sections(self):
        """The sections of the customer section chosen to go out and written."""
        self.ensure_one()
        return [name for name, shown in (("spm_customer_progress", self.spm_customer_show_progress),
                                         ("spm_customer_next_steps", self.spm_customer_show_next_steps),
                                         ("spm_customer_needs", self.spm_customer_show_needs))
                if shown and not is_html_empty(self[name])]

    def _spm_check_customer_mail(self):
        """The project's team (its manager, director, salespeople and their leader) or a sales projects manager
        mails a sales project's weekly progress to the customer, once something is chosen to go out."""
        if self.filtered(lambda u: not u.spm_week):
            raise UserError(self.env._("Only the weekly report of a sales project can be sent to the customer."))
        self.project_id._spm_check_team(lambda names: self.env._(
            "Only the team of the project %s sends its progress mail to the customer.", names))
        for update in self:
            if not update._spm_customer_sections():
                raise UserError(self.env._(
                    "The customer section of “%s” is empty: write the progress, the next steps or what is needed "
                    "from the customer, and tick what goes out.", update.name))

    def action_spm_customer_mail(self):
        """Open the composer with the customer's progress mail (项目进展邮件), addressed to the customer's contact:
        the project manager reviews, adds the customer's other contacts and sends."""
        self.ensure_one()
        self._spm_check_customer_mail()
        template = self.env.ref("sales_project_management.mail_template_spm_customer_progress")
        return {
            "name": self.env._("Send the Progress Mail to the Customer"),
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_template_id": template.id,
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
                "model_description": self.env._("Project Progress"),
                "spm_customer_mail": True,
            },
        }

    def message_post(self, **kwargs):
        """Sent from the composer of the customer's progress mail: checked as the button is, then stamped, and
        noted in the project's chatter. The recipients are not made followers: the mail is for them, the
        report's chatter stays internal."""
        if not self.env.context.get("spm_customer_mail"):
            return super().message_post(**kwargs)
        self._spm_check_customer_mail()
        partners = self.env["res.partner"].browse(kwargs.get("partner_ids") or [])
        if not partners:
            raise UserError(self.env._("Choose the customer's contacts to send the progress mail to."))
        message = super(ProjectUpdate, self.with_context(mail_post_autofollow=False)).message_post(**kwargs)
        now = fields.Datetime.now()
        self.sudo().write({"spm_customer_sent_on": now, "spm_customer_sent_by": self.env.uid})
        for update in self.with_context(clean_context(self.env.context)):
            update.project_id.sudo().message_post(
                body=Markup("<p>%s</p>") % self.env._(
                    "Progress mail of %(week)s sent to the customer: %(recipients)s.", week=update.spm_week,
                    recipients=", ".join(partners.sudo().mapped("display_name"))),
                author_id=self.env.user.partner_id.id, subtype_xmlid="mail.mt_note")
        return message
