from datetime import timedelta

from odoo import Command, fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.misc import get_lang

from .common import SpmGateCommon

MODULE = "sales_project_management"


@tagged("post_install", "-at_install")
class TestSupportRequest(SpmGateCommon):
    """资源求助: the east salesperson asks the presales team for help on an opportunity; the presales manager
    assigns an engineer, who logs the hours and marks it done; the salesperson rates it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, name, group, company=cls.company):
            return mail_new_test_user(
                cls.env, login=login, name=name, groups=f"base.group_user,{MODULE}.{group}", company_id=company.id,
                company_ids=[Command.set(company.ids)], email=f"{login}@example.com")

        cls.engineer = user("spm_t_presales", "吴昊", "group_spm_presales")
        cls.engineer2 = user("spm_t_presales2", "郑晓", "group_spm_presales")
        cls.presales_manager = user("spm_t_presales_manager", "马骏", "group_spm_presales_manager")
        cls.engineer_b = user("spm_t_presales_b", "Eve B", "group_spm_presales", company=cls.company_b)
        cls.lead = cls._create_lead("滨江智慧停车平台", partner_id=cls.contact.id)
        cls.lead_north = cls._create_lead("京华理工大学一卡通", user=cls.user_sales_north, team=cls.team_north)
        cls.today = fields.Date.context_today(cls.env["spm.support.request"])
        cls.Request = cls.env["spm.support.request"]
        cls.type_assign = cls.env.ref(f"{MODULE}.mail_activity_type_support_assign")
        cls.type_work = cls.env.ref(f"{MODULE}.mail_activity_type_support_work")
        cls.type_rate = cls.env.ref(f"{MODULE}.mail_activity_type_support_rate")

    def _request(self, user=None, lead=None, **values):
        """A request written by ``user`` (the east salesperson) in the form opened from the opportunity."""
        user = user or self.user_sales_east
        lead = (lead or self.lead).with_user(user)
        action = lead.action_spm_request_support()
        with Form(self.Request.with_user(user).with_context(**action["context"])) as form:
            form.type = values.get("type", "site_survey")
            form.date_needed = values.get("date_needed", self.today + timedelta(days=5))
            form.hours_estimated = values.get("hours_estimated", 8)
            form.description = "<p>机房现场勘察</p>"
        return form.record.with_env(self.env)

    def _sent(self, **values):
        request = self._request(**values)
        request.with_user(request.user_id).action_request()
        return request

    def _assigned(self, engineer=None, **values):
        request = self._sent(**values)
        self._wizard(self.presales_manager, request, "assign", engineer_id=(engineer or self.engineer).id)
        return request

    def _done(self, hours=6.0, **values):
        request = self._assigned(**values)
        request.with_user(request.engineer_id).action_done(hours)
        return request

    def _wizard(self, user, request, step, **values):
        wizard = self.env["spm.support.request.wizard"].with_user(user).create(
            dict(values, request_id=request.id, step=step))
        return wizard.action_confirm()

    def _activities(self, request, activity_type):
        return request.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    # ------------------------------------------------------------
    # The flow, role by role
    # ------------------------------------------------------------

    def test_full_flow(self):
        request = self._request()
        self.assertEqual((request.state, request.user_id, request.lead_id), ("draft", self.user_sales_east, self.lead))
        self.assertEqual((request.company_id, request.team_id), (self.company, self.team_east))
        self.assertEqual(request.name, "Site Survey · 滨江智慧停车平台", "named after its type and opportunity")
        self.assertEqual(self.lead.spm_support_request_ids, request)
        self.assertEqual(self.lead.with_user(self.user_sales_east).spm_support_request_count, 1)

        # the salesperson sends it: the presales manager (of this company only) is asked to assign it
        self.assertIs(request.with_user(self.user_sales_east).action_request(), True)
        self.assertEqual(request.state, "requested")
        self.assertTrue(request.date_requested)
        self.assertEqual(self._activities(request, self.type_assign).user_id, self.presales_manager)
        self.assertFalse(self.Request.with_user(self.engineer).search([("id", "=", request.id)]),
                         "an engineer sees the requests assigned to them only")

        # the presales manager assigns it: the engineer gets an activity due on the day it is needed
        self.assertEqual(request.with_user(self.presales_manager).action_open_assign()["res_model"],
                         "spm.support.request.wizard")
        self._wizard(self.presales_manager, request, "assign", engineer_id=self.engineer.id)
        self.assertEqual((request.state, request.engineer_id), ("assigned", self.engineer))
        self.assertTrue(request.date_assigned)
        self.assertFalse(self._activities(request, self.type_assign), "the manager's activity is done")
        work = self._activities(request, self.type_work)
        self.assertEqual((work.user_id, work.date_deadline), (self.engineer, request.date_needed))
        self.assertIn(self.engineer.partner_id, request.message_partner_ids)

        # the engineer reads the opportunity (only), logs hours and marks it done with the hours in all
        as_engineer = request.with_user(self.engineer)
        self.assertEqual(self.lead.with_user(self.engineer).read(["name"])[0]["name"], "滨江智慧停车平台")
        with self.assertRaises(AccessError):
            self.lead.with_user(self.engineer).write({"name": "改名"})
        with self.assertRaises(AccessError):
            self.lead_north.with_user(self.engineer).read(["name"])
        Form(self.lead.with_user(self.engineer))  # the opportunity's form opens for them, read-only
        self.assertIs(as_engineer.action_log_hours(2.5), True)
        self.assertEqual(request.hours_spent, 2.5)
        self.assertEqual(as_engineer.action_open_done()["context"]["default_hours"], 2.5)
        self._wizard(self.engineer, request, "done", hours=6.5)
        self.assertEqual((request.state, request.hours_spent), ("done", 6.5))
        self.assertTrue(request.date_done)
        self.assertFalse(self._activities(request, self.type_work))
        # the requester is told and asked to rate
        self.assertEqual(self._activities(request, self.type_rate).user_id, self.user_sales_east)
        self.assertIn(self.user_sales_east.partner_id, request.message_ids[0].partner_ids)

        # the engineer cannot rate, the requester rates once
        with self.assertRaises(AccessError):
            as_engineer.action_rate(5, "自评")
        self._wizard(self.user_sales_east, request, "rate", rating="4", comment="方案可用，报告略晚")
        self.assertEqual((request.rating, request.rating_comment), ("4", "方案可用，报告略晚"))
        self.assertTrue(request.date_rated)
        self.assertFalse(self._activities(request, self.type_rate))
        with self.assertRaises(UserError):
            request.with_user(self.user_sales_east).action_rate(5)
        self.assertEqual(request.rating, "4")

    def test_refused_with_a_reason(self):
        request = self._sent()
        for user in (self.user_sales_east, self.engineer, self.user_manager_east):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                request.with_user(user).action_refuse("没有资源")
        with self.assertRaises(UserError):
            request.with_user(self.presales_manager).action_refuse("  ")
        self._wizard(self.presales_manager, request, "refuse", reason="招标文件尚未发布，发布后再申请")
        self.assertEqual((request.state, request.refuse_reason), ("refused", "招标文件尚未发布，发布后再申请"))
        self.assertTrue(request.date_refused)
        self.assertFalse(request.activity_ids)
        self.assertIn(self.user_sales_east.partner_id, request.message_ids[0].partner_ids)
        self.assertIn("招标文件尚未发布", request.message_ids[0].body)
        # closed: neither rated, assigned nor changed
        with self.assertRaises(UserError):
            request.with_user(self.user_sales_east).action_rate(3)
        with self.assertRaises(UserError):
            request.with_user(self.presales_manager).action_assign(self.engineer.id)
        with self.assertRaises(UserError):
            request.with_user(self.user_sales_east).write({"date_needed": self.today + timedelta(days=30)})

    def test_assigned_work(self):
        """Who may do what once an engineer is on it; a reassignment moves the work."""
        request = self._assigned(hours_estimated=16)
        as_sales = request.with_user(self.user_sales_east)
        # the engineer may not assign, change the request, or mark another engineer's request done
        with self.assertRaises(AccessError):
            request.with_user(self.engineer).action_assign(self.engineer2.id)
        with self.assertRaises(AccessError):
            request.with_user(self.engineer).write({"hours_estimated": 2})
        with self.assertRaises(AccessError):
            request.with_user(self.engineer2).action_done(3)
        with self.assertRaises(AccessError):
            as_sales.action_done(3)
        with self.assertRaises(UserError):
            request.with_user(self.engineer).action_done(0)
        # the requester no longer changes it; the presales manager does, and the engineer's deadline follows
        with self.assertRaises(UserError):
            as_sales.write({"date_needed": self.today + timedelta(days=20)})
        request.with_user(self.presales_manager).write({"date_needed": self.today + timedelta(days=20)})
        self.assertEqual(self._activities(request, self.type_work).date_deadline, self.today + timedelta(days=20))
        # only a presales engineer of the request's company is assigned
        for wrong in (self.user_sales_north, self.engineer_b):
            with self.subTest(user=wrong.name), self.assertRaises(UserError):
                request.with_user(self.presales_manager).action_assign(wrong.id)
        request.with_user(self.presales_manager).action_assign(self.engineer2.id)
        self.assertEqual(request.engineer_id, self.engineer2)
        self.assertEqual(self._activities(request, self.type_work).user_id, self.engineer2)
        self.assertFalse(self.Request.with_user(self.engineer).search([("id", "=", request.id)]))
        with self.assertRaises(AccessError):
            self.lead.with_user(self.engineer).read(["name"])
        # a sent request is not deleted; nor a draft of someone else
        with self.assertRaises(UserError):
            as_sales.unlink()
        draft = self._request()
        with self.assertRaises(UserError):
            draft.with_user(self.presales_manager).unlink()
        draft.with_user(self.user_sales_east).unlink()
        self.assertFalse(draft.exists())

    def test_unassigned_work_says_so(self):
        """Hours on a request nobody is assigned to yet: the message says it waits for an assignment (no
        engineer named "-")."""
        request = self._sent(date_needed=self.today + timedelta(days=7))
        with self.assertRaisesRegex(UserError, "not assigned to an engineer yet"):
            request.with_user(self.user_sales_east).action_log_hours(2)
        self.assertEqual(request.hours_spent, 0)

    def test_request_checks(self):
        request = self._request(date_needed=self.today - timedelta(days=1))
        with self.assertRaises(UserError):
            request.with_user(self.user_sales_east).action_request()
        request.with_user(self.user_sales_east).write({"date_needed": self.today})
        with self.assertRaises(AccessError):
            request.with_user(self.user_manager_east).action_request()  # the team leader, not its requester
        request.with_user(self.user_sales_east).action_request()
        with self.assertRaises(UserError):
            request.with_user(self.user_sales_east).action_request()
        # a lead (not an opportunity) has no support request
        lead = self._create_lead("新线索", type="lead")
        with self.assertRaises(ValidationError):
            self.Request.with_user(self.user_sales_east).create({
                "lead_id": lead.id, "type": "demo", "date_needed": self.today})
        # the configured presales manager gets the requests, and must be one
        with self.assertRaises(ValidationError):
            self.company.spm_presales_manager_id = self.user_sales_east
        manager2 = mail_new_test_user(
            self.env, login="spm_t_presales_manager2", name="钱峰",
            groups=f"base.group_user,{MODULE}.group_spm_presales_manager", company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)])
        self.company.spm_presales_manager_id = manager2
        other = self._sent()
        self.assertEqual(self._activities(other, self.type_assign).user_id, manager2)

    # ------------------------------------------------------------
    # Integrity and access
    # ------------------------------------------------------------

    def test_forged_defaults_are_ignored_and_forged_values_refused(self):
        forged = {"default_state": "done", "default_engineer_id": self.engineer.id, "default_rating": "5",
                  "default_hours_spent": 40, "default_user_id": self.user_sales_north.id,
                  "default_refuse_reason": "forged", "default_date_done": "2026-01-01 00:00:00"}
        Request = self.Request.with_user(self.user_sales_east).with_context(default_lead_id=self.lead.id, **forged)
        with Form(Request) as form:
            form.type = "demo"
            form.date_needed = self.today + timedelta(days=3)
        request = form.record
        self.assertEqual((request.state, request.engineer_id, request.rating, request.hours_spent, request.user_id),
                         ("draft", self.env["res.users"], "0", 0.0, self.user_sales_east))
        self.assertFalse(request.refuse_reason or request.date_done)
        base = {"lead_id": self.lead.id, "type": "demo", "date_needed": self.today}
        for name, value in (("state", "done"), ("engineer_id", self.engineer.id), ("rating", "5"),
                            ("hours_spent", 3.0), ("user_id", self.user_sales_north.id)):
            with self.subTest(field=name), self.assertRaises(AccessError):
                self.Request.with_user(self.user_sales_east).create(dict(base, **{name: value}))
            with self.subTest(field=name), self.assertRaises(AccessError):
                request.with_user(self.presales_manager).write({name: value})
        self.assertEqual(request.state, "draft")

    def test_another_team_sees_nothing_and_cannot_reparent(self):
        request = self._sent()
        as_north = self.Request.with_user(self.user_sales_north)
        self.assertFalse(as_north.search([("id", "=", request.id)]))
        with self.assertRaises(AccessError):
            request.with_user(self.user_sales_north).read(["name"])
        # nor put a request on the east team's opportunity, by creating it there or by moving one
        with self.assertRaises(AccessError):
            as_north.create({"lead_id": self.lead.id, "type": "demo", "date_needed": self.today})
        own = self._request(user=self.user_sales_north, lead=self.lead_north)
        with self.assertRaises(AccessError):
            own.with_user(self.user_sales_north).write({"lead_id": self.lead.id})
        self.assertEqual(own.lead_id, self.lead_north)
        # the east team's leader and the sales managers see it, another company's people do not
        self.assertTrue(self.Request.with_user(self.user_manager_east).search([("id", "=", request.id)]))
        self.assertTrue(self.Request.with_user(self.user_director).search([("id", "=", request.id)]))
        for user in (self.user_sales_b, self.engineer_b):
            with self.subTest(user=user.name):
                self.assertFalse(self.Request.with_user(user).search([("id", "=", request.id)]))
        # the presales manager reads the opportunities with a request, not the others
        self.assertEqual(self.env["crm.lead"].with_user(self.presales_manager).search(
            [("id", "in", (self.lead | self.lead_north).ids)]), self.lead | self.lead_north)
        bare = self._create_lead("无求助商机", user=self.user_sales_north, team=self.team_north)
        with self.assertRaises(AccessError):
            bare.with_user(self.presales_manager).read(["name"])

    # ------------------------------------------------------------
    # The gate and the board
    # ------------------------------------------------------------

    def test_gate_support_done(self):
        Gate = self.env["spm.stage.gate"]
        with self.assertRaises(ValidationError):
            Gate.create({"name": "售前现场考察完成", "stage_id": self.stage_lead.id, "gate_type": "support_done"})
        gate = Gate.create({"name": "售前现场考察完成", "stage_id": self.stage_lead.id, "gate_type": "support_done",
                            "support_type": "site_survey"})
        domain = gate._spm_domain()
        self.assertFalse(Gate._spm_in_python("crm.lead", domain), "decided in SQL, with the other gates")
        self._meet_lead_gates(self.lead)
        with self.assertRaises(UserError) as error:
            self.lead.with_user(self.user_sales_east).write({"stage_id": self.stage_qualification.id})
        self.assertIn("售前现场考察完成", str(error.exception))

        # a demo done, a survey only assigned: still closed
        self._done(type="demo")
        survey = self._assigned(type="site_survey")
        self.assertFalse(self.lead.spm_gate_ready)
        self.assertFalse(Gate._spm_evaluate(self.lead.ids, gate.ids))
        self.assertFalse(self.lead.filtered_domain(domain))
        survey.with_user(self.engineer).action_done(4)
        self.assertEqual(Gate._spm_evaluate(self.lead.ids, gate.ids), {(self.lead.id, gate.id)})
        self.assertEqual(self.lead.filtered_domain(domain), self.lead)
        self.assertTrue(self.lead.spm_gate_ready)
        self.lead.with_user(self.user_sales_east).write({"stage_id": self.stage_qualification.id})
        self.assertEqual(self.lead.stage_id, self.stage_qualification)
        self.assertEqual(self.lead.spm_gate_log_ids.result, "passed")

    def test_board_load_per_engineer_and_week(self):
        # the first day of next week, in the language's weeks (en_US: from Sunday), as the board groups them
        first_day = int(get_lang(self.env).week_start) - 1
        day = self.today + timedelta(days=7)
        week = day - timedelta(days=(day.weekday() - first_day) % 7)
        self._done(hours=6, date_needed=week, hours_estimated=8)
        logged = self._assigned(date_needed=week + timedelta(days=2), hours_estimated=4)
        logged.with_user(self.engineer).action_log_hours(1.5)
        self._assigned(date_needed=week + timedelta(days=8), hours_estimated=10)
        self._assigned(engineer=self.engineer2, date_needed=week + timedelta(days=4), hours_estimated=16)
        self._sent(date_needed=week, hours_estimated=3)  # not assigned yet
        rows = self.Request.with_user(self.presales_manager)._read_group(
            [("lead_id", "=", self.lead.id)], ["engineer_id", "date_needed:week"],
            ["hours_estimated:sum", "hours_spent:sum"])
        load = {(engineer.name, start): (estimated, spent) for engineer, start, estimated, spent in rows}
        next_week = week + timedelta(days=7)
        self.assertEqual(load, {
            ("吴昊", week): (12.0, 7.5),
            ("吴昊", next_week): (10.0, 0.0),
            ("郑晓", week): (16.0, 0.0),
            (False, week): (3.0, 0.0),
        })
        # the board has a column per presales engineer of the company, busy or not
        columns = self.Request.with_user(self.presales_manager).read_group(
            [("lead_id", "=", self.lead_north.id)], ["hours_estimated:sum"], ["engineer_id"])
        engineers = {column["engineer_id"][0] for column in columns if column["engineer_id"]}
        self.assertTrue({self.engineer.id, self.engineer2.id} <= engineers)
        self.assertNotIn(self.engineer_b.id, engineers)
        # an engineer's board holds their own requests only
        own = self.Request.with_user(self.engineer2)._read_group([], ["engineer_id"], ["hours_estimated:sum"])
        self.assertEqual([(engineer, hours) for engineer, hours in own], [(self.engineer2, 16.0)])

    def test_menus_follow_the_roles(self):
        def visible(user):
            return set(self.env["ir.ui.menu"].with_user(user)._visible_menu_ids())

        mine, assigned, to_assign, board = (self.env.ref(f"{MODULE}.{xmlid}").id for xmlid in (
            "menu_spm_support_my", "menu_spm_support_assigned", "menu_spm_support_to_assign", "menu_spm_support_board"))
        self.assertEqual({menu: menu in visible(self.user_sales_east) for menu in (mine, assigned, to_assign, board)},
                         {mine: True, assigned: False, to_assign: False, board: False})
        self.assertEqual({menu: menu in visible(self.engineer) for menu in (mine, assigned, to_assign, board)},
                         {mine: True, assigned: True, to_assign: False, board: False})
        self.assertTrue({mine, assigned, to_assign, board} <= visible(self.presales_manager))
        self.assertIn(board, visible(self.user_director))
        self.assertNotIn(mine, visible(self.user_accountant))
