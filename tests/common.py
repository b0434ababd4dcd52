from datetime import date, timedelta

from odoo import Command, fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import TransactionCase


class SpmCommon(TransactionCase):
    """Two companies; in company A two sales teams (east, north), each with a leader and a
    salesperson, a sales director (manager group, no team), an executive and an accountant;
    in company B one salesperson. Customers with a contact person."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True,
                                       mail_notrack=True))
        cls.company = cls.env["res.company"].create({
            "name": "测试科技有限公司",
            "currency_id": cls.env.ref("base.CNY").id,
            "country_id": cls.env.ref("base.cn").id,
        })
        cls.company_b = cls.env["res.company"].create({"name": "Other Company B"})

        def user(login, name, groups, company=cls.company):
            return mail_new_test_user(
                cls.env, login=login, name=name, groups=groups, company_id=company.id,
                company_ids=[Command.set(company.ids)], email=f"{login}@example.com",
            )

        spm_user = "base.group_user,sales_project_management.group_spm_user"
        spm_manager = "base.group_user,sales_project_management.group_spm_manager"
        spm_executive = "base.group_user,sales_project_management.group_spm_executive"
        cls.user_sales_east = user("spm_t_sales_east", "王磊", spm_user)
        cls.user_sales_north = user("spm_t_sales_north", "李娜", spm_user)
        cls.user_manager_east = user("spm_t_manager_east", "陈强", spm_manager)
        cls.user_manager_north = user("spm_t_manager_north", "刘洋", spm_manager)
        cls.user_director = user("spm_t_director", "周敏", spm_manager)
        cls.user_exec = user("spm_t_exec", "赵建国", spm_executive)
        cls.user_accountant = user("spm_t_accountant", "孙丽", "base.group_user,account.group_account_manager")
        cls.user_sales_b = user("spm_t_sales_b", "Bob B", spm_user, company=cls.company_b)

        Team = cls.env["crm.team"]
        cls.team_east = Team.create({
            "name": "华东大区", "company_id": cls.company.id, "user_id": cls.user_manager_east.id,
            "member_ids": [Command.link(cls.user_sales_east.id)], "use_opportunities": True,
        })
        cls.team_north = Team.create({
            "name": "华北大区", "company_id": cls.company.id, "user_id": cls.user_manager_north.id,
            "member_ids": [Command.link(cls.user_sales_north.id)], "use_opportunities": True,
        })
        cls.team_b = Team.create({
            "name": "Team B", "company_id": cls.company_b.id, "member_ids": [Command.link(cls.user_sales_b.id)],
        })

        ref = cls.env.ref
        cls.grade_company = ref("sales_project_management.grade_company")
        cls.grade_department = ref("sales_project_management.grade_department")
        cls.grade_office = ref("sales_project_management.grade_office")

        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "滨江市交通运输局", "is_company": True})
        cls.contact = Partner.create({"name": "张明", "parent_id": cls.customer.id, "function": "信息中心主任"})
        cls.customer_hospital = Partner.create({"name": "滨江市第一人民医院", "is_company": True})

    @classmethod
    def _create_lead(cls, name="智慧停车平台", user=None, team=None, **values):
        user = user or cls.user_sales_east
        vals = {
            "name": name,
            "type": "opportunity",
            "user_id": user.id,
            "team_id": (team or cls.team_east).id,
            "company_id": cls.company.id,
        }
        vals.update(values)
        return cls.env["crm.lead"].create(vals)

    @classmethod
    def _confirm_without_review(cls, order):
        """Confirm an order of a sales project whose contract was reviewed outside Odoo, as a manager does (the
        tests of contract reviews confirm theirs through an approved review)."""
        cls.env["spm.contract.override.wizard"].create(
            {"order_id": order.id, "reason": "Contract reviewed on paper"}).action_confirm()


class SpmGateCommon(SpmCommon):
    """The default governed pipeline and helpers to meet its gates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.stage_lead = ref("crm.stage_lead1")
        cls.stage_qualification = ref("crm.stage_lead2")
        cls.stage_initiation = ref("sales_project_management.stage_initiation")
        cls.stage_requirements = ref("sales_project_management.stage_requirements")
        cls.stage_solution = ref("sales_project_management.stage_solution")
        cls.stage_bid = ref("crm.stage_lead3")
        cls.stage_negotiation = ref("sales_project_management.stage_negotiation")
        cls.stage_won = ref("crm.stage_lead4")
        cls.doc_requirements = ref("sales_project_management.doc_type_requirements")
        cls.doc_solution = ref("sales_project_management.doc_type_solution")
        cls.gate_requirements_confirmed = ref("sales_project_management.gate_requirements_confirmed")
        cls.gate_solution_reviewed = ref("sales_project_management.gate_solution_reviewed")
        cls.gate_legal = ref("sales_project_management.gate_negotiation_legal")

    @classmethod
    def _meet_lead_gates(cls, lead):
        """Customer contact person and a logged visit."""
        lead.partner_id = cls.contact
        cls.env["calendar.event"].create({
            "name": "拜访信息中心", "opportunity_id": lead.id, "user_id": lead.user_id.id,
            "start": "2026-11-02 02:00:00", "stop": "2026-11-02 03:00:00",
        })

    @classmethod
    def _meet_qualification_gates(cls, lead, score=4):
        lead.action_spm_start_assessment()
        lead.spm_assessment_ids.write({"score": score})
        lead.write({
            "spm_customer_budget": 50_000_000,
            "spm_strategy": "compete",
            "spm_competitor_ids": [Command.create({"name": "海康威视", "strengths": "品牌", "weaknesses": "价格高"})],
        })

    @classmethod
    def _attach(cls, lead, doc_type, name="需求说明书.pdf"):
        return cls.env["ir.attachment"].create({
            "name": name, "res_model": "crm.lead", "res_id": lead.id, "raw": b"%PDF-1.4 demo",
            "spm_document_type_id": doc_type.id,
        })

    @classmethod
    def _tick(cls, lead, gate):
        return cls.env["spm.lead.checklist"].create({"lead_id": lead.id, "gate_id": gate.id})


