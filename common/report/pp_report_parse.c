/* SPDX-License-Identifier: MIT */
#include "pp_report_parse.h"
#include "pp_buf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pp_str.h"

/* Longest key we keep for messages; longer keys are still parsed. */
#define KEY_MAX 64
/* Scratch size for enum names ("warningBinaryChangeEvent"). */
#define NAME_MAX_LEN 64

struct reader {
  const unsigned char *s;
  size_t len;
  size_t pos;
  int depth;
  char *err;
  size_t errlen;
  char dropped[KEY_MAX]; /* first unknown field, for the caller's log */
  size_t supplies_cut;   /* items beyond the limits, skipped */
  size_t trays_cut;
  size_t alerts_cut;
};

/* Records the first error only: deeper calls know best what went wrong. */
static int fail(struct reader *r, int code, const char *what) {
  if (r->err[0] == '\0')
    snprintf(r->err, r->errlen, "%s at byte %zu", what, r->pos);
  return code;
}

static void skip_ws(struct reader *r) {
  while (r->pos < r->len) {
    unsigned char c = r->s[r->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
      return;
    r->pos++;
  }
}

static int peek(struct reader *r) {
  skip_ws(r);
  return r->pos < r->len ? r->s[r->pos] : -1;
}

static int expect(struct reader *r, char c) {
  if (peek(r) != (unsigned char)c) {
    char what[32];
    snprintf(what, sizeof(what), "expected '%c'", c);
    return fail(r, -EINVAL, what);
  }
  r->pos++;
  return 0;
}

static bool take_literal(struct reader *r, const char *word) {
  size_t n = strlen(word);
  skip_ws(r);
  if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n) != 0)
    return false;
  r->pos += n;
  return true;
}

/* --- strings --- */

struct text_sink {
  char *out; /* NULL: validate only */
  size_t cap;
  size_t len;
};

static int sink_put(struct reader *r, struct text_sink *t, const char *bytes,
                    size_t n) {
  if (t->out == NULL)
    return 0;
  if (n >= t->cap - t->len)
    return fail(r, -E2BIG, "string too long for its field");
  memcpy(t->out + t->len, bytes, n);
  t->len += n;
  t->out[t->len] = '\0';
  return 0;
}

