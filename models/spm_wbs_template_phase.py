from odoo import fields, models


class SpmWbsTemplatePhase(models.Model):
    """A phase of the WBS: becomes a project.milestone with its tasks."""
    _name = "spm.wbs.template.phase"
    _description = "WBS Template Phase"
    _inherit = ["spm.workflow.mixin"]
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("spm.wbs.template", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    start_offset_days = fields.Integer("Starts After (days)", help="Days after the project's planned start.")
    duration_days = fields.Integer("Duration (days)", default=30)
    task_ids = fields.One2many("spm.wbs.template.task", "phase_id", string="Tasks", copy=True)

    _sql_constraints = [
        ("days_positive", "CHECK(start_offset_days >= 0 AND duration_days >= 0)",
         "Offsets and durations of a WBS phase cannot be negative."),
    ]
