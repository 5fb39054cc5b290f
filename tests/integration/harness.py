# SPDX-License-Identifier: MIT
"""Shared pieces of the integration tests: simulated printers on loopback,
the project's binaries, and a small test runner that prints
'N passed, N failed'.

Every process started here is stopped by its PID, and every wait is bounded.
Only 127.0.0.1 is ever used."""

import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
CORPUS = os.path.join(ROOT, "tests", "corpus")
BUILD = os.environ.get("PP_BUILD", os.path.join(ROOT, "build", "san"))
REL = os.path.join(ROOT, "build", "rel")
HOST = "127.0.0.1"
def _raise_open_files_limit():
    """The fleet tests hold a socket per simulated printer: a normal user's
    default of 1024 open files is too few, its hard limit is not."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


_raise_open_files_limit()

# make check also runs as a normal user: what needs root (mounting a small
# file system, installing a package) is then skipped, saying so.
AS_ROOT = os.geteuid() == 0


def binary(name):
    """A program of the build under test (tools come from the release tree,
    they are test equipment)."""
    for tree in (BUILD, REL):
        for sub in ("", "tools"):
            path = os.path.join(tree, sub, name)
            if os.path.exists(path):
                return path
    raise FileNotFoundError(name + " is not built")


def corpus_recordings(names=None):
    """The recordings of real printers kept in tests/corpus, each paired with
    its expectation. The expectations name the recordings the tests need, so
    a missing recording fails, naming the file, rather than shrinking the
    run; a recording without an expectation fails as well."""
    if names is None:
        names = sorted(os.path.basename(p)[:-len(".expect.json")] for p in
                       glob.glob(os.path.join(CORPUS, "*.expect.json")))
        extra = sorted(os.path.basename(p)[:-len(".snmprec")] for p in
                       glob.glob(os.path.join(CORPUS, "*.snmprec")))
        unexpected = [n for n in extra if n not in names]
        if unexpected:
            raise FileNotFoundError(
                "recordings without an expectation in %s: %s" %
                (CORPUS, ", ".join(n + ".expect.json" for n in unexpected)))
    if not names:
        raise FileNotFoundError("no recording expectations in " + CORPUS)
    paths = [os.path.join(CORPUS, n + ".snmprec") for n in names]
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        raise FileNotFoundError("recording missing: " + ", ".join(missing))
    return paths


def free_port():
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


_silent_sockets = []


def silent_port():
    """A loopback UDP port held open for the rest of the test run that never
    answers: a printer switched off. (A merely free port could be taken by
    another process and answer.)"""
    import socket
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    _silent_sockets.append(s)
    return s.getsockname()[1]


def wait_for_agent(port, community, seconds=60):
    """Bounded wait until an agent answers a GET of sysDescr."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        r = subprocess.run(["snmpget", "-v2c", "-c", community, "-t", "0.5",
                            "-r", "0", "-On", "%s:%d" % (HOST, port),
                            "1.3.6.1.2.1.1.1.0"],
                           capture_output=True, text=True)
        if r.returncode == 0 and "1.3.6.1.2.1.1.1.0" in r.stdout:
            return True
        time.sleep(0.3)
    return False


class Process:
    """A background process we started and will stop by PID."""

    def __init__(self, argv, log_path, **kw):
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(argv, stdout=self.log,
                                     stderr=subprocess.STDOUT, **kw)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()


