/* SPDX-License-Identifier: MIT */
/* An IMAP mailbox as ingest's source, through libcurl: the messages of the
 * URL's mailbox not flagged \Deleted, each fetched by UID; a stored one is
 * moved to the sibling folder "Stored", a quarantined one to "Quarantine",
 * next to a short note with its reason. Moved with UID MOVE (RFC 6851);
 * on a server without it, copied and the original flagged \Deleted (and
 * expunged by UID when the server has UIDPLUS, RFC 4315).
 *
 * imaps:// is TLS from the start; imap:// must upgrade with STARTTLS or
 * fail: the password never travels in clear. */
#ifndef PP_IMAP_H
#define PP_IMAP_H

#include <stddef.h>

#include "pp_source.h"

#define PP_IMAP_QUARANTINE "Quarantine"

struct pp_imap;

/* url: imap[s]://host[:port]/MAILBOX (INBOX when none); the login from
 * user and the first line of password_file; ca_file (may be NULL) a CA
 * for a private server certificate. err names what failed. */
int pp_imap_open(const char *url, const char *user, const char *password_file,
                 const char *ca_file, struct pp_imap **out, char *err,
                 size_t errlen);
void pp_imap_close(struct pp_imap *imap);
/* The mailbox as ingest's source (names are UIDs). */
void pp_imap_source(struct pp_imap *imap, struct pp_source *out);
/* The last transfer's error, for a log line. */
const char *pp_imap_error(const struct pp_imap *imap);

#endif
