from datetime import date, timedelta

from odoo import api, fields, models

from .spm_target import BASES, _percent

SPM_USER = "sales_project_management.group_spm_user"


class CrmTeam(models.Model):
    _inherit = "crm.team"

    spm_target_id = fields.Many2one("spm.target", string="Target of the Year", compute="_compute_spm_achievement",
                                    groups=SPM_USER)
    spm_achieved_signed = fields.Monetary("Signed This Year", compute="_compute_spm_achievement", groups=SPM_USER)
    spm_achievement_signed = fields.Float("Signed (%)", compute="_compute_spm_achievement", groups=SPM_USER)
    spm_achievement_invoiced = fields.Float("Invoiced (%)", compute="_compute_spm_achievement", groups=SPM_USER)
    spm_achievement_collected = fields.Float("Collected (%)", compute="_compute_spm_achievement", groups=SPM_USER)
    spm_visit_week_count = fields.Integer("Visits This Week", compute="_compute_spm_visit_week_count",
                                          groups=SPM_USER)

    def _compute_spm_achievement(self):
        """This year's target of the team and its achievement to date, in one query for all teams."""
        today = self.env.company._spm_local_date(fields.Datetime.now())
        targets = self.env["spm.target"].search([("team_id", "in", self.ids), ("user_id", "=", False),
                                                 ("year", "=", today.year)])
        by_team = {target.team_id: target for target in targets}
        achieved = self.env["spm.target"]._spm_achieved(
            (target.id, target.company_id.id, False, target.team_id.id, date(today.year, 1, 1), today)
            for target in targets)
        for team in self:
            target = by_team.get(team._origin, self.env["spm.target"])
            amounts = achieved.get(target.id, {})
            team.spm_target_id = target
            team.spm_achieved_signed = amounts.get("signed", 0.0)
            for basis in BASES:
                team[f"spm_achievement_{basis}"] = _percent(amounts.get(basis, 0.0), target[f"target_{basis}"])

    def _compute_spm_visit_week_count(self):
        today = self.env.company._spm_local_date(fields.Datetime.now())
        monday = today - timedelta(days=today.weekday())
        start = self.env.company._spm_day_bounds(monday)[0]
        counts = dict(self.env["spm.visit"]._read_group(
            [("team_id", "in", self.ids), ("date_start", ">=", start), ("date_start", "<=", fields.Datetime.now())],
            ["team_id"], ["__count"]))
        for team in self:
            team.spm_visit_week_count = counts.get(team._origin, 0)

    @api.model
    def _spm_team_of_users(self, users):
        """{user: sales team}: the team the user belongs to, else the first one they lead (one query
        for all the leaders without a team of their own)."""
        teams = {user: user.sale_team_id for user in users}
        leaders = users.filtered(lambda user: not user.sale_team_id)
        if leaders:
            for team in self.sudo().search([("user_id", "in", leaders.ids)], order="sequence, id desc"):
                if not teams[team.user_id]:
                    teams[team.user_id] = team
        return teams

    def action_spm_open_visits(self):
        self.ensure_one()
        return self.env["spm.visit"]._spm_visits_action(
            [("team_id", "=", self.id)], {"search_default_this_week": 1, "search_default_group_user": 1},
            self.env._("Visits of %s", self.name))

    def action_spm_open_achievement(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_project_management.spm_target_analysis_action")
        action["domain"] = [("team_id", "=", self.id)]
        return action
