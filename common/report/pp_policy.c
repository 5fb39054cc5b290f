/* SPDX-License-Identifier: MIT */
#include "pp_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pp_str.h"

/* prtAlertCode values that only say the printer dozes. */
#define ALERT_SUBUNIT_OFFLINE 22
#define ALERT_SUBUNIT_POWER_SAVER 23
#define ALERT_SUBUNIT_WARMING_UP 24
/* hrDeviceStatus */
#define DEADLINE_ROUNDS 4.0
#define DEADLINE_MIN_S 5.0

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *pp_severity_name(enum pp_severity sev) {
  switch (sev) {
  case PP_SEV_CRITICAL:
    return "critical";
  case PP_SEV_WARNING:
    return "warning";
  case PP_SEV_OK:
    break;
  }
  return "ok";
}

/* Warnings are what someone refills or empties on the next round; the rest
 * stops printing. */
static const enum pp_severity bit_severity[PP_ERR_BIT_COUNT] = {
    [PP_ERR_LOW_PAPER] = PP_SEV_WARNING,
    [PP_ERR_NO_PAPER] = PP_SEV_CRITICAL,
    [PP_ERR_LOW_TONER] = PP_SEV_WARNING,
    [PP_ERR_NO_TONER] = PP_SEV_CRITICAL,
    [PP_ERR_DOOR_OPEN] = PP_SEV_CRITICAL,
    [PP_ERR_JAMMED] = PP_SEV_CRITICAL,
    [PP_ERR_OFFLINE] = PP_SEV_CRITICAL,
    [PP_ERR_SERVICE_REQUESTED] = PP_SEV_CRITICAL,
    [PP_ERR_INPUT_TRAY_MISSING] = PP_SEV_CRITICAL,
    [PP_ERR_OUTPUT_TRAY_MISSING] = PP_SEV_CRITICAL,
    [PP_ERR_MARKER_SUPPLY_MISSING] = PP_SEV_CRITICAL,
    [PP_ERR_OUTPUT_NEAR_FULL] = PP_SEV_WARNING,
    [PP_ERR_OUTPUT_FULL] = PP_SEV_CRITICAL,
    [PP_ERR_INPUT_TRAY_EMPTY] = PP_SEV_WARNING,
    [PP_ERR_OVERDUE_PREVENT_MAINT] = PP_SEV_WARNING,
};

enum pp_severity pp_policy_bit_severity(unsigned bit) {
  return bit < PP_ERR_BIT_COUNT ? bit_severity[bit] : PP_SEV_OK;
}

uint32_t pp_policy_active_errors(const struct pp_printer *p) {
  uint32_t errors = p->status.errors;
  /* The decoder calls a printer asleep only when offline is its one bit
   * (pp_decode.c); power save then pages nobody. */
  if (p->status.asleep)
    errors &= ~(1u << PP_ERR_OFFLINE);
  return errors;
}

static bool dozing_alert(int code) {
  return code == ALERT_SUBUNIT_OFFLINE || code == ALERT_SUBUNIT_POWER_SAVER ||
         code == ALERT_SUBUNIT_WARMING_UP;
}

enum pp_severity pp_policy_alert_severity(const struct pp_printer *p,
                                          const struct pp_alert *a) {
  if (p->status.asleep && dozing_alert(a->code))
    return PP_SEV_OK;
  if (a->severity == PP_ALERT_CRITICAL)
    return PP_SEV_CRITICAL;
  if (a->severity == PP_ALERT_WARNING || a->severity == PP_ALERT_WARNING_BINARY)
    return PP_SEV_WARNING;
  return PP_SEV_OK; /* "other": status text such as "Sleep mode" */
}

enum pp_severity pp_policy_device_severity(const struct pp_printer *p) {
  if (p->status.asleep)
    return PP_SEV_OK;
  if (p->status.device == PP_DEVICE_DOWN)
    return PP_SEV_CRITICAL;
  if (p->status.device == PP_DEVICE_WARNING)
    return PP_SEV_WARNING;
  return PP_SEV_OK;
}