static size_t utf8_encode(uint32_t cp, char *b) {
  if (cp < 0x80) {
    b[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    b[0] = (char)(0xc0 | (cp >> 6));
    b[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    b[0] = (char)(0xe0 | (cp >> 12));
    b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    b[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  b[0] = (char)(0xf0 | (cp >> 18));
  b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  b[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

static int hex4(struct reader *r, uint32_t *out) {
  if (r->len - r->pos < 4)
    return fail(r, -EINVAL, "truncated \\u escape");
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    unsigned char c = r->s[r->pos++];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0)
      return fail(r, -EINVAL, "bad hex digit in \\u escape");
    v = v << 4 | (uint32_t)d;
  }
  *out = v;
  return 0;
}

/* \uXXXX, with surrogate pairs; lone surrogates and NUL are refused (a NUL
 * would cut the C string and hide what follows). */
static int unicode_escape(struct reader *r, uint32_t *cp) {
  PP_TRY(hex4(r, cp));
  if (*cp >= 0xdc00 && *cp < 0xe000)
    return fail(r, -EINVAL, "lone low surrogate");
  if (*cp >= 0xd800 && *cp < 0xdc00) {
    uint32_t low;
    if (r->len - r->pos < 2 || r->s[r->pos] != '\\' || r->s[r->pos + 1] != 'u')
      return fail(r, -EINVAL, "high surrogate without its pair");
    r->pos += 2;
    PP_TRY(hex4(r, &low));
    if (low < 0xdc00 || low >= 0xe000)
      return fail(r, -EINVAL, "bad surrogate pair");
    *cp = 0x10000 + ((*cp - 0xd800) << 10) + (low - 0xdc00);
  }
  if (*cp == 0)
    return fail(r, -EINVAL, "\\u0000 in a string");
  return 0;
}

static int escape(struct reader *r, struct text_sink *t) {
  if (r->pos >= r->len)
    return fail(r, -EINVAL, "truncated escape");
  unsigned char c = r->s[r->pos++];
  static const char from[] = "\"\\/bfnrt";
  static const char to[] = "\"\\/\b\f\n\r\t";
  const char *hit = c ? strchr(from, c) : NULL;
  if (hit != NULL)
    return sink_put(r, t, &to[hit - from], 1);
  if (c != 'u')
    return fail(r, -EINVAL, "bad escape");
  uint32_t cp;
  PP_TRY(unicode_escape(r, &cp));
  char b[4];
  return sink_put(r, t, b, utf8_encode(cp, b));
}

/* One UTF-8 sequence starting at r->pos: shortest form, no surrogates, at
 * most U+10FFFF. Returns its length, 0 when invalid. */
static size_t utf8_valid(const struct reader *r) {
  const unsigned char *p = r->s + r->pos;
  size_t left = r->len - r->pos;
  size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
  if (n == 0 || p[0] > 0xf4 || left < n)
    return 0;
  uint32_t cp = p[0] & (0x3f >> (n - 1));
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    cp = cp << 6 | (p[i] & 0x3f);
  }
  static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
    return 0;
  return n;
}

/* A string literal; its decoded text goes to t (NULL out: checked only). */
static int parse_string_into(struct reader *r, struct text_sink *t) {
  PP_TRY(expect(r, '"'));
  if (t->out != NULL)
    t->out[0] = '\0';
  for (;;) {
    if (r->pos >= r->len)
      return fail(r, -EINVAL, "unterminated string");
    unsigned char c = r->s[r->pos];
    if (c == '"') {
      r->pos++;
      return 0;
    }
    if (c == '\\') {
      r->pos++;
      PP_TRY(escape(r, t));
    } else if (c < 0x20) {
      return fail(r, -EINVAL, "control character in a string");
    } else if (c < 0x80) {
      r->pos++;
      PP_TRY(sink_put(r, t, (const char *)&c, 1));
    } else {
      size_t n = utf8_valid(r);
      if (n == 0)
        return fail(r, -EINVAL, "invalid UTF-8 in a string");
      PP_TRY(sink_put(r, t, (const char *)r->s + r->pos, n));
      r->pos += n;
    }
  }
}

static int parse_string(struct reader *r, char *out, size_t cap) {
  struct text_sink t = {.out = out, .cap = cap};
  return parse_string_into(r, &t);
}

/* A string or null ("" then): the writer turns "" into null. */
static int parse_text(struct reader *r, char *out, size_t cap) {
  if (take_literal(r, "null")) {
    out[0] = '\0';
    return 0;
  }
  return parse_string(r, out, cap);
}

/* --- numbers, booleans --- */

/* An integer; fractions and exponents are refused (the format has none). */
static int parse_int64(struct reader *r, int64_t *out) {
  skip_ws(r);
  size_t start = r->pos;
  bool negative = r->pos < r->len && r->s[r->pos] == '-';
  if (negative)
    r->pos++;
  if (r->pos >= r->len || r->s[r->pos] < '0' || r->s[r->pos] > '9')
    return fail(r, -EINVAL, "expected a number");
  if (r->s[r->pos] == '0' && r->pos + 1 < r->len && r->s[r->pos + 1] >= '0' &&
      r->s[r->pos + 1] <= '9')
    return fail(r, -EINVAL, "leading zero");
  /* Accumulate negatively: INT64_MIN's magnitude has no positive twin. */
  int64_t v = 0;
  while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9') {
    int d = r->s[r->pos++] - '0';
    if (v < (INT64_MIN + d) / 10)
      return fail(r, -EINVAL, "number out of range");
    v = v * 10 - d;
  }
  if (r->pos < r->len && strchr(".eE", r->s[r->pos]) != NULL &&
      r->s[r->pos] != '\0')
    return fail(r, -EINVAL, "not an integer");
  /* INT64_MIN is PP_UNKNOWN (only null may say "unknown"), and positive
   * 2^63 does not fit. */
  if (v == INT64_MIN) {
    r->pos = start;
    return fail(r, -EINVAL, "number out of range");
  }
  *out = negative ? v : -v;
  return 0;
}

static int parse_int64_or_null(struct reader *r, int64_t *out) {
  if (take_literal(r, "null")) {
    *out = PP_UNKNOWN;
    return 0;
  }
  return parse_int64(r, out);
}

/* A counter: a JSON integer 0..2^64-2 (2^64-1 is PP_COUNT_UNKNOWN, which
 * only null may say), or null. */
static int parse_count_or_null(struct reader *r, uint64_t *out) {
  if (take_literal(r, "null")) {
    *out = PP_COUNT_UNKNOWN;
    return 0;
  }
  skip_ws(r);
  if (r->pos >= r->len || r->s[r->pos] < '0' || r->s[r->pos] > '9')
    return fail(r, -EINVAL, "expected a count");
  if (r->s[r->pos] == '0' && r->pos + 1 < r->len && r->s[r->pos + 1] >= '0' &&
      r->s[r->pos + 1] <= '9')
    return fail(r, -EINVAL, "leading zero");
  uint64_t v = 0;
  while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9') {
    unsigned d = (unsigned)(r->s[r->pos++] - '0');
    if (v > (UINT64_MAX - d) / 10)
      return fail(r, -EINVAL, "number out of range");
    v = v * 10 + d;
  }
  if (r->pos < r->len && strchr(".eE", r->s[r->pos]) != NULL &&
      r->s[r->pos] != '\0')
    return fail(r, -EINVAL, "not an integer");
  if (v == PP_COUNT_UNKNOWN)
    return fail(r, -EINVAL, "number out of range");
  *out = v;
  return 0;
}

static int parse_int_range(struct reader *r, int lo, int hi, int *out) {
  int64_t v;
  PP_TRY(parse_int64(r, &v));
  if (v < lo || v > hi)
    return fail(r, -EINVAL, "number out of range");
  *out = (int)v;
  return 0;
}

static int parse_bool(struct reader *r, bool *out) {
  if (take_literal(r, "true")) {
    *out = true;
    return 0;
  }
  if (take_literal(r, "false")) {
    *out = false;
    return 0;
  }
  return fail(r, -EINVAL, "expected true or false");
}

/* --- skipping unknown values, bounded --- */

static int skip_value(struct reader *r);

static size_t skip_digits(struct reader *r) {
  size_t start = r->pos;
  while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9')
    r->pos++;
  return r->pos - start;
}

/* Numbers in unknown fields may be anything RFC 8259 allows:
 * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int skip_number(struct reader *r) {
  skip_ws(r);
  if (r->pos < r->len && r->s[r->pos] == '-')
    r->pos++;
  size_t start = r->pos;
  size_t n = skip_digits(r);
  if (n == 0 || (n > 1 && r->s[start] == '0'))
    return fail(r, -EINVAL, "bad number");
  if (r->pos < r->len && r->s[r->pos] == '.') {
    r->pos++;
    if (skip_digits(r) == 0)
      return fail(r, -EINVAL, "bad number");
  }
  if (r->pos < r->len && (r->s[r->pos] == 'e' || r->s[r->pos] == 'E')) {
    r->pos++;
    if (r->pos < r->len && (r->s[r->pos] == '+' || r->s[r->pos] == '-'))
      r->pos++;
    if (skip_digits(r) == 0)
      return fail(r, -EINVAL, "bad number");
  }
  return 0;
}

static int enter(struct reader *r) {
  if (++r->depth > PP_REPORT_PARSE_MAX_DEPTH)
    return fail(r, -EINVAL, "nesting too deep");
  return 0;
}

typedef int (*element_fn)(struct reader *r, void *ctx);

/* Parses `open`, then no element or elements separated by commas, then
 * `close`, calling element() for each; every array and object of the
 * format goes through here, so the depth limit holds for all. */
static int parse_container(struct reader *r, char open, char close,
                           element_fn element, void *ctx) {
  PP_TRY(enter(r));
  PP_TRY(expect(r, open));
  if (peek(r) == (unsigned char)close) {
    r->pos++;
    r->depth--;
    return 0;
  }
  for (;;) {
    PP_TRY(element(r, ctx));
    if (peek(r) == (unsigned char)close) {
      r->pos++;
      r->depth--;
      return 0;
    }
    PP_TRY(expect(r, ','));
  }
}

static int skip_element(struct reader *r, void *ctx) {
  (void)ctx;
  return skip_value(r);
}

static int skip_member(struct reader *r, void *ctx) {
  (void)ctx;
  struct text_sink none = {0};
  PP_TRY(parse_string_into(r, &none));
  PP_TRY(expect(r, ':'));
  return skip_value(r);
}

static int skip_value(struct reader *r) {
  int c = peek(r);
  if (c == '{')
    return parse_container(r, '{', '}', skip_member, NULL);
  if (c == '[')
    return parse_container(r, '[', ']', skip_element, NULL);
  if (c == '"') {
    struct text_sink none = {0};
    return parse_string_into(r, &none);
  }
  if (take_literal(r, "null") || take_literal(r, "true") ||
      take_literal(r, "false"))
    return 0;
  return skip_number(r);
}

/* --- objects with a table of known keys --- */

typedef int (*member_fn)(struct reader *r, void *target);

struct member {
  const char *key;
  member_fn parse;
};

/* Looks key up in the table; a known key may come once only (its bit in
 * *seen). -ENOENT: not in the table (no member parser returns it). */
static int known_member(struct reader *r, const struct member *table,
                        size_t count, const char *key, void *target,
                        uint32_t *seen) {
  size_t i = 0;
  while (i < count && strcmp(table[i].key, key) != 0)
    i++;
  if (i == count)
    return -ENOENT;
  if (*seen & (1u << i))
    return fail(r, -EINVAL, "duplicate key");
  *seen |= 1u << i;
  return table[i].parse(r, target);
}

struct object {
  const struct member *table;
  size_t count;
  void *target;
  bool drop_unknown;
  uint32_t seen;
};

static int object_member(struct reader *r, void *ctx) {
  struct object *o = ctx;
  char key[KEY_MAX];
  PP_TRY(parse_string(r, key, sizeof(key)));
  PP_TRY(expect(r, ':'));
  int rc = known_member(r, o->table, o->count, key, o->target, &o->seen);
  if (rc != -ENOENT)
    return rc;
  if (!o->drop_unknown)
    return fail(r, -EINVAL, "unknown key");
  if (r->dropped[0] == '\0')
    pp_strlcpy(r->dropped, key, sizeof(r->dropped));
  return skip_value(r);
}

/* Parses {...} calling the table's function for known keys once each;
 * unknown keys are skipped and remembered (drop_unknown), or refused. */
static int parse_object(struct reader *r, const struct member *table,
                        size_t count, void *target, bool drop_unknown,
                        uint32_t *seen) {
  struct object o = {.table = table,
                     .count = count,
                     .target = target,
                     .drop_unknown = drop_unknown};
  int rc = parse_container(r, '{', '}', object_member, &o);
  *seen = o.seen;
  return rc;
}

#define MEMBERS(table) table, sizeof(table) / sizeof(table[0])

/* --- enum names back to numbers --- */

/* Smallest value in [lo, hi] whose name is `name`; the writer maps several
 * numbers to "other", and any of them writes the same text again. */
static int name_to_number(struct reader *r, const char *(*name_of)(int), int lo,
                          int hi, int *out) {
  char name[NAME_MAX_LEN];
  PP_TRY(parse_string(r, name, sizeof(name)));
  for (int v = lo; v <= hi; v++) {
    const char *candidate = name_of(v);
    if (candidate != NULL && strcmp(candidate, name) == 0) {
      *out = v;
      return 0;
    }
  }
  return fail(r, -EINVAL, "unknown name");
}

static int name_to_number_or_null(struct reader *r, const char *(*name_of)(int),
                                  int lo, int hi, int *out) {
  if (take_literal(r, "null")) {
    *out = 0;
    return 0;
  }
  return name_to_number(r, name_of, lo, hi, out);
}

static const char *state_name(int v) {
  return pp_supply_state_name((enum pp_supply_state)v);
}

/* Enough to find every name the model's tables hold. */
#define TC_MAX 255

/* --- status --- */

static int st_printer(struct reader *r, void *t) {
  struct pp_status *s = t;
  return name_to_number_or_null(r, pp_printer_status_name, 1, 5, &s->printer);
}

static int st_device(struct reader *r, void *t) {
  struct pp_status *s = t;
  return name_to_number_or_null(r, pp_device_status_name, 1, 5, &s->device);
}

static int st_asleep(struct reader *r, void *t) {
  struct pp_status *s = t;
  return parse_bool(r, &s->asleep);
}

static int error_bit(struct reader *r, void *ctx) {
  uint32_t *errors = ctx;
  char name[NAME_MAX_LEN];
  PP_TRY(parse_string(r, name, sizeof(name)));
  for (unsigned bit = 0; bit < PP_ERR_BIT_COUNT; bit++) {
    if (strcmp(pp_error_bit_name(bit), name) == 0) {
      *errors |= 1u << bit;
      return 0;
    }
  }
  return fail(r, -EINVAL, "unknown error name");
}

/* null: not read; [...]: read, and the bits say which errors are on. */
static int st_errors(struct reader *r, void *t) {
  struct pp_status *s = t;
  s->errors = 0;
  s->error_bytes = 0;
  if (take_literal(r, "null"))
    return 0;
  s->error_bytes = 2;
  return parse_container(r, '[', ']', error_bit, &s->errors);
}

/* The policy's judgements the writer adds ("state", a supply's "name" and
 * "severity"): recomputed from the data whenever a report is written
 * again, so a producer cannot make them disagree with it. */
static int derived_field(struct reader *r, void *t) {
  (void)t;
  return skip_value(r);
}

static const struct member status_members[] = {
    {"state", derived_field}, {"printer", st_printer}, {"device", st_device},
    {"asleep", st_asleep},    {"errors", st_errors},
};

/* --- counters --- */

static int ct_total(struct reader *r, void *t) {
  struct pp_counters *c = t;
  return parse_count_or_null(r, &c->total);
}

static int ct_unit(struct reader *r, void *t) {
  struct pp_counters *c = t;
  return name_to_number_or_null(r, pp_counter_unit_name, 1, TC_MAX, &c->unit);
}

static int ct_power_on(struct reader *r, void *t) {
  struct pp_counters *c = t;
  return parse_count_or_null(r, &c->power_on);
}

static int ct_read_at(struct reader *r, void *t) {
  struct pp_counters *c = t;
  char text[32];
  PP_TRY(parse_text(r, text, sizeof(text)));
  c->read_at = 0;
  if (text[0] != '\0' && !pp_parse_utc(text, &c->read_at))
    return fail(r, -EINVAL, "read_at is not a UTC time");
  return 0;
}

static const struct member counter_members[] = {
    {"total", ct_total},
    {"unit", ct_unit},
    {"power_on", ct_power_on},
    {"read_at", ct_read_at},
};

/* Vendor counter names are profile words ("colour", "mono"): anything else
 * could be text smuggled in as a key. */
static bool counter_name_ok(const char *name) {
  if (name[0] == '\0')
    return false;
  for (const char *p = name; *p; p++) {
    bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.';
    if (!ok)
      return false;
  }
  return true;
}

static int vendor_counter(struct reader *r, struct pp_counters *c,
                          const char *name) {
  if (!counter_name_ok(name))
    return fail(r, -EINVAL, "bad vendor counter name");
  if (!pp_meter_name_known(name))
    return fail(r, -EINVAL, "unknown meter");
  for (size_t i = 0; i < c->vendor_count; i++) {
    if (strcmp(c->vendor[i].name, name) == 0)
      return fail(r, -EINVAL, "duplicate key");
  }
  if (c->vendor_count == PP_MAX_VENDOR_COUNTERS)
    return fail(r, -E2BIG, "too many vendor counters");
  struct pp_counter *slot = &c->vendor[c->vendor_count];
  PP_TRY(parse_count_or_null(r, &slot->value));
  pp_strlcpy(slot->name, name, sizeof(slot->name));
  c->vendor_count++;
  return 0;
}

struct counters_object {
  struct pp_counters *c;
  uint32_t seen;
  /* counters.units, kept aside: it may come before the meters it names */
  struct {
    char name[sizeof(((struct pp_counter *)0)->name)];
    int unit;
  } units[PP_MAX_VENDOR_COUNTERS];
  size_t unit_count;
  bool units_seen;
};

/* One "meter": "unit" pair of counters.units. */
static int meter_unit_member(struct reader *r, void *ctx) {
  struct counters_object *o = ctx;
  char name[sizeof(o->units[0].name)], unit[16];
  PP_TRY(parse_string(r, name, sizeof(name)));
  PP_TRY(expect(r, ':'));
  PP_TRY(parse_string(r, unit, sizeof(unit)));
  if (!pp_meter_name_known(name))
    return fail(r, -EINVAL, "unit of an unknown meter");
  int value = pp_meter_unit_from_name(unit);
  if (value < 0)
    return fail(r, -EINVAL, "unknown meter unit");
  for (size_t i = 0; i < o->unit_count; i++) {
    if (strcmp(o->units[i].name, name) == 0)
      return fail(r, -EINVAL, "duplicate key");
  }
  if (o->unit_count == PP_MAX_VENDOR_COUNTERS)
    return fail(r, -E2BIG, "too many meter units");
  pp_strlcpy(o->units[o->unit_count].name, name, sizeof(o->units[0].name));
  o->units[o->unit_count++].unit = value;
  return 0;
}

static int meter_units(struct reader *r, struct counters_object *o) {
  if (o->units_seen)
    return fail(r, -EINVAL, "duplicate key");
  o->units_seen = true;
  return parse_container(r, '{', '}', meter_unit_member, o);
}

/* Each unit goes to its meter; a unit of a meter not reported is refused
 * (the writer never makes one). */
static int apply_meter_units(struct reader *r, struct counters_object *o) {
  for (size_t i = 0; i < o->unit_count; i++) {
    size_t k = 0;
    while (k < o->c->vendor_count &&
           strcmp(o->c->vendor[k].name, o->units[i].name) != 0)
      k++;
    if (k == o->c->vendor_count)
      return fail(r, -EINVAL, "unit of a meter not reported");
    o->c->vendor[k].unit = o->units[i].unit;
  }
  return 0;
}

/* A key of the counters object: one of three fixed keys, else the
 * profile's own counter by that name, so it cannot use the plain table
 * walk; its keys are no longer than a vendor counter's name. */
static int counters_member(struct reader *r, void *ctx) {
  struct counters_object *o = ctx;
  char key[sizeof(o->c->vendor[0].name)];
  PP_TRY(parse_string(r, key, sizeof(key)));
  PP_TRY(expect(r, ':'));
  int rc = known_member(r, MEMBERS(counter_members), key, o->c, &o->seen);
  if (rc != -ENOENT)
    return rc;
  if (strcmp(key, "units") == 0)
    return meter_units(r, o);
  return vendor_counter(r, o->c, key);
}

static int parse_counters(struct reader *r, void *t) {
  struct counters_object o = {.c = t};
  PP_TRY(parse_container(r, '{', '}', counters_member, &o));
  return apply_meter_units(r, &o);
}

/* --- supplies --- */

static int su_description(struct reader *r, void *t) {
  struct pp_supply *s = t;
  return parse_text(r, s->description, sizeof(s->description));
}

static int su_colour(struct reader *r, void *t) {
  struct pp_supply *s = t;
  return parse_text(r, s->colour, sizeof(s->colour));
}

static int su_type(struct reader *r, void *t) {
  struct pp_supply *s = t;
  return name_to_number(r, pp_supply_type_name, 1, TC_MAX, &s->type);
}

static int su_receptacle(struct reader *r, void *t) {
  struct pp_supply *s = t;
  return parse_bool(r, &s->receptacle);
}

static int su_level(struct reader *r, void *t) {
  struct pp_supply *s = t;
  return parse_int64_or_null(r, &s->level);
}

static int su_max(struct reader *r, void *t) {
  struct pp_supply *s = t;
  return parse_int64_or_null(r, &s->max);
}

static int su_unit(struct reader *r, void *t) {
  struct pp_supply *s = t;
  return name_to_number_or_null(r, pp_supply_unit_name, 1, TC_MAX, &s->unit);
}

static int su_percent(struct reader *r, void *t) {
  struct pp_supply *s = t;
  if (take_literal(r, "null")) {
    s->percent = PP_NO_PERCENT;
    return 0;
  }
  return parse_int_range(r, 0, 100, &s->percent);
}

static int su_state(struct reader *r, void *t) {
  struct pp_supply *s = t;
  int v;
  PP_TRY(name_to_number(r, state_name, PP_SUPPLY_UNKNOWN, PP_SUPPLY_FULL, &v));
  s->state = (enum pp_supply_state)v;
  return 0;
}

static const struct member supply_members[] = {
    {"name", derived_field},
    {"severity", derived_field},
    {"description", su_description},
    {"colour", su_colour},
    {"type", su_type},
    {"receptacle", su_receptacle},
    {"level", su_level},
    {"max", su_max},
    {"unit", su_unit},
    {"percent", su_percent},
    {"state", su_state},
};

/* --- trays --- */

static int tr_kind(struct reader *r, void *t) {
  struct pp_tray *tray = t;
  char kind[8];
  PP_TRY(parse_string(r, kind, sizeof(kind)));
  if (strcmp(kind, "input") != 0 && strcmp(kind, "output") != 0)
    return fail(r, -EINVAL, "tray kind neither input nor output");
  tray->output = kind[0] == 'o';
  return 0;
}

static int tr_index(struct reader *r, void *t) {
  struct pp_tray *tray = t;
  return parse_int_range(r, 0, INT32_MAX, &tray->index);
}

static int tr_description(struct reader *r, void *t) {
  struct pp_tray *tray = t;
  return parse_text(r, tray->name, sizeof(tray->name));
}

static int tr_manual(struct reader *r, void *t) {
  struct pp_tray *tray = t;
  return parse_bool(r, &tray->manual);
}

static int tr_media(struct reader *r, void *t) {
  struct pp_tray *tray = t;
  return parse_text(r, tray->media, sizeof(tray->media));
}

/* Type names that both tables share have the same number in both
 * (pp_model.h), so the name gives the number whatever the kind. */
static int tr_type(struct reader *r, void *t) {
  struct pp_tray *tray = t;
  if (take_literal(r, "null")) {
    tray->type = 0;
    return 0;
  }
  char name[NAME_MAX_LEN];
  PP_TRY(parse_string(r, name, sizeof(name)));
  for (int v = 1; v <= TC_MAX; v++) {
    if (strcmp(pp_tray_type_name(false, v), name) == 0 ||
        strcmp(pp_tray_type_name(true, v), name) == 0) {
      tray->type = v;
      return 0;
    }
  }
  return fail(r, -EINVAL, "unknown tray type");
}

static int tr_unit(struct reader *r, void *t) {
  struct pp_tray *tray = t;
  return name_to_number_or_null(r, pp_capacity_unit_name, 1, TC_MAX,
                                &tray->unit);
}

static int tr_level(struct reader *r, void *t) {
  struct pp_tray *tray = t;
  return parse_int64_or_null(r, &tray->level);
}

static int tr_max(struct reader *r, void *t) {
  struct pp_tray *tray = t;
  return parse_int64_or_null(r, &tray->max);
}

static int tr_percent(struct reader *r, void *t) {
  struct pp_tray *tray = t;
  if (take_literal(r, "null")) {
    tray->percent = PP_NO_PERCENT;
    return 0;
  }
  return parse_int_range(r, 0, 100, &tray->percent);
}

static const char *tray_state_name(int v) {
  return pp_tray_state_name((enum pp_tray_state)v);
}

static int tr_state(struct reader *r, void *t) {
  struct pp_tray *tray = t;
  int v;
  PP_TRY(
      name_to_number(r, tray_state_name, PP_TRAY_UNKNOWN, PP_TRAY_MISSING, &v));
  tray->state = (enum pp_tray_state)v;
  return 0;
}

static const struct member tray_members[] = {
    {"name", derived_field},
    {"severity", derived_field},
    {"kind", tr_kind},
    {"index", tr_index},
    {"description", tr_description},
    {"manual", tr_manual},
    {"type", tr_type},
    {"media", tr_media},
    {"unit", tr_unit},
    {"level", tr_level},
    {"max", tr_max},
    {"percent", tr_percent},
    {"state", tr_state},
};

/* --- alerts --- */

static const char *severity_name(int v) { return pp_alert_severity_name(v); }

static int al_severity(struct reader *r, void *t) {
  struct pp_alert *a = t;
  return name_to_number(r, severity_name, 1, TC_MAX, &a->severity);
}

static int al_group(struct reader *r, void *t) {
  struct pp_alert *a = t;
  return parse_text(r, a->group, sizeof(a->group));
}

static int al_code(struct reader *r, void *t) {
  struct pp_alert *a = t;
  return parse_int_range(r, INT32_MIN, INT32_MAX, &a->code);
}

static int al_description(struct reader *r, void *t) {
  struct pp_alert *a = t;
  return parse_text(r, a->description, sizeof(a->description));
}

static const struct member alert_members[] = {
    {"severity", al_severity},
    {"group", al_group},
    {"code", al_code},
    {"description", al_description},
};

/* --- arrays of supplies and alerts --- */

/* Past a limit an item is still checked, then left out and counted: the
 * printer stays in the report (its counters and status with it). */
static int skip_item(struct reader *r, size_t *cut) {
  (*cut)++;
  return skip_value(r);
}

static int supply_item(struct reader *r, void *ctx) {
  struct pp_printer *p = ctx;
  if (p->supply_count == PP_REPORT_PARSE_MAX_SUPPLIES)
    return skip_item(r, &r->supplies_cut);
  struct pp_supply *s = pp_printer_add_supply(p);
  if (s == NULL)
    return fail(r, -ENOMEM, "out of memory");
  uint32_t seen;
  /* Inside the format's own objects an unknown key is refused: only the
   * printer level may carry fields from a newer writer. */
  return parse_object(r, MEMBERS(supply_members), s, false, &seen);
}

static int tray_item(struct reader *r, void *ctx) {
  struct pp_printer *p = ctx;
  if (p->tray_count == PP_REPORT_PARSE_MAX_TRAYS)
    return skip_item(r, &r->trays_cut);
  struct pp_tray *t = pp_printer_add_tray(p);
  if (t == NULL)
    return fail(r, -ENOMEM, "out of memory");
  uint32_t seen;
  return parse_object(r, MEMBERS(tray_members), t, false, &seen);
}

static int alert_item(struct reader *r, void *ctx) {
  struct pp_printer *p = ctx;
  if (p->alert_count == PP_REPORT_PARSE_MAX_ALERTS)
    return skip_item(r, &r->alerts_cut);
  struct pp_alert *a = pp_printer_add_alert(p);
  if (a == NULL)
    return fail(r, -ENOMEM, "out of memory");
  uint32_t seen;
  return parse_object(r, MEMBERS(alert_members), a, false, &seen);
}

/* --- the printer object --- */

static int pr_address(struct reader *r, void *t) {
  struct pp_printer *p = t;
  PP_TRY(parse_string(r, p->address, sizeof(p->address)));
  if (p->address[0] == '\0')
    return fail(r, -EINVAL, "empty address");
  return 0;
}

static int pr_reachable(struct reader *r, void *t) {
  struct pp_printer *p = t;
  return parse_bool(r, &p->reachable);
}

#define TEXT_MEMBER(field)                                                     \
  static int pr_##field(struct reader *r, void *t) {                           \
    struct pp_printer *p = t;                                                  \
    return parse_text(r, p->field, sizeof(p->field));                          \
  }
