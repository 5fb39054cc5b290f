/* SPDX-License-Identifier: MIT */
/* write_dss: collectd writer that batches the printer plugin's data into one
 * fleet report per period, keeps every report in a local archive the
 * customer can read, and mails it (libcurl SMTP) to the vendor and the
 * customer's mailbox.
 *
 * Threads and data flow:
 *   collectd's write threads -> dss_write(): keep the latest printer object
 *     per address (a copy of a meta data string; nothing slow here).
 *   batcher thread: at each period end, parse every object back through
 *     the report allowlist (pp_report_parse), render the message, stage it
 *     in the spool, archive it, commit it to the queue. Disk full: reports
 *     stay in memory and the write is retried.
 *   sender thread: sends queued messages, oldest first, with retries and
 *     backoff; a slow or dead SMTP server only ever holds this thread.
 *
 * Exactly once: see pp_spool.h. SMTP has no idempotent submission, so one
 * window remains: the server accepted the message (250 after DATA) and the
 * process died before the journal line reached the disk. The message is
 * then sent again, with the same Message-ID and bytes, which a receiving
 * system can use to drop the copy. */
#include "collectd.h"
#include "plugin.h"
#include "utils_complain.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "pp_archive.h"
#include "pp_fleet.h"
#include "pp_log.h"
#include "pp_mail.h"
#include "pp_report_parse.h"
#include "pp_secret.h"
#include "pp_sign.h"
#include "pp_spool.h"
#include "pp_str.h"

#define PLUGIN "write_dss"
#define LOG_PREFIX PLUGIN " plugin: "

/* The printer plugin's contract. */
#define META_REPORT "printprobe:report"
#define META_ADDRESS "printprobe:address"
#define SOURCE_PLUGIN "printer"
#define SOURCE_TYPE_INSTANCE "reachable"

#define MAX_PRINTERS 50000
#define MAX_PENDING 64 /* reports held in memory while the disk is full */
#define DISK_RETRY_S 10
#define IDLE_WAKE_S 3600
#define PASSWORD_MAX 512
#define CONNECT_TIMEOUT_MS 30000L
#define BACKSTOP_MS 5000L
/* Different names: SpoolDir and ArchiveDir may be one folder. */
#define SPOOL_LOCK "spool.lock"
#define ARCHIVE_LOCK "archive.lock"

struct dss_config {
  int period_s;
  int send_at_min; /* minutes after local midnight, -1: use period_s */
  char archive_dir[PATH_MAX];
  char spool_dir[PATH_MAX];
  unsigned retention_days;
  unsigned retention_count;
  char url[1024];
  char url_shown[1024]; /* url for log lines: no userinfo (pp_url_redact) */
  bool starttls;
  bool smtps;
  char from[256];
  char **to;
  size_t to_count;
  char username[256];
  char password_file[PATH_MAX];
  char ca_file[PATH_MAX];
  long timeout_ms;
  long data_timeout_ms;
  char customer[256];
  int retry_min_s;
  int retry_max_s;
  char signing_key_file[PATH_MAX]; /* empty: reports go unsigned */
};

/* The latest printer object of one printer ("host@address"). */
struct printer_entry {
  char *key;
  char *json;
};

/* A report that is built but not yet safely on disk. */
struct pending {
  char id[PP_FLEET_ID_LEN];
  struct pp_buf eml;
  struct pp_buf html;
  struct pp_fleet_totals totals;
  bool staged;
  bool archived;
  struct pending *next;
};

struct dss {
  cdtime_t interval; /* collectd's, read at init */
  struct dss_config cfg;
  struct pp_spool spool;
  struct pp_archive archive;
  /* Held for the process's life: one writer per SpoolDir and ArchiveDir. */
  int spool_lock_fd;
  int archive_lock_fd;
  /* Signs every report when SigningKeyFile is set (docs/signing.md). */
  struct pp_sign_key signing_key;
  bool signing;

  pthread_mutex_t lock; /* printers, stopping, send_wake, the conds */
  pthread_cond_t batch_cond;
  pthread_cond_t send_cond;
  atomic_bool stopping;
  bool send_wake;
  struct printer_entry *printers; /* sorted by address */
  size_t printer_count;
  bool full_warned;
  /* The last object of each printer that answered, kept across periods: a
   * printer that stops answering is still billed with its last reading
   * and that reading's time, never dropped. Sorted by key. */
  struct printer_entry *answered;
  size_t answered_count;

  /* Only the batcher touches these. */
  struct pending *pending;
  size_t pending_count;
  c_complain_t disk_complaint;

  /* Index and retention are rewritten by both threads. */
  pthread_mutex_t archive_lock;

  /* Sender only: ids the server accepted that could not be unlinked. */
  struct pp_id_list delivered;

  pthread_t batcher;
  pthread_t sender;
  bool threads_running;
};

static struct dss *dss_global;

/* ---------------------------------------------------------------- config */

static void config_free(struct dss_config *cfg) {
  for (size_t i = 0; i < cfg->to_count; i++)
    free(cfg->to[i]);
  free(cfg->to);
  cfg->to = NULL;
  cfg->to_count = 0;
}

static void config_defaults(struct dss_config *cfg) {
  *cfg = (struct dss_config){
      .period_s = 86400,
      .send_at_min = -1,
      .retention_days = 365,
      .starttls = true,
      .timeout_ms = 60000,
      /* RFC 5321 4.5.3.2.6: 10 minutes for the answer to the final dot. */
      .data_timeout_ms = 600000,
      .retry_min_s = 60,
      .retry_max_s = 3600,
  };
}

/* True when the option has one value of that type; else says what it
 * needs. */
static bool one_value(const oconfig_item_t *ci, int type, const char *needs) {
  if (ci->values_num == 1 && ci->values[0].type == type)
    return true;
  ERROR(LOG_PREFIX "option %s needs %s", ci->key, needs);
  return false;
}

static int get_string(const oconfig_item_t *ci, char *out, size_t outlen) {
  if (!one_value(ci, OCONFIG_TYPE_STRING, "one string argument"))
    return -1;
  const char *value = ci->values[0].value.string;
  if (value[0] == '\0' || strlen(value) >= outlen) {
    ERROR(LOG_PREFIX "option %s: \"%s\" is %s", ci->key, value,
          value[0] == '\0' ? "empty" : "too long");
    return -1;
  }
  pp_strlcpy(out, value, outlen);
  return 0;
}

static int get_int_range(const oconfig_item_t *ci, int lo, int hi, int *out) {
  if (!one_value(ci, OCONFIG_TYPE_NUMBER, "one number"))
    return -1;
  double v = ci->values[0].value.number;
  if (v != (double)(long long)v || v < lo || v > hi) {
    ERROR(LOG_PREFIX "option %s: %g is not a whole number from %d to %d",
          ci->key, v, lo, hi);
    return -1;
  }
  *out = (int)v;
  return 0;
}

static int get_bool(const oconfig_item_t *ci, bool *out) {
  if (!one_value(ci, OCONFIG_TYPE_BOOLEAN, "true or false"))
    return -1;
  *out = ci->values[0].value.boolean;
  return 0;
}

