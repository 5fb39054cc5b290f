/* SPDX-License-Identifier: MIT */
/* Tests for the Epson profile (plugins/epson.c): raw values built by hand
 * from inline snmprec text plus an ST2 record, decoded the way a poll does
 * (pp_decode_standard, then the profile), and the data model checked.
 *
 * Covered: the two real ST2 records of docs/epson.md (XP-540 waste-ink pads
 * full, WF-7515 fatal error), an EcoTank without ink sensors, a business inkjet
 * with the consumables table, an AcuLaser page printer (standard decoding
 * untouched), warnings, unknown error codes, special level bytes, the
 * request lists against the forbidden subtree, and the privacy promise: a
 * job name in ST2 field 0x19 reaches no byte of the model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "epson_st2.h"
#include "pp_decode.h"
#include "pp_model.h"
#include "pp_varset.h"
#include "profiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ST2_OID "1.3.6.1.4.1.1248.1.2.2.1.1.1.4.1"
#define FORBIDDEN "1.3.6.1.4.1.1248.1.2.2.44"
#define JOB_NAME "JOBNAME-SECRET-4711"
#define UNKNOWN_FIELD "UNKNOWN-FIELD-BYTES"

/* ---- the real records (docs/epson.md) ---------------------------------- */

#include "st2_vectors.h"

/* ---- building records --------------------------------------------------- */

struct rec {
  uint8_t b[1024];
  size_t len;
};

static void rec_raw(struct rec *r, const void *data, size_t n) {
  assert_true(n <= sizeof r->b - r->len);
  memcpy(r->b + r->len, data, n);
  r->len += n;
}

static void rec_start(struct rec *r) {
  r->len = 0;
  rec_raw(r, "@BDC ST2\r\n\0\0", 12);
}

static void rec_field(struct rec *r, uint8_t type, const void *v, size_t n) {
  assert_true(n <= 255);
  uint8_t tl[2] = {type, (uint8_t)n};
  rec_raw(r, tl, 2);
  if (n > 0)
    rec_raw(r, v, n);
}

#define FIELD(r, type, ...)                                                    \
  rec_field((r), (type), (const uint8_t[]){__VA_ARGS__},                       \
            sizeof((const uint8_t[]){__VA_ARGS__}))

/* The length field counts what follows it. */
static void rec_end(struct rec *r) {
  size_t n = r->len - 12;
  r->b[10] = (uint8_t)(n & 0xFF);
  r->b[11] = (uint8_t)(n >> 8);
}

/* ---- the Printer-MIB side, as snmprec text ----------------------------- */

#define SUPPLY(i, cls, type, descr, unit, max, level)                          \
  "1.3.6.1.2.1.43.11.1.1.4.1." #i "|2|" #cls "\n"                              \
  "1.3.6.1.2.1.43.11.1.1.5.1." #i "|2|" #type "\n"                             \
  "1.3.6.1.2.1.43.11.1.1.6.1." #i "|4|" descr "\n"                             \
  "1.3.6.1.2.1.43.11.1.1.7.1." #i "|2|" #unit "\n"                             \
  "1.3.6.1.2.1.43.11.1.1.8.1." #i "|2|" #max "\n"                              \
  "1.3.6.1.2.1.43.11.1.1.9.1." #i "|2|" #level "\n"

#define CONSUMABLE(col, row, tag, value)                                       \
  "1.3.6.1.4.1.1248.1.2.2.28.1.1." #col ".1." #row "|" tag "|" value "\n"

/* An inkjet as Epson's print server gives it: sysObjectID and sysDescr
 * name the print server, no hrPrinterStatus, no serial, no alerts. */
static const char inkjet_base[] =
    "1.3.6.1.2.1.1.1.0|4|EPSON Built-in 10Base-T/100Base-TX Print Server\n"
    "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.1248.1.1.2.1.3.5.69.69.80.83.50\n"
    "1.3.6.1.2.1.1.3.0|67|360000\n"
    "1.3.6.1.2.1.1.5.0|4|EPSON-TEST\n"
    "1.3.6.1.2.1.2.2.1.6.1|4x|00005e005340\n"
    "1.3.6.1.2.1.25.3.2.1.2.1|6|1.3.6.1.2.1.25.3.1.5\n"
    "1.3.6.1.2.1.25.3.2.1.3.1|4|EPSON Test Series\n"
    "1.3.6.1.2.1.25.3.2.1.5.1|2|2\n"
    "1.3.6.1.2.1.25.3.5.1.2.1|4x|00\n"
    "1.3.6.1.2.1.43.10.2.1.3.1.1|2|7\n"
    "1.3.6.1.2.1.43.10.2.1.4.1.1|65|4711\n";

