/* SPDX-License-Identifier: MIT */
/* Epson (enterprise 1248): identity, inks, maintenance boxes, status and
 * alerts from Epson's own MIB where the standard one is thin. See
 * docs/epson.md for the OIDs, the ST2 record and the forbidden subtree.
 *
 * Inkjets: the ST2 status record (plugins/epson_st2.h) is what Epson's own
 * tools read, so its ink records replace the Printer-MIB's ink rows, its
 * maintenance boxes become wasteInk receptacles, its error and warnings
 * become alerts of group "epson". The consumables table (28) gives names and
 * the boxes' space left. Page printers (AcuLaser) have no ST2 and keep their
 * complete standard decoding.
 *
 * Privacy: only the parsed struct pp_st2 is read, which holds nothing of the
 * job name (field 0x19) or of unknown fields; the record is never logged.
 *
 * Meters: mono from 1.3.6.1.4.1.1248.1.2.2.27.1.1.3.1.1 and colour from
 * ...27.1.1.4.1.1. No recording settles them, so the stronger source is
 * followed: every public reader of this table names column 3 mono (or
 * "B&W") and column 4 colour (docs/vendors.md lists them), against one
 * reader that swaps them for a single model. Column 30 is left unread:
 * the total by some, duplex pages by another; prtMarkerLifeCount stays
 * the total, and where mono + colour does not make it the report says so
 * (counters.note) rather than choosing. ST2's paper counts (0x36) have
 * one weak source and are not read. The PWG imaging counters, read for
 * every printer first, win where a printer has both. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epson_st2.h"
#include "pp_decode.h"
#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define EPSON_DEVICE_ID "1.3.6.1.4.1.1248.1.2.2.1.1.1.1.1"
#define EPSON_MODEL "1.3.6.1.4.1.1248.1.2.2.1.1.1.2.1"
#define EPSON_ST2 "1.3.6.1.4.1.1248.1.2.2.1.1.1.4.1"
#define EPSON_SERIAL "1.3.6.1.4.1.1248.1.2.2.1.1.1.5.1"
#define EPSON_MAC "1.3.6.1.4.1.1248.1.1.3.1.1.5.0"
#define EPSON_FIRMWARE_VERSION "1.3.6.1.4.1.1248.1.2.2.2.1.1.2"
#define EPSON_FIRMWARE_NAME "1.3.6.1.4.1.1248.1.2.2.2.1.1.3"
#define EPSON_FIRMWARE "1.3.6.1.4.1.1248.1.2.2.2.1.1.4"
#define EPSON_CONSUMABLES "1.3.6.1.4.1.1248.1.2.2.28.1.1"
#define EPSON_MONO "1.3.6.1.4.1.1248.1.2.2.27.1.1.3.1.1"
#define EPSON_COLOUR "1.3.6.1.4.1.1248.1.2.2.27.1.1.4.1.1"

/* A GET here runs commands (reset counters, write EEPROM): never asked. */
static const char *const epson_never[] = {"1.3.6.1.4.1.1248.1.2.2.44", NULL};

static const char *const epson_scalars[] = {
    EPSON_DEVICE_ID, EPSON_MODEL, EPSON_ST2,    EPSON_SERIAL,
    EPSON_MAC,       EPSON_MONO,  EPSON_COLOUR, NULL,
};

/* Each walk is bounded to its own table, so none can step into .44. */
static const char *const epson_columns[] = {
    EPSON_FIRMWARE_VERSION,
    EPSON_FIRMWARE,
    EPSON_CONSUMABLES,
    NULL,
};

static const char *const epson_descr[] = {"epson", NULL};

/* "MDL:WF-C5790 Series;" out of an IEEE 1284 device id. */
static void device_id_field(const char *id, const char *key, char *out,
                            size_t outlen) {
  out[0] = '\0';
  const char *p = strstr(id, key);
  if (p == NULL)
    return;
  p += strlen(key);
  /* The field alone, then copied on a character boundary. */
  char field[512];
  size_t n = strcspn(p, ";");
  if (n >= sizeof(field))
    n = sizeof(field) - 1;
  memcpy(field, p, n);
  field[n] = '\0';
  pp_text_copy(out, field, outlen);
}

static void text_of(struct pp_varset *values, const char *oid, char *out,
                    size_t outlen) {
  pp_value_text(pp_varset_gets(values, oid), out, outlen);
}

