#!/usr/bin/env python3
"""Benchmark the settlement of a month of commissions: 100,000 receipts' lines for 200 people.

The measured work is what "Settle a Month" does (``spm.commission.settlement._spm_generate``, as the
demo sales director 周敏): one draft settlement per person with unsettled lines up to the month's end,
each line attached to its settlement, and the settlements' totals read back. It is compared with ONE
hand-written SQL statement doing the same work (insert the settlements, attach the lines, return
each person's total), on the same cursor in the same run. Each run happens inside a savepoint that is
rolled back, so every run settles the same lines. Both must agree to the cent on every person; after
a warm-up the variants alternate ``--runs`` times (7) and the medians are compared, with the goal
ORM / SQL <= 3.

Data, made once and committed so that later runs reuse it:

* through the ORM: 200 salespeople (``bench_spm_sales_001`` ...) of the demo company (the same
  people as ``bench_target_achievement.py``) and a commission rule "BENCH 提成方案";
* with plain SQL: ``--receipts`` (100,000) commission lines of the month ``--year``/``--month``
  (2027-06), two per receipt of 50,000 receipts (60/40 shares), 5 % of them clawbacks; then ANALYZE.

Run it from the repository root against a database where the addon is installed with its demo data::

    python3 benchmarks/bench_commission_settlement.py -d spm_bench [--addons-path PATH]

``--strict`` exits with status 1 when the ratio exceeds the goal.
"""

import sys
import time
from datetime import date, timedelta

from common import alternate, argument_parser, ensure_salespeople, odoo_cursor, superuser_env, user_env

from odoo import Command

GOAL = 3.0
RULE_NAME = "BENCH 提成方案"

HAND_SQL = """
    WITH people AS (
        SELECT user_id, SUM(amount) AS total
          FROM spm_commission_line
         WHERE company_id = %(company)s AND settlement_id IS NULL AND date <= %(stop)s
         GROUP BY user_id
    ), settlements AS (
        INSERT INTO spm_commission_settlement (company_id, user_id, date_from, date_to, name, state, amount_lines,
                                               amount_total, carried_amount, is_confirmed, is_cancelled,
                                               create_uid, write_uid, create_date, write_date)
        SELECT %(company)s, p.user_id, %(start)s, %(stop)s, to_char(%(start)s::date, 'YYYY-MM') || ' · ' || pa.name,
               'draft', p.total, p.total, 0, false, false, %(uid)s, %(uid)s, now() at time zone 'UTC',
               now() at time zone 'UTC'
          FROM people p JOIN res_users u ON u.id = p.user_id JOIN res_partner pa ON pa.id = u.partner_id
        RETURNING id, user_id, amount_total
    ), attached AS (
        UPDATE spm_commission_line l SET settlement_id = s.id
          FROM settlements s
         WHERE l.user_id = s.user_id AND l.company_id = %(company)s AND l.settlement_id IS NULL
           AND l.date <= %(stop)s
        RETURNING l.id
    )
    SELECT s.user_id, s.amount_total, (SELECT count(*) FROM attached) FROM settlements s
"""


def parse_args(argv):
    parser = argument_parser(__doc__, "database with sales_project_management and its demo")
    parser.add_argument("--persons", type=int, default=200, help="people with commissions (200)")
    parser.add_argument("--receipts", type=int, default=100_000, help="commission lines of the month (100000)")
    parser.add_argument("--year", type=int, default=2027, help="year of the month settled (2027)")
    parser.add_argument("--month", type=int, default=6, help="month settled (6)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each variant (7)")
    return parser.parse_args(argv)


def ensure_lines(env, company, users, receipts, month):
    start, stop = month
    cr = env.cr
    rule = env["spm.commission.rule"].with_context(active_test=False).search([("name", "=", RULE_NAME)], limit=1)
    if not rule:
        rule = env["spm.commission.rule"].create({
            "name": RULE_NAME, "company_id": company.id, "date_from": start, "active": False, "rate": 3,
            "share_ids": [Command.create({"role": "manager", "share": 60}),
                          Command.create({"role": "salesperson", "share": 40})],
        })
    cr.execute("SELECT count(*) FROM spm_commission_line WHERE rule_id = %s", [rule.id])
    if cr.fetchone()[0] >= receipts:
        return rule
    print(f"inserting {receipts} commission lines with SQL ...", flush=True)
    started = time.perf_counter()
    cr.execute("""
        INSERT INTO spm_commission_line (company_id, user_id, salesperson_id, role, source, receipt_ref, date,
                                         receipt_amount, base_amount, rate, multiplier, share, amount, rule_id,
                                         is_clawback, create_uid, write_uid, create_date, write_date)
        SELECT %(company)s, (%(users)s::int[])[1 + (i / 2 + i %% 2) %% %(n_users)s],
               (%(users)s::int[])[1 + (i / 2) %% %(n_users)s],
               CASE WHEN i %% 2 = 0 THEN 'salesperson' ELSE 'manager' END,
               'receipt', -(i / 2 + 1), %(start)s::date + (i / 2) %% (%(stop)s::date - %(start)s::date + 1),
               sign * receipt, sign * receipt, 3, 1.2, CASE WHEN i %% 2 = 0 THEN 40 ELSE 60 END,
               round(sign * receipt * 0.03 * 1.2 * CASE WHEN i %% 2 = 0 THEN 0.4 ELSE 0.6 END, 2), %(rule)s,
               sign < 0, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM (SELECT i, 10000 + ((i / 2 * 613) %% 500) * 100 + 0.37 AS receipt,
                       CASE WHEN (i / 2) %% 20 = 7 THEN -1 ELSE 1 END AS sign
                  FROM generate_series(0, %(n)s - 1) AS i) AS g
    """, {"company": company.id, "users": users.ids, "n_users": len(users), "start": start, "stop": stop,
          "rule": rule.id, "n": receipts})
    cr.commit()
    cr.execute("ANALYZE spm_commission_line")
    cr.commit()
    vacuum(cr)
    print(f"inserted in {time.perf_counter() - started:.1f} s", flush=True)
    return rule