/* XP-540-like thin Printer-MIB: five cartridges, all -3. */
/* clang-format off */
static const char xp540_mib_inks[] =
    SUPPLY(1, 3, 6, "Photo Black Ink Cartridge", 19, 100, -3)
    SUPPLY(2, 3, 6, "Cyan Ink Cartridge", 19, 100, -3)
    SUPPLY(3, 3, 6, "Yellow Ink Cartridge", 19, 100, -3)
    SUPPLY(4, 3, 6, "Magenta Ink Cartridge", 19, 100, -3)
    SUPPLY(5, 3, 6, "Black Ink Cartridge", 19, 100, -3);
/* clang-format on */

/* WF-C5790-like consumables table: four inks, names as hex octets in
 * column 5, the box named in column 18 with 62 % space left. */
/* clang-format off */
static const char business_table[] =
    CONSUMABLE(2, 1, "2", "28")
    CONSUMABLE(2, 2, "2", "17")
    CONSUMABLE(2, 3, "2", "14")
    CONSUMABLE(2, 4, "2", "18")
    CONSUMABLE(2, 5, "2", "62")
    /* "Black Ink Supply Unit T9451" */
    CONSUMABLE(5, 1, "4x",
               "426c61636b20496e6b20537570706c7920556e6974205439343531")
    /* "Cyan Ink Supply Unit T9452" */
    CONSUMABLE(5, 2, "4x",
               "4379616e20496e6b20537570706c7920556e6974205439343532")
    /* "Magenta Ink Supply Unit T9453" */
    CONSUMABLE(5, 3, "4x",
               "4d6167656e746120496e6b20537570706c7920556e6974205439343533")
    /* "Yellow Ink Supply Unit T9454" */
    CONSUMABLE(5, 4, "4x",
               "59656c6c6f7720496e6b20537570706c7920556e6974205439343534")
    CONSUMABLE(18, 5, "4", "Maintenance Cartridge T6716");
/* clang-format on */

/* ---- decoding ----------------------------------------------------------- */

static void load(struct pp_varset *set, const char *text) {
  size_t bad = 0;
  int rc = pp_varset_load_snmprec(set, text, &bad);
  if (rc != 0)
    fail_msg("snmprec line %zu rejected", bad);
}

/* Decodes the snmprec parts (NULL-terminated) plus an optional ST2 record
 * the way a poll does: standard decoding, then the Epson profile. */
static void decode(struct pp_printer *p, const uint8_t *st2, size_t st2_len,
                   const char *const *parts) {
  struct pp_varset set;
  pp_varset_init(&set);
  for (size_t i = 0; parts[i] != NULL; i++)
    load(&set, parts[i]);
  if (st2 != NULL) {
    struct pp_oid oid;
    assert_int_equal(pp_oid_parse(&oid, ST2_OID), 0);
    assert_int_equal(pp_varset_add_bytes(&set, &oid, PP_V_OCTETS, st2, st2_len),
                     0);
  }
  pp_printer_init(p, "192.0.2.40");
  p->reachable = true;
  assert_int_equal(pp_decode_standard(&set, p), 0);
  assert_int_equal(pp_profile_epson.decode(&set, p), 0);
  pp_varset_free(&set);
}

#define PARTS(...) ((const char *const[]){__VA_ARGS__, NULL})

static size_t count_receptacles(const struct pp_printer *p) {
  size_t n = 0;
  for (size_t i = 0; i < p->supply_count; i++)
    n += p->supplies[i].receptacle;
  return n;
}

static const struct pp_supply *supply_named(const struct pp_printer *p,
                                            const char *description) {
  for (size_t i = 0; i < p->supply_count; i++) {
    if (strcmp(p->supplies[i].description, description) == 0)
      return &p->supplies[i];
  }
  fail_msg("no supply \"%s\"", description);
  return NULL;
}

static void assert_ink_percent(const struct pp_supply *s, const char *colour,
                               int percent, enum pp_supply_state state) {
  assert_string_equal(s->colour, colour);
  assert_int_equal(s->type, 5);
  assert_false(s->receptacle);
  assert_int_equal(s->unit, 19);
  assert_int_equal(s->percent, percent);
  assert_int_equal(s->level, percent);
  assert_int_equal(s->max, 100);
  assert_int_equal(s->state, state);
}