/* Standard MIB first; Epson's own OIDs fill what it lacks. */
static void epson_identity(struct pp_varset *values, struct pp_printer *p) {
  char text[256];
  pp_strlcpy(p->manufacturer, "Epson", sizeof(p->manufacturer));
  text_of(values, EPSON_MODEL, text, sizeof(text));
  if (text[0] == '\0') {
    char id[512];
    text_of(values, EPSON_DEVICE_ID, id, sizeof(id));
    device_id_field(id, "MDL:", text, sizeof(text));
  }
  /* sysObjectID and sysDescr often name the print server, not the model */
  if (text[0] != '\0' &&
      (p->model[0] == '\0' || strcmp(p->model, p->sys_descr) == 0))
    pp_text_copy(p->model, text, sizeof(p->model));
  if (p->model[0] == '\0')
    pp_text_copy(p->model, p->sys_descr, sizeof(p->model));
  if (p->serial[0] == '\0') {
    text_of(values, EPSON_SERIAL, text, sizeof(text));
    if (!pp_serial_is_placeholder(text))
      pp_text_copy(p->serial, text, sizeof(p->serial));
  }
  if (p->mac[0] == '\0') {
    const struct pp_value *mac = pp_varset_gets(values, EPSON_MAC);
    if (mac != NULL && mac->type == PP_V_OCTETS)
      pp_format_mac(mac->bytes, mac->len, p->mac, sizeof(p->mac));
  }
  if (p->firmware[0] == '\0') {
    struct pp_oid col;
    if (pp_oid_parse(&col, EPSON_FIRMWARE) == 0) {
      size_t cursor = 0;
      const struct pp_value *v = pp_varset_next_under(values, &col, &cursor);
      pp_value_text(v, p->firmware, sizeof(p->firmware));
    }
  }
}

/* --- the consumables table 28.1.1.C.1.R (WF-C5x90 family) --- */

#define CONSUMABLE_LEVEL 2  /* percent; for a box the space left */
#define CONSUMABLE_NAME 5   /* "Black Ink Supply Unit T9451" */
#define CONSUMABLE_LABEL 18 /* "Maintenance Cartridge T6716" */
#define MAX_CONSUMABLES 16

struct consumable {
  uint32_t row;
  char name[128];
  int64_t level; /* 0..100, else PP_UNKNOWN */
  bool maintenance;
  const char *colour; /* from the name; NULL for boxes and unnamed rows */
  bool used;          /* taken by an ink or a box already */
};

struct consumables {
  struct consumable rows[MAX_CONSUMABLES];
  size_t count;
};

static struct consumable *consumable_row(struct consumables *t, uint32_t row) {
  for (size_t i = 0; i < t->count; i++) {
    if (t->rows[i].row == row)
      return &t->rows[i];
  }
  if (t->count == MAX_CONSUMABLES)
    return NULL;
  struct consumable *c = &t->rows[t->count++];
  *c = (struct consumable){.row = row, .level = PP_UNKNOWN};
  return c;
}

static int compare_rows(const void *a, const void *b) {
  uint32_t x = ((const struct consumable *)a)->row;
  uint32_t y = ((const struct consumable *)b)->row;
  return (x > y) - (x < y);
}

static void consumable_cell(struct consumable *row, uint32_t column,
                            const struct pp_value *v) {
  int64_t n;
  if (column == CONSUMABLE_LEVEL) {
    /* Anything outside 0..100 is not a percentage we can stand behind. */
    if (pp_value_int(v, &n) && n >= 0 && n <= 100)
      row->level = n;
  } else if ((column == CONSUMABLE_NAME || column == CONSUMABLE_LABEL) &&
             row->name[0] == '\0') {
    pp_value_text(v, row->name, sizeof(row->name));
  }
}

static void read_consumables(struct pp_varset *values, struct consumables *t) {
  t->count = 0;
  struct pp_oid prefix;
  if (pp_oid_parse(&prefix, EPSON_CONSUMABLES) != 0)
    return;
  size_t cursor = 0;
  const struct pp_value *v;
  while ((v = pp_varset_next_under(values, &prefix, &cursor)) != NULL) {
    if (v->name.len != prefix.len + 3 || v->name.sub[prefix.len + 1] != 1)
      continue;
    struct consumable *row = consumable_row(t, v->name.sub[prefix.len + 2]);
    if (row != NULL)
      consumable_cell(row, v->name.sub[prefix.len], v);
  }
  qsort(t->rows, t->count, sizeof(t->rows[0]), compare_rows);
  for (size_t i = 0; i < t->count; i++) {
    struct consumable *c = &t->rows[i];
    c->maintenance = pp_contains_ci(c->name, "maintenance") ||
                     pp_contains_ci(c->name, "waste");
    c->colour = c->maintenance ? NULL : pp_colour_from_text(c->name);
  }
}

