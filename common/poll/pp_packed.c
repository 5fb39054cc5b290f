/* SPDX-License-Identifier: MIT */
#include "pp_packed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void pp_packed_init(struct pp_packed *store) { *store = (struct pp_packed){0}; }

void pp_packed_free(struct pp_packed *store) {
  free(store->data);
  pp_packed_init(store);
}

static int reserve(struct pp_packed *store, size_t extra) {
  if (store->len + extra <= store->cap)
    return 0;
  size_t cap = store->cap ? store->cap : 512;
  while (cap < store->len + extra)
    cap *= 2;
  unsigned char *data = realloc(store->data, cap);
  if (data == NULL)
    return -ENOMEM;
  store->data = data;
  store->cap = cap;
  return 0;
}

/* LEB128: 7 bits a byte, most sub-identifiers take one. */
static void put_varint(struct pp_packed *store, uint64_t v) {
  do {
    unsigned char b = v & 0x7f;
    v >>= 7;
    store->data[store->len++] = (unsigned char)(b | (v ? 0x80 : 0));
  } while (v);
}

static uint64_t zigzag(int64_t v) {
  return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v) {
  return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static size_t shared_prefix(const struct pp_oid *a, const struct pp_oid *b) {
  size_t n = 0;
  while (n < a->len && n < b->len && a->sub[n] == b->sub[n])
    n++;
  return n;
}

int pp_packed_add(struct pp_packed *store, const struct pp_oid *name,
                  enum pp_vtype type, int64_t num, const void *bytes,
                  size_t len, const struct pp_oid *oid) {
  /* Worst case: two counts, 10 bytes a varint. */
  size_t need = 2 + 10 * PP_OID_MAX + 1 + 10 + len + 10 * (PP_OID_MAX + 1);
  if (reserve(store, need) != 0)
    return -ENOMEM;
  size_t shared = shared_prefix(name, &store->last);
  store->data[store->len++] = (unsigned char)shared;
  store->data[store->len++] = (unsigned char)(name->len - shared);
  for (size_t i = shared; i < name->len; i++)
    put_varint(store, name->sub[i]);
  store->data[store->len++] = (unsigned char)type;
  switch (type) {
  case PP_V_INT:
  case PP_V_UNSIGNED:
    put_varint(store, zigzag(num));
    break;
  case PP_V_OCTETS:
  case PP_V_IPADDR:
    put_varint(store, len);
    memcpy(store->data + store->len, bytes, len);
    store->len += len;
    break;
  case PP_V_OID:
    put_varint(store, oid->len);
    for (size_t i = 0; i < oid->len; i++)
      put_varint(store, oid->sub[i]);
    break;
  case PP_V_NULL:
    break;
  }
  store->last = *name;
  store->count++;
  return 0;
}

struct reader {
  const unsigned char *p;
  const unsigned char *end;
  bool bad;
};

static uint64_t get_varint(struct reader *r) {
  uint64_t v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (r->p >= r->end) {
      r->bad = true;
      return 0;
    }
    unsigned char b = *r->p++;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80))
      return v;
  }
  r->bad = true;
  return 0;
}

static unsigned char get_byte(struct reader *r) {
  if (r->p >= r->end) {
    r->bad = true;
    return 0;
  }
  return *r->p++;
}

static int expand_one(struct reader *r, struct pp_oid *name,
                      struct pp_varset *out) {
  size_t shared = get_byte(r), rest = get_byte(r);
  if (shared > name->len || shared + rest > PP_OID_MAX)
    return -EINVAL;
  name->len = shared;
  for (size_t i = 0; i < rest; i++)
    name->sub[name->len++] = (uint32_t)get_varint(r);
  enum pp_vtype type = (enum pp_vtype)get_byte(r);
  switch (type) {
  case PP_V_INT:
  case PP_V_UNSIGNED:
    return pp_varset_add_int(out, name, type, unzigzag(get_varint(r)));
  case PP_V_OCTETS:
  case PP_V_IPADDR: {
    uint64_t len = get_varint(r);
    if (r->bad || len > (uint64_t)(r->end - r->p))
      return -EINVAL;
    const unsigned char *bytes = r->p;
    r->p += len;
    return pp_varset_add_bytes(out, name, type, bytes, (size_t)len);
  }
  case PP_V_OID: {
    struct pp_oid value = {.len = (size_t)get_varint(r)};
    if (value.len > PP_OID_MAX)
      return -EINVAL;
    for (size_t i = 0; i < value.len; i++)
      value.sub[i] = (uint32_t)get_varint(r);
    return pp_varset_add_oid(out, name, &value);
  }
  case PP_V_NULL:
    return pp_varset_add_bytes(out, name, PP_V_NULL, "", 0);
  }
  return -EINVAL;
}

int pp_packed_expand(const struct pp_packed *store, struct pp_varset *out) {
  /* An empty store has no buffer: NULL + 0 is undefined behaviour. */
  struct reader r = {.p = store->data,
                     .end =
                         store->len ? store->data + store->len : store->data};
  struct pp_oid name = {0};
  for (size_t i = 0; i < store->count; i++) {
    int err = expand_one(&r, &name, out);
    if (err == 0 && r.bad)
      err = -EINVAL;
    if (err != 0)
      return err;
  }
  return 0;
}
