/* SPDX-License-Identifier: MIT */
/* An Internet message (RFC 5322) with MIME parts (RFC 2045-2047), built
 * into one bounded buffer: the exact bytes that are archived and sent.
 *
 * Every line ends in CRLF and no line exceeds 78 characters except the
 * header fields the caller made long (they stay under 998). Header text is
 * cleaned here: CR, LF and other control characters never reach a header,
 * whatever a printer or a configuration sent, because a line break in a
 * header would let the text add headers or a body of its own. */
#ifndef PP_MAIL_H
#define PP_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "pp_buf.h"

/* Cap for a whole message: base64 grows attachments by a third. */
#define PP_MAIL_MAX (64u * 1024 * 1024)

struct pp_mail_attachment {
  const char *filename;     /* ASCII, cleaned, e.g. "report.json" */
  const char *content_type; /* e.g. "application/json; charset=utf-8" */
  const char *data;
  size_t len;
};

struct pp_mail {
  const char *from;      /* addr-spec, checked with pp_mail_address_ok */
  const char *const *to; /* addr-specs */
  size_t to_count;
  const char *subject; /* UTF-8; encoded (RFC 2047) when not ASCII */
  time_t date;
  const char *message_id; /* "<left@right>" */
  const char *text;       /* UTF-8 body, '\n' line ends */
  const struct pp_mail_attachment *attachments;
  size_t attachment_count;
};

/* Appends the message to out. Returns 0, -EINVAL for a bad address or
 * Message-ID, or pp_buf's -E2BIG / -ENOMEM (out is then freed). The MIME
 * boundary is derived from the Message-ID, so the same input gives the same
 * bytes. */
int pp_mail_build(const struct pp_mail *mail, struct pp_buf *out);

/* Whether s is a plain addr-spec we are willing to put into a header and
 * into SMTP's MAIL FROM / RCPT TO: local@domain, printable ASCII, no
 * spaces, quotes, angle brackets, commas or line breaks. */
bool pp_mail_address_ok(const char *s);

/* One header line's worth of text: control characters (CR, LF, TAB, DEL,
 * C1) become spaces, runs of spaces collapse, ends are trimmed, and the
 * result is cut on a UTF-8 character boundary to fit outlen. */
void pp_mail_header_text(const char *in, char *out, size_t outlen);

/* "Wed, 26 Aug 2026 12:00:00 +0000" (UTC, English names whatever the
 * locale). */
void pp_mail_date(time_t t, char *out, size_t outlen);

/* Base64 in lines of 76 characters, each ending in CRLF. */
int pp_mail_base64(struct pp_buf *out, const void *data, size_t len);

/* Quoted-printable (RFC 2045 6.7) of a text with '\n' line ends; the
 * output's line ends are CRLF. */
int pp_mail_quoted_printable(struct pp_buf *out, const char *text);

/* Whether url ("scheme://[userinfo@]host[:port][/path]") has a userinfo
 * part: a user name, a password or login options. Credentials there end
 * up in every line that names the server; they belong in a file. */
bool pp_url_has_userinfo(const char *url);

/* url as it may be logged: any userinfo replaced by three asterisks, the
 * rest copied, cut to fit outlen. Returns out. Every URL a log line names
 * goes through here. */
const char *pp_url_redact(const char *url, char *out, size_t outlen);

#endif
