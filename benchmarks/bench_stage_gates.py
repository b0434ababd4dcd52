#!/usr/bin/env python3
"""Benchmark the cost of the stage gates on a large pipeline (100,000 opportunities by default).

Two figures are measured, each against the same work without the addon's part, with the goal
that the addon adds at most 25 % (ratio <= 1.25):

1. **Stage move.** ~200 opportunities stand in a dedicated stage "Bench A" (sequence 5) that has
   8 active gates of mixed types (five field gates, a domain gate, a minimum-score gate and a
   document gate), all met by those opportunities. Each one is moved to "Bench B" (sequence 6)
   on its own, as the web client's save does: an empty cache, ``lead.write({'stage_id': B})``
   then ``env.flush_all()``, as the administrator (a sales projects manager, not the superuser).
   The same moves are timed with every gate of the database archived. The variants alternate,
   several times, and the median of the per-move averages is kept. The SQL queries per move are
   counted too.
2. **Kanban load.** The 80 first cards of a populated stage, read with ``web_search_read`` and
   the field specification the web client derives from the pipeline kanban view (crm's view with
   the addon's extension, see ``kanban_spec``), against the same specification without the
   addon's ``spm_*`` fields ("plain Odoo"). Each load starts with an empty cache; median of many
   loads, alternating.

The opportunities missing to reach ``--leads`` are inserted once with plain SQL (names
``BENCH 000001``, ...) and committed, so that later runs reuse them. Everything else (the bench
stages, gates, documents, assessments, the moves) happens in a transaction that is rolled back.

Run it from the repository root against a database where the addon is installed::

    python3 benchmarks/bench_stage_gates.py -d spm_bench [--addons-path PATH] [--leads 100000]

``--addons-path`` defaults to what ``make test`` uses (Odoo's addons next to the ``odoo``
package, ``ODOO_ADDONS_PATH``, and this repository through a symlink). ``--strict`` makes the
script exit with status 1 when a ratio exceeds the goal; ``--profile`` prints where the time
of a gated and an ungated move run goes (cProfile).
"""

import cProfile
import gc
import io
import pstats
import statistics
import sys
import time

from common import (
    LEAD_PREFIX,
    alternate,
    argument_parser,
    ensure_leads,
    kanban_spec,
    odoo_cursor,
    rolled_back,
    superuser_env,
    user_env,
    without_addon,
)

GOAL = 1.25
KANBAN_LIMIT = 80


