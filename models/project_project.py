from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import Command, _lt, api, fields, models
from odoo.addons.project.models.project_task import CLOSED_STATES
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date

from .project_update import iso_week, week_bounds
from .spm_translation import copy_translations, term_translations

# the financial accounts whose analytic items are costs of a project (vendor bills, expenses, journal entries)
EXPENSE_ACCOUNT_TYPES = ("expense", "expense_depreciation", "expense_direct_cost")
PLAN_GROUPS = ("account.group_account_invoice", "sales_project_management.group_spm_manager")
# the money of a sales project (budget, costs, collection), read by its team, by the managers, project
# managers and accountants only; anyone else reading the project gets it empty
FIGURE_FIELDS = frozenset({"spm_budget", "spm_cost_actual", "spm_cost_ratio", "spm_amount_planned",
                           "spm_amount_invoiced", "spm_amount_received", "spm_collection_progress"})
FIGURE_GROUPS = ("sales_project_management.group_spm_manager", "project.group_project_manager",
                 "account.group_account_invoice", "account.group_account_readonly")
MANAGER_GROUP = "sales_project_management.group_spm_manager"
# what the gate status of a project reads
PROJECT_GATE_INPUTS = ("stage_id", "company_id", "write_date", "spm_final_accepted", "spm_collection_done",
                       "spm_retrospective_done", "spm_checklist_ids", "spm_acceptance_ids.state",
                       "spm_kickoff_signed")
# where the documents of a project's archive (项目档案) are attached: the project, its opportunity, its
# initiation (立项) request, its acceptances, its retrospective and its tasks
ARCHIVE_DOCUMENTS = SQL("""
    SELECT p.id AS project_id, a.spm_document_type_id AS document_type_id
      FROM project_project p
      JOIN ir_attachment a ON a.res_model = 'project.project' AND a.res_id = p.id
     WHERE a.spm_document_type_id IS NOT NULL
    UNION ALL
    SELECT p.id, a.spm_document_type_id
      FROM project_project p
      JOIN ir_attachment a ON a.res_model = 'crm.lead' AND a.res_id = p.spm_lead_id
     WHERE a.spm_document_type_id IS NOT NULL
    UNION ALL
    SELECT p.id, a.spm_document_type_id
      FROM project_project p
      JOIN ir_attachment a ON a.res_model = 'spm.initiation' AND a.res_id = p.spm_initiation_id
     WHERE a.spm_document_type_id IS NOT NULL
    UNION ALL
    SELECT r.project_id, a.spm_document_type_id
      FROM spm_acceptance r
      JOIN ir_attachment a ON a.res_model = 'spm.acceptance' AND a.res_id = r.id
     WHERE a.spm_document_type_id IS NOT NULL
    UNION ALL
    SELECT r.project_id, a.spm_document_type_id
      FROM spm_retrospective r
      JOIN ir_attachment a ON a.res_model = 'spm.retrospective' AND a.res_id = r.id
     WHERE a.spm_document_type_id IS NOT NULL
    UNION ALL
    SELECT t.project_id, a.spm_document_type_id
      FROM project_task t
      JOIN ir_attachment a ON a.res_model = 'project.task' AND a.res_id = t.id
     WHERE a.spm_document_type_id IS NOT NULL AND t.project_id IS NOT NULL
""")
CHARTER_CRITERIA = {
    "acceptance_rate": _lt("Acceptance pass rate"),
    "collection_cycle": _lt("Collection cycle"),
    "revenue": _lt("Revenue target"),
}
DAYS = _lt("days")
# what a sales project calls its tasks, in every installed language (Odoo names them in its creator's only)
TASKS = _lt("Tasks")
# the warranty's end is announced this many days before
WARRANTY_NOTICE_DAYS = 30


