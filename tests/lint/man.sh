#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks the man pages in docs/man against the programs they describe:
#  - every page renders without a warning, in mandoc (-Tlint -Wwarning) and
#    in groff (-ww, for PostScript and for the terminal as man(1) shows it);
#  - every option a program's --help prints (long and short forms) heads an
#    item of its page (".It Fl x , Fl -long ..."), and every option the page
#    names with Fl is one the program has (printed by --help, or in its
#    getopt tables);
#  - printprobe-collectd.5 documents, as ".It Cm Key" items in the section
#    "PLUGIN name" of each collectd plugin, exactly the configuration keys
#    the plugin's source compares (strcasecmp on the key, the switch table,
#    and the SNMP keys of common/poll/pp_snmp_opts.c that it hands on).
# Needs the release build (make all): the programs are run from build/rel.
# Prints one line per problem; exit 1 if any.
set -u
cd "$(dirname "$0")/../.." || exit 1
LC_ALL=C
export LC_ALL
status=0
BIN=build/rel
MAN=docs/man

problem() {
  echo "lint: $*"
  status=1
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

# --- rendering ---------------------------------------------------------------

have_tools=1
for tool in mandoc groff; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    problem "$tool is not installed (tests/install-deps.sh installs it)"
    have_tools=0
  fi
done

pages=$(ls "$MAN"/*.[1-9] 2>/dev/null)
[ -n "$pages" ] || problem "$MAN: no man pages"

for page in $pages; do
  if ! head -n 1 "$page" | grep -qx '\.\\" SPDX-License-Identifier: MIT'; then
    problem "$page: the first line is not '.\\\" SPDX-License-Identifier: MIT'"
  fi
  [ "$have_tools" -eq 1 ] || continue
  mandoc -Tlint -Wwarning "$page" >"$tmp/out" 2>&1
  groff -mandoc -ww -z "$page" >>"$tmp/out" 2>&1
  groff -mandoc -Tutf8 -ww -z "$page" >>"$tmp/out" 2>&1
  while IFS= read -r line; do
    problem "$page: does not render cleanly: $line"
  done <"$tmp/out"
done

# --- options of the programs -------------------------------------------------

# Options in text on stdin: words such as --long-name and -x. Splitting at
# every character that cannot be part of an option keeps "--ignore=NAME",
# "[-v]" and "-c;" and drops "SHA-256", "read-only" and "-vv".
options_in_text() {
  tr -cs 'A-Za-z0-9_-' '\n' |
    grep -E '^(--[a-z][a-z0-9-]*[a-z0-9]|-[A-Za-z])$' | sort -u
}

# Options a page names: the arguments of its Fl macros, on every line
# ("all") or only on the heads of list items ("items"), where an option is
# described rather than mentioned.
options_in_page() {
  awk -v lines="$1" '(lines == "all" && /^\./) || /^\.It / {
    for (i = 1; i < NF; i++) {
      if ($i != "Fl")
        continue
      a = $(i + 1)
      if (a ~ /^-[a-z][a-z0-9-]*$/ || a ~ /^[A-Za-z]$/)
        print "-" a
    }
  }' "$2" | sort -u
}

# Options the source of a program declares: long ones in getopt_long
# tables, short ones in the option strings given to getopt_long.
options_in_source() {
  grep -hoE '\{"[a-z][a-z0-9-]*", *(no|required|optional)_argument' "$@" |
    sed 's/^{"\([^"]*\)".*/--\1/'
  {
    grep -hE 'getopt_long\(|#define [A-Z_]*SHORT_OPTS' "$@" |
      grep -oE '"[A-Za-z:]+"' | tr -d '":\n'
    echo
  } | fold -w 1 | grep . | sed 's/^/-/'
}

programs="printprobe"
for c in nagios/check_*.c; do
  [ -f "$c" ] && programs="$programs $(basename "$c" .c)"
done

for prog in $programs; do
  page="$MAN/$prog.1"
  if [ ! -f "$page" ]; then
    problem "$page: missing: $prog has no man page"
    continue
  fi
  if [ ! -x "$BIN/$prog" ]; then
    problem "$BIN/$prog: missing: build it first (make all) to check $page"
    continue
  fi
  # A clean environment: a bad PRINTPROBE_* variable would stop --help.
  if [ "$prog" = printprobe ]; then
    sources="cli/printprobe.c"
    {
      env -i PATH="$PATH" "$BIN/$prog" --help
      env -i PATH="$PATH" "$BIN/$prog" scan --help
    } >"$tmp/help" 2>&1
  else
    sources="nagios/$prog.c nagios/np_common.c nagios/np_common.h"
    env -i PATH="$PATH" "$BIN/$prog" --help >"$tmp/help" 2>&1
  fi
  options_in_text <"$tmp/help" >"$tmp/help.opts"
  options_in_page items "$page" >"$tmp/page.items"
  options_in_page all "$page" >"$tmp/page.opts"
  # shellcheck disable=SC2086
  options_in_source $sources | cat - "$tmp/help.opts" | grep . |
    sort -u >"$tmp/known.opts"
  n=$(wc -l <"$tmp/help.opts")
  if [ "$n" -lt 5 ]; then
    problem "$prog --help: only $n options found; is its output readable?"
    continue
  fi
  for o in $(comm -23 "$tmp/help.opts" "$tmp/page.items"); do
    problem "$page: option $o of '$prog --help' is not described in an .It Fl item"
  done
  for o in $(comm -23 "$tmp/page.opts" "$tmp/known.opts"); do
    problem "$page: documents option $o, which $prog does not have"
  done
done

for page in "$MAN"/*.1; do
  [ -f "$page" ] || continue
  case " $programs " in
  *" $(basename "$page" .1) "*) ;;
  *) problem "$page: no program of that name (cli/, nagios/check_*.c)" ;;
  esac
done

# --- configuration keys of the collectd plugins ------------------------------

page="$MAN/printprobe-collectd.5"

# Keys a plugin's source accepts, one per line.
keys_in_source() {
  # strcasecmp(ci->key, "Key"), strcasecmp(child->key, ...), and
  # strcasecmp(k, ...) where k holds the key; values such as
  # strcasecmp(value, "serial") are not keys.
  grep -oE 'strcasecmp\([^,()]*, *"[A-Za-z][A-Za-z0-9]*"\)' "$1" |
    sed -n 's/^strcasecmp(\([^,]*\), *"\([A-Za-z0-9]*\)")$/\1 \2/p' |
    awk '$1 ~ /(^|[^A-Za-z0-9_])(key|k)$/ { print $2 }'
  # Boolean switches: {"CollectSupplies", offsetof(struct collect, ...)}.
  grep -oE '\{"[A-Z][A-Za-z0-9]*", *offsetof' "$1" |
    sed 's/^{"\([^"]*\)".*/\1/'
  # SNMP keys handed to pp_snmp_opts_set: the collectd names of its table
  # ({"community-file", "CommunityFile"}).
  if grep -q 'pp_snmp_opts_set' "$1"; then
    grep -oE '\{"[a-z][a-z0-9-]*", *"[A-Z][A-Za-z0-9]*"\}' \
      common/poll/pp_snmp_opts.c | sed 's/^{"[^"]*", *"\([^"]*\)"}$/\1/'
  fi
}

