/* SPDX-License-Identifier: MIT */
/* Unit tests for pp_resolve: numeric addresses, the cache (on a clock the
 * tests move), merged lookups, errors and cancelling. The DNS server is a
 * small one of the test's own on 127.0.0.1, answered from the same thread
 * between the resolver's steps, so every query it gets is counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pp_resolve.h"

/* ---- A DNS server of the test's own ------------------------------------ */

#define MAX_NAMES 8
#define MAX_FDS 8

struct fake_name {
  const char *name;
  const char *a;    /* IPv4 answer, or NULL */
  const char *aaaa; /* IPv6 answer, or NULL */
  int rcode;        /* 0, 2 (SERVFAIL) or 3 (NXDOMAIN) */
  bool silent;
  int queries; /* how many it got */
};

struct fake_dns {
  int fd;
  char servers[64];
  struct fake_name names[MAX_NAMES];
  size_t count;
};

static struct fake_dns fake;

static void fake_start(void) {
  memset(&fake, 0, sizeof fake);
  fake.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  assert_true(fake.fd >= 0);
  struct sockaddr_in sin = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  assert_int_equal(bind(fake.fd, (struct sockaddr *)&sin, sizeof sin), 0);
  socklen_t len = sizeof sin;
  assert_int_equal(getsockname(fake.fd, (struct sockaddr *)&sin, &len), 0);
  snprintf(fake.servers, sizeof fake.servers, "127.0.0.1:%u",
           ntohs(sin.sin_port));
}

static struct fake_name *fake_add(const char *name, const char *a,
                                  const char *aaaa, int rcode, bool silent) {
  assert_true(fake.count < MAX_NAMES);
  struct fake_name *n = &fake.names[fake.count++];
  *n = (struct fake_name){name, a, aaaa, rcode, silent, 0};
  return n;
}

static struct fake_name *fake_find(const char *name) {
  for (size_t i = 0; i < fake.count; i++)
    if (strcasecmp(fake.names[i].name, name) == 0)
      return &fake.names[i];
  return NULL;
}

/* Reads the question's name as dotted text; returns the offset after the
 * question, or 0. */
static size_t parse_question(const unsigned char *p, size_t len, char *name,
                             size_t name_len, int *qtype) {
  size_t pos = 12, out = 0;
  while (pos < len && p[pos]) {
    size_t l = p[pos++];
    if (pos + l > len || out + l + 2 > name_len)
      return 0;
    if (out)
      name[out++] = '.';
    memcpy(name + out, p + pos, l);
    out += l;
    pos += l;
  }
  name[out] = '\0';
  if (pos + 5 > len)
    return 0;
  *qtype = p[pos + 1] << 8 | p[pos + 2];
  return pos + 5;
}

/* Answers every query waiting on the socket. */
static void fake_serve(void) {
  unsigned char q[512], reply[600];
  struct sockaddr_storage peer;
  for (;;) {
    socklen_t peer_len = sizeof peer;
    ssize_t len =
        recvfrom(fake.fd, q, sizeof q, 0, (struct sockaddr *)&peer, &peer_len);
    if (len < 12)
      return;
    char name[256];
    int qtype;
    size_t end = parse_question(q, (size_t)len, name, sizeof name, &qtype);
    if (!end)
      continue;
    struct fake_name *n = fake_find(name);
    if (n)
      n->queries++;
    if (n && n->silent)
      continue;
    memcpy(reply, q, end);
    int rcode = n ? n->rcode : 3;
    const char *text = !n ? NULL : qtype == 1 ? n->a : n->aaaa;
    unsigned char addr[16];
    int family = qtype == 1 ? AF_INET : AF_INET6;
    bool answer =
        rcode == 0 && text && qtype != 0 && inet_pton(family, text, addr) == 1;
    size_t addr_len = family == AF_INET ? 4 : 16, pos = end;
    reply[2] = 0x84 | (q[2] & 0x01); /* response, authoritative, RD */
    reply[3] = (unsigned char)(0x80 | rcode);
    reply[6] = 0, reply[7] = answer ? 1 : 0;         /* answers */
    reply[8] = reply[9] = reply[10] = reply[11] = 0; /* no others */
    if (answer) {
      const unsigned char rr[] = {0xc0, 12, 0, (unsigned char)qtype,
                                  0,    1,  0, 0,
                                  1,    44, 0, (unsigned char)addr_len};
      memcpy(reply + pos, rr, sizeof rr);
      pos += sizeof rr;
      memcpy(reply + pos, addr, addr_len);
      pos += addr_len;
    }
    sendto(fake.fd, reply, pos, 0, (struct sockaddr *)&peer, peer_len);
  }
}