/* A special level byte: no percent, no level, no max. */
static void assert_ink_unread(const struct pp_supply *s,
                              enum pp_supply_state state) {
  assert_int_equal(s->type, 5);
  assert_false(s->receptacle);
  assert_int_equal(s->percent, PP_NO_PERCENT);
  assert_true(s->level == PP_UNKNOWN);
  assert_true(s->max == PP_UNKNOWN);
  assert_int_equal(s->state, state);
}

static void assert_box(const struct pp_supply *s, int percent,
                       enum pp_supply_state state) {
  assert_int_equal(s->type, 8);
  assert_true(s->receptacle);
  assert_int_equal(s->percent, percent);
  assert_int_equal(s->state, state);
}

static void assert_alert(const struct pp_alert *a, int severity, int code,
                         const char *description) {
  assert_int_equal(a->severity, severity);
  assert_string_equal(a->group, "epson");
  assert_int_equal(a->code, code);
  assert_string_equal(a->description, description);
}

static bool has_error(const struct pp_printer *p, enum pp_error_bit bit) {
  return (p->status.errors & (1u << bit)) != 0;
}

/* ---- XP-540 ------------------------------------------------------------- */

static void test_xp540_waste_ink_pads_full(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, xp540, sizeof xp540, PARTS(inkjet_base, xp540_mib_inks));

  assert_string_equal(p.manufacturer, "Epson");
  assert_string_equal(p.model, "EPSON Test Series");
  assert_string_equal(p.serial, "X2EA064777"); /* no MIB serial: ST2's */

  /* hrPrinterStatus missing: ST2's "error" is other(1); 0x10 needs a
   * technician, so the running device is down and service is requested. */
  assert_int_equal(p.status.printer, 1);
  assert_int_equal(p.status.device, 5);
  assert_true(has_error(&p, PP_ERR_SERVICE_REQUESTED));
  assert_false(p.status.asleep);

  assert_int_equal(p.alert_count, 1);
  assert_alert(&p.alerts[0], PP_ALERT_CRITICAL, 0x10,
               "waste-ink pads full - service required");

  /* Five inks, all 0x69: unknown, never 0 or 100; the MIB's descriptions
   * kept by colour, the photo black cartridge (0x0B) on the photo row. */
  assert_int_equal(p.supply_count, 7);
  static const char *const names[] = {
      "Photo Black Ink Cartridge", "Cyan Ink Cartridge", "Yellow Ink Cartridge",
      "Magenta Ink Cartridge", "Black Ink Cartridge"};
  static const char *const colours[] = {"photo-black", "cyan", "yellow",
                                        "magenta", "black"};
  for (size_t i = 0; i < 5; i++) {
    assert_string_equal(p.supplies[i].description, names[i]);
    assert_string_equal(p.supplies[i].colour, colours[i]);
    assert_int_equal(p.supplies[i].unit, 19);
    assert_ink_unread(&p.supplies[i], PP_SUPPLY_UNKNOWN);
  }
  /* Two boxes from 0x37 (2 bytes each): full, then ok; no reading. */
  assert_int_equal(count_receptacles(&p), 2);
  assert_string_equal(p.supplies[5].description, "Maintenance box 1");
  assert_box(&p.supplies[5], PP_NO_PERCENT, PP_SUPPLY_FULL);
  assert_string_equal(p.supplies[6].description, "Maintenance box 2");
  assert_box(&p.supplies[6], PP_NO_PERCENT, PP_SUPPLY_OK);
  pp_printer_clear(&p);
}

/* Without Printer-MIB rows the descriptions come from the cartridge ids. */
static void test_xp540_without_mib_supplies(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, xp540, sizeof xp540, PARTS(inkjet_base));
  assert_int_equal(p.supply_count, 7);
  assert_string_equal(p.supplies[0].description, "Photo/matte black ink");
  assert_string_equal(p.supplies[0].colour, "black");
  assert_string_equal(p.supplies[1].description, "Cyan ink");
  assert_string_equal(p.supplies[4].description, "Black ink");
  assert_string_equal(p.supplies[4].colour, "black");
  pp_printer_clear(&p);
}

/* A MIB serial stays: ST2's is only the fallback. */
static void test_mib_serial_wins(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, xp540, sizeof xp540,
         PARTS(inkjet_base, "1.3.6.1.2.1.43.5.1.1.17.1|4|MIBSERIAL1\n"));
  assert_string_equal(p.serial, "MIBSERIAL1");
  pp_printer_clear(&p);
}

