from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmCommissionCommon

MARCH, APRIL = date(2026, 3, 15), date(2026, 4, 10)


@tagged("post_install", "-at_install")
class TestCommission(SpmCommissionCommon):

    def test_receipts_make_lines_on_payment_dates_split_by_role_with_grade(self):
        invoice = self._invoice()
        self._pay(invoice, 300_000, MARCH)
        self._pay(invoice, 700_000, APRIL)
        lines = self._lines(invoice_id=invoice.id)
        self.assertEqual([(ln.date, ln.user_id, ln.share, ln.base_amount, ln.multiplier, ln.amount) for ln in lines], [
            (MARCH, self.user_pm, 60, 300_000, 1.2, 10_800),
            (MARCH, self.user_sales_east, 40, 300_000, 1.2, 7_200),
            (APRIL, self.user_pm, 60, 700_000, 1.2, 25_200),
            (APRIL, self.user_sales_east, 40, 700_000, 1.2, 16_800),
        ])
        self.assertEqual(lines.mapped("rate"), [5.0] * 4)
        self.assertEqual(lines.payment_id.mapped("date"), [MARCH, APRIL])
        self.assertFalse(lines.filtered("is_clawback"))

    def test_net_of_tax_and_no_rule_no_line(self):
        tax = self.env["account.tax"].create({"name": "增值税 13%", "amount": 13, "company_id": self.company.id})
        invoice = self._invoice()
        invoice.button_draft()
        invoice.invoice_line_ids.tax_ids = tax
        invoice.action_post()
        self._pay(invoice, 113_000, MARCH)
        lines = self._lines(invoice_id=invoice.id)
        self.assertEqual(lines.mapped("base_amount"), [100_000, 100_000])
        self.assertEqual(lines.mapped("receipt_amount"), [113_000, 113_000])
        self.rule.date_to = date(2026, 3, 31)
        self._pay(invoice, 113_000, APRIL)
        self.assertEqual(len(self._lines(invoice_id=invoice.id)), 2, "no rule in April: no line")

    def test_progressive_tiers_pay_each_slice_when_the_target_is_crossed_mid_month(self):
        self._target(self.user_sales_east, {3: 500_000})
        self.rule.write({"rate_mode": "tiered", "tier_mode": "progressive", "tier_ids": [
            Command.create({"achievement_from": 0, "rate": 2}),
            Command.create({"achievement_from": 50, "rate": 4}),
            Command.create({"achievement_from": 100, "rate": 6}),
        ], "share_ids": [Command.clear(), Command.create({"role": "salesperson", "share": 100})],
            "grade_rate_ids": [Command.clear()]})
        invoice = self._invoice()
        self._pay(invoice, 200_000, date(2026, 3, 5))  # 40 % of the target to date
        self._pay(invoice, 400_000, date(2026, 3, 20))  # 40 % -> 120 %
        lines = self._lines(invoice_id=invoice.id)
        self.assertEqual([(ln.date.day, ln.base_amount, ln.rate, ln.amount) for ln in lines], [
            (5, 200_000, 2, 4_000),
            (20, 50_000, 2, 1_000), (20, 250_000, 4, 10_000), (20, 100_000, 6, 6_000),
        ])

    def test_whole_tiers_pay_the_month_at_the_tier_reached(self):
        self._target(self.user_sales_east, {3: 500_000})
        self.rule.write({"rate_mode": "tiered", "tier_mode": "whole", "tier_ids": [
            Command.create({"achievement_from": 0, "rate": 2}),
            Command.create({"achievement_from": 100, "rate": 6}),
        ], "share_ids": [Command.clear(), Command.create({"role": "salesperson", "share": 100})],
            "grade_rate_ids": [Command.clear()]})
        invoice = self._invoice()
        self._pay(invoice, 200_000, date(2026, 3, 5))
        self.assertEqual(self._lines(invoice_id=invoice.id).mapped("amount"), [4_000])
        self._pay(invoice, 300_000, date(2026, 3, 20))
        self.assertEqual(self._lines(invoice_id=invoice.id).mapped("amount"), [12_000, 18_000])

    def test_unreconcile_after_settlement_claws_back_in_april_and_leaves_march(self):
        invoice = self._invoice()
        payment = self._pay(invoice, 300_000, MARCH)
        with freeze_time("2026-04-05"):
            march = self._settle(MARCH)
            march.with_user(self.user_director).action_confirm()
        march_lines = self._lines(invoice_id=invoice.id)
        self.assertEqual(march.line_ids, march_lines.filtered(lambda ln: ln.user_id == self.user_pm))
        with freeze_time("2026-04-20"):
            payment.move_id.line_ids.remove_move_reconcile()
        lines = self._lines(invoice_id=invoice.id)
        clawbacks = lines - march_lines
        self.assertEqual([(ln.date, ln.user_id, ln.amount, ln.origin_line_id) for ln in clawbacks], [
            (date(2026, 4, 20), line.user_id, -line.amount, line) for line in march_lines])
        self.assertEqual(march_lines.mapped("amount"), [10_800, 7_200])
        self.assertEqual(march.amount_total, 10_800)
        self.assertEqual(march.state, "confirmed")
        with self.assertRaises(UserError):
            march_lines[0].sudo().write({"amount": 0})
        # April: the clawback alone, a negative balance carried to May
        april = self._settle(APRIL)
        self.assertEqual(april.amount_total, -10_800)
        april.with_user(self.user_director).action_confirm()
        self.assertFalse(april.move_id)
        self._pay(invoice, 500_000, date(2026, 5, 8))
        may = self._settle(date(2026, 5, 1))
        self.assertEqual((may.carry_from_id, may.carried_amount, may.amount_lines, may.amount_total),
                         (april, -10_800, 18_000, 7_200))

    def test_credit_note_on_a_paid_invoice_claws_back_when_the_refund_is_paid(self):
        """Commission follows the money received: a credit note on a paid invoice takes nothing back until
        the refund is paid out to the customer (then on the refund's date, as much as it gives back)."""
        invoice = self._invoice()
        self._pay(invoice, 1_000_000, MARCH)
        refund = invoice._reverse_moves([{"invoice_date": self.today}])
        refund.invoice_line_ids.price_unit = 250_000
        refund.action_post()
        self.assertFalse(self._lines(invoice_id=invoice.id, is_clawback=True))
        self._pay(refund, 250_000, APRIL)
        clawbacks = self._lines(invoice_id=invoice.id, is_clawback=True)
        self.assertEqual(sorted(clawbacks.mapped("amount")), [-9_000, -6_000])
        self.assertEqual(clawbacks.mapped("date"), [APRIL] * 2)

    def test_settlement_posts_a_balanced_bill_paid_by_reconciliation(self):
        invoice = self._invoice()
        self._pay(invoice, 300_000, MARCH)
        settlement = self._settle(MARCH)
        with self.assertRaises(AccessError):
            settlement.with_user(self.user_pm).action_confirm()
        settlement.with_user(self.user_director).action_confirm()
        move = settlement.move_id
        self.assertEqual((move.move_type, move.state, move.partner_id), ("in_invoice", "posted",
                                                                          self.user_pm.partner_id))
        self.assertEqual(sum(move.line_ids.mapped("debit")), 10_800)
        self.assertEqual(sum(move.line_ids.mapped("credit")), 10_800)
        self.assertEqual(settlement.state, "confirmed")
        # the settlement shows its bill: the director reads its number and type, the accountant opens it
        shown = settlement.with_user(self.user_director).web_read(
            {"move_name": {}, "move_type": {}, "move_id": {"fields": {"display_name": {}}}})[0]
        self.assertEqual((shown["move_name"], shown["move_type"], shown["move_id"]["id"]),
                         (move.name, "in_invoice", move.id))
        action = settlement.with_user(self.user_accountant).action_view_move()
        self.assertEqual((action["res_model"], action["res_id"]), ("account.move", move.id))
        self.env["account.payment.register"].with_user(self.user_accountant).with_context(
            active_model="account.move", active_ids=move.ids).create({"payment_date": self.today})._create_payments()
        self.assertEqual(settlement.state, "paid")
        with self.assertRaises(UserError):
            settlement.with_user(self.user_director).action_cancel()

    def test_misc_entry_settlement_and_cancel_reverses_it(self):
        self.company.write({"spm_commission_entry_type": "entry", "spm_commission_payable_account_id": self.payable.id,
                            "spm_commission_journal_id": self.misc_journal.id})
        invoice = self._invoice()
        self._pay(invoice, 300_000, MARCH)
        settlement = self._settle(MARCH, self.user_sales_east)
        settlement.with_user(self.user_director).action_confirm()
        move = settlement.move_id
        self.assertEqual(move.move_type, "entry")
        self.assertEqual([(ln.account_id, ln.debit, ln.credit) for ln in move.line_ids.sorted("debit")],
                         [(self.payable, 0, 7_200), (self.expense, 7_200, 0)])
        settlement.with_user(self.user_director).action_cancel()
        self.assertEqual(settlement.state, "cancelled")
        self.assertEqual(settlement.reversal_move_id.state, "posted")
        self.assertFalse(settlement.line_ids)
        again = self._settle(MARCH, self.user_sales_east)
        self.assertEqual(again.amount_total, 7_200)

    def test_rules_refuse_bad_shares_tiers_and_rates(self):
        with self.assertRaisesRegex(ValidationError, "100"):
            self.rule.share_ids[0].share = 50
        with self.assertRaises(ValidationError):
            self.rule.rate = -1
        with self.assertRaises(ValidationError):
            self.rule.write({"rate_mode": "tiered", "tier_ids": [Command.create({"achievement_from": 50, "rate": 2}),
                                                                 Command.create({"achievement_from": 50, "rate": 4})]})
        with self.assertRaises(AccessError):
            self.env["spm.commission.rule"].with_user(self.user_sales_east).create({"name": "x"})

    def test_a_salesperson_reads_only_own_lines_and_cannot_confirm(self):
        invoice = self._invoice()
        self._pay(invoice, 300_000, MARCH)
        mine = self.Line.with_user(self.user_pm).search([])
        self.assertEqual(mine.user_id, self.user_pm)
        self.assertFalse(self.Line.with_user(self.user_sales_north).search([]))
        with self.assertRaises(AccessError):
            self._lines(user_id=self.user_pm.id).with_user(self.user_sales_east).read(["amount"])
        leader = self.Line.with_user(self.user_manager_east).search([])
        self.assertEqual(leader.user_id, self.user_pm | self.user_sales_east)
        settlement = self._settle(MARCH)
        self.assertEqual(self.Settlement.with_user(self.user_pm).search([]), settlement)
        self.assertFalse(self.Settlement.with_user(self.user_sales_north).search([]))
        with self.assertRaises(AccessError):
            settlement.with_user(self.user_pm).action_confirm()
        with self.assertRaises(AccessError):
            self.Settlement.with_user(self.user_sales_east).action_generate(2026, 3)
        with self.assertRaises(AccessError):
            self._lines(user_id=self.user_pm.id).with_user(self.user_pm).write({"amount": 1})
        # a manager confirms through the button only: the workflow fields cannot be forged
        with self.assertRaises(AccessError):
            settlement.with_user(self.user_director).write({"is_confirmed": True})
        with self.assertRaises(AccessError):
            self.Settlement.with_user(self.user_director).create({
                "user_id": self.user_pm.id, "date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31),
                "is_confirmed": True})

    def test_batch_wizard_and_statement_pdf(self):
        invoice = self._invoice()
        self._pay(invoice, 300_000, MARCH)
        wizard = Form(self.env["spm.commission.settlement.batch"].with_user(self.user_director))
        wizard.year, wizard.month = 2026, 3
        action = wizard.save().action_generate()
        settlements = self.Settlement.search(action["domain"])
        self.assertEqual(settlements.user_id, self.user_pm | self.user_sales_east)
        self.user_pm.lang = "zh_CN"
        self.env["res.lang"]._activate_lang("zh_CN")
        html = self.env["ir.actions.report"]._render_qweb_html(
            "sales_project_management.action_report_spm_commission_settlement",
            settlements.filtered(lambda s: s.user_id == self.user_pm).ids)[0].decode()
        self.assertIn("10,800.00", html)
        self.assertIn(self.project.name, html)


