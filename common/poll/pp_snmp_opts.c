/* SPDX-License-Identifier: MIT */
#include "pp_snmp_opts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pp_secret.h"
#include "pp_str.h"

/* net-snmp refuses shorter USM passphrases (USM_LENGTH_P_MIN). */
#define PASSPHRASE_MIN 8
#define TIMEOUT_MAX_MS 60000
#define RETRIES_MAX 10
#define PORT_MAX 65535

/* ---- SNMP settings ---------------------------------------------------- */

void pp_snmp_opts_default(struct pp_snmp_opts *opts) {
  *opts = (struct pp_snmp_opts){
      .version = PP_SNMP_V2C,
      .port = PP_DEFAULT_PORT,
      .timeout_ms = PP_DEFAULT_TIMEOUT_MS,
      .retries = PP_DEFAULT_RETRIES,
      .auth_proto = PP_AUTH_NONE,
      .priv_proto = PP_PRIV_NONE,
  };
  memcpy(opts->community, "public", sizeof "public");
}

/* A field that fills its whole array has lost its terminator; strlen on it
 * would read past the struct. */
#define FIELD_LEN(field) strnlen((field), sizeof(field))
#define FIELD_OVERFLOWS(field) (FIELD_LEN(field) == sizeof(field))

/* Messages below name the field, never its value: several are secrets. */
static int opts_fail(char *err, size_t errlen, const char *what) {
  pp_errf(err, errlen, "%s", what);
  return -EINVAL;
}

static int check_transport(const struct pp_snmp_opts *opts, char *err,
                           size_t errlen) {
  if (opts->port < 1 || opts->port > PORT_MAX) {
    pp_errf(err, errlen, "port %u is outside 1..%d", opts->port, PORT_MAX);
    return -EINVAL;
  }
  if (opts->timeout_ms < 1 || opts->timeout_ms > TIMEOUT_MAX_MS) {
    pp_errf(err, errlen, "timeout %u ms is outside 1..%d ms", opts->timeout_ms,
            TIMEOUT_MAX_MS);
    return -EINVAL;
  }
  if (opts->retries > RETRIES_MAX) {
    pp_errf(err, errlen, "retries %u is outside 0..%d", opts->retries,
            RETRIES_MAX);
    return -EINVAL;
  }
  return 0;
}

static int check_community(const struct pp_snmp_opts *opts, char *err,
                           size_t errlen) {
  if (FIELD_OVERFLOWS(opts->community))
    return opts_fail(err, errlen, "community is too long");
  if (opts->community[0] == '\0') {
    pp_errf(err, errlen, "SNMP %s needs a community",
            opts->version == PP_SNMP_V1 ? "v1" : "v2c");
    return -EINVAL;
  }
  return 0;
}

static int check_auth(const struct pp_snmp_opts *opts, char *err,
                      size_t errlen) {
  switch (opts->auth_proto) {
  case PP_AUTH_NONE:
    return 0;
  case PP_AUTH_MD5:
  case PP_AUTH_SHA:
  case PP_AUTH_SHA256:
  case PP_AUTH_SHA512:
    break;
  default:
    pp_errf(err, errlen, "unknown auth protocol %d", (int)opts->auth_proto);
    return -EINVAL;
  }
  if (FIELD_OVERFLOWS(opts->auth_pass))
    return opts_fail(err, errlen, "auth passphrase is too long");
  if (FIELD_LEN(opts->auth_pass) < PASSPHRASE_MIN)
    return opts_fail(err, errlen,
                     "auth passphrase must have at least 8 characters");
  return 0;
}

static int check_priv(const struct pp_snmp_opts *opts, char *err,
                      size_t errlen) {
  switch (opts->priv_proto) {
  case PP_PRIV_NONE:
    return 0;
  case PP_PRIV_DES:
  case PP_PRIV_AES:
  case PP_PRIV_AES256:
    break;
  default:
    pp_errf(err, errlen, "unknown privacy protocol %d", (int)opts->priv_proto);
    return -EINVAL;
  }
  /* USM has no privacy without authentication (no authPriv without auth). */
  if (opts->auth_proto == PP_AUTH_NONE)
    return opts_fail(err, errlen, "privacy needs an auth protocol");
  if (FIELD_OVERFLOWS(opts->priv_pass))
    return opts_fail(err, errlen, "privacy passphrase is too long");
  if (FIELD_LEN(opts->priv_pass) < PASSPHRASE_MIN)
    return opts_fail(err, errlen,
                     "privacy passphrase must have at least 8 characters");
  return 0;
}

