/* SPDX-License-Identifier: MIT */
/* Unit tests for the monitoring policy every front end shares: severities,
 * asleep, "in error", supply names, type families, special levels and the
 * deadline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "pp_model.h"
#include "pp_policy.h"
#include "pp_str.h"

#define BIT(b) (1u << (b))

static void printer_init(struct pp_printer *p) {
  pp_printer_init(p, "192.0.2.7");
  p->reachable = true;
  p->status.error_bytes = 2;
  p->status.printer = 3;
  p->status.device = 2;
}

static void test_bit_severities(void **state) {
  (void)state;
  assert_int_equal(pp_policy_bit_severity(PP_ERR_LOW_PAPER), PP_SEV_WARNING);
  assert_int_equal(pp_policy_bit_severity(PP_ERR_LOW_TONER), PP_SEV_WARNING);
  assert_int_equal(pp_policy_bit_severity(PP_ERR_JAMMED), PP_SEV_CRITICAL);
  assert_int_equal(pp_policy_bit_severity(PP_ERR_OFFLINE), PP_SEV_CRITICAL);
  assert_int_equal(pp_policy_bit_severity(PP_ERR_OVERDUE_PREVENT_MAINT),
                   PP_SEV_WARNING);
  assert_int_equal(pp_policy_bit_severity(PP_ERR_BIT_COUNT), PP_SEV_OK);
  assert_string_equal(pp_severity_name(PP_SEV_CRITICAL), "critical");
}

/* The NOC's case: "PRINTER OK - asleep" in Nagios, in error elsewhere. */
static void test_asleep_is_not_an_error(void **state) {
  (void)state;
  struct pp_printer p;
  printer_init(&p);
  p.status.errors = BIT(PP_ERR_OFFLINE);
  p.status.asleep = true;
  p.status.device = 5; /* some agents say down while dozing */
  assert_int_equal(pp_policy_active_errors(&p), 0);
  assert_int_equal(pp_policy_printer_severity(&p), PP_SEV_OK);
  assert_false(pp_policy_in_error(&p));
  p.status.asleep = false;
  assert_int_equal(pp_policy_active_errors(&p), BIT(PP_ERR_OFFLINE));
  assert_true(pp_policy_in_error(&p));
}

static void test_alerts(void **state) {
  (void)state;
  struct pp_printer p;
  printer_init(&p);
  struct pp_alert a = {.severity = PP_ALERT_CRITICAL, .code = 8};
  assert_int_equal(pp_policy_alert_severity(&p, &a), PP_SEV_CRITICAL);
  a.severity = PP_ALERT_WARNING_BINARY;
  assert_int_equal(pp_policy_alert_severity(&p, &a), PP_SEV_WARNING);
  a.severity = PP_ALERT_OTHER;
  assert_int_equal(pp_policy_alert_severity(&p, &a), PP_SEV_OK);
  a = (struct pp_alert){.severity = PP_ALERT_CRITICAL, .code = 23};
  assert_int_equal(pp_policy_alert_severity(&p, &a), PP_SEV_CRITICAL);
  p.status.asleep = true;
  assert_int_equal(pp_policy_alert_severity(&p, &a), PP_SEV_OK);
}

/* Low paper is a warning, not "in error" (the fleet report counted it). */
static void test_in_error_is_critical(void **state) {
  (void)state;
  struct pp_printer p;
  printer_init(&p);
  p.status.errors = BIT(PP_ERR_LOW_PAPER);
  assert_int_equal(pp_policy_printer_severity(&p), PP_SEV_WARNING);
  assert_false(pp_policy_in_error(&p));
  p.status.device = 5;
  assert_true(pp_policy_in_error(&p));
  p.reachable = false;
  assert_false(pp_policy_in_error(&p));
}

static struct pp_supply *supply(struct pp_printer *p, int type,
                                const char *colour, const char *description) {
  struct pp_supply *s = pp_printer_add_supply(p);
  s->index = (int)p->supply_count;
  s->type = type;
  pp_strlcpy(s->colour, colour, sizeof(s->colour));
  pp_strlcpy(s->description, description, sizeof(s->description));
  return s;
}

/* One name per supply: "Imaging Kit" in Nagios was "opc" in collectd. */
static void test_supply_names(void **state) {
  (void)state;
  struct pp_printer p;
  printer_init(&p);
  supply(&p, 21, "black", "Black Cartridge");
  supply(&p, 9, "", "Imaging Kit");
  supply(&p, 9, "black", "Drum");
  supply(&p, 4, "", "Waste Toner Box");
  supply(&p, 1, "", "Toner Schwarz");
  supply(&p, 3, "black", "Second black");
  supply(&p, 1, "", "");
  supply(&p, 1, "", "Drum Cartridge (R1) PN 013R00662 SN5238EF80E000048E");
  char names[8][PP_SUPPLY_NAME_MAX];
  pp_policy_supply_names(&p, names);
  assert_string_equal(names[0], "black");
  assert_string_equal(names[1], "opc");
  assert_string_equal(names[2], "opc_black");
  assert_string_equal(names[3], "waste_toner");
  assert_string_equal(names[4], "toner_schwarz");
  assert_string_equal(names[5], "black_2");
  assert_string_equal(names[6], "supply_7");
  /* Perfdata keeps 48 bytes of a label: the name must fit whole. */
  assert_true(strlen(names[7]) <= 39);
  assert_string_equal(names[7], "drum_cartridge_r1_pn_013r00662_sn5238ef");
  pp_printer_clear(&p);
}

