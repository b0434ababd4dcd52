#!/usr/bin/env python3
"""Benchmark the project kanban with the monitoring badges on 10,000 sales projects.

The project kanban of the addon shows on each card the open high risks, the open and escalated
issues and the cost / budget ratio. The script times loading the 80 first cards with
``web_search_read`` and the field specification the web client derives from the kanban view
(Odoo's project kanban with the addon's extension) against the same specification without the
addon's ``spm_*`` fields, i.e. the same kanban without the badges. Goal: ratio <= 1.25.

The sales projects missing to reach ``--projects`` are created once (named ``BENCH P 00001``, ...),
with their analytic accounts, and committed: each has a grade and a budget; one in three has a
high risk, every project has two issues (one escalated) and eight ordinary tasks, and three cost
items on its analytic account. Later runs reuse them.

Run it from the repository root against a database where the addon is installed::

    python3 benchmarks/bench_project_kanban.py -d spm_bench [--addons-path PATH] [--projects 10000]
"""

import sys
import time

from common import alternate, argument_parser, kanban_spec, odoo_cursor, superuser_env, user_env, without_addon

GOAL = 1.25
BENCH_PREFIX = "BENCH P "
KANBAN_LIMIT = 80
BATCH = 500


def parse_args(argv):
    parser = argument_parser(__doc__)
    parser.add_argument("--projects", type=int, default=10_000, help="minimum number of sales projects (10000)")
    parser.add_argument("--runs", type=int, default=30, help="timed loads of each kanban variant (30)")
    return parser.parse_args(argv)


