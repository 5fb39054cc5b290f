/* SPDX-License-Identifier: MIT */
/* Asynchronous host name resolution on c-ares: a cache of answers keyed by
 * name and family, lookups under way merged, callbacks always delivered from
 * the process functions (see pp_resolve.h for the contract). */
#include "pp_resolve.h"

#include <ares.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pp_str.h"

#define DEFAULT_RESOLV_CONF "/etc/resolv.conf"
/* The C library's defaults (resolv.h RES_TIMEOUT, RES_DFLRETRY) and caps
 * (RES_MAXRETRANS, RES_MAXRETRY), so that printprobe waits as long as every
 * other program of the machine. */
#define LIBC_TIMEOUT_S 5
#define LIBC_TRIES 2
#define LIBC_MAX_TIMEOUT_S 30
#define LIBC_MAX_TRIES 5
#define MAX_NAME_LEN 253
#define ERROR_LEN (MAX_NAME_LEN + 128)
#define MIN_SWEEP_MS 1000
#define DEFAULT_MAX_IN_FLIGHT 512
/* Lookups started between two reads of the answers: a thousand queries
 * sent in one go would have their answers overflow the socket's receive
 * buffer (the kernel drops what does not fit, and those lookups time
 * out). */
#define START_BURST 16
/* Sockets read between bursts (c-ares keeps one UDP socket per server). */
#define MAX_READ_SOCKETS 16

/* One callback to call: waiting for its entry's answer, then (answer
 * copied in) in the ready queue. */
struct waiter {
  struct waiter *next;
  pp_resolve_cb callback;
  void *arg;
  int status;
  struct sockaddr_storage addr;
  socklen_t addr_len;
  char error[ERROR_LEN];
};

struct waiter_list {
  struct waiter *head;
  struct waiter **tail; /* &head when empty */
};

/* A name and family: under way (waiters wait) or answered (cached until
 * expires_ms). */
struct entry {
  struct entry *next_in_bucket;
  struct entry *next_to_start; /* in the resolver's start queue */
  struct pp_resolver *resolver;
  char *key;  /* the name in lower case */
  char *name; /* as the first lookup spelled it, for messages */
  int family;
  bool under_way; /* queued to start, or asked */
  struct waiter_list waiters;
  uint64_t started_ms; /* real monotonic time, for the timeout message */
  /* the answer, when answered */
  int status;
  struct sockaddr_storage addr;
  socklen_t addr_len;
  char error[ERROR_LEN];
  uint64_t expires_ms; /* on the resolver's clock */
};

struct watched_socket {
  int fd;
  bool want_read;
  bool want_write;
};

struct pp_resolver {
  ares_channel channel;
  bool destroying;
  uint64_t cache_ms;
  uint64_t negative_ms;
  pp_resolver_socket_cb socket_cb;
  void *socket_cb_arg;
  pp_resolver_clock clock;
  void *clock_arg;

  struct entry **buckets;
  size_t bucket_count; /* a power of two */
  size_t entry_count;
  uint64_t next_sweep_ms;

  struct waiter_list ready;
  size_t pending;   /* waiters not yet called, under way or ready */
  size_t in_flight; /* c-ares lookups started and not yet answered */
  size_t max_in_flight;
  struct entry *to_start; /* FIFO of entries whose query waits */
  struct entry **to_start_tail;
  uint64_t started;

  struct watched_socket *sockets;
  size_t socket_count;
  size_t socket_cap;
  struct pollfd *pollfds; /* pp_resolver_wait's, as large as sockets */
};

/* ---- Clocks and small helpers ------------------------------------------ */

static uint64_t monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t monotonic_clock(void *arg) {
  (void)arg;
  return monotonic_ms();
}

static uint64_t cache_now(const struct pp_resolver *r) {
  return r->clock(r->clock_arg);
}

static void list_init(struct waiter_list *l) {
  l->head = NULL;
  l->tail = &l->head;
}

static void list_append(struct waiter_list *l, struct waiter *w) {
  w->next = NULL;
  *l->tail = w;
  l->tail = &w->next;
}

static struct waiter *list_pop(struct waiter_list *l) {
  struct waiter *w = l->head;
  if (w) {
    l->head = w->next;
    if (!l->head)
      l->tail = &l->head;
  }
  return w;
}

static void list_free(struct waiter_list *l) {
  struct waiter *w;
  while ((w = list_pop(l)))
    free(w);
}

