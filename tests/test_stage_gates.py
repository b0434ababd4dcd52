from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import get_public_method
from odoo.tests import Form, tagged
from odoo.tools import SQL

from .common import SpmGateCommon


@tagged("post_install", "-at_install")
class TestStageGates(SpmGateCommon):

    def test_default_pipeline(self):
        stages = self.env["crm.stage"].search([("team_id", "=", False)]).sorted(lambda s: (s.sequence, s.id))
        self.assertEqual(stages.mapped("name"), [
            "Lead / Customer Development", "Qualification", "Initiation", "Requirements Analysis",
            "Solution Design & Review", "Bid / Quotation", "Negotiation", "Won"])
        self.assertTrue(stages[-1].is_won)
        self.assertEqual(self.stage_lead.spm_gate_count, 3)
        self.assertEqual(self.stage_initiation.spm_gate_ids.gate_type, "initiation")

    def test_write_refused_with_every_missing_requirement(self):
        lead = self._create_lead()
        with self.assertRaises(UserError) as error:
            lead.with_user(self.user_sales_east).write({"stage_id": self.stage_qualification.id})
        message = str(error.exception)
        for missing in ("Contact", "Contact Name", "At least one customer visit logged"):
            self.assertIn(missing, message)
        self.assertEqual(lead.stage_id, self.stage_lead, "nothing is half-written")
        self.assertFalse(lead.spm_gate_log_ids)

    def test_forward_move_passes_and_is_logged(self):
        lead = self._create_lead()
        self._meet_lead_gates(lead)
        self.assertTrue(lead.spm_gate_ready)
        lead.with_user(self.user_sales_east).write({"stage_id": self.stage_qualification.id})
        self.assertEqual(lead.stage_id, self.stage_qualification)
        log = lead.spm_gate_log_ids
        self.assertEqual(len(log), 1)
        self.assertEqual((log.stage_from_id, log.stage_to_id, log.user_id, log.result),
                         (self.stage_lead, self.stage_qualification, self.user_sales_east, "passed"))

    def test_skipping_stages_does_not_skip_their_gates(self):
        lead = self._create_lead()
        self._meet_lead_gates(lead)
        with self.assertRaises(UserError) as error:
            lead.write({"stage_id": self.stage_requirements.id})
        message = str(error.exception)
        self.assertIn("Opportunity assessment (feasibility score at least 3)", message)
        self.assertIn("Customer budget", message)
        self.assertIn("Initiation approved", message)
        self.assertNotIn("Contact Name", message)

    def test_backward_move_is_free_and_not_logged(self):
        lead = self._create_lead()
        self._meet_lead_gates(lead)
        lead.stage_id = self.stage_qualification
        lead.with_user(self.user_sales_east).write({"stage_id": self.stage_lead.id})
        self.assertEqual(lead.stage_id, self.stage_lead)
        self.assertEqual(len(lead.spm_gate_log_ids), 1)

    def test_create_in_a_later_stage_requires_the_gates_before_it(self):
        Lead = self.env["crm.lead"].with_user(self.user_sales_east)
        values = {"name": "直接立项", "type": "opportunity", "team_id": self.team_east.id,
                  "user_id": self.user_sales_east.id, "stage_id": self.stage_initiation.id}
        with self.assertRaises(UserError) as error:
            Lead.create(values)
        self.assertIn("Contact Name", str(error.exception))
        self.assertIn("Opportunity assessment (feasibility score at least 3)", str(error.exception))
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "直接立项")]))
        # the first stage has nothing before it
        lead = Lead.create(dict(values, stage_id=self.stage_lead.id))
        self.assertFalse(lead.spm_gate_log_ids)
        # created with everything in hand, the move is logged from nowhere
        full = Lead.create(dict(
            values, stage_id=self.stage_qualification.id, partner_id=self.contact.id,
            calendar_event_ids=[Command.create({"name": "拜访", "start": "2026-11-02 02:00:00",
                                                "stop": "2026-11-02 03:00:00"})]))
        self.assertEqual(full.spm_gate_log_ids.stage_to_id, self.stage_qualification)
        self.assertFalse(full.spm_gate_log_ids.stage_from_id)

    def test_import_is_refused_like_a_write(self):
        Lead = self.env["crm.lead"].with_user(self.user_sales_east)
        result = Lead.load(["name", "type", "stage_id/id"], [
            ["导入商机", "opportunity", "sales_project_management.stage_initiation"],
        ])
        self.assertFalse(result["ids"])
        self.assertTrue(any("Contact Name" in message["message"] for message in result["messages"]))
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "导入商机")]))

        lead = self._create_lead()
        xmlid = lead._export_rows([["id"]])[0][0]
        result = Lead.load(["id", "stage_id/id"], [[xmlid, "sales_project_management.stage_initiation"]])
        self.assertFalse(result["ids"])
        self.assertEqual(lead.stage_id, self.stage_lead)

    def test_mass_edit_moves_all_or_nothing(self):
        ready = self._create_lead("达标商机")
        self._meet_lead_gates(ready)
        blocked = self._create_lead("未达标商机")
        with self.assertRaises(UserError) as error:
            (ready | blocked).with_user(self.user_sales_east).write({"stage_id": self.stage_qualification.id})
        self.assertIn("未达标商机", str(error.exception))
        self.assertNotIn("达标商机”", str(error.exception).replace("未达标商机”", ""))
        self.assertEqual((ready | blocked).stage_id, self.stage_lead)
        self._meet_lead_gates(blocked)
        (ready | blocked).write({"stage_id": self.stage_qualification.id})
        self.assertEqual((ready | blocked).stage_id, self.stage_qualification)
        self.assertEqual(len((ready | blocked).spm_gate_log_ids), 2)

    def test_form_save_is_refused(self):
        lead = self._create_lead()
        form = Form(lead.with_user(self.user_sales_east))
        form.stage_id = self.stage_qualification
        with self.assertRaises(UserError):
            form.save()
        # filling the requirements in the same form passes
        self._meet_lead_gates(lead)
        form = Form(lead.with_user(self.user_sales_east))
        form.stage_id = self.stage_qualification
        form.save()
        self.assertEqual(lead.stage_id, self.stage_qualification)

    def test_each_gate_type(self):
        lead = self._create_lead(expected_revenue=30_000_000)
        self._meet_lead_gates(lead)  # field (partner_id, calendar_event_ids) and domain (contact) gates
        lead.stage_id = self.stage_qualification

        # min_score: assessed below 3 is not enough
        self._meet_qualification_gates(lead, score=2)
        self.assertEqual(lead.spm_gate_missing, "Opportunity assessment (feasibility score at least 3)")
        lead.spm_assessment_ids[:3].write({"score": 5})
        self.assertAlmostEqual(lead.spm_feasibility_score, (25 * 5 + 15 * 5 + 20 * 5 + 20 * 2 + 20 * 2) / 100)
        self.assertTrue(lead.spm_gate_ready)
        lead.stage_id = self.stage_initiation

        # initiation: not approved until the initiation workflow says so; a manager overrides
        self.assertFalse(lead.spm_gate_ready)
        self.assertEqual(lead.spm_gate_missing, "Initiation approved")
        self._override(lead, self.stage_requirements, "客户已口头确认，立项流程后补")

        # document + checklist
        self.assertEqual(lead.spm_gate_met, 0)
        self._attach(lead, self.doc_solution, "方案.pdf")  # wrong type
        self.assertEqual(lead.spm_gate_met, 0)
        attachment = self._attach(lead, self.env["spm.document.type"], "说明书.pdf")
        attachment.spm_document_type_id = self.doc_requirements  # tagged afterwards, from the lead
        self.assertEqual((lead.spm_gate_met, lead.spm_gate_total), (1, 2))
        item = self._tick(lead, self.gate_requirements_confirmed)
        self.assertEqual((item.user_id, bool(item.date)), (self.env.user, True))
        self.assertTrue(lead.spm_gate_ready)
        lead.stage_id = self.stage_solution

        self._attach(lead, self.doc_solution, "解决方案.pdf")
        self._tick(lead, self.gate_solution_reviewed)
        lead.stage_id = self.stage_bid

        # domain: a quotation must have been sent
        self.assertEqual(lead.spm_gate_missing, "Quotation sent to the customer")
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id, "opportunity_id": lead.id, "company_id": self.company.id,
            "order_line": [Command.create({"product_id": self.env.ref("product.product_product_4").id})],
        })
        self.assertFalse(lead.spm_gate_ready)
        order.action_quotation_sent()
        self.assertTrue(lead.spm_gate_ready)
        lead.stage_id = self.stage_negotiation

        # checklist: legal review, then won is a forward move into the won stage
        with self.assertRaises(UserError) as error:
            lead.action_set_won()
        self.assertIn("Contract reviewed by legal", str(error.exception))
        self._tick(lead, self.gate_legal)
        lead.action_set_won()
        self.assertEqual(lead.stage_id, self.stage_won)
        self.assertEqual(lead.spm_gate_log_ids.mapped("result").count("overridden"), 1)
        self.assertEqual(len(lead.spm_gate_log_ids), 7)

    def test_won_from_an_early_stage_checks_every_gate_on_the_way(self):
        lead = self._create_lead()
        self._meet_lead_gates(lead)
        with self.assertRaises(UserError) as error:
            lead.action_set_won()
        for missing in ("Customer budget", "Initiation approved", "Quotation sent to the customer",
                        "Contract reviewed by legal"):
            self.assertIn(missing, str(error.exception))
        self.assertNotEqual(lead.stage_id, self.stage_won)

    def test_lost_needs_a_reason(self):
        lead = self._create_lead()
        with self.assertRaises(UserError):
            lead.with_user(self.user_sales_east).action_set_lost()
        with self.assertRaises(UserError):
            lead.with_user(self.user_sales_east).write({"active": False})
        self.assertTrue(lead.active)
        wizard = self.env["crm.lead.lost"].with_user(self.user_sales_east).create({"lead_ids": lead.ids})
        with self.assertRaises(UserError):
            wizard.action_lost_reason_apply()
        reason = self.env["crm.lost.reason"].create({"name": "预算取消"})
        wizard.lost_reason_id = reason
        wizard.action_lost_reason_apply()
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, reason)
        # lost is possible from any stage, without gates
        other = self._create_lead()
        other.action_set_lost(lost_reason_id=reason.id)
        self.assertFalse(other.active)

    def _override(self, lead, stage, reason, user=None):
        wizard = self.env["spm.gate.override.wizard"].with_user(user or self.user_manager_east).create({
            "lead_id": lead.id, "stage_id": stage.id, "reason": reason,
        })
        wizard.action_confirm()
        return wizard

    def test_manager_overrides_with_a_reason(self):
        lead = self._create_lead()
        wizard = self._override(lead, self.stage_qualification, "总部指定项目，先评估后补拜访")
        self.assertEqual(lead.stage_id, self.stage_qualification)
        log = lead.spm_gate_log_ids
        self.assertEqual((log.result, log.user_id, log.reason), ("overridden", self.user_manager_east, wizard.reason))
        self.assertIn("Contact Name", log.missing)
        self.assertEqual(self.env["crm.lead"].search([("spm_gate_log_ids.result", "=", "overridden"),
                                                      ("id", "=", lead.id)]), lead)

    def test_override_needs_a_reason(self):
        lead = self._create_lead()
        wizard = self.env["spm.gate.override.wizard"].with_user(self.user_manager_east).create({
            "lead_id": lead.id, "stage_id": self.stage_qualification.id, "reason": " ",
        })
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(lead.stage_id, self.stage_lead)

    def test_salesperson_cannot_override(self):
        lead = self._create_lead()
        with self.assertRaises(AccessError):
            self.env["spm.gate.override.wizard"].with_user(self.user_sales_east).create({
                "lead_id": lead.id, "stage_id": self.stage_qualification.id, "reason": "我说可以",
            })
        # nor by forging the context with a manager's wizard
        wizard = self.env["spm.gate.override.wizard"].with_user(self.user_manager_east).create({
            "lead_id": lead.id, "stage_id": self.stage_qualification.id, "reason": "经理的理由",
        })
        with self.assertRaises(AccessError):
            lead.with_user(self.user_sales_east).with_context(spm_gate_override_id=wizard.id).write(
                {"stage_id": self.stage_qualification.id})
        self.assertEqual(lead.stage_id, self.stage_lead)
        # a manager's override only opens the move it names
        with self.assertRaises(UserError):
            lead.with_user(self.user_manager_east).with_context(spm_gate_override_id=wizard.id).write(
                {"stage_id": self.stage_initiation.id})

    def test_gate_ready_is_searchable(self):
        ready = self._create_lead("达标")
        self._meet_lead_gates(ready)
        blocked = self._create_lead("未达标")
        leads = ready | blocked
        Lead = self.env["crm.lead"]
        self.assertEqual(Lead.search([("id", "in", leads.ids), ("spm_gate_ready", "=", True)]), ready)
        self.assertEqual(Lead.search([("id", "in", leads.ids), ("spm_gate_ready", "=", False)]), blocked)
        self.assertEqual(Lead.search([("id", "in", leads.ids), ("spm_gate_ready", "!=", True)]), blocked)
        self.assertEqual((blocked.spm_gate_met, blocked.spm_gate_total), (0, 3))
        self.assertEqual(blocked.spm_next_stage_id, self.stage_qualification)
        self.assertIn("fa-times-circle", blocked.spm_gate_status)

    def test_gate_figures_of_a_kanban_column(self):
        """The kanban reads the figures of its cards together (one evaluation, the figures assigned to
        the cards that share them): each card still gets its own, as read alone."""
        ready, partial, blocked, other_blocked, qualified = (
            self._create_lead(name) for name in ("达标", "部分达标", "未达标", "也未达标", "已到资格审查"))
        self._meet_lead_gates(ready)
        partial.partner_id = self.customer  # a customer, but no contact person and no visit
        self._meet_lead_gates(qualified)
        qualified.stage_id = self.stage_qualification
        leads = ready | partial | blocked | other_blocked | qualified
        spec = {name: {} for name in ("spm_gate_met", "spm_gate_total", "spm_gate_ready", "spm_gate_missing")}
        self.env.invalidate_all()
        together = {row["id"]: row for row in self.env["crm.lead"].web_search_read(
            [("id", "in", leads.ids)], spec)["records"]}
        alone = {}
        for lead in leads:
            self.env.invalidate_all()
            alone[lead.id] = lead.web_read(spec)[0]
        self.assertEqual(together, alone)
        figures = {lead: (together[lead.id]["spm_gate_met"], together[lead.id]["spm_gate_total"],
                          together[lead.id]["spm_gate_ready"]) for lead in leads}
        self.assertEqual(figures, {ready: (3, 3, True), partial: (1, 3, False), blocked: (0, 3, False),
                                   other_blocked: (0, 3, False), qualified: (0, 4, False)})
        self.assertFalse(together[ready.id]["spm_gate_missing"])
        self.assertEqual(len(together[partial.id]["spm_gate_missing"].split("\n")), 2)
        self.assertEqual(together[blocked.id]["spm_gate_missing"], together[other_blocked.id]["spm_gate_missing"])

    def test_archived_gate_is_ignored_and_new_gate_applies(self):
        lead = self._create_lead()
        self.stage_lead.spm_gate_ids.active = False
        self.assertTrue(lead.spm_gate_ready)
        self.env["spm.stage.gate"].create({
            "name": "预计成交日期", "stage_id": self.stage_lead.id, "gate_type": "field",
            "field_id": self.env.ref("crm.field_crm_lead__date_deadline").id,
        })
        with self.assertRaises(UserError) as error:
            lead.write({"stage_id": self.stage_qualification.id})
        self.assertIn("预计成交日期", str(error.exception))
        lead.write({"date_deadline": "2027-03-31", "stage_id": self.stage_qualification.id})

    def test_team_specific_stage_between(self):
        """A stage of another team's pipeline is not on this lead's way."""
        self.env["crm.stage"].create({"name": "华北专用", "sequence": 15, "team_id": self.team_north.id,
                                      "spm_gate_ids": [Command.create({"name": "华北要求", "gate_type": "domain",
                                                                       "domain": "[(0, '=', 1)]"})]})
        lead = self._create_lead()
        self._meet_lead_gates(lead)
        lead.stage_id = self.stage_qualification

    def test_invalid_gate_definitions_are_refused(self):
        Gate = self.env["spm.stage.gate"]
        for values in ({"gate_type": "field"}, {"gate_type": "document"},
                       {"gate_type": "min_score", "min_score": 7},
                       {"gate_type": "domain", "domain": "[('nope', '=', 1)]"}):
            with self.subTest(values=values), self.assertRaises(ValidationError), self.cr.savepoint():
                Gate.create(dict(values, name="x", stage_id=self.stage_lead.id))

    def test_salesperson_cannot_configure_gates(self):
        with self.assertRaises(AccessError):
            self.env["spm.stage.gate"].with_user(self.user_sales_east).create({
                "name": "x", "stage_id": self.stage_lead.id, "gate_type": "domain", "domain": "[]"})
        self.assertTrue(self.env["spm.stage.gate"].with_user(self.user_sales_east).search_count([]))


