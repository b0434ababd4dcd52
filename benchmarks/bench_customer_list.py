#!/usr/bin/env python3
"""Benchmark the customer list with its class and visit-overdue flags at 100,000 customers.

The addon's Customers menu (``spm_customer_action``) shows the company customers with their class (客户分类),
their next visit due and a red "Visit Overdue" flag (``spm_visit_overdue``: not stored, computed from the
stored and indexed ``spm_visit_due_date``, searchable). Three measures, each against the same work without
the addon's part, goal: ratio <= 1.25:

1. **List.** The 80 first rows of ``spm_customer_view_list`` read as the web client loads them
   (``web_search_read`` with the field specification derived from the view, ``count_limit`` 10,001,
   ``bin_size``, domain ``is_company``), against the same specification without the addon's ``spm_*``
   fields (class, last visit held, due date, overdue flag).
2. **Kanban.** The 40 first cards of the menu's kanban (Odoo's partner kanban with the addon's class and
   overdue badges; 40 is the web client's kanban page), against the same cards without the ``spm_*`` fields.
3. **Filter "Visit Overdue".** ``search_count`` of the company customers with ``spm_visit_overdue = True``
   (its search method) against the same count on the stored due date (``spm_visit_due_date < today``);
   both must count the same customers.

The customers missing to reach ``--customers`` are inserted once with SQL (``BENCH 客户 000001``, ...),
company partners of the demo company (华智) and committed: nine in ten classified (the classes of the
demo company, spread evenly) with a salesperson of the company, an industry, a city, a last visit held
0 to 1.25 class intervals ago (one in eight never visited: due one interval after the day it was
classified), so about one classified customer in five is overdue. No ``spm.visit`` rows are made: the
stored last visit and due date are written as the addon computes them. Later runs reuse them.

Run it from the repository root against a database where the addon and its demo data are installed::

    python3 benchmarks/bench_customer_list.py -d spm_bench [--addons-path PATH] [--customers 100000]
"""

import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from common import (
    alternate,
    argument_parser,
    captured_sql,
    odoo_cursor,
    superuser_env,
    user_env,
    view_spec,
    without_addon,
)

from odoo import fields

GOAL = 1.25
PREFIX = "BENCH 客户 "
LIST_VIEW = "sales_project_management.spm_customer_view_list"
LIST_LIMIT = 80  # the web client's list page
KANBAN_LIMIT = 40  # the web client's kanban page (kanban_controller.js)
COUNT_LIMIT = 10_001  # the web client counts up to 10,000 records (DEFAULT_COUNT_LIMIT + 1)
DOMAIN = [("is_company", "=", True)]
TZ = "Asia/Shanghai"
CITIES = ["杭州", "上海", "南京", "苏州", "宁波", "北京", "天津", "济南", "青岛", "合肥", "福州", "武汉"]


