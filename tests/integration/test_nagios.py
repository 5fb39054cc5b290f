#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Nagios/Icinga checks (nagios/check_printer_*) against simulated
printers: exit codes, status text and performance data for the quirk
fixtures and every recording of the test corpus, thresholds in every range
form, broken and silent agents, the pages state file, usage errors, and the
shipped Nagios 4 / Icinga 2 configuration validated by the real daemons."""

import glob
import grp
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time

from harness import (AS_ROOT, corpus_recordings, FIXTURES, HOST, ROOT, PPSim, Runner, Snmpsim,
                     binary, free_port, silent_port)

STATES = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
LINE_RE = re.compile(r"^PRINTER (OK|WARNING|CRITICAL|UNKNOWN) - (.+)$")
PERF_ITEM_RE = re.compile(
    r"^'([^']+)'=(U|-?\d+)(%|c)?(?:;([^; ]*))?(?:;([^; ]*))?"
    r"(?:;(-?\d*))?(?:;(-?\d*))?$")
NAGIOS_CFG = os.path.join(ROOT, "contrib", "nagios", "printprobe.cfg")
ICINGA_CONF = os.path.join(ROOT, "contrib", "icinga2", "printprobe.conf")


class Result:
    """One check run: exit code, status text, perfdata and long output."""

    def __init__(self, argv, proc):
        self.argv = argv
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        lines = proc.stdout.split("\n")
        first = lines[0]
        self.long = [l for l in lines[1:] if l]
        text, _, perf = first.partition(" | ")
        m = LINE_RE.match(text)
        self.state = m.group(1) if m else None
        self.text = m.group(2) if m else text
        self.perf_text = perf
        self.perf = parse_perf(perf)

    def fail(self, why):
        raise AssertionError("%s: %s\n  argv: %s\n  stdout: %s" %
                             (why, self.rc, " ".join(self.argv[1:]),
                              self.stdout[:1500]))

    def expect(self, rc, *texts, absent=()):
        if self.rc != rc:
            self.fail("exit code wanted %d, got" % rc)
        if self.state is None or STATES[self.state] != rc:
            self.fail("status line does not match the exit code")
        for t in texts:
            if t not in self.text:
                self.fail("%r not in the status text" % t)
        for t in absent:
            if t in self.text:
                self.fail("%r in the status text" % t)
        return self

    def perf_item(self, label):
        for item in self.perf:
            if item["label"] == label:
                return item
        self.fail("no perfdata %r in %r" % (label, self.perf_text))


def parse_perf(text):
    """Splits perfdata into items; quoted labels may contain blanks."""
    items = []
    for raw in re.findall(r"'[^']*'=\S+", text):
        m = PERF_ITEM_RE.match(raw)
        if not m:
            raise AssertionError("malformed perfdata item %r" % raw)
        items.append({"label": m.group(1), "value": m.group(2),
                      "uom": m.group(3) or "", "warn": m.group(4) or "",
                      "crit": m.group(5) or "", "min": m.group(6) or "",
                      "max": m.group(7) or "", "raw": raw})
    rebuilt = " ".join(i["raw"] for i in items)
    if rebuilt != text:
        raise AssertionError("perfdata %r has stray text" % text)
    return items


def check(name, *args, env=None, timeout=60):
    argv = [binary(name)] + list(args)
    proc = subprocess.run(argv, capture_output=True, text=True,
                          timeout=timeout, env=env)
    return Result(argv, proc)


def target(port, community):
    return ["-H", HOST, "-p", str(port), "-C", community, "-t", "5", "-e",
            "1"]


# --- check_printer_status ---------------------------------------------------

def status_cases(port):
    t = lambda c: target(port, c)
    check("check_printer_status", *t("quirk_ok_colour_laser")).expect(
        0, "idle")
    r = check("check_printer_status", *t("quirk_alerts")).expect(
        2, "jammed", "alert 8: Paper jam in tray 2",
        "alert 1104: Black toner low", absent=("Sleep mode",))
    # Reasons are joined by ", ": Nagios would show "; " as ": ".
    if not r.text.startswith("jammed, alert 8: Paper jam in tray 2"):
        r.fail("critical reasons not first")
    if "alert 8 (input, severity critical): Paper jam in tray 2: CRITICAL" \
            not in r.long:
        r.fail("long output lacks the alert line")
    # A jam from the one-byte error state, with a door open.
    check("check_printer_status", *t("quirk_errorstate_1byte")).expect(
        2, "doorOpen, jammed")
    check("check_printer_status", *t("quirk_door_open")).expect(
        2, "doorOpen", "alert 3:")
    check("check_printer_status", *t("quirk_low_and_empty_toner")).expect(
        2, "noToner, lowToner")
    check("check_printer_status", *t("quirk_asleep")).expect(
        0, "asleep", absent=("offline",))


def status_ignore_cases(port):
    t = lambda c: target(port, c)
    # inputTrayMissing is critical; lowToner, the device status and two
    # warning alerts are warnings.
    check("check_printer_status", *t("quirk_errorstate_2byte")).expect(
        2, "inputTrayMissing")
    check("check_printer_status", *t("quirk_errorstate_2byte"), "--ignore",
          "inputTrayMissing").expect(1, "lowToner",
                                     absent=("inputTrayMissing",))
    # Everything ignored but the device status, which speaks up now.
    check("check_printer_status", *t("quirk_errorstate_2byte"), "--ignore",
          "inputTrayMissing,lowToner", "--ignore", "alert:1104",
          "--ignore", "alert:801").expect(1, "device warning")
    # The jam's alert and bit ignored: the device is still down.
    check("check_printer_status", *t("quirk_alerts"), "--ignore", "jammed",
          "--ignore", "ALERT:8", "--ignore", "alert:1104").expect(
        2, "device down", absent=("jammed", "alert 8"))
    for bad in ("nosuchbit", "alert:", "alert:x1", "alert:-1"):
        check("check_printer_status", *t("quirk_alerts"), "--ignore",
              bad).expect(3, "--ignore")


def status_pipe_in_alert(port):
    r = check("check_printer_status", *target(port, "nagios_labels")).expect(
        1, "alert 1104: Black toner low / order 'HP 212A'")
    if r.perf_text:
        r.fail("a pipe in an alert text made perfdata")


def status_unreachable():
    port = silent_port()
    base = ["-H", HOST, "-p", str(port), "-t", "2", "-e", "1"]
    check("check_printer_status", *base).expect(2, "unreachable",
                                                 "no answer")
    for state, rc in (("ok", 0), ("warning", 1), ("unknown", 3),
                      ("CRITICAL", 2)):
        check("check_printer_status", *base, "--unreachable-state",
              state).expect(rc, "unreachable")
    check("check_printer_status", *base, "--unreachable-state",
          "down").expect(3, "--unreachable-state")
    check("check_printer_supplies", *base).expect(3, "unreachable")
    check("check_printer_pages", *base).expect(3, "unreachable")
    # Like the supplies: reachability is the status check's (the host
    # check); the trays of a printer that does not answer are unknown.
    r = check("check_printer_trays", *base).expect(3, "unreachable")
    if r.perf_text:
        r.fail("perfdata for a printer that did not answer")


# --- check_printer_supplies -------------------------------------------------

def supplies_defaults(port):
    r = check("check_printer_supplies",
              *target(port, "quirk_ok_colour_laser")).expect(
        0, "black 78%", "waste_toner 85% free")
    want = {"black": "78", "cyan": "64", "magenta": "55", "yellow": "47",
            "waste_toner": "85", "transfer_unit": "91"}
    if [i["label"] for i in r.perf] != list(want):
        r.fail("perfdata labels or order")
    for label, value in want.items():
        item = r.perf_item(label)
        if (item["value"], item["uom"], item["warn"], item["crit"],
                item["min"], item["max"]) != (value, "%", "20:", "10:", "0",
                                              "100"):
            r.fail("perfdata item %r" % item["raw"])
    # Text lists the worst (emptiest) first.
    if not r.text.startswith("yellow 47%, magenta 55%"):
        r.fail("not worst first")
    # black 9 % with the defaults (-c 10:) is critical, 2400/26000.
    check("check_printer_supplies", *target(port, "quirk_alerts")).expect(
        2, "black 9%")


def supplies_threshold_forms(port):
    t = target(port, "quirk_ok_colour_laser")
    cases = [
        # (warn, crit, supply, state): black 78 cyan 64 magenta 55 yellow 47
        ("10:", "5:", "yellow", 0),     # start only
        ("50:", "5:", "yellow", 1),     # 47 below 50
        ("50", "90", "yellow", 0),      # 0:50 holds 47
        ("50", "90", "cyan", 1),        # 64 above 0:50
        ("90", "60", "cyan", 2),        # 64 above 0:60
        ("~:70", "~:90", "black", 1),   # 78 above -inf:70
        ("~:70", "~:90", "magenta", 0),
        ("50:60", "40:70", "magenta", 0),  # inside 50:60
        ("50:60", "40:70", "cyan", 1),     # 64 outside 50:60, inside 40:70
        ("50:60", "40:70", "black", 2),    # 78 outside 40:70
        ("@50:60", "@0:10", "magenta", 1),  # @: alert inside
        ("@50:60", "@0:10", "cyan", 0),
        ("@0:10", "@40:50", "yellow", 2),
        ("@~:47", "@0:10", "yellow", 1),   # inclusive bounds
        ("47:", "48:", "yellow", 2),
    ]
    for warn, crit, supply, rc in cases:
        r = check("check_printer_supplies", *t, "-w", warn, "-c", crit,
                  "--supply", supply).expect(rc, supply)
        item = r.perf_item(supply)
        if (item["warn"], item["crit"]) != (warn, crit):
            r.fail("perfdata thresholds %r" % item["raw"])
        if len(r.perf) != 1:
            r.fail("--supply %s selected %d supplies" % (supply,
                                                         len(r.perf)))
    for bad in ("10x", "20:10", "", ":", "@", "~", "1:2:3", "nan", "0x10",
                "10 "):
        check("check_printer_supplies", *t, "-w", bad).expect(3, "-w")
        check("check_printer_supplies", *t, "--critical=" + bad).expect(
            3, "-c")


def supplies_special_levels(port):
    t = target(port, "quirk_levels_special")
    # -1, -2 and no max are unknown (OK by default, left out of the
    # perfdata: Icinga 2 refuses U), -3 is "some remaining" and OK unless
    # --some-remaining-state says otherwise; the receptacle has 75 % free.
    r = check("check_printer_supplies", *t).expect(
        0, "magenta some remaining", "black level unknown",
        "waste_toner 75% free")
    if [i["label"] for i in r.perf] != ["waste_toner"] or "U" in r.perf_text:
        r.fail("only the known level belongs in the perfdata")
    check("check_printer_supplies", *t, "--some-remaining-state",
          "warning").expect(1, "magenta some remaining")
    check("check_printer_supplies", *t, "--name", "fuser",
          "--some-remaining-state", "critical").expect(0, "fuser")
    check("check_printer_supplies", *t, "--some-remaining-state",
          "later").expect(3, "--some-remaining-state")
    for state, rc in (("warning", 1), ("critical", 2), ("unknown", 3),
                      ("ok", 0)):
        check("check_printer_supplies", *t, "--unknown-state",
              state).expect(rc)
    # -3 stays OK whatever --unknown-state says.
    check("check_printer_supplies", *t, "--supply", "magenta",
          "--unknown-state", "critical").expect(0, "magenta some remaining")
    check("check_printer_supplies", *t, "--supply", "Belt",
          "--unknown-state", "critical").expect(0,
                                                 "transfer_unit some remaining")
    # -2 with --unknown-state critical.
    check("check_printer_supplies", *t, "--supply", "cyan",
          "--unknown-state", "critical").expect(2, "cyan level unknown")


def supplies_receptacles(port):
    t = target(port, "quirk_receptacle")
    r = check("check_printer_supplies", *t).expect(
        2, "waste_ink full (0% free)")
    if not r.text.startswith("waste_ink full"):
        r.fail("the full receptacle should come first")
    # A full receptacle is critical whatever the thresholds say.
    check("check_printer_supplies", *t, "--type", "wasteInk", "-w", "~:",
          "-c", "~:").expect(2, "waste_ink full",
                             "waste_ink_2 some remaining")
    # Free space: 5 % left is below 10: (warning) but above 3: (critical).
    check("check_printer_supplies", *t, "--type", "wasteToner", "-w", "10:",
          "-c", "3:").expect(1, "waste_toner_2 5% free")
    check("check_printer_supplies", *t, "--type", "wasteToner").expect(
        2, "waste_toner_2 5% free", "waste_toner 20% free",
        "waste_toner_3 80% free")
    # The family: every receptacle of waste, toner or ink.
    r = check("check_printer_supplies", *t, "--type", "waste").expect(2)
    if len(r.perf) != 4 or len(r.long) != 5:
        r.fail("--type waste should select the 5 receptacles (4 with a "
               "level in the perfdata)")
    r = check("check_printer_supplies", *t, "--type", "toner").expect(0)
    if len(r.perf) != 4:
        r.fail("--type toner should select the 4 toners")


def supplies_by_name(port):
    """--name picks one supply by the name every front end shows, or by its
    index: one service per supply."""
    t = target(port, "quirk_ok_colour_laser")
    r = check("check_printer_supplies", *t, "--name", "waste_toner").expect(
        0, "waste_toner 85% free")
    if [i["label"] for i in r.perf] != ["waste_toner"]:
        r.fail("--name waste_toner selects that supply only")
    # "black" is not a substring match: opc_black would not come along.
    r = check("check_printer_supplies", *t, "--name", "BLACK", "--name",
              "4").expect(0)
    if sorted(i["label"] for i in r.perf) != ["black", "yellow"]:
        r.fail("--name by name and by index")
    check("check_printer_supplies", *t, "--name", "toner").expect(
        3, "none of 6 supplies matches --name toner")


def supplies_selection(port):
    t = target(port, "quirk_ok_colour_laser")
    r = check("check_printer_supplies", *t, "--supply", "cyan", "--supply",
              "MAGENTA").expect(0)
    if [i["label"] for i in r.perf] != ["cyan", "magenta"]:
        r.fail("--supply selection")
    r = check("check_printer_supplies", *t, "--supply", "HP 212A",
              "--type", "tonerCartridge").expect(0)
    if len(r.perf) != 4:
        r.fail("description substring with --type")
    # --type toner selects tonerCartridge too (README's advice matched
    # nothing on such printers).
    r = check("check_printer_supplies", *t, "--type", "toner").expect(0)
    if [i["label"] for i in r.perf] != ["black", "cyan", "magenta", "yellow"]:
        r.fail("--type toner should select the toner cartridges")
    check("check_printer_supplies", *t, "--supply", "orange").expect(
        3, "none of 6 supplies matches --supply orange")
    check("check_printer_supplies", *t, "--type", "nosuchtype").expect(
        3, "--type")
    check("check_printer_supplies", *t, "--unknown-state", "maybe").expect(
        3, "--unknown-state")
    # The unit-percent quirks: cyan 8 % critical, the drum at 10 % warning.
    check("check_printer_supplies", *target(port, "quirk_unit_percent")
          ).expect(2, "cyan 8%", "opc 10%")


def supplies_label_quoting(port):
    r = check("check_printer_supplies", *target(port, "nagios_labels"))
    # Hostile descriptions no longer reach the labels: supplies are named
    # by the policy (colour, type), the same as in collectd.
    r.expect(2, "transfer_unit_2 5%", "opc 12%", "fuser 30%")
    want = ["'black'=78%;20:;10:;0;100",
            "'fuser'=30%;20:;10:;0;100",
            "'opc'=12%;20:;10:;0;100",
            "'transfer_unit'=90%;20:;10:;0;100",
            "'transfer_unit_2'=5%;20:;10:;0;100",
            "'waste_toner'=85%;20:;10:;0;100"]
    if [i["raw"] for i in r.perf] != want:
        r.fail("perfdata %r" % r.perf_text)
    firsts = [i["label"][:19] for i in r.perf]
    if len(set(firsts)) != len(firsts):
        r.fail("labels not unique in 19 characters")


def epson_profile(port):
    """Supply states only a vendor profile gives (missing, full without a
    level) and Epson status alerts, which are just alerts here."""
    check("check_printer_supplies", *target(port, "epson_forbidden_subtree")
          ).expect(2, "magenta missing", "waste_ink near full")
    check("check_printer_supplies", *target(port, "epson_home_waste_ink")
          ).expect(2, "waste_ink full")
    r = check("check_printer_status", *target(port, "epson_home_waste_ink"))
    r.expect(2, "alert 16: waste-ink pads full")
    if not any("(epson, severity critical)" in l for l in r.long):
        r.fail("the Epson alert's group")
    check("check_printer_status", *target(port, "epson_forbidden_subtree"),
          "--ignore", "alert:16").expect(0)


# --- check_printer_pages ----------------------------------------------------

def pages_state_file(port):
    tmp = tempfile.mkdtemp(prefix="pp-nagios-pages-")
    try:
        state = os.path.join(tmp, "pages.state")
        # First run: no state file yet is fine.
        r = check("check_printer_pages", *target(port, "quirk_alerts"),
                  "--state-file", state).expect(0, "250877 impressions")
        item = r.perf_item("pages")
        if (item["value"], item["uom"]) != ("250877", "c"):
            r.fail("pages perfdata %r" % item["raw"])
        with open(state) as f:
            if "total 250877" not in f.read():
                r.fail("state file lacks the counter")
        check("check_printer_pages", *target(port, "quirk_alerts"),
              "--state-file", state).expect(0)
        # A different printer behind the same state: the counter fell.
        check("check_printer_pages", *target(port, "quirk_levels_special"),
              "--state-file", state).expect(
            1, "20412 impressions",
            "total counter went backwards: 250877 -> 20412")
        # The new value was remembered: OK again.
        check("check_printer_pages", *target(port, "quirk_levels_special"),
              "--state-file", state).expect(0, "20412 impressions")
        leftovers = [n for n in os.listdir(tmp) if n != "pages.state"]
        if leftovers:
            raise AssertionError("temporary files left: %s" % leftovers)
        # Damaged, unreadable and unwritable state files: UNKNOWN, named.
        with open(state, "w") as f:
            f.write("total twelve\n")
        check("check_printer_pages", *target(port, "quirk_alerts"),
              "--state-file", state).expect(3, state, "damaged")
        with open(state, "w") as f:
            f.write("# printprobe check_printer_pages state 1\ntotal -5\n")
        check("check_printer_pages", *target(port, "quirk_alerts"),
              "--state-file", state).expect(3, state)
        check("check_printer_pages", *target(port, "quirk_alerts"),
              "--state-file", tmp).expect(3, "cannot read state file " + tmp)
        missing_dir = os.path.join(tmp, "no", "such", "dir", "state")
        check("check_printer_pages", *target(port, "quirk_alerts"),
              "--state-file", missing_dir).expect(3, "cannot write state file")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def pages_counter64(port):
    """A Counter64 past 2^63 is carried whole (status, perfdata, state
    file): the second run does not see the counter go backwards."""
    tmp = tempfile.mkdtemp(prefix="pp-nagios-pages64-")
    big = "18446744073709551000"
    try:
        state = os.path.join(tmp, "pages.state")
        for run in (1, 2):
            r = check("check_printer_pages",
                      *target(port, "quirk_counter64_huge"),
                      "--state-file", state).expect(
                0, big + " impressions", absent=("backwards",))
            if r.perf_item("pages")["value"] != big:
                r.fail("run %d: pages perfdata %r" %
                       (run, r.perf_item("pages")["raw"]))
            with open(state) as f:
                if "total %s\n" % big not in f.read():
                    r.fail("run %d: state file lacks the counter" % run)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def pages_meters(port):
    """--meter: only the meters asked for, each with its perfdata and its
    backward check in the state file; a meter the printer does not report
    is UNKNOWN, an unknown name a usage error."""
    tmp = tempfile.mkdtemp(prefix="pp-nagios-meters-")
    try:
        state = os.path.join(tmp, "pages.state")
        r = check("check_printer_pages", *target(port, "vendor_canon"),
                  "--meter", "mono", "--meter", "colour",
                  "--state-file", state).expect(
            0, "mono 50000, colour 20000", absent=("impressions", "scan"))
        for label, value in (("pages_mono", "50000"),
                             ("pages_colour", "20000")):
            if r.perf_item(label)["value"] != value:
                r.fail("%s perfdata %r" % (label, r.perf_item(label)["raw"]))
        if "'pages'=" in r.perf_text or "pages_scan" in r.perf_text:
            r.fail("perfdata of a meter not asked for")
        with open(state) as f:
            text = f.read()
        if "mono 50000\n" not in text or "colour 20000\n" not in text:
            r.fail("state file: %r" % text)
        # The mono meter fell (another printer behind the state): WARNING
        # for mono alone.
        with open(state, "w") as f:
            f.write("# printprobe check_printer_pages state 1\n"
                    "mono 60000\ncolour 1000\n")
        check("check_printer_pages", *target(port, "vendor_canon"),
              "--meter", "mono", "--meter", "colour",
              "--state-file", state).expect(
            1, "mono counter went backwards: 60000 -> 50000",
            absent=("colour counter",))
        check("check_printer_pages", *target(port, "vendor_canon"),
              "--meter", "fax").expect(3, "reports no fax meter")
        check("check_printer_pages", *target(port, "vendor_canon"),
              "--meter", "Jane Doe").expect(3)
        # Without --meter: the total and every meter reported.
        r = check("check_printer_pages", *target(port, "vendor_canon")
                  ).expect(0, "70000 impressions", "scan 9000")
        if r.perf_item("pages_large_colour")["value"] != "5000":
            r.fail("pages_large_colour %r" %
                   r.perf_item("pages_large_colour")["raw"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def pages_without_state(port):
    check("check_printer_pages", *target(port, "quirk_integer_counter")
          ).expect(0, "sheets")
    check("check_printer_pages", "--state-file").expect(3)


# --- broken agents (ppsim) --------------------------------------------------

def partial_read(port, status):
    """A looping agent: both checks say the read is incomplete and why, and
    neither says OK (no supplies at all: UNKNOWN, nothing to judge)."""
    loop = "non-increasing OID"
    status.expect(1, "idle", "status incomplete: ", loop)
    check("check_printer_supplies", *target(port, "quirk_walk_loop")).expect(
        3, "reports no supplies", "supplies incomplete: ", loop)
    check("check_printer_status", *target(port, "quirk_ok_colour_laser")
          ).expect(0, absent=("incomplete",))


def broken_agents(port):
    for name in ("quirk_getbulk_rejected", "quirk_getbulk_dropped",
                 "quirk_getbulk_garbage", "quirk_walk_loop"):
        r = check("check_printer_status", *target(port, name))
        if r.rc not in (0, 1, 2) or r.state is None:
            r.fail("%s: no verdict" % name)
        if name == "quirk_walk_loop":
            partial_read(port, r)
            continue
        r = check("check_printer_supplies", *target(port, name))
        if r.rc not in (0, 1, 2) or not r.perf:
            r.fail("%s: supplies not read" % name)
    base = ["-H", HOST, "-p", str(port), "-C", "quirk_silent", "-t", "2",
            "-e", "1"]
    check("check_printer_status", *base).expect(2, "unreachable")
    check("check_printer_supplies", *base).expect(3, "unreachable")


def alarm_backstop(port):
    """The alarm() handler: should the engine overrun its deadline, SIGALRM
    ends the check UNKNOWN with its own text (sent by hand here, since the
    engine keeps its deadline)."""
    import signal
    import time
    argv = [binary("check_printer_status"), "-H", HOST, "-p", str(port),
            "-C", "quirk_silent", "-t", "20", "--try-timeout", "5", "-e",
            "1"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)
        proc.send_signal(signal.SIGALRM)
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
    if proc.returncode != 3 or not out.startswith(
            "PRINTER UNKNOWN - no result within -t 20.0 s (the poll should "
            "have ended after 19.5 s)"):
        raise AssertionError("backstop: exit %s, %r" % (proc.returncode, out))


# --- check_printer_trays ---------------------------------------------------

def trays_states(port):
    """Trays and bins by the policy: missing and a full bin critical, empty
    or low trays warning, an empty bypass tray ok, -2 and -3 never 0."""
    t = target(port, "quirk_trays")
    r = check("check_printer_trays", *t).expect(
        2, "tray_5 missing", "face_down_bin full (0%)", "tray_2 empty (0%)",
        "tray_3 low (3%)", "multi_purpose_tray empty (0%)",
        "tray_4 some remaining", "lct level unknown")
    if not r.text.startswith("tray_5 missing, face_down_bin full"):
        r.fail("the worst trays should come first")
    labels = [i["label"] for i in r.perf]
    if labels != ["tray_1", "tray_2", "tray_3", "multi_purpose_tray",
                  "face_down_bin", "finisher"]:
        r.fail("perfdata: one item per known level, in the printer's order")
    if not any("multi_purpose_tray empty (0%): OK" in l and "manual feed" in l
               for l in r.long):
        r.fail("the empty bypass tray is OK and says it is a manual feed")
    check("check_printer_trays", *t, "--kind", "output").expect(
        2, "face_down_bin full", absent=("tray_2",))
    r = check("check_printer_trays", *t, "--tray", "tray_1", "--tray",
              "3", "--tray", "out:2").expect(1, "tray_3 low")
    if [i["label"] for i in r.perf] != ["tray_1", "tray_3"] or \
            "face_up_bin some remaining" not in r.text:
        r.fail("--tray by name, by input index and by output index")
    # Ranges judge known percents; missing stays critical.
    check("check_printer_trays", *t, "--tray", "tray_1", "-w", "90:",
          "-c", "50:").expect(1, "tray_1 80%")
    check("check_printer_trays", *t, "--tray", "tray_5", "-w",
          "~:").expect(2, "tray_5 missing")
    check("check_printer_trays", *t, "--tray", "lct", "--unknown-state",
          "warning").expect(1, "lct level unknown")
    check("check_printer_trays", *t, "--kind", "sideways").expect(3,
                                                                   "--kind")
    check("check_printer_trays", *t, "--tray", "nosuch").expect(
        3, "none of 10 trays matches")


def trays_real_printers(port):
    # A Sharp's empty bypass tray is how it is kept: all OK.
    check("check_printer_trays", *target(port, "sharp")).expect(
        0, "bypass_tray empty (0%)", "tray_4 66%", "auto_select level unknown")
    check("check_printer_trays", *target(port, "jetdirect_m130nw")).expect(
        0, "tray_1 some remaining")
    check("check_printer_trays", *target(port, "xerox")).expect(
        3, "reports no trays")


# --- options, help, secrets -------------------------------------------------

CHECKS = ("check_printer_status", "check_printer_supplies",
          "check_printer_pages", "check_printer_trays")


def help_and_version():
    for name in CHECKS:
        for opt in ("--help", "-h"):
            r = check(name, opt)
            if r.rc != 3 or "Usage:" not in r.stdout or \
                    "-H, --hostname" not in r.stdout:
                r.fail("%s %s" % (name, opt))
            wide = [l for l in r.stdout.split("\n") if len(l) > 80]
            if wide:
                r.fail("help lines over 80 columns: %r" % wide)
        for opt in ("--version", "-V"):
            r = check(name, opt)
            if r.rc != 3 or not r.stdout.startswith(name + " v"):
                r.fail("%s %s" % (name, opt))
    r = check("check_printer_status", "--help")
    for word in ("jammed", "lowPaper", "CRITICAL", "--unreachable-state",
                 "--ignore"):
        if word not in r.stdout:
            r.fail("status --help lacks %r" % word)


def usage_errors():
    cases = [
        [],
        ["-H"],
        ["-H", HOST, "--bogus"],
        ["-H", HOST, "-Z"],
        ["-H", HOST, "extra-argument"],
        ["-H", "10.0.0.0/24"],
        ["-H", HOST, "-P", "4"],
        ["-H", HOST, "-p", "70000"],
        ["-H", HOST, "-t", "0"],
        ["-H", HOST, "-t", "ten"],
        ["-H", HOST, "-e", "-1"],
        ["-H", HOST, "-P", "3"],  # v3 without a user
        ["-H", HOST, "--community-file", "/nonexistent/community"],
        # A '|' echoed back would start perfdata for Nagios.
        ["-H", "printer.example|x"],
        ["-H", HOST, "-w", "20|x"],
        ["-H", HOST, "--bogus|x"],
    ]
    for name in CHECKS:
        for args in cases:
            r = check(name, *args)
            if r.rc != 3 or r.state != "UNKNOWN" or "Usage:" not in \
                    r.stdout:
                r.fail("%s %s: wanted UNKNOWN with usage" % (name, args))
            if "|" in r.stdout:
                r.fail("%s %s: a '|' in the output: %r" % (name, args,
                                                          r.stdout))
            if len(r.stdout.strip().split("\n")) > 23:
                r.fail("usage longer than 23 lines")


def timed(name, *args):
    start = time.monotonic()
    r = check(name, *args)
    return r, time.monotonic() - start


def total_time_limit():
    """-t bounds the whole run, as the monitoring-plugins guidelines say: a
    silent printer answers within it, whatever the tries would add up
    to."""
    base = ["-H", HOST, "-p", str(silent_port())]
    for extra in ([], ["--try-timeout", "5", "-e", "3"], ["-e", "10"]):
        r, took = timed("check_printer_status", *base, "-t", "10", *extra)
        r.expect(2, "unreachable")
        if took > 10.5:
            r.fail("-t 10 %s took %.1f s" % (" ".join(extra), took))
    # Tries of 5 s with -t 10 cannot all run: the poll stops in time and
    # says so; every check keeps the limit.
    for name in CHECKS:
        r, took = timed(name, *base, "-t", "3", "--try-timeout", "5")
        if took > 3.5 or r.rc not in (2, 3) or "unreachable" not in r.text:
            r.fail("%s -t 3 --try-timeout 5 took %.1f s" % (name, took))
    check("check_printer_status", *base, "-t", "0").expect(3, "-t")
    check("check_printer_status", *base, "-t", "10:later").expect(3, "-t")
    r = check("check_printer_status", *base, "-t", "2:warning", "-vv")
    if "tries of 0.150 s, 2 retries, poll ends within 1.8 s" not in r.stderr:
        r.fail("-vv should show the timing -t gives: %r" % r.stderr)


def write_ini(folder, text):
    path = os.path.join(folder, "plugins.ini")
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)
    return path


def extra_opts(port):
    """--extra-opts as the monitoring-plugins read it: sections, the
    plugin's name as default section, MP_CONFIG_FILE and NAGIOS_CONFIG_PATH,
    the command line winning; communities and passphrases stay off the
    command line."""
    tmp = tempfile.mkdtemp(prefix="pp-nagios-ini-")
    try:
        path = write_ini(tmp, """# printers