/* Removes the waiters of (callback, arg); returns how many. */
static size_t list_remove(struct waiter_list *l, pp_resolve_cb callback,
                          void *arg) {
  size_t removed = 0;
  struct waiter **link = &l->head;
  l->tail = &l->head;
  while (*link) {
    struct waiter *w = *link;
    if (w->callback == callback && w->arg == arg) {
      *link = w->next;
      free(w);
      removed++;
      continue;
    }
    l->tail = &w->next;
    link = &w->next;
  }
  return removed;
}

static uint64_t hash_key(const char *key, int family) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (const unsigned char *p = (const unsigned char *)key; *p; p++)
    h = (h ^ *p) * 1099511628211ull;
  return (h ^ (unsigned)family) * 1099511628211ull;
}

static const char *family_word(int family) {
  return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "IP";
}

const char *pp_resolve_status_name(int status) {
  switch (status) {
  case PP_RESOLVE_OK:
    return "ok";
  case PP_RESOLVE_NOT_FOUND:
    return "not-found";
  case PP_RESOLVE_NO_ADDRESS:
    return "no-address";
  case PP_RESOLVE_TIMEOUT:
    return "timeout";
  case PP_RESOLVE_SERVER_FAILURE:
    return "server-failure";
  case PP_RESOLVE_BAD_NAME:
    return "bad-name";
  case PP_RESOLVE_NO_MEMORY:
    return "no-memory";
  default:
    return "unknown";
  }
}

/* ---- resolv.conf options ----------------------------------------------- */

/* Reads "options timeout:N attempts:N" as the C library does; c-ares 1.18
 * knows only the BSD spellings (retrans:, retry:). Keeps *timeout_s and
 * *tries when the file does not set them. Returns 0 or -errno. */
static int read_resolv_conf_options(const char *path, unsigned *timeout_s,
                                    unsigned *tries) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -errno;
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "options", 7) != 0 || !isspace((unsigned char)line[7]))
      continue;
    for (char *word = strtok(line + 7, " \t\r\n"); word;
         word = strtok(NULL, " \t\r\n")) {
      unsigned value;
      if (sscanf(word, "timeout:%u", &value) == 1)
        *timeout_s = value < 1                    ? 1
                     : value > LIBC_MAX_TIMEOUT_S ? LIBC_MAX_TIMEOUT_S
                                                  : value;
      else if (sscanf(word, "attempts:%u", &value) == 1)
        *tries = value < 1                ? 1
                 : value > LIBC_MAX_TRIES ? LIBC_MAX_TRIES
                                          : value;
    }
  }
  fclose(f);
  return 0;
}

/* ---- Sockets ------------------------------------------------------------ */

static struct watched_socket *find_socket(struct pp_resolver *r, int fd) {
  for (size_t i = 0; i < r->socket_count; i++)
    if (r->sockets[i].fd == fd)
      return &r->sockets[i];
  return NULL;
}

static bool grow_sockets(struct pp_resolver *r) {
  size_t cap = r->socket_cap ? r->socket_cap * 2 : 4;
  struct watched_socket *sockets = realloc(r->sockets, cap * sizeof *sockets);
  if (!sockets)
    return false;
  r->sockets = sockets;
  struct pollfd *pollfds = realloc(r->pollfds, cap * sizeof *pollfds);
  if (!pollfds)
    return false;
  r->pollfds = pollfds;
  r->socket_cap = cap;
  return true;
}

/* c-ares's socket state callback: keeps the list pp_resolver_wait polls
 * and tells the owner. */
static void on_socket_state(void *data, ares_socket_t fd, int readable,
                            int writable) {
  struct pp_resolver *r = data;
  struct watched_socket *s = find_socket(r, fd);
  if (!readable && !writable) {
    if (s)
      *s = r->sockets[--r->socket_count];
  } else if (s || r->socket_count < r->socket_cap || grow_sockets(r)) {
    /* Without memory for the list, pp_resolver_wait misses this socket
     * and its lookups end in a timeout; the owner's loop is still told. */
    if (!s)
      s = &r->sockets[r->socket_count++];
    *s = (struct watched_socket){fd, readable != 0, writable != 0};
  }
  if (r->socket_cb && !r->destroying)
    r->socket_cb(r->socket_cb_arg, fd, readable != 0, writable != 0);
}

