/* SPDX-License-Identifier: MIT */
#include "pp_report.h"
#include "pp_buf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp_policy.h"

int pp_json_string(struct pp_buf *out, const char *s) {
  PP_TRY(pp_buf_addstr(out, "\""));
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      char esc[2] = {'\\', (char)*p};
      PP_TRY(pp_buf_add(out, esc, 2));
    } else if (*p < 0x20 || *p == 0x7f) {
      PP_TRY(pp_buf_printf(out, "\\u%04x", *p));
    } else {
      PP_TRY(pp_buf_add(out, p, 1));
    }
  }
  return pp_buf_addstr(out, "\"");
}

/* A string that may be unknown: "" is null. */
static int json_text_or_null(struct pp_buf *out, const char *s) {
  if (s == NULL || s[0] == '\0')
    return pp_buf_addstr(out, "null");
  return pp_json_string(out, s);
}

static int json_number_or_null(struct pp_buf *out, int64_t n) {
  if (n == PP_UNKNOWN)
    return pp_buf_addstr(out, "null");
  return pp_buf_printf(out, "%" PRId64, n);
}

/* Counters are unsigned 64-bit: all of them written, exactly. */
static int json_count_or_null(struct pp_buf *out, uint64_t n) {
  if (n == PP_COUNT_UNKNOWN)
    return pp_buf_addstr(out, "null");
  return pp_buf_printf(out, "%" PRIu64, n);
}

static int json_key(struct pp_buf *out, const char *key, bool first) {
  PP_TRY(pp_buf_addstr(out, first ? "" : ","));
  PP_TRY(pp_json_string(out, key));
  return pp_buf_addstr(out, ":");
}

/* --- the allowlist: one writer per field --- */

typedef int (*field_writer)(struct pp_buf *out, const struct pp_printer *p);

static int w_address(struct pp_buf *o, const struct pp_printer *p) {
  return pp_json_string(o, p->address);
}
static int w_reachable(struct pp_buf *o, const struct pp_printer *p) {
  return pp_buf_addstr(o, p->reachable ? "true" : "false");
}
static int w_error(struct pp_buf *o, const struct pp_printer *p) {
  return json_text_or_null(o, p->error);
}
static int w_name(struct pp_buf *o, const struct pp_printer *p) {
  return json_text_or_null(o, p->name);
}
static int w_manufacturer(struct pp_buf *o, const struct pp_printer *p) {
  return json_text_or_null(o, p->manufacturer);
}
static int w_model(struct pp_buf *o, const struct pp_printer *p) {
  return json_text_or_null(o, p->model);
}
static int w_serial(struct pp_buf *o, const struct pp_printer *p) {
  return json_text_or_null(o, p->serial);
}
static int w_firmware(struct pp_buf *o, const struct pp_printer *p) {
  return json_text_or_null(o, p->firmware);
}
static int w_mac(struct pp_buf *o, const struct pp_printer *p) {
  return json_text_or_null(o, p->mac);
}

static int w_status(struct pp_buf *o, const struct pp_printer *p) {
  const struct pp_status *s = &p->status;
  PP_TRY(pp_buf_addstr(o, "{"));
  /* The policy's verdict, as check_printer_status and collectd's
   * gauge-state give it; null when the printer did not answer. */
  PP_TRY(json_key(o, "state", true));
  PP_TRY(json_text_or_null(
      o,
      p->reachable ? pp_severity_name(pp_policy_printer_severity(p)) : NULL));
  PP_TRY(json_key(o, "printer", false));
  PP_TRY(json_text_or_null(o, pp_printer_status_name(s->printer)));
  PP_TRY(json_key(o, "device", false));
  PP_TRY(json_text_or_null(o, pp_device_status_name(s->device)));
  PP_TRY(json_key(o, "asleep", false));
  PP_TRY(pp_buf_addstr(o, s->asleep ? "true" : "false"));
  PP_TRY(json_key(o, "errors", false));
  /* Never read (and no profile filled it): unknown, not "no errors". */
  if (s->error_bytes == 0 && s->errors == 0) {
    PP_TRY(pp_buf_addstr(o, "null"));
  } else {
    PP_TRY(pp_buf_addstr(o, "["));
    bool first = true;
    for (unsigned bit = 0; bit < PP_ERR_BIT_COUNT; bit++) {
      if (!(s->errors & (1u << bit)))
        continue;
      PP_TRY(pp_buf_addstr(o, first ? "" : ","));
      PP_TRY(pp_json_string(o, pp_error_bit_name(bit)));
      first = false;
    }
    PP_TRY(pp_buf_addstr(o, "]"));
  }
  return pp_buf_addstr(o, "}");
}

