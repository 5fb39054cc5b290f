/* SPDX-License-Identifier: MIT */
/* check_printer_status: one printer's error state as a plugin state, from
 * hrPrinterDetectedErrorState, hrDeviceStatus, hrPrinterStatus and the
 * Printer-MIB alert table, with the reasons in the text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "np_common.h"
#include "np_util.h"
#include "pp_model.h"
#include "pp_policy.h"

#define PROGNAME "check_printer_status"
#define MAX_IGNORED_CODES 64

struct status_cfg {
  uint32_t ignored_bits;
  int ignored_codes[MAX_IGNORED_CODES];
  size_t ignored_code_count;
  enum np_state unreachable;
  bool host_check; /* --host-check: only whether the printer answers */
};

static const char usage[] =
    " " PROGNAME " -H host [-p port] [-C community | --community-file F]\n"
    "   [-P 1|2c|3] [SNMPv3 options] [-t timeout] [-e retries]\n"
    "   [--ignore lowPaper|alert:CODE]... [--unreachable-state STATE]\n"
    "   [--host-check] [-v]";

static struct np_common common;

static void print_bit_table(void) {
  for (int pass = 0; pass < 2; pass++) {
    enum np_state want = pass == 0 ? NP_CRITICAL : NP_WARNING;
    printf("    %s:", np_state_name(want));
    int col = 6 + (int)strlen(np_state_name(want));
    for (unsigned bit = 0; bit < PP_ERR_BIT_COUNT; bit++) {
      if (np_state_of(pp_policy_bit_severity(bit)) != want)
        continue;
      const char *name = pp_error_bit_name(bit);
      if (col + (int)strlen(name) + 2 > 78) {
        printf("\n     ");
        col = 5;
      }
      col += printf(" %s", name);
    }
    putchar('\n');
  }
}

static void help(void) {
  np_help_header(&common,
                 "Checks a printer's error state over SNMP (read-only): the\n"
                 "error bits (hrPrinterDetectedErrorState), the device status "
                 "(hrDeviceStatus),\nthe printer status (hrPrinterStatus) and "
                 "the active alerts (prtAlertTable).");
  np_help_common_options();
  printf(" --ignore=NAME[,NAME...]\n"
         "    Ignore an error bit (e.g. lowPaper, offline) or an alert code\n"
         "    (alert:CODE, e.g. alert:1104 for markerTonerAlmostEmpty); "
         "repeatable\n"
         " --host-check\n"
         "    Only whether the printer answers (OK) or not (CRITICAL, or\n"
         "    --unreachable-state): the host check of a printer, so that one\n"
         "    switched off is one host problem, not a problem per service\n"
         " --unreachable-state=[ok|warning|critical|unknown]\n"
         "    State when the printer does not answer (default: critical)\n"
         "\nStates:\n"
         "  Error bits:\n");
  print_bit_table();
  printf(
      "  hrDeviceStatus down is CRITICAL, warning is WARNING (shown when no\n"
      "  error bit explains it). Alerts of severity critical are CRITICAL,\n"
      "  warning and warningBinaryChangeEvent are WARNING, others are only\n"
      "  listed with -v. hrPrinterStatus (idle, printing, warmup) is only "
      "text.\n"
      "  A printer asleep (power save) is OK: its offline bit, device "
      "status\n"
      "  and power-saver alerts (codes 22-24) are not held against it.\n"
      "  A printer that does not answer is CRITICAL, like an SNMP timeout in\n"
      "  check_snmp; switched-off printers at night may want "
      "--unreachable-state.\n"
      "  Usage errors and internal failures are UNKNOWN.\n"
      "\nExamples:\n"
      "  " PROGNAME " -H 192.0.2.7 --community-file /etc/nagios/printer.c\n"
      "  " PROGNAME " -H 192.0.2.7 -C public --ignore lowPaper,alert:1104\n");
  np_help_footer();
}

/* --- options --- */

enum { OPT_IGNORE = NP_OPT_CHECK_FIRST, OPT_UNREACHABLE_STATE, OPT_HOST_CHECK };

static const struct option own_options[] = {
    {"ignore", required_argument, NULL, OPT_IGNORE},
    {"unreachable-state", required_argument, NULL, OPT_UNREACHABLE_STATE},
    {"host-check", no_argument, NULL, OPT_HOST_CHECK},
    {NULL, 0, NULL, 0},
};

static int parse_alert_code(const char *text, int *out) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < 0 || v > 1000000)
    return -EINVAL;
  *out = (int)v;
  return 0;
}

static void add_ignore(struct status_cfg *cfg, const char *name) {
  int bit = pp_error_bit_from_name(name);
  if (bit >= 0) {
    cfg->ignored_bits |= 1u << bit;
    return;
  }
  int code;
  if (strncasecmp(name, "alert:", 6) != 0 ||
      parse_alert_code(name + 6, &code) != 0)
    np_usage_error(&common,
                   "--ignore \"%s\": not an error bit name (lowPaper, "
                   "jammed, ...) or alert:CODE",
                   name);
  if (cfg->ignored_code_count == MAX_IGNORED_CODES)
    np_usage_error(&common, "--ignore: at most %d alert codes",
                   MAX_IGNORED_CODES);
  cfg->ignored_codes[cfg->ignored_code_count++] = code;
}