/* "HH:MM", local time. */
static int get_send_at(const oconfig_item_t *ci, int *minutes) {
  char text[16];
  if (get_string(ci, text, sizeof(text)) != 0)
    return -1;
  int h;
  int m;
  char end;
  if (sscanf(text, "%2d:%2d%c", &h, &m, &end) != 2 || h < 0 || h > 23 ||
      m < 0 || m > 59 || strlen(text) != 5) {
    ERROR(LOG_PREFIX "option SendAt: \"%s\" is not HH:MM (00:00 to 23:59)",
          text);
    return -1;
  }
  *minutes = h * 60 + m;
  return 0;
}

static int get_address(const oconfig_item_t *ci, char *out, size_t outlen) {
  if (get_string(ci, out, outlen) != 0)
    return -1;
  if (!pp_mail_address_ok(out)) {
    ERROR(LOG_PREFIX "option %s: \"%s\" is not a plain mail address "
                     "(local@domain, no name, no brackets)",
          ci->key, out);
    return -1;
  }
  return 0;
}

static int add_to(struct dss_config *cfg, const oconfig_item_t *ci) {
  char addr[256];
  if (get_address(ci, addr, sizeof(addr)) != 0)
    return -1;
  char **grown = realloc(cfg->to, (cfg->to_count + 1) * sizeof(*grown));
  if (grown == NULL)
    return -1;
  cfg->to = grown;
  cfg->to[cfg->to_count] = strdup(addr);
  if (cfg->to[cfg->to_count] == NULL)
    return -1;
  cfg->to_count++;
  return 0;
}

/* get_string, but a URL is logged only without its userinfo. */
static int get_url(const oconfig_item_t *ci, struct dss_config *cfg) {
  if (!one_value(ci, OCONFIG_TYPE_STRING, "one string argument"))
    return -1;
  const char *value = ci->values[0].value.string;
  pp_url_redact(value, cfg->url_shown, sizeof(cfg->url_shown));
  if (value[0] == '\0' || strlen(value) >= sizeof(cfg->url)) {
    ERROR(LOG_PREFIX "option %s: \"%s\" is %s", ci->key, cfg->url_shown,
          value[0] == '\0' ? "empty" : "too long");
    return -1;
  }
  pp_strlcpy(cfg->url, value, sizeof(cfg->url));
  return 0;
}

static int get_timeout(const oconfig_item_t *ci, long *ms) {
  if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_NUMBER ||
      !(ci->values[0].value.number > 0) || ci->values[0].value.number > 3600) {
    ERROR(LOG_PREFIX "option %s needs seconds above 0, at most 3600", ci->key);
    return -1;
  }
  *ms = (long)(ci->values[0].value.number * 1000.0);
  return 0;
}

static int config_retention(const oconfig_item_t *ci, unsigned *out) {
  int v;
  if (get_int_range(ci, 0, 1000000, &v) != 0)
    return -1;
  *out = (unsigned)v;
  return 0;
}

/* One key; unknown keys are errors, a typo must not go unnoticed. */
static int config_item(struct dss_config *cfg, const oconfig_item_t *ci) {
  const char *k = ci->key;
  if (strcasecmp(k, "Period") == 0)
    return get_int_range(ci, 1, 31 * 86400, &cfg->period_s);
  if (strcasecmp(k, "SendAt") == 0)
    return get_send_at(ci, &cfg->send_at_min);
  if (strcasecmp(k, "ArchiveDir") == 0)
    return get_string(ci, cfg->archive_dir, sizeof(cfg->archive_dir));
  if (strcasecmp(k, "SpoolDir") == 0)
    return get_string(ci, cfg->spool_dir, sizeof(cfg->spool_dir));
  if (strcasecmp(k, "Retention") == 0)
    return config_retention(ci, &cfg->retention_days);
  if (strcasecmp(k, "RetentionCount") == 0)
    return config_retention(ci, &cfg->retention_count);
  if (strcasecmp(k, "URL") == 0)
    return get_url(ci, cfg);
  if (strcasecmp(k, "StartTLS") == 0)
    return get_bool(ci, &cfg->starttls);
  if (strcasecmp(k, "From") == 0)
    return get_address(ci, cfg->from, sizeof(cfg->from));
  if (strcasecmp(k, "To") == 0)
    return add_to(cfg, ci);
  if (strcasecmp(k, "Username") == 0)
    return get_string(ci, cfg->username, sizeof(cfg->username));
  if (strcasecmp(k, "PasswordFile") == 0)
    return get_string(ci, cfg->password_file, sizeof(cfg->password_file));
  if (strcasecmp(k, "CAFile") == 0)
    return get_string(ci, cfg->ca_file, sizeof(cfg->ca_file));
  if (strcasecmp(k, "Timeout") == 0)
    return get_timeout(ci, &cfg->timeout_ms);
  if (strcasecmp(k, "DataTimeout") == 0)
    return get_timeout(ci, &cfg->data_timeout_ms);
  if (strcasecmp(k, "CustomerName") == 0)
    return get_string(ci, cfg->customer, sizeof(cfg->customer));
  if (strcasecmp(k, "RetryInterval") == 0)
    return get_int_range(ci, 1, 86400, &cfg->retry_min_s);
  if (strcasecmp(k, "RetryMaxInterval") == 0)
    return get_int_range(ci, 1, 7 * 86400, &cfg->retry_max_s);
  if (strcasecmp(k, "SigningKeyFile") == 0)
    return get_string(ci, cfg->signing_key_file, sizeof(cfg->signing_key_file));
  ERROR(LOG_PREFIX "unknown option \"%s\"", k);
  return -1;
}

static int check_url(struct dss_config *cfg) {
  if (strncasecmp(cfg->url, "smtps://", 8) == 0) {
    cfg->smtps = true;
  } else if (strncasecmp(cfg->url, "smtp://", 7) != 0) {
    ERROR(LOG_PREFIX "option URL: \"%s\" must start with smtp:// or smtps://",
          cfg->url_shown);
    return -1;
  }
  if (strpbrk(cfg->url, " \r\n") != NULL) {
    ERROR(LOG_PREFIX "option URL: \"%s\" contains a blank or line break",
          cfg->url_shown);
    return -1;
  }
  /* A password there would be in every line naming the server, and in the
   * configuration file, readable by more than the mail account's owner. */
  if (pp_url_has_userinfo(cfg->url)) {
    ERROR(LOG_PREFIX "option URL: \"%s\": no user name or password in the "
                     "URL; use the Username and PasswordFile options",
          cfg->url_shown);
    return -1;
  }
  return 0;
}

static int check_readable(const char *option, const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    ERROR(LOG_PREFIX "option %s: cannot read %s: %s", option, path,
          strerror(errno));
    return -1;
  }
  fclose(f);
  return 0;
}

/* The password is read now only to fail early; it is read again for each
 * mail, so a changed file needs no restart. */
static int check_credentials(const struct dss_config *cfg) {
  if ((cfg->username[0] != '\0') != (cfg->password_file[0] != '\0')) {
    ERROR(LOG_PREFIX "Username and PasswordFile go together");
    return -1;
  }
  if (cfg->password_file[0] == '\0')
    return 0;
  char password[PASSWORD_MAX];
  char err[PATH_MAX + 128];
  int rc = pp_secret_from_file(cfg->password_file, password, sizeof(password),
                               err, sizeof(err));
  explicit_bzero(password, sizeof(password));
  if (rc != 0) {
    ERROR(LOG_PREFIX "option PasswordFile: %s", err);
    return -1;
  }
  return 0;
}

