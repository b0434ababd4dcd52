#!/usr/bin/env python3
"""Benchmark the daily stall-alert job (停滞预警) over 100,000 opportunities.

``spm.stall.alert._cron_spm_stall_alerts`` finds, per stage, the opportunities that entered it longer ago
than the stage allows (``crm.stage.spm_max_days``) and have no alert for that stay yet, and the sales
projects without a weekly report for two weeks; it raises one alert and one activity for each. The script
times it against what plain Odoo would do for the same work, in the same run:

- nothing due: the whole job (cancelling, the stage and report queries) against Odoo's own ``search`` of each
  stage's opportunities older than its limit;
- 10 due: the whole job, raising 10 alerts with their activities, against the same searches followed by Odoo's
  ``activity_schedule`` on the 10 found.

Both variants alternate from an empty cache, each run in a savepoint rolled back. Every non-won stage is
given a limit of 500 days for the runs, older than any bench opportunity (their last stage move spreads over
the last year), so that nothing is due; the "10 due" runs move 10 of them 600 days back. Goal: ratio <= 1.25
each. It also prints the queries of each variant (the job's do not grow with the number due).

The opportunities missing to reach ``--leads`` are inserted once with SQL (``common.ensure_leads``) and
committed; later runs reuse them.

Run it from the repository root against a database where the addon is installed::

    python3 benchmarks/bench_stall_alerts.py -d spm_bench [--addons-path PATH] [--leads 100000]
"""

import sys
import time
from datetime import timedelta

from common import LEAD_PREFIX, alternate, argument_parser, ensure_leads, odoo_cursor, rolled_back, superuser_env

from odoo import fields
from odoo.tools import SQL

GOAL = 1.25
LIMIT_DAYS = 500
DUE = 10


def parse_args(argv):
    parser = argument_parser(__doc__)
    parser.add_argument("--leads", type=int, default=100_000, help="minimum number of opportunities (100000)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each variant (15)")
    parser.add_argument("--explain", action="store_true",
                        help="print EXPLAIN (ANALYZE, BUFFERS) of the job's stage query")
    return parser.parse_args(argv)


def measure(env, runs):
    cr = env.cr
    Alert = env["spm.stall.alert"]
    Lead = env["crm.lead"]
    activity_type = env.ref("sales_project_management.mail_activity_type_spm_analysis_meeting")
    cr.execute("SELECT id FROM crm_stage WHERE is_won IS NOT TRUE ORDER BY sequence, id")
    stage_ids = [row[0] for row in cr.fetchall()]
    cr.execute("""SELECT id FROM crm_lead WHERE active AND type = 'opportunity' AND stage_id = ANY(%s)
                   AND name LIKE %s ORDER BY id LIMIT %s""", [stage_ids, LEAD_PREFIX + "%", DUE])
    due_ids = [row[0] for row in cr.fetchall()]

    def prepare(due):
        cr.execute("UPDATE crm_stage SET spm_max_days = %s WHERE id = ANY(%s)", [LIMIT_DAYS, stage_ids])
        if due:
            cr.execute("UPDATE crm_lead SET date_last_stage_update = now() at time zone 'UTC' - interval '600 days'"
                       " WHERE id = ANY(%s)", [due_ids])
        env.invalidate_all()

    def plain(due):
        """What plain Odoo does for the same work: a search per stage, then an activity on each found (without
        the assignment email, as the job)."""
        limit = fields.Datetime.now() - timedelta(days=LIMIT_DAYS)
        found = Lead.browse()
        for stage_id in stage_ids:
            found |= Lead.search([("stage_id", "=", stage_id), ("date_last_stage_update", "<", limit),
                                  ("type", "=", "opportunity")])
        for lead in found.with_context(mail_activity_quick_update=True):
            lead.activity_schedule(activity_type_id=activity_type.id, user_id=(lead.team_id.user_id or lead.user_id).id,
                                   summary="Analysis meeting")
        return found

    def job(_due):
        Alert._cron_spm_stall_alerts()

    def run(function, due):
        def timed():
            with rolled_back(env):
                prepare(due)
                count, started = cr.sql_log_count, time.perf_counter()
                result = function(due)
                env.flush_all()
                elapsed = time.perf_counter() - started
                queries = cr.sql_log_count - count
                if function is plain and len(result) != (DUE if due else 0):
                    sys.exit(f"plain Odoo found {len(result)} opportunities instead of {DUE if due else 0}")
                if function is job:
                    cr.execute("SELECT count(*) FROM spm_stall_alert WHERE lead_id = ANY(%s)"
                               " AND date_stalled < now() at time zone 'UTC' - interval '599 days'", [due_ids])
                    raised = cr.fetchone()[0]
                    if raised != (DUE if due else 0):
                        sys.exit(f"the job raised {raised} alerts instead of {DUE if due else 0}")
            return elapsed, queries
        return timed

    times, queries = alternate({
        "job, none due": run(job, False), "odoo, none due": run(plain, False),
        "job, 10 due": run(job, True), "odoo, 10 due": run(plain, True),
    }, runs)
    return times, queries


def explain(env):
    with rolled_back(env):
        env.cr.execute("UPDATE crm_stage SET spm_max_days = %s WHERE is_won IS NOT TRUE", [LIMIT_DAYS])
        Alert = env["spm.stall.alert"]
        captured = []
        original = type(env).execute_query

        def capture(self, query):
            captured.append(query)
            return original(self, query)

        type(env).execute_query = capture
        try:
            Alert._spm_stage_causes(fields.Datetime.now())
        finally:
            type(env).execute_query = original
        for query in captured:
            env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
            print("\n".join(row[0] for row in env.cr.fetchall()))


def main(argv=None):
    args = parse_args(argv)
    with odoo_cursor(args.database, args.addons_path) as cr:
        total = ensure_leads(cr, args.leads)
        env = superuser_env(cr)
        env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
        print(f"stall job over {total} opportunities, {args.runs} runs per variant", flush=True)
        if args.explain:
            explain(env)
        times, queries = measure(env, args.runs)
    ratio_none = times["job, none due"] / times["odoo, none due"]
    ratio_due = times["job, 10 due"] / times["odoo, 10 due"]
    lines = [f"{name + ':':<16} {seconds * 1000:8.2f} ms  ({queries[name]:.0f} queries)"
             for name, seconds in times.items()]
    print(f"""
opportunities in database: {total}
{chr(10).join(lines)}
ratio, none due:  {ratio_none:6.2f}   (goal <= {GOAL})
ratio, 10 due:    {ratio_due:6.2f}   (goal <= {GOAL})""")
    return 1 if args.strict and max(ratio_none, ratio_due) > GOAL else 0


if __name__ == "__main__":
    sys.exit(main())
