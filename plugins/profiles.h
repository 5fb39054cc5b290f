/* SPDX-License-Identifier: MIT */
/* The vendor profile table: one row per vendor, generic last. */
#ifndef PLUGINS_PROFILES_H
#define PLUGINS_PROFILES_H

#include "pp_profile.h"

/* NULL-terminated; hand it to pp_poll. */
extern const struct pp_profile *const pp_profiles[];

extern const struct pp_profile pp_profile_generic;
extern const struct pp_profile pp_profile_epson;
extern const struct pp_profile pp_profile_hp;
extern const struct pp_profile pp_profile_sharp;
extern const struct pp_profile pp_profile_konica;
extern const struct pp_profile pp_profile_brother;
extern const struct pp_profile pp_profile_kyocera;
extern const struct pp_profile pp_profile_ricoh;
extern const struct pp_profile pp_profile_canon;
extern const struct pp_profile pp_profile_xerox;
extern const struct pp_profile pp_profile_fuji_xerox;
extern const struct pp_profile pp_profile_lexmark;
extern const struct pp_profile pp_profile_toshiba;
extern const struct pp_profile pp_profile_samsung;
extern const struct pp_profile pp_profile_oki;
extern const struct pp_profile pp_profile_dell;
extern const struct pp_profile pp_profile_zebra;
extern const struct pp_profile pp_profile_zebra_esi;

/* Maker's name for an enterprise number, NULL when unknown. */
const char *pp_maker_of_enterprise(uint32_t enterprise);

#endif
