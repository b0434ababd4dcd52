from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SpmCommissionCommon

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


@tagged("post_install", "-at_install")
class TestOneTruthForMoney(SpmCommissionCommon):
    """“Received” means the same everywhere: for a sales project, its 回款 figures (the project, its
    installments), its receipts, the salesperson's collected target, the commission base and accounting's
    own reconciliations agree after every accounting case: an invoice made outside the plan, a standalone
    credit note, a write-off, a refund paid out, an unreconciled payment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule.write({"exclude_tax": False, "share_ids": [Command.clear(),
                                                           Command.create({"role": "salesperson", "share": 100})],
                        "grade_rate_ids": [Command.clear()]})
        accounts = cls.env["account.account"].with_company(cls.company)
        cls.income = accounts.search([("company_ids", "in", cls.company.ids), ("account_type", "=", "income")],
                                     limit=1)

    def _truth(self):
        """Accounting's own answer: the payments whose entries are reconciled with the project's invoices
        and credit notes now (money in, refunds out), as much as the payments say they paid."""
        documents = self.env["account.move"].search([("spm_project_id", "=", self.project.id)])
        receivables = documents.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        partials = receivables.matched_debit_ids | receivables.matched_credit_ids
        counterparts = (partials.debit_move_id | partials.credit_move_id) - receivables
        payments = counterparts.move_id.origin_payment_id
        return sum(payment.amount if payment.payment_type == "inbound" else -payment.amount for payment in payments)

    def _assert_one_truth(self, expected):
        self.env.flush_all()
        self.env.invalidate_all()
        project = self.project
        receipts = self.env["spm.collection.receipt"].search([("project_id", "=", project.id)])
        target = self.env["spm.target"]._spm_achieved(
            [(1, self.company.id, self.user_sales_east.id, False, *YEAR)], bases=("collected",))
        commission = self.Line.search([("project_id", "=", project.id), ("source", "=", "receipt"),
                                       ("role", "=", "salesperson")])
        figures = {
            "project received": project.spm_amount_received,
            "installments + unplanned": sum(project.spm_collection_line_ids.mapped("amount_received_company"))
            + sum(self.env["spm.collection.analysis"].search([("project_id", "=", project.id),
                                                              ("is_unplanned", "=", True)])
                  .mapped("amount_received_company")),
            "receipts": sum(receipts.mapped("amount_company")),
            "target collected": target.get(1, {}).get("collected", 0.0),
            "commission base": sum(commission.mapped("base_amount")),
            "accounting": self._truth(),
        }
        self.assertEqual(figures, dict.fromkeys(figures, expected))

    def test_received_agrees_everywhere_after_every_accounting_case(self):
        # the installment invoiced through the plan and half paid
        invoice = self._invoice()
        self._pay(invoice, 500_000, date(2026, 3, 10))
        self._assert_one_truth(500_000)

        # a credit note of 100,000 typed by hand for the customer and reconciled with the invoice: not money
        credit = self.env["account.move"].with_user(self.user_accountant).create({
            "move_type": "out_refund", "partner_id": self.customer.id, "company_id": self.company.id,
            "invoice_date": date(2026, 3, 12),
            "invoice_line_ids": [Command.create({"name": "折让", "quantity": 1, "price_unit": 100_000,
                                                 "account_id": self.income.id, "tax_ids": [Command.clear()]})],
        })
        credit.action_post()
        receivable = credit.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        invoice.with_user(self.user_accountant).js_assign_outstanding_line(receivable.id)
        self._assert_one_truth(500_000)

        # the rest paid with a write-off of 50,000 (“mark as fully paid”): only the money counts
        writeoff = self.env["account.account"].with_company(self.company).search(
            [("company_ids", "in", self.company.ids), ("account_type", "=", "expense")], limit=1)
        self.env["account.payment.register"].with_user(self.user_accountant).with_context(
            active_model="account.move", active_ids=invoice.ids).create({
                "amount": 350_000, "payment_date": date(2026, 4, 2), "payment_difference_handling": "reconcile",
                "writeoff_account_id": writeoff.id, "writeoff_label": "尾差核销",
            })._create_payments()
        self.assertEqual(invoice.payment_state, "paid")
        self._assert_one_truth(850_000)
        self.assertEqual(self.installment.state, "partial", "written off, not paid: 850,000 of 1,000,000 came in")
        self.assertTrue(self.installment._spm_settled(), "nothing is left to collect on it")

        # the order invoiced the ordinary way (Create Invoice on the order) for another delivery, and paid
        self.order.order_line.product_uom_qty = 2
        extra = self.order.with_user(self.user_accountant)._create_invoices()
        extra.action_post()
        self.assertEqual(extra.spm_project_id, self.project, "an invoice of the project's order is the project's")
        self._pay(extra, 1_000_000, date(2026, 5, 6))
        self._assert_one_truth(1_850_000)
        row = self.env["spm.collection.analysis"].search([("invoice_id", "=", extra.id)])
        self.assertEqual((row.is_unplanned, row.state, row.amount_received_company), (True, "paid", 1_000_000),
                         "shown on the tracking table, outside the plan")

        # a credit note on the paid extra invoice, and the refund paid out: the money went back
        refund = extra._reverse_moves([{"invoice_date": date(2026, 6, 1)}])
        refund.invoice_line_ids.price_unit = 400_000
        refund.action_post()
        self._assert_one_truth(1_850_000)  # nothing given back yet
        self.env["account.payment.register"].with_user(self.user_accountant).with_context(
            active_model="account.move", active_ids=refund.ids).create({
                "amount": 400_000, "payment_date": date(2026, 6, 3)})._create_payments()
        self._assert_one_truth(1_450_000)
        clawbacks = self.Line.search([("invoice_id", "=", extra.id), ("is_clawback", "=", True)])
        self.assertEqual((clawbacks.date, sum(clawbacks.mapped("amount"))), (date(2026, 6, 3), -20_000),
                         "the refund's payment takes back 5 % of the 400,000 given back, on its day")

        # the first payment unreconciled: its money no longer counts, its commission is taken back
        partial = invoice.line_ids.matched_credit_ids.filtered(
            lambda p: p.credit_move_id.move_id.origin_payment_id and p.amount == 500_000)
        invoice.with_user(self.user_accountant).js_remove_outstanding_partial(partial.id)
        self._assert_one_truth(950_000)

        # and the refund's unreconciled: what it took is given back
        refund_partial = refund.line_ids.matched_debit_ids
        refund.with_user(self.user_accountant).js_remove_outstanding_partial(refund_partial.id)
        self._assert_one_truth(1_350_000)

    def test_an_installment_with_an_invoice_is_not_deleted_and_an_unplanned_invoice_is_attached(self):
        invoice = self._invoice()
        invoice.button_draft()
        with self.assertRaises(UserError):
            self.installment.with_user(self.user_accountant).unlink()
        invoice.button_cancel()
        # an invoice of the order made outside the plan is attached by the accountant to the installment it settles
        self.order.order_line.product_uom_qty = 1
        other = self.order._create_invoices()
        self.assertFalse(other.spm_collection_line_ids)
        self.installment.with_user(self.user_accountant).action_attach_invoice(other.id)
        self.assertEqual(other.spm_collection_line_ids, self.installment)
        other.action_post()
        self._pay(other, 1_000_000, date(2026, 7, 1))
        self.assertEqual(self.installment.state, "paid")
        self._assert_one_truth(1_000_000)
        # never an invoice of another order, nor by a salesperson, nor twice
        with self.assertRaises(UserError):
            self.installment.with_user(self.user_accountant).action_attach_invoice(0)
        with self.assertRaises(UserError):
            self.installment.with_user(self.user_sales_east).action_attach_invoice(other.id)
        # nor by writing the link by hand, from either side
        with self.assertRaises(UserError):
            self.installment.with_user(self.user_accountant).write({"invoice_ids": [Command.link(invoice.id)]})
        with self.assertRaises(UserError):
            invoice.with_user(self.user_accountant).write({"spm_collection_line_ids": [Command.link(
                self.installment.id)]})
