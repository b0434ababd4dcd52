#!/usr/bin/env python3
"""Benchmark the aging pivot of the payment collection tracking (回款跟踪表) at 100,000 installments.

The measured request is the one the pivot view of ``spm.collection.analysis`` sends for the
aging table *bucket x salesperson*: ``read_group([], ['amount_outstanding:sum', '__count'],
['bucket', 'user_id'], lazy=False)``, as the demo accountant (孙丽, ``spm_accountant``, who sees
every installment of her company), with ``allowed_company_ids`` set to the demo company as the
web client does, and an empty record cache per request (the registry caches stay warm). It is
compared with ONE hand-written SQL ``GROUP BY`` over ``spm_collection_line`` giving the same
groups (the view's bucket ``CASE``, the view's ``state != 'cancelled'`` and the record rule's
company filter), run on the same cursor in the same run. Both must return the same groups, sums
and counts. After a warm-up the two alternate ``--runs`` times (15); the medians are compared,
with the goal ORM / SQL <= 2.

Data. The installments missing to reach ``--lines`` are made once and committed, so that later
runs reuse them:

* through the ORM, for realism: 12 confirmed sale orders of the demo company (华智信息技术股份有限公司)
  spread over six salespeople, each with a project (``BENCH 项目 01`` ...) and a confirmed plan of
  four date-triggered installments; the accountant invoices the due ones with
  ``action_create_invoice`` (down payments, and a final invoice where a plan is fully due), and
  ``account.payment.register`` pays one invoice in three in full and one in three by half;
* with plain SQL, the rest: rows of ``spm_collection_line`` named ``BENCH 000001`` ... that copy
  the related columns (project, order, company, currency, customer, salesperson, team, grade) of
  the installments of the demo company made through the ORM, with due dates spread over the
  400 days before and after today, amounts from 10,000 to 5,000,000 and a consistent state and
  stored amounts (3 % cancelled, planned when due in more than 30 days, otherwise paid, partially
  paid, invoiced or to invoice; outstanding = amount - received). Every invoiced, partially paid
  or paid row gets a row in ``spm_collection_line_account_move_rel``: since making 100,000 real
  invoices is far too slow, these point to a pool of the real posted customer invoices of the
  installments made through the ORM (one invoice is shared by many synthetic rows; the synthetic
  rows' stored amounts are not recomputed from it). Both tables are then ANALYZEd.

Run it from the repository root against a database where the addon is installed with its demo
data (it needs the demo company, its users and customers)::

    python3 benchmarks/bench_collection_aging.py -d spm_bench_collection [--addons-path PATH] [--lines 100000]

``--addons-path`` defaults to what ``make test`` uses. ``--runs`` sets the timed runs of each
variant (15); ``--explain`` also prints the SQL the ORM generated and ``EXPLAIN (ANALYZE, BUFFERS)``
of it and of the hand-written query; ``--strict`` exits with status 1 when the ratio exceeds the goal.
"""

import sys
import time

from common import (
    alternate,
    argument_parser,
    captured_sql,
    make_collection_projects,
    odoo_cursor,
    superuser_env,
    user_env,
)

import odoo

GOAL = 2.0
BENCH_PREFIX = "BENCH "
PROJECT_PREFIX = "BENCH 项目 "
ORM_ORDERS = 12
SALESPEOPLE = ("spm_sales", "spm_sales2", "spm_manager", "spm_manager2", "spm_director", "spm_pm")
CUSTOMERS = ("partner_hospital", "partner_university", "partner_transport_bureau", "partner_parking_group",
             "partner_water_group")
GROUPBY = ["bucket", "user_id"]
MEASURES = ["amount_outstanding:sum", "__count"]

# The same rows and buckets as spm.collection.analysis (reports/spm_collection_analysis.py), written
# out by hand: the view's WHERE, the company record rule, and the bucket CASE on the overdue days.
HAND_SQL = """
    SELECT CASE WHEN amount_outstanding <= 0 THEN NULL WHEN due_date IS NULL THEN 'not_due'
                WHEN CURRENT_DATE - due_date <= 0 THEN 'not_due'
                WHEN CURRENT_DATE - due_date <= 30 THEN '1_30'
                WHEN CURRENT_DATE - due_date <= 60 THEN '31_60'
                WHEN CURRENT_DATE - due_date <= 90 THEN '61_90'
                ELSE 'over_90' END AS bucket,
           user_id, SUM(amount_outstanding), COUNT(*)
      FROM spm_collection_line
     WHERE state != 'cancelled' AND company_id = ANY(%s)
     GROUP BY 1, 2
"""


