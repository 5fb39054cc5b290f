/* SPDX-License-Identifier: MIT */
/* Unit tests for the printer-object reader (pp_report_parse): what the
 * report writer makes reads back to the same report, and hostile input is
 * refused or bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp_report.h"
#include "pp_report_parse.h"
#include "pp_str.h"

#define ERR_LEN 256
#define BUF_MAX (4 * 1024 * 1024)

/* ---- Helpers ----------------------------------------------------------- */

static void add_supply(struct pp_printer *p, const char *desc,
                       const char *colour, int type, bool receptacle, int unit,
                       int64_t level, int64_t max) {
  struct pp_supply *s = pp_printer_add_supply(p);
  assert_non_null(s);
  pp_strlcpy(s->description, desc, sizeof(s->description));
  pp_strlcpy(s->colour, colour, sizeof(s->colour));
  s->type = type;
  s->receptacle = receptacle;
  s->unit = unit;
  s->level = level;
  s->max = max;
  pp_supply_derive(s);
}

static void add_alert(struct pp_printer *p, int severity, const char *group,
                      int code, const char *desc) {
  struct pp_alert *a = pp_printer_add_alert(p);
  assert_non_null(a);
  a->severity = severity;
  pp_strlcpy(a->group, group, sizeof(a->group));
  a->code = code;
  pp_strlcpy(a->description, desc, sizeof(a->description));
}

/* A printer with every field of the allowlist set, odd values included. */
static void add_tray(struct pp_printer *p, bool output, int index,
                     const char *name, const char *media, int64_t level,
                     int64_t max) {
  struct pp_tray *t = pp_printer_add_tray(p);
  assert_non_null(t);
  t->output = output;
  t->index = index;
  pp_strlcpy(t->name, name, sizeof(t->name));
  pp_strlcpy(t->media, media, sizeof(t->media));
  t->level = level;
  t->max = max;
  pp_tray_derive(t);
}

static void full_printer(struct pp_printer *p) {
  pp_printer_init(p, "192.0.2.10:161");
  p->reachable = true;
  pp_strlcpy(p->error, "partial read: \"alerts\" timed out", sizeof(p->error));
  pp_strlcpy(p->name,
             "PRN-Empfang \xc3\xa4\xc3\xb6\xc3\xbc \xe2\x82\xac "
             "\xf0\x9f\x96\xa8",
             sizeof(p->name));
  pp_strlcpy(p->manufacturer, "Xerox", sizeof(p->manufacturer));
  pp_strlcpy(p->model, "AltaLink C8130 \\ \"quoted\" / slash",
             sizeof(p->model));
  pp_strlcpy(p->serial, "XRX0000120", sizeof(p->serial));
  pp_strlcpy(p->firmware, "1.2.3\x7f", sizeof(p->firmware));
  pp_strlcpy(p->mac, "00:00:5e:00:53:14", sizeof(p->mac));
  p->status.printer = 4;
  p->status.device = 3;
  p->status.asleep = true;
  p->status.error_bytes = 2;
  p->status.errors = (1u << PP_ERR_LOW_TONER) | (1u << PP_ERR_JAMMED) |
                     (1u << PP_ERR_OVERDUE_PREVENT_MAINT);
  p->counters.total = 9007199254740993; /* above 2^53: no double on the way */
  p->counters.unit = 7;
  p->counters.power_on = 18446744073709551000u; /* past INT64_MAX */
  assert_true(pp_printer_set_counter(p, "colour", 12345));
  assert_true(pp_printer_set_counter(p, "mono", PP_COUNT_UNKNOWN));
  add_supply(p, "Black Toner", "black", 3, false, 7, 2400, 26000);
  add_supply(p, "Waste \"box\"", "", 4, true, 19, 95, 100);
  add_supply(p, "Drum", "", 9, false, 0, -3, PP_UNKNOWN);
  add_supply(p, "Odd type", "cyan", 999, false, 18, -2, -2);
  add_supply(p, "Empty", "magenta", 21, false, 8, 0, 100);
  add_supply(p, "Full bin", "", 4, true, 19, 0, 100);
  add_tray(p, false, 2, "Tray 2", "A4", 0, 550);
  p->trays[0].type = 3; /* sheetFeedAutoRemovableTray */
  p->trays[0].unit = 8; /* sheets */
  pp_tray_derive(&p->trays[0]);
  add_tray(p, false, 5, "Bypass", "", -3, 100);
  p->trays[1].manual = true;
  p->trays[1].type = 5; /* sheetFeedManual */
  add_tray(p, true, 1, "Face-Down Bin", "", -2, -2);
  p->trays[2].status = 3; /* pulled out: missing */
  p->trays[2].type = 6;   /* mailBox: a name of the output table only */
  p->trays[2].unit = 19;  /* percent */
  pp_tray_derive(&p->trays[2]);
  add_alert(p, 3, "input", 8, "Paper jam in tray 2");
  add_alert(p, 4, "markerSupplies", -1104, "Black toner low");
  add_alert(p, 5, "", 0, "");
  add_alert(p, 77, "epson", 2147483647, "tab\there, newline\nthere");
}

