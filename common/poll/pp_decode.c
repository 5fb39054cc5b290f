/* SPDX-License-Identifier: MIT */
#include "pp_decode.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pp_str.h"

/* Never sysContact or sysLocation: people's names stay on site. */
const char *const pp_std_scalars[] = {
    PP_OID_SYS_DESCR,
    PP_OID_SYS_OBJECT_ID,
    PP_OID_SYS_UPTIME,
    PP_OID_SYS_NAME,
    NULL,
};

#define HR_DEVICE_TYPE "1.3.6.1.2.1.25.3.2.1.2"
#define HR_DEVICE_DESCR "1.3.6.1.2.1.25.3.2.1.3"
#define HR_DEVICE_STATUS "1.3.6.1.2.1.25.3.2.1.5"
#define HR_PRINTER_STATUS "1.3.6.1.2.1.25.3.5.1.1"
#define HR_PRINTER_ERRORS "1.3.6.1.2.1.25.3.5.1.2"
#define IF_PHYS_ADDRESS "1.3.6.1.2.1.2.2.1.6"
#define PRT_PRINTER_NAME "1.3.6.1.2.1.43.5.1.1.16"
#define PRT_SERIAL "1.3.6.1.2.1.43.5.1.1.17"
#define PRT_COUNTER_UNIT "1.3.6.1.2.1.43.10.2.1.3"
#define PRT_LIFE_COUNT "1.3.6.1.2.1.43.10.2.1.4"
#define PRT_POWER_ON_COUNT "1.3.6.1.2.1.43.10.2.1.5"
#define PRT_SUPPLY_COLORANT "1.3.6.1.2.1.43.11.1.1.3"
#define PRT_SUPPLY_CLASS "1.3.6.1.2.1.43.11.1.1.4"
#define PRT_SUPPLY_TYPE "1.3.6.1.2.1.43.11.1.1.5"
#define PRT_SUPPLY_DESCR "1.3.6.1.2.1.43.11.1.1.6"
#define PRT_SUPPLY_UNIT "1.3.6.1.2.1.43.11.1.1.7"
#define PRT_SUPPLY_MAX "1.3.6.1.2.1.43.11.1.1.8"
#define PRT_SUPPLY_LEVEL "1.3.6.1.2.1.43.11.1.1.9"
#define PRT_COLORANT_VALUE "1.3.6.1.2.1.43.12.1.1.4"
#define PRT_CONSOLE_TEXT "1.3.6.1.2.1.43.16.5.1.2"
/* prtInputTable and prtOutputTable (docs/printer-mib.md, trays). */
#define PRT_INPUT_TYPE "1.3.6.1.2.1.43.8.2.1.2"
#define PRT_INPUT_UNIT "1.3.6.1.2.1.43.8.2.1.8"
#define PRT_INPUT_MAX "1.3.6.1.2.1.43.8.2.1.9"
#define PRT_INPUT_LEVEL "1.3.6.1.2.1.43.8.2.1.10"
#define PRT_INPUT_STATUS "1.3.6.1.2.1.43.8.2.1.11"
#define PRT_INPUT_MEDIA "1.3.6.1.2.1.43.8.2.1.12"
#define PRT_INPUT_NAME "1.3.6.1.2.1.43.8.2.1.13"
#define PRT_INPUT_DESCR "1.3.6.1.2.1.43.8.2.1.18"
#define PRT_OUTPUT_TYPE "1.3.6.1.2.1.43.9.2.1.2"
#define PRT_OUTPUT_UNIT "1.3.6.1.2.1.43.9.2.1.3"
#define PRT_OUTPUT_MAX "1.3.6.1.2.1.43.9.2.1.4"
#define PRT_OUTPUT_LEVEL "1.3.6.1.2.1.43.9.2.1.5"
#define PRT_OUTPUT_STATUS "1.3.6.1.2.1.43.9.2.1.6"
#define PRT_OUTPUT_NAME "1.3.6.1.2.1.43.9.2.1.7"
#define PRT_OUTPUT_DESCR "1.3.6.1.2.1.43.9.2.1.12"
#define PRT_ALERT_SEVERITY "1.3.6.1.2.1.43.18.1.1.2"
#define PRT_ALERT_GROUP "1.3.6.1.2.1.43.18.1.1.4"
#define PRT_ALERT_GROUP_INDEX "1.3.6.1.2.1.43.18.1.1.5"
#define PRT_ALERT_LOCATION "1.3.6.1.2.1.43.18.1.1.6"
#define PRT_ALERT_CODE "1.3.6.1.2.1.43.18.1.1.7"
#define PRT_ALERT_DESCR "1.3.6.1.2.1.43.18.1.1.8"
/* PWG Imaging System Counter MIB (PWG 5106.1): docs/vendors.md */
#define IC_KEY_SERVICE_TYPE "1.3.6.1.4.1.2699.1.3.1.2.1.1.2"
#define IC_IMAGE_TOTAL "1.3.6.1.4.1.2699.1.3.1.7.1.1.4"
#define IC_IMPRESSION_TOTAL "1.3.6.1.4.1.2699.1.3.1.8.1.1.4"
#define IC_IMPRESSION_MONO "1.3.6.1.4.1.2699.1.3.1.8.1.1.5"
#define IC_IMPRESSION_COLOUR "1.3.6.1.4.1.2699.1.3.1.8.1.1.7"
#define IC_TWO_SIDED_TOTAL "1.3.6.1.4.1.2699.1.3.1.9.1.1.4"

