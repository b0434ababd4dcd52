from odoo import _lt, api, fields, models

from .spm_translation import term_translations

# crm's four default stages are renamed into the governed pipeline (data/crm_stage_data.xml).
# Their records belong to crm, so their new names are translated from these code terms.
RENAMED_CRM_STAGES = {
    "crm.stage_lead1": _lt("Lead / Customer Development"),
    "crm.stage_lead2": _lt("Qualification"),
    "crm.stage_lead3": _lt("Bid / Quotation"),
    "crm.stage_lead4": _lt("Won"),
}


class CrmStage(models.Model):
    _name = "crm.stage"
    _inherit = ["crm.stage", "spm.gated.stage.mixin"]
    _spm_scope_field = "team_id"

    spm_gate_ids = fields.One2many("spm.stage.gate", "stage_id", string="Gates",
                                   help="Requirements an opportunity must meet to leave this stage forward.")
    spm_gate_count = fields.Integer("Gate Count", compute="_compute_spm_gate_count")

    @api.depends("spm_gate_ids")
    def _compute_spm_gate_count(self):
        for stage in self:
            stage.spm_gate_count = len(stage.spm_gate_ids)

    @api.model
    def _spm_translate_renamed_stages(self):
        """Give crm's renamed default stages our names in every installed language."""
        for xmlid, term in RENAMED_CRM_STAGES.items():
            stage = self.env.ref(xmlid, raise_if_not_found=False)
            if stage:
                stage.update_field_translations("name", term_translations(self.env, term))
