from datetime import timedelta

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo import Command, fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import SpmVisitCommon


@tagged("post_install", "-at_install")
class TestTeamMeeting(SpmVisitCommon):
    """The weekly meeting pack of the east team (周会材料): compiled from the members' work plans, the
    targets, the team's open and lost opportunities; held by the leader with minutes and decisions that
    become activities of their owners; frozen when closed; read by the team, run by its leader."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.Meeting = cls.env["spm.team.meeting"]
        cls.Plan = cls.env["spm.work.plan"]
        cls.product = cls.env["product.product"].create({
            "name": "智慧停车系统集成服务", "type": "service", "list_price": 380_000, "taxes_id": [Command.clear()],
        })
        cls.today = cls.company._spm_local_date(fields.Datetime.now())
        cls.monday = cls.today - timedelta(days=cls.today.weekday())
        # a second salesperson in the east team
        cls.user_sales_east2 = mail_new_test_user(
            cls.env, login="spm_t_sales_east2", name="张伟",
            groups="base.group_user,sales_project_management.group_spm_user",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)], email="east2@example.com")
        cls.team_east.member_ids = [Command.link(cls.user_sales_east2.id)]
        cls.reason_price = cls.env["crm.lost.reason"].create({"name": "价格过高"})

    def _target(self, user, amount):
        """A confirmed target of ``user`` for this year: ``amount`` signed and collected every month."""
        target = self.env["spm.target"].with_user(self.user_director).create({
            "year": self.today.year, "company_id": self.company.id, "team_id": self.team_east.id, "user_id": user.id,
            "target_signed": amount * 12, "target_collected": amount * 12,
        })
        for line in target.line_ids:
            line.write({"target_signed": amount, "target_collected": amount})
        target.with_user(self.user_director).action_confirm()
        return target

    def _plan(self, user, date_from=None, **values):
        return self.Plan.with_user(user).create({"period_type": "week", "date_from": date_from or self.monday,
                                                 "company_id": self.company.id, **values})

    def _meeting(self, user=None, team=None, date_from=None, **values):
        return self.Meeting.with_user(user or self.user_manager_east).create({
            "team_id": (team or self.team_east).id, "period_type": "week", "date_from": date_from or self.monday,
            **values})

    def _sign(self, user, amount):
        order = self.env["sale.order"].with_user(user).create({
            "partner_id": self.customer.id, "user_id": user.id, "team_id": self.team_east.id,
            "company_id": self.company.id,
            "order_line": [Command.create({"product_id": self.product.id, "price_unit": amount,
                                           "tax_id": [Command.clear()]})],
        })
        order.with_user(user).action_confirm()
        return order

    # ------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------

    def test_compiled_from_the_members_work_plans_and_the_targets(self):
        sales, sales2 = self.user_sales_east, self.user_sales_east2
        self._target(sales, 220_000)
        self._target(sales2, 110_000)
        plan = self._plan(sales, plan_text="停车平台商务谈判", planned_visits=8)
        following = self._plan(sales, date_from=self.monday + timedelta(days=7), plan_text="医院二期",
                               planned_visits=9)
        self._visit(lead_id=False, visit_type="onsite", date_start=fields.Datetime.now() - timedelta(minutes=5))
        self._visit(visit_type="phone", name="电话沟通", date_start=fields.Datetime.now() - timedelta(minutes=5))
        self._sign(sales, 380_000)
        self._sign(sales2, 120_000)

        meeting = self._meeting()
        self.assertEqual((meeting.state, meeting.leader_id, meeting.date_to),
                         ("draft", self.user_manager_east, self.monday + timedelta(days=6)))
        members = {member.user_id: member for member in meeting.member_ids}
        self.assertEqual(set(members), {sales, sales2})
        # the summary as the work plans compile it, the target as they split it
        figures = plan._spm_compile_figures()[plan.id]
        line = members[sales]
        for name, value in figures.items():
            if name != "lost_reasons":
                self.assertEqual(line[name], value, name)
        self.assertEqual((line.plan_id, line.target_signed, line.target_collected),
                         (plan, plan.target_signed, plan.target_collected))
        self.assertEqual((line.achieved_signed, line.visit_count, line.call_count), (380_000, 1, 1))
        self.assertEqual((line.next_plan_id, line.next_planned_visits, line.next_plan_text),
                         (following, 9, "医院二期"))
        # a member without a plan: the same split of the targets, the targets' one computation of the money
        stand_in = self.Plan.new({"user_id": sales2.id, "company_id": self.company.id, "period_type": "week",
                                  "date_from": self.monday})
        achieved = self.env["spm.target"]._spm_achieved(
            [("me", self.company.id, sales2.id, False, meeting.date_from, meeting.date_to),
             ("team", self.company.id, False, self.team_east.id, meeting.date_from, meeting.date_to)])
        line2 = members[sales2]
        self.assertFalse(line2.plan_id)
        self.assertEqual(line2.target_signed, stand_in.target_signed)
        self.assertEqual(line2.achieved_signed, achieved["me"]["signed"])
        self.assertEqual(line2.achieved_signed, 120_000)
        # the team: its documents, and its members' targets
        self.assertEqual(meeting.achieved_signed, achieved["team"]["signed"])
        self.assertEqual(meeting.achieved_signed, 500_000)
        self.assertAlmostEqual(meeting.target_signed, plan.target_signed + stand_in.target_signed, places=2)
        self.assertEqual((meeting.visit_count, meeting.call_count), (1, 1))

        # once the person compiles the summary, the pack shows the summary as stored
        with freeze_time(plan.date_to + timedelta(days=2)):
            plan.with_user(sales).action_compile_summary()
            self._visit(date_start=fields.Datetime.to_datetime(plan.date_from) + timedelta(hours=3))
            meeting.with_user(self.user_manager_east).action_refresh()
        line = meeting.member_ids.filtered(lambda m: m.user_id == sales)
        self.assertEqual((line.summary_state, line.visit_count), ("compiled", plan.visit_count))
        self.assertEqual(line.visit_count, 1, "the summary as compiled, not the visit logged afterwards")

    def test_intent_customers_with_follow_ups_and_losses_with_reasons(self):
        sales = self.user_sales_east
        hot = self._create_lead("智慧停车平台", partner_id=self.customer.id, expected_revenue=900_000,
                                probability=60)
        cold = self._create_lead("医院物流", partner_id=self.customer_hospital.id, expected_revenue=300_000,
                                 probability=20)
        self._visit(lead_id=hot.id, intent_level="high", name="方案汇报",
                    date_start=fields.Datetime.now() - timedelta(hours=2))
        hot.activity_schedule("mail.mail_activity_data_call", date_deadline=self.today + timedelta(days=3),
                              summary="约主任面谈", user_id=sales.id)
        hot.activity_schedule("mail.mail_activity_data_todo", date_deadline=self.today + timedelta(days=9),
                              summary="报价", user_id=sales.id)
        lost = self._create_lead("路内停车收费", partner_id=self.customer.id, expected_revenue=500_000)
        lost.with_user(sales).action_set_lost(lost_reason_id=self.reason_price.id)
        lost_no_reason = self._create_lead("数据中心", expected_revenue=100_000)
        lost_no_reason.with_user(sales).action_set_lost(
            lost_reason_id=self.env["crm.lost.reason"].create({"name": "竞争对手关系"}).id)
        won = self._create_lead("一卡通", expected_revenue=200_000)
        won.with_context(install_mode=True).action_set_won()
        self._create_lead("北区项目", user=self.user_sales_north, team=self.team_north, expected_revenue=1)

        meeting = self._meeting()
        self.assertEqual(meeting.intent_ids.lead_id, hot | cold, "the team's open opportunities only")
        self.assertEqual(meeting.intent_ids[0].lead_id, hot, "the most probable first")
        hot_line = meeting.intent_ids[0]
        self.assertEqual((hot_line.intent_level, hot_line.next_activity_date), ("high", self.today + timedelta(days=3)))
        self.assertIn("约主任面谈", hot_line.next_activity)
        self.assertIn("方案汇报", hot_line.last_follow_up)
        self.assertEqual((meeting.intent_count, meeting.intent_amount), (2, 1_200_000))
        self.assertEqual(meeting.loss_ids.lead_id, lost | lost_no_reason)
        self.assertEqual(meeting.loss_ids.filtered(lambda line: line.lead_id == lost).lost_reason_id, self.reason_price)
        self.assertEqual((meeting.lost_count, meeting.lost_amount), (2, 600_000))
        self.assertIn("价格过高: 1", meeting.lost_reasons)
        self.assertIn("竞争对手关系: 1", meeting.lost_reasons)
        # a follow-up done later shows at the next refresh
        hot.activity_ids[0].action_feedback(feedback="已约好")
        meeting.with_user(self.user_manager_east).action_refresh()
        self.assertEqual(meeting.intent_ids[0].next_activity_date, self.today + timedelta(days=9))

    # ------------------------------------------------------------
    # The meeting
    # ------------------------------------------------------------

    def test_held_with_minutes_decisions_become_activities_then_closed(self):
        leader, sales = self.user_manager_east, self.user_sales_east
        meeting = self._meeting(decision_ids=[
            Command.create({"name": "周三前提交立项", "user_id": sales.id,
                            "date_deadline": self.today + timedelta(days=2)}),
            Command.create({"name": "整理接口方案"}),
        ])
        self.assertFalse(meeting.decision_ids.activity_id, "not before the meeting is held")
        with self.assertRaises(ValidationError):  # the owner is of the team
            meeting.with_user(leader).write({"decision_ids": [Command.create({"name": "x",
                                                                              "user_id": self.user_sales_north.id})]})
        with self.assertRaises(UserError):
            meeting.with_user(leader).action_hold()  # no minutes yet
        with self.assertRaises(AccessError):
            meeting.with_user(sales).write({"minutes": "<p>会议纪要</p>"})
        meeting.with_user(leader).write({"minutes": "<p>会议纪要：停车平台进入谈判</p>"})
        with self.assertRaises(AccessError):
            meeting.with_user(sales).action_hold()
        meeting.with_user(leader).action_hold()
        self.assertEqual((meeting.state, meeting.held_by_id), ("held", leader))
        decision = meeting.decision_ids.filtered("user_id")
        activity = decision.activity_id
        self.assertEqual((activity.user_id, activity.res_model, activity.res_id, activity.date_deadline),
                         (sales, "spm.team.meeting", meeting.id, self.today + timedelta(days=2)))
        self.assertEqual(activity.summary, "周三前提交立项")
        # a decision added after the meeting is followed at once
        meeting.with_user(leader).write({"decision_ids": [Command.create({"name": "补充报价", "user_id": sales.id})]})
        self.assertEqual(len(meeting.activity_ids), 2)
        # the owner marks the activity done: the decision is done
        activity.with_user(sales).action_feedback(feedback="已提交")
        self.assertTrue(decision.done)
        # the leader ticks a decision done: its activity is closed
        other = meeting.decision_ids.filtered(lambda d: d.name == "补充报价")
        other.with_user(leader).done = True
        self.assertFalse(other.activity_id)
        self.assertFalse(meeting.activity_ids)

        with self.assertRaises(UserError):
            meeting.with_user(leader).action_hold()
        with self.assertRaises(AccessError):
            meeting.with_user(sales).action_close()
        meeting.with_user(leader).action_close()
        self.assertEqual((meeting.state, meeting.closed_by_id), ("closed", leader))
        compiled = meeting.date_compiled
        # frozen
        with self.assertRaises(UserError):
            meeting.with_user(leader).action_refresh()
        with self.assertRaises(UserError):
            meeting.with_user(leader).write({"minutes": "<p>改写</p>"})
        with self.assertRaises(UserError):
            decision.with_user(leader).write({"name": "改写"})
        with self.assertRaises(UserError):
            meeting.with_user(leader).unlink()
        self.assertEqual(meeting.date_compiled, compiled)

    def test_forged_workflow_fields_and_parents_refused(self):
        leader = self.user_manager_east
        with self.assertRaises(AccessError):
            self._meeting(state="closed")
        with self.assertRaises(AccessError):
            self._meeting(achieved_signed=1_000_000)
        # the context's defaults do not apply to the workflow's fields
        meeting = self.Meeting.with_user(leader).with_context(default_state="held", default_leader_id=self.user_exec.id,
                                                              default_intent_count=99).create(
            {"team_id": self.team_east.id, "date_from": self.monday + timedelta(days=3)})
        self.assertEqual((meeting.state, meeting.leader_id, meeting.intent_count, meeting.date_from),
                         ("draft", leader, 0, self.monday), "the period starts on a Monday")
        for values in ({"state": "held"}, {"target_signed": 1}, {"held_by_id": leader.id},
                       {"team_id": self.team_north.id}, {"date_from": self.monday - timedelta(days=7)}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                meeting.with_user(leader).write(values)
        self.assertEqual(meeting.state, "draft")
        decision = self.env["spm.team.meeting.decision"].with_user(leader).create(
            {"meeting_id": meeting.id, "name": "决定"})
        with self.assertRaises(AccessError):
            decision.with_user(leader).write({"activity_id": self.env["mail.activity"].search([], limit=1).id or 1})
        # the leader of another team cannot place a pack or a decision under this team
        with self.assertRaises(AccessError):
            self._meeting(user=self.user_manager_north, date_from=self.monday - timedelta(days=7))
        with self.assertRaises(AccessError):
            self.env["spm.team.meeting.decision"].with_user(self.user_manager_north).create(
                {"meeting_id": meeting.id, "name": "越权"})
        # the compiled lines are the compilation's
        self.assertTrue(meeting.member_ids)
        with self.assertRaises(AccessError):
            meeting.member_ids[:1].with_user(leader).write({"achieved_signed": 1})
        with self.assertRaises(AccessError):
            self.env["spm.team.meeting.member"].with_user(leader).create({"meeting_id": meeting.id,
                                                                          "user_id": leader.id})

    def test_one_pack_per_team_and_period(self):
        first = self._meeting(minutes="<p>纪要</p>")
        following = first.with_user(self.user_manager_east).copy()
        self.assertEqual((following.date_from, following.state, following.minutes),
                         (self.monday + timedelta(days=7), "draft", False), "a copy is the next week's pack")
        self._meeting(date_from=self.monday - timedelta(days=7))
        month = self._meeting(date_from=self.monday.replace(day=1), period_type="month")
        self.assertEqual(month.date_to.month, self.monday.month)
        with self.assertRaises(ValidationError):
            self.Meeting.with_user(self.user_manager_east).new(
                {"team_id": self.team_east.id, "period_type": "week", "date_from": self.monday + timedelta(days=1)}
            )._check_period()
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            self._meeting(date_from=self.monday + timedelta(days=2))
            self.env.flush_all()

    def test_access_by_role(self):
        meeting = self._meeting(minutes="<p>纪要</p>",
                                decision_ids=[Command.create({"name": "跟进", "user_id": self.user_sales_east.id})])
        # a member of the team reads the pack and its lines, changes nothing
        as_sales = meeting.with_user(self.user_sales_east)
        self.assertEqual(as_sales.search([("id", "=", meeting.id)]), meeting)
        as_sales.read(["minutes", "achieved_signed"])
        as_sales.member_ids.read(["achieved_signed"])
        as_sales.decision_ids.read(["name"])
        with self.assertRaises(AccessError):
            as_sales.write({"meeting_date": fields.Datetime.now()})
        with self.assertRaises(AccessError):
            as_sales.decision_ids.write({"done": True})
        with self.assertRaises(AccessError):
            self._meeting(user=self.user_sales_east, date_from=self.monday - timedelta(days=7))
        # another team's salesperson and leader see nothing
        for user in (self.user_sales_north, self.user_manager_north):
            with self.subTest(user=user.name):
                self.assertFalse(meeting.with_user(user).search([("id", "=", meeting.id)]))
                self.assertFalse(self.env["spm.team.meeting.member"].with_user(user).search(
                    [("meeting_id", "=", meeting.id)]))
                self.assertFalse(self.env["spm.team.meeting.decision"].with_user(user).search(
                    [("meeting_id", "=", meeting.id)]))
                with self.assertRaises(AccessError):
                    meeting.with_user(user).read(["minutes"])
        # a sales manager without the team reads nothing either; the executive reads all, runs nothing
        self.assertFalse(meeting.with_user(self.user_director).search([("id", "=", meeting.id)]))
        as_exec = meeting.with_user(self.user_exec)
        self.assertEqual(as_exec.search([("id", "=", meeting.id)]), meeting)
        as_exec.member_ids.read(["achieved_signed"])
        with self.assertRaises(AccessError):
            as_exec.write({"minutes": "<p>改</p>"})
        with self.assertRaises(AccessError):
            as_exec.action_hold()
        # a project manager outside the team, and a portal user, see nothing
        project_manager = mail_new_test_user(
            self.env, login="spm_t_pm_other", name="项目经理", company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
            groups="base.group_user,sales_project_management.group_spm_user,project.group_project_manager")
        self.assertFalse(meeting.with_user(project_manager).search([("id", "=", meeting.id)]))
        portal = mail_new_test_user(self.env, login="spm_t_portal_meeting", name="客户", groups="base.group_portal",
                                    company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        with self.assertRaises(AccessError):
            meeting.with_user(portal).read(["minutes"])
        # a member discusses the pack in its chatter
        as_sales.message_post(body="收到")
        # another company sees nothing
        self.assertFalse(meeting.with_user(self.user_sales_b).with_context(
            allowed_company_ids=self.company_b.ids).search([("id", "=", meeting.id)]))
        # a sales manager of the team runs it
        self.team_east.member_ids = [Command.link(self.user_director.id)]
        meeting.with_user(self.user_director).action_hold()
        self.assertEqual(meeting.state, "held")

    # ------------------------------------------------------------
    # Performance and the document
    # ------------------------------------------------------------

    def test_compiling_costs_the_same_whatever_the_number_of_members_and_activities(self):
        groups = "base.group_user,sales_project_management.group_spm_user"

        def team(name, size, activities):
            leader = mail_new_test_user(self.env, login=f"spm_t_lead_{name}", name=f"组长{name}", groups=groups,
                                        company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
            users = [mail_new_test_user(self.env, login=f"spm_t_{name}_{n}", name=f"销售{name}{n}", groups=groups,
                                        company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
                     for n in range(size)]
            crm_team = self.env["crm.team"].create({
                "name": f"团队{name}", "company_id": self.company.id, "user_id": leader.id,
                "member_ids": [Command.set([user.id for user in users])], "use_opportunities": True,
            })
            for user in users:
                self._plan(user, plan_text="计划")
                self._plan(user, date_from=self.monday + timedelta(days=7))
                for n in range(activities):
                    lead = self._create_lead(f"机会{user.id}-{n}", user=user, team=crm_team,
                                             partner_id=self.customer.id, expected_revenue=1000 * (n + 1))
                    self._visit(user=user, lead_id=lead.id, date_start=fields.Datetime.now() - timedelta(hours=1))
                    lead.activity_schedule("mail.mail_activity_data_call", date_deadline=self.today,
                                           user_id=user.id)
                    lead.activity_schedule("mail.mail_activity_data_todo", date_deadline=self.today,
                                           user_id=user.id)
                    if n % 2:
                        lead.with_user(user).action_set_lost(lost_reason_id=self.reason_price.id)
            return self._meeting(user=leader, team=crm_team), leader

        warm, warm_leader = team("W", 2, 2)
        small, small_leader = team("S", 2, 2)
        large, large_leader = team("L", 6, 6)
        teams = ((warm, warm_leader), (small, small_leader), (large, large_leader))
        for meeting, leader in teams:  # the registry's caches (the leader's rights, the lines' defaults)
            meeting.with_user(leader).action_refresh()
        counts = []
        for meeting, leader in teams:
            self.env.flush_all()
            self.env.cr.flush()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            meeting.with_user(leader).action_refresh()
            self.env.flush_all()
            self.env.cr.flush()  # as assertQueryCount counts: the pre-commit work (tracking) included
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual((len(small.member_ids), len(large.member_ids)), (2, 6))
        self.assertEqual((small.intent_count, large.intent_count, large.lost_count), (2, 18, 18))
        self.assertEqual(large.visit_count, 36)
        self.assertEqual(counts[1], counts[2], "the pack is compiled in grouped queries")
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(counts[1]):
            large.with_user(large_leader).action_refresh()
            self.env.flush_all()

    def test_monthly_pack_compiles_a_member_who_keeps_weekly_plans_only(self):
        """A monthly pack: a salesperson with weekly plans only (no month plan) is compiled for the month the same
        way as a plan would be, visits and calls included (not zero)."""
        sales = self.user_sales_east
        self._target(sales, 220_000)
        self._plan(sales, plan_text="本周计划")
        self._visit(lead_id=False, visit_type="onsite", date_start=fields.Datetime.now() - timedelta(minutes=5))
        self._visit(visit_type="phone", name="电话沟通", date_start=fields.Datetime.now() - timedelta(minutes=5))
        self._sign(sales, 380_000)
        meeting = self._meeting(period_type="month", date_from=self.today.replace(day=1))
        line = meeting.member_ids.filtered(lambda member: member.user_id == sales)
        self.assertFalse(line.plan_id, "no plan of the month")
        month = self.Plan.new({"user_id": sales.id, "company_id": self.company.id, "period_type": "month",
                               "date_from": self.today.replace(day=1)})
        figures = month._spm_compile_figures()[month.id]
        self.assertEqual((line.visit_count, line.call_count, line.achieved_signed), (1, 1, 380_000))
        for name, value in figures.items():
            if name != "lost_reasons":
                self.assertEqual(line[name], value, name)
        self.assertEqual(line.target_signed, month.target_signed)
        self.assertEqual((meeting.visit_count, meeting.call_count), (1, 1))

    def test_pdf_and_screen_show_the_figures(self):
        self._target(self.user_sales_east, 220_000)
        self._plan(self.user_sales_east, analysis="谈判顺利")
        self._sign(self.user_sales_east, 380_000)
        lost = self._create_lead("路内停车收费", partner_id=self.customer.id, expected_revenue=500_000)
        lost.with_user(self.user_sales_east).action_set_lost(lost_reason_id=self.reason_price.id)
        self._create_lead("医院物流", partner_id=self.customer_hospital.id, expected_revenue=300_000)
        meeting = self._meeting(minutes="<p>纪要：重点推进停车平台</p>",
                                decision_ids=[Command.create({"name": "周三前提交立项",
                                                              "user_id": self.user_sales_east.id})])
        Report = self.env["ir.actions.report"].with_user(self.user_sales_east)
        html = Report._render_qweb_html("sales_project_management.action_report_spm_team_meeting_html",
                                        meeting.ids)[0].decode()
        for expected in ("华东大区", "王磊", "张伟", "380,000.00", "路内停车收费", "价格过高", "医院物流",
                         "纪要：重点推进停车平台", "周三前提交立项", "谈判顺利"):
            self.assertIn(expected, html)
        self.assertEqual(meeting.action_print()["report_name"], meeting.action_show()["report_name"],
                         "the screen and the PDF are the same document")

    def test_demo_pack(self):
        meeting = self.env.ref("sales_project_management.team_meeting_east_last_week", raise_if_not_found=False)
        if not meeting:
            self.skipTest("no demo data")
        self.assertEqual(meeting.state, "held")
        self.assertEqual(len(meeting.decision_ids), 2)
        self.assertEqual(len(meeting.decision_ids.activity_id), 2)
        self.assertTrue(meeting.member_ids)
        self.assertTrue(meeting.date_compiled)


@tagged("post_install", "-at_install")
class TestTeamMeetingPdf(HttpCase, SpmVisitCommon):
    """The 周会材料 PDF printed by wkhtmltopdf (which fetches the report's assets from the running server: an
    HttpCase, so that the server shares the test's transaction)."""

    def test_pdf_of_the_demo_pack(self):
        meeting = self.env.ref("sales_project_management.team_meeting_east_last_week", raise_if_not_found=False)
        if not meeting:
            self.skipTest("no demo data")
        pdf, kind = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            "sales_project_management.action_report_spm_team_meeting", meeting.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
