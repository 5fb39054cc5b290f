/* SPDX-License-Identifier: MIT */
/* Dell (enterprise 674; the engines are Lexmark's, Fuji Xerox's or
 * Samsung's): identity (docs/vendors.md, Dell).
 *
 * Model: MODEL: of Dell's device id 674.10898.100.2.1.2.1.3.1, else of the
 * one in Lexmark's tree 641.2.1.2.1.3.1 that Dells built by Lexmark answer
 * (LibreNMS); it is preferred to hrDeviceDescr, which on Dell carries the
 * serial and firmware after the model. Firmware 674.10898.100.1.1.1.0,
 * else Lexmark's 641.1.1.1.0 (LibreNMS). LibreNMS also reads a device id
 * in Xerox's tree (253.8.51.10.2.1.7.2.28110202): a cell deep inside a
 * table, which a scalar request (GETNEXT of its parent) would not find,
 * so it is not read.
 * Serial: the Printer-MIB's. No source names a Dell meter; the PWG
 * counters are read where the printer has them. */
#include <string.h>

#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define DELL_FIRMWARE "1.3.6.1.4.1.674.10898.100.1.1.1.0"
#define DELL_DEVICE_ID "1.3.6.1.4.1.674.10898.100.2.1.2.1.3.1"
#define LEXMARK_DEVICE_ID "1.3.6.1.4.1.641.2.1.2.1.3.1"
#define LEXMARK_FIRMWARE "1.3.6.1.4.1.641.1.1.1.0"

static const char *const dell_scalars[] = {
    DELL_FIRMWARE, DELL_DEVICE_ID, LEXMARK_DEVICE_ID, LEXMARK_FIRMWARE, NULL};

/* The text of the first of two OIDs that has one. */
static void first_text(struct pp_varset *values, const char *oid,
                       const char *fallback, char *out, size_t outlen) {
  vendor_text(values, oid, out, outlen);
  if (out[0] == '\0')
    vendor_text(values, fallback, out, outlen);
}
static const char *const dell_descr[] = {"dell", NULL};

static int dell_decode(struct pp_varset *values, struct pp_printer *p) {
  char id[512], text[128];
  pp_strlcpy(p->manufacturer, "Dell", sizeof(p->manufacturer));
  static const char *const keys[] = {"MODEL:", "MDL:", NULL};
  vendor_text(values, DELL_DEVICE_ID, id, sizeof(id));
  vendor_device_id_field(id, keys, text, sizeof(text));
  if (text[0] == '\0') {
    vendor_text(values, LEXMARK_DEVICE_ID, id, sizeof(id));
    vendor_device_id_field(id, keys, text, sizeof(text));
  }
  if (text[0] != '\0')
    pp_strlcpy(p->model, text, sizeof(p->model));
  first_text(values, DELL_FIRMWARE, LEXMARK_FIRMWARE, text, sizeof(text));
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
