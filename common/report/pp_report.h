/* SPDX-License-Identifier: MIT */
/* The report format: JSON for the fleet, CSV for counters and supplies.
 *
 * Privacy: only the fields named in this file's allowlists are ever written,
 * whatever a profile read. The allowlists are the site's promise: device
 * identity (name, maker, model, serial, firmware, address, MAC), status,
 * counters, supply levels and error messages. Never print-job data, user
 * names, sysContact or sysLocation, console text, or raw values. */
#ifndef PP_REPORT_H
#define PP_REPORT_H

#include <stddef.h>

#include "pp_buf.h"
#include "pp_model.h"

/* {"printers":[...]} with one object per printer. Returns 0, -E2BIG when the
 * buffer's cap is reached (it is then freed), or -ENOMEM. */
int pp_report_json(const struct pp_printer *printers, size_t count,
                   struct pp_buf *out);

/* One printer object, as in the fleet report. */
int pp_report_json_printer(const struct pp_printer *printer,
                           struct pp_buf *out);

/* One row per supply / per counter, with a header line. RFC 4180 quoting;
 * text that a spreadsheet would run as a formula is defused. */
int pp_report_csv_supplies(const struct pp_printer *printers, size_t count,
                           struct pp_buf *out);
/* One row per input tray and output bin, named by the policy. */
int pp_report_csv_trays(const struct pp_printer *printers, size_t count,
                        struct pp_buf *out);
int pp_report_csv_counters(const struct pp_printer *printers, size_t count,
                           struct pp_buf *out);

/* The same, a part at a time, for a report written as printers finish:
 * the header line, then each printer's rows. */
enum pp_csv_kind { PP_CSV_SUPPLIES, PP_CSV_TRAYS, PP_CSV_COUNTERS };
int pp_report_csv_header(enum pp_csv_kind kind, struct pp_buf *out);
int pp_report_csv_rows(enum pp_csv_kind kind, const struct pp_printer *printer,
                       struct pp_buf *out);

/* Name of the i-th printer field the JSON report may carry, NULL past the
 * end: for tests and documentation. */
const char *pp_report_field(size_t i);

/* JSON string literal of s (with quotes). */
int pp_json_string(struct pp_buf *out, const char *s);

#endif