/* "lowPaper,alert:1104" as well as one name per --ignore. */
static void add_ignore_list(struct status_cfg *cfg, const char *list) {
  char copy[512];
  if (strlen(list) >= sizeof(copy))
    np_usage_error(&common, "--ignore: list too long");
  snprintf(copy, sizeof(copy), "%s", list);
  char *save = NULL;
  for (char *name = strtok_r(copy, ",", &save); name != NULL;
       name = strtok_r(NULL, ",", &save))
    add_ignore(cfg, name);
}

static bool status_option(void *ctx, int opt, const char *arg) {
  struct status_cfg *cfg = ctx;
  switch (opt) {
  case OPT_IGNORE:
    add_ignore_list(cfg, arg);
    return true;
  case OPT_UNREACHABLE_STATE:
    cfg->unreachable = np_state_arg(&common, "--unreachable-state", arg);
    return true;
  case OPT_HOST_CHECK:
    cfg->host_check = true;
    return true;
  default:
    return false;
  }
}

static void parse_args(struct status_cfg *cfg, int argc, char **argv) {
  np_parse_args(&common, argc, argv, NULL, own_options, status_option, cfg);
}

/* --- judging --- */

struct verdict {
  enum np_state state;
  struct np_text line;     /* reasons, worst first */
  struct np_text long_out; /* one line per finding */
};

static bool code_ignored(const struct status_cfg *cfg, int code) {
  for (size_t i = 0; i < cfg->ignored_code_count; i++) {
    if (cfg->ignored_codes[i] == code)
      return true;
  }
  return false;
}

static enum np_state bit_state(const struct pp_printer *p, unsigned bit) {
  if (!(pp_policy_active_errors(p) & (1u << bit)))
    return NP_OK; /* offline while asleep */
  return np_state_of(pp_policy_bit_severity(bit));
}

static void long_line(struct verdict *v, const char *fmt, const char *a,
                      const char *b) {
  np_text_sep(&v->long_out, "\n");
  np_text_add(&v->long_out, fmt, a, b);
}

/* Error bits, critical ones first. Returns the state they raise. */
static enum np_state judge_bits(const struct status_cfg *cfg,
                                const struct pp_printer *p, struct verdict *v) {
  enum np_state worst = NP_OK;
  struct np_text names;
  np_text_init(&names);
  static const enum np_state order[] = {NP_CRITICAL, NP_WARNING, NP_OK};
  for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
    for (unsigned bit = 0; bit < PP_ERR_BIT_COUNT; bit++) {
      if (!(p->status.errors & (1u << bit)))
        continue;
      bool ignored = cfg->ignored_bits & (1u << bit);
      enum np_state s = ignored ? NP_OK : bit_state(p, bit);
      if (s != order[o])
        continue;
      long_line(v, "error %s: %s", pp_error_bit_name(bit),
                ignored ? "ignored"
                        : (s == NP_OK ? "OK (asleep)" : np_state_name(s)));
      if (s == NP_OK)
        continue;
      np_text_sep(&names, ", ");
      np_text_add(&names, "%s", pp_error_bit_name(bit));
      worst = np_state_worse(worst, s);
    }
  }
  if (names.len > 0) {
    np_text_sep(&v->line, NP_REASON_SEP);
    np_text_add(&v->line, "%s", names.data);
  }
  return worst;
}

static void judge_device(const struct pp_printer *p, enum np_state bits,
                         int verbosity, struct verdict *v) {
  const char *name = pp_device_status_name(p->status.device);
  if (name == NULL)
    return;
  enum np_state s = np_state_of(pp_policy_device_severity(p));
  if (s != NP_OK || verbosity >= 1)
    long_line(v, "device status %s: %s", name, np_state_name(s));
  /* "jammed" already says why the device is down. */
  if (s != NP_OK && bits == NP_OK) {
    np_text_sep(&v->line, NP_REASON_SEP);
    np_text_add(&v->line, "device %s", name);
  }
  v->state = np_state_worse(v->state, s);
}

static enum np_state alert_state(const struct status_cfg *cfg,
                                 const struct pp_printer *p,
                                 const struct pp_alert *a) {
  if (code_ignored(cfg, a->code))
    return NP_OK;
  return np_state_of(pp_policy_alert_severity(p, a));
}

static void alert_long_line(const struct status_cfg *cfg,
                            const struct pp_alert *a, enum np_state s,
                            struct verdict *v) {
  np_text_sep(&v->long_out, "\n");
  np_text_add(&v->long_out, "alert %d (%s, severity %s): %s: %s", a->code,
              a->group[0] ? a->group : "?", pp_alert_severity_name(a->severity),
              a->description[0] ? a->description : "(no text)",
              code_ignored(cfg, a->code) ? "ignored" : np_state_name(s));
}

