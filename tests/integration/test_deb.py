#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Debian packages (debian/, `make deb`) installed on this machine and
used as a site would use them.

Builds the packages with `make deb` (or reuses build/deb/ when its .debs
are newer than every source file), installs them with dpkg, checks where
the files land, then runs the installed programs against a simulated
printer (snmpsim on 127.0.0.1):

- a real collectd whose configuration loads `printer` and `write_dss` by
  name, with no PluginDir: collectd finds them in /usr/lib/collectd, as on
  any Debian machine; csv values appear for the printer and write_dss
  archives a report;
- /usr/lib/nagios/plugins/check_printer_status;
- /usr/bin/printprobe scan.

Finally purges the packages and checks that their files are gone. Packages
left installed by an earlier run are purged first; the packages are purged
at the end whatever happens.

Installing packages needs root: as a normal user the suite is skipped,
saying so (make check runs as root on a fresh machine)."""

import glob
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time

import harness
from harness import (AS_ROOT, FIXTURES, HOST, ROOT, Runner, Snmpsim, load_expect,
                     match)

DEB_DIR = os.path.join(ROOT, "build", "deb")
PACKAGES = ["printprobe", "collectd-printprobe",
            "monitoring-plugins-printprobe"]
CLI = "/usr/bin/printprobe"
PLUGINDIR = "/usr/lib/collectd"
CHECKDIR = "/usr/lib/nagios/plugins"
CHECKS = ["check_printer_status", "check_printer_supplies",
          "check_printer_pages"]
# Where each file must land, and the package that owns it.
FILES = {CLI: "printprobe",
         PLUGINDIR + "/printer.so": "collectd-printprobe",
         PLUGINDIR + "/write_dss.so": "collectd-printprobe"}
FILES.update({CHECKDIR + "/" + c: "monitoring-plugins-printprobe"
              for c in CHECKS})
EXAMPLES = {
    "/usr/share/doc/collectd-printprobe/examples/collectd/printer.conf":
        "collectd-printprobe",
    "/usr/share/doc/collectd-printprobe/examples/collectd/write_dss.conf":
        "collectd-printprobe",
    "/usr/share/doc/collectd-printprobe/examples/grafana/"
    "printprobe-fleet.json": "collectd-printprobe",
    "/usr/share/doc/monitoring-plugins-printprobe/examples/nagios/"
    "printprobe.cfg": "monitoring-plugins-printprobe",
    "/usr/share/doc/monitoring-plugins-printprobe/examples/icinga2/"
    "printprobe.conf": "monitoring-plugins-printprobe"}
MAN_DIR = os.path.join(ROOT, "docs", "man")
FIXTURE_OK = "quirk_ok_colour_laser"
FIXTURE_JAM = "quirk_alerts"
DPKG_LOCK_WAIT = 180  # seconds: another apt or dpkg may hold the lock


def run(argv, timeout=120, **kw):
    return subprocess.run(argv, capture_output=True, text=True,
                          timeout=timeout, **kw)


# --- the packages ---------------------------------------------------------

def debs():
    """The three binary packages in build/deb/ (not the -dbgsym ones)."""
    found = {}
    for pkg in PACKAGES:
        paths = glob.glob(os.path.join(DEB_DIR, pkg + "_*.deb"))
        if len(paths) == 1:
            found[pkg] = paths[0]
    return found


def source_files():
    r = run(["git", "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"], cwd=ROOT)
    if r.returncode == 0:
        return [os.path.join(ROOT, p) for p in r.stdout.split("\0") if p]
    paths = []
    for top, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not (top == ROOT and d in
                                           ("build", ".git"))
                   and d != "__pycache__"]
        paths += [os.path.join(top, f) for f in files]
    return paths


def fresh():
    """The .debs exist and are newer than every file of the source tree."""
    found = debs()
    if len(found) != len(PACKAGES):
        return False
    built = min(os.path.getmtime(p) for p in found.values())
    newest = max(os.path.getmtime(p) for p in source_files()
                 if os.path.isfile(p))
    return newest <= built


def check_build():
    if fresh():
        print("     build/deb is newer than the sources: reused")
        return
    r = run(["make", "--no-print-directory", "deb"], cwd=ROOT, timeout=1800)
    if r.returncode != 0:
        raise AssertionError("make deb failed (%d): %s" %
                             (r.returncode, (r.stdout + r.stderr)[-3000:]))
    errors = [l for l in r.stdout.splitlines() if l.startswith("E: ")]
    if errors:
        raise AssertionError("lintian errors: %s" % errors)
    warnings = [l for l in r.stdout.splitlines() if l.startswith("W: ")]
    if warnings:
        print("     lintian: " + "; ".join(warnings))
    if len(debs()) != len(PACKAGES):
        raise AssertionError("make deb made %s" %
                             sorted(os.listdir(DEB_DIR)))


def dpkg(*args):
    """dpkg with a bounded wait for its lock (another apt may hold it)."""
    deadline = time.time() + DPKG_LOCK_WAIT
    while True:
        r = run(["dpkg"] + list(args), timeout=300)
        out = r.stdout + r.stderr
        if r.returncode == 0 or "lock" not in out or time.time() > deadline:
            return r
        time.sleep(2)


def package_states():
    """Package -> dpkg status ("installed", "config-files"...) for those
    dpkg knows."""
    r = run(["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n"] +
            PACKAGES)
    states = {}
    for line in r.stdout.splitlines():
        name, _, state = line.partition(" ")
        if state and state != "not-installed":
            states[name] = state
    return states


def purge():
    known = package_states()
    if not known:
        return
    r = dpkg("--purge", *[p for p in PACKAGES if p in known])
    if r.returncode != 0:
        raise AssertionError("dpkg --purge: %s" % (r.stdout + r.stderr))


def check_install():
    found = debs()
    if len(found) != len(PACKAGES):
        raise AssertionError("no packages to install in build/deb")
    stray = [p for p in list(FILES) + list(EXAMPLES) if os.path.exists(p)]
    if stray:
        # Not from a package (those were purged): a `make install
        # PREFIX=/usr`, say. dpkg takes them over, the purge removes them.
        print("     files present before the install, now the "
              "packages': %s" % stray)
    r = dpkg("-i", *[found[p] for p in PACKAGES])
    if r.returncode != 0:
        raise AssertionError("dpkg -i: %s" % (r.stdout + r.stderr)[-2000:])
    states = package_states()
    if any(states.get(p) != "installed" for p in PACKAGES):
        raise AssertionError("after dpkg -i: %s" % states)


def owner(path):
    r = run(["dpkg-query", "-S", path])
    return r.stdout.split(":")[0] if r.returncode == 0 else None


def check_files():
    problems = []
    for path, pkg in sorted(list(FILES.items()) + list(EXAMPLES.items())):
        if not os.path.isfile(path) or os.path.islink(path):
            problems.append("%s: not a regular file" % path)
            continue
        if owner(path) != pkg:
            problems.append("%s: owned by %s, not %s" % (path, owner(path),
                                                         pkg))
    for path in [CLI] + [CHECKDIR + "/" + c for c in CHECKS]:
        if os.path.isfile(path) and not os.stat(path).st_mode & stat.S_IXOTH:
            problems.append("%s: not executable" % path)
    # The GPL test recordings and the sources stay in the source tree.
    for pkg in PACKAGES:
        listed = run(["dpkg-query", "-L", pkg]).stdout.splitlines()
        shipped = [p for p in listed if re.search(
            r"\.(snmprec|c|h|py)$|/tests/", p)]
        if shipped:
            problems.append("%s ships %s" % (pkg, shipped[:5]))
        if "/usr/share/doc/%s/copyright" % pkg not in listed:
            problems.append("%s: no copyright file" % pkg)
    r = run([CLI, "--version"])
    if r.returncode != 0 or "0.1.0" not in r.stdout + r.stderr:
        problems.append("printprobe --version: %d %r" %
                        (r.returncode, r.stdout + r.stderr))
    if problems:
        raise AssertionError("; ".join(problems))


def man_pages():
    """Section pages of docs/man: [(name, section)]."""
    return sorted((os.path.basename(p).rsplit(".", 1)[0],
                   os.path.basename(p).rsplit(".", 1)[1])
                  for p in glob.glob(os.path.join(MAN_DIR, "*.[15]")))


def man_owner(name):
    if name.startswith("check_"):
        return "monitoring-plugins-printprobe"
    if "collectd" in name or "write_dss" in name:
        return "collectd-printprobe"
    return "printprobe"


def check_man_pages():
    pages = man_pages()
    want = {("printprobe", "1"), ("check_printer_status", "1"),
            ("check_printer_supplies", "1"), ("check_printer_pages", "1"),
            ("printprobe-collectd", "5")}
    if not want <= set(pages):
        raise AssertionError("docs/man lacks %s" % sorted(want - set(pages)))
    problems = []
    for name, section in pages:
        r = run(["man", "-w", section, name])
        path = r.stdout.strip()
        if r.returncode != 0 or not path.startswith("/usr/share/man/man"):
            problems.append("man -w %s %s: %d %r" % (section, name,
                                                     r.returncode,
                                                     r.stdout + r.stderr))
            continue
        if owner(path) != man_owner(name):
            problems.append("%s: owned by %s, not %s" % (path, owner(path),
                                                         man_owner(name)))
    if problems:
        raise AssertionError("; ".join(problems))


def check_purged():
    purge()
    problems = []
    states = package_states()
    if states:
        problems.append("still known to dpkg: %s" % states)
    left = [p for p in list(FILES) + list(EXAMPLES) if os.path.exists(p)]
    left += ["/usr/share/man/man%s/%s.%s.gz" % (s, n, s)
             for n, s in man_pages()
             if os.path.exists("/usr/share/man/man%s/%s.%s.gz" % (s, n, s))]
    left += [d for d in ("/usr/share/doc/" + p for p in PACKAGES)
             if os.path.exists(d)]
    if left:
        problems.append("left behind: %s" % left)
    if problems:
        raise AssertionError("; ".join(problems))


# --- the installed programs -----------------------------------------------

class InstalledCollectd(harness.Collectd):
    """harness.Collectd without a PluginDir: collectd loads every plugin,
    ours included, from its own /usr/lib/collectd."""

    def __init__(self, body, **kw):
        super().__init__(body, (), name="deb-collectd", **kw)
        shutil.rmtree(self.plugin_dir)  # nothing may come from there
        with open(self.conf_path) as f:
            text = f.read()
        text, n = re.subn(r'(?m)^PluginDir .*\n', "", text)
        if n != 1:
            raise AssertionError("no PluginDir line to drop")
        with open(self.conf_path, "w") as f:
            f.write(text)

    def mapped(self):
        """Shared objects mapped into the running daemon."""
        with open("/proc/%d/maps" % self.process.proc.pid) as f:
            return {line.split()[-1] for line in f
                    if line.rstrip().endswith(".so")}


def refusing_port():
    """A loopback TCP port bound but not listening: connecting is refused,
    as by a mail server that is down. Held open while it is in use."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((HOST, 0))
    return s


