/* SPDX-License-Identifier: MIT */
/* Unit tests for the report writers: JSON validity and escaping, null for
 * unknown numbers, the privacy allowlist, CSV quoting and formula defusal,
 * and the buffer cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp_buf.h"
#include "pp_model.h"
#include "pp_report.h"
#include "pp_str.h"

#define BUF_LIMIT (1024 * 1024)

/* ---- A strict JSON checker (RFC 8259) ---------------------------------- */

#define MAX_KEYS 64
#define KEY_LEN 64

struct json {
  const char *p;
  const char *err;
  int depth;
  int key_depth; /* object depth whose keys are recorded, 0 for none */
  char keys[MAX_KEYS][KEY_LEN];
  size_t nkeys;
};

static bool j_value(struct json *j);

static void j_ws(struct json *j) {
  while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
    j->p++;
}

static bool j_fail(struct json *j, const char *why) {
  if (j->err == NULL)
    j->err = why;
  return false;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Length of a valid UTF-8 sequence at s, 0 when invalid. */
static size_t utf8_seq(const unsigned char *s) {
  size_t n = s[0] < 0x80             ? 1
             : (s[0] & 0xe0) == 0xc0 ? 2
             : (s[0] & 0xf0) == 0xe0 ? 3
             : (s[0] & 0xf8) == 0xf0 ? 4
                                     : 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
  }
  return n;
}

/* Parses a string; its decoded text (escapes below 0x80 only) goes to out
 * when out is not NULL. */
static bool j_string(struct json *j, char *out, size_t outlen) {
  size_t n = 0;
  if (*j->p != '"')
    return j_fail(j, "string expected");
  j->p++;
  for (;;) {
    unsigned char c = (unsigned char)*j->p;
    char decoded;
    if (c == '\0')
      return j_fail(j, "unterminated string");
    if (c < 0x20)
      return j_fail(j, "raw control character in string");
    if (c == '"') {
      j->p++;
      break;
    }
    if (c == '\\') {
      char e = j->p[1];
      j->p += 2;
      switch (e) {
      case '"':
      case '\\':
      case '/':
        decoded = e;
        break;
      case 'b':
        decoded = '\b';
        break;
      case 'f':
        decoded = '\f';
        break;
      case 'n':
        decoded = '\n';
        break;
      case 'r':
        decoded = '\r';
        break;
      case 't':
        decoded = '\t';
        break;
      case 'u': {
        unsigned v = 0;
        for (int i = 0; i < 4; i++) {
          int d = hex_digit(j->p[i]);
          if (d < 0)
            return j_fail(j, "bad \\u escape");
          v = v << 4 | (unsigned)d;
        }
        j->p += 4;
        if (v >= 0x80)
          return j_fail(j, "\\u escape above 0x7f (not expected here)");
        decoded = (char)v;
        break;
      }
      default:
        return j_fail(j, "bad escape");
      }
      if (out != NULL && n + 1 < outlen)
        out[n++] = decoded;
      continue;
    }
    size_t len = utf8_seq((const unsigned char *)j->p);
    if (len == 0)
      return j_fail(j, "invalid UTF-8 in string");
    for (size_t i = 0; i < len; i++) {
      if (out != NULL && n + 1 < outlen)
        out[n++] = j->p[i];
    }
    j->p += len;
  }
  if (out != NULL && outlen > 0)
    out[n] = '\0';
  return true;
}

static bool j_number(struct json *j) {
  const char *s = j->p;
  if (*s == '-')
    s++;
  if (*s == '0') {
    s++;
  } else if (*s >= '1' && *s <= '9') {
    while (*s >= '0' && *s <= '9')
      s++;
  } else {
    return j_fail(j, "bad number");
  }
  if (*s == '.') {
    s++;
    if (!(*s >= '0' && *s <= '9'))
      return j_fail(j, "bad fraction");
    while (*s >= '0' && *s <= '9')
      s++;
  }
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '+' || *s == '-')
      s++;
    if (!(*s >= '0' && *s <= '9'))
      return j_fail(j, "bad exponent");
    while (*s >= '0' && *s <= '9')
      s++;
  }
  j->p = s;
  return true;
}

