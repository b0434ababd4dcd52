#!/usr/bin/env python3
"""Screenshots of the addon's screens, taken from a running demo database with headless Chromium.

    python3 tools/screenshots.py --url http://127.0.0.1:8069 --db spm_demo            # every shot of doc/shots.json
    python3 tools/screenshots.py --url ... --db ... --only sales_visit_phone           # one shot
    python3 tools/screenshots.py --url ... --db ... --login spm_sales --path /odoo/... --size 390x844 --out x.png

A shot is: the login (the demo's password is the login), the path opened (``{ref:module.xml_id}`` stands for a
demo record's id, read as the administrator), the screen size (a phone is 390x844), the CSS selector waited for
before the picture, optional clicks, and the file written under doc/images/<lang>/ (and, for the Apps page,
``app_page``: a copy in static/description/ from the Chinese shot). Every shot is taken in each
language asked (Chinese and English by default): the user's language is switched for the shot and restored.
Needs Chromium (``chromium``) and ``websocket-client`` (both installed by ``make test``'s set-up)."""
import argparse
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHOTS = os.path.join(ROOT, "doc", "shots.json")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def login(url, db, user, password):
    """The session cookie of ``user`` (Odoo's JSON-RPC authenticate)."""
    body = json.dumps({"jsonrpc": "2.0", "method": "call",
                       "params": {"db": db, "login": user, "password": password}}).encode()
    request = urllib.request.Request(f"{url}/web/session/authenticate", body,
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        result = json.loads(response.read())
        if result.get("error"):
            raise SystemExit(f"login {user}: {result['error']['data']['message']}")
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("session_id="):
                return header.split(";")[0].split("=", 1)[1]
    raise SystemExit(f"login {user}: no session cookie")


def rpc(url, session, model, method, *args, **kwargs):
    """Call ``model.method`` as the user of ``session`` (Odoo's /web/dataset/call_kw)."""
    body = json.dumps({"jsonrpc": "2.0", "method": "call",
                       "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs}}).encode()
    request = urllib.request.Request(f"{url}/web/dataset/call_kw/{model}/{method}", body,
                                     {"Content-Type": "application/json", "Cookie": f"session_id={session}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        result = json.loads(response.read())
    if result.get("error"):
        raise SystemExit(f"{model}.{method}: {result['error']['data']['message']}")
    return result["result"]


class Demo:
    """The demo database: its records by XML id (read as the administrator) and its users' languages."""

    def __init__(self, url, db, admin_password):
        self.url, self.db = url, db
        self.admin = login(url, db, "admin", admin_password)
        self.ids = {}

    def resolve(self, path):
        """``{ref:module.name}`` in a path becomes the record's id; ``{ref:module.name:field}`` the id of the
        record its many2one ``field`` points at (a record the demo makes without an XML id of its own)."""
        def replace(match):
            xmlid, field = match.group(1), match.group(2)
            if xmlid not in self.ids:
                module, name = xmlid.split(".", 1)
                rows = rpc(self.url, self.admin, "ir.model.data", "search_read",
                           [("module", "=", module), ("name", "=", name)], fields=["res_id", "model"])
                if not rows:
                    raise SystemExit(f"no record {xmlid} in {self.db}")
                self.ids[xmlid] = (rows[0]["model"], rows[0]["res_id"])
            model, res_id = self.ids[xmlid]
            if not field:
                return str(res_id)
            value = rpc(self.url, self.admin, model, "read", [res_id], [field])[0][field]
            if not value:
                raise SystemExit(f"{xmlid}.{field} is empty in {self.db}")
            return str(value[0] if isinstance(value, list) else value)
        return re.sub(r"\{ref:([\w.]+)(?::(\w+))?\}", replace, path)

    def activate(self, lang):
        langs = rpc(self.url, self.admin, "res.lang", "search_read", [("code", "=", lang)], fields=["active"],
                    context={"active_test": False})
        if not langs:
            raise SystemExit(f"language {lang} is not in {self.db}")
        if not langs[0]["active"]:
            rpc(self.url, self.admin, "res.lang", "write", [langs[0]["id"]], {"active": True})


class Browser:
    """One headless Chromium driven over the DevTools protocol."""

    def __init__(self):
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not binary:
            raise SystemExit("Chromium is not installed (apt-get install chromium)")
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="spm_shots_")
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--no-default-browser-check", f"--remote-debugging-port={self.port}",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json", timeout=2) as response:
                    pages = [t for t in json.loads(response.read()) if t["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("Chromium did not start")
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60,
                                              suppress_origin=True)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=30):
        deadline = time.time() + timeout
        check = (f"!!document.querySelector({json.dumps(selector)}) && "
                 "!document.querySelector('.o_loading_indicator, .o-main-components-container .o_blockUI')")
        while time.time() < deadline:
            if self.evaluate(check):
                return True
            time.sleep(0.25)
        return False

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=10)
            shutil.rmtree(self.profile, ignore_errors=True)


def take(browser, demo, shot, out_dir, lang=None):
    """Take ``shot`` as its user, in ``lang`` (the user's own language otherwise, restored afterwards)."""
    url = demo.url
    width, height = (int(v) for v in shot.get("size", "1440x900").split("x"))
    phone = width < 768
    cookie = login(url, demo.db, shot["login"], shot.get("password", shot["login"]))
    uid = rpc(url, cookie, "res.users", "search", [("login", "=", shot["login"])])[0]
    user = rpc(url, cookie, "res.users", "read", [uid], ["lang", "tz"])[0]
    own_lang, tz = user["lang"], user["tz"]
    # the browser tells the time in the user's time zone, as their own browser would (not the machine's UTC)
    browser.call("Emulation.setTimezoneOverride", timezoneId=tz or "Asia/Shanghai")
    if lang and lang != own_lang:
        rpc(url, cookie, "res.users", "write", [uid], {"lang": lang})
    try:
        return _take(browser, demo, shot, out_dir=out_dir, cookie=cookie, screen=(width, height, phone), lang=lang)
    finally:
        if lang and lang != own_lang:
            rpc(url, cookie, "res.users", "write", [uid], {"lang": own_lang})


def _take(browser, demo, shot, *, out_dir, cookie, screen, lang):
    url = demo.url
    width, height, phone = screen
    browser.call("Network.enable")
    browser.call("Network.clearBrowserCookies")
    host = urllib.request.urlparse(url).hostname
    browser.call("Network.setCookie", name="session_id", value=cookie, domain=host, path="/")
    browser.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=phone)
    browser.call("Emulation.setTouchEmulationEnabled", enabled=phone)
    browser.call("Page.enable")
    browser.call("Page.navigate", url=url + demo.resolve(shot["path"]))
    selector = shot.get("wait", ".o_action_manager .o_view_controller, .o_action_manager .o_form_view")
    if not browser.wait_for(selector):
        print(f"  ! {shot['name']}: {selector} not shown", file=sys.stderr)
    for click in shot.get("clicks", []):
        browser.evaluate(f"document.querySelector({json.dumps(click)})?.click()")
        time.sleep(0.5)
        browser.wait_for(shot.get("wait_after", "body"))
    time.sleep(shot.get("settle", 1.0))
    errors = browser.evaluate("Array.from(document.querySelectorAll('.o_error_dialog, .o_notification.border-danger'))"
                              ".map(e => e.innerText.slice(0, 300))")
    png = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
    path = os.path.join(out_dir, *([lang] if lang else []), shot.get("out", shot["name"] + ".png"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(png)
    if shot.get("app_page") and lang in (None, "zh_CN"):
        # the Apps page (static/description/index.html) shows it too: Odoo serves only static/
        with open(os.path.join(ROOT, "static", "description", shot["app_page"]), "wb") as handle:
            handle.write(png)
    print(f"  {shot['name']}: {os.path.relpath(path)}" + (f"  ERRORS: {errors}" if errors else ""))
    return not errors


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="spm_demo")
    parser.add_argument("--shots", default=SHOTS, help="the JSON list of shots (default: doc/shots.json)")
    parser.add_argument("--out-dir", default=os.path.join(ROOT, "doc", "images"),
                        help="where the pictures go, in a folder per language (default: doc/images/<lang>/)")
    parser.add_argument("--lang", nargs="*", default=["zh_CN", "en_US"],
                        help="the languages to take every shot in (default: zh_CN en_US)")
    parser.add_argument("--admin-password", default="admin", help="to read the demo's records by XML id")
    parser.add_argument("--only", nargs="*", help="the names of the shots to take")
    parser.add_argument("--login")
    parser.add_argument("--path")
    parser.add_argument("--size", default="1440x900")
    parser.add_argument("--wait")
    parser.add_argument("--out", default="shot.png")
    args = parser.parse_args()
    if args.login:
        shots = [{"name": "shot", "login": args.login, "path": args.path or "/odoo", "size": args.size,
                  "out": os.path.abspath(args.out), **({"wait": args.wait} if args.wait else {})}]
        args.lang = [None]
    else:
        with open(args.shots, encoding="utf-8") as handle:
            shots = json.load(handle)
        if args.only:
            shots = [shot for shot in shots if shot["name"] in args.only]
    demo = Demo(args.url.rstrip("/"), args.db, args.admin_password)
    for lang in args.lang:
        if lang:
            demo.activate(lang)
    browser = Browser()
    try:
        # every shot is taken, even after one that shows an error
        results = [take(browser, demo, shot, args.out_dir, lang) for lang in args.lang for shot in shots]
    finally:
        browser.close()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
