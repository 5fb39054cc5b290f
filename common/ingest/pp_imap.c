/* SPDX-License-Identifier: MIT */
#include "pp_imap.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pp_mail.h"
#include "pp_secret.h"
#include "pp_str.h"

#define URL_MAX 2048
#define PASSWORD_MAX 512
#define REPLY_MAX (1024 * 1024) /* a SEARCH of 100,000 UIDs */
#define MAX_UIDS 100000
#define CONNECT_TIMEOUT_MS 30000L
/* A whole transfer, the largest message included. */
#define TRANSFER_TIMEOUT_MS 300000L
/* Fetching a message marks it \Seen on most servers; so the mailbox is the
 * to-do list and a handled message leaves it (or is flagged \Deleted, see
 * move_to): stored ones to this folder, quarantined ones to
 * PP_IMAP_QUARANTINE. */
#define STORED_FOLDER "Stored"

struct pp_imap {
  CURL *curl;
  char mailbox_url[URL_MAX];
  char quarantine_url[URL_MAX];
  char user[256];
  char password[PASSWORD_MAX];
  char ca_file[PATH_MAX];
  char error[CURL_ERROR_SIZE + 256];
  bool folders_made;
  bool capabilities_read;
  bool has_move;    /* UID MOVE (RFC 6851) */
  bool has_uidplus; /* UID EXPUNGE (RFC 4315) */
};

const char *pp_imap_error(const struct pp_imap *imap) { return imap->error; }

static const char *imap_last_error(const void *ctx) {
  return pp_imap_error(ctx);
}

/* --- transfers --- */

struct reply {
  struct pp_buf *buf;
  bool too_big;
};

static size_t on_data(char *data, size_t size, size_t n, void *ctx) {
  struct reply *r = ctx;
  if (pp_buf_add(r->buf, data, size * n) != 0) {
    r->too_big = true;
    return 0; /* stops the transfer */
  }
  return size * n;
}

struct upload {
  const char *data;
  size_t len;
  size_t pos;
};

static size_t on_read(char *out, size_t size, size_t n, void *ctx) {
  struct upload *u = ctx;
  size_t take = u->len - u->pos < size * n ? u->len - u->pos : size * n;
  memcpy(out, u->data + u->pos, take);
  u->pos += take;
  return take;
}

static CURLcode set_common(struct pp_imap *im, const char *url, char *errbuf) {
  CURL *c = im->curl;
  CURLcode rc = curl_easy_setopt(c, CURLOPT_URL, url);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(c, CURLOPT_USERNAME, im->user);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(c, CURLOPT_PASSWORD, im->password);
  /* imap:// upgrades with STARTTLS or fails; never plain text. */
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
  if (rc == CURLE_OK && im->ca_file[0] != '\0')
    rc = curl_easy_setopt(c, CURLOPT_CAINFO, im->ca_file);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, TRANSFER_TIMEOUT_MS);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  return rc;
}

/* -E2BIG: the message is too big (never). Not now: -EACCES the login was
 * refused (a fixed configuration cures it), -EPROTO the server answered
 * the command with NO or BAD, -EAGAIN it is away or busy. */
static int errno_of(CURLcode rc, const struct reply *r) {
  if (rc == CURLE_OK)
    return 0;
  if (r != NULL && r->too_big)
    return -E2BIG;
  if (rc == CURLE_OUT_OF_MEMORY)
    return -ENOMEM;
  if (rc == CURLE_LOGIN_DENIED)
    return -EACCES;
  if (rc == CURLE_QUOTE_ERROR)
    return -EPROTO;
  return -EAGAIN;
}

/* One IMAP exchange: url (its mailbox is selected), custom command or a
 * FETCH by the URL's UID, reply into out (may be NULL), upload for an
 * APPEND (may be NULL). */
