"""The Locust scenario of the load test: users of the web client over JSON-RPC, on two Odoo servers.

Run by ``run.py`` (which sets the environment variables below); by hand::

    SPM_LOAD_ADDON=addon.json SPM_LOAD_PLAIN=plain.json SPM_LOAD_RESULTS=results.jsonl \\
        python3 -m locust -f benchmarks/load/locustfile.py --headless -u 42 -r 4 -t 5m --csv out/load

``SPM_LOAD_ADDON`` / ``SPM_LOAD_PLAIN``: what ``fixtures.py --describe`` wrote for each database, plus
``url`` (the server). The user classes and their fixed numbers (``SPM_LOAD_MIX`` = JSON {class: count}
overrides them):

* ``PlainUser`` on plain Odoo and ``PipelineUser`` on the addon's database do the same requests as
  the administrator: the pipeline kanban (``web_read_group`` of the stages, then ``web_search_read``
  of the first stage's 80 cards with the specification of that database's kanban view), the
  opportunity form (``web_read`` with the form's specification) and a stage move (``write`` of
  ``stage_id``, first stage to second, an opportunity whose gates are met). Their request names
  start with ``plain:`` and ``addon:``; ``run.py`` compares them;
* ``GateUser`` on the addon's database tries moves a gate blocks (an opportunity missing its
  requirements: the move must be refused) and, as a manager (陈强), passes a gate anyway with a
  reason; ``PlainMoveUser`` moves as many opportunities on plain Odoo, where nothing blocks them;
* ``InitiationUser``: 王磊 requests and submits a 立项, his team leader 陈强 approves the first step
  with a double click (two requests at once), then 周敏 and 刘洋 race on the second step (two
  requests at once): exactly one of each pair must win;
* ``CollectionUser``: the accountant 孙丽 invoices an installment with a double click (exactly one
  invoice), posts it when the company leaves invoices in draft, and registers a payment
  (``account.payment.register``), half or all of it;
* ``ReportUser``: a manager downloads the 立项报告 PDF (``/report/pdf/...``) of a request;
* plain Odoo carries the same work in its own terms, so that both servers serve the same mix and the
  pipeline requests are compared under the same load: ``PlainProjectUser`` (as many as
  ``InitiationUser``) creates a sale order of a service that makes a project and a task and confirms
  it with a double click; ``PlainCollectionUser`` (as many as ``CollectionUser``) invoices a
  confirmed order with the order's wizard (double click), posts the invoice and registers a payment;
  ``PlainReportUser`` downloads a sale order PDF.

Every answer that is neither a result nor an expected refusal (``UserError``, ``AccessError``,
``ValidationError``) is a failure; it is also written to ``SPM_LOAD_RESULTS`` (JSON lines) with the
time, for the checker, as is the outcome of every double click and race.
"""

import contextlib
import itertools
import json
import os
import random
import threading
import time
import urllib.parse

import gevent
from locust import HttpUser, between, events, task
from locust.clients import HttpSession

REFUSALS = {"odoo.exceptions.UserError", "odoo.exceptions.AccessError", "odoo.exceptions.ValidationError"}
CONFLICTS = ("SerializationFailure", "could not serialize", "concurrent update", "DeadlockDetected",
             "LockNotAvailable")


def _load(variable):
    path = os.environ.get(variable)
    if not path:
        return {}
    with open(path, encoding="utf-8") as file:
        return json.load(file)


ADDON = _load("SPM_LOAD_ADDON")
PLAIN = _load("SPM_LOAD_PLAIN")
MIX = json.loads(os.environ.get("SPM_LOAD_MIX") or "{}")
_results_lock = threading.Lock()


def record(kind, **values):
    """One line of the results file: what the checker reads after the run."""
    path = os.environ.get("SPM_LOAD_RESULTS")
    if not path:
        return
    with _results_lock, open(path, "a", encoding="utf-8") as file:
        file.write(json.dumps({"t": time.time(), "kind": kind, **values}, ensure_ascii=False) + "\n")


class Pool:
    """Records handed out once each, to every user of the process (Locust users are greenlets)."""

    def __init__(self, ids):
        self._ids = iter(list(ids))

    def take(self):
        return next(self._ids, None)

    def left(self):
        return len(list(self._ids))


