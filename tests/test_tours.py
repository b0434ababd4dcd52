from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged

MODULE = "sales_project_management"


@tagged("post_install", "-at_install")
class TestTours(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms([MODULE], ["zh_CN"], overwrite=True)
        cls.manager = mail_new_test_user(
            cls.env, login="spm_tour_manager", name="陈强", lang="zh_CN",
            groups=f"base.group_user,{MODULE}.group_spm_manager",
        )

    def test_manager_opens_sales_projects_in_chinese(self):
        self.start_tour("/odoo", "spm_menu_tour", login="spm_tour_manager")