/* An ink row: named with a colour. Unnamed rows could be anything. */
static bool consumable_is_ink(const struct consumable *c) {
  return c->colour != NULL;
}

static bool table_has_ink_levels(const struct consumables *t) {
  for (size_t i = 0; i < t->count; i++) {
    if (consumable_is_ink(&t->rows[i]) && t->rows[i].level != PP_UNKNOWN)
      return true;
  }
  return false;
}

static size_t table_box_count(const struct consumables *t) {
  size_t n = 0;
  for (size_t i = 0; i < t->count; i++)
    n += t->rows[i].maintenance;
  return n;
}

/* The next unused row that is a box, or an ink of this colour. */
static struct consumable *take_consumable(struct consumables *t, bool box,
                                          const char *colour) {
  for (size_t i = 0; i < t->count; i++) {
    struct consumable *c = &t->rows[i];
    if (c->used)
      continue;
    if (box ? c->maintenance
            : (colour != NULL && c->colour != NULL &&
               strcmp(c->colour, colour) == 0)) {
      c->used = true;
      return c;
    }
  }
  return NULL;
}

/* --- Printer-MIB rows that Epson's own data replaces --- */

#define UNIT_PERCENT 19
/* Indexes of supplies made here, clear of the Printer-MIB's 1..N. */
#define INK_INDEX_BASE 1001
#define BOX_INDEX_BASE 1101

/* The old supplies, each used at most once. */
struct mib_rows {
  struct pp_supply *rows;
  bool *used;
  size_t count;
};

static bool mib_is_box(const struct pp_supply *s) {
  return s->receptacle && (s->type == PP_SUPPLY_TYPE_WASTE_INK ||
                           pp_contains_ci(s->description, "maintenance"));
}

/* An inkjet has no toner: a consumed row with a colour is an ink too. */
static bool mib_is_ink(const struct pp_supply *s) {
  return !s->receptacle &&
         (s->type == PP_SUPPLY_TYPE_INK ||
          s->type == PP_SUPPLY_TYPE_INK_CARTRIDGE || s->colour[0] != '\0');
}

static const struct pp_supply *take_mib(struct mib_rows *m, bool box,
                                        const char *colour) {
  for (size_t i = 0; i < m->count; i++) {
    const struct pp_supply *s = &m->rows[i];
    if (m->used[i])
      continue;
    if (box ? mib_is_box(s)
            : (mib_is_ink(s) && colour != NULL &&
               strcmp(s->colour, colour) == 0)) {
      m->used[i] = true;
      return s;
    }
  }
  return NULL;
}

/* --- ink supplies --- */

/* Cartridge ids (docs/epson.md, ink records). 0x0B is matte or photo black
 * (the sources do not say which), so its name says both. */
static const char *cartridge_label(uint8_t id) {
  switch (id) {
  case 0x01:
    return "Black";
  case 0x03:
    return "Cyan";
  case 0x04:
    return "Magenta";
  case 0x05:
    return "Yellow";
  case 0x06:
    return "Light cyan";
  case 0x07:
    return "Light magenta";
  case 0x0A:
    return "Light black";
  case 0x0B:
    return "Photo/matte black";
  case 0x0F:
    return "Light light black";
  case 0x10:
    return "Orange";
  case 0x11:
    return "Green";
  default:
    return NULL;
  }
}

/* "light-cyan" -> "Light cyan ink"; NULL colour -> "Ink N". */
static void ink_description(const char *label, const char *colour,
                            size_t record, char *out, size_t outlen) {
  if (label != NULL) {
    snprintf(out, outlen, "%s ink", label);
    return;
  }
  if (colour == NULL) {
    snprintf(out, outlen, "Ink %zu", record + 1);
    return;
  }
  snprintf(out, outlen, "%s ink", colour);
  for (char *c = out; *c != '\0'; c++) {
    if (*c == '-')
      *c = ' ';
  }
  if (out[0] >= 'a' && out[0] <= 'z')
    out[0] = (char)(out[0] - 'a' + 'A');
}

