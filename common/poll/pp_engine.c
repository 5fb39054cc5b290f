/* SPDX-License-Identifier: MIT */
/* The polling engine.
 *
 * One thread drives every printer of every poll submitted to it: each has
 * at most one request in flight; SNMPv1/v2c printers share a few sockets
 * (pp_ports.c), SNMPv3 printers have a net-snmp session each (pp_session.c);
 * epoll says which sockets have answers; the engine keeps its own timers, so
 * that a silent printer costs its timeout x tries and holds up no one else.
 * A printer goes through:
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
 * lock (README.thread: SNMPv3 was never checked for threads), so engines
 * with v3 printers in flight run one at a time; a process that shares one
 * engine (the collectd plugin) polls all its v3 printers side by side. */
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
      .max_inflight = 0,
      .deadline_ms = 0,
      .bulk_values = 0,
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
double engine_try_timeout_s(const struct job *job, unsigned attempt) {
  double backoff = job->opts->backoff >= 1.0 ? job->opts->backoff : 1.0;
  unsigned tries = job->target->snmp.retries + 1;
  double sum = 0;
  for (unsigned k = 0; k < tries; k++)
    sum += pow(backoff, k);
  double timeout = job->target->snmp.timeout_ms / 1000.0;
  return timeout * tries * pow(backoff, attempt) / sum;
}

/* Default deadline: the policy's, one rule for every front end. */
double engine_default_deadline_s(const struct job *job) {
  return pp_policy_deadline_s(job->target->snmp.timeout_ms / 1000.0,
                              job->target->snmp.retries, job->opts->backoff);
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

struct pp_printer *engine_job_printer(struct job *job) {
  if (job->printer == NULL && job->batch->owns_printers) {
    job->printer = malloc(sizeof(*job->printer));
    if (job->printer != NULL)
      pp_printer_init(job->printer, job->target->label);
  }
  return job->printer;
}

void engine_job_fail(struct job *job, const char *fmt, ...) {
  struct pp_printer *p = engine_job_printer(job);
  if (p != NULL) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->error, sizeof(p->error), fmt, ap);
    va_end(ap);
  }
  job->phase = JOB_DONE;
  job->want_send = false;
}

static void job_decode(struct job *job) {
  struct pp_printer *p = job->printer;
  p->reachable = job->answered;
  p->requests = job->requests;
  p->round_trips = job->round_trips;
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
  pp_printer_shrink(p);
}

/* --- slots: the printers in flight --- */

static int slot_take(struct poll_ctx *ctx, struct job *job) {
  if (ctx->free_count > 0) {
    job->slot = ctx->free_slots[--ctx->free_count];
  } else {
    if (ctx->slot_high == ctx->slot_cap) {
      size_t cap = ctx->slot_cap ? ctx->slot_cap * 2 : 256;
      cap = cap > MAX_SLOTS ? MAX_SLOTS : cap;
      if (cap == ctx->slot_cap)
        return -EBUSY;
      struct job **slots = realloc(ctx->slots, cap * sizeof(*slots));
      uint32_t *free_slots =
          slots ? realloc(ctx->free_slots, cap * sizeof(*free_slots)) : NULL;
      if (slots != NULL)
        ctx->slots = slots;
      if (free_slots == NULL)
        return -ENOMEM;
      ctx->free_slots = free_slots;
      ctx->slot_cap = cap;
    }
    job->slot = (unsigned)ctx->slot_high++;
  }
  ctx->slots[job->slot] = job;
  return 0;
}

static void slot_release(struct poll_ctx *ctx, struct job *job) {
  if (job->slot >= ctx->slot_high || ctx->slots[job->slot] != job)
    return; /* it never had one */
  ctx->slots[job->slot] = NULL;
  ctx->free_slots[ctx->free_count++] = job->slot;
}

/* A poll whose printers are all done waits to be reaped by the loop. */
static void batch_finished(struct poll_ctx *ctx, struct batch *b) {
  b->next_finished = NULL;
  if (ctx->last_finished != NULL)
    ctx->last_finished->next_finished = b;
  else
    ctx->finished = b;
  ctx->last_finished = b;
}

