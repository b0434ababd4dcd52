#!/usr/bin/env python3
"""Benchmark the achievement of sales targets: 100 persons x 12 months over 100,000 orders, invoices and receipts.

The measured request is what the targets' list, form and pivot ask: the achieved signed, invoiced
and collected amounts of the 1,200 month lines (``spm.target.line``) of 100 person targets of one
year, read as the demo sales director (周敏, ``spm_director``, who sees every target of her
company) with ``allowed_company_ids`` set to the demo company as the web client does, and an empty
record cache per request (the registry caches stay warm). The achievement is computed by
``spm.target._spm_achieved`` in grouped queries. It is compared with ONE hand-written SQL per basis
(three queries) giving the same (salesperson, month) sums over the same rows, on the same cursor in
the same run:

* signed: confirmed sale orders (``state = 'sale'``) by the month of their order date in the
  company's time zone, ``amount_total / currency_rate`` (the company currency, as the Sales Analysis);
* invoiced: posted customer invoices and credit notes by invoice month, ``amount_total_signed``;
* collected: the money definition of ``models/spm_money.py`` written directly, as one statement: the
  reconciliations of posted customer invoices with payments (their share that reached the bank) and with
  bank statement lines (their bank share), less the refunds paid out on credit notes, by the month of the
  money. (The bench's receipts are all payments that write nothing off: the same sums as counting the
  payments alone, which a query ignoring statement lines and refunds would do faster but would not be the
  same work.)

Both must agree to the cent on every (salesperson, month). After a warm-up the ORM and the three
SQL queries alternate ``--runs`` times (15); the medians are compared, with the goal ORM / SQL <= 2.

Data. What is missing is made once and committed, so that later runs reuse it:

* through the ORM: 100 salespeople (``bench_spm_sales_001`` ...) of the demo company, alternately in
  its two sales teams, and their person targets of ``--year`` (2026) split evenly over 12 months;
* with plain SQL: ``--documents`` (100,000) sale orders named ``BENCH-SO-…`` (5 % quotations, 5 %
  cancelled, 5 % in US dollars), as many customer invoices ``BENCH/INV/…`` (4 % credit notes, 5 %
  drafts) with their receivable line, as many receipts: a posted payment ``BENCH/PAY/…`` (its entry: the
  bank line and the receivable line) whose receivable line is reconciled (``account_partial_reconcile``)
  with 40 % of an invoice, and 2,000
  credit notes applied to invoices (reconciled, but not money). Dates spread over the year and a few
  weeks after it. The tables are then ANALYZEd.

Run it from the repository root against a database where the addon is installed with its demo
data (it needs the demo company, its teams, customers and the sales director)::

    python3 benchmarks/bench_target_achievement.py -d spm_bench_targets [--addons-path PATH]

``--addons-path`` defaults to what ``make test`` uses. ``--explain`` prints ``EXPLAIN (ANALYZE,
BUFFERS)`` of the ORM's achievement query and of the hand-written ones; ``--strict`` exits with
status 1 when the ratio exceeds the goal.
"""

import sys
import time
from collections import defaultdict
from datetime import date

from common import alternate, argument_parser, captured_sql, ensure_salespeople, odoo_cursor, superuser_env, user_env

import odoo

GOAL = 2.0
FIELDS = ["achieved_signed", "achieved_invoiced", "achieved_collected"]
CREDIT_NOTES_APPLIED = 2000

