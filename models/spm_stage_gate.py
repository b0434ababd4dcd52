from ast import literal_eval

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL


class SpmStageGate(models.Model):
    """A requirement to leave a pipeline stage forward.

    Every gate type is expressed as a domain on crm.lead (``_spm_lead_domain``) so that the
    engine (``_spm_evaluate``) decides all gates of a batch of leads in one SQL query, and the
    same domains drive the ``spm_gate_ready`` search and the blocker report.
    """
    _name = "spm.stage.gate"
    _description = "Stage Gate"
    _order = "stage_sequence, stage_id, sequence, id"

    name = fields.Char(required=True, translate=True,
                       help="Shown to users when the requirement is missing, e.g. \"Contact person\".")
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
        domain="[('model', '=', 'crm.lead'), ('store', '=', True), "
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

    def _spm_lead_domain(self):
        """The domain on crm.lead a lead must match for this gate to be met."""
        self.ensure_one()
        if self.gate_type == "field":
            return [(self.field_id.name, "!=", False)]
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
    def _spm_gates_of(self, stages):
        return self.sudo().search([("stage_id", "in", stages.ids)])

    def _spm_evaluate(self, leads):
        """Decide every gate of ``self`` for every lead of ``leads`` in one query.

        :returns: set of (lead id, gate id) pairs that are met
        """
        if not self or not leads:
            return set()
        Lead = leads.env["crm.lead"].sudo().with_context(active_test=False)
        ids = list(leads._origin.ids)
        columns = []
        for gate in self:
            query = Lead._search(expression.AND([[("id", "in", ids)], gate._spm_lead_domain()]))
            columns.append(SQL("crm_lead.id IN %s", query.subselect()))
        rows = self.env.execute_query(SQL(
            "SELECT crm_lead.id, %s FROM crm_lead WHERE crm_lead.id = ANY(%s)",
            SQL(", ").join(columns), ids,
        ))
        met = set()
        for lead_id, *results in rows:
            met.update((lead_id, gate.id) for gate, ok in zip(self, results, strict=True) if ok)
        return met

    def _spm_blocked_domain(self):
        """Leads standing in one of these gates' stages without meeting the gate."""
        return expression.OR([
            expression.AND([[("stage_id", "=", gate.stage_id.id)],
                            ["!", *expression.normalize_domain(gate._spm_lead_domain())]])
            for gate in self
        ]) if self else expression.FALSE_DOMAIN