/* Each column is walked on its own, so that an agent that lacks one column
 * still gives the others; job tables and people's data are never listed. */
const char *const pp_std_columns[] = {
    HR_DEVICE_TYPE,
    HR_DEVICE_DESCR,
    HR_DEVICE_STATUS,
    HR_PRINTER_STATUS,
    HR_PRINTER_ERRORS,
    IF_PHYS_ADDRESS,
    PRT_PRINTER_NAME,
    PRT_SERIAL,
    PRT_COUNTER_UNIT,
    PRT_LIFE_COUNT,
    PRT_POWER_ON_COUNT,
    PRT_SUPPLY_COLORANT,
    PRT_SUPPLY_CLASS,
    PRT_SUPPLY_TYPE,
    PRT_SUPPLY_DESCR,
    PRT_SUPPLY_UNIT,
    PRT_SUPPLY_MAX,
    PRT_SUPPLY_LEVEL,
    PRT_COLORANT_VALUE,
    PRT_INPUT_TYPE,
    PRT_INPUT_UNIT,
    PRT_INPUT_MAX,
    PRT_INPUT_LEVEL,
    PRT_INPUT_STATUS,
    PRT_INPUT_MEDIA,
    PRT_INPUT_NAME,
    PRT_INPUT_DESCR,
    PRT_OUTPUT_TYPE,
    PRT_OUTPUT_UNIT,
    PRT_OUTPUT_MAX,
    PRT_OUTPUT_LEVEL,
    PRT_OUTPUT_STATUS,
    PRT_OUTPUT_NAME,
    PRT_OUTPUT_DESCR,
    PRT_CONSOLE_TEXT,
    PRT_ALERT_SEVERITY,
    PRT_ALERT_GROUP,
    PRT_ALERT_GROUP_INDEX,
    PRT_ALERT_LOCATION,
    PRT_ALERT_CODE,
    PRT_ALERT_DESCR,
    /* The standard meters come before any maker's private table: columns
     * of the same walk, so a printer without them costs no request. */
    IC_KEY_SERVICE_TYPE,
    IC_IMAGE_TOTAL,
    IC_IMPRESSION_TOTAL,
    IC_IMPRESSION_MONO,
    IC_IMPRESSION_COLOUR,
    IC_TWO_SIDED_TOTAL,
    NULL,
};

#define HR_DEVICE_PRINTER "1.3.6.1.2.1.25.3.1.5"
#define SUPPLY_CLASS_RECEPTACLE 4

static struct pp_oid oid_of(const char *text) {
  struct pp_oid oid = {0};
  (void)pp_oid_parse(&oid, text); /* only our own constants come here */
  return oid;
}

