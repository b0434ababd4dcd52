from ast import literal_eval

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .spm_support_request import SUPPORT_TYPES

# field types whose "is set" test reads the same in Python and in SQL (see _spm_in_python)
PYTHON_TYPES = {"many2one", "integer", "float", "monetary", "boolean", "selection", "date", "datetime"}
PYTHON_OPERATORS = {"=", "!=", "<", "<=", ">", ">=", "in", "not in"}
# the gated models, and the gate types that only one of them has
TARGET_MODELS = [("crm.lead", "Opportunity"), ("project.project", "Project")]
MODEL_GATE_TYPES = {
    "crm.lead": {"min_score", "initiation", "support_done", "bid_reviewed", "bid_result"},
    "project.project": {"acceptance", "collection", "archive", "retrospective", "kickoff"},
}
# project gate types: the project field that says whether the gate is met
PROJECT_GATE_FIELDS = {
    "acceptance": "spm_final_accepted",
    "collection": "spm_collection_done",
    "archive": "spm_archive_complete",
    "retrospective": "spm_retrospective_done",
    "kickoff": "spm_kickoff_signed",
}


def _freeze(domain):
    """A domain as nested tuples, safe to keep in a cache shared by all requests."""
    return tuple(tuple(tuple(v) if isinstance(v, list) else v for v in item) if isinstance(item, (list, tuple))
                 else item for item in domain)


