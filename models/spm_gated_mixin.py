from collections import defaultdict

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv.expression import AND as Domain_AND

MANAGER_GROUP = "sales_project_management.group_spm_manager"


class SpmGatedMixin(models.AbstractModel):
    """Records that move forward through gated stages (crm.lead, project.project).

    The gate engine (``spm.stage.gate._spm_evaluate``) decides the gates; this mixin applies them:
    ``_spm_check_stage_moves`` is the only code that lets a record move forward, on every path
    (write, create, import, RPC), and logs each forward move in ``spm.gate.log``. The gated model
    names its stage model, the field that limits stages to some records (``_spm_scope_field``),
    the fields of the log and what the gate status depends on (``_spm_gate_inputs``).
    """
    _name = "spm.gated.mixin"
    _inherit = ["spm.workflow.mixin"]
    _description = "Gated Record Mixin"

    _spm_stage_model = False
    _spm_scope_field = False
    # (record, from stage, to stage) fields of spm.gate.log
    _spm_log_fields = ()
    # (record, target stage) fields of spm.gate.override.wizard
    _spm_wizard_fields = ()

    spm_gate_ready = fields.Boolean(
        "Next Stage Open", compute="_compute_spm_gate_status", search="_search_spm_gate_ready",
        help="Every requirement of the current stage is met, so the next stage is open.")
    spm_gate_missing = fields.Text("Missing Requirements", compute="_compute_spm_gate_status")
    spm_gate_met = fields.Integer("Requirements Met", compute="_compute_spm_gate_status")
    spm_gate_total = fields.Integer("Requirements", compute="_compute_spm_gate_status")
    spm_gate_status = fields.Html("Gate Status", compute="_compute_spm_gate_status", sanitize=False)

    def _spm_gate_inputs(self):
        """What the gates of this model read: the gate status in the cache is recomputed when they change."""
        return ()

    def _spm_gated_records(self):
        """The records of ``self`` that the gates govern (all of them, unless the model says otherwise)."""
        return self

    @api.model
    def _spm_gated_domain(self):
        """The domain of the records that the gates govern, as ``_spm_gated_records`` decides them."""
        return []

    # ------------------------------------------------------------
    # Gate status (what the next move needs, without trying it)
    # ------------------------------------------------------------

    def _spm_gate_results(self):
        """{record: ((gate id, met), ...)} for the gates of each record's current stage, as saved."""
        Gate = self.env["spm.stage.gate"]
        by_stage = Gate._spm_gate_ids_by_stage(self._name)
        gated = self._spm_gated_records()
        saved_ids = [record._origin.id for record in gated if record._origin.id]
        gate_ids = {gate_id for record in gated for gate_id in by_stage.get(record.stage_id.id, ())}
        met = Gate._spm_evaluate(saved_ids, gate_ids)
        return {record: tuple((gate_id, (record._origin.id, gate_id) in met)
                              for gate_id in by_stage.get(record.stage_id.id, ())) if record in gated else ()
                for record in self}

    @api.depends(lambda self: self._spm_gate_inputs())
    @api.depends_context("lang")
    def _compute_spm_gate_status(self):
        """Read from the database: gates are decided on saved data, as the engine decides them. One
        evaluation gives the figures and the status shown in the form, assigned once to all the
        records with the same results (a kanban column's cards mostly share a few)."""
        Gate = self.env["spm.stage.gate"]
        names, explanations = Gate._spm_names(), Gate._spm_explanations()
        labels = {True: self.env._("Met"), False: self.env._("Missing")}

        def row(gate_id, ok):
            return Markup(
                '<div class="%s"><i class="fa %s me-2" role="img" aria-label="%s" title="%s"></i>%s%s</div>') % (
                "text-success" if ok else "text-danger", "fa-check-circle" if ok else "fa-times-circle",
                labels[ok], labels[ok], names[gate_id],
                Markup('<div class="text-muted small ms-4">%s</div>') % explanations[gate_id]
                if explanations.get(gate_id) and not ok else "",
            )

        no_gate = Markup('<div class="text-muted">%s</div>') % self.env._("No requirement to leave this stage.")
        groups = defaultdict(list)  # results: the ids of the records that have them
        for record, results in self._spm_gate_results().items():
            groups[results].append(record.id)
        for results, ids in groups.items():
            records = self.browse(ids)
            unmet = [gate_id for gate_id, ok in results if not ok]
            records.spm_gate_total = len(results)
            records.spm_gate_met = len(results) - len(unmet)
            records.spm_gate_ready = not unmet
            records.spm_gate_missing = "\n".join(names[gate_id] for gate_id in unmet)
            records.spm_gate_status = Markup().join(row(gate_id, ok) for gate_id, ok in results) or no_gate

    @api.depends(lambda self: ("stage_id", self._spm_scope_field) if self._spm_scope_field else ())
    def _compute_spm_next_stage_id(self):
        Stage = self.env[self._spm_stage_model]
        for record in self:
            record.spm_next_stage_id = Stage._spm_next_stage_id(record[self._spm_scope_field].id, record.stage_id.id)
        # a form shows both stages by name: read the names of both in one query rather than one each (as
        # superuser, as the web client reads a many2one's name: computing the field never needs more rights)
        stages = (self.stage_id | self.spm_next_stage_id).sudo()
        if len(stages) > 1:
            stages.fetch([Stage._rec_name])

    def _search_spm_gate_ready(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        gates = self.env["spm.stage.gate"].sudo().search([("target_model", "=", self._name)])
        blocked = self.sudo().with_context(active_test=False)._search(
            Domain_AND([gates._spm_blocked_domain(), self._spm_gated_domain()]))
        ready = (operator == "=") == value
        return [("id", "not in" if ready else "in", blocked)]

    # ------------------------------------------------------------
    # The gate engine: the only code that lets a record move forward
    # ------------------------------------------------------------

    def _spm_gates_bypassed(self):
        """Module data files (XML records loaded by the superuser) place records as written."""
        return self.env.su and self.env.uid == SUPERUSER_ID and self.env.context.get("install_mode")

    def _spm_dynamic_owned_fields(self):
        """Computed fields that the gates read are set by nothing but their inputs (the workflow mixin
        refuses them), whatever model they come from: otherwise writing the field would open the gate."""
        return super()._spm_dynamic_owned_fields() | self.env["spm.stage.gate"]._spm_protected_fields(self._name)

    def _spm_override_wizard(self):
        """The override wizard confirmed by the current manager, if the move comes from it."""
        wizard_id = self.env.context.get("spm_gate_override_id")
        if not wizard_id:
            return self.env["spm.gate.override.wizard"]
        if not isinstance(wizard_id, int) or isinstance(wizard_id, bool):
            raise UserError(self.env._("Pass a stage gate anyway with the button “Pass Gate Anyway” or "
                                       "action_spm_pass_gate(stage_id, reason)."))
        wizard = self.env["spm.gate.override.wizard"].sudo().browse(wizard_id).exists()
        if (not wizard or wizard.create_uid != self.env.user or not (wizard.reason or "").strip()
                or not self.env.user.has_group(MANAGER_GROUP)):
            raise AccessError(self.env._("Only a sales projects manager can pass a stage gate anyway, with a reason."))
        return wizard

    def _spm_check_stage_moves(self, old_stages):
        """Refuse forward moves whose gates are not met; log the others.

        :param old_stages: {record id: stage id before the write}, or None when the records are new
        """
        Stage, Gate = self.env[self._spm_stage_model], self.env["spm.stage.gate"]
        moves = []
        for record in self._spm_gated_records():
            new = record.stage_id.id
            old = old_stages.get(record.id, new) if old_stages is not None else False
            if not new or new == old or not Stage._spm_is_forward(old, new):
                continue
            crossed = Stage._spm_crossed_stage_ids(record[self._spm_scope_field].id, old, new)
            if old or crossed:
                moves.append((record, old, new, crossed))
        if not moves:
            return
        by_stage = Gate._spm_gate_ids_by_stage(self._name)
        # a gate that holds for the rest of the way (立项 approved at the record's grade), left behind, still
        # stops the later forward moves of the records that no longer meet it (``_spm_sticky_failing``: the
        # grade rose above the one approved, until the new chain approves)
        sticky = Gate._spm_sticky_gate_ids(self._name)
        failing = self.browse([record.id for record, *_rest in moves])._spm_sticky_failing() if sticky else ()
        moves = [(record, old, new, [(stage_id, by_stage.get(stage_id, ())) for stage_id in crossed] + [
            (stage_id, gate_ids) for stage_id, gate_ids in sticky.items()
            if record in failing and stage_id not in crossed and old
            and stage_id in Stage._spm_crossed_stage_ids(record[self._spm_scope_field].id, False, old)])
            for record, old, new, crossed in moves]
        gate_ids = {gate_id for *_move, gates in moves for _stage_id, stage_gates in gates for gate_id in stage_gates}
        met = Gate._spm_evaluate([record.id for record, *_rest in moves], gate_ids)
        override = self._spm_override_wizard()
        record_field, from_field, to_field = self._spm_log_fields
        errors, logs = [], []
        for record, old, new, gates in moves:
            unmet = [gate_id for _stage_id, stage_gates in gates for gate_id in stage_gates
                     if (record.id, gate_id) not in met]
            overridden = bool(unmet) and override and override._spm_opens(record, new)
            names = Gate._spm_names() if unmet else {}
            if unmet and not overridden:
                errors.append(self.env._(
                    "“%(lead)s” cannot move to “%(stage)s” yet. Missing:\n%(missing)s",
                    lead=record.name, stage=record.stage_id.name, missing=Gate._spm_missing_text(unmet)))
                continue
            logs.append({
                record_field: record.id,
                "company_id": record.company_id.id,
                from_field: old,
                to_field: new,
                "user_id": self.env.uid,
                "result": "overridden" if overridden else "passed",
                "reason": override.reason if overridden else False,
                "missing": "\n".join(names[gate_id] for gate_id in unmet) if overridden else False,
            })
        if errors:
            raise UserError("\n\n".join(errors))
        self.env["spm.gate.log"].sudo().create(logs)

    def _spm_sticky_failing(self):
        """The records among these that a gate left behind stops again (see ``_spm_sticky_gate_ids``)."""
        return self.browse()

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_spm_gate_override(self):
        self.ensure_one()
        record_field, stage_field = self._spm_wizard_fields
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Pass Stage Gate"),
            "res_model": "spm.gate.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{record_field}": self.id, f"default_{stage_field}": self.spm_next_stage_id.id},
        }

    def action_spm_pass_gate(self, stage_id, reason):
        """Pass the gates up to ``stage_id`` anyway: the override wizard in one call (RPC, data files)."""
        self.ensure_one()
        record_field, stage_field = self._spm_wizard_fields
        stage = self.env[self._spm_stage_model].browse(stage_id if isinstance(stage_id, int)
                                                      and not isinstance(stage_id, bool) else []).exists()
        if not stage:
            raise UserError(self.env._("Pass a stage gate anyway to a stage given by its id: %s is not one.",
                                       stage_id))
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("Give the reason to pass the stage gate anyway."))
        wizard = self.env["spm.gate.override.wizard"].create({
            record_field: self.id, stage_field: stage_id, "reason": reason,
        })
        return wizard.action_confirm()
