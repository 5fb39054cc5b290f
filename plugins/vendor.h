/* SPDX-License-Identifier: MIT */
/* What the makers' profiles share: reading one private scalar as text or
 * as a count, IEEE 1284 device id fields, filling identity only where the
 * standard MIBs left a gap, and meters that are the sum of their parts.
 * The OIDs and their sources are in docs/vendors.md. */
#ifndef PLUGINS_VENDOR_H
#define PLUGINS_VENDOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pp_decode.h"

/* The cleaned text of one value; "" when absent or not a string. */
void vendor_text(struct pp_varset *values, const char *oid, char *out,
                 size_t outlen);
/* The same for HP's PML strings, which start with the bytes 0x01 0x15:
 * the prefix goes before the text is cleaned. */
void vendor_pml_text(struct pp_varset *values, const char *oid, char *out,
                     size_t outlen);
/* One field of an IEEE 1284 device id ("MDL:HL-5370DW series;"): the
 * first of keys (each with its ':') that the id has; "" for none. */
void vendor_device_id_field(const char *id, const char *const *keys, char *out,
                            size_t outlen);

/* Whether a dotted OID (sysObjectID) is prefix or lies under it. */
bool vendor_oid_under(const char *oid, const char *prefix);

/* Identity from a private OID: only where the standard MIBs gave nothing
 * (a model that is only sysDescr is a gap too). */
void vendor_fill_model(struct pp_printer *p, const char *model);
void vendor_fill_serial(struct pp_printer *p, const char *serial);
void vendor_fill_firmware(struct pp_printer *p, const char *firmware);

/* A meter from one private scalar (a number at or above 0 only). */
bool vendor_meter(struct pp_varset *values, const char *oid,
                  struct pp_printer *p, const char *name, int unit);
/* name = a + b when both meters were read and name was not. */
bool vendor_meter_sum(struct pp_printer *p, const char *name, const char *a,
                      const char *b, int unit);

/* Rows of a private table walked as columns: calls row() for each value
 * of key_column whose index has index_len sub-identifiers, at most
 * VENDOR_MAX_ROWS times (a table of garbage stops there, and says so in
 * the printer's error). */
#define VENDOR_MAX_ROWS PP_MAX_TABLE_ROWS
typedef void (*vendor_row_fn)(struct pp_varset *values, const uint32_t *index,
                              size_t index_len, const struct pp_value *key,
                              struct pp_printer *p, void *ctx);
void vendor_each_row(struct pp_varset *values, const char *key_column,
                     size_t index_len, vendor_row_fn row, struct pp_printer *p,
                     void *ctx);
/* The value of column at the same index, NULL when absent. */
const struct pp_value *vendor_cell(struct pp_varset *values, const char *column,
                                   const uint32_t *index, size_t index_len);

#endif
