from odoo import fields, models


class SpmSuccessCriterion(models.Model):
    """A success criterion of the project charter (项目章程), e.g. acceptance pass rate ≥ 95 %."""
    _name = "spm.success.criterion"
    _description = "Project Success Criterion"
    _inherit = ["spm.workflow.mixin"]
    _order = "project_id, sequence, id"
    # measured when the retrospective is done
    _spm_workflow_fields = ("actual",)
    _spm_parent_fields = ("project_id",)

    project_id = fields.Many2one("project.project", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("Criterion", required=True, translate=True)
    code = fields.Char(help="Technical key of a criterion measured by the addon, e.g. collection_cycle.")
    comparator = fields.Selection([(">=", "at least"), ("<=", "at most"), ("=", "equal to")], default=">=",
                                  required=True)
    target = fields.Float(required=True)
    unit = fields.Char(translate=True)
    actual = fields.Float(help="Measured at closing.")
