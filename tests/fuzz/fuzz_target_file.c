/* SPDX-License-Identifier: MIT */
/* A site's target file: pp_targets_read_file() on the input, read from a
 * memory file so nothing is written to disk.
 *
 * Lines may set SNMP options (community=..., version=3, ...). Inputs naming
 * a *-file option are skipped: its value is a path the parser would open,
 * and the fuzzer must not read the machine's files (or block on a FIFO).
 * Inputs with more than a few blocks or ranges are skipped too: the list
 * stops at PP_TARGET_MAX_TOTAL, but filling it for every input would make
 * the fuzzer crawl (the unit tests check the limit).
 *
 * Checked: every target is whole and its label parses again into the same
 * target; an error says where. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_target_util.h"
#include "fuzz_util.h"
#include "pp_target.h"

#define MAX_EXPANSIONS 3

static int memfd = -1;
static char path[64];

static bool names_a_file(const uint8_t *data, size_t size) {
  for (size_t i = 0; i + 5 <= size; i++) {
    if (strncasecmp((const char *)data + i, "file=", 5) == 0)
      return true;
  }
  return false;
}

/* '/' or '-' before a digit: a block or a range. */
static size_t expansions(const uint8_t *data, size_t size) {
  size_t n = 0;
  for (size_t i = 0; i + 1 < size; i++) {
    if ((data[i] == '/' || data[i] == '-') && data[i + 1] >= '0' &&
        data[i + 1] <= '9')
      n++;
  }
  return n;
}

static void write_input(const uint8_t *data, size_t size) {
  if (memfd < 0) {
    memfd = memfd_create("targets", 0);
    FUZZ_CHECK(memfd >= 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
  }
  FUZZ_CHECK(ftruncate(memfd, 0) == 0);
  size_t done = 0;
  while (done < size) {
    ssize_t n = pwrite(memfd, data + done, size - done, (off_t)done);
    FUZZ_CHECK(n > 0);
    done += (size_t)n;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (names_a_file(data, size) || expansions(data, size) > MAX_EXPANSIONS)
    return 0;
  write_input(data, size);
  struct pp_snmp_opts opts;
  pp_snmp_opts_default(&opts);
  struct pp_target_list list = {0};
  char err[1024] = "";
  int rc = pp_targets_read_file(&list, path, &opts, err, sizeof err);
  FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
  if (rc != 0)
    FUZZ_CHECK(strstr(err, path) != NULL);
  /* A line's own options (a port=) change its labels: those are checked
   * only in files without options. */
  bool options = memchr(data, '=', size) != NULL;
  fuzz_check_targets(&list, 0, options ? NULL : &opts);
  pp_targets_free(&list);
  return 0;
}
