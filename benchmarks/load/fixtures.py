#!/usr/bin/env python3
"""Data of the load test, made with Odoo as a library (``benchmarks/common.py``).

Two steps, each in its own process (Odoo's configuration is global):

``--build`` (once, on the template databases): 100,000 opportunities on both databases, spread over
pipelines of the same number of stages (plain Odoo gets stages added up to the addon's eight), and
what the load needs:

* ``LOAD MOVE nnnn``: opportunities of the first stage whose gates are met (a contact name, a
  customer visit held yesterday) on the addon's database; the same opportunities (contact name) on
  plain Odoo. Each is moved once to the second stage;
* ``LOAD 立项 nnnn`` (addon only): department-level opportunities (30,000,000) of 王磊 (spm_sales,
  华东大区): each gets one initiation request, approved by the team leader (陈强) and then by a
  manager, 周敏 (spm_director) and 刘洋 (spm_manager2) racing on the same step;
* ``LOAD 回款 nn`` (addon only): sales projects with a confirmed order and a confirmed plan of six
  installments all due (date trigger, in the past), to invoice with double clicks and to pay;
* plain Odoo gets the same work in its own terms (``LOAD 订单 nnn``): confirmed sale orders of a
  service invoiced on order, as many as the addon's installments, that its accountant invoices with
  the order's wizard (double clicks) and pays; its salespeople sell a service that creates a
  project and a task when the order is confirmed (sale_project's demo product), and the sale order
  PDF is its report.

``--describe`` (on the copies the run uses): the JSON the Locust scenario reads — the field
specifications the web client sends for the pipeline kanban and the opportunity form of that
database, the pools of records, the users — and a snapshot of every opportunity's stage
(table ``spm_load_snapshot``) that the checker compares with after the run.
"""

import argparse
import json
import os
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from common import (
    ensure_leads,
    make_collection_projects,
    odoo_cursor,
    superuser_env,
    user_env,
    view_spec,
)

from odoo import Command, fields

MOVE_PREFIX = "LOAD MOVE "
INITIATION_PREFIX = "LOAD 立项 "
COLLECTION_PREFIX = "LOAD 回款 "
ORDER_PREFIX = "LOAD 订单 "
COLLECTION_PLAN = [("预付款", 10, 0), ("设计确认款", 15, 10), ("到货款", 20, 20), ("安装款", 20, 30),
                   ("验收款", 25, 40), ("质保金", 10, 50)]
KANBAN_LIMIT = 80
PASSWORDS = {"admin": "admin"}  # the demo users' password is their login


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--kind", choices=("addon", "plain"), required=True)
    parser.add_argument("--addons-path")
    parser.add_argument("--db-port", help="PostgreSQL port")
    parser.add_argument("--build", action="store_true", help="make the data (template database)")
    parser.add_argument("--describe", metavar="JSON", help="write the scenario's JSON and the stage snapshot")
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=2000, help="opportunities to move (2000)")
    parser.add_argument("--initiations", type=int, default=300, help="opportunities to request 立项 for (300)")
    parser.add_argument("--collections", type=int, default=40, help="projects with six installments due (40)")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Build (template databases)
# ---------------------------------------------------------------------------------------------

def ensure_stages(env, count):
    """Plain Odoo's pipeline with as many stages as the addon's, so that the opportunities spread alike."""
    stages = env["crm.stage"].search([("team_id", "=", False)])
    if len(stages) < count:
        last = max(stages.mapped("sequence") or [0])
        won = stages.filtered("is_won")
        env["crm.stage"].create([{"name": f"Stage {n}", "sequence": (won.sequence or last) - count + n}
                                 for n in range(len(stages), count)])
        env.flush_all()


def load_company(env, kind):
    """The company the load works in: the addon's demo company (华智, its users, teams, gates and
    grades), plain Odoo's only one. Its opportunities are all the database's 100,000, and the users
    work in it alone, as the web client does (the company switcher: one active company)."""
    if kind == "addon":
        return env.ref("sales_project_management.spm_company")
    return env.ref("base.user_admin").company_id


def first_stages(env):
    stages = env["crm.stage"].search([("team_id", "=", False), ("is_won", "=", False)], order="sequence, id")
    return stages[0], stages[1]


