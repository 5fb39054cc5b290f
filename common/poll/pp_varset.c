/* SPDX-License-Identifier: MIT */
#include "pp_varset.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pp_oid_parse(struct pp_oid *oid, const char *text) {
  oid->len = 0;
  const char *p = text;
  if (*p == '.')
    p++;
  if (*p == '\0')
    return -EINVAL;
  while (*p != '\0') {
    if (!isdigit((unsigned char)*p) || oid->len == PP_OID_MAX)
      return -EINVAL;
    char *end;
    errno = 0;
    unsigned long v = strtoul(p, &end, 10);
    if (errno != 0 || v > UINT32_MAX)
      return -EINVAL;
    oid->sub[oid->len++] = (uint32_t)v;
    p = end;
    if (*p == '.') {
      p++;
      if (*p == '\0')
        return -EINVAL;
    } else if (*p != '\0') {
      return -EINVAL;
    }
  }
  return 0;
}

int pp_oid_format(const struct pp_oid *oid, char *out, size_t outlen) {
  size_t used = 0;
  int total = 0;
  for (size_t i = 0; i < oid->len; i++) {
    int n = snprintf(outlen > used ? out + used : NULL,
                     outlen > used ? outlen - used : 0, "%s%" PRIu32,
                     i ? "." : "", oid->sub[i]);
    if (n < 0)
      return n;
    total += n;
    used += (size_t)n;
  }
  if (oid->len == 0 && outlen > 0)
    out[0] = '\0';
  return total;
}

int pp_oid_compare(const struct pp_oid *a, const struct pp_oid *b) {
  size_t n = a->len < b->len ? a->len : b->len;
  for (size_t i = 0; i < n; i++) {
    if (a->sub[i] != b->sub[i])
      return a->sub[i] < b->sub[i] ? -1 : 1;
  }
  if (a->len == b->len)
    return 0;
  return a->len < b->len ? -1 : 1;
}

bool pp_oid_has_prefix(const struct pp_oid *oid, const struct pp_oid *prefix) {
  if (oid->len < prefix->len)
    return false;
  return memcmp(oid->sub, prefix->sub, prefix->len * sizeof(uint32_t)) == 0;
}

bool pp_oid_append(struct pp_oid *oid, const uint32_t *sub, size_t n) {
  if (n > PP_OID_MAX - oid->len)
    return false;
  memcpy(oid->sub + oid->len, sub, n * sizeof(uint32_t));
  oid->len += n;
  return true;
}

void pp_varset_init(struct pp_varset *set) {
  *set = (struct pp_varset){.sorted = true};
}

void pp_varset_free(struct pp_varset *set) {
  for (size_t i = 0; i < set->count; i++)
    free(set->values[i].bytes);
  free(set->values);
  pp_varset_init(set);
}

static struct pp_value *varset_append(struct pp_varset *set,
                                      const struct pp_oid *name) {
  if (set->count == set->cap) {
    size_t cap = set->cap ? set->cap * 2 : 64;
    struct pp_value *values = realloc(set->values, cap * sizeof(*values));
    if (values == NULL)
      return NULL;
    set->values = values;
    set->cap = cap;
  }
  struct pp_value *v = &set->values[set->count++];
  *v = (struct pp_value){.name = *name};
  if (set->count > 1 &&
      pp_oid_compare(&set->values[set->count - 2].name, name) >= 0)
    set->sorted = false;
  return v;
}

int pp_varset_add_int(struct pp_varset *set, const struct pp_oid *name,
                      enum pp_vtype type, int64_t num) {
  struct pp_value *v = varset_append(set, name);
  if (v == NULL)
    return -ENOMEM;
  v->type = type;
  v->num = num;
  return 0;
}

int pp_varset_add_bytes(struct pp_varset *set, const struct pp_oid *name,
                        enum pp_vtype type, const void *bytes, size_t len) {
  unsigned char *copy = malloc(len + 1);
  if (copy == NULL)
    return -ENOMEM;
  if (len > 0)
    memcpy(copy, bytes, len);
  copy[len] = '\0';
  struct pp_value *v = varset_append(set, name);
  if (v == NULL) {
    free(copy);
    return -ENOMEM;
  }
  v->type = type;
  v->bytes = copy;
  v->len = len;
  return 0;
}

int pp_varset_add_oid(struct pp_varset *set, const struct pp_oid *name,
                      const struct pp_oid *value) {
  struct pp_value *v = varset_append(set, name);
  if (v == NULL)
    return -ENOMEM;
  v->type = PP_V_OID;
  v->oid = *value;
  return 0;
}

