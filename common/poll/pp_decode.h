/* SPDX-License-Identifier: MIT */
/* Decoding of the standard MIBs (SNMPv2-MIB system group, HOST-RESOURCES,
 * IF-MIB, Printer-MIB) from raw values into the data model. Pure: no SNMP. */
#ifndef PP_DECODE_H
#define PP_DECODE_H

#include "pp_model.h"
#include "pp_varset.h"

/* What every poll fetches: scalars by GET, columns by walking. */
extern const char *const pp_std_scalars[];
extern const char *const pp_std_columns[];

/* OIDs decoders refer to, as text. */
#define PP_OID_SYS_DESCR "1.3.6.1.2.1.1.1.0"
#define PP_OID_SYS_OBJECT_ID "1.3.6.1.2.1.1.2.0"
#define PP_OID_SYS_UPTIME "1.3.6.1.2.1.1.3.0"
#define PP_OID_SYS_NAME "1.3.6.1.2.1.1.5.0"

/* Fills identity, status, counters, supplies, alerts and console from the
 * standard MIBs. Returns 0 or -ENOMEM. */
int pp_decode_standard(struct pp_varset *values, struct pp_printer *printer);

/* Sets a meter unless an earlier source (the PWG counters, read first)
 * already gave it; false when it was not set. */
bool pp_meter_fill(struct pp_printer *p, const char *name, uint64_t value,
                   int unit);
/* The same from a value read: only a number at or above 0 is a count. */
bool pp_meter_fill_value(struct pp_printer *p, const char *name,
                         const struct pp_value *v, int unit);

/* The enterprise number of a sysObjectID (1.3.6.1.4.1.N...), 0 if none. */
uint32_t pp_enterprise_of(const struct pp_oid *sys_object_id);

/* Text of a string value, cleaned (see pp_clean_text); "" when absent or
 * not a string (a number is no name). */
void pp_value_text(const struct pp_value *value, char *out, size_t outlen);

/* Decodes hrPrinterDetectedErrorState octets into enum pp_error_bit bits. */
uint32_t pp_decode_error_state(const unsigned char *bytes, size_t len);

/* Whether a serial number is a placeholder ("", "0", "000000", "N/A",
 * "unknown", "none", "XXXXXXXX", ...). */
bool pp_serial_is_placeholder(const char *serial);

/* Formats 6 bytes as aa:bb:cc:dd:ee:ff; false (out empty) when the bytes are
 * not a usable MAC (wrong length, all zero, all 0xff). */
bool pp_format_mac(const unsigned char *bytes, size_t len, char *out,
                   size_t outlen);

#endif
