/* SPDX-License-Identifier: MIT */
/* A compact, append-only store of the values a poll brings back.
 *
 * A fleet polled in one wave holds every live printer's raw values at once;
 * struct pp_varset spends a few hundred bytes on each, this store a few:
 * each name keeps only what differs from the name before it (walk answers
 * come in table order), numbers are varints. Expanded into a pp_varset for
 * one printer at a time, when it is decoded. */
#ifndef PP_PACKED_H
#define PP_PACKED_H

#include <stddef.h>
#include <stdint.h>

#include "pp_varset.h"

struct pp_packed {
  unsigned char *data;
  size_t len;
  size_t cap;
  size_t count;
  struct pp_oid last; /* the name of the last record */
};

void pp_packed_init(struct pp_packed *store);
void pp_packed_free(struct pp_packed *store);

/* Appends one value (bytes for OCTETS/IPADDR, oid for OID, num for
 * INT/UNSIGNED). Returns 0 or -ENOMEM. */
int pp_packed_add(struct pp_packed *store, const struct pp_oid *name,
                  enum pp_vtype type, int64_t num, const void *bytes,
                  size_t len, const struct pp_oid *oid);

/* Adds every stored value to out. Returns 0, -ENOMEM, or -EINVAL for a
 * store that does not decode (never happens to one built by add). */
int pp_packed_expand(const struct pp_packed *store, struct pp_varset *out);

#endif
