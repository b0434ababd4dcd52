from odoo import api, fields, models


class SpmGrade(models.Model):
    _name = "spm.grade"
    _description = "Project Grade"
    _order = "sequence, min_amount desc, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True,
        help="Leave empty to use the grade in every company.")
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    min_amount = fields.Monetary(
        "Minimum Expected Revenue", currency_field="currency_id",
        help="An opportunity whose expected revenue (in its company's currency) reaches this amount "
             "gets this grade, unless a higher grade applies.")
    description = fields.Text(translate=True)
    approval_step_ids = fields.One2many("spm.approval.step", "grade_id", string="Approval Chain", copy=True)
    monitor_group_id = fields.Many2one(
        "res.groups",
        help="The project's monitor (监控人) is the approver of this group, or else a member of it.")
    monitor_user_id = fields.Many2one("res.users", string="Monitor", help="A fixed monitor for projects of this grade.")
    wbs_template_id = fields.Many2one("spm.wbs.template", string="WBS Template",
                                      help="Phases and tasks of the delivery project; the default template if empty.")

    _sql_constraints = [
        ("min_amount_positive", "CHECK(min_amount >= 0)", "The minimum amount of a grade cannot be negative."),
    ]

    @api.depends("company_id")
    def _compute_currency_id(self):
        for grade in self:
            grade.currency_id = grade.company_id.currency_id or self.env.company.currency_id

    def _spm_pick(self, amount, company):
        eligible = self.filtered(
            lambda g: (not g.company_id or g.company_id == company) and (amount or 0.0) >= g.min_amount)
        return eligible.sorted(lambda g: (-g.min_amount, g.sequence, g.id))[:1]

    @api.model_create_multi
    def create(self, vals_list):
        grades = super().create(vals_list)
        self.env["crm.lead"]._spm_recompute_automatic_grades()
        return grades

    def write(self, vals):
        res = super().write(vals)
        if {"min_amount", "company_id", "active"} & set(vals):
            self.env["crm.lead"]._spm_recompute_automatic_grades()
        return res

    def unlink(self):
        res = super().unlink()
        self.env["crm.lead"]._spm_recompute_automatic_grades()
        return res