static const struct pp_value *value_at(struct pp_varset *values,
                                       const char *column,
                                       const uint32_t *index, size_t n) {
  struct pp_oid col = oid_of(column);
  return pp_varset_get_at(values, &col, index, n);
}

static bool int_at(struct pp_varset *values, const char *column,
                   const uint32_t *index, size_t n, int64_t *out) {
  return pp_value_int(value_at(values, column, index, n), out);
}

void pp_value_text(const struct pp_value *value, char *out, size_t outlen) {
  if (outlen == 0)
    return;
  out[0] = '\0';
  if (value == NULL)
    return;
  /* Only a string is text: a number or an OID where a name is expected is
   * an agent's mistake, not a name ("18446744073709551000" as a model). */
  if (value->type == PP_V_OCTETS)
    pp_clean_text(value->bytes, value->len, out, outlen);
}

uint32_t pp_enterprise_of(const struct pp_oid *sys_object_id) {
  static const uint32_t enterprises[] = {1, 3, 6, 1, 4, 1};
  if (sys_object_id->len < 7 ||
      memcmp(sys_object_id->sub, enterprises, sizeof(enterprises)) != 0)
    return 0;
  return sys_object_id->sub[6];
}

uint32_t pp_decode_error_state(const unsigned char *bytes, size_t len) {
  uint32_t bits = 0;
  /* Only two bytes are defined; some agents pad with more. */
  for (size_t byte = 0; byte < len && byte < 2; byte++) {
    for (unsigned bit = 0; bit < 8; bit++) {
      unsigned index = byte * 8 + bit;
      if (index < PP_ERR_BIT_COUNT && (bytes[byte] & (0x80 >> bit)))
        bits |= 1u << index;
    }
  }
  return bits;
}

bool pp_serial_is_placeholder(const char *serial) {
  static const char *const placeholders[] = {
      "n/a",    "na",      "none",       "unknown",   "not available", "null",
      "serial", "default", "0123456789", "123456789", "1234567890",
  };
  if (serial[0] == '\0')
    return true;
  for (size_t i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++) {
    if (strcasecmp(serial, placeholders[i]) == 0)
      return true;
  }
  /* "0", "000000", "XXXXXXXX", "????": one character repeated. */
  for (const char *p = serial + 1; *p != '\0'; p++) {
    if (tolower((unsigned char)*p) != tolower((unsigned char)serial[0]))
      return false;
  }
  return true;
}

bool pp_format_mac(const unsigned char *bytes, size_t len, char *out,
                   size_t outlen) {
  if (outlen > 0)
    out[0] = '\0';
  if (len != 6 || outlen < 18)
    return false;
  bool all_zero = true, all_ones = true;
  for (size_t i = 0; i < 6; i++) {
    all_zero = all_zero && bytes[i] == 0;
    all_ones = all_ones && bytes[i] == 0xff;
  }
  if (all_zero || all_ones)
    return false;
  snprintf(out, outlen, "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1],
           bytes[2], bytes[3], bytes[4], bytes[5]);
  return true;
}

static void decode_system(struct pp_varset *values, struct pp_printer *p) {
  pp_value_text(pp_varset_gets(values, PP_OID_SYS_DESCR), p->sys_descr,
                sizeof(p->sys_descr));
  pp_value_text(pp_varset_gets(values, PP_OID_SYS_NAME), p->name,
                sizeof(p->name));
  const struct pp_value *oid = pp_varset_gets(values, PP_OID_SYS_OBJECT_ID);
  if (oid != NULL && oid->type == PP_V_OID) {
    pp_oid_format(&oid->oid, p->sys_object_id, sizeof(p->sys_object_id));
    p->enterprise = pp_enterprise_of(&oid->oid);
  }
  int64_t ticks;
  if (pp_value_int(pp_varset_gets(values, PP_OID_SYS_UPTIME), &ticks))
    p->uptime_ticks = ticks;
}

/* The hrDeviceIndex of the printer: the row typed hrDevicePrinter, else the
 * first row of hrPrinterTable, else 1 (what nearly every agent uses). */
