/* SPDX-License-Identifier: MIT */
/* Tests for the makers' profiles (plugins/, docs/vendors.md): values built
 * as snmprec text and decoded the way a poll does, standard decoding first,
 * then the profile. What each test checks is what a bill would get wrong:
 * rows by position, a PWG meter overwritten, a wrong type read as a count,
 * a sum of parts one of which is missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pp_decode.h"
#include "pp_model.h"
#include "pp_varset.h"
#include "profiles.h"
#include "vendor.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void decode(struct pp_printer *p, const struct pp_profile *profile,
                   const char *text) {
  struct pp_varset set;
  pp_varset_init(&set);
  size_t bad = 0;
  if (pp_varset_load_snmprec(&set, text, &bad) != 0)
    fail_msg("snmprec line %zu rejected", bad);
  pp_printer_init(p, "192.0.2.60");
  p->reachable = true;
  assert_int_equal(pp_decode_standard(&set, p), 0);
  assert_int_equal(profile->decode(&set, p), 0);
  pp_counters_check_sum(p);
  pp_varset_free(&set);
}

static uint64_t meter(const struct pp_printer *p, const char *name) {
  const struct pp_counter *m = pp_printer_meter(p, name);
  if (m == NULL)
    fail_msg("meter %s absent", name);
  return m->value;
}

static int unit_of(const struct pp_printer *p, const char *name) {
  const struct pp_counter *m = pp_printer_meter(p, name);
  if (m == NULL)
    fail_msg("meter %s absent", name);
  return m->unit;
}

/* Every meter but those named in present (NULL-terminated) is absent:
 * what a printer did not say is never a 0. */
static void only_meters(const struct pp_printer *p,
                        const char *const *present) {
  for (size_t i = 0; pp_meter_names[i] != NULL; i++) {
    bool wanted = false;
    for (size_t k = 0; present[k] != NULL; k++)
      wanted = wanted || strcmp(present[k], pp_meter_names[i]) == 0;
    if (wanted != (pp_printer_meter(p, pp_meter_names[i]) != NULL))
      fail_msg("meter %s: %s", pp_meter_names[i],
               wanted ? "absent" : "present, wanted absent");
  }
}

static void test_device_id_fields(void **state) {
  (void)state;
  char out[64];
  static const char *const model[] = {"MDL:", "MODEL:", "DES:", NULL};
  vendor_device_id_field("MFG:HP;CMD:PJL;MDL:LaserJet M130;DES:HP LJ;", model,
                         out, sizeof(out));
  assert_string_equal(out, "LaserJet M130");
  /* a key inside another key's name does not count ("XMDL:") */
  vendor_device_id_field("XMDL:wrong;MODEL:right;", model, out, sizeof(out));
  assert_string_equal(out, "right");
  /* "COMMAND SET:;MODEL:..." with blanks after the ';' (Dell, Xerox) */
  vendor_device_id_field("COMMAND SET:; MODEL:Dell S5830dn", model, out,
                         sizeof(out));
  assert_string_equal(out, "Dell S5830dn");
  vendor_device_id_field("MFG:x;", model, out, sizeof(out));
  assert_string_equal(out, "");
}

/* HP: the PML prefix 0x01 0x15 goes; the hex-dumped tail is decoded. */
static void test_hp_pml_strings(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_hp,
         "1.3.6.1.2.1.1.1.0|4|HP ETHERNET MULTI-ENVIRONMENT\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.11.2.3.9.1\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.2.0|4x|0115484f4c41\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.3.0|4x|0115534e31\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.6.0|2|900\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.7.0|2|100\n");
  assert_string_equal(p.model, "HOLA");
  assert_string_equal(p.serial, "SN1");
  assert_true(meter(&p, "mono") == 900 && meter(&p, "colour") == 100);
  assert_null(pp_printer_meter(&p, "scan")); /* neither scan count */
  pp_printer_clear(&p);
}

/* Konica: sums of the four parts; a part missing leaves its sums out. */
static void test_konica_sums(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_konica,
         "1.3.6.1.2.1.1.1.0|4|KONICA MINOLTA bizhub C3110\n"
         "1.3.6.1.4.1.18334.1.1.1.1.6.2.1.0|4|Develop ineo+ 280\n"
         "1.3.6.1.4.1.18334.1.1.1.5.7.2.2.1.5.1.1|2|10\n"
         "1.3.6.1.4.1.18334.1.1.1.5.7.2.2.1.5.1.2|2|20\n"
         "1.3.6.1.4.1.18334.1.1.1.5.7.2.2.1.5.2.2|2|5\n");
  /* the real model, not the badge's name */
  assert_string_equal(p.model, "KONICA MINOLTA bizhub C3110");
  assert_true(meter(&p, "print") == 25 && meter(&p, "mono") == 30);
  assert_null(pp_printer_meter(&p, "copy"));   /* copy colour missing */
  assert_null(pp_printer_meter(&p, "colour")); /* the same */
  pp_printer_clear(&p);
}

/* Ricoh: rows by type wherever they sit; the first of a type counts. */
static void test_ricoh_by_type(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_ricoh,
         "1.3.6.1.2.1.1.1.0|4|SAVIN MP C307\n"
         "1.3.6.1.4.1.367.3.2.1.2.19.5.1.2.9|2|401\n"
         "1.3.6.1.4.1.367.3.2.1.2.19.5.1.2.77|2|402\n"
         "1.3.6.1.4.1.367.3.2.1.2.19.5.1.2.78|2|403\n"
         "1.3.6.1.4.1.367.3.2.1.2.19.5.1.2.90|2|401\n"
         "1.3.6.1.4.1.367.3.2.1.2.19.5.1.9.9|2|300\n"
         "1.3.6.1.4.1.367.3.2.1.2.19.5.1.9.77|2|40\n"
         "1.3.6.1.4.1.367.3.2.1.2.19.5.1.9.78|2|2\n"
         "1.3.6.1.4.1.367.3.2.1.2.19.5.1.9.90|2|7\n");
  assert_string_equal(p.manufacturer, "Savin");
  assert_true(meter(&p, "print_mono") == 300);
  assert_true(meter(&p, "print_colour") == 42);
  pp_printer_clear(&p);
}

/* A PWG meter is never overwritten by the maker's own. */
static void test_pwg_before_private(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_hp,
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.11.2.3.9.1\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.6.0|2|999\n"
         "1.3.6.1.4.1.2699.1.3.1.2.1.1.2.1|2|3\n"
         "1.3.6.1.4.1.2699.1.3.1.8.1.1.5.1.3.3|2|500\n");
  assert_true(meter(&p, "mono") == 500);
  pp_printer_clear(&p);
}

/* Wrong types and impossible values are no meters; nothing becomes 0. */
static void test_garbage_is_no_meter(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_kyocera,
         "1.3.6.1.2.1.1.1.0|4|KYOCERA\n"
         "1.3.6.1.4.1.1347.42.3.1.1.1.1.1|4|1234\n"
         "1.3.6.1.4.1.1347.42.3.1.1.1.1.2|2|-1\n"
         "1.3.6.1.4.1.1347.42.3.1.1.1.1.4|6|1.3.6.1\n"
         "1.3.6.1.4.1.1347.42.3.1.2.1.1.1.1|70|18446744073709551615\n"
         "1.3.6.1.4.1.1347.42.3.1.2.1.1.1.3|65|8\n");
  assert_int_equal(p.counters.vendor_count, 1);
  assert_true(meter(&p, "print_colour") == 8);
  assert_string_equal(p.counters.note, "");
  pp_printer_clear(&p);
}

