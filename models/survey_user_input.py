from odoo import fields, models


class SurveyUserInput(models.Model):
    _name = "survey.user_input"
    _inherit = ["survey.user_input", "spm.workflow.mixin"]
    # the phase whose satisfaction an answer gives: set when the survey is sent for it
    _spm_workflow_fields = ("spm_acceptance_id",)

    spm_acceptance_id = fields.Many2one(
        "spm.acceptance", string="Acceptance", index="btree_not_null", ondelete="set null", readonly=True,
        help="The acceptance (phase of a delivery project) whose customer satisfaction this answer gives.")

    def _mark_done(self):
        """A finished satisfaction survey lands on its project and phase."""
        res = super()._mark_done()
        answers = self.filtered("spm_acceptance_id")
        if answers:
            self.env["spm.satisfaction"].sudo()._spm_from_survey(answers)
        return res
