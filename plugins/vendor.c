/* SPDX-License-Identifier: MIT */
#include "vendor.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pp_str.h"

void vendor_text(struct pp_varset *values, const char *oid, char *out,
                 size_t outlen) {
  pp_value_text(pp_varset_gets(values, oid), out, outlen);
}

void vendor_pml_text(struct pp_varset *values, const char *oid, char *out,
                     size_t outlen) {
  if (outlen == 0)
    return;
  out[0] = '\0';
  const struct pp_value *v = pp_varset_gets(values, oid);
  if (v == NULL || v->type != PP_V_OCTETS)
    return;
  const unsigned char *bytes = v->bytes;
  size_t len = v->len;
  /* PML's data type and length bytes, not text (docs/vendors.md, HP). */
  if (len >= 2 && bytes[0] == 0x01 && bytes[1] == 0x15) {
    bytes += 2;
    len -= 2;
  }
  pp_clean_text(bytes, len, out, outlen);
}

void vendor_device_id_field(const char *id, const char *const *keys, char *out,
                            size_t outlen) {
  out[0] = '\0';
  for (size_t k = 0; keys[k] != NULL; k++) {
    size_t key_len = strlen(keys[k]);
    /* A key starts the id or follows a ';' (and maybe a blank). */
    for (const char *p = id; (p = strstr(p, keys[k])) != NULL; p++) {
      const char *before = p;
      while (before > id && before[-1] == ' ')
        before--;
      if (before != id && before[-1] != ';')
        continue;
      char field[256];
      size_t n = strcspn(p + key_len, ";");
      if (n >= sizeof(field))
        n = sizeof(field) - 1;
      memcpy(field, p + key_len, n);
      field[n] = '\0';
      pp_text_copy(out, field, outlen);
      if (out[0] != '\0')
        return;
      break;
    }
  }
}

bool vendor_oid_under(const char *oid, const char *prefix) {
  size_t n = strlen(prefix);
  return strncmp(oid, prefix, n) == 0 && (oid[n] == '\0' || oid[n] == '.');
}

void vendor_fill_model(struct pp_printer *p, const char *model) {
  if (model[0] != '\0' &&
      (p->model[0] == '\0' || strcmp(p->model, p->sys_descr) == 0))
    pp_text_copy(p->model, model, sizeof(p->model));
}

void vendor_fill_serial(struct pp_printer *p, const char *serial) {
  if (p->serial[0] == '\0' && !pp_serial_is_placeholder(serial))
    pp_text_copy(p->serial, serial, sizeof(p->serial));
}

void vendor_fill_firmware(struct pp_printer *p, const char *firmware) {
  if (p->firmware[0] == '\0' && firmware[0] != '\0')
    pp_text_copy(p->firmware, firmware, sizeof(p->firmware));
}

bool vendor_meter(struct pp_varset *values, const char *oid,
                  struct pp_printer *p, const char *name, int unit) {
  return pp_meter_fill_value(p, name, pp_varset_gets(values, oid), unit);
}

bool vendor_meter_sum(struct pp_printer *p, const char *name, const char *a,
                      const char *b, int unit) {
  const struct pp_counter *x = pp_printer_meter(p, a);
  const struct pp_counter *y = pp_printer_meter(p, b);
  /* A sum that would wrap is no count. */
  if (x == NULL || y == NULL || y->value > UINT64_MAX - 1 - x->value)
    return false;
  return pp_meter_fill(p, name, x->value + y->value, unit);
}

const struct pp_value *vendor_cell(struct pp_varset *values, const char *column,
                                   const uint32_t *index, size_t index_len) {
  struct pp_oid col;
  if (pp_oid_parse(&col, column) != 0)
    return NULL;
  return pp_varset_get_at(values, &col, index, index_len);
}

void vendor_each_row(struct pp_varset *values, const char *key_column,
                     size_t index_len, vendor_row_fn row, struct pp_printer *p,
                     void *ctx) {
  struct pp_oid col;
  if (pp_oid_parse(&col, key_column) != 0)
    return;
  size_t cursor = 0, rows = 0;
  const struct pp_value *v;
  while ((v = pp_varset_next_under(values, &col, &cursor)) != NULL) {
    if (v->name.len != col.len + index_len)
      continue; /* not a row of this table's shape: ignored */
    if (rows++ == VENDOR_MAX_ROWS) {
      if (p->error[0] == '\0')
        snprintf(p->error, sizeof(p->error), "meter table cut off at %d rows",
                 VENDOR_MAX_ROWS);
      return;
    }
    row(values, &v->name.sub[col.len], index_len, v, p, ctx);
  }
}
