/* SPDX-License-Identifier: MIT */
/* Unit tests for the vendor's side: a signed fleet message (made by the
 * same code write_dss uses) is verified, read and stored once; unsigned,
 * forged, altered, truncated, replayed and future-version messages are
 * quarantined with a reason; `printprobe ingest --maildir` moves what it
 * handled and leaves everything in new/ while the database is down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pp_db.h"
#include "pp_fleet.h"
#include "pp_ingest.h"
#include "pp_ingest_cmd.h"
#include "pp_mail.h"
#include "pp_maildir.h"
#include "pp_sign.h"

#define FROM "printprobe@customer.example"

struct fixture {
  char dir[64];
  char keys[128];
  char maildir[128];
  char db[128];
  struct pp_sign_key key;
  struct pp_sign_key stranger; /* a key no site registered */
  struct pp_trusted_keys trusted;
};

static void run_shell(const char *fmt, const char *arg) {
  char cmd[512];
  snprintf(cmd, sizeof(cmd), fmt, arg);
  assert_int_equal(system(cmd), 0);
}

static void make_key(const char *dir, const char *file, struct pp_sign_key *k) {
  char path[256];
  char err[512];
  bool created;
  snprintf(path, sizeof(path), "%s/%s", dir, file);
  assert_int_equal(
      pp_sign_key_load_or_create(path, k, &created, err, sizeof(err)), 0);
}

static int setup(void **state) {
  struct fixture *f = calloc(1, sizeof(*f));
  snprintf(f->dir, sizeof(f->dir), "/tmp/pp-ingest-XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  snprintf(f->keys, sizeof(f->keys), "%s/keys", f->dir);
  snprintf(f->maildir, sizeof(f->maildir), "%s/Maildir", f->dir);
  snprintf(f->db, sizeof(f->db), "%s/vendor.db", f->dir);
  static const char *const subs[] = {
      "keys", "Maildir", "Maildir/new", "Maildir/cur", "Maildir/tmp", "site"};
  for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", f->dir, subs[i]);
    assert_int_equal(mkdir(path, 0700), 0);
  }
  char site_dir[128];
  snprintf(site_dir, sizeof(site_dir), "%s/site", f->dir);
  make_key(site_dir, "acme.key", &f->key);
  make_key(site_dir, "other.key", &f->stranger);
  /* The vendor registers acme's FILE.pub under the site's name. */
  char cmd[512];
  snprintf(cmd, sizeof(cmd), "cp %s/acme.key.pub %s/acme.pub", site_dir,
           f->keys);
  assert_int_equal(system(cmd), 0);
  char err[512];
  assert_int_equal(pp_trusted_keys_load(f->keys, &f->trusted, err, sizeof(err)),
                   0);
  pp_ingest_init();
  *state = f;
  return 0;
}

static int teardown(void **state) {
  struct fixture *f = *state;
  pp_trusted_keys_free(&f->trusted);
  run_shell("rm -rf %s", f->dir);
  free(f);
  return 0;
}

static void two_printers(struct pp_printer *p) {
  pp_printer_init(&p[0], "192.0.2.7");
  p[0].reachable = true;
  strcpy(p[0].serial, "XRX0000120");
  strcpy(p[0].manufacturer, "Xerox");
  strcpy(p[0].model, "VersaLink C405");
  p[0].counters.total = 12345;
  pp_printer_set_counter(&p[0], "mono", 10000);
  pp_printer_set_counter(&p[0], "colour", 2345);
  pp_printer_init(&p[1], "192.0.2.8");
  strcpy(p[1].error, "no answer");
}

/* A fleet message as write_dss makes it, signed by signer (or not). */
static void fleet_message(const struct pp_sign_key *signer, struct pp_buf *out,
                          char *message_id) {
  static const char *const to[] = {"dss@vendor.example"};
  struct pp_printer printers[2];
  two_printers(printers);
  struct pp_fleet_report r = {.created = 1788000000,
                              .customer = "ACME",
                              .from = FROM,
                              .to = to,
                              .to_count = 1,
                              .printers = printers,
                              .count = 2,
                              .signer = signer};
  assert_int_equal(pp_fleet_new_id(r.created, r.id, sizeof(r.id)), 0);
  assert_int_equal(
      pp_fleet_message_id(r.id, FROM, r.message_id, sizeof(r.message_id)), 0);
  pp_buf_init(out, PP_MAIL_MAX);
  assert_int_equal(pp_fleet_message(&r, out), 0);
  if (message_id != NULL)
    strcpy(message_id, r.message_id);
  pp_printer_clear(&printers[0]);
  pp_printer_clear(&printers[1]);
}

