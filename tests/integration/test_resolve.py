#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Asynchronous name resolution (pp_resolve) against a DNS server of our own
on 127.0.0.1 (dns_server.py), through tests/tools/resolve_many:

- a thousand names of which a hundred are never answered cost about one
  resolver timeout in all, not a hundred;
- a name the DNS server does not know fails at once, the message naming it;
- a name whose address changes is answered from the cache (no query
  reaches the server) within the cache time, and the new address is
  followed after it.

The resolver is pointed at the server with PRINTPROBE_DNS_SERVERS and at a
resolv.conf of the test's with PRINTPROBE_RESOLV_CONF: nothing leaves
loopback."""

import json
import os
import select
import subprocess
import sys
import tempfile
import time

from harness import FIXTURES, HOST, PPSim, Process, Runner, binary

HERE = os.path.dirname(os.path.abspath(__file__))


class DnsServer:
    """dns_server.py on a free port, its queries logged."""

    def __init__(self, folder, lines):
        self.folder = folder
        self.map_path = os.path.join(folder, "names.map")
        self.query_log = os.path.join(folder, "queries.log")
        self.write_map(lines)
        out = os.path.join(folder, "dns_server.out")
        self.process = Process([sys.executable, "-B",
                                os.path.join(HERE, "dns_server.py"),
                                "--map", self.map_path, "--log",
                                self.query_log, "--max-seconds", "300"], out)
        deadline = time.time() + 10
        self.port = None
        while time.time() < deadline and self.port is None:
            with open(out) as f:
                for line in f:
                    if line.startswith("listening on %s:" % HOST):
                        self.port = int(line.rsplit(":", 1)[1])
            time.sleep(0.05)
        if self.port is None:
            self.process.stop()
            raise RuntimeError("dns_server did not start: " + open(out).read())

    def write_map(self, lines):
        """A new map, renamed over the old one: the server reads it before
        its next answer."""
        tmp = self.map_path + ".tmp"
        with open(tmp, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.replace(tmp, self.map_path)

    def queries(self, name):
        if not os.path.exists(self.query_log):
            return 0
        with open(self.query_log) as f:
            return sum(1 for line in f if line.split()[1:] == [name])

    def env(self):
        conf = os.path.join(self.folder, "resolv.conf")
        with open(conf, "w") as f:
            # No search domains: every query is for a name asked.
            f.write("search invalid\noptions ndots:1\n")
        env = dict(os.environ)
        env["PRINTPROBE_DNS_SERVERS"] = "%s:%d" % (HOST, self.port)
        env["PRINTPROBE_RESOLV_CONF"] = conf
        return env

    def stop(self):
        self.process.stop()


def parse_output(text):
    """{name: (status, rest)} and the batch line's numbers."""
    answers, batch = {}, None
    for line in text.splitlines():
        if line.startswith("batch "):
            batch = dict(w.split("=") for w in line.split()[1:])
            batch = {k: int(v) for k, v in batch.items()}
            continue
        name, status, rest = line.split(" ", 2)
        answers[name] = (status, rest)
    return answers, batch


def resolve(server, names, *options, timeout=60):
    argv = [binary("resolve_many")] + list(options) + list(names)
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       env=server.env())
    if r.returncode != 0:
        raise AssertionError("resolve_many: exit %d: %s" %
                             (r.returncode, r.stderr[-2000:]))
    return parse_output(r.stdout)


