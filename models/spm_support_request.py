from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .spm_daily_report import RATINGS

SUPPORT_TYPES = [
    ("site_survey", "Site Survey"),
    ("solution_design", "Solution Design"),
    ("demo", "Product Demo"),
    ("bid_writing", "Bid Writing"),
    ("technical_qa", "Technical Q&A"),
]
SUPPORT_STATES = [
    ("draft", "Draft"),
    ("requested", "Requested"),
    ("assigned", "Assigned"),
    ("done", "Done"),
    ("refused", "Refused"),
]
# what the requester writes: changed while the request waits, then by the presales manager only
CONTENT_FIELDS = {"name", "lead_id", "type", "date_needed", "hours_estimated", "description"}
CLOSED_STATES = ("done", "refused")
PRESALES_GROUP = "sales_project_management.group_spm_presales"
PRESALES_MANAGER_GROUP = "sales_project_management.group_spm_presales_manager"
ACTIVITY_ASSIGN = "sales_project_management.mail_activity_type_support_assign"
ACTIVITY_WORK = "sales_project_management.mail_activity_type_support_work"
ACTIVITY_RATE = "sales_project_management.mail_activity_type_support_rate"


class SpmSupportRequest(models.Model):
    """资源求助: a salesperson asks the presales team for help on an opportunity (a site survey, a solution,
    a demo, a bid, technical answers).

    The presales manager assigns it to a presales engineer, who does it and logs the hours spent; the
    requester then rates the support once. Its status, engineer, dates, hours spent and rating are set by
    these steps only (``action_request``, ``action_assign``, ``action_log_hours``, ``action_done``,
    ``action_refuse``, ``action_rate``).
    """
    _name = "spm.support.request"
    _description = "Presales Support Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.workflow.mixin"]
    _order = "date_needed desc, id desc"
    _spm_workflow_fields = ("user_id", "state", "engineer_id", "date_requested", "date_assigned", "date_done",
                            "date_refused", "hours_spent", "refuse_reason", "rating", "rating_comment", "date_rated")
    _spm_parent_fields = ("lead_id",)

    name = fields.Char("Subject", required=True, tracking=True, compute="_compute_name", store=True, readonly=False,
                       precompute=True, help="By default the type of support and the opportunity.")
    # auto_join: the access rules test the opportunity's salesperson with a join, not a scan of the opportunities
    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, index=True, ondelete="cascade",
                              auto_join=True, tracking=True, domain="[('type', '=', 'opportunity')]")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    team_id = fields.Many2one(related="lead_id.team_id", store=True, index="btree_not_null", string="Sales Team")
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Customer")
    type = fields.Selection(SUPPORT_TYPES, string="Support Type", required=True, tracking=True)
    date_needed = fields.Date("Needed By", required=True, index=True, tracking=True,
                              help="The day the support must be given by; the engineer's activity is due then.")
    hours_estimated = fields.Float("Estimated Hours", tracking=True, help="The hours the support is expected to take.")
    hours_spent = fields.Float(readonly=True, copy=False, tracking=True,
                               help="Logged by the presales engineer.")
    description = fields.Html(help="What is needed: the customer's question, the site, the scenario of the demo…")
    user_id = fields.Many2one("res.users", string="Requested By", required=True, readonly=True, index=True,
                              default=lambda self: self.env.user, tracking=True)
    engineer_id = fields.Many2one("res.users", string="Presales Engineer", readonly=True, copy=False,
                                  index="btree_not_null", tracking=True, group_expand="_read_group_engineer_ids",
                                  help="Assigned by the presales manager.")
    state = fields.Selection(SUPPORT_STATES, string="Status", default="draft", required=True, readonly=True,
                             copy=False, index=True, tracking=True)
    date_requested = fields.Datetime("Requested On", readonly=True, copy=False)
    date_assigned = fields.Datetime("Assigned On", readonly=True, copy=False)
    date_done = fields.Datetime("Done On", readonly=True, copy=False)
    date_refused = fields.Datetime("Refused On", readonly=True, copy=False)
    refuse_reason = fields.Text("Reason for Refusal", readonly=True, copy=False, tracking=True)
    rating = fields.Selection(RATINGS, default="0", readonly=True, copy=False, tracking=True,
                              help="Given once by the requester when the support is done (1 to 5 stars).")
    rating_comment = fields.Text(readonly=True, copy=False)
    date_rated = fields.Datetime("Rated On", readonly=True, copy=False)
    is_requester = fields.Boolean(compute="_compute_roles")
    is_engineer = fields.Boolean(compute="_compute_roles")
    is_presales_manager = fields.Boolean(compute="_compute_roles")

    _sql_constraints = [
        ("hours_positive", "CHECK(hours_estimated >= 0 AND hours_spent >= 0)", "Hours cannot be negative."),
    ]

    @api.depends("type", "lead_id")
    def _compute_name(self):
        """A request is named after its type and opportunity until the requester gives it a subject."""
        labels = dict(self._fields["type"]._description_selection(self.env))
        for request in self:
            if not request.name and request.type and request.lead_id:
                request.name = f"{labels[request.type]} · {request.lead_id.name}"

    @api.depends("user_id", "engineer_id")
    @api.depends_context("uid")
    def _compute_roles(self):
        manager = self.env.user.has_group(PRESALES_MANAGER_GROUP)
        for request in self:
            request.is_requester = request.user_id == self.env.user
            request.is_engineer = request.engineer_id == self.env.user
            request.is_presales_manager = manager

    @api.model
    def _read_group_engineer_ids(self, engineers, _domain):
        """The board shows a column for every presales engineer of the companies at hand, busy or not."""
        return engineers | self.env["res.users"].search([
            ("groups_id", "in", self.env.ref(PRESALES_GROUP).ids), ("share", "=", False),
            ("company_ids", "in", self.env.companies.ids)])

    @api.constrains("lead_id")
    def _check_lead(self):
        for request in self:
            if request.lead_id.type != "opportunity":
                raise ValidationError(self.env._("A support request belongs to an opportunity, not to a lead."))

    def _spm_check_parents(self, _names):
        # asking for resources on an opportunity needs the right to work it
        self.lead_id._spm_check_work()

    def _spm_refuse(self, names):
        if names & {"user_id"}:
            raise AccessError(self.env._("A support request is requested by who writes it."))
        raise AccessError(self.env._(
            "The status, engineer, hours spent and rating of a support request change only through its steps "
            "(request, assign, done, refuse, rate)."))

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su and CONTENT_FIELDS & set(vals):
            self._spm_check_editor()
        res = super().write(vals)
        if "date_needed" in vals:
            work = self.env.ref(ACTIVITY_WORK)
            for request in self.filtered(lambda r: r.state == "assigned"):
                request.activity_ids.filtered(lambda a, w=work: a.activity_type_id == w).sudo().write(
                    {"date_deadline": request.date_needed})
        return res

    def _spm_check_editor(self):
        """The requester changes their request until an engineer is on it; the presales manager until it is
        closed."""
        manager = self.env.user.has_group(PRESALES_MANAGER_GROUP)
        for request in self:
            if request.state in CLOSED_STATES:
                raise UserError(self.env._("The support request “%s” is closed: it can no longer change.",
                                           request.name))
            if manager:
                continue
            if request.user_id != self.env.user:
                raise AccessError(self.env._("Only %(user)s, who requested “%(request)s”, or a presales manager "
                                             "changes it.", user=request.user_id.name, request=request.name))
            if request.state == "assigned":
                raise UserError(self.env._("“%(request)s” is assigned to %(engineer)s: ask the presales manager to "
                                           "change it.", request=request.name, engineer=request.engineer_id.name))

    @api.ondelete(at_uninstall=False)
    def _unlink_only_own_drafts(self):
        if self.env.su:
            return
        if self.filtered(lambda r: r.state != "draft" or r.user_id != self.env.user):
            raise UserError(self.env._("Only your own support request, while a draft, can be deleted."))

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def _spm_lock(self):
        """Lock the requests: of two steps taken at once (two managers assigning), the second sees the first."""
        self.check_access("read")
        self.env.cr.execute("SELECT id FROM spm_support_request WHERE id IN %s FOR UPDATE", [tuple(self.ids) or (0,)])
        self.invalidate_recordset(self._spm_workflow_fields)

    def _spm_check_presales_manager(self):
        if not self.env.su and not self.env.user.has_group(PRESALES_MANAGER_GROUP):
            raise AccessError(self.env._("Only a presales manager assigns or refuses support requests."))

    def _spm_check_engineer(self):
        for request in self:
            if request.engineer_id != self.env.user and not self.env.su:
                if not request.engineer_id:
                    raise UserError(self.env._("“%s” is not assigned to an engineer yet: a presales manager assigns it "
                                               "first.", request.name))
                raise AccessError(self.env._("Only %(engineer)s, the engineer assigned to “%(request)s”, logs its "
                                             "hours and marks it done.", engineer=request.engineer_id.name or "-",
                                             request=request.name))

    @api.model
    def _spm_hours(self, hours):
        """Hours given to a step, as a number of hours (a clear message for anything else)."""
        if isinstance(hours, bool):
            hours = None
        try:
            hours = float(hours)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Give the hours as a number.")) from error
        if hours < 0:
            raise UserError(self.env._("Hours cannot be negative."))
        return hours

    def _spm_presales_managers(self):
        """Who assigns the request: the company's presales manager (Settings), else every presales manager of
        the company."""
        self.ensure_one()
        company = self.company_id or self.env.company
        configured = company.spm_presales_manager_id
        if configured.active:
            return configured
        managers = self.env.ref(PRESALES_MANAGER_GROUP).sudo().users
        return managers.filtered(lambda u: u.active and not u.share and company in u.company_ids)

    def _spm_close_activities(self, xmlid, feedback):
        activity_type = self.env.ref(xmlid)
        self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).sudo().action_feedback(
            feedback=feedback)

    def action_request(self):
        """The requester sends the request to the presales manager, who gets an activity to assign it."""
        today = fields.Date.context_today(self)
        self._spm_lock()
        for request in self:
            if request.state != "draft":
                raise UserError(self.env._("The support request “%s” was already sent.", request.name))
            if request.user_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("Only %s, who wrote the support request, sends it.",
                                             request.user_id.name))
            if request.date_needed < today:
                raise UserError(self.env._("“%(request)s” is needed by %(date)s, a day already past: choose when the "
                                           "support is needed.", request=request.name, date=request.date_needed))
            request.sudo().write({"state": "requested", "date_requested": fields.Datetime.now()})
            managers = request._spm_presales_managers()
            if not managers:
                request.message_post(body=self.env._(
                    "No presales manager in %s: choose one in the settings to have the request assigned.",
                    request.company_id.name or self.env.company.name))
            for manager in managers:
                request.sudo().activity_schedule(
                    ACTIVITY_ASSIGN, user_id=manager.id,
                    summary=self.env._("Assign an engineer to the support request of %s", request.user_id.name))
        return True

    def action_assign(self, engineer_id):
        """The presales manager gives the request to a presales engineer (or to another one), who gets an
        activity due on the day the support is needed."""
        self._spm_check_presales_manager()
        if isinstance(engineer_id, models.BaseModel):
            engineer_id = engineer_id.id
        engineer = self.env["res.users"].browse(
            engineer_id if isinstance(engineer_id, int) and not isinstance(engineer_id, bool) else []).exists()
        if not engineer or not engineer.active or engineer.share or not engineer.has_group(PRESALES_GROUP):
            raise UserError(self.env._("Assign the support request to a presales engineer."))
        self._spm_lock()
        for request in self:
            if request.state not in ("requested", "assigned"):
                raise UserError(self.env._("Only a requested support request is assigned; “%s” is not one.",
                                           request.name))
            if request.company_id and request.company_id not in engineer.company_ids:
                raise UserError(self.env._("%(engineer)s does not work for %(company)s, the company of “%(request)s”.",
                                           engineer=engineer.name, company=request.company_id.name,
                                           request=request.name))
            if request.engineer_id == engineer:
                continue
            request.sudo().write({"state": "assigned", "engineer_id": engineer.id,
                                  "date_assigned": fields.Datetime.now()})
            request._spm_close_activities(ACTIVITY_ASSIGN, self.env._("Assigned to %s.", engineer.name))
            work = request.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(ACTIVITY_WORK))
            if work:
                work.sudo().write({"user_id": engineer.id})
            else:
                request.sudo().activity_schedule(
                    ACTIVITY_WORK, date_deadline=request.date_needed, user_id=engineer.id,
                    summary=self.env._("%(type)s for %(lead)s", type=dict(
                        self._fields["type"]._description_selection(self.env))[request.type],
                        lead=request.lead_id.name))
            request.sudo().message_subscribe(partner_ids=engineer.partner_id.ids)
        return True

    def action_log_hours(self, hours):
        """The engineer adds hours spent on the request while doing it."""
        hours = self._spm_hours(hours)
        if not hours:
            raise UserError(self.env._("Give the hours spent."))
        self._spm_lock()
        self._spm_check_engineer()
        for request in self:
            if request.state != "assigned":
                raise UserError(self.env._("Hours are logged on a support request being done; “%s” is not.",
                                           request.name))
            request.sudo().write({"hours_spent": request.hours_spent + hours})
        return True

    def action_done(self, hours_spent=None):
        """The engineer marks the support done with the hours it took in all (by default those logged); the
        requester is told and asked to rate it."""
        hours = None if hours_spent is None else self._spm_hours(hours_spent)
        self._spm_lock()
        self._spm_check_engineer()
        for request in self:
            if request.state != "assigned":
                raise UserError(self.env._("Only an assigned support request is done; “%s” is not.", request.name))
            total = request.hours_spent if hours is None else hours
            if not total:
                raise UserError(self.env._("Give the hours spent on “%s” to mark it done.", request.name))
            request.sudo().write({"state": "done", "hours_spent": total, "date_done": fields.Datetime.now()})
            request._spm_close_activities(ACTIVITY_WORK, self.env._("Done."))
            request.sudo().activity_schedule(
                ACTIVITY_RATE, user_id=request.user_id.id,
                summary=self.env._("Rate the support of %s", request.engineer_id.name))
            request.message_post(
                body=self.env._("Support done by %(engineer)s in %(hours)s hours. %(user)s, please rate it.",
                                engineer=request.engineer_id.name, hours=total, user=request.user_id.name),
                partner_ids=request.user_id.partner_id.ids, subtype_xmlid="mail.mt_comment")
        return True

    def action_refuse(self, reason):
        """The presales manager refuses the request with a reason, which the requester is told."""
        self._spm_check_presales_manager()
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("Give the reason to refuse the support request."))
        self._spm_lock()
        for request in self:
            if request.state not in ("requested", "assigned"):
                raise UserError(self.env._("Only a requested or assigned support request is refused; “%s” is not.",
                                           request.name))
            request.sudo().write({"state": "refused", "refuse_reason": reason.strip(),
                                  "date_refused": fields.Datetime.now()})
            request._spm_close_activities(ACTIVITY_ASSIGN, self.env._("Refused."))
            request._spm_close_activities(ACTIVITY_WORK, self.env._("Refused."))
            request.message_post(
                body=Markup("%s<br/>%s") % (self.env._("Support request refused by %s:", self.env.user.name),
                                            reason.strip()),
                partner_ids=request.user_id.partner_id.ids, subtype_xmlid="mail.mt_comment")
        return True

    def action_rate(self, rating, comment=None):
        """The requester rates the support done, once: 1 to 5 stars and a comment."""
        rating = str(rating) if isinstance(rating, int) and not isinstance(rating, bool) else rating
        if rating not in {key for key, _label in RATINGS[1:]}:
            raise UserError(self.env._("Rate the support from 1 to 5 stars."))
        if comment is not None and not isinstance(comment, str):
            raise UserError(self.env._("The rating comment is a text."))
        labels = dict(self._fields["rating"]._description_selection(self.env))
        self._spm_lock()
        for request in self:
            if request.user_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("Only %(user)s, who requested “%(request)s”, rates the support.",
                                             user=request.user_id.name, request=request.name))
            if request.state != "done":
                raise UserError(self.env._("Only a support request done is rated; “%s” is not.", request.name))
            if request.rating != "0":
                raise UserError(self.env._("The support of “%s” is already rated.", request.name))
            request.sudo().write({"rating": rating, "rating_comment": (comment or "").strip() or False,
                                  "date_rated": fields.Datetime.now()})
            request._spm_close_activities(ACTIVITY_RATE, labels[rating])
            request.message_post(body=self.env._("Rated by %(user)s: %(rating)s", user=self.env.user.name,
                                                 rating=labels[rating]))
        return True

    # ------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------

    def _spm_wizard(self, step, name, **defaults):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "spm.support.request.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id, "default_step": step,
                        **{f"default_{key}": value for key, value in defaults.items()}},
        }

    def action_open_assign(self):
        self._spm_check_presales_manager()
        return self._spm_wizard("assign", self.env._("Assign an Engineer"), engineer_id=self.engineer_id.id)

    def action_open_log_hours(self):
        self._spm_check_engineer()
        return self._spm_wizard("log", self.env._("Log Hours"))

    def action_open_done(self):
        self._spm_check_engineer()
        return self._spm_wizard("done", self.env._("Support Done"), hours=self.hours_spent)

    def action_open_refuse(self):
        self._spm_check_presales_manager()
        return self._spm_wizard("refuse", self.env._("Refuse the Support Request"))

    def action_open_rate(self):
        self.ensure_one()
        if self.user_id != self.env.user:
            raise AccessError(self.env._("Only %(user)s, who requested “%(request)s”, rates the support.",
                                         user=self.user_id.name, request=self.name))
        return self._spm_wizard("rate", self.env._("Rate the Support"))

    def action_open_lead(self):
        self.ensure_one()
        return self.lead_id._get_records_action(name=self.env._("Opportunity"))