/* ---- The cache ---------------------------------------------------------- */

static struct entry **find_link(struct pp_resolver *r, const char *key,
                                int family) {
  size_t b = hash_key(key, family) & (r->bucket_count - 1);
  struct entry **link = &r->buckets[b];
  while (*link && ((*link)->family != family || strcmp((*link)->key, key) != 0))
    link = &(*link)->next_in_bucket;
  return link;
}

static void free_entry(struct entry *e) {
  list_free(&e->waiters);
  free(e->key);
  free(e->name);
  free(e);
}

static void remove_entry(struct pp_resolver *r, struct entry *e) {
  struct entry **link = find_link(r, e->key, e->family);
  if (*link == e) {
    *link = e->next_in_bucket;
    r->entry_count--;
  }
  free_entry(e);
}

/* Doubles the table when it holds more entries than buckets. */
static void maybe_grow_table(struct pp_resolver *r) {
  if (r->entry_count < r->bucket_count)
    return;
  size_t count = r->bucket_count * 2;
  struct entry **buckets = calloc(count, sizeof *buckets);
  if (!buckets)
    return; /* longer chains, still correct */
  for (size_t i = 0; i < r->bucket_count; i++) {
    struct entry *e = r->buckets[i];
    while (e) {
      struct entry *next = e->next_in_bucket;
      size_t b = hash_key(e->key, e->family) & (count - 1);
      e->next_in_bucket = buckets[b];
      buckets[b] = e;
      e = next;
    }
  }
  free(r->buckets);
  r->buckets = buckets;
  r->bucket_count = count;
}

/* Drops answered entries whose time is over, now and then, so the cache
 * holds only the names in use. */
static void sweep_expired(struct pp_resolver *r, uint64_t now) {
  if (now < r->next_sweep_ms)
    return;
  r->next_sweep_ms =
      now + (r->cache_ms > MIN_SWEEP_MS ? r->cache_ms : MIN_SWEEP_MS);
  for (size_t i = 0; i < r->bucket_count; i++) {
    struct entry **link = &r->buckets[i];
    while (*link) {
      struct entry *e = *link;
      if (!e->under_way && e->expires_ms <= now) {
        *link = e->next_in_bucket;
        r->entry_count--;
        free_entry(e);
        continue;
      }
      link = &e->next_in_bucket;
    }
  }
}

static struct entry *new_entry(struct pp_resolver *r, const char *key,
                               const char *name, int family) {
  struct entry *e = calloc(1, sizeof *e);
  if (!e)
    return NULL;
  e->key = strdup(key);
  e->name = strdup(name);
  if (!e->key || !e->name) {
    free_entry(e);
    return NULL;
  }
  e->resolver = r;
  e->family = family;
  list_init(&e->waiters);
  maybe_grow_table(r);
  struct entry **link = find_link(r, key, family);
  *link = e;
  r->entry_count++;
  return e;
}

/* ---- Answers ------------------------------------------------------------ */

static void set_error(char *out, const char *name, const char *reason) {
  snprintf(out, ERROR_LEN, "%s: %s", name, reason);
}

/* Picks the address the contract promises from c-ares's list. */
static const struct ares_addrinfo_node *
pick_address(const struct ares_addrinfo *ai, int family) {
  const struct ares_addrinfo_node *v6 = NULL;
  for (const struct ares_addrinfo_node *n = ai ? ai->nodes : NULL; n;
       n = n->ai_next) {
    if (n->ai_family == AF_INET && family != AF_INET6)
      return n;
    if (n->ai_family == AF_INET6 && family != AF_INET && !v6)
      v6 = n;
  }
  return v6;
}

