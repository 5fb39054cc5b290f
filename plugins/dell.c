/* SPDX-License-Identifier: MIT */
/* Dell (enterprise 674; the engines are Lexmark's, Fuji Xerox's or
 * Samsung's): identity (docs/vendors.md, Dell).
 *
 * Model: MODEL: of Dell's device id 674.10898.100.2.1.2.1.3.1 (LibreNMS);
 * it is preferred to hrDeviceDescr, which on Dell carries the serial and
 * firmware after the model. Firmware 674.10898.100.1.1.1.0 (LibreNMS).
 * Serial: the Printer-MIB's. No source names a Dell meter; the PWG
 * counters are read where the printer has them. */
#include <string.h>

#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define DELL_FIRMWARE "1.3.6.1.4.1.674.10898.100.1.1.1.0"
#define DELL_DEVICE_ID "1.3.6.1.4.1.674.10898.100.2.1.2.1.3.1"

static const char *const dell_scalars[] = {DELL_FIRMWARE, DELL_DEVICE_ID, NULL};
static const char *const dell_descr[] = {"dell", NULL};

static int dell_decode(struct pp_varset *values, struct pp_printer *p) {
  char id[512], text[128];
  pp_strlcpy(p->manufacturer, "Dell", sizeof(p->manufacturer));
  vendor_text(values, DELL_DEVICE_ID, id, sizeof(id));
  static const char *const keys[] = {"MODEL:", "MDL:", NULL};
  vendor_device_id_field(id, keys, text, sizeof(text));
  if (text[0] != '\0')
    pp_strlcpy(p->model, text, sizeof(p->model));
  vendor_text(values, DELL_FIRMWARE, text, sizeof(text));
  vendor_fill_firmware(p, text);
  return 0;
}

const struct pp_profile pp_profile_dell = {
    .name = "dell",
    .enterprise = 674,
    .descr_match = dell_descr,
    .scalars = dell_scalars,
    .decode = dell_decode,
};