/* A percentage 0..100 as an ink or a box reading, the Printer-MIB way. */
static void set_percent_level(struct pp_supply *s, int64_t level) {
  s->level = level;
  s->max = 100;
  s->unit = UNIT_PERCENT;
  pp_supply_derive(s);
}

/* A special level byte is never a percentage: no percent, no max, and a
 * state that says why. */
static void set_st2_level(struct pp_supply *s, uint8_t level) {
  s->unit = UNIT_PERCENT;
  switch (pp_st2_level_kind(level)) {
  case PP_ST2_LEVEL_PERCENT:
    set_percent_level(s, level);
    return;
  case PP_ST2_LEVEL_MISSING:
    s->state = PP_SUPPLY_MISSING;
    break;
  case PP_ST2_LEVEL_FAILED:
    s->state = PP_SUPPLY_FAILED;
    break;
  case PP_ST2_LEVEL_UNREADABLE: /* sensorless tanks answer this */
  case PP_ST2_LEVEL_NOT_AVAILABLE:
  case PP_ST2_LEVEL_INVALID:
    s->state = PP_SUPPLY_UNKNOWN;
    break;
  }
  s->level = PP_UNKNOWN;
  s->max = PP_UNKNOWN;
  s->percent = PP_NO_PERCENT;
}

/* For a cartridge whose id says photo/matte black, a Printer-MIB row that
 * says so is a better match than the plain black one. */
static const struct pp_supply *match_mib_ink(struct mib_rows *m,
                                             const struct pp_st2_ink *ink,
                                             const char *colour) {
  const struct pp_supply *s = NULL;
  if (ink->cartridge == 0x0B) {
    s = take_mib(m, false, "photo-black");
    if (s == NULL)
      s = take_mib(m, false, "matte-black");
  }
  return s != NULL ? s : take_mib(m, false, colour);
}

static int add_st2_ink(struct pp_printer *p, const struct pp_st2 *st2, size_t i,
                       struct mib_rows *m, struct consumables *t) {
  const struct pp_st2_ink *ink = &st2->inks[i];
  const char *label = cartridge_label(ink->cartridge);
  const char *colour = pp_st2_colour_name(ink->colour);
  if (colour == NULL && label != NULL) /* a colour id newer than our table */
    colour = pp_colour_from_text(label);
  const struct pp_supply *mib = match_mib_ink(m, ink, colour);
  const struct consumable *named = take_consumable(t, false, colour);
  struct pp_supply *s = pp_printer_add_supply(p);
  if (s == NULL)
    return -ENOMEM;
  s->index = INK_INDEX_BASE + (int)i;
  s->type = PP_SUPPLY_TYPE_INK;
  if (mib != NULL && mib->colour[0] != '\0')
    colour = mib->colour;
  pp_strlcpy(s->colour, colour != NULL ? colour : "", sizeof(s->colour));
  if (mib != NULL && mib->description[0] != '\0')
    pp_text_copy(s->description, mib->description, sizeof(s->description));
  else if (named != NULL)
    pp_text_copy(s->description, named->name, sizeof(s->description));
  else
    ink_description(label, colour, i, s->description, sizeof(s->description));
  set_st2_level(s, ink->level);
  return 0;
}

static int add_table_ink(struct pp_printer *p, struct consumable *c, size_t i,
                         struct mib_rows *m) {
  c->used = true;
  (void)take_mib(m, false, c->colour); /* replaced, like ST2 replaces it */
  struct pp_supply *s = pp_printer_add_supply(p);
  if (s == NULL)
    return -ENOMEM;
  s->index = INK_INDEX_BASE + (int)i;
  s->type = PP_SUPPLY_TYPE_INK;
  s->unit = UNIT_PERCENT;
  pp_text_copy(s->description, c->name, sizeof(s->description));
  pp_strlcpy(s->colour, c->colour, sizeof(s->colour));
  if (c->level != PP_UNKNOWN)
    set_percent_level(s, c->level);
  return 0;
}

/* --- maintenance boxes --- */

#define BOX_STATE_UNKNOWN 0xFF

/* Box n: the Printer-MIB row's description and reading where it has one,
 * the 28 table's space left where it has one, then ST2's state, which wins:
 * Epson's tools judge the box by it, and a fixed MIB level is common. */
