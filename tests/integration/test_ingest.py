#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The vendor's side end to end: a real collectd with write_dss signs and
mails fleet reports to the project's SMTP test server (smtp_server.py,
which delivers into a Maildir's new/), then `printprobe ingest --maildir`
verifies and stores them in SQLite, and moves them to cur/.

Then: a second run stores nothing again, a copy delivered again is
acknowledged and not stored twice; forged, unsigned, truncated, replayed,
oversized (50 MB), report-less and future-version mails are quarantined
with their reason and never stored; a database that is busy leaves every
message in new/ (exit 1) for the next run, which stores each once."""

import base64
import datetime
import email
import email.policy
import glob
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PrivateKey

import signing
from harness import Runner, binary
from imap_server import USER as IMAP_USER, WITHOUT_MOVE, Dovecot
from pg_server import Postgres
from test_write_dss import (PASSWORD, Env, SmtpServer, all_sent, dss_block,
                            dss_collectd, new_dirs, WRITE_DSS_SO)

SITE = "acme-druck"
REPORTS = 3


class Site:
    """One collectd run with a signing key and the mail it delivered: the
    Maildir the tests ingest, the key and the trusted-keys folder."""

    def __init__(self, env):
        self.tmp = tempfile.mkdtemp(prefix="pp-ingest-")
        self.key = os.path.join(self.tmp, "site.key")
        self.trusted = os.path.join(self.tmp, "trusted")
        self.certs = env.certs
        os.makedirs(self.trusted)
        server = SmtpServer(env.certs).start()
        dirs = new_dirs(self.tmp)
        d = dss_collectd(dss_block(server, env.certs, dirs,
                                   SigningKeyFile='"%s"' % self.key),
                         env.feed, plugins=("write_dss",))
        try:
            d.start()
            d.wait_for("%d reports sent" % REPORTS,
                       lambda: all_sent(dirs, server, REPORTS), 90)
            d.stop()
        finally:
            d.cleanup()
            server.stop()
        self.mails = {}
        for path in sorted(glob.glob(os.path.join(server.mail, "new", "*"))):
            with open(path, "rb") as f:
                self.mails[os.path.basename(path)] = f.read()
        server.cleanup()
        # The vendor registers the site's FILE.pub under the site's name.
        shutil.copy(self.key + ".pub", os.path.join(self.trusted,
                                                    SITE + ".pub"))

    def maildir(self, mails):
        """A fresh Maildir holding mails (name -> bytes) in new/."""
        root = tempfile.mkdtemp(prefix="Maildir-", dir=self.tmp)
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(root, sub))
        for name, data in mails.items():
            with open(os.path.join(root, "new", name), "wb") as f:
                f.write(data)
        return root

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def ingest(site, maildir, db):
    """Runs printprobe ingest; (exit status, stderr)."""
    proc = subprocess.run(
        [binary("printprobe"), "ingest", "--maildir", maildir, "--db", db,
         "--trusted-keys", site.trusted],
        capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stderr


def count(db, table):
    with sqlite3.connect(db) as con:
        return con.execute("SELECT COUNT(*) FROM %s" % table).fetchone()[0]


def names(maildir, sub):
    return sorted(os.listdir(os.path.join(maildir, sub)))


def expect(status, want, log):
    if status != want:
        raise AssertionError("exit status %s, want %s: %s" %
                             (status, want, log[-2000:]))


# --- the tests ----------------------------------------------------------

def test_store_once(site):
    maildir = site.maildir(site.mails)
    db = os.path.join(maildir, "vendor.db")
    status, log = ingest(site, maildir, db)
    expect(status, 0, log)
    if names(maildir, "new") or len(names(maildir, "cur")) != len(site.mails):
        raise AssertionError("new/ %r, cur/ %r" % (names(maildir, "new"),
                                                   names(maildir, "cur")))
    if not all(n.endswith(":2,S") for n in names(maildir, "cur")):
        raise AssertionError("not marked seen: %r" % names(maildir, "cur"))
    stored = count(db, "messages")
    if stored != len(site.mails) or log.count(": stored (site ") != stored:
        raise AssertionError("%d messages stored of %d: %s" %
                             (stored, len(site.mails), log))
    with sqlite3.connect(db) as con:
        sites = con.execute("SELECT name FROM sites").fetchall()
        serials = con.execute(
            "SELECT COUNT(DISTINCT serial) FROM printers WHERE serial IS NOT "
            "NULL").fetchone()[0]
        totals = con.execute(
            "SELECT COUNT(*) FROM counters WHERE name = 'total'").fetchone()[0]
        version = con.execute(
            "SELECT MAX(version) FROM schema_version").fetchone()[0]
    if sites != [(SITE,)] or serials != 3 or version != 2:
        raise AssertionError("sites %r, serials %d, schema %s" %
                             (sites, serials, version))
    # Three answering printers per report carry a page counter.
    if totals != 3 * stored:
        raise AssertionError("%d total counters for %d reports" %
                             (totals, stored))
    readings = count(db, "readings")

    # Again: nothing new.
    status, log = ingest(site, maildir, db)
    expect(status, 0, log)
    # Delivered once more (the same bytes, as after a sender's crash): known.
    for name, data in site.mails.items():
        with open(os.path.join(maildir, "new", name + ".again"), "wb") as f:
            f.write(data)
    status, log = ingest(site, maildir, db)
    expect(status, 0, log)
    if log.count("already stored, not stored again") != len(site.mails):
        raise AssertionError("copies not acknowledged: %s" % log)
    if count(db, "messages") != stored or count(db, "readings") != readings:
        raise AssertionError("a copy was stored twice")
    if names(maildir, "new"):
        raise AssertionError("copies left in new/")


def test_meters_csv(site):
    """printprobe meters over what ingest stored: one row per printer that
    answered, its pages per counter key of report.json, checked against
    the counters in the mails themselves."""
    import csv
    import datetime
    import io
    import json
    maildir = site.maildir(site.mails)
    db = os.path.join(maildir, "vendor.db")
    status, log = ingest(site, maildir, db)
    expect(status, 0, log)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    day = datetime.timedelta(days=1)
    proc = subprocess.run(
        [binary("printprobe"), "meters", "--db", db, "--from",
         str(today - day), "--to", str(today + day), "--site", SITE],
        capture_output=True, text=True, timeout=60)
    expect(proc.returncode, 0, proc.stderr)
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    # The expectation, from the mails: total per serial, first and last.
    seen = {}
    for data in sorted(site.mails.values(), key=lambda d: str(
            signing.attachments(d)[0]["Date"])):
        report = json.loads(signing.attachments(data)[1]["report.json"])
        for p in report["printers"]:
            total = (p.get("counters") or {}).get("total")
            if p.get("serial") and total is not None:
                seen.setdefault(p["serial"], []).append(total)
    if len(seen) < 2:
        raise AssertionError("the mails carry too few counters: %r" % seen)
    got = {r["serial"]: r for r in rows if r["serial"]}
    if sorted(got) != sorted(seen):
        raise AssertionError("serials %r, want %r: %s" %
                             (sorted(got), sorted(seen), proc.stdout))
    for serial, totals in seen.items():
        r = got[serial]
        want = (str(totals[0]), str(totals[-1]), str(totals[-1] - totals[0]))
        if (r["total_first"], r["total_last"], r["total"]) != want:
            raise AssertionError("%s: %r, want %r" % (serial, r, want))
        if r["site"] != SITE or r["went_backwards"]:
            raise AssertionError("%s: %r" % (serial, r))
    # Another site, or a period before any report: the header alone.
    for argv in (["--site", "nobody"], ["--from", "2001-01-01", "--to",
                                        "2001-01-31"]):
        base = ["--db", db, "--from", str(today - day), "--to",
                str(today + day)]
        proc = subprocess.run([binary("printprobe"), "meters"] + base + argv,
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != 0 or len(proc.stdout.splitlines()) != 1:
            raise AssertionError("%r: %d %r" % (argv, proc.returncode,
                                                proc.stdout))
    missing = os.path.join(maildir, "no-such.db")
    proc = subprocess.run([binary("printprobe"), "meters", "--db", missing,
                           "--from", "2026-03-01", "--to", "2026-03-01"],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 1 or os.path.exists(missing):
        raise AssertionError("a missing database: %d %r" %
                             (proc.returncode, proc.stderr))
    proc = subprocess.run([binary("printprobe"), "meters", "--db", db,
                           "--from", "2026-02-30", "--to", "2026-03-01"],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 2 or "not a day" not in proc.stderr:
        raise AssertionError("a day that does not exist: %d %r" %
                             (proc.returncode, proc.stderr))


def signing_key(site):
    with open(site.key) as f:
        seed = base64.b64decode(f.read().split()[1])
    return Ed25519PrivateKey.from_private_bytes(seed)


def with_attachment(data, name, content, sig_for=None, key=None):
    """The message with attachment `name` replaced; with key, report.sig
    is made again for the new report.json (a properly signed report the
    agent does not make)."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    mid = str(msg["Message-ID"]).strip()
    for part in msg.walk():
        if part.get_filename() == name:
            part.set_content(content, maintype="application", subtype="json",
                             filename=name)
        if key is not None and part.get_filename() == "report.sig":
            signed = signing.DOMAIN + mid.encode() + b"\n" + content
            fields = signing.sig_fields(part.get_payload(decode=True))
            fields["Signature"] = base64.b64encode(key.sign(signed)).decode()
            text = "".join("%s: %s\n" % kv for kv in fields.items())
            part.set_content(text.encode(), maintype="text", subtype="plain",
                             filename="report.sig")
    return msg.as_bytes()


