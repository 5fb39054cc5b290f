/* SPDX-License-Identifier: MIT */
/* The meter CSV (`printprobe meters`): pages per printer and counter in a
 * period, for billing. Computed from the readings in the order the printer
 * was read (a reading's read_at is its counters' own time, not when the
 * report was mailed), so that a counter that went backwards is flagged,
 * not subtracted. */
#include "pp_db.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp_str.h"

#define TEXT_MAX 160
#define COUNTER_NAME_MAX 64
/* A counters object holds total, power_on and at most 8 vendor keys. */
#define MAX_COUNTER_NAMES 16

struct meter {
  char name[COUNTER_NAME_MAX];
  int64_t first;
  int64_t last;
  int64_t pages;
  bool went_back;
};

struct printer_meters {
  char id[24];
  char serial[TEXT_MAX];
  char maker[TEXT_MAX];
  char model[TEXT_MAX];
  char site[TEXT_MAX];
  char address[TEXT_MAX];
  char first_at[32];
  char last_at[32];
  struct meter meters[MAX_COUNTER_NAMES];
  size_t meter_count;
};

struct meters {
  struct printer_meters *printers;
  size_t count;
  char names[MAX_COUNTER_NAMES][COUNTER_NAME_MAX];
  size_t name_count;
  int error;
};

enum column {
  C_ID,
  C_SERIAL,
  C_MAKER,
  C_MODEL,
  C_SITE,
  C_ADDRESS,
  C_AT,
  C_NAME,
  C_VALUE,
  C_COUNT
};

static void copy_text(char *out, size_t outlen, const char *value) {
  pp_strlcpy(out, value != NULL ? value : "", outlen);
}

static struct printer_meters *printer_for(struct meters *m,
                                          const char *const *v) {
  /* Rows come ordered by printer: a new id is a new printer. */
  if (m->count > 0 && strcmp(m->printers[m->count - 1].id, v[C_ID]) == 0)
    return &m->printers[m->count - 1];
  void *grown = realloc(m->printers, (m->count + 1) * sizeof(*m->printers));
  if (grown == NULL)
    return NULL;
  m->printers = grown;
  struct printer_meters *p = &m->printers[m->count++];
  memset(p, 0, sizeof(*p));
  copy_text(p->id, sizeof(p->id), v[C_ID]);
  copy_text(p->serial, sizeof(p->serial), v[C_SERIAL]);
  copy_text(p->first_at, sizeof(p->first_at), v[C_AT]);
  return p;
}

static void remember_name(struct meters *m, const char *name) {
  for (size_t i = 0; i < m->name_count; i++) {
    if (strcmp(m->names[i], name) == 0)
      return;
  }
  if (m->name_count < MAX_COUNTER_NAMES)
    pp_strlcpy(m->names[m->name_count++], name, COUNTER_NAME_MAX);
}

static void add_value(struct meters *m, struct printer_meters *p,
                      const char *name, int64_t value) {
  for (size_t i = 0; i < p->meter_count; i++) {
    struct meter *c = &p->meters[i];
    if (strcmp(c->name, name) != 0)
      continue;
    if (value >= c->last)
      c->pages += value - c->last;
    else
      c->went_back = true; /* a new board starts again: count its rises */
    c->last = value;
    return;
  }
  if (p->meter_count == MAX_COUNTER_NAMES)
    return;
  struct meter *c = &p->meters[p->meter_count++];
  pp_strlcpy(c->name, name, sizeof(c->name));
  c->first = c->last = value;
  remember_name(m, name);
}

static int add_row(const char *const *v, int count, void *ctx) {
  struct meters *m = ctx;
  if (count < C_COUNT || v[C_ID] == NULL || v[C_AT] == NULL ||
      v[C_NAME] == NULL || v[C_VALUE] == NULL)
    return 0;
  struct printer_meters *p = printer_for(m, v);
  if (p == NULL) {
    m->error = -ENOMEM;
    return -ENOMEM;
  }
  /* The latest reading names the printer: maker, model, site, address. */
  copy_text(p->maker, sizeof(p->maker), v[C_MAKER]);
  copy_text(p->model, sizeof(p->model), v[C_MODEL]);
  copy_text(p->site, sizeof(p->site), v[C_SITE]);
  copy_text(p->address, sizeof(p->address), v[C_ADDRESS]);
  copy_text(p->last_at, sizeof(p->last_at), v[C_AT]);
  add_value(m, p, v[C_NAME], strtoll(v[C_VALUE], NULL, 10));
  return 0;
}