class SpmCollectionCommon(SpmCommon):
    """A delivery project with five milestones and a confirmed order of 1,000,000 (no tax), in a
    company with a chart of accounts; the 30/40/30 collection template."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading("generic_coa", cls.company, install_demo=False)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.user_accountant.groups_id += cls.env.ref("account.group_account_invoice")
        cls.today = fields.Date.context_today(cls.env["spm.collection.line"])
        cls.product = cls.env["product.product"].create({
            "name": "智慧停车系统集成服务", "type": "service", "invoice_policy": "order", "list_price": 1_000_000,
            "taxes_id": [Command.clear()], "company_id": cls.company.id,
        })
        cls.project = cls.env["project.project"].create({
            "name": "滨江智慧停车一期", "company_id": cls.company.id, "user_id": cls.user_sales_east.id,
            "partner_id": cls.customer.id, "allow_milestones": True,
        })
        cls.milestones = cls.env["project.milestone"].create([
            {"name": name, "project_id": cls.project.id, "deadline": cls.today + timedelta(days=30 * i)}
            for i, name in enumerate(["需求调研", "方案设计", "合同签订", "交付实施", "验收回款"], 1)])
        cls.order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id, "company_id": cls.company.id, "user_id": cls.user_sales_east.id,
            "team_id": cls.team_east.id, "project_id": cls.project.id,
            "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 1,
                                           "price_unit": 1_000_000, "tax_id": [Command.clear()]})],
        })
        cls.order.action_confirm()
        cls.template = cls.env.ref("sales_project_management.collection_template_30_40_30")
        cls.company.spm_collection_post_invoice = True  # as before the setting: invoices posted at once


class SpmVisitCommon(SpmGateCommon):
    """The company keeps China's time; the customers are geolocated (the transport bureau in
    Hangzhou's Binjiang district, the hospital 1.5 km away)."""

    BUREAU = (30.2084, 120.2119)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.customer.write({"partner_latitude": cls.BUREAU[0], "partner_longitude": cls.BUREAU[1]})
        cls.customer_hospital.write({"partner_latitude": 30.1961, "partner_longitude": 120.2048})
        cls.hospital_contact = cls.env["res.partner"].create({"name": "刘芳", "parent_id": cls.customer_hospital.id})

    @classmethod
    def _visit(cls, user=None, **values):
        """A visit logged by ``user`` (the east salesperson) as that user, to the transport bureau."""
        user = user or cls.user_sales_east
        vals = {"name": "拜访信息中心", "partner_id": cls.customer.id, "contact_id": cls.contact.id,
                "visit_type": "onsite", "company_id": cls.company.id}
        vals.update(values)
        return cls.env["spm.visit"].with_user(user).with_context(allowed_company_ids=cls.company.ids).create(vals)


