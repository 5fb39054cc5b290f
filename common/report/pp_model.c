/* SPDX-License-Identifier: MIT */
#include "pp_model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pp_str.h"

static const char *const error_bit_names[PP_ERR_BIT_COUNT] = {
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

const char *pp_error_bit_name(unsigned bit) {
  return bit < PP_ERR_BIT_COUNT ? error_bit_names[bit] : NULL;
}

int pp_error_bit_from_name(const char *name) {
  for (unsigned i = 0; i < PP_ERR_BIT_COUNT; i++) {
    if (strcasecmp(name, error_bit_names[i]) == 0)
      return (int)i;
  }
  return -1;
}

const char *pp_supply_state_name(enum pp_supply_state state) {
  switch (state) {
  case PP_SUPPLY_OK:
    return "ok";
  case PP_SUPPLY_LOW:
    return "low";
  case PP_SUPPLY_EMPTY:
    return "empty";
  case PP_SUPPLY_SOME_REMAINING:
    return "some-remaining";
  case PP_SUPPLY_MISSING:
    return "missing";
  case PP_SUPPLY_FAILED:
    return "failed";
  case PP_SUPPLY_NEAR_FULL:
    return "near-full";
  case PP_SUPPLY_FULL:
    return "full";
  case PP_SUPPLY_UNKNOWN:
    break;
  }
  return "unknown";
}

/* Looks a number up in a table indexed from `first`; NULL holes allowed. */
static const char *table_name(const char *const *names, size_t count, int first,
                              int value, const char *fallback) {
  if (value < first || (size_t)(value - first) >= count ||
      names[value - first] == NULL)
    return fallback;
  return names[value - first];
}

#define TABLE_NAME(names, first, value, fallback)                              \
  table_name(names, sizeof(names) / sizeof(names[0]), first, value, fallback)

/* prtMarkerSuppliesTypeTC, RFC 3805 and its IANA successor. */
static const char *const supply_types[] = {
    "other",
    "unknown",
    "toner",
    "wasteToner",
    "ink",
    "inkCartridge",
    "inkRibbon",
    "wasteInk",
    "opc",
    "developer",
    "fuserOil",
    "solidWax",
    "ribbonWax",
    "wasteWax",
    "fuser",
    "coronaWire",
    "fuserOilWick",
    "cleanerUnit",
    "fuserCleaningPad",
    "transferUnit",
    "tonerCartridge",
    "fuserOiler",
    "water",
    "wasteWater",
    "glueWaterAdditive",
    "wastePaper",
    "bindingSupply",
    "bandingSupply",
    "stitchingWire",
    "shrinkWrap",
    "paperWrap",
    "staples",
    "inserts",
    "covers",
    "matteToner",
    "matteInk",
};

const char *pp_supply_type_name(int type) {
  return TABLE_NAME(supply_types, 1, type, "other");
}

static const char *const counter_units[] = {
    [3] = "tenThousandthsOfInches",
    [4] = "micrometers",
    [5] = "characters",
    [6] = "lines",
    [7] = "impressions",
    [8] = "sheets",
    [9] = "dotRow",
    [11] = "hours",
    [16] = "feet",
    [17] = "meters",
};

const char *pp_counter_unit_name(int unit) {
  return TABLE_NAME(counter_units, 0, unit, "other");
}

static const char *const supply_units[] = {
    [1] = "other",
    [2] = "unknown",
    [3] = "tenThousandthsOfInches",
    [4] = "micrometers",
    [7] = "impressions",
    [8] = "sheets",
    [11] = "hours",
    [12] = "thousandthsOfOunces",
    [13] = "tenthsOfGrams",
    [14] = "hundrethsOfFluidOunces",
    [15] = "tenthsOfMilliliters",
    [16] = "feet",
    [17] = "meters",
    [18] = "items",
    [19] = "percent",
};

const char *pp_supply_unit_name(int unit) {
  return TABLE_NAME(supply_units, 0, unit, "other");
}

const char *pp_alert_severity_name(int severity) {
  switch (severity) {
  case PP_ALERT_CRITICAL:
    return "critical";
  case PP_ALERT_WARNING:
    return "warning";
  case PP_ALERT_WARNING_BINARY:
    return "warningBinaryChangeEvent";
  default:
    return "other";
  }
}

static const char *const alert_groups[] = {
    [1] = "other",
    [3] = "hostResourcesMIBStorageTable",
    [4] = "hostResourcesMIBDeviceTable",
    [5] = "generalPrinter",
    [6] = "cover",
    [7] = "localization",
    [8] = "input",
    [9] = "output",
    [10] = "marker",
    [11] = "markerSupplies",
    [12] = "markerColorant",
    [13] = "mediaPath",
    [14] = "channel",
    [15] = "interpreter",
    [16] = "consoleDisplayBuffer",
    [17] = "consoleLights",
    [18] = "alert",
    [30] = "finDevice",
    [31] = "finSupply",
    [32] = "finSupplyMediaInput",
    [33] = "finAttribute",
};

const char *pp_alert_group_name(int group) {
  return TABLE_NAME(alert_groups, 0, group, "other");
}

static const char *const printer_states[] = {"other", "unknown", "idle",
                                             "printing", "warmup"};
static const char *const device_states[] = {"unknown", "running", "warning",
                                            "testing", "down"};

const char *pp_printer_status_name(int status) {
  return TABLE_NAME(printer_states, 1, status, NULL);
}

const char *pp_device_status_name(int status) {
  return TABLE_NAME(device_states, 1, status, NULL);
}

void pp_printer_init(struct pp_printer *printer, const char *address) {
  *printer = (struct pp_printer){0};
  pp_text_copy(printer->address, address, sizeof(printer->address));
  printer->uptime_ticks = PP_UNKNOWN;
  printer->counters.total = PP_COUNT_UNKNOWN;
  printer->counters.power_on = PP_COUNT_UNKNOWN;
}

const char *pp_printer_partial(const struct pp_printer *printer) {
  if (!printer->reachable || printer->error[0] == '\0')
    return NULL;
  return printer->error;
}

void pp_printer_clear(struct pp_printer *printer) {
  free(printer->supplies);
  free(printer->alerts);
  free(printer->trays);
  printer->supplies = NULL;
  printer->alerts = NULL;
  printer->trays = NULL;
  printer->supply_count = 0;
  printer->alert_count = 0;
  printer->tray_count = 0;
  printer->supply_cap = 0;
  printer->alert_cap = 0;
  printer->tray_cap = 0;
}

/* Room for one more item: grows in steps of 8 (printers have a handful of
 * supplies and alerts). */
static void *grow_array(void *items, size_t count, size_t *cap, size_t size) {
  if (count < *cap)
    return items;
  void *grown = realloc(items, (count + 8) * size);
  if (grown != NULL)
    *cap = count + 8;
  return grown;
}

static void *fit_array(void *items, size_t count, size_t *cap, size_t size) {
  if (items == NULL || count == *cap)
    return items;
  if (count == 0) {
    free(items);
    *cap = 0;
    return NULL;
  }
  void *fitted = realloc(items, count * size);
  if (fitted == NULL)
    return items; /* keeps the larger block: nothing is lost */
  *cap = count;
  return fitted;
}

void pp_printer_shrink(struct pp_printer *p) {
  p->supplies = fit_array(p->supplies, p->supply_count, &p->supply_cap,
                          sizeof(*p->supplies));
  p->alerts =
      fit_array(p->alerts, p->alert_count, &p->alert_cap, sizeof(*p->alerts));
  p->trays =
      fit_array(p->trays, p->tray_count, &p->tray_cap, sizeof(*p->trays));
}

struct pp_supply *pp_printer_add_supply(struct pp_printer *printer) {
  struct pp_supply *items = grow_array(printer->supplies, printer->supply_count,
                                       &printer->supply_cap, sizeof(*items));
  if (items == NULL)
    return NULL;
  printer->supplies = items;
  struct pp_supply *s = &items[printer->supply_count++];
  *s = (struct pp_supply){
      .level = PP_UNKNOWN, .max = PP_UNKNOWN, .percent = PP_NO_PERCENT};
  return s;
}

struct pp_tray *pp_printer_add_tray(struct pp_printer *printer) {
  struct pp_tray *items = grow_array(printer->trays, printer->tray_count,
                                     &printer->tray_cap, sizeof(*items));
  if (items == NULL)
    return NULL;
  printer->trays = items;
  struct pp_tray *t = &items[printer->tray_count++];
  *t = (struct pp_tray){.level = PP_UNKNOWN,
                        .max = PP_UNKNOWN,
                        .status = -1,
                        .percent = PP_NO_PERCENT};
  return t;
}

struct pp_alert *pp_printer_add_alert(struct pp_printer *printer) {
  struct pp_alert *items = grow_array(printer->alerts, printer->alert_count,
                                      &printer->alert_cap, sizeof(*items));
  if (items == NULL)
    return NULL;
  printer->alerts = items;
  struct pp_alert *a = &items[printer->alert_count++];
  *a = (struct pp_alert){0};
  return a;
}

bool pp_printer_set_counter(struct pp_printer *printer, const char *name,
                            uint64_t value) {
  struct pp_counters *c = &printer->counters;
  /* Names come from one list: a key of the report, never a text a printer
   * sent (it could be anything, a person's name included). */
  if (!pp_meter_name_known(name))
    return false;
  for (size_t i = 0; i < c->vendor_count; i++) {
    if (strcmp(c->vendor[i].name, name) == 0) {
      c->vendor[i].value = value;
      return true;
    }
  }
  if (c->vendor_count == PP_MAX_VENDOR_COUNTERS)
    return false;
  struct pp_counter *slot = &c->vendor[c->vendor_count++];
  pp_strlcpy(slot->name, name, sizeof(slot->name));
  slot->value = value;
  return true;
}

#define SUPPLY_UNIT_PERCENT 19
/* Other negative levels (-1 other, -2 unknown) have no percent and an
 * unknown state. */
#define LEVEL_SOME_REMAINING (-3)
/* Ricoh's private convention for "near end" in the standard column. */
#define LEVEL_RICOH_NEAR_END (-100)

static int supply_percent(const struct pp_supply *s) {
  if (s->level < 0)
    return PP_NO_PERCENT;
  /* Unit 19: the level is already a percentage, whatever max says. */
  if (s->unit == SUPPLY_UNIT_PERCENT)
    return s->level > 100 ? 100 : (int)s->level;
  if (s->max == PP_UNKNOWN || s->max <= 0)
    return PP_NO_PERCENT;
  /* level > max happens (refilled or mis-reported): cap, don't exceed. */
  if (s->level >= s->max)
    return 100;
  /* A Counter64 from a broken agent: level * 100 would overflow. */
  if (s->level > INT64_MAX / 100)
    return (int)((double)s->level * 100.0 / (double)s->max);
  return (int)(s->level * 100 / s->max);
}

static enum pp_supply_state state_from_percent(int percent, bool receptacle) {
  if (percent == 0)
    return receptacle ? PP_SUPPLY_FULL : PP_SUPPLY_EMPTY;
  if (percent <= PP_SUPPLY_LOW_PERCENT)
    return receptacle ? PP_SUPPLY_NEAR_FULL : PP_SUPPLY_LOW;
  return PP_SUPPLY_OK;
}

void pp_supply_derive(struct pp_supply *supply) {
  supply->percent = PP_NO_PERCENT;
  supply->state = PP_SUPPLY_UNKNOWN;
  if (supply->level == PP_UNKNOWN)
    return;
  if (supply->level == LEVEL_SOME_REMAINING) {
    /* Present and usable: never an alarm, never a made-up 50 %. */
    supply->state = PP_SUPPLY_SOME_REMAINING;
    return;
  }
  if (supply->level == LEVEL_RICOH_NEAR_END) {
    supply->state = supply->receptacle ? PP_SUPPLY_NEAR_FULL : PP_SUPPLY_LOW;
    return;
  }
  supply->percent = supply_percent(supply);
  if (supply->percent != PP_NO_PERCENT)
    supply->state = state_from_percent(supply->percent, supply->receptacle);
}

/* --- trays --- */

const char *pp_tray_state_name(enum pp_tray_state state) {
  switch (state) {
  case PP_TRAY_OK:
    return "ok";
  case PP_TRAY_LOW:
    return "low";
  case PP_TRAY_EMPTY:
    return "empty";
  case PP_TRAY_SOME_REMAINING:
    return "some-remaining";
  case PP_TRAY_NEAR_FULL:
    return "near-full";
  case PP_TRAY_FULL:
    return "full";
  case PP_TRAY_MISSING:
    return "missing";
  case PP_TRAY_UNKNOWN:
    break;
  }
  return "unknown";
}

/* PrtSubUnitStatusTC: the low three bits say how available the unit is;
 * 3 is "unavailable because broken" (a tray pulled out reads so). */
#define SUBUNIT_AVAILABILITY_MASK 7
#define SUBUNIT_UNAVAILABLE_BROKEN 3

/* prtInputType and prtOutputType (RFC 3805). */
static const char *const input_types[] = {
    "other",
    "unknown",
    "sheetFeedAutoRemovableTray",
    "sheetFeedAutoNonRemovableTray",
    "sheetFeedManual",
    "continuousRoll",
    "continuousFanFold",
};
static const char *const output_types[] = {
    "other",
    "unknown",
    "removableBin",
    "unRemovableBin",
    "continuousRollDevice",
    "mailBox",
    "continuousFanFold",
};

const char *pp_tray_type_name(bool output, int type) {
  return output ? TABLE_NAME(output_types, 1, type, "other")
                : TABLE_NAME(input_types, 1, type, "other");
}

/* PrtCapacityUnitTC (RFC 3805). */
static const char *const capacity_units[] = {
    [1] = "other",       [2] = "unknown", [3] = "tenThousandthsOfInches",
    [4] = "micrometers", [8] = "sheets",  [16] = "feet",
    [17] = "meters",     [18] = "items",  [19] = "percent",
};

const char *pp_capacity_unit_name(int unit) {
  return TABLE_NAME(capacity_units, 0, unit, "other");
}

#define CAPACITY_UNIT_PERCENT 19

static int tray_percent(const struct pp_tray *t) {
  if (t->level < 0)
    return PP_NO_PERCENT;
  /* Unit percent: the level is the percentage, whatever max says. */
  if (t->unit == CAPACITY_UNIT_PERCENT)
    return t->level > 100 ? 100 : (int)t->level;
  if (t->max <= 0 || t->max == PP_UNKNOWN)
    return PP_NO_PERCENT;
  if (t->level >= t->max)
    return 100;
  return (int)((double)t->level * 100.0 / (double)t->max);
}

static enum pp_tray_state tray_state_from_level(const struct pp_tray *t) {
  if (t->level == 0)
    return t->output ? PP_TRAY_FULL : PP_TRAY_EMPTY;
  if (t->percent != PP_NO_PERCENT && t->percent <= PP_SUPPLY_LOW_PERCENT)
    return t->output ? PP_TRAY_NEAR_FULL : PP_TRAY_LOW;
  return PP_TRAY_OK;
}

void pp_tray_derive(struct pp_tray *t) {
  t->percent = PP_NO_PERCENT;
  t->state = PP_TRAY_UNKNOWN;
  if (t->status >= 0 &&
      (t->status & SUBUNIT_AVAILABILITY_MASK) == SUBUNIT_UNAVAILABLE_BROKEN) {
    t->state = PP_TRAY_MISSING;
    return;
  }
  if (t->level == LEVEL_SOME_REMAINING) {
    t->state = PP_TRAY_SOME_REMAINING;
    return;
  }
  if (t->level == PP_UNKNOWN || t->level < 0)
    return; /* -1 other, -2 unknown: never a made-up 0 */
  t->percent = tray_percent(t);
  t->state = tray_state_from_level(t);
}

/* --- meters --- */

const char *const pp_meter_names[] = {
    "mono",   "colour",     "print",        "print_mono", "print_colour",
    "copy",   "copy_mono",  "copy_colour",  "fax",        "scan",
    "duplex", "large_mono", "large_colour", NULL,
};

bool pp_meter_name_known(const char *name) {
  for (size_t i = 0; pp_meter_names[i] != NULL; i++) {
    if (strcmp(pp_meter_names[i], name) == 0)
      return true;
  }
  return false;
}

static const char *const meter_units[] = {
    [PP_METER_IMPRESSIONS] = "impressions",
    [PP_METER_SHEETS] = "sheets",
    [PP_METER_IMAGES] = "images",
};

const char *pp_meter_unit_name(int unit) {
  return TABLE_NAME(meter_units, 0, unit, NULL);
}

int pp_meter_unit_from_name(const char *name) {
  for (int unit = 1; unit < (int)(sizeof(meter_units) / sizeof(meter_units[0]));
       unit++) {
    if (strcmp(meter_units[unit], name) == 0)
      return unit;
  }
  return -1;
}

bool pp_printer_set_meter(struct pp_printer *printer, const char *name,
                          uint64_t value, int unit) {
  /* PP_COUNT_UNKNOWN is "not read": a meter that was read has a value. */
  if (value == PP_COUNT_UNKNOWN ||
      !pp_printer_set_counter(printer, name, value))
    return false;
  struct pp_counters *c = &printer->counters;
  for (size_t i = 0; i < c->vendor_count; i++) {
    if (strcmp(c->vendor[i].name, name) == 0)
      c->vendor[i].unit = pp_meter_unit_name(unit) != NULL ? unit : 0;
  }
  return true;
}

const struct pp_counter *pp_printer_meter(const struct pp_printer *printer,
                                          const char *name) {
  const struct pp_counters *c = &printer->counters;
  for (size_t i = 0; i < c->vendor_count; i++) {
    if (strcmp(c->vendor[i].name, name) == 0 &&
        c->vendor[i].value != PP_COUNT_UNKNOWN)
      return &c->vendor[i];
  }
  return NULL;
}

void pp_counters_check_sum(struct pp_printer *printer) {
  struct pp_counters *c = &printer->counters;
  const struct pp_counter *mono = pp_printer_meter(printer, "mono");
  const struct pp_counter *colour = pp_printer_meter(printer, "colour");
  c->note[0] = '\0';
  if (mono == NULL || colour == NULL || c->total == PP_COUNT_UNKNOWN)
    return;
  /* A sum past 2^64 is no printer's: say so rather than wrap. */
  if (colour->value > UINT64_MAX - 1 - mono->value) {
    snprintf(c->note, sizeof(c->note), "mono + colour overflows");
    return;
  }
  uint64_t sum = mono->value + colour->value;
  if (sum != c->total)
    snprintf(c->note, sizeof(c->note),
             "mono + colour = %" PRIu64 ", total = %" PRIu64
             " (the maker's meters and prtMarkerLifeCount differ)",
             sum, c->total);
}

bool pp_format_utc(int64_t t, char *out, size_t outlen) {
  if (outlen > 0)
    out[0] = '\0';
  struct tm tm;
  time_t when = (time_t)t;
  if (t <= 0 || gmtime_r(&when, &tm) == NULL || tm.tm_year + 1900 > 9999)
    return false;
  return strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0;
}

bool pp_parse_utc(const char *text, int64_t *out) {
  struct tm tm = {0};
  const char *end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == NULL || *end != '\0' || strlen(text) != 20)
    return false;
  time_t t = timegm(&tm);
  char again[32];
  /* Only what pp_format_utc writes: no 30 February, no 25:00. */
  if (t <= 0 || !pp_format_utc((int64_t)t, again, sizeof(again)) ||
      strcmp(again, text) != 0)
    return false;
  *out = (int64_t)t;
  return true;
}