/* ---- The resolver's side ------------------------------------------------ */

struct answer {
  int calls;
  int status;
  char addr[64];
  char error[400];
};

static uint64_t test_now_ms;
static uint64_t test_clock(void *arg) {
  (void)arg;
  return test_now_ms;
}

/* Sockets the resolver asked us to watch, as an event loop keeps them. */
static int watched[MAX_FDS];
static size_t watched_count;
static int sockets_closed;

static void on_socket(void *arg, int fd, bool want_read, bool want_write) {
  (void)arg;
  for (size_t i = 0; i < watched_count; i++)
    if (watched[i] == fd) {
      if (!want_read && !want_write) {
        watched[i] = watched[--watched_count];
        sockets_closed++;
      }
      return;
    }
  if ((want_read || want_write) && watched_count < MAX_FDS)
    watched[watched_count++] = fd;
}

static void on_answer(void *arg, int status, const struct sockaddr *addr,
                      socklen_t addr_len, const char *error_text) {
  struct answer *a = arg;
  a->calls++;
  a->status = status;
  a->addr[0] = a->error[0] = '\0';
  if (status == PP_RESOLVE_OK) {
    assert_non_null(addr);
    assert_null(error_text);
    const void *raw =
        addr->sa_family == AF_INET
            ? (const void *)&((const struct sockaddr_in *)addr)->sin_addr
            : (const void *)&((const struct sockaddr_in6 *)addr)->sin6_addr;
    assert_int_equal(addr_len, addr->sa_family == AF_INET
                                   ? sizeof(struct sockaddr_in)
                                   : sizeof(struct sockaddr_in6));
    inet_ntop(addr->sa_family, raw, a->addr, sizeof a->addr);
  } else {
    assert_null(addr);
    assert_non_null(error_text);
    snprintf(a->error, sizeof a->error, "%s", error_text);
  }
}

static char resolv_conf[64];

static struct pp_resolver *new_resolver(unsigned cache_seconds) {
  struct pp_resolver_opts opts = {.cache_seconds = cache_seconds,
                                  .timeout_ms = 300,
                                  .tries = 1,
                                  .resolv_conf = resolv_conf,
                                  .servers = fake.servers,
                                  .socket_cb = on_socket,
                                  .clock = test_clock};
  char err[256] = "";
  struct pp_resolver *r = pp_resolver_new(&opts, err, sizeof err);
  if (!r)
    fail_msg("pp_resolver_new: %s", err);
  return r;
}

static uint64_t real_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The owner's event loop and the DNS server in turns, until every lookup
 * is answered (bounded: 5 s). */
static void run(struct pp_resolver *r) {
  uint64_t deadline = real_ms() + 5000;
  while (pp_resolver_pending(r) > 0) {
    if (real_ms() > deadline)
      fail_msg("lookups still pending after 5 s");
    struct pollfd pfds[MAX_FDS + 1] = {{.fd = fake.fd, .events = POLLIN}};
    for (size_t i = 0; i < watched_count; i++)
      pfds[i + 1] = (struct pollfd){.fd = watched[i], .events = POLLIN};
    int wait = pp_resolver_next_timeout_ms(r);
    poll(pfds, watched_count + 1, wait < 0 || wait > 20 ? 20 : wait);
    fake_serve();
    for (size_t i = 0; i < watched_count; i++)
      if (pfds[i + 1].revents)
        pp_resolver_process_fd(r, pfds[i + 1].fd, true, false);
    pp_resolver_process_timeouts(r);
  }
}

static int setup(void **state) {
  (void)state;
  fake_start();
  watched_count = 0;
  sockets_closed = 0;
  test_now_ms = 1000000;
  /* No search domains, no other servers: only the names asked. */
  snprintf(resolv_conf, sizeof resolv_conf, "/tmp/pp-resolve-XXXXXX");
  int fd = mkstemp(resolv_conf);
  assert_true(fd >= 0);
  const char text[] = "search invalid\noptions ndots:1\n";
  assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)sizeof text - 1);
  close(fd);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  close(fake.fd);
  unlink(resolv_conf);
  return 0;
}

