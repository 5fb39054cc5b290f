/* SPDX-License-Identifier: MIT */
/* Tests for the Epson ST2 status record parser: the two real records of
 * docs/epson.md decoded field by field, every quirk of the format, the privacy
 * promise (job names and unknown fields never reach the struct), and a
 * deterministic fuzz loop over random and mutated records.
 *
 * Every parse goes through parse_exact(), which copies the input into a
 * malloc'd buffer of exactly its size, so ASan reports any over-read.
 * Fuzz seeds are embedded here and also read from $PP_TEST_DATA/fuzz/st2
 * (default "tests/fuzz/st2"): drop a crashing input there to keep it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "epson_st2.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_LEN 10 /* "@BDC ST2\r\n" */

#include "st2_vectors.h"

/* ---- helpers ---------------------------------------------------------- */

/* Parses a private, exactly-sized copy so that ASan sees any over-read. Even
 * len 0 gets its own (empty) block. calloc, not malloc: gcc -O2 would warn
 * that an empty uninitialised block is passed as input. */
static int parse_exact(const uint8_t *data, size_t len, struct pp_st2 *out) {
  uint8_t *copy = calloc(1, len);
  if (copy == NULL && len > 0)
    fail_msg("out of memory");
  if (len > 0)
    memcpy(copy, data, len);
  int rc = pp_st2_parse(copy, len, out);
  free(copy);
  return rc;
}

static bool struct_contains(const struct pp_st2 *st, const void *needle,
                            size_t n) {
  return memmem(st, sizeof *st, needle, n) != NULL;
}

/* A record under construction; the length field is filled by rec_end. */
struct rec {
  uint8_t b[2048];
  size_t len;
};

static void rec_raw(struct rec *r, const void *data, size_t n) {
  if (n == 0)
    return; /* data may be NULL; memcpy must not see it */
  assert_true(n <= sizeof r->b - r->len);
  memcpy(r->b + r->len, data, n);
  r->len += n;
}

static void rec_start(struct rec *r) {
  r->len = 0;
  rec_raw(r, "@BDC ST2\r\n\0\0", HEADER_LEN + 2);
}

static void rec_field(struct rec *r, uint8_t type, const uint8_t *v, size_t n) {
  assert_true(n <= 255);
  uint8_t tl[2] = {type, (uint8_t)n};
  rec_raw(r, tl, 2);
  rec_raw(r, v, n);
}

#define FIELD(r, type, ...)                                                    \
  rec_field((r), (type), (const uint8_t[]){__VA_ARGS__},                       \
            sizeof((const uint8_t[]){__VA_ARGS__}))

static void rec_set_length(struct rec *r, size_t n) {
  r->b[HEADER_LEN] = (uint8_t)(n & 0xFF);
  r->b[HEADER_LEN + 1] = (uint8_t)(n >> 8);
}

/* Makes the length field match what has been added so far. */
static void rec_end(struct rec *r) { rec_set_length(r, r->len - 12); }

static void assert_ink(const struct pp_st2_ink *ink, uint8_t cartridge,
                       uint8_t colour, uint8_t level) {
  assert_int_equal(ink->cartridge, cartridge);
  assert_int_equal(ink->colour, colour);
  assert_int_equal(ink->level, level);
}

static void expect_xp540(struct pp_st2 *e) {
  memset(e, 0, sizeof *e);
  e->has_status = true;
  e->status = 0x00;
  e->has_error = true;
  e->error = 0x10;
  e->inks[0] = (struct pp_st2_ink){0x0B, 0x00, 0x69};
  e->inks[1] = (struct pp_st2_ink){0x03, 0x01, 0x69};
  e->inks[2] = (struct pp_st2_ink){0x05, 0x03, 0x69};
  e->inks[3] = (struct pp_st2_ink){0x04, 0x02, 0x69};
  e->inks[4] = (struct pp_st2_ink){0x01, 0x00, 0x69};
  e->ink_count = 5;
  e->box_states[0] = 0x02;
  e->box_states[1] = 0x00;
  e->box_count = 2;
  strcpy(e->serial, "X2EA064777");
}

static void expect_wf7515(struct pp_st2 *e) {
  memset(e, 0, sizeof *e);
  e->has_status = true;
  e->status = 0x00;
  e->has_error = true;
  e->error = 0x00;
  e->inks[0] = (struct pp_st2_ink){0x01, 0x00, 35};
  e->inks[1] = (struct pp_st2_ink){0x04, 0x02, 14};
  e->inks[2] = (struct pp_st2_ink){0x05, 0x03, 83};
  e->inks[3] = (struct pp_st2_ink){0x03, 0x01, 45};
  e->ink_count = 4;
  e->truncated = true;
}

/* Structs are memset before use, so padding compares equal too. */
static void assert_same_st2(const struct pp_st2 *a, const struct pp_st2 *b) {
  assert_memory_equal(a, b, sizeof *a);
}

/* ---- the real records -------------------------------------------------- */

static void test_st2_xp540_decodes_every_field(void **state) {
  (void)state;
  struct pp_st2 st, want;
  assert_int_equal(parse_exact(xp540, sizeof xp540, &st), 0);

  assert_true(st.has_status);
  assert_int_equal(st.status, 0x00);
  assert_string_equal(pp_st2_status_name(st.status), "error");
  assert_true(st.has_error);
  assert_int_equal(st.error, 0x10);
  assert_string_equal(pp_st2_error_text(st.error),
                      "waste-ink pads full - service required");
  assert_int_equal(st.warning_count, 0);

  assert_int_equal(st.ink_count, 5);
  assert_ink(&st.inks[0], 0x0B, 0x00, 0x69); /* matte/photo black */
  assert_ink(&st.inks[1], 0x03, 0x01, 0x69); /* cyan */
  assert_ink(&st.inks[2], 0x05, 0x03, 0x69); /* yellow */
  assert_ink(&st.inks[3], 0x04, 0x02, 0x69); /* magenta */
  assert_ink(&st.inks[4], 0x01, 0x00, 0x69); /* black */
  for (size_t i = 0; i < st.ink_count; i++)
    assert_int_equal(pp_st2_level_kind(st.inks[i].level),
                     PP_ST2_LEVEL_UNREADABLE);

  /* 0x37 with 2 bytes per box: 02 00 | 00 00. */
  assert_int_equal(st.box_count, 2);
  assert_int_equal(st.box_states[0], 0x02);
  assert_string_equal(pp_st2_box_state_name(st.box_states[0]), "full");
  assert_int_equal(st.box_states[1], 0x00);
  assert_string_equal(pp_st2_box_state_name(st.box_states[1]), "ok");

  assert_false(st.has_paper_counts);
  assert_string_equal(st.serial, "X2EA064777");
  assert_false(st.truncated);

  /* And nothing else: unknown types 06 13 1B 20 24 39 3F left no trace. */
  expect_xp540(&want);
  assert_same_st2(&st, &want);
}

