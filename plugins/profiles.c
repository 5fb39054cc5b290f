/* SPDX-License-Identifier: MIT */
#include "profiles.h"

/* Adding a vendor: one file with its `const struct pp_profile`, one row
 * here, above the generic profile that catches everything else. */
const struct pp_profile *const pp_profiles[] = {
    &pp_profile_epson,  &pp_profile_hp,      &pp_profile_sharp,
    &pp_profile_konica, &pp_profile_generic, NULL,
};
