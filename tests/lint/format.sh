#!/bin/sh
# SPDX-License-Identifier: MIT
# The C sources are laid out as the project's .clang-format says: this fails,
# naming each file, on any source that `make format` would change.
set -u
cd "$(dirname "$0")/../.."
status=0
for f in common/*/*.[ch] plugins/*.[ch] cli/*.[ch] nagios/*.[ch] \
         collectd/*.[ch] tests/unit/*.[ch] tests/tools/*.[ch] tests/fuzz/*.[ch]; do
  [ -f "$f" ] || continue
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "lint: $f: not formatted (run make format)"
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "lint: format ok"
exit "$status"