/* Meters go out in the order of pp_meter_names, whatever order the
 * profile found them in: reports of one printer compare line by line. */
static const struct pp_counter *meter_named(const struct pp_counters *c,
                                            const char *name) {
  for (size_t i = 0; i < c->vendor_count; i++) {
    if (strcmp(c->vendor[i].name, name) == 0)
      return &c->vendor[i];
  }
  return NULL;
}

/* counters.units: what each meter counts ("mono": "impressions"), for
 * the meters whose unit the maker's documentation gives; left out when no
 * meter has one. */
static int w_meter_units(struct pp_buf *o, const struct pp_counters *c) {
  bool first = true;
  for (size_t m = 0; pp_meter_names[m] != NULL; m++) {
    const struct pp_counter *meter = meter_named(c, pp_meter_names[m]);
    const char *unit = meter ? pp_meter_unit_name(meter->unit) : NULL;
    if (unit == NULL)
      continue;
    if (first)
      PP_TRY(json_key(o, "units", false));
    PP_TRY(pp_buf_addstr(o, first ? "{" : ","));
    PP_TRY(json_key(o, meter->name, true));
    PP_TRY(pp_json_string(o, unit));
    first = false;
  }
  return first ? 0 : pp_buf_addstr(o, "}");
}

/* counters.read_at: when the counters were read, ISO 8601 UTC; null for
 * a printer never read. */
static int w_read_at(struct pp_buf *o, const struct pp_counters *c) {
  char when[32];
  PP_TRY(json_key(o, "read_at", false));
  if (!pp_format_utc(c->read_at, when, sizeof(when)))
    return pp_buf_addstr(o, "null");
  return pp_json_string(o, when);
}

static int w_counters(struct pp_buf *o, const struct pp_printer *p) {
  const struct pp_counters *c = &p->counters;
  PP_TRY(pp_buf_addstr(o, "{"));
  PP_TRY(json_key(o, "total", true));
  PP_TRY(json_count_or_null(o, c->total));
  PP_TRY(json_key(o, "unit", false));
  PP_TRY(json_text_or_null(o, c->unit ? pp_counter_unit_name(c->unit) : NULL));
  PP_TRY(json_key(o, "power_on", false));
  PP_TRY(json_count_or_null(o, c->power_on));
  for (size_t m = 0; pp_meter_names[m] != NULL; m++) {
    const struct pp_counter *meter = meter_named(c, pp_meter_names[m]);
    if (meter == NULL)
      continue;
    PP_TRY(json_key(o, meter->name, false));
    PP_TRY(json_count_or_null(o, meter->value));
  }
  PP_TRY(w_meter_units(o, c));
  PP_TRY(w_read_at(o, c));
  return pp_buf_addstr(o, "}");
}

/* Why the maker's meters and the total disagree; null when they agree. */
static int w_counters_note(struct pp_buf *o, const struct pp_printer *p) {
  return json_text_or_null(o, p->counters.note);
}