static int check_required(const struct dss_config *cfg) {
  const char *missing = cfg->archive_dir[0] == '\0' ? "ArchiveDir"
                        : cfg->spool_dir[0] == '\0' ? "SpoolDir"
                        : cfg->url[0] == '\0'       ? "URL"
                        : cfg->from[0] == '\0'      ? "From"
                        : cfg->to_count == 0        ? "To"
                                                    : NULL;
  if (missing != NULL) {
    ERROR(LOG_PREFIX "option %s is required", missing);
    return -1;
  }
  if (cfg->retry_max_s < cfg->retry_min_s) {
    ERROR(LOG_PREFIX "RetryMaxInterval %d is below RetryInterval %d",
          cfg->retry_max_s, cfg->retry_min_s);
    return -1;
  }
  return 0;
}

static int check_config(struct dss_config *cfg) {
  if (check_required(cfg) != 0 || check_url(cfg) != 0 ||
      check_credentials(cfg) != 0)
    return -1;
  if (cfg->ca_file[0] != '\0' && check_readable("CAFile", cfg->ca_file) != 0)
    return -1;
  if (!cfg->starttls && !cfg->smtps)
    WARNING(LOG_PREFIX "StartTLS false: reports and the password travel "
                       "unencrypted to %s",
            cfg->url_shown);
  return 0;
}

/* A second collectd with the same SpoolDir would send every queued report
 * too, and either would remove the other's files in progress: the second
 * must not start. The lock comes before the folder is opened, as opening
 * removes temporary files. */
static int lock_dir(const char *option, const char *dir, const char *name,
                    int *fd) {
  char err[PATH_MAX + 128];
  int rc = pp_dir_lock(dir, name, fd, err, sizeof(err));
  if (rc == -EWOULDBLOCK)
    ERROR(LOG_PREFIX "option %s: %s, another instance using %s %s; two "
                     "would mail each report twice: give each instance its "
                     "own SpoolDir and ArchiveDir",
          option, err, option, dir);
  else if (rc != 0)
    ERROR(LOG_PREFIX "option %s: cannot lock: %s", option, err);
  return rc;
}

/* Folders are made and checked now, so a wrong path stops start-up. */
static int open_dirs(struct dss *d) {
  char err[PATH_MAX + 128];
  if (lock_dir("SpoolDir", d->cfg.spool_dir, SPOOL_LOCK, &d->spool_lock_fd) ||
      lock_dir("ArchiveDir", d->cfg.archive_dir, ARCHIVE_LOCK,
               &d->archive_lock_fd))
    return -1;
  if (pp_archive_open(&d->archive, d->cfg.archive_dir, err, sizeof(err))) {
    ERROR(LOG_PREFIX "option ArchiveDir: %s", err);
    return -1;
  }
  if (pp_spool_open(&d->spool, d->cfg.spool_dir, err, sizeof(err)) != 0) {
    ERROR(LOG_PREFIX "option SpoolDir: %s", err);
    return -1;
  }
  return 0;
}

static void free_entries(struct printer_entry *entries, size_t count) {
  for (size_t i = 0; i < count; i++) {
    free(entries[i].key);
    free(entries[i].json);
  }
  free(entries);
}

static void pending_free(struct pending *p) {
  pp_buf_free(&p->eml);
  pp_buf_free(&p->html);
  free(p);
}

static void dss_free(struct dss *d) {
  if (d == NULL)
    return;
  free_entries(d->printers, d->printer_count);
  free_entries(d->answered, d->answered_count);
  while (d->pending != NULL) {
    struct pending *p = d->pending;
    d->pending = p->next;
    pending_free(p);
  }
  pp_id_list_free(&d->delivered);
  pp_dir_unlock(&d->spool_lock_fd);
  pp_dir_unlock(&d->archive_lock_fd);
  pp_sign_key_clear(&d->signing_key);
  config_free(&d->cfg);
  pthread_mutex_destroy(&d->lock);
  pthread_mutex_destroy(&d->archive_lock);
  pthread_cond_destroy(&d->batch_cond);
  pthread_cond_destroy(&d->send_cond);
  free(d);
}

static struct dss *dss_new(void) {
  struct dss *d = calloc(1, sizeof(*d));
  if (d == NULL)
    return NULL;
  config_defaults(&d->cfg);
  d->spool_lock_fd = -1;
  d->archive_lock_fd = -1;
  pthread_mutex_init(&d->lock, NULL);
  pthread_mutex_init(&d->archive_lock, NULL);
  pthread_cond_init(&d->batch_cond, NULL);
  pthread_cond_init(&d->send_cond, NULL);
  atomic_init(&d->stopping, false);
  C_COMPLAIN_INIT(&d->disk_complaint);
  return d;
}

/* What the core warns about (a PasswordFile open to others) goes to
 * collectd's log. */
static void log_from_core(enum pp_log_level level, const char *msg,
                          void *user_data) {
  (void)user_data;
  /* The core's levels are syslog's numbers, as are collectd's. */
  plugin_log((int)level, LOG_PREFIX "%s", msg);
}

/* Loads the site's key, making it on the first start. Its public half is
 * logged so that the vendor can register it (and is in FILE.pub). */
static int load_signing_key(struct dss *d) {
  const char *path = d->cfg.signing_key_file;
  if (path[0] == '\0')
    return 0;
  char err[PATH_MAX + 256];
  bool created = false;
  if (pp_sign_key_load_or_create(path, &d->signing_key, &created, err,
                                 sizeof(err)) != 0) {
    ERROR(LOG_PREFIX "option SigningKeyFile: %s", err);
    return -1;
  }
  char line[256];
  if (pp_sign_public_format(&d->signing_key.pub, line, sizeof(line)) != 0)
    return -1;
  line[strcspn(line, "\n")] = '\0';
  NOTICE(LOG_PREFIX "%s signing key %s: reports are signed; the vendor "
                    "registers the public key in %s.pub: %s",
         created ? "new" : "loaded", d->signing_key.pub.id, path, line);
  d->signing = true;
  return 0;
}

static int dss_config_cb(oconfig_item_t *ci) {
  /* Set before any thread: pp_log_set_sink is not thread-safe. */
  pp_log_set_sink(log_from_core, NULL, PP_LOG_WARNING);
  if (dss_global != NULL) {
    ERROR(LOG_PREFIX "only one <Plugin " PLUGIN "> block is supported");
    return -1;
  }
  struct dss *d = dss_new();
  if (d == NULL)
    return -1;
  int rc = 0;
  for (int i = 0; rc == 0 && i < ci->children_num; i++)
    rc = config_item(&d->cfg, &ci->children[i]);
  if (rc == 0 && d->cfg.send_at_min >= 0)
    d->cfg.period_s = 86400;
  if (rc == 0)
    rc = check_config(&d->cfg);
  if (rc == 0)
    rc = load_signing_key(d);
  if (rc == 0)
    rc = open_dirs(d);
  if (rc != 0) {
    ERROR(LOG_PREFIX "bad configuration; see the messages above");
    dss_free(d);
    return -1;
  }
  dss_global = d;
  return 0;
}

