"""18.0.1.4.1: what users met in the browser.

- The satisfaction survey's invitation (a noupdate template) links the survey in the customer's language, and
  the survey's questions are named like the criteria in every language.
- The projects 立项 created call their tasks 任务 in Chinese (they were named in English only).
- Texts whose English changed in this version ("Paid" of a settlement is now "Paid Out", 已发放; the
  retrospective's file name) lose their translations of the old English: Odoo loads the new ones right after
  this script (a translation already in the database is otherwise kept)."""
from odoo import SUPERUSER_ID, api
from odoo.addons.sales_project_management.models.project_project import TASKS
from odoo.addons.sales_project_management.models.spm_translation import term_translations

MODULE = "sales_project_management"


def _forget_translations(cr, table, column, ids):
    if ids:
        cr.execute(f"""
            UPDATE {table} SET {column} = jsonb_build_object('en_US', {column}->>'en_US')
             WHERE id = ANY(%s) AND {column} ? 'en_US'
        """, [list(ids)])


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref(f"{MODULE}.mail_template_spm_satisfaction_invite", raise_if_not_found=False)
    if template:
        cr.execute("""
            UPDATE mail_template
               SET body_html = REPLACE(body_html::text, 'object.get_start_url()', 'object.spm_start_url()')::jsonb,
                   lang = '{{ object.spm_customer_lang() }}'
             WHERE id = %s
        """, [template.id])
        template.invalidate_recordset(["body_html", "lang"])
    env["spm.satisfaction.criterion"].search([("active", "=", True)])._spm_sync_questions()

    cr.execute("""
        SELECT id FROM project_project
         WHERE spm_grade_id IS NOT NULL
           AND label_tasks->>'en_US' IN ('Tasks', %s) AND label_tasks->>'en_US' = label_tasks->>'zh_CN' IS NOT FALSE
    """, [term_translations(env, TASKS).get("zh_CN", "Tasks")])
    env["project.project"].browse([row[0] for row in cr.fetchall()])._spm_name_tasks()

    cr.execute("""
        SELECT s.id FROM ir_model_fields_selection s JOIN ir_model_fields f ON f.id = s.field_id
         WHERE f.model = 'spm.commission.settlement' AND f.name = 'state' AND s.value = 'paid'
    """)
    _forget_translations(cr, "ir_model_fields_selection", "name", [row[0] for row in cr.fetchall()])
    report = env.ref(f"{MODULE}.action_report_spm_retrospective", raise_if_not_found=False)
    _forget_translations(cr, "ir_act_report_xml", "print_report_name", report.ids if report else [])
    cr.execute("""
        SELECT id FROM ir_model_fields WHERE model = 'spm.retrospective' AND name = 'budget'
    """)
    _forget_translations(cr, "ir_model_fields", "help", [row[0] for row in cr.fetchall()])
    env.invalidate_all()