/* Sharp: rows by name wherever their group is; scan only when every part
 * of it was read. */
static void test_sharp_by_name(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_sharp,
         "1.3.6.1.2.1.43.10.2.1.4.1.1|65|130\n"
         "1.3.6.1.4.1.2385.1.1.19.2.1.3.3.4.61|65|100\n"
         "1.3.6.1.4.1.2385.1.1.19.2.1.3.3.4.63|65|20\n"
         "1.3.6.1.4.1.2385.1.1.19.2.1.3.9.4.51|65|5\n"
         "1.3.6.1.4.1.2385.1.1.19.2.1.4.3.4.61|4|Black & White Total Count\n"
         "1.3.6.1.4.1.2385.1.1.19.2.1.4.3.4.63|4|Full Color Total Count\n"
         "1.3.6.1.4.1.2385.1.1.19.2.1.4.9.4.51|4|Black & White Scanner Count\n"
         "1.3.6.1.4.1.2385.1.1.19.2.1.4.9.4.53|4|Full Color Scanner Count\n");
  assert_true(meter(&p, "mono") == 100 && meter(&p, "colour") == 20);
  assert_null(pp_printer_meter(&p, "scan")); /* colour scans unread */
  /* 100 + 20 is not 130: said, not fixed */
  assert_non_null(strstr(p.counters.note, "mono + colour = 120"));
  assert_true(p.counters.total == 130);
  pp_printer_clear(&p);
}

/* HP: mono and colour in impressions; duplex-page-count counts sheets
 * (HP's MIB: "sheets of media that have been duplex printed"); scans are
 * flatbed + feeder; the engine total and the jam count are no meters. */
static void test_hp_meters(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_hp,
         "1.3.6.1.2.1.1.1.0|4|HP ETHERNET MULTI-ENVIRONMENT\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.11.2.3.9.1\n"
         "1.3.6.1.2.1.43.10.2.1.4.1.1|65|1300\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.2.2.1.44.0|2|40\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.2.2.1.74.0|2|60\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.5.0|2|99999\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.6.0|2|1000\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.7.0|2|300\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.22.0|2|250\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.34.0|2|12\n");
  assert_string_equal(p.manufacturer, "HP");
  assert_true(meter(&p, "mono") == 1000 && meter(&p, "colour") == 300);
  assert_int_equal(unit_of(&p, "colour"), PP_METER_IMPRESSIONS);
  assert_true(meter(&p, "duplex") == 250);
  assert_int_equal(unit_of(&p, "duplex"), PP_METER_SHEETS);
  assert_true(meter(&p, "scan") == 100);
  assert_int_equal(unit_of(&p, "scan"), PP_METER_IMAGES);
  assert_true(p.counters.total == 1300);
  assert_string_equal(p.counters.note, "");
  only_meters(&p,
              (const char *const[]){"mono", "colour", "duplex", "scan", NULL});
  pp_printer_clear(&p);
}

/* HP scans: a model without a feeder (or without a flatbed) has one part;
 * a part that answered garbage leaves no sum, not a smaller one. */
static void test_hp_scan_parts(void **state) {
  (void)state;
  static const struct {
    const char *flatbed, *feeder; /* snmprec tag|value, NULL for absent */
    uint64_t scan;                /* PP_COUNT_UNKNOWN: no scan meter */
  } cases[] = {
      {"2|60", NULL, 60},
      {NULL, "2|40", 40},
      {"2|60", "2|0", 60},
      {"2|60", "4|40", PP_COUNT_UNKNOWN},
      {"2|60", "2|-1", PP_COUNT_UNKNOWN},
      {"4|sixty", "2|40", PP_COUNT_UNKNOWN},
      {"70|18446744073709551614", "2|40", PP_COUNT_UNKNOWN},
      {NULL, NULL, PP_COUNT_UNKNOWN},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
    char text[512];
    snprintf(
        text, sizeof(text),
        "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.11.2.3.9.1\n"
        "%s%s%s%s%s%s",
        cases[i].feeder ? "1.3.6.1.4.1.11.2.3.9.4.2.1.2.2.1.44.0|" : "",
        cases[i].feeder ? cases[i].feeder : "", cases[i].feeder ? "\n" : "",
        cases[i].flatbed ? "1.3.6.1.4.1.11.2.3.9.4.2.1.2.2.1.74.0|" : "",
        cases[i].flatbed ? cases[i].flatbed : "", cases[i].flatbed ? "\n" : "");
    struct pp_printer p;
    decode(&p, &pp_profile_hp, text);
    const struct pp_counter *scan = pp_printer_meter(&p, "scan");
    if (cases[i].scan == PP_COUNT_UNKNOWN && scan != NULL)
      fail_msg("case %zu: scan %" PRIu64 ", wanted none", i, scan->value);
    if (cases[i].scan != PP_COUNT_UNKNOWN &&
        (scan == NULL || scan->value != cases[i].scan))
      fail_msg("case %zu: scan absent or wrong", i);
    pp_printer_clear(&p);
  }
}

/* HP identity without hrDeviceDescr or device id: the PML model string of
 * the jetdirect_m130nw recording (prefix, then a hex dump on the next
 * line), the firmware date code; the Printer-MIB serial before HP's. */
static void test_hp_identity(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_hp,
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.11.2.3.9.1\n"
         "1.3.6.1.2.1.43.5.1.1.17.1|4|VNC1\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.2.0|4x|01154850204C617365724A657420"
         "4D460a353020323020344420333120333320333020364520373720\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.3.0|4x|0115564E4332\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.5.0|4x|01153230323031303233\n");
  assert_string_equal(p.model, "HP LaserJet MFP M130nw");
  assert_string_equal(p.serial, "VNC1");
  assert_string_equal(p.firmware, "20201023");
  only_meters(&p, (const char *const[]){NULL});
  pp_printer_clear(&p);
  /* MDL: of the device id comes before the PML model (LibreNMS) */
  decode(&p, &pp_profile_hp,
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.11.2.3.9.1\n"
         "1.3.6.1.4.1.11.2.3.9.1.1.7.0|4|MFG:HP;MDL:HP LaserJet 4250;\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.2.0|4x|0115484f4c41\n");
  assert_string_equal(p.model, "HP LaserJet 4250");
  assert_string_equal(p.serial, "");
  pp_printer_clear(&p);
}

/* Brother: brInfoSerialNumber, never HP's serial OID (garbage on
 * Brother); the model from the mDNS name without "Brother ", " series"
 * and "[mac]", else MDL:; "Ver.X" as firmware; the scan count. */
