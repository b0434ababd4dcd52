from odoo import fields, models

from .spm_work_plan import PLAN_STATES, RATINGS, SUMMARY_STATES


class SpmTeamMeetingMember(models.Model):
    """A member of the team in a meeting pack: their summary of the period and their next plan, as
    their work plans hold them when the pack is compiled (written by the compilation only)."""
    _name = "spm.team.meeting.member"
    _description = "Team Meeting Member"
    _inherit = ["spm.workflow.mixin"]
    _order = "meeting_id, sequence, id"

    meeting_id = fields.Many2one("spm.team.meeting", string="Meeting Pack", required=True, index=True,
                                 ondelete="cascade")
    sequence = fields.Integer(default=10)
    currency_id = fields.Many2one(related="meeting_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, ondelete="cascade")
    plan_id = fields.Many2one("spm.work.plan", string="Work Plan", ondelete="set null")
    plan_state = fields.Selection(PLAN_STATES, string="Plan")
    summary_state = fields.Selection(SUMMARY_STATES, string="Summary")
    rating = fields.Selection(RATINGS[1:])
    target_signed = fields.Monetary("Signed Target")
    target_collected = fields.Monetary("Collected Target")
    achieved_signed = fields.Monetary("Signed")
    achieved_invoiced = fields.Monetary("Invoiced")
    achieved_collected = fields.Monetary("Collected")
    achievement_signed = fields.Float("Signed (%)", compute="_compute_achievement", digits=(16, 1))
    visit_count = fields.Integer("Visits")
    call_count = fields.Integer("Calls")
    new_customer_count = fields.Integer("New Customers")
    moved_lead_count = fields.Integer("Opportunities Moved")
    won_count = fields.Integer("Won")
    won_amount = fields.Monetary("Won Revenue")
    lost_count = fields.Integer("Lost")
    plan_text = fields.Text("Plan of the Period")
    analysis = fields.Text()
    next_plan_id = fields.Many2one("spm.work.plan", ondelete="set null")
    next_plan_state = fields.Selection(PLAN_STATES, string="Next Plan Status")
    next_planned_signed = fields.Monetary("Next Signed")
    next_planned_collected = fields.Monetary("Next Collected")
    next_planned_visits = fields.Integer("Next Visits")
    next_planned_calls = fields.Integer("Next Calls")
    next_plan_text = fields.Text("Next Period's Plan")

    def _compute_achievement(self):
        for member in self:
            member.achievement_signed = (round(100.0 * member.achieved_signed / member.target_signed, 1)
                                         if member.target_signed else 0.0)
