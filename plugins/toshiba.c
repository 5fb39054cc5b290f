/* SPDX-License-Identifier: MIT */
/* Toshiba TEC (enterprise 1129): identity (docs/vendors.md, Toshiba).
 *
 * The GLPI agent reads bcpProductNumber 1129.1.2.1.1.1.1.1.0 as the
 * serial and bcpDeviceModel 1129.1.2.1.1.1.2.1.0 as the model; so does
 * this profile. No meters: only small scripts name Toshiba's counter
 * table, unverified by any recording. */
#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define TOSHIBA_SERIAL "1.3.6.1.4.1.1129.1.2.1.1.1.1.1.0"
#define TOSHIBA_FIRMWARE "1.3.6.1.4.1.1129.1.2.1.1.1.1.2.0"
#define TOSHIBA_MODEL "1.3.6.1.4.1.1129.1.2.1.1.1.2.1.0"

static const char *const toshiba_scalars[] = {TOSHIBA_SERIAL, TOSHIBA_FIRMWARE,
                                              TOSHIBA_MODEL, NULL};
static const char *const toshiba_descr[] = {"toshiba", NULL};

static int toshiba_decode(struct pp_varset *values, struct pp_printer *p) {
  char text[128];
  pp_strlcpy(p->manufacturer, "Toshiba", sizeof(p->manufacturer));
  vendor_text(values, TOSHIBA_MODEL, text, sizeof(text));
  vendor_fill_model(p, text);
  vendor_text(values, TOSHIBA_SERIAL, text, sizeof(text));
  vendor_fill_serial(p, text);
  vendor_text(values, TOSHIBA_FIRMWARE, text, sizeof(text));
  vendor_fill_firmware(p, text);
  return 0;
}

const struct pp_profile pp_profile_toshiba = {
    .name = "toshiba",
    .enterprise = 1129,
    .descr_match = toshiba_descr,
    .scalars = toshiba_scalars,
    .decode = toshiba_decode,
};
