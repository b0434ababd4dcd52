from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmGateLog(models.Model):
    """Every forward move of an opportunity or a project, passed or overridden. Written by the gate
    engine only."""
    _name = "spm.gate.log"
    _description = "Stage Gate Log"
    _inherit = ["spm.workflow.mixin"]
    _order = "date desc, id desc"
    # written by the gate engine only
    _spm_workflow_fields = ("lead_id", "project_id", "company_id", "stage_from_id", "stage_to_id",
                            "project_stage_from_id", "project_stage_to_id", "user_id", "date", "result", "reason",
                            "missing")

    # auto_join: the access rules test the opportunity with a join (one row), not a scan of every
    # opportunity of the user; a record is readable exactly when its opportunity is (the same rules)
    lead_id = fields.Many2one("crm.lead", string="Opportunity",
                              auto_join=True, index="btree_not_null", ondelete="cascade")
    project_id = fields.Many2one("project.project", index="btree_not_null", ondelete="cascade")
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    team_id = fields.Many2one(related="lead_id.team_id", string="Sales Team")
    stage_from_id = fields.Many2one("crm.stage", string="From Stage", ondelete="set null")
    # the audit trail outlives nothing it records: a stage that was moved to is kept (it can be folded or
    # renamed, not deleted)
    stage_to_id = fields.Many2one("crm.stage", string="To Stage", ondelete="restrict")
    project_stage_from_id = fields.Many2one("project.project.stage", string="From Project Stage", ondelete="set null")
    project_stage_to_id = fields.Many2one("project.project.stage", string="To Project Stage", ondelete="restrict")
    user_id = fields.Many2one("res.users", string="Moved By", required=True, default=lambda self: self.env.user)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    result = fields.Selection([("passed", "Passed"), ("overridden", "Overridden")], required=True, index=True)
    reason = fields.Text("Override Reason")
    missing = fields.Text("Missing Requirements")

    @api.constrains("lead_id", "stage_to_id", "project_id", "project_stage_to_id")
    def _check_record(self):
        for log in self:
            if not ((log.lead_id and log.stage_to_id and not log.project_id)
                    or (log.project_id and log.project_stage_to_id and not log.lead_id)):
                raise ValidationError(self.env._("A gate log records the move of one opportunity or one project."))

    @api.depends("lead_id", "project_id")
    def _compute_display_name(self):
        for log in self:
            log.display_name = (log.lead_id or log.project_id).display_name