class Snmpsim:
    """snmpsimd serving a folder of recordings on one or more ports."""

    def __init__(self, files, ports=None, links=None, extra=()):
        self.dir = tempfile.mkdtemp(prefix="pp-snmpsim-")
        data = os.path.join(self.dir, "data")
        os.makedirs(data)
        os.makedirs(os.path.join(self.dir, "cache"))
        for path in files:
            shutil.copy(path, data)
        # Many communities for one recording: symlinks, as a site of
        # identical printers would be.
        for name, target in (links or {}).items():
            os.symlink(os.path.basename(target) if os.path.dirname(target) == ""
                       else target, os.path.join(data, name + ".snmprec"))
        os.chmod(self.dir, 0o755)
        self.ports = ports or [free_port()]
        argv = ["snmpsimd", "--data-dir=" + data,
                "--cache-dir=" + os.path.join(self.dir, "cache")]
        if AS_ROOT:
            # snmpsimd refuses to keep root: it serves as nobody.
            subprocess.run(["chown", "-R", "nobody:nogroup", self.dir],
                           check=True)
            argv += ["--process-user=nobody", "--process-group=nogroup"]
        argv += ["--agent-udpv4-endpoint=%s:%d" % (HOST, p) for p in self.ports]
        argv += list(extra)
        self.process = Process(argv, os.path.join(self.dir, "snmpsimd.log"))
        self.port = self.ports[0]

    def wait(self, community, seconds=120):
        if not wait_for_agent(self.port, community, seconds):
            self.stop()
            raise RuntimeError("snmpsimd did not answer; log in " + self.dir)

    def stop(self):
        self.process.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# The SNMPv3 user every v3 test polls as: authPriv, SHA and AES.
V3_USER = "monitor"
V3_AUTH = "auth-Secret-8842"
V3_PRIV = "priv-Secret-9913"


def snmpsim_v3(fixture):
    """snmpsimd serving one recording to V3_USER (the context is the
    recording's name), waited for."""
    sim = Snmpsim([fixture], extra=[
        "--v3-user=" + V3_USER, "--v3-auth-key=" + V3_AUTH,
        "--v3-auth-proto=SHA", "--v3-priv-key=" + V3_PRIV,
        "--v3-priv-proto=AES"])
    sim.wait(os.path.basename(fixture)[:-len(".snmprec")])
    return sim


def write_secret(path, secret):
    """A secret file as a site keeps one: readable by its owner only."""
    with open(path, "w") as f:
        f.write(secret + "\n")
    os.chmod(path, 0o600)
    return path


class PPSim:
    """The project's own fast responder (tests/tools/ppsim.c)."""

    def __init__(self, data_dir, ports=None, extra=(), listen=None):
        self.dir = tempfile.mkdtemp(prefix="pp-ppsim-")
        self.ports = ports or [free_port()]
        self.port = self.ports[0]
        endpoints = listen or ["%s:%d" % (HOST, p) for p in self.ports]
        if listen:
            self.port = int(listen[-1].rsplit(":", 1)[1])
        self.log_path = os.path.join(self.dir, "requests.log")
        argv = [binary("ppsim"), "--data", data_dir, "--log", self.log_path,
                "--max-seconds", "900"]
        for endpoint in endpoints:
            argv += ["--listen", endpoint]
        argv += list(extra)
        self.process = Process(argv, os.path.join(self.dir, "ppsim.out"))

    def wait(self, community, seconds=20):
        if not wait_for_agent(self.port, community, seconds):
            raise RuntimeError("ppsim did not answer")

    def requests(self):
        with open(self.log_path) as f:
            return [line.split() for line in f if line.strip()]

    def stop(self):
        self.process.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def scan(targets, *options, expect_status=None, timeout=300, env=None):
    """Runs printprobe scan --json; returns (status, report, stderr)."""
    argv = [binary("printprobe"), "scan", "--json"] + list(options) + targets
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       env=env)
    report = None
    if r.stdout.strip():
        report = json.loads(r.stdout)
    if expect_status is not None and r.returncode != expect_status:
        raise AssertionError("exit status %d, wanted %d; stderr: %s" %
                             (r.returncode, expect_status, r.stderr[-2000:]))
    return r.returncode, report, r.stderr


