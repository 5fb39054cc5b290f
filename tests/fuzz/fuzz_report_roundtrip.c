/* SPDX-License-Identifier: MIT */
/* The report round trip over the whole model: the input's bytes fill a
 * printer (texts through pp_clean_text as decoders fill them, numbers
 * anywhere in their range plus the special ones, supply percent and state
 * from pp_supply_derive, vendor counters by profile words, up to a few
 * supplies and alerts more than the parser keeps), and what
 * pp_report_json_printer writes must be read back by
 * pp_report_parse_printer and written again to the same text. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_report_util.h"
#include "fuzz_util.h"
#include "pp_decode.h"
#include "pp_model.h"
#include "pp_str.h"

struct bytes {
  const uint8_t *p;
  size_t left;
};

static uint8_t take_u8(struct bytes *b) {
  if (b->left == 0)
    return 0;
  b->left--;
  return *b->p++;
}

static uint64_t take_u64(struct bytes *b, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++)
    v = v << 8 | take_u8(b);
  return v;
}

static int64_t take_i64(struct bytes *b) {
  switch (take_u8(b) % 10) {
  case 0:
    return PP_UNKNOWN;
  case 1:
    return -1;
  case 2:
    return -2;
  case 3:
    return -3;
  case 4:
    return INT64_MAX;
  case 5:
    return INT64_MIN + 1;
  case 6:
    return (int64_t)take_u8(b);
  default:
    return (int64_t)take_u64(b, 8);
  }
}

static uint64_t take_count(struct bytes *b) {
  switch (take_u8(b) % 4) {
  case 0:
    return PP_COUNT_UNKNOWN;
  case 1:
    return PP_COUNT_UNKNOWN - 1;
  default:
    return take_u64(b, 8);
  }
}

static int take_int(struct bytes *b) {
  uint8_t how = take_u8(b);
  if (how < 0xf0)
    return how;
  return (int)(int32_t)(uint32_t)take_u64(b, 4);
}

static bool take_bool(struct bytes *b) { return take_u8(b) & 1; }

/* Mostly a few rows; now and then about as many as the parser keeps, or a
 * few more (rows left over when the input runs out are all zero). */
static size_t take_rows(struct bytes *b) {
  uint8_t how = take_u8(b);
  if (how < 0xf0)
    return how % 16;
  return PP_MAX_TABLE_ROWS - 4 + how % 12;
}

/* Printer text as a decoder stores it. */
static void take_text(struct bytes *b, char *out, size_t size) {
  size_t len = take_u8(b);
  if (len > b->left)
    len = b->left;
  pp_clean_text(b->p, len, out, size);
  b->p += len;
  b->left -= len;
}

static void fill_supply(struct bytes *b, struct pp_supply *s) {
  s->index = take_int(b);
  take_text(b, s->description, sizeof s->description);
  if (take_bool(b)) {
    const char *colour = pp_colour_from_text(s->description);
    pp_strlcpy(s->colour, colour != NULL ? colour : "", sizeof s->colour);
  } else {
    take_text(b, s->colour, sizeof s->colour);
  }
  s->type = take_int(b);
  s->receptacle = take_bool(b);
  s->unit = take_int(b);
  s->level = take_i64(b);
  s->max = take_i64(b);
  pp_supply_derive(s);
}

static void fill_alert(struct bytes *b, struct pp_alert *a) {
  a->index = take_int(b);
  a->severity = take_int(b);
  take_text(b, a->group, sizeof a->group);
  a->group_index = take_int(b);
  a->location = take_int(b);
  a->code = take_int(b);
  take_text(b, a->description, sizeof a->description);
}

static void fill_printer(struct bytes *b, struct pp_printer *p) {
  static const char *const counter_words[] = {
      "colour", "mono", "duplex", "scan", "fax", "copy", "print", "a3-sheets"};
  char address[sizeof p->address];
  take_text(b, address, sizeof address);
  pp_printer_init(p, address[0] ? address : "192.0.2.1");
  p->reachable = take_bool(b);
  take_text(b, p->error, sizeof p->error);
  take_text(b, p->name, sizeof p->name);
  take_text(b, p->manufacturer, sizeof p->manufacturer);
  take_text(b, p->model, sizeof p->model);
  take_text(b, p->serial, sizeof p->serial);
  take_text(b, p->firmware, sizeof p->firmware);
  unsigned char mac[6];
  for (size_t i = 0; i < sizeof mac; i++)
    mac[i] = take_u8(b);
  pp_format_mac(mac, sizeof mac, p->mac, sizeof p->mac);
  p->status.printer = take_u8(b) % 8;
  p->status.device = take_u8(b) % 8;
  p->status.errors = (uint32_t)take_u64(b, 4);
  p->status.error_bytes = take_u8(b) % 3;
  p->status.asleep = take_bool(b);
  p->counters.total = take_count(b);
  p->counters.unit = take_int(b);
  p->counters.power_on = take_count(b);
  size_t vendor = take_u8(b) % (PP_MAX_VENDOR_COUNTERS + 1);
  for (size_t i = 0; i < vendor; i++) {
    const char *word = counter_words[take_u8(b) % 8];
    (void)pp_printer_set_counter(p, word, take_count(b));
  }
  size_t supplies = take_rows(b);
  for (size_t i = 0; i < supplies; i++) {
    struct pp_supply *s = pp_printer_add_supply(p);
    FUZZ_CHECK(s != NULL);
    fill_supply(b, s);
  }
  size_t alerts = take_rows(b);
  for (size_t i = 0; i < alerts; i++) {
    struct pp_alert *a = pp_printer_add_alert(p);
    FUZZ_CHECK(a != NULL);
    fill_alert(b, a);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct bytes b = {.p = data, .left = size};
  struct pp_printer p;
  fill_printer(&b, &p);
  fuzz_check_round_trip(&p);
  pp_printer_clear(&p);
  return 0;
}
