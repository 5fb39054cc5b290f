/* SPDX-License-Identifier: MIT */
/* The customer's local report archive (ArchiveDir):
 *   YYYY/MM/<id>.eml     the message exactly as it is sent
 *   YYYY/MM/<id>.html    the report as a readable page
 *   YYYY/MM/<id>.totals  one line of counts for the index
 *   index.html           every report, newest first
 * Every file is written atomically (pp_file_write_atomic); the .eml last,
 * so a listed report always has its page. */
#ifndef PP_ARCHIVE_H
#define PP_ARCHIVE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "pp_fleet.h"
#include "pp_spool.h"

struct pp_archive {
  char root[PATH_MAX];
};

int pp_archive_open(struct pp_archive *archive, const char *root, char *err,
                    size_t errlen);

/* html and totals may be NULL (a report repaired from the spool after a
 * crash has only its message; a short page then points to it). */
int pp_archive_put(const struct pp_archive *archive, const char *id,
                   const char *eml, size_t eml_len, const char *html,
                   size_t html_len, const struct pp_fleet_totals *totals);
bool pp_archive_has(const struct pp_archive *archive, const char *id);
/* Every archived id, oldest first. */
int pp_archive_list(const struct pp_archive *archive, struct pp_id_list *out);
int pp_archive_remove(const struct pp_archive *archive, const char *id);

/* Whether a report must be kept whatever its age (still to be sent). */
typedef bool (*pp_archive_keep_fn)(const char *id, void *ctx);

/* Removes reports older than days (0: no age limit) and the oldest beyond
 * count (0: no count limit), never one that keep() wants. */
int pp_archive_retention(const struct pp_archive *archive, unsigned days,
                         unsigned count, time_t now, pp_archive_keep_fn keep,
                         void *ctx, size_t *removed);

/* Status word of a report for the index ("sent", "queued", "failed"). */
typedef const char *(*pp_archive_status_fn)(const char *id, void *ctx);

/* Rewrites index.html from what is on disk. */
int pp_archive_write_index(const struct pp_archive *archive,
                           const char *customer, pp_archive_status_fn status,
                           void *ctx);

#endif
