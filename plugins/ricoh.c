/* SPDX-License-Identifier: MIT */
/* Ricoh and its badges (Gestetner, Lanier, Savin, NRG; enterprise 367 for
 * all): identity and the engine counter table (docs/vendors.md, Ricoh).
 *
 * The maker on the badge comes from sysDescr. Meters: the table
 * 367.3.2.1.2.19.5.1 has a type column (.2), a name column (.5) and a
 * value column (.9); the row index differs from model to model, so it is
 * never used. The GLPI agent decodes by type, Checkmk by name; no
 * recording has the table. The type is followed: it does not depend on
 * the panel language, and Checkmk's own test data show the same name on
 * two rows. */
#include <string.h>

#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define RICOH_MODEL "1.3.6.1.4.1.367.3.2.1.1.1.1.0"
#define RICOH_FIRMWARE "1.3.6.1.4.1.367.3.2.1.1.1.2.0"
#define RICOH_SERIAL "1.3.6.1.4.1.367.3.2.1.2.1.4.0"
#define RICOH_COUNTER_TYPE "1.3.6.1.4.1.367.3.2.1.2.19.5.1.2"
#define RICOH_COUNTER_VALUE "1.3.6.1.4.1.367.3.2.1.2.19.5.1.9"

static const char *const ricoh_scalars[] = {RICOH_MODEL, RICOH_FIRMWARE,
                                            RICOH_SERIAL, NULL};
static const char *const ricoh_columns[] = {RICOH_COUNTER_TYPE,
                                            RICOH_COUNTER_VALUE, NULL};
static const char *const ricoh_descr[] = {
    "ricoh", "gestetner", "lanier", "savin", "nrg network printer", NULL};

/* Counter types (the GLPI agent): a meter is the sum of its types. */
struct ricoh_type {
  int type;
  int meter; /* index into ricoh_meters */
};

static const char *const ricoh_meters[] = {
    "copy",  "copy_mono",  "copy_colour",  "fax",
    "print", "print_mono", "print_colour", "scan",
};
#define RICOH_METERS (sizeof(ricoh_meters) / sizeof(ricoh_meters[0]))

static const struct ricoh_type ricoh_types[] = {
    {200, 0}, {201, 1}, {202, 2}, {203, 2}, {300, 3}, {400, 4},
    {401, 5}, {402, 6}, {403, 6}, {870, 7}, {871, 7},
};

#define RICOH_TYPES (sizeof(ricoh_types) / sizeof(ricoh_types[0]))

struct ricoh_sums {
  bool type_seen[RICOH_TYPES];
  uint64_t sum[RICOH_METERS];
  bool seen[RICOH_METERS];
  bool bad[RICOH_METERS];
};

static void ricoh_row(struct pp_varset *values, const uint32_t *index,
                      size_t index_len, const struct pp_value *key,
                      struct pp_printer *p, void *ctx) {
  (void)p;
  struct ricoh_sums *s = ctx;
  int64_t type;
  if (key->type == PP_V_OCTETS || !pp_value_int(key, &type))
    return;
  for (size_t i = 0; i < RICOH_TYPES; i++) {
    /* A type seen twice is one count named twice: the first counts. */
    if (ricoh_types[i].type != type || s->type_seen[i])
      continue;
    s->type_seen[i] = true;
    int m = ricoh_types[i].meter;
    const struct pp_value *v =
        vendor_cell(values, RICOH_COUNTER_VALUE, index, index_len);
    uint64_t n;
    if (v == NULL || v->type == PP_V_OCTETS || !pp_value_count(v, &n) ||
        n > UINT64_MAX - 1 - s->sum[m])
      s->bad[m] = true;
    else
      s->sum[m] += n;
    s->seen[m] = true;
  }
}

static const char *ricoh_badge(const char *descr) {
  static const char *const badges[][2] = {
      {"gestetner", "Gestetner"},
      {"lanier", "Lanier"},
      {"savin", "Savin"},
      {"nrg", "NRG"},
  };
  for (size_t i = 0; i < sizeof(badges) / sizeof(badges[0]); i++) {
    if (pp_contains_ci(descr, badges[i][0]))
      return badges[i][1];
  }
  return "Ricoh";
}

static int ricoh_decode(struct pp_varset *values, struct pp_printer *p) {
  char text[128];
  pp_strlcpy(p->manufacturer, ricoh_badge(p->sys_descr),
             sizeof(p->manufacturer));
  vendor_text(values, RICOH_MODEL, text, sizeof(text));
  vendor_fill_model(p, text);
  vendor_text(values, RICOH_SERIAL, text, sizeof(text));
  vendor_fill_serial(p, text);
  vendor_text(values, RICOH_FIRMWARE, text, sizeof(text));
  vendor_fill_firmware(p, text);
  struct ricoh_sums sums = {0};
  vendor_each_row(values, RICOH_COUNTER_TYPE, 1, ricoh_row, p, &sums);
  for (size_t m = 0; m < RICOH_METERS; m++) {
    if (sums.seen[m] && !sums.bad[m])
      (void)pp_meter_fill(p, ricoh_meters[m], sums.sum[m],
                          m == 7 ? PP_METER_IMAGES : PP_METER_IMPRESSIONS);
  }
  return 0;
}

const struct pp_profile pp_profile_ricoh = {
    .name = "ricoh",
    .enterprise = 367,
    .descr_match = ricoh_descr,
    .scalars = ricoh_scalars,
    .columns = ricoh_columns,
    .decode = ricoh_decode,
};
