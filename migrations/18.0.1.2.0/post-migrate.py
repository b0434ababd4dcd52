"""18.0.1.2.0: the opportunity's free-text key risks (the column crm_lead.spm_key_risks) become a risk of
the register; the field now reads and writes that risk. The task stages of the delivery projects, installed
as personal stages of the installing user, become project stages."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in ("task_type_todo", "task_type_in_progress", "task_type_done"):
        stage = env.ref(f"sales_project_management.{xmlid}", raise_if_not_found=False)
        if stage and stage.user_id:
            stage.user_id = False
    cr.execute("""
        SELECT 1 FROM information_schema.columns WHERE table_name = 'crm_lead' AND column_name = 'spm_key_risks'
    """)
    if not cr.fetchone():
        return
    cr.execute("SELECT id, spm_key_risks FROM crm_lead WHERE COALESCE(TRIM(spm_key_risks), '') != ''")
    texts = dict(cr.fetchall())
    env["crm.lead"].with_context(active_test=False)._spm_register_key_risks(texts)
    cr.execute("ALTER TABLE crm_lead DROP COLUMN spm_key_risks")
