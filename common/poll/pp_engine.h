/* SPDX-License-Identifier: MIT */
/* The polling engine: one thread, many printers in flight, read-only. */
#ifndef PP_ENGINE_H
#define PP_ENGINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "pp_model.h"
#include "pp_profile.h"
#include "pp_target.h"

struct pp_engine_opts {
  /* Printers polled at the same time. The default polls 1000 in one wave;
   * each needs one socket, so the engine raises RLIMIT_NOFILE if it can. */
  unsigned max_inflight;
  /* Hard limit for one printer, from its first request (ms). 0: derived
   * from its timeout and retries. */
  unsigned deadline_ms;
  /* Values asked for in one GETBULK, shared among the columns walked. */
  unsigned bulk_values;
  /* A column is cut off after this many rows, a printer after this many
   * values: walks always end. */
  unsigned max_column_rows;
  unsigned max_values;
  /* Each retry waits this much longer than the try before. */
  double backoff;
  /* Never use GETBULK (for agents known to break it). */
  bool getnext_only;
  /* When set (and *cancel becomes true, from any thread), the poll ends
   * soon: printers not finished are reported "poll cancelled". */
  const _Atomic bool *cancel;
  /* Called after each printer finishes (from the polling thread). */
  void (*on_done)(size_t index, size_t done, size_t total, void *user_data);
  void *user_data;
};

void pp_engine_opts_default(struct pp_engine_opts *opts);

/* Polls targets[0..count) with the profile table (NULL-terminated) and fills
 * printers[0..count) (initialised here; release each with
 * pp_printer_clear). Returns 0 when the poll ran (unreachable printers are
 * a result, not an error), or a negative errno when it could not run at all.
 * Only GET, GETNEXT and GETBULK are ever sent. */
int pp_poll(const struct pp_target *targets, size_t count,
            const struct pp_profile *const *profiles,
            const struct pp_engine_opts *opts, struct pp_printer *printers);

/* Count of printers reachable in a result. */
size_t pp_count_reachable(const struct pp_printer *printers, size_t count);

#endif
