#!/usr/bin/env python3
"""The invariants the load test proves after its run, on the addon's database, and the server logs.

1. every opportunity that moved forward during the run (stage now vs the ``spm_load_snapshot``
   taken before it) has a gate log, passed or overridden, of a move made during the run into the
   stage it stands in, and the run's logs cover every gated stage it left; no log of the run names
   a stage the opportunity did not reach;
2. no approval step decided twice (one decision message per decided step, distinct deciders within
   a round, the racing pairs of the scenario: at most one winner each), at most one project per
   立项, exactly one for an approved 立项 and none for the others (nothing half-written);
3. at most one posted invoice per installment (not reversed), and every invoice of the installments'
   orders belongs to exactly one installment (no invoice left behind by a killed request);
4. the amount received of every installment equals the reconciliations (``account_partial_reconcile``)
   of its posted invoices' receivable lines with anything but a credit note, and every payment
   registered is posted and reconciled;
5. no server error in the addon's server log (``ERROR``/``CRITICAL`` lines, HTTP 500) other than
   Odoo's retried serialization conflicts, and no failed request of the addon's users in the
   scenario's results, except, with faults injected, the requests cut by a fault (a killed worker,
   the database restarting) within its window. Plain Odoo's server is the yardstick of the speed, not
   a promise of the addon: its failures (plain Odoo's own answers to double-clicked confirmations)
   are counted, not checked.

Usable alone, on the databases and files of a run::

    python3 benchmarks/load/check.py --addon-db spm_load_addon --log addon.log \\
        --results results.jsonl [--faults faults.json]
"""

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime

import psycopg2

LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+ \d+ (\w+) (\S+) (\S+): (.*)$")
ALLOWED_CONFLICTS = ("could not serialize", "SerializationFailure", "serialization_failure", "concurrent update",
                     "deadlock detected", "LockNotAvailable", "lock_not_available")
# what a fault causes: a connection cut by a killed worker or by the database restarting
FAULT_MARKS = ("OperationalError", "InterfaceError", "connection", "terminating", "server closed",
               "shutting down", "ConnectionResetError", "RemoteDisconnected", "HTTP 0", "the database system",
               "Bus.loop", "starting up", "registry unusable", "Failed to load registry",
               "recovery mode", "ConnectionError", "BrokenPipe", "Connection refused")
GRACE = 30  # seconds after a fault during which its after-effects are expected


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--addon-db", required=True)
    parser.add_argument("--log", action="append", default=[], help="an Odoo server log (repeatable)")
    parser.add_argument("--results", help="the scenario's results (JSON lines)")
    parser.add_argument("--faults", help="the faults injected (JSON: [{kind, start, end, ...}])")
    parser.add_argument("--since", type=float, help="start of the run (epoch); default: the snapshot's time")
    return parser.parse_args(argv)


