/* SPDX-License-Identifier: MIT */
/* Reading a printer object of the report format back into the data model.
 *
 * Why: write_dss receives each printer as the JSON text the printer plugin
 * made with pp_report_json_printer(), through collectd meta data. It parses
 * that text back into a struct pp_printer and renders the mail from the
 * struct, so only fields of the report allowlist can ever reach a mail,
 * whatever else got into the string on the way.
 *
 * The reader is strict about syntax (RFC 8259, no extensions, valid UTF-8,
 * integers only, no duplicate keys, nothing after the object) and about the
 * known fields (types, enum names, sizes); unknown fields are parsed,
 * bounded, and dropped. */
#ifndef PP_REPORT_PARSE_H
#define PP_REPORT_PARSE_H

#include <stddef.h>

#include "pp_model.h"

/* Largest input accepted. A printer object is a few KiB; one with
 * PP_MAX_TABLE_ROWS supplies and alerts, every description at its longest
 * and every character of them a quote (escaped, two bytes; control
 * characters never reach the model), stays under 1 MiB. */
#define PP_REPORT_PARSE_MAX_INPUT (1024 * 1024)
/* Nesting accepted inside unknown fields (the format itself needs 3). */
#define PP_REPORT_PARSE_MAX_DEPTH 16
/* As many rows as a poll keeps; more (a profile's own rows on top) are
 * skipped, and the printer's error says so. */
#define PP_REPORT_PARSE_MAX_SUPPLIES PP_MAX_TABLE_ROWS
#define PP_REPORT_PARSE_MAX_ALERTS PP_MAX_TABLE_ROWS
#define PP_REPORT_PARSE_MAX_TRAYS PP_MAX_TABLE_ROWS

/* Parses one printer object of len bytes (need not be NUL-terminated) into
 * out, which is initialised here; "address" and "reachable" are required.
 * Returns 0, -EINVAL for bad input, -E2BIG for input or a field that is too
 * large, -ENOMEM. On failure out holds nothing allocated and err says what
 * and where. On success err is "" or names a dropped unknown field (for a
 * log line); supplies or alerts beyond the limits above are left out and
 * out->error says so. Free out with pp_printer_clear(). */
int pp_report_parse_printer(const char *json, size_t len,
                            struct pp_printer *out, char *err, size_t errlen);

#endif