def parse_args(argv):
    parser = argument_parser(__doc__, "database with sales_project_management and its demo")
    parser.add_argument("--lines", type=int, default=100_000, help="minimum number of collection lines (100000)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each variant (15)")
    parser.add_argument("--explain", action="store_true", help="print the ORM's SQL and EXPLAIN ANALYZE of both")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def ensure_orm_lines(env, company):
    """Make the bench projects, orders, plans, invoices and payments through the ORM, once; commit."""
    env.cr.execute("SELECT count(*) FROM project_project WHERE name->>'en_US' LIKE %s", [PROJECT_PREFIX + "%"])
    if env.cr.fetchone()[0]:
        return
    print(f"making {ORM_ORDERS} projects, orders, plans, invoices and payments through the ORM ...", flush=True)
    started = time.perf_counter()
    projects = make_collection_projects(
        env, company, count=ORM_ORDERS, prefix=PROJECT_PREFIX, salespeople=SALESPEOPLE, customers=CUSTOMERS,
        plan=[("预付款", 30, 0), ("到货款", 30, 90), ("验收款", 30, 180), ("质保金", 10, 365)],
        invoice_every=5, pay=True)
    env.cr.commit()
    invoices = projects.spm_collection_line_ids.invoice_ids
    print(f"made {len(projects) * 4} installments, {len(invoices)} invoices in "
          f"{time.perf_counter() - started:.1f} s", flush=True)