HAND_SQL = {
    "signed": """
        SELECT so.user_id, date_trunc('month', (so.date_order AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s)::date,
               SUM(so.amount_total / CASE COALESCE(so.currency_rate, 0) WHEN 0 THEN 1.0 ELSE so.currency_rate END)
          FROM sale_order so
         WHERE so.company_id = %(company)s AND so.state = 'sale' AND so.user_id = ANY(%(users)s)
           AND so.date_order >= %(start_utc)s AND so.date_order < %(stop_utc)s
         GROUP BY 1, 2
    """,
    "invoiced": """
        SELECT m.invoice_user_id, date_trunc('month', m.invoice_date)::date, SUM(m.amount_total_signed)
          FROM account_move m
         WHERE m.company_id = %(company)s AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
           AND m.invoice_user_id = ANY(%(users)s) AND m.invoice_date BETWEEN %(start)s AND %(stop)s
         GROUP BY 1, 2
    """,
    # the money definition of ``models/spm_money.py`` written directly: payments (their share that reached the
    # bank) and bank statement lines (their bank share) reconciled with invoices, less the refunds paid out on
    # credit notes, by the date of the money
    "collected": """
        WITH statement_share AS (
            SELECT l.move_id,
                   LEAST(1.0, SUM(ABS(l.balance)) FILTER (WHERE l.account_id = j.default_account_id)
                              / NULLIF(SUM(ABS(l.balance)) FILTER (
                                    WHERE a.account_type IN ('asset_receivable', 'liability_payable')), 0)) AS share
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id
              JOIN account_journal j ON j.id = l.journal_id
             WHERE l.statement_line_id IS NOT NULL AND l.company_id = %(company)s
             GROUP BY l.move_id
        ), money AS (
            SELECT inv.invoice_user_id AS user_id, cml.date,
                   p.amount * CASE WHEN pay.id IS NOT NULL
                                   THEN LEAST(1.0, pay.amount / NULLIF(ABS(cml.amount_currency), 0))
                                   ELSE COALESCE(st.share, 0) END AS amount
              FROM account_partial_reconcile p
              JOIN account_move_line dml ON dml.id = p.debit_move_id
              JOIN account_move inv ON inv.id = dml.move_id AND inv.move_type = 'out_invoice' AND inv.state = 'posted'
              JOIN account_move_line cml ON cml.id = p.credit_move_id
         LEFT JOIN account_payment pay ON pay.move_id = cml.move_id
         LEFT JOIN statement_share st ON st.move_id = cml.move_id
             WHERE inv.company_id = %(company)s AND inv.invoice_user_id = ANY(%(users)s)
               AND cml.date BETWEEN %(start)s AND %(stop)s
               AND (pay.id IS NOT NULL OR st.move_id IS NOT NULL)
         UNION ALL
            SELECT COALESCE(inv.invoice_user_id, cn.invoice_user_id), dml.date,
                   -p.amount * CASE WHEN pay.id IS NOT NULL
                                    THEN LEAST(1.0, pay.amount / NULLIF(ABS(dml.amount_currency), 0))
                                    ELSE COALESCE(st.share, 0) END
              FROM account_move cn
         LEFT JOIN account_move inv ON inv.id = cn.reversed_entry_id
              JOIN account_move_line cml ON cml.move_id = cn.id
              JOIN account_account ca ON ca.id = cml.account_id AND ca.account_type = 'asset_receivable'
              JOIN account_partial_reconcile p ON p.credit_move_id = cml.id
              JOIN account_move_line dml ON dml.id = p.debit_move_id
         LEFT JOIN account_payment pay ON pay.move_id = dml.move_id
         LEFT JOIN statement_share st ON st.move_id = dml.move_id
             WHERE cn.move_type = 'out_refund' AND cn.state = 'posted' AND cn.company_id = %(company)s
               AND COALESCE(inv.invoice_user_id, cn.invoice_user_id) = ANY(%(users)s)
               AND dml.date BETWEEN %(start)s AND %(stop)s
               AND (pay.id IS NOT NULL OR st.move_id IS NOT NULL)
        )
        SELECT user_id, date_trunc('month', date)::date, SUM(amount) FROM money GROUP BY 1, 2
    """,
}


