from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .spm_initiation_member import ROLES


class SpmProjectMember(models.Model):
    _name = "spm.project.member"
    _description = "Sales Project Team Member"
    _inherit = ["spm.workflow.mixin"]
    _order = "project_id, sequence, id"
    _spm_parent_fields = ("project_id",)

    project_id = fields.Many2one("project.project", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    role = fields.Selection(ROLES, required=True)
    user_id = fields.Many2one("res.users", string="Member", domain="[('share', '=', False)]")
    partner_id = fields.Many2one("res.partner", string="Contact",
                                 help="For the customer contact: the person at the customer.")

    @api.constrains("user_id", "partner_id")
    def _check_member(self):
        for member in self:
            if not member.user_id and not member.partner_id:
                raise ValidationError(self.env._("A team member is a user or, for the customer, a contact."))
