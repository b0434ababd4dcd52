from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, create_index, plaintext2html

MANAGER_GROUP = "sales_project_management.group_spm_manager"
# what the default gates read: the gate status of a lead in the cache is recomputed when they change
GATE_INPUTS = ("stage_id", "team_id", "write_date", "partner_id", "calendar_event_ids.start",
               "calendar_event_ids.spm_meeting_type",
               "spm_visit_ids.date_start", "spm_feasibility_score", "spm_checklist_ids",
               "spm_attachment_ids.spm_document_type_id", "order_ids.state",
               "spm_initiation_approved", "spm_support_request_ids.state", "spm_support_request_ids.type",
               "spm_bid_ids.state", "spm_bid_ids.result")
# the states of an initiation request (立项申请), shared with the opportunity's summary of its last request
INITIATION_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("returned", "Returned"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "spm.gated.mixin", "spm.workflow.mixin"]
    _spm_stage_model = "crm.stage"
    _spm_scope_field = "team_id"
    _spm_log_fields = ("lead_id", "stage_from_id", "stage_to_id")
    _spm_wizard_fields = ("lead_id", "stage_id")
    # linked by the 立项 approval; a manager may link a project by hand (``_spm_check_project_link``)
    _spm_workflow_fields = ("spm_project_id",)

    # Grading (项目等级评定)
    spm_grade_id = fields.Many2one(
        "spm.grade", string="Grade", compute="_compute_spm_grade_id", store=True, readonly=False,
        index="btree_not_null", tracking=True, ondelete="restrict",
        help="Computed from the expected revenue; a manager may raise it by hand with a reason.")
    spm_grade_manual = fields.Boolean(
        "Grade Set by Hand", copy=False, tracking=True,
        help="Keep the grade chosen by a manager instead of the one the expected revenue gives.")
    spm_grade_reason = fields.Text("Reason for the Grade", copy=False, tracking=True)
    spm_grade_criterion_line_ids = fields.One2many(
        "spm.lead.grade.criterion", "lead_id", string="Grading Criteria Met", copy=False,
        help="The criteria of the grading table (项目等级评定表) the opportunity meets, with their evidence: any one "
             "gives its grade.")
    spm_grade_criterion_ids = fields.Many2many(
        "spm.grade.criterion", string="Grading Criteria", compute="_compute_spm_grade_criterion_ids",
        inverse="_inverse_spm_grade_criterion_ids", search="_search_spm_grade_criterion_ids",
        help="The criteria ticked on the opportunity (their evidence, who and when are on the lines).")
    spm_grade_amount_id = fields.Many2one(
        "spm.grade", string="Grade by Amount", compute="_compute_spm_grade_amount_id", store=True,
        help="The grade the expected revenue alone gives.")
    spm_grade_reasons = fields.Text(
        "Why This Grade", compute="_compute_spm_grade_reasons", compute_sudo=True,
        help="What gives the opportunity its grade: the expected revenue, the criteria met, a manager's raise.")
    # Channel (渠道项目)
    spm_channel_partner_id = fields.Many2one(
        "res.partner", string="Channel Partner", index="btree_not_null", tracking=True, ondelete="restrict",
        domain="[('spm_is_channel', '=', True)]",
        help="The channel partner (渠道商) who brought the project, if any: the project is a channel project.")
    spm_sales_channel = fields.Selection(
        [("direct", "Direct"), ("channel", "Channel")], string="Sales Channel", compute="_compute_spm_sales_channel",
        store=True, help="Channel: brought by a channel partner. Direct: sold by the company itself.")

    # Opportunity assessment (项目机会评估)
    spm_assessment_ids = fields.One2many("spm.lead.assessment", "lead_id", string="Assessment", copy=True)
    spm_feasibility_score = fields.Float(
        "Feasibility Score", compute="_compute_spm_feasibility_score", store=True, digits=(3, 2),
        aggregator="avg", help="Weighted mean of the assessment scores (1 to 5).")
    spm_competitor_ids = fields.One2many("spm.lead.competitor", "lead_id", string="Competitors", copy=True)
    spm_strategy = fields.Selection(
        [("avoid", "Avoid"), ("compete", "Compete"), ("follow", "Follow")], string="Strategy", tracking=True,
        help="Avoid: do not pursue. Compete: commit resources to win. Follow: keep in touch and watch.")
    spm_customer_budget = fields.Monetary("Customer Budget", currency_field="company_currency", tracking=True)
    spm_key_risks = fields.Text(
        "Key Risks", compute="_compute_spm_key_risks", inverse="_inverse_spm_key_risks", compute_sudo=True,
        help="What could make us lose or fail this project; kept as a risk of the register, marked as coming from "
             "the assessment.")

    # Risk register (风险登记册)
    spm_risk_ids = fields.One2many("spm.risk", "lead_id", string="Risks")
    spm_risk_high_count = fields.Integer("High Risks", compute="_compute_spm_risk_high_count", store=True,
                                         help="Open risks of level high.")

    # Documents and gates
    spm_attachment_ids = fields.One2many(
        "ir.attachment", "res_id", string="Documents", domain=[("res_model", "=", "crm.lead")])
    spm_checklist_ids = fields.One2many("spm.lead.checklist", "lead_id", string="Checklist")
    spm_gate_log_ids = fields.One2many("spm.gate.log", "lead_id", string="Gate Log")
    # stored: the form shows the log behind a button, so that opening an opportunity reads no log
    spm_gate_log_count = fields.Integer("Gate Log Entries", compute="_compute_spm_gate_log_count", store=True)
    spm_next_stage_id = fields.Many2one("crm.stage", string="Next Stage", compute="_compute_spm_next_stage_id")
    # Initiation (立项) and the delivery project
    spm_initiation_ids = fields.One2many("spm.initiation", "lead_id", string="Initiation Requests")
    spm_initiation_state = fields.Selection(INITIATION_STATES, string="Initiation",
                                            compute="_compute_spm_initiation_state", store=True)
    spm_initiation_approved = fields.Boolean(
        "Initiation Approved", compute="_compute_spm_initiation_approved", store=True,
        help="An initiation request was approved at the opportunity's grade or a higher one.")
    spm_initiation_note = fields.Char("Initiation Status", compute="_compute_spm_initiation_note", compute_sudo=True)
    spm_visit_logged = fields.Boolean(
        "Customer Visit Logged", compute="_compute_spm_visit_logged", search="_search_spm_visit_logged",
        compute_sudo=True, help="A customer visit (拜访) or a meeting with the customer has taken place (a planned one "
                                "does not count).")
    # Visits (客户拜访)
    spm_visit_ids = fields.One2many("spm.visit", "lead_id", string="Visits")
    spm_visit_count = fields.Integer("Number of Visits", compute="_compute_spm_visits",
                                     groups="sales_project_management.group_spm_user")
    spm_last_visit_date = fields.Datetime("Last Visit", compute="_compute_spm_visits",
                                          groups="sales_project_management.group_spm_user")
    spm_project_id = fields.Many2one("project.project", string="Delivery Project", copy=False,
                                     index="btree_not_null", ondelete="set null",
                                     help="Set by the initiation (立项) approval; a manager may link a project of the "
                                          "same customer.")
    # Presales support (资源求助)
    spm_support_request_ids = fields.One2many("spm.support.request", "lead_id", string="Support Requests")
    spm_support_request_count = fields.Integer("Number of Support Requests",
                                               compute="_compute_spm_support_request_count",
                                               groups="sales_project_management.group_spm_user")
    spm_contract_amount = fields.Monetary("Contract Value", compute="_compute_spm_project_figures",
                                          currency_field="company_currency")
    spm_collected_amount = fields.Monetary("Collected", compute="_compute_spm_project_figures",
                                           currency_field="company_currency")
    spm_collection_progress = fields.Float("Collected (%)", compute="_compute_spm_project_figures")
    # Bids (投标)
    spm_bid_ids = fields.One2many("spm.bid", "lead_id", string="Bids")
    spm_bid_count = fields.Integer("Number of Bids", compute="_compute_spm_bid_count",
                                   groups="sales_project_management.group_spm_user")

    @api.private
    def init(self):
        res = super().init()
        # A pipeline column: the opportunities of one stage in crm's order (priority, newest first), 80 at
        # a time. This index hands them over in that order. Without it PostgreSQL either sorts the stage's
        # rows (12,800 of 100,000 opportunities: ~20 ms) or walks crm's priority index backwards, filtering
        # out the other stages (~70 ms); which one it picks turns on the table's statistics and width.
        create_index(self.env.cr, "crm_lead_spm_stage_priority_id_index", self._table,
                     ["stage_id", "priority DESC", "id DESC"])
        return res

    @api.depends("expected_revenue", "company_id", "spm_grade_manual",
                 "spm_grade_criterion_line_ids.criterion_id.grade_id")
    def _compute_spm_grade_id(self):
        grades, scales = self.env["spm.grade"].sudo().search([]), {}  # pylint: disable=no-search-all
        for lead in self:
            automatic = lead._spm_automatic_grade(grades, scales)
            manual = lead.spm_grade_id if lead.spm_grade_manual else grades.browse()
            # a grade set by hand sticks unless it is lower, or another company's (the lead moved)
            if manual and not manual.company_id - lead.company_id \
                    and lead._spm_grade_rank(manual, scales) <= lead._spm_grade_rank(automatic, scales):
                continue
            lead.spm_grade_id = automatic

    def _spm_grade_scale(self, grades, scales):
        """The company's scale of grades, highest first (``scales``: a cache of each company's scale)."""
        company = self.company_id
        if company not in scales:
            scales[company] = grades._spm_scale(company)
        return scales[company]

    def _spm_grade_rank(self, grade, scales):
        """The place of ``grade`` in the opportunity's scale (0 is the highest); no grade ranks last."""
        ranked = [item[1] for item in scales.get(self.company_id, [])]
        return ranked.index(grade) if grade in ranked else len(ranked)

    def _spm_automatic_grade(self, grades, scales):
        """The highest of the grade the expected revenue gives and those of the grading criteria met. An
        opportunity without a company is graded on the shared grades as written, whoever reads it."""
        scale = self._spm_grade_scale(grades, scales)
        by_amount = grades._spm_pick(self.expected_revenue, self.company_id, scale)
        candidates = [by_amount] + [grade for grade in self.sudo().spm_grade_criterion_line_ids.criterion_id.grade_id
                                    if any(grade == item[1] for item in scale)]
        candidates = [grade for grade in candidates if grade]
        if not candidates:
            return grades.browse()
        return min(candidates, key=lambda grade: self._spm_grade_rank(grade, scales))

    @api.depends("expected_revenue", "company_id")
    def _compute_spm_grade_amount_id(self):
        grades, scales = self.env["spm.grade"].sudo().search([]), {}  # pylint: disable=no-search-all
        for lead in self:
            lead.spm_grade_amount_id = grades._spm_pick(lead.expected_revenue, lead.company_id,
                                                        lead._spm_grade_scale(grades, scales))

    @api.depends("spm_grade_criterion_line_ids.criterion_id")
    def _compute_spm_grade_criterion_ids(self):
        for lead in self:
            lead.spm_grade_criterion_ids = lead.spm_grade_criterion_line_ids.criterion_id

    def _inverse_spm_grade_criterion_ids(self):
        for lead in self:
            lines = lead.spm_grade_criterion_line_ids
            wanted = lead.spm_grade_criterion_ids
            new = wanted - lines.criterion_id
            lines.filtered(lambda line, wanted=wanted: line.criterion_id not in wanted).unlink()
            if new:
                self.env["spm.lead.grade.criterion"].create(
                    [{"lead_id": lead.id, "criterion_id": criterion.id} for criterion in new])

    def _search_spm_grade_criterion_ids(self, operator, value):
        return [("spm_grade_criterion_line_ids.criterion_id", operator, value)]

    @api.depends("spm_channel_partner_id")
    def _compute_spm_sales_channel(self):
        for lead in self:
            lead.spm_sales_channel = "channel" if lead.spm_channel_partner_id else "direct"

    @api.depends("spm_grade_amount_id", "spm_grade_id", "spm_grade_manual", "spm_grade_reason",
                 "spm_grade_criterion_line_ids.criterion_id", "spm_grade_criterion_line_ids.evidence")
    @api.depends_context("lang")
    def _compute_spm_grade_reasons(self):
        for lead in self:
            lead.spm_grade_reasons = "\n".join(lead._spm_grade_reason_lines()) or False

    def _spm_grade_reason_lines(self):
        """The reasons of the opportunity's grade, one per line, the grade of each named. Read from stored
        figures (the form reads no grade scale)."""
        self.ensure_one()
        lines = []
        if not self.spm_grade_criterion_line_ids and not self.spm_grade_manual:
            return lines  # the expected revenue alone: the grade says it
        if self.spm_grade_amount_id:
            lines.append(self.env._("%(grade)s: by its expected revenue", grade=self.spm_grade_amount_id.name))
        for line in self.spm_grade_criterion_line_ids:
            reason = self.env._("%(grade)s: %(criterion)s", grade=line.criterion_id.grade_id.name,
                                criterion=line.criterion_id.name)
            if (line.evidence or "").strip():
                reason += self.env._(" (evidence: %s)", line.evidence.strip())
            lines.append(reason)
        if self.spm_grade_manual and self.spm_grade_id:
            lines.append(self.env._("%(grade)s: raised by hand: %(reason)s", grade=self.spm_grade_id.name,
                                    reason=(self.spm_grade_reason or "").strip()))
        return lines

    def _spm_check_criterion_removal(self):
        """A criterion met by an opportunity whose 立项 is approved is removed by a manager only: the grade
        it gave decided the approval chain."""
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        approved = self.filtered("spm_initiation_approved")
        if approved:
            raise AccessError(self.env._(
                "The initiation (立项) of “%s” is approved at the grade its criteria gave: only a sales projects "
                "manager removes one of them.", ", ".join(approved.mapped("name"))))

    @api.model
    def _spm_recompute_automatic_grades(self):
        """Grade thresholds changed: every lead not graded by hand follows them."""
        leads = self.with_context(active_test=False).sudo().search([("spm_grade_manual", "=", False)])
        self.env.add_to_compute(self._fields["spm_grade_id"], leads)
        everyone = self.with_context(active_test=False).sudo().search([])  # pylint: disable=no-search-all
        self.env.add_to_compute(self._fields["spm_grade_amount_id"], everyone)

    @api.constrains("spm_grade_id", "spm_grade_manual", "spm_grade_reason", "expected_revenue")
    def _check_spm_grade(self):
        grades, scales = self.env["spm.grade"].sudo().search([]), {}  # pylint: disable=no-search-all
        for lead in self:
            grade_company = lead.spm_grade_id.company_id
            if grade_company and grade_company != lead.company_id:
                raise ValidationError(self.env._("“%(lead)s” cannot take the grade “%(grade)s” of another company.",
                                                 lead=lead.name, grade=lead.spm_grade_id.name))
            automatic = lead._spm_automatic_grade(grades, scales)
            if lead.spm_grade_manual:
                if not lead.spm_grade_id:
                    raise ValidationError(self.env._("“%s”: choose the grade to set by hand.", lead.name))
                if not (lead.spm_grade_reason or "").strip():
                    raise ValidationError(self.env._("“%s”: a grade set by hand needs a reason.", lead.name))
                if lead._spm_grade_rank(lead.spm_grade_id, scales) > lead._spm_grade_rank(automatic, scales):
                    raise ValidationError(self.env._(
                        "“%(lead)s”: a grade can only be raised by hand; its expected revenue already makes it "
                        "“%(grade)s”.", lead=lead.name, grade=automatic.name))
            elif lead.spm_grade_id != automatic:
                raise ValidationError(self.env._(
                    "“%(lead)s”: its expected revenue makes it “%(grade)s”. To choose another grade, a manager "
                    "sets it by hand with a reason.", lead=lead.name, grade=automatic.name or self.env._("no grade")))

    @api.constrains("spm_channel_partner_id")
    def _check_spm_channel_partner(self):
        for lead in self.filtered(lambda lead: not lead.spm_channel_partner_id):
            channel_only = lead.sudo().spm_grade_criterion_line_ids.criterion_id.filtered("requires_channel")
            if channel_only:
                raise ValidationError(self.env._(
                    "“%(lead)s” meets the channel criterion “%(criterion)s”: remove it before the channel partner.",
                    lead=lead.name, criterion=channel_only[0].name))
        for lead in self.filtered("spm_channel_partner_id"):
            if not lead.spm_channel_partner_id.commercial_partner_id.spm_is_channel \
                    and not lead.spm_channel_partner_id.spm_is_channel:
                raise ValidationError(self.env._(
                    "“%(lead)s”: %(partner)s is not a channel partner (tick Channel Partner on its contact form).",
                    lead=lead.name, partner=lead.spm_channel_partner_id.display_name))

    @api.constrains("expected_revenue", "spm_customer_budget")
    def _check_spm_amounts(self):
        for lead in self:
            if lead.expected_revenue < 0 or lead.spm_customer_budget < 0:
                raise ValidationError(self.env._("“%s”: the expected revenue and the customer's budget cannot be "
                                                 "negative.", lead.name))

    @api.constrains("stage_id", "company_id")
    def _check_spm_stage_company(self):
        """A company's own pipeline (the stages of its teams, with their gates) is not usable in another."""
        for lead in self:
            company = lead.stage_id.team_id.company_id
            if company and lead.company_id and company != lead.company_id:
                raise ValidationError(self.env._(
                    "“%(lead)s” cannot enter the stage “%(stage)s” of another company's sales team.",
                    lead=lead.name, stage=lead.stage_id.name))

    @api.depends("spm_assessment_ids.score", "spm_assessment_ids.weight")
    def _compute_spm_feasibility_score(self):
        for lead in self:
            scored = lead.spm_assessment_ids.filtered("score")
            weight = sum(scored.mapped("weight"))
            lead.spm_feasibility_score = (
                sum(line.score * line.weight for line in scored) / weight if weight else 0.0)

    def _spm_gate_inputs(self):
        return GATE_INPUTS

    @api.depends("spm_risk_ids.level", "spm_risk_ids.state")
    def _compute_spm_risk_high_count(self):
        for lead in self:
            lead.spm_risk_high_count = len(lead.spm_risk_ids.filtered(
                lambda r: r.state == "open" and r.level == "high"))

    @api.depends("spm_risk_ids.is_assessment_risk", "spm_risk_ids.description")
    def _compute_spm_key_risks(self):
        for lead in self:
            lead.spm_key_risks = lead.spm_risk_ids.filtered("is_assessment_risk")[:1].description

    def _inverse_spm_key_risks(self):
        self._spm_register_key_risks({lead.id: lead.spm_key_risks for lead in self})

    @api.model
    def _spm_register_key_risks(self, texts):
        """The key risks of the assessment are a risk of the register: create it, or update its description.

        :param texts: {lead id: key risks text}; also used by the upgrade that moved the text into the register
        """
        Risk = self.env["spm.risk"].sudo()  # part of the opportunity, which the caller may change
        leads = self.browse(texts).exists()
        existing = {risk.lead_id.id: risk for risk in Risk.search([("lead_id", "in", leads.ids),
                                                                   ("is_assessment_risk", "=", True)])}
        new = []
        for lead in leads:
            text = (texts[lead.id] or "").strip()
            if lead.id in existing:
                existing[lead.id].description = text or False
            elif text:
                new.append({
                    "name": text.splitlines()[0][:80],
                    "description": text,
                    "lead_id": lead.id,
                    "project_id": lead.spm_project_id.id,
                    "owner_id": lead.user_id.id,
                    "is_assessment_risk": True,
                })
        Risk.create(new)

    @api.model
    def _spm_document_domain(self, document_type):
        """Opportunities with a document of this type attached."""
        return [("spm_attachment_ids.spm_document_type_id", "=", document_type.id)]

    @api.model
    def _spm_initiation_approved_domain(self):
        """Leads whose initiation (立项) is approved at their current grade (or a higher one)."""
        return [("spm_initiation_approved", "=", True)]

    @api.depends("spm_initiation_ids.state")
    def _compute_spm_initiation_state(self):
        for lead in self:
            lead.spm_initiation_state = lead.spm_initiation_ids.sorted("id")[-1:].state or False

    def _spm_approved_initiations(self):
        """(approved requests, those approved at the lead's grade or a higher one)"""
        self.ensure_one()
        approved = self.spm_initiation_ids.filtered(lambda r: r.state == "approved")
        return approved, approved.filtered(lambda r: r.grade_id.min_amount >= self.spm_grade_id.min_amount)

    @api.depends("spm_grade_id.min_amount", "spm_initiation_ids.state", "spm_initiation_ids.grade_id.min_amount")
    def _compute_spm_initiation_approved(self):
        """An approval counts for the grade it was given at, or a lower one: when the opportunity's
        grade rises above it, 立项 must be approved again at the new grade."""
        for lead in self:
            lead.spm_initiation_approved = bool(lead._spm_approved_initiations()[1])

    @api.depends("spm_grade_id", "spm_initiation_ids.state", "spm_initiation_ids.grade_id", "spm_initiation_state",
                 "spm_initiation_approved", "spm_bid_ids.state", "spm_bid_ids.result")
    @api.depends_context("lang")
    def _compute_spm_initiation_note(self):
        for lead in self:
            lead.spm_initiation_note = False
            # read from the stored figures: no request, or one approved at this grade, needs no note
            # (the form of most opportunities then reads no initiation request)
            if not lead.spm_initiation_state or lead.spm_initiation_approved:
                continue
            approved, enough = lead._spm_approved_initiations()
            if approved and not enough:
                last = approved.sorted("id")[-1]
                lead.spm_initiation_note = self.env._(
                    "Initiation %(request)s was approved at the grade “%(old)s”; the opportunity is now “%(new)s”: "
                    "request the initiation again for approval at this grade.",
                    request=last.name, old=last.grade_id.name, new=lead.spm_grade_id.name)

    @api.depends("calendar_event_ids.start", "calendar_event_ids.active", "calendar_event_ids.spm_meeting_type",
                 "spm_visit_ids.date_start")
    def _compute_spm_visit_logged(self):
        now = fields.Datetime.now()
        for lead in self:
            lead.spm_visit_logged = bool(lead.calendar_event_ids._spm_held()) or any(
                visit.date_start <= now for visit in lead.spm_visit_ids)

    def _search_spm_visit_logged(self, operator, value):
        """A visit of anyone counts, whoever searches: the gate is the same for everyone."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        now = fields.Datetime.now()
        visits = self.env["spm.visit"].sudo()._search([("date_start", "<=", now), ("lead_id", "!=", False)])
        # the meetings as the opportunity's calendar_event_ids reads them: archived ones do not count
        Meeting = self.env["calendar.event"].sudo()
        meetings = Meeting._search(Meeting._spm_held_domain())
        # one subquery rather than two ORed: PostgreSQL turns it into a semi-join, so deciding the gate
        # for a few opportunities reads their visits off the lead_id index instead of hashing every visit
        held = SQL("(%s UNION ALL %s)", visits.subselect(SQL.identifier(visits.table, "lead_id")),
                   meetings.subselect(SQL.identifier(meetings.table, "opportunity_id")))
        return [("id", "in" if (operator == "=") == value else "not in", held)]

    def _compute_spm_visits(self):
        """The visits the user may see: how many, and the last one held."""
        figures = self.env["spm.visit"]._spm_visit_figures("lead_id", self._origin.ids)
        for lead in self:
            lead.spm_visit_count, lead.spm_last_visit_date = figures.get(lead._origin.id, (0, False))

    @api.depends("spm_support_request_ids")
    def _compute_spm_support_request_count(self):
        """The support requests the user may see (those the form's tab reads: no query of its own)."""
        for lead in self:
            lead.spm_support_request_count = len(lead.spm_support_request_ids)

    @api.model
    def _spm_support_done_domain(self, support_type):
        """Opportunities with a support request of this type done (the gate "Support request done")."""
        return [("spm_support_request_ids", "any", (("state", "=", "done"), ("type", "=", support_type)))]

    @api.depends("spm_bid_ids")
    def _compute_spm_bid_count(self):
        """The bids the user may see (those the form's tab reads: no query of its own)."""
        for lead in self:
            lead.spm_bid_count = len(lead.spm_bid_ids)

    @api.depends("spm_project_id")
    def _compute_spm_project_figures(self):
        """The delivery project's collection figures, for those who may read the project."""
        projects = self.spm_project_id
        readable = projects._filtered_access("read") - projects._spm_figures_hidden()
        for lead in self:
            project = lead.spm_project_id & readable
            lead.spm_contract_amount = project.spm_amount_planned
            lead.spm_collected_amount = project.spm_amount_received
            lead.spm_collection_progress = project.spm_collection_progress

    def _spm_sticky_failing(self):
        """Opportunities whose 立项 was approved at a grade below the one they have now: past the 立项 stage,
        they move forward again once the new chain approves (an opportunity that passed 立项 by a manager's
        override, never approved, is not stopped again)."""
        regraded = self.filtered(lambda lead: not lead.spm_initiation_approved and lead.spm_initiation_state)
        return regraded.filtered(lambda lead: lead.sudo()._spm_approved_initiations()[0])

    def _spm_check_work(self):
        """Records that count for an opportunity (its assessment, visits, documents, 立项...) are put under it
        only by those who may work it: who may change it."""
        if self.env.su or not self:
            return
        try:
            self.check_access("write")
        except AccessError as error:
            raise AccessError(self.env._(
                "Only those who work an opportunity (its salesperson, its sales team, a manager) add to it or move "
                "records onto it.")) from error

    def _spm_check_lost_reason(self, vals):
        if "lost_reason_id" in vals:
            missing = self if not vals["lost_reason_id"] else self.browse()
        else:
            missing = self.filtered(lambda lead: not lead.lost_reason_id)
        missing = missing.filtered(lambda lead: lead.active and lead.type == "opportunity")
        if missing:
            raise UserError(self.env._("Give a lost reason to mark these opportunities as lost: %s",
                              ", ".join(missing.mapped("name"))))

    def _spm_check_grade_rights(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a sales projects manager can set the grade of an opportunity by hand."))

    def _spm_check_project_link(self, project_id):
        """The delivery project is linked by the 立项 workflow; a manager may link one by hand, only
        a project of the opportunity's customer and company that no other opportunity owns."""
        if self.env.su:
            return
        changed = self.filtered(lambda lead: lead.spm_project_id.id != (project_id or False))
        if not changed:
            return
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._(
                "The delivery project of an opportunity is created by its initiation (立项) approval; only a sales "
                "projects manager links a project by hand."))
        if not project_id:
            return
        if len(self) > 1:
            raise UserError(self.env._("A project is the delivery project of one opportunity only."))
        project = self.env["project.project"].browse(project_id)
        project.check_access("write")
        for lead in changed:
            if project.sudo().spm_lead_id not in (lead, self.env["crm.lead"]):
                raise UserError(self.env._("The project “%(project)s” is already the delivery project of “%(lead)s”.",
                                           project=project.name, lead=project.sudo().spm_lead_id.name))
            if project.company_id and project.company_id != lead.company_id:
                raise UserError(self.env._("The project “%(project)s” belongs to another company than “%(lead)s”.",
                                           project=project.name, lead=lead.name))
            customer = lead.partner_id.commercial_partner_id
            if not customer or project.partner_id.commercial_partner_id != customer:
                raise UserError(self.env._(
                    "Only a project of the opportunity's customer can be linked to “%(lead)s”; “%(project)s” is "
                    "not one.", lead=lead.name, project=project.name))

    def _spm_workflow_writable(self, names):
        return {"spm_project_id"} & names if self.env.user.has_group(MANAGER_GROUP) else set()

    def _spm_refuse(self, names):
        if "spm_project_id" in names:
            raise AccessError(self.env._(
                "The delivery project of an opportunity is created by its initiation (立项) approval; only a sales "
                "projects manager links a project by hand."))
        return super()._spm_refuse(names)

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        # after the context's defaults: a grade set by hand is a manager's, however it is given
        if leads.filtered(lambda lead: lead.spm_grade_manual or lead.spm_grade_reason):
            self._spm_check_grade_rights()
        for lead in leads.filtered("spm_project_id"):
            if not lead.spm_project_id.sudo().spm_lead_id:
                lead.spm_project_id.sudo().spm_lead_id = lead
        if not self._spm_gates_bypassed():
            leads._spm_check_stage_moves(None)
        return leads

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if "spm_attachment_ids" in vals and self.env.context.get("default_type") not in (None, "binary", "url"):
            # the opportunity form's default type ("opportunity") is not a type of the documents created with it
            self = self.with_context(default_type="binary")  # noqa: PLW0642
        if {"spm_grade_manual", "spm_grade_reason"} & set(vals):
            self._spm_check_grade_rights()
        if "spm_project_id" in vals:
            self._spm_check_project_link(vals["spm_project_id"])
        if "active" in vals and not vals["active"]:
            self._spm_check_lost_reason(vals)
        check_moves = "stage_id" in vals and not self._spm_gates_bypassed()
        old_stages = {lead.id: lead.stage_id.id for lead in self} if check_moves else None
        res = super().write(vals)
        if vals.get("spm_project_id") and len(self) == 1:
            project = self.env["project.project"].browse(vals["spm_project_id"]).sudo()
            if project.spm_lead_id != self:
                project.spm_lead_id = self
        if check_moves:
            self._spm_check_stage_moves(old_stages)
        return res

    def action_set_lost(self, **additional_values):
        """Write the lost reason before archiving, so that the archive meets the lost-reason rule."""
        if additional_values:
            self.write(dict(additional_values))
        return super().action_set_lost()

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_spm_start_assessment(self):
        """Add a line for each active criterion the assessment does not score yet."""
        criteria = self.env["spm.assessment.criterion"].search([])  # pylint: disable=no-search-all
        for lead in self:
            todo = criteria - lead.spm_assessment_ids.criterion_id
            lead.write({"spm_assessment_ids": [fields.Command.create({"criterion_id": c.id}) for c in todo]})
        return True

    def action_spm_request_initiation(self):
        """申请立项: open a request pre-filled from the opportunity (or its open one). After a grade
        rise, the new request starts from the content of the last approved one."""
        self.ensure_one()
        open_request = self.spm_initiation_ids.filtered(lambda r: r.state in ("draft", "submitted", "returned"))[:1]
        if open_request:
            return open_request._get_records_action()
        today = fields.Date.context_today(self)
        context = {
            "default_lead_id": self.id,
            "default_expected_revenue": self.expected_revenue,
            "default_objective": self.description,
            "default_risk_analysis": plaintext2html(self.spm_key_risks) if self.spm_key_risks else False,
            "default_date_start": today,
            "default_date_end": self.date_deadline,
        }
        previous = self.spm_initiation_ids.filtered(lambda r: r.state == "approved").sorted("id")[-1:]
        if previous:
            context.update({f"default_{name}": previous[name] for name in (
                "objective", "scope", "budget", "date_start", "date_end", "milestones", "risk_analysis",
                "resource_needs")})
            context["default_member_ids"] = [
                fields.Command.create({"user_id": m.user_id.id, "role": m.role, "sequence": m.sequence,
                                       "note": m.note}) for m in previous.member_ids]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Initiation"),
            "res_model": "spm.initiation",
            "view_mode": "form",
            "target": "current",
            "context": context,
        }

    @api.model
    def action_spm_open_pipeline(self):
        """The pipeline menu: salespeople start on their own opportunities, managers on their
        teams' (all of them when they lead or belong to no team)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_action_pipeline")
        # named like its menu (crm calls it 渠道 in Chinese, a sales channel)
        action["name"] = action["display_name"] = self.env._("Pipeline")
        context = {"default_type": "opportunity"}
        user = self.env.user
        if user.has_group(MANAGER_GROUP):
            teams = self.env["crm.team"].search(["|", ("user_id", "=", user.id), ("member_ids", "in", user.ids)])
            if teams:
                context["search_default_spm_my_teams"] = 1
        else:
            context["search_default_assigned_to_me"] = 1
        action["context"] = context
        return action

    def action_spm_open_visits(self):
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        return self.env["spm.visit"]._spm_visits_action(
            [("lead_id", "=", self.id)],
            {"default_lead_id": self.id, "default_partner_id": customer.id,
             "default_contact_id": self.partner_id.id if self.partner_id.parent_id else False},
            self.env._("Visits"))

    def action_spm_request_support(self):
        """资源求助: a new support request of the opportunity, in a form."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Support"),
            "res_model": "spm.support.request",
            "view_mode": "form",
            "target": "current",
            "context": {"default_lead_id": self.id},
        }

    def action_spm_open_support_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_support_request_action")
        action.update({"domain": [("lead_id", "=", self.id)], "context": {"default_lead_id": self.id},
                       "name": self.env._("Support Requests")})
        return action

    @api.depends("spm_gate_log_ids")
    def _compute_spm_gate_log_count(self):
        for lead in self:
            lead.spm_gate_log_count = len(lead.spm_gate_log_ids)

    def action_spm_open_gate_log(self):
        """The opportunity's gate log: every move through a gate, passed or overridden, and refusals."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_gate_log_action")
        action.update({"domain": [("lead_id", "=", self.id)], "context": {"create": False},
                       "name": self.env._("Gate Log of %s", self.name)})
        return action

    def action_spm_open_bids(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_bid_action")
        action.update(domain=[("lead_id", "=", self.id)], context=self._spm_bid_defaults())
        return action

    def action_spm_new_bid(self):
        """A new bid of the opportunity: its customer as the buyer, its salesperson as the owner."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Bid"),
            "res_model": "spm.bid",
            "view_mode": "form",
            "target": "current",
            "context": self._spm_bid_defaults(),
        }

    def _spm_bid_defaults(self):
        return {"default_lead_id": self.id, "default_user_id": (self.user_id or self.env.user).id}

    def action_spm_open_project(self):
        self.ensure_one()
        return self.spm_project_id._get_records_action()

    # ------------------------------------------------------------
    # Stall alerts (停滞预警)
    # ------------------------------------------------------------

    spm_stall_alert_ids = fields.One2many("spm.stall.alert", "lead_id", string="Stall Alerts",
                                          groups="sales_project_management.group_spm_user")
    # stored, so that the form reads it with the record: it changes only when the workflow raises or closes alerts
    spm_stall_alert_count = fields.Integer("Open Stall Alerts", compute="_compute_spm_stall_alert_count", store=True,
                                           compute_sudo=True, groups="sales_project_management.group_spm_user")

    @api.depends("spm_stall_alert_ids.state")
    def _compute_spm_stall_alert_count(self):
        counts = dict(self.env["spm.stall.alert"]._read_group(
            [("lead_id", "in", self.ids), ("state", "=", "open")], ["lead_id"], ["__count"]))
        for lead in self:
            lead.spm_stall_alert_count = counts.get(lead._origin, 0)

    def action_spm_view_stall_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_stall_alert_action")
        action.update(domain=[("lead_id", "=", self.id)], context={"search_default_open": 1})
        return action
