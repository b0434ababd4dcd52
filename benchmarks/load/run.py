#!/usr/bin/env python3
"""The load test of the addon: Locust against two multi-worker Odoo servers, then the invariants.

One command does everything (see ``benchmarks/README.md``)::

    python3 benchmarks/load/run.py [--faults] [--users 42] [--spawn-rate 4] [--duration 600]

1. **Databases.** Two templates, made once and reused (``--rebuild`` remakes them):
   ``<prefix>_tpl_addon`` (this addon and its demo data) and ``<prefix>_tpl_plain`` (plain Odoo: the
   addon's dependencies crm, sale_crm, sale_project, account, portal, survey and their demo data),
   both in Chinese, each with 100,000 opportunities (all in the company the load works in) and the load
   data of ``fixtures.py``, compacted (``vacuumdb --full``) after an install or upgrade. Every run
   copies them to ``<prefix>_addon`` and ``<prefix>_plain`` (``createdb -T``, and the filestores).
2. **Servers.** One Odoo per database, ``--workers=4`` with its gevent port, crons off, logs in the
   output directory; a warm-up loads each worker's registry.
3. **Load.** ``locust --headless`` with ``locustfile.py`` (``--users`` users, ``--spawn-rate`` per
   second, ``--csv``), measured for ``--duration`` seconds from the moment every user has logged in
   (the statistics, the faults' times and the server-side timings count from there); both servers get
   the same mix (plain Odoo's heavy requests are its own: sale orders making projects, invoices of
   orders, payments, the order PDF).
   With ``--faults`` the driver meanwhile SIGKILLs a worker of the addon's server while it is in an
   approval, then one while it is in a payment, and the same on plain Odoo's (in a sale order creating
   its project, then in a payment) — it watches ``pg_locks`` and ``pg_stat_activity``, whose
   ``application_name`` is ``odoo-<pid>`` — and restarts PostgreSQL once (``pg_ctlcluster <cluster>
   restart``); the load goes on at least ``--recovery`` seconds after.
4. **Report.** Requests/s, p50 and p95 of every request type, and for the requests plain Odoo and the
   addon share (kanban, form, stage move) the ratios addon / plain (goal: throughput >= 0.8x, p95 <= 1.25x)
   with the p95 ratios' 90 % interval from the sampling alone (bootstrap), and the CPU the measured
   period used: the machine's, and each server's (master and workers).
5. **Invariants.** ``check.py`` on the addon's database, the server logs and the scenario's results:
   prints "invariants: all hold", or what broke; the exit status is then 1.

PostgreSQL: the server of ``PGHOST``/``PGPORT`` (``--pg-cluster VERSION/NAME`` names the Debian cluster
that serves it, restarted by ``--faults``; default ``15/main``).
"""

import argparse
import ast
import contextlib
import csv
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
BENCHMARKS = os.path.dirname(HERE)
sys.path.insert(0, BENCHMARKS)
sys.path.insert(0, HERE)

import check  # noqa: E402
from common import default_addons_path  # noqa: E402

import odoo  # noqa: E402