/* ----------------------------------------------------------- write path */

static int entry_compare(const void *key, const void *item) {
  const struct printer_entry *e = item;
  return strcmp(key, e->key);
}

/* Adds or replaces key's object in a sorted map. Takes ownership of
 * json. */
static int store_entry(struct printer_entry **items, size_t *count,
                       const char *key, char *json) {
  size_t lo = 0;
  size_t hi = *count;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = entry_compare(key, &(*items)[mid]);
    if (c == 0) {
      free((*items)[mid].json);
      (*items)[mid].json = json;
      return 0;
    }
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  if (*count >= MAX_PRINTERS)
    return -E2BIG;
  char *copy = strdup(key);
  struct printer_entry *grown = realloc(*items, (*count + 1) * sizeof(*grown));
  if (copy == NULL || grown == NULL) {
    free(copy);
    if (grown != NULL)
      *items = grown;
    return -ENOMEM;
  }
  *items = grown;
  memmove(&grown[lo + 1], &grown[lo], (*count - lo) * sizeof(*grown));
  grown[lo] = (struct printer_entry){.key = copy, .json = json};
  (*count)++;
  return 0;
}

static const struct printer_entry *find_entry(const struct printer_entry *items,
                                              size_t count, const char *key) {
  return bsearch(key, items, count, sizeof(*items), entry_compare);
}

/* Must hold d->lock. Takes ownership of json. */
static int store_printer_nolock(struct dss *d, const char *key, char *json) {
  return store_entry(&d->printers, &d->printer_count, key, json);
}

/* Must hold d->lock. A printer that answered: its object is also its last
 * reading. Whether it really answered is decided when the report is made,
 * through the allowlist; this is only a cheap first look. */
static void store_answered_nolock(struct dss *d, const char *key,
                                  const char *json) {
  if (strstr(json, "\"reachable\":true") == NULL)
    return;
  char *copy = strdup(json);
  if (copy != NULL &&
      store_entry(&d->answered, &d->answered_count, key, copy) != 0)
    free(copy);
}

static bool is_printer_report(const value_list_t *vl) {
  return vl->meta != NULL && strcmp(vl->plugin, SOURCE_PLUGIN) == 0 &&
         strcmp(vl->type_instance, SOURCE_TYPE_INSTANCE) == 0;
}

static int dss_write(const data_set_t *ds, const value_list_t *vl,
                     user_data_t *ud) {
  (void)ds;
  (void)ud;
  struct dss *d = dss_global;
  if (d == NULL || !is_printer_report(vl))
    return 0;
  char *json = NULL;
  if (meta_data_get_string(vl->meta, META_REPORT, &json) != 0)
    return 0;
  char *address = NULL;
  if (meta_data_get_string(vl->meta, META_ADDRESS, &address) != 0)
    address = NULL;
  if (strlen(json) > PP_REPORT_PARSE_MAX_INPUT) {
    WARNING(LOG_PREFIX "%s: printer object of %zu bytes dropped (too large)",
            address ? address : vl->host, strlen(json));
    free(json);
    free(address);
    return 0;
  }
  /* Keyed by collectd host and address: printers behind one address (one
   * agent, several communities) stay apart, and a printer is one entry
   * whatever it answers. */
  char key[DATA_MAX_NAME_LEN + 300];
  snprintf(key, sizeof(key), "%s@%s", vl->host, address ? address : "");
  pthread_mutex_lock(&d->lock);
  store_answered_nolock(d, key, json);
  int rc = store_printer_nolock(d, key, json);
  bool warn = rc != 0 && !d->full_warned;
  d->full_warned |= warn;
  pthread_mutex_unlock(&d->lock);
  if (rc != 0)
    free(json);
  if (warn)
    ERROR(LOG_PREFIX "cannot keep printer %s: %s (more than %d printers?)",
          address ? address : vl->host, strerror(-rc), MAX_PRINTERS);
  free(address);
  return 0;
}

/* --------------------------------------------------------- the archive */

static const char *report_status(const char *id, void *ctx) {
  struct dss *d = ctx;
  if (pp_spool_has(&d->spool, PP_SPOOL_QUEUE, id) ||
      pp_spool_has(&d->spool, PP_SPOOL_STAGED, id))
    return "queued";
  if (pp_spool_has(&d->spool, PP_SPOOL_FAILED, id))
    return "failed";
  return "sent";
}

/* Retention never removes a report that is still to be sent. */
static bool keep_report(const char *id, void *ctx) {
  return strcmp(report_status(id, ctx), "queued") == 0;
}

static void archive_refresh(struct dss *d) {
  size_t removed = 0;
  pthread_mutex_lock(&d->archive_lock);
  int rc = pp_archive_retention(&d->archive, d->cfg.retention_days,
                                d->cfg.retention_count, time(NULL), keep_report,
                                d, &removed);
  if (rc != 0)
    WARNING(LOG_PREFIX "retention in %s: %s", d->cfg.archive_dir,
            strerror(-rc));
  else if (removed > 0)
    INFO(LOG_PREFIX "retention removed %zu old report%s from %s", removed,
         removed == 1 ? "" : "s", d->cfg.archive_dir);
  rc = pp_archive_write_index(&d->archive, d->cfg.customer, report_status, d);
  pthread_mutex_unlock(&d->archive_lock);
  if (rc != 0)
    WARNING(LOG_PREFIX "cannot write %s/index.html: %s (retried with the "
                       "next report)",
            d->cfg.archive_dir, strerror(-rc));
}

/* ------------------------------------------------------------- batcher */

static void wake_sender(struct dss *d) {
  pthread_mutex_lock(&d->lock);
  d->send_wake = true;
  pthread_cond_signal(&d->send_cond);
  pthread_mutex_unlock(&d->lock);
}

/* Takes the printers seen since the last report; the map starts empty. */
static void take_printers(struct dss *d, struct printer_entry **out,
                          size_t *count) {
  pthread_mutex_lock(&d->lock);
  *out = d->printers;
  *count = d->printer_count;
  d->printers = NULL;
  d->printer_count = 0;
  d->full_warned = false;
  pthread_mutex_unlock(&d->lock);
}

/* A copy of the last readings, for the batcher to use without the lock. */
static struct printer_entry *copy_answered(struct dss *d, size_t *count) {
  pthread_mutex_lock(&d->lock);
  size_t n = d->answered_count;
  struct printer_entry *copy = calloc(n ? n : 1, sizeof(*copy));
  size_t kept = 0;
  for (size_t i = 0; copy != NULL && i < n; i++) {
    copy[kept].key = strdup(d->answered[i].key);
    copy[kept].json = strdup(d->answered[i].json);
    if (copy[kept].key == NULL || copy[kept].json == NULL) {
      free(copy[kept].key);
      free(copy[kept].json);
      continue;
    }
    kept++;
  }
  pthread_mutex_unlock(&d->lock);
  *count = kept;
  return copy;
}