static bool j_object(struct json *j) {
  j->p++; /* { */
  j->depth++;
  j_ws(j);
  if (*j->p == '}') {
    j->p++;
    j->depth--;
    return true;
  }
  for (;;) {
    char key[KEY_LEN];
    j_ws(j);
    if (!j_string(j, key, sizeof key))
      return false;
    if (j->depth == j->key_depth && j->nkeys < MAX_KEYS)
      pp_strlcpy(j->keys[j->nkeys++], key, KEY_LEN);
    j_ws(j);
    if (*j->p != ':')
      return j_fail(j, "':' expected");
    j->p++;
    if (!j_value(j))
      return false;
    j_ws(j);
    if (*j->p == ',') {
      j->p++;
      continue;
    }
    if (*j->p == '}') {
      j->p++;
      j->depth--;
      return true;
    }
    return j_fail(j, "',' or '}' expected");
  }
}

static bool j_array(struct json *j) {
  j->p++; /* [ */
  j_ws(j);
  if (*j->p == ']') {
    j->p++;
    return true;
  }
  for (;;) {
    if (!j_value(j))
      return false;
    j_ws(j);
    if (*j->p == ',') {
      j->p++;
      continue;
    }
    if (*j->p == ']') {
      j->p++;
      return true;
    }
    return j_fail(j, "',' or ']' expected");
  }
}

static bool j_literal(struct json *j, const char *word) {
  size_t n = strlen(word);
  if (strncmp(j->p, word, n) != 0)
    return j_fail(j, "bad literal");
  j->p += n;
  return true;
}

static bool j_value(struct json *j) {
  j_ws(j);
  switch (*j->p) {
  case '{':
    return j_object(j);
  case '[':
    return j_array(j);
  case '"':
    return j_string(j, NULL, 0);
  case 't':
    return j_literal(j, "true");
  case 'f':
    return j_literal(j, "false");
  case 'n':
    return j_literal(j, "null");
  default:
    return j_number(j);
  }
}

/* Fails the test unless text is exactly one valid JSON value. */
static void check_json(const char *text, struct json *j, int key_depth) {
  *j = (struct json){.p = text, .key_depth = key_depth};
  bool ok = j_value(j);
  if (ok) {
    j_ws(j);
    if (*j->p != '\0')
      ok = j_fail(j, "text after the value");
  }
  if (!ok)
    fail_msg("invalid JSON (%s) at offset %td: ...%.40s\nin: %s", j->err,
             j->p - text, j->p, text);
}

/* ---- Printers ---------------------------------------------------------- */

/* A fully read printer with hostile strings in every text field. */
static void hostile_printer(struct pp_printer *p) {
  pp_printer_init(p, "printer\"1\\.example.com");
  p->reachable = true;
  pp_strlcpy(p->name, "Front \"Desk\" \\ 2\n\x01\x1f", sizeof p->name);
  pp_strlcpy(p->manufacturer, "HP", sizeof p->manufacturer);
  pp_strlcpy(p->model, "LaserJet\tM479 \xc3\xa9t\xc3\xa9", sizeof p->model);
  pp_strlcpy(p->serial, "CNB1R12345", sizeof p->serial);
  pp_strlcpy(p->firmware,
             "2409\x7f"
             "081",
             sizeof p->firmware);
  pp_strlcpy(p->mac, "00:00:5e:00:53:0d", sizeof p->mac);
  p->status.printer = 3;
  p->status.device = 3;
  p->status.errors = (1u << PP_ERR_LOW_TONER) | (1u << PP_ERR_DOOR_OPEN);
  p->status.error_bytes = 2;
  p->counters.total = 88120;
  p->counters.unit = 7;
  p->counters.power_on = 902;
  assert_true(pp_printer_set_counter(p, "colour", 4000));
  struct pp_supply *s = pp_printer_add_supply(p);
  assert_non_null(s);
  s->index = 1;
  pp_strlcpy(s->description, "Black \"Toner\" \\ 12\r\n",
             sizeof s->description);
  pp_strlcpy(s->colour, "black", sizeof s->colour);
  s->type = 3;
  s->unit = 19;
  s->level = 70;
  s->max = 100;
  pp_supply_derive(s);
  struct pp_alert *a = pp_printer_add_alert(p);
  assert_non_null(a);
  a->index = 1;
  a->severity = PP_ALERT_CRITICAL;
  pp_strlcpy(a->group, "cover", sizeof a->group);
  a->code = 3;
  pp_strlcpy(a->description, "Door \"A\" open\x1b[0m", sizeof a->description);
}

