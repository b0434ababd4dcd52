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

import argparse
import contextlib
import gc
import logging
import os
import statistics
import sys
import time
from datetime import timedelta

import odoo
from odoo import Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools import config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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
    SELECT CASE WHEN amount_outstanding > 0 AND due_date IS NOT NULL THEN
                CASE WHEN CURRENT_DATE - due_date <= 0 THEN 'not_due'
                     WHEN CURRENT_DATE - due_date <= 30 THEN '1_30'
                     WHEN CURRENT_DATE - due_date <= 60 THEN '31_60'
                     WHEN CURRENT_DATE - due_date <= 90 THEN '61_90'
                     ELSE 'over_90' END
           ELSE 'not_due' END AS bucket,
           user_id, SUM(amount_outstanding), COUNT(*)
      FROM spm_collection_line
     WHERE state != 'cancelled' AND company_id = ANY(%s)
     GROUP BY 1, 2
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-d", "--database", required=True, help="database with sales_project_management and its demo")
    parser.add_argument("--addons-path", help="Odoo addons path (default: the one `make test` uses)")
    parser.add_argument("--lines", type=int, default=100_000, help="minimum number of collection lines (100000)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each variant (15)")
    parser.add_argument("--explain", action="store_true", help="print the ORM's SQL and EXPLAIN ANALYZE of both")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when the ratio exceeds the goal")
    return parser.parse_args(argv)


def default_addons_path():
    sys.path.insert(0, os.path.join(REPO, "tools"))
    from spmctl import addons_path

    return addons_path(os.path.dirname(os.path.abspath(odoo.__file__)))


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
    env = env(context=dict(env.context, allowed_company_ids=company.ids, tracking_disable=True,
                           mail_create_nolog=True, mail_notrack=True, mail_auto_subscribe_no_notify=True))
    ref = env.ref
    today = fields.Date.context_today(env["spm.collection.line"])
    sellers = [env["res.users"].search([("login", "=", login)]) for login in SALESPEOPLE]
    customers = [ref(f"sales_project_management.{xmlid}") for xmlid in CUSTOMERS]
    grades = [ref(f"sales_project_management.{xmlid}") for xmlid in ("grade_office", "grade_department")]
    accountant = env["res.users"].search([("login", "=", "spm_accountant")])
    product = env["product.product"].create({
        "name": f"{BENCH_PREFIX}系统集成服务", "type": "service", "invoice_policy": "order", "list_price": 1_000_000,
        "taxes_id": [Command.clear()], "company_id": company.id,
    })
    plans = []
    for k in range(ORM_ORDERS):
        seller, customer = sellers[k % len(sellers)], customers[k % len(customers)]
        signed = today - timedelta(days=30 + 30 * k)
        project = env["project.project"].create({
            "name": f"{PROJECT_PREFIX}{k + 1:02d}", "company_id": company.id, "user_id": seller.id,
            "partner_id": customer.id, "spm_grade_id": grades[k % len(grades)].id, "date_start": signed,
        })
        order = env["sale.order"].create({
            "partner_id": customer.id, "company_id": company.id, "user_id": seller.id, "project_id": project.id,
            "date_order": fields.Datetime.to_datetime(signed), "client_order_ref": f"{BENCH_PREFIX}{k + 1:02d}",
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1,
                                           "price_unit": 200_000 * (1 + (k * 7) % 25), "tax_id": [Command.clear()]})],
        })
        order.action_confirm()
        env["spm.collection.line"].create([
            {"project_id": project.id, "sale_order_id": order.id, "sequence": 10 * (i + 1), "name": name,
             "percent": percent, "trigger": "date", "trigger_date": signed + timedelta(days=days)}
            for i, (name, percent, days) in enumerate([("预付款", 30, 0), ("到货款", 30, 90), ("验收款", 30, 180),
                                                       ("质保金", 10, 365)])
        ])
        project.action_spm_confirm_collection_plan()
        plans.append(project)
    env.flush_all()

    invoices = env["account.move"]
    due_lines = env["spm.collection.line"].search([("project_id", "in", [p.id for p in plans]),
                                                   ("state", "=", "to_invoice")], order="project_id, sequence")
    for n, line in enumerate(due_lines):
        if n % 5 == 4:
            continue  # some stay to invoice
        invoices += line.with_user(accountant).action_create_invoice().sudo()
    for n, invoice in enumerate(invoices):
        if n % 3 == 2:
            continue  # not paid yet
        amount = invoice.amount_total if n % 3 == 0 else invoice.currency_id.round(invoice.amount_total / 2)
        env["account.payment.register"].with_user(accountant).with_context(
            active_model="account.move", active_ids=invoice.ids).create({
                "amount": amount, "payment_date": min(today, invoice.invoice_date_due or today),
            })._create_payments()
    env.flush_all()
    env.cr.commit()
    print(f"made {len(plans) * 4} installments, {len(invoices)} invoices in "
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
    for _warm_up in range(3):
        orm_pivot(env, Analysis)
        sql_pivot(cr, company_ids)
    groups, rows, amount = check_same(orm_groups(orm_pivot(env, Analysis)), sql_groups(sql_pivot(cr, company_ids)))
    samples = {"orm": [], "sql": []}
    queries = []
    gc.collect()
    for run in range(runs):
        for name in ("orm", "sql") if run % 2 == 0 else ("sql", "orm"):
            if name == "orm":
                count, started = cr.sql_log_count, time.perf_counter()
                orm_pivot(env, Analysis)
                samples["orm"].append(time.perf_counter() - started)
                queries.append(cr.sql_log_count - count)
            else:
                started = time.perf_counter()
                sql_pivot(cr, company_ids)
                samples["sql"].append(time.perf_counter() - started)
    return ({name: statistics.median(values) for name, values in samples.items()}, statistics.median(queries),
            (groups, rows, amount))


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.queries = []

    def emit(self, record):
        self.queries.append(record.getMessage().split("query: ", 1)[-1])


@contextlib.contextmanager
def captured_sql():
    """Collect the SQL the cursor runs (odoo.sql_db logs every query at the debug level)."""
    logger = logging.getLogger("odoo.sql_db")
    handler, level, propagate = _Capture(), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield handler.queries
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


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
    config.parse_config(["-d", args.database, "--addons-path", args.addons_path or default_addons_path(),
                         "--log-level", "warn"], setup_logging=True)
    registry = Registry(args.database)
    cr = registry.cursor()
    try:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("sales_project_management.spm_company", raise_if_not_found=False)
        if not company:
            sys.exit("The database needs the addon's demo data (the company sales_project_management.spm_company).")
        ensure_lines(env, company, args.lines)
        data = describe_data(cr, company)
        accountant = env["res.users"].search([("login", "=", "spm_accountant")])
        context = {**env["res.users"].with_user(accountant).context_get(), "allowed_company_ids": company.ids}
        user_env = api.Environment(cr, accountant.id, context)
        Analysis = user_env["spm.collection.analysis"]
        company_ids = user_env.companies.ids
        print(f"aging pivot as {accountant.login}: read_group({MEASURES}, {GROUPBY}, lazy=False) "
              f"vs one SQL GROUP BY, {args.runs} runs each", flush=True)
        times, queries, (groups, rows, amount) = measure(user_env, Analysis, company_ids, args.runs)
        if args.explain:
            explain(user_env, Analysis, company_ids)
    finally:
        cr.rollback()
        cr.close()

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
