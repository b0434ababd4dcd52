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

import argparse
import ast
import contextlib
import cProfile
import gc
import io
import os
import pstats
import statistics
import sys
import time

from lxml import etree

import odoo
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOAL = 1.25
BENCH_PREFIX = "BENCH "
KANBAN_LIMIT = 80

# What the web client's widgets add to the specification (getFieldsSpec in
# web/static/src/model/relational_model/utils.js and the widgets' fieldDependencies/relatedFields).
WIDGET_DEPENDENCIES = {
    "kanban_activity": ["activity_exception_decoration", "activity_exception_icon", "activity_state",
                        "activity_summary", "activity_type_icon", "activity_type_id"],
    "activity_exception": ["activity_exception_icon"],
    "image": ["write_date"],
}


def _many2many_tags_related(options):
    return ["display_name", *([options["color_field"]] if options.get("color_field") else [])]


WIDGET_RELATED_FIELDS = {
    "many2many_tags": _many2many_tags_related,
    "many2many_tags_email": lambda options: [*_many2many_tags_related(options), "email"],
}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-d", "--database", required=True, help="database with sales_project_management installed")
    parser.add_argument("--addons-path", help="Odoo addons path (default: the one `make test` uses)")
    parser.add_argument("--leads", type=int, default=100_000, help="minimum number of opportunities (100000)")
    parser.add_argument("--moves", type=int, default=200, help="opportunities moved per run (200)")
    parser.add_argument("--repeats", type=int, default=7, help="runs of each move variant (7)")
    parser.add_argument("--kanban-runs", type=int, default=30, help="timed loads of each kanban variant (30)")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a ratio exceeds the goal")
    parser.add_argument("--profile", action="store_true", help="profile one move run of each variant")
    return parser.parse_args(argv)


def default_addons_path():
    sys.path.insert(0, os.path.join(REPO, "tools"))
    from spmctl import addons_path

    return addons_path(os.path.dirname(os.path.abspath(odoo.__file__)))


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def ensure_leads(cr, wanted):
    """Insert the opportunities missing to reach ``wanted``, commit, and return the count."""
    cr.execute("SELECT count(*) FROM crm_lead WHERE type = 'opportunity'")
    count = cr.fetchone()[0]
    missing = wanted - count
    if missing <= 0:
        return count
    cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE %s", [BENCH_PREFIX + "%"])
    first_number = cr.fetchone()[0] + 1
    cr.execute("SELECT id, COALESCE(is_won, FALSE) FROM crm_stage WHERE team_id IS NULL ORDER BY sequence, id")
    stages = cr.fetchall()
    cr.execute("""
        SELECT m.crm_team_id, m.user_id, COALESCE(t.company_id, u.company_id)
          FROM crm_team_member m
          JOIN crm_team t ON t.id = m.crm_team_id AND t.active
          JOIN res_users u ON u.id = m.user_id AND u.active
         WHERE m.active
         ORDER BY m.id
    """)
    sellers = cr.fetchall()
    cr.execute("""
        SELECT id FROM res_partner
         WHERE active AND is_company AND company_id IS NULL AND id NOT IN (SELECT partner_id FROM res_company)
         ORDER BY id
    """)
    partners = [row[0] for row in cr.fetchall()]
    if not (stages and sellers and partners):
        sys.exit("The database needs CRM stages, sales team members and company contacts (demo data).")
    print(f"inserting {missing} opportunities ...", flush=True)
    started = time.perf_counter()
    # i spreads the rows over the stages, sellers and customers; expected revenues range from
    # 1,000 to 60,000,000 so that the three grades occur; the grade is the one the addon computes.
    cr.execute("""
        INSERT INTO crm_lead (
            name, type, active, stage_id, team_id, user_id, company_id, partner_id,
            expected_revenue, prorated_revenue, probability, automated_probability, priority, color,
            spm_grade_id, spm_grade_manual, spm_feasibility_score,
            date_open, date_last_stage_update, create_date, write_date, create_uid, write_uid)
        SELECT %(prefix)s || lpad(g.number::text, 6, '0'), 'opportunity', TRUE, g.stage_id, g.team_id,
               g.user_id, g.company_id, g.partner_id, g.revenue, g.revenue * g.probability / 100,
               g.probability, g.probability, g.priority, 0,
               (SELECT grade.id FROM spm_grade grade
                 WHERE grade.active AND (grade.company_id IS NULL OR grade.company_id = g.company_id)
                   AND grade.min_amount <= g.revenue
                 ORDER BY grade.min_amount DESC, grade.sequence, grade.id LIMIT 1),
               FALSE, 0, g.created, g.created, g.created, g.created, g.user_id, g.user_id
          FROM (
            SELECT %(first)s + i AS number,
                   (%(stage_ids)s::int[])[1 + mod(i, %(nstages)s)] AS stage_id,
                   CASE WHEN (%(won)s::bool[])[1 + mod(i, %(nstages)s)] THEN 100 ELSE 5 + mod(i, 90) END
                       AS probability,
                   (%(team_ids)s::int[])[1 + mod(i / %(nstages)s, %(nsellers)s)] AS team_id,
                   (%(user_ids)s::int[])[1 + mod(i / %(nstages)s, %(nsellers)s)] AS user_id,
                   (%(company_ids)s::int[])[1 + mod(i / %(nstages)s, %(nsellers)s)] AS company_id,
                   (%(partner_ids)s::int[])[1 + mod(i * 7, %(npartners)s)] AS partner_id,
                   1000.0 * (1 + mod(i * 7919, 60000)) AS revenue,
                   mod(i, 4)::text AS priority,
                   now() at time zone 'UTC' - make_interval(mins => mod(i * 37, 525600)) AS created
              FROM generate_series(0, %(missing)s - 1) AS i
          ) AS g
    """, {
        "prefix": BENCH_PREFIX, "first": first_number, "missing": missing,
        "stage_ids": [stage_id for stage_id, _won in stages], "won": [won for _id, won in stages],
        "nstages": len(stages),
        "team_ids": [team for team, _user, _company in sellers],
        "user_ids": [user for _team, user, _company in sellers],
        "company_ids": [company for _team, _user, company in sellers],
        "nsellers": len(sellers), "partner_ids": partners, "npartners": len(partners),
    })
    cr.commit()
    cr.execute("ANALYZE crm_lead")
    cr.commit()
    print(f"inserted in {time.perf_counter() - started:.1f} s", flush=True)
    return count + missing


