from odoo import fields, models

from ..models.spm_daily_report import RATINGS
from ..models.spm_support_request import PRESALES_GROUP

STEPS = [
    ("assign", "Assign"),
    ("log", "Log Hours"),
    ("done", "Done"),
    ("refuse", "Refuse"),
    ("rate", "Rating"),
]


class SpmSupportRequestWizard(models.TransientModel):
    """One step of a support request that needs an input: the engineer to assign, the hours, the reason of a
    refusal, the rating. The request's own action decides (``action_assign``, ``action_log_hours``,
    ``action_done``, ``action_refuse``, ``action_rate``): the wizard only collects."""
    _name = "spm.support.request.wizard"
    _description = "Support Request Step"

    request_id = fields.Many2one("spm.support.request", string="Support Request", required=True, ondelete="cascade")
    step = fields.Selection(STEPS, required=True)
    company_id = fields.Many2one(related="request_id.company_id")
    engineer_id = fields.Many2one(
        "res.users", string="Presales Engineer",
        domain=lambda self: [("groups_id", "in", self.env.ref(PRESALES_GROUP).ids), ("share", "=", False)])
    hours = fields.Float()
    reason = fields.Text()
    rating = fields.Selection(RATINGS[1:], default="5")
    comment = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        request = self.request_id
        if self.step == "assign":
            request.action_assign(self.engineer_id.id)
        elif self.step == "log":
            request.action_log_hours(self.hours)
        elif self.step == "done":
            request.action_done(self.hours)
        elif self.step == "refuse":
            request.action_refuse(self.reason or "")
        else:
            request.action_rate(self.rating, self.comment or None)
        return {"type": "ir.actions.act_window_close"}
