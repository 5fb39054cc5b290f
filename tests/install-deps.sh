#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages that building and testing need, when they
# are missing. Runs as root on a fresh machine (CI); a no-op when all is there.
set -eu

PACKAGES="build-essential pkg-config libsnmp-dev libc-ares-dev snmp libcmocka-dev snmpsim
libcurl4-openssl-dev libsodium-dev libgmime-3.0-dev libjansson-dev libsqlite3-dev libpq-dev postgresql-15 dovecot-imapd collectd-core collectd-dev valgrind python3
python3-aiosmtpd python3-cryptography openssl nagios4-core icinga2-bin gnuplot-nox iproute2 procps
chromium monitoring-plugins-standard debhelper lintian dpkg-dev fakeroot
clang clang-format mandoc groff-base man-db librrd8 libmicrohttpd12 libprotobuf-c1 prometheus"

# collectd-core leaves its writers' libraries to Recommends; the README and
# the dashboard name rrdtool and write_prometheus, so they must load:
# librrd8 (rrdtool), libmicrohttpd12 and libprotobuf-c1 (write_prometheus).
# prometheus scrapes write_prometheus so that the dashboard's queries run.
# postgresql-15 and dovecot-imapd: test_ingest.py runs a database server
# and an IMAP server of its own.
# python3-cryptography checks report signatures independently of the C code
# (tests/integration/signing.py).
# clang builds the fuzz targets (libFuzzer); debhelper, lintian, dpkg-dev and
# fakeroot build and check the Debian packages; clang-format checks the
# layout of the C sources; mandoc and groff-base lint
# the man pages.

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing Debian packages:$missing" >&2
  echo "install-deps: installing them needs root: run 'make test-deps' as" \
    "root (or apt-get install them), then make check as any user" >&2
  exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
