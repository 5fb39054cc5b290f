/* SPDX-License-Identifier: MIT */
/*
 * udpproxy - a UDP proxy between an SNMP poller and an agent, both on
 * loopback, that adds delay and loss and logs what the poller asked for.
 * It lets tests measure timeouts, retries and request counts without
 * touching the poller or the agent.
 *
 * Usage:
 *   udpproxy --listen 127.0.0.1:PORT --target 127.0.0.1:PORT
 *            [--delay-ms N] [--loss PCT] [--seed N] [--log FILE]
 *            [--count-file FILE] [--max-seconds N]
 *
 *   --listen ADDR:PORT  where pollers send their requests (port 0 picks
 *                       one; the real port is printed on stderr).
 *   --target ADDR:PORT  the agent. Both must be 127.0.0.0/8 or [::1];
 *                       anything else exits with status 2.
 *   --delay-ms N        one-way delay added in each direction, so a round
 *                       trip grows by 2N ms. Packets wait in a timer queue,
 *                       never in a sleep, so any number can be in flight.
 *   --loss PCT          drop PCT percent (0-100, fractions allowed) of the
 *                       datagrams, independently in each direction.
 *   --seed N            seed of the loss PRNG (default 1): same seed, same
 *                       sequence of drops.
 *   --log FILE          one flushed line per client request:
 *                       "<unix time.ms> <community> <type> <oid>..." with
 *                       type get|getnext|getbulk|set|..., or
 *                       "<unix time.ms> v3-or-undecodable <length>".
 *   --count-file FILE   every second and at exit: "requests N\n
 *                       responses M\n", the datagrams actually forwarded
 *                       to the target and back to clients (after loss).
 *   --max-seconds N     exit by itself after N seconds (default 600).
 *
 * Each distinct client address gets its own upstream socket (created on
 * demand, at most 4096, least recently used one recycled), so answers go
 * back to whoever asked without decoding anything. Exit status: 0 after
 * --max-seconds or SIGTERM/SIGINT, 1 on runtime errors, 2 on bad
 * arguments. Counters and drops are summarised on stderr at exit.
 */
#include "snmp_wire.h"

#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>

#define MAX_CLIENTS 4096
#define BUCKETS 8192
#define DELAY_QUEUE_MAX 200000

struct client {
  bool used;
  struct sockaddr_storage addr;
  socklen_t addrlen;
  int fd;       /* upstream socket, connected to the target */
  uint32_t gen; /* changes on reuse: stale delayed packets are discarded */
  uint64_t last_used;
  int next; /* hash chain */
};

struct counters {
  unsigned long req_in, req_sent, req_lost;
  unsigned long resp_in, resp_sent, resp_lost;
  unsigned long send_failed, queue_full, evicted, non_loopback;
};

static struct {
  struct client clients[MAX_CLIENTS];
  int buckets[BUCKETS];
  size_t nclients;
  int max_clients; /* MAX_CLIENTS, or fewer if file descriptors are short */
  int listen_fd;
  struct sockaddr_storage target;
  socklen_t target_len;
  uint64_t delay_ns;
  double loss_pct;
  uint64_t rng[2]; /* one stream per direction: reproducible drops */
  FILE *log;
  const char *count_file;
  struct counters c;
  struct sw_dq queue;
} g = {.queue = {.max = DELAY_QUEUE_MAX}};

static uint8_t buf[SW_MAX_DATAGRAM + 1];
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