static char *json_of(const struct pp_printer *p) {
  struct pp_buf buf;
  pp_buf_init(&buf, BUF_MAX);
  assert_int_equal(pp_report_json_printer(p, &buf), 0);
  return pp_buf_take(&buf);
}

static int parse(const char *json, struct pp_printer *out, char *err) {
  return pp_report_parse_printer(json, strlen(json), out, err, ERR_LEN);
}

/* Parses json, writes it again and wants the same text. */
static void check_round_trip(const char *json) {
  struct pp_printer back;
  char err[ERR_LEN];
  int rc = parse(json, &back, err);
  if (rc != 0)
    fail_msg("parse failed (%d): %s\nin: %s", rc, err, json);
  char *again = json_of(&back);
  if (strcmp(json, again) != 0)
    fail_msg("round trip differs:\n in: %s\nout: %s", json, again);
  free(again);
  pp_printer_clear(&back);
}

/* ---- Round trips ------------------------------------------------------- */

static void test_round_trip_every_field(void **state) {
  (void)state;
  struct pp_printer p;
  full_printer(&p);
  char *json = json_of(&p);
  check_round_trip(json);

  struct pp_printer back;
  char err[ERR_LEN];
  assert_int_equal(parse(json, &back, err), 0);
  assert_string_equal(err, "");
  assert_string_equal(back.address, p.address);
  assert_string_equal(back.name, p.name);
  assert_string_equal(back.model, p.model);
  assert_string_equal(back.firmware, p.firmware);
  assert_int_equal(back.status.errors, p.status.errors);
  assert_int_equal(back.status.printer, 4);
  assert_int_equal(back.status.device, 3);
  assert_true(back.status.asleep);
  assert_true(back.counters.total == p.counters.total);
  assert_true(back.counters.power_on == 18446744073709551000u);
  assert_int_equal(back.counters.vendor_count, 2);
  /* meters come back in pp_meter_names order: mono before colour */
  assert_string_equal(back.counters.vendor[0].name, "mono");
  assert_true(back.counters.vendor[0].value == PP_COUNT_UNKNOWN);
  assert_int_equal(back.supply_count, p.supply_count);
  for (size_t i = 0; i < p.supply_count; i++) {
    assert_string_equal(back.supplies[i].description,
                        p.supplies[i].description);
    assert_int_equal(back.supplies[i].state, p.supplies[i].state);
    assert_int_equal(back.supplies[i].percent, p.supplies[i].percent);
    assert_true(back.supplies[i].level == p.supplies[i].level);
  }
  assert_int_equal(back.alert_count, p.alert_count);
  assert_string_equal(back.alerts[3].description, p.alerts[3].description);
  assert_int_equal(back.alerts[3].code, 2147483647);
  pp_printer_clear(&back);
  free(json);
  pp_printer_clear(&p);
}

