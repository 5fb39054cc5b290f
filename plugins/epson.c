/* Epson (enterprise 1248): identity, inks and maintenance boxes from Epson's
 * own MIB where the standard one is thin. See EPSON.md in the shared notes
 * for the sources. */
#include <stdio.h>
#include <string.h>

#include "pp_decode.h"
#include "pp_str.h"
#include "profiles.h"

#define EPSON_DEVICE_ID "1.3.6.1.4.1.1248.1.2.2.1.1.1.1.1"
#define EPSON_MODEL "1.3.6.1.4.1.1248.1.2.2.1.1.1.2.1"
#define EPSON_ST2 "1.3.6.1.4.1.1248.1.2.2.1.1.1.4.1"
#define EPSON_SERIAL "1.3.6.1.4.1.1248.1.2.2.1.1.1.5.1"
#define EPSON_MAC "1.3.6.1.4.1.1248.1.1.3.1.1.5.0"
#define EPSON_FIRMWARE_VERSION "1.3.6.1.4.1.1248.1.2.2.2.1.1.2"
#define EPSON_FIRMWARE_NAME "1.3.6.1.4.1.1248.1.2.2.2.1.1.3"
#define EPSON_FIRMWARE "1.3.6.1.4.1.1248.1.2.2.2.1.1.4"
#define EPSON_CONSUMABLES "1.3.6.1.4.1.1248.1.2.2.28.1.1"

/* A GET here runs commands (reset counters, write EEPROM): never asked. */
static const char *const epson_never[] = {"1.3.6.1.4.1.1248.1.2.2.44", NULL};

static const char *const epson_scalars[] = {
    EPSON_DEVICE_ID, EPSON_MODEL, EPSON_ST2, EPSON_SERIAL, EPSON_MAC, NULL,
};

/* Each walk is bounded to its own table, so none can step into .44. */
static const char *const epson_columns[] = {
    EPSON_FIRMWARE_VERSION, EPSON_FIRMWARE, EPSON_CONSUMABLES, NULL,
};

static const char *const epson_descr[] = {"epson", NULL};

/* "MDL:WF-C5790 Series;" out of an IEEE 1284 device id. */
static void device_id_field(const char *id, const char *key, char *out,
                            size_t outlen) {
  out[0] = '\0';
  const char *p = strstr(id, key);
  if (p == NULL)
    return;
  p += strlen(key);
  size_t n = strcspn(p, ";");
  if (n >= outlen)
    n = outlen - 1;
  memcpy(out, p, n);
  out[n] = '\0';
}

static void text_of(struct pp_varset *values, const char *oid, char *out,
                    size_t outlen) {
  pp_value_text(pp_varset_gets(values, oid), out, outlen);
}

/* Standard MIB first; Epson's own OIDs fill what it lacks. */
static void epson_identity(struct pp_varset *values, struct pp_printer *p) {
  char text[256];
  pp_strlcpy(p->manufacturer, "Epson", sizeof(p->manufacturer));
  text_of(values, EPSON_MODEL, text, sizeof(text));
  if (text[0] == '\0') {
    char id[512];
    text_of(values, EPSON_DEVICE_ID, id, sizeof(id));
    device_id_field(id, "MDL:", text, sizeof(text));
  }
  /* sysObjectID and sysDescr often name the print server, not the model */
  if (text[0] != '\0' &&
      (p->model[0] == '\0' || strcmp(p->model, p->sys_descr) == 0))
    pp_strlcpy(p->model, text, sizeof(p->model));
  if (p->model[0] == '\0')
    pp_strlcpy(p->model, p->sys_descr, sizeof(p->model));
  if (p->serial[0] == '\0') {
    text_of(values, EPSON_SERIAL, text, sizeof(text));
    if (!pp_serial_is_placeholder(text))
      pp_strlcpy(p->serial, text, sizeof(p->serial));
  }
  if (p->mac[0] == '\0') {
    const struct pp_value *mac = pp_varset_gets(values, EPSON_MAC);
    if (mac != NULL && mac->type == PP_V_OCTETS)
      pp_format_mac(mac->bytes, mac->len, p->mac, sizeof(p->mac));
  }
  if (p->firmware[0] == '\0') {
    struct pp_oid col;
    if (pp_oid_parse(&col, EPSON_FIRMWARE) == 0) {
      size_t cursor = 0;
      const struct pp_value *v = pp_varset_next_under(values, &col, &cursor);
      pp_value_text(v, p->firmware, sizeof(p->firmware));
    }
  }
}

static int epson_decode(struct pp_varset *values, struct pp_printer *p) {
  epson_identity(values, p);
  return 0;
}

const struct pp_profile pp_profile_epson = {
    .name = "epson",
    .enterprise = 1248,
    .descr_match = epson_descr,
    .scalars = epson_scalars,
    .columns = epson_columns,
    .never_request = epson_never,
    .decode = epson_decode,
};