def match(expected, actual, path="printer"):
    """Every key of expected must be in actual with an equal value. Lists of
    supplies, trays and alerts are matched item by item in order; *_count
    keys compare lengths."""
    problems = []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return ["%s: wanted an object, got %r" % (path, actual)]
        for key, want in expected.items():
            if key == "absent":
                # keys the output must not have: a meter a printer does not
                # report is left out, never an invented 0
                problems += ["%s.%s: present, wanted absent" % (path, k)
                             for k in want if k in actual]
                continue
            if key in ("supply_count", "alert_count", "tray_count"):
                items = actual.get({"supply_count": "supplies",
                                    "alert_count": "alerts",
                                    "tray_count": "trays"}[key]) or []
                if len(items) != want:
                    problems.append("%s.%s: wanted %d, got %d" %
                                    (path, key, want, len(items)))
                continue
            if key not in actual:
                problems.append("%s.%s: missing" % (path, key))
                continue
            problems += match(want, actual[key], path + "." + key)
    elif isinstance(expected, list):
        if not isinstance(actual, list):
            return ["%s: wanted a list, got %r" % (path, actual)]
        if all(not isinstance(x, dict) for x in expected):
            if expected != actual:
                problems.append("%s: wanted %r, got %r" %
                                (path, expected, actual))
            return problems
        if len(actual) < len(expected):
            problems.append("%s: wanted at least %d items, got %d" %
                            (path, len(expected), len(actual)))
        for i, want in enumerate(expected):
            if i < len(actual):
                problems += match(want, actual[i], "%s[%d]" % (path, i))
    elif expected != actual:
        problems.append("%s: wanted %r, got %r" % (path, expected, actual))
    return problems


class Runner:
    """Runs named test functions, prints a line each and the summary."""

    def __init__(self, suite):
        self.suite = suite
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def run(self, name, fn, *args):
        start = time.time()
        try:
            fn(*args)
        except Exception as e:  # a failing test, whatever raised
            self.failed += 1
            print("FAIL %s/%s (%.1fs): %s" % (self.suite, name,
                                              time.time() - start, e))
            sys.stdout.flush()
            return
        self.passed += 1
        print("ok   %s/%s (%.1fs)" % (self.suite, name, time.time() - start))
        sys.stdout.flush()

    def run_as_root(self, why, name, fn, *args):
        """A test that needs root (why says for what): skipped, saying so,
        when make check runs as a normal user."""
        if AS_ROOT:
            self.run(name, fn, *args)
            return
        self.skipped += 1
        print("skip %s/%s: needs root to %s" % (self.suite, name, why))
        sys.stdout.flush()

    def finish(self):
        skipped = ", %d skipped" % self.skipped if self.skipped else ""
        print("%s: %d passed, %d failed%s" % (self.suite, self.passed,
                                              self.failed, skipped))
        return 1 if self.failed else 0


def load_expect(path):
    with open(path) as f:
        return json.load(f)



# --- collectd -----------------------------------------------------------

COLLECTD = "/usr/sbin/collectd"
COLLECTD_STOCK = "/usr/lib/collectd"
TYPES_DB = "/usr/share/collectd/types.db"
# Our plugins come from the release build: an ASan .so cannot be loaded into
# a daemon built without ASan.
OUR_PLUGINS = {"printer": os.path.join(REL, "printer.so"),
               "write_dss": os.path.join(REL, "write_dss.so")}


def install_plugin(src, plugin_dir, name):
    """collectd loads only regular files from its PluginDir ("is not a
    regular file" for a symlink): a hard link where possible, else a
    copy."""
    dst = os.path.join(plugin_dir, name + ".so")
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy(src, dst)


