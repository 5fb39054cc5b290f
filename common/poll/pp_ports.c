/* SPDX-License-Identifier: MIT */
/* The shared sockets of SNMPv1/v2c.
 *
 * A socket per printer costs a file descriptor and kernel buffers each: at
 * ten thousand printers that is more than a process may open by default.
 * SNMPv1/v2c need no per-printer state in the library, so a few sockets per
 * address family serve every printer: net-snmp builds and parses the
 * messages, the engine sends and receives them, and an answer finds its
 * printer by its request id, whose low bits are the printer's slot. An
 * answer counts only when it comes from the very address and port asked
 * (what a connected socket per printer gave before): nobody else on the
 * path can answer for a printer and feed a site's billing data.
 * SNMPv3 keeps a net-snmp session per printer (pp_session.c): USM state
 * lives in the session. */
#include "pp_engine_int.h"

#include <netdb.h>

/* The largest datagram UDP carries. */
#define RX_BUF_SIZE 65536
/* A fleet's answers arrive in bursts while the loop is busy sending: a
 * receive buffer this large holds thousands of them. root may go beyond
 * net.core.rmem_max; others get what the kernel allows. */
#define WANT_RCVBUF (4 * 1024 * 1024)
/* Datagrams read per wake-up of one socket before the loop looks at timers
 * and the other sockets again. */
#define READS_PER_WAKE 32

static void grow_receive_buffer(int fd) {
  int want = WANT_RCVBUF;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
}

/* Opens the shared sockets of one family (0: IPv4, 1: IPv6) when first
 * needed. Returns 0 when at least one could be opened, else -errno. */
int ports_open(struct poll_ctx *ctx, int fi) {
  if (ctx->port_count[fi] > 0)
    return 0;
  int family = fi ? AF_INET6 : AF_INET;
  int err = 0;
  for (size_t i = 0; i < PORTS_PER_FAMILY; i++) {
    int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      err = -errno;
      break;
    }
    grow_receive_buffer(fd);
    struct port *p = &ctx->ports[fi][ctx->port_count[fi]];
    *p = (struct port){.watch = {WATCH_PORT}, .fd = fd, .family = family};
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = p};
    if (epoll_ctl(ctx->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
      err = -errno;
      close(fd);
      break;
    }
    ctx->port_count[fi]++;
  }
  if (ctx->port_count[fi] > 0) {
    pp_log(PP_LOG_DEBUG,
           "engine: %zu shared %s sockets serve every SNMPv1/v2c printer",
           ctx->port_count[fi], fi ? "IPv6" : "IPv4");
    return 0;
  }
  return err ? err : -EMFILE;
}

void ports_close(struct poll_ctx *ctx) {
  for (size_t fi = 0; fi < 2; fi++) {
    for (size_t i = 0; i < ctx->port_count[fi]; i++)
      close(ctx->ports[fi][i].fd);
    ctx->port_count[fi] = 0;
  }
}

static struct port *port_for(struct poll_ctx *ctx, const struct job *job) {
  int fi = job->peer.ss_family == AF_INET6 ? 1 : 0;
  if (ports_open(ctx, fi) != 0)
    return NULL;
  /* Printers take the sockets in turn, so bursts spread over them. */
  return &ctx->ports[fi][ctx->port_turn++ % ctx->port_count[fi]];
}

/* Request ids: the slot in the low bits, a sequence number above it that
 * tells one try from the next. Always positive, never 0. */
static int next_reqid(struct poll_ctx *ctx, const struct job *job) {
  uint32_t seq = ctx->next_seq++ & 0x7fffu;
  if (seq == 0)
    seq = ctx->next_seq++ & 0x7fffu;
  return (int)(seq << SLOT_BITS | job->slot);
}

/* Serialises pdu into ctx's send buffer the way net-snmp's own send path
 * does (reverse encoding writes from the end). Returns the length, 0 on
 * failure; *packet points into the buffer. */
static size_t build_packet(struct poll_ctx *ctx, netsnmp_pdu *pdu,
                           const struct pp_snmp_opts *o, u_char **packet) {
  netsnmp_session *s = &ctx->build_session;
  s->community = (u_char *)o->community;
  s->community_len = strlen(o->community);
  size_t offset = 0;
  size_t len = 0;
  int rc;
#ifdef NETSNMP_USE_REVERSE_ASNENCODING
  if (!(pdu->flags & UCD_MSG_FLAG_FORWARD_ENCODE)) {
    rc = snmp_build(&ctx->txbuf, &ctx->txbuf_len, &offset, s, pdu);
    *packet = ctx->txbuf + ctx->txbuf_len - offset;
    len = offset;
  } else
#endif
  {
    len = ctx->txbuf_len;
    rc = snmp_build(&ctx->txbuf, &len, &offset, s, pdu);
    *packet = ctx->txbuf;
  }
  s->community = NULL;
  s->community_len = 0;
  return rc == 0 ? len : 0;
}

