/* SPDX-License-Identifier: MIT */
/* check_printer_pages: a printer's page counters as performance data (c
 * UOM) for trending, and a WARNING when a counter went backwards since the
 * last run (board swap, reset, or a different printer behind the address). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "np_common.h"
#include "np_util.h"
#include "pp_file.h"
#include "pp_model.h"
#include "pp_str.h"

#define PROGNAME "check_printer_pages"
#define STATE_HEADER "# printprobe check_printer_pages state 1"
/* A state file holds a dozen short lines; anything larger is not ours. */
#define STATE_MAX_BYTES 4096
#define STATE_MAX_COUNTERS (PP_MAX_VENDOR_COUNTERS + 1)
#define TOTAL_NAME "total"

static const char usage[] =
    " " PROGNAME " -H host [-p port] [-C community | --community-file F]\n"
    "   [-P 1|2c|3] [SNMPv3 options] [-t timeout] [-e retries]\n"
    "   [--state-file FILE] [--meter NAME]... [-v]";

static struct np_common common;

static void help(void) {
  np_help_header(&common,
                 "Reports a printer's page counters over SNMP as performance "
                 "data for\ntrending (prtMarkerLifeCount and vendor counters; "
                 "read-only).");
  np_help_common_options();
  printf(
      " --state-file=FILE\n"
      "    Remember the counters in FILE and warn when one went backwards\n"
      "    since the last run. A missing file is created; an unreadable or\n"
      "    damaged one is UNKNOWN (remove it to start afresh). One file per\n"
      "    printer and service.\n"
      " --meter=NAME\n"
      "    Only this meter: total (prtMarkerLifeCount), mono, colour, print,\n"
      "    print_mono, print_colour, copy, copy_mono, copy_colour, fax, scan,\n"
      "    duplex, large_mono, large_colour. Repeat it for several; each gets\n"
      "    its perfdata and its backward check. A meter the printer does not\n"
      "    report is UNKNOWN (never read as 0). Default: total and every\n"
      "    meter the printer reports.\n"
      "\nStates:\n"
      "  OK with the counters; WARNING when a counter went backwards (the\n"
      "  new value is remembered, so the next run is OK again); UNKNOWN when\n"
      "  the printer does not answer or reports no counter.\n"
      "\nPerformance data: 'pages'=Nc;;;0 (c: a counter), and one\n"
      "'pages_NAME' per meter (mono, colour, print_colour, scan, ...).\n"
      "\nExample:\n"
      "  " PROGNAME " -H 192.0.2.7 -C public \\\n"
      "    --state-file /var/lib/nagios/pages-192.0.2.7\n");
  np_help_footer();
}

enum { OPT_STATE_FILE = NP_OPT_CHECK_FIRST, OPT_METER };

static const struct option own_options[] = {
    {"state-file", required_argument, NULL, OPT_STATE_FILE},
    {"meter", required_argument, NULL, OPT_METER},
    {NULL, 0, NULL, 0},
};

/* What the command line asked for. */
struct pages_args {
  const char *state_file;
  const char *meters[PP_MAX_VENDOR_COUNTERS + 1]; /* --meter, in order */
  size_t meter_count;
};

/* A --meter NAME: total or a meter of the report (pp_meter_names); a
 * name twice is once. */
static bool meter_option(struct pages_args *a, const char *name) {
  if (strcmp(name, TOTAL_NAME) != 0 && !pp_meter_name_known(name))
    return false;
  for (size_t i = 0; i < a->meter_count; i++) {
    if (strcmp(a->meters[i], name) == 0)
      return true;
  }
  if (a->meter_count == sizeof(a->meters) / sizeof(a->meters[0]))
    return false;
  a->meters[a->meter_count++] = name;
  return true;
}

static bool pages_option(void *ctx, int opt, const char *arg) {
  struct pages_args *a = ctx;
  if (arg[0] == '\0')
    return false;
  if (opt == OPT_METER)
    return meter_option(a, arg);
  if (opt != OPT_STATE_FILE)
    return false;
  a->state_file = arg;
  return true;
}

static void parse_args(int argc, char **argv, struct pages_args *a) {
  np_parse_args(&common, argc, argv, NULL, own_options, pages_option, a);
}

/* --- counters and the state file --- */

/* The counters of one run: "total" first, then the vendor ones. */
struct counter_set {
  struct pp_counter items[STATE_MAX_COUNTERS];
  size_t count;
};

