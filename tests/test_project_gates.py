from lxml import etree
from psycopg2 import IntegrityError

from odoo import Command
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SpmGateCommon, SpmProjectCommon


@tagged("post_install", "-at_install")
class TestProjectGates(SpmProjectCommon):
    """Project stages 执行 → 验收 → 回款 → 收尾 → 已关闭 carry gates decided by the pipeline's engine."""

    def test_default_project_stages_and_gates(self):
        stages = self.env["project.project.stage"].search([("company_id", "=", False)])
        self.assertEqual(stages.mapped("name")[:5], ["Delivery", "Acceptance", "Collection", "Closing", "Closed"])
        self.assertTrue(self.stage_closed.fold)
        self.assertTrue(self.user_sales_east.has_group("project.group_project_stages"), "stages are switched on")
        self.assertEqual(self.stage_acceptance.spm_gate_ids.gate_type, "acceptance")
        self.assertEqual(self.stage_collection.spm_gate_ids.gate_type, "collection")
        self.assertEqual(set(self.stage_closing.spm_gate_ids.mapped("gate_type")), {"archive", "retrospective"})
        self.assertEqual(self.project.stage_id, self.stage_delivery)
        self.assertEqual(self.project.spm_next_stage_id, self.stage_acceptance)

    def test_cannot_leave_acceptance_without_a_passed_final_acceptance(self):
        self._move(self.stage_acceptance)  # the delivery stage has no gate
        self.assertEqual(self.project.spm_gate_log_ids.result, "passed")
        self.assertEqual((self.project.spm_gate_met, self.project.spm_gate_total), (0, 1))
        with self.assertRaises(UserError) as error:
            self._move(self.stage_collection)
        self.assertIn("Final acceptance passed", str(error.exception))
        self.assertIn("Confirm the customer's final acceptance", str(error.exception))
        self.assertEqual(self.project.stage_id, self.stage_acceptance, "nothing is half-written")
        # a stage acceptance, a failed final one or a draft do not open it
        self._acceptance("stage", self.milestone_delivery)
        self._acceptance(result="failed")
        self._acceptance(confirm=False)
        self.assertFalse(self.project.spm_final_accepted)
        with self.assertRaises(UserError):
            self.project.with_user(self.pm).action_spm_next_stage()
        self._acceptance()
        self.assertTrue(self.project.spm_gate_ready)
        self.project.with_user(self.pm).action_spm_next_stage()
        self.assertEqual(self.project.stage_id, self.stage_collection)
        log = self.project.spm_gate_log_ids.sorted("id")[-1]
        self.assertEqual((log.project_stage_from_id, log.project_stage_to_id, log.user_id, log.result),
                         (self.stage_acceptance, self.stage_collection, self.pm, "passed"))

    def test_cannot_leave_collection_while_an_installment_is_unpaid(self):
        self._set_stage(self.stage_collection)
        self.milestone_delivery.is_reached = True
        self._acceptance()
        delivery, acceptance = self.line_delivery, self.line_acceptance
        self._pay(self._invoice(delivery), delivery.amount)
        invoice = self._invoice(acceptance)
        self._pay(invoice, 100_000)
        with self.assertRaises(UserError) as error:
            self._move(self.stage_closing)
        self.assertIn("Every installment collected", str(error.exception))
        self._pay(invoice, acceptance.amount - 100_000)
        self.assertEqual(acceptance.state, "paid")
        self.assertTrue(self.project.spm_collection_done)
        self._move(self.stage_closing)
        self.assertEqual(self.project.stage_id, self.stage_closing)

    def test_cancelled_and_written_off_installments_count_as_collected(self):
        self.milestone_delivery.is_reached = True
        self._acceptance()
        delivery, acceptance = self.line_delivery, self.line_acceptance
        self._pay(self._invoice(delivery), delivery.amount)
        self.assertFalse(self.project.spm_collection_done)
        # the customer pays 480,000 of the last 500,000; the accountant credits the rest
        invoice = self._invoice(acceptance)
        self._pay(invoice, 480_000)
        self.assertEqual(acceptance.state, "partial")
        credit = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": self.customer.id, "company_id": self.company.id,
            "reversed_entry_id": invoice.id, "invoice_date": self.today,
            "invoice_line_ids": [Command.create({"name": "尾差核销", "quantity": 1, "price_unit": 20_000,
                                                 "tax_ids": [Command.clear()]})],
        })
        credit.action_post()
        (credit | invoice).line_ids.filtered(
            lambda ml: ml.account_type == "asset_receivable" and not ml.reconciled).reconcile()
        self.assertEqual(acceptance.state, "partial", "a credit note is not money received")
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertTrue(self.project.spm_collection_done, "written off")
        # a project whose remaining installment is cancelled has nothing left to collect
        other = self._create_project("滨江智慧停车二期")
        first, second = other.spm_collection_line_ids.sorted("sequence")
        other.milestone_ids.sorted("deadline")[-1].is_reached = True
        self._pay(self._invoice(first), first.amount)
        self.assertFalse(other.spm_collection_done)
        second.action_cancel()
        self.assertTrue(other.spm_collection_done)

    def test_cannot_leave_closing_without_archive_and_retrospective(self):
        self._set_stage(self.stage_closing)
        with self.assertRaises(UserError) as error:
            self.project.with_user(self.pm).action_spm_next_stage()
        self.assertIn("Project archive complete", str(error.exception))
        self.assertIn("Retrospective done", str(error.exception))
        retro = self.env["spm.retrospective"].with_user(self.pm).create({
            "project_id": self.project.id, "improvements": "<p>提前联调</p>"})
        retro.with_user(self.pm).action_done()
        with self.assertRaises(UserError) as error:
            self.project.with_user(self.pm).action_spm_next_stage()
        self.assertNotIn("Retrospective done", str(error.exception))
        self.assertIn("Project archive complete", str(error.exception))
        for doc in ("doc_type_initiation_report", "doc_type_requirements", "doc_type_solution", "doc_type_contract",
                    "doc_type_acceptance", "doc_type_retrospective_report"):
            self._attach(self.project, self.env.ref(f"sales_project_management.{doc}"), f"{doc}.pdf")
        self.assertTrue(self.project.spm_archive_complete)
        self.project.with_user(self.pm).action_spm_next_stage()
        self.assertEqual(self.project.stage_id, self.stage_closed)

    def test_skipping_stages_does_not_skip_their_gates(self):
        with self.assertRaises(UserError) as error:
            self._move(self.stage_closed)
        message = str(error.exception)
        for missing in ("Final acceptance passed", "Every installment collected", "Project archive complete",
                        "Retrospective done"):
            self.assertIn(missing, message)
        self.assertEqual(self.project.stage_id, self.stage_delivery)
        # created directly in a later stage (as the 立项 workflow creates sales projects): the same gates
        with self.assertRaises(UserError):
            self.env["project.project"].create({
                "name": "直接收尾", "company_id": self.company.id, "stage_id": self.stage_closing.id,
                "spm_grade_id": self.project.spm_grade_id.id})

    def test_other_projects_move_freely(self):
        """The delivery gates govern sales projects (graded by their 立项); the company's other projects
        keep Odoo's behaviour: any stage, closed or not, editable by their team."""
        internal = self.env["project.project"].with_user(self.user_manager_east).create({
            "name": "内部知识库", "company_id": self.company.id, "stage_id": self.stage_closing.id})
        internal.with_user(self.user_manager_east).stage_id = self.stage_closed
        self.assertFalse(internal.spm_gate_log_ids)
        self.assertEqual((internal.spm_gate_total, internal.spm_gate_ready), (0, True))
        self.assertIn(internal, self.env["project.project"].search([("spm_gate_ready", "=", True)]))
        self._set_stage(self.stage_acceptance)
        self.project.invalidate_recordset()
        self.assertFalse(self.project.spm_gate_ready)
        self.assertNotIn(self.project, self.env["project.project"].search([("spm_gate_ready", "=", True)]))
        # a closed stage locks sales projects only
        internal.with_user(self.pm)._spm_check_open()
        self._set_stage(self.stage_closed)
        with self.assertRaises(UserError):
            self.project.with_user(self.pm)._spm_check_open()

    def test_import_and_form_are_refused_like_a_write(self):
        self._set_stage(self.stage_acceptance)
        xmlid = self.project._export_rows([["id"]])[0][0]
        result = self.env["project.project"].with_user(self.user_manager_east).load(
            ["id", "stage_id/id"], [[xmlid, "sales_project_management.project_stage_collection"]])
        self.assertFalse(result["ids"])
        self.assertTrue(any("Final acceptance passed" in message["message"] for message in result["messages"]))
        form = Form(self.project.with_user(self.user_manager_east))
        form.stage_id = self.stage_collection
        with self.assertRaises(UserError):
            form.save()
        self.assertEqual(self.project.stage_id, self.stage_acceptance)

    def test_backward_move_is_free_and_not_logged(self):
        self._set_stage(self.stage_collection)
        self._move(self.stage_acceptance)
        self.assertEqual(self.project.stage_id, self.stage_acceptance)
        self.assertFalse(self.project.spm_gate_log_ids)

    def test_manager_overrides_with_a_logged_reason(self):
        self._set_stage(self.stage_acceptance)
        wizard = self.env["spm.gate.override.wizard"].with_user(self.user_manager_east).create({
            "project_id": self.project.id, "project_stage_id": self.stage_collection.id,
            "reason": "客户书面确认终验，纸质报告邮寄中"})
        self.assertEqual(wizard.missing, "Final acceptance passed")
        wizard.action_confirm()
        log = self.project.spm_gate_log_ids
        self.assertEqual((log.result, log.user_id, log.reason, log.missing),
                         ("overridden", self.user_manager_east, "客户书面确认终验，纸质报告邮寄中",
                          "Final acceptance passed"))
        # over RPC, in one call
        self.project.with_user(self.user_manager_east).action_spm_pass_gate(self.stage_closing.id, "财务另行跟踪")
        self.assertEqual(self.project.stage_id, self.stage_closing)
        self.assertEqual(self.project.spm_gate_log_ids.sorted("id")[-1].missing, "Every installment collected")
        # the action opens the wizard on the next stage
        action = self.project.with_user(self.user_manager_east).action_spm_gate_override()
        self.assertEqual(action["context"], {"default_project_id": self.project.id,
                                             "default_project_stage_id": self.stage_closed.id})

    def test_project_manager_cannot_override(self):
        self._set_stage(self.stage_acceptance)
        with self.assertRaises(AccessError):
            self.project.with_user(self.pm).action_spm_pass_gate(self.stage_collection.id, "我说可以")
        wizard = self.env["spm.gate.override.wizard"].with_user(self.user_manager_east).create({
            "project_id": self.project.id, "project_stage_id": self.stage_collection.id, "reason": "经理的理由"})
        with self.assertRaises(AccessError):
            self.project.with_user(self.pm).sudo().with_context(spm_gate_override_id=wizard.id).write(
                {"stage_id": self.stage_collection.id})
        # nor by passing the data files' context
        with self.assertRaises(UserError):
            self.project.with_user(self.pm).sudo().with_context(install_mode=True).write(
                {"stage_id": self.stage_collection.id})
        self.assertEqual(self.project.stage_id, self.stage_acceptance)
        with self.assertRaises(ValidationError):
            self.env["spm.gate.override.wizard"].with_user(self.user_manager_east).create({
                "project_id": self.project.id, "stage_id": self.env.ref("crm.stage_lead2").id, "reason": "混用"})

    def test_next_stage_is_for_the_project_manager_and_directors(self):
        with self.assertRaises(AccessError):
            self.project.with_user(self.user_sales_north).action_spm_next_stage()
        self.assertTrue(self.project.with_user(self.user_director).action_spm_next_stage())
        self.assertEqual(self.project.stage_id, self.stage_acceptance)
        # a project manager may not edit the project itself (Odoo's project rights)
        with self.assertRaises(AccessError):
            self.project.with_user(self.pm).write({"stage_id": self.stage_delivery.id})

    def test_gate_fields_cannot_be_forged(self):
        self._set_stage(self.stage_acceptance)
        for values in ({"spm_final_accepted": True}, {"spm_collection_done": True},
                       {"spm_retrospective_done": True}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                self.project.with_user(self.user_manager_east).write(values)
        with self.assertRaises(AccessError):
            self.project.with_user(self.user_manager_east).write({"spm_acceptance_date": self.today})
        self.assertFalse(self.project.spm_final_accepted)

    def test_checklist_and_field_gates_on_projects(self):
        self.env["spm.stage.gate"].create([
            {"name": "实施总结会", "project_stage_id": self.stage_delivery.id, "gate_type": "checklist"},
            {"name": "计划结束日期", "project_stage_id": self.stage_delivery.id, "gate_type": "field",
             "field_id": self.env.ref("project.field_project_project__date").id},
            {"name": "合同已归档", "project_stage_id": self.stage_delivery.id, "gate_type": "document",
             "document_type_id": self.env.ref("sales_project_management.doc_type_contract").id},
        ])
        self.assertEqual((self.project.spm_gate_met, self.project.spm_gate_total), (1, 3))
        item_gate = self.stage_delivery.spm_gate_ids.filtered(lambda g: g.gate_type == "checklist")
        item = self.env["spm.lead.checklist"].with_user(self.pm).create(
            {"project_id": self.project.id, "gate_id": item_gate.id})
        self.assertEqual(item.user_id, self.pm)
        # the contract attached to a task counts for the project
        task = self.env["project.task"].create({"name": "合同签订", "project_id": self.project.id})
        self._attach(task, self.env.ref("sales_project_management.doc_type_contract"), "合同.pdf")
        self.assertTrue(self.project.spm_gate_ready)
        self.assertEqual(self.env["project.project"].search(
            [("id", "=", self.project.id), ("spm_gate_ready", "=", True)]), self.project)
        self.project.with_user(self.pm).action_spm_next_stage()

    def test_invalid_project_gates_are_refused(self):
        Gate = self.env["spm.stage.gate"]
        for values in ({"gate_type": "min_score"}, {"gate_type": "initiation"},
                       {"gate_type": "field", "field_id": self.env.ref("crm.field_crm_lead__partner_id").id},
                       {"gate_type": "domain", "domain": "[('spm_feasibility_score', '>', 1)]"}):
            with self.subTest(values=values), self.assertRaises(ValidationError), self.cr.savepoint():
                Gate.create(dict(values, name="x", project_stage_id=self.stage_delivery.id))
        with self.assertRaises(ValidationError), self.cr.savepoint():
            Gate.create({"name": "x", "stage_id": self.env.ref("crm.stage_lead1").id, "gate_type": "archive"})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            Gate.create({"name": "x", "stage_id": self.env.ref("crm.stage_lead1").id,
                         "project_stage_id": self.stage_delivery.id, "gate_type": "domain"})

    def test_stage_of_another_company_is_not_on_the_way(self):
        self.env["project.project.stage"].create({
            "name": "B 公司专用", "sequence": 15, "company_id": self.company_b.id,
            "spm_gate_ids": [Command.create({"name": "B 要求", "gate_type": "domain", "domain": "[(0, '=', 1)]"})]})
        self._move(self.stage_acceptance)
        self.assertEqual(self.project.stage_id, self.stage_acceptance)


@tagged("post_install", "-at_install")
class TestClosedProjects(SpmProjectCommon):

    def test_closed_project_is_read_only_except_for_managers(self):
        retro = self.env["spm.retrospective"].create({"project_id": self.project.id, "problems": "<p>延期</p>"})
        acceptance = self._acceptance()
        self._set_stage(self.stage_closed)
        self.assertTrue(self.project.spm_closed)
        with self.assertRaises(UserError):
            self._acceptance(acceptance_type="stage", milestone=self.milestone_research)
        with self.assertRaises(UserError):
            retro.with_user(self.pm).write({"problems": "<p>改写</p>"})
        with self.assertRaises(UserError):
            self.env["spm.satisfaction"].with_user(self.pm).create({"acceptance_id": acceptance.id})
        with self.assertRaises(UserError):
            self.project.with_user(self.pm).action_spm_next_stage()
        with self.assertRaises(UserError):
            self.env["ir.attachment"].with_user(self.pm).create({
                "name": "补充.pdf", "res_model": "spm.acceptance", "res_id": acceptance.id, "raw": b"x"})
        # a project administrator who is not a sales projects manager cannot change it either
        admin = self.user_accountant
        admin.groups_id += self.env.ref("project.group_project_manager")
        with self.assertRaises(UserError):
            self.project.with_user(admin).write({"name": "改名"})
        # managers can
        self.project.with_user(self.user_manager_east).write({"description": "<p>经理补充说明</p>"})
        retro.with_user(self.user_manager_east).write({"problems": "<p>经理补充</p>"})
        self._move(self.stage_closing)
        self.assertFalse(self.project.spm_closed)


@tagged("post_install", "-at_install")
class TestLeadGateForgery(SpmGateCommon):
    """The opportunity gates read computed fields: a write cannot set them by hand."""

    def test_initiation_approved_cannot_be_forged(self):
        lead = self._create_lead()
        self._meet_lead_gates(lead)
        self._meet_qualification_gates(lead)
        lead.stage_id = self.stage_initiation
        with self.assertRaises(AccessError):
            lead.with_user(self.user_sales_east).write({"spm_initiation_approved": True})
        with self.assertRaises(AccessError):
            lead.with_user(self.user_sales_east).write({"spm_feasibility_score": 5})
        with self.assertRaises(UserError):
            lead.with_user(self.user_sales_east).write({"stage_id": self.stage_requirements.id})
        self.assertFalse(lead.spm_initiation_approved)
        self.assertEqual(lead.stage_id, self.stage_initiation)

    def test_forged_values_are_refused_on_create(self):
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.user_sales_east).create({
                "name": "伪造评分", "type": "opportunity", "team_id": self.team_east.id,
                "spm_feasibility_score": 5})
        self.assertFalse(self.env["crm.lead"].search_count([("name", "=", "伪造评分")]))


@tagged("post_install", "-at_install")
class TestProjectsWithoutSalesProjectRights(SpmProjectCommon):
    """Project users outside the addon's groups keep opening projects as before."""

    def test_plain_project_user_opens_the_kanban_and_the_form(self):
        plain = mail_new_test_user(self.env, login="spm_t_plain_project", name="普通项目成员",
                                   groups="base.group_user,project.group_project_user", company_id=self.company.id,
                                   company_ids=[Command.set(self.company.ids)])
        Project = self.env["project.project"].with_user(plain)
        views = Project.get_views([(False, "kanban"), (False, "form"), (False, "list")])
        for view_type in ("kanban", "form", "list"):
            arch = etree.fromstring(views["views"][view_type]["arch"])
            names = {node.get("name") for node in arch.iter("field") if node.get("name") in Project._fields}
            self.assertFalse({"spm_acceptance_ids", "spm_gate_status"} & names, f"{view_type} shows the addon's tabs")
            Project.browse(self.project.id).read(sorted(names))
        # the sales projects user sees the gate badge
        kanban = self.env["project.project"].with_user(self.pm).get_views([(False, "kanban")])["views"]["kanban"]
        self.assertIn("spm_gate_met", kanban["arch"])
