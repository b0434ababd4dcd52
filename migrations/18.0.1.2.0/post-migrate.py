"""18.0.1.2.0:

- project stages become the governed delivery 执行 → 验收 → 回款 → 收尾 → 已关闭. On a fresh install the
  data file renames project's default stages; on an upgrade they are configuration (noupdate) and are only
  changed while still as project installed them, so that 回款 and 收尾 (new) fall between 验收 and the
  closed stages;
- the opportunity's free-text key risks (the column crm_lead.spm_key_risks) become a risk of the register;
  the field now reads and writes that risk;
- the task stages of the delivery projects, installed as personal stages of the installing user, become
  project stages."""
from psycopg2.extras import Json

from odoo import SUPERUSER_ID, api

# xmlid: (project's name, project's sequence, our name, our sequence)
STAGES = {
    "project.project_project_stage_0": ("To Do", 10, "Delivery", 10),
    "project.project_project_stage_1": ("In Progress", 15, "Acceptance", 20),
    "project.project_project_stage_2": ("Done", 20, "Closed", 50),
    "project.project_project_stage_3": ("Cancelled", 25, "Cancelled", 60),
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    _migrate_project_stages(env)
    _migrate_task_stages(env)
    _migrate_key_risks(env)


def _migrate_project_stages(env):
    cr = env.cr
    for xmlid, (old_name, old_sequence, name, sequence) in STAGES.items():
        stage = env.ref(xmlid, raise_if_not_found=False)
        if not stage or stage.with_context(lang="en_US").name != old_name or stage.sequence != old_sequence:
            continue
        if name == old_name:
            cr.execute("UPDATE project_project_stage SET sequence = %s WHERE id = %s", [sequence, stage.id])
        else:
            cr.execute("UPDATE project_project_stage SET name = %s, sequence = %s WHERE id = %s",
                       [Json({"en_US": name}), sequence, stage.id])
    env.invalidate_all()
    env["project.project.stage"]._spm_translate_renamed_stages()
    env.registry.clear_cache()


def _migrate_task_stages(env):
    for xmlid in ("task_type_todo", "task_type_in_progress", "task_type_done"):
        stage = env.ref(f"sales_project_management.{xmlid}", raise_if_not_found=False)
        if stage and stage.user_id:
            stage.user_id = False


def _migrate_key_risks(env):
    cr = env.cr
    cr.execute("""
        SELECT 1 FROM information_schema.columns WHERE table_name = 'crm_lead' AND column_name = 'spm_key_risks'
    """)
    if not cr.fetchone():
        return
    cr.execute("SELECT id, spm_key_risks FROM crm_lead WHERE COALESCE(TRIM(spm_key_risks), '') != ''")
    texts = dict(cr.fetchall())
    env["crm.lead"].with_context(active_test=False)._spm_register_key_risks(texts)
    cr.execute("ALTER TABLE crm_lead DROP COLUMN spm_key_risks")
