/* SPDX-License-Identifier: MIT */
/* Unit tests for how secrets are held: a warning for a secret file open to
 * its group or others, and a process that holds a secret must not be
 * dumpable (no core file, no ptrace by other processes of the user). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pp_log.h"
#include "pp_secret.h"
#include "pp_snmp_opts.h"

#define SECRET "Mode-Test-Secret-77"

/* Everything the core logged since the last reset, one line each. */
static char logged[4096];
static enum pp_log_level worst = PP_LOG_DEBUG;

static void capture(enum pp_log_level level, const char *msg, void *data) {
  (void)data;
  size_t used = strlen(logged);
  snprintf(logged + used, sizeof(logged) - used, "%s\n", msg);
  if (level < worst)
    worst = level;
}

static void log_reset(void) {
  logged[0] = '\0';
  worst = PP_LOG_DEBUG;
  pp_log_set_sink(capture, NULL, PP_LOG_DEBUG);
}

/* A secret file with the given mode; path gets its name. */
static void secret_file(char *path, size_t len, mode_t mode) {
  snprintf(path, len, "/tmp/pp-secret-XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, SECRET "\n", strlen(SECRET) + 1),
                   (ssize_t)strlen(SECRET) + 1);
  assert_int_equal(fchmod(fd, mode), 0);
  close(fd);
}

static void read_with_mode(mode_t mode) {
  char path[64];
  char out[64];
  char err[256] = "";
  secret_file(path, sizeof(path), mode);
  log_reset();
  int rc = pp_secret_from_file(path, out, sizeof(out), err, sizeof(err));
  unlink(path);
  if (rc != 0)
    fail_msg("mode %04o: %s", (unsigned)mode, err);
  assert_string_equal(out, SECRET);
  if (strstr(logged, SECRET) != NULL)
    fail_msg("the secret was logged: %s", logged);
  bool open_to_others = (mode & 077) != 0;
  if (open_to_others &&
      (strstr(logged, path) == NULL || worst != PP_LOG_WARNING))
    fail_msg("mode %04o: no warning naming %s: \"%s\"", (unsigned)mode, path,
             logged);
  if (!open_to_others && logged[0] != '\0')
    fail_msg("mode %04o: unexpected \"%s\"", (unsigned)mode, logged);
}

static void test_secret_file_mode_warning(void **state) {
  (void)state;
  static const mode_t warned[] = {0644, 0640, 0604, 0660, 0620, 0600 | 01};
  for (size_t i = 0; i < sizeof(warned) / sizeof(warned[0]); i++)
    read_with_mode(warned[i]);
  read_with_mode(0600);
  read_with_mode(0400);
  pp_log_set_sink(NULL, NULL, PP_LOG_WARNING);
}

/* A daemon that reads its password file for each mail warns once. */
static void test_secret_file_warned_once(void **state) {
  (void)state;
  char path[64];
  char out[64];
  char err[256];
  secret_file(path, sizeof(path), 0644);
  log_reset();
  assert_int_equal(
      pp_secret_from_file(path, out, sizeof(out), err, sizeof(err)), 0);
  assert_non_null(strstr(logged, path));
  log_reset();
  assert_int_equal(
      pp_secret_from_file(path, out, sizeof(out), err, sizeof(err)), 0);
  unlink(path);
  if (logged[0] != '\0')
    fail_msg("warned again: \"%s\"", logged);
  pp_log_set_sink(NULL, NULL, PP_LOG_WARNING);
}

static void dumpable_again(void) {
  assert_int_equal(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
  assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
}

/* Each way a secret comes in leaves the process undumpable. */
static void test_holding_a_secret_makes_undumpable(void **state) {
  (void)state;
  char path[64];
  char out[64];
  char err[256];
  secret_file(path, sizeof(path), 0600);
  dumpable_again();
  assert_int_equal(
      pp_secret_from_file(path, out, sizeof(out), err, sizeof(err)), 0);
  assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);

  struct pp_snmp_opts o;
  pp_snmp_opts_default(&o);
  dumpable_again();
  assert_int_equal(
      pp_snmp_opts_set(&o, "CommunityFile", path, err, sizeof(err)), 0);
  assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
  unlink(path);

  dumpable_again();
  assert_int_equal(pp_snmp_opts_set(&o, "Community", "lobby", err, sizeof(err)),
                   0);
  assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);

  dumpable_again();
  setenv("PP_TEST_DUMPABLE_SECRET", SECRET, 1);
  assert_int_equal(pp_secret_from_env("PP_TEST_DUMPABLE_SECRET", out,
                                      sizeof(out), err, sizeof(err)),
                   0);
  unsetenv("PP_TEST_DUMPABLE_SECRET");
  assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);

  /* An unset variable is no secret: nothing changes. */
  dumpable_again();
  assert_int_equal(pp_secret_from_env("PP_TEST_DUMPABLE_UNSET", out,
                                      sizeof(out), err, sizeof(err)),
                   -ENOENT);
  assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_secret_file_mode_warning),
      cmocka_unit_test(test_secret_file_warned_once),
      cmocka_unit_test(test_holding_a_secret_makes_undumpable),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
