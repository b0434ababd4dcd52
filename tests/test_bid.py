from ast import literal_eval
from datetime import timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, Form, get_db_name, tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestBid(SpmCommon):
    """Bids (投标): the review along the ``bid_review`` chain, the bond through real payments, the result with the
    competitors' quotes, the gates, the access of each role and the analyses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading("generic_coa", cls.company, install_demo=False)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.user_accountant.groups_id += cls.env.ref("account.group_account_invoice")
        cls.agency = cls.env["res.partner"].create({"name": "浙江华东国际招标有限公司", "is_company": True})
        cls.competitor_dahua = cls.env["res.partner"].create({"name": "大华股份", "is_company": True})
        cls.lead = cls._create_lead("滨江一院停车场出入口改造", expected_revenue=3_800_000, partner_id=cls.contact.id,
                                    spm_competitor_ids=[Command.create({"name": "海康威视", "threat": "medium"})])
        cls.now = fields.Datetime.now().replace(microsecond=0)

    def _bid(self, user=None, lead=None, **values):
        """A bid prepared from its opportunity's button by ``user`` (the east salesperson)."""
        user = user or self.user_sales_east
        action = (lead or self.lead).with_user(user).action_spm_new_bid()
        form = Form(self.env["spm.bid"].with_user(user).with_context(**action["context"]))
        defaults = {"tender_number": "BJZB-2026-0318", "agency_id": self.agency, "our_price": 3_780_000,
                    "bond_amount": 50_000, "date_submission": self.now + timedelta(days=20),
                    "date_opening": self.now + timedelta(days=20)}
        for name, value in dict(defaults, **values).items():
            setattr(form, name, value)
        return form.save()

    def _approved_bid(self, **values):
        bid = self._bid(**values)
        bid.with_user(self.user_sales_east).action_submit()
        bid.with_user(self.user_director).action_approve("技术方案可行")
        bid.with_user(self.user_manager_east).action_approve("报价合理")
        return bid

    def _post(self, payment):
        payment.with_user(self.user_accountant).action_post()
        return payment

    def _bond_payment(self, bid, payment_type):
        return bid.sudo().payment_ids.filtered(lambda p: p.payment_type == payment_type and p.state == "draft")

    # ------------------------------------------------------------
    # The review
    # ------------------------------------------------------------

    def test_review_through_the_chain_with_separation_of_duties(self):
        bid = self._bid(our_price=0)
        self.assertRegex(bid.name, r"^TB\d{4}-\d{4}$")
        self.assertEqual((bid.state, bid.user_id, bid.partner_id), ("draft", self.user_sales_east, self.customer),
                         "the opportunity's customer is the buyer")
        with self.assertRaises(UserError):
            bid.with_user(self.user_sales_east).action_submit()  # no price to review
        bid.with_user(self.user_sales_east).our_price = 3_780_000
        with self.assertRaises(AccessError):
            bid.with_user(self.user_manager_east).action_submit()  # the owner submits
        bid.with_user(self.user_sales_east).action_submit()
        self.assertEqual((bid.state, bid.grade_id), ("submitted", self.grade_office))
        self.assertEqual(bid.approval_ids.mapped("name"), ["Technical review", "Commercial review"])
        technical, commercial = bid.approval_ids
        self.assertEqual(technical.approver_group_id, self.env.ref("sales_project_management.group_spm_manager"))
        self.assertEqual(commercial.approver_user_id, self.user_manager_east, "the sales team's leader")

        # locked: the reviewed terms no longer change; the tender's dates still may (a postponed opening)
        with self.assertRaises(UserError):
            bid.with_user(self.user_sales_east).our_price = 3_500_000
        bid.with_user(self.user_sales_east).date_opening = self.now + timedelta(days=25)
        with self.assertRaises(UserError):
            bid.with_user(self.user_manager_north).write({"our_price": 1})  # a manager too: locked

        # the owner never decides; the team leader decides his step only, not the technical one before it
        for user in (self.user_sales_east, self.user_manager_east, self.user_sales_north):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                bid.with_user(user).action_approve()
        self.assertEqual(self.env["spm.bid"].with_user(self.user_director).search([("can_decide", "=", True)]), bid)
        bid.with_user(self.user_director).action_approve("技术方案可行")
        with self.assertRaises(AccessError):
            bid.with_user(self.user_director).action_approve()  # nobody decides two levels
        self.assertEqual(bid.activity_ids.user_id, self.user_manager_east)
        bid.with_user(self.user_manager_east).action_approve("报价合理")
        self.assertEqual(bid.state, "approved")
        self.assertEqual(bid.approval_ids.decided_by_id, self.user_director | self.user_manager_east)
        self.assertFalse(bid.activity_ids)
        with self.assertRaises(UserError):
            bid.with_user(self.user_manager_east).action_approve()

        html = self.env["ir.actions.report"]._render_qweb_html("sales_project_management.action_report_spm_bid",
                                                               bid.ids)[0].decode()
        for expected in ("Bid Review Form", bid.name, "BJZB-2026-0318", "Technical review", "技术方案可行", "报价合理",
                         self.agency.name):
            self.assertIn(expected, html)

    def test_rejected_bid_goes_back_to_draft_for_a_new_round(self):
        bid = self._bid()
        bid.with_user(self.user_sales_east).action_submit()
        with self.assertRaises(UserError):
            bid.with_user(self.user_director).action_reject(" ")
        action = bid.with_user(self.user_director).with_context(spm_decision="rejected").action_open_decision()
        wizard = Form(self.env[action["res_model"]].with_user(self.user_director).with_context(**action["context"]))
        wizard.comment = "报价高于预算"
        wizard.save().action_confirm()
        self.assertEqual(bid.state, "rejected")
        self.assertEqual(bid.activity_ids.user_id, self.user_sales_east, "the owner is asked to revise it")
        with self.assertRaises(UserError):
            bid.with_user(self.user_sales_east).action_submit()
        bid.with_user(self.user_sales_east).action_draft()
        bid.with_user(self.user_sales_east).our_price = 3_600_000
        bid.with_user(self.user_sales_east).action_submit()
        self.assertEqual(bid.approval_ids.mapped("round"), [1, 1, 2, 2])
        self.assertEqual(bid.current_approval_id.round, 2)

    def test_team_leader_owning_a_bid_never_reviews_it(self):
        bid = self._bid(user=self.user_manager_east, user_id=self.user_manager_east)
        bid.with_user(self.user_manager_east).action_submit()
        commercial = bid.approval_ids[1]
        self.assertFalse(commercial.approver_user_id)
        self.assertEqual(commercial.approver_group_id, self.env.ref("sales_project_management.group_spm_manager"))
        bid.with_user(self.user_director).action_approve()
        with self.assertRaises(AccessError):
            bid.with_user(self.user_manager_east).action_approve()
        bid.with_user(self.user_manager_north).action_approve()
        self.assertEqual(bid.state, "approved")

    # ------------------------------------------------------------
    # The bond
    # ------------------------------------------------------------

    def test_bond_paid_and_returned_through_accounting(self):
        draft = self._bid()
        with self.assertRaises(UserError):
            draft.with_user(self.user_sales_east).action_pay_bond()  # not reviewed yet
        bid = self._approved_bid()
        self.assertEqual((bid.bond_state, bid.bond_partner_id), ("to_pay", self.agency))
        self.assertTrue(bid.with_user(self.user_sales_east).action_pay_bond())
        sent = self._bond_payment(bid, "outbound")
        self.assertEqual((sent.partner_id, sent.amount, sent.partner_type), (self.agency, 50_000, "supplier"))
        self.assertEqual(bid.bond_state, "to_pay", "a draft payment pays nothing")
        with self.assertRaises(UserError):
            bid.with_user(self.user_sales_east).action_pay_bond()  # the same request twice
        with self.assertRaises(UserError):
            bid.with_user(self.user_sales_east).action_register_bond_return()  # nothing paid to return

        self._post(sent)
        self.assertEqual((bid.bond_state, bid.bond_amount_paid, bid.bond_date_paid),
                         ("paid", 50_000, sent.date))
        self.assertEqual(bid.bond_outstanding_company, 50_000)
        action = bid.with_user(self.user_accountant).action_register_bond_return()
        received = self.env["account.payment"].browse(action["res_id"])
        self.assertEqual((received.payment_type, received.partner_id, received.amount, received.spm_bid_id),
                         ("inbound", self.agency, 50_000, bid))
        self.assertEqual(bid.bond_state, "paid")
        self._post(received)
        self.assertEqual((bid.bond_state, bid.bond_amount_returned, bid.bond_outstanding_company),
                         ("returned", 50_000, 0))
        self.assertTrue(sent.is_reconciled and received.is_reconciled,
                        "the return is reconciled with the payment on the agency's account")
        # the status follows accounting: the return reset to draft, the bond is outstanding again
        received.with_user(self.user_accountant).action_draft()
        self.assertEqual(bid.bond_state, "paid")

    def test_bond_overdue_by_date_and_reminded_once(self):
        bid = self._approved_bid(date_registration=self.now - timedelta(days=80),
                                 date_submission=self.now - timedelta(days=60),
                                 date_opening=self.now - timedelta(days=60))
        bid.with_user(self.user_sales_east).action_pay_bond()
        self._post(self._bond_payment(bid, "outbound"))
        self.assertEqual(bid.bond_state, "overdue", "not returned 30 days after the opening")
        self.company.spm_bid_bond_return_days = 90
        self.assertEqual(bid.bond_state, "paid")
        self.company.spm_bid_bond_return_days = 30

        fresh = self._approved_bid(tender_number="BJZB-2026-0400", date_submission=self.now - timedelta(days=20),
                                   date_opening=self.now - timedelta(days=20))
        fresh.with_user(self.user_sales_east).action_pay_bond()
        self._post(self._bond_payment(fresh, "outbound"))
        self.assertEqual(fresh.bond_state, "paid")
        bond_activity = self.env.ref("sales_project_management.mail_activity_type_bid_bond")
        Bid = self.env["spm.bid"]
        Bid._cron_spm_bid_reminders()
        reminded = bid.activity_ids.filtered(lambda a: a.activity_type_id == bond_activity)
        self.assertEqual(reminded.user_id, self.user_sales_east | self.user_accountant)
        self.assertFalse(fresh.activity_ids.filtered(lambda a: a.activity_type_id == bond_activity))
        with freeze_time(fields.Datetime.now() + timedelta(days=15)):
            Bid._cron_spm_bid_reminders()  # time alone makes the fresh one overdue
            self.assertEqual(fresh.bond_state, "overdue")
            Bid._cron_spm_bid_reminders()
        self.assertEqual(len(fresh.activity_ids.filtered(lambda a: a.activity_type_id == bond_activity)), 2,
                         "the owner and the accountant, once")
        self.assertEqual(reminded, bid.activity_ids.filtered(lambda a: a.activity_type_id == bond_activity))

    def test_tender_dates_reminded_once_each(self):
        deadline = self.env.ref("sales_project_management.mail_activity_type_bid_deadline")
        bid = self._bid(date_registration=self.now + timedelta(days=2), date_submission=self.now + timedelta(days=10),
                        date_opening=self.now + timedelta(days=10))
        Bid = self.env["spm.bid"]
        Bid._cron_spm_bid_reminders()
        Bid._cron_spm_bid_reminders()
        activities = bid.activity_ids.filtered(lambda a: a.activity_type_id == deadline)
        self.assertEqual(len(activities), 1, "the registration only (3 days ahead), once")
        self.assertEqual(activities.user_id, self.user_sales_east)
        self.assertIn("Registration Deadline", activities.summary)
        # the registration is brought forward: reminded again for its new date
        bid.with_user(self.user_sales_east).date_registration = self.now + timedelta(days=1)
        Bid._cron_spm_bid_reminders()
        self.assertEqual(len(bid.activity_ids.filtered(lambda a: a.activity_type_id == deadline)), 2)
        # a week later the submission and the opening come within 3 days (the registration passed: not reminded)
        with freeze_time(fields.Datetime.now() + timedelta(days=8)):
            Bid._cron_spm_bid_reminders()
            Bid._cron_spm_bid_reminders()
        self.assertEqual(len(bid.activity_ids.filtered(lambda a: a.activity_type_id == deadline)), 4)

    # ------------------------------------------------------------
    # The result
    # ------------------------------------------------------------

    def test_result_with_quotes_updates_the_opportunity_competitors(self):
        draft = self._bid()
        with self.assertRaises(UserError):
            draft.with_user(self.user_sales_east).action_record_result("won")
        bid = self._approved_bid()
        action = bid.with_user(self.user_sales_east).action_open_result()
        form = Form(self.env[action["res_model"]].with_user(self.user_sales_east).with_context(**action["context"]))
        form.result = "lost"
        with form.line_ids.edit(0) as line:
            self.assertEqual(line.name, "海康威视", "the opportunity's competitors, to price")
            line.price = 3_650_000
            line.rank = 1
            line.is_winner = True
        with form.line_ids.new() as line:
            line.partner_id = self.competitor_dahua
            line.price = 3_900_000
            line.rank = 3
        self.assertEqual(form.winning_price, 3_650_000, "the winner's price")
        form.comment = "价格分落后"
        form.save().action_confirm()
        self.assertEqual((bid.result, bid.winning_price, bid.winner_name), ("lost", 3_650_000, "海康威视"))
        self.assertEqual(bid.quote_ids.mapped("name"), ["海康威视", "大华股份"])
        competitors = self.lead.spm_competitor_ids
        self.assertEqual(competitors.mapped("name"), ["海康威视", "大华股份"])
        hikvision, dahua = competitors
        self.assertEqual((hikvision.threat, hikvision.last_bid_price, hikvision.bids_won), ("high", 3_650_000, 1))
        self.assertEqual((dahua.partner_id, dahua.last_bid_price), (self.competitor_dahua, 3_900_000))
        self.assertTrue(self.lead.active and not self.lead.lost_reason_id, "the opportunity is not closed")

        with self.assertRaises(UserError):
            bid.with_user(self.user_sales_east).action_record_result("won")  # recorded: a manager corrects it
        bid.with_user(self.user_manager_east).action_record_result(
            "lost", 3_640_000, [{"partner_id": self.competitor_dahua.id, "price": 3_640_000, "is_winner": True},
                                {"name": " 海康威视 ", "price": 3_650_000}])
        self.assertEqual(len(self.lead.spm_competitor_ids), 2, "matched by contact and by name, not duplicated")
        self.assertEqual(bid.winner_partner_id, self.competitor_dahua)
        self.assertEqual(len(bid.quote_ids), 2)

        for args in (("won", 0, [{"name": "海康威视", "is_winner": True}]),
                     ("lost", 0, [{"name": "海康威视"}]),
                     ("lost", 1, [{"name": "A", "is_winner": True}, {"name": "B", "is_winner": True}]),
                     ("lost", 1, [{"price": 5}]),
                     ("maybe", 0, [])):
            with self.subTest(args=args), self.assertRaises(UserError):
                bid.with_user(self.user_manager_east).action_record_result(*args)

    def test_won_bid_records_our_price_and_company(self):
        bid = self._approved_bid()
        bid.with_user(self.user_sales_east).action_record_result(
            "won", quotes=[{"name": "海康威视", "price": 3_900_000}])
        self.assertEqual((bid.result, bid.winning_price, bid.winner_name), ("won", 3_780_000, self.company.name))
        self.assertEqual(self.lead.spm_competitor_ids.threat, "medium", "a competitor that lost is not raised")

    # ------------------------------------------------------------
    # Gates
    # ------------------------------------------------------------

    def test_gate_types_block_then_pass_a_stage_move(self):
        stage_bid = self.env.ref("crm.stage_lead3")
        stage_negotiation = self.env.ref("sales_project_management.stage_negotiation")
        stage_bid.spm_gate_ids.active = False
        Gate = self.env["spm.stage.gate"]
        reviewed, result = Gate.create([
            {"name": "投标已评审", "stage_id": stage_bid.id, "gate_type": "bid_reviewed"},
            {"name": "投标结果已登记", "stage_id": stage_bid.id, "gate_type": "bid_result"},
        ])
        for gate in reviewed | result:
            self.assertFalse(Gate._spm_in_python("crm.lead", gate._spm_domain()), "decided in SQL")
        with self.assertRaises(ValidationError):
            Gate.create({"name": "x", "project_stage_id": self.env.ref("project.project_project_stage_0").id,
                         "gate_type": "bid_result"})
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id = %s", [stage_bid.id, self.lead.id])
        self.env.invalidate_all()

        def move():
            self.lead.with_user(self.user_sales_east).write({"stage_id": stage_negotiation.id})

        def met():
            gates = (reviewed | result).ids
            in_sql = {gate_id for _lead, gate_id in Gate._spm_evaluate(self.lead.ids, gates)}
            in_python = {gate.id for gate in reviewed | result if self.lead.filtered_domain(gate._spm_domain())}
            self.assertEqual(in_sql, in_python, "the engine and the domain agree")
            return in_sql

        with self.assertRaises(UserError) as error:
            move()
        self.assertIn("投标已评审", str(error.exception))
        self.assertFalse(met())
        self.assertFalse(self.lead.spm_gate_ready)
        bid = self._bid()
        bid.with_user(self.user_sales_east).action_submit()
        bid.with_user(self.user_director).action_approve()
        self.assertFalse(met(), "a bid under review is not reviewed yet")
        bid.with_user(self.user_manager_east).action_approve()
        self.assertEqual(met(), set(reviewed.ids))
        with self.assertRaises(UserError) as error:
            move()
        self.assertNotIn("投标已评审", str(error.exception))
        self.assertIn("投标结果已登记", str(error.exception))
        bid.with_user(self.user_sales_east).action_record_result("abandoned")
        self.assertEqual(met(), set((reviewed | result).ids))
        self.assertTrue(self.lead.spm_gate_ready)
        move()
        self.assertEqual(self.lead.stage_id, stage_negotiation)
        self.assertEqual(self.lead.spm_gate_log_ids.result, "passed")

    # ------------------------------------------------------------
    # Integrity and access
    # ------------------------------------------------------------

    def test_forged_workflow_values_are_refused(self):
        Bid = self.env["spm.bid"].with_user(self.user_sales_east)
        bid = Bid.with_context(default_state="approved", default_result="won", default_bond_state="returned",
                               default_winning_price=1).create({"lead_id": self.lead.id, "our_price": 1})
        self.assertEqual((bid.state, bid.result, bid.bond_state, bid.winning_price), ("draft", False, "none", 0))
        for values in ({"state": "approved"}, {"result": "won"}, {"bond_state": "returned"},
                       {"bond_amount_paid": 10}, {"approval_ids": [Command.create({"name": "x"})]}):
            with self.subTest(values=values):
                with self.assertRaises(AccessError):
                    Bid.create(dict(values, lead_id=self.lead.id))
                with self.assertRaises(AccessError):
                    bid.write(values)
        bid.bond_amount = 10_000
        payment = self.env["account.payment"].with_user(self.user_accountant).create({
            "payment_type": "outbound", "partner_type": "supplier", "partner_id": self.agency.id, "amount": 10_000})
        with self.assertRaises(AccessError):
            payment.spm_bid_id = bid  # a bond payment is made by the bid's buttons
        with self.assertRaises(AccessError):
            payment.copy({"spm_bid_id": bid.id})
        self.assertEqual(bid.bond_state, "to_pay")

    def test_another_team_sees_nothing_and_cannot_reparent(self):
        bid = self._bid()
        north = self.user_sales_north
        self.assertFalse(self.env["spm.bid"].with_user(north).search([]))
        with self.assertRaises(AccessError):
            bid.with_user(north).read(["name"])
        with self.assertRaises(AccessError):
            self.env["spm.bid"].with_user(north).create({"lead_id": self.lead.id})
        north_lead = self._create_lead("京华理工数据中心", user=north, team=self.team_north)
        own = self._bid(user=north, lead=north_lead)
        with self.assertRaises(AccessError):
            own.with_user(north).lead_id = self.lead
        self.assertEqual(own.lead_id, north_lead)
        with self.assertRaises(AccessError):
            bid.with_user(self.user_sales_b).with_context(allowed_company_ids=self.company_b.ids).read(["name"])
        self.assertEqual(self.lead.with_user(self.user_manager_east).spm_bid_count, 1, "the team leader sees it")
        self.assertEqual(self.env["spm.bid.analysis"].with_user(north).search([]).bid_id, own)

    def test_accountant_reads_bonds(self):
        bid = self._approved_bid()
        bid.with_user(self.user_sales_east).action_pay_bond()
        Bid = self.env["spm.bid"].with_user(self.user_accountant)
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_bid_action_bonds")
        rows = Bid.search(literal_eval(action["domain"]))
        self.assertEqual(rows, bid)
        self.assertEqual(rows.read(["bond_state", "bond_amount", "bond_partner_id"])[0]["bond_state"], "to_pay")
        self.assertEqual(rows.payment_ids.state, "draft", "the accountant sees the payment to post")
        with self.assertRaises(AccessError):
            rows.write({"note": "<p>x</p>"})
        # the bid's form opens for the accountant: every field it shows them is readable
        for view_type in ("form", "list"):
            views = Bid.get_views([(False, view_type)])
            self.assertTrue(rows.web_read({name: {} for name in views["models"]["spm.bid"]["fields"]}))
        self._post(rows.payment_ids)
        self.assertEqual(self.env["spm.bid.bond.analysis"].with_user(self.user_accountant).search([]).bid_id, bid)
        with self.assertRaises(AccessError):
            self.env["spm.bid"].with_user(self.user_sales_north).browse(bid.id).read(["bond_state"])

    # ------------------------------------------------------------
    # Analyses
    # ------------------------------------------------------------

    def test_analysis_figures_equal_the_records(self):
        won = self._approved_bid(our_price=3_000_000)
        won.with_user(self.user_sales_east).action_record_result("won")
        lost = self._approved_bid(tender_number="T-2", our_price=2_200_000, bond_amount=40_000,
                                  date_submission=self.now - timedelta(days=40),
                                  date_opening=self.now - timedelta(days=40))
        lost.with_user(self.user_sales_east).action_record_result(
            "lost", 2_000_000, [{"name": "海康威视", "price": 2_000_000, "is_winner": True}])
        lost.with_user(self.user_sales_east).action_pay_bond()
        self._post(self._bond_payment(lost, "outbound"))
        abandoned = self._approved_bid(tender_number="T-3")
        abandoned.with_user(self.user_sales_east).action_record_result("abandoned")
        self._bid(tender_number="T-4")  # a draft: counted, not decided

        Analysis = self.env["spm.bid.analysis"].with_user(self.user_director)
        [group] = Analysis.read_group([("lead_id", "=", self.lead.id)],
                                      ["win_rate:avg", "price_gap:avg", "price_gap_percent:avg", "won_count:sum",
                                       "lost_count:sum", "our_price:sum"], ["team_id"])
        self.assertEqual(group["team_id"][0], self.team_east.id)
        self.assertEqual(group["team_id_count"], 4)
        self.assertEqual((group["won_count"], group["lost_count"]), (1, 1))
        self.assertAlmostEqual(group["win_rate"], 50.0)
        self.assertAlmostEqual(group["price_gap"], 200_000)
        self.assertAlmostEqual(group["price_gap_percent"], 10.0)
        self.assertEqual(group["our_price"], sum((won | lost | abandoned).mapped("our_price")) + 3_780_000)
        by_winner = {row["winner_name"]: row["winner_name_count"]
                     for row in Analysis.read_group([("lead_id", "=", self.lead.id)], ["winner_name"], ["winner_name"])}
        self.assertEqual(by_winner, {self.company.name: 1, "海康威视": 1, False: 2})
        row = Analysis.search([("bid_id", "=", lost.id)])
        self.assertEqual((row.grade_id, row.result, row.winning_price), (self.grade_office, "lost", 2_000_000))

        bonds = self.env["spm.bid.bond.analysis"].with_user(self.user_director).search([])
        self.assertEqual(bonds.bid_id, lost)
        self.assertEqual((bonds.amount_outstanding, bonds.agency_id, bonds.age_bucket, bonds.is_overdue),
                         (40_000, self.agency, "0_30", True))
        self.assertEqual(bonds.overdue_days, (fields.Date.context_today(bonds) - lost.bond_due_date).days)


@tagged("post_install", "-at_install")
class TestBidConcurrency(BaseCase):
    """Two reviewers deciding the same step of the demo's bid under review (海州路内停车), in two real
    transactions at the same moment: the second is refused at once, the step is decided once."""

    def test_one_review_step_is_decided_once(self):
        registry = Registry(get_db_name())
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            bid = env.ref("sales_project_management.bid_parking_roadside", raise_if_not_found=False)
            if not bid or bid.state != "submitted":
                self.skipTest("needs the demo data")
            bid_id = bid.id
            director = env.ref("sales_project_management.user_spm_director").id
            executive = env.ref("sales_project_management.user_spm_exec").id
        cr_a, cr_b = registry.cursor(), registry.cursor()
        try:
            api.Environment(cr_a, director, {})["spm.bid"].browse(bid_id).action_approve("A")
            with self.assertRaises(UserError):
                api.Environment(cr_b, executive, {})["spm.bid"].browse(bid_id).action_approve("B")
        finally:
            cr_a.rollback()
            cr_b.rollback()
            cr_a.close()
            cr_b.close()

