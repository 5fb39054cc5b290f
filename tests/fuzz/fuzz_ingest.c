/* SPDX-License-Identifier: MIT */
/* A report mail as the vendor receives it: pp_ingest_message() on either
 * the raw input (first byte even), or (first byte odd) a mail that the
 * fuzz site's key properly signs around the rest of the input as its
 * report.json, so that the report reader behind the signature check is
 * reached too.
 *
 * Checked: the result is stored (0) or quarantined (-EBADMSG) with a
 * reason; raw input, which no key signed, is never stored; a stored report
 * is the fuzz site's, and each printer has its address. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "pp_ingest.h"
#include "pp_mail.h"
#include "pp_sign.h"

#define MESSAGE_ID "<fuzz-1.printprobe@customer.example>"

static struct pp_sign_key site_key;
static struct pp_trusted_keys trusted;
static char key_dir[64]; /* only while the keys are made */

static void remove_key_dir(void) {
  char path[128];
  snprintf(path, sizeof(path), "%s/site.key", key_dir);
  unlink(path);
  snprintf(path, sizeof(path), "%s/site.key.pub", key_dir);
  unlink(path);
  rmdir(key_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  char err[512];
  char path[128];
  bool created;
  snprintf(key_dir, sizeof(key_dir), "/tmp/pp-fuzz-ingest-XXXXXX");
  FUZZ_CHECK(mkdtemp(key_dir) != NULL);
  snprintf(path, sizeof(path), "%s/site.key", key_dir);
  FUZZ_CHECK(pp_sign_key_load_or_create(path, &site_key, &created, err,
                                        sizeof(err)) == 0);
  FUZZ_CHECK(pp_trusted_keys_load(key_dir, &trusted, err, sizeof(err)) == 0);
  /* Both keys are in memory now: a crash later leaves no folder behind. */
  remove_key_dir();
  pp_ingest_init();
  return 0;
}

/* report.json as given, in a mail signed by the fuzz site. */
static int signed_mail(const uint8_t *json, size_t len, struct pp_buf *out) {
  static const char *const to[] = {"dss@vendor.example"};
  struct pp_buf sig;
  pp_buf_init(&sig, 4096);
  FUZZ_CHECK(pp_sign_report(&site_key, MESSAGE_ID, json, len, &sig) == 0);
  const struct pp_mail_attachment files[] = {
      {"report.json", "application/json", (const char *)json, len},
      {"report.sig", "text/plain", sig.data, sig.len},
  };
  const struct pp_mail mail = {.from = "printprobe@customer.example",
                               .to = to,
                               .to_count = 1,
                               .subject = "fuzz",
                               .date = 1788000000,
                               .message_id = MESSAGE_ID,
                               .text = "fuzz\n",
                               .attachments = files,
                               .attachment_count = 2};
  pp_buf_init(out, PP_MAIL_MAX);
  int rc = pp_mail_build(&mail, out);
  pp_buf_free(&sig);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  bool sign = data[0] & 1;
  struct pp_buf mail;
  if (sign) {
    if (signed_mail(data + 1, size - 1, &mail) != 0)
      return 0;
  } else {
    pp_buf_init(&mail, PP_MAIL_MAX);
    FUZZ_CHECK(pp_buf_add(&mail, data + 1, size - 1) == 0);
  }
  struct pp_ingest_report r;
  char reason[512];
  int rc = pp_ingest_message(mail.data ? mail.data : "", mail.len, &trusted, &r,
                             reason, sizeof(reason));
  FUZZ_CHECK(rc == 0 || rc == -EBADMSG || rc == -ENOMEM);
  if (rc == -EBADMSG)
    FUZZ_CHECK(reason[0] != '\0');
  if (!sign)
    FUZZ_CHECK(rc != 0);
  if (rc == 0) {
    FUZZ_CHECK(strcmp(r.site, "site.key") == 0);
    FUZZ_CHECK(strcmp(r.message_id, MESSAGE_ID) == 0);
    for (size_t i = 0; i < r.count; i++)
      FUZZ_CHECK(r.printers[i].address[0] != '\0');
  }
  pp_ingest_report_free(&r);
  pp_buf_free(&mail);
  return 0;
}
