/* SPDX-License-Identifier: MIT */
/* The glue every check_printer_* binary shares: the standard options
 * (-H -p -t -e -v -V -h and the SNMP ones), help blocks, polling one printer
 * through the core with an alarm() backstop, and the one-line output. Only
 * nagios/ prints plugin output and exits with 0/1/2/3. */
#ifndef NP_COMMON_H
#define NP_COMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "np_util.h"
#include "pp_model.h"
#include "pp_policy.h"
#include "pp_target.h"

/* Long-only options of the common set; a check numbers its own from
 * NP_OPT_CHECK_FIRST on. */
enum np_long_only {
  NP_OPT_COMMUNITY_FILE = 1000,
  NP_OPT_AUTH_PASS_FILE,
  NP_OPT_PRIV_PASS_FILE,
  NP_OPT_AUTH_PASS, /* check_snmp's --authpasswd: only from --extra-opts */
  NP_OPT_PRIV_PASS,
  NP_OPT_TRY_TIMEOUT,
  NP_OPT_CHECK_FIRST = 1100,
};

/* Short options every check accepts; -A and -X (check_snmp's passphrases
 * on the command line) are only recognised to be refused. */
#define NP_COMMON_SHORT_OPTS "H:p:t:e:P:C:U:a:x:N:A:X:vVh"

/* getopt_long wants one table: the common long options followed by the
 * check's own (own ends with a zeroed entry). Returns a static table; dies
 * UNKNOWN should it not fit. */
const struct option *np_long_options(const struct option *own);

/* -t's default, the limit of the whole run: well below the 60 s Nagios
 * and Icinga 2 give a check before they kill it. */
#define NP_DEFAULT_TOTAL_S 10.0

struct np_common {
  const char *progname; /* "check_printer_status" */
  const char *usage;    /* the synopsis line(s) after "Usage: " */
  void (*help)(void);   /* the check's --help body */
  const char *host;
  struct pp_snmp_opts snmp;
  int verbosity; /* -v count, at most 3 */
  struct pp_target_list targets;
  double total_s;           /* -t: the whole run */
  enum np_state late_state; /* -t SECONDS:STATE, for a run cut short */
  bool try_timeout_given;   /* --try-timeout, else -t decides */
  int first_cli;            /* argv index of the command line's first
                               option; those before came from --extra-opts */
  bool option_from_file;    /* the option being handled came from there */
  char **argv; /* with the file's options: getopt and options point in it */
};

/* A check's own options: returns false for an option it does not know. */
typedef bool (*np_own_option)(void *ctx, int opt, const char *arg);

/* The whole option pass: --extra-opts expanded first (np_extra_opts.h),
 * then every option, common ones here and the check's through own, then
 * np_common_finish. Unknown options die with the usage. */
void np_parse_args(struct np_common *c, int argc, char **argv,
                   const char *own_short, const struct option *own_options,
                   np_own_option own, void *ctx);

/* A --*-state value, or a usage error naming the option. */
enum np_state np_state_arg(const struct np_common *c, const char *option,
                           const char *arg);

/* Defaults, then secrets from PRINTPROBE_COMMUNITY / _AUTH_PASS /
 * _PRIV_PASS. Dies with UNKNOWN when the environment is unusable. */
void np_common_init(struct np_common *c, const char *progname,
                    const char *usage, void (*help)(void));

/* Handles a common option (getopt's opt and optarg). Returns true when it
 * was one; a bad value dies with UNKNOWN and the short usage. -h and -V
 * print and exit UNKNOWN, as check_snmp does. */
bool np_common_option(struct np_common *c, int opt, const char *arg);

/* After the option loop: checks -H and the SNMP settings and builds the
 * one target. Dies with UNKNOWN and the short usage on a problem. */
void np_common_finish(struct np_common *c, int argc, char **argv);

/* Polls the target with the vendor profiles into printer (release it with
 * pp_printer_clear). An unreachable printer is a result (reachable false,
 * error says why); a poll that could not run at all dies UNKNOWN. A backstop
 * alarm ends the process UNKNOWN should the engine overrun its deadline. */
void np_poll_printer(struct np_common *c, struct pp_printer *printer);

/* np_poll_printer, and a printer that did not answer ends the check with
 * state and the reason: the checks that judge data have none to judge. */
void np_poll_answering(struct np_common *c, struct pp_printer *printer,
                       enum np_state unreachable);

/* What a check builds: its state, status line, long output and perfdata
 * (large: keep it static). */
struct np_result {
  enum np_state state;
  struct np_text line;
  struct np_text long_out;
  struct np_perf perf;
};

/* OK, and everything empty. */
void np_result_init(struct np_result *r);

/* np_exit with the result's parts. */
_Noreturn void np_exit_result(const struct np_result *r);

/* The plugin state of a policy severity (pp_policy.h decides them). */
enum np_state np_state_of(enum pp_severity sev);

/* The deadline np_poll_printer gives the engine: the policy's for the
 * per-try timeout, within -t less a margin for printing the result. */
double np_deadline_s(const struct np_common *c);

/* "printer.example.com:161 unreachable: no answer ..." */
void np_unreachable_text(const struct pp_printer *printer,
                         struct np_text *text);

/* Prints "PRINTER <STATE> - text | perfdata", then the long output lines,
 * and exits with state. perf and long_text may be NULL. */
_Noreturn void np_exit(enum np_state state, const char *text,
                       const struct np_perf *perf, const char *long_text);

/* Exits with state and a formatted text, no perfdata. */
_Noreturn void np_die(enum np_state state, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A usage error: UNKNOWN with the reason, then the short usage. */
_Noreturn void np_usage_error(const struct np_common *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Help blocks in the monitoring-plugins layout. */
void np_print_revision(const char *progname);
void np_help_header(const struct np_common *c, const char *purpose);
void np_help_common_options(void);
void np_help_footer(void);

#endif
