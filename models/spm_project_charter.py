from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# what the signature freezes: a signed charter never changes again
SIGNED_FIELDS = {"project_id", "meeting_id", "signatory_id", "user_id", "state", "signature", "signed_by",
                 "signed_on"}


class SpmProjectCharter(models.Model):
    """《项目章程》签署: the project charter presented at the kickoff meeting (启动会) and signed by the customer
    online, with the acceptance's signature mechanism (spm.signature.mixin). The customer opens this record
    only, by its token: the charter, nothing internal. Signed, it is frozen, its PDF at signing attached."""
    _name = "spm.project.charter"
    _description = "Project Charter Signature"
    _inherit = ["spm.signature.mixin", "mail.thread", "spm.workflow.mixin"]
    _order = "id desc"
    _spm_workflow_fields = ("state", "signature", "signed_by", "signed_on")
    _spm_parent_fields = ("project_id", "meeting_id")
    _spm_create_ignores_workflow = True
    _spm_signature_report = "sales_project_management.action_report_spm_charter_signature"
    _spm_signature_template = "sales_project_management.mail_template_spm_charter_signature"
    _spm_signature_document_type = "sales_project_management.doc_type_charter"

    project_id = fields.Many2one("project.project", required=True, index=True, ondelete="restrict",
                                 domain="[('spm_grade_id', '!=', False)]", tracking=True)
    meeting_id = fields.Many2one("calendar.event", string="Kickoff Meeting", index="btree_not_null",
                                 ondelete="restrict", tracking=True,
                                 domain="[('spm_project_id', '=', project_id), ('spm_meeting_type', '=', 'kickoff')]")
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="project_id.partner_id", string="Customer", store=True)
    signatory_id = fields.Many2one("res.partner", string="Customer Signatory", tracking=True,
                                   help="The person of the customer who signs the project charter.")
    user_id = fields.Many2one("res.users", string="Our Representative", default=lambda self: self.env.user,
                              domain="[('share', '=', False)]", tracking=True)
    state = fields.Selection([("draft", "To Sign"), ("signed", "Signed")], default="draft", required=True,
                             readonly=True, copy=False, index=True, tracking=True)
    kickoff_held = fields.Boolean(compute="_compute_kickoff_held")

    @api.depends("meeting_id.spm_held_on")
    def _compute_kickoff_held(self):
        for charter in self:
            charter.kickoff_held = bool(charter.meeting_id.sudo().spm_held_on)

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for charter in self:
            charter.access_url = f"/my/charters/{charter.id}"
        return res

    @api.depends("project_id")
    def _compute_display_name(self):
        for charter in self:
            charter.display_name = self.env._("Project Charter %s", charter.project_id.name or "")

    @api.constrains("project_id", "meeting_id")
    def _check_meeting(self):
        for charter in self:
            meeting = charter.meeting_id.sudo()
            if meeting and (meeting.spm_project_id != charter.project_id or meeting.spm_meeting_type != "kickoff"):
                raise ValidationError(self.env._(
                    "The charter of %s is presented at a kickoff meeting of the same project.",
                    charter.project_id.name))

    # ------------------------------------------------------------
    # CRUD: the project's team prepares it; signed, it is frozen
    # ------------------------------------------------------------

    def _spm_check_parents(self, _names):
        self.project_id._spm_check_team(
            lambda names: self.env._("Only the team of the project %s presents its charter.", names))
        self.project_id._spm_check_open()

    def _spm_refuse(self, names):
        raise AccessError(self.env._("A project charter is signed by the customer online, not by hand."))

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su and SIGNED_FIELDS & set(vals) and self.filtered(lambda c: c.state == "signed"):
            raise UserError(self.env._("The project charter is signed and can no longer change."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        if self.filtered(lambda c: c.state == "signed"):
            raise UserError(self.env._("A signed project charter cannot be deleted."))

    # ------------------------------------------------------------
    # The online signature (spm.signature.mixin)
    # ------------------------------------------------------------

    def _spm_can_be_signed(self):
        self.ensure_one()
        return self.state == "draft" and not self.signed_on

    def _spm_signature_partner(self):
        return self.signatory_id or self.partner_id

    def _spm_signature_recipient(self):
        return self.signatory_id

    def _spm_after_sign(self):
        self.write({"state": "signed"})
        self.project_id.sudo().message_post(body=self.env._("Project charter signed online by %s.", self.signed_by))

    def _spm_not_waiting_message(self):
        return self.env._("This project charter is not waiting for a signature.")

    def _spm_signed_message(self):
        return self.env._("Project charter signed online by %s.", self.signed_by)

    def _spm_cannot_send_message(self):
        return self.env._("The project charter of %s is already signed.", self.project_id.name)
