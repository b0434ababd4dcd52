from collections import defaultdict

from odoo import api, models

from .project_project import EXPENSE_ACCOUNT_TYPES

# what decides whether an analytic item is a cost of a project, and how much
COST_FIELDS = {"amount", "account_id", "move_line_id", "general_account_id"}


class AccountAnalyticLine(models.Model):
    """Budget control: every cost reaching a sales project's analytic account goes through here —
    posted vendor bills and journal entries (their analytic items are created on posting),
    expenses, timesheets and manual analytic items — so that one check refuses (or warns about)
    the entry that takes the project beyond its budget. A refusal raises inside the posting: the
    whole entry is rolled back with it."""
    _inherit = "account.analytic.line"

    def _spm_cost(self):
        """The cost this item adds to its analytic account (0 for revenues)."""
        self.ensure_one()
        if self.move_line_id:
            return -self.amount if self.general_account_id.account_type in EXPENSE_ACCOUNT_TYPES else 0.0
        return -self.amount if self.amount < 0 else 0.0

    def _spm_cost_by_project(self):
        """{project: cost of these items} for the projects with a budget on their accounts."""
        accounts = self.account_id
        if not accounts:
            return {}
        projects = self.env["project.project"].sudo().with_context(active_test=False).search(
            [("account_id", "in", accounts.ids), ("spm_grade_id", "!=", False)])
        costs = defaultdict(float)
        for project in projects:
            for line in self.filtered(lambda line, p=project: line.account_id == p.account_id):
                costs[project] += line._spm_cost()
        return costs

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        added = lines._spm_cost_by_project()
        if added:
            self.env["project.project"].sudo().union(*added)._spm_check_budget(added)
        return lines

    def write(self, vals):
        if not COST_FIELDS & set(vals):
            return super().write(vals)
        before = self._spm_cost_by_project()
        res = super().write(vals)
        after = self._spm_cost_by_project()
        added = {project: after.get(project, 0.0) - before.get(project, 0.0) for project in set(before) | set(after)}
        if any(amount > 0 for amount in added.values()):
            self.env["project.project"].sudo().union(*added)._spm_check_budget(added)
        return res