@tagged("post_install", "-at_install")
class TestGateQueries(SpmGateCommon):
    """A stage change costs the same queries whatever the number of gates."""

    def _move_cost(self, lead):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        lead.with_user(self.user_sales_east).write({"stage_id": self.stage_qualification.id})
        self.env.flush_all()
        cost = self.cr.sql_log_count - before
        lead.stage_id = self.stage_lead
        return cost

    def test_query_count_independent_of_gate_count(self):
        warm = self._create_lead("预热")
        self._meet_lead_gates(warm)
        self._move_cost(warm)  # the registry caches (groups, translations) filled whatever ran before
        lead = self._create_lead()
        self._meet_lead_gates(lead)
        self.env.flush_all()
        with self.assertQueryCount(__system__=9):
            lead.with_user(self.user_sales_east).write({"stage_id": self.stage_qualification.id})
            self.env.flush_all()
        lead.stage_id = self.stage_lead
        self._move_cost(lead)  # warm the registry caches (groups, translations)
        base = self._move_cost(lead)
        Gate = self.env["spm.stage.gate"]
        for i in range(4):
            Gate.create([
                {"name": f"字段{i}", "stage_id": self.stage_lead.id, "gate_type": "field",
                 "field_id": self.env.ref("crm.field_crm_lead__partner_id").id},
                {"name": f"条件{i}", "stage_id": self.stage_lead.id, "gate_type": "domain",
                 "domain": "[('partner_id.parent_id', '!=', False)]"},
                {"name": f"访问{i}", "stage_id": self.stage_lead.id, "gate_type": "field",
                 "field_id": self.env.ref("crm.field_crm_lead__calendar_event_ids").id},
            ])
        self.assertEqual(self.stage_lead.spm_gate_count, 15)
        self._move_cost(lead)
        self.assertEqual(self._move_cost(lead), base)

    def test_stage_column_read_in_order_off_an_index(self):
        """A kanban column (the opportunities of a stage, crm's order, 80 at a time) is read off the
        addon's index in its order: PostgreSQL neither sorts the stage's rows nor filters the table's."""
        query = self.env["crm.lead"]._search(
            [("type", "=", "opportunity"), ("stage_id", "=", self.stage_qualification.id)], limit=80,
            order=self.env["crm.lead"]._order)
        self.assertEqual(self.env["crm.lead"]._order, "priority desc, id desc")
        # a test database is small: forbid the plans a big table would not take, then read the plan
        self.cr.execute("SET LOCAL enable_seqscan = off")
        self.cr.execute("SET LOCAL enable_bitmapscan = off")
        self.cr.execute("SET LOCAL enable_sort = off")
        # and an incremental sort over crm's priority index (what a fresh, unanalysed table gets)
        self.cr.execute("SET LOCAL enable_incremental_sort = off")
        self.cr.execute(SQL("EXPLAIN %s", query.select()))
        plan = "\n".join(row[0] for row in self.cr.fetchall())
        self.assertIn("Index Scan using crm_lead_spm_stage_priority_id_index", plan)
        self.assertNotIn("Sort", plan)
        self.assertIn("Index Cond: (stage_id =", plan)
        # the method that creates it is Odoo's schema hook, not something a user may run over RPC
        with self.assertRaises(AccessError):
            get_public_method(self.env["crm.lead"].with_user(self.user_sales_east), "init")

    def test_form_reads_no_initiation_without_one_and_both_stages_at_once(self):
        """The opportunity form's 立项 fields come from stored figures: an opportunity without a request
        reads no request (most of a pipeline), and the current and next stages' names are one query."""
        lead = self._create_lead()
        spec = {"stage_id": {"fields": {"display_name": {}}}, "spm_next_stage_id": {"fields": {"display_name": {}}},
                "spm_initiation_state": {}, "spm_initiation_approved": {}, "spm_initiation_note": {}}
        Lead = self.env["crm.lead"].with_user(self.user_sales_east)

        def read(lead):
            self.env.invalidate_all()
            with patch.object(self.cr, "execute", wraps=self.cr.execute) as execute:
                values = Lead.browse(lead.id).web_read(spec)[0]
            return values, [str(call.args[0]) for call in execute.call_args_list]

        values, queries = read(lead)
        self.assertEqual((values["stage_id"]["display_name"], values["spm_next_stage_id"]["display_name"]),
                         (self.stage_lead.name, self.stage_qualification.name))
        self.assertFalse(values["spm_initiation_state"] or values["spm_initiation_note"])
        self.assertFalse([query for query in queries if "spm_initiation" in query.split("FROM", 1)[-1]])
        self.assertEqual(len([query for query in queries if 'FROM "crm_stage"' in query]), 1, queries)

        # with a request, the stored state follows it (and the stat button shows it)
        lead.expected_revenue = 60_000_000
        Request = self.env["spm.initiation"].with_user(self.user_sales_east)
        request = Request.create({"lead_id": lead.id, "objective": "<p>一期上线</p>"})
        self.assertEqual(lead.spm_initiation_state, "draft")
        request.unlink()
        self.assertFalse(lead.spm_initiation_state)
        request = Request.create({"lead_id": lead.id, "objective": "<p>一期上线</p>"})
        request.action_submit()
        self.assertEqual(read(lead)[0]["spm_initiation_state"], "submitted")
        submitted = self.env["crm.lead"].search([("spm_initiation_state", "=", "submitted")])
        self.assertIn(lead, submitted)
        self.assertNotIn(self._create_lead("没有立项"), submitted)
        # stored, the summary is not a field anyone sets: it follows the requests (even with no gate reading it)
        self.env.ref("sales_project_management.gate_initiation_approved").active = False
        for values in ({"spm_initiation_state": "approved"}, {"spm_initiation_state": False},
                       {"spm_initiation_approved": True}):
            with self.assertRaises(AccessError):
                lead.with_user(self.user_sales_east).write(values)
            if not any(values.values()):
                continue  # the empty default given back on create is no forgery
            with self.assertRaises(AccessError):
                self.env["crm.lead"].with_user(self.user_sales_east).create(
                    {"name": "伪造", "type": "opportunity", "team_id": self.team_east.id, **values})
        self.assertEqual((lead.spm_initiation_state, lead.spm_initiation_approved), ("submitted", False))

    def test_visit_gate_reads_the_opportunitys_visits_only(self):
        """Deciding the visit gate for one opportunity joins its visits and meetings to it: not a
        sub-plan hashing every visit the company ever logged (what two ORed subqueries give, whatever
        the table's size)."""
        lead = self._create_lead()
        query = self.env["crm.lead"].sudo()._search([("id", "in", [lead.id]), ("spm_visit_logged", "=", True)])
        self.cr.execute(SQL("EXPLAIN %s", query.select()))
        plan = "\n".join(row[0] for row in self.cr.fetchall())
        # a join of some kind (which one depends on the table's size): on a big table PostgreSQL reads the
        # opportunity's visits off the index, as EXPLAIN shows on the load test's database
        self.assertNotIn("SubPlan", plan)
        self.assertRegex(plan, r"Join|Nested Loop")


