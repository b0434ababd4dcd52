"""What every benchmark under ``benchmarks/`` shares: Odoo as a library (configuration, registry,
cursor, environments of a user), the data they generate (100,000 opportunities, collection plans
invoiced and paid through the ORM), the field specifications the web client sends, and the timing
helpers (alternating variants, captured SQL).

The scripts import it as ``common`` (``benchmarks/`` is on ``sys.path`` when a script of it runs;
the load test puts it there itself).
"""

import argparse
import ast
import contextlib
import gc
import logging
import os
import statistics
import sys
import time
from datetime import timedelta

from lxml import etree

import odoo
from odoo import Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools import config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEAD_PREFIX = "BENCH "

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


# ---------------------------------------------------------------------------------------------
# Odoo as a library
# ---------------------------------------------------------------------------------------------

def default_addons_path():
    """The addons path ``make test`` uses: Odoo's addons, ``ODOO_ADDONS_PATH`` and this repository."""
    sys.path.insert(0, os.path.join(REPO, "tools"))
    from spmctl import addons_path

    return addons_path(os.path.dirname(os.path.abspath(odoo.__file__)))


def argument_parser(doc, database_help="database with sales_project_management installed", strict=True):
    """The options every benchmark takes: the database, the addons path and ``--strict``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-d", "--database", required=True, help=database_help)
    parser.add_argument("--addons-path", help="Odoo addons path (default: the one `make test` uses)")
    if strict:
        parser.add_argument("--strict", action="store_true",
                            help="exit with status 1 when a ratio exceeds the goal")
    return parser


def configure(addons_path=None, *options):
    """Odoo's configuration for a script: the addons path, warnings only, and any server ``options``."""
    config.parse_config(["--addons-path", addons_path or default_addons_path(), "--log-level", "warn", *options],
                        setup_logging=True)


@contextlib.contextmanager
def odoo_cursor(database, addons_path=None):
    """Configure Odoo, load the registry of ``database`` and yield a cursor, rolled back and closed at the end."""
    configure(addons_path, "-d", database)
    cr = Registry(database).cursor()
    try:
        yield cr
    finally:
        cr.rollback()
        cr.close()


def superuser_env(cr):
    return api.Environment(cr, odoo.SUPERUSER_ID, {})


def user_env(env, user, companies=None):
    """The environment of a request of ``user`` (their language and time zone; ``allowed_company_ids``
    set to ``companies`` as the web client's company switcher does)."""
    context = env["res.users"].with_user(user).context_get()
    if companies:
        context = {**context, "allowed_company_ids": companies.ids}
    return api.Environment(env.cr, user.id, context)


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


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def _table_exists(cr, table):
    cr.execute("SELECT 1 FROM information_schema.tables WHERE table_name = %s", [table])
    return bool(cr.fetchone())