static void
test_st2_xp540_job_name_and_unknown_fields_do_not_leak(void **state) {
  (void)state;
  struct pp_st2 st;
  assert_int_equal(parse_exact(xp540, sizeof xp540, &st), 0);
  assert_false(struct_contains(&st, "unknown", 7));
  assert_false(struct_contains(&st, "unk", 3));
  /* The 49-byte value of unknown type 0x20: no 3-byte run of it appears. */
  const uint8_t *f20 = memmem(xp540, sizeof xp540, "\x20\x31\x00\x64", 4);
  assert_non_null(f20);
  for (size_t i = 3; i + 3 <= 2 + 0x31; i++)
    assert_false(struct_contains(&st, f20 + i, 3));
}

static void test_st2_wf7515_decodes_every_field_and_is_truncated(void **state) {
  (void)state;
  struct pp_st2 st, want;
  assert_int_equal(sizeof wf7515, 98);
  assert_int_equal(parse_exact(wf7515, sizeof wf7515, &st), 0);

  assert_true(st.has_status);
  assert_int_equal(st.status, 0x00);
  assert_true(st.has_error);
  assert_int_equal(st.error, 0x00);
  assert_string_equal(pp_st2_error_text(st.error), "fatal error");
  assert_int_equal(st.warning_count, 0);

  assert_int_equal(st.ink_count, 4);
  assert_ink(&st.inks[0], 0x01, 0x00, 35); /* black */
  assert_ink(&st.inks[1], 0x04, 0x02, 14); /* magenta */
  assert_ink(&st.inks[2], 0x05, 0x03, 83); /* yellow */
  assert_ink(&st.inks[3], 0x03, 0x01, 45); /* cyan */
  assert_string_equal(pp_st2_colour_name(st.inks[0].colour), "black");
  assert_string_equal(pp_st2_colour_name(st.inks[1].colour), "magenta");
  assert_string_equal(pp_st2_colour_name(st.inks[2].colour), "yellow");
  assert_string_equal(pp_st2_colour_name(st.inks[3].colour), "cyan");
  for (size_t i = 0; i < st.ink_count; i++)
    assert_int_equal(pp_st2_level_kind(st.inks[i].level), PP_ST2_LEVEL_PERCENT);

  assert_int_equal(st.box_count, 0);
  assert_false(st.has_paper_counts);
  assert_string_equal(st.serial, "");
  /* Field 0x20 claims 49 bytes where 34 remain: dropped, record flagged. */
  assert_true(st.truncated);
  assert_false(struct_contains(&st, "unknown", 7));

  expect_wf7515(&want);
  assert_same_st2(&st, &want);
}

/* A prefix keeps exactly the fields that fit whole; nothing else changes. */
static void check_prefixes(const uint8_t *rec, size_t len,
                           const struct pp_st2 *full) {
  for (size_t p = 0; p <= len; p++) {
    struct pp_st2 st;
    int rc = parse_exact(rec, p, &st);
    if (p < HEADER_LEN) {
      assert_int_equal(rc, -EINVAL);
      continue;
    }
    assert_int_equal(rc, 0);
    if (p < len)
      assert_true(st.truncated);
    if (st.has_status)
      assert_int_equal(st.status, full->status);
    if (st.has_error)
      assert_int_equal(st.error, full->error);
    assert_true(st.ink_count == 0 || st.ink_count == full->ink_count);
    assert_memory_equal(st.inks, full->inks, st.ink_count * sizeof st.inks[0]);
    assert_true(st.box_count == 0 || st.box_count == full->box_count);
    assert_memory_equal(st.box_states, full->box_states, st.box_count);
    assert_true(st.serial[0] == '\0' || strcmp(st.serial, full->serial) == 0);
    assert_false(struct_contains(&st, "unknown", 7));
  }
}

static void test_st2_every_prefix_parses_within_bounds(void **state) {
  (void)state;
  struct pp_st2 full;
  expect_xp540(&full);
  check_prefixes(xp540, sizeof xp540, &full);
  expect_wf7515(&full);
  check_prefixes(wf7515, sizeof wf7515, &full);

  /* The status field is complete from byte 15 on, the inks from byte 40. */
  struct pp_st2 st;
  assert_int_equal(parse_exact(xp540, 15, &st), 0);
  assert_true(st.has_status);
  assert_false(st.has_error);
  assert_int_equal(parse_exact(xp540, 39, &st), 0);
  assert_int_equal(st.ink_count, 0);
  assert_int_equal(parse_exact(xp540, 40, &st), 0);
  assert_int_equal(st.ink_count, 5);
}

/* ---- framing quirks ---------------------------------------------------- */

static void test_st2_empty_buffer_has_no_header(void **state) {
  (void)state;
  struct pp_st2 st;
  memset(&st, 0xAA, sizeof st);
  assert_int_equal(parse_exact(xp540, 0, &st), -EINVAL);
  assert_false(st.has_status); /* cleared even on failure */
  assert_int_equal(st.ink_count, 0);
  assert_int_equal(pp_st2_parse(NULL, 0, &st), -EINVAL);
  assert_int_equal(pp_st2_parse(xp540, sizeof xp540, NULL), -EINVAL);
}