# Keys the page documents for a plugin: ".It ... Cm Key" in "PLUGIN name".
keys_in_page() {
  awk -v want="PLUGIN $2" '
    /^\.Sh / { section = substr($0, 5) }
    section == want && /^\.It / {
      for (i = 2; i < NF; i++)
        if ($i == "Cm") { print $(i + 1); break }
    }' "$1"
}

if [ ! -f "$page" ]; then
  problem "$page: missing: the collectd plugins have no man page"
else
  total=0
  for c in collectd/*.c; do
    case "$c" in *_util.c) continue ;; esac
    plugin=$(basename "$c" .c)
    keys_in_source "$c" | sort -u >"$tmp/src.keys"
    keys_in_page "$page" "$plugin" | sort -u >"$tmp/page.keys"
    n=$(wc -l <"$tmp/src.keys")
    total=$((total + n))
    # printer: Printer, Fleet, Address, ... about two dozen; write_dss
    # about eighteen. Far fewer means the patterns above no longer match.
    if [ "$n" -lt 10 ]; then
      problem "$c: only $n configuration keys found; update the patterns in tests/lint/man.sh"
    fi
    if ! grep -q "^\.Sh PLUGIN $plugin\$" "$page"; then
      problem "$page: no section 'PLUGIN $plugin'"
      continue
    fi
    for k in $(comm -23 "$tmp/src.keys" "$tmp/page.keys"); do
      problem "$page: $plugin option $k (accepted by $c) is not documented"
    done
    for k in $(comm -13 "$tmp/src.keys" "$tmp/page.keys"); do
      problem "$page: documents $plugin option $k, which $c does not accept"
    done
  done
  if [ "$total" -lt 35 ]; then
    problem "collectd/*.c: only $total configuration keys found in all; update the patterns in tests/lint/man.sh"
  fi
fi

[ "$status" -eq 0 ] && echo "lint: man pages ok"
exit "$status"
