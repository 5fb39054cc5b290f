#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""1000 simulated printers, 10 % of them switched off, polled in one wave by
the engine's defaults: every answering printer is fully reported, every
silent one is reported unreachable, and the scan ends on its own within a
bound (a bound, not a benchmark: `make bench` measures speed)."""

import glob
import os
import sys
import tempfile
import time

from harness import (FIXTURES, HOST, Runner, Snmpsim, free_port, load_expect,
                     match, scan)

FLEET = int(os.environ.get("PP_FLEET_SIZE", "1000"))
DEAD_EVERY = 10  # every tenth printer never answers
# snmpsim answers a few thousand requests a second on one core, so a
# thousand printers in one wave queue up behind each other: the timeout must
# cover that queue, or retries would only add to it.
TIMEOUT_S = "10"
RETRIES = "1"
BOUND_S = 240
# A printer is a (port, community) pair of one snmpsim: a few dozen ports
# times the fixtures. Few recordings keep snmpsim's per-request work small
# (it slows down with the number of files it serves), and every endpoint has
# its own socket buffer, as a real fleet has a socket per printer.


def fixtures_with_expectations():
    out = []
    for path in sorted(glob.glob(os.path.join(FIXTURES, "quirk_*.snmprec"))):
        with open(path) as f:
            if any(line.startswith("#ppsim:") for line in f):
                continue  # broken agents are tested one by one elsewhere
        exp = path[:-len(".snmprec")] + ".expect.json"
        if os.path.exists(exp):
            out.append((path, load_expect(exp)))
    return out


def build_fleet(fixtures, ports):
    """(label, port, community, expectation or None for a silent one)."""
    fleet = []
    for i in range(FLEET):
        port = ports[i // len(fixtures) % len(ports)]
        if i % DEAD_EVERY == DEAD_EVERY - 1:
            # no recording of that name: never answered
            fleet.append(("dead%04d" % i, port, "dead%04d" % i, None))
        else:
            path, expect = fixtures[i % len(fixtures)]
            name = os.path.basename(path)[:-len(".snmprec")]
            fleet.append(("p%04d" % i, port, name, expect))
    return fleet


def check_fleet():
    fixtures = fixtures_with_expectations()
    wanted = -(-FLEET // len(fixtures))  # ports for distinct pairs
    ports = set()
    while len(ports) < wanted:
        ports.add(free_port())
    ports = sorted(ports)
    fleet = build_fleet(fixtures, ports)
    sim = Snmpsim([p for p, _ in fixtures], ports=ports)
    targets = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    try:
        for _, port, community, _ in fleet:
            targets.write("%s:%d community=%s\n" % (HOST, port, community))
        targets.close()
        sim.wait(fleet[0][2])
        start = time.time()
        status, report, stderr = scan([], "-f", targets.name, "-t", TIMEOUT_S,
                                      "-r", RETRIES, timeout=BOUND_S)
        elapsed = time.time() - start
    finally:
        sim.stop()
        os.unlink(targets.name)
    printers = report["printers"]
    if len(printers) != FLEET:
        raise AssertionError("%d printers reported" % len(printers))
    problems = []
    for (label, _, _, want), printer in zip(fleet, printers):
        if want is not None:
            problems += match(want, printer, label)[:2]
        elif printer["reachable"] or "no answer" not in (printer["error"] or ""):
            problems.append("%s: should be unreachable: %r" %
                            (label, printer["error"]))
    if status != 1:
        problems.append("exit status %d, wanted 1 (some silent)" % status)
    if problems:
        raise AssertionError("%d problems, first: %s" %
                             (len(problems), "; ".join(problems[:5])))
    silent = sum(1 for f in fleet if f[3] is None)
    print("     %d printers (%d silent) in %.1f s" % (FLEET, silent, elapsed))


def main():
    runner = Runner("fleet")
    runner.run("fleet-%d-with-10pct-dead" % FLEET, check_fleet)
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
