/* SPDX-License-Identifier: MIT */
#include "pp_ingest.h"

#include <dirent.h>
#include <errno.h>
#include <gmime/gmime.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pp_file.h"
#include "pp_report_parse.h"
#include "pp_str.h"

/* A trusted-keys folder of more files than this is not one. */
#define MAX_TRUSTED_KEYS 100000
/* A SITE.pub of a few keys; more is not one. */
#define KEYS_FILE_MAX 16384
/* One printer object, re-serialised for the allowlist parser. */
#define PRINTER_JSON_MAX PP_REPORT_PARSE_MAX_INPUT

/* --- trusted keys --- */

static bool site_name_ok(const char *name, size_t len) {
  if (len == 0 || len >= PP_INGEST_SITE_MAX || name[0] == '.')
    return false;
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return false;
  }
  return true;
}

static int add_key_line(struct pp_trusted_keys *out, const char *site,
                        const char *line, size_t len, const char *path,
                        unsigned number, char *err, size_t errlen) {
  if (out->count >= MAX_TRUSTED_KEYS)
    return -E2BIG;
  void *grown = realloc(out->keys, (out->count + 1) * sizeof(*out->keys));
  if (grown == NULL)
    return -ENOMEM;
  out->keys = grown;
  struct pp_trusted_key *k = &out->keys[out->count];
  pp_strlcpy(k->site, site, sizeof(k->site));
  char why[256];
  if (pp_sign_public_parse(line, len, &k->pub, why, sizeof(why)) != 0) {
    snprintf(err, errlen, "%s line %u: %s", path, number, why);
    return -EINVAL;
  }
  out->count++;
  return 0;
}

/* Whoever may write a trusted key can have reports stored in any site's
 * name: a key or its folder that everybody may write is refused. */
static int check_not_world_writable(const char *path, char *err,
                                    size_t errlen) {
  struct stat st;
  if (stat(path, &st) != 0) {
    int e = errno;
    snprintf(err, errlen, "cannot stat %s: %s", path, strerror(e));
    return -e;
  }
  if (st.st_mode & S_IWOTH) {
    snprintf(err, errlen,
             "%s may be written by anyone (mode %04o): refused; chmod o-w it",
             path, (unsigned)(st.st_mode & 07777));
    return -EPERM;
  }
  return 0;
}

/* SITE.pub: one key line, or several while a site changes its key (the old
 * one stays trusted until its last reports are in). */
static int add_trusted_key(struct pp_trusted_keys *out, const char *dir,
                           const char *file, char *err, size_t errlen) {
  size_t len = strlen(file);
  if (len <= 4 || strcmp(file + len - 4, ".pub") != 0)
    return 0; /* not a key: README, editor backups */
  if (!site_name_ok(file, len - 4)) {
    snprintf(err, errlen, "%s/%s: a site name is letters, digits, '-', '_'",
             dir, file);
    return -EINVAL;
  }
  char site[PP_INGEST_SITE_MAX];
  char path[PATH_MAX];
  struct pp_buf text;
  snprintf(site, sizeof(site), "%.*s", (int)(len - 4), file);
  if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
    return -ENAMETOOLONG;
  PP_TRY(check_not_world_writable(path, err, errlen));
  int rc = pp_file_read(path, KEYS_FILE_MAX, &text);
  if (rc != 0) {
    snprintf(err, errlen, "cannot read %s: %s", path, strerror(-rc));
    return rc;
  }
  const char *p = text.data != NULL ? text.data : "";
  unsigned number = 0;
  for (const char *end = p + text.len; rc == 0 && p < end;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t line_len = nl ? (size_t)(nl - p) : (size_t)(end - p);
    number++;
    if (line_len > 0)
      rc = add_key_line(out, site, p, line_len, path, number, err, errlen);
    p += line_len + (nl != NULL);
  }
  pp_buf_free(&text);
  return rc;
}

int pp_trusted_keys_load(const char *dir, struct pp_trusted_keys *out,
                         char *err, size_t errlen) {
  *out = (struct pp_trusted_keys){0};
  err[0] = '\0';
  if (pp_sign_init() != 0)
    return -EIO;
  int checked = check_not_world_writable(dir, err, errlen);
  if (checked != 0)
    return checked;
  DIR *d = opendir(dir);
  if (d == NULL) {
    int e = errno;
    snprintf(err, errlen, "cannot open %s: %s", dir, strerror(e));
    return -e;
  }
  int rc = 0;
  struct dirent *ent;
  while (rc == 0 && (ent = readdir(d)) != NULL)
    rc = add_trusted_key(out, dir, ent->d_name, err, errlen);
  closedir(d);
  if (rc == 0 && out->count == 0) {
    snprintf(err, errlen, "%s holds no SITE.pub key", dir);
    rc = -ENOENT;
  }
  if (rc != 0 && err[0] == '\0')
    snprintf(err, errlen, "%s: %s", dir, strerror(-rc));
  if (rc != 0)
    pp_trusted_keys_free(out);
  return rc;
}

