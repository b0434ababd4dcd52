from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SpmMonitoringCommon


@tagged("post_install", "-at_install")
class TestStallAlert(SpmMonitoringCommon):
    """停滞预警: the daily job, the risk register and the escalation raise one alert per stall, asking the
    project director or the team leader with one 召开分析会 activity; a held analysis meeting closes it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["spm.stall.alert"]
        cls.activity_type = cls.env.ref("sales_project_management.mail_activity_type_spm_analysis_meeting")
        cls.stage_lead.spm_max_days = 30
        cls.stage_qualification.spm_max_days = 60
        cls.now = fields.Datetime.now()

    def _stalled_lead(self, name="滨江水务智能水表改造", days=40, stage=None, **values):
        """An opportunity that entered its stage ``days`` ago (the first stage; or put in ``stage`` directly,
        past its gates)."""
        lead = self._create_lead(name, **values)
        if stage:
            self.env.flush_all()
            self.env.cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id = %s", (stage.id, lead.id))
            lead.invalidate_recordset()
        lead.date_last_stage_update = self.now - timedelta(days=days)
        return lead

    def _alerts(self, record, reason=None):
        field = "lead_id" if record._name == "crm.lead" else "project_id"
        domain = [(field, "=", record.id)] + ([("reason", "=", reason)] if reason else [])
        return self.Alert.search(domain)

    def _meetings(self, record):
        return record.activity_ids.filtered(lambda a: a.activity_type_id == self.activity_type)

    def _age_project(self, project, days):
        self.env.cr.execute("UPDATE project_project SET create_date = %s WHERE id = %s",
                            (self.now - timedelta(days=days), project.id))
        project.invalidate_recordset(["create_date"])

    # ------------------------------------------------------------
    # Raising, once
    # ------------------------------------------------------------

    def test_stalled_opportunity_asks_its_team_leader_once(self):
        lead = self._stalled_lead()
        self.Alert._cron_spm_stall_alerts()
        self.Alert._cron_spm_stall_alerts()
        alert = self._alerts(lead)
        self.assertEqual(len(alert), 1)
        self.assertEqual((alert.reason, alert.state, alert.stage_id), ("stage_overdue", "open", self.stage_lead))
        self.assertEqual(alert.user_id, self.user_manager_east, "the team leader is asked")
        self.assertEqual(alert.date_stalled, lead.date_last_stage_update)
        self.assertEqual(alert.stalled_days, 40)
        self.assertIn("40", alert.detail)
        self.assertIn("40", activity_note := self._meetings(lead).note)
        self.assertIn(self.stage_lead.with_context(lang=self.user_manager_east.lang).name, activity_note,
                      "the note is in the language of the one asked")
        activity = self._meetings(lead)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity, alert.activity_id)
        self.assertEqual(activity.user_id, self.user_manager_east)
        self.assertEqual(lead.with_user(self.user_sales_east).spm_stall_alert_count, 1)

    def test_opportunity_within_its_stage_limit_moving_won_or_lost_is_not_alerted(self):
        fresh = self._stalled_lead("近期推进商机", days=10)
        self.stage_bid.spm_max_days = 0
        unlimited = self._stalled_lead("无时限阶段商机", days=400, stage=self.stage_bid)
        won = self._stalled_lead("已赢单商机", days=400, stage=self.stage_won)
        lost = self._stalled_lead("已丢单商机", days=400)
        lost.action_set_lost(lost_reason_id=self.env["crm.lost.reason"].create({"name": "预算取消"}).id)
        self.Alert._cron_spm_stall_alerts()
        for lead in (fresh, unlimited, won, lost):
            with self.subTest(lead=lead.name):
                self.assertFalse(self._alerts(lead))
                self.assertFalse(self._meetings(lead))

    def test_opportunity_moved_cancels_its_alert_and_a_new_stay_alerts_again(self):
        lead = self._stalled_lead()
        self.Alert._cron_spm_stall_alerts()
        first = self._alerts(lead)
        self._meet_lead_gates(lead)
        lead.stage_id = self.stage_qualification
        self.Alert._cron_spm_stall_alerts()
        self.assertEqual(first.state, "cancelled", "the opportunity moved: the cause is gone")
        self.assertFalse(self._meetings(lead), "and the activity with it")
        self.assertEqual(self._alerts(lead), first, "a fresh stay in a stage raises nothing")
        # stalled again in its new stage: one new alert for this stay
        lead.date_last_stage_update = self.now - timedelta(days=61)
        self.Alert._cron_spm_stall_alerts()
        self.Alert._cron_spm_stall_alerts()
        second = self._alerts(lead) - first
        self.assertEqual(len(second), 1)
        self.assertEqual(second.stage_id, self.stage_qualification)
        self.assertEqual(len(self._meetings(lead)), 1)

    def test_project_without_weekly_report_asks_its_director_once(self):
        lead, project = self._approved_project("滨江水务调度中心")
        self._age_project(project, 20)
        self.Alert._cron_spm_stall_alerts()
        self.Alert._cron_spm_stall_alerts()
        alert = self._alerts(project, "no_weekly_report")
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.user_id, project._spm_director())
        self.assertEqual(self._meetings(project).user_id, project._spm_director())
        self.assertFalse(self._alerts(lead), "the project's alert is on the project")
        # a report filed: the stall ends, its alert is cancelled; a fresh report raises nothing
        self.env["project.update"].create({"project_id": project.id, "name": "周报", "status": "on_track"})
        self.Alert._cron_spm_stall_alerts()
        self.assertEqual(alert.state, "cancelled")
        self.assertEqual(self._alerts(project, "no_weekly_report"), alert)

    def test_recent_or_reported_project_is_not_alerted(self):
        _lead, young = self._approved_project("新立项项目")
        _lead, reported = self._approved_project("按时周报项目")
        self._age_project(reported, 60)
        self.env["project.update"].create({"project_id": reported.id, "name": "周报", "status": "on_track",
                                           "date": fields.Date.today() - timedelta(days=5)})
        self.Alert._cron_spm_stall_alerts()
        self.assertFalse(self._alerts(young))
        self.assertFalse(self._alerts(reported))

    def test_risk_becoming_high_alerts_once(self):
        _lead, project = self._approved_project("滨江水务调度中心")
        low = self.env["spm.risk"].create({"name": "接口延迟", "project_id": project.id, "probability": 1,
                                           "impact": 2})
        self.assertFalse(self._alerts(project, "new_high_risk"))
        low.write({"probability": 5, "impact": 5})
        alert = self._alerts(project, "new_high_risk")
        self.assertEqual(len(alert), 1)
        self.assertEqual((alert.risk_id, alert.user_id), (low, project._spm_director()))
        # still high, rewritten, and the daily job: nothing more
        low.write({"impact": 4})
        self.Alert._cron_spm_stall_alerts()
        self.assertEqual(self._alerts(project, "new_high_risk"), alert)
        # a second risk created high: its own alert
        other = self.env["spm.risk"].create({"name": "资金未到位", "project_id": project.id, "probability": 5,
                                             "impact": 5})
        self.assertEqual(self._alerts(project, "new_high_risk").risk_id, low | other)
        self.assertEqual(len(self._meetings(project)), 2)

    def test_risk_of_an_opportunity_asks_its_team_leader(self):
        lead = self._create_lead("滨江水务二期")
        self.env["spm.risk"].create({"name": "竞争对手低价", "lead_id": lead.id, "probability": 5, "impact": 5})
        alert = self._alerts(lead, "new_high_risk")
        self.assertEqual(alert.user_id, self.user_manager_east)

    def test_issue_escalated_to_management_alerts_once_per_escalation(self):
        _lead, project = self._approved_project("滨江水务调度中心")
        issue = self.env["project.task"].create({
            "name": "管网数据未移交", "project_id": project.id, "spm_is_issue": True,
            "spm_issue_date": self.now - timedelta(days=60)})
        Task = self.env["project.task"]
        Task._cron_spm_escalate_issues()
        Task._cron_spm_escalate_issues()
        self.Alert._cron_spm_stall_alerts()
        self.assertEqual(issue.spm_escalation_level, "2")
        alert = self._alerts(project, "issue_management")
        self.assertEqual(len(alert), 1)
        self.assertEqual((alert.task_id, alert.user_id), (issue, project._spm_director()))
        # solved, reopened, and escalated again: a new escalation, a new alert
        issue.state = "1_done"
        issue.state = "01_in_progress"
        issue.spm_issue_date = self.now - timedelta(days=30)
        Task._cron_spm_escalate_issues()
        Task._cron_spm_escalate_issues()
        alerts = self._alerts(project, "issue_management")
        self.assertEqual(len(alerts), 2)
        self.assertEqual(alerts.task_id, issue)

    # ------------------------------------------------------------
    # Closing
    # ------------------------------------------------------------

    def test_held_analysis_meeting_closes_the_alert_and_its_activity(self):
        lead = self._stalled_lead()
        other = self._stalled_lead("另一个停滞商机")
        self.Alert._cron_spm_stall_alerts()
        alert, activity = self._alerts(lead), self._meetings(lead)
        meeting = self.env["calendar.event"].create({
            "name": "水表项目分析会", "start": self.now - timedelta(hours=2), "stop": self.now - timedelta(hours=1),
            "opportunity_id": lead.id, "user_id": self.user_manager_east.id})
        self.Alert._spm_close_for(lead, meeting)
        self.assertEqual((alert.state, alert.meeting_id, alert.date_held), ("held", meeting, meeting.start))
        self.assertFalse(activity.active, "the activity is done (and kept in the activity view)")
        self.assertEqual(activity.state, "done")
        self.assertIn("水表项目分析会", lead.message_ids[:1].body)
        self.assertFalse(self._meetings(lead))
        self.assertEqual(self._alerts(other).state, "open", "another opportunity's alert stays open")
        # held: the job neither cancels it nor raises again for the same stay
        self.Alert._cron_spm_stall_alerts()
        self.assertEqual(self._alerts(lead), alert)
        self.assertEqual(alert.state, "held")

    def _analysis(self, user, minutes="<p>原因：客户预算推迟；措施：约见分管领导</p>", **values):
        start = self.now - timedelta(hours=2)
        return self.env["calendar.event"].with_user(user).with_context(no_mail_to_attendees=True).create({
            "name": "停滞分析会", "start": start, "stop": start + timedelta(hours=1), "spm_minutes": minutes,
            **values})

    def test_the_team_leader_holds_the_analysis_meeting_from_the_calendar(self):
        """The whole loop as users meet it: the job asks the team leader; a customer meeting held on the
        opportunity answers nothing; the analysis meeting the leader holds closes the alert and its activity."""
        lead = self._stalled_lead()
        self.Alert._cron_spm_stall_alerts()
        alert = self._alerts(lead)
        self.assertEqual((alert.state, alert.user_id), ("open", self.user_manager_east))
        # a meeting with the customer (a visit) held on the opportunity is not the analysis asked for
        visit = self._analysis(self.user_manager_east, minutes=False, opportunity_id=lead.id)
        self.assertEqual(alert.state, "open")
        self.assertTrue(visit)
        meeting = self._analysis(self.user_manager_east, opportunity_id=lead.id, spm_meeting_type="analysis")
        # another team's salesperson may not hold it; the opportunity's team leader does
        with self.assertRaises(AccessError):
            meeting.with_user(self.user_sales_north).action_spm_hold()
        self.assertEqual(alert.state, "open")
        self.assertIs(meeting.with_user(self.user_manager_east).action_spm_hold(), True)
        self.assertEqual((alert.state, alert.meeting_id), ("held", meeting))
        self.assertFalse(self._meetings(lead), "the 召开分析会 activity is done")
        # the monitors see which were held
        held = self.Alert.with_user(self.user_manager_east).search([("state", "=", "held"), ("lead_id", "=", lead.id)])
        self.assertEqual(held, alert)

    def test_the_director_holds_the_projects_analysis_meeting(self):
        _lead, project = self._approved_project("滨江水务调度中心")
        self._age_project(project, 20)
        self.Alert._cron_spm_stall_alerts()
        alert = self._alerts(project, "no_weekly_report")
        director = project._spm_director()
        meeting = self._analysis(director, spm_project_id=project.id, spm_meeting_type="analysis")
        meeting.with_user(director).action_spm_hold()
        self.assertEqual((alert.state, alert.meeting_id), ("held", meeting))
        self.assertFalse(self._meetings(project))

    # ------------------------------------------------------------
    # Integrity and access
    # ------------------------------------------------------------

    def test_nobody_creates_or_writes_alerts_by_hand(self):
        lead = self._stalled_lead()
        self.Alert._cron_spm_stall_alerts()
        alert = self._alerts(lead)
        for user in (self.user_sales_east, self.user_manager_east, self.user_exec):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.Alert.with_user(user).create({"reason": "stage_overdue", "lead_id": lead.id,
                                                       "company_id": self.company.id})
                with self.assertRaises(AccessError):
                    alert.with_user(user).write({"state": "held"})
                with self.assertRaises(AccessError):
                    alert.with_user(user).unlink()
        self.assertEqual(alert.state, "open")
        # not even through the context's defaults
        defaults = self.Alert.with_user(self.user_exec).with_context(default_state="held").default_get(["state"])
        self.assertEqual(defaults.get("state", "open"), "open")

    def test_access_by_role(self):
        lead = self._stalled_lead()
        _lead, project = self._approved_project("滨江水务调度中心")
        self._age_project(project, 20)
        lead_b = self.env["crm.lead"].create({
            "name": "Other company deal", "type": "opportunity", "company_id": self.company_b.id,
            "team_id": self.team_b.id, "user_id": self.user_sales_b.id})
        lead_b.date_last_stage_update = self.now - timedelta(days=40)
        self.Alert._cron_spm_stall_alerts()
        lead_alert, project_alert = self._alerts(lead), self._alerts(project)
        b_alert = self._alerts(lead_b)
        self.assertTrue(lead_alert and project_alert and b_alert)
        ours = lead_alert | project_alert

        def readable(user, alerts):
            return alerts.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)._filtered_access(
                "read")

        self.assertEqual(readable(self.user_sales_east, ours), ours, "the salesperson and project manager")
        self.assertEqual(readable(self.user_manager_east, ours), ours, "the team leader asked")
        self.assertFalse(readable(self.user_sales_north, ours), "another team's salesperson")
        self.assertEqual(readable(self.user_manager_north, ours), ours, "a sales manager reads all")
        self.assertEqual(readable(self.user_exec, ours), ours, "an executive reads all")
        self.assertFalse(readable(self.user_exec, b_alert), "of their companies only")
        self.assertEqual(readable(self.user_sales_b, b_alert), b_alert)
        self.assertFalse(readable(self.user_sales_b, ours))
        portal = self.env["res.users"].create({
            "name": "张明", "login": "spm_t_stall_portal", "partner_id": self.contact.id,
            "company_id": self.company.id, "company_ids": [Command.set(self.company.ids)],
            "groups_id": [Command.set([self.env.ref("base.group_portal").id])]})
        with self.assertRaises(AccessError):
            lead_alert.with_user(portal).read(["reason"])
        # the one asked reads it from the menu, "asked to me"
        mine = self.Alert.with_user(self.user_manager_east).search([("user_id", "=", self.user_manager_east.id)])
        self.assertIn(lead_alert, mine)

    # ------------------------------------------------------------
    # Only what falls due is read
    # ------------------------------------------------------------

    def test_job_queries_do_not_grow_with_the_opportunities(self):
        """The job costs the same with many opportunities not due and none due, and raising ten costs what
        raising one does: the due ones are selected in SQL and raised in one batch."""
        Alert = self.Alert
        self._stalled_lead("预热", days=45)
        Alert._cron_spm_stall_alerts()  # caches warm

        def run(budget):
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(budget):
                Alert._cron_spm_stall_alerts()
                self.env.flush_all()

        run(NOTHING_DUE)
        for index in range(30):
            self._stalled_lead(f"未到期商机 {index}", days=5)
        run(NOTHING_DUE)
        self._stalled_lead("单个停滞商机", days=45)
        run(RAISING)
        for index in range(10):
            self._stalled_lead(f"停滞商机 {index}", days=45)
        run(RAISING)
        self.assertEqual(Alert.search_count([("reason", "=", "stage_overdue"), ("lead_id.team_id", "=",
                                                                                 self.team_east.id)]), 12)


# queries of a run of the job: nothing due; due opportunities raised (one batch, one team leader)
NOTHING_DUE = 4
RAISING = 28
