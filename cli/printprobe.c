/* SPDX-License-Identifier: MIT */
/* printprobe: poll printers over SNMP and print the fleet as a table, JSON
 * or CSV. Exit status: 0 all targets answered, 1 some did not, 2 usage. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pp_buf.h"
#include "pp_engine.h"
#include "pp_ingest_cmd.h"
#include "pp_log.h"
#include "pp_ordered.h"
#include "pp_policy.h"
#include "pp_report.h"
#include "pp_snmp_opts.h"
#include "pp_str.h"
#include "pp_target.h"
#include "profiles.h"

#define EXIT_ALL_ANSWERED 0
#define EXIT_SOME_SILENT 1
#define EXIT_USAGE 2

/* Reports for 100,000 printers fit; beyond that the fleet needs splitting. */

enum output_format {
  OUT_TABLE,
  OUT_JSON,
  OUT_CSV_SUPPLIES,
  OUT_CSV_COUNTERS,
  OUT_CSV_TRAYS
};

struct cli {
  struct pp_snmp_opts snmp;
  struct pp_engine_opts engine;
  struct pp_target_list targets;
  enum output_format format;
  int verbosity;
  bool progress;
};

static void usage_short(FILE *out) {
  fputs("Usage: printprobe scan [OPTIONS] TARGET... | -f FILE\n"
        "       printprobe ingest (--maildir DIR | --imap URL ...) --db DB "
        "--trusted-keys DIR\n"
        "       printprobe meters --db DB --from DAY --to DAY [--site SITE]\n"
        "       printprobe meters --db DB --from DAY --to DAY [--site SITE]\n"
        "Try 'printprobe --help' for more information.\n",
        out);
}

static void usage_long(void) {
  printf(
      "printprobe %s - poll network printers over SNMP (read-only)\n"
      "\n"
      "Usage: printprobe scan [OPTIONS] TARGET...\n"
      "       printprobe scan [OPTIONS] -f FILE\n"
      "       printprobe ingest --maildir DIR --db DB --trusted-keys DIR\n"
      "       printprobe ingest --imap URL --imap-user USER\n"
      "                         --imap-password-file FILE --db DB\n"
      "                         --trusted-keys DIR\n"
      "\n"
      "Targets: host names, IPv4 or IPv6 addresses, host:port, [v6]:port,\n"
      "CIDR blocks (192.0.2.0/24) and ranges (192.0.2.10-192.0.2.99 or\n"
      "192.0.2.10-99). A FILE has one or more per line; '#' starts a "
      "comment.\n"
      "\n"
      "Output:\n"
      "      --json               the fleet report as JSON\n"
      "      --csv supplies|counters|trays  one CSV row per supply, counter\n"
      "                               or paper tray / output bin\n"
      "                           (default: a table for people)\n"
      "SNMP:\n"
      "  -v, --snmp-version 1|2c|3 (default 2c)\n"
      "  -c, --community NAME     (default public; or PRINTPROBE_COMMUNITY)\n"
      "      --community-file F   read the community from a file\n"
      "  -p, --port N             (default 161; host:port overrides)\n"
      "  -t, --timeout SECONDS    per try on average (default 1): later\n"
      "                           tries wait longer, a silent printer costs\n"
      "                           SECONDS x tries\n"
      "  -r, --retries N          (default 2)\n"
      "  -u, --user NAME          SNMPv3 user\n"
      "      --auth-proto P       MD5, SHA, SHA-256, SHA-512\n"
      "      --auth-pass-file F   SNMPv3 auth passphrase (or "
      "PRINTPROBE_AUTH_PASS)\n"
      "      --priv-proto P       DES, AES, AES-256\n"
      "      --priv-pass-file F   SNMPv3 privacy passphrase (or "
      "PRINTPROBE_PRIV_PASS)\n"
      "      --context NAME       SNMPv3 context (HP JetDirect: Jetdirect)\n"
      "Engine:\n"
      "      --max-inflight N     printers polled at once (default all)\n"
      "      --deadline SECONDS   hard limit per printer\n"
      "      --getnext            never use GETBULK\n"
      "  -f, --file FILE          read targets from FILE\n"
      "  -d, --debug              log what the engine does (repeat for more)\n"
      "  -h, --help               this help\n"
      "  -V, --version            version\n"
      "\n"
      "Secrets are never taken from the command line except a community\n"
      "with -c; prefer --community-file or the environment on shared hosts.\n"
      "Exit status: 0 all targets answered, 1 some did not, 2 usage error.\n"
      "\n"
      "The vendor's side (signed fleet reports from write_dss):\n"
      "  ingest  reads each report mail once into a database\n"
      "      --maildir DIR        the Maildir the reports arrive in: new/\n"
      "                           moves to cur/ once stored; a report\n"
      "                           unsigned or not verified goes to\n"
      "                           DIR/.Quarantine/ with the reason\n"
      "      --imap URL           or an IMAP mailbox, imaps:// or imap://\n"
      "                           (STARTTLS required): handled mails move\n"
      "                           to the folders Stored and Quarantine\n"
      "      --imap-user USER     the IMAP login\n"
      "      --imap-password-file FILE  its password (first line)\n"
      "      --imap-ca-file FILE  a CA for a private server certificate\n"
      "      --db DB              an SQLite file (made when missing) or a\n"
      "                           postgresql:// URL\n"
      "      --trusted-keys DIR   one SITE.pub per site (write_dss's\n"
      "                           SigningKeyFile.pub)\n"
      "  Exit status: 0 every message handled, 1 some left for the next\n"
      "  run (database down), 2 usage error.\n"
      "  meters  pages per printer and counter in a period, as CSV\n"
      "      --from YYYY-MM-DD    the first day (UTC)\n"
      "      --to YYYY-MM-DD      the last day, included\n"
      "      --site SITE          only the readings of this site\n"
      "                           (--db as for ingest)\n",
      PP_VERSION);
}