static int transfer(struct pp_imap *im, const char *url, const char *custom,
                    struct pp_buf *out, const struct upload *up) {
  char errbuf[CURL_ERROR_SIZE] = "";
  struct pp_buf sink;
  pp_buf_init(&sink, REPLY_MAX);
  struct reply r = {.buf = out != NULL ? out : &sink};
  struct upload u = up != NULL ? *up : (struct upload){0};
  /* Options reset per exchange; the connection stays for the next. */
  curl_easy_reset(im->curl);
  CURLcode rc = set_common(im, url, errbuf);
  if (rc == CURLE_OK && custom != NULL)
    rc = curl_easy_setopt(im->curl, CURLOPT_CUSTOMREQUEST, custom);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(im->curl, CURLOPT_WRITEFUNCTION, on_data);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(im->curl, CURLOPT_WRITEDATA, &r);
  if (rc == CURLE_OK && up != NULL) {
    curl_easy_setopt(im->curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(im->curl, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(im->curl, CURLOPT_READDATA, &u);
    rc =
        curl_easy_setopt(im->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.len);
  }
  if (rc == CURLE_OK)
    rc = curl_easy_perform(im->curl);
  curl_easy_setopt(im->curl, CURLOPT_ERRORBUFFER, NULL);
  pp_buf_free(&sink);
  snprintf(im->error, sizeof(im->error), "%s%s%s",
           custom != NULL ? custom : "FETCH", ": ",
           errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
  return errno_of(rc, &r);
}

/* --- folders and URLs --- */

/* url with its path replaced by "/" + mailbox (CURLU: no URL is taken
 * apart by hand). */
static int url_with_mailbox(const char *url, const char *mailbox, char *out) {
  CURLU *h = curl_url();
  char path[300];
  char *text = NULL;
  snprintf(path, sizeof(path), "/%s", mailbox);
  CURLUcode rc =
      h != NULL ? curl_url_set(h, CURLUPART_URL, url, 0) : CURLUE_OUT_OF_MEMORY;
  if (rc == CURLUE_OK)
    rc = curl_url_set(h, CURLUPART_PATH, path, 0);
  if (rc == CURLUE_OK)
    rc = curl_url_get(h, CURLUPART_URL, &text, 0);
  int result = rc == CURLUE_OK && strlen(text) < URL_MAX ? 0 : -EINVAL;
  if (result == 0)
    pp_strlcpy(out, text, URL_MAX);
  curl_free(text);
  curl_url_cleanup(h);
  return result;
}

/* The mailbox the URL names, INBOX when none. */
static int mailbox_url(const char *url, char *out) {
  CURLU *h = curl_url();
  char *path = NULL;
  CURLUcode rc =
      h != NULL ? curl_url_set(h, CURLUPART_URL, url, 0) : CURLUE_OUT_OF_MEMORY;
  if (rc == CURLUE_OK)
    rc = curl_url_get(h, CURLUPART_PATH, &path, 0);
  bool none = rc == CURLUE_OK && strcmp(path, "/") == 0;
  curl_free(path);
  curl_url_cleanup(h);
  if (rc != CURLUE_OK)
    return -EINVAL;
  if (none)
    return url_with_mailbox(url, "INBOX", out);
  pp_strlcpy(out, url, URL_MAX);
  return 0;
}

/* The folders handled messages go to; made once per run. A NO answer
 * ("already exists") is no error here (a failed MOVE later is); a refused
 * login or a server away ends the run at once. */
static int make_folders(struct pp_imap *im) {
  static const char *const create[] = {"CREATE " STORED_FOLDER,
                                       "CREATE " PP_IMAP_QUARANTINE};
  for (size_t i = 0; !im->folders_made && i < 2; i++) {
    int rc = transfer(im, im->mailbox_url, create[i], NULL, NULL);
    if (rc != 0 && rc != -EPROTO)
      return rc;
  }
  im->folders_made = true;
  return 0;
}

/* Whether word is one of the capabilities in "* CAPABILITY a b c" (atoms,
 * case-insensitive, RFC 3501). */
static bool capability_listed(const char *line, const char *word) {
  size_t n = strlen(word);
  for (const char *p = line; *p != '\0' && *p != '\r' && *p != '\n';) {
    size_t len = strcspn(p, " \r\n");
    if (len == n && strncasecmp(p, word, n) == 0)
      return true;
    p += len;
    p += strspn(p, " ");
  }
  return false;
}

/* What the server offers once logged in (the list before login may be
 * shorter); asked once per run. */
static int read_capabilities(struct pp_imap *im) {
  if (im->capabilities_read)
    return 0;
  struct pp_buf reply;
  pp_buf_init(&reply, REPLY_MAX);
  int rc = transfer(im, im->mailbox_url, "CAPABILITY", &reply, NULL);
  const char *line = rc == 0 && reply.data != NULL
                         ? strstr(reply.data, "* CAPABILITY ")
                         : NULL;
  if (line != NULL) {
    line += strlen("* CAPABILITY ");
    im->has_move = capability_listed(line, "MOVE");
    im->has_uidplus = capability_listed(line, "UIDPLUS");
  }
  pp_buf_free(&reply);
  im->capabilities_read = rc == 0;
  return rc;
}

/* --- the source --- */

static bool uid_ok(const char *uid) {
  size_t n = strspn(uid, "0123456789");
  return n > 0 && n < 11 && uid[n] == '\0';
}

static int compare_uids(const void *a, const void *b) {
  unsigned long x = strtoul(*(char *const *)a, NULL, 10);
  unsigned long y = strtoul(*(char *const *)b, NULL, 10);
  return x < y ? -1 : x > y;
}

/* "* SEARCH 3 4 5": the UIDs after the word SEARCH. */
static int parse_search(const char *reply, struct pp_name_list *out) {
  const char *p = strstr(reply, "* SEARCH");
  if (p == NULL)
    return 0; /* an empty mailbox answers with no numbers */
  p += strlen("* SEARCH");
  char uid[16];
  int used = 0;
  while (out->count < MAX_UIDS && sscanf(p, " %15[0-9]%n", uid, &used) == 1) {
    PP_TRY(pp_name_list_add(out, uid));
    p += used;
  }
  return 0;
}

static int imap_list(void *ctx, struct pp_name_list *out) {
  struct pp_imap *im = ctx;
  *out = (struct pp_name_list){0};
  PP_TRY(make_folders(im));
  PP_TRY(read_capabilities(im));
  struct pp_buf reply;
  pp_buf_init(&reply, REPLY_MAX);
  /* \Deleted: handled by a run on a server without MOVE (see move_to). */
  int rc = transfer(im, im->mailbox_url, "UID SEARCH UNDELETED", &reply, NULL);
  if (rc == 0 && reply.data != NULL)
    rc = parse_search(reply.data, out);
  pp_buf_free(&reply);
  if (rc == 0 && out->count > 1)
    qsort(out->names, out->count, sizeof(*out->names), compare_uids);
  if (rc != 0)
    pp_name_list_free(out);
  return rc;
}

static int imap_size(void *ctx, const char *uid, size_t *size) {
  struct pp_imap *im = ctx;
  if (!uid_ok(uid))
    return -EINVAL;
  char command[64];
  snprintf(command, sizeof(command), "UID FETCH %s RFC822.SIZE", uid);
  struct pp_buf reply;
  pp_buf_init(&reply, 4096);
  int rc = transfer(im, im->mailbox_url, command, &reply, NULL);
  const char *p =
      rc == 0 && reply.data != NULL ? strstr(reply.data, "RFC822.SIZE ") : NULL;
  if (rc == 0 && p == NULL)
    rc = -ENOENT; /* gone since the SEARCH */
  if (rc == 0)
    *size = (size_t)strtoull(p + strlen("RFC822.SIZE "), NULL, 10);
  pp_buf_free(&reply);
  return rc;
}

static int imap_read(void *ctx, const char *uid, size_t limit,
                     struct pp_buf *out) {
  struct pp_imap *im = ctx;
  char url[URL_MAX + 32];
  if (!uid_ok(uid))
    return -EINVAL;
  snprintf(url, sizeof(url), "%s/;UID=%s", im->mailbox_url, uid);
  pp_buf_init(out, limit);
  int rc = transfer(im, url, NULL, out, NULL);
  if (rc != 0)
    pp_buf_free(out);
  else if (out->data == NULL)
    rc = pp_buf_add(out, "", 0); /* an empty message is still one */
  return rc;
}

/* One command on the selected mailbox, of words printed with fmt. */
static int command(struct pp_imap *im, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int command(struct pp_imap *im, const char *fmt, ...) {
  char text[128];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  return transfer(im, im->mailbox_url, text, NULL, NULL);
}

/* The message leaves the mailbox for folder: UID MOVE where the server
 * offers it. Without MOVE, a copy, then the original flagged \Deleted,
 * which every listing skips; with UIDPLUS, UID EXPUNGE then removes that
 * one message, never another that someone else flagged (a plain EXPUNGE
 * would). Should the flag fail after the copy, the next run copies it
 * again, and the database (Message-ID and signature) stores it once. */
static int move_to(struct pp_imap *im, const char *uid, const char *folder) {
  if (!uid_ok(uid))
    return -EINVAL;
  PP_TRY(read_capabilities(im));
  if (im->has_move)
    return command(im, "UID MOVE %s %s", uid, folder);
  PP_TRY(command(im, "UID COPY %s %s", uid, folder));
  PP_TRY(command(im, "UID STORE %s +FLAGS.SILENT (\\Deleted)", uid));
  /* Flagged, it is handled: an expunge refused leaves it to the mailbox's
   * owner, and no run reads it again. */
  if (im->has_uidplus)
    command(im, "UID EXPUNGE %s", uid);
  return 0;
}

static int imap_acknowledge(void *ctx, const char *uid) {
  return move_to(ctx, uid, STORED_FOLDER);
}

/* A short message next to the quarantined one: IMAP has no place for a
 * reason file. */
static int append_note(struct pp_imap *im, const char *uid,
                       const char *message_id, const char *reason) {
  static const char *const to[] = {"printprobe@localhost"};
  char subject[512];
  char text[1024];
  char note_id[64];
  snprintf(subject, sizeof(subject), "printprobe quarantine: UID %s %s", uid,
           message_id);
  snprintf(text, sizeof(text), "Message %s (UID %s) was quarantined:\n%s\n",
           message_id, uid, reason);
  snprintf(note_id, sizeof(note_id), "<quarantine.%s.%ld@printprobe>", uid,
           (long)time(NULL));
  const struct pp_mail note = {.from = "printprobe@localhost",
                               .to = to,
                               .to_count = 1,
                               .subject = subject,
                               .date = time(NULL),
                               .message_id = note_id,
                               .text = text};
  struct pp_buf eml;
  pp_buf_init(&eml, 64 * 1024);
  int rc = pp_mail_build(&note, &eml);
  if (rc == 0) {
    struct upload up = {.data = eml.data, .len = eml.len};
    rc = transfer(im, im->quarantine_url, NULL, NULL, &up);
  }
  pp_buf_free(&eml);
  return rc;
}

static int imap_quarantine(void *ctx, const char *uid, const char *message_id,
                           const char *reason) {
  struct pp_imap *im = ctx;
  PP_TRY(append_note(im, uid, message_id, reason));
  return move_to(im, uid, PP_IMAP_QUARANTINE);
}

void pp_imap_source(struct pp_imap *imap, struct pp_source *out) {
  *out = (struct pp_source){.where = "IMAP UID ",
                            .ctx = imap,
                            .list = imap_list,
                            .size = imap_size,
                            .read = imap_read,
                            .acknowledge = imap_acknowledge,
                            .quarantine = imap_quarantine,
                            .last_error = imap_last_error};
}

/* --- open and close --- */

static int check_url(const char *url, char *err, size_t errlen) {
  char shown[URL_MAX];
  pp_url_redact(url, shown, sizeof(shown));
  if (strncmp(url, "imap://", 7) != 0 && strncmp(url, "imaps://", 8) != 0) {
    snprintf(err, errlen, "\"%s\" must start with imap:// or imaps://", shown);
    return -EINVAL;
  }
  if (pp_url_has_userinfo(url)) {
    snprintf(err, errlen,
             "\"%s\": no user or password in the URL; use --imap-user and "
             "--imap-password-file",
             shown);
    return -EINVAL;
  }
  return 0;
}

static int set_urls(struct pp_imap *im, const char *url, char *err,
                    size_t errlen) {
  if (mailbox_url(url, im->mailbox_url) != 0 ||
      url_with_mailbox(url, PP_IMAP_QUARANTINE, im->quarantine_url) != 0) {
    snprintf(err, errlen, "not a URL libcurl reads");
    return -EINVAL;
  }
  return 0;
}

int pp_imap_open(const char *url, const char *user, const char *password_file,
                 const char *ca_file, struct pp_imap **out, char *err,
                 size_t errlen) {
  *out = NULL;
  PP_TRY(check_url(url, err, errlen));
  if (strlen(user) >= 256 || (ca_file && strlen(ca_file) >= PATH_MAX))
    return -ENAMETOOLONG;
  struct pp_imap *im = calloc(1, sizeof(*im));
  if (im == NULL)
    return -ENOMEM;
  int rc = set_urls(im, url, err, errlen);
  if (rc == 0)
    rc = pp_secret_from_file(password_file, im->password, sizeof(im->password),
                             err, errlen);
  if (rc == 0 && curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK)
    rc = -EIO;
  if (rc == 0 && (im->curl = curl_easy_init()) == NULL)
    rc = -ENOMEM;
  if (rc != 0) {
    pp_imap_close(im);
    return rc;
  }
  pp_strlcpy(im->user, user, sizeof(im->user));
  if (ca_file != NULL)
    pp_strlcpy(im->ca_file, ca_file, sizeof(im->ca_file));
  *out = im;
  return 0;
}

void pp_imap_close(struct pp_imap *imap) {
  if (imap == NULL)
    return;
  if (imap->curl != NULL) {
    curl_easy_cleanup(imap->curl);
    curl_global_cleanup();
  }
  explicit_bzero(imap->password, sizeof(imap->password));
  free(imap);
}