static uint32_t printer_device_index(struct pp_varset *values) {
  struct pp_oid col = oid_of(HR_DEVICE_TYPE);
  struct pp_oid printer_type = oid_of(HR_DEVICE_PRINTER);
  size_t cursor = 0;
  const struct pp_value *v;
  while ((v = pp_varset_next_under(values, &col, &cursor)) != NULL) {
    if (v->type == PP_V_OID && v->name.len == col.len + 1 &&
        pp_oid_compare(&v->oid, &printer_type) == 0)
      return v->name.sub[col.len];
  }
  col = oid_of(HR_PRINTER_STATUS);
  cursor = 0;
  v = pp_varset_next_under(values, &col, &cursor);
  if (v != NULL && v->name.len == col.len + 1)
    return v->name.sub[col.len];
  return 1;
}

static void decode_device(struct pp_varset *values, struct pp_printer *p) {
  uint32_t dev = printer_device_index(values);
  pp_value_text(value_at(values, HR_DEVICE_DESCR, &dev, 1), p->model,
                sizeof(p->model));
  int64_t n;
  if (int_at(values, HR_DEVICE_STATUS, &dev, 1, &n))
    p->status.device = (int)n;
  if (int_at(values, HR_PRINTER_STATUS, &dev, 1, &n))
    p->status.printer = (int)n;
  const struct pp_value *errors = value_at(values, HR_PRINTER_ERRORS, &dev, 1);
  if (errors != NULL && errors->type == PP_V_OCTETS && errors->len > 0) {
    p->status.errors = pp_decode_error_state(errors->bytes, errors->len);
    p->status.error_bytes = errors->len >= 2 ? 2 : 1;
  }
}

/* First value of a column whose text is usable (printer name, serial). */
static void first_text(struct pp_varset *values, const char *column, char *out,
                       size_t outlen) {
  struct pp_oid col = oid_of(column);
  size_t cursor = 0;
  const struct pp_value *v;
  out[0] = '\0';
  while ((v = pp_varset_next_under(values, &col, &cursor)) != NULL) {
    pp_value_text(v, out, outlen);
    if (out[0] != '\0')
      return;
  }
}

static void decode_general(struct pp_varset *values, struct pp_printer *p) {
  char name[sizeof(p->name)];
  first_text(values, PRT_PRINTER_NAME, name, sizeof(name));
  if (name[0] != '\0')
    pp_text_copy(p->name, name, sizeof(p->name));
  first_text(values, PRT_SERIAL, p->serial, sizeof(p->serial));
  if (pp_serial_is_placeholder(p->serial))
    p->serial[0] = '\0';
}

static void decode_mac(struct pp_varset *values, struct pp_printer *p) {
  struct pp_oid col = oid_of(IF_PHYS_ADDRESS);
  size_t cursor = 0;
  const struct pp_value *v;
  while ((v = pp_varset_next_under(values, &col, &cursor)) != NULL) {
    /* Loopback rows have an empty address and are skipped here. */
    if (v->type == PP_V_OCTETS &&
        pp_format_mac(v->bytes, v->len, p->mac, sizeof(p->mac)))
      return;
  }
}

/* Marker 1 of the printer device: where every printer keeps its total. */
static void decode_counters(struct pp_varset *values, struct pp_printer *p) {
  struct pp_oid col = oid_of(PRT_LIFE_COUNT);
  size_t cursor = 0;
  const struct pp_value *v = pp_varset_next_under(values, &col, &cursor);
  if (v == NULL || v->name.len != col.len + 2)
    return;
  const uint32_t *index = &v->name.sub[col.len];
  /* INTEGER, Counter32, Counter64 or even text: whatever carries a count. */
  uint64_t count;
  if (pp_value_count(v, &count))
    p->counters.total = count;
  int64_t n;
  if (int_at(values, PRT_COUNTER_UNIT, index, 2, &n))
    p->counters.unit = (int)n;
  if (pp_value_count(value_at(values, PRT_POWER_ON_COUNT, index, 2), &count))
    p->counters.power_on = count;
}

bool pp_meter_fill(struct pp_printer *p, const char *name, uint64_t value,
                   int unit) {
  if (pp_printer_meter(p, name) != NULL)
    return false;
  return pp_printer_set_meter(p, name, value, unit);
}

