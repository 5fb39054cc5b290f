/* SPDX-License-Identifier: MIT */
/* Unit tests for the small pieces of the core: OIDs and the varset, the
 * snmprec loader, the capped buffer, SNMP options by name, secrets from files
 * and the environment, and profile selection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pp_buf.h"
#include "pp_profile.h"
#include "pp_secret.h"
#include "pp_snmp_opts.h"
#include "pp_varset.h"
#include "profiles.h"

#define ERR_LEN 512

static struct pp_oid oid(const char *text) {
  struct pp_oid o;
  if (pp_oid_parse(&o, text) != 0)
    fail_msg("test OID \"%s\" does not parse", text);
  return o;
}

static void check_oid_text(const struct pp_oid *o, const char *want) {
  char text[512];
  pp_oid_format(o, text, sizeof text);
  if (strcmp(text, want) != 0)
    fail_msg("OID is %s, want %s", text, want);
}

/* A dotted OID of n components 1.2.3... */
static void long_oid_text(char *out, size_t size, size_t n) {
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < n; i++)
    used +=
        (size_t)snprintf(out + used, size - used, "%s%zu", i ? "." : "", i + 1);
}

/* ---- OIDs -------------------------------------------------------------- */

static void test_oid_parse_accepts(void **state) {
  (void)state;
  static const struct {
    const char *text, *formatted;
    size_t len;
  } cases[] = {
      {"1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.1.0", 9},
      {".1.3.6.1", "1.3.6.1", 4},
      {"0", "0", 1},
      {"1.3.4294967295", "1.3.4294967295", 3},
      {"1.3.007", "1.3.7", 3},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct pp_oid o;
    if (pp_oid_parse(&o, cases[i].text) != 0)
      fail_msg("\"%s\" rejected", cases[i].text);
    assert_int_equal(o.len, cases[i].len);
    check_oid_text(&o, cases[i].formatted);
  }
  char text[512];
  struct pp_oid o;
  long_oid_text(text, sizeof text, PP_OID_MAX);
  assert_int_equal(pp_oid_parse(&o, text), 0);
  assert_int_equal(o.len, PP_OID_MAX);
  assert_int_equal(o.sub[PP_OID_MAX - 1], PP_OID_MAX);
}

static void test_oid_parse_rejects(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      ".",
      "..1",
      "1..3",
      "1.3.",
      "1.a.3",
      "a",
      "-1",
      "1.-3",
      "+1",
      "1.+3",
      " 1.3",
      "1.3 ",
      "1.3.6\n",
      "1,3,6",
      "4294967296",
      "1.99999999999999999999",
      "1.3/6",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    struct pp_oid o;
    if (pp_oid_parse(&o, bad[i]) != -EINVAL)
      fail_msg("\"%s\" accepted", bad[i]);
  }
  char text[512];
  struct pp_oid o;
  long_oid_text(text, sizeof text, PP_OID_MAX + 1);
  assert_int_equal(pp_oid_parse(&o, text), -EINVAL);
}

static void test_oid_format_truncates_and_counts(void **state) {
  (void)state;
  struct pp_oid o = oid("1.3.6.1.2.1");
  char small[5];
  memset(small, 'X', sizeof small);
  assert_int_equal(pp_oid_format(&o, small, sizeof small), 11);
  assert_string_equal(small, "1.3.");
  assert_int_equal(pp_oid_format(&o, NULL, 0), 11);
  char big[32];
  assert_int_equal(pp_oid_format(&o, big, sizeof big), 11);
  assert_string_equal(big, "1.3.6.1.2.1");
  struct pp_oid empty = {.len = 0};
  big[0] = 'X';
  assert_int_equal(pp_oid_format(&empty, big, sizeof big), 0);
  assert_string_equal(big, "");
}

