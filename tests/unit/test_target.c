/* SPDX-License-Identifier: MIT */
/* Unit tests for target parsing. Parsing only: nothing here resolves a name
 * or sends a packet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pp_target.h"

#define ERR_LEN 1024

/* ---- Helpers ----------------------------------------------------------- */

struct accept_case {
  const char *spec;
  size_t count;
  const char *first_host;
  unsigned first_port;
  const char *first_label;
  const char *last_host;
  const char *last_label;
  bool ipv6;
};

static void check_str(const char *spec, const char *what, const char *got,
                      const char *want) {
  if (strcmp(got, want) != 0)
    fail_msg("spec \"%s\": %s is \"%s\", want \"%s\"", spec, what, got, want);
}

static void check_target(const char *spec, const struct pp_target *t,
                         const char *host, unsigned port, const char *label,
                         bool ipv6) {
  check_str(spec, "host", t->host, host);
  check_str(spec, "label", t->label, label);
  if (t->port != port || t->snmp.port != port)
    fail_msg("spec \"%s\": port %u (snmp.port %u), want %u", spec, t->port,
             t->snmp.port, port);
  if (t->ipv6 != ipv6)
    fail_msg("spec \"%s\": ipv6 is %d, want %d", spec, t->ipv6, ipv6);
}

/* Parses c->spec with default options and checks count, first and last. */
static void check_accept(const struct accept_case *c) {
  struct pp_snmp_opts opts;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  pp_snmp_opts_default(&opts);
  int rc = pp_targets_add_spec(&list, c->spec, &opts, err, sizeof err);
  if (rc != 0)
    fail_msg("spec \"%s\": rc %d, err \"%s\"", c->spec, rc, err);
  if (list.count != c->count)
    fail_msg("spec \"%s\": %zu targets, want %zu", c->spec, list.count,
             c->count);
  check_target(c->spec, &list.items[0], c->first_host, c->first_port,
               c->first_label, c->ipv6);
  /* Every item of one spec has the same port. */
  check_target(c->spec, &list.items[list.count - 1],
               c->last_host ? c->last_host : c->first_host, c->first_port,
               c->last_label ? c->last_label : c->first_label, c->ipv6);
  pp_targets_free(&list);
}

static void check_accept_table(const struct accept_case *cases, size_t n) {
  for (size_t i = 0; i < n; i++)
    check_accept(&cases[i]);
}

#define ACCEPT_TABLE(cases)                                                    \
  check_accept_table(cases, sizeof cases / sizeof *cases)

struct reject_case {
  const char *spec;
  const char *reason; /* a part of the expected message */
};

/* A rejected spec must leave an existing list exactly as it was. */
static void check_reject(const char *spec, const char *shown,
                         const char *reason) {
  struct pp_snmp_opts opts;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  char want[ERR_LEN];
  pp_snmp_opts_default(&opts);
  assert_int_equal(
      pp_targets_add_spec(&list, "192.0.2.1", &opts, err, sizeof err), 0);
  struct pp_target *items = list.items;
  int rc = pp_targets_add_spec(&list, spec, &opts, err, sizeof err);
  if (rc != -EINVAL)
    fail_msg("spec \"%s\": rc %d, want -EINVAL (err \"%s\")", shown, rc, err);
  if (list.count != 1 || list.items != items)
    fail_msg("spec \"%s\": list changed (count %zu)", shown, list.count);
  snprintf(want, sizeof want, "bad target \"%s\": ", shown);
  if (strstr(err, want) == NULL)
    fail_msg("spec \"%s\": message \"%s\" lacks \"%s\"", shown, err, want);
  if (strstr(err, reason) == NULL)
    fail_msg("spec \"%s\": message \"%s\" lacks \"%s\"", shown, err, reason);
  pp_targets_free(&list);
}

static void check_reject_table(const struct reject_case *cases, size_t n) {
  for (size_t i = 0; i < n; i++)
    check_reject(cases[i].spec, cases[i].spec, cases[i].reason);
}

#define REJECT_TABLE(cases)                                                    \
  check_reject_table(cases, sizeof cases / sizeof *cases)

/* Writes text to a new temporary file; its path goes to path. */
static void write_temp(char *path, size_t pathlen, const char *text,
                       size_t len) {
  const char *dir = getenv("TMPDIR");
  snprintf(path, pathlen, "%s/pp_targets_XXXXXX",
           dir != NULL && *dir != '\0' ? dir : "/tmp");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, len), (ssize_t)len);
  assert_int_equal(close(fd), 0);
}

static int read_text(struct pp_target_list *list, const char *text, char *err,
                     size_t errlen, char *path, size_t pathlen) {
  struct pp_snmp_opts opts;
  pp_snmp_opts_default(&opts);
  write_temp(path, pathlen, text, strlen(text));
  int rc = pp_targets_read_file(list, path, &opts, err, errlen);
  unlink(path);
  return rc;
}

/* ---- Accepted forms ---------------------------------------------------- */

