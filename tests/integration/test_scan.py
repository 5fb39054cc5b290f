#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""printprobe scan against simulated printers: the project's fixtures (one per
quirk), every recording of the test corpus, broken agents, privacy and the
read-only promise."""

import csv
import glob
import io
import json
import os
import subprocess
import sys
import tempfile
import time

from harness import (binary, corpus_recordings, FIXTURES, HOST, PPSim, Runner,
                     Snmpsim, V3_AUTH, V3_PRIV, free_port, load_expect, match,
                     scan, silent_port, snmpsim_v3, write_secret)

# Strings planted in fixtures that must never leave the site.
PRIVATE = ["Jane Doe", "jane@example.com", "secret-owner-name",
           "JOBNAME-SECRET-4711"]
FORBIDDEN_SUBTREE = "1.3.6.1.4.1.1248.1.2.2.44"


def uses_ppsim(path):
    with open(path) as f:
        return any(line.startswith("#ppsim:") for line in f)


def name_of(path):
    return os.path.basename(path)[:-len(".snmprec")]


def check_expectation(port, name, expect_path):
    expected = load_expect(expect_path)
    reachable = expected.get("reachable", True)
    opts = ["-c", name, "-t", "0.5", "-r", "1"]
    status, report, stderr = scan(["%s:%d" % (HOST, port)], *opts)
    printer = report["printers"][0]
    problems = match(expected, printer)
    if status != (0 if reachable else 1):
        problems.append("exit status %d" % status)
    if problems:
        raise AssertionError("; ".join(problems[:8]))


TRAY_CSV_HEADER = ("address,name,manufacturer,model,serial,tray,kind,"
                   "description,type,media,unit,level,max,percent,state,"
                   "severity")


def scan_text(port, community, *options):
    r = subprocess.run([binary("printprobe"), "scan", "-c", community,
                        *options, "%s:%d" % (HOST, port)],
                       capture_output=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError("%s %s: exit %d, %s" % (community, options,
                                                     r.returncode, r.stderr))
    # Bytes, not text mode: CSV line ends are CRLF and must stay so.
    return r.stdout.decode()


def check_trays_json_csv_table(port):
    """Trays say the same in --json, --csv trays and the table: one CSV
    row per tray and bin with the JSON's names, levels, percents, states
    and severities; the table names the trays that are not OK, worst
    words as the checks use them, and leaves the empty bypass tray out."""
    import csv
    import io
    _, report, _ = scan(["%s:%d" % (HOST, port)], "-c", "quirk_trays")
    trays = report["printers"][0]["trays"]
    text = scan_text(port, "quirk_trays", "--csv", "trays")
    lines = text.split("\r\n")
    if lines[0] != TRAY_CSV_HEADER or lines[-1] != "":
        raise AssertionError("header or line ends: %r" % text[:300])
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    if len(rows) != len(trays) or len(trays) != 10:
        raise AssertionError("%d rows for %d trays" % (len(rows), len(trays)))
    problems = []
    for row, t in zip(rows, trays):
        def cell(v):
            return "" if v is None else str(v)
        want = {"tray": t["name"], "kind": t["kind"],
                "description": t["description"], "type": cell(t["type"]),
                "media": cell(t["media"]), "unit": cell(t["unit"]),
                "level": cell(t["level"]), "max": cell(t["max"]),
                "percent": cell(t["percent"]), "state": t["state"],
                "severity": t["severity"], "serial": "XQK00140"}
        got = {k: row[k] for k in want}
        if got != want:
            problems.append("csv %r, json %r" % (got, want))
    table = scan_text(port, "quirk_trays")
    line = [l.strip() for l in table.splitlines() if "trays:" in l]
    want_words = ["tray_2 empty", "tray_3 low", "tray_5 missing",
                  "face_down_bin full"]
    if len(line) != 1 or any(w not in line[0] for w in want_words) or \
            "multi_purpose_tray" in line[0] or "tray_1 " in line[0]:
        problems.append("table trays line %r" % line)
    # All OK (the bypass tray is empty as it is kept; Auto Select -2/-2):
    # no trays line at all.
    if "trays:" in scan_text(port, "sharp"):
        problems.append("a Sharp with every tray OK has a trays line")
    if problems:
        raise AssertionError("; ".join(problems[:6]))


def check_private_strings_absent(port, names):
    for name in names:
        _, report, stderr = scan(["%s:%d" % (HOST, port)], "-c", name, "-d",
                                 "-d")
        text = str(report) + stderr
        leaked = [s for s in PRIVATE if s in text]
        if leaked:
            raise AssertionError("%s leaked %s" % (name, leaked))


def check_unreachable(port):
    status, report, _ = scan(["%s:%d" % (HOST, port)], "-t", "0.2", "-r", "1")
    p = report["printers"][0]
    if status != 1 or p["reachable"] or "no answer" not in (p["error"] or ""):
        raise AssertionError("unreachable printer reported as %r (exit %d)" %
                             (p, status))
    for key in ("supplies", "alerts", "trays"):
        if p[key]:
            raise AssertionError("%s invented for a silent printer" % key)
    if p["counters"]["total"] is not None:
        raise AssertionError("a silent printer's counter must be null, not 0")


def check_requests_read_only(sim, community):
    before = len(sim.requests())
    scan(["%s:%d" % (HOST, sim.port)], "-c", community)
    sent = sim.requests()[before:]
    if not sent:
        raise AssertionError("the responder logged no request")
    for fields in sent:
        kind, oids = fields[3], fields[4:]
        if kind not in ("get", "getnext", "getbulk"):
            raise AssertionError("request of kind %s sent" % kind)
        bad = [o for o in oids if o.lstrip(".").startswith(FORBIDDEN_SUBTREE)]
        if bad:
            raise AssertionError("request under the forbidden subtree: %s" % bad)


def check_round_trips(sim, community, most):
    before = len(sim.requests())
    scan(["%s:%d" % (HOST, sim.port)], "-c", community)
    count = len(sim.requests()) - before
    if count > most:
        raise AssertionError("%d requests for one printer, wanted <= %d" %
                             (count, most))


def check_snmpv3(tmp):
    """authPriv SHA/AES against snmpsim's v3 engine; the context picks the
    recording. Secrets come from files and never show in any output."""
    fixture = os.path.join(FIXTURES, "quirk_ok_colour_laser.snmprec")
    sim = snmpsim_v3(fixture)
    try:
        files = {}
        for name, secret in (("auth", V3_AUTH), ("priv", V3_PRIV),
                             ("wrong", "not-the-Key-123")):
            files[name] = os.path.join(tmp, name)
            with open(files[name], "w") as f:
                f.write(secret + "\n")
        common = ["-v", "3", "-u", "monitor", "--auth-proto", "SHA",
                  "--priv-proto", "AES", "--priv-pass-file", files["priv"],
                  "--context", "quirk_ok_colour_laser", "-d", "-d"]
        status, report, stderr = scan(["%s:%d" % (HOST, sim.port)], *common,
                                      "--auth-pass-file", files["auth"])
        problems = match(load_expect(fixture[:-len(".snmprec")] +
                                     ".expect.json"), report["printers"][0])
        if status != 0 or problems:
            raise AssertionError("v3 scan: exit %d, %s" % (status, problems))
        status, report, stderr2 = scan(["%s:%d" % (HOST, sim.port)], *common,
                                       "--auth-pass-file", files["wrong"],
                                       "-t", "0.3", "-r", "0")
        p = report["printers"][0]
        if status != 1 or p["reachable"] or "SNMPv3" not in p["error"]:
            raise AssertionError("wrong key: %r" % p)
        for text in (str(report), stderr, stderr2):
            if V3_AUTH in text or V3_PRIV in text:
                raise AssertionError("a passphrase appeared in the output")
    finally:
        sim.stop()


FD_LIMIT = 40


def _limited(targets_file, options):
    """printprobe scan --json -dd under a file-descriptor limit of FD_LIMIT,
    soft and hard: it cannot be raised."""
    argv = ["prlimit", "--nofile=%d:%d" % (FD_LIMIT, FD_LIMIT),
            binary("printprobe"), "scan", "--json", "-d", "-d", "-f",
            targets_file] + list(options)
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    report = json.loads(r.stdout) if r.stdout.strip() else None
    return r.returncode, report, r.stderr


def check_fd_limit(ppsim, tmp):
    """300 SNMPv2c printers under a limit of 40 open files, which cannot be
    raised: they share a few sockets, every one is read, and -dd says how
    the engine fits the limit. (A socket per printer needed 300.)"""
    path = os.path.join(tmp, "many.txt")
    with open(path, "w") as f:
        for _ in range(300):
            f.write("%s:%d community=quirk_ok_colour_laser\n" % (HOST,
                                                                ppsim.port))
    status, report, stderr = _limited(path, [])
    answered = sum(p["reachable"] for p in report["printers"]) if report \
        else 0
    if status != 0 or answered != 300:
        raise AssertionError("exit %d, %d of 300 answered; %s" %
                             (status, answered, stderr[-1500:]))
    if "file-descriptor limit %d" % FD_LIMIT not in stderr or \
            "share up to" not in stderr:
        raise AssertionError("no plan in -dd: %s" % stderr[-1500:])


def _waited_in_file(stderr):
    for line in stderr.splitlines():
        if "parts waited in a temporary file" in line:
            return int(line.split("report: ")[1].split()[0])
    raise AssertionError("no report line in -dd: %s" % stderr[-1500:])


def _comparable(report):
    """The report without what differs from one run to the next."""
    for p in report["printers"]:
        for key in ("read_at", "duration_s", "requests", "round_trips"):
            p.pop(key, None)
        p.get("counters", {}).pop("read_at", None)
    return report


def check_report_waits_in_file(ppsim, tmp):
    """A silent printer first holds every part behind it: past 1 MiB they
    wait in a file under TMPDIR, and the report is the same, in the same
    order, as when no such file can be made (and they wait in memory)."""
    path = os.path.join(tmp, "held.txt")
    with open(path, "w") as f:
        f.write("%s:%d community=nobody-answers\n" % (HOST, ppsim.port))
        for _ in range(600):
            f.write("%s:%d community=quirk_big_tables\n" % (HOST, ppsim.port))
    reports = []
    for tmpdir, spilled in ((tmp, True), ("/nonexistent-printprobe-dir",
                                          False)):
        env = dict(os.environ, TMPDIR=tmpdir)
        status, report, stderr = scan([], "-f", path, "-t", "0.5", "-r", "0",
                                      "-dd", env=env)
        printers = report["printers"] if report else []
        waited = _waited_in_file(stderr)
        if (status != 1 or len(printers) != 601 or printers[0]["reachable"]
                or not all(p["reachable"] for p in printers[1:]) or
                (waited > 0) != spilled):
            raise AssertionError("TMPDIR %s: exit %d, %d printers, %d "
                                 "waited in a file" % (tmpdir, status,
                                                       len(printers), waited))
        reports.append(_comparable(report))
    if reports[0] != reports[1]:
        raise AssertionError("the report differs when parts wait in a file")
    if os.listdir(tmp) != ["held.txt"]:
        raise AssertionError("left behind in TMPDIR: %s" % os.listdir(tmp))


def check_fd_limit_v3(tmp):
    """SNMPv3 printers need a socket each while polled: 60 of them under
    a limit of 40 open files are polled as many at once as fit, and every
    one is read."""
    fixture = os.path.join(FIXTURES, "quirk_ok_colour_laser.snmprec")
    sim = snmpsim_v3(fixture)
    try:
        files = {name: write_secret(os.path.join(tmp, "fd-" + name), secret)
                 for name, secret in (("auth", V3_AUTH), ("priv", V3_PRIV))}
        path = os.path.join(tmp, "many-v3.txt")
        with open(path, "w") as f:
            for _ in range(60):
                f.write("%s:%d\n" % (HOST, sim.port))
        status, report, stderr = _limited(
            path, ["-v", "3", "-u", "monitor", "--auth-proto", "SHA",
                   "--auth-pass-file", files["auth"], "--priv-proto", "AES",
                   "--priv-pass-file", files["priv"], "--context",
                   "quirk_ok_colour_laser"])
        answered = sum(p["reachable"] for p in report["printers"]) \
            if report else 0
        if status != 0 or answered != 60:
            raise AssertionError("exit %d, %d of 60 answered; %s" %
                                 (status, answered, stderr[-1500:]))
    finally:
        sim.stop()


def check_secret_file_mode(ppsim, tmp):
    """A community file open to others is used, with a warning on stderr
    naming the file and never the community; at mode 0600 nothing is
    said."""
    community = "quirk_ok_colour_laser"
    path = os.path.join(tmp, "community")
    with open(path, "w") as f:
        f.write(community + "\n")
    target = ["%s:%d" % (HOST, ppsim.port)]
    problems = []
    for mode, warned in ((0o644, True), (0o640, True), (0o600, False)):
        os.chmod(path, mode)
        status, report, stderr = scan(target, "--community-file", path,
                                      "-t", "1", "-r", "1")
        said = path in stderr and "chmod 600" in stderr
        if status != 0 or not report["printers"][0]["reachable"]:
            problems.append("%o: exit %d" % (mode, status))
        if community in stderr:
            problems.append("%o: the community is on stderr" % mode)
        if said != warned or (not warned and stderr.strip()):
            problems.append("%o: stderr %r" % (mode, stderr[-300:]))
    if problems:
        raise AssertionError("; ".join(problems))


# Agents that end a printer's poll early, one recording each: a copy of a
# plain fixture with a #ppsim: switch. (name, switch, scan options, error
# wanted (None: reachable, no error), most requests, a text that must not be
# in the log or the error; -d shows notices.)
ENDINGS = [
    # The deadline ends the GET while a try is in flight; closing the
    # session hands that try back as timed out, which is no timeout of ours.
    ("deadline_in_get", "silent",
     ["-d", "-t", "2", "-r", "0", "--deadline", "0.5"],
     "no answer before the deadline", 2, "walking with GETNEXT"),
    ("deadline_in_getbulk", "getbulk=drop",
     ["-d", "-t", "2", "-r", "0", "--deadline", "0.5"],
     "walk incomplete: deadline reached", 3, "walking with GETNEXT"),
    ("deadline_in_getnext", "getnext=drop",
     ["-d", "--getnext", "-t", "2", "-r", "0", "--deadline", "0.5"],
     "walk incomplete: deadline reached", 3, "stopped answering"),
    # SNMPv1 noSuchName naming no varbind of the GET: no scalar to drop, so
    # the GET is not asked again (it was, until the deadline: a storm).
    ("v1_nosuchname_bad_index", "get=badIndex",
     ["-v", "1", "-t", "1", "-r", "1", "--deadline", "3"], None, 200,
     "no answer before the deadline"),
]


def check_poll_endings(tmp):
    data = os.path.join(tmp, "endings")
    os.makedirs(data)
    with open(os.path.join(FIXTURES, "quirk_ok_colour_laser.snmprec")) as f:
        recording = f.read()
    for name, switch, _, _, _, _ in ENDINGS:
        with open(os.path.join(data, name + ".snmprec"), "w") as f:
            f.write("#ppsim: %s\n%s" % (switch, recording))
    sim = PPSim(data)
    problems = []
    try:
        sim.wait("deadline_in_getbulk")
        for name, _, options, error, most, unwanted in ENDINGS:
            _, report, stderr = scan(["%s:%d" % (HOST, sim.port)], "-c", name,
                                     *options)
            p = report["printers"][0]
            sent = [r for r in sim.requests() if r[2] == name]
            if error is not None and p["error"] != error:
                problems.append("%s: error %r" % (name, p["error"]))
            if error is None and (not p["reachable"] or p["error"]):
                problems.append("%s: %r" % (name, p))
            if len(sent) > most:
                problems.append("%s: %d requests" % (name, len(sent)))
            if unwanted in stderr or unwanted in (p["error"] or ""):
                problems.append("%s: %r in %r" % (name, unwanted, stderr))
    finally:
        sim.stop()
    if problems:
        raise AssertionError("; ".join(problems))


def check_ipv6_and_host_names():
    """[::1]:port and a host name reach the same printer as 127.0.0.1."""
    port = free_port()
    sim = PPSim(FIXTURES, listen=["[::1]:%d" % port, "%s:%d" % (HOST, port)])
    try:
        sim.wait("quirk_ok_colour_laser")
        status, report, _ = scan(["[::1]:%d" % port, "localhost:%d" % port],
                                 "-c", "quirk_ok_colour_laser")
        serials = [p["serial"] for p in report["printers"]]
        if status != 0 or serials != ["TESTSN0150", "TESTSN0150"]:
            raise AssertionError("exit %d, serials %r" % (status, serials))
    finally:
        sim.stop()


def check_small_buffer_keeps_getbulk(sim):
    """A printer that drops big GETBULK answers gets a GETBULK for one row
    of each column, not a walk of one value per round trip."""
    before = len(sim.requests())
    status, report, _ = scan(["%s:%d" % (HOST, sim.port)], "-c",
                             "quirk_getbulk_big_dropped", "-t", "0.3", "-r",
                             "1")
    kinds = [fields[3] for fields in sim.requests()[before:]]
    if status != 0 or "getnext" in kinds or kinds.count("getbulk") < 3:
        raise AssertionError("exit %d, requests %r" % (status, kinds))


def check_grown_getbulk_dropped(sim):
    """A printer that answered 128 values but drops the 256 asked next: the
    poller goes back to 128 at once, not to one row per column or GETNEXT
    (which cost this printer 20 requests and more)."""
    before = len(sim.requests())
    status, report, stderr = scan(["%s:%d" % (HOST, sim.port)], "-c",
                                  "quirk_getbulk_grown_dropped", "-t", "0.5",
                                  "-r", "1", "-d")
    kinds = [fields[3] for fields in sim.requests()[before:]]
    if (status != 0 or "getnext" in kinds or len(kinds) > 8 or
            "back to 128" not in stderr or "asking for less" in stderr):
        raise AssertionError("exit %d, requests %r, stderr %s" % (
            status, kinds, stderr))


def check_table_states_partial_read(sim):
    """The table says when a read was cut short (here a looping agent), not
    only --json: a reason line under the printer and a count at the end."""
    r = subprocess.run([binary("printprobe"), "scan", "-c", "quirk_walk_loop",
                        "%s:%d" % (HOST, sim.port)], capture_output=True,
                       text=True, timeout=120)
    lines = r.stdout.splitlines()
    notes = [l.strip() for l in lines if "read incomplete:" in l]
    if (r.returncode != 0 or len(notes) != 1 or
            "non-increasing OID" not in notes[0] or
            not lines[-1].endswith(", 1 read incomplete")):
        raise AssertionError("exit %d, table:\n%s" % (r.returncode, r.stdout))
    r = subprocess.run([binary("printprobe"), "scan", "-c",
                        "quirk_ok_colour_laser", "%s:%d" % (HOST, sim.port)],
                       capture_output=True, text=True, timeout=120)
    if "incomplete" in r.stdout:
        raise AssertionError("a complete read marked:\n%s" % r.stdout)


def table_of(sim, community):
    r = subprocess.run([binary("printprobe"), "scan", "-c", community,
                        "%s:%d" % (HOST, sim.port)], capture_output=True,
                       text=True, timeout=120)
    return r.stdout.splitlines()


def csv_counters_of(sim, community):
    r = subprocess.run([binary("printprobe"), "scan", "--csv", "counters",
                        "-c", community, "%s:%d" % (HOST, sim.port)],
                       capture_output=True, text=True, timeout=120)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    return {row["counter"]: (row["value"], row["unit"]) for row in rows}


def check_meters_in_table_and_csv(sim):
    """The table has MONO and COLOUR after PAGES ("-" when the printer has
    no such meter), and --csv counters a row per meter with its unit."""
    lines = table_of(sim, "vendor_canon")
    head, row = lines[0].split(), lines[1].split()
    at = head.index("PAGES")
    if head[at:at + 3] != ["PAGES", "MONO", "COLOUR"]:
        raise AssertionError("header: %s" % lines[0])
    if "70000 50000 20000" not in " ".join(row):
        raise AssertionError("row: %s" % lines[1])
    if "12000 - -" not in " ".join(table_of(sim, "vendor_lexmark")[1].split()):
        raise AssertionError("a printer without meters: %s" %
                             table_of(sim, "vendor_lexmark")[1])
    got = csv_counters_of(sim, "vendor_canon")
    want = {"total": ("70000", "impressions"), "mono": ("50000", "impressions"),
            "colour": ("20000", "impressions"), "scan": ("9000", "images"),
            "large_colour": ("5000", "impressions")}
    for key, value in want.items():
        if got.get(key) != value:
            raise AssertionError("csv %s: %r, wanted %r" %
                                 (key, got.get(key), value))
    if "fax" in got:
        raise AssertionError("csv has a fax row the printer never reported")


SUPPLY_ROW = "1.3.6.1.2.1.43.11.1.1."


def supplies_recording(rows):
    """The reference printer with `rows` toner rows in its supplies table."""
    with open(os.path.join(FIXTURES, "quirk_ok_colour_laser.snmprec")) as f:
        lines = [l for l in f.read().splitlines()
                 if not l.startswith(SUPPLY_ROW)]
    columns = {2: "2|1", 3: "2|0", 4: "2|3", 5: "2|3", 6: "4|Toner %d",
               7: "2|19", 8: "2|100", 9: "2|50"}
    for col, value in columns.items():
        for n in range(1, rows + 1):
            text = value % n if "%d" in value else value
            lines.append("%s%d.1.%d|%s" % (SUPPLY_ROW, col, n, text))

    def oid_key(line):
        return [int(x) for x in line.split("|")[0].split(".") if x.isdigit()]
    lines = [l for l in lines if l and not l.startswith("#")]
    return "\n".join(sorted(lines, key=oid_key)) + "\n"


def check_row_limit(tmp):
    """A table of exactly the row limit (512) is read whole and complete;
    one row more is cut at the limit and says so."""
    for rows in (512, 513):
        with open(os.path.join(tmp, "rows%d.snmprec" % rows), "w") as f:
            f.write(supplies_recording(rows))
    sim = PPSim(tmp)
    try:
        sim.wait("rows512")
        problems = []
        for rows, cut in ((512, False), (513, True)):
            _, report, _ = scan(["%s:%d" % (HOST, sim.port)], "-c",
                                "rows%d" % rows)
            p = report["printers"][0]
            if len(p["supplies"]) != 512 or bool(p["error"]) != cut or \
                    (cut and "too many rows" not in p["error"]):
                problems.append("%d rows: %d supplies, error %r" % (
                    rows, len(p["supplies"]), p["error"]))
        if problems:
            raise AssertionError("; ".join(problems))
    finally:
        sim.stop()


def check_output_write_errors(sim):
    """A full disk or a closed pipe fails the run: never exit 0 with a
    report cut short."""
    problems = []
    for fmt in ([], ["--json"], ["--csv", "supplies"], ["--csv", "counters"],
                ["--csv", "trays"]):
        with open("/dev/full", "w") as full:
            r = subprocess.run([binary("printprobe"), "scan", "-c",
                                "quirk_ok_colour_laser", *fmt,
                                "%s:%d" % (HOST, sim.port)], stdout=full,
                               stderr=subprocess.PIPE, text=True, timeout=120)
        if r.returncode == 0 or "cannot write the output" not in r.stderr:
            problems.append("%s: exit %d, %r" % (fmt, r.returncode,
                                                 r.stderr))
    if problems:
        raise AssertionError("; ".join(problems))


class Relay:
    """Takes requests at 127.0.0.1:port, forwards them to an agent, and
    sends each answer back from `answer_from` ("same" socket, another port,
    or 127.0.0.2): what a relay or a spoofer on the path would do. Handles
    at most 200 datagrams and stops by itself after 60 s."""

    def __init__(self, agent_port, answer_from):
        import socket
        import threading
        self.listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.listen.bind((HOST, 0))
        self.port = self.listen.getsockname()[1]
        self.agent = ("127.0.0.1", agent_port)
        if answer_from == "same":
            self.answer = self.listen
        else:
            self.answer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.answer.bind((answer_from, 0))
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        import socket
        deadline = time.time() + 60
        upstream = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        upstream.settimeout(2)
        self.listen.settimeout(0.2)
        for _ in range(200):
            if self.stopped.is_set() or time.time() > deadline:
                break
            try:
                data, client = self.listen.recvfrom(65535)
                upstream.sendto(data, self.agent)
                answer, _ = upstream.recvfrom(65535)
            except OSError:
                continue
            self.answer.sendto(answer, client)
        upstream.close()

    def stop(self):
        self.stopped.set()
        self.thread.join(5)
        self.listen.close()
        if self.answer is not self.listen:
            self.answer.close()


def check_answers_only_from_the_address_asked(sim):
    """A printer at 127.0.0.1:port is reachable through a relay that
    answers from that address and port, and unreachable when the answers
    come from another port or another address."""
    problems = []
    for answer_from, reachable in (("same", True), (HOST, False),
                                   ("127.0.0.2", False)):
        relay = Relay(sim.port, answer_from)
        try:
            _, report, _ = scan(["%s:%d" % (HOST, relay.port)], "-c",
                                "quirk_ok_colour_laser", "-t", "0.5", "-r",
                                "1")
        finally:
            relay.stop()
        got = report["printers"][0]["reachable"]
        if got != reachable:
            problems.append("answers from %s: reachable %r" % (answer_from,
                                                                got))
    if problems:
        raise AssertionError("; ".join(problems))


def check_usage_errors():
    for argv in (["10.0.0.0/33"], ["-v", "4", "127.0.0.1"], ["--bogus"], []):
        status, _, stderr = scan(argv)
        if status != 2 or "printprobe:" not in stderr:
            raise AssertionError("%r: exit %d, stderr %r" % (argv, status,
                                                             stderr))


def main():
    runner = Runner("scan")
    fixtures = sorted(glob.glob(os.path.join(FIXTURES, "*.snmprec")))
    plain = [f for f in fixtures if not uses_ppsim(f)]
    corpus = corpus_recordings()
    sim = Snmpsim(plain + corpus)
    try:
        sim.wait(name_of(plain[0]))
        for path in plain:
            exp = path[:-len(".snmprec")] + ".expect.json"
            if os.path.exists(exp):
                runner.run("fixture/" + name_of(path), check_expectation,
                           sim.port, name_of(path), exp)
        for path in corpus:
            exp = path[:-len(".snmprec")] + ".expect.json"
            runner.run("corpus/" + name_of(path), check_expectation, sim.port,
                       name_of(path), exp)
        runner.run("trays-json-csv-table", check_trays_json_csv_table,
                   sim.port)
        runner.run("privacy", check_private_strings_absent, sim.port,
                   [name_of(p) for p in plain])
    finally:
        sim.stop()
    # Broken agents and the request log: the project's own responder.
    ppsim = PPSim(FIXTURES)
    try:
        ppsim.wait("quirk_ok_colour_laser")
        for path in fixtures:
            if not uses_ppsim(path):
                continue
            exp = path[:-len(".snmprec")] + ".expect.json"
            runner.run("broken/" + name_of(path), check_expectation,
                       ppsim.port, name_of(path), exp)
        for path in fixtures:
            runner.run("read-only/" + name_of(path), check_requests_read_only,
                       ppsim, name_of(path))
        runner.run("round-trips", check_round_trips, ppsim,
                   "quirk_ok_colour_laser", 4)
        # A printer of a known maker: its private OIDs and the PWG counters
        # join the same walk, so it costs no more than any other.
        for path in fixtures:
            name = name_of(path)
            if name.startswith(("vendor_", "pwg_", "epson_business")) and \
                    not uses_ppsim(path):
                runner.run("round-trips/" + name, check_round_trips, ppsim,
                           name, 4)
        runner.run("small-buffer-keeps-getbulk",
                   check_small_buffer_keeps_getbulk, ppsim)
        runner.run("grown-getbulk-dropped", check_grown_getbulk_dropped,
                   ppsim)
        with tempfile.TemporaryDirectory() as tmp:
            runner.run("secret-file-mode", check_secret_file_mode, ppsim,
                       tmp)
            runner.run("fd-limit", check_fd_limit, ppsim, tmp)
        with tempfile.TemporaryDirectory() as tmp:
            runner.run("report-waits-in-file", check_report_waits_in_file,
                       ppsim, tmp)
        with tempfile.TemporaryDirectory() as tmp:
            runner.run("fd-limit-snmpv3", check_fd_limit_v3, tmp)
        runner.run("table-partial-read", check_table_states_partial_read,
                   ppsim)
        runner.run("meters-in-table-and-csv", check_meters_in_table_and_csv,
                   ppsim)
        runner.run("output-write-errors", check_output_write_errors, ppsim)
        runner.run("answers-only-from-address-asked",
                   check_answers_only_from_the_address_asked, ppsim)
    finally:
        ppsim.stop()
    # The real printers too: a long maker table (Sharp's 58 counter rows
    # behind a 13-row device table) must not cost a fifth request.
    corpus_dir = os.path.dirname(corpus[0])
    ppsim = PPSim(corpus_dir)
    try:
        ppsim.wait(name_of(corpus[0]))
        for path in corpus:
            runner.run("round-trips/corpus/" + name_of(path),
                       check_round_trips, ppsim, name_of(path), 4)
    finally:
        ppsim.stop()
    runner.run("unreachable", check_unreachable, silent_port())
    with tempfile.TemporaryDirectory() as tmp:
        runner.run("snmpv3-authpriv", check_snmpv3, tmp)
    with tempfile.TemporaryDirectory() as tmp:
        runner.run("poll-endings", check_poll_endings, tmp)
    with tempfile.TemporaryDirectory() as tmp:
        runner.run("row-limit", check_row_limit, tmp)
    runner.run("usage-errors", check_usage_errors)
    runner.run("ipv6-and-host-names", check_ipv6_and_host_names)
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