/* One more printer of the poll is done. */
static void count_done(struct batch *b) {
  if (++b->done == b->count)
    batch_finished(b->ctx, b);
}

/* A printer's result goes to on_printer; one the engine made is freed. A
 * result that could not be made (no memory) is reported from the stack. */
static void hand_over(struct batch *b, struct job *job) {
  size_t index = (size_t)(job - b->jobs);
  struct pp_printer spare;
  struct pp_printer *p = job->printer;
  if (p == NULL) {
    pp_printer_init(&spare, job->target->label);
    pp_strlcpy(spare.error, "out of memory", sizeof(spare.error));
    p = &spare;
  }
  if (b->opts.on_printer != NULL)
    b->opts.on_printer(index, p, b->opts.user_data);
  if (b->owns_printers && job->printer != NULL) {
    pp_printer_clear(job->printer);
    free(job->printer);
    job->printer = NULL;
  }
}

/* --- the walk queue: printers that answered, waiting for their walk --- */

static void job_step(struct poll_ctx *ctx, struct job *job, double now);

/* Printers walking their tables at once. A walk holds the columns' state
 * and the values read so far; when answers come faster than they can be
 * taken (ten thousand printers on one core), more walks at once only hold
 * more memory. Every printer's first request still goes out at once, so
 * silent ones are found within their timeout whatever the fleet's size. */
#define MAX_WALKING 256

static void wait_unlink(struct poll_ctx *ctx, struct job *job) {
  if (job->wait_prev != NULL)
    job->wait_prev->wait_next = job->wait_next;
  else if (ctx->wait_head == job)
    ctx->wait_head = job->wait_next;
  else
    return; /* not queued */
  if (job->wait_next != NULL)
    job->wait_next->wait_prev = job->wait_prev;
  else
    ctx->wait_tail = job->wait_prev;
  job->wait_prev = job->wait_next = NULL;
}

static void walk_begin(struct poll_ctx *ctx, struct job *job) {
  ctx->walking++;
  job->walking = true;
  walk_start(ctx, job);
}

void engine_job_wants_walk(struct poll_ctx *ctx, struct job *job) {
  if (ctx->walking < MAX_WALKING) {
    walk_begin(ctx, job);
    return;
  }
  job->waiting_since = now_s();
  job->wait_prev = ctx->wait_tail;
  job->wait_next = NULL;
  if (ctx->wait_tail != NULL)
    ctx->wait_tail->wait_next = job;
  else
    ctx->wait_head = job;
  ctx->wait_tail = job;
}

/* Walks whose turn has come; the time a printer waited is not held
 * against its deadline. */
static void start_waiting_walks(struct poll_ctx *ctx, double now) {
  while (ctx->walking < MAX_WALKING && ctx->wait_head != NULL) {
    struct job *job = ctx->wait_head;
    wait_unlink(ctx, job);
    job->deadline += now - job->waiting_since;
    walk_begin(ctx, job);
    job_step(ctx, job, now);
  }
}

/* Releases what a finished printer held and counts it done. */
static void job_finish(struct poll_ctx *ctx, struct job *job, double now) {
  wait_unlink(ctx, job);
  names_job_forget(ctx, job);
  if (job->walking) {
    job->walking = false;
    ctx->walking--;
  }
  if (engine_job_printer(job) != NULL) {
    job_decode(job);
    job->printer->duration_s = now - job->started;
  }
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
    ctx->active_v3--;
  }
  slot_release(ctx, job);
  ctx->active--;
  struct batch *b = job->batch;
  b->active--;
  count_done(b);
  hand_over(b, job);
  if (b->opts.on_done != NULL)
    b->opts.on_done((size_t)(job - b->jobs), b->done, b->count,
                    b->opts.user_data);
}

/* A job that did something: it sends its next request, or is finished. */
static void job_step(struct poll_ctx *ctx, struct job *job, double now) {
  if (job->want_send && job->phase != JOB_DONE)
    session_job_send(ctx, job, now);
  if (job->phase == JOB_DONE)
    job_finish(ctx, job, now);
  else if (job->in_flight && job->expires < ctx->next_due)
    ctx->next_due = job->expires;
}

