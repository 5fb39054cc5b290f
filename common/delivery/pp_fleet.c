/* SPDX-License-Identifier: MIT */
#include "pp_fleet.h"
#include "pp_buf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "pp_mail.h"
#include "pp_policy.h"
#include "pp_report.h"
#include "pp_sign.h"
#include "pp_str.h"

/* Device status "down" (hrDeviceStatus 5). */
/* Caps for the attachments, rendered before they are encoded. */
#define ATTACHMENT_MAX (16u * 1024 * 1024)
/* One printer string on a summary line or in a subject. */
#define LINE_TEXT_MAX 200

/* --- ids --- */

int pp_fleet_new_id(time_t now, char *out, size_t outlen) {
  uint64_t random_bits;
  ssize_t got = getrandom(&random_bits, sizeof(random_bits), 0);
  if (got != (ssize_t)sizeof(random_bits))
    return got < 0 ? -errno : -EIO;
  struct tm tm;
  gmtime_r(&now, &tm);
  int n = snprintf(out, outlen, "%04d%02d%02dT%02d%02d%02dZ-%016" PRIx64,
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                   tm.tm_min, tm.tm_sec, random_bits);
  return n > 0 && (size_t)n < outlen ? 0 : -E2BIG;
}

bool pp_fleet_id_ok(const char *s) {
  /* YYYYMMDDTHHMMSSZ-hhhhhhhhhhhhhhhh */
  static const char shape[] = "dddddddd"
                              "Tdddddd"
                              "Z-xxxxxxxxxxxxxxxx";
  if (strlen(s) != sizeof(shape) - 1)
    return false;
  for (size_t i = 0; shape[i]; i++) {
    char c = s[i];
    bool ok = shape[i] == 'd' ? c >= '0' && c <= '9'
              : shape[i] == 'x'
                  ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                  : c == shape[i];
    if (!ok)
      return false;
  }
  return true;
}