TEXT_MEMBER(error)
TEXT_MEMBER(name)
TEXT_MEMBER(manufacturer)
TEXT_MEMBER(model)
TEXT_MEMBER(serial)
TEXT_MEMBER(firmware)
TEXT_MEMBER(mac)

static int pr_status(struct reader *r, void *t) {
  struct pp_printer *p = t;
  uint32_t seen;
  return parse_object(r, MEMBERS(status_members), &p->status, false, &seen);
}

static int pr_counters(struct reader *r, void *t) {
  struct pp_printer *p = t;
  return parse_counters(r, &p->counters);
}

static int pr_counters_note(struct reader *r, void *t) {
  struct pp_printer *p = t;
  return parse_text(r, p->counters.note, sizeof(p->counters.note));
}

static int pr_supplies(struct reader *r, void *t) {
  return parse_container(r, '[', ']', supply_item, t);
}

static int pr_alerts(struct reader *r, void *t) {
  return parse_container(r, '[', ']', alert_item, t);
}

static int pr_trays(struct reader *r, void *t) {
  return parse_container(r, '[', ']', tray_item, t);
}

/* States a cut in the printer's error, before what it already says (the
 * whole text is cut to the field between characters). */
static void note_cut(struct pp_printer *p, size_t cut, const char *what,
                     size_t kept) {
  if (cut == 0)
    return;
  char text[2 * sizeof(p->error)];
  snprintf(text, sizeof(text), "%s cut off at %zu rows (%zu left out)%s%s",
           what, kept, cut, p->error[0] ? "; " : "", p->error);
  pp_text_copy(p->error, text, sizeof(p->error));
}

