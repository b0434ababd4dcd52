from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .spm_customer_requirement import ATTITUDES, DECISION_ROLES

GEO_FIELDS = ("partner_latitude", "partner_longitude")
MANAGER_GROUP = "sales_project_management.group_spm_manager"
# what the class of a customer decides: set by a sales manager, with the reason
CLASS_FIELDS = ("spm_customer_class_id", "spm_class_reason")
# the customer file (客史档案): written by the customer's salesperson and their team (and managers)
FILE_FIELDS = ("spm_employee_count", "spm_annual_budget", "spm_needs", "spm_decision_role", "spm_attitude")
# the most customers a run of the visit reminders handles (the job runs again at once for the others)
REMINDER_BATCH = 1000


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "spm.workflow.mixin"]
    # who last set the customer's position on the map, and when: a visit's check-in keeps them; when the
    # class was set; the visit and file reminders sent
    _spm_workflow_fields = ("spm_geo_changed_by_id", "spm_geo_changed_on", "spm_class_date",
                            "spm_visit_reminded_due")

    spm_geo_changed_by_id = fields.Many2one("res.users", string="Located By", readonly=True, copy=False)
    spm_geo_changed_on = fields.Datetime("Located On", readonly=True, copy=False)

    # Customer class (客户分类) and the visits it asks for
    spm_customer_class_id = fields.Many2one(
        "spm.customer.class", string="Customer Class", index="btree_not_null", tracking=True, copy=False,
        help="How the customer is sold to and served: how often it is visited, and its return visits after "
             "delivery. Set by a sales manager, with the reason.")
    spm_class_reason = fields.Char("Class Reason", tracking=True, copy=False,
                                   help="Why the customer is in its class (asked when a manager sets it).")
    spm_class_date = fields.Date("Class Set On", readonly=True, copy=False)
    spm_visit_ids = fields.One2many("spm.visit", "partner_id", string="Customer Visits")
    spm_last_visit_held = fields.Datetime(
        "Last Visit Held", compute="_compute_spm_last_visit_held", store=True, compute_sudo=True,
        help="The last visit to the customer that took place (planned visits do not count until their day).")
    spm_visit_due_date = fields.Date(
        "Next Visit Due", compute="_compute_spm_visit_due_date", store=True, index="btree_not_null",
        help="The last visit held (or the day the class was set) plus the class's visit interval.")
    spm_visit_overdue = fields.Boolean("Visit Overdue", compute="_compute_spm_visit_overdue",
                                       search="_search_spm_visit_overdue",
                                       help="The customer has not been visited within its class's interval.")
    spm_visit_reminded_due = fields.Date("Visit Reminder Sent For", readonly=True, copy=False)

    # Channel partners (渠道商): they bring channel projects; their salesperson is the channel manager (渠道经理)
    spm_is_channel = fields.Boolean(
        "Channel Partner", tracking=True, copy=False,
        help="A partner who brings projects to the company (渠道商). Its salesperson is the channel manager, who "
             "earns the channel share of the commission on the projects it brings.")

    # The customer file (客史档案)
    spm_employee_count = fields.Integer("Employees", tracking=True)
    spm_currency_id = fields.Many2one("res.currency", string="Budget Currency", compute="_compute_spm_currency_id")
    spm_annual_budget = fields.Monetary("Annual Budget", currency_field="spm_currency_id", tracking=True,
                                        help="What the customer spends in a year on what we sell (estimated).")
    spm_needs = fields.Text("Needs", help="What the customer needs, its projects and plans.")
    spm_decision_role = fields.Selection(DECISION_ROLES, string="Role in the Decision", tracking=True,
                                         help="The part this contact plays in the customer's buying decisions.")
    spm_attitude = fields.Selection(ATTITUDES, string="Attitude", tracking=True,
                                    help="How this contact regards us.")
    spm_history_ids = fields.One2many("spm.customer.year", "partner_id", string="Buying History")
    spm_profile_completeness = fields.Float("File Completeness (%)", compute="_compute_spm_profile",
                                            digits=(16, 0))
    spm_profile_missing = fields.Char("Missing in the File", compute="_compute_spm_profile")
    spm_open_lead_count = fields.Integer("Open Opportunities", compute="_compute_spm_customer_counts")
    spm_project_count = fields.Integer("Sales Projects", compute="_compute_spm_customer_counts")
    spm_complaint_count = fields.Integer("Open Service Requests", compute="_compute_spm_customer_counts")

    @api.model
    def default_get(self, fields_list):
        """A class comes from a sales manager's decision, not from a context's default."""
        defaults = super().default_get(fields_list)
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            for name in CLASS_FIELDS:
                defaults.pop(name, None)
        return defaults

    @api.model
    def _spm_prepare_create(self, vals):
        if any(vals.get(name) for name in GEO_FIELDS):
            vals.update(spm_geo_changed_by_id=self.env.uid, spm_geo_changed_on=fields.Datetime.now())
        if vals.get("spm_customer_class_id"):
            self._spm_check_class_rights(vals)
            vals["spm_class_date"] = fields.Date.context_today(self)
        return vals

    def _spm_prepare_write(self, vals):
        if set(GEO_FIELDS) & vals.keys() and any(self._spm_changes(name, vals[name])
                                                  for name in GEO_FIELDS if name in vals):
            vals.update(spm_geo_changed_by_id=self.env.uid, spm_geo_changed_on=fields.Datetime.now())
        if any(name in vals and self._spm_changes(name, vals[name]) for name in CLASS_FIELDS):
            self._spm_check_class_rights(vals)
            if "spm_customer_class_id" in vals and self._spm_changes("spm_customer_class_id",
                                                                     vals["spm_customer_class_id"]):
                vals["spm_class_date"] = fields.Date.context_today(self)
        if any(name in vals for name in FILE_FIELDS) and not self.env.su:
            self._spm_check_file_rights()
        return vals

    def _spm_check_class_rights(self, vals):
        """A sales manager classifies a customer, and says why."""
        if self.env.su:
            return
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a sales manager classifies customers."))
        if vals.get("spm_customer_class_id") and not (vals.get("spm_class_reason") or "").strip():
            raise UserError(self.env._("Give the reason why the customer is in this class."))

    def _spm_check_file_rights(self):
        """The customer file is its salesperson's and their team's (and the managers'): a customer without
        salesperson is anyone's."""
        user = self.env.user
        if user.has_group(MANAGER_GROUP):
            return
        customers = self.sudo().commercial_partner_id.filtered("user_id")
        allowed = customers.browse()
        for customer in customers:
            if customer.user_id == user or user in customer._spm_team_users():
                allowed |= customer
        refused = customers - allowed
        if refused:
            raise AccessError(self.env._(
                "The file of %(customer)s is kept by its salesperson %(user)s and their team.",
                customer=refused[0].name, user=refused[0].user_id.name))

    def _spm_team_users(self):
        """The leaders and members of the sales team of the customer's salesperson."""
        self.ensure_one()
        teams = self.env["crm.team"].sudo().search([
            "|", ("user_id", "=", self.user_id.id), ("crm_team_member_ids.user_id", "=", self.user_id.id)])
        return teams.user_id | teams.crm_team_member_ids.user_id

    @api.depends("spm_visit_ids.date_start", "spm_visit_ids.partner_id")
    def _compute_spm_last_visit_held(self):
        partners = self.filtered("id")
        (self - partners).spm_last_visit_held = False
        if not partners:
            return
        rows = dict(self.env["spm.visit"].sudo()._read_group(
            [("partner_id", "in", partners.ids), ("date_start", "<=", fields.Datetime.now())],
            ["partner_id"], ["date_start:max"]))
        for partner in partners:
            partner.spm_last_visit_held = rows.get(partner, False)

    @api.depends("spm_customer_class_id.visit_interval_days", "spm_last_visit_held", "spm_class_date")
    def _compute_spm_visit_due_date(self):
        for partner in self:
            interval = partner.spm_customer_class_id.visit_interval_days
            held = partner.spm_last_visit_held
            base = fields.Datetime.context_timestamp(partner, held).date() if held else partner.spm_class_date
            partner.spm_visit_due_date = base + timedelta(days=interval) if interval and base else False

    @api.depends("spm_visit_due_date")
    @api.depends_context("tz")
    def _compute_spm_visit_overdue(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.spm_visit_overdue = bool(partner.spm_visit_due_date and partner.spm_visit_due_date < today)

    def _search_spm_visit_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        today = fields.Date.context_today(self)
        overdue = [("spm_visit_due_date", "<", today)]
        return overdue if (operator == "=") == value else ["|", ("spm_visit_due_date", "=", False),
                                                            ("spm_visit_due_date", ">=", today)]

    def _compute_spm_currency_id(self):
        for partner in self:
            partner.spm_currency_id = partner.company_id.currency_id or self.env.company.currency_id

    @api.depends("is_company", "industry_id", "spm_employee_count", "spm_annual_budget", "spm_needs",
                 "child_ids.spm_decision_role")
    @api.depends_context("lang")
    def _compute_spm_profile(self):
        items = self.env["spm.customer.requirement"].sudo().search([("active", "=", True)])
        companies = self.filtered(lambda p: p.is_company and p.id)
        held = items._spm_held_by(companies)
        (self - companies).spm_profile_completeness = 0.0
        (self - companies).spm_profile_missing = False
        for partner in companies:
            missing = items.filtered(lambda item, p=partner: item.id not in held[p.id])
            partner.spm_profile_completeness = 100.0 * (len(items) - len(missing)) / len(items) if items else 100.0
            partner.spm_profile_missing = ", ".join(missing.mapped("name")) or False

    def _compute_spm_customer_counts(self):
        companies = self.filtered("id")
        (self - companies).update({"spm_open_lead_count": 0, "spm_project_count": 0, "spm_complaint_count": 0})
        if not companies:
            return
        counts = {}
        for key, model, domain in (
            ("spm_open_lead_count", "crm.lead", [("type", "=", "opportunity"), ("active", "=", True),
                                                 ("probability", "<", 100)]),
            ("spm_project_count", "project.project", [("spm_grade_id", "!=", False)]),
            ("spm_complaint_count", "project.task", [("spm_service_type", "!=", False), ("is_closed", "=", False)]),
        ):
            rows = self.env[model]._read_group([("partner_id", "child_of", companies.ids), *domain],
                                               ["partner_id"], ["__count"])
            for customer, count in rows:
                counts.setdefault(key, {}).setdefault(customer.commercial_partner_id.id, 0)
                counts[key][customer.commercial_partner_id.id] += count
        for partner in companies:
            for key in ("spm_open_lead_count", "spm_project_count", "spm_complaint_count"):
                partner[key] = counts.get(key, {}).get(partner.id, 0)

    # ------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------

    @api.model
    def _cron_spm_customer_visits(self):
        """Daily: the customers whose last visit held moved (a planned visit whose day came) are brought up to
        date; then the salesperson of each customer that fell overdue gets one activity, once per overdue
        period. Only those customers are read (the index on the due date), not every partner."""
        now = fields.Datetime.now()
        visits = self.env["spm.visit"].sudo().search([("date_start", ">", now - timedelta(days=2)),
                                                      ("date_start", "<=", now)])
        if visits:
            self.env.add_to_compute(self._fields["spm_last_visit_held"], visits.partner_id)
            visits.partner_id.flush_recordset(["spm_last_visit_held", "spm_visit_due_date"])
        today = fields.Date.context_today(self)
        self.flush_model(["spm_visit_due_date", "spm_visit_reminded_due", "user_id", "active"])
        self.env.cr.execute(SQL("""
            SELECT id FROM res_partner
             WHERE spm_visit_due_date < %s AND active AND user_id IS NOT NULL
               AND spm_visit_reminded_due IS DISTINCT FROM spm_visit_due_date
        """, today))
        due = [row[0] for row in self.env.cr.fetchall()]
        # a run reminds a batch (the first run after classifying many customers is long): the job runs again
        # for the rest
        partners = self.sudo().browse(due[:REMINDER_BATCH])
        activity_type = self.env.ref("sales_project_management.mail_activity_type_customer_visit")
        model = self.env["ir.model"]._get_id("res.partner")
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create([{
            "res_model_id": model, "res_id": partner.id, "activity_type_id": activity_type.id,
            "user_id": partner.user_id.id, "date_deadline": today,
            "summary": self.env._("Visit %(customer)s: due since %(days)s day(s) (%(class)s)",
                                  customer=partner.name, days=(today - partner.spm_visit_due_date).days,
                                  **{"class": partner.spm_customer_class_id.name}),
        } for partner in partners])
        for partner in partners:
            partner.spm_visit_reminded_due = partner.spm_visit_due_date
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=len(due) - len(partners))
        return True

    @api.model
    def _cron_spm_customer_files(self):
        """Monthly: each salesperson is reminded once of the files of their customers that are not complete."""
        items = self.env["spm.customer.requirement"].sudo().search([("active", "=", True)])
        if not items:
            return True
        month = fields.Date.context_today(self).strftime("%Y-%m")
        customers = self.sudo().search([("is_company", "=", True), ("user_id", "!=", False),
                                        ("spm_customer_class_id", "!=", False)])
        held = items._spm_held_by(customers)
        incomplete = customers.filtered(lambda p: len(held[p.id]) < len(items))
        activity_type = self.env.ref("sales_project_management.mail_activity_type_customer_file")
        for user in incomplete.user_id.filtered(lambda u: u.active and u.spm_file_reminded_month != month):
            theirs = incomplete.filtered(lambda p, u=user: p.user_id == u)
            note = Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s: %s</li>") % (customer.name, customer.with_context(lang=user.lang).spm_profile_missing)
                for customer in theirs[:50])
            theirs[0].activity_schedule(
                activity_type_id=activity_type.id, user_id=user.id, note=note,
                summary=self.env._("Complete the files of %s customer(s)", len(theirs)))
            user.sudo().spm_file_reminded_month = month
        return True

    def action_spm_open_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        action.update(domain=[("partner_id", "child_of", self.id), ("type", "=", "opportunity")],
                      context={"default_partner_id": self.id})
        return action

    def action_spm_open_projects(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_project_management.spm_project_action_delivery")
        action.update(domain=[("partner_id", "child_of", self.id), ("spm_grade_id", "!=", False)], context={})
        return action

    def action_spm_open_service_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_service_request_action")
        action.update(domain=[("partner_id", "child_of", self.id)],
                      context={"default_partner_id": self.id, "search_default_open_tasks": 1,
                               "spm_service_request": True})
        return action

    spm_visit_count = fields.Integer("Number of Visits", compute="_compute_spm_visits",
                                     groups="sales_project_management.group_spm_user")
    spm_last_visit_date = fields.Datetime("Last Visit", compute="_compute_spm_visits",
                                          groups="sales_project_management.group_spm_user")

    def _compute_spm_visits(self):
        """The visits the user may see, to the partner or to any company or person under it."""
        self.spm_visit_count = 0
        self.spm_last_visit_date = False
        if not self.ids:
            return
        all_partners = self.with_context(active_test=False).search_fetch([("id", "child_of", self.ids)],
                                                                          ["parent_id"])
        figures = self.env["spm.visit"]._spm_visit_figures("partner_id", all_partners.ids)
        self_ids = set(self._ids)
        for visited in all_partners:
            count, last = figures.get(visited.id, (0, None))
            partner = visited
            while count and partner:
                if partner.id in self_ids:
                    partner.spm_visit_count += count
                    if last and (not partner.spm_last_visit_date or last > partner.spm_last_visit_date):
                        partner.spm_last_visit_date = last
                partner = partner.parent_id

    def action_spm_open_visits(self):
        self.ensure_one()
        return self.env["spm.visit"]._spm_visits_action(
            [("partner_id", "child_of", self.id)], {"default_partner_id": self.commercial_partner_id.id},
            self.env._("Visits"))
