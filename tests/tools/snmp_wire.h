/* SPDX-License-Identifier: MIT */
/*
 * snmp_wire.h - a tiny SNMP v1/v2c BER codec plus loopback socket helpers,
 * shared by the test tools ppsim.c and udpproxy.c.
 *
 * Header-only with static inline functions so that each tool stays a single
 * translation unit (the Makefile builds tests/tools/NAME.c alone) and so that
 * a tool that uses only part of it gets no unused-function warnings. It
 * deliberately does not use net-snmp: the tools must be able to send what
 * net-snmp would refuse to build (garbage, loops, odd exceptions).
 *
 * Only what SNMP needs is implemented: single-byte tags, definite lengths of
 * at most 4 length octets, INTEGER/OID/OCTET STRING primitives.
 */
#ifndef PP_SNMP_WIRE_H
#define PP_SNMP_WIRE_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
  SW_INTEGER = 0x02,
  SW_OCTETS = 0x04,
  SW_NULL = 0x05,
  SW_OID = 0x06,
  SW_SEQ = 0x30,
  SW_IPADDR = 0x40,
  SW_COUNTER32 = 0x41,
  SW_GAUGE32 = 0x42,
  SW_TIMETICKS = 0x43,
  SW_OPAQUE = 0x44,
  SW_COUNTER64 = 0x46,
  SW_NO_SUCH_OBJECT = 0x80,
  SW_NO_SUCH_INSTANCE = 0x81,
  SW_END_OF_MIB = 0x82,
  SW_PDU_GET = 0xa0,
  SW_PDU_GETNEXT = 0xa1,
  SW_PDU_RESPONSE = 0xa2,
  SW_PDU_SET = 0xa3,
  SW_PDU_TRAP = 0xa4,
  SW_PDU_GETBULK = 0xa5,
  SW_PDU_INFORM = 0xa6,
  SW_PDU_TRAP2 = 0xa7,
  SW_PDU_REPORT = 0xa8,
};

enum {
  SW_ERR_NONE = 0,
  SW_ERR_TOO_BIG = 1,
  SW_ERR_NO_SUCH_NAME = 2,
  SW_ERR_READ_ONLY = 4,
  SW_ERR_GEN = 5,
  SW_ERR_NOT_WRITABLE = 17,
};

/* RFC 2578 limits an OID to 128 sub-identifiers. */
#define SW_MAX_SUBIDS 128
/* Largest UDP payload over IPv4. */
#define SW_MAX_DATAGRAM 65507
/* An encoded OID never exceeds 128 sub-identifiers of 5 octets each. */
#define SW_MAX_OID_BYTES (SW_MAX_SUBIDS * 5)

struct sw_oid {
  uint32_t sub[SW_MAX_SUBIDS];
  size_t len;
};

/* ---- decoding --------------------------------------------------------- */

struct sw_reader {
  const uint8_t *p;
  size_t len;
  size_t pos;
};

struct sw_tlv {
  uint8_t tag;
  const uint8_t *val;
  size_t len;
};

static inline void sw_reader_init(struct sw_reader *r, const uint8_t *p,
                                  size_t len) {
  r->p = p;
  r->len = len;
  r->pos = 0;
}

static inline bool sw_reader_done(const struct sw_reader *r) {
  return r->pos >= r->len;
}

/* Reads one TLV; fails on anything that would run past the buffer. */
static inline int sw_read_tlv(struct sw_reader *r, struct sw_tlv *t) {
  if (r->pos + 2 > r->len)
    return -1;
  uint8_t tag = r->p[r->pos++];
  if ((tag & 0x1f) == 0x1f)
    return -1; /* multi-octet tags never occur in SNMP */
  size_t n = r->p[r->pos++];
  if (n & 0x80) {
    size_t k = n & 0x7f;
    /* k == 0 is the indefinite form, which SNMP forbids. */
    if (k == 0 || k > 4 || k > r->len - r->pos)
      return -1;
    n = 0;
    while (k--)
      n = (n << 8) | r->p[r->pos++];
  }
  if (n > r->len - r->pos)
    return -1;
  t->tag = tag;
  t->val = r->p + r->pos;
  t->len = n;
  r->pos += n;
  return 0;
}