static int w_supply(struct pp_buf *o, const struct pp_supply *s,
                    const char *name) {
  PP_TRY(pp_buf_addstr(o, "{"));
  /* The name every front end shows (pp_policy.h). */
  PP_TRY(json_key(o, "name", true));
  PP_TRY(pp_json_string(o, name));
  PP_TRY(json_key(o, "description", false));
  PP_TRY(pp_json_string(o, s->description));
  PP_TRY(json_key(o, "colour", false));
  PP_TRY(json_text_or_null(o, s->colour));
  PP_TRY(json_key(o, "type", false));
  PP_TRY(pp_json_string(o, pp_supply_type_name(s->type)));
  PP_TRY(json_key(o, "receptacle", false));
  PP_TRY(pp_buf_addstr(o, s->receptacle ? "true" : "false"));
  PP_TRY(json_key(o, "level", false));
  PP_TRY(json_number_or_null(o, s->level));
  PP_TRY(json_key(o, "max", false));
  PP_TRY(json_number_or_null(o, s->max));
  PP_TRY(json_key(o, "unit", false));
  PP_TRY(json_text_or_null(o, s->unit ? pp_supply_unit_name(s->unit) : NULL));
  PP_TRY(json_key(o, "percent", false));
  PP_TRY(json_number_or_null(o, s->percent == PP_NO_PERCENT ? PP_UNKNOWN
                                                            : s->percent));
  PP_TRY(json_key(o, "state", false));
  PP_TRY(pp_json_string(o, pp_supply_state_name(s->state)));
  PP_TRY(json_key(o, "severity", false));
  PP_TRY(pp_json_string(o, pp_severity_name(pp_policy_supply_severity(s))));
  return pp_buf_addstr(o, "}");
}

static int w_supplies(struct pp_buf *o, const struct pp_printer *p) {
  char(*names)[PP_SUPPLY_NAME_MAX] =
      calloc(p->supply_count + 1, sizeof(*names));
  if (names == NULL)
    return -ENOMEM;
  pp_policy_supply_names(p, names);
  int err = pp_buf_addstr(o, "[");
  for (size_t i = 0; err == 0 && i < p->supply_count; i++) {
    err = pp_buf_addstr(o, i ? "," : "");
    if (err == 0)
      err = w_supply(o, &p->supplies[i], names[i]);
  }
  free(names);
  return err != 0 ? err : pp_buf_addstr(o, "]");
}

static int w_tray(struct pp_buf *o, const struct pp_tray *t, const char *name) {
  PP_TRY(pp_buf_addstr(o, "{"));
  PP_TRY(json_key(o, "name", true));
  PP_TRY(pp_json_string(o, name));
  PP_TRY(json_key(o, "kind", false));
  PP_TRY(pp_json_string(o, t->output ? "output" : "input"));
  PP_TRY(json_key(o, "index", false));
  PP_TRY(pp_buf_printf(o, "%d", t->index));
  PP_TRY(json_key(o, "description", false));
  PP_TRY(pp_json_string(o, t->name));
  PP_TRY(json_key(o, "manual", false));
  PP_TRY(pp_buf_addstr(o, t->manual ? "true" : "false"));
  PP_TRY(json_key(o, "type", false));
  PP_TRY(json_text_or_null(o, t->type ? pp_tray_type_name(t->output, t->type)
                                      : NULL));
  PP_TRY(json_key(o, "media", false));
  PP_TRY(json_text_or_null(o, t->media));
  PP_TRY(json_key(o, "unit", false));
  PP_TRY(json_text_or_null(o, t->unit ? pp_capacity_unit_name(t->unit) : NULL));
  PP_TRY(json_key(o, "level", false));
  PP_TRY(json_number_or_null(o, t->level));
  PP_TRY(json_key(o, "max", false));
  PP_TRY(json_number_or_null(o, t->max));
  PP_TRY(json_key(o, "percent", false));
  PP_TRY(json_number_or_null(o, t->percent == PP_NO_PERCENT ? PP_UNKNOWN
                                                            : t->percent));
  PP_TRY(json_key(o, "state", false));
  PP_TRY(pp_json_string(o, pp_tray_state_name(t->state)));
  PP_TRY(json_key(o, "severity", false));
  PP_TRY(pp_json_string(o, pp_severity_name(pp_policy_tray_severity(t))));
  return pp_buf_addstr(o, "}");
}

