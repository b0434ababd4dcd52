from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmCollectionCommon


@tagged("post_install", "-at_install")
class TestCollection(SpmCollectionCommon):
    """A 30/40/30 plan on a confirmed order of 1,000,000, invoiced and collected through Odoo."""

    def _plan(self):
        self.project.action_spm_apply_collection_template(self.template, self.order)
        return self.project.spm_collection_line_ids.sorted("sequence")

    def _invoice(self, line, user=None):
        """Invoice an installment as ``user``; its action opens the new invoice."""
        action = line.with_user(user or self.env.user).action_create_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual((action["res_model"], invoice), ("account.move", line.invoice_ids.sorted("id")[-1:]))
        return invoice

    def _pay(self, invoice, amount, date=None):
        return self.env["account.payment.register"].with_user(self.user_accountant).with_context(
            active_model="account.move", active_ids=invoice.ids).create({
                "amount": amount, "payment_date": date or self.today,
            })._create_payments()

    def test_template_makes_a_confirmed_plan(self):
        advance, delivery, acceptance = self._plan()
        self.assertEqual([line.percent for line in (advance, delivery, acceptance)], [30, 40, 30])
        self.assertEqual([line.amount for line in (advance, delivery, acceptance)], [300_000, 400_000, 300_000])
        self.assertTrue(self.project.spm_collection_confirmed)
        self.assertEqual(advance.due_date, self.order.date_order.date())
        self.assertEqual(delivery.milestone_id, self.milestones[3])
        self.assertEqual((advance.state, delivery.state, acceptance.state), ("to_invoice", "planned", "planned"))
        self.assertFalse(acceptance.due_date, "due after the final acceptance, not known yet")

    def test_rounding_goes_to_the_last_installment(self):
        self.order.order_line.price_unit = 1_000_000.01
        lines = self._plan()
        lines.write({"percent": 100 / 3})
        lines[-1].percent = 100 - 2 * round(100 / 3, 2)
        self.project.action_spm_confirm_collection_plan()
        self.assertEqual(sum(lines.mapped("amount")), self.order.amount_total)

    def test_bad_plans_are_refused(self):
        lines = self._plan()
        lines[0].percent = 20
        with self.assertRaises(UserError):
            self.project.action_spm_confirm_collection_plan()
        with self.assertRaises(ValidationError):
            lines[0].percent = -5
        with self.assertRaises(ValidationError):
            lines[0].percent = 120
        with self.assertRaises(ValidationError):
            lines[0].write({"trigger": "date", "trigger_date": False})
        with self.assertRaises(ValidationError):
            self.env["spm.collection.template"].create({
                "name": "不完整", "line_ids": [Command.create({"name": "预付款", "percent": 50})]})

    def test_invoice_payment_unreconcile_credit_note_and_final_invoice(self):
        advance, delivery, acceptance = self._plan()
        # invoicing line 1 creates one invoice of 30 % linked to the order; twice never makes two
        invoice = self._invoice(advance, self.user_accountant)
        self.assertEqual(invoice.amount_total, 300_000)
        self.assertEqual(invoice.state, "posted")
        self.assertIn(invoice, self.order.invoice_ids)
        self.assertEqual(advance.state, "invoiced")
        self.assertEqual(advance.amount_invoiced, 300_000)
        with self.assertRaises(UserError):
            advance.with_user(self.user_accountant).action_create_invoice()
        self.assertEqual(len(self.order.invoice_ids), 1)
        with self.assertRaises(UserError):
            advance.unlink()

        # a partial payment, then the rest
        self._pay(invoice, 100_000, self.today - timedelta(days=1))
        self.assertEqual((advance.state, advance.amount_received, advance.amount_outstanding),
                         ("partial", 100_000, 200_000))
        self.assertEqual(advance.last_payment_date, self.today - timedelta(days=1))
        payment = self._pay(invoice, 200_000)
        self.assertEqual((advance.state, advance.amount_received), ("paid", 300_000))
        self.assertEqual(advance.last_payment_date, self.today)
        receipts = self.env["spm.collection.receipt"].search([("collection_line_id", "=", advance.id)])
        self.assertEqual(sorted(receipts.mapped("amount")), [100_000, 200_000])
        self.assertEqual(receipts.project_id, self.project)
        self.assertEqual(receipts.user_id, self.user_sales_east)
        self.assertIn(payment, receipts.payment_id)

        # unreconciling the second payment reverts the line
        (payment.move_id.line_ids | invoice.line_ids).filtered(
            lambda ml: ml.account_type == "asset_receivable" and ml.move_id == payment.move_id).remove_move_reconcile()
        self.assertEqual((advance.state, advance.amount_received), ("partial", 100_000))

        # a credit note on the second invoice reduces it and reopens the installment
        delivery.milestone_id.is_reached = True
        self.assertEqual(delivery.state, "to_invoice")
        invoice2 = self._invoice(delivery, self.user_accountant)
        self.assertEqual(invoice2.amount_total, 400_000)
        reversal = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice2.ids).create({
                "reason": "开票信息有误", "journal_id": invoice2.journal_id.id})
        reversal.refund_moves()
        credit_note = invoice2.reversal_move_ids
        credit_note.action_post()
        self.assertEqual(delivery.amount_invoiced, 0)
        self.assertEqual(delivery.state, "to_invoice")
        self.assertEqual(delivery.amount_received, 0, "a credit note is not money received")
        invoice2 = self._invoice(delivery, self.user_accountant)
        self.assertEqual(delivery.amount_invoiced, 400_000)

        # the final installment deducts the earlier ones and the order ends fully invoiced
        self.project.spm_acceptance_date = self.today
        self.assertEqual(acceptance.state, "to_invoice")
        final = self._invoice(acceptance, self.user_accountant)
        self.assertEqual(final.amount_total, 300_000)
        self.assertTrue(final.invoice_line_ids.filtered(lambda ml: ml.sale_line_ids.is_downpayment))
        self.assertEqual(self.order.invoice_status, "invoiced")
        self.assertEqual(self.order.amount_to_invoice, 0)
        self.assertEqual(self.project.spm_amount_invoiced, 1_000_000)

    def test_plan_must_be_confirmed_and_invoiced_terms_are_frozen(self):
        advance, delivery, _acceptance = self._plan()
        delivery.percent = 35
        self.assertFalse(self.project.spm_collection_confirmed, "changing an installment reopens the plan")
        with self.assertRaises(UserError):
            advance.action_create_invoice()
        with self.assertRaises(UserError):
            self.project.action_spm_confirm_collection_plan()  # 30 + 35 + 30
        delivery.percent = 40
        self.project.action_spm_confirm_collection_plan()
        advance.action_create_invoice()
        with self.assertRaises(UserError):
            advance.amount = 250_000
        with self.assertRaises(UserError):
            advance.percent = 25
        advance.name = "首付款"  # the label may still change
        self.assertTrue(self.project.spm_collection_confirmed)

    def test_daily_job_opens_date_installments_for_invoicing(self):
        delivery = self._plan()[1]
        delivery.write({"trigger": "date", "trigger_date": self.today + timedelta(days=90)})
        self.project.action_spm_confirm_collection_plan()
        self.assertEqual(delivery.state, "planned")
        # time passes: the installment falls due within the invoicing window
        self.env.flush_all()
        self.cr.execute("UPDATE spm_collection_line SET trigger_date = %s, due_date = %s WHERE id = %s",
                        [self.today + timedelta(days=10), self.today + timedelta(days=10), delivery.id])
        self.env.invalidate_all()
        self.env["spm.collection.line"]._cron_collection_reminders()
        self.assertEqual(delivery.state, "to_invoice")

    def test_cancelled_invoice_brings_the_line_back(self):
        advance = self._plan()[0]
        invoice = self._invoice(advance)
        invoice.button_draft()
        invoice.button_cancel()
        self.assertEqual(advance.state, "to_invoice")
        invoice = self._invoice(advance)
        self.assertEqual(advance.state, "invoiced")
        self.assertEqual(len(advance.invoice_ids), 2)

    def test_aging_buckets_and_filters(self):
        advance, delivery, acceptance = self._plan()
        advance.trigger_date = self.today - timedelta(days=45)
        delivery.write({"trigger": "date", "trigger_date": self.today - timedelta(days=100)})
        acceptance.write({"trigger": "date", "trigger_date": self.today + timedelta(days=10)})
        self.env.flush_all()
        rows = {row.line_id: row for row in self.env["spm.collection.analysis"].search(
            [("project_id", "=", self.project.id)])}
        self.assertEqual(rows[advance].bucket, "31_60")
        self.assertEqual(rows[advance].overdue_days, 45)
        self.assertEqual(rows[delivery].bucket, "over_90")
        self.assertEqual(rows[acceptance].bucket, "not_due")
        self.assertTrue(rows[advance].is_overdue)
        groups = self.env["spm.collection.analysis"]._read_group(
            [("project_id", "=", self.project.id)], ["bucket", "user_id"], ["amount_outstanding:sum"])
        self.assertIn(("over_90", self.user_sales_east, 400_000), groups)
        # as the pivot asks: groups in the buckets' order, then by salesperson name
        pivot = self.env["spm.collection.analysis"].read_group(
            [("project_id", "=", self.project.id)], ["amount_outstanding:sum"], ["bucket", "user_id"], lazy=False)
        self.assertEqual([group["bucket"] for group in pivot], ["not_due", "31_60", "over_90"])
        # aged receivable over the journal items, by maturity
        invoice = self._invoice(advance)
        invoice.line_ids.filtered(lambda ml: ml.account_type == "asset_receivable").date_maturity = (
            self.today - timedelta(days=70))
        self.env.flush_all()
        aged = self.env["spm.aged.receivable"].search([("move_id", "=", invoice.id)])
        self.assertEqual((aged.bucket, aged.amount_residual, aged.partner_id),
                         ("61_90", 300_000, self.customer))

    def test_reminders_once(self):
        advance, delivery, acceptance = self._plan()
        advance.trigger_date = self.today - timedelta(days=40)
        delivery.write({"trigger": "date", "trigger_date": self.today + timedelta(days=3)})
        acceptance.write({"trigger": "date", "trigger_date": self.today + timedelta(days=60)})
        Line = self.env["spm.collection.line"]
        Line._cron_collection_reminders()
        activities = self.project.activity_ids
        self.assertEqual(len(activities), 3, "due-date reminder and escalation for line 1, early reminder for line 2")
        self.assertIn(self.user_manager_east, activities.user_id, "escalated to the team leader")
        Line._cron_collection_reminders()
        self.assertEqual(len(self.project.activity_ids), 3, "no duplicate when the job runs twice")

    def test_collection_cycle_against_the_charter(self):
        self.env["spm.success.criterion"].create({
            "project_id": self.project.id, "code": "collection_cycle", "name": "回款周期", "comparator": "<=",
            "target": 30, "unit": "天"})
        lines = self._plan()
        self.milestones[3].is_reached = True
        self.project.spm_acceptance_date = self.today - timedelta(days=20)
        for line in lines:
            self._pay(self._invoice(line), line.amount)
        self.assertEqual(lines.mapped("state"), ["paid"] * 3)
        self.assertEqual(self.project.spm_collection_cycle_days, 20)
        self.assertTrue(self.project.spm_collection_cycle_met)
        self.assertEqual(self.project.spm_collection_progress, 100)

    def test_access(self):
        lines = self._plan()
        # the salesperson reads their own project's plan but cannot change it nor invoice
        self.assertEqual(self.env["spm.collection.line"].with_user(self.user_sales_east).search(
            [("project_id", "=", self.project.id)]), lines)
        with self.assertRaises(AccessError):
            lines[0].with_user(self.user_sales_east).write({"percent": 50})
        with self.assertRaises(AccessError):
            lines[0].with_user(self.user_sales_east).action_create_invoice()
        # another team's salesperson sees nothing; its manager neither; the accountant everything
        self.assertFalse(self.env["spm.collection.line"].with_user(self.user_sales_north).search(
            [("project_id", "=", self.project.id)]))
        self.assertFalse(self.env["spm.collection.line"].with_user(self.user_manager_north).search(
            [("project_id", "=", self.project.id)]))
        self.assertEqual(len(self.env["spm.collection.line"].with_user(self.user_manager_east).search(
            [("project_id", "=", self.project.id)])), 3)
        self.assertEqual(len(self.env["spm.collection.analysis"].with_user(self.user_accountant).search(
            [("project_id", "=", self.project.id)])), 3)

    def _pay_cost(self, invoice):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self._pay(invoice, invoice.amount_residual)
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def _other_invoiced_lines(self, count):
        lines = self.env["spm.collection.line"]
        for i in range(count):
            order = self.order.copy({"project_id": self.project.id})
            order.action_confirm()
            lines |= self.env["spm.collection.line"].create({
                "project_id": self.project.id, "sale_order_id": order.id, "name": f"其他{i}", "percent": 100,
                "amount": 1_000_000, "trigger": "date", "trigger_date": self.today})
        self.project.action_spm_confirm_collection_plan()
        for line in lines:
            line.action_create_invoice()
        return lines

    def test_payment_recomputes_only_the_lines_of_its_invoices(self):
        """The cost of registering a payment does not grow with the installments of other invoices."""
        lines = self._other_invoiced_lines(5)
        self._pay_cost(lines[0].invoice_ids)  # warm the caches
        self._pay_cost(lines[1].invoice_ids)
        base = self._pay_cost(lines[2].invoice_ids)
        others = self._other_invoiced_lines(12)
        self._pay_cost(lines[3].invoice_ids)  # warm again what making the other lines may have cleared
        # a recomputation per installment would cost at least one query per other line (12 more); the
        # prefetching of the journal entries read on the way may vary by one
        self.assertAlmostEqual(self._pay_cost(lines[4].invoice_ids), base, delta=1)
        self.assertLessEqual(base, 165, "query budget of one payment registration (the money query included)")
        self.assertEqual(lines.mapped("state"), ["paid"] * 5)
        self.assertTrue(all(line.state == "invoiced" for line in others))

    # ------------------------------------------------------------
    # Holes found over RPC (hardening)
    # ------------------------------------------------------------

    def test_no_context_key_keeps_a_changed_plan_confirmed(self):
        advance, delivery, acceptance = self._plan()
        as_accountant = self.env["spm.collection.line"].with_user(self.user_accountant)
        # (a) the confirmation's internal context flag is gone: an amount changed with it reopens the plan
        advance.with_user(self.user_accountant).with_context(spm_confirming_plan=True).amount = 900_000
        self.assertFalse(self.project.spm_collection_confirmed)
        with self.assertRaises(UserError):
            self._invoice(advance, self.user_accountant)
        self.assertFalse(advance.invoice_ids)
        # (b) the flag itself is written by the confirmation only
        for user in (self.user_accountant, self.user_manager_east):
            with self.assertRaises(AccessError):
                self.project.with_user(user).write({"spm_collection_confirmed": True})
        self.assertFalse(self.project.spm_collection_confirmed)
        self.project.with_user(self.user_accountant).action_spm_confirm_collection_plan()
        self.assertEqual(advance.amount, 300_000, "the confirmation fixes the amounts from the percents")
        # (c) deleting, adding or cancelling an installment reopens the plan too
        delivery.with_user(self.user_accountant).unlink()
        self.assertFalse(self.project.spm_collection_confirmed)
        with self.assertRaises(UserError):
            self.project.action_spm_confirm_collection_plan()  # 30 + 30
        as_accountant.create({"project_id": self.project.id, "sale_order_id": self.order.id, "name": "到货款",
                              "sequence": 15, "percent": 40, "trigger": "date", "trigger_date": self.today})
        self.project.action_spm_confirm_collection_plan()
        self.assertTrue(self.project.spm_collection_confirmed)
        acceptance.with_user(self.user_accountant).action_cancel()
        self.assertFalse(self.project.spm_collection_confirmed)
        # a write that changes nothing does not reopen it
        acceptance.is_cancelled = False
        self.project.action_spm_confirm_collection_plan()
        advance.write({"percent": 30, "sequence": advance.sequence})
        self.assertTrue(self.project.spm_collection_confirmed)
        self.assertEqual(sum(self.project.spm_collection_line_ids.mapped("amount")), 1_000_000)

    def test_invoiced_terms_are_frozen(self):
        advance = self._plan()[0]
        self._invoice(advance)
        for values in ({"trigger": "acceptance"}, {"trigger_date": self.today + timedelta(days=5)},
                       {"offset_days": 10}, {"milestone_id": self.milestones[0].id}, {"is_cancelled": True}):
            with self.subTest(values=values), self.assertRaises(UserError):
                advance.write(values)
        self.assertEqual((advance.trigger, advance.due_date), ("date", self.order.date_order.date()))

    def test_installment_belongs_to_an_order_of_its_project(self):
        other = self.env["project.project"].create({"name": "别的项目", "company_id": self.company.id})
        other_order = self.order.copy({"project_id": other.id})
        other_order.action_confirm()
        with self.assertRaises(ValidationError):
            self.env["spm.collection.line"].create({
                "project_id": self.project.id, "sale_order_id": other_order.id, "name": "越权", "percent": 100,
                "trigger": "date", "trigger_date": self.today})
        line = self._plan()[0]
        with self.assertRaises(ValidationError):
            line.sale_order_id = other_order

    def test_accountant_plans_from_the_wizard(self):
        wizard = Form(self.env["spm.collection.plan.wizard"].with_user(self.user_accountant).with_context(
            default_project_id=self.project.id))
        self.assertEqual(wizard.sale_order_id, self.order)
        wizard.template_id = self.template
        wizard.save().action_apply()
        self.assertTrue(self.project.spm_collection_confirmed)
        self.assertEqual(len(self.project.spm_collection_line_ids), 3)
        # a salesperson cannot plan
        with self.assertRaises(AccessError):
            self.project.with_user(self.user_sales_east).action_spm_apply_collection_template(
                self.template.id, self.order.id)

    def test_draft_invoice_for_the_accountant(self):
        self.company.spm_collection_post_invoice = False
        advance, _delivery, acceptance = self._plan()
        invoice = self._invoice(advance, self.user_accountant)
        self.assertEqual(invoice.state, "draft", "the accountant checks and posts it")
        self.assertEqual(advance.state, "draft_invoice")
        self.assertEqual(advance.amount_invoiced, 0)
        with self.assertRaises(UserError):
            advance.with_user(self.user_accountant).action_create_invoice()
        invoice.with_user(self.user_accountant).action_post()
        self.assertEqual(advance.state, "invoiced")
        self.assertEqual(advance.invoice_number, invoice.name)
        # the acceptance installment invoiced before the delivery one: a down payment named after it,
        # never due before its own date although its due date has passed
        self.project.spm_acceptance_date = self.today - timedelta(days=40)
        self.assertEqual(acceptance.due_date, self.today - timedelta(days=40))
        accept_invoice = self._invoice(acceptance, self.user_accountant)
        accept_invoice.action_post()
        label = acceptance.with_context(lang=self.customer.lang).name  # in the customer's language
        self.assertEqual(accept_invoice.invoice_line_ids.name, f"{label} · {self.order.name}")
        self.assertGreaterEqual(accept_invoice.invoice_date_due, accept_invoice.invoice_date)
        self.assertIn(label, accept_invoice.ref)

    def test_amounts_in_company_currency(self):
        company_currency = self.company.currency_id
        foreign = self.env.ref("base.EUR") if company_currency != self.env.ref("base.EUR") else self.env.ref("base.USD")
        foreign.active = True
        order_day = self.today - timedelta(days=30)
        self.env["res.currency.rate"].create([
            {"currency_id": foreign.id, "company_id": self.company.id, "name": order_day, "rate": 0.125},
            {"currency_id": foreign.id, "company_id": self.company.id, "name": self.today, "rate": 0.1},
        ])
        pricelist = self.env["product.pricelist"].create({"name": foreign.name, "currency_id": foreign.id,
                                                          "company_id": self.company.id})
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id, "company_id": self.company.id, "user_id": self.user_sales_east.id,
            "team_id": self.team_east.id, "project_id": self.project.id, "pricelist_id": pricelist.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1,
                                           "price_unit": 100_000, "tax_id": [Command.clear()]})],
        })
        order.action_confirm()
        order.date_order = fields.Datetime.to_datetime(order_day)
        self._plan()
        self.project.action_spm_apply_collection_template(self.template, order)
        self.assertEqual(len(self.project.spm_collection_line_ids), 6, "each order keeps its own plan")
        foreign_lines = self.project.spm_collection_line_ids.filtered(lambda line: line.sale_order_id == order)
        advance = foreign_lines.sorted("sequence")[0]
        self.assertEqual(advance.currency_id, foreign)
        self.assertEqual(advance.amount_company, 240_000, "30,000 at the order date's rate (8)")
        invoice = self._invoice(advance)
        self.assertEqual(invoice.invoice_date, self.today)
        self.assertEqual(advance.amount_invoiced_company, 300_000, "converted at the invoice date (10)")
        self.assertEqual(advance.amount_company, 300_000)
        # the project adds the installments of both orders in the company currency
        self.assertEqual(self.project.spm_currency_id, company_currency)
        self.assertEqual(self.project.spm_amount_planned, 1_000_000 + 300_000 + 320_000 + 240_000)
        self.assertEqual(self.project.spm_amount_invoiced, 300_000)
        row = self.env["spm.collection.analysis"].search([("line_id", "=", advance.id)])
        self.assertEqual((row.amount, row.amount_company, row.amount_outstanding_company), (30_000, 300_000, 300_000))
        self.assertEqual(row.invoice_number, invoice.name)

    def test_two_installments_of_one_amount_are_no_duplicate_invoices(self):
        """The advance and the acceptance payment are both 300,000, invoiced the same day: each invoice names its
        installment and place in the plan, and Odoo's duplicate-invoice warning stays silent."""
        advance, _delivery, acceptance = self._plan()
        acceptance.write({"trigger": "date", "trigger_date": self.today})
        self.project.action_spm_confirm_collection_plan()
        self.assertEqual((advance.state, acceptance.state), ("to_invoice", "to_invoice"))
        first, last = self._invoice(advance), self._invoice(acceptance)
        for invoice in first | last:
            if invoice.state == "draft":
                invoice.action_post()
        self.assertEqual(first.amount_total, last.amount_total)
        self.assertNotEqual(first.ref, last.ref)
        self.assertTrue(first.ref.endswith("(1/3)"), first.ref)
        self.assertTrue(last.ref.endswith("(3/3)"), last.ref)
        (first | last).invalidate_recordset(["duplicated_ref_ids"])
        self.assertFalse(first.duplicated_ref_ids | last.duplicated_ref_ids)
