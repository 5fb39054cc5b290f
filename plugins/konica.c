/* SPDX-License-Identifier: MIT */
/* Konica Minolta (enterprise 18334), also sold as Develop ineo and
 * Olivetti: identity and meters (docs/vendors.md, Konica Minolta).
 *
 * Maker: "Develop" where sysDescr says so or sysObjectID is the one
 * LibreNMS knows Develop by (18334.1.2.1.2.1.50.2.2), as a Ricoh badge is
 * named for its badge; else Konica Minolta.
 *
 * Model: Konica's model OID 18334.1.1.1.1.6.2.1.0 answers the name on the
 * badge ("Develop ineo+ 280" on a bizhub C3110), so the real model comes
 * from hrDeviceDescr or sysDescr, and the badge's name only where neither
 * has one.
 *
 * Meters: 18334.1.1.1.5.7.2.2.1.5.<c>.<f>, c 1 black, 2 colour; f 1 copy,
 * 2 print (LibreNMS and GLPI agree). Duplex 5.7.2.1.3.0 (both).
 * Scans: LibreNMS reads 5.7.2.1.5.0, the GLPI agent 5.7.2.3.1.5.1; the
 * konica_c250i recording has the first and not the second, so the first
 * is read. print, copy, mono and colour are the sums of their parts; on
 * that recording mono + colour is 33803 against a prtMarkerLifeCount of
 * 33810, which the report states in counters_note. */
#include <string.h>

#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define KONICA_FIRMWARE "1.3.6.1.4.1.18334.1.1.1.1.6.1.0"
#define KONICA_MODEL "1.3.6.1.4.1.18334.1.1.1.1.6.2.1.0"
#define KONICA_DUPLEX "1.3.6.1.4.1.18334.1.1.1.5.7.2.1.3.0"
#define KONICA_SCAN "1.3.6.1.4.1.18334.1.1.1.5.7.2.1.5.0"
#define KONICA_BY_COLOUR "1.3.6.1.4.1.18334.1.1.1.5.7.2.2.1.5"
#define KONICA_COPY_MONO KONICA_BY_COLOUR ".1.1"
#define KONICA_PRINT_MONO KONICA_BY_COLOUR ".1.2"
#define KONICA_COPY_COLOUR KONICA_BY_COLOUR ".2.1"
#define KONICA_PRINT_COLOUR KONICA_BY_COLOUR ".2.2"

static const char *const konica_scalars[] = {
    KONICA_FIRMWARE, KONICA_MODEL, KONICA_DUPLEX, KONICA_SCAN, NULL,
};
static const char *const konica_columns[] = {KONICA_BY_COLOUR, NULL};
static const char *const konica_descr[] = {"konica minolta", "develop ineo",
                                           NULL};

static void konica_meters(struct pp_varset *values, struct pp_printer *p) {
  const int imp = PP_METER_IMPRESSIONS;
  (void)vendor_meter(values, KONICA_PRINT_MONO, p, "print_mono", imp);
  (void)vendor_meter(values, KONICA_PRINT_COLOUR, p, "print_colour", imp);
  (void)vendor_meter(values, KONICA_COPY_MONO, p, "copy_mono", imp);
  (void)vendor_meter(values, KONICA_COPY_COLOUR, p, "copy_colour", imp);
  /* Konica does not say whether it counts sheets or sides */
  (void)vendor_meter(values, KONICA_DUPLEX, p, "duplex", 0);
  (void)vendor_meter(values, KONICA_SCAN, p, "scan", PP_METER_IMAGES);
  (void)vendor_meter_sum(p, "print", "print_mono", "print_colour", imp);
  (void)vendor_meter_sum(p, "copy", "copy_mono", "copy_colour", imp);
  (void)vendor_meter_sum(p, "mono", "print_mono", "copy_mono", imp);
  (void)vendor_meter_sum(p, "colour", "print_colour", "copy_colour", imp);
}

#define DEVELOP_OBJECT_ID "1.3.6.1.4.1.18334.1.2.1.2.1.50.2.2"

static const char *konica_maker(const struct pp_printer *p) {
  if (pp_contains_ci(p->sys_descr, "develop") ||
      vendor_oid_under(p->sys_object_id, DEVELOP_OBJECT_ID))
    return "Develop";
  return "Konica Minolta";
}

static int konica_decode(struct pp_varset *values, struct pp_printer *p) {
  char text[128];
  pp_strlcpy(p->manufacturer, konica_maker(p), sizeof(p->manufacturer));
  /* The real model before the badge's name (see above). */
  vendor_text(values, KONICA_MODEL, text, sizeof(text));
  if (p->model[0] == '\0')
    pp_text_copy(p->model, p->sys_descr[0] != '\0' ? p->sys_descr : text,
                 sizeof(p->model));
  vendor_text(values, KONICA_FIRMWARE, text, sizeof(text));
  vendor_fill_firmware(p, text);
  konica_meters(values, p);
  return 0;
}

const struct pp_profile pp_profile_konica = {
    .name = "konica",
    .enterprise = 18334,
    .descr_match = konica_descr,
    .scalars = konica_scalars,
    .columns = konica_columns,
    .decode = konica_decode,
};
