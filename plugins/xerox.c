/* SPDX-License-Identifier: MIT */
/* Xerox (enterprise 253), Fuji Xerox and FUJIFILM Business Innovation
 * (enterprise 297): identity and meters (docs/vendors.md, Xerox).
 *
 * Model: DES, else MDL, of Xerox's device id 253.8.51.1.2.1.20.1
 * (LibreNMS); FUJIFILM and Fuji Xerox keep the Printer-MIB serial.
 * Meters: xcmHrDevDetailTable 253.8.53.13.2.1.6.<dev>.20.<n> as the GLPI
 * agent reads it: 1.20.1 print, 1.20.34 print black, 1.20.33 print colour
 * (a ManageEngine template agrees on 33/34), 11.20.3 and 11.20.25 copy
 * black and colour, 10.20.11 + 10.20.12 scans to mail and network; copy
 * is the sum of its parts, as the GLPI agent makes it. No recording has
 * the table. */
#include <string.h>

#include "pp_str.h"
#include "profiles.h"
#include "vendor.h"

#define XEROX_DEVICE_ID "1.3.6.1.4.1.253.8.51.1.2.1.20.1"
#define XEROX_DETAIL "1.3.6.1.4.1.253.8.53.13.2.1.6"
#define XEROX_PRINT XEROX_DETAIL ".1.20.1"
#define XEROX_PRINT_COLOUR XEROX_DETAIL ".1.20.33"
#define XEROX_PRINT_MONO XEROX_DETAIL ".1.20.34"
#define XEROX_SCAN_MAIL XEROX_DETAIL ".10.20.11"
#define XEROX_SCAN_NETWORK XEROX_DETAIL ".10.20.12"
#define XEROX_COPY_MONO XEROX_DETAIL ".11.20.3"
#define XEROX_COPY_COLOUR XEROX_DETAIL ".11.20.25"

static const char *const xerox_scalars[] = {XEROX_DEVICE_ID, NULL};
/* Cells of one table share a parent, so they are walked as columns: a
 * scalar is asked as GETNEXT of its parent and would find only the first
 * cell. */
static const char *const xerox_columns[] = {
    XEROX_DETAIL ".1.20",
    XEROX_DETAIL ".10.20",
    XEROX_DETAIL ".11.20",
    NULL,
};
static const char *const xerox_descr[] = {"xerox", NULL};
static const char *const fuji_descr[] = {"fujifilm", "fuji xerox", NULL};

static void xerox_meters(struct pp_varset *values, struct pp_printer *p) {
  const int imp = PP_METER_IMPRESSIONS;
  (void)vendor_meter(values, XEROX_PRINT, p, "print", imp);
  (void)vendor_meter(values, XEROX_PRINT_MONO, p, "print_mono", imp);
  (void)vendor_meter(values, XEROX_PRINT_COLOUR, p, "print_colour", imp);
  (void)vendor_meter(values, XEROX_COPY_MONO, p, "copy_mono", imp);
  (void)vendor_meter(values, XEROX_COPY_COLOUR, p, "copy_colour", imp);
  (void)vendor_meter_sum(p, "copy", "copy_mono", "copy_colour", imp);
  uint64_t mail, network;
  const struct pp_value *a = pp_varset_gets(values, XEROX_SCAN_MAIL);
  const struct pp_value *b = pp_varset_gets(values, XEROX_SCAN_NETWORK);
  if (a != NULL && b != NULL && a->type != PP_V_OCTETS &&
      b->type != PP_V_OCTETS && pp_value_count(a, &mail) &&
      pp_value_count(b, &network) && network <= UINT64_MAX - 1 - mail)
    (void)pp_meter_fill(p, "scan", mail + network, PP_METER_IMAGES);
}

/* Fuji Xerox and FUJIFILM Business Innovation share enterprise 297; their
 * sysObjectIDs part at 297.1.11.93.1 and .2 (LibreNMS). sysDescr names the
 * maker where the profile was picked by it alone. */
#define FUJIFILM_OBJECT_IDS "1.3.6.1.4.1.297.1.11.93.2"

static const char *xerox_maker(const struct pp_printer *p) {
  if (pp_contains_ci(p->sys_descr, "fujifilm") ||
      vendor_oid_under(p->sys_object_id, FUJIFILM_OBJECT_IDS))
    return "FUJIFILM";
  if (pp_contains_ci(p->sys_descr, "fuji xerox") || p->enterprise == 297)
    return "Fuji Xerox";
  return "Xerox";
}

static int xerox_decode(struct pp_varset *values, struct pp_printer *p) {
  char id[512], model[128];
  pp_strlcpy(p->manufacturer, xerox_maker(p), sizeof(p->manufacturer));
  vendor_text(values, XEROX_DEVICE_ID, id, sizeof(id));
  static const char *const keys[] = {"DES:", "MDL:", NULL};
  vendor_device_id_field(id, keys, model, sizeof(model));
  vendor_fill_model(p, model);
  if (p->model[0] == '\0')
    pp_text_copy(p->model, p->sys_descr, sizeof(p->model));
  xerox_meters(values, p);
  return 0;
}

const struct pp_profile pp_profile_xerox = {
    .name = "xerox",
    .enterprise = 253,
    .descr_match = xerox_descr,
    .scalars = xerox_scalars,
    .columns = xerox_columns,
    .decode = xerox_decode,
};

const struct pp_profile pp_profile_fuji_xerox = {
    .name = "xerox",
    .enterprise = 297,
    .descr_match = fuji_descr,
    .scalars = xerox_scalars,
    .columns = xerox_columns,
    .decode = xerox_decode,
};
