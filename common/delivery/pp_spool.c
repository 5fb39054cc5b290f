/* SPDX-License-Identifier: MIT */
#include "pp_spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pp_file.h"
#include "pp_str.h"

#define JOURNAL_NAME "delivered.journal"
/* Journal lines are ids; past this size it is emptied (every id in it has
 * already been removed from the queue by then). */
#define JOURNAL_COMPACT_BYTES (64 * 1024)
#define JOURNAL_MAX (4 * 1024 * 1024)
#define STATE_MAX 256
#define MESSAGE_MAX (96u * 1024 * 1024)

/* --- id lists --- */

void pp_id_list_free(struct pp_id_list *list) {
  free(list->ids);
  list->ids = NULL;
  list->count = 0;
}

static int id_compare(const void *a, const void *b) { return strcmp(a, b); }

void pp_id_list_sort(struct pp_id_list *list) {
  if (list->count > 1)
    qsort(list->ids, list->count, sizeof(*list->ids), id_compare);
}

static int id_list_add(struct pp_id_list *list, const char *id) {
  if (list->count % 64 == 0) {
    void *grown = realloc(list->ids, (list->count + 64) * sizeof(*list->ids));
    if (grown == NULL)
      return -ENOMEM;
    list->ids = grown;
  }
  pp_strlcpy(list->ids[list->count++], id, PP_FLEET_ID_LEN);
  return 0;
}

/* The id part of "<id><suffix>", "" when the name is anything else. */
static void id_of(const char *name, const char *suffix, char *id) {
  size_t len = strlen(name);
  size_t slen = strlen(suffix);
  id[0] = '\0';
  if (len != PP_FLEET_ID_LEN - 1 + slen || strcmp(name + len - slen, suffix))
    return;
  memcpy(id, name, len - slen);
  id[len - slen] = '\0';
  if (!pp_fleet_id_ok(id))
    id[0] = '\0';
}

struct id_filter {
  const char *suffix;
  struct pp_id_list *out;
};

static int add_id(const char *name, void *arg) {
  const struct id_filter *f = arg;
  char id[PP_FLEET_ID_LEN];
  id_of(name, f->suffix, id);
  return id[0] != '\0' ? id_list_add(f->out, id) : 0;
}

int pp_id_list_dir(const char *dir, const char *suffix,
                   struct pp_id_list *out) {
  *out = (struct pp_id_list){0};
  struct id_filter f = {.suffix = suffix, .out = out};
  int rc = pp_dir_each(dir, add_id, &f);
  if (rc != 0) {
    pp_id_list_free(out);
    return rc;
  }
  pp_id_list_sort(out);
  return 0;
}

/* --- the spool --- */

static const char *area_dir(const struct pp_spool *s, enum pp_spool_area a) {
  switch (a) {
  case PP_SPOOL_STAGED:
    return s->staged;
  case PP_SPOOL_QUEUE:
    return s->queue;
  case PP_SPOOL_FAILED:
    break;
  }
  return s->failed;
}

static int entry_path(char *out, size_t outlen, const char *dir, const char *id,
                      const char *suffix) {
  if (!pp_fleet_id_ok(id))
    return -EINVAL;
  int n = snprintf(out, outlen, "%s/%s%s", dir, id, suffix);
  return n > 0 && (size_t)n < outlen ? 0 : -ENAMETOOLONG;
}

static int open_area(char *path, size_t len, const char *root, const char *sub,
                     char *err, size_t errlen) {
  int rc = pp_path_join(path, len, root, sub);
  if (rc == 0)
    rc = pp_dir_make(path);
  if (rc == 0 && access(path, W_OK | X_OK) != 0)
    rc = -errno;
  if (rc != 0) {
    snprintf(err, errlen, "%s/%s: %s", root, sub, strerror(-rc));
    return rc;
  }
  pp_dir_clean_temp(path);
  return 0;
}

