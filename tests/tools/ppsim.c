/* SPDX-License-Identifier: MIT */
/*
 * ppsim - a fast SNMP v1/v2c responder that serves snmprec recordings on
 * loopback, for printprobe's tests and benchmarks. It is a small stand-in
 * for snmpsimd that answers thousands of requests per second and can be
 * told to misbehave the way real printers do.
 *
 * Usage:
 *   ppsim --listen 127.0.0.1:PORT [--listen [::1]:PORT ...] --data DIR
 *         [--map FILE] [--dead-community-pattern PREFIX]
 *         [--max-response BYTES] [--max-seconds N] [--log FILE] [--stats]
 *
 *   --listen ADDR:PORT  UDP endpoint to serve (repeatable, at most 16). Only
 *                       127.0.0.0/8 and ::1 are accepted; anything else
 *                       exits with status 2. Port 0 picks a free port; the
 *                       real one is printed on stderr once ready.
 *   --data DIR          every DIR/NAME.snmprec is served with community
 *                       NAME, files in subfolders as sub/NAME (like snmpsim).
 *   --map FILE          lines "COMMUNITY RECORDING-NAME": more communities
 *                       for one recording (1000 devices, one file).
 *   --dead-community-pattern PREFIX
 *                       communities starting with PREFIX are never answered
 *                       (a switched-off printer).
 *   --max-response N    largest response in bytes (default 65000, at most
 *                       65507). GET/GETNEXT/SET answers beyond it become
 *                       tooBig; GETBULK answers drop trailing varbinds
 *                       (RFC 3416 4.2.3) and are tooBig only if none fits.
 *   --max-seconds N     exit by itself after N seconds (default 600).
 *   --log FILE          one flushed line per decoded request:
 *                       "<unix time.ms> <peer port> <community> <type>
 * <oid>..." with type get|getnext|getbulk|set|... .
 *   --stats             print request counters on stdout at exit.
 *
 * Recordings: lines "OID|TAG|VALUE" in any order (sorted numerically on
 * load). Tags: 2 INTEGER, 4 OCTET STRING, 5 NULL, 6 OID, 64 IpAddress,
 * 65 Counter32, 66 Gauge32, 67 TimeTicks, 68 Opaque, 70 Counter64, and the
 * exceptions 128 noSuchObject, 129 noSuchInstance, 130 endOfMibView. A
 * suffix x means hex value, e means a Python-escaped string (\xNN, \n).
 * Lines are stripped of surrounding white space, as snmpsim does. Lines it
 * cannot use (snmpsim variations, bad numbers) are skipped with a warning.
 * Lines starting with # are comments, except "#ppsim:" lines that switch a
 * behaviour for this recording (several per line allowed):
 *   silent            never answer anything
 *   delay_ms=N        answer N ms late (no blocking; others still served)
 *   max_response=N    a per-recording --max-response
 *   drop_over=N       never answer when the answer would exceed N bytes
 *                     (a printer whose buffer cannot hold a big GETBULK
 *                     answer and drops it silently)
 *   get=MODE getnext=MODE getbulk=MODE set=MODE, MODE one of
 *     normal    the default
 *     genError  answer genErr (error-index 1)
 *     tooBig    answer tooBig
 *     drop      never answer this PDU type
 *     garbage   answer with a truncated, undecodable packet
 *     truncate  answer with only the first varbind
 *     badIndex  answer noSuchName with an error-index past the request's
 *               varbinds (a broken v1 agent)
 *   loop=OID          GETNEXT/GETBULK from inside this subtree return the
 *                     requested OID again (a non-increasing walk)
 *   rows=OID:N:TAG    N made-up rows OID.1 .. OID.N (N <= 100000) of type
 *                     TAG (2 INTEGER, 4 OCTET STRING, 65 Counter32): value
 *                     the row number, text "row N" (a table too big to be
 *                     written out, for the bounds of a walk)
 *
 * Protocol: GET gives noSuchInstance when the OID's parent prefixes some
 * recorded OID, else noSuchObject; GETNEXT/GETBULK end with endOfMibView.
 * v1 gets noSuchName with error-index instead, and never sees Counter64.
 * SET is refused: notWritable (v2c) or readOnly (v1), and logged. Unknown
 * communities, v3 and malformed packets get no answer, like a real agent.
 * Single-threaded, poll()-based, binary search over the sorted OIDs.
 * Exit status: 0 after --max-seconds or SIGTERM/SIGINT, 1 on runtime
 * errors, 2 on bad arguments.
 */
#include "snmp_wire.h"

#include <ctype.h>
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>

#define MAX_LISTEN 16
#define MAX_REQ_VBS 2048
#define MAX_DIR_DEPTH 16
#define DEFAULT_MAX_RESPONSE 65000
#define DELAY_QUEUE_MAX 100000

enum op { OP_GET, OP_GETNEXT, OP_GETBULK, OP_SET, OP_COUNT };

static const char *const op_names[OP_COUNT] = {"get", "getnext", "getbulk",
                                               "set"};

enum mode {
  MODE_NORMAL,
  MODE_GENERR,
  MODE_TOOBIG,
  MODE_DROP,
  MODE_GARBAGE,
  MODE_TRUNCATE,
  MODE_BAD_INDEX,
};

static const char *const mode_names[] = {
    "normal", "genError", "tooBig", "drop", "garbage", "truncate", "badIndex"};

struct entry {
  uint32_t *oid;
  size_t oid_len;
  uint8_t tag;
  uint8_t *val;
  size_t val_len;
};

struct recording {
  char *name;
  struct entry *entries;
  size_t n;
  size_t cap;
  enum mode modes[OP_COUNT];
  struct sw_oid *loops;
  size_t nloops;
  bool silent;
  unsigned delay_ms;
  size_t max_response; /* 0: use the global limit */
  size_t drop_over;    /* 0: answer whatever the size */
};