static void test_brother(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_brother,
         "1.3.6.1.2.1.1.1.0|4|Brother NC-8300h, Firmware Ver.B  (09.01.01)\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2435.2.3.9.1\n"
         "1.3.6.1.2.1.43.10.2.1.4.1.1|65|500\n"
         "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.3.0|4x|011555363439\n"
         "1.3.6.1.4.1.2435.2.3.9.1.1.7.0|4|MFG:Brother;MDL:MFC-8440;\n"
         "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.1.0|4|E7777\n"
         "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.54.2.2.1.3.1|2|9\n"
         "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.54.2.2.1.3.3|65|321\n"
         "1.3.6.1.4.1.2435.2.4.3.1240.6.5.0|4|Firmware Ver.1.20 (10.02.03)\n"
         "1.3.6.1.4.1.2435.2.4.3.2435.5.13.3.0|4|Brother MFC-L2710DW series "
         "[001ba90ba752]\n");
  assert_string_equal(p.manufacturer, "Brother");
  assert_string_equal(p.model, "MFC-L2710DW");
  assert_string_equal(p.serial, "E7777");
  assert_string_equal(p.firmware, "1.20");
  assert_true(meter(&p, "scan") == 321);
  assert_int_equal(unit_of(&p, "scan"), PP_METER_IMAGES);
  only_meters(&p, (const char *const[]){"scan", NULL});
  pp_printer_clear(&p);
  /* no mDNS name: MDL: of the device id; a scan count that is a string
   * and a serial that is a placeholder are nothing */
  decode(&p, &pp_profile_brother,
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2435.2.3.9.1\n"
         "1.3.6.1.4.1.2435.2.3.9.1.1.7.0|4|MFG:Brother;MDL:HL-5370DW "
         "series;\n"
         "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.1.0|4|000000\n"
         "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.54.2.2.1.3.3|4|many\n");
  assert_string_equal(p.model, "HL-5370DW series");
  assert_string_equal(p.serial, "");
  assert_string_equal(p.firmware, "");
  only_meters(&p, (const char *const[]){NULL});
  pp_printer_clear(&p);
}

#define CANON_NAME "1.3.6.1.4.1.1602.1.11.2.1.1.2."
#define CANON_VALUE "1.3.6.1.4.1.1602.1.11.2.1.1.3."

/* Canon: identity from canPdInfo and the serial OID; the named table by
 * name, not by row (the rows here are out of the usual order); a name
 * twice counts once; the coded table is not read. */
static void test_canon(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_canon,
         "1.3.6.1.2.1.1.1.0|4|Canon iR-ADV C3530 /P\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.1602.4.2\n"
         "1.3.6.1.4.1.1602.1.1.1.1.0|4|iR-ADV C3530\n"
         "1.3.6.1.4.1.1602.1.1.1.4.0|4|03.01\n"
         "1.3.6.1.4.1.1602.1.2.1.8.1.3.1.1|4|CNX1\n"
         "1.3.6.1.4.1.1602.1.11.1.3.1.4.101|2|111\n"
         "1.3.6.1.4.1.1602.1.11.1.3.1.4.301|2|333\n" CANON_NAME
         "11|4|Scan (Total 1)\n" CANON_NAME "12|4|Copy (Total 1)\n" CANON_NAME
         "13|4|Print (Total 1)\n" CANON_NAME
         "14|4|Total (Full Color + Single Color/Small)\n" CANON_NAME
         "15|4|Total (Full Color + Single Color/Large)\n" CANON_NAME
         "16|4|Total (Black 1)\n" CANON_NAME "17|4|Print (Total 1)\n" CANON_NAME
         "18|4|Total 1\n" CANON_VALUE "11|2|70\n" CANON_VALUE
         "12|2|400\n" CANON_VALUE "13|2|600\n" CANON_VALUE
         "14|2|150\n" CANON_VALUE "15|2|50\n" CANON_VALUE
         "16|2|800\n" CANON_VALUE "17|2|5\n" CANON_VALUE "18|2|1000\n");
  assert_string_equal(p.manufacturer, "Canon");
  assert_string_equal(p.model, "iR-ADV C3530");
  assert_string_equal(p.serial, "CNX1");
  assert_string_equal(p.firmware, "03.01");
  assert_true(meter(&p, "mono") == 800 && meter(&p, "colour") == 200);
  assert_true(meter(&p, "large_colour") == 50);
  assert_true(meter(&p, "print") == 600 && meter(&p, "copy") == 400);
  assert_true(meter(&p, "scan") == 70);
  assert_int_equal(unit_of(&p, "scan"), PP_METER_IMAGES);
  assert_int_equal(unit_of(&p, "mono"), PP_METER_IMPRESSIONS);
  only_meters(&p, (const char *const[]){"mono", "colour", "large_colour",
                                        "print", "copy", "scan", NULL});
  pp_printer_clear(&p);
}

/* Canon without "Total (Black 1)": mono is black large + small (the GLPI
 * agent), large_mono the large part; a colour part that is garbage leaves
 * no colour, but the large part still is large_colour. */
static void test_canon_parts(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_canon,
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.1602.4.7\n" CANON_NAME
         "1|4x|546f74616c2028426c61636b2f4c6172676529\n" CANON_NAME
         "2|4|Total (Black/Small)\n" CANON_NAME
         "3|4|Total (Full Color + Single Color/Large)\n" CANON_NAME
         "4|4|Total (Full Color + Single Color/Small)\n" CANON_NAME
         "5|4|Copy (Total 1)\n" CANON_NAME "6|4|Scan (Total 1)\n" CANON_VALUE
         "1|2|30\n" CANON_VALUE "2|65|270\n" CANON_VALUE "3|2|12\n" CANON_VALUE
         "4|6|1.3.6.1\n" CANON_VALUE "5|2|-4\n");
  assert_true(meter(&p, "mono") == 300 && meter(&p, "large_mono") == 30);
  assert_true(meter(&p, "large_colour") == 12);
  only_meters(
      &p, (const char *const[]){"mono", "large_mono", "large_colour", NULL});
  pp_printer_clear(&p);
}

#define KYOCERA_METER "1.3.6.1.4.1.1347.42.3.1."

/* Kyocera / UTAX: one agent, the maker from sysDescr; KYOCERA-MIB
 * identity; print, copy, fax and their black / full colour parts; no mono
 * or colour of all services (fax has no colour part to add); 1347.42.2
 * is not read. */
