/* SPDX-License-Identifier: MIT */
/* What the fuzz targets share: the libFuzzer entry point, a check that turns
 * a broken promise into a crash libFuzzer keeps, and NUL-terminated copies
 * of the input. */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the code under test promises; a failure aborts, and libFuzzer
 * saves the input as a crash. */
#define FUZZ_CHECK(cond)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                 \
    }                                                                          \
  } while (0)

/* A NUL-terminated copy of size bytes (free() it). NUL bytes inside stay:
 * the C string ends at the first one, as it would for a caller. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (s == NULL)
    abort();
  if (size > 0)
    memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

/* Calls fn(line, user) for each line of data (without its '\n'), as a
 * NUL-terminated copy. */
static inline void fuzz_each_line(const uint8_t *data, size_t size,
                                  void (*fn)(char *line, void *user),
                                  void *user) {
  size_t start = 0;
  while (start < size) {
    const uint8_t *nl = memchr(data + start, '\n', size - start);
    size_t end = nl ? (size_t)(nl - data) : size;
    char *line = fuzz_strndup(data + start, end - start);
    fn(line, user);
    free(line);
    start = end + 1;
  }
}

#endif
