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
#include "pp_engine.h"

/* net-snmp's config header comes first, then the rest of net-snmp. */
#include <net-snmp/net-snmp-config.h>

#include <net-snmp/library/large_fd_set.h>
#include <net-snmp/net-snmp-includes.h>

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pp_decode.h"
#include "pp_log.h"
#include "pp_packed.h"
#include "pp_policy.h"
#include "pp_str.h"

#define MAX_COLUMNS 96
#define MAX_SCALARS 32
#define MAX_INDEX                                                              \
  8 /* sub-identifiers of a row index we follow: tables                        \
     * we walk have 1 to 3 */
#define MAX_PROFILES 32
#define GETNEXT_BATCH 16
#define MIN_BULK_VALUES 4

enum job_phase { JOB_WAITING, JOB_GET, JOB_WALK, JOB_DONE };

/* What to walk, parsed once per poll and shared by every printer. */
struct column_spec {
  struct pp_oid prefix;
  struct pp_oid want; /* a scalar: the one instance wanted */
  bool scalar;
};

struct spec_list {
  struct column_spec *items;
  size_t count;
  bool parsed;
};

/* One printer's progress through a column: kept small, a fleet has many. */
struct column {
  const struct column_spec *spec;
  uint32_t index[MAX_INDEX]; /* the last row read, after the prefix */
  uint8_t index_len;
  bool started;
  bool done;
  unsigned rows;
};

struct poll_ctx;

struct job {
  struct poll_ctx *ctx;
  const struct pp_target *target;
  struct pp_printer *printer;
  void *sess;
  int fd;
  enum job_phase phase;
  bool use_bulk;
  bool bulk_shrunk; /* a silent GETBULK was asked again, one row a column */
  bool want_send;   /* the loop sends the next request */
  bool in_flight;
  int reqid;
  unsigned attempt; /* tries of the current request so far */
  double expires;   /* of the request in flight */
  double deadline;
  double started;
  unsigned bulk_values;
  struct pp_packed raw; /* everything read, until it is decoded */
  const struct pp_profile *profile;
  /* GET phase: bit i drops standard scalar i (SNMPv1 refuses unknown ones
   * one at a time) */
  uint32_t get_skip;
  struct column *cols; /* allocated for the walk only */
  size_t col_count;
  /* columns in the request in flight, in varbind order */
  uint8_t sent[MAX_COLUMNS];
  size_t sent_count;
  size_t sent_scalars; /* the first sent_scalars are GETBULK non-repeaters */
};

