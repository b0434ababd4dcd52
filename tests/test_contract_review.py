from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestContractReview(SpmCommon):
    """合同评审 and 合同台账: the order of a sales project (an opportunity whose 立项 made a delivery project) is
    confirmed once legal (吴静), finance (孙丽) and delivery (the director 周敏) checked the contract's items of their
    role and approved its review, or by a manager without review, with a reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading("generic_coa", cls.company, install_demo=False)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.user_legal = mail_new_test_user(
            cls.env, login="spm_t_legal", name="吴静", email="spm_t_legal@example.com", company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            groups="base.group_user,sales_project_management.group_spm_legal")
        cls.user_accountant.groups_id += cls.env.ref("account.group_account_invoice")
        cls.today = fields.Date.context_today(cls.env["spm.contract.review"])
        # an opportunity whose 立项 is approved: its delivery project is a sales project
        cls.lead = cls._create_lead("滨江一院停车场出入口改造", expected_revenue=3_800_000, partner_id=cls.contact.id)
        initiation = cls.env["spm.initiation"].with_user(cls.user_sales_east).create({"lead_id": cls.lead.id})
        initiation.with_user(cls.user_sales_east).action_submit()
        initiation.with_user(cls.user_manager_east).action_approve("同意")
        cls.project = cls.lead.spm_project_id
        cls.product = cls.env["product.product"].create({
            "name": "停车场改造工程", "type": "service", "invoice_policy": "order", "list_price": 1_000_000,
            "taxes_id": [Command.clear()], "company_id": cls.company.id,
        })

    def _order(self, user=None, lead=None, amount=1_000_000, **values):
        """A quotation of the opportunity (of the sales project), made by its salesperson."""
        user = user or self.user_sales_east
        lead = self.lead if lead is None else lead
        vals = {
            "partner_id": self.customer.id, "company_id": self.company.id, "user_id": user.id,
            "team_id": (lead.team_id or self.team_east).id, "opportunity_id": lead.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": amount,
                                           "tax_id": [Command.clear()]})],
        }
        vals.update(values)
        return self.env["sale.order"].with_user(user).create(vals).with_env(self.env)

    def _review(self, order, user=None):
        """The review requested from the order's button, saved from the form with its default checklist."""
        user = user or self.user_sales_east
        action = order.with_user(user).action_spm_open_contract_review()
        form = Form(self.env["spm.contract.review"].with_user(user).with_context(**action["context"]))
        form.summary = "<p>合同额 100 万元，付款 30/40/30，终验后质保 12 个月</p>"
        return form.save().with_env(self.env)

    def _items(self, review, role):
        return review.item_ids.filtered(lambda item: item.role == role)

    def _check(self, review, user, role, result="ok", comment=False):
        self._items(review, role).with_user(user).write({"result": result, "comment": comment})

    def _approve_all(self, review):
        """Submitted by its requester if it is a draft, then checked and approved step by step."""
        if review.state == "draft":
            review.with_user(review.user_id).action_submit()
        for user, role in ((self.user_legal, "legal"), (self.user_accountant, "finance"),
                           (self.user_director, "delivery")):
            self._check(review, user, role)
            review.with_user(user).action_approve()

    def test_full_chain_with_items_checked_by_role(self):
        order = self._order(spm_warranty_months=24)
        self.assertEqual(order.spm_project_id, self.project, "the opportunity's delivery project")
        review = self._review(order)
        self.assertRegex(review.name, r"^HT\d{4}-\d{4}$")
        self.assertEqual((review.state, review.user_id, review.lead_id, review.project_id, review.team_id),
                         ("draft", self.user_sales_east, self.lead, self.project, self.team_east))
        self.assertEqual(len(review.item_ids), 8, "the default checklist")
        self.assertEqual(set(review.item_ids.mapped("role")), {"legal", "finance", "delivery"})
        self.assertEqual(order.spm_contract_review_state, "draft")
        # the requester drafts the list but gives no result
        with self.assertRaises(AccessError):
            self._items(review, "legal")[:1].with_user(self.user_sales_east).result = "ok"

        review.with_user(self.user_sales_east).action_submit()
        self.assertEqual(review.approval_ids.mapped("name"), ["Legal review", "Finance review", "Delivery review"])
        self.assertEqual(review.approval_ids.mapped("review_role"), ["legal", "finance", "delivery"])
        self.assertEqual(review.amount_reviewed, 1_000_000)
        self.assertEqual(review.current_approval_id.approver_group_id,
                         self.env.ref("sales_project_management.group_spm_legal"))
        self.assertEqual(review.activity_ids.user_id, self.user_legal)
        self.assertIn(review, self.env["spm.contract.review"].with_user(self.user_legal).search(
            [("can_decide", "=", True)]))

        # legal counsel reads the order under review, not the others of the salesperson
        self.assertEqual(order.with_user(self.user_legal).read(["amount_total"])[0]["amount_total"], 1_000_000)
        with self.assertRaises(AccessError):
            self._order().with_user(self.user_legal).read(["amount_total"])
        with self.assertRaises(AccessError):
            order.with_user(self.user_legal).write({"note": "法务改"})

        # the legal step: its items, checked by legal only, before approving
        with self.assertRaises(AccessError):
            self._check(review, self.user_accountant, "finance")  # not finance's turn
        with self.assertRaises(UserError) as error:
            review.with_user(self.user_legal).action_approve()
        self.assertIn("Liability for breach (penalties)", str(error.exception))
        with Form(review.with_user(self.user_legal)) as form:
            for index, item in enumerate(review.item_ids):
                if item.role == "legal":
                    with form.item_ids.edit(index) as line:
                        line.result = "ok"
        legal_items = self._items(review, "legal")
        self.assertEqual(set(legal_items.mapped("result")), {"ok"})
        self.assertEqual(legal_items.checked_by_id, self.user_legal)
        self.assertTrue(all(legal_items.mapped("checked_on")))
        with self.assertRaises(AccessError):
            self._check(review, self.user_legal, "finance")  # not legal's items
        review.with_user(self.user_legal).action_approve("条款无异议")
        self.assertEqual(review.current_approval_id.review_role, "finance")

        # finance (an Invoicing user, no group of the addon), in the form: an issue is approved only with a comment
        # saying why it is accepted
        payment = review.item_ids.filtered(
            lambda i: i.template_id == self.env.ref("sales_project_management.contract_item_payment"))
        with Form(review.with_user(self.user_accountant)) as form:
            for index, item in enumerate(review.item_ids):
                if item.role == "finance":
                    with form.item_ids.edit(index) as line:
                        line.result = "issue" if item == payment else "ok"
        with self.assertRaises(UserError) as error:
            review.with_user(self.user_accountant).action_approve()
        self.assertIn(payment.name, str(error.exception))
        payment.with_user(self.user_accountant).comment = "预付款比例低于标准，销售总监同意"
        review.with_user(self.user_accountant).action_approve()

        # delivery: the project director
        self._check(review, self.user_director, "delivery")
        review.with_user(self.user_director).action_approve("与项目章程一致")
        self.assertEqual(review.state, "approved")
        self.assertEqual(review.approval_ids.decided_by_id,
                         self.user_legal | self.user_accountant | self.user_director)
        self.assertEqual(order.spm_contract_review_state, "approved")
        self.assertIn("预付款比例低于标准", order.message_ids[:1].body, "the reservation is told on the order")
        self.assertFalse(review.activity_ids)

        # the order is confirmed; the sales project takes the contract's warranty
        order.with_user(self.user_sales_east).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.project.spm_warranty_months, 24)
        with self.assertRaises(UserError):
            review.with_user(self.user_sales_east).action_cancel()  # the record of a confirmed order

    def test_requester_never_approves_and_nobody_decides_two_levels(self):
        """The director asks for the review of an order of his company: the delivery step is another manager's.
        A manager who is also legal counsel decides the legal step, then not the delivery one."""
        self.user_manager_north.groups_id += self.env.ref("sales_project_management.group_spm_legal")
        order = self._order(user=self.user_director)
        review = self._review(order, user=self.user_director)
        review.with_user(self.user_director).action_submit()
        self.assertFalse(self._items(review, "legal")[:1].with_user(self.user_director).can_check)
        self._check(review, self.user_manager_north, "legal")
        review.with_user(self.user_manager_north).action_approve()
        self._check(review, self.user_accountant, "finance")
        review.with_user(self.user_accountant).action_approve()
        for user in (self.user_director, self.user_manager_north):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                self._check(review, user, "delivery")
            with self.assertRaises(AccessError):
                review.with_user(user).action_approve()
        self._check(review, self.user_manager_east, "delivery")
        review.with_user(self.user_manager_east).action_approve()
        self.assertEqual(review.state, "approved")

    def test_confirmation_waits_for_the_approved_review(self):
        order = self._order(require_signature=True)
        as_sales = order.with_user(self.user_sales_east)
        with self.assertRaises(UserError) as error:
            as_sales.action_confirm()
        self.assertIn(order.name, str(error.exception))
        self.assertIn("Contract Review", str(error.exception))
        with self.assertRaises(UserError):
            as_sales.write({"state": "sale"})  # any path: a write as well as the button
        self.assertFalse(order._has_to_be_signed(), "not offered for signature online before its review")

        review = self._review(order)
        with self.assertRaises(UserError) as error:
            as_sales.action_confirm()
        self.assertIn("still a draft", str(error.exception))
        review.with_user(self.user_sales_east).action_submit()
        with self.assertRaises(UserError) as error:
            as_sales.action_confirm()
        self.assertIn("Legal review", str(error.exception))

        self._check(review, self.user_legal, "legal", "issue", "违约金上限未约定")
        review.with_user(self.user_legal).action_return("请补充违约金上限")
        self.assertEqual(review.state, "returned")
        self.assertEqual(review.activity_ids.user_id, self.user_sales_east, "the requester revises it")
        with self.assertRaises(UserError) as error:
            as_sales.action_confirm()
        self.assertIn("returned", str(error.exception))

        # revised and resubmitted: a new round, checked anew
        review.with_user(self.user_sales_east).summary = "<p>违约金上限为合同额 5%</p>"
        review.with_user(self.user_sales_east).action_submit()
        self.assertEqual(set(review.approval_ids.mapped("round")), {1, 2})
        self.assertFalse(any(review.item_ids.mapped("result")))
        self.assertFalse(review.item_ids.checked_by_id)
        self._approve_all(review)
        self.assertTrue(order._has_to_be_signed())

        # the order changed after the approval: the review no longer holds
        order.order_line.with_user(self.user_sales_east).price_unit = 1_200_000
        with self.assertRaises(UserError) as error:
            as_sales.action_confirm()
        self.assertIn("changed since", str(error.exception))
        order.order_line.with_user(self.user_sales_east).price_unit = 1_000_000
        as_sales.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_checklist_is_the_requester_s_draft_only(self):
        order = self._order()
        review = self._review(order)
        review.with_user(self.user_sales_east).write({"item_ids": [
            Command.create({"name": "投标保证金退还", "role": "finance"})]})
        review.with_user(self.user_sales_east).action_submit()
        for values in ({"item_ids": [Command.create({"name": "新增", "role": "legal"})]},
                       {"item_ids": [Command.delete(review.item_ids[0].id)]}, {"summary": "<p>改</p>"}):
            with self.subTest(values=values), self.assertRaises(UserError):
                review.with_user(self.user_sales_east).write(values)
        with self.assertRaises(UserError):
            review.item_ids[0].with_user(self.user_sales_east).name = "改名"
        # no step of the chain checks a role: the review is not submitted
        self.env.ref("sales_project_management.approval_step_contract_finance").review_role = False
        other = self._review(self._order())
        with self.assertRaises(UserError) as error:
            other.with_user(self.user_sales_east).action_submit()
        self.assertIn("Finance", str(error.exception))

    def test_manager_confirms_without_review_with_a_reason(self):
        order = self._order()
        Wizard = self.env["spm.contract.override.wizard"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.user_sales_east).create({"order_id": order.id, "reason": "急"}).action_confirm()
        wizard = Wizard.with_user(self.user_manager_east).create({"order_id": order.id, "reason": "  "})
        self.assertIn("Contract Review", wizard.missing)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        action = order.with_user(self.user_manager_east).action_spm_confirm_without_review()
        form = Form(Wizard.with_user(self.user_manager_east).with_context(**action["context"]))
        form.reason = "客户年底前必须签约，纸质评审表已由法务会签"
        form.save().action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual((order.spm_contract_override_by_id, order.spm_contract_override_reason),
                         (self.user_manager_east, "客户年底前必须签约，纸质评审表已由法务会签"))
        self.assertTrue(order.spm_contract_override_on)
        self.assertTrue(any("纸质评审表已由法务会签" in message.body for message in order.message_ids))
        with self.assertRaises(AccessError):
            order.with_user(self.user_director).write({"spm_contract_override_reason": "改理由"})

    def test_order_of_no_sales_project_is_untouched(self):
        order = self._order(lead=self.env["crm.lead"], require_signature=True)
        self.assertFalse(order.spm_project_id)
        self.assertTrue(order._has_to_be_signed())
        with self.assertRaises(ValidationError):
            self.env["spm.contract.review"].with_user(self.user_sales_east).create({"order_id": order.id})
        order.with_user(self.user_sales_east).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.spm_contract_review_state)
        self.assertFalse(self.env["spm.contract.register"].search([("order_id", "=", order.id)]))

    def test_register_figures_equal_accounting(self):
        order = self._order(spm_contract_number=" BJYY-2026-047 ",
                            spm_contract_effective_on=self.today - timedelta(days=350), spm_contract_term_months=12)
        self.assertEqual(order.spm_contract_number, "BJYY-2026-047")
        self._approve_all(self._review(order))
        order.with_user(self.user_sales_east).action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = self.today
        invoice.action_post()
        payment = self.env["account.payment.register"].with_user(self.user_accountant).with_context(
            active_model="account.move", active_ids=invoice.ids).create({"amount": 400_000})._create_payments()
        credit = invoice._reverse_moves([{"invoice_date": self.today, "ref": "折让"}])
        credit.invoice_line_ids.price_unit = 50_000
        credit.action_post()

        row = self.env["spm.contract.register"].with_user(self.user_accountant).search([("order_id", "=", order.id)])
        self.assertEqual(len(row), 1)
        receipts = self.env["spm.collection.receipt"].search([("sale_order_id", "=", order.id)])
        self.assertEqual(row.amount_total, order.amount_total)
        self.assertEqual(row.amount_invoiced, invoice.amount_total_signed + credit.amount_total_signed)
        self.assertEqual(row.amount_invoiced, 950_000)
        # received is the money (the credit note reconciled with the invoice pays it, but brings no money)
        self.assertEqual(row.amount_received, payment.amount)
        self.assertEqual(row.amount_received, sum(receipts.mapped("amount_company")))
        self.assertEqual(row.amount_received, 400_000)
        # what the customer still owes on the order, as the receivable books it
        self.assertEqual(row.amount_outstanding, invoice.amount_residual_signed + credit.amount_residual_signed)
        self.assertEqual(row.amount_outstanding, 550_000)
        self.assertEqual(row.amount_to_invoice, 50_000)
        self.assertEqual((row.contract_number, row.review_state, row.is_signed), ("BJYY-2026-047", "approved", False))
        self.assertEqual(row.date_end, order.spm_contract_end_on)
        self.assertEqual(row.days_to_end, (order.spm_contract_end_on - self.today).days)
        ending = self.env["spm.contract.register"].search([("days_to_end", ">=", 0), ("days_to_end", "<=", 30)])
        self.assertIn(row, ending)

        # signed: the scan of the signed contract among the order's documents
        self.env["ir.attachment"].with_user(self.user_sales_east).create({
            "name": "合同扫描件.pdf", "res_model": "sale.order", "res_id": order.id, "raw": b"%PDF-1.4 signed",
            "spm_document_type_id": self.env.ref("sales_project_management.doc_type_contract_scan").id})
        self.assertTrue(order.spm_contract_signed)
        self.env.invalidate_all()
        self.assertTrue(row.is_signed)
        # the salesperson reads their own contract, another team's salesperson nothing
        self.assertEqual(self.env["spm.contract.register"].with_user(self.user_sales_east).search([]), row)
        self.assertFalse(self.env["spm.contract.register"].with_user(self.user_sales_north).search([]))

    def test_contract_number_unique_per_company(self):
        self._order(spm_contract_number="HT-001")
        self.env["sale.order"].with_context(allowed_company_ids=self.company_b.ids).create({
            "partner_id": self.customer.id, "company_id": self.company_b.id, "spm_contract_number": "HT-001"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._order(spm_contract_number="HT-001")
            self.env.flush_all()

    def test_forged_defaults_and_workflow_fields_are_refused(self):
        order = self._order()
        Review = self.env["spm.contract.review"].with_user(self.user_sales_east)
        forged = Review.with_context(default_state="approved", default_amount_reviewed=1.0).create(
            {"order_id": order.id, "state": "approved", "user_id": self.user_sales_north.id})
        self.assertEqual((forged.state, forged.user_id, forged.amount_reviewed), ("draft", self.user_sales_east, 0.0))
        for values in ({"state": "approved"}, {"amount_reviewed": 1.0},
                       {"approval_ids": [Command.create({"name": "假审批", "state": "approved"})]}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                forged.write(values)
        item = forged.item_ids[:1].with_user(self.user_sales_east)
        with self.assertRaises(AccessError):
            item.write({"checked_by_id": self.user_legal.id})
        with self.assertRaises(AccessError):
            self.env["spm.contract.review.item"].with_user(self.user_sales_east).create(
                {"review_id": forged.id, "name": "已核", "role": "legal", "result": "ok"})
        defaults = self.env["spm.contract.review.item"].with_user(self.user_sales_east).with_context(
            default_checked_by_id=self.user_legal.id).default_get(["checked_by_id"])
        self.assertFalse(defaults.get("checked_by_id"))
        Order = self.env["sale.order"].with_user(self.user_sales_east)
        with self.assertRaises(AccessError):
            Order.create({"partner_id": self.customer.id, "spm_contract_override_on": fields.Datetime.now()})
        quotation = Order.with_context(default_spm_contract_override_reason="默认").create(
            {"partner_id": self.customer.id, "opportunity_id": self.lead.id})
        self.assertFalse(quotation.spm_contract_override_reason)
        with self.assertRaises(AccessError):
            order.with_user(self.user_sales_east).write({"spm_contract_review_state": "approved"})

    def test_another_team_sees_nothing_and_cannot_re_parent(self):
        order = self._order()
        review = self._review(order)
        north = self.env["spm.contract.review"].with_user(self.user_sales_north)
        self.assertFalse(north.search([]))
        with self.assertRaises(AccessError):
            review.with_user(self.user_sales_north).read(["name"])
        other_order = self._order()
        with self.assertRaises(AccessError):
            north.create({"order_id": other_order.id})
        # her own review cannot be moved onto the east team's order
        north_lead = self._create_lead("北区停车项目", user=self.user_sales_north, team=self.team_north,
                                       expected_revenue=1_000_000)
        initiation = self.env["spm.initiation"].with_user(self.user_sales_north).create({"lead_id": north_lead.id})
        initiation.with_user(self.user_sales_north).action_submit()
        initiation.with_user(self.user_manager_north).action_approve()
        own = self._review(self._order(user=self.user_sales_north, lead=north_lead), user=self.user_sales_north)
        with self.assertRaises(AccessError):
            own.with_user(self.user_sales_north).write({"order_id": other_order.id})
        self.assertEqual(own.order_id.opportunity_id, north_lead)
        # the team sees it; another company nothing
        self.assertIn(review, self.env["spm.contract.review"].with_user(self.user_manager_east).search([]))
        self.assertFalse(self.env["spm.contract.review"].with_user(self.user_sales_b).with_context(
            allowed_company_ids=self.company_b.ids).search([]))
        self.assertFalse(self.env["spm.contract.review.item"].with_user(self.user_sales_north).search(
            [("review_id", "=", review.id)]))

    def test_review_form_pdf(self):
        order = self._order(spm_contract_number="BJYY-2026-047")
        review = self._review(order)
        review.with_user(self.user_sales_east).action_submit()
        self._check(review, self.user_legal, "legal", "issue", "违约金上限未约定")
        review.with_user(self.user_legal).action_return("请补充违约金上限")
        html = self.env["ir.actions.report"]._render_qweb_html(
            "sales_project_management.action_report_spm_contract_review", review.ids)[0].decode()
        for expected in (review.name, order.name, "BJYY-2026-047", "Liability for breach (penalties)",
                         "违约金上限未约定", "吴静", "Legal review", "请补充违约金上限",
                         "Checklist", "Approval History"):
            self.assertIn(expected, html)
