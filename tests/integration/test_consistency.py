#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every front end tells the same story about the same printer: for each
fixture snmpsim serves and each recording of the corpus, printprobe scan
--json, check_printer_status, check_printer_supplies, check_printer_pages and
check_printer_trays, the collectd plugin (a real collectd, one <Printer> block per printer, csv
values, notifications through the logfile plugin) and the fleet report that
write_dss builds in that same collectd (read from its archive: the mail
server it names is down, so the report waits in the spool) must agree on
reachability, state (ok/warning/critical), the supplies with their names and
percentages, which supplies are low, the paper trays and output bins with
their names, percentages and states, and the page counter. A failure names
the printer and the field."""

import email
import email.policy
import glob
import json
import os
import re
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from harness import (FIXTURES, HOST, Collectd, Runner, Snmpsim,
                     corpus_recordings, free_port, scan)
from test_nagios import check, target

CHECK_STATES = {0: "ok", 1: "warning", 2: "critical", 3: "unknown"}
NOTIF_STATES = {"FAILURE": "critical", "WARNING": "warning", "OKAY": "ok"}
INTERVAL = 10
# np_perf keeps at most this many items (nagios/np_util.h).
PERF_MAX_ITEMS = 64
INT64_MAX = 2 ** 63 - 1
NOTIF_RE = re.compile(r"Notification: severity = (\w+), host = ([^,]+), "
                      r".*type_instance = errors, message = (.*)$")


def uses_ppsim(path):
    with open(path) as f:
        return any(line.startswith("#ppsim:") for line in f)


def name_of(path):
    return os.path.basename(path)[:-len(".snmprec")]


def printers():
    fixtures = sorted(glob.glob(os.path.join(FIXTURES, "*.snmprec")))
    return [f for f in fixtures if not uses_ppsim(f)] + corpus_recordings()


# --- collectd -------------------------------------------------------------

def write_dss_config(folder):
    """A fleet report every few seconds to a mail server that is not there:
    write_dss archives each report before it sends it."""
    return """LoadPlugin write_dss
<Plugin write_dss>
  Period 5
  ArchiveDir "%s/archive"
  SpoolDir "%s/spool"
  URL "smtp://%s:%d"
  From "printprobe@customer.example"
  To "dss@vendor.example"
  Timeout 2
  RetryInterval 3600
</Plugin>
""" % (folder, folder, HOST, free_port())


def collectd_config(port, names, folder):
    blocks = "".join("""  <Printer "%s">
    Address "%s:%d"
    Version 2
    Community "%s"
    Timeout 1
    Retries 1
  </Printer>
