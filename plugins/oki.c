/* SPDX-License-Identifier: MIT */
/* OKI (enterprise 2001): identity (docs/vendors.md, OKI).
 *
 * Model and serial from OKI's OIDs (the GLPI agent), else MODEL: of the
 * device id in HP's tree (LibreNMS), else "Attached to <model> Rev.<fw>"
 * of an OkiLAN print server's sysDescr (LibreNMS). No source names an OKI
 * meter. */
#include <string.h>

#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define OKI_DEVICE_ID "1.3.6.1.4.1.11.2.3.9.1.1.7.0"
#define OKI_MODEL "1.3.6.1.4.1.2001.1.1.1.1.11.1.10.25.0"
#define OKI_SERIAL "1.3.6.1.4.1.2001.1.1.1.1.11.1.10.45.0"

static const char *const oki_scalars[] = {OKI_DEVICE_ID, OKI_MODEL, OKI_SERIAL,
                                          NULL};
static const char *const oki_descr[] = {"oki okilan", NULL};

/* "... Attached to MC873 Rev.07.87 : ..." -> "MC873", "07.87" */
static void attached_to(const char *descr, char *model, char *firmware,
                        size_t len) {
  model[0] = firmware[0] = '\0';
  const char *at = strstr(descr, "Attached to ");
  if (at == NULL)
    return;
  at += strlen("Attached to ");
  char text[128];
  size_t n = strcspn(at, " :");
  if (n >= sizeof(text))
    n = sizeof(text) - 1;
  memcpy(text, at, n);
  text[n] = '\0';
  pp_text_copy(model, text, len);
  const char *rev = strstr(at, "Rev.");
  if (rev == NULL)
    return;
  rev += 4;
  n = strcspn(rev, " :");
  if (n >= sizeof(text))
    n = sizeof(text) - 1;
  memcpy(text, rev, n);
  text[n] = '\0';
  pp_text_copy(firmware, text, len);
}

static int oki_decode(struct pp_varset *values, struct pp_printer *p) {
  char text[256], model[128], firmware[128];
  pp_strlcpy(p->manufacturer, "OKI", sizeof(p->manufacturer));
  attached_to(p->sys_descr, model, firmware, sizeof(model));
  vendor_text(values, OKI_MODEL, text, sizeof(text));
  if (text[0] == '\0') {
    static const char *const keys[] = {"MODEL:", "MDL:", NULL};
    char id[512];
    vendor_text(values, OKI_DEVICE_ID, id, sizeof(id));
    vendor_device_id_field(id, keys, text, sizeof(text));
  }
  vendor_fill_model(p, text[0] != '\0' ? text : model);
  vendor_text(values, OKI_SERIAL, text, sizeof(text));
  vendor_fill_serial(p, text);
  vendor_fill_firmware(p, firmware);
  return 0;
}

const struct pp_profile pp_profile_oki = {
    .name = "oki",
    .enterprise = 2001,
    .descr_match = oki_descr,
    .scalars = oki_scalars,
    .decode = oki_decode,
};
