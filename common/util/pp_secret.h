/* SPDX-License-Identifier: MIT */
/* Secrets (communities, passphrases) come from files or the environment,
 * never from a command line, and are never logged. */
#ifndef PP_SECRET_H
#define PP_SECRET_H

#include <stddef.h>

/* Makes the calling process hold secrets safely: no core dump, no ptrace
 * or /proc/PID/mem access by other processes of the same user
 * (PR_SET_DUMPABLE 0, for the life of the process). The readers below call
 * it; whoever takes a secret another way (a community in a configuration)
 * calls it too. */
void pp_secret_guard_process(void);

/* Reads the first line of path (without its line end) into out. Refuses an
 * empty secret or one that does not fit. Errors name the file, not the
 * secret. A file open to its group or others (mode & 077) is used, with a
 * pp_log warning naming it. Guards the process first. Returns 0 or a
 * negative errno. */
int pp_secret_from_file(const char *path, char *out, size_t outlen, char *err,
                        size_t errlen);

/* Copies the environment variable's value; -ENOENT when unset or empty.
 * Guards the process when it is set. */
int pp_secret_from_env(const char *name, char *out, size_t outlen, char *err,
                       size_t errlen);

#endif