void engine_job_answered(struct poll_ctx *ctx, struct job *job, double now) {
  job_step(ctx, job, now);
}

/* --- file descriptors --- */

static size_t fds_in_use(void) {
  size_t n = 0;
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL)
    return 64; /* a guess on systems without /proc */
  while (readdir(d) != NULL)
    n++;
  closedir(d);
  return n;
}

/* SNMPv3 printers need a socket each while they are polled: as many at once
 * as the file-descriptor limit leaves room for, never raising it (a
 * process's other parts may rely on it, select() on FD_SETSIZE for one),
 * with a reserve for the rest of the process. */
static void plan_fd_budget(struct poll_ctx *ctx) {
  struct rlimit rl = {.rlim_cur = 1024};
  getrlimit(RLIMIT_NOFILE, &rl);
  size_t limit = rl.rlim_cur == RLIM_INFINITY ? 65536 : (size_t)rl.rlim_cur;
  size_t open_now = fds_in_use();
  size_t taken = open_now + 2 * PORTS_PER_FAMILY + 32 + limit / 16;
  ctx->max_v3 = limit > taken ? limit - taken : 1;
  pp_log(PP_LOG_DEBUG,
         "engine: file-descriptor limit %zu, %zu open: SNMPv1/v2c printers "
         "share up to %d sockets per address family, up to %zu SNMPv3 "
         "printers are polled at once",
         limit, open_now, PORTS_PER_FAMILY, ctx->max_v3);
}

/* --- starting printers --- */

/* A printer that is never polled is still reported, once, with why. */
static void report_unstarted(struct batch *b, struct job *job,
                             const char *why) {
  engine_job_fail(job, "%s", why);
  count_done(b);
  hand_over(b, job);
  if (b->opts.on_done != NULL) /* every printer is reported once */
    b->opts.on_done((size_t)(job - b->jobs), b->done, b->count,
                    b->opts.user_data);
}

/* Opens the job's way to its printer and sends the first request; a job
 * that cannot start is finished with the reason. */
static void job_start(struct poll_ctx *ctx, struct job *job, double now) {
  ctx->active++;
  job->batch->active++;
  walk_job_start(ctx, job, now);
  if (slot_take(ctx, job) != 0) {
    engine_job_fail(job, "out of memory");
    job_finish(ctx, job, now);
    return;
  }
  if (names_job_address(ctx, job) == 1)
    return; /* engine_job_addressed follows */
  engine_job_addressed(ctx, job);
}

void engine_job_addressed(struct poll_ctx *ctx, struct job *job) {
  if (job->phase != JOB_DONE && job->target->snmp.version == PP_SNMP_V3) {
    ctx->active_v3++;
    if (session_job_open(ctx, job) != 0 && job->sess == NULL)
      ctx->active_v3--;
  }
  if (job->phase != JOB_DONE)
    job->want_send = true;
  job_step(ctx, job, now_s());
}

static bool can_start(const struct poll_ctx *ctx, const struct batch *b,
                      const struct job *job) {
  if (ctx->active >= MAX_SLOTS)
    return false;
  if (b->opts.max_inflight != 0 && b->active >= b->opts.max_inflight)
    return false;
  if (job->target->snmp.version == PP_SNMP_V3 && ctx->active_v3 >= ctx->max_v3)
    return false;
  return true;
}

/* Printers started per turn of the loop: a fleet's first requests go out
 * in bursts between which the loop reads answers, so no receive buffer
 * overflows while the rest is being sent. */
#define STARTS_PER_TURN 512

/* Starts what may start, in the order submitted; returns whether more are
 * waiting that could start at once. */