static void log_to_stderr(enum pp_log_level level, const char *msg,
                          void *user_data) {
  (void)user_data;
  static const char *const names[] = {[PP_LOG_ERR] = "error",
                                      [PP_LOG_WARNING] = "warning",
                                      [PP_LOG_NOTICE] = "notice",
                                      [PP_LOG_INFO] = "info",
                                      [PP_LOG_DEBUG] = "debug"};
  fprintf(stderr, "printprobe: %s: %s\n", names[level], msg);
}

static void show_progress(size_t index, size_t done, size_t total,
                          void *user_data) {
  (void)index;
  (void)user_data;
  if (done == total || done % 10 == 0)
    fprintf(stderr, "\rpolled %zu/%zu printers%s", done, total,
            done == total ? "\n" : "");
}

enum long_only {
  OPT_JSON = 256,
  OPT_CSV,
  OPT_SNMP_NAMED, /* handed to pp_snmp_opts_set by name */
  OPT_MAX_INFLIGHT,
  OPT_DEADLINE,
  OPT_GETNEXT,
};

static const struct option long_options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"csv", required_argument, NULL, OPT_CSV},
    {"snmp-version", required_argument, NULL, 'v'},
    {"community", required_argument, NULL, 'c'},
    {"community-file", required_argument, NULL, OPT_SNMP_NAMED},
    {"port", required_argument, NULL, 'p'},
    {"timeout", required_argument, NULL, 't'},
    {"retries", required_argument, NULL, 'r'},
    {"user", required_argument, NULL, 'u'},
    {"auth-proto", required_argument, NULL, OPT_SNMP_NAMED},
    {"auth-pass-file", required_argument, NULL, OPT_SNMP_NAMED},
    {"priv-proto", required_argument, NULL, OPT_SNMP_NAMED},
    {"priv-pass-file", required_argument, NULL, OPT_SNMP_NAMED},
    {"context", required_argument, NULL, OPT_SNMP_NAMED},
    {"max-inflight", required_argument, NULL, OPT_MAX_INFLIGHT},
    {"deadline", required_argument, NULL, OPT_DEADLINE},
    {"getnext", no_argument, NULL, OPT_GETNEXT},
    {"file", required_argument, NULL, 'f'},
    {"debug", no_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static const char *snmp_key_of(int opt, int long_index) {
  switch (opt) {
  case 'v':
    return "version";
  case 'c':
    return "community";
  case 'p':
    return "port";
  case 't':
    return "timeout";
  case 'r':
    return "retries";
  case 'u':
    return "user";
  case OPT_SNMP_NAMED:
    return long_options[long_index].name;
  default:
    return NULL;
  }
}

static int parse_positive(const char *what, const char *value, double max,
                          double *out) {
  char *end;
  errno = 0;
  double v = strtod(value, &end);
  if (errno != 0 || end == value || *end != '\0' || !(v > 0) || v > max) {
    fprintf(stderr, "printprobe: %s \"%s\": must be a number, 0..%g\n", what,
            value, max);
    return -EINVAL;
  }
  *out = v;
  return 0;
}

/* Options whose value depends on nothing else; targets come after, since
 * each target copies the SNMP settings as they are then. */
static char **argv_seen; /* for messages about unknown options */

static int parse_option(struct cli *cli, int opt, int long_index,
                        const char **target_file) {
  char err[512] = "";
  double v;
  const char *key = snmp_key_of(opt, long_index);
  if (key != NULL) {
    if (pp_snmp_opts_set(&cli->snmp, key, optarg, err, sizeof(err)) != 0) {
      fprintf(stderr, "printprobe: %s\n", err);
      return -EINVAL;
    }
    return 0;
  }
  switch (opt) {
  case OPT_JSON:
    cli->format = OUT_JSON;
    return 0;
  case OPT_CSV:
    if (strcmp(optarg, "supplies") != 0 && strcmp(optarg, "counters") != 0 &&
        strcmp(optarg, "trays") != 0) {
      fprintf(stderr,
              "printprobe: --csv \"%s\": must be supplies, counters or "
              "trays\n",
              optarg);
      return -EINVAL;
    }
    cli->format = optarg[0] == 's'   ? OUT_CSV_SUPPLIES
                  : optarg[0] == 't' ? OUT_CSV_TRAYS
                                     : OUT_CSV_COUNTERS;
    return 0;
  case OPT_MAX_INFLIGHT:
    if (parse_positive("--max-inflight", optarg, 100000, &v) != 0)
      return -EINVAL;
    cli->engine.max_inflight = (unsigned)v;
    return 0;
  case OPT_DEADLINE:
    if (parse_positive("--deadline", optarg, 3600, &v) != 0)
      return -EINVAL;
    cli->engine.deadline_ms = (unsigned)(v * 1000);
    return 0;
  case OPT_GETNEXT:
    cli->engine.getnext_only = true;
    return 0;
  case 'f':
    *target_file = optarg;
    return 0;
  case 'd':
    cli->verbosity++;
    return 0;
  case 'h':
    usage_long();
    exit(EXIT_ALL_ANSWERED);
  case 'V':
    printf("printprobe %s\n", PP_VERSION);
    exit(EXIT_ALL_ANSWERED);
  default:
    /* getopt was told to be quiet: its messages would name "scan". */
    if (optopt != 0 && optopt != '?')
      fprintf(stderr, "printprobe: option -%c: missing or unknown\n", optopt);
    else
      fprintf(stderr, "printprobe: unknown option \"%s\"\n",
              optind > 0 ? argv_seen[optind - 1] : "?");
    usage_short(stderr);
    return -EINVAL;
  }
}

static int parse_args(struct cli *cli, int argc, char **argv) {
  const char *target_file = NULL;
  int opt, long_index = 0;
  char err[512] = "";
  argv_seen = argv;
  opterr = 0;
  if (pp_snmp_opts_from_env(&cli->snmp, err, sizeof(err)) != 0) {
    fprintf(stderr, "printprobe: %s\n", err);
    return -EINVAL;
  }
  while ((opt = getopt_long(argc, argv, "v:c:p:t:r:u:f:dhV", long_options,
                            &long_index)) != -1) {
    if (parse_option(cli, opt, long_index, &target_file) != 0)
      return -EINVAL;
  }
  if (pp_snmp_opts_check(&cli->snmp, err, sizeof(err)) != 0) {
    fprintf(stderr, "printprobe: %s\n", err);
    return -EINVAL;
  }
  if (target_file != NULL &&
      pp_targets_read_file(&cli->targets, target_file, &cli->snmp, err,
                           sizeof(err)) != 0) {
    fprintf(stderr, "printprobe: %s\n", err);
    return -EINVAL;
  }
  for (int i = optind; i < argc; i++) {
    if (pp_targets_add_spec(&cli->targets, argv[i], &cli->snmp, err,
                            sizeof(err)) != 0) {
      fprintf(stderr, "printprobe: %s\n", err);
      return -EINVAL;
    }
  }
  if (cli->targets.count == 0) {
    fprintf(stderr, "printprobe: no targets given\n");
    usage_short(stderr);
    return -EINVAL;
  }
  return 0;
}

/* --- the table for people --- */

/* Names and wording from the policy: the table says what the checks and
 * collectd say. */
static void supply_summary(const struct pp_printer *p, char *out,
                           size_t outlen) {
  size_t used = 0;
  out[0] = '\0';
  char(*names)[PP_SUPPLY_NAME_MAX] =
      calloc(p->supply_count + 1, sizeof(*names));
  if (names == NULL)
    return;
  pp_policy_supply_names(p, names);
  for (size_t i = 0; i < p->supply_count && used < outlen; i++) {
    const struct pp_supply *s = &p->supplies[i];
    const char *text = pp_policy_supply_text(s);
    int n;
    if (s->percent != PP_NO_PERCENT)
      n = snprintf(out + used, outlen - used, "%s%s %d%%", used ? ", " : "",
                   names[i], s->percent);
    else
      n = snprintf(out + used, outlen - used, "%s%s %s", used ? ", " : "",
                   names[i], text);
    if (n < 0)
      break;
    used += (size_t)n;
  }
  free(names);
}

/* The trays and bins the policy flags ("bypass_tray" empty is how it is
 * kept): "tray_2 empty, face_down_bin full". */
static void tray_summary(const struct pp_printer *p, char *out, size_t outlen) {
  size_t used = 0;
  out[0] = '\0';
  char(*names)[PP_SUPPLY_NAME_MAX] = calloc(p->tray_count + 1, sizeof(*names));
  if (names == NULL)
    return;
  pp_policy_tray_names(p, names);
  for (size_t i = 0; i < p->tray_count && used < outlen; i++) {
    const struct pp_tray *t = &p->trays[i];
    if (pp_policy_tray_severity(t) == PP_SEV_OK)
      continue;
    const char *words = pp_policy_tray_text(t);
    int n = snprintf(out + used, outlen - used, "%s%s %s", used ? ", " : "",
                     names[i], words ? words : "ok");
    if (n < 0)
      break;
    used += (size_t)n;
  }
  free(names);
}

static void error_summary(const struct pp_printer *p, char *out,
                          size_t outlen) {
  size_t used = 0;
  out[0] = '\0';
  if (p->status.asleep)
    used += (size_t)snprintf(out, outlen, "asleep");
  /* Offline is no error while asleep (pp_policy.h). */
  uint32_t errors = pp_policy_active_errors(p);
  for (unsigned bit = 0; bit < PP_ERR_BIT_COUNT && used < outlen; bit++) {
    if (!(errors & (1u << bit)))
      continue;
    int n = snprintf(out + used, outlen - used, "%s%s", used ? ", " : "",
                     pp_error_bit_name(bit));
    if (n < 0)
      return;
    used += (size_t)n;
  }
}

/* A column's share of a text: printf's %.16s counts bytes and could cut a
 * character in two; this cut falls between characters. */
static const char *column_text(const char *text, char *out, size_t width) {
  if (text[0] == '\0')
    return "-";
  pp_text_copy(out, text, width + 1);
  return out;
}

/* A meter's cell: its value, "-" when the printer does not report it. */
static const char *meter_cell(const struct pp_printer *p, const char *name,
                              char *out, size_t outlen) {
  const struct pp_counter *meter = pp_printer_meter(p, name);
  if (meter == NULL)
    return "-";
  snprintf(out, outlen, "%" PRIu64, meter->value);
  return out;
}

/* One printer's row; a read cut short gets a second line with the reason
 * (a cut table must not look complete). */
static void print_row(FILE *out, const struct pp_printer *p) {
  if (!p->reachable) {
    fprintf(out, "%-22s %-16s %-8s %s\n", p->address, "-", "DOWN", p->error);
    return;
  }
  char pages[24] = "-", supplies[512], errors[256];
  char name[17], model[29], serial[17];
  if (p->counters.total != PP_COUNT_UNKNOWN)
    snprintf(pages, sizeof(pages), "%" PRIu64, p->counters.total);
  supply_summary(p, supplies, sizeof(supplies));
  error_summary(p, errors, sizeof(errors));
  const char *state = pp_printer_status_name(p->status.printer);
  char mono[24], colour[24];
  fprintf(out, "%-22s %-16s %-8.8s %-28s %-16s %10s %10s %10s  %-20s %s\n",
          p->address, column_text(p->name, name, 16), state ? state : "?",
          column_text(p->model, model, 28), column_text(p->serial, serial, 16),
          pages, meter_cell(p, "mono", mono, sizeof(mono)),
          meter_cell(p, "colour", colour, sizeof(colour)),
          errors[0] ? errors : "-", supplies);
  char trays[512];
  tray_summary(p, trays, sizeof(trays));
  if (trays[0] != '\0')
    fprintf(out, "%-22s trays: %s\n", "", trays);
  const char *partial = pp_printer_partial(p);
  if (partial != NULL)
    fprintf(out, "%-22s read incomplete: %s\n", "", partial);
}

/* The report is written in the targets' order while printers finish: a
 * finished printer's part waits as text until every printer before it is
 * written; past WAITING_MEMORY of waiting text, in a temporary file, so ten
 * thousand printers' results are never held in memory at once. */
#define WAITING_MEMORY (1024u * 1024)

struct scan_output {
  const struct cli *cli;
  struct pp_ordered *parts;
  size_t count;
  size_t answered;
  size_t partial;
  int err; /* the first part that could not be made or written */
};

/* Largest part one printer may make (a printer with hundreds of supplies
 * and alerts stays far below it). */
#define PART_LIMIT (4u * 1024 * 1024)

static int render_table_row(const struct pp_printer *p, struct pp_buf *out) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (f == NULL)
    return -ENOMEM;
  print_row(f, p);
  int err = fclose(f) == 0 ? pp_buf_add(out, text, len) : -ENOMEM;
  free(text);
  return err;
}

