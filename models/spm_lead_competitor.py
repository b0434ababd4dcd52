from odoo import fields, models


class SpmLeadCompetitor(models.Model):
    _name = "spm.lead.competitor"
    _description = "Opportunity Competitor"
    _inherit = ["spm.workflow.mixin"]
    _order = "lead_id, sequence, id"
    _spm_parent_fields = ("lead_id",)

    # auto_join: the access rules test the opportunity with a join (one row), not a scan of every
    # opportunity of the user; a record is readable exactly when its opportunity is (the same rules)
    lead_id = fields.Many2one("crm.lead", string="Opportunity",
                              auto_join=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("Competitor", required=True)
    partner_id = fields.Many2one("res.partner", string="Competitor Contact",
                                 help="The competitor, when it is a contact.")
    threat = fields.Selection([("low", "Low"), ("medium", "Medium"), ("high", "High")], default="medium")
    strengths = fields.Text()
    weaknesses = fields.Text()

    def _spm_check_parents(self, _names):
        self.lead_id._spm_check_work()