struct community {
  char *name;
  size_t len;
  struct recording *rec;
};

struct stats {
  unsigned long answered[OP_COUNT];
  unsigned long unanswered; /* by a drop/silent switch */
  unsigned long unknown_community;
  unsigned long dead_community;
  unsigned long malformed;
  unsigned long other_pdu;
  unsigned long send_failed;
};

static struct {
  struct recording **recs;
  size_t nrecs;
  size_t recs_cap;
  struct community *table; /* open addressing, power-of-two size */
  size_t table_size;
  size_t table_used;
  const char *dead_prefix;
  size_t max_response;
  FILE *log;
  struct stats st;
  struct sw_dq delayed;
  unsigned long warnings;
} g = {.max_response = DEFAULT_MAX_RESPONSE,
       .delayed = {.max = DELAY_QUEUE_MAX}};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fprintf(stderr, "ppsim: out of memory\n");
    exit(1);
  }
  return p;
}

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) {
    fprintf(stderr, "ppsim: out of memory\n");
    exit(1);
  }
  return p;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

/* ---- community table ------------------------------------------------- */

static uint64_t hash_bytes(const void *p, size_t n) {
  const uint8_t *b = p;
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

static struct community *table_slot(const void *name, size_t len) {
  size_t mask = g.table_size - 1;
  size_t i = (size_t)hash_bytes(name, len) & mask;
  while (g.table[i].name &&
         (g.table[i].len != len || memcmp(g.table[i].name, name, len) != 0))
    i = (i + 1) & mask;
  return &g.table[i];
}

static void table_grow(void) {
  struct community *old = g.table;
  size_t old_size = g.table_size;
  g.table_size = old_size ? old_size * 2 : 64;
  g.table = xmalloc(g.table_size * sizeof(*g.table));
  memset(g.table, 0, g.table_size * sizeof(*g.table));
  for (size_t i = 0; i < old_size; i++) {
    if (old[i].name)
      *table_slot(old[i].name, old[i].len) = old[i];
  }
  free(old);
}

/* Later entries win, so --map can re-point a file's own community. */
static void table_put(const char *name, struct recording *rec) {
  if ((g.table_used + 1) * 2 > g.table_size)
    table_grow();
  size_t len = strlen(name);
  struct community *c = table_slot(name, len);
  if (!c->name) {
    c->name = xstrdup(name);
    c->len = len;
    g.table_used++;
  }
  c->rec = rec;
}

static struct recording *table_get(const uint8_t *name, size_t len) {
  if (!g.table_size)
    return NULL;
  struct community *c = table_slot(name, len);
  return c->name ? c->rec : NULL;
}

static struct recording *find_recording(const char *name) {
  for (size_t i = 0; i < g.nrecs; i++) {
    if (strcmp(g.recs[i]->name, name) == 0)
      return g.recs[i];
  }
  return NULL;
}

/* ---- loading recordings ---------------------------------------------- */

static void warn_line(const char *path, unsigned long line, const char *what) {
  g.warnings++;
  fprintf(stderr, "ppsim: %s:%lu: %s, line skipped\n", path, line, what);
}

static int hex_digit(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = tolower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes hex into out (capacity strlen(s) / 2); returns length or -1. */
static long decode_hex(const char *s, uint8_t *out) {
  size_t n = strlen(s);
  if (n % 2)
    return -1;
  for (size_t i = 0; i < n; i += 2) {
    int hi = hex_digit((unsigned char)s[i]);
    int lo = hex_digit((unsigned char)s[i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    out[i / 2] = (uint8_t)(hi << 4 | lo);
  }
  return (long)(n / 2);
}

/* snmpsim's "e" encoding: a Python-escaped byte string. */
static long decode_escaped(const char *s, uint8_t *out) {
  size_t n = 0;
  while (*s) {
    if (*s != '\\' || s[1] == '\0') {
      out[n++] = (uint8_t)*s++;
      continue;
    }
    s++;
    switch (*s) {
    case 'n':
      out[n++] = '\n';
      break;
    case 'r':
      out[n++] = '\r';
      break;
    case 't':
      out[n++] = '\t';
      break;
    case 'x': {
      int hi = hex_digit((unsigned char)s[1]);
      int lo = hi < 0 ? -1 : hex_digit((unsigned char)s[2]);
      if (lo < 0)
        return -1;
      out[n++] = (uint8_t)(hi << 4 | lo);
      s += 2;
      break;
    }
    default: /* \\ \' \" and anything else stand for themselves */
      out[n++] = (uint8_t)*s;
    }
    s++;
  }
  return (long)n;
}

static bool parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (*s == '\0' || *end != '\0' || errno || v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

static bool parse_u64(const char *s, uint64_t hi, uint64_t *out) {
  char *end;
  if (!isdigit((unsigned char)*s))
    return false;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end != '\0' || errno || v > hi)
    return false;
  *out = v;
  return true;
}

/* Turns TAG and VALUE text into the BER tag and content octets of the
 * value. out must hold strlen(value) + SW_MAX_OID_BYTES octets. Returns
 * the content length, or -1 with *why set. */
static long encode_value(const char *tag_text, const char *value, uint8_t *tag,
                         uint8_t *out, const char **why) {
  char *end;
  errno = 0;
  long num = strtol(tag_text, &end, 10);
  char enc = *end;
  if (end == tag_text || errno || (enc && (enc != 'x' && enc != 'e')) ||
      (enc && end[1])) {
    *why = strchr(tag_text, ':') ? "snmpsim variation not supported"
                                 : "unknown tag";
    return -1;
  }
  *why = "bad value for tag";
  if (enc == 'x' || enc == 'e') {
    if (num != 4 && num != 64 && num != 68) {
      *why = "x/e encoding only for tags 4, 64, 68";
      return -1;
    }
    *tag = (uint8_t)(num == 4 ? SW_OCTETS : num == 64 ? SW_IPADDR : SW_OPAQUE);
    long n = enc == 'x' ? decode_hex(value, out) : decode_escaped(value, out);
    if (n < 0 || (num == 64 && n != 4))
      return -1;
    return n;
  }
  int64_t i;
  uint64_t u;
  struct sw_oid oid;
  switch (num) {
  case 2:
    *tag = SW_INTEGER;
    if (!parse_i64(value, INT32_MIN, INT32_MAX, &i))
      return -1;
    return (long)sw_int_content(i, out);
  case 4:
  case 68:
    *tag = num == 4 ? SW_OCTETS : SW_OPAQUE;
    memcpy(out, value, strlen(value));
    return (long)strlen(value);
  case 5:
    *tag = SW_NULL;
    return 0;
  case 6:
    *tag = SW_OID;
    if (sw_parse_oid(value, &oid) != 0)
      return -1;
    return (long)sw_encode_oid(oid.sub, oid.len, out);
  case 64:
    *tag = SW_IPADDR;
    return inet_pton(AF_INET, value, out) == 1 ? 4 : -1;
  case 65:
  case 66:
  case 67:
    *tag = (uint8_t)(0x40 + num - 64);
    if (!parse_u64(value, UINT32_MAX, &u))
      return -1;
    return (long)sw_uint_content(u, out);
  case 70:
    *tag = SW_COUNTER64;
    if (!parse_u64(value, UINT64_MAX, &u))
      return -1;
    return (long)sw_uint_content(u, out);
  case 128:
  case 129:
  case 130:
    *tag = (uint8_t)num;
    return 0;
  default:
    *why = "unknown tag";
    return -1;
  }
}

static bool parse_mode(const char *s, enum mode *m) {
  for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
    if (strcasecmp(s, mode_names[i]) == 0) {
      *m = (enum mode)i;
      return true;
    }
  }
  return false;
}

static void parse_record_line(struct recording *rec, char *s, const char *path,
                              unsigned long line);

#define MAX_MADE_UP_ROWS 100000

/* rows=OID:N:TAG, see the head of the file. */
static bool made_up_rows(struct recording *rec, const char *val) {
  char oid[256];
  int64_t n, tag;
  const char *c1 = strchr(val, ':');
  const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  if (c2 == NULL || (size_t)(c1 - val) >= sizeof(oid))
    return false;
  memcpy(oid, val, (size_t)(c1 - val));
  oid[c1 - val] = '\0';
  char count[32];
  if ((size_t)(c2 - c1 - 1) >= sizeof(count))
    return false;
  memcpy(count, c1 + 1, (size_t)(c2 - c1 - 1));
  count[c2 - c1 - 1] = '\0';
  if (!parse_i64(count, 1, MAX_MADE_UP_ROWS, &n) ||
      !parse_i64(c2 + 1, 2, 65, &tag) || (tag != 2 && tag != 4 && tag != 65))
    return false;
  for (int64_t i = 1; i <= n; i++) {
    char line[512];
    if (tag == 4)
      snprintf(line, sizeof(line), "%s.%lld|4|row %lld", oid, (long long)i,
               (long long)i);
    else
      snprintf(line, sizeof(line), "%s.%lld|%d|%lld", oid, (long long)i,
               (int)tag, (long long)i);
    parse_record_line(rec, line, "rows=", (unsigned long)i);
  }
  return true;
}

static bool apply_switch(struct recording *rec, char *item) {
  char *eq = strchr(item, '=');
  const char *val = eq ? eq + 1 : "";
  int64_t n;
  if (eq)
    *eq = '\0';
  if (strcmp(item, "silent") == 0 && !eq) {
    rec->silent = true;
    return true;
  }
  if (strcmp(item, "delay_ms") == 0) {
    if (!parse_i64(val, 0, 600000, &n))
      return false;
    rec->delay_ms = (unsigned)n;
    return true;
  }
  if (strcmp(item, "max_response") == 0) {
    if (!parse_i64(val, 64, SW_MAX_DATAGRAM, &n))
      return false;
    rec->max_response = (size_t)n;
    return true;
  }
  if (strcmp(item, "drop_over") == 0) {
    if (!parse_i64(val, 64, SW_MAX_DATAGRAM, &n))
      return false;
    rec->drop_over = (size_t)n;
    return true;
  }
  if (strcmp(item, "rows") == 0)
    return made_up_rows(rec, val);
  if (strcmp(item, "loop") == 0) {
    struct sw_oid oid;
    if (sw_parse_oid(val, &oid) != 0)
      return false;
    rec->loops = xrealloc(rec->loops, (rec->nloops + 1) * sizeof(oid));
    rec->loops[rec->nloops++] = oid;
    return true;
  }
  for (int op = 0; op < OP_COUNT; op++) {
    if (strcmp(item, op_names[op]) == 0)
      return parse_mode(val, &rec->modes[op]);
  }
  return false;
}

static void parse_switches(struct recording *rec, char *text, const char *path,
                           unsigned long line) {
  for (char *save = NULL, *item = strtok_r(text, " \t,", &save); item;
       item = strtok_r(NULL, " \t,", &save)) {
    char copy[256];
    snprintf(copy, sizeof(copy), "%s", item);
    if (!apply_switch(rec, item)) {
      g.warnings++;
      fprintf(stderr, "ppsim: %s:%lu: unknown #ppsim switch '%s'\n", path, line,
              copy);
    }
  }
}

static char *strip(char *s) {
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
  while (isspace((unsigned char)*s))
    s++;
  return s;
}

static void add_entry(struct recording *rec, const struct sw_oid *oid,
                      uint8_t tag, const uint8_t *val, size_t len) {
  if (rec->n == rec->cap) {
    rec->cap = rec->cap ? rec->cap * 2 : 256;
    rec->entries = xrealloc(rec->entries, rec->cap * sizeof(*rec->entries));
  }
  struct entry *e = &rec->entries[rec->n++];
  e->oid = xmalloc(oid->len * sizeof(uint32_t));
  memcpy(e->oid, oid->sub, oid->len * sizeof(uint32_t));
  e->oid_len = oid->len;
  e->tag = tag;
  e->val = xmalloc(len);
  memcpy(e->val, val, len);
  e->val_len = len;
}

static void parse_record_line(struct recording *rec, char *s, const char *path,
                              unsigned long line) {
  char *bar1 = strchr(s, '|');
  char *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
  struct sw_oid oid;
  if (!bar2) {
    warn_line(path, line, "not OID|TAG|VALUE");
    return;
  }
  *bar1 = *bar2 = '\0';
  if (sw_parse_oid(s, &oid) != 0 || oid.len < 2) {
    warn_line(path, line, "bad OID");
    return;
  }
  const char *why = NULL;
  uint8_t tag = 0;
  uint8_t *buf = xmalloc(strlen(bar2 + 1) + SW_MAX_OID_BYTES);
  long n = encode_value(bar1 + 1, bar2 + 1, &tag, buf, &why);
  if (n < 0)
    warn_line(path, line, why);
  else
    add_entry(rec, &oid, tag, buf, (size_t)n);
  free(buf);
}

static int cmp_entry(const void *a, const void *b) {
  const struct entry *x = a, *y = b;
  return sw_oid_cmp(x->oid, x->oid_len, y->oid, y->oid_len);
}

/* Sorts numerically and keeps the first of duplicate OIDs. */
static void sort_recording(struct recording *rec, const char *path) {
  qsort(rec->entries, rec->n, sizeof(*rec->entries), cmp_entry);
  size_t out = 0;
  for (size_t i = 0; i < rec->n; i++) {
    if (out && cmp_entry(&rec->entries[out - 1], &rec->entries[i]) == 0) {
      g.warnings++;
      fprintf(stderr, "ppsim: %s: duplicate OID, later one ignored\n", path);
      free(rec->entries[i].oid);
      free(rec->entries[i].val);
      continue;
    }
    rec->entries[out++] = rec->entries[i];
  }
  rec->n = out;
}

static int load_recording(const char *path, const char *name) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "ppsim: %s: %s\n", path, strerror(errno));
    return -1;
  }
  struct recording *rec = xmalloc(sizeof(*rec));
  memset(rec, 0, sizeof(*rec));
  rec->name = xstrdup(name);
  char *buf = NULL;
  size_t cap = 0;
  unsigned long line = 0;
  while (getline(&buf, &cap, f) >= 0) {
    char *s = strip(buf);
    line++;
    if (strncmp(s, "#ppsim:", 7) == 0)
      parse_switches(rec, s + 7, path, line);
    else if (*s && *s != '#')
      parse_record_line(rec, s, path, line);
  }
  free(buf);
  fclose(f);
  sort_recording(rec, path);
  if (g.nrecs == g.recs_cap) {
    g.recs_cap = g.recs_cap ? g.recs_cap * 2 : 64;
    g.recs = xrealloc(g.recs, g.recs_cap * sizeof(*g.recs));
  }
  g.recs[g.nrecs++] = rec;
  table_put(name, rec);
  return 0;
}

