from odoo import api, fields, models
from odoo.exceptions import ValidationError

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
    _inherit = ["spm.workflow.mixin"]
    _order = "initiation_id, sequence, id"
    _spm_parent_fields = ("initiation_id",)

    initiation_id = fields.Many2one("spm.initiation", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="initiation_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    user_id = fields.Many2one("res.users", string="Member", required=True, domain="[('share', '=', False)]")
    role = fields.Selection(ROLES, required=True, default="manager")
    note = fields.Char()

    @api.constrains("user_id", "initiation_id")
    def _check_user(self):
        """A member of the team is one of the company's own users (not a portal user, not another company's)."""
        for member in self:
            user = member.user_id.sudo()
            company = member.initiation_id.company_id
            if user.share:
                raise ValidationError(self.env._("%s is not an internal user: the project team is made of the "
                                                 "company's own people.", user.name))
            if company and company not in user.company_ids:
                raise ValidationError(self.env._("%(user)s does not work for %(company)s.", user=user.name,
                                                 company=company.name))

    def _spm_check_parents(self, _names):
        self.initiation_id._spm_check_editor()

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        self.initiation_id._spm_check_editor()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_with_editable_request(self):
        self.initiation_id._spm_check_editor()