def ensure_leads(cr, wanted, company_id=None):
    """Insert the opportunities missing to reach ``wanted`` with SQL (``BENCH 000001``, ...), commit,
    ANALYZE, and return the count. They spread over the stages, sellers and customers; expected
    revenues range from 1,000 to 60,000,000 so that every grade occurs. Works on a database without
    the addon too (plain Odoo): the addon's columns (the grade it computes) are filled when they exist.
    ``company_id``: only the sellers of that company (its teams, or their own company for a team of
    none), so that every opportunity is in that company; by default the sellers of every company."""
    cr.execute("SELECT count(*) FROM crm_lead WHERE type = 'opportunity'")
    count = cr.fetchone()[0]
    missing = wanted - count
    if missing <= 0:
        return count
    cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE %s", [LEAD_PREFIX + "%"])
    first_number = cr.fetchone()[0] + 1
    cr.execute("SELECT id, COALESCE(is_won, FALSE) FROM crm_stage WHERE team_id IS NULL ORDER BY sequence, id")
    stages = cr.fetchall()
    cr.execute("""
        SELECT m.crm_team_id, m.user_id, COALESCE(t.company_id, u.company_id)
          FROM crm_team_member m
          JOIN crm_team t ON t.id = m.crm_team_id AND t.active
          JOIN res_users u ON u.id = m.user_id AND u.active
         WHERE m.active AND (%(company)s IS NULL OR COALESCE(t.company_id, u.company_id) = %(company)s)
         ORDER BY m.id
    """, {"company": company_id})
    sellers = cr.fetchall()
    # the customers of Odoo's own demo data, the same in a database with the addon and in plain Odoo:
    # opportunities per customer (what crm's duplicate search of the form reads) are then alike in both
    cr.execute("""
        SELECT p.id FROM res_partner p
         WHERE p.active AND p.is_company AND p.company_id IS NULL AND p.id NOT IN (SELECT partner_id FROM res_company)
           AND p.id IN (SELECT res_id FROM ir_model_data WHERE model = 'res.partner' AND module = 'base')
         ORDER BY p.id
    """)
    partners = [row[0] for row in cr.fetchall()]
    # i × step modulo the number of customers visits every customer equally when they are coprime
    step = next(prime for prime in (7, 11, 13, 17, 19, 23) if len(partners) % prime)
    if not (stages and sellers and partners):
        sys.exit("The database needs CRM stages, sales team members and company contacts (demo data).")
    addon = _table_exists(cr, "spm_grade")
    # the grade is the one the addon computes
    addon_columns = ", spm_grade_id, spm_grade_manual, spm_feasibility_score" if addon else ""
    addon_values = """, (SELECT grade.id FROM spm_grade grade
                   WHERE grade.active AND (grade.company_id IS NULL OR grade.company_id = g.company_id)
                     AND grade.min_amount <= g.revenue
                   ORDER BY grade.min_amount DESC, grade.sequence, grade.id LIMIT 1), FALSE, 0""" if addon else ""
    print(f"inserting {missing} opportunities ...", flush=True)
    started = time.perf_counter()
    cr.execute(f"""
        INSERT INTO crm_lead (
            name, type, active, stage_id, team_id, user_id, company_id, partner_id,
            expected_revenue, prorated_revenue, probability, automated_probability, priority, color,
            date_open, date_last_stage_update, create_date, write_date, create_uid, write_uid{addon_columns})
        SELECT %(prefix)s || lpad(g.number::text, 6, '0'), 'opportunity', TRUE, g.stage_id, g.team_id,
               g.user_id, g.company_id, g.partner_id, g.revenue, g.revenue * g.probability / 100,
               g.probability, g.probability, g.priority, 0,
               g.created, g.created, g.created, g.created, g.user_id, g.user_id{addon_values}
          FROM (
            SELECT %(first)s + i AS number,
                   (%(stage_ids)s::int[])[1 + mod(i, %(nstages)s)] AS stage_id,
                   CASE WHEN (%(won)s::bool[])[1 + mod(i, %(nstages)s)] THEN 100 ELSE 5 + mod(i, 90) END
                       AS probability,
                   (%(team_ids)s::int[])[1 + mod(i / %(nstages)s, %(nsellers)s)] AS team_id,
                   (%(user_ids)s::int[])[1 + mod(i / %(nstages)s, %(nsellers)s)] AS user_id,
                   (%(company_ids)s::int[])[1 + mod(i / %(nstages)s, %(nsellers)s)] AS company_id,
                   (%(partner_ids)s::int[])[1 + mod(i * %(step)s, %(npartners)s)] AS partner_id,
                   1000.0 * (1 + mod(i * 7919, 60000)) AS revenue,
                   mod(i, 4)::text AS priority,
                   now() at time zone 'UTC' - make_interval(mins => mod(i * 37, 525600)) AS created
              FROM generate_series(0, %(missing)s - 1) AS i
          ) AS g
    """, {
        "prefix": LEAD_PREFIX, "first": first_number, "missing": missing,
        "stage_ids": [stage_id for stage_id, _won in stages], "won": [won for _id, won in stages],
        "nstages": len(stages),
        "team_ids": [team for team, _user, _company in sellers],
        "user_ids": [user for _team, user, _company in sellers],
        "company_ids": [company for _team, _user, company in sellers],
        "nsellers": len(sellers), "partner_ids": partners, "npartners": len(partners), "step": step,
    })
    cr.commit()
    cr.execute("ANALYZE crm_lead")
    cr.commit()
    print(f"inserted in {time.perf_counter() - started:.1f} s", flush=True)
    return count + missing


