/* SPDX-License-Identifier: MIT */
#include "pp_sign.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pp_file.h"
#include "pp_str.h"

#define SEED_BYTES 32
/* A key or public line is well under this; more is not a key file. */
#define KEY_FILE_MAX 512
#define SIG_FILE_MAX 4096
#define B64_VARIANT sodium_base64_VARIANT_ORIGINAL

int pp_sign_init(void) { return sodium_init() < 0 ? -EIO : 0; }

void pp_sign_key_clear(struct pp_sign_key *key) {
  sodium_memzero(key, sizeof(*key));
}

static void key_id_of(const unsigned char *public_key, char *out) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, public_key, PP_SIGN_PUBLIC_BYTES);
  sodium_bin2hex(out, PP_SIGN_KEY_ID_LEN, digest, (PP_SIGN_KEY_ID_LEN - 1) / 2);
}

static int key_from_seed(const unsigned char *seed, struct pp_sign_key *out) {
  if (crypto_sign_seed_keypair(out->pub.key, out->secret, seed) != 0)
    return -EIO;
  key_id_of(out->pub.key, out->pub.id);
  return 0;
}

/* "TAG BASE64" (one word after the tag, then an optional newline) decoded
 * into exactly want bytes. */
static int tagged_base64(const char *line, size_t len, const char *tag,
                         unsigned char *out, size_t want) {
  size_t tag_len = strlen(tag);
  if (len > 0 && line[len - 1] == '\n')
    len--;
  if (len <= tag_len + 1 || memcmp(line, tag, tag_len) != 0 ||
      line[tag_len] != ' ')
    return -EINVAL;
  size_t got = 0;
  const char *end = NULL;
  if (sodium_base642bin(out, want, line + tag_len + 1, len - tag_len - 1, NULL,
                        &got, &end, B64_VARIANT) != 0 ||
      got != want || end != line + len)
    return -EINVAL;
  return 0;
}

/* Writes a new file: a temporary one first, then link(2), which fails when
 * the name exists: two processes never both create a key, and a crash never
 * leaves half a key under the real name. */
static int write_new_file(const char *path, const char *data, size_t len,
                          mode_t mode) {
  char tmp[PATH_MAX];
  if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
      (int)sizeof(tmp))
    return -ENAMETOOLONG;
  unlink(tmp);
  int fd =
      open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return -errno;
  int rc = fchmod(fd, mode) == 0 ? 0 : -errno; /* whatever the umask */
  if (rc == 0)
    rc = pp_fd_write_all(fd, data, len);
  if (rc == 0 && fsync(fd) != 0)
    rc = -errno;
  if (close(fd) != 0 && rc == 0)
    rc = -errno;
  if (rc == 0 && link(tmp, path) != 0)
    rc = -errno;
  unlink(tmp);
  return rc;
}

static int write_public(const char *key_path, const struct pp_sign_public *pub,
                        char *err, size_t errlen) {
  char line[256];
  char pub_path[PATH_MAX];
  PP_TRY(pp_sign_public_format(pub, line, sizeof(line)));
  if (snprintf(pub_path, sizeof(pub_path), "%s.pub", key_path) >=
      (int)sizeof(pub_path))
    return -ENAMETOOLONG;
  /* Derived from the key: rewritten at each start, so it always matches. */
  unlink(pub_path);
  int rc = write_new_file(pub_path, line, strlen(line), 0644);
  if (rc != 0)
    snprintf(err, errlen, "cannot write %s: %s", pub_path, strerror(-rc));
  return rc;
}

static int create_key(const char *path, struct pp_sign_key *out, char *err,
                      size_t errlen) {
  unsigned char seed[SEED_BYTES];
  char b64[sodium_base64_ENCODED_LEN(SEED_BYTES, B64_VARIANT)];
  char line[sizeof(b64) + 64];
  randombytes_buf(seed, sizeof(seed));
  int rc = key_from_seed(seed, out);
  sodium_bin2base64(b64, sizeof(b64), seed, sizeof(seed), B64_VARIANT);
  snprintf(line, sizeof(line), PP_SIGN_SECRET_TAG " %s\n", b64);
  if (rc == 0)
    rc = write_new_file(path, line, strlen(line), 0600);
  if (rc != 0)
    snprintf(err, errlen, "cannot create %s: %s", path, strerror(-rc));
  sodium_memzero(seed, sizeof(seed));
  sodium_memzero(b64, sizeof(b64));
  sodium_memzero(line, sizeof(line));
  return rc;
}

