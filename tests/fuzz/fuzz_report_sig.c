/* SPDX-License-Identifier: MIT */
/* A report.sig attachment as a vendor receives it from anyone:
 * pp_sign_sig_parse() on the input, then pp_sign_verify() of what parsed.
 *
 * Checked: a parse fails with -EINVAL and a reason, or gives a key id of 16
 * characters and a Message-ID in angle brackets; no parsed signature ever
 * verifies under a key nobody holds (all-zero public key). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_util.h"
#include "pp_sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct pp_sign_sig sig;
  char err[256];
  int rc = pp_sign_sig_parse((const char *)data, size, &sig, err, sizeof(err));
  FUZZ_CHECK(rc == 0 || rc == -EINVAL);
  if (rc != 0) {
    FUZZ_CHECK(err[0] != '\0');
    return 0;
  }
  FUZZ_CHECK(strlen(sig.key_id) == PP_SIGN_KEY_ID_LEN - 1);
  size_t n = strlen(sig.message_id);
  FUZZ_CHECK(n >= 3 && sig.message_id[0] == '<' &&
             sig.message_id[n - 1] == '>');
  struct pp_sign_public nobody = {{0}, ""};
  memcpy(nobody.id, sig.key_id, sizeof(nobody.id));
  FUZZ_CHECK(pp_sign_init() == 0);
  FUZZ_CHECK(!pp_sign_verify(&nobody, &sig, sig.message_id, "{}", 2));
  return 0;
}