static void test_st2_missing_header_is_einval(void **state) {
  (void)state;
  struct pp_st2 st;
  static const uint8_t plain[] = "MFG:EPSON;CMD:ESCPL2;MDL:XP-540;";
  assert_int_equal(parse_exact(plain, sizeof plain - 1, &st), -EINVAL);
  /* Only a complete "BDC ST2\r\n" counts. */
  static const uint8_t no_lf[] = "@BDC ST2\r\x05\x00\x01\x01\x04";
  assert_int_equal(parse_exact(no_lf, sizeof no_lf - 1, &st), -EINVAL);
  static const uint8_t st1[] = "@BDC ST\r\n\x03\x00\x01\x01\x04";
  assert_int_equal(parse_exact(st1, sizeof st1 - 1, &st), -EINVAL);
  /* The '@' is not required: the parser searches for "BDC ST2\r\n". */
  assert_int_equal(parse_exact(xp540 + 1, sizeof xp540 - 1, &st), 0);
  assert_string_equal(st.serial, "X2EA064777");
}

static void test_st2_header_without_length_is_truncated(void **state) {
  (void)state;
  struct pp_st2 st;
  assert_int_equal(parse_exact(xp540, HEADER_LEN, &st), 0);
  assert_true(st.truncated);
  assert_int_equal(parse_exact(xp540, HEADER_LEN + 1, &st), 0);
  assert_true(st.truncated);
  assert_false(st.has_status);
}

static void test_st2_zero_length_record_is_empty_not_truncated(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  rec_end(&r);
  struct pp_st2 st, zero;
  memset(&zero, 0, sizeof zero);
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_same_st2(&st, &zero);
}

static void
test_st2_oversized_length_keeps_fields_and_flags_truncated(void **state) {
  (void)state;
  uint8_t rec[sizeof xp540];
  memcpy(rec, xp540, sizeof rec);
  rec[HEADER_LEN] = 0xFF;
  rec[HEADER_LEN + 1] = 0xFF;
  struct pp_st2 st, want;
  assert_int_equal(parse_exact(rec, sizeof rec, &st), 0);
  expect_xp540(&want);
  want.truncated = true;
  assert_same_st2(&st, &want);
}

static void test_st2_bytes_beyond_length_are_ignored(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x04);
  rec_end(&r);
  FIELD(&r, 0x02, 0x05); /* outside the declared length */
  struct pp_st2 st;
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_true(st.has_status);
  assert_false(st.has_error);
  assert_false(st.truncated);
}

static void test_st2_field_past_declared_length_is_dropped(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x04);
  FIELD(&r, 0x40, 'S', 'N', '1');
  rec_set_length(&r, 3 + 4); /* cuts the serial field in half */
  struct pp_st2 st;
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_true(st.has_status);
  assert_string_equal(st.serial, "");
  assert_true(st.truncated);
}

static void test_st2_leading_nul_is_skipped(void **state) {
  (void)state;
  uint8_t rec[1 + sizeof xp540];
  rec[0] = 0x00;
  memcpy(rec + 1, xp540, sizeof xp540);
  struct pp_st2 st, want;
  assert_int_equal(parse_exact(rec, sizeof rec, &st), 0);
  expect_xp540(&want);
  assert_same_st2(&st, &want);
}

static void test_st2_trailing_form_feed_is_ignored(void **state) {
  (void)state;
  struct pp_st2 st, want;
  expect_xp540(&want);

  uint8_t rec[1 + sizeof xp540 + 1];
  rec[0] = 0x00;
  memcpy(rec + 1, xp540, sizeof xp540);
  rec[sizeof rec - 1] = 0x0C;
  assert_int_equal(parse_exact(rec, sizeof rec, &st), 0);
  assert_same_st2(&st, &want);

  /* Some firmware may count the form feed in the length: still the end. */
  rec[1 + HEADER_LEN] = 0x8A;
  assert_int_equal(parse_exact(rec, sizeof rec, &st), 0);
  assert_same_st2(&st, &want);
}

static void test_st2_field_past_end_is_dropped(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x04);
  FIELD(&r, 0x0F, 0x03, 0x01, 0x00, 0x50, 0x03, 0x01, 0x40);
  FIELD(&r, 0x40, 'A', 'B', 'C');
  rec_end(&r);
  struct pp_st2 st;
  /* Cut inside the ink field: status kept, inks and serial dropped. */
  assert_int_equal(parse_exact(r.b, r.len - 7, &st), 0);
  assert_true(st.has_status);
  assert_int_equal(st.status, 0x04);
  assert_int_equal(st.ink_count, 0);
  assert_string_equal(st.serial, "");
  assert_true(st.truncated);
  /* A lone type byte with no length byte is a field past the end too. */
  assert_int_equal(parse_exact(r.b, 12 + 3 + 1, &st), 0);
  assert_true(st.has_status);
  assert_true(st.truncated);
}

/* ---- field quirks ------------------------------------------------------ */

static void test_st2_boxes_with_one_byte_per_box(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x37, 0x01, 0x00, 0x01, 0x02);
  rec_end(&r);
  struct pp_st2 st;
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_int_equal(st.box_count, 3);
  assert_int_equal(st.box_states[0], 0x00);
  assert_int_equal(st.box_states[1], 0x01);
  assert_string_equal(pp_st2_box_state_name(st.box_states[1]), "near-full");
  assert_int_equal(st.box_states[2], 0x02);
}

static void test_st2_boxes_with_two_bytes_per_box_read_the_first(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  /* Second bytes 0x02 must not be taken for states; the last box is half. */
  FIELD(&r, 0x37, 0x02, 0x01, 0x02, 0x00, 0x02, 0x02);
  rec_end(&r);
  struct pp_st2 st;
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_int_equal(st.box_count, 2);
  assert_int_equal(st.box_states[0], 0x01);
  assert_int_equal(st.box_states[1], 0x00);
}

static void test_st2_boxes_with_zero_stride_or_too_many_boxes(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x37, 0x00, 0x01, 0x01);
  rec_end(&r);
  struct pp_st2 st;
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_int_equal(st.box_count, 0);

  rec_start(&r);
  FIELD(&r, 0x37, 0x01, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2);
  rec_end(&r);
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_int_equal(st.box_count, PP_ST2_MAX_BOXES);
  assert_int_equal(st.box_states[7], 1);
}

