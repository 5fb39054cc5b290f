/* SPDX-License-Identifier: MIT */
#include "pp_db.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pp_policy.h"
#include "pp_str.h"

#define NUM_MAX 24
#define TIME_MAX 24
#define SQL_MAX 1024
/* Every error bit's name, with a space between. */
#define ERRORS_MAX 320

/* --- small helpers --- */

static int exec(struct pp_db *db, const char *sql, const char *const *params,
                int n, pp_db_row_fn fn, void *ctx, char *err, size_t errlen) {
  return db->backend->exec(db->conn, sql, params, n, fn, ctx, err, errlen);
}

int pp_db_exec(struct pp_db *db, const char *sql, const char *const *params,
               int n, pp_db_row_fn fn, void *ctx, char *err, size_t errlen) {
  return exec(db, sql, params, n, fn, ctx, err, errlen);
}

static int exec0(struct pp_db *db, const char *sql, char *err, size_t errlen) {
  return exec(db, sql, NULL, 0, NULL, NULL, err, errlen);
}

/* Empty text is SQL NULL: "no serial" must not match another "no
 * serial". */
static const char *text_or_null(const char *s) {
  return s != NULL && s[0] != '\0' ? s : NULL;
}

static const char *int_text(int64_t v, char *buf) {
  if (v == PP_UNKNOWN)
    return NULL;
  snprintf(buf, NUM_MAX, "%" PRId64, v);
  return buf;
}

/* Counters are unsigned 64-bit; SQL's BIGINT is signed. A counter past
 * 2^63 is no page count. */
static const char *count_text(uint64_t v, char *buf) {
  if (v == PP_COUNT_UNKNOWN || v > (uint64_t)INT64_MAX)
    return NULL;
  snprintf(buf, NUM_MAX, "%" PRIu64, v);
  return buf;
}

