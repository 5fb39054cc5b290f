/* SPDX-License-Identifier: MIT */
/* One data model per printer: what every front end reads. */
#ifndef PP_MODEL_H
#define PP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A number that could not be read. Never reported as 0. */
#define PP_UNKNOWN INT64_MIN
/* A counter that could not be read. Counters are unsigned 64-bit (Counter64
 * goes past INT64_MAX); 2^64-1 itself is taken to mean "not read", a count
 * no printer reaches. */
#define PP_COUNT_UNKNOWN UINT64_MAX
/* percent that does not exist (special levels, no max, unreadable). */
#define PP_NO_PERCENT (-1)

/* hrPrinterDetectedErrorState bits, RFC 3805 order: bit 0x80 of byte 0 is
 * bit 0 here. */
enum pp_error_bit {
  PP_ERR_LOW_PAPER = 0,
  PP_ERR_NO_PAPER,
  PP_ERR_LOW_TONER,
  PP_ERR_NO_TONER,
  PP_ERR_DOOR_OPEN,
  PP_ERR_JAMMED,
  PP_ERR_OFFLINE,
  PP_ERR_SERVICE_REQUESTED,
  PP_ERR_INPUT_TRAY_MISSING,
  PP_ERR_OUTPUT_TRAY_MISSING,
  PP_ERR_MARKER_SUPPLY_MISSING,
  PP_ERR_OUTPUT_NEAR_FULL,
  PP_ERR_OUTPUT_FULL,
  PP_ERR_INPUT_TRAY_EMPTY,
  PP_ERR_OVERDUE_PREVENT_MAINT,
  PP_ERR_BIT_COUNT
};

/* RFC 3805 name of a bit ("lowToner"), NULL past the end. */
const char *pp_error_bit_name(unsigned bit);
/* Inverse, case-insensitive; -1 when unknown. */
int pp_error_bit_from_name(const char *name);

enum pp_supply_state {
  PP_SUPPLY_UNKNOWN = 0,
  PP_SUPPLY_OK,
  PP_SUPPLY_LOW,
  PP_SUPPLY_EMPTY,
  PP_SUPPLY_SOME_REMAINING, /* level -3: present and usable */
  PP_SUPPLY_MISSING,        /* cartridge not present */
  PP_SUPPLY_FAILED,         /* cartridge failure */
  PP_SUPPLY_NEAR_FULL,      /* receptacle */
  PP_SUPPLY_FULL,           /* receptacle */
};
const char *pp_supply_state_name(enum pp_supply_state state);

/* Percent at or below which a consumable is "low" and a receptacle
 * "near-full" (its free space). The checks have their own thresholds. */
#define PP_SUPPLY_LOW_PERCENT 10

struct pp_supply {
  int index;             /* prtMarkerSuppliesIndex, or a profile's own */
  char description[128]; /* cleaned printable UTF-8 */
  char colour[32];       /* "cyan", "black", ...; "" when not known */
  int type;              /* prtMarkerSuppliesTypeTC, 0 when unknown */
  bool receptacle;       /* filled, not consumed: level is free space */
  int unit;              /* prtMarkerSuppliesSupplyUnitTC, 0 when unknown */
  int64_t level;         /* raw, PP_UNKNOWN when unread (may be -1/-2/-3) */
  int64_t max;           /* raw, PP_UNKNOWN when unread */
  int percent;           /* 0..100 or PP_NO_PERCENT */
  enum pp_supply_state state;
};

/* "toner", "wasteToner", ... (prtMarkerSuppliesTypeTC), "other" for unknown
 * numbers. */
const char *pp_supply_type_name(int type);
/* "impressions", "sheets", "percent", ... (the unit TCs). */
const char *pp_counter_unit_name(int unit);
const char *pp_supply_unit_name(int unit);

enum pp_alert_severity {
  PP_ALERT_OTHER = 1,
  PP_ALERT_CRITICAL = 3,
  PP_ALERT_WARNING = 4,
  PP_ALERT_WARNING_BINARY = 5,
};
const char *pp_alert_severity_name(int severity);
/* prtAlertGroupTC name ("markerSupplies", "input", ...). */
const char *pp_alert_group_name(int group);

struct pp_alert {
  int index;
  int severity;   /* enum pp_alert_severity values, or what came */
  char group[32]; /* "input", "marker", ... or a profile's ("epson") */
  int group_index;
  int location;
  int code; /* prtAlertCode, or the profile's code */
  char description[160];
};

/* Paper trays (prtInputTable) and output bins (prtOutputTable). */
enum pp_tray_state {
  PP_TRAY_UNKNOWN = 0,
  PP_TRAY_OK,
  PP_TRAY_LOW,            /* input: little paper left */
  PP_TRAY_EMPTY,          /* input: no paper */
  PP_TRAY_SOME_REMAINING, /* level -3: at least one sheet (or room) left */
  PP_TRAY_NEAR_FULL,      /* output: little room left */
  PP_TRAY_FULL,           /* output: no room left */
  PP_TRAY_MISSING,        /* unavailable because broken: removed or failed */
};
const char *pp_tray_state_name(enum pp_tray_state state);

