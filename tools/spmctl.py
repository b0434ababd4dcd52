#!/usr/bin/env python3
"""Developer entry point behind ``make demo``, ``make test``, ``make lint`` and ``make pot``.

It runs with the machine's own ``python3`` (the one that can ``import odoo``), checks every
prerequisite and says exactly what is missing (installing Debian packages itself when it runs
as root on Debian), makes sure a PostgreSQL server is reachable, and drives Odoo.
"""

import argparse
import getpass
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "sales_project_management"
PY = sys.executable
ODOO_SERIES = "18.0"
ODOO_HELP = (
    "Odoo 18.0 Community must be importable by this python3 ({py}).\n"
    "  Get it from https://github.com/odoo/odoo/tree/18.0 (or the nightly at\n"
    "  https://nightly.odoo.com/18.0/nightly/src/) and follow\n"
    "  https://www.odoo.com/documentation/18.0/administration/on_premise/source.html :\n"
    "    git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git /opt/odoo18\n"
    "    sudo apt-get install libldap2-dev libsasl2-dev libpq-dev\n"
    "    echo 'setuptools<81' > /tmp/build-constraints.txt   # cbor2 needs it to build\n"
    "    PIP_CONSTRAINT=/tmp/build-constraints.txt {py} -m pip install -r /opt/odoo18/requirements.txt"
    " phonenumbers websocket-client\n"
    "    {py} -m pip install --no-deps -e /opt/odoo18"
)
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL|\?) "
    r"(?P<db>\S+) (?P<logger>[\w.]+): (?P<msg>.*)$"
)
RESULT_LINE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")


class Missing(Exception):
    """A prerequisite is absent and could not be installed."""


def say(msg):
    print(f"[spm] {msg}", flush=True)


def can_apt():
    return os.geteuid() == 0 and os.path.exists("/etc/debian_version") and shutil.which("apt-get")


def apt_install(packages):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    say("installing Debian packages: " + " ".join(packages))
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", *packages], check=True, env=env,
                   stdout=subprocess.DEVNULL)


# ---------------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------------

def odoo_location():
    """Return the directory of the importable ``odoo`` package, checking it is 18.0."""
    probe = subprocess.run(
        [PY, "-c", "import os, odoo.release as r; print(r.serie); print(os.path.dirname(r.__file__))"],
        capture_output=True, text=True, check=False,
    )
    if probe.returncode:
        raise Missing("Odoo is not installed: `import odoo` fails.\n" + ODOO_HELP.format(py=PY))
    serie, path = probe.stdout.split()
    if serie != ODOO_SERIES:
        raise Missing(f"Odoo {serie} is installed at {path}; this addon needs Odoo {ODOO_SERIES}.\n"
                      + ODOO_HELP.format(py=PY))
    return path


def addons_path(odoo_dir):
    """Odoo's own addons directories, any extra ones from ODOO_ADDONS_PATH, and this addon.

    The addon must sit in a directory named after the module, whatever the clone is called,
    so it is exposed through a symlink in a per-checkout directory outside the repository.
    """
    paths = []
    for relative in (os.path.join("..", "addons"), "addons"):
        candidate = os.path.abspath(os.path.join(odoo_dir, relative))
        if os.path.isdir(candidate) and candidate not in paths:
            paths.append(candidate)
    if not any(os.path.isdir(os.path.join(p, "crm")) for p in paths):
        raise Missing(f"Odoo's addons (crm, sale_project, account, ...) are not next to {odoo_dir}; "
                      "set ODOO_ADDONS_PATH to the directory that holds them.")
    extra = [p for p in os.environ.get("ODOO_ADDONS_PATH", "").split(",") if p.strip()]
    digest = hashlib.sha1(REPO.encode()).hexdigest()[:10]
    link_dir = os.path.join(tempfile.gettempdir(), f"spm-addons-{os.getuid()}-{digest}")
    os.makedirs(link_dir, exist_ok=True)
    link = os.path.join(link_dir, MODULE)
    if os.path.islink(link) and os.readlink(link) != REPO:
        os.unlink(link)
    if not os.path.lexists(link):
        os.symlink(REPO, link)
    return ",".join(extra + paths + [link_dir])


