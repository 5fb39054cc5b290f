/* SPDX-License-Identifier: MIT */
#include "np_util.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- states --- */

const char *np_state_name(enum np_state state) {
  switch (state) {
  case NP_OK:
    return "OK";
  case NP_WARNING:
    return "WARNING";
  case NP_CRITICAL:
    return "CRITICAL";
  case NP_UNKNOWN:
    break;
  }
  return "UNKNOWN";
}

/* Ranks by state, larger is worse: the guidelines' order (UNKNOWN below OK)
 * and the one --unknown-state needs (UNKNOWN between OK and WARNING). */
static const int rank_plain[] = {
    [NP_UNKNOWN] = 0, [NP_OK] = 1, [NP_WARNING] = 2, [NP_CRITICAL] = 3};
static const int rank_alt[] = {
    [NP_OK] = 0, [NP_UNKNOWN] = 1, [NP_WARNING] = 2, [NP_CRITICAL] = 3};

static int rank_in(const int *ranks, enum np_state state) {
  return (unsigned)state <= NP_UNKNOWN ? ranks[state] : ranks[NP_UNKNOWN];
}

int np_state_rank(enum np_state state) { return rank_in(rank_plain, state); }

enum np_state np_state_worse(enum np_state a, enum np_state b) {
  return np_state_rank(b) > np_state_rank(a) ? b : a;
}

enum np_state np_state_worse_alt(enum np_state a, enum np_state b) {
  return rank_in(rank_alt, b) > rank_in(rank_alt, a) ? b : a;
}

int np_state_from_name(const char *name, enum np_state *out) {
  static const enum np_state all[] = {NP_OK, NP_WARNING, NP_CRITICAL,
                                      NP_UNKNOWN};
  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
    if (strcasecmp(name, np_state_name(all[i])) == 0) {
      *out = all[i];
      return 0;
    }
  }
  return -EINVAL;
}

/* --- ranges --- */

/* A plain decimal number, exactly len characters long. strtod alone would
 * take "inf", "nan", hex and leave trailing junk unnoticed. */
static int parse_number(const char *s, size_t len, double *out) {
  char buf[NP_RANGE_TEXT_MAX];
  if (len == 0 || len >= sizeof(buf))
    return -EINVAL;
  memcpy(buf, s, len);
  buf[len] = '\0';
  if (strspn(buf, "0123456789+-.eE") != len ||
      strpbrk(buf, "0123456789") == NULL)
    return -EINVAL;
  char *end;
  errno = 0;
  double v = strtod(buf, &end);
  if (errno != 0 || end != buf + len || !isfinite(v))
    return -EINVAL;
  *out = v;
  return 0;
}

static int parse_start(const char *s, size_t len, struct np_range *r) {
  if (len == 1 && s[0] == '~') {
    r->start_infinite = true;
    return 0;
  }
  if (len == 0) { /* ":10" is 0:10, as in lib/utils_base.c */
    r->start = 0;
    return 0;
  }
  return parse_number(s, len, &r->start);
}

int np_range_parse(const char *text, struct np_range *out) {
  if (text == NULL || text[0] == '\0' || strlen(text) >= NP_RANGE_TEXT_MAX)
    return -EINVAL;
  struct np_range r = {0};
  const char *p = text;
  if (*p == '@') {
    r.alert_inside = true;
    p++;
  }
  const char *colon = strchr(p, ':');
  if (colon == NULL) {
    if (parse_number(p, strlen(p), &r.end) != 0)
      return -EINVAL;
  } else {
    /* ":" alone names no bound at all: a typo, not a range. */
    if (strchr(colon + 1, ':') != NULL || (colon == p && colon[1] == '\0') ||
        parse_start(p, (size_t)(colon - p), &r) != 0)
      return -EINVAL;
    const char *e = colon + 1;
    if (*e == '\0')
      r.end_infinite = true;
    else if (parse_number(e, strlen(e), &r.end) != 0)
      return -EINVAL;
  }
  if (!r.start_infinite && !r.end_infinite && r.start > r.end)
    return -EINVAL;
  snprintf(r.text, sizeof(r.text), "%s", text);
  *out = r;
  return 0;
}

bool np_range_alerts(const struct np_range *range, double value) {
  bool within = (range->start_infinite || value >= range->start) &&
                (range->end_infinite || value <= range->end);
  return range->alert_inside ? within : !within;
}

enum np_state np_range_state(const struct np_range *warn,
                             const struct np_range *crit, double value) {
  if (crit != NULL && np_range_alerts(crit, value))
    return NP_CRITICAL;
  if (warn != NULL && np_range_alerts(warn, value))
    return NP_WARNING;
  return NP_OK;
}

/* --- performance data --- */

/* Length of the longest prefix of s of at most max bytes that does not
 * split a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t max) {
  size_t len = strlen(s);
  if (len <= max)
    return len;
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
    max--;
  return max;
}

void np_perf_clean_label(const char *in, char *out, size_t outlen) {
  if (outlen == 0)
    return;
  size_t limit =
      outlen - 1 < NP_PERF_LABEL_MAX ? outlen - 1 : NP_PERF_LABEL_MAX;
  size_t n = utf8_cut(in, limit);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)in[i];
    bool bad =
        c < 0x20 || c == 0x7f || c == '\'' || c == '|' || c == '=' || c == ';';
    out[i] = bad ? '_' : (char)c;
  }
  out[n] = '\0';
  if (n == 0)
    snprintf(out, outlen, "unnamed");
}

static bool perf_seen(const struct np_perf *perf, const char *label) {
  for (size_t i = 0; i < perf->count; i++) {
    if (strncmp(perf->seen[i], label, NP_PERF_UNIQUE) == 0)
      return true;
  }
  return false;
}

/* Makes label's first NP_PERF_UNIQUE bytes unique by ending them in
 * "_2", "_3", ...: two "Toner" supplies stay two graphs. */