def parse_args(argv):
    parser = argument_parser(__doc__)
    parser.add_argument("--leads", type=int, default=100_000, help="minimum number of opportunities (100000)")
    parser.add_argument("--moves", type=int, default=200, help="opportunities moved per run (200)")
    parser.add_argument("--repeats", type=int, default=7, help="runs of each move variant (7)")
    parser.add_argument("--kanban-runs", type=int, default=30, help="timed loads of each kanban variant (30)")
    parser.add_argument("--profile", action="store_true", help="profile one move run of each variant")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def setup_bench_stages(env, count):
    """Create Bench A (with 8 gates) and Bench B, and put ``count`` bench opportunities in Bench A."""
    stage_a, stage_b = env["crm.stage"].create([{"name": "Bench A", "sequence": 5}, {"name": "Bench B", "sequence": 6}])
    field = env["ir.model.fields"]._get
    document_type = (env.ref("sales_project_management.doc_type_requirements", raise_if_not_found=False)
                     or env["spm.document.type"].search([], limit=1))
    gates = env["spm.stage.gate"].create([
        *({"name": f"Bench: {name}", "stage_id": stage_a.id, "gate_type": "field",
           "field_id": field("crm.lead", name).id}
          for name in ("partner_id", "name", "expected_revenue", "user_id", "team_id")),
        {"name": "Bench: revenue", "stage_id": stage_a.id, "gate_type": "domain",
         "domain": "[('expected_revenue', '>', 0)]"},
        {"name": "Bench: feasibility", "stage_id": stage_a.id, "gate_type": "min_score", "min_score": 3},
        {"name": "Bench: document", "stage_id": stage_a.id, "gate_type": "document",
         "document_type_id": document_type.id},
    ])
    env.cr.execute("""
        SELECT id FROM crm_lead
         WHERE name LIKE %s AND type = 'opportunity' AND active AND partner_id IS NOT NULL
           AND user_id IS NOT NULL AND team_id IS NOT NULL AND expected_revenue > 0
         ORDER BY id LIMIT %s
    """, [LEAD_PREFIX + "%", count])
    lead_ids = [row[0] for row in env.cr.fetchall()]
    leads = env["crm.lead"].browse(lead_ids)
    # Meet the minimum score (4 on every criterion) and the document gate; clear earlier assessments.
    env["spm.lead.assessment"].search([("lead_id", "in", lead_ids)]).unlink()
    criteria = env["spm.assessment.criterion"].search([])
    env["spm.lead.assessment"].create([
        {"lead_id": lead_id, "criterion_id": criterion.id, "score": 4} for lead_id in lead_ids for criterion in criteria
    ])
    env["ir.attachment"].create([{
        "name": "Requirements.pdf", "type": "url", "url": "https://example.com/requirements.pdf",
        "res_model": "crm.lead", "res_id": lead_id, "spm_document_type_id": document_type.id,
    } for lead_id in lead_ids])
    env.flush_all()
    env.cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id = ANY(%s)", [stage_a.id, lead_ids])
    env.invalidate_all()
    met = env["spm.stage.gate"]._spm_evaluate(leads.ids, gates.ids)
    if len(met) != len(gates) * len(leads):
        sys.exit(f"Only {len(met)} of the {len(gates) * len(leads)} gate checks pass on the bench opportunities.")
    return stage_a, stage_b, gates, lead_ids


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------

def move_run(env, as_user, lead_ids, stage_b, *, gates_on, profiler=None):
    """Move every lead to ``stage_b``, one request each; return (seconds per move, queries per move)."""
    cr = env.cr
    with rolled_back(env):
        if not gates_on:
            env["spm.stage.gate"].search([]).write({"active": False})
            env.flush_all()
        elapsed = queries = 0
        gc.collect()
        for lead_id in lead_ids:
            env.invalidate_all()  # a new request: empty cache (the registry caches stay warm)
            lead = as_user["crm.lead"].browse(lead_id)
            if profiler:
                profiler.enable()
            count, started = cr.sql_log_count, time.perf_counter()
            lead.write({"stage_id": stage_b.id})
            env.flush_all()
            elapsed += time.perf_counter() - started
            queries += cr.sql_log_count - count
            if profiler:
                profiler.disable()
        cr.execute("SELECT count(*) FROM crm_lead WHERE id = ANY(%s) AND stage_id = %s", [lead_ids, stage_b.id])
        if cr.fetchone()[0] != len(lead_ids):
            sys.exit("Not every bench opportunity reached Bench B.")
    return elapsed / len(lead_ids), queries / len(lead_ids)


def measure_moves(env, as_user, lead_ids, stage_b, repeats):
    """Alternate the variants (gates on, gates off, gates off, gates on, ...); medians per variant."""
    move_run(env, as_user, lead_ids[:20], stage_b, gates_on=True)  # warm-up
    move_run(env, as_user, lead_ids[:20], stage_b, gates_on=False)
    times = {True: [], False: []}
    queries = {True: [], False: []}
    for repeat in range(repeats):
        for gates_on in (True, False) if repeat % 2 == 0 else (False, True):
            seconds, count = move_run(env, as_user, lead_ids, stage_b, gates_on=gates_on)
            times[gates_on].append(seconds)
            queries[gates_on].append(count)
            print(f"  moves, {'8 gates  ' if gates_on else 'gates off'}: {seconds * 1000:7.2f} ms/lead, "
                  f"{count:5.1f} queries/lead", flush=True)
    return ({key: statistics.median(values) for key, values in times.items()},
            {key: statistics.median(values) for key, values in queries.items()})


