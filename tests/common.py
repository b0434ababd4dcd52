from odoo import Command
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import TransactionCase


class SpmCommon(TransactionCase):
    """Two companies; in company A two sales teams (east, north), each with a leader and a
    salesperson, a sales director (manager group, no team), an executive and an accountant;
    in company B one salesperson. Customers with a contact person."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True,
                                       mail_notrack=True))
        cls.company = cls.env["res.company"].create({
            "name": "测试科技有限公司",
            "currency_id": cls.env.ref("base.CNY").id,
            "country_id": cls.env.ref("base.cn").id,
        })
        cls.company_b = cls.env["res.company"].create({"name": "Other Company B"})

        def user(login, name, groups, company=cls.company):
            return mail_new_test_user(
                cls.env, login=login, name=name, groups=groups, company_id=company.id,
                company_ids=[Command.set(company.ids)], email=f"{login}@example.com",
            )

        spm_user = "base.group_user,sales_project_management.group_spm_user"
        spm_manager = "base.group_user,sales_project_management.group_spm_manager"
        spm_executive = "base.group_user,sales_project_management.group_spm_executive"
        cls.user_sales_east = user("spm_t_sales_east", "王磊", spm_user)
        cls.user_sales_north = user("spm_t_sales_north", "李娜", spm_user)
        cls.user_manager_east = user("spm_t_manager_east", "陈强", spm_manager)
        cls.user_manager_north = user("spm_t_manager_north", "刘洋", spm_manager)
        cls.user_director = user("spm_t_director", "周敏", spm_manager)
        cls.user_exec = user("spm_t_exec", "赵建国", spm_executive)
        cls.user_accountant = user("spm_t_accountant", "孙丽", "base.group_user,account.group_account_manager")
        cls.user_sales_b = user("spm_t_sales_b", "Bob B", spm_user, company=cls.company_b)

        Team = cls.env["crm.team"]
        cls.team_east = Team.create({
            "name": "华东大区", "company_id": cls.company.id, "user_id": cls.user_manager_east.id,
            "member_ids": [Command.link(cls.user_sales_east.id)], "use_opportunities": True,
        })
        cls.team_north = Team.create({
            "name": "华北大区", "company_id": cls.company.id, "user_id": cls.user_manager_north.id,
            "member_ids": [Command.link(cls.user_sales_north.id)], "use_opportunities": True,
        })
        cls.team_b = Team.create({
            "name": "Team B", "company_id": cls.company_b.id, "member_ids": [Command.link(cls.user_sales_b.id)],
        })

        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "滨江市交通运输局", "is_company": True})
        cls.contact = Partner.create({"name": "张明", "parent_id": cls.customer.id, "function": "信息中心主任"})
        cls.customer_hospital = Partner.create({"name": "滨江市第一人民医院", "is_company": True})

    @classmethod
    def _create_lead(cls, name="智慧停车平台", user=None, team=None, **values):
        user = user or cls.user_sales_east
        vals = {
            "name": name,
            "type": "opportunity",
            "user_id": user.id,
            "team_id": (team or cls.team_east).id,
            "company_id": cls.company.id,
        }
        vals.update(values)
        return cls.env["crm.lead"].create(vals)