/* Refuses what anyone but the owner may touch: a signing key read by
 * others lets them sign reports in the site's name. */
static int check_key_file(int fd, const char *path, char *err, size_t errlen) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    snprintf(err, errlen, "cannot stat %s: %s", path, strerror(errno));
    return -errno;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "%s is not a regular file", path);
    return -EINVAL;
  }
  if ((st.st_mode & 077) != 0) {
    snprintf(err, errlen,
             "%s is open to its group or others (mode %04o): refused; "
             "chmod 600 it",
             path, (unsigned)(st.st_mode & 07777));
    return -EPERM;
  }
  return 0;
}

static int read_key(int fd, const char *path, struct pp_sign_key *out,
                    char *err, size_t errlen) {
  char text[KEY_FILE_MAX];
  ssize_t got = read(fd, text, sizeof(text));
  if (got < 0) {
    snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    return -errno;
  }
  unsigned char seed[SEED_BYTES];
  int rc = (size_t)got < sizeof(text)
               ? tagged_base64(text, (size_t)got, PP_SIGN_SECRET_TAG, seed,
                               sizeof(seed))
               : -EINVAL;
  if (rc == 0)
    rc = key_from_seed(seed, out);
  else
    snprintf(
        err, errlen,
        "%s is not a printprobe signing key (one line \"" PP_SIGN_SECRET_TAG
        " <base64 of 32 bytes>\")",
        path);
  sodium_memzero(seed, sizeof(seed));
  sodium_memzero(text, sizeof(text));
  return rc;
}

static int load_key(const char *path, struct pp_sign_key *out, char *err,
                    size_t errlen) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    int e = errno;
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(e));
    return -e;
  }
  int rc = check_key_file(fd, path, err, errlen);
  if (rc == 0)
    rc = read_key(fd, path, out, err, errlen);
  close(fd);
  return rc;
}

int pp_sign_key_load_or_create(const char *path, struct pp_sign_key *out,
                               bool *created, char *err, size_t errlen) {
  memset(out, 0, sizeof(*out));
  err[0] = '\0';
  *created = false;
  if (pp_sign_init() != 0) {
    snprintf(err, errlen, "libsodium cannot start");
    return -EIO;
  }
  int rc = load_key(path, out, err, errlen);
  if (rc == -ENOENT) {
    rc = create_key(path, out, err, errlen);
    /* Another process may have made it in between: use that one. */
    if (rc == -EEXIST)
      rc = load_key(path, out, err, errlen);
    else
      *created = rc == 0;
  }
  if (rc == 0)
    rc = write_public(path, &out->pub, err, errlen);
  if (rc != 0)
    pp_sign_key_clear(out);
  return rc;
}

int pp_sign_public_format(const struct pp_sign_public *pub, char *out,
                          size_t outlen) {
  char b64[sodium_base64_ENCODED_LEN(PP_SIGN_PUBLIC_BYTES, B64_VARIANT)];
  sodium_bin2base64(b64, sizeof(b64), pub->key, sizeof(pub->key), B64_VARIANT);
  int n = snprintf(out, outlen, PP_SIGN_PUBLIC_TAG " %s %s\n", pub->id, b64);
  return n < 0 || (size_t)n >= outlen ? -E2BIG : 0;
}

int pp_sign_public_parse(const char *text, size_t len,
                         struct pp_sign_public *out, char *err, size_t errlen) {
  static const char tag[] = PP_SIGN_PUBLIC_TAG " ";
  size_t id_len = PP_SIGN_KEY_ID_LEN - 1;
  size_t skip = sizeof(tag) - 1 + id_len;
  memset(out, 0, sizeof(*out));
  int rc = len > skip && memcmp(text, tag, sizeof(tag) - 1) == 0 ? 0 : -EINVAL;
  /* The key id is stated for people; the key decides, so the id is
   * computed again and must match. */
  char tag_with_id[sizeof(tag) + PP_SIGN_KEY_ID_LEN];
  if (rc == 0) {
    snprintf(tag_with_id, sizeof(tag_with_id), "%.*s", (int)skip, text);
    rc = tagged_base64(text, len, tag_with_id, out->key, sizeof(out->key));
  }
  if (rc == 0) {
    key_id_of(out->key, out->id);
    if (memcmp(out->id, text + sizeof(tag) - 1, id_len) != 0)
      rc = -EINVAL;
  }
  if (rc != 0)
    snprintf(err, errlen,
             "not a printprobe public key (one line \"" PP_SIGN_PUBLIC_TAG
             " <key id> <base64 key>\" whose key id matches its key)");
  return rc;
}

