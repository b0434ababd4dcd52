from odoo import fields, models
from odoo.tools import SQL

from ..models.spm_contract_review import STATES as REVIEW_STATES
from ..models.spm_money import MONEY_DEPENDS


class SpmContractRegister(models.Model):
    """合同台账: the contracts of the sales projects (their confirmed orders) with their value, what was invoiced
    and received on them, and their term and warranty. Amounts are in the company's currency: invoiced is the
    posted customer invoices of the order less their credit notes, as accounting books them; received is the money
    received on those documents by the one definition of the 回款 receipts (``spm.collection.receipt``)."""
    _name = "spm.contract.register"
    _description = "Contract Register"
    _auto = False
    _order = "date_signed desc, id desc"
    _depends = {
        **MONEY_DEPENDS,
        "sale.order": ["name", "state", "partner_id", "user_id", "team_id", "company_id", "amount_total",
                       "currency_rate", "date_order", "spm_project_id", "opportunity_id", "spm_contract_number",
                       "spm_contract_signed_on", "spm_contract_effective_on", "spm_contract_term_months",
                       "spm_warranty_months", "spm_contract_review_state", "spm_contract_override_on", "signed_on"],
        "project.project": ["spm_warranty_end", "spm_grade_id", "user_id"],
        "account.move": [*MONEY_DEPENDS["account.move"], "amount_total_signed"],
        "ir.attachment": ["res_model", "res_id", "spm_document_type_id"],
        "spm.collection.line": ["sale_order_id", "invoice_ids"],
        "res.company": ["currency_id"],
    }

    order_id = fields.Many2one("sale.order", readonly=True)
    contract_number = fields.Char(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    project_id = fields.Many2one("project.project", string="Sales Project", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    grade_id = fields.Many2one("spm.grade", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    project_user_id = fields.Many2one("res.users", string="Project Manager", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    date_order = fields.Date("Order Date", readonly=True)
    date_signed = fields.Date("Signed On", readonly=True)
    date_effective = fields.Date("Effective On", readonly=True)
    term_months = fields.Integer("Term (months)", readonly=True, aggregator=None)
    date_end = fields.Date("Contract End", readonly=True)
    days_to_end = fields.Integer("Days to Contract End", readonly=True, aggregator="min",
                                 help="Days from today to the contract's end (negative once ended).")
    warranty_months = fields.Integer("Warranty (months)", readonly=True, aggregator=None)
    warranty_end = fields.Date(readonly=True, help="The final acceptance plus the warranty (the project's).")
    days_to_warranty_end = fields.Integer("Days to Warranty End", readonly=True, aggregator="min")
    is_signed = fields.Boolean("Signed", readonly=True,
                               help="Signed by the customer online, or its signed scan is among the order's documents.")
    review_state = fields.Selection([state for state in REVIEW_STATES if state[0] != "cancelled"],
                                    string="Contract Review", readonly=True)
    is_overridden = fields.Boolean("Confirmed Without Review", readonly=True)
    amount_total = fields.Monetary("Contract Value", readonly=True)
    amount_invoiced = fields.Monetary("Invoiced", readonly=True)
    amount_received = fields.Monetary("Received", readonly=True)
    amount_to_invoice = fields.Monetary("To Invoice", readonly=True)
    amount_outstanding = fields.Monetary("Outstanding", readonly=True, help="Invoiced, not received yet.")

    @property
    def _table_query(self):
        # the reader's today (their time zone), not the server's
        today = fields.Date.context_today(self).isoformat()
        receipts = self.env["spm.collection.receipt"]._spm_receipt_query(SQL("doc.spm_sale_order_id = so.id"))
        scan = self.env.ref("sales_project_management.doc_type_contract_scan", raise_if_not_found=False)
        return SQL("""
            SELECT so.id, so.id AS order_id, so.spm_contract_number AS contract_number,
                   so.partner_id, so.spm_project_id AS project_id,
                   COALESCE(so.opportunity_id, p.spm_lead_id) AS lead_id, p.spm_grade_id AS grade_id,
                   so.user_id, p.user_id AS project_user_id, so.team_id, so.company_id,
                   c.currency_id, so.date_order::date AS date_order,
                   so.spm_contract_signed_on AS date_signed, so.spm_contract_effective_on AS date_effective,
                   so.spm_contract_term_months AS term_months, e.date_end,
                   e.date_end - DATE %(today)s AS days_to_end,
                   so.spm_warranty_months AS warranty_months, p.spm_warranty_end AS warranty_end,
                   p.spm_warranty_end - DATE %(today)s AS days_to_warranty_end,
                   (so.signed_on IS NOT NULL OR EXISTS (
                        SELECT 1 FROM ir_attachment a
                         WHERE a.res_model = 'sale.order' AND a.res_id = so.id
                           AND a.spm_document_type_id = %(scan)s)) AS is_signed,
                   so.spm_contract_review_state AS review_state, so.spm_contract_override_on IS NOT NULL
                       AS is_overridden,
                   v.amount_total, COALESCE(inv.amount, 0) AS amount_invoiced,
                   COALESCE(rec.amount, 0) AS amount_received,
                   v.amount_total - COALESCE(inv.amount, 0) AS amount_to_invoice,
                   COALESCE(inv.amount, 0) - COALESCE(rec.amount, 0) AS amount_outstanding
              FROM sale_order so
              JOIN project_project p ON p.id = so.spm_project_id
              JOIN res_company c ON c.id = so.company_id
              JOIN LATERAL (SELECT so.amount_total / COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS amount_total) v
                ON TRUE
              JOIN LATERAL (SELECT CASE WHEN so.spm_contract_effective_on IS NOT NULL
                                         AND so.spm_contract_term_months > 0
                                        THEN (so.spm_contract_effective_on
                                              + make_interval(months => so.spm_contract_term_months))::date
                                   END AS date_end) e ON TRUE
         LEFT JOIN LATERAL (SELECT SUM(m.amount_total_signed) AS amount
                              FROM account_move m
                             WHERE m.spm_sale_order_id = so.id AND m.state = 'posted'
                               AND m.move_type IN ('out_invoice', 'out_refund')) inv ON TRUE
         LEFT JOIN LATERAL (SELECT SUM(r.amount_company) AS amount FROM (%(receipts)s) r) rec ON TRUE
             WHERE so.state = 'sale'
        """, today=today, receipts=receipts, scan=scan.id if scan else 0)

    def action_open_order(self):
        self.ensure_one()
        return self.order_id._get_records_action()