ODOO_DIR = os.path.dirname(os.path.abspath(odoo.__file__))
PLAIN_MODULES = "crm,sale_crm,sale_project,account,portal,survey"
COMPARED = ["kanban read_group", "kanban cards", "form", "stage move"]
GOALS = {"throughput": 0.8, "p95": 1.25}
FILESTORE = os.path.expanduser("~/.local/share/Odoo/filestore")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prefix", default="spm_load", help="prefix of the databases (spm_load)")
    parser.add_argument("--addons-path", help="Odoo addons path (default: the one `make test` uses)")
    parser.add_argument("--users", type=int, default=42, help="simulated users: the sum of the fixed counts (42)")
    parser.add_argument("--spawn-rate", type=float, default=4, help="users started per second (4)")
    parser.add_argument("--duration", type=int, default=600, help="seconds measured (600)")
    parser.add_argument("--workers", type=int, default=4, help="workers of each Odoo server (4)")
    parser.add_argument("--port", type=int, default=18069,
                        help="HTTP port of the addon's server (18069); gevent +1, plain Odoo +10 and +11")
    parser.add_argument("--leads", type=int, default=100_000, help="opportunities in each database (100000)")
    parser.add_argument("--faults", action="store_true", help="kill workers and restart PostgreSQL during the load")
    parser.add_argument("--recovery", type=int, default=60, help="seconds of load after the last fault (60)")
    parser.add_argument("--pg-cluster", default="15/main", help="Debian cluster restarted by --faults (15/main)")
    parser.add_argument("--rebuild", action="store_true", help="remake the template databases")
    parser.add_argument("--upgrade", action="store_true",
                        help="upgrade the addon in its template (done anyway when its version changed)")
    parser.add_argument("--mix", help='JSON {user class: count}, e.g. \'{"PlainUser": 2, "PipelineUser": 2}\'')
    parser.add_argument("--out", default=os.path.join(os.getcwd(), "load-results"),
                        help="directory of the logs, CSV and results (./load-results)")
    return parser.parse_args(argv)