class ProjectProject(models.Model):
    _name = "project.project"
    _inherit = ["project.project", "spm.gated.mixin", "spm.workflow.mixin"]
    # set by the 立项 workflow, the plan's confirmation, the weekly job and the confirmation of the passed
    # final acceptance (spm.acceptance) only, never by a user's write, import or RPC call
    _spm_workflow_fields = ("spm_lead_id", "spm_initiation_id", "spm_grade_id", "spm_collection_confirmed",
                            "spm_report_reminded_week", "spm_acceptance_date", "spm_is_after_sales",
                            "spm_warranty_reminded", "spm_service_planned")
    _spm_stage_model = "project.project.stage"
    _spm_scope_field = "company_id"
    _spm_log_fields = ("project_id", "project_stage_from_id", "project_stage_to_id")
    _spm_wizard_fields = ("project_id", "project_stage_id")

    spm_lead_id = fields.Many2one("crm.lead", string="Opportunity", index="btree_not_null", copy=False,
                                  ondelete="set null")
    spm_initiation_id = fields.Many2one("spm.initiation", string="Initiation Request", copy=False,
                                        ondelete="set null")
    spm_grade_id = fields.Many2one("spm.grade", string="Grade", index="btree_not_null", ondelete="restrict",
                                   check_company=True)
    spm_objective = fields.Html("Project Objective")
    spm_member_ids = fields.One2many("spm.project.member", "project_id", string="Project Team")
    spm_success_criterion_ids = fields.One2many("spm.success.criterion", "project_id", string="Success Criteria")

    # After-sales (售后): the company's after-sales project, and a sales project's warranty and commitments
    spm_is_after_sales = fields.Boolean("After-Sales Project", readonly=True, copy=False, index="btree_not_null",
                                        help="The company's project of service requests (complaints, repairs, "
                                             "maintenance, training, return visits).")
    spm_warranty_months = fields.Integer(
        "Warranty (months)", tracking=True,
        help="The warranty (质保) the customer has from the final acceptance (the company's default warranty for a "
             "new project).")
    spm_warranty_end = fields.Date("Warranty End", compute="_compute_spm_warranty_end", store=True,
                                   index="btree_not_null", help="The final acceptance date plus the warranty.")
    spm_warranty_reminded = fields.Boolean("Warranty End Announced", readonly=True, copy=False)
    spm_service_planned = fields.Boolean("Service Planned", readonly=True, copy=False,
                                         help="The commitments were planned as service tasks at final acceptance.")
    spm_commitment_ids = fields.One2many("spm.service.commitment", "project_id", string="Service Commitments",
                                         copy=True)
    spm_service_request_ids = fields.One2many("project.task", "spm_sales_project_id", string="Service Requests")
    spm_service_request_count = fields.Integer("Service Request Count", compute="_compute_spm_service_count")
    spm_complaint_open_count = fields.Integer("Open Complaints", compute="_compute_spm_service_count")

    # Payment collection (回款)
    spm_acceptance_date = fields.Date("Final Acceptance Date", tracking=True)
    spm_collection_line_ids = fields.One2many("spm.collection.line", "project_id", string="Collection Plan")
    spm_collection_confirmed = fields.Boolean("Collection Plan Confirmed", copy=False, tracking=True)
    spm_currency_id = fields.Many2one("res.currency", string="Collection Currency", compute="_compute_spm_collection",
                                      help="The company currency: installments of orders in other currencies are "
                                           "converted at their invoice date.")
    spm_amount_planned = fields.Monetary("Planned", compute="_compute_spm_collection",
                                         currency_field="spm_currency_id")
    spm_amount_invoiced = fields.Monetary("Invoiced", compute="_compute_spm_collection",
                                          currency_field="spm_currency_id")
    spm_amount_received = fields.Monetary("Received", compute="_compute_spm_collection",
                                          currency_field="spm_currency_id")
    spm_collection_progress = fields.Float("Collected (%)", compute="_compute_spm_collection")
    spm_collection_cycle_days = fields.Integer(
        "Collection Cycle (days)", compute="_compute_spm_collection",
        help="Days from the final acceptance (or the last due date) to the last payment, once fully paid.")
    spm_collection_cycle_target = fields.Float("Collection Cycle Target (days)", compute="_compute_spm_collection")
    spm_collection_cycle_met = fields.Boolean("Collection Cycle Met", compute="_compute_spm_collection")
    spm_collection_done = fields.Boolean(
        "Collected", compute="_compute_spm_collection_done", store=True,
        help="Every installment of the collection plan is paid, cancelled or written off.")

    # Stage gates of the delivery (执行 → 验收 → 回款 → 收尾 → 已关闭)
    spm_next_stage_id = fields.Many2one("project.project.stage", string="Next Stage",
                                        compute="_compute_spm_next_stage_id")
    spm_gate_log_ids = fields.One2many("spm.gate.log", "project_id", string="Gate Log")
    spm_checklist_ids = fields.One2many("spm.lead.checklist", "project_id", string="Checklist")
    spm_closed = fields.Boolean("Closed", compute="_compute_spm_closed",
                                help="The project stands in a closed (folded) stage: only managers may change it.")

    # Acceptance (验收) and satisfaction (满意度)
    spm_acceptance_ids = fields.One2many("spm.acceptance", "project_id", string="Acceptances")
    spm_acceptance_count = fields.Integer("Acceptance Count", compute="_compute_spm_acceptance_count")
    spm_final_accepted = fields.Boolean(
        "Final Acceptance Passed", compute="_compute_spm_final_accepted", store=True,
        help="A final acceptance of the project was confirmed as passed.")
    spm_satisfaction_ids = fields.One2many("spm.satisfaction", "project_id", string="Customer Satisfaction")
    spm_satisfaction_score = fields.Float(
        "Satisfaction", compute="_compute_spm_satisfaction_score", store=True, digits=(3, 2), aggregator="avg",
        help="Average customer satisfaction (1 to 5) over every phase answered.")

    # Project meetings (项目会议) and the charter signed at the kickoff
    spm_meeting_ids = fields.One2many("calendar.event", "spm_project_id", string="Meetings")
    spm_meeting_count = fields.Integer("Meeting Count", compute="_compute_spm_meeting_count")
    spm_charter_ids = fields.One2many("spm.project.charter", "project_id", string="Charter Signatures")
    spm_kickoff_signed = fields.Boolean(
        "Kickoff Held, Charter Signed", compute="_compute_spm_kickoff_signed", store=True,
        help="The kickoff meeting (启动会) is held and the customer signed the project charter.")

    # Retrospective (复盘) and archive (项目档案)
    spm_retrospective_ids = fields.One2many("spm.retrospective", "project_id", string="Retrospective")
    spm_retrospective_done = fields.Boolean("Retrospective Done", compute="_compute_spm_retrospective_done",
                                            store=True)
    spm_attachment_ids = fields.One2many(
        "ir.attachment", "res_id", string="Documents", domain=[("res_model", "=", "project.project")])
    spm_can_write = fields.Boolean(
        "Can Edit the Project", compute="_compute_spm_can_write",
        help="The user may change the project itself (Odoo's project managers): its lists are read-only for the "
             "others, who work from the monitoring menus, the tasks and the acceptances.")
    spm_document_type_ids = fields.Many2many(
        "spm.document.type", string="Archived Document Types", compute="_compute_spm_archive",
        search="_search_spm_document_type_ids", compute_sudo=True,
        help="Types of the documents attached to the project, its opportunity, its initiation request, its "
             "acceptances, its retrospective and its tasks.")
    spm_archive_completeness = fields.Float("Archive Completeness (%)", compute="_compute_spm_archive",
                                            compute_sudo=True)
    spm_archive_missing = fields.Text("Missing Archive Documents", compute="_compute_spm_archive", compute_sudo=True)
    spm_archive_complete = fields.Boolean("Archive Complete", compute="_compute_spm_archive",
                                          search="_search_spm_archive_complete", compute_sudo=True)

    # Project monitoring (项目监控): risks, issues, change requests, budget, weekly reports
    spm_risk_ids = fields.One2many("spm.risk", "project_id", string="Risks")
    spm_risk_high_count = fields.Integer("High Risks", compute="_compute_spm_risk_high_count", store=True,
                                         help="Open risks of level high.")
    spm_issue_open_count = fields.Integer("Open Issues", compute="_compute_spm_issue_counts", compute_sudo=True)
    spm_issue_escalated_count = fields.Integer("Escalated Issues", compute="_compute_spm_issue_counts",
                                               compute_sudo=True)
    spm_change_request_ids = fields.One2many("spm.change.request", "project_id", string="Change Requests")
    spm_budget = fields.Monetary(
        "Budget", compute="_compute_spm_budget", store=True, currency_field="currency_id", aggregator=None,
        help="The cost budget of the initiation (立项) plus the budget changes of approved change requests.")
    spm_cost_actual = fields.Monetary(
        "Actual Cost", compute="_compute_spm_cost_actual", compute_sudo=True, currency_field="currency_id",
        help="Costs on the project's analytic account: vendor bills, expenses and journal entries on expense "
             "accounts, and analytic items without a journal item (timesheets, manual costs).")
    spm_cost_ratio = fields.Float("Cost / Budget (%)", compute="_compute_spm_cost_ratio", compute_sudo=True)
    spm_report_reminded_week = fields.Char("Weekly Report Reminded For", copy=False, readonly=True)
    spm_figures_visible = fields.Boolean(
        "Figures Visible", compute="_compute_spm_figures_visible",
        help="The budget, costs and collection of a sales project are its team's (and managers' and accountants').")

    @api.depends("spm_collection_line_ids.amount_company", "spm_collection_line_ids.amount_invoiced_company",
                 "spm_collection_line_ids.amount_received_company", "spm_collection_line_ids.state",
                 "spm_collection_line_ids.last_payment_date", "spm_collection_line_ids.due_date",
                 "spm_collection_line_ids.is_cancelled", "company_id.currency_id",
                 "spm_acceptance_date", "spm_success_criterion_ids.code", "spm_success_criterion_ids.target")
    def _compute_spm_collection(self):
        """Planned: the installments; invoiced and received: every customer document of the project, whatever
        made it (an installment, the order's own invoicing), received being the 回款 receipts' money."""
        invoiced, received = self._spm_money_figures()
        for project in self:
            lines = project.spm_collection_line_ids.filtered(lambda line: not line.is_cancelled)
            project.spm_currency_id = project.company_id.currency_id or self.env.company.currency_id
            project.spm_amount_planned = sum(lines.mapped("amount_company"))
            project.spm_amount_invoiced = invoiced.get(project._origin.id, 0.0)
            project.spm_amount_received = received.get(project._origin.id, 0.0)
            project.spm_collection_progress = (
                100 * project.spm_amount_received / project.spm_amount_planned if project.spm_amount_planned else 0)
            target = project.spm_success_criterion_ids.filtered(lambda c: c.code == "collection_cycle")
            project.spm_collection_cycle_target = target[:1].target
            cycle = 0
            if lines and all(line.state == "paid" for line in lines):
                start = project.spm_acceptance_date or max(lines.mapped("due_date") or [False]) or False
                end = max(lines.mapped("last_payment_date"))
                cycle = max((end - start).days, 0) if start and end else 0
            project.spm_collection_cycle_days = cycle
            project.spm_collection_cycle_met = bool(lines) and all(line.state == "paid" for line in lines) and (
                not target or cycle <= target[:1].target)

    def _spm_money_figures(self):
        """({project id: invoiced}, {project id: received}) in company currency: the posted customer invoices
        net of credit notes, and the money received on them (``spm.collection.receipt``), in two queries."""
        ids = [project_id for project_id in self._origin.ids if project_id]
        if not ids:
            return {}, {}
        invoiced = {project.id: amount for project, amount in self.env["account.move"].sudo()._read_group(
            [("spm_project_id", "in", ids), ("state", "=", "posted"),
             ("move_type", "in", ("out_invoice", "out_refund"))], ["spm_project_id"], ["amount_total_signed:sum"])}
        received = self.env["spm.collection.receipt"].sudo()._spm_received(
            SQL("doc.spm_project_id = ANY(%s)", ids), SQL("r.project_id"))
        return invoiced, {project_id: values[1] for project_id, values in received.items()}

    @api.depends("spm_collection_line_ids.state", "spm_collection_line_ids.amount_invoiced",
                 "spm_collection_line_ids.invoice_ids.state", "spm_collection_line_ids.invoice_ids.amount_residual")
    def _compute_spm_collection_done(self):
        for project in self:
            lines = project.spm_collection_line_ids
            project.spm_collection_done = bool(lines) and all(line._spm_settled() for line in lines)

    @api.constrains("spm_grade_id", "company_id")
    def _check_spm_grade_company(self):
        for project in self:
            if project.spm_grade_id.company_id and project.spm_grade_id.company_id != project.company_id:
                raise ValidationError(self.env._(
                    "The project “%(project)s” cannot take the grade “%(grade)s” of another company.",
                    project=project.name, grade=project.spm_grade_id.name))

    @api.depends("stage_id.fold")
    def _compute_spm_closed(self):
        for project in self:
            project.spm_closed = project.stage_id.fold

    @api.depends("spm_acceptance_ids")
    def _compute_spm_acceptance_count(self):
        for project in self:
            project.spm_acceptance_count = len(project.spm_acceptance_ids)

    def _compute_spm_meeting_count(self):
        counts = dict(self.env["calendar.event"]._read_group(
            [("spm_project_id", "in", self.ids)], ["spm_project_id"], ["__count"]))
        for project in self:
            project.spm_meeting_count = counts.get(project, 0)

    @api.depends("spm_charter_ids.state", "spm_charter_ids.meeting_id.spm_held_on")
    def _compute_spm_kickoff_signed(self):
        for project in self:
            project.spm_kickoff_signed = any(charter.state == "signed" and charter.meeting_id.spm_held_on
                                             for charter in project.sudo().spm_charter_ids)

    @api.depends("spm_acceptance_ids.state", "spm_acceptance_ids.result", "spm_acceptance_ids.acceptance_type")
    def _compute_spm_final_accepted(self):
        for project in self:
            project.spm_final_accepted = any(
                acceptance.state == "confirmed" and acceptance.result == "passed"
                and acceptance.acceptance_type == "final" for acceptance in project.spm_acceptance_ids)

    @api.depends("spm_satisfaction_ids.score")
    def _compute_spm_satisfaction_score(self):
        for project in self:
            scores = project.spm_satisfaction_ids.filtered("score").mapped("score")
            project.spm_satisfaction_score = sum(scores) / len(scores) if scores else 0.0

    @api.depends("spm_retrospective_ids.state")
    def _compute_spm_retrospective_done(self):
        for project in self:
            project.spm_retrospective_done = any(retro.state == "done" for retro in project.spm_retrospective_ids)

    def _spm_flush_archive(self):
        """What ARCHIVE_DOCUMENTS reads, written to the database."""
        self.env["ir.attachment"].flush_model(["res_model", "res_id", "spm_document_type_id"])
        self.flush_model(["spm_lead_id", "spm_initiation_id"])
        for model in ("spm.acceptance", "spm.retrospective", "project.task"):
            self.env[model].flush_model(["project_id"])

    def _spm_archive_requirements(self):
        """{company id: requirements of the archive that apply to its projects}"""
        requirements = self.env["spm.archive.requirement"].sudo().search([])  # pylint: disable=no-search-all
        return {company: requirements.filtered(lambda r, c=company: not r.company_id or r.company_id == c)
                for company in self.company_id | self.env.company}

    @api.depends("spm_lead_id", "spm_initiation_id", "spm_acceptance_ids", "spm_retrospective_ids", "company_id")
    @api.depends_context("lang")
    def _compute_spm_archive(self):
        present = {}
        saved = [project.id for project in self._origin if project.id]
        if saved:
            self._spm_flush_archive()
            rows = self.env.execute_query(SQL(
                "SELECT d.project_id, array_agg(DISTINCT d.document_type_id) FROM (%s) d "
                "WHERE d.project_id = ANY(%s) GROUP BY d.project_id", ARCHIVE_DOCUMENTS, saved))
            present = dict(rows)
        by_company = self._spm_archive_requirements()
        for project in self:
            types = set(present.get(project._origin.id, ()))
            project.spm_document_type_ids = self.env["spm.document.type"].browse(sorted(types))
            required = by_company[project.company_id or self.env.company].filtered("required")
            missing = required.filtered(lambda r, types=types: r.document_type_id.id not in types)
            project.spm_archive_completeness = 100 * (len(required) - len(missing)) / len(required) if required \
                else 100.0
            project.spm_archive_missing = "\n".join(
                f"{r.document_type_id.name} ({r.stage_id.name})" if r.stage_id else r.document_type_id.name
                for r in missing) or False
            project.spm_archive_complete = not missing

    def _search_spm_archive_complete(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        self._spm_flush_archive()
        self.env["spm.archive.requirement"].flush_model()
        complete = SQL("""(
            SELECT project.id FROM project_project project
             WHERE NOT EXISTS (
                SELECT 1 FROM spm_archive_requirement r
                 WHERE r.active AND r.required AND (r.company_id IS NULL OR r.company_id = project.company_id)
                   AND NOT EXISTS (SELECT 1 FROM (%s) d
                                    WHERE d.project_id = project.id AND d.document_type_id = r.document_type_id))
        )""", ARCHIVE_DOCUMENTS)
        return [("id", "in" if (operator == "=") == value else "not in", complete)]

    def _search_spm_document_type_ids(self, operator, value):
        if operator not in ("=", "in", "!=", "not in") or not value:
            raise UserError(self.env._("Operation not supported"))
        type_ids = [value] if isinstance(value, int) else list(value)
        self._spm_flush_archive()
        having = SQL("(SELECT d.project_id FROM (%s) d WHERE d.document_type_id = ANY(%s))",
                     ARCHIVE_DOCUMENTS, type_ids)
        return [("id", "in" if operator in ("=", "in") else "not in", having)]

    @api.model
    def _spm_document_domain(self, document_type):
        """Projects with a document of this type in their archive."""
        return [("spm_document_type_ids", "=", document_type.id)]

    def _spm_gate_inputs(self):
        return PROJECT_GATE_INPUTS

    def _spm_director(self):
        """Who answers for the project: its director, else the team leader of its opportunity, else
        its project manager."""
        self.ensure_one()
        directors = self.spm_member_ids.filtered(lambda m: m.role == "director" and m.user_id).user_id
        return directors[:1] or self.spm_lead_id.team_id.user_id or self.user_id

    @api.depends_context("uid")
    def _compute_spm_can_write(self):
        writable = set(self._origin._filtered_access("write").ids)
        for project in self:
            project.spm_can_write = not project._origin or project._origin.id in writable

    @api.depends("spm_acceptance_date", "spm_warranty_months")
    def _compute_spm_warranty_end(self):
        for project in self:
            project.spm_warranty_end = project.spm_acceptance_date and (
                project.spm_acceptance_date + relativedelta(months=project.spm_warranty_months))

    def _compute_spm_service_count(self):
        rows = self.env["project.task"]._read_group(
            [("spm_sales_project_id", "in", self.ids)], ["spm_sales_project_id", "spm_service_type", "state"],
            ["__count"])
        counts, complaints = defaultdict(int), defaultdict(int)
        for project, service_type, state, count in rows:
            counts[project.id] += count
            if service_type == "complaint" and state not in CLOSED_STATES:
                complaints[project.id] += count
        for project in self:
            project.spm_service_request_count = counts[project.id]
            project.spm_complaint_open_count = complaints[project.id]

    @api.constrains("spm_warranty_months")
    def _check_spm_warranty(self):
        for project in self:
            if not 0 <= project.spm_warranty_months <= 240:
                raise ValidationError(self.env._("“%s”: a warranty lasts from 0 to 240 months.", project.name))

    def _spm_plan_service(self):
        """At final acceptance: the service commitments become service tasks of the after-sales project, spread
        over the warranty, and the first return visit is planned."""
        for project in self.sudo().filtered(lambda p: p.spm_acceptance_date and not p.spm_service_planned):
            project.spm_commitment_ids._spm_plan()
            project.spm_service_planned = True
        self._spm_plan_return_visits()

    def _spm_plan_return_visits(self):
        """A return visit (回访) task for each project under warranty whose customer's class has a cadence and
        that has none open: due one cadence after the last return visit done (the final acceptance at first),
        while the warranty runs."""
        today = fields.Date.context_today(self)
        Task = self.env["project.task"].sudo()
        projects = self.sudo().filtered(lambda p: p.spm_warranty_end and p.spm_warranty_end >= today and (
            p.partner_id.commercial_partner_id.spm_customer_class_id.return_visit_interval_days))
        if not projects:
            return
        visits = Task.search([("spm_sales_project_id", "in", projects.ids), ("spm_service_type", "=", "return_visit")])
        values = []
        for project in projects:
            theirs = visits.filtered(lambda t, p=project: t.spm_sales_project_id == p)
            if theirs.filtered(lambda t: not t.is_closed):
                continue
            interval = project.partner_id.commercial_partner_id.spm_customer_class_id.return_visit_interval_days
            done = theirs.filtered(lambda t: t.state == "1_done" and t.spm_resolved_on)
            last = max([fields.Date.to_date(t.spm_resolved_on) for t in done] or [project.spm_acceptance_date])
            due = last + timedelta(days=interval)
            if due > project.spm_warranty_end:
                continue
            values.append({
                "name": self.env._("Return visit: %s", project.name),
                "project_id": project.company_id._spm_after_sales_project().id,
                "partner_id": project.partner_id.id, "spm_service_type": "return_visit",
                "spm_sales_project_id": project.id, "date_deadline": due,
                "user_ids": [Command.set(project.partner_id.commercial_partner_id.user_id.ids or project.user_id.ids)],
            })
        if values:
            # in one go, and without a mail per task to its assignee (the task is on their list)
            Task.with_context(mail_create_nolog=True, mail_auto_subscribe_no_notify=True).create(values)

    @api.model
    def _cron_spm_service(self):
        """Daily: the next return visits of the projects under warranty, and a reminder to the project manager
        and the customer's salesperson 30 days before a warranty ends (once)."""
        today = fields.Date.context_today(self)
        # the return visits logged ahead of their day, held since the last run, close their planned return visit
        now = fields.Datetime.now()
        self.env["spm.visit"].sudo().search([
            ("visit_type", "=", "return_visit"), ("service_task_id", "=", False),
            ("date_start", ">", now - timedelta(days=2)), ("date_start", "<=", now),
        ])._spm_close_return_visits()
        # only the projects under warranty without an open return visit, and only the warranties ending soon
        self.sudo().search([
            ("spm_warranty_end", ">=", today), ("spm_grade_id", "!=", False),
            ("partner_id.commercial_partner_id.spm_customer_class_id.return_visit_interval_days", ">", 0),
            ("spm_service_request_ids", "not any", [("spm_service_type", "=", "return_visit"),
                                                    ("state", "not in", list(CLOSED_STATES))]),
        ])._spm_plan_return_visits()
        ending = self.sudo().search([
            ("spm_warranty_end", ">=", today), ("spm_warranty_end", "<=", today + timedelta(days=WARRANTY_NOTICE_DAYS)),
            ("spm_warranty_reminded", "=", False), ("spm_grade_id", "!=", False),
        ])
        activity_type = self.env.ref("sales_project_management.mail_activity_type_warranty")
        for project in ending:
            for user in (project.user_id | project.partner_id.commercial_partner_id.user_id).filtered("active"):
                project.activity_schedule(
                    activity_type_id=activity_type.id, user_id=user.id, date_deadline=project.spm_warranty_end,
                    summary=self.env._("The warranty of %(project)s ends on %(date)s", project=project.name,
                                       date=format_date(self.env, project.spm_warranty_end)))
        ending.write({"spm_warranty_reminded": True})
        return True

    def action_spm_view_service_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_service_request_action")
        after_sales = (self.company_id or self.env.company)._spm_after_sales_project()
        action.update(domain=[("spm_sales_project_id", "=", self.id)],
                      context={"default_spm_sales_project_id": self.id, "default_partner_id": self.partner_id.id,
                               "default_project_id": after_sales.id, "spm_service_request": True})
        return action

    def _alias_get_creation_values(self):
        """The after-sales project's e-mail alias raises complaints (its mails are service requests)."""
        values = super()._alias_get_creation_values()
        if self.spm_is_after_sales and self.id:
            defaults = dict(values.get("alias_defaults") or {})
            defaults.update(spm_service_type="complaint", spm_channel="mail")
            values["alias_defaults"] = defaults
        return values

    def _spm_name_tasks(self):
        """Name the projects' tasks 任务 / Tasks in every installed language (Odoo names them in the language of
        whoever creates the project, for every reader)."""
        translations = term_translations(self.env, TASKS)
        for project in self:
            project.sudo().update_field_translations("label_tasks", translations)

    def _spm_customer_contact(self):
        """The customer's contact person of the project team, else the customer."""
        self.ensure_one()
        contacts = self.spm_member_ids.filtered(lambda m: m.role == "customer_contact" and m.partner_id).partner_id
        return contacts[:1] or self.partner_id

    def _spm_first_stage_acceptances(self):
        """{milestone: its first confirmed stage acceptance}"""
        self.ensure_one()
        first = {}
        confirmed = self.spm_acceptance_ids.filtered(lambda a: a.state == "confirmed" and a.acceptance_type == "stage")
        for acceptance in confirmed.sorted(lambda a: (a.date, a.confirmed_on or a.create_date, a.id)):
            first.setdefault(acceptance.milestone_id, acceptance)
        return first

    def _spm_acceptance_pass_rate(self):
        """Share (%) of the accepted milestones whose first stage acceptance passed."""
        first = self._spm_first_stage_acceptances()
        passed = [acceptance for acceptance in first.values() if acceptance.result == "passed"]
        return 100 * len(passed) / len(first) if first else 0.0

    # ------------------------------------------------------------
    # Protected fields, closed projects, stage moves
    # ------------------------------------------------------------

    def _spm_check_open(self):
        """A closed project (and what belongs to it) is read-only except for managers."""
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        closed = self.sudo().filtered(lambda project: project.stage_id.fold)._spm_gated_records()
        if closed:
            raise UserError(self.env._(
                "The project “%s” is closed: only a sales projects manager may change it.", closed[0].name))

    @api.depends("spm_risk_ids.level", "spm_risk_ids.state")
    def _compute_spm_risk_high_count(self):
        for project in self:
            project.spm_risk_high_count = len(project.spm_risk_ids.filtered(
                lambda r: r.state == "open" and r.level == "high"))

    def _compute_spm_issue_counts(self):
        groups = self.env["project.task"]._read_group(
            [("project_id", "in", self.ids), ("spm_is_issue", "=", True), ("state", "not in", list(CLOSED_STATES))],
            ["project_id", "spm_escalation_level"], ["__count"])
        counts = defaultdict(lambda: [0, 0])
        for project, level, count in groups:
            counts[project.id][0] += count
            if level != "0":
                counts[project.id][1] += count
        for project in self:
            project.spm_issue_open_count, project.spm_issue_escalated_count = counts[project.id]

    @api.depends("spm_initiation_id.budget", "spm_change_request_ids.state", "spm_change_request_ids.budget_delta")
    def _compute_spm_budget(self):
        for project in self:
            approved = project.spm_change_request_ids.filtered(lambda c: c.state == "approved")
            project.spm_budget = project.spm_initiation_id.budget + sum(approved.mapped("budget_delta"))

    @api.depends("account_id")
    def _compute_spm_cost_actual(self):
        costs = self._spm_costs()
        for project in self:
            project.spm_cost_actual = costs.get(project.id, 0.0)

    @api.depends("account_id", "spm_budget")
    def _compute_spm_cost_ratio(self):
        """Apart from the cost itself: the kanban's badge needs no currency (a monetary value does)."""
        costs = self._spm_costs()
        for project in self:
            budget = project.spm_budget
            project.spm_cost_ratio = 100 * costs.get(project.id, 0.0) / budget if budget else 0.0

    def _spm_costs(self):
        """{project id: cost in the project's currency} from the analytic items of the projects'
        accounts, in one query (converted only where an item's currency differs)."""
        projects = self.filtered("account_id")
        if not projects:
            return {}
        self.env["account.analytic.line"].flush_model(
            ["account_id", "amount", "currency_id", "move_line_id", "general_account_id"])
        rows = self.env.execute_query(SQL("""
            SELECT project.id, line.currency_id, company.currency_id, -SUM(line.amount)
              FROM project_project project
         LEFT JOIN res_company company ON company.id = project.company_id
              JOIN account_analytic_line line ON line.account_id = project.account_id
         LEFT JOIN account_account account ON account.id = line.general_account_id
             WHERE project.id IN %s
               AND CASE WHEN line.move_line_id IS NULL THEN line.amount < 0
                        ELSE account.account_type IN %s END
          GROUP BY project.id, line.currency_id, company.currency_id
        """, tuple(projects.ids), EXPENSE_ACCOUNT_TYPES))
        costs = dict.fromkeys(projects.ids, 0.0)
        today = fields.Date.context_today(self)
        Currency = self.env["res.currency"]
        for project_id, currency_id, project_currency_id, amount in rows:
            if project_currency_id and currency_id != project_currency_id:
                company = self.browse(project_id).company_id or self.env.company
                costs[project_id] += Currency.browse(currency_id)._convert(
                    amount, Currency.browse(project_currency_id), company, today)
            else:
                costs[project_id] += amount
        return costs

    def _spm_check_budget(self, added):
        """Costs were just added (``added``: {project: amount}): refuse the entry that takes a project's
        costs beyond its budget and tolerance, or accept it and warn, as its company decides."""
        costs = self._spm_costs()
        refused, warned = [], self.browse()
        for project in self:
            # a sales project with no budget left is controlled too: any cost is beyond it
            if added.get(project, 0.0) <= 0 or not project._spm_is_sales_project():
                continue
            company = project.company_id or self.env.company
            limit = project.spm_budget * (1 + company.spm_budget_tolerance / 100)
            cost = costs.get(project.id, 0.0)
            if project.currency_id.compare_amounts(cost, limit) <= 0:
                continue
            if company.spm_budget_overrun_policy == "warn":
                warned |= project
                continue
            refused.append(self.env._(
                "This entry would take the costs of the project “%(project)s” to %(cost)s, beyond its budget of "
                "%(budget)s plus %(tolerance)s %% (%(limit)s). A budget change request must be approved first.",
                project=project.name, cost=format_amount(self.env, cost, project.currency_id),
                budget=format_amount(self.env, project.spm_budget, project.currency_id),
                tolerance=company.spm_budget_tolerance, limit=format_amount(self.env, limit, project.currency_id)))
        if refused:
            raise UserError("\n".join(refused))
        warned._spm_warn_overrun(costs)

    def _spm_warn_overrun(self, costs):
        """The project manager and the monitors get one open activity about the overrun of each project."""
        activity_type = self.env.ref("sales_project_management.mail_activity_type_budget_overrun")
        for project in self.sudo():
            users = (project.user_id | project._spm_monitors()).filtered("active")
            pending = project.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id
            summary = self.env._("Costs %(cost)s above the budget %(budget)s",
                                 cost=format_amount(self.env, costs.get(project.id, 0.0), project.currency_id),
                                 budget=format_amount(self.env, project.spm_budget, project.currency_id))
            for user in users - pending:
                project.activity_schedule("sales_project_management.mail_activity_type_budget_overrun",
                                          user_id=user.id, summary=summary)
            project.message_post(body=self.env._(
                "Costs are beyond the budget and its tolerance: %s. Raise a budget change request.", summary))

    def _spm_monitors(self):
        """监控人: the project's monitors, else the executives of its company."""
        self.ensure_one()
        monitors = self.sudo().spm_member_ids.filtered(lambda m: m.role == "monitor").user_id
        if monitors:
            return monitors
        company = self.company_id or self.env.company
        return self.env.ref("sales_project_management.group_spm_executive").sudo().users.filtered(
            lambda u: u.active and not u.share and company in u.company_ids)

    @api.depends_context("uid")
    def _compute_spm_figures_visible(self):
        hidden = self._spm_figures_hidden()
        for project in self:
            project.spm_figures_visible = project not in hidden

    def _spm_figures_hidden(self):
        """The sales projects among these whose money the user may not read: not on their team."""
        user = self.env.user
        if self.env.su or any(user.has_group(group) for group in FIGURE_GROUPS):
            return self.browse()
        sales = self._origin.sudo().filtered("spm_grade_id")
        return (sales - sales.filtered_domain(self._spm_team_domain(user))).with_env(self.env)

    def _read_format(self, fnames, load="_classic_read"):
        """Every read over RPC (read, search_read, the web client's web_read) goes through here: the money
        figures of another team's sales project come back empty."""
        result = super()._read_format(fnames, load)
        masked = FIGURE_FIELDS.intersection(fnames)
        if masked and result:
            hidden = set(self.browse([values["id"] for values in result])._spm_figures_hidden().ids)
            for values in result:
                if values["id"] in hidden:
                    values.update(dict.fromkeys(masked, 0.0))
        return result

    @api.model
    def _spm_team_domain(self, user):
        """Projects whose team ``user`` belongs to: the project manager and members, the opportunity's
        salesperson and sales team (members and leader) — as the record rules of the addon's project data."""
        return ["|", "|", "|", "|", ("user_id", "=", user.id), ("spm_member_ids.user_id", "=", user.id),
                ("spm_lead_id.user_id", "=", user.id), ("spm_lead_id.team_id.user_id", "=", user.id),
                ("spm_lead_id.team_id.crm_team_member_ids.user_id", "=", user.id)]

    def _spm_check_team(self, message):
        """Only the projects' team (or a manager: of sales projects, or Odoo's project administrator) acts on
        them; ``message(project names)`` says what."""
        user = self.env.user
        if self.env.su or user.has_group(MANAGER_GROUP) or user.has_group("project.group_project_manager"):
            return
        outside = self.sudo() - self.sudo().filtered_domain(self._spm_team_domain(user))
        if outside:
            raise AccessError(message(", ".join(outside.mapped("name"))))

    def _spm_refuse(self, names):
        if names == {"spm_acceptance_date"}:
            raise AccessError(self.env._(
                "The final acceptance date of a project is set by confirming its passed final acceptance (验收)."))
        raise AccessError(self.env._(
            "The opportunity, initiation, grade, budget and plan confirmation of a project are set by the initiation "
            "(立项) workflow, approved change requests and the collection plan's confirmation (button “Confirm "
            "Plan”)."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "spm_warranty_months" not in vals:
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["spm_warranty_months"] = company.sudo().spm_warranty_months
        projects = super().create(vals_list)
        if not self._spm_gates_bypassed():
            projects._spm_check_stage_moves(None)
        return projects

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su and set(vals) - {"is_favorite"}:
            self._spm_check_open()
        check_moves = "stage_id" in vals and not self._spm_gates_bypassed()
        old_stages = {project.id: project.stage_id.id for project in self} if check_moves else None
        res = super().write(vals)
        if check_moves:
            self._spm_check_stage_moves(old_stages)
        return res

    def unlink(self):
        self._spm_check_open()
        return super().unlink()

    def action_spm_next_stage(self):
        """Move the project to its next stage, as its project manager or director may do (the gates
        apply; a manager passes a gate anyway with the override)."""
        for project in self:
            project.check_access("read")
            user = self.env.user
            own = project.user_id == user or user in project.spm_member_ids.filtered(
                lambda m: m.role in ("director", "manager")).user_id
            if not own and not user.has_group(MANAGER_GROUP):
                raise AccessError(self.env._(
                    "Only the project manager or director of “%s”, or a sales projects manager, moves it to its "
                    "next stage.", project.name))
            project._spm_check_open()
            if not project.spm_next_stage_id:
                raise UserError(self.env._("The project “%s” is in its last stage.", project.name))
            # a project manager may not edit the project itself: the move is made for them, and the gates apply
            project.sudo().write({"stage_id": project.spm_next_stage_id.id})
        return True

    def _spm_check_plan_rights(self):
        """Accountants and managers plan, confirm and invoice collections."""
        if not self.env.su and not any(self.env.user.has_group(group) for group in PLAN_GROUPS):
            raise AccessError(self.env._("Only an accountant or a sales projects manager plans payment collections."))
        self.check_access("read")

    def _spm_reopen_collection_plan(self):
        """A change of the plan's installments needs the plan to be confirmed again."""
        self.sudo().filtered("spm_collection_confirmed").spm_collection_confirmed = False

    def action_spm_confirm_collection_plan(self):
        """Check the plan (percents add up to 100 %, amounts to the order total) and fix the
        amounts from the percents, rounding on the last installment."""
        self._spm_check_plan_rights()
        for project in self:
            lines = project.spm_collection_line_ids.filtered(lambda line: not line.is_cancelled)
            if not lines:
                raise UserError(self.env._("The project %s has no collection plan.", project.name))
            for order in lines.sale_order_id:
                order_lines = lines.filtered(lambda line, order=order: line.sale_order_id == order).sorted("sequence")
                if round(sum(order_lines.mapped("percent")), 2) != 100:
                    raise UserError(self.env._(
                        "The installments of %(order)s add up to %(total)s %%, not 100 %%.",
                        order=order.name, total=round(sum(order_lines.mapped("percent")), 2)))
                currency = order.currency_id
                remaining = order.amount_total
                for line in order_lines[:-1]:
                    amount = currency.round(order.amount_total * line.percent / 100)
                    if not line._spm_active_invoices() and currency.compare_amounts(line.amount, amount):
                        line.amount = amount
                    remaining -= line.amount
                last = order_lines[-1]
                if currency.compare_amounts(last.amount, remaining):
                    last.amount = currency.round(remaining)
                if currency.compare_amounts(sum(order_lines.mapped("amount")), order.amount_total):
                    raise UserError(self.env._("The installments of %s do not add up to the order total.",
                                               order.name))
            # the amounts written above reopened the plan; it is confirmed once they all hold
            project.sudo().spm_collection_confirmed = True
        return True

    def action_spm_apply_collection_template(self, template, order):
        """Replace the not-invoiced installments of the order by those of a template, in one click."""
        self.ensure_one()
        self._spm_check_plan_rights()
        # called over RPC or from a data file with ids
        template, order = (value if isinstance(value, models.BaseModel) else self.env[model].browse(
            value if isinstance(value, int) and not isinstance(value, bool) else []).exists()
            for value, model in ((template, "spm.collection.template"), (order, "sale.order")))
        if len(template) != 1 or template._name != "spm.collection.template":
            raise UserError(self.env._("Choose the collection template to apply (given by its id)."))
        if len(order) != 1 or order._name != "sale.order":
            raise UserError(self.env._("Choose the sale order whose collection to plan (given by its id)."))
        if order.state != "sale":
            raise UserError(self.env._("Confirm the sale order before planning its collection."))
        milestones = self.milestone_ids.sorted(lambda m: (m.deadline or fields.Date.today(), m.id))
        self.spm_collection_line_ids.filtered(
            lambda line: line.sale_order_id == order and not line.invoice_ids).unlink()
        start = order.date_order.date()
        values = []
        for tline in template.line_ids:
            vals = {"project_id": self.id, "sale_order_id": order.id, "name": tline.name,
                    "sequence": tline.sequence, "percent": tline.percent, "trigger": tline.trigger,
                    "offset_days": tline.offset_days if tline.trigger != "date" else 0}
            if tline.trigger == "date":
                vals["trigger_date"] = start + timedelta(days=tline.offset_days)
            elif tline.trigger == "milestone":
                milestone = milestones[tline.milestone_sequence - 1:tline.milestone_sequence]
                if not milestone:
                    raise UserError(self.env._("The project %(project)s has no milestone number %(number)s.",
                                               project=self.name, number=tline.milestone_sequence))
                vals["milestone_id"] = milestone.id
            values.append(vals)
        lines = self.env["spm.collection.line"].create(values)
        for line, tline in zip(lines, template.line_ids, strict=True):
            copy_translations(tline, "name", line, "name")
        return self.action_spm_confirm_collection_plan()

    def _spm_setup_from_initiation(self, request):
        """Team, charter, task stages and WBS of a project whose initiation was just approved. A
        project approved again (after its grade rose) keeps what it has and gains what is new.
        Returns the WBS tasks it created."""
        self.ensure_one()
        existing = {(m.role, m.user_id.id, m.partner_id.id) for m in self.spm_member_ids}
        members = []

        def add(role, sequence, user=None, partner=None):
            key = (role, user.id if user else False, partner.id if partner else False)
            if key not in existing:
                existing.add(key)
                members.append(Command.create({"role": role, "sequence": sequence, "user_id": key[1],
                                               "partner_id": key[2]}))

        for member in request.member_ids:
            add(member.role, member.sequence, user=member.user_id)
        roles = set(request.member_ids.mapped("role"))
        if "manager" not in roles:
            add("manager", 2, user=self.user_id)
        contact = request.lead_id.partner_id
        if "customer_contact" not in roles and contact:
            add("customer_contact", 3, partner=contact)
        monitor = request._spm_monitor()
        if monitor and "monitor" not in roles:
            add("monitor", 9, user=monitor)
        self.write({"spm_member_ids": members})
        if not self.spm_success_criterion_ids:
            self._spm_create_charter_criteria(request)
        stages = self.env["project.task.type"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(f"sales_project_management.{xmlid}", raise_if_not_found=False)
            for xmlid in ("task_type_todo", "task_type_in_progress", "task_type_done")).exists()
        if stages and not self.type_ids:
            self.type_ids = [Command.link(stage.id) for stage in stages]
        tasks = self._spm_apply_wbs(request.grade_id.wbs_template_id or self.env["spm.wbs.template"].search(
            ["|", ("company_id", "=", False), ("company_id", "=", self.company_id.id)], limit=1),
            request.date_start or fields.Date.context_today(self))
        if not self.account_id:
            self._create_analytic_account()  # the costs of the project, against its budget
        # the opportunity's open risks are the project's (the same records)
        request.lead_id.spm_risk_ids.filtered(lambda r: r.state == "open" and not r.project_id).project_id = self
        return tasks

    def _spm_create_charter_criteria(self, request):
        """The charter's success criteria, named in every installed language."""
        criteria = self.env["spm.success.criterion"].create([
            {"project_id": self.id, "sequence": 1, "code": "acceptance_rate", "comparator": ">=", "target": 95,
             "unit": "%", "name": str(CHARTER_CRITERIA["acceptance_rate"]._source)},
            {"project_id": self.id, "sequence": 2, "code": "collection_cycle", "comparator": "<=", "target": 30,
             "unit": str(DAYS._source), "name": str(CHARTER_CRITERIA["collection_cycle"]._source)},
            {"project_id": self.id, "sequence": 3, "code": "revenue", "comparator": ">=",
             "target": request.expected_revenue, "unit": request.currency_id.name,
             "name": str(CHARTER_CRITERIA["revenue"]._source)},
        ])
        for criterion in criteria:
            criterion.with_context(lang="en_US").update_field_translations(
                "name", term_translations(self.env, CHARTER_CRITERIA[criterion.code]))
            if criterion.code == "collection_cycle":
                criterion.update_field_translations("unit", term_translations(self.env, DAYS))

    def _spm_apply_wbs(self, template, start):
        """Milestones and tasks of the WBS template, named in the project manager's language; returns
        the tasks. The project manager is told once that the tasks are his (``_spm_notify_manager``),
        not once per task (Odoo's assignment notice), follows them (the approver does not), and the
        tasks' chatters do not each say they were created."""
        if not template or self.milestone_ids:
            return self.env["project.task"]
        template = template.with_context(lang=self.user_id.lang or self.env.lang)
        phases = template.phase_ids
        deadlines = [start + timedelta(days=phase.start_offset_days + phase.duration_days) for phase in phases]
        milestones = self.env["project.milestone"].create([
            {"name": phase.name, "project_id": self.id, "deadline": deadline}
            for phase, deadline in zip(phases, deadlines, strict=True)])
        tasks = [{
            "name": task.name, "project_id": self.id, "milestone_id": milestone.id,
            "date_deadline": fields.Datetime.to_datetime(deadline), "sequence": task.sequence,
            "user_ids": [Command.set(self.user_id.ids)],
        } for phase, milestone, deadline in zip(phases, milestones, deadlines, strict=True) for task in phase.task_ids]
        manager = self.user_id
        Task = self.env["project.task"].with_context(mail_create_nolog=True, mail_auto_subscribe_no_notify=True)
        if manager and self.env.su:
            # the workflow (sudo) creates them in the project manager's name: Odoo makes the creator
            # follow each task, and the tasks are his to follow, not the approver's (a director
            # approving many projects)
            Task = Task.with_env(Task.env(user=manager.id, su=True))
        return Task.create(tasks).with_env(self.env)

    def _spm_notify_manager(self, tasks):
        """One notice to the project manager of an approved initiation: the project is his, and so are
        the ``tasks`` of its WBS (in place of Odoo's "assigned to the project" and one per task)."""
        self.ensure_one()
        manager = self.user_id
        if not manager or manager == self.env.user:
            return
        told = self.with_context(lang=manager.lang or self.env.lang)
        if tasks:
            subject = told.env._("You are the project manager of %(project)s; %(count)s tasks of its WBS are "
                                 "assigned to you.", project=self.display_name, count=len(tasks))
        else:
            subject = told.env._("You are the project manager of %(project)s.", project=self.display_name)
        self.message_notify(partner_ids=manager.partner_id.ids, subject=subject, body=subject,
                            record_name=self.display_name, email_layout_xmlid="mail.mail_notification_layout")

    def action_spm_view_meetings(self):
        """The project's meetings (项目会议): list and calendar."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_meeting_action")
        action.update(domain=[("spm_project_id", "=", self.id)],
                      context={"default_spm_project_id": self.id, "default_spm_meeting_type": "customer",
                               "default_partner_ids": [self._spm_customer_contact().id, self.env.user.partner_id.id]})
        return action

    def action_spm_plan_meetings(self):
        """Plan the project's recurring meetings from the communication plan of its grade (沟通计划), on Odoo's
        calendar, repeated up to the project's planned end; a plan already planned is not planned again."""
        self.ensure_one()
        self._spm_check_team(lambda names: self.env._("Only the team of the project %s plans its meetings.", names))
        project = self.sudo()
        plans = project.spm_grade_id.spm_communication_plan_ids
        if not plans:
            raise UserError(self.env._("The grade of %s has no communication plan.", self.name))
        today = fields.Date.context_today(self)
        start_day = max(project.date_start or today, today)
        end_day = project.date
        if not end_day or end_day <= start_day:
            raise UserError(self.env._("Set the planned end date of %s (after today) to plan its meetings.",
                                       self.name))
        labels = dict(self.env["calendar.event"]._fields["spm_meeting_type"]._description_selection(self.env))
        Meeting = self.env["calendar.event"].with_context(no_mail_to_attendees=True)
        planned = Meeting.search([("spm_project_id", "=", self.id), ("recurrency", "=", True)])
        created = Meeting
        tz = (project.company_id or self.env.company)._spm_tz()
        for plan in plans:
            rrule_type, interval = plan._spm_recurrence()
            if planned.filtered(lambda m, p=plan, t=rrule_type, i=interval: m.spm_meeting_type == p.meeting_type
                                and m.rrule_type == t and m.interval == i):
                continue
            # 10:00 the next day, in the company's time zone (stored in UTC)
            first = tz.localize(datetime.combine(start_day + timedelta(days=1), time(10, 0))).astimezone(
                pytz.utc).replace(tzinfo=None)
            created |= Meeting.create({
                "name": f"{project.name} {labels[plan.meeting_type]}",
                "spm_project_id": self.id,
                "spm_meeting_type": plan.meeting_type,
                "start": first,
                "stop": first + timedelta(hours=plan.duration or 1.0),
                "partner_ids": [Command.set(plan._spm_partners(project).ids)],
                "user_id": project.user_id.id or self.env.uid,
                "recurrency": True,
                "rrule_type": rrule_type,
                "interval": interval,
                "end_type": "end_date",
                "until": end_day,
            })
        if not created:
            raise UserError(self.env._("The meetings of %s are planned already.", self.name))
        return self.action_spm_view_meetings()

    def action_spm_open_acceptances(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_acceptance_action")
        action.update(domain=[("project_id", "=", self.id)], context={"default_project_id": self.id})
        return action

    def action_spm_new_acceptance(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Acceptance"),
            "res_model": "spm.acceptance",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {"default_project_id": self.id,
                        "default_acceptance_type": "final" if self.stage_id.id == self._spm_acceptance_stage_id()
                        else "stage",
                        "default_signatory_id": self._spm_customer_contact().id},
        }

    def action_spm_open_retrospective(self):
        """The project's retrospective, started when it has none."""
        self.ensure_one()
        retrospective = self.spm_retrospective_ids[:1]
        if not retrospective:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Retrospective"),
                "res_model": "spm.retrospective",
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "current",
                "context": {"default_project_id": self.id},
            }
        return retrospective._get_records_action()

    def _spm_acceptance_stage_id(self):
        return self.env["ir.model.data"]._xmlid_to_res_id("project.project_project_stage_1", raise_if_not_found=False)

    def _spm_current_grade(self):
        """The grade that decides the project's approvals now: the one of its 立项, or its opportunity's if that
        rose since (until the new 立项 is approved, the higher chain decides)."""
        self.ensure_one()
        project = self.sudo()
        grades = (project.spm_grade_id | project.spm_lead_id.spm_grade_id).sorted(lambda g: (g.min_amount, g.id))
        return grades[-1:].with_env(self.env)

    def _spm_is_sales_project(self):
        """A delivery project of the addon: graded by its initiation (立项). No project is none."""
        if not self:
            return False
        self.ensure_one()
        return bool(self.sudo().spm_grade_id)

    def _spm_gated_records(self):
        """The delivery stages govern sales projects only: the company's other projects move freely."""
        return self.filtered(lambda project: project._spm_is_sales_project())

    @api.model
    def _spm_gated_domain(self):
        return [("spm_grade_id", "!=", False)]

    @api.model
    def _spm_reporting_domain(self):
        """The projects that take a weekly report: the active sales projects with a project manager."""
        return [("spm_grade_id", "!=", False), ("user_id", "!=", False), ("last_update_status", "!=", "done"),
                ("stage_id.fold", "=", False)]

    @api.model
    def _cron_spm_weekly_report_reminders(self):
        """Weekly: the manager of an active sales project without a report for the current week is
        reminded, once for that week (a closed project takes no report)."""
        today = fields.Date.context_today(self)
        week = iso_week(today)
        projects = self.sudo().search([
            *self._spm_reporting_domain(),
            ("spm_report_reminded_week", "!=", week), ("update_ids", "not any", [("spm_week", "=", week)]),
        ])
        for project in projects:
            project.activity_schedule(
                "sales_project_management.mail_activity_type_weekly_report", user_id=project.user_id.id,
                date_deadline=week_bounds(today)[1],
                summary=self.env._("Weekly report %(week)s of %(project)s", week=week, project=project.name))
        projects.write({"spm_report_reminded_week": week})
        return True

    def action_spm_view_risks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_risk_action")
        action.update(domain=[("project_id", "=", self.id)],
                      context={"default_project_id": self.id, "default_lead_id": self.spm_lead_id.id,
                               "search_default_open": 1})
        return action

    def action_spm_view_issues(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_issue_action")
        action.update(domain=[("project_id", "=", self.id), ("spm_is_issue", "=", True)],
                      context={"default_project_id": self.id, "default_spm_is_issue": True,
                               "search_default_spm_open_issues": 1})
        return action

    def action_spm_view_change_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_change_request_action")
        action.update(domain=[("project_id", "=", self.id)], context={"default_project_id": self.id})
        return action

    def action_spm_view_weekly_reports(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_weekly_report_action")
        action.update(domain=[("project_id", "=", self.id)],
                      context={"default_project_id": self.id, "active_id": self.id})
        return action

    def action_spm_open_lead(self):
        self.ensure_one()
        return self.spm_lead_id._get_records_action()

    def action_spm_open_initiation(self):
        self.ensure_one()
        return self.spm_initiation_id._get_records_action()

    # ------------------------------------------------------------
    # Stall alerts (停滞预警)
    # ------------------------------------------------------------

    spm_stall_alert_ids = fields.One2many("spm.stall.alert", "project_id", string="Stall Alerts",
                                          groups="sales_project_management.group_spm_user")
    # stored, so that the form reads it with the record: it changes only when the workflow raises or closes alerts
    spm_stall_alert_count = fields.Integer("Open Stall Alerts", compute="_compute_spm_stall_alert_count", store=True,
                                           compute_sudo=True, groups="sales_project_management.group_spm_user")

    @api.depends("spm_stall_alert_ids.state")
    def _compute_spm_stall_alert_count(self):
        counts = dict(self.env["spm.stall.alert"]._read_group(
            [("project_id", "in", self.ids), ("state", "=", "open")], ["project_id"], ["__count"]))
        for project in self:
            project.spm_stall_alert_count = counts.get(project._origin, 0)

    def action_spm_view_stall_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_stall_alert_action")
        action.update(domain=[("project_id", "=", self.id)], context={"search_default_open": 1})
        return action