static void test_oid_compare_and_prefix(void **state) {
  (void)state;
  static const struct {
    const char *a, *b;
    int cmp;
    bool a_has_prefix_b;
  } cases[] = {
      {"1.3.6", "1.3.6", 0, true},
      {"1.3.6.1", "1.3.6", 1, true},
      {"1.3.6", "1.3.6.1", -1, false},
      {"1.3.10", "1.3.9", 1, false}, /* numeric, not text order */
      {"1.3.61", "1.3.6", 1, false}, /* 61 is not under 6 */
      {"1.3.6.1.2.1.43.11.1.1.9.1.1", "1.3.6.1.2.1.43.11.1.1.9", 1, true},
      {"1.3.6.1.2.1.43.11.1.1.8.1.1", "1.3.6.1.2.1.43.11.1.1.9", -1, false},
      {"2", "1.3.6.1", 1, false},
      {"1.3.4294967295", "1.3.4294967294", 1, false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct pp_oid a = oid(cases[i].a), b = oid(cases[i].b);
    int cmp = pp_oid_compare(&a, &b);
    int sign = (cmp > 0) - (cmp < 0);
    if (sign != cases[i].cmp)
      fail_msg("compare(%s, %s) = %d, want sign %d", cases[i].a, cases[i].b,
               cmp, cases[i].cmp);
    int back = pp_oid_compare(&b, &a);
    assert_int_equal((back > 0) - (back < 0), -cases[i].cmp);
    if (pp_oid_has_prefix(&a, &b) != cases[i].a_has_prefix_b)
      fail_msg("has_prefix(%s, %s) wrong", cases[i].a, cases[i].b);
  }
}

static void test_oid_append_bounds(void **state) {
  (void)state;
  struct pp_oid o = oid("1.3.6");
  static const uint32_t idx[] = {1, 2};
  assert_true(pp_oid_append(&o, idx, 2));
  check_oid_text(&o, "1.3.6.1.2");
  uint32_t many[PP_OID_MAX] = {0};
  assert_false(pp_oid_append(&o, many, PP_OID_MAX - 4));
  assert_int_equal(o.len, 5); /* unchanged */
  assert_true(pp_oid_append(&o, many, PP_OID_MAX - 5));
  assert_int_equal(o.len, PP_OID_MAX);
  assert_false(pp_oid_append(&o, many, 1));
}

/* ---- Varset ------------------------------------------------------------ */

static void test_varset_duplicates_kept_once(void **state) {
  (void)state;
  struct pp_varset set;
  pp_varset_init(&set);
  struct pp_oid a = oid("1.3.6.1.2.1.1.5.0"), b = oid("1.3.6.1.2.1.1.1.0");
  assert_int_equal(pp_varset_add_bytes(&set, &a, PP_V_OCTETS, "one", 3), 0);
  assert_int_equal(pp_varset_add_int(&set, &b, PP_V_INT, 7), 0);
  assert_int_equal(pp_varset_add_bytes(&set, &a, PP_V_OCTETS, "two", 3), 0);
  assert_int_equal(pp_varset_add_bytes(&set, &a, PP_V_OCTETS, "three", 5), 0);
  pp_varset_sort(&set);
  assert_int_equal(set.count, 2);
  const struct pp_value *v = pp_varset_get(&set, &a);
  assert_non_null(v);
  assert_int_equal(v->type, PP_V_OCTETS);
  assert_true(strcmp((const char *)v->bytes, "one") == 0 ||
              strcmp((const char *)v->bytes, "two") == 0 ||
              strcmp((const char *)v->bytes, "three") == 0);
  assert_int_equal(v->bytes[v->len], '\0');
  v = pp_varset_gets(&set, "1.3.6.1.2.1.1.1.0");
  assert_non_null(v);
  assert_int_equal(v->num, 7);
  assert_null(pp_varset_gets(&set, "1.3.6.1.2.1.1.3.0"));
  assert_null(pp_varset_gets(&set, "not an oid"));
  pp_varset_free(&set);
  assert_int_equal(set.count, 0);
  assert_null(set.values);
  pp_varset_free(&set); /* twice is fine */
}

static void test_varset_next_under_iterates_in_oid_order(void **state) {
  (void)state;
  struct pp_varset set;
  pp_varset_init(&set);
  static const char *const names[] = {
      "1.3.6.1.2.1.2.2.1.7.1",  "1.3.6.1.2.1.2.2.1.6.10",
      "1.3.6.1.2.1.1.1.0",      "1.3.6.1.2.1.2.2.1.6.2",
      "1.3.6.1.2.1.2.2.1.6.1",  "1.3.6.1.2.1.2.2.1.60.1",
      "1.3.6.1.2.1.2.2.1.5.99",
  };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    struct pp_oid n = oid(names[i]);
    assert_int_equal(pp_varset_add_int(&set, &n, PP_V_INT, (int64_t)i), 0);
  }
  struct pp_oid col = oid("1.3.6.1.2.1.2.2.1.6");
  static const uint32_t want[] = {1, 2, 10};
  size_t cursor = 0, got = 0;
  const struct pp_value *v;
  while ((v = pp_varset_next_under(&set, &col, &cursor)) != NULL) {
    assert_true(got < 3);
    assert_int_equal(v->name.len, col.len + 1);
    assert_int_equal(v->name.sub[col.len], want[got]);
    got++;
  }
  assert_int_equal(got, 3);
  /* nothing under a prefix past the end or with no rows */
  struct pp_oid none = oid("1.3.6.1.2.1.2.2.1.8");
  cursor = 0;
  assert_null(pp_varset_next_under(&set, &none, &cursor));
  struct pp_oid end = oid("1.3.6.1.4");
  cursor = 0;
  assert_null(pp_varset_next_under(&set, &end, &cursor));
  /* the whole tree */
  struct pp_oid root = oid("1.3");
  cursor = 0;
  got = 0;
  while (pp_varset_next_under(&set, &root, &cursor) != NULL)
    got++;
  assert_int_equal(got, sizeof names / sizeof *names);
  pp_varset_free(&set);
}

static void test_varset_get_at(void **state) {
  (void)state;
  struct pp_varset set;
  size_t bad = 0;
  pp_varset_init(&set);
  assert_int_equal(pp_varset_load_snmprec(&set,
                                          "1.3.6.1.2.1.43.11.1.1.9.1.1|2|70\n"
                                          "1.3.6.1.2.1.43.11.1.1.9.1.2|2|-3\n"
                                          "1.3.6.1.2.1.43.11.1.1.9.2.1|2|5\n",
                                          &bad),
                   0);
  struct pp_oid col = oid("1.3.6.1.2.1.43.11.1.1.9");
  static const struct {
    uint32_t idx[2];
    int64_t value; /* INT64_MIN: absent */
  } cases[] = {
      {{1, 1}, 70},        {{1, 2}, -3},        {{2, 1}, 5},
      {{1, 3}, INT64_MIN}, {{3, 1}, INT64_MIN},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const struct pp_value *v = pp_varset_get_at(&set, &col, cases[i].idx, 2);
    if (cases[i].value == INT64_MIN) {
      assert_null(v);
      continue;
    }
    assert_non_null(v);
    assert_int_equal(v->type, PP_V_INT);
    assert_int_equal(v->num, cases[i].value);
  }
  /* an index that does not fit is no value, not an overflow */
  uint32_t many[PP_OID_MAX] = {1};
  assert_null(pp_varset_get_at(&set, &col, many, PP_OID_MAX));
  pp_varset_free(&set);
}