static void test_round_trip_unreachable_printer(void **state) {
  (void)state;
  struct pp_printer p;
  pp_printer_init(&p, "printer.example:1161");
  pp_strlcpy(p.error, "no answer", sizeof(p.error));
  char *json = json_of(&p);
  assert_non_null(strstr(json, "\"errors\":null"));
  check_round_trip(json);
  free(json);
}

static void test_round_trip_reachable_no_errors(void **state) {
  (void)state;
  struct pp_printer p;
  pp_printer_init(&p, "10.0.0.1");
  p.reachable = true;
  p.status.error_bytes = 1; /* read, and no bit set */
  char *json = json_of(&p);
  assert_non_null(strstr(json, "\"errors\":[]"));
  check_round_trip(json);
  free(json);
}

/* Another writer may order keys differently and add blanks. */
static void test_accepts_any_key_order_and_whitespace(void **state) {
  (void)state;
  const char *json =
      " {\n\t\"reachable\" : true ,\r\n \"status\":{\"errors\":[ \"jammed\" "
      "],\"asleep\":false},\"address\":\"a\\/b\\u00e4\\ud83d\\udda8\"}\n";
  struct pp_printer p;
  char err[ERR_LEN];
  assert_int_equal(parse(json, &p, err), 0);
  assert_string_equal(p.address, "a/b\xc3\xa4\xf0\x9f\x96\xa8");
  assert_int_equal(p.status.errors, 1u << PP_ERR_JAMMED);
  assert_true(p.counters.total == PP_COUNT_UNKNOWN);
  pp_printer_clear(&p);
}

/* ---- Privacy: unknown fields never come back -------------------------- */

static void test_unknown_fields_are_dropped(void **state) {
  (void)state;
  const char *json =
      "{\"address\":\"10.0.0.2\",\"sysContact\":\"Jane Doe\","
      "\"reachable\":true,\"jobs\":[{\"owner\":\"jane@example.com\","
      "\"doc\":\"JOBNAME-SECRET-4711\",\"pages\":1.5e3}],"
      "\"sysLocation\":{\"room\":[null,true,false,-0.25]}}";
  struct pp_printer p;
  char err[ERR_LEN];
  assert_int_equal(parse(json, &p, err), 0);
  assert_non_null(strstr(err, "sysContact"));
  char *again = json_of(&p);
  const char *leaks[] = {"Jane",       "jane@", "JOBNAME",
                         "sysContact", "jobs",  "sysLocation"};
  for (size_t i = 0; i < sizeof(leaks) / sizeof(leaks[0]); i++) {
    if (strstr(again, leaks[i]) != NULL)
      fail_msg("%s leaked: %s", leaks[i], again);
  }
  free(again);
  pp_printer_clear(&p);
}

/* ---- Hostile input ----------------------------------------------------- */

struct reject_case {
  const char *name;
  const char *json;
  int rc;
};

#define OK_HEAD "{\"address\":\"x\",\"reachable\":true"