static int compare_names(const void *a, const void *b) {
  /* total first: the page count everyone bills by. */
  int ta = strcmp(a, "total") == 0;
  int tb = strcmp(b, "total") == 0;
  return ta != tb ? tb - ta : strcmp(a, b);
}

/* RFC 4180, and text a spreadsheet would run as a formula defused: printer
 * strings are input. */
static void csv_text(FILE *out, const char *s) {
  bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
  bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
  if (!quote) {
    fputs(s, out);
    return;
  }
  fputc('"', out);
  if (formula)
    fputc('\'', out);
  for (; *s != '\0'; s++) {
    if (*s == '"')
      fputc('"', out);
    fputc(*s, out);
  }
  fputc('"', out);
}

static void print_header(FILE *out, const struct meters *m) {
  fputs("serial,maker,model,site,address,first_read_at,last_read_at", out);
  for (size_t i = 0; i < m->name_count; i++)
    fprintf(out, ",%s_first,%s_last,%s", m->names[i], m->names[i], m->names[i]);
  fputs(",went_backwards\n", out);
}

static const struct meter *meter_of(const struct printer_meters *p,
                                    const char *name) {
  for (size_t i = 0; i < p->meter_count; i++) {
    if (strcmp(p->meters[i].name, name) == 0)
      return &p->meters[i];
  }
  return NULL;
}

static void print_printer(FILE *out, const struct meters *m,
                          const struct printer_meters *p) {
  const char *texts[] = {p->serial,  p->maker,    p->model,  p->site,
                         p->address, p->first_at, p->last_at};
  for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
    if (i > 0)
      fputc(',', out);
    csv_text(out, texts[i]);
  }
  for (size_t i = 0; i < m->name_count; i++) {
    const struct meter *c = meter_of(p, m->names[i]);
    if (c == NULL)
      fputs(",,,", out);
    else
      fprintf(out, ",%" PRId64 ",%" PRId64 ",%" PRId64, c->first, c->last,
              c->pages);
  }
  fputc(',', out);
  bool first = true;
  for (size_t i = 0; i < m->name_count; i++) {
    const struct meter *c = meter_of(p, m->names[i]);
    if (c != NULL && c->went_back) {
      fprintf(out, "%s%s", first ? "" : " ", c->name);
      first = false;
    }
  }
  fputc('\n', out);
}

int pp_db_meters(struct pp_db *db, const struct pp_meters_query *query,
                 FILE *out, char *err, size_t errlen) {
  const char *params[] = {query->from, query->to,
                          query->site != NULL ? query->site : ""};
  struct meters m = {0};
  int rc = pp_db_exec(
      db,
      "SELECT p.id, p.serial, p.manufacturer, p.model, s.name, p.address, "
      "r.read_at, c.name, c.value FROM readings r "
      "JOIN printers p ON p.id = r.printer_id "
      "JOIN messages m ON m.message_id = r.message_id "
      "JOIN sites s ON s.id = m.site_id "
      "JOIN counters c ON c.reading_id = r.id "
      "WHERE r.read_at >= $1 AND r.read_at < $2 "
      "AND ($3 = '' OR s.name = $3) AND c.name <> 'power_on' "
      "ORDER BY p.id, r.read_at, r.id, c.name",
      params, 3, add_row, &m, err, errlen);
  if (rc == 0 && m.error != 0)
    rc = m.error;
  if (rc == 0) {
    qsort(m.names, m.name_count, sizeof(m.names[0]), compare_names);
    print_header(out, &m);
    for (size_t i = 0; i < m.count; i++)
      print_printer(out, &m, &m.printers[i]);
  }
  free(m.printers);
  return rc;
}