/* The report allowlist (pp_report.c), field for field. */
static const struct member printer_members[] = {
    {"address", pr_address},
    {"reachable", pr_reachable},
    {"error", pr_error},
    {"name", pr_name},
    {"manufacturer", pr_manufacturer},
    {"model", pr_model},
    {"serial", pr_serial},
    {"firmware", pr_firmware},
    {"mac", pr_mac},
    {"status", pr_status},
    {"counters", pr_counters},
    {"counters_note", pr_counters_note},
    {"supplies", pr_supplies},
    {"trays", pr_trays},
    {"alerts", pr_alerts},
};

#define REQUIRED_FIELDS 0x3u /* address, reachable */

static int parse_printer(struct reader *r, struct pp_printer *out) {
  uint32_t seen;
  PP_TRY(parse_object(r, MEMBERS(printer_members), out, true, &seen));
  if ((seen & REQUIRED_FIELDS) != REQUIRED_FIELDS)
    return fail(r, -EINVAL, "address or reachable missing");
  if (peek(r) != -1)
    return fail(r, -EINVAL, "data after the object");
  return 0;
}

int pp_report_parse_printer(const char *json, size_t len,
                            struct pp_printer *out, char *err, size_t errlen) {
  char scratch[1];
  if (err == NULL || errlen == 0) {
    err = scratch;
    errlen = sizeof(scratch);
  }
  err[0] = '\0';
  pp_printer_init(out, "");
  if (len > PP_REPORT_PARSE_MAX_INPUT) {
    snprintf(err, errlen, "printer object of %zu bytes is too large", len);
    return -E2BIG;
  }
  struct reader r = {.s = (const unsigned char *)json,
                     .len = len,
                     .err = err,
                     .errlen = errlen};
  int rc = parse_printer(&r, out);
  if (rc != 0) {
    pp_printer_clear(out);
    return rc;
  }
  note_cut(out, r.alerts_cut, "alerts", out->alert_count);
  note_cut(out, r.supplies_cut, "supplies", out->supply_count);
  note_cut(out, r.trays_cut, "trays", out->tray_count);
  if (r.dropped[0] != '\0')
    snprintf(err, errlen, "dropped unknown field \"%s\"", r.dropped);
  return 0;
}
