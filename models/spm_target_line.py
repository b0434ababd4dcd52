from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.models import PREFETCH_MAX

from .spm_target import BASES, _percent, month_bounds

LINE_TARGET_FIELDS = {"target_signed", "target_invoiced", "target_collected"}
ACHIEVED_FIELDS = [f"{kind}_{basis}" for kind in ("achieved", "achievement") for basis in BASES]


class SpmTargetLine(models.Model):
    """One month of a target, with what was achieved in it."""
    _name = "spm.target.line"
    _description = "Sales Target Month"
    _inherit = ["spm.workflow.mixin"]
    _order = "target_id, date_from"
    # the months of a target are made with it
    _spm_fixed_fields = ("target_id", "date_from", "date_to")
    _spm_parent_fields = ("target_id",)

    target_id = fields.Many2one("spm.target", required=True, index=True, ondelete="cascade")
    name = fields.Char("Month", compute="_compute_name", store=True)
    date_from = fields.Date("From", required=True, readonly=True)
    date_to = fields.Date("To", required=True, readonly=True)
    company_id = fields.Many2one(related="target_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="target_id.currency_id")
    year = fields.Integer(related="target_id.year", store=True)
    target_type = fields.Selection(related="target_id.target_type", store=True)
    team_id = fields.Many2one(related="target_id.team_id", store=True, index=True)
    user_id = fields.Many2one(related="target_id.user_id", store=True, index=True)
    state = fields.Selection(related="target_id.state", store=True)
    target_signed = fields.Monetary("Signed Target")
    target_invoiced = fields.Monetary("Invoiced Target")
    target_collected = fields.Monetary("Collected Target")
    # floats in the company currency (rounded to it), not Monetary fields: setting a Monetary value looks its
    # currency up for every record, which costs more than computing the achievement of 1,000 lines
    achieved_signed = fields.Float("Signed", compute="_compute_achieved", digits=(16, 2))
    achieved_invoiced = fields.Float("Invoiced", compute="_compute_achieved", digits=(16, 2))
    achieved_collected = fields.Float("Collected", compute="_compute_achieved", digits=(16, 2))
    achievement_signed = fields.Float("Signed (%)", compute="_compute_achieved", digits=(16, 1))
    achievement_invoiced = fields.Float("Invoiced (%)", compute="_compute_achieved", digits=(16, 1))
    achievement_collected = fields.Float("Collected (%)", compute="_compute_achieved", digits=(16, 1))

    _sql_constraints = [
        ("month_unique", "UNIQUE(target_id, date_from)", "A target has one line per month."),
    ]

    @api.depends("date_from")
    def _compute_name(self):
        for line in self:
            line.name = line.date_from and line.date_from.strftime("%Y-%m")

    @api.constrains("date_from", "date_to", "target_signed", "target_invoiced", "target_collected")
    def _check_month(self):
        for line in self:
            if (line.date_from.year != line.target_id.year
                    or (line.date_from, line.date_to) != month_bounds(line.date_from.year, line.date_from.month)):
                raise ValidationError(self.env._("A target line is one calendar month of the target's year."))
            if any(line[name] < 0 for name in LINE_TARGET_FIELDS):
                raise ValidationError(self.env._("Targets cannot be negative."))

    @api.depends("date_from", "date_to", "target_id.company_id", "target_id.user_id", "target_id.team_id")
    def _compute_achieved(self):
        """One query for all the lines computed together."""
        for name, values in self._spm_achievement_values().items():
            for line, value in zip(self, values, strict=True):
                line[name] = value

    def _spm_achievement_values(self):
        """{field: [value of each line of self]} of the achieved amounts and percentages, in one query."""
        achieved = self.env["spm.target"]._spm_achieved(
            (index, line.company_id.id, line.user_id.id, False if line.user_id else line.team_id.id,
             line.date_from, line.date_to)
            for index, line in enumerate(self) if line.date_from and line.date_to)
        values = {name: [] for name in ACHIEVED_FIELDS}
        for index, line in enumerate(self):
            for basis in BASES:
                amount = achieved.get(index, {}).get(basis, 0.0)
                values[f"achieved_{basis}"].append(amount)
                values[f"achievement_{basis}"].append(_percent(amount, line[f"target_{basis}"]))
        return values

    def _read_format(self, fnames, load="_classic_read"):
        """The ORM computes a field by batches of 1,000 records, one achievement query each: more lines read at
        once (a year of 100 persons' targets is 1,200) are computed together first, in one query."""
        if len(self) > PREFETCH_MAX and set(fnames) & set(ACHIEVED_FIELDS):
            field = self._fields["achieved_signed"]
            missing = self.browse(list(self.env.cache.get_missing_ids(self, field)))
            missing = missing.filtered(lambda line: isinstance(line.id, int))
            if len(missing) > PREFETCH_MAX:
                for name, values in missing._spm_achievement_values().items():
                    self.env.cache.update(missing, self._fields[name], values)
        return super()._read_format(fnames, load)

    def _spm_check_parents(self, _names):
        self.target_id._spm_check_editable()

    def _spm_refuse(self, names):
        if names & {"date_from", "date_to", "target_id"}:
            raise AccessError(self.env._("The months of a target are fixed by its year."))
        return super()._spm_refuse(names)

    def write(self, vals):
        vals = self._spm_guard_write(vals)
        if not self.env.su:
            self.target_id._spm_check_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if not self.env.su and self.target_id.filtered(lambda t: t.state == "confirmed"):
            raise UserError(self.env._("The months of a confirmed target cannot be deleted."))
