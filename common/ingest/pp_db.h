/* SPDX-License-Identifier: MIT */
/* The vendor's database: sites, printers (by serial, else by site and
 * address), readings with every counter, the time the printer was read
 * (its counters.read_at, else the report's Date) and its active error
 * bits, supplies with the policy's severity, alerts, and the messages
 * stored (for exactly once, with the Date they were sent). One schema, brought
 * up to date by numbered migrations recorded in schema_version.
 *
 * SQLite for a file name, PostgreSQL for a postgresql:// URL. The logic is
 * written once over a backend that runs one SQL statement with text
 * parameters ($1, $2, ...) and hands back text rows: both engines speak
 * that, so the two cannot drift apart. */
#ifndef PP_DB_H
#define PP_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pp_ingest.h"

/* A row of text values (NULL for SQL NULL); return non-zero to stop. */
typedef int (*pp_db_row_fn)(const char *const *values, int count, void *ctx);

struct pp_db_backend {
  const char *name;
  const char *begin;     /* the statement that starts a write transaction */
  const char *id_column; /* DDL of an auto-numbered primary key */
  /* Run first in each migration's transaction (NULL: begin locks). */
  const char *migration_lock;
  /* Runs sql with n text parameters; rows go to fn (may be NULL). Returns
   * 0, or -EAGAIN when the database cannot be reached or is busy (try
   * later), or another negative errno; err says what. */
  int (*exec)(void *conn, const char *sql, const char *const *params, int n,
              pp_db_row_fn fn, void *ctx, char *err, size_t errlen);
  void (*close)(void *conn);
};

struct pp_db {
  const struct pp_db_backend *backend;
  void *conn;
};

/* Opens spec (a file name, or a postgresql:// URL) and applies missing
 * migrations. -EAGAIN when the database is down (the caller retries
 * later), another negative errno for a usage error. */
int pp_db_open(const char *spec, struct pp_db *out, char *err, size_t errlen);
void pp_db_close(struct pp_db *db);
/* The schema version in use (the number of the last migration). */
int pp_db_schema_version(struct pp_db *db, int *version, char *err,
                         size_t errlen);

enum pp_db_stored {
  PP_DB_STORED,   /* new, committed */
  PP_DB_ALREADY,  /* this Message-ID with this signature is stored */
  PP_DB_CONFLICT, /* this Message-ID is stored with another signature */
};

/* Stores one verified report in one transaction. */
int pp_db_store(struct pp_db *db, const struct pp_ingest_report *report,
                enum pp_db_stored *result, char *err, size_t errlen);

struct pp_meters_query {
  const char *from; /* first instant, "YYYY-MM-DDT00:00:00Z" */
  const char *to;   /* first instant after the period, the same form */
  const char *site; /* NULL: every site */
};

/* The meter CSV to out: one row per printer read in the period (its
 * reading's site is query->site, when given): serial, maker, model, site,
 * address, first and last read time, then per counter key K of the
 * report's counters object (total first, then by name; power_on is no
 * meter) K_first, K_last and K, the pages in the period; last
 * went_backwards names the counters that fell (a replaced board): their
 * pages add only the rises, never a negative step. */
int pp_db_meters(struct pp_db *db, const struct pp_meters_query *query,
                 FILE *out, char *err, size_t errlen);

/* One statement through the backend (see struct pp_db_backend). */
int pp_db_exec(struct pp_db *db, const char *sql, const char *const *params,
               int n, pp_db_row_fn fn, void *ctx, char *err, size_t errlen);

/* Backends. */
int pp_db_sqlite_open(const char *path, struct pp_db *out, char *err,
                      size_t errlen);
int pp_db_pg_open(const char *url, struct pp_db *out, char *err, size_t errlen);

#endif
