/* SPDX-License-Identifier: MIT */
#include "pp_file.h"

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

#include "pp_str.h"

#define TEMP_PREFIX ".tmp."

/* --- files --- */

int pp_fd_write_all(int fd, const char *p, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -errno;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int pp_dir_sync(const char *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  int rc = fsync(fd) == 0 ? 0 : -errno;
  close(fd);
  return rc;
}

int pp_path_join(char *out, size_t outlen, const char *dir, const char *name) {
  int n = snprintf(out, outlen, "%s/%s", dir, name);
  return n > 0 && (size_t)n < outlen ? 0 : -ENAMETOOLONG;
}

/* Writes, syncs and closes fd; closes it on every path. */
static int fill_and_close(int fd, const void *data, size_t len) {
  int rc = pp_fd_write_all(fd, data, len);
  if (rc == 0 && fsync(fd) != 0)
    rc = -errno;
  /* close() can report a delayed write error (NFS, some full disks). */
  if (close(fd) != 0 && rc == 0)
    rc = -errno;
  return rc;
}

int pp_file_write_atomic(const char *dir, const char *name, const void *data,
                         size_t len) {
  char temp[PATH_MAX];
  char final[PATH_MAX];
  if (pp_path_join(temp, sizeof(temp), dir, TEMP_PREFIX "XXXXXX") != 0 ||
      pp_path_join(final, sizeof(final), dir, name) != 0)
    return -ENAMETOOLONG;
  int fd = mkostemp(temp, O_CLOEXEC);
  if (fd < 0)
    return -errno;
  /* mkostemp makes 0600; reports are readable by the site's group. */
  fchmod(fd, 0640);
  int rc = fill_and_close(fd, data, len);
  if (rc == 0 && rename(temp, final) != 0)
    rc = -errno;
  if (rc != 0) {
    unlink(temp);
    return rc;
  }
  return pp_dir_sync(dir);
}

int pp_file_read(const char *path, size_t limit, struct pp_buf *out) {
  pp_buf_init(out, limit);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  char chunk[65536];
  int rc = 0;
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      rc = n < 0 ? -errno : 0;
      break;
    }
    rc = pp_buf_add(out, chunk, (size_t)n);
    if (rc != 0)
      break;
  }
  close(fd);
  if (rc == 0 && out->data == NULL)
    rc = pp_buf_add(out, "", 0);
  if (rc != 0)
    pp_buf_free(out);
  return rc;
}

int pp_dir_make(const char *path) {
  char buf[PATH_MAX];
  if (pp_strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
    return -ENAMETOOLONG;
  for (char *p = buf + 1;; p++) {
    bool end = *p == '\0';
    if (*p != '/' && !end)
      continue;
    *p = '\0';
    if (mkdir(buf, 0750) != 0 && errno != EEXIST)
      return -errno;
    if (end)
      break;
    *p = '/';
  }
  struct stat st;
  if (stat(path, &st) != 0)
    return -errno;
  return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int pp_dir_each(const char *dir, int (*fn)(const char *name, void *arg),
                void *arg) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : -errno;
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      rc = fn(e->d_name, arg);
  }
  closedir(d);
  return rc;
}

void pp_dir_clean_temp(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)) == 0)
      unlinkat(dirfd(d), e->d_name, 0);
  }
  closedir(d);
}

/* --- folder locks --- */

/* The PID in a lock file, -1 when it holds none (its owner may not have
 * written it yet). */
static long lock_holder(int fd) {
  char text[32];
  ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
  if (n <= 0)
    return -1;
  text[n] = '\0';
  char *end;
  long pid = strtol(text, &end, 10);
  return end != text && pid > 0 ? pid : -1;
}

int pp_dir_lock_own(int fd) {
  char text[32];
  int n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
  if (ftruncate(fd, 0) != 0)
    return -errno;
  ssize_t w = pwrite(fd, text, (size_t)n, 0);
  if (w < 0)
    return -errno;
  return w == n ? 0 : -EIO;
}

static int lock_busy(int fd, const char *path, char *err, size_t errlen) {
  long pid = lock_holder(fd);
  if (pid > 0)
    snprintf(err, errlen, "%s is held by process %ld", path, pid);
  else
    snprintf(err, errlen, "%s is held by another process", path);
  return -EWOULDBLOCK;
}

int pp_dir_lock(const char *dir, const char *name, int *fd_out, char *err,
                size_t errlen) {
  *fd_out = -1;
  char path[PATH_MAX];
  int rc = pp_path_join(path, sizeof(path), dir, name);
  if (rc != 0) {
    snprintf(err, errlen, "%s: path too long", dir);
    return rc;
  }
  rc = pp_dir_make(dir);
  int fd = -1;
  if (rc == 0) {
    /* O_NOFOLLOW: a planted symlink must not make us truncate another
     * file. */
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0)
      rc = -errno;
  }
  if (rc == 0 && flock(fd, LOCK_EX | LOCK_NB) != 0)
    rc = errno == EWOULDBLOCK ? lock_busy(fd, path, err, errlen) : -errno;
  if (rc != 0) {
    if (rc != -EWOULDBLOCK)
      snprintf(err, errlen, "%s: %s", path, strerror(-rc));
    if (fd >= 0)
      close(fd);
    return rc;
  }
  /* Without the PID a second process can still be refused, just not told
   * by whom: not worth failing for. */
  pp_dir_lock_own(fd);
  *fd_out = fd;
  return 0;
}

void pp_dir_unlock(int *fd) {
  if (*fd < 0)
    return;
  close(*fd);
  *fd = -1;
}
