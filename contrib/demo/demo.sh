#!/bin/bash
# SPDX-License-Identifier: MIT
# printprobe demo: the whole job on a simulated fleet, on 127.0.0.1 only.
#
#   contrib/demo/demo.sh [OUTDIR]     (make demo; OUTDIR default: demo-out)
#   DEMO_SHORT=1 contrib/demo/demo.sh  (the short run `make check` uses)
#
# 1. builds a fleet of simulated printers from tests/fixtures (make_fleet.py)
#    and serves it with snmpsimd, one UDP port per printer;
# 2. printprobe scan: the fleet table, JSON and CSV;
# 3. a real collectd with the printer and write_dss plugins (csv and logfile
#    for output) for a few intervals, while a printer jams and a door is
#    closed; write_dss archives fleet reports and mails them to a local SMTP
#    server (STARTTLS + AUTH) that the demo starts;
# 4. the Nagios checks against a few printers;
# 5. a PNG chart of supply levels and pages from collectd's csv files.
#
# Everything it makes stays in OUTDIR (summary.txt says what passed,
# pids.txt which processes it started). Every
# process it starts is stopped by PID on exit, every wait is bounded. Exit
# status: 0 when every step that could run passed (steps whose component is
# not built are skipped), 1 otherwise.
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEMO=$ROOT/contrib/demo
OUT=${1:-${DEMO_OUT:-$ROOT/demo-out}}
SHORT=${DEMO_SHORT:-0}
REL=${PP_REL:-$ROOT/build/rel}
HOST=127.0.0.1
# Debian's python3 (python3-aiosmtpd is a Debian package), whatever the PATH
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if [ "$SHORT" = 1 ]; then
  INTERVAL=3 RUN_MIN=18 RUN_MAX=45 EVENT1=7 EVENT2=12 PERIOD=10 MAILS=1
else
  INTERVAL=5 RUN_MIN=150 RUN_MAX=210 EVENT1=50 EVENT2=95 PERIOD=60 MAILS=2
fi

