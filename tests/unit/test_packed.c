/* SPDX-License-Identifier: MIT */
/* The packed store must give back exactly what went in, in any order of
 * names, for every value type. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pp_packed.h"

static void make_name(struct pp_oid *name, unsigned seed) {
  static const uint32_t base[] = {1, 3, 6, 1, 2, 1, 43, 11, 1, 1};
  memcpy(name->sub, base, sizeof(base));
  name->len = 10;
  name->sub[name->len++] = 1 + seed % 9;       /* column */
  name->sub[name->len++] = 1;                  /* hrDeviceIndex */
  name->sub[name->len++] = seed * 2654435761u; /* big sub-identifiers too */
}

static void add_both(struct pp_packed *packed, struct pp_varset *direct,
                     unsigned i) {
  struct pp_oid name;
  make_name(&name, i);
  char text[32];
  int n = snprintf(text, sizeof(text), "value %u\n\001", i);
  struct pp_oid oidval = {.sub = {1, 3, 6, 1, 4, 1, i}, .len = 7};
  switch (i % 4) {
  case 0: {
    int64_t v = (i % 8 == 0) ? -(int64_t)i * 1000003 : INT64_MIN + i;
    assert_int_equal(pp_packed_add(packed, &name, PP_V_INT, v, NULL, 0, NULL),
                     0);
    assert_int_equal(pp_varset_add_int(direct, &name, PP_V_INT, v), 0);
    break;
  }
  case 1:
    assert_int_equal(pp_packed_add(packed, &name, PP_V_UNSIGNED, INT64_MAX - i,
                                   NULL, 0, NULL),
                     0);
    assert_int_equal(
        pp_varset_add_int(direct, &name, PP_V_UNSIGNED, INT64_MAX - i), 0);
    break;
  case 2:
    assert_int_equal(
        pp_packed_add(packed, &name, PP_V_OCTETS, 0, text, (size_t)n, NULL), 0);
    assert_int_equal(
        pp_varset_add_bytes(direct, &name, PP_V_OCTETS, text, (size_t)n), 0);
    break;
  default:
    assert_int_equal(
        pp_packed_add(packed, &name, PP_V_OID, 0, NULL, 0, &oidval), 0);
    assert_int_equal(pp_varset_add_oid(direct, &name, &oidval), 0);
    break;
  }
}

static void test_packed_round_trip_of_every_type(void **state) {
  (void)state;
  struct pp_packed packed;
  struct pp_varset direct, expanded;
  pp_packed_init(&packed);
  pp_varset_init(&direct);
  pp_varset_init(&expanded);
  for (unsigned i = 0; i < 2000; i++)
    add_both(&packed, &direct, i);
  assert_int_equal(pp_packed_expand(&packed, &expanded), 0);
  pp_varset_sort(&direct);
  pp_varset_sort(&expanded);
  assert_int_equal(direct.count, expanded.count);
  for (size_t i = 0; i < direct.count; i++) {
    const struct pp_value *a = &direct.values[i], *b = &expanded.values[i];
    assert_int_equal(pp_oid_compare(&a->name, &b->name), 0);
    assert_int_equal(a->type, b->type);
    assert_true(a->num == b->num);
    assert_int_equal(a->len, b->len);
    if (a->len > 0)
      assert_memory_equal(a->bytes, b->bytes, a->len);
    assert_int_equal(pp_oid_compare(&a->oid, &b->oid), 0);
  }
  /* The point of the store: far smaller than the varset it replaces. */
  assert_true(packed.len < direct.count * sizeof(struct pp_value) / 4);
  pp_packed_free(&packed);
  pp_varset_free(&direct);
  pp_varset_free(&expanded);
}

static void test_packed_empty_store_expands_to_nothing(void **state) {
  (void)state;
  struct pp_packed packed;
  struct pp_varset out;
  pp_packed_init(&packed);
  pp_varset_init(&out);
  assert_int_equal(pp_packed_expand(&packed, &out), 0);
  assert_int_equal(out.count, 0);
  pp_packed_free(&packed);
  pp_packed_free(&packed); /* safe twice */
  pp_varset_free(&out);
}

static void test_packed_corrupt_store_is_refused(void **state) {
  (void)state;
  struct pp_packed packed;
  struct pp_varset out;
  pp_packed_init(&packed);
  pp_varset_init(&out);
  struct pp_oid name;
  make_name(&name, 7);
  assert_int_equal(
      pp_packed_add(&packed, &name, PP_V_OCTETS, 0, "abcdef", 6, NULL), 0);
  packed.len -= 3; /* cut inside the string */
  assert_int_equal(pp_packed_expand(&packed, &out), -EINVAL);
  pp_packed_free(&packed);
  pp_varset_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_packed_round_trip_of_every_type),
      cmocka_unit_test(test_packed_empty_store_expands_to_nothing),
      cmocka_unit_test(test_packed_corrupt_store_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
