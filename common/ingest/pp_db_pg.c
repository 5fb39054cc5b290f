/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend of pp_db (libpq). Every statement goes with text
 * parameters (PQexecParams): values never become SQL text. */
#include "pp_db.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "pp_mail.h"

#define MAX_COLUMNS 64
/* A server that does not answer is given this long to connect. */
#define CONNECT_TIMEOUT_S "10"

/* SQLSTATE classes that say "not now" rather than "never": the
 * connection (08), a server shutting down (57P), too many connections or
 * no space (53), a serialization or deadlock retry (40). */
static bool transient(const char *sqlstate) {
  if (sqlstate == NULL)
    return true; /* no answer at all */
  return strncmp(sqlstate, "08", 2) == 0 || strncmp(sqlstate, "57P", 3) == 0 ||
         strncmp(sqlstate, "53", 2) == 0 || strncmp(sqlstate, "40", 2) == 0;
}

/* The first line of libpq's message: it may span several. */
static void first_line(const char *msg, char *out, size_t outlen) {
  snprintf(out, outlen, "%.*s", (int)strcspn(msg, "\n"), msg);
}

static int fail(PGconn *conn, PGresult *res, const char *sql, char *err,
                size_t errlen) {
  char line[256];
  first_line(res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(conn),
             line, sizeof(line));
  snprintf(err, errlen, "postgresql: %s (in \"%.60s\")", line, sql);
  const char *state =
      res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  return PQstatus(conn) != CONNECTION_OK || transient(state) ? -EAGAIN : -EIO;
}

static int deliver_rows(PGresult *res, pp_db_row_fn fn, void *ctx) {
  int columns = PQnfields(res);
  if (columns > MAX_COLUMNS)
    columns = MAX_COLUMNS;
  const char *values[MAX_COLUMNS];
  for (int row = 0; row < PQntuples(res); row++) {
    for (int c = 0; c < columns; c++)
      values[c] = PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c);
    int rc = fn(values, columns, ctx);
    if (rc != 0)
      return rc;
  }
  return 0;
}

static int pg_exec(void *conn, const char *sql, const char *const *params,
                   int n, pp_db_row_fn fn, void *ctx, char *err,
                   size_t errlen) {
  PGresult *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
  ExecStatusType status = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  int rc = 0;
  if (status == PGRES_TUPLES_OK && fn != NULL)
    rc = deliver_rows(res, fn, ctx);
  else if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    rc = fail(conn, res, sql, err, errlen);
  PQclear(res);
  return rc < 0 ? rc : 0;
}

static void pg_close(void *conn) { PQfinish(conn); }

static const struct pp_db_backend pg_backend = {
    .name = "postgresql",
    .begin = "BEGIN",
    .id_column = "BIGSERIAL PRIMARY KEY",
    /* Held until the transaction ends; the number is printprobe's own. */
    .migration_lock = "SELECT pg_advisory_xact_lock(7370726970)",
    .exec = pg_exec,
    .close = pg_close,
};

int pp_db_pg_open(const char *url, struct pp_db *out, char *err,
                  size_t errlen) {
  const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
  const char *values[] = {url, CONNECT_TIMEOUT_S, "printprobe", NULL};
  /* expand_dbname: the URL is read as a connection string. */
  PGconn *conn = PQconnectdbParams(keys, values, 1);
  char shown[1024];
  pp_url_redact(url, shown, sizeof(shown)); /* no password in a log line */
  if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
    char line[256];
    first_line(conn != NULL ? PQerrorMessage(conn) : "out of memory", line,
               sizeof(line));
    snprintf(err, errlen, "postgresql: cannot connect to %s: %s", shown, line);
    PQfinish(conn);
    return -EAGAIN;
  }
  /* Readings and times are text in UTC; nothing depends on the session's
   * time zone, but notices would go to stderr unasked. */
  PQsetNoticeProcessor(conn, NULL, NULL);
  *out = (struct pp_db){.backend = &pg_backend, .conn = conn};
  return 0;
}
