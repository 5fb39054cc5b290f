#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Grafana dashboard (contrib/grafana/printprobe-fleet.json) against a
real Prometheus (Debian's prometheus) scraping a real collectd 5.12 with
write_prometheus and the `printer` plugin (build/rel/printer.so), polling
simulated printers on 127.0.0.1.

Prometheus scrapes write_prometheus with a default scrape config, as a site
would: the printer's name (collectd's host, write_prometheus's `instance`
label) is then in `exported_instance`. Every query of every panel and
template variable runs through Prometheus's HTTP API with the Grafana
variables replaced by concrete values, and its result is checked.

Printers: a healthy one, one asleep (its offline bit is set), one jammed with
alerts, one with a door open and a jam reached at two addresses by two
<Fleet> blocks that both name it by its sysName, and one switched off."""

import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import harness
from harness import FIXTURES, HOST, OUR_PLUGINS, Process, Runner, Snmpsim
from test_collectd import free_port_tcp, plugin_section, printer_block

PROMETHEUS = "/usr/bin/prometheus"
DASHBOARD = os.path.join(harness.ROOT, "contrib", "grafana",
                         "printprobe-fleet.json")

# sysName of quirk_errorstate_1byte: the <Fleet> blocks "east" and "west"
# both poll it, at two addresses, and both call it by this name.
TWICE = "PRN-ERR1"
BLOCKS = {"ref", "sleepy", "jam", "gone", "east", "west"}
PRINTERS = {"ref", "sleepy", "jam", "gone", TWICE}
ANSWERING = PRINTERS - {"gone"}
REF_SUPPLIES = {"black": 78, "cyan": 64, "magenta": 55, "yellow": 47,
                "waste_toner": 85, "transfer_unit": 91}
# Grafana's variables as the dashboard's "All" selection sends them, and
# the built-in intervals.
ALL = {"fleet": ".*", "printer": ".*", "__range": "7d",
       "__rate_interval": "1m", "__interval": "15s"}


def config(sim_ports, silent):
    port, port2 = sim_ports
    blocks = printer_block("ref", port, "quirk_ok_colour_laser")
    blocks += printer_block("sleepy", port, "quirk_asleep")
    blocks += printer_block("jam", port, "quirk_alerts")
    blocks += printer_block("gone", silent, "public",
                            "    Timeout 0.2\n    Retries 0\n")
    for block, p in (("east", port), ("west", port2)):
        blocks += """  <Fleet "%s">
    Address "%s:%d"
    Community "quirk_errorstate_1byte"
    HostnameFrom name
    Timeout 0.5
    Retries 1
  </Fleet>
""" % (block, HOST, p)
    return plugin_section(blocks)


class Prometheus:
    """Prometheus on a free loopback port with its own folder and a default
    scrape config of one target, scraped every second. Stopped by PID."""

    def __init__(self, target):
        self.dir = tempfile.mkdtemp(prefix="pp-prometheus-")
        self.port = free_port_tcp()
        self.conf_path = os.path.join(self.dir, "prometheus.yml")
        with open(self.conf_path, "w") as f:
            f.write("""global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: collectd
    static_configs:
      - targets: ["%s"]
