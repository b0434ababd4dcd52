"""18.0.1.3.0: a grade's minimum amount has a currency of its own (stored), and the grades shared by
every company are converted into each company's currency. Before, their thresholds were read in
the currency of whichever company an opportunity belonged to: the shared grades take the currency
most opportunities are in (the main company's when there are none), so that their grading holds."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("""
        SELECT company.currency_id
          FROM crm_lead lead
          JOIN res_company company ON company.id = lead.company_id
         GROUP BY company.currency_id
         ORDER BY COUNT(*) DESC
         LIMIT 1
    """)
    row = cr.fetchone()
    currency_id = row[0] if row else env.ref("base.main_company").currency_id.id
    grades = env["spm.grade"].with_context(active_test=False).search([("company_id", "=", False)])
    grades.currency_id = currency_id
    env["crm.lead"]._spm_recompute_automatic_grades()