static int render_part(const struct cli *cli, const struct pp_printer *p,
                       struct pp_buf *out) {
  switch (cli->format) {
  case OUT_TABLE:
    return render_table_row(p, out);
  case OUT_JSON:
    return pp_report_json_printer(p, out);
  case OUT_CSV_SUPPLIES:
    return pp_report_csv_rows(PP_CSV_SUPPLIES, p, out);
  case OUT_CSV_TRAYS:
    return pp_report_csv_rows(PP_CSV_TRAYS, p, out);
  case OUT_CSV_COUNTERS:
    break;
  }
  return pp_report_csv_rows(PP_CSV_COUNTERS, p, out);
}

static void take_printer(size_t index, struct pp_printer *p, void *user_data) {
  struct scan_output *so = user_data;
  so->answered += p->reachable;
  so->partial += pp_printer_partial(p) != NULL;
  struct pp_buf part;
  pp_buf_init(&part, PART_LIMIT);
  int err = render_part(so->cli, p, &part);
  size_t len = part.len;
  char *text = err == 0 ? pp_buf_take(&part) : NULL;
  pp_buf_free(&part);
  char *fitted = text ? realloc(text, len + 1) : NULL; /* it may wait */
  if (fitted != NULL)
    text = fitted;
  if (text == NULL) {
    if (so->err == 0)
      so->err = err ? err : -ENOMEM;
    text = strdup(""); /* the rest is still written in order */
    len = 0;
  }
  err = text ? pp_ordered_put(so->parts, index, text, len) : -ENOMEM;
  if (err != 0 && so->err == 0)
    so->err = err;
}