def build_moves(env, kind, count):
    """Name ``count`` opportunities of the first stage LOAD MOVE and meet the first stage's gates."""
    cr = env.cr
    first, _second = first_stages(env)
    cr.execute("""
        UPDATE crm_lead SET name = %s || lpad(sub.n::text, 4, '0'), contact_name = 'LOAD 联系人'
          FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM crm_lead
                 WHERE stage_id = %s AND type = 'opportunity' AND active AND partner_id IS NOT NULL
                   AND name LIKE 'BENCH %%' ORDER BY id LIMIT %s) AS sub
         WHERE crm_lead.id = sub.id
    """, [MOVE_PREFIX, first.id, count])
    if kind == "addon":
        # a visit held yesterday: the gate "at least one customer visit logged"
        cr.execute("""
            INSERT INTO spm_visit (name, user_id, company_id, partner_id, lead_id, visit_type, date_start, duration,
                                   intent_level, create_uid, write_uid, create_date, write_date)
            SELECT 'LOAD 拜访', l.user_id, l.company_id, l.partner_id, l.id, 'follow_up',
                   now() at time zone 'UTC' - interval '1 day', 1, 'medium', 1, 1,
                   now() at time zone 'UTC', now() at time zone 'UTC'
              FROM crm_lead l
             WHERE l.name LIKE %s
        """, [MOVE_PREFIX + "%"])
        env.invalidate_all()
        leads = env["crm.lead"].search([("name", "=like", MOVE_PREFIX + "%")])
        blocked = leads.filtered(lambda lead: not lead.spm_gate_ready)
        if blocked:
            sys.exit(f"{len(blocked)} LOAD MOVE opportunities do not meet their gates: {blocked[0].spm_gate_missing}")


def build_initiations(env, count):
    """Department-level opportunities of 王磊 (华东大区) waiting for their 立项 request."""
    ref = env.ref
    sales = ref("sales_project_management.user_spm_sales")
    company = ref("sales_project_management.spm_company")
    customers = [ref(f"sales_project_management.{xmlid}") for xmlid in (
        "partner_hospital", "partner_university", "partner_transport_bureau", "partner_parking_group",
        "partner_water_group")]
    first, _second = first_stages(env)
    env["crm.lead"].with_context(tracking_disable=True, mail_create_nolog=True).create([{
        "name": f"{INITIATION_PREFIX}{n:04d}", "type": "opportunity", "user_id": sales.id,
        "team_id": ref("sales_project_management.team_east").id, "company_id": company.id,
        "partner_id": customers[n % len(customers)].id, "expected_revenue": 30_000_000, "stage_id": first.id,
        "description": f"LOAD 立项 {n}",
    } for n in range(1, count + 1)])
    env.flush_all()


def build_collections(env, count):
    company = env.ref("sales_project_management.spm_company")
    projects = make_collection_projects(
        env, company, count=count, prefix=COLLECTION_PREFIX,
        salespeople=("spm_sales", "spm_sales2", "spm_manager", "spm_manager2"),
        customers=("partner_hospital", "partner_university", "partner_transport_bureau", "partner_parking_group",
                   "partner_water_group"),
        plan=COLLECTION_PLAN)
    # all installments are due: the orders were signed 30 days and more ago, the last installment 50 days after
    for project in projects:
        project.spm_collection_line_ids.write({"trigger_date": fields.Date.today() - timedelta(days=1)})
        project.action_spm_confirm_collection_plan()
    env.flush_all()
    lines = projects.spm_collection_line_ids
    if set(lines.mapped("state")) != {"to_invoice"}:
        sys.exit(f"The LOAD installments are not all to invoice: {sorted(set(lines.mapped('state')))}")


def build_orders(env, count):
    """Plain Odoo: confirmed sale orders of a service invoiced on order, waiting for their invoice."""
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
    product = env["product.product"].create({
        "name": f"{ORDER_PREFIX}系统集成服务", "type": "service", "invoice_policy": "order",
        "list_price": 1_000_000, "taxes_id": [Command.clear()],
    })
    customers = env["res.partner"].search([("is_company", "=", True), ("company_id", "=", False),
                                           ("id", "not in", env["res.company"].search([]).partner_id.ids)],
                                          order="id")
    orders = env["sale.order"].create([{
        "partner_id": customers[n % len(customers)].id, "client_order_ref": f"{ORDER_PREFIX}{n:03d}",
        "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
    } for n in range(1, count + 1)])
    orders.action_confirm()
    env.flush_all()
    if set(orders.mapped("invoice_status")) != {"to invoice"}:
        sys.exit(f"The LOAD orders are not all to invoice: {sorted(set(orders.mapped('invoice_status')))}")


