#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The checks as a NOC runs them: a real nagios4 and a real icinga2 daemon
schedule check_printer_* against printers snmpsim simulates (and one that
is switched off), with the example configurations of contrib/ loaded as a
site would load them. Checks are forced through each daemon's own
interface (Nagios's external command file, Icinga 2's REST API), and
states, output and performance data are read back from what the daemons
keep (status.dat, the API's objects, their perfdata files and logs).

Each daemon runs in a folder of its own, on loopback only, and is stopped
by its PID."""

import base64
import json
import os
import pwd
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import harness
from harness import (AS_ROOT, FIXTURES, HOST, Runner, Snmpsim, binary,
                     free_port, silent_port)
from test_nagios import TIMEPERIOD_24X7

NAGIOS_CFG = os.path.join(harness.ROOT, "contrib", "nagios", "printprobe.cfg")
ICINGA_CONF = os.path.join(harness.ROOT, "contrib", "icinga2",
                           "printprobe.conf")
NAGIOS_STATES = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}
# Printers of the test: (host name, recording or None for switched off).
PRINTERS = [("printer-ok", "quirk_ok_colour_laser"),
            ("printer-jam", "quirk_alerts"),
            ("printer-unknown-levels", "quirk_levels_special"),
            ("printer-trays", "quirk_trays"),
            ("printer-off", None)]
SERVICES = ["status", "supplies", "pages", "trays"]
# What each check must say of each printer that answers.
EXPECTED = {
    ("printer-ok", "status"): 0,
    ("printer-ok", "supplies"): 0,
    ("printer-ok", "pages"): 0,
    ("printer-jam", "status"): 2,
    ("printer-jam", "supplies"): 2,  # black toner at 9 %
    ("printer-unknown-levels", "supplies"): 0,
    ("printer-trays", "trays"): 2,
}
DEADLINE_S = 90


def printer_dirs(tmp):
    """A community file per printer, readable by the daemon's user."""
    folder = os.path.join(tmp, "communities")
    os.makedirs(folder)
    paths = {}
    for name, recording in PRINTERS:
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            f.write((recording or "public") + "\n")
        os.chmod(path, 0o600)
        paths[name] = path
    return paths


CHECKS = ("check_printer_status", "check_printer_supplies",
          "check_printer_pages", "check_printer_trays")


def copy_checks(tmp):
    """The checks of the build under test, in the daemon's own folder: the
    daemon's user may not be able to reach the build tree (a clone in a
    home directory)."""
    folder = os.path.join(tmp, "plugins")
    os.makedirs(folder)
    for name in CHECKS:
        shutil.copy(binary(name), os.path.join(folder, name))
    return folder


def group_of(user):
    import grp
    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name


def chown_to_daemon(tmp, user):
    if AS_ROOT:
        subprocess.run(["chown", "-R", "%s:%s" % (user, user), tmp],
                       check=True)


def stop(proc, name):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
        raise AssertionError("%s did not stop on SIGTERM" % name)


def wait_until(what, predicate, seconds=DEADLINE_S):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("timed out waiting for " + what)


# --- Nagios 4 ------------------------------------------------------------

NAGIOS_OBJECTS = TIMEPERIOD_24X7 + """
define command {
    command_name notify-by-file
    command_line /bin/sh -c 'echo "$NOTIFICATIONTYPE$,$HOSTNAME$,$SERVICEDESC$,$HOSTSTATE$,$SERVICESTATE$" >> %(tmp)s/notifications.log'
}
define contact {
    contact_name                  noc
    host_notification_period      24x7
    service_notification_period   24x7
    host_notification_options     d,u,r
    service_notification_options  w,u,c,r
    host_notification_commands    notify-by-file
    service_notification_commands notify-by-file
}
"""

NAGIOS_HOST = """
define host {
    use                       printprobe-printer
    host_name                 %(name)s
    address                   127.0.0.1
    _PRINTER_PORT             %(port)d
    _PRINTER_COMMUNITY_FILE   %(community)s
    _PRINTER_TIMEOUT          5
    _PRINTER_RETRIES          1
    max_check_attempts        1
    check_period              24x7
    notification_period       24x7
    notification_interval     0
    contacts                  noc
}
"""

NAGIOS_SERVICE = """
define service {
    use                       printprobe-%(service)s
    host_name                 %(name)s
    service_description       Printer %(service)s
    max_check_attempts        1
    check_interval            60
    retry_interval            60
    check_period              24x7
    notification_period       24x7
    notification_interval     0
    contacts                  noc
}
"""


def nagios_main(tmp, user):
    lines = ["log_file=%s/nagios.log" % tmp,
             "cfg_file=%s/printprobe.cfg" % tmp,
             "cfg_file=%s/objects.cfg" % tmp,
             "resource_file=%s/resource.cfg" % tmp,
             "status_file=%s/status.dat" % tmp,
             "status_update_interval=1",
             "lock_file=%s/nagios.lock" % tmp,
             "temp_file=%s/nagios.tmp" % tmp,
             "temp_path=%s" % tmp,
             "object_cache_file=%s/objects.cache" % tmp,
             "precached_object_file=%s/objects.precache" % tmp,
             "state_retention_file=%s/retention.dat" % tmp,
             "retain_state_information=0",
             "command_file=%s/nagios.cmd" % tmp,
             "check_external_commands=1",
             "command_check_interval=-1",
             "check_result_path=%s/results" % tmp,
             "check_result_reaper_frequency=1",
             "max_check_result_reaper_time=2",
             "service_check_timeout=60",
             "host_check_timeout=60",
             "enable_notifications=1",
             "process_performance_data=1",
             "service_perfdata_file=%s/service-perfdata" % tmp,
             "service_perfdata_file_template="
             "$HOSTNAME$\\t$SERVICEDESC$\\t$SERVICESTATE$\\t$SERVICEPERFDATA$",
             "service_perfdata_file_mode=a",
             "nagios_user=%s" % user, "nagios_group=%s" % group_of(user),
             "illegal_macro_output_chars=`~$&|'\"<>"]
    return "\n".join(lines) + "\n"


def nagios_objects(tmp, sim_port, off_port, communities):
    text = NAGIOS_OBJECTS % {"tmp": tmp}
    for name, recording in PRINTERS:
        text += NAGIOS_HOST % {"name": name,
                               "port": sim_port if recording else off_port,
                               "community": communities[name]}
        for service in SERVICES:
            text += NAGIOS_SERVICE % {"name": name, "service": service}
    return text


def parse_status_dat(path):
    """servicestatus and hoststatus blocks of status.dat as dicts."""
    blocks = []
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        return blocks
    for kind, body in re.findall(r"(\w+) \{\n(.*?)\n\t\}", text, re.S):
        fields = {}
        for line in body.split("\n"):
            key, _, value = line.strip().partition("=")
            fields[key] = value
        fields["_kind"] = kind
        blocks.append(fields)
    return blocks


class Nagios:
    def __init__(self, sim_port, off_port):
        self.tmp = tempfile.mkdtemp(prefix="pp-nagios-daemon-")
        os.chmod(self.tmp, 0o755)
        self.user = "nagios" if AS_ROOT else pwd.getpwuid(os.getuid()).pw_name
        os.makedirs(os.path.join(self.tmp, "results"))
        communities = printer_dirs(self.tmp)
        shutil.copy(NAGIOS_CFG, os.path.join(self.tmp, "printprobe.cfg"))
        with open(os.path.join(self.tmp, "objects.cfg"), "w") as f:
            f.write(nagios_objects(self.tmp, sim_port, off_port, communities))
        with open(os.path.join(self.tmp, "resource.cfg"), "w") as f:
            # Our checks of the build under test, where $USER1$ points.
            f.write("$USER1$=%s\n" % copy_checks(self.tmp))
        self.main = os.path.join(self.tmp, "main.cfg")
        with open(self.main, "w") as f:
            f.write(nagios_main(self.tmp, self.user))
        self.fix_state_file_path()
        chown_to_daemon(self.tmp, self.user)
        self.proc = None

    def fix_state_file_path(self):
        """The pages command keeps its state under /var/lib/nagios4, as a
        site's would; the test keeps it in its folder."""
        path = os.path.join(self.tmp, "printprobe.cfg")
        with open(path) as f:
            text = f.read()
        text = text.replace("/var/lib/nagios4/", self.tmp + "/")
        with open(path, "w") as f:
            f.write(text)

    def start(self):
        self.proc = subprocess.Popen(
            ["nagios4", self.main], stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.tmp, "stderr.log"), "w"))
        wait_until("nagios4's command file", lambda: os.path.exists(
            os.path.join(self.tmp, "nagios.cmd")) or self.proc.poll() is not
            None, 60)
        if self.proc.poll() is not None:
            raise AssertionError("nagios4 exited: " + self.log()[-2000:])

    def command(self, text):
        now = int(time.time())
        with open(os.path.join(self.tmp, "nagios.cmd"), "w") as f:
            f.write("[%d] %s\n" % (now, text.replace("$NOW", str(now))))

    def force_hosts(self):
        for name, _ in PRINTERS:
            self.command("SCHEDULE_FORCED_HOST_CHECK;%s;$NOW" % name)

    def force_services(self):
        for name, _ in PRINTERS:
            for service in SERVICES:
                self.command("SCHEDULE_FORCED_SVC_CHECK;%s;Printer %s;$NOW" %
                             (name, service))

    def status(self):
        return parse_status_dat(os.path.join(self.tmp, "status.dat"))

    def log(self):
        try:
            with open(os.path.join(self.tmp, "nagios.log"),
                      errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def read(self, name):
        try:
            with open(os.path.join(self.tmp, name), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self):
        stop(self.proc, "nagios4")

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def checked_services(blocks, since):
    return {(b["host_name"], b["service_description"][len("Printer "):]): b
            for b in blocks if b["_kind"] == "servicestatus" and
            int(b.get("last_check", "0")) >= since}


def checked_hosts(blocks, since):
    return {b["host_name"]: b for b in blocks if b["_kind"] == "hoststatus"
            and int(b.get("last_check", "0")) >= since}


def nagios_daemon(sim_port):
    """Every check scheduled by nagios4 itself; states and perfdata read
    back from status.dat and the perfdata file; a switched-off printer is
    one host problem, its services are silent."""
    off_port = silent_port()
    nagios = Nagios(sim_port, off_port)
    problems = []
    try:
        nagios.start()
        since = int(time.time()) - 1
        # The hosts first, as their regular checks would have it: a
        # service of a host known DOWN notifies nobody.
        nagios.force_hosts()
        hosts = wait_until("every host check", lambda: (
            lambda got: got if len(got) == len(PRINTERS) else None)(
                checked_hosts(nagios.status(), since)))
        nagios.force_services()
        every = [(n, s) for n, _ in PRINTERS for s in SERVICES]
        services = wait_until("every service check", lambda: (
            lambda got: got if all(k in got for k in every) else None)(
                checked_services(nagios.status(), since)))
        for key, want in EXPECTED.items():
            got = int(services[key]["current_state"])
            if got != want:
                problems.append("%s %s: %s, wanted %s (%s)" % (
                    key[0], key[1], NAGIOS_STATES[got], NAGIOS_STATES[want],
                    services[key]["plugin_output"]))
        for name, recording in PRINTERS:
            want = "0" if recording else "1"  # UP / DOWN
            if hosts[name]["current_state"] != want:
                problems.append("host %s: state %s, wanted %s (%s)" % (
                    name, hosts[name]["current_state"], want,
                    hosts[name]["plugin_output"]))
        for key, block in services.items():
            if ";" in block["plugin_output"]:
                problems.append("%s: ';' in the output" % (key,))
            if re.search(r"=U[;\s]|=U$", block.get("performance_data", "")):
                problems.append("%s: U in the perfdata" % (key,))
        # Nagios's own perfdata processing has the checks' perfdata.
        perf = nagios.read("service-perfdata")
        if "printer-ok\tPrinter supplies\tOK\t'black'=78%" not in perf:
            problems.append("service perfdata file lacks the supplies: %r" %
                            perf[:500])
        if "'tray_1'=80%" not in perf:
            problems.append("service perfdata file lacks the trays")
        # The switched-off printer: one host notification, no service one
        # (Nagios leaves $SERVICEDESC$ unexpanded, "$", for a host).
        time.sleep(3)
        notes = nagios.read("notifications.log").splitlines()
        off = [n.split(",") for n in notes if ",printer-off," in n]
        host_only = [f for f in off if f[2] in ("", "$")]
        if len(host_only) != 1 or host_only[0][:2] != ["PROBLEM",
                                                       "printer-off"] or \
                host_only[0][3] != "DOWN" or len(off) != 1:
            problems.append("printer-off notifications: %r" % off)
        if not any(n.startswith("PROBLEM,printer-jam,Printer status,")
                   for n in notes):
            problems.append("no notification for the jam: %r" % notes)
    finally:
        nagios.stop()
        log = nagios.log()
        nagios.cleanup()
    if problems:
        raise AssertionError("; ".join(problems) + "\nnagios.log tail:\n" +
                             log[-1500:])


# --- Icinga 2 -------------------------------------------------------------

NODE = "pp-test"
API_USER = "pp-test-api"

ICINGA_MAIN = """
const PluginDir = "%(plugins)s"
const NodeName = "%(node)s"
include <itl>
include <plugins>
include "%(printprobe)s"
object IcingaApplication "app" { }
object CheckerComponent "checker" { }
object FileLogger "main-log" {
  path = "%(tmp)s/log/icinga2.log"
  severity = "notice"
}
object Endpoint NodeName { }
object Zone "master" { endpoints = [ NodeName ] }
object ApiListener "api" {
  bind_host = "127.0.0.1"
  bind_port = %(api_port)d
}
object ApiUser "%(api_user)s" {
  password = "%(api_password)s"
  permissions = [ "*" ]
}
object GraphiteWriter "graphite" {
  host = "127.0.0.1"
  port = %(graphite_port)d
}
object PerfdataWriter "perfdata" {
  service_perfdata_path = "%(tmp)s/perf/service-perfdata"
  service_temp_path = "%(tmp)s/perf/service-perfdata.tmp"
  host_perfdata_path = "%(tmp)s/perf/host-perfdata"
  host_temp_path = "%(tmp)s/perf/host-perfdata.tmp"
  rotation_interval = 1s
}
"""

# Hosts carry the ITL's snmp_* vars as a site's would; printer-override
# shows that printer_* wins (its snmp_community names a healthy recording,
# its printer_community the jammed one).
ICINGA_HOST = """
object Host "%(name)s" {
  check_command = "printer_host"
  address = "127.0.0.1"
  max_check_attempts = 1
  check_interval = 1h
  vars.snmp_port = "%(port)d"
  vars.snmp_community = "%(community)s"
  vars.snmp_timeout = "5"
  vars.snmp_retries = "1"
  vars.printprobe = true
  %(extra)s
}
"""

ICINGA_SERVICES = """
apply Service "status" {
  check_command = "printer_status"
  max_check_attempts = 1
  check_interval = 1h
  assign where host.vars.printprobe
}
apply Service "supplies" {
  check_command = "printer_supplies"
  max_check_attempts = 1
  check_interval = 1h
  assign where host.vars.printprobe
}
apply Service "trays" {
  check_command = "printer_trays"
  max_check_attempts = 1
  check_interval = 1h
  assign where host.vars.printprobe
}
apply Service "supply-" for (supply in host.vars.printer_supplies) {
  check_command = "printer_supplies"
  max_check_attempts = 1
  check_interval = 1h
  vars.printer_supplies_name = supply
  assign where host.vars.printer_supplies
}
"""

ICINGA_PRINTERS = [
    ("printer-ok", "quirk_ok_colour_laser",
     'vars.printer_supplies = [ "black", "cyan", "waste_toner" ]'),
    ("printer-override", "quirk_ok_colour_laser",
     'vars.printer_community = "quirk_alerts"'),
    ("printer-unknown-levels", "quirk_levels_special", ""),
    ("printer-trays", "quirk_trays", ""),
    ("printer-off", None, ""),
]
ICINGA_EXPECTED = {
    ("printer-ok", "status"): 0,
    ("printer-ok", "supplies"): 0,
    ("printer-ok", "supply-black"): 0,
    ("printer-ok", "supply-waste_toner"): 0,
    ("printer-override", "status"): 2,
    ("printer-unknown-levels", "supplies"): 0,
    ("printer-trays", "trays"): 2,
}


def make_api_certs(certs):
    """A CA and the node's certificate, as `icinga2 pki` would make them."""
    os.makedirs(certs)

    def run(*argv):
        subprocess.run(["openssl"] + list(argv), check=True,
                       capture_output=True, timeout=60)
    ca_key, ca = os.path.join(certs, "ca.key"), os.path.join(certs, "ca.crt")
    key = os.path.join(certs, NODE + ".key")
    csr = os.path.join(certs, NODE + ".csr")
    crt = os.path.join(certs, NODE + ".crt")
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key,
        "-out", ca, "-days", "2", "-subj", "/CN=pp-test-ca")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
        "-subj", "/CN=" + NODE)
    ext = os.path.join(certs, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:%s,IP:127.0.0.1\n" % NODE)
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
        "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext)
    return ca


class Icinga:
    def __init__(self, sim_port, off_port):
        self.tmp = tempfile.mkdtemp(prefix="pp-icinga-daemon-")
        os.chmod(self.tmp, 0o755)
        for sub in ("log", "perf", "cache", "run", "spool"):
            os.makedirs(os.path.join(self.tmp, sub))
        self.ca = make_api_certs(os.path.join(self.tmp, "data", "certs"))
        # A writer that parses perfdata (Icinga 2's own parser says what it
        # refuses), received by a sink of ours.
        self.graphite = LineSink()
        self.port = free_port_tcp()
        self.password = base64.b16encode(os.urandom(12)).decode()
        text = ICINGA_MAIN % {
            "plugins": copy_checks(self.tmp),
            "node": NODE, "printprobe": ICINGA_CONF, "tmp": self.tmp,
            "api_port": self.port, "api_user": API_USER,
            "api_password": self.password,
            "graphite_port": self.graphite.port}
        for name, recording, extra in ICINGA_PRINTERS:
            text += ICINGA_HOST % {
                "name": name, "port": sim_port if recording else off_port,
                "community": recording or "public", "extra": extra}
        text += ICINGA_SERVICES
        self.main = os.path.join(self.tmp, "icinga2.conf")
        with open(self.main, "w") as f:
            f.write(text)
        self.user = "nagios" if AS_ROOT else None
        chown_to_daemon(self.tmp, "nagios")
        self.proc = None

    def argv(self):
        paths = {"DataDir": "data", "LogDir": "log", "CacheDir": "cache",
                 "SpoolDir": "spool", "InitRunDir": "run"}
        argv = ["icinga2", "daemon", "-c", self.main]
        argv += ["-DConfiguration.%s=%s/%s" % (k, self.tmp, v)
                 for k, v in paths.items()]
        argv += ["-DConfiguration.ObjectsPath=%s/cache/objects" % self.tmp,
                 "-DConfiguration.VarsPath=%s/cache/vars" % self.tmp,
                 "-DConfiguration.StatePath=%s/data/state" % self.tmp,
                 "-DConfiguration.PidPath=%s/run/icinga2.pid" % self.tmp,
                 "-DConfiguration.ModAttrPath=%s/data/modified-attributes.conf"
                 % self.tmp]
        return argv

    def start(self):
        env = dict(os.environ)
        if AS_ROOT:
            env["ICINGA2_USER"] = env["ICINGA2_GROUP"] = "nagios"
        else:
            import grp
            env["ICINGA2_USER"] = pwd.getpwuid(os.getuid()).pw_name
            env["ICINGA2_GROUP"] = grp.getgrgid(os.getgid()).gr_name
        self.proc = subprocess.Popen(
            self.argv(), env=env, stdout=open(os.path.join(
                self.tmp, "stdout.log"), "w"), stderr=subprocess.STDOUT)
        wait_until("the Icinga 2 API", lambda: self.api_up() or
                   self.proc.poll() is not None, 90)
        if self.proc.poll() is not None:
            raise AssertionError("icinga2 exited: " + self.read(
                "stdout.log")[-2000:])

    def request(self, path, body=None):
        context = ssl.create_default_context(cafile=self.ca)
        context.check_hostname = False
        auth = base64.b64encode(("%s:%s" % (API_USER, self.password))
                                .encode()).decode()
        req = urllib.request.Request(
            "https://127.0.0.1:%d%s" % (self.port, path),
            data=None if body is None else json.dumps(body).encode(),
            method="GET" if body is None else "POST",
            headers={"Accept": "application/json",
                     "Authorization": "Basic " + auth})
        try:
            with urllib.request.urlopen(req, context=context,
                                        timeout=10) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise AssertionError("Icinga 2 API %s: %s %s" % (
                path, e.code, e.read()[:500])) from None

    def api_up(self):
        try:
            self.request("/v1/status/IcingaApplication")
            return True
        except Exception:
            return False

    def reschedule(self, kind):
        return self.request("/v1/actions/reschedule-check",
                            {"type": kind, "filter": "true", "force": True})

    def results(self, kind, since):
        attrs = "attrs=name&attrs=state&attrs=last_check_result" + (
            "&attrs=host_name" if kind == "Service" else "")
        got = self.request("/v1/objects/%ss?%s" % (kind.lower(), attrs))
        out = {}
        for obj in got["results"]:
            a = obj["attrs"]
            cr = a.get("last_check_result")
            if not cr or cr.get("execution_end", 0) < since:
                continue
            key = (a["host_name"], a["name"]) if kind == "Service" else \
                a["name"]
            out[key] = dict(cr, object_state=a["state"])
        return out

    def count(self, kind):
        return len(self.request("/v1/objects/%s?attrs=name" % kind)["results"])

    def read(self, name):
        try:
            with open(os.path.join(self.tmp, name), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def perfdata(self):
        text = ""
        folder = os.path.join(self.tmp, "perf")
        for name in sorted(os.listdir(folder)):
            if name.startswith("service-perfdata"):
                with open(os.path.join(folder, name), errors="replace") as f:
                    text += f.read()
        return text

    def stop(self):
        stop(self.proc, "icinga2")
        self.graphite.stop()

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


class LineSink:
    """A TCP listener on loopback that keeps what it is sent (Graphite's
    plaintext protocol), until stop()."""

    def __init__(self):
        import socket
        import threading
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((HOST, 0))
        self.sock.listen(4)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.data = b""
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        import socket
        conns = []
        while self.running:
            try:
                conn, _ = self.sock.accept()
                conn.settimeout(0.2)
                conns.append(conn)
            except socket.timeout:
                pass
            for conn in conns:
                try:
                    chunk = conn.recv(65536)
                    if chunk and len(self.data) < 1 << 22:
                        self.data += chunk
                except socket.timeout:
                    pass
                except OSError:
                    pass
        for conn in conns:
            conn.close()

    def stop(self):
        self.running = False
        self.thread.join(10)
        self.sock.close()


def free_port_tcp():
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def icinga_daemon(sim_port):
    """Icinga 2 schedules the checks with the ITL's snmp_* vars (printer_*
    winning), one service per supply from an apply-for rule, a host check
    that makes a switched-off printer DOWN; results read from the REST API,
    its perfdata writer and its log, which has no perfdata warning."""
    icinga = Icinga(sim_port, silent_port())
    problems = []
    try:
        icinga.start()
        since = time.time() - 1
        icinga.reschedule("Host")
        hosts = wait_until("every host check", lambda: (
            lambda got: got if len(got) == len(ICINGA_PRINTERS) else None)(
                icinga.results("Host", since)))
        icinga.reschedule("Service")
        services = wait_until("every service check", lambda: (
            lambda got: got if all(k in got for k in ICINGA_EXPECTED) and
            len(got) == icinga.count("services") else None)(
                icinga.results("Service", since)))
        for key, want in ICINGA_EXPECTED.items():
            got = int(services[key]["state"])
            if got != want:
                problems.append("%s %s: %s, wanted %s (%s)" % (
                    key[0], key[1], NAGIOS_STATES[got], NAGIOS_STATES[want],
                    services[key]["output"]))
        for name, recording, _ in ICINGA_PRINTERS:
            want = 0 if recording else 1  # UP / DOWN
            if int(hosts[name]["object_state"]) != want:
                problems.append("host %s: %s (%s)" % (
                    name, hosts[name]["state"], hosts[name]["output"]))
        black = services[("printer-ok", "supply-black")]
        if black["performance_data"] != ["'black'=78%;20:;10:;0;100"] and \
                black["performance_data"] != ["black=78%;20:;10:;0;100"]:
            problems.append("supply-black perfdata: %r" %
                            black["performance_data"])
        try:
            wait_until("the perfdata writer's file", lambda: "black=78%" in
                       icinga.perfdata().replace("'", ""), 30)
        except AssertionError:
            problems.append("perfdata writer: %r %r" % (
                os.listdir(os.path.join(icinga.tmp, "perf")),
                icinga.perfdata()[:600]))
        try:
            wait_until("perfdata at the Graphite writer", lambda:
                       b".perfdata.black.value 78" in icinga.graphite.data, 30)
        except AssertionError as e:
            problems.append(str(e))
        log = icinga.read("log/icinga2.log")
        for bad in ("invalid perfdata", "Can't convert",
                    "is not defined"):
            if bad in log:
                problems.append("icinga2 log: %s" % [
                    l for l in log.splitlines() if bad in l][:3])
    finally:
        icinga.stop()
        log = icinga.read("log/icinga2.log")
        icinga.cleanup()
    if problems:
        raise AssertionError("; ".join(problems) + "\nicinga2.log tail:\n" +
                             log[-1500:])


def main():
    runner = Runner("daemons")
    fixtures = [os.path.join(FIXTURES, r + ".snmprec")
                for _, r in PRINTERS if r]
    sim = Snmpsim(fixtures)
    try:
        sim.wait(PRINTERS[0][1])
        runner.run("nagios4", nagios_daemon, sim.port)
        runner.run("icinga2", icinga_daemon, sim.port)
    finally:
        sim.stop()
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