static int add_box(struct pp_printer *p, size_t n, size_t total,
                   uint8_t st2_state, struct mib_rows *m,
                   struct consumables *t) {
  const struct pp_supply *mib = take_mib(m, true, NULL);
  const struct consumable *row = take_consumable(t, true, NULL);
  struct pp_supply *s = pp_printer_add_supply(p);
  if (s == NULL)
    return -ENOMEM;
  if (mib != NULL)
    *s = *mib;
  else
    s->index = BOX_INDEX_BASE + (int)n;
  s->type = PP_SUPPLY_TYPE_WASTE_INK;
  s->receptacle = true;
  if (s->description[0] == '\0' && row != NULL)
    pp_text_copy(s->description, row->name, sizeof(s->description));
  if (s->description[0] == '\0' && total > 1)
    snprintf(s->description, sizeof(s->description), "Maintenance box %zu",
             n + 1);
  else if (s->description[0] == '\0')
    pp_strlcpy(s->description, "Maintenance box", sizeof(s->description));
  if (row != NULL && row->level != PP_UNKNOWN)
    set_percent_level(s, row->level);
  else
    pp_supply_derive(s);
  if (st2_state == 0x00)
    s->state = PP_SUPPLY_OK;
  else if (st2_state == 0x01)
    s->state = PP_SUPPLY_NEAR_FULL;
  else if (st2_state == 0x02)
    s->state = PP_SUPPLY_FULL;
  return 0;
}

/* --- rebuilding the supply list --- */

enum ink_source { INKS_MIB, INKS_ST2, INKS_TABLE };

struct supply_plan {
  enum ink_source inks;
  size_t boxes;          /* boxes to report; 0 keeps the Printer-MIB's */
  const uint8_t *states; /* ST2 box states, NULL when from the table */
};

static int add_inks(struct pp_printer *p, const struct pp_st2 *st2,
                    enum ink_source source, struct mib_rows *m,
                    struct consumables *t) {
  int err = 0;
  if (source == INKS_ST2) {
    for (size_t i = 0; i < st2->ink_count && err == 0; i++)
      err = add_st2_ink(p, st2, i, m, t);
  } else if (source == INKS_TABLE) {
    size_t n = 0;
    for (size_t i = 0; i < t->count && err == 0; i++) {
      if (consumable_is_ink(&t->rows[i]))
        err = add_table_ink(p, &t->rows[i], n++, m);
    }
  }
  return err;
}

/* Printer-MIB rows that neither an ink nor a box replaces stay, in order. */
static int add_kept_rows(struct pp_printer *p, const struct supply_plan *plan,
                         struct mib_rows *m) {
  for (size_t i = 0; i < m->count; i++) {
    const struct pp_supply *s = &m->rows[i];
    if (m->used[i] || (plan->inks != INKS_MIB && mib_is_ink(s)) ||
        (plan->boxes > 0 && mib_is_box(s)))
      continue;
    struct pp_supply *slot = pp_printer_add_supply(p);
    if (slot == NULL)
      return -ENOMEM;
    *slot = *s;
  }
  return 0;
}

static int rebuild_supplies(struct pp_printer *p, const struct pp_st2 *st2,
                            const struct supply_plan *plan,
                            struct consumables *t) {
  struct mib_rows m = {.rows = p->supplies, .count = p->supply_count};
  m.used = calloc(m.count ? m.count : 1, sizeof(*m.used));
  if (m.used == NULL)
    return -ENOMEM;
  p->supplies = NULL;
  p->supply_count = 0;
  p->supply_cap = 0;
  /* Inks first, then what stays, then the boxes: the order of a Printer-MIB
   * table of an inkjet that had them all. */
  int err = add_inks(p, st2, plan->inks, &m, t);
  if (err == 0)
    err = add_kept_rows(p, plan, &m);
  for (size_t n = 0; n < plan->boxes && err == 0; n++)
    err = add_box(p, n, plan->boxes,
                  plan->states ? plan->states[n] : BOX_STATE_UNKNOWN, &m, t);
  free(m.used);
  free(m.rows);
  return err;
}

/* A complete ST2 record without an ink field comes from a printer without
 * ink sensors (EcoTank): its Printer-MIB levels (-3, a fixed 100 or 1) are
 * not readings. Unknown, never 0 and never 100. A truncated record proves
 * nothing, so there the Printer-MIB is left alone. */
