/* SPDX-License-Identifier: MIT */
#include "pp_mail.h"
#include "pp_buf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* RFC 5322 2.1.1: lines SHOULD stay within 78 characters. */
#define LINE_SOFT 78
/* Longest cleaned subject text: far below the 998 hard line limit. */
#define SUBJECT_MAX 400
/* UTF-8 bytes per encoded word: 39 bytes are 52 base64 characters; with
 * "=?UTF-8?B?" and "?=" that is 64, within RFC 2047's 75, and the first
 * word still fits after "Subject: " in 78. */
#define ENCODED_WORD_BYTES 39

/* --- checks and cleaning --- */

/* Where the userinfo of url lies: [*start, *end), *end at its '@'. Only
 * the authority counts (up to the first '/', '?' or '#'), so an '@' in a
 * path is no userinfo. Without "scheme://" the authority starts the text,
 * as curl reads "user:password@host" too. */
static bool userinfo_span(const char *url, size_t *start, size_t *end) {
  size_t scheme = strspn(url, "abcdefghijklmnopqrstuvwxyz"
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
  const char *authority = url;
  if (scheme > 0 && strncmp(url + scheme, "://", 3) == 0)
    authority = url + scheme + 3;
  size_t len = strcspn(authority, "/?#");
  const char *at = memrchr(authority, '@', len);
  if (at == NULL)
    return false;
  *start = (size_t)(authority - url);
  *end = (size_t)(at - url);
  return true;
}

bool pp_url_has_userinfo(const char *url) {
  size_t start;
  size_t end;
  return userinfo_span(url, &start, &end);
}

const char *pp_url_redact(const char *url, char *out, size_t outlen) {
  if (outlen == 0)
    return out;
  size_t start;
  size_t end;
  if (!userinfo_span(url, &start, &end))
    snprintf(out, outlen, "%s", url);
  else
    snprintf(out, outlen, "%.*s***%s", (int)start, url, url + end);
  return out;
}

bool pp_mail_address_ok(const char *s) {
  if (s == NULL || s[0] == '\0' || strlen(s) > 254)
    return false;
  const char *at = strchr(s, '@');
  if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') != NULL)
    return false;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    /* Anything that could end the address inside <...> or a header, or
     * start a new SMTP command line, is refused (curl's smtp.c refuses CR
     * and LF for the same reason). */
    if (*p <= ' ' || *p >= 0x7f || strchr("<>()[]\\,;:\"", *p) != NULL)
      return false;
  }
  return true;
}

static bool message_id_ok(const char *s) {
  size_t len = s != NULL ? strlen(s) : 0;
  if (len < 5 || len > 250 || s[0] != '<' || s[len - 1] != '>')
    return false;
  int ats = 0;
  for (size_t i = 1; i + 1 < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c <= ' ' || c >= 0x7f || c == '<' || c == '>')
      return false;
    ats += c == '@';
  }
  return ats == 1;
}

static bool filename_ok(const char *s) {
  if (s == NULL || s[0] == '\0' || strlen(s) > 64)
    return false;
  for (const char *p = s; *p; p++) {
    bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || strchr("._-", *p) != NULL;
    if (!ok)
      return false;
  }
  return true;
}

/* Length of the UTF-8 sequence at p, 1 for a stray byte. */
static size_t utf8_seq_len(const unsigned char *p) {
  size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 1;
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 1;
  }
  return n;
}

void pp_mail_header_text(const char *in, char *out, size_t outlen) {
  if (outlen == 0)
    return;
  size_t len = 0;
  bool space = false;
  const unsigned char *p = (const unsigned char *)(in != NULL ? in : "");
  while (*p) {
    /* C1 controls arrive UTF-8 encoded as C2 80..C2 9F. */
    bool c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
    if (*p <= ' ' || *p == 0x7f || c1) {
      space = len > 0;
      p += c1 ? 2 : 1;
      continue;
    }
    size_t n = utf8_seq_len(p);
    size_t need = n + (space ? 1 : 0);
    if (len + need >= outlen)
      break;
    if (space)
      out[len++] = ' ';
    space = false;
    memcpy(out + len, p, n);
    len += n;
    p += n;
  }
  out[len] = '\0';
}

void pp_mail_date(time_t t, char *out, size_t outlen) {
  static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                  "Thu", "Fri", "Sat"};
  static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d +0000",
           days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
           tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* --- encodings --- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of len bytes without line breaks. */
