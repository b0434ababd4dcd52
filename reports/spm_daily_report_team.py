from collections import defaultdict

from odoo import api, models


class ReportSpmDailyTeam(models.AbstractModel):
    """销售日报表 of a team's day: every member of the team, with their report of the day or none."""
    _name = "report.sales_project_management.report_spm_daily_team"
    _description = "Team Daily Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        reports = self.env["spm.daily.report"].browse(docids)
        days = defaultdict(lambda: self.env["spm.daily.report"])
        for report in reports:
            days[(report.team_id, report.date)] |= report
        pages = []
        for (team, day), day_reports in sorted(days.items(), key=lambda item: (item[0][1], item[0][0].name or "")):
            # the members of the team who write daily reports, even those who wrote none that day
            writers = self.env["spm.daily.report"]._spm_report_writers(team.company_id or self.env.company) \
                & team.member_ids if team else self.env["res.users"]
            people = (day_reports.user_id | writers).sorted("name")
            rows = [(user, day_reports.filtered(lambda r, u=user: r.user_id == u)[:1]) for user in people]
            pages.append({"team": team, "date": day, "rows": rows, "reports": day_reports})
        return {"doc_ids": docids, "doc_model": "spm.daily.report", "docs": reports, "pages": pages, "data": data}
