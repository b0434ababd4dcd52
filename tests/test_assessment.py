from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmGateCommon


@tagged("post_install", "-at_install")
class TestAssessment(SpmGateCommon):

    def test_weighted_feasibility_score(self):
        lead = self._create_lead()
        lead.with_user(self.user_sales_east).action_spm_start_assessment()
        self.assertEqual(len(lead.spm_assessment_ids), 5)
        self.assertEqual(lead.spm_feasibility_score, 0, "nothing scored yet")
        technical, resources, competition, budget, relationship = lead.spm_assessment_ids
        self.assertEqual(technical.criterion_id, self.env.ref("sales_project_management.criterion_technical_fit"))
        technical.score = 5      # weight 25
        competition.score = 2    # weight 20
        self.assertAlmostEqual(lead.spm_feasibility_score, (5 * 25 + 2 * 20) / 45, places=2)
        (resources | budget | relationship).write({"score": 3})
        self.assertAlmostEqual(lead.spm_feasibility_score, (125 + 40 + 3 * 55) / 100)
        # starting again adds nothing twice
        lead.action_spm_start_assessment()
        self.assertEqual(len(lead.spm_assessment_ids), 5)

    def test_weight_is_kept_when_the_criterion_changes(self):
        lead = self._create_lead()
        lead.action_spm_start_assessment()
        line = lead.spm_assessment_ids[0]
        line.score = 4
        line.criterion_id.weight = 50
        self.assertEqual(line.weight, 25)

    def test_scores_outside_one_to_five_are_refused(self):
        lead = self._create_lead()
        lead.action_spm_start_assessment()
        for score in (0 - 1, 6):
            with self.subTest(score=score), self.assertRaises(ValidationError):
                lead.spm_assessment_ids[0].score = score

    def test_assessment_in_the_form(self):
        lead = self._create_lead()
        lead.action_spm_start_assessment()
        with Form(lead.with_user(self.user_sales_east)) as form:
            for index in range(5):
                with form.spm_assessment_ids.edit(index) as line:
                    line.score = 4
            form.spm_strategy = "compete"
            form.spm_customer_budget = 45_000_000
            with form.spm_competitor_ids.new() as competitor:
                competitor.name = "大华股份"
                competitor.strengths = "渠道广"
                competitor.weaknesses = "本地服务弱"
        self.assertEqual(lead.spm_feasibility_score, 4)
        self.assertEqual(lead.spm_competitor_ids.name, "大华股份")

    def test_document_tagged_from_the_lead(self):
        lead = self._create_lead()
        with Form(lead.with_user(self.user_sales_east)) as form, form.spm_attachment_ids.new() as attachment:
            attachment.name = "需求说明书 v1.docx"
            attachment.spm_document_type_id = self.doc_requirements
        document = lead.spm_attachment_ids
        self.assertEqual((document.res_model, document.res_id, document.spm_document_type_id),
                         ("crm.lead", lead.id, self.doc_requirements))
        # a file sent in the chatter is tagged afterwards
        chatter = self.env["ir.attachment"].create({"name": "方案.pdf", "res_model": "crm.lead", "res_id": lead.id})
        chatter.with_user(self.user_sales_east).spm_document_type_id = self.doc_solution
        self.assertEqual(lead.spm_attachment_ids.spm_document_type_id, self.doc_requirements | self.doc_solution)

    def test_assessment_of_another_team_is_private(self):
        lead_north = self._create_lead("京华理工一卡通", user=self.user_sales_north, team=self.team_north)
        self._meet_qualification_gates(lead_north)
        self._tick(lead_north, self.gate_legal)
        for model in ("spm.lead.assessment", "spm.lead.competitor", "spm.lead.checklist"):
            with self.subTest(model=model):
                records = self.env[model].search([("lead_id", "=", lead_north.id)])
                self.assertTrue(records)
                self.assertFalse(self.env[model].with_user(self.user_sales_east).search(
                    [("lead_id", "=", lead_north.id)]))
                with self.assertRaises(AccessError):
                    records.with_user(self.user_sales_east).read(["lead_id"])
                with self.assertRaises(AccessError):
                    records[0].with_user(self.user_sales_east).unlink()
        with self.assertRaises(AccessError):
            self.env["spm.lead.competitor"].with_user(self.user_sales_east).create(
                {"lead_id": lead_north.id, "name": "插手"})
        self.assertEqual(
            self.env["spm.lead.assessment"].with_user(self.user_manager_east).search_count(
                [("lead_id", "=", lead_north.id)]), 5)

    def test_gate_log_is_read_only_for_users(self):
        lead = self._create_lead()
        self._meet_lead_gates(lead)
        lead.with_user(self.user_sales_east).stage_id = self.stage_qualification
        log = lead.spm_gate_log_ids.with_user(self.user_sales_east)
        self.assertEqual(log.result, "passed")
        with self.assertRaises(AccessError):
            log.write({"result": "overridden"})
        with self.assertRaises(AccessError):
            log.unlink()
        with self.assertRaises(AccessError):
            self.env["spm.gate.log"].with_user(self.user_manager_east).create({
                "lead_id": lead.id, "stage_to_id": self.stage_won.id, "result": "passed"})

    def test_other_company_gate_log_is_invisible(self):
        lead_b = self.env["crm.lead"].create({
            "name": "B deal", "type": "opportunity", "company_id": self.company_b.id,
            "user_id": self.user_sales_b.id, "team_id": self.team_b.id, "partner_id": self.contact.id,
            "calendar_event_ids": [Command.create({"name": "visit", "start": "2026-11-02 02:00:00",
                                                   "stop": "2026-11-02 03:00:00"})],
        })
        lead_b.stage_id = self.stage_qualification
        self.assertTrue(lead_b.spm_gate_log_ids)
        self.assertFalse(self.env["spm.gate.log"].with_user(self.user_exec).search([("lead_id", "=", lead_b.id)]))

    def test_weights_come_from_the_criteria(self):
        lead = self._create_lead()
        lead.with_user(self.user_sales_east).action_spm_start_assessment()
        lines = lead.spm_assessment_ids.with_user(self.user_sales_east)
        lines.write({"score": 2})
        lines[0].score = 5
        before = lead.spm_feasibility_score
        with self.assertRaises(AccessError):
            lines[0].write({"weight": 1e9})
        with self.assertRaises(AccessError):
            lead.with_user(self.user_sales_east).write(
                {"spm_assessment_ids": [Command.update(lines[1].id, {"weight": 1e9, "score": 5})]})
        self.assertEqual(lead.spm_feasibility_score, before)
        self.assertLess(lead.spm_feasibility_score, 3)
        # a line created over RPC takes its criterion's weight
        criterion = self.env["spm.assessment.criterion"].create({"name": "交付周期", "weight": 2})
        with self.assertRaises(AccessError):
            self.env["spm.lead.assessment"].with_user(self.user_sales_east).create(
                {"lead_id": lead.id, "criterion_id": criterion.id, "score": 5, "weight": 1e9})
        line = self.env["spm.lead.assessment"].with_user(self.user_sales_east).create(
            {"lead_id": lead.id, "criterion_id": criterion.id, "score": 5})
        self.assertEqual(line.weight, 2)
        # criteria belong to the managers
        with self.assertRaises(AccessError):
            criterion.with_user(self.user_sales_east).weight = 100

    def test_document_uploaded_from_the_documents_tab(self):
        """The opportunity form's context (default_type = opportunity) does not reach the documents."""
        lead = self._create_lead()
        lead.with_user(self.user_sales_east).with_context(default_type="opportunity").write({
            "spm_attachment_ids": [Command.create({
                "name": "需求说明书.docx", "res_model": "crm.lead", "res_id": lead.id, "raw": b"demo",
                "spm_document_type_id": self.doc_requirements.id})]})
        self.assertEqual(lead.spm_attachment_ids.type, "binary")
        self.assertEqual(lead.spm_attachment_ids.spm_document_type_id, self.doc_requirements)