static inline int sw_read_expect(struct sw_reader *r, uint8_t tag,
                                 struct sw_tlv *t) {
  if (sw_read_tlv(r, t) != 0 || t->tag != tag)
    return -1;
  return 0;
}

static inline int sw_decode_int(const uint8_t *p, size_t n, int64_t *out) {
  if (n == 0 || n > 8)
    return -1;
  uint64_t v = (p[0] & 0x80) ? UINT64_MAX : 0;
  for (size_t i = 0; i < n; i++)
    v = (v << 8) | p[i];
  *out = (int64_t)v;
  return 0;
}

static inline int sw_decode_uint(const uint8_t *p, size_t n, uint64_t *out) {
  /* A leading zero octet keeps the top bit of a 64-bit value positive. */
  if (n == 9 && p[0] == 0) {
    p++;
    n--;
  }
  if (n == 0 || n > 8)
    return -1;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++)
    v = (v << 8) | p[i];
  *out = v;
  return 0;
}

static inline int sw_decode_oid(const uint8_t *p, size_t n, struct sw_oid *o) {
  o->len = 0;
  if (n == 0 || (p[n - 1] & 0x80))
    return -1;
  uint64_t v = 0;
  int octets = 0;
  for (size_t i = 0; i < n; i++) {
    v = (v << 7) | (p[i] & 0x7f);
    if (++octets > 5)
      return -1;
    if (p[i] & 0x80)
      continue;
    if (o->len == 0) {
      /* The first octets carry two arcs: 40 * first + second. */
      uint64_t first = v < 40 ? 0 : v < 80 ? 1 : 2;
      uint64_t second = v - 40 * first;
      if (second > UINT32_MAX)
        return -1;
      o->sub[0] = (uint32_t)first;
      o->sub[1] = (uint32_t)second;
      o->len = 2;
    } else {
      if (v > UINT32_MAX || o->len >= SW_MAX_SUBIDS)
        return -1;
      o->sub[o->len++] = (uint32_t)v;
    }
    v = 0;
    octets = 0;
  }
  return 0;
}

/* The parts of a v1/v2c message a responder or logger needs. Pointers
 * point into the datagram. */
struct sw_msg {
  int64_t version; /* 0 = v1, 1 = v2c */
  const uint8_t *community;
  size_t community_len;
  uint8_t pdu_type;
  const uint8_t *reqid; /* raw INTEGER content, echoed unchanged */
  size_t reqid_len;
  int64_t field2;     /* error-status, or non-repeaters for GETBULK */
  int64_t field3;     /* error-index, or max-repetitions for GETBULK */
  const uint8_t *vbl; /* content of the variable-bindings SEQUENCE */
  size_t vbl_len;
};

/* Returns 0 for a decodable v1/v2c message, -2 for another version (v3),
 * -1 for anything malformed. A v1 Trap-PDU yields only its type. */
static inline int sw_parse_msg(const uint8_t *p, size_t n, struct sw_msg *m) {
  struct sw_reader r, outer, pdu;
  struct sw_tlv t;
  memset(m, 0, sizeof(*m));
  sw_reader_init(&r, p, n);
  if (sw_read_expect(&r, SW_SEQ, &t) != 0)
    return -1;
  sw_reader_init(&outer, t.val, t.len);
  if (sw_read_expect(&outer, SW_INTEGER, &t) != 0 ||
      sw_decode_int(t.val, t.len, &m->version) != 0)
    return -1;
  if (m->version != 0 && m->version != 1)
    return -2;
  if (sw_read_expect(&outer, SW_OCTETS, &t) != 0)
    return -1;
  m->community = t.val;
  m->community_len = t.len;
  if (sw_read_tlv(&outer, &t) != 0 || t.tag < SW_PDU_GET ||
      t.tag > SW_PDU_REPORT)
    return -1;
  m->pdu_type = t.tag;
  if (m->pdu_type == SW_PDU_TRAP)
    return 0;
  sw_reader_init(&pdu, t.val, t.len);
  if (sw_read_expect(&pdu, SW_INTEGER, &t) != 0 || t.len == 0 || t.len > 8)
    return -1;
  m->reqid = t.val;
  m->reqid_len = t.len;
  if (sw_read_expect(&pdu, SW_INTEGER, &t) != 0 ||
      sw_decode_int(t.val, t.len, &m->field2) != 0)
    return -1;
  if (sw_read_expect(&pdu, SW_INTEGER, &t) != 0 ||
      sw_decode_int(t.val, t.len, &m->field3) != 0)
    return -1;
  if (sw_read_expect(&pdu, SW_SEQ, &t) != 0)
    return -1;
  m->vbl = t.val;
  m->vbl_len = t.len;
  return 0;
}

