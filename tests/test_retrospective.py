from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SpmProjectCommon


@tagged("post_install", "-at_install")
class TestRetrospective(SpmProjectCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project.spm_member_ids = [Command.create({"role": "technical", "user_id": cls.user_sales_north.id})]
        cls.retro = cls.env["spm.retrospective"].with_user(cls.pm).create({
            "project_id": cls.project.id,
            "success_factors": "<p>周报机制</p>", "problems": "<p>联调不足</p>", "improvements": "<p>提前预验</p>",
        })

    def test_collection_cycle_and_pass_rate_equal_what_the_records_say(self):
        # milestone 1: passed the first time; milestone 2: failed, then passed
        self._acceptance("stage", self.milestone_research, date=self.today - timedelta(days=80))
        self._acceptance("stage", self.milestone_delivery, result="failed", date=self.today - timedelta(days=50))
        self._acceptance("stage", self.milestone_delivery, date=self.today - timedelta(days=45))
        accepted_on = self.today - timedelta(days=30)
        self._acceptance(date=accepted_on)
        self.assertEqual(self.retro.acceptance_pass_rate, 50.0)
        self.assertEqual(self.retro.acceptance_pass_target, 95)
        self.assertFalse(self.retro.acceptance_pass_met)
        self.assertEqual(self.retro.collection_cycle_days, 0, "not collected yet")
        self._pay(self._invoice(self.line_delivery), self.line_delivery.amount, self.today - timedelta(days=40))
        self._pay(self._invoice(self.line_acceptance), self.line_acceptance.amount, self.today - timedelta(days=8))
        self.assertEqual(self.retro.collection_cycle_days, 22, "final acceptance to the last payment")
        self.assertEqual(self.retro.collection_cycle_target, 30)
        self.assertTrue(self.retro.collection_cycle_met)
        self.assertEqual((self.retro.revenue_contract, self.retro.revenue_invoiced, self.retro.revenue_collected),
                         (1_000_000, 1_000_000, 1_000_000))
        self.assertEqual(self.retro.date_actual_end, accepted_on)
        self.assertEqual(self.retro.schedule_delay_days, -20)
        # done: the charter gets its actuals
        self.retro.with_user(self.pm).action_done()
        criteria = {c.code: c.actual for c in self.project.spm_success_criterion_ids}
        self.assertEqual(criteria, {"acceptance_rate": 50.0, "collection_cycle": 22})

    def test_revenue_budget_and_cost_from_the_initiation_and_analytic_lines(self):
        plan = self.env["account.analytic.plan"].create({"name": "项目"})
        account = self.env["account.analytic.account"].create({
            "name": "滨江智慧停车一期", "plan_id": plan.id, "company_id": self.company.id})
        self.project.account_id = account
        self.company.spm_budget_overrun_policy = "warn"  # a sales project without budget is controlled
        self.env["account.analytic.line"].create([
            {"name": "设备采购", "account_id": account.id, "amount": -300_000, "company_id": self.company.id},
            {"name": "实施外包", "account_id": account.id, "amount": -100_000, "company_id": self.company.id},
            {"name": "收入", "account_id": account.id, "amount": 500_000, "company_id": self.company.id},
        ])
        self.assertEqual(self.retro.cost, 400_000)
        self.assertEqual(self.retro.budget, 0)
        self.assertEqual(self.retro.cost_ratio, 0)

    def test_one_retrospective_per_project_and_done_needs_lessons(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["spm.retrospective"].create({"project_id": self.project.id})
        other = self._create_project("滨江智慧停车二期")
        empty = self.env["spm.retrospective"].with_user(self.pm).create({"project_id": other.id})
        with self.assertRaises(UserError):
            empty.with_user(self.pm).action_done()
        self.retro.with_user(self.pm).action_done()
        self.assertEqual(self.retro.state, "done")
        self.assertTrue(self.project.spm_retrospective_done)
        with self.assertRaises(UserError):
            self.retro.with_user(self.pm).write({"problems": "<p>改写</p>"})
        with self.assertRaises(UserError):
            self.retro.with_user(self.pm).write({"state": "draft"})
        with self.assertRaises(UserError):
            self.retro.unlink()

    def test_evaluations_are_private(self):
        Evaluation = self.env["spm.retrospective.evaluation"]
        evaluations = Evaluation.with_user(self.user_director).create([
            {"retrospective_id": self.retro.id, "user_id": self.pm.id, "score": 4, "comment": "组织有力"},
            {"retrospective_id": self.retro.id, "user_id": self.user_sales_north.id, "score": 2, "comment": "需加强"},
        ])
        self.assertEqual(evaluations.evaluator_id, self.user_director)
        mine, other = evaluations
        # the project manager reads their own evaluation, not the other member's
        self.assertEqual(self.retro.with_user(self.pm).evaluation_ids, mine)
        self.assertEqual(Evaluation.with_user(self.pm).search([("retrospective_id", "=", self.retro.id)]), mine)
        with self.assertRaises(AccessError):
            other.with_user(self.pm).read(["score"])
        # another member: their own only; a salesperson outside the team: none
        self.assertEqual(Evaluation.with_user(self.user_sales_north).search([]), other)
        with self.assertRaises(AccessError):
            mine.with_user(self.user_sales_north).read(["comment"])
        # members do not evaluate, nor change their score
        with self.assertRaises(AccessError):
            Evaluation.with_user(self.pm).create({"retrospective_id": self.retro.id, "user_id": self.pm.id,
                                                  "score": 5})
        with self.assertRaises(AccessError):
            mine.with_user(self.pm).write({"score": 5})
        # managers read all; other company nothing
        self.assertEqual(Evaluation.with_user(self.user_manager_north).search(
            [("retrospective_id", "=", self.retro.id)]), evaluations)
        self.assertFalse(Evaluation.with_user(self.user_sales_b).with_context(allowed_company_ids=self.company_b.ids).search([]))
        # only members of the team are evaluated, 1 to 5
        with self.assertRaises(ValidationError):
            Evaluation.with_user(self.user_director).create(
                {"retrospective_id": self.retro.id, "user_id": self.user_exec.id, "score": 3})
        with self.assertRaises(ValidationError):
            mine.with_user(self.user_director).score = 6

    def test_archive_completeness_counts_every_place_of_the_project(self):
        self.assertEqual(self.project.spm_archive_completeness, 0)
        self.assertFalse(self.project.spm_archive_complete)
        self.assertIn("Acceptance Report (Acceptance)", self.project.spm_archive_missing)
        lead = self._create_lead_with_initiation()
        self._attach(self.project, self.env.ref("sales_project_management.doc_type_contract"), "合同.pdf")
        self._attach(lead, self.env.ref("sales_project_management.doc_type_requirements"), "需求.pdf")
        self._attach(self.project.spm_initiation_id,
                     self.env.ref("sales_project_management.doc_type_initiation_report"))
        task = self.env["project.task"].create({"name": "方案设计", "project_id": self.project.id})
        self._attach(task, self.env.ref("sales_project_management.doc_type_solution"), "方案.pdf")
        self._acceptance()
        self.assertAlmostEqual(self.project.spm_archive_completeness, 100 * 5 / 6)
        self.assertEqual(self.project.spm_archive_missing, "Retrospective Report (Closing)")
        self.assertFalse(self.env["project.project"].search(
            [("id", "=", self.project.id), ("spm_archive_complete", "=", True)]))
        self._attach(self.retro, self.env.ref("sales_project_management.doc_type_retrospective_report"))
        self.env.invalidate_all()  # a new request: documents are attached to other records than the project
        self.assertTrue(self.project.spm_archive_complete)
        self.assertEqual(self.env["project.project"].search(
            [("id", "=", self.project.id), ("spm_archive_complete", "=", True)]), self.project)
        # an optional requirement does not count; a new required one does
        self.env["spm.archive.requirement"].create({
            "document_type_id": self.env.ref("sales_project_management.doc_type_quotation").id})
        self.env.invalidate_all()
        self.assertFalse(self.project.spm_archive_complete)

    def _create_lead_with_initiation(self):
        """Link the project to an opportunity with an approved 立项 request, as the workflow does."""
        lead = self._create_lead("滨江智慧停车一期", partner_id=self.customer.id, expected_revenue=1_000_000)
        request = self.env["spm.initiation"].sudo().create({
            "lead_id": lead.id, "user_id": self.pm.id, "state": "approved", "grade_id": self.grade_office.id,
            "expected_revenue": 1_000_000, "budget": 700_000})
        self.project.sudo().write({"spm_lead_id": lead.id, "spm_initiation_id": request.id})
        self.assertEqual(self.retro.revenue_expected, 1_000_000)
        self.assertEqual(self.retro.budget, 700_000)
        return lead

    def test_archived_report_leaves_the_evaluations_out(self):
        self.env["spm.retrospective.evaluation"].with_user(self.user_director).create(
            {"retrospective_id": self.retro.id, "user_id": self.pm.id, "score": 4, "comment": "绝密评语"})
        with self.assertRaises(UserError):
            self.retro.with_user(self.pm).action_archive_report()
        self.retro.with_user(self.pm).action_done()
        self.retro.with_user(self.pm).action_archive_report()
        report = self.env["ir.attachment"].search([("res_model", "=", "spm.retrospective"),
                                                   ("res_id", "=", self.retro.id)])
        self.assertEqual(report.spm_document_type_id,
                         self.env.ref("sales_project_management.doc_type_retrospective_report"))
        self.assertNotIn("绝密评语", report.raw.decode())
        self.assertIn("联调不足", report.raw.decode())

    def test_access(self):
        Retro = self.env["spm.retrospective"]
        as_b = Retro.with_user(self.user_sales_b).with_context(allowed_company_ids=self.company_b.ids)
        self.assertFalse(as_b.search([("id", "=", self.retro.id)]))
        outsider = self._create_project("华北项目", user=self.user_manager_north)
        with self.assertRaises(AccessError):
            Retro.with_user(self.pm).create({"project_id": outsider.id})
        self.assertFalse(Retro.with_user(self.pm).search([("project_id", "=", outsider.id)]))
        self.assertEqual(Retro.with_user(self.user_manager_east).search([("id", "=", self.retro.id)]), self.retro)