def collectd_body(port, dss_dir, smtp_port):
    return """LoadPlugin printer
<Plugin printer>
  <Printer "pkg">
    Address "%s:%d"
    Version 2
    Community "%s"
    Timeout 0.5
    Retries 1
  </Printer>
</Plugin>
LoadPlugin write_dss
<Plugin write_dss>
  Period 2
  ArchiveDir "%s/archive"
  SpoolDir "%s/spool"
  URL "smtp://%s:%d/printprobe-test"
  From "printprobe@customer.example"
  To "dss@vendor.example"
  CustomerName "Package Test"
  Timeout 5
  RetryInterval 60
</Plugin>
""" % (HOST, port, FIXTURE_OK, dss_dir, dss_dir, HOST, smtp_port)


def last(d, name):
    rows = d.csv("pkg", "printer-pkg", name)
    if not rows:
        raise AssertionError("no csv values for %s (have %s)" %
                             (name, sorted(d.csv_names("pkg",
                                                       "printer-pkg"))))
    return rows[-1][1][0]


def check_collectd(sim):
    dss_dir = tempfile.mkdtemp(prefix="pp-deb-dss-")
    smtp = refusing_port()
    d = None
    try:
        d = InstalledCollectd(collectd_body(sim.port, dss_dir,
                                            smtp.getsockname()[1])).start()
        d.wait_for("csv values of the printer", lambda: d.csv(
            "pkg", "printer-pkg", "derive-pages_total"), 60)
        d.wait_for("a report archived by write_dss", lambda: glob.glob(
            os.path.join(dss_dir, "archive", "*", "*", "*.eml")), 60)
        problems = []
        mapped = d.mapped()
        for so in ("printer.so", "write_dss.so"):
            if os.path.join(PLUGINDIR, so) not in mapped:
                problems.append("%s not loaded from %s (mapped: %s)" % (
                    so, PLUGINDIR, sorted(m for m in mapped if so in m)))
        log = d.log()
        for plugin in ("printer", "write_dss"):
            if 'plugin "%s" successfully loaded' % plugin not in log:
                problems.append("no load message for %s" % plugin)
        for name, want in (("percent-cyan", 64), ("percent-black", 78),
                           ("derive-pages_total", 48213),
                           ("gauge-reachable", 1)):
            if last(d, name) != want:
                problems.append("%s: %r, wanted %r" % (name, last(d, name),
                                                      want))
        eml = sorted(glob.glob(os.path.join(dss_dir, "archive", "*", "*",
                                            "*.eml")))[0]
        with open(eml, errors="replace") as f:
            text = f.read()
        if "Package Test" not in text:
            problems.append("archived report lacks the customer name")
        status, _ = d.stop()
        if status != 0:
            problems.append("collectd exit status %d" % status)
        if problems:
            raise AssertionError("; ".join(problems) + "; log: " +
                                 log[-1500:])
    finally:
        if d is not None:
            d.cleanup()
        smtp.close()
        shutil.rmtree(dss_dir, ignore_errors=True)


