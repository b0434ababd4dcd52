from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """The owner of a meeting decision marking its activity done marks the decision done."""
        meeting_activities = self.filtered(lambda activity: activity.res_model == "spm.team.meeting")
        if meeting_activities:
            decisions = self.env["spm.team.meeting.decision"].sudo().search(
                [("activity_id", "in", meeting_activities.ids), ("done", "=", False)])
            decisions.with_context(spm_activity_done=True).write({"done": True})
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
