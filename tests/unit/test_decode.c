/* SPDX-License-Identifier: MIT */
/* Unit tests for the standard-MIB decoder: one test per printer quirk of
 * docs/printer-mib.md. Each builds a varset from hand-written snmprec text,
 * runs pp_decode_standard() and checks the data model. No SNMP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp_decode.h"
#include "pp_model.h"
#include "pp_str.h"
#include "pp_varset.h"

#define SUPPLY "1.3.6.1.2.1.43.11.1.1."
#define COLORANT_VALUE "1.3.6.1.2.1.43.12.1.1.4.1."
#define ALERT "1.3.6.1.2.1.43.18.1.1."
#define MARKER "1.3.6.1.2.1.43.10.2.1."
#define SERIAL "1.3.6.1.2.1.43.5.1.1.17.1"
#define IF_PHYS "1.3.6.1.2.1.2.2.1.6."
#define HR_DEVICE "1.3.6.1.2.1.25.3.2.1."
#define HR_PRINTER "1.3.6.1.2.1.25.3.5.1."
#define CONSOLE "1.3.6.1.2.1.43.16.5.1.2.1."

#define TEXT_MAX 8192

/* ---- Helpers ----------------------------------------------------------- */

/* Loads snmprec text and decodes it into p (pp_printer_clear it after). */
static void decode_text(const char *snmprec, struct pp_printer *p) {
  struct pp_varset set;
  size_t bad_line = 0;
  pp_varset_init(&set);
  int rc = pp_varset_load_snmprec(&set, snmprec, &bad_line);
  if (rc != 0)
    fail_msg("test snmprec rejected at line %zu (%d):\n%s", bad_line, rc,
             snmprec);
  pp_printer_init(p, "192.0.2.1");
  rc = pp_decode_standard(&set, p);
  pp_varset_free(&set);
  assert_int_equal(rc, 0);
}

/* Appends printf text to a fixed buffer; fails the test when it is full. */
static void append(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t size, const char *fmt, ...) {
  size_t used = strlen(buf);
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf + used, size - used, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= size - used)
    fail_msg("test snmprec buffer too small");
}

/* "OID|4x|hex of bytes\n" */
static void append_hex(char *buf, size_t size, const char *oid,
                       const char *bytes, size_t len) {
  append(buf, size, "%s|4x|", oid);
  for (size_t i = 0; i < len; i++)
    append(buf, size, "%02x", (unsigned char)bytes[i]);
  append(buf, size, "\n");
}

/* Raw bytes with an explicit length, for strings holding NULs. */
#define RAW(s) s, sizeof(s) - 1

static void check_str(const char *what, const char *got, const char *want) {
  if (strcmp(got, want) != 0)
    fail_msg("%s is \"%s\", want \"%s\"", what, got, want);
}

/* ---- Supplies: levels, units, classes ---------------------------------- */

#define NONE INT64_MIN /* column absent */

struct level_case {
  int64_t cls;  /* prtMarkerSuppliesClass, NONE when absent */
  int64_t type; /* prtMarkerSuppliesType, NONE when absent */
  int64_t unit;
  int64_t max;
  int64_t level;
  bool receptacle;
  int percent;
  enum pp_supply_state state;
};

static void supply_snmprec(char *buf, size_t size, const struct level_case *c,
                           const char *descr) {
  buf[0] = '\0';
  if (c->cls != NONE)
    append(buf, size, SUPPLY "4.1.1|2|%lld\n", (long long)c->cls);
  if (c->type != NONE)
    append(buf, size, SUPPLY "5.1.1|2|%lld\n", (long long)c->type);
  append(buf, size, SUPPLY "6.1.1|4|%s\n", descr);
  if (c->unit != NONE)
    append(buf, size, SUPPLY "7.1.1|2|%lld\n", (long long)c->unit);
  if (c->max != NONE)
    append(buf, size, SUPPLY "8.1.1|2|%lld\n", (long long)c->max);
  if (c->level != NONE)
    append(buf, size, SUPPLY "9.1.1|2|%lld\n", (long long)c->level);
}

static void check_level_case(size_t i, const struct level_case *c) {
  char text[TEXT_MAX];
  struct pp_printer p;
  supply_snmprec(text, sizeof text, c, "Supply Unit");
  decode_text(text, &p);
  if (p.supply_count != 1)
    fail_msg("case %zu: %zu supplies, want 1", i, p.supply_count);
  const struct pp_supply *s = &p.supplies[0];
  if (s->level != (c->level == NONE ? PP_UNKNOWN : c->level) ||
      s->max != (c->max == NONE ? PP_UNKNOWN : c->max))
    fail_msg("case %zu: raw level/max %lld/%lld not kept", i,
             (long long)s->level, (long long)s->max);
  if (s->receptacle != c->receptacle)
    fail_msg("case %zu: receptacle %d, want %d", i, s->receptacle,
             c->receptacle);
  if (s->percent != c->percent)
    fail_msg("case %zu (level %lld max %lld unit %lld): percent %d, want %d", i,
             (long long)c->level, (long long)c->max, (long long)c->unit,
             s->percent, c->percent);
  if (s->state != c->state)
    fail_msg("case %zu (level %lld max %lld): state %s, want %s", i,
             (long long)c->level, (long long)c->max,
             pp_supply_state_name(s->state), pp_supply_state_name(c->state));
  pp_printer_clear(&p);
}

#define LEVEL_TABLE(cases)                                                     \
  do {                                                                         \
    for (size_t i_ = 0; i_ < sizeof cases / sizeof *cases; i_++)               \
      check_level_case(i_, &cases[i_]);                                        \
  } while (0)

/* Units: 7 impressions, 19 percent. Types: 3 toner, 4 wasteToner, 8 wasteInk,
 * 9 opc (drum), 15 fuser. Classes: 3 consumed, 4 receptacle. */

