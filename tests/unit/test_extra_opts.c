/* SPDX-License-Identifier: MIT */
/* --extra-opts: the monitoring-plugins' ini sections turned into options,
 * placed before the command line's. The .c is included, as in
 * test_nagios_util.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../nagios/np_extra_opts.c"

#define ERR_LEN 512

static char ini_path[64];

static void write_ini(const char *text) {
  snprintf(ini_path, sizeof(ini_path), "/tmp/pp-extra-opts-XXXXXX");
  int fd = mkstemp(ini_path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
}

static void read_ok(const char *section, struct np_arg_list *out) {
  char err[ERR_LEN] = "";
  int rc = np_ini_read(ini_path, section, out, err, sizeof(err));
  if (rc != 0)
    fail_msg("np_ini_read: %s", err);
}

static const char sample[] = "# printers of the second floor\n"
                             "[check_printer_status]\n"
                             "community-file = /etc/pp/community\n"
                             "  t=8\n"
                             "verbose=\n"
                             "; another section\n"
                             "[ floor3 ]\n"
                             "community=floor 3, west\n"
                             "authpasswd = a long passphrase\n";

static void test_sections_and_forms(void **state) {
  (void)state;
  write_ini(sample);
  struct np_arg_list args = {0};
  read_ok("check_printer_status", &args);
  assert_int_equal(args.count, 3);
  assert_string_equal(args.args[0], "--community-file=/etc/pp/community");
  assert_string_equal(args.args[1], "-t8");
  assert_string_equal(args.args[2], "--verbose");
  np_arg_list_free(&args);
  read_ok("floor3", &args);
  assert_int_equal(args.count, 2);
  assert_string_equal(args.args[0], "--community=floor 3, west");
  assert_string_equal(args.args[1], "--authpasswd=a long passphrase");
  np_arg_list_free(&args);
  unlink(ini_path);
}

static void expect_error(const char *text, const char *section,
                         const char *needle) {
  write_ini(text);
  struct np_arg_list args = {0};
  char err[ERR_LEN] = "";
  assert_int_equal(np_ini_read(ini_path, section, &args, err, sizeof(err)), -1);
  if (strstr(err, needle) == NULL || strstr(err, ini_path) == NULL)
    fail_msg("wanted \"%s\" and the file in: %s", needle, err);
  np_arg_list_free(&args);
  unlink(ini_path);
}

/* Every refusal names the file and, where there is one, the line. */
static void test_errors_name_file_and_line(void **state) {
  (void)state;
  expect_error("t=8\n[a]\nt=9\n", "a", ":1: option before any [section]");
  expect_error("[a]\nt 9\n", "a", ":2: no '=' in an option line");
  expect_error("[a]\n = 9\n", "a", ":2: an option line without a name");
  expect_error("[a\nt=9\n", "a", ":1: section name without ']'");
  expect_error("[a]\nt=9\n", "b", "no options in section [b]");
  expect_error("[a]\n[b]\nt=1\n", "a", "no options in section [a]");
  /* A NUL would cut the line short unseen: "community=ab\0cd". */
  write_ini("[a]\ncommunity=ab");
  FILE *f = fopen(ini_path, "a");
  fputc('\0', f);
  fputs("cd\n", f);
  fclose(f);
  struct np_arg_list args = {0};
  char err[ERR_LEN] = "";
  assert_int_equal(np_ini_read(ini_path, "a", &args, err, sizeof(err)), -1);
  assert_non_null(strstr(err, ":2: NUL byte in the line"));
  unlink(ini_path);
}

static void test_missing_file(void **state) {
  (void)state;
  struct np_arg_list args = {0};
  char err[ERR_LEN] = "";
  assert_int_equal(
      np_ini_read("/nonexistent/pp.ini", "x", &args, err, sizeof(err)), -1);
  assert_non_null(strstr(err, "cannot read /nonexistent/pp.ini"));
}

/* The file's options go first: getopt reads the command line's last, so
 * they win. */
static void test_argv_order_and_locators(void **state) {
  (void)state;
  write_ini("[check_x]\nt=7\n[other]\nport=1161\n");
  char locator[128];
  snprintf(locator, sizeof(locator), "--extra-opts=other@%s", ini_path);
  char *in[] = {"check_x", "-H",    "h", "--extra-opts", NULL, "-t",
                "3",       locator, NULL};
  /* "--extra-opts @file": the default section is the plugin's name. */
  char at_file[128];
  snprintf(at_file, sizeof(at_file), "@%s", ini_path);
  in[4] = at_file;
  int argc = 8;
  char **argv = in;
  int first_cli = 0;
  char err[ERR_LEN] = "";
  assert_int_equal(
      np_extra_opts(&argc, &argv, "check_x", &first_cli, err, sizeof(err)), 0);
  const char *want[] = {"check_x", "-t7", "--port=1161", "-H", "h", "-t", "3"};
  assert_int_equal(argc, 7);
  assert_int_equal(first_cli, 3);
  for (int i = 0; i < argc; i++)
    assert_string_equal(argv[i], want[i]);
  assert_null(argv[argc]);
  for (int i = 1; i < first_cli; i++)
    free(argv[i]);
  free(argv);
  unlink(ini_path);
}

static void test_default_file_from_environment(void **state) {
  (void)state;
  write_ini("[check_y]\nretries=1\n");
  setenv("MP_CONFIG_FILE", ini_path, 1);
  assert_string_equal(np_ini_default_file(), ini_path);
  char *in[] = {"check_y", "--extra-opts", "-v", NULL};
  int argc = 3;
  char **argv = in;
  int first_cli = 0;
  char err[ERR_LEN] = "";
  assert_int_equal(
      np_extra_opts(&argc, &argv, "check_y", &first_cli, err, sizeof(err)), 0);
  assert_int_equal(argc, 3);
  assert_string_equal(argv[1], "--retries=1");
  assert_string_equal(argv[2], "-v");
  free(argv[1]);
  free(argv);
  unsetenv("MP_CONFIG_FILE");
  unlink(ini_path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sections_and_forms),
      cmocka_unit_test(test_errors_name_file_and_line),
      cmocka_unit_test(test_missing_file),
      cmocka_unit_test(test_argv_order_and_locators),
      cmocka_unit_test(test_default_file_from_environment),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
