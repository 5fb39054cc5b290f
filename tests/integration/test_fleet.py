#!/usr/bin/env python3
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
# snmpsim answers about a thousand requests a second on one core, so a
# thousand printers in one wave queue up behind each other: the timeout must
# cover that queue, or retries would only add to it.
TIMEOUT_S = "5"
RETRIES = "1"
BOUND_S = 240
# Each endpoint has its own socket buffer: a thousand requests arriving at
# once on one port overflow it (a real fleet has a thousand sockets).
PORTS = 25


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


def build_fleet(fixtures):
    """Community -> fixture for the live printers, and the target file."""
    live = {}
    lines = []
    for i in range(FLEET):
        community = "p%04d" % i
        if i % DEAD_EVERY == DEAD_EVERY - 1:
            community = "dead%04d" % i  # no recording: never answered
        else:
            live[community] = fixtures[i % len(fixtures)]
        lines.append(community)
    return live, lines


def check_fleet():
    fixtures = fixtures_with_expectations()
    live, communities = build_fleet(fixtures)
    links = {c: os.path.basename(path) for c, (path, _) in live.items()}
    ports = sorted(set(free_port() for _ in range(PORTS)))
    sim = Snmpsim([p for p, _ in fixtures], ports=ports, links=links)
    targets = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    try:
        for i, c in enumerate(communities):
            port = ports[i % len(ports)]
            targets.write("%s:%d community=%s\n" % (HOST, port, c))
        targets.close()
        sim.wait(next(iter(live)))
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
    for community, printer in zip(communities, printers):
        if community in live:
            want = live[community][1]
            for p in match(want, printer, community)[:2]:
                problems.append(p)
        elif printer["reachable"] or "no answer" not in (printer["error"] or ""):
            problems.append("%s: should be unreachable: %r" %
                            (community, printer["error"]))
    if status != 1:
        problems.append("exit status %d, wanted 1 (some silent)" % status)
    if problems:
        raise AssertionError("%d problems, first: %s" %
                             (len(problems), "; ".join(problems[:5])))
    print("     %d printers (%d silent) in %.1f s" %
          (FLEET, FLEET - len(live), elapsed))


def main():
    runner = Runner("fleet")
    runner.run("fleet-%d-with-10pct-dead" % FLEET, check_fleet)
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