case "$OUT" in /*) ;; *) OUT=$PWD/$OUT ;; esac
rm -rf "$OUT"
mkdir -p "$OUT"
SUMMARY=$OUT/summary.txt
: >"$SUMMARY"
FAILED=0
PIDS=()
SIMDIR=""

# ---------------------------------------------------------------- helpers

say() { printf '%s\n' "$*"; }
section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ok() {
  say "   ok: $1"
  printf 'ok      %s\n' "$1" >>"$SUMMARY"
}
fail() {
  FAILED=$((FAILED + 1))
  say "   FAILED: $1"
  printf 'FAILED  %s\n' "$1" >>"$SUMMARY"
}
skip() {
  say "   skipped: $1"
  printf 'skipped %s\n' "$1" >>"$SUMMARY"
}
indent() { sed 's/^/   /'; }
elapsed() { echo $(($(date +%s) - START)); }

# Starts a background process, remembers its PID. Usage: start LOG CMD...
start() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  echo "$LAST_PID $1" >>"$OUT/pids.txt"
}

# Drops PIDs that ended (waited for) from the list cleanup stops.
forget() {
  local keep=() p q gone
  for p in "${PIDS[@]}"; do
    gone=0
    for q in "$@"; do [ "$p" = "$q" ] && gone=1; done
    [ $gone = 0 ] && keep+=("$p")
  done
  PIDS=("${keep[@]}")
}

# Stops one process we started: SIGTERM, then SIGKILL after a bound.
stop_pid() {
  local pid=$1 bound=${2:-20} i=0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null && [ $i -lt $((bound * 10)) ]; do
    sleep 0.1
    i=$((i + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "   (pid $pid did not stop within ${bound}s: SIGKILL)"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  return 0
}

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    stop_pid "$pid" 20
  done
  PIDS=()
  if [ -n "$SIMDIR" ]; then
    # snmpsimd logs every request: keep its start-up and anything odd
    [ -f "$SIMDIR/snmpsimd.log" ] && grep -avE 'var-binds|SNMP EngineID|controller selected|^ *$' \
      "$SIMDIR/snmpsimd.log" | head -2000 >"$OUT/fleet/snmpsimd.log"
    rm -rf "$SIMDIR"
    SIMDIR=""
  fi
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM HUP

# Bounded wait: wait_for SECONDS CMD... (true when CMD succeeded in time;
# CMD returning 2 means it never will)
wait_for() {
  local bound=$1 rc
  shift
  local deadline=$(($(date +%s) + bound))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    "$@"
    rc=$?
    [ $rc = 0 ] && return 0
    [ $rc = 2 ] && return 1
    sleep 0.5
  done
  return 1
}

free_tcp_port() {
  "$PY" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

have() { [ -x "$REL/$1" ] || [ -f "$REL/$1" ]; }

START=$(date +%s)
say "printprobe demo: everything goes to $OUT"
[ "$SHORT" = 1 ] && say "(short mode: DEMO_SHORT=1)"

for tool in snmpsimd snmpget python3 openssl gnuplot; do
  command -v "$tool" >/dev/null || say "warning: $tool is missing (make demo installs it: tests/install-deps.sh)"
done

# ---------------------------------------------------------------- 1. fleet

section "1. a simulated fleet on 127.0.0.1 (snmpsim, from tests/fixtures)"
FLEET=$OUT/fleet
if ! "$PY" "$DEMO/make_fleet.py" --fixtures "$ROOT/tests/fixtures" \
  --plan "$DEMO/fleet.txt" --overlays "$DEMO/overlays" --out "$FLEET" |
  indent; then
  fail "fleet: make_fleet.py"
  exit 1
fi
"$PY" "$DEMO/demo_tool.py" fleet "$FLEET/fleet.json" | indent

# snmpsimd drops root for nobody: it serves a copy in a folder nobody owns.
SIMDIR=$(mktemp -d /tmp/printprobe-demo-sim.XXXXXX)
mkdir -p "$SIMDIR/data" "$SIMDIR/cache"
cp "$FLEET"/data/*.snmprec "$SIMDIR/data/"
chmod -R a+rX "$SIMDIR"
SIM_USER=()
if [ "$(id -u)" = 0 ]; then
  chown -R nobody:nogroup "$SIMDIR"
  SIM_USER=(--process-user=nobody --process-group=nogroup)
fi
ENDPOINTS=()
while read -r port; do
  ENDPOINTS+=("--agent-udpv4-endpoint=$HOST:$port")
done < <("$PY" -c 'import json,sys
for e in json.load(open(sys.argv[1])): print(e["port"])' "$FLEET/fleet.json")
start "$SIMDIR/snmpsimd.log" snmpsimd --data-dir="$SIMDIR/data" \
  --cache-dir="$SIMDIR/cache" "${SIM_USER[@]}" "${ENDPOINTS[@]}"
SIM_PID=$LAST_PID
SIM_START=$(date +%s)
answering() { # first|last: "address community" of an answering printer
  "$PY" -c 'import json,sys
e = [x for x in json.load(open(sys.argv[1])) if x.get("maker")]
e = e[0] if sys.argv[2] == "first" else e[-1]
print(e["address"], e["community"])' "$FLEET/fleet.json" "$1"
}
FIRST=$(answering first)
LAST=$(answering last)
# shellcheck disable=SC2317  # called through wait_for
agent_up() { # address community
  local answer
  kill -0 "$SIM_PID" 2>/dev/null || return 2
  answer=$(snmpget -v2c -c "$2" -t 0.5 -r 0 -On "$1" 1.3.6.1.2.1.1.5.0 2>/dev/null)
  case "$answer" in *1.3.6.1.2.1.1.5.0*) return 0 ;; esac
  return 1
}
# shellcheck disable=SC2086
if wait_for 90 agent_up $FIRST && wait_for 30 agent_up $LAST; then
  ok "fleet: snmpsimd (pid $SIM_PID) serves $(find "$FLEET/data" -name '*.snmprec' | wc -l) printers on ${#ENDPOINTS[@]} ports"
else
  fail "fleet: snmpsimd did not answer within 120 s (log: $OUT/fleet/snmpsimd.log)"
  tail -5 "$SIMDIR/snmpsimd.log" | indent
  exit 1
fi

# ---------------------------------------------------------------- 2. scan

section "2. printprobe scan -f targets.txt"
SCAN=$OUT/scan
mkdir -p "$SCAN"
if have printprobe; then
  PP=$REL/printprobe
  say "   \$ printprobe scan -t 3 -r 1 -f fleet/targets.txt"
  # four scans at once: the two switched-off printers cost each a timeout
  (timeout 120 "$PP" scan -t 3 -r 1 -f "$FLEET/targets.txt" >"$SCAN/table.txt" 2>"$SCAN/table.stderr"
    echo "$?" >"$SCAN/table.status") &
  S1=$!
  timeout 120 "$PP" scan -t 3 -r 1 --json -f "$FLEET/targets.txt" >"$SCAN/fleet.json" 2>"$SCAN/json.stderr" &
  S2=$!
  timeout 120 "$PP" scan -t 3 -r 1 --csv supplies -f "$FLEET/targets.txt" >"$SCAN/supplies.csv" 2>"$SCAN/supplies.stderr" &
  S3=$!
  timeout 120 "$PP" scan -t 3 -r 1 --csv counters -f "$FLEET/targets.txt" >"$SCAN/counters.csv" 2>"$SCAN/counters.stderr" &
  S4=$!
  PIDS+=("$S1" "$S2" "$S3" "$S4")
  printf '%s scan\n' "$S1" "$S2" "$S3" "$S4" >>"$OUT/pids.txt"
  wait "$S1" "$S2" "$S3" "$S4"
  forget "$S1" "$S2" "$S3" "$S4"
  cut -c1-170 "$SCAN/table.txt" | indent
  say "   (exit status $(cat "$SCAN/table.status"): 1 = some printers did not answer)"
  if "$PY" "$DEMO/demo_tool.py" check-scan "$SCAN/fleet.json" "$FLEET/fleet.json" | indent; then
    ok "scan: table, --json and --csv in $SCAN"
  else
    fail "scan: the report is not the fleet (see $SCAN)"
  fi
else
  skip "scan: printprobe not built"
fi

# ---------------------------------------------------------------- 3. collectd

section "3. collectd with the printer and write_dss plugins"
CD=$OUT/collectd
MAILDIR=$OUT/mailbox
ARCHIVE=$OUT/archive
mkdir -p "$CD/plugins" "$CD/csv"
HAVE_PRINTER=0 HAVE_DSS=0 SMTP_PID=""
have printer.so && HAVE_PRINTER=1
have write_dss.so && HAVE_DSS=1
if [ ! -x /usr/sbin/collectd ]; then
  skip "collectd: /usr/sbin/collectd is not installed"
  HAVE_PRINTER=0 HAVE_DSS=0
elif [ $HAVE_PRINTER = 0 ]; then
  skip "collectd: printer.so not built (so no values, notifications or chart)"
  [ $HAVE_DSS = 1 ] && skip "write_dss: nothing to report without printer.so"
  HAVE_DSS=0
elif [ $HAVE_DSS = 0 ]; then
  skip "write_dss: write_dss.so not built (no fleet report archived or mailed)"
fi

if [ $HAVE_DSS = 1 ]; then
  say "   a local SMTP server (tests/integration/smtp_server.py): STARTTLS required, AUTH"
  SMTP=$OUT/smtp
  mkdir -p "$SMTP" "$MAILDIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$SMTP/key.pem" -out "$SMTP/cert.pem" >/dev/null 2>&1
  SMTP_PASS=demo-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$SMTP_PASS" >"$SMTP/password"
  chmod 600 "$SMTP/password" "$SMTP/key.pem"
  SMTP_PORT=$(free_tcp_port)
  start "$SMTP/server.log" "$PY" "$ROOT/tests/integration/smtp_server.py" \
    --port "$SMTP_PORT" --cert "$SMTP/cert.pem" --key "$SMTP/key.pem" \
    --dir "$MAILDIR" --user dss-demo --password "$SMTP_PASS"
  SMTP_PID=$LAST_PID
  if wait_for 20 grep -q ready "$SMTP/server.log"; then
    say "   SMTP server pid $SMTP_PID on $HOST:$SMTP_PORT, mailbox $MAILDIR/new"
  else
    fail "smtp: the test SMTP server did not start (log: $SMTP/server.log)"
    HAVE_DSS=0
  fi
fi

CONF=$CD/collectd.conf
CD_PID=""
if [ $HAVE_PRINTER = 1 ]; then
  # collectd loads only regular files from its PluginDir (no symlinks):
  # hard links where possible, else copies.
  for p in /usr/lib/collectd/logfile.so /usr/lib/collectd/csv.so \
    "$REL/printer.so" $([ $HAVE_DSS = 1 ] && echo "$REL/write_dss.so"); do
    p=$(readlink -f "$p")
    ln "$p" "$CD/plugins/" 2>/dev/null || cp "$p" "$CD/plugins/"
  done
  {
    cat <<EOF
# collectd for the printprobe demo (written by contrib/demo/demo.sh)
Hostname "demo-collector"
FQDNLookup false
Interval $INTERVAL
PluginDir "$CD/plugins"
TypesDB "/usr/share/collectd/types.db"
BaseDir "$CD"
PIDFile "$CD/collectd.pid"

LoadPlugin logfile
<Plugin logfile>
  File "$CD/collectd.log"
  LogLevel info
  Timestamp true
  PrintSeverity true
</Plugin>

LoadPlugin csv
<Plugin csv>
  DataDir "$CD/csv"
</Plugin>

LoadPlugin printer
<Plugin printer>
EOF
    cat "$FLEET/collectd-printers.conf"
    echo "</Plugin>"
    if [ $HAVE_DSS = 1 ]; then
      cat <<EOF

LoadPlugin write_dss
<Plugin write_dss>
  Period $PERIOD
  ArchiveDir "$ARCHIVE"
  SpoolDir "$CD/dss-spool"
  Retention 30
  URL "smtp://$HOST:$SMTP_PORT"
  StartTLS true
  CAFile "$SMTP/cert.pem"
  Username "dss-demo"
  PasswordFile "$SMTP/password"
  From "printprobe@customer.example"
  To "dss-reports@vendor.example"
  To "printers@customer.example"
  CustomerName "Example Customer GmbH (demo)"
  Timeout 20
  RetryInterval 2
  SigningKeyFile "$CD/site.key"
</Plugin>
EOF
    fi
  } >"$CONF"
  say "   \$ /usr/sbin/collectd -f -C $CONF"
  say "   ($(grep -c '<Printer ' "$CONF") <Printer> blocks, Interval $INTERVAL s$([ $HAVE_DSS = 1 ] && echo ", write_dss Period $PERIOD s"))"
  start "$CD/stdout.txt" /usr/sbin/collectd -f -C "$CONF"
  CD_PID=$LAST_PID
  CD_START=$(date +%s)
  mails() { find "$MAILDIR/new" -name '*.eml' 2>/dev/null | wc -l; }
  swap() { # printer: the next snapshot goes live (snmpsim rereads on mtime)
    [ "${2:-}" = freeze ] &&
      "$PY" "$DEMO/demo_tool.py" freeze "$FLEET/later/$1.snmprec" $(($(date +%s) - SIM_START))
    cp "$FLEET/later/$1.snmprec" "$SIMDIR/data/.$1.new"
    touch -d '+2 seconds' "$SIMDIR/data/.$1.new" 2>/dev/null
    chmod a+r "$SIMDIR/data/.$1.new"
    mv -f "$SIMDIR/data/.$1.new" "$SIMDIR/data/$1.snmprec"
    cp "$FLEET/later/$1.snmprec" "$FLEET/data/$1.snmprec"
  }
  EV1=0 EV2=0 LAST_NOTE=0
  while :; do
    now=$(($(date +%s) - CD_START))
    if ! kill -0 "$CD_PID" 2>/dev/null; then
      fail "collectd: exited early (see $CD/collectd.log, $CD/stdout.txt)"
      sed -n '1,20p' "$CD/stdout.txt" "$CD/collectd.log" 2>/dev/null | indent
      CD_PID=""
      break
    fi
    if [ $EV1 = 0 ] && [ "$now" -ge $EVENT1 ]; then
      say "   [$now s] event: paper jam in tray 2 of hq-2f-hp-m555"
      swap hq-2f-hp-m555 freeze
      echo "$(date +%s) hq-2f-hp-m555 jams" >>"$CD/events.txt"
      EV1=1
    fi
    if [ $EV2 = 0 ] && [ "$now" -ge $EVENT2 ]; then
      say "   [$now s] event: someone closes the front cover of hq-4f-kyocera-m5526"
      swap hq-4f-kyocera-m5526
      echo "$(date +%s) hq-4f-kyocera-m5526 door closed" >>"$CD/events.txt"
      EV2=1
    fi
    if [ "$now" -ge $((LAST_NOTE + 15)) ]; then
      LAST_NOTE=$now
      say "   [$now s] collectd running: $(find "$CD/csv" -type f | wc -l) csv files, $(grep -c 'Notification:' "$CD/collectd.log" 2>/dev/null || echo 0) notifications$([ $HAVE_DSS = 1 ] && echo ", $(mails) mail(s)")"
    fi
    if [ "$now" -ge $RUN_MIN ]; then
      [ $HAVE_DSS = 0 ] && break
      [ "$(mails)" -ge $MAILS ] && break
    fi
    if [ "$now" -ge $RUN_MAX ]; then
      say "   [$now s] stopping: the time is up"
      break
    fi
    sleep 1
  done
  if [ -n "$CD_PID" ]; then
    t0=$(date +%s)
    stop_pid "$CD_PID" 30
    say "   collectd stopped (SIGTERM) after $(($(date +%s) - CD_START)) s, shutdown took $(($(date +%s) - t0)) s"
  fi

  say ""
  say "   values (csv, $CD/csv):"
  if "$PY" "$DEMO/demo_tool.py" values "$CD/csv" "$FLEET/fleet.json" | indent; then
    ok "collectd: values of the printer plugin in $CD/csv"
  else
    fail "collectd: no values written"
  fi
  say ""
  say "   notifications (collectd log $CD/collectd.log):"
  if "$PY" "$DEMO/demo_tool.py" notifications "$CD/collectd.log" | indent; then
    ok "collectd: notifications in $CD/collectd.log"
  else
    fail "collectd: no notification in $CD/collectd.log"
  fi
  if grep -qiE 'printer plugin.*(error|fail)|\[error\]' "$CD/collectd.log" 2>/dev/null; then
    say "   errors in the collectd log:"
    grep -iE '\[error\]' "$CD/collectd.log" | head -5 | cut -c1-200 | indent
  fi
fi

# The vendor's side: the site's public key registered, the reports read
# from a copy of the mailbox into SQLite once, and the meters of the day.
vendor_side() {
  local v=$OUT/vendor today
  if [ ! -f "$CD/site.key.pub" ] || [ "$(mails)" = 0 ]; then
    skip "vendor: no signed report to read"
    return
  fi
  say ""
  say "   the vendor's side: printprobe ingest, then printprobe meters ($v)"
  mkdir -p "$v/trusted" "$v/Maildir/new" "$v/Maildir/cur" "$v/Maildir/tmp"
  cp "$CD/site.key.pub" "$v/trusted/example-customer.pub"
  cp "$MAILDIR"/new/*.eml "$v/Maildir/new/"
  if "$REL/printprobe" ingest --maildir "$v/Maildir" --db "$v/fleet.db" \
    --trusted-keys "$v/trusted" 2>"$v/ingest.log"; then
    ok "vendor: $(grep -c ': stored (site ' "$v/ingest.log") signed report(s) verified and stored in $v/fleet.db"
  else
    fail "vendor: printprobe ingest (see $v/ingest.log)"
  fi
  tail -3 "$v/ingest.log" | cut -c1-160 | indent
  today=$(date -u +%F)
  if "$REL/printprobe" meters --db "$v/fleet.db" --from "$today" \
    --to "$today" >"$v/meters.csv" 2>"$v/meters.log" &&
    [ "$(wc -l <"$v/meters.csv")" -gt 1 ]; then
    ok "vendor: meters of $(($(wc -l <"$v/meters.csv") - 1)) printer(s) in $v/meters.csv"
  else
    fail "vendor: printprobe meters (see $v/meters.log)"
  fi
  cut -d, -f1-3,8-10 "$v/meters.csv" | head -5 | indent
}

if [ $HAVE_DSS = 1 ]; then
  say ""
  say "   write_dss: archive and mail"
  [ -n "$SMTP_PID" ] && stop_pid "$SMTP_PID" 10
  if [ -f "$ARCHIVE/index.html" ]; then
    say "   the archive the customer reads: $ARCHIVE/index.html"
    say "     ($(find "$ARCHIVE" -name '*.eml' | wc -l) report(s): $(cd "$ARCHIVE" && find . -type f | sort | head -6 | tr '\n' ' '))"
    ok "write_dss: archive $ARCHIVE/index.html"
  else
    fail "write_dss: no $ARCHIVE/index.html"
  fi
  say "   the mailbox ($MAILDIR/new):"
  if "$PY" "$DEMO/demo_tool.py" mail "$MAILDIR/new" | indent; then
    ok "write_dss: $(mails) report(s) mailed over STARTTLS + AUTH"
  else
    fail "write_dss: no mail arrived (see $CD/collectd.log, $OUT/smtp/server.log)"
  fi
  grep 'write_dss' "$CD/collectd.log" | grep -vi 'debug' | tail -4 | cut -c1-200 | indent
  vendor_side
fi

# ---------------------------------------------------------------- 4. nagios

section "4. Nagios / Icinga checks"
NAG=$OUT/nagios
mkdir -p "$NAG"
addr_of() {
  "$PY" -c 'import json,sys
print([e["address"] for e in json.load(open(sys.argv[1])) if e["name"] == sys.argv[2]][0])' "$FLEET/fleet.json" "$1"
}
run_check() { # check printer [options...]
  local check=$1 printer=$2
  shift 2
  local bin=$REL/$check addr out status
  if [ ! -x "$bin" ]; then
    skip "nagios: $check not built"
    return
  fi
  addr=$(addr_of "$printer")
  out=$NAG/$check-$printer.txt
  printf '%s\n' "$printer" >"$NAG/$check-$printer.community"
  "$bin" -H "$addr" --community-file "$NAG/$check-$printer.community" -t 0.5 -e 1 "$@" >"$out" 2>&1
  status=$?
  echo "$status" >"$out.status"
  say "   \$ $check -H $printer $*    -> exit $status"
  head -3 "$out" | cut -c1-200 | sed 's/^/     /'
  if [ $status -gt 3 ] || [ ! -s "$out" ]; then
    fail "nagios: $check on $printer crashed or said nothing (exit $status)"
  else
    NAG_RUN=$((NAG_RUN + 1))
  fi
}
NAG_RUN=0
NAG_FAIL_BEFORE=$FAILED
run_check check_printer_status hq-1f-hp-m555
run_check check_printer_status hq-2f-hp-m555
run_check check_printer_status hq-3f-xerox-c8130
run_check check_printer_status hq-4f-kyocera-m3655
run_check check_printer_status br-ricoh-spc261 --unreachable-state warning
run_check check_printer_supplies hq-1f-lexmark-cs331
run_check check_printer_supplies br-epson-wfc5790-b
run_check check_printer_supplies hq-3f-hp-m555 --supply black -w 15: -c 5:
run_check check_printer_pages hq-1f-hp-m555 --state-file "$NAG/pages.state"
sleep 1
run_check check_printer_pages hq-1f-hp-m555 --state-file "$NAG/pages.state"
if [ $NAG_RUN -gt 0 ] && [ $FAILED -eq $NAG_FAIL_BEFORE ]; then
  ok "nagios: $NAG_RUN check runs, outputs in $NAG"
fi

# ---------------------------------------------------------------- 5. chart

section "5. a chart of the demo (gnuplot, from collectd's csv files)"
if [ $HAVE_PRINTER = 0 ]; then
  skip "chart: no collectd values (printer.so not built)"
elif ! command -v gnuplot >/dev/null; then
  fail "chart: gnuplot is not installed"
elif "$PY" "$DEMO/demo_tool.py" chart "$CD/csv" "$FLEET/fleet.json" "$OUT/chart" "$CD/events.txt" |
  indent && [ -s "$OUT/chart/demo-chart.png" ]; then
  ok "chart: $OUT/chart/demo-chart.png"
else
  fail "chart: no PNG (see $OUT/chart)"
fi

# ---------------------------------------------------------------- the end

cleanup
section "done in $(elapsed) s: everything is in $OUT"
indent <"$SUMMARY"
if [ $FAILED -gt 0 ]; then
  say "$FAILED step(s) FAILED"
  exit 1
fi
exit 0
