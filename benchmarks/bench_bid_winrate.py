#!/usr/bin/env python3
"""Benchmark the bid win-rate analysis (投标分析) at 100,000 opportunities and 20,000 bids.

The measured request is the one the pivot view of ``spm.bid.analysis`` sends for its default table
*sales team x result* with the win rate, the price gap and our prices: ``read_group([], ['win_rate:avg',
'price_gap_percent:avg', 'our_price:sum', '__count'], ['team_id', 'result'], lazy=False)``, as the demo
sales director (周敏, ``spm_director``, who sees every bid of her company) with ``allowed_company_ids`` set to
the demo company as the web client does, and an empty record cache per request (the registry caches stay
warm). It is compared with ONE hand-written SQL ``GROUP BY`` over ``spm_bid`` giving the same groups (the
win rate as the average of 100 for a won bid and 0 for a lost one, the price gap of the lost bids as a share
of the winning price, the company rule's filter), run on the same cursor in the same run. Both must return
the same groups, averages, sums and counts. After a warm-up the two alternate ``--runs`` times (15); the
medians are compared, with the goal ORM / SQL <= 2.

Data. What is missing is made once and committed, so that later runs reuse it:

* the opportunities missing to reach ``--leads`` (100,000), with plain SQL (``common.ensure_leads``), all in
  the demo company;
* ``--bids`` (20,000) bids named ``BENCH-TB-000001`` ..., with plain SQL, on as many of those opportunities
  (their company, team, salesperson, customer and grade): 5 % drafts, 5 % under review, 5 % rejected, the
  rest approved; of the approved, 40 % won, 40 % lost (to one of five competitors, at 85 to 99 % of our
  price), 8 % abandoned, 2 % void, 10 % without a result yet; openings over the last two years. ``spm_bid``
  is then ANALYZEd.

Run it from the repository root against a database where the addon is installed with its demo data (it
needs the demo company, its teams and the sales director)::

    python3 benchmarks/bench_bid_winrate.py -d spm_bench_bids [--addons-path PATH] [--leads 100000] [--bids 20000]

``--addons-path`` defaults to what ``make test`` uses. ``--explain`` prints the SQL the ORM generated and
``EXPLAIN (ANALYZE, BUFFERS)`` of it and of the hand-written query; ``--strict`` exits with status 1 when the
ratio exceeds the goal.
"""

import sys
import time

from common import alternate, argument_parser, captured_sql, ensure_leads, odoo_cursor, superuser_env, user_env

import odoo

GOAL = 2.0
BID_PREFIX = "BENCH-TB-"
GROUPBY = ["team_id", "result"]
MEASURES = ["win_rate:avg", "price_gap_percent:avg", "our_price:sum", "__count"]
COMPETITORS = ["海康威视", "大华股份", "和达科技", "东软集团", "科拓股份"]

# The rows and figures of spm.bid.analysis (reports/spm_bid_analysis.py) written out by hand over the bids:
# the company record rule, the win rate and the price gap of the lost bids.
HAND_SQL = """
    SELECT team_id, result,
           AVG(CASE result WHEN 'won' THEN 100.0 WHEN 'lost' THEN 0.0 END),
           AVG(CASE WHEN result = 'lost' AND winning_price > 0
                    THEN 100.0 * (our_price - winning_price) / winning_price END),
           SUM(our_price), COUNT(*)
      FROM spm_bid
     WHERE company_id = ANY(%s)
     GROUP BY 1, 2
"""