/* Paper trays and output bins, named as every front end names them. */
static int w_trays(struct pp_buf *o, const struct pp_printer *p) {
  char(*names)[PP_SUPPLY_NAME_MAX] = calloc(p->tray_count + 1, sizeof(*names));
  if (names == NULL)
    return -ENOMEM;
  pp_policy_tray_names(p, names);
  int err = pp_buf_addstr(o, "[");
  for (size_t i = 0; err == 0 && i < p->tray_count; i++) {
    err = pp_buf_addstr(o, i ? "," : "");
    if (err == 0)
      err = w_tray(o, &p->trays[i], names[i]);
  }
  free(names);
  return err != 0 ? err : pp_buf_addstr(o, "]");
}

static int w_alert(struct pp_buf *o, const struct pp_alert *a) {
  PP_TRY(pp_buf_addstr(o, "{"));
  PP_TRY(json_key(o, "severity", true));
  PP_TRY(pp_json_string(o, pp_alert_severity_name(a->severity)));
  PP_TRY(json_key(o, "group", false));
  PP_TRY(json_text_or_null(o, a->group));
  PP_TRY(json_key(o, "code", false));
  PP_TRY(pp_buf_printf(o, "%d", a->code));
  PP_TRY(json_key(o, "description", false));
  PP_TRY(pp_json_string(o, a->description));
  return pp_buf_addstr(o, "}");
}

static int w_alerts(struct pp_buf *o, const struct pp_printer *p) {
  PP_TRY(pp_buf_addstr(o, "["));
  for (size_t i = 0; i < p->alert_count; i++) {
    PP_TRY(pp_buf_addstr(o, i ? "," : ""));
    PP_TRY(w_alert(o, &p->alerts[i]));
  }
  return pp_buf_addstr(o, "]");
}

struct field {
  const char *name;
  field_writer write;
};

static const struct field allowlist[] = {
    {"address", w_address},
    {"reachable", w_reachable},
    {"error", w_error},
    {"name", w_name},
    {"manufacturer", w_manufacturer},
    {"model", w_model},
    {"serial", w_serial},
    {"firmware", w_firmware},
    {"mac", w_mac},
    {"status", w_status},
    {"counters", w_counters},
    {"counters_note", w_counters_note},
    {"supplies", w_supplies},
    {"trays", w_trays},
    {"alerts", w_alerts},
};

#define FIELD_COUNT (sizeof(allowlist) / sizeof(allowlist[0]))

const char *pp_report_field(size_t i) {
  return i < FIELD_COUNT ? allowlist[i].name : NULL;
}

int pp_report_json_printer(const struct pp_printer *printer,
                           struct pp_buf *out) {
  PP_TRY(pp_buf_addstr(out, "{"));
  for (size_t i = 0; i < FIELD_COUNT; i++) {
    PP_TRY(json_key(out, allowlist[i].name, i == 0));
    PP_TRY(allowlist[i].write(out, printer));
  }
  return pp_buf_addstr(out, "}");
}

int pp_report_json(const struct pp_printer *printers, size_t count,
                   struct pp_buf *out) {
  PP_TRY(pp_buf_addstr(out, "{\"printers\":["));
  for (size_t i = 0; i < count; i++) {
    PP_TRY(pp_buf_addstr(out, i ? ",\n" : "\n"));
    PP_TRY(pp_report_json_printer(&printers[i], out));
  }
  return pp_buf_addstr(out, "\n]}\n");
}

/* --- CSV --- */