""" % target)
        self.process = Process(
            [PROMETHEUS, "--config.file=" + self.conf_path,
             "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
             "--web.listen-address=%s:%d" % (HOST, self.port)],
            os.path.join(self.dir, "prometheus.log"), cwd=self.dir)

    def log(self):
        with open(os.path.join(self.dir, "prometheus.log"),
                  errors="replace") as f:
            return f.read()

    def get(self, path, params=()):
        url = "http://%s:%d%s" % (HOST, self.port, path)
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                body = json.loads(resp.read().decode())
        except urllib.error.HTTPError as e:
            body = json.loads(e.read().decode() or "{}")
        if body.get("status") != "success":
            raise AssertionError("%s %r: %s" % (path, params, body))
        return body["data"]

    def query(self, expr):
        """An instant query: [(labels, value)]; a scalar is one unlabelled
        sample."""
        data = self.get("/api/v1/query", [("query", expr)])
        if data["resultType"] == "scalar":
            return [({}, float(data["result"][1]))]
        if data["resultType"] != "vector":
            raise AssertionError("%s: result type %s" % (expr,
                                                         data["resultType"]))
        return [(r["metric"], float(r["value"][1])) for r in data["result"]]

    def query_range(self, expr, seconds=60, step=2):
        end = time.time()
        data = self.get("/api/v1/query_range",
                        [("query", expr), ("start", "%.3f" % (end - seconds)),
                         ("end", "%.3f" % end), ("step", str(step))])
        return [(r["metric"], r["values"]) for r in data["result"]]

    def wait_ready(self, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.process.proc.poll() is not None:
                raise AssertionError("prometheus exited: " +
                                     self.log()[-3000:])
            try:
                url = "http://%s:%d/-/ready" % (HOST, self.port)
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError("prometheus not ready: " + self.log()[-3000:])

    def stop(self):
        self.process.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def substitute(expr, values):
    """Grafana's $name and ${name} replaced; any other variable fails."""
    def one(m):
        name = m.group(1) or m.group(2)
        if name not in values:
            raise AssertionError("unknown variable $%s in %s" % (name, expr))
        return values[name]
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", one, expr)


def dashboard():
    with open(DASHBOARD) as f:
        return json.load(f)


def targets(dash):
    """(panel title, refId, expr, instant) of every panel's queries."""
    out = []
    for panel in dash["panels"]:
        for t in panel.get("targets", []):
            out.append((panel["title"], t["refId"], t["expr"],
                        bool(t.get("instant"))))
    return out


def by_printer(result):
    """{exported_instance: value}; a printer twice is an error."""
    out = {}
    for labels, value in result:
        name = labels.get("exported_instance")
        if name is None or name in out:
            raise AssertionError("not one series per printer: %r" % result)
        out[name] = value
    return out


def one_value(result):
    if len(result) != 1:
        raise AssertionError("wanted one value, got %r" % result)
    return result[0][1]


def scraped(prom):
    """True once every printer has been polled and scraped, and the page
    counters have two samples each (increase() needs two)."""
    series = prom.query('collectd_printer_gauge')
    types = {}
    for labels, _ in series:
        key = (labels.get("exported_instance"), labels.get("printer"))
        types.setdefault(key, set()).add(labels.get("type"))
    status = {"errors", "asleep", "alerts_critical", "alerts_warning",
              "reachable"}
    for key in [(n, n) for n in ("ref", "sleepy", "jam")] + [
            (TWICE, "east"), (TWICE, "west")]:
        if not status <= types.get(key, set()):
            return False
    if "reachable" not in types.get(("gone", "gone"), set()):
        return False
    pages = prom.query('count_over_time(collectd_printer_derive_total'
                       '{type="pages_total"}[5m]) >= 2')
    return len(pages) == 5


