from odoo import api, fields, models

BUCKETS = [
    ("not_due", "Not Due"),
    ("1_30", "1–30 Days"),
    ("31_60", "31–60 Days"),
    ("61_90", "61–90 Days"),
    ("over_90", "Over 90 Days"),
]


def bucket_sql(days):
    """SQL CASE giving the aging bucket of ``days`` overdue (an SQL expression)."""
    return f"""CASE WHEN {days} <= 0 THEN 'not_due' WHEN {days} <= 30 THEN '1_30'
                    WHEN {days} <= 60 THEN '31_60' WHEN {days} <= 90 THEN '61_90' ELSE 'over_90' END"""


class SpmCollectionAnalysis(models.Model):
    """回款跟踪表: the installments with their overdue days and aging bucket as of today."""
    _name = "spm.collection.analysis"
    _description = "Payment Collection Tracking"
    _auto = False
    _order = "due_date, id"
    _depends = {
        "spm.collection.line": [
            "name", "project_id", "sale_order_id", "partner_id", "user_id", "team_id", "grade_id", "company_id",
            "currency_id", "due_date", "amount", "amount_invoiced", "amount_received", "amount_outstanding",
            "amount_company", "amount_invoiced_company", "amount_received_company", "amount_outstanding_company",
            "state",
        ],
        "res.company": ["currency_id"],
    }

    line_id = fields.Many2one("spm.collection.line", string="Installment", readonly=True)
    name = fields.Char("Installment Name", readonly=True, translate=True)
    project_id = fields.Many2one("project.project", readonly=True)
    sale_order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    grade_id = fields.Many2one("spm.grade", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    state = fields.Selection(related="line_id.state")
    due_date = fields.Date(readonly=True)
    amount = fields.Monetary("Planned", readonly=True)
    amount_invoiced = fields.Monetary("Invoiced", readonly=True)
    amount_received = fields.Monetary("Received", readonly=True)
    amount_outstanding = fields.Monetary("Outstanding", readonly=True)
    amount_overdue = fields.Monetary("Overdue Amount", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    amount_company = fields.Monetary("Planned (Company Currency)", readonly=True,
                                     currency_field="company_currency_id")
    amount_invoiced_company = fields.Monetary("Invoiced (Company Currency)", readonly=True,
                                              currency_field="company_currency_id")
    amount_received_company = fields.Monetary("Received (Company Currency)", readonly=True,
                                              currency_field="company_currency_id")
    amount_outstanding_company = fields.Monetary("Outstanding (Company Currency)", readonly=True,
                                                 currency_field="company_currency_id")
    amount_overdue_company = fields.Monetary("Overdue (Company Currency)", readonly=True,
                                             currency_field="company_currency_id")
    invoice_number = fields.Char(related="line_id.invoice_number")
    overdue_days = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(BUCKETS, string="Aging", readonly=True)
    is_overdue = fields.Boolean("Overdue", readonly=True)
    is_to_invoice = fields.Boolean("Due, Not Invoiced", readonly=True)

    @property
    def _table_query(self):
        # the reader's today (their time zone), as the installments' states count it, not the server's
        today = fields.Date.context_today(self).isoformat()
        days = f"(DATE '{today}' - l.due_date)"
        return f"""
            SELECT l.id, l.id AS line_id, l.name, l.project_id, l.sale_order_id, l.partner_id, l.user_id,
                   l.team_id, l.grade_id, l.company_id, l.currency_id, l.due_date,
                   l.amount, l.amount_invoiced, l.amount_received, l.amount_outstanding,
                   CASE WHEN {days} > 0 AND l.amount_outstanding > 0 THEN l.amount_outstanding ELSE 0 END
                       AS amount_overdue,
                   c.currency_id AS company_currency_id, l.amount_company, l.amount_invoiced_company,
                   l.amount_received_company, l.amount_outstanding_company,
                   CASE WHEN {days} > 0 AND l.amount_outstanding > 0 THEN l.amount_outstanding_company ELSE 0 END
                       AS amount_overdue_company,
                   CASE WHEN {days} > 0 AND l.amount_outstanding > 0 THEN {days} ELSE 0 END AS overdue_days,
                   CASE WHEN l.amount_outstanding > 0 AND l.due_date IS NOT NULL
                        THEN {bucket_sql(days)} ELSE 'not_due' END AS bucket,
                   ({days} > 0 AND l.amount_outstanding > 0) IS TRUE AS is_overdue,
                   (l.state = 'to_invoice') AS is_to_invoice
              FROM spm_collection_line l
         LEFT JOIN res_company c ON c.id = l.company_id
             WHERE l.state != 'cancelled'
        """

    def action_open_line(self):
        """A row of the tracking opens its installment, to invoice it or follow its invoices."""
        self.ensure_one()
        return self.line_id._get_records_action(name=self.env._("Installment"))

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):  # noqa: PLR0917 -- Odoo signature
        """Group on ids, then order the few groups in Python.

        ``read_group`` (pivot, grouped lists) orders by the group-bys, which for a salesperson
        joins users and partners onto every row and makes PostgreSQL sort all rows before
        grouping (3x slower at 100,000 installments); grouping first and sorting the groups by
        name here gives the same result."""
        default_order = not (offset or limit) and bool(groupby) and order == ",".join(groupby)
        rows = super()._read_group(domain, groupby, aggregates, having, offset, limit,
                                   None if default_order else order)
        if default_order:
            keys = [self._spm_group_key(spec) for spec in groupby]
            rows.sort(key=lambda row: tuple(key(value) for key, value in zip(keys, row, strict=False)))
        return rows

    def _spm_group_key(self, spec):
        field = self._fields[spec.split(":")[0].split(".")[0]]
        if field.type == "many2one" and ":" not in spec and "." not in spec:
            return lambda value: (not value, value.display_name or "" if value else "")
        if field.type == "selection" and ":" not in spec:
            rank = {key: index for index, (key, _label) in enumerate(field._description_selection(self.env))}
            return lambda value: (value is False or value is None, rank.get(value, len(rank)))
        return lambda value: (value is False or value is None, str(value) if value not in (False, None) else "")

