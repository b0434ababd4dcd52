#!/usr/bin/env python3
"""Upgrade check run by ``make test`` after the tests, on the database the tests installed.

A company configures the addon, then an administrator runs ``-u sales_project_management``:
the configuration must be kept (the data files are ``noupdate``) and nothing may be created a
second time. The check changes the configuration over the ORM as a manager would (renames a
pipeline stage in Chinese and English, edits a gate, a grade threshold, a collection template
and its installment, a sequence and a scheduled action), commits, runs a real
``python3 -m odoo -u sales_project_management --stop-after-init`` on the database, then reads it
again in a fresh process. It prints one line per finding and ``upgrade check: passed`` or
``upgrade check: FAILED``; the exit code says the same.

    python3 tools/upgrade_check.py --addons-path=... -d DATABASE [--data-dir=...]
"""

import json
import subprocess
import sys

import odoo
from odoo.tools import config

MODULE = "sales_project_management"

# what the check writes, {xmlid: {lang: {field: value}}}; read back after the update
CHANGES = {
    f"{MODULE}.stage_initiation": {"zh_CN": {"name": "立项审批（公司定制）"},
                                   "en_US": {"name": "Initiation (company wording)"}},
    f"{MODULE}.gate_qualification_score": {"en_US": {"name": "Feasibility score at least 4", "min_score": 4.0,
                                                     "sequence": 15}},
    f"{MODULE}.grade_department": {"en_US": {"min_amount": 30_000_000.0}},
    f"{MODULE}.collection_template_30_40_30": {"zh_CN": {"name": "预付三成、到货四成、验收三成（本公司）"}},
    f"{MODULE}.collection_template_30_40_30_advance": {"en_US": {"offset_days": 10}},
    f"{MODULE}.seq_spm_initiation": {"en_US": {"prefix": "XM%(year)s-", "padding": 5}},
    f"{MODULE}.ir_cron_collection_reminders": {"en_US": {"active": False}},
}
# configuration models whose records must not be duplicated by the update
COUNTED = [
    "crm.stage", "project.project.stage", "project.task.type", "spm.stage.gate", "spm.grade", "spm.approval.step",
    "spm.collection.template", "spm.collection.template.line", "spm.document.type", "spm.assessment.criterion",
    "spm.risk.category", "spm.satisfaction.criterion", "spm.archive.requirement", "spm.wbs.template",
    "spm.wbs.template.phase", "spm.wbs.template.task", "mail.activity.type", "mail.template",
    "spreadsheet.dashboard", "spreadsheet.dashboard.group", "res.groups", "ir.rule",
]


def odoo_env(args):
    config.parse_config(args)
    registry = odoo.modules.registry.Registry(config["db_name"])
    return registry


def snapshot(env):
    """Counts that an update must leave as they are, including the module's own sequences and crons."""
    counts = {model: env[model].with_context(active_test=False).search_count([]) for model in COUNTED}
    counts["ir.sequence (spm)"] = env["ir.sequence"].search_count([("code", "like", "spm.")])
    counts["ir.cron (module)"] = env["ir.cron"].with_context(active_test=False).search_count(
        [("ir_actions_server_id", "in", env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.actions.server")]).mapped("res_id"))])
    counts["ir.model.data (module)"] = env["ir.model.data"].search_count([("module", "=", MODULE)])
    return counts


def values(env):
    found = {}
    for xmlid, langs in CHANGES.items():
        record = env.ref(xmlid).with_context(active_test=False)
        for lang, vals in langs.items():
            read = record.with_context(lang=lang).read(list(vals))[0]
            found[f"{xmlid} [{lang}]"] = {field: read[field] for field in vals}
    return found


def phase_change(args):
    registry = odoo_env(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["res.lang"]._activate_lang("zh_CN")
        for xmlid, langs in CHANGES.items():
            for lang, vals in langs.items():
                env.ref(xmlid).with_context(lang=lang, active_test=False).write(vals)
        env.flush_all()
        result = {"counts": snapshot(env), "values": values(env)}
        cr.commit()
    print(json.dumps(result))


def phase_read(args):
    registry = odoo_env(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        print(json.dumps({"counts": snapshot(env), "values": values(env)}))


def run_phase(phase, args):
    proc = subprocess.run([sys.executable, __file__, f"--phase={phase}", *args], capture_output=True, text=True,
                          check=False)
    if proc.returncode:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"upgrade check: FAILED (the {phase} phase stopped)")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv):
    phase = next((arg.split("=", 1)[1] for arg in argv if arg.startswith("--phase=")), None)
    args = [arg for arg in argv if not arg.startswith("--phase=")]
    if phase == "change":
        return phase_change(args)
    if phase == "read":
        return phase_read(args)
    before = run_phase("change", args)
    update = subprocess.run(
        [sys.executable, "-m", "odoo", *args, "-u", MODULE, "--stop-after-init", "--log-level=warn",
         "--http-port=0", "--max-cron-threads=0"],
        capture_output=True, text=True, check=False)
    problems = []
    if update.returncode or " ERROR " in update.stdout + update.stderr:
        problems.append("the update logged errors:\n" + (update.stdout + update.stderr)[-3000:])
    after = run_phase("read", args)
    for key, expected in before["values"].items():
        kept = after["values"][key]
        print(f"[upgrade] {key}: {'kept' if kept == expected else 'LOST'} {kept}")
        if kept != expected:
            problems.append(f"{key}: {expected} became {kept}")
    for key, count in before["counts"].items():
        if after["counts"][key] != count:
            problems.append(f"{key}: {count} records before the update, {after['counts'][key]} after")
    print(f"[upgrade] {len(before['counts'])} configuration tables counted, "
          f"{sum(before['counts'][k] == after['counts'][k] for k in before['counts'])} unchanged")
    for problem in problems:
        print(f"[upgrade] FAILED: {problem}")
    print(f"upgrade check: {'FAILED' if problems else 'passed'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