static const struct reject_case rejects[] = {
    {"empty", "", -EINVAL},
    {"not an object", "[]", -EINVAL},
    {"address missing", "{\"reachable\":true}", -EINVAL},
    {"reachable missing", "{\"address\":\"x\"}", -EINVAL},
    {"empty address", "{\"address\":\"\",\"reachable\":true}", -EINVAL},
    {"null address", "{\"address\":null,\"reachable\":true}", -EINVAL},
    {"trailing data", OK_HEAD "} {}", -EINVAL},
    {"trailing comma", OK_HEAD ",}", -EINVAL},
    {"duplicate key", OK_HEAD ",\"address\":\"y\"}", -EINVAL},
    {"single quotes", "{'address':'x'}", -EINVAL},
    {"bad escape", OK_HEAD ",\"name\":\"a\\x41\"}", -EINVAL},
    {"short \\u", OK_HEAD ",\"name\":\"\\u12\"}", -EINVAL},
    {"bad hex", OK_HEAD ",\"name\":\"\\u12g4\"}", -EINVAL},
    {"lone high surrogate", OK_HEAD ",\"name\":\"\\ud800x\"}", -EINVAL},
    {"lone low surrogate", OK_HEAD ",\"name\":\"\\udc00\"}", -EINVAL},
    {"bad pair", OK_HEAD ",\"name\":\"\\ud800\\u0041\"}", -EINVAL},
    {"escaped NUL", OK_HEAD ",\"name\":\"a\\u0000b\"}", -EINVAL},
    {"raw newline", OK_HEAD ",\"name\":\"a\nb\"}", -EINVAL},
    {"raw tab", OK_HEAD ",\"name\":\"a\tb\"}", -EINVAL},
    {"overlong UTF-8", OK_HEAD ",\"name\":\"\xc0\xaf\"}", -EINVAL},
    {"UTF-8 surrogate", OK_HEAD ",\"name\":\"\xed\xa0\x80\"}", -EINVAL},
    {"beyond U+10FFFF", OK_HEAD ",\"name\":\"\xf5\x80\x80\x80\"}", -EINVAL},
    {"cut UTF-8", OK_HEAD ",\"name\":\"\xe2\x82\"}", -EINVAL},
    {"latin-1 byte", OK_HEAD ",\"name\":\"\xe4\"}", -EINVAL},
    {"fraction", OK_HEAD ",\"counters\":{\"total\":1.5}}", -EINVAL},
    {"exponent", OK_HEAD ",\"counters\":{\"total\":1e3}}", -EINVAL},
    {"leading zero", OK_HEAD ",\"counters\":{\"total\":012}}", -EINVAL},
    {"plus sign", OK_HEAD ",\"counters\":{\"total\":+1}}", -EINVAL},
    {"overflow", OK_HEAD ",\"counters\":{\"total\":18446744073709551616}}",
     -EINVAL},
    {"2^64-1 is unknown, said by null only",
     OK_HEAD ",\"counters\":{\"total\":18446744073709551615}}", -EINVAL},
    {"negative count", OK_HEAD ",\"counters\":{\"total\":-1}}", -EINVAL},
    {"INT64_MIN is not a count",
     OK_HEAD ",\"counters\":{\"total\":-9223372036854775808}}", -EINVAL},
    {"string for number", OK_HEAD ",\"counters\":{\"total\":\"5\"}}", -EINVAL},
    {"text vendor counter", OK_HEAD ",\"counters\":{\"Jane Doe\":1}}", -EINVAL},
    {"vendor counter as text", OK_HEAD ",\"counters\":{\"colour\":\"Jane\"}}",
     -EINVAL},
    {"unit of an unknown meter",
     OK_HEAD ",\"counters\":{\"units\":{\"Jane\":\"images\"}}}", -EINVAL},
    {"unknown meter unit",
     OK_HEAD ",\"counters\":{\"scan\":1,\"units\":{\"scan\":\"beers\"}}}",
     -EINVAL},
    {"unit of a meter not reported",
     OK_HEAD ",\"counters\":{\"units\":{\"scan\":\"images\"}}}", -EINVAL},
    {"units twice",
     OK_HEAD ",\"counters\":{\"scan\":1,\"units\":{},\"units\":{}}}", -EINVAL},
    {"note as number", OK_HEAD ",\"counters_note\":5}", -EINVAL},
    {"read_at not a time", OK_HEAD ",\"counters\":{\"read_at\":\"yesterday\"}}",
     -EINVAL},
    {"read_at 30 February",
     OK_HEAD ",\"counters\":{\"read_at\":\"2026-02-30T00:00:00Z\"}}", -EINVAL},
    {"read_at with an offset",
     OK_HEAD ",\"counters\":{\"read_at\":\"2026-08-29T12:00:00+02\"}}",
     -EINVAL},
    {"percent above 100", OK_HEAD ",\"supplies\":[{\"percent\":101}]}",
     -EINVAL},
    {"unknown supply key", OK_HEAD ",\"supplies\":[{\"owner\":\"Jane Doe\"}]}",
     -EINVAL},
    {"unknown alert key", OK_HEAD ",\"alerts\":[{\"user\":\"Jane Doe\"}]}",
     -EINVAL},
    {"unknown status key", OK_HEAD ",\"status\":{\"contact\":\"Jane Doe\"}}",
     -EINVAL},
    {"unknown error name", OK_HEAD ",\"status\":{\"errors\":[\"Jane Doe\"]}}",
     -EINVAL},
    {"unknown state", OK_HEAD ",\"supplies\":[{\"state\":\"meh\"}]}", -EINVAL},
    {"unknown supply type", OK_HEAD ",\"supplies\":[{\"type\":\"beer\"}]}",
     -EINVAL},
    {"alert code too big", OK_HEAD ",\"alerts\":[{\"code\":2147483648}]}",
     -EINVAL},
    {"bool as string", "{\"address\":\"x\",\"reachable\":\"true\"}", -EINVAL},
    {"bad literal", OK_HEAD ",\"x\":nul}", -EINVAL},
    {"bad number in unknown field", OK_HEAD ",\"x\":1.}", -EINVAL},
    {"unterminated string in unknown field", OK_HEAD ",\"x\":\"abc}", -EINVAL},
    {"name too long for its field",
     OK_HEAD ",\"mac\":\"00:00:5e:00:53:14:00\"}", -E2BIG},
};