static void test_st2_paper_counts_only_with_20_bytes(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x36, 0xE8, 0x03, 0x00, 0x00, 0xC8, 0x00, 0x00, 0x00, 0x2C, 0x01,
        0x00, 0x00, 0x90, 0x01, 0x00, 0x00, 0x01, 0x02, 0x03, 0x84);
  rec_end(&r);
  struct pp_st2 st;
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_true(st.has_paper_counts);
  assert_int_equal(st.paper_counts[0], 1000);
  assert_int_equal(st.paper_counts[1], 200);
  assert_int_equal(st.paper_counts[2], 300);
  assert_int_equal(st.paper_counts[3], 400);
  assert_int_equal(st.paper_counts[4], 0x84030201u); /* top bit, unsigned */

  uint8_t value[24];
  memset(value, 0x11, sizeof value);
  static const size_t other[] = {0, 4, 16, 19, 21, 24};
  for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
    rec_start(&r);
    rec_field(&r, 0x36, value, other[i]);
    rec_end(&r);
    assert_int_equal(parse_exact(r.b, r.len, &st), 0);
    assert_false(st.has_paper_counts);
    assert_int_equal(st.paper_counts[0], 0);
  }
}

static void test_st2_inks_with_wider_records_read_first_three(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x0F, 0x04, 0x01, 0x00, 0x32, 0xFF, 0x03, 0x01, 0x19, 0xFF, 0x05);
  rec_end(&r);
  struct pp_st2 st;
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_int_equal(st.ink_count, 2); /* the trailing partial record is not */
  assert_ink(&st.inks[0], 0x01, 0x00, 50);
  assert_ink(&st.inks[1], 0x03, 0x01, 25);
}

static void test_st2_inks_with_record_size_below_3_are_ignored(void **state) {
  (void)state;
  for (uint8_t size = 0; size < 3; size++) {
    struct rec r;
    rec_start(&r);
    FIELD(&r, 0x0F, size, 0x01, 0x00, 0x32, 0x03, 0x01, 0x19);
    rec_end(&r);
    struct pp_st2 st;
    assert_int_equal(parse_exact(r.b, r.len, &st), 0);
    assert_int_equal(st.ink_count, 0);
    assert_false(st.truncated);
  }
}

static void test_st2_more_than_16_inks_keep_the_first(void **state) {
  (void)state;
  uint8_t value[1 + 3 * 20];
  value[0] = 3;
  for (uint8_t i = 0; i < 20; i++) {
    value[1 + 3 * i] = i;
    value[2 + 3 * i] = i;
    value[3 + 3 * i] = (uint8_t)(5 * i);
  }
  struct rec r;
  rec_start(&r);
  rec_field(&r, 0x0F, value, sizeof value);
  rec_end(&r);
  struct pp_st2 st;
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_int_equal(st.ink_count, PP_ST2_MAX_INKS);
  assert_ink(&st.inks[15], 15, 15, 75);
}

static void test_st2_special_levels_are_never_percentages(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x0F, 0x03, 0x01, 0x00, 0x00, 0x03, 0x01, 100, 0x04, 0x02, 0x6E,
        0x05, 0x03, 0x77, 0x0A, 0x08, 0x67, 0x0B, 0x00, 0x72, 0x06, 0x04, 101);
  rec_end(&r);
  struct pp_st2 st;
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_int_equal(st.ink_count, 7);
  static const enum pp_st2_level_kind want[] = {
      PP_ST2_LEVEL_PERCENT, PP_ST2_LEVEL_PERCENT,       PP_ST2_LEVEL_MISSING,
      PP_ST2_LEVEL_FAILED,  PP_ST2_LEVEL_NOT_AVAILABLE, PP_ST2_LEVEL_FAILED,
      PP_ST2_LEVEL_INVALID,
  };
  for (size_t i = 0; i < st.ink_count; i++)
    assert_int_equal(pp_st2_level_kind(st.inks[i].level), want[i]);
}

static void test_st2_warnings_kept_in_order_and_capped(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x04, 0x12, 0x44, 0x52, 0x71, 0x99);
  rec_end(&r);
  struct pp_st2 st;
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_int_equal(st.warning_count, 5);
  assert_memory_equal(st.warnings, "\x12\x44\x52\x71\x99", 5);

  uint8_t many[PP_ST2_MAX_WARNINGS + 1]; /* one too many */
  for (uint8_t i = 0; i < sizeof many; i++)
    many[i] = (uint8_t)(0x10 + i);
  rec_start(&r);
  rec_field(&r, 0x04, many, sizeof many);
  rec_end(&r);
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_int_equal(st.warning_count, PP_ST2_MAX_WARNINGS);
  assert_memory_equal(st.warnings, many, PP_ST2_MAX_WARNINGS);
}

static void test_st2_serial_must_be_printable_ascii(void **state) {
  (void)state;
  struct rec r;
  struct pp_st2 st;

  rec_start(&r); /* NUL and space padding is trimmed */
  FIELD(&r, 0x40, 'Q', '7', 'W', ' ', 'X', ' ', '\0', '\0');
  rec_end(&r);
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_string_equal(st.serial, "Q7W X");

  rec_start(&r); /* a control byte makes it garbage, not a serial */
  FIELD(&r, 0x40, 'Q', '7', '\n', 'X');
  rec_end(&r);
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_string_equal(st.serial, "");

  rec_start(&r); /* so does a NUL inside */
  FIELD(&r, 0x40, 'Q', '\0', 'X');
  rec_end(&r);
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_string_equal(st.serial, "");

  rec_start(&r); /* non-ASCII */
  FIELD(&r, 0x40, 'Q', 0xC3, 0xA9);
  rec_end(&r);
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_string_equal(st.serial, "");

  uint8_t longest[PP_ST2_SERIAL_SIZE];
  memset(longest, 'A', sizeof longest);
  rec_start(&r); /* 31 characters fit, 32 would be cut: dropped */
  rec_field(&r, 0x40, longest, sizeof longest - 1);
  rec_end(&r);
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_int_equal(strlen(st.serial), sizeof longest - 1);
  rec_start(&r);
  rec_field(&r, 0x40, longest, sizeof longest);
  rec_end(&r);
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_string_equal(st.serial, "");
}

