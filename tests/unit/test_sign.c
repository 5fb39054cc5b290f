/* SPDX-License-Identifier: MIT */
/* Unit tests for signed reports (pp_sign): the key file is made with mode
 * 0600 and refused when others may read it or it is malformed; a
 * signature verifies with the public key written next to it, and fails for
 * other bytes, another Message-ID or another key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pp_buf.h"
#include "pp_file.h"
#include "pp_sign.h"

static const char json[] = "{\"printers\":[{\"address\":\"192.0.2.7\"}]}";
static const char mid[] = "<20260826T120000Z-0123456789abcdef.printprobe@x.ex>";

struct scratch {
  char dir[64];
  char key[PATH_MAX];
  char pub[PATH_MAX];
};

static int scratch_setup(void **state) {
  struct scratch *s = calloc(1, sizeof(*s));
  snprintf(s->dir, sizeof(s->dir), "/tmp/pp-sign-XXXXXX");
  assert_non_null(mkdtemp(s->dir));
  snprintf(s->key, sizeof(s->key), "%s/site.key", s->dir);
  snprintf(s->pub, sizeof(s->pub), "%s/site.key.pub", s->dir);
  *state = s;
  return 0;
}

static int scratch_teardown(void **state) {
  struct scratch *s = *state;
  unlink(s->key);
  unlink(s->pub);
  rmdir(s->dir);
  free(s);
  return 0;
}

static void write_text(const char *path, const char *text, mode_t mode) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  assert_int_equal(chmod(path, mode), 0);
}

static void sign_into(const struct pp_sign_key *key, const char *message_id,
                      const char *data, struct pp_buf *sig) {
  pp_buf_init(sig, 4096);
  assert_int_equal(pp_sign_report(key, message_id, data, strlen(data), sig), 0);
}

static void test_key_created_0600_and_reloaded(void **state) {
  struct scratch *s = *state;
  struct pp_sign_key key;
  struct pp_sign_key again;
  bool created = false;
  char err[512];
  mode_t old = umask(0);
  int rc = pp_sign_key_load_or_create(s->key, &key, &created, err, sizeof(err));
  umask(old);
  assert_int_equal(rc, 0);
  assert_true(created);
  struct stat st;
  assert_int_equal(stat(s->key, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(
      pp_sign_key_load_or_create(s->key, &again, &created, err, sizeof(err)),
      0);
  assert_false(created);
  assert_memory_equal(key.pub.key, again.pub.key, sizeof(key.pub.key));
  assert_string_equal(key.pub.id, again.pub.id);
  assert_int_equal(strlen(key.pub.id), PP_SIGN_KEY_ID_LEN - 1);
}

static void test_sign_verify_with_pub_file(void **state) {
  struct scratch *s = *state;
  struct pp_sign_key key;
  bool created;
  char err[512];
  assert_int_equal(
      pp_sign_key_load_or_create(s->key, &key, &created, err, sizeof(err)), 0);
  struct pp_sign_public pub;
  assert_int_equal(pp_sign_public_load(s->pub, &pub, err, sizeof(err)), 0);
  assert_string_equal(pub.id, key.pub.id);

  struct pp_buf text;
  sign_into(&key, mid, json, &text);
  struct pp_sign_sig sig;
  assert_int_equal(
      pp_sign_sig_parse(text.data, text.len, &sig, err, sizeof(err)), 0);
  assert_string_equal(sig.message_id, mid);
  assert_true(pp_sign_verify(&pub, &sig, mid, json, strlen(json)));
  /* One byte of the report changed. */
  char changed[sizeof(json)];
  memcpy(changed, json, sizeof(json));
  changed[20] ^= 1;
  assert_false(pp_sign_verify(&pub, &sig, mid, changed, strlen(changed)));
  /* The same signature under another message's Message-ID. */
  assert_false(pp_sign_verify(&pub, &sig, "<other@x.ex>", json, strlen(json)));
  /* Another site's key. */
  struct pp_sign_public other = pub;
  other.key[0] ^= 1;
  assert_false(pp_sign_verify(&other, &sig, mid, json, strlen(json)));
  pp_buf_free(&text);
}

static void test_forged_signature_refused(void **state) {
  struct scratch *s = *state;
  struct pp_sign_key key;
  bool created;
  char err[512];
  assert_int_equal(
      pp_sign_key_load_or_create(s->key, &key, &created, err, sizeof(err)), 0);
  struct pp_buf text;
  sign_into(&key, mid, json, &text);
  /* The last base64 character before the newline, changed. */
  char *end = text.data + text.len - 2;
  *end = *end == 'A' ? 'B' : 'A';
  struct pp_sign_sig sig;
  int rc = pp_sign_sig_parse(text.data, text.len, &sig, err, sizeof(err));
  if (rc == 0)
    assert_false(pp_sign_verify(&key.pub, &sig, mid, json, strlen(json)));
  pp_buf_free(&text);
}