@tagged("post_install", "-at_install")
class TestCommissionQueries(SpmCommissionCommon):

    def _pay_cost(self, invoice, day):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self._pay(invoice, 100_000, day)
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_payment_lines_cost_does_not_grow_with_existing_lines(self):
        self._target(self.user_sales_east, {3: 500_000, 4: 500_000})
        self.rule.write({"rate_mode": "tiered", "tier_ids": [Command.create({"achievement_from": 0, "rate": 2}),
                                                             Command.create({"achievement_from": 50, "rate": 4})]})
        invoice = self._invoice()
        self._pay_cost(invoice, MARCH)  # warm the caches
        base = self._pay_cost(invoice, MARCH)
        line = self._lines(invoice_id=invoice.id)[0]
        self.Line.sudo().create([{
            "company_id": self.company.id, "user_id": line.user_id.id, "salesperson_id": line.salesperson_id.id,
            "project_id": self.project.id, "invoice_id": invoice.id, "rule_id": self.rule.id, "date": MARCH,
            "base_amount": 100, "rate": 2, "multiplier": 1, "share": 100, "amount": 2,
        } for _i in range(300)])
        self._pay_cost(invoice, APRIL)  # warm again
        self.assertAlmostEqual(self._pay_cost(invoice, APRIL), base, delta=1)
        self.assertEqual(len(self._lines(invoice_id=invoice.id, date=APRIL)), 4)
