from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import SpmMonitoringCommon

BULK = 100_000


@tagged("post_install", "-at_install")
class TestMonitoringJobsAtScale(SpmMonitoringCommon):
    """The daily escalation and review jobs read only the due issues and risks: with 100,000 issues and
    risks that are not due, they run the same number of queries as with none."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead, cls.project = cls._approved_project()
        now = fields.Datetime.now()
        cls.issues = cls.env["project.task"].create([
            {"name": f"到期问题 {days}", "project_id": cls.project.id, "spm_is_issue": True,
             "spm_issue_date": now - timedelta(days=days)} for days in (4, 5, 9)])
        cls.risks = cls.env["spm.risk"].create([
            {"name": f"到期复核 {n}", "project_id": cls.project.id, "lead_id": cls.lead.id,
             "review_date": fields.Date.today() - timedelta(days=n)} for n in (1, 2)])

    def _run_jobs(self):
        """Run both jobs in a savepoint rolled back afterwards; return the number of queries."""
        env, cr = self.env, self.env.cr
        env.flush_all()
        cr.execute("SAVEPOINT spm_jobs")
        try:
            env.invalidate_all()
            count = cr.sql_log_count
            env["project.task"]._cron_spm_escalate_issues()
            env["spm.risk"]._cron_review_reminders()
            env.flush_all()
            queries = cr.sql_log_count - count
            self.assertEqual(self.issues.mapped("spm_escalation_level"), ["1", "1", "2"])
            self.assertTrue(all(self.risks.mapped("review_reminded")))
            return queries
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT spm_jobs")
            env.invalidate_all()
            cr.precommit.clear()
            env.transaction.clear()

    def _insert_not_due(self, count):
        """``count`` open issues raised today and ``count`` open risks reviewed next month, in SQL."""
        self.env.flush_all()
        params = {"project": self.project.id, "company": self.company.id, "count": count,
                  "user": self.user_sales_east.id}
        self.env.cr.execute("""
            INSERT INTO project_task (name, project_id, company_id, state, active, sequence, priority,
                                      display_in_project, spm_is_issue, spm_issue_date, spm_escalation_level)
            SELECT 'not due ' || i, %(project)s, %(company)s, '01_in_progress', TRUE, 10, '0', TRUE,
                   TRUE, now() at time zone 'UTC', '0'
              FROM generate_series(1, %(count)s) AS i
        """, params)
        self.env.cr.execute("""
            INSERT INTO spm_risk (name, project_id, company_id, probability, impact, score, level, response, state,
                                  owner_id, review_date, review_reminded)
            SELECT 'not due ' || i, %(project)s, %(company)s, 3, 3, 9, 'medium', 'mitigate', 'open', %(user)s,
                   current_date + 30, FALSE
              FROM generate_series(1, %(count)s) AS i
        """, params)
        self.env.cr.execute("ANALYZE project_task")
        self.env.cr.execute("ANALYZE spm_risk")

    def test_query_count_does_not_grow_with_the_tables(self):
        self._run_jobs()  # warm the registry caches
        few = self._run_jobs()
        self._insert_not_due(BULK)
        many = self._run_jobs()
        self.assertEqual(few, many, f"{few} queries with few issues and risks, {many} with {BULK} more of each")