int pp_fleet_id_time(const char *id, time_t *out) {
  if (!pp_fleet_id_ok(id))
    return -EINVAL;
  struct tm tm = {0};
  if (sscanf(id, "%4d%2d%2dT%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
             &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return -EINVAL;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  *out = timegm(&tm);
  return 0;
}

int pp_fleet_message_id(const char *id, const char *from, char *out,
                        size_t outlen) {
  const char *at = from != NULL ? strrchr(from, '@') : NULL;
  const char *domain = at != NULL && at[1] != '\0' ? at + 1 : "localhost";
  if (!pp_fleet_id_ok(id) || !pp_mail_address_ok(from))
    return -EINVAL;
  int n = snprintf(out, outlen, "<%s.printprobe@%s>", id, domain);
  return n > 0 && (size_t)n < outlen ? 0 : -E2BIG;
}

/* --- totals --- */

/* What the checks' default marks flag (pp_policy.h). */
static bool supply_needs_attention(const struct pp_supply *s) {
  return pp_policy_supply_severity(s) != PP_SEV_OK;
}

void pp_fleet_totals(const struct pp_printer *printers, size_t count,
                     struct pp_fleet_totals *out) {
  *out = (struct pp_fleet_totals){.printers = count};
  for (size_t i = 0; i < count; i++) {
    const struct pp_printer *p = &printers[i];
    out->reachable += p->reachable;
    out->in_error += pp_policy_in_error(p);
    for (size_t k = 0; p->reachable && k < p->supply_count; k++)
      out->supplies_low += supply_needs_attention(&p->supplies[k]);
  }
}

int pp_fleet_totals_format(const struct pp_fleet_totals *t, char *out,
                           size_t outlen) {
  int n = snprintf(out, outlen,
                   "printers=%zu reachable=%zu in_error=%zu supplies_low=%zu\n",
                   t->printers, t->reachable, t->in_error, t->supplies_low);
  return n > 0 && (size_t)n < outlen ? 0 : -E2BIG;
}

int pp_fleet_totals_parse(const char *line, struct pp_fleet_totals *out) {
  /* %zu takes "-1" and wraps it to a huge count. */
  if (strchr(line, '-') != NULL)
    return -EINVAL;
  if (sscanf(line, "printers=%zu reachable=%zu in_error=%zu supplies_low=%zu",
             &out->printers, &out->reachable, &out->in_error,
             &out->supplies_low) != 4)
    return -EINVAL;
  if (out->reachable > out->printers || out->in_error > out->printers)
    return -EINVAL;
  return 0;
}

/* --- text --- */

/* A printer string on one line of the summary: the JSON could carry "\n",
 * and a line break would let a printer write lines of its own. */
static int line_text(struct pp_buf *out, const char *s, const char *fallback) {
  char clean[LINE_TEXT_MAX];
  pp_mail_header_text(s, clean, sizeof(clean));
  return pp_buf_addstr(out, clean[0] ? clean : fallback);
}

static void report_date(time_t t, char *out, size_t outlen) {
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(out, outlen, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

void pp_fleet_subject(const struct pp_fleet_report *r, char *out,
                      size_t outlen) {
  char customer[LINE_TEXT_MAX];
  char raw[LINE_TEXT_MAX + 64];
  struct tm tm;
  gmtime_r(&r->created, &tm);
  pp_mail_header_text(r->customer, customer, sizeof(customer));
  snprintf(raw, sizeof(raw), "Printer fleet report %s%s%04d-%02d-%02d",
           customer, customer[0] ? " " : "", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday);
  pp_mail_header_text(raw, out, outlen);
}

static int printer_label(struct pp_buf *out, const struct pp_printer *p) {
  PP_TRY(pp_buf_addstr(out, "  - "));
  PP_TRY(line_text(out, p->name, "(no name)"));
  PP_TRY(pp_buf_addstr(out, " ("));
  PP_TRY(line_text(out, p->address, "?"));
  return pp_buf_addstr(out, ")");
}

/* Why the policy holds a printer in error: its active error bits, a device
 * status it judges, and the alerts it judges critical. */
static int error_words(struct pp_buf *out, const struct pp_printer *p) {
  const char *sep = ": ";
  uint32_t errors = pp_policy_active_errors(p);
  for (unsigned bit = 0; bit < PP_ERR_BIT_COUNT; bit++) {
    if (!(errors & (1u << bit)))
      continue;
    PP_TRY(pp_buf_printf(out, "%s%s", sep, pp_error_bit_name(bit)));
    sep = ", ";
  }
  if (pp_policy_device_severity(p) != PP_SEV_OK) {
    PP_TRY(pp_buf_printf(out, "%sdevice %s", sep,
                         pp_device_status_name(p->status.device)));
    sep = ", ";
  }
  for (size_t i = 0; i < p->alert_count; i++) {
    if (pp_policy_alert_severity(p, &p->alerts[i]) != PP_SEV_CRITICAL)
      continue;
    PP_TRY(pp_buf_printf(out, "%scritical: ", sep));
    PP_TRY(line_text(out, p->alerts[i].description, "(no text)"));
    sep = ", ";
  }
  return 0;
}

/* "12% (warning)", "missing (critical)": the words and the severity the
 * checks give it with their default marks. */
static int supply_words(struct pp_buf *out, const struct pp_supply *s) {
  const char *text = pp_policy_supply_text(s);
  if (text != NULL)
    PP_TRY(pp_buf_printf(out, " %s", text));
  if (s->percent != PP_NO_PERCENT)
    PP_TRY(pp_buf_printf(out, text != NULL ? " (%d%%%s)" : " %d%%%s",
                         s->percent, s->receptacle ? " free" : ""));
  return pp_buf_printf(out, " (%s)",
                       pp_severity_name(pp_policy_supply_severity(s)));
}

static int supply_line(struct pp_buf *out, const struct pp_printer *p,
                       const struct pp_supply *s, const char *name) {
  PP_TRY(printer_label(out, p));
  PP_TRY(pp_buf_printf(out, ": %s", name));
  PP_TRY(supply_words(out, s));
  return pp_buf_addstr(out, "\n");
}

/* The policy's names, as the checks and collectd show them; NULL when
 * memory ran out. Freed by the caller. */
static char (*names_of(const struct pp_printer *p))[PP_SUPPLY_NAME_MAX] {
  char(*names)[PP_SUPPLY_NAME_MAX] =
      calloc(p->supply_count + 1, sizeof(*names));
  if (names != NULL)
    pp_policy_supply_names(p, names);
  return names;
}

static int low_supplies(struct pp_buf *out, const struct pp_printer *p) {
  char(*names)[PP_SUPPLY_NAME_MAX] = names_of(p);
  if (names == NULL)
    return -ENOMEM;
  int err = 0;
  for (size_t k = 0; err == 0 && k < p->supply_count; k++) {
    if (supply_needs_attention(&p->supplies[k]))
      err = supply_line(out, p, &p->supplies[k], names[k]);
  }
  free(names);
  return err;
}

static int summary_lists(struct pp_buf *out, const struct pp_fleet_report *r,
                         const struct pp_fleet_totals *t) {
  if (t->reachable < t->printers) {
    PP_TRY(pp_buf_addstr(out, "\nNot reachable:\n"));
    for (size_t i = 0; i < r->count; i++) {
      const struct pp_printer *p = &r->printers[i];
      if (p->reachable)
        continue;
      PP_TRY(printer_label(out, p));
      PP_TRY(pp_buf_addstr(out, ": "));
      PP_TRY(line_text(out, p->error, "no answer"));
      PP_TRY(pp_buf_addstr(out, "\n"));
    }
  }
  if (t->in_error > 0) {
    PP_TRY(pp_buf_addstr(out, "\nPrinters in error:\n"));
    for (size_t i = 0; i < r->count; i++) {
      const struct pp_printer *p = &r->printers[i];
      if (!pp_policy_in_error(p))
        continue;
      PP_TRY(printer_label(out, p));
      PP_TRY(error_words(out, p));
      PP_TRY(pp_buf_addstr(out, "\n"));
    }
  }
  if (t->supplies_low > 0) {
    PP_TRY(pp_buf_addstr(out, "\nSupplies low or empty:\n"));
    for (size_t i = 0; i < r->count; i++) {
      const struct pp_printer *p = &r->printers[i];
      if (p->reachable)
        PP_TRY(low_supplies(out, p));
    }
  }
  return 0;
}

/* One printer's reading: the total and every meter, in the report's
 * order, and when they were read; "last reading" when it did not answer
 * this period. */
static int meter_reading(struct pp_buf *out, const struct pp_printer *p) {
  char when[32];
  if (!pp_format_utc(p->counters.read_at, when, sizeof(when)))
    return 0;
  PP_TRY(printer_label(out, p));
  PP_TRY(pp_buf_addstr(out, ":"));
  if (p->counters.total != PP_COUNT_UNKNOWN)
    PP_TRY(pp_buf_printf(out, " total %" PRIu64 ",", p->counters.total));
  for (size_t m = 0; pp_meter_names[m] != NULL; m++) {
    const struct pp_counter *meter = pp_printer_meter(p, pp_meter_names[m]);
    if (meter != NULL)
      PP_TRY(pp_buf_printf(out, " %s %" PRIu64 ",", meter->name, meter->value));
  }
  PP_TRY(pp_buf_printf(out, " read %s%s\n", when,
                       p->reachable ? "" : " (last reading: no answer since)"));
  if (p->counters.note[0] != '\0') {
    PP_TRY(pp_buf_addstr(out, "    note: "));
    PP_TRY(line_text(out, p->counters.note, ""));
    PP_TRY(pp_buf_addstr(out, "\n"));
  }
  return 0;
}

/* Every printer with a reading, the silent ones with their last: a bill
 * drops no printer. */
static int meter_readings(struct pp_buf *out, const struct pp_fleet_report *r) {
  bool any = false;
  for (size_t i = 0; i < r->count && !any; i++)
    any = r->printers[i].counters.read_at != 0;
  if (!any)
    return 0;
  PP_TRY(pp_buf_addstr(out, "\nMeter readings:\n"));
  for (size_t i = 0; i < r->count; i++)
    PP_TRY(meter_reading(out, &r->printers[i]));
  return 0;
}

int pp_fleet_summary(const struct pp_fleet_report *r, struct pp_buf *out) {
  struct pp_fleet_totals t;
  char date[64];
  pp_fleet_totals(r->printers, r->count, &t);
  report_date(r->created, date, sizeof(date));
  PP_TRY(pp_buf_addstr(out, "Printer fleet report"));
  if (r->customer != NULL && r->customer[0] != '\0') {
    PP_TRY(pp_buf_addstr(out, " for "));
    PP_TRY(line_text(out, r->customer, ""));
  }
  PP_TRY(pp_buf_printf(out, "\nReport %s, %s\n\n", r->id, date));
  PP_TRY(pp_buf_printf(out,
                       "Printers:            %zu\n"
                       "Reachable:           %zu\n"
                       "Not reachable:       %zu\n"
                       "Printers in error:   %zu\n"
                       "Supplies low/empty:  %zu\n",
                       t.printers, t.reachable, t.printers - t.reachable,
                       t.in_error, t.supplies_low));
  PP_TRY(summary_lists(out, r, &t));
  PP_TRY(meter_readings(out, r));
  return pp_buf_addstr(out, "\nAttached: report.json (all data), supplies.csv, "
                            "counters.csv.\nThe same message is kept in the "
                            "site's report archive.\n");
}

/* --- the message --- */

struct rendered {
  struct pp_buf text;
  struct pp_buf json;
  struct pp_buf supplies;
  struct pp_buf counters;
  struct pp_buf signature;
};

static void rendered_free(struct rendered *r) {
  pp_buf_free(&r->text);
  pp_buf_free(&r->json);
  pp_buf_free(&r->supplies);
  pp_buf_free(&r->counters);
  pp_buf_free(&r->signature);
}

static int render_parts(const struct pp_fleet_report *r, struct rendered *out) {
  pp_buf_init(&out->text, ATTACHMENT_MAX);
  pp_buf_init(&out->json, ATTACHMENT_MAX);
  pp_buf_init(&out->supplies, ATTACHMENT_MAX);
  pp_buf_init(&out->counters, ATTACHMENT_MAX);
  pp_buf_init(&out->signature, ATTACHMENT_MAX);
  PP_TRY(pp_fleet_summary(r, &out->text));
  PP_TRY(pp_report_json(r->printers, r->count, &out->json));
  PP_TRY(pp_report_csv_supplies(r->printers, r->count, &out->supplies));
  PP_TRY(pp_report_csv_counters(r->printers, r->count, &out->counters));
  /* Signed after rendering: the signature covers the exact bytes of
   * report.json that the message carries. */
  if (r->signer == NULL)
    return 0;
  return pp_sign_report(r->signer, r->message_id, out->json.data, out->json.len,
                        &out->signature);
}

int pp_fleet_message(const struct pp_fleet_report *r, struct pp_buf *out) {
  struct rendered parts;
  int err = render_parts(r, &parts);
  if (err != 0) {
    rendered_free(&parts);
    pp_buf_free(out);
    return err;
  }
  char subject[LINE_TEXT_MAX + 64];
  pp_fleet_subject(r, subject, sizeof(subject));
  const struct pp_mail_attachment files[] = {
      {"report.json", "application/json; charset=utf-8", parts.json.data,
       parts.json.len},
      {"supplies.csv", "text/csv; charset=utf-8; header=present",
       parts.supplies.data, parts.supplies.len},
      {"counters.csv", "text/csv; charset=utf-8; header=present",
       parts.counters.data, parts.counters.len},
      {"report.sig", "text/plain; charset=us-ascii", parts.signature.data,
       parts.signature.len},
  };
  const struct pp_mail mail = {
      .from = r->from,
      .to = r->to,
      .to_count = r->to_count,
      .subject = subject,
      .date = r->created,
      .message_id = r->message_id,
      .text = parts.text.data,
      .attachments = files,
      .attachment_count =
          sizeof(files) / sizeof(files[0]) - (r->signer == NULL ? 1 : 0),
  };
  err = pp_mail_build(&mail, out);
  rendered_free(&parts);
  return err;
}

/* --- HTML --- */

int pp_html_escape(struct pp_buf *out, const char *s) {
  for (const char *p = s != NULL ? s : ""; *p; p++) {
    const char *entity = NULL;
    switch (*p) {
    case '&':
      entity = "&amp;";
      break;
    case '<':
      entity = "&lt;";
      break;
    case '>':
      entity = "&gt;";
      break;
    case '"':
      entity = "&quot;";
      break;
    case '\'':
      entity = "&#39;";
      break;
    default:
      break;
    }
    if (entity != NULL)
      PP_TRY(pp_buf_addstr(out, entity));
    else
      PP_TRY(pp_buf_add(out, p, 1));
  }
  return 0;
}

/* Escaped text of one cell, "–" when empty. */
static int html_cell_text(struct pp_buf *out, const char *s) {
  char clean[LINE_TEXT_MAX + 64];
  pp_mail_header_text(s, clean, sizeof(clean));
  if (clean[0] == '\0')
    return pp_buf_addstr(out, "&ndash;");
  return pp_html_escape(out, clean);
}

static const char html_style[] =
    "<style>\n"
    "body{font-family:sans-serif;margin:2em;color:#222}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#eee}\n"
    ".bad{color:#b00;font-weight:bold}.warn{color:#a60}.ok{color:#070}\n"
    ".num{text-align:right}\n"
    "</style>\n";

static int html_head(struct pp_buf *out, const char *title) {
  PP_TRY(pp_buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
                            "<meta charset=\"utf-8\">\n<title>"));
  PP_TRY(pp_html_escape(out, title));
  PP_TRY(pp_buf_addstr(out, "</title>\n"));
  PP_TRY(pp_buf_addstr(out, html_style));
  PP_TRY(pp_buf_addstr(out, "</head><body>\n<h1>"));
  PP_TRY(pp_html_escape(out, title));
  return pp_buf_addstr(out, "</h1>\n");
}

static const char *supply_class(const struct pp_supply *s) {
  enum pp_severity sev = pp_policy_supply_severity(s);
  return sev == PP_SEV_CRITICAL ? "bad" : sev == PP_SEV_WARNING ? "warn" : "ok";
}

static int html_supplies(struct pp_buf *out, const struct pp_printer *p,
                         char (*names)[PP_SUPPLY_NAME_MAX]) {
  if (p->supply_count == 0)
    return pp_buf_addstr(out, "&ndash;");
  for (size_t k = 0; k < p->supply_count; k++) {
    const struct pp_supply *s = &p->supplies[k];
    PP_TRY(pp_buf_printf(out, "%s<span class=\"%s\">", k ? "<br>" : "",
                         supply_class(s)));
    PP_TRY(html_cell_text(out, names[k]));
    PP_TRY(supply_words(out, s)); /* our words: nothing to escape */
    PP_TRY(pp_buf_addstr(out, "</span>"));
  }
  return 0;
}

static int html_errors(struct pp_buf *out, const struct pp_printer *p) {
  if (!p->reachable) {
    PP_TRY(pp_buf_addstr(out, "<span class=\"bad\">not reachable: "));
    PP_TRY(html_cell_text(out, p->error));
    return pp_buf_addstr(out, "</span>");
  }
  bool any = false;
  uint32_t errors = pp_policy_active_errors(p);
  for (unsigned bit = 0; bit < PP_ERR_BIT_COUNT; bit++) {
    if (!(errors & (1u << bit)))
      continue;
    PP_TRY(pp_buf_printf(
        out, "%s<span class=\"%s\">%s</span>", any ? "<br>" : "",
        pp_policy_bit_severity(bit) == PP_SEV_CRITICAL ? "bad" : "warn",
        pp_error_bit_name(bit)));
    any = true;
  }
  for (size_t i = 0; i < p->alert_count; i++) {
    const struct pp_alert *a = &p->alerts[i];
    enum pp_severity sev = pp_policy_alert_severity(p, a);
    PP_TRY(pp_buf_printf(out, "%s<span class=\"%s\">%s: ", any ? "<br>" : "",
                         sev == PP_SEV_CRITICAL  ? "bad"
                         : sev == PP_SEV_WARNING ? "warn"
                                                 : "ok",
                         pp_alert_severity_name(a->severity)));
    PP_TRY(html_cell_text(out, a->description));
    PP_TRY(pp_buf_addstr(out, "</span>"));
    any = true;
  }
  return any ? 0 : pp_buf_addstr(out, "<span class=\"ok\">none</span>");
}

/* "Xerox AltaLink C8130", not "Xerox Xerox AltaLink C8130": most models
 * already name their maker. */
static int html_model(struct pp_buf *out, const struct pp_printer *p) {
  size_t n = strlen(p->manufacturer);
  bool named = n > 0 && strncasecmp(p->model, p->manufacturer, n) == 0;
  if (p->manufacturer[0] != '\0' && !named) {
    PP_TRY(html_cell_text(out, p->manufacturer));
    if (p->model[0] == '\0')
      return 0;
    PP_TRY(pp_buf_addstr(out, " "));
  }
  return html_cell_text(out, p->model);
}

static int html_meter(struct pp_buf *out, const struct pp_printer *p,
                      const char *name) {
  const struct pp_counter *meter = pp_printer_meter(p, name);
  PP_TRY(pp_buf_addstr(out, "</td><td class=\"num\">"));
  if (meter == NULL)
    return pp_buf_addstr(out, "&ndash;");
  return pp_buf_printf(out, "%" PRIu64, meter->value);
}

/* Mono, colour and when they were read (a silent printer's last reading
 * says so); every meter is in counters.csv. */
static int html_meters(struct pp_buf *out, const struct pp_printer *p) {
  char when[32];
  PP_TRY(html_meter(out, p, "mono"));
  PP_TRY(html_meter(out, p, "colour"));
  PP_TRY(pp_buf_addstr(out, "</td><td>"));
  if (!pp_format_utc(p->counters.read_at, when, sizeof(when)))
    return pp_buf_addstr(out, "&ndash;");
  PP_TRY(pp_buf_addstr(out, when));
  return p->reachable ? 0 : pp_buf_addstr(out, " (last reading)");
}

static int html_printer_row(struct pp_buf *out, const struct pp_printer *p) {
  PP_TRY(pp_buf_addstr(out, "<tr><td>"));
  PP_TRY(html_cell_text(out, p->name));
  PP_TRY(pp_buf_addstr(out, "</td><td>"));
  PP_TRY(html_cell_text(out, p->address));
  PP_TRY(pp_buf_addstr(out, "</td><td>"));
  PP_TRY(html_model(out, p));
  PP_TRY(pp_buf_addstr(out, "</td><td>"));
  PP_TRY(html_cell_text(out, p->serial));
  PP_TRY(pp_buf_addstr(out, "</td><td class=\"num\">"));
  if (p->counters.total == PP_COUNT_UNKNOWN)
    PP_TRY(pp_buf_addstr(out, "&ndash;"));
  else
    PP_TRY(pp_buf_printf(out, "%" PRIu64, p->counters.total));
  PP_TRY(html_meters(out, p));
  PP_TRY(pp_buf_addstr(out, "</td><td>"));
  char(*names)[PP_SUPPLY_NAME_MAX] = names_of(p);
  if (names == NULL)
    return -ENOMEM;
  int err = html_supplies(out, p, names);
  free(names);
  PP_TRY(err);
  PP_TRY(pp_buf_addstr(out, "</td><td>"));
  PP_TRY(html_errors(out, p));
  return pp_buf_addstr(out, "</td></tr>\n");
}

static int html_totals(struct pp_buf *out, const struct pp_fleet_totals *t) {
  return pp_buf_printf(out,
                       "<p>Printers: %zu &middot; reachable: %zu &middot; "
                       "in error: <span class=\"%s\">%zu</span> &middot; "
                       "supplies low or empty: <span class=\"%s\">%zu</span>"
                       "</p>\n",
                       t->printers, t->reachable, t->in_error ? "bad" : "ok",
                       t->in_error, t->supplies_low ? "warn" : "ok",
                       t->supplies_low);
}

int pp_fleet_html_page(const struct pp_fleet_report *r, struct pp_buf *out) {
  char subject[LINE_TEXT_MAX + 64];
  char date[64];
  struct pp_fleet_totals t;
  pp_fleet_subject(r, subject, sizeof(subject));
  report_date(r->created, date, sizeof(date));
  pp_fleet_totals(r->printers, r->count, &t);
  PP_TRY(html_head(out, subject));
  PP_TRY(pp_buf_printf(out, "<p>Report %s, made %s. Message-ID ", r->id, date));
  PP_TRY(pp_html_escape(out, r->message_id));
  PP_TRY(pp_buf_printf(out,
                       ". <a href=\"%s.eml\">The message as sent</a> &middot; "
                       "<a href=\"../../index.html\">All reports</a></p>\n",
                       r->id));
  PP_TRY(html_totals(out, &t));
  PP_TRY(pp_buf_addstr(out,
                       "<table>\n<tr><th>Name</th><th>Address</th>"
                       "<th>Model</th><th>Serial</th><th>Pages</th>"
                       "<th>Mono</th><th>Colour</th><th>Read</th>"
                       "<th>Supplies</th><th>Errors and alerts</th></tr>\n"));
  for (size_t i = 0; i < r->count; i++)
    PP_TRY(html_printer_row(out, &r->printers[i]));
  return pp_buf_addstr(out, "</table>\n</body></html>\n");
}

static int html_index_row(struct pp_buf *out,
                          const struct pp_fleet_index_entry *e) {
  time_t t;
  char date[64] = "?";
  if (pp_fleet_id_time(e->id, &t) == 0)
    report_date(t, date, sizeof(date));
  /* ids were checked with pp_fleet_id_ok: safe in a path and in HTML. */
  char dir[8];
  snprintf(dir, sizeof(dir), "%.4s/%.2s", e->id, e->id + 4);
  PP_TRY(pp_buf_printf(out,
                       "<tr><td>%s</td><td><a href=\"%s/%s.html\">%s</a></td>"
                       "<td><a href=\"%s/%s.eml\">.eml</a></td>",
                       date, dir, e->id, e->id, dir, e->id));
  if (e->has_totals)
    PP_TRY(pp_buf_printf(out,
                         "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
                         "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>",
                         e->totals.printers, e->totals.reachable,
                         e->totals.in_error, e->totals.supplies_low));
  else
    PP_TRY(pp_buf_addstr(out, "<td colspan=\"4\">&ndash;</td>"));
  const char *status = e->status != NULL ? e->status : "?";
  const char *cls = strcmp(status, "sent") == 0     ? "ok"
                    : strcmp(status, "failed") == 0 ? "bad"
                                                    : "warn";
  PP_TRY(pp_buf_printf(out, "<td class=\"%s\">", cls));
  PP_TRY(pp_html_escape(out, status));
  return pp_buf_addstr(out, "</td></tr>\n");
}

int pp_fleet_html_index(const char *customer,
                        const struct pp_fleet_index_entry *entries,
                        size_t count, struct pp_buf *out) {
  char title[LINE_TEXT_MAX + 64];
  char clean[LINE_TEXT_MAX];
  pp_mail_header_text(customer, clean, sizeof(clean));
  snprintf(title, sizeof(title), "Printer fleet reports%s%s",
           clean[0] ? ": " : "", clean);
  PP_TRY(html_head(out, title));
  PP_TRY(pp_buf_printf(out,
                       "<p>%zu report%s, newest first. Each was mailed as the "
                       "message file linked here, byte for byte.</p>\n",
                       count, count == 1 ? "" : "s"));
  PP_TRY(pp_buf_addstr(out,
                       "<table>\n<tr><th>Made</th><th>Report</th>"
                       "<th>Message</th><th>Printers</th><th>Reachable</th>"
                       "<th>In error</th><th>Supplies low</th>"
                       "<th>Status</th></tr>\n"));
  for (size_t i = 0; i < count; i++)
    PP_TRY(html_index_row(out, &entries[i]));
  return pp_buf_addstr(out, "</table>\n</body></html>\n");
}
