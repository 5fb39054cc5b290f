/* SPDX-License-Identifier: MIT */
/* The polling engine on net-snmp's single-session API.
 *
 * One thread drives every printer: each has its own session (socket) and at
 * most one request in flight; epoll says which sockets have answers; the
 * engine keeps its own timers, so that a silent printer costs its timeout x
 * tries and holds up no one else. A printer goes through:
 *   GET of the standard scalars -> profile chosen from sysObjectID ->
 *   walk of all columns at once (GETBULK, or GETNEXT when the agent breaks
 *   GETBULK) -> decode.
 * Callbacks from net-snmp only record what arrived; sending happens in the
 * loop, never inside a callback. Only GET, GETNEXT and GETBULK PDUs are ever
 * built here. */
#include "pp_engine_int.h"

/* --- time --- */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- net-snmp set-up, once per process --- */

static int snmp_log_to_core(int major, int minor, void *server_arg,
                            void *client_arg) {
  (void)major;
  (void)minor;
  (void)client_arg;
  const struct snmp_log_message *m = server_arg;
  char text[512];
  pp_strlcpy(text, m->msg ? m->msg : "", sizeof(text));
  size_t len = strlen(text);
  while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
    text[--len] = '\0';
  if (len > 0)
    pp_log(PP_LOG_DEBUG, "net-snmp: %s", text);
  return 0;
}

static void snmp_init_once(void) {
  /* No snmp.conf, no MIB files, no persistent state: numeric OIDs only, and
   * nothing written under /var/lib/snmp by a monitor. */
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                         NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                         NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                         NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_QUICK_PRINT, 1);
  netsnmp_set_mib_directory("");
  snmp_disable_log();
  netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_DEBUG);
  snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
                         snmp_log_to_core, NULL);
  netsnmp_init_mib_internals(); /* not init_mib(): that would read files */
  init_snmp("printprobe");
}

static pthread_once_t snmp_once = PTHREAD_ONCE_INIT;

/* net-snmp's USM user list and engine-ID cache are process-wide and take no
 * lock (README.thread: SNMPv3 was never checked for threads), so polls with
 * v3 targets run one at a time; v1/v2c polls run side by side. */
static pthread_mutex_t v3_lock = PTHREAD_MUTEX_INITIALIZER;

static bool any_v3(const struct pp_target *targets, size_t count) {
  for (size_t i = 0; i < count; i++) {
    if (targets[i].snmp.version == PP_SNMP_V3)
      return true;
  }
  return false;
}

/* --- options --- */

void pp_engine_opts_default(struct pp_engine_opts *opts) {
  *opts = (struct pp_engine_opts){
      .max_inflight = 1000,
      .deadline_ms = 0,
      .bulk_values = DEFAULT_BULK_VALUES,
      .max_column_rows = PP_MAX_TABLE_ROWS, /* as the report keeps */
      .max_values = 8192,
      .backoff = 1.5,
  };
}

size_t pp_count_reachable(const struct pp_printer *printers, size_t count) {
  size_t n = 0;
  for (size_t i = 0; i < count; i++)
    n += printers[i].reachable;
  return n;
}

/* The wait for try `attempt`: each try waits `backoff` times longer than
 * the one before, scaled so that all tries together wait timeout x tries. A
 * silent printer then costs exactly what the user asked for (the cycle of a
 * fleet with dead printers is their timeout x tries), while a slow one gets
 * more time on its later tries. */
double engine_try_timeout_s(const struct job *job, const struct poll_ctx *ctx,
                            unsigned attempt) {
  double backoff = ctx->opts->backoff >= 1.0 ? ctx->opts->backoff : 1.0;
  unsigned tries = job->target->snmp.retries + 1;
  double sum = 0;
  for (unsigned k = 0; k < tries; k++)
    sum += pow(backoff, k);
  double timeout = job->target->snmp.timeout_ms / 1000.0;
  return timeout * tries * pow(backoff, attempt) / sum;
}

