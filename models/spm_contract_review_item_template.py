from odoo import fields, models

from .spm_approval_step import REVIEW_ROLES


class SpmContractReviewItemTemplate(models.Model):
    """A point of the default checklist of a contract review (合同评审): what to check, and who checks it."""
    _name = "spm.contract.review.item.template"
    _description = "Contract Review Checklist Item"
    _inherit = ["spm.workflow.mixin"]
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char("Item", required=True, translate=True)
    description = fields.Text("What to Check", translate=True)
    role = fields.Selection(REVIEW_ROLES, string="Reviewer", required=True, default="legal",
                            help="The reviewer who checks the item: the approver of the chain's step of this role.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: the checklist of every company.")
