from ast import literal_eval

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL

# field types whose "is set" test reads the same in Python and in SQL (see _spm_in_python)
PYTHON_TYPES = {"many2one", "integer", "float", "monetary", "boolean", "selection", "date", "datetime"}
PYTHON_OPERATORS = {"=", "!=", "<", "<=", ">", ">=", "in", "not in"}


def _freeze(domain):
    """A domain as nested tuples, safe to keep in a cache shared by all requests."""
    return tuple(tuple(tuple(v) if isinstance(v, list) else v for v in item) if isinstance(item, (list, tuple))
                 else item for item in domain)


class SpmStageGate(models.Model):
    """A requirement to leave a pipeline stage forward.

    Every gate type is expressed as a domain on crm.lead (``_spm_lead_domain``) so that the
    engine (``_spm_evaluate``) decides all gates of a batch of leads at once (simple ones on the
    cached values, the others in one SQL query), and the same domains drive the
    ``spm_gate_ready`` search and the blocker report.
    """
    _name = "spm.stage.gate"
    _description = "Stage Gate"
    _order = "stage_sequence, stage_id, sequence, id"

    name = fields.Char(required=True, translate=True,
                       help="Shown to users when the requirement is missing, e.g. \"Contact Name\".")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    stage_id = fields.Many2one("crm.stage", required=True, index=True, ondelete="cascade",
                               help="The requirement must be met to leave this stage forward.")
    stage_sequence = fields.Integer(related="stage_id.sequence", store=True, string="Stage Sequence")
    gate_type = fields.Selection([
        ("field", "Field is set"),
        ("document", "Document attached"),
        ("min_score", "Minimum assessment score"),
        ("checklist", "Checklist item ticked"),
        ("domain", "Opportunity matches a condition"),
        ("initiation", "Initiation (立项) approved"),
    ], string="Type", required=True, default="field")
    field_id = fields.Many2one(
        "ir.model.fields", ondelete="cascade",
        domain="[('model', '=', 'crm.lead'), '|', ('store', '=', True), ('name', '=like', 'spm_%'), "
               "('ttype', 'not in', ('binary', 'serialized', 'properties', 'properties_definition'))]")
    document_type_id = fields.Many2one("spm.document.type", ondelete="restrict")
    min_score = fields.Float("Minimum Score", default=3.0, help="Minimum feasibility score (1 to 5).")
    domain = fields.Char("Condition", default="[]", help="Domain on the opportunity that must match.")
    description = fields.Text(translate=True, help="How to meet the requirement.")

    @api.constrains("gate_type", "field_id", "document_type_id", "min_score", "domain")
    def _check_gate_definition(self):
        Lead = self.env["crm.lead"]
        for gate in self:
            if gate.gate_type == "field" and not gate.field_id:
                raise ValidationError(self.env._("The gate “%s” checks a field: choose the field.", gate.name))
            if gate.gate_type == "document" and not gate.document_type_id:
                raise ValidationError(self.env._("The gate “%s” requires a document: choose its type.", gate.name))
            if gate.gate_type == "min_score" and not 1 <= gate.min_score <= 5:
                raise ValidationError(self.env._(
                    "The minimum score of the gate “%s” must lie between 1 and 5.", gate.name))
            if gate.gate_type == "domain":
                try:
                    Lead.sudo().search_count(gate._spm_lead_domain(), limit=1)
                except Exception as error:
                    raise ValidationError(self.env._("The condition of the gate “%(gate)s” is not a valid domain on "
                                            "opportunities: %(error)s", gate=gate.name, error=error)) from error

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

    @api.model
    @tools.ormcache()
    def _spm_definitions(self):
        """{gate id: (stage id, domain, decided in Python)} of the active gates, in order.

        Cached for every request (cleared when a gate or a stage changes), so that deciding a move
        reads no gate definition from the database."""
        definitions = {}
        for gate in self.sudo().with_context(lang="en_US").search([]):  # pylint: disable=no-search-all
            domain = gate._spm_lead_domain()
            definitions[gate.id] = (gate.stage_id.id, _freeze(domain), self._spm_in_python(domain))
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
    def _spm_missing_text(self, gate_ids):
        """The bullet list of a refusal: each missing requirement with how to meet it."""
        names, explanations = self._spm_names(), self._spm_explanations()
        return "\n".join(f"• {names[gate_id]}" + (f" — {explanations[gate_id]}" if explanations.get(gate_id) else "")
                         for gate_id in gate_ids)

    @api.model
    def _spm_gate_ids_by_stage(self):
        by_stage = {}
        for gate_id, (stage_id, _domain, _python) in self._spm_definitions().items():
            by_stage.setdefault(stage_id, []).append(gate_id)
        return by_stage

    @api.model
    def _spm_in_python(self, domain):
        """Whether the domain only tests stored columns of the lead itself, which the ORM cache
        already holds after a write, so it can be decided without a query."""
        Lead = self.env["crm.lead"]
        for item in domain:
            if isinstance(item, str):
                continue
            name, operator, _value = item
            field = Lead._fields.get(name) if isinstance(name, str) else None
            if not field or not field.store or field.type not in PYTHON_TYPES or operator not in PYTHON_OPERATORS:
                return False
        return True

    def _spm_lead_domain(self):
        """The domain on crm.lead a lead must match for this gate to be met."""
        self.ensure_one()
        if self.gate_type == "field":
            name, ttype = self.field_id.name, self.field_id.ttype
            if ttype in ("integer", "float", "monetary"):
                return [(name, ">", 0)]
            if ttype == "boolean":
                return [(name, "=", True)]
            return [(name, "!=", False)]
        if self.gate_type == "document":
            return [("spm_attachment_ids.spm_document_type_id", "=", self.document_type_id.id)]
        if self.gate_type == "min_score":
            return [("spm_feasibility_score", ">=", self.min_score)]
        if self.gate_type == "checklist":
            return [("spm_checklist_ids.gate_id", "=", self.id)]
        if self.gate_type == "initiation":
            return self.env["crm.lead"]._spm_initiation_approved_domain()
        domain = literal_eval(self.domain or "[]")
        if not isinstance(domain, list):
            raise ValueError(self.env._("a domain is a list of conditions"))
        return domain

    @api.model
    def _spm_evaluate(self, lead_ids, gate_ids):
        """Decide the gates ``gate_ids`` for the leads ``lead_ids``: simple gates in Python on the
        cached values, the others all together in one SQL query.

        :returns: set of (lead id, gate id) pairs that are met
        """
        if not lead_ids or not gate_ids:
            return set()
        definitions = self._spm_definitions()
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        leads = Lead.browse(lead_ids)
        met, in_sql = set(), []
        for gate_id in gate_ids:
            _stage_id, domain, in_python = definitions[gate_id]
            if in_python:
                met.update((lead_id, gate_id) for lead_id in leads.filtered_domain(list(domain))._ids)
            else:
                in_sql.append(gate_id)
        if in_sql:
            ids = list(lead_ids)
            columns = [
                SQL("crm_lead.id IN %s", Lead._search(
                    expression.AND([[("id", "in", ids)], list(definitions[gate_id][1])])).subselect())
                for gate_id in in_sql
            ]
            rows = self.env.execute_query(SQL(
                "SELECT crm_lead.id, %s FROM crm_lead WHERE crm_lead.id = ANY(%s)", SQL(", ").join(columns), ids))
            for lead_id, *results in rows:
                met.update((lead_id, gate_id) for gate_id, ok in zip(in_sql, results, strict=True) if ok)
        return met

    def _spm_blocked_domain(self):
        """Leads standing in one of these gates' stages without meeting the gate."""
        return expression.OR([
            expression.AND([[("stage_id", "=", gate.stage_id.id)],
                            ["!", *expression.normalize_domain(gate._spm_lead_domain())]])
            for gate in self
        ]) if self else expression.FALSE_DOMAIN