def check_nagios(sim):
    check = os.path.join(CHECKDIR, "check_printer_status")
    problems = []
    for community, rc, text in ((FIXTURE_OK, 0, "PRINTER OK - idle"),
                                (FIXTURE_JAM, 2, "PRINTER CRITICAL - jammed")):
        r = run([check, "-H", HOST, "-p", str(sim.port), "-C", community,
                 "-t", "1", "-e", "1"], timeout=60)
        if r.returncode != rc or not r.stdout.startswith(text):
            problems.append("%s: exit %d, wanted %d; %r" % (
                community, r.returncode, rc, (r.stdout + r.stderr)[:400]))
    if problems:
        raise AssertionError("; ".join(problems))


def check_scan(sim):
    r = run([CLI, "scan", "--json", "-c", FIXTURE_OK, "-t", "0.5", "-r", "1",
             "%s:%d" % (HOST, sim.port)], timeout=120)
    if r.returncode != 0:
        raise AssertionError("exit %d: %s" % (r.returncode, r.stderr[-1000:]))
    printer = json.loads(r.stdout)["printers"][0]
    problems = match(load_expect(os.path.join(
        FIXTURES, FIXTURE_OK + ".expect.json")), printer)
    if problems:
        raise AssertionError("; ".join(problems[:8]))