static void test_kyocera(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_kyocera,
         "1.3.6.1.2.1.1.1.0|4|TA_UTAX Printing System\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.1347.41\n"
         "1.3.6.1.4.1.1347.42.2.1.1.1.7.1.1|2|99999\n"
         "1.3.6.1.4.1.1347.42.2.2.1.1.3.1.1|2|88888\n" KYOCERA_METER
         "1.1.1.1|2|300\n" KYOCERA_METER "1.1.1.2|2|120\n" KYOCERA_METER
         "1.1.1.4|2|7\n" KYOCERA_METER "2.1.1.1.1|2|200\n" KYOCERA_METER
         "2.1.1.1.3|2|100\n" KYOCERA_METER "2.1.1.2.1|2|90\n" KYOCERA_METER
         "2.1.1.2.3|2|30\n"
         "1.3.6.1.4.1.1347.43.5.1.1.1.1|4|P-C3565i MFP\n"
         "1.3.6.1.4.1.1347.43.5.1.1.28.1|4|UTX1\n"
         "1.3.6.1.4.1.1347.43.5.4.1.5.1.1|4|2V9_S000.002.103\n"
         "1.3.6.1.4.1.1347.46.10.1.1.5.3|2|44\n");
  assert_string_equal(p.manufacturer, "UTAX");
  assert_string_equal(p.model, "P-C3565i MFP");
  assert_string_equal(p.serial, "UTX1");
  assert_string_equal(p.firmware, "2V9_S000.002.103");
  assert_true(meter(&p, "print") == 300 && meter(&p, "copy") == 120);
  assert_true(meter(&p, "fax") == 7 && meter(&p, "scan") == 44);
  assert_true(meter(&p, "print_mono") == 200 &&
              meter(&p, "print_colour") == 100);
  assert_true(meter(&p, "copy_mono") == 90 && meter(&p, "copy_colour") == 30);
  assert_int_equal(unit_of(&p, "scan"), PP_METER_IMAGES);
  only_meters(&p, (const char *const[]){"print", "copy", "fax", "scan",
                                        "print_mono", "print_colour",
                                        "copy_mono", "copy_colour", NULL});
  pp_printer_clear(&p);
  /* the same agent as Kyocera; the standard serial comes first */
  decode(&p, &pp_profile_kyocera,
         "1.3.6.1.2.1.1.1.0|4|KYOCERA Document Solutions Printing System\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.1347.41\n"
         "1.3.6.1.2.1.43.5.1.1.17.1|4|STD1\n"
         "1.3.6.1.4.1.1347.43.5.1.1.28.1|4|KYO1\n");
  assert_string_equal(p.manufacturer, "Kyocera");
  assert_string_equal(p.serial, "STD1");
  only_meters(&p, (const char *const[]){NULL});
  pp_printer_clear(&p);
}

#define RICOH_TYPE "1.3.6.1.4.1.367.3.2.1.2.19.5.1.2."
#define RICOH_VALUE "1.3.6.1.4.1.367.3.2.1.2.19.5.1.9."

/* Ricoh: identity from 367.3.2.1; every counter type the profile reads,
 * summed where a meter has two; type 10 (machine total) is no meter; a
 * part that is garbage leaves its meter out, the others stay. */
static void test_ricoh(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_ricoh,
         "1.3.6.1.2.1.1.1.0|4|RICOH IM C4500 1.00 / RICOH Network Printer "
         "C model\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.367.1.1\n"
         "1.3.6.1.4.1.367.3.2.1.1.1.1.0|4|IM C4500\n"
         "1.3.6.1.4.1.367.3.2.1.1.1.2.0|4|1.00\n"
         "1.3.6.1.4.1.367.3.2.1.2.1.4.0|4|RIC9\n" RICOH_TYPE
         "1|2|10\n" RICOH_TYPE "2|2|200\n" RICOH_TYPE "3|2|201\n" RICOH_TYPE
         "4|2|202\n" RICOH_TYPE "5|2|203\n" RICOH_TYPE "6|2|300\n" RICOH_TYPE
         "7|2|400\n" RICOH_TYPE "8|2|401\n" RICOH_TYPE "9|2|402\n" RICOH_TYPE
         "10|2|403\n" RICOH_TYPE "11|2|870\n" RICOH_TYPE "12|2|871\n" RICOH_TYPE
         "13|4|400\n" RICOH_VALUE "1|2|99999\n" RICOH_VALUE
         "2|2|100\n" RICOH_VALUE "3|2|60\n" RICOH_VALUE "4|2|30\n" RICOH_VALUE
         "5|2|10\n" RICOH_VALUE "6|2|5\n" RICOH_VALUE "7|2|900\n" RICOH_VALUE
         "8|2|500\n" RICOH_VALUE "9|2|350\n" RICOH_VALUE "10|4|50\n" RICOH_VALUE
         "11|65|8\n" RICOH_VALUE "12|65|2\n" RICOH_VALUE "13|2|1\n");
  assert_string_equal(p.manufacturer, "Ricoh");
  assert_string_equal(p.model, "IM C4500");
  assert_string_equal(p.serial, "RIC9");
  assert_string_equal(p.firmware, "1.00");
  assert_true(meter(&p, "copy") == 100 && meter(&p, "copy_mono") == 60);
  assert_true(meter(&p, "copy_colour") == 40 && meter(&p, "fax") == 5);
  assert_true(meter(&p, "print") == 900 && meter(&p, "print_mono") == 500);
  assert_true(meter(&p, "scan") == 10);
  assert_int_equal(unit_of(&p, "scan"), PP_METER_IMAGES);
  assert_int_equal(unit_of(&p, "fax"), PP_METER_IMPRESSIONS);
  /* 403's value is a string: no print colour at all, not 350 */
  only_meters(&p,
              (const char *const[]){"copy", "copy_mono", "copy_colour", "fax",
                                    "print", "print_mono", "scan", NULL});
  pp_printer_clear(&p);
}

/* Ricoh's badges share enterprise 367: the maker is the one sysDescr
 * names. */
