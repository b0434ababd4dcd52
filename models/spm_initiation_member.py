from odoo import fields, models

ROLES = [
    ("director", "Project Director"),
    ("manager", "Project Manager"),
    ("customer_contact", "Customer Contact"),
    ("technical", "Technical Support"),
    ("delivery", "Delivery Lead"),
    ("monitor", "Monitor"),
]


class SpmInitiationMember(models.Model):
    _name = "spm.initiation.member"
    _description = "Proposed Project Team Member"
    _order = "initiation_id, sequence, id"

    initiation_id = fields.Many2one("spm.initiation", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="initiation_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    user_id = fields.Many2one("res.users", string="Member", required=True, domain="[('share', '=', False)]")
    role = fields.Selection(ROLES, required=True, default="manager")
    note = fields.Char()