static void test_single_hosts_are_accepted(void **state) {
  (void)state;
  static const struct accept_case cases[] = {
      {"printer1.example.com", 1, "printer1.example.com", 161,
       "printer1.example.com", NULL, NULL, false},
      {"printer1", 1, "printer1", 161, "printer1", NULL, NULL, false},
      {"PRN-3F.Site_A.example", 1, "PRN-3F.Site_A.example", 161,
       "PRN-3F.Site_A.example", NULL, NULL, false},
      {"3com-printer", 1, "3com-printer", 161, "3com-printer", NULL, NULL,
       false},
      {"printer1:1161", 1, "printer1", 1161, "printer1:1161", NULL, NULL,
       false},
      {"192.0.2.7", 1, "192.0.2.7", 161, "192.0.2.7", NULL, NULL, false},
      {"192.0.2.7:1161", 1, "192.0.2.7", 1161, "192.0.2.7:1161", NULL, NULL,
       false},
      {"192.0.2.7:161", 1, "192.0.2.7", 161, "192.0.2.7", NULL, NULL, false},
      {"192.0.2.7:65535", 1, "192.0.2.7", 65535, "192.0.2.7:65535", NULL, NULL,
       false},
      {"192.0.2.7:1", 1, "192.0.2.7", 1, "192.0.2.7:1", NULL, NULL, false},
      {"0.0.0.0", 1, "0.0.0.0", 161, "0.0.0.0", NULL, NULL, false},
  };
  ACCEPT_TABLE(cases);
}

static void test_whitespace_around_spec_is_trimmed(void **state) {
  (void)state;
  static const struct accept_case cases[] = {
      {"  192.0.2.7\t", 1, "192.0.2.7", 161, "192.0.2.7", NULL, NULL, false},
      {"\r\n printer1:1161 \r\n", 1, "printer1", 1161, "printer1:1161", NULL,
       NULL, false},
      {" [::1]:1161 ", 1, "::1", 1161, "[::1]:1161", NULL, NULL, true},
  };
  ACCEPT_TABLE(cases);
}

static void test_ipv6_forms_are_accepted(void **state) {
  (void)state;
  static const struct accept_case cases[] = {
      {"::1", 1, "::1", 161, "::1", NULL, NULL, true},
      {"2001:db8::7", 1, "2001:db8::7", 161, "2001:db8::7", NULL, NULL, true},
      {"[::1]:1161", 1, "::1", 1161, "[::1]:1161", NULL, NULL, true},
      {"[2001:db8::7]:1161", 1, "2001:db8::7", 1161, "[2001:db8::7]:1161", NULL,
       NULL, true},
      {"[2001:db8::7]:161", 1, "2001:db8::7", 161, "2001:db8::7", NULL, NULL,
       true},
      {"[2001:db8::7]", 1, "2001:db8::7", 161, "2001:db8::7", NULL, NULL, true},
      /* Stored canonical, so one printer has one name in reports. */
      {"2001:DB8:0:0:0:0:0:7", 1, "2001:db8::7", 161, "2001:db8::7", NULL, NULL,
       true},
      {"::ffff:192.0.2.1", 1, "::ffff:192.0.2.1", 161, "::ffff:192.0.2.1", NULL,
       NULL, true},
  };
  ACCEPT_TABLE(cases);
}

static void test_cidr_excludes_network_and_broadcast(void **state) {
  (void)state;
  static const struct accept_case cases[] = {
      {"192.0.2.0/30", 2, "192.0.2.1", 161, "192.0.2.1", "192.0.2.2",
       "192.0.2.2", false},
      {"192.0.2.0/29", 6, "192.0.2.1", 161, "192.0.2.1", "192.0.2.6",
       "192.0.2.6", false},
      {"192.0.2.0/24", 254, "192.0.2.1", 161, "192.0.2.1", "192.0.2.254",
       "192.0.2.254", false},
      {"198.51.100.0/23", 510, "198.51.100.1", 161, "198.51.100.1",
       "198.51.101.254", "198.51.101.254", false},
  };
  ACCEPT_TABLE(cases);
}

static void test_cidr_31_and_32_include_every_address(void **state) {
  (void)state;
  static const struct accept_case cases[] = {
      {"192.0.2.0/31", 2, "192.0.2.0", 161, "192.0.2.0", "192.0.2.1",
       "192.0.2.1", false},
      {"192.0.2.9/32", 1, "192.0.2.9", 161, "192.0.2.9", NULL, NULL, false},
  };
  ACCEPT_TABLE(cases);
}

static void test_cidr_host_bits_are_ignored(void **state) {
  (void)state;
  static const struct accept_case cases[] = {
      {"192.0.2.13/29", 6, "192.0.2.9", 161, "192.0.2.9", "192.0.2.14",
       "192.0.2.14", false},
      {"192.0.2.3/31", 2, "192.0.2.2", 161, "192.0.2.2", "192.0.2.3",
       "192.0.2.3", false},
  };
  ACCEPT_TABLE(cases);
}

static void test_cidr_and_range_take_a_port(void **state) {
  (void)state;
  static const struct accept_case cases[] = {
      {"192.0.2.0/30:1161", 2, "192.0.2.1", 1161, "192.0.2.1:1161", "192.0.2.2",
       "192.0.2.2:1161", false},
      {"192.0.2.10-12:1161", 3, "192.0.2.10", 1161, "192.0.2.10:1161",
       "192.0.2.12", "192.0.2.12:1161", false},
      {"[2001:db8::/127]:1161", 2, "2001:db8::", 1161, "[2001:db8::]:1161",
       "2001:db8::1", "[2001:db8::1]:1161", true},
  };
  ACCEPT_TABLE(cases);
}

