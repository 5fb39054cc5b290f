/* SPDX-License-Identifier: MIT */
/* Canon (enterprise 1602): identity and the named counter table
 * (docs/vendors.md, Canon).
 *
 * Identity: canPdInfoProductName and canPdInfoProductVersion (LibreNMS,
 * the GLPI agent), the serial canServInfoSerialNumberDeviceNumber (the
 * GLPI agent).
 *
 * Meters: only the table whose rows carry their names, 1602.1.11.2.1.1
 * (.2 name, often hex, .3 value), decoded by name as the GLPI agent does.
 * The coded table 1602.1.11.1.3.1.4.<code> is not read: Checkmk and the
 * GLPI agent give the same codes different meanings (301 total or print
 * total, 101 total or copy total) and no recording settles it. */
#include <string.h>
#include <strings.h>

#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define CANON_MODEL "1.3.6.1.4.1.1602.1.1.1.1.0"
#define CANON_FIRMWARE "1.3.6.1.4.1.1602.1.1.1.4.0"
#define CANON_SERIAL "1.3.6.1.4.1.1602.1.2.1.8.1.3.1.1"
#define CANON_COUNTER_NAME "1.3.6.1.4.1.1602.1.11.2.1.1.2"
#define CANON_COUNTER_VALUE "1.3.6.1.4.1.1602.1.11.2.1.1.3"

static const char *const canon_scalars[] = {CANON_MODEL, CANON_FIRMWARE,
                                            CANON_SERIAL, NULL};
static const char *const canon_columns[] = {CANON_COUNTER_NAME,
                                            CANON_COUNTER_VALUE, NULL};
static const char *const canon_descr[] = {"canon", NULL};

static const struct {
  const char *name, *meter;
  int unit;
} canon_names[] = {
    {"Total (Black 1)", "mono", PP_METER_IMPRESSIONS},
    {"Print (Total 1)", "print", PP_METER_IMPRESSIONS},
    {"Copy (Total 1)", "copy", PP_METER_IMPRESSIONS},
    {"Scan (Total 1)", "scan", PP_METER_IMAGES},
};

/* Colour comes in two rows, large and small paper. */
#define CANON_COLOUR_LARGE "Total (Full Color + Single Color/Large)"
#define CANON_COLOUR_SMALL "Total (Full Color + Single Color/Small)"

struct canon_colour {
  uint64_t large, small;
  bool has_large, has_small;
};

static void canon_row(struct pp_varset *values, const uint32_t *index,
                      size_t index_len, const struct pp_value *key,
                      struct pp_printer *p, void *ctx) {
  struct canon_colour *colour = ctx;
  char name[64];
  pp_value_text(key, name, sizeof(name));
  const struct pp_value *v =
      vendor_cell(values, CANON_COUNTER_VALUE, index, index_len);
  for (size_t i = 0; i < sizeof(canon_names) / sizeof(*canon_names); i++) {
    if (strcasecmp(name, canon_names[i].name) == 0)
      (void)pp_meter_fill_value(p, canon_names[i].meter, v,
                                canon_names[i].unit);
  }
  uint64_t n;
  if (v == NULL || v->type == PP_V_OCTETS || !pp_value_count(v, &n))
    return;
  if (strcasecmp(name, CANON_COLOUR_LARGE) == 0 && !colour->has_large) {
    colour->large = n;
    colour->has_large = true;
  } else if (strcasecmp(name, CANON_COLOUR_SMALL) == 0 && !colour->has_small) {
    colour->small = n;
    colour->has_small = true;
  }
}

static int canon_decode(struct pp_varset *values, struct pp_printer *p) {
  char text[128];
  pp_strlcpy(p->manufacturer, "Canon", sizeof(p->manufacturer));
  vendor_text(values, CANON_MODEL, text, sizeof(text));
  vendor_fill_model(p, text);
  vendor_text(values, CANON_SERIAL, text, sizeof(text));
  vendor_fill_serial(p, text);
  vendor_text(values, CANON_FIRMWARE, text, sizeof(text));
  vendor_fill_firmware(p, text);
  struct canon_colour colour = {0};
  vendor_each_row(values, CANON_COUNTER_NAME, 1, canon_row, p, &colour);
  if (colour.has_large && colour.has_small &&
      colour.small <= UINT64_MAX - 1 - colour.large) {
    (void)pp_meter_fill(p, "colour", colour.large + colour.small,
                        PP_METER_IMPRESSIONS);
    (void)pp_meter_fill(p, "large_colour", colour.large, PP_METER_IMPRESSIONS);
  }
  return 0;
}

const struct pp_profile pp_profile_canon = {
    .name = "canon",
    .enterprise = 1602,
    .descr_match = canon_descr,
    .scalars = canon_scalars,
    .columns = canon_columns,
    .decode = canon_decode,
};
