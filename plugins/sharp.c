/* SPDX-License-Identifier: MIT */
/* Sharp (enterprise 2385): model, firmware and the meters of Sharp's
 * counter table (docs/vendors.md, Sharp).
 *
 * The table 2385.1.1.19.2.1 has a value column (.3) and a name column (.4)
 * with the index <group>.<4|5>.<code>. Group numbers differ from model to
 * model (scans are group 7 on one, group 8 on another), so rows are decoded
 * by their name, never by their position. Only LibreNMS decodes this
 * table; the names below are those of the sharp recording in tests/corpus,
 * where Black & White Total + Full Color Total = prtMarkerLifeCount and
 * B&W total = B&W prints + B&W copies + B&W other, so they are
 * impressions. */
#include <string.h>
#include <strings.h>

#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define SHARP_MODEL "1.3.6.1.4.1.2385.2.1.3.2.1.4.13501.1302.1"
#define SHARP_FIRMWARE "1.3.6.1.4.1.2385.2.1.1.2.1.2.1"
#define SHARP_COUNT_VALUE "1.3.6.1.4.1.2385.1.1.19.2.1.3"
#define SHARP_COUNT_NAME "1.3.6.1.4.1.2385.1.1.19.2.1.4"
#define SHARP_INDEX_LEN 3 /* group . 4|5 . code */

static const char *const sharp_scalars[] = {SHARP_MODEL, SHARP_FIRMWARE, NULL};
static const char *const sharp_columns[] = {SHARP_COUNT_VALUE, SHARP_COUNT_NAME,
                                            NULL};
static const char *const sharp_descr[] = {"sharp mx-", "sharp bp-", NULL};

struct sharp_name {
  const char *name; /* Sharp's row name, compared without case */
  const char *meter;
  int unit;
};

static const struct sharp_name sharp_names[] = {
    {"Black & White Total Count", "mono", PP_METER_IMPRESSIONS},
    {"Full Color Total Count", "colour", PP_METER_IMPRESSIONS},
    {"Prints", "print", PP_METER_IMPRESSIONS},
    {"Black & White Print Count", "print_mono", PP_METER_IMPRESSIONS},
    {"Full Color Print Count", "print_colour", PP_METER_IMPRESSIONS},
    {"Copies", "copy", PP_METER_IMPRESSIONS},
    {"Black & White Copy Count", "copy_mono", PP_METER_IMPRESSIONS},
    {"Full Color Copy Count", "copy_colour", PP_METER_IMPRESSIONS},
    /* Sharp does not say whether it counts sheets or sides */
    {"Duplex", "duplex", PP_METER_UNIT_UNKNOWN},
};

/* Scans to mail or FTP: the scanner group's total ("Scan to E-mail/FTP")
 * is the sum of these rows in the recording; scans filed to the disk have
 * rows of their own and are not counted twice. */
static const char *const sharp_scan_names[] = {
    "Black & White Scanner Count",
    "Full Color Scanner Count",
    "Two Color Scanner Count",
};

#define SHARP_SCAN_PARTS (sizeof(sharp_scan_names) / sizeof(*sharp_scan_names))

struct sharp_scan {
  uint64_t sum;
  bool part_seen[SHARP_SCAN_PARTS];
  bool seen;
  bool bad;
};

/* The index of a scan part in sharp_scan_names, -1 for another row. */
static int scan_part_of(const char *name) {
  for (size_t i = 0; i < SHARP_SCAN_PARTS; i++) {
    if (strcasecmp(name, sharp_scan_names[i]) == 0)
      return (int)i;
  }
  return -1;
}

static void sharp_row(struct pp_varset *values, const uint32_t *index,
                      size_t index_len, const struct pp_value *key,
                      struct pp_printer *p, void *ctx) {
  char name[64];
  pp_value_text(key, name, sizeof(name));
  const struct pp_value *value =
      vendor_cell(values, SHARP_COUNT_VALUE, index, index_len);
  int part = scan_part_of(name);
  if (part >= 0) {
    struct sharp_scan *scan = ctx;
    /* As for the other names, the first row counts: a part named twice
     * is not two parts. */
    if (scan->part_seen[part])
      return;
    scan->part_seen[part] = true;
    uint64_t n;
    if (value == NULL || value->type == PP_V_OCTETS ||
        !pp_value_count(value, &n) || n > UINT64_MAX - 1 - scan->sum)
      scan->bad = true; /* a part unread: no sum at all */
    else
      scan->sum += n;
    scan->seen = true;
    return;
  }
  for (size_t i = 0; i < sizeof(sharp_names) / sizeof(*sharp_names); i++) {
    /* The first row of a name counts; a second one is not a second bill. */
    if (strcasecmp(name, sharp_names[i].name) == 0)
      (void)pp_meter_fill_value(p, sharp_names[i].meter, value,
                                sharp_names[i].unit);
  }
}

static int sharp_decode(struct pp_varset *values, struct pp_printer *p) {
  char text[128];
  pp_strlcpy(p->manufacturer, "Sharp", sizeof(p->manufacturer));
  vendor_text(values, SHARP_MODEL, text, sizeof(text)); /* empty on some */
  vendor_fill_model(p, text);
  vendor_text(values, SHARP_FIRMWARE, text, sizeof(text));
  vendor_fill_firmware(p, text);
  struct sharp_scan scan = {0};
  vendor_each_row(values, SHARP_COUNT_NAME, SHARP_INDEX_LEN, sharp_row, p,
                  &scan);
  if (scan.seen && !scan.bad)
    (void)pp_meter_fill(p, "scan", scan.sum, PP_METER_IMAGES);
  return 0;
}

const struct pp_profile pp_profile_sharp = {
    .name = "sharp",
    .enterprise = 2385,
    .descr_match = sharp_descr,
    .scalars = sharp_scalars,
    .columns = sharp_columns,
    .decode = sharp_decode,
};
