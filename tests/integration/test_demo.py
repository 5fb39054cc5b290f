#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`make demo` cannot rot: runs contrib/demo/demo.sh in its short mode
(DEMO_SHORT=1) with its output folder in a temporary directory, then checks
what it left there: the scan's table, JSON and CSV, collectd's csv values
and notifications, write_dss's archive and the mail the local SMTP server
received, the vendor's ingest and meters of those mails, the Nagios checks'
outputs, the PNG chart, and that every
process it started is gone.

A step whose component is not built (build/rel/printer.so, write_dss.so,
check_printer_*) is skipped by the demo; its checks here are skipped too.
Uses the release build: collectd loads the plugins (an ASan .so cannot be
loaded into a daemon built without ASan)."""

import email
import email.policy
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

from harness import REL, ROOT, Runner

DEMO = os.path.join(ROOT, "contrib", "demo", "demo.sh")
BOUND_S = 240  # the short mode takes about 35 s
MIN_PRINTERS = 30
MIN_MAKERS = 4


def built(name):
    return os.path.exists(os.path.join(REL, name))


class Demo:
    """One short run of the demo; the checks read its folder."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="pp-demo-")
        self.out = os.path.join(self.tmp, "demo-out")
        env = dict(os.environ, DEMO_SHORT="1")
        env.pop("DEMO_OUT", None)
        self.log_path = os.path.join(self.tmp, "demo.log")
        with open(self.log_path, "w") as log:
            try:
                r = subprocess.run([DEMO, self.out], stdout=log,
                                   stderr=subprocess.STDOUT, env=env,
                                   timeout=BOUND_S, start_new_session=True)
                self.status = r.returncode
            except subprocess.TimeoutExpired:
                self.status = "timeout"
        with open(self.log_path, errors="replace") as f:
            self.log = f.read()

    def path(self, *parts):
        return os.path.join(self.out, *parts)

    def read(self, *parts):
        with open(self.path(*parts), errors="replace") as f:
            return f.read()

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def tail(text, n=1500):
    return text[-n:]


def check_ran(d):
    if d.status != 0:
        raise AssertionError("demo.sh exit %r; log tail:\n%s" %
                             (d.status, tail(d.log)))
    summary = d.read("summary.txt")
    if "FAILED" in summary:
        raise AssertionError("summary says:\n" + summary)
    if "printprobe demo" not in d.log or "done in" not in d.log:
        raise AssertionError("the demo's own output is missing")


def check_processes_gone(d):
    """Every process the demo started (pids.txt) was stopped."""
    lines = d.read("pids.txt").split()
    pids = [int(x) for x in lines if x.isdigit()]
    if len(pids) < 2:
        raise AssertionError("pids.txt lists %d processes" % len(pids))
    alive = []
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            if state != "Z":
                alive.append(pid)
        except OSError:
            pass
    if alive:
        raise AssertionError("still running after the demo: %s" % alive)


def check_fleet(d):
    fleet = json.loads(d.read("fleet", "fleet.json"))
    answering = [e for e in fleet if e.get("maker")]
    makers = set(e["maker"] for e in answering)
    if len(answering) < MIN_PRINTERS or len(makers) < MIN_MAKERS:
        raise AssertionError("fleet: %d answering printers, %d makers" %
                             (len(answering), len(makers)))
    if len(fleet) - len(answering) != 2:
        raise AssertionError("wanted two printers switched off")
    data = glob.glob(d.path("fleet", "data", "*.snmprec"))
    if len(data) != len(answering):
        raise AssertionError("%d recordings for %d printers" %
                             (len(data), len(answering)))
    # counters grow and levels fall: snmpsim's numeric variation
    text = d.read("fleet", "data", "hq-1f-hp-m555.snmprec")
    if "65:numeric|" not in text or "2:numeric|" not in text:
        raise AssertionError("no numeric variation in the recordings")
    if "corpus" in "".join(open(p).readline() for p in data):
        raise AssertionError("a recording names tests/corpus")