/* ISO 8601 UTC: sorts as text, the same in every backend. */
static void iso_time(int64_t t, char *out) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(out, TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A row callback keeping the first column of the first row. */
struct first_value {
  char text[PP_INGEST_SIG_HEX + 8];
  bool found;
};

static int keep_first(const char *const *values, int count, void *ctx) {
  struct first_value *f = ctx;
  if (count > 0 && !f->found) {
    pp_strlcpy(f->text, values[0] ? values[0] : "", sizeof(f->text));
    f->found = true;
  }
  return 0;
}

/* --- migrations --- */

/* Migration 1: the schema. "%1$s" is the backend's auto-numbered key. */
static const char *const migration_1[] = {
    "CREATE TABLE sites (id %1$s, name TEXT NOT NULL UNIQUE, "
    "key_id TEXT NOT NULL)",
    "CREATE TABLE messages (message_id TEXT PRIMARY KEY, "
    "signature TEXT NOT NULL, site_id BIGINT NOT NULL REFERENCES sites(id), "
    "sent_at TEXT NOT NULL, stored_at TEXT NOT NULL, "
    "printers INTEGER NOT NULL)",
    "CREATE TABLE printers (id %1$s, identity TEXT NOT NULL UNIQUE, "
    "serial TEXT, site_id BIGINT NOT NULL REFERENCES sites(id), "
    "address TEXT NOT NULL, manufacturer TEXT, model TEXT, name TEXT)",
    "CREATE TABLE readings (id %1$s, "
    "printer_id BIGINT NOT NULL REFERENCES printers(id), "
    "message_id TEXT NOT NULL REFERENCES messages(message_id), "
    "read_at TEXT NOT NULL, reachable INTEGER NOT NULL, state TEXT, "
    "error TEXT)",
    "CREATE INDEX readings_by_printer ON readings (printer_id, read_at)",
    "CREATE INDEX readings_by_time ON readings (read_at)",
    "CREATE TABLE counters (reading_id BIGINT NOT NULL REFERENCES "
    "readings(id), name TEXT NOT NULL, value BIGINT NOT NULL, "
    "PRIMARY KEY (reading_id, name))",
    "CREATE TABLE supplies (reading_id BIGINT NOT NULL REFERENCES "
    "readings(id), name TEXT NOT NULL, description TEXT, type TEXT, "
    "colour TEXT, level BIGINT, max BIGINT, percent INTEGER, state TEXT, "
    "severity TEXT)",
    "CREATE TABLE alerts (reading_id BIGINT NOT NULL REFERENCES "
    "readings(id), severity TEXT, alert_group TEXT, code INTEGER, "
    "description TEXT)",
    NULL,
};

/* Migration 2: the active hrPrinterDetectedErrorState bits of a reading
 * ("jammed doorOpen"), the reason a printer is in error that no alert row
 * may give. */
static const char *const migration_2[] = {
    "ALTER TABLE readings ADD COLUMN errors TEXT",
    NULL,
};

static const char *const *const migrations[] = {migration_1, migration_2};
#define MIGRATION_COUNT (int)(sizeof(migrations) / sizeof(migrations[0]))

int pp_db_schema_version(struct pp_db *db, int *version, char *err,
                         size_t errlen) {
  struct first_value v = {0};
  PP_TRY(exec(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL,
              0, keep_first, &v, err, errlen));
  *version = v.found ? atoi(v.text) : 0;
  return 0;
}

static int apply_migration(struct pp_db *db, int number, char *err,
                           size_t errlen) {
  const char *const *steps = migrations[number - 1];
  char sql[SQL_MAX];
  for (size_t i = 0; steps[i] != NULL; i++) {
    snprintf(sql, sizeof(sql), steps[i], db->backend->id_column);
    PP_TRY(exec0(db, sql, err, errlen));
  }
  char num[NUM_MAX];
  char now[TIME_MAX];
  iso_time((int64_t)time(NULL), now);
  const char *params[] = {int_text(number, num), now};
  return exec(db,
              "INSERT INTO schema_version (version, applied_at) "
              "VALUES (CAST($1 AS INTEGER), $2)",
              params, 2, NULL, NULL, err, errlen);
}

/* Each migration in a transaction of its own, with its number: a crash
 * leaves the schema at one version, never between two. Two processes
 * starting at once take turns (the backend's lock), so each migration
 * runs once. */
static int migrate_step(struct pp_db *db, int number, char *err,
                        size_t errlen) {
  const char *lock = db->backend->migration_lock;
  int version = 0;
  PP_TRY(lock != NULL ? exec0(db, lock, err, errlen) : 0);
  PP_TRY(exec0(db,
               "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER "
               "PRIMARY KEY, applied_at TEXT NOT NULL)",
               err, errlen));
  PP_TRY(pp_db_schema_version(db, &version, err, errlen));
  return version < number ? apply_migration(db, number, err, errlen) : 0;
}

static int migrate(struct pp_db *db, char *err, size_t errlen) {
  for (int number = 1; number <= MIGRATION_COUNT; number++) {
    PP_TRY(exec0(db, db->backend->begin, err, errlen));
    int rc = migrate_step(db, number, err, errlen);
    if (rc == 0)
      rc = exec0(db, "COMMIT", err, errlen);
    if (rc != 0) {
      char ignored[64];
      exec0(db, "ROLLBACK", ignored, sizeof(ignored));
      return rc;
    }
  }
  return 0;
}

int pp_db_open(const char *spec, struct pp_db *out, char *err, size_t errlen) {
  *out = (struct pp_db){0};
  bool pg = strncmp(spec, "postgresql://", 13) == 0 ||
            strncmp(spec, "postgres://", 11) == 0;
  int rc = pg ? pp_db_pg_open(spec, out, err, errlen)
              : pp_db_sqlite_open(spec, out, err, errlen);
  if (rc == 0)
    rc = migrate(out, err, errlen);
  if (rc != 0)
    pp_db_close(out);
  return rc;
}

void pp_db_close(struct pp_db *db) {
  if (db->conn != NULL)
    db->backend->close(db->conn);
  db->conn = NULL;
}

/* --- storing a report --- */

struct store_ctx {
  struct pp_db *db;
  const struct pp_ingest_report *report;
  char site_id[NUM_MAX];
  char sent_at[TIME_MAX]; /* the Date header */
  char *err;
  size_t errlen;
};

/* INSERT ... RETURNING id: the new row's id into id. */
static int insert_id(struct store_ctx *s, const char *sql,
                     const char *const *params, int n, char *id) {
  struct first_value v = {0};
  PP_TRY(exec(s->db, sql, params, n, keep_first, &v, s->err, s->errlen));
  if (!v.found) {
    snprintf(s->err, s->errlen, "no id returned by \"%.40s\"", sql);
    return -EIO;
  }
  pp_strlcpy(id, v.text, NUM_MAX);
  return 0;
}

static int store_site(struct store_ctx *s) {
  const char *params[] = {s->report->site, s->report->key_id};
  return insert_id(s,
                   "INSERT INTO sites (name, key_id) VALUES ($1, $2) "
                   "ON CONFLICT (name) DO UPDATE SET key_id = excluded.key_id "
                   "RETURNING id",
                   params, 2, s->site_id);
}

static int store_message(struct store_ctx *s) {
  char now[TIME_MAX];
  char count[NUM_MAX];
  iso_time((int64_t)time(NULL), now);
  const char *params[] = {s->report->message_id,
                          s->report->signature,
                          s->site_id,
                          s->sent_at,
                          now,
                          int_text((int64_t)s->report->count, count)};
  return exec(s->db,
              "INSERT INTO messages (message_id, signature, site_id, sent_at, "
              "stored_at, printers) VALUES ($1, $2, CAST($3 AS BIGINT), $4, "
              "$5, CAST($6 AS INTEGER))",
              params, 6, NULL, NULL, s->err, s->errlen);
}

/* A printer is its serial; without one (not read, or a placeholder the
 * parser dropped) it is its address at its site. */
static void printer_identity(const struct store_ctx *s,
                             const struct pp_printer *p, char *out,
                             size_t outlen) {
  if (p->serial[0] != '\0')
    snprintf(out, outlen, "serial:%s", p->serial);
  else
    snprintf(out, outlen, "address:%s/%s", s->report->site, p->address);
}

static int store_printer(struct store_ctx *s, const struct pp_printer *p,
                         char *printer_id) {
  char identity[512];
  printer_identity(s, p, identity, sizeof(identity));
  const char *params[] = {identity,
                          text_or_null(p->serial),
                          s->site_id,
                          p->address,
                          text_or_null(p->manufacturer),
                          text_or_null(p->model),
                          text_or_null(p->name)};
  /* What a silent printer did not say keeps what it said before. */
  return insert_id(
      s,
      "INSERT INTO printers (identity, serial, site_id, address, "
      "manufacturer, model, name) VALUES ($1, $2, CAST($3 AS BIGINT), $4, $5, "
      "$6, $7) ON CONFLICT (identity) DO UPDATE SET site_id = "
      "excluded.site_id, address = excluded.address, manufacturer = "
      "COALESCE(excluded.manufacturer, printers.manufacturer), model = "
      "COALESCE(excluded.model, printers.model), name = "
      "COALESCE(excluded.name, printers.name) RETURNING id",
      params, 7, printer_id);
}

/* When the printer was read: its counters' read_at (a printer that did not
 * answer keeps the time of its last reading there), else, in a report
 * that does not say, the report's Date. */
static void reading_time(const struct store_ctx *s, const struct pp_printer *p,
                         char *out) {
  if (p->counters.read_at != 0)
    iso_time(p->counters.read_at, out);
  else
    pp_strlcpy(out, s->sent_at, TIME_MAX);
}

/* The active error bits by their RFC 3805 names, space-separated; NULL
 * when none (or not read). */
static const char *active_errors(const struct pp_printer *p, char *out,
                                 size_t outlen) {
  uint32_t bits = pp_policy_active_errors(p);
  size_t used = 0;
  out[0] = '\0';
  for (unsigned bit = 0; bit < PP_ERR_BIT_COUNT; bit++) {
    if ((bits & (1u << bit)) == 0)
      continue;
    int n = snprintf(out + used, outlen - used, "%s%s", used ? " " : "",
                     pp_error_bit_name(bit));
    if (n < 0 || (size_t)n >= outlen - used)
      break;
    used += (size_t)n;
  }
  return used > 0 ? out : NULL;
}

static int store_reading(struct store_ctx *s, const struct pp_printer *p,
                         const char *printer_id, char *reading_id) {
  const char *state =
      p->reachable ? pp_severity_name(pp_policy_printer_severity(p)) : NULL;
  char read_at[TIME_MAX];
  char errors[ERRORS_MAX];
  reading_time(s, p, read_at);
  const char *params[] = {
      printer_id,
      s->report->message_id,
      read_at,
      p->reachable ? "1" : "0",
      state,
      text_or_null(p->error),
      p->reachable ? active_errors(p, errors, sizeof(errors)) : NULL};
  return insert_id(s,
                   "INSERT INTO readings (printer_id, message_id, read_at, "
                   "reachable, state, error, errors) VALUES (CAST($1 AS "
                   "BIGINT), $2, $3, CAST($4 AS INTEGER), $5, $6, $7) "
                   "RETURNING id",
                   params, 7, reading_id);
}

static int store_counter(struct store_ctx *s, const char *reading_id,
                         const char *name, uint64_t value) {
  char num[NUM_MAX];
  const char *params[] = {reading_id, name, count_text(value, num)};
  if (params[2] == NULL)
    return 0; /* unread: no row, rather than a NULL to trip sums */
  return exec(s->db,
              "INSERT INTO counters (reading_id, name, value) VALUES "
              "(CAST($1 AS BIGINT), $2, CAST($3 AS BIGINT)) "
              "ON CONFLICT DO NOTHING",
              params, 3, NULL, NULL, s->err, s->errlen);
}

/* Every key of the report's counters object, by its name there. */
static int store_counters(struct store_ctx *s, const struct pp_printer *p,
                          const char *reading_id) {
  const struct pp_counters *c = &p->counters;
  PP_TRY(store_counter(s, reading_id, "total", c->total));
  PP_TRY(store_counter(s, reading_id, "power_on", c->power_on));
  for (size_t i = 0; i < c->vendor_count; i++)
    PP_TRY(store_counter(s, reading_id, c->vendor[i].name, c->vendor[i].value));
  return 0;
}

static int store_supply(struct store_ctx *s, const char *reading_id,
                        const struct pp_supply *sup, const char *name) {
  char level[NUM_MAX];
  char max[NUM_MAX];
  char percent[NUM_MAX];
  const char *params[] = {
      reading_id,
      name,
      sup->description,
      pp_supply_type_name(sup->type),
      text_or_null(sup->colour),
      int_text(sup->level, level),
      int_text(sup->max, max),
      sup->percent == PP_NO_PERCENT ? NULL : int_text(sup->percent, percent),
      pp_supply_state_name(sup->state),
      pp_severity_name(pp_policy_supply_severity(sup))};
  return exec(s->db,
              "INSERT INTO supplies (reading_id, name, description, type, "
              "colour, level, max, percent, state, severity) VALUES "
              "(CAST($1 AS BIGINT), $2, $3, $4, $5, CAST($6 AS BIGINT), "
              "CAST($7 AS BIGINT), CAST($8 AS INTEGER), $9, $10)",
              params, 10, NULL, NULL, s->err, s->errlen);
}

static int store_supplies(struct store_ctx *s, const struct pp_printer *p,
                          const char *reading_id) {
  char(*names)[PP_SUPPLY_NAME_MAX] =
      calloc(p->supply_count + 1, sizeof(*names));
  if (names == NULL)
    return -ENOMEM;
  pp_policy_supply_names(p, names);
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < p->supply_count; i++)
    rc = store_supply(s, reading_id, &p->supplies[i], names[i]);
  free(names);
  return rc;
}