/* A message with report.json as given, signed properly: for reports the
 * agent does not make (yet). */
static void custom_message(const struct pp_sign_key *key, const char *json,
                           struct pp_buf *out) {
  static const char *const to[] = {"dss@vendor.example"};
  static const char mid[] = "<custom-1.printprobe@customer.example>";
  struct pp_buf sig;
  pp_buf_init(&sig, 4096);
  assert_int_equal(pp_sign_report(key, mid, json, strlen(json), &sig), 0);
  const struct pp_mail_attachment files[] = {
      {"report.json", "application/json", json, strlen(json)},
      {"report.sig", "text/plain", sig.data, sig.len},
  };
  const struct pp_mail mail = {.from = FROM,
                               .to = to,
                               .to_count = 1,
                               .subject = "report",
                               .date = 1788000000,
                               .message_id = mid,
                               .text = "report\n",
                               .attachments = files,
                               .attachment_count = 2};
  pp_buf_init(out, PP_MAIL_MAX);
  assert_int_equal(pp_mail_build(&mail, out), 0);
  pp_buf_free(&sig);
}

static int ingest_bytes(struct fixture *f, const struct pp_buf *eml,
                        struct pp_ingest_report *r, char *reason) {
  return pp_ingest_message(eml->data, eml->len, &f->trusted, r, reason, 512);
}

static void expect_quarantine(struct fixture *f, const struct pp_buf *eml,
                              const char *why) {
  struct pp_ingest_report r;
  char reason[512];
  assert_int_equal(ingest_bytes(f, eml, &r, reason), -EBADMSG);
  if (strstr(reason, why) == NULL)
    fail_msg("reason \"%s\" lacks \"%s\"", reason, why);
  assert_int_equal(r.count, 0);
  pp_ingest_report_free(&r);
}

static void test_signed_report_read(void **state) {
  struct fixture *f = *state;
  struct pp_buf eml;
  char mid[PP_FLEET_MESSAGE_ID_LEN];
  fleet_message(&f->key, &eml, mid);
  struct pp_ingest_report r;
  char reason[512];
  assert_int_equal(ingest_bytes(f, &eml, &r, reason), 0);
  assert_string_equal(r.site, "acme");
  assert_string_equal(r.message_id, mid);
  assert_int_equal(r.sent_at, 1788000000);
  assert_int_equal(r.count, 2);
  assert_string_equal(r.printers[0].serial, "XRX0000120");
  assert_int_equal(r.printers[0].counters.total, 12345);
  assert_int_equal(r.printers[0].counters.vendor_count, 2);
  pp_ingest_report_free(&r);
  pp_buf_free(&eml);
}

/* A site changing its key: SITE.pub holds both lines for a while. */
static void test_site_with_two_keys(void **state) {
  struct fixture *f = *state;
  char cmd[512];
  snprintf(cmd, sizeof(cmd), "cat %s/site/other.key.pub >> %s/acme.pub", f->dir,
           f->keys);
  assert_int_equal(system(cmd), 0);
  struct pp_trusted_keys both;
  char err[512];
  assert_int_equal(pp_trusted_keys_load(f->keys, &both, err, sizeof(err)), 0);
  assert_int_equal(both.count, 2);
  struct pp_buf eml;
  fleet_message(&f->stranger, &eml, NULL);
  struct pp_ingest_report r;
  char reason[512];
  assert_int_equal(
      pp_ingest_message(eml.data, eml.len, &both, &r, reason, sizeof(reason)),
      0);
  assert_string_equal(r.site, "acme");
  pp_ingest_report_free(&r);
  pp_buf_free(&eml);
  pp_trusted_keys_free(&both);
  /* A key anybody may write: refused, as is such a folder. */
  char path[256];
  snprintf(path, sizeof(path), "%s/acme.pub", f->keys);
  assert_int_equal(chmod(path, 0666), 0);
  assert_int_equal(pp_trusted_keys_load(f->keys, &both, err, sizeof(err)),
                   -EPERM);
  assert_non_null(strstr(err, "chmod o-w"));
  assert_int_equal(chmod(path, 0644), 0);
  assert_int_equal(chmod(f->keys, 0777), 0);
  assert_int_equal(pp_trusted_keys_load(f->keys, &both, err, sizeof(err)),
                   -EPERM);
  assert_int_equal(chmod(f->keys, 0755), 0);
  /* A line that is no key: the folder is refused, naming the line. */
  snprintf(cmd, sizeof(cmd), "echo garbage >> %s/acme.pub", f->keys);
  assert_int_equal(system(cmd), 0);
  assert_int_equal(pp_trusted_keys_load(f->keys, &both, err, sizeof(err)),
                   -EINVAL);
  assert_non_null(strstr(err, "acme.pub line 3"));
}

