#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""write_dss (build/rel/write_dss.so) in a real collectd 5.12 with a real
SMTP server on loopback (smtp_server.py: aiosmtpd with STARTTLS or implicit
TLS and AUTH, certificates made here with openssl).

Printer data comes from `printprobe scan` against snmpsim printers and is
fed into collectd's write path by a test-only reader for the stock python
plugin, carrying the printer plugin's meta data ("printprobe:report",
"printprobe:address"): so a test can also plant a field outside the report
allowlist. When build/rel/printer.so exists, two tests run the real printer
plugin against snmpsim instead: one checks the report, one runs the daemon
under valgrind through a refusal, a retry and deliveries and checks that
nothing leaked.

Faults: SMTP server down then up, 4xx then OK (retry schedule kept across
a restart), 5xx (kept in failed/, never retried), slow server and timeouts,
kill -9 of collectd while a message is in flight, a full disk (tmpfs). In
every case each archived report arrives exactly once, and the archive's
.eml is byte-identical to what the server received. index.html is
rendered in headless Chromium; screenshots are kept in
build/test-out/write_dss/."""

import base64
import collections
import email
import email.policy
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import signing
from harness import (FIXTURES, HOST, OUR_PLUGINS, ROOT, Collectd, PPSim,
                     Process, Runner, Snmpsim, Valgrind, free_port, scan,
                     silent_port)

WRITE_DSS_SO = OUR_PLUGINS["write_dss"]
PRINTER_SO = OUR_PLUGINS["printer"]
SERVER_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "smtp_server.py")
SHOTS = os.path.join(ROOT, "build", "test-out", "write_dss")
USER = "dss-sender"
PASSWORD = "s3cret-Pa55"
CUSTOMER = "ACME Druck GmbH"
FROM = "printprobe@customer.example"
TO = ["dss@vendor.example", "printers@customer.example"]
FIXTURE_NAMES = ["quirk_alerts", "quirk_low_and_empty_toner",
                 "quirk_ok_colour_laser"]
PRIVATE = ["Jane Doe", "jane@example.com", "sysContact", "JOBNAME-SECRET"]
# Served for the printer plugin only: an Epson whose status record carries a
# job name (JOBNAME-SECRET-4711) that must never reach a mail or the archive.
EPSON_FIXTURE = "epson_forbidden_subtree"


def server_python():
    """aiosmtpd is a Debian package: use Debian's python when ours lacks
    it."""
    try:
        import aiosmtpd  # noqa: F401
        return sys.executable
    except ImportError:
        return "/usr/bin/python3"


# --- certificates -------------------------------------------------------

def make_certs(folder):
    """A test CA and a server certificate for 127.0.0.1 and localhost."""
    def run(*argv):
        subprocess.run(argv, cwd=folder, check=True, capture_output=True)
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj",
        "/CN=printprobe test CA", "-addext",
        "basicConstraints=critical,CA:TRUE", "-addext",
        "keyUsage=critical,keyCertSign,cRLSign")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout",
        "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    with open(os.path.join(folder, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=CA:FALSE\n"
                "keyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n")
    run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem",
        "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
        "-days", "2", "-extfile", "ext.cnf")
    with open(os.path.join(folder, "password"), "w") as f:
        f.write(PASSWORD + "\n")
    os.chmod(os.path.join(folder, "password"), 0o600)
    return {k: os.path.join(folder, v) for k, v in
            (("ca", "ca.pem"), ("cert", "server.pem"),
             ("key", "server.key"), ("password", "password"))}


# --- the SMTP server ----------------------------------------------------

class SmtpServer:
    def __init__(self, certs, port=None, smtps=False):
        self.dir = tempfile.mkdtemp(prefix="pp-smtp-")
        self.mail = os.path.join(self.dir, "mail")
        os.makedirs(self.mail)
        self.port = port or free_port()
        self.certs = certs
        self.smtps = smtps
        self.process = None

    def start(self):
        argv = [server_python(), SERVER_PY, "--port", str(self.port),
                "--cert", self.certs["cert"], "--key", self.certs["key"],
                "--dir", self.mail, "--user", USER, "--password", PASSWORD]
        if self.smtps:
            argv.append("--smtps")
        log = os.path.join(self.dir, "server-%d.log" % time.time())
        self.process = Process(argv, log)
        deadline = time.time() + 20
        while time.time() < deadline:
            with open(log) as f:
                if "ready" in f.read():
                    return self
            if self.process.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("smtp_server did not start: " + open(log).read())

    def stop(self):
        if self.process is not None:
            self.process.stop()
            self.process = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self):
        return "%s://%s:%d/customer.example" % (
            "smtps" if self.smtps else "smtp", HOST, self.port)

    def control(self, **knobs):
        path = os.path.join(self.mail, "control.json")
        with open(path + ".t", "w") as f:
            json.dump(knobs, f)
        os.replace(path + ".t", path)

    def messages(self):
        """Message-ID -> list of the received bytes."""
        out = collections.defaultdict(list)
        for path in sorted(glob.glob(os.path.join(self.mail, "new", "*"))):
            with open(path, "rb") as f:
                data = f.read()
            out[message_id(data)].append(data)
        return out

    def attempts(self):
        """[(time, code, Message-ID)]; code 1 marks data received."""
        path = os.path.join(self.mail, "attempts.log")
        if not os.path.exists(path):
            return []
        rows = []
        with open(path) as f:
            for line in f:
                t, code, mid = line.split()
                rows.append((float(t), int(code), mid))
        return rows


def message_id(data):
    m = re.search(rb"^Message-ID:\s*(<[^>\r\n]*>)", data,
                  re.IGNORECASE | re.MULTILINE)
    return m.group(1).decode() if m else None


# --- printer data for the write path ------------------------------------

FEEDER = r'''
"""Test-only collectd python reader: each DIR/*.json is one printer object,
dispatched the way the printer plugin does (gauge-reachable with meta)."""
import glob
import os
import collectd

CONF = {"dir": None}


def config(conf):
    for child in conf.children:
        if child.key == "Dir":
            CONF["dir"] = child.values[0]


def read():
    for path in sorted(glob.glob(os.path.join(CONF["dir"], "*.json"))):
        with open(path) as f:
            text = f.read()
        name = os.path.basename(path)[:-5]
        collectd.Values(host=name, plugin="printer", plugin_instance="feed",
                        type="gauge", type_instance="reachable",
                        values=[1],
                        meta={"printprobe:report": text,
                              "printprobe:address": name}).dispatch()


collectd.register_config(config)
collectd.register_read(read)
'''


def scan_printers(sim):
    """Printer objects as printprobe makes them, one per fixture, plus one
    printer that never answers."""
    printers = []
    for name in FIXTURE_NAMES:
        _, report, _ = scan(["%s:%d" % (HOST, sim.port)], "-c", name, "-t",
                            "1", "-r", "1")
        printers.append(report["printers"][0])
    _, report, _ = scan(["%s:%d" % (HOST, silent_port())], "-t", "0.2", "-r",
                        "0")
    printers.append(report["printers"][0])
    return printers


def write_feed(folder, printers, plant_private=True):
    os.makedirs(folder, exist_ok=True)
    for i, p in enumerate(printers):
        obj = dict(p)
        if plant_private and i == 0:
            # What the allowlist must stop, whatever put it there.
            obj = {"address": p["address"], "sysContact": "Jane Doe",
                   "jobs": [{"owner": "jane@example.com",
                             "document": "JOBNAME-SECRET-4711"}]}
            obj.update(p)
        with open(os.path.join(folder, "p%02d.json" % i), "w") as f:
            json.dump(obj, f, ensure_ascii=False)


# --- collectd -----------------------------------------------------------

def dss_block(server, certs, dirs, **options):
    """<Plugin write_dss> text; options override (None removes a key)."""
    keys = collections.OrderedDict([
        ("Period", "2"), ("ArchiveDir", '"%s"' % dirs["archive"]),
        ("SpoolDir", '"%s"' % dirs["spool"]), ("Retention", "30"),
        ("URL", '"%s"' % server.url), ("From", '"%s"' % FROM),
        ("To", ['"%s"' % t for t in TO]), ("Username", '"%s"' % USER),
        ("PasswordFile", '"%s"' % certs["password"]),
        ("CAFile", '"%s"' % certs["ca"]), ("Timeout", "10"),
        ("CustomerName", '"%s"' % CUSTOMER), ("RetryInterval", "1"),
        ("RetryMaxInterval", "2")])
    for k, v in options.items():
        if v is None:
            keys.pop(k, None)
        else:
            keys[k] = v
    lines = []
    for k, v in keys.items():
        for one in (v if isinstance(v, list) else [v]):
            lines.append("  %s %s" % (k, one))
    return ("LoadPlugin write_dss\n<Plugin write_dss>\n%s\n</Plugin>\n" %
            "\n".join(lines))


def dss_collectd(body, feed_dir=None, plugins=(), valgrind=None):
    """collectd (not started) with `body`, and the feeder reading feed_dir
    when one is given."""
    python = None
    if feed_dir is not None:
        python = ("ppfeed", FEEDER, {"Dir": feed_dir})
    return Collectd(body, plugins, name="dss-collectd", interval=1,
                    hostname="dss-test", read_threads=None, python=python,
                    valgrind=valgrind)


def new_dirs(parent=None):
    base = tempfile.mkdtemp(prefix="pp-dss-", dir=parent)
    return {"base": base, "archive": os.path.join(base, "archive"),
            "spool": os.path.join(base, "spool")}


# --- what is on disk ----------------------------------------------------

def archived(dirs):
    """Message-ID -> bytes of every archived .eml."""
    out = {}
    for path in glob.glob(os.path.join(dirs["archive"], "[0-9]" * 4,
                                       "[0-9]" * 2, "*.eml")):
        with open(path, "rb") as f:
            data = f.read()
        out[message_id(data)] = data
    return out


def spool_ids(dirs, area):
    return sorted(os.path.basename(p)[:-4] for p in glob.glob(
        os.path.join(dirs["spool"], area, "*.eml")))


def refused(dirs):
    """Message-IDs of the reports kept in the spool's failed/."""
    out = set()
    for path in glob.glob(os.path.join(dirs["spool"], "failed", "*.eml")):
        with open(path, "rb") as f:
            out.add(message_id(f.read()))
    return out


def all_sent(dirs, server, minimum):
    """At least `minimum` reports archived, nothing left to send, and the
    server holds every archived one that was not refused."""
    arch = archived(dirs)
    got = server.messages()
    return (len(arch) >= minimum and not spool_ids(dirs, "queue") and
            not spool_ids(dirs, "staged") and
            set(arch) - refused(dirs) <= set(got))


def spooled(dirs, area):
    out = set()
    for path in glob.glob(os.path.join(dirs["spool"], area, "*.eml")):
        with open(path, "rb") as f:
            out.add(message_id(f.read()))
    return out


def check_exactly_once(dirs, server, failed=()):
    """Every archived report arrived once (except the refused ones and those
    still queued when collectd stopped, which never arrived) and byte for
    byte as archived; nothing arrived that the archive does not hold."""
    arch = archived(dirs)
    got = server.messages()
    waiting = spooled(dirs, "queue") | spooled(dirs, "staged")
    problems = []
    for mid, data in arch.items():
        copies = got.get(mid, [])
        if mid in failed or mid in waiting:
            if copies:
                problems.append("%s refused or queued, yet arrived" % mid)
            continue
        if len(copies) != 1:
            problems.append("%s arrived %d times" % (mid, len(copies)))
        elif copies[0] != data:
            problems.append("%s differs from the archive" % mid)
    extra = set(got) - set(arch)
    if extra:
        problems.append("arrived but not archived: %s" % sorted(extra)[:3])
    if problems:
        raise AssertionError("; ".join(problems[:6]))
    return arch


def parts(data):
    msg = email.message_from_bytes(data, policy=email.policy.default)
    files = {}
    text = None
    for part in msg.walk():
        if part.get_content_maintype() == "multipart":
            continue
        name = part.get_filename()
        if name:
            files[name] = part.get_payload(decode=True)
        else:
            text = part.get_payload(decode=True).decode("utf-8")
    return msg, text, files


# --- the tests ----------------------------------------------------------

class Env:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="pp-dss-env-")
        self.certs = make_certs(self.tmp)
        self.sim = Snmpsim([os.path.join(FIXTURES, n + ".snmprec")
                            for n in FIXTURE_NAMES + [EPSON_FIXTURE]])
        self.sim.wait(FIXTURE_NAMES[0])
        self.printers = scan_printers(self.sim)
        self.feed = os.path.join(self.tmp, "feed")
        write_feed(self.feed, self.printers)

    def cleanup(self):
        self.sim.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def run_case(env, body_options, scenario, server=None, dirs=None,
             plugins=("write_dss",)):
    """Starts a server (unless given) and collectd with write_dss; runs
    scenario(d, server, dirs); cleans up whatever happens."""
    own_server = server is None
    server = server or SmtpServer(env.certs).start()
    dirs = dirs or new_dirs()
    d = dss_collectd(dss_block(server, env.certs, dirs, **body_options),
                     env.feed, plugins=plugins)
    try:
        scenario(d, server, dirs)
    finally:
        d.cleanup()
        if own_server:
            server.cleanup()
        shutil.rmtree(dirs["base"], ignore_errors=True)


def check_report_content(data, env):
    msg, text, files = parts(data)
    problems = []
    if CUSTOMER not in msg["Subject"] or \
            not re.search(r"\d{4}-\d{2}-\d{2}", msg["Subject"]):
        problems.append("subject %r" % msg["Subject"])
    if sorted(a.addr_spec for a in msg["To"].addresses) != sorted(TO):
        problems.append("To %r" % msg["To"])
    if msg["From"].addresses[0].addr_spec != FROM or not msg["Date"]:
        problems.append("From/Date")
    if set(files) != {"report.json", "supplies.csv", "counters.csv"}:
        problems.append("attachments %r" % sorted(files))
    report = json.loads(files["report.json"])
    serials = sorted(p["serial"] or "" for p in report["printers"])
    want = sorted(p["serial"] or "" for p in env.printers)
    if serials != want:
        problems.append("serials %r, want %r" % (serials, want))
    for line in ("Printers:            4", "Reachable:           3",
                 "Not reachable:       1", "Printers in error:",
                 "Supplies low/empty:"):
        if line not in text:
            problems.append("summary lacks %r" % line)
    if "Paper jam" not in text and "jammed" not in text:
        problems.append("summary names no error: %r" % text[:500])
    if b"address,name,manufacturer" not in files["supplies.csv"]:
        problems.append("supplies.csv header")
    for secret in PRIVATE:
        if secret.encode() in data or any(secret.encode() in v
                                          for v in files.values()) or \
                secret in text:
            problems.append("%s leaked into the mail" % secret)
    if problems:
        raise AssertionError("; ".join(problems))


def screenshot(html_path, png_name):
    os.makedirs(SHOTS, exist_ok=True)
    png = os.path.join(SHOTS, png_name)
    if os.path.exists(png):
        os.unlink(png)
    profile = tempfile.mkdtemp(prefix="pp-chromium-")
    try:
        subprocess.run(["chromium", "--headless", "--no-sandbox",
                        "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--user-data-dir=" + profile,
                        "--window-size=1280,900", "--screenshot=" + png,
                        "file://" + html_path],
                       capture_output=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not os.path.exists(png) or os.path.getsize(png) < 5000:
        raise AssertionError("no useful screenshot of %s" % html_path)
    return png


def test_delivery_archive_privacy(env):
    def scenario(d, server, dirs):
        d.start()
        d.wait_for("3 reports sent", lambda: all_sent(dirs, server, 3), 60)
        _, stop_s = d.stop()
        if stop_s > 10:
            raise AssertionError("shutdown took %.1fs" % stop_s)
        arch = check_exactly_once(dirs, server)
        for data in arch.values():
            check_report_content(data, env)
        archive_text = ""
        for path in glob.glob(os.path.join(dirs["archive"], "**", "*"),
                              recursive=True):
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    archive_text += f.read().decode("utf-8", "replace")
        leaked = [s for s in PRIVATE if s in archive_text]
        if leaked:
            raise AssertionError("archive holds %s" % leaked)
        log = d.log()
        if 'dropped unknown field "sysContact"' not in log:
            raise AssertionError("the dropped field was not logged")
        if PASSWORD in log:
            raise AssertionError("the password was logged")
        index = os.path.join(dirs["archive"], "index.html")
        with open(index) as f:
            page = f.read()
        ids = re.findall(r'href="\d{4}/\d{2}/([^"]+)\.html"', page)
        if len(ids) != len(arch) or ids != sorted(ids, reverse=True):
            raise AssertionError("index lists %r" % ids)
        report_page = glob.glob(os.path.join(dirs["archive"], "*", "*",
                                             ids[0] + ".html"))[0]
        with open(report_page) as f:
            html = f.read()
        for want in ("XRX0000120", "Paper jam", "not reachable"):
            if want not in html:
                raise AssertionError("report page lacks %r" % want)
        screenshot(index, "index.png")
        screenshot(report_page, "report.png")

    run_case(env, {}, scenario)


def test_reports_signed(env):
    """SigningKeyFile: the key is made with mode 0600 and its public half
    logged and written to FILE.pub; every archived message (the bytes that
    were sent) carries report.sig, valid under FILE.pub for its own
    Message-ID and report.json. A restart keeps the key; a key file open to
    others stops start-up."""
    keys = tempfile.mkdtemp(prefix="pp-dss-key-")
    key = os.path.join(keys, "site.key")

    def scenario(d, server, dirs):
        d.start()
        d.wait_for("2 reports sent", lambda: all_sent(dirs, server, 2), 60)
        d.stop()
        arch = check_exactly_once(dirs, server)
        mode = os.stat(key).st_mode & 0o777
        if mode != 0o600:
            raise AssertionError("key file mode %o" % mode)
        with open(key + ".pub") as f:
            pub_line = f.read().strip()
        if "new signing key" not in d.log() or pub_line not in d.log():
            raise AssertionError("the public key was not logged")
        for data in arch.values():
            signing.check_signed(data, key + ".pub")
            _, files = signing.attachments(data)
            if set(files) != {"report.json", "supplies.csv", "counters.csv",
                              "report.sig"}:
                raise AssertionError("attachments %r" % sorted(files))
        # The check can fail: a report with one byte changed must not pass.
        data = next(iter(arch.values()))
        msg, files = signing.attachments(data)
        tampered = dict(files)
        tampered["report.json"] = files["report.json"].replace(b"}", b" }", 1)
        try:
            mid = str(msg["Message-ID"]).strip()
            fields = signing.sig_fields(files["report.sig"])
            _, pub = signing.read_public(key + ".pub")
            pub.verify(base64.b64decode(fields["Signature"]),
                       signing.DOMAIN + mid.encode() + b"\n" +
                       tampered["report.json"])
            raise AssertionError("a changed report.json verified")
        except signing.InvalidSignature:
            pass

    try:
        run_case(env, {"SigningKeyFile": '"%s"' % key}, scenario)
        first = open(key + ".pub").read()
        run_case(env, {"SigningKeyFile": '"%s"' % key},
                 lambda d, server, dirs: (d.start(), d.wait_for(
                     "a report sent", lambda: all_sent(dirs, server, 1), 60),
                     signing.check_signed(next(iter(archived(dirs).values())),
                                          key + ".pub")))
        if open(key + ".pub").read() != first:
            raise AssertionError("the key changed across a restart")
        os.chmod(key, 0o644)
        server = SmtpServer(env.certs)
        dirs = new_dirs()
        d = dss_collectd(dss_block(server, env.certs, dirs,
                                   SigningKeyFile='"%s"' % key),
                         plugins=("write_dss",))
        try:
            status, text = start_expecting_refusal(d)
        finally:
            d.cleanup()
            server.cleanup()
            shutil.rmtree(dirs["base"], ignore_errors=True)
        if status in (None, 0) or "chmod 600" not in text:
            raise AssertionError("a key open to others: status %s, %r" %
                                 (status, text[-300:]))
    finally:
        shutil.rmtree(keys, ignore_errors=True)


BAD_OPTIONS = [
    ({"URL": '"http://mail.example"'}, "must start with smtp://"),
    ({"To": ['"Jane <jane@example.com>"']}, "not a plain mail address"),
    ({"From": '"a@b\\r\\nRCPT TO:<x@y>"'}, "From"),
    ({"Period": "0"}, "option Period"),
    ({"SendAt": '"25:00"'}, "SendAt"),
    ({"PasswordFile": '"/nonexistent/pw"'}, "/nonexistent/pw"),
    ({"CAFile": '"/nonexistent/ca.pem"'}, "/nonexistent/ca.pem"),
    ({"Frobnicate": "1"}, 'unknown option "Frobnicate"'),
    ({"To": None}, "option To is required"),
    ({"Timeout": "-1"}, "Timeout"),
    ({"ArchiveDir": '"/proc/pp-no-such-dir"'}, "ArchiveDir"),
    ({"Username": None}, "Username and PasswordFile go together"),
]


def start_expecting_refusal(d, seconds=30):
    """Starts collectd and waits, bounded, for it to give up: its exit
    status (None when it kept running) and its log."""
    d.start()
    try:
        d.process.proc.wait(seconds)
    except subprocess.TimeoutExpired:
        return None, d.log()
    return d.process.proc.returncode, d.log()


def test_bad_config_stops_startup(env):
    server = SmtpServer(env.certs)
    problems = []
    for options, message in BAD_OPTIONS:
        dirs = new_dirs()
        d = dss_collectd(dss_block(server, env.certs, dirs, **options),
                         plugins=("write_dss",))
        try:
            status, text = start_expecting_refusal(d)
            if status is None:
                problems.append("%s: collectd kept running" % options)
            elif status == 0 or message not in text or \
                    "write_dss plugin: " not in text:
                problems.append("%s: status %s, %r" % (options, status,
                                                       text[-300:]))
        finally:
            d.cleanup()
            shutil.rmtree(dirs["base"], ignore_errors=True)
    server.cleanup()
    if problems:
        raise AssertionError("; ".join(problems[:5]))


URL_SECRET = "Url-Secret-9q"


def test_url_credentials_refused(env):
    """A user and password in the URL stop start-up with a pointer to
    Username and PasswordFile; no log line shows the password, not even
    the one refusing a URL for its scheme."""
    server = SmtpServer(env.certs)
    cases = [
        ("smtp://u:%s@%s:%d/customer.example", "use the Username and "
         "PasswordFile options"),
        ("smtps://u:%s@%s:%d", "use the Username and PasswordFile options"),
        ("http://u:%s@%s:%d", "must start with smtp://"),
    ]
    problems = []
    for pattern, message in cases:
        url = pattern % (URL_SECRET, HOST, server.port)
        dirs = new_dirs()
        d = dss_collectd(dss_block(server, env.certs, dirs,
                                   URL='"%s"' % url, Username=None,
                                   PasswordFile=None),
                         plugins=("write_dss",))
        try:
            status, text = start_expecting_refusal(d)
            if URL_SECRET in text:
                problems.append("%s: the password is in the log" % pattern)
            if status is None:
                problems.append("%s: collectd kept running" % pattern)
            elif status == 0 or message not in text:
                problems.append("%s: status %s, %r" % (pattern, status,
                                                       text[-300:]))
        finally:
            d.cleanup()
            shutil.rmtree(dirs["base"], ignore_errors=True)
    server.cleanup()
    if problems:
        raise AssertionError("; ".join(problems))


def test_server_down_then_up(env):
    server = SmtpServer(env.certs)  # not started: nothing listens

    def scenario(d, server_, dirs):
        d.start()
        d.wait_for("2 reports queued while the server is down",
                   lambda: len(spool_ids(dirs, "queue")) >= 2, 30)
        if server.messages():
            raise AssertionError("mail arrived with the server down")
        if "not sent to" not in d.log():
            raise AssertionError("no retry warning logged")
        server.start()
        d.wait_for("all sent", lambda: all_sent(dirs, server, 3), 60)
        d.stop()
        check_exactly_once(dirs, server)

    try:
        run_case(env, {}, scenario, server=server)
    finally:
        server.cleanup()


def test_4xx_retry_schedule_survives_restart(env):
    def scenario(d, server, dirs):
        server.control(tempfail=1000)
        d.start()
        d.wait_for("a 451", lambda: any(
            c == 451 for _, c, _ in server.attempts()), 30)
        d.stop()
        states = glob.glob(os.path.join(dirs["spool"], "queue", "*.state"))
        if not states:
            raise AssertionError("no retry schedule on disk")
        schedule = {}
        for path in states:
            with open(path) as f:
                m = re.match(r"attempts=(\d+) next=(\d+) code=451", f.read())
            if not m:
                raise AssertionError("state file %s" % path)
            schedule[os.path.basename(path)[:-6]] = int(m.group(2))
        server.control(tempfail=0)
        restarted = time.time()
        d.start()
        d.wait_for("all sent", lambda: all_sent(dirs, server, 2), 60)
        d.stop()
        check_exactly_once(dirs, server)
        # After the restart no message went out before its saved next try.
        by_mid = {message_id(v): k for k, v in
                  ((k, open(glob.glob(os.path.join(
                      dirs["archive"], "*", "*", k + ".eml"))[0],
                      "rb").read()) for k in schedule)}
        for t, code, mid in server.attempts():
            rid = by_mid.get(mid)
            if rid and code == 1 and t > restarted and \
                    t < schedule[rid] - 1:
                raise AssertionError("%s retried at %.0f before %d" %
                                     (rid, t, schedule[rid]))

    run_case(env, {"RetryInterval": "6", "RetryMaxInterval": "6"}, scenario)


def test_5xx_kept_in_failed_not_retried(env):
    def scenario(d, server, dirs):
        server.control(permfail=1)
        d.start()
        d.wait_for("a refused report", lambda: spool_ids(dirs, "failed"), 30)
        refused_id = spool_ids(dirs, "failed")[0]
        d.wait_for("later reports sent", lambda: all_sent(dirs, server, 3),
                   60)
        time.sleep(3)  # time for a wrong retry to show
        d.stop()
        with open(os.path.join(dirs["spool"], "failed",
                               refused_id + ".eml"), "rb") as f:
            mid = message_id(f.read())
        tries = [c for _, c, m in server.attempts() if m == mid and c != 1]
        if tries != [554]:
            raise AssertionError("refused report answered %r" % tries)
        reason = open(os.path.join(dirs["spool"], "failed",
                                   refused_id + ".reason")).read()
        if "554" not in reason:
            raise AssertionError("reason %r" % reason)
        if "REFUSED" not in d.log() or refused_id not in d.log():
            raise AssertionError("refusal not logged clearly")
        index = open(os.path.join(dirs["archive"], "index.html")).read()
        if "failed" not in index:
            raise AssertionError("index does not show the failure")
        check_exactly_once(dirs, server, failed={mid})

    run_case(env, {}, scenario)


def test_second_instance_refused(env):
    """Two collectd daemons given one SpoolDir (a copied configuration):
    the second refuses to start, naming the lock file and the first by its
    PID; the first goes on and each report arrives once. One sharing only
    the ArchiveDir is refused alike."""
    def second_instance(server, dirs, shared, first_pid, problems):
        own = new_dirs()
        other = dict(own, **{shared: dirs[shared]})
        second = dss_collectd(dss_block(server, env.certs, other), env.feed,
                              plugins=("write_dss",))
        lock = os.path.join(dirs[shared], shared + ".lock")
        try:
            second.start()
            try:
                second.process.proc.wait(15)
            except subprocess.TimeoutExpired:
                problems.append("a second collectd sharing the %s ran on" %
                                shared)
                return
            text = second.log()
            want = "%s is held by process %d" % (lock, first_pid)
            if second.process.proc.returncode == 0 or want not in text:
                problems.append("sharing the %s: status %s, log %r" % (
                    shared, second.process.proc.returncode, text[-400:]))
        finally:
            second.cleanup()
            shutil.rmtree(own["base"], ignore_errors=True)

    def scenario(d, server, dirs):
        d.start()
        d.wait_for("a report sent", lambda: all_sent(dirs, server, 1), 30)
        problems = []
        for shared in ("spool", "archive"):
            second_instance(server, dirs, shared, d.process.proc.pid,
                            problems)
        made = len(archived(dirs))
        d.wait_for("two more reports sent",
                   lambda: all_sent(dirs, server, made + 2), 40)
        d.stop()
        try:
            check_exactly_once(dirs, server)
        except AssertionError as e:
            problems.append(str(e))
        if problems:
            raise AssertionError("; ".join(problems))

    run_case(env, {}, scenario)


def csv_lines(d):
    n = 0
    for path in glob.glob(os.path.join(d.csv_dir, "*", "*", "*")):
        with open(path) as f:
            n += sum(1 for _ in f)
    return n


def test_slow_server_and_timeouts(env):
    def scenario(d, server, dirs):
        # Answers later than DataTimeout: write_dss gives up and closes the
        # connection, the server keeps nothing, the report is retried.
        server.control(delay=4)
        d.start()
        d.wait_for("a timed-out try", lambda: any(
            c == 0 for _, c, _ in server.attempts()), 40)
        # Slow but within DataTimeout; meanwhile collectd goes on: reports
        # are made every period and csv keeps writing.
        server.control(delay=1.5)
        made = len(archived(dirs))
        lines = csv_lines(d)
        time.sleep(6)
        if len(archived(dirs)) < made + 2:
            raise AssertionError("reports stopped while the server was slow")
        if csv_lines(d) < lines + 4:
            raise AssertionError("collectd's writes stalled")
        if "no printer data came" in d.log():
            raise AssertionError("the write path was blocked")
        server.control(delay=0)
        d.wait_for("all sent", lambda: all_sent(dirs, server, 4), 60)
        d.stop()
        check_exactly_once(dirs, server)

    run_case(env, {"DataTimeout": "2"}, scenario)


def test_kill9_while_sending(env):
    def scenario(d, server, dirs):
        server.control(delay=3)
        for _ in range(3):
            seen = len(server.attempts())
            d.start()
            d.wait_for("a message in flight", lambda: any(
                c == 1 for _, c, _ in server.attempts()[seen:]), 40)
            time.sleep(0.5)
            d.kill9()
        server.control(delay=0)
        d.start()
        d.wait_for("all sent", lambda: all_sent(dirs, server, 3), 60)
        d.stop()
        arch = check_exactly_once(dirs, server)
        gone = [a for a in server.attempts() if a[1] == 0]
        if len(gone) < 3:
            raise AssertionError("the kills did not land in flight: %r" %
                                 server.attempts())
        if len(arch) < 3:
            raise AssertionError("only %d reports" % len(arch))

    run_case(env, {"Timeout": "20"}, scenario)


def fill(path):
    """Writes zeros until the file system is full."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def test_disk_full(env):
    mount_dir = tempfile.mkdtemp(prefix="pp-dss-tmpfs-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
                    mount_dir], check=True)
    try:
        dirs = new_dirs(mount_dir)

        def scenario(d, server, dirs_):
            d.start()
            d.wait_for("a first report sent", lambda: all_sent(dirs, server,
                                                               1), 30)
            filler = os.path.join(mount_dir, "filler")
            fill(filler)
            before = set(archived(dirs))
            d.wait_for("the disk-full error", lambda: "No space left" in
                       d.log(), 30)
            time.sleep(4)  # more periods: more reports held in memory
            # Never a half-written file where a reader looks.
            for mid, data in archived(dirs).items():
                if not data.rstrip().endswith(b"--"):
                    raise AssertionError("partial archive file %s" % mid)
            for path in glob.glob(os.path.join(dirs["spool"], "*", "*.eml")):
                with open(path, "rb") as f:
                    if not f.read().rstrip().endswith(b"--"):
                        raise AssertionError("partial spool file " + path)
            os.unlink(filler)
            d.wait_for("reports stored and sent", lambda: all_sent(
                dirs, server, len(before) + 2), 60)
            if "stored again" not in d.log():
                raise AssertionError("recovery not logged")
            d.stop()
            check_exactly_once(dirs, server)

        run_case(env, {"RetentionCount": "50"}, scenario, dirs=dirs)
    finally:
        subprocess.run(["umount", mount_dir], check=False)
        os.rmdir(mount_dir)


def test_smtps_and_certificate_checks(env):
    server = SmtpServer(env.certs, smtps=True).start()

    def sent_over_smtps(d, server_, dirs):
        d.start()
        d.wait_for("sent over smtps", lambda: all_sent(dirs, server, 1), 30)
        d.stop()
        check_exactly_once(dirs, server)

    def unverified(d, server_, dirs):
        d.start()
        d.wait_for("a certificate failure", lambda: "not sent to" in d.log()
                   and spool_ids(dirs, "queue"), 30)
        d.stop()
        if server.messages():
            raise AssertionError("sent to a server it could not verify")
        if "CAFile" not in d.log():
            raise AssertionError("no hint at the certificate: " +
                                 d.log()[-800:])

    try:
        run_case(env, {}, sent_over_smtps, server=server)
    finally:
        server.cleanup()
    # Verification is on by default: without CAFile the test CA is unknown.
    run_case(env, {"CAFile": None}, unverified)


def test_wrong_password_then_fixed(env):
    """535 is about the session, not the report: retried (the password file
    is read again for each try), never moved to failed/."""
    password = os.path.join(env.tmp, "password-wrong")
    with open(password, "w") as f:
        f.write("not-the-password\n")
    os.chmod(password, 0o644)  # used, with a warning naming it

    def scenario(d, server, dirs):
        d.start()
        d.wait_for("a login failure", lambda: "check Username and "
                   "PasswordFile" in d.log(), 30)
        if spool_ids(dirs, "failed") or server.messages():
            raise AssertionError("a login failure moved or sent a report")
        with open(password, "w") as f:
            f.write(PASSWORD + "\n")
        d.wait_for("all sent", lambda: all_sent(dirs, server, 2), 60)
        d.stop()
        if "not-the-password" in d.log() or PASSWORD in d.log():
            raise AssertionError("a password was logged")
        if "secret file %s is open to its group or others" % password \
                not in d.log():
            raise AssertionError("no warning about the password file's mode")
        check_exactly_once(dirs, server)

    run_case(env, {"PasswordFile": '"%s"' % password}, scenario)


def printer_section(env, silent_port=None, epson=False):
    """<Plugin printer> polling the alerts fixture, a printer that never
    answers when silent_port is given, and the Epson with a job name."""
    blocks = """  <Printer "lobby">
    Address "%s:%d"
    Version 2
    Community "quirk_alerts"
    Timeout 1
    Retries 1
  </Printer>
""" % (HOST, env.sim.port)
    if epson:
        blocks += """  <Printer "epson">
    Address "%s:%d"
    Community "%s"
  </Printer>
""" % (HOST, env.sim.port, EPSON_FIXTURE)
    if silent_port is not None:
        blocks += """  <Printer "gone">
    Address "%s:%d"
    Version 2
    Community "public"
    Timeout 0.2
    Retries 0
  </Printer>
""" % (HOST, silent_port)
    return "LoadPlugin printer\n<Plugin printer>\n%s</Plugin>\n" % blocks


def test_with_printer_plugin(env):
    if not os.path.exists(PRINTER_SO):
        print("skip: %s is not built" % PRINTER_SO)
        return
    server = SmtpServer(env.certs).start()
    dirs = new_dirs()
    body = printer_section(env, epson=True) + dss_block(server, env.certs,
                                                         dirs)
    d = dss_collectd(body, plugins=("write_dss", "printer"))
    try:
        d.start()
        # the first period may close before both printers answered
        d.wait_for("two reports from the printer plugin",
                   lambda: all_sent(dirs, server, 2), 60)
        d.stop()
        arch = check_exactly_once(dirs, server)
        _, text, files = parts(arch[max(arch)])
        report = json.loads(files["report.json"])
        serials = sorted(p["serial"] for p in report["printers"])
        if serials != ["S4RK009911", "XRX0000120"]:
            raise AssertionError("report serials %r" % serials)
        # the Epson job name: not in the mails, the archive or the log
        seen = [d.log()]
        for path in glob.glob(os.path.join(dirs["archive"], "**", "*"),
                              recursive=True):
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    seen.append(f.read().decode("utf-8", "replace"))
        for data in arch.values():  # attachments are base64: decode them
            _, body_text, attached = parts(data)
            seen.append(body_text or "")
            seen += [v if isinstance(v, str) else v.decode("utf-8", "replace")
                     for v in attached.values()]
        leaked = [p for p in PRIVATE if any(p in t for t in seen)]
        if leaked:
            raise AssertionError("%s reached the mail path" % leaked)
    finally:
        d.cleanup()
        server.cleanup()
        shutil.rmtree(dirs["base"], ignore_errors=True)


def last_reading_report(dirs):
    """The newest archived report's summary, JSON and counters.csv."""
    arch = archived(dirs)
    if not arch:
        return None
    newest = max(arch.values(), key=lambda data: parts(data)[0]["Date"].datetime)
    _, text, files = parts(newest)
    return text, json.loads(files["report.json"]), files["counters.csv"]


def silent_with_last_reading(dirs):
    got = last_reading_report(dirs)
    if got is None:
        return False
    printers = got[1]["printers"]
    return any(not p["reachable"] for p in printers)


def test_last_reading_of_a_silent_printer(env):
    """A printer read in one period and silent in the next is billed with
    its last reading and that reading's time, never dropped (values of the
    vendor_canon fixture)."""
    if not os.path.exists(PRINTER_SO):
        print("skip: %s is not built" % PRINTER_SO)
        return
    sim = PPSim(FIXTURES)
    server = SmtpServer(env.certs).start()
    dirs = new_dirs()
    body = ("LoadPlugin printer\n<Plugin printer>\n  <Printer \"canon\">\n"
            "    Address \"%s:%d\"\n    Community \"vendor_canon\"\n"
            "    Timeout 0.2\n    Retries 0\n  </Printer>\n</Plugin>\n"
            % (HOST, sim.port)) + dss_block(server, env.certs, dirs)
    d = dss_collectd(body, plugins=("write_dss", "printer"))
    try:
        sim.wait("vendor_canon")
        d.start()
        d.wait_for("a report with the printer's reading",
                   lambda: all_sent(dirs, server, 1) and
                   last_reading_report(dirs) is not None, 60)
        sim.stop()  # the printer goes silent
        d.wait_for("a report of the silent printer",
                   lambda: silent_with_last_reading(dirs), 60)
        d.stop()
        text, report, counters = last_reading_report(dirs)
        p = [x for x in report["printers"] if not x["reachable"]][0]
        c = p["counters"]
        problems = []
        if (c.get("total"), c.get("mono"), c.get("colour"), c.get("scan")) != \
                (70000, 50000, 20000, 9000):
            problems.append("counters of the silent printer: %r" % c)
        if not re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
                        c.get("read_at") or ""):
            problems.append("read_at %r" % c.get("read_at"))
        if p.get("serial") != "CNN0000160":
            problems.append("serial %r" % p.get("serial"))
        if "(last reading: no answer since)" not in text or \
                "mono 50000, colour 20000" not in text:
            problems.append("summary: %r" % text[-800:])
        row = '"mono",50000,"impressions","%s"' % c.get("read_at")
        if row.encode() not in counters:
            problems.append("counters.csv lacks %s" % row)
        if problems:
            raise AssertionError("; ".join(problems))
    finally:
        d.cleanup()
        server.cleanup()
        sim.stop()
        shutil.rmtree(dirs["base"], ignore_errors=True)


def test_valgrind_no_leak(env):
    """write_dss and the printer plugin in a collectd under valgrind: reports
    made, archived, refused once (554), retried once (451) and mailed, then
    SIGTERM, every report signed. No memory error, nothing definitely or
    indirectly lost (only
    net-snmp's one-time set-up is suppressed, see harness.VALGRIND_SUPP)."""
    if not os.path.exists(PRINTER_SO):
        print("skip: %s is not built" % PRINTER_SO)
        return
    server = SmtpServer(env.certs).start()
    dirs = new_dirs()
    vg = Valgrind(kinds="definite,indirect")
    # Signed: the key is made and used under valgrind too.
    body = printer_section(env, silent_port()) + dss_block(
        server, env.certs, dirs,
        SigningKeyFile='"%s"' % os.path.join(dirs["base"], "site.key"))
    d = dss_collectd(body, plugins=("write_dss", "printer"),
                     valgrind=vg.argv)
    try:
        server.control(permfail=1, tempfail=1)
        d.start()
        d.wait_for("a refused report", lambda: spool_ids(dirs, "failed"),
                   120)
        d.wait_for("a 451", lambda: any(
            c == 451 for _, c, _ in server.attempts()), 120)
        d.wait_for("two reports mailed", lambda: len(server.messages()) >= 2
                   and all_sent(dirs, server, 3), 120)
        status, _ = d.stop(timeout=60)
        problem = vg.problems(status)
        if problem:
            raise AssertionError(problem)
        for data in check_exactly_once(dirs, server,
                                       failed=refused(dirs)).values():
            signing.check_signed(data, os.path.join(dirs["base"],
                                                    "site.key.pub"))
    finally:
        d.cleanup()
        server.cleanup()
        vg.cleanup()
        shutil.rmtree(dirs["base"], ignore_errors=True)


def main():
    for path in (WRITE_DSS_SO,):
        if not os.path.exists(path):
            print("%s is not built: run make all" % path)
            return 1
    runner = Runner("write_dss")
    env = Env()
    try:
        tests = [test_delivery_archive_privacy, test_reports_signed,
                 test_bad_config_stops_startup,
                 test_url_credentials_refused,
                 test_server_down_then_up,
                 test_4xx_retry_schedule_survives_restart,
                 test_5xx_kept_in_failed_not_retried,
                 test_second_instance_refused,
                 test_slow_server_and_timeouts, test_kill9_while_sending,
                 test_disk_full, test_smtps_and_certificate_checks,
                 test_wrong_password_then_fixed, test_with_printer_plugin,
                 test_last_reading_of_a_silent_printer,
                 test_valgrind_no_leak]
        only = sys.argv[1:]
        for t in tests:
            if only and t.__name__ not in only:
                continue
            if t is test_disk_full:
                runner.run_as_root("mount a full file system", t.__name__,
                                   t, env)
            else:
                runner.run(t.__name__, t, env)
    finally:
        env.cleanup()
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
