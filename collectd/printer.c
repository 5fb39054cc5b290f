/* SPDX-License-Identifier: MIT */
/* collectd read plugin `printer`: the core's printer data model as collectd
 * values and notifications.
 *
 * One polling thread serves every <Printer "NAME"> and <Fleet "NAME">
 * block: it keeps one engine (pp_engine: shared sockets, SNMPv3 keys, one
 * loop), submits each block's poll once per the block's Interval, with a
 * deadline shorter than the interval, and the engine polls all blocks'
 * printers side by side; a block's result is kept under the block's mutex
 * when its last printer is done. The plugin's one read callback ("printer")
 * only dispatches finished results: a fleet of a thousand printers, some
 * switched off, never holds one of collectd's read threads for longer than
 * it takes to hand values to the daemon, and a thousand <Printer> blocks
 * cost what one <Fleet> of the same printers costs: one polling thread, one
 * engine, one read callback.
 *
 * What is dispatched (plugin "printer", plugin instance the block's NAME;
 * host: the <Printer>'s NAME, or per HostnameFrom for a fleet's printers;
 * types from collectd's stock types.db only):
 *   gauge-reachable        1 or 0, every poll, reachable or not
 *   duration-poll          seconds the poll of this printer took
 *   gauge-printer_status   hrPrinterStatus (1 other .. 5 warmup)
 *   gauge-device_status    hrDeviceStatus (1 unknown .. 5 down)
 *   gauge-errors           active hrPrinterDetectedErrorState bits (offline
 *                          while asleep is not one: pp_policy.h)
 *   gauge-asleep           1 in power save
 *   gauge-state            0 ok, 1 warning, 2 critical: the printer's
 *                          severity, as check_printer_status judges it
 *   gauge-alerts_critical, gauge-alerts_warning   prtAlertTable rows of
 *                          that severity (power-saver alerts of a printer
 *                          asleep do not count)
 *   derive-pages_total, derive-pages_power_on, derive-pages_<meter>
 *                          page counters and the maker's meters (mono,
 *                          colour, print_colour, scan, ...: the keys of the
 *                          report's counters, docs/vendors.md); a decrease
 *                          of the total is notified, and DERIVE's minimum 0
 *                          turns any rate that goes back into NaN
 *   percent-<supply name>  supply levels (names from pp_policy_supply_names,
 *                          as everywhere); for a receptacle (waste
 *                          toner) the free space. An unknown level is
 *                          never dispatched, in particular never as 0.
 *   percent-tray-<name>    paper left in a tray, room left in an output bin
 *                          (names from pp_policy_tray_names; the "tray-"
 *                          keeps them apart from supplies, whose names
 *                          have no '-'); unknown levels are not sent
 *
 * Contract with writers (write_dss builds fleet reports from it): page
 * values carry the meta string "printprobe:counter_unit" (impressions,
 * sheets; a meter's own unit, e.g. images for scans, where the maker gives
 * one). The gauge-reachable value list of each printer, dispatched last for
 * that printer and poll, carries "printprobe:address" and, when known,
 * "printprobe:manufacturer", "printprobe:model", "printprobe:serial",
 * "printprobe:firmware" and "printprobe:mac" (every value list does with
 * "IdentityOnEveryValue true": collectd copies each value list's meta data
 * into its write queue, 300 MiB a cycle for 10,000 printers), and
 * "printprobe:report": the printer's JSON object from
 * pp_report_json_printer(), i.e. exactly the fields of the core's privacy
 * allowlist, as in the fleet report ("ReportMeta false" leaves it out).
 * All values of one poll share one timestamp (when the poll ended).
 *
 * Notifications (type "gauge"): reachability (WARNING when a printer stops
 * answering: at night that is normal, so not a FAILURE; OKAY when it
 * answers again), the error condition (error bits and critical/warning
 * alerts; FAILURE or WARNING by the worst, OKAY when cleared; a printer
 * asleep is not offline), and a page counter that went backwards. Each is
 * sent once per change, never per interval. */
#include "collectd.h"

#include "plugin.h"
#include "utils/common/common.h"
#include "utils_complain.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pp_buf.h"
#include "pp_engine.h"
#include "pp_log.h"
#include "pp_model.h"
#include "pp_policy.h"
#include "pp_report.h"
#include "pp_report_parse.h"
#include "pp_snmp_opts.h"
#include "pp_str.h"
#include "pp_target.h"
#include "profiles.h"

#define PLUGIN_NAME "printer"
#define META_REPORT "printprobe:report"
/* One printer's JSON object; a printer with 40 supplies and 30 alerts
 * needs about 20 KiB. The bound is what write_dss reads back: a larger
 * object would be left out there. */
#define REPORT_LIMIT PP_REPORT_PARSE_MAX_INPUT
/* Part of the interval a poll may use: the rest is slack for dispatching. */
#define POLL_SHARE 0.8

enum block_kind { BLOCK_PRINTER, BLOCK_FLEET };
enum host_from { HOST_FROM_ADDRESS, HOST_FROM_NAME, HOST_FROM_SERIAL };

/* Notification severities ranked so that larger is worse. */
enum rank { RANK_OK = 0, RANK_WARNING, RANK_FAILURE };

struct collect {
  bool supplies, trays, counters, status, alerts, notifications, report;
  bool identity_every; /* identity meta data on every value, not only on
                          gauge-reachable */
};

/* What the read callback remembers of a printer between polls. Only the
 * read callback touches it, and collectd never runs one read callback twice
 * at a time, so it needs no lock. */
struct printer_state {
  bool seen;          /* a result was dispatched before */
  bool reachable;     /* in the last result */
  bool clash;         /* another printer of the fleet has the same host name */
  uint64_t condition; /* hash of active errors and alerts, 0 for none */
  uint64_t pages;     /* last total, PP_COUNT_UNKNOWN */
  char host[DATA_MAX_NAME_LEN]; /* last known name (HostnameFrom) */
  c_complain_t complaint;
  bool partial; /* the last read was cut short */
  c_complain_t partial_complaint;
};

struct poll_result {
  struct pp_printer *printers; /* NULL: nothing new */
  size_t count;
  cdtime_t time; /* when the poll ended: the values' timestamp */
  double seconds;
};

struct block {
  char name[DATA_MAX_NAME_LEN];
  enum block_kind kind;
  enum host_from host_from;
  struct collect collect;
  struct pp_target_list targets;
  struct pp_engine_opts engine;
  cdtime_t interval;
  struct printer_state *states; /* one per target */
  unsigned dispatches;

  /* Only the polling thread touches these three. */
  double next_due;            /* CLOCK_MONOTONIC seconds */
  bool polling;               /* a poll of this block is in the engine */
  struct poll_result running; /* its printers, filled by the engine */

  pthread_mutex_t lock;  /* guards latest */
  pthread_cond_t polled; /* signalled when a poll has ended or on stop */
  struct poll_result latest;

  struct block *next; /* every block: the polling thread goes through them */
};