class SpmProjectCommon(SpmCommon):
    """A delivery project of the east team in its first stage (执行): project manager 王磊, director
    周敏, the customer's contact 张明, the charter's criteria, two milestones and a confirmed 50/50
    collection plan (at the delivery milestone, 15 days after the final acceptance) on an order of
    1,000,000 in a company with a chart of accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.stage_delivery = ref("project.project_project_stage_0")
        cls.stage_acceptance = ref("project.project_project_stage_1")
        cls.stage_collection = ref("sales_project_management.project_stage_collection")
        cls.stage_closing = ref("sales_project_management.project_stage_closing")
        cls.stage_closed = ref("project.project_project_stage_2")
        cls.doc_acceptance = ref("sales_project_management.doc_type_acceptance")
        cls.env["account.chart.template"].try_loading("generic_coa", cls.company, install_demo=False)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.user_accountant.groups_id += cls.env.ref("account.group_account_invoice")
        cls.company.spm_collection_post_invoice = True
        cls.today = fields.Date.context_today(cls.env["spm.collection.line"])
        cls.pm = cls.user_sales_east
        cls.contact.email = "zhang.ming@example.com"
        cls.project = cls._create_project()
        cls.milestone_research, cls.milestone_delivery = cls.project.milestone_ids.sorted("deadline")
        cls.line_delivery, cls.line_acceptance = cls.project.spm_collection_line_ids.sorted("sequence")

    @classmethod
    def _create_project(cls, name="滨江智慧停车一期", user=None):
        project = cls.env["project.project"].create({
            "name": name, "company_id": cls.company.id, "user_id": (user or cls.pm).id,
            "partner_id": cls.customer.id, "allow_milestones": True,
            "spm_grade_id": cls.env.ref("sales_project_management.grade_office").id,  # as its 立项 sets it
            "date_start": cls.today - timedelta(days=120), "date": cls.today - timedelta(days=10),
            "spm_member_ids": [
                Command.create({"role": "director", "user_id": cls.user_director.id, "sequence": 1}),
                Command.create({"role": "manager", "user_id": (user or cls.pm).id, "sequence": 2}),
                Command.create({"role": "customer_contact", "partner_id": cls.contact.id, "sequence": 3}),
            ],
            "spm_success_criterion_ids": [
                Command.create({"code": "acceptance_rate", "name": "验收通过率", "comparator": ">=", "target": 95,
                                "unit": "%"}),
                Command.create({"code": "collection_cycle", "name": "回款周期", "comparator": "<=", "target": 30,
                                "unit": "天"}),
            ],
        })
        cls.env["project.milestone"].create([
            {"name": "需求调研", "project_id": project.id, "deadline": cls.today - timedelta(days=90)},
            {"name": "交付实施", "project_id": project.id, "deadline": cls.today - timedelta(days=30)},
        ])
        product = cls.env["product.product"].create({
            "name": "智慧停车系统集成服务", "type": "service", "invoice_policy": "order", "list_price": 1_000_000,
            "taxes_id": [Command.clear()], "company_id": cls.company.id,
        })
        order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id, "company_id": cls.company.id, "user_id": (user or cls.pm).id,
            "team_id": cls.team_east.id, "project_id": project.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1, "price_unit": 1_000_000,
                                           "tax_id": [Command.clear()]})],
        })
        cls._confirm_without_review(order)
        delivery = project.milestone_ids.sorted("deadline")[-1]
        cls.env["spm.collection.line"].create([
            {"project_id": project.id, "sale_order_id": order.id, "sequence": 10, "name": "交付款", "percent": 50,
             "trigger": "milestone", "milestone_id": delivery.id},
            {"project_id": project.id, "sale_order_id": order.id, "sequence": 20, "name": "验收款", "percent": 50,
             "trigger": "acceptance", "offset_days": 15},
        ])
        project.action_spm_confirm_collection_plan()
        return project

    @classmethod
    def _attach(cls, record, doc_type, name="验收报告.pdf"):
        return cls.env["ir.attachment"].create({
            "name": name, "res_model": record._name, "res_id": record.id, "raw": b"%PDF-1.4 signed",
            "spm_document_type_id": doc_type.id,
        })

    @classmethod
    def _acceptance(cls, acceptance_type="final", milestone=None, *, result="passed", date=None, project=None,
                    user=None, signed=True, confirm=True):
        """An acceptance recorded (and confirmed) by the project manager, with its signed report."""
        values = {
            "project_id": (project or cls.project).id, "acceptance_type": acceptance_type,
            "milestone_id": milestone.id if milestone else False, "result": result,
            "date": date or cls.today, "signatory_id": cls.contact.id,
            "findings": "<p>现场检查</p>", "corrective_actions": "<p>一周内整改</p>",
        }
        acceptance = cls.env["spm.acceptance"].with_user(user or cls.pm).create(values)
        if signed:
            cls._attach(acceptance, cls.doc_acceptance)
        if confirm:
            acceptance.with_user(user or cls.pm).action_confirm()
        return acceptance

    def _invoice(self, line):
        action = line.with_user(self.user_accountant).action_create_invoice()
        return self.env["account.move"].browse(action["res_id"])

    def _pay(self, invoice, amount, date=None):
        return self.env["account.payment.register"].with_user(self.user_accountant).with_context(
            active_model="account.move", active_ids=invoice.ids).create({
                "amount": amount, "payment_date": date or self.today,
            })._create_payments()

    def _collect(self, date=None):
        """Invoice and pay every installment of the project (on ``date``)."""
        for line in self.project.spm_collection_line_ids.sorted("sequence"):
            self._pay(self._invoice(line), line.amount, date)

    def _move(self, stage, user=None, project=None):
        (project or self.project).with_user(user or self.user_manager_east).write({"stage_id": stage.id})

    def _set_stage(self, stage, project=None):
        """Put the project in ``stage`` without its gates (as a data file would)."""
        project = project or self.project
        self.env.flush_all()
        self.cr.execute("UPDATE project_project SET stage_id = %s WHERE id = %s", [stage.id, project.id])
        self.env.invalidate_all()


class SpmMonitoringCommon(SpmGateCommon):
    """A delivery project made by an approved office-level initiation (立项): salesperson 王磊 of the east
    team requests it with a cost budget, the team leader 陈强 approves it; 王磊 is its project manager
    and 陈强 its monitor."""

    @classmethod
    def _approved_project(cls, name="滨江一院停车场出入口改造", budget=1_000_000, user=None, team=None, **values):
        user = user or cls.user_sales_east
        lead = cls._create_lead(name, user=user, team=team, expected_revenue=3_800_000, partner_id=cls.contact.id,
                                **values)
        request = cls.env["spm.initiation"].with_user(user).create({
            "lead_id": lead.id, "budget": budget, "date_start": "2026-12-01", "date_end": "2027-03-31",
        })
        request.with_user(user).action_submit()
        request.with_user(lead.team_id.user_id).action_approve("同意")
        return lead.with_env(cls.env), request.project_id.with_env(cls.env)


class SpmWeeklyReportCommon(SpmMonitoringCommon):
    """The project of an initiation planned from 2026-12-01: its first milestone (需求调研) and its three
    tasks are due on Monday 2026-12-21 (ISO week 2026-W52). In that week one task is done, the milestone
    reached, an issue is open and escalated, a 4×4 risk is open, 300,000 of costs are booked and an
    installment of 250,000 falls due."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead, cls.project = cls._approved_project(budget=1_000_000)
        project = cls.project
        cls.milestone = project.milestone_ids.sorted("deadline")[0]
        cls.milestone.is_reached = True
        week_tasks = project.task_ids.filtered(lambda t: t.milestone_id == cls.milestone)
        week_tasks[0].state = "1_done"
        cls.issue = cls.env["project.task"].create({
            "name": "HIS 接口文档未提供", "project_id": project.id, "spm_is_issue": True,
            "spm_issue_date": fields.Datetime.now() - timedelta(days=4)})
        cls.env["project.task"]._cron_spm_escalate_issues()
        cls.risk = cls.env["spm.risk"].create({"name": "道闸设备到货延迟", "project_id": project.id,
                                               "lead_id": cls.lead.id, "probability": 4, "impact": 4})
        cls.env["account.analytic.line"].create({"name": "实施人工", "account_id": project.account_id.id,
                                                 "amount": -300_000, "company_id": cls.company.id})
        product = cls.env["product.product"].create({"name": "停车系统集成", "type": "service",
                                                     "invoice_policy": "order", "company_id": cls.company.id})
        order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id, "company_id": cls.company.id, "project_id": project.id,
            "order_line": [Command.create({"product_id": product.id, "price_unit": 1_000_000,
                                           "tax_id": [Command.clear()]})]})
        cls._confirm_without_review(order)
        cls.env["spm.collection.line"].create({
            "project_id": project.id, "sale_order_id": order.id, "name": "预付款", "percent": 25,
            "amount": 250_000, "trigger": "date", "trigger_date": "2026-12-24"})