/* Turns a c-ares status into ours and the message naming the host. */
static int describe_failure(const struct entry *e, int ares_status,
                            char *error) {
  char reason[96];
  switch (ares_status) {
  case ARES_ENOTFOUND:
    set_error(error, e->name, "no such host");
    return PP_RESOLVE_NOT_FOUND;
  case ARES_ENODATA:
    snprintf(reason, sizeof reason, "no %s address", family_word(e->family));
    set_error(error, e->name, reason);
    return PP_RESOLVE_NO_ADDRESS;
  case ARES_ETIMEOUT:
    snprintf(reason, sizeof reason,
             "no answer from the DNS server within %.1f s",
             (double)(monotonic_ms() - e->started_ms) / 1000.0);
    set_error(error, e->name, reason);
    return PP_RESOLVE_TIMEOUT;
  case ARES_EBADNAME:
    set_error(error, e->name, "not a valid host name");
    return PP_RESOLVE_BAD_NAME;
  case ARES_ENOMEM:
    set_error(error, e->name, "out of memory looking the name up");
    return PP_RESOLVE_NO_MEMORY;
  case ARES_ESERVFAIL:
    set_error(error, e->name, "the DNS server failed to answer (SERVFAIL)");
    return PP_RESOLVE_SERVER_FAILURE;
  case ARES_EREFUSED:
    set_error(error, e->name, "the DNS server refused the query");
    return PP_RESOLVE_SERVER_FAILURE;
  case ARES_ECONNREFUSED:
    set_error(error, e->name, "no DNS server listens at the address set");
    return PP_RESOLVE_SERVER_FAILURE;
  default:
    snprintf(reason, sizeof reason, "DNS lookup failed: %s",
             ares_strerror(ares_status));
    set_error(error, e->name, reason);
    return PP_RESOLVE_SERVER_FAILURE;
  }
}

/* How long an answer of this status is kept (0: not at all). */
static uint64_t keep_ms(const struct pp_resolver *r, int status) {
  if (status == PP_RESOLVE_OK)
    return r->cache_ms;
  if (status == PP_RESOLVE_NOT_FOUND || status == PP_RESOLVE_NO_ADDRESS ||
      status == PP_RESOLVE_BAD_NAME)
    return r->negative_ms;
  return 0;
}

static void copy_answer(struct waiter *w, const struct entry *e) {
  w->status = e->status;
  w->addr = e->addr;
  w->addr_len = e->addr_len;
  memcpy(w->error, e->error, sizeof w->error);
}

/* Moves the entry's waiters to the ready queue, then keeps the entry as
 * a cached answer or drops it. */
static void finish_entry(struct pp_resolver *r, struct entry *e) {
  e->under_way = false;
  struct waiter *w;
  while ((w = list_pop(&e->waiters))) {
    copy_answer(w, e);
    list_append(&r->ready, w);
  }
  uint64_t keep = keep_ms(r, e->status);
  if (keep == 0) {
    remove_entry(r, e);
    return;
  }
  e->expires_ms = cache_now(r) + keep;
}

static void on_addrinfo(void *arg, int ares_status, int timeouts,
                        struct ares_addrinfo *ai) {
  (void)timeouts;
  struct entry *e = arg;
  struct pp_resolver *r = e->resolver;
  r->in_flight--;
  if (r->destroying) { /* ares_destroy ending what is under way */
    ares_freeaddrinfo(ai);
    return;
  }
  const struct ares_addrinfo_node *node =
      ares_status == ARES_SUCCESS ? pick_address(ai, e->family) : NULL;
  if (node && node->ai_addrlen <= sizeof e->addr) {
    e->status = PP_RESOLVE_OK;
    memcpy(&e->addr, node->ai_addr, node->ai_addrlen);
    e->addr_len = node->ai_addrlen;
    /* c-ares sets no port without a service; the contract says 0. */
    if (e->addr.ss_family == AF_INET)
      ((struct sockaddr_in *)&e->addr)->sin_port = 0;
    else
      ((struct sockaddr_in6 *)&e->addr)->sin6_port = 0;
    e->error[0] = '\0';
  } else {
    e->status = describe_failure(
        e, ares_status == ARES_SUCCESS ? ARES_ENODATA : ares_status, e->error);
    e->addr_len = 0;
  }
  ares_freeaddrinfo(ai);
  finish_entry(r, e);
}

/* Calls the callbacks ready now; those that become ready meanwhile (a
 * callback's new lookup of a cached name) wait for the next call, so a
 * callback that looks up again cannot keep this loop going. One at a time
 * from the queue, so that a callback may cancel another's delivery. */
static void deliver_ready(struct pp_resolver *r) {
  size_t count = 0;
  for (struct waiter *w = r->ready.head; w; w = w->next)
    count++;
  while (count-- > 0) {
    struct waiter *w = list_pop(&r->ready);
    if (!w)
      break; /* cancelled meanwhile */
    r->pending--;
    bool ok = w->status == PP_RESOLVE_OK;
    w->callback(w->arg, w->status, ok ? (struct sockaddr *)&w->addr : NULL,
                ok ? w->addr_len : 0, ok ? NULL : w->error);
    free(w);
  }
}

