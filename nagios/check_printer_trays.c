/* SPDX-License-Identifier: MIT */
/* check_printer_trays: a printer's paper trays (prtInputTable) and output
 * bins (prtOutputTable): "tray 2 empty" and "output bin full" stop printing
 * as surely as a jam. States come from the policy (pp_policy.h) unless
 * -w/-c give percent ranges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "np_common.h"
#include "np_util.h"
#include "pp_model.h"
#include "pp_policy.h"
#include "pp_str.h"

#define PROGNAME "check_printer_trays"
#define MAX_FILTERS 32

struct trays_cfg {
  struct np_range warn, crit;
  bool ranges; /* -w or -c given: they judge known percents */
  const char *names[MAX_FILTERS]; /* --tray: a name or an index */
  size_t name_count;
  int kind; /* -1 both, 0 inputs, 1 outputs */
  enum np_state unknown_state;
};

static const char usage[] =
    " " PROGNAME " -H host [-p port] [-C community | --community-file F]\n"
    "   [-P 1|2c|3] [SNMPv3 options] [-t timeout] [-e retries]\n"
    "   [-w range] [-c range] [--tray NAME|INDEX]... [--kind input|output]\n"
    "   [--unknown-state STATE] [-v]";

static struct np_common common;

static void help(void) {
  np_help_header(&common,
                 "Checks a printer's paper trays (prtInputTable) and output "
                 "bins (prtOutputTable)\nover SNMP (read-only).");
  np_help_common_options();
  printf(
      " -w, --warning=RANGE\n"
      "    Percent range outside which a tray is WARNING (paper left in a\n"
      "    tray, room left in a bin); without -w and -c the states decide\n"
      " -c, --critical=RANGE\n"
      "    Percent range outside which a tray is CRITICAL\n"
      " --tray=NAME|INDEX\n"
      "    Only the tray or bin of this name (as in the perfdata label:\n"
      "    tray_1, bypass_tray, ...), or input tray INDEX (3 or in:3), or\n"
      "    output bin out:INDEX; repeatable\n"
      " --kind=input|output\n"
      "    Only input trays or only output bins\n"
      " --unknown-state=[ok|warning|critical|unknown]\n"
      "    State for a tray whose level the printer does not tell (levels -1\n"
      "    and -2, no capacity; default: ok)\n"
      "\nStates:\n"
      "  A missing or broken tray and a full output bin are CRITICAL. An\n"
      "  empty or low input tray and a nearly full bin are WARNING, except\n"
      "  an empty bypass (manual feed, multi-purpose) tray, which is how it\n"
      "  is kept; the printer's noPaper error (check_printer_status) says\n"
      "  when no tray feeds. Level -3 (\"some remaining\") is OK. The\n"
      "  printer unreachable, no trays reported or none selected: UNKNOWN.\n"
      "\nPerformance data: 'name'=percent%%;warn;crit;0;100 per tray whose\n"
      "level is known; names as in printprobe scan and collectd.\n"
      "\nExamples:\n"
      "  " PROGNAME " -H 192.0.2.7 --community-file /etc/nagios/printer.c\n"
      "  " PROGNAME " -H 192.0.2.7 -C public --kind input -w 10: -c 1:\n");
  np_help_footer();
}

/* --- options --- */

enum { OPT_TRAY = NP_OPT_CHECK_FIRST, OPT_KIND, OPT_UNKNOWN_STATE };

static const struct option own_options[] = {
    {"warning", required_argument, NULL, 'w'},
    {"critical", required_argument, NULL, 'c'},
    {"tray", required_argument, NULL, OPT_TRAY},
    {"kind", required_argument, NULL, OPT_KIND},
    {"unknown-state", required_argument, NULL, OPT_UNKNOWN_STATE},
    {NULL, 0, NULL, 0},
};

