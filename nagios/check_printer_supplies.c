/* SPDX-License-Identifier: MIT */
/* check_printer_supplies: levels of a printer's supplies (toner, ink,
 * drums, waste receptacles) against thresholds in percent, with one
 * performance data item per supply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "np_common.h"
#include "np_util.h"
#include "pp_model.h"
#include "pp_policy.h"
#include "pp_str.h"

#define PROGNAME "check_printer_supplies"
#define MAX_FILTERS 32
/* The status line lists OK supplies only while it is shorter than this;
 * the long output has them all. */
#define LINE_SOFT_LIMIT 160
/* The policy's marks as ranges: alert below them. */
#define STR2(x) #x
#define STR(x) STR2(x)
#define DEFAULT_WARN STR(PP_POLICY_SUPPLY_WARN_BELOW) ":"
#define DEFAULT_CRIT STR(PP_POLICY_SUPPLY_CRIT_BELOW) ":"

struct supplies_cfg {
  struct np_range warn;
  struct np_range crit;
  const char *names[MAX_FILTERS]; /* --supply */
  size_t name_count;
  const char *types[MAX_FILTERS]; /* --type: a family or a type name */
  size_t type_count;
  const char *exact[MAX_FILTERS]; /* --name: a display name or an index */
  size_t exact_count;
  enum np_state unknown_state;
  enum np_state some_remaining_state; /* level -3 */
};

static const char usage[] =
    " " PROGNAME " -H host [-p port] [-C community | --community-file F]\n"
    "   [-P 1|2c|3] [SNMPv3 options] [-t timeout] [-e retries]\n"
    "   [-w range] [-c range] [--name NAME]... [--supply TEXT]...\n"
    "   [--type TYPE]... [--some-remaining-state STATE]\n"
    "   [--unknown-state STATE] [-v]";

static struct np_common common;

static void help(void) {
  np_help_header(&common,
                 "Checks the supply levels of a printer over SNMP (Printer-MIB "
                 "prtMarkerSupplies,\nand vendor tables where a profile knows "
                 "them; read-only).");
  np_help_common_options();
  printf(
      " -w, --warning=RANGE\n"
      "    Percent range outside which a supply is WARNING "
      "(default: " DEFAULT_WARN ")\n"
      " -c, --critical=RANGE\n"
      "    Percent range outside which a supply is CRITICAL "
      "(default: " DEFAULT_CRIT ")\n"
      " --name=NAME|INDEX\n"
      "    Only the supply of this name (as in the perfdata label: black,\n"
      "    waste_toner, ...) or prtMarkerSuppliesIndex; repeatable. For one\n"
      "    service per supply.\n"
      " --supply=TEXT\n"
      "    Only supplies whose colour is TEXT or whose description contains\n"
      "    it (case-insensitive); repeatable\n"
      " --type=TYPE\n"
      "    Only supplies of this family or type; repeatable. Families: toner\n"
      "    (toner, tonerCartridge, matteToner), ink (ink, inkCartridge,\n"
      "    inkRibbon, matteInk), waste (wasteToner, wasteInk, wasteWater,\n"
      "    wasteWax, wastePaper), opc or drum, fuser (fuser, fuserOil, ...);\n"
      "    any other type name (transferUnit, ...) selects that type only\n"
      " --unknown-state=[ok|warning|critical|unknown]\n"
      "    State for a supply whose level the printer does not tell (levels\n"
      "    -1 and -2, no maximum; default: ok)\n"
      " --some-remaining-state=[ok|warning|critical|unknown]\n"
      "    State for level -3, \"some remaining\" with no figure (default: "
      "ok)\n"
      "\nRanges: [@]start:end, alert outside start..end (inside with @); ~ "
      "is\n"
      "minus infinity, 10 means 0:10, 10: means 10 or more. Examples: -w "
      "20: -c 10:\n"
      "(default), -w 25: -c @0:5, -c ~:0.\n"
      "\nStates:\n"
      "  Receptacles (waste toner, maintenance boxes) are judged by the "
      "space\n"
      "  left, so the same thresholds apply; a full receptacle is always\n"
      "  CRITICAL. A missing or failed cartridge is CRITICAL. Level -3 "
      "(\"some\n"
      "  remaining\") is OK. The printer unreachable, no supplies reported "
      "or\n"
      "  none selected: UNKNOWN.\n"
      "\nPerformance data: 'label'=percent%%;warn;crit;0;100 per supply whose\n"
      "percent is known (no U: Icinga 2 refuses it). The label is the "
      "supply's\nname, as in printprobe scan and collectd: the colour of a "
      "toner or ink,\nelse type and colour, or type.\n"
      "\nExamples:\n"
      "  " PROGNAME " -H 192.0.2.7 -C public --type toner -w 15: -c 5:\n"
      "  " PROGNAME " -H 192.0.2.7 -C public --supply cyan --supply "
      "magenta\n");
  np_help_footer();
}

