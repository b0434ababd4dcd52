from odoo import api, fields, models, tools

from .spm_translation import term_translations


class SpmGatedStageMixin(models.AbstractModel):
    """Stages whose gates must be met to leave them forward (crm.stage, project.project.stage).

    The stage table (order and scope of every stage) is cached for every request, so that
    deciding whether a move is forward and which stages it crosses reads nothing from the
    database. A stage belongs to every record, or only to those of one scope: the sales team for
    pipeline stages, the company for project stages (``_spm_scope_field``).
    """
    _name = "spm.gated.stage.mixin"
    _description = "Gated Stage Mixin"

    # the field of the stage that limits it to some records (False: every stage applies to every record)
    _spm_scope_field = False
    # what changes the table
    _spm_table_fields = {"sequence"}
    # {xmlid of a stage of another module: its new name as a code term} (renamed by our data files; the
    # records belong to the other module, so their names are translated from these terms)
    _spm_renamed_stages = {}

    spm_gate_count = fields.Integer("Gate Count", compute="_compute_spm_gate_count")

    @api.depends("spm_gate_ids")
    def _compute_spm_gate_count(self):
        for stage in self:
            stage.spm_gate_count = len(stage.spm_gate_ids)

    @api.model
    def _spm_translate_renamed_stages(self):
        """Give the renamed stages of the other module our names in every installed language."""
        for xmlid, term in self._spm_renamed_stages.items():
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
        if (self._spm_table_fields | {self._spm_scope_field, self._active_name}) & set(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    @api.model
    @tools.ormcache()
    def _spm_stage_table(self):
        """((stage id, sequence, scope id, active), ...) of every stage in pipeline order (the kanban's
        order without the translated name). Cached for every request; cleared when stages change."""
        stages = self.sudo().with_context(active_test=False).search([])  # pylint: disable=no-search-all
        scope, active = self._spm_scope_field, self._active_name
        return tuple(sorted(
            ((stage.id, stage.sequence, stage[scope].id if scope else False, stage[active] if active else True)
             for stage in stages),
            key=lambda row: (row[1], row[0])))

    @api.model
    def _spm_crossed_stage_ids(self, scope_id, old_id, new_id):
        """The stages whose gates a move from ``old_id`` (False: a creation) to ``new_id`` must meet:
        ``old_id`` and the active stages of the scope ``scope_id`` between it and ``new_id``."""
        table = self._spm_stage_table()
        key = {stage_id: (sequence, stage_id) for stage_id, sequence, _scope, _active in table}
        end = key[new_id]
        start = key.get(old_id)
        return [stage_id for stage_id, sequence, scope, active in table
                if (stage_id == old_id or (active and (not scope or scope == scope_id)
                                           and (start is None or start <= (sequence, stage_id))))
                and (sequence, stage_id) < end]

    @api.model
    def _spm_is_forward(self, old_id, new_id):
        key = {stage_id: (sequence, stage_id) for stage_id, sequence, _scope, _active in self._spm_stage_table()}
        return not old_id or key[new_id] > key[old_id]

    @api.model
    def _spm_next_stage_id(self, scope_id, stage_id):
        """The stage after ``stage_id`` on the way of a record of the scope ``scope_id`` (False: none)."""
        table = self._spm_stage_table()
        current = next(((sequence, sid) for sid, sequence, _scope, _active in table if sid == stage_id), None)
        return current and next((sid for sid, sequence, scope, active in table
                                 if active and (not scope or scope == scope_id) and (sequence, sid) > current), False)