static void test_ricoh_badges(void **state) {
  (void)state;
  static const char *const cases[][2] = {
      {"LANIER MP 2554 1.00 / LANIER Network Printer C model", "Lanier"},
      {"NRG MP C3003 1.00 / NRG Network Printer C model", "NRG"},
      {"Gestetner MP 6054 / Gestetner Network Printer", "Gestetner"},
      {"SAVIN MP C307 1.00", "Savin"},
      {"RICOH Aficio MP 301 / RICOH Network Printer D model", "Ricoh"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
    char text[256];
    snprintf(text, sizeof(text),
             "1.3.6.1.2.1.1.1.0|4|%s\n"
             "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.367.1.1\n",
             cases[i][0]);
    struct pp_printer p;
    decode(&p, &pp_profile_ricoh, text);
    assert_string_equal(p.manufacturer, cases[i][1]);
    only_meters(&p, (const char *const[]){NULL});
    pp_printer_clear(&p);
  }
}

#define KONICA_COUNT "1.3.6.1.4.1.18334.1.1.1.5.7.2."

/* Konica Minolta: every meter of the recording's OIDs; duplex in a unit
 * Konica does not name; a sum whose parts would pass 2^64 is no sum. */
static void test_konica(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_konica,
         "1.3.6.1.2.1.1.1.0|4|KONICA MINOLTA bizhub C300i\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.18334.1.1.1.2.1.181.2.4\n"
         "1.3.6.1.2.1.43.10.2.1.4.1.1|65|1110\n"
         "1.3.6.1.4.1.18334.1.1.1.1.6.1.0|4|G00-R3\n" KONICA_COUNT
         "1.1.0|2|1111\n" KONICA_COUNT "1.3.0|2|77\n" KONICA_COUNT
         "1.5.0|2|66\n" KONICA_COUNT "2.1.5.1.1|2|100\n" KONICA_COUNT
         "2.1.5.1.2|2|700\n" KONICA_COUNT "2.1.5.2.1|2|10\n" KONICA_COUNT
         "2.1.5.2.2|2|300\n" KONICA_COUNT "3.1.5.1|2|55\n");
  assert_string_equal(p.manufacturer, "Konica Minolta");
  assert_string_equal(p.firmware, "G00-R3");
  assert_true(meter(&p, "print_mono") == 700 && meter(&p, "copy_mono") == 100);
  assert_true(meter(&p, "print_colour") == 300 &&
              meter(&p, "copy_colour") == 10);
  assert_true(meter(&p, "print") == 1000 && meter(&p, "copy") == 110);
  assert_true(meter(&p, "mono") == 800 && meter(&p, "colour") == 310);
  assert_true(meter(&p, "duplex") == 77);
  assert_int_equal(unit_of(&p, "duplex"), PP_METER_UNIT_UNKNOWN);
  assert_true(meter(&p, "scan") == 66); /* LibreNMS's OID, not 3.1.5.1 */
  assert_int_equal(unit_of(&p, "scan"), PP_METER_IMAGES);
  assert_true(p.counters.total == 1110);
  assert_string_equal(p.counters.note, "");
  only_meters(&p,
              (const char *const[]){"print", "print_mono", "print_colour",
                                    "copy", "copy_mono", "copy_colour", "mono",
                                    "colour", "duplex", "scan", NULL});
  pp_printer_clear(&p);
  decode(&p, &pp_profile_konica,
         "1.3.6.1.2.1.1.1.0|4|KONICA MINOLTA bizhub C300i\n" KONICA_COUNT
         "2.1.5.1.1|65|0\n" KONICA_COUNT
         "2.1.5.1.2|70|18446744073709551614\n" KONICA_COUNT
         "2.1.5.2.1|2|5\n" KONICA_COUNT "2.1.5.2.2|2|5\n");
  assert_true(meter(&p, "print_mono") == UINT64_MAX - 1);
  assert_true(meter(&p, "copy_mono") == 0);   /* a real 0 stays a 0 */
  assert_null(pp_printer_meter(&p, "print")); /* would pass 2^64 */
  assert_true(meter(&p, "mono") == UINT64_MAX - 1);
  pp_printer_clear(&p);
}

/* Develop is Konica Minolta's other badge: named like Ricoh's badges, by
 * sysDescr or the sysObjectID LibreNMS knows it by. */
static void test_konica_develop(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_konica,
         "1.3.6.1.2.1.1.1.0|4|Develop ineo+ 450i\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.18334.1.1.1.2.1.190.2.1\n");
  assert_string_equal(p.manufacturer, "Develop");
  assert_string_equal(p.model, "Develop ineo+ 450i");
  pp_printer_clear(&p);
  decode(&p, &pp_profile_konica,
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.18334.1.2.1.2.1.50.2.2\n"
         "1.3.6.1.4.1.18334.1.1.1.1.6.2.1.0|4|ineo 224e\n");
  assert_string_equal(p.manufacturer, "Develop");
  assert_string_equal(p.model, "ineo 224e");
  pp_printer_clear(&p);
}

#define XEROX_DETAIL "1.3.6.1.4.1.253.8.53.13.2.1.6."

/* Xerox: the model from DES: of the device id; every meter of the detail
 * table; scans only with both parts; no fax, mono, colour or duplex. */
static void test_xerox(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_xerox,
         "1.3.6.1.2.1.1.1.0|4|Xerox AltaLink C8130; SS 1.0\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.253.8.62.1.35.2.3.1.1\n"
         "1.3.6.1.4.1.253.8.51.1.2.1.20.1|4|MFG:Xerox; MDL:AltaLink C8130; "
         "DES:Xerox AltaLink C8130;\n" XEROX_DETAIL
         "1.20.1|65|500\n" XEROX_DETAIL "1.20.7|65|9999\n" XEROX_DETAIL
         "1.20.33|65|120\n" XEROX_DETAIL "1.20.34|65|380\n" XEROX_DETAIL
         "10.20.11|65|30\n" XEROX_DETAIL "10.20.12|65|12\n" XEROX_DETAIL
         "11.20.3|65|60\n" XEROX_DETAIL "11.20.25|65|6\n");
  assert_string_equal(p.manufacturer, "Xerox");
  assert_string_equal(p.model, "Xerox AltaLink C8130");
  assert_true(meter(&p, "print") == 500 && meter(&p, "print_mono") == 380);
  assert_true(meter(&p, "print_colour") == 120);
  assert_true(meter(&p, "copy_mono") == 60 && meter(&p, "copy_colour") == 6);
  assert_true(meter(&p, "copy") == 66 && meter(&p, "scan") == 42);
  assert_int_equal(unit_of(&p, "scan"), PP_METER_IMAGES);
  only_meters(&p, (const char *const[]){"print", "print_mono", "print_colour",
                                        "copy", "copy_mono", "copy_colour",
                                        "scan", NULL});
  pp_printer_clear(&p);
  /* MDL: without DES:; a scan part missing, a copy part negative */
  decode(&p, &pp_profile_xerox,
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.253.8.62.1.20.2.1\n"
         "1.3.6.1.4.1.253.8.51.1.2.1.20.1|4|MFG:Xerox;MDL:WorkCentre "
         "7845;\n" XEROX_DETAIL "10.20.11|65|30\n" XEROX_DETAIL
         "11.20.3|65|60\n" XEROX_DETAIL "11.20.25|2|-6\n");
  assert_string_equal(p.model, "WorkCentre 7845");
  assert_true(meter(&p, "copy_mono") == 60);
  only_meters(&p, (const char *const[]){"copy_mono", NULL});
  pp_printer_clear(&p);
}

/* Fuji Xerox and FUJIFILM share enterprise 297; FUJIFILM's sysObjectIDs
 * lie under 297.1.11.93.2, Fuji Xerox's under 297.1.11.93.1 (LibreNMS).
 * A profile picked by sysDescr alone names the maker sysDescr names. */
