/* SPDX-License-Identifier: MIT */
/* One target spec, as typed on the command line or found in a collectd
 * configuration: pp_targets_add_spec() on the input (up to its first NUL).
 *
 * Checked: a spec appends all its targets or none, never more than
 * PP_TARGET_MAX_EXPANSION; every target has a host, a label and a port in
 * range; a label parses again into the same target. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_target_util.h"
#include "fuzz_util.h"
#include "pp_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *spec = fuzz_strndup(data, size);
  struct pp_snmp_opts opts;
  pp_snmp_opts_default(&opts);
  /* A target already in the list: a failed spec must leave it alone. */
  struct pp_target_list list = {0};
  char err[512];
  FUZZ_CHECK(pp_targets_add_spec(&list, "192.0.2.1", &opts, err, sizeof err) ==
             0);
  int rc = pp_targets_add_spec(&list, spec, &opts, err, sizeof err);
  FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
  if (rc != 0) {
    FUZZ_CHECK(list.count == 1);
    FUZZ_CHECK(err[0] != '\0');
  } else {
    FUZZ_CHECK(list.count >= 2 && list.count - 1 <= PP_TARGET_MAX_EXPANSION);
  }
  fuzz_check_targets(&list, 1, &opts);
  pp_targets_free(&list);
  free(spec);
  return 0;
}