struct poll_ctx {
  const struct pp_engine_opts *opts;
  const struct pp_profile *const *profiles;
  struct pp_oid never[16];
  size_t never_count;
  struct pp_oid sys_descr;
  struct pp_oid sys_object_id;
  struct pp_oid scalars[MAX_SCALARS];
  size_t scalar_count;
  struct spec_list std_specs;
  struct spec_list profile_specs[MAX_PROFILES];
  struct job *jobs;
  size_t count;
  int epfd;
  netsnmp_large_fd_set fdset;
  int fdset_size;
  /* USM keys are costly (a megabyte of hashing each): fleets share them */
  struct {
    int proto;
    char pass[256];
    u_char key[USM_AUTH_KU_LEN];
    size_t key_len;
  } ku_cache[2];
};

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
      .bulk_values = 64,
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
static double try_timeout_s(const struct job *job, const struct poll_ctx *ctx,
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
static double default_deadline_s(const struct job *job,
                                 const struct poll_ctx *ctx) {
  return pp_policy_deadline_s(job->target->snmp.timeout_ms / 1000.0,
                              job->target->snmp.retries, ctx->opts->backoff);
}

/* --- OIDs --- */

static void oid_to_pp(const oid *name, size_t len, struct pp_oid *out) {
  out->len = len < PP_OID_MAX ? len : PP_OID_MAX;
  for (size_t i = 0; i < out->len; i++)
    out->sub[i] = (uint32_t)name[i];
}

static void oid_from_pp(const struct pp_oid *in, oid *out, size_t *len) {
  for (size_t i = 0; i < in->len; i++)
    out[i] = in->sub[i];
  *len = in->len;
}

/* Defence in depth: whatever a profile lists, no request names an OID in a
 * subtree some profile forbids (Epson's command channel, for one). */
static bool oid_forbidden(const struct poll_ctx *ctx, const struct pp_oid *o) {
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

static void job_fail(struct job *job, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void job_fail(struct job *job, const char *fmt, ...) {
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
  pp_varset_free(&values);
}

/* net-snmp frees its copies of the community and the v3 keys unwiped. */
static void session_wipe(netsnmp_session *s) {
  if (s == NULL)
    return;
  if (s->community != NULL)
    explicit_bzero(s->community, s->community_len);
  explicit_bzero(s->securityAuthKey, sizeof(s->securityAuthKey));
  explicit_bzero(s->securityPrivKey, sizeof(s->securityPrivKey));
}

static void job_close(struct poll_ctx *ctx, struct job *job, double now) {
  job_decode(job);
  job->printer->duration_s = now - job->started;
  pp_packed_free(&job->raw);
  free(job->cols);
  job->cols = NULL;
  /* snmp_sess_close calls back with TIMED_OUT for a try still in flight
   * (the deadline or a cancel ended the job): that is no timeout of ours,
   * so on_snmp_event must not take it for one. */
  job->in_flight = false;
  if (job->sess != NULL) {
    if (job->fd >= 0)
      epoll_ctl(ctx->epfd, EPOLL_CTL_DEL, job->fd, NULL);
    session_wipe(snmp_sess_session(job->sess));
    snmp_sess_close(job->sess);
    job->sess = NULL;
  }
}

/* --- storing values --- */

static int store_value(struct job *job, const netsnmp_variable_list *vb,
                       const struct pp_oid *name) {
  struct pp_packed *raw = &job->raw;
  switch (vb->type) {
  case ASN_INTEGER:
    return pp_packed_add(raw, name, PP_V_INT, *vb->val.integer, NULL, 0, NULL);
  case ASN_COUNTER:
  case ASN_GAUGE:
  case ASN_TIMETICKS:
  case ASN_UINTEGER:
    return pp_packed_add(raw, name, PP_V_UNSIGNED,
                         (int64_t)(uint32_t)*vb->val.integer, NULL, 0, NULL);
  case ASN_COUNTER64: {
    uint64_t v = (uint64_t)vb->val.counter64->high << 32 |
                 (uint32_t)vb->val.counter64->low;
    /* All 64 bits: a clamp would make the next read look like a reset. */
    return pp_packed_add(raw, name, PP_V_UNSIGNED, (int64_t)v, NULL, 0, NULL);
  }
  case ASN_OCTET_STR:
  case ASN_OPAQUE:
    return pp_packed_add(raw, name, PP_V_OCTETS, 0, vb->val.string, vb->val_len,
                         NULL);
  case ASN_IPADDRESS:
    return pp_packed_add(raw, name, PP_V_IPADDR, 0, vb->val.string, vb->val_len,
                         NULL);
  case ASN_OBJECT_ID: {
    struct pp_oid value;
    oid_to_pp(vb->val.objid, vb->val_len / sizeof(oid), &value);
    return pp_packed_add(raw, name, PP_V_OID, 0, NULL, 0, &value);
  }
  default:
    return 0; /* NULL and exceptions carry nothing */
  }
}

static bool is_exception(const netsnmp_variable_list *vb) {
  return vb->type == SNMP_NOSUCHOBJECT || vb->type == SNMP_NOSUCHINSTANCE ||
         vb->type == SNMP_ENDOFMIBVIEW || vb->type == ASN_NULL;
}

/* Ends a column early; the first such reason is kept in the report, so a
 * table missing for this reason is not mistaken for an empty one. */
static void column_end(struct job *job, struct column *col, const char *why) {
  char text[256];
  pp_oid_format(&col->spec->prefix, text, sizeof(text));
  pp_log(PP_LOG_NOTICE, "%s: walk of %s cut off: %s", job->printer->address,
         text, why);
  if (job->printer->error[0] == '\0')
    snprintf(job->printer->error, sizeof(job->printer->error),
             "walk of %.100s cut off: %.40s", text, why);
  col->done = true;
}

static struct pp_oid column_cursor(const struct column *col);

/* Takes one varbind answered for col; returns whether it advanced. */
static bool column_take(struct poll_ctx *ctx, struct job *job,
                        struct column *col, const netsnmp_variable_list *vb) {
  if (col->done)
    return false;
  if (vb->type == SNMP_ENDOFMIBVIEW || vb->type == SNMP_NOSUCHOBJECT ||
      vb->type == SNMP_NOSUCHINSTANCE || vb->name_length > PP_OID_MAX) {
    col->done = true;
    return true;
  }
  struct pp_oid name;
  oid_to_pp(vb->name, vb->name_length, &name);
  const struct column_spec *spec = col->spec;
  if (!pp_oid_has_prefix(&name, &spec->prefix)) {
    col->done = true; /* walked off the end of the column */
    return true;
  }
  if (spec->scalar) {
    if (pp_oid_compare(&name, &spec->want) == 0)
      store_value(job, vb, &name);
    col->done = true;
    return true;
  }
  struct pp_oid last = column_cursor(col);
  if (pp_oid_compare(&name, &last) <= 0) {
    column_end(job, col, "the agent returned a non-increasing OID");
    return true;
  }
  if (name.len - spec->prefix.len > MAX_INDEX) {
    column_end(job, col, "row index too long");
    return true;
  }
  /* Cut only when a row beyond the limit comes: a column of exactly the
   * limit is complete. */
  if (col->rows >= ctx->opts->max_column_rows) {
    column_end(job, col, "too many rows");
    return true;
  }
  if (store_value(job, vb, &name) != 0) {
    column_end(job, col, "out of memory");
    return true;
  }
  col->index_len = (uint8_t)(name.len - spec->prefix.len);
  memcpy(col->index, name.sub + spec->prefix.len,
         col->index_len * sizeof(uint32_t));
  col->started = true;
  col->rows++;
  if (job->raw.count >= ctx->opts->max_values) {
    for (size_t i = 0; i < job->col_count; i++)
      job->cols[i].done = true;
    pp_log(PP_LOG_WARNING, "%s: walk cut off after %zu values",
           job->printer->address, job->raw.count);
    /* as every other cut: a truncated table must not look complete */
    if (job->printer->error[0] == '\0')
      snprintf(job->printer->error, sizeof(job->printer->error),
               "walk cut off after %zu values", job->raw.count);
  }
  return true;
}

/* --- building requests --- */

static bool add_request_oid(struct poll_ctx *ctx, struct job *job,
                            netsnmp_pdu *pdu, const struct pp_oid *o) {
  if (oid_forbidden(ctx, o)) {
    char text[256];
    pp_oid_format(o, text, sizeof(text));
    pp_log(PP_LOG_ERR, "%s: refusing to request %s (a forbidden subtree)",
           job->printer->address, text);
    return false;
  }
  oid name[MAX_OID_LEN];
  size_t len;
  oid_from_pp(o, name, &len);
  snmp_add_null_var(pdu, name, len);
  return true;
}

static netsnmp_pdu *build_get(struct poll_ctx *ctx, struct job *job) {
  netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
  if (pdu == NULL)
    return NULL;
  for (size_t i = 0; i < ctx->scalar_count; i++) {
    if (!(job->get_skip & (1u << i)))
      add_request_oid(ctx, job, pdu, &ctx->scalars[i]);
  }
  return pdu;
}

/* The OID a column's next request names: its start, or the last row read;
 * for a scalar, its parent (GETNEXT of the parent finds the instance, as
 * vendors' own tools read them). */
static struct pp_oid column_cursor(const struct column *col) {
  struct pp_oid cursor = col->spec->prefix;
  if (col->started)
    pp_oid_append(&cursor, col->index, col->index_len);
  return cursor;
}

static netsnmp_pdu *build_walk(struct poll_ctx *ctx, struct job *job) {
  bool bulk = job->use_bulk;
  netsnmp_pdu *pdu =
      snmp_pdu_create(bulk ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
  if (pdu == NULL)
    return NULL;
  job->sent_count = 0;
  job->sent_scalars = 0;
  /* GETBULK: scalars first, as non-repeaters; then the table columns. */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < job->col_count; i++) {
      struct column *col = &job->cols[i];
      if (col->done || col->spec->scalar != (pass == 0))
        continue;
      if (!bulk && job->sent_count == GETNEXT_BATCH)
        break;
      struct pp_oid cursor = column_cursor(col);
      if (!add_request_oid(ctx, job, pdu, &cursor)) {
        col->done = true;
        continue;
      }
      job->sent[job->sent_count++] = (uint8_t)i;
      if (pass == 0)
        job->sent_scalars++;
    }
  }
  if (bulk) {
    size_t tables = job->sent_count - job->sent_scalars;
    pdu->non_repeaters = (long)job->sent_scalars;
    pdu->max_repetitions = tables ? (long)(job->bulk_values / tables > 0
                                               ? job->bulk_values / tables
                                               : 1)
                                  : 0;
  }
  if (job->sent_count == 0) {
    snmp_free_pdu(pdu);
    return NULL;
  }
  return pdu;
}

/* --- responses --- */

static void start_walk(struct poll_ctx *ctx, struct job *job);

/* Drops the n-th (1-based) scalar still asked for; false when n names
 * none of them (a broken agent's error-index: asking the same again would
 * get the same answer, until the deadline) or none is left to ask for. */
static bool drop_scalar(struct poll_ctx *ctx, struct job *job, size_t n) {
  size_t asked = 0;
  bool dropped = false;
  for (size_t i = 0; i < ctx->scalar_count; i++) {
    if (job->get_skip & (1u << i))
      continue;
    if (++asked == n) {
      job->get_skip |= 1u << i;
      dropped = true;
    }
  }
  return dropped && asked > 1;
}

/* The profile is chosen from sysObjectID and sysDescr before the walk; the
 * decoder fills the same fields again from the same values later. */
static void note_identity(const struct poll_ctx *ctx, struct pp_printer *p,
                          const netsnmp_variable_list *vb,
                          const struct pp_oid *name) {
  if (vb->type == ASN_OCTET_STR && pp_oid_compare(name, &ctx->sys_descr) == 0) {
    pp_clean_text(vb->val.string, vb->val_len, p->sys_descr,
                  sizeof(p->sys_descr));
  } else if (vb->type == ASN_OBJECT_ID &&
             pp_oid_compare(name, &ctx->sys_object_id) == 0) {
    struct pp_oid value;
    oid_to_pp(vb->val.objid, vb->val_len / sizeof(oid), &value);
    p->enterprise = pp_enterprise_of(&value);
  }
}

static void get_response(struct poll_ctx *ctx, struct job *job,
                         netsnmp_pdu *pdu) {
  job->printer->reachable = true;
  if (pdu->errstat == SNMP_ERR_NOSUCHNAME && pdu->errindex > 0) {
    /* SNMPv1: one unknown OID fails the whole GET; drop it and ask again. */
    if (drop_scalar(ctx, job, (size_t)pdu->errindex)) {
      job->want_send = true;
      job->attempt = 0;
      return;
    }
  } else if (pdu->errstat == SNMP_ERR_NOERROR) {
    for (netsnmp_variable_list *vb = pdu->variables; vb;
         vb = vb->next_variable) {
      if (is_exception(vb) || vb->name_length > PP_OID_MAX)
        continue;
      struct pp_oid name;
      oid_to_pp(vb->name, vb->name_length, &name);
      store_value(job, vb, &name);
      note_identity(ctx, job->printer, vb, &name);
    }
  }
  start_walk(ctx, job);
}

static void switch_to_getnext(struct job *job, const char *why) {
  pp_log(PP_LOG_NOTICE, "%s: GETBULK %s; walking with GETNEXT",
         job->printer->address, why);
  job->use_bulk = false;
  job->printer->bulk_fallback = true;
  job->attempt = 0;
  job->want_send = true;
}

static bool walk_finished(const struct job *job) {
  for (size_t i = 0; i < job->col_count; i++) {
    if (!job->cols[i].done)
      return false;
  }
  return true;
}

/* After an answer: ask for more, or finish. */
static void walk_continue(struct job *job) {
  if (walk_finished(job)) {
    job->phase = JOB_DONE;
    job->want_send = false;
  } else {
    job->want_send = true;
  }
}

static void walk_bulk_response(struct poll_ctx *ctx, struct job *job,
                               netsnmp_pdu *pdu) {
  if (pdu->errstat == SNMP_ERR_TOOBIG &&
      job->bulk_values / 2 >= MIN_BULK_VALUES) {
    job->bulk_values /= 2; /* the agent's buffer is small: ask for less */
    job->want_send = true;
    job->attempt = 0;
    return;
  }
  if (pdu->errstat != SNMP_ERR_NOERROR) {
    switch_to_getnext(job, "answered with an error");
    return;
  }
  bool progress = false;
  size_t tables = job->sent_count - job->sent_scalars;
  size_t i = 0;
  for (netsnmp_variable_list *vb = pdu->variables; vb;
       vb = vb->next_variable, i++) {
    size_t slot;
    if (i < job->sent_scalars)
      slot = i;
    else if (tables > 0)
      slot = job->sent_scalars + (i - job->sent_scalars) % tables;
    else
      break;
    progress |= column_take(ctx, job, &job->cols[job->sent[slot]], vb);
  }
  if (!progress) {
    switch_to_getnext(job, "answered nothing usable");
    return;
  }
  job->attempt = 0;
  walk_continue(job);
}

static void walk_getnext_response(struct poll_ctx *ctx, struct job *job,
                                  netsnmp_pdu *pdu) {
  job->attempt = 0;
  if (pdu->errstat == SNMP_ERR_NOSUCHNAME && pdu->errindex > 0 &&
      (size_t)pdu->errindex <= job->sent_count) {
    /* SNMPv1 end of MIB for one column: finish it, ask the rest again. */
    job->cols[job->sent[pdu->errindex - 1]].done = true;
    walk_continue(job);
    return;
  }
  if (pdu->errstat != SNMP_ERR_NOERROR) {
    for (size_t i = 0; i < job->sent_count; i++)
      job->cols[job->sent[i]].done = true; /* one bad column: give up these */
    pp_log(PP_LOG_NOTICE, "%s: GETNEXT answered error %ld",
           job->printer->address, pdu->errstat);
    walk_continue(job);
    return;
  }
  bool progress = false;
  size_t i = 0;
  for (netsnmp_variable_list *vb = pdu->variables; vb && i < job->sent_count;
       vb = vb->next_variable, i++)
    progress |= column_take(ctx, job, &job->cols[job->sent[i]], vb);
  if (!progress) {
    for (size_t k = 0; k < job->sent_count; k++)
      job->cols[job->sent[k]].done = true;
  }
  walk_continue(job);
}

static void job_timed_out(struct poll_ctx *ctx, struct job *job) {
  const struct pp_snmp_opts *o = &job->target->snmp;
  if (job->attempt <= o->retries) {
    job->want_send = true; /* retry, with a longer wait */
    return;
  }
  if (job->phase == JOB_GET) {
    /* v3 agents often drop requests with wrong keys without a report */
    job_fail(job, "no answer after %u %s (timeout %u ms%s)", o->retries + 1,
             o->retries ? "tries" : "try", o->timeout_ms,
             o->version == PP_SNMP_V3 ? "; SNMPv3: check user, keys, context"
                                      : "");
    return;
  }
  if (job->use_bulk && !job->bulk_shrunk && job->bulk_values > 1) {
    /* Printers with small buffers drop a big GETBULK answer silently, and
     * a congested agent looks the same: ask once more for one row of each
     * column before walking one value per round trip. */
    pp_log(PP_LOG_NOTICE, "%s: GETBULK got no answer; asking for less",
           job->printer->address);
    job->bulk_shrunk = true;
    job->bulk_values = 1;
    job->attempt = 0;
    job->want_send = true;
    return;
  }
  if (job->use_bulk) {
    switch_to_getnext(job, "got no answer");
    return;
  }
  (void)ctx;
  job_fail(job, "walk incomplete: the agent stopped answering");
}

static int on_snmp_event(int op, netsnmp_session *session, int reqid,
                         netsnmp_pdu *pdu, void *magic) {
  (void)session;
  struct job *job = magic;
  struct poll_ctx *ctx = job->ctx;
  if (reqid != job->reqid || !job->in_flight)
    return 1; /* an answer to an earlier try */
  job->in_flight = false;
  if (op == NETSNMP_CALLBACK_OP_TIMED_OUT) {
    job_timed_out(ctx, job);
    return 1;
  }
  if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || pdu == NULL) {
    job_fail(job, "SNMP error while waiting for an answer");
    return 1;
  }
  job->printer->round_trips++;
  if (pdu->command == SNMP_MSG_REPORT) {
    job_fail(job, "SNMPv3 report: wrong user, keys or context");
    return 1;
  }
  if (job->phase == JOB_GET)
    get_response(ctx, job, pdu);
  else if (job->use_bulk)
    walk_bulk_response(ctx, job, pdu);
  else
    walk_getnext_response(ctx, job, pdu);
  return 1;
}

/* --- sessions --- */

static const oid *auth_oid(enum pp_auth_proto proto, size_t *len) {
  switch (proto) {
  case PP_AUTH_MD5:
    *len = OID_LENGTH(usmHMACMD5AuthProtocol);
    return usmHMACMD5AuthProtocol;
  case PP_AUTH_SHA256:
    *len = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
    return usmHMAC192SHA256AuthProtocol;
  case PP_AUTH_SHA512:
    *len = OID_LENGTH(usmHMAC384SHA512AuthProtocol);
    return usmHMAC384SHA512AuthProtocol;
  case PP_AUTH_SHA:
  case PP_AUTH_NONE:
    break;
  }
  *len = OID_LENGTH(usmHMACSHA1AuthProtocol);
  return usmHMACSHA1AuthProtocol;
}

static const oid *priv_oid(enum pp_priv_proto proto, size_t *len) {
  if (proto == PP_PRIV_DES) {
    *len = OID_LENGTH(usmDESPrivProtocol);
    return usmDESPrivProtocol;
  }
  if (proto == PP_PRIV_AES256) {
    *len = OID_LENGTH(usmAES256PrivProtocol);
    return usmAES256PrivProtocol;
  }
  *len = OID_LENGTH(usmAESPrivProtocol);
  return usmAESPrivProtocol;
}

/* Ku from a passphrase, cached: slot 0 for auth, 1 for privacy keys. */
static int make_key(struct poll_ctx *ctx, int slot, int proto, const oid *hash,
                    size_t hash_len, const char *pass, u_char *key,
                    size_t *key_len) {
  if (ctx->ku_cache[slot].key_len > 0 && ctx->ku_cache[slot].proto == proto &&
      strcmp(ctx->ku_cache[slot].pass, pass) == 0) {
    memcpy(key, ctx->ku_cache[slot].key, ctx->ku_cache[slot].key_len);
    *key_len = ctx->ku_cache[slot].key_len;
    return 0;
  }
  *key_len = USM_AUTH_KU_LEN;
  if (generate_Ku(hash, (u_int)hash_len, (const u_char *)pass, strlen(pass),
                  key, key_len) != SNMPERR_SUCCESS)
    return -EINVAL;
  ctx->ku_cache[slot].proto = proto;
  pp_strlcpy(ctx->ku_cache[slot].pass, pass, sizeof(ctx->ku_cache[slot].pass));
  memcpy(ctx->ku_cache[slot].key, key, *key_len);
  ctx->ku_cache[slot].key_len = *key_len;
  return 0;
}

static int session_v3(struct poll_ctx *ctx, const struct pp_snmp_opts *o,
                      netsnmp_session *s) {
  s->securityName = (char *)o->username;
  s->securityNameLen = strlen(o->username);
  s->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
  if (o->context[0] != '\0') {
    s->contextName = (char *)o->context;
    s->contextNameLen = strlen(o->context);
  }
  if (o->auth_proto == PP_AUTH_NONE)
    return 0;
  size_t hash_len;
  const oid *hash = auth_oid(o->auth_proto, &hash_len);
  s->securityAuthProto = (oid *)hash;
  s->securityAuthProtoLen = hash_len;
  s->securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
  if (make_key(ctx, 0, o->auth_proto, hash, hash_len, o->auth_pass,
               s->securityAuthKey, &s->securityAuthKeyLen) != 0)
    return -EINVAL;
  if (o->priv_proto == PP_PRIV_NONE)
    return 0;
  size_t priv_len;
  s->securityPrivProto = (oid *)priv_oid(o->priv_proto, &priv_len);
  s->securityPrivProtoLen = priv_len;
  s->securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
  /* The privacy key is derived with the auth hash (RFC 3414). */
  return make_key(ctx, 1, o->auth_proto * 16 + o->priv_proto, hash, hash_len,
                  o->priv_pass, s->securityPrivKey, &s->securityPrivKeyLen);
}

/* Answers are taken only from the address and port asked: a connected UDP
 * socket makes the kernel drop datagrams from anyone else, so a relay or
 * a spoofer on the path cannot answer for a printer (and feed a site's
 * billing data). net-snmp keeps the resolved peer as a sockaddr in the
 * transport's remote field and sends with sendto, which a connected UDP
 * socket still accepts. */
static int connect_to_peer(const netsnmp_transport *tr) {
  if (tr->remote == NULL)
    return -EDESTADDRREQ;
  struct sockaddr_storage peer = {0};
  size_t len = (size_t)tr->remote_length;
  if (len > sizeof(peer))
    return -EAFNOSUPPORT;
  memcpy(&peer, tr->remote, len);
  size_t want = peer.ss_family == AF_INET    ? sizeof(struct sockaddr_in)
                : peer.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                             : 0;
  if (want == 0 || len < want)
    return -EAFNOSUPPORT;
  if (connect(tr->sock, (const struct sockaddr *)&peer, (socklen_t)want) != 0)
    return -errno;
  return 0;
}

static int job_open(struct poll_ctx *ctx, struct job *job) {
  const struct pp_target *t = job->target;
  const struct pp_snmp_opts *o = &t->snmp;
  char peer[300];
  if (t->ipv6)
    snprintf(peer, sizeof(peer), "udp6:[%s]:%u", t->host, t->port);
  else
    snprintf(peer, sizeof(peer), "udp:%s:%u", t->host, t->port);
  netsnmp_session s;
  snmp_sess_init(&s);
  s.peername = peer;
  s.retries = 0; /* the engine retries itself, with backoff */
  s.timeout = (long)o->timeout_ms * 1000L;
  s.callback = on_snmp_event;
  s.callback_magic = job;
  if (o->version == PP_SNMP_V3) {
    s.version = SNMP_VERSION_3;
    /* Engine discovery must not block the loop: it happens on the first
     * request instead (net-snmp resends after the agent's report). */
    s.flags |= SNMP_FLAGS_DONT_PROBE;
    if (session_v3(ctx, o, &s) != 0) {
      job_fail(job, "cannot derive SNMPv3 keys");
      return -EINVAL;
    }
  } else {
    s.version = o->version == PP_SNMP_V1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
    s.community = (u_char *)o->community;
    s.community_len = strlen(o->community);
  }
  job->sess = snmp_sess_open(&s);
  /* s points at our community; only its derived keys are copies. */
  s.community = NULL;
  session_wipe(&s);
  if (job->sess == NULL) {
    char *msg = NULL;
    int liberr, syserr;
    snmp_error(&s, &liberr, &syserr, &msg);
    job_fail(job, "cannot open SNMP session: %s", msg ? msg : "unknown error");
    free(msg); /* snmp_error allocates it */
    return -EINVAL;
  }
  netsnmp_transport *tr = snmp_sess_transport(job->sess);
  job->fd = tr ? tr->sock : -1;
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = job};
  if (job->fd < 0) {
    job_fail(job, "the SNMP session has no socket");
    return -EIO;
  }
  int err = connect_to_peer(tr);
  if (err != 0) {
    job_fail(job, "cannot bind the SNMP socket to the printer's address: %s",
             strerror(-err));
    return err;
  }
  if (epoll_ctl(ctx->epfd, EPOLL_CTL_ADD, job->fd, &ev) != 0) {
    job_fail(job, "cannot watch the SNMP socket: %s", strerror(errno));
    return -EIO;
  }
  return 0;
}