/* Iterates a variable-bindings list: 1 = got one, 0 = end, -1 = malformed. */
static inline int sw_next_vb(struct sw_reader *r, struct sw_oid *oid,
                             struct sw_tlv *val) {
  struct sw_reader vb;
  struct sw_tlv t;
  if (sw_reader_done(r))
    return 0;
  if (sw_read_expect(r, SW_SEQ, &t) != 0)
    return -1;
  sw_reader_init(&vb, t.val, t.len);
  if (sw_read_expect(&vb, SW_OID, &t) != 0 ||
      sw_decode_oid(t.val, t.len, oid) != 0)
    return -1;
  if (sw_read_tlv(&vb, val) != 0 || !sw_reader_done(&vb))
    return -1;
  return 1;
}

static inline const char *sw_pdu_name(uint8_t type) {
  switch (type) {
  case SW_PDU_GET:
    return "get";
  case SW_PDU_GETNEXT:
    return "getnext";
  case SW_PDU_RESPONSE:
    return "response";
  case SW_PDU_SET:
    return "set";
  case SW_PDU_TRAP:
    return "trap";
  case SW_PDU_GETBULK:
    return "getbulk";
  case SW_PDU_INFORM:
    return "inform";
  case SW_PDU_TRAP2:
    return "trap2";
  case SW_PDU_REPORT:
    return "report";
  default:
    return "unknown";
  }
}

/* ---- OIDs as text ----------------------------------------------------- */

static inline int sw_oid_cmp(const uint32_t *a, size_t alen, const uint32_t *b,
                             size_t blen) {
  size_t n = alen < blen ? alen : blen;
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i])
      return a[i] < b[i] ? -1 : 1;
  }
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* True if oid lies inside the subtree rooted at prefix (or equals it). */
static inline bool sw_oid_has_prefix(const uint32_t *oid, size_t len,
                                     const uint32_t *prefix, size_t plen) {
  return len >= plen && sw_oid_cmp(oid, plen, prefix, plen) == 0;
}

/* Parses "1.3.6.1" or ".1.3.6.1"; the whole string must be an OID. */
static inline int sw_parse_oid(const char *s, struct sw_oid *o) {
  o->len = 0;
  if (*s == '.')
    s++;
  while (*s) {
    if (*s < '0' || *s > '9' || o->len >= SW_MAX_SUBIDS)
      return -1;
    uint64_t v = 0;
    while (*s >= '0' && *s <= '9') {
      v = v * 10 + (uint64_t)(*s++ - '0');
      if (v > UINT32_MAX)
        return -1;
    }
    o->sub[o->len++] = (uint32_t)v;
    if (*s == '.' && s[1] != '\0')
      s++;
    else if (*s != '\0')
      return -1;
  }
  return o->len >= 1 ? 0 : -1;
}

/* Writes dotted text without a leading dot; truncates safely. */
static inline void sw_format_oid(const uint32_t *sub, size_t len, char *buf,
                                 size_t cap) {
  size_t pos = 0;
  if (cap == 0)
    return;
  buf[0] = '\0';
  for (size_t i = 0; i < len && pos < cap; i++) {
    int k = snprintf(buf + pos, cap - pos, i ? ".%u" : "%u", (unsigned)sub[i]);
    if (k < 0)
      break;
    pos += (size_t)k;
  }
}

