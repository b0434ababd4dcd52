from datetime import date

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo import Command
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SpmCommon

MARCH_UTC = ("2026-02-28 16:00:00", "2026-03-31 16:00:00")  # March in Shanghai


@tagged("post_install", "-at_install")
class TestTarget(SpmCommon):
    """Targets of the east team and its people; achievement from real orders, invoices and payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading("generic_coa", cls.company, install_demo=False)
        cls.company.currency_id = cls.env.ref("base.CNY")  # the generic chart sets the dollar; books in yuan
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.user_accountant.groups_id += cls.env.ref("account.group_account_invoice")
        cls.user_pm = mail_new_test_user(
            cls.env, login="spm_t_pm", name="黄涛", groups="base.group_user,sales_project_management.group_spm_user",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.team_east.member_ids = [Command.link(cls.user_pm.id)]
        cls.product = cls.env["product.product"].create({
            "name": "系统集成服务", "type": "service", "invoice_policy": "order", "taxes_id": [Command.clear()],
            "company_id": cls.company.id,
        })
        cls.usd = cls.env.ref("base.USD")
        cls.usd.active = True
        cls.env["res.currency.rate"].create({"name": "2025-01-01", "rate": 0.14, "currency_id": cls.usd.id,
                                             "company_id": cls.company.id})
        cls.usd_pricelist = cls.env["product.pricelist"].create({
            "name": "美元价目表", "currency_id": cls.usd.id, "company_id": cls.company.id})
        cls.Target = cls.env["spm.target"]

    # ------------------------------------------------------------
    # helpers: real Odoo documents
    # ------------------------------------------------------------

    def _order(self, amount, when, *, user=None, team=None, confirm=True, pricelist=None):
        user = user or self.user_sales_east
        with freeze_time(when):
            order = self.env["sale.order"].create({
                "partner_id": self.customer.id, "company_id": self.company.id, "user_id": user.id,
                "team_id": (team or self.team_east).id, "pricelist_id": (pricelist or self.env["product.pricelist"]).id,
                "order_line": [Command.create({"product_id": self.product.id, "price_unit": amount,
                                               "tax_id": [Command.clear()]})],
            })
            if confirm:
                order.action_confirm()
        return order

    def _invoice(self, amount, invoice_date, *, user=None, team=None, move_type="out_invoice", currency=None,
                 post=True):
        move = self.env["account.move"].create({
            "move_type": move_type, "partner_id": self.customer.id, "invoice_date": invoice_date,
            "invoice_user_id": (user or self.user_sales_east).id, "team_id": (team or self.team_east).id,
            "company_id": self.company.id, "currency_id": (currency or self.company.currency_id).id,
            "invoice_line_ids": [Command.create({"name": "系统集成服务", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})],
        })
        if post:
            move.action_post()
        return move

    def _pay(self, invoice, amount, payment_date):
        return self.env["account.payment.register"].with_user(self.user_accountant).with_context(
            active_model="account.move", active_ids=invoice.ids).create({
                "amount": amount, "payment_date": payment_date,
            })._create_payments()

    def _target(self, user=None, team=None, year=2026, **amounts):
        values = {"year": year, "company_id": self.company.id, "team_id": (team or self.team_east).id}
        if user:
            values["user_id"] = user.id
        values.update(amounts)
        return self.Target.with_user(self.user_director).create(values)

    # ------------------------------------------------------------
    # tests
    # ------------------------------------------------------------

    def test_team_target_split_evenly_gives_a_million_a_month(self):
        with Form(self.Target.with_user(self.user_manager_east)) as form:
            form.year = 2026
            form.team_id = self.team_east
            form.target_signed = 12_000_000
            form.target_invoiced = 10_000_000
            form.target_collected = 8_000_000
        target = form.record
        self.assertEqual((target.target_type, target.name), ("team", "2026 · 华东大区"))
        self.assertEqual(len(target.line_ids), 12)
        self.assertEqual(target.line_ids.sorted("date_from").mapped("name")[:2], ["2026-01", "2026-02"])
        target.action_split_evenly()
        self.assertEqual(target.line_ids.mapped("target_signed"), [1_000_000] * 12)
        self.assertEqual(round(sum(target.line_ids.mapped("target_invoiced")), 2), 10_000_000)
        self.assertEqual(target.line_ids.sorted("date_from")[-1].target_invoiced, 833_333.37)
        march = target.line_ids.filtered(lambda line: line.date_from == date(2026, 3, 1))
        self.assertEqual((march.date_to, march.target_signed), (date(2026, 3, 31), 1_000_000))
        target.action_confirm()
        self.assertEqual(target.state, "confirmed")

    def test_confirmed_targets_are_locked_and_set_by_managers_only(self):
        target = self._target(target_signed=12_000_000)
        target.action_split_evenly()
        person = self._target(user=self.user_sales_east, target_signed=6_000_000)
        person.action_split_evenly()
        # a salesperson reads their own target and their team's, sets none
        as_sales = self.Target.with_user(self.user_sales_east)
        self.assertEqual(as_sales.search([("id", "in", (target | person).ids)]), target | person)
        for call in (lambda t: t.write({"target_signed": 1}), lambda t: t.action_confirm(),
                     lambda t: t.action_split_evenly(), lambda t: t.line_ids[:1].write({"target_signed": 1}),
                     lambda t: t.unlink()):
            with self.assertRaises(AccessError):
                call(person.with_user(self.user_sales_east))
        with self.assertRaises(AccessError):
            as_sales.create({"year": 2026, "company_id": self.company.id, "user_id": self.user_sales_east.id})
        north = self._target(user=self.user_sales_north, team=self.team_north)
        with self.assertRaises(AccessError):
            north.with_user(self.user_sales_east).read(["target_signed"])
        self.assertFalse(self.env["spm.target.line"].with_user(self.user_sales_east).search(
            [("target_id", "=", north.id)]))

        person.with_user(self.user_director).action_confirm()
        with self.assertRaises(AccessError):
            person.with_user(self.user_sales_east).write({"target_signed": 9_000_000})
        for values in ({"target_signed": 9_000_000}, {"year": 2027}, {"user_id": self.user_pm.id}):
            with self.subTest(values=values), self.assertRaises(UserError):
                person.with_user(self.user_manager_east).write(values)
        with self.assertRaises(UserError):
            person.line_ids[:1].with_user(self.user_manager_east).write({"target_signed": 0})
        with self.assertRaises(AccessError):
            person.with_user(self.user_manager_east).write({"state": "draft"})
        with self.assertRaises(UserError):
            person.with_user(self.user_manager_east).unlink()
        person.with_user(self.user_manager_east).action_draft()
        person.with_user(self.user_manager_east).write({"target_signed": 13_000_000})
        with self.assertRaises(UserError):
            person.with_user(self.user_manager_east).action_confirm()  # the months no longer add up
        person.action_split_evenly()
        with self.assertRaises(UserError):
            person.with_user(self.user_manager_east).action_confirm()  # more than the team
        with self.assertRaises(UserError):
            person.line_ids[:1].with_user(self.user_manager_east).write({"date_from": "2026-05-01"})

    def test_one_target_per_person_and_team_each_year(self):
        self._target(target_signed=1)
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            self._target(target_signed=2)
        self._target(user=self.user_sales_east)
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            self._target(user=self.user_sales_east, team=self.team_north)
        with self.assertRaises(ValidationError):
            self.Target.create({"year": 2026, "company_id": self.company.id})
        with self.assertRaises(ValidationError):
            self._target(user=self.user_pm, target_signed=-1)
        with self.assertRaises(ValidationError):
            self._target(user=self.user_sales_b)
        self._target(year=2027)
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):  # also when two managers race
            self.env.cr.execute("INSERT INTO spm_target (year, company_id, team_id, owner_key, state) "
                                "VALUES (2027, %s, %s, %s, 'draft')",
                                [self.company.id, self.team_east.id, f"team-{self.team_east.id}"])

    def test_members_must_add_up_to_the_team(self):
        team = self._target(target_signed=12_000_000, target_invoiced=9_000_000, target_collected=6_000_000)
        team.action_split_evenly()
        team.action_split_among_members()
        persons = team.member_target_ids
        self.assertEqual(persons.user_id, self.user_sales_east | self.user_pm)
        self.assertEqual(persons.mapped("target_signed"), [6_000_000, 6_000_000])
        self.assertEqual(persons[0].line_ids.mapped("target_signed"), [500_000] * 12)
        self.assertFalse(team.allocation_warning)
        self.assertEqual(persons[0].team_target_id, team)
        persons[0].write({"target_signed": 5_000_000})
        persons[0].action_split_evenly()
        self.env.invalidate_all()
        self.assertIn("11,000,000", team.allocation_warning)
        self.assertEqual(team.allocated_signed, 11_000_000)
        with self.assertRaises(UserError):
            team.action_confirm()
        persons[0].write({"target_signed": 7_000_000})
        persons[0].action_split_evenly()
        persons[1].with_user(self.user_manager_east).action_confirm()
        with self.assertRaises(UserError):
            persons[0].with_user(self.user_manager_east).action_confirm()  # 7 + 6 > 12
        persons[0].write({"target_signed": 6_000_000})
        persons[0].action_split_evenly()
        persons[0].action_confirm()
        team.action_confirm()
        self.assertEqual(set((team | persons).mapped("state")), {"confirmed"})
        with self.assertRaises(UserError):
            team.action_split_among_members()

    def test_split_by_last_years_monthly_shares(self):
        self._order(300_000, "2025-03-10 02:00:00")
        self._order(100_000, "2025-06-10 02:00:00")
        self._order(999_999, "2025-06-10 02:00:00", user=self.user_sales_north, team=self.team_north)
        person = self._target(user=self.user_sales_east, target_signed=1_200_000, target_invoiced=1_200_000)
        person.action_split_by_last_year()
        months = person.line_ids.sorted("date_from")
        self.assertEqual(months.mapped("target_signed"), [0, 0, 900_000, 0, 0, 300_000, 0, 0, 0, 0, 0, 0])
        self.assertEqual(months.mapped("target_invoiced"), [100_000] * 12, "no invoice last year: evenly")
        self.assertIn("2025", person.message_ids[:1].body)

    def test_march_achievement_equals_odoos_figures_to_the_cent(self):
        sales = self.user_sales_east
        orders = (
            self._order(1_000_000, "2026-03-05 02:00:00")
            | self._order(100_000.33, "2026-03-20 02:00:00", pricelist=self.usd_pricelist)
            | self._order(250_000, "2026-03-31 15:30:00")  # 23:30 in Shanghai, still March
        )
        self._order(400_000, "2026-03-31 16:30:00")  # 00:30 on 1 April in Shanghai
        self._order(70_000, "2026-03-06 02:00:00", confirm=False)  # a quotation
        self._order(80_000, "2026-03-07 02:00:00").with_context(disable_cancel_warning=True).action_cancel()
        self._order(90_000, "2026-03-08 02:00:00", user=self.user_sales_north, team=self.team_north)
        leader_order = self._order(50_000, "2026-03-09 02:00:00", user=self.user_manager_east)

        first = self._invoice(500_000, "2026-03-10")
        second = self._invoice(300_000.55, "2026-03-28")
        credit = self._invoice(100_000.10, "2026-03-29", move_type="out_refund")
        february = self._invoice(200_000, "2026-02-27")
        usd = self._invoice(10_000, "2026-03-15", currency=self.usd)
        self._invoice(60_000, "2026-03-16", post=False)
        self._invoice(70_000, "2026-03-17", user=self.user_sales_north, team=self.team_north)
        (credit.line_ids | second.line_ids).filtered(
            lambda line: line.account_type == "asset_receivable").reconcile()  # not money
        payments = self._pay(first, 300_000, date(2026, 3, 12)) | self._pay(february, 200_000, date(2026, 3, 15))
        self._pay(first, 200_000, date(2026, 4, 2))

        person = self._target(user=sales, target_signed=12_000_000, target_invoiced=12_000_000,
                              target_collected=12_000_000)
        person.action_split_evenly()
        team = self._target(target_signed=24_000_000)
        march = person.line_ids.filtered(lambda line: line.date_from.month == 3)
        team_march = team.line_ids.filtered(lambda line: line.date_from.month == 3)

        # what Odoo's own reports give for March (Shanghai) and this salesperson
        self.env.flush_all()
        self.assertNotEqual(orders[1].currency_rate, 1.0)
        sale_report = self.env["sale.report"].with_context(tz="Asia/Shanghai")
        [(signed,)] = sale_report._read_group(
            [("user_id", "=", sales.id), ("state", "=", "sale"), ("date", ">=", MARCH_UTC[0]),
             ("date", "<", MARCH_UTC[1])], [], ["price_total:sum"])
        self.assertAlmostEqual(signed, sum(order.amount_total / order.currency_rate for order in orders), places=6)
        [(invoiced,)] = self.env["account.move"]._read_group(
            [("invoice_user_id", "=", sales.id), ("state", "=", "posted"),
             ("move_type", "in", ("out_invoice", "out_refund")), ("invoice_date", ">=", "2026-03-01"),
             ("invoice_date", "<=", "2026-03-31")], [], ["amount_total_signed:sum"])
        self.assertEqual(round(invoiced, 2), round(500_000 + 300_000.55 - 100_000.10 + usd.amount_total_signed, 2))
        march_payments = self.env["account.payment"].search([("id", "in", payments.ids), ("date", ">=", "2026-03-01"),
                                                             ("date", "<=", "2026-03-31")])
        collected = sum(march_payments.mapped("amount_company_currency_signed"))

        self.assertEqual(march.achieved_signed, self.company.currency_id.round(signed))
        self.assertEqual(march.achieved_invoiced, self.company.currency_id.round(invoiced))
        self.assertEqual(march.achieved_collected, self.company.currency_id.round(collected))
        self.assertEqual(march.achieved_collected, 500_000)
        self.assertAlmostEqual(march.achievement_signed, march.achieved_signed / 1_000_000 * 100, delta=0.05)
        # the team counts the team's documents, whoever the salesperson
        self.assertEqual(team_march.achieved_signed,
                         self.company.currency_id.round(signed + leader_order.amount_total))
        # the year rolls the months up
        self.assertEqual(person.achieved_collected, 700_000)
        self.assertIn("Q1", person.quarter_summary)
        # the analysis: the achievement of a group is its sums' ratio
        rows = self.env["spm.target.analysis"].read_group(
            [("target_id", "=", person.id)], ["target_amount:sum", "achieved_amount:sum", "achievement"], ["basis"],
            lazy=False)
        by_basis = {row["basis"]: row for row in rows}
        self.assertEqual(by_basis["collected"]["achieved_amount"], 700_000)
        self.assertAlmostEqual(by_basis["collected"]["achievement"], 700_000 / 12_000_000 * 100)
        [row] = self.env["spm.target.analysis"].search_read(
            [("line_id", "=", march.id), ("basis", "=", "invoiced")], ["achieved_amount", "target_amount"])
        self.assertEqual((row["achieved_amount"], row["target_amount"]), (march.achieved_invoiced, 1_000_000))
        # and what a salesperson may see of it
        Analysis = self.env["spm.target.analysis"].with_user(self.user_sales_north)
        self.assertFalse(Analysis.search([("target_id", "in", (person | team).ids)]))
        self.assertTrue(self.env["spm.target.analysis"].with_user(sales).search([("target_id", "=", person.id)]))

    def test_query_count_does_not_grow_with_the_lines(self):
        self._order(1_000_000, "2026-03-05 02:00:00")
        one = self._target(user=self.user_sales_east, target_signed=1)
        many = one | self._target(user=self.user_pm, target_signed=1) | self._target(target_signed=1) | \
            self._target(user=self.user_sales_north, team=self.team_north, target_signed=1)
        fields_read = ["achieved_signed", "achieved_invoiced", "achieved_collected", "achievement_signed"]
        for targets in (one, many):
            self.env.invalidate_all()
            lines = self.env["spm.target.line"].browse(targets.line_ids.ids)  # as a request reads them
            # the lines (two reads), their company, its currency and its working hours (the time zone),
            # then the achievement of all of them
            with self.assertQueryCount(6):
                lines.read(fields_read)

    def test_team_dashboard_gauge(self):
        self._order(1_000_000, "2026-03-05 02:00:00")
        target = self._target(target_signed=4_000_000)
        with freeze_time("2026-06-30 04:00:00"):
            team = self.team_east.with_user(self.user_manager_east)
            self.assertEqual(team.spm_target_id, target)
            self.assertEqual(team.spm_achievement_signed, 25.0)
            self.assertEqual(team.spm_achieved_signed, 1_000_000)
        self.assertEqual(self.team_north.spm_achievement_signed, 0.0)
        action = self.team_east.action_spm_open_achievement()
        self.assertEqual(action["domain"], [("team_id", "=", self.team_east.id)])
