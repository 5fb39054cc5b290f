#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""printprobe's benchmark: the same simulated printer fleet polled by
printprobe and by the tools sites use today, side by side, in one run.

For each fleet size N (10 % of the printers dead, the rest alternately a
colour laser and a business inkjet from bench/fixtures/) and for each
network (loopback direct, and through one delaying udpproxy per responder
port), every tool polls the whole fleet once:

  printprobe         build/rel/printprobe scan --json -f TARGETS
  printprobe-live    the same on the live printers only (distance from the
                     round-trip floor without the dead printers' wait)
  printer.so-fleet   the project's collectd plugin, one <Fleet> block with
                     one community (bench/fwd.py gives every printer its own
                     port and swaps in its community on the way)
  printer.so-blocks  the same plugin, one <Printer> block per printer
  collectd-snmp      collectd 5.12's stock snmp plugin, configured by hand for
                     the supplies table (levels, max, descriptions), the page
                     counter and the printer and device status; default
                     ReadThreads (5)
  check_snmp         monitoring-plugins' check_snmp, 3 services per printer
                     (status, pages, supplies), PARALLEL checks at a time
  snmpbulkwalk       net-snmp's snmpbulkwalk of the Printer-MIB per printer,
                     PARALLEL walks at a time

and records wall time, CPU seconds (user+sys of the whole process tree),
peak RSS, memory per printer (peak RSS less the same tool's with one
printer, over the live printers), peak threads and open file descriptors
(sampled from /proc every 50 ms over the process tree), SNMP requests per
live and per dead printer (ppsim's counters; the proxies' counts
cross-check them), the ratio to printprobe, and the round-trip floor. Every
tool gets the same SNMP timeout (1 s) and retries (1). The short runs are
repeated and their median kept (N = 10,000: one run). collectd's snmp
plugin, check_snmp and snmpbulkwalk stop at --foreign-max-n (1000).

Then: SNMPv3 (authPriv SHA/AES) against v2c, printprobe scan and one
<Printer> block per printer, over net-snmp's snmpd (its own configuration,
one port per printer through fwd.py, 10 % silent); and printprobe scan once
over every maker fixture (tests/fixtures/vendor_*) and corpus recording
(tests/corpus), counting each printer's requests in ppsim's --log.

The responder is the project's ppsim (one process, 16 ports); its ceiling is
measured first, with snmpload.py, and printed.

Everything is bounded: each run has a time limit, the whole benchmark has a
budget (runs that would start after it are skipped and say so), every
process started here is stopped by its PID (or by the process group it was
started in), and only 127.0.0.1 is used. Exit status: 0 when every tool that
ran gave plausible results (slowness is reported, never an error), 1 when
something is broken (a tool failed or answered wrongly, the responder did not
start, the plot could not be drawn), 2 on bad usage.

Environment: BENCH_SIZES (default "10,100,1000,10000"), BENCH_QUICK=1
(= --quick), BENCH_OUT (output folder, default bench-out/, bench-out/quick/
when quick), BENCH_DELAY_MS (5), BENCH_PARALLEL (16), BENCH_REPEATS (3),
BENCH_TOOLS (comma list), BENCH_BUDGET_S (1200), BENCH_FOREIGN_MAX_N (1000),
BENCH_V3_N (1000, 10 when quick; -1: no SNMPv3 run), BENCH_MAKERS=0 (no
maker table), BENCH_KEEP=1 (keep the work files)."""

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import snmpload

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BENCH = os.path.join(ROOT, "bench")
FIXTURES = os.path.join(BENCH, "fixtures")
REL = os.path.join(ROOT, "build", "rel")
HOST = "127.0.0.1"

PRINTPROBE = os.path.join(REL, "printprobe")
PPSIM = os.path.join(REL, "tools", "ppsim")
MEASURE = os.path.join(REL, "tools", "measure")
UDPPROXY = os.path.join(REL, "tools", "udpproxy")
PRINTER_SO = os.path.join(REL, "printer.so")
COLLECTD = "/usr/sbin/collectd"
COLLECTD_PLUGINS = "/usr/lib/collectd"
TYPES_DB = "/usr/share/collectd/types.db"
CHECK_SNMP = "/usr/lib/nagios/plugins/check_snmp"
SNMPBULKWALK = "/usr/bin/snmpbulkwalk"

DEFAULT_SIZES = "10,100,1000,10000"
# A 10,000-printer cycle should take seconds; one not over after 2 minutes
# has missed every target, and two such runs must fit make bench's budget.
BIG_BOUND_S = 90
LONG_RUN_S = 10.0  # runs longer than this are not repeated
MAX_N = 10000
# Tools that take minutes at 1000 printers: not run past --foreign-max-n.
FOREIGN = ("collectd-snmp", "check_snmp", "snmpbulkwalk")
TOOLS = ["printprobe", "printprobe-live", "printer.so-fleet",
         "printer.so-blocks",
         "collectd-snmp", "check_snmp", "snmpbulkwalk"]
RECORDINGS = ["colour_laser", "business_inkjet"]
DEAD_EVERY = 10  # printer 9, 19, 29, ... never answers: 10 %
PORTS = 16       # ppsim's maximum of --listen endpoints

# The project's performance targets (with the delay; see targets_table).
TARGET_RATIO_WALL = 30.0   # cycle at least 30x shorter than collectd-snmp
TARGET_RATIO_CPU = 10.0    # at most 1/10 of its CPU seconds
TARGET_KIB_PER_PRINTER = 6.0  # at N=1000, beyond the tool with 1 printer
TARGET_RT_PER_LIVE = 4.0
TARGET_FLOOR_RATIO = 1.5
TARGET_RSS_10K_MIB = 64  # printprobe scan, N=10,000
TARGET_BLOCKS_VS_FLEET = 1.2  # <Printer> blocks within 20 % of <Fleet>
TARGET_V3_VS_V2C = 1.5

# The fewest sequential round trips that can read a printer: one GETBULK with
# non-repeaters for the scalars and enough repetitions for every table of
# these fixtures fits in one response. A strict floor; printprobe's design
# spends one GET (identity, to pick the vendor profile) plus GETBULKs.
MIN_ROUND_TRIPS = 1


def log(msg):
    print(msg, flush=True)


# ---- processes ---------------------------------------------------------

class Background:
    """A process we started; stopped by its PID (SIGTERM, then SIGKILL)."""

    def __init__(self, argv, stdout_path, stderr_path=None, env=None):
        self.argv = argv
        self.out = open(stdout_path, "w")
        self.err = open(stderr_path, "w") if stderr_path else \
            subprocess.STDOUT
        self.proc = subprocess.Popen(argv, stdout=self.out, stderr=self.err,
                                     stdin=subprocess.DEVNULL, env=env,
                                     preexec_fn=_raise_nofile)
        self.pid = self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stop(self, grace=10.0):
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait(5)
        for f in (self.out, self.err):
            if f not in (None, subprocess.STDOUT) and not f.closed:
                f.close()


ALL_BACKGROUND = []  # every Background still running, for the final sweep


def start_background(*args, **kw):
    b = Background(*args, **kw)
    ALL_BACKGROUND.append(b)
    return b


def stop_background(b):
    b.stop()
    if b in ALL_BACKGROUND:
        ALL_BACKGROUND.remove(b)


NOFILE_WANTED = 65536  # 10,000 printers: fwd.py alone holds 20,000 sockets


def raise_own_nofile():
    """The benchmark's own limit on open files, inherited by what it
    starts: the forwarder of a 10,000-printer <Fleet> holds two sockets per
    printer. Root may raise the hard limit too (never past fs.nr_open);
    only this process and its children are concerned."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = NOFILE_WANTED
    if hard != resource.RLIM_INFINITY and hard < want and os.geteuid() == 0:
        try:
            with open("/proc/sys/fs/nr_open") as f:
                want = min(want, int(f.read()))
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
            return
        except (OSError, ValueError):
            pass
    _raise_nofile()