/* ---- encoding --------------------------------------------------------- */

/* Output is built forward; every TLV's length is known before its header is
 * written, so no back-patching is needed. */
struct sw_writer {
  uint8_t *buf;
  size_t cap;
  size_t len;
  bool overflow;
};

static inline void sw_writer_init(struct sw_writer *w, uint8_t *buf,
                                  size_t cap) {
  w->buf = buf;
  w->cap = cap;
  w->len = 0;
  w->overflow = false;
}

static inline void sw_put_bytes(struct sw_writer *w, const void *d, size_t n) {
  if (n > w->cap - w->len) {
    w->overflow = true;
    return;
  }
  if (n)
    memcpy(w->buf + w->len, d, n);
  w->len += n;
}

static inline size_t sw_len_size(size_t n) {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5;
}

static inline size_t sw_tlv_size(size_t content_len) {
  return 1 + sw_len_size(content_len) + content_len;
}

static inline void sw_put_hdr(struct sw_writer *w, uint8_t tag, size_t n) {
  uint8_t h[6];
  size_t k = sw_len_size(n);
  h[0] = tag;
  if (k == 1) {
    h[1] = (uint8_t)n;
  } else {
    h[1] = (uint8_t)(0x80 | (k - 1));
    for (size_t i = 0; i < k - 1; i++)
      h[2 + i] = (uint8_t)(n >> (8 * (k - 2 - i)));
  }
  sw_put_bytes(w, h, 1 + k);
}

static inline void sw_put_tlv(struct sw_writer *w, uint8_t tag, const void *d,
                              size_t n) {
  sw_put_hdr(w, tag, n);
  sw_put_bytes(w, d, n);
}

/* Minimal two's complement content of a signed integer. */
static inline size_t sw_int_content(int64_t v, uint8_t out[9]) {
  uint8_t tmp[8];
  for (int i = 0; i < 8; i++)
    tmp[i] = (uint8_t)((uint64_t)v >> (8 * (7 - i)));
  size_t start = 0;
  /* Drop an octet while it only repeats the sign of the next one. */
  while (start < 7 && ((tmp[start] == 0x00 && !(tmp[start + 1] & 0x80)) ||
                       (tmp[start] == 0xff && (tmp[start + 1] & 0x80))))
    start++;
  memcpy(out, tmp + start, 8 - start);
  return 8 - start;
}

/* Unsigned types (Counter32/64, Gauge32, TimeTicks) are INTEGER-encoded, so
 * a set top bit needs a leading zero octet. */
static inline size_t sw_uint_content(uint64_t v, uint8_t out[9]) {
  uint8_t tmp[9];
  tmp[0] = 0;
  for (int i = 0; i < 8; i++)
    tmp[1 + i] = (uint8_t)(v >> (8 * (7 - i)));
  size_t start = 0;
  while (start < 8 && tmp[start] == 0 && !(tmp[start + 1] & 0x80))
    start++;
  memcpy(out, tmp + start, 9 - start);
  return 9 - start;
}

static inline void sw_put_int(struct sw_writer *w, int64_t v) {
  uint8_t c[9];
  size_t n = sw_int_content(v, c);
  sw_put_tlv(w, SW_INTEGER, c, n);
}

static inline size_t sw_put_subid(uint64_t v, uint8_t *out) {
  uint8_t tmp[10];
  size_t k = 0, pos = 0;
  do {
    tmp[k++] = (uint8_t)(v & 0x7f);
    v >>= 7;
  } while (v);
  while (k--)
    out[pos++] = (uint8_t)(tmp[k] | (k ? 0x80 : 0));
  return pos;
}

/* Returns the content length, 0 if the OID is too long. The first two arcs
 * share one sub-identifier; shorter OIDs are padded with zero arcs. */