/* Config, init, shutdown and free callbacks all run on collectd's main
 * thread; the polling thread reads the list only while it runs, and the
 * list changes only before it starts or after it has stopped. */
static struct block *blocks;
static bool config_failed;

/* The one polling thread. */
static pthread_t poller;
static bool poller_running; /* only the main thread reads or writes it */
static _Atomic bool stopping;
static pthread_mutex_t poller_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t poller_wake; /* signalled on stop */

static int printer_read(user_data_t *ud);

/* CLOCK_MONOTONIC: a clock step must not stall or rush the polls. */
static void init_monotonic_cond(pthread_cond_t *cond) {
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(cond, &attr);
  pthread_condattr_destroy(&attr);
}

static const char *kind_name(enum block_kind kind) {
  return kind == BLOCK_FLEET ? "Fleet" : "Printer";
}

/* --- logging --- */

static void log_from_core(enum pp_log_level level, const char *msg,
                          void *user_data) {
  (void)user_data;
  /* The core's levels are syslog's numbers, as are collectd's; its lines
   * start with the printer's address. */
  plugin_log((int)level, PLUGIN_NAME " plugin: %s", msg);
}

__attribute__((format(printf, 2, 3))) static void
config_error(const struct block *b, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  ERROR(PLUGIN_NAME " plugin: <%s \"%s\">: %s", kind_name(b->kind), b->name,
        msg);
}

/* --- the block's life --- */

static struct block *block_new(const char *name, enum block_kind kind) {
  struct block *b = calloc(1, sizeof(*b));
  if (b == NULL)
    return NULL;
  sstrncpy(b->name, name, sizeof(b->name));
  b->kind = kind;
  b->host_from = HOST_FROM_ADDRESS;
  b->collect = (struct collect){.supplies = true,
                                .trays = true,
                                .counters = true,
                                .status = true,
                                .alerts = true,
                                .notifications = true,
                                .report = true};
  pp_engine_opts_default(&b->engine);
  b->engine.cancel = &stopping;
  b->interval = plugin_get_interval();
  pthread_mutex_init(&b->lock, NULL);
  init_monotonic_cond(&b->polled);
  return b;
}

static void result_free(struct poll_result *r) {
  for (size_t i = 0; r->printers != NULL && i < r->count; i++)
    pp_printer_clear(&r->printers[i]);
  free(r->printers);
  *r = (struct poll_result){0};
}

/* Stops the polling thread. Idempotent: collectd may call the shutdown
 * callback and the read callbacks' free_func in either order, and no block
 * may be freed while the thread runs. Polls in progress are cancelled, so
 * shutdown does not wait for their deadlines. */
static void poller_stop(void) {
  if (!poller_running)
    return;
  pthread_mutex_lock(&poller_lock);
  atomic_store(&stopping, true);
  pthread_cond_signal(&poller_wake);
  pthread_mutex_unlock(&poller_lock);
  for (struct block *b = blocks; b != NULL; b = b->next) {
    pthread_mutex_lock(&b->lock);
    pthread_cond_broadcast(&b->polled);
    pthread_mutex_unlock(&b->lock);
  }
  pthread_join(poller, NULL);
  poller_running = false;
}

static void block_unlist(struct block *b) {
  for (struct block **p = &blocks; *p != NULL; p = &(*p)->next) {
    if (*p == b) {
      *p = b->next;
      return;
    }
  }
}

/* Stops the polling thread (a block may not go while it runs) and frees
 * the block. */
static void block_free(void *arg) {
  struct block *b = arg;
  if (b == NULL)
    return;
  poller_stop();
  block_unlist(b);
  result_free(&b->latest);
  result_free(&b->running);
  pp_targets_free(&b->targets); /* wipes the copied secrets */
  free(b->states);
  pthread_cond_destroy(&b->polled);
  pthread_mutex_destroy(&b->lock);
  free(b);
}

/* --- configuration --- */

/* One value of an option as text: the SNMP options take numbers
 * (Version 2, Timeout 1.5) as well as strings. */
static int option_text(const struct block *b, const oconfig_item_t *ci,
                       char *out, size_t outlen) {
  if (ci->values_num != 1) {
    config_error(b, "%s: wants exactly one value", ci->key);
    return -1;
  }
  const oconfig_value_t *v = &ci->values[0];
  if (v->type == OCONFIG_TYPE_STRING) {
    sstrncpy(out, v->value.string, outlen);
  } else if (v->type == OCONFIG_TYPE_NUMBER) {
    snprintf(out, outlen, "%.15g", v->value.number);
  } else {
    config_error(b, "%s %s: wants a string or a number", ci->key,
                 v->value.boolean ? "true" : "false");
    return -1;
  }
  return 0;
}

/* Shows an option's value in a message, whatever its type. */
static void option_shown(const oconfig_item_t *ci, char *out, size_t outlen) {
  out[0] = '\0';
  if (ci->values_num < 1)
    return;
  const oconfig_value_t *v = &ci->values[0];
  if (v->type == OCONFIG_TYPE_STRING)
    snprintf(out, outlen, "\"%s\"", v->value.string);
  else if (v->type == OCONFIG_TYPE_NUMBER)
    snprintf(out, outlen, "%g", v->value.number);
  else
    snprintf(out, outlen, "%s", v->value.boolean ? "true" : "false");
}

static int config_host_from(struct block *b, const oconfig_item_t *ci) {
  char value[32], shown[300];
  option_shown(ci, shown, sizeof(shown));
  if (b->kind != BLOCK_FLEET) {
    config_error(b, "HostnameFrom: only in a <Fleet> (a <Printer>'s host "
                    "name is its block name)");
    return -1;
  }
  if (option_text(b, ci, value, sizeof(value)) != 0)
    return -1;
  if (strcasecmp(value, "address") == 0)
    b->host_from = HOST_FROM_ADDRESS;
  else if (strcasecmp(value, "name") == 0)
    b->host_from = HOST_FROM_NAME;
  else if (strcasecmp(value, "serial") == 0)
    b->host_from = HOST_FROM_SERIAL;
  else {
    config_error(b, "HostnameFrom %s: must be address, name or serial", shown);
    return -1;
  }
  return 0;
}

static int config_interval(struct block *b, const oconfig_item_t *ci) {
  char shown[300];
  option_shown(ci, shown, sizeof(shown));
  cdtime_t interval = 0;
  if (cf_util_get_cdtime(ci, &interval) != 0 || interval == 0) {
    config_error(b, "Interval %s: must be a positive number of seconds", shown);
    return -1;
  }
  b->interval = interval;
  return 0;
}

static int config_max_inflight(struct block *b, const oconfig_item_t *ci) {
  char shown[300];
  option_shown(ci, shown, sizeof(shown));
  int n = 0;
  if (cf_util_get_int(ci, &n) != 0 || n < 1 || n > 100000) {
    config_error(b, "MaxInflight %s: must be 1..100000", shown);
    return -1;
  }
  b->engine.max_inflight = (unsigned)n;
  return 0;
}

