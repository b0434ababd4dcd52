from datetime import timedelta
from math import asin, cos, radians, sin, sqrt

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_datetime, html2plaintext

VISIT_TYPES = [
    ("cold", "Cold Visit"),
    ("follow_up", "Follow-up Visit"),
    ("phone", "Phone Visit"),
    ("onsite", "On-site Visit"),
    ("return_visit", "Return Visit"),
]
INTENT_LEVELS = [("high", "High"), ("medium", "Medium"), ("low", "Low"), ("none", "None")]
CHECKIN_STATUSES = [
    ("none", "Not Checked In"),
    ("near", "At the Customer"),
    ("far", "Far from the Customer"),
    ("unknown", "Customer Not Located"),
]
# recorded by the check-in only (action_checkin), never written by hand
CHECKIN_FIELDS = ("checkin_latitude", "checkin_longitude", "checkin_time", "checkin_customer_latitude",
                  "checkin_customer_longitude", "checkin_customer_moved_by_id", "checkin_customer_moved_on")
# a check-in within this many hours of its salesperson moving the customer on the map is flagged
CUSTOMER_MOVED_HOURS = 24
EARTH_RADIUS_KM = 6371.0088
MANAGER_GROUP = "sales_project_management.group_spm_manager"


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between two points given in degrees (haversine formula)."""
    phi1, phi2 = radians(lat1), radians(lat2)
    half_dphi, half_dlambda = radians(lat2 - lat1) / 2, radians(lon2 - lon1) / 2
    a = sin(half_dphi) ** 2 + cos(phi1) * cos(phi2) * sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


class SpmVisit(models.Model):
    """客户拜访: a visit to a customer, logged by its salesperson, with an optional check-in from a phone.

    The check-in position is recorded by ``action_checkin`` only (the browser's geolocation), with
    the distance to the customer decided at that moment; nobody edits it afterwards.
    """
    _name = "spm.visit"
    _description = "Customer Visit"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.workflow.mixin"]
    _order = "date_start desc, id desc"
    _spm_workflow_fields = (*CHECKIN_FIELDS, "next_activity_id", "calendar_event_id", "service_task_id")
    # a visit belongs to the salesperson who logged it
    _spm_fixed_fields = ("user_id",)
    _spm_parent_fields = ("lead_id",)

    name = fields.Char("Subject", required=True, tracking=True, compute="_compute_name", store=True, readonly=False,
                       precompute=True, help="By default the type of visit and the customer.")
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True, tracking=True,
                              default=lambda self: self.env.user)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    team_id = fields.Many2one("crm.team", string="Sales Team", compute="_compute_team_id", store=True, index=True,
                              help="The opportunity's sales team, else the salesperson's.")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True,
                                 domain="[('is_company', '=', True)]")
    contact_id = fields.Many2one("res.partner", string="Contact Person", tracking=True,
                                 domain="[('parent_id', '=', partner_id)]", help="The person met.")
    lead_id = fields.Many2one("crm.lead", string="Opportunity", index="btree_not_null", ondelete="set null",
                              tracking=True)
    calendar_event_id = fields.Many2one("calendar.event", string="Meeting", index="btree_not_null",
                                        ondelete="set null", readonly=True, copy=False)
    service_task_id = fields.Many2one(
        "project.task", string="Return Visit Planned", index="btree_not_null", ondelete="set null", readonly=True,
        copy=False, help="The planned return visit (回访) of the after-sales service this visit held.")
    visit_type = fields.Selection(VISIT_TYPES, string="Type", required=True, default="follow_up", tracking=True)
    date_start = fields.Datetime("Date", required=True, index=True, default=fields.Datetime.now, tracking=True)
    duration = fields.Float(default=1.0, help="Duration in hours.")
    intent_level = fields.Selection(INTENT_LEVELS, string="Intent", default="medium", tracking=True,
                                    help="How interested the customer is.")
    summary = fields.Text(help="What was said.")
    next_step = fields.Text()
    next_date = fields.Date("Next Step On", tracking=True, help="Schedules the follow-up activity.")
    next_activity_id = fields.Many2one("mail.activity", string="Follow-up Activity", readonly=True, copy=False,
                                       ondelete="set null")

    checkin_latitude = fields.Float("Check-in Latitude", digits=(10, 7), readonly=True, copy=False)
    checkin_longitude = fields.Float("Check-in Longitude", digits=(10, 7), readonly=True, copy=False)
    checkin_time = fields.Datetime("Checked In At", readonly=True, copy=False)
    checkin_customer_latitude = fields.Float("Customer Latitude at Check-in", digits=(10, 7), readonly=True,
                                             copy=False)
    checkin_customer_longitude = fields.Float("Customer Longitude at Check-in", digits=(10, 7), readonly=True,
                                              copy=False)
    checkin_customer_moved_by_id = fields.Many2one(
        "res.users", string="Customer Located By", readonly=True, copy=False,
        help="Who last set the customer's position on the map before the check-in.")
    checkin_customer_moved_on = fields.Datetime("Customer Located On", readonly=True, copy=False)
    checkin_customer_moved = fields.Boolean(
        "Customer Moved Before Check-in", compute="_compute_checkin", store=True, copy=False,
        help="The salesperson set the customer's position on the map less than a day before checking in: the "
             "distance was measured to a position they chose.")
    checkin_distance = fields.Float("Distance to the Customer (km)", digits=(16, 2), compute="_compute_checkin",
                                    store=True, copy=False)
    checkin_status = fields.Selection(CHECKIN_STATUSES, string="Check-in", compute="_compute_checkin", store=True,
                                      copy=False)
    checkin_far = fields.Boolean("Far Check-in", compute="_compute_checkin", store=True, copy=False,
                                 help="Checked in farther from the customer than the company allows.")

    is_mine = fields.Boolean(compute="_compute_is_mine")

    _sql_constraints = [
        ("duration_positive", "CHECK(duration >= 0)", "The duration of a visit cannot be negative."),
        ("meeting_once", "UNIQUE(calendar_event_id, user_id)", "This meeting is already logged as your visit."),
    ]

    @api.depends("user_id")
    @api.depends_context("uid")
    def _compute_is_mine(self):
        for visit in self:
            visit.is_mine = visit.user_id == self.env.user

    @api.depends("lead_id.team_id", "user_id")
    def _compute_team_id(self):
        teams = self.env["crm.team"]._spm_team_of_users(self.user_id)
        for visit in self:
            visit.team_id = visit.lead_id.team_id or teams.get(visit.user_id, False)

    @api.depends("visit_type", "partner_id")
    def _compute_name(self):
        """A visit is named after its type and customer until its salesperson gives it a subject."""
        labels = dict(self._fields["visit_type"]._description_selection(self.env))
        for visit in self:
            if not visit.name:
                visit.name = " · ".join(filter(None, (labels.get(visit.visit_type), visit.partner_id.name))) or False

    @api.depends("checkin_time", "checkin_latitude", "checkin_longitude", "checkin_customer_latitude",
                 "checkin_customer_longitude", "checkin_customer_moved_by_id", "checkin_customer_moved_on")
    def _compute_checkin(self):
        """Decided when checking in, against the customer's position and the company's limit of that
        moment, both kept with the check-in: moving the customer or changing the limit later does not
        rewrite a check-in."""
        for visit in self:
            visit.checkin_distance = 0.0
            visit.checkin_far = False
            moved_on = visit.checkin_customer_moved_on
            visit.checkin_customer_moved = bool(
                visit.checkin_time and moved_on and visit.checkin_customer_moved_by_id == visit.user_id
                and visit.checkin_time - moved_on <= timedelta(hours=CUSTOMER_MOVED_HOURS))
            if not visit.checkin_time:
                visit.checkin_status = "none"
            elif not (visit.checkin_customer_latitude or visit.checkin_customer_longitude):
                visit.checkin_status = "unknown"
            else:
                distance = haversine_km(visit.checkin_latitude, visit.checkin_longitude,
                                        visit.checkin_customer_latitude, visit.checkin_customer_longitude)
                visit.checkin_distance = distance
                visit.checkin_far = distance > (visit.company_id or self.env.company).spm_checkin_max_distance
                visit.checkin_status = "far" if visit.checkin_far else "near"

    @api.constrains("lead_id", "partner_id", "contact_id")
    def _check_customer(self):
        for visit in self:
            customer = visit.partner_id.commercial_partner_id
            lead_customer = visit.lead_id.partner_id.commercial_partner_id
            if lead_customer and lead_customer != customer:
                raise ValidationError(self.env._(
                    "The visit to “%(customer)s” cannot count for “%(lead)s”, an opportunity of another customer.",
                    customer=visit.partner_id.display_name, lead=visit.lead_id.name))
            if visit.contact_id and visit.contact_id.commercial_partner_id != customer:
                raise ValidationError(self.env._("“%(contact)s” is not a person of “%(customer)s”.",
                                                 contact=visit.contact_id.name, customer=visit.partner_id.name))
            if visit.lead_id and visit.lead_id.company_id and visit.lead_id.company_id != visit.company_id:
                raise ValidationError(self.env._("The opportunity “%s” belongs to another company.",
                                                 visit.lead_id.name))

    def _spm_check_lead(self, lead_id):
        """A visit counts for the opportunity's gate: only someone who may work the opportunity links it.
        Also the rule for meetings, which count for the same gate (``lead_id``: an id or a list of ids)."""
        if lead_id and not self.env.su:
            self.env["crm.lead"].browse(lead_id)._spm_check_work()

    def _spm_check_parents(self, _names):
        self._spm_check_lead(self.lead_id.ids)

    def _spm_refuse(self, names):
        if names & {"user_id"}:
            raise AccessError(self.env._("A visit belongs to the salesperson who logged it."))
        if names & {*CHECKIN_FIELDS, "checkin_distance", "checkin_status", "checkin_far", "checkin_customer_moved"}:
            raise AccessError(self.env._("The check-in of a visit is recorded once by the button “Check In”, from the "
                                       "salesperson's phone, and never changed by hand."))
        return super()._spm_refuse(names)

    @api.model_create_multi
    def create(self, vals_list):
        visits = super().create(vals_list)
        visits.filtered("next_date")._spm_sync_follow_up()
        visits._spm_close_return_visits()
        return visits

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su:
            checked_in = self.filtered("checkin_time")
            if "partner_id" in vals and checked_in._spm_changes("partner_id", vals["partner_id"]):
                raise UserError(self.env._("The customer of a checked-in visit cannot change."))
            if "date_start" in vals and checked_in._spm_changes("date_start", vals["date_start"]):
                raise UserError(self.env._("The date of a checked-in visit cannot change: it was checked in on its "
                                           "day."))
        res = super().write(vals)
        if {"next_date", "next_step", "lead_id"} & set(vals):
            self._spm_sync_follow_up()
        if {"visit_type", "date_start", "partner_id"} & set(vals):
            self._spm_close_return_visits()
        return res

    def _spm_close_return_visits(self):
        """A return visit held closes the customer's planned return visit (the one due first): it is done, its
        resolution is what was said, and the customer may be asked their satisfaction."""
        now = fields.Datetime.now()
        held = self.filtered(lambda v: v.visit_type == "return_visit" and not v.service_task_id
                             and v.date_start <= now)
        if not held:
            return
        Task = self.env["project.task"].sudo()
        for visit in held:
            task = Task.search([
                ("spm_service_type", "=", "return_visit"), ("state", "not in", ["1_done", "1_canceled"]),
                ("partner_id", "child_of", visit.partner_id.commercial_partner_id.id),
                ("company_id", "=", visit.company_id.id),
            ], order="date_deadline, id", limit=1)
            if not task:
                continue
            visit.sudo().service_task_id = task
            task.write({"spm_resolution": (Markup("<p>%s</p>") % visit.summary) if visit.summary else False,
                        "state": "1_done"})
            task.message_post(body=self.env._("Return visit held: %s.", visit.name))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_checked_in(self):
        if not self.env.su and self.filtered("checkin_time"):
            raise UserError(self.env._("A checked-in visit is kept as a record of the visit; it cannot be deleted."))

    def _spm_sync_follow_up(self):
        """Keep one follow-up activity per visit on its next date: on the opportunity, else on the visit."""
        activity_type = self.env.ref("sales_project_management.mail_activity_type_visit_follow_up")
        for visit in self:
            activity = visit.next_activity_id
            if activity and (not visit.next_date or activity.res_model != (visit.lead_id or visit)._name
                             or activity.res_id != (visit.lead_id or visit).id):
                activity.unlink()
                activity = self.env["mail.activity"]
            if not visit.next_date:
                continue
            summary = (visit.next_step or "").strip().splitlines()[0][:100] if (visit.next_step or "").strip() \
                else self.env._("Follow up the visit to %s", visit.partner_id.name)
            if activity:
                activity.write({"date_deadline": visit.next_date, "summary": summary})
                continue
            activity = (visit.lead_id or visit).activity_schedule(
                activity_type_id=activity_type.id, date_deadline=visit.next_date, summary=summary,
                note=visit.next_step or False, user_id=visit.user_id.id)
            visit.sudo().next_activity_id = activity

    # ------------------------------------------------------------
    # Check-in
    # ------------------------------------------------------------

    def action_checkin(self, latitude, longitude):
        """Record the position the salesperson's browser gave (degrees) as the check-in of this visit."""
        self.ensure_one()
        if self.user_id != self.env.user:
            raise AccessError(self.env._("Only %s checks in for this visit, from their phone.", self.user_id.name))
        if self.visit_type == "phone":
            raise UserError(self.env._("A phone visit has no check-in."))
        # two check-ins at once (a double tap, two tabs): the second waits, then finds the first
        self.env.cr.execute("SELECT id FROM spm_visit WHERE id = %s FOR UPDATE", [self.id])
        self.invalidate_recordset(["checkin_time"])
        if self.checkin_time:
            raise UserError(self.env._("This visit was already checked in on %s.",
                                       fields.Datetime.to_string(self.checkin_time)))
        try:
            latitude, longitude = float(latitude), float(longitude)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("The browser gave no usable position.")) from error
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude == 0 and longitude == 0):
            raise UserError(self.env._("The browser gave no usable position."))
        company = self.company_id
        now = fields.Datetime.now()
        if company._spm_local_date(self.date_start) != company._spm_local_date(now):
            raise UserError(self.env._("Check in on the day of the visit (%s).",
                                       company._spm_local_date(self.date_start)))
        # the position comes from the check-in only: written by the workflow, not by the user; the customer's
        # position of this moment is kept with it, and who last set it
        customer = self.partner_id.sudo()
        self.sudo().write({
            "checkin_latitude": latitude, "checkin_longitude": longitude, "checkin_time": now,
            "checkin_customer_latitude": customer.partner_latitude,
            "checkin_customer_longitude": customer.partner_longitude,
            "checkin_customer_moved_by_id": customer.spm_geo_changed_by_id.id,
            "checkin_customer_moved_on": customer.spm_geo_changed_on,
        })
        self.message_post(body=self.env._(
            "Checked in %(distance)s km from the customer.", distance=round(self.checkin_distance, 2))
            if self.checkin_status in ("near", "far") else self.env._("Checked in; the customer has no geolocation."))
        if self.checkin_customer_moved:
            self.message_post(body=self.env._(
                "%(user)s set the customer's position on the map on %(date)s, shortly before checking in.",
                user=self.checkin_customer_moved_by_id.name,
                date=format_datetime(self.env, self.checkin_customer_moved_on, dt_format="short")))
        return True

    @api.model
    def _spm_keep_customer_positions(self, decide=False):
        """Check-ins recorded without the customer's position (before 18.0.1.4.0, or loaded as data) take the
        customer's current one: their status and distance stay as they were decided (or, with ``decide``,
        for check-ins loaded as data, are decided against it)."""
        self.env.cr.execute("""
            UPDATE spm_visit v
               SET checkin_customer_latitude = p.partner_latitude, checkin_customer_longitude = p.partner_longitude
              FROM res_partner p
             WHERE p.id = v.partner_id AND v.checkin_time IS NOT NULL
               AND COALESCE(v.checkin_customer_latitude, 0) = 0 AND COALESCE(v.checkin_customer_longitude, 0) = 0
         RETURNING v.id
        """)
        visits = self.browse([row[0] for row in self.env.cr.fetchall()])
        visits.invalidate_recordset(["checkin_customer_latitude", "checkin_customer_longitude"])
        if decide:
            visits.modified(["checkin_customer_latitude", "checkin_customer_longitude"])
            visits.flush_recordset()
        return bool(visits)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_lead(self):
        self.ensure_one()
        return self.lead_id._get_records_action(name=self.env._("Opportunity"))

    @api.model
    def _spm_values_from_meeting(self, event):
        """The visit that logs the calendar meeting ``event``, as the current user."""
        internal = event.partner_ids.filtered(lambda p: p.user_ids)
        people = event.opportunity_id.partner_id | (event.partner_ids - internal)
        customer = people.commercial_partner_id[:1]
        if not customer:
            raise UserError(self.env._("The meeting “%s” has no customer: link it to an opportunity or invite the "
                                       "customer's contact first.", event.name))
        contact = people.filtered(lambda p: p.parent_id == customer)[:1]
        earlier = self.sudo().search_count([("partner_id", "=", customer.id)], limit=1)
        return {
            "name": event.name,
            "user_id": self.env.uid,
            "partner_id": customer.id,
            "contact_id": contact.id,
            "lead_id": event.opportunity_id.id,
            "date_start": event.start,
            "duration": event.duration,
            "visit_type": "follow_up" if earlier else "cold",
            "summary": html2plaintext(event.description) if event.description else False,
        }

    @api.model
    @api.model
    def _spm_visit_figures(self, field, ids):
        """{id: (number of visits, last one held)} of the visits the user may see (their access
        rules) whose ``field`` (lead_id, partner_id) is one of ``ids``, in one query; a planned visit
        counts in the number, not as the last held."""
        query = self._search([(field, "in", list(ids))])
        key, start = SQL.identifier(self._table, field), SQL.identifier(self._table, "date_start")
        query.groupby = key
        return {record_id: (count, last) for record_id, count, last in self.env.execute_query(query.select(
            key, SQL("COUNT(*)"), SQL("MAX(%s) FILTER (WHERE %s <= %s)", start, start, fields.Datetime.now())))}

    def _spm_visits_action(self, domain, context=None, name=None):
        """The visits matching ``domain`` (a lead's, a partner's), in list, calendar and form."""
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_visit_action")
        action.update({"domain": domain, "context": context or {}})
        if name:
            action["name"] = name
        return action