/* Sends pdu (always taken) to the job's printer over a shared socket.
 * Returns the request id, 0 when it could not be sent (the job has
 * failed, saying why). */
int ports_send(struct poll_ctx *ctx, struct job *job, netsnmp_pdu *pdu) {
  if (job->port == NULL)
    job->port = port_for(ctx, job);
  if (job->port == NULL) {
    snmp_free_pdu(pdu);
    engine_job_fail(job, "cannot open a socket: %s", strerror(EMFILE));
    return 0;
  }
  pdu->version = job->target->snmp.version == PP_SNMP_V1 ? SNMP_VERSION_1
                                                         : SNMP_VERSION_2c;
  pdu->reqid = next_reqid(ctx, job);
  u_char *packet = NULL;
  size_t len = build_packet(ctx, pdu, &job->target->snmp, &packet);
  int reqid = (int)pdu->reqid;
  /* the built copy of the community goes with the PDU, wiped first */
  if (pdu->community != NULL)
    explicit_bzero(pdu->community, pdu->community_len);
  snmp_free_pdu(pdu);
  if (len == 0) {
    engine_job_fail(job, "cannot build a request");
    return 0;
  }
  ssize_t sent = sendto(job->port->fd, packet, len, 0,
                        (const struct sockaddr *)&job->peer, job->peer_len);
  if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
    engine_job_fail(job, "cannot send: %s", strerror(errno));
    return 0;
  }
  /* A full send buffer drops the datagram like the network would: the
   * try times out and is sent again. */
  return reqid;
}

static bool same_peer(const struct job *job, const struct sockaddr_storage *a,
                      socklen_t len) {
  if (a->ss_family != job->peer.ss_family)
    return false;
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *x = (const void *)a;
    const struct sockaddr_in *y = (const void *)&job->peer;
    return len >= sizeof(*x) && x->sin_port == y->sin_port &&
           x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  const struct sockaddr_in6 *x = (const void *)a;
  const struct sockaddr_in6 *y = (const void *)&job->peer;
  return len >= sizeof(*x) && x->sin6_port == y->sin6_port &&
         memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

/* One datagram: parsed by net-snmp, given to its printer's job. Returns
 * the job that took it, or NULL. */
static struct job *take_datagram(struct poll_ctx *ctx, size_t len,
                                 const struct sockaddr_storage *from,
                                 socklen_t from_len) {
  netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_RESPONSE);
  if (pdu == NULL)
    return NULL;
  struct job *job = NULL;
  if (snmp_parse(NULL, &ctx->parse_session, pdu, ctx->rxbuf, len) == 0 &&
      pdu->command == SNMP_MSG_RESPONSE && pdu->reqid > 0) {
    size_t slot = (size_t)pdu->reqid & MAX_SLOTS;
    job = slot < ctx->slot_high ? ctx->slots[slot] : NULL;
    if (job != NULL && (job->port == NULL || job->reqid != pdu->reqid ||
                        !job->in_flight || !same_peer(job, from, from_len))) {
      /* A late answer to an earlier try, or somebody else's. */
      job = NULL;
    }
  }
  if (job != NULL)
    walk_on_snmp_event(NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE, NULL,
                       (int)pdu->reqid, pdu, job);
  snmp_free_pdu(pdu);
  return job;
}

void ports_read(struct poll_ctx *ctx, struct port *port, double now) {
  for (int i = 0; i < READS_PER_WAKE; i++) {
    struct sockaddr_storage from;
    socklen_t from_len = sizeof(from);
    ssize_t n = recvfrom(port->fd, ctx->rxbuf, RX_BUF_SIZE, 0,
                         (struct sockaddr *)&from, &from_len);
    if (n <= 0)
      return;
    struct job *job = take_datagram(ctx, (size_t)n, &from, from_len);
    if (job != NULL)
      engine_job_answered(ctx, job, now);
  }
}

void ports_job_timed_out(struct job *job) {
  walk_on_snmp_event(NETSNMP_CALLBACK_OP_TIMED_OUT, NULL, job->reqid, NULL,
                     job);
}

int ports_init(struct poll_ctx *ctx) {
  ctx->rxbuf = malloc(RX_BUF_SIZE);
  ctx->txbuf_len = 2048;
  ctx->txbuf = malloc(ctx->txbuf_len);
  if (ctx->rxbuf == NULL || ctx->txbuf == NULL)
    return -ENOMEM;
  snmp_sess_init(&ctx->build_session);
  snmp_sess_init(&ctx->parse_session);
  return 0;
}

void ports_release(struct poll_ctx *ctx) {
  ports_close(ctx);
  free(ctx->rxbuf);
  free(ctx->txbuf);
  ctx->rxbuf = NULL;
  ctx->txbuf = NULL;
}