def check_scan(d):
    if not built("printprobe"):
        return
    table = d.read("scan", "table.txt")
    for want in ("ADDRESS", "doorOpen", "jammed", "lowToner", "DOWN",
                 "printers,"):
        if want not in table:
            raise AssertionError("table: %r missing:\n%s" %
                                 (want, tail(table)))
    report = json.loads(d.read("scan", "fleet.json"))
    printers = report["printers"]
    up = [p for p in printers if p.get("reachable")]
    makers = set(p.get("manufacturer") for p in up) - {None}
    if len(up) < MIN_PRINTERS or len(makers) < MIN_MAKERS:
        raise AssertionError("JSON: %d reachable printers, makers %s" %
                             (len(up), sorted(makers)))
    if len(printers) - len(up) != 2:
        raise AssertionError("JSON: %d unreachable, wanted 2" %
                             (len(printers) - len(up)))
    names = set(p.get("name") for p in up)
    for name in ("hq-1f-hp-m555", "br-epson-wfc5790-b", "hq-4f-kyocera-m3655"):
        if name not in names:
            raise AssertionError("JSON: printer %s missing" % name)
    serials = [p["serial"] for p in up if p.get("serial")]
    if len(set(serials)) != len(serials):
        raise AssertionError("JSON: serials repeat: %s" % sorted(serials))
    for name in ("supplies.csv", "counters.csv"):
        lines = d.read("scan", name).splitlines()
        if len(lines) < MIN_PRINTERS or "," not in lines[0]:
            raise AssertionError("%s: %d lines" % (name, len(lines)))


def csv_rows(path):
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.strip().split(",")
            if parts[0][:1].isdigit():
                rows.append([float(x) for x in parts])
    return rows


def check_values(d):
    if not built("printer.so"):
        return
    csv = d.path("collectd", "csv")
    hosts = [h for h in os.listdir(csv)
             if glob.glob(os.path.join(csv, h, "printer*", "gauge-reachable-*"))]
    if len(hosts) < MIN_PRINTERS:
        raise AssertionError("csv: values of %d printers" % len(hosts))
    pages = glob.glob(os.path.join(csv, "hq-1f-hp-m555", "printer*",
                                   "derive-pages_total-*"))
    if not pages:
        raise AssertionError("csv: no pages_total of hq-1f-hp-m555")
    rows = csv_rows(pages[0])
    if len(rows) < 3 or not rows[-1][1] > rows[0][1]:
        raise AssertionError("csv: the page counter did not grow: %s" % rows)
    levels = glob.glob(os.path.join(csv, "*", "printer*", "percent-*"))
    if len(levels) < 100:
        raise AssertionError("csv: %d supply series" % len(levels))
    # switched off: reachable 0, and no supply value (unknown is not 0)
    off = glob.glob(os.path.join(csv, "br-ricoh-spc261", "printer*", "*"))
    kinds = set(os.path.basename(p).rsplit("-", 3)[0] for p in off)
    if "gauge-reachable" not in kinds or any(k.startswith("percent")
                                             for k in kinds):
        raise AssertionError("csv: switched-off printer wrote %s" % kinds)


def check_notifications(d):
    if not built("printer.so"):
        return
    log = [l for l in d.read("collectd", "collectd.log").splitlines()
           if "Notification:" in l]
    wanted = [("FAILURE", "hq-3f-xerox-c8130", "jammed"),     # from the start
              ("FAILURE", "hq-2f-hp-m555", "jammed"),         # mid-demo
              ("OKAY", "hq-4f-kyocera-m5526", ""),             # door closed
              ("WARNING", "br-ricoh-spc261", "reachable")]     # switched off
    for severity, host, text in wanted:
        if not any("severity = %s" % severity in l and
                   "host = %s," % host in l and text in l for l in log):
            raise AssertionError("no %s notification for %s (%s) in:\n%s" %
                                 (severity, host, text,
                                  "\n".join(l[:160] for l in log)))
    if "while the demo ran" not in d.log:
        raise AssertionError("the demo did not print its notifications")


