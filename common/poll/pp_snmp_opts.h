/* SPDX-License-Identifier: MIT */
/* Setting SNMP options by name: one table for the command line, the Nagios
 * checks and the collectd configuration, so all three accept the same
 * values and say the same things about bad ones. */
#ifndef PP_SNMP_OPTS_H
#define PP_SNMP_OPTS_H

#include <stddef.h>

#include "pp_target.h"

/* Sets one option. key is a command-line name ("community-file") or a
 * collectd key ("CommunityFile"), case-insensitive. Keys:
 *   version (1, 2, 2c, 3), community, community-file, port, timeout
 *   (seconds, fractions allowed), retries, user, auth-proto (MD5, SHA,
 *   SHA-256, SHA-512), auth-pass-file, priv-proto (DES, AES, AES-256),
 *   priv-pass-file, context.
 * Returns 0, -ENOENT for an unknown key, or -EINVAL with a message naming
 * key and value (never a secret's value) in err. */
int pp_snmp_opts_set(struct pp_snmp_opts *opts, const char *key,
                     const char *value, char *err, size_t errlen);

/* Takes secrets from PRINTPROBE_COMMUNITY, PRINTPROBE_AUTH_PASS and
 * PRINTPROBE_PRIV_PASS when set (files and options given later win). */
int pp_snmp_opts_from_env(struct pp_snmp_opts *opts, char *err, size_t errlen);

#endif
