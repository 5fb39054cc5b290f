# SPDX-License-Identifier: MIT
"""A dovecot IMAP server of the test's own: its configuration, state and
mail in a temporary folder, one user with a password, IMAP with STARTTLS
required on 127.0.0.1 and a free port only (a certificate of the test's
CA). Mail lands in the user's Maildir: the test writes files into its
new/. Started in the foreground and stopped by its PID; waits bounded."""

import os
import shutil
import socket
import tempfile
import time

from harness import AS_ROOT, HOST, Process

DOVECOT = "/usr/sbin/dovecot"
USER = "vendor"
# dovecot runs the user's mail processes as this uid (it refuses root).
MAIL_UID = 65534 if AS_ROOT else os.getuid()
MAIL_GID = 65534 if AS_ROOT else os.getgid()

CONFIG = """protocols = imap
listen = {host}
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
{extra}
"""

# What dovecot 2.3 offers after login, but MOVE (RFC 6851): a server
# without it (imap_capability replaces the list). UIDPLUS (RFC 4315) is
# the last word, to be left out too.
WITHOUT_MOVE = ("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT "
                "THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE "
                "LIST-EXTENDED I18NLEVEL=1 ESEARCH SEARCHRES WITHIN "
                "LITERAL+ UIDPLUS")


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Dovecot:
    def __init__(self, certs, password, capability=None):
        """capability: the IMAP capability list to announce after login
        (dovecot's imap_capability), None for dovecot's own."""
        self.dir = tempfile.mkdtemp(prefix="pp-imap-")
        os.chmod(self.dir, 0o755)
        self.port = free_tcp_port()
        self.process = None
        self.maildir = os.path.join(self.dir, "home", USER, "Maildir")
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(self.maildir, sub))
        for root, dirs, _ in os.walk(os.path.join(self.dir, "home")):
            os.chown(root, MAIL_UID, MAIL_GID)
            for d in dirs:
                os.chown(os.path.join(root, d), MAIL_UID, MAIL_GID)
        with open(os.path.join(self.dir, "passwd"), "w") as f:
            f.write("%s:{PLAIN}%s\n" % (USER, password))
        self.conf = os.path.join(self.dir, "dovecot.conf")
        with open(self.conf, "w") as f:
            f.write(CONFIG.format(host=HOST, dir=self.dir, port=self.port,
                                  cert=certs["cert"], key=certs["key"],
                                  uid=MAIL_UID, gid=MAIL_GID,
                                  extra=("imap_capability = " + capability
                                         if capability else "")))

    @property
    def url(self):
        return "imap://%s:%d/INBOX" % (HOST, self.port)

    def deliver(self, name, data):
        """A message into the user's INBOX, as a local delivery agent
        would put it."""
        tmp = os.path.join(self.maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.chown(tmp, MAIL_UID, MAIL_GID)
        os.rename(tmp, os.path.join(self.maildir, "new", name))

    def flags(self, path):
        """The Maildir flags of a message file (\\Deleted is T)."""
        name = os.path.basename(path)
        return name.split(":2,", 1)[1] if ":2," in name else ""

    def folder(self, name):
        """File names in a folder (Maildir++: .Name), new and cur."""
        root = self.maildir if name == "INBOX" else os.path.join(
            self.maildir, "." + name)
        out = []
        for sub in ("new", "cur"):
            path = os.path.join(root, sub)
            if os.path.isdir(path):
                out += [os.path.join(path, n) for n in os.listdir(path)]
        return sorted(out)

    def start(self):
        log = os.path.join(self.dir, "stdout-%d.txt" % time.time())
        self.process = Process([DOVECOT, "-F", "-c", self.conf], log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.proc.poll() is not None:
                break
            try:
                with socket.create_connection((HOST, self.port), 1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        text = open(log).read()
        path = os.path.join(self.dir, "dovecot.log")
        if os.path.exists(path):
            text += open(path).read()
        raise RuntimeError("dovecot did not start: " + text[-3000:])

    def stop(self):
        if self.process is not None:
            self.process.stop()
            self.process = None

    def log(self):
        path = os.path.join(self.dir, "dovecot.log")
        return open(path).read() if os.path.exists(path) else ""

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
