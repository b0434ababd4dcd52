from urllib.parse import urlencode

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.project.models.project_task import CLOSED_STATES
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.osv.expression import AND
from odoo.tools import plaintext2html

# what a customer raises themselves (return visits are planned by the company)
PORTAL_SERVICE_TYPES = ("complaint", "repair", "maintenance", "training")


class SpmServicePortal(CustomerPortal):
    """售后: the customer raises their service requests from the portal, follows them and confirms their
    resolution. A customer's requests are those of their company and its contacts, read in sudo within that
    domain (a colleague's request is theirs too); a request's page is opened as Odoo opens a task's, by the read
    rules or the request's access token."""

    def _spm_service_domain(self):
        return [("project_id.spm_is_after_sales", "=", True),
                ("partner_id", "child_of", request.env.user.partner_id.commercial_partner_id.id)]

    def _spm_sales_projects(self):
        """The sales projects the customer may raise a request about: their own."""
        return request.env["project.project"].sudo().search([
            ("spm_grade_id", "!=", False),
            ("partner_id", "child_of", request.env.user.partner_id.commercial_partner_id.id),
        ], order="name, id")

    @staticmethod
    def _spm_service_url(task, suffix="", **params):
        """The request's page, with its access token: the list reads the requests in sudo, its links open them
        as a shared link would."""
        query = urlencode({"access_token": task._portal_ensure_token(), **params})
        return f"/my/service/{task.id}{suffix}?{query}"

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "spm_service_count" in counters:
            values["spm_service_count"] = request.env["project.task"].sudo().search_count(self._spm_service_domain())
        return values

    # ------------------------------------------------------------
    # The customer's requests
    # ------------------------------------------------------------

    @http.route(["/my/service", "/my/service/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_spm_service(self, page=1, sortby=None, filterby=None, **_kw):
        Task = request.env["project.task"].sudo()
        searchbar_sortings = {
            "date": {"label": request.env._("Newest"), "order": "create_date desc, id desc"},
            "type": {"label": request.env._("Type"), "order": "spm_service_type, create_date desc, id desc"},
            "state": {"label": request.env._("Status"), "order": "state, create_date desc, id desc"},
        }
        searchbar_filters = {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {"label": request.env._("Open"), "domain": [("state", "not in", list(CLOSED_STATES))]},
            "closed": {"label": request.env._("Closed"), "domain": [("state", "in", list(CLOSED_STATES))]},
        }
        sortby = sortby if sortby in searchbar_sortings else "date"
        filterby = filterby if filterby in searchbar_filters else "all"
        domain = AND([self._spm_service_domain(), searchbar_filters[filterby]["domain"]])
        pager = portal_pager(url="/my/service", url_args={"sortby": sortby, "filterby": filterby},
                             total=Task.search_count(domain), page=page, step=self._items_per_page)
        service_requests = Task.search(domain, order=searchbar_sortings[sortby]["order"], limit=self._items_per_page,
                                       offset=pager["offset"])
        request.session["my_spm_service_history"] = service_requests.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            "service_requests": service_requests,
            "service_url": self._spm_service_url,
            "page_name": "spm_service",
            "default_url": "/my/service",
            "pager": pager,
            "searchbar_sortings": searchbar_sortings,
            "sortby": sortby,
            "searchbar_filters": searchbar_filters,
            "filterby": filterby,
        })
        return request.render("sales_project_management.portal_my_spm_service", values)

    # ------------------------------------------------------------
    # Raising a request
    # ------------------------------------------------------------

    @http.route(["/my/service/new"], type="http", auth="user", methods=["GET", "POST"], website=True)
    def portal_spm_service_new(self, **post):
        """The form (GET) and the request it raises (POST, with the CSRF token), in the customer's company's
        after-sales project: for the customer's contact, raised from the portal, followed by them."""
        projects = self._spm_sales_projects()
        if request.httprequest.method != "POST":
            return self._spm_service_form(projects)
        values, errors = self._spm_service_form_validate(post, projects)
        if errors:
            return self._spm_service_form(projects, post, errors, status=400)
        partner = request.env.user.partner_id
        sales_project = values.pop("spm_sales_project_id")
        company = sales_project.company_id or request.env.company
        task = request.env["project.task"].sudo().create({
            **values,
            "project_id": company._spm_after_sales_project().id,
            "partner_id": partner.id,
            "spm_sales_project_id": sales_project.id,
            "spm_channel": "portal",
        })
        task.message_subscribe(partner_ids=partner.ids)
        return request.redirect(self._spm_service_url(task, message="created"))

    def _spm_service_form_validate(self, post, projects):
        """The task's values from the posted form and the errors found, by field: every value is checked here, as
        the request is created in sudo."""
        errors = {}
        service_type = post.get("service_type")
        if service_type not in PORTAL_SERVICE_TYPES:
            errors["service_type"] = request.env._("Choose the type of your request.")
        sales_project = projects.browse()
        if post.get("sales_project_id"):
            sales_project = projects.filtered(lambda project: str(project.id) == post["sales_project_id"])
            if not sales_project:
                errors["sales_project_id"] = request.env._("Choose one of your projects.")
        severity = post.get("severity") or "medium"
        if service_type == "complaint" and severity not in self._spm_selection("spm_severity"):
            errors["severity"] = request.env._("Choose the severity of your complaint.")
        name = (post.get("name") or "").strip()
        if not name:
            errors["name"] = request.env._("Give your request a subject.")
        description = (post.get("description") or "").strip()
        values = {
            "name": name,
            "spm_service_type": service_type,
            "spm_sales_project_id": sales_project,
            "description": plaintext2html(description) if description else False,
        }
        if service_type == "complaint":
            values["spm_severity"] = severity
        return values, errors

    def _spm_selection(self, field_name):
        """The choices of a selection field of tasks, in the customer's language."""
        return dict(request.env["project.task"]._fields[field_name]._description_selection(request.env))

    def _spm_service_form(self, projects, post=None, errors=None, status=200):
        values = self._prepare_portal_layout_values()
        service_types = self._spm_selection("spm_service_type")
        values.update({
            "page_name": "spm_service_new",
            "service_types": [(key, service_types[key]) for key in PORTAL_SERVICE_TYPES],
            "severities": list(self._spm_selection("spm_severity").items()),
            "sales_projects": projects,
            "form": post or {"severity": "medium"},
            "errors": errors or {},
        })
        return request.render("sales_project_management.portal_spm_service_new", values, status=status)

    # ------------------------------------------------------------
    # A request's page and the confirmation of its resolution
    # ------------------------------------------------------------

    def _spm_service_access(self, task_id, access_token):
        """The request, in sudo, if the user may read it (or holds its token); None otherwise."""
        try:
            task_sudo = self._document_check_access("project.task", task_id, access_token)
        except (AccessError, MissingError):
            return None
        return task_sudo if task_sudo.project_id.spm_is_after_sales else None

    def _spm_service_record_pager(self, task_sudo):
        """The previous and next requests of the list last shown, on this page (Odoo's record pager links a task
        to its own task page)."""
        history = request.session.get("my_spm_service_history", [])
        if task_sudo.id not in history:
            return {"prev_record": False, "next_record": False}
        index = history.index(task_sudo.id)
        previous = task_sudo.browse(history[index - 1]).exists() if index else None
        following = task_sudo.browse(history[index + 1]).exists() if index + 1 < len(history) else None
        return {"prev_record": previous and self._spm_service_url(previous),
                "next_record": following and self._spm_service_url(following)}

    @http.route(["/my/service/<int:task_id>"], type="http", auth="public", website=True)
    def portal_my_spm_service_request(self, task_id, access_token=None, message=None, **kw):
        task_sudo = self._spm_service_access(task_id, access_token)
        if task_sudo is None:
            return request.redirect("/my")
        values = {
            "page_name": "spm_service",
            "service_request": task_sudo,
            "message": message,
            "confirm_url": f"/my/service/{task_sudo.id}/confirm",
        }
        values = self._get_page_view_values(task_sudo, access_token, values, "my_spm_service_history", False, **kw)
        values.update(self._spm_service_record_pager(task_sudo))
        return request.render("sales_project_management.portal_my_spm_service_request", values)

    @http.route(["/my/service/<int:task_id>/confirm"], type="http", auth="public", methods=["POST"], website=True)
    def portal_spm_service_confirm(self, task_id, access_token=None, **_kw):
        """The customer confirms the resolution of their done request, under their name. An employee looking at
        the page records it as done for the customer, with their own rights."""
        task_sudo = self._spm_service_access(task_id, access_token)
        if task_sudo is None:
            return request.redirect("/my")
        user = request.env.user
        try:
            with request.env.cr.savepoint():
                if user._is_internal():
                    task_sudo.with_env(request.env).action_spm_confirm_resolution()
                else:
                    signer = task_sudo.partner_id.name if user._is_public() else user.partner_id.name
                    task_sudo.action_spm_confirm_resolution(signer=signer)
        except (AccessError, UserError):
            return request.redirect(self._spm_service_url(task_sudo, message="not_confirmed"))
        return request.redirect(self._spm_service_url(task_sudo, message="confirmed"))
