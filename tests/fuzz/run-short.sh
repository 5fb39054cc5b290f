#!/bin/sh
# SPDX-License-Identifier: MIT
# Short fuzz runs for the test suite: every libFuzzer target in build/fuzz/
# (make fuzz-build) runs each seed of tests/fuzz/<name>/ once, then fuzzes
# for FUZZ_SHORT_SECONDS (default 10) on a scratch copy of the seeds, so the
# tree is never written. Prints one line per target; exits 1 if any target
# crashed (the input is kept in build/fuzz/crashes/<name>/, the output in
# build/fuzz/logs/<name>.log). Long runs: make fuzz.
set -u
cd "$(dirname "$0")/../.." || exit 1

seconds=${FUZZ_SHORT_SECONDS:-10}
out=build/fuzz
failed=""
count=0

for src in tests/fuzz/fuzz_*.c; do
  name=$(basename "$src" .c)
  name=${name#fuzz_}
  bin=$out/fuzz_$name
  seeds=tests/fuzz/$name
  log=$out/logs/$name.log
  count=$((count + 1))
  if [ ! -x "$bin" ]; then
    echo "fuzz: $name: FAILED, $bin is missing (make fuzz-build)"
    failed="$failed $name"
    continue
  fi
  mkdir -p "$out/logs" "$out/crashes/$name"
  scratch=$out/short/$name
  rm -rf "$scratch"
  mkdir -p "$scratch"
  nseeds=0
  status=0
  : >"$log"
  # Every seed once: the regression inputs of earlier crashes among them.
  if [ -d "$seeds" ]; then
    set --
    for f in "$seeds"/*; do
      [ -f "$f" ] || continue
      set -- "$@" "$f"
      nseeds=$((nseeds + 1))
    done
    if [ "$nseeds" -gt 0 ]; then
      "$bin" -artifact_prefix="$out/crashes/$name/" "$@" \
        </dev/null >>"$log" 2>&1 || status=$?
    fi
  fi
  if [ "$status" -eq 0 ]; then
    set -- "$scratch"
    [ -d "$seeds" ] && set -- "$scratch" "$seeds"
    "$bin" -max_total_time="$seconds" -timeout=10 \
      -artifact_prefix="$out/crashes/$name/" "$@" \
      </dev/null >>"$log" 2>&1 || status=$?
  fi
  rm -rf "$scratch"
  if [ "$status" -eq 0 ]; then
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
    echo "fuzz: $name: ok ($nseeds seeds, ${runs:-0} runs in $seconds s)"
  else
    crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    # A seed that crashes leaves no copy: it is the last one that ran.
    [ -n "$crash" ] ||
      crash=$(sed -n 's/^Running: \(.*\)$/\1/p' "$log" | tail -n 1)
    echo "fuzz: $name: FAILED (exit $status) ${crash:+input $crash, }log $log"
    grep -E 'ERROR|SUMMARY|check failed|runtime error' "$log" | head -n 5 |
      sed 's/^/    /'
    failed="$failed $name"
  fi
done

if [ -n "$failed" ]; then
  echo "fuzz: crashes in:$failed"
  exit 1
fi
echo "fuzz: $count targets, no crash"