/* A printer of which nothing could be read. */
static void unreachable_printer(struct pp_printer *p) {
  pp_printer_init(p, "192.0.2.99");
  pp_strlcpy(p->error, "timeout", sizeof p->error);
}

static char *json_of_printer(const struct pp_printer *p) {
  struct pp_buf buf;
  pp_buf_init(&buf, BUF_LIMIT);
  int rc = pp_report_json_printer(p, &buf);
  if (rc != 0)
    fail_msg("pp_report_json_printer: %d", rc);
  return pp_buf_take(&buf);
}

/* ---- JSON -------------------------------------------------------------- */

static void test_json_string_escapes(void **state) {
  (void)state;
  static const struct {
    const char *in, *want;
  } cases[] = {
      {"plain", "\"plain\""},
      {"", "\"\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\""},
      {"C:\\path\\", "\"C:\\\\path\\\\\""},
      {"a\nb\rc\td", "\"a\\u000ab\\u000dc\\u0009d\""},
      {"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
      {"\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\""},
      {"</script>", "\"</script>\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct pp_buf buf;
    struct json j;
    char back[256];
    pp_buf_init(&buf, BUF_LIMIT);
    assert_int_equal(pp_json_string(&buf, cases[i].in), 0);
    if (strcmp(buf.data, cases[i].want) != 0)
      fail_msg("case %zu: %s, want %s", i, buf.data, cases[i].want);
    /* and it reads back as the same text */
    check_json(buf.data, &j, 0);
    j = (struct json){.p = buf.data};
    assert_true(j_string(&j, back, sizeof back));
    if (strcmp(back, cases[i].in) != 0)
      fail_msg("case %zu: reads back as \"%s\"", i, back);
    pp_buf_free(&buf);
  }
}

static void test_json_report_is_valid(void **state) {
  (void)state;
  struct pp_printer printers[2];
  struct pp_buf buf;
  struct json j;
  hostile_printer(&printers[0]);
  unreachable_printer(&printers[1]);
  pp_buf_init(&buf, BUF_LIMIT);
  assert_int_equal(pp_report_json(printers, 2, &buf), 0);
  assert_int_equal(strlen(buf.data), buf.len);
  check_json(buf.data, &j, 1);
  assert_int_equal(j.nkeys, 1);
  assert_string_equal(j.keys[0], "printers");
  /* the hostile strings came through escaped */
  assert_non_null(strstr(buf.data, "\"printer\\\"1\\\\.example.com\""));
  assert_non_null(strstr(buf.data, "\"Front \\\"Desk\\\" \\\\ 2\\u000a"));
  assert_non_null(strstr(buf.data, "\"errors\":[\"lowToner\",\"doorOpen\"]"));
  /* an empty fleet is valid too */
  pp_buf_reset(&buf);
  assert_int_equal(pp_report_json(NULL, 0, &buf), 0);
  check_json(buf.data, &j, 0);
  pp_buf_free(&buf);
  pp_printer_clear(&printers[0]);
  pp_printer_clear(&printers[1]);
}

static void test_unknown_numbers_are_null(void **state) {
  (void)state;
  struct pp_printer p;
  struct json j;
  pp_printer_init(&p, "192.0.2.5");
  p.reachable = true;
  assert_true(pp_printer_set_counter(&p, "mono", PP_COUNT_UNKNOWN));
  struct pp_supply *s = pp_printer_add_supply(&p);
  assert_non_null(s);
  pp_strlcpy(s->description, "Toner", sizeof s->description);
  pp_supply_derive(s); /* level and max unknown */
  char *text = json_of_printer(&p);
  check_json(text, &j, 0);
  static const char *const want[] = {
      "\"total\":null",   "\"power_on\":null", "\"mono\":null",
      "\"level\":null",   "\"max\":null",      "\"percent\":null",
      "\"printer\":null", "\"device\":null",   "\"state\":\"unknown\"",
      "\"serial\":null",  "\"mac\":null",      "\"colour\":null",
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    if (strstr(text, want[i]) == NULL)
      fail_msg("%s missing in %s", want[i], text);
  }
  /* the counters unit is unknown too */
  assert_non_null(strstr(text, "\"total\":null,\"unit\":null"));
  /* an unknown number must never read as 0 */
  assert_null(strstr(text, ":0,"));
  assert_null(strstr(text, ":0}"));
  assert_null(strstr(text, "-9223372036854775808"));
  free(text);

  /* special levels: raw value kept, percent null */
  s->level = -3;
  s->max = -2;
  pp_supply_derive(s);
  text = json_of_printer(&p);
  assert_non_null(strstr(text, "\"level\":-3,\"max\":-2"));
  assert_non_null(
      strstr(text, "\"percent\":null,\"state\":\"some-remaining\""));
  free(text);
  pp_printer_clear(&p);
}

static void test_unread_error_state_is_null_not_empty(void **state) {
  (void)state;
  struct pp_printer p;
  pp_printer_init(&p, "192.0.2.6");
  p.reachable = true; /* answered, but the error state was not read */
  char *text = json_of_printer(&p);
  assert_non_null(strstr(text, "\"errors\":null"));
  free(text);
  pp_printer_clear(&p);
}

static void test_known_zero_is_zero(void **state) {
  (void)state;
  struct pp_printer p;
  pp_printer_init(&p, "192.0.2.5");
  p.reachable = true;
  p.counters.total = 0;
  p.counters.power_on = 0;
  p.status.error_bytes = 1; /* the error state was read: no bit set */
  struct pp_supply *s = pp_printer_add_supply(&p);
  assert_non_null(s);
  s->level = 0;
  s->max = 1500;
  pp_supply_derive(s);
  char *text = json_of_printer(&p);
  assert_non_null(strstr(text, "\"total\":0,"));
  assert_non_null(strstr(text, "\"power_on\":0"));
  assert_non_null(strstr(text, "\"level\":0,\"max\":1500"));
  assert_non_null(strstr(text, "\"percent\":0,\"state\":\"empty\""));
  /* read, no errors: an empty list, not null */
  assert_non_null(strstr(text, "\"errors\":[]"));
  free(text);
  pp_printer_clear(&p);
}

/* counters.csv: each meter with its own unit and the time it was read; a
 * printer that did not answer is listed with its last reading, one never
 * read is not. */
static void test_csv_meters_and_last_reading(void **state) {
  (void)state;
  struct pp_printer printers[2];
  pp_printer_init(&printers[0], "192.0.2.40");
  pp_printer_init(&printers[1], "192.0.2.41");
  struct pp_printer *gone = &printers[0];
  gone->reachable = false;
  gone->counters.total = 1000;
  gone->counters.read_at = 1788004800;
  assert_true(pp_printer_set_meter(gone, "scan", 40, PP_METER_IMAGES));
  printers[1].reachable = false; /* never read */
  struct pp_buf buf;
  pp_buf_init(&buf, 1 << 20);
  assert_int_equal(pp_report_csv_counters(printers, 2, &buf), 0);
  assert_non_null(strstr(buf.data, ",unit,read_at\r\n"));
  assert_non_null(
      strstr(buf.data, "\"scan\",40,\"images\",\"2026-08-29T12:00:00Z\""));
  assert_null(strstr(buf.data, "192.0.2.41"));
  pp_buf_free(&buf);
  pp_printer_clear(&printers[0]);
  pp_printer_clear(&printers[1]);
}

/* Counter64 values past INT64_MAX are written exactly, in JSON and CSV. */
static void test_counters_past_int64_max(void **state) {
  (void)state;
  struct pp_printer p;
  pp_printer_init(&p, "192.0.2.5");
  p.reachable = true;
  p.counters.total = 18446744073709551000u;
  p.counters.power_on = 9223372036854775808u;
  assert_true(pp_printer_set_counter(&p, "colour", 18446744073709551614u));
  char *text = json_of_printer(&p);
  assert_non_null(strstr(text, "\"total\":18446744073709551000,"));
  assert_non_null(strstr(text, "\"power_on\":9223372036854775808"));
  assert_non_null(strstr(text, "\"colour\":18446744073709551614,"));
  free(text);
  struct pp_buf buf;
  pp_buf_init(&buf, 1 << 20);
  assert_int_equal(pp_report_csv_counters(&p, 1, &buf), 0);
  assert_non_null(strstr(buf.data, "\"total\",18446744073709551000,"));
  assert_non_null(strstr(buf.data, "\"colour\",18446744073709551614,"));
  pp_buf_free(&buf);
  pp_printer_clear(&p);
}

static void test_printer_keys_are_exactly_the_allowlist(void **state) {
  (void)state;
  static const char *const expected[] = {
      "address",  "reachable",     "error",    "name",  "manufacturer",
      "model",    "serial",        "firmware", "mac",   "status",
      "counters", "counters_note", "supplies", "trays", "alerts",
  };
  size_t n = 0;
  while (pp_report_field(n) != NULL)
    n++;
  assert_int_equal(n, sizeof expected / sizeof *expected);
  for (size_t i = 0; i < n; i++)
    assert_string_equal(pp_report_field(i), expected[i]);

  struct pp_printer printers[2];
  hostile_printer(&printers[0]);
  unreachable_printer(&printers[1]);
  for (size_t k = 0; k < 2; k++) {
    struct json j;
    char *text = json_of_printer(&printers[k]);
    check_json(text, &j, 1);
    if (j.nkeys != n)
      fail_msg("printer %zu: %zu keys, want %zu: %s", k, j.nkeys, n, text);
    for (size_t i = 0; i < n; i++) {
      if (strcmp(j.keys[i], pp_report_field(i)) != 0)
        fail_msg("printer %zu: key %zu is \"%s\", want \"%s\"", k, i, j.keys[i],
                 pp_report_field(i));
    }
    free(text);
  }
  /* the fleet report carries the same objects */
  struct pp_buf buf;
  struct json j;
  pp_buf_init(&buf, BUF_LIMIT);
  assert_int_equal(pp_report_json(printers, 2, &buf), 0);
  check_json(buf.data, &j, 2);
  assert_int_equal(j.nkeys, 2 * n);
  for (size_t i = 0; i < 2 * n; i++)
    assert_string_equal(j.keys[i], pp_report_field(i % n));
  pp_buf_free(&buf);
  pp_printer_clear(&printers[0]);
  pp_printer_clear(&printers[1]);
}

static void test_fields_outside_allowlist_never_appear(void **state) {
  (void)state;
  struct pp_printer p;
  hostile_printer(&p);
  pp_strlcpy(p.sys_descr, "CANARY-SYSDESCR-7f3a", sizeof p.sys_descr);
  pp_strlcpy(p.sys_object_id, "1.3.6.1.4.1.99999.424242",
             sizeof p.sys_object_id);
  pp_strlcpy(p.console, "CANARY-CONSOLE-Jane-Doe", sizeof p.console);
  p.uptime_ticks = 987654321;
  p.enterprise = 99999;
  p.profile = "CANARY-PROFILE";
  p.requests = 314159;
  p.round_trips = 271828;
  p.alerts[0].location = 161803;
  p.alerts[0].group_index = 141421;
  static const char *const canaries[] = {
      "CANARY",  "sysDescr", "sys_descr", "99999",   "424242",
      "console", "Jane",     "987654321", "uptime",  "314159",
      "271828",  "161803",   "141421",    "profile",
  };
  struct pp_buf json, csv1, csv2;
  pp_buf_init(&json, BUF_LIMIT);
  pp_buf_init(&csv1, BUF_LIMIT);
  pp_buf_init(&csv2, BUF_LIMIT);
  assert_int_equal(pp_report_json(&p, 1, &json), 0);
  assert_int_equal(pp_report_csv_supplies(&p, 1, &csv1), 0);
  assert_int_equal(pp_report_csv_counters(&p, 1, &csv2), 0);
  const char *outputs[] = {json.data, csv1.data, csv2.data};
  for (size_t o = 0; o < 3; o++) {
    for (size_t i = 0; i < sizeof canaries / sizeof *canaries; i++) {
      if (strstr(outputs[o], canaries[i]) != NULL)
        fail_msg("\"%s\" leaked into report %zu:\n%s", canaries[i], o,
                 outputs[o]);
    }
  }
  pp_buf_free(&json);
  pp_buf_free(&csv1);
  pp_buf_free(&csv2);
  pp_printer_clear(&p);
}

/* ---- CSV --------------------------------------------------------------- */

#define CSV_MAX_FIELDS 32
#define CSV_MAX_ROWS 16
#define CSV_FIELD_LEN 256

struct csv {
  char field[CSV_MAX_ROWS][CSV_MAX_FIELDS][CSV_FIELD_LEN];
  bool quoted[CSV_MAX_ROWS][CSV_MAX_FIELDS];
  size_t nfields[CSV_MAX_ROWS];
  size_t nrows;
};

/* Strict RFC 4180 reader: CRLF after every record, quotes only around a
 * whole field, "" inside quotes. */
static void parse_csv(const char *text, struct csv *c) {
  const char *p = text;
  memset(c, 0, sizeof *c);
  while (*p != '\0') {
    if (c->nrows == CSV_MAX_ROWS)
      fail_msg("too many CSV rows");
    size_t r = c->nrows++;
    for (;;) {
      size_t f = c->nfields[r]++;
      size_t n = 0;
      char *out = c->field[r][f];
      if (f == CSV_MAX_FIELDS)
        fail_msg("too many CSV fields");
      if (*p == '"') {
        c->quoted[r][f] = true;
        p++;
        for (;;) {
          if (*p == '\0')
            fail_msg("unterminated quoted field in row %zu", r);
          if (*p == '"' && p[1] == '"') {
            p += 2;
            out[n++] = '"';
          } else if (*p == '"') {
            p++;
            break;
          } else {
            out[n++] = *p++;
          }
          if (n + 1 >= CSV_FIELD_LEN)
            fail_msg("CSV field too long");
        }
      } else {
        while (*p != ',' && *p != '\r' && *p != '\n' && *p != '\0') {
          if (*p == '"')
            fail_msg("quote inside an unquoted field in row %zu", r);
          out[n++] = *p++;
          if (n + 1 >= CSV_FIELD_LEN)
            fail_msg("CSV field too long");
        }
      }
      out[n] = '\0';
      if (*p == ',') {
        p++;
        continue;
      }
      if (p[0] == '\r' && p[1] == '\n') {
        p += 2;
        break;
      }
      fail_msg("row %zu field %zu not followed by ',' or CRLF: %.20s", r, f, p);
    }
  }
}

static size_t csv_column(const struct csv *c, const char *name) {
  for (size_t i = 0; i < c->nfields[0]; i++) {
    if (strcmp(c->field[0][i], name) == 0)
      return i;
  }
  fail_msg("no column %s", name);
  return 0;
}

static void csv_supplies(const struct pp_printer *p, size_t n, struct csv *c) {
  struct pp_buf buf;
  pp_buf_init(&buf, BUF_LIMIT);
  assert_int_equal(pp_report_csv_supplies(p, n, &buf), 0);
  parse_csv(buf.data, c);
  for (size_t r = 1; r < c->nrows; r++) {
    if (c->nfields[r] != c->nfields[0])
      fail_msg("row %zu has %zu fields, the header %zu", r, c->nfields[r],
               c->nfields[0]);
  }
  pp_buf_free(&buf);
}

static void test_csv_quoting(void **state) {
  (void)state;
  struct pp_printer p;
  static struct csv c;
  hostile_printer(&p);
  pp_strlcpy(p.model, "LaserJet, \"Pro\" M479", sizeof p.model);
  pp_strlcpy(p.supplies[0].description, "Toner \"K\", 12,5 %",
             sizeof p.supplies[0].description);
  csv_supplies(&p, 1, &c);
  assert_int_equal(c.nrows, 2);
  assert_int_equal(c.nfields[0], 14);
  assert_string_equal(c.field[1][csv_column(&c, "model")],
                      "LaserJet, \"Pro\" M479");
  assert_string_equal(c.field[1][csv_column(&c, "description")],
                      "Toner \"K\", 12,5 %");
  assert_string_equal(c.field[1][csv_column(&c, "address")],
                      "printer\"1\\.example.com");
  assert_string_equal(c.field[1][csv_column(&c, "state")], "ok");
  /* the raw text: doubled quotes, CRLF ends */
  struct pp_buf buf;
  pp_buf_init(&buf, BUF_LIMIT);
  assert_int_equal(pp_report_csv_supplies(&p, 1, &buf), 0);
  assert_non_null(strstr(buf.data, "\"LaserJet, \"\"Pro\"\" M479\""));
  assert_true(buf.len >= 2 && strcmp(buf.data + buf.len - 2, "\r\n") == 0);
  assert_null(strstr(buf.data, "\n\n"));
  pp_buf_free(&buf);
  pp_printer_clear(&p);
}

static void test_csv_formula_defused(void **state) {
  (void)state;
  static const struct {
    const char *text, *want;
  } cases[] = {
      {"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
      {"+1+1", "'+1+1"},
      {"-2+3", "'-2+3"},
      {"@SUM(A1)", "'@SUM(A1)"},
      {"a=b", "a=b"},
      {"Black Toner", "Black Toner"},
      {"", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct pp_printer p;
    static struct csv c;
    hostile_printer(&p);
    pp_strlcpy(p.name, cases[i].text, sizeof p.name);
    pp_strlcpy(p.model, cases[i].text, sizeof p.model);
    pp_strlcpy(p.serial, cases[i].text, sizeof p.serial);
    pp_strlcpy(p.supplies[0].description, cases[i].text,
               sizeof p.supplies[0].description);
    csv_supplies(&p, 1, &c);
    static const char *const columns[] = {"name", "model", "serial",
                                          "description"};
    for (size_t k = 0; k < 4; k++) {
      const char *got = c.field[1][csv_column(&c, columns[k])];
      if (strcmp(got, cases[i].want) != 0)
        fail_msg("%s \"%s\" written as \"%s\", want \"%s\"", columns[k],
                 cases[i].text, got, cases[i].want);
    }
    /* the counters report names its counters from profiles (names that
     * fit struct pp_counter) */
    struct pp_buf buf;
    bool counter = pp_meter_name_known(cases[i].text);
    pp_buf_init(&buf, BUF_LIMIT);
    /* names outside the meter list never reach a report */
    assert_true(pp_printer_set_counter(&p, cases[i].text, 5) == counter);
    assert_int_equal(pp_report_csv_counters(&p, 1, &buf), 0);
    parse_csv(buf.data, &c);
    size_t col = csv_column(&c, "counter");
    bool seen = !counter;
    for (size_t r = 1; r < c.nrows; r++)
      seen = seen || strcmp(c.field[r][col], cases[i].want) == 0;
    if (!seen)
      fail_msg("counter \"%s\" not written as \"%s\"", cases[i].text,
               cases[i].want);
    pp_buf_free(&buf);
    pp_printer_clear(&p);
  }
}

static void test_csv_numbers_unaffected(void **state) {
  (void)state;
  struct pp_printer p;
  static struct csv c;
  hostile_printer(&p);
  p.supplies[0].level = -3;
  p.supplies[0].max = -2;
  pp_supply_derive(&p.supplies[0]);
  struct pp_supply *s = pp_printer_add_supply(&p);
  assert_non_null(s);
  pp_strlcpy(s->description, "Drum", sizeof s->description);
  s->type = 9;
  s->level = 30000;
  s->max = 40000;
  pp_supply_derive(s);
  csv_supplies(&p, 1, &c);
  assert_int_equal(c.nrows, 3);
  size_t level = csv_column(&c, "level"), max = csv_column(&c, "max"),
         percent = csv_column(&c, "percent");
  assert_string_equal(c.field[1][level], "-3");
  assert_false(c.quoted[1][level]);
  assert_string_equal(c.field[1][max], "-2");
  assert_string_equal(c.field[1][percent], ""); /* unknown: empty, not 0 */
  assert_string_equal(c.field[2][level], "30000");
  assert_string_equal(c.field[2][max], "40000");
  assert_string_equal(c.field[2][percent], "75");
  assert_false(c.quoted[2][percent]);
  pp_printer_clear(&p);
}

static void test_csv_counters(void **state) {
  (void)state;
  struct pp_printer printers[2];
  static struct csv c;
  hostile_printer(&printers[0]);
  unreachable_printer(&printers[1]);
  printers[0].counters.power_on = PP_COUNT_UNKNOWN;
  struct pp_buf buf;
  pp_buf_init(&buf, BUF_LIMIT);
  assert_int_equal(pp_report_csv_counters(printers, 2, &buf), 0);
  parse_csv(buf.data, &c);
  /* header, total, colour; nothing for the unreachable printer and no
   * power_on row when it is unknown */
  assert_int_equal(c.nrows, 3);
  size_t counter = csv_column(&c, "counter"), value = csv_column(&c, "value"),
         unit = csv_column(&c, "unit");
  assert_string_equal(c.field[1][counter], "total");
  assert_string_equal(c.field[1][value], "88120");
  assert_string_equal(c.field[1][unit], "impressions");
  assert_string_equal(c.field[2][counter], "colour");
  assert_string_equal(c.field[2][value], "4000");
  /* unknown total: empty, not 0 */
  printers[0].counters.total = PP_COUNT_UNKNOWN;
  pp_buf_reset(&buf);
  assert_int_equal(pp_report_csv_counters(printers, 1, &buf), 0);
  parse_csv(buf.data, &c);
  assert_string_equal(c.field[1][counter], "total");
  assert_string_equal(c.field[1][value], "");
  pp_buf_free(&buf);
  pp_printer_clear(&printers[0]);
  pp_printer_clear(&printers[1]);
}

/* ---- The cap ----------------------------------------------------------- */

typedef int (*report_fn)(const struct pp_printer *, size_t, struct pp_buf *);

static void check_cap(const char *what, report_fn fn,
                      const struct pp_printer *printers, size_t n) {
  struct pp_buf buf;
  pp_buf_init(&buf, BUF_LIMIT);
  assert_int_equal(fn(printers, n, &buf), 0);
  size_t need = buf.len;
  pp_buf_free(&buf);
  /* every cap below the size fails cleanly, the exact size fits */
  for (size_t limit = 0; limit <= need; limit++) {
    pp_buf_init(&buf, limit);
    int rc = fn(printers, n, &buf);
    if (limit < need) {
      if (rc != -E2BIG)
        fail_msg("%s with cap %zu of %zu: rc %d, want -E2BIG", what, limit,
                 need, rc);
      if (buf.data != NULL || buf.len != 0)
        fail_msg("%s with cap %zu: buffer not freed", what, limit);
    } else {
      assert_int_equal(rc, 0);
      assert_int_equal(buf.len, need);
    }
    pp_buf_free(&buf);
  }
}

static void test_cap_gives_e2big_and_frees(void **state) {
  (void)state;
  struct pp_printer printers[2];
  hostile_printer(&printers[0]);
  unreachable_printer(&printers[1]);
  check_cap("json", pp_report_json, printers, 2);
  check_cap("csv supplies", pp_report_csv_supplies, printers, 2);
  check_cap("csv counters", pp_report_csv_counters, printers, 2);
  pp_printer_clear(&printers[0]);
  pp_printer_clear(&printers[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_string_escapes),
      cmocka_unit_test(test_json_report_is_valid),
      cmocka_unit_test(test_unknown_numbers_are_null),
      cmocka_unit_test(test_known_zero_is_zero),
      cmocka_unit_test(test_unread_error_state_is_null_not_empty),
      cmocka_unit_test(test_printer_keys_are_exactly_the_allowlist),
      cmocka_unit_test(test_csv_meters_and_last_reading),
      cmocka_unit_test(test_fields_outside_allowlist_never_appear),
      cmocka_unit_test(test_csv_quoting),
      cmocka_unit_test(test_csv_formula_defused),
      cmocka_unit_test(test_csv_numbers_unaffected),
      cmocka_unit_test(test_csv_counters),
      cmocka_unit_test(test_counters_past_int64_max),
      cmocka_unit_test(test_cap_gives_e2big_and_frees),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