static bool start_jobs(struct poll_ctx *ctx, double now) {
  size_t started = 0;
  /* Polls whose printers have all started are not looked at again: a
   * process with a thousand <Printer> blocks has a thousand polls. */
  while (ctx->start_from != NULL &&
         ctx->start_from->next == ctx->start_from->count)
    ctx->start_from = ctx->start_from->next_batch;
  for (struct batch *b = ctx->start_from; b != NULL; b = b->next_batch) {
    while (b->next < b->count) {
      struct job *job = &b->jobs[b->next];
      if (!can_start(ctx, b, job))
        break;
      if (started == STARTS_PER_TURN)
        return true;
      b->next++;
      started++;
      job_start(ctx, job, now);
    }
  }
  return false;
}

/* --- the loop --- */

/* Reads what arrived on an SNMPv3 job's socket; net-snmp runs
 * walk_on_snmp_event. */
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

/* Expired tries and deadlines of one job. */
static void check_timers(struct job *job, double now) {
  if (job->phase == JOB_DONE || job->phase == JOB_WAITING)
    return;
  if (now >= job->deadline) {
    if (job->phase == JOB_GET)
      engine_job_fail(job, "no answer before the deadline");
    else
      engine_job_fail(job, "walk incomplete: deadline reached");
    return;
  }
  if (!job->in_flight || now < job->expires)
    return;
  if (job->sess == NULL) {
    ports_job_timed_out(job);
    return;
  }
  snmp_sess_timeout(job->sess); /* calls walk_on_snmp_event with TIMED_OUT */
  if (job->in_flight)
    job->expires = now + 0.001; /* net-snmp's clock is a hair behind */
}

/* Timers are looked at no more often than this: a try's timeout is a
 * second or so, and a look goes over every printer in flight. */
#define TIMER_GRAIN_S 0.005

static void run_timers(struct poll_ctx *ctx, double now) {
  ctx->next_due = now + 1;
  for (size_t i = 0; i < ctx->slot_high; i++) {
    struct job *job = ctx->slots[i];
    if (job == NULL)
      continue;
    check_timers(job, now);
    job_step(ctx, job, now);
    if (ctx->slots[i] == job && job->deadline < ctx->next_due)
      ctx->next_due = job->deadline;
  }
  if (ctx->next_due < now + TIMER_GRAIN_S)
    ctx->next_due = now + TIMER_GRAIN_S;
}

/* A poll whose cancel flag is up: its printers in flight and those not
 * started are ended "poll cancelled". */
static void cancel_batch(struct poll_ctx *ctx, struct batch *b, double now) {
  for (size_t i = 0; i < ctx->slot_high; i++) {
    struct job *job = ctx->slots[i];
    if (job != NULL && job->batch == b) {
      engine_job_fail(job, "poll cancelled");
      job_finish(ctx, job, now);
    }
  }
  for (; b->next < b->count; b->next++)
    report_unstarted(b, &b->jobs[b->next], "poll cancelled");
}

/* Cancel flags are looked at every CANCEL_CHECK_S: soon enough for a
 * shutdown, and not a walk over every poll at each turn of the loop. */
#define CANCEL_CHECK_S 0.02

static void check_cancels(struct poll_ctx *ctx, double now) {
  if (now < ctx->next_cancel_check)
    return;
  ctx->next_cancel_check = now + CANCEL_CHECK_S;
  for (struct batch *b = ctx->batches; b != NULL; b = b->next_batch) {
    if (b->opts.cancel != NULL && atomic_load(b->opts.cancel) &&
        b->done < b->count)
      cancel_batch(ctx, b, now);
  }
}

static void unlink_batch(struct poll_ctx *ctx, struct batch *b) {
  if (b->prev_batch != NULL)
    b->prev_batch->next_batch = b->next_batch;
  else
    ctx->batches = b->next_batch;
  if (b->next_batch != NULL)
    b->next_batch->prev_batch = b->prev_batch;
  else
    ctx->last_batch = b->prev_batch;
  if (ctx->start_from == b)
    ctx->start_from = b->next_batch;
  ctx->batch_count--;
}

