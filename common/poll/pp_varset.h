/* SPDX-License-Identifier: MIT */
/* The raw values a poll brought back, sorted by OID: what the decoders read.
 * Independent of net-snmp so that decoders and tests need no SNMP. */
#ifndef PP_VARSET_H
#define PP_VARSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PP_OID_MAX 40

struct pp_oid {
  uint32_t sub[PP_OID_MAX];
  size_t len;
};

enum pp_vtype {
  PP_V_INT,      /* INTEGER */
  PP_V_UNSIGNED, /* Counter32, Gauge32, TimeTicks, Counter64 */
  PP_V_OCTETS,   /* OCTET STRING, Opaque */
  PP_V_OID,      /* OBJECT IDENTIFIER, in oid */
  PP_V_IPADDR,   /* 4 octets in bytes */
  PP_V_NULL,
};

struct pp_value {
  struct pp_oid name;
  enum pp_vtype type;
  int64_t num;          /* INT; UNSIGNED: the bits of a uint64_t */
  unsigned char *bytes; /* OCTETS, IPADDR: owned, NUL-terminated copy */
  size_t len;
  struct pp_oid oid; /* OID */
};

struct pp_varset {
  struct pp_value *values;
  size_t count;
  size_t cap;
  bool sorted;
};

/* Parses "1.3.6.1.2.1.1.1.0" (a leading dot is allowed). */
int pp_oid_parse(struct pp_oid *oid, const char *text);
/* Writes dotted text; returns the length snprintf would. */
int pp_oid_format(const struct pp_oid *oid, char *out, size_t outlen);
int pp_oid_compare(const struct pp_oid *a, const struct pp_oid *b);
bool pp_oid_has_prefix(const struct pp_oid *oid, const struct pp_oid *prefix);
/* Appends components; false when it would not fit. */
bool pp_oid_append(struct pp_oid *oid, const uint32_t *sub, size_t n);

void pp_varset_init(struct pp_varset *set);
void pp_varset_free(struct pp_varset *set);

/* Add copies (bytes are duplicated). Of two values with the same OID one is
 * kept (agents that repeat an OID send the same value). 0 or -ENOMEM. */
int pp_varset_add_int(struct pp_varset *set, const struct pp_oid *name,
                      enum pp_vtype type, int64_t num);
int pp_varset_add_bytes(struct pp_varset *set, const struct pp_oid *name,
                        enum pp_vtype type, const void *bytes, size_t len);
int pp_varset_add_oid(struct pp_varset *set, const struct pp_oid *name,
                      const struct pp_oid *value);

/* Sorts and removes duplicates; lookups do it on demand. */
void pp_varset_sort(struct pp_varset *set);

/* The value at exactly this OID, or NULL. Text form for convenience. */
const struct pp_value *pp_varset_get(struct pp_varset *set,
                                     const struct pp_oid *name);
const struct pp_value *pp_varset_gets(struct pp_varset *set, const char *name);

/* Iterates the values under prefix in OID order:
 *   size_t i = 0; const struct pp_value *v;
 *   while ((v = pp_varset_next_under(set, &prefix, &i)) != NULL) ...
 * The index suffix of v is v->name.sub[prefix.len ..]. */
const struct pp_value *pp_varset_next_under(struct pp_varset *set,
                                            const struct pp_oid *prefix,
                                            size_t *cursor);

/* Value at prefix + index (e.g. column + ".1.3"); NULL when absent. */
const struct pp_value *pp_varset_get_at(struct pp_varset *set,
                                        const struct pp_oid *column,
                                        const uint32_t *index, size_t n);

/* Integer of a value: INT or UNSIGNED, or an OCTETS holding a decimal
 * number (some agents send counters as text). False for an UNSIGNED past
 * INT64_MAX: read counters with pp_value_count. */
bool pp_value_int(const struct pp_value *value, int64_t *out);

/* A count: UNSIGNED (all 64 bits), an INT or decimal OCTETS that is not
 * negative. */
bool pp_value_count(const struct pp_value *value, uint64_t *out);

/* Loads snmprec text ("OID|TAG|VALUE" lines) into a set: for tests and the
 * bench responder. Tags 2 4 4x 5 6 64 65 66 67 70. Returns 0 or -EINVAL with
 * the line number in *bad_line. */
int pp_varset_load_snmprec(struct pp_varset *set, const char *text,
                           size_t *bad_line);

#endif
