#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The collectd plugin `printer` (build/rel/printer.so) in a real collectd
5.12 (Debian's collectd-core) against simulated printers on 127.0.0.1.

Each daemon gets a temporary PluginDir holding copies of the stock plugins
it needs and of ours (collectd refuses symlinks there: "is not a regular
file"), csv and logfile output in a temporary folder, and a short Interval.

Meta data and notifications are observed with a test-only writer for the
stock python plugin (python.so ships in collectd-core): its write callback
gets every value list with its meta data as a dict, its notification
callback every notification. csv writes no meta data, and write_log's JSON
is cut at collectd's 1024-byte log line, too short for printprobe:report.

The release build is used: an ASan .so cannot be loaded into a daemon
built without ASan."""

import glob
import json
import os
import re
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import harness
from harness import (COLLECTD, corpus_recordings, FIXTURES, HOST, OUR_PLUGINS, PPSim,
                     Runner, Snmpsim, V3_AUTH, V3_PRIV, Valgrind, free_port,
                     silent_port, snmpsim_v3, write_secret)

PRINTER_SO = OUR_PLUGINS["printer"]
INTERVAL = 2  # harness.Collectd's default

PY_WRITER = r'''
"""Test-only collectd python writer: value lists with meta data and
notifications, one JSON object per line."""
import json
import collectd

OUT = {"path": None}


def config(conf):
    for child in conf.children:
        if child.key == "File":
            OUT["path"] = child.values[0]


def append(record):
    with open(OUT["path"], "a") as f:
        f.write(json.dumps(record) + "\n")


def write(vl, data=None):
    if vl.plugin != "printer":
        return
    append({"kind": "value", "host": vl.host, "plugin": vl.plugin,
            "plugin_instance": vl.plugin_instance, "type": vl.type,
            "type_instance": vl.type_instance, "time": vl.time,
            "values": list(vl.values), "meta": dict(vl.meta or {})})


def notification(n, data=None):
    append({"kind": "notification", "severity": n.severity, "host": n.host,
            "plugin": n.plugin, "plugin_instance": n.plugin_instance,
            "type": n.type, "type_instance": n.type_instance,
            "message": n.message, "meta": dict(getattr(n, "meta", {}) or {})})


collectd.register_config(config)
collectd.register_write(write)
collectd.register_notification(notification)
'''

SEVERITY = {1: "FAILURE", 2: "WARNING", 4: "OKAY"}


class Collectd(harness.Collectd):
    """harness.Collectd with, when asked, the test-only python writer; its
    events() are what the writer saw."""

    def __init__(self, body, plugins, python_writer=False, **kw):
        if python_writer:
            kw["python"] = ("ppwriter", PY_WRITER,
                            {"File": "{dir}/events.jsonl"})
        super().__init__(body, plugins, **kw)
        self.events_path = os.path.join(self.dir, "events.jsonl")

    def events(self):
        if not os.path.exists(self.events_path):
            return []
        with open(self.events_path) as f:
            return [json.loads(line) for line in f if line.strip()]


def printer_block(name, port, community, extra=""):
    return """  <Printer "%s">
    Address "%s:%d"
    Version 2
    Community "%s"
    Timeout 0.5
    Retries 1
%s  </Printer>
""" % (name, HOST, port, community, extra)


def plugin_section(blocks):
    return "LoadPlugin printer\n<Plugin printer>\n%s</Plugin>\n" % blocks


def last_value(d, host, name, plugin=None):
    """The last csv value; a <Printer>'s series are in printer-<its name>."""
    plugin = plugin or "printer-" + host
    rows = d.csv(host, plugin, name)
    if not rows:
        raise AssertionError("no csv values for %s/%s/%s (have %s)" %
                             (host, plugin, name,
                              sorted(d.csv_names(host, plugin))))
    return rows[-1][1][0]


def expect_equal(problems, what, want, got):
    if want != got:
        problems.append("%s: wanted %r, got %r" % (what, want, got))


# --- one daemon, many printers: values, notifications, meta data ---

FIXTURES_USED = ["quirk_ok_colour_laser", "quirk_levels_special",
                 "quirk_alerts", "quirk_asleep", "quirk_errorstate_1byte",
                 "epson_forbidden_subtree", "quirk_trays"]
# Planted in fixtures: a job name in Epson's status record, a contact.
PRIVATE = ("JOBNAME-SECRET-4711", "Jane Doe", "jane@example.com",
           "secret-owner-name")
CORPUS_USED = ["jetdirect_m880", "brother_hl5370dw", "sharp"]


def start_snmpsim(ports=None):
    files = [os.path.join(FIXTURES, n + ".snmprec") for n in FIXTURES_USED]
    files += corpus_recordings(CORPUS_USED)
    sim = Snmpsim(files, ports=ports)
    sim.wait(FIXTURES_USED[0])
    return sim


def main_config(port, port2, silent_port):
    blocks = printer_block("ref", port, "quirk_ok_colour_laser")
    blocks += printer_block("refall", port, "quirk_ok_colour_laser",
                            "    IdentityOnEveryValue true\n")
    blocks += printer_block("levels", port, "quirk_levels_special")
    blocks += printer_block("jam", port, "quirk_alerts")
    blocks += printer_block("sleepy", port, "quirk_asleep")
    blocks += printer_block("door", port, "quirk_errorstate_1byte")
    blocks += printer_block("epson", port, "epson_forbidden_subtree")
    blocks += printer_block("brother", port, "brother_hl5370dw")
    blocks += printer_block("trays", port, "quirk_trays")
    blocks += printer_block("notrays", port, "quirk_trays",
                            "    CollectTrays false\n")
    blocks += printer_block("sharp", port, "sharp")
    blocks += printer_block("gone", silent_port, "public",
                            "    Timeout 0.2\n    Retries 0\n")
    # Two printers with one sysName: the fleet keeps their series apart.
    blocks += """  <Fleet "hp">
    Address "%s:%d" "%s:%d"
    Community "jetdirect_m880"
    HostnameFrom name
    Timeout 0.5
  </Fleet>
""" % (HOST, port, HOST, port2)
    return plugin_section(blocks)


def check_supplies(d, problems):
    want = {"black": 78, "cyan": 64, "magenta": 55, "yellow": 47,
            "waste_toner": 85, "transfer_unit": 91}
    for colour, percent in want.items():
        expect_equal(problems, "ref percent-" + colour, percent,
                     last_value(d, "ref", "percent-" + colour))
    # Unknown levels (-1, -2, -3, no max) make no series at all, not 0.
    names = d.csv_names("levels", "printer-levels")
    percent = sorted(n for n in names if n.startswith("percent-"))
    expect_equal(problems, "levels: percent series", ["percent-waste_toner"],
                 percent)
    expect_equal(problems, "levels waste toner", 75,
                 last_value(d, "levels", "percent-waste_toner"))
    expect_equal(problems, "brother pages", True,
                 "derive-pages_total" in d.csv_names("brother", "printer-brother"))


def check_trays(d, problems):
    """percent-tray-<name> for every tray and bin with a known percentage,
    named as the scan and the checks name them; -3, -2 and a tray pulled
    out make no series (never 0); CollectTrays false sends none, and the
    supplies keep their own names."""
    want = {"tray_1": 80, "tray_2": 0, "tray_3": 3, "multi_purpose_tray": 0,
            "face_down_bin": 0, "finisher": 90}
    names = d.csv_names("trays", "printer-trays")
    got = sorted(n for n in names if n.startswith("percent-tray-"))
    expect_equal(problems, "trays: tray series",
                 sorted("percent-tray-" + n for n in want), got)
    for name, percent in want.items():
        expect_equal(problems, "trays percent-tray-" + name, percent,
                     last_value(d, "trays", "percent-tray-" + name))
    expect_equal(problems, "trays: supplies beside the trays",
                 ["percent-black", "percent-cyan", "percent-magenta",
                  "percent-yellow"],
                 sorted(n for n in names if n.startswith("percent-") and
                        not n.startswith("percent-tray-")))
    off = d.csv_names("notrays", "printer-notrays")
    expect_equal(problems, "CollectTrays false: tray series",
                 [], [n for n in off if n.startswith("percent-tray-")])
    expect_equal(problems, "CollectTrays false keeps the supplies", True,
                 "percent-black" in off)
    # A real Brother: its MP tray is empty (0), tray 1 at -3 sends nothing.
    brother = d.csv_names("brother", "printer-brother")
    expect_equal(problems, "brother tray series", ["percent-tray-mp_tray"],
                 sorted(n for n in brother if n.startswith("percent-tray-")))


def check_meters(d, problems):
    """One derive-pages_<meter> per meter the printer reports (values read
    off the sharp recording), none for a meter it does not report."""
    want = {"mono": 91164, "colour": 29940, "print_colour": 28583,
            "copy_mono": 37485, "scan": 13534, "duplex": 41020}
    for meter, value in want.items():
        expect_equal(problems, "sharp pages_" + meter, value,
                     last_value(d, "sharp", "derive-pages_" + meter))
    names = d.csv_names("sharp", "printer-sharp")
    expect_equal(problems, "sharp: no fax series", False,
                 "derive-pages_fax" in names)
    brother = [n for n in d.csv_names("brother", "printer-brother")
               if n.startswith("derive-pages_")]
    expect_equal(problems, "brother page series",
                 ["derive-pages_power_on", "derive-pages_total"],
                 sorted(brother))


def check_counters_and_status(d, problems):
    expect_equal(problems, "ref pages", 48213,
                 last_value(d, "ref", "derive-pages_total"))
    expect_equal(problems, "ref printer status (idle)", 3,
                 last_value(d, "ref", "gauge-printer_status"))
    expect_equal(problems, "ref device status (running)", 2,
                 last_value(d, "ref", "gauge-device_status"))
    expect_equal(problems, "ref errors", 0, last_value(d, "ref",
                                                       "gauge-errors"))
    expect_equal(problems, "ref reachable", 1, last_value(d, "ref",
                                                          "gauge-reachable"))
    expect_equal(problems, "jam errors", 1, last_value(d, "jam",
                                                       "gauge-errors"))
    expect_equal(problems, "jam critical alerts", 1,
                 last_value(d, "jam", "gauge-alerts_critical"))
    expect_equal(problems, "door errors (doorOpen, jammed)", 2,
                 last_value(d, "door", "gauge-errors"))
    expect_equal(problems, "sleepy asleep", 1,
                 last_value(d, "sleepy", "gauge-asleep"))
    duration = last_value(d, "ref", "duration-poll")
    if not 0 < duration < INTERVAL:
        problems.append("ref poll duration %r" % duration)
    gone = d.csv("gone", "printer-gone", "gauge-reachable")
    if len(gone) < 2 or any(v[0] != 0 for _, v in gone):
        problems.append("gone: reachable rows %r" % gone)
    extra = [n for n in d.csv_names("gone", "printer-gone")
             if n not in ("gauge-reachable", "duration-poll")]
    expect_equal(problems, "gone: series besides reachability", [], extra)


def check_fleet_hosts(d, problems):
    hosts = [h for h in os.listdir(d.csv_dir) if "jetdirect" in h.lower() or
             h.startswith("_private_") or "private" in h]
    if len(hosts) != 2:
        problems.append("fleet hosts %r (all: %r)" % (hosts,
                                                      os.listdir(d.csv_dir)))
        return
    for host in hosts:
        names = d.csv_names(host, "printer-hp")
        for want in ("percent-black", "percent-opc_black", "gauge-reachable"):
            if want not in names:
                problems.append("%s: no %s in %s" % (host, want,
                                                     sorted(names)))


def notifications(d, host=None):
    return [e for e in d.events() if e["kind"] == "notification" and
            e["plugin"] == "printer" and (host is None or e["host"] == host)]


def check_notifications(d, problems, polls):
    jam = notifications(d, "jam")
    if len(jam) != 1 or SEVERITY[jam[0]["severity"]] != "FAILURE":
        problems.append("jam: wanted one FAILURE in %d polls, got %r" %
                        (polls, jam))
    elif not ("jammed" in jam[0]["message"] and
              "Paper jam in tray 2" in jam[0]["message"] and
              "Black toner low" in jam[0]["message"]):
        problems.append("jam: message %r" % jam[0]["message"])
    elif "Sleep mode" in jam[0]["message"]:
        problems.append("jam: an 'other' alert in the message")
    gone = notifications(d, "gone")
    if len(gone) != 1 or SEVERITY[gone[0]["severity"]] != "WARNING" or \
            "not reachable" not in gone[0]["message"]:
        problems.append("gone: wanted one WARNING, got %r" % gone)
    door = notifications(d, "door")
    if len(door) != 1 or SEVERITY[door[0]["severity"]] != "FAILURE" or \
            "doorOpen" not in door[0]["message"]:
        problems.append("door: %r" % door)
    for quiet in ("ref", "sleepy", "levels"):
        if notifications(d, quiet):
            problems.append("%s: unexpected %r" % (quiet,
                                                   notifications(d, quiet)))
    log = d.log()
    if log.count("Notification: severity = FAILURE, host = jam") != 1:
        problems.append("logfile: jam FAILURE not logged exactly once")
    complaints = log.count("printer plugin: gone/%s" % HOST)
    if complaints < 1 or complaints >= polls:
        problems.append("gone logged %d times in %d polls (c_complain)" %
                        (complaints, polls))


IDENTITY_META = (("printprobe:address", None),  # the address polled
                 ("printprobe:model", "HP Color LaserJet Enterprise M555dn"),
                 ("printprobe:serial", "TESTSN0150"),
                 ("printprobe:mac", "00:00:5e:00:53:32"))


def check_identity_meta(d, problems):
    """The identity rides on gauge-reachable only, unless the block asks
    for it on every value (collectd copies meta data into its write queue
    for every value: ~1.2 KiB each)."""
    for host, every in (("ref", False), ("refall", True)):
        values = [e for e in d.events() if e["kind"] == "value" and
                  e["host"] == host]
        reach = [e for e in values if e["type_instance"] == "reachable"]
        black = [e for e in values if e["type_instance"] == "black"]
        if not reach or not black:
            problems.append("python writer saw no %s values" % host)
            continue
        address = reach[-1]["meta"].get("printprobe:address", "")
        if not address.startswith(HOST + ":"):
            problems.append("%s meta address %r" % (host, address))
        for key, want in IDENTITY_META:
            want = address if key == "printprobe:address" else want
            expect_equal(problems, "%s reachable meta %s" % (host, key), want,
                         reach[-1]["meta"].get(key))
            expect_equal(problems, "%s black meta %s" % (host, key),
                         want if every else None, black[-1]["meta"].get(key))


def check_meta(d, problems):
    check_identity_meta(d, problems)
    values = [e for e in d.events() if e["kind"] == "value" and
              e["host"] == "ref"]
    reach = [e for e in values if e["type_instance"] == "reachable"]
    black = [e for e in values if e["type_instance"] == "black"]
    if not reach or not black:
        return
    meta = black[-1]["meta"]
    if "printprobe:report" in meta:
        problems.append("the report travels on every value list")
    report = reach[-1]["meta"].get("printprobe:report")
    if report is None:
        problems.append("no printprobe:report on the reachability value")
        return
    printer = json.loads(report)
    expect_equal(problems, "report serial", "TESTSN0150", printer["serial"])
    expect_equal(problems, "report supplies", 6, len(printer["supplies"]))
    for secret in ("Jane Doe", "jane@example.com", "secret-owner-name"):
        if secret in report:
            problems.append("report leaks %r" % secret)
    gone = [e for e in d.events() if e["kind"] == "value" and
            e["host"] == "gone" and e["type_instance"] == "reachable"]
    if not gone or json.loads(gone[-1]["meta"]["printprobe:report"])[
            "reachable"] is not False:
        problems.append("gone: report meta %r" % (gone[-1:]))


def check_nothing_private(d, problems):
    """No planted private string in any value's meta data, notification,
    log line or csv file of the daemon."""
    texts = [d.log()]
    with open(d.events_path) as f:
        texts.append(f.read())
    for root, _, files in os.walk(d.csv_dir):
        for name in files:
            with open(os.path.join(root, name), errors="replace") as f:
                texts.append(f.read())
    epson = [e for e in d.events() if e.get("host") == "epson"]
    if not epson:
        problems.append("no values from the Epson printer")
    for secret in PRIVATE:
        if any(secret in t for t in texts):
            problems.append("%r reached collectd's output" % secret)


def check_main():
    silent = silent_port()
    port2 = free_port()
    sim = start_snmpsim([free_port(), port2])
    d = None
    try:
        d = Collectd(main_config(sim.port, port2, silent), ["printer"],
                     python_writer=True).start()
        polls = 4
        d.wait_for("%d polls of every printer" % polls,
                   lambda: min(len(d.csv(h, "printer-" + h, "gauge-reachable"))
                               for h in ("ref", "jam", "gone")) >= polls,
                   60)
        problems = []
        for check in (check_supplies, check_trays, check_meters,
                      check_counters_and_status,
                      check_fleet_hosts, check_meta, check_nothing_private):
            try:
                check(d, problems)
            except AssertionError as e:
                problems.append(str(e))
        check_notifications(d, problems, polls)
        status, took = d.stop()
        if status != 0 or took > 10:
            problems.append("stop: status %d after %.1f s" % (status, took))
        if "Exiting normally" not in d.log():
            problems.append("no clean exit in the log")
        if problems:
            raise AssertionError("; ".join(problems[:10]))
    finally:
        if d is not None:
            d.cleanup()
        sim.stop()


# --- a page counter that goes backwards (board swap) ---

def lowered_counter_recording(path, total):
    out = []
    with open(path) as f:
        for line in f:
            if line.startswith("1.3.6.1.2.1.43.10.2.1.4.1.1|"):
                tag = line.split("|")[1]
                line = "1.3.6.1.2.1.43.10.2.1.4.1.1|%s|%d\n" % (tag, total)
            out.append(line)
    return "".join(out)


def check_bulk_limit_remembered():
    """A printer that drops the bigger GETBULK asked once 128 values came
    back in full: the first poll finds it out (a request lost, one short
    timeout), later polls start at 128 and ask nothing it drops."""
    sim = PPSim(FIXTURES)
    d = None
    try:
        sim.wait("quirk_getbulk_grown_dropped")
        d = Collectd(plugin_section(printer_block(
            "small", sim.port, "quirk_getbulk_grown_dropped")),
            ["printer"], python_writer=True).start()

        def reachable():
            return [e["values"][0] for e in d.events()
                    if e["kind"] == "value" and e["host"] == "small" and
                    e["type_instance"] == "reachable"]
        d.wait_for("three polls", lambda: len(reachable()) >= 3, 40)
        # The printer's requests, poll by poll (each starts with its GET).
        polls = []
        for fields in sim.requests():
            if fields[2] != "quirk_getbulk_grown_dropped":
                continue
            if fields[3] == "get":
                polls.append([])
            if polls:
                polls[-1].append(fields[3])
        # (the harness's GET that waited for the responder is no poll)
        sizes = [len(p) for p in polls if "getbulk" in p][:3]
        if (len(sizes) < 3 or reachable()[:3] != [1.0, 1.0, 1.0] or
                any(n >= sizes[0] for n in sizes[1:])):
            raise AssertionError("requests per poll %r, reachable %r" %
                                 (sizes, reachable()))
    finally:
        if d is not None:
            d.stop()
        sim.stop()


def check_counter_backwards():
    tmp = tempfile.mkdtemp(prefix="pp-counter-")
    src = os.path.join(FIXTURES, "quirk_ok_colour_laser.snmprec")
    high = os.path.join(tmp, "high", "swap.snmprec")
    low = os.path.join(tmp, "low", "swap.snmprec")
    for path, total in ((high, 48213), (low, 120)):
        os.makedirs(os.path.dirname(path))
        with open(path, "w") as f:
            f.write(lowered_counter_recording(src, total))
    port = free_port()
    sim = Snmpsim([high], ports=[port])
    d = None
    try:
        sim.wait("swap")
        # csv stores rates here: what a graph of pages per second shows
        d = Collectd(plugin_section(printer_block("swap", port, "swap")),
                     ["printer"], python_writer=True,
                     store_rates=True).start()

        def totals():
            return [e["values"][0] for e in d.events()
                    if e["kind"] == "value" and e["host"] == "swap" and
                    e["type_instance"] == "pages_total"]
        d.wait_for("two polls", lambda: len(totals()) >= 2, 30)
        sim.stop()
        sim = Snmpsim([low], ports=[port])  # the board swap
        sim.wait("swap")
        d.wait_for("three polls after the swap",
                   lambda: totals().count(120) >= 3, 40)
        problems = []
        warnings = [n for n in notifications(d, "swap")
                    if "went back from 48213 to 120" in n["message"]]
        if len(warnings) != 1 or SEVERITY[warnings[0]["severity"]] != \
                "WARNING":
            problems.append("wanted one WARNING, got %r" %
                            notifications(d, "swap"))
        if "page counter went back" not in d.log():
            problems.append("the decrease is not in the log")
        # DERIVE's minimum 0 (types.db): the step back is no rate at all,
        # neither negative nor a wrap-around's huge one.
        rates = [v[0] for _, v in d.csv("swap", "printer-swap",
                                        "derive-pages_total")]
        finite = [r for r in rates if r == r]
        if any(r < 0 or r > 1000 for r in finite) or len(finite) < 2:
            problems.append("pages rates %r" % rates)
        if problems:
            raise AssertionError("; ".join(problems))
    finally:
        if d is not None:
            d.cleanup()
        sim.stop()
        shutil.rmtree(tmp, ignore_errors=True)


# --- a broken configuration stops start-up and says why ---

BROKEN = [
    ('Version 4', 'Version "4"'),
    ('Bogus "x"', 'unknown option "Bogus"'),
    ('Interval -1', 'Interval -1'),
    ('Timeout 0', 'Timeout "0"'),
    ('HostnameFrom "name"', 'HostnameFrom'),
    ('CollectSupplies "perhaps"', 'CollectSupplies "perhaps"'),
    ('CommunityFile "/nonexistent/community"', '/nonexistent/community'),
]


def broken_config(option, address='"127.0.0.1:1"'):
    return plugin_section('  <Printer "lobby">\n    Address %s\n    %s\n'
                          '  </Printer>\n' % (address, option))


def run_broken(conf_body, flag):
    d = Collectd(conf_body, ["printer", "load"], name="broken")
    r = subprocess.run([COLLECTD, flag, "-C", d.conf_path] if flag else
                       [COLLECTD, "-f", "-C", d.conf_path],
                       capture_output=True, text=True, timeout=30)
    text = r.stdout + r.stderr + d.log()
    shutil.rmtree(d.dir, ignore_errors=True)
    return r.returncode, text


def check_broken_configs():
    problems = []
    cases = [(broken_config(o), m) for o, m in BROKEN]
    cases.append((broken_config('Version 2', '"10.0.0.0/33"'),
                  'Address "10.0.0.0/33"'))
    cases.append((plugin_section('  <Fleet "f">\n    Address "127.0.0.1"\n'
                                 '    HostnameFrom "colour"\n  </Fleet>\n'),
                  'HostnameFrom "colour"'))
    # collectd's writers refuse a path component starting with a dot.
    for name in ("..", ".", ".hidden"):
        cases.append((plugin_section('  <Printer "%s">\n    Address '
                                     '"127.0.0.1:1"\n  </Printer>\n' % name),
                      '<Printer "%s">: the name must be' % name))
    for body, message in cases:
        # A real start ("-f") and collectd's read test ("-T") both fail.
        for flag in (None, "-T"):
            status, text = run_broken(body, flag)
            if status == 0 or message not in text or \
                    "printer plugin: <" not in text:
                problems.append("%s %r: status %d, %r" % (
                    flag or "-f", message, status, text[-400:]))
    # collectd 5.12's "-t" reads no configuration at all and exits 0
    # (collectd/collectd#3216, fixed after 5.12): when it does read it, it
    # must fail too.
    status, text = run_broken(cases[0][0], "-t")
    if text.strip() and (status == 0 or 'Version "4"' not in text):
        problems.append("-t: status %d, %r" % (status, text[-400:]))
    if problems:
        raise AssertionError("; ".join(problems[:6]))


# --- no leak: the daemon under valgrind, stopped with SIGTERM ---

def check_valgrind():
    sim = start_snmpsim()
    silent = silent_port()
    vg = Valgrind()
    d = None
    try:
        blocks = printer_block("ref", sim.port, "quirk_ok_colour_laser")
        blocks += printer_block("jam", sim.port, "quirk_alerts")
        blocks += printer_block("gone", silent, "public",
                                "    Timeout 0.2\n    Retries 0\n")
        d = Collectd(plugin_section(blocks), ["printer"],
                     valgrind=vg.argv).start()
        d.wait_for("three polls under valgrind", lambda: min(
            len(d.csv(h, "printer-" + h, "gauge-reachable"))
            for h in ("ref", "jam", "gone")) >= 3, 120)
        status, took = d.stop(timeout=60)
        problem = vg.problems(status)
        if problem:
            raise AssertionError(problem)
    finally:
        if d is not None:
            d.cleanup()
        sim.stop()
        vg.cleanup()


# --- two daemons: one polls and forwards, one receives (encrypted) ---

def check_two_daemons():
    sim = start_snmpsim()
    net_port = free_port()
    central = edge = None
    auth = tempfile.NamedTemporaryFile("w", suffix=".auth", delete=False)
    auth.write("edge1: s3cret-for-tests\n")
    auth.close()
    try:
        central = Collectd("""LoadPlugin network
<Plugin network>
  <Listen "%s" "%d">
    SecurityLevel Encrypt
    AuthFile "%s"
  </Listen>
</Plugin>
""" % (HOST, net_port, auth.name), ["network"], name="central").start()
        central.wait_for("the central daemon", lambda: "Initialization "
                         "complete" in central.log(), 20)
        edge = Collectd(plugin_section(printer_block(
            "ref", sim.port, "quirk_ok_colour_laser")) + """LoadPlugin network
<Plugin network>
  <Server "%s" "%d">
    SecurityLevel Encrypt
    Username "edge1"
    Password "s3cret-for-tests"
  </Server>
</Plugin>
""" % (HOST, net_port), ["printer", "network"], name="edge").start()
        central.wait_for("printer values at the central daemon",
                         lambda: central.csv("ref", "printer-ref",
                                             "percent-cyan"), 40)
        problems = []
        expect_equal(problems, "central: cyan", 64,
                     last_value(central, "ref", "percent-cyan"))
        expect_equal(problems, "central: pages", 48213,
                     last_value(central, "ref", "derive-pages_total"))
        if re.search(r"network plugin.*(fail|error)", central.log(), re.I):
            problems.append("central log: %s" % central.log()[-1000:])
        if problems:
            raise AssertionError("; ".join(problems))
    finally:
        for d in (edge, central):
            if d is not None:
                d.cleanup()
        sim.stop()
        os.unlink(auth.name)


# --- 1000 printers, 10 % silent, one 60 s interval, load keeps going ---

FLEET = int(os.environ.get("PP_FLEET_SIZE", "1000"))
DEAD_EVERY = 10


class Forwarder:
    """One UDP port per printer on 127.0.0.1, all answered by one ppsim: a
    fleet needs distinct addresses, a responder serves few. Every tenth
    port never answers (a printer switched off). Runs in a thread; every
    socket is closed by stop()."""

    def __init__(self, target_port, count):
        self.sel = selectors.DefaultSelector()
        self.sockets = []
        self.ports = []
        self.live = []
        for i in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((HOST, 0))
            s.setblocking(False)
            self.sockets.append(s)
            self.ports.append(s.getsockname()[1])
            dead = i % DEAD_EVERY == DEAD_EVERY - 1
            self.live.append(not dead)
            if dead:
                continue  # bound, never read: silence
            up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            up.connect((HOST, target_port))
            up.setblocking(False)
            self.sockets.append(up)
            pair = {"front": s, "up": up, "client": None}
            self.sel.register(s, selectors.EVENT_READ, ("front", pair))
            self.sel.register(up, selectors.EVENT_READ, ("up", pair))
        self.running = True
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while self.running:
            for key, _ in self.sel.select(timeout=0.2):
                side, pair = key.data
                try:
                    if side == "front":
                        data, addr = pair["front"].recvfrom(65535)
                        pair["client"] = addr
                        pair["up"].send(data)
                    else:
                        data = pair["up"].recv(65535)
                        if pair["client"] is not None:
                            pair["front"].sendto(data, pair["client"])
                except (BlockingIOError, ConnectionRefusedError):
                    pass

    def stop(self):
        self.running = False
        self.thread.join(5)
        self.sel.close()
        for s in self.sockets:
            s.close()


V3_BLOCKS = 60
V3_SILENT = 10


def v3_blocks(addresses, auth, priv):
    return "".join("""  <Printer "v3-%02d">
    Address "%s"
    Version 3
    Username "monitor"
    AuthProtocol "SHA"
    AuthPassphraseFile "%s"
    PrivacyProtocol "AES"
    PrivacyPassphraseFile "%s"
    Context "quirk_ok_colour_laser"
    Timeout 1
    Retries 1
    Interval 60
  </Printer>
""" % (i, a, auth, priv) for i, a in enumerate(addresses))


def collectd_threads(d):
    with open("/proc/%d/status" % d.process.proc.pid) as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return -1


def check_v3_blocks_side_by_side():
    """60 SNMPv3 <Printer> blocks, 10 of them switched off, are polled side
    by side by the plugin's one engine: every block's result comes within
    one silent printer's timeout x tries of the first (one at a time, the
    silent ones alone took 10 x 2 s), and the daemon has as many threads as
    with one block."""
    fixture = os.path.join(FIXTURES, "quirk_ok_colour_laser.snmprec")
    sim = snmpsim_v3(fixture)
    tmp = tempfile.mkdtemp(prefix="pp-v3-")
    daemons = []
    try:
        auth = write_secret(os.path.join(tmp, "auth"), V3_AUTH)
        priv = write_secret(os.path.join(tmp, "priv"), V3_PRIV)
        live = ["%s:%d" % (HOST, sim.port)] * (V3_BLOCKS - V3_SILENT)
        silent = ["%s:%d" % (HOST, silent_port()) for _ in range(V3_SILENT)]
        addresses = live + silent
        one = Collectd(plugin_section(v3_blocks(addresses[:1], auth, priv)),
                       ["printer"], name="v3-one").start()
        daemons.append(one)
        d = Collectd(plugin_section(v3_blocks(addresses, auth, priv)),
                     ["printer"], name="v3-blocks").start()
        daemons.append(d)
        names = ["v3-%02d" % i for i in range(V3_BLOCKS)]

        def all_reported():
            return all(d.csv(n, "printer-" + n, "gauge-reachable")
                       for n in names)
        d.wait_for("every v3 block's first result", all_reported, 60)
        one.wait_for("the one block's result", lambda: one.csv(
            "v3-00", "printer-v3-00", "gauge-reachable"), 30)
        problems = []
        firsts = {n: d.csv(n, "printer-" + n, "gauge-reachable")[0]
                  for n in names}
        times = [t for t, _ in firsts.values()]
        spread = max(times) - min(times)
        # a silent printer costs timeout x tries (2 s); side by side, the
        # last result comes within that of the first (and some slack)
        if spread > 3.5:
            problems.append("results spread over %.1f s" % spread)
        wrong = [n for i, n in enumerate(names)
                 if firsts[n][1] != [1 if i < V3_BLOCKS - V3_SILENT else 0]]
        if wrong:
            problems.append("reachable wrong for %r" % wrong)
        threads, threads_one = collectd_threads(d), collectd_threads(one)
        if threads != threads_one:
            problems.append("%d threads with %d blocks, %d with one" %
                            (threads, V3_BLOCKS, threads_one))
        for text in (d.log(), one.log()):
            if V3_AUTH in text or V3_PRIV in text:
                problems.append("a passphrase appeared in the log")
        if problems:
            raise AssertionError("; ".join(problems))
    finally:
        for daemon in daemons:
            daemon.stop()
        sim.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def check_name_moves():
    """A <Printer> named in DNS: its name is looked up once per interval
    (answers kept meanwhile), and when the name moves to the printer's new
    address, the next polls go there. Nothing listens on the old address;
    the printer answers on the new one."""
    from test_resolve import DnsServer
    ppsim = PPSim(FIXTURES)
    tmp = tempfile.mkdtemp(prefix="pp-names-")
    server = DnsServer(tmp, ["moved.test A 127.0.0.2"])
    d = None
    try:
        ppsim.wait("quirk_ok_colour_laser")
        d = Collectd(plugin_section("""  <Printer "moved">
    Address "moved.test:%d"
    Community "quirk_ok_colour_laser"
    Timeout 0.5
    Retries 0
    Interval 2
  </Printer>
""" % ppsim.port), ["printer"], name="names", env=server.env()).start()

        def reachable_rows():
            return d.csv("moved", "printer-moved", "gauge-reachable")
        d.wait_for("a poll at the old address", lambda: any(
            v == [0] for _, v in reachable_rows()), 20)
        server.write_map(["moved.test A %s" % HOST])
        d.wait_for("a poll at the new address", lambda: any(
            v == [1] for _, v in reachable_rows()), 20)
        polls = len(reachable_rows())
        queries = server.queries("moved.test")
    finally:
        if d is not None:
            d.stop()
        server.stop()
        ppsim.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    # A and AAAA once per interval at most: kept for the interval, never
    # asked per try or per request.
    if queries > 2 * (polls + 1):
        raise AssertionError("%d queries for %d polls" % (queries, polls))


def check_fleet():
    ppsim = PPSim(FIXTURES)
    fwd = None
    d = None
    try:
        ppsim.wait("quirk_ok_colour_laser")
        fwd = Forwarder(ppsim.port, FLEET)
        addresses = "\n".join('    Address "%s:%d"' % (HOST, p)
                              for p in fwd.ports)
        body = plugin_section("""  <Fleet "big">
%s
    Community "quirk_ok_colour_laser"
    Timeout 2
    Retries 1
    Interval 60
  </Fleet>
""" % addresses) + "LoadPlugin load\n"
        d = Collectd(body, ["printer", "load"], name="fleet").start()
        live_hosts = ["%s:%d" % (HOST, p) for p, ok in zip(fwd.ports,
                                                           fwd.live) if ok]
        dead_hosts = ["%s:%d" % (HOST, p) for p, ok in zip(fwd.ports,
                                                           fwd.live)
                      if not ok]

        def all_reported():
            return all(os.path.isdir(os.path.join(d.csv_dir, h))
                       for h in live_hosts + dead_hosts)
        d.wait_for("every printer of the fleet", all_reported, 75)
        elapsed = time.time() - d.started
        time.sleep(1)  # the last files are being written
        problems = []
        polled = re.search(r"big: polled (\d+) printers, (\d+) answered, in "
                           r"([\d.]+) s", d.log())
        if polled is None:
            problems.append("no poll summary in the log")
        else:
            n, up, seconds = (int(polled.group(1)), int(polled.group(2)),
                              float(polled.group(3)))
            if (n, up) != (FLEET, len(live_hosts)) or seconds >= 60:
                problems.append("poll: %d printers, %d up, %.1f s" %
                                (n, up, seconds))
        bad = [h for h in live_hosts[:50] + live_hosts[-50:]
               if last_value(d, h, "gauge-reachable", "printer-big") != 1 or
               last_value(d, h, "percent-cyan", "printer-big") != 64]
        bad += [h for h in dead_hosts
                if last_value(d, h, "gauge-reachable", "printer-big") != 0]
        if bad:
            problems.append("%d printers reported wrong, first %s" %
                            (len(bad), bad[:3]))
        # collectd's own read plugins kept their interval meanwhile: load
        # values every INTERVAL from start-up until after the fleet's
        # results, with no gap while the fleet was being polled.
        reported = time.time()
        d.wait_for("load values after the fleet's", lambda: any(
            t > reported + INTERVAL for t, _ in d.csv("pp-collector", "load",
                                                      "load")), 20)
        load = [t for t, _ in d.csv("pp-collector", "load", "load")]
        gaps = [b - a for a, b in zip(load, load[1:])]
        if load[0] > d.started + 2 * INTERVAL or \
                max(gaps) > 1.5 * INTERVAL:
            problems.append("load: first value %.1f s after start, largest "
                            "gap %.1f s" % (load[0] - d.started, max(gaps)))
        status, took = d.stop()
        if status != 0:
            problems.append("stop status %d" % status)
        if problems:
            raise AssertionError("; ".join(problems))
        print("     %d printers (%d silent) reported %.1f s after start; "
              "%s" % (FLEET, len(dead_hosts), elapsed,
                      polled.group(0) if polled else ""))
    finally:
        if d is not None:
            d.cleanup()
        if fwd is not None:
            fwd.stop()
        ppsim.stop()


# --- what ships in contrib/ ---

CONTRIB = os.path.join(os.path.dirname(PRINTER_SO), "..", "..", "contrib")


def check_example_config():
    """contrib/collectd/printer.conf as collectd reads it, with its
    addresses moved to silent loopback ports and its secret files made."""
    with open(os.path.join(CONTRIB, "collectd", "printer.conf")) as f:
        text = f.read()
    tmp = tempfile.mkdtemp(prefix="pp-example-")
    try:
        def address(_):
            return 'Address "%s:%d"' % (HOST, free_port())
        text = re.sub(r'Address "192\.0\.2\.[^"]*"', address, text)

        def secret(m):
            path = os.path.join(tmp, os.path.basename(m.group(2)))
            with open(path, "w") as f:
                f.write("example-secret-1\n")
            return '%s "%s"' % (m.group(1), path)
        text = re.sub(r'(\w+File) "(/etc/collectd/[^"]+)"', secret, text)
        if "192.0.2." in text:
            raise AssertionError("an address was left: only loopback here")
        d = Collectd(text, ["printer"], name="example")
        try:
            r = subprocess.run([COLLECTD, "-T", "-C", d.conf_path],
                               capture_output=True, text=True, timeout=120)
            out = r.stdout + r.stderr + d.log()
        finally:
            shutil.rmtree(d.dir, ignore_errors=True)
        if r.returncode != 0 or "[error]" in out:
            raise AssertionError("status %d: %s" % (r.returncode,
                                                    out[-1500:]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_dot_sysname():
    """A printer whose sysName is ".." (HostnameFrom name) still has its
    values written: the host becomes "_.", which collectd's csv writer
    takes."""
    tmp = tempfile.mkdtemp(prefix="pp-dotname-")
    with open(os.path.join(FIXTURES, "quirk_ok_colour_laser.snmprec")) as f:
        # sysName and prtGeneralPrinterName
        text = f.read().replace("|4|PRN-REF-01", "|4|..")
    path = os.path.join(tmp, "dotname.snmprec")
    with open(path, "w") as f:
        f.write(text)
    sim = Snmpsim([path])
    try:
        sim.wait("dotname")
        body = plugin_section('  <Fleet "dots">\n    Address "%s:%d"\n'
                              '    Community "dotname"\n'
                              '    HostnameFrom name\n  </Fleet>\n' %
                              (HOST, sim.port))
        d = Collectd(body, ["printer"], name="dotname")
        try:
            d.start()
            d.wait_for("values of host _.", lambda: d.csv(
                "_.", "printer-dots", "gauge-reachable"), 30)
            if "Cowardly refusing" in d.log():
                raise AssertionError(d.log()[-1500:])
        finally:
            d.cleanup()
    finally:
        sim.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def check_read_test_dispatches():
    """collectd -T reads every plugin once and exits: an admin tests a
    configuration with it, so the printer's values must be written by
    then (the first read waits for the first poll)."""
    sim = start_snmpsim()
    try:
        body = plugin_section(printer_block("lobby", sim.port,
                                            "quirk_ok_colour_laser"))
        d = Collectd(body, ["printer"], name="readtest", interval=10)
        try:
            r = subprocess.run([COLLECTD, "-T", "-C", d.conf_path],
                               capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                raise AssertionError("collectd -T: status %d: %s" % (
                    r.returncode, (r.stdout + r.stderr + d.log())[-1500:]))
            reachable = last_value(d, "lobby", "gauge-reachable")
            pages = last_value(d, "lobby", "derive-pages_total")
            if reachable != 1 or pages <= 0:
                raise AssertionError("reachable %r, pages %r" %
                                     (reachable, pages))
        finally:
            d.cleanup()
    finally:
        sim.stop()


def check_readme_writers_load():
    """The writers the README and the dashboard name load from Debian's
    collectd-core with the libraries install-deps.sh installs: rrdtool
    files appear for the printer, write_prometheus serves its values."""
    sim = start_snmpsim()
    try:
        port = free_port_tcp()
        body = plugin_section(printer_block("lobby", sim.port,
                                            "quirk_ok_colour_laser"))
        d = Collectd(body, ["printer", "rrdtool", "write_prometheus"],
                     name="writers", interval=10)
        rrd_dir = os.path.join(d.dir, "rrd")
        with open(d.conf_path, "a") as f:
            f.write('LoadPlugin rrdtool\n<Plugin rrdtool>\n  DataDir "%s"\n'
                    '</Plugin>\nLoadPlugin write_prometheus\n'
                    '<Plugin write_prometheus>\n  Host "%s"\n  Port "%d"\n'
                    '</Plugin>\n' % (rrd_dir, HOST, port))
        try:
            d.start()
            d.wait_for("rrd files", lambda: glob.glob(os.path.join(
                rrd_dir, "lobby", "printer-lobby", "gauge-reachable.rrd")), 30)
            import urllib.request
            with urllib.request.urlopen("http://%s:%d/metrics" % (HOST, port),
                                        timeout=10) as resp:
                metrics = resp.read().decode()
            if 'collectd_printer_gauge{' not in metrics or \
                    'instance="lobby"' not in metrics:
                raise AssertionError("write_prometheus: %s" % metrics[:800])
            # collectd 5.12 with Debian's libmicrohttpd 0.9.75 logs one
            # harmless "[error]" about its logger option order.
            errors = [line for line in d.log().splitlines()
                      if "[error]" in line and
                      "MHD_OPTION_EXTERNAL_LOGGER" not in line]
            if errors:
                raise AssertionError("\n".join(errors[:5]))
        finally:
            d.cleanup()
    finally:
        sim.stop()


def free_port_tcp():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# The series check_main saw (csv names), as the dashboard's queries name
# them through write_prometheus: collectd_printer_<type>{type=<instance>}.
SERIES = {"gauge": {"reachable", "errors", "alerts_critical",
                    "alerts_warning", "printer_status", "device_status",
                    "asleep"},
          "derive_total": {"pages_total", "pages_power_on"},
          "percent": None, "duration_seconds": {"poll"}}


def check_dashboard():
    with open(os.path.join(CONTRIB, "grafana", "printprobe-fleet.json")) as f:
        dash = json.load(f)
    exprs = []
    for panel in dash["panels"]:
        exprs += [t["expr"] for t in panel.get("targets", [])]
    exprs += [v["definition"] for v in dash["templating"]["list"]
              if v["type"] == "query"]
    if len(exprs) < 10:
        raise AssertionError("only %d queries" % len(exprs))
    problems = []
    for expr in exprs:
        for metric, labels in re.findall(
                r"collectd_printer_(\w+?)\{([^}]*)\}", expr):
            if metric not in SERIES:
                problems.append("unknown metric %s in %s" % (metric, expr))
                continue
            for t in re.findall(r'type="(\w+)"', labels):
                if SERIES[metric] is not None and t not in SERIES[metric]:
                    problems.append("no series %s-%s" % (metric, t))
    titles = " ".join(p["title"] for p in dash["panels"]).lower()
    for want in ("supplies per printer", "pages per day",
                 "printers in error"):
        if want not in titles:
            problems.append("no panel " + want)
    if problems:
        raise AssertionError("; ".join(problems))


def main():
    if not os.path.exists(PRINTER_SO):
        print("build/rel/printer.so is missing: run make all")
        return 1
    runner = Runner("collectd")
    runner.run("values-notifications-meta", check_main)
    runner.run("counter-backwards", check_counter_backwards)
    runner.run("bulk-limit-remembered", check_bulk_limit_remembered)
    runner.run("broken-config", check_broken_configs)
    runner.run("valgrind-clean-shutdown", check_valgrind)
    runner.run("two-daemons-encrypted", check_two_daemons)
    runner.run("fleet-%d-with-10pct-dead" % FLEET, check_fleet)
    runner.run("v3-blocks-side-by-side", check_v3_blocks_side_by_side)
    runner.run("name-moves", check_name_moves)
    runner.run("contrib-example-config", check_example_config)
    runner.run("read_test_dispatches", check_read_test_dispatches)
    runner.run("dot_sysname", check_dot_sysname)
    runner.run("readme_writers_load", check_readme_writers_load)
    runner.run("contrib-grafana-dashboard", check_dashboard)
    return runner.finish()


if __name__ == "__main__":
    only = sys.argv[1:]
    if only:
        runner = Runner("collectd")
        for name in only:
            runner.run(name, globals()["check_" + name])
        sys.exit(runner.finish())
    sys.exit(main())
