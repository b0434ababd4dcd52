from odoo import fields, models


class SpmArchiveRequirement(models.Model):
    """A document the archive (项目档案) of a delivery project must hold, by phase."""
    _name = "spm.archive.requirement"
    _description = "Archive Requirement"
    _inherit = ["spm.workflow.mixin"]
    _order = "stage_sequence, sequence, id"

    sequence = fields.Integer(default=10)
    stage_id = fields.Many2one("project.project.stage", string="Phase", ondelete="set null",
                               help="The project stage whose work this document records.")
    stage_sequence = fields.Integer(related="stage_id.sequence", store=True, string="Phase Sequence")
    document_type_id = fields.Many2one("spm.document.type", required=True,
                                       ondelete="restrict")
    required = fields.Boolean(default=True,
                              help="Required documents count in the archive's completeness and close the project; "
                                   "the others are recommended.")
    company_id = fields.Many2one("res.company", help="Leave empty for every company.")
    active = fields.Boolean(default=True)
    note = fields.Char(translate=True)

    _sql_constraints = [
        ("type_unique", "UNIQUE(document_type_id, company_id)", "A document type is required once in an archive."),
    ]