/* splitmix64: tiny, seedable, and good enough for coin flips. */
static uint64_t next_random(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Each direction draws from its own stream, so the n-th request is lost
 * or not regardless of how responses interleave with it. */
static bool lose_one(bool upstream) {
  if (g.loss_pct <= 0)
    return false;
  uint64_t bits = next_random(&g.rng[upstream ? 0 : 1]);
  double r = (double)(bits >> 11) / 9007199254740992.0 * 100.0;
  return r < g.loss_pct;
}

/* ---- clients --------------------------------------------------------- */

/* Hashes only the address bytes that identify a peer. */
static size_t addr_hash(const struct sockaddr_storage *a) {
  const uint8_t *p;
  size_t n;
  uint16_t port;
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)a;
    p = (const uint8_t *)&in->sin_addr;
    n = sizeof(in->sin_addr);
    port = in->sin_port;
  } else {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;
    p = (const uint8_t *)&in6->sin6_addr;
    n = sizeof(in6->sin6_addr);
    port = in6->sin6_port;
  }
  uint64_t h = 1469598103934665603ull ^ port;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 1099511628211ull;
  return (size_t)(h % BUCKETS);
}

static bool same_addr(const struct sockaddr_storage *a,
                      const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family)
    return false;
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
    return x->sin_port == y->sin_port &&
           x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
  return x->sin6_port == y->sin6_port &&
         memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

static int find_client(const struct sockaddr_storage *a) {
  for (int i = g.buckets[addr_hash(a)]; i >= 0; i = g.clients[i].next) {
    if (same_addr(&g.clients[i].addr, a))
      return i;
  }
  return -1;
}

static void unlink_client(int slot) {
  int *link = &g.buckets[addr_hash(&g.clients[slot].addr)];
  while (*link != slot)
    link = &g.clients[*link].next;
  *link = g.clients[slot].next;
  close(g.clients[slot].fd);
  g.clients[slot].used = false;
  g.nclients--;
}

/* A free slot, or the least recently used one when all are taken. */
static int take_slot(void) {
  int oldest = 0;
  for (int i = 0; i < g.max_clients; i++) {
    if (!g.clients[i].used)
      return i;
    if (g.clients[i].last_used < g.clients[oldest].last_used)
      oldest = i;
  }
  unlink_client(oldest);
  g.c.evicted++;
  return oldest;
}

/* An upstream socket on the target's loopback family, connected so that
 * only the target's datagrams arrive on it. */
