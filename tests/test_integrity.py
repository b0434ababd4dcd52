import base64
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SpmMonitoringCommon, SpmVisitCommon


@tagged("post_install", "-at_install")
class TestParentLinks(SpmMonitoringCommon):
    """Changing a parent link (lead_id, project_id, res_id, a context default) checks the new parent as
    creating under it would: a salesperson of 华东 fills no gate of 华北's opportunity, and a project's
    reports and figures are its team's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead_east = cls._create_lead("华东智慧停车", partner_id=cls.contact.id)
        cls.lead_north = cls._create_lead("华北水务平台", user=cls.user_sales_north, team=cls.team_north,
                                          partner_id=cls.contact.id)
        cls.as_east = cls.env(user=cls.user_sales_east)

    def test_details_are_not_moved_onto_another_teams_opportunity(self):
        self.lead_east.with_user(self.user_sales_east).action_spm_start_assessment()
        assessment = self.lead_east.spm_assessment_ids[:1].with_user(self.user_sales_east)
        with self.assertRaises(AccessError):
            assessment.write({"lead_id": self.lead_north.id, "score": 5})
        competitor = self.as_east["spm.lead.competitor"].create({"lead_id": self.lead_east.id, "name": "海康威视"})
        with self.assertRaises(AccessError):
            competitor.write({"lead_id": self.lead_north.id})
        self.assertEqual(competitor.lead_id, self.lead_east)
        gate = self.env.ref("sales_project_management.gate_negotiation_legal")
        with self.assertRaises(AccessError):
            self.as_east["spm.lead.checklist"].with_context(default_lead_id=self.lead_north.id).create(
                {"gate_id": gate.id})
        self.assertFalse(self.lead_north.spm_checklist_ids, "nothing left behind")
        document = self.as_east["ir.attachment"].create({
            "name": "需求说明书.pdf", "res_model": "crm.lead", "res_id": self.lead_east.id, "raw": b"%PDF",
            "spm_document_type_id": self.env.ref("sales_project_management.doc_type_requirements").id})
        with self.assertRaises(AccessError):
            document.write({"res_id": self.lead_north.id})
        self.assertEqual(document.res_id, self.lead_east.id)

    def test_context_defaults_are_checked_like_given_values(self):
        with self.assertRaises(AccessError):
            self.as_east["spm.visit"].with_context(default_lead_id=self.lead_north.id).create(
                {"partner_id": self.customer.id})
        self.assertFalse(self.env["spm.visit"].search([("lead_id", "=", self.lead_north.id)]))
        with self.assertRaises(AccessError):
            self.as_east["spm.initiation"].with_context(default_lead_id=self.lead_north.id).create({})

    def test_a_weekly_report_is_written_by_the_projects_team_only(self):
        _lead, project = self._approved_project()
        north = self.env(user=self.user_sales_north)["project.update"]
        with self.assertRaises(AccessError):
            north.create({"project_id": project.id, "name": "越权周报"})
        with self.assertRaises(AccessError):
            north.with_context(default_project_id=project.id).create({"name": "越权周报"})
        # the real project manager still writes his own report of the week
        update = self.as_east["project.update"].create({"project_id": project.id})
        self.assertTrue(update.spm_week)
        # and another team cannot read it, nor the project's money
        self.assertFalse(north.search([("project_id", "=", project.id)]))
        values = project.with_user(self.user_sales_north).read(["spm_budget", "spm_cost_actual", "name"])[0]
        self.assertEqual((values["spm_budget"], values["spm_cost_actual"]), (0.0, 0.0))
        self.assertEqual(project.with_user(self.user_sales_east).read(["spm_budget"])[0]["spm_budget"], 1_000_000)
        self.assertFalse(project.with_user(self.user_sales_north).spm_figures_visible)

    def test_a_proposed_team_is_made_of_the_companys_own_users(self):
        request = self.as_east["spm.initiation"].create({"lead_id": self.lead_east.id})
        portal = self.env["res.users"].create({"name": "客户门户", "login": "spm_t_portal",
                                               "groups_id": [Command.set([self.env.ref("base.group_portal").id])]})
        with self.assertRaises(ValidationError):
            request.write({"member_ids": [Command.create({"user_id": portal.id, "role": "manager"})]})
        with self.assertRaises(ValidationError):
            request.write({"member_ids": [Command.create({"user_id": self.user_sales_b.id, "role": "technical"})]})

    def test_a_closed_project_takes_nothing_new(self):
        _lead, project = self._approved_project()
        self.env.flush_all()
        self.env.cr.execute("UPDATE project_project SET stage_id = %s WHERE id = %s",
                            [self.env.ref("project.project_project_stage_2").id, project.id])
        self.env.invalidate_all()
        as_pm = self.env(user=self.user_sales_east)
        with self.assertRaises(UserError):
            as_pm["spm.risk"].create({"name": "新风险", "project_id": project.id})
        with self.assertRaises(UserError):
            as_pm["project.task"].create({"name": "新问题", "project_id": project.id, "spm_is_issue": True})
        with self.assertRaises(UserError):
            as_pm["spm.change.request"].create({"project_id": project.id, "change_type": "scope"})
        with self.assertRaises(UserError):
            as_pm["project.update"].create({"project_id": project.id})


@tagged("post_install", "-at_install")
class TestVisitIntegrity(SpmVisitCommon):

    def test_subject_defaults_from_type_and_customer(self):
        visit = self.env["spm.visit"].with_user(self.user_sales_east).with_context(lang="en_US").create(
            {"partner_id": self.customer.id, "visit_type": "follow_up"})
        self.assertEqual(visit.name, "Follow-up Visit · 滨江市交通运输局")
        self.assertEqual(self._visit(name="现场勘查").name, "现场勘查", "a subject given is kept")

    def test_a_checked_in_visit_keeps_its_day_team_and_customer_position(self):
        visit = self._visit()
        as_sales = visit.with_user(self.user_sales_east)
        as_sales.action_checkin(*self.BUREAU)
        self.assertEqual((visit.checkin_status, visit.checkin_customer_moved), ("near", False))
        with self.assertRaises(UserError):
            as_sales.write({"date_start": fields.Datetime.now() + timedelta(days=3)})
        with self.assertRaises(AccessError):
            as_sales.write({"team_id": self.team_north.id})
        # the customer moved afterwards: the check-in keeps the position it was measured against
        self.customer.with_user(self.user_sales_east).write({"partner_latitude": 31.0, "partner_longitude": 121.0})
        visit.invalidate_recordset()
        self.assertEqual((visit.checkin_status, round(visit.checkin_distance, 3)), ("near", 0.0))

    def test_a_checkin_right_after_moving_the_customer_is_flagged(self):
        visit = self._visit()
        # the salesperson puts the customer where he stands, then checks in "near"
        self.customer.with_user(self.user_sales_east).write({"partner_latitude": 30.30, "partner_longitude": 120.10})
        self.assertEqual(self.customer.spm_geo_changed_by_id, self.user_sales_east)
        visit.with_user(self.user_sales_east).action_checkin(30.30, 120.10)
        self.assertEqual((visit.checkin_status, visit.checkin_customer_moved), ("near", True))
        self.assertEqual(visit.checkin_customer_moved_by_id, self.user_sales_east)
        # someone else's move, or an old one, is not suspicious
        other = self._visit(name="复访")
        self.customer.write({"partner_latitude": 30.2084, "partner_longitude": 120.2119})
        other.with_user(self.user_sales_east).action_checkin(*self.BUREAU)
        self.assertFalse(other.checkin_customer_moved)


@tagged("post_install", "-at_install")
class TestRulesThatHoldLater(SpmMonitoringCommon):

    def test_a_grade_risen_after_initiation_stops_forward_moves_until_approved_again(self):
        lead, project = self._approved_project()
        stage_requirements = self.env.ref("sales_project_management.stage_requirements")
        stage_solution = self.env.ref("sales_project_management.stage_solution")
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id = %s", [stage_requirements.id, lead.id])
        self.env.invalidate_all()
        self._attach(lead, self.env.ref("sales_project_management.doc_type_requirements"))
        self._tick(lead, self.gate_requirements_confirmed)
        # the grade rises above the one approved: no forward move until the new chain approves
        lead.with_user(self.user_sales_east).expected_revenue = 60_000_000
        self.assertEqual(lead.spm_grade_id, self.grade_company)
        with self.assertRaisesRegex(UserError, "立项|Initiation"):
            lead.with_user(self.user_sales_east).write({"stage_id": stage_solution.id})
        # change requests of its project follow the chain of the grade it has now
        self.assertEqual(project._spm_current_grade(), self.grade_company)
        # back under the approved grade, it moves on
        lead.with_user(self.user_sales_east).expected_revenue = 3_800_000
        lead.with_user(self.user_sales_east).write({"stage_id": stage_solution.id})
        self.assertEqual(lead.stage_id, stage_solution)

    def test_a_budget_never_goes_below_zero_and_zero_is_controlled(self):
        _lead, project = self._approved_project(budget=500_000)
        Request = self.env["spm.change.request"].with_user(self.user_sales_east)
        first, second = (Request.create({"project_id": project.id, "change_type": "budget", "budget_delta": -400_000,
                                         "description": "缩减范围", "reason": "客户预算调整"}) for _i in range(2))
        first.action_submit()
        second.action_submit()
        first.with_user(self.user_manager_east).action_approve("同意")
        self.assertEqual(project.spm_budget, 100_000)
        with self.assertRaises(UserError):
            second.with_user(self.user_manager_east).action_approve("同意")
        self.assertEqual((project.spm_budget, second.state), (100_000, "submitted"))
        # a sales project without budget under the refusing policy takes no cost
        _lead2, unbudgeted = self._approved_project(name="零预算项目", budget=0)
        self.company.spm_budget_overrun_policy = "refuse"
        with self.assertRaises(UserError):
            self.env["account.analytic.line"].create({"name": "实施人工", "account_id": unbudgeted.account_id.id,
                                                     "amount": -1_000, "company_id": self.company.id})

    def test_acceptances_are_not_dated_in_the_future_and_gate_logs_outlive_stages(self):
        _lead, project = self._approved_project()
        acceptance = self.env["spm.acceptance"].with_user(self.user_sales_east).create({
            "project_id": project.id, "acceptance_type": "final", "result": "passed",
            "date": fields.Date.today() + timedelta(days=1500), "findings": "<p>x</p>"})
        self.env["ir.attachment"].create({
            "name": "验收报告.pdf", "res_model": "spm.acceptance", "res_id": acceptance.id, "raw": b"%PDF",
            "spm_document_type_id": self.env.ref("sales_project_management.doc_type_acceptance").id})
        with self.assertRaisesRegex(UserError, str(acceptance.date)):
            acceptance.with_user(self.user_sales_east).action_confirm()
        self.assertFalse(project.spm_acceptance_date)
        milestone = project.milestone_ids[:1]
        with self.assertRaises(AccessError):
            milestone.with_user(self.user_sales_east).write({"reached_date": fields.Date.today() + timedelta(days=30)})
        # a stage that was moved to keeps its gate log: deleting the stage is refused, not the log deleted with it
        Log = self.env["spm.gate.log"]
        self.assertEqual((Log._fields["stage_to_id"].ondelete, Log._fields["project_stage_to_id"].ondelete),
                         ("restrict", "restrict"))

    def test_the_customers_online_answer_is_kept(self):
        _lead, project = self._approved_project()
        acceptance = self.env["spm.acceptance"].create({"project_id": project.id, "acceptance_type": "final"})
        answer = self.env["spm.satisfaction"].create({"acceptance_id": acceptance.id, "source": "survey"})
        with self.assertRaises(UserError):
            answer.with_user(self.user_sales_east).unlink()
        typed = self.env["spm.satisfaction"].with_user(self.user_sales_east).create(
            {"acceptance_id": acceptance.id, "source": "survey"})
        self.assertEqual(typed.source, "paper", "a paper form does not pass for the customer's own answer")

    def test_configuration_limits_and_bad_arguments_get_clear_messages(self):
        manager = self.user_manager_east
        rule = self.env["spm.commission.rule"].with_user(manager)
        with self.assertRaises(ValidationError):
            rule.create({"name": "超额", "company_id": self.company.id, "rate": 500,
                         "share_ids": [Command.create({"role": "salesperson", "share": 100})]})
        with self.assertRaises(ValidationError):
            rule.create({"name": "倍数", "company_id": self.company.id, "rate": 5,
                         "share_ids": [Command.create({"role": "salesperson", "share": 100})],
                         "grade_rate_ids": [Command.create({"grade_id": self.grade_office.id, "multiplier": 1000})]})
        with self.assertRaises(ValidationError):
            self._create_lead("负数机会", expected_revenue=-1)
        Settlement = self.env["spm.commission.settlement"].with_user(manager)
        with self.assertRaisesRegex(UserError, "1 to 12|1 到 12|month"):
            Settlement.action_generate(2026, 13)
        lead = self._create_lead("测试机会")
        with self.assertRaises(UserError):
            lead.with_user(manager).action_spm_pass_gate(999_999, "理由")
        with self.assertRaises(UserError):
            lead.with_user(manager).action_spm_pass_gate(self.stage_qualification.id, "")
        _lead, project = self._approved_project()
        with self.assertRaises(UserError):
            project.with_user(manager).action_spm_apply_collection_template("x", "y")
        with self.assertRaisesRegex(ValidationError, "2026-13-45"):
            self.env["spm.daily.report"].with_user(self.user_sales_east).create({"date": "2026-13-45"})

    def test_only_a_cancelled_settlement_goes_back_to_draft(self):
        Settlement = self.env["spm.commission.settlement"]
        settlement = Settlement.create({"company_id": self.company.id, "user_id": self.user_sales_east.id,
                                        "date_from": "2026-03-01", "date_to": "2026-03-31", "is_confirmed": True})
        self.assertEqual(settlement.state, "confirmed")
        with self.assertRaises(UserError):
            settlement.with_user(self.user_manager_east).action_draft()
        self.assertEqual(settlement.state, "confirmed")


@tagged("post_install", "-at_install")
class TestWorkflowDefaults(SpmMonitoringCommon):
    """The issue's forged defaults, one by one, over the ORM as the roles that tried them."""

    def test_forged_defaults_do_not_apply(self):
        lead = self._create_lead("默认值伪造", expected_revenue=3_800_000, partner_id=self.contact.id)
        as_sales = self.env(user=self.user_sales_east)
        request = as_sales["spm.initiation"].with_context(
            default_state="approved", default_grade_id=self.grade_company.id).create({"lead_id": lead.id})
        self.assertEqual((request.state, request.grade_id), ("draft", self.env["spm.grade"]))
        self.assertFalse(lead.spm_initiation_approved)
        _lead, project = self._approved_project()
        acceptance = as_sales["spm.acceptance"].with_context(
            default_state="confirmed", default_signed_by="伪造", default_signed_on=fields.Datetime.now(),
        ).create({"project_id": project.id, "acceptance_type": "final", "result": "passed"})
        self.assertEqual((acceptance.state, acceptance.signed_by), ("draft", False))
        self.assertFalse(project.spm_final_accepted)
        change = as_sales["spm.change.request"].with_context(default_state="approved").create(
            {"project_id": project.id, "change_type": "budget", "budget_delta": 10_000_000})
        self.assertEqual((change.state, project.spm_budget), ("draft", 1_000_000))
        with freeze_time("2026-12-07 10:00:00"):
            report = as_sales["spm.daily.report"].with_context(default_state="reviewed", default_rating="5").create({})
        self.assertEqual((report.state, report.rating), ("draft", "0"))
        task = as_sales["project.task"].with_context(
            default_spm_escalation_level="2", default_spm_issue_date=fields.Datetime.now() - timedelta(days=30),
        ).create({"name": "问题", "project_id": project.id, "spm_is_issue": True})
        self.assertEqual(task.spm_escalation_level, "0")
        self.assertGreater(task.spm_issue_date, fields.Datetime.now() - timedelta(minutes=5))
        with self.assertRaises(AccessError):
            as_sales["project.task"].create({"name": "老问题", "project_id": project.id, "spm_is_issue": True,
                                             "spm_issue_date": fields.Datetime.now() - timedelta(days=30)})
        risk = as_sales["spm.risk"].with_context(default_level="low", default_score=1).create(
            {"name": "高风险", "project_id": project.id, "probability": 4, "impact": 4})
        self.assertEqual((risk.level, risk.score), ("high", 16))
        with self.assertRaises(AccessError):
            risk.with_user(self.user_sales_east).write({"level": "low", "score": 1})
        visit = as_sales["spm.visit"].with_context(
            default_checkin_time=fields.Datetime.now(), default_checkin_latitude=30.2,
            default_checkin_longitude=120.2).create({"partner_id": self.customer.id})
        self.assertEqual((visit.checkin_status, visit.checkin_time), ("none", False))
        pixel = base64.b64encode(b"not a signature")
        with self.assertRaises(AccessError):
            acceptance.with_user(self.user_sales_east).write({"signature": pixel})