static void test_xerox_makers(void **state) {
  (void)state;
  static const char *const cases[][3] = {
      {"FUJIFILM Apeos C7580", "1.3.6.1.4.1.297.1.11.93.2.1.2.3.5", "FUJIFILM"},
      {"Apeos C3570", "1.3.6.1.4.1.297.1.11.93.2.1.2.3.1", "FUJIFILM"},
      {"DocuCentre-VI C3371", "1.3.6.1.4.1.297.1.11.93.1.47.2.1.1",
       "Fuji Xerox"},
      {"Fuji Xerox DocuPrint CP225 w", "1.3.6.1.4.1.99999.1", "Fuji Xerox"},
      {"Xerox VersaLink B405", "1.3.6.1.4.1.253.8.62.1.34.1", "Xerox"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
    char text[256];
    snprintf(text, sizeof(text),
             "1.3.6.1.2.1.1.1.0|4|%s\n1.3.6.1.2.1.1.2.0|6|%s\n", cases[i][0],
             cases[i][1]);
    struct pp_printer p;
    decode(&p, &pp_profile_fuji_xerox, text);
    if (strcmp(p.manufacturer, cases[i][2]) != 0)
      fail_msg("%s: maker %s, wanted %s", cases[i][0], p.manufacturer,
               cases[i][2]);
    pp_printer_clear(&p);
  }
}

#define SHARP_VALUE "1.3.6.1.4.1.2385.1.1.19.2.1.3."
#define SHARP_NAME "1.3.6.1.4.1.2385.1.1.19.2.1.4."

/* Sharp: identity, every named meter; the scan parts summed once each: a
 * part whose name comes twice counts once, as every other name does. */
static void test_sharp(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_sharp,
         "1.3.6.1.2.1.1.1.0|4|SHARP MX-3071\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2385.3.1.140.1.2\n"
         "1.3.6.1.4.1.2385.1.1.19.2.1.3.1.4.60|65|300\n" SHARP_VALUE
         "1.4.61|65|200\n" SHARP_VALUE "1.4.63|65|100\n" SHARP_VALUE
         "1.4.75|65|40\n" SHARP_VALUE "4.4.60|65|80\n" SHARP_VALUE
         "4.4.61|65|70\n" SHARP_VALUE "4.4.63|65|10\n" SHARP_VALUE
         "5.4.61|65|270\n" SHARP_VALUE "5.4.63|65|110\n" SHARP_VALUE
         "8.4.51|65|6\n" SHARP_VALUE "8.4.53|65|4\n" SHARP_VALUE
         "8.4.54|65|1\n" SHARP_VALUE "9.4.51|65|6\n" SHARP_NAME
         "1.4.60|4|Prints\n" SHARP_NAME
         "1.4.61|4|Black & White Print Count\n" SHARP_NAME
         "1.4.63|4|Full Color Print Count\n" SHARP_NAME
         "1.4.75|4|Duplex\n" SHARP_NAME "4.4.60|4|Copies\n" SHARP_NAME
         "4.4.61|4|Black & White Copy Count\n" SHARP_NAME
         "4.4.63|4|Full Color Copy Count\n" SHARP_NAME
         "5.4.61|4|Black & White Total Count\n" SHARP_NAME
         "5.4.63|4|Full Color Total Count\n" SHARP_NAME
         "8.4.51|4|Black & White Scanner Count\n" SHARP_NAME
         "8.4.53|4|Full Color Scanner Count\n" SHARP_NAME
         "8.4.54|4|Two Color Scanner Count\n" SHARP_NAME
         "9.4.51|4|Black & White Scanner Count\n"
         "1.3.6.1.4.1.2385.2.1.1.2.1.2.1|4|3.02\n"
         "1.3.6.1.4.1.2385.2.1.3.2.1.4.13501.1302.1|4|MX-3071\n");
  assert_string_equal(p.manufacturer, "Sharp");
  assert_string_equal(p.model, "MX-3071");
  assert_string_equal(p.firmware, "3.02");
  assert_true(meter(&p, "print") == 300 && meter(&p, "print_mono") == 200);
  assert_true(meter(&p, "print_colour") == 100 && meter(&p, "copy") == 80);
  assert_true(meter(&p, "copy_mono") == 70 && meter(&p, "copy_colour") == 10);
  assert_true(meter(&p, "mono") == 270 && meter(&p, "colour") == 110);
  assert_true(meter(&p, "duplex") == 40);
  assert_int_equal(unit_of(&p, "duplex"), PP_METER_UNIT_UNKNOWN);
  assert_true(meter(&p, "scan") == 11); /* 6 + 4 + 1, not 17 */
  assert_int_equal(unit_of(&p, "scan"), PP_METER_IMAGES);
  only_meters(&p,
              (const char *const[]){"print", "print_mono", "print_colour",
                                    "copy", "copy_mono", "copy_colour", "mono",
                                    "colour", "duplex", "scan", NULL});
  pp_printer_clear(&p);
}

/* Makers with identity only: every private identity OID read, the
 * standard ones first where the standard MIBs have them, and no meter
 * however much a private tree holds. */
static void test_lexmark(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_lexmark,
         "1.3.6.1.2.1.1.1.0|4|Lexmark CX825 version CXTPP.081.215\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.641.2.1.2.1.1\n"
         "1.3.6.1.4.1.641.6.2.3.1.4.1|4|Lexmark CX825\n"
         "1.3.6.1.4.1.641.6.2.3.1.5.1|4|LXK1\n"
         "1.3.6.1.4.1.641.6.3.3.1.7.1.1|4|CXTPP.081.215\n"
         "1.3.6.1.4.1.641.6.4.2.1.1.4.1.1|2|5000\n"
         "1.3.6.1.4.1.641.6.4.2.1.1.4.1.4|2|3000\n");
  assert_string_equal(p.manufacturer, "Lexmark");
  assert_string_equal(p.model, "Lexmark CX825");
  assert_string_equal(p.serial, "LXK1");
  assert_string_equal(p.firmware, "CXTPP.081.215");
  only_meters(&p, (const char *const[]){NULL});
  pp_printer_clear(&p);
  /* hrDeviceDescr and the Printer-MIB serial come first */
  decode(&p, &pp_profile_lexmark,
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.641.2.1.2.1.1\n"
         "1.3.6.1.2.1.25.3.2.1.2.1|6|1.3.6.1.2.1.25.3.1.5\n"
         "1.3.6.1.2.1.25.3.2.1.3.1|4|Lexmark MX622adhe\n"
         "1.3.6.1.2.1.43.5.1.1.17.1|4|STD2\n"
         "1.3.6.1.4.1.641.6.2.3.1.4.1|4|MX622\n"
         "1.3.6.1.4.1.641.6.2.3.1.5.1|4|LXK2\n");
  assert_string_equal(p.model, "Lexmark MX622adhe");
  assert_string_equal(p.serial, "STD2");
  pp_printer_clear(&p);
}

static void test_toshiba(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_toshiba,
         "1.3.6.1.2.1.1.1.0|4|TOSHIBA e-STUDIO3015AC\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.1129.2.3.45.1\n"
         "1.3.6.1.4.1.1129.1.2.1.1.1.1.1.0|4|CNC1\n"
         "1.3.6.1.4.1.1129.1.2.1.1.1.1.2.0|4|T410HD0W\n"
         "1.3.6.1.4.1.1129.1.2.1.1.1.2.1.0|4|e-STUDIO3015AC\n"
         "1.3.6.1.4.1.1129.2.3.50.1.3.21.6.1.2.1.3|2|400\n");
  assert_string_equal(p.manufacturer, "Toshiba");
  assert_string_equal(p.model, "e-STUDIO3015AC");
  assert_string_equal(p.serial, "CNC1");
  assert_string_equal(p.firmware, "T410HD0W");
  only_meters(&p, (const char *const[]){NULL});
  pp_printer_clear(&p);
}

/* OKI: its own OIDs, else MODEL: of the device id in HP's tree, else
 * "Attached to MODEL Rev.FW" of an OkiLAN sysDescr. */
