from datetime import timedelta

from odoo import Command, fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmGateCommon


@tagged("post_install", "-at_install")
class TestInitiation(SpmGateCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls._create_lead("滨江市智慧停车综合管理平台", expected_revenue=60_000_000)
        cls._meet_lead_gates(cls.lead)
        cls._meet_qualification_gates(cls.lead)
        cls.lead.stage_id = cls.stage_qualification
        cls.lead.stage_id = cls.stage_initiation

    def _request(self, lead=None, user=None):
        lead = lead or self.lead
        user = user or lead.user_id
        action = lead.with_user(user).action_spm_request_initiation()
        form = Form(self.env["spm.initiation"].with_user(user).with_context(**action["context"]))
        form.objective = "<p>年内完成一期上线</p>"
        form.scope = "<p>3.2 万泊位接入</p>"
        return form.save()

    def test_request_is_prefilled_from_the_opportunity(self):
        request = self._request()
        self.assertEqual(request.lead_id, self.lead)
        self.assertEqual(request.expected_revenue, 60_000_000)
        self.assertFalse(request.budget, "the cost budget is not the customer's budget")
        # nobody is made project manager unasked: the request says who will be, the requester by default
        self.assertFalse(request.member_ids)
        self.assertIn(self.user_sales_east.name, request.member_warning)
        with self.assertRaises(ValidationError):
            request.with_user(self.user_sales_east).write({"member_ids": [
                Command.create({"user_id": self.user_sales_east.id, "role": "manager"}),
                Command.create({"user_id": self.user_manager_east.id, "role": "manager"})]})
        request.with_user(self.user_sales_east).write({"member_ids": [
            Command.create({"user_id": self.user_manager_east.id, "role": "manager"})]})
        self.assertFalse(request.member_warning)
        self.assertEqual(request.state, "draft")
        self.assertRegex(request.name, r"^LX\d{4}-\d{4}$")

    def test_company_level_chain_and_project(self):
        request = self._request()
        request.with_user(self.user_sales_east).action_submit()
        self.assertEqual(request.grade_id, self.grade_company)
        self.assertEqual(request.approval_ids.mapped("name"), ["Sales manager", "Sales director", "General manager"])
        first = request.approval_ids[0]
        self.assertEqual(first.approver_user_id, self.user_manager_east, "the team leader approves first")
        activity = request.activity_ids
        self.assertEqual(activity.user_id, self.user_manager_east)

        # a salesperson approves nothing; a manager not leading this team cannot take the first step
        with self.assertRaises(AccessError):
            request.with_user(self.user_sales_north).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.user_director).action_approve()
        request.with_user(self.user_manager_east).action_approve("同意")
        self.assertEqual(request.current_approval_id.name, "Sales director")
        self.assertIn(self.user_director, request.activity_ids.user_id)
        self.assertNotIn(self.user_manager_east, request.activity_ids.user_id)
        # the director decides, not another region's leader: one to-do, not one per manager of the company
        self.assertNotIn(self.user_manager_north, request.activity_ids.user_id)
        # nor the general manager (a manager too): deciding it, he could not decide his own level after
        self.assertNotIn(self.user_exec, request.activity_ids.user_id)
        with self.assertRaises(AccessError):
            request.with_user(self.user_exec).action_approve()
        self.assertNotIn(request, self.env["spm.initiation"].with_user(self.user_exec).search(
            [("can_decide", "=", True)]))
        self.assertFalse(self.lead.spm_gate_ready, "立项 is not approved yet")

        request.with_user(self.user_director).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.user_manager_north).action_approve()  # a manager, not an executive
        self.assertFalse(request.project_id)
        request.with_user(self.user_exec).action_approve("公司级重点项目，批准")
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approval_ids.mapped("state"), ["approved"] * 3)
        self.assertEqual(request.approval_ids.mapped("decided_by_id"),
                         self.user_manager_east | self.user_director | self.user_exec)
        self.assertFalse(request.activity_ids)

        project = self.env["project.project"].search([("spm_lead_id", "=", self.lead.id)])
        self.assertEqual(len(project), 1)
        self.assertEqual(self.lead.spm_project_id, project)
        self.assertEqual((project.spm_initiation_id, project.spm_grade_id, project.user_id),
                         (request, self.grade_company, self.user_sales_east))
        roles = {m.role: m for m in project.spm_member_ids}
        self.assertEqual(roles["monitor"].user_id, self.user_exec, "company-level: an executive monitors")
        self.assertEqual(roles["customer_contact"].partner_id, self.contact)
        self.assertEqual(project.spm_success_criterion_ids.mapped("target")[:2], [95, 30])
        wbs = self.env.ref("sales_project_management.wbs_template_default").with_context(
            lang=self.user_sales_east.lang)
        self.assertEqual(project.milestone_ids.mapped("name"), wbs.phase_ids.mapped("name"),
                         "named in the project manager's language")
        self.assertEqual(len(project.task_ids), 15)
        self.assertTrue(all(project.task_ids.mapped("milestone_id")))
        # the 立项 gate is now met
        self.assertTrue(self.lead.spm_gate_ready)
        self.lead.with_user(self.user_sales_east).stage_id = self.stage_requirements

    def test_requester_never_approves_their_own_request(self):
        lead = self._create_lead("经理自己的项目", user=self.user_manager_east, expected_revenue=60_000_000)
        request = self._request(lead, self.user_manager_east)
        request.with_user(self.user_manager_east).action_submit()
        first = request.approval_ids[0]
        self.assertFalse(first.approver_user_id, "the leader is the requester: the managers decide instead")
        self.assertEqual(first.approver_group_id, self.env.ref("sales_project_management.group_spm_manager"))
        with self.assertRaises(AccessError):
            request.with_user(self.user_manager_east).action_approve()
        self.assertFalse(request.with_user(self.user_manager_east).can_decide)
        self.assertNotIn(self.user_manager_east, request.activity_ids.user_id)
        request.with_user(self.user_director).action_approve()
        # the requester is also in the Manager group of the second step: still not theirs to decide
        with self.assertRaises(AccessError):
            request.with_user(self.user_manager_east).action_approve()

    def test_office_level_needs_only_the_team_leader(self):
        lead = self._create_lead("小项目", expected_revenue=3_000_000)
        request = self._request(lead)
        request.with_user(self.user_sales_east).action_submit()
        self.assertEqual(request.grade_id, self.grade_office)
        self.assertEqual(len(request.approval_ids), 1)
        request.with_user(self.user_manager_east).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertTrue(request.project_id)

    def test_rejection_needs_a_comment_and_ends_it(self):
        request = self._request()
        request.with_user(self.user_sales_east).action_submit()
        with self.assertRaises(UserError):
            request.with_user(self.user_manager_east).action_reject()
        request.with_user(self.user_manager_east).action_reject("客户预算未落实，暂不立项")
        self.assertEqual(request.state, "rejected")
        self.assertEqual(request.approval_ids.mapped("state"), ["rejected", "skipped", "skipped"])
        self.assertTrue(any("客户预算未落实" in message.body for message in request.message_ids))
        with self.assertRaises(UserError):
            request.with_user(self.user_director).action_approve()
        with self.assertRaises(UserError):
            request.with_user(self.user_sales_east).action_submit()
        self.assertFalse(self.env["project.project"].search([("spm_lead_id", "=", self.lead.id)]))

    def test_return_and_resubmit_keeps_history(self):
        request = self._request()
        request.with_user(self.user_sales_east).action_submit()
        request.with_user(self.user_manager_east).action_approve()
        with self.assertRaises(UserError):
            request.with_user(self.user_director).action_return(" ")
        request.with_user(self.user_director).action_return("请补充风险分析")
        self.assertEqual(request.state, "returned")
        self.assertEqual(request.activity_ids.user_id, self.user_sales_east, "the requester revises")
        request.with_user(self.user_sales_east).write({"risk_analysis": "<p>财政资金分两年到位</p>"})
        request.with_user(self.user_sales_east).action_submit()
        self.assertEqual(request.state, "submitted")
        self.assertEqual(len(request.approval_ids), 6)
        self.assertEqual(request.approval_ids.filtered(lambda a: a.round == 1).mapped("state"),
                         ["approved", "returned", "skipped"])
        self.assertEqual(request.current_approval_id.round, 2)
        self.assertEqual(request.current_approval_id.name, "Sales manager", "the chain starts again")

    def test_submitted_request_is_frozen(self):
        request = self._request()
        request.with_user(self.user_sales_east).action_submit()
        with self.assertRaises(UserError):
            request.with_user(self.user_sales_east).write({"budget": 1})
        with self.assertRaises(UserError):
            request.with_user(self.user_sales_east).unlink()
        with self.assertRaises(AccessError):
            self.env["spm.initiation.approval"].with_user(self.user_manager_east).create({
                "initiation_id": request.id, "name": "fake", "state": "approved"})
        with self.assertRaises(AccessError):
            request.approval_ids[0].with_user(self.user_manager_east).write({"state": "approved"})

    def test_workflow_fields_only_change_through_the_workflow(self):
        request = self._request()
        as_sales = request.with_user(self.user_sales_east)
        for values in ({"state": "approved"}, {"user_id": self.user_sales_north.id},
                       {"approval_ids": [(0, 0, {"name": "假审批", "state": "approved"})]}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                as_sales.write(values)
        self.assertEqual(request.state, "draft")
        self.assertFalse(self.lead.spm_gate_ready, "立项 is not approved by writing the state")
        # a manager cannot file a request in someone else's name to approve it himself
        forged = self.env["spm.initiation"].with_user(self.user_manager_east).create({
            "lead_id": self.lead.id, "user_id": self.user_sales_east.id, "state": "approved"})
        self.assertEqual((forged.user_id, forged.state), (self.user_manager_east, "draft"))

    def test_decision_wizard(self):
        request = self._request()
        request.with_user(self.user_sales_east).action_submit()
        action = request.with_user(self.user_manager_east).with_context(spm_decision="returned").action_open_decision()
        wizard = Form(self.env["spm.initiation.decision.wizard"].with_user(self.user_manager_east).with_context(
            **action["context"]))
        self.assertEqual(wizard.decision, "returned")
        wizard.comment = "范围不清"
        wizard.save().action_confirm()
        self.assertEqual(request.state, "returned")

    def test_my_approvals(self):
        request = self._request()
        request.with_user(self.user_sales_east).action_submit()
        Request = self.env["spm.initiation"]
        self.assertIn(request, Request.with_user(self.user_manager_east).search([("can_decide", "=", True)]))
        self.assertNotIn(request, Request.with_user(self.user_director).search([("can_decide", "=", True)]))
        request.with_user(self.user_manager_east).action_approve()
        self.assertIn(request, Request.with_user(self.user_director).search([("can_decide", "=", True)]))
        self.assertNotIn(request, Request.with_user(self.user_manager_east).search([("can_decide", "=", True)]))

    def test_salesperson_of_another_team_cannot_see_the_request(self):
        request = self._request()
        self.assertFalse(self.env["spm.initiation"].with_user(self.user_sales_north).search([("id", "=", request.id)]))
        with self.assertRaises(AccessError):
            request.with_user(self.user_sales_north).read(["name"])
        self.assertTrue(request.with_user(self.user_director).read(["name"]))

    def test_existing_project_is_reused(self):
        project = self.env["project.project"].create({"name": "已有项目", "company_id": self.company.id})
        lead = self._create_lead("小项目", expected_revenue=3_000_000, spm_project_id=project.id)
        request = self._request(lead)
        request.with_user(self.user_sales_east).action_submit()
        request.with_user(self.user_manager_east).action_approve()
        self.assertEqual(request.project_id, project)
        self.assertEqual(project.spm_lead_id, lead)
        self.assertEqual(self.env["project.project"].search_count([("spm_lead_id", "=", lead.id)]), 1)
        self.assertEqual(len(project.milestone_ids), 5)

    def test_manager_of_an_existing_project_is_told_once(self):
        """A linked project that already has its plan gets no WBS; its new manager is still told, once."""
        self.env = self.env(context=dict(self.env.context, tracking_disable=False))
        self.user_sales_east.lang = "en_US"  # the notice is in the project manager's language
        project = self.env["project.project"].create({"name": "已有项目", "company_id": self.company.id,
                                                      "user_id": self.user_manager_east.id, "allow_milestones": True})
        self.env["project.milestone"].create({"name": "一期", "project_id": project.id})
        lead = self._create_lead("小项目", expected_revenue=3_000_000, spm_project_id=project.id)
        request = self._request(lead)
        request.with_user(self.user_sales_east).action_submit()
        request.with_user(self.user_manager_east).action_approve()
        self.assertEqual(project.user_id, self.user_sales_east)
        self.assertFalse(project.task_ids, "a project with its plan gets no WBS")
        told = self.env["mail.message"].search([("model", "=", "project.project"), ("res_id", "=", project.id),
                                                ("message_type", "=", "user_notification"),
                                                ("partner_ids", "in", self.user_sales_east.partner_id.ids)])
        self.assertEqual(told.mapped("subject"), ["You are the project manager of 已有项目."])
        self.assertIn(self.user_sales_east.partner_id, project.message_partner_ids,
                      "without Odoo's notice the new manager still follows the project")

    def test_wbs_tasks_are_assigned_without_a_notification_each(self):
        """The approval tells the project manager once (the request's chatter and the project); the WBS
        does not send one "assigned to you" per task, nor log "task created" in each task, and Odoo's
        "You have been assigned to the project" is not sent besides the one notice."""
        # as in the web client: Odoo's chatter at work (the tests' common set-up turns it off)
        self.env = self.env(context=dict(self.env.context, tracking_disable=False))
        self.user_sales_east.lang = "en_US"  # the notice is in the project manager's language
        lead = self._create_lead("小项目", expected_revenue=3_000_000)
        request = self._request(lead)
        request.with_user(self.user_sales_east).action_submit()
        request.with_user(self.user_manager_east).action_approve()
        project = request.project_id
        tasks = project.task_ids
        self.assertEqual(len(tasks), 15)
        self.assertEqual(tasks.user_ids, self.user_sales_east, "the project manager is assigned every task")
        for task in tasks:
            self.assertEqual(task.message_partner_ids, self.user_sales_east.partner_id,
                             "the project manager follows his tasks, the approver does not")
        messages = self.env["mail.message"].search([("model", "=", "project.task"), ("res_id", "in", tasks.ids)])
        self.assertFalse(messages, "no notification or creation note per WBS task")
        told = self.env["mail.message"].search([("model", "=", "project.project"), ("res_id", "=", project.id),
                                                ("message_type", "=", "user_notification")])
        self.assertEqual(len(told), 1, "the project manager is told once")
        self.assertEqual(told.partner_ids, self.user_sales_east.partner_id)
        self.assertEqual(told.subject, f"You are the project manager of {project.display_name}; 15 tasks of its "
                                       "WBS are assigned to you.")
        self.assertIn(self.user_sales_east.partner_id, project.message_partner_ids,
                      "without Odoo's notice the project manager still follows the project")
        wbs = self.env.ref("sales_project_management.wbs_template_default")
        start = request.date_start or fields.Date.context_today(request)
        self.assertEqual(project.milestone_ids.sorted("deadline").mapped("deadline"), sorted(
            start + timedelta(days=phase.start_offset_days + phase.duration_days) for phase in wbs.phase_ids))
        for task in tasks:
            self.assertEqual(task.date_deadline.date(), task.milestone_id.deadline, "a task is due with its phase")

    def test_team_without_leader_cannot_submit(self):
        team = self.env["crm.team"].create({"name": "无负责人团队", "company_id": self.company.id,
                                            "member_ids": [Command.link(self.user_sales_east.id)]})
        lead = self._create_lead("无人审批", team=team, expected_revenue=1_000_000)
        request = self._request(lead)
        with self.assertRaises(UserError):
            request.with_user(self.user_sales_east).action_submit()
        self.assertEqual(request.state, "draft")


@tagged("post_install", "-at_install")
class TestInitiationHardening(SpmGateCommon):
    """Holes found over RPC: grade raised after 立项, the proposed team after submission, requests on
    someone else's opportunity, teammates editing a request, decisions on a step decided meanwhile."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_sales_east2 = mail_new_test_user(
            cls.env, login="spm_t_sales_east2", name="赵丽",
            groups="base.group_user,sales_project_management.group_spm_user",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.team_east.member_ids = [Command.link(cls.user_sales_east2.id)]
        cls.lead = cls._create_lead("滨江停车诱导屏", expected_revenue=3_000_000)
        cls._meet_lead_gates(cls.lead)
        cls._meet_qualification_gates(cls.lead)
        cls.lead.stage_id = cls.stage_qualification
        cls.lead.stage_id = cls.stage_initiation

    def _request(self, lead=None, user=None):
        lead = lead or self.lead
        user = user or lead.user_id
        action = lead.with_user(user).action_spm_request_initiation()
        form = Form(self.env["spm.initiation"].with_user(user).with_context(**action["context"]))
        self.assertEqual(form.name, "New", "a new request is not titled “/”")
        form.objective = "<p>三个月内上线</p>"
        if not self.env["spm.initiation"].search_count([("lead_id", "=", lead.id)]):  # else the last one's team
            with form.member_ids.new() as member:  # the salesperson proposes to manage the project
                member.user_id = user
                member.role = "manager"
        return form.save()

    def test_approval_counts_only_up_to_its_grade(self):
        request = self._request()
        request.with_user(self.user_sales_east).action_submit()
        self.assertEqual(request.grade_id, self.grade_office)
        request.with_user(self.user_manager_east).action_approve()
        project = request.project_id
        self.assertTrue(self.lead.spm_gate_ready)
        self.assertFalse(self.lead.spm_initiation_note)

        # the expected revenue rises: company-level now, the office-level approval no longer opens the gate
        self.lead.with_user(self.user_sales_east).expected_revenue = 90_000_000
        self.assertEqual(self.lead.spm_grade_id, self.grade_company)
        self.assertFalse(self.lead.spm_initiation_approved)
        self.assertFalse(self.lead.spm_gate_ready)
        self.assertIn(request.name, self.lead.spm_initiation_note)
        self.assertIn(self.grade_company.name, self.lead.spm_initiation_note)
        with self.assertRaises(UserError) as error:
            self.lead.with_user(self.user_sales_east).stage_id = self.stage_requirements
        self.assertIn("Initiation approved", str(error.exception))
        self.assertEqual(self.lead.stage_id, self.stage_initiation)

        # a new request starts from the approved one and goes through the company-level chain
        second = self._request()
        self.assertNotEqual(second, request)
        self.assertEqual(second.objective, request.objective)
        self.assertEqual(second.member_ids.mapped("role"), request.member_ids.mapped("role"))
        second.with_user(self.user_sales_east).action_submit()
        self.assertEqual(second.grade_id, self.grade_company)
        self.assertEqual(len(second.approval_ids), 3)
        second.with_user(self.user_manager_east).action_approve()
        second.with_user(self.user_director).action_approve()
        self.assertFalse(self.lead.spm_gate_ready, "approved only once the whole chain of the new grade has")
        second.with_user(self.user_exec).action_approve()
        self.assertTrue(self.lead.spm_initiation_approved)
        self.assertFalse(self.lead.spm_initiation_note)
        self.assertEqual(request.state, "approved", "the first approval stays in the history")
        # the same project, completed, without a duplicated team
        self.assertEqual(second.project_id, project)
        self.assertEqual(project.spm_grade_id, self.grade_company)
        keys = [(m.role, m.user_id.id, m.partner_id.id) for m in project.spm_member_ids]
        self.assertEqual(len(keys), len(set(keys)))
        self.assertIn(self.user_exec, project.spm_member_ids.filtered(lambda m: m.role == "monitor").user_id)
        self.assertEqual(len(project.milestone_ids), 5)
        self.lead.with_user(self.user_sales_east).stage_id = self.stage_requirements

    def test_proposed_team_is_locked_with_its_request(self):
        request = self._request()
        member = request.member_ids
        as_requester = self.env["spm.initiation.member"].with_user(self.user_sales_east)
        request.with_user(self.user_sales_east).action_submit()
        for attempt in (
            lambda: member.with_user(self.user_sales_east).write({"user_id": self.user_sales_north.id}),
            lambda: as_requester.create({"initiation_id": request.id, "user_id": self.user_sales_north.id,
                                         "role": "technical"}),
            lambda: member.with_user(self.user_sales_east).unlink(),
            lambda: request.with_user(self.user_sales_east).write(
                {"member_ids": [Command.create({"user_id": self.user_sales_north.id, "role": "delivery"})]}),
        ):
            with self.assertRaises(UserError):
                attempt()
        request.with_user(self.user_manager_east).action_approve()
        with self.assertRaises(UserError):
            member.with_user(self.user_sales_east).write({"role": "director"})
        self.assertEqual((member.user_id, member.role), (self.user_sales_east, "manager"))
        self.assertEqual(request.project_id.user_id, self.user_sales_east)

    def test_returned_request_team_can_change(self):
        request = self._request()
        request.with_user(self.user_sales_east).action_submit()
        request.with_user(self.user_manager_east).action_return("请补充技术支持人员")
        self.env["spm.initiation.member"].with_user(self.user_sales_east).create(
            {"initiation_id": request.id, "user_id": self.user_sales_east2.id, "role": "technical"})
        self.assertEqual(len(request.member_ids), 2)

    def test_request_needs_write_access_to_its_opportunity(self):
        lead_north = self._create_lead("京华理工一卡通", user=self.user_sales_north, team=self.team_north,
                                       expected_revenue=3_000_000)
        with self.assertRaises(AccessError):
            self.env["spm.initiation"].with_user(self.user_sales_east).create({"lead_id": lead_north.id})
        self.assertFalse(self.env["spm.initiation"].search([("lead_id", "=", lead_north.id)]))
        # the reference always comes from the sequence
        request = self.env["spm.initiation"].with_user(self.user_sales_east).create(
            {"lead_id": self.lead.id, "name": "LX2026-9999"})
        self.assertNotEqual(request.name, "LX2026-9999")
        self.assertRegex(request.name, r"^LX\d{4}-\d{4}$")
        with self.assertRaises(AccessError):
            request.with_user(self.user_sales_east).write({"name": "LX2026-9999"})
        # and moving it to someone else's opportunity is refused too
        with self.assertRaises(AccessError):
            request.with_user(self.user_sales_east).write({"lead_id": lead_north.id})

    def test_teammates_do_not_edit_a_request(self):
        request = self._request()
        as_teammate = request.with_user(self.user_sales_east2)
        self.assertTrue(as_teammate.read(["name"]), "the team sees its requests")
        with self.assertRaises(AccessError):
            as_teammate.write({"budget": 1})
        with self.assertRaises(AccessError):
            as_teammate.unlink()
        with self.assertRaises(AccessError):
            request.member_ids.with_user(self.user_sales_east2).write({"role": "director"})
        request.with_user(self.user_director).write({"budget": 2_000_000})  # a manager may
        self.assertEqual(request.budget, 2_000_000)

    def test_decision_is_recorded_on_the_step_it_was_opened_on(self):
        lead = self._create_lead("滨江智慧停车二期", expected_revenue=60_000_000)
        request = self._request(lead)
        request.with_user(self.user_sales_east).action_submit()
        request.with_user(self.user_manager_east).action_approve()
        self.assertEqual(request.current_approval_id.name, "Sales director")
        # the executive opens the wizard at the director's step (executives are managers too)
        action = request.with_user(self.user_exec).action_open_decision()
        wizard = Form(self.env["spm.initiation.decision.wizard"].with_user(self.user_exec).with_context(
            **action["context"])).save()
        self.assertEqual(wizard.approval_id.name, "Sales director")
        # the director decides meanwhile; the executive's stale decision must not approve the next step
        request.with_user(self.user_director).action_approve()
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.current_approval_id.name, "General manager")
        self.assertEqual(request.current_approval_id.state, "pending")
        # the same over RPC with the step id
        with self.assertRaises(UserError):
            request.with_user(self.user_exec).action_approve("ok", approval_id=wizard.approval_id.id)
        request.with_user(self.user_exec).action_approve("ok", approval_id=request.current_approval_id.id)
        self.assertEqual(request.state, "approved")

    def test_approval_and_criteria_names_are_translated(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_project_management"], ["zh_CN"], overwrite=True)
        self.user_sales_east.lang = "zh_CN"
        request = self._request()
        request.with_user(self.user_sales_east).action_submit()
        self.assertEqual(request.approval_ids.with_context(lang="zh_CN").name, "销售经理")
        self.assertEqual(request.approval_ids.with_context(lang="en_US").name, "Sales manager")
        request.with_user(self.user_manager_east).action_approve()
        project = request.project_id
        criteria = project.spm_success_criterion_ids.with_context(lang="zh_CN")
        self.assertEqual(criteria.mapped("name"), ["验收通过率", "回款周期", "收入目标"])
        self.assertEqual(project.spm_success_criterion_ids.with_context(lang="en_US")[0].name, "Acceptance pass rate")
        self.assertEqual(project.milestone_ids[0].name, "需求调研", "named in the project manager's language")
        told = self.env["mail.message"].search([("model", "=", "project.project"), ("res_id", "=", project.id),
                                                ("message_type", "=", "user_notification")])
        self.assertEqual(told.subject, f"您是 {project.display_name} 的项目经理，WBS 中的 15 项任务已分派给您。",
                         "the WBS notification in the project manager's language")
        self.assertEqual(self.lead.with_context(lang="zh_CN").spm_initiation_state, "approved")
        labels = dict(self.env["crm.lead"].with_context(lang="zh_CN")._fields["spm_initiation_state"]
                      ._description_selection(self.env(context={"lang": "zh_CN"})))
        self.assertEqual(labels["approved"], "已批准")
        # the delivery project's tasks sit in its stages, not in a folded "none" column
        self.assertTrue(project.type_ids)
        self.assertTrue(all(project.task_ids.mapped("stage_id")))
        self.assertFalse(project.task_ids.stage_id.fold)
