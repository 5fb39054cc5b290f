/* SPDX-License-Identifier: MIT */
/* Targets: where to poll and with which SNMP settings. */
#ifndef PP_TARGET_H
#define PP_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "pp_snmp_opts.h"

struct pp_target {
  char host[256]; /* name or numeric address, IPv6 without brackets */
  unsigned port;
  bool ipv6;       /* host is a numeric IPv6 address */
  char label[300]; /* how reports name it: "host" or "host:port" */
  struct pp_snmp_opts snmp;
};

/* Start from a zeroed list: struct pp_target_list list = {0}; */
struct pp_target_list {
  struct pp_target *items;
  size_t count;
  size_t cap;
};

/* Expansions larger than this are refused (a /8 typed by mistake). IPv6
 * blocks must therefore be /112 or longer. */
#define PP_TARGET_MAX_EXPANSION 65536
/* And no list holds more than this in all, whatever the number of specs or
 * file lines: the memory of a scan stays bounded. */
#define PP_TARGET_MAX_TOTAL 65536

/* Parses one target spec and appends what it names, each with a copy of
 * opts (its port replaced by an explicit ":port"):
 *   printer1.example.com   host name
 *   192.0.2.7  192.0.2.7:1161  2001:db8::7  [2001:db8::7]:1161
 *   192.0.2.0/24           every host address of the block
 *   192.0.2.10-192.0.2.99  192.0.2.10-99   an inclusive range
 *   2001:db8::/126         every address of the block
 * Blocks and ranges may take a ":port" too ([2001:db8::/126]:1161); host bits
 * of a block are ignored. Names are checked, not resolved; numeric IPv6 is
 * stored in canonical form. A spec appends all its targets or none.
 * Returns 0, -EINVAL with a message naming the spec in err, or -ENOMEM. */
int pp_targets_add_spec(struct pp_target_list *list, const char *spec,
                        const struct pp_snmp_opts *opts, char *err,
                        size_t errlen);

/* Reads a site's address list: one or more specs per line, separated by
 * blanks or commas; '#' starts a comment, blank lines are ignored.
 * KEY=VALUE words after a line's specs set SNMP options (pp_snmp_opts_set
 * keys: community=..., version=1, port=...) for the targets of that line
 * only; a value with blanks, commas or '#' is double-quoted, with \" and \\
 * inside. A bare word after an option is refused. An error names the file
 * and line, never a value. Reading stops at the first error; targets of
 * earlier specs stay in the list. Returns 0, -EINVAL, or
 * -errno when the file cannot be read. */
int pp_targets_read_file(struct pp_target_list *list, const char *path,
                         const struct pp_snmp_opts *opts, char *err,
                         size_t errlen);

/* Wipes the copied secrets, frees, and leaves an empty list. */
void pp_targets_free(struct pp_target_list *list);

#endif