bool pp_meter_fill_value(struct pp_printer *p, const char *name,
                         const struct pp_value *v, int unit) {
  uint64_t n;
  /* A count is a number at or above 0: a string, an OID or a negative
   * INTEGER is an agent's mistake, and no meter is better than a wrong
   * one. */
  if (v == NULL || v->type == PP_V_OCTETS || !pp_value_count(v, &n))
    return false;
  return pp_meter_fill(p, name, n, unit);
}

/* --- PWG 5106.1 imaging counters --- */

/* IcServiceTypeTC values the meters come from. */
#define IC_SERVICE_SYSTEM_TOTALS 3
#define IC_SERVICE_COPY 4
#define IC_SERVICE_FAX_IN 7
#define IC_SERVICE_PRINT 11
#define IC_SERVICE_SCAN 12
/* Rows of the work tables: workTotals (IcWorkTypeTC 3), lifetime
 * (IcPersistenceTC 3): what a bill counts. */
#define IC_WORK_TOTALS 3
#define IC_LIFETIME 3

struct ic_service_meters {
  int service;
  const char *total, *mono, *colour; /* meter names, NULL for none */
};

static const struct ic_service_meters ic_services[] = {
    {IC_SERVICE_SYSTEM_TOTALS, NULL, "mono", "colour"},
    {IC_SERVICE_PRINT, "print", "print_mono", "print_colour"},
    {IC_SERVICE_COPY, "copy", "copy_mono", "copy_colour"},
    {IC_SERVICE_FAX_IN, "fax", NULL, NULL},
};

static void ic_fill(struct pp_varset *values, const char *column,
                    const uint32_t *index, const char *meter, int unit,
                    struct pp_printer *p) {
  if (meter != NULL)
    (void)pp_meter_fill_value(p, meter, value_at(values, column, index, 3),
                              unit);
}

static void ic_key_meters(struct pp_varset *values, uint32_t key, int service,
                          struct pp_printer *p) {
  const uint32_t index[3] = {key, IC_WORK_TOTALS, IC_LIFETIME};
  if (service == IC_SERVICE_SYSTEM_TOTALS)
    ic_fill(values, IC_TWO_SIDED_TOTAL, index, "duplex", PP_METER_IMPRESSIONS,
            p);
  if (service == IC_SERVICE_SCAN)
    ic_fill(values, IC_IMAGE_TOTAL, index, "scan", PP_METER_IMAGES, p);
  for (size_t i = 0; i < sizeof(ic_services) / sizeof(ic_services[0]); i++) {
    const struct ic_service_meters *m = &ic_services[i];
    if (m->service != service)
      continue;
    ic_fill(values, IC_IMPRESSION_TOTAL, index, m->total, PP_METER_IMPRESSIONS,
            p);
    ic_fill(values, IC_IMPRESSION_MONO, index, m->mono, PP_METER_IMPRESSIONS,
            p);
    ic_fill(values, IC_IMPRESSION_COLOUR, index, m->colour,
            PP_METER_IMPRESSIONS, p);
  }
}

/* Each key names a service; the first key of a service counts (a second
 * marker or scanner of the same service is not a second bill). The walk
 * bounds the number of keys. */
static void decode_imaging_counters(struct pp_varset *values,
                                    struct pp_printer *p) {
  struct pp_oid col = oid_of(IC_KEY_SERVICE_TYPE);
  size_t cursor = 0;
  const struct pp_value *v;
  while ((v = pp_varset_next_under(values, &col, &cursor)) != NULL) {
    int64_t service;
    if (v->name.len != col.len + 1 || !pp_value_int(v, &service))
      continue;
    ic_key_meters(values, v->name.sub[col.len], (int)service, p);
  }
}

static bool is_waste_type(int type) {
  return type == PP_SUPPLY_TYPE_WASTE_TONER ||
         type == PP_SUPPLY_TYPE_WASTE_INK || type == PP_SUPPLY_TYPE_WASTE_WAX ||
         type == PP_SUPPLY_TYPE_WASTE_WATER ||
         type == PP_SUPPLY_TYPE_WASTE_PAPER;
}

