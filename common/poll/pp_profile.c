/* SPDX-License-Identifier: MIT */
#include "pp_profile.h"

#include "pp_str.h"

static bool descr_matches(const struct pp_profile *profile,
                          const char *sys_descr) {
  if (profile->descr_match == NULL || sys_descr == NULL)
    return false;
  for (const char *const *m = profile->descr_match; *m != NULL; m++) {
    if (pp_contains_ci(sys_descr, *m))
      return true;
  }
  return false;
}

static bool is_generic(const struct pp_profile *profile) {
  return profile->enterprise == 0 && profile->descr_match == NULL;
}

const struct pp_profile *
pp_profile_select(const struct pp_profile *const *table, uint32_t enterprise,
                  const char *sys_descr) {
  const struct pp_profile *generic = NULL;
  for (size_t i = 0; table[i] != NULL; i++) {
    if (enterprise != 0 && table[i]->enterprise == enterprise)
      return table[i];
  }
  for (size_t i = 0; table[i] != NULL; i++) {
    if (descr_matches(table[i], sys_descr))
      return table[i];
    if (is_generic(table[i]))
      generic = table[i];
  }
  return generic;
}