/* Collect* and the other switches. Returns 1 when key is none of them. */
static int config_switch(struct block *b, const oconfig_item_t *ci) {
  static const struct {
    const char *key;
    size_t offset;
  } switches[] = {
      {"CollectSupplies", offsetof(struct collect, supplies)},
      {"CollectTrays", offsetof(struct collect, trays)},
      {"CollectCounters", offsetof(struct collect, counters)},
      {"CollectStatus", offsetof(struct collect, status)},
      {"CollectAlerts", offsetof(struct collect, alerts)},
      {"Notifications", offsetof(struct collect, notifications)},
      {"ReportMeta", offsetof(struct collect, report)},
      {"IdentityOnEveryValue", offsetof(struct collect, identity_every)},
  };
  for (size_t i = 0; i < STATIC_ARRAY_SIZE(switches); i++) {
    if (strcasecmp(ci->key, switches[i].key) != 0)
      continue;
    bool *flag = (bool *)((char *)&b->collect + switches[i].offset);
    if (cf_util_get_boolean(ci, flag) != 0) {
      char shown[300];
      option_shown(ci, shown, sizeof(shown));
      config_error(b, "%s %s: must be true or false", ci->key, shown);
      return -1;
    }
    return 0;
  }
  return 1;
}

/* Every option but Address; those wait until the SNMP settings they copy
 * are complete, wherever they stand in the block. */
static int config_option(struct block *b, struct pp_snmp_opts *snmp,
                         const oconfig_item_t *ci) {
  if (strcasecmp(ci->key, "Address") == 0)
    return 0;
  if (strcasecmp(ci->key, "HostnameFrom") == 0)
    return config_host_from(b, ci);
  if (strcasecmp(ci->key, "Interval") == 0)
    return config_interval(b, ci);
  if (strcasecmp(ci->key, "MaxInflight") == 0)
    return config_max_inflight(b, ci);
  int status = config_switch(b, ci);
  if (status <= 0)
    return status;
  if (ci->children_num > 0) {
    config_error(b, "<%s>: no blocks are allowed here", ci->key);
    return -1;
  }
  char value[1024], err[512] = "";
  if (option_text(b, ci, value, sizeof(value)) != 0)
    return -1;
  status = pp_snmp_opts_set(snmp, ci->key, value, err, sizeof(err));
  /* -ENOENT is also a missing CommunityFile; only that one says why. */
  if (status == -ENOENT && err[0] == '\0') {
    config_error(b, "unknown option \"%s\"", ci->key);
    return -1;
  }
  if (status != 0) {
    /* err names option and value, never a secret's value */
    config_error(b, "%s", err);
    return -1;
  }
  return 0;
}

static int config_addresses(struct block *b, const struct pp_snmp_opts *snmp,
                            const oconfig_item_t *ci) {
  for (int i = 0; i < ci->values_num; i++) {
    const oconfig_value_t *v = &ci->values[i];
    if (v->type != OCONFIG_TYPE_STRING) {
      char shown[300];
      option_shown(ci, shown, sizeof(shown));
      config_error(b, "Address %s: wants a string", shown);
      return -1;
    }
    char err[512] = "";
    if (pp_targets_add_spec(&b->targets, v->value.string, snmp, err,
                            sizeof(err)) != 0) {
      config_error(b, "Address \"%s\": %s", v->value.string, err);
      return -1;
    }
  }
  if (ci->values_num == 0) {
    config_error(b, "Address: wants a value");
    return -1;
  }
  return 0;
}

static int label_order(const void *a, const void *b) {
  const struct pp_target *const *x = a, *const *y = b;
  int c = strcmp((*x)->label, (*y)->label);
  if (c != 0)
    return c;
  return *x < *y ? -1 : *x > *y;
}

/* A fleet that names a printer twice (a block and an address inside it)
 * polls it once: twice would dispatch two values per interval under one
 * name. Keeps the first occurrence. */
static int dedupe_targets(struct block *b) {
  size_t n = b->targets.count;
  const struct pp_target **order = calloc(n, sizeof(*order));
  bool *drop = calloc(n, sizeof(*drop));
  if (order == NULL || drop == NULL) {
    free(order);
    free(drop);
    return -1;
  }
  for (size_t i = 0; i < n; i++)
    order[i] = &b->targets.items[i];
  qsort(order, n, sizeof(*order), label_order);
  size_t dropped = 0;
  for (size_t i = 1; i < n; i++) {
    if (strcmp(order[i]->label, order[i - 1]->label) == 0) {
      drop[order[i] - b->targets.items] = true;
      dropped++;
    }
  }
  free(order);
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    if (!drop[i])
      b->targets.items[kept++] = b->targets.items[i];
  }
  free(drop);
  b->targets.count = kept;
  if (dropped > 0)
    WARNING(PLUGIN_NAME " plugin: <Fleet \"%s\">: %zu addresses named more "
                        "than once are polled once",
            b->name, dropped);
  return 0;
}

/* Per printer: the policy's deadline, but never more than the block's
 * share of the interval, split among the waves MaxInflight makes. */
static void set_deadline(struct block *b, const struct pp_snmp_opts *snmp) {
  double timeout_s = snmp->timeout_ms / 1000.0;
  double all_tries = timeout_s * ((double)snmp->retries + 1);
  double usual =
      pp_policy_deadline_s(timeout_s, snmp->retries, b->engine.backoff);
  size_t inflight =
      b->engine.max_inflight ? b->engine.max_inflight : b->targets.count;
  size_t waves = (b->targets.count + inflight - 1) / inflight;
  double budget =
      CDTIME_T_TO_DOUBLE(b->interval) * POLL_SHARE / (waves ? waves : 1);
  b->engine.deadline_ms = (unsigned)fmax(1.0, fmin(usual, budget) * 1000);
  if (budget < all_tries)
    NOTICE(PLUGIN_NAME " plugin: <%s \"%s\">: Timeout and Retries take "
                       "%.1f s, a poll may take %.1f s: silent printers are "
                       "given up before their last retry",
           kind_name(b->kind), b->name, all_tries, budget);
}

static int block_finish(struct block *b, const struct pp_snmp_opts *snmp) {
  if (b->targets.count == 0) {
    config_error(b, "no Address given");
    return -1;
  }
  if (b->kind == BLOCK_PRINTER && b->targets.count != 1) {
    config_error(b,
                 "Address names %zu printers; a <Printer> polls one "
                 "(use a <Fleet> for blocks and ranges)",
                 b->targets.count);
    return -1;
  }
  if (dedupe_targets(b) != 0)
    return -1;
  set_deadline(b, snmp);
  b->states = calloc(b->targets.count, sizeof(*b->states));
  if (b->states == NULL)
    return -1;
  for (size_t i = 0; i < b->targets.count; i++) {
    b->states[i].pages = PP_COUNT_UNKNOWN;
    C_COMPLAIN_INIT(&b->states[i].complaint);
    C_COMPLAIN_INIT(&b->states[i].partial_complaint);
  }
  return 0;
}