def check_system(for_tests):
    """Check the Debian-packaged tools; install them when root on Debian, else explain."""
    missing = {}
    if not shutil.which("wkhtmltopdf"):
        missing["wkhtmltopdf (renders QWeb PDF reports)"] = ["wkhtmltopdf"]
    if not shutil.which("fc-list"):
        missing["fontconfig + Chinese fonts (CJK text in PDFs)"] = ["fontconfig", "fonts-noto-cjk",
                                                                    "fonts-wqy-microhei"]
    else:
        fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                               check=False).stdout
        if "Noto Sans CJK" not in fonts:
            missing["a Chinese (CJK) font for the web client's PDFs"] = ["fonts-noto-cjk"]
        if "WenQuanYi Micro Hei" not in fonts:
            missing["WenQuanYi Micro Hei, the font of the addon's PDF reports (searchable Chinese text)"] = [
                "fonts-wqy-microhei"]
    if for_tests and not any(shutil.which(b) for b in ("google-chrome", "chromium", "chromium-browser",
                                                        "google-chrome-stable")):
        missing["Chromium (runs the browser tours headless)"] = ["chromium"]
    if for_tests and not shutil.which("pdftotext"):
        missing["pdftotext (the report tests read the PDFs back)"] = ["poppler-utils"]
    if not missing:
        return
    packages = sorted({p for pkgs in missing.values() for p in pkgs})
    if can_apt():
        apt_install(packages)
        return
    lines = "\n".join(f"  - {what}" for what in missing)
    raise Missing(f"missing system packages:\n{lines}\n"
                  f"  install them with: sudo apt-get install {' '.join(packages)}")


def check_lint_tools():
    need = []
    for module, package in (("ruff", "ruff"), ("pylint_odoo", "pylint-odoo")):
        if subprocess.run([PY, "-c", f"import {module}"], capture_output=True, check=False).returncode:
            need.append(package)
    if not need:
        return
    requirements = os.path.join(REPO, "requirements-dev.txt")
    say(f"installing the lint tools ({', '.join(need)}) from {requirements}")
    if subprocess.run([PY, "-m", "pip", "install", "--quiet", "-r", requirements], check=False).returncode:
        raise Missing(f"the lint tools are missing: {PY} -m pip install -r requirements-dev.txt")


def _pg_error():
    probe = subprocess.run(
        [PY, "-c", "import psycopg2; psycopg2.connect(dbname='postgres').close()"],
        capture_output=True, text=True, check=False,
    )
    return probe.stderr.strip().splitlines()[-1] if probe.returncode else None


def _local_pg():
    host = os.environ.get("PGHOST", "")
    return not host or host.startswith("/") or host in ("localhost", "127.0.0.1", "::1")


def _as_postgres(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return ["sudo", "-n", "-u", "postgres", *cmd]


def ensure_postgres():
    """Make sure a PostgreSQL server answers and the role we connect as exists."""
    error = _pg_error()
    if not error:
        return
    if "does not exist" in error and "role" in error:
        role = os.environ.get("PGUSER") or getpass.getuser()
        say(f"creating PostgreSQL role {role!r} (may create databases)")
        cmd = _as_postgres(["createuser", "--createdb", role])
        if subprocess.run(cmd, check=False).returncode:
            raise Missing(f"PostgreSQL has no role {role!r}; create it: "
                          f"sudo -u postgres createuser --createdb {role}")
        return ensure_postgres()
    if "authentication failed" in error or "password" in error:
        role = os.environ.get("PGUSER") or getpass.getuser()
        raise Missing(f"PostgreSQL refused the login of role {role!r}: {error}\n"
                      "  with the local Debian cluster (peer authentication) PGUSER must be your system "
                      "user name; for a password login set PGHOST=localhost and PGPASSWORD")
    if not _local_pg():
        raise Missing(f"the PostgreSQL server at PGHOST={os.environ['PGHOST']} does not answer: {error}")
    if not shutil.which("pg_lsclusters"):
        if can_apt():
            apt_install(["postgresql"])
        else:
            raise Missing("PostgreSQL is not installed: sudo apt-get install postgresql")
    clusters = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                              check=False).stdout.splitlines()
    if not clusters:
        raise Missing("PostgreSQL is installed but has no cluster: sudo pg_createcluster --start 15 main")
    port = os.environ.get("PGPORT")
    started = False
    for line in clusters:
        version, name, cluster_port, status = line.split()[:4]
        if port and cluster_port != port:
            continue
        if status != "online":
            say(f"starting PostgreSQL cluster {version}/{name} (port {cluster_port})")
            cmd = ["pg_ctlcluster", version, name, "start"]
            if os.geteuid() != 0:
                cmd = ["sudo", "-n", *cmd]
            started |= subprocess.run(cmd, check=False).returncode == 0
    for _attempt in range(30):
        error = _pg_error()
        if not error or ("does not exist" in error and "role" in error):
            return ensure_postgres()
        time.sleep(1)
    hint = "" if started else " (start it: sudo pg_ctlcluster <version> main start)"
    raise Missing(f"no PostgreSQL server answers: {error}{hint}")