@tagged("post_install", "-at_install")
class TestGateReportsAndLanguage(SpmGateCommon):

    def test_blocker_report(self):
        self._create_lead("阻塞一", expected_revenue=1_000_000)
        self._create_lead("阻塞二", expected_revenue=2_000_000, user=self.user_sales_north, team=self.team_north)
        ready = self._create_lead("畅通", expected_revenue=4_000_000)
        self._meet_lead_gates(ready)
        Report = self.env["spm.gate.blocker.report"].with_user(self.user_director)
        action = Report.action_open_report()
        rows = Report.search(action["domain"])
        contact_rows = rows.filtered(
            lambda r: r.gate_id == self.env.ref("sales_project_management.gate_lead_contact")
            and r.company_id == self.company)
        self.assertEqual(sum(contact_rows.mapped("lead_count")), 2)
        self.assertEqual(sum(contact_rows.mapped("expected_revenue")), 3_000_000)
        self.assertEqual(contact_rows.team_id, self.team_east | self.team_north)
        with self.assertRaises(AccessError):
            self.env["spm.gate.blocker.report"].with_user(self.user_sales_east).action_open_report()

    def test_refusal_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_project_management"], ["zh_CN"], overwrite=True)
        self.user_sales_east.lang = "zh_CN"
        lead = self._create_lead()
        with self.assertRaises(UserError) as error:
            # as the web client calls it: the user's language is in the context
            lead.with_user(self.user_sales_east).with_context(lang="zh_CN").write(
                {"stage_id": self.stage_initiation.id})
        message = str(error.exception)
        self.assertIn("联系人", message)
        self.assertIn("机会评估", message)
        self.assertNotIn("Contact Name", message)


