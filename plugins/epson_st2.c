/* SPDX-License-Identifier: MIT */
#include "epson_st2.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The '@' before it is not required: the record is found by this alone
 * (docs/epson.md, framing). */
static const char st2_magic[] = "BDC ST2\r\n";
#define ST2_MAGIC_LEN (sizeof st2_magic - 1)

#define ST2_FORM_FEED 0x0C
#define ST2_PAPER_COUNTS_LEN (4 * PP_ST2_PAPER_COUNTS)

enum st2_type {
  ST2_STATUS = 0x01,
  ST2_ERROR = 0x02,
  ST2_WARNINGS = 0x04,
  ST2_INKS = 0x0F,
  ST2_JOB_NAME = 0x19,
  ST2_PAPER_COUNTS = 0x36,
  ST2_BOXES = 0x37,
  ST2_SERIAL = 0x40,
};

/* Sets *body to the offset just past the header. */
static bool find_header(const uint8_t *buf, size_t len, size_t *body) {
  if (buf == NULL || len < ST2_MAGIC_LEN)
    return false;
  for (size_t i = 0; i <= len - ST2_MAGIC_LEN; i++) {
    if (memcmp(buf + i, st2_magic, ST2_MAGIC_LEN) == 0) {
      *body = i + ST2_MAGIC_LEN;
      return true;
    }
  }
  return false;
}

static uint32_t read_le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static void parse_warnings(struct pp_st2 *out, const uint8_t *v, size_t n) {
  /* More than 32 warnings at once has never been seen; keep the first. */
  if (n > PP_ST2_MAX_WARNINGS)
    n = PP_ST2_MAX_WARNINGS;
  memcpy(out->warnings, v, n);
  out->warning_count = n;
}

/* Byte 0 is the record size: honour a larger one (newer firmware may append
 * bytes) by reading its first three; a smaller one cannot hold a record. */
static void parse_inks(struct pp_st2 *out, const uint8_t *v, size_t n) {
  if (n < 1 || v[0] < 3)
    return;
  size_t stride = v[0];
  out->ink_count = 0;
  for (size_t off = 1; n - off >= stride && out->ink_count < PP_ST2_MAX_INKS;
       off += stride) {
    struct pp_st2_ink *ink = &out->inks[out->ink_count++];
    ink->cartridge = v[off];
    ink->colour = v[off + 1];
    ink->level = v[off + 2];
  }
}

/* Byte 0 is the bytes per box (1 or 2 seen); the state is always first. */
static void parse_boxes(struct pp_st2 *out, const uint8_t *v, size_t n) {
  if (n < 1 || v[0] == 0)
    return;
  size_t stride = v[0];
  out->box_count = 0;
  for (size_t off = 1; n - off >= stride && out->box_count < PP_ST2_MAX_BOXES;
       off += stride)
    out->box_states[out->box_count++] = v[off];
}

/* Only the documented 20-byte layout: another length means another layout,
 * and a wrong page count is worse than none. */
static void parse_paper_counts(struct pp_st2 *out, const uint8_t *v, size_t n) {
  if (n != ST2_PAPER_COUNTS_LEN)
    return;
  for (size_t i = 0; i < PP_ST2_PAPER_COUNTS; i++)
    out->paper_counts[i] = read_le32(v + 4 * i);
  out->has_paper_counts = true;
}

/* A serial with control or non-ASCII bytes is garbage, not a serial: it is
 * dropped whole rather than shown half-cleaned. */
static void parse_serial(struct pp_st2 *out, const uint8_t *v, size_t n) {
  while (n > 0 && (v[n - 1] == '\0' || v[n - 1] == ' '))
    n--;
  if (n == 0 || n >= sizeof out->serial)
    return;
  for (size_t i = 0; i < n; i++) {
    if (v[i] < 0x20 || v[i] > 0x7E)
      return;
  }
  memset(out->serial, 0, sizeof out->serial);
  memcpy(out->serial, v, n);
}

static void apply_field(struct pp_st2 *out, uint8_t type, const uint8_t *v,
                        size_t n) {
  switch (type) {
  case ST2_STATUS:
    if (n >= 1) {
      out->status = v[0];
      out->has_status = true;
    }
    break;
  case ST2_ERROR:
    if (n >= 1) {
      out->error = v[0];
      out->has_error = true;
    }
    break;
  case ST2_WARNINGS:
    parse_warnings(out, v, n);
    break;
  case ST2_INKS:
    parse_inks(out, v, n);
    break;
  case ST2_PAPER_COUNTS:
    parse_paper_counts(out, v, n);
    break;
  case ST2_BOXES:
    parse_boxes(out, v, n);
    break;
  case ST2_SERIAL:
    parse_serial(out, v, n);
    break;
  case ST2_JOB_NAME: /* print-job data: deliberately never looked at */
  default:           /* unknown bytes may be anything: never copied */
    break;
  }
}

