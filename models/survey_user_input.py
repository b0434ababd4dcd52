from odoo import fields, models


class SurveyUserInput(models.Model):
    _name = "survey.user_input"
    _inherit = ["survey.user_input", "spm.workflow.mixin"]
    # the phase whose satisfaction an answer gives: set when the survey is sent for it
    _spm_workflow_fields = ("spm_acceptance_id", "spm_task_id")

    spm_acceptance_id = fields.Many2one(
        "spm.acceptance", string="Acceptance", index="btree_not_null", ondelete="set null", readonly=True,
        help="The acceptance (phase of a delivery project) whose customer satisfaction this answer gives.")
    spm_task_id = fields.Many2one(
        "project.task", string="Service Request", index="btree_not_null", ondelete="set null", readonly=True,
        help="The after-sales service request whose customer satisfaction this answer gives.")

    def spm_customer_lang(self):
        """The language the customer answers in: their own, else their company's (the project's customer)."""
        self.ensure_one()
        partner = self.partner_id
        return (partner.lang or partner.commercial_partner_id.lang or self.spm_acceptance_id.partner_id.lang
                or self.spm_task_id.partner_id.lang)

    def spm_start_url(self):
        """The survey's link, opened in the customer's language (the page is public: without it, it would
        open in the public user's language)."""
        self.ensure_one()
        url = self.get_start_url()
        lang = self.env["res.lang"]._get_data(code=self.spm_customer_lang() or "")
        return f"/{lang.url_code}{url}" if lang and lang.url_code else url

    def _mark_done(self):
        """A finished satisfaction survey lands on its project and phase."""
        res = super()._mark_done()
        answers = self.filtered(lambda answer: answer.spm_acceptance_id or answer.spm_task_id)
        if answers:
            self.env["spm.satisfaction"].sudo()._spm_from_survey(answers)
        return res
