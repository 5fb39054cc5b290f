/* SPDX-License-Identifier: MIT */
/* Zebra label printers (enterprise 10642, or 683 for the ZebraNet / ESI
 * print server): maker, model, serial, firmware (docs/vendors.md, Zebra).
 *
 * LibreNMS reads the print server's part number and serial (683.1.4.0,
 * 683.1.5.0); the GLPI agent reads the printer's model and serial. The
 * GLPI agent is followed: a bill names the printer, not its network card.
 * Model zbrGeneralModel 10642.1.1.0, else 10642.200.19.7.0, else ESI
 * 683.6.2.3.2.1.15.1; serial zbrGeneralUniqueId 10642.1.9.0, else
 * 10642.200.19.5.0, else ESI 683.1.5.0; firmware 10642.1.2.0, else
 * 683.1.9.0. No page meters: Zebra counts printed length only. */
#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define ZEBRA_MODEL "1.3.6.1.4.1.10642.1.1.0"
#define ZEBRA_FIRMWARE "1.3.6.1.4.1.10642.1.2.0"
#define ZEBRA_SERIAL "1.3.6.1.4.1.10642.1.9.0"
#define ZEBRA_QL_SERIAL "1.3.6.1.4.1.10642.200.19.5.0"
#define ZEBRA_QL_MODEL "1.3.6.1.4.1.10642.200.19.7.0"
#define ESI_SERIAL "1.3.6.1.4.1.683.1.5.0"
#define ESI_FIRMWARE "1.3.6.1.4.1.683.1.9.0"
#define ESI_MODEL "1.3.6.1.4.1.683.6.2.3.2.1.15.1"

static const char *const zebra_scalars[] = {
    ZEBRA_MODEL,     ZEBRA_FIRMWARE, ZEBRA_SERIAL,
    ZEBRA_QL_SERIAL, ZEBRA_QL_MODEL, ESI_SERIAL,
    ESI_FIRMWARE,    ESI_MODEL,      NULL,
};
static const char *const zebra_descr[] = {"zebra", NULL};

/* The first of oids that has a text. */
static void first_of(struct pp_varset *values, const char *const *oids,
                     char *out, size_t outlen) {
  out[0] = '\0';
  for (size_t i = 0; oids[i] != NULL && out[0] == '\0'; i++)
    vendor_text(values, oids[i], out, outlen);
}

static int zebra_decode(struct pp_varset *values, struct pp_printer *p) {
  char text[128];
  pp_strlcpy(p->manufacturer, "Zebra", sizeof(p->manufacturer));
  static const char *const models[] = {ZEBRA_MODEL, ZEBRA_QL_MODEL, ESI_MODEL,
                                       NULL};
  static const char *const serials[] = {ZEBRA_SERIAL, ZEBRA_QL_SERIAL,
                                        ESI_SERIAL, NULL};
  static const char *const firmwares[] = {ZEBRA_FIRMWARE, ESI_FIRMWARE, NULL};
  first_of(values, models, text, sizeof(text));
  vendor_fill_model(p, text);
  first_of(values, serials, text, sizeof(text));
  vendor_fill_serial(p, text);
  first_of(values, firmwares, text, sizeof(text));
  vendor_fill_firmware(p, text);
  return 0;
}

const struct pp_profile pp_profile_zebra = {
    .name = "zebra",
    .enterprise = 10642,
    .descr_match = zebra_descr,
    .scalars = zebra_scalars,
    .decode = zebra_decode,
};

const struct pp_profile pp_profile_zebra_esi = {
    .name = "zebra",
    .enterprise = 683,
    .scalars = zebra_scalars,
    .decode = zebra_decode,
};