/* ---- WF-7515 ------------------------------------------------------------ */

static void test_wf7515_fatal_error(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, wf7515, sizeof wf7515, PARTS(inkjet_base));

  assert_int_equal(p.alert_count, 1);
  assert_alert(&p.alerts[0], PP_ALERT_CRITICAL, 0, "fatal error");
  assert_int_equal(p.status.printer, 1);
  assert_int_equal(p.status.device, 5);
  assert_true(has_error(&p, PP_ERR_SERVICE_REQUESTED));
  assert_string_equal(p.serial, ""); /* the record was cut before any 0x40 */

  assert_int_equal(p.supply_count, 4);
  assert_int_equal(count_receptacles(&p), 0);
  assert_string_equal(p.supplies[0].description, "Black ink");
  assert_ink_percent(&p.supplies[0], "black", 35, PP_SUPPLY_OK);
  assert_string_equal(p.supplies[1].description, "Magenta ink");
  assert_ink_percent(&p.supplies[1], "magenta", 14, PP_SUPPLY_OK);
  assert_string_equal(p.supplies[2].description, "Yellow ink");
  assert_ink_percent(&p.supplies[2], "yellow", 83, PP_SUPPLY_OK);
  assert_string_equal(p.supplies[3].description, "Cyan ink");
  assert_ink_percent(&p.supplies[3], "cyan", 45, PP_SUPPLY_OK);
  pp_printer_clear(&p);
}

/* A device status the MIB already says is down or warning stays, and a
 * known printer status is not replaced. */
static void test_mib_status_kept(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, wf7515, sizeof wf7515,
         PARTS(inkjet_base, "1.3.6.1.2.1.25.3.5.1.1.1|2|3\n"));
  assert_int_equal(p.status.printer, 3);
  assert_int_equal(p.status.device, 5); /* was running: ST2 error wins */
  pp_printer_clear(&p);
}

/* ---- EcoTank ------------------------------------------------------------ */

static void ecotank_record(struct rec *r) {
  rec_start(r);
  FIELD(r, 0x01, 0x04); /* idle */
  FIELD(r, 0x37, 0x01, 0x00);
  FIELD(r, 0x40, 'X', '7', 'E', 'T', '0', '0', '0', '2', '5', '0');
  rec_end(r);
}

/* clang-format off */
static const char ecotank_mib[] =
    SUPPLY(1, 3, 5, "Black Ink", 19, 100, -3)
    SUPPLY(2, 3, 5, "Cyan Ink", 19, 100, 100)
    SUPPLY(3, 3, 5, "Magenta Ink", 19, 100, 0)
    SUPPLY(4, 3, 5, "Yellow Ink", 19, 100, -3);
/* clang-format on */

static void test_ecotank_without_sensors_is_unknown(void **state) {
  (void)state;
  struct rec r;
  ecotank_record(&r);
  struct pp_printer p;
  decode(&p, r.b, r.len, PARTS(inkjet_base, ecotank_mib));
  assert_int_equal(p.status.printer, 3); /* idle */
  assert_int_equal(p.status.device, 2);
  assert_int_equal(p.alert_count, 0);
  assert_string_equal(p.serial, "X7ET000250");
  assert_int_equal(p.supply_count, 5);
  /* -3, a fixed 100 and a fixed 0 alike: the tank has no sensor. */
  for (size_t i = 0; i < 4; i++) {
    assert_false(p.supplies[i].receptacle);
    assert_int_equal(p.supplies[i].percent, PP_NO_PERCENT);
    assert_int_equal(p.supplies[i].state, PP_SUPPLY_UNKNOWN);
  }
  assert_string_equal(p.supplies[0].colour, "black");
  assert_string_equal(p.supplies[4].description, "Maintenance box");
  assert_box(&p.supplies[4], PP_NO_PERCENT, PP_SUPPLY_OK);
  pp_printer_clear(&p);
}

/* All inks 0x69 in ST2 is the other sensorless form: unknown too. */
static void test_ecotank_unreadable_levels(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x04);
  FIELD(&r, 0x0F, 0x03, 0x01, 0x00, 0x69, 0x03, 0x01, 0x69, 0x04, 0x02, 0x69,
        0x05, 0x03, 0x69);
  rec_end(&r);
  struct pp_printer p;
  decode(&p, r.b, r.len, PARTS(inkjet_base, ecotank_mib));
  assert_int_equal(p.supply_count, 4);
  for (size_t i = 0; i < 4; i++)
    assert_ink_unread(&p.supplies[i], PP_SUPPLY_UNKNOWN);
  assert_string_equal(p.supplies[1].description, "Cyan Ink");
  pp_printer_clear(&p);
}

