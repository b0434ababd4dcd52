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

import argparse
import gc
import os
import statistics
import sys
import time
from datetime import date, timedelta

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.tools import config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOAL = 3.0
LOGIN_PREFIX = "bench_spm_sales_"
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-d", "--database", required=True, help="database with sales_project_management and its demo")
    parser.add_argument("--addons-path", help="Odoo addons path (default: the one `make test` uses)")
    parser.add_argument("--persons", type=int, default=200, help="people with commissions (200)")
    parser.add_argument("--receipts", type=int, default=100_000, help="commission lines of the month (100000)")
    parser.add_argument("--year", type=int, default=2027, help="year of the month settled (2027)")
    parser.add_argument("--month", type=int, default=6, help="month settled (6)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each variant (7)")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when the ratio exceeds the goal")
    return parser.parse_args(argv)


def default_addons_path():
    sys.path.insert(0, os.path.join(REPO, "tools"))
    from spmctl import addons_path

    return addons_path(os.path.dirname(os.path.abspath(odoo.__file__)))


def ensure_people(env, company, persons):
    Users = env["res.users"].with_context(no_reset_password=True)
    users = Users.search([("login", "=like", LOGIN_PREFIX + "%")], order="login")
    if len(users) < persons:
        print(f"making {persons - len(users)} salespeople through the ORM ...", flush=True)
        group = env.ref("sales_project_management.group_spm_user")
        teams = [env.ref("sales_project_management.team_east"), env.ref("sales_project_management.team_north")]
        for number in range(len(users) + 1, persons + 1):
            user = Users.create({
                "login": f"{LOGIN_PREFIX}{number:03d}", "name": f"BENCH 销售 {number:03d}",
                "company_id": company.id, "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([env.ref("base.group_user").id, group.id])], "tz": "Asia/Shanghai",
            })
            env["crm.team.member"].create({"crm_team_id": teams[number % 2].id, "user_id": user.id})
        users = Users.search([("login", "=like", LOGIN_PREFIX + "%")], order="login")
    return users[:persons]


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
    config.parse_config(["-d", args.database, "--addons-path", args.addons_path or default_addons_path(),
                         "--log-level", "warn"], setup_logging=True)
    registry = Registry(args.database)
    cr = registry.cursor()
    start = date(args.year, args.month, 1)
    stop = date(args.year + args.month // 12, args.month % 12 + 1, 1) - timedelta(days=1)
    try:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("sales_project_management.spm_company", raise_if_not_found=False)
        if not company:
            sys.exit("The database needs the addon's demo data (the company sales_project_management.spm_company).")
        users = ensure_people(env, company, args.persons)
        ensure_lines(env, company, users, args.receipts, (start, stop))
        env.cr.commit()
        director = env.ref("sales_project_management.user_spm_director")
        context = {**env["res.users"].with_user(director).context_get(), "allowed_company_ids": company.ids}
        user_env = api.Environment(cr, director.id, context)
        params = {"company": company.id, "start": start, "stop": stop, "uid": director.id}
        cr.execute("SELECT count(*), count(DISTINCT user_id) FROM spm_commission_line WHERE company_id = %s "
                   "AND settlement_id IS NULL AND date <= %s", [company.id, stop])
        lines, people = cr.fetchone()
        print(f"settling {start:%Y-%m}: {lines} unsettled lines of {people} people as {director.login}, "
              f"_spm_generate + read totals vs one hand-written SQL, {args.runs} runs each", flush=True)
        vacuum(cr)
        for _warm_up in range(2):
            in_savepoint(cr, orm_settle, user_env, company, start)
            in_savepoint(cr, sql_settle, cr, params)
        orm = in_savepoint(cr, orm_settle, user_env, company, start)[1]
        sql = in_savepoint(cr, sql_settle, cr, params)[1]
        diff = {user: (orm.get(user), sql.get(user)) for user in set(orm) | set(sql)
                if round((orm.get(user) or 0.0) - (sql.get(user) or 0.0), 2) or (user in orm) != (user in sql)}
        if diff:
            sys.exit(f"The ORM and the SQL disagree on {len(diff)} people, e.g. {sorted(diff.items())[:4]}")
        samples = {"orm": [], "sql": []}
        queries = []
        gc.collect()
        for run in range(args.runs):
            for name in ("orm", "sql") if run % 2 == 0 else ("sql", "orm"):
                if name == "orm":
                    count = cr.sql_log_count
                    samples["orm"].append(in_savepoint(cr, orm_settle, user_env, company, start)[0])
                    queries.append(cr.sql_log_count - count)
                else:
                    samples["sql"].append(in_savepoint(cr, sql_settle, cr, params)[0])
        times = {name: statistics.median(values) for name, values in samples.items()}
    finally:
        cr.rollback()
        cr.close()
    ratio = times["orm"] / times["sql"]
    print(f"""
settlements: {len(orm)}, total {sum(orm.values()):,.2f} (ORM and SQL agree to the cent on every person)
settle a month, ORM:          {times['orm'] * 1000:8.1f} ms  ({statistics.median(queries):.0f} queries)
same work, one SQL statement: {times['sql'] * 1000:8.1f} ms
ratio:                        {ratio:8.2f}     (goal <= {GOAL:g})""")
    if args.strict and ratio > GOAL:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
