/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend of pp_db. */
#include "pp_db.h"

#include <errno.h>
#include <stdio.h>

int pp_db_pg_open(const char *url, struct pp_db *out, char *err,
                  size_t errlen) {
  (void)url;
  (void)out;
  snprintf(err, errlen, "PostgreSQL is not supported yet; use a file name");
  return -ENOTSUP;
}
