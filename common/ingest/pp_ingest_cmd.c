/* SPDX-License-Identifier: MIT */
#include "pp_ingest_cmd.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pp_db.h"
#include "pp_imap.h"
#include "pp_ingest.h"
#include "pp_maildir.h"
#include "pp_str.h"

#define ERR_MAX (PATH_MAX + 512)

struct ingest_args {
  const char *maildir;
  const char *imap;
  const char *imap_user;
  const char *imap_password_file;
  const char *imap_ca_file;
  const char *db;
  const char *trusted_keys;
};

enum outcome { STORED, ALREADY, QUARANTINED, NOT_NOW, DB_DOWN };

struct ingest_run {
  struct pp_maildir maildir;
  struct pp_imap *imap;
  struct pp_source source;
  struct pp_db db;
  struct pp_trusted_keys keys;
  size_t counts[DB_DOWN + 1];
};

static void ingest_usage(FILE *out) {
  fputs("Usage: printprobe ingest (--maildir DIR | --imap URL --imap-user U "
        "--imap-password-file F) --db DB --trusted-keys DIR\n"
        "Try 'printprobe --help' for more information.\n",
        out);
}

static int parse_ingest_args(int argc, char **argv, struct ingest_args *a) {
  static const struct option options[] = {
      {"maildir", required_argument, NULL, 'm'},
      {"imap", required_argument, NULL, 'i'},
      {"imap-user", required_argument, NULL, 'u'},
      {"imap-password-file", required_argument, NULL, 'p'},
      {"imap-ca-file", required_argument, NULL, 'c'},
      {"db", required_argument, NULL, 'D'},
      {"trusted-keys", required_argument, NULL, 'k'},
      {NULL, 0, NULL, 0},
  };
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
    if (opt == 'm')
      a->maildir = optarg;
    else if (opt == 'i')
      a->imap = optarg;
    else if (opt == 'u')
      a->imap_user = optarg;
    else if (opt == 'p')
      a->imap_password_file = optarg;
    else if (opt == 'c')
      a->imap_ca_file = optarg;
    else if (opt == 'D')
      a->db = optarg;
    else if (opt == 'k')
      a->trusted_keys = optarg;
    else
      return -1;
  }
  if ((a->maildir == NULL) == (a->imap == NULL)) {
    fprintf(stderr, "printprobe ingest: one of --maildir or --imap\n");
    return -1;
  }
  const char *missing =
      a->db == NULL                               ? "--db"
      : a->trusted_keys == NULL                   ? "--trusted-keys"
      : a->imap != NULL && a->imap_user == NULL   ? "--imap-user"
      : a->imap != NULL && !a->imap_password_file ? "--imap-password-file"
                                                  : NULL;
  if (missing != NULL || optind != argc) {
    if (missing != NULL)
      fprintf(stderr, "printprobe ingest: %s is required\n", missing);
    else
      fprintf(stderr, "printprobe ingest: unexpected \"%s\"\n", argv[optind]);
    return -1;
  }
  return 0;
}

static const char *source_error(const struct pp_source *src, int rc) {
  const char *said = src->last_error ? src->last_error(src->ctx) : NULL;
  return said != NULL && said[0] != '\0' ? said : strerror(-rc);
}

static enum outcome quarantine(struct ingest_run *run, const char *name,
                               const char *message_id, const char *reason) {
  const struct pp_source *src = &run->source;
  int rc = src->quarantine(src->ctx, name, message_id, reason);
  if (rc != 0) {
    fprintf(stderr,
            "printprobe ingest: %s%s %s: must be quarantined (%s) but "
            "cannot be moved: %s; left for the next run\n",
            src->where, name, message_id, reason, source_error(src, rc));
    return NOT_NOW;
  }
  fprintf(stderr, "printprobe ingest: %s%s %s: QUARANTINED: %s\n", src->where,
          name, message_id, reason);
  return QUARANTINED;
}

/* Stored (now or before): marked as handled in its source (Maildir cur/,
 * the IMAP folder Stored), so that no run offers it again. */
static enum outcome acknowledge(struct ingest_run *run, const char *name,
                                const struct pp_ingest_report *r,
                                enum pp_db_stored stored) {
  const struct pp_source *src = &run->source;
  int rc = src->acknowledge(src->ctx, name);
  if (rc != 0) {
    fprintf(stderr,
            "printprobe ingest: %s%s %s: stored, but cannot be marked as "
            "read: %s (the next run acknowledges it)\n",
            src->where, name, r->message_id, source_error(src, rc));
    return NOT_NOW;
  }
  if (stored == PP_DB_STORED)
    fprintf(stderr,
            "printprobe ingest: %s%s %s: stored (site %s, %zu printers)\n",
            src->where, name, r->message_id, r->site, r->count);
  else
    fprintf(stderr,
            "printprobe ingest: %s%s %s: already stored, not stored "
            "again\n",
            src->where, name, r->message_id);
  return stored == PP_DB_STORED ? STORED : ALREADY;
}

