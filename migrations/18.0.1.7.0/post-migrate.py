"""18.0.1.7.0: team meetings, project meetings and charters, stall alerts, the customer's progress mail.

- The addon's pipeline stages get the time they allow before a stall alert (``spm_max_days``), as a fresh
  install has them (the stage data is ``noupdate``); a stage an administrator already limited is kept, and
  stages of other pipelines stay without a limit (0)."""

MAX_DAYS = {
    "crm.stage_lead1": 60, "crm.stage_lead2": 30, "sales_project_management.stage_initiation": 30,
    "sales_project_management.stage_requirements": 45, "sales_project_management.stage_solution": 45,
    "crm.stage_lead3": 60, "sales_project_management.stage_negotiation": 45,
}


def migrate(cr, version):
    for xmlid, days in MAX_DAYS.items():
        module, name = xmlid.split(".")
        cr.execute("""
            UPDATE crm_stage s SET spm_max_days = %s
              FROM ir_model_data d
             WHERE d.module = %s AND d.name = %s AND d.model = 'crm.stage' AND d.res_id = s.id
               AND COALESCE(s.spm_max_days, 0) = 0
        """, (days, module, name))
