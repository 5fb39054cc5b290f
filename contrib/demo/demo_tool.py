#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Helpers of contrib/demo/demo.sh: look at what the demo made and say it
briefly. Each subcommand prints a few lines and exits 1 when what it looks
at is missing or wrong.

  demo_tool.py fleet FLEET.json
  demo_tool.py check-scan SCAN.json FLEET.json
  demo_tool.py values CSVDIR FLEET.json
  demo_tool.py mail MAILDIR
  demo_tool.py chart CSVDIR FLEET.json OUTDIR"""

import collections
import email
import email.policy
import glob
import json
import os
import subprocess
import sys

MIN_PRINTERS = 30
MIN_MAKERS = 4


def load(path):
    with open(path) as f:
        return json.load(f)


def answering(fleet):
    return [e for e in fleet if e.get("maker")]


def cmd_fleet(fleet_path):
    fleet = load(fleet_path)
    by_maker = collections.Counter(e["maker"] for e in answering(fleet))
    print("%d printers on 127.0.0.1, ports %d-%d: %s" % (
        len(fleet), min(e["port"] for e in fleet),
        max(e["port"] for e in fleet),
        ", ".join("%d %s" % (n, m) for m, n in sorted(by_maker.items()))))
    trouble = {
        "quirk_low_and_empty_toner": "low and empty toner",
        "quirk_door_open": "door open (closed later)",
        "quirk_asleep": "asleep (power save)",
        "quirk_alerts": "paper jam, toner low",
        "quirk_errorstate_2byte": "toner low, tray missing",
        "epson_home_waste_ink": "waste-ink pads and maintenance box full",
        "quirk_receptacle": "waste receptacle full",
        "epson_aculaser": "cyan toner low",
    }
    for e in fleet:
        why = []
        if not e.get("maker"):
            why.append("switched off (no recording)")
        elif e["options"].get("keep-levels") or e["options"].get("static"):
            if e.get("template") in trouble:
                why.append(trouble[e["template"]])
        if e["options"].get("box") == "full":
            why.append("maintenance box full")
        if "level" in e["options"]:
            why.append("black toner at %s %%, falling" % e["options"]["level"])
        if e["options"].get("later") == "jam":
            why.append("will jam during the demo")
        if e.get("template") == "quirk_door_open":
            why = [trouble["quirk_door_open"]]
        if why:
            print("  %-22s %s" % (e["name"], "; ".join(why)))
    return 0


def cmd_check_scan(scan_path, fleet_path):
    fleet = load(fleet_path)
    try:
        report = load(scan_path)
    except (OSError, ValueError) as e:
        print("no JSON report: %s" % e)
        return 1
    printers = report.get("printers") or []
    up = [p for p in printers if p.get("reachable")]
    makers = sorted(set(p.get("manufacturer") or "?" for p in up))
    errors = [p for p in up if (p.get("status") or {}).get("errors")]
    print("JSON report: %d printers, %d answered, %d with errors; makers: %s"
          % (len(printers), len(up), len(errors), ", ".join(makers)))
    problems = []
    if len(printers) != len(fleet):
        problems.append("%d printers in the report, %d in the fleet" %
                        (len(printers), len(fleet)))
    if len(up) < MIN_PRINTERS or len(up) != len(answering(fleet)):
        problems.append("%d answered, wanted %d" %
                        (len(up), len(answering(fleet))))
    if len(makers) < MIN_MAKERS:
        problems.append("only %d makers" % len(makers))
    for p in problems:
        print("problem: " + p)
    return 1 if problems else 0


def read_csv(path):
    """[(epoch, [values])] of one collectd csv file (header skipped)."""
    out = []
    with open(path) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) < 2 or not parts[0][:1].isdigit():
                continue
            try:
                out.append((float(parts[0]), [float(x) for x in parts[1:]]))
            except ValueError:
                continue
    return out


def series(csv_dir):
    """{(host, plugin_dir, name): [(epoch, value)]}, days concatenated."""
    out = collections.defaultdict(list)
    for path in sorted(glob.glob(os.path.join(csv_dir, "*", "*", "*"))):
        host = path.split(os.sep)[-3]
        plugin = path.split(os.sep)[-2]
        base = os.path.basename(path)
        name = base[:-11] if base[-11:-10] == "-" else base  # -YYYY-MM-DD
        for t, values in read_csv(path):
            out[(host, plugin, name)].append((t, values[0]))
    for rows in out.values():
        rows.sort()
    return out


def cmd_values(csv_dir, fleet_path):
    fleet = load(fleet_path)
    data = series(csv_dir)
    hosts = set(h for (h, p, n) in data if p.startswith("printer"))
    names = collections.Counter(n for (h, p, n) in data
                                if p.startswith("printer"))
    rows = sum(len(v) for v in data.values())
    print("%d printers with values, %d series, %d rows; kinds: %s" % (
        len(hosts), len(data), rows,
        ", ".join(sorted(set(n.split("-")[0] for n in names)))))
    for host, name in (("hq-1f-hp-m555", "derive-pages_total"),
                       ("hq-1f-hp-m555", "percent-cyan"),
                       ("hq-3f-hp-m555", "percent-black"),
                       ("hq-2f-hp-m555", "gauge-errors"),
                       ("hq-4f-kyocera-m5526", "gauge-errors"),
                       ("br-epson-wfc5790-b", "percent-waste_ink"),
                       ("br-ricoh-spc261", "gauge-reachable")):
        for (h, p, n), v in sorted(data.items()):
            if h == host and n == name and v:
                print("  %-44s %3d rows, first %s, last %s" % (
                    "%s/%s" % (h, n), len(v), fmt(v[0]), fmt(v[-1])))
                break
    for path in sorted(glob.glob(os.path.join(csv_dir, "hq-1f-hp-m555", "*",
                                              "derive-pages_total-*")))[:1]:
        print("  %s:" % os.path.relpath(path, csv_dir))
        with open(path) as f:
            lines = f.read().splitlines()
        for line in lines[:3] + (["..."] + lines[-2:] if len(lines) > 5
                                 else lines[3:]):
            print("    " + line)
    wanted = min(MIN_PRINTERS, len(answering(fleet)))
    if len(hosts) < wanted:
        print("problem: values of %d printers, wanted %d" %
              (len(hosts), wanted))
        return 1
    return 0


def fmt(row):
    t, v = row
    import time
    return "%s %g" % (time.strftime("%H:%M:%S", time.localtime(t)), v)


def cmd_notifications(log_path):
    """The notifications of the first poll (the fleet as it was), then the
    changes while the demo ran (a jam, a door closed)."""
    try:
        with open(log_path, errors="replace") as f:
            lines = [l.rstrip("\n") for l in f if "Notification:" in l]
    except OSError:
        lines = []
    if not lines:
        print("no notification in %s" % log_path)
        return 1

    def short(line):
        line = line.replace("Notification: ", "").replace("[info] ", "")
        for noise in (", plugin = printer", ", type = gauge"):
            line = line.replace(noise, "")
        line = __import__("re").sub(r", plugin_instance = [^,]*", "", line)
        return line[:200]

    import re
    import time

    def when(line):
        m = re.match(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\]", line)
        return time.mktime(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")) \
            if m else 0

    # the first poll's: within a few seconds of the first notification
    t0 = when(lines[0])
    start = [l for l in lines if when(l) - t0 <= 4]
    later = [l for l in lines if when(l) - t0 > 4]
    print("at the first poll (%d):" % len(start))
    for l in start[:7]:
        print("  " + short(l))
    if len(start) > 7:
        print("  ...")
    print("while the demo ran (%d):" % len(later))
    for l in later[:8]:
        print("  " + short(l))
    print("(%d notifications in all)" % len(lines))
    return 0


def cmd_mail(maildir):
    files = sorted(glob.glob(os.path.join(maildir, "*.eml")))
    if not files:
        print("no mail in %s" % maildir)
        return 1
    for path in files:
        with open(path, "rb") as f:
            raw = f.read()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        print("%s  %d bytes" % (os.path.basename(path), len(raw)))
        for key in ("Subject", "From", "To", "Date", "Message-ID"):
            print("  %-11s %s" % (key + ":", msg.get(key, "-")))
        for part in msg.walk():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            name = part.get_filename()
            kind = "attachment %s" % name if name else "body"
            print("  %-11s %s, %s, %d bytes" % ("part:", kind,
                                                part.get_content_type(),
                                                len(payload)))
    return 0


GNUPLOT = r"""
set terminal pngcairo size 900,620 font "DejaVu Sans,9" noenhanced
set output "%(png)s"
set datafile separator " "
set multiplot layout 2,1 title "printprobe demo: %(printers)d simulated printers (8 makers) polled by collectd every %(interval)s s" font ",11"
set grid lc rgb "#dddddd"
set key outside right top spacing 1.05 font ",8"
set lmargin 9
set rmargin 28
set xrange [0:%(xmax)d]
set ylabel "supply level (%%)"
set yrange [0:100]
set title "supply levels (from percent-* values; below 20 %% warns)" font ",10"
set arrow 1 from 0,10 to %(xmax)d,10 nohead dt 2 lc rgb "#cc0000"
%(marks)s
plot %(levels)s
unset arrow 1
set title "pages printed since the demo started, per maker (derive-pages_total)" font ",10"
set ylabel "pages"
set xlabel "seconds since collectd started"
set yrange [0:*]
plot %(pages)s
unset multiplot
"""


def cmd_chart(csv_dir, fleet_path, out_dir, events_path=None):
    fleet = load(fleet_path)
    maker = {e["name"]: e.get("maker") for e in fleet}
    data = series(csv_dir)
    os.makedirs(out_dir, exist_ok=True)
    if not data:
        print("no csv data in %s" % csv_dir)
        return 1
    t0 = min(v[0][0] for v in data.values() if v)
    t1 = max(v[-1][0] for v in data.values() if v)

    # Supply levels: the falling ones worth watching, at most eight lines.
    picks = [("hq-3f-hp-m555", "percent-black"),
             ("hq-1f-hp-m555", "percent-cyan"),
             ("hq-2f-kyocera-p5026", "percent-black"),
             ("hq-1f-xerox-c405", "percent-yellow"),
             ("hq-2f-ricoh-imc3000", "percent-magenta"),
             ("br-epson-al-c3900-b", "percent-magenta"),
             ("hq-1f-lexmark-cs331", "percent-black"),
             ("br-hp-m454", "percent-black")]
    levels = []
    for host, name in picks:
        for (h, p, n), rows in sorted(data.items()):
            if h == host and n == name and rows:
                path = os.path.join(out_dir, "level-%s-%s.dat" % (h, n))
                with open(path, "w") as f:
                    for t, v in rows:
                        f.write("%.1f %g\n" % (t - t0, v))
                levels.append('"%s" using 1:2 with linespoints pt 7 ps 0.4 '
                              'lw 1.5 title "%s %s"' % (path, h,
                                                        n[len("percent-"):]))
                break
    # Pages: per maker, the sum of each printer's pages since its first row,
    # each printer's counter interpolated on a common time grid.
    per_maker = collections.defaultdict(list)
    for (h, p, n), rows in data.items():
        if n == "derive-pages_total" and rows:
            per_maker[maker.get(h) or "?"].append(
                [(t - t0, v - rows[0][1]) for t, v in rows])
    grid = [float(x) for x in range(0, int(t1 - t0) + 2, 2)]

    def at(rows, t):
        if t <= rows[0][0]:
            return 0.0
        for (ta, va), (tb, vb) in zip(rows, rows[1:]):
            if ta <= t <= tb:
                return va + (vb - va) * (t - ta) / max(tb - ta, 1e-9)
        return rows[-1][1]

    pages = []
    for mk in sorted(per_maker):
        path = os.path.join(out_dir, "pages-%s.dat" % mk)
        with open(path, "w") as f:
            for t in grid:
                f.write("%g %g\n" % (t, sum(at(r, t) for r in per_maker[mk])))
        pages.append('"%s" using 1:2 with lines lw 2 title "%s (%d)"' %
                     (path, mk, len(per_maker[mk])))
    if not levels or not pages:
        print("not enough series for a chart (levels %d, pages %d)" %
              (len(levels), len(pages)))
        return 1
    # The demo's events as labelled vertical lines on both plots.
    marks = []
    if events_path and os.path.exists(events_path):
        with open(events_path) as f:
            for n, line in enumerate(f):
                when, _, what = line.strip().partition(" ")
                x = float(when) - t0
                marks.append('set arrow %d from %g, graph 0 to %g, graph 1 '
                             'nohead dt 3 lc rgb "#888888"\n'
                             'set label %d "%s" at %g, graph %g font ",8" '
                             'tc rgb "#555555" offset 0.4,0' %
                             (n + 2, x, x, n + 2, what, x, 0.95 - 0.08 * n))
    png = os.path.join(out_dir, "demo-chart.png")
    script = os.path.join(out_dir, "demo-chart.gp")
    interval = "?"
    hp = next((v for (h, p, n), v in data.items()
               if h == "hq-1f-hp-m555" and n == "gauge-reachable"), None)
    if hp and len(hp) > 1:
        interval = "%g" % round((hp[-1][0] - hp[0][0]) / (len(hp) - 1))
    with open(script, "w") as f:
        f.write(GNUPLOT % {
            "png": png, "printers": len(answering(fleet)),
            "interval": interval, "xmax": max(10, int(t1 - t0) + 1),
            "marks": "\n".join(marks),
            "levels": ", \\\n     ".join(levels),
            "pages": ", \\\n     ".join(pages)})
    r = subprocess.run(["gnuplot", script], capture_output=True, text=True,
                       timeout=60)
    if r.returncode != 0 or not os.path.exists(png):
        print("gnuplot failed: %s" % r.stderr[-800:])
        return 1
    print("%s: %d bytes, %d level lines, %d makers' pages, %d s of data" % (
        png, os.path.getsize(png), len(levels), len(pages), int(t1 - t0)))
    return 0


def cmd_freeze(path, seconds):
    """A jammed printer stops printing: its page counter (numeric variation,
    initial + rate * seconds since snmpsimd started) becomes a constant a
    little above what it answered last, so it never goes backwards."""
    seconds = float(seconds) + 2
    out = []
    with open(path) as f:
        for line in f:
            oid, tag, value = (line.rstrip("\n").split("|", 2) + ["", ""])[:3]
            if (oid == "1.3.6.1.2.1.43.10.2.1.4.1.1" and
                    tag.endswith(":numeric")):
                kv = dict(x.split("=") for x in value.split(","))
                now = float(kv["initial"]) + float(kv["rate"]) * seconds
                line = "%s|%s|%d\n" % (oid, tag.split(":")[0], now)
            out.append(line)
    with open(path, "w") as f:
        f.writelines(out)
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    table = {"fleet": cmd_fleet, "check-scan": cmd_check_scan,
             "values": cmd_values, "mail": cmd_mail,
             "notifications": cmd_notifications, "freeze": cmd_freeze, "chart": cmd_chart}
    if cmd not in table:
        print(__doc__)
        return 2
    return table[cmd](*args)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
