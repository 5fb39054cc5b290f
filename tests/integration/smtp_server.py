#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A real SMTP server for the write_dss tests (aiosmtpd, Debian's
python3-aiosmtpd): loopback only, STARTTLS required (or implicit TLS with
--smtps), AUTH PLAIN/LOGIN against one user, every accepted message saved
as its exact bytes in DIR/new/<n>.eml (written to DIR/tmp first, then
renamed, like a maildir).

Control knobs, read from DIR/control.json before each message's answer:
  {"tempfail": N}   answer 451 to the next N messages (at the end of DATA)
  {"permfail": N}   answer 554 to the next N messages
  {"delay": S}      wait S seconds before answering each message
The server counts tempfail/permfail down and writes the file back.
DIR/attempts.log gets "<time> 1 <Message-ID>" when a message's data is in
and "<time> <code> <Message-ID>" when it is answered (code 0: the client
went away before the answer).

A message whose client went away before the answer was sent is not saved:
the server only keeps what it acknowledged, as a real MTA does when the
connection drops before the final 250."""

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

LOCK = threading.Lock()


def read_control(folder):
    try:
        with open(os.path.join(folder, "control.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def write_control(folder, control):
    path = os.path.join(folder, "control.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(control, f)
    os.replace(tmp, path)


def message_id(data):
    m = re.search(rb"^Message-ID:\s*(<[^>\r\n]*>)", data,
                  re.IGNORECASE | re.MULTILINE)
    return m.group(1).decode("ascii", "replace") if m else "-"


TCP_ESTABLISHED = 1


def peer_gone(server):
    """Whether the client closed its end. Read from the kernel's TCP state:
    aiosmtpd does not notice a closed STARTTLS connection while a handler
    runs."""
    transport = getattr(server, "_original_transport", None) or \
        server.transport
    if transport is None or transport.is_closing():
        return True
    sock = transport.get_extra_info("socket")
    if sock is None:
        return False
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
    return info[0] != TCP_ESTABLISHED


async def wait_unless_gone(server, delay):
    """Sleeps delay seconds; True as soon as the client is gone."""
    deadline = time.time() + delay
    while True:
        if peer_gone(server):
            return True
        if time.time() >= deadline:
            return False
        await asyncio.sleep(min(0.05, deadline - time.time()))


class Handler:
    def __init__(self, folder, user, password):
        self.folder = folder
        self.user = user.encode()
        self.password = password.encode()
        self.count = 0
        for sub in ("tmp", "new"):
            os.makedirs(os.path.join(folder, sub), exist_ok=True)

    def log(self, code, mid):
        with open(os.path.join(self.folder, "attempts.log"), "a") as f:
            f.write("%.3f %d %s\n" % (time.time(), code, mid))

    def take_failure(self):
        """Which answer the next message gets, counting knobs down."""
        with LOCK:
            control = read_control(self.folder)
            for key, code in (("permfail", 554), ("tempfail", 451)):
                if control.get(key, 0) > 0:
                    control[key] -= 1
                    write_control(self.folder, control)
                    return code, control.get("delay", 0)
            return 250, control.get("delay", 0)

    def save(self, data):
        with LOCK:
            self.count += 1
            name = "%06d-%d.eml" % (self.count, os.getpid())
        tmp = os.path.join(self.folder, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.folder, "new", name))

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        mid = message_id(data)
        code, delay = self.take_failure()
        self.log(1, mid)  # the message is in; its answer is pending
        try:
            gone = await wait_unless_gone(server, delay)
        except asyncio.CancelledError:
            # aiosmtpd cancels the handler when it sees the client go.
            self.log(0, mid)
            raise
        if gone:
            self.log(0, mid)
            return "451 4.4.2 client went away"
        self.log(code, mid)
        if code == 451:
            return "451 4.3.0 try again later (test knob)"
        if code == 554:
            return "554 5.7.1 message refused (test knob)"
        self.save(data)
        return "250 2.0.0 Ok: queued"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              auth_data.login == self.user and
              auth_data.password == self.password)
        # handled=False: aiosmtpd answers 535 itself.
        return AuthResult(success=ok, handled=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--smtps", action="store_true")
    args = ap.parse_args()

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    handler = Handler(args.dir, args.user, args.password)
    kwargs = dict(hostname="127.0.0.1", port=args.port,
                  authenticator=Authenticator(args.user, args.password),
                  auth_required=True, auth_require_tls=True,
                  server_hostname="localhost")
    if args.smtps:
        # TLS from the first byte; aiosmtpd 1.4 does not count that as TLS
        # for AUTH, so the check is off here (the socket is TLS anyway).
        kwargs["ssl_context"] = context
        kwargs["auth_require_tls"] = False
    else:
        kwargs["tls_context"] = context
        kwargs["require_starttls"] = True
    controller = Controller(handler, **kwargs)
    controller.start()
    print("ready", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    while not stop.wait(0.5):
        pass
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
