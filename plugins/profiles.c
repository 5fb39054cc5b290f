/* SPDX-License-Identifier: MIT */
#include "profiles.h"

/* Adding a vendor: one file with its `const struct pp_profile`, one row
 * here, above the generic profile that catches everything else. A maker is
 * picked by its enterprise number first, then by sysDescr in this order.
 * One row a line (clang-format off), so that rows merge one by one. */
// clang-format off
const struct pp_profile *const pp_profiles[] = {
    &pp_profile_epson,
    &pp_profile_hp,
    &pp_profile_sharp,
    &pp_profile_konica,
    &pp_profile_brother,
    &pp_profile_kyocera,
    &pp_profile_ricoh,
    &pp_profile_canon,
    &pp_profile_xerox,
    &pp_profile_fuji_xerox,
    &pp_profile_lexmark,
    &pp_profile_toshiba,
    &pp_profile_samsung,
    &pp_profile_oki,
    &pp_profile_dell,
    &pp_profile_zebra,
    &pp_profile_zebra_esi,
    &pp_profile_generic,
    NULL,
};
// clang-format on
