from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from .spm_initiation_member import ROLES

COMMISSION_BASES = [("collected", "Collected"), ("invoiced", "Invoiced")]
# a commission pays a part of the money: at most all of it, and a grade at most multiplies it by ten
MAX_RATE = 100
MAX_MULTIPLIER = 10
SHARE_ROLES = [("salesperson", "Salesperson"), *ROLES, ("channel", "Channel Manager")]


class SpmCommissionRule(models.Model):
    """提成方案: who earns what on the money of the projects.

    The rate is flat or by tiers of the salesperson's achievement of their target to date; the grade of
    the project multiplies it; the role shares split it among the salesperson and the project team."""
    _name = "spm.commission.rule"
    _description = "Commission Rule"
    _inherit = ["spm.workflow.mixin"]
    _order = "sequence, date_from desc, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10, help="When several rules apply to a receipt, the first one counts.")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    date_from = fields.Date("Valid From", required=True, default=fields.Date.context_today)
    date_to = fields.Date("Valid To")
    team_ids = fields.Many2many("crm.team", string="Sales Teams",
                                help="The rule applies to the orders of these teams (and of the salespeople below); "
                                     "with neither, to every order of the company.")
    user_ids = fields.Many2many("res.users", string="Salespeople", domain="[('share', '=', False)]",
                                help="The rule applies to the orders of these salespeople.")
    base = fields.Selection(COMMISSION_BASES, required=True, default="collected",
                            help="Collected: each receipt of money on a project's invoice, on its payment date (回款). "
                                 "Invoiced: each posted invoice, on its invoice date.")
    exclude_tax = fields.Boolean("Net of Tax", default=True,
                                 help="The base is the receipt's part of the invoice without its taxes.")
    rate_mode = fields.Selection([("flat", "Flat Rate"), ("tiered", "By Achievement Tiers")], required=True,
                                 default="flat")
    rate = fields.Float("Rate (%)", digits=(16, 4))
    tier_mode = fields.Selection([
        ("progressive", "Progressive"),
        ("whole", "Whole Base"),
    ], required=True, default="progressive",
        help="Progressive: each slice of the base is paid at the rate of the tier it falls in, like tax brackets. "
             "Whole base: the month's whole base is paid at the rate of the highest tier reached.")
    tier_ids = fields.One2many("spm.commission.tier", "rule_id", string="Tiers", copy=True)
    grade_rate_ids = fields.One2many("spm.commission.grade.rate", "rule_id", string="Grade Multipliers", copy=True)
    share_ids = fields.One2many("spm.commission.role.share", "rule_id", string="Role Shares", copy=True)

    @api.constrains("date_from", "date_to", "rate", "rate_mode", "tier_ids", "share_ids", "grade_rate_ids")
    def _check_rule(self):
        for rule in self:
            if rule.date_to and rule.date_to < rule.date_from:
                raise ValidationError(self.env._("“%s”: the rule ends before it starts.", rule.name))
            if not 0 <= rule.rate <= MAX_RATE:
                raise ValidationError(self.env._("“%(rule)s”: a commission rate lies between 0 and %(max)s %%.",
                                                 rule=rule.name, max=MAX_RATE))
        self._check_tiers()
        self._check_grades()
        self._check_shares()

    def _check_tiers(self):
        for rule in self:
            if any(not 0 <= tier.rate <= MAX_RATE for tier in rule.tier_ids):
                raise ValidationError(self.env._("“%(rule)s”: a commission rate lies between 0 and %(max)s %%.",
                                                 rule=rule.name, max=MAX_RATE))
            if rule.rate_mode != "tiered":
                continue
            if not rule.tier_ids:
                raise ValidationError(self.env._("“%s” is paid by tiers: add at least one tier.", rule.name))
            starts = rule.tier_ids.mapped("achievement_from")
            if any(start < 0 for start in starts):
                raise ValidationError(self.env._("“%s”: a tier starts at an achievement of 0 %% or more.", rule.name))
            if len({round(start, 2) for start in starts}) != len(starts):
                raise ValidationError(self.env._(
                    "“%s”: two tiers start at the same achievement; each tier runs from its start to the next "
                    "tier's start, so tiers cannot overlap.", rule.name))

    def _check_grades(self):
        for rule in self:
            if any(not 0 <= grade.multiplier <= MAX_MULTIPLIER for grade in rule.grade_rate_ids):
                raise ValidationError(self.env._("“%(rule)s”: a grade multiplier lies between 0 and %(max)s.",
                                                 rule=rule.name, max=MAX_MULTIPLIER))
            if len(rule.grade_rate_ids.grade_id) != len(rule.grade_rate_ids):
                raise ValidationError(self.env._("“%s”: each grade has one multiplier.", rule.name))

    def _check_shares(self):
        for rule in self:
            if any(share.share <= 0 for share in rule.share_ids):
                raise ValidationError(self.env._("“%s”: each role share is more than 0 %%.", rule.name))
            if len(set(rule.share_ids.mapped("role"))) != len(rule.share_ids):
                raise ValidationError(self.env._("“%s”: each role has one share.", rule.name))
            total = sum(rule.share_ids.mapped("share"))
            if float_compare(total, 100.0, precision_digits=2):
                raise ValidationError(self.env._(
                    "“%(rule)s”: the role shares add up to %(total)s %%, they must add up to 100 %%.",
                    rule=rule.name, total=round(total, 2)))

    def _spm_applies(self, company_id, day, user_id, team_id):
        self.ensure_one()
        return (self.company_id.id == company_id and self.date_from <= day
                and (not self.date_to or day <= self.date_to)
                and ((not self.user_ids and not self.team_ids)
                     or user_id in self.user_ids.ids or team_id in self.team_ids.ids))

    @api.model
    def _spm_find(self, companies, base):
        """The active rules of ``base`` of the companies, in order of precedence."""
        return self.sudo().search([("company_id", "in", list(companies)), ("base", "=", base)])

    def _spm_rule_for(self, company_id, day, user_id, team_id):
        """The rule of a document among ``self`` (from ``_spm_find``): the first naming the salesperson,
        else the first naming the team, else the first for everybody."""
        candidates = [rule for rule in self if rule._spm_applies(company_id, day, user_id, team_id)]
        for test in (lambda r: user_id in r.user_ids.ids, lambda r: team_id in r.team_ids.ids, lambda r: True):
            for rule in candidates:
                if test(rule):
                    return rule
        return self.browse()

    def _spm_multiplier(self, grade):
        self.ensure_one()
        line = self.grade_rate_ids.filtered(lambda g: g.grade_id == grade)[:1]
        return line.multiplier if line else 1.0

    def _spm_slices(self, before, after):
        """[(rate, weight)]: the rates paying an achievement going from ``before`` to ``after`` (in %
        of the target), each with the part of the base it pays (weights add up to 1)."""
        self.ensure_one()
        if self.rate_mode == "flat":
            return [(self.rate, 1.0)]
        tiers = self.tier_ids.sorted("achievement_from")
        bounds = [(tier.achievement_from, nxt.achievement_from if nxt else float("inf"), tier.rate)
                  for tier, nxt in zip(tiers, [*tiers[1:], None], strict=True)]

        def rate_at(point):
            return next((rate for start, stop, rate in reversed(bounds) if point >= start), 0.0)

        if self.tier_mode == "whole" or after <= before:
            return [(rate_at(after), 1.0)]
        slices = []
        if before < bounds[0][0]:
            slices.append((0.0, (min(after, bounds[0][0]) - before) / (after - before)))
        for start, stop, rate in bounds:
            overlap = min(after, stop) - max(before, start)
            if overlap > 0:
                slices.append((rate, overlap / (after - before)))
        return [(rate, weight) for rate, weight in slices if rate and weight > 0]
