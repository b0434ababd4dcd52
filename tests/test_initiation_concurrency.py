from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged


@tagged("post_install", "-at_install")
class TestInitiationConcurrency(BaseCase):
    """Two managers approve the same step at the same moment, in two real, separate transactions
    (on the demo request LX…-0001, put back as it was afterwards)."""

    def test_one_step_is_decided_once(self):
        registry = Registry(get_db_name())
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env.ref("sales_project_management.initiation_parking_platform", raise_if_not_found=False)
            if not request:
                self.skipTest("needs the demo data")
            self.assertEqual(request.current_approval_id.name, "Sales director")
            request_id = request.id
            director = env.ref("sales_project_management.user_spm_director").id
            manager2 = env.ref("sales_project_management.user_spm_manager2").id
        cr_a, cr_b = registry.cursor(), registry.cursor()
        try:
            Request_a = api.Environment(cr_a, director, {})["spm.initiation"]
            Request_b = api.Environment(cr_b, manager2, {})["spm.initiation"]
            Request_a.browse(request_id).action_approve("A")
            with self.assertRaises(UserError):
                Request_b.browse(request_id).action_approve("B")
            cr_b.rollback()
            cr_a.commit()
            # B tries again once A is through: that step is decided, the next one is the executives'
            Request_b = api.Environment(cr_b, manager2, {})["spm.initiation"]
            with self.assertRaises(AccessError):
                Request_b.browse(request_id).action_approve("B")
            cr_b.rollback()
            request = api.Environment(cr_b, SUPERUSER_ID, {})["spm.initiation"].browse(request_id)
            director_step = request.approval_ids.filtered(lambda a: a.name == "Sales director")
            self.assertEqual((director_step.state, director_step.comment), ("approved", "A"))
            self.assertEqual(request.current_approval_id.name, "General manager")
        finally:
            cr_a.close()
            cr_b.close()
            with registry.cursor() as cr:
                request = api.Environment(cr, SUPERUSER_ID, {})["spm.initiation"].browse(request_id)
                request.approval_ids.filtered(lambda a: a.name == "Sales director").write(
                    {"state": "pending", "comment": False, "decided_by_id": False, "date": False})
                request.activity_ids.unlink()
                request._spm_schedule_activities()
