from odoo import api, fields, models
from odoo.exceptions import ValidationError

DECISION_ROLES = [
    ("decision_maker", "Decision Maker"),
    ("influencer", "Influencer"),
    ("gatekeeper", "Technical Gatekeeper"),
    ("purchasing", "Purchasing"),
    ("user", "User"),
]
ATTITUDES = [("supporter", "Supporter"), ("neutral", "Neutral"), ("opponent", "Opponent")]


class SpmCustomerRequirement(models.Model):
    """An item the customer file (客史档案) must hold: a field of the customer filled in, or a contact of the
    customer with a given role in the decision (the decision maker, the purchasing contact…). The file's
    completeness is the share of the active items it holds."""
    _name = "spm.customer.requirement"
    _description = "Customer File Item"
    _inherit = ["spm.workflow.mixin"]
    _order = "sequence, id"

    name = fields.Char("Item", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection([("field", "A field filled in"), ("contact_role", "A contact with a role")],
                            required=True, default="field")
    field_id = fields.Many2one(
        "ir.model.fields", ondelete="cascade",
        domain="[('model', '=', 'res.partner'), ('store', '=', True), "
               "('ttype', 'not in', ('one2many', 'binary', 'boolean'))]",
        help="The field of the customer that must be filled in.")
    decision_role = fields.Selection(DECISION_ROLES, help="A contact of the customer must have this role.")

    @api.constrains("kind", "field_id", "decision_role")
    def _check_item(self):
        for item in self:
            if item.kind == "field" and (not item.field_id or item.field_id.model != "res.partner"):
                raise ValidationError(self.env._("“%s”: choose the field of the customer to fill in.", item.name))
            if item.kind == "contact_role" and not item.decision_role:
                raise ValidationError(self.env._("“%s”: choose the role the contact must have.", item.name))

    def _spm_held_by(self, partners):
        """{partner id: set of the items (ids) of ``self`` its file holds}, for company partners, in a few
        queries whatever their number."""
        held = {partner.id: set() for partner in partners}
        if not partners:
            return held
        for item in self.filtered(lambda i: i.kind == "field"):
            name = item.field_id.name
            if name not in partners._fields:
                continue
            for partner in partners:
                if partner[name]:
                    held[partner.id].add(item.id)
        roles = self.filtered(lambda i: i.kind == "contact_role")
        if roles:
            rows = self.env["res.partner"].sudo()._read_group(
                [("parent_id", "in", partners.ids), ("spm_decision_role", "in", roles.mapped("decision_role"))],
                ["parent_id", "spm_decision_role"])
            present = {(parent.id, role) for parent, role in rows}
            for item in roles:
                for partner in partners:
                    if (partner.id, item.decision_role) in present:
                        held[partner.id].add(item.id)
        return held
