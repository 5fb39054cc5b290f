/* SPDX-License-Identifier: MIT */
#include "pp_ordered.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum slot_state { SLOT_EMPTY, SLOT_MEMORY, SLOT_FILE, SLOT_WRITTEN };

struct slot {
  char *text;  /* SLOT_MEMORY */
  off_t where; /* SLOT_FILE: offset in the file */
  size_t len;
  enum slot_state state;
};

struct pp_ordered {
  FILE *out;
  const char *first_sep, *sep;
  struct slot *slots;
  size_t count;
  size_t written;
  size_t mem_limit;
  size_t held; /* bytes of SLOT_MEMORY parts */
  size_t spilled;
  int fd;         /* the waiting file, -1 until needed */
  bool no_file;   /* it could not be made: memory only */
  off_t file_end; /* where the next spilled part goes */
};

struct pp_ordered *pp_ordered_new(size_t count, size_t mem_limit, FILE *out,
                                  const char *first_sep, const char *sep) {
  struct pp_ordered *s = calloc(1, sizeof(*s));
  if (s == NULL)
    return NULL;
  s->slots = calloc(count ? count : 1, sizeof(*s->slots));
  if (s->slots == NULL) {
    free(s);
    return NULL;
  }
  s->out = out;
  s->first_sep = first_sep;
  s->sep = sep;
  s->count = count;
  s->mem_limit = mem_limit;
  s->fd = -1;
  return s;
}

/* An unlinked file only this process can reach: gone when it exits. */
static int open_waiting_file(void) {
  const char *dir = getenv("TMPDIR");
  if (dir == NULL || dir[0] != '/')
    dir = "/tmp";
  char path[PATH_MAX];
  int n = snprintf(path, sizeof(path), "%s/printprobe-report-XXXXXX", dir);
  if (n < 0 || (size_t)n >= sizeof(path))
    return -1;
  int fd = mkostemp(path, O_CLOEXEC);
  if (fd >= 0)
    unlink(path);
  return fd;
}

/* All of len bytes at offset at, written from or read into p. */
static bool all_at(int fd, char *p, size_t len, off_t at, bool writing) {
  while (len > 0) {
    ssize_t n = writing ? pwrite(fd, p, len, at) : pread(fd, p, len, at);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    len -= (size_t)n;
    at += n;
  }
  return true;
}

/* Moves a part to the file; false leaves it in memory. */
static bool spill(struct pp_ordered *s, struct slot *slot) {
  if (s->fd < 0 && !s->no_file) {
    s->fd = open_waiting_file();
    s->no_file = s->fd < 0;
  }
  if (s->fd < 0 || !all_at(s->fd, slot->text, slot->len, s->file_end, true))
    return false;
  slot->where = s->file_end;
  s->file_end += (off_t)slot->len;
  s->spilled++;
  free(slot->text);
  slot->text = NULL;
  slot->state = SLOT_FILE;
  return true;
}

static void write_part(struct pp_ordered *s, const char *text, size_t len) {
  const char *sep = s->written == 0 ? s->first_sep : s->sep;
  if (sep != NULL)
    fputs(sep, s->out);
  fwrite(text, 1, len, s->out);
}

/* Writes the part of slot, from memory or read back from the file. */
static int write_slot(struct pp_ordered *s, struct slot *slot) {
  if (slot->state == SLOT_MEMORY) {
    write_part(s, slot->text, slot->len);
    s->held -= slot->len;
    free(slot->text);
  } else {
    char *buf = malloc(slot->len ? slot->len : 1);
    if (buf == NULL)
      return -ENOMEM;
    if (!all_at(s->fd, buf, slot->len, slot->where, false)) {
      free(buf);
      return -EIO;
    }
    write_part(s, buf, slot->len);
    free(buf);
  }
  slot->text = NULL;
  slot->state = SLOT_WRITTEN;
  s->written++;
  return 0;
}

int pp_ordered_put(struct pp_ordered *s, size_t index, char *text, size_t len) {
  if (index >= s->count || s->slots[index].state != SLOT_EMPTY) {
    free(text);
    return -EINVAL;
  }
  struct slot *slot = &s->slots[index];
  *slot = (struct slot){.text = text, .len = len, .state = SLOT_MEMORY};
  s->held += len;
  /* Its turn has not come: it waits, in the file once memory is full. */
  if (index != s->written && s->held > s->mem_limit && spill(s, slot))
    s->held -= len;
  while (s->written < s->count && s->slots[s->written].state != SLOT_EMPTY) {
    int err = write_slot(s, &s->slots[s->written]);
    if (err != 0)
      return err;
  }
  return 0;
}

size_t pp_ordered_written(const struct pp_ordered *s) { return s->written; }

size_t pp_ordered_held_bytes(const struct pp_ordered *s) { return s->held; }

size_t pp_ordered_spilled(const struct pp_ordered *s) { return s->spilled; }

void pp_ordered_free(struct pp_ordered *s) {
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->count; i++)
    free(s->slots[i].text);
  free(s->slots);
  if (s->fd >= 0)
    close(s->fd);
  free(s);
}
