#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds the demo's simulated fleet from the project's own fixtures.

    make_fleet.py --fixtures tests/fixtures --plan contrib/demo/fleet.txt \
                  --out DIR [--seed N]

For every line of the plan it copies tests/fixtures/TEMPLATE.snmprec to
DIR/data/NAME.snmprec (the community is NAME), giving each printer its own
name, serial, MAC and IP, its own supply levels and page counters that grow
(and levels that fall) while snmpsim serves it: snmpsim 0.4.5's numeric
variation module answers initial + rate * (seconds since snmpsimd started).
Printers with a `later=` option also get DIR/later/NAME.snmprec, the same
printer after an event (a jam, a door closed), which the demo swaps in while
snmpsim runs (snmpsim re-reads a data file whose mtime changed).

Each printer gets a free UDP port on 127.0.0.1 (one snmpsimd serves them
all), so every printer has its own address, as in a real fleet. Writes:
  DIR/data/*.snmprec        what snmpsimd serves
  DIR/later/*.snmprec       snapshots for mid-demo events
  DIR/targets.txt           printprobe target file (host:port community=NAME)
  DIR/collectd-printers.conf  one <Printer> block per printer
  DIR/fleet.json            the plan with ports, makers, serials, troubles
Nothing here reads the recordings of real printers in tests/corpus: only
tests/fixtures and overlays."""

import argparse
import json
import os
import random
import re
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HOST = "127.0.0.1"

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
IF_PHYS = "1.3.6.1.2.1.2.2.1.6."
IP_ADDR_TABLE = "1.3.6.1.2.1.4.20.1."
PRT_NAME = "1.3.6.1.2.1.43.5.1.1.16.1"
PRT_SERIAL = "1.3.6.1.2.1.43.5.1.1.17.1"
LIFE_COUNT = "1.3.6.1.2.1.43.10.2.1.4.1.1"
SUPPLY_CLASS = "1.3.6.1.2.1.43.11.1.1.4.1."
SUPPLY_UNIT = "1.3.6.1.2.1.43.11.1.1.7.1."
SUPPLY_MAX = "1.3.6.1.2.1.43.11.1.1.8.1."
SUPPLY_LEVEL = "1.3.6.1.2.1.43.11.1.1.9.1."
EPSON_MAC = "1.3.6.1.4.1.1248.1.1.3.1.1.5.0"
EPSON_ST2 = "1.3.6.1.4.1.1248.1.2.2.1.1.1.4.1"
EPSON_SERIAL = "1.3.6.1.4.1.1248.1.2.2.1.1.1.5.1"
EPSON_TABLE_LEVEL = "1.3.6.1.4.1.1248.1.2.2.28.1.1.2.1."
EPSON_TABLE_KIND = "1.3.6.1.4.1.1248.1.2.2.28.1.1.3.1."

MAKERS = {"11": "HP", "2435": "Brother", "1347": "Kyocera", "367": "Ricoh",
          "641": "Lexmark", "253": "Xerox", "1602": "Canon", "1248": "Epson"}


def oid_key(oid):
    return tuple(int(x) for x in oid.split("."))


def read_records(path):
    """[(oid, tag, value)] of an snmprec file, comments dropped."""
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            oid, tag, value = line.split("|", 2)
            records.append([oid, tag, value])
    return records


def apply_overlay(records, path):
    """Lines OID|TAG|VALUE replace or add; PREFIX|delete drops a subtree."""
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and l[0] != "#"]
    by_oid = {r[0]: r for r in records}
    for line in lines:
        parts = line.split("|", 2)
        if parts[1] == "delete":
            prefix = parts[0] + "."
            records[:] = [r for r in records if not r[0].startswith(prefix)]
            by_oid = {r[0]: r for r in records}
            continue
        oid, tag, value = parts
        if oid in by_oid:
            by_oid[oid][1:] = [tag, value]
        else:
            rec = [oid, tag, value]
            records.append(rec)
            by_oid[oid] = rec


def get(records, oid):
    for r in records:
        if r[0] == oid:
            return r
    return None


def rows(records, prefix):
    """{index: record} of a column."""
    return {r[0][len(prefix):]: r for r in records if r[0].startswith(prefix)}


# --- Epson's ST2 status record (plugins/epson_st2.c reads it) ---

ST2_MAGIC = b"BDC ST2\r\n"


def st2_fields(blob):
    """(prefix, [(type, bytes)], suffix) or None."""
    at = blob.find(ST2_MAGIC)
    if at < 0:
        return None
    body = at + len(ST2_MAGIC)
    length = blob[body] | blob[body + 1] << 8
    pos, end = body + 2, body + 2 + length
    fields = []
    while pos + 2 <= end:
        ftype, flen = blob[pos], blob[pos + 1]
        fields.append([ftype, bytearray(blob[pos + 2:pos + 2 + flen])])
        pos += 2 + flen
    return blob[:body], fields, blob[end:]


def st2_build(prefix, fields, suffix):
    body = b"".join(bytes([t, len(v)]) + bytes(v) for t, v in fields)
    return prefix + bytes([len(body) & 0xFF, len(body) >> 8]) + body + suffix


def rewrite_st2(rec, serial, ink_levels, box_full):
    """New serial, ink levels (list, None: keep) and box state in ST2."""
    parsed = st2_fields(bytes.fromhex(rec[2]))
    if parsed is None:
        return []
    prefix, fields, suffix = parsed
    levels = []
    for ftype, value in fields:
        if ftype == 0x40 and serial:
            value[:] = serial.encode()
        elif ftype == 0x0F and len(value) > 1:
            stride = value[0]
            for n, off in enumerate(range(1, len(value) - stride + 1, stride)):
                level = value[off + 2]
                if ink_levels is not None and level <= 100:
                    level = ink_levels[n % len(ink_levels)]
                    value[off + 2] = level
                levels.append(level)
        elif ftype == 0x37 and box_full and len(value) > 1:
            value[1] = 0x02  # box 1 full
    rec[2] = st2_build(prefix, fields, suffix).hex()
    return levels


# --- one printer ---

def free_udp_ports(n):
    socks, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((HOST, 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def parse_plan(path):
    plan = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            name, template, opts = line[0], line[1], line[2:]
            options = {}
            for o in opts:
                k, _, v = o.partition("=")
                options[k] = v or True
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", name):
                sys.exit("make_fleet: bad printer name %r" % name)
            plan.append({"name": name, "template": template,
                         "options": options})
    return plan


def new_serial(old, i):
    """Same shape as the template's serial, unique per printer."""
    if not old or old == "0":
        return old
    digits = "%04d" % (1000 + 37 * i)
    return old[:-4] + digits if len(old) > 6 else old + digits[-2:]


def vary(records, spec, i, rng, fixtures):
    """Makes a template into printer number i of the fleet. Returns facts."""
    name = spec["name"]
    opts = spec["options"]
    static = "static" in opts
    keep = "keep-levels" in opts or static
    facts = {"template": spec["template"]}

    old_name = (get(records, SYS_NAME) or [None, None, ""])[2]
    old_serial = ""
    for oid in (PRT_SERIAL, EPSON_SERIAL):
        r = get(records, oid)
        if r and r[1] == "4" and r[2] not in ("", "0"):
            old_serial = r[2]
            break
    st2 = get(records, EPSON_ST2)
    st2_serial = ""
    if st2 is not None:
        parsed = st2_fields(bytes.fromhex(st2[2]))
        for ftype, value in (parsed[1] if parsed else []):
            if ftype == 0x40:
                st2_serial = bytes(value).decode("ascii", "replace")
    serial = new_serial(old_serial or st2_serial, i)
    facts["serial"] = serial or None

    # Identity: name and serial wherever the template wrote them in clear.
    for r in records:
        if r[1] == "4":
            if old_name and old_name in r[2]:
                r[2] = r[2].replace(old_name, name)
            if old_serial and old_serial in r[2]:
                r[2] = r[2].replace(old_serial, serial)
    if get(records, SYS_NAME) and get(records, SYS_NAME)[1] == "4x":
        get(records, SYS_NAME)[1:] = ["4", name]

    # MAC (RFC 7042 documentation range) and IP (RFC 5737).
    mac = "00005e0053%02x" % (0x80 + i)
    ip = "192.0.2.%d" % (100 + i)
    for r in records:
        if r[0].startswith(IF_PHYS) and r[1] == "4x" and len(r[2]) == 12:
            r[2] = mac
        elif r[0] == EPSON_MAC:
            r[2] = mac
    facts["mac"] = ":".join(mac[k:k + 2] for k in range(0, 12, 2)) \
        if any(r[0].startswith(IF_PHYS) and r[2] == mac for r in records) \
        else None
    for r in records:
        if r[0].startswith(IP_ADDR_TABLE):
            m = re.search(r"\.192\.0\.2\.\d+$", r[0])
            if m:
                r[0] = r[0][:m.start()] + "." + ip
                if r[1] == "64":
                    r[2] = ip

    # Supply levels: each printer its own, falling while the demo runs.
    maxes = rows(records, SUPPLY_MAX)
    units = rows(records, SUPPLY_UNIT)
    levels = rows(records, SUPPLY_LEVEL)
    classes = rows(records, SUPPLY_CLASS)
    first = True
    facts["falling"] = []
    for idx in sorted(levels, key=int):
        rec = levels[idx]
        if rec[1] != "2":
            continue
        try:
            level, top = int(rec[2]), int(maxes[idx][2])
        except (KeyError, ValueError):
            continue
        percent_unit = units.get(idx) and units[idx][2] == "19"
        scale = 100 if percent_unit else top
        if level <= 0 or scale <= 0:
            continue
        lead = first and "level" in opts
        if not keep:
            receptacle = classes.get(idx) and classes[idx][2] == "4"
            if lead:
                pct = int(opts["level"])
            else:
                pct = rng.randint(45, 95) if receptacle else rng.randint(18, 97)
            level = max(1, round(pct * scale / 100))
            rec[2] = str(level)
        first = False
        if keep:
            continue
        # A few percent over a few minutes: visible on the chart.
        rate = rng.uniform(0.02, 0.05) * scale / 100
        if lead:
            rate = 0.06 * scale / 100
        rec[1:] = ["2:numeric", "initial=%d,rate=-%.4f,min=0" % (level, rate)]
        facts["falling"].append(idx)

    # Epson: inks and the box in ST2 and in the consumables table.
    if st2 is not None:
        inks = None
        if not keep:
            inks = [rng.randint(15, 95) for _ in range(8)]
        st2_levels = rewrite_st2(st2, serial if st2_serial else "", inks,
                                 opts.get("box") == "full")
        kinds = rows(records, EPSON_TABLE_KIND)
        table = rows(records, EPSON_TABLE_LEVEL)
        n_ink = 0
        for idx in sorted(table, key=int):
            kind = kinds.get(idx, [None, None, "1"])[2]
            if kind == "2":  # the maintenance box: space left
                if opts.get("box") == "full":
                    table[idx][2] = "0"
                elif not keep:
                    table[idx][2] = str(rng.randint(40, 90))
            elif n_ink < len(st2_levels):
                table[idx][2] = str(st2_levels[n_ink])
                n_ink += 1

    # Counters grow (pages per second), uptime ticks.
    up = get(records, SYS_UPTIME)
    if up is not None and up[1] == "67":
        up[1:] = ["67:numeric", "initial=%s,rate=100" % up[2]]
    life = get(records, LIFE_COUNT)
    facts["pages_per_s"] = 0
    if life is not None and life[1] in ("65", "2") and not static:
        rate = round(rng.uniform(0.3, 2.0), 2)
        life[1:] = [life[1] + ":numeric",
                    "initial=%s,rate=%s" % (life[2], rate)]
        facts["pages_per_s"] = rate

    oid = (get(records, SYS_OBJECT_ID) or [None, None, ""])[2]
    m = re.match(r"1\.3\.6\.1\.4\.1\.(\d+)", oid)
    facts["maker"] = MAKERS.get(m.group(1), "?") if m else "?"
    facts["ip_in_tables"] = ip
    return facts


def write_snmprec(path, name, template, records):
    records.sort(key=lambda r: oid_key(r[0]))
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("# printprobe demo printer %s, generated from "
                "tests/fixtures/%s.snmprec\n" % (name, template))
        for r in records:
            f.write("%s|%s|%s\n" % tuple(r))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--plan", default=os.path.join(HERE, "fleet.txt"))
    ap.add_argument("--overlays", default=os.path.join(HERE, "overlays"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--interval", type=int, default=10)
    args = ap.parse_args()

    plan = parse_plan(args.plan)
    for sub in ("data", "later"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    ports = free_udp_ports(len(plan))
    fleet = []
    for i, (spec, port) in enumerate(zip(plan, ports)):
        name = spec["name"]
        entry = {"name": name, "community": name, "port": port,
                 "address": "%s:%d" % (HOST, port),
                 "options": spec["options"]}
        if "off" in spec["options"]:
            entry.update(maker=None, trouble="switched off")
            fleet.append(entry)
            continue
        rng = random.Random("%d-%s" % (args.seed, name))
        src = os.path.join(args.fixtures, spec["template"] + ".snmprec")
        records = read_records(src)
        if "overlay" in spec["options"]:
            apply_overlay(records, os.path.join(
                args.overlays, spec["options"]["overlay"] + ".snmprec"))
        entry.update(vary(records, spec, i, rng, args.fixtures))
        later = spec["options"].get("later")
        if later:
            after = [list(r) for r in records]
            apply_overlay(after, os.path.join(args.overlays,
                                              later + ".snmprec"))
            write_snmprec(os.path.join(args.out, "later", name + ".snmprec"),
                          name, spec["template"] + " + " + later, after)
        write_snmprec(os.path.join(args.out, "data", name + ".snmprec"),
                      name, spec["template"], records)
        fleet.append(entry)

    with open(os.path.join(args.out, "targets.txt"), "w") as f:
        f.write("# the demo fleet: one simulated printer per port; the "
                "community names the recording\n")
        for e in fleet:
            f.write("%s community=%s\n" % (e["address"], e["community"]))
    with open(os.path.join(args.out, "collectd-printers.conf"), "w") as f:
        for e in fleet:
            f.write('  <Printer "%s">\n    Address "%s"\n    Version 2\n'
                    '    Community "%s"\n    Timeout 1\n    Retries 1\n'
                    '  </Printer>\n' % (e["name"], e["address"],
                                        e["community"]))
    with open(os.path.join(args.out, "fleet.json"), "w") as f:
        json.dump(fleet, f, indent=1)
    answering = [e for e in fleet if e.get("maker")]
    makers = sorted(set(e["maker"] for e in answering))
    print("fleet: %d printers (%d switched off), %d makers: %s" %
          (len(fleet), len(fleet) - len(answering), len(makers),
           ", ".join(makers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
