/* SPDX-License-Identifier: MIT */
#include "pp_secret.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "pp_log.h"
#include "pp_str.h"

void pp_secret_guard_process(void) {
  /* A core file, or another process of the same user attaching with
   * ptrace or reading /proc/PID/mem, would show the secret. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Daemons read some secret files again for each use (write_dss per mail):
 * the warning comes once per file and mode, not on every read. */
#define WARNED_MAX 32
struct warned_file {
  dev_t dev;
  ino_t ino;
  mode_t mode;
  struct timespec ctime; /* a new file on a reused inode, a chmod */
};
static struct warned_file warned[WARNED_MAX];
static size_t warned_count;
static pthread_mutex_t warned_lock = PTHREAD_MUTEX_INITIALIZER;

static bool first_warning(const struct stat *st) {
  pthread_mutex_lock(&warned_lock);
  bool first = true;
  for (size_t i = 0; i < warned_count && first; i++)
    first = !(warned[i].dev == st->st_dev && warned[i].ino == st->st_ino &&
              warned[i].mode == st->st_mode &&
              warned[i].ctime.tv_sec == st->st_ctim.tv_sec &&
              warned[i].ctime.tv_nsec == st->st_ctim.tv_nsec);
  if (first && warned_count < WARNED_MAX)
    warned[warned_count++] = (struct warned_file){.dev = st->st_dev,
                                                  .ino = st->st_ino,
                                                  .mode = st->st_mode,
                                                  .ctime = st->st_ctim};
  pthread_mutex_unlock(&warned_lock);
  return first;
}

/* Like ssh for its keys, but only a warning: refusing would stop a
 * monitoring set-up that worked yesterday. The message names the file,
 * never its content. */
static void warn_if_open(FILE *f, const char *path) {
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || (st.st_mode & 077) == 0 ||
      !first_warning(&st))
    return;
  pp_log(PP_LOG_WARNING,
         "secret file %s is open to its group or others (mode %04o): "
         "make it readable by its owner only (chmod 600)",
         path, (unsigned)(st.st_mode & 07777));
}

/* Reads the first line into line; *cut when it did not fit. NULL when the
 * file is empty. stdio's buffer is ours, on the stack, so that no copy of
 * the secret is left in freed memory. */
static char *first_line(FILE *f, char *line, size_t len, bool *cut) {
  char iobuf[1024];
  setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
  char *got = fgets(line, (int)len, f);
  /* A first line longer than the buffer must be refused, not cut short. */
  *cut = got != NULL && strchr(line, '\n') == NULL;
  if (*cut) {
    int c = fgetc(f);
    *cut = c != EOF && c != '\n';
  }
  fclose(f);
  explicit_bzero(iobuf, sizeof(iobuf));
  return got;
}

int pp_secret_from_file(const char *path, char *out, size_t outlen, char *err,
                        size_t errlen) {
  pp_secret_guard_process();
  FILE *f = fopen(path, "re");
  if (f == NULL) {
    int e = errno;
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(e));
    return -e;
  }
  warn_if_open(f, path);
  char line[1024];
  bool cut;
  if (first_line(f, line, sizeof(line), &cut) == NULL) {
    snprintf(err, errlen, "%s is empty", path);
    return -EINVAL;
  }
  line[strcspn(line, "\r\n")] = '\0';
  size_t len = strlen(line);
  if (len == 0 || len >= outlen || cut) {
    snprintf(err, errlen, "%s: the secret on its first line is %s", path,
             len == 0 && !cut ? "empty" : "too long");
    explicit_bzero(line, sizeof(line));
    return -EINVAL;
  }
  memcpy(out, line, len + 1);
  explicit_bzero(line, sizeof(line));
  return 0;
}

int pp_secret_from_env(const char *name, char *out, size_t outlen, char *err,
                       size_t errlen) {
  const char *value = getenv(name);
  /* Empty counts as unset: Icinga 2 sets an env entry to "" for a var a
   * host does not have, and the next source (a file, the default) should
   * then apply. */
  if (value == NULL || value[0] == '\0')
    return -ENOENT;
  pp_secret_guard_process();
  if (strlen(value) >= outlen) {
    snprintf(err, errlen, "environment variable %s is too long", name);
    return -EINVAL;
  }
  pp_strlcpy(out, value, outlen);
  return 0;
}