def ensure_lines(env, company, wanted):
    """Insert the collection lines missing to reach ``wanted`` with SQL, commit, ANALYZE; return the count."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM spm_collection_line")
    count = cr.fetchone()[0]
    missing = wanted - count
    if missing <= 0:
        return count
    ensure_orm_lines(env, company)
    cr.execute("SELECT count(*) FROM spm_collection_line")
    count = cr.fetchone()[0]
    missing = wanted - count
    if missing <= 0:
        return count
    cr.execute("SELECT count(*) FROM spm_collection_line WHERE name->>'en_US' LIKE %s", [BENCH_PREFIX + "%"])
    first_number = cr.fetchone()[0] + 1
    # one source row per sale order: the related columns the synthetic rows copy
    cr.execute("""
        SELECT DISTINCT ON (sale_order_id) project_id, sale_order_id, company_id, currency_id, partner_id,
               user_id, team_id, grade_id
          FROM spm_collection_line
         WHERE company_id = %s AND name->>'en_US' NOT LIKE %s AND user_id IS NOT NULL
         ORDER BY sale_order_id, id
    """, [company.id, BENCH_PREFIX + "%"])
    sources = cr.fetchall()
    cr.execute("""
        SELECT DISTINCT m.id
          FROM spm_collection_line_account_move_rel r
          JOIN spm_collection_line l ON l.id = r.line_id AND l.name->>'en_US' NOT LIKE %s
          JOIN account_move m ON m.id = r.move_id AND m.state = 'posted' AND m.move_type = 'out_invoice'
         WHERE l.company_id = %s
         ORDER BY m.id
    """, [BENCH_PREFIX + "%", company.id])
    pool = [row[0] for row in cr.fetchall()]
    if not (sources and pool):
        sys.exit("The database needs collection lines with posted invoices in the demo company.")
    print(f"inserting {missing} collection lines (over {len(sources)} orders, "
          f"{len({s[5] for s in sources})} salespeople, {len(pool)} real invoices) ...", flush=True)
    started = time.perf_counter()
    columns = list(zip(*sources, strict=True))
    # d: days from today to the due date (-400 .. 400); r: 0 .. 99 draws the state; the stored
    # amounts follow from the state as _compute_collection would set them; the reminder flags as the
    # daily cron would have left them.
    cr.execute("""
        WITH g AS (
            SELECT i, %(first)s + i AS number, 1 + mod(i * 31 + i / 97, %(nsrc)s) AS k,
                   CURRENT_DATE + (mod(i * 7919, 801) - 400) AS due,
                   10000.0 * (1 + mod(i * 613, 500)) AS amount,
                   CASE WHEN mod(i * 4973 + 11, 100) < 3 THEN 'cancelled'
                        WHEN mod(i * 7919, 801) - 400 > 30 THEN 'planned'
                        WHEN mod(i * 4973 + 11, 100) < 35 THEN 'paid'
                        WHEN mod(i * 4973 + 11, 100) < 60 THEN 'partial'
                        WHEN mod(i * 4973 + 11, 100) < 85 THEN 'invoiced'
                        ELSE 'to_invoice' END AS state
              FROM generate_series(0, %(missing)s - 1) AS i
        ), v AS (
            SELECT g.*, CASE g.state WHEN 'paid' THEN g.amount
                                     WHEN 'partial' THEN round(g.amount * (1 + mod(g.i, 9)) / 10, 2)
                                     ELSE 0 END AS received
              FROM g
        ), ins AS (
            INSERT INTO spm_collection_line (
                project_id, sale_order_id, company_id, currency_id, partner_id, user_id, team_id, grade_id,
                sequence, name, percent, amount, trigger, trigger_date, offset_days, due_date, is_cancelled,
                amount_invoiced, amount_received, amount_outstanding, last_payment_date, state,
                amount_company, amount_invoiced_company, amount_received_company, amount_outstanding_company,
                reminder_before_sent, reminder_due_sent, escalation_sent,
                create_uid, write_uid, create_date, write_date)
            SELECT (%(project)s::int[])[k], (%(order)s::int[])[k], (%(company)s::int[])[k],
                   (%(currency)s::int[])[k], (%(partner)s::int[])[k], (%(user)s::int[])[k],
                   (%(team)s::int[])[k], (%(grade)s::int[])[k],
                   10 * (1 + mod(i, 6)), jsonb_build_object('en_US', %(prefix)s || lpad(number::text, 6, '0')),
                   5 + mod(i, 8) * 5, amount,
                   'date', due, 0, due, state = 'cancelled',
                   CASE WHEN state IN ('paid', 'partial', 'invoiced') THEN amount ELSE 0 END,
                   received,
                   CASE WHEN state = 'cancelled' THEN 0 ELSE amount - received END,
                   CASE WHEN state IN ('paid', 'partial') THEN LEAST(CURRENT_DATE, due + mod(i, 21) - 10) END,
                   state,
                   -- the demo company keeps books in its orders' currency: the same amounts
                   CASE WHEN state = 'cancelled' THEN 0 ELSE amount END,
                   CASE WHEN state IN ('paid', 'partial', 'invoiced') THEN amount ELSE 0 END,
                   received,
                   CASE WHEN state = 'cancelled' THEN 0 ELSE amount - received END,
                   state NOT IN ('paid', 'cancelled') AND due <= CURRENT_DATE + 7,
                   state NOT IN ('paid', 'cancelled') AND due <= CURRENT_DATE,
                   state NOT IN ('paid', 'cancelled') AND CURRENT_DATE - due > 30,
                   %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM v
            RETURNING id, state
        )
        INSERT INTO spm_collection_line_account_move_rel (line_id, move_id)
        SELECT id, (%(pool)s::int[])[1 + mod(id, %(npool)s)]
          FROM ins
         WHERE state IN ('paid', 'partial', 'invoiced')
    """, {
        "first": first_number, "missing": missing, "nsrc": len(sources), "prefix": BENCH_PREFIX,
        "project": list(columns[0]), "order": list(columns[1]), "company": list(columns[2]),
        "currency": list(columns[3]), "partner": list(columns[4]), "user": list(columns[5]),
        "team": list(columns[6]), "grade": list(columns[7]),
        "pool": pool, "npool": len(pool), "uid": odoo.SUPERUSER_ID,
    })
    cr.commit()
    cr.execute("ANALYZE spm_collection_line")
    cr.execute("ANALYZE spm_collection_line_account_move_rel")
    cr.commit()
    print(f"inserted in {time.perf_counter() - started:.1f} s", flush=True)
    return count + missing


def describe_data(cr, company):
    cr.execute("""
        SELECT count(*),
               count(*) FILTER (WHERE name->>'en_US' NOT LIKE %s),
               count(*) FILTER (WHERE name->>'en_US' NOT LIKE %s
                                  AND EXISTS (SELECT 1 FROM spm_collection_line_account_move_rel r
                                               WHERE r.line_id = l.id)),
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM spm_collection_line_account_move_rel r
                                               WHERE r.line_id = l.id)),
               count(DISTINCT user_id),
               count(*) FILTER (WHERE company_id = %s)
          FROM spm_collection_line l
    """, [BENCH_PREFIX + "%", BENCH_PREFIX + "%", company.id])
    total, orm, orm_invoiced, invoiced, users, in_company = cr.fetchone()
    cr.execute("""
        SELECT count(DISTINCT r.move_id)
          FROM spm_collection_line_account_move_rel r
          JOIN account_move m ON m.id = r.move_id AND m.state = 'posted'
    """)
    return {"total": total, "orm": orm, "orm_invoiced": orm_invoiced, "invoiced": invoiced,
            "invoices": cr.fetchone()[0], "users": users, "in_company": in_company}


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------

def orm_pivot(env, Analysis):
    env.invalidate_all()  # a new request: empty record cache
    return Analysis.read_group([], MEASURES, GROUPBY, lazy=False)


def sql_pivot(cr, company_ids):
    cr.execute(HAND_SQL, [company_ids])
    return cr.fetchall()


def orm_groups(rows):
    return {(row["bucket"], row["user_id"] and row["user_id"][0]): (round(row["amount_outstanding"], 2),
                                                                     row["__count"])
            for row in rows}


def sql_groups(rows):
    return {(bucket, user_id or False): (round(float(amount or 0), 2), count)
            for bucket, user_id, amount, count in rows}


def check_same(orm, sql):
    if orm != sql:
        diff = sorted(set(orm.items()) ^ set(sql.items()), key=str)
        sys.exit(f"The ORM and the SQL disagree on {len(diff)} groups, e.g. {diff[:4]}")
    count = sum(count for _amount, count in orm.values())
    amount = sum(amount for amount, _count in orm.values())
    return len(orm), count, amount


def measure(env, Analysis, company_ids, runs):
    cr = env.cr
    groups, rows, amount = check_same(orm_groups(orm_pivot(env, Analysis)), sql_groups(sql_pivot(cr, company_ids)))

    def timed(function):
        count, started = cr.sql_log_count, time.perf_counter()
        function()
        return time.perf_counter() - started, cr.sql_log_count - count

    times, queries = alternate({"orm": lambda: timed(lambda: orm_pivot(env, Analysis)),
                                "sql": lambda: timed(lambda: sql_pivot(cr, company_ids))}, runs)
    return times, queries["orm"], (groups, rows, amount)


def explain(env, Analysis, company_ids):
    cr = env.cr
    with captured_sql() as queries:
        orm_pivot(env, Analysis)
    print(f"\n--- the {len(queries)} queries of the ORM read_group ---")
    for query in queries:
        print(query.strip(), end="\n\n")
    group_query = next(query for query in queries if "GROUP BY" in query)
    for title, query, params in (("ORM read_group", group_query, None),
                                 ("hand-written SQL", HAND_SQL, [company_ids])):
        cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}", params)
        print(f"--- EXPLAIN ANALYZE, {title} ---")
        print("\n".join(row[0] for row in cr.fetchall()), end="\n\n")


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def main(argv=None):
    args = parse_args(argv)
    with odoo_cursor(args.database, args.addons_path) as cr:
        env = superuser_env(cr)
        company = env.ref("sales_project_management.spm_company", raise_if_not_found=False)
        if not company:
            sys.exit("The database needs the addon's demo data (the company sales_project_management.spm_company).")
        ensure_lines(env, company, args.lines)
        data = describe_data(cr, company)
        accountant = env["res.users"].search([("login", "=", "spm_accountant")])
        accountant_env = user_env(env, accountant, company)
        Analysis = accountant_env["spm.collection.analysis"]
        company_ids = accountant_env.companies.ids
        print(f"aging pivot as {accountant.login}: read_group({MEASURES}, {GROUPBY}, lazy=False) "
              f"vs one SQL GROUP BY, {args.runs} runs each", flush=True)
        times, queries, (groups, rows, amount) = measure(accountant_env, Analysis, company_ids, args.runs)
        if args.explain:
            explain(accountant_env, Analysis, company_ids)

    ratio = times["orm"] / times["sql"]
    print(f"""
collection lines in database: {data['total']} ({data['orm']} made through the ORM, {data['orm_invoiced']} of them \
with real invoices; {data['invoiced']} lines linked to {data['invoices']} posted invoices)
rows in the pivot: {rows} ({data['in_company']} in the company, cancelled excluded), {groups} groups, \
{data['users']} salespeople, outstanding {amount:,.2f}
aging pivot (bucket x salesperson), ORM: {times['orm'] * 1000:7.1f} ms  ({queries:.0f} queries)
same GROUP BY, hand-written SQL:         {times['sql'] * 1000:7.1f} ms
ratio:                                   {ratio:7.2f}     (goal <= {GOAL:g})""")
    if args.strict and ratio > GOAL:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
