/* SPDX-License-Identifier: MIT */
/* The report round trip, shared by the report fuzzers: what
 * pp_report_json_printer writes, pp_report_parse_printer must read back,
 * and writing that again must give the same text (rows beyond the
 * parser's limits left out, as it documents). */
#ifndef FUZZ_REPORT_UTIL_H
#define FUZZ_REPORT_UTIL_H

#include <string.h>

#include "fuzz_util.h"
#include "pp_buf.h"
#include "pp_model.h"
#include "pp_report.h"
#include "pp_report_parse.h"

#define FUZZ_REPORT_LIMIT (4 * 1024 * 1024)

static inline void fuzz_check_round_trip(const struct pp_printer *p) {
  struct pp_buf first, second, expect;
  pp_buf_init(&first, FUZZ_REPORT_LIMIT);
  pp_buf_init(&second, FUZZ_REPORT_LIMIT);
  pp_buf_init(&expect, FUZZ_REPORT_LIMIT);
  FUZZ_CHECK(pp_report_json_printer(p, &first) == 0);
  struct pp_printer back;
  char err[256];
  int rc =
      pp_report_parse_printer(first.data, first.len, &back, err, sizeof err);
  if (rc != 0)
    fprintf(stderr, "report does not parse back: %s\n%s\n", err, first.data);
  FUZZ_CHECK(rc == 0);
  FUZZ_CHECK(pp_report_json_printer(&back, &second) == 0);
  /* Rows beyond a poll's limit (a profile's own on top of a full table)
   * are left out by the parser, and the printer's error says so. */
  struct pp_printer kept = *p;
  if (p->supply_count > PP_REPORT_PARSE_MAX_SUPPLIES ||
      p->alert_count > PP_REPORT_PARSE_MAX_ALERTS ||
      p->tray_count > PP_REPORT_PARSE_MAX_TRAYS) {
    FUZZ_CHECK(back.error[0] != '\0');
    memcpy(kept.error, back.error, sizeof kept.error);
    if (kept.supply_count > PP_REPORT_PARSE_MAX_SUPPLIES)
      kept.supply_count = PP_REPORT_PARSE_MAX_SUPPLIES;
    if (kept.alert_count > PP_REPORT_PARSE_MAX_ALERTS)
      kept.alert_count = PP_REPORT_PARSE_MAX_ALERTS;
    if (kept.tray_count > PP_REPORT_PARSE_MAX_TRAYS)
      kept.tray_count = PP_REPORT_PARSE_MAX_TRAYS;
  }
  FUZZ_CHECK(pp_report_json_printer(&kept, &expect) == 0);
  bool same = expect.len == second.len &&
              memcmp(expect.data, second.data, expect.len) == 0;
  if (!same)
    fprintf(stderr, "report changed in the round trip:\n%s\n%s\n", expect.data,
            second.data);
  FUZZ_CHECK(same);
  pp_printer_clear(&back);
  pp_buf_free(&first);
  pp_buf_free(&second);
  pp_buf_free(&expect);

  /* The other writers of the same model. */
  struct pp_buf out;
  pp_buf_init(&out, FUZZ_REPORT_LIMIT);
  FUZZ_CHECK(pp_report_json(p, 1, &out) == 0);
  pp_buf_reset(&out);
  FUZZ_CHECK(pp_report_csv_supplies(p, 1, &out) == 0);
  pp_buf_reset(&out);
  FUZZ_CHECK(pp_report_csv_counters(p, 1, &out) == 0);
  pp_buf_reset(&out);
  FUZZ_CHECK(pp_report_csv_trays(p, 1, &out) == 0);
  pp_buf_free(&out);
}

#endif
