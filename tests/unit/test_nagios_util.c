/* SPDX-License-Identifier: MIT */
/* Unit tests for the checks' pure helpers: state ranking, the range parser
 * and the performance data writer. The .c is included (as collectd's tests
 * do) so the test links only libprintprobe.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../nagios/np_util.c"

/* ---- states ------------------------------------------------------------ */

static void test_state_rank_is_not_numeric(void **state) {
  (void)state;
  static const struct {
    enum np_state a, b, worse;
  } cases[] = {
      {NP_OK, NP_UNKNOWN, NP_OK}, /* MAX() would say UNKNOWN */
      {NP_UNKNOWN, NP_WARNING, NP_WARNING},
      {NP_CRITICAL, NP_UNKNOWN, NP_CRITICAL},
      {NP_WARNING, NP_CRITICAL, NP_CRITICAL},
      {NP_OK, NP_OK, NP_OK},
      {NP_UNKNOWN, NP_UNKNOWN, NP_UNKNOWN},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    if (np_state_worse(cases[i].a, cases[i].b) != cases[i].worse ||
        np_state_worse(cases[i].b, cases[i].a) != cases[i].worse)
      fail_msg("worse(%s, %s) is not %s", np_state_name(cases[i].a),
               np_state_name(cases[i].b), np_state_name(cases[i].worse));
  }
}

static void test_state_worse_alt_surfaces_unknown(void **state) {
  (void)state;
  assert_int_equal(np_state_worse_alt(NP_OK, NP_UNKNOWN), NP_UNKNOWN);
  assert_int_equal(np_state_worse_alt(NP_UNKNOWN, NP_OK), NP_UNKNOWN);
  assert_int_equal(np_state_worse_alt(NP_UNKNOWN, NP_WARNING), NP_WARNING);
  assert_int_equal(np_state_worse_alt(NP_CRITICAL, NP_UNKNOWN), NP_CRITICAL);
  assert_int_equal(np_state_worse_alt(NP_OK, NP_OK), NP_OK);
}

static void test_state_from_name(void **state) {
  (void)state;
  enum np_state s = NP_OK;
  assert_int_equal(np_state_from_name("Critical", &s), 0);
  assert_int_equal(s, NP_CRITICAL);
  assert_int_equal(np_state_from_name("unknown", &s), 0);
  assert_int_equal(s, NP_UNKNOWN);
  assert_int_equal(np_state_from_name("crit", &s), -EINVAL);
  assert_int_equal(np_state_from_name("", &s), -EINVAL);
}

/* ---- ranges ------------------------------------------------------------ */

struct range_case {
  const char *text;
  double value;
  bool alerts;
};

/* The monitoring-plugins guidelines' table, both sides of every edge. */
static const struct range_case range_cases[] = {
    {"10", -1, true},      {"10", 0, false},       {"10", 10, false},
    {"10", 10.5, true},    {"10:", 9.9, true},     {"10:", 10, false},
    {"10:", 1e12, false},  {"~:10", -1e12, false}, {"~:10", 10, false},
    {"~:10", 11, true},    {"10:20", 9, true},     {"10:20", 10, false},
    {"10:20", 20, false},  {"10:20", 21, true},    {"@10:20", 9, false},
    {"@10:20", 10, true},  {"@10:20", 20, true},   {"@10:20", 21, false},
    {"20:", 19, true},     {"20:", 20, false},     {":5", 0, false},
    {":5", -1, true},      {"-5:-1", -3, false},   {"-5:-1", 0, true},
    {"0.5:1.5", 1, false}, {"0.5:1.5", 0.4, true}, {"@0", 0, true},
    {"@0", 1, false},      {"~:", -1e12, false},   {"~:", 1e12, false},
    {"@~:0", -5, true},    {"+10", 5, false},      {"1e1", 10, false},
};

static void test_range_alerts(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(range_cases) / sizeof(range_cases[0]); i++) {
    const struct range_case *c = &range_cases[i];
    struct np_range r;
    if (np_range_parse(c->text, &r) != 0)
      fail_msg("\"%s\" refused", c->text);
    if (np_range_alerts(&r, c->value) != c->alerts)
      fail_msg("\"%s\" with %g: alerts %d, want %d", c->text, c->value,
               !c->alerts, c->alerts);
    if (strcmp(r.text, c->text) != 0)
      fail_msg("\"%s\" kept as \"%s\"", c->text, r.text);
  }
}

