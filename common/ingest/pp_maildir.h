/* SPDX-License-Identifier: MIT */
/* The Maildir ingest reads (new/, and cur/ without the seen flag; to cur/
 * with the S flag once stored) and
 * its quarantine, a sibling folder in Maildir++ style:
 *   DIR/.Quarantine/cur/NAME:2,    the message, unchanged
 *   DIR/.Quarantine/reasons/NAME   why (one line), written first
 * Names found on disk are checked before they are used in a path. */
#ifndef PP_MAILDIR_H
#define PP_MAILDIR_H

#include <limits.h>
#include <stddef.h>

#include "pp_buf.h"
#include "pp_source.h"

/* Messages taken per run; the rest wait for the next one. */
#define PP_MAILDIR_MAX_BATCH 100000

struct pp_maildir {
  char root[PATH_MAX];
};

/* Checks DIR/new, DIR/cur and DIR/tmp; makes the quarantine folders. */
int pp_maildir_open(const char *root, struct pp_maildir *md, char *err,
                    size_t errlen);
/* The messages to do, oldest first, named "new/NAME" or "cur/NAME:2,F"
 * (in cur/ without the seen flag: a mail program moved them, nobody read
 * them). The functions below take these names. */
int pp_maildir_list_new(const struct pp_maildir *md, struct pp_name_list *out);
/* The message's size, and its bytes up to limit (-E2BIG beyond). */
int pp_maildir_size(const struct pp_maildir *md, const char *rel, size_t *size);
int pp_maildir_read(const struct pp_maildir *md, const char *rel, size_t limit,
                    struct pp_buf *out);
/* -> cur/NAME:2,S (its other flags kept), durable. */
int pp_maildir_mark_seen(const struct pp_maildir *md, const char *rel);
/* The reason file, then -> .Quarantine/cur/NAME:2,FLAGS (durable). */
int pp_maildir_quarantine(const struct pp_maildir *md, const char *rel,
                          const char *reason);

/* The Maildir as ingest's source (md must outlive it). */
void pp_maildir_source(struct pp_maildir *md, struct pp_source *out);

#endif