def parse_args(argv):
    parser = argument_parser(__doc__, "database with sales_project_management and its demo")
    parser.add_argument("--leads", type=int, default=100_000, help="minimum number of opportunities (100000)")
    parser.add_argument("--bids", type=int, default=20_000, help="minimum number of bids (20000)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each variant (15)")
    parser.add_argument("--explain", action="store_true", help="print the ORM's SQL and EXPLAIN ANALYZE of both")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def ensure_bids(env, company, wanted):
    """Insert the bids missing to reach ``wanted`` with SQL, on bench opportunities of ``company``; commit,
    ANALYZE; return the count."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM spm_bid")
    count = cr.fetchone()[0]
    missing = wanted - count
    if missing <= 0:
        return count
    cr.execute("SELECT count(*) FROM spm_bid WHERE name LIKE %s", [BID_PREFIX + "%"])
    first = cr.fetchone()[0]
    agencies = env["res.partner"].search([("is_company", "=", True)], limit=5).ids
    print(f"inserting {missing} bids ...", flush=True)
    started = time.perf_counter()
    cr.execute("""
        WITH leads AS (
            SELECT l.id, l.company_id, l.team_id, l.user_id, l.partner_id, l.spm_grade_id, l.expected_revenue,
                   row_number() OVER (ORDER BY l.id) - 1 AS k
              FROM crm_lead l
             WHERE l.name LIKE 'BENCH %%' AND l.type = 'opportunity' AND l.company_id = %(company)s
               AND l.user_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM spm_bid b WHERE b.lead_id = l.id)
             ORDER BY l.id
             LIMIT %(missing)s
        ), g AS (
            SELECT leads.*, %(first)s + k + 1 AS number, mod(k * 7919, 100) AS r, mod(k * 4973 + 7, 100) AS s,
                   round((leads.expected_revenue * (0.9 + mod(k, 20) / 100.0))::numeric, 2) AS price
              FROM leads
        ), v AS (
            SELECT g.*,
                   CASE WHEN r < 5 THEN 'draft' WHEN r < 10 THEN 'submitted' WHEN r < 15 THEN 'rejected'
                        ELSE 'approved' END AS state,
                   CASE WHEN r < 15 THEN NULL WHEN s < 40 THEN 'won' WHEN s < 80 THEN 'lost'
                        WHEN s < 88 THEN 'abandoned' WHEN s < 90 THEN 'void' END AS result
              FROM g
        )
        INSERT INTO spm_bid (name, lead_id, company_id, team_id, user_id, partner_id, agency_id, grade_id, state,
                             result, our_price, winning_price, winner_name, date_submission, date_opening,
                             bond_amount, bond_currency_id, bond_partner_id, bond_state, bond_amount_paid,
                             bond_amount_returned, bond_outstanding_company,
                             create_uid, write_uid, create_date, write_date)
        SELECT %(prefix)s || lpad(number::text, 6, '0'), id, company_id, team_id, user_id, partner_id,
               (%(agencies)s::int[])[1 + mod(number, %(nagencies)s)],
               CASE WHEN state != 'draft' THEN spm_grade_id END, state, result, price,
               CASE result WHEN 'won' THEN price
                           WHEN 'lost' THEN round(price * (0.85 + mod(number, 15) / 100.0), 2) END,
               CASE result WHEN 'won' THEN %(company_name)s
                           WHEN 'lost' THEN (%(competitors)s::text[])[1 + mod(number, 5)] END,
               now() at time zone 'UTC' - make_interval(days => mod(number * 37, 730)::int),
               now() at time zone 'UTC' - make_interval(days => mod(number * 37, 730)::int),
               0, %(currency)s, (%(agencies)s::int[])[1 + mod(number, %(nagencies)s)], 'none', 0, 0, 0,
               %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM v
    """, {
        "company": company.id, "missing": missing, "first": first, "prefix": BID_PREFIX, "agencies": agencies,
        "nagencies": len(agencies), "company_name": company.name, "competitors": COMPETITORS,
        "currency": company.currency_id.id, "uid": odoo.SUPERUSER_ID,
    })
    inserted = cr.rowcount
    cr.commit()
    cr.execute("ANALYZE spm_bid")
    cr.commit()
    print(f"inserted {inserted} in {time.perf_counter() - started:.1f} s", flush=True)
    if inserted < missing:
        sys.exit(f"Only {inserted} bench opportunities were free for a bid: raise --leads.")
    return count + inserted


def describe_data(cr, company):
    cr.execute("""
        SELECT (SELECT count(*) FROM crm_lead WHERE type = 'opportunity'),
               count(*), count(*) FILTER (WHERE company_id = %s), count(*) FILTER (WHERE result = 'won'),
               count(*) FILTER (WHERE result = 'lost'), count(DISTINCT team_id)
          FROM spm_bid
    """, [company.id])
    return cr.fetchone()


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------

def orm_pivot(env, Analysis):
    env.invalidate_all()  # a new request: empty record cache
    return Analysis.read_group([], MEASURES, GROUPBY, lazy=False)


def sql_pivot(cr, company_ids):
    cr.execute(HAND_SQL, [company_ids])
    return cr.fetchall()


def _figures(win_rate, gap, price, count):
    return (round(float(win_rate), 4) if win_rate is not None else None,
            round(float(gap), 4) if gap is not None else None, round(float(price or 0), 2), count)


def orm_groups(rows):
    # the ORM gives False for an average of nothing (no bid won or lost in the group), SQL gives NULL
    return {(row["team_id"] and row["team_id"][0], row["result"]): _figures(
        row["win_rate"] if row["win_rate"] is not False else None,
        row["price_gap_percent"] if row["price_gap_percent"] is not False else None,
        row["our_price"], row["__count"]) for row in rows}


def sql_groups(rows):
    return {(team_id or False, result or False): _figures(win_rate, gap, price, count)
            for team_id, result, win_rate, gap, price, count in rows}


def check_same(orm, sql):
    if orm != sql:
        diff = sorted(set(orm.items()) ^ set(sql.items()), key=str)
        sys.exit(f"The ORM and the SQL disagree on {len(diff)} groups, e.g. {diff[:4]}")
    count = sum(figures[3] for figures in orm.values())
    won = sum(figures[3] for (_team, result), figures in orm.items() if result == "won")
    lost = sum(figures[3] for (_team, result), figures in orm.items() if result == "lost")
    return len(orm), count, 100.0 * won / (won + lost) if won + lost else 0.0


def measure(env, Analysis, company_ids, runs):
    cr = env.cr
    figures = check_same(orm_groups(orm_pivot(env, Analysis)), sql_groups(sql_pivot(cr, company_ids)))

    def timed(function):
        count, started = cr.sql_log_count, time.perf_counter()
        function()
        return time.perf_counter() - started, cr.sql_log_count - count

    times, queries = alternate({"orm": lambda: timed(lambda: orm_pivot(env, Analysis)),
                                "sql": lambda: timed(lambda: sql_pivot(cr, company_ids))}, runs)
    return times, queries["orm"], figures


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
        ensure_leads(cr, args.leads, company.id)
        ensure_bids(env, company, args.bids)
        leads, bids, in_company, won, lost, teams = describe_data(cr, company)
        director = env.ref("sales_project_management.user_spm_director")
        director_env = user_env(env, director, company)
        Analysis = director_env["spm.bid.analysis"]
        company_ids = director_env.companies.ids
        print(f"win-rate pivot as {director.login}: read_group({MEASURES}, {GROUPBY}, lazy=False) "
              f"vs one SQL GROUP BY, {args.runs} runs each", flush=True)
        times, queries, (groups, rows, win_rate) = measure(director_env, Analysis, company_ids, args.runs)
        if args.explain:
            explain(director_env, Analysis, company_ids)

    ratio = times["orm"] / times["sql"]
    print(f"""
opportunities: {leads}; bids: {bids} ({in_company} in the company: {won} won, {lost} lost; {teams} sales teams)
rows in the pivot: {rows}, {groups} groups, overall win rate {win_rate:.1f} %
win-rate pivot (team x result), ORM: {times['orm'] * 1000:7.1f} ms  ({queries:.0f} queries)
same GROUP BY, hand-written SQL:     {times['sql'] * 1000:7.1f} ms
ratio:                               {ratio:7.2f}     (goal <= {GOAL:g})""")
    if args.strict and ratio > GOAL:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
