from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmProjectCommon


@tagged("post_install", "-at_install")
class TestSatisfaction(SpmProjectCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("sales_project_management.survey_spm_satisfaction")
        cls.criteria = cls.env["spm.satisfaction.criterion"].search([])
        cls.acceptance = cls._acceptance()

    def _answer(self, answer, scores, comment=None):
        """The customer's answers, saved as the survey's controller saves them, then submitted."""
        for criterion, score in zip(self.criteria, scores, strict=True):
            answer._save_lines(criterion.question_id, str(score))
        if comment:
            answer._save_lines(self.env.ref("sales_project_management.survey_question_spm_comment"), comment)
        answer._mark_done()

    def test_default_criteria_are_the_survey_questions(self):
        self.assertEqual(self.criteria.mapped("name"), ["Quality", "Schedule", "Service", "Communication"])
        questions = self.survey.question_ids.filtered(lambda q: q.question_type == "scale")
        self.assertEqual(questions, self.criteria.question_id)
        self.assertEqual({(q.scale_min, q.scale_max) for q in questions}, {(1, 5)})
        self.assertEqual(self.survey.access_mode, "token")
        self.assertFalse(self.survey.users_login_required)

    def test_configurable_criteria_follow_into_the_survey(self):
        criterion = self.env["spm.satisfaction.criterion"].with_user(self.user_manager_east).create(
            {"name": "培训", "sequence": 50})
        self.assertEqual((criterion.question_id.title, criterion.question_id.survey_id),
                         ("培训", self.survey))
        criterion.with_user(self.user_manager_east).name = "培训效果"
        self.assertEqual(criterion.question_id.title, "培训效果")
        question = criterion.question_id
        criterion.with_user(self.user_manager_east).active = False
        self.assertFalse(question.exists(), "an archived criterion leaves the survey")
        with self.assertRaises(AccessError):
            self.env["spm.satisfaction.criterion"].with_user(self.pm).create({"name": "插手"})

    def test_customer_answers_from_the_link_and_the_score_lands_on_the_project(self):
        self.env["mail.mail"].search([]).unlink()
        self.acceptance.with_user(self.pm).action_send_satisfaction_survey()
        answer = self.env["survey.user_input"].search([("spm_acceptance_id", "=", self.acceptance.id)])
        self.assertEqual((answer.partner_id, answer.survey_id, answer.state), (self.contact, self.survey, "new"))
        mail = self.env["mail.mail"].search([("recipient_ids", "in", self.contact.ids)])
        self.assertIn(f"answer_token={answer.access_token}", mail.body_html)
        self._answer(answer, [5, 4, 4, 3], "服务很好")
        satisfaction = self.env["spm.satisfaction"].search([("user_input_id", "=", answer.id)])
        self.assertEqual((satisfaction.source, satisfaction.acceptance_id, satisfaction.respondent_id),
                         ("survey", self.acceptance, self.contact))
        self.assertEqual(satisfaction.comment, "服务很好")
        self.assertEqual(sorted(satisfaction.line_ids.mapped("score")), [3, 4, 4, 5])
        self.assertEqual(satisfaction.score, 4.0)
        self.assertEqual(self.project.spm_satisfaction_score, 4.0)
        self.assertEqual(self.acceptance.satisfaction_score, 4.0)
        # answering twice (the survey's own double submit) does not count twice
        self.env["spm.satisfaction"]._spm_from_survey(answer)
        self.assertEqual(len(self.project.spm_satisfaction_ids), 1)
        # the team cannot change the customer's answers
        with self.assertRaises(ValidationError):
            satisfaction.with_user(self.pm).write({"comment": "改写"})
        with self.assertRaises(ValidationError):
            satisfaction.line_ids[0].with_user(self.pm).write({"score": 1})

    def test_average_over_phases_and_paper_forms(self):
        stage = self._acceptance("stage", self.milestone_research)
        with Form(self.env["spm.satisfaction"].with_user(self.pm)) as form:
            form.acceptance_id = stage
            form.respondent_id = self.contact
            for index in range(4):
                with form.line_ids.edit(index) as line:
                    line.score = 3
        paper = form.record
        self.assertEqual((paper.source, paper.score, paper.project_id), ("paper", 3.0, self.project))
        answer = self.survey.sudo()._create_answer(partner=self.contact, check_attempts=False,
                                                   spm_acceptance_id=self.acceptance.id)
        self._answer(answer, [5, 5, 5, 5])
        self.assertEqual(self.project.spm_satisfaction_score, 4.0)
        self.assertEqual(stage.satisfaction_score, 3.0)
        self.assertEqual(self.acceptance.satisfaction_score, 5.0)
        # a paper form cannot pretend to come from the survey
        forged = self.env["spm.satisfaction"].with_user(self.pm).create(
            {"acceptance_id": stage.id, "source": "survey", "user_input_id": answer.id})
        self.assertEqual((forged.source, forged.user_input_id.id), ("paper", False))

    def test_low_scores_give_the_director_an_activity(self):
        activity_type = self.env.ref("sales_project_management.mail_activity_type_satisfaction")
        answer = self.survey.sudo()._create_answer(partner=self.contact, check_attempts=False,
                                                   spm_acceptance_id=self.acceptance.id)
        self._answer(answer, [4, 2, 4, 4])
        activity = self.project.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(activity.user_id, self.user_director)
        self.assertIn("Schedule 2", activity.summary)
        # good scores do not
        other = self._create_project("滨江智慧停车二期")
        final = self._acceptance(project=other)
        answer = self.survey.sudo()._create_answer(partner=self.contact, check_attempts=False,
                                                   spm_acceptance_id=final.id)
        self._answer(answer, [4, 5, 4, 3])
        self.assertFalse(other.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))

    def test_access(self):
        stage = self._acceptance("stage", self.milestone_research)
        paper = self.env["spm.satisfaction"].with_user(self.pm).create({"acceptance_id": stage.id})
        self.assertFalse(self.env["spm.satisfaction"].with_user(self.user_sales_north).search([("id", "=", paper.id)]))
        with self.assertRaises(AccessError):
            self.env["spm.satisfaction"].with_user(self.user_sales_north).create({"acceptance_id": stage.id})
        self.assertEqual(self.env["spm.satisfaction"].with_user(self.user_manager_north).search(
            [("id", "=", paper.id)]), paper)
        with self.assertRaises(AccessError):
            self.acceptance.with_user(self.user_sales_north).action_send_satisfaction_survey()

    def test_survey_link_to_share_by_hand(self):
        """The project manager copies the survey's link from the acceptance (to send it in a chat): no mail
        is sent, the link opens in the customer's language, and it goes once answered."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.contact.lang = "zh_CN"
        self.env["mail.mail"].search([]).unlink()
        acceptance = self.acceptance.with_user(self.pm)
        self.assertFalse(acceptance.satisfaction_survey_url)
        acceptance.action_satisfaction_survey_link()
        acceptance.invalidate_recordset()
        answer = self.env["survey.user_input"].search([("spm_acceptance_id", "=", self.acceptance.id)])
        self.assertEqual((answer.partner_id, answer.state), (self.contact, "new"))
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", self.contact.ids)]))
        url = acceptance.satisfaction_survey_url
        self.assertTrue(url.startswith(self.acceptance.get_base_url() + "/zh_CN/survey/start/"), url)
        self.assertIn(f"answer_token={answer.access_token}", url)
        # asked again, the same link (not a second invitation)
        acceptance.action_satisfaction_survey_link()
        self.assertEqual(self.env["survey.user_input"].search_count(
            [("spm_acceptance_id", "=", self.acceptance.id)]), 1)
        self._answer(answer, [5, 4, 4, 4])
        acceptance.invalidate_recordset()
        self.assertFalse(acceptance.satisfaction_survey_url)
        with self.assertRaises(AccessError):
            self.acceptance.with_user(self.user_sales_north).action_satisfaction_survey_link()
        draft = self._acceptance("stage", self.milestone_research, confirm=False)
        with self.assertRaises(UserError):
            draft.with_user(self.pm).action_satisfaction_survey_link()

    def test_the_customer_reads_the_criteria_in_their_language(self):
        """The survey's questions are the criteria's names in each language (质量 … in Chinese), also for a
        criterion renamed in Chinese only."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_project_management"], ["zh_CN"], overwrite=True)
        quality = self.criteria[0]
        self.assertEqual(quality.with_context(lang="zh_CN").name, "质量")
        self.acceptance.with_user(self.pm).action_send_satisfaction_survey()
        titles = self.criteria.question_id.with_context(lang="zh_CN").mapped("title")
        self.assertEqual(titles, self.criteria.with_context(lang="zh_CN").mapped("name"))
        self.assertEqual(titles[0], "质量")
        self.assertEqual(quality.question_id.with_context(lang="en_US").title, "Quality")
        quality.with_user(self.user_manager_east).with_context(lang="zh_CN").name = "交付质量"
        self.assertEqual(quality.question_id.with_context(lang="zh_CN").title, "交付质量")
        self.assertEqual(quality.question_id.with_context(lang="en_US").title,
                         quality.with_context(lang="en_US").name)
