from odoo import Command
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SpmCommon

MODULE = "sales_project_management"


@tagged("post_install", "-at_install")
class TestSecurityModel(SpmCommon):

    def test_group_hierarchy(self):
        user = self.env.ref(f"{MODULE}.group_spm_user")
        manager = self.env.ref(f"{MODULE}.group_spm_manager")
        executive = self.env.ref(f"{MODULE}.group_spm_executive")
        category = self.env.ref(f"{MODULE}.module_category_sales_projects")
        self.assertEqual((user | manager | executive).category_id, category)
        self.assertIn(user, manager.trans_implied_ids)
        self.assertIn(manager, executive.trans_implied_ids)
        self.assertIn(user, executive.trans_implied_ids)

    def test_one_tick_gives_the_matching_odoo_rights(self):
        """A sales manager ticks only 'Sales Projects: Manager' and is a Sales administrator."""
        manager = self.user_manager_east
        self.assertTrue(manager.has_group("sales_team.group_sale_manager"))
        self.assertTrue(manager.has_group("project.group_project_manager"))
        self.assertFalse(manager.has_group(f"{MODULE}.group_spm_executive"))

        salesperson = self.user_sales_east
        self.assertTrue(salesperson.has_group("sales_team.group_sale_salesman"))
        self.assertTrue(salesperson.has_group("project.group_project_user"))
        self.assertFalse(salesperson.has_group("sales_team.group_sale_salesman_all_leads"),
                         "a salesperson sees their own documents only")
        self.assertFalse(salesperson.has_group(f"{MODULE}.group_spm_manager"))

        executive = self.user_exec
        self.assertTrue(executive.has_group(f"{MODULE}.group_spm_manager"))
        self.assertTrue(executive.has_group("sales_team.group_sale_manager"))

        accountant = self.user_accountant
        self.assertTrue(accountant.has_group("account.group_account_invoice"))
        self.assertFalse(accountant.has_group(f"{MODULE}.group_spm_user"))

    def test_every_model_has_access_rights_and_company_rule(self):
        """The pattern every model of the addon follows: access rights for the addon's groups
        and, when it belongs to a company, a global multi-company record rule."""
        models = self.env["ir.model"].search([("model", "=like", "spm.%")])
        spm_groups = (self.env.ref(f"{MODULE}.group_spm_user") | self.env.ref(f"{MODULE}.group_spm_manager")
                      | self.env.ref(f"{MODULE}.group_spm_executive"))
        for model in models:
            if self.env[model.model]._transient or self.env[model.model]._abstract:
                continue
            with self.subTest(model=model.model):
                access = self.env["ir.model.access"].search([("model_id", "=", model.id)])
                self.assertTrue(access, f"{model.model} has no access rights")
                self.assertTrue(access.group_id & spm_groups or access.filtered(lambda a: not a.group_id),
                                f"{model.model} grants nothing to the Sales Projects groups")
                if "company_id" in self.env[model.model]._fields:
                    rules = self.env["ir.rule"].search([("model_id", "=", model.id), ("global", "=", True)])
                    self.assertTrue(any("company_ids" in (r.domain_force or "") for r in rules),
                                    f"{model.model} has a company but no multi-company rule")

    def test_salesperson_cannot_read_or_change_another_teams_opportunity(self):
        lead_north = self._create_lead("京华理工大学一卡通", user=self.user_sales_north, team=self.team_north)
        lead_east = self._create_lead("滨江智慧停车", user=self.user_sales_east, team=self.team_east)
        as_east = self.env["crm.lead"].with_user(self.user_sales_east)
        self.assertEqual(as_east.search([("id", "in", (lead_north | lead_east).ids)]), lead_east)
        with self.assertRaises(AccessError):
            lead_north.with_user(self.user_sales_east).read(["name"])
        with self.assertRaises(AccessError):
            lead_north.with_user(self.user_sales_east).write({"name": "hijacked"})
        # the manager sees both teams' opportunities
        as_manager = self.env["crm.lead"].with_user(self.user_manager_east)
        self.assertEqual(as_manager.search([("id", "in", (lead_north | lead_east).ids)]), lead_north | lead_east)

    def test_opportunity_details_follow_their_opportunity(self):
        """Assessments, competitors, checklists and gate logs join their opportunity in the access rules
        (``auto_join``): searching them by the opportunity's fields finds only what the searcher may
        read, and reading one of another salesperson's opportunity is refused."""
        lead_north = self._create_lead("京华理工大学一卡通", user=self.user_sales_north, team=self.team_north,
                                       expected_revenue=8_000_000)
        lead_east = self._create_lead("滨江智慧停车", user=self.user_sales_east, team=self.team_east,
                                      expected_revenue=9_000_000)
        criterion = self.env["spm.assessment.criterion"].search([], limit=1)
        gate = self.env["spm.stage.gate"].search([("target_model", "=", "crm.lead"), ("gate_type", "=", "checklist")],
                                                limit=1)
        for lead in lead_north | lead_east:
            lead.write({
                "spm_assessment_ids": [Command.create({"criterion_id": criterion.id, "score": 4})],
                "spm_competitor_ids": [Command.create({"name": "竞争对手"})],
            })
            self.env["spm.lead.checklist"].create({"lead_id": lead.id, "gate_id": gate.id})
            self.env["spm.gate.log"].create({"lead_id": lead.id, "company_id": lead.company_id.id,
                                             "stage_to_id": lead.stage_id.id, "result": "passed"})
        for model in ("spm.lead.assessment", "spm.lead.competitor", "spm.lead.checklist", "spm.gate.log"):
            as_east = self.env[model].with_user(self.user_sales_east)
            found = as_east.search([("lead_id.expected_revenue", ">", 1_000_000),
                                    ("lead_id", "in", (lead_north | lead_east).ids)])
            self.assertEqual(found.lead_id, lead_east, f"{model}: only the searcher's opportunity")
            self.assertFalse(as_east.search_count([("lead_id.name", "=", lead_north.name)]), model)
            theirs = self.env[model].search([("lead_id", "=", lead_north.id)])
            with self.assertRaises(AccessError, msg=model):
                theirs.with_user(self.user_sales_east).read(["lead_id"])

    def test_managers_read_gate_logs_and_checklists_by_company_only(self):
        """A manager sees every opportunity (through sales' manager group) and every project, so their
        rules on gate logs and checklist items are the company's alone: Odoo compiles no join through
        the opportunity or the project's team for each read of the opportunity form. A salesperson's
        still go through their opportunities and projects."""
        for model in ("spm.gate.log", "spm.lead.checklist"):
            fields_ = {
                user: {leaf[0] for leaf in self.env["ir.rule"].with_user(user)._compute_domain(model, "read")
                       if isinstance(leaf, tuple)}
                for user in (self.user_manager_east, self.user_sales_east)
            }
            self.assertEqual(fields_[self.user_manager_east], {"company_id"}, model)
            self.assertIn("lead_id.user_id", fields_[self.user_sales_east], model)
            self.assertIn("project_id.spm_member_ids.user_id", fields_[self.user_sales_east], model)

    def test_other_company_records_are_invisible(self):
        lead_b = self.env["crm.lead"].create({
            "name": "Company B deal", "type": "opportunity", "company_id": self.company_b.id,
            "user_id": self.user_sales_b.id, "team_id": self.team_b.id,
        })
        with self.assertRaises(AccessError):
            lead_b.with_user(self.user_exec).read(["name"])

    def test_menus_follow_groups(self):
        root = self.env.ref(f"{MODULE}.menu_spm_root")
        config = self.env.ref(f"{MODULE}.menu_spm_config")

        def visible(user):
            return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

        self.assertIn(root.id, visible(self.user_sales_east))
        self.assertNotIn(config.id, visible(self.user_sales_east))
        self.assertIn(config.id, visible(self.user_manager_east))
        self.assertNotIn(root.id, visible(self.user_accountant))


