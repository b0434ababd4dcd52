from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import is_html_empty

# the fields that decide whether a meeting is held (started, not archived) for the visit gate
HELD_FIELDS = {"start", "stop", "start_date", "stop_date", "allday", "active", "spm_meeting_type"}
# the fields a held project meeting keeps
HELD_LOCKED_FIELDS = {"spm_meeting_type", "spm_project_id", "opportunity_id"}
# 项目会议: the meetings of a sales project (or, for an analysis, of an opportunity)
MEETING_TYPES = [("kickoff", "Kickoff Meeting"), ("analysis", "Analysis Meeting"), ("review", "Monthly Review"),
                 ("customer", "Customer Meeting")]
# internal meetings: they never count as a customer visit for the opportunity's visit gate
INTERNAL_MEETING_TYPES = ("analysis", "review")
MANAGER_GROUP = "sales_project_management.group_spm_manager"


class CalendarEvent(models.Model):
    _name = "calendar.event"
    _inherit = ["calendar.event", "spm.workflow.mixin"]
    # a project meeting is held with its button “Hold Meeting” only
    _spm_workflow_fields = ("spm_held_on", "spm_held_by")
    _spm_parent_fields = ("spm_project_id",)

    spm_visit_ids = fields.One2many("spm.visit", "calendar_event_id", string="Visits",
                                    groups="sales_project_management.group_spm_user")
    # Project meetings (项目会议)
    spm_meeting_type = fields.Selection(
        MEETING_TYPES, string="Project Meeting Type", index="btree_not_null", tracking=True,
        help="A meeting of a sales project: kickoff (启动会, where the customer signs the charter), analysis "
             "(分析会), monthly review (月度复盘) or customer meeting (客户例会). Analysis meetings and reviews are "
             "internal: they never count as a customer visit.")
    spm_project_id = fields.Many2one(
        "project.project", string="Sales Project", index="btree_not_null", tracking=True, ondelete="restrict",
        domain="[('spm_grade_id', '!=', False)]")
    spm_agenda = fields.Html("Agenda")
    spm_minutes = fields.Html("Minutes", help="Required to hold the meeting.")
    spm_decisions = fields.Html("Decisions")
    spm_action_ids = fields.One2many("spm.meeting.action", "meeting_id", string="Action Items", copy=True)
    spm_held_on = fields.Datetime("Held On", readonly=True, copy=False)
    spm_held_by = fields.Many2one("res.users", string="Held By", readonly=True, copy=False)
    spm_is_held = fields.Boolean("Held", compute="_compute_spm_is_held")
    spm_charter_ids = fields.One2many("spm.project.charter", "meeting_id", string="Charter Signatures")
    spm_charter_state = fields.Selection([("none", "Not Presented"), ("draft", "To Sign"), ("signed", "Signed")],
                                         string="Charter", compute="_compute_spm_charter_state")

    @api.depends("spm_held_on")
    def _compute_spm_is_held(self):
        for meeting in self:
            meeting.spm_is_held = bool(meeting.spm_held_on)

    @api.depends("spm_charter_ids.state")
    def _compute_spm_charter_state(self):
        for meeting in self:
            charters = meeting.sudo().spm_charter_ids
            meeting.spm_charter_state = ("signed" if "signed" in charters.mapped("state")
                                         else "draft" if charters else "none")

    @api.constrains("spm_meeting_type", "spm_project_id", "opportunity_id")
    def _check_spm_meeting(self):
        for meeting in self.sudo():
            if meeting.spm_project_id and not meeting.spm_meeting_type:
                raise ValidationError(self.env._("%s: choose the type of the project meeting.", meeting.name))
            if meeting.spm_meeting_type and not meeting.spm_project_id and not (
                    meeting.spm_meeting_type == "analysis" and meeting.opportunity_id):
                raise ValidationError(self.env._(
                    "%s: a project meeting belongs to a sales project (an analysis meeting may also be held on an "
                    "opportunity).", meeting.name))

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.su:
            return super().create(vals_list)
        # after Odoo's defaults: crm links a meeting made from an opportunity through res_model / res_id; in a
        # savepoint, so that a refused link leaves no meeting behind even for a caller that goes on
        with self.env.cr.savepoint():
            events = super().create(vals_list)
            self.env["spm.visit"]._spm_check_lead(events.opportunity_id.ids)
        return events

    def _spm_check_parents(self, _names):
        """A meeting is filed under a sales project by the project's team only (as creating it there would be)."""
        projects = self.spm_project_id
        if projects.filtered(lambda project: not project.sudo()._spm_is_sales_project()):
            raise ValidationError(self.env._("Project meetings are held on sales projects only."))
        projects._spm_check_team(
            lambda names: self.env._("Only the team of the project %s files its meetings and minutes.", names))
        projects._spm_check_open()

    def _spm_check_project_team(self):
        """The minutes and action items of a project's meeting are written by the project's team."""
        self.sudo().spm_project_id.with_env(self.env)._spm_check_team(
            lambda names: self.env._("Only the team of the project %s writes its meetings' minutes.", names))

    def _spm_refuse(self, names):
        raise AccessError(self.env._("A project meeting is held with its button “Hold Meeting”, not by hand."))

    def write(self, vals):
        if not self.env.su and any(name.startswith("spm_") and name != "spm_visit_ids" for name in vals):
            self.filtered("spm_project_id")._spm_check_project_team()
        # what a held meeting was (its type, its project or opportunity) is what it answered: a held analysis
        # meeting is no kickoff afterwards (the kickoff gate), nor a customer visit (the visit gate)
        if not self.env.su and HELD_LOCKED_FIELDS & set(vals):
            for meeting in self.filtered("spm_held_on"):
                changed = [name for name in HELD_LOCKED_FIELDS & set(vals)
                           if meeting._fields[name].convert_to_write(meeting[name], meeting) != (vals[name] or False)]
                if changed:
                    raise UserError(self.env._(
                        "The meeting “%s” is held: its type, project and opportunity stay what they were.",
                        meeting.name))
        # a held meeting counts for the opportunity's visit gate: linked by those who may work it only
        # (a client sending the meeting's own opportunity back with other changes moves nothing)
        lead_id = vals.get("opportunity_id")
        if lead_id and self.filtered(lambda event: event.opportunity_id.id != lead_id):
            self.env["spm.visit"]._spm_check_lead(lead_id)
        # a linked meeting made held (moved into the past, restored from the archive) opens the gate as a
        # new link does: by those who may work the opportunity only
        if self.env.su or not HELD_FIELDS & set(vals):
            return super().write(vals)
        held_before = set(self._spm_held()._ids)
        # in a savepoint: a refusal leaves the meetings as they were even for a caller that goes on
        with self.env.cr.savepoint():
            res = super().write(vals)
            made_held = self._spm_held().filtered(lambda event: event.id not in held_before)
            try:
                self.env["spm.visit"]._spm_check_lead(made_held.opportunity_id.ids)
            except AccessError as error:
                raise AccessError(self.env._(
                    "Only someone who may work the opportunity of %(meetings)s can make it count as held for the "
                    "opportunity's visit gate (move it into the past or restore it from the archive).",
                    meetings=", ".join(f"“{name}”" for name in made_held.mapped("name")))) from error
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_held_project_meeting(self):
        """The minutes of a held project meeting are a record of the project: kept."""
        if not self.env.su and self.filtered("spm_held_on") and not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(self.env._("A held project meeting is kept with its minutes: only a sales projects "
                                       "manager deletes it."))

    @api.model
    def _spm_held_domain(self):
        """The meetings that count as held for their opportunity's visit gate: linked, started, not archived
        (the one definition: the gate's search, the opportunity's flag and the write check use it). Internal
        meetings (an analysis meeting, a review) are no customer visit."""
        return [("opportunity_id", "!=", False), ("active", "=", True), ("start", "<=", fields.Datetime.now()),
                ("spm_meeting_type", "not in", INTERNAL_MEETING_TYPES)]

    def _spm_held(self):
        """The meetings among these that count as held for their opportunity's visit gate."""
        return self.filtered_domain(self._spm_held_domain())

    def action_spm_log_visit(self):
        """Log this meeting as the current user's customer visit (拜访), in one click, and open it."""
        self.ensure_one()
        visit = self.spm_visit_ids.filtered(lambda v: v.user_id == self.env.user)[:1]
        if not visit:
            visit = self.env["spm.visit"].create(self.env["spm.visit"]._spm_values_from_meeting(self))
            visit.sudo().calendar_event_id = self
        return visit._get_records_action(name=self.env._("Visit"))

    # ------------------------------------------------------------
    # Project meetings: holding, action items, the kickoff's charter
    # ------------------------------------------------------------

    def _spm_check_holder(self):
        """A meeting is held by its organiser, the project's manager or director, or a sales projects manager (of
        an opportunity's analysis meeting: its salesperson or team leader)."""
        self.ensure_one()
        user = self.env.user
        if self.env.su or user.has_group(MANAGER_GROUP) or self.user_id == user:
            return
        meeting = self.sudo()
        project = meeting.spm_project_id
        if project:
            allowed = project.user_id | project._spm_director() | project.spm_member_ids.filtered(
                lambda m: m.role in ("director", "manager")).user_id
        else:
            allowed = meeting.opportunity_id.user_id | meeting.opportunity_id.team_id.user_id
        if user not in allowed:
            raise AccessError(self.env._(
                "Only the organiser of “%s”, the project manager or director, or a sales projects manager holds it.",
                self.name))

    def action_spm_hold(self):
        """Hold the project meeting: its minutes are recorded, its action items become tasks of the project
        (owner and deadline), held analysis meetings close the stall alerts they answer."""
        now = fields.Datetime.now()
        for meeting in self:
            meeting.check_access("write")
            meeting._spm_check_holder()
            if not meeting.spm_meeting_type:
                raise UserError(self.env._("“%s” is not a project meeting: choose its type first.", meeting.name))
            if meeting.spm_held_on:
                raise UserError(self.env._("The meeting “%s” is already held.", meeting.name))
            if is_html_empty(meeting.spm_minutes):
                raise UserError(self.env._("Write the minutes of “%s” before holding it.", meeting.name))
            if meeting.spm_action_ids and not meeting.spm_project_id:
                raise UserError(self.env._(
                    "The action items of “%s” become tasks of a project: link the meeting to its sales project.",
                    meeting.name))
            meeting.sudo().write({"spm_held_on": now, "spm_held_by": self.env.uid})
            meeting._spm_create_action_tasks()
            if meeting.spm_project_id:
                meeting.spm_project_id.sudo().message_post(body=Markup(
                    "%s <a href='#' data-oe-model='calendar.event' data-oe-id='%s'>%s</a>") % (
                    self.env._("Meeting held:"), meeting.id, meeting.name))
        meetings = self.filtered(lambda m: m.spm_meeting_type == "analysis")
        if meetings:
            self.env["spm.stall.alert"].sudo()._spm_close_by_meetings(meetings)
        return True

    def _spm_create_action_tasks(self):
        """Each action item becomes a task of the project, with its owner and deadline, linked back."""
        self.ensure_one()
        project = self.sudo().spm_project_id
        for item in self.sudo().spm_action_ids.filtered(lambda a: not a.task_id):
            task = self.env["project.task"].sudo().create({
                "name": item.name,
                "project_id": project.id,
                "user_ids": [Command.set(item.user_id.ids)],
                "date_deadline": item.date_deadline or False,
                "description": Markup("<p>%s %s</p>") % (self.env._("Action item of the meeting"), self.name),
            })
            item.task_id = task

    def action_spm_charter(self):
        """The charter presented at this kickoff: the customer signs it online (opened, or prepared when missing)."""
        self.ensure_one()
        if self.spm_meeting_type != "kickoff" or not self.spm_project_id:
            raise UserError(self.env._("The charter is presented at the kickoff meeting of a sales project."))
        charter = self.spm_charter_ids.filtered(lambda c: c.state == "signed")[:1] or self.spm_charter_ids[:1]
        if not charter:
            charter = self.env["spm.project.charter"].create({
                "project_id": self.spm_project_id.id, "meeting_id": self.id,
                "signatory_id": self.spm_project_id._spm_customer_contact().id,
            })
        return charter._get_records_action(name=self.env._("Project Charter"))

    def action_spm_send_charter(self):
        """Mail the customer's signatory the link to sign the charter of this kickoff online (the acceptance's
        mechanism), and open the charter."""
        action = self.action_spm_charter()
        self.env["spm.project.charter"].browse(action["res_id"]).action_send_for_signature()
        return action

    def action_spm_print_minutes(self):
        """The meeting minutes (会议纪要) as a PDF."""
        self.ensure_one()
        return self.env.ref("sales_project_management.action_report_spm_meeting_minutes").report_action(self, data={})