static void test_supply_level_minus1_other_has_no_percent(void **state) {
  (void)state;
  static const struct level_case cases[] = {
      {3, 3, 7, 3000, -1, false, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
      {3, 3, 19, 100, -1, false, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
      {4, 4, 7, 3000, -1, true, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
  };
  LEVEL_TABLE(cases);
}

static void test_supply_level_minus2_unknown_has_no_percent(void **state) {
  (void)state;
  static const struct level_case cases[] = {
      {3, 3, 7, 1800, -2, false, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
      {3, 3, 19, 100, -2, false, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
      {4, 4, 19, 100, -2, true, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
  };
  LEVEL_TABLE(cases);
}

static void test_supply_level_minus3_means_some_remaining(void **state) {
  (void)state;
  static const struct level_case cases[] = {
      {3, 3, 7, 1800, -3, false, PP_NO_PERCENT, PP_SUPPLY_SOME_REMAINING},
      {3, 3, 19, 100, -3, false, PP_NO_PERCENT, PP_SUPPLY_SOME_REMAINING},
      {3, 20, 7, -2, -3, false, PP_NO_PERCENT, PP_SUPPLY_SOME_REMAINING},
      {4, 8, 19, 100, -3, true, PP_NO_PERCENT, PP_SUPPLY_SOME_REMAINING},
  };
  LEVEL_TABLE(cases);
}

static void test_supply_max_minus1_minus2_gives_no_percent(void **state) {
  (void)state;
  static const struct level_case cases[] = {
      {3, 3, 7, -2, 40, false, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
      {3, 9, 7, -1, 5000, false, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
      {3, 15, 7, -2, 0, false, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
      {3, 3, 7, 0, 10, false, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
      {3, 3, 7, NONE, 10, false, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
      {4, 4, 7, -2, 0, true, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
  };
  LEVEL_TABLE(cases);
}

static void test_supply_unit_percent_ignores_max(void **state) {
  (void)state;
  static const struct level_case cases[] = {
      {3, 21, 19, 400, 60, false, 60, PP_SUPPLY_OK},
      {3, 21, 19, -2, 45, false, 45, PP_SUPPLY_OK},
      {3, 21, 19, 100, 8, false, 8, PP_SUPPLY_LOW},
      {3, 21, 19, NONE, 0, false, 0, PP_SUPPLY_EMPTY},
      {3, 21, 19, 100, 150, false, 100, PP_SUPPLY_OK},
      {4, 4, 19, 400, 20, true, 20, PP_SUPPLY_OK},
  };
  LEVEL_TABLE(cases);
}

static void test_supply_level_above_max_caps_at_100(void **state) {
  (void)state;
  static const struct level_case cases[] = {
      {3, 21, 7, 6000, 6500, false, 100, PP_SUPPLY_OK},
      {3, 15, 7, 150000, 150000, false, 100, PP_SUPPLY_OK},
      {4, 4, 7, 100, 101, true, 100, PP_SUPPLY_OK},
  };
  LEVEL_TABLE(cases);
}

static void test_supply_percent_truncates_to_integer(void **state) {
  (void)state;
  static const struct level_case cases[] = {
      {3, 9, 7, 100000, 10999, false, 10, PP_SUPPLY_LOW},
      {3, 9, 7, 100000, 11000, false, 11, PP_SUPPLY_OK},
      {3, 3, 7, 15000, 450, false, 3, PP_SUPPLY_LOW},
      {3, 3, 7, 1500, 0, false, 0, PP_SUPPLY_EMPTY},
      {3, 3, 7, 3, 2, false, 66, PP_SUPPLY_OK},
  };
  LEVEL_TABLE(cases);
}

static void test_receptacle_level_is_free_space(void **state) {
  (void)state;
  static const struct level_case cases[] = {
      {4, 4, 19, 100, 20, true, 20, PP_SUPPLY_OK},
      {4, 8, 19, 100, 0, true, 0, PP_SUPPLY_FULL},
      {4, 4, 19, 100, 5, true, 5, PP_SUPPLY_NEAR_FULL},
      {4, 4, 19, 100, 10, true, 10, PP_SUPPLY_NEAR_FULL},
      {4, 4, 19, 100, 11, true, 11, PP_SUPPLY_OK},
      {4, 4, 7, 40000, 32000, true, 80, PP_SUPPLY_OK},
      {4, 8, 7, 50000, 100, true, 0, PP_SUPPLY_FULL},
  };
  LEVEL_TABLE(cases);
}

static void test_waste_toner_without_class_is_receptacle(void **state) {
  (void)state;
  static const struct level_case cases[] = {
      /* wasteToner, wasteInk, wasteWax, wasteWater, wastePaper */
      {NONE, 4, 7, 40000, 32000, true, 80, PP_SUPPLY_OK},
      {NONE, 8, 19, 100, 0, true, 0, PP_SUPPLY_FULL},
      {NONE, 14, 19, 100, 5, true, 5, PP_SUPPLY_NEAR_FULL},
      {NONE, 24, 19, 100, 50, true, 50, PP_SUPPLY_OK},
      {NONE, 26, 19, 100, 50, true, 50, PP_SUPPLY_OK},
      /* toner without a class column stays a consumable */
      {NONE, 3, 19, 100, 0, false, 0, PP_SUPPLY_EMPTY},
  };
  LEVEL_TABLE(cases);
}

static void test_drum_type9_is_never_a_receptacle(void **state) {
  (void)state;
  static const struct level_case cases[] = {
      {3, 9, 7, 40000, 30000, false, 75, PP_SUPPLY_OK},
      {NONE, 9, 7, 40000, 0, false, 0, PP_SUPPLY_EMPTY},
      {NONE, 9, 19, 100, 5, false, 5, PP_SUPPLY_LOW},
  };
  LEVEL_TABLE(cases);
}

static void test_ricoh_minus100_means_low_without_percent(void **state) {
  (void)state;
  static const struct level_case cases[] = {
      {3, 3, 19, 100, -100, false, PP_NO_PERCENT, PP_SUPPLY_LOW},
      {3, 3, 7, 20000, -100, false, PP_NO_PERCENT, PP_SUPPLY_LOW},
      {4, 4, 19, 100, -100, true, PP_NO_PERCENT, PP_SUPPLY_NEAR_FULL},
  };
  LEVEL_TABLE(cases);
}

/* A level and max sent as Counter64 by a broken or hostile agent: the
 * percent is still right and nothing overflows. */
static void test_supply_huge_counter64_level_does_not_overflow(void **state) {
  (void)state;
  struct pp_printer p;
  decode_text(SUPPLY "6.1.1|4|Toner\n" SUPPLY "7.1.1|2|7\n" SUPPLY
                     "8.1.1|70|9200000000000000000\n" SUPPLY
                     "9.1.1|70|9000000000000000000\n",
              &p);
  assert_int_equal(p.supply_count, 1);
  assert_int_equal(p.supplies[0].percent, 97);
  assert_int_equal(p.supplies[0].state, PP_SUPPLY_OK);
  pp_printer_clear(&p);
}

/* Rows beyond what a printer keeps: the table is cut and the error says
 * so (it said nothing, and a cut table looked complete). Each column holds
 * fewer rows than the limit; together they name more. */
static void test_supplies_cut_at_row_limit_say_so(void **state) {
  (void)state;
  static char text[64 * 1024];
  text[0] = '\0';
  for (int i = 1; i <= PP_MAX_TABLE_ROWS - 10; i++)
    append(text, sizeof text, SUPPLY "9.1.%d|2|50\n", i);
  for (int i = PP_MAX_TABLE_ROWS - 10; i <= PP_MAX_TABLE_ROWS + 20; i++)
    append(text, sizeof text, SUPPLY "5.1.%d|2|3\n", i);
  struct pp_printer p;
  decode_text(text, &p);
  assert_int_equal(p.supply_count, PP_MAX_TABLE_ROWS);
  check_str("error", p.error, "supplies cut off at 512 rows");
  pp_printer_clear(&p);
  /* exactly the limit: complete, no error */
  text[0] = '\0';
  for (int i = 1; i <= PP_MAX_TABLE_ROWS; i++)
    append(text, sizeof text, SUPPLY "9.1.%d|2|50\n", i);
  decode_text(text, &p);
  assert_int_equal(p.supply_count, PP_MAX_TABLE_ROWS);
  check_str("error", p.error, "");
  pp_printer_clear(&p);
}

static void test_supply_without_level_column_is_unknown(void **state) {
  (void)state;
  static const struct level_case cases[] = {
      {3, 3, 7, 3000, NONE, false, PP_NO_PERCENT, PP_SUPPLY_UNKNOWN},
  };
  LEVEL_TABLE(cases);
}

/* ---- Descriptions ------------------------------------------------------ */

struct descr_case {
  const char *bytes;
  size_t len;
  const char *want;
};

/* Each case is one supply row whose description is sent as 4x hex. */
static void check_descr_cases(const struct descr_case *cases, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char text[TEXT_MAX] = "";
    struct pp_printer p;
    append(text, sizeof text, SUPPLY "9.1.1|2|50\n");
    append_hex(text, sizeof text, SUPPLY "6.1.1", cases[i].bytes, cases[i].len);
    decode_text(text, &p);
    assert_int_equal(p.supply_count, 1);
    if (strcmp(p.supplies[0].description, cases[i].want) != 0)
      fail_msg("case %zu: description \"%s\", want \"%s\"", i,
               p.supplies[0].description, cases[i].want);
    pp_printer_clear(&p);
  }
}

#define DESCR_TABLE(cases)                                                     \
  check_descr_cases(cases, sizeof cases / sizeof *cases)

static void test_descr_hex_encoded_ascii(void **state) {
  (void)state;
  static const struct descr_case cases[] = {
      {RAW("Black Toner"), "Black Toner"},
      {RAW("TK-5240C"), "TK-5240C"},
  };
  DESCR_TABLE(cases);
}

static void test_descr_utf16_be_with_bom(void **state) {
  (void)state;
  static const struct descr_case cases[] = {
      {RAW("\xfe\xff\0M\0a\0g\0e\0n\0t\0a\0 \0T\0o\0n\0e\0r"), "Magenta Toner"},
      /* U+00F3 and a NUL terminator with padding after it */
      {RAW("\xfe\xff\0T\0\xf3\0n\0e\0r\0\0\0\0"), "T\xc3\xb3ner"},
  };
  DESCR_TABLE(cases);
}

static void test_descr_utf16_le_with_bom(void **state) {
  (void)state;
  static const struct descr_case cases[] = {
      {RAW("\xff\xfeW\0a\0s\0t\0e\0 \0T\0o\0n\0e\0r\0"), "Waste Toner"},
      {RAW("\xff\xfeG\0r\0\xfc\0n\0"), "Gr\xc3\xbcn"},
      /* cut at the first NUL */
      {RAW("\xff\xfe"
           "A\0\0\0B\0"),
       "A"},
  };
  DESCR_TABLE(cases);
}

static void test_descr_utf16_without_bom(void **state) {
  (void)state;
  static const struct descr_case cases[] = {
      {RAW("\0C\0y\0a\0n\0 \0T\0o\0n\0e\0r"), "Cyan Toner"},
      {RAW("Y\0e\0l\0l\0o\0w\0"), "Yellow"},
      {RAW("Y\0e\0l\0l\0o\0w\0\0\0\0\0"), "Yellow"},
  };
  DESCR_TABLE(cases);
}

static void test_descr_latin1(void **state) {
  (void)state;
  static const struct descr_case cases[] = {
      {RAW("T\xf3ner amarillo"), "T\xc3\xb3ner amarillo"},
      {RAW("Resttonerbeh\xe4lter"), "Resttonerbeh\xc3\xa4lter"},
      /* valid UTF-8 is kept as it is */
      {RAW("Resttonerbeh\xc3\xa4lter"), "Resttonerbeh\xc3\xa4lter"},
  };
  DESCR_TABLE(cases);
}

static void test_descr_nul_padded(void **state) {
  (void)state;
  static const struct descr_case cases[] = {
      {RAW("Cyan Toner\0\0\0"), "Cyan Toner"},
      {RAW("Black\0garbage after the NUL"), "Black"},
      {RAW("\0\0\0\0"), ""},
  };
  DESCR_TABLE(cases);
}

static void test_descr_hp_hex_dump_continuation(void **state) {
  (void)state;
  static const struct descr_case cases[] = {
      {RAW("Black Cartridge \n38 32 37 41 20 28 43 5A 31 33 31 41 29"),
       "Black Cartridge 827A (CZ131A)"},
      {RAW("Black Cartridge \n38 32 37 41 \n48 50 "), "Black Cartridge 827AHP"},
      {RAW("Cyan Cartridge\r\n38 32 37 41"), "Cyan Cartridge 827A"},
      /* one or two numbers on a second line are text, not a dump */
      {RAW("Tray 1\n10 20"), "Tray 1 10 20"},
      /* not all hex: text */
      {RAW("Black\nCartridge 38 32"), "Black Cartridge 38 32"},
  };
  DESCR_TABLE(cases);
}

static void test_descr_control_chars_become_single_spaces(void **state) {
  (void)state;
  static const struct descr_case cases[] = {
      {RAW("Drum\r\n\tUnit\a"), "Drum Unit"},
      {RAW("Black\x1b[2JToner"), "Black [2JToner"},
      {RAW("  Black   \r\n\r\n  Toner  "), "Black Toner"},
      {RAW("A\x7f\x7f"
           "B\x01\x02\x03"
           "C"),
       "A B C"},
      {RAW("\r\n\t"), ""},
  };
  DESCR_TABLE(cases);
}

/* A description longer than the model's field is cut, never spliced: a
 * character that does not fit must not be dropped while later ones are
 * kept. */
static void test_clean_text_truncates_without_holes(void **state) {
  (void)state;
  static const struct {
    const char *in;
    size_t outlen;
    const char *want;
  } cases[] = {
      {"ab\xe2\x82\xac"
       "cd",
       5, "ab"},
      {"ab\xe2\x82\xac"
       "cd",
       6, "ab\xe2\x82\xac"},
      {"abc def", 5, "abc"},
      {"abcdef", 4, "abc"},
      {"ab", 1, ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char out[16];
    memset(out, 'X', sizeof out);
    pp_clean_text((const unsigned char *)cases[i].in, strlen(cases[i].in), out,
                  cases[i].outlen);
    if (strcmp(out, cases[i].want) != 0)
      fail_msg("case %zu: \"%s\" into %zu bytes gives \"%s\", want \"%s\"", i,
               cases[i].in, cases[i].outlen, out, cases[i].want);
  }
}

/* ---- Colours ----------------------------------------------------------- */

struct colour_case {
  const char *descr;          /* UTF-8, sent as hex */
  int colorant;               /* prtMarkerSuppliesColorantIndex, 0 for none */
  const char *colorant_value; /* prtMarkerColorantValue.1.colorant */
  const char *want;
};

static void check_colour_cases(const struct colour_case *cases, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char text[TEXT_MAX] = "";
    struct pp_printer p;
    append(text, sizeof text, SUPPLY "9.1.1|2|50\n");
    append_hex(text, sizeof text, SUPPLY "6.1.1", cases[i].descr,
               strlen(cases[i].descr));
    if (cases[i].colorant != 0)
      append(text, sizeof text, SUPPLY "3.1.1|2|%d\n", cases[i].colorant);
    if (cases[i].colorant_value != NULL)
      append_hex(text, sizeof text, COLORANT_VALUE "3", cases[i].colorant_value,
                 strlen(cases[i].colorant_value));
    decode_text(text, &p);
    assert_int_equal(p.supply_count, 1);
    if (strcmp(p.supplies[0].colour, cases[i].want) != 0)
      fail_msg("case %zu (\"%s\"): colour \"%s\", want \"%s\"", i,
               cases[i].descr, p.supplies[0].colour, cases[i].want);
    pp_printer_clear(&p);
  }
}

#define COLOUR_TABLE(cases)                                                    \
  check_colour_cases(cases, sizeof cases / sizeof *cases)

static void test_colour_from_colorant_table_first(void **state) {
  (void)state;
  static const struct colour_case cases[] = {
      /* part numbers: only the colorant table knows */
      {"TK-5240C", 3, "cyan", "cyan"},
      {"TK-5240K", 3, "black", "black"},
      /* the table wins over the name */
      {"Cyan Toner", 3, "magenta", "magenta"},
      /* a localized colorant value */
      {"TK-5240K", 3, "Schwarz", "black"},
      /* index 0 or a missing or colourless row: the name decides */
      {"Yellow Toner", 0, NULL, "yellow"},
      {"Yellow Toner", 3, NULL, "yellow"},
      {"Yellow Toner", 3, "unknown", "yellow"},
      {"TK-5240C", 0, NULL, ""},
  };
  COLOUR_TABLE(cases);
}

static void test_colour_from_localized_names(void **state) {
  (void)state;
  static const struct colour_case cases[] = {
      {"Toner Schwarz", 0, NULL, "black"},
      {"Tonerkartusche Gelb", 0, NULL, "yellow"},
      {"Cartouche noir", 0, NULL, "black"},
      {"Cartouche jaune", 0, NULL, "yellow"},
      {"T\xc3\xb3ner negro", 0, NULL, "black"},
      {"Cartucho amarillo", 0, NULL, "yellow"},
      {"T\xc3\xb3ner cian", 0, NULL, "cyan"},
      {"Gr\xc3\xbcn", 0, NULL, "green"},
      {"Gelb/Yellow", 0, NULL, "yellow"},
      {"Resttonerbeh\xc3\xa4lter", 0, NULL, ""},
  };
  COLOUR_TABLE(cases);
}

/* French and Spanish adjectives agree with "cartouche"/"encre"/"tinta". */
static void test_colour_from_feminine_forms(void **state) {
  (void)state;
  static const struct colour_case cases[] = {
      {"Cartouche d'encre noire", 0, NULL, "black"},
      {"Tinta negra", 0, NULL, "black"},
      {"Tinta amarilla", 0, NULL, "yellow"},
      {"Cartuccia nera", 0, NULL, "black"},
      {"Cartuccia gialla", 0, NULL, "yellow"},
      {"Tinta preta", 0, NULL, "black"},
  };
  COLOUR_TABLE(cases);
}

static void test_colour_light_and_photo_qualifiers(void **state) {
  (void)state;
  static const struct colour_case cases[] = {
      {"light cyan", 0, NULL, "light-cyan"},
      {"Light Cyan Ink", 0, NULL, "light-cyan"},
      {"Light Magenta", 0, NULL, "light-magenta"},
      {"Photo Black", 0, NULL, "photo-black"},
      {"Matte Black", 0, NULL, "matte-black"},
      {"Cyan", 3, "light cyan", "light-cyan"},
  };
  COLOUR_TABLE(cases);
}

static void test_descr_naming_two_colours_has_no_colour(void **state) {
  (void)state;
  static const struct colour_case cases[] = {
      {"Cyan/Magenta Kit", 0, NULL, ""},
      {"Black and Yellow", 0, NULL, ""},
      {"Toner Schwarz Cyan", 0, NULL, ""},
      {"Light Cyan / Cyan", 0, NULL, ""},
  };
  COLOUR_TABLE(cases);
}

/* ---- Counters ---------------------------------------------------------- */

static void test_counter_integer_life_count(void **state) {
  (void)state;
  struct pp_printer p;
  decode_text(MARKER "4.1.1|2|123456\n" MARKER "3.1.1|2|7\n", &p);
  assert_int_equal(p.counters.total, 123456);
  assert_int_equal(p.counters.unit, 7);
  assert_true(p.counters.power_on == PP_COUNT_UNKNOWN);
  pp_printer_clear(&p);

  decode_text(MARKER "4.1.1|65|4294967295\n", &p);
  assert_int_equal(p.counters.total, 4294967295LL);
  pp_printer_clear(&p);

  /* a new printer: a real 0 is 0, not unknown */
  decode_text(MARKER "4.1.1|2|0\n" MARKER "5.1.1|2|0\n", &p);
  assert_int_equal(p.counters.total, 0);
  assert_int_equal(p.counters.power_on, 0);
  pp_printer_clear(&p);
}

static void test_counter_as_text(void **state) {
  (void)state;
  struct pp_printer p;
  decode_text(MARKER "4.1.1|4|98765\n" MARKER "5.1.1|4|4321 \n", &p);
  assert_int_equal(p.counters.total, 98765);
  assert_int_equal(p.counters.power_on, 4321);
  pp_printer_clear(&p);

  decode_text(MARKER "4.1.1|4|n/a\n", &p);
  assert_true(p.counters.total == PP_COUNT_UNKNOWN);
  pp_printer_clear(&p);
}

static void test_counter_unit_is_kept(void **state) {
  (void)state;
  static const struct {
    int unit;
    const char *name;
  } cases[] = {{7, "impressions"},
               {8, "sheets"},
               {3, "tenThousandthsOfInches"},
               {17, "meters"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char text[TEXT_MAX] = "";
    struct pp_printer p;
    append(text, sizeof text, MARKER "3.1.1|2|%d\n" MARKER "4.1.1|65|1000\n",
           cases[i].unit);
    decode_text(text, &p);
    assert_int_equal(p.counters.unit, cases[i].unit);
    check_str("counter unit", pp_counter_unit_name(p.counters.unit),
              cases[i].name);
    pp_printer_clear(&p);
  }
}

static void test_counter64_power_on_count(void **state) {
  (void)state;
  struct pp_printer p;
  decode_text(MARKER "4.1.1|70|9000000000\n" MARKER "5.1.1|70|5000000000\n",
              &p);
  assert_int_equal(p.counters.total, 9000000000LL);
  assert_int_equal(p.counters.power_on, 5000000000LL);
  pp_printer_clear(&p);
}

/* Counter64 past INT64_MAX: every bit kept (a clamp to 2^63-1 made the
 * next read look like a reset). */
static void test_counter64_past_int64_max(void **state) {
  (void)state;
  struct pp_printer p;
  decode_text(MARKER "4.1.1|70|18446744073709551000\n" MARKER
                     "5.1.1|70|9223372036854775808\n",
              &p);
  assert_true(p.counters.total == 18446744073709551000u);
  assert_true(p.counters.power_on == 9223372036854775808u);
  pp_printer_clear(&p);
}

/* A number where a string belongs is no name: treated as absent. */
static void test_numbers_in_string_columns_are_absent(void **state) {
  (void)state;
  struct pp_printer p;
  decode_text("1.3.6.1.2.1.1.5.0|70|18446744073709551000\n" HR_DEVICE
              "2.1|6|1.3.6.1.2.1.25.3.1.5\n" HR_DEVICE
              "3.1|70|18446744073709551000\n"
              "1.3.6.1.2.1.43.5.1.1.16.1|65|4711\n" SERIAL
              "|2|12345678\n" SUPPLY "6.1.1|70|18446744073709551000\n" SUPPLY
              "9.1.1|2|50\n" CONSOLE "1|6|1.3.6.1.4.1.11\n",
              &p);
  check_str("name", p.name, "");
  check_str("model", p.model, "");
  check_str("serial", p.serial, "");
  check_str("console", p.console, "");
  assert_int_equal(p.supply_count, 1);
  check_str("supply description", p.supplies[0].description, "");
  pp_printer_clear(&p);
}

static void test_missing_life_count_stays_unknown(void **state) {
  (void)state;
  struct pp_printer p;
  decode_text("1.3.6.1.2.1.1.5.0|4|PRN-1\n", &p);
  assert_true(p.counters.total == PP_COUNT_UNKNOWN);
  assert_true(p.counters.power_on == PP_COUNT_UNKNOWN);
  assert_int_equal(p.counters.unit, 0);
  assert_true(p.uptime_ticks == PP_UNKNOWN);
  pp_printer_clear(&p);
}

/* ---- Error state ------------------------------------------------------- */

/* RFC 3805 hrPrinterDetectedErrorState, bit 0x80 of byte 0 first. */
static const char *const rfc3805_error_bits[] = {
    "lowPaper",
    "noPaper",
    "lowToner",
    "noToner",
    "doorOpen",
    "jammed",
    "offline",
    "serviceRequested",
    "inputTrayMissing",
    "outputTrayMissing",
    "markerSupplyMissing",
    "outputNearFull",
    "outputFull",
    "inputTrayEmpty",
    "overduePreventMaint",
};

static void decode_errors(const char *hex, struct pp_printer *p) {
  char text[TEXT_MAX] = "";
  append(text, sizeof text, HR_PRINTER "2.1|4x|%s\n", hex);
  decode_text(text, p);
}

static void test_error_bit_names_follow_rfc3805(void **state) {
  (void)state;
  assert_int_equal(PP_ERR_BIT_COUNT, 15);
  for (unsigned bit = 0; bit < PP_ERR_BIT_COUNT; bit++) {
    const char *name = pp_error_bit_name(bit);
    assert_non_null(name);
    check_str("error bit name", name, rfc3805_error_bits[bit]);
    assert_int_equal(pp_error_bit_from_name(rfc3805_error_bits[bit]), (int)bit);
  }
  assert_null(pp_error_bit_name(PP_ERR_BIT_COUNT));
  assert_int_equal(pp_error_bit_from_name("LOWTONER"), PP_ERR_LOW_TONER);
  assert_int_equal(pp_error_bit_from_name("tonerLow"), -1);
}

static void test_error_state_1byte(void **state) {
  (void)state;
  struct pp_printer p;
  decode_errors("0c", &p);
  assert_int_equal(p.status.errors,
                   (1u << PP_ERR_DOOR_OPEN) | (1u << PP_ERR_JAMMED));
  assert_int_equal(p.status.error_bytes, 1);
  pp_printer_clear(&p);
  for (unsigned bit = 0; bit < 8; bit++) {
    char hex[8];
    snprintf(hex, sizeof hex, "%02x", 0x80u >> bit);
    decode_errors(hex, &p);
    if (p.status.errors != 1u << bit)
      fail_msg("byte %s: errors 0x%x, want %s", hex, p.status.errors,
               rfc3805_error_bits[bit]);
    pp_printer_clear(&p);
  }
}

static void test_error_state_2byte_every_bit_by_name(void **state) {
  (void)state;
  for (unsigned bit = 0; bit < PP_ERR_BIT_COUNT; bit++) {
    unsigned value = 0x8000u >> bit;
    char hex[8];
    struct pp_printer p;
    snprintf(hex, sizeof hex, "%04x", value);
    decode_errors(hex, &p);
    if (p.status.errors != 1u << bit)
      fail_msg("bytes %s: errors 0x%x, want only %s", hex, p.status.errors,
               rfc3805_error_bits[bit]);
    assert_int_equal(p.status.error_bytes, 2);
    pp_printer_clear(&p);
  }
  struct pp_printer p;
  decode_errors("2080", &p);
  assert_int_equal(p.status.errors, (1u << PP_ERR_LOW_TONER) |
                                        (1u << PP_ERR_INPUT_TRAY_MISSING));
  pp_printer_clear(&p);
  decode_errors("fffe", &p);
  assert_int_equal(p.status.errors, (1u << PP_ERR_BIT_COUNT) - 1);
  pp_printer_clear(&p);
}

static void test_error_state_extra_bytes_ignored(void **state) {
  (void)state;
  struct pp_printer p;
  decode_errors("2080ffff", &p);
  assert_int_equal(p.status.errors, (1u << PP_ERR_LOW_TONER) |
                                        (1u << PP_ERR_INPUT_TRAY_MISSING));
  assert_int_equal(p.status.error_bytes, 2);
  pp_printer_clear(&p);
  /* the unused last bit of byte 1 */
  decode_errors("0001", &p);
  assert_int_equal(p.status.errors, 0);
  pp_printer_clear(&p);
  /* empty: unread, not "no errors" */
  decode_text(HR_PRINTER "2.1|4|\n", &p);
  assert_int_equal(p.status.errors, 0);
  assert_int_equal(p.status.error_bytes, 0);
  pp_printer_clear(&p);
}

/* ---- Alerts ------------------------------------------------------------ */

static void test_empty_alert_rows_dropped(void **state) {
  (void)state;
  struct pp_printer p;
  decode_text(ALERT "2.1.1|2|3\n" ALERT "2.1.2|2|0\n" ALERT "2.1.3|2|0\n" ALERT
                    "2.1.4|2|4\n" ALERT "4.1.1|2|8\n" ALERT "4.1.2|2|0\n" ALERT
                    "4.1.3|2|0\n" ALERT "4.1.4|2|11\n" ALERT "5.1.1|2|2\n" ALERT
                    "5.1.4|2|1\n" ALERT "7.1.1|2|8\n" ALERT "7.1.2|2|0\n" ALERT
                    "7.1.3|2|0\n" ALERT "7.1.4|2|1104\n" ALERT
                    "8.1.1|4|Paper jam in tray 2\n" ALERT "8.1.2|4|\n" ALERT
                    "8.1.3|4x|00000000\n" ALERT "8.1.4|4|Black toner low\n",
              &p);
  assert_int_equal(p.alert_count, 2);
  assert_int_equal(p.alerts[0].index, 1);
  assert_int_equal(p.alerts[0].severity, PP_ALERT_CRITICAL);
  check_str("group", p.alerts[0].group, "input");
  assert_int_equal(p.alerts[0].group_index, 2);
  assert_int_equal(p.alerts[0].code, 8);
  check_str("description", p.alerts[0].description, "Paper jam in tray 2");
  assert_int_equal(p.alerts[1].index, 4);
  assert_int_equal(p.alerts[1].severity, PP_ALERT_WARNING);
  check_str("group", p.alerts[1].group, "markerSupplies");
  assert_int_equal(p.alerts[1].code, 1104);
  check_str("description", p.alerts[1].description, "Black toner low");
  pp_printer_clear(&p);
}

static void test_alert_group_names(void **state) {
  (void)state;
  static const struct {
    int group;
    const char *name;
  } cases[] = {
      {1, "other"},
      {2, "other"},
      {3, "hostResourcesMIBStorageTable"},
      {4, "hostResourcesMIBDeviceTable"},
      {5, "generalPrinter"},
      {6, "cover"},
      {7, "localization"},
      {8, "input"},
      {9, "output"},
      {10, "marker"},
      {11, "markerSupplies"},
      {12, "markerColorant"},
      {13, "mediaPath"},
      {14, "channel"},
      {15, "interpreter"},
      {16, "consoleDisplayBuffer"},
      {17, "consoleLights"},
      {18, "alert"},
      {30, "finDevice"},
      {31, "finSupply"},
      {32, "finSupplyMediaInput"},
      {99, "other"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char text[TEXT_MAX] = "";
    struct pp_printer p;
    check_str("pp_alert_group_name", pp_alert_group_name(cases[i].group),
              cases[i].name);
    append(text, sizeof text,
           ALERT "2.1.1|2|4\n" ALERT "4.1.1|2|%d\n" ALERT "7.1.1|2|501\n",
           cases[i].group);
    decode_text(text, &p);
    assert_int_equal(p.alert_count, 1);
    if (strcmp(p.alerts[0].group, cases[i].name) != 0)
      fail_msg("group %d decoded as \"%s\", want \"%s\"", cases[i].group,
               p.alerts[0].group, cases[i].name);
    pp_printer_clear(&p);
  }
}

/* ---- Identity ---------------------------------------------------------- */

static void decode_serial(const char *tag, const char *value,
                          struct pp_printer *p) {
  char text[TEXT_MAX] = "";
  append(text, sizeof text, SERIAL "|%s|%s\n", tag, value);
  decode_text(text, p);
}

static void test_placeholder_serials_are_dropped(void **state) {
  (void)state;
  static const char *const placeholders[] = {
      "0",        "000000",   "N/A",  "n/a",  "unknown", "Unknown",
      "XXXXXXXX", "xxxxxxxx", "none", "????", " 0 ",     "",
  };
  for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders; i++) {
    struct pp_printer p;
    decode_serial("4", placeholders[i], &p);
    if (p.serial[0] != '\0')
      fail_msg("placeholder \"%s\" kept as \"%s\"", placeholders[i], p.serial);
    assert_true(pp_serial_is_placeholder(
        placeholders[i][0] == ' ' ? "0" : placeholders[i]));
    pp_printer_clear(&p);
  }
  /* NUL padding only */
  struct pp_printer p;
  decode_serial("4x", "00000000", &p);
  check_str("serial", p.serial, "");
  pp_printer_clear(&p);
}

static void test_real_serials_are_kept(void **state) {
  (void)state;
  static const struct {
    const char *tag, *value, *want;
  } cases[] = {
      {"4", "CNB1R12345", "CNB1R12345"},
      {"4", "E78234A1", "E78234A1"},
      {"4", "XQK00113", "XQK00113"},
      {"4", "1000", "1000"},
      {"4", "  VNB3K12345  ", "VNB3K12345"},
      /* NUL-padded real serial */
      {"4x", "4c56453132333400", "LVE1234"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct pp_printer p;
    decode_serial(cases[i].tag, cases[i].value, &p);
    check_str("serial", p.serial, cases[i].want);
    pp_printer_clear(&p);
  }
}

static void test_mac_from_first_usable_ifphysaddress(void **state) {
  (void)state;
  struct pp_printer p;
  decode_text(IF_PHYS "1|4|\n"                  /* loopback */
              IF_PHYS "2|4x|000000000000\n"     /* all zero */
              IF_PHYS "3|4x|00005e0053\n"       /* 5 bytes */
              IF_PHYS "4|4x|00005e0053010203\n" /* 8 bytes */
              IF_PHYS "5|4x|ffffffffffff\n"     /* broadcast */
              IF_PHYS "6|4x|00005e00530d\n"     /* the one */
              IF_PHYS "10|4x|00005e0053ff\n",   /* later */
              &p);
  check_str("mac", p.mac, "00:00:5e:00:53:0d");
  pp_printer_clear(&p);

  /* numeric order: .2 before .10 */
  decode_text(IF_PHYS "10|4x|00005e0053aa\n" IF_PHYS "2|4x|00005E0053BB\n", &p);
  check_str("mac", p.mac, "00:00:5e:00:53:bb");
  pp_printer_clear(&p);

  decode_text(IF_PHYS "1|4|\n" IF_PHYS "2|4x|000000000000\n", &p);
  check_str("mac", p.mac, "");
  pp_printer_clear(&p);
}

static void test_printer_row_chosen_by_hr_device_type(void **state) {
  (void)state;
  struct pp_printer p;
  /* 1 a type under hrDevicePrinter but not it, 2 the printer, 3 network,
   * 4 disk storage */
  decode_text(HR_DEVICE "2.1|6|1.3.6.1.2.1.25.3.1.5.1\n" HR_DEVICE
                        "2.2|6|1.3.6.1.2.1.25.3.1.5\n" HR_DEVICE
                        "2.3|6|1.3.6.1.2.1.25.3.1.4\n" HR_DEVICE
                        "2.4|6|1.3.6.1.2.1.25.3.1.6\n" HR_DEVICE
                        "3.1|4|Something else\n" HR_DEVICE
                        "3.2|4|Kyocera ECOSYS P3155dn\n" HR_DEVICE
                        "3.3|4|Ethernet interface\n" HR_DEVICE
                        "5.1|2|5\n" HR_DEVICE "5.2|2|3\n" HR_PRINTER
                        "1.1|2|4\n" HR_PRINTER "1.2|2|3\n" HR_PRINTER
                        "2.1|4x|ffff\n" HR_PRINTER "2.2|4x|20\n",
              &p);
  check_str("model", p.model, "Kyocera ECOSYS P3155dn");
  assert_int_equal(p.status.device, 3);
  assert_int_equal(p.status.printer, 3);
  assert_int_equal(p.status.errors, 1u << PP_ERR_LOW_TONER);
  assert_int_equal(p.status.error_bytes, 1);
  pp_printer_clear(&p);

  /* no device type column: the hrPrinterTable row */
  decode_text(HR_DEVICE "3.7|4|Brother HL-L2350DW\n" HR_PRINTER "1.7|2|4\n",
              &p);
  check_str("model", p.model, "Brother HL-L2350DW");
  assert_int_equal(p.status.printer, 4);
  pp_printer_clear(&p);
}

/* ---- Asleep ------------------------------------------------------------ */

static void test_asleep_detection(void **state) {
  (void)state;
  static const struct {
    const char *what;
    int printer;         /* hrPrinterStatus */
    const char *errors;  /* hex */
    const char *console; /* NULL: none */
    const char *alert;   /* NULL: none */
    bool asleep;
  } cases[] = {
      {"warmup + offline only", 5, "02", NULL, NULL, true},
      {"other + offline only", 1, "0200", NULL, NULL, true},
      {"warmup, no errors", 5, "00", NULL, NULL, true},
      {"warmup + offline + jammed", 5, "06", NULL, NULL, false},
      {"warmup + noToner", 5, "10", NULL, NULL, false},
      {"warmup + overduePreventMaint", 5, "0002", NULL, NULL, false},
      {"idle, console Sleep Mode", 3, "00", "Sleep Mode", NULL, true},
      {"idle, console Energy Saver", 3, "00", "Energy Saver", NULL, true},
      {"idle, German console", 3, "00", "Ruhemodus", NULL, true},
      {"idle, alert Sleep mode", 3, "00", NULL, "Sleep mode", true},
      {"jammed, console Sleep Mode", 3, "04", "Sleep Mode", NULL, false},
      {"idle, nothing said", 3, "00", "Ready", NULL, false},
      {"printing + offline", 4, "02", NULL, NULL, false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char text[TEXT_MAX] = "";
    struct pp_printer p;
    append(text, sizeof text, HR_PRINTER "1.1|2|%d\n" HR_PRINTER "2.1|4x|%s\n",
           cases[i].printer, cases[i].errors);
    if (cases[i].console != NULL)
      append(text, sizeof text, CONSOLE "1|4|%s\n", cases[i].console);
    if (cases[i].alert != NULL)
      append(text, sizeof text,
             ALERT "2.1.1|2|1\n" ALERT "7.1.1|2|1\n" ALERT "8.1.1|4|%s\n",
             cases[i].alert);
    decode_text(text, &p);
    if (p.status.asleep != cases[i].asleep)
      fail_msg("%s: asleep %d, want %d", cases[i].what, p.status.asleep,
               cases[i].asleep);
    pp_printer_clear(&p);
  }
}

/* ---- System group ------------------------------------------------------ */

static void test_sys_object_id_enterprise_number(void **state) {
  (void)state;
  static const struct {
    const char *oid;
    uint32_t enterprise;
  } cases[] = {
      {"1.3.6.1.4.1.2435.2.3.9.1", 2435},
      {"1.3.6.1.4.1.11.2.3.9.1", 11},
      {"1.3.6.1.4.1.18334.1.1.1.1.6.2.1", 18334},
      {"1.3.6.1.4.1.1248", 1248},
      {"1.3.6.1.4.1", 0},
      {"1.3.6.1.2.1.43", 0},
      {"0.0", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char text[TEXT_MAX] = "";
    struct pp_printer p;
    append(text, sizeof text,
           "1.3.6.1.2.1.1.1.0|4|Brother NC-8300w\n"
           "1.3.6.1.2.1.1.2.0|6|%s\n"
           "1.3.6.1.2.1.1.3.0|67|8640000\n"
           "1.3.6.1.2.1.1.5.0|4|PRN-7\n",
           cases[i].oid);
    decode_text(text, &p);
    if (p.enterprise != cases[i].enterprise)
      fail_msg("%s: enterprise %u, want %u", cases[i].oid, p.enterprise,
               cases[i].enterprise);
    check_str("sys_object_id", p.sys_object_id, cases[i].oid);
    check_str("sys_descr", p.sys_descr, "Brother NC-8300w");
    check_str("name", p.name, "PRN-7");
    assert_int_equal(p.uptime_ticks, 8640000);
    pp_printer_clear(&p);
  }
}

static void test_printer_name_overrides_sys_name(void **state) {
  (void)state;
  struct pp_printer p;
  decode_text("1.3.6.1.2.1.1.5.0|4|sysname\n"
              "1.3.6.1.2.1.43.5.1.1.16.1|4|Front Desk\n",
              &p);
  check_str("name", p.name, "Front Desk");
  pp_printer_clear(&p);
  decode_text("1.3.6.1.2.1.1.5.0|4|sysname\n"
              "1.3.6.1.2.1.43.5.1.1.16.1|4|\n",
              &p);
  check_str("name", p.name, "sysname");
  pp_printer_clear(&p);
}

/* ---- Trays and output bins (prtInputTable, prtOutputTable) ------------- */

#define INPUT "1.3.6.1.2.1.43.8.2.1."
#define OUTPUT "1.3.6.1.2.1.43.9.2.1."

struct tray_case {
  const char *what;
  bool output;
  int64_t status; /* PrtSubUnitStatusTC, NONE when absent */
  int64_t unit;   /* PrtCapacityUnitTC, NONE when absent */
  int64_t max;
  int64_t level;
  int percent;
  enum pp_tray_state state;
};

/* One row, index 1.3: the levels and status decide the state, -1/-2 are
 * never 0, -3 is "some remaining", unavailableBroken (3) is missing
 * whatever the level, the alert bits (+8, +16) and offline (+32) alone
 * are not. */
static void test_tray_levels_and_states(void **state) {
  (void)state;
  static const struct tray_case cases[] = {
      {"normal tray", false, 0, 8, 500, 400, 80, PP_TRAY_OK},
      {"empty tray", false, 0, 8, 550, 0, 0, PP_TRAY_EMPTY},
      {"low tray", false, 0, 8, 550, 20, 3, PP_TRAY_LOW},
      {"one sheet left", false, 0, 8, 550, 1, 0, PP_TRAY_LOW},
      {"some remaining", false, 0, 8, 550, -3, PP_NO_PERCENT,
       PP_TRAY_SOME_REMAINING},
      {"level other", false, 0, 8, 550, -1, PP_NO_PERCENT, PP_TRAY_UNKNOWN},
      {"level unknown", false, 0, 8, 550, -2, PP_NO_PERCENT, PP_TRAY_UNKNOWN},
      {"max unknown", false, 0, 8, -2, 200, PP_NO_PERCENT, PP_TRAY_OK},
      {"no level", false, 0, 8, 550, NONE, PP_NO_PERCENT, PP_TRAY_UNKNOWN},
      {"level above max", false, 0, 8, 100, 120, 100, PP_TRAY_OK},
      {"unit percent", false, 0, 19, -2, 45, 45, PP_TRAY_OK},
      {"broken", false, 3, 8, 550, 300, PP_NO_PERCENT, PP_TRAY_MISSING},
      {"broken with alerts", false, 3 + 16, 8, 550, 0, PP_NO_PERCENT,
       PP_TRAY_MISSING},
      {"alert bits only", false, 8 + 16 + 32, 8, 550, 300, 54, PP_TRAY_OK},
      {"on request", false, 1, 8, 550, 300, 54, PP_TRAY_OK},
      {"bin full", true, 0, 8, 250, 0, 0, PP_TRAY_FULL},
      {"bin near full", true, 0, 8, 250, 20, 8, PP_TRAY_NEAR_FULL},
      {"bin room", true, 0, 8, 250, 200, 80, PP_TRAY_OK},
      {"bin some room", true, 0, 8, 250, -3, PP_NO_PERCENT,
       PP_TRAY_SOME_REMAINING},
      {"bin unknown", true, NONE, NONE, -2, -2, PP_NO_PERCENT, PP_TRAY_UNKNOWN},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const struct tray_case *c = &cases[i];
    const char *table = c->output ? OUTPUT : INPUT;
    /* Column numbers differ between the tables: unit, max, level,
     * status. */
    int unit_col = c->output ? 3 : 8, max_col = c->output ? 4 : 9;
    int level_col = c->output ? 5 : 10, status_col = c->output ? 6 : 11;
    char buf[1024] = "";
    if (c->unit != NONE)
      append(buf, sizeof(buf), "%s%d.1.3|2|%lld\n", table, unit_col,
             (long long)c->unit);
    append(buf, sizeof(buf), "%s%d.1.3|2|%lld\n", table, max_col,
           (long long)c->max);
    if (c->level != NONE)
      append(buf, sizeof(buf), "%s%d.1.3|2|%lld\n", table, level_col,
             (long long)c->level);
    if (c->status != NONE)
      append(buf, sizeof(buf), "%s%d.1.3|2|%lld\n", table, status_col,
             (long long)c->status);
    struct pp_printer p;
    decode_text(buf, &p);
    if (p.tray_count != 1)
      fail_msg("%s: %zu trays", c->what, p.tray_count);
    const struct pp_tray *t = &p.trays[0];
    if (t->index != 3 || t->output != c->output || t->percent != c->percent ||
        t->state != c->state)
      fail_msg("%s: index %d output %d percent %d state %s", c->what, t->index,
               t->output, t->percent, pp_tray_state_name(t->state));
    if (c->level == NONE && t->level != PP_UNKNOWN)
      fail_msg("%s: an unread level must stay unknown", c->what);
    pp_printer_clear(&p);
  }
}

/* The name comes from prtInputName / prtOutputName, else from the
 * description; media, type and unit as read; names with odd bytes are
 * cleaned text. */
static void test_tray_names_types_and_media(void **state) {
  (void)state;
  struct pp_printer p;
  decode_text(
      INPUT "2.1.1|2|3\n" INPUT "2.1.2|2|5\n" INPUT "8.1.1|2|8\n" INPUT
            "9.1.1|2|500\n" INPUT "9.1.2|2|100\n" INPUT "10.1.1|2|250\n" INPUT
            "10.1.2|2|0\n" INPUT "12.1.1|4|A4\n" INPUT "13.1.1|4|Fach 1\n" INPUT
            "13.1.2|4|\n" INPUT "18.1.1|4|Paper tray one\n" INPUT
            "18.1.2|4x|4d616e75616c20466565642000\n" OUTPUT "2.1.1|2|6\n" OUTPUT
            "3.1.1|2|8\n" OUTPUT "4.1.1|2|100\n" OUTPUT "5.1.1|2|60\n" OUTPUT
            "12.1.1|4|Mailbox 1\n",
      &p);
  assert_int_equal(p.tray_count, 3);
  check_str("name (prtInputName wins)", p.trays[0].name, "Fach 1");
  check_str("media", p.trays[0].media, "A4");
  assert_int_equal(p.trays[0].type, 3);
  assert_int_equal(p.trays[0].unit, 8);
  check_str("type name", pp_tray_type_name(false, p.trays[0].type),
            "sheetFeedAutoRemovableTray");
  check_str("unit name", pp_capacity_unit_name(p.trays[0].unit), "sheets");
  assert_false(p.trays[0].manual);
  /* An empty name: the NUL-padded description instead. */
  check_str("name from description", p.trays[1].name, "Manual Feed");
  assert_true(p.trays[1].manual);
  check_str("media absent", p.trays[1].media, "");
  assert_true(p.trays[2].output);
  check_str("bin name from description", p.trays[2].name, "Mailbox 1");
  check_str("bin type", pp_tray_type_name(true, p.trays[2].type), "mailBox");
  assert_false(p.trays[2].manual);
  assert_int_equal(p.trays[2].percent, 60);
  pp_printer_clear(&p);
}

/* Without prtInputType, a name saying bypass, manual or multi-purpose is a
 * manual feed (Sharp, Brother, Canon, OKI in tests/corpus); with a type,
 * the type alone decides. */
static void test_tray_manual_feed_from_type_or_name(void **state) {
  (void)state;
  static const struct {
    const char *name;
    int type; /* 0: column absent */
    bool manual;
  } cases[] = {
      {"Bypass Tray", 0, true},
      {"Manual Paper", 0, true},
      {"Multi-Purpose Tray", 0, true},
      {"MP TRAY", 0, true},
      {"MPTRAY", 0, true},
      {"Tray 1", 0, false},
      {"Auto Select", 0, false},
      {"Bypass Tray", 3, false},
      {"Tray 1", 5, true},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char buf[512] = "";
    if (cases[i].type != 0)
      append(buf, sizeof(buf), INPUT "2.1.1|2|%d\n", cases[i].type);
    append(buf, sizeof(buf), INPUT "10.1.1|2|0\n" INPUT "13.1.1|4|%s\n",
           cases[i].name);
    struct pp_printer p;
    decode_text(buf, &p);
    assert_int_equal(p.tray_count, 1);
    if (p.trays[0].manual != cases[i].manual)
      fail_msg("\"%s\" type %d: manual %d", cases[i].name, cases[i].type,
               p.trays[0].manual);
    pp_printer_clear(&p);
  }
}

/* A table longer than the limit is cut, and the printer says so. */
static void test_tray_table_is_bounded(void **state) {
  (void)state;
  size_t rows = PP_MAX_TABLE_ROWS + 5;
  size_t size = rows * 48 + 1;
  char *buf = calloc(1, size);
  assert_non_null(buf);
  for (size_t i = 1; i <= rows; i++)
    append(buf, size, INPUT "10.1.%zu|2|10\n", i);
  struct pp_printer p;
  decode_text(buf, &p);
  assert_int_equal(p.tray_count, PP_MAX_TABLE_ROWS);
  assert_non_null(strstr(p.error, "input trays cut off"));
  pp_printer_clear(&p);
  free(buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_supply_level_minus1_other_has_no_percent),
      cmocka_unit_test(test_supply_level_minus2_unknown_has_no_percent),
      cmocka_unit_test(test_supply_level_minus3_means_some_remaining),
      cmocka_unit_test(test_supply_max_minus1_minus2_gives_no_percent),
      cmocka_unit_test(test_supply_unit_percent_ignores_max),
      cmocka_unit_test(test_supply_level_above_max_caps_at_100),
      cmocka_unit_test(test_supply_percent_truncates_to_integer),
      cmocka_unit_test(test_receptacle_level_is_free_space),
      cmocka_unit_test(test_waste_toner_without_class_is_receptacle),
      cmocka_unit_test(test_drum_type9_is_never_a_receptacle),
      cmocka_unit_test(test_ricoh_minus100_means_low_without_percent),
      cmocka_unit_test(test_supply_huge_counter64_level_does_not_overflow),
      cmocka_unit_test(test_supply_without_level_column_is_unknown),
      cmocka_unit_test(test_supplies_cut_at_row_limit_say_so),
      cmocka_unit_test(test_descr_hex_encoded_ascii),
      cmocka_unit_test(test_descr_utf16_be_with_bom),
      cmocka_unit_test(test_descr_utf16_le_with_bom),
      cmocka_unit_test(test_descr_utf16_without_bom),
      cmocka_unit_test(test_descr_latin1),
      cmocka_unit_test(test_descr_nul_padded),
      cmocka_unit_test(test_descr_hp_hex_dump_continuation),
      cmocka_unit_test(test_descr_control_chars_become_single_spaces),
      cmocka_unit_test(test_clean_text_truncates_without_holes),
      cmocka_unit_test(test_colour_from_colorant_table_first),
      cmocka_unit_test(test_colour_from_localized_names),
      cmocka_unit_test(test_colour_from_feminine_forms),
      cmocka_unit_test(test_colour_light_and_photo_qualifiers),
      cmocka_unit_test(test_descr_naming_two_colours_has_no_colour),
      cmocka_unit_test(test_counter_integer_life_count),
      cmocka_unit_test(test_counter_as_text),
      cmocka_unit_test(test_counter_unit_is_kept),
      cmocka_unit_test(test_counter64_power_on_count),
      cmocka_unit_test(test_counter64_past_int64_max),
      cmocka_unit_test(test_numbers_in_string_columns_are_absent),
      cmocka_unit_test(test_missing_life_count_stays_unknown),
      cmocka_unit_test(test_error_bit_names_follow_rfc3805),
      cmocka_unit_test(test_error_state_1byte),
      cmocka_unit_test(test_error_state_2byte_every_bit_by_name),
      cmocka_unit_test(test_error_state_extra_bytes_ignored),
      cmocka_unit_test(test_empty_alert_rows_dropped),
      cmocka_unit_test(test_alert_group_names),
      cmocka_unit_test(test_placeholder_serials_are_dropped),
      cmocka_unit_test(test_real_serials_are_kept),
      cmocka_unit_test(test_mac_from_first_usable_ifphysaddress),
      cmocka_unit_test(test_printer_row_chosen_by_hr_device_type),
      cmocka_unit_test(test_asleep_detection),
      cmocka_unit_test(test_sys_object_id_enterprise_number),
      cmocka_unit_test(test_printer_name_overrides_sys_name),
      cmocka_unit_test(test_tray_levels_and_states),
      cmocka_unit_test(test_tray_names_types_and_media),
      cmocka_unit_test(test_tray_manual_feed_from_type_or_name),
      cmocka_unit_test(test_tray_table_is_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