static void test_ranges_are_inclusive(void **state) {
  (void)state;
  static const struct accept_case cases[] = {
      {"192.0.2.10-192.0.2.99", 90, "192.0.2.10", 161, "192.0.2.10",
       "192.0.2.99", "192.0.2.99", false},
      {"192.0.2.10-99", 90, "192.0.2.10", 161, "192.0.2.10", "192.0.2.99",
       "192.0.2.99", false},
      {"192.0.2.5-5", 1, "192.0.2.5", 161, "192.0.2.5", NULL, NULL, false},
      {"192.0.2.0-255", 256, "192.0.2.0", 161, "192.0.2.0", "192.0.2.255",
       "192.0.2.255", false},
      {"192.0.2.250-192.0.3.5", 12, "192.0.2.250", 161, "192.0.2.250",
       "192.0.3.5", "192.0.3.5", false},
  };
  ACCEPT_TABLE(cases);
}

static void test_ipv6_cidr_includes_every_address(void **state) {
  (void)state;
  static const struct accept_case cases[] = {
      {"2001:db8::/126", 4, "2001:db8::", 161, "2001:db8::", "2001:db8::3",
       "2001:db8::3", true},
      {"2001:db8::1:5/126", 4, "2001:db8::1:4", 161, "2001:db8::1:4",
       "2001:db8::1:7", "2001:db8::1:7", true},
      {"2001:db8::9/128", 1, "2001:db8::9", 161, "2001:db8::9", NULL, NULL,
       true},
      {"2001:db8::ff00/120", 256, "2001:db8::ff00", 161, "2001:db8::ff00",
       "2001:db8::ffff", "2001:db8::ffff", true},
  };
  ACCEPT_TABLE(cases);
}

static void test_expansion_of_exactly_the_limit_is_accepted(void **state) {
  (void)state;
  static const struct accept_case cases[] = {
      {"10.0.0.0-10.0.255.255", 65536, "10.0.0.0", 161, "10.0.0.0",
       "10.0.255.255", "10.0.255.255", false},
      {"2001:db8::/112", 65536, "2001:db8::", 161,
       "2001:db8::", "2001:db8::ffff", "2001:db8::ffff", true},
  };
  ACCEPT_TABLE(cases);
}

static void test_longest_host_name_is_accepted(void **state) {
  (void)state;
  /* 4 labels of 63 plus 3 dots = 255 is too long; 63+63+63+61 + 3 = 253. */
  char name[254];
  memset(name, 'a', 253);
  name[63] = name[127] = name[191] = '.';
  name[253] = '\0';
  struct accept_case c = {name, 1, name, 161, name, NULL, NULL, false};
  check_accept(&c);
}

static void test_items_copy_opts_with_their_port(void **state) {
  (void)state;
  struct pp_snmp_opts opts;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  pp_snmp_opts_default(&opts);
  opts.version = PP_SNMP_V3;
  opts.port = 1161;
  opts.retries = 5;
  snprintf(opts.username, sizeof opts.username, "monitor");
  assert_int_equal(
      pp_targets_add_spec(&list, "192.0.2.1", &opts, err, sizeof err), 0);
  assert_int_equal(
      pp_targets_add_spec(&list, "192.0.2.2:161", &opts, err, sizeof err), 0);
  assert_int_equal(list.count, 2);
  /* The label shows a port only when it differs from the options' port. */
  check_target("192.0.2.1", &list.items[0], "192.0.2.1", 1161, "192.0.2.1",
               false);
  check_target("192.0.2.2:161", &list.items[1], "192.0.2.2", 161,
               "192.0.2.2:161", false);
  assert_int_equal(list.items[1].snmp.version, PP_SNMP_V3);
  assert_int_equal(list.items[1].snmp.retries, 5);
  assert_string_equal(list.items[1].snmp.username, "monitor");
  assert_int_equal(opts.port, 1161);
  pp_targets_free(&list);
}

static void test_list_grows_by_doubling(void **state) {
  (void)state;
  struct pp_snmp_opts opts;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  pp_snmp_opts_default(&opts);
  for (int i = 1; i <= 200; i++) {
    char spec[32];
    snprintf(spec, sizeof spec, "10.0.%d.%d", i / 100, i % 100);
    assert_int_equal(pp_targets_add_spec(&list, spec, &opts, err, sizeof err),
                     0);
    assert_true(list.cap >= list.count);
    /* A power of two: grown only by doubling. */
    assert_int_equal(list.cap & (list.cap - 1), 0);
  }
  assert_int_equal(list.count, 200);
  assert_string_equal(list.items[199].host, "10.0.2.0");
  pp_targets_free(&list);
}

static void test_free_zeroes_the_list(void **state) {
  (void)state;
  struct pp_snmp_opts opts;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  pp_snmp_opts_default(&opts);
  assert_int_equal(
      pp_targets_add_spec(&list, "192.0.2.0/28", &opts, err, sizeof err), 0);
  pp_targets_free(&list);
  assert_null(list.items);
  assert_int_equal(list.count, 0);
  assert_int_equal(list.cap, 0);
  pp_targets_free(&list); /* twice is harmless */
}

/* ---- Rejected forms ---------------------------------------------------- */

static void test_bad_ipv4_addresses_are_rejected(void **state) {
  (void)state;
  static const struct reject_case cases[] = {
      {"192.0.2.256", "not a valid IPv4 address"},
      {"192.0.2", "not a valid IPv4 address"},
      {"192.0.2.1.5", "not a valid IPv4 address"},
      {"300.1.1.1:161", "not a valid IPv4 address"},
      {"192..2.1", "not a valid IPv4 address"},
      {"12345", "not a valid IPv4 address"},
  };
  REJECT_TABLE(cases);
}