""" % (n, HOST, port, n) for n in names)
    return ("LoadPlugin printer\n<Plugin printer>\n%s</Plugin>\n" % blocks +
            write_dss_config(folder))


def archived_reports(folder):
    """The report.json of every report write_dss archived, oldest first."""
    reports = []
    for path in sorted(glob.glob(os.path.join(folder, "archive", "*", "*",
                                              "*.eml"))):
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f,
                                                 policy=email.policy.default)
        for part in msg.walk():
            if part.get_filename() == "report.json":
                reports.append(json.loads(part.get_payload(decode=True)))
    return reports


def first_full_report(folder, names):
    """The first archived report that holds every printer."""
    for report in archived_reports(folder):
        if len(report["printers"]) == len(names):
            return report
    return None


def report_views(report, names, address):
    """Each printer's part of the fleet report, by collectd host name: the
    report lists printers in the order of write_dss's key, host@address
    (every printer here shares snmpsim's address)."""
    keyed = sorted(names, key=lambda n: ("%s@%s" % (n, address)).encode())
    views = {}
    for name, p in zip(keyed, report["printers"]):
        supplies = p.get("supplies") or []
        views[name] = {
            "reachable": p["reachable"],
            "state": (p.get("status") or {}).get("state"),
            "supplies": {s["name"]: s["percent"] for s in supplies
                         if s["percent"] is not None},
            "severities": [(s["name"], s["severity"]) for s in supplies],
            "trays": {t["name"]: t["percent"] for t in p.get("trays") or []
                      if t["percent"] is not None},
            "tray_severities": {t["name"]: t["severity"]
                                for t in p.get("trays") or []},
            "pages": (p.get("counters") or {}).get("total"),
        }
    return views


def first_value(d, host, name):
    rows = d.csv(host, "printer-" + host, name)
    return rows[0][1][0] if rows else None


def collectd_view(d, host, notifications):
    """What collectd said about one printer after its first poll."""
    folder = "printer-" + host
    names = d.csv_names(host, folder)
    supplies = {n[len("percent-"):]: first_value(d, host, n)
                for n in names if n.startswith("percent-")
                and not n.startswith("percent-tray-")}
    trays = {n[len("percent-tray-"):]: first_value(d, host, n)
             for n in names if n.startswith("percent-tray-")}
    state = first_value(d, host, "gauge-state")
    return {
        "reachable": first_value(d, host, "gauge-reachable") == 1,
        "state": None if state is None else ("ok", "warning",
                                             "critical")[int(state)],
        "notified": notifications.get(host, "ok"),
        "supplies": supplies,
        "trays": trays,
        "pages": first_value(d, host, "derive-pages_total"),
        "errors": first_value(d, host, "gauge-errors"),
    }


def run_collectd(port, names):
    """One daemon for all printers, stopped once each was polled and a
    fleet report holds them all, so that the checks do not share snmpsim
    with it."""
    folder = tempfile.mkdtemp(prefix="pp-consistency-")
    d = Collectd(collectd_config(port, names, folder), ["printer", "write_dss"],
                 name="consistency", interval=INTERVAL, read_threads=4)
    d.start()
    try:
        d.wait_for("every printer polled", lambda: all(
            first_value(d, n, "gauge-reachable") is not None
            for n in names), 120)
        # write_dss's first report waits two intervals, then a Period end.
        d.wait_for("a fleet report of every printer",
                   lambda: first_full_report(folder, names) is not None, 60)
    finally:
        d.stop()
    report = first_full_report(folder, names)
    shutil.rmtree(folder, ignore_errors=True)
    notifications = {}
    for line in d.log().splitlines():
        m = NOTIF_RE.search(line)
        if m:  # the first poll's condition; later ones do not come
            notifications.setdefault(m.group(2), NOTIF_STATES[m.group(1)])
    views = {n: collectd_view(d, n, notifications) for n in names}
    d.cleanup()
    address = "%s:%d" % (HOST, port)
    return views, report_views(report, names, address)


# --- scan and the checks ----------------------------------------------------

def perf_value(item):
    return int(item["value"])


def other_views(port, name):
    opts = ["-c", name, "-t", "1", "-r", "1"]
    _, report, _ = scan(["%s:%d" % (HOST, port)], *opts)
    p = report["printers"][0]
    status = check("check_printer_status", *target(port, name))
    supplies = check("check_printer_supplies", *target(port, name))
    pages = check("check_printer_pages", *target(port, name))
    trays = check("check_printer_trays", *target(port, name))
    total = (p.get("counters") or {}).get("total")
    pages_perf = [i for i in pages.perf if i["label"] == "pages"]
    return {
        "scan": {"reachable": p["reachable"],
                 "percents": [s["percent"] for s in p["supplies"]],
                 "trays": {t["name"]: t["percent"] for t in p.get("trays")
                           or [] if t["percent"] is not None},
                 "tray_severities": {t["name"]: t["severity"]
                                     for t in p.get("trays") or []},
                 "pages": total},
        "status": status,
        "supplies": supplies,
        "pages": perf_value(pages_perf[0]) if pages_perf else None,
        "trays": trays,
    }


# --- comparing ----------------------------------------------------------------

def compare_reachability(v, c, problems):
    reach = {"scan": v["scan"]["reachable"], "collectd": c["reachable"],
             "check_printer_status": "unreachable" not in v["status"].text}
    if len(set(reach.values())) != 1:
        problems.append("reachable: %r" % reach)
    return reach["scan"]


def compare_state(v, c, problems):
    status = v["status"]
    if status.rc == 3 or "incomplete" in status.text:
        return  # nothing judged, or a partial read the checks flag apart
    nagios = CHECK_STATES[status.rc]
    if c["state"] != nagios:
        problems.append("state: check_printer_status %s (%s), collectd "
                        "gauge-state %s" % (nagios, status.text, c["state"]))
    if nagios == "ok" and c["errors"]:
        problems.append("state: check_printer_status ok (%s), collectd "
                        "gauge-errors %d" % (status.text, c["errors"]))
    if c["notified"] != nagios:
        problems.append("state: check_printer_status %s, collectd "
                        "notification %s" % (nagios, c["notified"]))


def compare_supplies(v, c, problems):
    r = v["supplies"]
    if r.rc == 3:
        if c["supplies"]:
            problems.append("supplies: check UNKNOWN (%s), collectd has %s" %
                            (r.text, sorted(c["supplies"])))
        return
    # The perfdata holds the known percents only, in the printer's order.
    percents = [p for p in v["scan"]["percents"] if p is not None]
    percents = percents[:PERF_MAX_ITEMS]
    nagios = [perf_value(i) for i in r.perf]
    if nagios != percents:
        problems.append("supplies: percents scan %r, check_printer_supplies "
                        "%r" % (percents, nagios))
    known = {i["label"]: perf_value(i) for i in r.perf}
    if len(percents) >= PERF_MAX_ITEMS:
        got = {k: c["supplies"].get(k) for k in known}
    else:
        got = c["supplies"]
    if got != known:
        problems.append("supplies: check_printer_supplies %r, collectd %r" %
                        (known, got))


def compare_pages(v, c, problems):
    if (v["scan"]["pages"] or 0) > INT64_MAX:
        # DERIVE is signed: collectd leaves such a counter out (printer.c).
        if c["pages"] is not None:
            problems.append("pages: collectd has %r past DERIVE's range" %
                            c["pages"])
        if v["pages"] != v["scan"]["pages"]:
            problems.append("pages: scan %r, check_printer_pages %r" %
                            (v["scan"]["pages"], v["pages"]))
        return
    pages = {"scan": v["scan"]["pages"], "check_printer_pages": v["pages"],
             "collectd": c["pages"]}
    if len(set(pages.values())) != 1:
        problems.append("pages: %r" % pages)


# "black 12% (warning [...]): WARNING [Black Toner, toner, ...]" in the
# long output of check_printer_supplies.
SUPPLY_LINE_RE = re.compile(r"^(\S+) .*: (OK|WARNING|CRITICAL|UNKNOWN) \[")


def check_severities(result):
    out = []
    for line in result.long:
        m = SUPPLY_LINE_RE.match(line)
        if m:
            out.append((m.group(1), m.group(2).lower()))
    return out


def compare_report(v, c, r, problems):
    """The fleet report against the collectd view (which the checks and the
    scan already matched)."""
    if r["reachable"] != c["reachable"]:
        problems.append("reachable: collectd %r, report %r" %
                        (c["reachable"], r["reachable"]))
        return
    if not r["reachable"]:
        return
    status = v["status"]
    if status.rc != 3 and "incomplete" not in status.text and \
            r["state"] != CHECK_STATES[status.rc]:
        problems.append("state: check_printer_status %s, report %s" %
                        (CHECK_STATES[status.rc], r["state"]))
    if r["supplies"] != c["supplies"]:
        problems.append("supplies: collectd %r, report %r" %
                        (c["supplies"], r["supplies"]))
    checked = dict(check_severities(v["supplies"]))
    reported = dict(r["severities"])
    if v["supplies"].rc != 3 and checked != reported:
        problems.append("supply states: check_printer_supplies %r, report "
                        "%r" % (checked, reported))
    pages = r["pages"]
    if pages != v["scan"]["pages"]:
        problems.append("pages: scan %r, report %r" %
                        (v["scan"]["pages"], pages))


def compare_trays(v, c, r, problems):
    """Trays and bins: the same names, percents and states in the scan,
    check_printer_trays, collectd and the report."""
    scan_view = v["scan"]["trays"]
    result = v["trays"]
    if result.rc != 3:
        perf = {i["label"]: perf_value(i) for i in result.perf}
        if perf != scan_view:
            problems.append("trays: scan %r, check_printer_trays %r" %
                            (scan_view, perf))
        checked = dict(check_severities(result))
        if checked != v["scan"]["tray_severities"]:
            problems.append("tray states: scan %r, check_printer_trays %r" %
                            (v["scan"]["tray_severities"], checked))
    elif scan_view:
        problems.append("trays: check UNKNOWN (%s), scan has %r" %
                        (result.text, scan_view))
    if c["trays"] != scan_view:
        problems.append("trays: scan %r, collectd %r" % (scan_view,
                                                        c["trays"]))
    if r["reachable"] and (r["trays"] != scan_view or r["tray_severities"] !=
                           v["scan"]["tray_severities"]):
        problems.append("trays: scan %r %r, report %r %r" % (
            scan_view, v["scan"]["tray_severities"], r["trays"],
            r["tray_severities"]))


def compare(name, v, c, r):
    problems = []
    if compare_reachability(v, c, problems):
        compare_state(v, c, problems)
        compare_supplies(v, c, problems)
        compare_pages(v, c, problems)
        compare_trays(v, c, r, problems)
    compare_report(v, c, r, problems)
    if problems:
        raise AssertionError("%s: %s" % (name, "; ".join(problems)))


def main():
    runner = Runner("consistency")
    paths = printers()
    names = [name_of(p) for p in paths]
    sim = Snmpsim(paths)
    try:
        sim.wait(names[0])
        views, reports = run_collectd(sim.port, names)
        with ThreadPoolExecutor(4) as pool:
            others = dict(zip(names, pool.map(
                lambda n: other_views(sim.port, n), names)))
        for n in names:
            runner.run(n, compare, n, others[n], views[n], reports[n])
    finally:
        sim.stop()
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