static int block_parse(struct block *b, const oconfig_item_t *ci) {
  struct pp_snmp_opts snmp;
  pp_snmp_opts_default(&snmp);
  int status = 0;
  for (int i = 0; i < ci->children_num && status == 0; i++)
    status = config_option(b, &snmp, &ci->children[i]);
  char err[512] = "";
  if (status == 0 && pp_snmp_opts_check(&snmp, err, sizeof(err)) != 0) {
    config_error(b, "%s", err);
    status = -1;
  }
  for (int i = 0; i < ci->children_num && status == 0; i++) {
    if (strcasecmp(ci->children[i].key, "Address") == 0)
      status = config_addresses(b, &snmp, &ci->children[i]);
  }
  if (status == 0)
    status = block_finish(b, &snmp);
  /* the targets hold their own copies of the secrets */
  explicit_bzero(&snmp, sizeof(snmp));
  return status;
}

static bool block_name_taken(const char *name) {
  for (const struct block *b = blocks; b != NULL; b = b->next) {
    if (strcmp(b->name, name) == 0)
      return true;
  }
  return false;
}

/* The block joins the list the polling thread and the one read callback
 * go through; they are freed together (free_blocks). */
static int block_register(struct block *b) {
  b->next = blocks;
  blocks = b;
  return 0;
}

/* How often the read callback looks for finished polls: ten times per
 * interval (at least every second) of the block with the shortest one, so
 * that values wait little. Dispatching is cheap: the polls have their own
 * thread. vl.interval still says each block's interval. */
static cdtime_t read_check_interval(void) {
  cdtime_t check = 0;
  for (const struct block *b = blocks; b != NULL; b = b->next) {
    cdtime_t c = b->interval / 10;
    if (c < TIME_T_TO_CDTIME_T(1))
      c = b->interval < TIME_T_TO_CDTIME_T(1) ? b->interval
                                              : TIME_T_TO_CDTIME_T(1);
    if (check == 0 || c < check)
      check = c;
  }
  return check;
}

/* The read callback's free_func: the polling thread first, then every
 * block. */
static void free_blocks(void *arg) {
  (void)arg;
  poller_stop();
  while (blocks != NULL)
    block_free(blocks);
}

static int config_block(const oconfig_item_t *ci, enum block_kind kind) {
  if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_STRING ||
      ci->values[0].value.string[0] == '\0') {
    ERROR(PLUGIN_NAME " plugin: <%s>: wants one name, as in <%s \"lobby\">",
          ci->key, ci->key);
    return -1;
  }
  const char *name = ci->values[0].value.string;
  /* The name becomes a collectd host (a <Printer>) and part of file names:
   * collectd's csv and rrdtool writers refuse a path component starting
   * with a dot, so every value of such a block would be lost. */
  if (name[0] == '\0' || name[0] == '.' || strlen(name) >= DATA_MAX_NAME_LEN ||
      strchr(name, '/') != NULL) {
    ERROR(PLUGIN_NAME " plugin: <%s \"%s\">: the name must be 1 to %d "
                      "characters, without '/', not starting with '.'",
          ci->key, name, DATA_MAX_NAME_LEN - 1);
    return -1;
  }
  if (block_name_taken(name)) {
    ERROR(PLUGIN_NAME " plugin: <%s \"%s\">: a block of that name exists",
          ci->key, name);
    return -1;
  }
  struct block *b = block_new(name, kind);
  if (b == NULL) {
    ERROR(PLUGIN_NAME " plugin: <%s \"%s\">: out of memory", ci->key, name);
    return -1;
  }
  if (block_parse(b, ci) != 0) {
    block_free(b);
    return -1;
  }
  return block_register(b);
}

static int printer_config(oconfig_item_t *ci) {
  /* Reading a secret file may warn: collectd is single-threaded here. */
  pp_log_set_sink(log_from_core, NULL, PP_LOG_INFO);
  int status = 0;
  for (int i = 0; i < ci->children_num && status == 0; i++) {
    const oconfig_item_t *child = &ci->children[i];
    if (strcasecmp(child->key, "Printer") == 0)
      status = config_block(child, BLOCK_PRINTER);
    else if (strcasecmp(child->key, "Fleet") == 0)
      status = config_block(child, BLOCK_FLEET);
    else {
      ERROR(PLUGIN_NAME " plugin: unknown option \"%s\": wants <Printer> or "
                        "<Fleet> blocks",
            child->key);
      status = -1;
    }
  }
  if (status != 0)
    config_failed = true;
  return status;
}

/* --- the polling thread --- */

static void timespec_add(struct timespec *ts, cdtime_t d) {
  struct timespec add = CDTIME_T_TO_TIMESPEC(d);
  ts->tv_sec += add.tv_sec;
  ts->tv_nsec += add.tv_nsec;
  if (ts->tv_nsec >= 1000000000L) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000L;
  }
}

static double monotonic_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Called by the engine when the block's last printer is done: the result
 * becomes the block's latest, for its read callback. */
static void block_polled(void *user_data) {
  struct block *b = user_data;
  struct poll_result r = b->running;
  b->running = (struct poll_result){0};
  b->polling = false;
  if (atomic_load(&stopping)) {
    result_free(&r); /* cancelled: nobody dispatches it */
    return;
  }
  cdtime_t end = cdtime();
  r.seconds = CDTIME_T_TO_DOUBLE(end - r.time);
  r.time = end;
  pthread_mutex_lock(&b->lock);
  struct poll_result old = b->latest;
  b->latest = r;
  pthread_cond_broadcast(&b->polled);
  pthread_mutex_unlock(&b->lock);
  /* Not dispatched in time: the read callback fell behind. */
  result_free(&old);
}

/* Hands the block's poll to the engine; the next one is due an interval
 * after this one was (at once when polls overrun: no catching up). */
static void block_submit(struct pp_engine *engine, struct block *b,
                         double now) {
  double interval = CDTIME_T_TO_DOUBLE(b->interval);
  b->next_due += interval;
  if (b->next_due < now)
    b->next_due = now;
  size_t count = b->targets.count;
  struct poll_result r = {.count = count, .time = cdtime()};
  r.printers = calloc(count, sizeof(*r.printers));
  if (r.printers == NULL) {
    ERROR(PLUGIN_NAME " plugin: %s: out of memory for %zu printers", b->name,
          count);
    return;
  }
  b->running = r;
  b->polling = true;
  int err = pp_engine_submit(engine, b->targets.items, count, &b->engine,
                             b->running.printers, block_polled, b);
  if (err != 0) {
    ERROR(PLUGIN_NAME " plugin: %s: polling failed: %s", b->name,
          strerror(-err));
    b->polling = false;
    result_free(&b->running);
  }
}

/* Submits the blocks that are due; returns when the next one will be. */
static double submit_due(struct pp_engine *engine, double now) {
  double soonest = now + 1.0; /* look at the stop flag at least this often */
  for (struct block *b = blocks; b != NULL; b = b->next) {
    if (!b->polling && now >= b->next_due)
      block_submit(engine, b, now);
    if (!b->polling && b->next_due < soonest)
      soonest = b->next_due;
  }
  return soonest;
}