class SpmCommissionCommon(SpmCollectionCommon):
    """The 1,000,000 order of SpmCollectionCommon on a company-grade project managed by 黄伟 (project
    manager) and sold by 王磊 (salesperson); a 5 % rule shared 60/40, company grade ×1.2; the order
    invoiced in one installment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["spm.commission.rule"].search([]).active = False  # the demo rules
        cls.user_pm = mail_new_test_user(
            cls.env, login="spm_t_pm", name="黄伟", groups="base.group_user,sales_project_management.group_spm_user",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)], email="spm_t_pm@example.com")
        cls.grade = cls.env.ref("sales_project_management.grade_company")
        cls.project.write({"spm_grade_id": cls.grade.id, "spm_member_ids": [
            Command.create({"role": "manager", "user_id": cls.user_pm.id})]})
        cls.rule = cls.env["spm.commission.rule"].create({
            "name": "2026 提成方案", "company_id": cls.company.id, "date_from": date(2026, 1, 1),
            "base": "collected", "rate_mode": "flat", "rate": 5.0,
            "share_ids": [Command.create({"role": "manager", "share": 60}),
                          Command.create({"role": "salesperson", "share": 40})],
            "grade_rate_ids": [Command.create({"grade_id": cls.grade.id, "multiplier": 1.2})],
        })
        cls.installment = cls.env["spm.collection.line"].create({
            "project_id": cls.project.id, "sale_order_id": cls.order.id, "name": "合同款", "percent": 100,
            "amount": 1_000_000, "trigger": "date", "trigger_date": cls.today,
        })
        cls.project.action_spm_confirm_collection_plan()
        accounts = cls.env["account.account"].with_company(cls.company)
        cls.expense = accounts.search([("company_ids", "in", cls.company.ids), ("account_type", "=", "expense")],
                                      limit=1)
        cls.payable = accounts.search([("company_ids", "in", cls.company.ids),
                                       ("account_type", "=", "liability_payable")], limit=1)
        cls.misc_journal = cls.env["account.journal"].search([("company_id", "=", cls.company.id),
                                                              ("type", "=", "general")], limit=1)
        cls.company.write({"spm_commission_expense_account_id": cls.expense.id, "spm_commission_entry_type": "bill"})
        cls.Line = cls.env["spm.commission.line"]
        cls.Settlement = cls.env["spm.commission.settlement"]

    def _invoice(self, line=None):
        action = (line or self.installment).with_user(self.user_accountant).action_create_invoice()
        return self.env["account.move"].browse(action["res_id"])

    def _pay(self, invoice, amount, day):
        return self.env["account.payment.register"].with_user(self.user_accountant).with_context(
            active_model="account.move", active_ids=invoice.ids).create({
                "amount": amount, "payment_date": day,
            })._create_payments()

    def _lines(self, **domain):
        return self.Line.search([(key, "=", value) for key, value in domain.items()], order="date, id")

    def _settle(self, day, user=None):
        settlements = self.Settlement.with_user(self.user_director)._spm_generate(self.company, day.replace(day=1))
        return settlements.filtered(lambda s: s.user_id == (user or self.user_pm))

    def _target(self, user, monthly):
        target = self.env["spm.target"].with_user(self.user_director).create({
            "year": 2026, "company_id": self.company.id, "user_id": user.id, "team_id": self.team_east.id,
            "target_collected": sum(monthly.values())})
        for line in target.line_ids:
            line.target_collected = monthly.get(line.date_from.month, 0.0)
        target.action_confirm()
        return target