static int open_upstream(void) {
  struct sockaddr_storage local;
  memset(&local, 0, sizeof(local));
  local.ss_family = g.target.ss_family;
  socklen_t len = sizeof(struct sockaddr_in);
  if (local.ss_family == AF_INET) {
    ((struct sockaddr_in *)&local)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  } else {
    ((struct sockaddr_in6 *)&local)->sin6_addr = in6addr_loopback;
    len = sizeof(struct sockaddr_in6);
  }
  int fd = sw_udp_socket(&local, len);
  if (fd >= 0 &&
      connect(fd, (const struct sockaddr *)&g.target, g.target_len) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* One descriptor per client: raise the soft limit if needed, and keep the
 * table below whatever limit remains. */
static void size_client_table(void) {
  struct rlimit rl;
  g.max_clients = MAX_CLIENTS;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return;
  rlim_t want = MAX_CLIENTS + 64;
  if (rl.rlim_cur < want) {
    rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur < want)
    g.max_clients = rl.rlim_cur > 96 ? (int)rl.rlim_cur - 64 : 32;
}

static int get_client(const struct sockaddr_storage *a, socklen_t alen,
                      uint64_t now) {
  int slot = find_client(a);
  if (slot < 0) {
    int fd = open_upstream();
    if (fd < 0)
      return -1;
    slot = take_slot();
    struct client *cl = &g.clients[slot];
    cl->used = true;
    cl->addr = *a;
    cl->addrlen = alen;
    cl->fd = fd;
    cl->gen++;
    size_t b = addr_hash(a);
    cl->next = g.buckets[b];
    g.buckets[b] = slot;
    g.nclients++;
  }
  g.clients[slot].last_used = now;
  return slot;
}

/* ---- forwarding ------------------------------------------------------ */

static void log_request(size_t len) {
  struct sw_msg m;
  if (!g.log)
    return;
  sw_print_wall_time(g.log);
  if (sw_parse_msg(buf, len, &m) != 0) {
    fprintf(g.log, " v3-or-undecodable %zu\n", len);
  } else {
    fputc(' ', g.log);
    sw_print_escaped(g.log, m.community, m.community_len);
    fprintf(g.log, " %s", sw_pdu_name(m.pdu_type));
    sw_print_vb_names(g.log, m.vbl, m.vbl_len);
    fputc('\n', g.log);
  }
  fflush(g.log);
}

/* Cookie 0: send on the listening socket to the stored address. Else the
 * cookie names a client slot and generation whose upstream socket is used,
 * if that client still exists. */
static uint64_t client_cookie(int slot) {
  return ((uint64_t)(slot + 1) << 32) | g.clients[slot].gen;
}

static bool release(const struct sw_dq_item *it) {
  struct sw_dq_item copy = *it;
  if (it->cookie) {
    int slot = (int)(it->cookie >> 32) - 1;
    struct client *cl = &g.clients[slot];
    if (!cl->used || cl->gen != (uint32_t)it->cookie)
      return false;
    copy.fd = cl->fd;
  }
  if (sw_dq_send(&copy) != 0) {
    g.c.send_failed++;
    return false;
  }
  return true;
}

static void count_sent(bool upstream) {
  if (upstream)
    g.c.req_sent++;
  else
    g.c.resp_sent++;
}

/* Sends now, or queues for later when a delay is configured. */
static void forward(int fd, uint64_t cookie,
                    const struct sockaddr_storage *addr, socklen_t alen,
                    size_t len, uint64_t now) {
  bool upstream = cookie != 0;
  if (g.delay_ns == 0) {
    struct sw_dq_item it = {
        .fd = fd, .cookie = cookie, .len = len, .data = buf, .addrlen = alen};
    if (addr && alen)
      it.addr = *addr;
    if (release(&it))
      count_sent(upstream);
    return;
  }
  if (sw_dq_push(&g.queue, now + g.delay_ns, fd, cookie, addr, alen, buf,
                 len) != 0)
    g.c.queue_full++;
}

static void release_due(uint64_t now) {
  while (sw_dq_next_due(&g.queue) <= now) {
    struct sw_dq_item it;
    sw_dq_pop(&g.queue, &it);
    if (release(&it))
      count_sent(it.cookie != 0);
    free(it.data);
  }
}

static void from_client(uint64_t now) {
  for (int i = 0; i < 512; i++) {
    struct sockaddr_storage peer;
    socklen_t plen = sizeof(peer);
    ssize_t n = recvfrom(g.listen_fd, buf, sizeof(buf), 0,
                         (struct sockaddr *)&peer, &plen);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return;
      continue;
    }
    if (!sw_is_loopback((const struct sockaddr *)&peer)) {
      g.c.non_loopback++;
      continue;
    }
    g.c.req_in++;
    log_request((size_t)n);
    if (lose_one(true)) {
      g.c.req_lost++;
      continue;
    }
    int slot = get_client(&peer, plen, now);
    if (slot < 0) {
      g.c.send_failed++;
      continue;
    }
    forward(-1, client_cookie(slot), NULL, 0, (size_t)n, now);
  }
}

static void from_target(int slot, uint64_t now) {
  struct client *cl = &g.clients[slot];
  for (int i = 0; i < 512; i++) {
    ssize_t n = recv(cl->fd, buf, sizeof(buf), 0);
    if (n < 0) {
      /* ECONNREFUSED (no agent yet) is reported once; go on. */
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return;
      continue;
    }
    g.c.resp_in++;
    if (lose_one(false)) {
      g.c.resp_lost++;
      continue;
    }
    cl->last_used = now;
    forward(g.listen_fd, 0, &cl->addr, cl->addrlen, (size_t)n, now);
  }
}

/* ---- reporting ------------------------------------------------------- */

/* Written to a temporary name and renamed, so readers never see half. */
static void write_counts(void) {
  if (!g.count_file)
    return;
  char tmp[4096];
  snprintf(tmp, sizeof(tmp), "%s.tmp", g.count_file);
  FILE *f = fopen(tmp, "w");
  if (!f)
    return;
  fprintf(f, "requests %lu\nresponses %lu\n", g.c.req_sent, g.c.resp_sent);
  if (fclose(f) == 0)
    rename(tmp, g.count_file);
}

static void print_summary(void) {
  fprintf(stderr,
          "udpproxy: requests received %lu forwarded %lu lost %lu; "
          "responses received %lu forwarded %lu lost %lu; send failures %lu, "
          "queue full %lu, clients evicted %lu, non-loopback %lu, "
          "still queued %zu\n",
          g.c.req_in, g.c.req_sent, g.c.req_lost, g.c.resp_in, g.c.resp_sent,
          g.c.resp_lost, g.c.send_failed, g.c.queue_full, g.c.evicted,
          g.c.non_loopback, g.queue.n);
}

/* ---- main ------------------------------------------------------------ */

static void usage(FILE *f) {
  fputs("usage: udpproxy --listen 127.0.0.1:PORT --target 127.0.0.1:PORT\n"
        "                [--delay-ms N] [--loss PCT] [--seed N] [--log FILE]\n"
        "                [--count-file FILE] [--max-seconds N]\n"
        "UDP proxy for SNMP between a poller and an agent, loopback only.\n"
        "  --listen ADDR:PORT   where clients send (127.0.0.0/8 or [::1];\n"
        "                       port 0 picks one, printed on stderr)\n"
        "  --target ADDR:PORT   the agent (loopback only)\n"
        "  --delay-ms N         one-way delay in each direction (RTT +2N)\n"
        "  --loss PCT           drop PCT% of datagrams in each direction\n"
        "  --seed N             loss PRNG seed (default 1)\n"
        "  --log FILE           per request: '<unix time.ms> <community>\n"
        "                       <get|getnext|getbulk|set|...> <oid>...' or\n"
        "                       '<unix time.ms> v3-or-undecodable <length>'\n"
        "  --count-file FILE    every second and at exit:\n"
        "                       'requests N\\nresponses M\\n' (forwarded)\n"
        "  --max-seconds N      exit after N seconds (default 600)\n",
        f);
}

static double parse_num_arg(const char *opt, const char *s, double lo,
                            double hi) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (*s == '\0' || *end != '\0' || errno || !(v >= lo && v <= hi)) {
    fprintf(stderr, "udpproxy: %s wants a number from %g to %g\n", opt, lo, hi);
    exit(2);
  }
  return v;
}