/* ---- Tests -------------------------------------------------------------- */

static void numeric_addresses_never_reach_dns(void **state) {
  (void)state;
  struct pp_resolver *r = new_resolver(60);
  struct answer v4 = {0}, v6 = {0}, wrong = {0}, unspec6 = {0};
  assert_int_equal(
      pp_resolver_lookup(r, "192.0.2.7", AF_UNSPEC, on_answer, &v4), 0);
  assert_int_equal(
      pp_resolver_lookup(r, "2001:db8::7", AF_INET6, on_answer, &v6), 0);
  assert_int_equal(
      pp_resolver_lookup(r, "2001:db8::8", AF_UNSPEC, on_answer, &unspec6), 0);
  assert_int_equal(
      pp_resolver_lookup(r, "192.0.2.9", AF_INET6, on_answer, &wrong), 0);
  /* Never from within lookup: on the next process call, at once. */
  assert_int_equal(v4.calls + v6.calls + wrong.calls, 0);
  assert_int_equal(pp_resolver_next_timeout_ms(r), 0);
  pp_resolver_process_timeouts(r);
  assert_int_equal(v4.calls, 1);
  assert_string_equal(v4.addr, "192.0.2.7");
  assert_string_equal(v6.addr, "2001:db8::7");
  assert_string_equal(unspec6.addr, "2001:db8::8");
  assert_int_equal(wrong.status, PP_RESOLVE_NO_ADDRESS);
  assert_non_null(strstr(wrong.error, "192.0.2.9"));
  assert_int_equal(pp_resolver_pending(r), 0);
  assert_int_equal(pp_resolver_lookups_started(r), 0);
  assert_int_equal(pp_resolver_next_timeout_ms(r), -1);
  pp_resolver_free(r);
}

static void bad_names_and_families(void **state) {
  (void)state;
  struct pp_resolver *r = new_resolver(60);
  struct answer empty = {0}, blank = {0};
  char long_name[300];
  memset(long_name, 'a', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  struct answer too_long = {0};
  pp_resolver_lookup(r, "", AF_UNSPEC, on_answer, &empty);
  pp_resolver_lookup(r, "print er.test", AF_UNSPEC, on_answer, &blank);
  pp_resolver_lookup(r, long_name, AF_UNSPEC, on_answer, &too_long);
  assert_int_equal(pp_resolver_lookup(r, "x.test", AF_UNIX, on_answer, NULL),
                   -EINVAL);
  run(r);
  assert_int_equal(empty.status, PP_RESOLVE_BAD_NAME);
  assert_int_equal(blank.status, PP_RESOLVE_BAD_NAME);
  assert_int_equal(too_long.status, PP_RESOLVE_BAD_NAME);
  assert_non_null(strstr(blank.error, "print er.test: not a valid host name"));
  assert_int_equal(pp_resolver_lookups_started(r), 0);
  pp_resolver_free(r);
}

static void identical_lookups_share_one_query(void **state) {
  (void)state;
  struct fake_name *n = fake_add("printer.test", "192.0.2.10", NULL, 0, false);
  struct pp_resolver *r = new_resolver(60);
  struct answer a[4] = {{0}};
  pp_resolver_lookup(r, "printer.test", AF_INET, on_answer, &a[0]);
  pp_resolver_lookup(r, "printer.test", AF_INET, on_answer, &a[1]);
  pp_resolver_lookup(r, "PRINTER.test", AF_INET, on_answer, &a[2]);
  pp_resolver_lookup(r, "printer.test", AF_INET, on_answer, &a[3]);
  assert_int_equal(pp_resolver_pending(r), 4);
  run(r);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(a[i].calls, 1);
    assert_string_equal(a[i].addr, "192.0.2.10");
  }
  assert_int_equal(n->queries, 1);
  assert_int_equal(pp_resolver_lookups_started(r), 1);
  /* The owner's watch set followed the socket c-ares opened, and closed
   * when nothing was left to ask. */
  assert_true(sockets_closed > 0);
  assert_int_equal(watched_count, 0);
  pp_resolver_free(r);
}