static enum outcome store(struct ingest_run *run, const char *name,
                          const struct pp_ingest_report *r) {
  enum pp_db_stored stored = PP_DB_STORED;
  char err[ERR_MAX];
  int rc = pp_db_store(&run->db, r, &stored, err, sizeof(err));
  if (rc != 0) {
    fprintf(stderr,
            "printprobe ingest: %s%s %s: not stored now: %s; left for the "
            "next run\n",
            run->source.where, name, r->message_id, err);
    return rc == -EAGAIN ? DB_DOWN : NOT_NOW;
  }
  if (stored == PP_DB_CONFLICT)
    return quarantine(run, name, r->message_id,
                      "this Message-ID is stored already with another "
                      "signature (a replay or a forgery)");
  return acknowledge(run, name, r, stored);
}

static enum outcome ingest_one(struct ingest_run *run, const char *name) {
  const struct pp_source *src = &run->source;
  size_t size = 0;
  int rc = src->size(src->ctx, name, &size);
  if (rc == 0 && size > PP_INGEST_MAX_MESSAGE) {
    char reason[128];
    snprintf(reason, sizeof(reason),
             "message of %zu bytes, larger than any report (%u)", size,
             PP_INGEST_MAX_MESSAGE);
    return quarantine(run, name, "(not read)", reason);
  }
  struct pp_buf data;
  if (rc == 0)
    rc = src->read(src->ctx, name, PP_INGEST_MAX_MESSAGE, &data);
  if (rc != 0) {
    fprintf(stderr, "printprobe ingest: %s%s: cannot read: %s\n", src->where,
            name, source_error(src, rc));
    return NOT_NOW;
  }
  struct pp_ingest_report report;
  char reason[512];
  rc = pp_ingest_message(data.data, data.len, &run->keys, &report, reason,
                         sizeof(reason));
  pp_buf_free(&data);
  enum outcome out;
  if (rc == -EBADMSG)
    out = quarantine(run, name,
                     report.message_id[0] ? report.message_id : "(no id)",
                     reason);
  else if (rc != 0) {
    fprintf(stderr, "printprobe ingest: %s%s: cannot be read now: %s\n",
            src->where, name, strerror(-rc));
    out = NOT_NOW;
  } else
    out = store(run, name, &report);
  pp_ingest_report_free(&report);
  return out;
}

static int ingest_all(struct ingest_run *run) {
  struct pp_name_list names;
  int rc = run->source.list(run->source.ctx, &names);
  if (rc != 0) {
    fprintf(stderr, "printprobe ingest: cannot list the messages: %s\n",
            source_error(&run->source, rc));
    return PP_INGEST_EXIT_RETRY;
  }
  size_t i = 0;
  for (; i < names.count; i++) {
    enum outcome out = ingest_one(run, names.names[i]);
    run->counts[out]++;
    /* The others would fail alike: leave them, unread, for the retry. */
    if (out == DB_DOWN)
      break;
  }
  size_t left = names.count - i - (i < names.count ? 1 : 0);
  fprintf(stderr,
          "printprobe ingest: %zu stored, %zu already stored, %zu "
          "quarantined, %zu left for the next run\n",
          run->counts[STORED], run->counts[ALREADY], run->counts[QUARANTINED],
          run->counts[NOT_NOW] + run->counts[DB_DOWN] + left);
  pp_name_list_free(&names);
  return run->counts[NOT_NOW] + run->counts[DB_DOWN] + left > 0
             ? PP_INGEST_EXIT_RETRY
             : PP_INGEST_EXIT_DONE;
}

static int open_source(struct ingest_run *run, const struct ingest_args *a) {
  char err[ERR_MAX] = "";
  if (a->maildir != NULL) {
    if (pp_maildir_open(a->maildir, &run->maildir, err, sizeof(err)) != 0) {
      fprintf(stderr, "printprobe ingest: --maildir: %s\n", err);
      return -1;
    }
    pp_maildir_source(&run->maildir, &run->source);
    return 0;
  }
  int rc = pp_imap_open(a->imap, a->imap_user, a->imap_password_file,
                        a->imap_ca_file, &run->imap, err, sizeof(err));
  if (rc != 0) {
    fprintf(stderr, "printprobe ingest: --imap: %s\n",
            err[0] ? err : strerror(-rc));
    return -1;
  }
  pp_imap_source(run->imap, &run->source);
  return 0;
}

static int ingest_open(struct ingest_run *run, const struct ingest_args *a) {
  char err[ERR_MAX];
  if (pp_trusted_keys_load(a->trusted_keys, &run->keys, err, sizeof(err))) {
    fprintf(stderr, "printprobe ingest: --trusted-keys: %s\n", err);
    return PP_INGEST_EXIT_USAGE;
  }
  if (open_source(run, a) != 0)
    return PP_INGEST_EXIT_USAGE;
  int rc = pp_db_open(a->db, &run->db, err, sizeof(err));
  if (rc != 0) {
    fprintf(stderr,
            "printprobe ingest: --db: %s; nothing read, nothing moved\n", err);
    return rc == -EAGAIN || rc == -EIO ? PP_INGEST_EXIT_RETRY
                                       : PP_INGEST_EXIT_USAGE;
  }
  return PP_INGEST_EXIT_DONE;
}

