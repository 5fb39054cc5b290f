/* SPDX-License-Identifier: MIT */
/* Vendor profiles: what to read beyond the standard MIBs, and how to decode
 * it. The core defines the shape; plugins/ holds the rows. */
#ifndef PP_PROFILE_H
#define PP_PROFILE_H

#include "pp_model.h"
#include "pp_varset.h"

#include <stddef.h>
#include <stdint.h>

struct pp_profile {
  const char *name;
  /* sysObjectID enterprise number; 0 matches any. */
  uint32_t enterprise;
  /* Case-insensitive substrings of sysDescr, hrDeviceDescr-free fallback for
   * devices that carry another maker's enterprise number; NULL-terminated,
   * may be NULL. */
  const char *const *descr_match;
  /* Extra scalars fetched with the first GET (dotted OIDs, full instance),
   * NULL-terminated, may be NULL. */
  const char *const *scalars;
  /* Extra table columns walked with the standard ones (dotted prefixes).
   * A walk never leaves its prefix, so a column is also the bound that keeps
   * requests out of subtrees that must never be touched. */
  const char *const *columns;
  /* Subtrees no request may ever name, for any device: the engine checks
   * every request OID against the never_request lists of all profiles.
   * NULL-terminated, may be NULL. */
  const char *const *never_request;
  /* Runs after the standard decoding, may fill or override the model. */
  int (*decode)(struct pp_varset *values, struct pp_printer *printer);
};

/* Picks the profile for a device: first by enterprise number of
 * sys_object_id, then by sysDescr substring; else the last row with
 * enterprise 0 and no match list (the generic one). The table is
 * NULL-terminated. */
const struct pp_profile *
pp_profile_select(const struct pp_profile *const *table, uint32_t enterprise,
                  const char *sys_descr);

#endif
