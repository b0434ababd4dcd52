from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

COMMITMENT_KINDS = [("maintenance", "Maintenance"), ("training", "Training")]


class SpmServiceCommitment(models.Model):
    """An after-sales commitment of a sales project (售后服务承诺): so many maintenance visits or training sessions
    during the warranty. At final acceptance each becomes that many planned service tasks of the after-sales
    project, spread over the warranty; they are done as tasks."""
    _name = "spm.service.commitment"
    _description = "Service Commitment"
    _inherit = ["spm.workflow.mixin"]
    _order = "project_id, sequence, id"
    _spm_parent_fields = ("project_id",)

    project_id = fields.Many2one("project.project", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(COMMITMENT_KINDS, required=True, default="maintenance")
    name = fields.Char("Commitment", required=True, translate=True, help="What is promised, e.g. 季度巡检.")
    quantity = fields.Integer("How Many", required=True, default=1)
    task_ids = fields.One2many("project.task", "spm_commitment_id", string="Service Tasks")
    done_count = fields.Integer("Done", compute="_compute_done_count")

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0 AND quantity <= 100)", "A commitment is done 1 to 100 times."),
    ]

    @api.depends("task_ids.state")
    def _compute_done_count(self):
        for commitment in self:
            commitment.done_count = len(commitment.task_ids.filtered(lambda task: task.state == "1_done"))

    def _spm_check_parents(self, _names):
        self.project_id._spm_check_team(
            lambda names: self.env._("Only the team of the project %s sets its service commitments.", names))
        if not self.env.su:
            self.project_id._spm_check_open()

    @api.model_create_multi
    def create(self, vals_list):
        commitments = super().create(vals_list)
        commitments._spm_plan()  # promised after the final acceptance: planned at once
        return commitments

    def _spm_plan(self):
        """The commitments of accepted projects that have no task yet become that many planned service tasks of
        the after-sales project, spread evenly over what remains of the warranty."""
        today = fields.Date.context_today(self)
        values = []
        for commitment in self.sudo().filtered(lambda c: c.project_id.spm_acceptance_date and not c.task_ids):
            project = commitment.project_id
            start = max(project.spm_acceptance_date, today)
            end = project.spm_warranty_end or start
            span = max((end - start).days, commitment.quantity + 1)
            after_sales = project.company_id._spm_after_sales_project()
            for index in range(commitment.quantity):
                # the n-th of k at (n + 1) / (k + 1) of the span
                values.append({
                    "name": f"{commitment.name} ({index + 1}/{commitment.quantity}) · {project.name}",
                    "project_id": after_sales.id, "partner_id": project.partner_id.id,
                    "spm_service_type": commitment.kind, "spm_sales_project_id": project.id,
                    "spm_commitment_id": commitment.id,
                    "date_deadline": start + timedelta(days=span * (index + 1) // (commitment.quantity + 1)),
                    "user_ids": [Command.set(project.user_id.ids)] if project.user_id else [],
                })
        if values:
            self.env["project.task"].sudo().with_context(mail_create_nolog=True).create(values)

    @api.constrains("project_id")
    def _check_project(self):
        for commitment in self:
            if commitment.project_id.spm_is_after_sales:
                raise ValidationError(self.env._("Service commitments belong to a sales project."))

    def write(self, vals):
        if not self.env.su and {"kind", "quantity", "project_id"} & vals.keys():
            for commitment in self.filtered("task_ids"):
                raise ValidationError(self.env._(
                    "“%s” is planned as service tasks: change the tasks.", commitment.name))
        return super().write(vals)