static void test_st2_empty_known_fields_are_ignored(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  rec_field(&r, 0x01, NULL, 0);
  rec_field(&r, 0x02, NULL, 0);
  rec_field(&r, 0x0F, NULL, 0);
  rec_field(&r, 0x37, NULL, 0);
  rec_field(&r, 0x40, NULL, 0);
  rec_field(&r, 0x04, NULL, 0);
  rec_end(&r);
  struct pp_st2 st, zero;
  memset(&zero, 0, sizeof zero);
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_same_st2(&st, &zero);
}

static void test_st2_later_field_replaces_earlier(void **state) {
  (void)state;
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x02);
  FIELD(&r, 0x0F, 0x03, 0x01, 0x00, 0x10, 0x03, 0x01, 0x20);
  FIELD(&r, 0x40, 'L', 'O', 'N', 'G', 'E', 'R');
  FIELD(&r, 0x01, 0x04);
  FIELD(&r, 0x0F, 0x03, 0x05, 0x03, 0x30);
  FIELD(&r, 0x40, 'S', 'H');
  FIELD(&r, 0x0F, 0x01, 0x09); /* malformed: does not wipe the inks */
  rec_end(&r);
  struct pp_st2 st;
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_int_equal(st.status, 0x04);
  assert_int_equal(st.ink_count, 1);
  assert_ink(&st.inks[0], 0x05, 0x03, 0x30);
  assert_string_equal(st.serial, "SH");
  assert_false(struct_contains(&st, "ONG", 3)); /* no stale tail */
}

/* The result must not depend on a single byte of the job name or of an
 * unknown field: proof that none of them is copied. */
static void
test_st2_job_name_and_unknown_bytes_never_change_result(void **state) {
  (void)state;
  const uint8_t *recs[] = {xp540, wf7515};
  const size_t lens[] = {sizeof xp540, sizeof wf7515};
  static const uint8_t fills[] = {0x00, 0x01, 0x0C, 0x20, 0x41, 0x69, 0xFF};
  for (size_t k = 0; k < 2; k++) {
    uint8_t rec[256];
    size_t len = lens[k];
    memcpy(rec, recs[k], len);
    struct pp_st2 base, st;
    assert_int_equal(parse_exact(rec, len, &base), 0);
    size_t changed = 0;
    for (size_t pos = 12; pos + 2 <= len;) {
      uint8_t type = rec[pos];
      size_t n = rec[pos + 1];
      bool private =
          type == 0x19 ||
          (type != 0x01 && type != 0x02 && type != 0x04 && type != 0x0F &&
           type != 0x36 && type != 0x37 && type != 0x40);
      size_t stop = pos + 2 + n < len ? pos + 2 + n : len;
      for (size_t i = pos + 2; private && i < stop; i++) {
        uint8_t saved = rec[i];
        for (size_t f = 0; f < sizeof fills; f++) {
          rec[i] = fills[f];
          assert_int_equal(parse_exact(rec, len, &st), 0);
          assert_same_st2(&st, &base);
          changed++;
        }
        rec[i] = saved;
      }
      pos += 2 + n;
    }
    assert_true(changed > 50);
  }
}

static void test_st2_synthetic_job_name_does_not_leak(void **state) {
  (void)state;
  static const char job[] = "Payroll-Q3-confidential.pdf";
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x03);
  rec_field(&r, 0x19, (const uint8_t *)job, sizeof job - 1);
  rec_field(&r, 0x7E, (const uint8_t *)"SECRET", 6);
  FIELD(&r, 0x40, 'S', 'N');
  rec_end(&r);
  struct pp_st2 st;
  assert_int_equal(parse_exact(r.b, r.len, &st), 0);
  assert_string_equal(pp_st2_status_name(st.status), "waiting");
  assert_string_equal(st.serial, "SN");
  assert_false(struct_contains(&st, "Pay", 3));
  assert_false(struct_contains(&st, "dential", 7));
  assert_false(struct_contains(&st, "SEC", 3));
}

/* ---- names and texts --------------------------------------------------- */