static void idle_until(double when) {
  double wait = when - monotonic_s();
  if (wait <= 0)
    return;
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += (time_t)wait;
  until.tv_nsec += (long)((wait - floor(wait)) * 1e9);
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&poller_lock);
  while (!atomic_load(&stopping) &&
         pthread_cond_timedwait(&poller_wake, &poller_lock, &until) !=
             ETIMEDOUT) {
  }
  pthread_mutex_unlock(&poller_lock);
}

/* Every block polls at once, then every its interval, until poller_stop. */
static void *poll_thread(void *arg) {
  struct pp_engine *engine = arg;
  double start = monotonic_s();
  for (struct block *b = blocks; b != NULL; b = b->next)
    b->next_due = start;
  while (!atomic_load(&stopping)) {
    double now = monotonic_s();
    double soonest = submit_due(engine, now);
    if (pp_engine_pending(engine) == 0) {
      idle_until(soonest);
      continue;
    }
    double wait_ms = ceil((soonest - now) * 1000);
    pp_engine_run(engine, wait_ms < 1 ? 1 : (int)wait_ms);
  }
  pp_engine_free(engine); /* cancels what is running */
  return NULL;
}

/* --- names of hosts and type instances --- */

/* collectd identifiers become file names (csv, rrdtool) and graphite paths:
 * no '/', blanks or quotes from a printer's sysName. */
static void clean_host(const char *in, char *out, size_t outlen) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)in;
       *p != '\0' && n + 1 < outlen; p++) {
    bool ok = (*p > 0x20 && *p < 0x7f && *p != '/' && *p != '\\' && *p != '"' &&
               *p != '\'');
    out[n++] = ok ? (char)*p : '_';
  }
  out[n] = '\0';
  /* A sysName "." or ".." (or ".hidden") would be a path component that
   * collectd's writers refuse; "_." keeps it recognisable. */
  if (out[0] == '.')
    out[0] = '_';
}

/* "wasteToner" -> "waste_toner", "Toner Schwarz" -> "toner_schwarz". */
static void clean_instance(const char *in, char *out, size_t outlen) {
  size_t n = 0;
  bool gap = false;
  char prev = '\0';
  for (const char *p = in; *p != '\0' && n + 2 < outlen; p++) {
    char c = *p;
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9');
    if (!alnum) {
      gap = n > 0;
      prev = '\0';
      continue;
    }
    bool upper = c >= 'A' && c <= 'Z';
    if (gap || (upper && prev >= 'a' && prev <= 'z'))
      out[n++] = '_';
    out[n++] = upper ? (char)(c - 'A' + 'a') : c;
    gap = false;
    prev = c;
  }
  out[n] = '\0';
}

/* The host name of a fleet's printer. Name and serial are remembered, so a
 * printer that stops answering keeps its name. */
static void choose_host(const struct block *b, struct printer_state *st,
                        const struct pp_printer *p) {
  const char *pick = NULL;
  if (b->kind == BLOCK_PRINTER)
    pick = b->name;
  else if (b->host_from == HOST_FROM_ADDRESS)
    pick = p->address;
  else if (b->host_from == HOST_FROM_NAME && p->name[0] != '\0')
    pick = p->name;
  else if (b->host_from == HOST_FROM_SERIAL && p->serial[0] != '\0')
    pick = p->serial;
  if (pick != NULL)
    clean_host(pick, st->host, sizeof(st->host));
  else if (st->host[0] == '\0')
    clean_host(p->address, st->host, sizeof(st->host));
}

static int state_host_order(const void *a, const void *b) {
  const struct printer_state *const *x = a, *const *y = b;
  return strcmp((*x)->host, (*y)->host);
}

/* Two printers with one sysName or one placeholder serial would write into
 * one series; those get their address appended. */
static void mark_clashes(struct block *b, size_t count) {
  if (b->kind == BLOCK_PRINTER || b->host_from == HOST_FROM_ADDRESS)
    return;
  struct printer_state **order = calloc(count, sizeof(*order));
  if (order == NULL)
    return;
  for (size_t i = 0; i < count; i++) {
    order[i] = &b->states[i];
    order[i]->clash = false;
  }
  qsort(order, count, sizeof(*order), state_host_order);
  for (size_t i = 1; i < count; i++) {
    if (strcmp(order[i]->host, order[i - 1]->host) == 0)
      order[i]->clash = order[i - 1]->clash = true;
  }
  free(order);
}

static void host_of(const struct printer_state *st, const struct pp_printer *p,
                    char *out, size_t outlen) {
  if (!st->clash) {
    sstrncpy(out, st->host, outlen);
    return;
  }
  char both[2 * DATA_MAX_NAME_LEN];
  snprintf(both, sizeof(both), "%.127s_%.127s", st->host, p->address);
  clean_host(both, out, outlen);
}

/* --- values --- */

static void submit(value_list_t *vl, const char *type,
                   const char *type_instance, value_t value) {
  vl->values = &value;
  vl->values_len = 1;
  sstrncpy(vl->type, type, sizeof(vl->type));
  sstrncpy(vl->type_instance, type_instance, sizeof(vl->type_instance));
  plugin_dispatch_values(vl); /* copies vl and its meta data */
  vl->values = NULL;
}

static void submit_gauge(value_list_t *vl, const char *type,
                         const char *type_instance, double v) {
  submit(vl, type, type_instance, (value_t){.gauge = v});
}

static void meta_add_known(meta_data_t *meta, const char *key,
                           const char *value) {
  if (value[0] != '\0')
    meta_data_add_string(meta, key, value);
}

static void add_identity_meta(meta_data_t *meta, const struct pp_printer *p) {
  meta_data_add_string(meta, "printprobe:address", p->address);
  meta_add_known(meta, "printprobe:manufacturer", p->manufacturer);
  meta_add_known(meta, "printprobe:model", p->model);
  meta_add_known(meta, "printprobe:serial", p->serial);
  meta_add_known(meta, "printprobe:firmware", p->firmware);
  meta_add_known(meta, "printprobe:mac", p->mac);
}

/* The meta data of every value list of p: its identity only when the
 * block asks for it on every value (else gauge-reachable carries it). */
static meta_data_t *value_meta(const struct block *b,
                               const struct pp_printer *p) {
  meta_data_t *meta = meta_data_create();
  if (meta != NULL && b->collect.identity_every)
    add_identity_meta(meta, p);
  return meta;
}

static void add_report_meta(const struct block *b, meta_data_t *meta,
                            const struct pp_printer *p) {
  struct pp_buf buf;
  pp_buf_init(&buf, REPORT_LIMIT);
  int err = pp_report_json_printer(p, &buf);
  if (err == 0)
    meta_data_add_string(meta, META_REPORT, buf.data);
  else
    WARNING(PLUGIN_NAME " plugin: %s/%s: no report: %s", b->name, p->address,
            strerror(-err));
  pp_buf_free(&buf);
}