/* Identity the last reading knows and this object lacks. */
static void fill_identity(struct pp_printer *p, const struct pp_printer *last) {
  if (p->name[0] == '\0')
    pp_strlcpy(p->name, last->name, sizeof(p->name));
  if (p->manufacturer[0] == '\0')
    pp_strlcpy(p->manufacturer, last->manufacturer, sizeof(p->manufacturer));
  if (p->model[0] == '\0')
    pp_strlcpy(p->model, last->model, sizeof(p->model));
  if (p->serial[0] == '\0')
    pp_strlcpy(p->serial, last->serial, sizeof(p->serial));
  if (p->mac[0] == '\0')
    pp_strlcpy(p->mac, last->mac, sizeof(p->mac));
}

/* A printer that did not answer carries its last reading: the counters
 * and meters with the time they were read (counters.read_at), through the
 * allowlist like everything else. */
static void add_last_reading(struct pp_printer *p, const char *key,
                             const struct printer_entry *answered,
                             size_t answered_count) {
  const struct printer_entry *e = find_entry(answered, answered_count, key);
  if (p->reachable || e == NULL)
    return;
  struct pp_printer last;
  if (pp_report_parse_printer(e->json, strlen(e->json), &last, NULL, 0) != 0)
    return;
  if (last.reachable && last.counters.read_at != 0) {
    p->counters = last.counters;
    fill_identity(p, &last);
  }
  pp_printer_clear(&last);
}

/* Parses each object through the allowlist; a bad one is left out and
 * logged, so one broken printer never stops the report. */
static size_t parse_printers(const struct printer_entry *entries, size_t count,
                             const struct printer_entry *answered,
                             size_t answered_count, struct pp_printer *out) {
  size_t n = 0;
  for (size_t i = 0; i < count; i++) {
    char err[256];
    const char *json = entries[i].json;
    int rc =
        pp_report_parse_printer(json, strlen(json), &out[n], err, sizeof(err));
    if (rc != 0) {
      WARNING(LOG_PREFIX "%s: printer object left out of the report: %s",
              entries[i].key, err);
      continue;
    }
    if (err[0] != '\0')
      NOTICE(LOG_PREFIX "%s: %s (not in the report allowlist)", entries[i].key,
             err);
    add_last_reading(&out[n], entries[i].key, answered, answered_count);
    n++;
  }
  return n;
}

/* Printers read in an earlier period and silent in this one (no object at
 * all, e.g. taken out of the printer plugin's configuration): listed as
 * not reachable with their last reading, never dropped from the bill. */
static size_t add_silent_printers(const struct printer_entry *entries,
                                  size_t count,
                                  const struct printer_entry *answered,
                                  size_t answered_count,
                                  struct pp_printer *out) {
  size_t n = 0;
  for (size_t i = 0; i < answered_count; i++) {
    if (find_entry(entries, count, answered[i].key) != NULL)
      continue;
    const char *json = answered[i].json;
    struct pp_printer *p = &out[n];
    if (pp_report_parse_printer(json, strlen(json), p, NULL, 0) != 0)
      continue;
    if (!p->reachable || p->counters.read_at == 0) {
      pp_printer_clear(p);
      continue;
    }
    p->reachable = false;
    pp_strlcpy(p->error, "no data in this period; last reading kept",
               sizeof(p->error));
    pp_printer_clear(p); /* supplies and alerts are no reading */
    n++;
  }
  return n;
}

static void free_printers(struct pp_printer *printers, size_t count) {
  for (size_t i = 0; i < count; i++)
    pp_printer_clear(&printers[i]);
  free(printers);
}

static int render_report(const struct dss *d, struct pp_fleet_report *r,
                         struct pending *p) {
  int rc = pp_fleet_new_id(r->created, r->id, sizeof(r->id));
  if (rc == 0)
    rc = pp_fleet_message_id(r->id, d->cfg.from, r->message_id,
                             sizeof(r->message_id));
  if (rc != 0)
    return rc;
  pp_strlcpy(p->id, r->id, sizeof(p->id));
  pp_buf_init(&p->eml, PP_MAIL_MAX);
  pp_buf_init(&p->html, PP_MAIL_MAX);
  pp_fleet_totals(r->printers, r->count, &p->totals);
  rc = pp_fleet_message(r, &p->eml);
  if (rc == 0)
    rc = pp_fleet_html_page(r, &p->html);
  return rc;
}

static void push_pending(struct dss *d, struct pending *p) {
  if (d->pending_count >= MAX_PENDING) {
    struct pending *oldest = d->pending;
    ERROR(LOG_PREFIX "report %s LOST: %d reports waited for disk space in "
                     "%s / %s; the oldest is dropped",
          oldest->id, MAX_PENDING, d->cfg.spool_dir, d->cfg.archive_dir);
    d->pending = oldest->next;
    pending_free(oldest);
    d->pending_count--;
  }
  struct pending **tail = &d->pending;
  while (*tail != NULL)
    tail = &(*tail)->next;
  *tail = p;
  d->pending_count++;
}

static struct pending *
build_report(struct dss *d, const struct pp_printer *printers, size_t count) {
  struct pending *p = calloc(1, sizeof(*p));
  if (p == NULL)
    return NULL;
  struct pp_fleet_report r = {
      .created = time(NULL),
      .customer = d->cfg.customer,
      .from = d->cfg.from,
      .to = (const char *const *)d->cfg.to,
      .to_count = d->cfg.to_count,
      .printers = printers,
      .count = count,
      .signer = d->signing ? &d->signing_key : NULL,
  };
  int rc = render_report(d, &r, p);
  if (rc != 0) {
    ERROR(LOG_PREFIX "cannot render the report of %zu printers: %s", count,
          strerror(-rc));
    pending_free(p);
    return NULL;
  }
  return p;
}

static void make_report(struct dss *d) {
  struct printer_entry *entries;
  size_t count;
  take_printers(d, &entries, &count);
  if (count == 0) {
    WARNING(LOG_PREFIX "no printer data came in this period: no report "
                       "(is the printer plugin loaded and polling?)");
    free(entries);
    return;
  }
  size_t answered_count = 0;
  struct printer_entry *answered = copy_answered(d, &answered_count);
  struct pp_printer *printers =
      calloc(count + answered_count, sizeof(*printers));
  struct pending *p = NULL;
  if (printers != NULL && answered != NULL) {
    size_t n =
        parse_printers(entries, count, answered, answered_count, printers);
    n += add_silent_printers(entries, count, answered, answered_count,
                             printers + n);
    p = n > 0 ? build_report(d, printers, n) : NULL;
    free_printers(printers, n);
  } else {
    free(printers);
  }
  free_entries(entries, count);
  free_entries(answered, answered_count);
  if (p == NULL)
    return;
  INFO(LOG_PREFIX "report %s made: %zu printers, %zu reachable, %zu bytes",
       p->id, p->totals.printers, p->totals.reachable, p->eml.len);
  push_pending(d, p);
}

/* Stage, archive, commit: in this order the sender can only ever see a
 * report that is archived, and a crash at any point is repaired from the
 * spool at the next start (recover_staged). */
static int persist_one(struct dss *d, struct pending *p, const char **where) {
  int rc = 0;
  if (!p->staged) {
    *where = d->cfg.spool_dir;
    rc = pp_spool_put(&d->spool, PP_SPOOL_STAGED, p->id, p->eml.data,
                      p->eml.len);
    p->staged = rc == 0;
  }
  if (rc == 0 && !p->archived) {
    *where = d->cfg.archive_dir;
    rc = pp_archive_put(&d->archive, p->id, p->eml.data, p->eml.len,
                        p->html.data, p->html.len, &p->totals);
    p->archived = rc == 0;
  }
  if (rc == 0) {
    *where = d->cfg.spool_dir;
    rc = pp_spool_commit(&d->spool, p->id);
  }
  return rc;
}