struct pp_tray {
  int index;      /* prtInputIndex / prtOutputIndex */
  bool output;    /* an output bin: level is the room left */
  bool manual;    /* a bypass / manual feed: empty most of the time */
  char name[64];  /* prtInputName / prtOutputName, else the unit's
                     description (prtInputDescription / prtOutputDescription),
                     cleaned */
  char media[64]; /* prtInputMediaName ("A4"); "" for bins */
  int type;       /* prtInputType / prtOutputType, 0 when unread */
  int unit;       /* PrtCapacityUnitTC of max and level, 0 when unread */
  int64_t max;    /* capacity, raw (-1 / -2 as came), PP_UNKNOWN unread */
  int64_t level;  /* sheets left / room left, raw, PP_UNKNOWN unread */
  int status;     /* PrtSubUnitStatusTC, -1 when unread */
  int percent;    /* 0..100 or PP_NO_PERCENT */
  enum pp_tray_state state;
};

/* "sheetFeedManual", "removableBin", ... (prtInputType / prtOutputType of
 * RFC 3805); "other" for numbers outside the MIB. The names the two tables
 * share (other, unknown, continuousFanFold) have the same number in both,
 * so a name alone gives the number back. */
const char *pp_tray_type_name(bool output, int type);
/* "sheets", "percent", ... (PrtCapacityUnitTC); "other" outside the MIB. */
const char *pp_capacity_unit_name(int unit);

/* Fills percent and state the way supplies get theirs: -1 and -2 say
 * nothing, -3 is "some remaining", a capacity of -1/-2 gives no percent,
 * unit percent (19) is its own percentage; a status "unavailable because
 * broken" is missing. */
void pp_tray_derive(struct pp_tray *tray);

/* Rows of the supplies and alert tables one printer keeps: the walk, the
 * decoder and the report parser all hold this many, so a printer read whole
 * is also reported and read back whole. */
#define PP_MAX_TABLE_ROWS 512

/* Room for every meter name in pp_meter_names and a few to spare. */
#define PP_MAX_VENDOR_COUNTERS 16

struct pp_counter {
  char name[24];  /* a pp_meter_names word: "colour", "mono", ... */
  uint64_t value; /* PP_COUNT_UNKNOWN if unread */
  int unit;       /* enum pp_meter_unit, 0 when unknown */
};

struct pp_counters {
  uint64_t total;    /* prtMarkerLifeCount of marker 1, PP_COUNT_UNKNOWN if
                        unread */
  int unit;          /* prtMarkerCounterUnit, 0 when unknown */
  uint64_t power_on; /* prtMarkerPowerOnCount, PP_COUNT_UNKNOWN if unread */
  struct pp_counter vendor[PP_MAX_VENDOR_COUNTERS];
  size_t vendor_count;
  /* Why the maker's meters and the total disagree, "" when they agree or
   * cannot be compared: reported, never "fixed". */
  char note[160];
  /* When these counters were read (Unix time, UTC), 0 when never: a bill
   * names the time of each reading, and a printer that stopped answering
   * keeps its last one (write_dss). */
  int64_t read_at;
};

/* hrPrinterStatus (RFC 2790); 0 when not read. */
enum pp_printer_status {
  PP_PRINTER_UNREAD = 0,
  PP_PRINTER_OTHER = 1,
  PP_PRINTER_UNKNOWN = 2,
  PP_PRINTER_IDLE = 3,
  PP_PRINTER_PRINTING = 4,
  PP_PRINTER_WARMUP = 5,
};

/* hrDeviceStatus (RFC 2790); 0 when not read. */
enum pp_device_status {
  PP_DEVICE_UNREAD = 0,
  PP_DEVICE_UNKNOWN = 1,
  PP_DEVICE_RUNNING = 2,
  PP_DEVICE_WARNING = 3,
  PP_DEVICE_TESTING = 4,
  PP_DEVICE_DOWN = 5,
};

/* prtMarkerSuppliesTypeTC (RFC 3805), the values the code names. */
enum pp_supply_type {
  PP_SUPPLY_TYPE_OTHER = 1,
  PP_SUPPLY_TYPE_UNKNOWN = 2,
  PP_SUPPLY_TYPE_TONER = 3,
  PP_SUPPLY_TYPE_WASTE_TONER = 4,
  PP_SUPPLY_TYPE_INK = 5,
  PP_SUPPLY_TYPE_INK_CARTRIDGE = 6,
  PP_SUPPLY_TYPE_INK_RIBBON = 7,
  PP_SUPPLY_TYPE_WASTE_INK = 8,
  PP_SUPPLY_TYPE_OPC = 9,
  PP_SUPPLY_TYPE_WASTE_WAX = 14,
  PP_SUPPLY_TYPE_FUSER = 15,
  PP_SUPPLY_TYPE_TONER_CARTRIDGE = 21,
  PP_SUPPLY_TYPE_WASTE_WATER = 24,
  PP_SUPPLY_TYPE_WASTE_PAPER = 26,
};

