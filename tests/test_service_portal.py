import re

from odoo import Command
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import SpmProjectCommon


@tagged("post_install", "-at_install")
class TestServicePortal(HttpCase, SpmProjectCommon):
    """售后 in the portal: the customer's contact raises a request about one of their projects, sees their
    customer's requests only, and confirms a resolution once the request is done."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")  # the customers read the portal in Chinese
        cls.after_sales = cls.company._spm_after_sales_project()
        cls.after_sales.user_id = cls.user_manager_east

        def portal_user(login, name, customer):
            user = mail_new_test_user(cls.env, login=login, name=name, groups="base.group_portal",
                                      company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
                                      email=f"{login}@example.com", lang="zh_CN")
            user.partner_id.parent_id = customer
            return user

        cls.portal_bureau = portal_user("spm_t_portal_bureau", "李华", cls.customer)
        cls.portal_hospital = portal_user("spm_t_portal_hospital", "刘芳", cls.customer_hospital)
        cls.hospital_project = cls.env["project.project"].create({
            "name": "滨江一院停车场改造", "company_id": cls.company.id, "partner_id": cls.customer_hospital.id,
            "spm_grade_id": cls.grade_office.id,
        })

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _csrf_token(self, url="/my/service/new"):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _raise(self, **values):
        data = {"csrf_token": self._csrf_token(), "service_type": "complaint", "severity": "high",
                "sales_project_id": str(self.project.id), "name": "道闸抬杆故障",
                "description": "东门道闸无法抬杆\n早高峰车辆排队"}
        data.update(values)
        return self.url_open("/my/service/new", data=data)

    def _requests(self, name):
        return self.env["project.task"].search([("project_id", "=", self.after_sales.id), ("name", "=", name)])

    def _confirm(self, task, csrf_token, **data):
        return self.url_open(f"/my/service/{task.id}/confirm", data={"csrf_token": csrf_token, **data},
                             allow_redirects=False)

    def test_raise_a_complaint_from_the_portal(self):
        self._login(self.portal_bureau)
        form = self.url_open("/my/service/new").text
        self.assertIn(self.project.name, form, "the customer's sales project is offered")
        self.assertNotIn(self.hospital_project.name, form)
        response = self._raise()
        task = self._requests("道闸抬杆故障")
        self.assertEqual(len(task), 1)
        self.assertEqual((task.project_id, task.partner_id, task.spm_channel, task.spm_service_type),
                         (self.after_sales, self.portal_bureau.partner_id, "portal", "complaint"))
        self.assertEqual((task.spm_sales_project_id, task.spm_severity), (self.project, "high"))
        self.assertTrue(task.spm_issue_date, "a complaint's escalation clock starts when it is raised")
        self.assertIn(self.portal_bureau.partner_id, task.message_partner_ids)
        self.assertIn("东门道闸无法抬杆", str(task.description))
        # the customer lands on the request's page
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"/my/service/{task.id}", response.url)
        self.assertIn("道闸抬杆故障", response.text)
        self.assertIn("您的请求已登记", response.text, "the customer reads the confirmation in their language")
        # a repair is not a complaint: no escalation, no severity asked
        self._raise(service_type="repair", name="地感线圈更换", severity="critical")
        repair = self._requests("地感线圈更换")
        self.assertEqual((repair.spm_service_type, repair.spm_severity), ("repair", False))
        self.assertFalse(repair.spm_issue_date)

    def test_an_invalid_request_creates_nothing(self):
        self._login(self.portal_bureau)
        count = self.env["project.task"].search_count([("project_id", "=", self.after_sales.id)])
        response = self._raise(sales_project_id=str(self.hospital_project.id), name="越权请求")
        self.assertEqual(response.status_code, 400)
        self.assertIn("请选择您的一个项目。", response.text)
        response = self._raise(service_type="return_visit", name="自行安排回访")
        self.assertEqual(response.status_code, 400)
        response = self._raise(name="  ")
        self.assertEqual(response.status_code, 400)
        # without the CSRF token the form is not accepted
        with mute_logger("odoo.http"):
            response = self.url_open("/my/service/new", data={"service_type": "complaint", "name": "无令牌请求"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.env["project.task"].search_count([("project_id", "=", self.after_sales.id)]), count)

    def test_the_customer_sees_their_own_requests_only(self):
        Task = self.env["project.task"].with_user(self.user_manager_east)
        # a colleague's request, taken by phone, is the customer's too; the hospital's is not
        colleague = Task.create({
            "name": "月度巡检报告", "project_id": self.after_sales.id, "partner_id": self.contact.id,
            "spm_service_type": "maintenance", "spm_sales_project_id": self.project.id, "spm_channel": "phone"})
        Task.create({
            "name": "急诊入口摄像头离线", "project_id": self.after_sales.id, "partner_id": self.customer_hospital.id,
            "spm_service_type": "complaint", "spm_sales_project_id": self.hospital_project.id, "spm_channel": "phone"})
        self._login(self.portal_bureau)
        self._raise()
        page = self.url_open("/my/service").text
        self.assertIn("道闸抬杆故障", page)
        self.assertIn("月度巡检报告", page)
        self.assertNotIn("急诊入口摄像头离线", page)
        self.assertEqual(self.make_jsonrpc_request("/my/counters", {"counters": ["spm_service_count"]}),
                         {"spm_service_count": 2})
        self.assertIn('href="/my/service"', self.url_open("/my/home").text)
        # its link opens the colleague's request (with its token)
        link = re.search(rf'href="(/my/service/{colleague.id}\?access_token=[^"]+)"', page).group(1)
        response = self.url_open(link.replace("&amp;", "&"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("月度巡检报告", response.text)
        self._login(self.portal_hospital)
        page = self.url_open("/my/service").text
        self.assertIn("急诊入口摄像头离线", page)
        self.assertNotIn("道闸抬杆故障", page)
        self.assertNotIn("月度巡检报告", page)

    def test_confirm_the_resolution_of_a_done_request(self):
        self._login(self.portal_bureau)
        self._raise()
        task = self._requests("道闸抬杆故障")
        csrf_token = self._csrf_token()
        response = self._confirm(task, csrf_token)
        self.assertIn("message=not_confirmed", response.headers["Location"])
        self.assertFalse(task.spm_customer_confirmed, "not done yet")
        task.with_user(self.user_manager_east).write({"state": "1_done", "spm_resolution": "<p>更换地感线圈</p>"})
        page = self.url_open(f"/my/service/{task.id}").text
        self.assertIn("更换地感线圈", page)
        self.assertIn("确认处理结果", page)
        response = self._confirm(task, csrf_token)
        self.assertIn("message=confirmed", response.headers["Location"])
        task.invalidate_recordset()
        self.assertTrue(task.spm_customer_confirmed)
        self.assertEqual(task.spm_confirmed_by, "李华")
        self.assertTrue(task.spm_confirmed_on)
        page = self.url_open(f"/my/service/{task.id}").text
        self.assertNotIn("确认处理结果", page)
        self.assertIn('id="spm_service_confirmed"', page)

    def test_another_customer_cannot_open_or_confirm_a_request(self):
        self._login(self.portal_bureau)
        self._raise()
        task = self._requests("道闸抬杆故障")
        task.with_user(self.user_manager_east).write({"state": "1_done"})
        self._login(self.portal_hospital)
        # sent back to their portal home (in their language: /zh_CN/my when the site's default is another)
        response = self.url_open(f"/my/service/{task.id}")
        self.assertTrue(response.url.rstrip("/").endswith("/my"), response.url)
        self.assertNotIn("道闸抬杆故障", response.text)
        response = self._confirm(task, self._csrf_token())
        self.assertTrue(response.headers["Location"].rstrip("/").endswith("/my"), response.headers["Location"])
        task.invalidate_recordset()
        self.assertFalse(task.spm_customer_confirmed)