[check_printer_status]
community = quirk_alerts
t = 3
[check_printer_supplies]
community=quirk_low_and_empty_toner
[floor2]
port = %d
community = quirk_asleep
""" % port)
        base = ["-H", HOST, "-p", str(port)]
        check("check_printer_status", *base,
              "--extra-opts=@" + path).expect(2, "jammed")
        check("check_printer_status", "-H", HOST,
              "--extra-opts=floor2@" + path).expect(0, "asleep")
        check("check_printer_status", "-H", HOST, "--extra-opts",
              "floor2@" + path).expect(0, "asleep")
        # The command line wins over the file.
        check("check_printer_status", *base, "--extra-opts=@" + path, "-C",
              "quirk_ok_colour_laser").expect(0, "idle")
        env = dict(os.environ, MP_CONFIG_FILE=path)
        check("check_printer_supplies", *base, "--extra-opts",
              env=env).expect(2, "black")
        env = dict(os.environ, NAGIOS_CONFIG_PATH="/nonexistent:" + tmp)
        check("check_printer_status", *base, "--extra-opts",
              env=env).expect(2, "jammed")
        # Refusals name the file and the line, never a secret.
        bad = write_ini(tmp, "[check_printer_status]\ncommunity\n")
        r = check("check_printer_status", *base, "--extra-opts=@" + bad)
        r.expect(3, bad + ":2: no '=' in an option line")
        check("check_printer_status", *base,
              "--extra-opts=nosuch@" + path).expect(
            3, "no options in section [nosuch]")
        # A passphrase is refused on the command line, taken from the file.
        v3 = write_ini(tmp, """[v3]
