/* SPDX-License-Identifier: MIT */
/* Unit tests for the mail (pp_mail), the fleet report (pp_fleet), the spool and
 * the archive (pp_spool, pp_archive): encodings, header injection, stable
 * bytes, HTML escaping, crash recovery and retention. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pp_archive.h"
#include "pp_fleet.h"
#include "pp_mail.h"
#include "pp_spool.h"
#include "pp_str.h"

#define BUF_MAX (8 * 1024 * 1024)

/* ---- Helpers ----------------------------------------------------------- */

static char *b64(const char *in) {
  struct pp_buf b;
  pp_buf_init(&b, BUF_MAX);
  assert_int_equal(pp_mail_base64(&b, in, strlen(in)), 0);
  return pp_buf_take(&b);
}

static char *qp(const char *in) {
  struct pp_buf b;
  pp_buf_init(&b, BUF_MAX);
  assert_int_equal(pp_mail_quoted_printable(&b, in), 0);
  return pp_buf_take(&b);
}

/* Every line ends in CRLF, none is longer than max. */
static void check_lines(const char *text, size_t max) {
  const char *line = text;
  for (const char *p = text; *p; p++) {
    if (*p == '\n' && (p == text || p[-1] != '\r'))
      fail_msg("bare LF at byte %zu", (size_t)(p - text));
    if (*p == '\r' && p[1] != '\n')
      fail_msg("bare CR at byte %zu", (size_t)(p - text));
    if (*p == '\n') {
      size_t len = (size_t)(p - line) - 1;
      if (len > max)
        fail_msg("line of %zu characters: %.*s", len, (int)len, line);
      line = p + 1;
    }
  }
}

/* The header section: everything before the first empty line. */
static char *headers_of(const char *msg) {
  const char *end = strstr(msg, "\r\n\r\n");
  assert_non_null(end);
  return strndup(msg, (size_t)(end - msg) + 2);
}

