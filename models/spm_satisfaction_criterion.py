from odoo import _lt, api, fields, models

from .spm_translation import term_translations

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
                criterion._spm_sync_title(question)
            else:
                question = Question.create({
                    "survey_id": survey.id, "sequence": criterion.sequence, "title": criterion.name,
                    "question_type": "scale", "scale_min": 1, "scale_max": 5, "constr_mandatory": True,
                    **{name: str(term._source) for name, term in SCALE_LABELS.items()},
                })
                for name, term in SCALE_LABELS.items():
                    question.update_field_translations(name, term_translations(self.env, term))
                criterion.question_id = question
                criterion._spm_sync_title(question)

    def _spm_sync_title(self, question):
        """The question is named like its criterion in each language the criterion has a name in (a language
        whose names are not loaded yet is left to its translations, not given the English name)."""
        self.ensure_one()
        self.flush_recordset(["name"])
        question.flush_recordset(["title"])
        self.env.cr.execute("""
            SELECT c.name, q.title FROM spm_satisfaction_criterion c, survey_question q
             WHERE c.id = %s AND q.id = %s
        """, [self.id, question.id])
        names, titles = self.env.cr.fetchone()
        changed = {lang: name for lang, name in (names or {}).items() if (titles or {}).get(lang) != name}
        if changed:
            question.sudo().update_field_translations("title", changed)