static inline size_t sw_encode_oid(const uint32_t *sub, size_t len,
                                   uint8_t out[SW_MAX_OID_BYTES]) {
  if (len > SW_MAX_SUBIDS)
    return 0;
  uint64_t first = 40ull * (len > 0 ? sub[0] : 0) + (len > 1 ? sub[1] : 0);
  size_t pos = sw_put_subid(first, out);
  for (size_t i = 2; i < len; i++)
    pos += sw_put_subid(sub[i], out + pos);
  return pos;
}

/* Size of one VarBind SEQUENCE with the given OID and value content. */
static inline size_t sw_vb_size(size_t oid_bytes, size_t val_len) {
  return sw_tlv_size(sw_tlv_size(oid_bytes) + sw_tlv_size(val_len));
}

static inline void sw_put_vb(struct sw_writer *w, const uint32_t *sub,
                             size_t len, uint8_t tag, const uint8_t *val,
                             size_t val_len) {
  uint8_t ob[SW_MAX_OID_BYTES];
  size_t on = sw_encode_oid(sub, len, ob);
  sw_put_hdr(w, SW_SEQ, sw_tlv_size(on) + sw_tlv_size(val_len));
  sw_put_tlv(w, SW_OID, ob, on);
  sw_put_tlv(w, tag, val, val_len);
}

/* Exact size of a Response message around a varbind list of vbl_len. */
static inline size_t sw_response_size(const struct sw_msg *req, int64_t status,
                                      int64_t index, size_t vbl_len) {
  uint8_t c[9];
  size_t pdu = sw_tlv_size(req->reqid_len) +
               sw_tlv_size(sw_int_content(status, c)) +
               sw_tlv_size(sw_int_content(index, c)) + sw_tlv_size(vbl_len);
  size_t msg = sw_tlv_size(sw_int_content(req->version, c)) +
               sw_tlv_size(req->community_len) + sw_tlv_size(pdu);
  return sw_tlv_size(msg);
}

/* Wraps an already encoded varbind list into a Response to req. */
static inline void sw_put_response(struct sw_writer *w,
                                   const struct sw_msg *req, int64_t status,
                                   int64_t index, const uint8_t *vbl,
                                   size_t vbl_len) {
  uint8_t c[9];
  size_t pdu = sw_tlv_size(req->reqid_len) +
               sw_tlv_size(sw_int_content(status, c)) +
               sw_tlv_size(sw_int_content(index, c)) + sw_tlv_size(vbl_len);
  size_t msg = sw_tlv_size(sw_int_content(req->version, c)) +
               sw_tlv_size(req->community_len) + sw_tlv_size(pdu);
  sw_put_hdr(w, SW_SEQ, msg);
  sw_put_int(w, req->version);
  sw_put_tlv(w, SW_OCTETS, req->community, req->community_len);
  sw_put_hdr(w, SW_PDU_RESPONSE, pdu);
  sw_put_tlv(w, SW_INTEGER, req->reqid, req->reqid_len);
  sw_put_int(w, status);
  sw_put_int(w, index);
  sw_put_tlv(w, SW_SEQ, vbl, vbl_len);
}

/* ---- text output ------------------------------------------------------ */

/* Communities are arbitrary octets; keep log lines one token per field. */
static inline void sw_print_escaped(FILE *f, const uint8_t *p, size_t n) {
  if (n == 0) {
    fputs("\"\"", f);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    if (p[i] > 0x20 && p[i] < 0x7f && p[i] != '\\')
      fputc(p[i], f);
    else
      fprintf(f, "\\x%02x", p[i]);
  }
}

/* Prints " oid oid ..." for every varbind name; stops at malformed data. */
static inline void sw_print_vb_names(FILE *f, const uint8_t *vbl, size_t n) {
  struct sw_reader r;
  struct sw_oid oid;
  struct sw_tlv val;
  char text[SW_MAX_SUBIDS * 11 + 1];
  sw_reader_init(&r, vbl, n);
  while (sw_next_vb(&r, &oid, &val) == 1) {
    sw_format_oid(oid.sub, oid.len, text, sizeof(text));
    fprintf(f, " %s", text);
  }
}

static inline void sw_print_wall_time(FILE *f) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  fprintf(f, "%lld.%03ld", (long long)ts.tv_sec, ts.tv_nsec / 1000000);
}