/* Polls whose printers are all done leave the list; their callback runs. */
static void reap_batches(struct poll_ctx *ctx) {
  while (ctx->finished != NULL) {
    struct batch *b = ctx->finished;
    ctx->finished = b->next_finished;
    if (ctx->finished == NULL)
      ctx->last_finished = NULL;
    unlink_batch(ctx, b);
    if (b->on_finished != NULL)
      b->on_finished(b->user_data);
    free(b->jobs);
    free(b);
  }
}

static void handle_event(struct poll_ctx *ctx, const struct epoll_event *ev,
                         double now) {
  struct watch *w = ev->data.ptr;
  if (w->kind == WATCH_PORT) {
    ports_read(ctx, (struct port *)w, now);
    return;
  }
  if (w->kind == WATCH_DNS) {
    names_ready(ctx, w, ev->events);
    return;
  }
  struct job *job = (struct job *)w;
  if (job->sess != NULL)
    job_read(ctx, job);
  job_step(ctx, job, now);
}

#define EVENTS_PER_WAIT 256

size_t pp_engine_run(struct pp_engine *engine, int timeout_ms) {
  struct poll_ctx *ctx = (struct poll_ctx *)engine;
  struct epoll_event events[EVENTS_PER_WAIT];
  double until = now_s() + (timeout_ms > 0 ? timeout_ms / 1000.0 : 0);
  while (ctx->batches != NULL) {
    double now = now_s();
    check_cancels(ctx, now);
    bool more = start_jobs(ctx, now);
    reap_batches(ctx);
    if (ctx->batches == NULL)
      break;
    double wake = ctx->next_due < until ? ctx->next_due : until;
    int dns_ms = names_next_timeout_ms(ctx);
    if (dns_ms >= 0 && now + dns_ms / 1000.0 < wake)
      wake = now + dns_ms / 1000.0;
    int wait_ms = more ? 0 : (int)ceil((wake - now) * 1000);
    wait_ms = wait_ms < 0 ? 0 : wait_ms > 1000 ? 1000 : wait_ms;
    int n = epoll_wait(ctx->epfd, events, EVENTS_PER_WAIT, wait_ms);
    now = now_s();
    for (int i = 0; i < n; i++)
      handle_event(ctx, &events[i], now);
    names_run_timers(ctx);
    if (now >= ctx->next_due)
      run_timers(ctx, now);
    start_waiting_walks(ctx, now);
    reap_batches(ctx);
    if (now >= until && !more)
      break;
  }
  return pp_engine_pending(engine);
}

void pp_engine_set_name_cache(struct pp_engine *engine, unsigned seconds) {
  ((struct poll_ctx *)engine)->name_cache_s = seconds;
}

size_t pp_engine_pending(const struct pp_engine *engine) {
  const struct poll_ctx *ctx = (const struct poll_ctx *)engine;
  return ctx->batch_count;
}

int pp_engine_submit(struct pp_engine *engine, const struct pp_target *targets,
                     size_t count, const struct pp_engine_opts *opts,
                     struct pp_printer *printers,
                     void (*on_finished)(void *user_data), void *user_data) {
  struct poll_ctx *ctx = (struct poll_ctx *)engine;
  struct batch *b = calloc(1, sizeof(*b));
  if (b == NULL)
    return -ENOMEM;
  if (opts != NULL)
    b->opts = *opts;
  else
    pp_engine_opts_default(&b->opts);
  b->jobs = calloc(count ? count : 1, sizeof(*b->jobs));
  if (b->jobs == NULL) {
    free(b);
    return -ENOMEM;
  }
  b->ctx = ctx;
  b->count = count;
  b->on_finished = on_finished;
  b->user_data = user_data;
  b->owns_printers = printers == NULL;
  for (size_t i = 0; i < count; i++) {
    if (printers != NULL)
      pp_printer_init(&printers[i], targets[i].label);
    b->jobs[i] = (struct job){.watch = {WATCH_JOB},
                              .ctx = ctx,
                              .batch = b,
                              .opts = &b->opts,
                              .target = &targets[i],
                              .printer = printers ? &printers[i] : NULL,
                              .fd = -1};
  }
  b->prev_batch = ctx->last_batch;
  if (ctx->last_batch != NULL)
    ctx->last_batch->next_batch = b;
  else
    ctx->batches = b;
  ctx->last_batch = b;
  if (ctx->start_from == NULL)
    ctx->start_from = b;
  ctx->batch_count++;
  if (count == 0)
    batch_finished(ctx, b); /* nothing to poll: reaped at once */
  ctx->next_due = 0;
  return 0;
}