class Checker:
    def __init__(self, cr, faults=()):
        self.cr = cr
        self.faults = list(faults)
        self.problems = defaultdict(list)
        self.facts = {}

    def fail(self, check, detail):
        self.problems[check].append(detail)

    def rows(self, query, params=None):
        self.cr.execute(query, params)
        return self.cr.fetchall()

    def in_fault(self, when):
        return any(fault["start"] - 1 <= when <= fault["end"] + GRACE for fault in self.faults)

    # -----------------------------------------------------------------------------------------
    # 1. gates
    # -----------------------------------------------------------------------------------------

    def check_gates(self):
        check = "every opportunity past a gate has a passed or overridden log"
        (since,) = self.rows("SELECT min(taken) FROM spm_load_snapshot")[0]
        stages = dict(self.rows("SELECT id, sequence FROM crm_stage"))
        gated = {stage_id for (stage_id,) in self.rows(
            "SELECT DISTINCT stage_id FROM spm_stage_gate WHERE active AND stage_id IS NOT NULL")}
        moved = self.rows("""
            SELECT l.id, s.stage_id, l.stage_id
              FROM crm_lead l JOIN spm_load_snapshot s ON s.id = l.id
             WHERE l.stage_id IS DISTINCT FROM s.stage_id
        """)
        logs = defaultdict(list)
        for lead_id, stage_from, stage_to, result in self.rows("""
                SELECT lead_id, stage_from_id, stage_to_id, result FROM spm_gate_log
                 WHERE lead_id IS NOT NULL AND create_date >= %s""", [since]):
            logs[lead_id].append((stage_from, stage_to, result))
        forward = 0
        for lead_id, old, new in moved:
            if stages.get(new, 0) <= stages.get(old, 0):
                continue
            forward += 1
            lead_logs = logs.get(lead_id, [])
            if not any(to == new and result in ("passed", "overridden") for _from, to, result in lead_logs):
                self.fail(check, f"opportunity {lead_id}: moved {old} -> {new} without a gate log")
                continue
            covered = [(stages.get(frm, 0), stages.get(to, 0)) for frm, to, _result in lead_logs]
            for stage_id in gated:
                sequence = stages[stage_id]
                if stages[old] <= sequence < stages[new] and not any(
                        low <= sequence < high for low, high in covered):
                    self.fail(check, f"opportunity {lead_id}: left the gated stage {stage_id} without a log")
        current = dict(self.rows("SELECT id, stage_id FROM crm_lead WHERE id IN %s",
                                 [tuple(logs) or (0,)]))
        for lead_id, lead_logs in logs.items():
            for _from, to, _result in lead_logs:
                if stages.get(current.get(lead_id), 0) < stages.get(to, 0):
                    self.fail("no half-written move", f"opportunity {lead_id}: a log into {to} it never reached")
        self.facts["forward moves"] = forward
        self.facts["gate logs of the run"] = sum(len(value) for value in logs.values())
        self.facts["overridden"] = sum(1 for value in logs.values() for *_rest, result in value
                                       if result == "overridden")

    # -----------------------------------------------------------------------------------------
    # 2. approvals
    # -----------------------------------------------------------------------------------------

    def check_approvals(self, decisions):
        check = "no approval step decided twice"
        for initiation_id, line_count, message_count in self.rows("""
                SELECT i.id,
                       (SELECT count(*) FROM spm_initiation_approval a
                         WHERE a.initiation_id = i.id AND a.state IN ('approved', 'rejected', 'returned')),
                       (SELECT count(*) FROM mail_message m
                         WHERE m.model = 'spm.initiation' AND m.res_id = i.id
                           AND m.body LIKE '<p><b>%%</b> — %%')
                  FROM spm_initiation i"""):
            if message_count != line_count:
                self.fail(check, f"立项 {initiation_id}: {line_count} steps decided, {message_count} decisions")
        for initiation_id, round_, deciders, decided in self.rows("""
                SELECT initiation_id, round, count(DISTINCT decided_by_id), count(*)
                  FROM spm_initiation_approval WHERE state = 'approved'
                 GROUP BY initiation_id, round HAVING count(DISTINCT decided_by_id) != count(*)"""):
            self.fail(check, f"立项 {initiation_id}, round {round_}: {decided} steps approved by {deciders} people")
        for line_id, decided_by, date in self.rows("""
                SELECT id, decided_by_id, date FROM spm_initiation_approval
                 WHERE (state IN ('approved', 'rejected', 'returned')) != (decided_by_id IS NOT NULL AND
                                                                          date IS NOT NULL)"""):
            self.fail("no half-written decision", f"approval {line_id}: decided by {decided_by} on {date}")
        for decision in decisions:
            if len(decision.get("winners", [])) > 1:
                self.fail(check, f"立项 {decision['initiation']}: step {decision['step']} won by "
                                 f"{decision['winners']} ({decision['what']})")
        projects = "at most one project per 立项"
        for initiation_id, count in self.rows("""
                SELECT spm_initiation_id, count(*) FROM project_project
                 WHERE spm_initiation_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1"""):
            self.fail(projects, f"立项 {initiation_id}: {count} projects")
        for initiation_id, state, project_id, linked in self.rows("""
                SELECT i.id, i.state, i.project_id,
                       (SELECT count(*) FROM project_project p WHERE p.spm_initiation_id = i.id)
                  FROM spm_initiation i"""):
            if state == "approved" and not (project_id and linked == 1):
                self.fail(projects, f"approved 立项 {initiation_id}: project {project_id}, {linked} linked")
            if state != "approved" and linked and not project_id:
                self.fail(projects, f"{state} 立项 {initiation_id} has {linked} project(s)")
        (pending_of_closed,) = self.rows("""
            SELECT count(*) FROM spm_initiation_approval a JOIN spm_initiation i ON i.id = a.initiation_id
             WHERE i.state IN ('approved', 'rejected', 'cancelled') AND a.state = 'pending'""")[0]
        if pending_of_closed:
            self.fail("no half-written decision", f"{pending_of_closed} steps pending on closed requests")
        states = Counter(dict(self.rows("SELECT state, count(*) FROM spm_initiation GROUP BY state")))
        self.facts["立项 by state"] = dict(states)
        self.facts["races and double clicks"] = len(decisions)
        self.facts["... with one winner"] = sum(1 for d in decisions if len(d.get("winners", [])) == 1)

    # -----------------------------------------------------------------------------------------
    # 3, 4. invoices and money
    # -----------------------------------------------------------------------------------------

    def check_invoices(self, invoices):
        check = "at most one posted invoice per installment"
        for line_id, count in self.rows("""
                SELECT r.line_id, count(*)
                  FROM spm_collection_line_account_move_rel r
                  JOIN account_move m ON m.id = r.move_id AND m.move_type = 'out_invoice' AND m.state = 'posted'
                 WHERE NOT EXISTS (SELECT 1 FROM account_move c WHERE c.reversed_entry_id = m.id
                                      AND c.state = 'posted')
                 GROUP BY r.line_id HAVING count(*) > 1"""):
            self.fail(check, f"installment {line_id}: {count} posted invoices")
        for invoice in invoices:
            if len(invoice.get("invoices", [])) > 1:
                self.fail(check, f"installment {invoice['line']}: double click made {invoice['invoices']}")
        for move_id, name, count in self.rows("""
                SELECT m.id, m.name, (SELECT count(*) FROM spm_collection_line_account_move_rel r
                                        WHERE r.move_id = m.id)
                  FROM account_move m
                  JOIN account_move_line aml ON aml.move_id = m.id
                  JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                  JOIN spm_collection_line cl ON cl.sale_order_id = sol.order_id
                 WHERE m.move_type = 'out_invoice' AND m.state != 'cancel'
                 GROUP BY m.id, m.name"""):
            if count != 1:
                self.fail("no half-written invoice", f"invoice {move_id} ({name}) belongs to {count} installments")
        self.facts["installments invoiced"] = self.rows(
            "SELECT count(DISTINCT line_id) FROM spm_collection_line_account_move_rel")[0][0]

    def check_money(self):
        check = "received amounts equal the reconciliations"
        for line_id, stored, reconciled in self.rows("""
                SELECT l.id, l.amount_received,
                       COALESCE(sum(p.debit_amount_currency) FILTER (
                           WHERE NOT COALESCE(cm.reversed_entry_id = m.id AND cm.state = 'posted', FALSE)), 0)
                  FROM spm_collection_line l
                  LEFT JOIN spm_collection_line_account_move_rel r ON r.line_id = l.id
                  LEFT JOIN account_move m ON m.id = r.move_id AND m.state = 'posted' AND m.move_type = 'out_invoice'
                  LEFT JOIN account_move_line aml ON aml.move_id = m.id
                        AND aml.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')
                  LEFT JOIN account_partial_reconcile p ON p.debit_move_id = aml.id
                  LEFT JOIN account_move_line cml ON cml.id = p.credit_move_id
                  LEFT JOIN account_move cm ON cm.id = cml.move_id
                 GROUP BY l.id, l.amount_received"""):
            if round(float(stored or 0) - float(reconciled), 2):
                self.fail(check, f"installment {line_id}: received {stored}, reconciled {reconciled}")
        for payment_id, state, reconciled in self.rows("""
                SELECT p.id, m.state, EXISTS (
                    SELECT 1 FROM account_move_line aml
                      JOIN account_partial_reconcile pr ON pr.credit_move_id = aml.id
                     WHERE aml.move_id = m.id)
                  FROM account_payment p JOIN account_move m ON m.id = p.move_id
                 WHERE p.create_date >= (SELECT min(taken) FROM spm_load_snapshot)"""):
            if state != "posted" or not reconciled:
                self.fail("no half-written payment", f"payment {payment_id}: {state}, reconciled: {reconciled}")
        self.facts["payments of the run"] = self.rows("""
            SELECT count(*) FROM account_payment WHERE create_date >= (SELECT min(taken) FROM spm_load_snapshot)
        """)[0][0]

    # -----------------------------------------------------------------------------------------
    # 5. errors
    # -----------------------------------------------------------------------------------------

    def check_logs(self, paths):
        check = "no HTTP 500 other than retried serialization conflicts"
        conflicts = 0
        for path in paths:
            with open(path, encoding="utf-8", errors="replace") as file:
                lines = file.read().splitlines()
            for number, line in enumerate(lines):
                match = LOG_LINE.match(line)
                if not match:
                    continue
                stamp, level, _db, logger, message = match.groups()
                when = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").timestamp()  # the server's local time
                status_500 = logger == "werkzeug" and re.search(r'" 500 ', message)
                if level not in ("ERROR", "CRITICAL") and not status_500:
                    if "tries left" in message or "maximum number of tries" in message:
                        conflicts += 1
                    continue
                # the traceback that follows the line tells what it was
                following = next((i for i, later in enumerate(lines[number + 1:number + 400])
                                  if LOG_LINE.match(later)), 400)
                # with the lines before it: a "bad query" line and its cause precede "Failed to load registry"
                context = "\n".join([*lines[max(0, number - 5):number], message,
                                      *lines[number + 1:number + 1 + following]])
                if any(marker in context for marker in ALLOWED_CONFLICTS):
                    continue
                if self.in_fault(when) and any(marker in context for marker in FAULT_MARKS):
                    continue
                self.fail(check, f"{path}: {line[:300]}")
        self.facts["serialization conflicts retried (log)"] = conflicts

    def session_dropped_by_fault(self, result, logins):
        """Odoo logs out a session whose request finds the registry unusable (the database restarting):
        the user's requests fail until they log in again. A fault between their last login and the error
        explains it."""
        since = max((t for t in logins.get(result.get("client"), []) if t <= result["t"]), default=0)
        return any(since - 1 <= fault["start"] <= result["t"] for fault in self.faults)

    def check_results(self, results):
        check = "no failed request"
        allowed = plain_failures = 0
        logins = defaultdict(list)
        for result in results:
            if result["kind"] == "login":
                logins[result["client"]].append(result["t"])
        for result in results:
            if result["kind"] == "violation":
                self.fail(result.get("check", "scenario"), json.dumps(result, ensure_ascii=False)[:300])
            elif result["kind"] == "error":
                if str(result.get("name", "")).startswith("plain:"):
                    # plain Odoo's own failures (its double-clicked confirmations): not the addon's promise
                    plain_failures += 1
                    continue
                if result.get("session_lost") and self.session_dropped_by_fault(result, logins):
                    allowed += 1
                    continue
                # an HTTP 500 without a body to read (a PDF download) in a fault's window: check_logs holds
                # the server's side of it to the same rule (a traceback of the fault, or it fails)
                if self.in_fault(result["t"]) and (result.get("connection") or result.get("session_lost") or any(
                        marker in result.get("error", "") for marker in FAULT_MARKS) or result.get("status") == 500):
                    allowed += 1
                    continue
                self.fail(check, f"{result.get('name')}: {result.get('error')}"[:300])
        self.facts["requests cut by faults"] = allowed
        self.facts["failed requests of plain Odoo (not checked)"] = plain_failures
        self.facts["conflicts after Odoo's retries"] = sum(1 for r in results if r["kind"] == "conflict")

    def report(self):
        for name, value in self.facts.items():
            print(f"  {name}: {value}")
        if not self.problems:
            print("invariants: all hold")
            return 0
        print("INVARIANTS BROKEN:")
        for check, details in self.problems.items():
            print(f"  {check}: {len(details)}")
            for detail in details[:10]:
                print(f"    - {detail}")
        return 1


def read_results(path):
    if not path:
        return []
    with open(path, encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def run_checks(addon_db, logs, results_path=None, faults=(), dsn=""):
    """Run every check; print the facts and the verdict; return the exit status (0: all hold)."""
    results = read_results(results_path)
    connection = psycopg2.connect(f"dbname={addon_db} {dsn}".strip())
    try:
        with connection.cursor() as cr:
            checker = Checker(cr, faults)
            checker.check_gates()
            checker.check_approvals([r for r in results if r["kind"] == "decision"])
            checker.check_invoices([r for r in results if r["kind"] == "invoice"])
            checker.check_money()
            checker.check_logs(logs)
            checker.check_results(results)
    finally:
        connection.close()
    return checker.report()


def main(argv=None):
    args = parse_args(argv)
    faults = []
    if args.faults:
        with open(args.faults, encoding="utf-8") as file:
            faults = json.load(file)
    return run_checks(args.addon_db, args.log, args.results, faults)


if __name__ == "__main__":
    sys.exit(main())