static void perf_unique_label(const struct np_perf *perf, char *label,
                              size_t size) {
  if (!perf_seen(perf, label))
    return;
  char base[NP_PERF_LABEL_MAX + 1];
  snprintf(base, sizeof(base), "%s", label);
  for (unsigned n = 2; n <= NP_PERF_MAX_ITEMS + 1; n++) {
    char suffix[8];
    snprintf(suffix, sizeof(suffix), "_%u", n);
    size_t keep = utf8_cut(base, NP_PERF_UNIQUE - strlen(suffix));
    snprintf(label, size, "%.*s%s", (int)keep, base, suffix);
    if (!perf_seen(perf, label))
      return;
  }
}

void np_perf_init(struct np_perf *perf) {
  perf->data[0] = '\0';
  perf->len = 0;
  perf->count = 0;
  perf->truncated = false;
}

static void perf_format(const struct np_perf_item *item, const char *label,
                        char *out, size_t outlen) {
  char value[32], min[24] = "", max[24] = "";
  if (item->is_count)
    snprintf(value, sizeof(value), "%" PRIu64 "%s", item->count,
             item->uom ? item->uom : "");
  else
    snprintf(value, sizeof(value), "%" PRId64 "%s", item->value,
             item->uom ? item->uom : "");
  if (item->has_min)
    snprintf(min, sizeof(min), "%" PRId64, item->min);
  if (item->has_max)
    snprintf(max, sizeof(max), "%" PRId64, item->max);
  int n = snprintf(out, outlen, "'%s'=%s;%s;%s;%s;%s", label, value,
                   item->warn ? item->warn : "", item->crit ? item->crit : "",
                   min, max);
  /* Empty trailing fields carry nothing: 'pages'=12c, not 'pages'=12c;;;;
   */
  size_t len = n < 0 ? 0 : strlen(out);
  while (len > 0 && out[len - 1] == ';')
    out[--len] = '\0';
}

int np_perf_add(struct np_perf *perf, const struct np_perf_item *item) {
  /* Icinga 2 refuses the guidelines' U ("Can't convert 'U'") and logs a
   * warning per check: a value nobody knows is left out instead. */
  if (!item->known)
    return 0;
  if (perf->count >= NP_PERF_MAX_ITEMS) {
    perf->truncated = true;
    return -E2BIG;
  }
  char label[NP_PERF_LABEL_MAX + 1];
  np_perf_clean_label(item->label ? item->label : "", label, sizeof(label));
  perf_unique_label(perf, label, sizeof(label));
  char one[NP_PERF_LABEL_MAX + 2 * NP_RANGE_TEXT_MAX + 128];
  perf_format(item, label, one, sizeof(one));
  size_t need = strlen(one) + (perf->len > 0 ? 1 : 0);
  if (perf->len + need >= sizeof(perf->data)) {
    perf->truncated = true;
    return -E2BIG;
  }
  if (perf->len > 0)
    perf->data[perf->len++] = ' ';
  memcpy(perf->data + perf->len, one, strlen(one) + 1);
  perf->len += strlen(one);
  /* Only the first NP_PERF_UNIQUE bytes are compared; a cut inside a UTF-8
   * sequence does not matter here. */
  size_t keep = strlen(label) < NP_PERF_UNIQUE ? strlen(label) : NP_PERF_UNIQUE;
  memcpy(perf->seen[perf->count], label, keep);
  perf->seen[perf->count][keep] = '\0';
  perf->count++;
  return 0;
}

/* --- text --- */

void np_text_init(struct np_text *text) {
  text->data[0] = '\0';
  text->len = 0;
  text->truncated = false;
}

static void text_mark_cut(struct np_text *text) {
  static const char dots[] = "...";
  size_t keep = utf8_cut(text->data, sizeof(text->data) - sizeof(dots));
  memcpy(text->data + keep, dots, sizeof(dots));
  text->len = keep + sizeof(dots) - 1;
  text->truncated = true;
}

void np_text_add(struct np_text *text, const char *fmt, ...) {
  if (text->truncated)
    return;
  size_t room = sizeof(text->data) - text->len;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(text->data + text->len, room, fmt, ap);
  va_end(ap);
  if (n < 0) {
    text->data[text->len] = '\0';
    return;
  }
  if ((size_t)n >= room) {
    text_mark_cut(text);
    return;
  }
  text->len += (size_t)n;
}

void np_text_sep(struct np_text *text, const char *sep) {
  if (text->len > 0)
    np_text_add(text, "%s", sep);
}

void np_clean_output(char *text) {
  for (char *p = text; *p != '\0'; p++) {
    if (*p == '|')
      *p = '/';
    else if (*p == ';')
      *p = ','; /* Nagios would turn it into ':' */
  }
}