static uint64_t *counter_find(struct counter_set *set, const char *name) {
  for (size_t i = 0; i < set->count; i++) {
    if (strcmp(set->items[i].name, name) == 0)
      return &set->items[i].value;
  }
  return NULL;
}

static int counter_put(struct counter_set *set, const char *name,
                       uint64_t value) {
  uint64_t *slot = counter_find(set, name);
  if (slot != NULL) {
    *slot = value;
    return 0;
  }
  if (set->count == STATE_MAX_COUNTERS ||
      strlen(name) >= sizeof(set->items[0].name))
    return -EINVAL;
  pp_strlcpy(set->items[set->count].name, name, sizeof(set->items[0].name));
  set->items[set->count++].value = value;
  return 0;
}

static void counters_of(const struct pp_printer *p, struct counter_set *set) {
  set->count = 0;
  if (p->counters.total != PP_COUNT_UNKNOWN)
    (void)counter_put(set, TOTAL_NAME, p->counters.total);
  /* In the report's order, whatever order the profile found them in. */
  for (size_t m = 0; pp_meter_names[m] != NULL; m++) {
    const struct pp_counter *meter = pp_printer_meter(p, pp_meter_names[m]);
    if (meter != NULL)
      (void)counter_put(set, meter->name, meter->value);
  }
}

/* With --meter: only the meters asked for, in that order; UNKNOWN naming
 * the first one the printer does not report. */
static void select_meters(const struct pages_args *a,
                          const struct pp_printer *p, struct counter_set *set) {
  if (a->meter_count == 0)
    return;
  static struct counter_set all;
  all = *set;
  set->count = 0;
  for (size_t i = 0; i < a->meter_count; i++) {
    const uint64_t *value = counter_find(&all, a->meters[i]);
    if (value == NULL)
      np_die(NP_UNKNOWN, "%s reports no %s meter", p->address, a->meters[i]);
    (void)counter_put(set, a->meters[i], *value);
  }
}

/* One "NAME VALUE" line. */
static int parse_state_line(char *line, struct counter_set *set) {
  char *space = strchr(line, ' ');
  if (space == NULL || space == line)
    return -EINVAL;
  *space = '\0';
  const char *digits = space + 1;
  /* Unsigned 64-bit, as the counters are (strtoull would take "-1"). */
  if (*digits < '0' || *digits > '9')
    return -EINVAL;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(digits, &end, 10);
  if (errno != 0 || *end != '\0' || v == PP_COUNT_UNKNOWN)
    return -EINVAL;
  return counter_put(set, line, v);
}

static int parse_state(char *text, struct counter_set *set) {
  set->count = 0;
  char *save = NULL;
  char *line = strtok_r(text, "\n", &save);
  if (line == NULL || strcmp(line, STATE_HEADER) != 0)
    return -EINVAL;
  while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
    if (parse_state_line(line, set) != 0)
      return -EINVAL;
  }
  return 0;
}

/* Returns 0 with the previous counters, -ENOENT when there is no file yet
 * (fine: the first run), or dies UNKNOWN naming the file. */
static int read_state(const char *path, struct counter_set *set) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    if (errno == ENOENT)
      return -ENOENT;
    np_die(NP_UNKNOWN, "cannot read state file %s: %s", path, strerror(errno));
  }
  char text[STATE_MAX_BYTES + 1];
  size_t n = fread(text, 1, sizeof(text), f);
  bool failed = ferror(f) != 0;
  fclose(f);
  if (failed)
    np_die(NP_UNKNOWN, "cannot read state file %s", path);
  text[n < sizeof(text) ? n : sizeof(text) - 1] = '\0';
  if (n > STATE_MAX_BYTES || strlen(text) != n || parse_state(text, set) != 0)
    np_die(NP_UNKNOWN,
           "state file %s is damaged (not written by %s); remove it to "
           "start afresh",
           path, PROGNAME);
  return 0;
}

/* Written atomically (pp_file.h): a check killed half-way (timeout,
 * reboot) leaves the old state, never half a file. */
