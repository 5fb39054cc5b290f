/* SPDX-License-Identifier: MIT */
/* Printer text cut to fit a field of the model: the cut falls on a
 * character boundary and every text field stays valid UTF-8, so the
 * printer's JSON object can always be read back (write_dss leaves out an
 * object that is not UTF-8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "pp_buf.h"
#include "pp_decode.h"
#include "pp_model.h"
#include "pp_report.h"
#include "pp_report_parse.h"
#include "pp_str.h"
#include "pp_varset.h"
#include "profiles.h"

/* Whether s is well-formed UTF-8 (shortest forms, no surrogates). */
static bool valid_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p != '\0') {
    size_t n = *p < 0x80             ? 1
               : (*p & 0xe0) == 0xc0 ? 2
               : (*p & 0xf0) == 0xe0 ? 3
               : (*p & 0xf8) == 0xf0 ? 4
                                     : 0;
    if (n == 0 || (n == 2 && *p < 0xc2))
      return false;
    for (size_t i = 1; i < n; i++) {
      if ((p[i] & 0xc0) != 0x80)
        return false;
    }
    p += n;
  }
  return true;
}

/* sysDescr "XeroxB" then "\xfcro B" (Latin-1 u-umlaut) until 240 bytes, no
 * hrDeviceDescr: the model is sysDescr, cut to 127 bytes or less. */
static void load_latin1_sysdescr(struct pp_varset *set) {
  char text[2048];
  char hex[1024] = "5865726f7842";
  while (strlen(hex) < 480)
    strcat(hex, "fc726f2042");
  snprintf(text, sizeof(text),
           "1.3.6.1.2.1.1.1.0|4x|%s\n"
           "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.253.8.62\n"
           "1.3.6.1.2.1.1.5.0|4|PRN-LATIN1\n",
           hex);
  size_t bad_line = 0;
  pp_varset_init(set);
  assert_int_equal(pp_varset_load_snmprec(set, text, &bad_line), 0);
}

static void decode_with(const struct pp_profile *profile,
                        struct pp_printer *p) {
  struct pp_varset set;
  load_latin1_sysdescr(&set);
  pp_printer_init(p, "192.0.2.1");
  assert_int_equal(pp_decode_standard(&set, p), 0);
  assert_int_equal(profile->decode(&set, p), 0);
  pp_varset_free(&set);
}

/* The model ends on a whole character, and the JSON object parses back. */
static void check_model_and_report(const struct pp_printer *p) {
  if (!valid_utf8(p->model))
    fail_msg("model is not UTF-8: \"%s\"", p->model);
  assert_true(strncmp(p->model, "XeroxB\xc3\xbcro B", 12) == 0);
  /* 6 + 20 * 6 bytes: the 21st "\xc3\xbc" would need bytes 127 and 128. */
  assert_int_equal(strlen(p->model), 126);
  struct pp_buf buf;
  pp_buf_init(&buf, 1 << 20);
  assert_int_equal(pp_report_json_printer(p, &buf), 0);
  struct pp_printer back;
  char err[200];
  int rc = pp_report_parse_printer(buf.data, buf.len, &back, err, sizeof(err));
  if (rc != 0)
    fail_msg("report not readable: %s", err);
  assert_string_equal(back.model, p->model);
  pp_printer_clear(&back);
  pp_buf_free(&buf);
}

static void test_generic_model_from_latin1_sysdescr(void **state) {
  (void)state;
  struct pp_printer p;
  decode_with(&pp_profile_generic, &p);
  check_model_and_report(&p);
  pp_printer_clear(&p);
}

static void test_epson_model_from_latin1_sysdescr(void **state) {
  (void)state;
  struct pp_printer p;
  decode_with(&pp_profile_epson, &p);
  check_model_and_report(&p);
  pp_printer_clear(&p);
}

static void test_text_copy_cuts_on_character_boundary(void **state) {
  (void)state;
  char out[4];
  pp_text_copy(out, "a\xc3\xbc\xc3\xbc", sizeof(out)); /* "aüü" */
  assert_string_equal(out, "a\xc3\xbc");
  pp_text_copy(out, "\xe2\x82\xac\xe2\x82\xac", sizeof(out)); /* "€€" */
  assert_string_equal(out, "\xe2\x82\xac");
  char small[3];
  pp_text_copy(small, "\xe2\x82\xac", sizeof(small)); /* no room for it */
  assert_string_equal(small, "");
}

static void test_text_copy_reads_latin1(void **state) {
  (void)state;
  char out[16];
  pp_text_copy(out, "B\xfcro", sizeof(out)); /* Latin-1 "Büro" */
  assert_string_equal(out, "B\xc3\xbcro");
  pp_text_copy(out, "B\xfcro B\xfcro", 6); /* cut after the whole "ü" */
  assert_string_equal(out, "B\xc3\xbcro");
  assert_true(valid_utf8(out));
}

/* Console lines are joined whole: a line that does not fit is left out,
 * never cut inside a character. */
static void test_console_join_keeps_whole_characters(void **state) {
  (void)state;
  char text[4096] = "";
  char line[200] = "";
  for (int i = 0; i < 76; i++)
    strcat(line, "\xc3\xbc"); /* 152 bytes of "ü": 8 + 152 do not fit */
  snprintf(text, sizeof(text),
           "1.3.6.1.2.1.43.16.5.1.2.1.1|4|Sleep\n"
           "1.3.6.1.2.1.43.16.5.1.2.1.2|4|%s\n",
           line);
  struct pp_varset set;
  size_t bad_line = 0;
  pp_varset_init(&set);
  assert_int_equal(pp_varset_load_snmprec(&set, text, &bad_line), 0);
  struct pp_printer p;
  pp_printer_init(&p, "192.0.2.1");
  assert_int_equal(pp_decode_standard(&set, &p), 0);
  pp_varset_free(&set);
  assert_true(valid_utf8(p.console));
  assert_string_equal(p.console, "Sleep");
  pp_printer_clear(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_generic_model_from_latin1_sysdescr),
      cmocka_unit_test(test_epson_model_from_latin1_sysdescr),
      cmocka_unit_test(test_text_copy_cuts_on_character_boundary),
      cmocka_unit_test(test_text_copy_reads_latin1),
      cmocka_unit_test(test_console_join_keeps_whole_characters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
