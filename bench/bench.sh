#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench: printprobe against the tools sites use today (collectd's snmp
# plugin, check_snmp, snmpbulkwalk) and against its own collectd plugin, on
# one simulated fleet of 10, 100, 1000 and 10,000 printers (10 % switched
# off; the foreign tools up to 1000), direct on loopback and through a 5 ms
# delaying proxy; then SNMPv3 against v2c over net-snmp's snmpd, and the
# requests each maker fixture costs. Prints tables and leaves them, with a
# PNG plot, in bench-out/ (see bench/README.md).
#
#   bench/bench.sh [--quick] [--sizes 10,100] [--out DIR] [--tools a,b]
#                  [--foreign-max-n N] [--v3-n N] [--no-makers]
#   BENCH_SIZES=10 BENCH_QUICK=1 bench/bench.sh     # what `make check` runs
#
# Expects `make all` and `make BUILD=build/rel tools` (the Makefile's bench
# target does both). Installs the Debian packages only the benchmark needs
# when they are missing and it runs as root; without them the rows of those
# tools say "skipped". Exit status: 0 when everything that ran worked
# (slowness is a result, not an error), 1 when something is broken.
set -eu
cd "$(dirname "$0")/.."

# check_snmp is in monitoring-plugins-standard (the -basic package that
# nagios4 pulls in does not ship it); snmpd is the SNMPv3 agent of the v3
# run (started by the benchmark with its own configuration only); the rest
# is in tests/install-deps.sh.
BENCH_PACKAGES="monitoring-plugins-standard snmp snmpd collectd-core
gnuplot-nox procps findutils"
missing=""
for p in $BENCH_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "bench: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    timeout 600 apt-get install -y -qq --no-install-recommends $missing \
      >/dev/null 2>&1 ||
      { timeout 300 apt-get update -qq >/dev/null 2>&1 &&
        timeout 600 apt-get install -y -qq --no-install-recommends \
          $missing >/dev/null 2>&1; } ||
      echo "bench: could not install$missing; those rows will be skipped" >&2
  else
    echo "bench: missing Debian packages:$missing (not root: those rows" \
      "will be skipped)" >&2
  fi
fi

# -B: no __pycache__ in the source tree.
exec python3 -B bench/bench.py "$@"