static void write_state(const char *path, const struct counter_set *set) {
  static struct np_text t;
  np_text_init(&t);
  np_text_add(&t, "%s\n", STATE_HEADER);
  for (size_t i = 0; i < set->count; i++)
    np_text_add(&t, "%s %" PRIu64 "\n", set->items[i].name,
                set->items[i].value);
  char dir[4096];
  if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
    np_die(NP_UNKNOWN, "state file name too long: %s", path);
  char *slash = strrchr(dir, '/');
  const char *name = path;
  if (slash == NULL) {
    snprintf(dir, sizeof(dir), ".");
  } else {
    name = path + (slash - dir) + 1;
    *slash = '\0';
    if (dir[0] == '\0')
      snprintf(dir, sizeof(dir), "/");
  }
  int err = pp_file_write_atomic(dir, name, t.data, t.len);
  if (err != 0)
    np_die(NP_UNKNOWN, "cannot write state file %s: %s", path, strerror(-err));
}

/* --- judging --- */

static void add_perf(const char *name, uint64_t value, struct np_perf *perf) {
  char label[64];
  if (strcmp(name, TOTAL_NAME) == 0)
    snprintf(label, sizeof(label), "pages");
  else
    snprintf(label, sizeof(label), "pages_%s", name);
  struct np_perf_item item = {.label = label,
                              .known = true,
                              .is_count = true,
                              .count = value,
                              .uom = "c",
                              .has_min = true,
                              .min = 0};
  (void)np_perf_add(perf, &item);
}

/* Compares with the last run; counters the printer did not give this time
 * keep their old value, so one bad read does not lose the history. */
static void compare(struct counter_set *now, struct counter_set *before,
                    struct np_result *r) {
  for (size_t i = 0; i < before->count; i++) {
    const struct pp_counter *old = &before->items[i];
    uint64_t *cur = counter_find(now, old->name);
    if (cur == NULL) {
      (void)counter_put(now, old->name, old->value);
      continue;
    }
    if (*cur >= old->value)
      continue;
    r->state = NP_WARNING;
    np_text_sep(&r->line, NP_REASON_SEP);
    np_text_add(&r->line,
                "%s counter went backwards: %" PRIu64 " -> %" PRIu64
                " since the last check (reset or board swap?)",
                old->name, old->value, *cur);
  }
}

static void summary(const struct pp_printer *p, const struct counter_set *now,
                    struct np_result *r) {
  struct np_text counts;
  np_text_init(&counts);
  const char *unit =
      p->counters.unit ? pp_counter_unit_name(p->counters.unit) : "pages";
  for (size_t i = 0; i < now->count; i++) {
    const struct pp_counter *c = &now->items[i];
    np_text_sep(&counts, ", ");
    if (strcmp(c->name, TOTAL_NAME) == 0)
      np_text_add(&counts, "%" PRIu64 " %s", c->value, unit);
    else
      np_text_add(&counts, "%s %" PRIu64, c->name, c->value);
  }
  np_text_add(&r->line, "%s", counts.data);
}

static void counter_lines(const struct counter_set *now, struct np_result *r) {
  for (size_t i = 0; i < now->count; i++) {
    np_text_sep(&r->long_out, "\n");
    np_text_add(&r->long_out, "%s: %" PRIu64, now->items[i].name,
                now->items[i].value);
  }
}

int main(int argc, char **argv) {
  np_common_init(&common, PROGNAME, usage, help);
  static struct pages_args args;
  parse_args(argc, argv, &args);
  const char *state_file = args.state_file;
  /* Read before polling: a damaged file should not cost a poll. */
  static struct counter_set before;
  bool have_before = state_file != NULL && read_state(state_file, &before) == 0;

  struct pp_printer printer;
  np_poll_answering(&common, &printer, NP_UNKNOWN);
  static struct np_result r;
  np_result_init(&r);
  static struct counter_set now;
  counters_of(&printer, &now);
  select_meters(&args, &printer, &now);
  if (now.count == 0) {
    np_text_add(&r.line, "%s reports no page counter", printer.address);
    pp_printer_clear(&printer);
    np_exit(NP_UNKNOWN, r.line.data, NULL, NULL);
  }
  for (size_t i = 0; i < now.count; i++)
    add_perf(now.items[i].name, now.items[i].value, &r.perf);
  summary(&printer, &now, &r);
  if (have_before)
    compare(&now, &before, &r);
  counter_lines(&now, &r);
  pp_printer_clear(&printer);
  if (state_file != NULL)
    write_state(state_file, &now);
  np_exit_result(&r);
}
