from odoo.tests import Form, tagged

from .common import SpmCommon

# Reading the opportunity form of a new opportunity (the web client's read of the form's fields, a
# salesperson's, caches warm) cost 24 queries before the grading criteria, support requests and bids came
# (measured on 18.0.1.5.0 with the same script). Their tabs may add at most 2: each tab lists its records
# in one query; the grade's reasons and the tabs' counts read no more; the gate log moved behind a button
# with a stored count.
FORM_QUERIES_BEFORE = 24
FORM_QUERY_BUDGET = FORM_QUERIES_BEFORE + 2


@tagged("post_install", "-at_install")
class TestLeadFormQueries(SpmCommon):

    def test_the_opportunity_form_reads_within_its_budget(self):
        lead = self._create_lead("滨江停车一期", expected_revenue=3_000_000, partner_id=self.contact.id)
        lead = lead.with_user(self.user_sales_east)
        spec = Form(lead)._view["fields_spec"]
        for name in ("spm_grade_criterion_line_ids", "spm_support_request_ids", "spm_grade_reasons"):
            self.assertIn(name, spec, "the form shows the new tabs")
        lead.web_read(spec)  # warm the registry caches (groups, translations, views)
        self.env.invalidate_all()
        with self.assertQueryCount(FORM_QUERY_BUDGET):
            lead.web_read(spec)
