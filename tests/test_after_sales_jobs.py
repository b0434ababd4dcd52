from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import SpmProjectCommon

# classified customers inserted with SQL that the visit job must not read: half due in the coming weeks, half
# overdue but already reminded for that due date
BULK = 100_000
# What each record due costs a job, in queries: the budget, as measured with Odoo 18.0 (fewer is fine). It is all
# Odoo's mail and project machinery, run record by record. A customer overdue (16): its activity (an INSERT), the
# salesperson subscribed to the customer (5) and the activity's assignment email (10: message, recipients,
# notification and mail.mail, queued in the job's transaction and sent after the commit). A project whose next
# return visit is due (35): its task, created alone (stages, INSERT, assignee and personal stage), the assignment
# email, and the task's followers (its assignee, the job's user OdooBot, ...) subscribed one task at a time. The first
# record due of a run adds a few queries once (the model, the mail alias domain, the after-sales project...):
# 15 and 29 measured, budgets 20 and 35.
VISIT_QUERIES_PER_CUSTOMER = 16
VISIT_QUERIES_ONCE = 20
RETURN_VISIT_QUERIES_PER_PROJECT = 35
RETURN_VISIT_QUERIES_ONCE = 35


@tagged("post_install", "-at_install")
class TestAfterSalesJobs(SpmProjectCommon):
    """The daily jobs of customer service read only what is due: the visit-overdue reminders
    (``res.partner._cron_spm_customer_visits``) run the same queries whatever the number of classified customers
    that are not due (100,000 included), the return visits (``project.project._cron_spm_service``) whatever the
    number of projects under warranty that have their open return visit; each customer or project due costs a
    constant number of queries more (the budgets above)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.class_key = ref("sales_project_management.customer_class_key")  # visits every 30 days, return visits 90
        cls.visit_due = ref("sales_project_management.mail_activity_type_customer_visit")
        cls.customer.user_id = cls.user_sales_east
        cls.company._spm_after_sales_project()
        # what the database holds due already (demo data, a benchmark's customers) was dealt with by an earlier
        # run: the customers reminded (in SQL, for speed; two days ahead, whatever the job's time zone), the
        # return visits planned
        cls.env.flush_all()
        cls.env.cr.execute("""
            UPDATE res_partner SET spm_visit_reminded_due = spm_visit_due_date
             WHERE spm_visit_due_date < %s AND spm_visit_reminded_due IS DISTINCT FROM spm_visit_due_date
        """, [cls.today + timedelta(days=2)])
        cls.env.invalidate_all()
        cls.env["project.project"]._cron_spm_service()
        cls.Partner = cls.env["res.partner"]
        cls.Project = cls.env["project.project"]
        cls.Task = cls.env["project.task"]

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _queries(self, job, prepare=None):
        """The queries of one run of ``job(env)`` as the scheduler runs it (superuser, no context), its flush
        included, with an empty cache; everything is rolled back afterwards (the records ``prepare()`` makes
        first, and the job's reminders and tasks), but not Odoo's registry caches the run filled."""
        env, cr = self.env, self.env.cr
        env.flush_all()
        cr.execute("SAVEPOINT spm_after_sales_jobs")
        try:
            if prepare:
                prepare()
                env.flush_all()
            env.invalidate_all()
            # the scheduler's environment; outside tests the assignment emails are sent after the commit (another
            # cursor), in tests at once: queue them, as the job's transaction does outside tests
            job_env = env(context={"mail_notify_force_send": False})
            count = cr.sql_log_count
            job(job_env)
            job_env.flush_all()
            return cr.sql_log_count - count
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT spm_after_sales_jobs")
            env.invalidate_all()
            cr.precommit.clear()
            env.transaction.clear()

    def _visit_job(self, env):
        env["res.partner"]._cron_spm_customer_visits()

    def _service_job(self, env):
        env["project.project"]._cron_spm_service()

    def _classified(self, count, name="客户"):
        """``count`` customers of the east salesperson, classified today by the sales manager (due in 30 days)."""
        customers = self.Partner.create([{"name": f"{name}{index}", "is_company": True,
                                          "user_id": self.user_sales_east.id} for index in range(count)])
        customers.with_user(self.user_manager_east).write(
            {"spm_customer_class_id": self.class_key.id, "spm_class_reason": "批量定级"})
        self.env.flush_all()
        return customers

    def _overdue(self, count):
        """``count`` classified customers not visited since they were classified 40 days ago: due 10 days ago."""
        customers = self._classified(count, name="逾期客户")
        self.env.cr.execute("UPDATE res_partner SET spm_class_date = %s WHERE id = ANY(%s)",
                            [self.today - timedelta(days=40), customers.ids])
        customers.invalidate_recordset(["spm_class_date"])
        self.env.add_to_compute(self.Partner._fields["spm_visit_due_date"], customers)
        self.env.flush_all()
        self.assertEqual(set(customers.mapped("spm_visit_due_date")), {self.today - timedelta(days=10)})
        return customers

    def _insert_not_due(self, count):
        """``count`` classified company customers with a salesperson, in SQL (see ``BULK``)."""
        self.env.flush_all()
        self.env.cr.execute("""
            INSERT INTO res_partner (name, complete_name, is_company, type, active, autopost_bills, user_id,
                                     spm_customer_class_id, spm_class_date, spm_visit_due_date, spm_visit_reminded_due)
            SELECT 'BULK ' || i, 'BULK ' || i, TRUE, 'contact', TRUE, 'ask', %(user)s, %(class)s,
                   %(today)s - 20, g.due, CASE WHEN mod(i, 2) = 1 THEN g.due END
              FROM generate_series(1, %(count)s) AS i,
                   LATERAL (SELECT CASE WHEN mod(i, 2) = 0 THEN %(today)s + mod(i, 30)
                                        ELSE %(today)s - 1 - mod(i, 60) END AS due) AS g
        """, {"user": self.user_sales_east.id, "class": self.class_key.id, "today": self.today, "count": count})
        # ANALYZE first: PostgreSQL's foreign key check of the UPDATE (commercial_partner_id) would otherwise keep the
        # plan it cached when the table was small, a sequential scan per row
        self.env.cr.execute("ANALYZE res_partner")
        self.env.cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
        self.env.cr.execute("ANALYZE res_partner")

    def _classify_the_customer(self):
        self.customer.with_user(self.user_manager_east).write(
            {"spm_customer_class_id": self.class_key.id, "spm_class_reason": "重点客户"})

    def _under_warranty(self, count):
        """``count`` sales projects of the customer finally accepted 5 days ago (their warranty runs for a year),
        their service planned as at the acceptance: a first return visit each, open."""
        projects = self.Project.create([{
            "name": f"质保项目 {index}", "company_id": self.company.id, "user_id": self.pm.id,
            "partner_id": self.customer.id, "spm_grade_id": self.grade_office.id,
        } for index in range(count)])
        # the acceptance date is the workflow's: the confirmed final acceptance sets it in sudo, then plans
        projects.sudo().write({"spm_acceptance_date": self.today - timedelta(days=5)})
        projects._spm_plan_service()
        self.env.flush_all()
        return projects

    def _open_return_visits(self, projects):
        return self.Task.search([("spm_sales_project_id", "in", projects.ids),
                                 ("spm_service_type", "=", "return_visit"), ("is_closed", "=", False)])

    def _hold_return_visits(self, projects):
        """The open return visit of each project held yesterday: each needs its next one."""
        visits = self._open_return_visits(projects)
        visits.write({"state": "1_done"})
        self.env.flush_all()
        self.env.cr.execute("UPDATE project_task SET spm_resolved_on = %s WHERE id = ANY(%s)",
                            [fields.Datetime.now() - timedelta(days=1), visits.ids])
        visits.invalidate_recordset(["spm_resolved_on"])
        return visits

    def _assert_linear(self, counts, per_record, once):
        """``counts``: {records due: queries}, 0 among them. Each record costs the same (at most ``per_record``)
        and the first adds at most ``once``."""
        none, (small, *_rest, large) = counts[0], sorted(number for number in counts if number)
        per = (counts[large] - counts[small]) / (large - small)
        message = ", ".join(f"{queries} queries with {number} due" for number, queries in sorted(counts.items()))
        for number in counts:
            if number:
                self.assertEqual(counts[number], counts[small] + per * (number - small), f"not linear: {message}")
        self.assertLessEqual(per, per_record, message)
        self.assertLessEqual(counts[small] - none - per * small, once, message)

    # ------------------------------------------------------------
    # The visit-overdue job
    # ------------------------------------------------------------

    def test_visit_job_reads_only_the_customers_due(self):
        # warm-up: the job's activity type, and what reminding a first customer fills in Odoo's caches
        self._queries(self._visit_job, prepare=lambda: self._overdue(1))
        none = self._queries(self._visit_job)
        self._classified(50)
        self.assertEqual(self._queries(self._visit_job), none, "50 classified customers not due cost nothing")
        self._insert_not_due(BULK)
        self.assertEqual(self._queries(self._visit_job), none,
                         f"{BULK} classified customers not due or already reminded cost nothing")

        counts = {0: none, **{number: self._queries(self._visit_job, prepare=lambda n=number: self._overdue(n))
                              for number in (5, 10, 20)}}
        self._assert_linear(counts, VISIT_QUERIES_PER_CUSTOMER, VISIT_QUERIES_ONCE)

        # what it did: one reminder to the salesperson of each of ten customers due, none to the others
        overdue = self._overdue(10)
        Activity = self.env["mail.activity"]
        before = Activity.search([("activity_type_id", "=", self.visit_due.id)])
        self.Partner._cron_spm_customer_visits()
        reminders = Activity.search([("activity_type_id", "=", self.visit_due.id)]) - before
        self.assertEqual(sorted(reminders.mapped("res_id")), overdue.ids)
        self.assertEqual(reminders.user_id, self.user_sales_east)
        self.assertEqual(self._queries(self._visit_job), none, "reminded: not due again in this overdue period")

    # ------------------------------------------------------------
    # The return-visit job
    # ------------------------------------------------------------

    def test_return_visit_job_reads_only_the_projects_due(self):
        self._classify_the_customer()  # its class plans a return visit every 90 days
        # warm-up: what planning a first return visit fills in Odoo's caches
        self._queries(self._service_job, prepare=lambda: self._hold_return_visits(self._under_warranty(1)))
        none = self._queries(self._service_job)
        # the fixture's project accepted through its confirmed final acceptance, and 200 more under warranty, each
        # with the first return visit its acceptance planned, still open
        self._acceptance(date=self.today - timedelta(days=5))
        projects = self._under_warranty(200)
        self.assertEqual(len(self._open_return_visits(projects | self.project)), 201)
        self.assertEqual(self._queries(self._service_job), none,
                         "201 projects under warranty with their open return visit cost nothing")

        counts = {0: none, **{number: self._queries(self._service_job,
                                                    prepare=lambda n=number: self._hold_return_visits(projects[:n]))
                              for number in (5, 10, 20)}}
        self._assert_linear(counts, RETURN_VISIT_QUERIES_PER_PROJECT, RETURN_VISIT_QUERIES_ONCE)

        # what it did: the next return visit of each of ten projects, one cadence after the one held
        self._hold_return_visits(projects[:10])
        self.Project._cron_spm_service()
        following = self._open_return_visits(projects[:10])
        self.assertEqual(len(following), 10)
        held_on = (fields.Datetime.now() - timedelta(days=1)).date()
        self.assertEqual({task.date_deadline.date() for task in following}, {held_on + timedelta(days=90)})
        self.assertEqual(len(self._open_return_visits(projects)), 200)
        self.assertEqual(self._queries(self._service_job), none, "planned: nothing due any more")
