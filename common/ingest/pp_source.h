/* SPDX-License-Identifier: MIT */
/* Where ingest takes report mails from: a Maildir (pp_maildir.h) or an
 * IMAP mailbox (pp_imap.h). A message is named by a text the source
 * understands (a file name in new/, an IMAP UID). */
#ifndef PP_SOURCE_H
#define PP_SOURCE_H

#include <stddef.h>

#include "pp_buf.h"

struct pp_name_list {
  char **names;
  size_t count;
};
void pp_name_list_free(struct pp_name_list *list);
/* Appends a copy of name; 0 or -ENOMEM. */
int pp_name_list_add(struct pp_name_list *list, const char *name);

struct pp_source {
  const char *where; /* how a log line names a message: where + name */
  void *ctx;
  /* The messages not handled yet, oldest first. */
  int (*list)(void *ctx, struct pp_name_list *out);
  int (*size)(void *ctx, const char *name, size_t *size);
  /* The message's bytes up to limit; -E2BIG beyond. */
  int (*read)(void *ctx, const char *name, size_t limit, struct pp_buf *out);
  /* Stored (now or before): never offered again. */
  int (*acknowledge)(void *ctx, const char *name);
  /* Kept aside, unchanged, with the reason next to it. */
  int (*quarantine)(void *ctx, const char *name, const char *message_id,
                    const char *reason);
  /* What the last failed step said, for a log line; NULL: errno says it. */
  const char *(*last_error)(const void *ctx);
};

#endif