/* --- options --- */

enum {
  OPT_SUPPLY = NP_OPT_CHECK_FIRST,
  OPT_TYPE,
  OPT_UNKNOWN_STATE,
  OPT_NAME,
  OPT_SOME_REMAINING_STATE,
};

static const struct option own_options[] = {
    {"warning", required_argument, NULL, 'w'},
    {"critical", required_argument, NULL, 'c'},
    {"supply", required_argument, NULL, OPT_SUPPLY},
    {"type", required_argument, NULL, OPT_TYPE},
    {"unknown-state", required_argument, NULL, OPT_UNKNOWN_STATE},
    {"name", required_argument, NULL, OPT_NAME},
    {"some-remaining-state", required_argument, NULL, OPT_SOME_REMAINING_STATE},
    {NULL, 0, NULL, 0},
};

static void set_range(struct np_range *range, const char *opt,
                      const char *text) {
  if (np_range_parse(text, range) != 0)
    np_usage_error(&common,
                   "%s \"%s\": not a range ([@]start:end, ~ for minus "
                   "infinity, e.g. 20: or 10 or @0:5)",
                   opt, text);
}

static void add_filter(const char **list, size_t *count, const char *opt,
                       const char *value) {
  if (*count == MAX_FILTERS)
    np_usage_error(&common, "%s: at most %d", opt, MAX_FILTERS);
  if (value[0] == '\0')
    np_usage_error(&common, "%s: empty value", opt);
  list[(*count)++] = value;
}

static bool supplies_option(void *ctx, int opt, const char *arg) {
  struct supplies_cfg *cfg = ctx;
  switch (opt) {
  case 'w':
    set_range(&cfg->warn, "-w", arg);
    return true;
  case 'c':
    set_range(&cfg->crit, "-c", arg);
    return true;
  case OPT_SUPPLY:
    add_filter(cfg->names, &cfg->name_count, "--supply", arg);
    return true;
  case OPT_NAME:
    add_filter(cfg->exact, &cfg->exact_count, "--name", arg);
    return true;
  case OPT_TYPE:
    if (!pp_policy_type_known(arg))
      np_usage_error(&common,
                     "--type \"%s\": not a supply family or type (toner, "
                     "ink, waste, opc, fuser, wasteToner, ...)",
                     arg);
    add_filter(cfg->types, &cfg->type_count, "--type", arg);
    return true;
  case OPT_UNKNOWN_STATE:
    cfg->unknown_state = np_state_arg(&common, "--unknown-state", arg);
    return true;
  case OPT_SOME_REMAINING_STATE:
    cfg->some_remaining_state =
        np_state_arg(&common, "--some-remaining-state", arg);
    return true;
  default:
    return false;
  }
}

static void parse_args(struct supplies_cfg *cfg, int argc, char **argv) {
  set_range(&cfg->warn, "-w", DEFAULT_WARN);
  set_range(&cfg->crit, "-c", DEFAULT_CRIT);
  np_parse_args(&common, argc, argv, "w:c:", own_options, supplies_option, cfg);
}

/* --- selection and naming --- */

struct judged {
  const struct pp_supply *supply;
  char name[PP_SUPPLY_NAME_MAX];
  enum np_state state;
  const char *why; /* "full", "missing", ... or NULL: the percent says it */
};

