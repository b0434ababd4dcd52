from odoo import api, fields, models
from odoo.exceptions import AccessError

# the fields that decide whether a meeting is held (started, not archived) for the visit gate
HELD_FIELDS = {"start", "stop", "start_date", "stop_date", "allday", "active"}


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    spm_visit_ids = fields.One2many("spm.visit", "calendar_event_id", string="Visits",
                                    groups="sales_project_management.group_spm_user")

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

    def write(self, vals):
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

    @api.model
    def _spm_held_domain(self):
        """The meetings that count as held for their opportunity's visit gate: linked, started, not archived
        (the one definition: the gate's search, the opportunity's flag and the write check use it)."""
        return [("opportunity_id", "!=", False), ("active", "=", True), ("start", "<=", fields.Datetime.now())]

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