static int check_v3(const struct pp_snmp_opts *opts, char *err, size_t errlen) {
  if (FIELD_OVERFLOWS(opts->username))
    return opts_fail(err, errlen, "username is too long");
  if (opts->username[0] == '\0')
    return opts_fail(err, errlen, "SNMP v3 needs a username");
  if (FIELD_OVERFLOWS(opts->context))
    return opts_fail(err, errlen, "context is too long");
  int rc = check_auth(opts, err, errlen);
  if (rc != 0)
    return rc;
  return check_priv(opts, err, errlen);
}

int pp_snmp_opts_check(const struct pp_snmp_opts *opts, char *err,
                       size_t errlen) {
  int rc = check_transport(opts, err, errlen);
  if (rc != 0)
    return rc;
  switch (opts->version) {
  case PP_SNMP_V1:
  case PP_SNMP_V2C:
    return check_community(opts, err, errlen);
  case PP_SNMP_V3:
    return check_v3(opts, err, errlen);
  }
  pp_errf(err, errlen, "unknown SNMP version %d", (int)opts->version);
  return -EINVAL;
}

/* ---- Setting options by name ------------------------------------------ */

struct opt_name {
  const char *cli;
  const char *conf;
};

enum opt_key {
  OPT_VERSION,
  OPT_COMMUNITY,
  OPT_COMMUNITY_FILE,
  OPT_PORT,
  OPT_TIMEOUT,
  OPT_RETRIES,
  OPT_USER,
  OPT_AUTH_PROTO,
  OPT_AUTH_PASS_FILE,
  OPT_PRIV_PROTO,
  OPT_PRIV_PASS_FILE,
  OPT_CONTEXT,
  OPT_COUNT
};

static const struct opt_name names[OPT_COUNT] = {
    [OPT_VERSION] = {"version", "Version"},
    [OPT_COMMUNITY] = {"community", "Community"},
    [OPT_COMMUNITY_FILE] = {"community-file", "CommunityFile"},
    [OPT_PORT] = {"port", "Port"},
    [OPT_TIMEOUT] = {"timeout", "Timeout"},
    [OPT_RETRIES] = {"retries", "Retries"},
    [OPT_USER] = {"user", "Username"},
    [OPT_AUTH_PROTO] = {"auth-proto", "AuthProtocol"},
    [OPT_AUTH_PASS_FILE] = {"auth-pass-file", "AuthPassphraseFile"},
    [OPT_PRIV_PROTO] = {"priv-proto", "PrivacyProtocol"},
    [OPT_PRIV_PASS_FILE] = {"priv-pass-file", "PrivacyPassphraseFile"},
    [OPT_CONTEXT] = {"context", "Context"},
};

static int find_key(const char *key) {
  for (int i = 0; i < OPT_COUNT; i++) {
    if (strcasecmp(key, names[i].cli) == 0 ||
        strcasecmp(key, names[i].conf) == 0)
      return i;
  }
  return -1;
}

static int bad(char *err, size_t errlen, const char *key, const char *value,
               const char *why) {
  snprintf(err, errlen, "%s \"%s\": %s", key, value, why);
  return -EINVAL;
}

static int parse_uint(const char *value, unsigned long min, unsigned long max,
                      unsigned *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(value, &end, 10);
  if (errno != 0 || end == value || *end != '\0' || value[0] == '-' ||
      v < min || v > max)
    return -EINVAL;
  *out = (unsigned)v;
  return 0;
}

static int set_version(struct pp_snmp_opts *o, const char *value) {
  if (strcmp(value, "1") == 0)
    o->version = PP_SNMP_V1;
  else if (strcmp(value, "2") == 0 || strcasecmp(value, "2c") == 0)
    o->version = PP_SNMP_V2C;
  else if (strcmp(value, "3") == 0)
    o->version = PP_SNMP_V3;
  else
    return -EINVAL;
  return 0;
}

static int set_timeout(struct pp_snmp_opts *o, const char *value) {
  char *end;
  errno = 0;
  double seconds = strtod(value, &end);
  if (errno != 0 || end == value || *end != '\0' || !isfinite(seconds) ||
      seconds < 0.001 || seconds > 60)
    return -EINVAL;
  o->timeout_ms = (unsigned)lround(seconds * 1000);
  return 0;
}

static int set_auth_proto(struct pp_snmp_opts *o, const char *value) {
  static const struct {
    const char *name;
    enum pp_auth_proto proto;
  } protos[] = {{"MD5", PP_AUTH_MD5},       {"SHA", PP_AUTH_SHA},
                {"SHA1", PP_AUTH_SHA},      {"SHA-256", PP_AUTH_SHA256},
                {"SHA256", PP_AUTH_SHA256}, {"SHA-512", PP_AUTH_SHA512},
                {"SHA512", PP_AUTH_SHA512}};
  for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
    if (strcasecmp(value, protos[i].name) == 0) {
      o->auth_proto = protos[i].proto;
      return 0;
    }
  }
  return -EINVAL;
}

