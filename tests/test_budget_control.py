from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SpmMonitoringCommon


@tagged("post_install", "-at_install")
class TestBudgetControl(SpmMonitoringCommon):
    """A delivery project with a cost budget of 1,000,000 (the 立项 budget): costs may reach 1,100,000."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading("generic_coa", cls.company, install_demo=False)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.lead, cls.project = cls._approved_project(budget=1_000_000)
        cls.vendor = cls.env["res.partner"].create({"name": "杭州捷停智能设备有限公司", "is_company": True})
        cls.today = fields.Date.context_today(cls.env["account.move"])
        cls.overrun = cls.env.ref("sales_project_management.mail_activity_type_budget_overrun")

    def _bill(self, amount, move_type="in_invoice", project=None):
        return self.env["account.move"].with_user(self.user_accountant).create({
            "move_type": move_type, "partner_id": self.vendor.id, "company_id": self.company.id,
            "invoice_date": self.today,
            "invoice_line_ids": [Command.create({
                "name": "道闸及车牌识别一体机", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()],
                "analytic_distribution": {str((project or self.project).account_id.id): 100},
            })],
        })

    def _budget_change(self, amount):
        request = self.env["spm.change.request"].with_user(self.user_sales_east).create({
            "project_id": self.project.id, "change_type": "budget", "budget_delta": amount,
            "description": "追加急诊车道设备", "reason": "院方新增需求"})
        request.with_user(self.user_sales_east).action_submit()
        return request

    def test_project_budget_and_costs(self):
        self.assertTrue(self.project.account_id, "the initiation gives the project its analytic account")
        self.assertEqual(self.project.spm_budget, 1_000_000)
        self._bill(400_000).action_post()
        self.assertEqual(self.project.spm_cost_actual, 400_000)
        self.assertAlmostEqual(self.project.spm_cost_ratio, 40)
        # revenue on the project's account is not a cost
        self._bill(5_000_000, move_type="out_invoice").action_post()
        self.project.invalidate_recordset(["spm_cost_actual"])
        self.assertEqual(self.project.spm_cost_actual, 400_000)
        # a manual analytic item (a timesheet's cost, an allocation) is
        self.env["account.analytic.line"].with_user(self.user_accountant).create({
            "name": "实施人工", "account_id": self.project.account_id.id, "amount": -50_000,
            "company_id": self.company.id})
        self.project.invalidate_recordset(["spm_cost_actual"])
        self.assertEqual(self.project.spm_cost_actual, 450_000)

    def test_bill_beyond_the_budget_is_refused_until_a_change_is_approved(self):
        bill = self._bill(1_200_000)
        with self.assertRaises(UserError) as refusal:
            bill.action_post()
        message = str(refusal.exception)
        for expected in (self.project.name, "1,000,000.00", "1,200,000.00", "1,100,000.00", "change request"):
            self.assertIn(expected, message)
        self.env.invalidate_all()
        self.assertEqual(bill.state, "draft", "nothing half-posted")
        self.assertFalse(self.env["account.analytic.line"].search([("account_id", "=", self.project.account_id.id)]))

        request = self._budget_change(300_000)
        with self.assertRaises(UserError):
            bill.action_post()  # submitted is not approved
        with self.assertRaises(AccessError):
            request.with_user(self.user_sales_east).action_approve()  # the requester never approves
        request.with_user(self.user_manager_east).action_approve("同意")
        self.assertEqual(self.project.spm_budget, 1_300_000)
        bill.action_post()
        self.assertEqual(bill.state, "posted")
        self.assertEqual(self.project.spm_cost_actual, 1_200_000)

    def test_manual_items_and_journal_entries_are_controlled_too(self):
        Line = self.env["account.analytic.line"].with_user(self.user_accountant)
        with self.assertRaises(UserError):
            Line.create({"name": "外包费用", "account_id": self.project.account_id.id, "amount": -1_200_000,
                         "company_id": self.company.id})
        line = Line.create({"name": "外包费用", "account_id": self.project.account_id.id, "amount": -900_000,
                            "company_id": self.company.id})
        with self.assertRaises(UserError):
            line.write({"amount": -1_150_000})
        expense = self.env["account.account"].search([("account_type", "=", "expense"),
                                                      ("company_ids", "in", self.company.ids)], limit=1)
        payable = self.env["account.account"].search([("account_type", "=", "liability_current"),
                                                      ("company_ids", "in", self.company.ids)], limit=1)
        entry = self.env["account.move"].with_user(self.user_accountant).create({
            "move_type": "entry", "company_id": self.company.id, "date": self.today,
            "line_ids": [
                Command.create({"name": "计提分包成本", "account_id": expense.id, "debit": 300_000,
                                "analytic_distribution": {str(self.project.account_id.id): 100}}),
                Command.create({"name": "计提分包成本", "account_id": payable.id, "credit": 300_000}),
            ],
        })
        with self.assertRaises(UserError):
            entry.action_post()
        self.env.invalidate_all()
        self.assertEqual(entry.state, "draft")

    def test_warning_instead_of_refusal(self):
        self.company.spm_budget_overrun_policy = "warn"
        self._bill(1_200_000).action_post()
        activities = self.project.activity_ids.filtered(lambda a: a.activity_type_id == self.overrun)
        self.assertEqual(activities.user_id, self.user_sales_east | self.user_manager_east,
                         "the project manager and the monitor")
        self._bill(10_000).action_post()
        self.assertEqual(len(self.project.activity_ids.filtered(lambda a: a.activity_type_id == self.overrun)), 2,
                         "one open activity each")
        # back to refusing: what lowers the costs is always accepted
        self.company.spm_budget_overrun_policy = "refuse"
        self._bill(100_000, move_type="in_refund").action_post()
        self.assertEqual(self.project.spm_cost_actual, 1_110_000)
        with self.assertRaises(UserError):
            self._bill(1_000).action_post()

    def test_a_sales_project_without_budget_is_controlled(self):
        """No budget is a budget of zero: the first cost needs an approved budget change (under the refusing
        policy); a project that is not a sales project is not controlled."""
        _lead, project = self._approved_project(name="无预算项目", budget=0)
        with self.assertRaises(UserError):
            self._bill(5_000_000, project=project).action_post()
        self.assertEqual(project.spm_cost_actual, 0)
        plain = self.env["project.project"].create({"name": "内部项目", "company_id": self.company.id})
        plain._create_analytic_account()
        self._bill(5_000_000, project=plain).action_post()
        self.assertEqual(plain.spm_cost_actual, 5_000_000)