/* ---- Lookups ------------------------------------------------------------ */

/* A numeric address answers at once, without DNS: returns true and fills
 * w when name is one (of any family). */
static bool numeric_answer(const char *name, int family, struct waiter *w) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC,
                           .ai_flags = AI_NUMERICHOST,
                           .ai_socktype = SOCK_DGRAM};
  struct addrinfo *ai = NULL;
  if (getaddrinfo(name, NULL, &hints, &ai) != 0 || !ai)
    return false;
  if (family != AF_UNSPEC && ai->ai_family != family) {
    char reason[96];
    snprintf(reason, sizeof reason, "is an %s address, not an %s one",
             family_word(ai->ai_family), family_word(family));
    set_error(w->error, name, reason);
    w->status = PP_RESOLVE_NO_ADDRESS;
  } else if (ai->ai_addrlen <= sizeof w->addr) {
    memcpy(&w->addr, ai->ai_addr, ai->ai_addrlen);
    w->addr_len = ai->ai_addrlen;
    w->status = PP_RESOLVE_OK;
  }
  freeaddrinfo(ai);
  return true;
}

/* Names c-ares should never see: empty, too long, blanks or control
 * characters (which a DNS label could carry, a host name cannot). */
static bool plausible_name(const char *name) {
  size_t len = strlen(name);
  if (len == 0 || len > MAX_NAME_LEN + 1 ||
      (len == MAX_NAME_LEN + 1 && name[len - 1] != '.'))
    return false;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++)
    if (*p <= ' ' || *p == 0x7f)
      return false;
  return true;
}

static void start_query(struct pp_resolver *r, struct entry *e) {
  struct ares_addrinfo_hints hints = {
      .ai_family = e->family,
      .ai_socktype = SOCK_DGRAM,
      /* we choose the address ourselves: no sorting sockets */
      .ai_flags = ARES_AI_NOSORT,
  };
  e->started_ms = monotonic_ms();
  r->in_flight++;
  r->started++;
  /* May answer before it returns (hosts file): on_addrinfo then has
   * finished, and perhaps freed, the entry. */
  ares_getaddrinfo(r->channel, e->key, NULL, &hints, on_addrinfo, e);
}

/* Queries start from the process functions, a burst at a time, at most
 * max_in_flight under way. */
static void queue_query(struct pp_resolver *r, struct entry *e) {
  e->under_way = true;
  e->next_to_start = NULL;
  *r->to_start_tail = e;
  r->to_start_tail = &e->next_to_start;
}

static struct entry *pop_to_start(struct pp_resolver *r) {
  struct entry *e = r->to_start;
  if (e) {
    r->to_start = e->next_to_start;
    if (!r->to_start)
      r->to_start_tail = &r->to_start;
  }
  return e;
}

static bool may_start(const struct pp_resolver *r) {
  return r->to_start && r->in_flight < r->max_in_flight;
}

/* Reads the answers already there, without waiting: what the sockets'
 * receive buffers hold before the next burst adds to it. */
static void read_answers(struct pp_resolver *r) {
  int fds[MAX_READ_SOCKETS];
  size_t n = 0;
  for (size_t i = 0; i < r->socket_count && n < MAX_READ_SOCKETS; i++)
    if (r->sockets[i].want_read)
      fds[n++] = r->sockets[i].fd;
  for (size_t i = 0; i < n; i++)
    ares_process_fd(r->channel, fds[i], ARES_SOCKET_BAD);
}

/* Starts queued queries, START_BURST at a time with the answers read in
 * between. */
static void start_queued(struct pp_resolver *r) {
  while (may_start(r)) {
    for (int i = 0; i < START_BURST && may_start(r); i++)
      start_query(r, pop_to_start(r));
    read_answers(r);
  }
}