@tagged("post_install", "-at_install")
class TestStageGatesHardening(SpmGateCommon):

    def test_malformed_override_context_is_a_clean_refusal(self):
        lead = self._create_lead()
        for value in ("1; DROP TABLE crm_lead", [1], "abc", True):
            with self.subTest(value=value), self.assertRaises(UserError):
                lead.with_user(self.user_manager_east).with_context(spm_gate_override_id=value).write(
                    {"stage_id": self.stage_qualification.id})
        self.assertEqual(lead.stage_id, self.stage_lead)

    def test_only_a_held_meeting_counts_as_a_visit(self):
        lead = self._create_lead(partner_id=self.contact.id)
        self.env["calendar.event"].create({
            "name": "约见下周", "opportunity_id": lead.id, "user_id": lead.user_id.id,
            "start": fields.Datetime.now() + timedelta(days=7),
            "stop": fields.Datetime.now() + timedelta(days=7, hours=1),
        })
        self.assertFalse(lead.spm_visit_logged)
        self.assertFalse(lead.spm_gate_ready)
        self.assertIn("visit", lead.spm_gate_missing)
        self.assertNotIn(lead, self.env["crm.lead"].search([("spm_visit_logged", "=", True), ("id", "=", lead.id)]))
        with self.assertRaises(UserError):
            lead.with_user(self.user_sales_east).stage_id = self.stage_qualification
        self.env["calendar.event"].create({
            "name": "首次拜访", "opportunity_id": lead.id, "user_id": lead.user_id.id,
            "start": fields.Datetime.now() - timedelta(days=1), "stop": fields.Datetime.now() - timedelta(hours=23),
        })
        self.assertTrue(lead.spm_visit_logged)
        self.assertIn(lead, self.env["crm.lead"].search([("spm_visit_logged", "=", True), ("id", "=", lead.id)]))
        lead.with_user(self.user_sales_east).stage_id = self.stage_qualification

    def test_visit_gate_counts_held_visits_and_active_meetings(self):
        """The gate, its search (both ways) and the field agree: a held visit log or an active held
        meeting counts; a planned visit or an archived meeting does not."""
        Lead = self.env["crm.lead"]
        lead = self._create_lead(partner_id=self.contact.id)
        other = self._create_lead(partner_id=self.contact.id)

        def logged(record):
            found = Lead.search([("spm_visit_logged", "=", True), ("id", "in", (lead | other).ids)])
            missing = Lead.search([("spm_visit_logged", "!=", True), ("id", "in", (lead | other).ids)])
            self.assertEqual(found | missing, lead | other)
            self.assertFalse(found & missing)
            record.invalidate_recordset()
            self.assertEqual(record in found, record.spm_visit_logged)
            return record.spm_visit_logged

        meeting = self.env["calendar.event"].create({
            "name": "首次拜访", "opportunity_id": lead.id, "user_id": lead.user_id.id,
            "start": fields.Datetime.now() - timedelta(days=1), "stop": fields.Datetime.now() - timedelta(hours=23),
        })
        self.assertTrue(logged(lead))
        self.assertFalse(logged(other))
        meeting.active = False
        self.assertFalse(logged(lead))
        self.assertIn("visit", lead.spm_gate_missing)
        visit = self.env["spm.visit"].create({
            "name": "上门调研", "partner_id": self.customer.id, "user_id": lead.user_id.id, "lead_id": lead.id,
            "company_id": lead.company_id.id, "date_start": fields.Datetime.now() + timedelta(days=2)})
        self.assertFalse(logged(lead), "a planned visit is not a visit held")
        visit.date_start = fields.Datetime.now() - timedelta(hours=2)
        self.assertTrue(logged(lead))
        self.assertFalse(logged(other))
        lead.with_user(self.user_sales_east).stage_id = self.stage_qualification
        with self.assertRaises(UserError):
            other.with_user(self.user_sales_east).stage_id = self.stage_qualification

    def test_refusal_and_status_explain_each_requirement(self):
        lead = self._create_lead()
        with self.assertRaises(UserError) as error:
            lead.with_user(self.user_sales_east).stage_id = self.stage_qualification
        contact_gate = self.env.ref("sales_project_management.gate_lead_contact")
        self.assertIn(f"• {contact_gate.name} — {contact_gate.description}", str(error.exception))
        status = lead.spm_gate_status
        self.assertIn(contact_gate.description, status)
        self.assertNotIn("/>", status, "closed icon tags: one icon per line")
        self.assertEqual(status.count("<i "), status.count("</i>"))
        self.assertEqual(status.count("fa-times-circle"), 3)