/* --- sending --- */

static void log_request(const struct job *job, const netsnmp_pdu *pdu) {
  char text[1024] = "";
  size_t used = 0;
  for (const netsnmp_variable_list *vb = pdu->variables; vb && used < 900;
       vb = vb->next_variable) {
    struct pp_oid name;
    oid_to_pp(vb->name, vb->name_length, &name);
    text[used++] = ' ';
    used += (size_t)pp_oid_format(&name, text + used, sizeof(text) - used);
  }
  const char *kind = pdu->command == SNMP_MSG_GET       ? "GET"
                     : pdu->command == SNMP_MSG_GETNEXT ? "GETNEXT"
                                                        : "GETBULK";
  pp_log(PP_LOG_DEBUG, "%s: %s try %u:%s", job->printer->address, kind,
         job->attempt + 1, text);
}

/* net-snmp keeps the PDU of a request in flight to resend it, and every
 * varbind costs over a kilobyte (a full MAX_OID_LEN name buffer): 30 kB for
 * one walk request, 30 MB for a fleet in one wave. The engine resends by
 * itself (session retries are 0), so for v1/v2c the kept copy's varbinds
 * are never used again and go now. Not for v3: after engine discovery
 * net-snmp resends the kept PDU itself. */
/* (A v2c REPORT would make net-snmp resend the kept PDU, now without
 * varbinds: the agent answers nothing useful and the engine's own retry,
 * a fresh PDU, follows.) */
