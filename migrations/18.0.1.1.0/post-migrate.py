"""18.0.1.1.0: the default 线索 gates are named after the opportunity form's labels and explain
themselves; the visit gate counts only meetings that have taken place.

The gates are configuration (noupdate): only those still as installed are changed."""
from psycopg2.extras import Json

from odoo import SUPERUSER_ID, api

RENAMED = {
    "gate_lead_customer": ("Customer", "Contact",
                           "Choose the customer, a company or a person, in the Contact field."),
    "gate_lead_contact": ("Contact person", "Contact Name",
                          "Fill in the Contact Name on the Extra Information tab, or choose a person of the customer "
                          "company as the Contact."),
    "gate_lead_visit": ("At least one customer visit logged", "At least one customer visit logged",
                        "Log a meeting with the customer that has taken place; a meeting still to come does not "
                        "count."),
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, (old, new, description) in RENAMED.items():
        gate = env.ref(f"sales_project_management.{xmlid}", raise_if_not_found=False)
        if not gate or gate.with_context(lang="en_US").name != old:
            continue
        # the other languages are filled from the module's translations after this script
        cr.execute("UPDATE spm_stage_gate SET name = %s, description = %s WHERE id = %s",
                   [Json({"en_US": new}), Json({"en_US": description}), gate.id])
        if xmlid == "gate_lead_visit" and gate.field_id.name == "calendar_event_ids":
            gate.field_id = env.ref("sales_project_management.field_crm_lead__spm_visit_logged")
    env.registry.clear_cache()
