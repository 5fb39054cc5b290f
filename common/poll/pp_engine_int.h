/* SPDX-License-Identifier: MIT */
/* The polling engine's own declarations, shared by its three files and by
 * nothing outside common/poll: pp_engine.c (set-up, finishing a printer,
 * the loop, pp_poll), pp_walk.c (what to ask, storing and walking the
 * answers), pp_session.c (net-snmp sessions, SNMPv3 keys, sending). */
#ifndef PP_ENGINE_INT_H
#define PP_ENGINE_INT_H

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
/* Values asked for in one GETBULK unless the options say otherwise: with
 * the ~40 standard columns, the PWG counters and a maker's columns in the
 * walk, 64 took five or six requests for an MFP; at 128 a printer of a
 * known maker takes at most four (test_scan counts them). A tooBig answer
 * halves it. */
#define DEFAULT_BULK_VALUES 128

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

/* pp_engine.c */
double engine_default_deadline_s(const struct job *job,
                                 const struct poll_ctx *ctx);
/* Ends a printer's poll with the reason in its error field. */
void engine_job_fail(struct job *job, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool engine_oid_forbidden(const struct poll_ctx *ctx, const struct pp_oid *o);
void engine_oid_from_pp(const struct pp_oid *in, oid *out, size_t *len);
void engine_oid_to_pp(const oid *name, size_t len, struct pp_oid *out);
double engine_try_timeout_s(const struct job *job, const struct poll_ctx *ctx,
                            unsigned attempt);

/* pp_walk.c */
netsnmp_pdu *walk_build_get(struct poll_ctx *ctx, struct job *job);
netsnmp_pdu *walk_build_walk(struct poll_ctx *ctx, struct job *job);
bool walk_finished(const struct job *job);
void walk_free_specs(struct poll_ctx *ctx);
void walk_job_start(struct poll_ctx *ctx, struct job *job, double now);
int walk_on_snmp_event(int op, netsnmp_session *session, int reqid,
                       netsnmp_pdu *pdu, void *magic);
int walk_parse_specs(struct spec_list *out, const char *const *columns,
                     const char *const *scalars);

/* pp_session.c */
int session_job_open(struct poll_ctx *ctx, struct job *job);
void session_job_send(struct poll_ctx *ctx, struct job *job, double now);
void session_wipe(netsnmp_session *s);

#endif
