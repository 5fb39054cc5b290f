#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A small DNS server for the resolver tests (standard library only): UDP
on 127.0.0.1, answers from a map file, counts what it is asked.

The map file has one name a line ('#' starts a comment):
  printer1.test A 192.0.2.1        an IPv4 address (several lines: several)
  printer1.test AAAA 2001:db8::1   an IPv6 address
  gone.test missing                NXDOMAIN
  dead.test silent                 never answered
A name that is not in the map is answered NXDOMAIN; a name in the map
without an address of the type asked gets an empty answer (NODATA).

The map is read again when its modification time or size changes (checked
before every answer; write a new file and rename it over the old one) and
on SIGHUP, so a test can move a name to another address while the server
runs.

--log FILE gets one line per query, "<type> <name>", written at once, so a
test can count the queries a name caused. Once listening, the server prints
"listening on 127.0.0.1:<port>" on stdout. It exits on SIGTERM or after
--max-seconds."""

import argparse
import os
import select
import signal
import socket
import struct
import sys
import time

TYPE_A = 1
TYPE_AAAA = 28
TYPE_NAMES = {TYPE_A: "A", TYPE_AAAA: "AAAA"}
RCODE_NOERROR = 0
RCODE_FORMERR = 1
RCODE_NXDOMAIN = 3
TTL = 300


class Map:
    """The names the server knows, re-read when the file changes."""

    def __init__(self, path):
        self.path = path
        self.stamp = None
        self.addresses = {}  # (name, type) -> [packed address]
        self.missing = set()
        self.silent = set()
        self.names = set()
        self.reload_if_changed()

    def reload_if_changed(self, force=False):
        st = os.stat(self.path)
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if not force and stamp == self.stamp:
            return
        addresses, missing, silent = {}, set(), set()
        with open(self.path) as f:
            for number, line in enumerate(f, 1):
                words = line.split("#", 1)[0].split()
                if not words:
                    continue
                name = words[0].lower().rstrip(".")
                kind = words[1] if len(words) > 1 else ""
                if kind == "missing" and len(words) == 2:
                    missing.add(name)
                elif kind == "silent" and len(words) == 2:
                    silent.add(name)
                elif kind == "A" and len(words) == 3:
                    addresses.setdefault((name, TYPE_A), []).append(
                        socket.inet_pton(socket.AF_INET, words[2]))
                elif kind == "AAAA" and len(words) == 3:
                    addresses.setdefault((name, TYPE_AAAA), []).append(
                        socket.inet_pton(socket.AF_INET6, words[2]))
                else:
                    raise ValueError("%s:%d: cannot read %r" %
                                     (self.path, number, line.strip()))
        self.addresses, self.missing, self.silent = addresses, missing, silent
        self.names = {n for n, _ in addresses}
        self.stamp = stamp


def parse_question(packet):
    """Returns (id, flags, name, qtype, end of the question) or None."""
    if len(packet) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", packet[:6])
    if qdcount != 1 or flags & 0x8000:
        return None
    labels, pos = [], 12
    while True:
        if pos >= len(packet):
            return None
        length = packet[pos]
        pos += 1
        if length == 0:
            break
        if length > 63 or pos + length > len(packet):
            return None
        labels.append(packet[pos:pos + length].decode("ascii", "replace"))
        pos += length
    if pos + 4 > len(packet):
        return None
    qtype, _qclass = struct.unpack("!HH", packet[pos:pos + 4])
    return qid, flags, ".".join(labels).lower(), qtype, pos + 4


def answer(packet, question, names):
    """The reply to one query, or None to stay silent."""
    qid, flags, name, qtype, end = question
    if name in names.silent:
        return None
    records = []
    if name in names.missing or name not in names.names:
        rcode = RCODE_NXDOMAIN
    else:
        rcode = RCODE_NOERROR
        for address in names.addresses.get((name, qtype), []):
            # the name as a pointer to the question (offset 12)
            records.append(struct.pack("!HHHIH", 0xC00C, qtype, 1, TTL,
                                       len(address)) + address)
    reply_flags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode
    header = struct.pack("!HHHHHH", qid, reply_flags, 1, len(records), 0, 0)
    return header + packet[12:end] + b"".join(records)


def serve(sock, names, log, deadline):
    reload_requested = []
    signal.signal(signal.SIGHUP, lambda *_: reload_requested.append(1))
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            ready, _, _ = select.select([sock], [], [], min(left, 1.0))
        except InterruptedError:
            ready = []
        if reload_requested:
            reload_requested.clear()
            names.reload_if_changed(force=True)
        if not ready:
            continue
        # Drain what is queued: bursts of queries arrive together.
        for _ in range(1000):
            try:
                packet, peer = sock.recvfrom(4096)
            except BlockingIOError:
                break
            question = parse_question(packet)
            if question is None:
                continue
            names.reload_if_changed()
            if log:
                log.write("%s %s\n" % (TYPE_NAMES.get(question[3],
                                                      str(question[3])),
                                       question[2]))
                log.flush()
            reply = answer(packet, question, names)
            if reply is not None:
                sock.sendto(reply, peer)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--map", required=True, help="the names and addresses")
    p.add_argument("--port", type=int, default=0,
                   help="UDP port on 127.0.0.1 (0: any free one)")
    p.add_argument("--log", help="one line per query received")
    p.add_argument("--max-seconds", type=float, default=600,
                   help="exit after this long, whatever happens")
    args = p.parse_args()

    names = Map(args.map)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # Room for a burst of queries from a thousand lookups at once.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind(("127.0.0.1", args.port))
    sock.setblocking(False)
    print("listening on 127.0.0.1:%d" % sock.getsockname()[1], flush=True)
    log = open(args.log, "a") if args.log else None
    try:
        serve(sock, names, log, time.monotonic() + args.max_seconds)
    finally:
        if log:
            log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