static void test_bad_messages_quarantined(void **state) {
  struct fixture *f = *state;
  struct pp_buf eml;
  fleet_message(NULL, &eml, NULL);
  expect_quarantine(f, &eml, "unsigned");
  pp_buf_free(&eml);

  fleet_message(&f->stranger, &eml, NULL);
  expect_quarantine(f, &eml, "which no trusted site holds");
  pp_buf_free(&eml);

  /* Replayed under another Message-ID. */
  fleet_message(&f->key, &eml, NULL);
  char *id = strstr(eml.data, "Message-ID: <");
  assert_non_null(id);
  id[13] = id[13] == '1' ? '2' : '1';
  expect_quarantine(f, &eml, "another message");
  pp_buf_free(&eml);

  /* Cut in the middle of the attachments. */
  fleet_message(&f->key, &eml, NULL);
  eml.len = eml.len * 2 / 3;
  eml.data[eml.len] = '\0';
  struct pp_ingest_report r;
  char reason[512];
  assert_int_equal(ingest_bytes(f, &eml, &r, reason), -EBADMSG);
  pp_buf_free(&eml);

  pp_buf_init(&eml, 4096);
  assert_int_equal(pp_buf_addstr(&eml, "From: a@b\r\nMessage-ID: <x@y>\r\n\r\n"
                                       "no attachments\r\n"),
                   0);
  expect_quarantine(f, &eml, "no report.json");
  pp_buf_free(&eml);
}

static void test_altered_report_quarantined(void **state) {
  struct fixture *f = *state;
  struct pp_buf eml;
  custom_message(&f->key, "{\"printers\":[]}", &eml);
  struct pp_ingest_report r;
  char reason[512];
  assert_int_equal(ingest_bytes(f, &eml, &r, reason), 0);
  pp_ingest_report_free(&r);
  /* The base64 of report.json, one character changed. */
  char *body = strstr(eml.data, "filename=\"report.json\"");
  assert_non_null(body);
  body = strstr(body, "\r\n\r\n") + 4;
  body[2] = body[2] == 'A' ? 'B' : 'A';
  expect_quarantine(f, &eml, "does not verify");
  pp_buf_free(&eml);
}

static void test_future_version_quarantined(void **state) {
  struct fixture *f = *state;
  struct pp_buf eml;
  custom_message(&f->key, "{\"version\":2,\"printers\":[]}", &eml);
  expect_quarantine(f, &eml, "version 2 is unknown");
  pp_buf_free(&eml);
  custom_message(&f->key, "{\"printers\":[{\"address\":1}]}", &eml);
  expect_quarantine(f, &eml, "printer 1");
  pp_buf_free(&eml);
}

static void test_stored_once(void **state) {
  struct fixture *f = *state;
  struct pp_db db;
  char err[512];
  assert_int_equal(pp_db_open(f->db, &db, err, sizeof(err)), 0);
  int version = 0;
  assert_int_equal(pp_db_schema_version(&db, &version, err, sizeof(err)), 0);
  assert_int_equal(version, 2);
  struct pp_buf eml;
  fleet_message(&f->key, &eml, NULL);
  struct pp_ingest_report r;
  char reason[512];
  assert_int_equal(ingest_bytes(f, &eml, &r, reason), 0);
  enum pp_db_stored stored;
  assert_int_equal(pp_db_store(&db, &r, &stored, err, sizeof(err)), 0);
  assert_int_equal(stored, PP_DB_STORED);
  assert_int_equal(pp_db_store(&db, &r, &stored, err, sizeof(err)), 0);
  assert_int_equal(stored, PP_DB_ALREADY);
  /* The same Message-ID with another signature is no copy. */
  r.signature[0] = r.signature[0] == 'a' ? 'b' : 'a';
  assert_int_equal(pp_db_store(&db, &r, &stored, err, sizeof(err)), 0);
  assert_int_equal(stored, PP_DB_CONFLICT);
  pp_ingest_report_free(&r);
  pp_buf_free(&eml);
  pp_db_close(&db);
  /* Opening again migrates nothing and keeps the data. */
  assert_int_equal(pp_db_open(f->db, &db, err, sizeof(err)), 0);
  pp_db_close(&db);
}