static void release_request_varbinds(const struct job *job, netsnmp_pdu *pdu) {
  if (job->target->snmp.version == PP_SNMP_V3)
    return;
  snmp_free_varbind(pdu->variables);
  pdu->variables = NULL;
}

static void job_send(struct poll_ctx *ctx, struct job *job, double now) {
  job->want_send = false;
  netsnmp_pdu *pdu =
      job->phase == JOB_GET ? build_get(ctx, job) : build_walk(ctx, job);
  if (pdu == NULL) {
    if (job->phase == JOB_WALK && walk_finished(job))
      job->phase = JOB_DONE;
    else
      job_fail(job, "cannot build a request");
    return;
  }
  if (pp_log_enabled(PP_LOG_DEBUG))
    log_request(job, pdu);
  double timeout = try_timeout_s(job, ctx, job->attempt);
  snmp_sess_session(job->sess)->timeout = (long)(timeout * 1e6);
  /* snmp_sess_async_send takes the PDU on success (returns the request
   * id); on failure (0) the PDU is still ours. */
  int reqid = snmp_sess_async_send(job->sess, pdu, on_snmp_event, job);
  if (reqid == 0) {
    snmp_free_pdu(pdu);
    /* the session's own error: snmp_errno is shared by every thread */
    char *msg = NULL;
    int liberr, syserr;
    snmp_sess_error(job->sess, &liberr, &syserr, &msg);
    job_fail(job, "cannot send: %s", msg ? msg : "unknown error");
    free(msg); /* snmp_sess_error allocates it */
    return;
  }
  release_request_varbinds(job, pdu);
  job->reqid = reqid;
  job->in_flight = true;
  job->attempt++;
  job->expires = now + timeout;
  job->printer->requests++;
}