/* Whether a header line (at a line start) begins with name. */
static bool has_header_line(const char *headers, const char *name) {
  size_t n = strlen(name);
  if (strncasecmp(headers, name, n) == 0)
    return true;
  for (const char *p = strstr(headers, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
    if (strncasecmp(p + 2, name, n) == 0)
      return true;
  }
  return false;
}

static void make_tmpdir(char *out, size_t len) {
  snprintf(out, len, "/tmp/pp-test-mail-XXXXXX");
  assert_non_null(mkdtemp(out));
}

static void rm_rf(const char *path) {
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
  assert_int_equal(system(cmd), 0);
}

static size_t count_files(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  size_t n = 0;
  if (d == NULL)
    return 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
  closedir(d);
  return n;
}

/* ---- Encodings --------------------------------------------------------- */

static void test_base64_rfc4648_vectors(void **state) {
  (void)state;
  const char *cases[][2] = {{"", ""},
                            {"f", "Zg==\r\n"},
                            {"fo", "Zm8=\r\n"},
                            {"foo", "Zm9v\r\n"},
                            {"foob", "Zm9vYg==\r\n"},
                            {"fooba", "Zm9vYmE=\r\n"},
                            {"foobar", "Zm9vYmFy\r\n"}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *got = b64(cases[i][0]);
    assert_string_equal(got, cases[i][1]);
    free(got);
  }
}

static void test_base64_lines_of_76(void **state) {
  (void)state;
  char in[1000];
  memset(in, 'x', sizeof(in) - 1);
  in[sizeof(in) - 1] = '\0';
  char *got = b64(in);
  check_lines(got, 76);
  assert_int_equal(strcspn(got, "\r"), 76);
  free(got);
}

static void test_quoted_printable(void **state) {
  (void)state;
  const char *cases[][2] = {
      {"plain text\n", "plain text\r\n"},
      {"a=b\n", "a=3Db\r\n"},
      {"trailing space \nx", "trailing space=20\r\nx"},
      {"tab at end\t", "tab at end=09"},
      {"K\xc3\xa4se\n", "K=C3=A4se\r\n"},
      {"cr\r\n", "cr=0D\r\n"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *got = qp(cases[i][0]);
    assert_string_equal(got, cases[i][1]);
    free(got);
  }
}

static void test_quoted_printable_soft_breaks(void **state) {
  (void)state;
  char in[400];
  for (size_t i = 0; i < sizeof(in) - 1; i++)
    in[i] = i % 7 == 0 ? '=' : 'a';
  in[sizeof(in) - 1] = '\0';
  char *got = qp(in);
  check_lines(got, 76);
  /* Soft breaks never split an =XX. */
  for (char *p = strstr(got, "=\r\n"); p; p = strstr(p + 1, "=\r\n"))
    assert_true(p[-1] != '=' && (p < got + 2 || p[-2] != '='));
  free(got);
}

/* ---- Addresses and header text ----------------------------------------- */

/* Log lines name the mail server by its URL: whatever userinfo it holds
 * must never reach them, an '@' in the path is no userinfo. */
static void test_url_redact(void **state) {
  (void)state;
  static const struct {
    const char *url;
    const char *shown;
    bool userinfo;
  } cases[] = {
      {"smtp://u:secret@127.0.0.1:2525/x", "smtp://***@127.0.0.1:2525/x", 1},
      {"smtps://u:secret@mail.example", "smtps://***@mail.example", 1},
      {"SMTP://user@mail.example:587", "SMTP://***@mail.example:587", 1},
      {"smtp://u:p@ss@word@host/", "smtp://***@host/", 1},
      {"smtp://u;AUTH=PLAIN@host", "smtp://***@host", 1},
      {"smtp://@host", "smtp://***@host", 1},
      {"http://u:secret@host", "http://***@host", 1},
      {"smtp://mail.example:587/customer.example",
       "smtp://mail.example:587/customer.example", 0},
      {"smtp://host/user@domain", "smtp://host/user@domain", 0},
      {"smtp://host?to=a@b", "smtp://host?to=a@b", 0},
      {"u:secret@host/x@y", "***@host/x@y", 1}, /* curl takes it so */
      {"", "", 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char out[128];
    assert_ptr_equal(pp_url_redact(cases[i].url, out, sizeof(out)), out);
    if (strcmp(out, cases[i].shown) != 0)
      fail_msg("%s shown as %s, wanted %s", cases[i].url, out, cases[i].shown);
    if (pp_url_has_userinfo(cases[i].url) != cases[i].userinfo)
      fail_msg("%s: userinfo %d", cases[i].url, !cases[i].userinfo);
  }
  /* Cut to fit, never past the buffer. */
  char small[12];
  pp_url_redact("smtp://u:secret@a-long-host-name.example", small,
                sizeof(small));
  assert_string_equal(small, "smtp://***@");
}

static void test_address_checks(void **state) {
  (void)state;
  const char *good[] = {"dss@vendor.example", "a.b+c@x.y", "x@localhost"};
  const char *bad[] = {"",
                       "no-at",
                       "@x",
                       "x@",
                       "a@b@c",
                       "a b@x",
                       "a@x\r\nRCPT TO:<evil@x>",
                       "Name <a@x>",
                       "a@x,b@y",
                       "\"q\"@x",
                       "a@x;",
                       "\xc3\xa4@x"};
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
    assert_true(pp_mail_address_ok(good[i]));
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    if (pp_mail_address_ok(bad[i]))
      fail_msg("accepted \"%s\"", bad[i]);
  }
}

static void test_header_text_strips_line_breaks(void **state) {
  (void)state;
  const char *cases[][2] = {
      {"ACME\r\nBcc: evil@example.com", "ACME Bcc: evil@example.com"},
      {"  lead\tand trail \n", "lead and trail"},
      {"a\x1b[31mred", "a [31mred"},
      {"C1\xc2\x85next line", "C1 next line"},
      {"M\xc3\xbcller GmbH", "M\xc3\xbcller GmbH"},
      {NULL, ""},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char out[64];
    pp_mail_header_text(cases[i][0], out, sizeof(out));
    assert_string_equal(out, cases[i][1]);
  }
  /* Cut on a character boundary. */
  char small[4];
  pp_mail_header_text("ab\xe2\x82\xac", small, sizeof(small));
  assert_string_equal(small, "ab");
}

static void test_date_is_rfc5322_utc(void **state) {
  (void)state;
  char date[64];
  pp_mail_date(1787745600, date, sizeof(date)); /* 2026-08-26 12:00 UTC */
  assert_string_equal(date, "Wed, 26 Aug 2026 12:00:00 +0000");
}

/* ---- The message ------------------------------------------------------- */

static const char *const two_rcpts[] = {"dss@vendor.example",
                                        "printers@customer.example"};

static char *build(const struct pp_mail *m) {
  struct pp_buf b;
  pp_buf_init(&b, BUF_MAX);
  int rc = pp_mail_build(m, &b);
  if (rc != 0)
    fail_msg("pp_mail_build: %d", rc);
  return pp_buf_take(&b);
}

static void test_message_structure(void **state) {
  (void)state;
  const struct pp_mail_attachment att[] = {
      {"report.json", "application/json; charset=utf-8", "{}\n", 3}};
  const struct pp_mail m = {
      .from = "probe@customer.example",
      .to = two_rcpts,
      .to_count = 2,
      .subject = "Fleet report M\xc3\xbcller & S\xc3\xb6hne "
                 "\r\nBcc: evil@example.com with a long long long long tail",
      .date = 1787745600,
      .message_id = "<id1.printprobe@customer.example>",
      .text = "Hello\n.\nFrom here\n",
      .attachments = att,
      .attachment_count = 1,
  };
  char *msg = build(&m);
  check_lines(msg, 78);
  char *h = headers_of(msg);
  assert_true(has_header_line(h, "From: probe@customer.example\r\n"));
  assert_true(has_header_line(h, "To: dss@vendor.example,\r\n "
                                 "printers@customer.example\r\n"));
  assert_true(has_header_line(h, "Date: Wed, 26 Aug 2026 12:00:00 +0000"));
  assert_true(has_header_line(h, "Message-ID: "
                                 "<id1.printprobe@customer.example>\r\n"));
  assert_true(has_header_line(h, "MIME-Version: 1.0"));
  assert_true(has_header_line(h, "Subject: =?UTF-8?B?"));
  /* The injected line stays inside the encoded subject. */
  assert_false(has_header_line(h, "Bcc:"));
  assert_null(strstr(msg, "\r\nBcc:"));
  assert_non_null(strstr(msg, "Content-Transfer-Encoding: quoted-printable"));
  assert_non_null(strstr(msg, "filename=\"report.json\""));
  assert_non_null(strstr(msg, "e30K")); /* base64 of "{}\n" */
  /* Same input, same bytes: a retry sends the identical message. */
  char *again = build(&m);
  assert_string_equal(msg, again);
  free(again);
  free(h);
  free(msg);
}

static void test_message_refuses_bad_input(void **state) {
  (void)state;
  const char *const evil_to[] = {"a@x>\r\nRCPT TO:<b@y"};
  const struct pp_mail_attachment bad_name[] = {
      {"../../etc/passwd", "text/plain", "x", 1}};
  struct pp_mail m = {.from = "a@x",
                      .to = two_rcpts,
                      .to_count = 2,
                      .subject = "s",
                      .message_id = "<a@b>"};
  struct pp_buf b;
  struct pp_mail bad = m;
  bad.to = evil_to;
  bad.to_count = 1;
  pp_buf_init(&b, BUF_MAX);
  assert_int_equal(pp_mail_build(&bad, &b), -EINVAL);
  bad = m;
  bad.message_id = "<a@b>\r\nX: y";
  assert_int_equal(pp_mail_build(&bad, &b), -EINVAL);
  bad = m;
  bad.to_count = 0;
  assert_int_equal(pp_mail_build(&bad, &b), -EINVAL);
  bad = m;
  bad.attachments = bad_name;
  bad.attachment_count = 1;
  assert_int_equal(pp_mail_build(&bad, &b), -EINVAL);
  pp_buf_free(&b);
}

static void test_message_cap(void **state) {
  (void)state;
  const struct pp_mail m = {.from = "a@x",
                            .to = two_rcpts,
                            .to_count = 1,
                            .subject = "s",
                            .message_id = "<a@b>",
                            .text = "hello"};
  struct pp_buf b;
  pp_buf_init(&b, 100);
  assert_int_equal(pp_mail_build(&m, &b), -E2BIG);
  assert_null(b.data);
}

/* ---- The DSS report ---------------------------------------------------- */

static void hostile_printers(struct pp_printer p[2]) {
  pp_printer_init(&p[0], "192.0.2.1");
  p[0].reachable = true;
  pp_strlcpy(p[0].name, "<script>alert('x')</script>\r\nBcc: evil@x",
             sizeof(p[0].name));
  pp_strlcpy(p[0].model, "Model & \"Co\"", sizeof(p[0].model));
  pp_strlcpy(p[0].serial, "S1", sizeof(p[0].serial));
  p[0].status.errors = 1u << PP_ERR_JAMMED;
  p[0].status.error_bytes = 2;
  p[0].counters.total = 4711;
  struct pp_supply *s = pp_printer_add_supply(&p[0]);
  pp_strlcpy(s->description, "Black <b>Toner</b>", sizeof(s->description));
  s->type = 3;
  s->level = 5;
  s->max = 100;
  pp_supply_derive(s);
  pp_printer_init(&p[1], "192.0.2.2");
  pp_strlcpy(p[1].error, "no answer", sizeof(p[1].error));
}

static void report_of(struct pp_fleet_report *r, const struct pp_printer *p,
                      size_t n) {
  *r = (struct pp_fleet_report){.created = 1787745600,
                                .customer = "ACME\r\nBcc: evil@example.com",
                                .from = "probe@customer.example",
                                .to = two_rcpts,
                                .to_count = 2,
                                .printers = p,
                                .count = n};
  assert_int_equal(pp_fleet_new_id(r->created, r->id, sizeof(r->id)), 0);
  assert_int_equal(
      pp_fleet_message_id(r->id, r->from, r->message_id, sizeof(r->message_id)),
      0);
}

static void test_dss_ids(void **state) {
  (void)state;
  char a[PP_FLEET_ID_LEN];
  char b[PP_FLEET_ID_LEN];
  assert_int_equal(pp_fleet_new_id(1787745600, a, sizeof(a)), 0);
  assert_int_equal(pp_fleet_new_id(1787745600, b, sizeof(b)), 0);
  assert_true(pp_fleet_id_ok(a));
  assert_string_not_equal(a, b);
  assert_memory_equal(a, "20260826T120000Z-", 17);
  time_t t;
  assert_int_equal(pp_fleet_id_time(a, &t), 0);
  assert_true(t == 1787745600);
  const char *bad[] = {"", "../../x", "20260826T120000Z-0123456789abcdeg",
                       "20260826T120000Z-0123456789abcdef0"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    assert_false(pp_fleet_id_ok(bad[i]));
  char mid[PP_FLEET_MESSAGE_ID_LEN];
  assert_int_equal(
      pp_fleet_message_id(a, "x@customer.example", mid, sizeof(mid)), 0);
  assert_non_null(strstr(mid, ".printprobe@customer.example>"));
}

static void test_dss_message_has_no_injection(void **state) {
  (void)state;
  struct pp_printer p[2];
  struct pp_fleet_report r;
  hostile_printers(p);
  report_of(&r, p, 2);
  struct pp_buf b;
  pp_buf_init(&b, BUF_MAX);
  assert_int_equal(pp_fleet_message(&r, &b), 0);
  check_lines(b.data, 78);
  char *h = headers_of(b.data);
  assert_false(has_header_line(h, "Bcc:"));
  assert_true(has_header_line(h, "Subject: Printer fleet report ACME Bcc: "));
  assert_non_null(strstr(h, "2026-08-26"));
  assert_non_null(strstr(b.data, "name=\"supplies.csv\""));
  assert_non_null(strstr(b.data, "name=\"counters.csv\""));
  free(h);
  pp_buf_free(&b);

  struct pp_buf text;
  pp_buf_init(&text, BUF_MAX);
  assert_int_equal(pp_fleet_summary(&r, &text), 0);
  assert_non_null(strstr(text.data, "Printers:            2"));
  assert_non_null(strstr(text.data, "Reachable:           1"));
  assert_non_null(strstr(text.data, "Printers in error:   1"));
  assert_non_null(strstr(text.data, "Supplies low/empty:  1"));
  assert_non_null(strstr(text.data, "jammed"));
  assert_non_null(strstr(text.data, "5% (critical)"));
  /* A printer's line break never starts a line of its own. */
  assert_null(strstr(text.data, "\nBcc:"));
  pp_buf_free(&text);
  pp_printer_clear(&p[0]);
}

/* The billing reads: every printer's meters with the time they were read,
 * a printer that did not answer with its last reading and that time, in the
 * summary and on the archive's page. */
static void test_dss_meter_readings(void **state) {
  (void)state;
  struct pp_printer p[3];
  pp_printer_init(&p[0], "192.0.2.50");
  p[0].reachable = true;
  pp_strlcpy(p[0].name, "lobby", sizeof(p[0].name));
  p[0].counters.total = 33810;
  p[0].counters.read_at = 1788004800;
  assert_true(pp_printer_set_meter(&p[0], "mono", 26548, PP_METER_IMPRESSIONS));
  assert_true(
      pp_printer_set_meter(&p[0], "colour", 7255, PP_METER_IMPRESSIONS));
  pp_counters_check_sum(&p[0]);
  pp_printer_init(&p[1], "192.0.2.51");
  pp_strlcpy(p[1].name, "cellar", sizeof(p[1].name));
  p[1].counters.total = 1200; /* the last reading, a day old */
  p[1].counters.read_at = 1787918400;
  assert_true(pp_printer_set_meter(&p[1], "scan", 77, PP_METER_IMAGES));
  pp_printer_init(&p[2], "192.0.2.52"); /* never read: no reading */
  struct pp_fleet_report r;
  report_of(&r, p, 3);
  struct pp_buf text;
  pp_buf_init(&text, BUF_MAX);
  assert_int_equal(pp_fleet_summary(&r, &text), 0);
  assert_non_null(strstr(text.data, "\nMeter readings:\n"));
  assert_non_null(strstr(text.data, "lobby (192.0.2.50): total 33810, mono "
                                    "26548, colour 7255, read "
                                    "2026-08-29T12:00:00Z\n"));
  assert_non_null(strstr(text.data, "note: mono + colour = 33803"));
  assert_non_null(strstr(text.data, "cellar (192.0.2.51): total 1200, scan 77, "
                                    "read 2026-08-28T12:00:00Z (last reading: "
                                    "no answer since)\n"));
  assert_null(strstr(strstr(text.data, "Meter readings:"), "192.0.2.52"));
  pp_buf_free(&text);
  struct pp_buf page;
  pp_buf_init(&page, BUF_MAX);
  assert_int_equal(pp_fleet_html_page(&r, &page), 0);
  assert_non_null(
      strstr(page.data, "<th>Mono</th><th>Colour</th><th>Read</th>"));
  assert_non_null(strstr(page.data, ">26548</td><td class=\"num\">7255</td>"
                                    "<td>2026-08-29T12:00:00Z</td>"));
  assert_non_null(strstr(page.data, "2026-08-28T12:00:00Z (last reading)"));
  pp_buf_free(&page);
  for (size_t i = 0; i < 3; i++)
    pp_printer_clear(&p[i]);
}

static void test_dss_html_escapes_everything(void **state) {
  (void)state;
  struct pp_printer p[2];
  struct pp_fleet_report r;
  hostile_printers(p);
  report_of(&r, p, 2);
  struct pp_buf page;
  pp_buf_init(&page, BUF_MAX);
  assert_int_equal(pp_fleet_html_page(&r, &page), 0);
  assert_null(strstr(page.data, "<script>"));
  assert_null(strstr(page.data, "<b>Toner"));
  assert_non_null(strstr(page.data, "&lt;script&gt;alert(&#39;x&#39;)"));
  assert_non_null(strstr(page.data, "Model &amp; &quot;Co&quot;"));
  assert_non_null(strstr(page.data, "4711"));
  assert_non_null(strstr(page.data, "not reachable: no answer"));
  pp_buf_free(&page);

  struct pp_fleet_index_entry e = {.status = "sent"};
  pp_strlcpy(e.id, r.id, sizeof(e.id));
  pp_buf_init(&page, BUF_MAX);
  assert_int_equal(pp_fleet_html_index("<ACME>", &e, 1, &page), 0);
  assert_non_null(strstr(page.data, "&lt;ACME&gt;"));
  assert_non_null(strstr(page.data, "2026/08/"));
  pp_buf_free(&page);
  pp_printer_clear(&p[0]);
}

static void test_dss_totals_line(void **state) {
  (void)state;
  struct pp_fleet_totals t = {12, 11, 2, 3};
  struct pp_fleet_totals back;
  char line[128];
  assert_int_equal(pp_fleet_totals_format(&t, line, sizeof(line)), 0);
  assert_int_equal(pp_fleet_totals_parse(line, &back), 0);
  assert_memory_equal(&t, &back, sizeof(t));
  assert_int_equal(pp_fleet_totals_parse("garbage", &back), -EINVAL);
  /* Negative counts would wrap to huge ones; more reachable than printers
   * is no archive of ours. */
  assert_int_equal(pp_fleet_totals_parse("printers=-1 reachable=0 in_error=0 "
                                         "supplies_low=0",
                                         &back),
                   -EINVAL);
  assert_int_equal(pp_fleet_totals_parse("printers=2 reachable=3 in_error=0 "
                                         "supplies_low=0",
                                         &back),
                   -EINVAL);
}

/* ---- Spool ------------------------------------------------------------- */

static const char *const ids[] = {
    "20260101T000000Z-0000000000000001", "20260201T000000Z-0000000000000002",
    "20260301T000000Z-0000000000000003", "20260401T000000Z-0000000000000004",
    "20260501T000000Z-0000000000000005"};

static void test_atomic_write_leaves_no_temp(void **state) {
  (void)state;
  char dir[64];
  make_tmpdir(dir, sizeof(dir));
  assert_int_equal(pp_file_write_atomic(dir, "a.txt", "one", 3), 0);
  assert_int_equal(pp_file_write_atomic(dir, "a.txt", "two!", 4), 0);
  char path[128];
  snprintf(path, sizeof(path), "%s/a.txt", dir);
  struct pp_buf b;
  assert_int_equal(pp_file_read(path, 100, &b), 0);
  assert_string_equal(b.data, "two!");
  pp_buf_free(&b);
  assert_int_equal(count_files(dir, ".tmp."), 0);
  /* A crash's leftover is cleaned, the real file is not. */
  snprintf(path, sizeof(path), "%s/.tmp.abc123", dir);
  FILE *f = fopen(path, "w");
  fclose(f);
  pp_dir_clean_temp(dir);
  assert_int_equal(count_files(dir, ".tmp."), 0);
  assert_int_equal(count_files(dir, "a.txt"), 1);
  assert_int_equal(pp_file_write_atomic("/nonexistent/dir", "x", "y", 1),
                   -ENOENT);
  rm_rf(dir);
}

static void test_spool_flow_and_crash_recovery(void **state) {
  (void)state;
  char dir[64];
  char err[256];
  struct pp_spool s;
  make_tmpdir(dir, sizeof(dir));
  assert_int_equal(pp_spool_open(&s, dir, err, sizeof(err)), 0);
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(pp_spool_put(&s, PP_SPOOL_STAGED, ids[i], "msg", 3), 0);
    assert_true(pp_spool_has(&s, PP_SPOOL_STAGED, ids[i]));
    assert_int_equal(pp_spool_commit(&s, ids[i]), 0);
    assert_false(pp_spool_has(&s, PP_SPOOL_STAGED, ids[i]));
  }
  struct pp_id_list q;
  assert_int_equal(pp_spool_list(&s, PP_SPOOL_QUEUE, &q), 0);
  assert_int_equal(q.count, 4);
  assert_string_equal(q.ids[0], ids[0]);
  pp_id_list_free(&q);

  /* Retry schedule survives in the sidecar. */
  struct pp_spool_state st = {3, 1787745600, 451};
  struct pp_spool_state back;
  assert_int_equal(pp_spool_state_set(&s, ids[1], &st), 0);
  assert_int_equal(pp_spool_state_get(&s, ids[1], &back), 0);
  assert_int_equal(back.attempts, 3);
  assert_true(back.next_try == 1787745600);
  assert_int_equal(back.last_code, 451);
  assert_int_equal(pp_spool_state_get(&s, ids[2], &back), 0);
  assert_int_equal(back.attempts, 0);

  /* Delivered: gone from the queue, journalled. */
  assert_int_equal(pp_spool_delivered(&s, ids[0]), 0);
  assert_false(pp_spool_has(&s, PP_SPOOL_QUEUE, ids[0]));
  assert_true(pp_spool_journal_has(&s, ids[0]));

  /* 5xx: kept under failed/ with the reason. */
  assert_int_equal(pp_spool_fail(&s, ids[1], "SMTP 554 no\n"), 0);
  assert_false(pp_spool_has(&s, PP_SPOOL_QUEUE, ids[1]));
  assert_true(pp_spool_has(&s, PP_SPOOL_FAILED, ids[1]));

  /* A crash after the server accepted ids[2] and the journal line was
   * written, before the queue file went: recovery removes it unsent. */
  char journal[128];
  snprintf(journal, sizeof(journal), "%s/delivered.journal", dir);
  FILE *f = fopen(journal, "a");
  fprintf(f, "%s\n%.10s", ids[2], ids[3]); /* + a torn last line */
  fclose(f);
  assert_false(pp_spool_journal_has(&s, ids[3]));
  size_t removed;
  assert_int_equal(pp_spool_recover(&s, &removed), 0);
  assert_int_equal(removed, 1);
  assert_false(pp_spool_has(&s, PP_SPOOL_QUEUE, ids[2]));
  assert_true(pp_spool_has(&s, PP_SPOOL_QUEUE, ids[3]));
  assert_false(pp_spool_journal_has(&s, ids[2]));
  assert_int_equal(pp_spool_put(&s, PP_SPOOL_QUEUE, "../evil", "x", 1),
                   -EINVAL);
  rm_rf(dir);
}

/* A second holder of a folder lock is refused and told who holds it; the
 * lock file names the holder by PID, and the lock is free again once the
 * first lets go. flock locks belong to the open file, so a second open in
 * this same process stands for a second process. */
static void test_dir_lock_one_holder(void **state) {
  (void)state;
  char dir[64];
  char sub[128];
  char err[512];
  make_tmpdir(dir, sizeof(dir));
  snprintf(sub, sizeof(sub), "%s/spool", dir);
  int first = -1;
  int second = -1;
  assert_int_equal(pp_dir_lock(sub, "spool.lock", &first, err, sizeof(err)), 0);
  assert_true(first >= 0);
  assert_int_equal(pp_dir_lock(sub, "spool.lock", &second, err, sizeof(err)),
                   -EWOULDBLOCK);
  assert_int_equal(second, -1);
  char want[256];
  snprintf(want, sizeof(want), "%s/spool.lock is held by process %ld", sub,
           (long)getpid());
  if (strstr(err, want) == NULL)
    fail_msg("message %s lacks %s", err, want);
  /* Another name in the same folder is another lock. */
  int other = -1;
  assert_int_equal(pp_dir_lock(sub, "archive.lock", &other, err, sizeof(err)),
                   0);
  pp_dir_unlock(&other);
  pp_dir_unlock(&first);
  assert_int_equal(first, -1);
  assert_int_equal(pp_dir_lock(sub, "spool.lock", &second, err, sizeof(err)),
                   0);
  pp_dir_unlock(&second);
  pp_dir_unlock(&second); /* harmless */
  rm_rf(dir);
}

/* ---- Archive ----------------------------------------------------------- */

static bool keep_second(const char *id, void *ctx) {
  (void)ctx;
  return strcmp(id, ids[1]) == 0;
}

static const char *status_of(const char *id, void *ctx) {
  (void)ctx;
  return strcmp(id, ids[4]) == 0 ? "queued" : "sent";
}

static void test_archive_retention_and_index(void **state) {
  (void)state;
  char dir[64];
  char err[256];
  struct pp_archive a;
  make_tmpdir(dir, sizeof(dir));
  assert_int_equal(pp_archive_open(&a, dir, err, sizeof(err)), 0);
  struct pp_fleet_totals t = {3, 2, 1, 0};
  for (size_t i = 0; i < 5; i++)
    assert_int_equal(
        pp_archive_put(&a, ids[i], "eml", 3, i == 0 ? NULL : "<p>", 3, &t), 0);
  assert_true(pp_archive_has(&a, ids[0]));
  char path[256];
  snprintf(path, sizeof(path), "%s/2026/01/%s.html", dir, ids[0]);
  assert_int_equal(access(path, F_OK), 0); /* the fallback page */

  size_t removed;
  /* Keep 2 by count: ids 0..2 go, except ids[1] that must stay. */
  assert_int_equal(
      pp_archive_retention(&a, 0, 2, 0, keep_second, NULL, &removed), 0);
  assert_int_equal(removed, 2);
  assert_false(pp_archive_has(&a, ids[0]));
  assert_true(pp_archive_has(&a, ids[1]));
  assert_false(pp_archive_has(&a, ids[2]));
  snprintf(path, sizeof(path), "%s/2026/01", dir);
  assert_int_not_equal(access(path, F_OK), 0); /* empty month removed */

  /* By age: 30 days before 2026-05-15 removes April's and older. */
  assert_int_equal(
      pp_archive_retention(&a, 30, 0, 1778803200, NULL, NULL, &removed), 0);
  assert_int_equal(removed, 2);
  assert_true(pp_archive_has(&a, ids[4]));

  assert_int_equal(pp_archive_write_index(&a, "ACME", status_of, NULL), 0);
  snprintf(path, sizeof(path), "%s/index.html", dir);
  struct pp_buf page;
  assert_int_equal(pp_file_read(path, BUF_MAX, &page), 0);
  assert_non_null(strstr(page.data, ids[4]));
  assert_non_null(strstr(page.data, "queued"));
  assert_non_null(strstr(page.data, "<td class=\"num\">3</td>"));
  pp_buf_free(&page);
  rm_rf(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_base64_rfc4648_vectors),
      cmocka_unit_test(test_base64_lines_of_76),
      cmocka_unit_test(test_quoted_printable),
      cmocka_unit_test(test_quoted_printable_soft_breaks),
      cmocka_unit_test(test_url_redact),
      cmocka_unit_test(test_address_checks),
      cmocka_unit_test(test_header_text_strips_line_breaks),
      cmocka_unit_test(test_date_is_rfc5322_utc),
      cmocka_unit_test(test_message_structure),
      cmocka_unit_test(test_message_refuses_bad_input),
      cmocka_unit_test(test_message_cap),
      cmocka_unit_test(test_dss_ids),
      cmocka_unit_test(test_dss_message_has_no_injection),
      cmocka_unit_test(test_dss_meter_readings),
      cmocka_unit_test(test_dss_html_escapes_everything),
      cmocka_unit_test(test_dss_totals_line),
      cmocka_unit_test(test_atomic_write_leaves_no_temp),
      cmocka_unit_test(test_spool_flow_and_crash_recovery),
      cmocka_unit_test(test_dir_lock_one_holder),
      cmocka_unit_test(test_archive_retention_and_index),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
