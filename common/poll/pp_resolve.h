/* SPDX-License-Identifier: MIT */
/* Asynchronous host name resolution (c-ares) for an event loop that polls
 * many printers from one thread: a slow or missing name costs its own
 * printer a DNS timeout, never the printers behind it.
 *
 * Contract
 *   pp_resolver_lookup() starts a lookup and returns at once. Its callback
 *   is called exactly once, later, from pp_resolver_process_fd(),
 *   pp_resolver_process_timeouts() or pp_resolver_wait(), never from
 *   within pp_resolver_lookup() itself, even when the answer is known
 *   at once (a numeric address, a cached name): the caller never sees a
 *   callback while it is still setting a lookup up. Such answers make
 *   pp_resolver_next_timeout_ms() return 0, so the loop comes back to
 *   deliver them without waiting.
 *   Numeric addresses (192.0.2.7, 2001:db8::7, fe80::1%eth0) are never
 *   sent to DNS. Names are looked up in the hosts file and DNS as the
 *   system's resolv.conf and nsswitch.conf say (c-ares), search domains
 *   included.
 *   The callback gets one address, with port 0 (the caller sets the port):
 *   for AF_INET or AF_INET6 the first address of that family; for
 *   AF_UNSPEC the first IPv4 address, or the first IPv6 address when the
 *   name has no IPv4 one. Printers are mostly reached over IPv4, and a
 *   name with both would otherwise switch family from one poll to the
 *   next.
 *   Lookups of the same name and family while one is under way are merged:
 *   one query, every callback called with its answer.
 *   Queries are sent from the process functions, not from
 *   pp_resolver_lookup(): at most max_in_flight names are asked at once
 *   (the others wait their turn), and they go out 16 at a time with the
 *   answers read in between, so that a thousand lookups started together
 *   do not overflow the socket's receive buffer with their answers. A
 *   silent DNS server holds a place each for its timeout: up to
 *   max_in_flight unanswered names cost one timeout in all.
 *
 * Cache
 *   An address is kept cache_seconds (the poll interval, say): asked again
 *   within that time, the name is answered from the cache without a query;
 *   after it, DNS is asked again and a new address is what the callback
 *   gets. DNS time-to-live values are not consulted: the cache time is the
 *   caller's policy. "No such host" and "no address of that family" are
 *   kept min(cache_seconds, PP_RESOLVE_NEGATIVE_SECONDS). Timeouts and
 *   server failures are not kept: the next lookup asks again (it is
 *   asynchronous, so asking costs the caller nothing but that lookup's own
 *   wait). Expired entries are dropped as lookups go on, so the cache stays
 *   as large as the set of names in use.
 *
 * Event loop
 *   The owner learns which sockets to watch through opts.socket_cb (called
 *   when a socket is opened, changes interest, or is closed), calls
 *   pp_resolver_process_fd() when one is ready, waits no longer than
 *   pp_resolver_next_timeout_ms(), and calls pp_resolver_process_timeouts()
 *   when that time is up. Nothing blocks. pp_resolver_wait() runs its own
 *   poll() loop instead, for programs without one.
 *
 * Configuration (pp_resolver_new)
 *   timeout_ms and tries: from opts; when 0, from the resolv.conf in use
 *   ("options timeout:N attempts:N", as the C library reads them); when it
 *   has none, the C library's defaults, 5 s and 2 tries. c-ares doubles the
 *   timeout at each further try when there is one server: 1 s and 2 tries
 *   wait up to 1 + 2 = 3 s.
 *   The resolv.conf read: opts.resolv_conf, else the environment variable
 *   PRINTPROBE_RESOLV_CONF, else /etc/resolv.conf. A file named by either
 *   must exist (c-ares would silently fall back to a server on 127.0.0.1).
 *   The DNS servers: opts.servers, else the environment variable
 *   PRINTPROBE_DNS_SERVERS, else the resolv.conf's nameserver lines. The
 *   form is c-ares's: addresses separated by commas, each with an optional
 *   port: "127.0.0.1:5353,[::1]:5353". resolv.conf cannot name a port, so
 *   this is how a test points the resolver at its own server. Both
 *   variables are read by pp_resolver_new() only.
 *
 * Threads
 *   A resolver belongs to one thread: no locks inside. Several threads use
 *   several resolvers.
 *
 * Ownership
 *   The resolver copies the name; the callback's addr and error_text are
 *   valid during the call only. arg belongs to the caller: when what it
 *   points to goes away before the answer, pp_resolver_cancel() first.
 *   pp_resolver_free() calls no callback: lookups still under way are
 *   dropped silently. */
#ifndef PP_RESOLVE_H
#define PP_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Upper bound of the time a negative answer is kept, in seconds. */
#define PP_RESOLVE_NEGATIVE_SECONDS 60