def ensure_projects(env, wanted):
    """Create the sales projects missing to reach ``wanted`` (with their data), commit, return the count."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM project_project WHERE spm_grade_id IS NOT NULL")
    count = cr.fetchone()[0]
    missing = wanted - count
    if missing <= 0:
        return count
    print(f"creating {missing} sales projects ...", flush=True)
    started = time.perf_counter()
    company = env.ref("sales_project_management.spm_company", raise_if_not_found=False) or env.company
    managers = env["res.users"].search([("share", "=", False), ("company_ids", "in", company.ids)])
    grades = env["spm.grade"].search([])
    plan, _other_plans = env["account.analytic.plan"]._get_all_plans()
    cr.execute("SELECT count(*) FROM project_project WHERE name->>'en_US' LIKE %s", [BENCH_PREFIX + "%"])
    first = cr.fetchone()[0] + 1
    Project = env["project.project"].with_context(tracking_disable=True, mail_create_nolog=True,
                                                  mail_create_nosubscribe=True)
    for start in range(0, missing, BATCH):
        numbers = range(first + start, first + min(start + BATCH, missing))
        names = [f"{BENCH_PREFIX}{number:05d}" for number in numbers]
        accounts = env["account.analytic.account"].create([
            {"name": name, "plan_id": plan.id, "company_id": company.id} for name in names])
        Project.create([{
            "name": name, "company_id": company.id, "account_id": account.id,
            "user_id": managers[number % len(managers)].id, "spm_grade_id": grades[number % len(grades)].id,
            "privacy_visibility": "employees",
        } for number, name, account in zip(numbers, names, accounts, strict=True)])
        env.flush_all()
        env.invalidate_all()
        cr.commit()
        print(f"  {start + len(names)} / {missing}", flush=True)
    # budgets, issues, tasks, risks and costs, in SQL
    cr.execute("""
        UPDATE project_project SET spm_budget = 1000000 + mod(id, 7) * 250000
         WHERE name->>'en_US' LIKE %s AND COALESCE(spm_budget, 0) = 0
    """, [BENCH_PREFIX + "%"])
    cr.execute("""
        INSERT INTO project_task (name, project_id, company_id, state, active, sequence, priority, display_in_project,
                                  spm_is_issue, spm_issue_date, spm_escalation_level,
                                  create_date, write_date, create_uid, write_uid)
        SELECT 'BENCH ' || CASE WHEN k <= 2 THEN 'issue ' ELSE 'task ' END || k, p.id, p.company_id,
               CASE WHEN k > 6 THEN '1_done' ELSE '01_in_progress' END, TRUE, k, '0', TRUE,
               k <= 2, CASE WHEN k <= 2 THEN now() at time zone 'UTC' - make_interval(days => 2 * k) END,
               CASE WHEN k = 2 THEN '1' ELSE '0' END,
               now() at time zone 'UTC', now() at time zone 'UTC', 1, 1
          FROM project_project p, generate_series(1, 10) AS k
         WHERE p.name->>'en_US' LIKE %s AND NOT EXISTS (SELECT 1 FROM project_task t WHERE t.project_id = p.id)
    """, [BENCH_PREFIX + "%"])
    cr.execute("""
        INSERT INTO spm_risk (name, project_id, company_id, probability, impact, score, level, response, state,
                              owner_id, review_reminded, create_date, write_date, create_uid, write_uid)
        SELECT 'BENCH risk', p.id, p.company_id, 4, 4, 16, 'high', 'mitigate', 'open', p.user_id, FALSE,
               now() at time zone 'UTC', now() at time zone 'UTC', 1, 1
          FROM project_project p
         WHERE p.name->>'en_US' LIKE %s AND mod(p.id, 3) = 0
           AND NOT EXISTS (SELECT 1 FROM spm_risk r WHERE r.project_id = p.id)
    """, [BENCH_PREFIX + "%"])
    cr.execute("""
        UPDATE project_project p SET spm_risk_high_count = 1
         WHERE p.name->>'en_US' LIKE %s AND EXISTS (SELECT 1 FROM spm_risk r WHERE r.project_id = p.id)
    """, [BENCH_PREFIX + "%"])
    cr.execute("""
        INSERT INTO account_analytic_line (name, account_id, company_id, currency_id, amount, unit_amount, date,
                                           category, create_date, write_date, create_uid, write_uid)
        SELECT 'BENCH cost', p.account_id, p.company_id, c.currency_id, -100000.0 * k, 0, current_date, 'other',
               now() at time zone 'UTC', now() at time zone 'UTC', 1, 1
          FROM project_project p JOIN res_company c ON c.id = p.company_id, generate_series(1, 3) AS k
         WHERE p.name->>'en_US' LIKE %s
           AND NOT EXISTS (SELECT 1 FROM account_analytic_line l WHERE l.account_id = p.account_id)
    """, [BENCH_PREFIX + "%"])
    cr.commit()
    for table in ("project_project", "project_task", "spm_risk", "account_analytic_line"):
        cr.execute(f"ANALYZE {table}")
    cr.commit()
    print(f"created in {time.perf_counter() - started:.1f} s", flush=True)
    return count + missing


def measure(env, as_user, runs):
    """Median time and queries of loading the first cards, with and without the addon's fields."""
    addon_spec = kanban_spec(as_user, "project.project")
    plain_spec = without_addon(addon_spec)
    Project = as_user["project.project"]
    domain = [("name", "like", BENCH_PREFIX)]
    order = "is_favorite desc, sequence, name, id"  # the kanban's default order
    cr = env.cr

    def load(spec):
        env.invalidate_all()
        count, started = cr.sql_log_count, time.perf_counter()
        result = Project.web_search_read(domain, spec, limit=KANBAN_LIMIT, order=order)
        elapsed = time.perf_counter() - started
        if len(result["records"]) != KANBAN_LIMIT:
            sys.exit(f"Fewer than {KANBAN_LIMIT} bench projects.")
        return elapsed, cr.sql_log_count - count

    times, queries = alternate({"addon": lambda: load(addon_spec), "plain": lambda: load(plain_spec)}, runs)
    return times, queries, sorted(set(addon_spec) - set(plain_spec)), len(addon_spec)


def main(argv=None):
    args = parse_args(argv)
    with odoo_cursor(args.database, args.addons_path) as cr:
        env = superuser_env(cr)
        total = ensure_projects(env, args.projects)
        admin = env.ref("base.user_admin")
        print(f"kanban: {KANBAN_LIMIT} cards of {total} sales projects, {args.runs} loads per variant, as "
              f"{admin.login}", flush=True)
        times, queries, extra, nfields = measure(env, user_env(env, admin), args.runs)
        print(f"  {nfields} fields in the specification; the addon's: {', '.join(extra)}")
    ratio = times["addon"] / times["plain"]
    print(f"""
sales projects in database: {total}
kanban {KANBAN_LIMIT} cards, badges:     {times['addon'] * 1000:7.2f} ms  ({queries['addon']:.0f} queries)
kanban {KANBAN_LIMIT} cards, no badges:  {times['plain'] * 1000:7.2f} ms  ({queries['plain']:.0f} queries)
ratio:                          {ratio:7.2f}     (goal <= {GOAL})""")
    return 1 if args.strict and ratio > GOAL else 0


if __name__ == "__main__":
    sys.exit(main())
