/* SPDX-License-Identifier: MIT */
/* HP (enterprise 11, JetDirect): identity and meters from
 * HP-LASERJET-COMMON-MIB (docs/vendors.md, HP).
 *
 * PML strings start with the bytes 0x01 0x15 (type and length, not text)
 * and some agents hex-dump the rest on continuation lines: both are
 * undone before the text is used.
 *
 * Meters: status-prt-eng 11.2.3.9.4.2.1.4.1.2 .6 mono, .7 colour, .22
 * duplex (LibreNMS and HP's MIB; the GLPI agent reads .7 and .22 but not
 * .6, no conflict in values). HP's MIB counts colour pages side by side
 * (impressions) but duplex-page-count in sheets that went through the
 * duplex path, so duplex is reported in sheets. Scans: the flatbed count
 * 2.2.1.74 (LibreNMS) plus the feeder count 2.2.1.44 (HP's MIB); by HP's
 * MIB both include pages scanned for copies and faxes. The scan-to-host
 * counts (.73, .45) are not read: the jetdirect_m130nw recording answers
 * 10884743 for .45 while its feeder total .44 is 0. That recording
 * confirms mono = prtMarkerLifeCount = 15232, duplex 0 and flatbed 1190,
 * feeder 0; a mono model has no colour OID. */
#include <string.h>

#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define HP_DEVICE_ID "1.3.6.1.4.1.11.2.3.9.1.1.7.0"
#define HP_MODEL "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.2.0"
#define HP_SERIAL "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.3.0"
#define HP_FIRMWARE_DATE "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.5.0"
#define HP_SCAN_ADF "1.3.6.1.4.1.11.2.3.9.4.2.1.2.2.1.44.0"
#define HP_SCAN_FLATBED "1.3.6.1.4.1.11.2.3.9.4.2.1.2.2.1.74.0"
#define HP_MONO "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.6.0"
#define HP_COLOUR "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.7.0"
#define HP_DUPLEX "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.22.0"

static const char *const hp_scalars[] = {
    HP_DEVICE_ID,    HP_MODEL, HP_SERIAL, HP_FIRMWARE_DATE, HP_SCAN_ADF,
    HP_SCAN_FLATBED, HP_MONO,  HP_COLOUR, HP_DUPLEX,        NULL,
};
static const char *const hp_descr[] = {
    "jetdirect", "hp ethernet multi-environment", "hp laser mfp", NULL};

static void hp_identity(struct pp_varset *values, struct pp_printer *p) {
  char text[256];
  pp_strlcpy(p->manufacturer, "HP", sizeof(p->manufacturer));
  char id[512];
  vendor_text(values, HP_DEVICE_ID, id, sizeof(id));
  static const char *const model_keys[] = {"MDL:", "MODEL:", "DES:", NULL};
  vendor_device_id_field(id, model_keys, text, sizeof(text));
  if (text[0] == '\0')
    vendor_pml_text(values, HP_MODEL, text, sizeof(text));
  vendor_fill_model(p, text);
  vendor_pml_text(values, HP_SERIAL, text, sizeof(text));
  vendor_fill_serial(p, text);
  vendor_pml_text(values, HP_FIRMWARE_DATE, text, sizeof(text));
  vendor_fill_firmware(p, text);
}

/* One part of the scan count: false when it is there but no count (a
 * string, a negative number), so that no sum is made without it. */
static bool scan_part(const struct pp_value *v, uint64_t *n) {
  *n = 0;
  return v == NULL || (v->type != PP_V_OCTETS && pp_value_count(v, n));
}

static void hp_scans(struct pp_varset *values, struct pp_printer *p) {
  uint64_t flatbed, adf;
  const struct pp_value *f = pp_varset_gets(values, HP_SCAN_FLATBED);
  const struct pp_value *a = pp_varset_gets(values, HP_SCAN_ADF);
  /* A model without a feeder has no feeder count, one without a flatbed
   * no flatbed count: an absent part adds nothing. A part that answered
   * garbage is unread, and a sum without it would bill too little. */
  if ((f == NULL && a == NULL) || !scan_part(f, &flatbed) ||
      !scan_part(a, &adf) || adf > UINT64_MAX - 1 - flatbed)
    return;
  (void)pp_meter_fill(p, "scan", flatbed + adf, PP_METER_IMAGES);
}

static int hp_decode(struct pp_varset *values, struct pp_printer *p) {
  hp_identity(values, p);
  (void)vendor_meter(values, HP_MONO, p, "mono", PP_METER_IMPRESSIONS);
  (void)vendor_meter(values, HP_COLOUR, p, "colour", PP_METER_IMPRESSIONS);
  /* "sheets of media that have been duplex printed" (HP's MIB) */
  (void)vendor_meter(values, HP_DUPLEX, p, "duplex", PP_METER_SHEETS);
  hp_scans(values, p);
  return 0;
}

const struct pp_profile pp_profile_hp = {
    .name = "hp",
    .enterprise = 11,
    .descr_match = hp_descr,
    .scalars = hp_scalars,
    .decode = hp_decode,
};
