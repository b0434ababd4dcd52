import base64
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SpmProjectCommon


@tagged("post_install", "-at_install")
class TestAcceptance(SpmProjectCommon):

    def test_sequence_and_form(self):
        with Form(self.env["spm.acceptance"].with_user(self.pm)) as form:
            form.project_id = self.project
            form.acceptance_type = "stage"
            form.milestone_id = self.milestone_research
            form.result = "passed"
            form.signatory_id = self.contact
        acceptance = form.record
        self.assertRegex(acceptance.name, r"^YS\d{4}-\d{4}$")
        self.assertEqual((acceptance.state, acceptance.user_id), ("draft", self.pm))
        self.assertFalse(acceptance.report_attached)

    def test_confirmation_needs_the_signed_report(self):
        acceptance = self._acceptance(signed=False, confirm=False)
        with self.assertRaises(UserError) as error:
            acceptance.with_user(self.pm).action_confirm()
        self.assertIn("Acceptance Report", str(error.exception))
        self.assertEqual(acceptance.state, "draft")
        self.assertFalse(self.project.spm_acceptance_date, "nothing is half-written")
        # a document of another type is not the signed report
        self._attach(acceptance, self.env.ref("sales_project_management.doc_type_contract"), "合同.pdf")
        with self.assertRaises(UserError):
            acceptance.with_user(self.pm).action_confirm()
        self._attach(acceptance, self.doc_acceptance)
        self.assertTrue(acceptance.report_attached)
        self.assertTrue(acceptance.with_user(self.pm).action_confirm())
        self.assertEqual((acceptance.state, acceptance.confirmed_by_id), ("confirmed", self.pm))

    def test_paper_signed_report_attached_from_the_form(self):
        """The customer signed on paper: the project manager attaches the scan on the acceptance's Documents
        tab with its type, then confirms (no other screen needed)."""
        acceptance = self._acceptance(signed=False, confirm=False)
        with Form(acceptance.with_user(self.pm)) as form, form.spm_attachment_ids.new() as document:
            document.datas = base64.b64encode(b"%PDF-1.4 scanned")
            document.name = "验收报告（签字扫描件）.pdf"
            document.spm_document_type_id = self.doc_acceptance
        self.assertEqual(acceptance.spm_attachment_ids.spm_document_type_id, self.doc_acceptance)
        self.assertTrue(acceptance.report_attached)
        acceptance.with_user(self.pm).action_confirm()
        self.assertEqual(acceptance.state, "confirmed")
        # confirmed, its documents stay as signed
        with self.assertRaises(UserError):
            acceptance.with_user(self.pm).write({"spm_attachment_ids": [Command.clear()]})

    def test_passed_final_acceptance_dates_the_acceptance_installment(self):
        self.assertFalse(self.line_acceptance.due_date)
        self.assertEqual(self.line_acceptance.state, "planned")
        accepted_on = self.today - timedelta(days=3)
        self._acceptance(date=accepted_on)
        self.assertEqual(self.project.spm_acceptance_date, accepted_on)
        self.assertTrue(self.project.spm_final_accepted)
        self.assertEqual(self.line_acceptance.due_date, accepted_on + timedelta(days=15))
        self.assertEqual(self.line_acceptance.state, "to_invoice")
        # only once: a second passed final acceptance is refused
        with self.assertRaises(UserError):
            self._acceptance()

    def test_passed_stage_acceptance_reaches_its_milestone(self):
        accepted_on = self.today - timedelta(days=20)
        self._acceptance("stage", self.milestone_delivery, date=accepted_on)
        self.assertTrue(self.milestone_delivery.is_reached)
        self.assertEqual(self.milestone_delivery.reached_date, accepted_on)
        self.assertEqual(self.line_delivery.due_date, accepted_on)
        self.assertEqual(self.line_delivery.state, "to_invoice")
        self.assertFalse(self.project.spm_acceptance_date, "a stage acceptance does not accept the project")
        with self.assertRaises(UserError):
            self._acceptance("stage", self.milestone_delivery)
        with self.assertRaises(UserError):
            self._acceptance("stage", confirm=True)  # a stage acceptance names its milestone

    def test_failed_acceptance_cannot_be_confirmed_as_passed_later(self):
        failed = self._acceptance("stage", self.milestone_delivery, result="failed")
        self.assertFalse(self.milestone_delivery.is_reached)
        for values in ({"result": "passed"}, {"date": self.today}, {"milestone_id": self.milestone_research.id}):
            with self.subTest(values=values), self.assertRaises(UserError):
                failed.with_user(self.pm).write(values)
        with self.assertRaises(UserError):
            failed.with_user(self.user_manager_east).write({"result": "passed"})
        with self.assertRaises(UserError):
            failed.with_user(self.pm).action_confirm()
        with self.assertRaises(AccessError):
            failed.with_user(self.pm).write({"state": "draft"})
        with self.assertRaises(UserError):
            failed.unlink()
        # a new acceptance is made
        again = self._acceptance("stage", self.milestone_delivery)
        self.assertTrue(self.milestone_delivery.is_reached)
        self.assertEqual(self.project._spm_acceptance_pass_rate(), 0.0, "not passed the first time")
        self.assertNotEqual(again.name, failed.name)

    def test_conditional_and_failed_need_their_texts(self):
        acceptance = self._acceptance(result="conditional", confirm=False)
        acceptance.corrective_actions = False
        with self.assertRaises(UserError):
            acceptance.with_user(self.pm).action_confirm()
        acceptance.write({"result": "failed", "findings": False})
        with self.assertRaises(UserError):
            acceptance.with_user(self.pm).action_confirm()

    def test_signed_report_of_a_confirmed_acceptance_is_kept(self):
        acceptance = self._acceptance()
        report = self.env["ir.attachment"].search([("res_model", "=", "spm.acceptance"),
                                                   ("res_id", "=", acceptance.id)])
        with self.assertRaises(UserError):
            report.with_user(self.pm).unlink()
        with self.assertRaises(UserError):
            report.with_user(self.pm).write({"spm_document_type_id": False})

    def test_send_for_signature_mails_the_portal_link(self):
        acceptance = self._acceptance(confirm=False)
        acceptance.with_user(self.pm).action_send_for_signature()
        self.assertTrue(acceptance.access_token)
        message = acceptance.message_ids.filtered(lambda m: self.contact in m.partner_ids)[:1]
        self.assertIn(f"/my/acceptances/{acceptance.id}?access_token={acceptance.access_token}", message.body)
        self.assertTrue(acceptance.with_user(self.pm).action_preview()["url"].startswith("/my/acceptances/"))
        draft = self._acceptance(result=False, confirm=False)
        with self.assertRaises(UserError):
            draft.with_user(self.pm).action_send_for_signature()

    def test_online_signature_confirms_with_the_signers_name_and_time(self):
        acceptance = self._acceptance(signed=False, confirm=False)
        signature = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
        acceptance.sudo()._spm_sign("张明", signature)
        self.assertEqual((acceptance.state, acceptance.signed_by), ("confirmed", "张明"))
        self.assertTrue(acceptance.signed_on)
        self.assertTrue(acceptance.report_attached)
        self.assertEqual(self.project.spm_acceptance_date, acceptance.date)
        with self.assertRaises(UserError):
            acceptance.sudo()._spm_sign("张明", signature)

    def test_access(self):
        acceptance = self._acceptance(confirm=False)
        Acceptance = self.env["spm.acceptance"]
        # the team reads, another team does not; a salesperson of the team cannot record it
        self.assertEqual(Acceptance.with_user(self.user_manager_north).search([("id", "=", acceptance.id)]),
                         acceptance, "managers see every project's acceptances")
        self.assertFalse(Acceptance.with_user(self.user_sales_north).search([("id", "=", acceptance.id)]))
        with self.assertRaises(AccessError):
            acceptance.with_user(self.user_sales_north).read(["name"])
        with self.assertRaises(AccessError):
            acceptance.with_user(self.user_sales_north).action_confirm()
        with self.assertRaises(AccessError):
            Acceptance.with_user(self.user_sales_north).create({"project_id": self.project.id})
        # the accountant reads, does not record
        self.assertEqual(acceptance.with_user(self.user_accountant).result, "passed")
        with self.assertRaises(AccessError):
            acceptance.with_user(self.user_accountant).write({"result": "failed"})
        # other company
        as_b = Acceptance.with_user(self.user_sales_b).with_context(allowed_company_ids=self.company_b.ids)
        self.assertFalse(as_b.search([("id", "=", acceptance.id)]))
        # the state and the signature are the workflow's
        with self.assertRaises(AccessError):
            acceptance.with_user(self.pm).write({"signed_by": "伪造"})
        forged = Acceptance.with_user(self.pm).create({"project_id": self.project.id, "state": "confirmed",
                                                       "acceptance_type": "final", "result": "passed"})
        self.assertEqual(forged.state, "draft")
        self.assertFalse(self.project.spm_final_accepted)

    def test_project_lists_are_read_only_for_who_cannot_change_the_project(self):
        """A project manager of Odoo's project user group does not edit the project record (Odoo's rule): the
        project form shows its lists read-only to them instead of refusing the save with an access error; the
        acceptance's own documents are theirs to attach."""
        self.assertFalse(self.project.with_user(self.pm).spm_can_write)
        self.assertTrue(self.project.with_user(self.user_manager_east).spm_can_write)
        view = self.env["project.project"].with_user(self.pm).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="spm_can_write"', view)
        with self.assertRaises(AccessError):
            self.project.with_user(self.pm).write({"spm_checklist_ids": []})
