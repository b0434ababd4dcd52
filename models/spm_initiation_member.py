from odoo import api, fields, models

ROLES = [
    ("director", "Project Director"),
    ("manager", "Project Manager"),
    ("customer_contact", "Customer Contact"),
    ("technical", "Technical Support"),
    ("delivery", "Delivery Lead"),
    ("monitor", "Monitor"),
]


class SpmInitiationMember(models.Model):
    """A proposed team member: part of the request, so it changes only with it (draft or returned,
    by the requester or a manager)."""
    _name = "spm.initiation.member"
    _description = "Proposed Project Team Member"
    _order = "initiation_id, sequence, id"

    initiation_id = fields.Many2one("spm.initiation", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="initiation_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    user_id = fields.Many2one("res.users", string="Member", required=True, domain="[('share', '=', False)]")
    role = fields.Selection(ROLES, required=True, default="manager")
    note = fields.Char()

    @api.model_create_multi
    def create(self, vals_list):
        requests = self.env["spm.initiation"].browse({vals.get("initiation_id") for vals in vals_list} - {None, False})
        requests._spm_check_editor()
        return super().create(vals_list)

    def write(self, vals):
        self.initiation_id._spm_check_editor()
        if vals.get("initiation_id"):
            self.env["spm.initiation"].browse(vals["initiation_id"])._spm_check_editor()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_with_editable_request(self):
        self.initiation_id._spm_check_editor()
