/* SPDX-License-Identifier: MIT */
#include "pp_buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pp_buf_init(struct pp_buf *buf, size_t limit) {
  *buf = (struct pp_buf){.limit = limit};
}

void pp_buf_free(struct pp_buf *buf) {
  free(buf->data);
  buf->data = NULL;
  buf->len = 0;
  buf->cap = 0;
}

void pp_buf_reset(struct pp_buf *buf) {
  buf->len = 0;
  if (buf->data != NULL)
    buf->data[0] = '\0';
}

static int buf_reserve(struct pp_buf *buf, size_t extra) {
  if (extra > buf->limit || buf->len > buf->limit - extra) {
    pp_buf_free(buf);
    return -E2BIG;
  }
  size_t need = buf->len + extra + 1;
  if (need <= buf->cap)
    return 0;
  size_t cap = buf->cap ? buf->cap : 256;
  while (cap < need)
    cap *= 2;
  char *data = realloc(buf->data, cap);
  if (data == NULL) {
    pp_buf_free(buf);
    return -ENOMEM;
  }
  buf->data = data;
  buf->cap = cap;
  return 0;
}

int pp_buf_add(struct pp_buf *buf, const void *data, size_t n) {
  int err = buf_reserve(buf, n);
  if (err != 0)
    return err;
  if (n > 0)
    memcpy(buf->data + buf->len, data, n);
  buf->len += n;
  buf->data[buf->len] = '\0';
  return 0;
}

int pp_buf_addstr(struct pp_buf *buf, const char *s) {
  return pp_buf_add(buf, s, strlen(s));
}

int pp_buf_printf(struct pp_buf *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return -EINVAL;
  int err = buf_reserve(buf, (size_t)n);
  if (err != 0)
    return err;
  va_start(ap, fmt);
  vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  buf->len += (size_t)n;
  return 0;
}

char *pp_buf_take(struct pp_buf *buf) {
  char *s = buf->data;
  if (s == NULL)
    s = calloc(1, 1);
  buf->data = NULL;
  buf->len = 0;
  buf->cap = 0;
  return s;
}