SALESPERSON_PREFIX = "bench_spm_sales_"


def ensure_salespeople(env, company, persons):
    """``persons`` salespeople of ``company`` (``bench_spm_sales_001`` ...), alternately in the demo's two
    sales teams, made through the ORM when missing; returns them."""
    Users = env["res.users"].with_context(no_reset_password=True)
    users = Users.search([("login", "=like", SALESPERSON_PREFIX + "%")], order="login")
    if len(users) < persons:
        print(f"making {persons - len(users)} salespeople through the ORM ...", flush=True)
        group = env.ref("sales_project_management.group_spm_user")
        teams = [env.ref("sales_project_management.team_east"), env.ref("sales_project_management.team_north")]
        for number in range(len(users) + 1, persons + 1):
            user = Users.create({
                "login": f"{SALESPERSON_PREFIX}{number:03d}", "name": f"BENCH 销售 {number:03d}",
                "company_id": company.id, "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([env.ref("base.group_user").id, group.id])], "tz": "Asia/Shanghai",
            })
            env["crm.team.member"].create({"crm_team_id": teams[number % 2].id, "user_id": user.id})
        users = Users.search([("login", "=like", SALESPERSON_PREFIX + "%")], order="login")
    return users[:persons]


def make_collection_projects(env, company, *, count, prefix, salespeople, customers, plan, invoice_every=None,
                             pay=False):
    """Sales projects of ``company`` made through the ORM, each with a confirmed sale order and a confirmed
    collection plan: ``plan`` is a list of (installment name, percent, days after the order). ``count``
    orders spread over ``salespeople`` (logins) and ``customers`` (xmlids of the addon's demo).

    ``invoice_every``: the accountant invoices the installments due, except one in that many (None: none
    is invoiced); ``pay``: one invoice in three is then paid in full and one in three by half
    (``account.payment.register``). Returns the projects; the caller commits.
    """
    env = env(context=dict(env.context, allowed_company_ids=company.ids, tracking_disable=True,
                           mail_create_nolog=True, mail_notrack=True, mail_auto_subscribe_no_notify=True))
    ref = env.ref
    today = fields.Date.context_today(env["spm.collection.line"])
    sellers = [env["res.users"].search([("login", "=", login)]) for login in salespeople]
    partners = [ref(f"sales_project_management.{xmlid}") for xmlid in customers]
    grades = [ref(f"sales_project_management.{xmlid}") for xmlid in ("grade_office", "grade_department")]
    accountant = env["res.users"].search([("login", "=", "spm_accountant")])
    product = env["product.product"].create({
        "name": f"{prefix}系统集成服务", "type": "service", "invoice_policy": "order", "list_price": 1_000_000,
        "taxes_id": [Command.clear()], "company_id": company.id,
    })
    projects = env["project.project"]
    for k in range(count):
        seller, customer = sellers[k % len(sellers)], partners[k % len(partners)]
        signed = today - timedelta(days=30 + 30 * k)
        project = env["project.project"].create({
            "name": f"{prefix}{k + 1:02d}", "company_id": company.id, "user_id": seller.id,
            "partner_id": customer.id, "spm_grade_id": grades[k % len(grades)].id, "date_start": signed,
        })
        order = env["sale.order"].create({
            "partner_id": customer.id, "company_id": company.id, "user_id": seller.id, "project_id": project.id,
            "date_order": fields.Datetime.to_datetime(signed), "client_order_ref": f"{prefix}{k + 1:02d}",
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1,
                                           "price_unit": 200_000 * (1 + (k * 7) % 25), "tax_id": [Command.clear()]})],
        })
        order.action_confirm()
        env["spm.collection.line"].create([
            {"project_id": project.id, "sale_order_id": order.id, "sequence": 10 * (i + 1), "name": name,
             "percent": percent, "trigger": "date", "trigger_date": signed + timedelta(days=days)}
            for i, (name, percent, days) in enumerate(plan)
        ])
        project.action_spm_confirm_collection_plan()
        projects |= project
    env.flush_all()
    if invoice_every is None:
        return projects
    invoices = env["account.move"]
    due_lines = env["spm.collection.line"].search([("project_id", "in", projects.ids),
                                                   ("state", "=", "to_invoice")], order="project_id, sequence")
    for n, line in enumerate(due_lines):
        if n % invoice_every == invoice_every - 1:
            continue  # some stay to invoice
        invoices += invoices.browse(line.with_user(accountant).action_create_invoice()["res_id"])
    for n, invoice in enumerate(invoices if pay else ()):
        if n % 3 == 2:
            continue  # not paid yet
        amount = invoice.amount_total if n % 3 == 0 else invoice.currency_id.round(invoice.amount_total / 2)
        env["account.payment.register"].with_user(accountant).with_context(
            active_model="account.move", active_ids=invoice.ids).create({
                "amount": amount, "payment_date": min(today, invoice.invoice_date_due or today),
            })._create_payments()
    env.flush_all()
    return projects


