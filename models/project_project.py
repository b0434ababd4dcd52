from datetime import timedelta

from odoo import Command, _lt, api, fields, models
from odoo.exceptions import AccessError, UserError

from .spm_translation import copy_translations, term_translations

# set by the 立项 workflow and the plan's confirmation only, never by a user's write, import or RPC call
WORKFLOW_FIELDS = ("spm_lead_id", "spm_initiation_id", "spm_grade_id", "spm_collection_confirmed")
PLAN_GROUPS = ("account.group_account_invoice", "sales_project_management.group_spm_manager")
CHARTER_CRITERIA = {
    "acceptance_rate": _lt("Acceptance pass rate"),
    "collection_cycle": _lt("Collection cycle"),
    "revenue": _lt("Revenue target"),
}
DAYS = _lt("days")


class ProjectProject(models.Model):
    _inherit = "project.project"

    spm_lead_id = fields.Many2one("crm.lead", string="Opportunity", index="btree_not_null", copy=False,
                                  ondelete="set null")
    spm_initiation_id = fields.Many2one("spm.initiation", string="Initiation Request", copy=False,
                                        ondelete="set null")
    spm_grade_id = fields.Many2one("spm.grade", string="Grade", index="btree_not_null", ondelete="restrict")
    spm_objective = fields.Html("Project Objective")
    spm_member_ids = fields.One2many("spm.project.member", "project_id", string="Project Team")
    spm_success_criterion_ids = fields.One2many("spm.success.criterion", "project_id", string="Success Criteria")

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

    @api.depends("spm_collection_line_ids.amount_company", "spm_collection_line_ids.amount_invoiced_company",
                 "spm_collection_line_ids.amount_received_company", "spm_collection_line_ids.state",
                 "spm_collection_line_ids.last_payment_date", "spm_collection_line_ids.due_date",
                 "spm_collection_line_ids.is_cancelled", "company_id.currency_id",
                 "spm_acceptance_date", "spm_success_criterion_ids.code", "spm_success_criterion_ids.target")
    def _compute_spm_collection(self):
        for project in self:
            lines = project.spm_collection_line_ids.filtered(lambda line: not line.is_cancelled)
            project.spm_currency_id = project.company_id.currency_id or self.env.company.currency_id
            project.spm_amount_planned = sum(lines.mapped("amount_company"))
            project.spm_amount_invoiced = sum(lines.mapped("amount_invoiced_company"))
            project.spm_amount_received = sum(lines.mapped("amount_received_company"))
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

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get(name) for vals in vals_list for name in WORKFLOW_FIELDS):
            raise AccessError(self.env._(
                "The opportunity, initiation, grade and plan confirmation of a project are set by the initiation "
                "(立项) workflow and the collection plan's confirmation."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            for name in set(WORKFLOW_FIELDS) & set(vals):
                value = vals[name]
                if any((project[name].id if project._fields[name].type == "many2one" else project[name])
                       != (value or False) for project in self):
                    raise AccessError(self.env._(
                        "The opportunity, initiation, grade and plan confirmation of a project are set by the "
                        "initiation (立项) workflow and the collection plan's confirmation (button “Confirm Plan”)."))
        return super().write(vals)

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
        if isinstance(template, int):  # called over RPC or from a data file with ids
            template = self.env["spm.collection.template"].browse(template)
        if isinstance(order, int):
            order = self.env["sale.order"].browse(order)
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
        project approved again (after its grade rose) keeps what it has and gains what is new."""
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
        self._spm_apply_wbs(request.grade_id.wbs_template_id or self.env["spm.wbs.template"].search(
            ["|", ("company_id", "=", False), ("company_id", "=", self.company_id.id)], limit=1),
            request.date_start or fields.Date.context_today(self))

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
        """Milestones and tasks of the WBS template, named in the project manager's language."""
        if not template or self.milestone_ids:
            return
        template = template.with_context(lang=self.user_id.lang or self.env.lang)
        Milestone = self.env["project.milestone"]
        tasks = []
        for phase in template.phase_ids:
            begin = start + timedelta(days=phase.start_offset_days)
            deadline = begin + timedelta(days=phase.duration_days)
            milestone = Milestone.create({"name": phase.name, "project_id": self.id, "deadline": deadline})
            tasks += [{
                "name": task.name, "project_id": self.id, "milestone_id": milestone.id,
                "date_deadline": fields.Datetime.to_datetime(deadline), "sequence": task.sequence,
                "user_ids": [Command.set(self.user_id.ids)],
            } for task in phase.task_ids]
        self.env["project.task"].create(tasks)

    def action_spm_open_lead(self):
        self.ensure_one()
        return self.spm_lead_id._get_records_action()

    def action_spm_open_initiation(self):
        self.ensure_one()
        return self.spm_initiation_id._get_records_action()
