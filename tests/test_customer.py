from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SpmVisitCommon


@tagged("post_install", "-at_install")
class TestCustomer(SpmVisitCommon):
    """Customer classes and their visit policy, the customer file (客史档案) and its completeness."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.class_key = ref("sales_project_management.customer_class_key")  # a visit every 30 days
        cls.class_strategic = ref("sales_project_management.customer_class_strategic")  # every 14 days
        cls.visit_due = ref("sales_project_management.mail_activity_type_customer_visit")
        cls.file_due = ref("sales_project_management.mail_activity_type_customer_file")
        cls.customer.user_id = cls.user_sales_east
        cls.customer_hospital.user_id = cls.user_sales_north
        cls.now = fields.Datetime.now()
        cls.today = fields.Date.context_today(cls.env["res.partner"])

    def _classify(self, partner, customer_class, reason="年采购额超过 2000 万"):
        partner.with_user(self.user_manager_east).write(
            {"spm_customer_class_id": customer_class.id, "spm_class_reason": reason})

    def _reminders(self, partner, activity_type):
        return partner.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def test_a_sales_manager_classifies_with_a_reason(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_sales_east).write(
                {"spm_customer_class_id": self.class_key.id, "spm_class_reason": "自己定级"})
        with self.assertRaises(UserError):
            self.customer.with_user(self.user_manager_east).write({"spm_customer_class_id": self.class_key.id})
        self._classify(self.customer, self.class_key)
        self.assertEqual((self.customer.spm_customer_class_id, self.customer.spm_class_date),
                         (self.class_key, self.today))
        # nor forged through the context's defaults or by creating a classified customer
        forged = self.env["res.partner"].with_user(self.user_sales_east).with_context(
            default_spm_customer_class_id=self.class_strategic.id, default_spm_class_reason="伪造").create(
            {"name": "新客户", "is_company": True})
        self.assertFalse(forged.spm_customer_class_id or forged.spm_class_reason, "the context's defaults are ignored")
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_sales_east).create(
                {"name": "新客户", "is_company": True, "spm_customer_class_id": self.class_strategic.id,
                 "spm_class_reason": "伪造"})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_manager_east).write({"spm_class_date": "2020-01-01"})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_manager_east).write({"spm_visit_reminded_due": "2020-01-01"})
        # the class and its reason are tracked
        self.assertIn("spm_customer_class_id", self.customer._track_get_fields())
        self.assertIn("spm_class_reason", self.customer._track_get_fields())
        with self.assertRaises(AccessError):
            self.class_key.with_user(self.user_sales_east).visit_interval_days = 1

    def test_visit_due_overdue_and_one_reminder_per_overdue_period(self):
        self._classify(self.customer, self.class_key)
        self.assertEqual(self.customer.spm_visit_due_date, self.today + timedelta(days=30),
                         "never visited: due one interval after the class was set")
        held = self._visit(date_start=self.now - timedelta(days=40))
        self._visit(date_start=self.now + timedelta(days=3), name="下周拜访")  # planned: not held yet
        self.assertEqual(self.customer.spm_last_visit_held, held.date_start)
        due = fields.Datetime.context_timestamp(self.customer, held.date_start).date() + timedelta(days=30)
        self.assertEqual(self.customer.spm_visit_due_date, due)
        self.assertTrue(self.customer.spm_visit_overdue)
        overdue = self.env["res.partner"].search([("spm_visit_overdue", "=", True)])
        self.assertIn(self.customer, overdue)
        self.assertNotIn(self.customer_hospital, overdue)
        Partner = self.env["res.partner"]
        Partner._cron_spm_customer_visits()
        Partner._cron_spm_customer_visits()
        reminder = self._reminders(self.customer, self.visit_due)
        self.assertEqual((len(reminder), reminder.user_id), (1, self.user_sales_east), "once per overdue period")
        # a visit held: due again later, no longer overdue
        self._visit(date_start=self.now - timedelta(hours=1), name="回访信息中心")
        self.assertFalse(self.customer.spm_visit_overdue)
        Partner._cron_spm_customer_visits()
        self.assertEqual(len(self._reminders(self.customer, self.visit_due)), 1)

    def test_the_job_reads_only_the_customers_due(self):
        """Customers not due cost the daily job nothing: the same queries with 30 of them as with none."""
        Partner = self.env["res.partner"]
        self.env.flush_all()

        def queries():
            self.env.flush_all()
            self.env.invalidate_all()
            count = self.env.cr.sql_log_count
            Partner._cron_spm_customer_visits()
            return self.env.cr.sql_log_count - count

        queries()  # the job's own set-up (its activity type) once
        before = queries()
        customers = Partner.create([{"name": f"客户{index}", "is_company": True, "user_id": self.user_sales_east.id}
                                    for index in range(30)])
        customers.with_user(self.user_manager_east).write(
            {"spm_customer_class_id": self.class_key.id, "spm_class_reason": "批量定级"})
        self.env.flush_all()
        self.assertEqual(queries(), before)

    def test_the_customer_file_and_its_completeness(self):
        self._classify(self.customer, self.class_key)
        file = self.customer.with_user(self.user_sales_east)
        self.assertEqual(file.spm_profile_completeness, 0)
        self.assertIn("Industry", file.spm_profile_missing)
        file.write({"industry_id": self.env.ref("base.res_partner_industry_O").id, "spm_employee_count": 3000,
                    "spm_annual_budget": 20_000_000, "spm_needs": "静态交通一体化平台"})
        self.contact.with_user(self.user_sales_east).write(
            {"spm_decision_role": "decision_maker", "spm_attitude": "supporter"})
        self.assertEqual(file.spm_profile_completeness, 83, "5 of 6 items")
        self.assertEqual(file.spm_profile_missing, "The purchasing contact")
        self.env["res.partner"].with_user(self.user_sales_east).create(
            {"name": "采购科 王芳", "parent_id": self.customer.id, "spm_decision_role": "purchasing"})
        file.invalidate_recordset()
        self.assertEqual((file.spm_profile_completeness, file.spm_profile_missing), (100, False))
        # another team's salesperson does not write the file; a manager does
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_sales_north).write({"spm_needs": "改写"})
        with self.assertRaises(AccessError):
            self.contact.with_user(self.user_sales_north).write({"spm_attitude": "opponent"})
        self.customer.with_user(self.user_manager_north).write({"spm_needs": "经理补充：二期预算已批"})
        # the file in the form
        with Form(self.customer.with_user(self.user_sales_east)) as form:
            form.spm_employee_count = 3200
        self.assertEqual(self.customer.spm_employee_count, 3200)

    def test_monthly_reminder_of_incomplete_files_once(self):
        self._classify(self.customer, self.class_key)
        self._classify(self.customer_hospital, self.class_strategic)
        self.customer_hospital.user_id = self.user_sales_east
        Partner = self.env["res.partner"]
        Partner._cron_spm_customer_files()
        Partner._cron_spm_customer_files()
        everyone = self.env["mail.activity"].search([("activity_type_id", "=", self.file_due.id)])
        self.assertEqual(len(everyone), len(everyone.user_id), "one per salesperson (the demo's ones included)")
        reminders = everyone.filtered(lambda activity: activity.user_id == self.user_sales_east)
        self.assertEqual(len(reminders), 1, "one for both of 王磊's incomplete files")
        self.assertIn("2", reminders.summary)
        self.assertIn(self.customer.name, str(reminders.note))

    def test_buying_history_is_the_money_received(self):
        """Ordered, invoiced and received per year on the customer: received is the one definition of money."""
        self.env["account.chart.template"].try_loading("generic_coa", self.company, install_demo=False)
        env = self.env(context=dict(self.env.context, allowed_company_ids=self.company.ids))
        product = env["product.product"].create({"name": "停车服务", "type": "service", "invoice_policy": "order",
                                                 "list_price": 100_000, "company_id": self.company.id,
                                                 "taxes_id": [Command.clear()]})
        order = env["sale.order"].create({
            "partner_id": self.contact.id, "company_id": self.company.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 3, "price_unit": 100_000,
                                           "tax_id": [Command.clear()]})]})
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = self.today
        invoice.action_post()
        env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": 120_000, "payment_date": self.today})._create_payments()
        self.env.flush_all()
        year = self.customer.with_context(allowed_company_ids=self.company.ids).spm_history_ids.filtered(
            lambda row: row.year == self.today.year and row.company_id == self.company)
        self.assertEqual((year.amount_ordered, year.amount_invoiced, year.amount_received),
                         (300_000, 300_000, 120_000))
