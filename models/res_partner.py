from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    spm_visit_count = fields.Integer("Number of Visits", compute="_compute_spm_visits",
                                     groups="sales_project_management.group_spm_user")
    spm_last_visit_date = fields.Datetime("Last Visit", compute="_compute_spm_visits",
                                          groups="sales_project_management.group_spm_user")

    def _compute_spm_visits(self):
        """The visits the user may see, to the partner or to any company or person under it."""
        self.spm_visit_count = 0
        self.spm_last_visit_date = False
        if not self.ids:
            return
        all_partners = self.with_context(active_test=False).search_fetch([("id", "child_of", self.ids)],
                                                                          ["parent_id"])
        Visit = self.env["spm.visit"]
        counts = Visit._read_group([("partner_id", "in", all_partners.ids)], ["partner_id"], ["__count"])
        lasts = dict(Visit._read_group([("partner_id", "in", all_partners.ids),
                                        ("date_start", "<=", fields.Datetime.now())],
                                       ["partner_id"], ["date_start:max"]))
        self_ids = set(self._ids)
        for visited, count in counts:
            last, partner = lasts.get(visited), visited
            while partner:
                if partner.id in self_ids:
                    partner.spm_visit_count += count
                    if last and (not partner.spm_last_visit_date or last > partner.spm_last_visit_date):
                        partner.spm_last_visit_date = last
                partner = partner.parent_id

    def action_spm_open_visits(self):
        self.ensure_one()
        return self.env["spm.visit"]._spm_visits_action(
            [("partner_id", "child_of", self.id)], {"default_partner_id": self.commercial_partner_id.id},
            self.env._("Visits"))