int pp_sign_public_load(const char *path, struct pp_sign_public *out, char *err,
                        size_t errlen) {
  struct pp_buf text;
  int rc = pp_file_read(path, KEY_FILE_MAX, &text);
  if (rc != 0) {
    snprintf(err, errlen, "cannot read %s: %s", path, strerror(-rc));
    return rc;
  }
  char why[200];
  rc = pp_sign_public_parse(text.data, text.len, out, why, sizeof(why));
  if (rc != 0)
    snprintf(err, errlen, "%s: %s", path, why);
  pp_buf_free(&text);
  return rc;
}

/* The bytes signed: domain, Message-ID, newline, report.json. Hashed as a
 * stream (Ed25519ph would differ; plain Ed25519 over the concatenation is
 * what docs/signing.md states), so it is built in one buffer. */
static unsigned char *signed_bytes(const char *message_id, const void *json,
                                   size_t json_len, size_t *len) {
  size_t head = strlen(PP_SIGN_DOMAIN) + strlen(message_id) + 1;
  unsigned char *buf = malloc(head + json_len + 1);
  if (buf == NULL)
    return NULL;
  snprintf((char *)buf, head + 1, "%s%s\n", PP_SIGN_DOMAIN, message_id);
  if (json_len > 0) /* an empty report may come as NULL */
    memcpy(buf + head, json, json_len);
  *len = head + json_len;
  return buf;
}

/* A Message-ID that may stand on a line of report.sig. */
static bool message_id_ok(const char *id) {
  size_t len = strlen(id);
  if (len < 3 || len >= PP_SIGN_MESSAGE_ID_MAX || id[0] != '<' ||
      id[len - 1] != '>')
    return false;
  for (size_t i = 0; i < len; i++) {
    if (id[i] <= ' ' || id[i] > '~')
      return false;
  }
  return true;
}

int pp_sign_report(const struct pp_sign_key *key, const char *message_id,
                   const void *json, size_t json_len, struct pp_buf *out) {
  if (!message_id_ok(message_id))
    return -EINVAL;
  size_t len;
  unsigned char *msg = signed_bytes(message_id, json, json_len, &len);
  if (msg == NULL)
    return -ENOMEM;
  unsigned char sig[PP_SIGN_BYTES];
  crypto_sign_detached(sig, NULL, msg, len, key->secret);
  free(msg);
  char b64[sodium_base64_ENCODED_LEN(PP_SIGN_BYTES, B64_VARIANT)];
  sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), B64_VARIANT);
  return pp_buf_printf(out,
                       "Format: " PP_SIGN_SIG_FORMAT "\n"
                       "Algorithm: " PP_SIGN_ALGORITHM "\n"
                       "Key-Id: %s\n"
                       "Message-ID: %s\n"
                       "Signature: %s\n",
                       key->pub.id, message_id, b64);
}

/* --- reading report.sig --- */

enum sig_field { F_FORMAT, F_ALGORITHM, F_KEY_ID, F_MESSAGE_ID, F_SIGNATURE };
static const char *const sig_fields[] = {"Format", "Algorithm", "Key-Id",
                                         "Message-ID", "Signature"};
#define SIG_FIELD_COUNT (sizeof(sig_fields) / sizeof(sig_fields[0]))

/* Splits "Name: value" lines; each known name once, unknown names refused
 * (a new format gets a new Format line). */