/* ---- business inkjet: ST2 plus the consumables table ------------------- */

static void business_record(struct rec *r) {
  rec_start(r);
  FIELD(r, 0x01, 0x04);
  FIELD(r, 0x0F, 0x03, 0x01, 0x00, 28, 0x03, 0x01, 17, 0x04, 0x02, 14, 0x05,
        0x03, 18);
  FIELD(r, 0x37, 0x01, 0x00);
  rec_end(r);
}

static void test_business_inkjet_table_names_and_box(void **state) {
  (void)state;
  struct rec r;
  business_record(&r);
  struct pp_printer p;
  decode(&p, r.b, r.len, PARTS(inkjet_base, business_table));
  assert_int_equal(p.alert_count, 0);
  assert_int_equal(p.supply_count, 5);
  assert_ink_percent(supply_named(&p, "Black Ink Supply Unit T9451"), "black",
                     28, PP_SUPPLY_OK);
  assert_ink_percent(supply_named(&p, "Cyan Ink Supply Unit T9452"), "cyan", 17,
                     PP_SUPPLY_OK);
  assert_ink_percent(supply_named(&p, "Magenta Ink Supply Unit T9453"),
                     "magenta", 14, PP_SUPPLY_OK);
  assert_ink_percent(supply_named(&p, "Yellow Ink Supply Unit T9454"), "yellow",
                     18, PP_SUPPLY_OK);
  const struct pp_supply *box = supply_named(&p, "Maintenance Cartridge T6716");
  assert_box(box, 62, PP_SUPPLY_OK);
  assert_int_equal(box->unit, 19);
  assert_int_equal(box->max, 100);
  pp_printer_clear(&p);
}

/* Thin MIB rows are replaced, their descriptions kept; the MIB box row
 * takes the table's space left and ST2's state, which wins. */
static void test_business_inkjet_replaces_mib_rows(void **state) {
  (void)state;
  /* clang-format off */
  static const char mib[] =
      SUPPLY(1, 3, 5, "Black Ink", 19, 100, 1)
      SUPPLY(2, 3, 5, "Cyan Ink", 19, 100, 1)
      SUPPLY(3, 3, 5, "Magenta Ink", 19, 100, 1)
      SUPPLY(4, 3, 5, "Yellow Ink", 19, 100, 1)
      SUPPLY(5, 4, 8, "Maintenance Box", 19, 100, -3)
      SUPPLY(6, 3, 18, "Paper Feed Roller", 19, 100, 90);
  /* clang-format on */
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x02); /* busy */
  FIELD(&r, 0x0F, 0x03, 0x01, 0x00, 0, 0x03, 0x01, 5, 0x04, 0x02, 0x6E, 0x05,
        0x03, 0x77);
  FIELD(&r, 0x37, 0x01, 0x01); /* near full, whatever 62 % says */
  rec_end(&r);
  struct pp_printer p;
  decode(&p, r.b, r.len, PARTS(inkjet_base, mib, business_table));
  assert_int_equal(p.status.printer, 4);
  assert_int_equal(p.supply_count, 6);
  assert_string_equal(p.supplies[0].description, "Black Ink");
  assert_ink_percent(&p.supplies[0], "black", 0, PP_SUPPLY_EMPTY);
  assert_string_equal(p.supplies[1].description, "Cyan Ink");
  assert_ink_percent(&p.supplies[1], "cyan", 5, PP_SUPPLY_LOW);
  assert_string_equal(p.supplies[2].description, "Magenta Ink");
  assert_ink_unread(&p.supplies[2], PP_SUPPLY_MISSING);
  assert_string_equal(p.supplies[3].description, "Yellow Ink");
  assert_ink_unread(&p.supplies[3], PP_SUPPLY_FAILED);
  /* Not an ink, not a box: kept as the MIB gave it. */
  assert_string_equal(p.supplies[4].description, "Paper Feed Roller");
  assert_int_equal(p.supplies[4].percent, 90);
  assert_string_equal(p.supplies[5].description, "Maintenance Box");
  assert_box(&p.supplies[5], 62, PP_SUPPLY_NEAR_FULL);
  pp_printer_clear(&p);
}

