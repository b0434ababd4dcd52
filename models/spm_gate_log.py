from odoo import fields, models


class SpmGateLog(models.Model):
    """Every forward move of an opportunity, passed or overridden. Written by the gate engine only."""
    _name = "spm.gate.log"
    _description = "Stage Gate Log"
    _order = "date desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    team_id = fields.Many2one(related="lead_id.team_id", string="Sales Team")
    stage_from_id = fields.Many2one("crm.stage", string="From Stage", ondelete="set null")
    stage_to_id = fields.Many2one("crm.stage", string="To Stage", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Moved By", required=True, default=lambda self: self.env.user)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    result = fields.Selection([("passed", "Passed"), ("overridden", "Overridden")], required=True, index=True)
    reason = fields.Text("Override Reason")
    missing = fields.Text("Missing Requirements")
