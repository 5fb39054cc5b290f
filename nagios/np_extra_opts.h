/* SPDX-License-Identifier: MIT */
/* --extra-opts as the monitoring-plugins read it: options from a section of
 * an ini file, so that communities and SNMPv3 settings stay out of the
 * command definitions. "--extra-opts=[section][@file]": the section defaults
 * to the plugin's name, the file to $MP_CONFIG_FILE, then monitoring-
 * plugins.ini, plugins.ini or nagios-plugins.ini in a directory of
 * $NAGIOS_CONFIG_PATH, then the standard places (/etc/monitoring-
 * plugins.ini ...). A line "key=value" becomes "--key=value" ("-k value"
 * for one letter), "key=" becomes "--key"; lines starting with # or ; are
 * comments. The file's options come before the command line's, so the
 * command line wins. */
#ifndef NP_EXTRA_OPTS_H
#define NP_EXTRA_OPTS_H

#include <stddef.h>
#include <stdio.h>

/* Arguments read from the files, in order, owned by the list. */
struct np_arg_list {
  char **args;
  size_t count;
};

/* Reads section's options from file into out (appended). Returns 0, or -1
 * with a message naming the file and line in err: file unreadable, a line
 * outside any section, "=value" without a key, a line without '=', or the
 * section absent or empty (as the monitoring-plugins refuse it). */
int np_ini_read(const char *file, const char *section, struct np_arg_list *out,
                char *err, size_t errlen);

/* The same from an open stream; name is what messages call it. */
int np_ini_parse(FILE *f, const char *name, const char *section,
                 struct np_arg_list *out, char *err, size_t errlen);

/* The file --extra-opts reads when the locator names none; NULL when
 * there is none. The result is static or from getenv. */
const char *np_ini_default_file(void);

/* Replaces every --extra-opts[=locator] of argv (also "--extra-opts
 * locator") with the options it names, placed after argv[0] and before the
 * command line's own. *argc and *argv are updated (the new vector lives
 * until exit); *first_cli is the index of the first argument that came
 * from the command line. Returns 0, or -1 with err set. */
int np_extra_opts(int *argc, char ***argv, const char *progname, int *first_cli,
                  char *err, size_t errlen);

void np_arg_list_free(struct np_arg_list *list);

#endif