def _raise_nofile():
    """Tools polling thousands of printers may need more than 1024 sockets;
    give every tool the same soft limit (as a site would have to)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = NOFILE_WANTED if hard == resource.RLIM_INFINITY else \
        min(NOFILE_WANTED, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


class Sampler:
    """Samples a running process every 50 ms from /proc: its threads
    (Threads:) and open file descriptors (/proc/PID/fd), summed over the
    process and, with tree=True, every process of the session it leads
    (run_measured starts tools with setsid: xargs and its children). Keeps
    the largest sums seen, and the peak RSS (VmHWM) of the root."""

    PERIOD = 0.05

    def __init__(self, pid, tree=False, skip_root=False):
        self.pid = pid
        self.tree = tree
        self.skip_root = skip_root  # the root is tests/tools/measure
        self.threads = None
        self.fds = None
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _pids(self):
        if not self.tree:
            return [self.pid]
        pids = [] if self.skip_root else [self.pid]
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == self.pid:
                continue
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == self.pid:  # session ID: fields[3] is 6th
                pids.append(int(entry))
        return pids

    @staticmethod
    def _one(pid):
        threads = None
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("Threads:"):
                    threads = int(line.split()[1])
                    break
        fds = len(os.listdir("/proc/%d/fd" % pid))
        return threads, fds

    def sample(self):
        threads = fds = 0
        seen = False
        for pid in self._pids():
            try:
                t, n = self._one(pid)
            except (OSError, ValueError):
                continue  # gone meanwhile, or a zombie
            if t is None:
                continue
            threads += t
            fds += n
            seen = True
        if seen:
            self.samples += 1
            self.threads = max(self.threads or 0, threads)
            self.fds = max(self.fds or 0, fds)

    def _loop(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.PERIOD)

    def stop(self):
        """Stops sampling, after one last sample (a run shorter than one
        period is seen at least in its final state)."""
        self._stop.set()
        self._thread.join(5)
        self.sample()
        return self.threads, self.fds


def _new_session_and_nofile():
    os.setsid()
    _raise_nofile()


def run_measured(argv, stdout_path, bound_s, stderr_path=None, run=None):
    """Runs argv in its own process group, waits at most bound_s. Returns
    (status, wall seconds, CPU seconds of the tree, peak RSS KiB, timed_out).
    CPU and RSS come from wait4() in tests/tools/measure: the command and
    every descendant it waited for; RSS is the largest single process.
    (wait4 here would not do: a child forked from this Python process keeps
    its resident pages' high-water mark across exec, ~20 MiB.) With run,
    its threads and fds are the peaks a Sampler saw over the process
    tree."""
    out = open(stdout_path, "w")
    err = open(stderr_path, "w") if stderr_path else subprocess.DEVNULL
    usage = stdout_path + ".rusage"
    if os.path.exists(usage):
        os.unlink(usage)
    argv = [MEASURE, usage] + list(argv)
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=out, stderr=err,
                            stdin=subprocess.DEVNULL,
                            preexec_fn=_new_session_and_nofile)
    sampler = (Sampler(proc.pid, tree=True, skip_root=True)
               if run is not None else None)
    box = {}

    def reap():
        box["r"] = os.wait4(proc.pid, 0)
        box["t"] = time.monotonic()

    waiter = threading.Thread(target=reap, daemon=True)
    waiter.start()
    waiter.join(bound_s)
    timed_out = waiter.is_alive()
    if timed_out:
        # The group is the one the child started (setsid): its ID is its PID.
        for sig, pause in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            waiter.join(pause)
            if not waiter.is_alive():
                break
    proc.returncode = -1  # reaped by wait4 above, not by Popen
    if sampler is not None:
        run.threads, run.fds = sampler.stop()
    out.close()
    if stderr_path:
        err.close()
    if "r" not in box:
        return None, bound_s, None, None, True
    _, status, _ = box["r"]
    wall = (box["t"] - t0) if not timed_out else bound_s
    cpu = rss = None
    try:
        with open(usage) as f:
            kib, user, system = f.read().split()
        cpu, rss = float(user) + float(system), int(kib)
    except (OSError, ValueError):
        pass  # stopped at its bound: no figures
    return os.waitstatus_to_exitcode(status), wall, cpu, rss, timed_out


def proc_cpu_rss(pid):
    """CPU seconds (user+sys, all threads) and peak RSS (VmHWM, KiB) of a
    running process, from /proc."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = None
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                rss = int(line.split()[1])
    return cpu, rss


def free_ports(n, avoid=()):
    """n distinct free UDP ports on 127.0.0.1, below the kernel's ephemeral
    range (so that no client socket of anybody else on this machine takes
    one between our check and our bind). Each is checked by binding it."""
    import random
    low, high = 20000, 32000
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            high = min(high, int(f.read().split()[0]) - 1)
    except (OSError, ValueError, IndexError):
        pass
    ports = []
    for _ in range(50 * n):  # bounded
        if len(ports) == n:
            break
        p = random.randint(low, high)
        if p in ports or p in avoid:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind((HOST, p))
            except OSError:
                continue
        ports.append(p)
    if len(ports) < n:
        raise RuntimeError("no %d free UDP ports on %s" % (n, HOST))
    return ports


# ---- the fleet ---------------------------------------------------------

def fixture_facts(name):
    """Number of supplies in the Printer-MIB supplies table of a fixture."""
    levels = 0
    with open(os.path.join(FIXTURES, name + ".snmprec")) as f:
        for line in f:
            if line.startswith("1.3.6.1.2.1.43.11.1.1.9.1."):
                levels += 1
    return {"supplies": levels}


class Fleet:
    """N printers: community pNNNN (live, alternately laser and inkjet) or
    deadNNNN (no recording answers it), spread over the responder's ports."""

    def __init__(self, n):
        self.n = n
        self.printers = []  # (community, recording or None, port index)
        live_i = 0
        for i in range(n):
            port_i = i % PORTS
            if i % DEAD_EVERY == DEAD_EVERY - 1:
                self.printers.append(("dead%04d" % i, None, port_i))
            else:
                rec = RECORDINGS[live_i % len(RECORDINGS)]
                live_i += 1
                self.printers.append(("p%04d" % i, rec, port_i))
        self.live = [p for p in self.printers if p[1]]
        self.dead = [p for p in self.printers if not p[1]]

    def write_map(self, path):
        with open(path, "w") as f:
            for community, rec, _ in self.live:
                f.write("%s %s\n" % (community, rec))


class Responder:
    """ppsim on PORTS ports, optionally behind one udpproxy per port, on
    ports chosen afresh (others test on this machine too). One instance per
    run, so its --stats counters belong to that run. ports: where the tools
    send (the proxies' when there are proxies)."""

    def __init__(self, work, tag, fleet, delay_ms, bound_s):
        self.dir = os.path.join(work, tag)
        os.makedirs(self.dir, exist_ok=True)
        self.map = os.path.join(self.dir, "map.txt")
        fleet.write_map(self.map)
        self.sim = None
        self.proxies = []
        self.count_files = []
        self.stats = None
        self.proxy_requests = None
        for attempt in range(3):  # a port taken meanwhile: new ports
            if self._start(delay_ms, bound_s):
                return
            self._stop_processes()
        raise RuntimeError("responder did not start; see " + self.dir)

    def _start(self, delay_ms, bound_s):
        self.sim_ports = free_ports(PORTS)
        self.proxy_ports = free_ports(PORTS, avoid=self.sim_ports)
        argv = [PPSIM, "--data", FIXTURES, "--map", self.map,
                "--dead-community-pattern", "dead", "--stats",
                "--max-seconds", str(int(bound_s) + 60)]
        for p in self.sim_ports:
            argv += ["--listen", "%s:%d" % (HOST, p)]
        self.sim = start_background(argv, os.path.join(self.dir, "ppsim.out"),
                                    os.path.join(self.dir, "ppsim.err"))
        self.proxies = []
        self.count_files = []
        if delay_ms is not None:
            for i, (lp, tp) in enumerate(zip(self.proxy_ports,
                                             self.sim_ports)):
                cf = os.path.join(self.dir, "proxy%02d.count" % i)
                self.count_files.append(cf)
                self.proxies.append(start_background(
                    [UDPPROXY, "--listen", "%s:%d" % (HOST, lp), "--target",
                     "%s:%d" % (HOST, tp), "--delay-ms", str(delay_ms),
                     "--count-file", cf, "--max-seconds",
                     str(int(bound_s) + 60)],
                    os.path.join(self.dir, "proxy%02d.out" % i)))
        self.ports = self.proxy_ports if delay_ms is not None else \
            self.sim_ports
        # Ready when each says so on stderr; no SNMP probe, which would
        # count as a request of the tool under test.
        waits = [(self.sim, os.path.join(self.dir, "ppsim.err"),
                  "ppsim: ready")]
        waits += [(p, os.path.join(self.dir, "proxy%02d.out" % i),
                   "listening on") for i, p in enumerate(self.proxies)]
        deadline = time.monotonic() + 10.0
        for proc, path, word in waits:
            while not _file_has(path, word):
                if time.monotonic() > deadline or not proc.alive():
                    return False
                time.sleep(0.02)
        return True

    def _stop_processes(self):
        for p in self.proxies:
            stop_background(p)
        if self.sim:
            stop_background(self.sim)

    def stop(self):
        self._stop_processes()
        stats = {}
        with open(os.path.join(self.dir, "ppsim.out")) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[1].isdigit():
                    stats[parts[0]] = int(parts[1])
        self.stats = stats
        if self.count_files:
            total = 0
            for cf in self.count_files:
                try:
                    with open(cf) as f:
                        for line in f:
                            if line.startswith("requests "):
                                total += int(line.split()[1])
                except OSError:
                    pass
            self.proxy_requests = total


def _file_has(path, word):
    try:
        with open(path, errors="replace") as f:
            return word in f.read()
    except OSError:
        return False


# ---- the tools ---------------------------------------------------------

class Run:
    """What one tool did on one fleet: the row of the table."""

    def __init__(self, tool, n, net):
        self.tool, self.n, self.net = tool, n, net
        self.status = "ok"  # ok | skipped | error | bound
        self.note = ""
        self.wall = self.cpu = self.rss = None
        self.writer_cpu = None  # collectd: its write threads, apart
        self.req_live = self.req_dead = self.requests = None
        self.proxy_requests = None
        self.threads = self.fds = None  # peaks over the run
        self.kib_per_printer = None  # (rss - the tool's 1-printer rss) / live
        self.spread = None  # first to last printer's result (plugin), s
        self.live = None  # live printers of the fleet

    def row(self):
        return {k: getattr(self, k) for k in
                ("tool", "n", "net", "status", "note", "wall", "cpu", "rss",
                 "req_live", "req_dead", "requests", "proxy_requests",
                 "threads", "fds", "kib_per_printer", "spread", "live")}


def write_targets(fleet, ports, path):
    with open(path, "w") as f:
        for community, _, pi in fleet.printers:
            f.write("%s:%d community=%s\n" % (HOST, ports[pi], community))


class LiveOnly:
    """The live printers of a fleet, as a fleet of their own."""

    def __init__(self, fleet):
        self.printers = list(fleet.live)
        self.live = self.printers
        self.dead = []
        self.n = len(self.printers)


def tool_printprobe_live(ctx, fleet, ports, run):
    """printprobe on the live printers only: how far it is from the
    round-trip floor when no dead printer's timeout hides it."""
    tool_printprobe(ctx, LiveOnly(fleet), ports, run, want_status=0)
    if run.status == "ok":
        run.note = "live printers only"


def tool_printprobe(ctx, fleet, ports, run, want_status=None):
    if want_status is None:  # 1: some printer did not answer
        want_status = 1 if fleet.dead else 0
    targets = os.path.join(ctx.rundir, "targets.txt")
    write_targets(fleet, ports, targets)
    out = os.path.join(ctx.rundir, "printprobe.json")
    status, wall, cpu, rss, timed_out = run_measured(
        [PRINTPROBE, "scan", "--json", "-f", targets, "-t",
         str(ctx.timeout), "-r", str(ctx.retries)],
        out, ctx.bound_s, os.path.join(ctx.rundir, "printprobe.err"), run)
    run.wall, run.cpu, run.rss = wall, cpu, rss
    if timed_out:
        run.status, run.note = "bound", "stopped after %ds" % ctx.bound_s
        return
    # Broken, not slow: every live printer fully read, every dead one not.
    try:
        with open(out) as f:
            printers = json.load(f)["printers"]
    except (OSError, ValueError, KeyError) as e:
        run.status, run.note = "error", "no JSON report (%s)" % e
        return
    problems = []
    if len(printers) != fleet.n:
        problems.append("%d printers reported" % len(printers))
    for (community, rec, _), p in zip(fleet.printers, printers):
        if rec is None:
            if p.get("reachable"):
                problems.append(community + " reachable")
        elif not p.get("reachable"):
            problems.append(community + " unreachable")
        elif len(p.get("supplies") or []) < ctx.facts[rec]["supplies"]:
            problems.append("%s: %d supplies" %
                            (community, len(p.get("supplies") or [])))
    if status != want_status:
        problems.append("exit status %s, wanted %d" % (status, want_status))
    if problems:
        run.status = "error"
        run.note = "%d problems: %s" % (len(problems), "; ".join(problems[:3]))


def _collectd_base(ctx, plugins):
    """A private collectd: its own PluginDir (copies of the plugins it
    needs), csv and logfile."""
    wdir = os.path.join(ctx.rundir, "collectd")
    pdir = os.path.join(wdir, "plugins")
    os.makedirs(pdir)
    for name, path in plugins.items():
        # collectd refuses symbolic links (lstat): copies.
        shutil.copy(path, os.path.join(pdir, name + ".so"))
    csv_dir = os.path.join(wdir, "csv")
    os.makedirs(csv_dir)
    head = """# Written by bench/bench.py: one full fleet cycle, then stopped.
Hostname "bench"
FQDNLookup false
BaseDir "{w}"
PIDFile "{w}/collectd.pid"
PluginDir "{p}"
TypesDB "{t}"
# Long enough that the run sees exactly one cycle.
Interval 3600
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "{w}/collectd.log"
  Timestamp true
  PrintSeverity true
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "{c}"
  StoreRates false
</Plugin>
""".format(w=wdir, p=pdir, t=TYPES_DB, c=csv_dir)
    return wdir, csv_dir, head


def _scan_csv(csv_dir):
    """Files per host directory and the newest modification time (a full
    scan, for the end of a run)."""
    per_host = {}
    newest = 0.0
    for host in os.listdir(csv_dir):
        count = 0
        for dirpath, _, files in os.walk(os.path.join(csv_dir, host)):
            for name in files:
                count += 1
                try:
                    m = os.stat(os.path.join(dirpath, name)).st_mtime
                except OSError:
                    continue
                newest = max(newest, m)
        per_host[host] = count
    return per_host, newest


class CsvWatch:
    """Counts the csv files of each host as they appear, cheaply: a host
    that has as many files as wanted is not looked at again."""

    def __init__(self, csv_dir, want):
        self.dir = csv_dir
        self.want = want  # host -> files that mean "done" (default 1)
        self.counts = {}
        self.settled = set()

    def poll(self):
        for host in os.listdir(self.dir):
            if host in self.settled:
                continue
            count = 0
            for _, _, files in os.walk(os.path.join(self.dir, host)):
                count += len(files)
            self.counts[host] = count
            if count >= self.want.get(host, 1):
                self.settled.add(host)
        return self.counts


def _run_collectd(ctx, run, conf_text, wdir, csv_dir, want, done):
    """Starts collectd -f on conf_text and polls every 50 ms until
    done(files per host, log text, seconds) holds and nothing was written
    for a quiet second, or the bound. Wall time runs from the start to the
    last csv write or the moment done() held, whichever is later; CPU and
    peak RSS come from /proc just before collectd is stopped."""
    conf = os.path.join(wdir, "collectd.conf")
    with open(conf, "w") as f:
        f.write(conf_text)
    logf = os.path.join(wdir, "collectd.log")
    watch = CsvWatch(csv_dir, want)
    t0_wall = time.time()
    t0 = time.monotonic()
    d = start_background([COLLECTD, "-f", "-C", conf],
                         os.path.join(wdir, "collectd.out"))
    sampler = Sampler(d.pid)
    done_at = None
    reason = None
    cpu = rss = None
    newest = 0.0
    log_text = ""
    log_pos = 0
    next_full = 0.0
    try:
        while True:
            time.sleep(0.05)
            now = time.monotonic()
            if not d.alive():
                reason = "collectd exited (status %s); see %s" % (
                    d.proc.returncode, logf)
                break
            if now - t0 > ctx.bound_s:
                reason = "bound"
                break
            try:
                with open(logf, errors="replace") as f:
                    f.seek(log_pos)
                    chunk = f.read()
                    log_pos = f.tell()
                log_text += chunk
            except OSError:
                pass
            if done_at is None:
                if done(watch.poll(), log_text, now - t0):
                    done_at = now
                continue
            # Done: wait for a quiet second (late writes still count).
            if now >= next_full:
                next_full = now + 0.5
                _, newest = _scan_csv(csv_dir)
                if newest and time.time() - newest >= 1.0:
                    break
        writers = None
        if d.alive():
            _, rss = proc_cpu_rss(d.pid)
            # as for the printer plugin: the csv writer apart
            cpu, writers = thread_cpu(d.pid)
    finally:
        run.threads, run.fds = sampler.stop()
        stop_background(d)
    run.cpu, run.rss = cpu, rss
    run.writer_cpu = writers
    if writers is not None:
        run.note = "csv writer %.2f CPU s" % writers
    if reason == "bound":
        run.status, run.note = "bound", "cycle not over after %ds" % \
            ctx.bound_s
        run.wall = ctx.bound_s
        return
    if reason:
        run.status, run.note = "error", reason
        return
    last_write = (newest - t0_wall) if newest else 0.0
    run.wall = max(last_write, done_at - t0)


def _first_time(path):
    """The timestamp of the first value in a csv plugin file, or None."""
    try:
        with open(path) as f:
            for line in f:
                head = line.split(",", 1)[0]
                try:
                    return float(head)
                except ValueError:
                    continue
    except OSError:
        pass
    return None


PRINTER_INTERVAL = 10  # seconds; the plugin checks for results every second
# For 10,000 printers and for the SNMPv3 runs: a second poll must not start
# (and be counted in the requests) while the csv files of the first one are
# still being written and watched, or before a slow first cycle is over.
PRINTER_INTERVAL_LONG = 60


def printer_interval(n):
    return PRINTER_INTERVAL if n < 10000 else PRINTER_INTERVAL_LONG


def tool_printer_blocks(ctx, fleet, ports, run):
    """One <Printer> block per printer, each with its own community: how a
    site whose printers have different communities configures the plugin
    (all blocks share the plugin's one polling thread and engine)."""
    blocks = []
    hosts = []
    for community, rec, pi in fleet.printers:
        blocks.append('  <Printer "%s">\n    Address "%s:%d"\n    Version 2\n'
                      '    Community "%s"\n    Timeout %d\n    Retries %d\n'
                      '    Interval %d\n  </Printer>' % (
                          community, HOST, ports[pi], community, ctx.timeout,
                          ctx.retries, printer_interval(fleet.n)))
        hosts.append((community, "printer-" + community, rec))
    _run_printer_so(ctx, run, "\n".join(blocks), hosts, None)
    if run.status == "ok":
        run.note = "; ".join(x for x in ("%d <Printer> blocks" % fleet.n,
                                          run.note) if x)


class Forwarder:
    """bench/fwd.py: one front port per printer (spec: (community or "-",
    upstream port or 0) per printer). Not a measured tool, but it must keep
    up: its CPU seconds and forwarded requests are read at the end."""

    def __init__(self, rundir, spec, bound_s):
        self.spec = os.path.join(rundir, "fwd-spec.txt")
        with open(self.spec, "w") as f:
            for community, port in spec:
                f.write("%s %d\n" % (community, port))
        self.pfile = os.path.join(rundir, "fwd-ports.txt")
        self.count_file = os.path.join(rundir, "fwd.count")
        self.proc = start_background(
            [sys.executable, "-B", os.path.join(BENCH, "fwd.py"), self.spec,
             "--ports-file", self.pfile, "--count-file", self.count_file,
             "--max-seconds", str(int(bound_s) + 60)],
            os.path.join(rundir, "fwd.out"))
        self.fronts = None
        self.cpu = None
        self.requests = None
        # 10,000 printers: 20,000 sockets to open and register first.
        deadline = time.monotonic() + 60
        while not _file_has(self.pfile, "ready"):
            if time.monotonic() > deadline or not self.proc.alive():
                return
            time.sleep(0.05)
        with open(self.pfile) as f:
            self.fronts = [int(x) for x in f.read().split()[:-1]]
        # Its CPU for opening the sockets is not the cycle's.
        self.cpu0, _ = proc_cpu_rss(self.proc.pid)

    def alive(self):
        return self.proc.alive()

    def why(self):
        """The last line fwd.py wrote (an exception, when it failed)."""
        try:
            with open(os.path.join(os.path.dirname(self.pfile), "fwd.out"),
                      errors="replace") as f:
                lines = f.read().strip().splitlines()
        except OSError:
            lines = []
        return lines[-1] if lines else "no output"

    def stop(self):
        if self.proc.alive() and self.fronts is not None:
            self.cpu = proc_cpu_rss(self.proc.pid)[0] - self.cpu0
        stop_background(self.proc)
        try:
            with open(self.count_file) as f:
                for line in f:
                    if line.startswith("requests "):
                        self.requests = int(line.split()[1])
        except OSError:
            pass

    def note(self, wall):
        """Whether the forwarder kept up: its CPU share of the cycle."""
        if self.cpu is None or not wall:
            return ""
        busy = self.cpu / wall
        return "forwarder %.2f CPU s (%.0f%% of the cycle%s)" % (
            self.cpu, 100 * busy, ", saturated" if busy > 0.8 else "")


def tool_printer_fleet(ctx, fleet, ports, run):
    """One <Fleet> block with every printer's address and one community, as
    a site with one community writes it. The simulated printers share one
    address, so bench/fwd.py gives each its own port and swaps the community
    for the printer's own on the way (the forwarder is not measured)."""
    fwd = Forwarder(ctx.rundir, [(c, ports[pi]) for c, _, pi in
                                 fleet.printers], ctx.bound_s)
    try:
        if fwd.fronts is None:
            run.status, run.note = "error", "fwd.py did not start: " + \
                fwd.why()
            return
        addresses = "\n".join('    Address "%s:%d"' % (HOST, p)
                              for p in fwd.fronts)
        block = ('  <Fleet "fleet">\n%s\n    Version 2\n    Community '
                 '"public"\n    Timeout %d\n    Retries %d\n    Interval '
                 '%d\n  </Fleet>' % (addresses, ctx.timeout, ctx.retries,
                                      printer_interval(fleet.n)))
        hosts = [("%s:%d" % (HOST, p), "printer-fleet", rec)
                 for p, (_, rec, _) in zip(fwd.fronts, fleet.printers)]
        _run_printer_so(ctx, run, block, hosts, fwd)
        if run.status == "ok":
            run.note = "; ".join(x for x in ("one <Fleet> block", run.note)
                                 if x)
    finally:
        fwd.stop()
    run.fwd_requests = fwd.requests
    extra = fwd.note(run.wall)
    if extra:
        run.note = "; ".join(x for x in (run.note, extra) if x)


def thread_cpu(pid):
    """(CPU seconds of collectd's threads but its writers, of its write
    threads "writer#N"): the csv writer's work is the same whatever plugin
    dispatched the values. From each thread's schedstat (nanoseconds: the
    clock ticks of /proc/PID/stat, 10 ms per thread, blurred differences
    of a few tens of ms over a dozen threads)."""
    others = writers = 0.0
    for tid in os.listdir("/proc/%d/task" % pid):
        base = "/proc/%d/task/%s/" % (pid, tid)
        try:
            with open(base + "comm") as f:
                comm = f.read().strip()
            with open(base + "schedstat") as f:
                seconds = int(f.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        if comm.startswith("writer#"):
            writers += seconds
        else:
            others += seconds
    return others, writers


def _settled_cpu_rss(pid, deadline):
    """(CPU seconds without the writers', the writers' CPU seconds, peak
    RSS) of collectd once its cycle's work is done. The csv writer costs
    ~0.1 ms a value (a file opened and closed each time), 1.5 to 2.5 s for
    the 16,000 values of 1000 printers, and varies more than the plugin's
    whole cost: it is kept apart. Read when idle (the writers may still be
    writing when the last printer's file appears): no CPU in 0.2 s, or the
    deadline (before the next poll)."""
    last = proc_cpu_rss(pid)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = proc_cpu_rss(pid)
        if now[0] - last[0] < 0.005:
            break
        last = now
    _, rss = proc_cpu_rss(pid)
    cpu, writers = thread_cpu(pid)
    return cpu, writers, rss


def _run_printer_so(ctx, run, blocks, hosts, helper, strict=True):
    """The plugin polls in one thread for every block and dispatches a finished
    poll at the next check of its read callback (every Interval/10, at least
    every second), stamped with the time the poll ended. So: Interval 10,
    wait until every printer dispatched its gauge-reachable value, and the
    cycle's end is the newest of those timestamps; CPU (without the csv
    writer's, in the note) and peak RSS are read once collectd is idle
    again (before the next poll, at Interval).
    hosts: (host, plugin-instance directory, recording or None)."""
    if not os.path.exists(PRINTER_SO):
        run.status, run.note = "skipped", "printer.so not built"
        return
    wdir, csv_dir, head = _collectd_base(ctx, {
        "csv": os.path.join(COLLECTD_PLUGINS, "csv.so"),
        "logfile": os.path.join(COLLECTD_PLUGINS, "logfile.so"),
        "printer": PRINTER_SO})
    conf = os.path.join(wdir, "collectd.conf")
    with open(conf, "w") as f:
        f.write(head + "LoadPlugin printer\n<Plugin printer>\n" + blocks +
                "\n</Plugin>\n")
    logf = os.path.join(wdir, "collectd.log")
    reach = {}  # host -> path of its gauge-reachable file
    samples = []  # (wall clock, CPU seconds, peak RSS KiB)
    # host directory -> [(host, plugin-instance directory)] still waited
    # for: a tick lists csv/ once and looks only into new host folders, so
    # that 10,000 printers cost no more than a few ms per tick.
    pending = {}
    for h, inst, _ in hosts:
        pending.setdefault(h, []).append(inst)
    t0_wall = time.time()
    t0 = time.monotonic()
    d = start_background([COLLECTD, "-f", "-C", conf],
                         os.path.join(wdir, "collectd.out"))
    sampler = Sampler(d.pid)
    reason = None
    try:
        while len(reach) < len(hosts):
            time.sleep(0.05)
            if not d.alive():
                reason = "collectd exited (status %s); see %s" % (
                    d.proc.returncode, logf)
                break
            if helper is not None and not helper.alive():
                reason = "the forwarder died"
                break
            if time.monotonic() - t0 > ctx.bound_s:
                reason = "bound"
                break
            samples.append((time.time(),) + proc_cpu_rss(d.pid))
            for h in set(os.listdir(csv_dir)) & set(pending):
                for inst in list(pending[h]):
                    hdir = os.path.join(csv_dir, h, inst)
                    try:
                        names = os.listdir(hdir)
                    except OSError:
                        continue
                    for name in names:
                        if name.startswith("gauge-reachable-"):
                            reach[h] = os.path.join(hdir, name)
                            pending[h].remove(inst)
                            break
                if not pending[h]:
                    del pending[h]
        if reason is None:
            settled = _settled_cpu_rss(d.pid, t0 + PRINTER_INTERVAL - 0.5)
    finally:
        run.threads, run.fds = sampler.stop()
        stop_background(d)
    if reason == "bound":
        run.status, run.note = "bound", "%d of %d printers dispatched in " \
            "%ds" % (len(reach), len(hosts), ctx.bound_s)
        run.wall = ctx.bound_s
        if samples:  # what it had used by then
            run.cpu, run.rss = samples[-1][1], samples[-1][2]
        return
    if reason:
        run.status, run.note = "error", reason
        return
    ends = [_first_time(p) for p in reach.values()]
    if None in ends:
        run.status, run.note = "error", "unreadable csv values"
        return
    end = max(ends)
    run.wall = end - t0_wall
    run.spread = end - min(ends)
    run.cpu, writers, run.rss = settled
    run.writer_cpu = writers
    run.note = "; ".join(x for x in (run.note, "csv writer %.2f CPU s" %
                                     writers) if x)
    wrong = []
    for h, _, rec in hosts:
        v = None
        with open(reach[h]) as f:
            for line in f:
                parts = line.strip().split(",")
                if len(parts) == 2 and parts[0][:1].isdigit():
                    v = float(parts[1])
        if (v == 1.0) != (rec is not None):
            wrong.append("%s reported reachable=%s" % (h, v))
    if wrong and strict:
        run.status, run.note = "error", wrong[0]
    elif wrong:
        # A real agent under load may miss a poller's timeout: a result.
        run.note = "%d printers reported wrongly (first: %s)" % (
            len(wrong), wrong[0])


# What a collectd user writes by hand for printers, with numeric OIDs (no
# MIB files needed): the supplies table (level and max, the description as
# the type instance), the page counter and two status gauges.
SNMP_DATA = """<Plugin snmp>
  <Data "supply_level">
    Type "gauge"
    Table true
    TypeInstanceOID "1.3.6.1.2.1.43.11.1.1.6.1"
    TypeInstancePrefix "level-"
    Values "1.3.6.1.2.1.43.11.1.1.9.1"
  </Data>
  <Data "supply_max">
    Type "gauge"
    Table true
    TypeInstanceOID "1.3.6.1.2.1.43.11.1.1.6.1"
    TypeInstancePrefix "max-"
    Values "1.3.6.1.2.1.43.11.1.1.8.1"
  </Data>
  <Data "pages">
    Type "counter"
    Table false
    TypeInstance "pages"
    Values "1.3.6.1.2.1.43.10.2.1.4.1.1"
  </Data>
  <Data "printer_status">
    Type "gauge"
    Table false
    TypeInstance "printer_status"
    Values "1.3.6.1.2.1.25.3.5.1.1.1"
  </Data>
  <Data "device_status">
    Type "gauge"
    Table false
    TypeInstance "device_status"
    Values "1.3.6.1.2.1.25.3.2.1.5.1"
  </Data>
"""
SNMP_COLLECT = '"supply_level" "supply_max" "pages" "printer_status" ' \
    '"device_status"'


def tool_collectd_snmp(ctx, fleet, ports, run):
    wdir, csv_dir, head = _collectd_base(ctx, {
        "csv": os.path.join(COLLECTD_PLUGINS, "csv.so"),
        "logfile": os.path.join(COLLECTD_PLUGINS, "logfile.so"),
        "snmp": os.path.join(COLLECTD_PLUGINS, "snmp.so")})
    lines = [head, "LoadPlugin snmp", SNMP_DATA]
    for community, _, pi in fleet.printers:
        lines.append('  <Host "%s">\n    Address "%s:%d"\n    Version 2\n'
                     '    Community "%s"\n    Collect %s\n    Timeout %d\n'
                     '    Retries %d\n  </Host>' %
                     (community, HOST, ports[pi], community, SNMP_COLLECT,
                      ctx.timeout, ctx.retries))
    lines.append("</Plugin>\n")
    # Each live host writes 2 files per supply and 3 more; a dead host
    # writes nothing but logs its failure (snmp_sess_synch_response).
    want = {c: 2 * ctx.facts[rec]["supplies"] + 3 for c, rec, _ in fleet.live}
    dead = [c for c, _, _ in fleet.dead]

    def done(per_host, log_text, seconds):
        for c, k in want.items():
            if per_host.get(c, 0) < k:
                return False
        return all(("host %s:" % c) in log_text for c in dead)

    _run_collectd(ctx, run, "\n".join(lines), wdir, csv_dir, want, done)
    if run.status == "ok":
        per_host, _ = _scan_csv(csv_dir)
        short = [c for c, k in want.items() if per_host.get(c, 0) < k]
        if short:
            run.status, run.note = "error", "%d live hosts incomplete" % \
                len(short)


def _pool(ctx, run, program, arg_lines, name, check_output):
    """Runs program once per line of arguments, PARALLEL at a time, under
    xargs (so the whole tree is one measured process)."""
    cmds = os.path.join(ctx.rundir, name + ".args")
    with open(cmds, "w") as f:
        for args in arg_lines:
            f.write(" ".join(args) + "\n")
    out = os.path.join(ctx.rundir, name + ".out")
    status, wall, cpu, rss, timed_out = run_measured(
        ["xargs", "-P", str(ctx.parallel), "-L", "1", "-a", cmds, program],
        out, ctx.bound_s, os.path.join(ctx.rundir, name + ".err"), run)
    run.wall, run.cpu, run.rss = wall, cpu, rss
    if timed_out:
        run.status, run.note = "bound", "stopped after %ds" % ctx.bound_s
        return
    with open(out, errors="replace") as f:
        problem = check_output(f.read())
    if problem:
        run.status, run.note = "error", problem


def tool_check_snmp(ctx, fleet, ports, run):
    if not os.path.exists(CHECK_SNMP):
        run.status, run.note = "skipped", "check_snmp not installed"
        return
    lines = []
    for community, rec, pi in fleet.printers:
        base = ["-H", HOST, "-p", str(ports[pi]), "-P", "2c", "-C", community,
                "-t", str(ctx.timeout), "-e", str(ctx.retries)]
        # Three services per printer, as a Nagios admin sets them up with
        # the supply indexes known per model: status, pages, supplies.
        nsup = ctx.facts[rec or RECORDINGS[0]]["supplies"]
        supplies = ",".join(["1.3.6.1.2.1.43.11.1.1.9.1.%d" % i
                             for i in range(1, nsup + 1)] +
                            ["1.3.6.1.2.1.43.11.1.1.8.1.%d" % i
                             for i in range(1, nsup + 1)])
        lines.append(base + ["-o", "1.3.6.1.2.1.25.3.5.1.1.1,"
                             "1.3.6.1.2.1.25.3.2.1.5.1", "-l", "status"])
        lines.append(base + ["-o", "1.3.6.1.2.1.43.10.2.1.4.1.1", "-l",
                             "pages"])
        lines.append(base + ["-o", supplies, "-l", "supplies"])
    want_ok = 3 * len(fleet.live)

    def check(text):
        ok = text.count("SNMP OK")
        if ok < want_ok:
            return "%d of %d live checks said SNMP OK" % (ok, want_ok)
        return None

    _pool(ctx, run, CHECK_SNMP, lines, "check_snmp", check)
    run.note = run.note or "%d checks, %d at a time" % (len(lines),
                                                        ctx.parallel)


def tool_snmpbulkwalk(ctx, fleet, ports, run):
    lines = []
    for community, _, pi in fleet.printers:
        lines.append(["-v2c", "-c", community, "-t", str(ctx.timeout), "-r",
                      str(ctx.retries), "-On", "%s:%d" % (HOST, ports[pi]),
                      "1.3.6.1.2.1.43"])
    want = len(fleet.live)

    def check(text):
        got = text.count(".1.3.6.1.2.1.43.11.1.1.9.1.1 =")
        if got < want:
            return "%d of %d live walks reached the supplies" % (got, want)
        return None

    _pool(ctx, run, SNMPBULKWALK, lines, "snmpbulkwalk", check)
    run.note = run.note or "%d walks, %d at a time" % (len(lines),
                                                       ctx.parallel)


TOOL_FUNCS = {
    "printprobe": tool_printprobe,
    "printprobe-live": tool_printprobe_live,
    "printer.so-fleet": tool_printer_fleet,
    "printer.so-blocks": tool_printer_blocks,
    "collectd-snmp": tool_collectd_snmp,
    "check_snmp": tool_check_snmp,
    "snmpbulkwalk": tool_snmpbulkwalk,
}


# ---- SNMPv3 ------------------------------------------------------------

SNMPD = "/usr/sbin/snmpd"
V3_USER = "benchuser"
V3_PORTS = 4  # snmpd's agent addresses; fwd.py gives each printer its own
V3_BOUND_S = 100


class SnmpAgent:
    """net-snmp's snmpd on V3_PORTS loopback ports, with its own
    configuration only (-C -c) and its own persistent folder: one SNMPv3
    user (authPriv, SHA and AES) and one v2c community, both seeing the
    system group and the host resources device tables. The passphrases are
    made up for the run, kept in files (0600) and in snmpd's configuration,
    never on a command line. Behind one udpproxy per port when delay_ms."""

    def __init__(self, work, delay_ms, bound_s):
        import secrets
        self.dir = os.path.join(work, "snmpd")
        os.makedirs(os.path.join(self.dir, "persist"), mode=0o700)
        os.makedirs(os.path.join(self.dir, "mibs"))
        self.secrets = {}
        for name in ("auth", "priv", "community"):
            path = os.path.join(self.dir, name + ".pass")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            value = "b" + secrets.token_hex(12)
            os.write(fd, (value + "\n").encode())
            os.close(fd)
            self.secrets[name] = (path, value)
        self.proc = None
        self.proxies = []
        self.ports = None
        for _ in range(3):  # a port taken meanwhile: new ports
            if self._start(delay_ms, bound_s):
                return
            self.stop()
        raise RuntimeError("snmpd did not start; see " + self.dir)

    def _start(self, delay_ms, bound_s):
        agent_ports = free_ports(V3_PORTS)
        conf = os.path.join(self.dir, "snmpd.conf")
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(
                "# Written by bench/bench.py for one run.\n"
                "[snmpd] agentaddress %s\n"
                "[snmp] persistentDir %s\n"
                "[snmpd] dontLogTCPWrappersConnects yes\n"
                "[snmpd] createUser %s SHA \"%s\" AES \"%s\"\n"
                "[snmpd] view benchview included .1.3.6.1.2.1.1\n"
                "[snmpd] view benchview included .1.3.6.1.2.1.25.3\n"
                "[snmpd] rouser %s priv -V benchview\n"
                "[snmpd] rocommunity %s 127.0.0.1 -V benchview\n" % (
                    ",".join("udp:%s:%d" % (HOST, p) for p in agent_ports),
                    os.path.join(self.dir, "persist"), V3_USER,
                    self.secrets["auth"][1], self.secrets["priv"][1],
                    V3_USER, self.secrets["community"][1]))
        logf = os.path.join(self.dir, "snmpd.log")
        # No MIB files: numeric OIDs only, and no warnings about them.
        env = dict(os.environ, MIBS="", MIBDIRS=os.path.join(self.dir,
                                                             "mibs"))
        # Under timeout(1): snmpd stops by itself even if we cannot stop
        # it; its own PID (for its CPU) is in its pid file.
        self.pidfile = os.path.join(self.dir, "snmpd.pid")
        self.proc = start_background(
            ["timeout", str(int(bound_s)), SNMPD, "-f", "-C", "-c", conf,
             "-Lf", logf, "-p", self.pidfile],
            os.path.join(self.dir, "snmpd.out"), env=env)
        self.proxies = []
        self.ports = agent_ports
        if delay_ms is not None:
            fronts = free_ports(V3_PORTS, avoid=agent_ports)
            for i, (lp, tp) in enumerate(zip(fronts, agent_ports)):
                self.proxies.append(start_background(
                    [UDPPROXY, "--listen", "%s:%d" % (HOST, lp), "--target",
                     "%s:%d" % (HOST, tp), "--delay-ms", str(delay_ms),
                     "--max-seconds", str(int(bound_s) + 60)],
                    os.path.join(self.dir, "proxy%d.out" % i)))
            self.ports = fronts
        deadline = time.monotonic() + 15.0
        waits = [(self.proc, logf, "NET-SNMP version")]
        waits += [(p, os.path.join(self.dir, "proxy%d.out" % i),
                   "listening on") for i, p in enumerate(self.proxies)]
        for proc, path, word in waits:
            while not _file_has(path, word):
                if time.monotonic() > deadline or not proc.alive():
                    return False
                time.sleep(0.05)
        return True

    def alive(self):
        return self.proc is not None and self.proc.alive()

    def cpu(self):
        """snmpd's CPU seconds so far, or None."""
        if not self.alive():
            return None
        try:
            with open(self.pidfile) as f:
                return proc_cpu_rss(int(f.read().split()[0]))[0]
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        for p in self.proxies:
            stop_background(p)
        self.proxies = []
        if self.proc is not None:
            stop_background(self.proc)


def _v3_fleet(n):
    """n printers on the agent's ports, every DEAD_EVERY-th silent."""
    return [(i, i % DEAD_EVERY != DEAD_EVERY - 1) for i in range(n)]


def v3_run(ctx, agent, tool, version, n):
    """One cycle of tool ("printprobe" or "printer.so-blocks") over n
    printers of the agent, SNMP version "2c" or "3"; each printer has its
    own fwd.py port (a silent one drops what it gets)."""
    run = Run(tool, n, "v" + version)
    ctx.seq = getattr(ctx, "seq", 0) + 1
    ctx.rundir = os.path.join(ctx.work, "v%s-%s-%d-%d" % (version, tool, n,
                                                          ctx.seq))
    os.makedirs(ctx.rundir)
    printers = _v3_fleet(n)
    live = sum(1 for _, up in printers if up)
    spec = [("-", agent.ports[i % V3_PORTS] if up else 0)
            for i, up in printers]
    fwd = Forwarder(ctx.rundir, spec, ctx.bound_s)
    agent_cpu0 = agent.cpu()
    try:
        if fwd.fronts is None:
            run.status, run.note = "error", "fwd.py did not start: " + \
                fwd.why()
            return run
        if tool == "printprobe":
            _v3_scan(ctx, agent, run, version, printers, fwd.fronts)
        else:
            _v3_blocks(ctx, agent, run, version, printers, fwd.fronts, fwd)
    finally:
        fwd.stop()
    agent_cpu = agent.cpu()
    run.live = live
    if agent_cpu is not None and agent_cpu0 is not None and run.wall:
        # The agent must keep up: its CPU share of the cycle.
        busy = (agent_cpu - agent_cpu0) / run.wall
        used = "snmpd %.2f CPU s (%.0f%%%s)" % (
            agent_cpu - agent_cpu0, 100 * busy,
            ", saturated" if busy > 0.8 else "")
        run.note = "; ".join(x for x in (run.note, used) if x)
    if fwd.requests is not None and live:
        run.req_live = fwd.requests / live
    if not agent.alive():
        run.status, run.note = "error", "snmpd died"
    extra = fwd.note(run.wall)
    if extra:
        run.note = "; ".join(x for x in (run.note, extra) if x)
    log("  %-17s N=%-5d %-4s %s wall %s s, CPU %s s, RSS %s MiB, threads %s, "
        "fds %s, req/live %s, spread %s s%s" % (
            tool, n, "v" + version, run.status, fmt(run.wall), fmt(run.cpu),
            fmt(run.rss / 1024 if run.rss else None, "%.1f"),
            fmt(run.threads, "%d"), fmt(run.fds, "%d"),
            fmt(run.req_live, "%.1f"), fmt(run.spread),
            (" (" + run.note + ")") if run.note else ""))
    return run


def _v3_scan(ctx, agent, run, version, printers, fronts):
    targets = os.path.join(ctx.rundir, "targets.txt")
    with open(targets, "w") as f:
        for port in fronts:
            f.write("%s:%d\n" % (HOST, port))
    argv = [PRINTPROBE, "scan", "--json", "-f", targets, "-t",
            str(ctx.timeout), "-r", str(ctx.retries)]
    if version == "3":
        argv += ["-v", "3", "-u", V3_USER, "--auth-proto", "SHA",
                 "--auth-pass-file", agent.secrets["auth"][0],
                 "--priv-proto", "AES", "--priv-pass-file",
                 agent.secrets["priv"][0]]
    else:
        argv += ["-v", "2c", "--community-file",
                 agent.secrets["community"][0]]
    with open(os.path.join(ctx.rundir, "printprobe.args"), "w") as f:
        f.write(" ".join(argv) + "\n")
    out = os.path.join(ctx.rundir, "printprobe.json")
    status, wall, cpu, rss, timed_out = run_measured(
        argv, out, ctx.bound_s, os.path.join(ctx.rundir, "printprobe.err"),
        run)
    run.wall, run.cpu, run.rss = wall, cpu, rss
    if timed_out:
        run.status, run.note = "bound", "stopped after %ds" % ctx.bound_s
        return
    try:
        with open(out) as f:
            got = json.load(f)["printers"]
    except (OSError, ValueError, KeyError) as e:
        run.status, run.note = "error", "no JSON report (%s)" % e
        return
    wrong = [i for (i, up), p in zip(printers, got)
             if bool(p.get("reachable")) != up]
    if len(got) != len(printers):
        run.status = "error"
        run.note = "%d printers reported of %d" % (len(got), len(printers))
    elif wrong:
        # A real agent under load may miss a poller's timeout: a result.
        run.note = "%d printers reported wrongly (first: #%s)" % (
            len(wrong), wrong[0])


def _v3_blocks(ctx, agent, run, version, printers, fronts, fwd):
    blocks = []
    hosts = []
    if version == "3":
        cred = ('    Version 3\n    Username "%s"\n    AuthProtocol "SHA"\n'
                '    AuthPassphraseFile "%s"\n    PrivacyProtocol "AES"\n'
                '    PrivacyPassphraseFile "%s"\n' % (
                    V3_USER, agent.secrets["auth"][0],
                    agent.secrets["priv"][0]))
    else:
        cred = '    Version 2\n    CommunityFile "%s"\n' % \
            agent.secrets["community"][0]
    for (i, up), port in zip(printers, fronts):
        name = "v%s-%05d" % (version, i)
        blocks.append('  <Printer "%s">\n    Address "%s:%d"\n%s'
                      '    Timeout %d\n    Retries %d\n    Interval %d\n'
                      '  </Printer>' % (name, HOST, port, cred, ctx.timeout,
                                        ctx.retries, PRINTER_INTERVAL_LONG))
        hosts.append((name, "printer-" + name, "snmpd" if up else None))
    _run_printer_so(ctx, run, "\n".join(blocks), hosts, fwd, strict=False)
    if run.status == "ok":
        run.note = "; ".join(x for x in ("%d <Printer> blocks" %
                                          len(printers), run.note) if x)


def measure_v3(ctx, args, n, started):
    """v2c and v3 cycles of printprobe scan and of <Printer> blocks over
    the same snmpd, through the delaying proxies: SNMPv3's cost is the
    difference. Returns the runs, or a text saying why there are none."""
    if not os.access(SNMPD, os.X_OK):
        return "snmpd not installed (Debian package snmpd)"
    # A silent SNMPv3 printer may cost a poller far more than its timeout
    # (engine ID discovery); 100 s per run keeps the section within ~7 min,
    # less when the budget is nearly spent.
    left = args.budget - (time.monotonic() - started)
    ctx.bound_s = max(20, min(60 if args.quick else V3_BOUND_S, left / 4))
    agent = SnmpAgent(ctx.work, ctx.delay_ms, ctx.bound_s * 4 + 120)
    runs = []
    try:
        for tool in ("printprobe", "printer.so-blocks"):
            for version in ("2c", "3"):
                runs.append(v3_run(ctx, agent, tool, version, n))
    finally:
        agent.stop()
    return runs


def v3_table(v3):
    head = ["N", "SNMP", "tool", "wall s", "CPU s", "peak RSS MiB",
            "threads", "fds", "req/live", "spread s", "x v2c", "status/note"]
    rows = []
    if isinstance(v3, str):
        return head, rows
    v2 = {r.tool: r for r in v3 if r.net == "v2c"}
    for r in v3:
        base = v2.get(r.tool)
        ratio = r.wall / base.wall if _usable(r) and _usable(base) else None
        note = r.status if r.status != "ok" else ""
        if r.note:
            note = (note + ": " if note else "") + r.note
        rows.append([str(r.n), r.net, r.tool,
                     fmt(r.wall) if r.status in ("ok", "bound") else "-",
                     fmt(r.cpu), fmt(r.rss / 1024 if r.rss else None, "%.1f"),
                     fmt(r.threads, "%d"), fmt(r.fds, "%d"),
                     fmt(r.req_live, "%.1f"), fmt(r.spread),
                     fmt(ratio, "%.2f"), note])
    return head, rows


def v3_target_rows(v3):
    if isinstance(v3, str):
        return [["SNMPv3 cycle vs v2c", "<= %.1fx" % TARGET_V3_VS_V2C, "-",
                 "-", v3]]
    rows = []
    by = {(r.tool, r.net): r for r in v3}
    for tool, label in (("printprobe", "scan"),
                        ("printer.so-blocks", "<Printer> blocks")):
        a, b = by.get((tool, "v2c")), by.get((tool, "v3"))
        ratio = b.wall / a.wall if _usable(a) and _usable(b) else None
        n = b.n if b else 0
        why = ""
        if b is not None and b.status == "bound" and _usable(a):
            # Not over at the bound: at least that much slower.
            rows.append(["SNMPv3 authPriv vs v2c, %s (N=%d)" % (label, n),
                         "<= %.1fx" % TARGET_V3_VS_V2C,
                         "> %.1fx" % (b.wall / a.wall),
                         _verdict(b.wall / a.wall <= TARGET_V3_VS_V2C),
                         "v3 not over in %.0f s (%s), v2c %.2f s" % (
                             b.wall, b.note, a.wall)])
            continue
        if ratio:
            why = "v3 %.2f s, v2c %.2f s" % (b.wall, a.wall)
            if b.spread is not None:
                why += "; first to last block's result: v3 %.2f s, v2c " \
                    "%.2f s" % (b.spread, a.spread or 0)
        rows.append(["SNMPv3 authPriv vs v2c, %s (N=%d)" % (label, n),
                     "<= %.1fx" % TARGET_V3_VS_V2C, fmt(ratio, "%.2fx"),
                     _verdict(None if ratio is None else
                              ratio <= TARGET_V3_VS_V2C), why])
    return rows


# ---- maker fixtures ----------------------------------------------------

TESTS = os.path.join(ROOT, "tests")


# A fixture whose agent makes up thousands of rows (ppsim "rows="): the
# walk stops at 512 rows a column, so 2 columns x 512 rows take at most
# 8 GETBULKs of 128 values beyond a known maker's 4 requests.
HOSTILE_ROWS_MAX_REQUESTS = 12


def made_up_rows(path):
    """True for a fixture whose responder serves made-up rows (a hostile
    table): its request count has a bound of its own."""
    with open(path, errors="replace") as f:
        return any(line.startswith("#ppsim:") and " rows=" in line
                   for line in f)


def maker_recordings():
    """(name, source folder, path) of every maker fixture
    (tests/fixtures/vendor_*.snmprec) and every recording of a real
    printer (tests/corpus/*.snmprec)."""
    out = []
    for sub, prefix in (("fixtures", "vendor_"), ("corpus", "")):
        folder = os.path.join(TESTS, sub)
        for name in sorted(os.listdir(folder)):
            if name.startswith(prefix) and name.endswith(".snmprec"):
                out.append((name[:-len(".snmprec")], sub,
                            os.path.join(folder, name)))
    return out


def measure_makers(ctx):
    """printprobe scan once over every maker fixture and corpus recording,
    served by ppsim with --log: the requests each printer cost (each is its
    own community). Returns one dict per printer, or a text saying why
    there are none."""
    recs = maker_recordings()
    if not recs:
        return "no recordings in tests/fixtures or tests/corpus"
    wdir = os.path.join(ctx.work, "makers")
    data = os.path.join(wdir, "data")
    os.makedirs(data)
    for name, _, path in recs:
        shutil.copy(path, os.path.join(data, name + ".snmprec"))
    logf = os.path.join(wdir, "ppsim.log")
    sim = None
    for _ in range(3):  # a port taken meanwhile: another one
        port = free_ports(1)[0]
        sim = start_background(
            [PPSIM, "--data", data, "--log", logf, "--listen",
             "%s:%d" % (HOST, port), "--max-seconds", "180"],
            os.path.join(wdir, "ppsim.out"), os.path.join(wdir, "ppsim.err"))
        deadline = time.monotonic() + 10
        while sim.alive() and not _file_has(os.path.join(wdir, "ppsim.err"),
                                            "ppsim: ready"):
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        if sim.alive() and _file_has(os.path.join(wdir, "ppsim.err"),
                                     "ppsim: ready"):
            break
        stop_background(sim)
        sim = None
    if sim is None:
        return "ppsim did not start; see " + wdir
    targets = os.path.join(wdir, "targets.txt")
    with open(targets, "w") as f:
        for name, _, _ in recs:
            f.write("%s:%d community=%s\n" % (HOST, port, name))
    out = os.path.join(wdir, "printprobe.json")
    try:
        status, wall, _, _, timed_out = run_measured(
            [PRINTPROBE, "scan", "--json", "-f", targets, "-t",
             str(ctx.timeout), "-r", str(ctx.retries)], out, 120,
            os.path.join(wdir, "printprobe.err"))
    finally:
        stop_background(sim)
    if timed_out:
        return "printprobe scan did not finish in 120 s"
    counts = {}
    with open(logf, errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 4:
                counts[parts[2]] = counts.get(parts[2], 0) + 1
    try:
        with open(out) as f:
            printers = json.load(f)["printers"]
    except (OSError, ValueError, KeyError) as e:
        return "no JSON report from printprobe (%s)" % e
    rows = []
    for (name, sub, path), p in zip(recs, printers):
        n = counts.get(name, 0)
        most = (HOSTILE_ROWS_MAX_REQUESTS if made_up_rows(path)
                else TARGET_RT_PER_LIVE)
        rows.append({"name": name, "source": "tests/" + sub,
                     "requests": n, "reachable": bool(p.get("reachable")),
                     "supplies": len(p.get("supplies") or []),
                     "wanted": most, "verdict": _verdict(n <= most)})
    log("  maker fixtures: %d printers in %.2f s, %d over %d requests" % (
        len(rows), wall, sum(1 for r in rows if r["verdict"] != "met"),
        TARGET_RT_PER_LIVE))
    return rows


def makers_table(makers):
    head = ["recording", "from", "reachable", "supplies", "requests",
            "wanted", "verdict"]
    rows = []
    if isinstance(makers, str):
        return head, rows
    for m in makers:
        rows.append([m["name"], m["source"], "yes" if m["reachable"] else "no",
                     str(m["supplies"]), str(m["requests"]),
                     "<= %.0f" % m["wanted"] +
                     (" (made-up rows)" if m["wanted"] != TARGET_RT_PER_LIVE
                      else ""), m["verdict"]])
    return head, rows


# ---- the run -----------------------------------------------------------

class Context:
    pass


def measure_ceiling(ctx, seconds):
    """The responder's ceiling: GET and GETBULK requests answered per second
    by one ppsim process with a fixed window of 256 requests in flight, and
    the same per CPU-second of ppsim (its capacity at 100 % of one core:
    the Python load generator, not ppsim, is usually the limit)."""
    fleet = Fleet(DEAD_EVERY)
    out = {}
    resp = Responder(ctx.work, "ceiling", fleet, None, 120)
    try:
        community = fleet.live[0][0]
        for kind in ("get", "getbulk"):
            c0, _ = proc_cpu_rss(resp.sim.pid)
            rate, answered, sent, lost = snmpload.ceiling(
                resp.sim_ports, community, kind, seconds, 256)
            c1, _ = proc_cpu_rss(resp.sim.pid)
            per_cpu = answered / (c1 - c0) if c1 > c0 else None
            out[kind] = {"rate": rate, "answered": answered, "lost": lost,
                         "sim_cpu": c1 - c0, "per_cpu_s": per_cpu}
        out["rtt_direct"] = snmpload.rtt(resp.ports[0], community, 50)[0]
    finally:
        resp.stop()
    resp = Responder(ctx.work, "ceiling-delay", fleet, ctx.delay_ms, 120)
    try:
        out["rtt_delay"] = snmpload.rtt(resp.ports[0], fleet.live[0][0],
                                        20)[0]
    finally:
        resp.stop()
    return out


def floor_for(ctx, fleet, net, ceiling):
    """The round-trip floor of one fleet cycle: the largest of the
    sequential round trips x RTT, the dead printers' timeout x tries, and
    the responder's time for the fewest requests a cycle needs."""
    rtt = ceiling["rtt_delay"] if net != "direct" else ceiling["rtt_direct"]
    parts = {"round trips": MIN_ROUND_TRIPS * rtt}
    tries = ctx.retries + 1
    parts["dead timeout x tries"] = ctx.timeout * tries if fleet.dead else 0.0
    cap = ceiling["getbulk"]["per_cpu_s"] or ceiling["getbulk"]["rate"]
    parts["responder"] = (len(fleet.live) + len(fleet.dead) * tries) / cap
    name = max(parts, key=parts.get)
    parts["live responder"] = len(fleet.live) / cap
    return parts[name], name, parts


def fmt(v, spec="%.2f", none="-"):
    return none if v is None else spec % v


def build_tables(ctx, runs, floors, ceiling):
    """The results as text (for the terminal), CSV and markdown."""
    pp = {(r.n, r.net): r for r in runs if r.tool == "printprobe"}
    head = ["N", "network", "tool", "wall s", "CPU s", "peak RSS MiB",
            "KiB/printer", "threads", "fds", "req/live", "req/dead",
            "wall x pp", "CPU x pp", "status/note"]
    rows = []
    csv_rows = []
    for r in runs:
        base = pp.get((r.n, r.net))
        ok = r.status == "ok"
        rw = rc = None
        if base and base.wall and r.wall is not None and ok:
            rw = r.wall / base.wall
        if base and base.cpu and r.cpu is not None and ok:
            rc = r.cpu / base.cpu
        note = r.status if r.status != "ok" else ""
        if r.note:
            note = (note + ": " if note else "") + r.note
        rows.append([str(r.n), r.net, r.tool,
                     fmt(r.wall) if r.status in ("ok", "bound") else "-",
                     fmt(r.cpu), fmt(r.rss / 1024 if r.rss else None,
                                     "%.1f"),
                     fmt(r.kib_per_printer, "%.1f"), fmt(r.threads, "%d"),
                     fmt(r.fds, "%d"),
                     fmt(r.req_live, "%.1f"), fmt(r.req_dead, "%.1f"),
                     fmt(rw, "%.1f"), fmt(rc, "%.1f"), note])
        csv_rows.append([r.n, r.net, r.tool, r.status,
                         fmt(r.wall, "%.4f", ""), fmt(r.cpu, "%.3f", ""),
                         r.rss or "", fmt(r.kib_per_printer, "%.2f", ""),
                         fmt(r.threads, "%d", ""), fmt(r.fds, "%d", ""),
                         fmt(r.req_live, "%.2f", ""),
                         fmt(r.req_dead, "%.2f", ""), r.requests or "",
                         r.proxy_requests if r.proxy_requests is not None
                         else "", fmt(rw, "%.2f", ""), fmt(rc, "%.2f", ""),
                         r.note.replace(",", ";")])
    live = {(r.n, r.net): r for r in runs if r.tool == "printprobe-live"
            and r.status == "ok"}
    floor_rows = []
    for (n, net), (val, name, parts) in sorted(
            floors.items(), key=lambda kv: (kv[0][0], kv[0][1] != "direct")):
        base = pp.get((n, net))
        dist = base.wall / val if base and base.wall and val else None
        lv = live.get((n, net))
        lfloor = max(parts["round trips"], parts["live responder"])
        ldist = lv.wall / lfloor if lv and lv.wall and lfloor else None
        floor_rows.append([str(n), net, fmt(parts["round trips"] * 1000,
                                            "%.2f"),
                           fmt(parts["dead timeout x tries"], "%.1f"),
                           fmt(parts["responder"] * 1000, "%.1f"),
                           "%.3f (%s)" % (val, name),
                           fmt(base.wall if base else None),
                           fmt(dist, "%.2fx"),
                           fmt(lfloor * 1000, "%.1f"),
                           fmt(lv.wall * 1000 if lv else None, "%.0f"),
                           fmt(ldist, "%.1fx")])
    floor_head = ["N", "network", "RTTs ms", "dead s", "responder ms",
                  "floor s", "printprobe s", "distance",
                  "live-only floor ms", "printprobe live-only ms",
                  "distance"]
    return head, rows, csv_rows, floor_head, floor_rows


def text_table(head, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(head, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(str(x).ljust(w) for x, w in zip(r, widths)))
    return "\n".join(lines)


def md_table(head, rows):
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(" --- " for _ in head) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(x).replace("|", "/") for x in r) +
                     " |")
    return "\n".join(lines)


def _verdict(ok):
    return "-" if ok is None else ("met" if ok else "MISSED")


def _usable(r):
    return r is not None and r.status == "ok" and r.wall


def targets_table(ctx, runs, floors, v3=None, makers=None):
    """The project's targets next to what was measured, with the delaying
    proxy: issue 15's at N = 1000 (printprobe against collectd's snmp
    plugin), the engine's at N = 1000 and 10,000 (floor, memory, threads,
    <Printer> blocks against <Fleet>), SNMPv3 against v2c, and the request
    bound of the maker fixtures. A target whose run is missing says at
    which N it is judged."""
    head = ["target", "wanted", "measured", "verdict", "why"]
    delay_runs = [r for r in runs if r.net != "direct"]
    rows = []
    net = delay_runs[0].net if delay_runs else None
    get = {(r.tool, r.n): r for r in delay_runs}

    def judged(n, ok):
        if not any(r.n == n for r in delay_runs):
            return "(judged at N=%d)" % n
        return _verdict(ok)

    pp = get.get(("printprobe", 1000))
    cs = get.get(("collectd-snmp", 1000))
    fl = floors.get((1000, net))
    live = get.get(("printprobe-live", 1000))
    ratio = cs.wall / pp.wall if _usable(pp) and _usable(cs) else None
    why = ""
    if ratio and fl:
        why = ("printprobe %.2f s = the dead printers' wait (floor %.1f s) "
               "+ %.2f s; %s %.1f s; at the floor the ratio would be %.0fx" %
               (pp.wall, fl[0], pp.wall - fl[0], cs.tool, cs.wall,
                cs.wall / fl[0]))
    rows.append(["scan vs collectd-snmp, cycle (N=1000)",
                 ">= %.0fx shorter" % TARGET_RATIO_WALL,
                 fmt(ratio, "%.1fx"),
                 judged(1000, None if ratio is None else
                        ratio >= TARGET_RATIO_WALL), why])
    # What a site pays for collectd's snmp plugin is the whole daemon's
    # CPU, its writer's included (printprobe's own writing is in its
    # figure); the plugin's share alone is given too.
    cs_all = (cs.cpu + cs.writer_cpu) if cs and cs.cpu is not None and \
        cs.writer_cpu is not None else (cs.cpu if cs else None)
    cratio = cs_all / pp.cpu if ratio and pp.cpu and cs_all else None
    why = ""
    if cratio:
        why = ("printprobe %.2f s, collectd with the snmp plugin %.2f s, "
               "its csv writer included (%.2f s without); it spends its "
               "%.0f s mostly waiting" % (pp.cpu, cs_all, cs.cpu, cs.wall))
    rows.append(["scan vs collectd-snmp, CPU (N=1000)",
                 "<= 1/%.0f" % TARGET_RATIO_CPU,
                 "1/%.1f" % cratio if cratio else "-",
                 judged(1000, None if cratio is None else
                        cratio >= TARGET_RATIO_CPU), why])
    kib = pp.kib_per_printer if pp else None
    base = ctx.baseline.get("printprobe")
    how = ""
    if kib is not None and base and base.rss:
        how = "(peak RSS %.1f MiB - %.1f MiB with 1 printer) / %d live" % (
            pp.rss / 1024, base.rss / 1024, pp.live)
    rows.append(["scan memory per printer (N=1000)",
                 "<= %.0f KiB" % TARGET_KIB_PER_PRINTER,
                 fmt(kib, "%.1f KiB"),
                 judged(1000, None if kib is None else
                        kib <= TARGET_KIB_PER_PRINTER), how])
    dist = pp.wall / fl[0] if _usable(pp) and fl and fl[0] else None
    why = "floor %.2f s: %s" % (fl[0], fl[1]) if fl else ""
    if _usable(live) and fl:
        lfloor = max(fl[2]["round trips"], fl[2]["live responder"])
        why += "; live printers alone: %.0f ms vs %.0f ms (%.0fx)" % (
            live.wall * 1000, lfloor * 1000, live.wall / lfloor)
    rows.append(["scan distance from the floor (N=1000)",
                 "<= %.1fx" % TARGET_FLOOR_RATIO, fmt(dist, "%.2fx"),
                 judged(1000, None if dist is None else
                        dist <= TARGET_FLOOR_RATIO), why])
    big = 10000
    pb = get.get(("printprobe", big))
    flb = floors.get((big, net))
    dist = pb.wall / flb[0] if _usable(pb) and flb and flb[0] else None
    rows.append(["scan N=10000, cycle", "<= %.1fx floor (%s s)" % (
        TARGET_FLOOR_RATIO, fmt(flb[0] * TARGET_FLOOR_RATIO if flb else None,
                                "%.1f")),
                 fmt(dist, "%.2fx") + (" (%.2f s)" % pb.wall if dist else ""),
                 judged(big, None if dist is None else
                        dist <= TARGET_FLOOR_RATIO),
                 "floor %.2f s: %s; default options (--max-inflight "
                 "default)" % (flb[0], flb[1]) if flb else ""])
    rss = pb.rss / 1024 if pb and pb.rss and pb.status == "ok" else None
    rows.append(["scan N=10000, peak RSS", "<= %d MiB" % TARGET_RSS_10K_MIB,
                 fmt(rss, "%.1f MiB"),
                 judged(big, None if rss is None else
                        rss <= TARGET_RSS_10K_MIB),
                 "%s threads, %s fds at peak" % (
                     fmt(pb.threads, "%d"), fmt(pb.fds, "%d")) if pb else ""])
    for n in (1000, big):
        r = get.get(("printprobe", n))
        rt = r.req_live if r else None
        rows.append(["scan requests per live printer (N=%d)" % n,
                     "<= %.0f" % TARGET_RT_PER_LIVE, fmt(rt, "%.2f"),
                     judged(n, None if rt is None else
                            rt <= TARGET_RT_PER_LIVE),
                     "ppsim's counters (the proxies' agree unless the "
                     "row's note says otherwise)"])
    fleet = get.get(("printer.so-fleet", 1000))
    blocks = get.get(("printer.so-blocks", 1000))
    both = _usable(fleet) and _usable(blocks)
    for what, attr, unit in (("CPU", "cpu", "s"), ("peak RSS", "rss",
                                                   "MiB")):
        a_ = getattr(fleet, attr) if both else None
        b_ = getattr(blocks, attr) if both else None
        ratio = b_ / a_ if a_ and b_ else None
        scale = 1024 if attr == "rss" else 1
        rows.append(["plugin <Printer> x1000 vs <Fleet>, %s" % what,
                     "<= %.1fx" % TARGET_BLOCKS_VS_FLEET,
                     fmt(ratio, "%.2fx"),
                     judged(1000, None if ratio is None else
                            ratio <= TARGET_BLOCKS_VS_FLEET),
                     "blocks %.2f %s, fleet %.2f %s" % (
                         b_ / scale, unit, a_ / scale, unit)
                     if ratio else ""])
    one = ctx.baseline.get("printer.so-blocks")
    t1 = one.threads if one and one.status == "ok" else None
    tn = blocks.threads if blocks and blocks.status == "ok" else None
    rows.append(["plugin threads, 1000 <Printer> vs 1",
                 "the same (a fixed number)",
                 "%s vs %s" % (fmt(tn, "%d"), fmt(t1, "%d")),
                 judged(1000, None if tn is None or t1 is None else
                        tn == t1),
                 "peak Threads: of collectd, sampled every 50 ms"])
    if v3 is not None:
        rows += v3_target_rows(v3)
    if makers is not None:
        over = [m for m in makers if m["verdict"] != "met"]
        rows.append(["requests per printer, maker fixtures",
                     "<= %.0f each (%d with made-up rows: <= %d)" % (
                         TARGET_RT_PER_LIVE,
                         sum(1 for m in makers
                             if m["wanted"] != TARGET_RT_PER_LIVE),
                         HOSTILE_ROWS_MAX_REQUESTS),
                     "%d of %d within" % (len(makers) - len(over),
                                          len(makers)),
                     _verdict(not over) if makers else "-",
                     ("over: " + ", ".join("%s %s" % (m["name"],
                                                      fmt(m["requests"], "%d"))
                                           for m in over[:6]))
                     if over else "see the maker table"])
    return head, rows


def plot(ctx, runs, floors, out_dir):
    """bench.png: wall time and CPU seconds against N, one line per tool,
    direct and with the delay. Returns an error text or None."""
    gp = shutil.which("gnuplot")
    if not gp:
        return "gnuplot not installed"
    data = os.path.join(out_dir, "plot-data.txt")
    nets = []
    series = []
    with open(data, "w") as f:
        for net in sorted({r.net for r in runs}, key=lambda x: x != "direct"):
            nets.append(net)
            for tool in TOOLS:
                pts = sorted((r.n, r.wall, r.cpu) for r in runs
                             if r.tool == tool and r.net == net and
                             r.status in ("ok", "bound") and r.wall)
                if not pts:
                    continue
                f.write("# %s %s\n" % (tool, net))
                for n, w, c in pts:
                    f.write("%d %.4f %.4f\n" % (n, w, c if c else 0.0001))
                f.write("\n\n")
                series.append((tool, net))
            pts = sorted((n, v[0]) for (n, fnet), v in floors.items()
                         if fnet == net)
            if pts:
                f.write("# floor %s\n" % net)
                for n, v in pts:
                    f.write("%d %.4f 0\n" % (n, v))
                f.write("\n\n")
                series.append(("floor", net))
    png = os.path.join(out_dir, "bench.png")
    cmds = ['set terminal pngcairo size 1400,900 noenhanced'
            if _has_pngcairo(gp) else 'set terminal png size 1400,900',
            'set output "%s"' % png,
            'set multiplot layout 2,%d title "printprobe bench: one fleet '
            'cycle, 10%% dead printers, timeout %ds, %d retry"' %
            (max(1, len(nets)), ctx.timeout, ctx.retries),
            'set logscale xy', 'set grid',
            'set key top left opaque box font ",9"',
            'set xlabel "printers (N)"',
            'set xtics (10, 100, 1000, 10000)',
            'set xrange [7:14000]']
    for col, label in ((2, "wall seconds"), (3, "CPU seconds")):
        for net in nets:
            cmds.append('set ylabel "%s"' % label)
            cmds.append('set title "%s, %s"' % (label, net))
            parts = []
            for i, (tool, snet) in enumerate(series):
                if snet != net:
                    continue
                if tool == "floor":
                    if col == 2:
                        parts.append('"%s" index %d using 1:2 with lines '
                                     'dt 2 lw 2 lc "black" title "round-trip '
                                     'floor"' % (data, i))
                    continue
                parts.append('"%s" index %d using 1:%d with linespoints '
                             'lw 2 title "%s"' % (data, i, col, tool))
            cmds.append("plot " + ", ".join(parts) if parts else
                        "plot 1 notitle")
    cmds.append("unset multiplot")
    script = os.path.join(out_dir, "bench.gp")
    with open(script, "w") as f:
        f.write("\n".join(cmds) + "\n")
    r = subprocess.run([gp, script], capture_output=True, text=True,
                       timeout=60)
    if r.returncode != 0 or not os.path.exists(png):
        return "gnuplot failed: " + r.stderr[-500:]
    return None


def _has_pngcairo(gp):
    r = subprocess.run([gp, "-e", "set terminal"], capture_output=True,
                       text=True, timeout=30)
    return "pngcairo" in (r.stdout + r.stderr)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    default=os.environ.get("BENCH_QUICK") == "1",
                    help="N=10 only (unless BENCH_SIZES), short ceiling")
    ap.add_argument("--sizes", default=os.environ.get("BENCH_SIZES"))
    ap.add_argument("--out", default=os.environ.get("BENCH_OUT"),
                    help="default bench-out/ (bench-out/quick/ with --quick, "
                    "so that make check keeps a full run's results)")
    ap.add_argument("--delay-ms", type=int,
                    default=int(os.environ.get("BENCH_DELAY_MS", "5")))
    ap.add_argument("--parallel", type=int,
                    default=int(os.environ.get("BENCH_PARALLEL", "16")))
    ap.add_argument("--tools", default=os.environ.get("BENCH_TOOLS",
                                                      ",".join(TOOLS)))
    ap.add_argument("--repeats", type=int,
                    default=int(os.environ.get("BENCH_REPEATS", "3")),
                    help="runs of the short tools, median kept (1..5)")
    ap.add_argument("--budget", type=float,
                    default=float(os.environ.get("BENCH_BUDGET_S", "1200")))
    ap.add_argument("--foreign-max-n", type=int,
                    default=int(os.environ.get("BENCH_FOREIGN_MAX_N",
                                               "1000")),
                    help="largest N for collectd-snmp, check_snmp and "
                    "snmpbulkwalk (default 1000)")
    ap.add_argument("--v3-n", type=int,
                    default=int(os.environ.get("BENCH_V3_N", "0")),
                    help="printers of the SNMPv3 run (default 1000, 10 "
                    "with --quick; 0: the default, -1: no v3 run)")
    ap.add_argument("--no-makers", action="store_true",
                    default=os.environ.get("BENCH_MAKERS") == "0",
                    help="skip the maker fixtures' request count")
    a = ap.parse_args()
    sizes = a.sizes or ("10" if a.quick else DEFAULT_SIZES)
    if not a.out:
        a.out = os.path.join(ROOT, "bench-out", "quick" if a.quick else "")
    try:
        a.sizes = sorted({int(s) for s in sizes.split(",") if s.strip()})
    except ValueError:
        ap.error("BENCH_SIZES: numbers separated by commas")
    if not a.sizes or min(a.sizes) < 1 or max(a.sizes) > MAX_N:
        ap.error("sizes must be 1..%d" % MAX_N)
    a.tools = [t for t in a.tools.split(",") if t]
    bad = [t for t in a.tools if t not in TOOLS]
    if bad:
        ap.error("unknown tools: %s (known: %s)" % (bad, ", ".join(TOOLS)))
    if "printprobe" not in a.tools:
        a.tools.insert(0, "printprobe")
    if a.v3_n == 0:
        a.v3_n = 10 if a.quick else 1000
    if a.v3_n > MAX_N:
        ap.error("--v3-n at most %d" % MAX_N)
    if not 1 <= a.parallel <= 256 or not 0 <= a.delay_ms <= 1000 or \
            not 1 <= a.repeats <= 5:
        ap.error("--parallel 1..256, --delay-ms 0..1000, --repeats 1..5")
    return a


# Short runs are repeated and the median kept: the machine may be shared
# (others' tests), and a 3-second run is easily disturbed. The long ones
# (collectd's snmp plugin, check_snmp, snmpbulkwalk) run once.
REPEATED = ("printprobe", "printprobe-live", "printer.so-fleet",
            "printer.so-blocks")


def measure(ctx, args, tool, n, net, fleet, started):
    """One row: the tool's run on the fleet (the median of REPEATS runs for
    the short tools), or why it did not run."""
    if tool in FOREIGN and n > args.foreign_max_n:
        run = Run(tool, n, net)
        run.status = "skipped"
        run.note = "N > %d for the foreign tools (--foreign-max-n)" % \
            args.foreign_max_n
        return run
    # N = 10,000 runs once: each run takes a while, and its spread is small.
    reps = 1 if args.quick or tool not in REPEATED or n >= 10000 else \
        args.repeats
    tries = []
    for _ in range(reps):
        run = Run(tool, n, net)
        elapsed = time.monotonic() - started
        ctx.bound_s = max(20, min(60 if args.quick else
                                  BIG_BOUND_S if n >= 10000 else 300,
                                  args.budget - elapsed))
        if args.budget - elapsed < 20:
            run.status, run.note = "skipped", "time budget spent"
            log("  %-17s N=%-5d %-10s skipped (budget)" % (tool, n, net))
            if not tries:
                tries.append(run)
            break
        try:
            one_run(ctx, run, fleet,
                    None if net == "direct" else args.delay_ms)
        except (OSError, ValueError, KeyError, IndexError,
                subprocess.SubprocessError) as e:
            # A bug or a broken tool: this row says so, the others still run.
            import traceback
            traceback.print_exc()
            run.status, run.note = "error", "%s: %s" % (type(e).__name__, e)
        tries.append(run)
        if run.status != "ok":
            return per_printer(ctx, run, fleet)
        if run.wall and run.wall > LONG_RUN_S:
            break  # a long run is not disturbed much by a busy moment
    ok = sorted((r for r in tries if r.status == "ok"), key=lambda r: r.wall)
    if len(ok) < 2:
        return per_printer(ctx, tries[0], fleet)
    chosen = ok[len(ok) // 2]
    chosen.note = ((chosen.note + "; ") if chosen.note else "") + \
        "median of %d runs" % len(ok)
    return per_printer(ctx, chosen, fleet)


def per_printer(ctx, run, fleet):
    """Memory per printer: the run's peak RSS less the same tool's with one
    printer (what the process costs by itself), over the live printers."""
    run.live = len(fleet.live)
    base = ctx.baseline.get(run.tool)
    if run.status == "ok" and run.rss and base and base.rss and fleet.live:
        run.kib_per_printer = (run.rss - base.rss) / len(fleet.live)
    return run


def measure_baselines(ctx, args, started):
    """Each tool once on one live printer, direct: the RSS that memory per
    printer is counted from, and the thread count of one <Printer> block."""
    fleet = Fleet(1)
    for tool in args.tools:
        run = Run(tool, 1, "direct")
        ctx.bound_s = 60
        try:
            one_run(ctx, run, fleet, None)
        except (OSError, ValueError, KeyError, IndexError,
                subprocess.SubprocessError) as e:
            run.status, run.note = "error", "%s: %s" % (type(e).__name__, e)
        run.live = 1
        ctx.baseline[tool] = run


def _terminate(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through the finally blocks


def main():
    args = parse_args()
    raise_own_nofile()
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    started = time.monotonic()
    load_start = os.getloadavg()[0]
    for path in (PRINTPROBE, PPSIM, UDPPROXY):
        if not os.access(path, os.X_OK):
            log("bench: %s is not built (make all; make BUILD=build/rel "
                "tools)" % path)
            return 1
    for rec in RECORDINGS:
        if not os.path.exists(os.path.join(FIXTURES, rec + ".snmprec")):
            log("bench: fixture %s missing" % rec)
            return 1
    out_dir = args.out
    os.makedirs(out_dir, exist_ok=True)
    # No stale results from an earlier run next to this one's.
    for name in ("results.txt", "results.csv", "results.md", "results.json",
                 "bench.png", "bench.gp", "plot-data.txt"):
        try:
            os.unlink(os.path.join(out_dir, name))
        except FileNotFoundError:
            pass
    work = tempfile.mkdtemp(prefix="pp-bench-")
    ctx = Context()
    ctx.work = work
    ctx.timeout = 1
    ctx.retries = 1
    ctx.delay_ms = args.delay_ms
    ctx.parallel = args.parallel
    ctx.facts = {r: fixture_facts(r) for r in RECORDINGS}
    ctx.baseline = {}
    net_delay = "%dms delay" % args.delay_ms
    runs = []
    floors = {}
    broken = []
    makers = None  # or a text saying why there is no maker table
    v3 = None
    ceiling = None
    ceil_text = ""
    log("bench: sizes %s, tools %s, output %s, timeout %ds, retries %d, "
        "%s via udpproxy" % (args.sizes, ", ".join(args.tools), out_dir,
                             ctx.timeout, ctx.retries, net_delay))
    try:
        secs = 0.5 if args.quick else 2.0
        ceiling = measure_ceiling(ctx, secs)
        ceil_text = (
            "responder ceiling (one ppsim process, %d ports, 256 requests "
            "in flight from snmpload.py):\n"
            "  GET     %7.0f req/s measured, %7.0f per ppsim CPU-second\n"
            "  GETBULK %7.0f req/s measured, %7.0f per ppsim CPU-second "
            "(7 columns x 10 rows)\n"
            "  RTT of one GET: %.3f ms direct, %.3f ms through udpproxy "
            "(%d ms each way)" % (
                PORTS, ceiling["get"]["rate"],
                ceiling["get"]["per_cpu_s"] or 0,
                ceiling["getbulk"]["rate"],
                ceiling["getbulk"]["per_cpu_s"] or 0,
                ceiling["rtt_direct"] * 1000, ceiling["rtt_delay"] * 1000,
                args.delay_ms))
        log(ceil_text)
        log("one printer per tool (the base of memory per printer):")
        measure_baselines(ctx, args, started)
        for n in args.sizes:
            for net in ("direct", net_delay):
                fleet = Fleet(n)
                floors[(n, net)] = floor_for(ctx, fleet, net, ceiling)
                for tool in args.tools:
                    run = measure(ctx, args, tool, n, net, fleet, started)
                    runs.append(run)
                    if run.status == "error":
                        broken.append("%s N=%d %s: %s" % (tool, n, net,
                                                          run.note))
        if not args.no_makers:
            log("requests per printer, maker fixtures and corpus:")
            makers = measure_makers(ctx)
            if isinstance(makers, str):
                broken.append("maker fixtures: " + makers)
        if args.v3_n > 0:
            left = args.budget - (time.monotonic() - started)
            if left < 60:
                v3 = "time budget spent"
            else:
                log("SNMPv3 and v2c over net-snmp's snmpd, N=%d, %s:" % (
                    args.v3_n, net_delay))
                v3 = measure_v3(ctx, args, args.v3_n, started)
            if not isinstance(v3, str):
                for r in v3:
                    if r.status == "error":
                        broken.append("%s N=%d %s: %s" % (r.tool, r.n, r.net,
                                                          r.note))
    except RuntimeError as e:
        broken.append(str(e))
    finally:
        for b in list(ALL_BACKGROUND):
            stop_background(b)
    if ceiling is None:
        log("bench: BROKEN: " + "; ".join(broken))
        return 1
    head, rows, csv_rows, fhead, frows = build_tables(ctx, runs, floors,
                                                      ceiling)
    thead, trows = targets_table(ctx, runs, floors, v3,
                                 makers if isinstance(makers, list) else None)
    bhead = ["tool", "wall s", "CPU s", "peak RSS MiB", "threads", "fds",
             "status/note"]
    brows = [[t, fmt(r.wall), fmt(r.cpu),
              fmt(r.rss / 1024 if r.rss else None, "%.1f"),
              fmt(r.threads, "%d"), fmt(r.fds, "%d"),
              r.status + (": " + r.note if r.note else "")]
             for t, r in ctx.baseline.items()]
    vhead, vrows = v3_table(v3) if v3 is not None else ([], [])
    mhead, mrows = makers_table(makers) if makers is not None else ([], [])
    extra = []  # (title, head, rows or a text)
    extra.append(("each tool on one live printer, direct (the base of "
                  "KiB/printer = (peak RSS - this RSS) / live printers)",
                  bhead, brows))
    if v3 is not None:
        extra.append(("SNMPv3 (authPriv, SHA/AES, one user) against v2c: "
                      "net-snmp's snmpd, system group and hrDevice, N=%d, "
                      "10 %% silent, %s; spread = first to last printer's "
                      "result" % (args.v3_n, net_delay), vhead,
                      v3 if isinstance(v3, str) else vrows))
    if makers is not None:
        extra.append(("requests per printer, maker fixtures "
                      "(tests/fixtures/vendor_*) and corpus recordings "
                      "(tests/corpus), printprobe scan once over all, "
                      "ppsim --log", mhead,
                      makers if isinstance(makers, str) else mrows))
    load = "load average at the start %.2f, at the end %.2f (%d CPUs)" % (
        load_start, os.getloadavg()[0], os.cpu_count() or 0)
    text = "\n\n".join([
        ceil_text + "\n  " + load,
        "one full fleet cycle per tool (timeout %ds, %d retry for all; "
        "check_snmp and snmpbulkwalk run %d at a time; collectd with its "
        "default 5 ReadThreads):\n" % (ctx.timeout, ctx.retries,
                                        ctx.parallel) +
        text_table(head, rows),
        "round-trip floor (the largest of %d sequential round trip(s) x "
        "RTT, the dead printers' timeout x tries, and the responder's time "
        "for one request per live printer and one per try per dead one):\n"
        % MIN_ROUND_TRIPS + text_table(fhead, frows)] +
        ["%s:\n%s" % (title, rows if isinstance(rows, str) else
                       text_table(head, rows))
         for title, head, rows in extra] +
        ["performance targets:\n" + text_table(thead, trows)])
    log("\n" + text)
    with open(os.path.join(out_dir, "results.txt"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(out_dir, "results.csv"), "w") as f:
        f.write("n,network,tool,status,wall_s,cpu_s,peak_rss_kib,"
                "kib_per_printer,peak_threads,peak_fds,requests_per_live,"
                "requests_per_dead,requests_total,"
                "proxy_requests,wall_ratio_to_printprobe,"
                "cpu_ratio_to_printprobe,note\n")
        for r in csv_rows:
            f.write(",".join(str(x) for x in r) + "\n")
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write("# printprobe benchmark\n\n```\n%s\n  %s\n```\n\n" %
                (ceil_text, load))
        f.write("## One fleet cycle per tool\n\n" + md_table(head, rows) +
                "\n\n## Round-trip floor\n\n" + md_table(fhead, frows))
        for title, head, rows in extra:
            f.write("\n\n## %s\n\n%s" % (
                title[0].upper() + title[1:],
                rows if isinstance(rows, str) else md_table(head, rows)))
        f.write("\n\n## Targets\n\n" + md_table(thead, trows) + "\n")
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump({"ceiling": ceiling, "runs": [r.row() for r in runs],
                   "floors": {"%d %s" % k: v for k, v in floors.items()},
                   "baseline": {t: r.row() for t, r in
                                ctx.baseline.items()},
                   "v3": v3 if not isinstance(v3, list) else
                   [r.row() for r in v3],
                   "makers": makers,
                   "targets": [dict(zip(thead, r)) for r in trows]},
                  f, indent=1)
    problem = plot(ctx, runs, floors, out_dir)
    if problem:
        broken.append(problem)
    keep_configs(work, out_dir)
    if broken or os.environ.get("BENCH_KEEP") == "1":
        log("bench: work files kept in " + work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    log("\nbench: wrote %s/{results.txt,results.csv,results.md,"
        "results.json,bench.png} in %.0f s" % (out_dir,
                                              time.monotonic() - started))
    if broken:
        log("bench: BROKEN:\n  " + "\n  ".join(broken))
        return 1
    return 0


def keep_configs(work, out_dir):
    """Keeps what each tool was given for the smallest fleet (collectd
    configurations, argument lists, target files) next to the results, so
    a reader can see what was measured."""
    import re
    dst = os.path.join(out_dir, "configs")
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    best = {}
    for entry in os.listdir(work):
        m = re.match(r"(.+)-(\d+)-direct-\d+$", entry)
        if m and (m.group(1) not in best or
                  int(m.group(2)) < best[m.group(1)][0]):
            best[m.group(1)] = (int(m.group(2)), entry)
    for tool, (n, entry) in best.items():
        for root, _, files in os.walk(os.path.join(work, entry)):
            for name in files:
                if name in ("collectd.conf", "targets.txt") or \
                        name.endswith(".args"):
                    shutil.copy(os.path.join(root, name), os.path.join(
                        dst, "%s-N%d-%s" % (tool, n, name)))


def one_run(ctx, run, fleet, delay_ms):
    ctx.seq = getattr(ctx, "seq", 0) + 1
    tag = "%s-%d-%s-%d" % (run.tool, run.n, "direct" if delay_ms is None
                           else "delay", ctx.seq)
    ctx.rundir = os.path.join(ctx.work, tag)
    os.makedirs(ctx.rundir, exist_ok=True)
    try:
        resp = Responder(ctx.work, tag + "-sim", fleet, delay_ms, ctx.bound_s)
    except RuntimeError as e:
        run.status, run.note = "error", str(e)
        return
    ports = resp.ports
    try:
        TOOL_FUNCS[run.tool](ctx, fleet, ports, run)
    finally:
        resp.stop()
    if run.status != "skipped":
        s = resp.stats or {}
        live_req = s.get("get", 0) + s.get("getnext", 0) + s.get("getbulk", 0)
        dead_req = s.get("dead_community", 0)
        run.requests = live_req + dead_req
        run.req_live = live_req / len(fleet.live) if fleet.live else None
        run.req_dead = dead_req / len(fleet.dead) if fleet.dead else None
        run.proxy_requests = resp.proxy_requests
        # The two counts must agree, and the responder must have kept up.
        odd = []
        if run.proxy_requests is not None and \
                run.proxy_requests != run.requests:
            odd.append("proxies forwarded %d" % run.proxy_requests)
        fwd_requests = getattr(run, "fwd_requests", None)
        if fwd_requests is not None and fwd_requests != run.requests:
            odd.append("forwarder passed on %d" % fwd_requests)
        for key in ("unanswered", "send_failed", "malformed"):
            if s.get(key):
                odd.append("ppsim %s %d" % (key, s[key]))
        if odd:
            run.note = "; ".join(([run.note] if run.note else []) + odd)
    log("  %-17s N=%-5d %-10s %s wall %s s, CPU %s s, RSS %s MiB, threads "
        "%s, fds %s, req/live %s, req/dead %s%s" % (
            run.tool, run.n, run.net, run.status, fmt(run.wall),
            fmt(run.cpu), fmt(run.rss / 1024 if run.rss else None, "%.1f"),
            fmt(run.threads, "%d"), fmt(run.fds, "%d"),
            fmt(run.req_live, "%.1f"), fmt(run.req_dead, "%.1f"),
            (" (" + run.note + ")") if run.note else ""))


if __name__ == "__main__":
    sys.exit(main())
