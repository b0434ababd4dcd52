from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestGrading(SpmCommon):

    def test_grades_follow_the_amounts(self):
        for amount, grade in ((60_000_000, self.grade_company), (50_000_000, self.grade_company),
                              (49_999_999, self.grade_department), (20_000_000, self.grade_department),
                              (5_000_000, self.grade_office), (0, self.grade_office)):
            with self.subTest(amount=amount):
                self.assertEqual(self._create_lead(expected_revenue=amount).spm_grade_id, grade)

    def test_grade_follows_the_expected_revenue(self):
        lead = self._create_lead(expected_revenue=8_000_000)
        form = Form(lead.with_user(self.user_sales_east))
        form.expected_revenue = 25_000_000
        self.assertEqual(form.spm_grade_id, self.grade_department, "the form shows the new grade at once")
        form.save()
        self.assertEqual(lead.spm_grade_id, self.grade_department)
        lead.expected_revenue = 70_000_000
        self.assertEqual(lead.spm_grade_id, self.grade_company)

    def test_manager_raises_the_grade_with_a_reason_and_it_sticks(self):
        lead = self._create_lead(expected_revenue=8_000_000)
        lead.with_user(self.user_manager_east).write({
            "spm_grade_manual": True, "spm_grade_id": self.grade_company.id,
            "spm_grade_reason": "新市场突破，总部重点项目",
        })
        self.assertEqual(lead.spm_grade_id, self.grade_company)
        lead.expected_revenue = 9_000_000
        self.assertEqual(lead.spm_grade_id, self.grade_company, "a grade set by hand sticks")
        self.grade_company.min_amount = 40_000_000
        self.env.flush_all()
        self.assertEqual(lead.spm_grade_id, self.grade_company)
        # back to automatic
        lead.with_user(self.user_manager_east).write({"spm_grade_manual": False, "spm_grade_reason": False})
        self.assertEqual(lead.spm_grade_id, self.grade_office)

    def test_manual_grade_needs_a_reason_and_can_only_raise(self):
        lead = self._create_lead(expected_revenue=30_000_000)
        as_manager = lead.with_user(self.user_manager_east)
        with self.assertRaises(ValidationError):
            as_manager.write({"spm_grade_manual": True, "spm_grade_id": self.grade_company.id})
        with self.assertRaises(ValidationError):
            as_manager.write({"spm_grade_manual": True, "spm_grade_id": self.grade_office.id,
                              "spm_grade_reason": "小项目"})
        self.assertEqual(lead.spm_grade_id, self.grade_department)
        self.assertFalse(lead.spm_grade_manual)

    def test_salesperson_cannot_grade_by_hand(self):
        lead = self._create_lead(expected_revenue=8_000_000)
        as_sales = lead.with_user(self.user_sales_east)
        with self.assertRaises(AccessError):
            as_sales.write({"spm_grade_manual": True, "spm_grade_id": self.grade_company.id,
                            "spm_grade_reason": "我觉得重要"})
        with self.assertRaises(ValidationError):
            as_sales.write({"spm_grade_id": self.grade_company.id})
        self.assertEqual(lead.spm_grade_id, self.grade_office)
        with self.assertRaises(AccessError):
            self.grade_office.with_user(self.user_sales_east).min_amount = 1

    def test_threshold_change_regrades_open_leads(self):
        lead = self._create_lead(expected_revenue=30_000_000)
        self.assertEqual(lead.spm_grade_id, self.grade_department)
        self.grade_company.with_user(self.user_manager_east).min_amount = 30_000_000
        self.assertEqual(lead.spm_grade_id, self.grade_company)

    def test_grade_is_groupable(self):
        self._create_lead("大项目", expected_revenue=60_000_000)
        self._create_lead("小项目", expected_revenue=1_000_000)
        groups = dict(self.env["crm.lead"]._read_group(
            [("company_id", "=", self.company.id)], ["spm_grade_id"], ["__count"]))
        self.assertEqual(groups[self.grade_company], 1)
        self.assertEqual(groups[self.grade_office], 1)