/* Default deadline: the policy's, one rule for every front end. */
double engine_default_deadline_s(const struct job *job,
                                 const struct poll_ctx *ctx) {
  return pp_policy_deadline_s(job->target->snmp.timeout_ms / 1000.0,
                              job->target->snmp.retries, ctx->opts->backoff);
}

/* --- OIDs --- */

void engine_oid_to_pp(const oid *name, size_t len, struct pp_oid *out) {
  out->len = len < PP_OID_MAX ? len : PP_OID_MAX;
  for (size_t i = 0; i < out->len; i++)
    out->sub[i] = (uint32_t)name[i];
}

void engine_oid_from_pp(const struct pp_oid *in, oid *out, size_t *len) {
  for (size_t i = 0; i < in->len; i++)
    out[i] = in->sub[i];
  *len = in->len;
}

/* Defence in depth: whatever a profile lists, no request names an OID in a
 * subtree some profile forbids (Epson's command channel, for one). */
bool engine_oid_forbidden(const struct poll_ctx *ctx, const struct pp_oid *o) {
  for (size_t i = 0; i < ctx->never_count; i++) {
    if (pp_oid_has_prefix(o, &ctx->never[i]))
      return true;
  }
  return false;
}

static void collect_forbidden(struct poll_ctx *ctx) {
  for (size_t p = 0; ctx->profiles[p] != NULL; p++) {
    const char *const *never = ctx->profiles[p]->never_request;
    for (size_t i = 0; never != NULL && never[i] != NULL; i++) {
      if (ctx->never_count < sizeof(ctx->never) / sizeof(ctx->never[0]) &&
          pp_oid_parse(&ctx->never[ctx->never_count], never[i]) == 0)
        ctx->never_count++;
    }
  }
}

/* --- finishing --- */

void engine_job_fail(struct job *job, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(job->printer->error, sizeof(job->printer->error), fmt, ap);
  va_end(ap);
  job->phase = JOB_DONE;
  job->want_send = false;
}

static void job_decode(struct job *job) {
  struct pp_printer *p = job->printer;
  if (!p->reachable)
    return;
  /* One printer's values are expanded at a time: a fleet in flight keeps
   * only the packed form. */
  struct pp_varset values;
  pp_varset_init(&values);
  if (pp_packed_expand(&job->raw, &values) != 0 ||
      pp_decode_standard(&values, p) != 0) {
    pp_strlcpy(p->error, "out of memory while decoding", sizeof(p->error));
    pp_varset_free(&values);
    return;
  }
  if (job->profile != NULL) {
    p->profile = job->profile->name;
    if (job->profile->decode != NULL && job->profile->decode(&values, p) != 0)
      pp_log(PP_LOG_WARNING, "%s: profile %s could not decode everything",
             p->address, job->profile->name);
  }
  /* After every source of meters has had its say. */
  pp_counters_check_sum(p);
  p->counters.read_at = (int64_t)time(NULL);
  pp_varset_free(&values);
}

static void job_close(struct poll_ctx *ctx, struct job *job, double now) {
  job_decode(job);
  job->printer->duration_s = now - job->started;
  pp_packed_free(&job->raw);
  free(job->cols);
  job->cols = NULL;
  /* snmp_sess_close calls back with TIMED_OUT for a try still in flight
   * (the deadline or a cancel ended the job): that is no timeout of ours,
   * so walk_on_snmp_event must not take it for one. */
  job->in_flight = false;
  if (job->sess != NULL) {
    if (job->fd >= 0)
      epoll_ctl(ctx->epfd, EPOLL_CTL_DEL, job->fd, NULL);
    session_wipe(snmp_sess_session(job->sess));
    snmp_sess_close(job->sess);
    job->sess = NULL;
  }
}

/* --- the loop --- */

static void raise_fd_limit(size_t wanted) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return;
  rlim_t need = (rlim_t)wanted + 64;
  if (rl.rlim_cur >= need)
    return;
  rl.rlim_cur = need < rl.rlim_max ? need : rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
}

