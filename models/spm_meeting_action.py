from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class SpmMeetingAction(models.Model):
    """An action item (待办) decided in a project meeting: holding the meeting makes it a task of the project,
    with its owner and deadline; the task is linked back and the item is locked."""
    _name = "spm.meeting.action"
    _description = "Meeting Action Item"
    _inherit = ["spm.workflow.mixin"]
    _order = "meeting_id, sequence, id"
    _spm_workflow_fields = ("task_id",)
    _spm_parent_fields = ("meeting_id",)

    sequence = fields.Integer(default=10)
    meeting_id = fields.Many2one("calendar.event", required=True, index=True, ondelete="cascade")
    project_id = fields.Many2one(related="meeting_id.spm_project_id", string="Project", store=True, index=True)
    name = fields.Char("Action", required=True)
    user_id = fields.Many2one("res.users", string="Owner", domain="[('share', '=', False)]")
    date_deadline = fields.Date("Deadline")
    task_id = fields.Many2one("project.task", readonly=True, copy=False, index="btree_not_null",
                              ondelete="set null")
    held = fields.Boolean(related="meeting_id.spm_is_held", string="Meeting Held")

    def _spm_check_parents(self, _names):
        """Written on a meeting of a project by the project's team, while the meeting is not held."""
        self.meeting_id._spm_check_project_team()
        self._spm_check_not_held()

    def _spm_check_not_held(self):
        if not self.env.su and self.meeting_id.sudo().filtered("spm_held_on"):
            raise UserError(self.env._("The action items of a held meeting are locked: they are tasks of the "
                                       "project now."))

    def _spm_refuse(self, names):
        raise AccessError(self.env._("The task of an action item is created by holding its meeting."))

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        self._spm_check_not_held()
        if not self.env.su:
            self.meeting_id._spm_check_project_team()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_held(self):
        self._spm_check_not_held()