/* The status a callback gets. */
enum pp_resolve_status {
  PP_RESOLVE_OK = 0,
  PP_RESOLVE_NOT_FOUND,      /* NXDOMAIN: no such host */
  PP_RESOLVE_NO_ADDRESS,     /* the name has no address of that family */
  PP_RESOLVE_TIMEOUT,        /* no answer from the DNS servers in time */
  PP_RESOLVE_SERVER_FAILURE, /* refused, failed, unreachable, bad answer */
  PP_RESOLVE_BAD_NAME,       /* empty, too long, or not a host name */
  PP_RESOLVE_NO_MEMORY,
};

/* "ok", "not-found", "no-address", "timeout", "server-failure", "bad-name",
 * "no-memory"; "unknown" for anything else. */
const char *pp_resolve_status_name(int status);

/* status is an enum pp_resolve_status. On PP_RESOLVE_OK, addr (AF_INET or
 * AF_INET6, port 0) and addr_len are set and error_text is NULL; otherwise
 * addr is NULL, addr_len 0, and error_text names the host and the reason:
 * "printer7.example: no such host". */
typedef void (*pp_resolve_cb)(void *arg, int status,
                              const struct sockaddr *addr, socklen_t addr_len,
                              const char *error_text);

/* A socket to watch: want_read/want_write say for what; both false means
 * the socket is being closed and must leave the watch set (the resolver
 * closes it after the call). */
typedef void (*pp_resolver_socket_cb)(void *arg, int fd, bool want_read,
                                      bool want_write);

/* A monotonic clock in milliseconds (tests move the cache's time). */
typedef uint64_t (*pp_resolver_clock)(void *arg);

/* Zero is the default of every field. */
struct pp_resolver_opts {
  unsigned cache_seconds; /* 0: answers are not kept */
  unsigned timeout_ms;    /* per try; 0: resolv.conf, else 5000 */
  unsigned tries;         /* 0: resolv.conf, else 2 */
  unsigned max_in_flight; /* names asked at once; 0: 512 */
  const char *resolv_conf;
  const char *servers;
  pp_resolver_socket_cb socket_cb;
  void *socket_cb_arg;
  pp_resolver_clock clock; /* NULL: CLOCK_MONOTONIC */
  void *clock_arg;
};

struct pp_resolver;

/* Returns a resolver, or NULL with the reason in err (a resolv.conf that
 * cannot be read, a server list c-ares refuses, no memory). opts may be
 * NULL for every default. */
struct pp_resolver *pp_resolver_new(const struct pp_resolver_opts *opts,
                                    char *err, size_t err_len);

/* Closes the resolver's sockets (socket_cb is told) and frees it. No
 * callback is called. Never from within a callback. */
void pp_resolver_free(struct pp_resolver *r);

/* Starts looking up name for family (AF_UNSPEC, AF_INET or AF_INET6);
 * callback(arg, ...) is called once, later (see the contract above).
 * Returns 0, or -EINVAL for a family other than those three (no callback
 * then), or -ENOMEM (no callback then). A bad name is not an error here:
 * its callback says so. */
int pp_resolver_lookup(struct pp_resolver *r, const char *name, int family,
                       pp_resolve_cb callback, void *arg);

/* Forgets every lookup of (callback, arg) not yet answered: its callback
 * will not be called. The query itself goes on when others wait for it
 * (its answer is still cached). Returns how many were forgotten. May be
 * called from within a callback. */
size_t pp_resolver_cancel(struct pp_resolver *r, pp_resolve_cb callback,
                          void *arg);

/* Lookups whose callback has not been called yet. */
size_t pp_resolver_pending(const struct pp_resolver *r);

/* The socket fd is ready: reads answers, sends what waits, calls the
 * callbacks of what is answered. */
void pp_resolver_process_fd(struct pp_resolver *r, int fd, bool readable,
                            bool writable);

/* How long the owner may wait before pp_resolver_process_timeouts(), in
 * milliseconds (rounded up): 0 when answers wait for delivery, -1 when
 * nothing is under way. */
int pp_resolver_next_timeout_ms(struct pp_resolver *r);

/* Gives up the tries whose time is over (next try, or a timeout answer)
 * and calls the callbacks of what is answered. */
void pp_resolver_process_timeouts(struct pp_resolver *r);

/* Runs a poll() loop of its own until every lookup is answered or
 * timeout_ms has passed (-1: no limit). Returns 0 when all are answered,
 * -ETIMEDOUT when some are still pending, -errno when poll() fails. */
int pp_resolver_wait(struct pp_resolver *r, int timeout_ms);

/* How many lookups went to c-ares (hosts file and DNS) rather than being
 * answered from the cache, merged into one under way, or numeric. */
uint64_t pp_resolver_lookups_started(const struct pp_resolver *r);

#endif