int pp_resolver_lookup(struct pp_resolver *r, const char *name, int family,
                       pp_resolve_cb callback, void *arg) {
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
    return -EINVAL;
  struct waiter *w = calloc(1, sizeof *w);
  if (!w)
    return -ENOMEM;
  w->callback = callback;
  w->arg = arg;

  if (!name || !plausible_name(name)) {
    char shown[64];
    pp_strlcpy(shown, name ? name : "(none)", sizeof shown);
    set_error(w->error, shown, "not a valid host name");
    w->status = PP_RESOLVE_BAD_NAME;
  }
  if (w->status != PP_RESOLVE_OK || numeric_answer(name, family, w)) {
    list_append(&r->ready, w);
    r->pending++;
    return 0;
  }

  char key[MAX_NAME_LEN + 2];
  size_t i = 0;
  for (; name[i]; i++)
    key[i] = (char)tolower((unsigned char)name[i]);
  key[i] = '\0';

  uint64_t now = cache_now(r);
  sweep_expired(r, now);
  struct entry *e = *find_link(r, key, family);
  if (e && !e->under_way && now < e->expires_ms) {
    copy_answer(w, e);
    list_append(&r->ready, w);
    r->pending++;
    return 0;
  }
  if (!e) {
    e = new_entry(r, key, name, family);
    if (!e) {
      free(w);
      return -ENOMEM;
    }
  }
  list_append(&e->waiters, w);
  r->pending++;
  if (!e->under_way)
    queue_query(r, e);
  return 0;
}

size_t pp_resolver_cancel(struct pp_resolver *r, pp_resolve_cb callback,
                          void *arg) {
  size_t removed = list_remove(&r->ready, callback, arg);
  for (size_t i = 0; i < r->bucket_count; i++)
    for (struct entry *e = r->buckets[i]; e; e = e->next_in_bucket)
      if (e->under_way)
        removed += list_remove(&e->waiters, callback, arg);
  r->pending -= removed;
  return removed;
}

size_t pp_resolver_pending(const struct pp_resolver *r) { return r->pending; }

uint64_t pp_resolver_lookups_started(const struct pp_resolver *r) {
  return r->started;
}

/* ---- The event loop ----------------------------------------------------- */

void pp_resolver_process_fd(struct pp_resolver *r, int fd, bool readable,
                            bool writable) {
  ares_process_fd(r->channel, readable ? fd : ARES_SOCKET_BAD,
                  writable ? fd : ARES_SOCKET_BAD);
  start_queued(r);
  deliver_ready(r);
}

void pp_resolver_process_timeouts(struct pp_resolver *r) {
  ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  start_queued(r);
  deliver_ready(r);
}

int pp_resolver_next_timeout_ms(struct pp_resolver *r) {
  if (r->ready.head || may_start(r))
    return 0;
  if (r->in_flight == 0)
    return -1;
  struct timeval tv;
  if (!ares_timeout(r->channel, NULL, &tv))
    return 1000; /* under way without a deadline: look again soon */
  uint64_t ms =
      (uint64_t)tv.tv_sec * 1000u + ((uint64_t)tv.tv_usec + 999) / 1000;
  return ms > 86400000u ? 86400000 : (int)ms;
}