static void cache_answers_then_follows_a_new_address(void **state) {
  (void)state;
  struct fake_name *n = fake_add("moved.test", "192.0.2.20", NULL, 0, false);
  struct pp_resolver *r = new_resolver(60);
  struct answer a = {0};
  pp_resolver_lookup(r, "moved.test", AF_INET, on_answer, &a);
  run(r);
  assert_string_equal(a.addr, "192.0.2.20");
  assert_int_equal(n->queries, 1);

  n->a = "192.0.2.21"; /* the DNS moves the name */
  test_now_ms += 59000;
  pp_resolver_lookup(r, "moved.test", AF_INET, on_answer, &a);
  assert_int_equal(pp_resolver_next_timeout_ms(r), 0);
  run(r);
  assert_string_equal(a.addr, "192.0.2.20"); /* from the cache */
  assert_int_equal(n->queries, 1);

  test_now_ms += 2000; /* 61 s: expired */
  pp_resolver_lookup(r, "moved.test", AF_INET, on_answer, &a);
  run(r);
  assert_string_equal(a.addr, "192.0.2.21");
  assert_int_equal(n->queries, 2);
  assert_int_equal(a.calls, 3);
  pp_resolver_free(r);
}

static void without_cache_every_lookup_asks(void **state) {
  (void)state;
  struct fake_name *n = fake_add("nocache.test", "192.0.2.30", NULL, 0, false);
  struct pp_resolver *r = new_resolver(0);
  struct answer a = {0};
  for (int i = 0; i < 3; i++) {
    pp_resolver_lookup(r, "nocache.test", AF_INET, on_answer, &a);
    run(r);
  }
  assert_int_equal(n->queries, 3);
  assert_int_equal(a.calls, 3);
  pp_resolver_free(r);
}

static void no_such_host_is_kept_a_shorter_time(void **state) {
  (void)state;
  struct fake_name *n = fake_add("gone.test", NULL, NULL, 3, false);
  struct pp_resolver *r = new_resolver(300);
  struct answer a = {0};
  pp_resolver_lookup(r, "gone.test", AF_INET, on_answer, &a);
  run(r);
  assert_int_equal(a.status, PP_RESOLVE_NOT_FOUND);
  assert_string_equal(a.error, "gone.test: no such host");
  int asked = n->queries;
  assert_true(asked >= 1);

  test_now_ms += (PP_RESOLVE_NEGATIVE_SECONDS - 1) * 1000;
  pp_resolver_lookup(r, "gone.test", AF_INET, on_answer, &a);
  run(r);
  assert_int_equal(a.status, PP_RESOLVE_NOT_FOUND);
  assert_int_equal(n->queries, asked);

  test_now_ms += 2000; /* past the negative time, within cache_seconds */
  pp_resolver_lookup(r, "gone.test", AF_INET, on_answer, &a);
  run(r);
  assert_int_equal(a.status, PP_RESOLVE_NOT_FOUND);
  assert_true(n->queries > asked);
  pp_resolver_free(r);
}

static void timeouts_are_not_kept(void **state) {
  (void)state;
  struct fake_name *n = fake_add("dead.test", NULL, NULL, 0, true);
  struct pp_resolver *r = new_resolver(60);
  struct answer a = {0};
  uint64_t start = real_ms();
  pp_resolver_lookup(r, "dead.test", AF_INET, on_answer, &a);
  run(r);
  assert_int_equal(a.status, PP_RESOLVE_TIMEOUT);
  assert_non_null(
      strstr(a.error, "dead.test: no answer from the DNS server within 0."));
  assert_true(real_ms() - start >= 250);
  assert_int_equal(n->queries, 1);
  pp_resolver_lookup(r, "dead.test", AF_INET, on_answer, &a);
  run(r);
  assert_int_equal(n->queries, 2);
  pp_resolver_free(r);
}

static void server_failure_and_missing_family(void **state) {
  (void)state;
  fake_add("broken.test", NULL, NULL, 2, false);
  fake_add("v4only.test", "192.0.2.40", NULL, 0, false);
  struct pp_resolver *r = new_resolver(60);
  struct answer broken = {0}, v6 = {0};
  pp_resolver_lookup(r, "broken.test", AF_INET, on_answer, &broken);
  pp_resolver_lookup(r, "v4only.test", AF_INET6, on_answer, &v6);
  run(r);
  assert_int_equal(broken.status, PP_RESOLVE_SERVER_FAILURE);
  assert_non_null(strstr(broken.error, "broken.test: "));
  assert_int_equal(v6.status, PP_RESOLVE_NO_ADDRESS);
  assert_string_equal(v6.error, "v4only.test: no IPv6 address");
  pp_resolver_free(r);
}

