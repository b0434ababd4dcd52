from odoo import fields, models
from odoo.addons.project.models.project_task import CLOSED_STATES
from odoo.tools import SQL

VISIT_STATUSES = [("overdue", "Overdue"), ("due_soon", "Due Within 7 Days"), ("on_time", "On Time")]
DUE_SOON_DAYS = 7


def salesperson_team_sql(user_id):
    """SQL giving the sales team of the salesperson ``user_id`` (an SQL expression): the team they belong to,
    else the first one they lead, as ``crm.team._spm_team_of_users`` says."""
    return SQL("""COALESCE((SELECT su.sale_team_id FROM res_users su WHERE su.id = %(user)s),
                           (SELECT st.id FROM crm_team st WHERE st.user_id = %(user)s AND st.active
                             ORDER BY st.sequence, st.id DESC LIMIT 1))""", user=user_id)


class SpmCustomerAnalysis(models.Model):
    """客户分析: each classified customer (a company) with its salesperson and their team, its visits against its
    class's interval as of the reader's today, and what is open with it (service requests, opportunities)."""
    _name = "spm.customer.analysis"
    _description = "Customer Analysis"
    _auto = False
    _order = "visit_due_date, id"
    _rec_name = "partner_id"
    _depends = {
        "res.partner": ["is_company", "active", "spm_customer_class_id", "user_id", "company_id", "industry_id",
                        "spm_last_visit_held", "spm_visit_due_date", "commercial_partner_id"],
        "res.users": ["sale_team_id", "company_id"],
        "crm.team": ["user_id", "active", "sequence", "company_id"],
        "crm.lead": ["partner_id", "type", "active", "probability", "company_id"],
        "project.task": ["partner_id", "spm_service_type", "state", "active", "company_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    customer_class_id = fields.Many2one("spm.customer.class", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True,
                                 help="The customer's company, else its salesperson's team's (or their own).")
    last_visit_held = fields.Datetime(readonly=True)
    visit_due_date = fields.Date("Next Visit Due", readonly=True)
    visit_status = fields.Selection(VISIT_STATUSES, readonly=True,
                                    help="The next visit as of today: overdue, due within 7 days, or on time.")
    overdue_days = fields.Integer("Days Overdue", readonly=True, aggregator="max")
    open_service_count = fields.Integer("Open Service Requests", readonly=True)
    open_lead_count = fields.Integer("Open Opportunities", readonly=True)

    @property
    def _table_query(self):
        # the reader's today (their time zone), as the customer's own "Visit Overdue" counts it
        today = fields.Date.context_today(self)
        return SQL("""
            SELECT c.id, c.id AS partner_id, c.customer_class_id, c.industry_id, c.user_id, c.team_id, c.company_id,
                   c.last_visit_held, c.visit_due_date,
                   CASE WHEN c.visit_due_date IS NULL THEN NULL
                        WHEN c.visit_due_date < %(today)s THEN 'overdue'
                        WHEN c.visit_due_date <= %(soon)s THEN 'due_soon'
                        ELSE 'on_time' END AS visit_status,
                   GREATEST(%(today)s - c.visit_due_date, 0) AS overdue_days,
                   (SELECT COUNT(*) FROM project_task t
                      JOIN res_partner tp ON tp.id = t.partner_id
                     WHERE tp.commercial_partner_id = c.id AND t.spm_service_type IS NOT NULL AND t.active
                       AND t.state NOT IN %(closed)s
                       AND (t.company_id IS NULL OR c.company_id IS NULL OR t.company_id = c.company_id)
                   ) AS open_service_count,
                   (SELECT COUNT(*) FROM crm_lead l
                      JOIN res_partner lp ON lp.id = l.partner_id
                     WHERE lp.commercial_partner_id = c.id AND l.type = 'opportunity' AND l.active
                       AND l.probability < 100
                       AND (l.company_id IS NULL OR c.company_id IS NULL OR l.company_id = c.company_id)
                   ) AS open_lead_count
              FROM (
                    SELECT p.id, p.spm_customer_class_id AS customer_class_id, p.industry_id, p.user_id,
                           team.id AS team_id, COALESCE(p.company_id, team.company_id, u.company_id) AS company_id,
                           p.spm_last_visit_held AS last_visit_held, p.spm_visit_due_date AS visit_due_date
                      FROM res_partner p
                 LEFT JOIN res_users u ON u.id = p.user_id
                 LEFT JOIN crm_team team ON team.id = %(team)s
                     WHERE p.is_company AND p.active AND p.spm_customer_class_id IS NOT NULL
                   ) c
        """, today=today, soon=fields.Date.add(today, days=DUE_SOON_DAYS), closed=tuple(CLOSED_STATES),
                   team=salesperson_team_sql(SQL("p.user_id")))

    def action_open_customer(self):
        """A row opens its customer's form (its file)."""
        self.ensure_one()
        return self.partner_id._get_records_action(name=self.env._("Customer"))