static void mark_sensorless_inks(struct pp_printer *p) {
  for (size_t i = 0; i < p->supply_count; i++) {
    struct pp_supply *s = &p->supplies[i];
    if (mib_is_ink(s)) {
      s->percent = PP_NO_PERCENT;
      s->state = PP_SUPPLY_UNKNOWN;
    }
  }
}

static int epson_supplies(struct pp_printer *p, const struct pp_st2 *st2,
                          struct consumables *t) {
  struct supply_plan plan = {.inks = INKS_MIB};
  if (st2 != NULL && st2->ink_count > 0)
    plan.inks = INKS_ST2; /* what Epson's own tools read */
  else if (table_has_ink_levels(t))
    plan.inks = INKS_TABLE;
  if (st2 != NULL && st2->box_count > 0) {
    plan.boxes = st2->box_count;
    plan.states = st2->box_states;
  } else {
    plan.boxes = table_box_count(t);
  }
  if (plan.inks == INKS_MIB && st2 != NULL && !st2->truncated)
    mark_sensorless_inks(p);
  if (plan.inks == INKS_MIB && plan.boxes == 0)
    return 0;
  return rebuild_supplies(p, st2, &plan, t);
}

/* --- status and alerts --- */

/* Errors that need a technician or stop the printer for good: the device
 * is down. Everything else (paper, covers, jams, ink out) is fixed by whoever
 * stands at the printer, and RFC 3805's warning(3) keeps such a printer out
 * of the "broken" class that pages a technician. */
static bool st2_error_is_fatal(uint8_t code) {
  switch (code) {
  case 0x00: /* fatal error */
  case 0x10: /* waste-ink pads full: service required */
  case 0x1C: /* cutter fatal error */
  case 0x41: /* maintenance request: a service call */
    return true;
  default:
    return false;
  }
}

/* hrPrinterDetectedErrorState bits an ST2 error stands for. */
static int st2_error_bit(uint8_t code) {
  switch (code) {
  case 0x02: /* cover open */
  case 0x1A: /* cartridge cover open */
  case 0x25: /* rear cover open */
  case 0x2B: /* tray cover open */
  case 0x36: /* maintenance box cover open */
  case 0x37: /* scanner or front cover open */
    return PP_ERR_DOOR_OPEN;
  case 0x04: /* paper jam */
  case 0x12: /* double feed */
  case 0x1D: /* cutter jam */
    return PP_ERR_JAMMED;
  case 0x05: /* ink out: RFC 3805's noToner is any marker supply empty */
  case 0x47: /* printing disabled, ink out */
    return PP_ERR_NO_TONER;
  case 0x06:
    return PP_ERR_NO_PAPER;
  case 0x22: /* maintenance box missing: a prtMarkerSupplies row */
    return PP_ERR_MARKER_SUPPLY_MISSING;
  default:
    return st2_error_is_fatal(code) ? PP_ERR_SERVICE_REQUESTED : -1;
  }
}

/* hrPrinterStatus has only other, unknown, idle, printing and warmup. */
static enum pp_printer_status printer_status_of(uint8_t st2_status) {
  switch (st2_status) {
  case 0x01: /* self-printing */
  case 0x02: /* busy */
  case 0x0D: /* busy */
  case 0x07: /* cleaning: the marking engine is at work, jobs wait */
  case 0x0F: /* nozzle check: prints a pattern */
  case 0x11: /* ink charging: the engine is busy for minutes */
    return PP_PRINTER_PRINTING;
  case 0x03: /* waiting: between or for pages, nothing marking; printing(4)
                would show a job that is not running */
  case 0x04: /* idle */
    return PP_PRINTER_IDLE;
  case 0x00: /* error: RFC 3805 pairs a critical alert with other(1) and
                hrDeviceStatus down or warning */
  case 0x05: /* paused: not available, not broken */
  case 0x08: /* not initialised: waits for its first setup */
  case 0x0A: /* shutting down */
    return PP_PRINTER_OTHER;
  default:
    return PP_PRINTER_UNKNOWN;
  }
}

static void set_error_bit(struct pp_status *s, int bit) {
  s->errors |= 1u << bit;
  /* The bits are now known, from ST2, even without the MIB's octets. */
  int bytes = bit >= 8 ? 2 : 1;
  if (s->error_bytes < bytes)
    s->error_bytes = bytes;
}