static void test_rejects_table(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
    const struct reject_case *c = &rejects[i];
    struct pp_printer p;
    char err[ERR_LEN];
    int rc = parse(c->json, &p, err);
    if (rc != c->rc)
      fail_msg("case \"%s\": rc %d, want %d (err \"%s\")", c->name, rc, c->rc,
               err);
    if (err[0] == '\0')
      fail_msg("case \"%s\": no error message", c->name);
    assert_null(p.supplies);
    assert_null(p.alerts);
  }
}

/* A string nested n levels deep in an unknown field. */
static char *nested(size_t depth) {
  struct pp_buf b;
  pp_buf_init(&b, BUF_MAX);
  assert_int_equal(pp_buf_addstr(&b, OK_HEAD ",\"deep\":"), 0);
  for (size_t i = 0; i < depth; i++)
    assert_int_equal(pp_buf_addstr(&b, i % 2 ? "{\"k\":" : "["), 0);
  assert_int_equal(pp_buf_addstr(&b, "1"), 0);
  for (size_t i = depth; i > 0; i--)
    assert_int_equal(pp_buf_addstr(&b, (i - 1) % 2 ? "}" : "]"), 0);
  assert_int_equal(pp_buf_addstr(&b, "}"), 0);
  return pp_buf_take(&b);
}

static void test_deep_nesting_is_bounded(void **state) {
  (void)state;
  struct pp_printer p;
  char err[ERR_LEN];
  /* The printer object is level 1. */
  char *ok = nested(PP_REPORT_PARSE_MAX_DEPTH - 1);
  assert_int_equal(parse(ok, &p, err), 0);
  pp_printer_clear(&p);
  free(ok);
  char *deep = nested(PP_REPORT_PARSE_MAX_DEPTH);
  assert_int_equal(parse(deep, &p, err), -EINVAL);
  assert_non_null(strstr(err, "deep"));
  free(deep);
  /* Far deeper than any stack would like: refused just as fast. */
  char *hostile = nested(400000); /* beyond the input limit */
  assert_int_equal(parse(hostile, &p, err), -E2BIG);
  free(hostile);
  /* Unclosed brackets within the size limit stop at the depth limit. */
  size_t head = strlen(OK_HEAD ",\"x\":");
  char *brackets = calloc(1, head + 100001);
  memcpy(brackets, OK_HEAD ",\"x\":", head);
  memset(brackets + head, '[', 100000);
  assert_int_equal(parse(brackets, &p, err), -EINVAL);
  assert_non_null(strstr(err, "deep"));
  free(brackets);
}

