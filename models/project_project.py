from datetime import timedelta

from odoo import Command, fields, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    spm_lead_id = fields.Many2one("crm.lead", string="Opportunity", index="btree_not_null", copy=False,
                                  ondelete="set null")
    spm_initiation_id = fields.Many2one("spm.initiation", string="Initiation Request", copy=False,
                                        ondelete="set null")
    spm_grade_id = fields.Many2one("spm.grade", string="Grade", index="btree_not_null", ondelete="restrict")
    spm_objective = fields.Html("Project Objective")
    spm_member_ids = fields.One2many("spm.project.member", "project_id", string="Project Team")
    spm_success_criterion_ids = fields.One2many("spm.success.criterion", "project_id", string="Success Criteria")

    def _spm_setup_from_initiation(self, request):
        """Team, charter and WBS of a project whose initiation was just approved."""
        self.ensure_one()
        members = [Command.create({"role": m.role, "user_id": m.user_id.id, "sequence": m.sequence})
                   for m in request.member_ids]
        roles = set(request.member_ids.mapped("role"))
        if "manager" not in roles:
            members.append(Command.create({"role": "manager", "user_id": self.user_id.id, "sequence": 2}))
        contact = request.lead_id.partner_id
        if "customer_contact" not in roles and contact:
            members.append(Command.create({"role": "customer_contact", "partner_id": contact.id, "sequence": 3}))
        monitor = request._spm_monitor()
        if monitor and "monitor" not in roles:
            members.append(Command.create({"role": "monitor", "user_id": monitor.id, "sequence": 9}))
        criteria = [] if self.spm_success_criterion_ids else [
            Command.create({"sequence": 1, "name": self.env._("Acceptance pass rate"), "comparator": ">=",
                            "target": 95, "unit": "%"}),
            Command.create({"sequence": 2, "name": self.env._("Collection cycle"), "comparator": "<=",
                            "target": 30, "unit": self.env._("days")}),
            Command.create({"sequence": 3, "name": self.env._("Revenue target"), "comparator": ">=",
                            "target": request.expected_revenue, "unit": request.currency_id.name}),
        ]
        self.write({"spm_member_ids": members, "spm_success_criterion_ids": criteria})
        self._spm_apply_wbs(request.grade_id.wbs_template_id or self.env["spm.wbs.template"].search(
            ["|", ("company_id", "=", False), ("company_id", "=", self.company_id.id)], limit=1),
            request.date_start or fields.Date.context_today(self))

    def _spm_apply_wbs(self, template, start):
        if not template or self.milestone_ids:
            return
        Milestone = self.env["project.milestone"]
        tasks = []
        for phase in template.phase_ids:
            begin = start + timedelta(days=phase.start_offset_days)
            deadline = begin + timedelta(days=phase.duration_days)
            milestone = Milestone.create({"name": phase.name, "project_id": self.id, "deadline": deadline})
            tasks += [{
                "name": task.name, "project_id": self.id, "milestone_id": milestone.id,
                "date_deadline": fields.Datetime.to_datetime(deadline), "sequence": task.sequence,
                "user_ids": [Command.set(self.user_id.ids)],
            } for task in phase.task_ids]
        self.env["project.task"].create(tasks)

    def action_spm_open_lead(self):
        self.ensure_one()
        return self.spm_lead_id._get_records_action()

    def action_spm_open_initiation(self):
        self.ensure_one()
        return self.spm_initiation_id._get_records_action()
