from odoo import Command
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SpmCommon

MODULE = "sales_project_management"
REFUSED = UserError  # AccessError and ValidationError are UserErrors too


@tagged("post_install", "-at_install")
class TestMultiCompany(SpmCommon):
    """Two companies on one database: the yuan company of SpmCommon (and the demo company 华智,
    which `make test` installs) and an American subsidiary in dollars with its own grades, pipeline
    stage and gate, team and collection template. Each company's users see and use nothing of the
    other; amounts are converted where a rule compares them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd, cls.cny = cls.env.ref("base.USD"), cls.env.ref("base.CNY")
        (cls.usd | cls.cny).active = True
        cls.company_us = cls.env["res.company"].create({"name": "Huazhi America Inc.", "currency_id": cls.usd.id})
        cls.company_us_shared = cls.env["res.company"].create({"name": "Huazhi Canada Ltd.",
                                                                "currency_id": cls.usd.id})
        # 1 USD = 7 CNY, in each company's books
        Rate = cls.env["res.currency.rate"]
        for company in cls.company_us | cls.company_us_shared:
            Rate.create({"name": "2020-01-01", "currency_id": cls.cny.id, "rate": 7.0, "company_id": company.id})
        Rate.create({"name": "2020-01-01", "currency_id": cls.usd.id, "rate": 1 / 7, "company_id": cls.company.id})
        # the grades of every company, written in yuan (as the data file installs them)
        cls.shared_grades = cls.grade_company | cls.grade_department | cls.grade_office
        cls.shared_grades.currency_id = cls.cny

        def user(login, groups, company):
            return mail_new_test_user(cls.env, login=login, name=login, groups=f"base.group_user,{MODULE}.{groups}",
                                      company_id=company.id, company_ids=[Command.set(company.ids)])

        cls.us_sales = user("spm_t_us_sales", "group_spm_user", cls.company_us)
        cls.us_exec = user("spm_t_us_exec", "group_spm_executive", cls.company_us)
        cls.team_us = cls.env["crm.team"].create({
            "name": "US Enterprise", "company_id": cls.company_us.id, "user_id": cls.us_exec.id,
            "member_ids": [Command.link(cls.us_sales.id)]})
        Grade = cls.env["spm.grade"]
        cls.grade_us_major = Grade.create({"name": "Major Account", "code": "USM", "company_id": cls.company_us.id,
                                           "min_amount": 5_000_000, "sequence": 1})
        cls.grade_us_standard = Grade.create({"name": "Standard", "code": "USS", "company_id": cls.company_us.id,
                                              "min_amount": 0, "sequence": 2})
        cls.stage_us = cls.env["crm.stage"].create({"name": "Discovery", "sequence": 0, "team_id": cls.team_us.id})
        cls.gate_us = cls.env["spm.stage.gate"].create({
            "name": "Budget confirmed", "stage_id": cls.stage_us.id, "gate_type": "domain",
            "domain": "[('spm_customer_budget', '>', 0)]"})
        cls.template_us = cls.env["spm.collection.template"].create({
            "name": "Net 30", "company_id": cls.company_us.id,
            "line_ids": [Command.create({"name": "Full payment", "percent": 100, "trigger": "date",
                                         "offset_days": 30})]})
        # the yuan company's own pipeline stage and gate
        cls.stage_cn = cls.env["crm.stage"].create({"name": "华东专属阶段", "sequence": 0, "team_id": cls.team_east.id})
        cls.gate_cn = cls.env["spm.stage.gate"].create({
            "name": "客户预算已确认", "stage_id": cls.stage_cn.id, "gate_type": "domain",
            "domain": "[('spm_customer_budget', '>', 0)]"})
        cls.lead_cn = cls._create_lead("华东大单", expected_revenue=30_000_000)
        cls.lead_us = cls.env["crm.lead"].create({
            "name": "Smart campus, Austin", "type": "opportunity", "company_id": cls.company_us.id,
            "user_id": cls.us_sales.id, "team_id": cls.team_us.id, "stage_id": cls.stage_us.id,
            "expected_revenue": 2_000_000})

    def _as(self, user, model):
        return self.env[model].with_user(user).with_context(allowed_company_ids=user.company_id.ids)

    def test_grades_are_the_companys_own_or_converted(self):
        self.assertEqual(self.lead_us.spm_grade_id, self.grade_us_standard,
                         "a company with grades of its own uses only those")
        self.lead_us.expected_revenue = 6_000_000
        self.assertEqual(self.lead_us.spm_grade_id, self.grade_us_major)
        self.assertEqual(self.lead_cn.spm_grade_id, self.env.ref(f"{MODULE}.grade_department"))

        # a dollar company without grades of its own: the shared yuan thresholds, converted at 7
        lead = self.env["crm.lead"].create({"name": "Toronto transit", "type": "opportunity",
                                            "company_id": self.company_us_shared.id, "expected_revenue": 8_000_000})
        self.assertEqual(lead.spm_grade_id, self.env.ref(f"{MODULE}.grade_company"), "8 M$ = 56 M¥ ≥ 50 M¥")
        lead.expected_revenue = 2_000_000
        self.assertEqual(lead.spm_grade_id, self.env.ref(f"{MODULE}.grade_office"), "2 M$ = 14 M¥ < 20 M¥")
        lead.expected_revenue = 3_000_000
        self.assertEqual(lead.spm_grade_id, self.env.ref(f"{MODULE}.grade_department"), "3 M$ = 21 M¥ ≥ 20 M¥")

        # a threshold of the American grades moves only American opportunities
        self.grade_us_major.min_amount = 1_000_000
        self.assertEqual(self.lead_us.spm_grade_id, self.grade_us_major)
        self.assertEqual(self.lead_cn.spm_grade_id, self.env.ref(f"{MODULE}.grade_department"))

    def test_another_companys_grade_cannot_be_used(self):
        with self.assertRaises(REFUSED):
            self.lead_cn.with_user(self.user_manager_east).write({
                "spm_grade_manual": True, "spm_grade_id": self.grade_us_major.id, "spm_grade_reason": "大客户"})
        self.assertNotEqual(self.lead_cn.spm_grade_id, self.grade_us_major)
        project = self.env["project.project"].create({"name": "华东项目", "company_id": self.company.id})
        with self.assertRaises(ValidationError):
            project.spm_grade_id = self.grade_us_major
        self.assertFalse(self._as(self.user_manager_east, "spm.grade").search([("id", "=", self.grade_us_major.id)]))
        # a grade set by hand does not follow the opportunity into another company
        self.lead_us.write({"spm_grade_manual": True, "spm_grade_id": self.grade_us_major.id,
                            "spm_grade_reason": "Strategic account", "spm_customer_budget": 1_500_000})
        self.lead_us.write({"company_id": self.company.id, "team_id": self.team_east.id,
                            "user_id": self.user_sales_east.id, "stage_id": self.env.ref("crm.stage_lead1").id})
        self.assertEqual(self.lead_us.spm_grade_id, self.grade_office)

    def test_nothing_of_the_other_company_is_visible(self):
        """Every model of the addon, read by each company's executive: nothing of the other company
        (the demo company's records are there for all of them)."""
        models = [model for model in self.env["ir.model"].search([("model", "=like", "spm.%")]).mapped("model")
                  if not self.env[model]._abstract and not self.env[model]._transient]
        for user, company in ((self.us_exec, self.company_us), (self.user_exec, self.company)):
            for model in models:
                Model = self._as(user, model)
                if "company_id" not in Model._fields or not Model._fields["company_id"].store:
                    continue
                with self.subTest(user=user.login, model=model):
                    self.assertFalse(Model.search([("company_id", "not in", [company.id, False])], limit=1))
        # the configuration of a company, also where a record has no company field of its own
        hidden = [(self.us_exec, self.gate_cn), (self.user_exec, self.gate_us), (self.user_exec, self.grade_us_major),
                  (self.user_exec, self.template_us), (self.user_exec, self.template_us.line_ids)]
        for user, records in hidden:
            with self.subTest(user=user.login, model=records._name):
                self.assertFalse(self._as(user, records._name).search([("id", "in", records.ids)]))
        self.assertEqual(self.gate_us.company_id, self.company_us)
        self.assertEqual(self._as(self.us_exec, "spm.stage.gate").search([("id", "=", self.gate_us.id)]), self.gate_us)
        self.assertFalse(self._as(self.us_exec, "crm.lead").search([("id", "=", self.lead_cn.id)]))
        self.assertFalse(self._as(self.user_exec, "crm.lead").search([("id", "=", self.lead_us.id)]))

    def test_records_of_the_other_company_cannot_be_linked(self):
        as_us = self.us_sales
        with self.assertRaises(REFUSED):
            self._as(as_us, "spm.risk").create({"name": "Hijack", "lead_id": self.lead_cn.id})
        with self.assertRaises(REFUSED):
            self._as(as_us, "spm.initiation").create({"lead_id": self.lead_cn.id})
        with self.assertRaises(REFUSED):
            self._as(as_us, "spm.visit").create({"name": "Visit", "partner_id": self.customer.id,
                                                  "lead_id": self.lead_cn.id})
        with self.assertRaises(REFUSED):
            self.lead_us.with_user(as_us).write({"stage_id": self.stage_cn.id})
        with self.assertRaises(ValidationError):
            self.lead_cn.stage_id = self.stage_us  # not even as the superuser
        with self.assertRaises(REFUSED):
            self._as(self.us_exec, "spm.target").create({"year": 2026, "team_id": self.team_east.id})
        self.assertFalse(self.lead_cn.spm_risk_ids)

    def test_the_gate_of_a_companys_stage_holds_its_opportunities(self):
        self.assertFalse(self.lead_us.spm_gate_ready)
        self.assertIn("Budget confirmed", self.lead_us.spm_gate_missing)
        self.lead_us.spm_customer_budget = 1_500_000
        self.lead_us.invalidate_recordset()
        self.assertTrue(self.lead_us.spm_gate_ready)

    def test_costs_in_another_currency_are_converted_to_the_budget(self):
        account = self.env["account.analytic.account"].create({
            "name": "Austin campus", "company_id": False,
            "plan_id": self.env["account.analytic.plan"].create({"name": "Projects"}).id})
        project = self.env["project.project"].create({"name": "Austin campus", "company_id": self.company_us.id,
                                                      "account_id": account.id})
        Line = self.env["account.analytic.line"]
        Line.create({"name": "Subcontractor (US)", "account_id": account.id, "amount": -10_000,
                     "company_id": self.company_us.id})
        # the Chinese company books a cost on the shared account, in yuan
        Line.create({"name": "分包（中国）", "account_id": account.id, "amount": -70_000,
                     "company_id": self.company.id})
        project.invalidate_recordset()
        self.assertEqual(project.currency_id, self.usd)
        self.assertAlmostEqual(project.spm_cost_actual, 20_000, places=2, msg="10,000 $ + 70,000 ¥ at 7 ¥/$")
