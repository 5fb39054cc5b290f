/* SPDX-License-Identifier: MIT */
/* Canon (enterprise 1602): identity and the named counter table
 * (docs/vendors.md, Canon).
 *
 * Identity: canPdInfoProductName and canPdInfoProductVersion (LibreNMS,
 * the GLPI agent), the serial canServInfoSerialNumberDeviceNumber (the
 * GLPI agent).
 *
 * Meters: only the table whose rows carry their names, 1602.1.11.2.1.1
 * (.2 name, often hex, .3 value), decoded by name as the GLPI agent does:
 * "Total (Black 1)", else "Total (Black/Large)" + "Total (Black/Small)";
 * colour the "Total (Full Color + Single Color/Large)" and ".../Small"
 * rows summed; "Print (Total 1)", "Copy (Total 1)", "Scan (Total 1)".
 * The GLPI agent files the black and colour totals under print black and
 * print colour; their names say "Total", and print has a row of its own,
 * so here they are mono and colour, all services. The "/Large" rows alone
 * are large_mono and large_colour.
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

/* Rows that are parts of a meter: black and colour on large and on small
 * paper. */
enum canon_part {
  CANON_BLACK_LARGE,
  CANON_BLACK_SMALL,
  CANON_COLOUR_LARGE,
  CANON_COLOUR_SMALL,
  CANON_PARTS
};

static const char *const canon_part_names[CANON_PARTS] = {
    "Total (Black/Large)",
    "Total (Black/Small)",
    "Total (Full Color + Single Color/Large)",
    "Total (Full Color + Single Color/Small)",
};

struct canon_parts {
  uint64_t value[CANON_PARTS];
  bool seen[CANON_PARTS]; /* a row of that name came (the first counts) */
  bool ok[CANON_PARTS];   /* and its value is a count */
};

static void canon_part(struct canon_parts *parts, const char *name,
                       const struct pp_value *v) {
  for (size_t i = 0; i < CANON_PARTS; i++) {
    if (strcasecmp(name, canon_part_names[i]) != 0 || parts->seen[i])
      continue;
    parts->seen[i] = true;
    parts->ok[i] = v != NULL && v->type != PP_V_OCTETS &&
                   pp_value_count(v, &parts->value[i]);
  }
}

static void canon_row(struct pp_varset *values, const uint32_t *index,
                      size_t index_len, const struct pp_value *key,
                      struct pp_printer *p, void *ctx) {
  char name[64];
  pp_value_text(key, name, sizeof(name));
  const struct pp_value *v =
      vendor_cell(values, CANON_COUNTER_VALUE, index, index_len);
  for (size_t i = 0; i < sizeof(canon_names) / sizeof(*canon_names); i++) {
    if (strcasecmp(name, canon_names[i].name) == 0)
      (void)pp_meter_fill_value(p, canon_names[i].meter, v,
                                canon_names[i].unit);
  }
  canon_part(ctx, name, v);
}

/* name = large + small when both rows were read; large alone gives
 * large_name. */
static void canon_sum(struct pp_printer *p, const struct canon_parts *parts,
                      enum canon_part large, const char *name,
                      const char *large_name) {
  const int imp = PP_METER_IMPRESSIONS;
  enum canon_part small = large + 1;
  if (parts->ok[large])
    (void)pp_meter_fill(p, large_name, parts->value[large], imp);
  if (parts->ok[large] && parts->ok[small] &&
      parts->value[small] <= UINT64_MAX - 1 - parts->value[large])
    (void)pp_meter_fill(p, name, parts->value[large] + parts->value[small],
                        imp);
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
  struct canon_parts parts = {0};
  vendor_each_row(values, CANON_COUNTER_NAME, 1, canon_row, p, &parts);
  /* "Total (Black 1)", read above, comes before the sum of its parts. */
  canon_sum(p, &parts, CANON_BLACK_LARGE, "mono", "large_mono");
  canon_sum(p, &parts, CANON_COLOUR_LARGE, "colour", "large_colour");
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