static void put_mail(struct fixture *f, const char *name,
                     const struct pp_buf *eml) {
  char path[256];
  snprintf(path, sizeof(path), "%s/new/%s", f->maildir, name);
  FILE *out = fopen(path, "wb");
  assert_non_null(out);
  assert_int_equal(fwrite(eml->data, 1, eml->len, out), eml->len);
  fclose(out);
}

static bool exists(const char *dir, const char *sub, const char *name) {
  char path[512];
  snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
  return access(path, F_OK) == 0;
}

static int run_ingest(struct fixture *f, const char *db) {
  char *argv[] = {"ingest",   "--maildir",      f->maildir, "--db",
                  (char *)db, "--trusted-keys", f->keys,    NULL};
  return pp_cmd_ingest(7, argv);
}

static void test_maildir_flow(void **state) {
  struct fixture *f = *state;
  struct pp_buf eml;
  fleet_message(&f->key, &eml, NULL);
  put_mail(f, "1.good", &eml);
  put_mail(f, "3.copy", &eml);
  pp_buf_free(&eml);
  fleet_message(NULL, &eml, NULL);
  put_mail(f, "2.unsigned", &eml);
  pp_buf_free(&eml);
  /* Moved to cur/ by a mail program, flagged but not seen: still to do.
   * One seen there is done: left alone. */
  fleet_message(&f->key, &eml, NULL);
  put_mail(f, "../cur/4.opened:2,F", &eml);
  put_mail(f, "../cur/5.done:2,S", &eml);
  pp_buf_free(&eml);

  /* The database is down: nothing is read, nothing moves. */
  assert_int_equal(run_ingest(f, "/nonexistent/dir/vendor.db"),
                   PP_INGEST_EXIT_RETRY);
  assert_true(exists(f->maildir, "new", "1.good"));
  assert_true(exists(f->maildir, "new", "2.unsigned"));

  assert_int_equal(run_ingest(f, f->db), PP_INGEST_EXIT_DONE);
  assert_true(exists(f->maildir, "cur", "1.good:2,S"));
  assert_true(exists(f->maildir, "cur", "4.opened:2,FS"));
  assert_false(exists(f->maildir, "cur", "4.opened:2,F"));
  assert_true(exists(f->maildir, "cur", "5.done:2,S"));
  assert_true(exists(f->maildir, "cur", "3.copy:2,S"));
  assert_true(exists(f->maildir, ".Quarantine/cur", "2.unsigned:2,"));
  assert_true(exists(f->maildir, ".Quarantine/reasons", "2.unsigned"));
  assert_false(exists(f->maildir, "new", "1.good"));
  /* Nothing left: a second run has nothing to do. */
  assert_int_equal(run_ingest(f, f->db), PP_INGEST_EXIT_DONE);
  /* Usage errors. */
  char *argv[] = {"ingest", "--maildir", f->maildir, NULL};
  assert_int_equal(pp_cmd_ingest(3, argv), PP_INGEST_EXIT_USAGE);
}

/* One stored report: printer X (serial) with total, mono and colour,
 * printer Y (no serial) with total only. */
static void store_counts(struct pp_db *db, const char *site, int64_t when,
                         const char *id, uint64_t x_total, uint64_t x_mono,
                         uint64_t x_colour, uint64_t y_total) {
  struct pp_printer p[2];
  pp_printer_init(&p[0], "192.0.2.7");
  p[0].reachable = true;
  strcpy(p[0].serial, "XRX0000120");
  strcpy(p[0].manufacturer, "Xerox");
  strcpy(p[0].model, "VersaLink, C405");
  p[0].counters.total = x_total;
  pp_printer_set_counter(&p[0], "mono", x_mono);
  pp_printer_set_counter(&p[0], "colour", x_colour);
  pp_printer_init(&p[1], "192.0.2.9");
  p[1].reachable = true;
  strcpy(p[1].manufacturer, "=HYPERLINK()");
  p[1].counters.total = y_total;
  struct pp_ingest_report r = {.sent_at = when, .printers = p, .count = 2};
  snprintf(r.message_id, sizeof(r.message_id), "<%s@x>", id);
  snprintf(r.signature, sizeof(r.signature), "sig-%s", id);
  strcpy(r.site, site);
  strcpy(r.key_id, "0123456789abcdef");
  enum pp_db_stored stored;
  char err[512];
  assert_int_equal(pp_db_store(db, &r, &stored, err, sizeof(err)), 0);
  assert_int_equal(stored, PP_DB_STORED);
  pp_printer_clear(&p[0]);
  pp_printer_clear(&p[1]);
}

