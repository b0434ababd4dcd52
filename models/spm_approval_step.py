from odoo import api, fields, models
from odoo.exceptions import ValidationError

CHAINS = [
    ("initiation", "Initiation (立项) and change requests"),
    ("bid_review", "Bid review"),
    ("contract_review", "Contract review"),
]
# who checks a point of a contract review's checklist: the approver of the step of that role
REVIEW_ROLES = [("legal", "Legal Counsel"), ("finance", "Finance"), ("delivery", "Delivery Team")]


class SpmApprovalStep(models.Model):
    """One level of an approval chain: the initiation (立项) chain of a grade (also deciding the
    grade's change requests), or a review chain (bids, contracts) of a grade or, without a grade, of
    every grade of a company. A request reads its chain through :meth:`_spm_chain_steps`."""
    _name = "spm.approval.step"
    _description = "Approval Step"
    _inherit = ["spm.workflow.mixin"]
    _order = "chain, grade_id, sequence, id"

    chain = fields.Selection(CHAINS, required=True, default="initiation", index=True,
                             help="The requests this step decides.")
    grade_id = fields.Many2one(
        "spm.grade", index=True, ondelete="cascade",
        help="The grade whose requests this step decides. A review step without a grade decides the reviews "
             "of every grade that has no review steps of its own.")
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, readonly=False, precompute=True, index=True,
        help="The grade's company; for a step without a grade, the company whose reviews it decides "
             "(empty: every company).")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    approver_type = fields.Selection([
        ("team_leader", "Leader of the sales team"),
        ("group", "Members of a group"),
        ("user", "A user"),
    ], string="Approver", required=True, default="team_leader")
    group_id = fields.Many2one("res.groups", string="Approving Group", ondelete="restrict")
    user_id = fields.Many2one("res.users", string="Approving User", ondelete="restrict")
    review_role = fields.Selection(
        REVIEW_ROLES, string="Checks",
        help="In a contract review, the checklist items this step's approver checks before approving.")

    @api.depends("grade_id.company_id")
    def _compute_company_id(self):
        for step in self:
            if step.grade_id:
                step.company_id = step.grade_id.company_id

    @api.constrains("chain", "grade_id", "company_id")
    def _check_chain(self):
        for step in self:
            if step.chain == "initiation" and not step.grade_id:
                raise ValidationError(self.env._("The initiation approval step “%s” belongs to a grade.", step.name))
            if step.grade_id.company_id and step.company_id != step.grade_id.company_id:
                raise ValidationError(self.env._("The approval step “%s” belongs to its grade's company.", step.name))

    @api.model
    def _spm_chain_steps(self, chain, grade, company):
        """The steps deciding a request of ``chain`` at ``grade`` in ``company``, in order: the grade's own
        steps of the chain, else (review chains) the company's steps without a grade, else those of every
        company."""
        steps = self.sudo().search([("chain", "=", chain), ("grade_id", "=", grade.id)]) if grade else self.browse()
        if steps or chain == "initiation":
            return steps
        shared = self.sudo().search([("chain", "=", chain), ("grade_id", "=", False),
                                     ("company_id", "in", [company.id, False])])
        own = shared.filtered(lambda step: step.company_id == company)
        return own or shared

    @api.constrains("approver_type", "group_id", "user_id")
    def _check_approver(self):
        for step in self:
            if step.approver_type == "group" and not step.group_id:
                raise ValidationError(self.env._("The approval step “%s” needs a group.", step.name))
            if step.approver_type == "user" and not step.user_id:
                raise ValidationError(self.env._("The approval step “%s” needs a user.", step.name))