static bool any_match(const char *const *list, size_t count,
                      bool (*match)(const char *, const struct pp_supply *),
                      const struct pp_supply *s) {
  if (count == 0)
    return true;
  for (size_t i = 0; i < count; i++) {
    if (match(list[i], s))
      return true;
  }
  return false;
}

static bool name_matches(const char *want, const struct pp_supply *s) {
  return strcasecmp(s->colour, want) == 0 ||
         pp_contains_ci(s->description, want);
}

static bool type_matches(const char *want, const struct pp_supply *s) {
  return pp_policy_type_matches(want, s->type);
}

/* --name: the display name every front end uses, or the table index. */
static bool exact_match(const struct supplies_cfg *cfg,
                        const struct pp_supply *s, const char *name) {
  if (cfg->exact_count == 0)
    return true;
  char index[16];
  snprintf(index, sizeof(index), "%d", s->index);
  for (size_t i = 0; i < cfg->exact_count; i++) {
    if (strcasecmp(cfg->exact[i], name) == 0 ||
        strcmp(cfg->exact[i], index) == 0)
      return true;
  }
  return false;
}

static bool selected(const struct supplies_cfg *cfg, const struct pp_supply *s,
                     const char *name) {
  return exact_match(cfg, s, name) &&
         any_match(cfg->names, cfg->name_count, name_matches, s) &&
         any_match(cfg->types, cfg->type_count, type_matches, s);
}

/* --- judging --- */

static void judge_supply(const struct supplies_cfg *cfg, struct judged *j) {
  const struct pp_supply *s = j->supply;
  enum pp_severity fixed;
  j->why = pp_policy_supply_text(s);
  if (s->state == PP_SUPPLY_SOME_REMAINING)
    j->state = cfg->some_remaining_state; /* Checkmk lets sites choose too */
  else if (pp_policy_supply_state_severity(s, &fixed))
    j->state = np_state_of(fixed);
  else if (s->percent != PP_NO_PERCENT)
    j->state = np_range_state(&cfg->warn, &cfg->crit, s->percent);
  else if (s->state == PP_SUPPLY_LOW || s->state == PP_SUPPLY_NEAR_FULL)
    j->state = NP_WARNING; /* the printer's own near-end mark */
  else
    j->state = cfg->unknown_state;
}

static void describe(const struct judged *j, struct np_text *text) {
  const struct pp_supply *s = j->supply;
  if (j->why != NULL && s->percent != PP_NO_PERCENT)
    np_text_add(text, "%s %s (%d%%%s)", j->name, j->why, s->percent,
                s->receptacle ? " free" : "");
  else if (j->why != NULL)
    np_text_add(text, "%s %s", j->name, j->why);
  else
    np_text_add(text, "%s %d%%%s", j->name, s->percent,
                s->receptacle ? " free" : "");
}

/* Worst state first, then the emptiest, unknown percents last. */
static int compare_judged(const void *a, const void *b) {
  const struct judged *x = a, *y = b;
  if (x->state != y->state)
    return np_state_worse_alt(x->state, y->state) == x->state ? -1 : 1;
  int px = x->supply->percent == PP_NO_PERCENT ? 101 : x->supply->percent;
  int py = y->supply->percent == PP_NO_PERCENT ? 101 : y->supply->percent;
  return px - py;
}

static void long_line(const struct judged *j, struct np_text *out) {
  const struct pp_supply *s = j->supply;
  np_text_sep(out, "\n");
  describe(j, out);
  np_text_add(out, ": %s [%s, %s%s", np_state_name(j->state),
              s->description[0] ? s->description : "no description",
              pp_supply_type_name(s->type),
              s->receptacle ? ", receptacle" : "");
  if (s->level != PP_UNKNOWN)
    np_text_add(out, ", level %lld of %lld %s", (long long)s->level,
                (long long)s->max, pp_supply_unit_name(s->unit));
  np_text_add(out, "]");
}

static void add_perf(const struct supplies_cfg *cfg, const struct judged *j,
                     struct np_perf *perf) {
  const struct pp_supply *s = j->supply;
  struct np_perf_item item = {
      .label = j->name,
      .known = s->percent != PP_NO_PERCENT,
      .value = s->percent,
      .uom = "%",
      .warn = cfg->warn.text,
      .crit = cfg->crit.text,
      .has_min = true,
      .min = 0,
      .has_max = true,
      .max = 100,
  };
  /* A full buffer drops the rest; the status line still tells all. */
  (void)np_perf_add(perf, &item);
}

