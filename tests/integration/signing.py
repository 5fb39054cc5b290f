# SPDX-License-Identifier: MIT
"""Checks a signed fleet report the way docs/signing.md states it, with
Python's cryptography package: independent of the C code that signs and
verifies, so both sides are held to the document."""

import base64
import email
import email.policy

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PublicKey
from cryptography.hazmat.primitives import hashes

DOMAIN = b"printprobe-report-v1\n"


def read_public(path):
    """(key id, Ed25519PublicKey) from a FILE.pub line."""
    with open(path) as f:
        tag, key_id, b64 = f.read().split()
    if tag != "printprobe-ed25519-v1":
        raise AssertionError("%s: tag %r" % (path, tag))
    raw = base64.b64decode(b64, validate=True)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(raw)
    if digest.finalize()[:8].hex() != key_id:
        raise AssertionError("%s: key id %s is not its key's" % (path, key_id))
    return key_id, Ed25519PublicKey.from_public_bytes(raw)


def attachments(data):
    msg = email.message_from_bytes(data, policy=email.policy.default)
    files = {}
    for part in msg.walk():
        name = part.get_filename()
        if name:
            files[name] = part.get_payload(decode=True)
    return msg, files


def sig_fields(text):
    fields = {}
    for line in text.decode("ascii").splitlines():
        name, value = line.split(": ", 1)
        fields[name] = value
    return fields


def check_signed(data, pub_path):
    """Raises AssertionError unless the message's report.sig is a valid
    signature of its report.json under its own Message-ID by pub_path."""
    key_id, key = read_public(pub_path)
    msg, files = attachments(data)
    if "report.sig" not in files or "report.json" not in files:
        raise AssertionError("attachments %r" % sorted(files))
    fields = sig_fields(files["report.sig"])
    mid = str(msg["Message-ID"]).strip()
    want = {"Format": "printprobe-report-sig-v1", "Algorithm": "ed25519",
            "Key-Id": key_id, "Message-ID": mid}
    for name, value in want.items():
        if fields.get(name) != value:
            raise AssertionError("report.sig %s: %r, want %r" %
                                 (name, fields.get(name), value))
    signature = base64.b64decode(fields["Signature"], validate=True)
    signed = DOMAIN + mid.encode() + b"\n" + files["report.json"]
    try:
        key.verify(signature, signed)
    except InvalidSignature:
        raise AssertionError("signature of %s does not verify" % mid)


def public_line(private_key):
    """The FILE.pub line of an Ed25519PrivateKey, as docs/signing.md has
    it: tag, key id (SHA-256 of the key, first 8 bytes) and the key."""
    from cryptography.hazmat.primitives import serialization
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(raw)
    return "printprobe-ed25519-v1 %s %s\n" % (
        digest.finalize()[:8].hex(), base64.b64encode(raw).decode())


def signed_mail(private_key, message_id, date, report_json,
                sender="dss@customer.example", to="dss@vendor.example"):
    """A report mail signed as docs/signing.md says, built here rather
    than by write_dss: any report.json (bytes), Message-ID and Date (an
    aware datetime), for data no simulated printer gives."""
    import email.message
    import email.utils
    key_id = public_line(private_key).split()[1]
    signed = DOMAIN + message_id.encode() + b"\n" + report_json
    sig = ("Format: printprobe-report-sig-v1\nAlgorithm: ed25519\n"
           "Key-Id: %s\nMessage-ID: %s\nSignature: %s\n" % (
               key_id, message_id,
               base64.b64encode(private_key.sign(signed)).decode()))
    msg = email.message.EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = "printprobe fleet report"
    msg["Date"] = email.utils.format_datetime(date)
    msg["Message-ID"] = message_id
    msg.set_content("The fleet report is attached.\n")
    msg.add_attachment(report_json, maintype="application", subtype="json",
                       filename="report.json")
    msg.add_attachment(sig.encode("ascii"), maintype="text",
                       subtype="plain", filename="report.sig")
    return msg.as_bytes()