static void write_head(const struct cli *cli) {
  struct pp_buf head;
  pp_buf_init(&head, 4096);
  int err = 0;
  switch (cli->format) {
  case OUT_TABLE:
    printf("%-22s %-16s %-8s %-28s %-16s %10s %10s %10s  %-20s %s\n", "ADDRESS",
           "NAME", "STATE", "MODEL", "SERIAL", "PAGES", "MONO", "COLOUR",
           "ERRORS", "SUPPLIES");
    break;
  case OUT_JSON:
    fputs("{\"printers\":[", stdout);
    break;
  case OUT_CSV_SUPPLIES:
    err = pp_report_csv_header(PP_CSV_SUPPLIES, &head);
    break;
  case OUT_CSV_TRAYS:
    err = pp_report_csv_header(PP_CSV_TRAYS, &head);
    break;
  case OUT_CSV_COUNTERS:
    err = pp_report_csv_header(PP_CSV_COUNTERS, &head);
    break;
  }
  if (err == 0 && head.data != NULL)
    fputs(head.data, stdout);
  pp_buf_free(&head);
}

static void write_tail(const struct scan_output *so) {
  if (so->cli->format == OUT_JSON) {
    fputs("\n]}\n", stdout);
  } else if (so->cli->format == OUT_TABLE) {
    printf("%zu printers, %zu answered, %zu did not", so->count, so->answered,
           so->count - so->answered);
    if (so->partial > 0)
      printf(", %zu read incomplete", so->partial);
    printf("\n");
  }
}