static char *meters_csv(struct pp_db *db, const char *site) {
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  struct pp_meters_query q = {"2026-08-01T00:00:00Z", "2026-09-01T00:00:00Z",
                              site};
  char err[512];
  assert_int_equal(pp_db_meters(db, &q, out, err, sizeof(err)), 0);
  fclose(out);
  return text;
}

static void test_meters(void **state) {
  struct fixture *f = *state;
  struct pp_db db;
  char err[512];
  assert_int_equal(pp_db_open(f->db, &db, err, sizeof(err)), 0);
  store_counts(&db, "acme", 1785578400, "a", 1000, 800, 200, 50);  /* 08-01 */
  store_counts(&db, "acme", 1786788000, "b", 1500, 1200, 300, 80); /* 08-15 */
  /* 08-20: printer X got a new board; its counters start again. */
  store_counts(&db, "acme", 1787220000, "c", 100, 90, 10, 100);
  store_counts(&db, "acme", 1787652000, "d", 300, 250, 50, 100);  /* 08-25 */
  store_counts(&db, "acme", 1788343200, "e", 900, 800, 100, 500); /* 09-02 */
  store_counts(&db, "other", 1786788000, "f", 1, 1, 1, 1);

  char *csv = meters_csv(&db, "acme");
  assert_string_equal(
      csv, "serial,maker,model,site,address,first_read_at,last_read_at,"
           "total_first,total_last,total,colour_first,colour_last,colour,"
           "mono_first,mono_last,mono,went_backwards\n"
           "XRX0000120,Xerox,\"VersaLink, C405\",acme,192.0.2.7,"
           "2026-08-01T10:00:00Z,2026-08-25T10:00:00Z,"
           "1000,300,700,200,50,140,800,250,560,total colour mono\n"
           ",\"'=HYPERLINK()\",,acme,192.0.2.9,2026-08-01T10:00:00Z,"
           "2026-08-25T10:00:00Z,50,100,50,,,,,,,\n");
  free(csv);
  /* Every site: the other site's reading of X joins X's row. */
  csv = meters_csv(&db, NULL);
  assert_non_null(strstr(csv, ",other,"));
  free(csv);
  pp_db_close(&db);
}

/* Keeps every row's columns as one "a|b|c" line. */
static int keep_rows(const char *const *values, int count, void *ctx) {
  char *out = ctx;
  for (int i = 0; i < count; i++) {
    strcat(out, values[i] != NULL ? values[i] : "NULL");
    strcat(out, i + 1 < count ? "|" : "\n");
  }
  return 0;
}

/* A reading is timed by the printer's counters.read_at, not by the Date the
 * report was mailed at; a printer without one falls back to the Date. The
 * active error bits are kept by name. */
static void test_reading_time(void **state) {
  struct fixture *f = *state;
  struct pp_db db;
  char err[512];
  assert_int_equal(pp_db_open(f->db, &db, err, sizeof(err)), 0);
  struct pp_printer p[2];
  two_printers(p);
  p[0].counters.read_at = 1788004800; /* 2026-08-29T12:00:00Z */
  p[0].status.error_bytes = 2;
  p[0].status.errors = (1u << PP_ERR_DOOR_OPEN) | (1u << PP_ERR_JAMMED);
  p[1].counters.read_at = 0; /* the report does not say */
  struct pp_ingest_report r = {.sent_at = 1788004800 + 86400,
                               .printers = p,
                               .count = 2,
                               .message_id = "<late@x>",
                               .signature = "sig-late",
                               .site = "acme",
                               .key_id = "0123456789abcdef"};
  enum pp_db_stored stored;
  assert_int_equal(pp_db_store(&db, &r, &stored, err, sizeof(err)), 0);
  char rows[512] = "";
  assert_int_equal(pp_db_exec(&db,
                              "SELECT r.read_at, r.errors, m.sent_at FROM "
                              "readings r JOIN messages m ON m.message_id = "
                              "r.message_id ORDER BY r.id",
                              NULL, 0, keep_rows, rows, err, sizeof(err)),
                   0);
  assert_string_equal(rows, "2026-08-29T12:00:00Z|doorOpen jammed|"
                            "2026-08-30T12:00:00Z\n"
                            "2026-08-30T12:00:00Z|NULL|2026-08-30T12:00:00Z\n");
  pp_printer_clear(&p[0]);
  pp_printer_clear(&p[1]);
  pp_db_close(&db);
}