static void test_sig_file_format_checked(void **state) {
  (void)state;
  struct pp_sign_sig sig;
  char err[256];
  static const char *const bad[] = {
      "",
      "Format: printprobe-report-sig-v2\nAlgorithm: ed25519\n"
      "Key-Id: 0123456789abcdef\nMessage-ID: <a@b>\nSignature: AAAA\n",
      "Format: printprobe-report-sig-v1\nAlgorithm: rsa\n"
      "Key-Id: 0123456789abcdef\nMessage-ID: <a@b>\nSignature: AAAA\n",
      "Format: printprobe-report-sig-v1\nAlgorithm: ed25519\n"
      "Key-Id: 0123456789abcdef\nMessage-ID: <a@b>\n",
      "Format: printprobe-report-sig-v1\nFormat: printprobe-report-sig-v1\n",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    assert_int_equal(
        pp_sign_sig_parse(bad[i], strlen(bad[i]), &sig, err, sizeof(err)),
        -EINVAL);
    assert_true(strstr(err, "report.sig") != NULL);
  }
}

static void test_key_open_to_others_refused(void **state) {
  struct scratch *s = *state;
  struct pp_sign_key key;
  bool created;
  char err[512];
  assert_int_equal(
      pp_sign_key_load_or_create(s->key, &key, &created, err, sizeof(err)), 0);
  assert_int_equal(chmod(s->key, 0644), 0);
  assert_int_equal(
      pp_sign_key_load_or_create(s->key, &key, &created, err, sizeof(err)),
      -EPERM);
  assert_true(strstr(err, "chmod 600") != NULL);
  assert_int_equal(chmod(s->key, 0640), 0);
  assert_int_equal(
      pp_sign_key_load_or_create(s->key, &key, &created, err, sizeof(err)),
      -EPERM);
}

static void test_malformed_key_refused(void **state) {
  struct scratch *s = *state;
  static const char *const bad[] = {
      "",
      "printprobe-ed25519-secret-v1\n",
      "printprobe-ed25519-secret-v1 AAAA\n",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0"
      "dh2l9GKJl\n",
      "printprobe-ed25519-secret-v1 "
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= trailing\n",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    write_text(s->key, bad[i], 0600);
    struct pp_sign_key key;
    bool created = true;
    char err[512];
    assert_int_equal(
        pp_sign_key_load_or_create(s->key, &key, &created, err, sizeof(err)),
        -EINVAL);
    assert_false(created);
    assert_true(strstr(err, "not a printprobe signing key") != NULL);
  }
  /* A well-formed one is taken, and gives the key id it states. */
  write_text(s->key,
             "printprobe-ed25519-secret-v1 "
             "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
             0600);
  struct pp_sign_key key;
  bool created;
  char err[512];
  assert_int_equal(
      pp_sign_key_load_or_create(s->key, &key, &created, err, sizeof(err)), 0);
}

static void test_public_key_line_checked(void **state) {
  (void)state;
  struct pp_sign_public pub;
  char err[256];
  /* The id must be the key's. */
  static const char wrong_id[] = "printprobe-ed25519-v1 0000000000000000 "
                                 "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik="
                                 "\n";
  assert_int_equal(
      pp_sign_public_parse(wrong_id, strlen(wrong_id), &pub, err, sizeof(err)),
      -EINVAL);
  /* A key id that is not the key's, written by the formatter itself. */
  char line[256];
  struct pp_sign_public made = {{0}, "0000000000000000"};
  assert_int_equal(pp_sign_public_format(&made, line, sizeof(line)), 0);
  assert_int_equal(
      pp_sign_public_parse(line, strlen(line), &pub, err, sizeof(err)),
      -EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_key_created_0600_and_reloaded,
                                      scratch_setup, scratch_teardown),
      cmocka_unit_test_setup_teardown(test_sign_verify_with_pub_file,
                                      scratch_setup, scratch_teardown),
      cmocka_unit_test_setup_teardown(test_forged_signature_refused,
                                      scratch_setup, scratch_teardown),
      cmocka_unit_test(test_sig_file_format_checked),
      cmocka_unit_test_setup_teardown(test_key_open_to_others_refused,
                                      scratch_setup, scratch_teardown),
      cmocka_unit_test_setup_teardown(test_malformed_key_refused, scratch_setup,
                                      scratch_teardown),
      cmocka_unit_test(test_public_key_line_checked),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
