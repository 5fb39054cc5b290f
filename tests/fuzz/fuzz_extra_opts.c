/* SPDX-License-Identifier: MIT */
/* The --extra-opts ini reader (nagios/np_extra_opts.c): any bytes as a
 * file, read for the section "check_printer_status" and for "floor2".
 *
 * Checked: a file is taken or refused with a message that names it; what
 * is a list of arguments without line ends, one per line, each starting
 * with '-'. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_util.h"
#include "np_extra_opts.h"

static void check_args(const struct np_arg_list *args) {
  for (size_t i = 0; i < args->count; i++) {
    const char *a = args->args[i];
    FUZZ_CHECK(strchr(a, '\n') == NULL);
    FUZZ_CHECK(a[0] == '-' && a[1] != '\0');
  }
}

static void read_section(const uint8_t *data, size_t size,
                         const char *section) {
  FILE *f = fmemopen((void *)data, size, "r");
  if (f == NULL)
    return;
  struct np_arg_list args = {0};
  char err[512] = "";
  int rc = np_ini_parse(f, "fuzz.ini", section, &args, err, sizeof(err));
  fclose(f);
  if (rc == 0)
    check_args(&args);
  else
    FUZZ_CHECK(strstr(err, "fuzz.ini") != NULL);
  np_arg_list_free(&args);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0; /* fmemopen refuses an empty buffer */
  read_section(data, size, "check_printer_status");
  read_section(data, size, "floor2");
  return 0;
}