protocol=3
user=monitor
authproto=SHA
authpasswd=a-long-auth-passphrase
privproto=AES
privpasswd=a-long-priv-passphrase
t=1
""")
        r = check("check_printer_status", "-H", HOST, "-p",
                  str(silent_port()), "--extra-opts=v3@" + v3)
        r.expect(2, "unreachable")
        if "passphrase" in r.stdout + r.stderr:
            r.fail("a passphrase was echoed")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def secrets():
    # Passphrases on the command line are refused and never echoed.
    for opt in (["-A", "s3cret-pass"], ["-X", "s3cret-pass"],
                ["--authpasswd=s3cret-pass"]):
        r = check("check_printer_status", "-H", HOST, *opt)
        if r.rc != 3 or "s3cret-pass" in r.stdout + r.stderr:
            r.fail("secret option %s" % opt)


def community_sources(port):
    tmp = tempfile.mkdtemp(prefix="pp-nagios-comm-")
    try:
        path = os.path.join(tmp, "community")
        with open(path, "w") as f:
            f.write("quirk_ok_colour_laser\n")
        os.chmod(path, 0o644)
        base = ["-H", HOST, "-p", str(port), "-t", "1", "-e", "1"]
        r = check("check_printer_status", *base, "--community-file",
                  path).expect(0, "idle")
        # Open to others: used, with a warning on stderr naming the file.
        if path not in r.stderr or "chmod 600" not in r.stderr or \
                "quirk_ok_colour_laser" in r.stderr + r.stdout:
            r.fail("community file mode: stderr %r" % r.stderr)
        env = dict(os.environ, PRINTPROBE_COMMUNITY="quirk_alerts")
        check("check_printer_status", *base, env=env).expect(2, "jammed")
        # -C after the environment wins.
        check("check_printer_status", *base, "-C", "quirk_asleep",
              env=env).expect(0, "asleep")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def verbose_output(port):
    r = check("check_printer_status", *target(port, "quirk_alerts"), "-v")
    r.expect(2)
    if not any("Sleep mode: OK" in l for l in r.long):
        r.fail("-v should list the ignored 'other' alert")
    if not any("Xerox AltaLink C8130" in l for l in r.long):
        r.fail("-v should name the model")
    r = check("check_printer_status", *target(port, "quirk_alerts"), "-vvv")
    if "printprobe:" not in r.stderr:
        r.fail("-vvv should log the poll on stderr")
    if "printprobe:" in r.stdout:
        r.fail("log lines on stdout")


# --- the test corpus ------------------------------------------------------

def corpus_recording(port, name):
    """Every check gives a well-formed verdict for every real printer."""
    for check_name in CHECKS:
        r = check(check_name, *target(port, name))
        if r.state is None or STATES[r.state] != r.rc:
            r.fail("%s: malformed output" % check_name)
        # Icinga 2 refuses U; Nagios shows ';' in the text as ':'.
        if any(i["value"] == "U" for i in r.perf):
            r.fail("%s: U in the perfdata" % check_name)
        if ";" in r.text or any(";" in line for line in r.long):
            r.fail("%s: ';' in the output" % check_name)
        if check_name == "check_printer_supplies" and r.rc != 3:
            firsts = [i["label"][:19] for i in r.perf]
            if len(set(firsts)) != len(firsts):
                r.fail("supplies perfdata")
            if any(i["uom"] != "%" for i in r.perf):
                r.fail("supplies perfdata without %")
        if check_name == "check_printer_pages" and r.rc == 0:
            if r.perf_item("pages")["uom"] != "c":
                r.fail("pages not a counter")


def corpus_known_verdicts(port):
    check("check_printer_supplies", *target(port, "jetdirect_m880")).expect(
        1, "cyan 16%")
    check("check_printer_supplies", *target(port, "canonprinter_tm")
          ).expect(0, "waste_ink 90% free")
    r = check("check_printer_supplies", *target(port, "brother_hl5370dw"))
    r.expect(0, "some remaining")
    check("check_printer_pages", *target(port, "brother_hl5370dw")).expect(0)


# --- Nagios 4 and Icinga 2 configuration ------------------------------------

# A time period every test configuration of Nagios needs.
TIMEPERIOD_24X7 = """
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
"""

NAGIOS_OBJECTS = TIMEPERIOD_24X7 + """
define command {
    command_name notify-none
    command_line /bin/true
}
define contact {
    contact_name                  admin
    host_notification_period      24x7
    service_notification_period   24x7
    host_notification_options     n
    service_notification_options  n
    host_notification_commands    notify-none
    service_notification_commands notify-none
}
define host {
    use                    printprobe-printer
    host_name              printer1
    address                127.0.0.1
    _PRINTER_PORT          1161
    max_check_attempts     3
    check_period           24x7
    notification_period    24x7
    contacts               admin
}
define service {
    use                    printprobe-status
    host_name              printer1
    service_description    Printer status
    check_command          check_printer_status!--ignore lowPaper
    check_period           24x7
    notification_period    24x7
    contacts               admin
}
define service {
    use                    printprobe-supplies
    host_name              printer1
    service_description    Printer supplies
    check_command          check_printer_supplies!15:!5:!--type toner
    check_period           24x7
    notification_period    24x7
    contacts               admin
}
define service {
    use                    printprobe-pages
    host_name              printer1
    service_description    Printer pages
    check_period           24x7
    notification_period    24x7
    contacts               admin
}
define service {
    use                    printprobe-trays
    host_name              printer1
    service_description    Printer trays
    check_command          check_printer_trays!--kind input
    check_period           24x7
    notification_period    24x7
    contacts               admin
}
"""


# Nagios drops root for its own user; a normal user runs it as himself.
NAGIOS_USER = (("nagios", "nagios") if AS_ROOT else
               (pwd.getpwuid(os.getuid()).pw_name,
                grp.getgrgid(os.getgid()).gr_name))


def nagios_verify(cfg_path):
    """nagios4 -v on a minimal main config of ours that loads cfg_path.
    Nagios drops to the nagios user, so the folder must be its own."""
    tmp = tempfile.mkdtemp(prefix="pp-nagios4-")
    try:
        shutil.copy(cfg_path, os.path.join(tmp, "printprobe.cfg"))
        with open(os.path.join(tmp, "objects.cfg"), "w") as f:
            f.write(NAGIOS_OBJECTS)
        with open(os.path.join(tmp, "resource.cfg"), "w") as f:
            f.write("$USER1$=/usr/lib/nagios/plugins\n")
        main = ["log_file=%s/nagios.log" % tmp,
                "cfg_file=%s/printprobe.cfg" % tmp,
                "cfg_file=%s/objects.cfg" % tmp,
                "resource_file=%s/resource.cfg" % tmp]
        for key, name in (("status_file", "status.dat"),
                          ("lock_file", "nagios.lock"),
                          ("temp_file", "nagios.tmp"),
                          ("object_cache_file", "objects.cache"),
                          ("precached_object_file", "objects.precache"),
                          ("command_file", "nagios.cmd"),
                          ("state_retention_file", "retention.dat")):
            main.append("%s=%s/%s" % (key, tmp, name))
        main += ["temp_path=" + tmp, "check_result_path=" + tmp,
                 "nagios_user=" + NAGIOS_USER[0],
                 "nagios_group=" + NAGIOS_USER[1],
                 "illegal_macro_output_chars=`~$&|'\"<>"]
        main_path = os.path.join(tmp, "main.cfg")
        with open(main_path, "w") as f:
            f.write("\n".join(main) + "\n")
        os.chmod(tmp, 0o755)
        if AS_ROOT:
            subprocess.run(["chown", "-R", "nagios:nagios", tmp], check=True)
        r = subprocess.run(["nagios4", "-v", main_path], capture_output=True,
                           text=True, timeout=60)
        return r.returncode, r.stdout + r.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def nagios_config():
    rc, out = nagios_verify(NAGIOS_CFG)
    if rc != 0 or "Total Errors:   0" not in out or \
            "Total Warnings: 0" not in out:
        raise AssertionError("nagios4 -v failed (%d):\n%s" % (rc, out[-3000:]))
    # Our 4 services and 5 commands (one the host check), and the test's
    # notify-none.
    if "Checked 4 services." not in out or "Checked 6 commands." not in out:
        raise AssertionError("nagios4 did not see our objects:\n" + out)
    # The validation is real: a broken copy must fail.
    tmp = tempfile.mkdtemp(prefix="pp-nagios4-bad-")
    try:
        bad = os.path.join(tmp, "printprobe.cfg")
        with open(NAGIOS_CFG) as f:
            text = f.read()
        with open(bad, "w") as f:
            f.write(text.replace("command_name    check_printer_pages",
                                 "command_name    check_printer_pagez"))
        rc, out = nagios_verify(bad)
        if rc == 0:
            raise AssertionError("nagios4 accepted a missing command")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


ICINGA_OBJECTS = """
const PluginDir = "/usr/lib/nagios/plugins"
include <itl>
include <plugins>
include "%s"
object Host "printer1" {
  check_command = "dummy"
  address = "127.0.0.1"
  vars.printer_community_file = "/etc/icinga2/printprobe/community"
  vars.printer_port = 1161
}
object Service "status" {
  host_name = "printer1"
  check_command = "printer_status"
  vars.printer_status_ignore = [ "lowPaper", "alert:1104" ]
  vars.printer_status_unreachable_state = "warning"
}
object Service "supplies" {
  host_name = "printer1"
  check_command = "printer_supplies"
  vars.printer_supplies_type = [ "toner", "wasteToner" ]
  vars.printer_supplies_warning = "15:"
}
object Service "pages" {
  host_name = "printer1"
  check_command = "printer_pages"
  vars.printer_pages_state_file = "/var/lib/icinga2/printprobe-pages"
}
"""


def icinga_verify(conf_path):
    tmp = tempfile.mkdtemp(prefix="pp-icinga2-")
    try:
        main = os.path.join(tmp, "icinga2.conf")
        with open(main, "w") as f:
            f.write(ICINGA_OBJECTS % conf_path)
        # icinga2 reads its config as the user it drops to (nagios).
        os.chmod(tmp, 0o755)
        os.chmod(main, 0o644)
        # As a normal user it stays that user (it may not switch).
        # It writes its caches in its own folders: ours, for a normal
        # user who may not write Debian's.
        env = dict(os.environ)
        argv = ["icinga2", "daemon", "-C", "-c", main]
        if not AS_ROOT:
            env["ICINGA2_USER"], env["ICINGA2_GROUP"] = NAGIOS_USER
            argv += ["-DConfiguration.%s=%s" % (key, tmp) for key in
                     ("CacheDir", "DataDir", "LogDir", "RunDir")]
            argv += ["-DConfiguration.ObjectsPath=%s/objects" % tmp,
                     "-DConfiguration.VarsPath=%s/vars" % tmp,
                     "-DConfiguration.StatePath=%s/state" % tmp]
        r = subprocess.run(argv,
                           capture_output=True, text=True, timeout=120,
                           env=env)
        return r.returncode, r.stdout + r.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def icinga_config():
    rc, out = icinga_verify(ICINGA_CONF)
    if rc != 0 or "Instantiated 3 Services" not in out:
        raise AssertionError("icinga2 daemon -C failed (%d):\n%s" %
                             (rc, out[-3000:]))
    tmp = tempfile.mkdtemp(prefix="pp-icinga2-bad-")
    try:
        os.chmod(tmp, 0o755)
        bad = os.path.join(tmp, "printprobe.conf")
        with open(ICINGA_CONF) as f:
            text = f.read()
        with open(bad, "w") as f:
            f.write(text.replace('object CheckCommand "printer_pages"',
                                 'object CheckCommand "printer_pagez"'))
        rc, out = icinga_verify(bad)
        if rc == 0:
            raise AssertionError("icinga2 accepted a missing CheckCommand")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --- main -------------------------------------------------------------------

def uses_ppsim(path):
    with open(path) as f:
        return any(line.startswith("#ppsim:") for line in f)


def main():
    runner = Runner("nagios")
    fixtures = sorted(glob.glob(os.path.join(FIXTURES, "*.snmprec")))
    plain = [f for f in fixtures if not uses_ppsim(f)]
    corpus = corpus_recordings()
    runner.run("help-version", help_and_version)
    runner.run("usage-errors", usage_errors)
    runner.run("secrets-not-on-argv", secrets)
    runner.run("unreachable", status_unreachable)
    runner.run("total-time-limit", total_time_limit)
    runner.run("nagios4-config", nagios_config)
    runner.run("icinga2-config", icinga_config)
    sim = Snmpsim(plain + corpus)
    try:
        sim.wait("quirk_ok_colour_laser")
        port = sim.port
        runner.run("status/fixtures", status_cases, port)
        runner.run("status/ignore", status_ignore_cases, port)
        runner.run("status/pipe-in-alert", status_pipe_in_alert, port)
        runner.run("status/verbose", verbose_output, port)
        runner.run("supplies/defaults", supplies_defaults, port)
        runner.run("supplies/threshold-forms", supplies_threshold_forms,
                   port)
        runner.run("supplies/levels-1-2-3", supplies_special_levels, port)
        runner.run("supplies/receptacles", supplies_receptacles, port)
        runner.run("supplies/by-name", supplies_by_name, port)
        runner.run("trays/states", trays_states, port)
        runner.run("trays/real-printers", trays_real_printers, port)
        runner.run("supplies/selection", supplies_selection, port)
        runner.run("supplies/label-quoting", supplies_label_quoting, port)
        runner.run("supplies/epson-profile", epson_profile, port)
        runner.run("pages/state-file", pages_state_file, port)
        runner.run("pages/plain", pages_without_state, port)
        runner.run("pages/counter64", pages_counter64, port)
        runner.run("pages/meters", pages_meters, port)
        runner.run("community-sources", community_sources, port)
        runner.run("extra-opts", extra_opts, port)
        for path in corpus:
            name = os.path.basename(path)[:-len(".snmprec")]
            runner.run("corpus/" + name, corpus_recording, port, name)
        runner.run("corpus/known-verdicts", corpus_known_verdicts, port)
    finally:
        sim.stop()
    ppsim = PPSim(FIXTURES)
    try:
        ppsim.wait("quirk_ok_colour_laser")
        runner.run("broken-agents", broken_agents, ppsim.port)
        runner.run("alarm-backstop", alarm_backstop, ppsim.port)
    finally:
        ppsim.stop()
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