# ---------------------------------------------------------------------------------------------
# What the web client sends
# ---------------------------------------------------------------------------------------------

def _literal(text):
    try:
        value = ast.literal_eval(text or "{}")
    except (ValueError, SyntaxError):
        return {}
    return value if isinstance(value, dict) else {}


def view_spec(user_env, model, view_type="kanban"):
    """The specification the web client sends to load the records of the default ``view_type`` view
    of ``model`` (the fields of the view itself; the sub-views of a form's x2many fields are read by
    their display name)."""
    views = user_env[model].get_views([(False, view_type)])
    arch = etree.fromstring(views["views"][view_type]["arch"])
    fields_ = user_env[model]._fields  # the view's fields, and the ones widgets depend on
    spec = {}

    def add(name, invisible=False, related=None):
        entry = spec.setdefault(name, {})
        ftype = fields_[name].type
        if ftype in ("many2one", "reference"):
            entry.setdefault("fields", {})
            if not invisible:
                entry["fields"]["display_name"] = {}
        elif ftype in ("one2many", "many2many") and not invisible:
            if related:
                entry.setdefault("fields", {}).update({fname: {} for fname in related})
            elif view_type != "kanban":
                entry.setdefault("fields", {})["display_name"] = {}
        elif ftype == "properties":
            definition = spec.setdefault(fields_[name].definition_record, {})
            definition.setdefault("fields", {})["display_name"] = {}

    for node in arch.iter("field"):
        if any(parent.tag == "field" for parent in node.iterancestors()):
            continue  # a field of a sub-view
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


def kanban_spec(user_env, model="crm.lead"):
    """The specification the web client sends to load the cards of the kanban view of ``model``
    (the pipeline by default)."""
    return view_spec(user_env, model, "kanban")


def without_addon(spec):
    """The same specification without the addon's ``spm_*`` fields: what plain Odoo would read."""
    return {name: value for name, value in spec.items() if not name.startswith("spm_")}


# ---------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------

def alternate(variants, runs, warm_up=3):
    """Call each of ``variants`` ({name: function returning (seconds, queries)}) ``runs`` times, alternating
    the order run by run after ``warm_up`` rounds; return ({name: median seconds}, {name: median queries})."""
    for _round in range(warm_up):
        for function in variants.values():
            function()
    gc.collect()
    samples = {name: [] for name in variants}
    names = list(variants)
    for run in range(runs):
        for name in names if run % 2 == 0 else reversed(names):
            samples[name].append(variants[name]())
    return ({name: statistics.median(seconds for seconds, _count in values) for name, values in samples.items()},
            {name: statistics.median(count for _seconds, count in values) for name, values in samples.items()})


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
