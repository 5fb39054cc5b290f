#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The vendor's Grafana dashboard (contrib/grafana/printprobe-vendor.json)
against a real PostgreSQL 15 (pg_server.py) that `printprobe ingest` filled
from signed report mails of two sites, over three months.

Every SQL query of the dashboard (each panel's rawSql and the template
variable's query) is expanded the way Grafana's PostgreSQL data source
expands it (expand() below), run with psql, and its rows are checked
against what the mails hold: the printers in error with their reason and
since when, the low supplies with the policy's severity, the pages per
month as the rises of each counter between readings (never across a
counter that went backwards), equal to what `printprobe meters` gives for
each month. One report is mailed a day after its printers were read, across
the end of a month: its readings count in the month they were read."""

import csv
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PrivateKey

import harness
import signing
from harness import Runner, binary
from pg_server import Postgres

DASHBOARD = os.path.join(harness.ROOT, "contrib", "grafana",
                         "printprobe-vendor.json")
UTC = datetime.timezone.utc


def at(text):
    """An aware UTC datetime from "2026-03-31T20:00"."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the fleet -----------------------------------------------------------

def supply(colour, percent):
    return {"description": colour.capitalize() + " Toner", "colour": colour,
            "type": "toner", "receptacle": False, "level": percent,
            "max": 100, "unit": "percent", "percent": percent,
            "state": "low" if percent <= 10 else "ok"}


def printer(serial, maker, model, counters, read_at, errors=(), alerts=(),
            supplies=(), reachable=True):
    """A printer object of report.json (the format of printprobe scan
    --json). read_at None: the report does not say when it was read."""
    c = dict(counters)
    c["read_at"] = iso(read_at) if read_at else None
    p = {"address": "192.0.2.%d" % (sum(map(ord, serial)) % 200 + 1),
         "reachable": reachable, "serial": serial, "manufacturer": maker,
         "model": model, "counters": c}
    if reachable:
        p["status"] = {"printer": "idle", "device": "running",
                       "asleep": False, "errors": list(errors)}
        p["supplies"] = list(supplies)
        p["alerts"] = [{"severity": "critical", "group": "mediaPath",
                        "code": 8, "description": a} for a in alerts]
    else:
        p["error"] = "no answer"
    return p


def na(when, total, mono, colour, supplies=()):
    """North's colour printer: total, mono and colour."""
    return printer("NRT-A1", "Xerox", "VersaLink C405",
                   {"total": total, "mono": mono, "colour": colour}, when,
                   supplies=supplies)


def nb(when, total, jammed):
    """North's mono printer; jammed: its jam bit and a critical alert."""
    return printer("NRT-B2", "Brother", "HL-L5100DN", {"total": total}, when,
                   errors=["jammed"] if jammed else [],
                   alerts=["Paper jam"] if jammed else [])


LOW = [supply("black", 8), supply("cyan", 15), supply("magenta", 55)]

# (site, Date of the mail, printers). North's second report is mailed a day
# after its printers were read, on 31 March: its pages are March's.
REPORTS = [
    ("north", at("2026-03-02T08:00"), [
        na(at("2026-03-02T07:55"), 1000, 800, 200),
        nb(at("2026-03-02T07:56"), 5000, False)]),
    ("north", at("2026-04-01T20:00"), [
        na(at("2026-03-31T20:00"), 1400, 1100, 300),
        nb(at("2026-03-31T20:00"), 5600, True)]),
    ("north", at("2026-04-15T08:00"), [
        na(at("2026-04-15T07:55"), 1500, 1150, 350),
        nb(at("2026-04-15T07:56"), 5700, True)]),
    # A new board: North's colour printer counts from 100 again.
    ("north", at("2026-04-22T08:00"), [
        na(at("2026-04-22T07:55"), 100, 80, 20),
        nb(at("2026-04-22T07:56"), 5800, True)]),
    ("north", at("2026-04-28T08:00"), [
        na(at("2026-04-28T07:55"), 400, 300, 100, supplies=LOW),
        nb(at("2026-04-28T07:56"), 6000, True)]),
    ("south", at("2026-03-10T09:00"), [
        printer("STH-A1", "HP", "LaserJet M507", {"total": 20000},
                at("2026-03-10T08:58")),
        printer("STH-B2", "Kyocera", "ECOSYS P2040dn", {"total": 300},
                at("2026-03-10T08:59"))]),
    ("south", at("2026-03-25T09:00"), [
        printer("STH-A1", "HP", "LaserJet M507", {"total": 20400},
                at("2026-03-25T08:58")),
        printer("STH-B2", "Kyocera", "ECOSYS P2040dn", {"total": 350},
                at("2026-03-25T08:59"), supplies=[supply("black", 5)])]),
    # STH-B2 stops answering: the report carries its last counters and the
    # time they were read.
    ("south", at("2026-04-20T09:00"), [
        printer("STH-A1", "HP", "LaserJet M507", {"total": 21000},
                at("2026-04-20T08:58"), errors=["doorOpen"]),
        printer("STH-B2", "Kyocera", "ECOSYS P2040dn", {"total": 350},
                at("2026-03-25T08:59"), reachable=False)]),
    # A report that does not say when its printer was read: its Date.
    ("south", at("2026-05-05T09:00"), [
        printer("STH-A1", "HP", "LaserJet M507", {"total": 21500}, None,
                errors=["doorOpen"])]),
]

RANGE = (at("2026-03-01T00:00"), at("2026-06-01T00:00"))


def reading_time(site_date, p):
    read_at = p["counters"]["read_at"]
    return at(read_at[:-1]) if read_at else site_date


def expected_pages(sites):
    """{month: {counter: pages}} from REPORTS, computed here: per printer
    and counter, the rises between its readings within the month, in the
    order it was read."""
    series = {}
    for site, date, printers in REPORTS:
        if site not in sites:
            continue
        for p in printers:
            when = reading_time(date, p)
            for name in ("total", "mono", "colour"):
                if name in p["counters"]:
                    key = (p["serial"], name, (when.year, when.month))
                    series.setdefault(key, []).append(
                        (when, p["counters"][name]))
    pages = {}
    for (_, name, month), values in series.items():
        values = [v for _, v in sorted(values, key=lambda x: x[0])]
        rises = sum(b - a for a, b in zip(values, values[1:]) if b >= a)
        per = pages.setdefault(month, {})
        per[name] = per.get(name, 0) + rises
    return pages


# --- Grafana's macros ----------------------------------------------------

def grafana_time(when):
    """Go's time.RFC3339Nano of a UTC time, as Grafana writes $__timeFrom():
    no fraction for whole seconds."""
    text = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0")
    return text.rstrip(".") + "Z"


def interval_seconds(text):
    """Grafana's interval words the dashboard may use: 30s, 5m, 1h, 1d,
    1w. Months and years are no fixed number of seconds: refused."""
    m = re.fullmatch(r"(\d+)([smhdw])", text)
    if m is None:
        raise AssertionError("interval %r: not one the expander knows" % text)
    return int(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400,
                              "w": 604800}[m.group(2)]


def expand(sql, time_range, variables):
    """The SQL Grafana's PostgreSQL data source sends for sql, over
    time_range (from, to) with the template variables given (name -> list
    of values):

    - $__timeFilter(col) -> col BETWEEN 'from' AND 'to'
    - $__timeFrom(), $__timeTo() -> 'from', 'to'
    - $__timeGroup(col, '1d') -> floor(extract(epoch from col)/86400)*86400
    - $__timeGroupAlias(col, '1d') -> the same AS "time"
    - $name, ${name}: a multi-value variable as a list of quoted literals
      ('a','b', quotes doubled), as Grafana writes it for SQL.

    Times in RFC 3339 UTC. A macro's arguments are what lies between its
    parentheses, with no parenthesis inside (Grafana's own pattern), split
    at commas. Any other macro or variable fails the test."""
    frm, to = (grafana_time(t) for t in time_range)

    def macro(m):
        name = m.group(1)
        args = [a.strip() for a in m.group(2).split(",")]
        if name == "timeFilter":
            return "%s BETWEEN '%s' AND '%s'" % (args[0], frm, to)
        if name == "timeFrom":
            return "'%s'" % frm
        if name == "timeTo":
            return "'%s'" % to
        if name in ("timeGroup", "timeGroupAlias"):
            s = interval_seconds(args[1].strip("'"))
            group = "floor(extract(epoch from %s)/%d)*%d" % (args[0], s, s)
            return group + (' AS "time"' if name == "timeGroupAlias" else "")
        raise AssertionError("macro $__%s is not expanded here" % name)

    sql = re.sub(r"\$__(\w+)\(([^)]*)\)", macro, sql)

    def variable(m):
        name = m.group(1) or m.group(2)
        if name not in variables:
            raise AssertionError("unknown variable $%s" % name)
        return ",".join("'%s'" % v.replace("'", "''")
                        for v in variables[name])

    return re.sub(r"\$\{(\w+)\}|\$(\w+)", variable, sql)


# --- the dashboard's queries ---------------------------------------------

def dashboard():
    with open(DASHBOARD) as f:
        return json.load(f)


def panel_queries(dash):
    """{panel title: (format, rawSql)}; every panel has one query."""
    out = {}
    for panel in dash["panels"]:
        targets = panel.get("targets", [])
        if len(targets) != 1 or "rawSql" not in targets[0]:
            raise AssertionError("%s: %r" % (panel["title"], targets))
        out[panel["title"]] = (targets[0]["format"], targets[0]["rawSql"])
    return out


def run_sql(pg, sql):
    """The rows (dicts of text, "" for NULL) psql gives for sql."""
    env = dict(os.environ, PGTZ="UTC", PGDATESTYLE="ISO")
    proc = subprocess.run(["psql", "-X", "-q", "--csv", "-v",
                           "ON_ERROR_STOP=1", "-d", pg.url, "-c", sql],
                          capture_output=True, text=True, timeout=60,
                          env=env)
    if proc.returncode != 0:
        raise AssertionError("%s\n%s" % (proc.stderr.strip(), sql))
    return list(csv.DictReader(io.StringIO(proc.stdout)))


def ts(text):
    """A timestamptz as psql prints it (ISO, UTC) -> an aware datetime."""
    return datetime.datetime.fromisoformat(text) if text else None


def number(text):
    return int(float(text)) if text != "" else None


# --- checks --------------------------------------------------------------

class Checks:
    def __init__(self, pg, dash):
        self.pg = pg
        self.queries = panel_queries(dash)
        self.dash = dash
        self.problems = []
        self.unchecked = set(self.queries)

    def rows(self, title, sites=("north", "south"), time_range=RANGE):
        self.unchecked.discard(title)
        _, sql = self.queries[title]
        return run_sql(self.pg, expand(sql, time_range,
                                       {"site": list(sites)}))

    def want(self, what, got, expected):
        if got != expected:
            self.problems.append("%s: got %r, want %r" % (what, got,
                                                          expected))

    def site_variable(self):
        [var] = [v for v in self.dash["templating"]["list"]
                 if v["name"] == "site"]
        rows = run_sql(self.pg, expand(var["query"], RANGE, {}))
        self.want("$site values", [list(r.values())[0] for r in rows],
                  ["north", "south"])

    def sites(self):
        self.want("Sites", self.rows("Sites"), [{"sites": "2"}])
        self.want("Sites of south", self.rows("Sites", ("south",)),
                  [{"sites": "1"}])
        got = [(r["site"], r["printers"], ts(r["last_report"]),
                ts(r["last_reading"]), r["reports_in_range"])
               for r in self.rows("Sites: printers and last report")]
        self.want("Sites table", got, [
            ("north", "2", at("2026-04-28T08:00"), at("2026-04-28T07:56"),
             "5"),
            # South's last report says no read time: its Date stands in.
            ("south", "2", at("2026-05-05T09:00"), at("2026-05-05T09:00"),
             "4")])
        got = self.rows("Sites: printers and last report",
                        time_range=(at("2026-04-01T00:00"),
                                    at("2026-04-30T00:00")))
        self.want("reports in April", [r["reports_in_range"] for r in got],
                  ["4", "1"])

    def in_error(self):
        got = [(r["site"], r["serial"], r["maker"], r["model"], r["state"],
                r["reason"], ts(r["since"]), ts(r["last_reading"]))
               for r in self.rows("Printers in error")]
        self.want("Printers in error", got, [
            # In error since it was read on 31 March, mailed on 1 April.
            ("north", "NRT-B2", "Brother", "HL-L5100DN", "critical",
             "jammed; Paper jam", at("2026-03-31T20:00"),
             at("2026-04-28T07:56")),
            ("south", "STH-A1", "HP", "LaserJet M507", "critical",
             "doorOpen", at("2026-04-20T08:58"), at("2026-05-05T09:00"))])
        got = [r["serial"] for r in self.rows("Printers in error",
                                              ("north",))]
        self.want("Printers in error at north", got, ["NRT-B2"])

    def supplies(self):
        got = [(r["site"], r["serial"], r["supply"], number(
            r["level_percent"]), r["severity"])
            for r in self.rows("Supplies low")]
        # The policy: critical below 10 %, warning below 20 %. STH-B2
        # stopped answering: its last levels stand.
        self.want("Supplies low", got, [
            ("south", "STH-B2", "black", 5, "critical"),
            ("north", "NRT-A1", "black", 8, "critical"),
            ("north", "NRT-A1", "cyan", 15, "warning")])

    def pages(self, meters):
        for sites in (("north", "south"), ("south",)):
            got = {}
            for r in self.rows("Pages per month", sites):
                when = ts(r["time"])
                got[(when.year, when.month)] = {
                    k: number(r[k]) for k in ("total", "mono", "colour")
                    if number(r[k]) is not None}
            want = expected_pages(sites)
            self.want("Pages per month of %s" % "+".join(sites), got, want)
            self.want("Pages per month of %s, by printprobe meters" %
                      "+".join(sites), got, meters(sites, sorted(got)))
        # North's March: 1000 pages, 400 + 600; its April: the colour
        # printer's new board counts from 100, 300 more (not -1400).
        north = expected_pages(("north",))
        self.want("north's own figures", (north[(2026, 3)]["total"],
                                          north[(2026, 4)]), (
            1000, {"total": 600, "mono": 220, "colour": 80}))
        # A range that begins mid-month counts the month whole.
        mid = self.rows("Pages per month", time_range=(
            at("2026-03-15T00:00"), RANGE[1]))
        self.want("a range from 15 March", [number(r["total"]) for r in mid],
                  [v["total"] for _, v in sorted(expected_pages(
                      ("north", "south")).items())])

    def reports(self):
        got = sorted((datetime.datetime.fromtimestamp(
            float(r["time"]), UTC), r["metric"], r["reports"])
            for r in self.rows("Reports per day"))
        want = sorted((datetime.datetime(d.year, d.month, d.day,
                                         tzinfo=UTC), site, "1")
                      for site, d, _ in REPORTS)
        self.want("Reports per day", got, want)


# --- the test ------------------------------------------------------------

class Fleet:
    """Two sites' keys, their mails, and a trusted-keys folder."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="pp-vendor-")
        os.chmod(self.tmp, 0o755)
        self.trusted = os.path.join(self.tmp, "trusted")
        os.makedirs(self.trusted, mode=0o755)
        keys = {s: Ed25519PrivateKey.generate() for s in ("north", "south")}
        for site, key in keys.items():
            with open(os.path.join(self.trusted, site + ".pub"), "w") as f:
                f.write(signing.public_line(key))
        self.maildir = os.path.join(self.tmp, "Maildir")
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(self.maildir, sub))
        for i, (site, date, printers) in enumerate(REPORTS):
            report = json.dumps({"printers": printers}).encode()
            mid = "<%s.%d.printprobe@%s.example>" % (
                date.strftime("%Y%m%dT%H%M%SZ"), i, site)
            with open(os.path.join(self.maildir, "new", "%02d.%s" % (
                    i, site)), "wb") as f:
                f.write(signing.signed_mail(keys[site], mid, date, report))

    def ingest(self, db):
        proc = subprocess.run(
            [binary("printprobe"), "ingest", "--maildir", self.maildir,
             "--db", db, "--trusted-keys", self.trusted],
            capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or proc.stderr.count(": stored (") != \
                len(REPORTS):
            raise AssertionError("ingest: %d %s" % (proc.returncode,
                                                    proc.stderr))

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def meters_by_month(db):
    """fn(sites, months) -> {month: {counter: pages}}: printprobe meters
    for each site and calendar month, summed over printers."""
    def month_days(year, month):
        first = datetime.date(year, month, 1)
        nxt = datetime.date(year + month // 12, month % 12 + 1, 1)
        return str(first), str(nxt - datetime.timedelta(days=1))

    def fn(sites, months):
        out = {}
        for month in months:
            frm, to = month_days(*month)
            for site in sites:
                proc = subprocess.run(
                    [binary("printprobe"), "meters", "--db", db, "--from",
                     frm, "--to", to, "--site", site],
                    capture_output=True, text=True, timeout=60)
                if proc.returncode != 0:
                    raise AssertionError("meters: " + proc.stderr)
                for row in csv.DictReader(io.StringIO(proc.stdout)):
                    per = out.setdefault(month, {})
                    for k in ("total", "mono", "colour"):
                        if row.get(k):
                            per[k] = per.get(k, 0) + int(row[k])
        return out
    return fn


def test_dashboard_queries():
    fleet = Fleet()
    pg = Postgres().start()
    try:
        fleet.ingest(pg.url)
        checks = Checks(pg, dashboard())
        checks.site_variable()
        checks.sites()
        checks.in_error()
        checks.supplies()
        checks.pages(meters_by_month(pg.url))
        checks.reports()
        if checks.unchecked:
            checks.problems.append("panels no check runs: %s" %
                                   sorted(checks.unchecked))
        if checks.problems:
            raise AssertionError("\n".join(checks.problems))
    finally:
        pg.cleanup()
        fleet.cleanup()


def test_expander():
    """The macro expander itself, on Grafana's documented examples."""
    rng = (at("2017-07-18T11:15:52"), at("2017-07-18T11:15:52") +
           datetime.timedelta(milliseconds=120))
    cases = [
        ("WHERE $__timeFilter(t)",
         "WHERE t BETWEEN '2017-07-18T11:15:52Z' AND "
         "'2017-07-18T11:15:52.12Z'"),
        ("$__timeFrom() $__timeTo()",
         "'2017-07-18T11:15:52Z' '2017-07-18T11:15:52.12Z'"),
        ("SELECT $__timeGroupAlias(t, '5m')",
         "SELECT floor(extract(epoch from t)/300)*300 AS \"time\""),
        ("IN ($site) OR ${site}", "IN ('a','o''b') OR 'a','o''b'"),
    ]
    for sql, want in cases:
        got = expand(sql, rng, {"site": ["a", "o'b"]})
        if got != want:
            raise AssertionError("%r: %r, want %r" % (sql, got, want))
    for bad in ("$__unixEpochFilter(t)", "$other", "$__timeGroup(t, '1M')"):
        try:
            expand(bad, rng, {})
        except AssertionError:
            continue
        raise AssertionError("%r expanded" % bad)


def main():
    runner = Runner("vendor-dashboard")
    runner.run("expander", test_expander)
    runner.run("dashboard-queries", test_dashboard_queries)
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