def drop_database(name):
    subprocess.run(
        [PY, "-c",
         "import sys, psycopg2\n"
         "c = psycopg2.connect(dbname='postgres'); c.autocommit = True\n"
         "c.cursor().execute('DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)' % sys.argv[1])",
         name],
        check=False,
    )


def database_exists(name):
    probe = subprocess.run(
        [PY, "-c",
         "import sys, psycopg2\n"
         "c = psycopg2.connect(dbname='postgres'); cr = c.cursor()\n"
         "cr.execute('SELECT 1 FROM pg_database WHERE datname = %s', [sys.argv[1]])\n"
         "sys.exit(0 if cr.fetchone() else 1)",
         name],
        check=False,
    )
    return probe.returncode == 0


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_cmd(*args):
    return [PY, "-m", "odoo", *args]


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

def demo_commands(path, db, port):
    """The two Odoo commands of ``make demo``: create (or upgrade) the database, then serve it.

    The database is built by an Odoo that serves nothing (``--stop-after-init``): the demo data render
    PDFs, and wkhtmltopdf fetches a report's styles over HTTP from the server that renders it; a server
    still installing never answers it, and the install would wait for ever."""
    base = [f"--addons-path={path}", "-d", db, f"--db-filter=^{re.escape(db)}$"]
    init = ["-u", MODULE] if database_exists(db) else ["-i", MODULE, "--load-language=zh_CN"]
    build = odoo_cmd(*base, *init, "--stop-after-init", "--no-http", "--max-cron-threads=0")
    serve = odoo_cmd(*base, "--http-interface=127.0.0.1", f"--http-port={port}", "--max-cron-threads=1")
    return build, serve


def cmd_demo(args):
    odoo_dir = odoo_location()
    check_system(for_tests=False)
    ensure_postgres()
    path = addons_path(odoo_dir)
    db = args.database
    build, serve = demo_commands(path, db, args.port)
    if "-u" in build:
        say(f"database {db!r} exists: upgrading {MODULE} and keeping its data")
    else:
        say(f"creating database {db!r} with demo data and Chinese translations (a few minutes)")
    if subprocess.run(build, check=False).returncode:
        say(f"FAILED: the database {db!r} could not be created or upgraded (see the log above)")
        return 1
    say(f"serving Odoo on http://127.0.0.1:{args.port} (Ctrl-C stops it)")
    proc = subprocess.Popen(serve)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        return proc.wait()


