from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmMonitoringCommon


@tagged("post_install", "-at_install")
class TestRisk(SpmMonitoringCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls._create_lead("滨江市智慧停车综合管理平台", expected_revenue=3_000_000)
        cls.category = cls.env.ref("sales_project_management.risk_category_customer")

    def _risk(self, user=None, **values):
        form = Form(self.env["spm.risk"].with_user(user or self.user_sales_east))
        form.name = values.pop("name", "财政资金分两年到位")
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def test_level_follows_score_and_company_thresholds(self):
        high = self._risk(lead_id=self.lead, probability=4, impact=4, category_id=self.category)
        medium = self._risk(lead_id=self.lead, probability=2, impact=3)
        low = self._risk(lead_id=self.lead, probability=1, impact=5)
        self.assertEqual((high.score, high.level), (16, "high"))
        self.assertEqual((medium.score, medium.level), (6, "medium"))
        self.assertEqual((low.score, low.level), (5, "low"))
        self.assertEqual(high.company_id, self.company)
        self.assertEqual(high.team_id, self.team_east)
        self.company.write({"spm_risk_high_threshold": 20, "spm_risk_medium_threshold": 5})
        self.assertEqual((high.level, medium.level, low.level), ("medium", "medium", "medium"))
        with self.assertRaises(ValidationError):
            self.company.spm_risk_medium_threshold = 21

    def test_scale_and_links_are_checked(self):
        with self.assertRaises(ValidationError):
            self.env["spm.risk"].create({"name": "无归属", "probability": 3, "impact": 3})
        for values in ({"probability": 6}, {"impact": 0}):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.env["spm.risk"].create(dict({"name": "越界", "lead_id": self.lead.id}, **values))
        other_lead, project = self._approved_project()
        with self.assertRaises(ValidationError):
            self.env["spm.risk"].create({"name": "错配", "lead_id": self.lead.id, "project_id": project.id})
        self.assertEqual(other_lead.spm_project_id, project)

    def test_a_4x4_risk_is_high_on_both_cards_and_follows_the_initiation(self):
        """A 4×4 risk on the opportunity shows as a red badge on the pipeline card; the approval of
        立项 links it (the same record) to the delivery project, whose card shows it too."""
        lead, project = self._approved_project(name="门急诊停车场改造", budget=2_000_000)
        fresh = self._create_lead("新机会", expected_revenue=3_000_000)
        risk = self._risk(lead_id=fresh, probability=4, impact=4)
        self.assertEqual(fresh.spm_risk_high_count, 1)
        Lead = self.env["crm.lead"].with_user(self.user_sales_east)
        self.assertIn(fresh, Lead.search([("spm_risk_high_count", ">", 0)]))
        self.assertNotIn(lead, Lead.search([("spm_risk_high_count", ">", 0)]))
        kanban = Lead.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn("spm_risk_high_count", kanban)
        self.assertIn("text-bg-danger", kanban)

        request = self.env["spm.initiation"].with_user(self.user_sales_east).create(
            {"lead_id": fresh.id, "budget": 500_000})
        request.with_user(self.user_sales_east).action_submit()
        request.with_user(self.user_manager_east).action_approve()
        project = request.project_id
        self.assertEqual(risk.project_id, project, "the same record, now on the project too")
        self.assertEqual(project.spm_risk_ids, risk)
        self.assertEqual(project.spm_risk_high_count, 1)
        Project = self.env["project.project"].with_user(self.user_sales_east)
        self.assertIn(project, Project.search([("spm_risk_high_count", ">", 0)]))
        kanban = Project.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn("spm_risk_high_count", kanban)
        cards = Project.web_search_read([("id", "=", project.id)], {"spm_risk_high_count": {}})["records"]
        self.assertEqual(cards[0]["spm_risk_high_count"], 1)

        risk.with_user(self.user_sales_east).write({"closing_note": "审批已完成"})
        risk.with_user(self.user_sales_east).action_close()
        self.assertEqual((fresh.spm_risk_high_count, project.spm_risk_high_count), (0, 0))

    def test_closing_needs_a_note(self):
        risk = self._risk(lead_id=self.lead)
        with self.assertRaises(ValidationError):
            risk.action_close()
        self.assertEqual(risk.state, "open")
        risk.closing_note = "客户已落实资金"
        risk.action_close()
        self.assertEqual(risk.state, "closed")
        self.assertTrue(risk.date_closed)
        risk.action_reopen()
        self.assertEqual((risk.state, risk.date_closed), ("open", False))

    def test_key_risks_of_the_assessment_are_a_risk(self):
        lead = self._create_lead("滨海水务", expected_revenue=3_000_000,
                                 spm_key_risks="集团新领导到任。\n决策链可能调整。")
        risk = lead.spm_risk_ids
        self.assertEqual(len(risk), 1)
        self.assertTrue(risk.is_assessment_risk)
        self.assertEqual(risk.name, "集团新领导到任。")
        self.assertEqual(risk.owner_id, self.user_sales_east)
        self.assertEqual(risk.level, "medium")
        lead.with_user(self.user_sales_east).spm_key_risks = "决策链调整"
        self.assertEqual(lead.spm_risk_ids, risk, "the same risk is kept up to date")
        self.assertEqual(risk.description, "决策链调整")
        self.assertEqual(lead.spm_key_risks, "决策链调整")

    def test_upgrade_moves_existing_key_risks_into_the_register(self):
        """What the 18.0.1.2.0 migration does with the texts of the dropped column: once per opportunity."""
        other = self._create_lead("老数据", expected_revenue=1_000_000)
        Lead = self.env["crm.lead"]
        Lead._spm_register_key_risks({self.lead.id: "客户预算未落实", other.id: "  "})
        Lead._spm_register_key_risks({self.lead.id: "客户预算未落实"})
        self.assertEqual(self.lead.spm_risk_ids.mapped("name"), ["客户预算未落实"])
        self.assertFalse(other.spm_risk_ids)

    def test_overdue_review_gives_the_owner_one_activity(self):
        activity_type = self.env.ref("sales_project_management.mail_activity_type_risk_review")
        overdue = self._risk(lead_id=self.lead, review_date="2020-01-01")
        future = self._risk(lead_id=self.lead, name="未到期", review_date="2999-01-01")
        closed = self._risk(lead_id=self.lead, name="已关闭", review_date="2020-01-01", closing_note="已解决")
        closed.action_close()
        Risk = self.env["spm.risk"]
        Risk._cron_review_reminders()
        Risk._cron_review_reminders()
        self.assertEqual(overdue.activity_ids.activity_type_id, activity_type)
        self.assertEqual(len(overdue.activity_ids), 1, "the job never duplicates")
        self.assertEqual(overdue.activity_ids.user_id, self.user_sales_east)
        self.assertFalse(future.activity_ids | closed.activity_ids)
        # reviewed: a new review date, which passes too, gives a new reminder
        overdue.activity_ids.action_feedback()
        overdue.with_user(self.user_sales_east).review_date = "2021-01-01"
        Risk._cron_review_reminders()
        self.assertEqual(len(overdue.activity_ids), 1)

    def test_access_follows_the_team(self):
        north = self._create_lead("京华理工", user=self.user_sales_north, team=self.team_north,
                                  expected_revenue=1_000_000)
        risk_north = self._risk(user=self.user_sales_north, lead_id=north)
        own = self._risk(lead_id=self.lead)
        Risk = self.env["spm.risk"]
        self.assertEqual(Risk.with_user(self.user_sales_east).search([("id", "in", (own | risk_north).ids)]), own)
        with self.assertRaises(AccessError):
            risk_north.with_user(self.user_sales_east).read(["name"])
        with self.assertRaises(AccessError):
            risk_north.with_user(self.user_sales_east).write({"probability": 1})
        with self.assertRaises(AccessError):
            Risk.with_user(self.user_sales_east).create({"name": "他队风险", "lead_id": north.id,
                                                         "owner_id": self.user_sales_north.id})
        # nor move one's own risk onto another team's opportunity or project
        with self.assertRaises(AccessError):
            own.with_user(self.user_sales_east).write({"lead_id": north.id})
        _north_lead, north_project = self._approved_project(name="北区项目", user=self.user_sales_north,
                                                             team=self.team_north)
        with self.assertRaises(AccessError):
            own.with_user(self.user_sales_east).write({"project_id": north_project.id})
        # the team leader sees his team's risks, managers all
        self.assertTrue(own.with_user(self.user_manager_east).read(["name"]))
        self.assertTrue(risk_north.with_user(self.user_director).read(["name"]))
        # a salesperson neither deletes risks nor sets what the register sets
        with self.assertRaises(AccessError):
            own.with_user(self.user_sales_east).unlink()
        with self.assertRaises(AccessError):
            own.with_user(self.user_sales_east).write({"review_reminded": True})
        # company B sees nothing
        self.assertFalse(Risk.with_user(self.user_sales_b).search([("id", "in", (own | risk_north).ids)]))

    def test_only_managers_configure_categories_and_thresholds(self):
        Category = self.env["spm.risk.category"]
        with self.assertRaises(AccessError):
            Category.with_user(self.user_sales_east).create({"name": "政策"})
        self.assertTrue(Category.with_user(self.user_manager_east).create({"name": "政策"}))
        with self.assertRaises(AccessError):
            self.company.with_user(self.user_sales_east).write({"spm_risk_high_threshold": 25})
