import base64

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

MODULE = "sales_project_management"


@tagged("post_install", "-at_install")
class TestAcceptanceConcurrency(BaseCase):
    """The project manager and a manager confirm the same final acceptance at the same moment, in two
    real, separate transactions (the demo's draft final acceptance of 滨江一院停车场, put back as it
    was afterwards)."""

    def test_one_confirmation_counts(self):
        registry = Registry(get_db_name())
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            acceptance = env.ref(f"{MODULE}.acceptance_hospital_parking_final")
            self.assertEqual((acceptance.state, acceptance.result), ("draft", False))
            acceptance.result = "passed"
            report = env["ir.attachment"].create({
                "name": "终验报告.pdf", "res_model": "spm.acceptance", "res_id": acceptance.id,
                "datas": base64.b64encode(b"%PDF-1.4 signed"),
                "spm_document_type_id": env.ref(f"{MODULE}.doc_type_acceptance").id})
            acceptance_id, report_id, project_id = acceptance.id, report.id, acceptance.project_id.id
            pm = env.ref(f"{MODULE}.user_spm_pm").id
            manager = env.ref(f"{MODULE}.user_spm_manager").id
        cr_a, cr_b = registry.cursor(), registry.cursor()
        try:
            api.Environment(cr_a, pm, {})["spm.acceptance"].browse(acceptance_id).action_confirm()
            with self.assertRaises(UserError):
                api.Environment(cr_b, manager, {})["spm.acceptance"].browse(acceptance_id).action_confirm()
            cr_b.rollback()
            cr_a.commit()
            with self.assertRaises(UserError):  # A is through: it is confirmed
                api.Environment(cr_b, manager, {})["spm.acceptance"].browse(acceptance_id).action_confirm()
            cr_b.rollback()
            acceptance = api.Environment(cr_b, SUPERUSER_ID, {})["spm.acceptance"].browse(acceptance_id)
            self.assertEqual((acceptance.state, acceptance.confirmed_by_id.id), ("confirmed", pm))
        finally:
            cr_a.close()
            cr_b.close()
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["spm.acceptance"].browse(acceptance_id).write(
                    {"state": "draft", "result": False, "confirmed_by_id": False, "confirmed_on": False})
                env["ir.attachment"].browse(report_id).unlink()
                env["project.project"].browse(project_id).spm_acceptance_date = False