static int run_scan(struct cli *cli) {
  size_t count = cli->targets.count;
  struct scan_output so = {.cli = cli, .count = count};
  bool json = cli->format == OUT_JSON;
  so.parts = pp_ordered_new(count, WAITING_MEMORY, stdout, json ? "\n" : NULL,
                            json ? ",\n" : NULL);
  if (so.parts == NULL) {
    fprintf(stderr, "printprobe: out of memory for %zu printers\n", count);
    return EXIT_USAGE;
  }
  if (cli->progress)
    cli->engine.on_done = show_progress;
  cli->engine.on_printer = take_printer;
  cli->engine.user_data = &so;
  write_head(cli);
  int err = pp_poll(cli->targets.items, count, pp_profiles, &cli->engine, NULL);
  int status = EXIT_USAGE;
  if (err != 0) {
    fprintf(stderr, "printprobe: polling failed: %s\n", strerror(-err));
  } else if (so.err != 0) {
    fprintf(stderr, "printprobe: cannot build the report: %s\n",
            strerror(-so.err));
  } else {
    write_tail(&so);
    status = so.answered == count ? EXIT_ALL_ANSWERED : EXIT_SOME_SILENT;
  }
  pp_log(PP_LOG_DEBUG, "report: %zu of %zu parts waited in a temporary file",
         pp_ordered_spilled(so.parts), count);
  pp_ordered_free(so.parts);
  return status;
}

