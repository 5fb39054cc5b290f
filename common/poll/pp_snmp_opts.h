/* SPDX-License-Identifier: MIT */
/* SNMP options: what they are, their defaults and checks, and setting them
 * by name: one table for the command line, target files, the Nagios checks
 * and the collectd configuration, so all of them accept the same values and
 * say the same things about bad ones. */
#ifndef PP_SNMP_OPTS_H
#define PP_SNMP_OPTS_H

#include <stdbool.h>
#include <stddef.h>

enum pp_snmp_version {
  PP_SNMP_V1 = 1,
  PP_SNMP_V2C = 2,
  PP_SNMP_V3 = 3,
};

enum pp_auth_proto {
  PP_AUTH_NONE = 0,
  PP_AUTH_MD5,
  PP_AUTH_SHA,
  PP_AUTH_SHA256,
  PP_AUTH_SHA512,
};

enum pp_priv_proto {
  PP_PRIV_NONE = 0,
  PP_PRIV_DES,
  PP_PRIV_AES, /* AES-128 */
  PP_PRIV_AES256,
};

#define PP_DEFAULT_PORT 161
#define PP_DEFAULT_TIMEOUT_MS 1000
#define PP_DEFAULT_RETRIES 2

/* SNMP settings of one target. Secrets live here only in memory: they come
 * from files or the environment, never from a command line or a log. */
struct pp_snmp_opts {
  enum pp_snmp_version version;
  char community[256];
  unsigned port;
  unsigned timeout_ms; /* first try; later tries back off */
  unsigned retries;
  char username[128];
  enum pp_auth_proto auth_proto;
  char auth_pass[256];
  enum pp_priv_proto priv_proto;
  char priv_pass[256];
  char context[128];
};

/* Version 2c, community "public", port 161, default timeout and retries. */
void pp_snmp_opts_default(struct pp_snmp_opts *opts);

/* Checks that the settings can work (v3 needs a user, authPriv needs both
 * passphrases of at least 8 characters, ...). Writes the reason to err. */
int pp_snmp_opts_check(const struct pp_snmp_opts *opts, char *err,
                       size_t errlen);

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