/* No ST2 inks or boxes: the table's inks and box stand in. */
static void test_table_only(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x04);
  rec_end(&r);
  struct pp_printer p;
  decode(&p, r.b, r.len, PARTS(inkjet_base, business_table));
  assert_int_equal(p.supply_count, 5);
  assert_ink_percent(&p.supplies[0], "black", 28, PP_SUPPLY_OK);
  assert_string_equal(p.supplies[0].description, "Black Ink Supply Unit T9451");
  assert_ink_percent(&p.supplies[2], "magenta", 14, PP_SUPPLY_OK);
  assert_string_equal(p.supplies[4].description, "Maintenance Cartridge T6716");
  assert_box(&p.supplies[4], 62, PP_SUPPLY_OK);
  pp_printer_clear(&p);

  /* And without any ST2 at all. */
  decode(&p, NULL, 0, PARTS(inkjet_base, business_table));
  assert_int_equal(p.supply_count, 5);
  assert_ink_percent(&p.supplies[3], "yellow", 18, PP_SUPPLY_OK);
  assert_int_equal(p.alert_count, 0);
  assert_int_equal(p.status.printer, 0); /* nothing said it */
  pp_printer_clear(&p);
}

/* ---- AcuLaser: no ST2, the standard decoding stands -------------------- */

/* clang-format off */
static const char aculaser[] =
    "1.3.6.1.2.1.1.1.0|4|EPSON AL-C500DN\n"
    "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.1248.1.1.2.1.3.9.65.76\n"
    "1.3.6.1.2.1.1.5.0|4|ACULASER\n"
    "1.3.6.1.2.1.2.2.1.6.1|4x|00005e005341\n"
    "1.3.6.1.2.1.25.3.2.1.2.1|6|1.3.6.1.2.1.25.3.1.5\n"
    "1.3.6.1.2.1.25.3.2.1.3.1|4|EPSON AL-C500DN\n"
    "1.3.6.1.2.1.25.3.2.1.5.1|2|3\n"
    "1.3.6.1.2.1.25.3.5.1.1.1|2|3\n"
    "1.3.6.1.2.1.25.3.5.1.2.1|4x|2000\n"
    "1.3.6.1.2.1.43.5.1.1.17.1|4|ALC5000123\n"
    "1.3.6.1.2.1.43.10.2.1.3.1.1|2|7\n"
    "1.3.6.1.2.1.43.10.2.1.4.1.1|65|120344\n"
    "1.3.6.1.2.1.43.11.1.1.3.1.1|2|1\n"
    "1.3.6.1.2.1.43.11.1.1.3.1.2|2|2\n"
    "1.3.6.1.2.1.43.11.1.1.3.1.3|2|0\n"
    SUPPLY(1, 3, 3, "Toner Cartridge K", 7, 6500, 300)
    SUPPLY(2, 3, 3, "Toner Cartridge C", 7, 6500, 0)
    SUPPLY(3, 4, 4, "Waste Toner Collector", 7, 36000, 30000)
    "1.3.6.1.2.1.43.12.1.1.4.1.1|4|black\n"
    "1.3.6.1.2.1.43.12.1.1.4.1.2|4|cyan\n"
    "1.3.6.1.2.1.43.18.1.1.2.1.1|2|4\n"
    "1.3.6.1.2.1.43.18.1.1.4.1.1|2|11\n"
    "1.3.6.1.2.1.43.18.1.1.7.1.1|2|1101\n"
    "1.3.6.1.2.1.43.18.1.1.8.1.1|4|Toner Low K\n";
/* clang-format on */

static void test_aculaser_standard_decoding_kept(void **state) {
  (void)state;
  struct pp_varset set;
  pp_varset_init(&set);
  load(&set, aculaser);
  struct pp_printer std, p;
  pp_printer_init(&std, "192.0.2.41");
  assert_int_equal(pp_decode_standard(&set, &std), 0);
  pp_printer_init(&p, "192.0.2.41");
  assert_int_equal(pp_decode_standard(&set, &p), 0);
  assert_int_equal(pp_profile_epson.decode(&set, &p), 0);
  pp_varset_free(&set);

  assert_string_equal(p.manufacturer, "Epson");
  assert_string_equal(p.model, "EPSON AL-C500DN");
  assert_string_equal(p.serial, "ALC5000123");
  assert_int_equal(p.supply_count, std.supply_count);
  assert_memory_equal(p.supplies, std.supplies,
                      std.supply_count * sizeof(*std.supplies));
  assert_int_equal(p.alert_count, std.alert_count);
  assert_memory_equal(p.alerts, std.alerts,
                      std.alert_count * sizeof(*std.alerts));
  assert_memory_equal(&p.status, &std.status, sizeof(p.status));
  assert_string_equal(p.supplies[0].colour, "black");
  assert_int_equal(p.supplies[0].percent, 4);
  assert_int_equal(p.supplies[1].state, PP_SUPPLY_EMPTY);
  assert_true(p.supplies[2].receptacle);
  assert_int_equal(p.supplies[2].percent, 83);
  pp_printer_clear(&std);
  pp_printer_clear(&p);
}

