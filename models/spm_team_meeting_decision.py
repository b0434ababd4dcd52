from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class SpmTeamMeetingDecision(models.Model):
    """A decision of a team meeting: what is to be done, by whom and by when. Once the meeting is
    held, a decision with an owner is an activity of its owner on the meeting pack, so that it is
    followed; the owner marking the activity done marks the decision done."""
    _name = "spm.team.meeting.decision"
    _description = "Team Meeting Decision"
    _inherit = ["spm.workflow.mixin"]
    _order = "meeting_id, sequence, id"
    # the activity is scheduled by the meeting's workflow
    _spm_workflow_fields = ("activity_id",)
    _spm_fixed_fields = ("meeting_id",)
    _spm_parent_fields = ("meeting_id",)

    meeting_id = fields.Many2one("spm.team.meeting", string="Meeting Pack", required=True, index=True,
                                 ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char("Decision", required=True)
    user_id = fields.Many2one("res.users", string="Owner", ondelete="set null",
                              help="Who carries the decision out: they get an activity when the meeting is held.")
    date_deadline = fields.Date("Due Date")
    done = fields.Boolean()
    activity_id = fields.Many2one("mail.activity", readonly=True, copy=False,
                                  ondelete="set null", index="btree_not_null")

    @api.constrains("user_id", "meeting_id")
    def _check_owner(self):
        for decision in self:
            team = decision.meeting_id.team_id.sudo()
            if decision.user_id and decision.user_id not in team.member_ids | team.user_id:
                raise ValidationError(self.env._("The owner of a decision is a member or the leader of %s.",
                                                 team.name))

    def _spm_check_parents(self, names):
        if "meeting_id" in names:
            self.meeting_id._spm_check_writable()

    def _spm_refuse(self, names):
        if "activity_id" in names:
            raise AccessError(self.env._("The activity of a decision is scheduled when the meeting is held."))
        return super()._spm_refuse(names)

    @api.model_create_multi
    def create(self, vals_list):
        decisions = super().create(vals_list)
        decisions.filtered(lambda d: d.meeting_id.state == "held")._spm_schedule_activities()
        return decisions

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su and vals:
            self.meeting_id._spm_check_writable()
        result = super().write(vals)
        if vals.get("done"):
            if not self.env.context.get("spm_activity_done"):
                self._spm_close_activities()
        elif {"user_id", "date_deadline", "name"} & vals.keys():
            held = self.filtered(lambda d: d.meeting_id.state == "held" and not d.done)
            held.activity_id.sudo().unlink()
            held._spm_schedule_activities()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open_meetings(self):
        if not self.env.su:
            self.meeting_id._spm_check_writable()
        self.activity_id.sudo().unlink()

    def _spm_schedule_activities(self):
        """An activity for the owner of each open decision that has none (the meeting is held)."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        for decision in self.sudo().filtered(lambda d: d.user_id and not d.done and not d.activity_id):
            meeting = decision.meeting_id
            activity = meeting.activity_schedule(
                activity_type_id=todo.id, user_id=decision.user_id.id, summary=decision.name[:250],
                date_deadline=decision.date_deadline or meeting.company_id._spm_local_date(fields.Datetime.now()),
                note=self.env._("Decision of %s", meeting.display_name))
            decision.activity_id = activity
        return True

    def _spm_close_activities(self):
        self.activity_id.sudo().action_feedback(feedback=self.env._("Decision done."))
        return True