static enum pp_severity worse(enum pp_severity a, enum pp_severity b) {
  return a > b ? a : b;
}

enum pp_severity pp_policy_printer_severity(const struct pp_printer *p) {
  if (!p->reachable)
    return PP_SEV_OK;
  enum pp_severity sev = pp_policy_device_severity(p);
  uint32_t errors = pp_policy_active_errors(p);
  for (unsigned bit = 0; bit < PP_ERR_BIT_COUNT; bit++) {
    if (errors & (1u << bit))
      sev = worse(sev, pp_policy_bit_severity(bit));
  }
  for (size_t i = 0; i < p->alert_count; i++)
    sev = worse(sev, pp_policy_alert_severity(p, &p->alerts[i]));
  return sev;
}

bool pp_policy_in_error(const struct pp_printer *p) {
  return p->reachable && pp_policy_printer_severity(p) == PP_SEV_CRITICAL;
}

/* --- supply names --- */

/* "wasteToner" -> "waste_toner", "Toner Schwarz" -> "toner_schwarz": safe
 * as a collectd type instance, a file name and a perfdata label. */
static void name_clean(const char *in, char *out, size_t outlen) {
  size_t n = 0;
  bool gap = false;
  char prev = '\0';
  for (const char *c = in; *c != '\0' && n + 2 < outlen; c++) {
    bool upper = *c >= 'A' && *c <= 'Z';
    bool alnum = upper || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9');
    if (!alnum) {
      gap = n > 0;
      prev = '\0';
      continue;
    }
    if (gap || (upper && prev >= 'a' && prev <= 'z'))
      out[n++] = '_';
    out[n++] = upper ? (char)(*c - 'A' + 'a') : *c;
    gap = false;
    prev = *c;
  }
  out[n] = '\0';
}

/* Types where the colour alone says which supply it is: unread, other,
 * unknown, toner, ink, inkCartridge, inkRibbon, solidWax, tonerCartridge. */
static bool colour_names_supply(int type) {
  static const int types[] = {0, 1, 2, 3, 5, 6, 7, 12, 21};
  for (size_t i = 0; i < COUNT(types); i++) {
    if (types[i] == type)
      return true;
  }
  return false;
}

/* Types other (1) and unknown (2) say nothing; the description does. */
#define TYPE_SAYS_SOMETHING(type) ((type) > PP_SUPPLY_TYPE_UNKNOWN)

/* A type code the MIB does not define reads "other" everywhere (and comes
 * back as other from a report): it must name the supply as other does. */
static int named_type(int type) {
  return strcmp(pp_supply_type_name(type), "other") == 0 ? PP_SUPPLY_TYPE_OTHER
                                                         : type;
}

static void base_name(const struct pp_supply *s, size_t position, char *out,
                      size_t outlen) {
  int type = named_type(s->type);
  char text[200];
  if (s->colour[0] != '\0' && colour_names_supply(type))
    snprintf(text, sizeof(text), "%s", s->colour);
  else if (s->colour[0] != '\0')
    snprintf(text, sizeof(text), "%s %s", pp_supply_type_name(type), s->colour);
  else if (TYPE_SAYS_SOMETHING(type))
    snprintf(text, sizeof(text), "%s", pp_supply_type_name(type));
  else
    snprintf(text, sizeof(text), "%s", s->description);
  name_clean(text, out, outlen);
  if (out[0] == '\0')
    /* The position, not prtMarkerSuppliesIndex: the report keeps the
     * order but not the index, and a name must survive it. */
    snprintf(out, outlen, "supply_%zu", position);
}

static bool name_taken(char (*names)[PP_SUPPLY_NAME_MAX], size_t before,
                       const char *name) {
  for (size_t j = 0; j < before; j++) {
    if (strcmp(names[j], name) == 0)
      return true;
  }
  return false;
}

/* Room for "_NNNNNNN" after a base name. */
#define BASE_MAX (PP_SUPPLY_NAME_MAX - 8)