static void test_st2_status_names(void **state) {
  (void)state;
  static const struct {
    uint8_t code;
    const char *name;
  } names[] = {
      {0x00, "error"},         {0x01, "self-printing"},
      {0x02, "busy"},          {0x03, "waiting"},
      {0x04, "idle"},          {0x05, "paused"},
      {0x07, "cleaning"},      {0x08, "not-initialised"},
      {0x0A, "shutting-down"}, {0x0D, "busy"},
      {0x0F, "nozzle-check"},  {0x11, "ink-charging"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    assert_string_equal(pp_st2_status_name(names[i].code), names[i].name);
  assert_null(pp_st2_status_name(0x06));
  assert_null(pp_st2_status_name(0x12));
  assert_null(pp_st2_status_name(0xFF));
}

static void test_st2_error_texts_and_unknown_codes(void **state) {
  (void)state;
  assert_string_equal(pp_st2_error_text(0x10),
                      "waste-ink pads full - service required");
  assert_string_equal(pp_st2_error_text(0x00), "fatal error");
  assert_string_equal(pp_st2_error_text(0x04), "paper jam");
  assert_string_equal(pp_st2_error_text(0x0A), pp_st2_error_text(0x0C));
  assert_string_equal(pp_st2_error_text(0x2F), pp_st2_error_text(0x31));
  assert_string_equal(pp_st2_error_text(0x4B), "driver mismatch");
  static const uint8_t known[] = {
      0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x0A, 0x0C, 0x10, 0x11,
      0x12, 0x1A, 0x1C, 0x1D, 0x22, 0x25, 0x29, 0x2A, 0x2B, 0x2C,
      0x2F, 0x30, 0x31, 0x33, 0x36, 0x37, 0x41, 0x47, 0x4A, 0x4B,
  };
  size_t n = 0;
  for (unsigned c = 0; c < 256; c++) {
    if (pp_st2_error_text((uint8_t)c) != NULL) {
      assert_true(n < sizeof known);
      assert_int_equal(c, known[n++]);
    }
  }
  assert_int_equal(n, sizeof known);
}

static void test_st2_colour_names(void **state) {
  (void)state;
  static const char *const want[] = {
      "black",
      "cyan",
      "magenta",
      "yellow",
      "light-cyan",
      "light-magenta",
      "light-yellow",
      "dark-yellow",
      "light-black",
      "red",
      "violet",
      "clear",
      "light-light-black",
      "orange",
      "green",
      "white",
  };
  for (uint8_t i = 0; i < 16; i++)
    assert_string_equal(pp_st2_colour_name(i), want[i]);
  assert_string_equal(pp_st2_colour_name(0x40), "composite");
  assert_null(pp_st2_colour_name(0x10));
  assert_null(pp_st2_colour_name(0x3F));
  assert_null(pp_st2_colour_name(0x41));
  assert_null(pp_st2_colour_name(0xFF));
}

static void test_st2_box_state_names(void **state) {
  (void)state;
  assert_string_equal(pp_st2_box_state_name(0), "ok");
  assert_string_equal(pp_st2_box_state_name(1), "near-full");
  assert_string_equal(pp_st2_box_state_name(2), "full");
  assert_null(pp_st2_box_state_name(3));
}

static void assert_warning(uint8_t code, const char *want) {
  char buf[64];
  int n = pp_st2_warning_text(code, buf, sizeof buf);
  assert_string_equal(buf, want);
  assert_int_equal(n, (int)strlen(want));
}

static void test_st2_warning_texts_name_the_ink_record(void **state) {
  (void)state;
  assert_warning(0x10, "ink low (ink record 0)");
  assert_warning(0x12, "ink low (ink record 2)");
  assert_warning(0x1A, "ink low (ink record 10)");
  assert_warning(0x71, "ink low (ink record 0)");
  assert_warning(0x7A, "ink low (ink record 9)");
  assert_warning(0x44, "printing in black only");
  assert_warning(0x52, "cleaning disabled (record 1)");
  assert_warning(0x5A, "cleaning disabled (record 9)");
  assert_warning(0x1B, "warning code 0x1B");
  assert_warning(0x50, "warning code 0x50");
  assert_warning(0x7B, "warning code 0x7B");
  assert_warning(0x00, "warning code 0x00");
  assert_warning(0xFF, "warning code 0xFF");

  assert_int_equal(pp_st2_warning_ink_record(0x13), 3);
  assert_int_equal(pp_st2_warning_ink_record(0x53), 2);
  assert_int_equal(pp_st2_warning_ink_record(0x44), -1);
  assert_int_equal(pp_st2_warning_ink_record(0x0F), -1);

  /* snprintf contract: the full length is returned, the text is cut. */
  char small[8];
  assert_int_equal(pp_st2_warning_text(0x44, small, sizeof small), 22);
  assert_string_equal(small, "printin");
  assert_int_equal(pp_st2_warning_text(0x44, NULL, 0), 22);
  assert_int_equal(pp_st2_warning_text(0x44, NULL, 5), -EINVAL);
}

static void test_st2_level_kinds(void **state) {
  (void)state;
  for (unsigned l = 0; l <= 100; l++)
    assert_int_equal(pp_st2_level_kind((uint8_t)l), PP_ST2_LEVEL_PERCENT);
  assert_int_equal(pp_st2_level_kind(0x69), PP_ST2_LEVEL_UNREADABLE);
  assert_int_equal(pp_st2_level_kind(0x6E), PP_ST2_LEVEL_MISSING);
  assert_int_equal(pp_st2_level_kind(0x77), PP_ST2_LEVEL_FAILED);
  assert_int_equal(pp_st2_level_kind(0x72), PP_ST2_LEVEL_FAILED);
  assert_int_equal(pp_st2_level_kind(0x67), PP_ST2_LEVEL_NOT_AVAILABLE);
  assert_int_equal(pp_st2_level_kind(101), PP_ST2_LEVEL_INVALID);
  assert_int_equal(pp_st2_level_kind(0x68), PP_ST2_LEVEL_INVALID);
  assert_int_equal(pp_st2_level_kind(0xFF), PP_ST2_LEVEL_INVALID);
}

/* ---- seed corpus and fuzzing ------------------------------------------- */

#define FUZZ_MAX_SEEDS 64
#define FUZZ_MAX_SEED_LEN 1024
#define FUZZ_MAX_INPUT 4096

struct seed {
  uint8_t b[FUZZ_MAX_SEED_LEN];
  size_t len;
};

static struct seed seeds[FUZZ_MAX_SEEDS];
static size_t seed_count;
static size_t file_seed_count;
static bool corpus_found;

static void add_seed(const uint8_t *b, size_t len) {
  if (seed_count == FUZZ_MAX_SEEDS || len > FUZZ_MAX_SEED_LEN)
    return;
  memcpy(seeds[seed_count].b, b, len);
  seeds[seed_count++].len = len;
}

static void corpus_dir(char *out, size_t outlen) {
  const char *root = getenv("PP_TEST_DATA");
  if (root == NULL || root[0] == '\0')
    root = "tests";
  snprintf(out, outlen, "%s/fuzz/st2", root);
}

static void load_corpus(void) {
  char dir[512];
  corpus_dir(dir, sizeof dir);
  DIR *d = opendir(dir);
  if (d == NULL)
    return;
  corpus_found = true;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
      continue;
    uint8_t b[FUZZ_MAX_SEED_LEN];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    add_seed(b, n);
    file_seed_count++;
  }
  closedir(d);
}

static int setup_seeds(void **state) {
  (void)state;
  seed_count = 0;
  file_seed_count = 0;
  add_seed(xp540, sizeof xp540);
  add_seed(wf7515, sizeof wf7515);
  struct rec r;
  rec_start(&r);
  FIELD(&r, 0x01, 0x04);
  FIELD(&r, 0x04, 0x10, 0x44, 0x52, 0x72);
  FIELD(&r, 0x0F, 0x03, 0x01, 0x00, 0x00, 0x03, 0x01, 100, 0x04, 0x02, 0x6E);
  FIELD(&r, 0x19, 'j', 'o', 'b');
  FIELD(&r, 0x36, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0);
  FIELD(&r, 0x37, 0x01, 0x00, 0x01);
  FIELD(&r, 0x40, 'A', 'B', 'C', '1');
  rec_end(&r);
  add_seed(r.b, r.len);
  load_corpus();
  return 0;
}

static void test_st2_corpus_files_parse(void **state) {
  (void)state;
  if (!corpus_found) {
    char dir[512];
    corpus_dir(dir, sizeof dir);
    print_message("no seed corpus at %s (set PP_TEST_DATA)\n", dir);
    skip();
  }
  assert_true(file_seed_count >= 2);
  bool has_xp540 = false, has_wf7515 = false;
  for (size_t i = seed_count - file_seed_count; i < seed_count; i++) {
    struct pp_st2 st;
    assert_int_equal(parse_exact(seeds[i].b, seeds[i].len, &st), 0);
    has_xp540 |= seeds[i].len == sizeof xp540 &&
                 memcmp(seeds[i].b, xp540, sizeof xp540) == 0;
    has_wf7515 |= seeds[i].len == sizeof wf7515 &&
                  memcmp(seeds[i].b, wf7515, sizeof wf7515) == 0;
  }
  /* The corpus and the vectors above must not drift apart. */
  assert_true(has_xp540);
  assert_true(has_wf7515);
}

/* splitmix64: tiny, good enough, and the same sequence on every run. */
static uint64_t rng_state;

static uint64_t rng_next(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

static size_t rng_below(size_t n) { return n ? rng_next() % n : 0; }

static uint8_t interesting_byte(void) {
  static const uint8_t v[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x0C, 0x0F,
                              0x10, 0x14, 0x19, 0x36, 0x37, 0x40, 0x64,
                              0x65, 0x69, 0x6E, 0x7F, 0x80, 0xFE, 0xFF};
  return v[rng_below(sizeof v)];
}

struct input {
  uint8_t b[FUZZ_MAX_INPUT];
  size_t len;
};

static void in_insert(struct input *in, size_t at, const uint8_t *src,
                      size_t n) {
  if (n > FUZZ_MAX_INPUT - in->len)
    n = FUZZ_MAX_INPUT - in->len;
  memmove(in->b + at + n, in->b + at, in->len - at);
  memcpy(in->b + at, src, n);
  in->len += n;
}

static void mutate_once(struct input *in) {
  size_t at = rng_below(in->len + 1);
  switch (rng_below(8)) {
  case 0: /* bit flip */
    if (in->len > 0)
      in->b[rng_below(in->len)] ^= (uint8_t)(1u << rng_below(8));
    break;
  case 1: /* interesting byte */
    if (in->len > 0)
      in->b[rng_below(in->len)] = interesting_byte();
    break;
  case 2: { /* insert random bytes */
    uint8_t junk[8];
    size_t n = 1 + rng_below(sizeof junk);
    for (size_t i = 0; i < n; i++)
      junk[i] = (uint8_t)rng_next();
    in_insert(in, at, junk, n);
    break;
  }
  case 3: { /* delete a range */
    size_t n = rng_below(in->len - at + 1);
    memmove(in->b + at, in->b + at + n, in->len - at - n);
    in->len -= n;
    break;
  }
  case 4: /* truncate */
    in->len = at;
    break;
  case 5: { /* splice in a chunk of a seed */
    const struct seed *s = &seeds[rng_below(seed_count)];
    size_t from = rng_below(s->len + 1);
    size_t n = rng_below(s->len - from + 1);
    in_insert(in, at, s->b + from, n);
    break;
  }
  case 6: /* lie in the record length */
    if (in->len >= HEADER_LEN + 2 + 1) {
      in->b[HEADER_LEN + rng_below(2)] = interesting_byte();
    }
    break;
  default: { /* duplicate a chunk of itself */
    uint8_t chunk[64];
    size_t from = rng_below(in->len + 1);
    size_t n = rng_below(in->len - from + 1);
    if (n > sizeof chunk)
      n = sizeof chunk;
    memcpy(chunk, in->b + from, n);
    in_insert(in, at, chunk, n);
    break;
  }
  }
}

static void gen_mutated(struct input *in) {
  const struct seed *s = &seeds[rng_below(seed_count)];
  memcpy(in->b, s->b, s->len);
  in->len = s->len;
  size_t rounds = 1 + rng_below(6);
  for (size_t i = 0; i < rounds; i++)
    mutate_once(in);
}

static void gen_random(struct input *in) {
  in->len = rng_below(300);
  for (size_t i = 0; i < in->len; i++)
    in->b[i] = (uint8_t)rng_next();
  if (rng_below(2) && in->len >= HEADER_LEN) {
    size_t at = rng_below(in->len - HEADER_LEN + 1);
    memcpy(in->b + at, "@BDC ST2\r\n", HEADER_LEN);
  }
}

/* A well-framed record of random fields whose job name and unknown values
 * come from payload_seed alone: two payload seeds must decode the same. */
static void gen_structured(struct input *in, uint64_t layout_seed,
                           uint64_t payload_seed, size_t cut) {
  static const uint8_t types[] = {0x01, 0x02, 0x04, 0x0F, 0x19,
                                  0x22, 0x36, 0x37, 0x40, 0x13};
  uint64_t saved = rng_state;
  uint64_t payload = payload_seed;
  rng_state = layout_seed;
  struct rec r;
  rec_start(&r);
  size_t fields = rng_below(12);
  for (size_t f = 0; f < fields; f++) {
    uint8_t type =
        rng_below(4) ? types[rng_below(sizeof types)] : (uint8_t)rng_next();
    size_t n = rng_below(4) ? rng_below(24) : rng_below(256);
    if (n > sizeof r.b - r.len - 2 - 2)
      break;
    uint8_t v[255];
    bool private =
        type == 0x19 ||
        (type != 0x01 && type != 0x02 && type != 0x04 && type != 0x0F &&
         type != 0x36 && type != 0x37 && type != 0x40);
    for (size_t i = 0; i < n; i++) {
      uint64_t keep = rng_state;
      if (private) {
        rng_state = payload;
        v[i] = (uint8_t)rng_next();
        payload = rng_state;
        rng_state = keep;
      } else {
        v[i] = i == 0 && rng_below(2) ? (uint8_t)(1 + rng_below(4))
                                      : (uint8_t)rng_next();
      }
    }
    rec_field(&r, type, v, n);
  }
  rec_end(&r);
  if (rng_below(8) == 0)
    rec_set_length(&r, rng_below(0x10000));
  if (rng_below(4) == 0) {
    uint8_t ff = 0x0C;
    rec_raw(&r, &ff, 1);
  }
  rng_state = saved;
  in->len = cut < r.len ? cut : r.len;
  memcpy(in->b, r.b, in->len);
}

static void check_invariants(int rc, const struct pp_st2 *st) {
  assert_true(rc == 0 || rc == -EINVAL);
  if (rc != 0) {
    struct pp_st2 zero;
    memset(&zero, 0, sizeof zero);
    assert_same_st2(st, &zero);
    return;
  }
  assert_true(st->warning_count <= PP_ST2_MAX_WARNINGS);
  assert_true(st->ink_count <= PP_ST2_MAX_INKS);
  assert_true(st->box_count <= PP_ST2_MAX_BOXES);
  size_t n = strnlen(st->serial, sizeof st->serial);
  assert_true(n < sizeof st->serial);
  for (size_t i = 0; i < n; i++)
    assert_true(st->serial[i] >= 0x20 && st->serial[i] <= 0x7E);
  for (size_t i = n; i < sizeof st->serial; i++)
    assert_int_equal(st->serial[i], 0);
  if (!st->has_status)
    assert_int_equal(st->status, 0);
  if (!st->has_error)
    assert_int_equal(st->error, 0);
  if (!st->has_paper_counts)
    assert_int_equal(st->paper_counts[0] | st->paper_counts[4], 0);
}

#define FUZZ_ITERATIONS 300000

static void test_st2_fuzz_random_and_mutated_records(void **state) {
  (void)state;
  static struct input in;
  struct pp_st2 st, other;
  size_t parsed = 0;
  rng_state = 0x5EED5EED12345678u;
  for (size_t iter = 0; iter < FUZZ_ITERATIONS; iter++) {
    switch (iter % 4) {
    case 0:
      gen_random(&in);
      break;
    case 1:
    case 2:
      gen_mutated(&in);
      break;
    default: {
      uint64_t layout = rng_next();
      size_t cut = rng_below(4) ? SIZE_MAX : rng_below(600);
      gen_structured(&in, layout, rng_next(), cut);
      int rc = parse_exact(in.b, in.len, &st);
      check_invariants(rc, &st);
      gen_structured(&in, layout, rng_next(), cut);
      assert_int_equal(parse_exact(in.b, in.len, &other), rc);
      assert_same_st2(&st, &other); /* private bytes changed nothing */
      parsed += rc == 0;
      continue;
    }
    }
    int rc = parse_exact(in.b, in.len, &st);
    check_invariants(rc, &st);
    parsed += rc == 0;
  }
  /* Most inputs must get past the header, or the fuzzing proves little. */
  assert_true(parsed > FUZZ_ITERATIONS / 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_st2_xp540_decodes_every_field),
      cmocka_unit_test(test_st2_xp540_job_name_and_unknown_fields_do_not_leak),
      cmocka_unit_test(test_st2_wf7515_decodes_every_field_and_is_truncated),
      cmocka_unit_test(test_st2_every_prefix_parses_within_bounds),
      cmocka_unit_test(test_st2_empty_buffer_has_no_header),
      cmocka_unit_test(test_st2_missing_header_is_einval),
      cmocka_unit_test(test_st2_header_without_length_is_truncated),
      cmocka_unit_test(test_st2_zero_length_record_is_empty_not_truncated),
      cmocka_unit_test(
          test_st2_oversized_length_keeps_fields_and_flags_truncated),
      cmocka_unit_test(test_st2_bytes_beyond_length_are_ignored),
      cmocka_unit_test(test_st2_field_past_declared_length_is_dropped),
      cmocka_unit_test(test_st2_leading_nul_is_skipped),
      cmocka_unit_test(test_st2_trailing_form_feed_is_ignored),
      cmocka_unit_test(test_st2_field_past_end_is_dropped),
      cmocka_unit_test(test_st2_boxes_with_one_byte_per_box),
      cmocka_unit_test(test_st2_boxes_with_two_bytes_per_box_read_the_first),
      cmocka_unit_test(test_st2_boxes_with_zero_stride_or_too_many_boxes),
      cmocka_unit_test(test_st2_paper_counts_only_with_20_bytes),
      cmocka_unit_test(test_st2_inks_with_wider_records_read_first_three),
      cmocka_unit_test(test_st2_inks_with_record_size_below_3_are_ignored),
      cmocka_unit_test(test_st2_more_than_16_inks_keep_the_first),
      cmocka_unit_test(test_st2_special_levels_are_never_percentages),
      cmocka_unit_test(test_st2_warnings_kept_in_order_and_capped),
      cmocka_unit_test(test_st2_serial_must_be_printable_ascii),
      cmocka_unit_test(test_st2_empty_known_fields_are_ignored),
      cmocka_unit_test(test_st2_later_field_replaces_earlier),
      cmocka_unit_test(test_st2_job_name_and_unknown_bytes_never_change_result),
      cmocka_unit_test(test_st2_synthetic_job_name_does_not_leak),
      cmocka_unit_test(test_st2_status_names),
      cmocka_unit_test(test_st2_error_texts_and_unknown_codes),
      cmocka_unit_test(test_st2_colour_names),
      cmocka_unit_test(test_st2_box_state_names),
      cmocka_unit_test(test_st2_warning_texts_name_the_ink_record),
      cmocka_unit_test(test_st2_level_kinds),
      cmocka_unit_test(test_st2_corpus_files_parse),
      cmocka_unit_test(test_st2_fuzz_random_and_mutated_records),
  };
  return cmocka_run_group_tests(tests, setup_seeds, NULL);
}