static void supply_colour(struct pp_varset *values, const uint32_t *index,
                          struct pp_supply *s) {
  int64_t colorant;
  if (int_at(values, PRT_SUPPLY_COLORANT, index, 2, &colorant) &&
      colorant > 0 && colorant <= UINT32_MAX) {
    uint32_t cidx[2] = {index[0], (uint32_t)colorant};
    char name[32];
    pp_value_text(value_at(values, PRT_COLORANT_VALUE, cidx, 2), name,
                  sizeof(name));
    const char *colour = pp_colour_from_text(name);
    if (colour != NULL) {
      pp_strlcpy(s->colour, colour, sizeof(s->colour));
      return;
    }
  }
  const char *colour = pp_colour_from_text(s->description);
  if (colour != NULL)
    pp_strlcpy(s->colour, colour, sizeof(s->colour));
}

static int decode_supply(struct pp_varset *values, const uint32_t *index,
                         struct pp_printer *p) {
  struct pp_supply *s = pp_printer_add_supply(p);
  if (s == NULL)
    return -ENOMEM;
  s->index = (int)index[1];
  pp_value_text(value_at(values, PRT_SUPPLY_DESCR, index, 2), s->description,
                sizeof(s->description));
  int64_t n;
  if (int_at(values, PRT_SUPPLY_TYPE, index, 2, &n))
    s->type = (int)n;
  if (int_at(values, PRT_SUPPLY_UNIT, index, 2, &n))
    s->unit = (int)n;
  if (int_at(values, PRT_SUPPLY_MAX, index, 2, &n))
    s->max = n;
  if (int_at(values, PRT_SUPPLY_LEVEL, index, 2, &n))
    s->level = n;
  if (int_at(values, PRT_SUPPLY_CLASS, index, 2, &n))
    s->receptacle = n == SUPPLY_CLASS_RECEPTACLE;
  else
    s->receptacle = is_waste_type(s->type); /* class column missing */
  supply_colour(values, index, s);
  pp_supply_derive(s);
  return 0;
}

typedef int (*row_decoder)(struct pp_varset *values, const uint32_t *index,
                           struct pp_printer *p);

struct row_key {
  uint32_t device;
  uint32_t row;
};

static bool row_seen(const struct row_key *seen, size_t count,
                     const uint32_t *index) {
  for (size_t i = 0; i < count; i++) {
    if (seen[i].device == index[0] && seen[i].row == index[1])
      return true;
  }
  return false;
}

/* Calls decode once for each row (device index, row index) found in any of
 * the key columns, in the order they are first seen: agents that lack a
 * value in one column (no level, no severity) still name the row in
 * another. */
static int for_each_row(struct pp_varset *values,
                        const char *const key_columns[3], const char *what,
                        row_decoder decode, struct pp_printer *p) {
  struct row_key seen[PP_MAX_TABLE_ROWS];
  size_t count = 0;
  for (size_t k = 0; k < 3; k++) {
    struct pp_oid col = oid_of(key_columns[k]);
    size_t cursor = 0;
    const struct pp_value *v;
    while ((v = pp_varset_next_under(values, &col, &cursor)) != NULL) {
      const uint32_t *index = &v->name.sub[col.len];
      if (v->name.len != col.len + 2 || row_seen(seen, count, index))
        continue;
      if (count == PP_MAX_TABLE_ROWS) {
        /* More rows than a printer keeps (several columns together can
         * name more than one column's walk): a cut table must not look
         * complete. */
        if (p->error[0] == '\0')
          snprintf(p->error, sizeof(p->error), "%s cut off at %d rows", what,
                   PP_MAX_TABLE_ROWS);
        return 0;
      }
      seen[count++] = (struct row_key){index[0], index[1]};
      int err = decode(values, index, p);
      if (err != 0)
        return err;
    }
  }
  return 0;
}

