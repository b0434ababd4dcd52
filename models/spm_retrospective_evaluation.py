from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmRetrospectiveEvaluation(models.Model):
    """The evaluation of a team member in a project's retrospective, by a director (a sales
    projects manager). Private: readable by managers and by the member evaluated only."""
    _name = "spm.retrospective.evaluation"
    _description = "Team Member Evaluation"
    _inherit = ["spm.workflow.mixin"]
    _order = "retrospective_id, id"
    _rec_name = "user_id"
    # who evaluated: the director writing the evaluation
    _spm_workflow_fields = ("evaluator_id",)
    _spm_parent_fields = ("retrospective_id",)

    retrospective_id = fields.Many2one("spm.retrospective", required=True, index=True,
                                       ondelete="cascade")
    project_id = fields.Many2one(related="retrospective_id.project_id", store=True, index=True)
    company_id = fields.Many2one(related="retrospective_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", string="Member", required=True, index=True,
                              domain="[('share', '=', False)]")
    role = fields.Char(compute="_compute_role", string="Roles")
    score = fields.Integer(required=True, default=3, aggregator="avg", help="1 (poor) to 5 (excellent).")
    comment = fields.Text()
    evaluator_id = fields.Many2one("res.users", string="Evaluated By", readonly=True,
                                   default=lambda self: self.env.user)

    _sql_constraints = [
        ("member_unique", "UNIQUE(retrospective_id, user_id)", "A member is evaluated once per retrospective."),
    ]

    @api.depends("user_id", "project_id.spm_member_ids.role")
    def _compute_role(self):
        labels = dict(self.env["spm.project.member"]._fields["role"]._description_selection(self.env))
        for evaluation in self:
            members = evaluation.project_id.sudo().spm_member_ids.filtered(
                lambda m, e=evaluation: m.user_id == e.user_id)
            evaluation.role = ", ".join(labels[role] for role in members.mapped("role")) or False

    @api.constrains("score", "user_id", "retrospective_id")
    def _check_evaluation(self):
        for evaluation in self:
            if not 1 <= evaluation.score <= 5:
                raise ValidationError(self.env._("An evaluation scores 1 to 5."))
            project = evaluation.project_id.sudo()
            if evaluation.user_id not in project.spm_member_ids.user_id | project.user_id:
                raise ValidationError(self.env._("%(user)s is not a member of the team of %(project)s.",
                                                 user=evaluation.user_id.name, project=project.name))

    @api.model
    def _spm_prepare_create(self, vals):
        vals["evaluator_id"] = self.env.uid
        return vals

    def _spm_prepare_write(self, vals):
        vals["evaluator_id"] = self.env.uid
        return vals

    def _spm_check_parents(self, _names):
        self.project_id._spm_check_open()

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        self.project_id._spm_check_open()
        return super().write(vals)

    def unlink(self):
        self.project_id._spm_check_open()
        return super().unlink()
