/* SPDX-License-Identifier: MIT */
#include "pp_log.h"

#include <stdarg.h>
#include <stdio.h>

static pp_log_sink log_sink;
static void *log_user_data;
static enum pp_log_level log_max_level = PP_LOG_WARNING;

void pp_log_set_sink(pp_log_sink sink, void *user_data,
                     enum pp_log_level max_level) {
  log_sink = sink;
  log_user_data = user_data;
  log_max_level = max_level;
}

bool pp_log_enabled(enum pp_log_level level) {
  return log_sink != NULL && level <= log_max_level;
}

void pp_log(enum pp_log_level level, const char *fmt, ...) {
  if (log_sink == NULL || level > log_max_level)
    return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  log_sink(level, msg, log_user_data);
}