def parse_args(argv):
    parser = argument_parser(__doc__, "database with sales_project_management and its demo")
    parser.add_argument("--persons", type=int, default=100, help="salespeople with a target (100)")
    parser.add_argument("--documents", type=int, default=100_000,
                        help="orders, invoices and receipts of each kind (100000)")
    parser.add_argument("--year", type=int, default=2026, help="year of the targets (2026)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each variant (15)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the queries")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def ensure_people_and_targets(env, company, persons, year):
    """The bench salespeople and their person targets of ``year``, through the ORM; commit."""
    users = ensure_salespeople(env, company, persons)
    teams = [env.ref("sales_project_management.team_east"), env.ref("sales_project_management.team_north")]
    Target = env["spm.target"]
    existing = Target.search([("user_id", "in", users.ids), ("year", "=", year)])
    missing = users - existing.user_id
    if missing:
        print(f"making {len(missing)} person targets of {year} through the ORM ...", flush=True)
        targets = Target.create([{
            "year": year, "company_id": company.id, "user_id": user.id, "team_id": teams[number % 2].id,
            "target_signed": 120_000_000, "target_invoiced": 96_000_000, "target_collected": 60_000_000,
        } for number, user in enumerate(missing, 1)])
        targets.action_split_evenly()
        existing |= targets
    env.flush_all()
    env.cr.commit()
    return users, existing