/* stdout is buffered: a full disk or a closed pipe shows only when it is
 * flushed and closed. A report cut short must not exit 0. */
static int close_stdout(int status) {
  bool failed = ferror(stdout) != 0;
  if (fclose(stdout) != 0)
    failed = true;
  if (!failed)
    return status;
  int e = errno;
  fprintf(stderr, "printprobe: cannot write the output: %s\n",
          e != 0 ? strerror(e) : "write error");
  return EXIT_USAGE;
}

static int run(int argc, char **argv) {
  struct cli cli = {.format = OUT_TABLE};
  pp_snmp_opts_default(&cli.snmp);
  pp_engine_opts_default(&cli.engine);
  if (argc >= 2 &&
      (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    usage_long();
    return EXIT_ALL_ANSWERED;
  }
  if (argc >= 2 &&
      (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
    printf("printprobe %s\n", PP_VERSION);
    return EXIT_ALL_ANSWERED;
  }
  if (argc >= 2 && strcmp(argv[1], "ingest") == 0)
    return pp_cmd_ingest(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "meters") == 0)
    return pp_cmd_meters(argc - 1, argv + 1);
  if (argc < 2 || strcmp(argv[1], "scan") != 0) {
    if (argc >= 2)
      fprintf(stderr, "printprobe: unknown command \"%s\"\n", argv[1]);
    usage_short(stderr);
    return EXIT_USAGE;
  }
  int status = EXIT_USAGE;
  /* Reading the options may warn already (a secret file open to others). */
  pp_log_set_sink(log_to_stderr, NULL, PP_LOG_WARNING);
  if (parse_args(&cli, argc - 1, argv + 1) == 0) {
    pp_log_set_sink(log_to_stderr, NULL,
                    cli.verbosity >= 2   ? PP_LOG_DEBUG
                    : cli.verbosity == 1 ? PP_LOG_INFO
                                         : PP_LOG_WARNING);
    cli.progress = isatty(STDERR_FILENO) && cli.targets.count > 1;
    status = run_scan(&cli);
  }
  pp_targets_free(&cli.targets);
  explicit_bzero(&cli.snmp, sizeof(cli.snmp)); /* its secrets */
  return status;
}

int main(int argc, char **argv) {
  int status = run(argc, argv);
  errno = 0;
  return close_stdout(status);
}
