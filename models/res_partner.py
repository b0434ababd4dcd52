from odoo import api, fields, models

GEO_FIELDS = ("partner_latitude", "partner_longitude")


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "spm.workflow.mixin"]
    # who last set the customer's position on the map, and when: a visit's check-in keeps them
    _spm_workflow_fields = ("spm_geo_changed_by_id", "spm_geo_changed_on")

    spm_geo_changed_by_id = fields.Many2one("res.users", string="Located By", readonly=True, copy=False)
    spm_geo_changed_on = fields.Datetime("Located On", readonly=True, copy=False)

    @api.model
    def _spm_prepare_create(self, vals):
        if any(vals.get(name) for name in GEO_FIELDS):
            vals.update(spm_geo_changed_by_id=self.env.uid, spm_geo_changed_on=fields.Datetime.now())
        return vals

    def _spm_prepare_write(self, vals):
        if set(GEO_FIELDS) & vals.keys() and any(self._spm_changes(name, vals[name])
                                                  for name in GEO_FIELDS if name in vals):
            vals.update(spm_geo_changed_by_id=self.env.uid, spm_geo_changed_on=fields.Datetime.now())
        return vals

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
        figures = self.env["spm.visit"]._spm_visit_figures("partner_id", all_partners.ids)
        self_ids = set(self._ids)
        for visited in all_partners:
            count, last = figures.get(visited.id, (0, None))
            partner = visited
            while count and partner:
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
