#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages that building and testing need, when they
# are missing. Runs as root on a fresh machine (CI); a no-op when all is there.
set -eu

PACKAGES="build-essential pkg-config libsnmp-dev snmp libcmocka-dev snmpsim
libcurl4-openssl-dev collectd-core collectd-dev valgrind python3
python3-aiosmtpd openssl nagios4-core icinga2-bin gnuplot-nox iproute2 procps
chromium monitoring-plugins-standard mandoc groff-base"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing Debian packages:$missing (run as root, or install them)" >&2
  exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