/* Perfdata in the printer's order (graphs keep their place); the text
 * worst first. */
static void report(const struct supplies_cfg *cfg, struct judged *all,
                   size_t count, struct np_result *r) {
  for (size_t i = 0; i < count; i++)
    add_perf(cfg, &all[i], &r->perf);
  qsort(all, count, sizeof(*all), compare_judged);
  r->state = NP_OK;
  size_t hidden = 0;
  for (size_t i = 0; i < count; i++) {
    /* alt: a supply judged UNKNOWN on request must not hide behind OK. */
    r->state = np_state_worse_alt(r->state, all[i].state);
    long_line(&all[i], &r->long_out);
    if (all[i].state == NP_OK && r->line.len > LINE_SOFT_LIMIT) {
      hidden++;
      continue;
    }
    np_text_sep(&r->line, ", ");
    describe(&all[i], &r->line);
  }
  if (hidden > 0)
    np_text_add(&r->line, ", %zu more ok", hidden);
}

static void filter_text(const struct supplies_cfg *cfg, struct np_text *t) {
  for (size_t i = 0; i < cfg->exact_count; i++)
    np_text_add(t, " --name %s", cfg->exact[i]);
  for (size_t i = 0; i < cfg->name_count; i++)
    np_text_add(t, " --supply %s", cfg->names[i]);
  for (size_t i = 0; i < cfg->type_count; i++)
    np_text_add(t, " --type %s", cfg->types[i]);
}

/* A read cut short: the supplies shown may not be all there are. At least
 * WARNING, so the NOC looks; UNKNOWN stays when nothing could be judged. */
static void partial_text(const struct pp_printer *p, struct np_result *r) {
  const char *why = pp_printer_partial(p);
  if (why == NULL)
    return;
  np_text_sep(&r->line, NP_REASON_SEP);
  np_text_add(&r->line, "supplies incomplete: %s", why);
  if (r->state == NP_OK)
    r->state = NP_WARNING;
}

static void judge_printer(const struct supplies_cfg *cfg,
                          const struct pp_printer *p, struct np_result *r) {
  struct judged *all = calloc(p->supply_count + 1, sizeof(*all));
  char(*names)[PP_SUPPLY_NAME_MAX] =
      calloc(p->supply_count + 1, sizeof(*names));
  if (all == NULL || names == NULL)
    np_die(NP_UNKNOWN, "out of memory");
  /* Named among all supplies, so that a filter does not rename one. */
  pp_policy_supply_names(p, names);
  size_t count = 0;
  for (size_t i = 0; i < p->supply_count; i++) {
    if (!selected(cfg, &p->supplies[i], names[i]))
      continue;
    all[count].supply = &p->supplies[i];
    pp_strlcpy(all[count++].name, names[i], sizeof(all[0].name));
  }
  free(names);
  if (count == 0) {
    r->state = NP_UNKNOWN;
    if (p->supply_count == 0)
      np_text_add(&r->line, "%s reports no supplies", p->address);
    else {
      np_text_add(&r->line, "none of %zu supplies matches", p->supply_count);
      filter_text(cfg, &r->line);
    }
    partial_text(p, r);
    free(all);
    return;
  }
  for (size_t i = 0; i < count; i++)
    judge_supply(cfg, &all[i]);
  report(cfg, all, count, r);
  partial_text(p, r);
  free(all);
}

int main(int argc, char **argv) {
  static struct supplies_cfg cfg = {.unknown_state = NP_OK,
                                    .some_remaining_state = NP_OK};
  np_common_init(&common, PROGNAME, usage, help);
  parse_args(&cfg, argc, argv);

  struct pp_printer printer;
  np_poll_answering(&common, &printer, NP_UNKNOWN);
  /* Static: the texts and the perfdata buffer are large for a stack. */
  static struct np_result r;
  np_result_init(&r);
  judge_printer(&cfg, &printer, &r);
  pp_printer_clear(&printer);
  np_exit_result(&r);
}