def parse_args(argv):
    parser = argument_parser(__doc__)
    parser.add_argument("--customers", type=int, default=100_000, help="minimum number of bench customers (100000)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each variant of each measure (30)")
    parser.add_argument("--explain", action="store_true",
                        help="print the SQL of each variant and EXPLAIN (ANALYZE, BUFFERS) of its search queries")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def ensure_customers(env, company, wanted):
    """Insert the bench customers missing to reach ``wanted`` with SQL, commit, ANALYZE; return the count."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE %s", [PREFIX + "%"])
    count = cr.fetchone()[0]
    missing = wanted - count
    if missing <= 0:
        return count
    group = env.ref("sales_project_management.group_spm_user")
    sellers = env["res.users"].search([("share", "=", False), ("company_ids", "in", company.ids),
                                       ("groups_id", "in", group.ids)], order="id")
    classes = env["spm.customer.class"].search([("company_id", "in", [False, company.id])], order="sequence, id")
    industries = env["res.partner.industry"].search([], order="id")
    if not (sellers and classes and industries):
        sys.exit("The database needs the addon's demo data: salespeople of the demo company and customer classes.")
    today = datetime.now(ZoneInfo(TZ)).date()
    print(f"inserting {missing} customers ...", flush=True)
    started = time.perf_counter()
    # n: the customer's number; c: its class (none for one in ten), its interval; age: days since its last visit
    # held (or since it was classified, for one in eight never visited), 0 to 1.25 intervals
    cr.execute("""
        INSERT INTO res_partner (
            id, commercial_partner_id, name, complete_name, is_company, type, active, company_id, user_id,
            industry_id, city, country_id, phone, email, email_normalized, lang, tz, color, employee, partner_share,
            customer_rank, supplier_rank, autopost_bills, invoice_warn, sale_warn,
            create_date, write_date, create_uid, write_uid,
            spm_customer_class_id, spm_class_reason, spm_class_date, spm_last_visit_held, spm_visit_due_date)
        SELECT g.id, g.id, g.name, g.name, TRUE, 'contact', TRUE, %(company)s,
               (%(sellers)s::int[])[1 + mod(g.n, %(nsellers)s)], (%(industries)s::int[])[1 + mod(g.n, %(nindustries)s)],
               (%(cities)s::varchar[])[1 + mod(g.n * 7, %(ncities)s)], %(country)s,
               '0571-' || lpad(g.n::text, 8, '0'), 'bench' || g.n || '@example.com', 'bench' || g.n || '@example.com',
               'zh_CN', %(tz)s, 0, FALSE, TRUE, 1, 0, 'ask', 'no-message', 'no-message',
               g.created, g.created, 1, 1,
               c.class_id, CASE WHEN c.class_id IS NOT NULL THEN 'BENCH' END,
               CASE WHEN c.class_id IS NULL THEN NULL
                    WHEN v.never THEN %(today)s::date - v.age ELSE %(today)s::date - 400 END,
               CASE WHEN NOT v.never THEN v.held END,
               CASE WHEN c.class_id IS NULL THEN NULL
                    WHEN v.never THEN %(today)s::date - v.age + c.days
                    ELSE (v.held AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date + c.days END
          FROM (SELECT nextval('res_partner_id_seq') AS id, n, %(prefix)s || lpad(n::text, 6, '0') AS name,
                       now() AT TIME ZONE 'UTC' - make_interval(days => 400 + mod(n, 700)) AS created
                  FROM generate_series(%(first)s, %(first)s + %(missing)s - 1) AS n) AS g,
               LATERAL (SELECT CASE WHEN mod(g.n, 10) = 0 THEN NULL
                                    ELSE (%(classes)s::int[])[1 + mod(g.n, %(nclasses)s)] END AS class_id,
                               (%(intervals)s::int[])[1 + mod(g.n, %(nclasses)s)] AS days) AS c,
               LATERAL (SELECT mod(g.n, 8) = 1 AS never,
                               mod(g.n * 7919, c.days * 5 / 4 + 1) AS age,
                               now() AT TIME ZONE 'UTC' - make_interval(days => mod(g.n * 7919, c.days * 5 / 4 + 1),
                                                                        hours => mod(g.n, 9)) AS held) AS v
    """, {
        "prefix": PREFIX, "first": count + 1, "missing": missing, "company": company.id, "tz": TZ, "today": today,
        "sellers": sellers.ids, "nsellers": len(sellers), "industries": industries.ids,
        "nindustries": len(industries), "cities": CITIES, "ncities": len(CITIES),
        "country": env.ref("base.cn").id, "classes": classes.ids, "nclasses": len(classes),
        "intervals": classes.mapped("visit_interval_days"),
    })
    cr.commit()
    cr.execute("ANALYZE res_partner")
    cr.commit()
    print(f"inserted in {time.perf_counter() - started:.1f} s", flush=True)
    return count + missing


def describe(cr, today):
    cr.execute("""
        SELECT count(*), count(spm_customer_class_id), count(*) FILTER (WHERE spm_visit_due_date < %s),
               count(DISTINCT user_id)
          FROM res_partner WHERE name LIKE %s
    """, [today, PREFIX + "%"])
    return cr.fetchone()


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------

def timed(cr, function):
    def run():
        count, started = cr.sql_log_count, time.perf_counter()
        function()
        return time.perf_counter() - started, cr.sql_log_count - count
    return run


def variants(env, as_user):
    """{measure: (addon function, plain function, the addon's fields or domain)}; each function starts from an
    empty cache, as a new request does."""
    web = as_user(context=dict(as_user.context, bin_size=True))  # what the web client's requests carry
    Partner = web["res.partner"]
    list_spec = view_spec(web(context=dict(web.context, list_view_ref=LIST_VIEW)), "res.partner", "list")
    kanban_spec = view_spec(web, "res.partner", "kanban")
    today = fields.Date.context_today(Partner)
    overdue = [("spm_visit_overdue", "=", True)]
    stored = [("spm_visit_due_date", "<", today)]

    def load(spec, limit):
        def function():
            env.invalidate_all()
            result = Partner.web_search_read(DOMAIN, spec, limit=limit, count_limit=COUNT_LIMIT)
            if len(result["records"]) != limit:
                sys.exit(f"Fewer than {limit} company customers.")
            return result
        return function

    def count(domain):
        def function():
            env.invalidate_all()
            return Partner.search_count(DOMAIN + domain)
        return function

    counted = count(overdue)(), count(stored)()
    if counted[0] != counted[1]:
        sys.exit(f"The filter and the search on the due date disagree: {counted[0]} and {counted[1]} customers.")
    return {
        "list": (load(list_spec, LIST_LIMIT), load(without_addon(list_spec), LIST_LIMIT),
                 sorted(set(list_spec) - set(without_addon(list_spec)))),
        "kanban": (load(kanban_spec, KANBAN_LIMIT), load(without_addon(kanban_spec), KANBAN_LIMIT),
                   sorted(set(kanban_spec) - set(without_addon(kanban_spec)))),
        "filter": (count(overdue), count(stored), [f"{counted[0]} overdue"]),
    }


def explain(env, measures):
    cr = env.cr
    for name, (addon, plain, _extra) in measures.items():
        for variant, function in (("addon", addon), ("plain", plain)):
            with captured_sql() as queries:
                function()
            print(f"\n--- {name}, {variant}: {len(queries)} queries ---")
            for query in queries:
                print(query.strip(), end="\n\n")
            for query in queries:
                if query.lstrip().upper().startswith("SELECT") and "res_partner" in query and (
                        "ORDER BY" in query or "count(" in query.lower()):
                    cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}")
                    print(f"--- EXPLAIN ANALYZE ({name}, {variant}) ---")
                    print("\n".join(row[0] for row in cr.fetchall()), end="\n\n")


def main(argv=None):
    args = parse_args(argv)
    with odoo_cursor(args.database, args.addons_path) as cr:
        env = superuser_env(cr)
        company = env.ref("sales_project_management.spm_company", raise_if_not_found=False)
        if not company:
            sys.exit("The database needs the addon's demo data (the company sales_project_management.spm_company).")
        ensure_customers(env, company, args.customers)
        admin = env.ref("base.user_admin")
        as_admin = user_env(env, admin, company)
        total, classified, overdue, sellers = describe(cr, fields.Date.context_today(as_admin["res.partner"]))
        measures = variants(env, as_admin)
        print(f"customers list, kanban and filter as {admin.login} in {company.name}, {args.runs} runs of each "
              f"variant", flush=True)
        results = {}
        for name, (addon, plain, extra) in measures.items():
            times, queries = alternate({"addon": timed(cr, addon), "plain": timed(cr, plain)}, args.runs)
            results[name] = (times, queries)
            print(f"  {name}: the addon's part: {', '.join(extra)}", flush=True)
        if args.explain:
            explain(env, measures)

    lines = [f"\nbench customers in database: {total} ({classified} classified, {overdue} overdue, "
             f"{sellers} salespeople)"]
    labels = {
        "list": (f"list {LIST_LIMIT} rows, class and overdue flags", f"list {LIST_LIMIT} rows, without them"),
        "kanban": (f"kanban {KANBAN_LIMIT} cards, class and overdue badges", f"kanban {KANBAN_LIMIT} cards, without"),
        "filter": ("filter Visit Overdue (search count)", "same count on the stored due date"),
    }
    missed = False
    for name, (times, queries) in results.items():
        ratio = times["addon"] / times["plain"]
        missed |= ratio > GOAL
        addon_label, plain_label = labels[name]
        lines += [f"{addon_label + ':':52} {times['addon'] * 1000:8.2f} ms  ({queries['addon']:.0f} queries)",
                  f"{plain_label + ':':52} {times['plain'] * 1000:8.2f} ms  ({queries['plain']:.0f} queries)",
                  f"{'ratio:':52} {ratio:8.2f}     (goal <= {GOAL})"]
    print("\n".join(lines))
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
