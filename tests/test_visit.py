from datetime import timedelta

from odoo import fields
from odoo.addons.sales_project_management.models.spm_visit import haversine_km
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmVisitCommon


@tagged("post_install", "-at_install")
class TestVisit(SpmVisitCommon):

    def test_haversine(self):
        # Beijing - Shanghai: 1067 km on the great circle
        self.assertAlmostEqual(haversine_km(39.9042, 116.4074, 31.2304, 121.4737), 1067.3, delta=1.0)
        self.assertEqual(haversine_km(*self.BUREAU, *self.BUREAU), 0.0)

    def test_phone_and_onsite_visits_far_checkin_flagged(self):
        """A phone visit and an on-site visit logged in the form by the salesperson; the on-site
        visit is checked in 9 km from the customer and flagged."""
        Visit = self.env["spm.visit"].with_user(self.user_sales_east)
        lead = self._create_lead(partner_id=self.contact.id)
        with Form(Visit) as form:
            form.name = "电话确认一期范围"
            form.partner_id = self.customer
            form.contact_id = self.contact
            form.lead_id = lead
            form.visit_type = "phone"
            form.duration = 0.5
            form.intent_level = "high"
            form.summary = "张主任确认一期覆盖主城区。"
        phone = form.record
        with Form(Visit) as form:
            form.name = "机房现场调研"
            form.partner_id = self.customer
            form.contact_id = self.contact
            form.lead_id = lead
            form.visit_type = "onsite"
            form.duration = 2
        onsite = form.record
        self.assertEqual((phone.user_id, phone.team_id, phone.checkin_status), (self.user_sales_east, self.team_east,
                                                                              "none"))
        with self.assertRaises(UserError):
            phone.with_user(self.user_sales_east).action_checkin(30.2, 120.2)

        # the browser's position, 9 km north-east of the bureau
        self.assertIs(onsite.with_user(self.user_sales_east).action_checkin(30.2796, 120.2587), True)
        self.assertEqual(onsite.checkin_status, "far")
        self.assertTrue(onsite.checkin_far)
        self.assertAlmostEqual(onsite.checkin_distance, haversine_km(30.2796, 120.2587, *self.BUREAU), places=2)
        self.assertGreater(onsite.checkin_distance, 8)
        self.assertTrue(onsite.checkin_time)
        self.assertEqual((onsite.checkin_latitude, onsite.checkin_longitude), (30.2796, 120.2587))

        near = self._visit(lead_id=lead.id)
        near.with_user(self.user_sales_east).action_checkin(self.BUREAU[0] + 0.001, self.BUREAU[1])
        self.assertEqual(near.checkin_status, "near")
        self.assertAlmostEqual(near.checkin_distance, 0.11, places=2)
        far_visits = self.env["spm.visit"].search([("lead_id", "=", lead.id), ("checkin_far", "=", True)])
        self.assertEqual(far_visits, onsite)

    def test_threshold_is_a_company_setting_and_unlocated_customers_are_told(self):
        self.company.spm_checkin_max_distance = 10
        visit = self._visit()
        visit.with_user(self.user_sales_east).action_checkin(30.2796, 120.2587)
        self.assertEqual(visit.checkin_status, "near")
        self.company.spm_checkin_max_distance = 1
        self.assertEqual(visit.checkin_status, "near", "a past check-in is not rewritten by a new limit")
        unlocated = self._visit(partner_id=self.customer_b_unlocated().id, contact_id=False)
        unlocated.with_user(self.user_sales_east).action_checkin(30.2, 120.2)
        self.assertEqual(unlocated.checkin_status, "unknown")
        self.assertFalse(unlocated.checkin_far)
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        self.assertEqual(settings.spm_checkin_max_distance, 1)
        with self.assertRaises(ValidationError):
            self.company.spm_checkin_max_distance = 0

    def customer_b_unlocated(self):
        return self.env["res.partner"].create({"name": "海州城市停车投资运营有限公司", "is_company": True})

    def test_checkin_coordinates_are_never_edited_by_hand(self):
        visit = self._visit()
        as_sales = visit.with_user(self.user_sales_east)
        # another salesperson (even a manager) cannot check in for it
        with self.assertRaises(AccessError):
            visit.with_user(self.user_manager_east).action_checkin(*self.BUREAU)
        for values in ({"checkin_latitude": 30.2}, {"checkin_time": fields.Datetime.now()},
                       {"checkin_distance": 0.1}, {"checkin_far": True}, {"checkin_status": "near"}):
            with self.subTest(values=values), self.assertRaises(UserError):
                as_sales.write(values)
        as_sales.action_checkin(30.2796, 120.2587)
        for values in ({"checkin_latitude": self.BUREAU[0], "checkin_longitude": self.BUREAU[1]},
                       {"checkin_time": False}, {"checkin_far": False}, {"checkin_status": "near"}):
            with self.subTest(values=values), self.assertRaises(UserError):
                as_sales.write(values)
        with self.assertRaises(UserError):
            as_sales.action_checkin(*self.BUREAU)
        with self.assertRaises(UserError):
            as_sales.write({"partner_id": self.customer_hospital.id, "contact_id": self.hospital_contact.id})
        with self.assertRaises(UserError):
            as_sales.unlink()
        with self.assertRaises(UserError):
            self._visit(checkin_latitude=self.BUREAU[0], checkin_longitude=self.BUREAU[1],
                        checkin_time=fields.Datetime.now())
        self.assertEqual(visit.checkin_status, "far")
        # not in the form either: the fields are read-only there
        with Form(as_sales) as form:
            self.assertTrue(form._get_modifier("checkin_latitude", "readonly"))
            self.assertTrue(form._get_modifier("partner_id", "readonly"))
            form.summary = "补充纪要"
        self.assertEqual(visit.summary, "补充纪要")

    def test_checkin_needs_a_position_on_the_day_of_the_visit(self):
        as_sales = self._visit().with_user(self.user_sales_east)
        for latitude, longitude in ((None, 120.0), ("abc", 1), (91, 0), (0, 181), (0, 0)):
            with self.subTest(position=(latitude, longitude)), self.assertRaises(UserError):
                as_sales.action_checkin(latitude, longitude)
        yesterday = self._visit(date_start=fields.Datetime.now() - timedelta(days=2))
        with self.assertRaises(UserError):
            yesterday.with_user(self.user_sales_east).action_checkin(*self.BUREAU)

    def test_lead_gate_opens_with_a_visit(self):
        """The 线索 gate “a visit logged” counts a held visit (a planned one does not), and a held
        calendar meeting still counts."""
        lead = self._create_lead(partner_id=self.contact.id)
        gate = self.env.ref("sales_project_management.gate_lead_visit")
        self.assertEqual(gate.field_id.name, "spm_visit_logged")
        as_sales = lead.with_user(self.user_sales_east)
        with self.assertRaises(UserError) as error:
            as_sales.write({"stage_id": self.stage_qualification.id})
        self.assertIn("At least one customer visit logged", str(error.exception))

        planned = self._visit(lead_id=lead.id, date_start=fields.Datetime.now() + timedelta(days=3))
        self.assertFalse(lead.spm_visit_logged)
        self.assertFalse(lead.spm_gate_ready)
        with self.assertRaises(UserError):
            as_sales.write({"stage_id": self.stage_qualification.id})

        planned.with_user(self.user_sales_east).date_start = fields.Datetime.now() - timedelta(hours=1)
        self.assertTrue(lead.spm_visit_logged)
        self.assertTrue(lead.spm_gate_ready)
        Lead = self.env["crm.lead"].with_user(self.user_sales_east)
        self.assertIn(lead, Lead.search([("spm_visit_logged", "=", True)]))
        self.assertNotIn(lead, Lead.search([("spm_visit_logged", "=", False)]))
        self.assertIn(lead, Lead.search([("spm_gate_ready", "=", True), ("id", "=", lead.id)]))
        as_sales.write({"stage_id": self.stage_qualification.id})
        self.assertEqual(lead.spm_gate_log_ids.stage_to_id, self.stage_qualification)

        # the visit of a colleague counts too, whoever searches
        other = self._create_lead("滨江一院智慧后勤", partner_id=self.hospital_contact.id)
        self._visit(user=self.user_sales_east, partner_id=self.customer_hospital.id,
                    contact_id=self.hospital_contact.id, lead_id=other.id)
        self.assertIn(other, self.env["crm.lead"].with_user(self.user_manager_north).search(
            [("spm_visit_logged", "=", True)]))

    def test_meeting_held_still_opens_the_gate(self):
        lead = self._create_lead(partner_id=self.contact.id)
        self.env["calendar.event"].create({
            "name": "拜访", "opportunity_id": lead.id, "start": fields.Datetime.now() - timedelta(days=1),
            "stop": fields.Datetime.now() - timedelta(days=1, hours=-1)})
        self.assertTrue(lead.spm_visit_logged)
        lead.with_user(self.user_sales_east).write({"stage_id": self.stage_qualification.id})

    def test_visit_links_are_checked(self):
        lead_north = self._create_lead("京华理工大学一卡通", user=self.user_sales_north, team=self.team_north,
                                       partner_id=self.contact.id)
        # a visit cannot open the gate of another team's opportunity
        with self.assertRaises(AccessError):
            self._visit(lead_id=lead_north.id)
        visit = self._visit()
        with self.assertRaises(AccessError):
            visit.with_user(self.user_sales_east).write({"lead_id": lead_north.id})
        # nor of another customer's opportunity
        lead_hospital = self._create_lead("滨江一院", partner_id=self.hospital_contact.id)
        with self.assertRaises(ValidationError):
            self._visit(lead_id=lead_hospital.id)
        with self.assertRaises(ValidationError):
            self._visit(contact_id=self.hospital_contact.id)
        # a visit is the salesperson's own: it is not given to someone else
        with self.assertRaises(UserError):
            visit.with_user(self.user_sales_east).write({"user_id": self.user_sales_north.id})
        with self.assertRaises(AccessError):
            self.env["spm.visit"].with_user(self.user_sales_east).create({
                "name": "代拜访", "partner_id": self.customer.id, "user_id": self.user_sales_north.id})

    def test_meeting_links_are_checked_as_visits_are(self):
        """A meeting held counts for the visit gate as a visit does: a salesperson of another team cannot
        link one to an opportunity they may not work, by create or by write, to open its gate."""
        lead_north = self._create_lead("京华理工大学一卡通", user=self.user_sales_north, team=self.team_north,
                                       partner_id=self.contact.id)
        held = fields.Datetime.now() - timedelta(days=1)
        Event = self.env["calendar.event"].with_user(self.user_sales_east)
        with self.assertRaises(AccessError):
            Event.create({"name": "代拜访", "opportunity_id": lead_north.id, "start": held,
                          "stop": held + timedelta(hours=1)})
        own = Event.create({"name": "部门例会", "start": held, "stop": held + timedelta(hours=1)})
        with self.assertRaises(AccessError):
            own.write({"opportunity_id": lead_north.id})
        # the crm way to link it (res_model / res_id, as the lead's "Meeting" button does) is checked too
        with self.assertRaises(AccessError):
            Event.with_context(default_res_model="crm.lead", default_res_id=lead_north.id).create(
                {"name": "代拜访", "start": held, "stop": held + timedelta(hours=1)})
        # a refused link leaves no meeting behind, even without a test savepoint (assertRaisesRegex adds none)
        with self.assertRaisesRegex(AccessError, "."):
            Event.create({"name": "代拜访（二）", "opportunity_id": lead_north.id, "start": held,
                          "stop": held + timedelta(hours=1)})
        self.assertFalse(self.env["calendar.event"].search([("name", "=", "代拜访（二）")]))
        self.assertFalse(lead_north.spm_visit_logged)
        with self.assertRaises(UserError):
            lead_north.with_user(self.user_sales_north).stage_id = self.stage_qualification
        # the opportunity's own salesperson links meetings to it, and they open the gate
        Event.with_user(self.user_sales_north).create({
            "name": "拜访", "opportunity_id": lead_north.id, "start": held, "stop": held + timedelta(hours=1)})
        lead_north.invalidate_recordset()
        self.assertTrue(lead_north.spm_visit_logged)
        lead_north.with_user(self.user_sales_north).stage_id = self.stage_qualification
        # editing that meeting (as calendar lets any colleague) with its own opportunity sent back is no new link
        meeting = lead_north.calendar_event_ids.with_user(self.user_sales_east)
        meeting.write({"name": "拜访（改期）", "opportunity_id": lead_north.id})
        self.assertEqual(meeting.name, "拜访（改期）")
        with self.assertRaises(AccessError):
            own.write({"name": "部门例会", "opportunity_id": lead_north.id})

    def test_meeting_made_held_is_checked_as_a_link_is(self):
        """A planned meeting of an opportunity counts for its visit gate once held: a salesperson of another
        team (whom calendar lets edit the meeting) cannot open the gate by moving it into the past or by
        restoring a held one from the archive; rescheduling it into the future, or the opportunity's own
        salesperson, can."""
        lead_north = self._create_lead("京华理工大学图书馆", user=self.user_sales_north, team=self.team_north,
                                       partner_id=self.contact.id)
        planned = fields.Datetime.now() + timedelta(days=3)
        held = fields.Datetime.now() - timedelta(days=1)
        meeting = self.env["calendar.event"].with_user(self.user_sales_north).create({
            "name": "拜访", "opportunity_id": lead_north.id, "start": planned, "stop": planned + timedelta(hours=1)})
        self.assertFalse(lead_north.spm_visit_logged)
        other = meeting.with_user(self.user_sales_east)
        with self.assertRaisesRegex(AccessError, "opportunity of “拜访” can make it count as held"):
            other.write({"start": held, "stop": held + timedelta(hours=1)})
        meeting.invalidate_recordset()
        self.assertEqual(meeting.start, planned, "the refused write leaves the meeting as it was")
        # a colleague may still reschedule it as long as it stays planned
        other.write({"start": planned + timedelta(days=1), "stop": planned + timedelta(days=1, hours=1)})
        meeting.invalidate_recordset()
        self.assertEqual(meeting.start, planned + timedelta(days=1))
        self.assertFalse(lead_north.spm_visit_logged)
        with self.assertRaises(UserError):
            lead_north.with_user(self.user_sales_north).stage_id = self.stage_qualification
        # the opportunity's salesperson records that it took place: the gate opens
        meeting.write({"start": held, "stop": held + timedelta(hours=1)})
        lead_north.invalidate_recordset()
        self.assertTrue(lead_north.spm_visit_logged)
        # a held meeting archived and restored by the other team: refused; moved within the past: no new
        # opening of the gate, allowed
        meeting.action_archive()
        with self.assertRaises(AccessError):
            other.action_unarchive()
        meeting.action_unarchive()
        other.write({"start": held - timedelta(hours=2), "stop": held - timedelta(hours=1)})
        meeting.invalidate_recordset()
        self.assertEqual(meeting.start, held - timedelta(hours=2))

    def test_salesperson_cannot_change_another_persons_visit(self):
        visit = self._visit(user=self.user_sales_north)
        with self.assertRaises(AccessError):
            visit.with_user(self.user_sales_east).read(["name"])
        with self.assertRaises(AccessError):
            visit.with_user(self.user_sales_east).write({"summary": "改写"})
        with self.assertRaises(AccessError):
            visit.with_user(self.user_sales_east).unlink()
        self.assertFalse(self.env["spm.visit"].with_user(self.user_sales_east).search([("id", "=", visit.id)]))
        # the leader of the north team reads it, cannot change it; the east leader does not see it
        self.assertEqual(visit.with_user(self.user_manager_north).summary, False)
        with self.assertRaises(AccessError):
            visit.with_user(self.user_manager_north).write({"summary": "改写"})
        with self.assertRaises(AccessError):
            visit.with_user(self.user_manager_east).read(["name"])
        # executives read every visit of their companies, not those of another company
        visit.with_user(self.user_exec).read(["name"])
        visit_b = self.env["spm.visit"].create({
            "name": "B", "partner_id": self.customer.id, "user_id": self.user_sales_b.id,
            "company_id": self.company_b.id})
        with self.assertRaises(AccessError):
            visit_b.with_user(self.user_exec).read(["name"])

    def test_next_date_schedules_the_follow_up(self):
        lead = self._create_lead(partner_id=self.contact.id)
        today = fields.Date.context_today(lead)
        visit = self._visit(lead_id=lead.id, next_step="发送解决方案\n并约技术交流",
                            next_date=today + timedelta(days=3))
        activity = visit.next_activity_id
        self.assertEqual((activity.res_model, activity.res_id), ("crm.lead", lead.id))
        self.assertEqual((activity.user_id, activity.date_deadline, activity.summary),
                         (self.user_sales_east, today + timedelta(days=3), "发送解决方案"))
        self.assertEqual(activity.activity_type_id,
                         self.env.ref("sales_project_management.mail_activity_type_visit_follow_up"))
        visit.with_user(self.user_sales_east).next_date = today + timedelta(days=5)
        self.assertEqual(visit.next_activity_id, activity)
        self.assertEqual(activity.date_deadline, today + timedelta(days=5))
        visit.with_user(self.user_sales_east).next_date = False
        self.assertFalse(activity.exists())
        # without an opportunity, the follow-up is on the visit itself
        alone = self._visit(next_date=today + timedelta(days=1))
        self.assertEqual((alone.next_activity_id.res_model, alone.next_activity_id.res_id), ("spm.visit", alone.id))

    def test_meeting_logged_as_a_visit_in_one_click(self):
        lead = self._create_lead(partner_id=self.contact.id)
        start = fields.Datetime.now() - timedelta(hours=3)
        event = self.env["calendar.event"].with_user(self.user_sales_east).create({
            "name": "交通运输局平台汇报", "opportunity_id": lead.id, "start": start,
            "stop": start + timedelta(hours=2), "description": "<p>分管局长听取汇报</p>"})
        action = event.with_user(self.user_sales_east).action_spm_log_visit()
        visit = self.env["spm.visit"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "spm.visit")
        self.assertEqual((visit.user_id, visit.partner_id, visit.contact_id, visit.lead_id, visit.calendar_event_id),
                         (self.user_sales_east, self.customer, self.contact, lead, event))
        self.assertEqual((visit.date_start, visit.duration, visit.visit_type), (start, 2.0, "cold"))
        self.assertEqual(visit.summary, "分管局长听取汇报")
        again = event.with_user(self.user_sales_east).action_spm_log_visit()
        self.assertEqual(again["res_id"], visit.id, "a meeting is logged once")
        self.assertEqual(event.with_user(self.user_sales_east).spm_visit_ids, visit)
        # a meeting without any customer cannot be a customer visit
        internal = self.env["calendar.event"].with_user(self.user_sales_east).create({
            "name": "部门例会", "start": start, "stop": start + timedelta(hours=1)})
        with self.assertRaises(UserError):
            internal.with_user(self.user_sales_east).action_spm_log_visit()

    def test_lead_and_customer_show_their_visits(self):
        lead = self._create_lead(partner_id=self.contact.id)
        held = fields.Datetime.now() - timedelta(days=2)
        self._visit(lead_id=lead.id, date_start=held - timedelta(days=5), visit_type="cold")
        self._visit(lead_id=lead.id, date_start=held, visit_type="follow_up")
        self._visit(lead_id=lead.id, date_start=fields.Datetime.now() + timedelta(days=2), visit_type="phone")
        as_sales = lead.with_user(self.user_sales_east)
        self.assertEqual((as_sales.spm_visit_count, as_sales.spm_last_visit_date), (3, held))
        customer = self.customer.with_user(self.user_sales_east)
        self.assertEqual((customer.spm_visit_count, customer.spm_last_visit_date), (3, held))
        self.assertEqual(self.contact.with_user(self.user_sales_east).spm_visit_count, 0)
        # a visit to a department of the customer counts for it and for the customer above it
        department = self.env["res.partner"].create({"name": "信息中心", "parent_id": self.customer.id,
                                                     "is_company": True})
        later = held + timedelta(days=1)
        self._visit(partner_id=department.id, contact_id=False, date_start=later, visit_type="follow_up")
        self.env.invalidate_all()
        self.assertEqual((customer.spm_visit_count, customer.spm_last_visit_date), (4, later))
        self.assertEqual((department.with_user(self.user_sales_east).spm_visit_count,
                          department.with_user(self.user_sales_east).spm_last_visit_date), (1, later))
        self.assertEqual(as_sales.spm_visit_count, 3, "a visit without the opportunity is not the opportunity's")
        action = as_sales.action_spm_open_visits()
        self.assertEqual(self.env["spm.visit"].search(action["domain"]), lead.spm_visit_ids)
        self.assertEqual(action["context"]["default_lead_id"], lead.id)
        action = customer.action_spm_open_visits()
        self.assertEqual(len(self.env["spm.visit"].search(action["domain"])), 4, "the department's visit too")
        # the pivot: by salesperson x type x week
        rows = self.env["spm.visit"].with_user(self.user_sales_east).read_group(
            [("lead_id", "=", lead.id)], ["duration:sum"], ["user_id", "visit_type", "date_start:week"], lazy=False)
        self.assertEqual(len(rows), 3)
