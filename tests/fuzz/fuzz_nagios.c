/* SPDX-License-Identifier: MIT */
/* What the Nagios checks parse and print (nagios/np_util.c): threshold
 * ranges from -w/-c, state names, and perfdata labels made from printer
 * text. Each line of the input is a range, a state name and a label.
 *
 * Checked: a parsed range keeps its text, has start <= end, parses again to
 * the same range, and its '@' inverts the alert for every value; perfdata
 * stays one NUL-terminated buffer whose labels carry none of ' | = ; or
 * control characters. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "fuzz_util.h"
#include "np_util.h"

struct state {
  struct np_perf perf;
  struct np_text text;
  size_t line;
};

static bool same_range(const struct np_range *a, const struct np_range *b) {
  return a->start_infinite == b->start_infinite &&
         a->end_infinite == b->end_infinite &&
         a->alert_inside == b->alert_inside &&
         (a->start_infinite || a->start == b->start) &&
         (a->end_infinite || a->end == b->end) && strcmp(a->text, b->text) == 0;
}

static void check_range(const char *line, const struct np_range *r) {
  FUZZ_CHECK(strcmp(r->text, line) == 0);
  FUZZ_CHECK(r->start_infinite || isfinite(r->start));
  FUZZ_CHECK(r->end_infinite || isfinite(r->end));
  FUZZ_CHECK(r->start_infinite || r->end_infinite || r->start <= r->end);
  struct np_range again;
  FUZZ_CHECK(np_range_parse(r->text, &again) == 0 && same_range(r, &again));
  struct np_range inverse = *r;
  inverse.alert_inside = !r->alert_inside;
  const double values[] = {-INFINITY, -1e300, -1,       0,        0.5,   1,
                           10,        1e300,  INFINITY, r->start, r->end};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    bool a = np_range_alerts(r, values[i]);
    FUZZ_CHECK(a != np_range_alerts(&inverse, values[i]));
    enum np_state s = np_range_state(r, NULL, values[i]);
    FUZZ_CHECK(s == (a ? NP_WARNING : NP_OK));
  }
}

static void check_label(const char *line) {
  char label[NP_PERF_LABEL_MAX + 1];
  np_perf_clean_label(line, label, sizeof label);
  size_t n = strlen(label);
  FUZZ_CHECK(n > 0 && n <= NP_PERF_LABEL_MAX);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)label[i];
    FUZZ_CHECK(c >= 0x20 && c != 0x7f && !strchr("'|=;", c));
  }
  char tiny[4];
  np_perf_clean_label(line, tiny, sizeof tiny);
  FUZZ_CHECK(strlen(tiny) < sizeof tiny);
}

static void each_line(char *line, void *user) {
  struct state *st = user;
  struct np_range range;
  int rc = np_range_parse(line, &range);
  FUZZ_CHECK(rc == 0 || rc == -EINVAL);
  if (rc == 0)
    check_range(line, &range);
  enum np_state state;
  if (np_state_from_name(line, &state) == 0)
    FUZZ_CHECK(strcasecmp(np_state_name(state), line) == 0);
  check_label(line);

  struct np_perf_item item = {
      .label = line,
      .known = st->line % 3 != 0,
      .value = (int64_t)st->line * 977 - 5000,
      .uom = st->line % 2 ? "%" : "c",
      .warn = rc == 0 ? range.text : NULL,
      .crit = rc == 0 ? range.text : NULL,
      .has_min = true,
      .min = 0,
      .has_max = st->line % 2 == 1,
      .max = 100,
  };
  size_t before = st->perf.count;
  rc = np_perf_add(&st->perf, &item);
  FUZZ_CHECK(rc == 0 || rc == -E2BIG);
  /* An unknown value is left out (Icinga 2 refuses U). */
  FUZZ_CHECK(st->perf.count == before + (rc == 0 && item.known));
  FUZZ_CHECK(st->perf.len == strlen(st->perf.data));
  FUZZ_CHECK(st->perf.len < NP_PERF_MAX);

  np_text_sep(&st->text, ", ");
  np_text_add(&st->text, "%s", line);
  FUZZ_CHECK(st->text.len == strlen(st->text.data));
  FUZZ_CHECK(st->text.len < NP_TEXT_MAX);
  np_clean_output(line);
  FUZZ_CHECK(strchr(line, '|') == NULL);
  st->line++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct state st; /* large: not on the stack */
  np_perf_init(&st.perf);
  np_text_init(&st.text);
  st.line = 0;
  fuzz_each_line(data, size, each_line, &st);
  return 0;
}