static void test_value_int(void **state) {
  (void)state;
  struct pp_varset set;
  size_t bad = 0;
  pp_varset_init(&set);
  assert_int_equal(pp_varset_load_snmprec(&set,
                                          "1.1|2|-42\n"
                                          "1.2|65|4294967295\n"
                                          "1.3|4|123456\n"
                                          "1.4|4|123456 \n"
                                          "1.5|4|12a\n"
                                          "1.6|4|\n"
                                          "1.7|6|1.3.6\n"
                                          "1.8|70|9223372036854775807\n"
                                          "1.9|4|abc\n",
                                          &bad),
                   0);
  static const struct {
    const char *name;
    bool ok;
    int64_t value;
  } cases[] = {
      {"1.1", true, -42},    {"1.2", true, 4294967295LL}, {"1.3", true, 123456},
      {"1.4", true, 123456}, {"1.5", false, 0},           {"1.6", false, 0},
      {"1.7", false, 0},     {"1.8", true, INT64_MAX},    {"1.9", false, 0},
      {"1.10", false, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    int64_t n = -999;
    bool ok = pp_value_int(pp_varset_gets(&set, cases[i].name), &n);
    if (ok != cases[i].ok || (ok && n != cases[i].value))
      fail_msg("%s: ok %d value %lld, want ok %d value %lld", cases[i].name, ok,
               (long long)n, cases[i].ok, (long long)cases[i].value);
  }
  pp_varset_free(&set);
}

/* ---- snmprec ----------------------------------------------------------- */

/* One line of every tag snmprec files use here (13 lines)... */
#define SNMPREC_EVERY_TAG                                                      \
  "# a comment\n"                                                              \
  "\n"                                                                         \
  "1.3.6.1.2.1.1.1.0|4|HP LaserJet|pipe\r\n"                                   \
  ".1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.11.2\n"                                    \
  "1.3.6.1.2.1.1.3.0|67|8640000\n"                                             \
  "1.3.6.1.2.1.1.4.0|4x|00ff4142\n"                                            \
  "1.3.6.1.2.1.1.6.0|4|\n"                                                     \
  "1.3.6.1.2.1.1.7.0|2|-2147483648\n"                                          \
  "1.3.6.1.2.1.1.8.0|65|4294967295\n"                                          \
  "1.3.6.1.2.1.1.9.0|66|17\n"                                                  \
  "1.3.6.1.2.1.1.10.0|70|18446744073\n"                                        \
  "1.3.6.1.2.1.1.11.0|64|192.0.2.7\n"                                          \
  "1.3.6.1.2.1.1.12.0|5|"
/* ...and a 14th with a tag that does not exist. */
#define SNMPREC_BAD_TAG "\n1.3.6.1.2.1.1.13.0|4X|4142"

static void test_snmprec_loader_types(void **state) {
  (void)state;
  struct pp_varset set;
  size_t bad = 0;
  pp_varset_init(&set);
  int rc =
      pp_varset_load_snmprec(&set, SNMPREC_EVERY_TAG SNMPREC_BAD_TAG, &bad);
  /* "4X" is not a tag: upper case is refused, on the last line */
  assert_int_equal(rc, -EINVAL);
  assert_int_equal(bad, 14);
  pp_varset_free(&set);

  pp_varset_init(&set);
  rc = pp_varset_load_snmprec(&set, SNMPREC_EVERY_TAG, &bad);
  assert_int_equal(rc, 0);
  assert_int_equal(set.count, 11);
  const struct pp_value *v = pp_varset_gets(&set, "1.3.6.1.2.1.1.1.0");
  assert_non_null(v);
  assert_int_equal(v->type, PP_V_OCTETS);
  assert_int_equal(v->len, strlen("HP LaserJet|pipe"));
  assert_string_equal((const char *)v->bytes, "HP LaserJet|pipe");
  v = pp_varset_gets(&set, "1.3.6.1.2.1.1.2.0");
  assert_int_equal(v->type, PP_V_OID);
  check_oid_text(&v->oid, "1.3.6.1.4.1.11.2");
  v = pp_varset_gets(&set, "1.3.6.1.2.1.1.3.0");
  assert_int_equal(v->type, PP_V_UNSIGNED);
  assert_int_equal(v->num, 8640000);
  v = pp_varset_gets(&set, "1.3.6.1.2.1.1.4.0");
  assert_int_equal(v->type, PP_V_OCTETS);
  assert_int_equal(v->len, 4);
  assert_memory_equal(v->bytes, "\x00\xff\x41\x42", 4);
  v = pp_varset_gets(&set, "1.3.6.1.2.1.1.6.0");
  assert_int_equal(v->len, 0);
  assert_non_null(v->bytes);
  v = pp_varset_gets(&set, "1.3.6.1.2.1.1.7.0");
  assert_int_equal(v->type, PP_V_INT);
  assert_int_equal(v->num, -2147483648LL);
  assert_int_equal(pp_varset_gets(&set, "1.3.6.1.2.1.1.8.0")->num,
                   4294967295LL);
  assert_int_equal(pp_varset_gets(&set, "1.3.6.1.2.1.1.9.0")->type,
                   PP_V_UNSIGNED);
  assert_int_equal(pp_varset_gets(&set, "1.3.6.1.2.1.1.10.0")->num,
                   18446744073LL);
  v = pp_varset_gets(&set, "1.3.6.1.2.1.1.11.0");
  assert_int_equal(v->type, PP_V_IPADDR);
  assert_memory_equal(v->bytes, "\xc0\x00\x02\x07", 4);
  assert_int_equal(pp_varset_gets(&set, "1.3.6.1.2.1.1.12.0")->type, PP_V_NULL);
  /* sorted after loading */
  for (size_t i = 1; i < set.count; i++)
    assert_true(pp_oid_compare(&set.values[i - 1].name, &set.values[i].name) <
                0);
  pp_varset_free(&set);
}

static void test_snmprec_loader_errors_name_the_line(void **state) {
  (void)state;
  static const struct {
    const char *text;
    size_t line;
  } cases[] = {
      {"1.3.6|2|1\n1.3.7|99|1\n", 2},         /* unknown tag */
      {"1.3.6|2|1\n\n# c\n1.3.x|2|1\n", 4},   /* bad OID */
      {"1.3.6 2 1\n", 1},                     /* no bars */
      {"1.3.6|2\n", 1},                       /* one bar */
      {"1.3.6|2|12x\n", 1},                   /* not a number */
      {"1.3.6|2|\n", 1},                      /* empty number */
      {"1.3.6|2|99999999999999999999\n", 1},  /* out of range */
      {"1.3.6|65|-1\n", 1},                   /* negative unsigned */
      {"1.3.6|70|18446744073709551616\n", 1}, /* >= 2^64 */
      {"1.3.6|4x|abc\n", 1},                  /* odd hex */
      {"1.3.6|4x|zz\n", 1},                   /* not hex */
      {"1.3.6|6|1..3\n", 1},                  /* bad OID value */
      {"1.3.6|64|192.0.2.256\n", 1},          /* bad IpAddress */
      {"1.3.6|64|192.0.2\n", 1},              /* short IpAddress */
      {"1.3.6||1\n", 1},                      /* empty tag */
      {"|4|x\n", 1},                          /* empty OID */
      {"1.3.6|4|ok\r\n1.3.7|4|ok\r\n1.3.8|2|x\r\n", 3},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct pp_varset set;
    size_t bad = 0;
    pp_varset_init(&set);
    int rc = pp_varset_load_snmprec(&set, cases[i].text, &bad);
    if (rc != -EINVAL || bad != cases[i].line)
      fail_msg("case %zu: rc %d line %zu, want -EINVAL line %zu", i, rc, bad,
               cases[i].line);
    pp_varset_free(&set);
  }
  /* bad_line may be NULL */
  struct pp_varset set;
  pp_varset_init(&set);
  assert_int_equal(pp_varset_load_snmprec(&set, "x|2|1\n", NULL), -EINVAL);
  pp_varset_free(&set);
}

/* ---- pp_buf ------------------------------------------------------------ */

static void test_buf_cap(void **state) {
  (void)state;
  struct pp_buf buf;
  pp_buf_init(&buf, 10);
  assert_int_equal(pp_buf_add(&buf, "0123456789", 10), 0);
  assert_int_equal(buf.len, 10);
  assert_string_equal(buf.data, "0123456789");
  assert_int_equal(pp_buf_add(&buf, "x", 1), -E2BIG);
  assert_null(buf.data);
  assert_int_equal(buf.len, 0);
  /* one call over the cap at once */
  pp_buf_init(&buf, 10);
  assert_int_equal(pp_buf_addstr(&buf, "01234"), 0);
  assert_int_equal(pp_buf_addstr(&buf, "567890"), -E2BIG);
  assert_null(buf.data);
  /* a huge n does not wrap around */
  pp_buf_init(&buf, 10);
  assert_int_equal(pp_buf_addstr(&buf, "ab"), 0);
  assert_int_equal(pp_buf_add(&buf, "", SIZE_MAX), -E2BIG);
  assert_null(buf.data);
  /* growth past the first allocation keeps the content */
  pp_buf_init(&buf, 100000);
  for (int i = 0; i < 1000; i++)
    assert_int_equal(pp_buf_addstr(&buf, "0123456789"), 0);
  assert_int_equal(buf.len, 10000);
  assert_int_equal(strlen(buf.data), 10000);
  assert_memory_equal(buf.data + 9990, "0123456789", 10);
  pp_buf_free(&buf);
}

static void test_buf_printf(void **state) {
  (void)state;
  struct pp_buf buf;
  pp_buf_init(&buf, 16);
  assert_int_equal(pp_buf_printf(&buf, "%d-%s", 42, "ab"), 0);
  assert_int_equal(pp_buf_printf(&buf, "%05d", 7), 0);
  assert_string_equal(buf.data, "42-ab00007");
  assert_int_equal(buf.len, 10);
  assert_int_equal(pp_buf_printf(&buf, "%s", "123456"), 0); /* exactly 16 */
  assert_int_equal(buf.len, 16);
  assert_int_equal(pp_buf_printf(&buf, "%s", ""), 0);
  assert_int_equal(pp_buf_printf(&buf, "%c", 'x'), -E2BIG);
  assert_null(buf.data);
  pp_buf_free(&buf);
}

static void test_buf_take_reset_free(void **state) {
  (void)state;
  struct pp_buf buf;
  pp_buf_init(&buf, 64);
  char *s = pp_buf_take(&buf); /* nothing added: an empty string */
  assert_non_null(s);
  assert_string_equal(s, "");
  free(s);
  assert_int_equal(pp_buf_addstr(&buf, "hello"), 0);
  s = pp_buf_take(&buf);
  assert_string_equal(s, "hello");
  assert_null(buf.data);
  assert_int_equal(buf.len, 0);
  assert_int_equal(buf.cap, 0);
  free(s);
  /* usable again after take */
  assert_int_equal(pp_buf_addstr(&buf, "again"), 0);
  assert_string_equal(buf.data, "again");
  /* reset keeps memory, empties the text */
  char *mem = buf.data;
  pp_buf_reset(&buf);
  assert_int_equal(buf.len, 0);
  assert_ptr_equal(buf.data, mem);
  assert_string_equal(buf.data, "");
  assert_int_equal(pp_buf_addstr(&buf, "x"), 0);
  assert_string_equal(buf.data, "x");
  pp_buf_free(&buf);
  assert_null(buf.data);
  pp_buf_free(&buf);  /* twice */
  pp_buf_reset(&buf); /* on a freed buffer */
  assert_null(buf.data);
  assert_int_equal(buf.len, 0);
}

/* ---- Temporary files --------------------------------------------------- */

static void write_temp(char *path, size_t pathlen, const char *text,
                       size_t len) {
  const char *dir = getenv("TMPDIR");
  snprintf(path, pathlen, "%s/pp_misc_XXXXXX",
           dir != NULL && *dir != '\0' ? dir : "/tmp");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, len), (ssize_t)len);
  assert_int_equal(close(fd), 0);
}

