/* SPDX-License-Identifier: MIT */
#include "np_common.h"

#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "np_extra_opts.h"
#include "pp_engine.h"
#include "pp_log.h"
#include "pp_secret.h"
#include "pp_snmp_opts.h"
#include "pp_str.h"
#include "profiles.h"

#define MAX_VERBOSITY 3
/* Every try waits as long as the one before: the worst case follows from
 * the command line. */
#define CHECK_BACKOFF 1.0
/* -t bounds: a tenth of a second to an hour. */
#define TOTAL_MIN_S 0.1
#define TOTAL_MAX_S 3600.0
/* The poll ends this share of -t early (at most MARGIN_MAX_S), leaving time
 * to judge and print what it read before the limit. */
#define MARGIN_SHARE 0.1
#define MARGIN_MAX_S 0.5
/* The backstop fires this long before -t runs out. */
#define BACKSTOP_EARLY_S 0.05

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
      " -t, --timeout=SECONDS[:STATE]\n"
      "    Limit of the whole run, fractions allowed (default: 10). The tries\n"
      "    share it: each waits t / (4 x (retries + 1)) unless --try-timeout\n"
      "    says otherwise, and the poll stops a little before t to report\n"
      "    what it read. A run still going at t ends STATE (default: "
      "unknown).\n"
      " --try-timeout=SECONDS\n"
      "    Seconds to wait for one answer; the poll still ends within -t\n"
      " -e, --retries=INTEGER\n"
      "    Tries after the first one (default: 2)\n"
      " --extra-opts=[SECTION][@FILE]\n"
      "    Read options from SECTION (default: the plugin's name) of the ini\n"
      "    FILE (default: $MP_CONFIG_FILE, then monitoring-plugins.ini in\n"
      "    $NAGIOS_CONFIG_PATH, then /etc/monitoring-plugins.ini and the\n"
      "    other standard places); lines are option=value, the command line\n"
      "    wins. Keeps communities and SNMPv3 settings out of command lines.\n"
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
    {"try-timeout", required_argument, NULL, NP_OPT_TRY_TIMEOUT},
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
    {"authpasswd", required_argument, NULL, NP_OPT_AUTH_PASS},
    {"privpasswd", required_argument, NULL, NP_OPT_PRIV_PASS},
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
  *c = (struct np_common){.progname = progname,
                          .usage = usage,
                          .help = help,
                          .total_s = NP_DEFAULT_TOTAL_S,
                          .late_state = NP_UNKNOWN};
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
    {NP_OPT_TRY_TIMEOUT, "timeout", "--try-timeout"},
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

/* "10", "7.5", "10:critical" (the monitoring-plugins' timeout state). */
static void set_total(struct np_common *c, const char *arg) {
  char number[64];
  pp_strlcpy(number, arg, sizeof(number));
  char *state = strchr(number, ':');
  if (state != NULL) {
    *state++ = '\0';
    if (np_state_from_name(state, &c->late_state) != 0)
      np_usage_error(c,
                     "-t \"%s\": the state after ':' must be ok, "
                     "warning, critical or unknown",
                     arg);
  }
  char *end;
  double v = strtod(number, &end);
  if (end == number || *end != '\0' || !(v >= TOTAL_MIN_S && v <= TOTAL_MAX_S))
    np_usage_error(c, "-t \"%s\": seconds from %.1f to %.0f", arg, TOTAL_MIN_S,
                   TOTAL_MAX_S);
  c->total_s = v;
}

/* A passphrase option from an --extra-opts file is as safe as a
 * passphrase file; on the command line it is refused. */
static void set_passphrase_from_file(struct np_common *c, int opt,
                                     const char *arg) {
  bool auth = opt == 'A' || opt == NP_OPT_AUTH_PASS;
  char *field = auth ? c->snmp.auth_pass : c->snmp.priv_pass;
  size_t size = auth ? sizeof(c->snmp.auth_pass) : sizeof(c->snmp.priv_pass);
  pp_secret_guard_process();
  if (arg[0] == '\0' || strlen(arg) >= size)
    np_usage_error(c, "--extra-opts: the %s passphrase is empty or too long",
                   auth ? "authentication" : "privacy");
  pp_strlcpy(field, arg, size);
}

