from odoo import api, fields, models
from odoo.exceptions import AccessError


class SpmWorkPlanLine(models.Model):
    """A key opportunity of a work plan: the stage it should reach in the period, and the stage it
    had reached when the summary was compiled."""
    _name = "spm.work.plan.line"
    _description = "Work Plan Key Opportunity"
    _inherit = ["spm.workflow.mixin"]
    _order = "plan_id, sequence, id"
    # the stage reached is stamped when the summary is compiled
    _spm_workflow_fields = ("stage_reached_id",)
    _spm_fixed_fields = ("plan_id",)
    _spm_parent_fields = ("plan_id", "lead_id")

    plan_id = fields.Many2one("spm.work.plan", string="Work Plan", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    user_id = fields.Many2one(related="plan_id.user_id", store=True, index=True)
    team_id = fields.Many2one(related="plan_id.team_id", store=True, index=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, index=True, ondelete="cascade",
                              domain="[('type', '=', 'opportunity'), ('user_id', '=', user_id)]")
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Customer")
    stage_id = fields.Many2one("crm.stage", string="Stage Aimed At", ondelete="restrict",
                               help="The stage the opportunity should reach by the end of the period.")
    current_stage_id = fields.Many2one(related="lead_id.stage_id", string="Current Stage")
    stage_reached_id = fields.Many2one(
        "crm.stage", readonly=True, copy=False, ondelete="set null",
        help="The opportunity's stage when the summary was compiled.")
    reached = fields.Boolean(compute="_compute_reached", help="The stage reached is the stage aimed at or later.")
    note = fields.Char()

    @api.depends("stage_id", "stage_reached_id")
    def _compute_reached(self):
        for line in self:
            reached = line.stage_reached_id
            line.reached = bool(line.stage_id and reached and (reached.is_won or (
                (reached.sequence, reached.id) >= (line.stage_id.sequence, line.stage_id.id))))

    def _spm_check_parents(self, names):
        if "plan_id" in names:
            self.plan_id._spm_check_writable({"line_ids"})
        if "lead_id" in names:
            for line in self:
                line.lead_id.check_access("read")

    def _spm_refuse(self, names):
        if "stage_reached_id" in names:
            raise AccessError(self.env._("The stage reached is recorded when the summary is compiled."))
        return super()._spm_refuse(names)

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su:
            self.plan_id._spm_check_writable({"line_ids"})
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_plan_editable(self):
        if not self.env.su:
            self.plan_id._spm_check_writable({"line_ids"})