static bool has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n > k && strcmp(s + n - k, suffix) == 0;
}

/* Walks DIR like snmpsim: DIR/a/b.snmprec is community "a/b". */
static int load_dir(const char *dir, const char *prefix, int depth) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "ppsim: %s: %s\n", dir, strerror(errno));
    return -1;
  }
  int rc = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    char path[PATH_MAX], name[PATH_MAX];
    struct stat sb;
    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    snprintf(name, sizeof(name), "%s%s", prefix, de->d_name);
    if (stat(path, &sb) != 0)
      continue;
    if (S_ISDIR(sb.st_mode) && depth < MAX_DIR_DEPTH) {
      char sub[PATH_MAX + 1]; /* name and its slash always fit */
      snprintf(sub, sizeof(sub), "%s/", name);
      rc |= load_dir(path, sub, depth + 1);
    } else if (S_ISREG(sb.st_mode) && has_suffix(name, ".snmprec")) {
      name[strlen(name) - strlen(".snmprec")] = '\0';
      rc |= load_recording(path, name);
    }
  }
  closedir(d);
  return rc;
}

static int load_map(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "ppsim: %s: %s\n", path, strerror(errno));
    return -1;
  }
  char *buf = NULL;
  size_t cap = 0;
  unsigned long line = 0;
  int rc = 0;
  while (getline(&buf, &cap, f) >= 0) {
    char *save = NULL;
    line++;
    char *community = strtok_r(buf, " \t\r\n", &save);
    char *rec_name = community ? strtok_r(NULL, " \t\r\n", &save) : NULL;
    if (!community || community[0] == '#')
      continue;
    struct recording *rec = rec_name ? find_recording(rec_name) : NULL;
    if (!rec) {
      fprintf(stderr, "ppsim: %s:%lu: no recording '%s'\n", path, line,
              rec_name ? rec_name : "");
      rc = -1;
      continue;
    }
    table_put(community, rec);
  }
  free(buf);
  fclose(f);
  return rc;
}

