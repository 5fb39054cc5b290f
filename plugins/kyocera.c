/* SPDX-License-Identifier: MIT */
/* Kyocera and UTAX / TA Triumph-Adler (enterprise 1347, one agent, one
 * sysObjectID): identity and per-function meters (docs/vendors.md,
 * Kyocera).
 *
 * The maker is told apart by sysDescr ("KYOCERA ..." or "TA_UTAX ...").
 * Identity from KYOCERA-MIB (LibreNMS). Meters: the GLPI agent's MFP
 * table 1347.42.3.1.1.1.1.<f> (f 1 print, 2 copy, 4 fax) and
 * 1347.42.3.1.2.1.1.<f>.<c> (c 1 black, 3 full colour), scans
 * 1347.46.10.1.1.5.3. The non-MFP OIDs under 1347.42.2 are not read: the
 * GLPI agent changed them in 2019 and other sources read the same indexes
 * as paper sizes; no recording settles it, and a wrong "colour" on a bill
 * is worse than none. */
#include <string.h>

#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define KYOCERA_MODEL "1.3.6.1.4.1.1347.43.5.1.1.1.1"
#define KYOCERA_SERIAL "1.3.6.1.4.1.1347.43.5.1.1.28.1"
#define KYOCERA_FIRMWARE "1.3.6.1.4.1.1347.43.5.4.1.5.1.1"
#define KYOCERA_BY_FUNCTION "1.3.6.1.4.1.1347.42.3.1.1.1.1"
#define KYOCERA_BY_COLOUR "1.3.6.1.4.1.1347.42.3.1.2.1.1"
#define KYOCERA_SCAN_TABLE "1.3.6.1.4.1.1347.46.10.1.1.5"
#define KYOCERA_SCANS KYOCERA_SCAN_TABLE ".3"

static const char *const kyocera_scalars[] = {KYOCERA_MODEL, KYOCERA_SERIAL,
                                              KYOCERA_FIRMWARE, NULL};
/* The scan count is one cell of a table: walked, since a scalar is asked
 * as GETNEXT of its parent and would find the table's first cell. */
static const char *const kyocera_columns[] = {
    KYOCERA_BY_FUNCTION,
    KYOCERA_BY_COLOUR,
    KYOCERA_SCAN_TABLE,
    NULL,
};
static const char *const kyocera_descr[] = {"kyocera", "ta_utax", "utax", NULL};

static void kyocera_meters(struct pp_varset *values, struct pp_printer *p) {
  const int imp = PP_METER_IMPRESSIONS;
  (void)vendor_meter(values, KYOCERA_BY_FUNCTION ".1", p, "print", imp);
  (void)vendor_meter(values, KYOCERA_BY_FUNCTION ".2", p, "copy", imp);
  (void)vendor_meter(values, KYOCERA_BY_FUNCTION ".4", p, "fax", imp);
  (void)vendor_meter(values, KYOCERA_BY_COLOUR ".1.1", p, "print_mono", imp);
  (void)vendor_meter(values, KYOCERA_BY_COLOUR ".1.3", p, "print_colour", imp);
  (void)vendor_meter(values, KYOCERA_BY_COLOUR ".2.1", p, "copy_mono", imp);
  (void)vendor_meter(values, KYOCERA_BY_COLOUR ".2.3", p, "copy_colour", imp);
  (void)vendor_meter(values, KYOCERA_SCANS, p, "scan", PP_METER_IMAGES);
}

static int kyocera_decode(struct pp_varset *values, struct pp_printer *p) {
  char text[128];
  bool utax = pp_contains_ci(p->sys_descr, "utax");
  pp_strlcpy(p->manufacturer, utax ? "UTAX" : "Kyocera",
             sizeof(p->manufacturer));
  vendor_text(values, KYOCERA_MODEL, text, sizeof(text));
  vendor_fill_model(p, text);
  vendor_text(values, KYOCERA_SERIAL, text, sizeof(text));
  vendor_fill_serial(p, text);
  vendor_text(values, KYOCERA_FIRMWARE, text, sizeof(text));
  vendor_fill_firmware(p, text);
  kyocera_meters(values, p);
  return 0;
}

const struct pp_profile pp_profile_kyocera = {
    .name = "kyocera",
    .enterprise = 1347,
    .descr_match = kyocera_descr,
    .scalars = kyocera_scalars,
    .columns = kyocera_columns,
    .decode = kyocera_decode,
};