def check_panels(prom, dash, problems):
    """Every panel query with "All" selected (the repeated supplies panel
    once per printer): its result as the panel would show it."""
    results = {}
    for title, ref, expr, instant in targets(dash):
        if title == "$printer":
            continue
        q = substitute(expr, ALL)
        results[(title, ref)] = prom.query(q)
        if not instant:
            # Grafana asks time series panels for a range.
            if not prom.query_range(q):
                problems.append("%s %s: no range result" % (title, ref))

    def want(title, ref, check, expected):
        key = (title, ref)
        if key not in results:
            problems.append("no panel query %s %s" % key)
            return
        try:
            got = check(results.pop(key))
        except AssertionError as e:
            problems.append("%s %s: %s" % (title, ref, e))
            return
        if got != expected:
            problems.append("%s %s: wanted %r, got %r" %
                            (title, ref, expected, got))

    want("Printers", "A", one_value, len(PRINTERS))
    want("Not answering", "A", one_value, 1)
    want("In error", "A", one_value, 2)
    # jam's black toner (9 %) is the one supply below the policy's 20 %.
    want("Supplies below 20 %", "A", one_value, 1)
    want("Pages today (fleet)", "A", one_value, 0)
    want("Slowest poll", "A", lambda r: 0 < one_value(r) < 5, True)
    want("Printers in error", "A", by_printer, {"jam": 1, TWICE: 2})
    want("Printers in error", "B", by_printer, {"jam": 1, TWICE: 2})
    want("Printers in error", "C", by_printer, {"jam": 1})
    want("Printers in error", "D", by_printer, {"gone": 0})

    def lowest(result):
        keys = [(lb.get("exported_instance"), lb.get("type"))
                for lb, _ in result]
        if len(keys) != len(set(keys)):
            raise AssertionError("a supply twice: %r" % result)
        low = min(result, key=lambda r: r[1])
        return (len(result), low[0].get("exported_instance"),
                low[0].get("type"), low[1])
    # 15 supplies in all (ref 6, jam 4, PRN-ERR1 4, sleepy 1): each once.
    want("Lowest supplies", "A", lowest, (15, "jam", "black", 9))
    pages = {n: 0 for n in ANSWERING}
    want("Pages per day", "A", by_printer, pages)
    want("Top printers, pages in range", "A", by_printer, pages)
    want("Reachability", "A", by_printer,
         {n: (0 if n == "gone" else 1) for n in PRINTERS})
    want("Poll duration", "A", lambda r: set(by_printer(r)), PRINTERS)
    for key, result in results.items():
        problems.append("query without an expectation here: %s %s -> %r" %
                        (key[0], key[1], result[:3]))


def check_supplies_per_printer(prom, dash, problems):
    """The repeated panel, once per value of $printer."""
    exprs = [e for title, _, e, _ in targets(dash) if title == "$printer"]
    if len(exprs) != 1:
        problems.append("supplies per printer: %d queries" % len(exprs))
        return
    for name in sorted(PRINTERS):
        result = prom.query(substitute(exprs[0], dict(ALL, printer=name)))
        supplies = {}
        for labels, value in result:
            if labels.get("type") in supplies:
                problems.append("%s: %s twice" % (name, labels["type"]))
            supplies[labels.get("type")] = value
        if name == "ref" and supplies != REF_SUPPLIES:
            problems.append("ref supplies: wanted %r, got %r" %
                            (REF_SUPPLIES, supplies))
        if name == "gone" and supplies:
            problems.append("gone has supplies %r" % supplies)
        if name in ANSWERING and not supplies:
            problems.append("%s: no supplies" % name)


def label_values(prom, definition, values):
    """A label_values(selector, label) variable, as Grafana asks for it
    (the label values API) and as an instant query of the selector: both
    must agree."""
    m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", definition.strip())
    if m is None:
        raise AssertionError("variable query %r" % definition)
    selector = substitute(m.group(1), values)
    label = m.group(2)
    end = time.time()
    api = set(prom.get("/api/v1/label/%s/values" % label,
                       [("match[]", selector), ("start", "%.3f" % (end - 600)),
                        ("end", "%.3f" % end)]))
    queried = {lb[label] for lb, _ in prom.query(selector) if label in lb}
    if api != queried:
        raise AssertionError("%s: label values API %r, query %r" %
                             (definition, sorted(api), sorted(queried)))
    return api


def check_variables(prom, dash, problems):
    var = {v["name"]: v for v in dash["templating"]["list"]
           if v["type"] == "query"}
    if set(var) != {"fleet", "printer"}:
        problems.append("variables %r" % sorted(var))
        return
    for name, v in var.items():
        if v["query"]["query"] != v["definition"]:
            problems.append("%s: query and definition differ" % name)
    got = label_values(prom, var["fleet"]["definition"], ALL)
    if got != BLOCKS:
        problems.append("$fleet: wanted %r, got %r" % (sorted(BLOCKS),
                                                       sorted(got)))
    got = label_values(prom, var["printer"]["definition"], ALL)
    if got != PRINTERS:
        problems.append("$printer: wanted %r, got %r" % (sorted(PRINTERS),
                                                         sorted(got)))
    got = label_values(prom, var["printer"]["definition"],
                       dict(ALL, fleet="west"))
    if got != {TWICE}:
        problems.append("$printer of block west: %r" % sorted(got))


