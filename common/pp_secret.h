/* SPDX-License-Identifier: MIT */
/* Secrets (communities, passphrases) come from files or the environment,
 * never from a command line, and are never logged. */
#ifndef PP_SECRET_H
#define PP_SECRET_H

#include <stddef.h>

/* Reads the first line of path (without its line end) into out. Refuses an
 * empty secret or one that does not fit. Errors name the file, not the
 * secret. Returns 0 or a negative errno. */
int pp_secret_from_file(const char *path, char *out, size_t outlen, char *err,
                        size_t errlen);

/* Copies the environment variable's value; -ENOENT when unset. */
int pp_secret_from_env(const char *name, char *out, size_t outlen, char *err,
                       size_t errlen);

#endif
