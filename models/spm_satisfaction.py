from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

SURVEY = "sales_project_management.survey_spm_satisfaction"
COMMENT_QUESTION = "sales_project_management.survey_question_spm_comment"
# a score at or below it gives the project director an activity
LOW_SCORE = 2


class SpmSatisfaction(models.Model):
    """满意度: the customer's satisfaction with one phase of a delivery project (a stage or the
    final acceptance), scored 1 to 5 on each criterion. Answered by the customer from the survey
    link mailed to them, or recorded from a paper form by the project team."""
    _name = "spm.satisfaction"
    _description = "Customer Satisfaction"
    _inherit = ["mail.thread", "spm.workflow.mixin"]
    _order = "date desc, id desc"
    _rec_name = "acceptance_id"
    # answered online by the customer (the survey) or recorded from a paper form by the team
    _spm_workflow_fields = ("source", "user_input_id", "task_id")
    _spm_parent_fields = ("acceptance_id",)
    _spm_create_ignores_workflow = True

    acceptance_id = fields.Many2one("spm.acceptance", string="Phase", index="btree_not_null", ondelete="cascade",
                                    help="The stage or final acceptance whose phase is scored.")
    task_id = fields.Many2one("project.task", string="Service Request", index="btree_not_null", ondelete="cascade",
                              readonly=True, help="The after-sales service whose satisfaction is scored.")
    project_id = fields.Many2one("project.project", compute="_compute_project", store=True, index=True)
    acceptance_type = fields.Selection(related="acceptance_id.acceptance_type", store=True)
    company_id = fields.Many2one("res.company", compute="_compute_project", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", compute="_compute_customer", store=True,
                                 index=True)
    grade_id = fields.Many2one(related="acceptance_id.grade_id", store=True)
    user_id = fields.Many2one("res.users", string="Project Manager", compute="_compute_customer", store=True)
    respondent_id = fields.Many2one("res.partner", string="Answered By")
    date = fields.Date(required=True, default=fields.Date.context_today)
    source = fields.Selection([("survey", "Online Survey"), ("paper", "Paper Form")], required=True,
                              default="paper", readonly=True)
    user_input_id = fields.Many2one("survey.user_input", string="Survey Answer", readonly=True, ondelete="set null")
    line_ids = fields.One2many("spm.satisfaction.line", "satisfaction_id", string="Scores",
                               default=lambda self: self._spm_default_lines())
    score = fields.Float(compute="_compute_score", store=True, digits=(3, 2), aggregator="avg",
                         help="Mean of the criteria scores (1 to 5).")
    comment = fields.Text()

    @api.depends("acceptance_id.project_id", "task_id.company_id")
    def _compute_project(self):
        for satisfaction in self:
            # a service's score is the after-sales service's, not a phase of the project (nor its average)
            satisfaction.project_id = satisfaction.acceptance_id.project_id
            satisfaction.company_id = satisfaction.acceptance_id.company_id or satisfaction.task_id.company_id

    @api.depends("acceptance_id.project_id.partner_id", "acceptance_id.project_id.user_id", "task_id.partner_id",
                 "task_id.project_id.user_id")
    def _compute_customer(self):
        for satisfaction in self:
            if satisfaction.task_id:
                satisfaction.partner_id = satisfaction.task_id.partner_id.commercial_partner_id
                satisfaction.user_id = satisfaction.task_id.project_id.user_id
                continue
            project = satisfaction.acceptance_id.project_id
            satisfaction.partner_id = project.partner_id.commercial_partner_id
            satisfaction.user_id = project.user_id

    @api.depends("acceptance_id", "task_id")
    def _compute_display_name(self):
        for satisfaction in self:
            satisfaction.display_name = (satisfaction.acceptance_id.display_name or satisfaction.task_id.display_name
                                         or self.env._("Customer Satisfaction"))

    @api.constrains("acceptance_id", "task_id")
    def _check_subject(self):
        for satisfaction in self:
            if bool(satisfaction.acceptance_id) == bool(satisfaction.task_id):
                raise ValidationError(self.env._(
                    "A satisfaction scores either a phase of a project (its acceptance) or a service request."))

    @api.depends("line_ids.score")
    def _compute_score(self):
        for satisfaction in self:
            scores = satisfaction.line_ids.filtered("score").mapped("score")
            satisfaction.score = sum(scores) / len(scores) if scores else 0.0

    @api.model
    def _spm_default_lines(self):
        criteria = self.env["spm.satisfaction.criterion"].search([])  # pylint: disable=no-search-all
        return [Command.create({"criterion_id": criterion.id}) for criterion in criteria]

    @api.constrains("line_ids")
    def _check_lines(self):
        for satisfaction in self:
            criteria = satisfaction.line_ids.criterion_id
            if len(criteria) != len(satisfaction.line_ids):
                raise ValidationError(self.env._("Each criterion is scored once per answer."))

    def _spm_check_parents(self, _names):
        if not self.acceptance_id:
            raise ValidationError(self.env._("A paper form scores a phase of a project: choose its acceptance."))
        self.project_id._spm_check_team(
            lambda names: self.env._("Only the team of the project %s records its customer satisfaction.", names))
        self.project_id._spm_check_open()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(not vals.get("acceptance_id") and not self.env.context.get("default_acceptance_id")
                                   for vals in vals_list):
            raise ValidationError(self.env._("A paper form scores a phase of a project: choose its acceptance."))
        records = super().create(vals_list)
        records._spm_alert_low_scores()
        return records

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su:
            if self.filtered(lambda s: s.source == "survey") and set(vals) - {"message_follower_ids"}:
                raise ValidationError(self.env._("The customer's own answers to the survey are not edited."))
            self.project_id._spm_check_open()
        res = super().write(vals)
        if "line_ids" in vals:
            self._spm_alert_low_scores()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_customer_answers(self):
        """What the customer answered online is kept: only a paper form typed by the team is deleted."""
        if self.env.su:
            return
        if self.filtered(lambda s: s.source == "survey"):
            raise UserError(self.env._("The customer's own answers to the survey are kept; they are not deleted."))
        self.project_id._spm_check_open()

    def _spm_alert_low_scores(self):
        """Scores of 2 or less give the project director an activity (the project manager's team
        leader when the project has no director)."""
        for satisfaction in self.sudo():
            low = satisfaction.line_ids.filtered(lambda line: line.score and line.score <= LOW_SCORE)
            if not low and not (satisfaction.score and satisfaction.score <= LOW_SCORE):
                continue
            project = satisfaction.project_id
            director = project._spm_director() if project else satisfaction.task_id.project_id.user_id
            if not director:
                continue
            details = ", ".join(f"{line.criterion_id.name} {line.score}" for line in low) or \
                f"{satisfaction.score:.1f}"
            phase = satisfaction.acceptance_id.display_name or satisfaction.task_id.display_name
            (project or satisfaction.task_id).activity_schedule(
                "sales_project_management.mail_activity_type_satisfaction", user_id=director.id,
                summary=self.env._("Low customer satisfaction on %(phase)s: %(details)s", phase=phase,
                                   details=details))

    # ------------------------------------------------------------
    # The survey: invitations and answers
    # ------------------------------------------------------------

    @api.model
    def _spm_invite(self, record, partner, send=True):
        """Invite ``partner`` to score ``record``, the phase of an acceptance or a service request (a task): an
        answer token of the satisfaction survey and (``send``) a mail with its link, answered without an Odoo
        login."""
        survey = self.env.ref(SURVEY).sudo()
        # the questions are named like the criteria in every language they are named in now
        self.env["spm.satisfaction.criterion"].sudo().search([("active", "=", True)])._spm_sync_questions()
        link = {"spm_task_id": record.id} if record._name == "project.task" else {"spm_acceptance_id": record.id}
        answer = survey._create_answer(partner=partner, check_attempts=False, **link)
        if send:
            template = self.env.ref("sales_project_management.mail_template_spm_service_survey"
                                    if record._name == "project.task" else
                                    "sales_project_management.mail_template_spm_satisfaction_invite").sudo()
            template.send_mail(answer.id, email_layout_xmlid="mail.mail_notification_light")
            record.message_post(body=self.env._("Satisfaction survey sent to %s.", partner.display_name))
        else:
            record.message_post(body=self.env._("Satisfaction survey link created for %s.",
                                                partner.display_name or self.env._("the customer")))
        return answer

    @api.model
    def _spm_from_survey(self, answers):
        """The satisfaction of the finished survey answers (sudo: the customer answers as a public user)."""
        comment_question = self.env.ref(COMMENT_QUESTION, raise_if_not_found=False)
        criteria = {criterion.question_id: criterion for criterion in
                    self.env["spm.satisfaction.criterion"].with_context(active_test=False).search(
                        [("question_id", "in", answers.user_input_line_ids.question_id.ids)])}
        values = []
        for answer in answers.filtered(lambda a: (a.spm_acceptance_id or a.spm_task_id) and a.state == "done"):
            if self.search_count([("user_input_id", "=", answer.id)]):
                continue
            lines = answer.user_input_line_ids
            values.append({
                "acceptance_id": answer.spm_acceptance_id.id,
                "task_id": answer.spm_task_id.id,
                "respondent_id": answer.partner_id.id,
                "date": fields.Date.context_today(self),
                "source": "survey",
                "user_input_id": answer.id,
                "comment": "\n".join(line.value_text_box for line in lines
                                     if line.question_id == comment_question and line.value_text_box) or False,
                "line_ids": [Command.create({"criterion_id": criteria[line.question_id].id, "score": line.value_scale})
                             for line in lines if line.question_id in criteria and line.answer_type == "scale"],
            })
        return self.create(values)
