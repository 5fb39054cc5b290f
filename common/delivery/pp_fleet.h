/* SPDX-License-Identifier: MIT */
/* The fleet report as write_dss mails and archives it: one message per
 * period with a text summary and the report format's JSON and CSV, and the
 * HTML pages of the customer's local archive.
 *
 * Everything here renders from struct pp_printer through pp_report's
 * allowlist; printer text is escaped for its destination (HTML, mail
 * header, summary line) because printers are input. */
#ifndef PP_FLEET_H
#define PP_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "pp_buf.h"
#include "pp_model.h"

struct pp_sign_key;

/* "20260826T120000Z-0123456789abcdef": UTC time, then 64 random bits. The
 * time first makes names sort by age. */
#define PP_FLEET_ID_LEN 34
#define PP_FLEET_MESSAGE_ID_LEN 320

struct pp_fleet_totals {
  size_t printers;
  size_t reachable;
  size_t in_error;     /* reachable, and an error bit, device down or a
                          critical alert */
  size_t supplies_low; /* low, empty, missing, failed, (near) full bins */
};

struct pp_fleet_report {
  char id[PP_FLEET_ID_LEN];
  char message_id[PP_FLEET_MESSAGE_ID_LEN];
  time_t created;
  const char *customer;
  const char *from;
  const char *const *to;
  size_t to_count;
  const struct pp_printer *printers;
  size_t count;
  /* NULL: unsigned; else report.sig is attached (pp_sign.h). */
  const struct pp_sign_key *signer;
};

/* A new report id for time now, with random bits from getrandom(2).
 * Returns 0 or a negative errno. */
int pp_fleet_new_id(time_t now, char *out, size_t outlen);
/* Whether s has the shape of an id: file names found on disk are checked
 * before they are used in a path or a page. */
bool pp_fleet_id_ok(const char *s);
/* The time an id was made, from its first part. */
int pp_fleet_id_time(const char *id, time_t *out);
/* "<id.printprobe@domain-of-from>": the same id always gives the same
 * Message-ID, so a retry sends the same identity. */
int pp_fleet_message_id(const char *id, const char *from, char *out,
                        size_t outlen);

void pp_fleet_totals(const struct pp_printer *printers, size_t count,
                     struct pp_fleet_totals *out);

/* The whole message (.eml bytes): summary + report.json + supplies.csv +
 * counters.csv, + report.sig when the report has a signer. Returns 0, -EINVAL
 * (bad address or id), -E2BIG, -ENOMEM. */
int pp_fleet_message(const struct pp_fleet_report *report, struct pp_buf *out);
/* The text/plain summary alone. */
int pp_fleet_summary(const struct pp_fleet_report *report, struct pp_buf *out);
/* The subject line (cleaned, one line). */
void pp_fleet_subject(const struct pp_fleet_report *report, char *out,
                      size_t outlen);

/* The archive page of one report: a table of printers. */
int pp_fleet_html_page(const struct pp_fleet_report *report,
                       struct pp_buf *out);

/* Totals as one line, and back: kept next to each archived report so the
 * index can show them without reading the message. */
int pp_fleet_totals_format(const struct pp_fleet_totals *t, char *out,
                           size_t outlen);
int pp_fleet_totals_parse(const char *line, struct pp_fleet_totals *out);

struct pp_fleet_index_entry {
  char id[PP_FLEET_ID_LEN];
  const char *status; /* "sent", "queued", "failed" */
  bool has_totals;
  struct pp_fleet_totals totals;
};

/* index.html: every report, in the order given (newest first), linking to
 * YYYY/MM/<id>.html and .eml. */
int pp_fleet_html_index(const char *customer,
                        const struct pp_fleet_index_entry *entries,
                        size_t count, struct pp_buf *out);

/* Text with & < > " ' escaped. */
int pp_html_escape(struct pp_buf *out, const char *s);

#endif
