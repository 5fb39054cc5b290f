# SPDX-License-Identifier: MIT
"""A tiny SNMPv2c load generator and prober, Python 3 stdlib only.

It sends prebuilt packets (only the request-id changes) so that the client
costs as little as possible, and it is used for three things:

- the responder's ceiling: requests/s that ppsim answers for one-OID GETs and
  for GETBULKs shaped like a poller's (several table columns, 10 rows each),
  with a fixed window of requests in flight spread over all its ports;
- the round-trip time of one GET (direct or through the delaying proxy);
- a readiness probe (is the responder answering yet?).

Loopback only: every address used here is 127.0.0.1."""

import os
import select
import socket
import struct
import time

HOST = "127.0.0.1"


def _len(n):
    if n < 0x80:
        return bytes([n])
    out = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(out)]) + out


def _tlv(tag, body):
    return bytes([tag]) + _len(len(body)) + body


def _int(v):
    return _tlv(0x02, v.to_bytes(4, "big", signed=True))


def _oid(text):
    parts = [int(p) for p in text.strip(".").split(".")]
    body = bytes([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(reversed(chunk))
    return _tlv(0x06, body)


def packet(community, pdu_type, oids, non_repeaters=0, max_repetitions=0,
           request_id=1):
    """An SNMPv2c request. The request-id is a fixed 4-byte INTEGER, so it can
    be patched in place (see RID_OFFSET)."""
    vbs = b"".join(_tlv(0x30, _oid(o) + b"\x05\x00") for o in oids)
    if pdu_type == 0xA5:
        a, b = non_repeaters, max_repetitions
    else:
        a, b = 0, 0
    pdu = _tlv(pdu_type, _int(request_id) + _int(a) + _int(b) +
               _tlv(0x30, vbs))
    version = b"\x02\x01\x01"  # v2c, one octet: _rid_offset relies on it
    return _tlv(0x30, version + _tlv(0x04, community.encode()) + pdu)


def _rid_offset(pkt):
    """Where the 4 request-id bytes are in a packet made by packet()."""
    # 30 L | 02 01 01 | 04 L community | PDU L | 02 04 <rid>
    i = 1 + len(_len_of(pkt, 1)) + 3
    clen = pkt[i + 1]
    i += 2 + clen
    i += 1 + len(_len_of(pkt, i + 1))
    return i + 2


def _len_of(pkt, i):
    first = pkt[i]
    if first < 0x80:
        return pkt[i:i + 1]
    return pkt[i:i + 1 + (first & 0x7F)]


def _rid_of_response(data):
    """The request-id of a response, or None if the packet is not one."""
    try:
        i = 1 + len(_len_of(data, 1))
        i += 2 + data[i + 1]          # version
        i += 2 + data[i + 1]          # community
        i += 1 + len(_len_of(data, i + 1))  # response PDU header
        if data[i] != 0x02:
            return None
        n = data[i + 1]
        return int.from_bytes(data[i + 2:i + 2 + n], "big", signed=True)
    except IndexError:
        return None


GET_OIDS = ["1.3.6.1.2.1.1.1.0"]
# A GETBULK like a poller's second request: the supplies table's columns.
BULK_OIDS = ["1.3.6.1.2.1.43.11.1.1.%d" % c for c in (3, 4, 5, 6, 7, 8, 9)]


def ceiling(ports, community, kind, seconds=2.0, window=64):
    """Answered requests per second over `seconds`, with `window` requests in
    flight round-robin over `ports` (one client socket per port). Returns
    (rate, answered, sent, lost)."""
    if kind == "get":
        template = packet(community, 0xA0, GET_OIDS)
    else:
        template = packet(community, 0xA5, BULK_OIDS, 0, 10)
    off = _rid_offset(template)
    socks = []
    for port in ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        s.connect((HOST, port))
        s.setblocking(False)
        socks.append(s)
    buf = bytearray(template)
    inflight = {}  # rid -> (socket index, send time)
    rid = 1
    sent = answered = lost = 0

    def send(idx):
        nonlocal rid, sent
        rid = rid + 1 if rid < 0x7FFFFFF0 else 1
        buf[off:off + 4] = rid.to_bytes(4, "big", signed=True)
        try:
            socks[idx].send(buf)
        except (BlockingIOError, ConnectionRefusedError):
            return
        inflight[rid] = (idx, time.monotonic())
        sent += 1

    for i in range(window):
        send(i % len(socks))
    start = time.monotonic()
    end = start + seconds
    fds = {s.fileno(): i for i, s in enumerate(socks)}
    poller = select.poll()
    for s in socks:
        poller.register(s, select.POLLIN)
    last_sweep = start
    while True:
        now = time.monotonic()
        if now >= end:
            break
        for fd, _ in poller.poll(50):
            idx = fds[fd]
            s = socks[idx]
            for _ in range(64):  # bounded drain per wake-up
                try:
                    data = s.recv(65535)
                except (BlockingIOError, ConnectionRefusedError):
                    break
                r = _rid_of_response(data)
                if r in inflight:
                    del inflight[r]
                    answered += 1
                    send(idx)
        # Requests lost (socket buffer overflow): replace them so the
        # window stays full, and count them.
        if now - last_sweep > 0.2:
            last_sweep = now
            stale = [r for r, (_, t) in inflight.items() if now - t > 0.5]
            for r in stale:
                idx = inflight.pop(r)[0]
                lost += 1
                send(idx)
    elapsed = time.monotonic() - start
    for s in socks:
        s.close()
    return answered / elapsed, answered, sent, lost


def rtt(port, community, count=20, timeout=2.0):
    """Median and minimum round-trip time in seconds of `count` sequential
    one-OID GETs, or (None, None) if nothing answered."""
    template = packet(community, 0xA0, GET_OIDS)
    off = _rid_offset(template)
    buf = bytearray(template)
    times = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect((HOST, port))
        s.settimeout(timeout)
        for i in range(count):
            buf[off:off + 4] = (1000 + i).to_bytes(4, "big")
            t0 = time.monotonic()
            s.send(buf)
            try:
                while True:
                    data = s.recv(65535)
                    if _rid_of_response(data) == 1000 + i:
                        break
            except (socket.timeout, ConnectionRefusedError):
                continue
            times.append(time.monotonic() - t0)
    if not times:
        return None, None
    times.sort()
    return times[len(times) // 2], times[0]


def wait_ready(port, community, seconds=10.0):
    """Bounded wait until a GET on port is answered."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        med, _ = rtt(port, community, count=1, timeout=0.2)
        if med is not None:
            return True
    return False


if __name__ == "__main__":
    import sys
    if len(sys.argv) < 4:
        print("usage: snmpload.py get|getbulk COMMUNITY PORT...",
              file=sys.stderr)
        sys.exit(2)
    r = ceiling([int(p) for p in sys.argv[3:]], sys.argv[2], sys.argv[1],
                float(os.environ.get("SECONDS", "2")))
    print("%.0f req/s (answered %d, sent %d, lost %d)" % r)
