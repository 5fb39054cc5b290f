/* SPDX-License-Identifier: MIT */
#include "pp_archive.h"
#include "pp_buf.h"
#include "pp_file.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pp_str.h"

#define INDEX_MAX (32u * 1024 * 1024)
#define TOTALS_MAX 256

/* ArchiveDir/YYYY/MM for an id (ids start with the UTC date). */
static int month_dir(const struct pp_archive *a, const char *id, char *out,
                     size_t outlen) {
  if (!pp_fleet_id_ok(id))
    return -EINVAL;
  int n = snprintf(out, outlen, "%s/%.4s/%.2s", a->root, id, id + 4);
  return n > 0 && (size_t)n < outlen ? 0 : -ENAMETOOLONG;
}

static int file_path(const struct pp_archive *a, const char *id,
                     const char *suffix, char *out, size_t outlen) {
  char dir[PATH_MAX];
  PP_TRY(month_dir(a, id, dir, sizeof(dir)));
  int n = snprintf(out, outlen, "%s/%s%s", dir, id, suffix);
  return n > 0 && (size_t)n < outlen ? 0 : -ENAMETOOLONG;
}

int pp_archive_open(struct pp_archive *a, const char *root, char *err,
                    size_t errlen) {
  *a = (struct pp_archive){0};
  if (pp_strlcpy(a->root, root, sizeof(a->root)) >= sizeof(a->root)) {
    snprintf(err, errlen, "%s: path too long", root);
    return -ENAMETOOLONG;
  }
  int rc = pp_dir_make(root);
  if (rc == 0 && access(root, W_OK | X_OK) != 0)
    rc = -errno;
  if (rc != 0) {
    snprintf(err, errlen, "%s: %s", root, strerror(-rc));
    return rc;
  }
  pp_dir_clean_temp(root);
  return 0;
}

/* A page for a report whose own page was lost in a crash. */
static int fallback_page(const char *id, struct pp_buf *out) {
  pp_buf_init(out, 4096);
  return pp_buf_printf(out,
                       "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
                       "charset=\"utf-8\"><title>Report %s</title></head>"
                       "<body><h1>Report %s</h1><p>This page was lost; the "
                       "report is complete in <a href=\"%s.eml\">the message "
                       "as sent</a>.</p></body></html>\n",
                       id, id, id);
}

static int put_name(const char *dir, const char *id, const char *suffix,
                    const void *data, size_t len) {
  char name[PP_FLEET_ID_LEN + 16];
  snprintf(name, sizeof(name), "%s%s", id, suffix);
  return pp_file_write_atomic(dir, name, data, len);
}

int pp_archive_put(const struct pp_archive *a, const char *id, const char *eml,
                   size_t eml_len, const char *html, size_t html_len,
                   const struct pp_fleet_totals *totals) {
  char dir[PATH_MAX];
  PP_TRY(month_dir(a, id, dir, sizeof(dir)));
  PP_TRY(pp_dir_make(dir));
  if (html != NULL) {
    PP_TRY(put_name(dir, id, ".html", html, html_len));
  } else {
    struct pp_buf page;
    int rc = fallback_page(id, &page);
    if (rc == 0)
      rc = put_name(dir, id, ".html", page.data, page.len);
    pp_buf_free(&page);
    PP_TRY(rc);
  }
  if (totals != NULL) {
    char line[TOTALS_MAX];
    PP_TRY(pp_fleet_totals_format(totals, line, sizeof(line)));
    PP_TRY(put_name(dir, id, ".totals", line, strlen(line)));
  }
  /* Last: an .eml in the archive means the report is complete. */
  return put_name(dir, id, ".eml", eml, eml_len);
}

bool pp_archive_has(const struct pp_archive *a, const char *id) {
  char path[PATH_MAX];
  return file_path(a, id, ".eml", path, sizeof(path)) == 0 &&
         access(path, F_OK) == 0;
}

static bool all_digits(const char *s, size_t len) {
  if (strlen(s) != len)
    return false;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
  }
  return true;
}

/* Appends the ids of one YYYY/MM folder to out. */
static int list_month(const char *dir, struct pp_id_list *out) {
  struct pp_id_list month;
  PP_TRY(pp_id_list_dir(dir, ".eml", &month));
  int rc = 0;
  if (month.count > 0) {
    void *grown =
        realloc(out->ids, (out->count + month.count) * sizeof(*out->ids));
    if (grown == NULL) {
      rc = -ENOMEM;
    } else {
      out->ids = grown;
      memcpy(out->ids + out->count, month.ids,
             month.count * sizeof(*month.ids));
      out->count += month.count;
    }
  }
  pp_id_list_free(&month);
  return rc;
}

struct numbered {
  size_t digits;
  struct pp_buf *out;
};

static int add_numbered(const char *name, void *arg) {
  const struct numbered *n = arg;
  return all_digits(name, n->digits) ? pp_buf_printf(n->out, "%s\n", name) : 0;
}