static void set_range(struct trays_cfg *cfg, struct np_range *range,
                      const char *opt, const char *text) {
  if (np_range_parse(text, range) != 0)
    np_usage_error(&common,
                   "%s \"%s\": not a range ([@]start:end, ~ for minus "
                   "infinity, e.g. 20: or 10 or @0:5)",
                   opt, text);
  cfg->ranges = true;
}

static void set_kind(struct trays_cfg *cfg, const char *arg) {
  if (strcasecmp(arg, "input") == 0)
    cfg->kind = 0;
  else if (strcasecmp(arg, "output") == 0)
    cfg->kind = 1;
  else
    np_usage_error(&common, "--kind \"%s\": must be input or output", arg);
}

static bool trays_option(void *ctx, int opt, const char *arg) {
  struct trays_cfg *cfg = ctx;
  switch (opt) {
  case 'w':
    set_range(cfg, &cfg->warn, "-w", arg);
    return true;
  case 'c':
    set_range(cfg, &cfg->crit, "-c", arg);
    return true;
  case OPT_TRAY:
    if (cfg->name_count == MAX_FILTERS || arg[0] == '\0')
      np_usage_error(&common, "--tray: at most %d, none empty", MAX_FILTERS);
    cfg->names[cfg->name_count++] = arg;
    return true;
  case OPT_KIND:
    set_kind(cfg, arg);
    return true;
  case OPT_UNKNOWN_STATE:
    cfg->unknown_state = np_state_arg(&common, "--unknown-state", arg);
    return true;
  default:
    return false;
  }
}

/* --- judging --- */

struct judged {
  const struct pp_tray *tray;
  char name[PP_SUPPLY_NAME_MAX];
  enum np_state state;
};

static bool selected(const struct trays_cfg *cfg, const struct pp_tray *t,
                     const char *name) {
  if (cfg->kind >= 0 && (int)t->output != cfg->kind)
    return false;
  if (cfg->name_count == 0)
    return true;
  /* Indexes count per table: "3" or "in:3" is input tray 3, "out:3"
   * output bin 3. */
  char index[24], qualified[24];
  snprintf(index, sizeof(index), "%d", t->index);
  snprintf(qualified, sizeof(qualified), "%s:%d", t->output ? "out" : "in",
           t->index);
  for (size_t i = 0; i < cfg->name_count; i++) {
    const char *want = cfg->names[i];
    if (strcasecmp(want, name) == 0 || strcmp(want, qualified) == 0 ||
        (!t->output && strcmp(want, index) == 0))
      return true;
  }
  return false;
}

static enum np_state judge_tray(const struct trays_cfg *cfg,
                                const struct pp_tray *t) {
  if (t->state == PP_TRAY_MISSING)
    return NP_CRITICAL;
  if (cfg->ranges && t->percent != PP_NO_PERCENT)
    return np_range_state(&cfg->warn, &cfg->crit, t->percent);
  if (t->state == PP_TRAY_UNKNOWN)
    return cfg->unknown_state;
  return np_state_of(pp_policy_tray_severity(t));
}

/* "tray_2 empty (0%)", "tray_1 32%", "tray_4 some remaining". */
static void describe(const struct judged *j, struct np_text *text) {
  const struct pp_tray *t = j->tray;
  const char *words = pp_policy_tray_text(t);
  if (words == NULL)
    np_text_add(text, "%s %d%%", j->name, t->percent);
  else if (t->percent != PP_NO_PERCENT)
    np_text_add(text, "%s %s (%d%%)", j->name, words, t->percent);
  else
    np_text_add(text, "%s %s", j->name, words);
}

static void long_line(const struct judged *j, struct np_text *out) {
  const struct pp_tray *t = j->tray;
  np_text_sep(out, "\n");
  describe(j, out);
  np_text_add(out, ": %s [%s %d, %s", np_state_name(j->state),
              t->output ? "output" : "input", t->index,
              t->name[0] ? t->name : "no name");
  if (t->media[0] != '\0')
    np_text_add(out, ", %s", t->media);
  if (t->level != PP_UNKNOWN)
    np_text_add(out, ", level %lld of %lld", (long long)t->level,
                (long long)t->max);
  np_text_add(out, "%s]", t->manual ? ", manual feed" : "");
}