/* names[i] from bases[i], unique among names[0..i): the k-th use of a base
 * starts at "_k", so that a broken agent's 500 "black" rows cost n^2
 * comparisons, not n^3. */
static void unique_name(char (*names)[PP_SUPPLY_NAME_MAX],
                        char (*bases)[BASE_MAX], size_t i) {
  unsigned uses = 1;
  for (size_t j = 0; j < i; j++)
    uses += strcmp(bases[j], bases[i]) == 0;
  pp_strlcpy(names[i], bases[i], PP_SUPPLY_NAME_MAX);
  if (uses > 1)
    snprintf(names[i], PP_SUPPLY_NAME_MAX, "%s_%u", bases[i], uses);
  /* A base that itself ends in "_2" may still collide. */
  for (unsigned n = uses + 1; name_taken(names, i, names[i]); n++)
    snprintf(names[i], PP_SUPPLY_NAME_MAX, "%s_%u", bases[i], n);
}

typedef void (*base_of)(const struct pp_printer *p, size_t i, char *out,
                        size_t outlen);

static void names_from_bases(const struct pp_printer *p, size_t count,
                             base_of base, char (*names)[PP_SUPPLY_NAME_MAX]) {
  char(*bases)[BASE_MAX] = calloc(count + 1, sizeof(*bases));
  if (bases == NULL) {
    /* Out of memory: still unique, the slow way. */
    for (size_t i = 0; i < count; i++) {
      char one[BASE_MAX];
      base(p, i, one, sizeof(one));
      pp_strlcpy(names[i], one, PP_SUPPLY_NAME_MAX);
      for (unsigned n = 2; name_taken(names, i, names[i]); n++)
        snprintf(names[i], PP_SUPPLY_NAME_MAX, "%s_%u", one, n);
    }
    return;
  }
  for (size_t i = 0; i < count; i++) {
    base(p, i, bases[i], BASE_MAX);
    unique_name(names, bases, i);
  }
  free(bases);
}

static void supply_base(const struct pp_printer *p, size_t i, char *out,
                        size_t outlen) {
  base_name(&p->supplies[i], i + 1, out, outlen);
}

void pp_policy_supply_names(const struct pp_printer *p,
                            char (*names)[PP_SUPPLY_NAME_MAX]) {
  names_from_bases(p, p->supply_count, supply_base, names);
}

/* --- trays --- */

static void tray_base(const struct pp_printer *p, size_t i, char *out,
                      size_t outlen) {
  const struct pp_tray *t = &p->trays[i];
  name_clean(t->name, out, outlen);
  if (out[0] == '\0')
    snprintf(out, outlen, "%s_%d", t->output ? "output" : "input", t->index);
}

void pp_policy_tray_names(const struct pp_printer *p,
                          char (*names)[PP_SUPPLY_NAME_MAX]) {
  names_from_bases(p, p->tray_count, tray_base, names);
}

enum pp_severity pp_policy_tray_severity(const struct pp_tray *t) {
  switch (t->state) {
  case PP_TRAY_MISSING:
  case PP_TRAY_FULL:
    return PP_SEV_CRITICAL;
  case PP_TRAY_EMPTY:
  case PP_TRAY_LOW:
    /* A bypass tray is filled for one job and left empty. */
    return t->manual ? PP_SEV_OK : PP_SEV_WARNING;
  case PP_TRAY_NEAR_FULL:
    return PP_SEV_WARNING;
  default:
    return PP_SEV_OK;
  }
}

const char *pp_policy_tray_text(const struct pp_tray *t) {
  switch (t->state) {
  case PP_TRAY_OK:
    return t->percent != PP_NO_PERCENT ? NULL : "ok";
  case PP_TRAY_SOME_REMAINING:
    return "some remaining";
  case PP_TRAY_NEAR_FULL:
    return "near full";
  case PP_TRAY_UNKNOWN:
    return "level unknown";
  default:
    return pp_tray_state_name(t->state);
  }
}

/* --- type families --- */

struct family {
  const char *word;
  const char *types[6];
};