static int set_priv_proto(struct pp_snmp_opts *o, const char *value) {
  if (strcasecmp(value, "DES") == 0)
    o->priv_proto = PP_PRIV_DES;
  else if (strcasecmp(value, "AES") == 0 || strcasecmp(value, "AES128") == 0 ||
           strcasecmp(value, "AES-128") == 0)
    o->priv_proto = PP_PRIV_AES;
  else if (strcasecmp(value, "AES256") == 0 ||
           strcasecmp(value, "AES-256") == 0)
    o->priv_proto = PP_PRIV_AES256;
  else
    return -EINVAL;
  return 0;
}

static int set_text(char *dst, size_t size, const char *value) {
  if (value[0] == '\0' || strlen(value) >= size)
    return -EINVAL;
  pp_strlcpy(dst, value, size);
  return 0;
}

/* A missing file is a bad value (-EINVAL), not an unknown key (-ENOENT). */
static int secret_file(const char *path, char *out, size_t outlen, char *err,
                       size_t errlen) {
  return pp_secret_from_file(path, out, outlen, err, errlen) ? -EINVAL : 0;
}

int pp_snmp_opts_set(struct pp_snmp_opts *o, const char *key, const char *value,
                     char *err, size_t errlen) {
  int k = find_key(key);
  if (k < 0)
    return -ENOENT;
  switch ((enum opt_key)k) {
  case OPT_VERSION:
    return set_version(o, value)
               ? bad(err, errlen, key, value, "must be 1, 2c or 3")
               : 0;
  case OPT_COMMUNITY:
    /* The value is a secret: name the problem, not the value. */
    pp_secret_guard_process();
    if (set_text(o->community, sizeof(o->community), value) != 0) {
      snprintf(err, errlen, "%s: empty or too long", key);
      return -EINVAL;
    }
    return 0;
  case OPT_COMMUNITY_FILE:
    return secret_file(value, o->community, sizeof(o->community), err, errlen);
  case OPT_PORT:
    return parse_uint(value, 1, 65535, &o->port)
               ? bad(err, errlen, key, value, "must be 1..65535")
               : 0;
  case OPT_TIMEOUT:
    return set_timeout(o, value)
               ? bad(err, errlen, key, value, "must be seconds, 0.001..60")
               : 0;
  case OPT_RETRIES:
    return parse_uint(value, 0, 10, &o->retries)
               ? bad(err, errlen, key, value, "must be 0..10")
               : 0;
  case OPT_USER:
    return set_text(o->username, sizeof(o->username), value)
               ? bad(err, errlen, key, value, "empty or too long")
               : 0;
  case OPT_AUTH_PROTO:
    return set_auth_proto(o, value)
               ? bad(err, errlen, key, value,
                     "must be MD5, SHA, SHA-256 or SHA-512")
               : 0;
  case OPT_AUTH_PASS_FILE:
    return secret_file(value, o->auth_pass, sizeof(o->auth_pass), err, errlen);
  case OPT_PRIV_PROTO:
    return set_priv_proto(o, value)
               ? bad(err, errlen, key, value, "must be DES, AES or AES-256")
               : 0;
  case OPT_PRIV_PASS_FILE:
    return secret_file(value, o->priv_pass, sizeof(o->priv_pass), err, errlen);
  case OPT_CONTEXT:
    return set_text(o->context, sizeof(o->context), value)
               ? bad(err, errlen, key, value, "empty or too long")
               : 0;
  case OPT_COUNT:
    break;
  }
  return -ENOENT;
}

int pp_snmp_opts_from_env(struct pp_snmp_opts *o, char *err, size_t errlen) {
  static const struct {
    const char *name;
    size_t offset;
    size_t size;
  } vars[] = {
      {"PRINTPROBE_COMMUNITY", offsetof(struct pp_snmp_opts, community),
       sizeof(o->community)},
      {"PRINTPROBE_AUTH_PASS", offsetof(struct pp_snmp_opts, auth_pass),
       sizeof(o->auth_pass)},
      {"PRINTPROBE_PRIV_PASS", offsetof(struct pp_snmp_opts, priv_pass),
       sizeof(o->priv_pass)},
  };
  for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
    int e = pp_secret_from_env(vars[i].name, (char *)o + vars[i].offset,
                               vars[i].size, err, errlen);
    if (e != 0 && e != -ENOENT)
      return e;
  }
  return 0;
}
