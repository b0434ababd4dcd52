"""18.0.1.5.0: customers and after-sales.

- The sales projects take their company's default warranty (they had none).
- Level 1 of an escalation is now named "Owner" (a complaint goes to the after-sales manager and the customer's
  salesperson): its translations of the old name are forgotten, Odoo loads the new ones right after this script.
- Open issues are of medium severity (the company's issue thresholds, as before)."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("""
        UPDATE project_project p
           SET spm_warranty_months = COALESCE(c.spm_warranty_months, 12)
          FROM res_company c
         WHERE c.id = p.company_id AND p.spm_grade_id IS NOT NULL AND COALESCE(p.spm_warranty_months, 0) = 0
    """)
    cr.execute("UPDATE project_task SET spm_severity = 'medium' WHERE spm_is_issue AND spm_severity IS NULL")
    cr.execute("""
        UPDATE ir_model_fields_selection s SET name = jsonb_build_object('en_US', s.name->>'en_US')
          FROM ir_model_fields f
         WHERE f.id = s.field_id AND f.model = 'project.task' AND f.name = 'spm_escalation_level' AND s.value = '1'
    """)
    projects = env["project.project"].search([("spm_acceptance_date", "!=", False)])
    env.add_to_compute(projects._fields["spm_warranty_end"], projects)
    projects.flush_recordset(["spm_warranty_end"])
