from odoo.exceptions import AccessError
from odoo.tests import tagged

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