/* Parses a NULL-terminated OID list into specs, once per poll. */
static int parse_specs(struct spec_list *out, const char *const *columns,
                       const char *const *scalars) {
  size_t n = 0;
  for (size_t i = 0; columns != NULL && columns[i] != NULL; i++)
    n++;
  for (size_t i = 0; scalars != NULL && scalars[i] != NULL; i++)
    n++;
  out->parsed = true;
  out->items = calloc(n ? n : 1, sizeof(*out->items));
  if (out->items == NULL)
    return -ENOMEM;
  const char *const *lists[2] = {columns, scalars};
  for (size_t l = 0; l < 2; l++) {
    for (size_t i = 0; lists[l] != NULL && lists[l][i] != NULL; i++) {
      struct column_spec *spec = &out->items[out->count];
      spec->scalar = l == 1;
      if (pp_oid_parse(&spec->prefix, lists[l][i]) != 0 ||
          spec->prefix.len < 2) {
        pp_log(PP_LOG_ERR, "profile OID \"%s\" is not valid", lists[l][i]);
        continue;
      }
      if (spec->scalar) {
        /* GETNEXT of the parent lands on the instance. */
        spec->want = spec->prefix;
        spec->prefix.len--;
      }
      out->count++;
    }
  }
  return 0;
}