static void parse_endpoint_arg(const char *opt, const char *s,
                               struct sockaddr_storage *ss, socklen_t *len) {
  char err[256];
  if (sw_parse_endpoint(s, ss, len, err, sizeof(err)) != 0) {
    fprintf(stderr, "udpproxy: %s: %s\n", opt, err);
    exit(2);
  }
}

static struct pollfd pfds[MAX_CLIENTS + 1];
static int pfd_slot[MAX_CLIENTS + 1];

static nfds_t build_pollset(void) {
  nfds_t n = 1;
  pfds[0].fd = g.listen_fd;
  pfds[0].events = POLLIN;
  for (int i = 0; i < MAX_CLIENTS; i++) {
    if (!g.clients[i].used)
      continue;
    pfds[n].fd = g.clients[i].fd;
    pfds[n].events = POLLIN;
    pfd_slot[n++] = i;
  }
  return n;
}

static void run(long max_seconds, const sigset_t *unblocked) {
  uint64_t start = sw_mono_ns();
  uint64_t deadline = start + (uint64_t)max_seconds * 1000000000ull;
  uint64_t next_count = start + 1000000000ull;
  while (!stop_requested) {
    uint64_t now = sw_mono_ns();
    if (now >= deadline)
      break;
    release_due(now);
    if (now >= next_count) {
      write_counts();
      next_count = now + 1000000000ull;
    }
    uint64_t wake = deadline < next_count ? deadline : next_count;
    int ms =
        sw_dq_timeout_ms(&g.queue, now, (int)((wake - now + 999999) / 1000000));
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (ms % 1000) * 1000000L};
    nfds_t n = build_pollset();
    if (ppoll(pfds, n, &ts, unblocked) <= 0)
      continue;
    now = sw_mono_ns();
    if (pfds[0].revents & POLLIN)
      from_client(now);
    for (nfds_t i = 1; i < n; i++) {
      /* from_client may have recycled this slot; its fd is then new. */
      int slot = pfd_slot[i];
      if ((pfds[i].revents & (POLLIN | POLLERR)) && g.clients[slot].used &&
          g.clients[slot].fd == pfds[i].fd)
        from_target(slot, now);
    }
  }
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"listen", required_argument, NULL, 'l'},
      {"target", required_argument, NULL, 't'},
      {"delay-ms", required_argument, NULL, 'd'},
      {"loss", required_argument, NULL, 'p'},
      {"seed", required_argument, NULL, 'S'},
      {"log", required_argument, NULL, 'L'},
      {"count-file", required_argument, NULL, 'c'},
      {"max-seconds", required_argument, NULL, 's'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  const char *listen_spec = NULL, *target_spec = NULL, *log_file = NULL;
  long max_seconds = 600;
  int c;
  uint64_t seed = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'l':
      listen_spec = optarg;
      break;
    case 't':
      target_spec = optarg;
      break;
    case 'd':
      g.delay_ns =
          (uint64_t)parse_num_arg("--delay-ms", optarg, 0, 600000) * 1000000ull;
      break;
    case 'p':
      g.loss_pct = parse_num_arg("--loss", optarg, 0, 100);
      break;
    case 'S':
      seed = (uint64_t)parse_num_arg("--seed", optarg, 0, 4294967295.0);
      break;
    case 'L':
      log_file = optarg;
      break;
    case 'c':
      g.count_file = optarg;
      break;
    case 's':
      max_seconds = (long)parse_num_arg("--max-seconds", optarg, 1, 86400);
      break;
    case 'h':
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return 2;
    }
  }
  if (optind < argc || !listen_spec || !target_spec) {
    fprintf(stderr, "udpproxy: need --listen and --target, no other "
                    "arguments\n");
    usage(stderr);
    return 2;
  }
  struct sockaddr_storage listen_addr;
  socklen_t listen_len;
  parse_endpoint_arg("--listen", listen_spec, &listen_addr, &listen_len);
  parse_endpoint_arg("--target", target_spec, &g.target, &g.target_len);
  if (log_file && !(g.log = fopen(log_file, "a"))) {
    fprintf(stderr, "udpproxy: %s: %s\n", log_file, strerror(errno));
    return 1;
  }
  size_client_table();
  g.rng[0] = seed;
  g.rng[1] = seed ^ 0x5bd1e9955bd1e995ull;
  for (int i = 0; i < BUCKETS; i++)
    g.buckets[i] = -1;
  sigset_t unblocked;
  sw_setup_signals(on_signal, &unblocked);
  g.listen_fd = sw_udp_socket(&listen_addr, listen_len);
  if (g.listen_fd < 0) {
    fprintf(stderr, "udpproxy: cannot bind %s: %s\n", listen_spec,
            strerror(errno));
    return 1;
  }
  char text[80];
  listen_len = sizeof(listen_addr);
  getsockname(g.listen_fd, (struct sockaddr *)&listen_addr, &listen_len);
  sw_format_addr((struct sockaddr *)&listen_addr, text, sizeof(text));
  fprintf(stderr, "udpproxy: listening on %s\n", text);
  write_counts();
  run(max_seconds, &unblocked);
  write_counts();
  print_summary();
  for (int i = 0; i < MAX_CLIENTS; i++) {
    if (g.clients[i].used)
      close(g.clients[i].fd);
  }
  close(g.listen_fd);
  if (g.log)
    fclose(g.log);
  sw_dq_free(&g.queue);
  return 0;
}