static void add_perf(const struct trays_cfg *cfg, const struct judged *j,
                     struct np_perf *perf) {
  struct np_perf_item item = {
      .label = j->name,
      .known = j->tray->percent != PP_NO_PERCENT,
      .value = j->tray->percent,
      .uom = "%",
      .warn = cfg->ranges ? cfg->warn.text : NULL,
      .crit = cfg->ranges ? cfg->crit.text : NULL,
      .has_min = true,
      .has_max = true,
      .max = 100,
  };
  (void)np_perf_add(perf, &item); /* a full buffer: the text tells all */
}

static int compare_judged(const void *a, const void *b) {
  const struct judged *x = a, *y = b;
  if (x->state != y->state)
    return np_state_worse_alt(x->state, y->state) == x->state ? -1 : 1;
  return x->tray < y->tray ? -1 : x->tray > y->tray;
}

static void report(const struct trays_cfg *cfg, struct judged *all,
                   size_t count, struct np_result *r) {
  for (size_t i = 0; i < count; i++)
    add_perf(cfg, &all[i], &r->perf);
  qsort(all, count, sizeof(*all), compare_judged);
  for (size_t i = 0; i < count; i++) {
    r->state = np_state_worse_alt(r->state, all[i].state);
    long_line(&all[i], &r->long_out);
    np_text_sep(&r->line, ", ");
    describe(&all[i], &r->line);
  }
}

static void judge_printer(const struct trays_cfg *cfg,
                          const struct pp_printer *p, struct np_result *r) {
  struct judged *all = calloc(p->tray_count + 1, sizeof(*all));
  char(*names)[PP_SUPPLY_NAME_MAX] = calloc(p->tray_count + 1, sizeof(*names));
  if (all == NULL || names == NULL)
    np_die(NP_UNKNOWN, "out of memory");
  pp_policy_tray_names(p, names);
  size_t count = 0;
  for (size_t i = 0; i < p->tray_count; i++) {
    if (!selected(cfg, &p->trays[i], names[i]))
      continue;
    all[count].tray = &p->trays[i];
    all[count].state = judge_tray(cfg, &p->trays[i]);
    pp_strlcpy(all[count++].name, names[i], sizeof(all[0].name));
  }
  free(names);
  if (count == 0) {
    r->state = NP_UNKNOWN;
    if (p->tray_count == 0)
      np_text_add(&r->line, "%s reports no trays", p->address);
    else
      np_text_add(&r->line, "none of %zu trays matches", p->tray_count);
  } else {
    report(cfg, all, count, r);
  }
  const char *why = pp_printer_partial(p);
  if (why != NULL) {
    np_text_sep(&r->line, NP_REASON_SEP);
    np_text_add(&r->line, "trays incomplete: %s", why);
    if (r->state == NP_OK)
      r->state = NP_WARNING;
  }
  free(all);
}

int main(int argc, char **argv) {
  static struct trays_cfg cfg = {.kind = -1, .unknown_state = NP_OK};
  np_common_init(&common, PROGNAME, usage, help);
  /* Until -w or -c says otherwise, a range that never alerts. */
  (void)np_range_parse("~:", &cfg.warn);
  (void)np_range_parse("~:", &cfg.crit);
  np_parse_args(&common, argc, argv, "w:c:", own_options, trays_option, &cfg);

  struct pp_printer printer;
  np_poll_answering(&common, &printer, NP_UNKNOWN);
  static struct np_result r;
  np_result_init(&r);
  judge_printer(&cfg, &printer, &r);
  pp_printer_clear(&printer);
  np_exit_result(&r);
}