/* ---- SNMP options ------------------------------------------------------ */

static void check_opts_equal(const char *what, const struct pp_snmp_opts *a,
                             const struct pp_snmp_opts *b) {
  if (a->version != b->version || a->port != b->port ||
      a->timeout_ms != b->timeout_ms || a->retries != b->retries ||
      a->auth_proto != b->auth_proto || a->priv_proto != b->priv_proto ||
      strcmp(a->community, b->community) != 0 ||
      strcmp(a->username, b->username) != 0 ||
      strcmp(a->auth_pass, b->auth_pass) != 0 ||
      strcmp(a->priv_pass, b->priv_pass) != 0 ||
      strcmp(a->context, b->context) != 0)
    fail_msg("%s: options differ from the expected ones", what);
}

enum field {
  F_VERSION,
  F_COMMUNITY,
  F_PORT,
  F_TIMEOUT,
  F_RETRIES,
  F_USER,
  F_AUTH_PROTO,
  F_AUTH_PASS,
  F_PRIV_PROTO,
  F_PRIV_PASS,
  F_CONTEXT,
};

struct opt_case {
  const char *cli, *conf;
  const char *value; /* "@" + text: a file holding text */
  enum field field;
  unsigned num;     /* the number expected */
  const char *text; /* the text expected */
};

