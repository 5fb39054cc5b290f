/* SPDX-License-Identifier: MIT */
/* What every check needs that has nothing to do with a printer: plugin
 * states, threshold ranges, performance data and bounded text. Pure code
 * without SNMP, I/O or exit(), so the unit tests include np_util.c. */
#ifndef NP_UTIL_H
#define NP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes of the monitoring-plugins API. Numerically UNKNOWN is the
 * largest, but it ranks below WARNING: never MAX() two of these. */
enum np_state {
  NP_OK = 0,
  NP_WARNING = 1,
  NP_CRITICAL = 2,
  NP_UNKNOWN = 3,
};

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *np_state_name(enum np_state state);
/* Ranks UNKNOWN < OK < WARNING < CRITICAL (lib/states.h order). */
int np_state_rank(enum np_state state);
/* The worse of two states by that rank. */
enum np_state np_state_worse(enum np_state a, enum np_state b);
/* The worse of two subcheck results where UNKNOWN was judged on purpose
 * (--unknown-state unknown): OK < UNKNOWN < WARNING < CRITICAL, as
 * max_state_alt() in lib/states.h. Otherwise an OK supply would hide it. */
enum np_state np_state_worse_alt(enum np_state a, enum np_state b);
/* "ok", "warning", "critical", "unknown" (case-insensitive); -EINVAL. */
int np_state_from_name(const char *name, enum np_state *out);

/* A threshold in the monitoring-plugins syntax [@]start:end, where start
 * may be "~" (minus infinity), an empty end is plus infinity, "10" means
 * 0:10. Alerts when the value is outside start..end (inclusive), or inside
 * it with '@'. */
#define NP_RANGE_TEXT_MAX 48
struct np_range {
  double start;
  double end;
  bool start_infinite;
  bool end_infinite;
  bool alert_inside;            /* '@' */
  char text[NP_RANGE_TEXT_MAX]; /* as given: perfdata repeats it */
};

/* Parses text into out. Unlike lib/utils_base.c, every number must be
 * used up to its last character ("10x", "1e", "" and "nan" are refused)
 * and start must not exceed end. Returns 0 or -EINVAL; out is only
 * written on success. */
int np_range_parse(const char *text, struct np_range *out);
/* Whether value raises the alert of this range. */
bool np_range_alerts(const struct np_range *range, double value);
/* Critical is tested before warning, as get_status() does; either may be
 * NULL (not set). */
enum np_state np_range_state(const struct np_range *warn,
                             const struct np_range *crit, double value);

/* Performance data: 'label'=value[UOM];[warn];[crit];[min];[max] items
 * separated by blanks, in one fixed buffer (a printer with 40 supplies and
 * hostile descriptions must not grow the output without bound). */
#define NP_PERF_MAX 4096
#define NP_PERF_LABEL_MAX 48
/* RRD-based graphers keep 19 characters of a label: those must differ. */
#define NP_PERF_UNIQUE 19
#define NP_PERF_MAX_ITEMS 64

struct np_perf {
  char data[NP_PERF_MAX]; /* always NUL-terminated */
  size_t len;
  size_t count;
  bool truncated; /* an item did not fit and was left out */
  char seen[NP_PERF_MAX_ITEMS][NP_PERF_UNIQUE + 1];
};

struct np_perf_item {
  const char *label;
  bool known; /* false: the item is left out (Icinga 2 refuses U) */
  int64_t value;
  /* A counter: count is written instead of value, unsigned (Counter64 goes
   * past INT64_MAX). */
  bool is_count;
  uint64_t count;
  const char *uom;  /* "%", "c", or NULL */
  const char *warn; /* range text or NULL */
  const char *crit;
  bool has_min;
  int64_t min;
  bool has_max;
  int64_t max;
};

void np_perf_init(struct np_perf *perf);
/* Appends one item with a cleaned, unique label. Returns 0, or -E2BIG
 * when it did not fit (the buffer keeps every earlier item whole and
 * truncated is set). */
int np_perf_add(struct np_perf *perf, const struct np_perf_item *item);

/* A label as perfdata can carry it: ' | = ; and control characters become
 * '_' (a quote would end the quoted label, a pipe would start perfdata
 * inside the text, = and ; trip naive graphers' parsers), cut to
 * NP_PERF_LABEL_MAX on a UTF-8 boundary, "unnamed" when empty. The result is
 * not quoted. */
void np_perf_clean_label(const char *in, char *out, size_t outlen);

/* Bounded text for the status line and the long output. Appends that do
 * not fit are cut and end in "..."; the text stays valid. */
#define NP_TEXT_MAX 8192
struct np_text {
  char data[NP_TEXT_MAX];
  size_t len;
  bool truncated;
};

void np_text_init(struct np_text *text);
void np_text_add(struct np_text *text, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Adds sep first unless the text is still empty. */
void np_text_sep(struct np_text *text, const char *sep);

/* Makes text safe for the plugin output: a '|' from a printer's alert or
 * description would start the performance data, so it becomes '/'; Nagios
 * turns ';' into ':', so it becomes ','. (Line ends in printer strings were
 * already removed by pp_clean_text.) */
void np_clean_output(char *text);

/* Between the reasons on a status line: not "; ", which Nagios shows as
 * ": " ("jammed: alert 8: ..."). */
#define NP_REASON_SEP ", "

#endif
