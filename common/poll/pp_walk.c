/* SPDX-License-Identifier: MIT */
/* What the engine asks a printer and what it does with the answers: the
 * columns to walk, GET/GETNEXT/GETBULK requests, storing values, walks that
 * end, loop or shrink, and the fallback from GETBULK to GETNEXT. */
#include "pp_engine_int.h"

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
    engine_oid_to_pp(vb->val.objid, vb->val_len / sizeof(oid), &value);
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
  pp_log(PP_LOG_NOTICE, "%s: walk of %s cut off: %s", job->target->label, text,
         why);
  if (job->printer->error[0] == '\0')
    snprintf(job->printer->error, sizeof(job->printer->error),
             "walk of %.100s cut off: %.40s", text, why);
  col->done = true;
}

static struct pp_oid column_cursor(const struct column *col);

/* Takes one varbind answered for col; returns whether it advanced. */
static bool column_take(struct poll_ctx *ctx, struct job *job,
                        struct column *col, const netsnmp_variable_list *vb) {
  (void)ctx;
  if (col->done)
    return false;
  if (vb->type == SNMP_ENDOFMIBVIEW || vb->type == SNMP_NOSUCHOBJECT ||
      vb->type == SNMP_NOSUCHINSTANCE || vb->name_length > PP_OID_MAX) {
    col->done = true;
    return true;
  }
  struct pp_oid name;
  engine_oid_to_pp(vb->name, vb->name_length, &name);
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
  if (col->rows >= job->opts->max_column_rows) {
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
  if (job->raw.count >= job->opts->max_values) {
    for (size_t i = 0; i < job->col_count; i++)
      job->cols[i].done = true;
    pp_log(PP_LOG_WARNING, "%s: walk cut off after %zu values",
           job->target->label, job->raw.count);
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
  if (engine_oid_forbidden(ctx, o)) {
    char text[256];
    pp_oid_format(o, text, sizeof(text));
    pp_log(PP_LOG_ERR, "%s: refusing to request %s (a forbidden subtree)",
           job->target->label, text);
    return false;
  }
  oid name[MAX_OID_LEN];
  size_t len;
  engine_oid_from_pp(o, name, &len);
  snmp_add_null_var(pdu, name, len);
  return true;
}

netsnmp_pdu *walk_build_get(struct poll_ctx *ctx, struct job *job) {
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

netsnmp_pdu *walk_build_walk(struct poll_ctx *ctx, struct job *job) {
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
      /* A GETNEXT, and a GETBULK asked again after a silent one, name at
       * most GETNEXT_BATCH columns: one row of each of the ~70 columns is
       * already more than a small buffer sends back. */
      if ((!bulk || job->bulk_shrunk) && job->sent_count == GETNEXT_BATCH)
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
    job->sent_reps = tables ? (job->bulk_values / tables > 0
                                   ? job->bulk_values / (unsigned)tables
                                   : 1)
                            : 0;
    pdu->max_repetitions = (long)job->sent_reps;
  }
  if (job->sent_count == 0) {
    snmp_free_pdu(pdu);
    return NULL;
  }
  return pdu;
}

/* --- responses --- */

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
 * decoder fills the printer's fields from the same values later. */
struct identity {
  uint32_t enterprise;
  char sys_descr[256];
};

static void note_identity(const struct poll_ctx *ctx, struct identity *p,
                          const netsnmp_variable_list *vb,
                          const struct pp_oid *name) {
  if (vb->type == ASN_OCTET_STR && pp_oid_compare(name, &ctx->sys_descr) == 0) {
    pp_clean_text(vb->val.string, vb->val_len, p->sys_descr,
                  sizeof(p->sys_descr));
  } else if (vb->type == ASN_OBJECT_ID &&
             pp_oid_compare(name, &ctx->sys_object_id) == 0) {
    struct pp_oid value;
    engine_oid_to_pp(vb->val.objid, vb->val_len / sizeof(oid), &value);
    p->enterprise = pp_enterprise_of(&value);
  }
}

static void get_response(struct poll_ctx *ctx, struct job *job,
                         netsnmp_pdu *pdu) {
  job->answered = true;
  struct identity id = {0};
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
      engine_oid_to_pp(vb->name, vb->name_length, &name);
      store_value(job, vb, &name);
      note_identity(ctx, &id, vb, &name);
    }
  }
  job->profile = pp_profile_select(ctx->profiles, id.enterprise, id.sys_descr);
  job->phase = JOB_WAITING;
  engine_job_wants_walk(ctx, job);
}