/* ---- time ------------------------------------------------------------- */

static inline uint64_t sw_mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- loopback-only addresses ----------------------------------------- */

static inline bool sw_is_loopback(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    const uint8_t *b = in6->sin6_addr.s6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
      return true;
    /* ::ffff:127.x.y.z is IPv4 loopback seen through a dual-stack socket. */
    return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && b[12] == 127;
  }
  return false;
}

/* Parses "127.0.0.1:161", "[::1]:161" or "localhost:161" and refuses any
 * address outside 127.0.0.0/8 and ::1: the tools must never touch a real
 * network. Returns 0, or -1 with a message in err. */
static inline int sw_parse_endpoint(const char *s, struct sockaddr_storage *ss,
                                    socklen_t *sslen, char *err, size_t ecap) {
  char host[64];
  const char *colon;
  memset(ss, 0, sizeof(*ss));
  if (s[0] == '[') {
    const char *end = strchr(s, ']');
    if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof(host))
      goto bad;
    memcpy(host, s + 1, (size_t)(end - s - 1));
    host[end - s - 1] = '\0';
    colon = end + 1;
  } else {
    colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof(host))
      goto bad;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
  }
  char *endp;
  errno = 0;
  long port = strtol(colon + 1, &endp, 10);
  if (colon[1] == '\0' || *endp != '\0' || errno || port < 0 || port > 65535)
    goto bad;
  if (strcmp(host, "localhost") == 0)
    strcpy(host, "127.0.0.1");
  struct sockaddr_in *in = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    *sslen = sizeof(*in);
  } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)port);
    *sslen = sizeof(*in6);
  } else {
    goto bad;
  }
  if (!sw_is_loopback((struct sockaddr *)ss)) {
    snprintf(err, ecap,
             "%s is not a loopback address (only 127.0.0.0/8 and "
             "::1 are allowed)",
             host);
    return -1;
  }
  return 0;
bad:
  snprintf(err, ecap,
           "cannot parse endpoint '%s' (want ADDR:PORT or "
           "[ADDR]:PORT with a loopback ADDR)",
           s);
  return -1;
}

static inline void sw_format_addr(const struct sockaddr *sa, char *buf,
                                  size_t cap) {
  char host[INET6_ADDRSTRLEN] = "?";
  unsigned port = 0;
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    port = ntohs(in->sin_port);
    snprintf(buf, cap, "%s:%u", host, port);
  } else if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    port = ntohs(in6->sin6_port);
    snprintf(buf, cap, "[%s]:%u", host, port);
  } else {
    snprintf(buf, cap, "?");
  }
}

static inline unsigned sw_addr_port(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET)
    return ntohs(((const struct sockaddr_in *)sa)->sin_port);
  if (sa->sa_family == AF_INET6)
    return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
  return 0;
}

/* A non-blocking UDP socket bound to addr, with big buffers so that bursts
 * from parallel pollers are queued by the kernel instead of dropped. */