class Collectd:
    """collectd in the foreground with its own folder: a PluginDir holding
    the stock plugins it needs (logfile and csv always) and ours, logfile
    and csv output there, and a short Interval. start() may be called again
    after stop() or kill9(): each run logs its stdout to its own file.
    Stopped by PID.

    python: (module, source, {option: value}) loads a test-only module of
    the stock python plugin (python.so ships in collectd-core); "{dir}" in
    an option value is the daemon's folder. valgrind: an argv put in front
    of collectd's."""

    def __init__(self, body, plugins=(), name="collectd", interval=2,
                 hostname="pp-collector", read_threads=2, store_rates=False,
                 extra_global="", python=None, valgrind=None, env=None):
        self.env = env  # of the daemon; None: this process's
        self.dir = tempfile.mkdtemp(prefix="pp-%s-" % name)
        self.plugin_dir = os.path.join(self.dir, "plugins")
        self.csv_dir = os.path.join(self.dir, "csv")
        self.log_path = os.path.join(self.dir, "collectd.log")
        os.makedirs(self.plugin_dir)
        os.makedirs(self.csv_dir)
        wanted = set(plugins) | {"logfile", "csv"}
        if python is not None:
            wanted.add("python")
        for p in sorted(wanted):
            install_plugin(OUR_PLUGINS.get(p, os.path.join(
                COLLECTD_STOCK, p + ".so")), self.plugin_dir, p)
        text = self.config(interval, hostname, read_threads, store_rates,
                           extra_global)
        if python is not None:
            text += self.python_config(*python)
        self.conf_path = os.path.join(self.dir, "collectd.conf")
        with open(self.conf_path, "w") as f:
            f.write(text + body)
        self.valgrind = valgrind
        self.process = None
        self.runs = 0
        self.started = None

    def config(self, interval, hostname, read_threads, store_rates,
               extra_global):
        threads = "ReadThreads %d\n" % read_threads if read_threads else ""
        return """Hostname "%s"
FQDNLookup false
Interval %d
PluginDir "%s"
TypesDB "%s"
BaseDir "%s"
PIDFile "%s/collectd.pid"
%s%s
LoadPlugin logfile
<Plugin logfile>
  File "%s"
  LogLevel info
  Timestamp true
  PrintSeverity true
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "%s"
  StoreRates %s
</Plugin>
""" % (hostname, interval, self.plugin_dir, TYPES_DB, self.dir, self.dir,
            threads, extra_global, self.log_path, self.csv_dir,
            "true" if store_rates else "false")

    def python_config(self, module, source, options):
        with open(os.path.join(self.dir, module + ".py"), "w") as f:
            f.write(source)
        lines = "".join('    %s "%s"\n' % (k, v.replace("{dir}", self.dir))
                        for k, v in options.items())
        return """<LoadPlugin python>
  Globals true
</LoadPlugin>
<Plugin python>
  ModulePath "%s"
  Import "%s"
  <Module %s>
%s  </Module>
</Plugin>
""" % (self.dir, module, module, lines)

    def start(self):
        self.runs += 1
        self.started = time.time()
        argv = (self.valgrind or []) + [COLLECTD, "-f", "-C", self.conf_path]
        self.process = Process(argv, os.path.join(
            self.dir, "stdout-%d.txt" % self.runs), env=self.env)
        return self

    def alive(self):
        return self.process is not None and self.process.proc.poll() is None

    def stop(self, timeout=30):
        """SIGTERM; returns (exit status, seconds it took)."""
        start = time.time()
        proc = self.process.proc
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
                raise AssertionError("collectd did not stop within %ds" %
                                     timeout)
        self.process.log.close()
        return proc.returncode, time.time() - start

    def kill9(self):
        self.process.proc.send_signal(signal.SIGKILL)
        self.process.proc.wait(10)
        self.process.log.close()

    def cleanup(self):
        if self.alive():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        """The logfile, then the stdout of every run."""
        text = ""
        for path in [self.log_path] + sorted(
                glob.glob(os.path.join(self.dir, "stdout-*.txt"))):
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    text += f.read()
        return text

    def wait_for(self, what, predicate, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if not self.alive():
                raise AssertionError("collectd exited while waiting for %s: "
                                     "%s" % (what, self.log()[-3000:]))
            if predicate():
                return
            time.sleep(0.2)
        raise AssertionError("timed out waiting for %s; log: %s" %
                             (what, self.log()[-3000:]))

    def csv(self, host, plugin, name):
        """Rows (time, [values]) of DataDir/host/plugin/name-DATE files."""
        rows = []
        pattern = os.path.join(self.csv_dir, host, plugin, name + "-*")
        for path in sorted(glob.glob(pattern)):
            if not re.search(r"-\d{4}-\d{2}-\d{2}$", path):
                continue
            with open(path) as f:
                for line in f:
                    if line.startswith("epoch"):
                        continue
                    fields = line.strip().split(",")
                    rows.append((float(fields[0]),
                                 [float(v) for v in fields[1:]]))  # nan too
        return rows

    def csv_names(self, host, plugin):
        folder = os.path.join(self.csv_dir, host, plugin)
        if not os.path.isdir(folder):
            return set()
        return {re.sub(r"-\d{4}-\d{2}-\d{2}$", "", n)
                for n in os.listdir(folder)}

# --- leak checks --------------------------------------------------------

# net-snmp's one-time library set-up (init_snmp, run once per process by the
# core's pthread_once) leaves blocks that valgrind counts as definitely lost,
# as net-snmp's own tools do without snmp_shutdown(). Only allocations made
# under that one call are suppressed: anything a poll, a plugin or the
# daemon loses still fails the test.
VALGRIND_SUPP = """{
   net-snmp-init-once
   Memcheck:Leak
   match-leak-kinds: definite,indirect
   ...
   fun:snmp_init_once
}
{
   net-snmp-init-once-inlined
   Memcheck:Leak
   match-leak-kinds: definite,indirect
   ...
   fun:__pthread_once_slow
   fun:pp_poll
}
{
   net-snmp-init-once-engine
   Memcheck:Leak
   match-leak-kinds: definite,indirect
   ...
   fun:__pthread_once_slow
   fun:pp_engine_new
}
"""


class Valgrind:
    """`valgrind --leak-check=full` in front of a daemon's argv, with the
    suppressions above; problems() reads its report after the daemon
    stopped. kinds: the leak kinds that count as errors and are shown
    (PP_VG_KINDS widens what is shown, to look for the origin of a leak).
    PP_KEEP_VALGRIND=PATH keeps a copy of the report."""

    def __init__(self, kinds="definite"):
        self.dir = tempfile.mkdtemp(prefix="pp-valgrind-")
        self.kinds = kinds
        supp = os.path.join(self.dir, "pp.supp")
        with open(supp, "w") as f:
            f.write(VALGRIND_SUPP)
        self.log_path = os.path.join(self.dir, "valgrind.log")
        self.argv = ["valgrind", "--leak-check=full",
                     "--errors-for-leak-kinds=" + kinds,
                     "--show-leak-kinds=" + os.environ.get("PP_VG_KINDS",
                                                           kinds),
                     "--error-exitcode=99", "--suppressions=" + supp,
                     "--log-file=" + self.log_path]

    def report(self):
        with open(self.log_path) as f:
            return f.read()

    def problems(self, status):
        """None when the daemon exited 0 with no error and nothing of the
        checked kinds lost, else the report's tail."""
        report = self.report()
        if os.environ.get("PP_KEEP_VALGRIND"):
            shutil.copy(self.log_path, os.environ["PP_KEEP_VALGRIND"])
        errors = re.search(r"ERROR SUMMARY: (\d+) errors", report)
        words = {"definite": "definitely", "indirect": "indirectly",
                 "possible": "possibly"}
        lost = []
        for kind in self.kinds.split(","):
            m = re.search(words[kind] + r" lost: ([\d,]+) bytes", report)
            if m is not None and m.group(1) != "0":
                lost.append(kind)
        if status == 0 and errors is not None and errors.group(1) == "0" \
                and not lost:
            return None
        return "valgrind: status %d, %s" % (status, report[-3000:])

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)