# --- the run --------------------------------------------------------------

def with_sim(runner):
    sims = []

    def start():
        sims.append(Snmpsim([os.path.join(FIXTURES, n + ".snmprec")
                             for n in (FIXTURE_OK, FIXTURE_JAM)]))
        sims[0].wait(FIXTURE_OK)
    runner.run("snmpsim", start)
    if not sims:
        return
    try:
        runner.run("collectd-loads-from-usr-lib-collectd", check_collectd,
                   sims[0])
        runner.run("check_printer_status", check_nagios, sims[0])
        runner.run("printprobe-scan", check_scan, sims[0])
    finally:
        sims[0].stop()


def main():
    runner = Runner("deb")
    if not AS_ROOT:
        runner.run_as_root("install and purge the packages", "all", None)
        return runner.finish()
    start = time.time()
    try:
        runner.run("purge-earlier-install", purge)
        runner.run("make-deb", check_build)
        runner.run("dpkg-install", check_install)
        if set(package_states()) == set(PACKAGES):
            runner.run("installed-files", check_files)
            runner.run("man-pages", check_man_pages)
            with_sim(runner)
        runner.run("dpkg-purge", check_purged)
    finally:
        try:
            purge()
        except Exception as e:  # reported, the summary still prints
            print("FAIL deb/final-purge: %s" % e)
            runner.failed += 1
    print("     %.0f s in all" % (time.time() - start))
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