static int decode_supplies(struct pp_varset *values, struct pp_printer *p) {
  static const char *const key_columns[3] = {PRT_SUPPLY_LEVEL, PRT_SUPPLY_TYPE,
                                             PRT_SUPPLY_DESCR};
  return for_each_row(values, key_columns, "supplies", decode_supply, p);
}

/* The columns of one of the two tray tables. */
struct tray_columns {
  const char *type, *unit, *max, *level, *status, *name, *descr, *media;
};

static const struct tray_columns input_columns = {
    .type = PRT_INPUT_TYPE,
    .unit = PRT_INPUT_UNIT,
    .max = PRT_INPUT_MAX,
    .level = PRT_INPUT_LEVEL,
    .status = PRT_INPUT_STATUS,
    .name = PRT_INPUT_NAME,
    .descr = PRT_INPUT_DESCR,
    .media = PRT_INPUT_MEDIA,
};
static const struct tray_columns output_columns = {
    .type = PRT_OUTPUT_TYPE,
    .unit = PRT_OUTPUT_UNIT,
    .max = PRT_OUTPUT_MAX,
    .level = PRT_OUTPUT_LEVEL,
    .status = PRT_OUTPUT_STATUS,
    .name = PRT_OUTPUT_NAME,
    .descr = PRT_OUTPUT_DESCR,
    .media = NULL,
};

/* prtInputType sheetFeedManual, or, where the type is not given (Sharp,
 * Brother, Canon, OKI, Samsung, Dell in tests/corpus), a name that says
 * so: the multi-purpose tray of a laser is its bypass. */
#define INPUT_TYPE_MANUAL 5

static bool is_manual_feed(const struct pp_tray *t) {
  static const char *const words[] = {
      "bypass", "manual", "multi-purpose", "multipurpose", "mp tray", "mptray"};
  if (t->type != 0)
    return t->type == INPUT_TYPE_MANUAL;
  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
    if (pp_contains_ci(t->name, words[i]))
      return true;
  }
  return false;
}

static int decode_tray(struct pp_varset *values, const uint32_t *index,
                       struct pp_printer *p, const struct tray_columns *c) {
  struct pp_tray *t = pp_printer_add_tray(p);
  if (t == NULL)
    return -ENOMEM;
  t->index = (int)index[1];
  t->output = c == &output_columns;
  pp_value_text(value_at(values, c->name, index, 2), t->name, sizeof(t->name));
  /* The name is optional in the MIB; the description is what the printer
   * says instead (HP fills both, others only one). */
  if (t->name[0] == '\0')
    pp_value_text(value_at(values, c->descr, index, 2), t->name,
                  sizeof(t->name));
  if (c->media != NULL)
    pp_value_text(value_at(values, c->media, index, 2), t->media,
                  sizeof(t->media));
  int64_t n;
  if (int_at(values, c->type, index, 2, &n) && n > 0 && n <= INT32_MAX)
    t->type = (int)n;
  if (int_at(values, c->unit, index, 2, &n) && n > 0 && n <= INT32_MAX)
    t->unit = (int)n;
  if (int_at(values, c->max, index, 2, &n))
    t->max = n;
  if (int_at(values, c->level, index, 2, &n))
    t->level = n;
  if (int_at(values, c->status, index, 2, &n) && n >= 0 && n <= INT32_MAX)
    t->status = (int)n;
  t->manual = !t->output && is_manual_feed(t);
  pp_tray_derive(t);
  return 0;
}

static int decode_input(struct pp_varset *values, const uint32_t *index,
                        struct pp_printer *p) {
  return decode_tray(values, index, p, &input_columns);
}

static int decode_output(struct pp_varset *values, const uint32_t *index,
                         struct pp_printer *p) {
  return decode_tray(values, index, p, &output_columns);
}

static int decode_trays(struct pp_varset *values, struct pp_printer *p) {
  static const char *const inputs[3] = {PRT_INPUT_LEVEL, PRT_INPUT_MAX,
                                        PRT_INPUT_NAME};
  static const char *const outputs[3] = {PRT_OUTPUT_LEVEL, PRT_OUTPUT_MAX,
                                         PRT_OUTPUT_NAME};
  int err = for_each_row(values, inputs, "input trays", decode_input, p);
  return err != 0
             ? err
             : for_each_row(values, outputs, "output bins", decode_output, p);
}