@tagged("post_install", "-at_install")
class TestProjectLinkAndTeamData(SpmCommon):
    """The delivery project of an opportunity and its team data, as an integrator could reach them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead_east = cls._create_lead("滨江智慧停车", partner_id=cls.customer.id)
        cls.lead_north = cls._create_lead("京华理工一卡通", user=cls.user_sales_north, team=cls.team_north,
                                          partner_id=cls.customer_hospital.id)
        cls.project_north = cls.env["project.project"].create({
            "name": "滨江一院停车场", "company_id": cls.company.id, "partner_id": cls.customer_hospital.id,
            "user_id": cls.user_sales_north.id})
        cls.lead_north.spm_project_id = cls.project_north
        cls.project_north.write({
            "spm_member_ids": [Command.create({"role": "manager", "user_id": cls.user_sales_north.id})],
            "spm_success_criterion_ids": [Command.create({"name": "收入目标", "code": "revenue",
                                                          "target": 30_000_000})],
        })

    def test_salesperson_cannot_link_a_project(self):
        as_east = self.lead_east.with_user(self.user_sales_east)
        with self.assertRaises(AccessError):
            as_east.write({"spm_project_id": self.project_north.id})
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.user_sales_east).create({
                "name": "夺取", "type": "opportunity", "spm_project_id": self.project_north.id})
        self.assertFalse(self.lead_east.spm_project_id)
        self.assertEqual(self.project_north.spm_lead_id, self.lead_north)
        # nor rewrite the project's side of the link
        for user in (self.user_sales_east, self.user_manager_east):
            with self.assertRaises(AccessError):
                self.project_north.with_user(user).write({"spm_lead_id": self.lead_east.id})
        with self.assertRaises(AccessError):
            self.env["project.project"].with_user(self.user_manager_east).create(
                {"name": "伪造", "spm_lead_id": self.lead_east.id})

    def test_manager_links_only_a_project_of_the_customer(self):
        as_manager = self.lead_east.with_user(self.user_manager_east)
        with self.assertRaises(UserError):
            as_manager.write({"spm_project_id": self.project_north.id})  # another opportunity's, another customer
        free = self.env["project.project"].create({"name": "无主项目", "company_id": self.company.id,
                                                   "partner_id": self.customer_hospital.id})
        with self.assertRaises(UserError):
            as_manager.write({"spm_project_id": free.id})  # not the opportunity's customer
        own = self.env["project.project"].create({"name": "滨江停车前期", "company_id": self.company.id,
                                                  "partner_id": self.customer.id})
        as_manager.write({"spm_project_id": own.id})
        self.assertEqual((self.lead_east.spm_project_id, own.spm_lead_id), (own, self.lead_east))

    def test_figures_follow_the_project_access(self):
        self.project_north.privacy_visibility = "followers"
        lead = self._create_lead("私有项目商机", partner_id=self.customer_hospital.id)
        lead.sudo().spm_project_id = self.project_north.id  # as a data file could
        as_east = lead.with_user(self.user_sales_east)
        self.assertEqual((as_east.spm_contract_amount, as_east.spm_collected_amount), (0, 0))

    def test_team_data_of_a_project_follows_the_team(self):
        Member, Criterion = self.env["spm.project.member"], self.env["spm.success.criterion"]
        domain = [("project_id", "=", self.project_north.id)]
        self.assertFalse(Member.with_user(self.user_sales_east).search(domain))
        self.assertFalse(Criterion.with_user(self.user_sales_east).search(domain))
        with self.assertRaises(AccessError):
            self.project_north.spm_member_ids.with_user(self.user_sales_east).read(["user_id"])
        with self.assertRaises(AccessError):
            self.project_north.spm_success_criterion_ids.with_user(self.user_sales_east).read(["target"])
        self.assertTrue(Member.with_user(self.user_sales_north).search(domain))
        self.assertTrue(Criterion.with_user(self.user_manager_north).search(domain))
        self.assertTrue(Criterion.with_user(self.user_accountant).search(domain))

    def test_users_without_the_addon_keep_working(self):
        """A sales manager and a project manager who were never given the addon's groups."""
        sales_manager = mail_new_test_user(
            self.env, login="spm_t_plain_sales", name="Plain Sales",
            groups="base.group_user,sales_team.group_sale_manager",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        project_manager = mail_new_test_user(
            self.env, login="spm_t_plain_project", name="Plain Project",
            groups="base.group_user,project.group_project_manager",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        with Form(self.env["crm.lead"].with_user(sales_manager).with_context(default_type="opportunity")) as form:
            form.name = "普通销售经理的商机"
        form.record.invalidate_recordset()
        with Form(form.record.with_user(sales_manager)) as form:
            form.expected_revenue = 1_000
        with Form(self.project_north.with_user(project_manager)) as form:
            form.name = "滨江一院停车场（改）"
        with Form(self.project_north.with_user(self.user_accountant)) as form:
            self.assertEqual(len(form.spm_member_ids), 1)
