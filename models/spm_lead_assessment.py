from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class SpmLeadAssessment(models.Model):
    _name = "spm.lead.assessment"
    _description = "Opportunity Assessment Score"
    _inherit = ["spm.workflow.mixin"]
    _order = "lead_id, sequence, id"
    _spm_parent_fields = ("lead_id",)

    # auto_join: the access rules test the opportunity with a join (one row), not a scan of every
    # opportunity of the user; a record is readable exactly when its opportunity is (the same rules)
    lead_id = fields.Many2one("crm.lead", string="Opportunity",
                              auto_join=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    criterion_id = fields.Many2one("spm.assessment.criterion", required=True,
                                   ondelete="restrict")
    sequence = fields.Integer(related="criterion_id.sequence", store=True)
    weight = fields.Float(compute="_compute_weight", store=True,
                          help="Weight of the criterion when it was assessed; weights are set on the criteria.")
    score = fields.Integer(help="From 1 (unfavourable) to 5 (favourable); empty while not assessed.")
    note = fields.Char()

    _sql_constraints = [
        ("criterion_unique", "UNIQUE(lead_id, criterion_id)", "Each criterion is scored once per opportunity."),
    ]

    @api.depends("criterion_id")
    def _compute_weight(self):
        for line in self:
            line.weight = line.criterion_id.weight or 1.0

    @api.model
    def _spm_guard_create(self, vals):
        # the weight the criterion gives, sent back by a client, is no forgery
        criterion = self.env["spm.assessment.criterion"].browse(vals.get("criterion_id") or [])
        if "weight" in vals and criterion and vals["weight"] == (criterion.weight or 1.0):
            vals = {name: value for name, value in vals.items() if name != "weight"}
        return super()._spm_guard_create(vals)

    def _spm_check_parents(self, _names):
        self.lead_id._spm_check_work()

    def _spm_refuse(self, names):
        if "weight" in names:
            raise AccessError(self.env._("The weights of the assessment come from the assessment criteria, which "
                                         "only a sales projects manager changes."))
        return super()._spm_refuse(names)

    @api.constrains("score", "weight")
    def _check_score(self):
        for line in self:
            if line.score and not 1 <= line.score <= 5:
                raise ValidationError(self.env._("“%s”: a score lies between 1 and 5.", line.criterion_id.name))
            if line.weight <= 0:
                raise ValidationError(self.env._("“%s”: the weight must be positive.", line.criterion_id.name))
