from odoo import api, fields, models


class SpmGrade(models.Model):
    _name = "spm.grade"
    _description = "Project Grade"
    _inherit = ["spm.workflow.mixin"]
    _order = "sequence, min_amount desc, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True,
        help="Leave empty to use the grade in every company.")
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", store=True, readonly=False, precompute=True, required=True,
        help="The currency of the minimum amount: the company's for a grade of one company. The grades of every "
             "company are converted into the currency of each company that uses them, at the day's rate.")
    min_amount = fields.Monetary(
        "Minimum Expected Revenue", currency_field="currency_id",
        help="An opportunity whose expected revenue (in its company's currency) reaches this amount "
             "gets this grade, unless a higher grade applies. A company that has grades of its own uses only "
             "those; the others use the grades of every company.")
    description = fields.Text(translate=True)
    approval_step_ids = fields.One2many("spm.approval.step", "grade_id", string="Approval Chain", copy=True,
                                        domain=[("chain", "=", "initiation")])
    monitor_group_id = fields.Many2one(
        "res.groups",
        help="The project's monitor (监控人) is the approver of this group, or else a member of it.")
    monitor_user_id = fields.Many2one("res.users", string="Monitor", help="A fixed monitor for projects of this grade.")
    wbs_template_id = fields.Many2one("spm.wbs.template", string="WBS Template",
                                      help="Phases and tasks of the delivery project; the default template if empty.")
    spm_communication_plan_ids = fields.One2many(
        "spm.communication.plan", "grade_id", string="Communication Plan", copy=True,
        help="The recurring meetings (沟通计划) the projects of this grade hold: “Plan Meetings” on a project creates "
             "them.")

    _sql_constraints = [
        ("min_amount_positive", "CHECK(min_amount >= 0)", "The minimum amount of a grade cannot be negative."),
    ]

    @api.depends("company_id")
    def _compute_currency_id(self):
        for grade in self:
            if grade.company_id or not grade.currency_id:
                grade.currency_id = grade.company_id.currency_id or self.env.company.currency_id

    def _spm_scale(self, company):
        """[(threshold in ``company``'s currency, grade)] of the grades of ``self`` that apply to the
        company, highest first: its own grades if it has any, else the grades of every company (as
        written when no company is given)."""
        own = self.filtered(lambda g: g.company_id == company) if company else self.browse()
        pool = own or self.filtered(lambda g: not g.company_id)
        today = fields.Date.context_today(self)
        scale = [(grade.currency_id._convert(grade.min_amount, company.currency_id, company, today, round=False)
                  if company and grade.currency_id != company.currency_id else grade.min_amount, grade)
                 for grade in pool]
        return sorted(scale, key=lambda item: (-item[0], item[1].sequence, item[1].id))

    def _spm_pick(self, amount, company, scale=None):
        """The grade an expected revenue of ``company`` (in its currency) reaches; ``scale`` is the
        company's :meth:`_spm_scale`, given when picking for many records."""
        for threshold, grade in self._spm_scale(company) if scale is None else scale:
            if (amount or 0.0) >= threshold:
                return grade
        return self.browse()

    @api.model_create_multi
    def create(self, vals_list):
        grades = super().create(vals_list)
        self.env["crm.lead"]._spm_recompute_automatic_grades()
        return grades

    def write(self, vals):
        res = super().write(vals)
        if {"min_amount", "currency_id", "company_id", "active"} & set(vals):
            self.env["crm.lead"]._spm_recompute_automatic_grades()
        return res

    def unlink(self):
        res = super().unlink()
        self.env["crm.lead"]._spm_recompute_automatic_grades()
        return res