static void judge_alerts(const struct status_cfg *cfg,
                         const struct pp_printer *p, int verbosity,
                         struct verdict *v) {
  static const enum np_state order[] = {NP_CRITICAL, NP_WARNING, NP_OK};
  for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
    for (size_t i = 0; i < p->alert_count; i++) {
      const struct pp_alert *a = &p->alerts[i];
      enum np_state s = alert_state(cfg, p, a);
      if (s != order[o])
        continue;
      if (s != NP_OK || verbosity >= 1)
        alert_long_line(cfg, a, s, v);
      if (s == NP_OK)
        continue;
      np_text_sep(&v->line, NP_REASON_SEP);
      np_text_add(&v->line, "alert %d: %s", a->code,
                  a->description[0] ? a->description : a->group);
      v->state = np_state_worse(v->state, s);
    }
  }
}

static bool has_status(const struct pp_printer *p) {
  return p->status.error_bytes > 0 || p->status.device != 0 ||
         p->status.printer != 0 || p->alert_count > 0;
}

static void ok_text(const struct pp_printer *p, struct verdict *v) {
  const char *printer = pp_printer_status_name(p->status.printer);
  if (p->status.asleep)
    np_text_add(&v->line, "asleep (power save)");
  else if (printer != NULL && p->status.printer > PP_PRINTER_UNKNOWN)
    np_text_add(&v->line, "%s", printer);
  else
    np_text_add(&v->line, "no errors");
}

static void identity_line(const struct pp_printer *p, struct verdict *v) {
  np_text_sep(&v->long_out, "\n");
  np_text_add(&v->long_out, "%s: %s%s%s, printer status %s%s", p->address,
              p->model[0] ? p->model : "model unknown",
              p->serial[0] ? ", serial " : "", p->serial,
              pp_printer_status_name(p->status.printer)
                  ? pp_printer_status_name(p->status.printer)
                  : "unread",
              p->status.asleep ? ", asleep" : "");
  if (p->error[0]) {
    np_text_add(&v->long_out, "\npartial read: %s", p->error);
  }
}

/* A read cut short: alerts or status may be missing. At least WARNING, so
 * the NOC looks; UNKNOWN stays when nothing could be judged. */
static void partial_text(const struct pp_printer *p, struct verdict *v) {
  const char *why = pp_printer_partial(p);
  if (why == NULL)
    return;
  np_text_sep(&v->line, NP_REASON_SEP);
  np_text_add(&v->line, "status incomplete: %s", why);
  if (v->state == NP_OK)
    v->state = NP_WARNING;
}

static void judge(const struct status_cfg *cfg, const struct pp_printer *p,
                  int verbosity, struct verdict *v) {
  *v = (struct verdict){.state = NP_OK};
  np_text_init(&v->line);
  np_text_init(&v->long_out);
  if (verbosity >= 1)
    identity_line(p, v);
  if (!has_status(p)) {
    v->state = NP_UNKNOWN;
    np_text_add(&v->line,
                "%s reports no status (no "
                "hrPrinterDetectedErrorState, hrDeviceStatus, "
                "hrPrinterStatus or alerts)",
                p->address);
    partial_text(p, v);
    return;
  }
  enum np_state bits = judge_bits(cfg, p, v);
  v->state = np_state_worse(v->state, bits);
  judge_device(p, bits, verbosity, v);
  judge_alerts(cfg, p, verbosity, v);
  if (v->state == NP_OK)
    ok_text(p, v);
  partial_text(p, v);
}

/* The host check's verdict: it answers; its error state is the status
 * service's business (a jam must not make the host DOWN). */
_Noreturn static void answers(struct pp_printer *p) {
  struct np_text text;
  np_text_init(&text);
  np_text_add(&text, "%s answers", p->address);
  if (p->name[0] != '\0' || p->model[0] != '\0')
    np_text_add(&text, ": %s%s%s", p->name,
                p->name[0] && p->model[0] ? ", " : "", p->model);
  pp_printer_clear(p);
  np_exit(NP_OK, text.data, NULL, NULL);
}

int main(int argc, char **argv) {
  struct status_cfg cfg = {.unreachable = NP_CRITICAL};
  np_common_init(&common, PROGNAME, usage, help);
  parse_args(&cfg, argc, argv);

  struct pp_printer printer;
  np_poll_answering(&common, &printer, cfg.unreachable);
  if (cfg.host_check)
    answers(&printer);
  /* Static: two 8 KiB texts are more than a small stack should hold. */
  static struct verdict v;
  judge(&cfg, &printer, common.verbosity, &v);
  pp_printer_clear(&printer);
  np_exit(v.state, v.line.data, NULL, v.long_out.data);
}
