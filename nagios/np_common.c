/* SPDX-License-Identifier: MIT */
#include "np_common.h"

#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pp_engine.h"
#include "pp_log.h"
#include "pp_snmp_opts.h"
#include "profiles.h"

#define MAX_VERBOSITY 3
/* Every try waits -t seconds, as check_snmp's do: an administrator can
 * compute the worst case from the command line. */
#define CHECK_BACKOFF 1.0
/* check_snmp's tolerance between its own timeout and the alarm. */
#define ALARM_TOLERANCE_S 5

/* --- output --- */

static void print_cleaned(const char *text) {
  char line[NP_TEXT_MAX];
  snprintf(line, sizeof(line), "%s", text);
  np_clean_output(line);
  fputs(line, stdout);
}

_Noreturn void np_exit(enum np_state state, const char *text,
                       const struct np_perf *perf, const char *long_text) {
  printf("PRINTER %s - ", np_state_name(state));
  print_cleaned(text);
  if (perf != NULL && perf->len > 0)
    printf(" | %s", perf->data);
  putchar('\n');
  if (long_text != NULL && long_text[0] != '\0') {
    print_cleaned(long_text);
    putchar('\n');
  }
  fflush(stdout);
  exit((int)state);
}

_Noreturn void np_die(enum np_state state, const char *fmt, ...) {
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  np_exit(state, text, NULL, NULL);
}

_Noreturn void np_usage_error(const struct np_common *c, const char *fmt, ...) {
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  /* The text may echo an argument: cleaned like any output, so that a '|'
   * in it does not start perfdata. */
  printf("PRINTER UNKNOWN - %s: ", c->progname);
  print_cleaned(text);
  putchar('\n');
  /* Nagios reads a '|' in any line as the start of perfdata: the usage's
   * alternatives ("1|2c|3") come out as "1/2c/3". */
  fputs("Usage:\n", stdout);
  print_cleaned(c->usage);
  printf("\nTry '%s --help' for more information.\n", c->progname);
  fflush(stdout);
  exit(NP_UNKNOWN);
}

/* --- help --- */

void np_print_revision(const char *progname) {
  printf("%s v%s (printprobe %s)\n", progname, PP_VERSION, PP_VERSION);
}

void np_help_header(const struct np_common *c, const char *purpose) {
  np_print_revision(c->progname);
  printf("\n%s\n\nUsage:\n%s\n\nOptions:\n", purpose, c->usage);
  printf(" -h, --help\n    Print detailed help screen\n"
         " -V, --version\n    Print version information\n");
}

void np_help_common_options(void) {
  printf(
      " -H, --hostname=ADDRESS\n"
      "    Printer name or IP address (IPv6 too; [v6]:port and host:port "
      "work)\n"
      " -p, --port=INTEGER\n"
      "    SNMP port (default: 161)\n"
      " -t, --timeout=SECONDS\n"
      "    Seconds to wait for one answer, fractions allowed (default: 1)\n"
      " -e, --retries=INTEGER\n"
      "    Tries after the first one (default: 2). The whole poll ends after\n"
      "    4 x timeout x (retries + 1) seconds, at least 5; a backstop timer\n"
      "    5 s later ends the check UNKNOWN.\n"
      " -P, --protocol=[1|2c|3]\n"
      "    SNMP protocol version (default: 2c)\n"
      " -C, --community=STRING\n"
      "    Community (default: public). Visible in the process list: prefer\n"
      "    --community-file or the environment variable "
      "PRINTPROBE_COMMUNITY\n"
      " --community-file=FILE\n"
      "    Read the community from the first line of FILE\n"
      " -U, --user=NAME\n"
      "    SNMPv3 user name (alias --secname)\n"
      " -a, --authproto=[MD5|SHA|SHA-256|SHA-512]\n"
      "    SNMPv3 authentication protocol\n"
      " --auth-pass-file=FILE\n"
      "    SNMPv3 authentication passphrase (or PRINTPROBE_AUTH_PASS)\n"
      " -x, --privproto=[DES|AES|AES-256]\n"
      "    SNMPv3 privacy protocol\n"
      " --priv-pass-file=FILE\n"
      "    SNMPv3 privacy passphrase (or PRINTPROBE_PRIV_PASS)\n"
      " -N, --context=NAME\n"
      "    SNMPv3 context (HP JetDirect: Jetdirect)\n"
      " -v, --verbose\n"
      "    Show details for command-line debugging (up to 3 times; -vv and\n"
      "    -vvv log what the poller does on stderr)\n");
}

