from odoo import _lt, api, fields, models

from .spm_translation import copy_translations, term_translations

SURVEY = "sales_project_management.survey_spm_satisfaction"
SCALE_LABELS = {"scale_min_label": _lt("Very dissatisfied"), "scale_max_label": _lt("Very satisfied")}


class SpmSatisfactionCriterion(models.Model):
    """A criterion of customer satisfaction (质量, 进度, 服务, 沟通), scored 1 to 5.

    Each active criterion is a 1–5 scale question of the satisfaction survey that customers
    answer from their emailed link (Odoo's survey app); the survey follows the criteria.
    """
    _name = "spm.satisfaction.criterion"
    _description = "Satisfaction Criterion"
    _inherit = ["spm.workflow.mixin"]
    _order = "sequence, id"

    name = fields.Char("Criterion", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    question_id = fields.Many2one("survey.question", string="Survey Question", readonly=True, ondelete="set null",
                                  copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        criteria = super().create(vals_list)
        criteria._spm_sync_questions()
        return criteria

    def write(self, vals):
        res = super().write(vals)
        if {"name", "sequence", "active"} & set(vals):
            self._spm_sync_questions()
        return res

    def update_field_translations(self, field_name, translations, source_lang=None):
        res = super().update_field_translations(field_name, translations, source_lang=source_lang)
        self._spm_sync_questions()
        return res

    def unlink(self):
        questions = self.sudo().question_id
        res = super().unlink()
        questions.unlink()
        return res

    def _spm_sync_questions(self):
        """Give every active criterion its scale question in the satisfaction survey, named like it
        in every language; an archived criterion leaves the survey (the scores given stay)."""
        survey = self.env.ref(SURVEY, raise_if_not_found=False)
        if not survey:
            return
        Question = self.env["survey.question"].sudo()
        for criterion in self.sudo().with_context(active_test=False):
            question = criterion.question_id
            if not criterion.active:
                question.unlink()
                continue
            if question:
                question.write({"sequence": criterion.sequence, "survey_id": survey.id})
            else:
                question = Question.create({
                    "survey_id": survey.id, "sequence": criterion.sequence, "title": criterion.name,
                    "question_type": "scale", "scale_min": 1, "scale_max": 5, "constr_mandatory": True,
                    **{name: str(term._source) for name, term in SCALE_LABELS.items()},
                })
                for name, term in SCALE_LABELS.items():
                    question.update_field_translations(name, term_translations(self.env, term))
                criterion.question_id = question
            copy_translations(criterion, "name", question, "title")
