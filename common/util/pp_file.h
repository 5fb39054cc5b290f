/* SPDX-License-Identifier: MIT */
/* Durable files: atomic writes, whole-file reads, folders and their locks.
 *
 * Atomic write: the bytes go to a temporary file in the same directory
 * (".tmp.XXXXXX", a name no reader looks at), which is fsync'ed and renamed
 * over the final name; then the directory is fsync'ed so the rename itself
 * survives a power cut. A reader sees the whole file or none of it; a full
 * disk leaves the old state and an error. */
#ifndef PP_FILE_H
#define PP_FILE_H

#include <stddef.h>

#include "pp_buf.h"

/* write(2) until all of p is written; 0 or a negative errno. */
int pp_fd_write_all(int fd, const char *p, size_t len);
/* dir + "/" + name into out; -ENAMETOOLONG when it does not fit. */
int pp_path_join(char *out, size_t outlen, const char *dir, const char *name);
/* Writes data to dir/name atomically (see the top of this file). 0 or a
 * negative errno. */
int pp_file_write_atomic(const char *dir, const char *name, const void *data,
                         size_t len);
/* Reads a whole file into out (initialised here with limit). */
int pp_file_read(const char *path, size_t limit, struct pp_buf *out);
/* mkdir -p with mode 0750; 0 when it exists. */
int pp_dir_make(const char *path);
/* fsync of a directory, making renames and unlinks in it durable. */
int pp_dir_sync(const char *path);
/* Calls fn with the name of each entry of dir (but "." and ".."), until fn
 * returns non-zero, which is then returned. A missing dir has no entries:
 * 0. Otherwise 0 or a negative errno. */
int pp_dir_each(const char *dir, int (*fn)(const char *name, void *arg),
                void *arg);
/* Removes temporary files a crash left behind in dir. */
void pp_dir_clean_temp(const char *dir);

/* One writer per folder: two processes sharing a spool would both send each
 * queued message, and each would clean the other's temporary files. This
 * takes an exclusive lock (flock) on dir/name, making dir and the file when
 * missing, and writes the caller's PID into the file so that a second
 * process can name the first. The lock lasts while *fd stays open (a
 * forked child shares it). Returns 0; -EWOULDBLOCK when another process
 * holds it, err then naming the lock file and the holder's PID; or another
 * negative errno, err naming the file. */
int pp_dir_lock(const char *dir, const char *name, int *fd, char *err,
                size_t errlen);
/* Writes the caller's PID into the lock file again: after a daemon forked,
 * the PID written at start-up is its parent's. */
int pp_dir_lock_own(int fd);
/* Releases the lock; *fd becomes -1. A negative *fd is left alone. */
void pp_dir_unlock(int *fd);

#endif