/* lib/utils_base.c takes all of these (strtod without an end check). */
static void test_range_rejects_junk(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",      "10x",
      "x10",   "10:20x",
      "@",     "@:",
      ":",     "~",
      "1:2:3", "20:10",
      "nan",   "inf",
      "-inf:", "0x10",
      "1e",    "10 ",
      " 10",   "--1",
      "1..2",  "~:1e",
      "@@1",   "10,5",
      "1e999", ".",
      "+",     "e5",
      "10:~",  "123456789012345678901234567890123456789012345678901234567890",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct np_range r = {.start = 42};
    if (np_range_parse(bad[i], &r) == 0)
      fail_msg("\"%s\" accepted", bad[i]);
    if (r.start != 42)
      fail_msg("\"%s\": output written on failure", bad[i]);
  }
  struct np_range r;
  assert_int_equal(np_range_parse(NULL, &r), -EINVAL);
}

static void test_range_state_critical_first(void **state) {
  (void)state;
  struct np_range warn, crit;
  assert_int_equal(np_range_parse("20:", &warn), 0);
  assert_int_equal(np_range_parse("10:", &crit), 0);
  assert_int_equal(np_range_state(&warn, &crit, 50), NP_OK);
  assert_int_equal(np_range_state(&warn, &crit, 20), NP_OK);
  assert_int_equal(np_range_state(&warn, &crit, 19), NP_WARNING);
  assert_int_equal(np_range_state(&warn, &crit, 10), NP_WARNING);
  assert_int_equal(np_range_state(&warn, &crit, 9), NP_CRITICAL);
  assert_int_equal(np_range_state(NULL, &crit, 15), NP_OK);
  assert_int_equal(np_range_state(&warn, NULL, 5), NP_WARNING);
  assert_int_equal(np_range_state(NULL, NULL, -5), NP_OK);
}

/* ---- performance data ---------------------------------------------------- */

static struct np_perf_item percent_item(const char *label, int64_t value) {
  return (struct np_perf_item){.label = label,
                               .known = true,
                               .value = value,
                               .uom = "%",
                               .warn = "20:",
                               .crit = "10:",
                               .has_min = true,
                               .min = 0,
                               .has_max = true,
                               .max = 100};
}

static void test_perf_standard_form(void **state) {
  (void)state;
  struct np_perf perf;
  np_perf_init(&perf);
  struct np_perf_item cyan = percent_item("cyan", 40);
  assert_int_equal(np_perf_add(&perf, &cyan), 0);
  struct np_perf_item unknown = percent_item("black", 0);
  unknown.known = false;
  assert_int_equal(np_perf_add(&perf, &unknown), 0);
  struct np_perf_item pages = {
      .label = "pages", .known = true, .value = 250877, .uom = "c"};
  assert_int_equal(np_perf_add(&perf, &pages), 0);
  /* No U: Icinga 2 refuses it; the unknown level is left out. */
  assert_string_equal(perf.data, "'cyan'=40%;20:;10:;0;100 "
                                 "'pages'=250877c");
  assert_int_equal(perf.len, strlen(perf.data));
  assert_false(perf.truncated);
}

static void test_perf_label_quoting(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"Toner 'Black'", "Toner _Black_"}, /* the quote would end the label */
      {"a|b=c;d", "a_b_c_d"},
      {"tab\there", "tab_here"},
      {"", "unnamed"},
      {"Schwarz (schwärz)", "Schwarz (schwärz)"},
      {"Black Toner Cartridge HP 827A CF300A replacement part number xyz",
       "Black Toner Cartridge HP 827A CF300A replacement"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char out[NP_PERF_LABEL_MAX + 1];
    np_perf_clean_label(cases[i].in, out, sizeof(out));
    if (strcmp(out, cases[i].out) != 0)
      fail_msg("\"%s\" -> \"%s\", want \"%s\"", cases[i].in, out, cases[i].out);
  }
  struct np_perf perf;
  np_perf_init(&perf);
  struct np_perf_item q = percent_item("Canon's \"Black\"", 5);
  assert_int_equal(np_perf_add(&perf, &q), 0);
  assert_string_equal(perf.data, "'Canon_s \"Black\"'=5%;20:;10:;0;100");
}

static void test_perf_label_cut_on_utf8_boundary(void **state) {
  (void)state;
  /* 46 ASCII bytes, then a 3-byte character that crosses byte 48. */
  char in[64];
  memset(in, 'a', 46);
  memcpy(in + 46, "\xe2\x82\xac", 3);
  in[49] = '\0';
  char out[NP_PERF_LABEL_MAX + 1];
  np_perf_clean_label(in, out, sizeof(out));
  assert_int_equal(strlen(out), 46);
}

