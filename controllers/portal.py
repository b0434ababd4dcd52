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
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            acceptance = self._document_check_access("spm.acceptance", acceptance_id, access_token=access_token)
        except (AccessError, MissingError):
            return {"error": request.env._("Invalid acceptance.")}
        if not acceptance._spm_can_be_signed():
            return {"error": request.env._("This acceptance is not waiting for a signature.")}
        if not signature:
            return {"error": request.env._("Signature is missing.")}
        try:
            with request.env.cr.savepoint():
                acceptance._spm_sign(name, signature)
        except (TypeError, binascii.Error):
            return {"error": request.env._("Invalid signature data.")}
        except UserError as error:
            return {"error": str(error)}
        return {
            "force_refresh": True,
            "redirect_url": acceptance.get_portal_url(query_string="&message=sign_ok"),
        }
