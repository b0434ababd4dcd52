from odoo import models


class ProjectMilestone(models.Model):
    _name = "project.milestone"
    _inherit = ["project.milestone", "spm.workflow.mixin"]
    # reached on the day it is marked reached, or on the date of the stage acceptance that passed it: never
    # typed (a date in the future would make its installments fall due from it)
    _spm_workflow_fields = ("reached_date",)