/* Parsed once per engine: the scalars of the GET, the standard columns. */
static int engine_prepare(struct poll_ctx *ctx) {
  collect_forbidden(ctx);
  pp_oid_parse(&ctx->sys_descr, PP_OID_SYS_DESCR);
  pp_oid_parse(&ctx->sys_object_id, PP_OID_SYS_OBJECT_ID);
  for (size_t i = 0; pp_std_scalars[i] != NULL && i < MAX_SCALARS; i++) {
    if (pp_oid_parse(&ctx->scalars[ctx->scalar_count], pp_std_scalars[i]) == 0)
      ctx->scalar_count++;
  }
  if (walk_parse_specs(&ctx->std_specs, pp_std_columns, NULL) != 0)
    return -ENOMEM;
  if (ports_init(ctx) != 0)
    return -ENOMEM;
  ctx->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (ctx->epfd < 0)
    return -errno;
  ctx->fdset_size = FD_SETSIZE;
  netsnmp_large_fd_set_init(&ctx->fdset, ctx->fdset_size);
  ctx->next_seq = (uint32_t)getpid() ^ (uint32_t)time(NULL);
  plan_fd_budget(ctx);
  return 0;
}

struct pp_engine *pp_engine_new(const struct pp_profile *const *profiles) {
  static const struct pp_profile *const no_profiles[] = {NULL};
  pthread_once(&snmp_once, snmp_init_once);
  struct poll_ctx *ctx = calloc(1, sizeof(*ctx));
  if (ctx == NULL)
    return NULL;
  ctx->profiles = profiles ? profiles : no_profiles;
  ctx->epfd = -1;
  int err = engine_prepare(ctx);
  if (err != 0) {
    pp_engine_free((struct pp_engine *)ctx);
    errno = -err;
    return NULL;
  }
  return (struct pp_engine *)ctx;
}

void pp_engine_free(struct pp_engine *engine) {
  struct poll_ctx *ctx = (struct poll_ctx *)engine;
  if (ctx == NULL)
    return;
  double now = now_s();
  for (struct batch *b = ctx->batches; b != NULL; b = b->next_batch)
    cancel_batch(ctx, b, now);
  reap_batches(ctx);
  names_release(ctx);
  walk_bulk_limits_free(ctx);
  if (ctx->fdset_size > 0)
    netsnmp_large_fd_set_cleanup(&ctx->fdset);
  ports_release(ctx);
  if (ctx->epfd >= 0)
    close(ctx->epfd);
  walk_free_specs(ctx);
  free(ctx->slots);
  free(ctx->free_slots);
  /* The USM key cache holds the SNMPv3 passphrases. */
  explicit_bzero(ctx->ku_cache, sizeof(ctx->ku_cache));
  free(ctx);
}

/* --- one poll --- */

static void mark_finished(void *user_data) { *(bool *)user_data = true; }

int pp_poll(const struct pp_target *targets, size_t count,
            const struct pp_profile *const *profiles,
            const struct pp_engine_opts *opts, struct pp_printer *printers) {
  if (count == 0)
    return 0;
  struct pp_engine *engine = pp_engine_new(profiles);
  if (engine == NULL)
    return errno ? -errno : -ENOMEM;
  bool finished = false;
  int err = pp_engine_submit(engine, targets, count, opts, printers,
                             mark_finished, &finished);
  if (err == 0) {
    bool v3 = any_v3(targets, count);
    if (v3)
      pthread_mutex_lock(&v3_lock);
    while (!finished)
      pp_engine_run(engine, 1000);
    if (v3)
      pthread_mutex_unlock(&v3_lock);
  }
  pp_engine_free(engine);
  return err;
}