class SpmStageGate(models.Model):
    """A requirement to leave a stage forward: a pipeline stage (crm.stage) for opportunities, a
    project stage (project.project.stage) for delivery projects.

    Every gate type is expressed as a domain on the gated model (``_spm_domain``) so that the
    engine (``_spm_evaluate``) decides all gates of a batch of records at once (simple ones on
    the cached values, the others in one SQL query), and the same domains drive the
    ``spm_gate_ready`` search and the blocker report.
    """
    _name = "spm.stage.gate"
    _description = "Stage Gate"
    _inherit = ["spm.workflow.mixin"]
    _order = "target_model, stage_sequence, stage_id, project_stage_id, sequence, id"

    name = fields.Char(required=True, translate=True,
                       help="Shown to users when the requirement is missing, e.g. \"Contact Name\".")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    stage_id = fields.Many2one("crm.stage", index="btree_not_null", ondelete="cascade",
                               help="The requirement must be met to leave this stage forward.")
    project_stage_id = fields.Many2one("project.project.stage", index="btree_not_null",
                                       ondelete="cascade",
                                       help="The requirement must be met to leave this project stage forward.")
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index="btree_not_null",
        help="The company of the stage's sales team (or of the project stage): the gate is seen and used in that "
             "company only. Empty for the stages every company shares.")
    target_model = fields.Selection(TARGET_MODELS, string="Applies To", compute="_compute_target_model", store=True,
                                    precompute=True, index=True)
    stage_sequence = fields.Integer(compute="_compute_stage_sequence", store=True)
    gate_type = fields.Selection([
        ("field", "Field is set"),
        ("document", "Document attached"),
        ("min_score", "Minimum assessment score"),
        ("checklist", "Checklist item ticked"),
        ("domain", "Record matches a condition"),
        ("initiation", "Initiation (立项) approved"),
        ("acceptance", "Final acceptance confirmed"),
        ("collection", "Every installment collected"),
        ("archive", "Project archive complete"),
        ("retrospective", "Retrospective (复盘) done"),
        ("kickoff", "Kickoff held with a signed charter"),
        ("support_done", "Support request done"),
        ("bid_reviewed", "A bid reviewed (approved)"),
        ("bid_result", "A bid result recorded"),
    ], string="Type", required=True, default="field")
    field_id = fields.Many2one(
        "ir.model.fields", ondelete="cascade",
        domain="[('model', '=', target_model), '|', ('store', '=', True), ('name', '=like', 'spm_%'), "
               "('ttype', 'not in', ('binary', 'serialized', 'properties', 'properties_definition'))]")
    document_type_id = fields.Many2one("spm.document.type", ondelete="restrict")
    min_score = fields.Float("Minimum Score", default=3.0, help="Minimum feasibility score (1 to 5).")
    support_type = fields.Selection(SUPPORT_TYPES,
                                    help="The type of presales support request (资源求助) that must be done.")
    domain = fields.Char("Condition", default="[]", help="Domain on the opportunity or project that must match.")
    description = fields.Text(translate=True, help="How to meet the requirement.")

    _sql_constraints = [
        ("one_stage", "CHECK((stage_id IS NULL) != (project_stage_id IS NULL))",
         "A gate belongs to one pipeline stage or to one project stage."),
    ]

    @api.depends("project_stage_id")
    def _compute_target_model(self):
        for gate in self:
            gate.target_model = "project.project" if gate.project_stage_id else "crm.lead"

    @api.depends("stage_id.sequence", "project_stage_id.sequence")
    def _compute_stage_sequence(self):
        for gate in self:
            gate.stage_sequence = gate.project_stage_id.sequence if gate.project_stage_id else gate.stage_id.sequence

    @api.depends("stage_id.team_id.company_id", "project_stage_id.company_id")
    def _compute_company_id(self):
        for gate in self:
            gate.company_id = gate.stage_id.team_id.company_id or gate.project_stage_id.company_id

    @api.constrains("gate_type", "field_id", "document_type_id", "min_score", "domain", "stage_id", "project_stage_id",
                    "support_type")
    def _check_gate_definition(self):
        labels = dict(self._fields["gate_type"]._description_selection(self.env))
        models_ = dict(self._fields["target_model"]._description_selection(self.env))
        for gate in self:
            wrong_model = next((model for model, types in MODEL_GATE_TYPES.items()
                                if gate.gate_type in types and model != gate.target_model), None)
            if wrong_model:
                raise ValidationError(self.env._(
                    "The gate “%(gate)s”: “%(type)s” is a requirement of the stages of an %(model)s only.",
                    gate=gate.name, type=labels[gate.gate_type], model=models_[wrong_model]))
            if gate.gate_type == "field" and not gate.field_id:
                raise ValidationError(self.env._("The gate “%s” checks a field: choose the field.", gate.name))
            if gate.gate_type == "field" and gate.field_id.model != gate.target_model:
                raise ValidationError(self.env._(
                    "The gate “%s” checks a field of another model: choose a field of the records of its stage.",
                    gate.name))
            if gate.gate_type == "document" and not gate.document_type_id:
                raise ValidationError(self.env._("The gate “%s” requires a document: choose its type.", gate.name))
            if gate.gate_type == "support_done" and not gate.support_type:
                raise ValidationError(self.env._(
                    "The gate “%s” requires a support request done: choose its type.", gate.name))
            if gate.gate_type == "min_score" and not 1 <= gate.min_score <= 5:
                raise ValidationError(self.env._(
                    "The minimum score of the gate “%s” must lie between 1 and 5.", gate.name))
            if gate.gate_type == "domain":
                try:
                    self.env[gate.target_model].sudo().search_count(gate._spm_domain(), limit=1)
                except Exception as error:
                    raise ValidationError(self.env._(
                        "The condition of the gate “%(gate)s” is not a valid domain on %(model)s: %(error)s",
                        gate=gate.name, model=models_[gate.target_model], error=error)) from error

    @api.model_create_multi
    def create(self, vals_list):
        gates = super().create(vals_list)
        self.env.registry.clear_cache()
        return gates

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    def update_field_translations(self, field_name, translations, source_lang=None):
        res = super().update_field_translations(field_name, translations, source_lang=source_lang)
        self.env.registry.clear_cache()
        return res

    # ------------------------------------------------------------
    # Cached definitions
    # ------------------------------------------------------------

    @api.model
    @tools.ormcache()
    def _spm_definitions(self):
        """{gate id: (gated model, stage id, domain, decided in Python)} of the active gates, in order.

        Cached for every request (cleared when a gate or a stage changes), so that deciding a move
        reads no gate definition from the database."""
        definitions = {}
        for gate in self.sudo().with_context(lang="en_US").search([]):  # pylint: disable=no-search-all
            domain = gate._spm_domain()
            definitions[gate.id] = (gate.target_model, gate._spm_stage().id, _freeze(domain),
                                    self._spm_in_python(gate.target_model, domain))
        return definitions

    @api.model
    @tools.ormcache("self.env.lang")
    def _spm_names(self):
        """{gate id: name in the current language}."""
        return {gate.id: gate.name for gate in self.sudo().search([])}  # pylint: disable=no-search-all

    @api.model
    @tools.ormcache("self.env.lang")
    def _spm_explanations(self):
        """{gate id: how to meet it, in the current language} (empty when the gate has no description)."""
        return {gate.id: gate.description or "" for gate in self.sudo().search([])}  # pylint: disable=no-search-all

    @api.model
    @tools.ormcache("model")
    def _spm_protected_fields(self, model):
        """Stored computed fields of ``model`` that its gates read: only their inputs may change them."""
        Model = self.env[model]
        names = set()
        for gate_model, _stage_id, domain, _python in self._spm_definitions().values():
            if gate_model != model:
                continue
            for item in domain:
                field = (Model._fields.get(item[0].split(".")[0])
                         if isinstance(item, tuple) and isinstance(item[0], str) else None)
                if field and field.store and field.compute and field.readonly and not field.inverse:
                    names.add(field.name)
        return frozenset(names)

    @api.model
    @tools.ormcache("model")
    def _spm_sticky_gate_ids(self, model):
        """{stage id: (gate id, ...)} of the gates of ``model`` that hold for every later forward move too:
        the 立项 approval, which a rise of the grade withdraws."""
        definitions = self._spm_definitions()
        sticky = {}
        for gate in self.sudo().browse(definitions).filtered(lambda g: g.gate_type == "initiation"):
            if definitions[gate.id][0] == model:
                sticky.setdefault(definitions[gate.id][1], []).append(gate.id)
        return {stage_id: tuple(gate_ids) for stage_id, gate_ids in sticky.items()}

    @api.model
    def _spm_missing_text(self, gate_ids):
        """The bullet list of a refusal: each missing requirement with how to meet it."""
        names, explanations = self._spm_names(), self._spm_explanations()
        return "\n".join(f"• {names[gate_id]}" + (f" — {explanations[gate_id]}" if explanations.get(gate_id) else "")
                         for gate_id in gate_ids)

    @api.model
    def _spm_gate_ids_by_stage(self, model):
        """{stage id: [gate id, ...]} of the active gates of the stages of ``model``'s records."""
        by_stage = {}
        for gate_id, (gate_model, stage_id, _domain, _python) in self._spm_definitions().items():
            if gate_model == model:
                by_stage.setdefault(stage_id, []).append(gate_id)
        return by_stage

    @api.model
    def _spm_in_python(self, model, domain):
        """Whether the domain only tests stored columns of the record itself, which the ORM cache
        already holds after a write, so it can be decided without a query."""
        Model = self.env[model]
        for item in domain:
            if isinstance(item, str):
                continue
            name, operator, _value = item
            field = Model._fields.get(name) if isinstance(name, str) else None
            if not field or not field.store or field.type not in PYTHON_TYPES or operator not in PYTHON_OPERATORS:
                return False
        return True

    # ------------------------------------------------------------
    # Gate types as domains
    # ------------------------------------------------------------

    def _spm_stage(self):
        """The stage this gate guards (a crm.stage or a project.project.stage)."""
        self.ensure_one()
        return self.project_stage_id or self.stage_id

    def _spm_domain(self):
        """The domain on the gated model a record must match for this gate to be met."""
        self.ensure_one()
        if self.gate_type == "field":
            name, ttype = self.field_id.name, self.field_id.ttype
            if ttype in ("integer", "float", "monetary"):
                return [(name, ">", 0)]
            if ttype == "boolean":
                return [(name, "=", True)]
            return [(name, "!=", False)]
        if self.gate_type == "document":
            return self.env[self.target_model]._spm_document_domain(self.document_type_id)
        if self.gate_type == "min_score":
            return [("spm_feasibility_score", ">=", self.min_score)]
        if self.gate_type == "checklist":
            return [("spm_checklist_ids.gate_id", "=", self.id)]
        if self.gate_type == "initiation":
            return self.env["crm.lead"]._spm_initiation_approved_domain()
        if self.gate_type == "support_done":
            return self.env["crm.lead"]._spm_support_done_domain(self.support_type)
        if self.gate_type == "bid_reviewed":
            return [("spm_bid_ids.state", "=", "approved")]
        if self.gate_type == "bid_result":
            return [("spm_bid_ids.result", "in", ["won", "lost", "abandoned", "void"])]
        if self.gate_type in PROJECT_GATE_FIELDS:
            return [(PROJECT_GATE_FIELDS[self.gate_type], "=", True)]
        domain = literal_eval(self.domain or "[]")
        if not isinstance(domain, list):
            raise ValueError(self.env._("a domain is a list of conditions"))
        return domain

    # ------------------------------------------------------------
    # The engine
    # ------------------------------------------------------------

    @api.model
    def _spm_evaluate(self, record_ids, gate_ids):
        """Decide the gates ``gate_ids`` (of one gated model) for its records ``record_ids``: in Python
        on the cached values when every gate is simple (a move needs no query), else all together in
        one SQL query (the simple ones cost a column there, less than a Python pass over many records).

        :returns: set of (record id, gate id) pairs that are met
        """
        if not record_ids or not gate_ids:
            return set()
        definitions = self._spm_definitions()
        models_ = {definitions[gate_id][0] for gate_id in gate_ids}
        if len(models_) != 1:
            raise ValueError("the gates of one gated model are evaluated together")
        Model = self.env[models_.pop()].sudo().with_context(active_test=False)
        records = Model.browse(record_ids)
        if all(definitions[gate_id][3] for gate_id in gate_ids):
            return {(record_id, gate_id) for gate_id in gate_ids
                    for record_id in records.filtered_domain(list(definitions[gate_id][2]))._ids}
        gate_ids, ids = list(gate_ids), list(record_ids)
        table = SQL.identifier(Model._table)
        columns = [
            SQL("%s.id IN %s", table, Model._search(
                expression.AND([[("id", "in", ids)], list(definitions[gate_id][2])])).subselect())
            for gate_id in gate_ids
        ]
        rows = self.env.execute_query(SQL(
            "SELECT %s.id, %s FROM %s WHERE %s.id = ANY(%s)", table, SQL(", ").join(columns), table, table, ids))
        return {(record_id, gate_id) for record_id, *results in rows
                for gate_id, ok in zip(gate_ids, results, strict=True) if ok}

    def _spm_blocked_domain(self):
        """Records standing in one of these gates' stages without meeting the gate (gates of one model)."""
        return expression.OR([
            expression.AND([[("stage_id", "=", gate._spm_stage().id)],
                            ["!", *expression.normalize_domain(gate._spm_domain())]])
            for gate in self
        ]) if self else expression.FALSE_DOMAIN
