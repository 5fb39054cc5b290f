/* SPDX-License-Identifier: MIT */
/* The polling engine's own declarations, shared by its files and by
 * nothing outside common/poll: pp_engine.c (set-up, polls, finishing a
 * printer, the loop, pp_poll), pp_walk.c (what to ask, storing and walking
 * the answers), pp_session.c (net-snmp sessions for SNMPv3, keys),
 * pp_ports.c (the shared sockets of SNMPv1/v2c). */
#ifndef PP_ENGINE_INT_H
#define PP_ENGINE_INT_H

#include "pp_engine.h"

/* net-snmp's config header comes first, then the rest of net-snmp. */
#include <net-snmp/net-snmp-config.h>

#include <net-snmp/library/large_fd_set.h>
#include <net-snmp/net-snmp-includes.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <netdb.h>
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
/* Values asked for in the first GETBULK unless the options say otherwise:
 * with the ~40 standard columns, the PWG counters and a maker's columns in
 * the walk, 64 took five or six requests for an MFP. A tooBig answer halves
 * it for good. An agent that answered every value asked is asked for up to
 * MAX_BULK_VALUES next: the columns left are the long ones (a maker's
 * counter table, a long device table), and at 128 Sharp's 58 counter rows
 * behind a 13-row device table took a fifth request. With it a printer of
 * a known maker takes at most four (test_scan counts them). */
#define DEFAULT_BULK_VALUES 128
#define MAX_BULK_VALUES 256

enum job_phase { JOB_WAITING, JOB_GET, JOB_WALK, JOB_DONE };

/* What epoll reports on: a shared socket or an SNMPv3 printer's session.
 * First member of both, so that epoll's pointer tells which. */
enum watch_kind { WATCH_PORT, WATCH_JOB, WATCH_DNS };
struct watch {
  enum watch_kind kind;
};

/* Shared sockets per address family: enough that no one socket's receive
 * buffer takes a whole fleet's answers at once, few enough to cost nothing
 * against the file-descriptor limit. */
#define PORTS_PER_FAMILY 8
/* Request ids carry the printer's slot in their low bits, so that an
 * answer on a shared socket finds its printer at once; at most this many
 * printers are in flight per engine. */
#define SLOT_BITS 16
#define MAX_SLOTS ((1u << SLOT_BITS) - 1)

struct port {
  struct watch watch;
  int fd;
  int family;
};

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

struct batch;