static void test_bad_ports_are_rejected(void **state) {
  (void)state;
  static const struct reject_case cases[] = {
      {"192.0.2.1:0", "port must be a number 1..65535"},
      {"192.0.2.1:70000", "port must be a number 1..65535"},
      {"192.0.2.1:99999999999999999999", "port must be a number 1..65535"},
      {"192.0.2.1:+161", "port must be a number 1..65535"},
      {"192.0.2.1:16x", "port must be a number 1..65535"},
      {"printer1:", "missing port"},
      {":161", "missing host"},
      {"[::1]:0", "port must be a number 1..65535"},
      {"[::1]:70000", "port must be a number 1..65535"},
      {"[::1]:", "missing port"},
  };
  REJECT_TABLE(cases);
}

static void test_bad_cidr_blocks_are_rejected(void **state) {
  (void)state;
  static const struct reject_case cases[] = {
      {"10.1.2.0/33", "prefix length must be 0..32"},
      {"10.1.2.0/", "prefix length must be 0..32"},
      {"10.1.2.0/-1", "prefix length must be 0..32"},
      {"10.1.2.0/2x", "prefix length must be 0..32"},
      {"10.1.2/24", "not a valid IPv4 network address"},
      {"printer/24", "not a valid IPv4 network address"},
      {"10.0.0.0/8", "expands to 16777214 addresses, more than the limit"},
      {"10.0.0.0/15", "expands to 131070 addresses"},
      {"0.0.0.0/0", "expands to 4294967294 addresses"},
  };
  REJECT_TABLE(cases);
}

static void test_bad_ranges_are_rejected(void **state) {
  (void)state;
  static const struct reject_case cases[] = {
      {"192.0.2.99-192.0.2.10", "range start is after its end"},
      {"192.0.2.99-10", "range start is after its end"},
      {"192.0.2.1-256", "range end must be an IPv4 address or a last octet"},
      {"192.0.2.1-", "range end must be an IPv4 address or a last octet"},
      {"192.0.2.1-x", "range end must be an IPv4 address or a last octet"},
      {"192.0.2.1-192.0.2", "range end is not a valid IPv4 address"},
      {"192.0.2.1-5-9", "range end must be an IPv4 address or a last octet"},
      {"192.0.2.300-310", "range start is not a valid IPv4 address"},
      {"10.0.0.0-10.2.0.0", "expands to 131073 addresses"},
      {"10.0.0.0-10.1.0.0", "expands to 65537 addresses"},
      {"0.0.0.0-255.255.255.255", "expands to 4294967296 addresses"},
  };
  REJECT_TABLE(cases);
}

static void test_bad_host_names_are_rejected(void **state) {
  (void)state;
  static const struct reject_case cases[] = {
      {"printer$1", "'$' is not allowed in a host name"},
      {"printer one", "' ' is not allowed in a host name"},
      {"printer;rm", "';' is not allowed in a host name"},
      {"-printer", "starts or ends with '-'"},
      {"printer-.example.com", "starts or ends with '-'"},
      {"a..example.com", "empty label"},
      {".example.com", "empty label"},
      {"printer.example.com.", "empty label"},
      {"printer.10", "numeric label"},
      {"drucker\xc3\xa4", "non-ASCII character"},
      {"host:port:x", "too many ':'"},
      {"printer:161:1", "too many ':'"},
      {"192.0.2.1:161:2", "too many ':'"},
  };
  REJECT_TABLE(cases);
}

static void test_bad_ipv6_is_rejected(void **state) {
  (void)state;
  static const struct reject_case cases[] = {
      {"2001:db8::g", "not a valid IPv6 address"},
      {"2001:db8:::7", "not a valid IPv6 address"},
      {"cafe::1::2", "not a valid IPv6 address"},
      {"2001:db8::1-2001:db8::5", "not a valid IPv6 address"},
      {"[::1", "missing ']'"},
      {"[::1]x", "only ':port' may follow ']'"},
      {"[]", "empty brackets"},
      {"[192.0.2.1]:161", "not a valid IPv6 address"},
      {"[printer]:161", "not a valid IPv6 address"},
      {"fe80::1%eth0", "zone indexes"},
      {"2001:db8::/64", "IPv6 prefix must be /112 or longer"},
      {"2001:db8::/111", "IPv6 prefix must be /112 or longer"},
      {"2001:db8::/129", "prefix length must be 0..128"},
      {"2001:db8::/", "prefix length must be 0..128"},
      {"2001:db8::zz/120", "not a valid IPv6 network address"},
  };
  REJECT_TABLE(cases);
}

static void test_empty_spec_is_rejected(void **state) {
  (void)state;
  check_reject("", "", "empty target");
  /* Trimmed to nothing: the message shows the trimmed spec. */
  check_reject(" \t\r\n", "", "empty target");
}

static void test_too_long_host_name_is_rejected(void **state) {
  (void)state;
  char name[255];
  memset(name, 'a', 254);
  name[63] = name[127] = name[191] = '.';
  name[254] = '\0';
  check_reject(name, name, "host name is longer than 253 characters");

  char label[65];
  memset(label, 'b', 64);
  label[64] = '\0';
  check_reject(label, label, "label is longer than 63 characters");
}

static void test_overlong_spec_is_cut_in_message(void **state) {
  (void)state;
  char spec[2001];
  char shown[304];
  memset(spec, 'c', 2000);
  spec[2000] = '\0';
  memset(shown, 'c', 300);
  memcpy(shown + 300, "...", 4);
  check_reject(spec, shown, "longer than 260 characters");
}

static void test_control_characters_are_masked_in_message(void **state) {
  (void)state;
  check_reject("printer\x01x", "printer?x", "control character");
  check_reject("printer\nERROR fake", "printer?ERROR fake",
               "control character");
}

