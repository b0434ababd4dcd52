from odoo import fields, models

from .spm_visit import INTENT_LEVELS


class SpmTeamMeetingLead(models.Model):
    """An opportunity in a meeting pack: an intent customer with its follow-ups, or a loss with its
    reason, as it was when the pack was compiled (written by the compilation only)."""
    _name = "spm.team.meeting.lead"
    _description = "Team Meeting Opportunity"
    _inherit = ["spm.workflow.mixin"]
    _order = "meeting_id, kind, sequence, id"

    meeting_id = fields.Many2one("spm.team.meeting", string="Meeting Pack", required=True, index=True,
                                 ondelete="cascade")
    kind = fields.Selection([("intent", "Intent Customer"), ("lost", "Lost")], required=True)
    sequence = fields.Integer(default=10)
    currency_id = fields.Many2one(related="meeting_id.currency_id")
    lead_id = fields.Many2one("crm.lead", string="Opportunity", index="btree_not_null", ondelete="set null")
    name = fields.Char("Opportunity Name")
    partner_id = fields.Many2one("res.partner", string="Customer", ondelete="set null")
    user_id = fields.Many2one("res.users", string="Salesperson", ondelete="set null")
    stage_id = fields.Many2one("crm.stage", ondelete="set null")
    probability = fields.Float(digits=(16, 0))
    expected_revenue = fields.Monetary()
    intent_level = fields.Selection(INTENT_LEVELS, string="Intent", help="The intent noted at the last visit.")
    last_visit_date = fields.Datetime("Last Visit")
    last_follow_up_date = fields.Datetime("Last Follow-up")
    last_follow_up = fields.Char("Follow-up", help="The last visit, activity done or stage move.")
    next_activity_date = fields.Date("Next Activity On")
    next_activity = fields.Char()
    lost_reason_id = fields.Many2one("crm.lost.reason", ondelete="set null")
    date_closed = fields.Datetime("Lost On")
