/* SPDX-License-Identifier: MIT */
#include "pp_secret.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp_str.h"

int pp_secret_from_file(const char *path, char *out, size_t outlen, char *err,
                        size_t errlen) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    int e = errno;
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(e));
    return -e;
  }
  char line[1024];
  char *got = fgets(line, sizeof(line), f);
  /* A first line longer than the buffer must be refused, not cut short. */
  bool cut = got != NULL && strchr(line, '\n') == NULL;
  if (cut) {
    int c = fgetc(f);
    cut = c != EOF && c != '\n';
  }
  fclose(f);
  if (got == NULL) {
    snprintf(err, errlen, "%s is empty", path);
    return -EINVAL;
  }
  line[strcspn(line, "\r\n")] = '\0';
  size_t len = strlen(line);
  if (len == 0 || len >= outlen || cut) {
    snprintf(err, errlen, "%s: the secret on its first line is %s", path,
             len == 0 && !cut ? "empty" : "too long");
    memset(line, 0, sizeof(line));
    return -EINVAL;
  }
  memcpy(out, line, len + 1);
  memset(line, 0, sizeof(line));
  return 0;
}

int pp_secret_from_env(const char *name, char *out, size_t outlen, char *err,
                       size_t errlen) {
  const char *value = getenv(name);
  if (value == NULL)
    return -ENOENT;
  if (value[0] == '\0' || strlen(value) >= outlen) {
    snprintf(err, errlen, "environment variable %s is %s", name,
             value[0] == '\0' ? "empty" : "too long");
    return -EINVAL;
  }
  pp_strlcpy(out, value, outlen);
  return 0;
}