static void test_tiny_error_buffer_is_not_overrun(void **state) {
  (void)state;
  struct pp_snmp_opts opts;
  struct pp_target_list list = {0};
  char err[8];
  pp_snmp_opts_default(&opts);
  assert_int_equal(
      pp_targets_add_spec(&list, "10.1.2.0/33", &opts, err, sizeof err),
      -EINVAL);
  assert_int_equal(strlen(err), sizeof err - 1);
  assert_int_equal(pp_targets_add_spec(&list, "10.1.2.0/33", &opts, NULL, 0),
                   -EINVAL);
  assert_int_equal(list.count, 0);
  pp_targets_free(&list);
}

/* ---- Files ------------------------------------------------------------- */

static void test_file_with_comments_blank_lines_crlf_and_lists(void **state) {
  (void)state;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  char path[512];
  static const char text[] =
      "# site A printers\r\n"
      "\r\n"
      "printer1.example.com\r\n"
      "   192.0.2.7:1161   # the old one\n"
      "\n"
      "   \t  \n"
      "192.0.2.0/30, [::1]:1161 192.0.2.20-21,,printer2\n"
      "#192.0.2.99\n"
      "2001:db8::5"; /* no final newline */
  static const struct {
    const char *host;
    const char *label;
  } want[] = {
      {"printer1.example.com", "printer1.example.com"},
      {"192.0.2.7", "192.0.2.7:1161"},
      {"192.0.2.1", "192.0.2.1"},
      {"192.0.2.2", "192.0.2.2"},
      {"::1", "[::1]:1161"},
      {"192.0.2.20", "192.0.2.20"},
      {"192.0.2.21", "192.0.2.21"},
      {"printer2", "printer2"},
      {"2001:db8::5", "2001:db8::5"},
  };
  int rc = read_text(&list, text, err, sizeof err, path, sizeof path);
  if (rc != 0)
    fail_msg("rc %d: %s", rc, err);
  assert_int_equal(list.count, sizeof want / sizeof *want);
  for (size_t i = 0; i < list.count; i++) {
    check_str(want[i].host, "host", list.items[i].host, want[i].host);
    check_str(want[i].host, "label", list.items[i].label, want[i].label);
  }
  pp_targets_free(&list);
}

static void test_empty_file_gives_no_targets(void **state) {
  (void)state;
  static const char *const texts[] = {"", "\n\n", "# only a comment\r\n",
                                      " , ,\t\n"};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    struct pp_target_list list = {0};
    char err[ERR_LEN] = "";
    char path[512];
    assert_int_equal(
        read_text(&list, texts[i], err, sizeof err, path, sizeof path), 0);
    assert_int_equal(list.count, 0);
    pp_targets_free(&list);
  }
}

static void test_file_bad_line_reports_file_and_line(void **state) {
  (void)state;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  char path[512];
  char want[600];
  static const char text[] = "# header\n"
                             "192.0.2.1\n"
                             "\n"
                             "192.0.2.2 10.1.2.0/33 192.0.2.3\n"
                             "192.0.2.4\n";
  assert_int_equal(read_text(&list, text, err, sizeof err, path, sizeof path),
                   -EINVAL);
  snprintf(want, sizeof want,
           "%s:4: bad target \"10.1.2.0/33\": prefix length must be 0..32",
           path);
  assert_string_equal(err, want);
  /* Lines before the bad spec stay; nothing after it is read. */
  assert_int_equal(list.count, 2);
  assert_string_equal(list.items[1].host, "192.0.2.2");
  pp_targets_free(&list);
}

/* A value with blanks, commas or '#' is quoted; quotes and backslashes
 * inside are escaped. */
static void test_file_quoted_option_values(void **state) {
  (void)state;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  char path[512];
  static const char text[] =
      "192.0.2.1 community=\"TOP SECRET, 3\"\n"
      "192.0.2.2, 192.0.2.3 community=\"a#b\\\"c\\\\d\" # comment\n"
      "192.0.2.4 community=plain version=1\n";
  int rc = read_text(&list, text, err, sizeof err, path, sizeof path);
  if (rc != 0)
    fail_msg("rc %d: %s", rc, err);
  assert_int_equal(list.count, 4);
  assert_string_equal(list.items[0].snmp.community, "TOP SECRET, 3");
  assert_string_equal(list.items[1].snmp.community, "a#b\"c\\d");
  assert_string_equal(list.items[2].snmp.community, "a#b\"c\\d");
  assert_string_equal(list.items[3].snmp.community, "plain");
  assert_int_equal(list.items[3].snmp.version, PP_SNMP_V1);
  pp_targets_free(&list);
}

/* An unquoted value with a blank must not turn its second half into a
 * printer (looked up in DNS, printed as an address); the message names
 * the file and line, never the value. */
