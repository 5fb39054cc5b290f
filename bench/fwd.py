#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One UDP port per simulated printer, for pollers that tell printers apart
by address and use one community for all of them (the collectd `printer`
plugin's <Fleet> block). Printer i's port rewrites the community of each
request to printer i's own (which ppsim maps to a recording, or never
answers for a dead one) and sends it on to printer i's responder port; the
answer comes back with the poller's community restored.

    fwd.py SPEC --ports-file FILE [--count-file FILE] [--max-seconds N]

SPEC is a file of lines "COMMUNITY UPSTREAM-PORT", one per printer, in
order; FILE receives the front ports, one per line in the same order,
followed by a line "ready". COMMUNITY "-" forwards the messages as they
are (SNMPv3, or a v2c agent that all printers share); UPSTREAM-PORT 0 is a
printer that never answers (its requests are read and dropped). At exit,
--count-file receives "requests N" (forwarded upstream) and "dropped N".
Loopback only (127.0.0.1). Exits after --max-seconds (default 600) or on
SIGTERM/SIGINT. Python 3 stdlib."""

import argparse
import selectors
import signal
import socket
import sys
import time

HOST = "127.0.0.1"


def _len_bytes(n):
    if n < 0x80:
        return bytes([n])
    out = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(out)]) + out


def _read_len(data, i):
    """(length, index after the length octets)."""
    first = data[i]
    if first < 0x80:
        return first, i + 1
    k = first & 0x7F
    return int.from_bytes(data[i + 1:i + 1 + k], "big"), i + 1 + k


def swap_community(data, community):
    """The v1/v2c message with its community replaced, and the old one; or
    (None, None) if it is not such a message."""
    try:
        if data[0] != 0x30:
            return None, None
        _, i = _read_len(data, 1)
        if data[i] != 0x02:
            return None, None
        vlen, j = _read_len(data, i + 1)
        version = data[i:j + vlen]
        i = j + vlen
        if data[i] != 0x04:
            return None, None
        clen, j = _read_len(data, i + 1)
        old = data[j:j + clen]
        rest = data[j + clen:]
    except IndexError:
        return None, None
    body = version + b"\x04" + _len_bytes(len(community)) + community + rest
    return b"\x30" + _len_bytes(len(body)) + body, old


SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # Linux


def big_receive_buffer(sock, size=16 << 20):
    """A shared upstream socket takes the answers of hundreds of printers
    at once (10,000 answers of ~4 KB over 16 sockets): with the default
    buffer most are lost here, not by the poller. Beyond rmem_max only as
    root."""
    for opt in (SO_RCVBUFFORCE, socket.SO_RCVBUF):
        try:
            sock.setsockopt(socket.SOL_SOCKET, opt, size)
            return
        except OSError:
            continue


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spec")
    ap.add_argument("--ports-file", required=True)
    ap.add_argument("--count-file")
    ap.add_argument("--max-seconds", type=float, default=600)
    a = ap.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    sel = selectors.DefaultSelector()
    printers = []
    with open(a.spec) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                community = None if parts[0] == "-" else parts[0].encode()
                printers.append((community, int(parts[1])))
    fronts = []
    socks = []
    # Printers whose community is swapped in and unique share one upstream
    # socket per upstream port: the answer's community tells whose it is.
    # So 10,000 printers need 10,000 sockets, not 20,000 (the usual hard
    # limit of open files is 20,000 or less).
    names = [c for c, p in printers if c is not None and p]
    shareable = len(set(names)) == len(names)
    shared = {}  # upstream port -> socket
    by_community = {}  # community -> (front, state)
    for idx, (community, up_port) in enumerate(printers):
        front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        front.bind((HOST, 0))
        front.setblocking(False)
        socks.append(front)
        # state: [client address, community the client used]
        state = [None, b"public"]
        up = None
        if up_port and community is not None and shareable:
            up = shared.get(up_port)
            if up is None:
                up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                big_receive_buffer(up)
                up.connect((HOST, up_port))
                up.setblocking(False)
                shared[up_port] = up
                socks.append(up)
                sel.register(up, selectors.EVENT_READ,
                             ("shared", None, up, None, None))
            by_community[community] = (front, state)
        elif up_port:
            up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            up.connect((HOST, up_port))
            up.setblocking(False)
            socks.append(up)
            sel.register(up, selectors.EVENT_READ,
                         ("up", front, up, community, state))
        sel.register(front, selectors.EVENT_READ,
                     ("front", front, up, community, state))
        fronts.append(front.getsockname()[1])
    with open(a.ports_file, "w") as f:
        f.write("".join("%d\n" % p for p in fronts) + "ready\n")
    deadline = time.monotonic() + a.max_seconds
    forwarded = dropped = 0
    while not stop and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            side, front, up, community, state = key.data
            drain = 64 if side != "shared" else 1024
            for _ in range(drain):  # bounded drain per wake-up
                try:
                    if side == "front":
                        data, addr = front.recvfrom(65535)
                        if up is None:
                            dropped += 1
                            continue
                        if community is None:
                            msg = data
                        else:
                            msg, old = swap_community(data, community)
                            if msg is None:
                                continue
                            state[1] = old
                        state[0] = addr
                        up.send(msg)
                        forwarded += 1
                    elif side == "shared":
                        data = up.recv(65535)
                        _, theirs = swap_community(data, b"")
                        owner = by_community.get(theirs)
                        if owner is None or owner[1][0] is None:
                            continue
                        msg, _ = swap_community(data, owner[1][1])
                        if msg is not None:
                            owner[0].sendto(msg, owner[1][0])
                    else:
                        data = up.recv(65535)
                        msg = data
                        if community is not None:
                            msg, _ = swap_community(data, state[1])
                        if msg is not None and state[0] is not None:
                            front.sendto(msg, state[0])
                except (BlockingIOError, ConnectionRefusedError):
                    break
    for s in socks:
        s.close()
    print("fwd: forwarded %d requests, dropped %d" % (forwarded, dropped),
          file=sys.stderr)
    if a.count_file:
        with open(a.count_file, "w") as f:
            f.write("requests %d\ndropped %d\n" % (forwarded, dropped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
