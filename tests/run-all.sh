#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every test suite: cmocka unit tests (sanitized build), short fuzz
# runs, then the integration suites against simulated printers and real
# daemons. Prints a summary line per suite and "N passed, N failed" for the
# whole run.
set -u
cd "$(dirname "$0")/.."
export PP_TEST_DATA=tests
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Debian's interpreter: the test servers need its packages (aiosmtpd).
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

passed=0
failed=0
failures=""

record() { # name status
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures="$failures $1"
  fi
}

for l in tests/lint/*.sh; do
  echo "== lint: $(basename "$l")"
  sh "$l"
  record "lint-$(basename "$l" .sh)" $?
done

for t in build/san/tests/test_*; do
  [ -x "$t" ] || continue
  echo "== unit: $(basename "$t")"
  "$t"
  record "$(basename "$t")" $?
done

# Every libFuzzer target (make fuzz-build) on its seeds, then fuzzed for
# FUZZ_SHORT_SECONDS each.
echo "== fuzz: run-short.sh"
sh tests/fuzz/run-short.sh
record fuzz-short $?

for suite in tests/integration/test_*.py; do
  [ "${PP_QUICK:-0}" = 1 ] && [ "$suite" = tests/integration/test_fleet.py ] &&
    continue
  echo "== integration: $(basename "$suite")"
  (cd tests/integration && timeout 1800 "$PYTHON" "$(basename "$suite")")
  record "$(basename "$suite")" $?
done

# The benchmark at N = 10, so that it keeps working (speed is not judged).
echo "== bench: quick"
BENCH_SIZES=10 BENCH_QUICK=1 timeout 900 bench/bench.sh --quick
record bench-quick $?

echo
[ -n "$failures" ] && echo "failed suites:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
