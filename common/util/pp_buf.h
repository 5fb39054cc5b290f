/* SPDX-License-Identifier: MIT */
/* A growable byte buffer with a hard cap set at birth (after curl's dynbuf).
 * Reports and mails are built in these, so a huge fleet or a hostile agent
 * cannot grow memory without bound. */
#ifndef PP_BUF_H
#define PP_BUF_H

#include <stddef.h>

/* Returns from the calling function when expr (a call that returns 0 or a
 * negative errno) fails: the error flow of every report and mail builder. */
#define PP_TRY(expr)                                                           \
  do {                                                                         \
    int pp_try_err_ = (expr);                                                  \
    if (pp_try_err_ != 0)                                                      \
      return pp_try_err_;                                                      \
  } while (0)

struct pp_buf {
  char *data; /* always NUL-terminated when non-NULL */
  size_t len;
  size_t cap;
  size_t limit; /* the most len may ever reach */
};

void pp_buf_init(struct pp_buf *buf, size_t limit);

/* Appends; on overflow or allocation failure the buffer is freed (never left
 * half valid) and -E2BIG or -ENOMEM is returned. */
__attribute__((warn_unused_result)) int pp_buf_add(struct pp_buf *buf,
                                                   const void *data, size_t n);
__attribute__((warn_unused_result)) int pp_buf_addstr(struct pp_buf *buf,
                                                      const char *s);
__attribute__((warn_unused_result, format(printf, 2, 3))) int
pp_buf_printf(struct pp_buf *buf, const char *fmt, ...);

/* Empties the buffer but keeps its memory. Safe on a freed buffer. */
void pp_buf_reset(struct pp_buf *buf);
/* Safe to call twice. */
void pp_buf_free(struct pp_buf *buf);
/* Hands the string to the caller (free() it); the buffer is left empty.
 * Returns an empty allocated string when nothing was added. */
char *pp_buf_take(struct pp_buf *buf);

#endif