static void free_specs(struct poll_ctx *ctx) {
  free(ctx->std_specs.items);
  for (size_t i = 0; i < MAX_PROFILES; i++)
    free(ctx->profile_specs[i].items);
}

static const struct spec_list *profile_specs(struct poll_ctx *ctx,
                                             const struct pp_profile *profile) {
  for (size_t i = 0; i < MAX_PROFILES && ctx->profiles[i] != NULL; i++) {
    if (ctx->profiles[i] != profile)
      continue;
    struct spec_list *list = &ctx->profile_specs[i];
    if (!list->parsed)
      parse_specs(list, profile->columns, profile->scalars);
    return list;
  }
  return NULL;
}

static void add_columns(struct job *job, const struct spec_list *specs) {
  for (size_t i = 0; specs != NULL && i < specs->count; i++) {
    if (job->col_count == MAX_COLUMNS)
      return;
    job->cols[job->col_count++] = (struct column){.spec = &specs->items[i]};
  }
}

static void start_walk(struct poll_ctx *ctx, struct job *job) {
  job->phase = JOB_WALK;
  job->attempt = 0;
  job->want_send = true;
  job->profile = pp_profile_select(ctx->profiles, job->printer->enterprise,
                                   job->printer->sys_descr);
  const struct spec_list *extra =
      job->profile ? profile_specs(ctx, job->profile) : NULL;
  size_t n = ctx->std_specs.count + (extra ? extra->count : 0);
  job->cols = calloc(n ? n : 1, sizeof(*job->cols));
  if (job->cols == NULL) {
    job_fail(job, "out of memory");
    return;
  }
  job->col_count = 0;
  add_columns(job, &ctx->std_specs);
  add_columns(job, extra);
}

