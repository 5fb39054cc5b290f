/* SPDX-License-Identifier: MIT */
/* The outgoing mail spool of write_dss, built on the durable files of
 * pp_file.h.
 *
 * The spool (under SpoolDir):
 *   staged/<id>.eml   built and kept, not yet archived: the sender ignores it
 *   queue/<id>.eml    to send; queue/<id>.state holds the retry schedule
 *   failed/<id>.eml   refused for good (5xx); failed/<id>.reason says why
 *   delivered.journal ids the server accepted, appended and fsync'ed before
 *                     the queue file is removed
 * Ids are pp_fleet ids; nothing else in these folders is ever read.
 *
 * Not thread-safe: one thread moves an id from queue onwards (write_dss's
 * sender); another may stage and commit new ids at the same time, as each
 * step is one rename. */
#ifndef PP_SPOOL_H
#define PP_SPOOL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pp_buf.h"
#include "pp_file.h"
#include "pp_fleet.h"

struct pp_id_list {
  char (*ids)[PP_FLEET_ID_LEN];
  size_t count;
};
void pp_id_list_free(struct pp_id_list *list);
/* Oldest first: an id starts with its UTC time. */
void pp_id_list_sort(struct pp_id_list *list);
/* Ids of the files "<id><suffix>" in dir, sorted oldest first. */
int pp_id_list_dir(const char *dir, const char *suffix, struct pp_id_list *out);

enum pp_spool_area { PP_SPOOL_STAGED, PP_SPOOL_QUEUE, PP_SPOOL_FAILED };

struct pp_spool {
  char staged[PATH_MAX];
  char queue[PATH_MAX];
  char failed[PATH_MAX];
  char root[PATH_MAX];
};

struct pp_spool_state {
  unsigned attempts;
  int64_t next_try; /* epoch seconds; 0: now */
  int last_code;    /* SMTP reply of the last try, 0 when none came */
};

/* Creates the folders when missing and removes stale temporary files.
 * err names the folder that failed. */
int pp_spool_open(struct pp_spool *spool, const char *root, char *err,
                  size_t errlen);

int pp_spool_put(const struct pp_spool *spool, enum pp_spool_area area,
                 const char *id, const void *data, size_t len);
int pp_spool_read(const struct pp_spool *spool, enum pp_spool_area area,
                  const char *id, struct pp_buf *out);
bool pp_spool_has(const struct pp_spool *spool, enum pp_spool_area area,
                  const char *id);
int pp_spool_list(const struct pp_spool *spool, enum pp_spool_area area,
                  struct pp_id_list *out);

/* staged -> queue: from now on the sender may send it. */
int pp_spool_commit(const struct pp_spool *spool, const char *id);

/* The retry schedule; a missing or unreadable file reads as zeros (send
 * now), which can at worst send early, never lose the message. */
int pp_spool_state_get(const struct pp_spool *spool, const char *id,
                       struct pp_spool_state *out);
int pp_spool_state_set(const struct pp_spool *spool, const char *id,
                       const struct pp_spool_state *state);

/* After the server accepted the message: journal the id (fsync), then
 * remove the queue files. A crash between the two leaves a queue file whose
 * id is in the journal; pp_spool_recover() removes it instead of sending it
 * again. When the journal cannot be written (disk full) the files are
 * removed all the same: unlinking needs no space. Returns 0, or a negative
 * errno when the queue file could not be removed; the caller must then
 * remember the id and never send it again. */
int pp_spool_delivered(const struct pp_spool *spool, const char *id);
/* Whether the journal holds id. */
bool pp_spool_journal_has(const struct pp_spool *spool, const char *id);

/* queue -> failed, with a reason file, for a permanent refusal. */
int pp_spool_fail(const struct pp_spool *spool, const char *id,
                  const char *reason);

/* At start-up, before sending: removes queue entries the journal says were
 * delivered, then empties the journal. *removed counts them. */
int pp_spool_recover(const struct pp_spool *spool, size_t *removed);

#endif