def profile_moves(env, as_user, lead_ids, stage_b):
    for gates_on in (True, False):
        profiler = cProfile.Profile()
        move_run(env, as_user, lead_ids, stage_b, gates_on=gates_on, profiler=profiler)
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(30)
        stats.print_stats("sales_project_management", 15)
        print(f"\n--- profile of {len(lead_ids)} moves, {'8 gates' if gates_on else 'gates off'} ---")
        print(out.getvalue())


def measure_kanban(env, as_user, stage, runs):
    """Median time and queries of loading the first cards of ``stage``, with and without the addon's fields."""
    addon_spec = kanban_spec(as_user)
    plain_spec = without_addon(addon_spec)
    domain = [("type", "=", "opportunity"), ("stage_id", "=", stage.id)]
    Lead = as_user["crm.lead"]
    cr = env.cr

    def load(spec):
        env.invalidate_all()
        count, started = cr.sql_log_count, time.perf_counter()
        result = Lead.web_search_read(domain, spec, limit=KANBAN_LIMIT, order=Lead._order)
        elapsed = time.perf_counter() - started
        if len(result["records"]) != KANBAN_LIMIT:
            sys.exit(f"The stage {stage.name} holds fewer than {KANBAN_LIMIT} opportunities.")
        return elapsed, cr.sql_log_count - count

    times, queries = alternate({"addon": lambda: load(addon_spec), "plain": lambda: load(plain_spec)}, runs)
    return times, queries, sorted(set(addon_spec) - set(plain_spec)), len(addon_spec)


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def main(argv=None):
    args = parse_args(argv)
    with odoo_cursor(args.database, args.addons_path) as cr:
        total = ensure_leads(cr, args.leads)
        env = superuser_env(cr)
        admin = env.ref("base.user_admin")
        admin_env = user_env(env, admin)
        stage = env.ref("crm.stage_lead1")
        cr.execute("SELECT count(*) FROM crm_lead WHERE type = 'opportunity' AND active AND stage_id = %s", [stage.id])
        in_stage = cr.fetchone()[0]

        print(f"kanban: {KANBAN_LIMIT} cards of “{stage.name}” ({in_stage} opportunities), "
              f"{args.kanban_runs} loads per variant", flush=True)
        kanban_times, kanban_queries, extra, nfields = measure_kanban(env, admin_env, stage, args.kanban_runs)
        print(f"  {nfields} fields in the specification; the addon's: {', '.join(extra)}")

        stage_a, stage_b, gates, lead_ids = setup_bench_stages(env, args.moves)
        print(f"moves: {len(lead_ids)} opportunities from “{stage_a.name}” ({len(gates)} gates: "
              f"{', '.join(sorted(set(gates.mapped('gate_type'))))}) to “{stage_b.name}”, as {admin.login}, "
              f"{args.repeats} runs per variant", flush=True)
        move_times, move_queries = measure_moves(env, admin_env, lead_ids, stage_b, args.repeats)
        if args.profile:
            profile_moves(env, admin_env, lead_ids, stage_b)

    move_ratio = move_times[True] / move_times[False]
    kanban_ratio = kanban_times["addon"] / kanban_times["plain"]
    print(f"""
leads in database: {total}
stage move, 8 gates:    {move_times[True] * 1000:7.2f} ms/lead  ({move_queries[True]:.1f} queries)
stage move, gates off:  {move_times[False] * 1000:7.2f} ms/lead  ({move_queries[False]:.1f} queries)
ratio:                  {move_ratio:7.2f}          (goal <= {GOAL})
kanban {KANBAN_LIMIT} cards, addon: {kanban_times['addon'] * 1000:7.2f} ms       ({kanban_queries['addon']:.0f} queries)
kanban {KANBAN_LIMIT} cards, plain: {kanban_times['plain'] * 1000:7.2f} ms       ({kanban_queries['plain']:.0f} queries)
ratio:                  {kanban_ratio:7.2f}          (goal <= {GOAL})""")
    if args.strict and max(move_ratio, kanban_ratio) > GOAL:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
