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
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

import harness
from harness import (AS_ROOT, FIXTURES, HOST, Runner, Snmpsim, binary,
                     free_port, silent_port)

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

NAGIOS_OBJECTS = """
define timeperiod {
    timeperiod_name 24x7
    alias           always
    monday 00:00-24:00
    tuesday 00:00-24:00
    wednesday 00:00-24:00
    thursday 00:00-24:00
    friday 00:00-24:00
    saturday 00:00-24:00
    sunday 00:00-24:00
}
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
             "nagios_user=%s" % user, "nagios_group=%s" % user,
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
        self.user = "nagios" if AS_ROOT else os.environ.get("USER", "")
        os.makedirs(os.path.join(self.tmp, "results"))
        communities = printer_dirs(self.tmp)
        shutil.copy(NAGIOS_CFG, os.path.join(self.tmp, "printprobe.cfg"))
        with open(os.path.join(self.tmp, "objects.cfg"), "w") as f:
            f.write(nagios_objects(self.tmp, sim_port, off_port, communities))
        with open(os.path.join(self.tmp, "resource.cfg"), "w") as f:
            # Our checks of the build under test, where $USER1$ points.
            f.write("$USER1$=%s\n" % os.path.dirname(
                binary("check_printer_status")))
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


def main():
    runner = Runner("daemons")
    fixtures = [os.path.join(FIXTURES, r + ".snmprec")
                for _, r in PRINTERS if r]
    sim = Snmpsim(fixtures)
    try:
        sim.wait(PRINTERS[0][1])
        runner.run("nagios4", nagios_daemon, sim.port)
    finally:
        sim.stop()
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
