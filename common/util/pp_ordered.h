/* SPDX-License-Identifier: MIT */
#ifndef PP_ORDERED_H
#define PP_ORDERED_H
/* Parts of one output that are made out of order and written in order:
 * a report written in the targets' order while printers finish in any
 * order. A finished part waits until every part before it is written. Up
 * to mem_limit bytes wait in memory; past that, parts wait in an unlinked
 * temporary file (in $TMPDIR, else /tmp), so a fleet of any size holds a
 * bounded amount of memory. Without such a file (read-only or full disk)
 * parts wait in memory: slower to none, lost never. */
#include <stddef.h>
#include <stdio.h>

struct pp_ordered;

/* count parts, written to out; before each part but the first, sep (NULL:
 * nothing); before the first, first_sep. NULL when out of memory. */
struct pp_ordered *pp_ordered_new(size_t count, size_t mem_limit, FILE *out,
                                  const char *first_sep, const char *sep);

/* Part index is done: text (from malloc, len bytes, owned by the output
 * from now on, even on failure). Writes it and every part ready after it
 * when its turn has come. 0, -EINVAL (index out of range or given twice),
 * -ENOMEM, or -EIO when a waiting part could not be read back. */
int pp_ordered_put(struct pp_ordered *s, size_t index, char *text, size_t len);

/* Parts written so far, and bytes waiting in memory now. */
size_t pp_ordered_written(const struct pp_ordered *s);
size_t pp_ordered_held_bytes(const struct pp_ordered *s);
/* Parts that waited in the file. */
size_t pp_ordered_spilled(const struct pp_ordered *s);

void pp_ordered_free(struct pp_ordered *s);

#endif