int pp_spool_open(struct pp_spool *s, const char *root, char *err,
                  size_t errlen) {
  *s = (struct pp_spool){0};
  if (pp_strlcpy(s->root, root, sizeof(s->root)) >= sizeof(s->root)) {
    snprintf(err, errlen, "%s: path too long", root);
    return -ENAMETOOLONG;
  }
  int rc = open_area(s->staged, sizeof(s->staged), root, "staged", err, errlen);
  if (rc == 0)
    rc = open_area(s->queue, sizeof(s->queue), root, "queue", err, errlen);
  if (rc == 0)
    rc = open_area(s->failed, sizeof(s->failed), root, "failed", err, errlen);
  if (rc == 0)
    pp_dir_clean_temp(root);
  return rc;
}

int pp_spool_put(const struct pp_spool *s, enum pp_spool_area area,
                 const char *id, const void *data, size_t len) {
  char name[PP_FLEET_ID_LEN + 8];
  if (!pp_fleet_id_ok(id))
    return -EINVAL;
  snprintf(name, sizeof(name), "%s.eml", id);
  return pp_file_write_atomic(area_dir(s, area), name, data, len);
}

int pp_spool_read(const struct pp_spool *s, enum pp_spool_area area,
                  const char *id, struct pp_buf *out) {
  char path[PATH_MAX];
  int rc = entry_path(path, sizeof(path), area_dir(s, area), id, ".eml");
  if (rc != 0)
    return rc;
  return pp_file_read(path, MESSAGE_MAX, out);
}

bool pp_spool_has(const struct pp_spool *s, enum pp_spool_area area,
                  const char *id) {
  char path[PATH_MAX];
  if (entry_path(path, sizeof(path), area_dir(s, area), id, ".eml") != 0)
    return false;
  return access(path, F_OK) == 0;
}

int pp_spool_list(const struct pp_spool *s, enum pp_spool_area area,
                  struct pp_id_list *out) {
  return pp_id_list_dir(area_dir(s, area), ".eml", out);
}

/* Renames dir_a/id.eml to dir_b/id.eml and makes both directories durable:
 * the new name first, so a crash never leaves the file in neither. */
static int move_entry(const char *from_dir, const char *to_dir,
                      const char *id) {
  char from[PATH_MAX];
  char to[PATH_MAX];
  int rc = entry_path(from, sizeof(from), from_dir, id, ".eml");
  if (rc == 0)
    rc = entry_path(to, sizeof(to), to_dir, id, ".eml");
  if (rc != 0)
    return rc;
  if (rename(from, to) != 0)
    return -errno;
  rc = pp_dir_sync(to_dir);
  if (rc == 0)
    rc = pp_dir_sync(from_dir);
  return rc;
}

int pp_spool_commit(const struct pp_spool *s, const char *id) {
  return move_entry(s->staged, s->queue, id);
}

int pp_spool_state_get(const struct pp_spool *s, const char *id,
                       struct pp_spool_state *out) {
  char path[PATH_MAX];
  struct pp_buf buf;
  *out = (struct pp_spool_state){0};
  int rc = entry_path(path, sizeof(path), s->queue, id, ".state");
  if (rc == 0)
    rc = pp_file_read(path, STATE_MAX, &buf);
  if (rc != 0)
    return rc == -ENOENT ? 0 : rc;
  unsigned attempts;
  int64_t next_try;
  int code;
  if (sscanf(buf.data, "attempts=%u next=%" SCNd64 " code=%d", &attempts,
             &next_try, &code) == 3) {
    *out = (struct pp_spool_state){attempts, next_try, code};
  }
  pp_buf_free(&buf);
  return 0;
}

int pp_spool_state_set(const struct pp_spool *s, const char *id,
                       const struct pp_spool_state *st) {
  char name[PP_FLEET_ID_LEN + 8];
  char line[STATE_MAX];
  if (!pp_fleet_id_ok(id))
    return -EINVAL;
  snprintf(name, sizeof(name), "%s.state", id);
  int n = snprintf(line, sizeof(line), "attempts=%u next=%" PRId64 " code=%d\n",
                   st->attempts, st->next_try, st->last_code);
  return pp_file_write_atomic(s->queue, name, line, (size_t)n);
}