def build(args):
    with odoo_cursor(args.database, args.addons_path) as cr:
        env = superuser_env(cr)
        started = time.perf_counter()
        if args.kind == "plain":
            cr.execute("SELECT count(*) FROM sale_order WHERE client_order_ref LIKE %s", [ORDER_PREFIX + "%"])
            if not cr.fetchone()[0]:
                build_orders(env, args.collections * len(COLLECTION_PLAN))
                cr.commit()
        cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE %s", [MOVE_PREFIX + "%"])
        if cr.fetchone()[0]:
            print(f"{args.database}: the load data is there", flush=True)
            return
        if args.kind == "plain":
            ensure_stages(env, 8)
            cr.commit()
        ensure_leads(cr, args.leads, load_company(env, args.kind).id)
        build_moves(env, args.kind, args.moves)
        if args.kind == "addon":
            build_initiations(env, args.initiations)
            build_collections(env, args.collections)
        cr.commit()
        for table in ("crm_lead", "spm_visit", "spm_collection_line", "account_move", "sale_order"):
            cr.execute("SELECT to_regclass(%s)", [table])
            if cr.fetchone()[0]:
                cr.execute(f"ANALYZE {table}")
        cr.commit()
        print(f"{args.database}: load data made in {time.perf_counter() - started:.0f} s", flush=True)


# ---------------------------------------------------------------------------------------------
# Describe (the databases of a run)
# ---------------------------------------------------------------------------------------------

def describe(args):
    with odoo_cursor(args.database, args.addons_path) as cr:
        env = superuser_env(cr)
        admin = env.ref("base.user_admin")
        company = load_company(env, args.kind)
        admin_env = user_env(env, admin, company)
        first, second = first_stages(env)
        moves = env["crm.lead"].search([("name", "=like", MOVE_PREFIX + "%")], order="id").ids
        data = {
            "kind": args.kind,
            "database": args.database,
            "admin": {"login": admin.login, "password": PASSWORDS["admin"]},
            "kanban_spec": view_spec(admin_env, "crm.lead", "kanban"),
            "form_spec": view_spec(admin_env, "crm.lead", "form"),
            "kanban_limit": KANBAN_LIMIT,
            "first_stage": first.id,
            "second_stage": second.id,
            "moves": moves,
            # opportunities the form opens: any of the first stage
            "forms": env["crm.lead"].search([("stage_id", "=", first.id), ("type", "=", "opportunity"),
                                             ("company_id", "in", [company.id, False])],
                                            limit=500, order="id").ids,
            "company": company.id,
        }
        if args.kind == "addon":
            data.update(describe_addon(env, first))
        else:
            data.update(describe_plain(env))
        cr.execute("DROP TABLE IF EXISTS spm_load_snapshot")
        cr.execute("CREATE TABLE spm_load_snapshot AS SELECT id, stage_id, now() at time zone 'UTC' AS taken "
                   "FROM crm_lead")
        cr.commit()
    with open(args.describe, "w", encoding="utf-8") as file:
        json.dump(data, file)


def describe_addon(env, first):
    ref = env.ref
    company = ref("sales_project_management.spm_company")
    blocked = env["crm.lead"].search([("stage_id", "=", first.id), ("name", "=like", "BENCH %"),
                                      ("company_id", "=", company.id), ("spm_gate_ready", "=", False)],
                                     limit=3000, order="id")
    installments = env["spm.collection.line"].search([("project_id.name", "=like", COLLECTION_PREFIX + "%"),
                                                       ("state", "=", "to_invoice")], order="id")
    return {
        "blocked": blocked.ids,
        "initiation_leads": env["crm.lead"].search([("name", "=like", INITIATION_PREFIX + "%"),
                                                    ("spm_initiation_ids", "=", False)], order="id").ids,
        "installments": installments.ids,
        "initiations": env["spm.initiation"].search([], order="id").ids,
        "initiation_report": ref("sales_project_management.action_report_spm_initiation").report_name,
        "logins": {role: {"login": login, "password": login} for role, login in (
            ("sales", "spm_sales"), ("leader", "spm_manager"), ("director", "spm_director"),
            ("manager2", "spm_manager2"), ("accountant", "spm_accountant"))},
        "gate_overrider": {"login": "spm_manager", "password": "spm_manager"},
        "users": {login: env["res.users"].search([("login", "=", login)]).id
                  for login in ("spm_sales", "spm_manager", "spm_director", "spm_manager2", "spm_accountant")},
    }


def describe_plain(env):
    orders = env["sale.order"].search([("client_order_ref", "=like", ORDER_PREFIX + "%"),
                                       ("invoice_status", "=", "to invoice")], order="id")
    customers = env["res.partner"].search([("is_company", "=", True), ("company_id", "=", False),
                                           ("id", "not in", env["res.company"].search([]).partner_id.ids)],
                                          order="id")
    return {
        "orders_to_invoice": orders.ids,
        "project_product": env.ref("sale_project.product_service_create_project_and_task").id,
        "customers": customers.ids,
        "order_report": env.ref("sale.action_report_saleorder").report_name,
    }


def main(argv=None):
    args = parse_args(argv)
    if args.db_port:
        os.environ["PGPORT"] = args.db_port
    if args.build:
        build(args)
    if args.describe:
        describe(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
