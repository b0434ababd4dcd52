from odoo import fields, models

from .calendar_event import MEETING_TYPES

FREQUENCIES = [("weekly", "Weekly"), ("biweekly", "Every Two Weeks"), ("monthly", "Monthly"),
               ("quarterly", "Quarterly")]
# Odoo's recurrence of each frequency: (rrule_type, interval)
RECURRENCE = {"weekly": ("weekly", 1), "biweekly": ("weekly", 2), "monthly": ("monthly", 1),
              "quarterly": ("monthly", 3)}


class SpmCommunicationPlan(models.Model):
    """沟通计划: a recurring meeting the projects of a grade hold (type, frequency, who takes part); the button
    “Plan Meetings” of a project creates them on Odoo's calendar, repeated up to the project's planned end."""
    _name = "spm.communication.plan"
    _description = "Communication Plan Line"
    _inherit = ["spm.workflow.mixin"]
    _order = "grade_id, sequence, id"

    sequence = fields.Integer(default=10)
    grade_id = fields.Many2one("spm.grade", required=True, index=True, ondelete="cascade")
    meeting_type = fields.Selection(MEETING_TYPES, required=True, default="customer")
    frequency = fields.Selection(FREQUENCIES, required=True, default="weekly")
    duration = fields.Float("Duration (Hours)", default=1.0)
    with_manager = fields.Boolean("Project Manager", default=True)
    with_director = fields.Boolean("Project Director")
    with_customer = fields.Boolean("Customer Contacts")
    with_team = fields.Boolean("Project Team", help="Every member of the project team who is a user.")
    active = fields.Boolean(default=True)

    def _spm_recurrence(self):
        self.ensure_one()
        return RECURRENCE[self.frequency]

    def _spm_partners(self, project):
        """The participants of the plan's meetings of ``project``."""
        self.ensure_one()
        project = project.sudo()
        members = project.spm_member_ids
        partners = self.env["res.partner"]
        if self.with_manager:
            partners |= project.user_id.partner_id | members.filtered(lambda m: m.role == "manager").user_id.partner_id
        if self.with_director:
            partners |= project._spm_director().partner_id
        if self.with_customer:
            partners |= members.filtered(lambda m: m.role == "customer_contact").partner_id \
                or project._spm_customer_contact()
        if self.with_team:
            partners |= members.user_id.partner_id
        return partners
