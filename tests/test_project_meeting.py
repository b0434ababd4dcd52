import json
from datetime import timedelta

from odoo import Command, fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import SpmProjectCommon

SIGNATURE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="


class SpmMeetingCommon(SpmProjectCommon):

    def _meeting(self, meeting_type="customer", user=None, project=None, **values):
        start = fields.Datetime.now() - timedelta(hours=2)
        vals = {
            "name": "项目例会", "start": start, "stop": start + timedelta(hours=1),
            "spm_meeting_type": meeting_type, "spm_project_id": (project or self.project).id,
            "partner_ids": [Command.set((self.contact | (user or self.pm).partner_id).ids)],
        }
        vals.update(values)
        return self.env["calendar.event"].with_user(user or self.pm).with_context(
            no_mail_to_attendees=True).create(vals)

    def _kickoff_gate(self):
        gate = self.env.ref("sales_project_management.gate_project_kickoff")
        gate.active = True
        return gate


@tagged("post_install", "-at_install")
class TestProjectMeeting(SpmMeetingCommon):
    """项目会议: the meetings of a sales project on Odoo's calendar, held with their minutes; their action items
    become the project's tasks; the kickoff presents the charter the customer signs."""

    def test_hold_with_minutes_creates_the_action_items_as_tasks(self):
        deadline = self.today + timedelta(days=5)
        meeting = self._meeting(spm_agenda="<p>进度</p>", spm_action_ids=[
            Command.create({"name": "提交接口文档", "user_id": self.user_director.id, "date_deadline": deadline}),
            Command.create({"name": "确认道闸型号", "user_id": self.pm.id}),
        ])
        with self.assertRaises(UserError):
            meeting.with_user(self.pm).action_spm_hold()
        meeting.with_user(self.pm).spm_minutes = "<p>客户确认范围</p>"
        self.assertIs(meeting.with_user(self.pm).action_spm_hold(), True)
        self.assertTrue(meeting.spm_held_on)
        self.assertEqual(meeting.spm_held_by, self.pm)
        first, second = meeting.spm_action_ids.sorted("id")
        self.assertEqual((first.task_id.project_id, first.task_id.user_ids, first.task_id.date_deadline.date()),
                         (self.project, self.user_director, deadline))
        self.assertEqual(second.task_id.user_ids, self.pm)
        # held: once only, and its action items are locked
        with self.assertRaises(UserError):
            meeting.with_user(self.pm).action_spm_hold()
        with self.assertRaises(UserError):
            first.with_user(self.pm).write({"name": "改"})
        with self.assertRaises(UserError):
            self.env["spm.meeting.action"].with_user(self.pm).create({"meeting_id": meeting.id, "name": "新增"})
        with self.assertRaises(UserError):
            first.with_user(self.pm).unlink()
        with self.assertRaises(UserError):
            meeting.with_user(self.pm).write({"spm_action_ids": [Command.create({"name": "补一条"})]})
        with self.assertRaises(UserError):
            meeting.with_user(self.pm).unlink()
        # what it was stays: a held customer meeting does not become the kickoff (its gate) nor move elsewhere
        for values in ({"spm_meeting_type": "kickoff"}, {"spm_meeting_type": "analysis"},
                       {"opportunity_id": self._create_lead("会议商机").id}):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "is held"):
                meeting.with_user(self.pm).write(values)
        self.assertEqual(meeting.spm_meeting_type, "customer")
        # sending back what it is, or changing the minutes, is no change
        meeting.with_user(self.pm).write({"spm_meeting_type": "customer", "spm_project_id": self.project.id,
                                          "spm_minutes": "<p>客户确认范围（更正）</p>"})

    def test_who_holds_a_meeting(self):
        meeting = self._meeting(user=self.user_director, spm_minutes="<p>纪要</p>")
        meeting.user_id = self.user_director
        member = mail_new_test_user(self.env, login="spm_t_member", name="吴工",
                                    groups="base.group_user,sales_project_management.group_spm_user",
                                    company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        self.project.spm_member_ids = [Command.create({"role": "technical", "user_id": member.id})]
        with self.assertRaises(AccessError):
            meeting.with_user(member).action_spm_hold()
        meeting.with_user(self.pm).action_spm_hold()  # the project manager
        self.assertEqual(meeting.spm_held_by, self.pm)

    def test_workflow_fields_cannot_be_forged(self):
        with self.assertRaises(AccessError):
            self._meeting(spm_held_on=fields.Datetime.now())
        meeting = self._meeting()
        with self.assertRaises(AccessError):
            meeting.with_user(self.pm).write({"spm_held_by": self.pm.id})
        with self.assertRaises(AccessError):
            meeting.with_user(self.pm).write({"spm_held_on": fields.Datetime.now()})
        meeting2 = self.env["calendar.event"].with_user(self.pm).with_context(
            default_spm_held_on=fields.Datetime.now(), default_spm_held_by=self.pm.id).create({
                "name": "例会", "spm_meeting_type": "review", "spm_project_id": self.project.id})
        self.assertFalse(meeting2.spm_held_on)
        item = self.env["spm.meeting.action"].with_user(self.pm).create({"meeting_id": meeting.id, "name": "行动"})
        task = self.env["project.task"].create({"name": "伪造", "project_id": self.project.id})
        with self.assertRaises(AccessError):
            item.with_user(self.pm).write({"task_id": task.id})
        # a charter is signed online only
        charter = self.env["spm.project.charter"].with_user(self.pm).create({
            "project_id": self.project.id, "state": "signed", "signed_by": "伪造", "signed_on": fields.Datetime.now()})
        self.assertEqual((charter.state, charter.signed_by), ("draft", False))
        with self.assertRaises(AccessError):
            charter.with_user(self.pm).write({"signed_by": "伪造"})
        with self.assertRaises(AccessError):
            charter.with_user(self.pm).write({"state": "signed"})

    def test_another_teams_project_is_refused_as_parent(self):
        north = self.user_sales_north
        with self.assertRaises(AccessError):
            self._meeting(user=north)
        with self.assertRaises(AccessError):
            self.env["calendar.event"].with_user(north).with_context(
                default_spm_project_id=self.project.id, default_spm_meeting_type="review").create({"name": "复盘"})
        meeting = self.env["calendar.event"].with_user(north).create({"name": "内部会议"})
        with self.assertRaises(AccessError):
            meeting.with_user(north).write({"spm_meeting_type": "review", "spm_project_id": self.project.id})
        self.assertFalse(meeting.spm_project_id)
        with self.assertRaises(AccessError):
            self.env["spm.project.charter"].with_user(north).create({"project_id": self.project.id})
        # a meeting of the team's project moved onto another project is checked as creating it there
        other = self._create_project("华北项目", user=north)
        mine = self._meeting()
        with self.assertRaises(AccessError):
            mine.with_user(self.pm).write({"spm_project_id": other.id})
        self.assertEqual(mine.spm_project_id, self.project)
        # a project meeting needs a sales project
        plain = self.env["project.project"].create({"name": "内部项目", "company_id": self.company.id})
        with self.assertRaises(ValidationError):
            self._meeting(project=plain)

    def test_minutes_follow_the_projects_team_rules(self):
        meeting = self._meeting(spm_minutes="<p>机密纪要</p>")
        Meeting = self.env["calendar.event"]
        for user in (self.pm, self.user_director, self.user_manager_north, self.user_exec):
            with self.subTest(user=user.name):
                self.assertEqual(Meeting.with_user(user).search([("id", "=", meeting.id)]), meeting)
                self.assertIn("机密纪要", meeting.with_user(user).spm_minutes)
        # the salesperson of another team
        self.assertFalse(Meeting.with_user(self.user_sales_north).search([("id", "=", meeting.id)]))
        with self.assertRaises(AccessError):
            meeting.with_user(self.user_sales_north).read(["spm_minutes"])
        with self.assertRaises(AccessError):
            meeting.spm_action_ids.with_user(self.user_sales_north).create({"meeting_id": meeting.id, "name": "x"})
        # the company's other meetings are untouched
        plain = Meeting.with_user(self.user_sales_east).create({"name": "部门午餐"})
        self.assertEqual(Meeting.with_user(self.user_sales_north).search([("id", "=", plain.id)]), plain)
        # a customer with a portal login, invited, reads no project meeting
        self.contact.email = "zhang.ming@example.com"
        portal = mail_new_test_user(self.env, login="spm_t_portal_meet", name="张明", groups="base.group_portal",
                                    partner_id=self.contact.id)
        self.assertFalse(Meeting.with_user(portal).search([("id", "=", meeting.id)]))
        with self.assertRaises(AccessError):
            meeting.with_user(portal).read(["spm_minutes"])
        charter = meeting.copy({"spm_meeting_type": "kickoff"}).with_user(self.pm).action_spm_charter()
        with self.assertRaises(AccessError):
            self.env["spm.project.charter"].with_user(portal).browse(charter["res_id"]).read(["state"])
        # the charter follows the project's team too
        Charter = self.env["spm.project.charter"]
        self.assertEqual(Charter.with_user(self.pm).search([("id", "=", charter["res_id"])]).id, charter["res_id"])
        self.assertFalse(Charter.with_user(self.user_sales_north).search([("id", "=", charter["res_id"])]))
        as_b = Charter.with_user(self.user_sales_b).with_context(allowed_company_ids=self.company_b.ids)
        self.assertFalse(as_b.search([("id", "=", charter["res_id"])]))

    def test_internal_meetings_do_not_open_the_visit_gate(self):
        lead = self._create_lead(partner_id=self.contact.id)
        past = fields.Datetime.now() - timedelta(days=1)
        meeting = self.env["calendar.event"].with_user(self.user_sales_east).create({
            "name": "停滞分析会", "start": past, "stop": past + timedelta(hours=1),
            "opportunity_id": lead.id, "spm_meeting_type": "analysis"})
        self.assertFalse(lead.spm_visit_logged)
        self.assertFalse(self.env["crm.lead"].search([("id", "=", lead.id), ("spm_visit_logged", "=", True)]))
        # an analysis meeting of an opportunity is held by its salesperson (the stall alerts wait for it)
        meeting.with_user(self.user_sales_east).spm_minutes = "<p>原因：客户预算冻结</p>"
        meeting.with_user(self.user_sales_east).action_spm_hold()
        self.assertTrue(meeting.spm_held_on)
        self.assertFalse(lead.spm_visit_logged, "a held analysis meeting is no customer visit")
        review = self._meeting("review", opportunity_id=lead.id)
        self.assertFalse(lead.spm_visit_logged, "nor is a monthly review")
        review.with_user(self.pm).write({"spm_meeting_type": "customer"})
        self.assertTrue(lead.spm_visit_logged, "a meeting with the customer is")
        self.assertTrue(self.env["crm.lead"].search([("id", "=", lead.id), ("spm_visit_logged", "=", True)]))

    def test_kickoff_gate_needs_the_signed_charter(self):
        self._kickoff_gate()
        with self.assertRaises(UserError) as error:
            self._move(self.stage_acceptance)
        self.assertIn("Kickoff held with a signed charter", str(error.exception))
        kickoff = self._meeting("kickoff", spm_minutes="<p>宣讲章程</p>")
        action = kickoff.with_user(self.pm).action_spm_charter()
        charter = self.env["spm.project.charter"].browse(action["res_id"])
        self.assertEqual((charter.project_id, charter.meeting_id, charter.signatory_id),
                         (self.project, kickoff, self.contact))
        self.assertEqual(kickoff.with_user(self.pm).action_spm_charter()["res_id"], charter.id, "one charter")
        kickoff.with_user(self.pm).action_spm_hold()
        self.assertFalse(self.project.spm_kickoff_signed, "held, not signed yet")
        charter.with_user(self.pm).action_send_for_signature()
        message = charter.message_ids.filtered(lambda m: self.contact in m.partner_ids)[:1]
        self.assertIn(f"/my/charters/{charter.id}?access_token={charter.access_token}", message.body)
        self.assertTrue(charter.with_user(self.pm).signature_url)
        # the one signature mechanism of the acceptance
        charter.sudo()._spm_sign("张明", SIGNATURE)
        self.assertEqual((charter.state, charter.signed_by), ("signed", "张明"))
        self.assertFalse(charter.signature_url)
        signed = self.env["ir.attachment"].search([("res_model", "=", charter._name), ("res_id", "=", charter.id)])
        self.assertEqual(signed.spm_document_type_id, self.env.ref("sales_project_management.doc_type_charter"))
        self.assertTrue(self.project.spm_kickoff_signed)
        with self.assertRaises(UserError):
            charter.sudo()._spm_sign("张明", SIGNATURE)
        # frozen
        with self.assertRaises(UserError):
            charter.with_user(self.pm).write({"signatory_id": False})
        with self.assertRaises(UserError):
            charter.with_user(self.pm).unlink()
        with self.assertRaises(UserError):
            charter.with_user(self.pm).action_send_for_signature()
        self._move(self.stage_acceptance)
        self.assertEqual(self.project.stage_id, self.stage_acceptance)

    def test_a_charter_signed_before_the_kickoff_is_held_does_not_open_the_gate(self):
        self._kickoff_gate()
        kickoff = self._meeting("kickoff")
        charter = self.env["spm.project.charter"].browse(kickoff.with_user(self.pm).action_spm_charter()["res_id"])
        charter.sudo()._spm_sign("张明", SIGNATURE)
        self.assertFalse(self.project.spm_kickoff_signed)
        with self.assertRaises(UserError):
            self._move(self.stage_acceptance)
        kickoff.with_user(self.pm).spm_minutes = "<p>纪要</p>"
        kickoff.with_user(self.pm).action_spm_hold()
        self.assertTrue(self.project.spm_kickoff_signed)
        self._move(self.stage_acceptance)

    def test_communication_plan_creates_recurring_meetings(self):
        grade = self.project.spm_grade_id
        self.assertEqual(set(grade.spm_communication_plan_ids.mapped("meeting_type")), {"review", "customer"})
        self.project.write({"date_start": self.today, "date": self.today + timedelta(days=95)})
        result = self.project.with_user(self.pm).action_spm_plan_meetings()
        self.assertEqual(result["res_model"], "calendar.event")
        meetings = self.env["calendar.event"].search([("spm_project_id", "=", self.project.id)])
        customer = meetings.filtered(lambda m: m.spm_meeting_type == "customer")
        review = meetings.filtered(lambda m: m.spm_meeting_type == "review")
        self.assertEqual(len(customer.recurrence_id), 1)
        self.assertEqual((customer.recurrence_id.rrule_type, customer.recurrence_id.interval), ("monthly", 1))
        self.assertGreaterEqual(len(customer), 3, "monthly over three months")
        self.assertTrue(all(m.start.date() <= self.project.date for m in meetings))
        self.assertIn(self.contact, customer[0].partner_ids, "the customer's contacts take part")
        self.assertEqual((review.recurrence_id.rrule_type, review.recurrence_id.interval), ("monthly", 3))
        self.assertNotIn(self.contact, review[0].partner_ids, "an internal review")
        self.assertEqual(self.project.spm_meeting_count, len(meetings))
        with self.assertRaises(UserError):
            self.project.with_user(self.pm).action_spm_plan_meetings()
        with self.assertRaises(AccessError):
            self.project.with_user(self.user_sales_north).action_spm_plan_meetings()

    def test_minutes_pdf_renders(self):
        meeting = self._meeting(spm_minutes="<p>客户确认范围</p>", spm_decisions="<p>两周一次例会</p>",
                                spm_action_ids=[Command.create({"name": "提交接口文档", "user_id": self.pm.id})])
        html = self.env["ir.actions.report"].with_user(self.pm)._render_qweb_html(
            "sales_project_management.action_report_spm_meeting_minutes", meeting.ids)[0].decode()
        for text in ("客户确认范围", "两周一次例会", "提交接口文档", self.project.name):
            self.assertIn(text, html)
        self.assertEqual(meeting.with_user(self.pm).action_spm_print_minutes()["type"], "ir.actions.report")


@tagged("post_install", "-at_install")
class TestProjectCharterPortal(HttpCase, SpmMeetingCommon):
    """The customer opens the charter from the mailed link (by its token) and signs it, with the acceptance's
    signing route; without the token nothing is shown."""

    def test_customer_signs_the_charter_from_the_portal(self):
        self._kickoff_gate()
        kickoff = self._meeting("kickoff", spm_minutes="<p>内部纪要：成本偏高</p>")
        charter = self.env["spm.project.charter"].browse(kickoff.with_user(self.pm).action_spm_charter()["res_id"])
        kickoff.with_user(self.pm).action_spm_hold()
        self.assertEqual(kickoff.spm_charter_state, "draft")
        kickoff.with_user(self.pm).action_spm_send_charter()
        self.assertTrue(charter.access_token)
        page = self.url_open(f"/my/charters/{charter.id}?access_token={charter.access_token}")
        self.assertIn("o_spm_portal_charter", page.text)
        self.assertIn(self.project.name, page.text)
        self.assertNotIn("成本偏高", page.text, "nothing internal")
        printed = self.url_open(f"/my/charters/{charter.id}?access_token={charter.access_token}&report_type=html")
        self.assertEqual(printed.status_code, 200)
        self.assertIn(self.project.name, printed.content.decode())
        self.assertIn("spm_charter_signature", printed.content.decode())
        self.assertNotIn("o_spm_portal_charter", self.url_open(f"/my/charters/{charter.id}").text)
        self.assertNotIn("o_spm_portal_charter",
                         self.url_open(f"/my/charters/{charter.id}?access_token=forged").text)

        def sign(token):
            response = self.url_open(f"/my/charters/{charter.id}/sign", data=json.dumps({
                "jsonrpc": "2.0", "method": "call",
                "params": {"access_token": token, "name": "张明", "signature": SIGNATURE}}),
                headers={"Content-Type": "application/json"})
            self.env.invalidate_all()
            return response.json()["result"]

        self.assertIn("error", sign("forged"))
        self.assertEqual(charter.state, "draft")
        result = sign(charter.access_token)
        self.assertTrue(result.get("force_refresh"), result)
        self.assertEqual((charter.state, charter.signed_by), ("signed", "张明"))
        self.assertTrue(charter.signature)
        self.assertTrue(self.project.spm_kickoff_signed)
        self.assertIn("error", sign(charter.access_token), "signed once")
        self.assertEqual(kickoff.spm_charter_state, "signed")
        self._move(self.stage_acceptance)
        self.assertEqual(self.project.stage_id, self.stage_acceptance)
