/* SPDX-License-Identifier: MIT */
/* Signed fleet reports (docs/signing.md): each site signs its report.json
 * with an Ed25519 key of its own (libsodium), and the vendor checks the
 * signature against the site's registered public key before it stores a
 * single reading.
 *
 * Files:
 *   key file   "printprobe-ed25519-secret-v1 <base64 seed>\n", mode 0600;
 *              refused when its group or others may read it
 *   FILE.pub   "printprobe-ed25519-v1 <key id> <base64 public key>\n"
 *   report.sig the signature attachment: "Name: value" lines (Format,
 *              Algorithm, Key-Id, Message-ID, Signature)
 *
 * What is signed is domain-separated and bound to the Message-ID, so a
 * signature can neither be taken for another purpose nor replayed under
 * another message: "printprobe-report-v1\n" Message-ID "\n" report.json. */
#ifndef PP_SIGN_H
#define PP_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "pp_buf.h"

#define PP_SIGN_DOMAIN "printprobe-report-v1\n"
#define PP_SIGN_SECRET_TAG "printprobe-ed25519-secret-v1"
#define PP_SIGN_PUBLIC_TAG "printprobe-ed25519-v1"
#define PP_SIGN_SIG_FORMAT "printprobe-report-sig-v1"
#define PP_SIGN_ALGORITHM "ed25519"
/* 16 hex digits: the first 8 bytes of SHA-256 of the public key. */
#define PP_SIGN_KEY_ID_LEN 17
#define PP_SIGN_PUBLIC_BYTES 32
#define PP_SIGN_SECRET_BYTES 64
#define PP_SIGN_BYTES 64
/* Longest Message-ID a signature carries (pp_fleet's cap). */
#define PP_SIGN_MESSAGE_ID_MAX 320

struct pp_sign_public {
  unsigned char key[PP_SIGN_PUBLIC_BYTES];
  char id[PP_SIGN_KEY_ID_LEN];
};

struct pp_sign_key {
  unsigned char secret[PP_SIGN_SECRET_BYTES];
  struct pp_sign_public pub;
};

/* A parsed report.sig. */
struct pp_sign_sig {
  char key_id[PP_SIGN_KEY_ID_LEN];
  char message_id[PP_SIGN_MESSAGE_ID_MAX];
  unsigned char sig[PP_SIGN_BYTES];
};

/* libsodium's start; safe to call more than once. 0 or -EIO. */
int pp_sign_init(void);

/* Loads the key file at path, or creates it (mode 0600) when missing;
 * writes path.pub when that is missing. *created says whether the key is
 * new. A key file that its group or others may access, that is not a
 * regular file, or that does not hold one key line is refused: err says
 * why. Returns 0 or a negative errno. */
int pp_sign_key_load_or_create(const char *path, struct pp_sign_key *out,
                               bool *created, char *err, size_t errlen);
/* Wipes the secret. */
void pp_sign_key_clear(struct pp_sign_key *key);

/* The public key line (FILE.pub's content, with its newline). */
int pp_sign_public_format(const struct pp_sign_public *pub, char *out,
                          size_t outlen);
/* Reads a public key line (text need not be NUL-terminated). */
int pp_sign_public_parse(const char *text, size_t len,
                         struct pp_sign_public *out, char *err, size_t errlen);
int pp_sign_public_load(const char *path, struct pp_sign_public *out, char *err,
                        size_t errlen);

/* Appends report.sig for this Message-ID and report.json to out. */
int pp_sign_report(const struct pp_sign_key *key, const char *message_id,
                   const void *json, size_t json_len, struct pp_buf *out);

/* Reads report.sig. -EINVAL with err for anything but one known format. */
int pp_sign_sig_parse(const char *text, size_t len, struct pp_sign_sig *out,
                      char *err, size_t errlen);

/* Whether sig is pub's signature of report.json sent as message_id (the
 * message's own header, which must also be the one signed). */
bool pp_sign_verify(const struct pp_sign_public *pub,
                    const struct pp_sign_sig *sig, const char *message_id,
                    const void *json, size_t json_len);

#endif
