/* SPDX-License-Identifier: MIT */
/* Configuration values the core parses: SNMP options by name
 * (pp_snmp_opts_set, shared by the command line, the checks, collectd and
 * target files), the totals line kept next to each archived report
 * (pp_fleet_totals_parse), OIDs (pp_oid_parse), Printer-MIB error names, and
 * write_dss's mail addresses, header text, logged URLs and report ids.
 * Each line of the input is "key=value" for an option and, whole, a value
 * for the other parsers.
 *
 * The *-file options are left out: their value is a path the parser would
 * open, and the fuzzer must not read the machine's files.
 *
 * Checked: an option is set or refused with a message; refused or not, the
 * options stay within their fields; a parsed OID formats back to text that
 * parses to the same OID; totals format back to a line that parses to the
 * same totals; a redacted URL redacts to itself; cleaned header text has no
 * control characters. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fuzz_util.h"
#include "pp_fleet.h"
#include "pp_mail.h"
#include "pp_model.h"
#include "pp_snmp_opts.h"
#include "pp_target.h"
#include "pp_varset.h"

static bool names_a_file(const char *key) {
  size_t n = strlen(key);
  return n >= 4 && strcasecmp(key + n - 4, "file") == 0;
}

static void check_opts(const struct pp_snmp_opts *o) {
  FUZZ_CHECK(o->version == PP_SNMP_V1 || o->version == PP_SNMP_V2C ||
             o->version == PP_SNMP_V3);
  FUZZ_CHECK(o->port >= 1 && o->port <= 65535);
  FUZZ_CHECK(o->retries <= 10);
  FUZZ_CHECK(o->timeout_ms >= 1 && o->timeout_ms <= 60000);
  FUZZ_CHECK(memchr(o->community, '\0', sizeof o->community) != NULL);
  FUZZ_CHECK(memchr(o->username, '\0', sizeof o->username) != NULL);
  FUZZ_CHECK(memchr(o->context, '\0', sizeof o->context) != NULL);
}

static void option(struct pp_snmp_opts *opts, char *line) {
  char *eq = strchr(line, '=');
  if (eq == NULL)
    return;
  *eq = '\0';
  const char *key = line, *value = eq + 1;
  if (names_a_file(key))
    return;
  char err[512] = "";
  int rc = pp_snmp_opts_set(opts, key, value, err, sizeof err);
  FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL);
  if (rc == -EINVAL)
    FUZZ_CHECK(err[0] != '\0');
  check_opts(opts);
  char why[512];
  (void)pp_snmp_opts_check(opts, why, sizeof why);
  *eq = '=';
}

/* write_dss settings and what it finds on disk: mail addresses, header
 * text, the SMTP URL as logged, report ids from file names. */
static void mail_values(const char *line) {
  if (pp_mail_address_ok(line)) {
    FUZZ_CHECK(strchr(line, '@') != NULL);
    FUZZ_CHECK(strpbrk(line, " <>,\r\n\"") == NULL);
  }
  char header[64];
  pp_mail_header_text(line, header, sizeof header);
  size_t n = strlen(header);
  FUZZ_CHECK(n < sizeof header);
  FUZZ_CHECK(n == 0 || (header[0] != ' ' && header[n - 1] != ' '));
  for (size_t i = 0; i < n; i++)
    FUZZ_CHECK((unsigned char)header[i] >= 0x20 && header[i] != 0x7f);

  char once[1024], twice[1024];
  pp_url_redact(line, once, sizeof once);
  FUZZ_CHECK(strlen(once) < sizeof once);
  if (strlen(line) + 4 < sizeof once) {
    FUZZ_CHECK(pp_url_has_userinfo(once) == pp_url_has_userinfo(line));
    pp_url_redact(once, twice, sizeof twice);
    FUZZ_CHECK(strcmp(once, twice) == 0);
  }

  time_t when;
  if (pp_fleet_id_ok(line))
    FUZZ_CHECK(pp_fleet_id_time(line, &when) == 0);
}

static void values(const char *line) {
  struct pp_oid oid;
  if (pp_oid_parse(&oid, line) == 0) {
    FUZZ_CHECK(oid.len >= 1 && oid.len <= PP_OID_MAX);
    char text[PP_OID_MAX * 11 + 1];
    int n = pp_oid_format(&oid, text, sizeof text);
    FUZZ_CHECK(n > 0 && (size_t)n < sizeof text);
    struct pp_oid again;
    FUZZ_CHECK(pp_oid_parse(&again, text) == 0);
    FUZZ_CHECK(pp_oid_compare(&oid, &again) == 0);
  }
  struct pp_fleet_totals totals;
  if (pp_fleet_totals_parse(line, &totals) == 0) {
    char text[256];
    FUZZ_CHECK(pp_fleet_totals_format(&totals, text, sizeof text) == 0);
    struct pp_fleet_totals again;
    FUZZ_CHECK(pp_fleet_totals_parse(text, &again) == 0);
    FUZZ_CHECK(memcmp(&totals, &again, sizeof totals) == 0);
  }
  mail_values(line);
  int bit = pp_error_bit_from_name(line);
  FUZZ_CHECK(bit >= -1 && bit < PP_ERR_BIT_COUNT);
  if (bit >= 0)
    FUZZ_CHECK(strcasecmp(pp_error_bit_name((unsigned)bit), line) == 0);
}

static void each_line(char *line, void *user) {
  option(user, line);
  values(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct pp_snmp_opts opts;
  pp_snmp_opts_default(&opts);
  fuzz_each_line(data, size, each_line, &opts);
  memset(&opts, 0, sizeof opts);
  return 0;
}