/* ---- answering ------------------------------------------------------- */

/* One varbind to answer with: a name and a BER-encoded value. */
struct answer {
  const uint32_t *oid;
  size_t oid_len;
  uint8_t tag;
  const uint8_t *val;
  size_t val_len;
};

/* The response being built for one request. */
struct reply {
  const struct recording *rec;
  const struct sw_msg *req;
  bool v1;
  size_t limit;
  size_t max_vbs; /* truncate mode: 1 */
  size_t nvbs;
  struct sw_writer vbl;
  int64_t status;
  int64_t index;
};

static struct sw_oid req_oids[MAX_REQ_VBS];
static uint8_t vbl_buf[SW_MAX_DATAGRAM];
static uint8_t rx_buf[SW_MAX_DATAGRAM + 1];
static uint8_t tx_buf[SW_MAX_DATAGRAM];

/* Index of the first entry >= oid. */
static size_t lower_bound(const struct recording *rec, const uint32_t *oid,
                          size_t len) {
  size_t lo = 0, hi = rec->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const struct entry *e = &rec->entries[mid];
    if (sw_oid_cmp(e->oid, e->oid_len, oid, len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static const struct entry *find_exact(const struct recording *rec,
                                      const uint32_t *oid, size_t len) {
  size_t i = lower_bound(rec, oid, len);
  if (i < rec->n &&
      sw_oid_cmp(rec->entries[i].oid, rec->entries[i].oid_len, oid, len) == 0)
    return &rec->entries[i];
  return NULL;
}

/* v1 has no Counter64 and no exception values: those entries are skipped
 * in walks and are noSuchName for GET. */
static bool v1_hidden(const struct entry *e) {
  return e->tag == SW_COUNTER64 || e->tag >= SW_NO_SUCH_OBJECT;
}

static const struct entry *find_next(const struct recording *rec,
                                     const uint32_t *oid, size_t len, bool v1) {
  size_t i = lower_bound(rec, oid, len);
  if (i < rec->n &&
      sw_oid_cmp(rec->entries[i].oid, rec->entries[i].oid_len, oid, len) == 0)
    i++;
  while (v1 && i < rec->n && v1_hidden(&rec->entries[i]))
    i++;
  return i < rec->n ? &rec->entries[i] : NULL;
}

static void answer_from(struct answer *a, const uint32_t *oid, size_t len,
                        const struct entry *e) {
  a->oid = oid;
  a->oid_len = len;
  a->tag = e->tag;
  a->val = e->val;
  a->val_len = e->val_len;
}

static void answer_exception(struct answer *a, const uint32_t *oid, size_t len,
                             uint8_t tag) {
  a->oid = oid;
  a->oid_len = len;
  a->tag = tag;
  a->val = NULL;
  a->val_len = 0;
}

/* Without a MIB the best guess: if the OID's parent is a prefix of some
 * recorded OID, the object exists and only this instance is missing. */
static uint8_t missing_kind(const struct recording *rec, const uint32_t *oid,
                            size_t len) {
  size_t plen = len ? len - 1 : 0;
  size_t i = lower_bound(rec, oid, plen);
  if (i < rec->n && sw_oid_has_prefix(rec->entries[i].oid,
                                      rec->entries[i].oid_len, oid, plen))
    return SW_NO_SUCH_INSTANCE;
  return SW_NO_SUCH_OBJECT;
}

static bool in_loop(const struct recording *rec, const uint32_t *oid,
                    size_t len) {
  for (size_t i = 0; i < rec->nloops; i++) {
    const struct sw_oid *p = &rec->loops[i];
    if (len > p->len && sw_oid_has_prefix(oid, len, p->sub, p->len))
      return true;
  }
  return false;
}

/* GETNEXT of one OID; false means end of MIB view. */
static bool next_answer(const struct reply *rp, const uint32_t *oid, size_t len,
                        struct answer *a) {
  const struct recording *rec = rp->rec;
  if (in_loop(rec, oid, len)) {
    /* Answer the requested OID again, the broken-agent loop. */
    const struct entry *e = find_exact(rec, oid, len);
    if (!e || (rp->v1 && v1_hidden(e)))
      e = find_next(rec, oid, len, rp->v1);
    if (e) {
      answer_from(a, oid, len, e);
      return true;
    }
  } else {
    const struct entry *e = find_next(rec, oid, len, rp->v1);
    if (e) {
      answer_from(a, e->oid, e->oid_len, e);
      return true;
    }
  }
  answer_exception(a, oid, len, SW_END_OF_MIB);
  return false;
}

/* Appends a varbind if the whole response still fits the size limit. */
static bool append(struct reply *rp, const struct answer *a) {
  uint8_t ob[SW_MAX_OID_BYTES];
  if (rp->nvbs >= rp->max_vbs)
    return false;
  size_t vb = sw_vb_size(sw_encode_oid(a->oid, a->oid_len, ob), a->val_len);
  if (sw_response_size(rp->req, 0, 0, rp->vbl.len + vb) > rp->limit)
    return false;
  sw_put_vb(&rp->vbl, a->oid, a->oid_len, a->tag, a->val, a->val_len);
  rp->nvbs++;
  return !rp->vbl.overflow;
}

static void set_error(struct reply *rp, int64_t status, int64_t index) {
  rp->status = status;
  rp->index = index;
  rp->vbl.len = 0;
  /* Errors echo the request's varbinds, except v2 tooBig (RFC 3416). */
  if (!(status == SW_ERR_TOO_BIG && !rp->v1))
    sw_put_bytes(&rp->vbl, rp->req->vbl, rp->req->vbl_len);
}

static void answer_get(struct reply *rp, size_t nvb) {
  for (size_t i = 0; i < nvb; i++) {
    const struct sw_oid *o = &req_oids[i];
    const struct entry *e = find_exact(rp->rec, o->sub, o->len);
    struct answer a;
    if (rp->v1 && (!e || v1_hidden(e))) {
      set_error(rp, SW_ERR_NO_SUCH_NAME, (int64_t)i + 1);
      return;
    }
    if (e)
      answer_from(&a, o->sub, o->len, e);
    else
      answer_exception(&a, o->sub, o->len,
                       missing_kind(rp->rec, o->sub, o->len));
    if (!append(rp, &a) && rp->nvbs < rp->max_vbs) {
      set_error(rp, SW_ERR_TOO_BIG, 0);
      return;
    }
  }
}

static void answer_getnext(struct reply *rp, size_t nvb) {
  for (size_t i = 0; i < nvb; i++) {
    struct answer a;
    if (!next_answer(rp, req_oids[i].sub, req_oids[i].len, &a) && rp->v1) {
      set_error(rp, SW_ERR_NO_SUCH_NAME, (int64_t)i + 1);
      return;
    }
    if (!append(rp, &a) && rp->nvbs < rp->max_vbs) {
      set_error(rp, SW_ERR_TOO_BIG, 0);
      return;
    }
  }
}

/* RFC 3416 4.2.3: N non-repeaters once, then up to M rows of the R
 * repeaters, each continuing from its own previous answer. */
static void answer_getbulk(struct reply *rp, size_t nvb) {
  int64_t nr = rp->req->field2, mr = rp->req->field3;
  size_t n = nr < 0 ? 0 : (uint64_t)nr > nvb ? nvb : (size_t)nr;
  uint64_t m = mr < 0 ? 0 : (uint64_t)mr;
  struct answer a;
  for (size_t i = 0; i < n; i++) {
    next_answer(rp, req_oids[i].sub, req_oids[i].len, &a);
    if (!append(rp, &a))
      goto full;
  }
  for (uint64_t row = 0; row < m && n < nvb; row++) {
    bool all_end = true;
    for (size_t j = n; j < nvb; j++) {
      struct sw_oid *cur = &req_oids[j];
      if (next_answer(rp, cur->sub, cur->len, &a))
        all_end = false;
      if (!append(rp, &a))
        goto full;
      if (a.oid != cur->sub) {
        memcpy(cur->sub, a.oid, a.oid_len * sizeof(uint32_t));
        cur->len = a.oid_len;
      }
    }
    if (all_end)
      break;
  }
  return;
full:
  /* Trailing varbinds may be dropped; only an empty answer is tooBig. */
  if (rp->nvbs == 0 && nvb > 0)
    set_error(rp, SW_ERR_TOO_BIG, 0);
}

static enum op op_of(uint8_t pdu) {
  switch (pdu) {
  case SW_PDU_GET:
    return OP_GET;
  case SW_PDU_GETNEXT:
    return OP_GETNEXT;
  case SW_PDU_GETBULK:
    return OP_GETBULK;
  case SW_PDU_SET:
    return OP_SET;
  default:
    return OP_COUNT;
  }
}

/* Decodes all request OIDs; -1 if malformed or too many. */
static long decode_request_oids(const struct sw_msg *m) {
  struct sw_reader r;
  struct sw_tlv val;
  size_t n = 0;
  int rc;
  sw_reader_init(&r, m->vbl, m->vbl_len);
  while (n < MAX_REQ_VBS && (rc = sw_next_vb(&r, &req_oids[n], &val)) == 1)
    n++;
  if (!sw_reader_done(&r))
    return -1;
  return (long)n;
}

/* Builds the answer for a request into tx_buf; returns its length, or 0
 * when the switches say not to answer. */
static size_t build_reply(const struct recording *rec, const struct sw_msg *m,
                          enum op op, size_t nvb) {
  struct reply rp = {.rec = rec, .req = m, .v1 = m->version == 0};
  enum mode mode = rec->modes[op];
  rp.limit = rec->max_response ? rec->max_response : g.max_response;
  rp.max_vbs = mode == MODE_TRUNCATE ? 1 : SIZE_MAX;
  sw_writer_init(&rp.vbl, vbl_buf, sizeof(vbl_buf));
  if (mode == MODE_DROP)
    return 0;
  if (mode == MODE_GENERR)
    set_error(&rp, SW_ERR_GEN, 1);
  else if (mode == MODE_TOOBIG)
    set_error(&rp, SW_ERR_TOO_BIG, 0);
  else if (mode == MODE_BAD_INDEX)
    set_error(&rp, SW_ERR_NO_SUCH_NAME, (int64_t)nvb + 1);
  else if (op == OP_GET)
    answer_get(&rp, nvb);
  else if (op == OP_GETNEXT)
    answer_getnext(&rp, nvb);
  else if (op == OP_GETBULK)
    answer_getbulk(&rp, nvb);
  else
    set_error(&rp, rp.v1 ? SW_ERR_READ_ONLY : SW_ERR_NOT_WRITABLE, 1);
  struct sw_writer w;
  sw_writer_init(&w, tx_buf, sizeof(tx_buf));
  sw_put_response(&w, m, rp.status, rp.index, vbl_buf, rp.vbl.len);
  if (w.overflow || (rec->drop_over && w.len > rec->drop_over))
    return 0;
  /* Garbage: the outer length promises more than the datagram holds. */
  if (mode == MODE_GARBAGE)
    return w.len > 8 ? w.len / 2 : w.len;
  return w.len;
}

static void log_request(const struct sockaddr *peer, const struct sw_msg *m) {
  if (!g.log)
    return;
  sw_print_wall_time(g.log);
  fprintf(g.log, " %u ", sw_addr_port(peer));
  sw_print_escaped(g.log, m->community, m->community_len);
  fprintf(g.log, " %s", sw_pdu_name(m->pdu_type));
  sw_print_vb_names(g.log, m->vbl, m->vbl_len);
  fputc('\n', g.log);
  fflush(g.log);
}

static bool is_dead(const struct sw_msg *m) {
  size_t n = g.dead_prefix ? strlen(g.dead_prefix) : 0;
  return n && m->community_len >= n &&
         memcmp(m->community, g.dead_prefix, n) == 0;
}

static void send_reply(int fd, const struct sockaddr_storage *peer,
                       socklen_t plen, size_t len, unsigned delay_ms) {
  if (delay_ms) {
    uint64_t due = sw_mono_ns() + (uint64_t)delay_ms * 1000000ull;
    if (sw_dq_push(&g.delayed, due, fd, 0, peer, plen, tx_buf, len) != 0)
      g.st.send_failed++;
    return;
  }
  if (sendto(fd, tx_buf, len, 0, (const struct sockaddr *)peer, plen) !=
      (ssize_t)len)
    g.st.send_failed++;
}

static void handle_datagram(int fd, size_t len,
                            const struct sockaddr_storage *peer,
                            socklen_t plen) {
  struct sw_msg m;
  if (!sw_is_loopback((const struct sockaddr *)peer))
    return;
  if (sw_parse_msg(rx_buf, len, &m) != 0 || m.pdu_type == SW_PDU_TRAP) {
    g.st.malformed++;
    return;
  }
  long nvb = decode_request_oids(&m);
  if (nvb < 0) {
    g.st.malformed++;
    return;
  }
  log_request((const struct sockaddr *)peer, &m);
  if (is_dead(&m)) {
    g.st.dead_community++;
    return;
  }
  const struct recording *rec = table_get(m.community, m.community_len);
  if (!rec) {
    g.st.unknown_community++;
    return;
  }
  enum op op = op_of(m.pdu_type);
  /* v1 has no GetBulk; agents drop it (RFC 3584 4.1.2.1). */
  if (op == OP_COUNT || (op == OP_GETBULK && m.version == 0)) {
    g.st.other_pdu++;
    return;
  }
  size_t out = rec->silent ? 0 : build_reply(rec, &m, op, (size_t)nvb);
  if (out == 0) {
    g.st.unanswered++;
    return;
  }
  g.st.answered[op]++;
  send_reply(fd, peer, plen, out, rec->delay_ms);
}

/* Drains a socket, bounded per round so that no socket starves others. */
static void drain(int fd) {
  for (int i = 0; i < 512; i++) {
    struct sockaddr_storage peer;
    socklen_t plen = sizeof(peer);
    ssize_t n = recvfrom(fd, rx_buf, sizeof(rx_buf), 0,
                         (struct sockaddr *)&peer, &plen);
    if (n < 0)
      return;
    if ((size_t)n <= SW_MAX_DATAGRAM)
      handle_datagram(fd, (size_t)n, &peer, plen);
  }
}

static void release_due(uint64_t now) {
  while (sw_dq_next_due(&g.delayed) <= now) {
    struct sw_dq_item it;
    sw_dq_pop(&g.delayed, &it);
    if (sw_dq_send(&it) != 0)
      g.st.send_failed++;
    free(it.data);
  }
}

/* ---- main ------------------------------------------------------------ */

static void usage(FILE *f) {
  fputs(
      "usage: ppsim --listen 127.0.0.1:PORT [--listen ...] --data DIR\n"
      "             [--map FILE] [--dead-community-pattern PREFIX]\n"
      "             [--max-response BYTES] [--max-seconds N] [--log FILE]\n"
      "             [--stats]\n"
      "SNMP v1/v2c responder serving DIR/**/NAME.snmprec as community NAME\n"
      "(sub/NAME in subfolders), loopback only.\n"
      "  --listen ADDR:PORT   UDP endpoint, repeatable; 127.0.0.0/8 or [::1]\n"
      "                       only; port 0 picks one (printed on stderr)\n"
      "  --data DIR           folder of .snmprec recordings\n"
      "  --map FILE           lines 'COMMUNITY RECORDING-NAME' (more\n"
      "                       communities sharing one recording)\n"
      "  --dead-community-pattern PREFIX\n"
      "                       never answer communities starting with PREFIX\n"
      "  --max-response N     response size limit, default 65000 (tooBig;\n"
      "                       GETBULK drops trailing varbinds instead)\n"
      "  --max-seconds N      exit after N seconds (default 600)\n"
      "  --log FILE           per request: '<unix time.ms> <peer port>\n"
      "                       <community> <get|getnext|getbulk|set> <oid>...'\n"
      "  --stats              print counters on stdout at exit\n"
      "Switches inside a recording, lines '#ppsim: ITEM [ITEM...]':\n"
      "  silent | delay_ms=N | max_response=N | drop_over=N | loop=OID |\n"
      "  rows=OID:N:TAG |\n"
      "  get|getnext|getbulk|set=MODE, MODE one of normal|genError|tooBig|\n"
      "    drop|garbage|truncate|badIndex\n"
      "loop=OID: GETNEXT/GETBULK below OID return the requested OID again.\n"
      "Tags: 2 4 4x 4e 5 6 64 64x 65 66 67 68 70, 128-130 (exceptions).\n",
      f);
}

static long parse_long_arg(const char *opt, const char *s, long lo, long hi) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || errno || v < lo || v > hi) {
    fprintf(stderr, "ppsim: %s wants a number from %ld to %ld\n", opt, lo, hi);
    exit(2);
  }
  return v;
}

static void print_stats(void) {
  for (int op = 0; op < OP_COUNT; op++)
    printf("%s %lu\n", op_names[op], g.st.answered[op]);
  printf("unanswered %lu\nunknown_community %lu\ndead_community %lu\n"
         "malformed %lu\nother_pdu %lu\nsend_failed %lu\n",
         g.st.unanswered, g.st.unknown_community, g.st.dead_community,
         g.st.malformed, g.st.other_pdu, g.st.send_failed);
  fflush(stdout);
}

static void free_all(void) {
  for (size_t i = 0; i < g.nrecs; i++) {
    struct recording *r = g.recs[i];
    for (size_t j = 0; j < r->n; j++) {
      free(r->entries[j].oid);
      free(r->entries[j].val);
    }
    free(r->entries);
    free(r->loops);
    free(r->name);
    free(r);
  }
  free(g.recs);
  for (size_t i = 0; i < g.table_size; i++)
    free(g.table[i].name);
  free(g.table);
  sw_dq_free(&g.delayed);
}

static int open_listeners(char **specs, int n, struct pollfd *pfds) {
  for (int i = 0; i < n; i++) {
    struct sockaddr_storage ss;
    socklen_t len;
    char err[256], text[80];
    if (sw_parse_endpoint(specs[i], &ss, &len, err, sizeof(err)) != 0) {
      fprintf(stderr, "ppsim: --listen: %s\n", err);
      exit(2);
    }
    int fd = sw_udp_socket(&ss, len);
    if (fd < 0) {
      fprintf(stderr, "ppsim: cannot bind %s: %s\n", specs[i], strerror(errno));
      return -1;
    }
    len = sizeof(ss);
    getsockname(fd, (struct sockaddr *)&ss, &len);
    sw_format_addr((struct sockaddr *)&ss, text, sizeof(text));
    fprintf(stderr, "ppsim: listening on %s\n", text);
    pfds[i].fd = fd;
    pfds[i].events = POLLIN;
  }
  return 0;
}

static void serve(struct pollfd *pfds, int n, long max_seconds,
                  const sigset_t *unblocked) {
  uint64_t deadline = sw_mono_ns() + (uint64_t)max_seconds * 1000000000ull;
  while (!stop_requested) {
    uint64_t now = sw_mono_ns();
    if (now >= deadline)
      break;
    release_due(now);
    uint64_t left_ms = (deadline - now + 999999) / 1000000;
    int ms =
        sw_dq_timeout_ms(&g.delayed, now, left_ms < 1000 ? (int)left_ms : 1000);
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (ms % 1000) * 1000000L};
    if (ppoll(pfds, (nfds_t)n, &ts, unblocked) <= 0)
      continue;
    for (int i = 0; i < n; i++) {
      if (pfds[i].revents & POLLIN)
        drain(pfds[i].fd);
    }
  }
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"listen", required_argument, NULL, 'l'},
      {"data", required_argument, NULL, 'd'},
      {"map", required_argument, NULL, 'm'},
      {"dead-community-pattern", required_argument, NULL, 'D'},
      {"max-response", required_argument, NULL, 'R'},
      {"max-seconds", required_argument, NULL, 's'},
      {"log", required_argument, NULL, 'L'},
      {"stats", no_argument, NULL, 'S'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  char *listen_specs[MAX_LISTEN];
  int nlisten = 0;
  const char *data_dir = NULL, *map_file = NULL, *log_file = NULL;
  long max_seconds = 600;
  bool want_stats = false;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'l':
      if (nlisten == MAX_LISTEN) {
        fprintf(stderr, "ppsim: at most %d --listen\n", MAX_LISTEN);
        return 2;
      }
      listen_specs[nlisten++] = optarg;
      break;
    case 'd':
      data_dir = optarg;
      break;
    case 'm':
      map_file = optarg;
      break;
    case 'D':
      g.dead_prefix = optarg;
      break;
    case 'R':
      g.max_response =
          (size_t)parse_long_arg("--max-response", optarg, 64, SW_MAX_DATAGRAM);
      break;
    case 's':
      max_seconds = parse_long_arg("--max-seconds", optarg, 1, 86400);
      break;
    case 'L':
      log_file = optarg;
      break;
    case 'S':
      want_stats = true;
      break;
    case 'h':
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return 2;
    }
  }
  if (optind < argc || nlisten == 0 || !data_dir) {
    fprintf(stderr, "ppsim: need --listen and --data, no other arguments\n");
    usage(stderr);
    return 2;
  }
  /* Check every address before touching anything else. */
  for (int i = 0; i < nlisten; i++) {
    struct sockaddr_storage ss;
    socklen_t len;
    char err[256];
    if (sw_parse_endpoint(listen_specs[i], &ss, &len, err, sizeof(err))) {
      fprintf(stderr, "ppsim: --listen: %s\n", err);
      return 2;
    }
  }
  if (load_dir(data_dir, "", 0) != 0 || (map_file && load_map(map_file)))
    return 1;
  if (g.nrecs == 0)
    fprintf(stderr, "ppsim: warning: no .snmprec files under %s\n", data_dir);
  if (log_file && !(g.log = fopen(log_file, "a"))) {
    fprintf(stderr, "ppsim: %s: %s\n", log_file, strerror(errno));
    return 1;
  }
  sigset_t unblocked;
  sw_setup_signals(on_signal, &unblocked);
  struct pollfd pfds[MAX_LISTEN];
  if (open_listeners(listen_specs, nlisten, pfds) != 0)
    return 1;
  fprintf(stderr, "ppsim: ready: %zu recordings, %zu communities\n", g.nrecs,
          g.table_used);
  serve(pfds, nlisten, max_seconds, &unblocked);
  for (int i = 0; i < nlisten; i++)
    close(pfds[i].fd);
  if (want_stats)
    print_stats();
  if (g.log)
    fclose(g.log);
  free_all();
  return 0;
}
