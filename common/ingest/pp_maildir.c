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

/* The flags of a cur/ name ("NAME:2,FLAGS"), or NULL without an info
 * part. */
static const char *flags_of(const char *name) {
  const char *info = strstr(name, ":2,");
  return info != NULL ? info + 3 : NULL;
}

struct listing {
  struct pp_name_list *list;
  const char *sub;
};

/* new/: every message. cur/: those a mail program moved there without
 * the seen flag (it opened the folder, nobody read them): still to do. */
static int add_name(const char *name, void *arg) {
  struct listing *l = arg;
  if (!name_ok(name) || l->list->count >= PP_MAILDIR_MAX_BATCH)
    return 0;
  if (strcmp(l->sub, "cur") == 0 &&
      (flags_of(name) == NULL || strchr(flags_of(name), 'S') != NULL))
    return 0;
  char rel[NAME_MAX + 8];
  snprintf(rel, sizeof(rel), "%s/%s", l->sub, name);
  return pp_name_list_add(l->list, rel);
}

/* By the name after the folder: Maildir names start with the time. */
static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a + 4, *(char *const *)b + 4);
}

int pp_maildir_list_new(const struct pp_maildir *md, struct pp_name_list *out) {
  *out = (struct pp_name_list){0};
  static const char *const subs[] = {"new", "cur"};
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < 2; i++) {
    char dir[PATH_MAX];
    struct listing l = {out, subs[i]};
    rc = pp_path_join(dir, sizeof(dir), md->root, subs[i]);
    if (rc == 0)
      rc = pp_dir_each(dir, add_name, &l);
  }
  if (rc != 0) {
    pp_name_list_free(out);
    return rc;
  }
  if (out->count > 1)
    qsort(out->names, out->count, sizeof(*out->names), compare_names);
  return 0;
}

/* "new/NAME" or "cur/NAME" as listed; anything else is refused before it
 * becomes a path. */
static int message_path(const struct pp_maildir *md, const char *rel,
                        char *out) {
  if ((strncmp(rel, "new/", 4) != 0 && strncmp(rel, "cur/", 4) != 0) ||
      !name_ok(rel + 4))
    return -EINVAL;
  return pp_path_join(out, PATH_MAX, md->root, rel);
}

int pp_maildir_size(const struct pp_maildir *md, const char *rel,
                    size_t *size) {
  char path[PATH_MAX];
  struct stat st;
  PP_TRY(message_path(md, rel, path));
  if (stat(path, &st) != 0)
    return -errno;
  *size = (size_t)st.st_size;
  return 0;
}

int pp_maildir_read(const struct pp_maildir *md, const char *rel, size_t limit,
                    struct pp_buf *out) {
  char path[PATH_MAX];
  PP_TRY(message_path(md, rel, path));
  return pp_file_read(path, limit, out);
}

/* Renames the message to sub/BASE:2,FLAGS and makes the rename durable
 * (both folders synced). */
static int move_message(const struct pp_maildir *md, const char *rel,
                        const char *sub, const char *flags) {
  char from[PATH_MAX];
  char to_name[NAME_MAX + 1];
  char to[PATH_MAX];
  const char *name = rel + 4;
  PP_TRY(message_path(md, rel, from));
  snprintf(to_name, sizeof(to_name), "%.*s:2,%s", (int)strcspn(name, ":"), name,
           flags);
  PP_TRY(sub_path(md, sub, to_name, to));
  if (rename(from, to) != 0)
    return -errno;
  char dir[PATH_MAX];
  PP_TRY(sub_path(md, sub, NULL, dir));
  PP_TRY(pp_dir_sync(dir));
  char from_sub[4];
  snprintf(from_sub, sizeof(from_sub), "%.3s", rel); /* "new" or "cur" */
  PP_TRY(sub_path(md, from_sub, NULL, dir));
  return pp_dir_sync(dir);
}

/* The message's flags with S added, in ASCII order as Maildir wants. */
static void flags_with_seen(const char *rel, char *out, size_t outlen) {
  const char *flags = flags_of(rel);
  size_t n = 0;
  bool placed = false;
  for (const char *f = flags ? flags : ""; *f != '\0' && n + 2 < outlen; f++) {
    if (!placed && *f > 'S') {
      out[n++] = 'S';
      placed = true;
    }
    out[n++] = *f;
  }
  if (!placed && n + 1 < outlen)
    out[n++] = 'S';
  out[n] = '\0';
}

int pp_maildir_mark_seen(const struct pp_maildir *md, const char *rel) {
  char flags[64];
  flags_with_seen(rel, flags, sizeof(flags));
  return move_message(md, rel, "cur", flags);
}

int pp_maildir_quarantine(const struct pp_maildir *md, const char *rel,
                          const char *reason) {
  char dir[PATH_MAX];
  char line[1024];
  char base[NAME_MAX + 1];
  const char *flags = flags_of(rel);
  if (strlen(rel) < 5)
    return -EINVAL;
  snprintf(base, sizeof(base), "%.*s", (int)strcspn(rel + 4, ":"), rel + 4);
  snprintf(line, sizeof(line), "%s\n", reason);
  PP_TRY(sub_path(md, QUARANTINE "/reasons", NULL, dir));
  PP_TRY(pp_file_write_atomic(dir, base, line, strlen(line)));
  return move_message(md, rel, QUARANTINE "/cur", flags ? flags : "");
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
  *out = (struct pp_source){.where = "",
                            .ctx = md,
                            .list = source_list,
                            .size = source_size,
                            .read = source_read,
                            .acknowledge = source_acknowledge,
                            .quarantine = source_quarantine};
}
