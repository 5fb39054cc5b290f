/* SPDX-License-Identifier: MIT */
/* Checks shared by the target fuzzers: what every parsed target must look
 * like, and that its label names it again. */
#ifndef FUZZ_TARGET_UTIL_H
#define FUZZ_TARGET_UTIL_H

#include <string.h>

#include "fuzz_util.h"
#include "pp_target.h"

/* A label is a spec: parsed again with the same options it gives the same
 * single target. */
static inline void fuzz_check_label(const struct pp_target *t,
                                    const struct pp_snmp_opts *opts) {
  struct pp_target_list again = {0};
  char err[512];
  int rc = pp_targets_add_spec(&again, t->label, opts, err, sizeof err);
  if (rc != 0)
    fprintf(stderr, "label \"%s\" does not parse: %s\n", t->label, err);
  FUZZ_CHECK(rc == 0);
  FUZZ_CHECK(again.count == 1);
  FUZZ_CHECK(strcmp(again.items[0].host, t->host) == 0);
  FUZZ_CHECK(strcmp(again.items[0].label, t->label) == 0);
  FUZZ_CHECK(again.items[0].port == t->port);
  FUZZ_CHECK(again.items[0].ipv6 == t->ipv6);
  pp_targets_free(&again);
}

/* Every target is whole; a few of them (the first and the last ones of a
 * block) are parsed again from their labels. */
static inline void fuzz_check_targets(const struct pp_target_list *list,
                                      size_t from,
                                      const struct pp_snmp_opts *opts) {
  FUZZ_CHECK(list->count <= list->cap);
  for (size_t i = from; i < list->count; i++) {
    const struct pp_target *t = &list->items[i];
    FUZZ_CHECK(t->host[0] != '\0' && t->label[0] != '\0');
    FUZZ_CHECK(memchr(t->host, '\0', sizeof t->host) != NULL);
    FUZZ_CHECK(memchr(t->label, '\0', sizeof t->label) != NULL);
    FUZZ_CHECK(t->port >= 1 && t->port <= 65535);
    FUZZ_CHECK(t->snmp.port == t->port);
    if (opts != NULL && (i < from + 4 || i + 4 >= list->count))
      fuzz_check_label(t, opts);
  }
}

#endif