@contextlib.contextmanager
def rolled_back(env):
    """Run a block in a savepoint that is rolled back, leaving the cache and the pending work clean."""
    env.flush_all()
    env.cr.execute("SAVEPOINT spm_bench")
    try:
        yield
    finally:
        env.cr.execute("ROLLBACK TO SAVEPOINT spm_bench")
        env.cr.execute("RELEASE SAVEPOINT spm_bench")
        env.cr.precommit.clear()
        env.transaction.clear()


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
    """, [BENCH_PREFIX + "%", count])
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

def move_run(env, user_env, lead_ids, stage_b, *, gates_on, profiler=None):
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
            lead = user_env["crm.lead"].browse(lead_id)
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


def measure_moves(env, user_env, lead_ids, stage_b, repeats):
    """Alternate the variants (gates on, gates off, gates off, gates on, ...); medians per variant."""
    move_run(env, user_env, lead_ids[:20], stage_b, gates_on=True)  # warm-up
    move_run(env, user_env, lead_ids[:20], stage_b, gates_on=False)
    times = {True: [], False: []}
    queries = {True: [], False: []}
    for repeat in range(repeats):
        for gates_on in (True, False) if repeat % 2 == 0 else (False, True):
            seconds, count = move_run(env, user_env, lead_ids, stage_b, gates_on=gates_on)
            times[gates_on].append(seconds)
            queries[gates_on].append(count)
            print(f"  moves, {'8 gates  ' if gates_on else 'gates off'}: {seconds * 1000:7.2f} ms/lead, "
                  f"{count:5.1f} queries/lead", flush=True)
    return ({key: statistics.median(values) for key, values in times.items()},
            {key: statistics.median(values) for key, values in queries.items()})


def profile_moves(env, user_env, lead_ids, stage_b):
    for gates_on in (True, False):
        profiler = cProfile.Profile()
        move_run(env, user_env, lead_ids, stage_b, gates_on=gates_on, profiler=profiler)
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(30)
        stats.print_stats("sales_project_management", 15)
        print(f"\n--- profile of {len(lead_ids)} moves, {'8 gates' if gates_on else 'gates off'} ---")
        print(out.getvalue())


def _literal(text):
    try:
        value = ast.literal_eval(text or "{}")
    except (ValueError, SyntaxError):
        return {}
    return value if isinstance(value, dict) else {}


def kanban_spec(user_env, model="crm.lead"):
    """The specification the web client sends to load the cards of the kanban view of ``model``
    (the pipeline by default)."""
    views = user_env[model].get_views([(False, "kanban")])
    arch = etree.fromstring(views["views"]["kanban"]["arch"])
    fields = user_env[model]._fields  # the view's fields, and the ones widgets depend on
    spec = {}

    def add(name, invisible=False, related=None):
        entry = spec.setdefault(name, {})
        ftype = fields[name].type
        if ftype in ("many2one", "reference"):
            entry.setdefault("fields", {})
            if not invisible:
                entry["fields"]["display_name"] = {}
        elif ftype in ("one2many", "many2many") and related and not invisible:
            entry.setdefault("fields", {}).update({fname: {} for fname in related})
        elif ftype == "properties":
            definition = spec.setdefault(fields[name].definition_record, {})
            definition.setdefault("fields", {})["display_name"] = {}

    for node in arch.iter("field"):
        widget = node.get("widget")
        related = WIDGET_RELATED_FIELDS.get(widget)
        add(node.get("name"), invisible=node.get("invisible") in ("1", "True"),
            related=related(_literal(node.get("options"))) if related else None)
        for dependency in WIDGET_DEPENDENCIES.get(widget, ()):
            add(dependency)
    if arch.get("highlight_color"):
        add(arch.get("highlight_color"))
    for progressbar in arch.iter("progressbar"):
        for attribute in ("sum_field", "recurring_revenue_sum_field"):
            if progressbar.get(attribute):
                add(progressbar.get(attribute))
    return spec


def measure_kanban(env, user_env, stage, runs):
    """Median time and queries of loading the first cards of ``stage``, with and without the addon's fields."""
    addon_spec = kanban_spec(user_env)
    plain_spec = {name: value for name, value in addon_spec.items() if not name.startswith("spm_")}
    domain = [("type", "=", "opportunity"), ("stage_id", "=", stage.id)]
    Lead = user_env["crm.lead"]
    cr = env.cr

    def load(spec):
        env.invalidate_all()
        count, started = cr.sql_log_count, time.perf_counter()
        result = Lead.web_search_read(domain, spec, limit=KANBAN_LIMIT, order=Lead._order)
        elapsed = time.perf_counter() - started
        if len(result["records"]) != KANBAN_LIMIT:
            sys.exit(f"The stage {stage.name} holds fewer than {KANBAN_LIMIT} opportunities.")
        return elapsed, cr.sql_log_count - count

    for _warm_up in range(3):
        load(addon_spec)
        load(plain_spec)
    gc.collect()
    samples = {"addon": [], "plain": []}
    for run in range(runs):
        for name in ("addon", "plain") if run % 2 == 0 else ("plain", "addon"):
            samples[name].append(load(addon_spec if name == "addon" else plain_spec))
    extra = sorted(set(addon_spec) - set(plain_spec))
    return ({name: statistics.median(elapsed for elapsed, _count in values) for name, values in samples.items()},
            {name: statistics.median(count for _elapsed, count in values) for name, values in samples.items()},
            extra, len(addon_spec))


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
        total = ensure_leads(cr, args.leads)
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        user_env = api.Environment(cr, admin.id, env["res.users"].with_user(admin).context_get())
        stage = env.ref("crm.stage_lead1")
        cr.execute("SELECT count(*) FROM crm_lead WHERE type = 'opportunity' AND active AND stage_id = %s", [stage.id])
        in_stage = cr.fetchone()[0]

        print(f"kanban: {KANBAN_LIMIT} cards of “{stage.name}” ({in_stage} opportunities), "
              f"{args.kanban_runs} loads per variant", flush=True)
        kanban_times, kanban_queries, extra, nfields = measure_kanban(env, user_env, stage, args.kanban_runs)
        print(f"  {nfields} fields in the specification; the addon's: {', '.join(extra)}")

        stage_a, stage_b, gates, lead_ids = setup_bench_stages(env, args.moves)
        print(f"moves: {len(lead_ids)} opportunities from “{stage_a.name}” ({len(gates)} gates: "
              f"{', '.join(sorted(set(gates.mapped('gate_type'))))}) to “{stage_b.name}”, as {admin.login}, "
              f"{args.repeats} runs per variant", flush=True)
        move_times, move_queries = measure_moves(env, user_env, lead_ids, stage_b, args.repeats)
        if args.profile:
            profile_moves(env, user_env, lead_ids, stage_b)
    finally:
        cr.rollback()
        cr.close()

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
