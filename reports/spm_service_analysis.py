from odoo import fields, models
from odoo.addons.project.models.project_task import CLOSED_STATES
from odoo.tools import SQL

from ..models.project_task import ESCALATION_LEVELS, SERVICE_TYPES, SEVERITIES
from .spm_customer_analysis import salesperson_team_sql

TASK_STATES = [
    ("01_in_progress", "In Progress"),
    ("02_changes_requested", "Changes Requested"),
    ("03_approved", "Approved"),
    *CLOSED_STATES.items(),
    ("04_waiting_normal", "Waiting"),
]


class SpmServiceAnalysis(models.Model):
    """售后分析: each service request with how long it took to resolve, how far it was escalated, whether the
    customer confirmed the resolution and how satisfied they were (the mean of the request's scored answers)."""
    _name = "spm.service.analysis"
    _description = "Service Analysis"
    _auto = False
    _order = "date_raised desc, id desc"
    _depends = {
        "project.task": ["name", "spm_service_type", "spm_severity", "state", "active", "partner_id",
                         "spm_sales_project_id", "project_id", "company_id", "spm_issue_date", "create_date",
                         "spm_resolved_on", "spm_resolve_days", "spm_escalation_level", "spm_customer_confirmed"],
        "res.partner": ["commercial_partner_id", "user_id"],
        "res.users": ["sale_team_id"],
        "crm.team": ["user_id", "active", "sequence"],
        "spm.satisfaction": ["task_id", "score"],
    }

    task_id = fields.Many2one("project.task", string="Service Request", readonly=True)
    name = fields.Char("Request", readonly=True)
    service_type = fields.Selection(SERVICE_TYPES, readonly=True)
    severity = fields.Selection(SEVERITIES, readonly=True)
    state = fields.Selection(TASK_STATES, readonly=True)
    is_closed = fields.Boolean("Closed", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True, help="The customer's salesperson.")
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    sales_project_id = fields.Many2one("project.project", readonly=True)
    project_id = fields.Many2one("project.project", string="After-Sales Project", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_raised = fields.Datetime("Raised On", readonly=True)
    date_resolved = fields.Datetime("Resolved On", readonly=True)
    resolve_days = fields.Float("Days to Resolve", readonly=True, aggregator="avg", digits=(16, 1),
                                help="From raised to resolved, for the requests resolved.")
    escalation_level = fields.Selection(ESCALATION_LEVELS, string="Escalation", readonly=True)
    is_escalated = fields.Boolean("Escalated", readonly=True)
    customer_confirmed = fields.Boolean("Confirmed by the Customer", readonly=True)
    satisfaction_score = fields.Float("Satisfaction", readonly=True, aggregator="avg", digits=(3, 2),
                                      help="The mean score (1 to 5) of the customer's answers about the request.")
    satisfaction_count = fields.Integer("Satisfaction Answers", readonly=True)

    @property
    def _table_query(self):
        return SQL("""
            SELECT t.id, t.id AS task_id, t.name, t.spm_service_type AS service_type, t.spm_severity AS severity,
                   t.state, t.state IN %(closed)s AS is_closed, cp.id AS partner_id, cp.user_id,
                   %(team)s AS team_id, t.spm_sales_project_id AS sales_project_id, t.project_id, t.company_id,
                   COALESCE(t.spm_issue_date, t.create_date) AS date_raised, t.spm_resolved_on AS date_resolved,
                   CASE WHEN t.spm_resolved_on IS NOT NULL THEN t.spm_resolve_days END AS resolve_days,
                   COALESCE(t.spm_escalation_level, '0') AS escalation_level,
                   COALESCE(t.spm_escalation_level, '0') != '0' AS is_escalated,
                   COALESCE(t.spm_customer_confirmed, FALSE) AS customer_confirmed,
                   sat.score AS satisfaction_score, COALESCE(sat.answers, 0) AS satisfaction_count
              FROM project_task t
         LEFT JOIN res_partner p ON p.id = t.partner_id
         LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
         LEFT JOIN LATERAL (SELECT AVG(s.score) FILTER (WHERE s.score > 0) AS score,
                                   COUNT(*) FILTER (WHERE s.score > 0) AS answers
                              FROM spm_satisfaction s
                             WHERE s.task_id = t.id) sat ON TRUE
             WHERE t.spm_service_type IS NOT NULL AND t.active
        """, closed=tuple(CLOSED_STATES), team=salesperson_team_sql(SQL("cp.user_id")))

    def action_open_request(self):
        """A row opens its service request."""
        self.ensure_one()
        return self.task_id._get_records_action(name=self.env._("Service Request"))