void pp_trusted_keys_free(struct pp_trusted_keys *keys) {
  free(keys->keys);
  *keys = (struct pp_trusted_keys){0};
}

static const struct pp_trusted_key *
trusted_key(const struct pp_trusted_keys *keys, const char *key_id) {
  for (size_t i = 0; i < keys->count; i++) {
    if (strcmp(keys->keys[i].pub.id, key_id) == 0)
      return &keys->keys[i];
  }
  return NULL;
}

/* --- MIME --- */

void pp_ingest_init(void) { g_mime_init(); }

/* The decoded bytes of the attachments ingest reads; the first of each
 * name counts, a second one is an error (which one was signed?). */
struct attachments {
  GByteArray *json;
  GByteArray *sig;
  bool duplicate;
};

static GByteArray *part_bytes(GMimePart *part) {
  GMimeDataWrapper *content = g_mime_part_get_content(part);
  if (content == NULL)
    return NULL;
  GMimeStream *mem = g_mime_stream_mem_new();
  GByteArray *bytes = NULL;
  if (g_mime_data_wrapper_write_to_stream(content, mem) >= 0) {
    GByteArray *held = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    bytes = g_byte_array_sized_new(held->len);
    g_byte_array_append(bytes, held->data, held->len);
  }
  g_object_unref(mem);
  return bytes;
}

static void keep_attachment(GMimeObject *parent, GMimeObject *part,
                            gpointer data) {
  (void)parent;
  struct attachments *a = data;
  if (!GMIME_IS_PART(part))
    return;
  const char *name = g_mime_part_get_filename(GMIME_PART(part));
  GByteArray **slot = name == NULL                       ? NULL
                      : strcmp(name, "report.json") == 0 ? &a->json
                      : strcmp(name, "report.sig") == 0  ? &a->sig
                                                         : NULL;
  if (slot == NULL)
    return;
  if (*slot != NULL) {
    a->duplicate = true;
    return;
  }
  *slot = part_bytes(GMIME_PART(part));
}

static void attachments_free(struct attachments *a) {
  if (a->json != NULL)
    g_byte_array_free(a->json, TRUE);
  if (a->sig != NULL)
    g_byte_array_free(a->sig, TRUE);
}

static GMimeMessage *parse_mime(const char *data, size_t len) {
  GMimeStream *stream =
      g_mime_stream_mem_new_with_buffer((const char *)data, len);
  GMimeParser *parser = g_mime_parser_new_with_stream(stream);
  GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
  g_object_unref(parser);
  g_object_unref(stream);
  return msg;
}

/* "<id>" as the header carries it; GMime hands it without brackets. */
static int message_id_of(GMimeMessage *msg, char *out, size_t outlen) {
  const char *id = g_mime_message_get_message_id(msg);
  if (id == NULL || id[0] == '\0')
    return -EBADMSG;
  int n = snprintf(out, outlen, "<%s>", id);
  return n < 0 || (size_t)n >= outlen ? -EBADMSG : 0;
}

static int64_t date_of(GMimeMessage *msg) {
  GDateTime *date = g_mime_message_get_date(msg);
  return date != NULL ? (int64_t)g_date_time_to_unix(date) : 0;
}

/* --- the checks --- */