/* Names of the subfolders of dir that are `digits` digits long. */
static int list_numbered(const char *dir, size_t digits, struct pp_buf *out) {
  pp_buf_init(out, 1024 * 1024);
  struct numbered n = {.digits = digits, .out = out};
  return pp_dir_each(dir, add_numbered, &n);
}

static int join(char *out, size_t outlen, const char *dir, const char *name) {
  int n = snprintf(out, outlen, "%s/%s", dir, name);
  return n > 0 && (size_t)n < outlen ? 0 : -ENAMETOOLONG;
}

static int list_year(const char *root, const char *year,
                     struct pp_id_list *out) {
  char dir[PATH_MAX];
  struct pp_buf months;
  PP_TRY(join(dir, sizeof(dir), root, year));
  int rc = list_numbered(dir, 2, &months);
  for (char *m = months.data; rc == 0 && m != NULL && *m;) {
    char *end = strchr(m, '\n');
    *end = '\0';
    char month[PATH_MAX];
    rc = join(month, sizeof(month), dir, m);
    if (rc == 0)
      rc = list_month(month, out);
    m = end + 1;
  }
  pp_buf_free(&months);
  return rc;
}

int pp_archive_list(const struct pp_archive *a, struct pp_id_list *out) {
  struct pp_buf years;
  *out = (struct pp_id_list){0};
  int rc = list_numbered(a->root, 4, &years);
  for (char *y = years.data; rc == 0 && y != NULL && *y;) {
    char *end = strchr(y, '\n');
    *end = '\0';
    rc = list_year(a->root, y, out);
    y = end + 1;
  }
  pp_buf_free(&years);
  if (rc != 0) {
    pp_id_list_free(out);
    return rc;
  }
  pp_id_list_sort(out);
  return 0;
}

int pp_archive_remove(const struct pp_archive *a, const char *id) {
  static const char *const suffixes[] = {".eml", ".html", ".totals"};
  char path[PATH_MAX];
  char dir[PATH_MAX];
  PP_TRY(month_dir(a, id, dir, sizeof(dir)));
  for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
    PP_TRY(file_path(a, id, suffixes[i], path, sizeof(path)));
    if (unlink(path) != 0 && errno != ENOENT)
      return -errno;
  }
  /* Empty month and year folders go too; ENOTEMPTY is the normal case. */
  if (rmdir(dir) == 0) {
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    rmdir(dir);
  }
  return pp_dir_sync(a->root);
}

static bool too_old(const char *id, unsigned days, time_t now) {
  time_t made;
  if (days == 0 || pp_fleet_id_time(id, &made) != 0)
    return false;
  return made < now - (time_t)days * 86400;
}

int pp_archive_retention(const struct pp_archive *a, unsigned days,
                         unsigned count, time_t now, pp_archive_keep_fn keep,
                         void *ctx, size_t *removed) {
  struct pp_id_list all;
  *removed = 0;
  PP_TRY(pp_archive_list(a, &all));
  size_t excess = count > 0 && all.count > count ? all.count - count : 0;
  int rc = 0;
  /* Oldest first: the first `excess` go by count, the rest by age. */
  for (size_t i = 0; rc == 0 && i < all.count; i++) {
    const char *id = all.ids[i];
    if (i >= excess && !too_old(id, days, now))
      continue;
    if (keep != NULL && keep(id, ctx))
      continue;
    rc = pp_archive_remove(a, id);
    *removed += rc == 0;
  }
  pp_id_list_free(&all);
  return rc;
}

static void read_totals(const struct pp_archive *a,
                        struct pp_fleet_index_entry *e) {
  char path[PATH_MAX];
  struct pp_buf line;
  e->has_totals = false;
  if (file_path(a, e->id, ".totals", path, sizeof(path)) != 0 ||
      pp_file_read(path, TOTALS_MAX, &line) != 0)
    return;
  e->has_totals = pp_fleet_totals_parse(line.data, &e->totals) == 0;
  pp_buf_free(&line);
}

int pp_archive_write_index(const struct pp_archive *a, const char *customer,
                           pp_archive_status_fn status, void *ctx) {
  struct pp_id_list all;
  PP_TRY(pp_archive_list(a, &all));
  struct pp_fleet_index_entry *entries =
      calloc(all.count ? all.count : 1, sizeof(*entries));
  if (entries == NULL) {
    pp_id_list_free(&all);
    return -ENOMEM;
  }
  /* Newest first. */
  for (size_t i = 0; i < all.count; i++) {
    struct pp_fleet_index_entry *e = &entries[i];
    pp_strlcpy(e->id, all.ids[all.count - 1 - i], sizeof(e->id));
    e->status = status != NULL ? status(e->id, ctx) : "sent";
    read_totals(a, e);
  }
  struct pp_buf page;
  pp_buf_init(&page, INDEX_MAX);
  int rc = pp_fleet_html_index(customer, entries, all.count, &page);
  if (rc == 0)
    rc = pp_file_write_atomic(a->root, "index.html", page.data, page.len);
  pp_buf_free(&page);
  free(entries);
  pp_id_list_free(&all);
  return rc;
}
