from odoo import _lt, fields, models

# crm's four default stages are renamed into the governed pipeline (data/crm_stage_data.xml).
# Their records belong to crm, so their new names are translated from these code terms.
RENAMED_CRM_STAGES = {
    "crm.stage_lead1": _lt("Lead / Customer Development"),
    "crm.stage_lead2": _lt("Qualification"),
    "crm.stage_lead3": _lt("Bid / Quotation"),
    "crm.stage_lead4": _lt("Won"),
}


class CrmStage(models.Model):
    _name = "crm.stage"
    _inherit = ["crm.stage", "spm.gated.stage.mixin"]
    _spm_renamed_stages = RENAMED_CRM_STAGES
    _spm_scope_field = "team_id"

    spm_gate_ids = fields.One2many("spm.stage.gate", "stage_id", string="Gates",
                                   help="Requirements an opportunity must meet to leave this stage forward.")
    spm_max_days = fields.Integer(
        "Max Days in Stage", default=0,
        help="An opportunity left in this stage longer than this without a move raises a stall alert (停滞预警) "
             "asking its team leader for an analysis meeting. 0: no limit.")