struct pp_status {
  int printer;     /* hrPrinterStatus: 1 other 2 unknown 3 idle 4 printing
                      5 warmup; 0 when unread */
  int device;      /* hrDeviceStatus: 1 unknown 2 running 3 warning
                      4 testing 5 down; 0 when unread */
  uint32_t errors; /* bit i set: enum pp_error_bit i */
  int error_bytes; /* 0 when unread, else 1 or 2 */
  bool asleep;     /* power save: does not page anyone */
};

const char *pp_printer_status_name(int status);
const char *pp_device_status_name(int status);

struct pp_printer {
  char address[300]; /* the target's label */
  bool reachable;
  char error[160]; /* why not reachable, or a partial read */

  char name[128];
  char manufacturer[64];
  char model[128];
  char serial[64];
  char firmware[64];
  char mac[18]; /* aa:bb:cc:dd:ee:ff or "" */
  char sys_descr[256];
  char sys_object_id[128];
  uint32_t enterprise;
  int64_t uptime_ticks; /* PP_UNKNOWN when unread */
  const char *profile;  /* name of the profile that decoded it */

  struct pp_status status;
  struct pp_counters counters;
  struct pp_supply *supplies;
  size_t supply_count;
  size_t supply_cap; /* room in supplies; pp_model.c's alone */
  struct pp_alert *alerts;
  size_t alert_count;
  size_t alert_cap;
  struct pp_tray *trays;
  size_t tray_count;
  size_t tray_cap;
  char console[160];

  /* How the poll went: for benchmarks and the collectd plugin. */
  unsigned requests;    /* PDUs sent, retries included */
  unsigned round_trips; /* answered requests */
  double duration_s;
  bool bulk_fallback; /* GETBULK failed; walked with GETNEXT */
};

/* Why a printer that answered was read only in part (the walk looped, the
 * deadline came, a table was cut at PP_MAX_TABLE_ROWS): the engine keeps
 * the first such reason in error. NULL for a complete read, and for a
 * printer that did not answer at all (error says why there). Every front
 * end states it: a cut table must not look complete. */
const char *pp_printer_partial(const struct pp_printer *printer);

/* Everything unknown, nothing allocated. */
void pp_printer_init(struct pp_printer *printer, const char *address);
/* Gives back the room the tables were grown by, once a printer is fully
 * read: a fleet keeps thousands of results at once. */
void pp_printer_shrink(struct pp_printer *printer);
void pp_printer_clear(struct pp_printer *printer);

/* Appends a zeroed supply / alert; NULL on allocation failure. */
struct pp_supply *pp_printer_add_supply(struct pp_printer *printer);
struct pp_alert *pp_printer_add_alert(struct pp_printer *printer);
struct pp_tray *pp_printer_add_tray(struct pp_printer *printer);
/* Adds or replaces a named vendor counter; false when the table is full. */
bool pp_printer_set_counter(struct pp_printer *printer, const char *name,
                            uint64_t value);

/* --- meters for billing (docs/vendors.md) --- */

/* What a meter counts. Impressions and sheets as prtMarkerCounterUnit has
 * them; images for scans, which put nothing on paper. */
enum pp_meter_unit {
  PP_METER_UNIT_UNKNOWN = 0,
  PP_METER_IMPRESSIONS,
  PP_METER_SHEETS,
  PP_METER_IMAGES,
};

/* The meter names a profile may report, in report order, NULL-terminated:
 * mono, colour, print, print_mono, print_colour, copy, copy_mono,
 * copy_colour, fax, scan, duplex, large_mono, large_colour. */
extern const char *const pp_meter_names[];
bool pp_meter_name_known(const char *name);
/* "impressions", "sheets", "images"; NULL for unknown. */
const char *pp_meter_unit_name(int unit);
/* Inverse; -1 when the name is none of them. */
int pp_meter_unit_from_name(const char *name);

/* Sets a meter a printer reported; false for a name outside
 * pp_meter_names, a value no printer can have, or a full table. */
bool pp_printer_set_meter(struct pp_printer *printer, const char *name,
                          uint64_t value, int unit);
/* The meter by that name, NULL when the printer did not report it. */
const struct pp_counter *pp_printer_meter(const struct pp_printer *printer,
                                          const char *name);
/* "2026-08-26T12:00:00Z" for a Unix time; false (and "") for 0 or a time
 * gmtime cannot express. */
bool pp_format_utc(int64_t t, char *out, size_t outlen);
/* Inverse, exactly that form; false for anything else. */
bool pp_parse_utc(const char *text, int64_t *out);

/* Compares mono + colour with the total and writes counters.note when
 * they differ; the figures themselves stay as the printer gave them. */
void pp_counters_check_sum(struct pp_printer *printer);

/* Fills percent and state from level, max, unit and receptacle, the
 * Printer-MIB way (special values -1/-2/-3, unit 19, level > max). */
void pp_supply_derive(struct pp_supply *supply);

#endif