static int base64_run(struct pp_buf *out, const unsigned char *p, size_t len) {
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16;
    if (i + 1 < len)
      v |= (uint32_t)p[i + 1] << 8;
    if (i + 2 < len)
      v |= p[i + 2];
    char quad[4] = {b64_alphabet[(v >> 18) & 63], b64_alphabet[(v >> 12) & 63],
                    i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=',
                    i + 2 < len ? b64_alphabet[v & 63] : '='};
    PP_TRY(pp_buf_add(out, quad, 4));
  }
  return 0;
}

int pp_mail_base64(struct pp_buf *out, const void *data, size_t len) {
  const unsigned char *p = data;
  /* 57 input bytes make one 76-character line. */
  for (size_t off = 0; off < len; off += 57) {
    size_t n = len - off < 57 ? len - off : 57;
    PP_TRY(base64_run(out, p + off, n));
    PP_TRY(pp_buf_addstr(out, "\r\n"));
  }
  return 0;
}

struct qp_line {
  struct pp_buf *out;
  size_t col;
};

/* Adds one encoded token, with a soft break first when the line would pass
 * 76 characters with its '='. */
static int qp_token(struct qp_line *l, const char *token, size_t n) {
  if (l->col + n > 75) {
    PP_TRY(pp_buf_addstr(l->out, "=\r\n"));
    l->col = 0;
  }
  PP_TRY(pp_buf_add(l->out, token, n));
  l->col += n;
  return 0;
}

int pp_mail_quoted_printable(struct pp_buf *out, const char *text) {
  struct qp_line line = {.out = out};
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if (*p == '\n') {
      PP_TRY(pp_buf_addstr(out, "\r\n"));
      line.col = 0;
      continue;
    }
    /* Blanks before a line end would be stripped in transport. A '.' or
     * "From " at a line start is left to SMTP's own dot-stuffing. */
    bool blank = *p == ' ' || *p == '\t';
    bool at_end = p[1] == '\n' || p[1] == '\0';
    bool literal = (*p >= 33 && *p <= 126 && *p != '=') || (blank && !at_end);
    if (literal) {
      PP_TRY(qp_token(&line, (const char *)p, 1));
    } else {
      char hex[4];
      snprintf(hex, sizeof(hex), "=%02X", *p);
      PP_TRY(qp_token(&line, hex, 3));
    }
  }
  return 0;
}

/* --- header fields --- */

static bool is_ascii(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p >= 0x80)
      return false;
  }
  return true;
}

/* Plain text folded at spaces so lines stay near 78 characters. */
static int header_folded(struct pp_buf *out, const char *name,
                         const char *text) {
  PP_TRY(pp_buf_printf(out, "%s:", name));
  size_t col = strlen(name) + 1;
  const char *p = text;
  while (*p) {
    size_t word = strcspn(p, " ");
    if (col + 1 + word > LINE_SOFT && col > strlen(name) + 1) {
      PP_TRY(pp_buf_addstr(out, "\r\n"));
      col = 0;
    }
    PP_TRY(pp_buf_addstr(out, " "));
    PP_TRY(pp_buf_add(out, p, word));
    col += 1 + word;
    p += word;
    while (*p == ' ')
      p++;
  }
  return pp_buf_addstr(out, "\r\n");
}

/* RFC 2047 encoded words, each whole UTF-8 characters, one per line. */
static int header_encoded(struct pp_buf *out, const char *name,
                          const char *text) {
  PP_TRY(pp_buf_printf(out, "%s:", name));
  const unsigned char *p = (const unsigned char *)text;
  while (*p) {
    size_t n = 0;
    while (p[n] != '\0') {
      size_t step = utf8_seq_len(p + n);
      if (n + step > ENCODED_WORD_BYTES)
        break;
      n += step;
    }
    PP_TRY(pp_buf_addstr(out, " =?UTF-8?B?"));
    PP_TRY(base64_run(out, p, n));
    PP_TRY(pp_buf_addstr(out, "?="));
    p += n;
    if (*p)
      PP_TRY(pp_buf_addstr(out, "\r\n"));
  }
  return pp_buf_addstr(out, "\r\n");
}

static int header_text(struct pp_buf *out, const char *name, const char *raw) {
  char text[SUBJECT_MAX];
  pp_mail_header_text(raw, text, sizeof(text));
  if (is_ascii(text))
    return header_folded(out, name, text);
  return header_encoded(out, name, text);
}