static void test_huge_strings(void **state) {
  (void)state;
  struct pp_printer p;
  char err[ERR_LEN];
  /* A string longer than its field. */
  struct pp_buf b;
  pp_buf_init(&b, BUF_MAX);
  assert_int_equal(pp_buf_addstr(&b, OK_HEAD ",\"name\":\""), 0);
  for (int i = 0; i < 128; i++)
    assert_int_equal(pp_buf_addstr(&b, "A"), 0);
  assert_int_equal(pp_buf_addstr(&b, "\"}"), 0);
  assert_int_equal(parse(b.data, &p, err), -E2BIG);
  pp_buf_free(&b);

  /* A huge unknown string is skipped within the input limit... */
  size_t big = PP_REPORT_PARSE_MAX_INPUT - 100;
  char *json = malloc(big + 100);
  int n = snprintf(json, 100, OK_HEAD ",\"x\":\"");
  memset(json + n, 'y', big - (size_t)n);
  strcpy(json + big, "\"}");
  assert_int_equal(parse(json, &p, err), 0);
  pp_printer_clear(&p);
  free(json);
  /* ...and input beyond it is refused before it is read. */
  assert_int_equal(pp_report_parse_printer("{}", PP_REPORT_PARSE_MAX_INPUT + 1,
                                           &p, err, ERR_LEN),
                   -E2BIG);
}

static void test_name_fits_exactly(void **state) {
  (void)state;
  struct pp_printer p;
  char err[ERR_LEN];
  char json[512];
  char name[128];
  memset(name, 'N', 127);
  name[127] = '\0';
  snprintf(json, sizeof(json), OK_HEAD ",\"name\":\"%s\"}", name);
  assert_int_equal(parse(json, &p, err), 0);
  assert_int_equal(strlen(p.name), 127);
  pp_printer_clear(&p);
}

/* Every prefix of a valid object is refused, none crashes or leaks. */
static void test_truncated_input(void **state) {
  (void)state;
  struct pp_printer full;
  full_printer(&full);
  char *json = json_of(&full);
  size_t len = strlen(json);
  for (size_t cut = 0; cut < len; cut++) {
    char *prefix = malloc(cut + 1);
    memcpy(prefix, json, cut);
    struct pp_printer p;
    char err[ERR_LEN];
    /* Not NUL-terminated at the cut: the reader must honour len. */
    int rc = pp_report_parse_printer(prefix, cut, &p, err, sizeof(err));
    if (rc == 0)
      fail_msg("prefix of %zu bytes accepted", cut);
    assert_null(p.supplies);
    free(prefix);
  }
  free(json);
  pp_printer_clear(&full);
}

static void test_embedded_nul_is_refused(void **state) {
  (void)state;
  const char json[] = OK_HEAD ",\"name\":\"a\0b\"}";
  struct pp_printer p;
  char err[ERR_LEN];
  assert_int_equal(
      pp_report_parse_printer(json, sizeof(json) - 1, &p, err, sizeof(err)),
      -EINVAL);
}

/* A printer with n supplies and n alerts and a page count, as a poll of a
 * big device gives it. */
static void big_printer(struct pp_printer *p, int n) {
  pp_printer_init(p, "192.0.2.10:161");
  p->reachable = true;
  p->counters.total = 4242;
  for (int i = 0; i < n; i++) {
    char desc[32];
    snprintf(desc, sizeof(desc), "Tray %d", i);
    add_supply(p, desc, "", 3, false, 7, 50, 100);
    add_alert(p, PP_ALERT_WARNING, "input", 800 + i, desc);
  }
}

/* More supplies than the old limit of 128, as many as a poll keeps: the
 * printer is read back whole (write_dss dropped it, counters and all). */
static void test_supplies_up_to_the_poll_limit(void **state) {
  (void)state;
  struct pp_printer full;
  big_printer(&full, PP_MAX_TABLE_ROWS);
  char *json = json_of(&full);
  struct pp_printer p;
  char err[ERR_LEN];
  assert_int_equal(parse(json, &p, err), 0);
  assert_int_equal(p.supply_count, PP_MAX_TABLE_ROWS);
  assert_int_equal(p.alert_count, PP_MAX_TABLE_ROWS);
  assert_int_equal(p.counters.total, 4242);
  assert_string_equal(p.error, "");
  pp_printer_clear(&p);
  free(json);
  pp_printer_clear(&full);
}