static void test_perf_labels_unique_in_19_chars(void **state) {
  (void)state;
  struct np_perf perf;
  np_perf_init(&perf);
  static const char *const labels[] = {
      "Black Toner Cartridge",
      "Black Toner Cartridge",
      "Black Toner Cartridge 2",
      "Black Toner Cartr_2 x",
      "Toner",
      "Toner",
      "Toner",
  };
  for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
    struct np_perf_item item = percent_item(labels[i], 50);
    assert_int_equal(np_perf_add(&perf, &item), 0);
  }
  for (size_t i = 0; i < perf.count; i++) {
    for (size_t j = i + 1; j < perf.count; j++) {
      if (strncmp(perf.seen[i], perf.seen[j], NP_PERF_UNIQUE) == 0)
        fail_msg("labels %zu and %zu share \"%s\"", i, j, perf.seen[i]);
    }
  }
  /* The first keeps its name; later ones get a suffix within 19. */
  assert_non_null(strstr(perf.data, "'Black Toner Cartridge'=50%"));
  assert_non_null(strstr(perf.data, "'Black Toner Cartr_2'="));
  assert_non_null(strstr(perf.data, "'Toner_2'="));
  assert_non_null(strstr(perf.data, "'Toner_3'="));
}

static void test_perf_buffer_is_bounded(void **state) {
  (void)state;
  static struct np_perf perf;
  np_perf_init(&perf);
  int rc = 0;
  size_t added = 0;
  char label[64];
  for (int i = 0; i < 200 && rc == 0; i++) {
    snprintf(label, sizeof(label), "%02d a long supply description xxxxxxxxx",
             i);
    struct np_perf_item item = percent_item(label, i % 101);
    rc = np_perf_add(&perf, &item);
    if (rc == 0)
      added++;
  }
  assert_int_equal(rc, -E2BIG);
  assert_true(perf.truncated);
  assert_true(perf.len < NP_PERF_MAX);
  assert_int_equal(strlen(perf.data), perf.len);
  assert_int_equal(added, perf.count);
  /* Every item in the buffer is whole: it ends in the max field. */
  assert_int_equal(perf.data[perf.len - 1], '0');
  assert_int_equal(perf.data[perf.len - 2], '0');
  assert_int_equal(perf.data[perf.len - 3], '1');
}

static void test_perf_too_many_items(void **state) {
  (void)state;
  static struct np_perf perf;
  np_perf_init(&perf);
  struct np_perf_item item = {.label = "p", .known = true, .value = 1};
  for (int i = 0; i < NP_PERF_MAX_ITEMS; i++)
    assert_int_equal(np_perf_add(&perf, &item), 0);
  assert_int_equal(np_perf_add(&perf, &item), -E2BIG);
  assert_true(perf.truncated);
}

/* ---- text ---------------------------------------------------------------- */

static void test_text_truncates_visibly(void **state) {
  (void)state;
  static struct np_text text;
  np_text_init(&text);
  for (int i = 0; i < 2000; i++) {
    np_text_sep(&text, ", ");
    np_text_add(&text, "supply %d", i);
  }
  assert_true(text.truncated);
  assert_int_equal(strlen(text.data), text.len);
  assert_true(text.len < NP_TEXT_MAX);
  assert_string_equal(text.data + text.len - 3, "...");
}

static void test_clean_output_pipe(void **state) {
  (void)state;
  char text[] = "alert 8: Jam | tray 2";
  np_clean_output(text);
  assert_string_equal(text, "alert 8: Jam / tray 2");
}

/* Nagios 4 shows "a; b" as "a: b". */
static void test_clean_output_semicolon(void **state) {
  (void)state;
  char text[] = "jammed; alert 8: Jam; tray 2";
  np_clean_output(text);
  assert_string_equal(text, "jammed, alert 8: Jam, tray 2");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clean_output_semicolon),
      cmocka_unit_test(test_state_rank_is_not_numeric),
      cmocka_unit_test(test_state_worse_alt_surfaces_unknown),
      cmocka_unit_test(test_state_from_name),
      cmocka_unit_test(test_range_alerts),
      cmocka_unit_test(test_range_rejects_junk),
      cmocka_unit_test(test_range_state_critical_first),
      cmocka_unit_test(test_perf_standard_form),
      cmocka_unit_test(test_perf_label_quoting),
      cmocka_unit_test(test_perf_label_cut_on_utf8_boundary),
      cmocka_unit_test(test_perf_labels_unique_in_19_chars),
      cmocka_unit_test(test_perf_buffer_is_bounded),
      cmocka_unit_test(test_perf_too_many_items),
      cmocka_unit_test(test_text_truncates_visibly),
      cmocka_unit_test(test_clean_output_pipe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
