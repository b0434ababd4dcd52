from odoo import fields, models


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    spm_visit_ids = fields.One2many("spm.visit", "calendar_event_id", string="Visits",
                                    groups="sales_project_management.group_spm_user")

    def action_spm_log_visit(self):
        """Log this meeting as the current user's customer visit (拜访), in one click, and open it."""
        self.ensure_one()
        visit = self.spm_visit_ids.filtered(lambda v: v.user_id == self.env.user)[:1]
        if not visit:
            visit = self.env["spm.visit"].create(self.env["spm.visit"]._spm_values_from_meeting(self))
            visit.sudo().calendar_event_id = self
        return visit._get_records_action(name=self.env._("Visit"))