/* Beyond the limit (a profile's rows on top of a full table) the printer
 * stays, the rest is left out and the error field says so. */
static void test_too_many_supplies(void **state) {
  (void)state;
  struct pp_printer full;
  big_printer(&full, PP_MAX_TABLE_ROWS + 3);
  char *json = json_of(&full);
  struct pp_printer p;
  char err[ERR_LEN];
  assert_int_equal(parse(json, &p, err), 0);
  assert_int_equal(p.supply_count, PP_REPORT_PARSE_MAX_SUPPLIES);
  assert_int_equal(p.alert_count, PP_REPORT_PARSE_MAX_ALERTS);
  assert_int_equal(p.counters.total, 4242);
  assert_string_equal(p.error, "supplies cut off at 512 rows (3 left out); "
                               "alerts cut off at 512 rows (3 left out)");
  pp_printer_clear(&p);
  free(json);
  pp_printer_clear(&full);
  /* A skipped item is still checked. */
  struct pp_buf b;
  pp_buf_init(&b, BUF_MAX);
  assert_int_equal(pp_buf_addstr(&b, OK_HEAD ",\"supplies\":["), 0);
  for (int i = 0; i < PP_REPORT_PARSE_MAX_SUPPLIES; i++)
    assert_int_equal(pp_buf_addstr(&b, i ? ",{}" : "{}"), 0);
  assert_int_equal(pp_buf_addstr(&b, ",{\"a\":\"\\x\"}]}"), 0);
  assert_int_equal(parse(b.data, &p, err), -EINVAL);
  assert_null(p.supplies);
  pp_buf_free(&b);
}

/* The largest object a poll can give fits the input limit: every text at
 * its longest, all of it escaped. */
static void test_largest_printer_fits_the_input_limit(void **state) {
  (void)state;
  struct pp_printer full;
  pp_printer_init(&full, "192.0.2.10:161");
  full.reachable = true;
  for (int i = 0; i < PP_MAX_TABLE_ROWS; i++) {
    struct pp_supply *s = pp_printer_add_supply(&full);
    assert_non_null(s);
    memset(s->description, '"', sizeof(s->description) - 1);
    memset(s->colour, '"', sizeof(s->colour) - 1);
    s->type = 3;
    s->level = INT64_MAX;
    s->max = INT64_MAX;
    struct pp_alert *a = pp_printer_add_alert(&full);
    assert_non_null(a);
    a->severity = PP_ALERT_WARNING;
    a->code = INT32_MIN;
    memset(a->group, '"', sizeof(a->group) - 1);
    memset(a->description, '"', sizeof(a->description) - 1);
  }
  char *json = json_of(&full);
  assert_true(strlen(json) <= PP_REPORT_PARSE_MAX_INPUT);
  struct pp_printer p;
  char err[ERR_LEN];
  assert_int_equal(parse(json, &p, err), 0);
  assert_int_equal(p.supply_count, PP_MAX_TABLE_ROWS);
  pp_printer_clear(&p);
  free(json);
  pp_printer_clear(&full);
}

/* Meter names are one list (pp_meter_names): every one of them is read
 * back, a name outside it is refused, whatever its count. */
static void test_meter_names_are_a_list(void **state) {
  (void)state;
  struct pp_buf b;
  pp_buf_init(&b, BUF_MAX);
  assert_int_equal(pp_buf_addstr(&b, OK_HEAD ",\"counters\":{"), 0);
  size_t n = 0;
  for (; pp_meter_names[n] != NULL; n++)
    assert_int_equal(
        pp_buf_printf(&b, "%s\"%s\":%zu", n ? "," : "", pp_meter_names[n], n),
        0);
  assert_int_equal(pp_buf_addstr(&b, "}}"), 0);
  struct pp_printer p;
  char err[ERR_LEN];
  assert_int_equal(parse(b.data, &p, err), 0);
  assert_int_equal(p.counters.vendor_count, n);
  pp_printer_clear(&p);
  pp_buf_free(&b);
  assert_int_equal(parse(OK_HEAD ",\"counters\":{\"c0\":1}}", &p, err),
                   -EINVAL);
}