static bool alert_is_empty(const struct pp_alert *a) {
  return a->code == 0 && a->description[0] == '\0' && a->severity == 0;
}

static int decode_alert(struct pp_varset *values, const uint32_t *index,
                        struct pp_printer *p) {
  struct pp_alert a = {.index = (int)index[1]};
  int64_t n;
  if (int_at(values, PRT_ALERT_SEVERITY, index, 2, &n))
    a.severity = (int)n;
  if (int_at(values, PRT_ALERT_GROUP, index, 2, &n))
    pp_strlcpy(a.group, pp_alert_group_name((int)n), sizeof(a.group));
  if (int_at(values, PRT_ALERT_GROUP_INDEX, index, 2, &n))
    a.group_index = (int)n;
  if (int_at(values, PRT_ALERT_LOCATION, index, 2, &n))
    a.location = (int)n;
  if (int_at(values, PRT_ALERT_CODE, index, 2, &n))
    a.code = (int)n;
  pp_value_text(value_at(values, PRT_ALERT_DESCR, index, 2), a.description,
                sizeof(a.description));
  if (alert_is_empty(&a))
    return 0; /* agents keep empty rows around */
  struct pp_alert *slot = pp_printer_add_alert(p);
  if (slot == NULL)
    return -ENOMEM;
  *slot = a;
  return 0;
}

static int decode_alerts(struct pp_varset *values, struct pp_printer *p) {
  static const char *const key_columns[3] = {PRT_ALERT_SEVERITY, PRT_ALERT_CODE,
                                             PRT_ALERT_DESCR};
  return for_each_row(values, key_columns, "alerts", decode_alert, p);
}

static void decode_console(struct pp_varset *values, struct pp_printer *p) {
  struct pp_oid col = oid_of(PRT_CONSOLE_TEXT);
  size_t cursor = 0, used = 0;
  const struct pp_value *v;
  while ((v = pp_varset_next_under(values, &col, &cursor)) != NULL) {
    char line[sizeof(p->console)];
    pp_value_text(v, line, sizeof(line));
    if (line[0] == '\0')
      continue;
    /* Whole lines only: a byte cut could split a character. */
    const char *sep = used ? " / " : "";
    size_t n = strlen(sep) + strlen(line);
    if (n >= sizeof(p->console) - used)
      break;
    snprintf(p->console + used, sizeof(p->console) - used, "%s%s", sep, line);
    used += n;
  }
}

static bool mentions_sleep(const char *text) {
  static const char *const words[] = {"sleep",     "energy sav",  "power sav",
                                      "ruhemodus", "energiespar", "veille",
                                      "standby",   "low power"};
  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
    if (pp_contains_ci(text, words[i]))
      return true;
  }
  return false;
}

/* Asleep: the panel or an alert says so, or the printer reports
 * other/warmup with nothing worse than the offline bit. Such a printer must
 * not page anyone at night. */
static void decide_asleep(struct pp_printer *p) {
  bool says_sleep = mentions_sleep(p->console);
  for (size_t i = 0; i < p->alert_count && !says_sleep; i++)
    says_sleep = mentions_sleep(p->alerts[i].description);
  uint32_t serious = p->status.errors & ~(1u << PP_ERR_OFFLINE);
  bool idle_like = p->status.printer == PP_PRINTER_OTHER ||
                   p->status.printer == PP_PRINTER_WARMUP;
  p->status.asleep = serious == 0 && (says_sleep || idle_like);
}

int pp_decode_standard(struct pp_varset *values, struct pp_printer *printer) {
  pp_varset_sort(values);
  decode_system(values, printer);
  decode_device(values, printer);
  decode_general(values, printer);
  decode_mac(values, printer);
  decode_counters(values, printer);
  decode_imaging_counters(values, printer);
  int err = decode_supplies(values, printer);
  if (err == 0)
    err = decode_alerts(values, printer);
  if (err == 0)
    err = decode_trays(values, printer);
  decode_console(values, printer);
  decide_asleep(printer);
  return err;
}
