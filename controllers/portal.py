import binascii

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request


class SpmAcceptancePortal(CustomerPortal):
    """The customer reads the acceptance certificate (验收报告) and signs it online, from the link
    mailed to them, as they sign a quotation."""

    @http.route(["/my/acceptances/<int:acceptance_id>"], type="http", auth="public", website=True)
    def portal_spm_acceptance(self, acceptance_id, access_token=None, report_type=None, download=False, **kw):
        try:
            acceptance = self._document_check_access("spm.acceptance", acceptance_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(model=acceptance, report_type=report_type,
                                     report_ref="sales_project_management.action_report_spm_acceptance",
                                     download=download)
        return request.render("sales_project_management.portal_spm_acceptance", {
            "acceptance": acceptance,
            "message": kw.get("message"),
            "res_company": acceptance.company_id,
        })

    @http.route(["/my/acceptances/<int:acceptance_id>/sign"], type="json", auth="public", website=True)
    def portal_spm_acceptance_sign(self, acceptance_id, access_token=None, name=None, signature=None):
        return self._spm_portal_sign("spm.acceptance", acceptance_id, access_token, name, signature,
                                     invalid_message=request.env._("Invalid acceptance."))

    def _spm_portal_sign(self, model, record_id, access_token, name, signature, *, invalid_message):
        """The one signing route of the documents of spm.signature.mixin (the acceptance report, the project
        charter): checked by the document's access token, signed in the document's workflow."""
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            document = self._document_check_access(model, record_id, access_token=access_token)
        except (AccessError, MissingError):
            return {"error": invalid_message}
        if not document._spm_can_be_signed():
            return {"error": document._spm_not_waiting_message()}
        if not signature:
            return {"error": request.env._("Signature is missing.")}
        try:
            with request.env.cr.savepoint():
                document._spm_sign(name, signature)
        except (TypeError, binascii.Error):
            return {"error": request.env._("Invalid signature data.")}
        except UserError as error:
            return {"error": str(error)}
        return {
            "force_refresh": True,
            "redirect_url": document.get_portal_url(query_string="&message=sign_ok"),
        }

    @http.route(["/my/charters/<int:charter_id>"], type="http", auth="public", website=True)
    def portal_spm_charter(self, charter_id, access_token=None, report_type=None, download=False, **kw):
        """The project charter the customer signs at the kickoff: this page and its PDF only."""
        try:
            charter = self._document_check_access("spm.project.charter", charter_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(model=charter, report_type=report_type,
                                     report_ref="sales_project_management.action_report_spm_charter_signature",
                                     download=download)
        return request.render("sales_project_management.portal_spm_charter", {
            "charter": charter,
            "project": charter.project_id,
            "message": kw.get("message"),
            "res_company": charter.company_id,
        })

    @http.route(["/my/charters/<int:charter_id>/sign"], type="json", auth="public", website=True)
    def portal_spm_charter_sign(self, charter_id, access_token=None, name=None, signature=None):
        return self._spm_portal_sign("spm.project.charter", charter_id, access_token, name, signature,
                                     invalid_message=request.env._("Invalid project charter."))