int pp_cmd_ingest(int argc, char **argv) {
  struct ingest_args args = {0};
  if (parse_ingest_args(argc, argv, &args) != 0) {
    ingest_usage(stderr);
    return PP_INGEST_EXIT_USAGE;
  }
  pp_ingest_init();
  struct ingest_run run = {0};
  int status = ingest_open(&run, &args);
  if (status == PP_INGEST_EXIT_DONE)
    status = ingest_all(&run);
  pp_db_close(&run.db);
  pp_imap_close(run.imap);
  pp_trusted_keys_free(&run.keys);
  return status;
}

/* --- meters --- */

struct meters_args {
  const char *db;
  const char *from;
  const char *to;
  const char *site;
};

static void meters_usage(FILE *out) {
  fputs("Usage: printprobe meters --db DB --from YYYY-MM-DD --to YYYY-MM-DD "
        "[--site SITE]\n"
        "Try 'printprobe --help' for more information.\n",
        out);
}

/* A calendar day "YYYY-MM-DD" as the epoch second it starts (UTC). */
static int parse_day(const char *option, const char *text, time_t *out) {
  int y;
  int m;
  int d;
  char end;
  struct tm tm = {0};
  if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &end) == 3 &&
      strlen(text) == 10 && y >= 1970 && m >= 1 && m <= 12 && d >= 1 &&
      d <= 31) {
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    *out = timegm(&tm);
    /* timegm normalises 2026-02-30 to March: such a day does not exist. */
    if (tm.tm_mday == d && tm.tm_mon == m - 1)
      return 0;
  }
  fprintf(stderr, "printprobe meters: %s \"%s\" is not a day (YYYY-MM-DD)\n",
          option, text);
  return -1;
}

static void iso_day_start(time_t t, char *out, size_t outlen) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int parse_meters_args(int argc, char **argv, struct meters_args *a) {
  static const struct option options[] = {
      {"db", required_argument, NULL, 'D'},
      {"from", required_argument, NULL, 'f'},
      {"to", required_argument, NULL, 't'},
      {"site", required_argument, NULL, 's'},
      {NULL, 0, NULL, 0},
  };
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
    if (opt == 'D')
      a->db = optarg;
    else if (opt == 'f')
      a->from = optarg;
    else if (opt == 't')
      a->to = optarg;
    else if (opt == 's')
      a->site = optarg;
    else
      return -1;
  }
  const char *missing = a->db == NULL     ? "--db"
                        : a->from == NULL ? "--from"
                        : a->to == NULL   ? "--to"
                                          : NULL;
  if (missing != NULL)
    fprintf(stderr, "printprobe meters: %s is required\n", missing);
  else if (optind != argc)
    fprintf(stderr, "printprobe meters: unexpected \"%s\"\n", argv[optind]);
  return missing != NULL || optind != argc ? -1 : 0;
}

int pp_cmd_meters(int argc, char **argv) {
  struct meters_args args = {0};
  time_t from;
  time_t to;
  if (parse_meters_args(argc, argv, &args) != 0 ||
      parse_day("--from", args.from, &from) != 0 ||
      parse_day("--to", args.to, &to) != 0) {
    meters_usage(stderr);
    return PP_INGEST_EXIT_USAGE;
  }
  if (to < from) {
    fprintf(stderr, "printprobe meters: --to %s is before --from %s\n", args.to,
            args.from);
    return PP_INGEST_EXIT_USAGE;
  }
  char from_text[32];
  char to_text[32];
  iso_day_start(from, from_text, sizeof(from_text));
  iso_day_start(to + 86400, to_text, sizeof(to_text)); /* --to included */
  struct pp_db db;
  char err[ERR_MAX];
  /* Reading must not make an empty database where a path was mistyped. */
  if (strstr(args.db, "://") == NULL && access(args.db, F_OK) != 0) {
    fprintf(stderr, "printprobe meters: --db: %s: %s\n", args.db,
            strerror(errno));
    return PP_INGEST_EXIT_RETRY;
  }
  int rc = pp_db_open(args.db, &db, err, sizeof(err));
  if (rc == 0) {
    struct pp_meters_query q = {from_text, to_text, args.site};
    rc = pp_db_meters(&db, &q, stdout, err, sizeof(err));
    pp_db_close(&db);
  }
  if (rc != 0) {
    fprintf(stderr, "printprobe meters: --db: %s\n", err);
    return PP_INGEST_EXIT_RETRY;
  }
  return PP_INGEST_EXIT_DONE;
}
