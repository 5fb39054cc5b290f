/* SPDX-License-Identifier: MIT */
/* pp_ordered: parts made out of order come out in order, with at most the
 * memory limit of them waiting in memory, and none lost without a file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp_ordered.h"

#define PARTS 200

static char *part_text(size_t i, size_t *len) {
  char *text = NULL;
  /* parts of different sizes, so that offsets in the file matter */
  int n = asprintf(&text, "part %zu %.*s", i, (int)(i % 37),
                   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  assert_true(n > 0);
  *len = (size_t)n;
  return text;
}

static char *expected_output(void) {
  char *want = NULL;
  size_t want_len = 0;
  FILE *f = open_memstream(&want, &want_len);
  assert_non_null(f);
  for (size_t i = 0; i < PARTS; i++) {
    size_t len;
    char *text = part_text(i, &len);
    fputs(i == 0 ? "[" : ",", f);
    fwrite(text, 1, len, f);
    free(text);
  }
  fclose(f);
  return want;
}

/* Puts every part, last first (the worst order: all but one wait), and
 * returns what was written; *most_held is the peak of waiting memory. */
static char *run(size_t mem_limit, size_t *most_held, size_t *spilled) {
  char *got = NULL;
  size_t got_len = 0;
  FILE *out = open_memstream(&got, &got_len);
  assert_non_null(out);
  struct pp_ordered *o = pp_ordered_new(PARTS, mem_limit, out, "[", ",");
  assert_non_null(o);
  *most_held = 0;
  for (size_t k = 0; k < PARTS; k++) {
    size_t i = PARTS - 1 - k, len;
    char *text = part_text(i, &len);
    assert_int_equal(pp_ordered_put(o, i, text, len), 0);
    if (pp_ordered_held_bytes(o) > *most_held)
      *most_held = pp_ordered_held_bytes(o);
  }
  assert_int_equal(pp_ordered_written(o), PARTS);
  *spilled = pp_ordered_spilled(o);
  pp_ordered_free(o);
  fclose(out);
  return got;
}

static void test_in_memory(void **state) {
  (void)state;
  size_t held, spilled;
  char *got = run(1u << 20, &held, &spilled);
  char *want = expected_output();
  assert_string_equal(got, want);
  assert_int_equal(spilled, 0);
  free(got);
  free(want);
}

static void test_waiting_in_a_file(void **state) {
  (void)state;
  size_t held, spilled;
  char *got = run(256, &held, &spilled);
  char *want = expected_output();
  assert_string_equal(got, want);
  /* one part may pass the limit before it moves to the file */
  assert_true(held <= 256 + 64);
  assert_true(spilled > PARTS / 2);
  free(got);
  free(want);
}

/* No file can be made: everything waits in memory, nothing is lost. */
static void test_no_file_keeps_memory(void **state) {
  (void)state;
  char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
  setenv("TMPDIR", "/nonexistent-directory-for-printprobe", 1);
  size_t held, spilled;
  char *got = run(256, &held, &spilled);
  if (old != NULL)
    setenv("TMPDIR", old, 1);
  else
    unsetenv("TMPDIR");
  free(old);
  char *want = expected_output();
  assert_string_equal(got, want);
  assert_int_equal(spilled, 0);
  assert_true(held > 256);
  free(got);
  free(want);
}

static void test_bad_index(void **state) {
  (void)state;
  char *got = NULL;
  size_t got_len = 0;
  FILE *out = open_memstream(&got, &got_len);
  struct pp_ordered *o = pp_ordered_new(2, 0, out, NULL, NULL);
  assert_int_equal(pp_ordered_put(o, 2, strdup("x"), 1), -EINVAL);
  assert_int_equal(pp_ordered_put(o, 1, strdup("b"), 1), 0);
  assert_int_equal(pp_ordered_put(o, 1, strdup("c"), 1), -EINVAL);
  assert_int_equal(pp_ordered_put(o, 0, strdup("a"), 1), 0);
  pp_ordered_free(o);
  fclose(out);
  assert_string_equal(got, "ab");
  free(got);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_in_memory),
      cmocka_unit_test(test_waiting_in_a_file),
      cmocka_unit_test(test_no_file_keeps_memory),
      cmocka_unit_test(test_bad_index),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
