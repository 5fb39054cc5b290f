/* SPDX-License-Identifier: MIT */
/* Epson's private "ST2" status record (docs/epson.md, ST2 layout), decoded
 * without SNMP.
 *
 * The record is what Epson inkjets answer at 1.3.6.1.4.1.1248.1.2.2.1.1.1.4.1:
 * an optional NUL, "@BDC ST2\r\n", a 2-byte little-endian length, then fields
 * `type | length | value`, maybe followed by a form feed. Real records are cut
 * short and carry unknown fields, so the parser keeps whatever complete fields
 * precede the first one that does not fit and never reads past the buffer.
 *
 * Privacy: field 0x19 holds the current job name (print-job data) and unknown
 * fields may hold anything. Their bytes are never copied into struct pp_st2,
 * so nothing downstream can store, log or report them. The parser does no
 * logging and no allocation; it is safe on hostile input. */
#ifndef PP_EPSON_ST2_H
#define PP_EPSON_ST2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PP_ST2_MAX_WARNINGS 32
#define PP_ST2_MAX_INKS 16
#define PP_ST2_MAX_BOXES 8
#define PP_ST2_PAPER_COUNTS 5
#define PP_ST2_SERIAL_SIZE 32

/* One ink record: cartridge id (01 black, 03 cyan, ...; >= 0x40 a unified
 * cartridge index), colour id (see pp_st2_colour_name) and level (see
 * pp_st2_level_kind: only 0..100 is a percentage). */
struct pp_st2_ink {
  uint8_t cartridge;
  uint8_t colour;
  uint8_t level;
};

/* When a type appears twice, the later well-formed field replaces the earlier
 * one. A malformed field of a known type is ignored like an unknown one. Lists
 * longer than their array keep their first entries. */
struct pp_st2 {
  bool has_status;
  uint8_t status; /* type 0x01, see pp_st2_status_name */
  bool has_error;
  uint8_t error; /* type 0x02, meaningful when status is 0x00 */
  uint8_t warnings[PP_ST2_MAX_WARNINGS]; /* type 0x04, raw warning codes */
  size_t warning_count;
  struct pp_st2_ink inks[PP_ST2_MAX_INKS]; /* type 0x0F, in record order */
  size_t ink_count;
  /* type 0x37, one state per box: 00 ok, 01 near full, 02 full */
  uint8_t box_states[PP_ST2_MAX_BOXES];
  size_t box_count;
  /* type 0x36, one weak source, kept only when exactly 20 bytes: normal,
   * page, colour, mono, blank. Never a substitute for prtMarkerLifeCount. */
  bool has_paper_counts;
  uint32_t paper_counts[PP_ST2_PAPER_COUNTS];
  /* type 0x40, NUL-terminated; empty unless every byte (after trailing NUL or
   * space padding) is printable ASCII and it fits. */
  char serial[PP_ST2_SERIAL_SIZE];
  /* The record is incomplete: its length field says more bytes follow than
   * were given, or a field runs past the end. Fields before it were kept. */
  bool truncated;
};

/* Decodes buf[0..len). Returns 0 (even for a truncated record: check
 * out->truncated), or -EINVAL when out is NULL or buf holds no "BDC ST2\r\n"
 * header. *out is always cleared first. */
int pp_st2_parse(const uint8_t *buf, size_t len, struct pp_st2 *out);

/* "error", "self-printing", "busy", "waiting", "idle", "paused", "cleaning",
 * "not-initialised", "shutting-down", "nozzle-check", "ink-charging"; NULL
 * for an unknown status (callers print the number). */
const char *pp_st2_status_name(uint8_t status);

/* Description of an error code, e.g. 0x10 "waste-ink pads full - service
 * required"; NULL when unknown (callers print the number, never drop it). */
const char *pp_st2_error_text(uint8_t code);

/* "black", "cyan", "magenta", "yellow", "light-cyan", ..., "composite";
 * NULL for an unknown colour id. */
const char *pp_st2_colour_name(uint8_t colour_id);

/* "ok", "near-full", "full" for a maintenance box state; NULL if unknown. */
const char *pp_st2_box_state_name(uint8_t state);

/* The index into pp_st2.inks[] that a warning code names (ink low 0x10..0x1A
 * and 0x71..0x7A, cleaning disabled 0x51..0x5A, 0-based as in Epson's
 * driver), or -1 when the code names no ink record. */
int pp_st2_warning_ink_record(uint8_t code);

/* Writes a description like snprintf: "ink low (ink record 2)", "printing in
 * black only", "cleaning disabled (record 1)", unknown codes "warning code
 * 0xNN". Record numbers are those of pp_st2_warning_ink_record. Returns the
 * length of the full text (out may be NULL when outlen is 0), or -EINVAL. */
int pp_st2_warning_text(uint8_t code, char *out, size_t outlen);

enum pp_st2_level_kind {
  PP_ST2_LEVEL_PERCENT,       /* 0..100; 0 is ink end */
  PP_ST2_LEVEL_UNREADABLE,    /* 0x69 'i': level cannot be read */
  PP_ST2_LEVEL_MISSING,       /* 0x6E 'n': cartridge not present */
  PP_ST2_LEVEL_FAILED,        /* 0x77 'w', 0x72 'r': cartridge failure */
  PP_ST2_LEVEL_NOT_AVAILABLE, /* 0x67 'g' */
  PP_ST2_LEVEL_INVALID,       /* any other byte above 100 */
};

/* Classifies an ink level byte; only PP_ST2_LEVEL_PERCENT is a percentage. */
enum pp_st2_level_kind pp_st2_level_kind(uint8_t level);

#endif
