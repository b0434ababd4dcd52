from odoo import api, fields, models


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    spm_visit_ids = fields.One2many("spm.visit", "calendar_event_id", string="Visits",
                                    groups="sales_project_management.group_spm_user")

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        # after Odoo's defaults: crm links a meeting made from an opportunity through res_model / res_id
        self.env["spm.visit"]._spm_check_lead(events.opportunity_id.ids)
        return events

    def write(self, vals):
        # a held meeting counts for the opportunity's visit gate: linked by those who may work it only
        # (a client sending the meeting's own opportunity back with other changes moves nothing)
        lead_id = vals.get("opportunity_id")
        if lead_id and self.filtered(lambda event: event.opportunity_id.id != lead_id):
            self.env["spm.visit"]._spm_check_lead(lead_id)
        return super().write(vals)

    def action_spm_log_visit(self):
        """Log this meeting as the current user's customer visit (拜访), in one click, and open it."""
        self.ensure_one()
        visit = self.spm_visit_ids.filtered(lambda v: v.user_id == self.env.user)[:1]
        if not visit:
            visit = self.env["spm.visit"].create(self.env["spm.visit"]._spm_values_from_meeting(self))
            visit.sudo().calendar_event_id = self
        return visit._get_records_action(name=self.env._("Visit"))