static inline int sw_udp_socket(const struct sockaddr_storage *addr,
                                socklen_t len) {
  int fd =
      socket(addr->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  /* A burst of thousands of requests (or answers) at once must not be
   * lost here rather than by the poller tested: past rmem_max as root. */
  int big = 4 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) != 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
  if (addr->ss_family == AF_INET6) {
    int one = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  }
  if (bind(fd, (const struct sockaddr *)addr, len) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* ---- delayed datagrams ------------------------------------------------ */

/* A min-heap of datagrams waiting for their release time, so that a delay
 * never blocks the event loop and any number can be in flight at once. */
struct sw_dq_item {
  uint64_t due_ns;
  uint64_t seq; /* keeps FIFO order among equal due times */
  int fd;
  uint64_t cookie; /* caller's data, e.g. to validate fd at release */
  struct sockaddr_storage addr;
  socklen_t addrlen; /* 0: fd is connected, use send() */
  size_t len;
  uint8_t *data;
};

struct sw_dq {
  struct sw_dq_item *heap;
  size_t n;
  size_t cap;
  size_t max; /* bound on queued datagrams */
  uint64_t seq;
};

static inline bool sw_dq_less(const struct sw_dq_item *a,
                              const struct sw_dq_item *b) {
  return a->due_ns != b->due_ns ? a->due_ns < b->due_ns : a->seq < b->seq;
}

static inline void sw_dq_swap(struct sw_dq *q, size_t i, size_t j) {
  struct sw_dq_item t = q->heap[i];
  q->heap[i] = q->heap[j];
  q->heap[j] = t;
}

/* Returns 0, or -1 when the queue is full or memory runs out. */
static inline int sw_dq_push(struct sw_dq *q, uint64_t due_ns, int fd,
                             uint64_t cookie,
                             const struct sockaddr_storage *addr,
                             socklen_t addrlen, const uint8_t *data,
                             size_t len) {
  if (q->n >= q->max)
    return -1;
  if (q->n == q->cap) {
    size_t ncap = q->cap ? q->cap * 2 : 64;
    struct sw_dq_item *h = realloc(q->heap, ncap * sizeof(*h));
    if (!h)
      return -1;
    q->heap = h;
    q->cap = ncap;
  }
  struct sw_dq_item *it = &q->heap[q->n];
  memset(it, 0, sizeof(*it));
  it->data = malloc(len ? len : 1);
  if (!it->data)
    return -1;
  memcpy(it->data, data, len);
  it->len = len;
  it->due_ns = due_ns;
  it->seq = q->seq++;
  it->fd = fd;
  it->cookie = cookie;
  it->addrlen = addrlen;
  if (addr && addrlen)
    memcpy(&it->addr, addr, addrlen);
  size_t i = q->n++;
  while (i > 0 && sw_dq_less(&q->heap[i], &q->heap[(i - 1) / 2])) {
    sw_dq_swap(q, i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
  return 0;
}

static inline uint64_t sw_dq_next_due(const struct sw_dq *q) {
  return q->n ? q->heap[0].due_ns : UINT64_MAX;
}

/* Removes the earliest item; the caller frees out->data. */
static inline void sw_dq_pop(struct sw_dq *q, struct sw_dq_item *out) {
  *out = q->heap[0];
  q->heap[0] = q->heap[--q->n];
  size_t i = 0;
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < q->n && sw_dq_less(&q->heap[l], &q->heap[m]))
      m = l;
    if (r < q->n && sw_dq_less(&q->heap[r], &q->heap[m]))
      m = r;
    if (m == i)
      break;
    sw_dq_swap(q, i, m);
    i = m;
  }
}

static inline void sw_dq_free(struct sw_dq *q) {
  for (size_t i = 0; i < q->n; i++)
    free(q->heap[i].data);
  free(q->heap);
  q->heap = NULL;
  q->n = q->cap = 0;
}

/* Sends one released datagram; UDP is lossy anyway, so errors are only
 * reported back as -1 for counting. */
static inline int sw_dq_send(const struct sw_dq_item *it) {
  ssize_t k;
  if (it->addrlen)
    k = sendto(it->fd, it->data, it->len, 0, (const struct sockaddr *)&it->addr,
               it->addrlen);
  else
    k = send(it->fd, it->data, it->len, 0);
  return k == (ssize_t)it->len ? 0 : -1;
}

/* poll() timeout in ms until the next due item (rounded up), capped. */
static inline int sw_dq_timeout_ms(const struct sw_dq *q, uint64_t now,
                                   int cap_ms) {
  uint64_t due = sw_dq_next_due(q);
  if (due == UINT64_MAX)
    return cap_ms;
  if (due <= now)
    return 0;
  uint64_t ms = (due - now + 999999) / 1000000;
  return ms < (uint64_t)cap_ms ? (int)ms : cap_ms;
}

/* SIGTERM and SIGINT call handler; both stay blocked except inside ppoll
 * (old receives the mask to pass it), so none is ever missed. */
static inline void sw_setup_signals(void (*handler)(int), sigset_t *old) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigprocmask(SIG_BLOCK, &block, old);
}

#endif