def check_selection(prom, dash, problems):
    """A printer or a block selected: the stats follow it. The sleeping
    printer alone is in no error."""
    stat = {title: expr for title, ref, expr, _ in targets(dash)
            if ref == "A"}
    cases = [("In error", {"printer": "sleepy"}, 0),
             ("In error", {"printer": "jam"}, 1),
             ("In error", {"fleet": "west"}, 1),
             ("Printers", {"fleet": "east|west"}, 1),
             ("Printers", {"printer": "ref|sleepy"}, 2),
             ("Not answering", {"printer": "ref"}, 0)]
    for title, values, expected in cases:
        result = prom.query(substitute(stat[title], dict(ALL, **values)))
        got = result[0][1] if len(result) == 1 else result
        if got != expected:
            problems.append("%s with %r: wanted %r, got %r" %
                            (title, values, expected, got))


def check_dashboard_queries():
    if not os.path.exists(PROMETHEUS):
        raise AssertionError(PROMETHEUS + " is missing: run make test-deps "
                             "(tests/install-deps.sh) as root")
    dash = dashboard()
    ports = [harness.free_port(), harness.free_port()]
    silent = harness.silent_port()
    sim = Snmpsim([os.path.join(FIXTURES, n + ".snmprec") for n in
                   ("quirk_ok_colour_laser", "quirk_asleep", "quirk_alerts",
                    "quirk_errorstate_1byte")], ports=ports)
    d = prom = None
    try:
        sim.wait("quirk_ok_colour_laser")
        exporter = free_port_tcp()
        d = harness.Collectd(config(ports, silent),
                             ["printer", "write_prometheus"],
                             name="prometheus", interval=2)
        with open(d.conf_path, "a") as f:
            f.write('LoadPlugin write_prometheus\n<Plugin write_prometheus>\n'
                    '  Host "%s"\n  Port "%d"\n</Plugin>\n' % (HOST, exporter))
        d.start()
        target = "%s:%d" % (HOST, exporter)
        prom = Prometheus(target)
        prom.wait_ready()
        deadline = time.time() + 60
        while not scraped(prom):
            if time.time() > deadline:
                raise AssertionError(
                    "not scraped within 60 s: %r; collectd: %s" %
                    (prom.query("collectd_printer_gauge")[:5],
                     d.log()[-2000:]))
            if not d.alive():
                raise AssertionError("collectd exited: " + d.log()[-3000:])
            time.sleep(0.5)
        problems = []
        # The default scrape config at work: instance is the target, the
        # printer's name moved to exported_instance.
        sample = prom.query('collectd_printer_gauge{type="reachable", '
                            'printer="ref"}')
        if [lb.get("instance") for lb, _ in sample] != [target] or \
                [lb.get("exported_instance") for lb, _ in sample] != ["ref"]:
            problems.append("default scrape labels: %r" % sample)
        check_variables(prom, dash, problems)
        check_panels(prom, dash, problems)
        check_supplies_per_printer(prom, dash, problems)
        check_selection(prom, dash, problems)
        if problems:
            raise AssertionError("; ".join(problems))
    finally:
        if prom is not None:
            prom.stop()
        if d is not None:
            d.cleanup()
        sim.stop()


def main():
    if not os.path.exists(OUR_PLUGINS["printer"]):
        print("build/rel/printer.so is missing: run make all")
        return 1
    runner = Runner("prometheus")
    runner.run("dashboard-queries", check_dashboard_queries)
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
