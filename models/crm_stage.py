from odoo import _lt, api, fields, models, tools

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
    _inherit = "crm.stage"

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

    @api.model_create_multi
    def create(self, vals_list):
        stages = super().create(vals_list)
        self.env.registry.clear_cache()
        return stages

    def write(self, vals):
        res = super().write(vals)
        if {"sequence", "team_id"} & set(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    @api.model
    @tools.ormcache()
    def _spm_stage_table(self):
        """((stage id, sequence, team id), ...) of every stage in pipeline order (the kanban's order
        without the translated name). Cached for every request; cleared when stages change."""
        stages = self.sudo().search([])  # pylint: disable=no-search-all
        return tuple(sorted(((stage.id, stage.sequence, stage.team_id.id) for stage in stages),
                            key=lambda row: (row[1], row[0])))

    @api.model
    def _spm_crossed_stage_ids(self, team_id, old_id, new_id):
        """The stages whose gates a move from ``old_id`` (False: a creation) to ``new_id`` must meet:
        ``old_id`` and the stages of the pipeline of ``team_id`` between it and ``new_id``."""
        table = self._spm_stage_table()
        key = {stage_id: (sequence, stage_id) for stage_id, sequence, _team in table}
        end = key[new_id]
        start = key.get(old_id)
        return [stage_id for stage_id, sequence, team in table
                if (not team or team == team_id or stage_id == old_id)
                and (start is None or start <= (sequence, stage_id)) and (sequence, stage_id) < end]

    @api.model
    def _spm_is_forward(self, old_id, new_id):
        key = {stage_id: (sequence, stage_id) for stage_id, sequence, _team in self._spm_stage_table()}
        return not old_id or key[new_id] > key[old_id]
