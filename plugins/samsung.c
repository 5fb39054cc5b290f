/* SPDX-License-Identifier: MIT */
/* Samsung (enterprise 236; the printers are now sold by HP): identity from
 * sysDescr (docs/vendors.md, Samsung).
 *
 * sysDescr reads "Samsung <model>; V<firmware>; ...; S/N <serial>"
 * (LibreNMS). Its model is the exact one where hrDeviceDescr names a
 * series ("Samsung M408x Series" for an M4080FX), so it is preferred. The
 * serial may be empty after "S/N ". No meters: only small scripts name
 * Samsung's counters, unverified. */
#include <string.h>

#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

static const char *const samsung_descr[] = {"samsung", NULL};

/* The text of sysDescr from start up to the next ';', trimmed. */
static void descr_part(const char *start, char *out, size_t outlen) {
  char text[128];
  size_t n = strcspn(start, ";");
  if (n >= sizeof(text))
    n = sizeof(text) - 1;
  memcpy(text, start, n);
  text[n] = '\0';
  pp_text_copy(out, text, outlen);
}

static int samsung_decode(struct pp_varset *values, struct pp_printer *p) {
  (void)values;
  char text[128];
  pp_strlcpy(p->manufacturer, "Samsung", sizeof(p->manufacturer));
  const char *semi = strchr(p->sys_descr, ';');
  if (semi == NULL)
    return 0; /* not the layout this profile knows */
  descr_part(p->sys_descr, text, sizeof(text));
  if (text[0] != '\0')
    pp_strlcpy(p->model, text, sizeof(p->model));
  const char *fw = strstr(semi, "; V");
  if (fw != NULL) {
    descr_part(fw + 3, text, sizeof(text));
    vendor_fill_firmware(p, text);
  }
  const char *sn = strstr(p->sys_descr, "S/N ");
  if (sn != NULL) {
    descr_part(sn + 4, text, sizeof(text));
    vendor_fill_serial(p, text);
  }
  return 0;
}

const struct pp_profile pp_profile_samsung = {
    .name = "samsung",
    .enterprise = 236,
    .descr_match = samsung_descr,
    .decode = samsung_decode,
};
