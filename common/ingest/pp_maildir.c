/* SPDX-License-Identifier: MIT */
#include "pp_maildir.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pp_file.h"
#include "pp_str.h"

#define QUARANTINE ".Quarantine"

void pp_name_list_free(struct pp_name_list *list) {
  for (size_t i = 0; i < list->count; i++)
    free(list->names[i]);
  free(list->names);
  *list = (struct pp_name_list){0};
}

int pp_name_list_add(struct pp_name_list *l, const char *name) {
  char **grown = realloc(l->names, (l->count + 1) * sizeof(*grown));
  if (grown == NULL)
    return -ENOMEM;
  l->names = grown;
  l->names[l->count] = strdup(name);
  if (l->names[l->count] == NULL)
    return -ENOMEM;
  l->count++;
  return 0;
}

/* A Maildir file name: no slash, no leading dot (temporary and hidden
 * files), printable. */
static bool name_ok(const char *name) {
  if (name[0] == '\0' || name[0] == '.' || strlen(name) > NAME_MAX - 8)
    return false;
  for (const char *p = name; *p != '\0'; p++) {
    if (*p == '/' || (unsigned char)*p < ' ' || *p == 0x7f)
      return false;
  }
  return true;
}

static int sub_path(const struct pp_maildir *md, const char *sub,
                    const char *name, char *out) {
  char dir[PATH_MAX];
  PP_TRY(pp_path_join(dir, sizeof(dir), md->root, sub));
  return name ? pp_path_join(out, PATH_MAX, dir, name)
              : pp_path_join(out, PATH_MAX, dir, "");
}

static int need_dir(const char *root, const char *sub, char *err,
                    size_t errlen) {
  char path[PATH_MAX];
  struct stat st;
  PP_TRY(pp_path_join(path, sizeof(path), root, sub));
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "%s is not a Maildir: no %s/ folder", root, sub);
    return -ENOTDIR;
  }
  return 0;
}

int pp_maildir_open(const char *root, struct pp_maildir *md, char *err,
                    size_t errlen) {
  if (strlen(root) >= sizeof(md->root) - 64)
    return -ENAMETOOLONG;
  pp_strlcpy(md->root, root, sizeof(md->root));
  static const char *const subs[] = {"new", "cur", "tmp"};
  static const char *const quarantine[] = {QUARANTINE "/new", QUARANTINE "/cur",
                                           QUARANTINE "/tmp",
                                           QUARANTINE "/reasons"};
  for (size_t i = 0; i < 3; i++)
    PP_TRY(need_dir(root, subs[i], err, errlen));
  for (size_t i = 0; i < 4; i++) {
    char path[PATH_MAX];
    PP_TRY(pp_path_join(path, sizeof(path), root, quarantine[i]));
    int rc = pp_dir_make(path);
    if (rc != 0) {
      snprintf(err, errlen, "cannot make %s: %s", path, strerror(-rc));
      return rc;
    }
  }
  return 0;
}

static int add_name(const char *name, void *arg) {
  struct pp_name_list *l = arg;
  if (!name_ok(name) || l->count >= PP_MAILDIR_MAX_BATCH)
    return 0;
  return pp_name_list_add(l, name);
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int pp_maildir_list_new(const struct pp_maildir *md, struct pp_name_list *out) {
  *out = (struct pp_name_list){0};
  char dir[PATH_MAX];
  PP_TRY(pp_path_join(dir, sizeof(dir), md->root, "new"));
  int rc = pp_dir_each(dir, add_name, out);
  if (rc != 0) {
    pp_name_list_free(out);
    return rc;
  }
  if (out->count > 1)
    qsort(out->names, out->count, sizeof(*out->names), compare_names);
  return 0;
}

int pp_maildir_size(const struct pp_maildir *md, const char *name,
                    size_t *size) {
  char path[PATH_MAX];
  struct stat st;
  PP_TRY(sub_path(md, "new", name, path));
  if (stat(path, &st) != 0)
    return -errno;
  *size = (size_t)st.st_size;
  return 0;
}

int pp_maildir_read(const struct pp_maildir *md, const char *name, size_t limit,
                    struct pp_buf *out) {
  char path[PATH_MAX];
  PP_TRY(sub_path(md, "new", name, path));
  return pp_file_read(path, limit, out);
}

/* Renames new/NAME to sub/NAME + info and makes the rename durable. */
static int move_from_new(const struct pp_maildir *md, const char *name,
                         const char *sub, const char *info) {
  char from[PATH_MAX];
  char to_name[NAME_MAX + 1];
  char to[PATH_MAX];
  PP_TRY(sub_path(md, "new", name, from));
  snprintf(to_name, sizeof(to_name), "%.*s%s", (int)strcspn(name, ":"), name,
           info);
  PP_TRY(sub_path(md, sub, to_name, to));
  if (rename(from, to) != 0)
    return -errno;
  char dir[PATH_MAX];
  PP_TRY(sub_path(md, sub, NULL, dir));
  PP_TRY(pp_dir_sync(dir));
  PP_TRY(sub_path(md, "new", NULL, dir));
  return pp_dir_sync(dir);
}

int pp_maildir_mark_seen(const struct pp_maildir *md, const char *name) {
  return move_from_new(md, name, "cur", ":2,S");
}

int pp_maildir_quarantine(const struct pp_maildir *md, const char *name,
                          const char *reason) {
  char dir[PATH_MAX];
  char line[1024];
  char base[NAME_MAX + 1];
  snprintf(base, sizeof(base), "%.*s", (int)strcspn(name, ":"), name);
  snprintf(line, sizeof(line), "%s\n", reason);
  PP_TRY(sub_path(md, QUARANTINE "/reasons", NULL, dir));
  PP_TRY(pp_file_write_atomic(dir, base, line, strlen(line)));
  return move_from_new(md, name, QUARANTINE "/cur", ":2,");
}

/* --- as ingest's source --- */

static int source_list(void *ctx, struct pp_name_list *out) {
  return pp_maildir_list_new(ctx, out);
}

static int source_size(void *ctx, const char *name, size_t *size) {
  return pp_maildir_size(ctx, name, size);
}

static int source_read(void *ctx, const char *name, size_t limit,
                       struct pp_buf *out) {
  return pp_maildir_read(ctx, name, limit, out);
}

static int source_acknowledge(void *ctx, const char *name) {
  return pp_maildir_mark_seen(ctx, name);
}

static int source_quarantine(void *ctx, const char *name,
                             const char *message_id, const char *reason) {
  char line[1024];
  snprintf(line, sizeof(line), "%s: %s", message_id, reason);
  return pp_maildir_quarantine(ctx, name, line);
}

void pp_maildir_source(struct pp_maildir *md, struct pp_source *out) {
  *out = (struct pp_source){.where = "new/",
                            .ctx = md,
                            .list = source_list,
                            .size = source_size,
                            .read = source_read,
                            .acknowledge = source_acknowledge,
                            .quarantine = source_quarantine};
}