/* Reads what arrived on one job's socket; net-snmp runs walk_on_snmp_event. */
static void job_read(struct poll_ctx *ctx, struct job *job) {
  if (job->fd >= ctx->fdset_size) {
    int size = job->fd + 1024;
    if (!netsnmp_large_fd_set_resize(&ctx->fdset, size)) {
      engine_job_fail(job, "out of memory for the socket set");
      return;
    }
    ctx->fdset_size = size;
  }
  NETSNMP_LARGE_FD_ZERO(&ctx->fdset);
  NETSNMP_LARGE_FD_SET(job->fd, &ctx->fdset);
  snmp_sess_read2(job->sess, &ctx->fdset);
}

/* Expired tries and deadlines; returns the next moment anything is due. */
static double check_timers(struct job *job, double now) {
  if (job->phase == JOB_DONE || job->phase == JOB_WAITING)
    return INFINITY;
  if (now >= job->deadline) {
    if (job->phase == JOB_GET)
      engine_job_fail(job, "no answer before the deadline");
    else
      engine_job_fail(job, "walk incomplete: deadline reached");
    return INFINITY;
  }
  if (job->in_flight && now >= job->expires) {
    snmp_sess_timeout(job->sess); /* calls walk_on_snmp_event with TIMED_OUT */
    if (job->in_flight)
      job->expires = now + 0.001; /* net-snmp's clock is a hair behind */
  }
  double due = job->deadline;
  if (job->in_flight && job->expires < due)
    due = job->expires;
  return due;
}

static void advance(struct poll_ctx *ctx, struct job *job, double now) {
  if (job->want_send && job->phase != JOB_DONE)
    session_job_send(ctx, job, now);
}

/* Ends every printer in flight (they are closed by the loop as usual) and
 * every one not started yet; returns how many of those there were. */
static size_t cancel_all(struct poll_ctx *ctx, struct job **live, size_t active,
                         size_t *next, size_t done) {
  for (size_t i = 0; i < active; i++) {
    if (live[i]->phase != JOB_DONE)
      engine_job_fail(live[i], "poll cancelled");
  }
  size_t never_started = 0;
  for (; *next < ctx->count; (*next)++) {
    engine_job_fail(&ctx->jobs[*next], "poll cancelled");
    never_started++;
    if (ctx->opts->on_done != NULL) /* every printer is reported once */
      ctx->opts->on_done(*next, done + never_started, ctx->count,
                         ctx->opts->user_data);
  }
  return never_started;
}

static int poll_loop(struct poll_ctx *ctx) {
  size_t next = 0, active = 0, done = 0;
  size_t limit = ctx->opts->max_inflight ? ctx->opts->max_inflight : 1;
  struct job **live = calloc(limit, sizeof(*live));
  struct epoll_event *events = calloc(limit, sizeof(*events));
  if (live == NULL || events == NULL) {
    free(live);
    free(events);
    return -ENOMEM;
  }
  double next_due = 0;
  while (done < ctx->count) {
    double now = now_s();
    if (ctx->opts->cancel != NULL && atomic_load(ctx->opts->cancel)) {
      done += cancel_all(ctx, live, active, &next, done);
      next_due = now;
    }
    while (active < limit && next < ctx->count) {
      struct job *job = &ctx->jobs[next++];
      walk_job_start(ctx, job, now);
      live[active++] = job;
      next_due = now;
    }
    int wait_ms = (int)ceil((next_due - now) * 1000);
    wait_ms = wait_ms < 0 ? 0 : wait_ms > 1000 ? 1000 : wait_ms;
    int n = epoll_wait(ctx->epfd, events, (int)limit, wait_ms);
    now = now_s();
    for (int i = 0; i < n; i++) {
      struct job *job = events[i].data.ptr;
      if (job->sess != NULL)
        job_read(ctx, job);
      advance(ctx, job, now);
      if (job->in_flight && job->expires < next_due)
        next_due = job->expires;
    }
    if (now >= next_due) {
      next_due = now + 1;
      for (size_t i = 0; i < active; i++) {
        double due = check_timers(live[i], now);
        advance(ctx, live[i], now);
        if (live[i]->in_flight && live[i]->expires < due)
          due = live[i]->expires;
        if (due < next_due)
          next_due = due;
      }
    }
    for (size_t i = 0; i < active;) {
      struct job *job = live[i];
      if (job->phase != JOB_DONE) {
        i++;
        continue;
      }
      job_close(ctx, job, now);
      done++;
      if (ctx->opts->on_done != NULL)
        ctx->opts->on_done((size_t)(job - ctx->jobs), done, ctx->count,
                           ctx->opts->user_data);
      live[i] = live[--active];
    }
  }
  free(live);
  free(events);
  return 0;
}