static void test_oki(void **state) {
  (void)state;
  static const char descr[] =
      "1.3.6.1.2.1.1.1.0|4|OKI OkiLAN 9450g Rev.00.69 PrintServer: Attached "
      "to MC853 Rev.07.10 : Copyright (c) 2015 Oki Data Corporation.\n"
      "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2001.1.1.1.1\n";
  struct pp_printer p;
  char text[1024];
  snprintf(text, sizeof(text), "%s%s", descr,
           "1.3.6.1.4.1.11.2.3.9.1.1.7.0|4|MANUFACTURE:OKI;MODEL:MC853dn;\n"
           "1.3.6.1.4.1.2001.1.1.1.1.11.1.10.25.0|4|MC853dnv\n"
           "1.3.6.1.4.1.2001.1.1.1.1.11.1.10.45.0|4|OKI5\n");
  decode(&p, &pp_profile_oki, text);
  assert_string_equal(p.manufacturer, "OKI");
  assert_string_equal(p.model, "MC853dnv");
  assert_string_equal(p.serial, "OKI5");
  assert_string_equal(p.firmware, "07.10");
  only_meters(&p, (const char *const[]){NULL});
  pp_printer_clear(&p);
  snprintf(text, sizeof(text), "%s%s", descr,
           "1.3.6.1.4.1.11.2.3.9.1.1.7.0|4|MANUFACTURE:OKI;MODEL:MC853dn;\n");
  decode(&p, &pp_profile_oki, text);
  assert_string_equal(p.model, "MC853dn");
  assert_string_equal(p.serial, "");
  pp_printer_clear(&p);
  decode(&p, &pp_profile_oki, descr);
  assert_string_equal(p.model, "MC853");
  pp_printer_clear(&p);
}

/* Dell: MODEL: of Dell's device id wins over hrDeviceDescr, which on Dell
 * carries serial and firmware after the model. */
static void test_dell(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_dell,
         "1.3.6.1.2.1.1.1.0|4|Dell H625cdw version HX.1\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.674.10898.2.100.100.51.1\n"
         "1.3.6.1.2.1.25.3.2.1.2.1|6|1.3.6.1.2.1.25.3.1.5\n"
         "1.3.6.1.2.1.25.3.2.1.3.1|4|Dell H625cdw 7XQ1 HX.1\n"
         "1.3.6.1.2.1.43.5.1.1.17.1|4|7XQ1\n"
         "1.3.6.1.4.1.674.10898.100.1.1.1.0|4|HX.1\n"
         "1.3.6.1.4.1.674.10898.100.2.1.2.1.3.1|4|COMMAND SET:;MODEL:Dell "
         "H625cdw\n");
  assert_string_equal(p.manufacturer, "Dell");
  assert_string_equal(p.model, "Dell H625cdw");
  assert_string_equal(p.serial, "7XQ1");
  assert_string_equal(p.firmware, "HX.1");
  only_meters(&p, (const char *const[]){NULL});
  pp_printer_clear(&p);
  /* a Dell built by Lexmark answers in Lexmark's tree (LibreNMS) */
  decode(&p, &pp_profile_dell,
         "1.3.6.1.2.1.1.1.0|4|Dell Laser Printer 5310n version NS.NP.N212\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.674.10898.2.100.100.51.2\n"
         "1.3.6.1.4.1.641.1.1.1.0|4|NS.NP.N212\n"
         "1.3.6.1.4.1.641.2.1.2.1.3.1|4|MANUFACTURER:Dell;COMMAND SET:;MODEL:"
         "Dell Laser Printer 5310n\n");
  assert_string_equal(p.model, "Dell Laser Printer 5310n");
  assert_string_equal(p.firmware, "NS.NP.N212");
  pp_printer_clear(&p);
}

/* Samsung: "Samsung MODEL; VFIRMWARE; ...; S/N SERIAL" in sysDescr; an
 * empty serial stays empty; a sysDescr of another layout changes
 * nothing. */
static void test_samsung(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_samsung,
         "1.3.6.1.2.1.1.1.0|4|Samsung C480W; V3.00.01.10 Apr-10-2015;Engine "
         "V1.00.06;NIC V4.01.00;S/N ZDBF1\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.236.11.5.11.62.1\n"
         "1.3.6.1.2.1.25.3.2.1.2.1|6|1.3.6.1.2.1.25.3.1.5\n"
         "1.3.6.1.2.1.25.3.2.1.3.1|4|Samsung C48x Series\n");
  assert_string_equal(p.manufacturer, "Samsung");
  assert_string_equal(p.model, "Samsung C480W");
  assert_string_equal(p.firmware, "3.00.01.10 Apr-10-2015");
  assert_string_equal(p.serial, "ZDBF1");
  only_meters(&p, (const char *const[]){NULL});
  pp_printer_clear(&p);
  decode(&p, &pp_profile_samsung,
         "1.3.6.1.2.1.1.1.0|4|Samsung M4080FX; V11.01;Engine V1;NIC ;S/N \n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.236.11.5.11.62.1\n");
  assert_string_equal(p.model, "Samsung M4080FX");
  assert_string_equal(p.serial, "");
  pp_printer_clear(&p);
  decode(&p, &pp_profile_samsung,
         "1.3.6.1.2.1.1.1.0|4|Samsung SCX-4x28 Series\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.236.11.5.11.62.1\n");
  assert_string_equal(p.firmware, "");
  assert_string_equal(p.serial, "");
  pp_printer_clear(&p);
}

/* Zebra: the printer's model, serial and firmware before the print
 * server's (the GLPI agent, not LibreNMS: a bill names the printer). */
static void test_zebra(void **state) {
  (void)state;
  struct pp_printer p;
  decode(&p, &pp_profile_zebra,
         "1.3.6.1.2.1.1.1.0|4|ZebraNet PrintServer\n"
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.10642.1.1\n"
         "1.3.6.1.4.1.683.1.4.0|4|79071\n"
         "1.3.6.1.4.1.683.1.5.0|4|7062184\n"
         "1.3.6.1.4.1.683.1.9.0|4|V1.1.7\n"
         "1.3.6.1.4.1.683.6.2.3.2.1.15.1|4|ESI model\n"
         "1.3.6.1.4.1.10642.1.1.0|4x|5a5443205a54343130\n"
         "1.3.6.1.4.1.10642.1.2.0|4|V75.20.01Z\n"
         "1.3.6.1.4.1.10642.1.9.0|4|ZBR1\n"
         "1.3.6.1.4.1.10642.200.17.3.0|4|1920 INCHES, 4876 CENTIMETERS\n");
  assert_string_equal(p.manufacturer, "Zebra");
  assert_string_equal(p.model, "ZTC ZT410");
  assert_string_equal(p.serial, "ZBR1");
  assert_string_equal(p.firmware, "V75.20.01Z");
  only_meters(&p, (const char *const[]){NULL});
  pp_printer_clear(&p);
  /* a mobile printer: the ZEBRA-QL OIDs; else the print server's */
  decode(&p, &pp_profile_zebra,
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.10642.1.1\n"
         "1.3.6.1.4.1.683.1.5.0|4|7062184\n"
         "1.3.6.1.4.1.683.1.9.0|4|V1.1.7\n"
         "1.3.6.1.4.1.10642.200.19.5.0|4|XXQLJ1\n"
         "1.3.6.1.4.1.10642.200.19.7.0|4|QLn320\n");
  assert_string_equal(p.model, "QLn320");
  assert_string_equal(p.serial, "XXQLJ1");
  assert_string_equal(p.firmware, "V1.1.7");
  pp_printer_clear(&p);
  decode(&p, &pp_profile_zebra_esi,
         "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.683.6\n"
         "1.3.6.1.4.1.683.1.5.0|4|7062184\n"
         "1.3.6.1.4.1.683.6.2.3.2.1.15.1|4|TLP 2844\n");
  assert_string_equal(p.model, "TLP 2844");
  assert_string_equal(p.serial, "7062184");
  pp_printer_clear(&p);
}