def ensure_documents(env, company, users, documents, year):
    """Orders, invoices and receipts inserted with SQL, once; commit and ANALYZE."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE 'BENCH-SO-%%'")
    if cr.fetchone()[0] >= documents:
        return
    print(f"inserting {documents} sale orders, invoices and receipts with SQL ...", flush=True)
    started = time.perf_counter()
    ref = env.ref
    customers = [ref(f"sales_project_management.{xmlid}").id for xmlid in (
        "partner_hospital", "partner_university", "partner_transport_bureau", "partner_parking_group",
        "partner_water_group")]
    teams = [user.sale_team_id.id for user in users]
    sale_journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    bank_journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
    bank_account = bank_journal.default_account_id
    receivable = env["account.account"].search([("account_type", "=", "asset_receivable"),
                                                ("company_ids", "in", company.ids)], limit=1)
    params = {
        "n": documents, "users": users.ids, "teams": teams, "nusers": len(users), "customers": customers,
        "ncustomers": len(customers), "company": company.id, "cny": company.currency_id.id,
        "usd": ref("base.USD").id, "start": date(year, 1, 1), "sale_journal": sale_journal.id,
        "bank_journal": bank_journal.id, "bank_account": bank_account.id, "receivable": receivable.id,
        "uid": odoo.SUPERUSER_ID,
        "credit_notes": CREDIT_NOTES_APPLIED,
    }
    # orders: 5 % quotations, 5 % cancelled, 5 % in dollars; dates over the year, at any hour (UTC)
    cr.execute("""
        INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id, partner_shipping_id, user_id,
                                team_id, date_order, state, amount_untaxed, amount_tax, amount_total, currency_id,
                                currency_rate, create_uid, write_uid, create_date, write_date)
        SELECT 'BENCH-SO-' || lpad(i::text, 6, '0'), %(company)s, c, c, c, (%(users)s::int[])[1 + i %% %(nusers)s],
               (%(teams)s::int[])[1 + i %% %(nusers)s],
               %(start)s::timestamp + ((i * 7919) %% 372) * interval '1 day' + ((i * 31) %% 24) * interval '1 hour',
               CASE i %% 20 WHEN 7 THEN 'draft' WHEN 13 THEN 'cancel' ELSE 'sale' END,
               amount, 0, amount, CASE WHEN i %% 20 = 3 THEN %(usd)s ELSE %(cny)s END,
               CASE WHEN i %% 20 = 3 THEN 0.14 ELSE 1 END,
               %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM (SELECT i, (%(customers)s::int[])[1 + i %% %(ncustomers)s] AS c,
                       10000 + ((i * 613) %% 500) * 1000 + 0.37 AS amount
                  FROM generate_series(1, %(n)s) AS i) AS g
    """, params)
    # invoices: 4 % credit notes, 5 % drafts; the posted ones get their receivable line
    cr.execute("""
        INSERT INTO account_move (name, company_id, journal_id, currency_id, state, move_type, auto_post, date,
                                  invoice_date, invoice_user_id, team_id, partner_id, commercial_partner_id,
                                  amount_untaxed, amount_total, amount_untaxed_signed, amount_total_signed,
                                  amount_residual, amount_residual_signed, payment_state,
                                  create_uid, write_uid, create_date, write_date)
        SELECT 'BENCH/INV/' || lpad(i::text, 6, '0'), %(company)s, %(sale_journal)s, %(cny)s,
               CASE WHEN i %% 20 = 11 THEN 'draft' ELSE 'posted' END,
               CASE WHEN i %% 25 = 5 THEN 'out_refund' ELSE 'out_invoice' END, 'no', d, d,
               (%(users)s::int[])[1 + i %% %(nusers)s], (%(teams)s::int[])[1 + i %% %(nusers)s], c, c,
               amount, amount, sign * amount, sign * amount, amount, sign * amount, 'not_paid',
               %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM (SELECT i, (%(customers)s::int[])[1 + i %% %(ncustomers)s] AS c,
                       %(start)s::date + (i * 4973) %% 372 AS d,
                       CASE WHEN i %% 25 = 5 THEN -1 ELSE 1 END AS sign,
                       5000 + ((i * 211) %% 700) * 500 + 0.55 AS amount
                  FROM generate_series(1, %(n)s) AS i) AS g
    """, params)
    cr.execute("""
        INSERT INTO account_move_line (move_id, move_name, company_id, journal_id, account_id, partner_id,
                                       currency_id, company_currency_id, display_type, date, parent_state,
                                       balance, debit, credit, amount_currency, amount_residual,
                                       amount_residual_currency, reconciled,
                                       create_uid, write_uid, create_date, write_date)
        SELECT m.id, m.name, m.company_id, m.journal_id, %(receivable)s, m.partner_id, m.currency_id, m.currency_id,
               'payment_term', m.date, 'posted', m.amount_total_signed, GREATEST(m.amount_total_signed, 0),
               GREATEST(-m.amount_total_signed, 0), m.amount_total_signed, m.amount_total_signed,
               m.amount_total_signed, false, %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM account_move m
         WHERE m.name LIKE 'BENCH/INV/%%' AND m.state = 'posted'
    """, params)
    # receipts: a payment entry per receipt, its receivable line reconciled with 40 % of an invoice
    cr.execute("""
        CREATE TEMP TABLE bench_invoice_line ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY l.id) - 1 AS k, l.id, l.partner_id, l.date, l.balance
          FROM account_move_line l JOIN account_move m ON m.id = l.move_id
         WHERE m.name LIKE 'BENCH/INV/%%' AND m.move_type = 'out_invoice'
    """)
    cr.execute("CREATE INDEX ON bench_invoice_line (k)")
    cr.execute("SELECT count(*) FROM bench_invoice_line")
    params["ninvoices"] = cr.fetchone()[0]
    cr.execute("""
        CREATE TEMP TABLE bench_receipt ON COMMIT DROP AS
        SELECT g.i, l.id AS invoice_line_id, l.partner_id, l.date + (g.i %% 45) AS pay_date,
               round(l.balance * 0.4, 2) AS amount
          FROM generate_series(0, %(n)s - 1) AS g(i)
          JOIN bench_invoice_line l ON l.k = g.i %% %(ninvoices)s
    """, params)
    cr.execute("CREATE INDEX ON bench_receipt (i)")
    cr.execute("""
        INSERT INTO account_move (name, ref, company_id, journal_id, currency_id, state, move_type, auto_post, date,
                                  partner_id, commercial_partner_id, amount_total, amount_total_signed,
                                  create_uid, write_uid, create_date, write_date)
        SELECT 'BENCH/PAY/' || lpad(i::text, 6, '0'), i::text, %(company)s, %(bank_journal)s, %(cny)s, 'posted',
               'entry', 'no', pay_date, partner_id, partner_id, amount, amount,
               %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM bench_receipt
    """, params)
    cr.execute("""
        WITH lines AS (
            INSERT INTO account_move_line (move_id, move_name, company_id, journal_id, account_id, partner_id,
                                           currency_id, company_currency_id, display_type, date, parent_state,
                                           balance, debit, credit, amount_currency, amount_residual,
                                           amount_residual_currency, reconciled,
                                           create_uid, write_uid, create_date, write_date)
            SELECT m.id, m.name, m.company_id, m.journal_id, %(receivable)s, m.partner_id, m.currency_id,
                   m.currency_id, 'product', m.date, 'posted', -m.amount_total, 0, m.amount_total, -m.amount_total,
                   0, 0, true, %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM account_move m
             WHERE m.name LIKE 'BENCH/PAY/%%'
            RETURNING id, move_id, credit, date
        ), bank AS (
            INSERT INTO account_move_line (move_id, move_name, company_id, journal_id, account_id, partner_id,
                                           currency_id, company_currency_id, display_type, date, parent_state,
                                           balance, debit, credit, amount_currency, amount_residual,
                                           amount_residual_currency, reconciled,
                                           create_uid, write_uid, create_date, write_date)
            SELECT m.id, m.name, m.company_id, m.journal_id, %(bank_account)s, m.partner_id, m.currency_id,
                   m.currency_id, 'product', m.date, 'posted', m.amount_total, m.amount_total, 0, m.amount_total,
                   m.amount_total, m.amount_total, false, %(uid)s, %(uid)s, now() at time zone 'UTC',
                   now() at time zone 'UTC'
              FROM account_move m
             WHERE m.name LIKE 'BENCH/PAY/%%'
        ), payments AS (
            INSERT INTO account_payment (move_id, company_id, journal_id, date, partner_id, partner_type,
                                         payment_type, state, amount, currency_id, outstanding_account_id,
                                         create_uid, write_uid, create_date, write_date)
            SELECT m.id, m.company_id, m.journal_id, m.date, m.partner_id, 'customer', 'inbound', 'paid',
                   m.amount_total, m.currency_id, %(bank_account)s, %(uid)s, %(uid)s, now() at time zone 'UTC',
                   now() at time zone 'UTC'
              FROM account_move m
             WHERE m.name LIKE 'BENCH/PAY/%%'
        )
        INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount, debit_amount_currency,
                                               credit_amount_currency, debit_currency_id, credit_currency_id,
                                               company_id, max_date, create_uid, write_uid, create_date, write_date)
        SELECT r.invoice_line_id, lines.id, lines.credit, lines.credit, lines.credit, %(cny)s, %(cny)s,
               %(company)s, lines.date, %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM lines
          JOIN account_move m ON m.id = lines.move_id
          JOIN bench_receipt r ON r.i = m.ref::int
    """, params)
    # credit notes applied to invoices: reconciled, not money received
    cr.execute("""
        INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount, debit_amount_currency,
                                               credit_amount_currency, debit_currency_id, credit_currency_id,
                                               company_id, max_date, create_uid, write_uid, create_date, write_date)
        SELECT inv.id, ref.id, LEAST(-ref.balance, inv.balance * 0.1), LEAST(-ref.balance, inv.balance * 0.1),
               LEAST(-ref.balance, inv.balance * 0.1), %(cny)s, %(cny)s, %(company)s, GREATEST(inv.date, ref.date),
               %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM (SELECT row_number() OVER (ORDER BY l.id) - 1 AS k, l.* FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                 WHERE m.name LIKE 'BENCH/INV/%%' AND m.move_type = 'out_refund' LIMIT %(credit_notes)s) AS ref
          JOIN bench_invoice_line inv ON inv.k = ref.k
    """, params)
    cr.commit()
    for table in ("sale_order", "account_move", "account_move_line", "account_partial_reconcile"):
        cr.execute(f"ANALYZE {table}")
    cr.commit()
    print(f"inserted in {time.perf_counter() - started:.1f} s", flush=True)


def describe_data(cr, company):
    cr.execute("""
        SELECT (SELECT count(*) FROM sale_order WHERE company_id = %(c)s),
               (SELECT count(*) FROM sale_order WHERE company_id = %(c)s AND state = 'sale'),
               (SELECT count(*) FROM account_move WHERE company_id = %(c)s
                   AND move_type IN ('out_invoice', 'out_refund')),
               (SELECT count(*) FROM account_partial_reconcile WHERE company_id = %(c)s)
    """, {"c": company.id})
    return cr.fetchone()


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------

def orm_read(env, line_ids):
    env.invalidate_all()  # a new request: empty record cache
    return env["spm.target.line"].browse(line_ids).read(["user_id", "date_from", *FIELDS])


def sql_read(cr, params):
    rows = {}
    for basis, query in HAND_SQL.items():
        cr.execute(query, params)
        rows[basis] = cr.fetchall()
    return rows


def orm_sums(rows):
    return {(row["user_id"][0], row["date_from"], basis): round(row[f"achieved_{basis}"], 2)
            for row in rows for basis in ("signed", "invoiced", "collected")}


def sql_sums(rows, year):
    sums = defaultdict(float)
    for basis, basis_rows in rows.items():
        for user_id, month, amount in basis_rows:
            if month.year == year:
                sums[(user_id, month, basis)] = round(float(amount or 0), 2)
    return sums


def check_same(orm, sql):
    diff = {key: (orm.get(key, 0.0), sql.get(key, 0.0)) for key in set(orm) | set(sql)
            if round(orm.get(key, 0.0) - sql.get(key, 0.0), 2)}
    if diff:
        sys.exit(f"The ORM and the SQL disagree on {len(diff)} (salesperson, month, basis), e.g. "
                 f"{sorted(diff.items(), key=str)[:4]}")
    return {basis: round(sum(amount for (_u, _m, b), amount in orm.items() if b == basis), 2)
            for basis in ("signed", "invoiced", "collected")}


def measure(env, line_ids, params, year, runs):
    cr = env.cr
    totals = check_same(orm_sums(orm_read(env, line_ids)), sql_sums(sql_read(cr, params), year))

    def timed(function):
        count, started = cr.sql_log_count, time.perf_counter()
        function()
        return time.perf_counter() - started, cr.sql_log_count - count

    times, queries = alternate({"orm": lambda: timed(lambda: orm_read(env, line_ids)),
                                "sql": lambda: timed(lambda: sql_read(cr, params))}, runs)
    return times, queries["orm"], totals


def explain(env, line_ids, params):
    cr = env.cr
    with captured_sql() as queries:
        orm_read(env, line_ids)
    achievement = max(queries, key=len)
    cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {achievement}")
    print("--- EXPLAIN ANALYZE, the ORM's achievement query ---")
    print("\n".join(row[0] for row in cr.fetchall()), end="\n\n")
    for basis, query in HAND_SQL.items():
        cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}", params)
        print(f"--- EXPLAIN ANALYZE, hand-written SQL, {basis} ---")
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
        users, targets = ensure_people_and_targets(env, company, args.persons, args.year)
        ensure_documents(env, company, users, args.documents, args.year)
        orders, confirmed, invoices, partials = describe_data(cr, company)
        director = env.ref("sales_project_management.user_spm_director")
        director_env = user_env(env, director, company)
        line_ids = targets.line_ids.ids
        tz = company._spm_tz()
        start, stop = date(args.year, 1, 1), date(args.year, 12, 31)
        params = {
            "company": company.id, "users": users.ids, "tz": tz.zone, "start": start, "stop": stop,
            "start_utc": company._spm_day_bounds(start)[0], "stop_utc": company._spm_day_bounds(stop)[1],
        }
        print(f"achievement of {len(targets)} persons x 12 months ({len(line_ids)} lines) as {director.login}: "
              f"read({FIELDS}) vs one SQL GROUP BY per basis, {args.runs} runs each", flush=True)
        times, queries, totals = measure(director_env, line_ids, params, args.year, args.runs)
        if args.explain:
            explain(director_env, line_ids, params)

    ratio = times["orm"] / times["sql"]
    print(f"""
documents of the company: {orders} sale orders ({confirmed} confirmed), {invoices} customer invoices and credit notes,
{partials} reconciliations
achieved in {args.year}: signed {totals['signed']:,.2f}, invoiced {totals['invoiced']:,.2f}, \
collected {totals['collected']:,.2f} (ORM and SQL agree to the cent on every salesperson and month)
achievement, ORM ({len(line_ids)} lines):  {times['orm'] * 1000:7.1f} ms  ({queries:.0f} queries)
same sums, 3 hand-written SQL:        {times['sql'] * 1000:7.1f} ms
ratio:                                {ratio:7.2f}     (goal <= {GOAL:g})""")
    if args.strict and ratio > GOAL:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