static void test_file_word_after_option_is_refused(void **state) {
  (void)state;
  static const struct {
    const char *text;
    const char *reason;
  } cases[] = {
      {"192.0.2.1 community=TOP SECRET3\n", "a target after an option"},
      {"community=TOP 192.0.2.1\n", "a target after an option"},
      {"192.0.2.1 community=\"TOP SECRET3\n", "a quote is not closed"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct pp_target_list list = {0};
    char err[ERR_LEN] = "";
    char path[512];
    char want[600];
    assert_int_equal(
        read_text(&list, cases[i].text, err, sizeof err, path, sizeof path),
        -EINVAL);
    snprintf(want, sizeof want, "%s:1: %s", path, cases[i].reason);
    if (strncmp(err, want, strlen(want)) != 0 || strstr(err, "SECRET") ||
        strstr(err, "TOP"))
      fail_msg("case %zu: \"%s\"", i, err);
    assert_int_equal(list.count, 0);
    pp_targets_free(&list);
  }
}

/* The expansion limit holds for the whole list, not per line: two /16
 * lines are refused at the second, before its memory is taken. */
static void test_total_target_limit(void **state) {
  (void)state;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  char path[512];
  static const char text[] = "198.18.0.0/16\n"
                             "198.19.0.0/16\n"
                             "198.20.0.0/16\n";
  assert_int_equal(read_text(&list, text, err, sizeof err, path, sizeof path),
                   -EINVAL);
  char want[600];
  snprintf(want, sizeof want, "%s:2: bad target \"198.19.0.0/16\"", path);
  if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, "in all"))
    fail_msg("\"%s\"", err);
  assert_int_equal(list.count, 65534);
  assert_true(list.cap <= PP_TARGET_MAX_TOTAL);
  pp_targets_free(&list);

  /* The same through specs, as a command line gives them. */
  struct pp_snmp_opts opts;
  pp_snmp_opts_default(&opts);
  assert_int_equal(
      pp_targets_add_spec(&list, "198.18.0.0/16", &opts, err, sizeof err), 0);
  assert_int_equal(
      pp_targets_add_spec(&list, "198.19.0.0/30", &opts, err, sizeof err), 0);
  assert_int_equal(
      pp_targets_add_spec(&list, "198.20.0.0/30", &opts, err, sizeof err),
      -EINVAL);
  assert_int_equal(list.count, PP_TARGET_MAX_TOTAL);
  pp_targets_free(&list);
}

static void test_file_crlf_line_numbers_count_right(void **state) {
  (void)state;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  char path[512];
  char want[600];
  static const char text[] = "192.0.2.1\r\n\r\n# c\r\nprinter$\r\n";
  assert_int_equal(read_text(&list, text, err, sizeof err, path, sizeof path),
                   -EINVAL);
  snprintf(want, sizeof want, "%s:4: bad target \"printer$\"", path);
  if (strstr(err, want) == NULL)
    fail_msg("\"%s\" lacks \"%s\"", err, want);
  pp_targets_free(&list);
}

static void test_file_with_nul_byte_is_rejected(void **state) {
  (void)state;
  struct pp_snmp_opts opts;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  char path[512];
  char want[600];
  static const char text[] = "192.0.2.1\n192.0.2.2\0 192.0.2.3\n";
  pp_snmp_opts_default(&opts);
  write_temp(path, sizeof path, text, sizeof text - 1);
  assert_int_equal(pp_targets_read_file(&list, path, &opts, err, sizeof err),
                   -EINVAL);
  unlink(path);
  snprintf(want, sizeof want, "%s:2: line contains a NUL byte", path);
  assert_string_equal(err, want);
  pp_targets_free(&list);
}

static void test_missing_file_reports_strerror(void **state) {
  (void)state;
  struct pp_snmp_opts opts;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  char path[512];
  char want[600];
  pp_snmp_opts_default(&opts);
  /* A name that surely does not exist: a temporary file, removed. */
  write_temp(path, sizeof path, "", 0);
  unlink(path);
  assert_int_equal(pp_targets_read_file(&list, path, &opts, err, sizeof err),
                   -ENOENT);
  snprintf(want, sizeof want, "cannot open %s: %s", path, strerror(ENOENT));
  assert_string_equal(err, want);
  assert_int_equal(list.count, 0);
}

static void test_directory_as_file_reports_read_error(void **state) {
  (void)state;
  struct pp_snmp_opts opts;
  struct pp_target_list list = {0};
  char err[ERR_LEN] = "";
  pp_snmp_opts_default(&opts);
  int rc = pp_targets_read_file(&list, "/", &opts, err, sizeof err);
  assert_true(rc < 0);
  assert_non_null(strstr(err, "/: "));
  assert_non_null(strstr(err, strerror(-rc)));
  assert_int_equal(list.count, 0);
}

/* ---- SNMP options ------------------------------------------------------ */

static void test_opts_default_values(void **state) {
  (void)state;
  struct pp_snmp_opts opts;
  memset(&opts, 0x5a, sizeof opts);
  pp_snmp_opts_default(&opts);
  assert_int_equal(opts.version, PP_SNMP_V2C);
  assert_string_equal(opts.community, "public");
  assert_int_equal(opts.port, 161);
  assert_int_equal(opts.timeout_ms, PP_DEFAULT_TIMEOUT_MS);
  assert_int_equal(opts.retries, PP_DEFAULT_RETRIES);
  assert_string_equal(opts.username, "");
  assert_int_equal(opts.auth_proto, PP_AUTH_NONE);
  assert_string_equal(opts.auth_pass, "");
  assert_int_equal(opts.priv_proto, PP_PRIV_NONE);
  assert_string_equal(opts.priv_pass, "");
  assert_string_equal(opts.context, "");
  char err[ERR_LEN] = "";
  assert_int_equal(pp_snmp_opts_check(&opts, err, sizeof err), 0);
}

#define AUTH_SECRET "Auth-Secret-7x"
#define PRIV_SECRET "Priv-Secret-9q"
#define SHORT_SECRET "Sh0rt!7" /* 7 characters, one too few */