void np_help_footer(void) {
  printf("\nPassphrases are never taken from the command line (-A and -X are\n"
         "refused). Only GET, GETNEXT and GETBULK are sent; nothing is ever "
         "set.\n"
         "Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for "
         "--help\nand --version, as check_snmp does).\n");
}

/* --- options --- */

static const struct option common_options[] = {
    {"hostname", required_argument, NULL, 'H'},
    {"port", required_argument, NULL, 'p'},
    {"timeout", required_argument, NULL, 't'},
    {"retries", required_argument, NULL, 'e'},
    {"protocol", required_argument, NULL, 'P'},
    {"community", required_argument, NULL, 'C'},
    {"community-file", required_argument, NULL, NP_OPT_COMMUNITY_FILE},
    {"user", required_argument, NULL, 'U'},
    {"secname", required_argument, NULL, 'U'},
    {"authproto", required_argument, NULL, 'a'},
    {"auth-pass-file", required_argument, NULL, NP_OPT_AUTH_PASS_FILE},
    {"privproto", required_argument, NULL, 'x'},
    {"priv-pass-file", required_argument, NULL, NP_OPT_PRIV_PASS_FILE},
    {"context", required_argument, NULL, 'N'},
    /* check_snmp's passphrase options: recognised only to be refused. */
    {"authpasswd", required_argument, NULL, NP_OPT_SECRET_ON_ARGV},
    {"privpasswd", required_argument, NULL, NP_OPT_SECRET_ON_ARGV},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, 'V'},
    {"help", no_argument, NULL, 'h'},
};

#define COMMON_OPTION_COUNT (sizeof(common_options) / sizeof(common_options[0]))
#define MAX_LONG_OPTIONS 64

const struct option *np_long_options(const struct option *own) {
  static struct option merged[MAX_LONG_OPTIONS + 1];
  size_t n = 0;
  for (; n < COMMON_OPTION_COUNT; n++)
    merged[n] = common_options[n];
  for (size_t i = 0; own[i].name != NULL; i++) {
    if (n == MAX_LONG_OPTIONS)
      np_die(NP_UNKNOWN, "internal error: too many options");
    merged[n++] = own[i];
  }
  merged[n] = (struct option){0};
  return merged;
}

static void log_to_stderr(enum pp_log_level level, const char *msg,
                          void *user_data) {
  (void)level;
  (void)user_data;
  fprintf(stderr, "printprobe: %s\n", msg);
}

void np_common_init(struct np_common *c, const char *progname,
                    const char *usage, void (*help)(void)) {
  *c = (struct np_common){.progname = progname, .usage = usage, .help = help};
  /* Until np_common_finish: what reading a secret warns about goes to
   * stderr, the status line alone to stdout. */
  pp_log_set_sink(log_to_stderr, NULL, PP_LOG_WARNING);
  pp_snmp_opts_default(&c->snmp);
  char err[512] = "";
  if (pp_snmp_opts_from_env(&c->snmp, err, sizeof(err)) != 0)
    np_die(NP_UNKNOWN, "%s", err);
}

/* Options handed to pp_snmp_opts_set under the core's key names. */
struct snmp_option {
  int opt;
  const char *key;   /* pp_snmp_opts_set name */
  const char *shown; /* how messages name the option */
};

static const struct snmp_option snmp_options[] = {
    {'p', "port", "-p/--port"},
    {'t', "timeout", "-t/--timeout"},
    {'e', "retries", "-e/--retries"},
    {'P', "version", "-P/--protocol"},
    {'C', "community", "-C/--community"},
    {NP_OPT_COMMUNITY_FILE, "community-file", "--community-file"},
    {'U', "user", "-U/--user"},
    {'a', "auth-proto", "-a/--authproto"},
    {NP_OPT_AUTH_PASS_FILE, "auth-pass-file", "--auth-pass-file"},
    {'x', "priv-proto", "-x/--privproto"},
    {NP_OPT_PRIV_PASS_FILE, "priv-pass-file", "--priv-pass-file"},
    {'N', "context", "-N/--context"},
};

static const struct snmp_option *snmp_option_of(int opt) {
  for (size_t i = 0; i < sizeof(snmp_options) / sizeof(snmp_options[0]); i++) {
    if (snmp_options[i].opt == opt)
      return &snmp_options[i];
  }
  return NULL;
}