int pp_st2_parse(const uint8_t *buf, size_t len, struct pp_st2 *out) {
  if (out == NULL)
    return -EINVAL;
  memset(out, 0, sizeof *out);
  size_t pos;
  if (!find_header(buf, len, &pos))
    return -EINVAL;
  if (len - pos < 2) {
    out->truncated = true;
    return 0;
  }
  size_t declared = (size_t)buf[pos] | (size_t)buf[pos + 1] << 8;
  pos += 2;
  /* Printers send records cut short of their own length: parse what came. */
  size_t end = len;
  if (declared <= len - pos)
    end = pos + declared;
  else
    out->truncated = true;

  while (pos < end) {
    size_t left = end - pos;
    /* A form feed counted in the length is the end, not a field. */
    if (left == 1 && buf[pos] == ST2_FORM_FEED)
      break;
    if (left < 2 || left - 2 < buf[pos + 1]) {
      out->truncated = true;
      break;
    }
    apply_field(out, buf[pos], buf + pos + 2, buf[pos + 1]);
    pos += 2 + (size_t)buf[pos + 1];
  }
  return 0;
}

const char *pp_st2_status_name(uint8_t status) {
  switch (status) {
  case 0x00:
    return "error";
  case 0x01:
    return "self-printing";
  case 0x02:
  case 0x0D:
    return "busy";
  case 0x03:
    return "waiting";
  case 0x04:
    return "idle";
  case 0x05:
    return "paused";
  case 0x07:
    return "cleaning";
  case 0x08:
    return "not-initialised";
  case 0x0A:
    return "shutting-down";
  case 0x0F:
    return "nozzle-check";
  case 0x11:
    return "ink-charging";
  default:
    return NULL;
  }
}

const char *pp_st2_error_text(uint8_t code) {
  switch (code) {
  case 0x00:
    return "fatal error";
  case 0x01:
    return "interface error";
  case 0x02:
    return "cover open";
  case 0x04:
    return "paper jam";
  case 0x05:
    return "ink out";
  case 0x06:
    return "paper out";
  case 0x0A:
  case 0x0C:
    return "paper size, type or path wrong";
  case 0x10:
    return "waste-ink pads full - service required";
  case 0x11:
    return "tear-off";
  case 0x12:
    return "double feed";
  case 0x1A:
    return "cartridge cover open";
  case 0x1C:
    return "cutter fatal error";
  case 0x1D:
    return "cutter jam";
  case 0x22:
    return "maintenance box missing";
  case 0x25:
    return "rear cover open";
  case 0x29:
    return "CD/DVD tray out";
  case 0x2A:
    return "memory card error";
  case 0x2B:
    return "tray cover open";
  case 0x2C:
    return "ink cartridge overflow";
  case 0x2F:
  case 0x30:
  case 0x31:
    return "battery error";
  case 0x33:
    return "initial ink filling impossible";
  case 0x36:
    return "maintenance box cover open";
  case 0x37:
    return "scanner or front cover open";
  case 0x41:
    return "maintenance request";
  case 0x47:
    return "printing disabled (ink out, black print)";
  case 0x4A:
    return "maintenance box near end";
  case 0x4B:
    return "driver mismatch";
  default:
    return NULL;
  }
}

/* Where sources disagree (06/07, 0A, 0B) this follows the majority, as in
 * docs/epson.md (colour ids); the alternatives come from one source each. */
const char *pp_st2_colour_name(uint8_t colour_id) {
  static const char *const names[] = {
      [0x00] = "black",
      [0x01] = "cyan",
      [0x02] = "magenta",
      [0x03] = "yellow",
      [0x04] = "light-cyan",
      [0x05] = "light-magenta",
      [0x06] = "light-yellow",
      [0x07] = "dark-yellow",
      [0x08] = "light-black",
      [0x09] = "red",
      [0x0A] = "violet",
      [0x0B] = "clear",
      [0x0C] = "light-light-black",
      [0x0D] = "orange",
      [0x0E] = "green",
      [0x0F] = "white",
  };
  if (colour_id < sizeof names / sizeof names[0])
    return names[colour_id];
  if (colour_id == 0x40)
    return "composite";
  return NULL;
}

const char *pp_st2_box_state_name(uint8_t state) {
  switch (state) {
  case 0x00:
    return "ok";
  case 0x01:
    return "near-full";
  case 0x02:
    return "full";
  default:
    return NULL;
  }
}

int pp_st2_warning_ink_record(uint8_t code) {
  if (code >= 0x10 && code <= 0x1A)
    return code - 0x10;
  if (code >= 0x51 && code <= 0x5A)
    return code - 0x51;
  if (code >= 0x71 && code <= 0x7A)
    return code - 0x71;
  return -1;
}

int pp_st2_warning_text(uint8_t code, char *out, size_t outlen) {
  if (out == NULL && outlen > 0)
    return -EINVAL;
  int record = pp_st2_warning_ink_record(code);
  if (code == 0x44)
    return snprintf(out, outlen, "printing in black only");
  if (code >= 0x51 && code <= 0x5A)
    return snprintf(out, outlen, "cleaning disabled (record %d)", record);
  if (record >= 0)
    return snprintf(out, outlen, "ink low (ink record %d)", record);
  return snprintf(out, outlen, "warning code 0x%02X", (unsigned)code);
}

enum pp_st2_level_kind pp_st2_level_kind(uint8_t level) {
  if (level <= 100)
    return PP_ST2_LEVEL_PERCENT;
  switch (level) {
  case 0x69:
    return PP_ST2_LEVEL_UNREADABLE;
  case 0x6E:
    return PP_ST2_LEVEL_MISSING;
  case 0x77:
  case 0x72:
    return PP_ST2_LEVEL_FAILED;
  case 0x67:
    return PP_ST2_LEVEL_NOT_AVAILABLE;
  default:
    return PP_ST2_LEVEL_INVALID;
  }
}