/* A valid authPriv v3 setup that each case below breaks one way. */
static void v3_auth_priv(struct pp_snmp_opts *o) {
  pp_snmp_opts_default(o);
  o->version = PP_SNMP_V3;
  o->community[0] = '\0';
  snprintf(o->username, sizeof o->username, "monitor");
  o->auth_proto = PP_AUTH_SHA256;
  snprintf(o->auth_pass, sizeof o->auth_pass, AUTH_SECRET);
  o->priv_proto = PP_PRIV_AES;
  snprintf(o->priv_pass, sizeof o->priv_pass, PRIV_SECRET);
}

static void m_none(struct pp_snmp_opts *o) { (void)o; }
static void m_v1(struct pp_snmp_opts *o) { o->version = PP_SNMP_V1; }
static void m_v1_no_community(struct pp_snmp_opts *o) {
  o->version = PP_SNMP_V1;
  o->community[0] = '\0';
}
static void m_v2c_no_community(struct pp_snmp_opts *o) {
  o->community[0] = '\0';
}
static void m_community_unterminated(struct pp_snmp_opts *o) {
  memset(o->community, 'p', sizeof o->community);
}
static void m_v3_auth_priv(struct pp_snmp_opts *o) { v3_auth_priv(o); }
static void m_v3_no_auth(struct pp_snmp_opts *o) {
  v3_auth_priv(o);
  o->auth_proto = PP_AUTH_NONE;
  o->auth_pass[0] = '\0';
  o->priv_proto = PP_PRIV_NONE;
  o->priv_pass[0] = '\0';
}
static void m_v3_auth_no_priv(struct pp_snmp_opts *o) {
  v3_auth_priv(o);
  o->priv_proto = PP_PRIV_NONE;
  o->priv_pass[0] = '\0';
}
static void m_v3_auth_pass_exactly_8(struct pp_snmp_opts *o) {
  v3_auth_priv(o);
  snprintf(o->auth_pass, sizeof o->auth_pass, "12345678");
  snprintf(o->priv_pass, sizeof o->priv_pass, "abcdefgh");
}
static void m_v3_no_user(struct pp_snmp_opts *o) {
  v3_auth_priv(o);
  o->username[0] = '\0';
}
static void m_v3_short_auth(struct pp_snmp_opts *o) {
  v3_auth_priv(o);
  snprintf(o->auth_pass, sizeof o->auth_pass, SHORT_SECRET);
}
static void m_v3_empty_auth(struct pp_snmp_opts *o) {
  v3_auth_priv(o);
  o->auth_pass[0] = '\0';
}
static void m_v3_short_priv(struct pp_snmp_opts *o) {
  v3_auth_priv(o);
  snprintf(o->priv_pass, sizeof o->priv_pass, SHORT_SECRET);
}
static void m_v3_priv_without_auth(struct pp_snmp_opts *o) {
  v3_auth_priv(o);
  o->auth_proto = PP_AUTH_NONE;
}
static void m_v3_auth_unterminated(struct pp_snmp_opts *o) {
  v3_auth_priv(o);
  memset(o->auth_pass, 'A', sizeof o->auth_pass);
}
static void m_v3_bad_auth_proto(struct pp_snmp_opts *o) {
  v3_auth_priv(o);
  o->auth_proto = (enum pp_auth_proto)42;
}
static void m_v3_bad_priv_proto(struct pp_snmp_opts *o) {
  v3_auth_priv(o);
  o->priv_proto = (enum pp_priv_proto)42;
}
static void m_bad_version(struct pp_snmp_opts *o) {
  o->version = (enum pp_snmp_version)4;
}
static void m_timeout_0(struct pp_snmp_opts *o) { o->timeout_ms = 0; }
static void m_timeout_1(struct pp_snmp_opts *o) { o->timeout_ms = 1; }
static void m_timeout_60000(struct pp_snmp_opts *o) { o->timeout_ms = 60000; }
static void m_timeout_60001(struct pp_snmp_opts *o) { o->timeout_ms = 60001; }
static void m_retries_0(struct pp_snmp_opts *o) { o->retries = 0; }
static void m_retries_10(struct pp_snmp_opts *o) { o->retries = 10; }
static void m_retries_11(struct pp_snmp_opts *o) { o->retries = 11; }
static void m_port_0(struct pp_snmp_opts *o) { o->port = 0; }
static void m_port_65535(struct pp_snmp_opts *o) { o->port = 65535; }
static void m_port_65536(struct pp_snmp_opts *o) { o->port = 65536; }

struct opts_case {
  const char *name;
  void (*mutate)(struct pp_snmp_opts *opts); /* applied to the defaults */
  const char *reason;                        /* NULL: must pass */
};