bool np_common_option(struct np_common *c, int opt, const char *arg) {
  const struct snmp_option *so = snmp_option_of(opt);
  if (so != NULL) {
    char err[512] = "";
    /* The core's message names its key and, for secrets, never the
     * value; the prefix says which of our options it was. */
    if (pp_snmp_opts_set(&c->snmp, so->key, arg, err, sizeof(err)) != 0)
      np_usage_error(c, "%s: %s", so->shown, err);
    return true;
  }
  switch (opt) {
  case 'H':
    c->host = arg;
    return true;
  case 'v':
    if (c->verbosity < MAX_VERBOSITY)
      c->verbosity++;
    return true;
  case 'A':
  case 'X':
  case NP_OPT_SECRET_ON_ARGV:
    /* Anything on a command line shows in ps and in the monitoring
     * server's config dumps. */
    np_usage_error(c, "passphrases are not taken from the command line; "
                      "use --auth-pass-file/--priv-pass-file or "
                      "PRINTPROBE_AUTH_PASS/PRINTPROBE_PRIV_PASS");
  case 'V':
    np_print_revision(c->progname);
    exit(NP_UNKNOWN);
  case 'h':
    c->help();
    exit(NP_UNKNOWN);
  default:
    return false;
  }
}

void np_common_finish(struct np_common *c, int argc, char **argv) {
  if (optind < argc)
    np_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
  if (c->host == NULL || c->host[0] == '\0')
    np_usage_error(c, "no printer given (-H)");
  char err[512] = "";
  if (pp_snmp_opts_check(&c->snmp, err, sizeof(err)) != 0)
    np_usage_error(c, "%s", err);
  if (pp_targets_add_spec(&c->targets, c->host, &c->snmp, err, sizeof(err)) !=
      0)
    np_usage_error(c, "%s", err);
  if (c->targets.count != 1)
    np_usage_error(c, "-H \"%s\" names %zu printers; a check polls one",
                   c->host, c->targets.count);
  /* The target holds its own copy; only timing is read from here on. */
  explicit_bzero(c->snmp.community, sizeof(c->snmp.community));
  explicit_bzero(c->snmp.auth_pass, sizeof(c->snmp.auth_pass));
  explicit_bzero(c->snmp.priv_pass, sizeof(c->snmp.priv_pass));
  if (c->verbosity >= 2)
    pp_log_set_sink(log_to_stderr, NULL,
                    c->verbosity >= 3 ? PP_LOG_DEBUG : PP_LOG_INFO);
  else
    pp_log_set_sink(NULL, NULL, PP_LOG_ERR);
}

/* --- polling --- */

enum np_state np_state_of(enum pp_severity sev) {
  switch (sev) {
  case PP_SEV_CRITICAL:
    return NP_CRITICAL;
  case PP_SEV_WARNING:
    return NP_WARNING;
  case PP_SEV_OK:
    break;
  }
  return NP_OK;
}

double np_deadline_s(const struct pp_snmp_opts *snmp) {
  return pp_policy_deadline_s(snmp->timeout_ms / 1000.0, snmp->retries,
                              CHECK_BACKOFF);
}

unsigned np_alarm_s(const struct pp_snmp_opts *snmp) {
  return (unsigned)ceil(np_deadline_s(snmp)) + ALARM_TOLERANCE_S;
}

/* Written before the alarm is armed: the handler may only write(). */
static char alarm_text[160];

static void on_alarm(int sig) {
  (void)sig;
  ssize_t n = write(STDOUT_FILENO, alarm_text, strlen(alarm_text));
  (void)n;
  _exit(NP_UNKNOWN);
}

static void arm_backstop(const struct pp_snmp_opts *snmp) {
  unsigned seconds = np_alarm_s(snmp);
  snprintf(alarm_text, sizeof(alarm_text),
           "PRINTER UNKNOWN - no result after %u s (backstop timer; the "
           "poll should have ended after %.1f s)\n",
           seconds, np_deadline_s(snmp));
  struct sigaction sa = {.sa_handler = on_alarm};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, NULL);
  alarm(seconds);
}

void np_poll_printer(struct np_common *c, struct pp_printer *printer) {
  struct pp_engine_opts engine;
  pp_engine_opts_default(&engine);
  engine.max_inflight = 1;
  engine.backoff = CHECK_BACKOFF;
  engine.deadline_ms = (unsigned)lround(np_deadline_s(&c->snmp) * 1000);
  arm_backstop(&c->snmp);
  int err = pp_poll(c->targets.items, 1, pp_profiles, &engine, printer);
  alarm(0);
  pp_targets_free(&c->targets);
  if (err != 0)
    np_die(NP_UNKNOWN, "polling %s failed: %s", c->host, strerror(-err));
}

void np_unreachable_text(const struct pp_printer *printer,
                         struct np_text *text) {
  np_text_add(text, "%s unreachable: %s", printer->address,
              printer->error[0] ? printer->error : "no answer");
}
