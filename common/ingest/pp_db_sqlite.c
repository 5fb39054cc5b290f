/* SPDX-License-Identifier: MIT */
/* The SQLite backend of pp_db. */
#include "pp_db.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* A second ingest (or a backup) holding the write lock is waited for this
 * long; then the message is left for the next run. */
#define BUSY_TIMEOUT_MS 3000
#define MAX_COLUMNS 64

/* Busy, locked, unreadable or full: the message is fine, the database is
 * not; try again later. */
static int errno_of(int code) {
  switch (code & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
  case SQLITE_CANTOPEN:
  case SQLITE_IOERR:
  case SQLITE_FULL:
  case SQLITE_READONLY:
  case SQLITE_PROTOCOL:
    return -EAGAIN;
  case SQLITE_NOMEM:
    return -ENOMEM;
  default:
    return -EIO;
  }
}

static int fail(sqlite3 *db, int code, const char *sql, char *err,
                size_t errlen) {
  snprintf(err, errlen, "sqlite: %s (in \"%.60s\")", sqlite3_errmsg(db), sql);
  return errno_of(code);
}

static int deliver_row(sqlite3_stmt *stmt, pp_db_row_fn fn, void *ctx) {
  int n = sqlite3_column_count(stmt);
  if (n > MAX_COLUMNS)
    n = MAX_COLUMNS;
  const char *values[MAX_COLUMNS];
  for (int i = 0; i < n; i++)
    values[i] = (const char *)sqlite3_column_text(stmt, i);
  return fn(values, n, ctx);
}

static int sqlite_exec(void *conn, const char *sql, const char *const *params,
                       int n, pp_db_row_fn fn, void *ctx, char *err,
                       size_t errlen) {
  sqlite3 *db = conn;
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return fail(db, rc, sql, err, errlen);
  for (int i = 0; rc == SQLITE_OK && i < n; i++)
    rc = params[i] != NULL
             ? sqlite3_bind_text(stmt, i + 1, params[i], -1, SQLITE_TRANSIENT)
             : sqlite3_bind_null(stmt, i + 1);
  int stopped = 0;
  while (rc == SQLITE_OK || rc == SQLITE_ROW) {
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && fn != NULL &&
        (stopped = deliver_row(stmt, fn, ctx)) != 0)
      break;
  }
  int result =
      rc == SQLITE_DONE || stopped ? 0 : fail(db, rc, sql, err, errlen);
  sqlite3_finalize(stmt);
  return stopped < 0 ? stopped : result;
}

static void sqlite_close(void *conn) { sqlite3_close(conn); }

static const struct pp_db_backend sqlite_backend = {
    .name = "sqlite",
    /* Takes the write lock now: two ingests never interleave. */
    .begin = "BEGIN IMMEDIATE",
    .id_column = "INTEGER PRIMARY KEY",
    .exec = sqlite_exec,
    .close = sqlite_close,
};

int pp_db_sqlite_open(const char *path, struct pp_db *out, char *err,
                      size_t errlen) {
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(
      path, &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "sqlite: cannot open %s: %s", path,
             db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return errno_of(rc);
  }
  sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
  *out = (struct pp_db){.backend = &sqlite_backend, .conn = db};
  int e = sqlite_exec(db, "PRAGMA foreign_keys = ON", NULL, 0, NULL, NULL, err,
                      errlen);
  if (e != 0) {
    sqlite3_close(db);
    out->conn = NULL;
  }
  return e;
}