bool np_common_option(struct np_common *c, int opt, const char *arg) {
  const struct snmp_option *so = snmp_option_of(opt);
  if (so != NULL) {
    char err[512] = "";
    /* The core's message names its key and, for secrets, never the
     * value; the prefix says which of our options it was. */
    if (pp_snmp_opts_set(&c->snmp, so->key, arg, err, sizeof(err)) != 0)
      np_usage_error(c, "%s: %s", so->shown, err);
    c->try_timeout_given |= opt == NP_OPT_TRY_TIMEOUT;
    return true;
  }
  switch (opt) {
  case 'H':
    c->host = arg;
    return true;
  case 't':
    set_total(c, arg);
    return true;
  case 'v':
    if (c->verbosity < MAX_VERBOSITY)
      c->verbosity++;
    return true;
  case 'A':
  case 'X':
  case NP_OPT_AUTH_PASS:
  case NP_OPT_PRIV_PASS:
    if (c->option_from_file) {
      set_passphrase_from_file(c, opt, arg);
      return true;
    }
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

/* How long the poll may run: -t less the time to judge and print. */
static double poll_budget_s(const struct np_common *c) {
  double margin = c->total_s * MARGIN_SHARE;
  return c->total_s - (margin > MARGIN_MAX_S ? MARGIN_MAX_S : margin);
}

/* Without --try-timeout the tries share -t: the policy's deadline for the
 * per-try timeout this returns is the poll's budget. */
static unsigned try_timeout_ms(const struct np_common *c) {
  double ms =
      1000.0 * poll_budget_s(c) / pp_policy_deadline_tries(c->snmp.retries);
  return ms < 1.0 ? 1u : (unsigned)floor(ms);
}

void np_common_finish(struct np_common *c, int argc, char **argv) {
  if (optind < argc)
    np_usage_error(c, "unexpected argument \"%s\"", argv[optind]);
  if (c->host == NULL || c->host[0] == '\0')
    np_usage_error(c, "no printer given (-H)");
  if (!c->try_timeout_given)
    c->snmp.timeout_ms = try_timeout_ms(c);
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

enum np_state np_state_arg(const struct np_common *c, const char *option,
                           const char *arg) {
  enum np_state state;
  if (np_state_from_name(arg, &state) != 0)
    np_usage_error(c, "%s \"%s\": must be ok, warning, critical or unknown",
                   option, arg);
  return state;
}

static void expand_extra_opts(struct np_common *c, int *argc, char ***argv) {
  char err[512] = "";
  if (np_extra_opts(argc, argv, c->progname, &c->first_cli, err, sizeof(err)) !=
      0)
    np_usage_error(c, "%s", err);
  c->argv = *argv;
}

void np_parse_args(struct np_common *c, int argc, char **argv,
                   const char *own_short, const struct option *own_options,
                   np_own_option own, void *ctx) {
  expand_extra_opts(c, &argc, &argv);
  const struct option *options = np_long_options(own_options);
  char shorts[64];
  snprintf(shorts, sizeof(shorts), "%s%s", NP_COMMON_SHORT_OPTS,
           own_short != NULL ? own_short : "");
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, shorts, options, NULL)) != -1) {
    /* Every option of the file comes before the command line's. */
    c->option_from_file = optind <= c->first_cli;
    if (np_common_option(c, opt, optarg))
      continue;
    if (opt == '?' || opt == ':' || own == NULL || !own(ctx, opt, optarg))
      np_usage_error(c, "unknown option or missing value: %s",
                     argv[optind - 1]);
  }
  c->option_from_file = false;
  np_common_finish(c, argc, argv);
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

double np_deadline_s(const struct np_common *c) {
  double policy = pp_policy_deadline_s(c->snmp.timeout_ms / 1000.0,
                                       c->snmp.retries, CHECK_BACKOFF);
  double budget = poll_budget_s(c);
  return policy < budget ? policy : budget;
}

/* Written before the alarm is armed: the handler may only write(). */
static char alarm_text[200];
static int alarm_state;

static void on_alarm(int sig) {
  (void)sig;
  ssize_t n = write(STDOUT_FILENO, alarm_text, strlen(alarm_text));
  (void)n;
  _exit(alarm_state);
}

/* The last word should the poll overrun its deadline: -t is the limit
 * Nagios and Icinga 2 are told, and they kill a check that passes theirs. */
static void arm_backstop(const struct np_common *c) {
  double at = c->total_s - BACKSTOP_EARLY_S;
  alarm_state = (int)c->late_state;
  snprintf(alarm_text, sizeof(alarm_text),
           "PRINTER %s - no result within -t %.1f s (the poll should have "
           "ended after %.1f s)\n",
           np_state_name(c->late_state), c->total_s, np_deadline_s(c));
  struct sigaction sa = {.sa_handler = on_alarm};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval timer = {
      .it_value = {.tv_sec = (time_t)at,
                   .tv_usec = (suseconds_t)((at - floor(at)) * 1e6)}};
  setitimer(ITIMER_REAL, &timer, NULL);
}

static void disarm_backstop(void) {
  struct itimerval off = {0};
  setitimer(ITIMER_REAL, &off, NULL);
}

void np_poll_printer(struct np_common *c, struct pp_printer *printer) {
  struct pp_engine_opts engine;
  pp_engine_opts_default(&engine);
  engine.max_inflight = 1;
  engine.backoff = CHECK_BACKOFF;
  engine.deadline_ms = (unsigned)lround(np_deadline_s(c) * 1000);
  if (c->verbosity >= 2)
    fprintf(stderr,
            "printprobe: -t %.1f s: tries of %.3f s, %u retries, poll ends "
            "within %.1f s\n",
            c->total_s, c->snmp.timeout_ms / 1000.0, c->snmp.retries,
            np_deadline_s(c));
  arm_backstop(c);
  int err = pp_poll(c->targets.items, 1, pp_profiles, &engine, printer);
  disarm_backstop();
  pp_targets_free(&c->targets);
  if (err != 0)
    np_die(NP_UNKNOWN, "polling %s failed: %s", c->host, strerror(-err));
}

void np_poll_answering(struct np_common *c, struct pp_printer *printer,
                       enum np_state unreachable) {
  np_poll_printer(c, printer);
  if (printer->reachable)
    return;
  struct np_text text;
  np_text_init(&text);
  np_unreachable_text(printer, &text);
  pp_printer_clear(printer);
  np_exit(unreachable, text.data, NULL, NULL);
}

void np_result_init(struct np_result *r) {
  r->state = NP_OK;
  np_text_init(&r->line);
  np_text_init(&r->long_out);
  np_perf_init(&r->perf);
}

_Noreturn void np_exit_result(const struct np_result *r) {
  np_exit(r->state, r->line.data, &r->perf, r->long_out.data);
}

void np_unreachable_text(const struct pp_printer *printer,
                         struct np_text *text) {
  np_text_add(text, "%s unreachable: %s", printer->address,
              printer->error[0] ? printer->error : "no answer");
}
