from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmApprovalStep(models.Model):
    """One level of the initiation (立项) approval chain of a grade."""
    _name = "spm.approval.step"
    _description = "Initiation Approval Step"
    _inherit = ["spm.workflow.mixin"]
    _order = "grade_id, sequence, id"

    grade_id = fields.Many2one("spm.grade", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="grade_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    approver_type = fields.Selection([
        ("team_leader", "Leader of the sales team"),
        ("group", "Members of a group"),
        ("user", "A user"),
    ], string="Approver", required=True, default="team_leader")
    group_id = fields.Many2one("res.groups", string="Approving Group", ondelete="restrict")
    user_id = fields.Many2one("res.users", string="Approving User", ondelete="restrict")

    @api.constrains("approver_type", "group_id", "user_id")
    def _check_approver(self):
        for step in self:
            if step.approver_type == "group" and not step.group_id:
                raise ValidationError(self.env._("The approval step “%s” needs a group.", step.name))
            if step.approver_type == "user" and not step.user_id:
                raise ValidationError(self.env._("The approval step “%s” needs a user.", step.name))
