/* SPDX-License-Identifier: MIT */
/* net-snmp sessions of the engine: one per SNMPv3 printer (USM keys
 * derived once per passphrase and engine), bound to the printer's
 * address; sending a request, over the printer's session or the shared
 * sockets of SNMPv1/v2c (pp_ports.c). */
#include "pp_engine_int.h"

/* net-snmp frees its copies of the community and the v3 keys unwiped. */
void session_wipe(netsnmp_session *s) {
  if (s == NULL)
    return;
  if (s->community != NULL)
    explicit_bzero(s->community, s->community_len);
  explicit_bzero(s->securityAuthKey, sizeof(s->securityAuthKey));
  explicit_bzero(s->securityPrivKey, sizeof(s->securityPrivKey));
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

/* Ku from a passphrase (a megabyte of hashing), cached per engine: a
 * fleet's printers usually share one user. Kind 0 for auth, 1 for privacy
 * keys; the oldest entry makes way when the cache is full. */
static int make_key(struct poll_ctx *ctx, int kind, int proto, const oid *hash,
                    size_t hash_len, const char *pass, u_char *key,
                    size_t *key_len) {
  size_t slots = sizeof(ctx->ku_cache) / sizeof(ctx->ku_cache[0]);
  int tag = kind * 4096 + proto;
  for (size_t i = 0; i < slots; i++) {
    if (ctx->ku_cache[i].key_len > 0 && ctx->ku_cache[i].proto == tag &&
        strcmp(ctx->ku_cache[i].pass, pass) == 0) {
      memcpy(key, ctx->ku_cache[i].key, ctx->ku_cache[i].key_len);
      *key_len = ctx->ku_cache[i].key_len;
      return 0;
    }
  }
  *key_len = USM_AUTH_KU_LEN;
  if (generate_Ku(hash, (u_int)hash_len, (const u_char *)pass, strlen(pass),
                  key, key_len) != SNMPERR_SUCCESS)
    return -EINVAL;
  size_t i = ctx->ku_turn++ % slots;
  explicit_bzero(&ctx->ku_cache[i], sizeof(ctx->ku_cache[i]));
  ctx->ku_cache[i].proto = tag;
  pp_strlcpy(ctx->ku_cache[i].pass, pass, sizeof(ctx->ku_cache[i].pass));
  memcpy(ctx->ku_cache[i].key, key, *key_len);
  ctx->ku_cache[i].key_len = *key_len;
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

/* net-snmp's name for the printer's resolved address: it must not resolve
 * anything itself (that would block the loop). */
static int peer_name(const struct job *job, char *out, size_t outlen) {
  char host[INET6_ADDRSTRLEN + 16];
  if (getnameinfo((const struct sockaddr *)&job->peer, job->peer_len, host,
                  sizeof(host), NULL, 0, NI_NUMERICHOST) != 0)
    return -EINVAL;
  if (job->peer.ss_family == AF_INET6)
    snprintf(out, outlen, "udp6:[%s]:%u", host, job->target->port);
  else
    snprintf(out, outlen, "udp:%s:%u", host, job->target->port);
  return 0;
}

/* Opens an SNMPv3 printer's session (SNMPv1/v2c printers need none). */
int session_job_open(struct poll_ctx *ctx, struct job *job) {
  const struct pp_target *t = job->target;
  const struct pp_snmp_opts *o = &t->snmp;
  char peer[300];
  if (peer_name(job, peer, sizeof(peer)) != 0) {
    engine_job_fail(job, "cannot use the address of %s", t->host);
    return -EINVAL;
  }
  netsnmp_session s;
  snmp_sess_init(&s);
  s.peername = peer;
  s.retries = 0; /* the engine retries itself, with backoff */
  s.timeout = (long)o->timeout_ms * 1000L;
  s.callback = walk_on_snmp_event;
  s.callback_magic = job;
  s.version = SNMP_VERSION_3;
  /* Engine discovery must not block the loop: it happens on the first
   * request instead (net-snmp resends after the agent's report), for every
   * printer at the same time. */
  s.flags |= SNMP_FLAGS_DONT_PROBE;
  if (session_v3(ctx, o, &s) != 0) {
    engine_job_fail(job, "cannot derive SNMPv3 keys");
    return -EINVAL;
  }
  job->sess = snmp_sess_open(&s);
  /* only the derived keys in s are copies */
  session_wipe(&s);
  /* snmp_sess_open clears the flag once the session is made: the first
   * request would then probe for the engine id synchronously, and a silent
   * printer would hold every other one for its timeout. The engine asks
   * for it itself, like any other request (session_job_send). */
  if (job->sess != NULL)
    snmp_sess_session(job->sess)->flags |= SNMP_FLAGS_DONT_PROBE;
  if (job->sess == NULL) {
    char *msg = NULL;
    int liberr, syserr;
    snmp_error(&s, &liberr, &syserr, &msg);
    engine_job_fail(job, "cannot open SNMP session: %s",
                    msg ? msg : "unknown error");
    free(msg); /* snmp_error allocates it */
    return -EINVAL;
  }
  netsnmp_transport *tr = snmp_sess_transport(job->sess);
  job->fd = tr ? tr->sock : -1;
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = job};
  if (job->fd < 0) {
    engine_job_fail(job, "the SNMP session has no socket");
    return -EIO;
  }
  int err = connect_to_peer(tr);
  if (err != 0) {
    engine_job_fail(job,
                    "cannot bind the SNMP socket to the printer's address: %s",
                    strerror(-err));
    return err;
  }
  if (epoll_ctl(ctx->epfd, EPOLL_CTL_ADD, job->fd, &ev) != 0) {
    engine_job_fail(job, "cannot watch the SNMP socket: %s", strerror(errno));
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
    engine_oid_to_pp(vb->name, vb->name_length, &name);
    text[used++] = ' ';
    used += (size_t)pp_oid_format(&name, text + used, sizeof(text) - used);
  }
  const char *kind = pdu->command == SNMP_MSG_GET       ? "GET"
                     : pdu->command == SNMP_MSG_GETNEXT ? "GETNEXT"
                                                        : "GETBULK";
  pp_log(PP_LOG_DEBUG, "%s: %s try %u:%s", job->target->label, kind,
         job->attempt + 1, text);
}

/* --- SNMPv3 engine discovery, without blocking (RFC 3414 4) --- */

/* The probe is sent by the empty user, without authentication, as
 * net-snmp's own synchronous probe does; the user must exist once. */
static void add_probe_user(void) {
  if (usm_get_user(NULL, 0, "") != NULL)
    return;
  struct usmUser *user = usm_create_user();
  if (user == NULL)
    return;
  user->name = strdup("");
  user->secName = strdup("");
  if (user->name == NULL || user->secName == NULL) {
    usm_free_user(user);
    return;
  }
  usm_add_user(user);
}

static pthread_once_t probe_user_once = PTHREAD_ONCE_INIT;

static bool engine_id_known(const struct job *job) {
  return snmp_sess_session(job->sess)->securityEngineIDLen > 0;
}

static netsnmp_pdu *build_probe(void) {
  pthread_once(&probe_user_once, add_probe_user);
  netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
  if (pdu == NULL)
    return NULL;
  pdu->version = SNMP_VERSION_3;
  pdu->securityName = strdup("");
  pdu->securityNameLen = 0;
  pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
  pdu->securityModel = SNMP_SEC_MODEL_USM;
  if (pdu->securityName == NULL) {
    snmp_free_pdu(pdu);
    return NULL;
  }
  return pdu;
}

static u_char *copy_id(const u_char *id, size_t len) {
  u_char *copy = malloc(len);
  if (copy != NULL)
    memcpy(copy, id, len);
  return copy;
}

/* The agent answers the probe with a report that carries its engine id
 * (net-snmp would copy it only after calling back with the report as an
 * error). The session's user is made for it, as net-snmp's post-probe
 * hook does; the agent's boots and time come with its first answer. */
bool session_take_engine_id(struct job *job, const netsnmp_pdu *pdu) {
  netsnmp_session *s = snmp_sess_session(job->sess);
  if (s->securityEngineIDLen == 0 && pdu != NULL &&
      pdu->securityEngineIDLen > 0) {
    s->securityEngineID =
        copy_id(pdu->securityEngineID, pdu->securityEngineIDLen);
    if (s->securityEngineID == NULL)
      return false;
    s->securityEngineIDLen = pdu->securityEngineIDLen;
    if (s->contextEngineIDLen == 0) {
      s->contextEngineID =
          copy_id(pdu->securityEngineID, pdu->securityEngineIDLen);
      if (s->contextEngineID != NULL)
        s->contextEngineIDLen = pdu->securityEngineIDLen;
    }
  }
  if (s->securityEngineIDLen == 0)
    return false;
  return usm_create_user_from_session(s) == SNMPERR_SUCCESS;
}

/* Sends pdu (always taken) over the printer's SNMPv3 session. Returns the
 * request id, 0 when it could not be sent (the job has failed). */
static int session_send_v3(struct job *job, netsnmp_pdu *pdu, double timeout) {
  snmp_sess_session(job->sess)->timeout = (long)(timeout * 1e6);
  /* snmp_sess_async_send takes the PDU on success (returns the request
   * id); on failure (0) the PDU is still ours. */
  int reqid = snmp_sess_async_send(job->sess, pdu, walk_on_snmp_event, job);
  if (reqid == 0) {
    snmp_free_pdu(pdu);
    /* the session's own error: snmp_errno is shared by every thread */
    char *msg = NULL;
    int liberr, syserr;
    snmp_sess_error(job->sess, &liberr, &syserr, &msg);
    engine_job_fail(job, "cannot send: %s", msg ? msg : "unknown error");
    free(msg); /* snmp_sess_error allocates it */
  }
  return reqid;
}

void session_job_send(struct poll_ctx *ctx, struct job *job, double now) {
  job->want_send = false;
  job->discovering = job->sess != NULL && !engine_id_known(job);
  netsnmp_pdu *pdu = job->discovering        ? build_probe()
                     : job->phase == JOB_GET ? walk_build_get(ctx, job)
                                             : walk_build_walk(ctx, job);
  if (pdu == NULL) {
    if (job->phase == JOB_WALK && walk_finished(job))
      job->phase = JOB_DONE;
    else
      engine_job_fail(job, "cannot build a request");
    return;
  }
  if (pp_log_enabled(PP_LOG_DEBUG))
    log_request(job, pdu);
  double timeout = engine_try_timeout_s(job, job->attempt);
  int reqid = job->sess != NULL ? session_send_v3(job, pdu, timeout)
                                : ports_send(ctx, job, pdu);
  if (reqid == 0)
    return;
  job->reqid = reqid;
  job->in_flight = true;
  job->attempt++;
  job->expires = now + timeout;
  job->requests++;
}
