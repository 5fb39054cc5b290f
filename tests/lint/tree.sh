#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks the source tree itself: every source file names its licence with an
# SPDX line, and nothing outside the repository is read by the build, tests,
# demo or benchmark. Prints one line per problem; exit 1 if any.
set -u
cd "$(dirname "$0")/../.."
status=0

sources() {
  if git rev-parse --git-dir >/dev/null 2>&1; then
    git ls-files --cached --others --exclude-standard
  else
    find . -path ./build -prune -o -type f -print | sed 's|^\./||'
  fi | grep -E '\.(c|h|py|sh)$|(^|/)Makefile$|^\.ci/run$|\.(conf|cfg)$' |
    grep -vE '^(tests/fixtures|tests/corpus|debian)/'
}

for f in $(sources); do
  [ -f "$f" ] || continue
  if ! head -n 3 "$f" | grep -q 'SPDX-License-Identifier: '; then
    echo "lint: $f: no SPDX-License-Identifier line in its first 3 lines"
    status=1
  fi
done

# The project stands alone: no path that climbs out of the tree to a
# sibling folder.
if grep -rnE '\.\./shar[e]d|PP_SHARE[D]_DIR' --include='*.py' --include='*.sh' \
     --include='*.c' --include='*.h' --include=Makefile . 2>/dev/null |
     grep -v '^./tests/lint/'; then
  echo "lint: the lines above read outside the repository"
  status=1
fi

[ "$status" -eq 0 ] && echo "lint: tree ok"
exit "$status"