static int journal_path(const struct pp_spool *s, char *out, size_t outlen) {
  return pp_path_join(out, outlen, s->root, JOURNAL_NAME);
}

/* Appends "id\n" and syncs it. On a short write the file is cut back, so a
 * later line never glues onto a broken one. */
static int journal_append(const struct pp_spool *s, const char *id,
                          off_t *size_after) {
  char path[PATH_MAX];
  char line[PP_FLEET_ID_LEN + 1];
  int rc = journal_path(s, path, sizeof(path));
  if (rc != 0)
    return rc;
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0)
    return -errno;
  off_t before = lseek(fd, 0, SEEK_END);
  int n = snprintf(line, sizeof(line), "%s\n", id);
  rc = pp_fd_write_all(fd, line, (size_t)n);
  if (rc == 0 && fsync(fd) != 0)
    rc = -errno;
  if (rc != 0 && before >= 0 && ftruncate(fd, before) == 0)
    fsync(fd);
  *size_after = rc == 0 ? before + n : before;
  close(fd);
  return rc;
}

bool pp_spool_journal_has(const struct pp_spool *s, const char *id) {
  char path[PATH_MAX];
  struct pp_buf buf;
  if (journal_path(s, path, sizeof(path)) != 0 ||
      pp_file_read(path, JOURNAL_MAX, &buf) != 0)
    return false;
  bool found = false;
  size_t idlen = strlen(id);
  for (char *line = buf.data; !found && *line;) {
    char *end = strchr(line, '\n');
    if (end == NULL)
      break; /* an unfinished last line never counts */
    found = (size_t)(end - line) == idlen && memcmp(line, id, idlen) == 0;
    line = end + 1;
  }
  pp_buf_free(&buf);
  return found;
}

static int journal_reset(const struct pp_spool *s) {
  return pp_file_write_atomic(s->root, JOURNAL_NAME, "", 0);
}

static int remove_queue_files(const struct pp_spool *s, const char *id) {
  char path[PATH_MAX];
  int rc = entry_path(path, sizeof(path), s->queue, id, ".eml");
  if (rc != 0)
    return rc;
  if (unlink(path) != 0 && errno != ENOENT)
    return -errno;
  if (entry_path(path, sizeof(path), s->queue, id, ".state") == 0)
    unlink(path);
  return pp_dir_sync(s->queue);
}

int pp_spool_delivered(const struct pp_spool *s, const char *id) {
  off_t journal_size = 0;
  /* Best effort: without the line, only a crash in the next microseconds
   * could send the message twice; refusing to remove it would be worse. */
  journal_append(s, id, &journal_size);
  int rc = remove_queue_files(s, id);
  if (rc == 0 && journal_size > JOURNAL_COMPACT_BYTES)
    journal_reset(s);
  return rc;
}

int pp_spool_fail(const struct pp_spool *s, const char *id,
                  const char *reason) {
  char name[PP_FLEET_ID_LEN + 8];
  char path[PATH_MAX];
  if (!pp_fleet_id_ok(id))
    return -EINVAL;
  snprintf(name, sizeof(name), "%s.reason", id);
  int rc = pp_file_write_atomic(s->failed, name, reason, strlen(reason));
  if (rc == 0)
    rc = move_entry(s->queue, s->failed, id);
  if (rc == 0 && entry_path(path, sizeof(path), s->queue, id, ".state") == 0)
    unlink(path);
  return rc;
}

int pp_spool_recover(const struct pp_spool *s, size_t *removed) {
  struct pp_id_list queued;
  *removed = 0;
  int rc = pp_spool_list(s, PP_SPOOL_QUEUE, &queued);
  if (rc != 0)
    return rc;
  for (size_t i = 0; rc == 0 && i < queued.count; i++) {
    if (!pp_spool_journal_has(s, queued.ids[i]))
      continue;
    rc = remove_queue_files(s, queued.ids[i]);
    *removed += rc == 0;
  }
  pp_id_list_free(&queued);
  /* Every journalled id is gone from the queue now: start it afresh. */
  if (rc == 0)
    rc = journal_reset(s);
  return rc;
}
