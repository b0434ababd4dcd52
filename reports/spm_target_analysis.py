from odoo import api, fields, models
from odoo.tools import SQL

from ..models.spm_target import BASES, BASIS_SELECTION, achievement_bounds, achievement_sql


class SpmTargetAnalysis(models.Model):
    """目标达成分析: each month of each target, once per basis, with its target and what was achieved."""
    _name = "spm.target.analysis"
    _description = "Sales Target Achievement"
    _auto = False
    _order = "date, id"
    _depends = {
        "spm.target": ["company_id", "user_id", "team_id", "year", "state", "target_type"],
        "spm.target.line": ["target_id", "date_from", "date_to", "target_signed", "target_invoiced",
                            "target_collected"],
        "sale.order": ["state", "date_order", "amount_total", "currency_rate", "user_id", "team_id", "company_id"],
        "account.move": ["state", "move_type", "invoice_date", "amount_total_signed", "invoice_user_id", "team_id",
                         "company_id"],
        "account.partial.reconcile": ["amount", "debit_move_id", "credit_move_id"],
        "account.move.line": ["date", "move_id"],
    }

    line_id = fields.Many2one("spm.target.line", string="Month", readonly=True)
    target_id = fields.Many2one("spm.target", string="Sales Target", readonly=True)
    date = fields.Date("Period", readonly=True)
    year = fields.Integer(readonly=True, aggregator=None)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    target_type = fields.Selection([("team", "Team"), ("person", "Person")], string="Target Of", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    state = fields.Selection([("draft", "Draft"), ("confirmed", "Confirmed")], readonly=True)
    basis = fields.Selection(BASIS_SELECTION, readonly=True)
    target_amount = fields.Monetary("Target", readonly=True)
    achieved_amount = fields.Monetary("Achieved", readonly=True)
    achievement = fields.Float("Achievement (%)", readonly=True, aggregator="avg", digits=(16, 1),
                               help="Achieved / target of the rows grouped together.")

    @property
    def _table_query(self):
        # the months of every target (a line is one month), and the bounds of each company's targets
        self.env["spm.target"].flush_model()
        self.env["spm.target.line"].flush_model()
        units = SQL("""
            SELECT l.id, t.company_id, CASE WHEN t.user_id IS NULL THEN 'team' ELSE 'user' END,
                   COALESCE(t.user_id, t.team_id), l.date_from
              FROM spm_target_line l
              JOIN spm_target t ON t.id = l.target_id
        """)
        companies = achievement_bounds(self.env, self.env.execute_query(SQL("""
            SELECT t.company_id, MIN(l.date_from), MAX(l.date_to), ARRAY_AGG(DISTINCT t.user_id),
                   ARRAY_AGG(DISTINCT t.team_id) FILTER (WHERE t.user_id IS NULL)
              FROM spm_target_line l
              JOIN spm_target t ON t.id = l.target_id
             GROUP BY t.company_id
        """)))
        achieved = achievement_sql(units, companies) if companies else SQL(
            "SELECT NULL::int AS key, NULL::varchar AS basis, NULL::numeric AS amount WHERE FALSE")
        bases = SQL(", ").join(SQL("(%s, %s)", index, basis) for index, basis in enumerate(BASES))
        target = SQL("CASE b.basis %s END", SQL(" ").join(
            SQL("WHEN %s THEN l.%s", basis, SQL.identifier(f"target_{basis}")) for basis in BASES))
        return SQL("""
            SELECT l.id * %(count)s + b.n AS id, l.id AS line_id, t.id AS target_id, l.date_from AS date, t.year,
                   t.company_id, c.currency_id, t.target_type, t.team_id, t.user_id, t.state, b.basis,
                   %(target)s AS target_amount, COALESCE(a.amount, 0) AS achieved_amount,
                   CASE WHEN %(target)s > 0 THEN COALESCE(a.amount, 0) / %(target)s * 100 ELSE 0 END AS achievement
              FROM spm_target_line l
              JOIN spm_target t ON t.id = l.target_id
              JOIN res_company c ON c.id = t.company_id
             CROSS JOIN (VALUES %(bases)s) AS b(n, basis)
         LEFT JOIN (%(achieved)s) AS a ON a.key = l.id AND a.basis = b.basis
        """, achieved=achieved, count=len(BASES), target=target, bases=bases)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):  # noqa: PLR0917 -- Odoo signature
        """The achievement of a group is its achieved sum over its target sum, not a mean of percents."""
        wanted = [spec for spec in aggregates if spec.split(":")[0] == "achievement"]
        if not wanted:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        inner = [spec for spec in aggregates if spec not in wanted]
        inner += [spec for spec in ("target_amount:sum", "achieved_amount:sum") if spec not in inner]
        rows = super()._read_group(domain, groupby, inner, having, offset, limit, order)
        size = len(groupby)
        result = []
        for row in rows:
            values = dict(zip(inner, row[size:], strict=True))
            target, achieved = values["target_amount:sum"] or 0.0, values["achieved_amount:sum"] or 0.0
            percent = achieved / target * 100 if target else 0.0
            result.append((*row[:size], *(percent if spec in wanted else values[spec] for spec in aggregates)))
        return result