def without_attachment(data, name):
    msg = email.message_from_bytes(data, policy=email.policy.default)
    parts = [p for p in msg.iter_parts() if p.get_filename() != name]
    msg.set_payload(parts)
    return msg.as_bytes()


def signed_copy(data, key, mid):
    """The report as another message: a new Message-ID and report.sig
    made for it with the site's key (as the site would sign it)."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    msg.replace_header("Message-ID", mid)
    _, files = signing.attachments(data)
    signed = signing.DOMAIN + mid.encode() + b"\n" + files["report.json"]
    for part in msg.walk():
        if part.get_filename() == "report.sig":
            fields = signing.sig_fields(part.get_payload(decode=True))
            fields["Message-ID"] = mid
            fields["Signature"] = base64.b64encode(key.sign(signed)).decode()
            text = "".join("%s: %s\n" % kv for kv in fields.items())
            part.set_content(text.encode(), maintype="text", subtype="plain",
                             filename="report.sig")
    return msg.as_bytes()


def test_killed_mid_run(site):
    """ingest killed (SIGKILL) in the middle of a batch: the next run
    stores every report once, none half (a transaction per message), and
    leaves nothing in new/."""
    key = signing_key(site)
    data = next(iter(site.mails.values()))
    mails = {"%04d.copy" % i: signed_copy(data, key, "<copy-%d@site>" % i)
             for i in range(300)}
    maildir = site.maildir(mails)
    db = os.path.join(maildir, "vendor.db")
    proc = subprocess.Popen(
        [binary("printprobe"), "ingest", "--maildir", maildir, "--db", db,
         "--trusted-keys", site.trusted], stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and len(names(maildir, "cur")) < 20:
            time.sleep(0.01)
    finally:
        proc.kill()
        proc.wait(10)
    moved = len(names(maildir, "cur"))
    if not 0 < moved < len(mails):
        raise AssertionError("killed after %d of %d: no middle to test" %
                             (moved, len(mails)))
    status, log = ingest(site, maildir, db)
    expect(status, 0, log)
    printers = len(json.loads(signing.attachments(data)[1]["report.json"])
                   ["printers"])
    with sqlite3.connect(db) as con:
        per_message = con.execute(
            "SELECT COUNT(*) FROM messages m WHERE (SELECT COUNT(*) FROM "
            "readings r WHERE r.message_id = m.message_id) != ?",
            (printers,)).fetchone()[0]
    if count(db, "messages") != len(mails) or per_message or \
            count(db, "readings") != len(mails) * printers or \
            names(maildir, "new"):
        raise AssertionError("after the kill at %d: %d messages, %d "
                             "readings, %d incomplete, new/ %d" % (
                                 moved, count(db, "messages"),
                                 count(db, "readings"), per_message,
                                 len(names(maildir, "new"))))


def truncated_report(data):
    """The message with the base64 of report.json cut in half, the rest
    intact: an attachment truncated on the way."""
    start = data.index(b"\r\n\r\n", data.index(b'filename="report.json"'))
    end = data.index(b"\r\n--", start + 4)
    cut = start + 4 + ((end - start - 4) // 2 // 78) * 78
    return data[:cut] + data[end:]


def bad_mails(site):
    """name -> (bytes, words the reason must hold)."""
    data = next(iter(site.mails.values()))
    _, files = signing.attachments(data)
    report = files["report.json"]
    future = report.replace(b'{"printers"', b'{"version":2,"printers"', 1)
    big = (b"From: a@customer.example\r\nMessage-ID: <big@x>\r\n\r\n" +
           b"x" * (50 * 1024 * 1024) + b"\r\n")
    return {
        "1.forged": (with_attachment(data, "report.json",
                                     report.replace(b"XRX", b"YRX")),
                     "does not verify"),
        "2.unsigned": (without_attachment(data, "report.sig"), "unsigned"),
        "3.truncated": (data[:len(data) * 2 // 3], "unsigned"),
        "3b.truncated-report": (truncated_report(data), "does not verify"),
        "4.replayed": (data.replace(b"Message-ID: <", b"Message-ID: <x", 1),
                       "another message"),
        "5.big": (big, "larger than any report"),
        "6.noreport": (b"From: a@customer.example\r\nMessage-ID: <n@x>\r\n"
                       b"Subject: hello\r\n\r\njust text\r\n",
                       "no report.json"),
        "7.future": (with_attachment(data, "report.json", future,
                                     key=signing_key(site)),
                     "version 2 is unknown"),
    }


def test_bad_mails_quarantined(site):
    mails = bad_mails(site)
    maildir = site.maildir({n: m[0] for n, m in mails.items()})
    db = os.path.join(maildir, "vendor.db")
    status, log = ingest(site, maildir, db)
    expect(status, 0, log)
    problems = []
    for name, (_, why) in mails.items():
        reason_path = os.path.join(maildir, ".Quarantine", "reasons", name)
        if not os.path.exists(os.path.join(maildir, ".Quarantine", "cur",
                                           name + ":2,")):
            problems.append("%s not quarantined" % name)
        elif why not in open(reason_path).read():
            problems.append("%s: reason %r lacks %r" %
                            (name, open(reason_path).read(), why))
        line = [x for x in log.splitlines() if "new/" + name + " " in x]
        if not line or "QUARANTINED" not in line[0]:
            problems.append("%s: no log line naming it" % name)
    if count(db, "messages") or count(db, "readings"):
        problems.append("a bad mail was stored")
    if names(maildir, "new") or names(maildir, "cur"):
        problems.append("left: %r %r" % (names(maildir, "new"),
                                         names(maildir, "cur")))
    if problems:
        raise AssertionError("; ".join(problems) + "\n" + log)


def test_database_busy_then_back(site):
    """Another writer holds the database: nothing is stored or moved, exit
    1; once it lets go, each report is stored once."""
    maildir = site.maildir(site.mails)
    db = os.path.join(maildir, "vendor.db")
    status, log = ingest(site, maildir, db)  # makes the schema
    expect(status, 0, log)
    maildir2 = site.maildir(site.mails)
    with open(os.path.join(maildir2, "new", "x.bad"), "wb") as f:
        f.write(b"From: a@b\r\nMessage-ID: <bad@x>\r\n\r\nno report\r\n")
    db2 = os.path.join(maildir2, "vendor.db")
    shutil.copy(db, db2)
    con = sqlite3.connect(db2, isolation_level=None)
    try:
        con.execute("BEGIN EXCLUSIVE")
        status, log = ingest(site, maildir2, db2)
        expect(status, 1, log)
        if len(names(maildir2, "new")) != len(site.mails) + 1:
            raise AssertionError("moved while the database was busy: %r" %
                                 names(maildir2, "new"))
        if "not stored now" not in log and "nothing moved" not in log:
            raise AssertionError("no log line says why: %s" % log)
    finally:
        con.rollback() if con.in_transaction else None
        con.close()
    status, log = ingest(site, maildir2, db2)
    expect(status, 0, log)
    if count(db2, "messages") != len(site.mails) or names(maildir2, "new"):
        raise AssertionError("after the database came back: %d stored, "
                             "new/ %r" % (count(db2, "messages"),
                                          names(maildir2, "new")))


def meters_csv(db, *extra):
    today = datetime.datetime.now(datetime.timezone.utc).date()
    day = datetime.timedelta(days=1)
    proc = subprocess.run(
        [binary("printprobe"), "meters", "--db", db, "--from",
         str(today - day), "--to", str(today + day)] + list(extra),
        capture_output=True, text=True, timeout=60)
    expect(proc.returncode, 0, proc.stderr)
    return proc.stdout


def test_postgresql(site):
    """The same mails into a real PostgreSQL server: stored once, the
    schema at version 2, the meter CSV byte for byte SQLite's. With the
    server down nothing moves (exit 1); back up, each mail is handled."""
    pg = Postgres().start()
    try:
        maildir = site.maildir(site.mails)
        status, log = ingest(site, maildir, pg.url)
        expect(status, 0, log)
        stored = int(pg.query("SELECT COUNT(*) FROM messages"))
        readings = int(pg.query("SELECT COUNT(*) FROM readings"))
        version = pg.query("SELECT MAX(version) FROM schema_version")
        if stored != len(site.mails) or version != "2" or not readings:
            raise AssertionError("%d stored, schema %s: %s" %
                                 (stored, version, log))
        lite = site.maildir(site.mails)
        lite_db = os.path.join(lite, "vendor.db")
        expect(*ingest(site, lite, lite_db)[:1], 0, "")
        for extra in ((), ("--site", SITE), ("--site", "nobody")):
            if meters_csv(pg.url, *extra) != meters_csv(lite_db, *extra):
                raise AssertionError("meters %r differ:\n%s\n%s" % (
                    extra, meters_csv(pg.url, *extra),
                    meters_csv(lite_db, *extra)))
        if len(meters_csv(pg.url, "--site", SITE).splitlines()) < 4:
            raise AssertionError("meters of the site: %s" %
                                 meters_csv(pg.url, "--site", SITE))

        again = site.maildir(site.mails)
        pg.stop()
        status, log = ingest(site, again, pg.url)
        expect(status, 1, log)
        if len(names(again, "new")) != len(site.mails) or \
                "cannot connect" not in log or "pp@" in log:
            raise AssertionError("with the server down: new/ %r, %s" %
                                 (names(again, "new"), log))
        pg.start()
        status, log = ingest(site, again, pg.url)
        expect(status, 0, log)
        if names(again, "new") or \
                int(pg.query("SELECT COUNT(*) FROM messages")) != stored or \
                int(pg.query("SELECT COUNT(*) FROM readings")) != readings:
            raise AssertionError("stored twice or left: %s" % log)
    finally:
        pg.cleanup()


def ingest_imap(site, server, db, password_file=None):
    proc = subprocess.run(
        [binary("printprobe"), "ingest", "--imap", server.url, "--imap-user",
         IMAP_USER, "--imap-password-file",
         password_file or site.certs["password"], "--imap-ca-file",
         site.certs["ca"], "--db", db, "--trusted-keys", site.trusted],
        capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stderr


def test_imap(site):
    """A real dovecot with STARTTLS: each report fetched by UID, stored
    once and moved (UID MOVE: dovecot offers it) to Stored, bad ones (the
    50 MB one unread, by its size) moved to Quarantine next to a note with
    the reason; a second run and a copy store nothing again; with the
    server down or the password wrong nothing moves (exit 1)."""
    server = Dovecot(site.certs, PASSWORD).start()
    try:
        bad = bad_mails(site)
        for name, data in site.mails.items():
            server.deliver(name, data)
        for name in ("1.forged", "2.unsigned", "5.big"):
            server.deliver(name, bad[name][0])
        db = os.path.join(site.tmp, "imap.db")
        status, log = ingest_imap(site, server, db)
        expect(status, 0, log)
        stored = count(db, "messages")
        quarantine = server.folder("Quarantine")
        notes = [p for p in quarantine
                 if b"printprobe quarantine" in open(p, "rb").read()]
        if stored != len(site.mails) or server.folder("INBOX") or \
                len(server.folder("Stored")) != stored or \
                len(quarantine) != 6 or len(notes) != 3 or \
                log.count("QUARANTINED") != 3 or \
                "(not read): QUARANTINED: message of" not in log:
            raise AssertionError("stored %d, INBOX %d, Stored %d, "
                                 "Quarantine %d (%d notes): %s" % (
                                     stored, len(server.folder("INBOX")),
                                     len(server.folder("Stored")),
                                     len(quarantine), len(notes), log))
        if not any(b"does not verify" in open(p, "rb").read()
                   for p in notes):
            raise AssertionError("no note gives the reason")
        # dovecot offers MOVE: nothing was copied and flagged instead.
        if logout_counts(server, "deleted"):
            raise AssertionError("flagged \\Deleted rather than moved: %s"
                                 % server.log()[-2000:])
        status, log = ingest_imap(site, server, db)
        expect(status, 0, log)
        # A copy delivered again, then the server goes away.
        name, data = next(iter(site.mails.items()))
        server.deliver(name + ".again", data)
        server.stop()
        status, log = ingest_imap(site, server, db)
        expect(status, 1, log)
        if len(server.folder("INBOX")) != 1 or "cannot list" not in log:
            raise AssertionError("with the server down: %s" % log)
        server.start()
        wrong = os.path.join(site.tmp, "wrong-password")
        with open(wrong, "w") as f:
            f.write("not-the-password\n")
        os.chmod(wrong, 0o600)
        status, log = ingest_imap(site, server, db, wrong)
        expect(status, 1, log)
        if len(server.folder("INBOX")) != 1:
            raise AssertionError("moved with a wrong password: %s" % log)
        status, log = ingest_imap(site, server, db)
        expect(status, 0, log)
        if "already stored" not in log or server.folder("INBOX") or \
                count(db, "messages") != stored:
            raise AssertionError("the copy: %s" % log)
    finally:
        server.cleanup()


def logout_counts(server, name):
    """The sum of a counter (deleted=, expunged=) over dovecot's logout
    lines: what the IMAP sessions did, whatever their commands."""
    return sum(int(n) for n in re.findall(r"\b%s=(\d+)" % name,
                                          server.log()))


def test_imap_without_move(site):
    """dovecot announcing no MOVE (RFC 6851): each handled message is
    copied to its folder and flagged \\Deleted (dovecot's logout lines
    count the flags; MOVE sets none), then expunged by UID when UIDPLUS is
    there, else left flagged: a second run stores nothing and copies
    nothing again."""
    for capability, expunged in (
            (WITHOUT_MOVE, True),
            (WITHOUT_MOVE.replace(" UIDPLUS", ""), False)):
        server = Dovecot(site.certs, PASSWORD, capability).start()
        try:
            for name, data in site.mails.items():
                server.deliver(name, data)
            server.deliver("1.forged", bad_mails(site)["1.forged"][0])
            handled = len(site.mails) + 1
            db = os.path.join(server.dir, "imap.db")
            status, log = ingest_imap(site, server, db)
            expect(status, 0, log)
            inbox = server.folder("INBOX")
            flagged = [p for p in inbox if "T" in server.flags(p)]
            problems = []
            if count(db, "messages") != len(site.mails) or \
                    len(server.folder("Stored")) != len(site.mails) or \
                    len(server.folder("Quarantine")) != 2:
                problems.append("stored %d, Stored %d, Quarantine %d" % (
                    count(db, "messages"), len(server.folder("Stored")),
                    len(server.folder("Quarantine"))))
            if logout_counts(server, "deleted") != handled:
                problems.append("%d messages flagged \\Deleted, want %d" % (
                    logout_counts(server, "deleted"), handled))
            want_inbox = 0 if expunged else handled
            if len(inbox) != want_inbox or len(flagged) != want_inbox:
                problems.append("INBOX %d (%d flagged), want %d" % (
                    len(inbox), len(flagged), want_inbox))
            status, again = ingest_imap(site, server, db)
            expect(status, 0, again)
            if ": stored (" in again or "already stored, not" in again or \
                    "QUARANTINED" in again or \
                    count(db, "messages") != len(site.mails) or \
                    len(server.folder("Stored")) != len(site.mails):
                problems.append("the second run: %s" % again)
            if problems:
                raise AssertionError("%s: %s\n%s" % (
                    "UIDPLUS" if expunged else "no UIDPLUS",
                    "; ".join(problems), log))
        finally:
            server.cleanup()


def test_usage_errors(site):
    maildir = site.maildir({})
    for argv, why in (
            (["--maildir", maildir, "--db", "x.db"], "--trusted-keys"),
            (["--maildir", os.path.join(maildir, "nope"), "--db", "x.db",
              "--trusted-keys", site.trusted], "not a Maildir"),
            (["--maildir", maildir, "--db", "x.db", "--trusted-keys",
              maildir], "no SITE.pub")):
        proc = subprocess.run([binary("printprobe"), "ingest"] + argv,
                              capture_output=True, text=True, timeout=60,
                              cwd=site.tmp)
        if proc.returncode != 2 or why not in proc.stderr:
            raise AssertionError("%r: status %d, %r" % (argv, proc.returncode,
                                                        proc.stderr))


def main():
    if not os.path.exists(WRITE_DSS_SO):
        print("%s is not built: run make all" % WRITE_DSS_SO)
        return 1
    runner = Runner("ingest")
    env = Env()
    site = None
    try:
        site = Site(env)
        tests = [test_store_once, test_bad_mails_quarantined,
                 test_database_busy_then_back, test_meters_csv,
                 test_killed_mid_run, test_postgresql, test_imap,
                 test_imap_without_move, test_usage_errors]
        only = sys.argv[1:]
        for t in tests:
            if only and t.__name__ not in only:
                continue
            # dovecot's login processes switch users: it starts as root.
            if t in (test_imap, test_imap_without_move):
                runner.run_as_root("run dovecot", t.__name__, t, site)
            else:
                runner.run(t.__name__, t, site)
    finally:
        if site is not None:
            site.cleanup()
        env.cleanup()
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