/* --type toner matched no tonerCartridge. */
static void test_families(void **state) {
  (void)state;
  assert_true(pp_policy_type_matches("toner", 21)); /* tonerCartridge */
  assert_true(pp_policy_type_matches("TONER", 3));  /* toner */
  assert_false(pp_policy_type_matches("toner", 4)); /* wasteToner */
  assert_true(pp_policy_type_matches("ink", 6));    /* inkCartridge */
  assert_true(pp_policy_type_matches("waste", 8));  /* wasteInk */
  assert_true(pp_policy_type_matches("waste", 24)); /* wasteWater */
  assert_true(pp_policy_type_matches("drum", 9));   /* opc */
  assert_true(pp_policy_type_matches("fuser", 11)); /* fuserOil */
  assert_false(pp_policy_type_matches("tonerCartridge", 3));
  assert_true(pp_policy_type_matches("wasteToner", 4));
  assert_true(pp_policy_type_known("waste"));
  assert_true(pp_policy_type_known("transferUnit"));
  assert_false(pp_policy_type_known("coffee"));
}

static void test_special_levels(void **state) {
  (void)state;
  struct pp_supply s = {.max = 100, .unit = 19};
  s.level = -3;
  pp_supply_derive(&s);
  assert_string_equal(pp_policy_supply_text(&s), "some remaining");
  s.level = -1;
  pp_supply_derive(&s);
  assert_string_equal(pp_policy_supply_text(&s), "level unknown");
  s.level = -2;
  pp_supply_derive(&s);
  assert_string_equal(pp_policy_supply_text(&s), "level unknown");
  s.level = 50;
  pp_supply_derive(&s);
  assert_null(pp_policy_supply_text(&s));
  s.level = -100; /* Ricoh's near end */
  pp_supply_derive(&s);
  assert_string_equal(pp_policy_supply_text(&s), "near end");
  s.receptacle = true;
  s.level = 0;
  pp_supply_derive(&s);
  assert_string_equal(pp_policy_supply_text(&s), "full");
}

static enum pp_severity severity_at(long long level, bool receptacle) {
  struct pp_supply s = {
      .max = 100, .unit = 19, .level = level, .receptacle = receptacle};
  pp_supply_derive(&s);
  return pp_policy_supply_severity(&s);
}

/* The fleet report once listed supplies at 10 % or less while the checks
 * warned below 20 %: one set of marks now. */
static void test_supply_severity(void **state) {
  (void)state;
  assert_int_equal(severity_at(20, false), PP_SEV_OK);
  assert_int_equal(severity_at(19, false), PP_SEV_WARNING);
  assert_int_equal(severity_at(15, false), PP_SEV_WARNING);
  assert_int_equal(severity_at(10, false), PP_SEV_WARNING);
  assert_int_equal(severity_at(9, false), PP_SEV_CRITICAL);
  assert_int_equal(severity_at(0, false), PP_SEV_CRITICAL);
  assert_int_equal(severity_at(-3, false), PP_SEV_OK);
  assert_int_equal(severity_at(-2, false), PP_SEV_OK);
  assert_int_equal(severity_at(-100, false), PP_SEV_WARNING);
  /* A receptacle's percentage is its free room. */
  assert_int_equal(severity_at(0, true), PP_SEV_CRITICAL);
  assert_int_equal(severity_at(15, true), PP_SEV_WARNING);
  assert_int_equal(severity_at(80, true), PP_SEV_OK);
}

static struct pp_tray *tray(struct pp_printer *p, bool output, const char *name,
                            int64_t level, int64_t max) {
  struct pp_tray *t = pp_printer_add_tray(p);
  t->output = output;
  t->index = (int)p->tray_count;
  pp_strlcpy(t->name, name, sizeof(t->name));
  t->level = level;
  t->max = max;
  pp_tray_derive(t);
  return t;
}

/* Trays: a missing tray and a full bin stop printing; an empty tray is a
 * warning unless it is the bypass tray, which is kept empty. */
