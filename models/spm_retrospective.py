from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import is_html_empty

MANAGER_GROUP = "sales_project_management.group_spm_manager"
RETROSPECTIVE_REPORT = "sales_project_management.doc_type_retrospective_report"
# the lessons of a retrospective, written by the team
LESSON_FIELDS = ("success_factors", "problems", "improvements")


class SpmRetrospective(models.Model):
    """项目复盘: the retrospective of a delivery project, one per project.

    Targets and actuals are computed from the records (立项 request, collection plan and its
    invoices, acceptances, analytic costs, satisfaction), never typed; the team writes the
    lessons and the directors evaluate each member (``evaluation_ids``, private).
    """
    _name = "spm.retrospective"
    _description = "Project Retrospective"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.workflow.mixin"]
    _order = "id desc"
    _rec_name = "project_id"
    _spm_workflow_fields = ("state", "date_done")
    _spm_parent_fields = ("project_id",)
    _spm_create_ignores_workflow = True

    # its documents with their type (the signed report, the archive's documents), typed where they are attached
    spm_attachment_ids = fields.One2many(
        "ir.attachment", "res_id", string="Documents", domain=[("res_model", "=", "spm.retrospective")])
    project_id = fields.Many2one("project.project", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="project_id.partner_id", string="Customer")
    grade_id = fields.Many2one(related="project_id.spm_grade_id", string="Grade")
    user_id = fields.Many2one("res.users", string="Written By", default=lambda self: self.env.user, tracking=True)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft", required=True, readonly=True,
                             copy=False, tracking=True)
    date_done = fields.Date("Done On", readonly=True, copy=False)
    currency_id = fields.Many2one(related="project_id.spm_currency_id", string="Currency")

    # Revenue: targets vs actuals
    revenue_expected = fields.Monetary("Expected Revenue (立项)", compute="_compute_revenue",
                                       help="The revenue of the approved initiation request.")
    revenue_contract = fields.Monetary("Contract Value", compute="_compute_revenue",
                                       help="The installments of the collection plan (not cancelled).")
    revenue_invoiced = fields.Monetary("Invoiced", compute="_compute_revenue")
    revenue_collected = fields.Monetary("Collected", compute="_compute_revenue")
    revenue_achievement = fields.Float("Revenue Achieved (%)", compute="_compute_revenue",
                                       help="Contract value against the expected revenue.")
    # Collection cycle
    collection_cycle_days = fields.Integer(
        "Collection Cycle (days)", compute="_compute_collection_cycle",
        help="Days from the final acceptance to the last payment, once every installment is paid.")
    collection_cycle_target = fields.Float("Collection Cycle Target (days)", compute="_compute_collection_cycle")
    collection_cycle_met = fields.Boolean(compute="_compute_collection_cycle")
    collection_done = fields.Boolean("Fully Collected", compute="_compute_collection_cycle",
                                     help="Every installment is paid: the collection cycle is known.")
    # Schedule
    date_planned_end = fields.Date("Planned End", compute="_compute_schedule")
    date_actual_end = fields.Date("Actual End", compute="_compute_schedule",
                                  help="The date of the final acceptance.")
    schedule_delay_days = fields.Integer("Delay (days)", compute="_compute_schedule",
                                         help="Actual end minus planned end; negative when early.")
    # Acceptance
    acceptance_pass_rate = fields.Float(
        "Acceptance Pass Rate (%)", compute="_compute_acceptance_pass_rate",
        help="Stage acceptances passed the first time, among the milestones accepted.")
    acceptance_pass_target = fields.Float("Acceptance Pass Rate Target (%)", compute="_compute_acceptance_pass_rate")
    acceptance_pass_met = fields.Boolean("Acceptance Pass Rate Met", compute="_compute_acceptance_pass_rate")
    # Budget and cost
    budget = fields.Monetary(compute="_compute_cost",
                             help="The cost budget of the approved initiation request and its approved changes.")
    cost = fields.Monetary("Actual Cost", compute="_compute_cost",
                           help="Costs booked on the project's analytic account.")
    cost_ratio = fields.Float("Cost / Budget (%)", compute="_compute_cost")
    # Satisfaction
    satisfaction_score = fields.Float("Customer Satisfaction", related="project_id.spm_satisfaction_score",
                                      digits=(3, 2))

    success_factors = fields.Html()
    problems = fields.Html()
    improvements = fields.Html()
    evaluation_ids = fields.One2many("spm.retrospective.evaluation", "retrospective_id", string="Member Evaluations")

    _sql_constraints = [
        ("project_unique", "UNIQUE(project_id)", "A project has one retrospective."),
    ]

    @api.depends("project_id.spm_initiation_id.expected_revenue", "project_id.spm_amount_planned",
                 "project_id.spm_amount_invoiced", "project_id.spm_amount_received")
    def _compute_revenue(self):
        for retro in self:
            project = retro.project_id.sudo()
            retro.revenue_expected = project.spm_initiation_id.expected_revenue
            retro.revenue_contract = project.spm_amount_planned
            retro.revenue_invoiced = project.spm_amount_invoiced
            retro.revenue_collected = project.spm_amount_received
            retro.revenue_achievement = (100 * retro.revenue_contract / retro.revenue_expected
                                         if retro.revenue_expected else 0.0)

    @api.depends("project_id.spm_collection_cycle_days", "project_id.spm_collection_cycle_target")
    def _compute_collection_cycle(self):
        for retro in self:
            project = retro.project_id.sudo()
            lines = project.spm_collection_line_ids.filtered(lambda line: not line.is_cancelled)
            retro.collection_done = bool(lines) and all(line.state == "paid" for line in lines)
            retro.collection_cycle_days = project.spm_collection_cycle_days
            retro.collection_cycle_target = project.spm_collection_cycle_target
            retro.collection_cycle_met = project.spm_collection_cycle_met

    @api.depends("project_id.spm_initiation_id.date_end", "project_id.date", "project_id.spm_acceptance_date")
    def _compute_schedule(self):
        """Against the planned end as approved: the project's (moved by approved schedule changes), else the
        立项's."""
        for retro in self:
            project = retro.project_id.sudo()
            planned = project.date or project.spm_initiation_id.date_end
            actual = project.spm_acceptance_date
            retro.date_planned_end = planned
            retro.date_actual_end = actual
            retro.schedule_delay_days = (actual - planned).days if planned and actual else 0

    @api.depends("project_id.spm_acceptance_ids.state", "project_id.spm_acceptance_ids.result",
                 "project_id.spm_success_criterion_ids.target")
    def _compute_acceptance_pass_rate(self):
        for retro in self:
            project = retro.project_id.sudo()
            retro.acceptance_pass_rate = project._spm_acceptance_pass_rate()
            target = project.spm_success_criterion_ids.filtered(lambda c: c.code == "acceptance_rate")[:1].target
            retro.acceptance_pass_target = target
            retro.acceptance_pass_met = bool(project._spm_first_stage_acceptances()) and (
                retro.acceptance_pass_rate >= target)

    @api.depends("project_id.spm_budget", "project_id.account_id")
    def _compute_cost(self):
        """The project's budget as approved (the 立项's and its approved changes) and its costs, as the project
        counts them."""
        costs = self.project_id.sudo()._spm_costs()
        for retro in self:
            project = retro.project_id.sudo()
            retro.budget = project.spm_budget
            retro.cost = costs.get(project.id, 0.0)
            retro.cost_ratio = 100 * retro.cost / retro.budget if retro.budget else 0.0

    # ------------------------------------------------------------
    # CRUD and workflow
    # ------------------------------------------------------------

    def _spm_check_parents(self, _names):
        self.project_id._spm_check_team(
            lambda names: self.env._("Only the team of the project %s writes its retrospective.", names))
        self.project_id._spm_check_open()

    def _spm_refuse(self, names):
        if names & {"state", "date_done"}:
            raise AccessError(self.env._("A retrospective is done with the button “Done”."))
        return super()._spm_refuse(names)

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su:
            done = self.filtered(lambda r: r.state == "done")
            if done and not self.env.user.has_group(MANAGER_GROUP) and set(vals) - {"evaluation_ids"}:
                raise UserError(self.env._(
                    "The retrospective of %s is done: only a sales projects manager may change it.",
                    done[0].project_id.name))
            self.project_id._spm_check_open()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if self.filtered(lambda r: r.state == "done"):
            raise UserError(self.env._("A done retrospective is part of the project's archive and is not deleted."))
        self.project_id._spm_check_open()

    def action_done(self):
        """Close the retrospective: the lessons are written; the charter's criteria get their actuals."""
        for retro in self:
            retro.check_access("write")
            if retro.state == "done":
                raise UserError(self.env._("The retrospective of %s is already done.", retro.project_id.name))
            if all(is_html_empty(retro[name]) for name in LESSON_FIELDS):
                raise UserError(self.env._(
                    "The retrospective of %s needs its lessons: success factors, problems or improvements.",
                    retro.project_id.name))
            retro.sudo().write({"state": "done", "date_done": fields.Date.context_today(retro)})
            actuals = {"acceptance_rate": retro.acceptance_pass_rate,
                       "collection_cycle": retro.collection_cycle_days,
                       "revenue": retro.revenue_contract}
            for criterion in retro.project_id.sudo().spm_success_criterion_ids:
                if criterion.code in actuals:
                    criterion.actual = actuals[criterion.code]
        return True

    def action_archive_report(self):
        """File the printed 项目复盘报告 in the project's archive (without the private member
        evaluations)."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "done":
            raise UserError(self.env._("File the retrospective report once the retrospective is done."))
        lang = self.project_id.user_id.lang or self.env.lang
        pdf = self.env["ir.actions.report"].sudo().with_context(lang=lang)._render_qweb_pdf(
            "sales_project_management.action_report_spm_retrospective", self.ids, data={"spm_archive": True})[0]
        self.env["ir.attachment"].sudo().create({
            "name": self.env._("Retrospective Report - %s.pdf", self.project_id.name),
            "res_model": self._name, "res_id": self.id, "raw": pdf, "mimetype": "application/pdf",
            "spm_document_type_id": self.env.ref(RETROSPECTIVE_REPORT).id,
        })
        return True