POOLS = {
    "plain_moves": Pool(PLAIN.get("moves", [])[: len(PLAIN.get("moves", [])) // 2]),
    "plain_other_moves": Pool(PLAIN.get("moves", [])[len(PLAIN.get("moves", [])) // 2:]),
    "addon_moves": Pool(ADDON.get("moves", [])),
    "blocked": Pool(ADDON.get("blocked", [])[: len(ADDON.get("blocked", [])) // 2]),
    "overrides": Pool(ADDON.get("blocked", [])[len(ADDON.get("blocked", [])) // 2:]),
    "initiation_leads": Pool(ADDON.get("initiation_leads", [])),
    "installments": Pool(ADDON.get("installments", [])),
    "plain_orders": Pool(PLAIN.get("orders_to_invoice", [])),
}
APPROVED_INITIATIONS = list(ADDON.get("initiations", []))
_request_ids = itertools.count(1)


class Refused(Exception):
    """An expected refusal of the server (UserError, AccessError, ValidationError)."""


class Failed(Exception):
    """Anything else: the request failed."""


class Client:
    """One browser session of one user on one server, calling the server as the web client does."""

    def __init__(self, user, session, data, credentials, prefix):
        self.user, self.session, self.data, self.prefix = user, session, data, prefix
        self.credentials = credentials
        self.context = {}
        self.relogging = False

    def rpc(self, url, params, name):
        payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": next(_request_ids)}
        name = f"{self.prefix}: {name}"
        # the request type in the URL (Odoo ignores it) lets run.py time it in the server's access log
        url = f"{url}?{urllib.parse.urlencode({'load': name})}"
        with self.session.post(url, json=payload, name=name, catch_response=True) as response:
            if response.status_code == 404 or "SessionExpired" in response.text[:500]:
                # Odoo logs the session out when it cannot load the registry (the database restarting):
                # the user logs in again, as the web client sends them to the login page
                response.failure(f"session lost (HTTP {response.status_code})")
                self.session_lost(name, response.status_code)
                raise Failed("session lost")
            if response.status_code != 200:
                # status 0: no answer (a killed worker, a restarted database)
                message = f"HTTP {response.status_code} {getattr(response, 'error', None) or ''}".strip()
                response.failure(message)
                record("error", name=name, error=message[:500], status=response.status_code,
                       connection=not response.status_code)
                raise Failed(message)
            try:
                answer = response.json()
            except ValueError as error:
                response.failure("not JSON")
                record("error", name=name, error=f"not JSON: {response.text[:200]}")
                raise Failed("not JSON") from error
            error = answer.get("error")
            if not error:
                response.success()
                return answer.get("result")
            data = error.get("data") or {}
            kind, message = data.get("name", ""), data.get("message") or error.get("message", "")
            if kind in REFUSALS:
                response.success()
                raise Refused(message)
            conflict = any(marker in f"{kind} {message}" for marker in CONFLICTS)
            response.failure(f"{kind}: {message[:200]}")
            record("conflict" if conflict else "error", name=name, error=f"{kind}: {message[:500]}")
            raise Failed(kind)

    def session_lost(self, name, status):
        record("error", name=name, error=f"session lost (HTTP {status})", session_lost=True, client=id(self))
        if not self.relogging:
            self.relogging = True
            gevent.spawn_later(1, self.relogin)

    def relogin(self):
        try:
            self.login()
            self.relogging = False
        except (Refused, Failed):
            gevent.spawn_later(5, self.relogin)

    def login(self):
        result = self.rpc("/web/session/authenticate", {"db": self.data["database"], **self.credentials}, "login")
        record("login", client=id(self))
        # one active company, as the web client's company switcher has by default: the company the load
        # works in (``fixtures.py``) when the user may work in it, else the user's own
        companies = [int(company) for company in result["user_companies"]["allowed_companies"]]
        company = self.data.get("company")
        active = company if company in companies else result["user_companies"]["current_company"]
        self.context = dict(result["user_context"], allowed_company_ids=[active])
        return result

    def twin(self):
        """The same browser session on a second connection (a double click, a second tab): the
        session cookie is shared, as in a browser, with no second login."""
        twin = Client(self.user, new_session(self.user), self.data, self.credentials, self.prefix)
        twin.session.cookies.update(self.session.cookies)
        twin.context = dict(self.context)
        return twin

    def call(self, model, method, args, kwargs=None, name=None):
        kwargs = dict(kwargs or {}, context={**self.context, **(kwargs or {}).get("context", {})})
        return self.rpc(f"/web/dataset/call_kw/{model}/{method}",
                        {"model": model, "method": method, "args": args, "kwargs": kwargs}, name or method)

    def get(self, url, name):
        name = f"{self.prefix}: {name}"
        with self.session.get(url, name=name, catch_response=True) as response:
            if response.status_code == 404:
                response.failure("session lost (HTTP 404)")
                self.session_lost(name, 404)
                return False
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                message = f"HTTP {response.status_code} {getattr(response, 'error', None) or ''}".strip()
                response.failure(message)
                record("error", name=name, error=message[:500], status=response.status_code,
                       connection=not response.status_code)
                return False
            response.success()
            return True


def new_session(user):
    return HttpSession(base_url=user.host, request_event=user.environment.events.request, user=user)


def at_once(*calls):
    """Send the calls at the same time (a double click, two approvers); returns [(result or exception)]."""
    def run(call):
        try:
            return call()
        except (Refused, Failed) as error:
            return error

    jobs = [gevent.spawn(run, call) for call in calls]
    gevent.joinall(jobs)
    return [job.value for job in jobs]


def post_and_pay(client, invoice_id, state, amount_total):
    """The accountant posts a draft invoice, then registers a payment of all of it or half
    (``account.payment.register``, as the Register Payment button)."""
    if state == "draft":
        client.call("account.move", "action_post", [[invoice_id]], name="invoice post")
    amount = amount_total if random.random() < 0.5 else round(amount_total / 2, 2)
    context = {"active_model": "account.move", "active_ids": [invoice_id]}
    wizard_id = client.call("account.payment.register", "create", [{"amount": amount}],
                            {"context": context}, name="register payment")
    client.call("account.payment.register", "action_create_payments", [[wizard_id]],
                {"context": context}, name="register payment confirm")


class Measure:
    """The measured period: from the moment every user has logged in (a login hashes its password for
    seconds: the ramp-up of logins is not the steady load compared) for ``SPM_LOAD_DURATION`` seconds,
    then Locust quits. Its start is written to the results (``measure``) for ``run.py``: the faults,
    the server logs' timings and the statistics all count from it. Users that cannot log in within
    ``GRACE`` seconds of the spawn do not hold the measure back (it starts, and says so)."""

    GRACE = 180

    def __init__(self):
        self.environment = None
        self.users = None
        self.ready = 0
        self.started = None

    def on_spawned(self, environment, user_count):
        self.environment, self.users = environment, user_count
        gevent.spawn_later(self.GRACE, self.start, late=True)
        self.start()

    def user_ready(self):
        self.ready += 1
        self.start()

    def start(self, late=False):
        if self.started or self.users is None or (self.ready < self.users and not late):
            return
        self.started = time.time()
        self.environment.runner.stats.reset_all()
        duration = float(os.environ.get("SPM_LOAD_DURATION") or 0)
        record("measure", users=self.users, ready=self.ready, duration=duration)
        if duration:
            gevent.spawn_later(duration, self.environment.runner.quit)


MEASURE = Measure()
_requests_lock = threading.Lock()


@events.request.add_listener
def _timed(name, response_time, exception=None, **_kwargs):
    """Every request of the measured period, with when it began and ended (``SPM_LOAD_REQUESTS``, CSV):
    ``run.py`` computes the percentiles of the whole period and of the time outside the faults."""
    path = os.environ.get("SPM_LOAD_REQUESTS")
    if not path or not MEASURE.started:
        return
    end = time.time()
    with _requests_lock, open(path, "a", encoding="utf-8") as file:
        file.write(f"{end - response_time / 1000:.3f},{end:.3f},{response_time:.1f},{0 if exception else 1},{name}\n")


@events.spawning_complete.add_listener
def _spawned(user_count, **_kwargs):
    MEASURE.on_spawned(_ENVIRONMENT[0], user_count)


_ENVIRONMENT = []


@events.init.add_listener
def _init(environment, **_kwargs):
    _ENVIRONMENT.append(environment)


class _LoadUser(HttpUser):
    """A simulated user: ``begin`` logs its people in, then the measure knows it is ready."""
    abstract = True

    def begin(self):
        pass

    def on_start(self):
        try:
            self.begin()
        finally:  # a user whose login failed is counted in the failures, not waited for
            MEASURE.user_ready()


class _Pipeline(_LoadUser):
    """The requests plain Odoo and the addon are compared on: kanban, form, stage move."""
    abstract = True
    wait_time = between(4, 12)
    data = {}
    prefix = ""
    moves = "plain_moves"

    def begin(self):
        self.client_ = Client(self, self.client, self.data, self.data["admin"], self.prefix)
        self.client_.login()

    @task(3)
    def kanban(self):
        domain = [["type", "=", "opportunity"]]
        with contextlib.suppress(Failed):
            self.load_kanban(domain)

    def load_kanban(self, domain):
        self.client_.call("crm.lead", "web_read_group", [domain, ["stage_id", "expected_revenue:sum"],
                                                         ["stage_id"]],
                          {"lazy": True, "orderby": "", "limit": 80}, name="kanban read_group")
        self.client_.call("crm.lead", "web_search_read", [],
                          {"domain": [*domain, ["stage_id", "=", self.data["first_stage"]]],
                           "specification": self.data["kanban_spec"], "limit": self.data["kanban_limit"],
                           "order": "priority desc, id desc"}, name="kanban cards")

    @task(3)
    def form(self):
        lead_id = random.choice(self.data["forms"])
        with contextlib.suppress(Failed):
            self.client_.call("crm.lead", "web_read", [[lead_id]], {"specification": self.data["form_spec"]},
                              name="form")

    @task(2)
    def stage_move(self):
        lead_id = POOLS[self.moves].take()
        if not lead_id:
            return
        try:
            self.client_.call("crm.lead", "write", [[lead_id], {"stage_id": self.data["second_stage"]}],
                              name="stage move")
        except Refused as error:
            record("violation", check="valid stage move refused", lead=lead_id, error=str(error)[:300])
        except Failed:
            return


class PlainUser(_Pipeline):
    fixed_count = MIX.get("PlainUser", 13)
    host = PLAIN.get("url", "")
    data = PLAIN
    prefix = "plain"
    moves = "plain_moves"


class PipelineUser(_Pipeline):
    fixed_count = MIX.get("PipelineUser", 13)
    host = ADDON.get("url", "")
    data = ADDON
    prefix = "addon"
    moves = "addon_moves"


class GateUser(_LoadUser):
    """Moves a gate blocks (the move must be refused) and a manager (陈强) passing a gate anyway.

    Apart from ``PipelineUser``, whose requests are then exactly plain Odoo's: the comparison holds the
    same tasks at the same rates on both servers."""
    fixed_count = MIX.get("GateUser", 2)
    host = ADDON.get("url", "")
    wait_time = between(4, 12)

    def begin(self):
        self.client_ = Client(self, self.client, ADDON, ADDON["admin"], "addon")
        self.client_.login()
        self.manager = Client(self, new_session(self), ADDON, ADDON["gate_overrider"], "addon")
        self.manager.login()

    @task
    def blocked_move(self):
        lead_id = POOLS["blocked"].take()
        if not lead_id:
            return
        try:
            self.client_.call("crm.lead", "write", [[lead_id], {"stage_id": ADDON["second_stage"]}],
                              name="stage move blocked")
        except Refused:
            return
        except Failed:
            return
        record("violation", check="a gate did not block a move", lead=lead_id)

    @task
    def gate_override(self):
        lead_id = POOLS["overrides"].take()
        if not lead_id:
            return
        try:
            self.manager.call("crm.lead", "action_spm_pass_gate", [[lead_id], ADDON["second_stage"],
                                                                   "LOAD 负载测试: 经理批准跳过"],
                              name="gate override")
        except (Refused, Failed):
            return


class PlainMoveUser(_LoadUser):
    """Plain Odoo's counterpart of ``GateUser``: as many stage moves at the same rate (nothing blocks them)."""
    fixed_count = MIX.get("PlainMoveUser", MIX.get("GateUser", 2))
    host = PLAIN.get("url", "")
    wait_time = between(4, 12)

    def begin(self):
        self.client_ = Client(self, self.client, PLAIN, PLAIN["admin"], "plain")
        self.client_.login()

    @task
    def other_move(self):
        lead_id = POOLS["plain_other_moves"].take()
        if not lead_id:
            return
        with contextlib.suppress(Refused, Failed):
            self.client_.call("crm.lead", "write", [[lead_id], {"stage_id": PLAIN["second_stage"]}],
                              name="stage move (other user)")


class InitiationUser(_LoadUser):
    """立项: request and submit, a double click of the team leader, two managers racing on the last step."""
    fixed_count = MIX.get("InitiationUser", 3)
    host = ADDON.get("url", "")
    wait_time = between(15, 30)

    def begin(self):
        logins = ADDON["logins"]
        self.clients = {}
        for role in ("sales", "leader", "director", "manager2"):
            self.clients[role] = Client(self, new_session(self), ADDON, logins[role], "addon")
            self.clients[role].login()
        self.clients["leader2"] = self.clients["leader"].twin()

    def current_step(self, client, request_id):
        records = client.call("spm.initiation", "web_read", [[request_id]], {"specification": {
            "state": {}, "current_approval_id": {"fields": {"display_name": {}}}, "can_decide": {},
            "project_id": {"fields": {"display_name": {}}}}}, name="立项 read")
        step = records[0]["current_approval_id"]
        return records[0]["state"], step and step["id"]

    def decide_at_once(self, request_id, roles, what):
        """The clients of ``roles`` approve the current step together; exactly one must win."""
        state, step = self.current_step(self.clients[roles[0]], request_id)
        if state != "submitted" or not step:
            return False
        outcomes = at_once(*(
            (lambda role=role: self.clients[role].call("spm.initiation", "action_approve", [[request_id]],
                                                        {"approval_id": step}, name=f"立项 approve ({what})"))
            for role in roles))
        winners = [role for role, outcome in zip(roles, outcomes, strict=True) if outcome is True]
        failed = [str(outcome) for outcome in outcomes if isinstance(outcome, Failed)]
        record("decision", initiation=request_id, step=step, what=what, winners=winners, failed=failed)
        if len(winners) > 1:
            record("violation", check="one approval step decided twice", initiation=request_id, step=step,
                   winners=winners)
        return len(winners) == 1

    @task
    def initiation(self):
        lead_id = POOLS["initiation_leads"].take()
        if not lead_id:
            return
        sales = self.clients["sales"]
        try:
            request_id = sales.call("spm.initiation", "create", [{
                "lead_id": lead_id, "objective": "<p>LOAD 负载测试立项</p>", "expected_revenue": 30_000_000,
                "budget": 18_000_000}], name="立项 create")
            sales.call("spm.initiation", "action_submit", [[request_id]], name="立项 submit")
            if not self.decide_at_once(request_id, ("leader", "leader2"), "double click"):
                return
            if self.decide_at_once(request_id, ("director", "manager2"), "race"):
                state, _step = self.current_step(sales, request_id)
                if state == "approved":
                    APPROVED_INITIATIONS.append(request_id)
        except (Refused, Failed):
            return


class CollectionUser(_LoadUser):
    """回款: the accountant invoices an installment (double click) and registers a payment."""
    fixed_count = MIX.get("CollectionUser", 2)
    host = ADDON.get("url", "")
    wait_time = between(10, 20)

    def begin(self):
        credentials = ADDON["logins"]["accountant"]
        self.accountant = Client(self, self.client, ADDON, credentials, "addon")
        self.accountant.login()
        self.second_tab = self.accountant.twin()

    @task
    def invoice_and_pay(self):
        line_id = POOLS["installments"].take()
        if not line_id:
            return
        outcomes = at_once(*(
            (lambda client=client: client.call("spm.collection.line", "action_create_invoice", [[line_id]],
                                               name="invoice installment (double click)"))
            for client in (self.accountant, self.second_tab)))
        invoices = [outcome["res_id"] for outcome in outcomes if isinstance(outcome, dict)]
        record("invoice", line=line_id, invoices=invoices,
               failed=[str(outcome) for outcome in outcomes if isinstance(outcome, Failed)])
        if len(invoices) > 1:
            record("violation", check="one installment invoiced twice", line=line_id, invoices=invoices)
        if len(invoices) != 1:
            return
        invoice_id = invoices[0]
        client = self.accountant
        try:
            invoice = client.call("account.move", "web_read", [[invoice_id]], {"specification": {
                "state": {}, "amount_total": {}, "amount_residual": {}, "payment_state": {}}},
                name="invoice read")[0]
            post_and_pay(client, invoice_id, invoice["state"], invoice["amount_total"])
        except (Refused, Failed):
            return


class ReportUser(_LoadUser):
    """A manager prints the 立项报告 of a request (QWeb rendered by wkhtmltopdf)."""
    fixed_count = MIX.get("ReportUser", 1)
    host = ADDON.get("url", "")
    wait_time = between(20, 40)

    def begin(self):
        self.manager = Client(self, self.client, ADDON, ADDON["logins"]["director"], "addon")
        self.manager.login()

    @task
    def report(self):
        if APPROVED_INITIATIONS:
            request_id = random.choice(APPROVED_INITIATIONS)
            self.manager.get(f"/report/pdf/{ADDON['initiation_report']}/{request_id}", "report pdf")


class PlainProjectUser(_LoadUser):
    """Plain Odoo's counterpart of 立项: a sale of a service that creates a project, confirmed twice at once."""
    fixed_count = MIX.get("PlainProjectUser", MIX.get("InitiationUser", 3))
    host = PLAIN.get("url", "")
    wait_time = between(15, 30)

    def begin(self):
        self.seller = Client(self, self.client, PLAIN, PLAIN["admin"], "plain")
        self.seller.login()
        self.second_tab = self.seller.twin()

    def read_order(self, order_id):
        return self.seller.call("sale.order", "web_read", [[order_id]], {"specification": {
            "state": {}, "amount_total": {}, "project_ids": {"fields": {"display_name": {}}},
            "tasks_count": {}}}, name="order read")[0]

    @task
    def sell_project(self):
        try:
            order_id = self.seller.call("sale.order", "create", [{
                "partner_id": random.choice(PLAIN["customers"]),
                "order_line": [[0, 0, {"product_id": PLAIN["project_product"], "product_uom_qty": 40}]]}],
                name="order create")
            self.read_order(order_id)
            at_once(*((lambda client=client: client.call("sale.order", "action_confirm", [[order_id]],
                                                          name="order confirm (double click)"))
                      for client in (self.seller, self.second_tab)))
            self.read_order(order_id)
        except (Refused, Failed):
            return


class PlainCollectionUser(_LoadUser):
    """Plain Odoo's counterpart of 回款: invoice a confirmed order (double click), post it, pay it."""
    fixed_count = MIX.get("PlainCollectionUser", MIX.get("CollectionUser", 2))
    host = PLAIN.get("url", "")
    wait_time = between(10, 20)

    def begin(self):
        self.accountant = Client(self, self.client, PLAIN, PLAIN["admin"], "plain")
        self.accountant.login()
        self.second_tab = self.accountant.twin()

    def create_invoice(self, client, order_id):
        context = {"active_model": "sale.order", "active_ids": [order_id], "active_id": order_id}
        wizard_id = client.call("sale.advance.payment.inv", "create", [{"advance_payment_method": "delivered"}],
                                {"context": context}, name="invoice order wizard (double click)")
        return client.call("sale.advance.payment.inv", "create_invoices", [[wizard_id]], {"context": context},
                           name="invoice order (double click)")

    @task
    def invoice_and_pay(self):
        order_id = POOLS["plain_orders"].take()
        if not order_id:
            return
        at_once(*((lambda client=client: self.create_invoice(client, order_id))
                  for client in (self.accountant, self.second_tab)))
        client = self.accountant
        try:
            order = client.call("sale.order", "web_read", [[order_id]], {"specification": {
                "invoice_ids": {"fields": {"state": {}, "amount_total": {}}}}}, name="order read")[0]
            invoices = order["invoice_ids"]
            if not invoices:
                return
            invoice = invoices[0]
            post_and_pay(client, invoice["id"], invoice["state"], invoice["amount_total"])
        except (Refused, Failed):
            return


class PlainReportUser(_LoadUser):
    """Plain Odoo's counterpart of the 立项报告: the PDF of a sale order."""
    fixed_count = MIX.get("PlainReportUser", MIX.get("ReportUser", 1))
    host = PLAIN.get("url", "")
    wait_time = between(20, 40)

    def begin(self):
        self.manager = Client(self, self.client, PLAIN, PLAIN["admin"], "plain")
        self.manager.login()

    @task
    def report(self):
        order_id = random.choice(PLAIN["orders_to_invoice"])
        self.manager.get(f"/report/pdf/{PLAIN['order_report']}/{order_id}", "report pdf")


@events.quitting.add_listener
def _pools_left(environment, **_kwargs):
    record("pools", left={name: pool.left() for name, pool in POOLS.items()})