static void test_trays(void **state) {
  (void)state;
  struct pp_printer p;
  pp_printer_init(&p, "x");
  assert_int_equal(pp_policy_tray_severity(tray(&p, false, "Tray 1", 400, 500)),
                   PP_SEV_OK);
  assert_int_equal(pp_policy_tray_severity(tray(&p, false, "Tray 2", 0, 500)),
                   PP_SEV_WARNING);
  struct pp_tray *bypass = tray(&p, false, "Bypass Tray", 0, 100);
  bypass->manual = true;
  assert_int_equal(pp_policy_tray_severity(bypass), PP_SEV_OK);
  assert_int_equal(pp_policy_tray_severity(tray(&p, true, "Bin", 0, 250)),
                   PP_SEV_CRITICAL);
  assert_int_equal(pp_policy_tray_severity(tray(&p, true, "Bin", 20, 250)),
                   PP_SEV_WARNING);
  struct pp_tray *some = tray(&p, false, "", -3, 550);
  assert_int_equal(some->percent, PP_NO_PERCENT);
  assert_string_equal(pp_policy_tray_text(some), "some remaining");
  struct pp_tray *unknown = tray(&p, false, "", -2, -2);
  assert_int_equal(pp_policy_tray_severity(unknown), PP_SEV_OK);
  assert_string_equal(pp_policy_tray_text(unknown), "level unknown");
  struct pp_tray *pulled = tray(&p, false, "Tray 5", 0, 550);
  pulled->status = 3;
  pp_tray_derive(pulled);
  assert_int_equal(pp_policy_tray_severity(pulled), PP_SEV_CRITICAL);
  char names[9][PP_SUPPLY_NAME_MAX];
  pp_policy_tray_names(&p, names);
  assert_string_equal(names[0], "tray_1");
  assert_string_equal(names[2], "bypass_tray");
  assert_string_equal(names[3], "bin");
  assert_string_equal(names[4], "bin_2");
  assert_string_equal(names[5], "input_6");
  pp_printer_clear(&p);
}

/* Odd and long tray names: cleaned to a label, cut so that a "_N" suffix
 * still fits a perfdata label, unique across trays and bins; a row with
 * no name is input_N / output_N; Sharp's "Auto Select" pseudo-tray (-2 of
 * -2) reads "level unknown" and alarms no one. */
static void test_tray_names_odd_and_long(void **state) {
  (void)state;
  struct pp_printer p;
  pp_printer_init(&p, "x");
  tray(&p, false,
       "Fach 2 - Papier A4 / Gro\xc3\x9f (\xc3\x96"
       "ffnen)",
       10, 500);
  tray(&p, false,
       "High Capacity Input Feeder with Envelope Attachment, lower drawer", 300,
       2000);
  tray(&p, false,
       "High Capacity Input Feeder with Envelope Attachment, upper drawer", 300,
       2000);
  tray(&p, true, "Tray 1", 100, 250);
  tray(&p, false, "Tray 1", 100, 250);
  tray(&p, true, "  ", 100, 250);
  struct pp_tray *auto_select = tray(&p, false, "Auto Select", -2, -2);
  char names[7][PP_SUPPLY_NAME_MAX];
  pp_policy_tray_names(&p, names);
  assert_string_equal(names[0], "fach_2_papier_a4_gro_ffnen");
  assert_string_equal(names[1], "high_capacity_input_feeder_with_envelop");
  assert_string_equal(names[2], "high_capacity_input_feeder_with_envelop_2");
  assert_string_equal(names[3], "tray_1");
  assert_string_equal(names[4], "tray_1_2");
  assert_string_equal(names[5], "output_6");
  assert_string_equal(names[6], "auto_select");
  for (size_t i = 0; i < 7; i++)
    assert_true(strlen(names[i]) < PP_SUPPLY_NAME_MAX);
  assert_int_equal(auto_select->state, PP_TRAY_UNKNOWN);
  assert_int_equal(auto_select->percent, PP_NO_PERCENT);
  assert_int_equal(pp_policy_tray_severity(auto_select), PP_SEV_OK);
  assert_string_equal(pp_policy_tray_text(auto_select), "level unknown");
  pp_printer_clear(&p);
}

/* Engine, collectd and the checks gave one printer three deadlines. */
static void test_deadline(void **state) {
  (void)state;
  assert_true(pp_policy_deadline_s(1.0, 2, 1.5) == 12.0);
  assert_true(pp_policy_deadline_s(1.0, 2, 1.0) == 12.0);
  assert_true(pp_policy_deadline_s(0.2, 1, 1.5) == 5.0);
  assert_true(pp_policy_deadline_s(2.5, 0, 1.5) == 10.0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bit_severities),
      cmocka_unit_test(test_asleep_is_not_an_error),
      cmocka_unit_test(test_alerts),
      cmocka_unit_test(test_in_error_is_critical),
      cmocka_unit_test(test_supply_names),
      cmocka_unit_test(test_families),
      cmocka_unit_test(test_special_levels),
      cmocka_unit_test(test_supply_severity),
      cmocka_unit_test(test_trays),
      cmocka_unit_test(test_tray_names_odd_and_long),
      cmocka_unit_test(test_deadline),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
