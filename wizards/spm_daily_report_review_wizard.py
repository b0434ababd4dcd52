from odoo import fields, models

from ..models.spm_daily_report import RATINGS


class SpmDailyReportReviewWizard(models.TransientModel):
    """The team leader's review of a submitted daily report: a rating and a comment, recorded by
    ``spm.daily.report.action_review`` (the only way a report is rated)."""
    _name = "spm.daily.report.review.wizard"
    _description = "Review a Daily Report"

    report_id = fields.Many2one("spm.daily.report", string="Daily Report", required=True, ondelete="cascade")
    rating = fields.Selection(RATINGS[1:], required=True, default="3")
    review_comment = fields.Text("Comment")

    def action_review(self):
        self.ensure_one()
        self.report_id.action_review(review_comment=self.review_comment or False, rating=self.rating)
        return {"type": "ir.actions.act_window_close"}