static int csv_text(struct pp_buf *out, const char *s, bool last) {
  PP_TRY(pp_buf_addstr(out, "\""));
  /* A leading = + - @ would run as a formula in a spreadsheet. */
  if (strchr("=+-@", s[0]) != NULL && s[0] != '\0')
    PP_TRY(pp_buf_addstr(out, "'"));
  for (const char *p = s; *p; p++) {
    if (*p == '"')
      PP_TRY(pp_buf_add(out, "\"\"", 2));
    else
      PP_TRY(pp_buf_add(out, p, 1));
  }
  return pp_buf_addstr(out, last ? "\"\r\n" : "\",");
}

static int csv_number(struct pp_buf *out, int64_t n, bool last) {
  if (n != PP_UNKNOWN)
    PP_TRY(pp_buf_printf(out, "%" PRId64, n));
  return pp_buf_addstr(out, last ? "\r\n" : ",");
}

static int csv_count(struct pp_buf *out, uint64_t n, bool last) {
  if (n != PP_COUNT_UNKNOWN)
    PP_TRY(pp_buf_printf(out, "%" PRIu64, n));
  return pp_buf_addstr(out, last ? "\r\n" : ",");
}

static int csv_identity(struct pp_buf *out, const struct pp_printer *p) {
  PP_TRY(csv_text(out, p->address, false));
  PP_TRY(csv_text(out, p->name, false));
  PP_TRY(csv_text(out, p->manufacturer, false));
  PP_TRY(csv_text(out, p->model, false));
  return csv_text(out, p->serial, false);
}

/* Parenthesised: each header is one string cut over lines. */
static const char *const csv_headers[] = {
    [PP_CSV_SUPPLIES] = ("address,name,manufacturer,model,serial,description,"
                         "colour,type,receptacle,level,max,unit,percent,"
                         "state\r\n"),
    [PP_CSV_TRAYS] = ("address,name,manufacturer,model,serial,tray,"
                      "kind,description,type,media,unit,level,max,percent,"
                      "state,severity\r\n"),
    [PP_CSV_COUNTERS] = ("address,name,manufacturer,model,serial,counter,"
                         "value,unit,read_at\r\n"),
};

int pp_report_csv_header(enum pp_csv_kind kind, struct pp_buf *out) {
  return pp_buf_addstr(out, csv_headers[kind]);
}

static int csv_supply_rows(const struct pp_printer *p, struct pp_buf *out) {
  for (size_t k = 0; k < p->supply_count; k++) {
    const struct pp_supply *s = &p->supplies[k];
    PP_TRY(csv_identity(out, p));
    PP_TRY(csv_text(out, s->description, false));
    PP_TRY(csv_text(out, s->colour, false));
    PP_TRY(csv_text(out, pp_supply_type_name(s->type), false));
    PP_TRY(csv_text(out, s->receptacle ? "true" : "false", false));
    PP_TRY(csv_number(out, s->level, false));
    PP_TRY(csv_number(out, s->max, false));
    PP_TRY(csv_text(out, s->unit ? pp_supply_unit_name(s->unit) : "", false));
    PP_TRY(csv_number(
        out, s->percent == PP_NO_PERCENT ? PP_UNKNOWN : s->percent, false));
    PP_TRY(csv_text(out, pp_supply_state_name(s->state), true));
  }
  return 0;
}

int pp_report_csv_supplies(const struct pp_printer *printers, size_t count,
                           struct pp_buf *out) {
  PP_TRY(pp_report_csv_header(PP_CSV_SUPPLIES, out));
  for (size_t i = 0; i < count; i++)
    PP_TRY(csv_supply_rows(&printers[i], out));
  return 0;
}

