# SPDX-License-Identifier: MIT
"""A PostgreSQL 15 server of the test's own: a cluster made by initdb in a
temporary folder, listening on 127.0.0.1 and a free port only, trusting
local connections. Run as nobody when the test runs as root (postgres
refuses root). Started and stopped by its PID; every wait is bounded."""

import os
import shutil
import socket
import subprocess
import tempfile
import time

from harness import AS_ROOT, HOST, Process

BIN = "/usr/lib/postgresql/15/bin"
USER = "pp"
NOBODY = 65534


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Postgres:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pp-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = free_tcp_port()
        self.process = None
        # postgres will not run as root: the cluster belongs to nobody.
        self.as_user = dict(user=NOBODY, group=NOBODY) if AS_ROOT else {}
        if AS_ROOT:
            os.chmod(self.dir, 0o755)
            os.chown(self.dir, NOBODY, NOBODY)
        subprocess.run([os.path.join(BIN, "initdb"), "-D", self.data, "-U",
                        USER, "--auth=trust", "-E", "UTF8", "--locale=C",
                        "--no-instructions"], check=True,
                       capture_output=True, timeout=120, **self.as_user)

    @property
    def url(self):
        return "postgresql://%s@%s:%d/postgres" % (USER, HOST, self.port)

    def start(self):
        argv = [os.path.join(BIN, "postgres"), "-D", self.data, "-p",
                str(self.port), "-c", "listen_addresses=" + HOST, "-c",
                "unix_socket_directories=" + self.dir, "-c", "fsync=off"]
        log = os.path.join(self.dir, "postgres-%d.log" % time.time())
        self.process = Process(argv, log, **self.as_user)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.proc.poll() is not None:
                break
            ready = subprocess.run(["pg_isready", "-q", "-h", HOST, "-p",
                                    str(self.port), "-U", USER],
                                   timeout=30)
            if ready.returncode == 0:
                return self
            time.sleep(0.2)
        raise RuntimeError("postgres did not start: " + open(log).read())

    def stop(self):
        """SIGTERM to the PID (Process.stop)."""
        if self.process is not None:
            self.process.stop()
            self.process = None

    def query(self, sql):
        """One value, as text."""
        out = subprocess.run(["psql", "-At", "-d", self.url, "-c", sql],
                             check=True, capture_output=True, text=True,
                             timeout=60)
        return out.stdout.strip()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