static void job_start(struct poll_ctx *ctx, struct job *job, double now) {
  job->started = now;
  unsigned deadline_ms = ctx->opts->deadline_ms;
  job->deadline =
      now + (deadline_ms ? deadline_ms / 1000.0 : default_deadline_s(job, ctx));
  job->use_bulk =
      job->target->snmp.version != PP_SNMP_V1 && !ctx->opts->getnext_only;
  job->bulk_values = ctx->opts->bulk_values ? ctx->opts->bulk_values : 64;
  pp_packed_init(&job->raw);
  job->get_skip = 0;
  job->phase = JOB_GET;
  if (job_open(ctx, job) != 0)
    return;
  job_send(ctx, job, now);
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

/* Reads what arrived on one job's socket; net-snmp runs on_snmp_event. */
static void job_read(struct poll_ctx *ctx, struct job *job) {
  if (job->fd >= ctx->fdset_size) {
    int size = job->fd + 1024;
    if (!netsnmp_large_fd_set_resize(&ctx->fdset, size)) {
      job_fail(job, "out of memory for the socket set");
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
      job_fail(job, "no answer before the deadline");
    else
      job_fail(job, "walk incomplete: deadline reached");
    return INFINITY;
  }
  if (job->in_flight && now >= job->expires) {
    snmp_sess_timeout(job->sess); /* calls on_snmp_event with TIMED_OUT */
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
    job_send(ctx, job, now);
}

/* Ends every printer in flight (they are closed by the loop as usual) and
 * every one not started yet; returns how many of those there were. */
static size_t cancel_all(struct poll_ctx *ctx, struct job **live, size_t active,
                         size_t *next, size_t done) {
  for (size_t i = 0; i < active; i++) {
    if (live[i]->phase != JOB_DONE)
      job_fail(live[i], "poll cancelled");
  }
  size_t never_started = 0;
  for (; *next < ctx->count; (*next)++) {
    job_fail(&ctx->jobs[*next], "poll cancelled");
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
      job_start(ctx, job, now);
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
  struct poll_ctx ctx = {.opts = opts,
                         .profiles = profiles ? profiles : no_profiles,
                         .count = count};
  for (size_t i = 0; i < count; i++)
    pp_printer_init(&printers[i], targets[i].label);
  if (count == 0)
    return 0;
  ctx.jobs = calloc(count, sizeof(*ctx.jobs));
  if (ctx.jobs == NULL)
    return -ENOMEM;
  for (size_t i = 0; i < count; i++) {
    ctx.jobs[i] = (struct job){
        .ctx = &ctx, .target = &targets[i], .printer = &printers[i], .fd = -1};
  }
  collect_forbidden(&ctx);
  pp_oid_parse(&ctx.sys_descr, PP_OID_SYS_DESCR);
  pp_oid_parse(&ctx.sys_object_id, PP_OID_SYS_OBJECT_ID);
  for (size_t i = 0; pp_std_scalars[i] != NULL && i < MAX_SCALARS; i++) {
    if (pp_oid_parse(&ctx.scalars[ctx.scalar_count], pp_std_scalars[i]) == 0)
      ctx.scalar_count++;
  }
  if (parse_specs(&ctx.std_specs, pp_std_columns, NULL) != 0) {
    free(ctx.jobs);
    return -ENOMEM;
  }
  raise_fd_limit(opts->max_inflight < count ? opts->max_inflight : count);
  ctx.epfd = epoll_create1(EPOLL_CLOEXEC);
  if (ctx.epfd < 0) {
    int err = -errno;
    free_specs(&ctx);
    free(ctx.jobs);
    return err;
  }
  ctx.fdset_size = FD_SETSIZE;
  netsnmp_large_fd_set_init(&ctx.fdset, ctx.fdset_size);
  bool v3 = any_v3(targets, count);
  if (v3)
    pthread_mutex_lock(&v3_lock);
  int err = poll_loop(&ctx);
  if (v3)
    pthread_mutex_unlock(&v3_lock);
  netsnmp_large_fd_set_cleanup(&ctx.fdset);
  close(ctx.epfd);
  free_specs(&ctx);
  free(ctx.jobs);
  return err;
}
