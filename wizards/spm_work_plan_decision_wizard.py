from odoo import fields, models

from ..models.spm_work_plan import RATINGS


class SpmWorkPlanDecisionWizard(models.TransientModel):
    """The team leader's return of a submitted plan (with a comment), or review of a compiled summary
    (a rating and a comment), recorded by ``spm.work.plan.action_return`` / ``action_review``."""
    _name = "spm.work.plan.decision.wizard"
    _description = "Return a Work Plan or Review its Summary"

    plan_id = fields.Many2one("spm.work.plan", string="Work Plan", required=True, ondelete="cascade")
    decision = fields.Selection([("return", "Return the Plan"), ("review", "Review the Summary")], required=True,
                                default="review")
    rating = fields.Selection(RATINGS[1:], default="3")
    comment = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        if self.decision == "return":
            self.plan_id.action_return(self.comment or "")
        else:
            self.plan_id.action_review(self.rating, self.comment or False)
        return {"type": "ir.actions.act_window_close"}
