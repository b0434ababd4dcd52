from odoo import api, fields, models
from odoo.osv import expression


class SpmGateBlockerReport(models.TransientModel):
    """Opportunities held at each gate, by stage, team and salesperson, built on demand from the
    same domains the gate engine uses."""
    _name = "spm.gate.blocker.report"
    _description = "Stage Gate Blockers"
    _order = "stage_sequence, gate_id, team_id, user_id"

    gate_id = fields.Many2one("spm.stage.gate", string="Requirement", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    stage_sequence = fields.Integer(readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency = fields.Many2one(related="company_id.currency_id")
    lead_count = fields.Integer("Opportunities Blocked", readonly=True, aggregator="sum")
    expected_revenue = fields.Monetary(currency_field="company_currency", readonly=True,
                                       aggregator="sum")

    @api.model
    def action_open_report(self):
        """Rebuild the current user's report over the opportunities they can see, then open it."""
        self.search([("create_uid", "=", self.env.uid)]).unlink()
        Lead = self.env["crm.lead"]
        rows = []
        for gate in self.env["spm.stage.gate"].sudo().search([("target_model", "=", "crm.lead")]):
            blocked = Lead.sudo()._search(expression.AND([
                [("stage_id", "=", gate.stage_id.id)],
                ["!", *expression.normalize_domain(gate._spm_domain())],
            ]))
            groups = Lead._read_group(
                [("id", "in", blocked), ("type", "=", "opportunity")],
                ["team_id", "user_id", "company_id"], ["__count", "expected_revenue:sum"])
            rows += [{
                "gate_id": gate.id, "stage_id": gate.stage_id.id, "stage_sequence": gate.stage_id.sequence,
                "team_id": team.id, "user_id": user.id, "company_id": company.id,
                "lead_count": count, "expected_revenue": revenue,
            } for team, user, company, count, revenue in groups]
        self.create(rows)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Gate Blockers"),
            "res_model": self._name,
            "view_mode": "pivot,list,graph",
            "views": [(False, "pivot"), (False, "list"), (False, "graph")],
            "domain": [("create_uid", "=", self.env.uid)],
            "context": {"search_default_group_stage": 1},
        }