def run_demo_check(timeout=1500):
    """``make demo`` on a fresh database, as a user runs it: it must create the database and then answer
    ``/web/login``. Returns True when it did."""
    db = f"spm_demo_check_{os.getpid()}"
    port = free_port()
    drop_database(db)
    say(f"demo check: `make demo` on the fresh database {db!r}, until http://127.0.0.1:{port}/web/login answers")
    env = dict(os.environ, SPM_DEMO_DB=db, SPM_HTTP_PORT=str(port))
    proc = subprocess.Popen([PY, os.path.abspath(__file__), "demo"], env=env, start_new_session=True)
    deadline = time.monotonic() + timeout
    answered = False
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=10) as response:
                    answered = response.status == 200 and b"login" in response.read()
            except (OSError, ValueError):
                answered = False
            if answered:
                break
            time.sleep(5)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        drop_database(db)
    if answered:
        say("demo check: passed (the demo database was created and served)")
    elif proc.returncode not in (None, 0, -signal.SIGINT):
        say(f"demo check: FAILED, `make demo` stopped with exit code {proc.returncode}")
    else:
        say(f"demo check: FAILED, /web/login did not answer within {timeout} s")
    return answered


def run_lint():
    """Ruff and pylint-odoo over the addon; returns the number of failed linters."""
    failed = 0
    say("lint: ruff")
    if subprocess.run([PY, "-m", "ruff", "check", "."], cwd=REPO, check=False).returncode:
        failed += 1
    say("lint: pylint-odoo")
    pylint = subprocess.run(
        [PY, "-m", "pylint", f"--rcfile={os.path.join(REPO, '.pylintrc')}", REPO],
        cwd=os.path.dirname(REPO), check=False,
    )
    if pylint.returncode:
        failed += 1
    return failed


def cmd_lint(_args):
    check_lint_tools()
    failed = run_lint()
    print(f"{2 - failed} passed, {failed} failed")
    return 1 if failed else 0


def run_odoo_tests(path, db, logfile, data_dir):
    """Install the addon with its tests in a throwaway database; returns the log analysis."""
    cmd = odoo_cmd(
        f"--addons-path={path}", "-d", db, f"--db-filter=^{re.escape(db)}$",
        "-i", MODULE, "--test-enable", f"--test-tags=/{MODULE}", "--stop-after-init",
        "--http-interface=127.0.0.1", f"--http-port={free_port()}", f"--data-dir={data_dir}",
        "--max-cron-threads=0", "--log-level=info",
    )
    stats = {"run": 0, "failed": 0, "errors": 0, "skipped": 0, "result": False, "bad_lines": []}
    with open(logfile, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                encoding="utf-8", errors="replace")
        for line in proc.stdout:
            log.write(line)
            sys.stdout.write(line)
            match = LOG_LINE.match(line.rstrip("\n"))
            if not match:
                continue
            level, logger, msg = match["level"], match["logger"], match["msg"]
            result = RESULT_LINE.search(msg)
            if result:
                stats["result"] = True
                stats["failed"] += int(result[1])
                stats["errors"] += int(result[2])
                stats["run"] += int(result[3])
            if logger.startswith(f"odoo.addons.{MODULE}") and msg.startswith("skipped "):
                stats["skipped"] += 1
            ours = MODULE in line or logger.startswith(f"odoo.addons.{MODULE}")
            if level in ("ERROR", "CRITICAL") or (level == "WARNING" and ours):
                stats["bad_lines"].append(line.rstrip("\n"))
        proc.wait()
    stats["returncode"] = proc.returncode
    return stats


def run_upgrade_check(path, db, data_dir):
    """tools/upgrade_check.py on the database the tests installed: True when it passed."""
    say("upgrade check: change the configuration, run -u sales_project_management, read it back")
    check = subprocess.run(
        [PY, os.path.join(REPO, "tools", "upgrade_check.py"), f"--addons-path={path}", "-d", db,
         f"--data-dir={data_dir}"], check=False)
    return check.returncode == 0


def run_docs_check():
    """tools/check_docs.py: the documentation's links, screenshots and README size; True when it passed."""
    say("documentation check: links and images of README.md, doc/, benchmarks/ and the Apps page")
    return subprocess.run([PY, os.path.join(REPO, "tools", "check_docs.py")], check=False).returncode == 0