/* A database of schema 1 (no error bits) is brought to 2 when opened,
 * its readings kept. */
static void test_migration_from_1(void **state) {
  struct fixture *f = *state;
  struct pp_db db;
  char err[512];
  assert_int_equal(pp_db_open(f->db, &db, err, sizeof(err)), 0);
  store_counts(&db, "acme", 1785578400, "a", 1000, 800, 200, 50);
  /* Back to what migration 1 made. */
  assert_int_equal(pp_db_exec(&db, "ALTER TABLE readings DROP COLUMN errors",
                              NULL, 0, NULL, NULL, err, sizeof(err)),
                   0);
  assert_int_equal(pp_db_exec(&db,
                              "DELETE FROM schema_version WHERE "
                              "version = 2",
                              NULL, 0, NULL, NULL, err, sizeof(err)),
                   0);
  pp_db_close(&db);
  assert_int_equal(pp_db_open(f->db, &db, err, sizeof(err)), 0);
  int version = 0;
  assert_int_equal(pp_db_schema_version(&db, &version, err, sizeof(err)), 0);
  assert_int_equal(version, 2);
  char rows[512] = "";
  assert_int_equal(pp_db_exec(&db,
                              "SELECT COUNT(*), COUNT(errors) FROM readings",
                              NULL, 0, keep_rows, rows, err, sizeof(err)),
                   0);
  assert_string_equal(rows, "2|0\n");
  pp_db_close(&db);
}

/* Maildir flags stay in ASCII order when S joins them. */
static void test_maildir_flags_kept(void **state) {
  struct fixture *f = *state;
  struct pp_maildir md;
  char err[512];
  assert_int_equal(pp_maildir_open(f->maildir, &md, err, sizeof(err)), 0);
  struct pp_buf eml;
  pp_buf_init(&eml, 64);
  assert_int_equal(pp_buf_addstr(&eml, "x"), 0);
  put_mail(f, "../cur/1.a:2,RT", &eml);
  put_mail(f, "../cur/2.b:2,", &eml);
  put_mail(f, "3.c", &eml);
  pp_buf_free(&eml);
  struct pp_name_list names;
  assert_int_equal(pp_maildir_list_new(&md, &names), 0);
  assert_int_equal(names.count, 3);
  assert_string_equal(names.names[0], "cur/1.a:2,RT");
  assert_string_equal(names.names[2], "new/3.c");
  for (size_t i = 0; i < names.count; i++)
    assert_int_equal(pp_maildir_mark_seen(&md, names.names[i]), 0);
  pp_name_list_free(&names);
  assert_true(exists(f->maildir, "cur", "1.a:2,RST"));
  assert_true(exists(f->maildir, "cur", "2.b:2,S"));
  assert_true(exists(f->maildir, "cur", "3.c:2,S"));
  /* A name that is not one of the listing's never becomes a path. */
  assert_int_equal(pp_maildir_mark_seen(&md, "new/../../etc"), -EINVAL);
  assert_int_equal(pp_maildir_mark_seen(&md, "tmp/x"), -EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_signed_report_read, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_messages_quarantined, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_site_with_two_keys, setup, teardown),
      cmocka_unit_test_setup_teardown(test_altered_report_quarantined, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_future_version_quarantined, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_stored_once, setup, teardown),
      cmocka_unit_test_setup_teardown(test_maildir_flow, setup, teardown),
      cmocka_unit_test_setup_teardown(test_meters, setup, teardown),
      cmocka_unit_test_setup_teardown(test_reading_time, setup, teardown),
      cmocka_unit_test_setup_teardown(test_migration_from_1, setup, teardown),
      cmocka_unit_test_setup_teardown(test_maildir_flags_kept, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