static int sig_lines(const char *text, size_t len,
                     char values[SIG_FIELD_COUNT][PP_SIGN_MESSAGE_ID_MAX],
                     char *err, size_t errlen) {
  bool seen[SIG_FIELD_COUNT] = {false};
  const char *p = text;
  const char *end = text + len;
  for (unsigned lines = 0; p < end && lines < 64; lines++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *line_end = nl ? nl : end;
    size_t line_len = (size_t)(line_end - p);
    if (line_len > 0 && p[line_len - 1] == '\r')
      line_len--;
    const char *colon = memchr(p, ':', line_len);
    size_t i = 0;
    while (colon != NULL && i < SIG_FIELD_COUNT &&
           !((size_t)(colon - p) == strlen(sig_fields[i]) &&
             strncasecmp(p, sig_fields[i], (size_t)(colon - p)) == 0))
      i++;
    if (line_len > 0 &&
        (colon == NULL || i == SIG_FIELD_COUNT || seen[i] ||
         colon + 1 >= p + line_len || colon[1] != ' ' ||
         line_len - (size_t)(colon + 2 - p) >= PP_SIGN_MESSAGE_ID_MAX)) {
      snprintf(err, errlen, "report.sig: line %u is not one known field",
               lines + 1);
      return -EINVAL;
    }
    if (line_len > 0) {
      seen[i] = true;
      snprintf(values[i], PP_SIGN_MESSAGE_ID_MAX, "%.*s",
               (int)(line_len - (size_t)(colon + 2 - p)), colon + 2);
    }
    p = nl ? nl + 1 : end;
  }
  if (p != end) {
    snprintf(err, errlen, "report.sig: more than 64 lines");
    return -EINVAL;
  }
  for (size_t i = 0; i < SIG_FIELD_COUNT; i++) {
    if (!seen[i]) {
      snprintf(err, errlen, "report.sig: no %s line", sig_fields[i]);
      return -EINVAL;
    }
  }
  return 0;
}

int pp_sign_sig_parse(const char *text, size_t len, struct pp_sign_sig *out,
                      char *err, size_t errlen) {
  memset(out, 0, sizeof(*out));
  err[0] = '\0';
  if (len > SIG_FILE_MAX) {
    snprintf(err, errlen, "report.sig: %zu bytes, too large", len);
    return -EINVAL;
  }
  if (len == 0)
    text = ""; /* an empty attachment may come as NULL */
  char values[SIG_FIELD_COUNT][PP_SIGN_MESSAGE_ID_MAX];
  PP_TRY(sig_lines(text, len, values, err, errlen));
  if (strcmp(values[F_FORMAT], PP_SIGN_SIG_FORMAT) != 0 ||
      strcmp(values[F_ALGORITHM], PP_SIGN_ALGORITHM) != 0) {
    snprintf(err, errlen, "report.sig: unknown format \"%.40s\" / %.20s",
             values[F_FORMAT], values[F_ALGORITHM]);
    return -EINVAL;
  }
  size_t got = 0;
  const char *end = NULL;
  const char *b64 = values[F_SIGNATURE];
  if (strlen(values[F_KEY_ID]) != PP_SIGN_KEY_ID_LEN - 1 ||
      !message_id_ok(values[F_MESSAGE_ID]) ||
      sodium_base642bin(out->sig, sizeof(out->sig), b64, strlen(b64), NULL,
                        &got, &end, B64_VARIANT) != 0 ||
      got != sizeof(out->sig) || *end != '\0') {
    snprintf(err, errlen, "report.sig: bad Key-Id, Message-ID or Signature");
    return -EINVAL;
  }
  pp_strlcpy(out->key_id, values[F_KEY_ID], sizeof(out->key_id));
  pp_strlcpy(out->message_id, values[F_MESSAGE_ID], sizeof(out->message_id));
  return 0;
}

bool pp_sign_verify(const struct pp_sign_public *pub,
                    const struct pp_sign_sig *sig, const char *message_id,
                    const void *json, size_t json_len) {
  if (strcmp(sig->message_id, message_id) != 0 ||
      strcmp(sig->key_id, pub->id) != 0)
    return false;
  size_t len;
  unsigned char *msg = signed_bytes(message_id, json, json_len, &len);
  if (msg == NULL)
    return false;
  bool ok = crypto_sign_verify_detached(sig->sig, msg, len, pub->key) == 0;
  free(msg);
  return ok;
}