static int store_alerts(struct store_ctx *s, const struct pp_printer *p,
                        const char *reading_id) {
  for (size_t i = 0; i < p->alert_count; i++) {
    const struct pp_alert *a = &p->alerts[i];
    char code[NUM_MAX];
    const char *params[] = {reading_id, pp_alert_severity_name(a->severity),
                            text_or_null(a->group), int_text(a->code, code),
                            a->description};
    PP_TRY(exec(s->db,
                "INSERT INTO alerts (reading_id, severity, alert_group, code, "
                "description) VALUES (CAST($1 AS BIGINT), $2, $3, "
                "CAST($4 AS INTEGER), $5)",
                params, 5, NULL, NULL, s->err, s->errlen));
  }
  return 0;
}

static int store_one_printer(struct store_ctx *s, const struct pp_printer *p) {
  char printer_id[NUM_MAX];
  char reading_id[NUM_MAX];
  PP_TRY(store_printer(s, p, printer_id));
  PP_TRY(store_reading(s, p, printer_id, reading_id));
  PP_TRY(store_counters(s, p, reading_id));
  PP_TRY(store_supplies(s, p, reading_id));
  return store_alerts(s, p, reading_id);
}

/* Whether this Message-ID is stored, and with which signature. */
static int stored_before(struct store_ctx *s, enum pp_db_stored *result,
                         bool *found) {
  struct first_value v = {0};
  const char *params[] = {s->report->message_id};
  PP_TRY(exec(s->db, "SELECT signature FROM messages WHERE message_id = $1",
              params, 1, keep_first, &v, s->err, s->errlen));
  *found = v.found;
  if (v.found)
    *result = strcmp(v.text, s->report->signature) == 0 ? PP_DB_ALREADY
                                                        : PP_DB_CONFLICT;
  return 0;
}

static int store_all(struct store_ctx *s, enum pp_db_stored *result) {
  bool found = false;
  PP_TRY(stored_before(s, result, &found));
  if (found)
    return 0;
  PP_TRY(store_site(s));
  PP_TRY(store_message(s));
  for (size_t i = 0; i < s->report->count; i++)
    PP_TRY(store_one_printer(s, &s->report->printers[i]));
  *result = PP_DB_STORED;
  return 0;
}

int pp_db_store(struct pp_db *db, const struct pp_ingest_report *report,
                enum pp_db_stored *result, char *err, size_t errlen) {
  struct store_ctx s = {
      .db = db, .report = report, .err = err, .errlen = errlen};
  iso_time(report->sent_at, s.sent_at);
  PP_TRY(exec0(db, db->backend->begin, err, errlen));
  int rc = store_all(&s, result);
  /* A copy changes nothing: roll back rather than commit an empty write. */
  if (rc == 0 && *result == PP_DB_STORED)
    rc = exec0(db, "COMMIT", err, errlen);
  if (rc != 0 || *result != PP_DB_STORED) {
    char ignored[64];
    exec0(db, "ROLLBACK", ignored, sizeof(ignored));
  }
  return rc;
}
