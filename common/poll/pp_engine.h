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
  /* Printers of this poll in flight at the same time; 0 (the default): as
   * many as the engine can. SNMPv1/v2c printers share a few sockets, so
   * they cost no file descriptor each; an SNMPv3 printer needs a socket of
   * its own while it is polled, and the engine keeps those within the
   * process's file-descriptor limit by itself. */
  unsigned max_inflight;
  /* Hard limit for one printer, from its first request (ms). 0: derived
   * from its timeout and retries. */
  unsigned deadline_ms;
  /* Values asked for in one GETBULK, shared among the columns walked. 0
   * (the default): 128 at first, up to 256 while the agent answers all it
   * is asked, halved for good by a tooBig. */
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
  /* Called when a printer is done, with its result (from the polling
   * thread), then on_done. Without a printers array (pp_engine_submit,
   * pp_poll) this is the only place the result is seen: the engine frees
   * it when the call returns, so a fleet's results need not all be held
   * at once. */
  void (*on_printer)(size_t index, struct pp_printer *printer, void *user_data);
  /* Called after each printer finishes (from the polling thread). */
  void (*on_done)(size_t index, size_t done, size_t total, void *user_data);
  void *user_data;
};

void pp_engine_opts_default(struct pp_engine_opts *opts);

/* One engine per process serves every poll: its shared sockets, its USM
 * keys and its thread are used by all. Not thread-safe: one thread calls
 * everything below on one engine. */
struct pp_engine;

/* profiles: NULL-terminated, outliving the engine. NULL when out of memory
 * or when no socket can be made (errno says why). */
struct pp_engine *pp_engine_new(const struct pp_profile *const *profiles);

/* Adds a poll of targets[0..count) into printers[0..count) (initialised
 * here), or, when printers is NULL, into results the engine makes for each
 * printer while it is polled and hands to opts->on_printer. The engine starts
 * it at the next pp_engine_run; on_finished is called (from pp_engine_run) once
 * every printer of it is done. targets, printers and *opts (copied) must stay
 * valid until then. Returns 0 or -ENOMEM. */
int pp_engine_submit(struct pp_engine *engine, const struct pp_target *targets,
                     size_t count, const struct pp_engine_opts *opts,
                     struct pp_printer *printers,
                     void (*on_finished)(void *user_data), void *user_data);

/* Polls for at most timeout_ms (or until every submitted poll has
 * finished). Returns the number of polls still unfinished. */
size_t pp_engine_run(struct pp_engine *engine, int timeout_ms);

/* Resolved host names are kept this long (default 0: each poll asks
 * again); a collectd plugin passes its interval. Before the first poll. */
void pp_engine_set_name_cache(struct pp_engine *engine, unsigned seconds);

/* Polls not finished yet (submitted, running). */
size_t pp_engine_pending(const struct pp_engine *engine);

/* Ends every poll still running (their printers get "poll cancelled", each
 * on_finished is called) and frees the engine. */
void pp_engine_free(struct pp_engine *engine);

/* One poll on an engine of its own: pp_engine_new, pp_engine_submit,
 * pp_engine_run until done, pp_engine_free.
 * Polls targets[0..count) with the profile table (NULL-terminated) and fills
 * printers[0..count) (initialised here; release each with
 * pp_printer_clear), or, with printers NULL, hands each result to
 * opts->on_printer as the printer is done. Returns 0 when the poll ran
 * (unreachable printers are a result, not an error), or a negative errno when
 * it could not run at all. Only GET, GETNEXT and GETBULK are ever sent. */
int pp_poll(const struct pp_target *targets, size_t count,
            const struct pp_profile *const *profiles,
            const struct pp_engine_opts *opts, struct pp_printer *printers);

/* Count of printers reachable in a result. */
size_t pp_count_reachable(const struct pp_printer *printers, size_t count);

#endif