static const struct family families[] = {
    {"toner", {"toner", "tonerCartridge", "matteToner"}},
    {"ink", {"ink", "inkCartridge", "inkRibbon", "matteInk"}},
    {"waste",
     {"wasteToner", "wasteInk", "wasteWater", "wasteWax", "wastePaper"}},
    {"opc", {"opc"}},
    {"drum", {"opc"}},
    {"fuser",
     {"fuser", "fuserOil", "fuserOiler", "fuserOilWick", "fuserCleaningPad"}},
};

static const struct family *family_of(const char *word) {
  for (size_t i = 0; i < COUNT(families); i++) {
    if (strcasecmp(families[i].word, word) == 0)
      return &families[i];
  }
  return NULL;
}

/* prtMarkerSuppliesTypeTC numbers stop well below this. */
#define MAX_SUPPLY_TYPE 64

static bool is_type_name(const char *word) {
  for (int type = 1; type < MAX_SUPPLY_TYPE; type++) {
    if (strcasecmp(pp_supply_type_name(type), word) == 0)
      return true;
  }
  return false;
}

bool pp_policy_type_known(const char *word) {
  return family_of(word) != NULL || is_type_name(word);
}

bool pp_policy_type_matches(const char *word, int type) {
  const char *name = pp_supply_type_name(type);
  const struct family *f = family_of(word);
  if (f == NULL)
    return strcasecmp(name, word) == 0;
  for (size_t i = 0; i < COUNT(f->types) && f->types[i] != NULL; i++) {
    if (strcmp(f->types[i], name) == 0)
      return true;
  }
  return false;
}

const char *pp_policy_supply_text(const struct pp_supply *s) {
  switch (s->state) {
  case PP_SUPPLY_MISSING:
    return "missing";
  case PP_SUPPLY_FAILED:
    return "failed";
  case PP_SUPPLY_FULL:
    return "full";
  case PP_SUPPLY_SOME_REMAINING:
    return "some remaining";
  default:
    break;
  }
  if (s->percent != PP_NO_PERCENT)
    return NULL;
  if (s->state == PP_SUPPLY_LOW || s->state == PP_SUPPLY_NEAR_FULL)
    return s->receptacle ? "near full" : "near end";
  if (s->state == PP_SUPPLY_EMPTY)
    return "empty";
  return "level unknown";
}

bool pp_policy_supply_state_severity(const struct pp_supply *s,
                                     enum pp_severity *out) {
  switch (s->state) {
  case PP_SUPPLY_MISSING:
  case PP_SUPPLY_FAILED:
  case PP_SUPPLY_FULL:
    *out = PP_SEV_CRITICAL;
    return true;
  case PP_SUPPLY_SOME_REMAINING:
    *out = PP_SEV_OK;
    return true;
  default:
    return false;
  }
}

enum pp_severity pp_policy_supply_severity(const struct pp_supply *s) {
  enum pp_severity sev;
  if (pp_policy_supply_state_severity(s, &sev))
    return sev;
  if (s->percent != PP_NO_PERCENT)
    return s->percent < PP_POLICY_SUPPLY_CRIT_BELOW   ? PP_SEV_CRITICAL
           : s->percent < PP_POLICY_SUPPLY_WARN_BELOW ? PP_SEV_WARNING
                                                      : PP_SEV_OK;
  if (s->state == PP_SUPPLY_LOW || s->state == PP_SUPPLY_NEAR_FULL)
    return PP_SEV_WARNING;
  return PP_SEV_OK;
}

/* --- timing --- */

double pp_policy_deadline_s(double timeout_s, unsigned retries,
                            double backoff) {
  /* The engine scales its waits to add up to timeout x tries whatever the
   * backoff (pp_engine.c, try_timeout_s): only a backoff below 1, which it
   * refuses, could change that. */
  (void)backoff;
  double d = timeout_s * pp_policy_deadline_tries(retries);
  return d < DEADLINE_MIN_S ? DEADLINE_MIN_S : d;
}

double pp_policy_deadline_tries(unsigned retries) {
  return DEADLINE_ROUNDS * ((double)retries + 1);
}