static void epson_status(struct pp_printer *p, const struct pp_st2 *st2) {
  if (!st2->has_status)
    return;
  if (p->status.printer == PP_PRINTER_UNREAD)
    p->status.printer = printer_status_of(st2->status);
  if (st2->status != 0x00)
    return;
  /* Without an error code the error is still an error, not a fatal one. */
  bool fatal = st2->has_error && st2_error_is_fatal(st2->error);
  if (p->status.device == PP_DEVICE_UNREAD ||
      p->status.device == PP_DEVICE_RUNNING)
    p->status.device = fatal ? PP_DEVICE_DOWN : PP_DEVICE_WARNING;
  int bit = st2->has_error ? st2_error_bit(st2->error) : -1;
  if (bit >= 0)
    set_error_bit(&p->status, bit);
  if (fatal)
    set_error_bit(&p->status, PP_ERR_SERVICE_REQUESTED);
  p->status.asleep = false; /* an error is never just power save */
}

static int add_epson_alert(struct pp_printer *p, int severity, int code,
                           const char *description) {
  struct pp_alert *a = pp_printer_add_alert(p);
  if (a == NULL)
    return -ENOMEM;
  a->index = (int)p->alert_count;
  a->severity = severity;
  pp_strlcpy(a->group, "epson", sizeof(a->group));
  a->code = code;
  pp_text_copy(a->description, description, sizeof(a->description));
  return 0;
}

/* "cyan: ink low (ink record 1)" when the record names a known ink. */
static void warning_description(const struct pp_st2 *st2, uint8_t code,
                                char *out, size_t outlen) {
  char text[96];
  pp_st2_warning_text(code, text, sizeof(text));
  int record = pp_st2_warning_ink_record(code);
  const char *colour = NULL;
  if (record >= 0 && (size_t)record < st2->ink_count)
    colour = pp_st2_colour_name(st2->inks[record].colour);
  if (colour != NULL)
    snprintf(out, outlen, "%s: %s", colour, text);
  else
    pp_strlcpy(out, text, outlen);
}

static int epson_alerts(struct pp_printer *p, const struct pp_st2 *st2) {
  char text[160];
  int err = 0;
  if (st2->has_status && st2->status == 0x00 && st2->has_error) {
    const char *known = pp_st2_error_text(st2->error);
    if (known != NULL)
      pp_strlcpy(text, known, sizeof(text));
    else /* unknown codes are reported by number, never dropped */
      snprintf(text, sizeof(text), "error code 0x%02X", (unsigned)st2->error);
    err = add_epson_alert(p, PP_ALERT_CRITICAL, st2->error, text);
  }
  for (size_t i = 0; i < st2->warning_count && err == 0; i++) {
    warning_description(st2, st2->warnings[i], text, sizeof(text));
    err = add_epson_alert(p, PP_ALERT_WARNING, st2->warnings[i], text);
  }
  return err;
}

/* --- the whole profile --- */

/* Parses into *st2; false when the printer has no (usable) record. The
 * record's bytes are never logged: field 0x19 is the job name. */
static bool read_st2(struct pp_varset *values, struct pp_st2 *st2) {
  const struct pp_value *v = pp_varset_gets(values, EPSON_ST2);
  if (v == NULL || v->type != PP_V_OCTETS)
    return false;
  return pp_st2_parse(v->bytes, v->len, st2) == 0;
}

static int epson_decode(struct pp_varset *values, struct pp_printer *p) {
  epson_identity(values, p);
  (void)vendor_meter(values, EPSON_MONO, p, "mono", PP_METER_IMPRESSIONS);
  (void)vendor_meter(values, EPSON_COLOUR, p, "colour", PP_METER_IMPRESSIONS);
  struct pp_st2 st2;
  bool have_st2 = read_st2(values, &st2);
  struct consumables table;
  read_consumables(values, &table);
  int err = epson_supplies(p, have_st2 ? &st2 : NULL, &table);
  if (!have_st2)
    return err;
  if (p->serial[0] == '\0' && !pp_serial_is_placeholder(st2.serial))
    pp_text_copy(p->serial, st2.serial, sizeof(p->serial));
  epson_status(p, &st2);
  if (err == 0)
    err = epson_alerts(p, &st2);
  return err;
}

const struct pp_profile pp_profile_epson = {
    .name = "epson",
    .enterprise = 1248,
    .descr_match = epson_descr,
    .scalars = epson_scalars,
    .columns = epson_columns,
    .never_request = epson_never,
    .decode = epson_decode,
};
