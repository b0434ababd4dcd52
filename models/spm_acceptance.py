from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

MANAGER_GROUP = "sales_project_management.group_spm_manager"
ACCEPTANCE_REPORT = "sales_project_management.doc_type_acceptance"
# what the confirmation fixes: a confirmed acceptance never changes again (a new one is made)
CONFIRMED_FIELDS = {"project_id", "acceptance_type", "milestone_id", "date", "result", "signatory_id", "user_id",
                    "findings", "corrective_actions", "state", "signature", "signed_by", "signed_on"}


class SpmAcceptance(models.Model):
    """验收: a stage or final acceptance of a delivery project, with the customer's signed report.

    Confirming a passed acceptance is what the delivery waits for: a stage acceptance marks its
    milestone reached (milestone installments of the collection plan fall due), the final one sets
    the project's acceptance date (acceptance installments are dated from it) and opens the
    acceptance gate. The customer may sign the certificate online from the portal.
    """
    _name = "spm.acceptance"
    _description = "Acceptance"
    _inherit = ["spm.signature.mixin", "mail.thread", "mail.activity.mixin", "spm.workflow.mixin"]
    _order = "date desc, id desc"
    # confirmed with the button “Confirm” or by the customer's online signature only
    _spm_workflow_fields = ("name", "state", "confirmed_by_id", "confirmed_on", "signature", "signed_by", "signed_on")
    _spm_parent_fields = ("project_id",)
    _spm_create_ignores_workflow = True
    # the customer's online signature (spm.signature.mixin): the certificate, typed as the acceptance report
    _spm_signature_report = "sales_project_management.action_report_spm_acceptance"
    _spm_signature_template = "sales_project_management.mail_template_spm_acceptance_signature"
    _spm_signature_document_type = ACCEPTANCE_REPORT

    name = fields.Char("Reference", required=True, readonly=True, copy=False, index="trigram",
                       default=lambda self: self.env._("New"))
    project_id = fields.Many2one("project.project", required=True, index=True, ondelete="restrict",
                                 tracking=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="project_id.partner_id", string="Customer", store=True, index=True)
    grade_id = fields.Many2one(related="project_id.spm_grade_id", store=True, string="Grade")
    acceptance_type = fields.Selection([("stage", "Stage Acceptance"), ("final", "Final Acceptance")],
                                       string="Type", required=True, default="stage", tracking=True)
    milestone_id = fields.Many2one("project.milestone", ondelete="restrict", tracking=True,
                                   domain="[('project_id', '=', project_id)]",
                                   help="The milestone this stage acceptance accepts: it is reached when passed.")
    date = fields.Date("Acceptance Date", required=True, default=fields.Date.context_today, tracking=True)
    result = fields.Selection([("passed", "Passed"), ("conditional", "Passed with Conditions"),
                               ("failed", "Failed")], tracking=True)
    signatory_id = fields.Many2one("res.partner", string="Customer Signatory", tracking=True,
                                   help="The person of the customer who signs the acceptance report.")
    user_id = fields.Many2one("res.users", string="Our Representative", default=lambda self: self.env.user,
                              domain="[('share', '=', False)]", tracking=True)
    findings = fields.Html()
    corrective_actions = fields.Html()
    state = fields.Selection([("draft", "Draft"), ("confirmed", "Confirmed")], default="draft", required=True,
                             readonly=True, copy=False, index=True, tracking=True)
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    confirmed_on = fields.Datetime(readonly=True, copy=False)
    report_attached = fields.Boolean("Signed Report Attached", compute="_compute_report_attached",
                                     help="A document of the type “Acceptance Report” is attached.")
    satisfaction_ids = fields.One2many("spm.satisfaction", "acceptance_id")
    # its documents with their type (the signed report, the archive's documents), typed where they are attached
    spm_attachment_ids = fields.One2many(
        "ir.attachment", "res_id", string="Documents", domain=[("res_model", "=", "spm.acceptance")])
    satisfaction_score = fields.Float(compute="_compute_satisfaction_score", digits=(3, 2), compute_sudo=True)
    # links to share by hand (e.g. in a chat): the customer opens them without an Odoo login
    signature_url = fields.Char("Signing Link", compute="_compute_share_urls",
                                help="The link the customer's signatory opens to sign the acceptance report online.")
    satisfaction_survey_url = fields.Char(
        "Survey Link", compute="_compute_share_urls",
        help="The link of the satisfaction survey not answered yet: the customer answers it without an Odoo login.")

    @api.depends("state")
    def _compute_report_attached(self):
        report_type = self.env.ref(ACCEPTANCE_REPORT)
        attached = set(self.env["ir.attachment"].sudo().search([
            ("res_model", "=", self._name), ("res_id", "in", self._origin.ids),
            ("spm_document_type_id", "=", report_type.id)]).mapped("res_id"))
        for acceptance in self:
            acceptance.report_attached = acceptance._origin.id in attached

    @api.depends("satisfaction_ids.score")
    def _compute_satisfaction_score(self):
        for acceptance in self:
            scores = acceptance.satisfaction_ids.filtered("score").mapped("score")
            acceptance.satisfaction_score = sum(scores) / len(scores) if scores else 0.0

    @api.depends("state", "signed_on", "access_token", "satisfaction_ids")
    def _compute_share_urls(self):
        pending = {}
        if self._origin.ids:
            answers = self.env["survey.user_input"].sudo().search(
                [("spm_acceptance_id", "in", self._origin.ids), ("state", "!=", "done")], order="id")
            pending = {answer.spm_acceptance_id.id: answer for answer in answers}
        for acceptance in self:
            origin = acceptance._origin
            can_sign = origin and acceptance.state == "draft" and acceptance.access_token and not acceptance.signed_on
            acceptance.signature_url = origin.get_base_url() + origin.get_portal_url() if can_sign else False
            answer = pending.get(origin.id)
            acceptance.satisfaction_survey_url = answer.get_base_url() + answer.spm_start_url() if answer else False

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for acceptance in self:
            acceptance.access_url = f"/my/acceptances/{acceptance.id}"
        return res

    @api.depends("name", "project_id")
    def _compute_display_name(self):
        for acceptance in self:
            acceptance.display_name = f"{acceptance.name} {acceptance.project_id.name or ''}".strip()

    @api.constrains("project_id", "acceptance_type", "milestone_id")
    def _check_milestone(self):
        for acceptance in self:
            if acceptance.milestone_id and acceptance.milestone_id.project_id != acceptance.project_id:
                raise ValidationError(self.env._("%s: the milestone belongs to another project.", acceptance.name))
            if acceptance.acceptance_type == "final" and acceptance.milestone_id:
                raise ValidationError(self.env._(
                    "%s: a final acceptance accepts the whole project, not a milestone.", acceptance.name))

    # ------------------------------------------------------------
    # CRUD: drafts are edited by the project team; a confirmed acceptance is final
    # ------------------------------------------------------------

    @api.model
    def _spm_prepare_create(self, vals):
        vals["name"] = self.env["ir.sequence"].next_by_code("spm.acceptance") or self.env._("New")
        return vals

    def _spm_check_parents(self, _names):
        """Recorded by the project's team, on a project still open."""
        self.project_id._spm_check_team(
            lambda names: self.env._("Only the team of the project %s records its acceptances.", names))
        self.project_id._spm_check_open()

    def _spm_refuse(self, names):
        raise AccessError(self.env._(
            "An acceptance is confirmed with the button “Confirm” or by the customer's online signature."))

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su:
            frozen = CONFIRMED_FIELDS & set(vals)
            confirmed = self.filtered(lambda a: a.state == "confirmed")
            if frozen and confirmed:
                raise UserError(self.env._(
                    "The acceptance %s is confirmed and can no longer change: record a new acceptance.",
                    confirmed[0].name))
            self.project_id._spm_check_open()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        for acceptance in self:
            if acceptance.state == "confirmed":
                raise UserError(self.env._("The acceptance %s is confirmed and cannot be deleted.", acceptance.name))

    # ------------------------------------------------------------
    # Confirmation
    # ------------------------------------------------------------

    def _spm_report_attachments(self):
        self.ensure_one()
        return self.env["ir.attachment"].sudo().search([
            ("res_model", "=", self._name), ("res_id", "=", self.id),
            ("spm_document_type_id", "=", self.env.ref(ACCEPTANCE_REPORT).id)])

    def _spm_check_confirmable(self):
        """What a confirmation needs, whoever confirms: a result, the accepted milestone, the signed
        report attached, and nothing that a confirmed acceptance already settled."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("The acceptance %s is already confirmed.", self.name))
        if not self.result:
            raise UserError(self.env._("%s: record the result of the acceptance before confirming it.", self.name))
        if self.date > fields.Date.context_today(self):
            raise UserError(self.env._(
                "%(acceptance)s is dated %(date)s: an acceptance is confirmed once it took place, not before.",
                acceptance=self.name, date=self.date))
        if self.acceptance_type == "stage" and not self.milestone_id:
            raise UserError(self.env._("%s: choose the milestone this stage acceptance accepts.", self.name))
        if self.result == "conditional" and not self.corrective_actions:
            raise UserError(self.env._(
                "%s: a pass with conditions needs the corrective actions agreed with the customer.", self.name))
        if self.result == "failed" and not self.findings:
            raise UserError(self.env._("%s: a failed acceptance needs its findings.", self.name))
        if not self._spm_report_attachments():
            raise UserError(self.env._(
                "%s: attach the acceptance report signed by the customer (document type “Acceptance Report”) "
                "before confirming, or have the customer sign it online.", self.name))
        passed = self.project_id.spm_acceptance_ids.filtered(
            lambda a: a.state == "confirmed" and a.result == "passed" and a.acceptance_type == self.acceptance_type
            and a.milestone_id == self.milestone_id)
        if passed:
            if self.acceptance_type == "final":
                raise UserError(self.env._("The project %(project)s already passed its final acceptance (%(ref)s).",
                                           project=self.project_id.name, ref=passed[0].name))
            raise UserError(self.env._("The milestone %(milestone)s already passed its acceptance (%(ref)s).",
                                       milestone=self.milestone_id.name, ref=passed[0].name))

    def _spm_lock(self):
        """Lock the acceptance and what its pass changes (the milestone or the project), so that two
        people confirming at once cannot both count: the second is told to try again, and then
        sees what the first settled."""
        self.ensure_one()
        self.env.flush_all()
        table, row = ((SQL("project_milestone"), self.milestone_id.id)
                      if self.acceptance_type == "stage" and self.milestone_id
                      else (SQL("project_project"), self.project_id.id))
        locked = self.env.execute_query(SQL("SELECT id FROM spm_acceptance WHERE id = %s FOR UPDATE SKIP LOCKED",
                                            self.id))
        if locked:
            locked = self.env.execute_query(SQL("SELECT id FROM %s WHERE id = %s FOR UPDATE SKIP LOCKED", table, row))
        if not locked:
            raise UserError(self.env._("%s is being confirmed by someone else right now: try again in a moment.",
                                       self.name))
        self.env.invalidate_all()

    def _spm_confirm(self):
        """Confirm (in the workflow's rights): the milestone is reached, the project accepted."""
        self.ensure_one()
        self._spm_lock()
        self._spm_check_confirmable()
        self.sudo().write({"state": "confirmed", "confirmed_on": fields.Datetime.now(),
                           "confirmed_by_id": self.env.uid if self.env.user._is_internal() else False})
        if self.result == "passed":
            if self.acceptance_type == "stage":
                # the milestone is reached on the acceptance date: its installments fall due from it
                milestone = self.milestone_id.sudo()
                milestone.is_reached = True
                milestone.reached_date = self.date
            else:
                self.project_id.sudo().spm_acceptance_date = self.date
                # the warranty starts: its service commitments and return visits are planned
                self.project_id._spm_plan_service()
        labels = dict(self._fields["result"]._description_selection(self.env))
        self.project_id.sudo().message_post(body=Markup("%s <a href='#' data-oe-model='spm.acceptance' "
                                                        "data-oe-id='%s'>%s</a>: %s") % (
            self.env._("Acceptance confirmed:"), self.id, self.name, labels[self.result]))

    def action_confirm(self):
        """Confirm the acceptance recorded with the customer (the project team or a manager)."""
        for acceptance in self:
            acceptance.check_access("write")
            acceptance._spm_confirm()
        return True

    def _spm_can_be_signed(self):
        """The customer may sign online: a draft whose result is recorded."""
        self.ensure_one()
        return self.state == "draft" and bool(self.result) and not self.signed_on

    # the online signature (spm.signature.mixin): the signed certificate becomes the acceptance report and
    # the acceptance is confirmed
    def _spm_signature_partner(self):
        return self.signatory_id or self.partner_id

    def _spm_signature_recipient(self):
        return self.signatory_id

    def _spm_signature_lang(self):
        return self.signatory_id.lang or self.partner_id.lang or self.env.lang

    def _spm_signature_filename(self):
        return self.name

    def _spm_after_sign(self):
        self._spm_confirm()

    def _spm_not_waiting_message(self):
        return self.env._("This acceptance is not waiting for a signature.")

    def _spm_signed_message(self):
        return self.env._("Acceptance report signed online by %s.", self.signed_by)

    def _spm_cannot_send_message(self):
        return self.env._("%s: record the result of a draft acceptance before asking for the signature.", self.name)

    def _spm_no_signatory_message(self):
        return self.env._("%s: choose the customer's signatory, with an email address.", self.name)

    def action_send_satisfaction_survey(self):
        """Mail the customer the satisfaction survey of this phase (answered without an Odoo login)."""
        self.ensure_one()
        self.check_access("write")
        partner = self.signatory_id or self.project_id._spm_customer_contact()
        if not partner.email:
            raise UserError(self.env._("%s: the customer's contact has no email address.", self.name))
        self.env["spm.satisfaction"]._spm_invite(self, partner)
        return True

    def action_satisfaction_survey_link(self):
        """A link of the satisfaction survey to share by hand (e.g. in a chat), without mailing it: the
        customer's contact answers from it without an Odoo login."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "confirmed":
            raise UserError(self.env._("%s: the customer scores a phase once its acceptance is confirmed.", self.name))
        if not self.satisfaction_survey_url:
            partner = self.signatory_id or self.project_id._spm_customer_contact()
            self.env["spm.satisfaction"]._spm_invite(self, partner, send=False)
            self.invalidate_recordset(["satisfaction_survey_url"])
        return True
