from odoo import _lt, fields, models

# project's four default stages become the governed delivery stages (data/project_stage_data.xml).
# Their records belong to project, so their new names are translated from these code terms.
RENAMED_PROJECT_STAGES = {
    "project.project_project_stage_0": _lt("Delivery"),
    "project.project_project_stage_1": _lt("Acceptance"),
    "project.project_project_stage_2": _lt("Closed"),
}


class ProjectProjectStage(models.Model):
    """Project stages carry gates like the pipeline's stages. A folded stage is a closed one
    (Odoo's own meaning of folding): its projects are read-only except for managers."""
    _name = "project.project.stage"
    _inherit = ["project.project.stage", "spm.gated.stage.mixin"]
    _spm_renamed_stages = RENAMED_PROJECT_STAGES
    _spm_scope_field = "company_id"

    spm_gate_ids = fields.One2many("spm.stage.gate", "project_stage_id", string="Gates",
                                   help="Requirements a project must meet to leave this stage forward.")