struct job {
  struct watch watch; /* first: epoll's pointer for an SNMPv3 session */
  struct poll_ctx *ctx;
  struct batch *batch;
  const struct pp_engine_opts *opts; /* its poll's */
  const struct pp_target *target;
  struct pp_printer *printer;
  void *sess;        /* SNMPv3: its own net-snmp session and socket */
  struct port *port; /* SNMPv1/v2c: the shared socket it uses */
  struct sockaddr_storage peer; /* where requests go, answers come from */
  socklen_t peer_len;
  unsigned slot; /* in ctx->slots while in flight */
  int fd;
  /* Counted here, copied into the result when it is made: a printer gets
   * its result only once it answers (or is done), so silent printers and
   * printers waiting for their walk cost little. */
  unsigned requests;
  unsigned round_trips;
  bool answered;
  bool walking;     /* counted in ctx->walking */
  bool discovering; /* SNMPv3: the request in flight asks the engine id */
  bool resolving;   /* its host name is being looked up */
  double waiting_since;
  struct job *wait_prev, *wait_next; /* in ctx's walk queue */
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
  unsigned bulk_cap;    /* bulk_values never grows past it */
  unsigned bulk_good;   /* the most values the agent answered in full */
  unsigned sent_reps;   /* max-repetitions of the GETBULK in flight */
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

/* One submitted poll. */
struct batch {
  struct poll_ctx *ctx;
  struct pp_engine_opts opts;
  struct job *jobs;
  size_t count;
  size_t next; /* the first job not started */
  size_t active;
  size_t done;
  bool owns_printers; /* made per printer, freed after on_printer */
  void (*on_finished)(void *user_data);
  void *user_data;
  struct batch *next_batch, *prev_batch; /* in ctx's list of polls */
  struct batch *next_finished;           /* in ctx's finished ones */
};

/* The engine (struct pp_engine is this). */
struct poll_ctx {
  const struct pp_profile *const *profiles;
  struct pp_oid never[16];
  size_t never_count;
  struct pp_oid sys_descr;
  struct pp_oid sys_object_id;
  struct pp_oid scalars[MAX_SCALARS];
  size_t scalar_count;
  struct spec_list std_specs;
  struct spec_list profile_specs[MAX_PROFILES];
  struct batch *batches; /* in the order submitted */
  struct batch *last_batch;
  struct batch *start_from; /* the first that may have printers to start */
  size_t batch_count;
  /* Done, not yet reaped, in the order they finished: reaping looks at
   * these only, not at a thousand <Printer> blocks' polls each time. */
  struct batch *finished, *last_finished;
  double next_cancel_check;
  /* printers in flight, by slot; free slots are NULL */
  struct job **slots;
  uint32_t *free_slots;
  size_t free_count;
  size_t slot_cap;
  size_t slot_high; /* slots in use are below it */
  size_t active;
  size_t active_v3;
  size_t walking;      /* printers walking their tables now */
  struct names *names; /* pp_names.c: made when a host name comes */
  /* GETBULK sizes printers were found to take (tooBig, or silent when
   * asked for more), by target label: the next poll starts there instead
   * of paying the same timeout again. Open addressing; most printers
   * never get an entry. */
  struct bulk_limit {
    char *label;
    unsigned values;
  } * bulk_limits;
  size_t bulk_limit_count, bulk_limit_cap;
  unsigned name_cache_s;             /* how long resolved names are kept */
  struct job *wait_head, *wait_tail; /* answered, waiting for their walk */
  size_t max_v3; /* SNMPv3 sessions at once: the file-descriptor budget */
  uint32_t next_seq;
  double next_due; /* the earliest a timer may be due */
  int epfd;
  netsnmp_large_fd_set fdset;
  int fdset_size;
  struct port ports[2][PORTS_PER_FAMILY]; /* [0] IPv4, [1] IPv6 */
  size_t port_count[2];
  unsigned port_turn;
  netsnmp_session build_session; /* templates for building and parsing */
  netsnmp_session parse_session;
  unsigned char *rxbuf;
  u_char *txbuf; /* net-snmp may grow it while building */
  size_t txbuf_len;
  /* USM keys are costly (a megabyte of hashing each): fleets share them */
  struct {
    int proto;
    char pass[256];
    u_char key[USM_AUTH_KU_LEN];
    size_t key_len;
  } ku_cache[8];
  unsigned ku_turn;
};

/* pp_engine.c */
double engine_default_deadline_s(const struct job *job);
/* Ends a printer's poll with the reason in its error field. */
void engine_job_fail(struct job *job, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The job's result, made on first need when the engine owns results; NULL
 * only when out of memory. */
struct pp_printer *engine_job_printer(struct job *job);
/* After an answer to the GET: the walk starts now or waits its turn. */
void engine_job_wants_walk(struct poll_ctx *ctx, struct job *job);
/* The job's address is known (or could not be found): its first request
 * goes out. */
void engine_job_addressed(struct poll_ctx *ctx, struct job *job);
/* After an answer was taken: the job's next request goes out. */
void engine_job_answered(struct poll_ctx *ctx, struct job *job, double now);
bool engine_oid_forbidden(const struct poll_ctx *ctx, const struct pp_oid *o);
void engine_oid_from_pp(const struct pp_oid *in, oid *out, size_t *len);
void engine_oid_to_pp(const oid *name, size_t len, struct pp_oid *out);
double engine_try_timeout_s(const struct job *job, unsigned attempt);

/* pp_walk.c */
netsnmp_pdu *walk_build_get(struct poll_ctx *ctx, struct job *job);
netsnmp_pdu *walk_build_walk(struct poll_ctx *ctx, struct job *job);
bool walk_finished(const struct job *job);
void walk_free_specs(struct poll_ctx *ctx);
void walk_job_start(struct poll_ctx *ctx, struct job *job, double now);
void walk_start(struct poll_ctx *ctx, struct job *job);
int walk_on_snmp_event(int op, netsnmp_session *session, int reqid,
                       netsnmp_pdu *pdu, void *magic);
int walk_parse_specs(struct spec_list *out, const char *const *columns,
                     const char *const *scalars);

/* pp_session.c */
int session_job_open(struct poll_ctx *ctx, struct job *job);
void session_job_send(struct poll_ctx *ctx, struct job *job, double now);
void session_wipe(netsnmp_session *s);
/* An answer to the engine-id probe: true when it gave the engine id (the
 * session's user is then made, keys localised). */
bool session_take_engine_id(struct job *job, const netsnmp_pdu *pdu);

/* pp_walk.c: the GETBULK size a target was found to take, 0 if none */
unsigned walk_bulk_limit(const struct poll_ctx *ctx, const char *label);
void walk_bulk_limits_free(struct poll_ctx *ctx);

/* pp_names.c */
/* 0: the job has its address; 1: looked up, engine_job_addressed follows;
 * negative: the job has failed, saying why. */
int names_job_address(struct poll_ctx *ctx, struct job *job);
void names_job_forget(struct poll_ctx *ctx, struct job *job);
void names_ready(struct poll_ctx *ctx, struct watch *w, uint32_t events);
int names_next_timeout_ms(struct poll_ctx *ctx);
void names_run_timers(struct poll_ctx *ctx);
void names_release(struct poll_ctx *ctx);

/* pp_ports.c */
int ports_init(struct poll_ctx *ctx);
void ports_release(struct poll_ctx *ctx);
int ports_open(struct poll_ctx *ctx, int family_index);
void ports_close(struct poll_ctx *ctx);
int ports_send(struct poll_ctx *ctx, struct job *job, netsnmp_pdu *pdu);
void ports_read(struct poll_ctx *ctx, struct port *port, double now);
void ports_job_timed_out(struct job *job);

#endif