static int header_to(struct pp_buf *out, const struct pp_mail *m) {
  PP_TRY(pp_buf_addstr(out, "To:"));
  for (size_t i = 0; i < m->to_count; i++) {
    PP_TRY(pp_buf_printf(out, " %s%s\r\n", m->to[i],
                         i + 1 < m->to_count ? "," : ""));
  }
  return 0;
}

/* A boundary that base64 and quoted-printable output can never contain
 * ("=_" is not a valid QP sequence), stable for one Message-ID. */
static void boundary_for(const char *message_id, char *out, size_t outlen) {
  uint64_t h = 14695981039346656037u;
  for (const unsigned char *p = (const unsigned char *)message_id; *p; p++) {
    h ^= *p;
    h *= 1099511628211u;
  }
  snprintf(out, outlen, "=_printprobe_%016" PRIx64, h);
}

static int headers(struct pp_buf *out, const struct pp_mail *m,
                   const char *boundary) {
  char date[64];
  pp_mail_date(m->date, date, sizeof(date));
  PP_TRY(pp_buf_printf(out, "From: %s\r\n", m->from));
  PP_TRY(header_to(out, m));
  PP_TRY(header_text(out, "Subject", m->subject));
  PP_TRY(pp_buf_printf(out, "Date: %s\r\n", date));
  PP_TRY(pp_buf_printf(out, "Message-ID: %s\r\n", m->message_id));
  PP_TRY(pp_buf_addstr(out, "MIME-Version: 1.0\r\n"));
  /* RFC 3834: tells responders not to auto-reply to a machine. */
  PP_TRY(pp_buf_addstr(out, "Auto-Submitted: auto-generated\r\n"));
  return pp_buf_printf(out,
                       "Content-Type: multipart/mixed;\r\n"
                       " boundary=\"%s\"\r\n\r\n",
                       boundary);
}

static int part_text(struct pp_buf *out, const struct pp_mail *m,
                     const char *boundary) {
  PP_TRY(pp_buf_printf(out,
                       "--%s\r\n"
                       "Content-Type: text/plain; charset=utf-8\r\n"
                       "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                       boundary));
  PP_TRY(pp_mail_quoted_printable(out, m->text != NULL ? m->text : ""));
  /* Each part ends with a line end; the next delimiter follows it. */
  bool empty = m->text == NULL || m->text[0] == '\0';
  if (empty || memcmp(out->data + out->len - 2, "\r\n", 2) != 0)
    PP_TRY(pp_buf_addstr(out, "\r\n"));
  return 0;
}

static int part_attachment(struct pp_buf *out,
                           const struct pp_mail_attachment *a,
                           const char *boundary) {
  PP_TRY(
      pp_buf_printf(out,
                    "--%s\r\n"
                    "Content-Type: %s;\r\n name=\"%s\"\r\n"
                    "Content-Disposition: attachment;\r\n filename=\"%s\"\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n",
                    boundary, a->content_type, a->filename, a->filename));
  if (a->len == 0)
    return pp_buf_addstr(out, "\r\n");
  return pp_mail_base64(out, a->data, a->len);
}

static int check_mail(const struct pp_mail *m) {
  if (!pp_mail_address_ok(m->from) || m->to_count == 0 ||
      !message_id_ok(m->message_id))
    return -EINVAL;
  for (size_t i = 0; i < m->to_count; i++) {
    if (!pp_mail_address_ok(m->to[i]))
      return -EINVAL;
  }
  for (size_t i = 0; i < m->attachment_count; i++) {
    const struct pp_mail_attachment *a = &m->attachments[i];
    if (!filename_ok(a->filename) || a->content_type == NULL ||
        strpbrk(a->content_type, "\r\n\"") != NULL)
      return -EINVAL;
  }
  return 0;
}

int pp_mail_build(const struct pp_mail *mail, struct pp_buf *out) {
  PP_TRY(check_mail(mail));
  char boundary[64];
  boundary_for(mail->message_id, boundary, sizeof(boundary));
  PP_TRY(headers(out, mail, boundary));
  PP_TRY(pp_buf_addstr(out, "This is a multi-part message in MIME format.\r\n"
                            "\r\n"));
  PP_TRY(part_text(out, mail, boundary));
  for (size_t i = 0; i < mail->attachment_count; i++)
    PP_TRY(part_attachment(out, &mail->attachments[i], boundary));
  return pp_buf_printf(out, "--%s--\r\n", boundary);
}