/* Everything pp_poll sets up is released here, on every way out, whatever
 * part of it was set up: ctx starts zeroed with epfd -1. */
static void poll_ctx_release(struct poll_ctx *ctx) {
  if (ctx->fdset_size > 0)
    netsnmp_large_fd_set_cleanup(&ctx->fdset);
  if (ctx->epfd >= 0)
    close(ctx->epfd);
  walk_free_specs(ctx);
  free(ctx->jobs);
  /* The USM key cache holds the SNMPv3 passphrases. */
  explicit_bzero(ctx->ku_cache, sizeof(ctx->ku_cache));
}

/* Parsed once per poll: the scalars of the GET, the standard columns. */
static int poll_ctx_prepare(struct poll_ctx *ctx) {
  collect_forbidden(ctx);
  pp_oid_parse(&ctx->sys_descr, PP_OID_SYS_DESCR);
  pp_oid_parse(&ctx->sys_object_id, PP_OID_SYS_OBJECT_ID);
  for (size_t i = 0; pp_std_scalars[i] != NULL && i < MAX_SCALARS; i++) {
    if (pp_oid_parse(&ctx->scalars[ctx->scalar_count], pp_std_scalars[i]) == 0)
      ctx->scalar_count++;
  }
  if (walk_parse_specs(&ctx->std_specs, pp_std_columns, NULL) != 0)
    return -ENOMEM;
  ctx->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (ctx->epfd < 0)
    return -errno;
  ctx->fdset_size = FD_SETSIZE;
  netsnmp_large_fd_set_init(&ctx->fdset, ctx->fdset_size);
  return 0;
}

int pp_poll(const struct pp_target *targets, size_t count,
            const struct pp_profile *const *profiles,
            const struct pp_engine_opts *opts, struct pp_printer *printers) {
  static const struct pp_profile *const no_profiles[] = {NULL};
  struct pp_engine_opts defaults;
  if (opts == NULL) {
    pp_engine_opts_default(&defaults);
    opts = &defaults;
  }
  pthread_once(&snmp_once, snmp_init_once);
  for (size_t i = 0; i < count; i++)
    pp_printer_init(&printers[i], targets[i].label);
  if (count == 0)
    return 0;
  struct poll_ctx ctx = {.opts = opts,
                         .profiles = profiles ? profiles : no_profiles,
                         .count = count,
                         .epfd = -1};
  int err = -ENOMEM;
  ctx.jobs = calloc(count, sizeof(*ctx.jobs));
  if (ctx.jobs != NULL) {
    for (size_t i = 0; i < count; i++) {
      ctx.jobs[i] = (struct job){.ctx = &ctx,
                                 .target = &targets[i],
                                 .printer = &printers[i],
                                 .fd = -1};
    }
    err = poll_ctx_prepare(&ctx);
  }
  if (err == 0) {
    raise_fd_limit(opts->max_inflight < count ? opts->max_inflight : count);
    bool v3 = any_v3(targets, count);
    if (v3)
      pthread_mutex_lock(&v3_lock);
    err = poll_loop(&ctx);
    if (v3)
      pthread_mutex_unlock(&v3_lock);
  }
  poll_ctx_release(&ctx);
  return err;
}
