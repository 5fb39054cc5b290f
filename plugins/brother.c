/* SPDX-License-Identifier: MIT */
/* Brother (enterprise 2435): serial, model, firmware and the scan count
 * (docs/vendors.md, Brother).
 *
 * Serial: brInfoSerialNumber (LibreNMS, the GLPI agent and Datadog
 * agree); never HP's serial OID, which Brother answers with garbage.
 * Model: the standard hrDeviceDescr first; else the mDNS printer name
 * without "Brother ", " series" and the "[mac]" suffix (LibreNMS), else
 * MDL of the device id. Firmware: "Ver.X" of brpsFirmwareDescription
 * (LibreNMS). No source gives Brother mono, colour, print or copy OIDs, so
 * there are none; the scan count is the GLPI agent's. */
#include <string.h>

#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define BROTHER_DEVICE_ID "1.3.6.1.4.1.2435.2.3.9.1.1.7.0"
#define BROTHER_SERIAL "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.1.0"
#define BROTHER_SCAN_TABLE "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.54.2.2.1.3"
#define BROTHER_SCANS BROTHER_SCAN_TABLE ".3"
#define BROTHER_FIRMWARE "1.3.6.1.4.1.2435.2.4.3.1240.6.5.0"
#define BROTHER_DNS_NAME "1.3.6.1.4.1.2435.2.4.3.2435.5.13.3.0"

static const char *const brother_scalars[] = {
    BROTHER_DEVICE_ID, BROTHER_SERIAL, BROTHER_FIRMWARE, BROTHER_DNS_NAME, NULL,
};
/* The scan count is one cell of a table: walked, since a scalar is asked
 * as GETNEXT of its parent and would find the table's first cell. */
static const char *const brother_columns[] = {BROTHER_SCAN_TABLE, NULL};
static const char *const brother_descr[] = {"brother nc-", NULL};

/* "Brother HL-5370DW series [001ba90ba752]" -> "HL-5370DW" */
static void model_of_dns_name(const char *name, char *out, size_t outlen) {
  char text[128];
  pp_strlcpy(text, name, sizeof(text));
  char *mac = strchr(text, '[');
  if (mac != NULL)
    *mac = '\0';
  char *series = strstr(text, " series");
  if (series != NULL)
    *series = '\0';
  const char *start = strncmp(text, "Brother ", 8) == 0 ? text + 8 : text;
  pp_text_copy(out, start, outlen);
}

/* "Firmware Ver.1.01 (08.12.12)" -> "1.01" */
static void firmware_of(const char *descr, char *out, size_t outlen) {
  out[0] = '\0';
  const char *ver = strstr(descr, "Ver.");
  if (ver == NULL)
    return;
  ver += 4;
  char text[64];
  size_t n = strcspn(ver, " \t");
  if (n >= sizeof(text))
    n = sizeof(text) - 1;
  memcpy(text, ver, n);
  text[n] = '\0';
  pp_text_copy(out, text, outlen);
}

static int brother_decode(struct pp_varset *values, struct pp_printer *p) {
  char text[256], model[128];
  pp_strlcpy(p->manufacturer, "Brother", sizeof(p->manufacturer));
  vendor_text(values, BROTHER_SERIAL, text, sizeof(text));
  vendor_fill_serial(p, text);
  vendor_text(values, BROTHER_DNS_NAME, text, sizeof(text));
  model_of_dns_name(text, model, sizeof(model));
  if (model[0] == '\0') {
    static const char *const keys[] = {"MDL:", NULL};
    vendor_text(values, BROTHER_DEVICE_ID, text, sizeof(text));
    vendor_device_id_field(text, keys, model, sizeof(model));
  }
  vendor_fill_model(p, model);
  vendor_text(values, BROTHER_FIRMWARE, text, sizeof(text));
  firmware_of(text, model, sizeof(model));
  vendor_fill_firmware(p, model);
  (void)vendor_meter(values, BROTHER_SCANS, p, "scan", PP_METER_IMAGES);
  return 0;
}

const struct pp_profile pp_profile_brother = {
    .name = "brother",
    .enterprise = 2435,
    .descr_match = brother_descr,
    .scalars = brother_scalars,
    .columns = brother_columns,
    .decode = brother_decode,
};
