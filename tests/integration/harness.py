"""Shared pieces of the integration tests: simulated printers on loopback,
the project's binaries, and a small test runner that prints
'N passed, N failed'.

Every process started here is stopped by its PID, and every wait is bounded.
Only 127.0.0.1 is ever used."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
SHARED = os.environ.get("PP_SHARED_DIR",
                        os.path.join(os.path.dirname(ROOT), "shared"))
CORPUS = os.path.join(SHARED, "corpus")
BUILD = os.environ.get("PP_BUILD", os.path.join(ROOT, "build", "san"))
REL = os.path.join(ROOT, "build", "rel")
HOST = "127.0.0.1"


def binary(name):
    """A program of the build under test (tools come from the release tree,
    they are test equipment)."""
    for tree in (BUILD, REL):
        for sub in ("", "tools"):
            path = os.path.join(tree, sub, name)
            if os.path.exists(path):
                return path
    raise FileNotFoundError(name + " is not built")


def free_port():
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
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
        subprocess.run(["chown", "-R", "nobody:nogroup", self.dir], check=True)
        self.ports = ports or [free_port()]
        argv = ["snmpsimd", "--data-dir=" + data,
                "--cache-dir=" + os.path.join(self.dir, "cache"),
                "--process-user=nobody", "--process-group=nogroup"]
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
    supplies and alerts are matched item by item in order; *_count keys
    compare lengths."""
    problems = []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return ["%s: wanted an object, got %r" % (path, actual)]
        for key, want in expected.items():
            if key in ("supply_count", "alert_count"):
                items = actual.get("supplies" if key == "supply_count"
                                   else "alerts") or []
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

    def finish(self):
        print("%s: %d passed, %d failed" % (self.suite, self.passed,
                                            self.failed))
        return 1 if self.failed else 0


def load_expect(path):
    with open(path) as f:
        return json.load(f)