static int value_compare(const void *a, const void *b) {
  const struct pp_value *va = a, *vb = b;
  return pp_oid_compare(&va->name, &vb->name);
}

void pp_varset_sort(struct pp_varset *set) {
  if (set->sorted)
    return;
  qsort(set->values, set->count, sizeof(*set->values), value_compare);
  size_t out = 0;
  for (size_t i = 0; i < set->count; i++) {
    if (out > 0 &&
        pp_oid_compare(&set->values[out - 1].name, &set->values[i].name) == 0) {
      free(set->values[out - 1].bytes);
      set->values[out - 1] = set->values[i];
      continue;
    }
    set->values[out++] = set->values[i];
  }
  set->count = out;
  set->sorted = true;
}

/* First index whose name is >= key. */
static size_t lower_bound(const struct pp_varset *set,
                          const struct pp_oid *key) {
  size_t lo = 0, hi = set->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pp_oid_compare(&set->values[mid].name, key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

const struct pp_value *pp_varset_get(struct pp_varset *set,
                                     const struct pp_oid *name) {
  pp_varset_sort(set);
  size_t i = lower_bound(set, name);
  if (i < set->count && pp_oid_compare(&set->values[i].name, name) == 0)
    return &set->values[i];
  return NULL;
}

const struct pp_value *pp_varset_gets(struct pp_varset *set, const char *name) {
  struct pp_oid oid;
  if (pp_oid_parse(&oid, name) != 0)
    return NULL;
  return pp_varset_get(set, &oid);
}

const struct pp_value *pp_varset_next_under(struct pp_varset *set,
                                            const struct pp_oid *prefix,
                                            size_t *cursor) {
  pp_varset_sort(set);
  if (*cursor == 0)
    *cursor = lower_bound(set, prefix) + 1;
  size_t i = *cursor - 1;
  if (i >= set->count || !pp_oid_has_prefix(&set->values[i].name, prefix))
    return NULL;
  (*cursor)++;
  return &set->values[i];
}

const struct pp_value *pp_varset_get_at(struct pp_varset *set,
                                        const struct pp_oid *column,
                                        const uint32_t *index, size_t n) {
  struct pp_oid name = *column;
  if (!pp_oid_append(&name, index, n))
    return NULL;
  return pp_varset_get(set, &name);
}

bool pp_value_int(const struct pp_value *value, int64_t *out) {
  if (value == NULL)
    return false;
  /* An UNSIGNED past INT64_MAX is stored with its top bit set. */
  if (value->type == PP_V_UNSIGNED && value->num < 0)
    return false;
  if (value->type == PP_V_INT || value->type == PP_V_UNSIGNED) {
    *out = value->num;
    return true;
  }
  if (value->type != PP_V_OCTETS || value->len == 0 || value->len > 20)
    return false;
  char *end;
  errno = 0;
  long long v = strtoll((const char *)value->bytes, &end, 10);
  if (errno != 0 || end == (const char *)value->bytes)
    return false;
  while (*end == ' ' || *end == '\0') {
    if (*end == '\0') {
      *out = v;
      return true;
    }
    end++;
  }
  return false;
}

bool pp_value_count(const struct pp_value *value, uint64_t *out) {
  if (value != NULL && value->type == PP_V_UNSIGNED) {
    *out = (uint64_t)value->num;
    return true;
  }
  if (value != NULL && value->type == PP_V_OCTETS && value->len > 0 &&
      value->len <= 20 && value->bytes[0] >= '0' && value->bytes[0] <= '9') {
    char *end;
    errno = 0;
    unsigned long long v = strtoull((const char *)value->bytes, &end, 10);
    while (errno == 0 && *end == ' ')
      end++;
    if (errno != 0 || *end != '\0')
      return false;
    *out = v;
    return true;
  }
  int64_t n;
  if (!pp_value_int(value, &n) || n < 0)
    return false;
  *out = (uint64_t)n;
  return true;
}

/* --- snmprec --- */

static int hex_nibble(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = tolower(c);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

static int add_hex(struct pp_varset *set, const struct pp_oid *name,
                   const char *hex, size_t len) {
  if (len % 2 != 0)
    return -EINVAL;
  unsigned char *bytes = malloc(len / 2 + 1);
  if (bytes == NULL)
    return -ENOMEM;
  for (size_t i = 0; i < len / 2; i++) {
    int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(bytes);
      return -EINVAL;
    }
    bytes[i] = (unsigned char)(hi << 4 | lo);
  }
  int err = pp_varset_add_bytes(set, name, PP_V_OCTETS, bytes, len / 2);
  free(bytes);
  return err;
}

static int parse_number(const char *s, size_t len, bool is_signed,
                        int64_t *out) {
  char tmp[32];
  if (len == 0 || len >= sizeof(tmp))
    return -EINVAL;
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  char *end;
  errno = 0;
  if (is_signed) {
    long long v = strtoll(tmp, &end, 10);
    *out = v;
  } else {
    unsigned long long v = strtoull(tmp, &end, 10);
    if (tmp[0] == '-')
      return -EINVAL;
    *out = (int64_t)v; /* UNSIGNED keeps the bits of all 64 */
  }
  return (errno != 0 || *end != '\0') ? -EINVAL : 0;
}

static int add_snmprec_value(struct pp_varset *set, const struct pp_oid *name,
                             const char *tag, size_t taglen, const char *val,
                             size_t vallen) {
  int64_t num;
  char tagbuf[8];
  if (taglen == 0 || taglen >= sizeof(tagbuf))
    return -EINVAL;
  memcpy(tagbuf, tag, taglen);
  tagbuf[taglen] = '\0';
  if (strcmp(tagbuf, "2") == 0) {
    if (parse_number(val, vallen, true, &num) != 0)
      return -EINVAL;
    return pp_varset_add_int(set, name, PP_V_INT, num);
  }
  if (strcmp(tagbuf, "65") == 0 || strcmp(tagbuf, "66") == 0 ||
      strcmp(tagbuf, "67") == 0 || strcmp(tagbuf, "70") == 0) {
    if (parse_number(val, vallen, false, &num) != 0)
      return -EINVAL;
    return pp_varset_add_int(set, name, PP_V_UNSIGNED, num);
  }
  if (strcmp(tagbuf, "4") == 0)
    return pp_varset_add_bytes(set, name, PP_V_OCTETS, val, vallen);
  if (strcmp(tagbuf, "4x") == 0)
    return add_hex(set, name, val, vallen);
  if (strcmp(tagbuf, "5") == 0)
    return pp_varset_add_bytes(set, name, PP_V_NULL, "", 0);
  if (strcmp(tagbuf, "6") == 0 || strcmp(tagbuf, "64") == 0) {
    char tmp[512];
    if (vallen >= sizeof(tmp))
      return -EINVAL;
    memcpy(tmp, val, vallen);
    tmp[vallen] = '\0';
    if (tagbuf[1] == '\0') {
      struct pp_oid value;
      if (pp_oid_parse(&value, tmp) != 0)
        return -EINVAL;
      return pp_varset_add_oid(set, name, &value);
    }
    unsigned a, b, c, d;
    char extra;
    if (sscanf(tmp, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) != 4 || a > 255 ||
        b > 255 || c > 255 || d > 255)
      return -EINVAL;
    unsigned char ip[4] = {(unsigned char)a, (unsigned char)b, (unsigned char)c,
                           (unsigned char)d};
    return pp_varset_add_bytes(set, name, PP_V_IPADDR, ip, 4);
  }
  return -EINVAL;
}

static int load_snmprec_line(struct pp_varset *set, const char *line,
                             size_t len) {
  const char *bar1 = memchr(line, '|', len);
  if (bar1 == NULL)
    return -EINVAL;
  const char *bar2 = memchr(bar1 + 1, '|', len - (size_t)(bar1 + 1 - line));
  if (bar2 == NULL)
    return -EINVAL;
  char oidtext[512];
  size_t oidlen = (size_t)(bar1 - line);
  if (oidlen >= sizeof(oidtext))
    return -EINVAL;
  memcpy(oidtext, line, oidlen);
  oidtext[oidlen] = '\0';
  struct pp_oid name;
  if (pp_oid_parse(&name, oidtext) != 0)
    return -EINVAL;
  return add_snmprec_value(set, &name, bar1 + 1, (size_t)(bar2 - bar1 - 1),
                           bar2 + 1, len - (size_t)(bar2 + 1 - line));
}

int pp_varset_load_snmprec(struct pp_varset *set, const char *text,
                           size_t *bad_line) {
  size_t lineno = 0;
  const char *p = text;
  while (*p != '\0') {
    lineno++;
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    size_t trimmed = len;
    if (trimmed > 0 && p[trimmed - 1] == '\r')
      trimmed--;
    if (trimmed > 0 && p[0] != '#') {
      int err = load_snmprec_line(set, p, trimmed);
      if (err != 0) {
        if (bad_line != NULL)
          *bad_line = lineno;
        return err;
      }
    }
    p += len;
    if (*p == '\n')
      p++;
  }
  pp_varset_sort(set);
  return 0;
}