static void apply_expected(struct pp_snmp_opts *o, const struct opt_case *c) {
  switch (c->field) {
  case F_VERSION:
    o->version = (enum pp_snmp_version)c->num;
    break;
  case F_COMMUNITY:
    strcpy(o->community, c->text);
    break;
  case F_PORT:
    o->port = c->num;
    break;
  case F_TIMEOUT:
    o->timeout_ms = c->num;
    break;
  case F_RETRIES:
    o->retries = c->num;
    break;
  case F_USER:
    strcpy(o->username, c->text);
    break;
  case F_AUTH_PROTO:
    o->auth_proto = (enum pp_auth_proto)c->num;
    break;
  case F_AUTH_PASS:
    strcpy(o->auth_pass, c->text);
    break;
  case F_PRIV_PROTO:
    o->priv_proto = (enum pp_priv_proto)c->num;
    break;
  case F_PRIV_PASS:
    strcpy(o->priv_pass, c->text);
    break;
  case F_CONTEXT:
    strcpy(o->context, c->text);
    break;
  }
}

static void test_opts_every_key_in_both_spellings(void **state) {
  (void)state;
  static const struct opt_case cases[] = {
      {"version", "Version", "1", F_VERSION, PP_SNMP_V1, NULL},
      {"version", "Version", "2c", F_VERSION, PP_SNMP_V2C, NULL},
      {"version", "Version", "2", F_VERSION, PP_SNMP_V2C, NULL},
      {"version", "Version", "3", F_VERSION, PP_SNMP_V3, NULL},
      {"community", "Community", "s3cr3t-comm", F_COMMUNITY, 0, "s3cr3t-comm"},
      {"community-file", "CommunityFile", "@file-community\n", F_COMMUNITY, 0,
       "file-community"},
      {"port", "Port", "1161", F_PORT, 1161, NULL},
      {"port", "Port", "65535", F_PORT, 65535, NULL},
      {"timeout", "Timeout", "2.5", F_TIMEOUT, 2500, NULL},
      {"timeout", "Timeout", "0.001", F_TIMEOUT, 1, NULL},
      {"timeout", "Timeout", "60", F_TIMEOUT, 60000, NULL},
      {"retries", "Retries", "0", F_RETRIES, 0, NULL},
      {"retries", "Retries", "10", F_RETRIES, 10, NULL},
      {"user", "Username", "monitor", F_USER, 0, "monitor"},
      {"auth-proto", "AuthProtocol", "MD5", F_AUTH_PROTO, PP_AUTH_MD5, NULL},
      {"auth-proto", "AuthProtocol", "sha", F_AUTH_PROTO, PP_AUTH_SHA, NULL},
      {"auth-proto", "AuthProtocol", "SHA-256", F_AUTH_PROTO, PP_AUTH_SHA256,
       NULL},
      {"auth-proto", "AuthProtocol", "SHA-512", F_AUTH_PROTO, PP_AUTH_SHA512,
       NULL},
      {"auth-pass-file", "AuthPassphraseFile", "@auth pass phrase\r\n",
       F_AUTH_PASS, 0, "auth pass phrase"},
      {"priv-proto", "PrivacyProtocol", "DES", F_PRIV_PROTO, PP_PRIV_DES, NULL},
      {"priv-proto", "PrivacyProtocol", "aes", F_PRIV_PROTO, PP_PRIV_AES, NULL},
      {"priv-proto", "PrivacyProtocol", "AES-256", F_PRIV_PROTO, PP_PRIV_AES256,
       NULL},
      {"priv-pass-file", "PrivacyPassphraseFile", "@priv-pass-phrase",
       F_PRIV_PASS, 0, "priv-pass-phrase"},
      {"context", "Context", "Jetdirect", F_CONTEXT, 0, "Jetdirect"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const struct opt_case *c = &cases[i];
    char path[256] = "";
    const char *value = c->value;
    if (value[0] == '@') {
      write_temp(path, sizeof path, value + 1, strlen(value + 1));
      value = path;
    }
    const char *keys[] = {c->cli, c->conf};
    for (size_t k = 0; k < 2; k++) {
      struct pp_snmp_opts got, want;
      char err[ERR_LEN] = "";
      pp_snmp_opts_default(&got);
      pp_snmp_opts_default(&want);
      apply_expected(&want, c);
      int rc = pp_snmp_opts_set(&got, keys[k], value, err, sizeof err);
      if (rc != 0)
        fail_msg("%s=%s: rc %d (%s)", keys[k], c->value, rc, err);
      char what[128];
      snprintf(what, sizeof what, "%s=%s", keys[k], c->value);
      check_opts_equal(what, &got, &want);
    }
    if (path[0] != '\0')
      unlink(path);
  }
  /* keys are case-insensitive */
  struct pp_snmp_opts o;
  char err[ERR_LEN];
  pp_snmp_opts_default(&o);
  assert_int_equal(pp_snmp_opts_set(&o, "PORT", "162", err, sizeof err), 0);
  assert_int_equal(o.port, 162);
  assert_int_equal(pp_snmp_opts_set(&o, "authprotocol", "SHA", err, sizeof err),
                   0);
  assert_int_equal(o.auth_proto, PP_AUTH_SHA);
  /* unknown keys */
  assert_int_equal(pp_snmp_opts_set(&o, "communityfile2", "x", err, sizeof err),
                   -ENOENT);
  assert_int_equal(pp_snmp_opts_set(&o, "", "x", err, sizeof err), -ENOENT);
  assert_int_equal(pp_snmp_opts_set(&o, "password", "x", err, sizeof err),
                   -ENOENT);
}

static void test_opts_bad_values_named_in_message(void **state) {
  (void)state;
  static char long_user[200];
  memset(long_user, 'u', sizeof long_user - 1);
  const struct {
    const char *key, *value;
  } cases[] = {
      {"version", "4"},
      {"Version", "2d"},
      {"version", ""},
      {"port", "0"},
      {"Port", "65536"},
      {"port", "abc"},
      {"port", "-1"},
      {"port", "161x"},
      {"timeout", "0"},
      {"Timeout", "61"},
      {"timeout", "fast"},
      {"timeout", "nan"},
      {"timeout", "inf"},
      {"timeout", "-1"},
      {"retries", "11"},
      {"Retries", "-1"},
      {"auth-proto", "SHA-384"},
      {"AuthProtocol", "none"},
      {"priv-proto", "AES-192"},
      {"PrivacyProtocol", "3DES"},
      {"user", ""},
      {"Username", long_user},
      {"context", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct pp_snmp_opts o, before;
    char err[ERR_LEN] = "";
    pp_snmp_opts_default(&o);
    pp_snmp_opts_default(&before);
    int rc =
        pp_snmp_opts_set(&o, cases[i].key, cases[i].value, err, sizeof err);
    if (rc != -EINVAL)
      fail_msg("%s=\"%s\": rc %d, want -EINVAL", cases[i].key, cases[i].value,
               rc);
    if (strstr(err, cases[i].key) == NULL)
      fail_msg("%s=\"%s\": message \"%s\" lacks the key", cases[i].key,
               cases[i].value, err);
    char quoted[256];
    snprintf(quoted, sizeof quoted, "\"%s\"", cases[i].value);
    if (strstr(err, quoted) == NULL)
      fail_msg("%s=\"%s\": message \"%s\" lacks the value", cases[i].key,
               cases[i].value, err);
    check_opts_equal(cases[i].key, &o, &before);
  }
}

static void test_opts_secret_never_in_message(void **state) {
  (void)state;
  char err[ERR_LEN];
  struct pp_snmp_opts o;
  static char secret[400];
  memset(secret, 'S', sizeof secret - 1);
  memcpy(secret, "TOPSECRET", 9);

  /* a community too long for the option */
  pp_snmp_opts_default(&o);
  err[0] = '\0';
  assert_int_equal(pp_snmp_opts_set(&o, "community", secret, err, sizeof err),
                   -EINVAL);
  assert_non_null(strstr(err, "community"));
  assert_null(strstr(err, "TOPSECRET"));
  assert_null(strstr(err, "SSSS"));
  assert_string_equal(o.community, "public");
  err[0] = '\0';
  assert_int_equal(pp_snmp_opts_set(&o, "Community", "", err, sizeof err),
                   -EINVAL);
  assert_non_null(strstr(err, "Community"));

  /* secret files whose secret does not fit: the message names the file */
  static const char *const file_keys[] = {
      "community-file",     "CommunityFile",  "auth-pass-file",
      "AuthPassphraseFile", "priv-pass-file", "PrivacyPassphraseFile"};
  char path[256];
  char content[512];
  snprintf(content, sizeof content, "%s\n", secret);
  write_temp(path, sizeof path, content, strlen(content));
  for (size_t i = 0; i < sizeof file_keys / sizeof *file_keys; i++) {
    pp_snmp_opts_default(&o);
    err[0] = '\0';
    int rc = pp_snmp_opts_set(&o, file_keys[i], path, err, sizeof err);
    if (rc != -EINVAL)
      fail_msg("%s: rc %d for a too long secret", file_keys[i], rc);
    if (strstr(err, path) == NULL || strstr(err, "TOPSECRET") != NULL ||
        strstr(err, "SSSS") != NULL)
      fail_msg("%s: message \"%s\"", file_keys[i], err);
  }
  unlink(path);

  /* secrets from the environment */
  setenv("PRINTPROBE_COMMUNITY", secret, 1);
  pp_snmp_opts_default(&o);
  err[0] = '\0';
  assert_int_equal(pp_snmp_opts_from_env(&o, err, sizeof err), -EINVAL);
  assert_non_null(strstr(err, "PRINTPROBE_COMMUNITY"));
  assert_null(strstr(err, "TOPSECRET"));
  assert_null(strstr(err, "SSSS"));
  unsetenv("PRINTPROBE_COMMUNITY");
}

static void test_opts_from_env(void **state) {
  (void)state;
  struct pp_snmp_opts o;
  char err[ERR_LEN] = "";
  unsetenv("PRINTPROBE_COMMUNITY");
  unsetenv("PRINTPROBE_AUTH_PASS");
  unsetenv("PRINTPROBE_PRIV_PASS");
  pp_snmp_opts_default(&o);
  assert_int_equal(pp_snmp_opts_from_env(&o, err, sizeof err), 0);
  assert_string_equal(o.community, "public");
  /* Empty is unset: Icinga 2 passes "" for a var a host lacks. */
  setenv("PRINTPROBE_COMMUNITY", "", 1);
  assert_int_equal(pp_snmp_opts_from_env(&o, err, sizeof err), 0);
  assert_string_equal(o.community, "public");
  setenv("PRINTPROBE_COMMUNITY", "env-community", 1);
  setenv("PRINTPROBE_AUTH_PASS", "env-auth-pass", 1);
  setenv("PRINTPROBE_PRIV_PASS", "env-priv-pass", 1);
  assert_int_equal(pp_snmp_opts_from_env(&o, err, sizeof err), 0);
  assert_string_equal(o.community, "env-community");
  assert_string_equal(o.auth_pass, "env-auth-pass");
  assert_string_equal(o.priv_pass, "env-priv-pass");
  unsetenv("PRINTPROBE_COMMUNITY");
  unsetenv("PRINTPROBE_AUTH_PASS");
  unsetenv("PRINTPROBE_PRIV_PASS");
}

/* ---- Secrets ----------------------------------------------------------- */

struct secret_case {
  const char *content;
  size_t outlen;
  int rc;
  const char *want; /* on success */
  const char *msg;  /* on failure: a part of the message */
};

static void test_secret_from_file(void **state) {
  (void)state;
  static const struct secret_case cases[] = {
      {"first\nsecond\n", 64, 0, "first", NULL},
      {"crlf-secret\r\nnext\r\n", 64, 0, "crlf-secret", NULL},
      {"no-newline", 64, 0, "no-newline", NULL},
      {"  spaces kept  \n", 64, 0, "  spaces kept  ", NULL},
      {"exactly7\n", 9, 0, "exactly7", NULL},
      {"", 64, -EINVAL, NULL, "empty"},
      {"\nsecond\n", 64, -EINVAL, NULL, "empty"},
      {"\r\n", 64, -EINVAL, NULL, "empty"},
      {"exactly9!\n", 9, -EINVAL, NULL, "too long"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const struct secret_case *c = &cases[i];
    char path[256], out[128], err[ERR_LEN] = "";
    memset(out, 'X', sizeof out);
    write_temp(path, sizeof path, c->content, strlen(c->content));
    int rc = pp_secret_from_file(path, out, c->outlen, err, sizeof err);
    unlink(path);
    if (rc != c->rc)
      fail_msg("case %zu: rc %d, want %d (%s)", i, rc, c->rc, err);
    if (rc == 0) {
      assert_string_equal(out, c->want);
      continue;
    }
    if (strstr(err, path) == NULL || strstr(err, c->msg) == NULL)
      fail_msg("case %zu: message \"%s\" lacks the path or \"%s\"", i, err,
               c->msg);
  }
}

static void test_secret_file_missing_names_path(void **state) {
  (void)state;
  char out[64], err[ERR_LEN] = "";
  const char *path = "/nonexistent-dir-pp/secret.txt";
  assert_int_equal(pp_secret_from_file(path, out, sizeof out, err, sizeof err),
                   -ENOENT);
  assert_non_null(strstr(err, path));
  assert_non_null(strstr(err, strerror(ENOENT)));
}

/* A secret longer than any internal line buffer must come back whole or be
 * refused, never silently cut. */
static void test_secret_file_long_line_never_truncated(void **state) {
  (void)state;
  static char content[3000], out[4096];
  char path[256], err[ERR_LEN] = "";
  memset(content, 'k', 2000);
  content[2000] = '\n';
  content[2001] = '\0';
  write_temp(path, sizeof path, content, strlen(content));
  int rc = pp_secret_from_file(path, out, sizeof out, err, sizeof err);
  unlink(path);
  if (rc == 0 && strlen(out) != 2000)
    fail_msg("a 2000-character secret came back as %zu characters",
             strlen(out));
  if (rc != 0 && rc != -EINVAL)
    fail_msg("rc %d", rc);
}

static void test_secret_from_env(void **state) {
  (void)state;
  char out[16], err[ERR_LEN] = "";
  unsetenv("PP_TEST_SECRET");
  assert_int_equal(
      pp_secret_from_env("PP_TEST_SECRET", out, sizeof out, err, sizeof err),
      -ENOENT);
  setenv("PP_TEST_SECRET", "hunter2", 1);
  assert_int_equal(
      pp_secret_from_env("PP_TEST_SECRET", out, sizeof out, err, sizeof err),
      0);
  assert_string_equal(out, "hunter2");
  /* Empty is unset (Icinga 2 sets "" for a var a host lacks). */
  setenv("PP_TEST_SECRET", "", 1);
  assert_int_equal(
      pp_secret_from_env("PP_TEST_SECRET", out, sizeof out, err, sizeof err),
      -ENOENT);
  setenv("PP_TEST_SECRET", "0123456789abcdef", 1); /* 16: does not fit */
  err[0] = '\0';
  assert_int_equal(
      pp_secret_from_env("PP_TEST_SECRET", out, sizeof out, err, sizeof err),
      -EINVAL);
  assert_non_null(strstr(err, "PP_TEST_SECRET"));
  assert_null(strstr(err, "0123456789"));
  unsetenv("PP_TEST_SECRET");
}

/* ---- Profiles ---------------------------------------------------------- */

static void test_profile_select_from_table(void **state) {
  (void)state;
  static const struct {
    uint32_t enterprise;
    const char *sys_descr;
    const char *want;
  } cases[] = {
      {1248, "EPSON Built-in 11b/g/n Print Server", "epson"},
      {1248, NULL, "epson"},
      {1248, "something else", "epson"},
      /* OEM: a print server's number no profile has */
      {26696, "EPSON WF-C5790 Series", "epson"},
      {0, "epson et-2850", "epson"},
      /* every maker of docs/vendors.md has its row, above generic */
      {11, "HP ETHERNET MULTI-ENVIRONMENT", "hp"},
      {2435, "Brother NC-8300w", "brother"},
      {2385, "SHARP MX-3570N", "sharp"},
      {18334, "KONICA MINOLTA bizhub C250i", "konica"},
      {0, "Develop ineo+ 280", "konica"},
      {1347, "TA_UTAX Printing System", "kyocera"},
      {367, "Gestetner Network Printer", "ricoh"},
      {1602, "Canon iR-ADV C5535 /P", "canon"},
      {253, "Xerox AltaLink C8045", "xerox"},
      {297, "FUJIFILM Apeos C7580", "xerox"},
      {641, "Lexmark MS821", "lexmark"},
      {1129, "TOSHIBA e-STUDIO2515AC", "toshiba"},
      {236, "Samsung M4080FX", "samsung"},
      {2001, "OKI OkiLAN 9450g", "oki"},
      {674, "Dell S5830dn", "dell"},
      {10642, "ZebraNet", "zebra"},
      {683, "", "zebra"},
      {9999, "ZebraNet PrintServer", "zebra"},
      {0, NULL, "generic"},
      {0, "", "generic"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const struct pp_profile *p =
        pp_profile_select(pp_profiles, cases[i].enterprise, cases[i].sys_descr);
    assert_non_null(p);
    if (strcmp(p->name, cases[i].want) != 0)
      fail_msg("%u \"%s\": profile %s, want %s", cases[i].enterprise,
               cases[i].sys_descr ? cases[i].sys_descr : "(null)", p->name,
               cases[i].want);
  }
  assert_ptr_equal(pp_profile_select(pp_profiles, 0, NULL),
                   &pp_profile_generic);
  assert_ptr_equal(pp_profile_select(pp_profiles, 1248, NULL),
                   &pp_profile_epson);
}

static void test_profile_select_rules(void **state) {
  (void)state;
  static const char *const jd[] = {"jetdirect", NULL};
  static const char *const bro[] = {"brother", NULL};
  const struct pp_profile by_descr = {.name = "by-descr", .descr_match = jd};
  const struct pp_profile by_number = {
      .name = "by-number", .enterprise = 11, .descr_match = bro};
  const struct pp_profile generic = {.name = "fallback"};
  /* an enterprise match beats an earlier row's sysDescr match */
  const struct pp_profile *const table[] = {&by_descr, &by_number, &generic,
                                            NULL};
  assert_ptr_equal(pp_profile_select(table, 11, "HP JetDirect"), &by_number);
  assert_ptr_equal(pp_profile_select(table, 2435, "HP JETDIRECT J7949E"),
                   &by_descr);
  assert_ptr_equal(pp_profile_select(table, 0, "Brother HL"), &by_number);
  assert_ptr_equal(pp_profile_select(table, 0, "Lexmark"), &generic);
  /* enterprise 0 of a device matches no row's number */
  const struct pp_profile zero = {.name = "zero", .descr_match = bro};
  const struct pp_profile *const table2[] = {&zero, &generic, NULL};
  assert_ptr_equal(pp_profile_select(table2, 0, "Kyocera"), &generic);
  /* no generic row: nothing */
  const struct pp_profile *const table3[] = {&by_descr, NULL};
  assert_null(pp_profile_select(table3, 641, "Lexmark"));
}

static void test_maker_of_enterprise(void **state) {
  (void)state;
  /* the list in docs/printer-mib.md, system group */
  static const struct {
    uint32_t enterprise;
    const char *maker;
  } cases[] = {
      {1248, "Epson"},           {11, "HP"},     {2435, "Brother"},
      {1602, "Canon"},           {367, "Ricoh"}, {1347, "Kyocera"},
      {641, "Lexmark"},          {253, "Xerox"}, {2001, "OKI"},
      {18334, "Konica Minolta"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *m = pp_maker_of_enterprise(cases[i].enterprise);
    assert_non_null(m);
    assert_string_equal(m, cases[i].maker);
  }
  assert_null(pp_maker_of_enterprise(0));
  assert_null(pp_maker_of_enterprise(8072)); /* net-snmp */
}

static void test_generic_profile_names_the_maker(void **state) {
  (void)state;
  static const struct {
    uint32_t enterprise;
    const char *model, *sys_descr;
    const char *maker, *model_after;
  } cases[] = {
      /* the model's words beat an OEM enterprise number */
      {11, "Brother HL-L2350DW", "HP JetDirect", "Brother",
       "Brother HL-L2350DW"},
      {0, "", "KYOCERA Document Solutions Printing System", "Kyocera",
       "KYOCERA Document Solutions Printing System"},
      {2435, "HL-L2350DW", "NC-8300w", "Brother", "HL-L2350DW"},
      {0, "Mystery 3000", "Mystery", "", "Mystery 3000"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct pp_printer p;
    pp_printer_init(&p, "192.0.2.1");
    p.enterprise = cases[i].enterprise;
    strcpy(p.model, cases[i].model);
    strcpy(p.sys_descr, cases[i].sys_descr);
    assert_int_equal(pp_profile_generic.decode(NULL, &p), 0);
    assert_string_equal(p.manufacturer, cases[i].maker);
    assert_string_equal(p.model, cases[i].model_after);
    pp_printer_clear(&p);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_oid_parse_accepts),
      cmocka_unit_test(test_oid_parse_rejects),
      cmocka_unit_test(test_oid_format_truncates_and_counts),
      cmocka_unit_test(test_oid_compare_and_prefix),
      cmocka_unit_test(test_oid_append_bounds),
      cmocka_unit_test(test_varset_duplicates_kept_once),
      cmocka_unit_test(test_varset_next_under_iterates_in_oid_order),
      cmocka_unit_test(test_varset_get_at),
      cmocka_unit_test(test_value_int),
      cmocka_unit_test(test_snmprec_loader_types),
      cmocka_unit_test(test_snmprec_loader_errors_name_the_line),
      cmocka_unit_test(test_buf_cap),
      cmocka_unit_test(test_buf_printf),
      cmocka_unit_test(test_buf_take_reset_free),
      cmocka_unit_test(test_opts_every_key_in_both_spellings),
      cmocka_unit_test(test_opts_bad_values_named_in_message),
      cmocka_unit_test(test_opts_secret_never_in_message),
      cmocka_unit_test(test_opts_from_env),
      cmocka_unit_test(test_secret_from_file),
      cmocka_unit_test(test_secret_file_missing_names_path),
      cmocka_unit_test(test_secret_file_long_line_never_truncated),
      cmocka_unit_test(test_secret_from_env),
      cmocka_unit_test(test_profile_select_from_table),
      cmocka_unit_test(test_profile_select_rules),
      cmocka_unit_test(test_maker_of_enterprise),
      cmocka_unit_test(test_generic_profile_names_the_maker),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