static void persist_pending(struct dss *d) {
  bool stored = false;
  while (d->pending != NULL) {
    struct pending *p = d->pending;
    const char *where = "";
    int rc = persist_one(d, p, &where);
    if (rc != 0) {
      c_complain(LOG_ERR, &d->disk_complaint,
                 LOG_PREFIX "cannot store report %s in %s: %s; %zu report%s "
                            "kept in memory, retrying every %d s",
                 p->id, where, strerror(-rc), d->pending_count,
                 d->pending_count == 1 ? "" : "s", DISK_RETRY_S);
      break;
    }
    c_release(LOG_INFO, &d->disk_complaint,
              LOG_PREFIX "reports are stored again");
    INFO(LOG_PREFIX "report %s archived and queued for sending", p->id);
    d->pending = p->next;
    d->pending_count--;
    pending_free(p);
    stored = true;
  }
  if (stored) {
    archive_refresh(d);
    wake_sender(d);
  }
}

/* The next report time after now: the next multiple of Period since the
 * epoch (so a daily Period reports at midnight UTC), or SendAt local. */
static time_t next_due(const struct dss_config *cfg, time_t now) {
  if (cfg->send_at_min < 0)
    return (now / cfg->period_s + 1) * cfg->period_s;
  struct tm tm;
  localtime_r(&now, &tm);
  tm.tm_hour = cfg->send_at_min / 60;
  tm.tm_min = cfg->send_at_min % 60;
  tm.tm_sec = 0;
  tm.tm_isdst = -1;
  time_t due = mktime(&tm);
  if (due <= now) {
    tm.tm_mday++;
    tm.tm_hour = cfg->send_at_min / 60;
    tm.tm_min = cfg->send_at_min % 60;
    tm.tm_isdst = -1;
    due = mktime(&tm);
  }
  return due;
}

/* Must hold d->lock. Waits until `until` or a stop. */
static void wait_until_nolock(struct dss *d, pthread_cond_t *cond, time_t until,
                              bool *flag) {
  struct timespec ts = {.tv_sec = until};
  while (!atomic_load(&d->stopping) && (flag == NULL || !*flag) &&
         time(NULL) < until)
    pthread_cond_timedwait(cond, &d->lock, &ts);
}

/* The first report: a period end that comes before the printer plugin
 * could poll every printer once (two of collectd's intervals after start)
 * would mail a fleet of the few printers seen so far; it waits for the
 * next one. */
static time_t first_due(const struct dss_config *cfg, time_t start,
                        cdtime_t interval) {
  time_t settle = (time_t)(2 * CDTIME_T_TO_DOUBLE(interval) + 0.5);
  return next_due(cfg, start + settle);
}

static void *batcher_main(void *arg) {
  struct dss *d = arg;
  time_t due = first_due(&d->cfg, time(NULL), d->interval);
  while (!atomic_load(&d->stopping)) {
    time_t wake = due;
    if (d->pending != NULL && time(NULL) + DISK_RETRY_S < wake)
      wake = time(NULL) + DISK_RETRY_S;
    pthread_mutex_lock(&d->lock);
    wait_until_nolock(d, &d->batch_cond, wake, NULL);
    pthread_mutex_unlock(&d->lock);
    if (atomic_load(&d->stopping))
      break;
    time_t now = time(NULL);
    if (now >= due) {
      make_report(d);
      due = next_due(&d->cfg, now);
    }
    persist_pending(d);
  }
  /* A last try for reports still in memory; what fails now is lost. */
  persist_pending(d);
  for (struct pending *p = d->pending; p != NULL; p = p->next)
    ERROR(LOG_PREFIX "report %s LOST at shutdown: it could not be written "
                     "to disk",
          p->id);
  return NULL;
}

/* -------------------------------------------------------------- sender */

struct upload {
  const char *data;
  size_t len;
  size_t pos;
  const struct dss *d;
  struct timespec deadline; /* CLOCK_MONOTONIC */
  bool all_sent;            /* every byte is out: waiting for the answer */
  bool timed_out;
};

static size_t upload_read(char *buffer, size_t size, size_t nitems,
                          void *userdata) {
  struct upload *u = userdata;
  size_t room = size * nitems;
  size_t n = u->len - u->pos < room ? u->len - u->pos : room;
  memcpy(buffer, u->data + u->pos, n);
  u->pos += n;
  return n;
}

static void deadline_in(struct timespec *t, long ms) {
  clock_gettime(CLOCK_MONOTONIC, t);
  t->tv_sec += ms / 1000;
  t->tv_nsec += (ms % 1000) * 1000000L;
  if (t->tv_nsec >= 1000000000L) {
    t->tv_sec++;
    t->tv_nsec -= 1000000000L;
  }
}

static bool past(const struct timespec *deadline) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec > deadline->tv_sec ||
         (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

/* Lets shutdown abort a transfer, and enforces the two timeouts: Timeout
 * until the whole message is out, then DataTimeout for the answer to the
 * final dot. Giving up in that second wait risks a second copy (the server
 * may accept just after), hence RFC 5321's 10 minutes. curl's own
 * CURLOPT_TIMEOUT_MS is only a backstop above both: curl 7.88 checks it
 * there when the answer arrives, and would report a timeout for a message
 * the server has just accepted. Aborting here closes the connection before
 * the answer, so a server that notices does not keep the message. */
static int upload_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
                           curl_off_t ultotal, curl_off_t ulnow) {
  (void)dltotal;
  (void)dlnow;
  (void)ultotal;
  struct upload *u = clientp;
  if (atomic_load(&u->d->stopping))
    return 1;
  if (!u->all_sent && ulnow >= (curl_off_t)u->len) {
    u->all_sent = true;
    deadline_in(&u->deadline, u->d->cfg.data_timeout_ms);
  }
  u->timed_out = past(&u->deadline);
  return u->timed_out ? 1 : 0;
}

enum send_outcome { SENT, RETRY, REFUSED, ABORTED };

struct send_result {
  enum send_outcome outcome;
  long code;
  CURLcode curl;
  char error[CURL_ERROR_SIZE];
};

static struct curl_slist *recipients(const struct dss_config *cfg) {
  struct curl_slist *list = NULL;
  for (size_t i = 0; i < cfg->to_count; i++) {
    char rcpt[300];
    snprintf(rcpt, sizeof(rcpt), "<%s>", cfg->to[i]);
    struct curl_slist *next = curl_slist_append(list, rcpt);
    if (next == NULL) {
      curl_slist_free_all(list);
      return NULL;
    }
    list = next;
  }
  return list;
}

static CURLcode set_tls(CURL *curl, const struct dss_config *cfg) {
  /* smtps:// is TLS from the first byte; smtp:// must upgrade with
   * STARTTLS or fail, never fall back to plain text. */
  long use_ssl = cfg->smtps || cfg->starttls ? (long)CURLUSESSL_ALL
                                             : (long)CURLUSESSL_NONE;
  CURLcode rc = curl_easy_setopt(curl, CURLOPT_USE_SSL, use_ssl);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (rc == CURLE_OK && cfg->ca_file[0] != '\0')
    rc = curl_easy_setopt(curl, CURLOPT_CAINFO, cfg->ca_file);
  return rc;
}