static void any_family_prefers_ipv4(void **state) {
  (void)state;
  fake_add("both.test", "192.0.2.50", "2001:db8::50", 0, false);
  fake_add("v6only.test", NULL, "2001:db8::51", 0, false);
  struct pp_resolver *r = new_resolver(60);
  struct answer both = {0}, v6 = {0};
  pp_resolver_lookup(r, "both.test", AF_UNSPEC, on_answer, &both);
  pp_resolver_lookup(r, "v6only.test", AF_UNSPEC, on_answer, &v6);
  run(r);
  assert_string_equal(both.addr, "192.0.2.50");
  assert_string_equal(v6.addr, "2001:db8::51");
  pp_resolver_free(r);
}

static void cancelled_lookups_are_not_called(void **state) {
  (void)state;
  struct fake_name *n = fake_add("cancel.test", "192.0.2.60", NULL, 0, false);
  struct pp_resolver *r = new_resolver(60);
  struct answer kept = {0}, dropped = {0}, numeric = {0};
  pp_resolver_lookup(r, "cancel.test", AF_INET, on_answer, &kept);
  pp_resolver_lookup(r, "cancel.test", AF_INET, on_answer, &dropped);
  pp_resolver_lookup(r, "192.0.2.61", AF_INET, on_answer, &numeric);
  assert_int_equal(pp_resolver_cancel(r, on_answer, &dropped), 1);
  assert_int_equal(pp_resolver_cancel(r, on_answer, &numeric), 1);
  assert_int_equal(pp_resolver_pending(r), 1);
  run(r);
  assert_int_equal(kept.calls, 1);
  assert_int_equal(dropped.calls + numeric.calls, 0);
  assert_int_equal(n->queries, 1);
  /* Freed with a lookup under way: no callback, no leak. */
  struct answer late = {0};
  pp_resolver_lookup(r, "other.test", AF_INET, on_answer, &late);
  pp_resolver_process_timeouts(r);
  assert_int_equal(watched_count, 1);
  pp_resolver_free(r);
  assert_int_equal(late.calls, 0);
  assert_int_equal(watched_count, 0); /* the owner was told */
}

static void resolv_conf_must_exist(void **state) {
  (void)state;
  struct pp_resolver_opts opts = {.resolv_conf = "/nonexistent/resolv.conf"};
  char err[256] = "";
  assert_null(pp_resolver_new(&opts, err, sizeof err));
  assert_non_null(strstr(err, "/nonexistent/resolv.conf"));
  opts = (struct pp_resolver_opts){.resolv_conf = resolv_conf,
                                   .servers = "not an address"};
  assert_null(pp_resolver_new(&opts, err, sizeof err));
  assert_non_null(strstr(err, "not an address"));
}

/* The resolver's own poll loop, without an owner's socket callback. */
static void wait_answers_with_its_own_loop(void **state) {
  (void)state;
  fake_add("wait.test", "192.0.2.70", NULL, 0, false);
  struct pp_resolver_opts opts = {.timeout_ms = 2000,
                                  .tries = 1,
                                  .resolv_conf = resolv_conf,
                                  .servers = fake.servers};
  char err[256];
  struct pp_resolver *r = pp_resolver_new(&opts, err, sizeof err);
  assert_non_null(r);
  struct answer a = {0};
  pp_resolver_lookup(r, "wait.test", AF_INET, on_answer, &a);
  /* The server answers only between waits: the first wait runs out. */
  assert_int_equal(pp_resolver_wait(r, 50), -ETIMEDOUT);
  fake_serve();
  assert_int_equal(pp_resolver_wait(r, 1000), 0);
  assert_string_equal(a.addr, "192.0.2.70");
  pp_resolver_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(numeric_addresses_never_reach_dns, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(bad_names_and_families, setup, teardown),
      cmocka_unit_test_setup_teardown(identical_lookups_share_one_query, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(cache_answers_then_follows_a_new_address,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(without_cache_every_lookup_asks, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(no_such_host_is_kept_a_shorter_time,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(timeouts_are_not_kept, setup, teardown),
      cmocka_unit_test_setup_teardown(server_failure_and_missing_family, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(any_family_prefers_ipv4, setup, teardown),
      cmocka_unit_test_setup_teardown(cancelled_lookups_are_not_called, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(resolv_conf_must_exist, setup, teardown),
      cmocka_unit_test_setup_teardown(wait_answers_with_its_own_loop, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
