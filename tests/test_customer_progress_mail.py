import xmlrpc.client

from odoo import Command
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged

from .common import SpmWeeklyReportCommon

# what the internal weekly report of the fixture tells and the customer is never told
INTERNAL = ("1,000,000", "1000000", "300,000", "300000", "250,000", "道闸设备到货延迟", "HIS 接口文档未提供",
            "Budget", "Cost", "Risk", "Issue")


@tagged("post_install", "-at_install")
class TestCustomerProgressMail(SpmWeeklyReportCommon):
    """项目进展邮件: the weekly report of a sales project carries a customer section, pre-filled with facts the
    customer may read, that the project manager edits and sends to the customer's contact through Odoo's
    composer; the mail never carries the internal figures of the report."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "info@binjiang-traffic.example.com"
        cls.contact.email = "zhangming@binjiang-traffic.example.com"
        cls.contact_other = cls.env["res.partner"].create({
            "name": "刘芳", "parent_id": cls.customer.id, "email": "liufang@binjiang-traffic.example.com"})
        cls.user_pd = mail_new_test_user(
            cls.env, login="spm_t_pd", name="吴军", groups="base.group_user,sales_project_management.group_spm_user",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)], email="spm_t_pd@example.com")
        cls.project.write({"spm_member_ids": [
            Command.create({"role": "director", "user_id": cls.user_pd.id}),
            Command.create({"role": "customer_contact", "partner_id": cls.contact.id}),
        ]})
        cls.report = cls.env["project.update"].with_user(cls.user_sales_east).create(
            {"project_id": cls.project.id, "date": "2026-12-23",
             "spm_customer_needs": "<p>请于周五前提供停车场平面图</p>"}).with_env(cls.env)

    def _send(self, user, report=None, partners=None):
        report = report or self.report
        action = report.with_user(user).action_spm_customer_mail()
        composer = Form(self.env["mail.compose.message"].with_user(user).with_context(**action["context"]))
        if partners is not None:
            composer.partner_ids.clear()
            for partner in partners:
                composer.partner_ids.add(partner)
        composer.save().action_send_mail()
        return self.env["mail.message"].search(
            [("model", "=", "project.update"), ("res_id", "=", report.id), ("message_type", "=", "comment")],
            limit=1)

    def test_customer_section_is_prefilled_with_customer_facts(self):
        report = self.report
        progress = str(report.spm_customer_progress)
        self.assertIn(f"{report.progress} %", progress)
        self.assertIn(self.milestone.name, progress, "the milestone reached this week")
        done = self.env["project.task"].search([("milestone_id", "=", self.milestone.id), ("state", "=", "1_done")])
        self.assertEqual(len(done), 1)
        self.assertIn(done.name, progress, "the task completed this week")
        next_milestones = self.project.milestone_ids.filtered(
            lambda m: m.deadline and str(m.deadline) >= "2026-12-28" and str(m.deadline) <= "2027-01-03")
        for milestone in next_milestones:
            self.assertIn(milestone.name, str(report.spm_customer_next_steps))
        self.assertTrue(report.spm_customer_next_steps)
        self.assertIn("停车场平面图", str(report.spm_customer_needs), "what the manager typed is kept")
        for text in INTERNAL:
            self.assertNotIn(text, progress + str(report.spm_customer_next_steps))
        self.assertEqual(report.spm_customer_partner_id, self.contact, "the project team's customer contact")
        # the form pre-fills the same way
        form = Form(self.env["project.update"].with_user(self.user_sales_east).with_context(
            default_project_id=self.project.id, default_date="2026-12-30"))
        self.assertIn("%", str(form.spm_customer_progress))
        self.assertTrue(form.spm_customer_show_progress and form.spm_customer_show_needs)

    def test_mail_tells_progress_next_steps_and_needs_never_internal_figures(self):
        self.assertEqual(self.report.spm_budget, 1_000_000)
        self.assertIn("道闸设备到货延迟", str(self.report.description), "the internal report names the risk")
        preview = str(self.report.with_user(self.user_sales_east).spm_customer_preview)
        message = self._send(self.user_sales_east)
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertTrue(mail)
        for body in (preview, str(message.body), str(mail.body_html)):
            self.assertIn(self.project.name, body)
            self.assertIn(f"{self.report.progress} %", body)
            self.assertIn(self.milestone.name, body)
            self.assertIn("停车场平面图", body)
            for text in INTERNAL:
                self.assertNotIn(text, body)
        self.assertIn("2026-W52", message.subject)
        # a section not ticked does not go out
        self.report.with_user(self.user_sales_east).spm_customer_show_needs = False
        self.assertNotIn("停车场平面图", str(self.report.spm_customer_preview))
        message = self._send(self.user_sales_east)
        self.assertNotIn("停车场平面图", str(message.body))

    def test_sending_stamps_logs_and_reaches_the_contact_only(self):
        message = self._send(self.user_sales_east, partners=self.contact | self.contact_other)
        report = self.report
        self.assertEqual(message.partner_ids, self.contact | self.contact_other)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertTrue(report.spm_customer_sent_on)
        self.assertEqual(report.spm_customer_sent_by, self.user_sales_east)
        self.assertFalse(report.spm_sent_date, "the internal report is sent apart")
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual(mails.recipient_ids, self.contact | self.contact_other)
        self.assertFalse((self.contact | self.contact_other) & report.message_partner_ids,
                         "the customer receives the mail without following the internal report")
        self.assertNotIn("/mail/view", str(mails.body_html), "no link to the internal report")
        note = self.project.message_ids.filtered(lambda m: "2026-W52" in str(m.body))
        self.assertEqual(len(note), 1)
        self.assertTrue(note.subtype_id.internal, "noted in the project's chatter, internally")
        # sent again: logged again
        first = report.spm_customer_sent_on
        self._send(self.user_manager_east)
        self.assertEqual(report.spm_customer_sent_by, self.user_manager_east)
        self.assertGreaterEqual(report.spm_customer_sent_on, first)
        self.assertEqual(len(report.message_ids.filtered(lambda m: m.message_type == "comment")), 2)

    def test_a_portal_customer_sees_the_mail_and_nothing_internal(self):
        portal = self.env["res.users"].create({
            "login": "spm_t_portal_liufang", "partner_id": self.contact_other.id, "company_id": self.company.id,
            "company_ids": [Command.set(self.company.ids)],
            "groups_id": [Command.set(self.env.ref("base.group_portal").ids)]})
        self.project.sudo().privacy_visibility = "portal"
        self.project.message_subscribe(partner_ids=self.contact_other.ids)
        message = self._send(self.user_sales_east, partners=self.contact_other)
        mails = self.env["mail.mail"].sudo().search([("recipient_ids", "in", self.contact_other.ids)])
        self.assertEqual(mails.mail_message_id, message, "the progress mail only, not the project's internal note")
        self.assertNotIn("/mail/view", str(mails.body_html), "no link to the internal report")
        self.assertNotIn("/odoo/", str(mails.body_html))
        with self.assertRaises(AccessError):
            self.report.with_user(portal).check_access("read")
        note = self.project.message_ids.filtered(lambda m: "2026-W52" in str(m.body))
        self.assertTrue(note.is_internal or note.subtype_id.internal)

    def test_who_may_send(self):
        # the project manager, the project director, the team leader and a sales projects manager
        for user in (self.user_sales_east, self.user_pd, self.user_manager_east, self.user_director):
            self._send(user)
            self.assertEqual(self.report.spm_customer_sent_by, user)
        # not another team's salesperson, not an accountant
        for user in (self.user_sales_north, self.user_accountant):
            with self.assertRaises(AccessError, msg=user.name):
                self.report.with_user(user).action_spm_customer_mail()
        # nor through the composer opened with the context of the button
        action = self.report.with_user(self.user_sales_east).action_spm_customer_mail()
        with self.assertRaises(AccessError):
            self.report.with_user(self.user_sales_north).with_context(**action["context"]).message_post(
                body="x", message_type="comment", partner_ids=self.contact.ids)
        self.assertEqual(self.report.spm_customer_sent_by, self.user_director)

    def test_refused_without_customer_section_or_sales_project(self):
        report = self.report.with_user(self.user_sales_east)
        report.write({"spm_customer_show_progress": False, "spm_customer_show_next_steps": False})
        report.spm_customer_needs = "<p><br></p>"
        with self.assertRaisesRegex(UserError, "empty"):
            report.action_spm_customer_mail()
        plain = self.env["project.project"].create({"name": "内部项目", "company_id": self.company.id,
                                                    "partner_id": self.customer.id})
        update = self.env["project.update"].create(
            {"project_id": plain.id, "name": "Update", "status": "on_track", "spm_customer_needs": "<p>x</p>"})
        with self.assertRaisesRegex(UserError, "sales project"):
            update.action_spm_customer_mail()
        # the composer refuses a mail without recipient
        self.report.with_user(self.user_sales_east).spm_customer_show_progress = True
        with self.assertRaises(UserError):
            self._send(self.user_sales_east, partners=self.env["res.partner"])
        self.assertFalse(self.report.spm_customer_sent_on)

    def test_forged_sent_on_is_refused(self):
        report = self.report.with_user(self.user_sales_east)
        with self.assertRaises(AccessError):
            report.write({"spm_customer_sent_on": "2026-12-24 10:00:00"})
        with self.assertRaises(AccessError):
            report.write({"spm_customer_sent_by": self.user_sales_east.id})
        with self.assertRaises(AccessError):
            self.env["project.update"].with_user(self.user_sales_east).create(
                {"project_id": self.project.id, "date": "2026-12-30", "spm_customer_sent_on": "2026-12-31 10:00:00"})
        other = self.env["project.update"].with_user(self.user_sales_east).with_context(
            default_spm_customer_sent_on="2026-12-31 10:00:00", default_spm_customer_sent_by=self.user_pd.id,
        ).create({"project_id": self.project.id, "date": "2026-12-30"})
        self.assertFalse(other.spm_customer_sent_on or other.spm_customer_sent_by)
        # the customer section itself is the manager's to write
        report.spm_customer_progress = "<p>本周完成需求确认。</p>"
        self.assertIn("需求确认", str(report.spm_customer_preview))

    def test_results_are_rpc_marshallable(self):
        action = self.report.with_user(self.user_sales_east).action_spm_customer_mail()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(action["context"]["default_template_id"],
                         self.env.ref("sales_project_management.mail_template_spm_customer_progress").id)
        xmlrpc.client.dumps((action,), allow_none=False)
        composer = Form(self.env["mail.compose.message"].with_user(self.user_sales_east).with_context(
            **action["context"]))
        self.assertEqual(list(composer.partner_ids), list(self.contact), "addressed to the customer's contact")
        self.assertIn("2026-W52", composer.subject)
        result = composer.save().action_send_mail()
        xmlrpc.client.dumps((result,), allow_none=False)


@tagged("post_install", "-at_install")
class TestCustomerProgressMailTour(HttpCase, SpmWeeklyReportCommon):

    def test_project_manager_sends_the_progress_mail_from_the_form(self):
        self.customer.email = "info@binjiang-traffic.example.com"
        self.contact.email = "zhangming@binjiang-traffic.example.com"
        self.project.write({"spm_member_ids": [Command.create({"role": "customer_contact",
                                                                "partner_id": self.contact.id})]})
        report = self.env["project.update"].with_user(self.user_sales_east).create(
            {"project_id": self.project.id, "date": "2026-12-23",
             "spm_customer_needs": "<p>请于周五前提供停车场平面图</p>"})
        self.start_tour(f"/odoo/action-sales_project_management.spm_weekly_report_action/{report.id}",
                        "spm_customer_mail_tour", login=self.user_sales_east.login)
        self.assertEqual(report.spm_customer_sent_by, self.user_sales_east)
        message = report.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(message.partner_ids, self.contact)