/* Meters with their units and the note on a total that does not add up
 * read back to the same report. */
static void test_round_trip_meters(void **state) {
  (void)state;
  struct pp_printer p;
  pp_printer_init(&p, "192.0.2.30");
  p.reachable = true;
  p.counters.total = 33810;
  assert_true(pp_printer_set_meter(&p, "mono", 26548, PP_METER_IMPRESSIONS));
  assert_true(pp_printer_set_meter(&p, "colour", 7255, PP_METER_IMPRESSIONS));
  assert_true(pp_printer_set_meter(&p, "scan", 5653, PP_METER_IMAGES));
  assert_true(pp_printer_set_meter(&p, "duplex", 7357, 0));
  assert_false(pp_printer_set_meter(&p, "Jane Doe", 1, PP_METER_IMAGES));
  assert_false(pp_printer_set_meter(&p, "fax", PP_COUNT_UNKNOWN, 0));
  pp_counters_check_sum(&p);
  assert_string_equal(p.counters.note,
                      "mono + colour = 33803, total = 33810 (the maker's "
                      "meters and prtMarkerLifeCount differ)");
  p.counters.read_at = 1788004800; /* the time of the reading */
  char *json = json_of(&p);
  assert_non_null(strstr(json, "\"read_at\":\"2026-08-29T12:00:00Z\""));
  assert_non_null(strstr(json, "\"units\":{\"mono\":\"impressions\","
                               "\"colour\":\"impressions\",\"scan\":"
                               "\"images\"}"));
  assert_non_null(strstr(json, "\"counters_note\":\"mono + colour"));
  check_round_trip(json);
  struct pp_printer back;
  char err[ERR_LEN];
  assert_int_equal(parse(json, &back, err), 0);
  assert_int_equal(pp_printer_meter(&back, "scan")->unit, PP_METER_IMAGES);
  assert_int_equal(pp_printer_meter(&back, "duplex")->unit, 0);
  assert_null(pp_printer_meter(&back, "fax"));
  assert_string_equal(back.counters.note, p.counters.note);
  assert_true(back.counters.read_at == 1788004800);
  free(json);
  pp_printer_clear(&back);
  /* a total the meters add up to needs no note */
  p.counters.total = 33803;
  pp_counters_check_sum(&p);
  assert_string_equal(p.counters.note, "");
  pp_printer_clear(&p);
}

static void test_null_err_buffer(void **state) {
  (void)state;
  struct pp_printer p;
  assert_int_equal(pp_report_parse_printer("{", 1, &p, NULL, 0), -EINVAL);
  assert_int_equal(
      pp_report_parse_printer(OK_HEAD "}", strlen(OK_HEAD "}"), &p, NULL, 0),
      0);
  pp_printer_clear(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip_every_field),
      cmocka_unit_test(test_round_trip_unreachable_printer),
      cmocka_unit_test(test_round_trip_reachable_no_errors),
      cmocka_unit_test(test_accepts_any_key_order_and_whitespace),
      cmocka_unit_test(test_unknown_fields_are_dropped),
      cmocka_unit_test(test_rejects_table),
      cmocka_unit_test(test_deep_nesting_is_bounded),
      cmocka_unit_test(test_huge_strings),
      cmocka_unit_test(test_name_fits_exactly),
      cmocka_unit_test(test_truncated_input),
      cmocka_unit_test(test_embedded_nul_is_refused),
      cmocka_unit_test(test_supplies_up_to_the_poll_limit),
      cmocka_unit_test(test_too_many_supplies),
      cmocka_unit_test(test_largest_printer_fits_the_input_limit),
      cmocka_unit_test(test_meter_names_are_a_list),
      cmocka_unit_test(test_round_trip_meters),
      cmocka_unit_test(test_null_err_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
