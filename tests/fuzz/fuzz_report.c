/* SPDX-License-Identifier: MIT */
/* The report parser (common/report/pp_report_parse.c) on untrusted text:
 * write_dss reads each printer object from collectd meta data with it.
 *
 * Checked: a failure says why and leaves nothing allocated; a success gives
 * a model within the parser's limits whose report, written again, parses
 * back to the same text (the writer/parser round trip), and the other
 * writers run on it. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_report_util.h"
#include "fuzz_util.h"
#include "pp_model.h"
#include "pp_report_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct pp_printer p;
  char err[256];
  int rc =
      pp_report_parse_printer((const char *)data, size, &p, err, sizeof err);
  FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -E2BIG || rc == -ENOMEM);
  FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
  if (rc != 0) {
    FUZZ_CHECK(err[0] != '\0');
    FUZZ_CHECK(p.supplies == NULL && p.supply_count == 0);
    FUZZ_CHECK(p.alerts == NULL && p.alert_count == 0);
    return 0;
  }
  FUZZ_CHECK(p.address[0] != '\0');
  FUZZ_CHECK(p.supply_count <= PP_REPORT_PARSE_MAX_SUPPLIES);
  FUZZ_CHECK(p.alert_count <= PP_REPORT_PARSE_MAX_ALERTS);
  FUZZ_CHECK(p.counters.vendor_count <= PP_MAX_VENDOR_COUNTERS);
  for (size_t i = 0; i < p.supply_count; i++) {
    int pc = p.supplies[i].percent;
    FUZZ_CHECK(pc == PP_NO_PERCENT || (pc >= 0 && pc <= 100));
  }
  fuzz_check_round_trip(&p);
  pp_printer_clear(&p);
  return 0;
}