static const struct opts_case opts_cases[] = {
    {"defaults", m_none, NULL},
    {"v1", m_v1, NULL},
    {"v1 without community", m_v1_no_community, "v1 needs a community"},
    {"v2c without community", m_v2c_no_community, "v2c needs a community"},
    {"community unterminated", m_community_unterminated,
     "community is too long"},
    {"v3 authPriv", m_v3_auth_priv, NULL},
    {"v3 noAuthNoPriv", m_v3_no_auth, NULL},
    {"v3 authNoPriv", m_v3_auth_no_priv, NULL},
    {"v3 passphrases of exactly 8", m_v3_auth_pass_exactly_8, NULL},
    {"v3 without user", m_v3_no_user, "v3 needs a username"},
    {"v3 short auth pass", m_v3_short_auth,
     "auth passphrase must have at least 8 characters"},
    {"v3 empty auth pass", m_v3_empty_auth,
     "auth passphrase must have at least 8 characters"},
    {"v3 short priv pass", m_v3_short_priv,
     "privacy passphrase must have at least 8 characters"},
    {"v3 priv without auth", m_v3_priv_without_auth,
     "privacy needs an auth protocol"},
    {"v3 auth pass unterminated", m_v3_auth_unterminated,
     "auth passphrase is too long"},
    {"v3 unknown auth proto", m_v3_bad_auth_proto, "unknown auth protocol"},
    {"v3 unknown priv proto", m_v3_bad_priv_proto, "unknown privacy protocol"},
    {"unknown version", m_bad_version, "unknown SNMP version 4"},
    {"timeout 0", m_timeout_0, "timeout 0 ms is outside 1..60000"},
    {"timeout 1", m_timeout_1, NULL},
    {"timeout 60000", m_timeout_60000, NULL},
    {"timeout 60001", m_timeout_60001, "timeout 60001 ms is outside"},
    {"retries 0", m_retries_0, NULL},
    {"retries 10", m_retries_10, NULL},
    {"retries 11", m_retries_11, "retries 11 is outside 0..10"},
    {"port 0", m_port_0, "port 0 is outside 1..65535"},
    {"port 65535", m_port_65535, NULL},
    {"port 65536", m_port_65536, "port 65536 is outside"},
};

static void test_opts_check_cases(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof opts_cases / sizeof *opts_cases; i++) {
    const struct opts_case *c = &opts_cases[i];
    struct pp_snmp_opts opts;
    char err[ERR_LEN] = "";
    pp_snmp_opts_default(&opts);
    c->mutate(&opts);
    int rc = pp_snmp_opts_check(&opts, err, sizeof err);
    if (c->reason == NULL && rc != 0)
      fail_msg("%s: rc %d, err \"%s\"", c->name, rc, err);
    if (c->reason != NULL && (rc != -EINVAL || strstr(err, c->reason) == NULL))
      fail_msg("%s: rc %d, err \"%s\", want \"%s\"", c->name, rc, err,
               c->reason);
  }
}

static void test_opts_check_never_reveals_secrets(void **state) {
  (void)state;
  static const char *const secrets[] = {AUTH_SECRET, PRIV_SECRET, SHORT_SECRET,
                                        "public",    "AAAAAAAA",  "pppppppp"};
  for (size_t i = 0; i < sizeof opts_cases / sizeof *opts_cases; i++) {
    const struct opts_case *c = &opts_cases[i];
    struct pp_snmp_opts opts;
    char err[ERR_LEN] = "";
    pp_snmp_opts_default(&opts);
    c->mutate(&opts);
    pp_snmp_opts_check(&opts, err, sizeof err);
    for (size_t j = 0; j < sizeof secrets / sizeof *secrets; j++)
      if (strstr(err, secrets[j]) != NULL)
        fail_msg("%s: message \"%s\" reveals a secret", c->name, err);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_single_hosts_are_accepted),
      cmocka_unit_test(test_whitespace_around_spec_is_trimmed),
      cmocka_unit_test(test_ipv6_forms_are_accepted),
      cmocka_unit_test(test_cidr_excludes_network_and_broadcast),
      cmocka_unit_test(test_cidr_31_and_32_include_every_address),
      cmocka_unit_test(test_cidr_host_bits_are_ignored),
      cmocka_unit_test(test_cidr_and_range_take_a_port),
      cmocka_unit_test(test_ranges_are_inclusive),
      cmocka_unit_test(test_ipv6_cidr_includes_every_address),
      cmocka_unit_test(test_expansion_of_exactly_the_limit_is_accepted),
      cmocka_unit_test(test_longest_host_name_is_accepted),
      cmocka_unit_test(test_items_copy_opts_with_their_port),
      cmocka_unit_test(test_list_grows_by_doubling),
      cmocka_unit_test(test_free_zeroes_the_list),
      cmocka_unit_test(test_bad_ipv4_addresses_are_rejected),
      cmocka_unit_test(test_bad_ports_are_rejected),
      cmocka_unit_test(test_bad_cidr_blocks_are_rejected),
      cmocka_unit_test(test_bad_ranges_are_rejected),
      cmocka_unit_test(test_bad_host_names_are_rejected),
      cmocka_unit_test(test_bad_ipv6_is_rejected),
      cmocka_unit_test(test_empty_spec_is_rejected),
      cmocka_unit_test(test_too_long_host_name_is_rejected),
      cmocka_unit_test(test_overlong_spec_is_cut_in_message),
      cmocka_unit_test(test_control_characters_are_masked_in_message),
      cmocka_unit_test(test_tiny_error_buffer_is_not_overrun),
      cmocka_unit_test(test_file_with_comments_blank_lines_crlf_and_lists),
      cmocka_unit_test(test_empty_file_gives_no_targets),
      cmocka_unit_test(test_file_bad_line_reports_file_and_line),
      cmocka_unit_test(test_file_crlf_line_numbers_count_right),
      cmocka_unit_test(test_file_quoted_option_values),
      cmocka_unit_test(test_file_word_after_option_is_refused),
      cmocka_unit_test(test_total_target_limit),
      cmocka_unit_test(test_file_with_nul_byte_is_rejected),
      cmocka_unit_test(test_missing_file_reports_strerror),
      cmocka_unit_test(test_directory_as_file_reports_read_error),
      cmocka_unit_test(test_opts_default_values),
      cmocka_unit_test(test_opts_check_cases),
      cmocka_unit_test(test_opts_check_never_reveals_secrets),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