def say(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def sh(*cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


def database_exists(name):
    result = subprocess.run(["psql", "-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                            capture_output=True, text=True, check=True)
    return result.stdout.strip() == "1"


def odoo_cmd(addons_path, database, *options, preload=True):
    """Odoo on ``database``; a server started with ``preload=False`` loads the registry in each worker
    (its connections then carry the worker's pid in their ``application_name``, which the faults need)."""
    return [sys.executable, os.path.join(os.path.dirname(ODOO_DIR), "odoo-bin"), f"--addons-path={addons_path}",
            *(["-d", database] if preload else []), f"--db-filter=^{database}$", *options]


def fixtures(database, kind, addons_path, *options):
    sh(sys.executable, os.path.join(HERE, "fixtures.py"), "-d", database, "--kind", kind,
       "--addons-path", addons_path, *options)


# ---------------------------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------------------------

def ensure_template(args, kind, addons_path):
    template = f"{args.prefix}_tpl_{kind}"
    if args.rebuild and database_exists(template):
        sh("dropdb", template)
        shutil.rmtree(os.path.join(FILESTORE, template), ignore_errors=True)
    changed = not database_exists(template)
    if changed:
        say(f"{template}: installing {'sales_project_management' if kind == 'addon' else PLAIN_MODULES} "
            "with demo data and Chinese (several minutes)")
        sh("createdb", template)
        modules = "sales_project_management" if kind == "addon" else PLAIN_MODULES
        with open(os.path.join(args.out, f"install_{kind}.log"), "w", encoding="utf-8") as log:
            sh(*odoo_cmd(addons_path, template, "-i", modules, "--load-language=zh_CN", "--stop-after-init",
                         "--http-port=0", "--max-cron-threads=0", "--log-level=warn"), stdout=log, stderr=log)
    elif kind == "addon" and (args.upgrade or installed_version(template) != manifest_version()):
        changed = True
        say(f"{template}: upgrading sales_project_management")
        with open(os.path.join(args.out, "upgrade_addon.log"), "w", encoding="utf-8") as log:
            sh(*odoo_cmd(addons_path, template, "-u", "sales_project_management", "--stop-after-init",
                         "--http-port=0", "--max-cron-threads=0", "--log-level=warn"), stdout=log, stderr=log)
    fixtures(template, kind, addons_path, "--build", "--leads", str(args.leads))
    if changed:
        # an upgrade that computes a new stored field rewrites every row (PostgreSQL keeps the old
        # versions' space): compacted, an upgraded template is what a fresh one is, and every run
        # copies tables as a maintained database has them (VACUUM FULL after a bulk change)
        say(f"{template}: VACUUM FULL ANALYZE")
        sh("vacuumdb", "--full", "--analyze", "--quiet", "-d", template)
    return template


def manifest_version():
    with open(os.path.join(os.path.dirname(BENCHMARKS), "__manifest__.py"), encoding="utf-8") as file:
        return ast.literal_eval(file.read())["version"]


def installed_version(database):
    result = subprocess.run(["psql", "-d", database, "-tAc", "SELECT latest_version FROM ir_module_module "
                             "WHERE name = 'sales_project_management'"], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def copy_database(template, database):
    subprocess.run(["dropdb", "--if-exists", "--force", database], check=True)
    sh("createdb", "-T", template, database)
    shutil.rmtree(os.path.join(FILESTORE, database), ignore_errors=True)
    if os.path.isdir(os.path.join(FILESTORE, template)):
        shutil.copytree(os.path.join(FILESTORE, template), os.path.join(FILESTORE, database))


# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------

class Server:
    def __init__(self, args, addons_path, database, port, log):
        self.database, self.port, self.log = database, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(odoo_cmd(
            addons_path, database, f"--workers={args.workers}", f"--http-port={port}",
            f"--gevent-port={port + 1}", "--max-cron-threads=0", f"--logfile={log}", "--log-level=info",
            "--limit-time-real=300", "--limit-time-cpu=120", "--http-interface=127.0.0.1", preload=False),
            start_new_session=True)

    def wait(self, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"The Odoo server of {self.database} stopped; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/web/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(1)
        sys.exit(f"The Odoo server of {self.database} did not answer in {timeout} s; see {self.log}")

    def workers(self):
        """Pids of the HTTP workers (the children of the server but its gevent process)."""
        pids = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat", encoding="ascii") as file:
                    parent = int(file.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{pid}/cmdline", "rb") as file:
                    command = file.read().split(b"\0")
            except OSError:
                continue
            if parent == self.process.pid and b"gevent" not in command:
                pids.append(int(pid))
        return pids

    def stop(self):
        """Stop the server, then whatever of its process group is left (a worker stuck in a request)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def warm_up(url, data, rounds=2):
    """Load the registry in every worker: a few rounds of parallel kanban loads as the administrator."""
    def one():
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        body = {"jsonrpc": "2.0", "params": {"db": data["database"], **data["admin"]}}
        request = urllib.request.Request(f"{url}/web/session/authenticate", json.dumps(body).encode(),
                                         {"Content-Type": "application/json"})
        with opener.open(request, timeout=300) as response:
            context = json.load(response)["result"]["user_context"]
        body = {"jsonrpc": "2.0", "params": {"model": "crm.lead", "method": "web_search_read", "args": [],
                                             "kwargs": {"domain": [], "specification": data["kanban_spec"],
                                                        "limit": 80, "context": context}}}
        request = urllib.request.Request(f"{url}/web/dataset/call_kw/crm.lead/web_search_read",
                                         json.dumps(body).encode(), {"Content-Type": "application/json"})
        with opener.open(request, timeout=300) as response:
            response.read()

    for _round in range(rounds):
        threads = [threading.Thread(target=one) for _n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


# ---------------------------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------------------------

class Faults(threading.Thread):
    """Kill a worker in an approval, one in a payment, then restart PostgreSQL; note each window.

    Both servers get the same faults, so that the requests they are compared on suffer alike: plain
    Odoo's worker is killed while it creates the project of a sale order, then in a payment."""

    TARGETS = {
        "addon": [("kill worker in approval", "spm_initiation_approval"),
                  ("kill worker in payment", "account_payment")],
        "plain": [("kill worker in project creation", "project_project"),
                  ("kill worker in payment", "account_payment")],
    }

    def __init__(self, args, servers, started, duration):
        super().__init__(daemon=True)
        self.args, self.servers = args, servers
        # the faults fall between 30 % of the load and the recovery time before its end
        end = max(duration - args.recovery, duration * 0.5)
        self.times = [started + duration * 0.3, started + (duration * 0.3 + end) / 2, started + end]
        self.log = []
        self.errors = []

    @property
    def error(self):
        return "; ".join(self.errors)

    def run(self):
        try:
            for slot, when in enumerate(self.times[:2]):
                time.sleep(max(0, when - time.time()))
                kills = [threading.Thread(target=self.kill_worker_in, args=(kind, *self.TARGETS[kind][slot]))
                         for kind in self.servers]
                for kill in kills:
                    kill.start()
                for kill in kills:
                    kill.join()
            time.sleep(max(0, self.times[2] - time.time()))
            self.restart_postgres()
        except Exception as error:  # reported by the driver, which then fails loudly
            self.errors.append(str(error))

    def kill_worker_in(self, kind, name, table):
        """SIGKILL a worker of the server ``kind`` whose open transaction has written ``table`` (it holds
        a RowExclusiveLock on it until it commits): a request in the middle of its work."""
        server = self.servers[kind]
        workers = set(server.workers())
        connection = psycopg2.connect(dbname=server.database)
        connection.autocommit = True
        deadline = time.time() + 120
        try:
            with connection.cursor() as cr:
                while time.time() < deadline:
                    cr.execute("""
                        SELECT a.application_name, a.state, left(a.query, 120)
                          FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                         WHERE l.relation = %s::regclass AND l.mode = 'RowExclusiveLock'
                           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                           AND a.application_name LIKE 'odoo-%%'
                    """, [table])
                    for application, state, query in cr.fetchall():
                        pid = int(application.split("-")[1])
                        if pid in workers:
                            started = time.time()
                            os.kill(pid, signal.SIGKILL)
                            say(f"fault: SIGKILL worker {pid} of {server.database} in a transaction that wrote "
                                f"{table} ({state}: {query.strip()[:80]} ...)")
                            self.log.append({"kind": name, "server": kind, "pid": pid, "start": started,
                                             "end": time.time(), "query": query})
                            return
                    time.sleep(0.01)
        except Exception as error:  # the other server's kill goes on; reported at the end
            self.errors.append(f"{kind}: {error}")
            return
        finally:
            connection.close()
        self.errors.append(f"{name}: no worker of the {kind} server wrote {table} for 120 s")

    def restart_postgres(self):
        version, cluster = self.args.pg_cluster.split("/")
        started = time.time()
        say(f"fault: pg_ctlcluster {version} {cluster} restart")
        sh("pg_ctlcluster", version, cluster, "restart")
        self.log.append({"kind": "restart PostgreSQL", "start": started, "end": time.time()})
        say(f"fault: PostgreSQL back after {time.time() - started:.1f} s")


# ---------------------------------------------------------------------------------------------
# Load and report
# ---------------------------------------------------------------------------------------------

def run_locust(args, addon_json, plain_json, results, csv_prefix):
    env = dict(os.environ, SPM_LOAD_ADDON=addon_json, SPM_LOAD_PLAIN=plain_json, SPM_LOAD_RESULTS=results,
               SPM_LOAD_MIX=args.mix or "", SPM_LOAD_DURATION=str(args.duration),
               SPM_LOAD_REQUESTS=f"{csv_prefix}_requests.csv")
    # the locustfile measures --duration seconds from the moment every user has logged in, then quits;
    # -t only bounds a run whose users never all log in
    return subprocess.Popen([
        sys.executable, "-m", "locust", "-f", os.path.join(HERE, "locustfile.py"), "--headless",
        "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration + 600}s", "--csv", csv_prefix,
        "--only-summary", "--stop-timeout", "30", "--loglevel", "WARNING",
    ], env=env)


def wait_for_measure(results, locust):
    """The start of the measured period (every user logged in), as the locustfile wrote it."""
    while locust.poll() is None:
        with contextlib.suppress(FileNotFoundError), open(results, encoding="utf-8") as file:
            for line in file:
                if '"kind": "measure"' in line:
                    return json.loads(line)["t"]
        time.sleep(1)
    return None


class CpuUse:
    """The CPU the measured period used: the machine's (``/proc/stat``) and each server's, its master
    and its workers, living or reaped (a reaped worker's time is in its master's ``cutime``)."""

    def __init__(self, servers):
        self.servers = servers
        self.start = self.sample()

    @staticmethod
    def machine():
        with open("/proc/stat", encoding="ascii") as file:
            ticks = [int(value) for value in file.readline().split()[1:]]
        idle = ticks[3] + ticks[4]  # idle + iowait
        return sum(ticks) - idle, sum(ticks)

    def tree(self, root):
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat", encoding="ascii") as file:
                    values = file.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(pid) == root:
                total += sum(int(value) for value in values[11:15])  # utime stime cutime cstime
            elif int(values[1]) == root:
                total += int(values[11]) + int(values[12])
        return total

    def sample(self):
        return {"machine": self.machine(), **{kind: self.tree(server.process.pid)
                                              for kind, server in self.servers.items()}}

    def report(self):
        end, clock = self.sample(), os.sysconf("SC_CLK_TCK")
        busy, total = (end["machine"][i] - self.start["machine"][i] for i in (0, 1))
        servers = ", ".join(f"{kind} server {(end[kind] - self.start[kind]) / clock:.0f} s"
                            for kind in self.servers)
        return (f"CPU in the measured period: the machine {100 * busy / max(total, 1):.0f}% busy "
                f"({os.cpu_count()} cores); {servers} (the rest: PostgreSQL, Locust)")


def read_stats(csv_prefix):
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8") as file:
        return {row["Name"]: row for row in csv.DictReader(file) if row["Name"] != "Aggregated"}


ACCESS_LINE = re.compile(r'"(?:POST|GET) \S+\?load=(\S+) HTTP/1\.1" \d+ - \d+ ([\d.]+) ([\d.]+)')
LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) ")


def server_times(log, window=None):
    """{request type: [seconds spent in the worker]}, from the access log (SQL time + the rest), of the
    requests answered in ``window`` (start, end) when given (the log's time is the server's local time)."""
    times = {}
    with open(log, encoding="utf-8", errors="replace") as file:
        for line in file:
            match = ACCESS_LINE.search(line)
            if not match:
                continue
            stamp = LOG_TIME.match(line)
            when = time.mktime(time.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S")) + int(stamp.group(2)) / 1000
            if window and not window[0] <= when <= window[1]:
                continue
            spent = float(match.group(2)) + float(match.group(3))
            times.setdefault(urllib.parse.unquote_plus(match.group(1)), []).append((when - spent, when, spent))
    return times


def client_times(path):
    """{request type: [(began, ended, seconds, ok)]} of the measured period, as the users saw them."""
    times = {}
    with contextlib.suppress(FileNotFoundError), open(path, encoding="utf-8") as file:
        for line in file:
            began, ended, milliseconds, ok, name = line.rstrip("\n").split(",", 4)
            times.setdefault(name, []).append((float(began), float(ended), float(milliseconds) / 1000, ok == "1"))
    return times


# after a fault the servers need time: a killed worker's replacement loads its registry, users whose
# session the restart of PostgreSQL dropped log in again (the checker allows the same 30 s)
SETTLE = 30


def outside_faults(samples, faults):
    windows = [(fault["start"], fault["end"] + SETTLE) for fault in faults]
    return [sample for sample in samples
            if not any(sample[0] <= end and sample[1] >= start for start, end in windows)]


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else 0.0


def drawn_ratios(addon, plain, *, share=0.95, rounds=400, runs=1, seed=0):
    """The load test's one bootstrap: ``rounds`` ratios of the ``share`` percentiles of ``addon`` and
    ``plain`` drawn again with replacement, each side ``1 / runs`` of its size (a run's worth of requests
    from ``runs`` runs pooled), the same draws for the same ``seed`` on every call."""
    draw = random.Random(seed)

    def again(values):
        return percentile(draw.choices(values, k=max(1, len(values) // runs)), share)

    return [again(addon) / (again(plain) or 1) for _round in range(rounds)]


def ratio_interval(addon, plain, share=0.95, level=0.9, rounds=400):
    """The ``level`` bootstrap interval of the ratio of the ``share`` percentiles of two samples: how far
    the sampling alone moves the ratio (``drawn_ratios``). A run's p95 rests on its slowest twentieth
    (~12 stage moves in 600 s): an interval reaching below the goal means that another run of the same
    code may meet it."""
    if not (addon and plain):
        return 0.0, 0.0
    ratios = sorted(drawn_ratios(addon, plain, share=share, rounds=rounds))
    cut = int(rounds * (1 - level) / 2)
    return ratios[cut], ratios[-1 - cut]


def goal_line(rows):
    """The verdict on the p95 goal (and throughput when given) of ``rows``: [(request, throughput ratio or
    None, p95 ratio, (low, high) interval of the p95 ratio)]."""
    missed = []
    for name, rps, ratio, (low, high) in rows:
        reasons = []
        if rps is not None and rps < GOALS["throughput"]:
            reasons.append(f"throughput {rps:.2f}")
        if ratio > GOALS["p95"]:
            noise = "within" if low <= GOALS["p95"] else "beyond"
            reasons.append(f"p95 {ratio:.2f}, 90 % interval {low:.2f}–{high:.2f}: {noise} the sampling noise")
        if reasons:
            missed.append(f"{name} ({'; '.join(reasons)})")
    throughput = f"throughput >= {GOALS['throughput']}x, " if any(row[1] is not None for row in rows) else ""
    noise = ", ".join(f"{name} {low:.2f}–{high:.2f}" for name, _rps, _ratio, (low, high) in rows)
    return (f"goal: {throughput}p95 <= {GOALS['p95']}x (as the users saw them)"
            + (f" — missed by: {'; '.join(missed)}" if missed else " — met")
            + f"\n  the p95 ratios' 90 % interval from the sampling alone (bootstrap): {noise}")


def print_report(stats, duration, logs, *, window, requests, faults):
    def number(row, column):
        try:
            return float(row[column] or 0)
        except ValueError:  # "N/A": no request of the type in the measured period
            return 0.0

    print(f"\n{'request':<44} {'count':>6} {'fail':>5} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for name in sorted(stats):
        row = stats[name]
        print(f"{name:<44} {row['Request Count']:>6} {row['Failure Count']:>5} {number(row, 'Requests/s'):7.2f} "
              f"{number(row, '50%'):8.0f} {number(row, '95%'):8.0f}")
    served = {kind: server_times(log, window) for kind, log in logs.items()}
    seen = client_times(requests)
    scopes = [("the whole measured period", duration, lambda samples: samples)]
    if faults:
        lost, covered = 0.0, window[0]  # the seconds the fault windows cover (their union) in the period
        for began, ended in sorted((fault["start"], fault["end"] + SETTLE) for fault in faults):
            start, end = max(began, covered), min(ended, window[1])
            if end > start:
                lost, covered = lost + end - start, end
        scopes.append((f"outside the faults (each fault's window and {SETTLE} s after it left out on both servers)",
                       duration - lost, lambda samples: outside_faults(samples, faults)))
    for title, seconds, keep in scopes:
        print(f"\naddon / plain Odoo, the same requests, {title}: response times as the users saw them, and "
              "the time spent in the worker (access log, no wait for a free worker):")
        print(f"{'request':<18} {'req/s addon':>11} {'plain':>6} {'ratio':>6} | {'p50 ms addon':>12} {'plain':>6} "
              f"{'p95 addon':>9} {'plain':>6} {'ratio':>6} | {'in worker p50':>13} {'plain':>6} {'p95':>6} "
              f"{'plain':>6} {'ratio':>6}")
        rows = []
        for name in COMPARED:
            user = {kind: keep(seen.get(f"{kind}: {name}", [])) for kind in ("addon", "plain")}
            if not (user["addon"] and user["plain"]):
                continue
            rate = {kind: sum(1 for sample in samples if sample[3]) / max(seconds, 1) for kind, samples in user.items()}
            p50 = {kind: percentile([s[2] for s in samples], 0.5) * 1000 for kind, samples in user.items()}
            p95 = {kind: percentile([s[2] for s in samples], 0.95) * 1000 for kind, samples in user.items()}
            worker = {kind: [s[2] for s in keep(served[kind].get(f"{kind}: {name}", []))] for kind in user}
            worker_p50 = {kind: percentile(values, 0.5) * 1000 for kind, values in worker.items()}
            worker_p95 = {kind: percentile(values, 0.95) * 1000 for kind, values in worker.items()}
            rps, ratio = rate["addon"] / (rate["plain"] or 1), p95["addon"] / (p95["plain"] or 1)
            print(f"{name:<18} {rate['addon']:11.2f} {rate['plain']:6.2f} {rps:6.2f} | {p50['addon']:12.0f} "
                  f"{p50['plain']:6.0f} {p95['addon']:9.0f} {p95['plain']:6.0f} {ratio:6.2f} | "
                  f"{worker_p50['addon']:13.0f} {worker_p50['plain']:6.0f} {worker_p95['addon']:6.0f} "
                  f"{worker_p95['plain']:6.0f} {worker_p95['addon'] / (worker_p95['plain'] or 1):6.2f}")
            seconds_seen = [[sample[2] for sample in user[kind]] for kind in ("addon", "plain")]
            rows.append((name, rps, ratio, ratio_interval(*seconds_seen)))
        print(goal_line(rows))


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    addons_path = args.addons_path or default_addons_path()
    began = time.time()
    templates = {kind: ensure_template(args, kind, addons_path) for kind in ("addon", "plain")}
    databases = {kind: f"{args.prefix}_{kind}" for kind in templates}
    ports = {"addon": args.port, "plain": args.port + 10}
    described = {}
    for kind, template in templates.items():
        say(f"{databases[kind]}: a copy of {template}")
        copy_database(template, databases[kind])
        described[kind] = os.path.join(args.out, f"{kind}.json")
        fixtures(databases[kind], kind, addons_path, "--describe", described[kind])
    servers = {}
    try:
        for kind in templates:
            log = os.path.join(args.out, f"{kind}.log")
            if os.path.exists(log):
                os.unlink(log)
            servers[kind] = Server(args, addons_path, databases[kind], ports[kind], log)
        for kind, server in servers.items():
            server.wait()
            say(f"{server.database}: server up on {server.url}, warming its workers up")
            with open(described[kind], encoding="utf-8") as file:
                data = json.load(file)
            data["url"] = server.url
            with open(described[kind], "w", encoding="utf-8") as file:
                json.dump(data, file)
            warm_up(server.url, data)
        say(f"servers ready ({args.workers} workers each); load: {args.users} users, {args.spawn_rate}/s, "
            f"{args.duration} s{', with faults' if args.faults else ''}")
        results = os.path.join(args.out, "results.jsonl")
        for stale in (results, f"{os.path.join(args.out, 'load')}_requests.csv"):
            if os.path.exists(stale):
                os.unlink(stale)
        csv_prefix = os.path.join(args.out, "load")
        locust = run_locust(args, described["addon"], described["plain"], results, csv_prefix)
        measured = wait_for_measure(results, locust)
        if measured:
            say(f"every user logged in: {args.duration} s measured from now")
            cpu = CpuUse(servers)
        faults = None
        if args.faults and measured:
            faults = Faults(args, servers, measured, args.duration)
            faults.start()
        locust.wait()
        used = cpu.report() if measured else None
        if not measured:
            say("LOAD FAILED: Locust stopped before every user had logged in")
            return 1
        if faults:
            faults.join()
            with open(os.path.join(args.out, "faults.json"), "w", encoding="utf-8") as file:
                json.dump(faults.log, file, indent=1)
            if faults.error:
                say(f"FAULT INJECTION FAILED: {faults.error}")
                return 1
    finally:
        for server in servers.values():
            server.stop()
    print_report(read_stats(csv_prefix), args.duration, {kind: server.log for kind, server in servers.items()},
                 window=(measured, measured + args.duration), requests=f"{csv_prefix}_requests.csv",
                 faults=faults.log if faults else [])
    print(used)
    print()
    status = check.run_checks(databases["addon"], [servers["addon"].log], results,
                              faults.log if faults else ())
    say(f"done in {(time.time() - began) / 60:.1f} min")
    return status


if __name__ == "__main__":
    sys.exit(main())