static unsigned count_bits(uint32_t v) {
  unsigned n = 0;
  for (; v != 0; v &= v - 1)
    n++;
  return n;
}

static void submit_status(value_list_t *vl, const struct pp_printer *p) {
  const struct pp_status *s = &p->status;
  if (s->printer != 0)
    submit_gauge(vl, "gauge", "printer_status", s->printer);
  if (s->device != 0)
    submit_gauge(vl, "gauge", "device_status", s->device);
  if (s->error_bytes > 0)
    submit_gauge(vl, "gauge", "errors", count_bits(pp_policy_active_errors(p)));
  submit_gauge(vl, "gauge", "asleep", s->asleep ? 1 : 0);
  submit_gauge(vl, "gauge", "state", pp_policy_printer_severity(p));
}

static void submit_alerts(value_list_t *vl, const struct pp_printer *p) {
  unsigned critical = 0, warning = 0;
  for (size_t i = 0; i < p->alert_count; i++) {
    enum pp_severity sev = pp_policy_alert_severity(p, &p->alerts[i]);
    critical += sev == PP_SEV_CRITICAL;
    warning += sev == PP_SEV_WARNING;
  }
  submit_gauge(vl, "gauge", "alerts_critical", critical);
  submit_gauge(vl, "gauge", "alerts_warning", warning);
}

