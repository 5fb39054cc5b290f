/* SPDX-License-Identifier: MIT */
/* Lexmark (enterprise 641): identity (docs/vendors.md, Lexmark).
 *
 * Model 641.6.2.3.1.4.1, serial 641.6.2.3.1.5.1 (after the Printer-MIB's),
 * firmware 641.6.3.3.1.7.1.1, as the GLPI agent reads them. Its prtgen*
 * OIDs are left out: it builds them with a dot missing. No meters: only
 * small scripts name a Lexmark counter table, and they disagree which row
 * is mono; the PWG counters are read where the printer has them. */
#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define LEXMARK_MODEL "1.3.6.1.4.1.641.6.2.3.1.4.1"
#define LEXMARK_SERIAL "1.3.6.1.4.1.641.6.2.3.1.5.1"
#define LEXMARK_FIRMWARE "1.3.6.1.4.1.641.6.3.3.1.7.1.1"

static const char *const lexmark_scalars[] = {LEXMARK_MODEL, LEXMARK_SERIAL,
                                              LEXMARK_FIRMWARE, NULL};
static const char *const lexmark_descr[] = {"lexmark", NULL};

static int lexmark_decode(struct pp_varset *values, struct pp_printer *p) {
  char text[128];
  pp_strlcpy(p->manufacturer, "Lexmark", sizeof(p->manufacturer));
  vendor_text(values, LEXMARK_MODEL, text, sizeof(text));
  vendor_fill_model(p, text);
  vendor_text(values, LEXMARK_SERIAL, text, sizeof(text));
  vendor_fill_serial(p, text);
  vendor_text(values, LEXMARK_FIRMWARE, text, sizeof(text));
  vendor_fill_firmware(p, text);
  return 0;
}

const struct pp_profile pp_profile_lexmark = {
    .name = "lexmark",
    .enterprise = 641,
    .descr_match = lexmark_descr,
    .scalars = lexmark_scalars,
    .decode = lexmark_decode,
};