static void switch_to_getnext(struct job *job, const char *why) {
  pp_log(PP_LOG_NOTICE, "%s: GETBULK %s; walking with GETNEXT",
         job->target->label, why);
  job->use_bulk = false;
  job->printer->bulk_fallback = true;
  job->attempt = 0;
  job->want_send = true;
}

bool walk_finished(const struct job *job) {
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

/* --- GETBULK sizes learned per target --- */

static uint64_t label_hash(const char *label) {
  uint64_t h = 1469598103934665603ull;
  for (const unsigned char *p = (const unsigned char *)label; *p; p++)
    h = (h ^ *p) * 1099511628211ull;
  return h;
}

static struct bulk_limit *limit_slot(struct bulk_limit *table, size_t cap,
                                     const char *label) {
  size_t i = label_hash(label) & (cap - 1);
  while (table[i].label != NULL && strcmp(table[i].label, label) != 0)
    i = (i + 1) & (cap - 1);
  return &table[i];
}

unsigned walk_bulk_limit(const struct poll_ctx *ctx, const char *label) {
  if (ctx->bulk_limit_cap == 0)
    return 0;
  return limit_slot(ctx->bulk_limits, ctx->bulk_limit_cap, label)->values;
}

static bool limits_grow(struct poll_ctx *ctx) {
  size_t cap = ctx->bulk_limit_cap ? ctx->bulk_limit_cap * 2 : 64;
  struct bulk_limit *table = calloc(cap, sizeof(*table));
  if (table == NULL)
    return false;
  for (size_t i = 0; i < ctx->bulk_limit_cap; i++) {
    if (ctx->bulk_limits[i].label != NULL)
      *limit_slot(table, cap, ctx->bulk_limits[i].label) = ctx->bulk_limits[i];
  }
  free(ctx->bulk_limits);
  ctx->bulk_limits = table;
  ctx->bulk_limit_cap = cap;
  return true;
}

/* Remembers what the job's printer takes; without memory, the next poll
 * only finds it out again. */
static void remember_bulk_limit(struct job *job) {
  struct poll_ctx *ctx = job->ctx;
  if (job->opts->bulk_values != 0) /* the caller's size is kept as it is */
    return;
  if (ctx->bulk_limit_count * 2 >= ctx->bulk_limit_cap && !limits_grow(ctx))
    return;
  struct bulk_limit *e =
      limit_slot(ctx->bulk_limits, ctx->bulk_limit_cap, job->target->label);
  if (e->label == NULL) {
    e->label = strdup(job->target->label);
    if (e->label == NULL)
      return;
    ctx->bulk_limit_count++;
  }
  e->values = job->bulk_cap;
}

void walk_bulk_limits_free(struct poll_ctx *ctx) {
  for (size_t i = 0; i < ctx->bulk_limit_cap; i++)
    free(ctx->bulk_limits[i].label);
  free(ctx->bulk_limits);
  ctx->bulk_limits = NULL;
  ctx->bulk_limit_count = ctx->bulk_limit_cap = 0;
}

/* Every value asked came back: the agent can take more at once. */
static void bulk_grow(struct job *job) {
  if (job->bulk_values > job->bulk_good)
    job->bulk_good = job->bulk_values;
  if (job->bulk_shrunk || job->bulk_values >= job->bulk_cap)
    return;
  job->bulk_values = job->bulk_values * 2 < job->bulk_cap ? job->bulk_values * 2
                                                          : job->bulk_cap;
}

static void walk_bulk_response(struct poll_ctx *ctx, struct job *job,
                               netsnmp_pdu *pdu) {
  if (pdu->errstat == SNMP_ERR_TOOBIG &&
      job->bulk_values / 2 >= MIN_BULK_VALUES) {
    job->bulk_values /= 2; /* the agent's buffer is small: ask for less */
    job->bulk_cap = job->bulk_values;
    remember_bulk_limit(job);
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
  if (i == job->sent_scalars + (size_t)job->sent_reps * tables)
    bulk_grow(job);
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
    pp_log(PP_LOG_NOTICE, "%s: GETNEXT answered error %ld", job->target->label,
           pdu->errstat);
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
  if (job->use_bulk && job->bulk_good > 0 &&
      job->bulk_values > job->bulk_good) {
    /* Silent since it was asked for more: back at once to what it
     * answered (a small buffer drops a big answer every time). */
    pp_log(PP_LOG_NOTICE, "%s: GETBULK of %u values got no answer; back to %u",
           job->target->label, job->bulk_values, job->bulk_good);
    job->bulk_values = job->bulk_cap = job->bulk_good;
    remember_bulk_limit(job);
    job->attempt = 0;
    job->want_send = true;
    return;
  }
  if (job->attempt <= o->retries) {
    job->want_send = true; /* retry, with a longer wait */
    return;
  }
  if (job->phase == JOB_GET) {
    /* v3 agents often drop requests with wrong keys without a report */
    engine_job_fail(
        job, "no answer after %u %s (timeout %u ms%s)", o->retries + 1,
        o->retries ? "tries" : "try", o->timeout_ms,
        o->version == PP_SNMP_V3 ? "; SNMPv3: check user, keys, context" : "");
    return;
  }
  if (job->use_bulk && !job->bulk_shrunk && job->bulk_values > 1) {
    /* Printers with small buffers drop a big GETBULK answer silently, and
     * a congested agent looks the same: ask once more for one row of each
     * column, a batch of columns at a time, before giving up GETBULK. */
    pp_log(PP_LOG_NOTICE, "%s: GETBULK got no answer; asking for less",
           job->target->label);
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
  engine_job_fail(job, "walk incomplete: the agent stopped answering");
}

int walk_on_snmp_event(int op, netsnmp_session *session, int reqid,
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
  if (job->discovering) {
    /* the probe's report comes as an error: it is the answer wanted */
    job->discovering = false;
    job->round_trips++;
    if (!session_take_engine_id(job, pdu)) {
      engine_job_fail(job, "SNMPv3: the agent gave no engine id");
      return 1;
    }
    job->attempt = 0;
    job->want_send = true;
    return 1;
  }
  if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || pdu == NULL) {
    engine_job_fail(job, "SNMP error while waiting for an answer");
    return 1;
  }
  job->round_trips++;
  if (pdu->command == SNMP_MSG_REPORT) {
    engine_job_fail(job, "SNMPv3 report: wrong user, keys or context");
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

/* Parses a NULL-terminated OID list into specs, once per poll. */
int walk_parse_specs(struct spec_list *out, const char *const *columns,
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

void walk_free_specs(struct poll_ctx *ctx) {
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
      walk_parse_specs(list, profile->columns, profile->scalars);
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

/* The walk of every column at once, with the profile chosen after the
 * GET; the engine calls it when the printer's turn has come. */
void walk_start(struct poll_ctx *ctx, struct job *job) {
  job->phase = JOB_WALK;
  job->attempt = 0;
  job->want_send = true;
  if (engine_job_printer(job) == NULL) {
    engine_job_fail(job, "out of memory");
    return;
  }
  const struct spec_list *extra =
      job->profile ? profile_specs(ctx, job->profile) : NULL;
  size_t n = ctx->std_specs.count + (extra ? extra->count : 0);
  job->cols = calloc(n ? n : 1, sizeof(*job->cols));
  if (job->cols == NULL) {
    engine_job_fail(job, "out of memory");
    return;
  }
  job->col_count = 0;
  add_columns(job, &ctx->std_specs);
  add_columns(job, extra);
}

/* The job's state for its first request (the engine opens the way to
 * the printer and sends). */
void walk_job_start(struct poll_ctx *ctx, struct job *job, double now) {
  (void)ctx;
  job->started = now;
  unsigned deadline_ms = job->opts->deadline_ms;
  job->deadline = now + (deadline_ms ? deadline_ms / 1000.0
                                     : engine_default_deadline_s(job));
  job->use_bulk =
      job->target->snmp.version != PP_SNMP_V1 && !job->opts->getnext_only;
  job->bulk_values =
      job->opts->bulk_values ? job->opts->bulk_values : DEFAULT_BULK_VALUES;
  /* Values set by the caller are kept as they are; a printer found to
   * take less is asked for no more than that. */
  unsigned limit =
      job->opts->bulk_values ? 0 : walk_bulk_limit(ctx, job->target->label);
  job->bulk_cap = job->opts->bulk_values ? job->opts->bulk_values
                  : limit                ? limit
                                         : MAX_BULK_VALUES;
  if (job->bulk_values > job->bulk_cap)
    job->bulk_values = job->bulk_cap;
  job->bulk_good = 0;
  pp_packed_init(&job->raw);
  job->get_skip = 0;
  job->phase = JOB_GET;
}