static CURLcode set_transfer(CURL *curl, struct dss *d, struct upload *u,
                             struct curl_slist *rcpt, char *errbuf) {
  char from[300];
  snprintf(from, sizeof(from), "<%s>", d->cfg.from);
  CURLcode rc = curl_easy_setopt(curl, CURLOPT_URL, d->cfg.url);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_READFUNCTION, upload_read);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_READDATA, u);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u->len);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                          d->cfg.timeout_ms + d->cfg.data_timeout_ms +
                              BACKSTOP_MS);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, upload_progress);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_XFERINFODATA, u);
  /* A connection left after a failure is in an unknown SMTP state: never
   * reuse one. */
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                          d->cfg.timeout_ms < CONNECT_TIMEOUT_MS
                              ? d->cfg.timeout_ms
                              : CONNECT_TIMEOUT_MS);
  if (rc == CURLE_OK)
    rc = set_tls(curl, &d->cfg);
  return rc;
}

/* The password is read per mail and wiped after curl copied it. */
static CURLcode set_login(CURL *curl, const struct dss_config *cfg, char *err,
                          size_t errlen) {
  if (cfg->username[0] == '\0')
    return CURLE_OK;
  char password[PASSWORD_MAX];
  if (pp_secret_from_file(cfg->password_file, password, sizeof(password), err,
                          errlen) != 0)
    return CURLE_LOGIN_DENIED;
  CURLcode rc = curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->username);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(curl, CURLOPT_PASSWORD, password);
  explicit_bzero(password, sizeof(password));
  return rc;
}

/* A 55x answer to MAIL FROM, RCPT TO or the message (mailbox unavailable,
 * too large, refused as spam, ...) is the server's final word on this
 * message: it is kept aside, never retried. Other 5xx answers are about
 * the session (530 authentication required, 535 bad credentials, 500-504
 * syntax): a fixed configuration makes them pass, so they are retried with
 * backoff like 4xx answers, timeouts and TLS failures, and logged as
 * errors. */
static enum send_outcome classify(const struct dss *d, CURLcode rc, long code) {
  if (rc == CURLE_OK)
    return SENT;
  if (rc == CURLE_ABORTED_BY_CALLBACK && atomic_load(&d->stopping))
    return ABORTED;
  bool message_step = rc == CURLE_SEND_ERROR || rc == CURLE_WEIRD_SERVER_REPLY;
  if (message_step && code >= 550 && code < 560)
    return REFUSED;
  return RETRY;
}

static void send_message(struct dss *d, CURL *curl, const struct pp_buf *eml,
                         struct send_result *res) {
  struct upload u = {.data = eml->data, .len = eml->len, .d = d};
  deadline_in(&u.deadline, d->cfg.timeout_ms);
  struct curl_slist *rcpt = recipients(&d->cfg);
  *res = (struct send_result){.outcome = RETRY};
  curl_easy_reset(curl);
  CURLcode rc = rcpt != NULL ? CURLE_OK : CURLE_OUT_OF_MEMORY;
  if (rc == CURLE_OK)
    rc = set_transfer(curl, d, &u, rcpt, res->error);
  if (rc == CURLE_OK)
    rc = set_login(curl, &d->cfg, res->error, sizeof(res->error));
  if (rc == CURLE_OK)
    rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res->code);
  /* The handle keeps pointers to errbuf and the list: detach them. */
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, NULL);
  curl_easy_setopt(curl, CURLOPT_PASSWORD, "");
  curl_slist_free_all(rcpt);
  res->curl = rc;
  res->outcome = classify(d, rc, res->code);
  if (u.timed_out)
    snprintf(res->error, sizeof(res->error), "no answer within %s (%ld ms)",
             u.all_sent ? "DataTimeout" : "Timeout",
             u.all_sent ? d->cfg.data_timeout_ms : d->cfg.timeout_ms);
  if (rc != CURLE_OK && res->error[0] == '\0')
    pp_strlcpy(res->error, curl_easy_strerror(rc), sizeof(res->error));
}

static bool was_delivered(const struct dss *d, const char *id) {
  for (size_t i = 0; i < d->delivered.count; i++) {
    if (strcmp(d->delivered.ids[i], id) == 0)
      return true;
  }
  return false;
}

static void on_sent(struct dss *d, const char *id) {
  int rc = pp_spool_delivered(&d->spool, id);
  INFO(LOG_PREFIX "report %s delivered to %s (%zu recipient%s)", id,
       d->cfg.url_shown, d->cfg.to_count, d->cfg.to_count == 1 ? "" : "s");
  if (rc == 0)
    return;
  ERROR(LOG_PREFIX "report %s was delivered but %s/queue/%s.eml cannot be "
                   "removed (%s): it will not be sent again by this process; "
                   "remove it by hand before a restart",
        id, d->cfg.spool_dir, id, strerror(-rc));
  /* The in-memory list keeps this process from sending it twice. */
  struct pp_id_list *l = &d->delivered;
  void *grown = realloc(l->ids, (l->count + 1) * sizeof(*l->ids));
  if (grown != NULL) {
    l->ids = grown;
    pp_strlcpy(l->ids[l->count++], id, PP_FLEET_ID_LEN);
  }
}

static void on_refused(struct dss *d, const char *id,
                       const struct send_result *res) {
  char reason[sizeof(d->cfg.url_shown) + CURL_ERROR_SIZE + 64];
  snprintf(reason, sizeof(reason), "SMTP %ld from %s: %s\n", res->code,
           d->cfg.url_shown, res->error);
  int rc = pp_spool_fail(&d->spool, id, reason);
  ERROR(LOG_PREFIX "report %s REFUSED by %s with SMTP %ld (%s); not retried, "
                   "kept as %s/failed/%s.eml%s%s",
        id, d->cfg.url_shown, res->code, res->error, d->cfg.spool_dir, id,
        rc != 0 ? "; moving it failed: " : "", rc != 0 ? strerror(-rc) : "");
}

static int64_t backoff_s(const struct dss_config *cfg, unsigned attempts) {
  int64_t delay = cfg->retry_min_s;
  for (unsigned i = 1; i < attempts && delay < cfg->retry_max_s; i++)
    delay *= 2;
  return delay < cfg->retry_max_s ? delay : cfg->retry_max_s;
}

static time_t on_retry(struct dss *d, const char *id, struct pp_spool_state *st,
                       const struct send_result *res) {
  st->attempts++;
  st->last_code = (int)res->code;
  st->next_try = (int64_t)time(NULL) + backoff_s(&d->cfg, st->attempts);
  int rc = pp_spool_state_set(&d->spool, id, st);
  const char *hint =
      res->curl == CURLE_LOGIN_DENIED || res->code == 530 || res->code == 535
          ? " (check Username and PasswordFile)"
      : res->curl == CURLE_PEER_FAILED_VERIFICATION
          ? " (check the server certificate and CAFile)"
          : "";
  plugin_log(res->code >= 500 || hint[0] ? LOG_ERR : LOG_WARNING,
             LOG_PREFIX
             "report %s not sent to %s, attempt %u: %s (SMTP %ld)%s; "
             "next try in %" PRId64 " s%s",
             id, d->cfg.url_shown, st->attempts, res->error, res->code, hint,
             st->next_try - (int64_t)time(NULL),
             rc != 0 ? " (the retry schedule could not be saved)" : "");
  return (time_t)st->next_try;
}