/* ---- alerts ------------------------------------------------------------- */

static void test_warnings(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x04);
  FIELD(&r, 0x04, 0x11, 0x44, 0x52, 0x73, 0x99, 0x1A);
  FIELD(&r, 0x0F, 0x03, 0x01, 0x00, 60, 0x03, 0x01, 8, 0x04, 0x02, 50, 0x05,
        0x03, 7);
  rec_end(&r);
  struct pp_printer p;
  decode(&p, r.b, r.len, PARTS(inkjet_base));
  assert_int_equal(p.status.device, 2); /* warnings are no error */
  assert_int_equal(p.status.errors, 0);
  assert_int_equal(p.alert_count, 6);
  assert_alert(&p.alerts[0], PP_ALERT_WARNING, 0x11,
               "cyan: ink low (ink record 1)");
  assert_alert(&p.alerts[1], PP_ALERT_WARNING, 0x44, "printing in black only");
  assert_alert(&p.alerts[2], PP_ALERT_WARNING, 0x52,
               "cyan: cleaning disabled (record 1)");
  assert_alert(&p.alerts[3], PP_ALERT_WARNING, 0x73,
               "magenta: ink low (ink record 2)");
  assert_alert(&p.alerts[4], PP_ALERT_WARNING, 0x99, "warning code 0x99");
  /* Record 10 does not exist: the code and its record, no colour. */
  assert_alert(&p.alerts[5], PP_ALERT_WARNING, 0x1A, "ink low (ink record 10)");
  pp_printer_clear(&p);
}

static void test_unknown_error_code_reported_by_number(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x00);
  FIELD(&r, 0x02, 0x7E);
  rec_end(&r);
  struct pp_printer p;
  decode(&p, r.b, r.len, PARTS(inkjet_base));
  assert_int_equal(p.alert_count, 1);
  assert_alert(&p.alerts[0], PP_ALERT_CRITICAL, 0x7E, "error code 0x7E");
  assert_int_equal(p.status.printer, 1);
  assert_int_equal(p.status.device, 3); /* not known to be fatal: warning */
  assert_false(has_error(&p, PP_ERR_SERVICE_REQUESTED));
  pp_printer_clear(&p);
}

static void test_user_fixable_error_sets_its_bit(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x00);
  FIELD(&r, 0x02, 0x06); /* paper out */
  rec_end(&r);
  struct pp_printer p;
  decode(&p, r.b, r.len, PARTS(inkjet_base));
  assert_alert(&p.alerts[0], PP_ALERT_CRITICAL, 0x06, "paper out");
  assert_int_equal(p.status.device, 3);
  assert_int_equal(p.status.errors, 1u << PP_ERR_NO_PAPER);
  pp_printer_clear(&p);
}

/* Ids newer than the tables: the cartridge names the colour, else the
 * record number names the ink. */
static void test_unknown_colour_ids(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x04);
  FIELD(&r, 0x0F, 0x03, 0x10, 0x33, 50, 0x99, 0x33, 0x67);
  rec_end(&r);
  struct pp_printer p;
  decode(&p, r.b, r.len, PARTS(inkjet_base));
  assert_int_equal(p.supply_count, 2);
  assert_string_equal(p.supplies[0].description, "Orange ink");
  assert_ink_percent(&p.supplies[0], "orange", 50, PP_SUPPLY_OK);
  assert_string_equal(p.supplies[1].description, "Ink 2");
  assert_string_equal(p.supplies[1].colour, "");
  assert_ink_unread(&p.supplies[1], PP_SUPPLY_UNKNOWN); /* 0x67 n/a */
  pp_printer_clear(&p);
}

/* ---- never request the command channel --------------------------------- */

static bool related(const char *a, const char *b) {
  struct pp_oid x, y;
  assert_int_equal(pp_oid_parse(&x, a), 0);
  assert_int_equal(pp_oid_parse(&y, b), 0);
  return pp_oid_has_prefix(&x, &y) || pp_oid_has_prefix(&y, &x);
}