/* Recognition: each maker by its enterprise number (docs/vendors.md),
 * badges that share one by the same profile, and devices behind another
 * maker's number (or none) by the words of sysDescr. */
/* Epson: column 3 of .27 is mono, column 4 colour (the stronger source);
 * column 30 is never a meter; a mono and colour that do not make
 * prtMarkerLifeCount are reported as they are, with a note; garbage and
 * absence are no meter; the PWG counters win. */
static void test_epson_meters(void **state) {
  (void)state;
  static const char *const system =
      "1.3.6.1.2.1.1.1.0|4|EPSON Built-in\n"
      "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.1248.1.2.1\n"
      "1.3.6.1.2.1.43.10.2.1.4.1.1|65|20311\n";
  char text[1024];
  struct pp_printer p;
  snprintf(text, sizeof(text), "%s%s", system,
           "1.3.6.1.4.1.1248.1.2.2.27.1.1.3.1.1|65|14200\n"
           "1.3.6.1.4.1.1248.1.2.2.27.1.1.4.1.1|65|6111\n"
           "1.3.6.1.4.1.1248.1.2.2.27.1.1.30.1.1|65|20311\n");
  decode(&p, &pp_profile_epson, text);
  assert_true(meter(&p, "mono") == 14200 && meter(&p, "colour") == 6111);
  assert_int_equal(unit_of(&p, "mono"), PP_METER_IMPRESSIONS);
  assert_true(p.counters.total == 20311);
  assert_string_equal(p.counters.note, "");
  only_meters(&p, (const char *const[]){"mono", "colour", NULL});
  pp_printer_clear(&p);

  snprintf(text, sizeof(text), "%s%s", system,
           "1.3.6.1.4.1.1248.1.2.2.27.1.1.3.1.1|65|20311\n"
           "1.3.6.1.4.1.1248.1.2.2.27.1.1.4.1.1|65|15120\n");
  decode(&p, &pp_profile_epson, text);
  assert_true(p.counters.total == 20311 && meter(&p, "mono") == 20311);
  assert_non_null(strstr(p.counters.note, "mono + colour = 35431"));
  pp_printer_clear(&p);

  snprintf(text, sizeof(text), "%s%s", system,
           "1.3.6.1.4.1.1248.1.2.2.27.1.1.3.1.1|4|many\n"
           "1.3.6.1.4.1.1248.1.2.2.27.1.1.4.1.1|2|-2\n");
  decode(&p, &pp_profile_epson, text);
  only_meters(&p, (const char *const[]){NULL});
  pp_printer_clear(&p);

  snprintf(text, sizeof(text), "%s%s", system,
           "1.3.6.1.4.1.1248.1.2.2.27.1.1.3.1.1|65|999\n"
           "1.3.6.1.4.1.2699.1.3.1.2.1.1.2.1|2|3\n"
           "1.3.6.1.4.1.2699.1.3.1.8.1.1.5.1.3.3|2|500\n");
  decode(&p, &pp_profile_epson, text);
  assert_true(meter(&p, "mono") == 500);
  pp_printer_clear(&p);
}

static void test_recognition(void **state) {
  (void)state;
  static const struct {
    uint32_t enterprise;
    const char *descr, *profile;
  } cases[] = {
      {11, "", "hp"},
      {2435, "", "brother"},
      {1602, "", "canon"},
      {1347, "TA_UTAX Printing System", "kyocera"},
      {367, "SAVIN MP C307", "ricoh"},
      {18334, "Develop ineo+ 450i", "konica"},
      {253, "", "xerox"},
      {297, "", "xerox"},
      {2385, "", "sharp"},
      {1129, "", "toshiba"},
      {641, "", "lexmark"},
      {236, "", "samsung"},
      {2001, "", "oki"},
      {674, "", "dell"},
      {10642, "", "zebra"},
      {683, "ZebraNet PrintServer", "zebra"},
      {1248, "", "epson"},
      {0, "TA_UTAX Printing System", "kyocera"},
      {0, "Gestetner MP 6054 / Gestetner Network Printer", "ricoh"},
      {0, "NRG MP C3003 1.00 / NRG Network Printer C model", "ricoh"},
      {0, "LANIER MP 2554", "ricoh"},
      {0, "Develop ineo+ 280", "konica"},
      {0, "Fuji Xerox DocuPrint CP225 w", "xerox"},
      {0, "FUJIFILM Apeos C7580", "xerox"},
      {0, "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT", "hp"},
      {0, "Brother NC-6800h, Firmware Ver.1.01", "brother"},
      {0, "SHARP MX-3570N", "sharp"},
      {0, "OKI OkiLAN 9450g Rev.00.69", "oki"},
      {9, "Cisco IOS", "generic"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
    const struct pp_profile *got =
        pp_profile_select(pp_profiles, cases[i].enterprise, cases[i].descr);
    if (got == NULL || strcmp(got->name, cases[i].profile) != 0)
      fail_msg("%" PRIu32 " \"%s\": profile %s, wanted %s", cases[i].enterprise,
               cases[i].descr, got != NULL ? got->name : "none",
               cases[i].profile);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_device_id_fields),
      cmocka_unit_test(test_hp_pml_strings),
      cmocka_unit_test(test_konica_sums),
      cmocka_unit_test(test_ricoh_by_type),
      cmocka_unit_test(test_pwg_before_private),
      cmocka_unit_test(test_garbage_is_no_meter),
      cmocka_unit_test(test_sharp_by_name),
      cmocka_unit_test(test_hp_meters),
      cmocka_unit_test(test_hp_scan_parts),
      cmocka_unit_test(test_hp_identity),
      cmocka_unit_test(test_brother),
      cmocka_unit_test(test_canon),
      cmocka_unit_test(test_canon_parts),
      cmocka_unit_test(test_kyocera),
      cmocka_unit_test(test_ricoh),
      cmocka_unit_test(test_ricoh_badges),
      cmocka_unit_test(test_konica),
      cmocka_unit_test(test_konica_develop),
      cmocka_unit_test(test_xerox),
      cmocka_unit_test(test_xerox_makers),
      cmocka_unit_test(test_sharp),
      cmocka_unit_test(test_lexmark),
      cmocka_unit_test(test_toshiba),
      cmocka_unit_test(test_oki),
      cmocka_unit_test(test_dell),
      cmocka_unit_test(test_samsung),
      cmocka_unit_test(test_zebra),
      cmocka_unit_test(test_epson_meters),
      cmocka_unit_test(test_recognition),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
