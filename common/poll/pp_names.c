/* SPDX-License-Identifier: MIT */
/* Printers' addresses for the engine: numeric ones at once, host names
 * through the asynchronous resolver (pp_resolve), driven by the engine's
 * own epoll loop. A name that is slow or missing costs its own printer the
 * resolver's timeout; the printers behind it are polled meanwhile. Answers
 * are kept for the engine's name-cache time (a collectd plugin's interval),
 * so a fleet asks DNS once per interval per name, and a printer whose name
 * moves to a new address is followed at the next lookup. */
#include "pp_engine_int.h"

#include "pp_resolve.h"

/* The resolver's sockets in the engine's epoll set. */
struct dns_watch {
  struct watch watch; /* first: what epoll reports */
  int fd;
  bool used;
};

#define DNS_WATCHES 16

struct names {
  struct pp_resolver *resolver;
  struct poll_ctx *ctx;
  struct dns_watch watches[DNS_WATCHES];
  char error[256]; /* why the resolver could not be made */
};

static struct dns_watch *watch_of(struct names *n, int fd) {
  struct dns_watch *free_slot = NULL;
  for (size_t i = 0; i < DNS_WATCHES; i++) {
    if (n->watches[i].used && n->watches[i].fd == fd)
      return &n->watches[i];
    if (!n->watches[i].used && free_slot == NULL)
      free_slot = &n->watches[i];
  }
  return free_slot;
}

/* c-ares opens, changes and closes its sockets: the epoll set follows. */
static void socket_changed(void *arg, int fd, bool want_read, bool want_write) {
  struct names *n = arg;
  struct dns_watch *w = watch_of(n, fd);
  if (w == NULL) {
    pp_log(PP_LOG_ERR, "engine: more than %d DNS sockets at once", DNS_WATCHES);
    return;
  }
  if (!want_read && !want_write) {
    if (w->used)
      epoll_ctl(n->ctx->epfd, EPOLL_CTL_DEL, fd, NULL);
    w->used = false;
    return;
  }
  struct epoll_event ev = {.events = (want_read ? EPOLLIN : 0u) |
                                     (want_write ? EPOLLOUT : 0u),
                           .data.ptr = w};
  int op = w->used ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  *w = (struct dns_watch){.watch = {WATCH_DNS}, .fd = fd, .used = true};
  if (epoll_ctl(n->ctx->epfd, op, fd, &ev) != 0)
    pp_log(PP_LOG_ERR, "engine: cannot watch a DNS socket: %s",
           strerror(errno));
}

static struct names *names_of(struct poll_ctx *ctx) {
  if (ctx->names != NULL)
    return ctx->names->resolver != NULL ? ctx->names : NULL;
  struct names *n = calloc(1, sizeof(*n));
  if (n == NULL)
    return NULL;
  n->ctx = ctx;
  ctx->names = n;
  struct pp_resolver_opts opts = {.cache_seconds = ctx->name_cache_s,
                                  .socket_cb = socket_changed,
                                  .socket_cb_arg = n};
  n->resolver = pp_resolver_new(&opts, n->error, sizeof(n->error));
  if (n->resolver == NULL) {
    pp_log(PP_LOG_ERR, "engine: cannot resolve host names: %s", n->error);
    return NULL;
  }
  return n;
}

static void resolved(void *arg, int status, const struct sockaddr *addr,
                     socklen_t addr_len, const char *error_text) {
  struct job *job = arg;
  job->resolving = false;
  if (status != PP_RESOLVE_OK || addr_len > sizeof(job->peer)) {
    engine_job_fail(job, "%s", error_text ? error_text : "cannot resolve");
  } else {
    memcpy(&job->peer, addr, addr_len);
    job->peer_len = addr_len;
    uint16_t port = htons((uint16_t)job->target->port);
    if (addr->sa_family == AF_INET6)
      ((struct sockaddr_in6 *)&job->peer)->sin6_port = port;
    else
      ((struct sockaddr_in *)&job->peer)->sin_port = port;
  }
  engine_job_addressed(job->ctx, job);
}

/* A numeric address (IPv6 with a zone too) into the job, without asking
 * anyone. Returns false when host is no numeric address. */
static bool numeric_address(struct job *job) {
  const struct pp_target *t = job->target;
  char port[16];
  snprintf(port, sizeof(port), "%u", t->port);
  struct addrinfo hints = {.ai_family = t->ipv6 ? AF_INET6 : AF_UNSPEC,
                           .ai_socktype = SOCK_DGRAM,
                           .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
  struct addrinfo *res = NULL;
  if (getaddrinfo(t->host, port, &hints, &res) != 0 || res == NULL)
    return false;
  memcpy(&job->peer, res->ai_addr, res->ai_addrlen);
  job->peer_len = res->ai_addrlen;
  freeaddrinfo(res);
  return true;
}

int names_job_address(struct poll_ctx *ctx, struct job *job) {
  if (numeric_address(job))
    return 0;
  struct names *n = names_of(ctx);
  if (n == NULL) {
    engine_job_fail(job, "cannot resolve %s: %s", job->target->host,
                    ctx->names ? ctx->names->error : "out of memory");
    return -EHOSTUNREACH;
  }
  if (pp_resolver_lookup(n->resolver, job->target->host, AF_UNSPEC, resolved,
                         job) != 0) {
    engine_job_fail(job, "cannot resolve %s: out of memory", job->target->host);
    return -ENOMEM;
  }
  job->resolving = true;
  return 1;
}

void names_job_forget(struct poll_ctx *ctx, struct job *job) {
  if (job->resolving && ctx->names != NULL && ctx->names->resolver != NULL)
    pp_resolver_cancel(ctx->names->resolver, resolved, job);
  job->resolving = false;
}

void names_ready(struct poll_ctx *ctx, struct watch *w, uint32_t events) {
  struct dns_watch *dw = (struct dns_watch *)w;
  if (ctx->names == NULL || ctx->names->resolver == NULL || !dw->used)
    return;
  pp_resolver_process_fd(ctx->names->resolver, dw->fd,
                         (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0,
                         (events & EPOLLOUT) != 0);
}

int names_next_timeout_ms(struct poll_ctx *ctx) {
  if (ctx->names == NULL || ctx->names->resolver == NULL)
    return -1;
  return pp_resolver_next_timeout_ms(ctx->names->resolver);
}

void names_run_timers(struct poll_ctx *ctx) {
  if (names_next_timeout_ms(ctx) == 0)
    pp_resolver_process_timeouts(ctx->names->resolver);
}

void names_release(struct poll_ctx *ctx) {
  if (ctx->names == NULL)
    return;
  pp_resolver_free(ctx->names->resolver); /* tells socket_changed */
  free(ctx->names);
  ctx->names = NULL;
}