static void test_requests_stay_out_of_forbidden_subtree(void **state) {
  (void)state;
  const struct pp_profile *e = &pp_profile_epson;
  bool listed = false;
  for (size_t i = 0; e->never_request[i] != NULL; i++)
    listed = listed || strcmp(e->never_request[i], FORBIDDEN) == 0;
  assert_true(listed);
  /* A column that is a prefix of .44 would walk into it; a scalar is
   * fetched by GETNEXT of its parent, which must not contain .44 either. */
  for (size_t i = 0; e->columns[i] != NULL; i++)
    assert_false(related(e->columns[i], FORBIDDEN));
  for (size_t i = 0; e->scalars[i] != NULL; i++) {
    char parent[128];
    snprintf(parent, sizeof(parent), "%s", e->scalars[i]);
    *strrchr(parent, '.') = '\0';
    assert_false(related(parent, FORBIDDEN));
  }
}

/* ---- privacy ------------------------------------------------------------ */

static bool bytes_contain(const void *hay, size_t n, const char *needle) {
  return n > 0 && memmem(hay, n, needle, strlen(needle)) != NULL;
}

static void assert_absent(const struct pp_printer *p, const char *needle) {
  assert_false(bytes_contain(p, sizeof(*p), needle));
  assert_false(bytes_contain(p->supplies,
                             p->supply_count * sizeof(*p->supplies), needle));
  assert_false(
      bytes_contain(p->alerts, p->alert_count * sizeof(*p->alerts), needle));
  for (size_t i = 0; i < p->supply_count; i++) {
    assert_null(strstr(p->supplies[i].description, needle));
    assert_null(strstr(p->supplies[i].colour, needle));
  }
  for (size_t i = 0; i < p->alert_count; i++) {
    assert_null(strstr(p->alerts[i].description, needle));
    assert_null(strstr(p->alerts[i].group, needle));
  }
}

static void test_job_name_never_reaches_the_model(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x00);
  FIELD(&r, 0x02, 0x10);
  FIELD(&r, 0x04, 0x10, 0x44);
  FIELD(&r, 0x0F, 0x03, 0x01, 0x00, 40, 0x03, 0x01, 0x69);
  static const char job[] = "\0\0\0\0\0" JOB_NAME;
  rec_field(&r, 0x19, job, sizeof(job) - 1);
  rec_field(&r, 0x55, UNKNOWN_FIELD, strlen(UNKNOWN_FIELD));
  FIELD(&r, 0x37, 0x01, 0x02);
  FIELD(&r, 0x40, 'X', '2', 'E', 'A', '0', '6', '4', '7', '7', '7');
  rec_end(&r);
  struct pp_printer p;
  decode(&p, r.b, r.len, PARTS(inkjet_base, business_table));
  /* The record was used (else the test proves nothing)... */
  assert_int_equal(p.alert_count, 3);
  assert_string_equal(p.serial, "X2EA064777");
  /* ...and neither the job name nor an unknown field's bytes came along. */
  assert_absent(&p, JOB_NAME);
  assert_absent(&p, "SECRET");
  assert_absent(&p, UNKNOWN_FIELD);
  pp_printer_clear(&p);
}

/* The same with the real XP-540 record, whose job name is "unknown". */
static void test_xp540_job_name_absent(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, xp540, sizeof xp540, PARTS(inkjet_base));
  assert_absent(&p, "unknown");
  pp_printer_clear(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_xp540_waste_ink_pads_full),
      cmocka_unit_test(test_xp540_without_mib_supplies),
      cmocka_unit_test(test_mib_serial_wins),
      cmocka_unit_test(test_wf7515_fatal_error),
      cmocka_unit_test(test_mib_status_kept),
      cmocka_unit_test(test_ecotank_without_sensors_is_unknown),
      cmocka_unit_test(test_ecotank_unreadable_levels),
      cmocka_unit_test(test_business_inkjet_table_names_and_box),
      cmocka_unit_test(test_business_inkjet_replaces_mib_rows),
      cmocka_unit_test(test_table_only),
      cmocka_unit_test(test_aculaser_standard_decoding_kept),
      cmocka_unit_test(test_warnings),
      cmocka_unit_test(test_unknown_error_code_reported_by_number),
      cmocka_unit_test(test_user_fixable_error_sets_its_bit),
      cmocka_unit_test(test_unknown_colour_ids),
      cmocka_unit_test(test_requests_stay_out_of_forbidden_subtree),
      cmocka_unit_test(test_job_name_never_reaches_the_model),
      cmocka_unit_test(test_xp540_job_name_absent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
