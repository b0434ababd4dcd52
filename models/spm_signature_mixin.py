from odoo import api, fields, models
from odoo.exceptions import UserError


class SpmSignatureMixin(models.AbstractModel):
    """The customer's online signature of a document (the acceptance report, the project charter): the one
    mechanism, from the link mailed to the signatory (portal access by token, without an Odoo login).

    A model inheriting it declares:

    - ``_spm_signature_report``: the xmlid of the report the customer signs; its PDF at signing is attached
      (typed ``_spm_signature_document_type`` when given), so that the signed version is frozen;
    - ``_spm_signature_template``: the xmlid of the mail template sending the link;

    and implements ``_spm_can_be_signed`` (whether it waits for the signature), ``_spm_signature_partner``
    (who signs) and ``_spm_after_sign`` (what the signature settles). The signature fields belong to the
    model's workflow (declare them in its ``_spm_workflow_fields``): only ``_spm_sign`` sets them, in sudo,
    called by the portal controller.
    """
    _name = "spm.signature.mixin"
    _description = "Customer's Online Signature"
    _inherit = ["portal.mixin"]

    _spm_signature_report = None
    _spm_signature_template = None
    _spm_signature_document_type = None

    signature = fields.Image("Customer Signature", copy=False, attachment=True, max_width=1024, max_height=1024,
                             readonly=True)
    signed_by = fields.Char(copy=False, readonly=True)
    signed_on = fields.Datetime(copy=False, readonly=True)
    signature_url = fields.Char("Signing Link", compute="_compute_signature_url",
                                help="The link the customer's signatory opens to sign online.")

    @api.depends("signed_on", "access_token")
    def _compute_signature_url(self):
        for record in self:
            origin = record._origin
            can_sign = origin and record.access_token and origin._spm_can_be_signed()
            record.signature_url = origin.get_base_url() + origin.get_portal_url() if can_sign else False

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    def _spm_can_be_signed(self):
        """Whether the customer may sign it online now."""
        self.ensure_one()
        return not self.signed_on

    def _spm_signature_partner(self):
        """The customer's person who signs (the recipient of the link)."""
        self.ensure_one()
        return self.env["res.partner"]

    def _spm_signature_recipient(self):
        """Who the link is mailed to: the signatory."""
        return self._spm_signature_partner()

    def _spm_signature_lang(self):
        """The language of the signed PDF: the signatory's."""
        return self._spm_signature_partner().lang or self.env.lang

    def _spm_signature_filename(self):
        self.ensure_one()
        return self.display_name

    def _spm_after_sign(self):
        """What the signature settles (called in sudo, once the signed PDF is attached)."""
        return

    def _spm_not_waiting_message(self):
        return self.env._("This document is not waiting for a signature.")

    def _spm_signed_message(self):
        return self.env._("Signed online by %s.", self.signed_by)

    def _spm_cannot_send_message(self):
        return self.env._("%s is not waiting for a signature.", self.display_name)

    def _spm_no_signatory_message(self):
        return self.env._("%s: choose the customer's signatory, with an email address.", self.display_name)

    # ------------------------------------------------------------
    # The mechanism
    # ------------------------------------------------------------

    def _spm_sign(self, name, signature):
        """The customer's online signature (portal): the signed PDF is attached, then the model's
        workflow settles what it signs. Called in sudo by the portal controller."""
        self.ensure_one()
        if not self._spm_can_be_signed():
            raise UserError(self._spm_not_waiting_message())
        if not (name or "").strip() or not signature:
            raise UserError(self.env._("Give your name and your signature."))
        self.write({"signed_by": name.strip(), "signed_on": fields.Datetime.now(), "signature": signature})
        pdf = self.env["ir.actions.report"].with_context(lang=self._spm_signature_lang())._render_qweb_pdf(
            self._spm_signature_report, self.ids)[0]
        values = {"name": f"{self._spm_signature_filename()}.pdf", "res_model": self._name, "res_id": self.id,
                  "raw": pdf, "mimetype": "application/pdf"}
        if self._spm_signature_document_type:
            values["spm_document_type_id"] = self.env.ref(self._spm_signature_document_type).id
        self.env["ir.attachment"].create(values)
        self._spm_after_sign()
        self.message_post(body=self._spm_signed_message(), author_id=self._spm_signature_partner().id)

    def action_send_for_signature(self):
        """Mail the customer's signatory the link to sign online."""
        self.ensure_one()
        self.check_access("write")
        if not self._spm_can_be_signed():
            raise UserError(self._spm_cannot_send_message())
        partner = self._spm_signature_recipient()
        if not partner.email:
            raise UserError(self._spm_no_signatory_message())
        self._portal_ensure_token()
        template = self.env.ref(self._spm_signature_template)
        self.message_post_with_source(template, subtype_xmlid="mail.mt_comment", partner_ids=partner.ids)
        return True

    def action_preview(self):
        """The document as the customer sees it in the portal."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "self", "url": self.get_portal_url()}