def check_archive_and_mail(d):
    if not (built("write_dss.so") and built("printer.so")):
        return
    index = d.read("archive", "index.html")
    reports = glob.glob(d.path("archive", "*", "*", "*.eml"))
    if not reports:
        raise AssertionError("archive: no report .eml")
    rid = os.path.basename(reports[0])[:-4]
    if rid not in index:
        raise AssertionError("archive: index.html does not list %s" % rid)
    if "index.html" not in d.log:
        raise AssertionError("the demo did not say where index.html is")
    mails = sorted(glob.glob(d.path("mailbox", "new", "*.eml")))
    if not mails:
        raise AssertionError("no mail in the mailbox")
    with open(mails[0], "rb") as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if "fleet report" not in (msg["Subject"] or "").lower():
        raise AssertionError("mail subject %r" % msg["Subject"])
    attachments = {}
    for part in msg.walk():
        if part.get_filename():
            attachments[part.get_filename()] = part.get_payload(decode=True)
    if "report.json" not in attachments:
        raise AssertionError("mail attachments: %s" % sorted(attachments))
    report = json.loads(attachments["report.json"])
    printers = report.get("printers", [])
    if len([p for p in printers if p.get("reachable")]) < MIN_PRINTERS:
        raise AssertionError("mailed report: %d printers" % len(printers))
    # the archive holds the exact message that was sent
    sent = {open(p, "rb").read() for p in reports}
    if raw not in sent:
        raise AssertionError("the mail is not byte for byte in the archive")
    if "Subject:" not in d.log or "report.json" not in d.log:
        raise AssertionError("the demo did not print the mailbox")


def check_vendor(d):
    """The vendor's side of the demo: every mailed report verified and
    stored, and a meter row per printer that answered."""
    if not (built("write_dss.so") and built("printer.so")):
        return
    mails = glob.glob(d.path("mailbox", "new", "*.eml"))
    log = d.read("vendor", "ingest.log")
    if log.count(": stored (site example-customer") != len(mails):
        raise AssertionError("vendor: %d mails, ingest says:\n%s" %
                             (len(mails), log[-1000:]))
    import csv
    rows = list(csv.DictReader(open(d.path("vendor", "meters.csv"))))
    if len([r for r in rows if r["serial"]]) < MIN_PRINTERS or \
            "total" not in rows[0]:
        raise AssertionError("vendor: meters.csv has %d rows" % len(rows))


def check_nagios(d):
    cases = [("check_printer_status", "hq-1f-hp-m555", 0, "OK"),
             ("check_printer_status", "hq-2f-hp-m555", 2, "jammed"),
             ("check_printer_status", "hq-4f-kyocera-m3655", 0, "asleep"),
             ("check_printer_status", "br-ricoh-spc261", 1, "unreachable"),
             ("check_printer_supplies", "hq-1f-lexmark-cs331", 2, "'cyan'=0%"),
             ("check_printer_supplies", "br-epson-wfc5790-b", 2, "full"),
             ("check_printer_pages", "hq-1f-hp-m555", 0, "'pages'=")]
    for check, printer, status, text in cases:
        if not built(check):
            continue
        base = d.path("nagios", "%s-%s.txt" % (check, printer))
        out = open(base).read()
        got = int(open(base + ".status").read())
        if got != status or text not in out:
            raise AssertionError("%s %s: exit %d, wanted %d with %r:\n%s" %
                                 (check, printer, got, status, text, out))
        if "-> exit %d" % status not in d.log:
            raise AssertionError("the demo did not print %s's exit" % check)


def check_chart(d):
    if not built("printer.so"):
        return
    png = d.path("chart", "demo-chart.png")
    with open(png, "rb") as f:
        head = f.read(8)
    size = os.path.getsize(png)
    if head != b"\x89PNG\r\n\x1a\n" or not 5000 < size < 400000:
        raise AssertionError("chart: %d bytes, header %r" % (size, head))


def main():
    runner = Runner("demo")
    demo = Demo()
    try:
        runner.run("short-run-exits-0", check_ran, demo)
        runner.run("processes-stopped", check_processes_gone, demo)
        runner.run("fleet-30-printers-4-makers", check_fleet, demo)
        runner.run("scan-table-json-csv", check_scan, demo)
        runner.run("collectd-csv-values", check_values, demo)
        runner.run("collectd-notifications", check_notifications, demo)
        runner.run("write_dss-archive-and-mail", check_archive_and_mail, demo)
        runner.run("vendor-ingest-and-meters", check_vendor, demo)
        runner.run("nagios-checks", check_nagios, demo)
        runner.run("chart-png", check_chart, demo)
    finally:
        if runner.failed:
            print("     demo output kept in %s" % demo.tmp)
        else:
            demo.cleanup()
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