static void notify(const struct block *b, const value_list_t *vl,
                   const struct pp_printer *p, int severity,
                   const char *type_instance, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void submit_pages(value_list_t *vl, const char *name, uint64_t value) {
  /* DERIVE is signed 64-bit: a Counter64 past INT64_MAX cannot be one (the
   * report in the meta data still carries it whole). */
  if (value == PP_COUNT_UNKNOWN || value > INT64_MAX)
    return;
  char instance[DATA_MAX_NAME_LEN], clean[DATA_MAX_NAME_LEN - 8];
  clean_instance(name, clean, sizeof(clean));
  snprintf(instance, sizeof(instance), "pages_%s", clean);
  submit(vl, "derive", instance, (value_t){.derive = (derive_t)value});
}

/* One derive-pages_<meter> per meter the printer reports (mono, colour,
 * print_colour, scan, ...), named after its key in the report; each with
 * its own unit in the meta data, since a scan counts images. */
static void submit_meters(value_list_t *vl, const struct pp_counters *c) {
  for (size_t i = 0; i < c->vendor_count; i++) {
    const char *unit = pp_meter_unit_name(c->vendor[i].unit);
    bool tagged = unit != NULL && vl->meta != NULL;
    if (tagged)
      meta_data_add_string(vl->meta, "printprobe:counter_unit", unit);
    submit_pages(vl, c->vendor[i].name, c->vendor[i].value);
    if (tagged)
      meta_data_delete(vl->meta, "printprobe:counter_unit");
  }
}

/* DERIVE (min 0 in types.db): a counter that goes back turns into a NaN
 * rate, not a negative one, and not COUNTER's 2^32 wrap. It is reported
 * here, once, and the new value becomes the base. */
static void submit_counters(const struct block *b, struct printer_state *st,
                            value_list_t *vl, const struct pp_printer *p) {
  const struct pp_counters *c = &p->counters;
  /* impressions or sheets: on the page values only */
  bool unit = c->unit != 0 && vl->meta != NULL;
  if (unit)
    meta_data_add_string(vl->meta, "printprobe:counter_unit",
                         pp_counter_unit_name(c->unit));
  if (c->total != PP_COUNT_UNKNOWN) {
    if (st->pages != PP_COUNT_UNKNOWN && c->total < st->pages) {
      WARNING(PLUGIN_NAME " plugin: %s/%s: page counter went back from "
                          "%" PRIu64 " to %" PRIu64,
              b->name, p->address, st->pages, c->total);
      notify(b, vl, p, NOTIF_WARNING, "pages_total",
             "page counter went back from %" PRIu64 " to %" PRIu64
             " (reset or board swap)",
             st->pages, c->total);
    }
    st->pages = c->total;
  }
  submit_pages(vl, "total", c->total);
  submit_pages(vl, "power_on", c->power_on);
  if (unit)
    meta_data_delete(vl->meta, "printprobe:counter_unit");
  submit_meters(vl, c);
}

static void submit_supplies(value_list_t *vl, const struct pp_printer *p) {
  if (p->supply_count == 0)
    return;
  char(*names)[PP_SUPPLY_NAME_MAX] = calloc(p->supply_count, sizeof(*names));
  if (names == NULL)
    return;
  pp_policy_supply_names(p, names);
  for (size_t i = 0; i < p->supply_count; i++) {
    const struct pp_supply *s = &p->supplies[i];
    if (s->percent == PP_NO_PERCENT)
      continue; /* unknown is not 0 */
    submit_gauge(vl, "percent", names[i], s->percent);
  }
  free(names);
}

static void submit_trays(value_list_t *vl, const struct pp_printer *p) {
  if (p->tray_count == 0)
    return;
  char(*names)[PP_SUPPLY_NAME_MAX] = calloc(p->tray_count, sizeof(*names));
  if (names == NULL)
    return;
  pp_policy_tray_names(p, names);
  for (size_t i = 0; i < p->tray_count; i++) {
    char instance[DATA_MAX_NAME_LEN];
    if (p->trays[i].percent == PP_NO_PERCENT)
      continue; /* unknown is not 0 */
    snprintf(instance, sizeof(instance), "tray-%s", names[i]);
    submit_gauge(vl, "percent", instance, p->trays[i].percent);
  }
  free(names);
}

/* --- notifications --- */

static void notify(const struct block *b, const value_list_t *vl,
                   const struct pp_printer *p, int severity,
                   const char *type_instance, const char *fmt, ...) {
  notification_t n = {.severity = severity, .time = vl->time};
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(n.message, sizeof(n.message), fmt, ap);
  va_end(ap);
  sstrncpy(n.host, vl->host, sizeof(n.host));
  sstrncpy(n.plugin, PLUGIN_NAME, sizeof(n.plugin));
  sstrncpy(n.plugin_instance, vl->plugin_instance, sizeof(n.plugin_instance));
  sstrncpy(n.type, "gauge", sizeof(n.type));
  sstrncpy(n.type_instance, type_instance, sizeof(n.type_instance));
  plugin_notification_meta_add_string(&n, "printprobe:address", p->address);
  if (b->collect.notifications)
    plugin_dispatch_notification(&n);
  plugin_notification_meta_free(n.meta);
}

/* What a printer's error state says, decoded. */
struct condition {
  uint64_t hash; /* 0: nothing active */
  enum rank rank;
  char text[NOTIF_MAX_MSG_LEN];
};

static uint64_t fnv1a(uint64_t h, const void *data, size_t len) {
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

static void condition_add(struct condition *c, enum rank rank,
                          const char *what) {
  size_t used = strlen(c->text);
  snprintf(c->text + used, sizeof(c->text) - used, "%s%s", used ? ", " : "",
           what);
  if (rank > c->rank)
    c->rank = rank;
}

static enum rank rank_of(enum pp_severity sev) {
  return sev == PP_SEV_CRITICAL  ? RANK_FAILURE
         : sev == PP_SEV_WARNING ? RANK_WARNING
                                 : RANK_OK;
}

static uint64_t alert_hash(const struct pp_alert *a) {
  uint64_t h = 1469598103934665603ull;
  int key[4] = {a->severity, a->group_index, a->location, a->code};
  h = fnv1a(h, key, sizeof(key));
  return fnv1a(h, a->group, strnlen(a->group, sizeof(a->group)));
}

/* Active error bits, the device status and critical or warning alerts, as
 * pp_policy.h judges them (a printer asleep is not offline). Alerts are
 * summed into the hash, so the order of the rows does not matter. */
static void condition_of(const struct block *b, const struct pp_printer *p,
                         struct condition *c) {
  *c = (struct condition){0};
  uint32_t errors = b->collect.status ? pp_policy_active_errors(p) : 0;
  for (unsigned bit = 0; bit < PP_ERR_BIT_COUNT; bit++) {
    if (errors & (1u << bit))
      condition_add(c, rank_of(pp_policy_bit_severity(bit)),
                    pp_error_bit_name(bit));
  }
  c->hash = errors ? fnv1a(1469598103934665603ull, &errors, sizeof(errors)) : 0;
  enum rank device =
      b->collect.status ? rank_of(pp_policy_device_severity(p)) : RANK_OK;
  if (device != RANK_OK) {
    char what[64];
    snprintf(what, sizeof(what), "device %s",
             pp_device_status_name(p->status.device));
    condition_add(c, device, what);
    c->hash += fnv1a(1469598103934665603ull, &p->status.device,
                     sizeof(p->status.device));
  }
  for (size_t i = 0; b->collect.alerts && i < p->alert_count; i++) {
    const struct pp_alert *a = &p->alerts[i];
    enum rank rank = rank_of(pp_policy_alert_severity(p, a));
    if (rank == RANK_OK)
      continue; /* "other": status text such as "Sleep mode" */
    char what[256];
    snprintf(what, sizeof(what), "%s alert \"%s\" (%s %d)",
             pp_alert_severity_name(a->severity), a->description, a->group,
             a->code);
    condition_add(c, rank, what);
    c->hash += alert_hash(a);
  }
}

static int severity_of(enum rank rank) {
  return rank == RANK_FAILURE   ? NOTIF_FAILURE
         : rank == RANK_WARNING ? NOTIF_WARNING
                                : NOTIF_OKAY;
}

static void notify_condition(const struct block *b, struct printer_state *st,
                             const value_list_t *vl,
                             const struct pp_printer *p) {
  struct condition c;
  condition_of(b, p, &c);
  bool changed = st->seen ? c.hash != st->condition : c.hash != 0;
  st->condition = c.hash;
  if (!changed)
    return;
  if (c.rank == RANK_OK)
    notify(b, vl, p, NOTIF_OKAY, "errors", "no errors any more");
  else
    notify(b, vl, p, severity_of(c.rank), "errors", "%s", c.text);
}

/* Unreachable is a WARNING: printers switched off at night are normal.
 * The log gets it through c_complain, so a printer that stays off does not
 * fill it. */
static void notify_reachability(const struct block *b, struct printer_state *st,
                                const value_list_t *vl,
                                const struct pp_printer *p) {
  if (!p->reachable) {
    c_complain(LOG_WARNING, &st->complaint,
               PLUGIN_NAME " plugin: %s/%s: not reachable: %s", b->name,
               p->address, p->error);
    if (!st->seen || st->reachable)
      notify(b, vl, p, NOTIF_WARNING, "reachable", "not reachable: %s",
             p->error);
    return;
  }
  c_release(LOG_INFO, &st->complaint,
            PLUGIN_NAME " plugin: %s/%s: reachable again", b->name, p->address);
  if (st->seen && !st->reachable)
    notify(b, vl, p, NOTIF_OKAY, "reachable", "reachable again");
}

/* A read cut short (a looping walk, the deadline, the row limit): the
 * values sent are not the whole printer. Logged through c_complain (a
 * printer that always loops does not fill the log) and notified when it
 * starts and ends. */
static void notify_partial(const struct block *b, struct printer_state *st,
                           const value_list_t *vl, const struct pp_printer *p) {
  const char *why = pp_printer_partial(p);
  if (why != NULL) {
    c_complain(LOG_WARNING, &st->partial_complaint,
               PLUGIN_NAME " plugin: %s/%s: read incomplete: %s", b->name,
               p->address, why);
    if (!st->partial)
      notify(b, vl, p, NOTIF_WARNING, "read", "read incomplete: %s", why);
  } else if (p->reachable) {
    c_release(LOG_INFO, &st->partial_complaint,
              PLUGIN_NAME " plugin: %s/%s: read complete again", b->name,
              p->address);
    if (st->partial)
      notify(b, vl, p, NOTIF_OKAY, "read", "read complete again");
  }
  if (p->reachable)
    st->partial = why != NULL;
}

/* --- the read callback --- */

static void submit_printer(struct block *b, struct printer_state *st,
                           const struct pp_printer *p,
                           const struct poll_result *r) {
  value_list_t vl = VALUE_LIST_INIT;
  host_of(st, p, vl.host, sizeof(vl.host));
  sstrncpy(vl.plugin, PLUGIN_NAME, sizeof(vl.plugin));
  /* Set for <Printer> too: write_prometheus then labels every series the
   * same way, {instance=host, printer=block, type=type instance}. */
  sstrncpy(vl.plugin_instance, b->name, sizeof(vl.plugin_instance));
  vl.time = r->time;
  vl.interval = b->interval;
  /* ours: plugin_dispatch_values copies it, we destroy it below */
  vl.meta = value_meta(b, p);
  if (p->reachable) {
    if (b->collect.status)
      submit_status(&vl, p);
    if (b->collect.alerts)
      submit_alerts(&vl, p);
    if (b->collect.counters)
      submit_counters(b, st, &vl, p);
    if (b->collect.supplies)
      submit_supplies(&vl, p);
    if (b->collect.trays)
      submit_trays(&vl, p);
  }
  submit_gauge(&vl, "duration", "poll", p->duration_s);
  if (!b->collect.identity_every && vl.meta != NULL)
    add_identity_meta(vl.meta, p);
  if (b->collect.report && vl.meta != NULL)
    add_report_meta(b, vl.meta, p);
  submit_gauge(&vl, "gauge", "reachable", p->reachable ? 1 : 0);
  notify_reachability(b, st, &vl, p);
  notify_partial(b, st, &vl, p);
  if (p->reachable)
    notify_condition(b, st, &vl, p);
  st->reachable = p->reachable;
  st->seen = true;
  meta_data_destroy(vl.meta);
}

static struct poll_result take_latest(struct block *b) {
  pthread_mutex_lock(&b->lock);
  struct poll_result r = b->latest;
  b->latest = (struct poll_result){0};
  pthread_mutex_unlock(&b->lock);
  return r;
}

/* collectd 5.12 drops the values its write threads have not yet written
 * when "collectd -T" exits right after the one read. A short pause after
 * the first dispatch, once per block, lets them write the first poll;
 * later reads never pause. Only "collectd -T" runs read callbacks on its
 * main thread: a daemon's read threads never pause (a thousand blocks on
 * five read threads would wait a minute for nothing). */
static void let_writers_drain(void) {
  if ((pid_t)syscall(SYS_gettid) != getpid())
    return;
  struct timespec pause = {.tv_sec = 0, .tv_nsec = 300 * 1000000L};
  nanosleep(&pause, NULL);
}

/* The first read waits for each block's first poll, all together at most
 * the longest interval (a poll ends within its share of it): "collectd
 * -T", which reads once and exits, then dispatches real values, and a
 * daemon's first values come without an interval's delay. */
static void wait_first_poll(struct block *b, const struct timespec *until) {
  pthread_mutex_lock(&b->lock);
  while (b->latest.printers == NULL && !atomic_load(&stopping) &&
         pthread_cond_timedwait(&b->polled, &b->lock, until) != ETIMEDOUT) {
  }
  pthread_mutex_unlock(&b->lock);
}

static struct timespec first_read_deadline(void) {
  cdtime_t longest = 0;
  for (const struct block *b = blocks; b != NULL; b = b->next) {
    if (b->interval > longest)
      longest = b->interval;
  }
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  timespec_add(&until, longest);
  return until;
}

/* <Printer> blocks whose first poll was dispatched, and of those how many
 * answered: a thousand blocks say so in one line, not a thousand (the
 * logfile plugin opens its file for every line). */
static size_t printer_blocks;
static atomic_size_t printer_blocks_polled;
static atomic_size_t printer_blocks_answered;

/* The first poll says that everything works. */
static void log_first_poll(const struct block *b, size_t count, size_t up,
                           double seconds) {
  if (b->kind == BLOCK_FLEET) {
    INFO(PLUGIN_NAME " plugin: %s: polled %zu printers, %zu answered, in "
                     "%.1f s",
         b->name, count, up, seconds);
    return;
  }
  atomic_fetch_add(&printer_blocks_answered, up);
  /* the last block counts after every other one has added its answer */
  size_t polled = atomic_fetch_add(&printer_blocks_polled, 1) + 1;
  if (polled == printer_blocks)
    INFO(PLUGIN_NAME " plugin: %zu <Printer> blocks polled, %zu answered",
         polled, atomic_load(&printer_blocks_answered));
}

/* Dispatches the block's newest finished poll, if there is one. */
static void dispatch_block(struct block *b) {
  struct poll_result r = take_latest(b);
  if (r.printers == NULL)
    return;
  for (size_t i = 0; i < r.count; i++)
    choose_host(b, &b->states[i], &r.printers[i]);
  mark_clashes(b, r.count);
  for (size_t i = 0; i < r.count; i++)
    submit_printer(b, &b->states[i], &r.printers[i], &r);
  size_t up = pp_count_reachable(r.printers, r.count);
  /* The first poll says that everything works; later ones only when the
   * poll took longer than it may. */
  if (b->dispatches++ == 0)
    log_first_poll(b, r.count, up, r.seconds);
  else if (r.seconds > CDTIME_T_TO_DOUBLE(b->interval))
    WARNING(PLUGIN_NAME " plugin: %s: a poll took %.1f s, longer than the "
                        "interval",
            b->name, r.seconds);
  result_free(&r);
}

/* One read callback for every block: values are dispatched from one
 * thread whatever the number of blocks, as for one <Fleet>. Blocks only on
 * the first read (wait_first_poll); later reads dispatch the newest
 * finished polls, if any, and return. Returns 0 even when nothing is new:
 * an error would make collectd back the callback off. Only this callback
 * touches the blocks' printer states, and collectd never runs it twice at
 * a time. */
static int printer_read(user_data_t *ud) {
  (void)ud;
  static bool first_done;
  if (!first_done) {
    struct timespec until = first_read_deadline();
    for (struct block *b = blocks; b != NULL; b = b->next)
      wait_first_poll(b, &until);
  }
  for (struct block *b = blocks; b != NULL; b = b->next)
    dispatch_block(b);
  if (!first_done)
    let_writers_drain();
  first_done = true;
  return 0;
}

/* --- init and shutdown --- */

/* Host names are looked up again once per interval: a printer whose name
 * moves to a new address is polled there from the next interval on. */
static unsigned shortest_interval_s(void) {
  cdtime_t shortest = 0;
  for (const struct block *b = blocks; b != NULL; b = b->next) {
    if (shortest == 0 || b->interval < shortest)
      shortest = b->interval;
  }
  double s = CDTIME_T_TO_DOUBLE(shortest);
  return s < 1 ? 1 : (unsigned)s;
}

static int printer_init(void) {
  /* collectd 5.12 refuses to start when a config callback fails, so this
   * only guards daemons that would go on. */
  if (config_failed) {
    ERROR(PLUGIN_NAME " plugin: not started: the configuration has errors");
    return -1;
  }
  /* Before any thread: pp_log_set_sink is not thread-safe. */
  pp_log_set_sink(log_from_core, NULL, PP_LOG_INFO);
  if (poller_running || blocks == NULL)
    return 0;
  printer_blocks = 0;
  for (const struct block *b = blocks; b != NULL; b = b->next)
    printer_blocks += b->kind == BLOCK_PRINTER;
  init_monotonic_cond(&poller_wake);
  struct pp_engine *engine = pp_engine_new(pp_profiles);
  if (engine == NULL) {
    ERROR(PLUGIN_NAME " plugin: cannot start the polling engine: %s",
          strerror(errno));
    return -1;
  }
  pp_engine_set_name_cache(engine, shortest_interval_s());
  int err = plugin_thread_create(&poller, poll_thread, engine, "printer");
  if (err != 0) {
    ERROR(PLUGIN_NAME " plugin: cannot start the polling thread: %s",
          strerror(err));
    pp_engine_free(engine);
    return -1;
  }
  poller_running = true;
  /* From here on collectd frees the blocks, through free_blocks. */
  user_data_t ud = {.free_func = free_blocks};
  if (plugin_register_complex_read(NULL, PLUGIN_NAME, printer_read,
                                   read_check_interval(), &ud) != 0) {
    ERROR(PLUGIN_NAME " plugin: cannot register the read callback");
    free_blocks(NULL);
    return -1;
  }
  return 0;
}

static int printer_shutdown(void) {
  poller_stop();
  return 0;
}

void module_register(void) {
  plugin_register_complex_config(PLUGIN_NAME, printer_config);
  plugin_register_init(PLUGIN_NAME, printer_init);
  plugin_register_shutdown(PLUGIN_NAME, printer_shutdown);
}
