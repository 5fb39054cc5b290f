/* SPDX-License-Identifier: MIT */
/* Logging for the core: the core never prints; front ends set a sink. */
#ifndef PP_LOG_H
#define PP_LOG_H

#include <stdbool.h>

enum pp_log_level {
  PP_LOG_ERR = 3,
  PP_LOG_WARNING = 4,
  PP_LOG_NOTICE = 5,
  PP_LOG_INFO = 6,
  PP_LOG_DEBUG = 7,
};

/* The sink receives one complete line without a trailing newline. */
typedef void (*pp_log_sink)(enum pp_log_level level, const char *msg,
                            void *user_data);

/* Not thread-safe: call once before polling starts. A NULL sink drops
 * everything. Messages above max_level are not even formatted. */
void pp_log_set_sink(pp_log_sink sink, void *user_data,
                     enum pp_log_level max_level);

/* Whether a message of this level would go anywhere: guards costly
 * formatting of debug detail. */
bool pp_log_enabled(enum pp_log_level level);

void pp_log(enum pp_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