static int csv_trays_of(struct pp_buf *out, const struct pp_printer *p,
                        char (*names)[PP_SUPPLY_NAME_MAX]) {
  for (size_t k = 0; k < p->tray_count; k++) {
    const struct pp_tray *t = &p->trays[k];
    PP_TRY(csv_identity(out, p));
    PP_TRY(csv_text(out, names[k], false));
    PP_TRY(csv_text(out, t->output ? "output" : "input", false));
    PP_TRY(csv_text(out, t->name, false));
    PP_TRY(csv_text(out, t->type ? pp_tray_type_name(t->output, t->type) : "",
                    false));
    PP_TRY(csv_text(out, t->media, false));
    PP_TRY(csv_text(out, t->unit ? pp_capacity_unit_name(t->unit) : "", false));
    PP_TRY(csv_number(out, t->level, false));
    PP_TRY(csv_number(out, t->max, false));
    PP_TRY(csv_number(
        out, t->percent == PP_NO_PERCENT ? PP_UNKNOWN : t->percent, false));
    PP_TRY(csv_text(out, pp_tray_state_name(t->state), false));
    PP_TRY(csv_text(out, pp_severity_name(pp_policy_tray_severity(t)), true));
  }
  return 0;
}

static int csv_tray_rows(const struct pp_printer *p, struct pp_buf *out) {
  char(*names)[PP_SUPPLY_NAME_MAX] = calloc(p->tray_count + 1, sizeof(*names));
  if (names == NULL)
    return -ENOMEM;
  pp_policy_tray_names(p, names);
  int err = csv_trays_of(out, p, names);
  free(names);
  return err;
}

int pp_report_csv_trays(const struct pp_printer *printers, size_t count,
                        struct pp_buf *out) {
  PP_TRY(pp_report_csv_header(PP_CSV_TRAYS, out));
  for (size_t i = 0; i < count; i++)
    PP_TRY(csv_tray_rows(&printers[i], out));
  return 0;
}

static int csv_counter_row(struct pp_buf *out, const struct pp_printer *p,
                           const char *counter, uint64_t value,
                           const char *unit) {
  char when[32];
  if (!pp_format_utc(p->counters.read_at, when, sizeof(when)))
    when[0] = '\0';
  PP_TRY(csv_identity(out, p));
  PP_TRY(csv_text(out, counter, false));
  PP_TRY(csv_count(out, value, false));
  PP_TRY(csv_text(out, unit, false));
  return csv_text(out, when, true);
}

/* A meter's own unit; "" when the maker's documentation gives none. */
static const char *csv_meter_unit(const struct pp_counter *meter) {
  const char *unit = pp_meter_unit_name(meter->unit);
  return unit != NULL ? unit : "";
}

static int csv_counter_rows(const struct pp_printer *p, struct pp_buf *out) {
  /* A printer that did not answer is listed with its last reading, when
   * one is known (read_at says when): a bill drops no printer. */
  if (!p->reachable && p->counters.read_at == 0)
    return 0;
  const struct pp_counters *c = &p->counters;
  const char *unit = c->unit ? pp_counter_unit_name(c->unit) : "";
  PP_TRY(csv_counter_row(out, p, "total", c->total, unit));
  if (c->power_on != PP_COUNT_UNKNOWN)
    PP_TRY(csv_counter_row(out, p, "power_on", c->power_on, unit));
  for (size_t m = 0; pp_meter_names[m] != NULL; m++) {
    const struct pp_counter *meter = meter_named(c, pp_meter_names[m]);
    if (meter != NULL)
      PP_TRY(csv_counter_row(out, p, meter->name, meter->value,
                             csv_meter_unit(meter)));
  }
  return 0;
}

int pp_report_csv_counters(const struct pp_printer *printers, size_t count,
                           struct pp_buf *out) {
  PP_TRY(pp_report_csv_header(PP_CSV_COUNTERS, out));
  for (size_t i = 0; i < count; i++)
    PP_TRY(csv_counter_rows(&printers[i], out));
  return 0;
}

int pp_report_csv_rows(enum pp_csv_kind kind, const struct pp_printer *p,
                       struct pp_buf *out) {
  switch (kind) {
  case PP_CSV_SUPPLIES:
    return csv_supply_rows(p, out);
  case PP_CSV_TRAYS:
    return csv_tray_rows(p, out);
  case PP_CSV_COUNTERS:
    break;
  }
  return csv_counter_rows(p, out);
}