def check_silent_names_cost_one_timeout(tmp, loop):
    lines, names = [], []
    for i in range(1000):
        name = "p%04d.fleet.test" % i
        names.append(name)
        if i % 10 == 7:
            lines.append(name + " silent")
        else:
            lines.append("%s A 10.1.%d.%d" % (name, i // 256, i % 256))
    server = DnsServer(tmp, lines)
    try:
        names_file = os.path.join(tmp, "names")
        with open(names_file, "w") as f:
            f.write("\n".join(names) + "\n")
        start = time.time()
        answers, batch = resolve(server, [], "--loop", loop, "--timeout-ms",
                                 "1000", "--tries", "1", "--family", "4",
                                 "--names", names_file)
        wall = time.time() - start
    finally:
        server.stop()
    problems = []
    for i, name in enumerate(names):
        status, rest = answers.get(name, ("missing", ""))
        if i % 10 == 7:
            want = (name + ": no answer from the DNS server within 1.")
            if status != "timeout" or not rest.startswith(want):
                problems.append("%s: %s %s" % (name, status, rest))
        elif (status, rest) != ("ok", "10.1.%d.%d" % (i // 256, i % 256)):
            problems.append("%s: %s %s" % (name, status, rest))
    if problems:
        raise AssertionError("%d wrong answers, first: %s" %
                             (len(problems), problems[:3]))
    # One timeout (1 s) for all 100 silent names: well under 2 s, where
    # one name after the other would take 100 s.
    if batch["elapsed_ms"] >= 2000 or wall >= 10:
        raise AssertionError("the batch took %d ms (process %.1f s)" %
                             (batch["elapsed_ms"], wall))
    if batch["elapsed_ms"] < 900:
        raise AssertionError("the batch took %d ms: the silent names were "
                             "not waited for" % batch["elapsed_ms"])


def check_scan_by_names(tmp):
    """printprobe scan of 1000 printers by host name, 100 of whose names
    never get an answer: the others are polled while those wait, and the
    scan costs about one DNS timeout plus the SNMP time, where resolving
    one name after the other would cost a timeout per silent name."""
    ppsim = PPSim(FIXTURES)
    lines, targets = [], []
    for i in range(1000):
        name = "p%04d.scan.test" % i
        targets.append("%s:%d" % (name, ppsim.port))
        lines.append(name + (" silent" if i % 10 == 3 else " A " + HOST))
    server = DnsServer(tmp, lines)
    try:
        ppsim.wait("quirk_ok_colour_laser")
        path = os.path.join(tmp, "targets")
        with open(path, "w") as f:
            f.write("\n".join(targets) + "\n")
        env = server.env()
        with open(env["PRINTPROBE_RESOLV_CONF"], "a") as f:
            f.write("options timeout:1 attempts:1\n")
        start = time.time()
        r = subprocess.run([binary("printprobe"), "scan", "--json", "-f", path,
                            "-c", "quirk_ok_colour_laser", "-t", "1", "-r",
                            "0"], capture_output=True, text=True, env=env,
                           timeout=120)
        wall = time.time() - start
    finally:
        server.stop()
        ppsim.stop()
    printers = json.loads(r.stdout)["printers"] if r.stdout.strip() else []
    wrong = []
    for i, p in enumerate(printers):
        silent = i % 10 == 3
        if p["reachable"] == silent or (silent and "no answer from the DNS "
                                        "server" not in p["error"]):
            wrong.append((p["address"], p["reachable"], p.get("error")))
    if len(printers) != 1000 or wrong or r.returncode != 1:
        raise AssertionError("exit %d, %d printers, wrong: %s; %s" %
                             (r.returncode, len(printers), wrong[:3],
                              r.stderr[-500:]))
    if wall >= 6:
        raise AssertionError("the scan took %.1f s" % wall)


def check_missing_names_fail_fast(tmp):
    server = DnsServer(tmp, ["here.test A 192.0.2.1", "gone1.test missing",
                             "gone2.test missing"])
    try:
        answers, batch = resolve(server, ["gone1.test", "gone2.test",
                                          "unknown.test", "here.test"],
                                 "--timeout-ms", "3000", "--tries", "2")
    finally:
        server.stop()
    for name in ("gone1.test", "gone2.test", "unknown.test"):
        if answers.get(name) != ("not-found", name + ": no such host"):
            raise AssertionError("%s: %r" % (name, answers.get(name)))
    if answers.get("here.test") != ("ok", "192.0.2.1"):
        raise AssertionError("here.test: %r" % (answers.get("here.test"),))
    if batch["elapsed_ms"] > 1000:
        raise AssertionError("NXDOMAIN took %d ms, not at once" %
                             batch["elapsed_ms"])


class Interactive:
    """resolve_many --stdin: one batch per line written, its answers read
    back with a bounded wait."""

    def __init__(self, server, *options):
        self.proc = subprocess.Popen(
            [binary("resolve_many"), "--stdin"] + list(options),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
            env=server.env())
        self.pending = b""

    def batch(self, names, seconds=10):
        self.proc.stdin.write((" ".join(names) + "\n").encode())
        self.proc.stdin.flush()
        deadline = time.time() + seconds
        while b"\nbatch " not in b"\n" + self.pending or \
                not self.pending.endswith(b"\n"):
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("no answer from resolve_many in %d s" %
                                     seconds)
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    raise AssertionError("resolve_many exited")
                self.pending += chunk
        text, self.pending = self.pending.decode(), b""
        return parse_output(text)

    def stop(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.proc.stdout.close()


def check_cache_then_new_address(tmp):
    server = DnsServer(tmp, ["moved.test A 192.0.2.10"])
    client = None
    try:
        client = Interactive(server, "--cache-seconds", "2", "--family", "4",
                             "--timeout-ms", "1000", "--tries", "1")
        answers, first = client.batch(["moved.test"])
        answered_at = time.time()
        if answers["moved.test"] != ("ok", "192.0.2.10"):
            raise AssertionError("first: %r" % (answers["moved.test"],))
        if server.queries("moved.test") != 1:
            raise AssertionError("%d queries for the first lookup" %
                                 server.queries("moved.test"))

        server.write_map(["moved.test A 192.0.2.20"])
        answers, second = client.batch(["moved.test", "moved.test"])
        if time.time() - answered_at >= 1.5:
            raise AssertionError("too slow to test the cache time")
        if answers["moved.test"] != ("ok", "192.0.2.10"):
            raise AssertionError("within the cache time: %r" %
                                 (answers["moved.test"],))
        if server.queries("moved.test") != 1 or \
                second["lookups_started"] != first["lookups_started"]:
            raise AssertionError("the cache was not used: %d queries" %
                                 server.queries("moved.test"))

        time.sleep(max(0.0, answered_at + 2.3 - time.time()))
        answers, third = client.batch(["moved.test"])
        if answers["moved.test"] != ("ok", "192.0.2.20"):
            raise AssertionError("after the cache time: %r" %
                                 (answers["moved.test"],))
        if server.queries("moved.test") != 2:
            raise AssertionError("%d queries after the cache time" %
                                 server.queries("moved.test"))
    finally:
        if client:
            client.stop()
        server.stop()


def check_resolv_conf_must_exist():
    env = dict(os.environ)
    env["PRINTPROBE_RESOLV_CONF"] = "/nonexistent/resolv.conf"
    r = subprocess.run([binary("resolve_many"), "example.test"],
                       capture_output=True, text=True, timeout=30, env=env)
    if r.returncode != 1 or "/nonexistent/resolv.conf" not in r.stderr:
        raise AssertionError("exit %d, stderr %r" % (r.returncode, r.stderr))


def main():
    runner = Runner("resolve")
    for loop in ("epoll", "wait"):
        with tempfile.TemporaryDirectory() as tmp:
            runner.run("1000-names-100-silent-one-timeout/" + loop,
                       check_silent_names_cost_one_timeout, tmp, loop)
    with tempfile.TemporaryDirectory() as tmp:
        runner.run("nxdomain-fails-fast", check_missing_names_fail_fast, tmp)
    with tempfile.TemporaryDirectory() as tmp:
        runner.run("cache-then-new-address", check_cache_then_new_address,
                   tmp)
    runner.run("resolv-conf-must-exist", check_resolv_conf_must_exist)
    with tempfile.TemporaryDirectory() as tmp:
        runner.run("scan-1000-names-100-silent", check_scan_by_names, tmp)
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