int pp_resolver_wait(struct pp_resolver *r, int timeout_ms) {
  uint64_t deadline =
      monotonic_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
  while (r->pending > 0) {
    int wait_ms = pp_resolver_next_timeout_ms(r);
    if (timeout_ms >= 0) {
      uint64_t now = monotonic_ms();
      if (now >= deadline)
        return -ETIMEDOUT;
      int left = (int)(deadline - now);
      if (wait_ms < 0 || wait_ms > left)
        wait_ms = left;
    }
    size_t n = r->socket_count;
    for (size_t i = 0; i < n; i++)
      r->pollfds[i] = (struct pollfd){
          .fd = r->sockets[i].fd,
          .events = (short)((r->sockets[i].want_read ? POLLIN : 0) |
                            (r->sockets[i].want_write ? POLLOUT : 0))};
    int ready = wait_ms == 0 ? 0 : poll(r->pollfds, n, wait_ms);
    if (ready < 0 && errno != EINTR)
      return -errno;
    /* A socket closed while another is processed is looked up by c-ares
     * in its own list and ignored there. */
    for (size_t i = 0; ready > 0 && i < n; i++)
      if (r->pollfds[i].revents)
        pp_resolver_process_fd(
            r, r->pollfds[i].fd,
            (r->pollfds[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0,
            (r->pollfds[i].revents & POLLOUT) != 0);
    pp_resolver_process_timeouts(r);
  }
  return 0;
}

/* ---- Creation ----------------------------------------------------------- */

/* The value opts gives, else the environment's, else NULL. */
static const char *setting(const char *from_opts, const char *env_name) {
  if (from_opts && *from_opts)
    return from_opts;
  const char *env = getenv(env_name);
  return env && *env ? env : NULL;
}

static int init_channel(struct pp_resolver *r,
                        const struct pp_resolver_opts *opts, char *err,
                        size_t err_len) {
  const char *resolv_conf =
      setting(opts->resolv_conf, "PRINTPROBE_RESOLV_CONF");
  unsigned timeout_s = LIBC_TIMEOUT_S, tries = LIBC_TRIES;
  int rc = read_resolv_conf_options(
      resolv_conf ? resolv_conf : DEFAULT_RESOLV_CONF, &timeout_s, &tries);
  if (rc < 0 && resolv_conf) {
    snprintf(err, err_len, "cannot read %s: %s", resolv_conf, strerror(-rc));
    return -1;
  }
  struct ares_options ao = {0};
  int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB;
  ao.timeout = opts->timeout_ms ? (int)opts->timeout_ms : (int)timeout_s * 1000;
  ao.tries = opts->tries ? (int)opts->tries : (int)tries;
  ao.sock_state_cb = on_socket_state;
  ao.sock_state_cb_data = r;
  if (resolv_conf) {
    ao.resolvconf_path = (char *)resolv_conf;
    mask |= ARES_OPT_RESOLVCONF;
  }
  rc = ares_init_options(&r->channel, &ao, mask);
  if (rc != ARES_SUCCESS) {
    snprintf(err, err_len, "cannot start the resolver: %s", ares_strerror(rc));
    r->channel = NULL;
    return -1;
  }
  const char *servers = setting(opts->servers, "PRINTPROBE_DNS_SERVERS");
  if (servers) {
    rc = ares_set_servers_ports_csv(r->channel, servers);
    if (rc != ARES_SUCCESS) {
      snprintf(err, err_len, "DNS servers \"%s\": %s", servers,
               ares_strerror(rc));
      return -1;
    }
  }
  return 0;
}

struct pp_resolver *pp_resolver_new(const struct pp_resolver_opts *opts,
                                    char *err, size_t err_len) {
  static const struct pp_resolver_opts defaults = {0};
  if (!opts)
    opts = &defaults;
  struct pp_resolver *r = calloc(1, sizeof *r);
  if (!r) {
    snprintf(err, err_len, "out of memory");
    return NULL;
  }
  r->cache_ms = (uint64_t)opts->cache_seconds * 1000u;
  r->negative_ms = opts->cache_seconds < PP_RESOLVE_NEGATIVE_SECONDS
                       ? r->cache_ms
                       : (uint64_t)PP_RESOLVE_NEGATIVE_SECONDS * 1000u;
  r->socket_cb = opts->socket_cb;
  r->socket_cb_arg = opts->socket_cb_arg;
  r->clock = opts->clock ? opts->clock : monotonic_clock;
  r->clock_arg = opts->clock_arg;
  list_init(&r->ready);
  r->to_start_tail = &r->to_start;
  r->max_in_flight =
      opts->max_in_flight ? opts->max_in_flight : DEFAULT_MAX_IN_FLIGHT;
  r->bucket_count = 64;
  r->buckets = calloc(r->bucket_count, sizeof *r->buckets);
  if (!r->buckets) {
    snprintf(err, err_len, "out of memory");
    pp_resolver_free(r);
    return NULL;
  }
  if (init_channel(r, opts, err, err_len) < 0) {
    pp_resolver_free(r);
    return NULL;
  }
  return r;
}

void pp_resolver_free(struct pp_resolver *r) {
  if (!r)
    return;
  /* ares_destroy ends what is under way through on_addrinfo, which must
   * then leave the entries alone; the owner still hears of each socket
   * closed, so that its watch set holds no stale fd. */
  r->destroying = true;
  if (r->channel) {
    pp_resolver_socket_cb owner_cb = r->socket_cb;
    void *owner_arg = r->socket_cb_arg;
    for (size_t i = 0; owner_cb && i < r->socket_count; i++)
      owner_cb(owner_arg, r->sockets[i].fd, false, false);
    ares_destroy(r->channel);
  }
  for (size_t i = 0; i < r->bucket_count; i++) {
    struct entry *e = r->buckets[i];
    while (e) {
      struct entry *next = e->next_in_bucket;
      free_entry(e);
      e = next;
    }
  }
  free(r->buckets);
  list_free(&r->ready);
  free(r->sockets);
  free(r->pollfds);
  free(r);
}