def vacuum(cr):
    """Clear the dead rows the rolled-back runs leave (outside a transaction)."""
    cr.commit()
    with cr._cnx.cursor() as raw:
        cr._cnx.autocommit = True
        try:
            raw.execute("VACUUM ANALYZE spm_commission_line")
            raw.execute("VACUUM ANALYZE spm_commission_settlement")
        finally:
            cr._cnx.autocommit = False


def orm_settle(env, company, start):
    env.invalidate_all()
    settlements = env["spm.commission.settlement"]._spm_generate(company, start)
    return {row["user_id"][0]: row["amount_total"] for row in settlements.read(["user_id", "amount_total"])}


def sql_settle(cr, params):
    cr.execute(HAND_SQL, params)
    rows = cr.fetchall()
    return {user_id: float(total) for user_id, total, _count in rows}


def in_savepoint(cr, function, *args):
    cr.execute("SAVEPOINT bench_settle")
    try:
        started = time.perf_counter()
        result = function(*args)
        elapsed = time.perf_counter() - started
    finally:
        cr.execute("ROLLBACK TO SAVEPOINT bench_settle")
    return elapsed, result


def main(argv=None):
    args = parse_args(argv)
    start = date(args.year, args.month, 1)
    stop = date(args.year + args.month // 12, args.month % 12 + 1, 1) - timedelta(days=1)
    with odoo_cursor(args.database, args.addons_path) as cr:
        env = superuser_env(cr)
        company = env.ref("sales_project_management.spm_company", raise_if_not_found=False)
        if not company:
            sys.exit("The database needs the addon's demo data (the company sales_project_management.spm_company).")
        users = ensure_salespeople(env, company, args.persons)
        ensure_lines(env, company, users, args.receipts, (start, stop))
        env.cr.commit()
        director = env.ref("sales_project_management.user_spm_director")
        director_env = user_env(env, director, company)
        params = {"company": company.id, "start": start, "stop": stop, "uid": director.id}
        cr.execute("SELECT count(*), count(DISTINCT user_id) FROM spm_commission_line WHERE company_id = %s "
                   "AND settlement_id IS NULL AND date <= %s", [company.id, stop])
        lines, people = cr.fetchone()
        print(f"settling {start:%Y-%m}: {lines} unsettled lines of {people} people as {director.login}, "
              f"_spm_generate + read totals vs one hand-written SQL, {args.runs} runs each", flush=True)
        vacuum(cr)
        orm = in_savepoint(cr, orm_settle, director_env, company, start)[1]
        sql = in_savepoint(cr, sql_settle, cr, params)[1]
        diff = {user: (orm.get(user), sql.get(user)) for user in set(orm) | set(sql)
                if round((orm.get(user) or 0.0) - (sql.get(user) or 0.0), 2) or (user in orm) != (user in sql)}
        if diff:
            sys.exit(f"The ORM and the SQL disagree on {len(diff)} people, e.g. {sorted(diff.items())[:4]}")

        def timed_orm():
            count = cr.sql_log_count
            return in_savepoint(cr, orm_settle, director_env, company, start)[0], cr.sql_log_count - count

        times, queries = alternate({"orm": timed_orm, "sql": lambda: (in_savepoint(cr, sql_settle, cr, params)[0], 0)},
                                   args.runs, warm_up=2)
    ratio = times["orm"] / times["sql"]
    print(f"""
settlements: {len(orm)}, total {sum(orm.values()):,.2f} (ORM and SQL agree to the cent on every person)
settle a month, ORM:          {times['orm'] * 1000:8.1f} ms  ({queries['orm']:.0f} queries)
same work, one SQL statement: {times['sql'] * 1000:8.1f} ms
ratio:                        {ratio:8.2f}     (goal <= {GOAL:g})""")
    if args.strict and ratio > GOAL:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