static int read_queued(struct dss *d, const char *id, struct pp_buf *eml) {
  int rc = pp_spool_read(&d->spool, PP_SPOOL_QUEUE, id, eml);
  if (rc != 0)
    ERROR(LOG_PREFIX "cannot read %s/queue/%s.eml: %s", d->cfg.spool_dir, id,
          strerror(-rc));
  return rc;
}

/* Sends what is due, oldest first; returns when to look again. */
static time_t send_due(struct dss *d, CURL *curl) {
  struct pp_id_list queue;
  time_t now = time(NULL);
  time_t next = now + IDLE_WAKE_S;
  if (pp_spool_list(&d->spool, PP_SPOOL_QUEUE, &queue) != 0)
    return now + DISK_RETRY_S;
  bool changed = false;
  for (size_t i = 0; i < queue.count && !atomic_load(&d->stopping); i++) {
    const char *id = queue.ids[i];
    struct pp_spool_state st;
    pp_spool_state_get(&d->spool, id, &st);
    if (was_delivered(d, id))
      continue;
    if (st.next_try > (int64_t)now) {
      next = (time_t)st.next_try < next ? (time_t)st.next_try : next;
      continue;
    }
    struct pp_buf eml;
    if (read_queued(d, id, &eml) != 0) {
      next = now + DISK_RETRY_S;
      continue;
    }
    struct send_result res;
    send_message(d, curl, &eml, &res);
    pp_buf_free(&eml);
    if (res.outcome == ABORTED)
      break;
    if (res.outcome == SENT) {
      on_sent(d, id);
      changed = true;
    } else if (res.outcome == REFUSED) {
      on_refused(d, id, &res);
      changed = true;
    } else {
      time_t again = on_retry(d, id, &st, &res);
      next = again < next ? again : next;
      /* No answer at all: the others would fail alike, try them later. */
      if (res.code == 0)
        break;
    }
  }
  pp_id_list_free(&queue);
  if (changed)
    archive_refresh(d);
  return next;
}

static void *sender_main(void *arg) {
  struct dss *d = arg;
  /* One handle for the thread's life; curl_easy_reset clears options
   * between messages. */
  CURL *curl = curl_easy_init();
  if (curl == NULL) {
    ERROR(LOG_PREFIX "curl_easy_init failed: no report will be sent");
    return NULL;
  }
  while (!atomic_load(&d->stopping)) {
    time_t next = send_due(d, curl);
    pthread_mutex_lock(&d->lock);
    wait_until_nolock(d, &d->send_cond, next, &d->send_wake);
    d->send_wake = false;
    pthread_mutex_unlock(&d->lock);
  }
  curl_easy_cleanup(curl);
  return NULL;
}

/* ------------------------------------------------------ start and stop */

/* A staged report whose archive or commit step a crash interrupted:
 * archive it from the spool's bytes (the same bytes), then queue it. */
static void recover_staged(struct dss *d) {
  struct pp_id_list staged;
  if (pp_spool_list(&d->spool, PP_SPOOL_STAGED, &staged) != 0)
    return;
  for (size_t i = 0; i < staged.count; i++) {
    const char *id = staged.ids[i];
    struct pp_buf eml;
    int rc = pp_spool_read(&d->spool, PP_SPOOL_STAGED, id, &eml);
    if (rc == 0 && !pp_archive_has(&d->archive, id))
      rc = pp_archive_put(&d->archive, id, eml.data, eml.len, NULL, 0, NULL);
    if (rc == 0)
      rc = pp_spool_commit(&d->spool, id);
    pp_buf_free(&eml);
    if (rc != 0)
      ERROR(LOG_PREFIX "report %s, interrupted before a restart, cannot be "
                       "queued: %s (tried again at the next start)",
            id, strerror(-rc));
    else
      NOTICE(LOG_PREFIX "report %s, interrupted before a restart, is "
                        "archived and queued now",
             id);
  }
  pp_id_list_free(&staged);
}

static void recover(struct dss *d) {
  size_t removed = 0;
  int rc = pp_spool_recover(&d->spool, &removed);
  if (rc != 0)
    WARNING(LOG_PREFIX "spool recovery in %s: %s", d->cfg.spool_dir,
            strerror(-rc));
  if (removed > 0)
    NOTICE(LOG_PREFIX "%zu report%s delivered before a crash removed from "
                      "the queue, not sent again",
           removed, removed == 1 ? " was" : "s were");
  recover_staged(d);
  archive_refresh(d);
}

static int dss_init(void) {
  struct dss *d = dss_global;
  if (d == NULL)
    return 0;
  /* curl_global_init is not thread-safe: collectd is still single-threaded
   * here. */
  CURLcode crc = curl_global_init(CURL_GLOBAL_ALL);
  if (crc != CURLE_OK) {
    ERROR(LOG_PREFIX "curl_global_init: %s", curl_easy_strerror(crc));
    return -1;
  }
  if (d->threads_running)
    return 0;
  /* collectd forks into the background between config and init: the lock
   * files must name the process that holds the locks now. */
  pp_dir_lock_own(d->spool_lock_fd);
  pp_dir_lock_own(d->archive_lock_fd);
  recover(d);
  if (plugin_thread_create(&d->sender, sender_main, d, "dss sender") != 0) {
    ERROR(LOG_PREFIX "cannot start the sender thread");
    return -1;
  }
  d->interval = plugin_get_interval();
  if (plugin_thread_create(&d->batcher, batcher_main, d, "dss batcher")) {
    ERROR(LOG_PREFIX "cannot start the batcher thread");
    atomic_store(&d->stopping, true);
    wake_sender(d);
    pthread_join(d->sender, NULL);
    return -1;
  }
  d->threads_running = true;
  INFO(LOG_PREFIX "reports every %d s%s to %zu recipient%s via %s",
       d->cfg.period_s, d->cfg.send_at_min >= 0 ? " (at SendAt)" : "",
       d->cfg.to_count, d->cfg.to_count == 1 ? "" : "s", d->cfg.url_shown);
  return 0;
}

static int dss_shutdown(void) {
  struct dss *d = dss_global;
  if (d == NULL)
    return 0;
  if (d->threads_running) {
    pthread_mutex_lock(&d->lock);
    atomic_store(&d->stopping, true);
    pthread_cond_broadcast(&d->batch_cond);
    pthread_cond_broadcast(&d->send_cond);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->batcher, NULL);
    pthread_join(d->sender, NULL);
    d->threads_running = false;
  }
  dss_global = NULL;
  dss_free(d);
  curl_global_cleanup();
  return 0;
}

void module_register(void) {
  plugin_register_complex_config(PLUGIN, dss_config_cb);
  plugin_register_init(PLUGIN, dss_init);
  plugin_register_write(PLUGIN, dss_write, NULL);
  plugin_register_shutdown(PLUGIN, dss_shutdown);
}
