/* SPDX-License-Identifier: MIT */
#include "np_extra_opts.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pp_str.h"

#define LINE_MAX_LEN 4096 /* bytes of one line */
#define PATH_MAX_LEN 4096
#define EXTRA_OPTS "--extra-opts"

/* The names and places the monitoring-plugins look in, in their order. */
static const char *const file_names[] = {"monitoring-plugins.ini",
                                         "plugins.ini", "nagios-plugins.ini"};
static const char *const standard_files[] = {
    "/usr/local/etc/monitoring-plugins/monitoring-plugins.ini",
    "/usr/local/etc/monitoring-plugins.ini",
    "/etc/monitoring-plugins/monitoring-plugins.ini",
    "/etc/monitoring-plugins.ini",
    "/etc/nagios/plugins.ini",
    "/usr/local/nagios/etc/plugins.ini",
    "/usr/local/etc/nagios/plugins.ini",
    "/etc/opt/nagios/plugins.ini",
    "/etc/nagios-plugins.ini",
    "/usr/local/etc/nagios-plugins.ini",
    "/etc/opt/nagios-plugins.ini",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void np_arg_list_free(struct np_arg_list *list) {
  for (size_t i = 0; i < list->count; i++) {
    /* An option may carry a community or a passphrase. */
    explicit_bzero(list->args[i], strlen(list->args[i]));
    free(list->args[i]);
  }
  free(list->args);
  *list = (struct np_arg_list){0};
}

static int push(struct np_arg_list *list, char *arg) {
  if (arg == NULL)
    return -1;
  char **grown = realloc(list->args, (list->count + 1) * sizeof(*grown));
  if (grown == NULL) {
    free(arg);
    return -1;
  }
  list->args = grown;
  list->args[list->count++] = arg;
  return 0;
}

static char *trim(char *s) {
  while (isspace((unsigned char)*s))
    s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
  return s;
}

/* "[ name ]" -> whether it names section; -1 when the ']' is missing. */
static int section_matches(char *line, const char *section) {
  char *end = strchr(line, ']');
  if (end == NULL)
    return -1;
  *end = '\0';
  return strcmp(trim(line + 1), section) == 0;
}

/* "key = value" -> "--key=value", "k = v" -> "-kv", "key =" -> "--key":
 * one argument per line, whatever getopt will make of it. */
static int add_option(char *line, struct np_arg_list *out, const char **why) {
  char *eq = strchr(line, '=');
  if (eq == NULL) {
    *why = "no '=' in an option line";
    return -1;
  }
  *eq = '\0';
  const char *key = trim(line);
  const char *value = trim(eq + 1);
  if (key[0] == '\0') {
    *why = "an option line without a name";
    return -1;
  }
  char *arg = NULL;
  int n = strlen(key) == 1   ? asprintf(&arg, "-%s%s", key, value)
          : value[0] == '\0' ? asprintf(&arg, "--%s", key)
                             : asprintf(&arg, "--%s=%s", key, value);
  if (n < 0 || push(out, arg) != 0) {
    *why = "out of memory";
    return -1;
  }
  return 0;
}

/* One line: a comment, a section header, or an option of ours. */
static int ini_line(char *line, const char *section, bool *in_any,
                    bool *in_ours, struct np_arg_list *out, const char **why) {
  char *text = trim(line);
  if (text[0] == '\0' || text[0] == '#' || text[0] == ';')
    return 0;
  if (text[0] == '[') {
    int m = section_matches(text, section);
    if (m < 0) {
      *why = "section name without ']'";
      return -1;
    }
    *in_any = true;
    *in_ours = m == 1;
    return 0;
  }
  if (!*in_any) {
    *why = "option before any [section]";
    return -1;
  }
  return *in_ours ? add_option(text, out, why) : 0;
}

int np_ini_parse(FILE *f, const char *file, const char *section,
                 struct np_arg_list *out, char *err, size_t errlen) {
  bool in_any = false, in_ours = false;
  size_t taken = out->count;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int rc = 0;
  for (unsigned lineno = 1; rc == 0 && (n = getline(&line, &cap, f)) != -1;
       lineno++) {
    const char *why = NULL;
    if ((size_t)n > LINE_MAX_LEN)
      why = "line too long";
    else if (memchr(line, '\0', (size_t)n) != NULL)
      why = "NUL byte in the line"; /* it would cut the line unseen */
    else
      ini_line(line, section, &in_any, &in_ours, out, &why);
    if (why != NULL) {
      pp_errf(err, errlen, "%s:%u: %s", file, lineno, why);
      rc = -1;
    }
  }
  free(line);
  if (rc == 0 && out->count == taken) {
    pp_errf(err, errlen, "%s: no options in section [%s]", file, section);
    rc = -1;
  }
  return rc;
}

int np_ini_read(const char *file, const char *section, struct np_arg_list *out,
                char *err, size_t errlen) {
  bool from_stdin = strcmp(file, "-") == 0;
  FILE *f = from_stdin ? stdin : fopen(file, "r");
  if (f == NULL) {
    pp_errf(err, errlen, "cannot read %s: %s", file, strerror(errno));
    return -1;
  }
  int rc = np_ini_parse(f, file, section, out, err, errlen);
  if (!from_stdin)
    fclose(f);
  return rc;
}

static const char *file_in_config_path(void) {
  static char found[PATH_MAX_LEN];
  const char *path = getenv("NAGIOS_CONFIG_PATH");
  if (path == NULL)
    return NULL;
  char dirs[PATH_MAX_LEN];
  pp_strlcpy(dirs, path, sizeof(dirs));
  char *save = NULL;
  for (char *dir = strtok_r(dirs, ":", &save); dir != NULL;
       dir = strtok_r(NULL, ":", &save)) {
    for (size_t i = 0; i < COUNT(file_names); i++) {
      int n = snprintf(found, sizeof(found), "%s/%s", dir, file_names[i]);
      if (n > 0 && (size_t)n < sizeof(found) && access(found, F_OK) == 0)
        return found;
    }
  }
  return NULL;
}

const char *np_ini_default_file(void) {
  const char *file = getenv("MP_CONFIG_FILE");
  if (file != NULL && file[0] != '\0')
    return file;
  if ((file = file_in_config_path()) != NULL)
    return file;
  for (size_t i = 0; i < COUNT(standard_files); i++) {
    if (access(standard_files[i], F_OK) == 0)
      return standard_files[i];
  }
  return NULL;
}

/* "section@file", "@file", "section" or NULL. */
static int read_locator(const char *locator, const char *progname,
                        struct np_arg_list *out, char *err, size_t errlen) {
  char section[256];
  const char *at = locator != NULL ? strchr(locator, '@') : NULL;
  size_t len = locator == NULL ? 0
               : at != NULL    ? (size_t)(at - locator)
                               : strlen(locator);
  if (len >= sizeof(section)) {
    pp_errf(err, errlen, "--extra-opts: section name too long");
    return -1;
  }
  if (len > 0) {
    memcpy(section, locator, len);
    section[len] = '\0';
  } else {
    pp_strlcpy(section, progname, sizeof(section));
  }
  const char *file = at != NULL ? at + 1 : np_ini_default_file();
  if (file == NULL || file[0] == '\0') {
    pp_errf(err, errlen,
            "--extra-opts: no file named and none in the standard places "
            "(MP_CONFIG_FILE, NAGIOS_CONFIG_PATH, /etc/monitoring-plugins.ini, "
            "...)");
    return -1;
  }
  return np_ini_read(file, section, out, err, errlen);
}

/* Whether argv[i] is an --extra-opts; sets *locator (NULL: defaults) and
 * *used (1 or 2 arguments). */
static bool is_extra_opts(int argc, char **argv, int i, const char **locator,
                          int *used) {
  const char *a = argv[i];
  size_t n = strlen(EXTRA_OPTS);
  if (strncmp(a, EXTRA_OPTS "=", n + 1) == 0) {
    *locator = a + n + 1;
    *used = 1;
    return true;
  }
  if (strcmp(a, EXTRA_OPTS) != 0)
    return false;
  bool has_value = i + 1 < argc && argv[i + 1][0] != '-';
  *locator = has_value ? argv[i + 1] : NULL;
  *used = has_value ? 2 : 1;
  return true;
}

int np_extra_opts(int *argc, char ***argv, const char *progname, int *first_cli,
                  char *err, size_t errlen) {
  char **in = *argv;
  struct np_arg_list from_files = {0};
  char **rest = calloc((size_t)*argc + 1, sizeof(*rest));
  if (rest == NULL) {
    pp_errf(err, errlen, "out of memory");
    return -1;
  }
  int rest_count = 0;
  for (int i = 1; i < *argc;) {
    const char *locator;
    int used;
    if (!is_extra_opts(*argc, in, i, &locator, &used)) {
      rest[rest_count++] = in[i++];
      continue;
    }
    if (read_locator(locator, progname, &from_files, err, errlen) != 0) {
      free(rest);
      np_arg_list_free(&from_files);
      return -1;
    }
    i += used;
  }
  size_t total = 1 + from_files.count + (size_t)rest_count;
  char **out = calloc(total + 1, sizeof(*out));
  if (out == NULL) {
    free(rest);
    np_arg_list_free(&from_files);
    pp_errf(err, errlen, "out of memory");
    return -1;
  }
  out[0] = in[0];
  /* The strings now belong to the new vector, for the life of the check. */
  for (size_t i = 0; i < from_files.count; i++)
    out[1 + i] = from_files.args[i];
  for (int i = 0; i < rest_count; i++)
    out[1 + from_files.count + (size_t)i] = rest[i];
  *first_cli = 1 + (int)from_files.count;
  *argc = (int)total;
  *argv = out;
  free(from_files.args);
  free(rest);
  return 0;
}