def cmd_test(args):
    try:
        odoo_dir = odoo_location()
        check_system(for_tests=True)
        check_lint_tools()
        ensure_postgres()
    except Missing as exc:
        say(f"cannot run the tests: {exc}")
        print("0 passed, 1 failed")
        return 2
    path = addons_path(odoo_dir)
    db = args.database or f"spm_test_{os.getpid()}"
    logfile = os.path.join(tempfile.gettempdir(), f"{db}.log")
    drop_database(db)
    say(f"installing {MODULE} with its tests in throwaway database {db!r} (log: {logfile})")
    data_dir = tempfile.mkdtemp(prefix="spm-test-data-")
    try:
        stats = run_odoo_tests(path, db, logfile, data_dir)
        upgrade_ok = stats["result"] and run_upgrade_check(path, db, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if not args.keep:
            drop_database(db)
    demo_ok = args.no_demo or run_demo_check()
    docs_ok = run_docs_check()
    lint_failed = 0 if args.no_lint else run_lint()
    lint_checks = 0 if args.no_lint else 2

    problems = []
    if not stats["result"]:
        problems.append(f"Odoo did not report a test result (exit code {stats['returncode']})")
    if stats["skipped"]:
        problems.append(f"{stats['skipped']} test(s) were skipped; nothing may be skipped")
    if stats["bad_lines"]:
        problems.append("error lines, or warning lines about this addon, were logged:\n    "
                        + "\n    ".join(stats["bad_lines"][:30]))
    if lint_failed:
        problems.append(f"{lint_failed} linter(s) failed")
    if not upgrade_ok:
        problems.append("the upgrade check failed (configuration lost or duplicated by -u, see above)")
    if not demo_ok:
        problems.append("`make demo` did not create and serve the demo database (see the demo check above)")
    if not docs_ok:
        problems.append("the documentation has broken links or missing screenshots (see the documentation check)")
    passed = stats["run"] - stats["failed"] - stats["errors"] - stats["skipped"]
    failed = stats["failed"] + stats["errors"] + stats["skipped"]
    # the clean-install-log check, the upgrade check and the linters count as checks of their own
    demo_checks = 0 if args.no_demo else 1
    passed += (lint_checks - lint_failed) + (0 if stats["bad_lines"] or not stats["result"] else 1) + upgrade_ok \
        + (demo_checks and demo_ok) + docs_ok
    failed += lint_failed + (1 if stats["bad_lines"] or not stats["result"] else 0) + (not upgrade_ok) \
        + (demo_checks and not demo_ok) + (not docs_ok)
    for problem in problems:
        say(f"FAILED: {problem}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or problems else 0


ODOO_TEST_MODULES = ("crm", "sale_crm", "project", "sale_project")


def odoo_test_exclusions():
    """{"module:Class.method": reason} of tools/odoo_test_exclusions.txt."""
    exclusions = {}
    with open(os.path.join(REPO, "tools", "odoo_test_exclusions.txt"), encoding="utf-8") as lines:
        for raw in lines:
            line = raw.strip()
            if line and not line.startswith("#"):
                test, _sep, reason = line.partition(" ")
                exclusions[test] = reason.strip()
    return exclusions


def cmd_odoo_tests(args):
    """Odoo's own crm, sale_crm, project and sale_project tests with the addon installed."""
    odoo_dir = odoo_location()
    check_system(for_tests=True)
    ensure_postgres()
    path = addons_path(odoo_dir)
    db = args.database or f"spm_odoo_tests_{os.getpid()}"
    logfile = os.path.join(tempfile.gettempdir(), f"{db}.log")
    modules = ",".join(ODOO_TEST_MODULES if args.without_addon else (*ODOO_TEST_MODULES, MODULE))
    exclusions = odoo_test_exclusions()
    tags = ",".join([f"/{module}" for module in ODOO_TEST_MODULES] + [f"-/{test}" for test in exclusions])
    say(f"installing {modules} in throwaway database {db!r} (log: {logfile})")
    drop_database(db)
    data_dir = tempfile.mkdtemp(prefix="spm-odoo-tests-data-")
    base = [f"--addons-path={path}", "-d", db, f"--db-filter=^{re.escape(db)}$", f"--data-dir={data_dir}",
            "--http-interface=127.0.0.1", "--max-cron-threads=0", "--stop-after-init"]
    try:
        install = subprocess.run(odoo_cmd(*base, "-i", modules, "--without-demo=all", "--log-level=warn",
                                          f"--http-port={free_port()}"), check=False)
        if install.returncode:
            say("FAILED: the modules did not install")
            return 1
        say(f"running Odoo's tests of {', '.join(ODOO_TEST_MODULES)} with {MODULE} loaded "
            f"({len(exclusions)} excluded, see tools/odoo_test_exclusions.txt)")
        cmd = [PY, os.path.join(REPO, "tools", "odoo_tests.py"), *base, "--test-enable", f"--test-tags={tags}",
               f"--http-port={free_port()}", "--log-level=info"]
        stats = {"run": 0, "failed": 0, "errors": 0}
        with open(logfile, "w", encoding="utf-8") as log:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                    encoding="utf-8", errors="replace")
            for line in proc.stdout:
                log.write(line)
                match = LOG_LINE.match(line.rstrip("\n"))
                if match and match["level"] in ("ERROR", "CRITICAL"):
                    sys.stdout.write(line)
                result = RESULT_LINE.search(line)
                if result:
                    stats.update(failed=int(result[1]), errors=int(result[2]), run=int(result[3]))
            proc.wait()
    finally:
        if not args.keep:
            drop_database(db)
        shutil.rmtree(data_dir, ignore_errors=True)
    failed = stats["failed"] + stats["errors"]
    print(f"{stats['run'] - failed} passed, {failed} failed")
    return 1 if failed or proc.returncode else 0


def cmd_pot(args):
    """Regenerate i18n/<module>.pot from a freshly installed module and merge it into zh_CN.po."""
    odoo_dir = odoo_location()
    ensure_postgres()
    path = addons_path(odoo_dir)
    db = args.database or f"spm_pot_{os.getpid()}"
    pot = os.path.join(REPO, "i18n", f"{MODULE}.pot")
    drop_database(db)
    try:
        base = [f"--addons-path={path}", "-d", db, f"--db-filter=^{re.escape(db)}$",
                "--stop-after-init", "--log-level=warn", "--without-demo=all"]
        subprocess.run(odoo_cmd(*base, "-i", MODULE), check=True)
        subprocess.run(odoo_cmd(*base, f"--i18n-export={pot}", f"--modules={MODULE}"), check=True)
    finally:
        drop_database(db)
    return subprocess.run([PY, os.path.join(REPO, "tools", "i18n_sync.py")], check=False).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="create/upgrade the demo database and serve Odoo")
    demo.add_argument("--database", default=os.environ.get("SPM_DEMO_DB", "spm_demo"))
    demo.add_argument("--port", type=int, default=int(os.environ.get("SPM_HTTP_PORT", "8069")))
    test = sub.add_parser("test", help="run every test of the addon, the i18n check and the lint")
    test.add_argument("--database", help="name of the throwaway database (default: spm_test_<pid>)")
    test.add_argument("--keep", action="store_true", help="keep the test database afterwards")
    test.add_argument("--no-lint", action="store_true", help="skip ruff and pylint-odoo")
    test.add_argument("--no-demo", action="store_true", help="skip the check that `make demo` creates and serves "
                                                              "a fresh demo database")
    odoo_tests = sub.add_parser("odoo-tests", help="Odoo's own crm/sale_crm/project/sale_project tests with the addon")
    odoo_tests.add_argument("--database", help="name of the throwaway database")
    odoo_tests.add_argument("--keep", action="store_true", help="keep the database afterwards")
    odoo_tests.add_argument("--without-addon", action="store_true",
                            help="the same run without the addon installed, to tell its effects from the runner's")
    sub.add_parser("lint", help="ruff and pylint-odoo")
    pot = sub.add_parser("pot", help="regenerate the .pot and merge it into zh_CN.po")
    pot.add_argument("--database")
    args = parser.parse_args()
    handler = {"demo": cmd_demo, "test": cmd_test, "lint": cmd_lint, "pot": cmd_pot,
               "odoo-tests": cmd_odoo_tests}[args.command]
    try:
        return handler(args)
    except Missing as exc:
        say(f"missing prerequisite: {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