static int quarantine(char *reason, size_t reasonlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int quarantine(char *reason, size_t reasonlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(reason, reasonlen, fmt, ap);
  va_end(ap);
  return -EBADMSG;
}

static int check_signature(const struct attachments *a,
                           const struct pp_trusted_keys *keys,
                           struct pp_ingest_report *out, char *reason,
                           size_t reasonlen) {
  if (a->duplicate)
    return quarantine(reason, reasonlen,
                      "two report.json or report.sig attachments");
  if (a->json == NULL)
    return quarantine(reason, reasonlen, "no report.json attachment");
  if (a->sig == NULL)
    return quarantine(reason, reasonlen, "unsigned: no report.sig attachment");
  struct pp_sign_sig sig;
  char why[256];
  if (pp_sign_sig_parse((const char *)a->sig->data, a->sig->len, &sig, why,
                        sizeof(why)) != 0)
    return quarantine(reason, reasonlen, "%s", why);
  if (strcmp(sig.message_id, out->message_id) != 0)
    return quarantine(reason, reasonlen,
                      "report.sig was made for another message (%.100s)",
                      sig.message_id);
  const struct pp_trusted_key *key = trusted_key(keys, sig.key_id);
  if (key == NULL)
    return quarantine(reason, reasonlen,
                      "signed by key %s, which no trusted site holds",
                      sig.key_id);
  if (!pp_sign_verify(&key->pub, &sig, out->message_id, a->json->data,
                      a->json->len))
    return quarantine(reason, reasonlen,
                      "signature does not verify with the key of site %s "
                      "(forged, altered or truncated)",
                      key->site);
  pp_strlcpy(out->site, key->site, sizeof(out->site));
  pp_strlcpy(out->key_id, sig.key_id, sizeof(out->key_id));
  sodium_bin2hex(out->signature, sizeof(out->signature), sig.sig,
                 sizeof(sig.sig));
  return 0;
}

static int check_version(json_t *root, char *reason, size_t reasonlen) {
  json_t *version = json_object_get(root, "version");
  if (version == NULL)
    return 0;
  if (!json_is_integer(version))
    return quarantine(reason, reasonlen, "report.json: version is no number");
  if (json_integer_value(version) != PP_INGEST_REPORT_VERSION)
    return quarantine(reason, reasonlen,
                      "report.json: version %lld is unknown to this "
                      "printprobe (it reads version %d); kept for a newer one",
                      (long long)json_integer_value(version),
                      PP_INGEST_REPORT_VERSION);
  return 0;
}

/* One printer object through the allowlist parser. */
static int read_printer(json_t *obj, size_t index, struct pp_printer *out,
                        char *reason, size_t reasonlen) {
  char *text = json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY);
  if (text == NULL)
    return -ENOMEM;
  char why[256];
  int rc =
      strlen(text) > PRINTER_JSON_MAX
          ? -E2BIG
          : pp_report_parse_printer(text, strlen(text), out, why, sizeof(why));
  free(text);
  if (rc == -ENOMEM)
    return rc;
  if (rc != 0)
    return quarantine(reason, reasonlen, "report.json: printer %zu: %s",
                      index + 1, rc == -E2BIG ? "too large" : why);
  return 0;
}

static int read_printers(json_t *root, struct pp_ingest_report *out,
                         char *reason, size_t reasonlen) {
  json_t *list = json_object_get(root, "printers");
  if (!json_is_array(list))
    return quarantine(reason, reasonlen, "report.json: no printers array");
  size_t n = json_array_size(list);
  out->printers = calloc(n + 1, sizeof(*out->printers));
  if (out->printers == NULL)
    return -ENOMEM;
  for (size_t i = 0; i < n; i++) {
    PP_TRY(read_printer(json_array_get(list, i), i, &out->printers[i], reason,
                        reasonlen));
    out->count++;
  }
  return 0;
}

static int read_report(const GByteArray *json, struct pp_ingest_report *out,
                       char *reason, size_t reasonlen) {
  json_error_t error;
  json_t *root = json_loadb((const char *)json->data, json->len,
                            JSON_REJECT_DUPLICATES, &error);
  if (root == NULL || !json_is_object(root)) {
    json_decref(root);
    return quarantine(reason, reasonlen,
                      "report.json is not a JSON object (line %d: %.100s)",
                      error.line, root == NULL ? error.text : "not an object");
  }
  int rc = check_version(root, reason, reasonlen);
  if (rc == 0)
    rc = read_printers(root, out, reason, reasonlen);
  json_decref(root);
  return rc;
}

int pp_ingest_message(const char *data, size_t len,
                      const struct pp_trusted_keys *keys,
                      struct pp_ingest_report *out, char *reason,
                      size_t reasonlen) {
  memset(out, 0, sizeof(*out));
  reason[0] = '\0';
  if (len > PP_INGEST_MAX_MESSAGE)
    return quarantine(reason, reasonlen,
                      "message of %zu bytes, larger than any report (%u)", len,
                      PP_INGEST_MAX_MESSAGE);
  GMimeMessage *msg = parse_mime(data, len);
  if (msg == NULL)
    return quarantine(reason, reasonlen, "not a MIME message");
  int rc = message_id_of(msg, out->message_id, sizeof(out->message_id));
  if (rc != 0) {
    g_object_unref(msg);
    return quarantine(reason, reasonlen, "no usable Message-ID");
  }
  out->sent_at = date_of(msg);
  struct attachments a = {0};
  g_mime_message_foreach(msg, keep_attachment, &a);
  rc = check_signature(&a, keys, out, reason, reasonlen);
  /* Only a verified report.json is parsed at all. */
  if (rc == 0)
    rc = read_report(a.json, out, reason, reasonlen);
  attachments_free(&a);
  g_object_unref(msg);
  if (rc != 0) {
    pp_ingest_report_free(out);
    /* The caller's log line names the message by its Message-ID. */
  }
  return rc;
}

void pp_ingest_report_free(struct pp_ingest_report *report) {
  for (size_t i = 0; i < report->count; i++)
    pp_printer_clear(&report->printers[i]);
  free(report->printers);
  report->printers = NULL;
  report->count = 0;
}
