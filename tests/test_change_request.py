from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, Form, get_db_name, tagged

from .common import SpmMonitoringCommon


@tagged("post_install", "-at_install")
class TestChangeRequest(SpmMonitoringCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead, cls.project = cls._approved_project(budget=1_000_000)

    def _request(self, user=None, project=None, **values):
        form = Form(self.env["spm.change.request"].with_user(user or self.user_sales_east).with_context(
            default_project_id=(project or self.project).id))
        form.change_type = values.pop("change_type", "budget")
        form.description = values.pop("description", "增加急诊车道")
        form.reason = values.pop("reason", "院方新增需求")
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def test_budget_change_goes_through_the_grade_chain_and_applies(self):
        request = self._request(budget_delta=300_000, date_end_new=fields.Date.to_date("2027-04-30"))
        self.assertRegex(request.name, r"^BG\d{4}-\d{4}$")
        self.assertEqual((request.state, request.user_id), ("draft", self.user_sales_east))
        self.assertEqual(request.budget_after, 1_300_000)
        request.with_user(self.user_sales_east).action_submit()
        self.assertEqual(request.grade_id, self.grade_office, "routed by the project's grade")
        self.assertEqual(request.approval_ids.mapped("name"), ["Sales manager"])
        self.assertEqual(request.current_approval_id.approver_user_id, self.user_manager_east)
        self.assertEqual(request.activity_ids.user_id, self.user_manager_east)
        self.assertEqual(request.budget_before, 1_000_000)
        self.assertEqual(self.project.spm_budget, 1_000_000, "nothing changes before the approval")

        with self.assertRaises(AccessError):
            request.with_user(self.user_manager_north).action_approve()
        self.assertIn(request, self.env["spm.change.request"].with_user(self.user_manager_east).search(
            [("can_decide", "=", True)]))
        request.with_user(self.user_manager_east).action_approve("同意追加预算")
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approval_ids.decided_by_id, self.user_manager_east)
        self.assertEqual(self.project.spm_budget, 1_300_000)
        self.assertEqual(self.project.date, fields.Date.to_date("2027-04-30"))
        self.assertFalse(request.activity_ids)
        with self.assertRaises(UserError):
            request.with_user(self.user_manager_east).action_approve()
        # the retrospective measures the project against what was approved, the change included
        retro = self.env["spm.retrospective"].with_user(self.user_sales_east).create({"project_id": self.project.id})
        self.assertEqual((retro.budget, retro.date_planned_end), (1_300_000, fields.Date.to_date("2027-04-30")))
        self.assertFalse(retro.collection_done, "nothing collected yet: no collection cycle to judge")

    def test_company_level_project_goes_up_the_whole_chain(self):
        lead = self._create_lead("公司级项目", expected_revenue=60_000_000)
        initiation = self.env["spm.initiation"].with_user(self.user_sales_east).create(
            {"lead_id": lead.id, "budget": 40_000_000})
        initiation.with_user(self.user_sales_east).action_submit()
        for approver in (self.user_manager_east, self.user_director, self.user_exec):
            initiation.with_user(approver).action_approve()
        project = initiation.project_id
        request = self._request(project=project, budget_delta=5_000_000)
        request.with_user(self.user_sales_east).action_submit()
        self.assertEqual(request.approval_ids.mapped("name"), ["Sales manager", "Sales director", "General manager"])
        request.with_user(self.user_manager_east).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.user_manager_east).action_approve()  # nobody decides two levels
        request.with_user(self.user_director).action_approve()
        self.assertEqual(project.spm_budget, 40_000_000)
        request.with_user(self.user_exec).action_approve()
        self.assertEqual(project.spm_budget, 45_000_000)

    def test_requester_never_approves_their_own_change_request(self):
        """The team leader raising a change on a project of his team: his step goes to the managers."""
        request = self._request(user=self.user_manager_east, budget_delta=100_000)
        request.with_user(self.user_manager_east).action_submit()
        step = request.current_approval_id
        self.assertFalse(step.approver_user_id)
        self.assertEqual(step.approver_group_id, self.env.ref("sales_project_management.group_spm_manager"))
        with self.assertRaises(AccessError):
            request.with_user(self.user_manager_east).action_approve()
        self.assertFalse(request.with_user(self.user_manager_east).can_decide)
        self.assertNotIn(self.user_manager_east, request.activity_ids.user_id)
        request.with_user(self.user_director).action_approve()
        self.assertEqual(request.state, "approved")

    def test_rejection_needs_a_comment_and_is_final(self):
        request = self._request(change_type="schedule", budget_delta=0,
                                date_end_new=fields.Date.to_date("2027-06-30"))
        request.with_user(self.user_sales_east).action_submit()
        with self.assertRaises(UserError):
            request.with_user(self.user_manager_east).action_reject(" ")
        request.with_user(self.user_manager_east).action_reject("工期不能顺延")
        self.assertEqual(request.state, "rejected")
        self.assertEqual(self.project.date, fields.Date.to_date("2027-03-31"))
        with self.assertRaises(UserError):
            request.with_user(self.user_sales_east).action_submit()

    def test_incomplete_requests_are_not_submitted(self):
        CR = self.env["spm.change.request"].with_user(self.user_sales_east)
        base = {"project_id": self.project.id, "description": "变更", "reason": "原因"}
        for values in ({"change_type": "budget"}, {"change_type": "schedule"},
                       {"change_type": "budget", "budget_delta": -2_000_000},
                       {"change_type": "scope", "description": False}):
            request = CR.create(dict(base, **values))
            with self.subTest(values=values), self.assertRaises(UserError):
                request.action_submit()
            self.assertEqual(request.state, "draft")
        ungraded = self.env["project.project"].create({"name": "普通项目", "company_id": self.company.id})
        request = CR.with_user(self.user_director).create(dict(base, project_id=ungraded.id, change_type="scope"))
        with self.assertRaises(UserError):
            request.action_submit()

    def test_decision_wizard_carries_its_step(self):
        request = self._request(budget_delta=50_000)
        request.with_user(self.user_sales_east).action_submit()
        action = request.with_user(self.user_manager_east).with_context(spm_decision="rejected").action_open_decision()
        self.assertEqual(action["res_model"], "spm.change.request.decision.wizard")
        wizard = Form(self.env["spm.change.request.decision.wizard"].with_user(self.user_manager_east).with_context(
            **action["context"]))
        self.assertEqual(wizard.decision, "rejected")
        wizard.comment = "理由不充分"
        wizard = wizard.save()
        # the step was decided meanwhile (by another manager, through the managers' group): the wizard is stale
        request.current_approval_id.sudo().write({"state": "approved", "decided_by_id": self.user_director.id})
        with self.assertRaises(UserError):
            wizard.action_confirm()

    def test_workflow_fields_and_budget_are_not_written_by_users(self):
        request = self._request(budget_delta=10_000)
        as_sales = request.with_user(self.user_sales_east)
        for values in ({"state": "approved"}, {"user_id": self.user_sales_north.id},
                       {"approval_ids": [(0, 0, {"name": "假审批", "state": "approved"})]}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                as_sales.write(values)
        with self.assertRaises(AccessError):
            self.project.with_user(self.user_director).write({"spm_budget": 9_999_999})
        forged = self.env["spm.change.request"].with_user(self.user_manager_east).create({
            "project_id": self.project.id, "user_id": self.user_sales_east.id, "state": "approved",
            "change_type": "budget", "budget_delta": 1})
        self.assertEqual((forged.user_id, forged.state), (self.user_manager_east, "draft"))
        self.assertEqual(self.project.spm_budget, 1_000_000)
        request.with_user(self.user_sales_east).action_submit()
        with self.assertRaises(UserError):
            as_sales.write({"budget_delta": 900_000})

    def test_another_team_neither_sees_nor_raises_change_requests(self):
        request = self._request(budget_delta=10_000)
        CR = self.env["spm.change.request"]
        self.assertFalse(CR.with_user(self.user_sales_north).search([("id", "=", request.id)]))
        with self.assertRaises(AccessError):
            request.with_user(self.user_sales_north).read(["name"])
        with self.assertRaises(AccessError):
            CR.with_user(self.user_sales_north).create({"project_id": self.project.id, "change_type": "scope",
                                                        "description": "x", "reason": "y"})
        with self.assertRaises(AccessError):
            request.with_user(self.user_sales_b).read(["name"])
        self.assertTrue(request.with_user(self.user_director).read(["name"]))


@tagged("post_install", "-at_install")
class TestChangeRequestConcurrency(BaseCase):
    """Two clicks on “Approve” of the same step, in two real transactions at the same moment (the demo's
    pending schedule change of the hospital car park): the second waits for nothing and is refused."""

    def test_one_step_is_decided_once(self):
        registry = Registry(get_db_name())
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env.ref("sales_project_management.change_request_hospital_parking_schedule",
                              raise_if_not_found=False)
            if not request:
                self.skipTest("needs the demo data")
            self.assertEqual(request.state, "submitted")
            request_id = request.id
            manager = env.ref("sales_project_management.user_spm_manager").id
        cr_a, cr_b = registry.cursor(), registry.cursor()
        try:
            api.Environment(cr_a, manager, {})["spm.change.request"].browse(request_id).action_approve("A")
            with self.assertRaises(UserError):
                api.Environment(cr_b, manager, {})["spm.change.request"].browse(request_id).action_approve("B")
        finally:
            cr_a.rollback()
            cr_b.rollback()
            cr_a.close()
            cr_b.close()
