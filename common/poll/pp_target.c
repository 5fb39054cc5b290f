/* SPDX-License-Identifier: MIT */
#include "pp_target.h"

#include "pp_snmp_opts.h"
#include "pp_str.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest valid spec is a 253-character host name plus ":65535"; anything
 * longer is refused before it is copied to the stack. */
#define SPEC_MAX 260
#define NAME_MAX_LEN 253
#define NAME_LABEL_MAX 63
/* Longer specs are cut in messages so one bad line stays one readable line. */
#define SPEC_SHOWN_MAX 300
/* A list starts with room for one: a collectd <Printer> block holds one
 * target, and a thousand blocks with room for sixteen each took megabytes
 * they never used. Lists of many grow by doubling, a range at once. */
#define FIRST_CAP 1

#define PORT_MAX 65535

/* Separators between specs on one line of a targets file. */
#define FILE_SEPARATORS " \t\r\n\v\f,"

/* ---- The list ---------------------------------------------------------- */

/* Makes room for 'extra' more items up front, so that a spec either appends
 * all its addresses or nothing. */
static int list_reserve(struct pp_target_list *list, size_t extra) {
  const size_t max_items = SIZE_MAX / sizeof(struct pp_target);
  if (extra > max_items - list->count)
    return -ENOMEM;
  size_t need = list->count + extra;
  if (need <= list->cap)
    return 0;
  size_t cap = list->cap ? list->cap : FIRST_CAP;
  while (cap < need)
    cap = cap > max_items / 2 ? max_items : cap * 2;
  struct pp_target *items = realloc(list->items, cap * sizeof *items);
  if (items == NULL)
    return -ENOMEM;
  list->items = items;
  list->cap = cap;
  return 0;
}

void pp_targets_free(struct pp_target_list *list) {
  /* Every item holds a copy of the passphrases: wipe them before the memory
   * goes back to the allocator. */
  if (list->items != NULL)
    explicit_bzero(list->items, list->count * sizeof *list->items);
  free(list->items);
  *list = (struct pp_target_list){0};
}

/* ---- Parsing one spec -------------------------------------------------- */

struct spec_ctx {
  const char *spec; /* trimmed, not NUL-terminated; for messages */
  size_t spec_len;
  struct pp_target_list *list;
  const struct pp_snmp_opts *opts;
  char *err;
  size_t errlen;
};

/* Control characters are shown as '?': messages end up as one log line. */
static void show_spec(const struct spec_ctx *ctx, char *out, size_t outlen) {
  size_t n = ctx->spec_len < SPEC_SHOWN_MAX ? ctx->spec_len : SPEC_SHOWN_MAX;
  if (n > outlen - 4)
    n = outlen - 4;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)ctx->spec[i];
    out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
  }
  out[n] = '\0';
  if (n < ctx->spec_len)
    memcpy(out + n, "...", 4);
}

static int bad_spec(const struct spec_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int bad_spec(const struct spec_ctx *ctx, const char *fmt, ...) {
  char shown[SPEC_SHOWN_MAX + 4];
  char reason[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(reason, sizeof reason, fmt, ap);
  va_end(ap);
  show_spec(ctx, shown, sizeof shown);
  pp_errf(ctx->err, ctx->errlen, "bad target \"%s\": %s", shown, reason);
  return -EINVAL;
}

static int reserve(const struct spec_ctx *ctx, size_t n) {
  /* A limit in total, not only per spec: a file of many /16 lines must not
   * exhaust memory. Checked before anything is allocated. */
  if (ctx->list->count > PP_TARGET_MAX_TOTAL ||
      n > PP_TARGET_MAX_TOTAL - ctx->list->count)
    return bad_spec(ctx,
                    "%zu targets so far and %zu more: past the limit of %d "
                    "targets in all",
                    ctx->list->count, n, PP_TARGET_MAX_TOTAL);
  if (list_reserve(ctx->list, n) == 0)
    return 0;
  char shown[SPEC_SHOWN_MAX + 4];
  show_spec(ctx, shown, sizeof shown);
  pp_errf(ctx->err, ctx->errlen, "out of memory adding \"%s\"", shown);
  return -ENOMEM;
}

/* Appends one target; room was reserved, so this cannot fail. */
static void push_target(const struct spec_ctx *ctx, const char *host,
                        unsigned port, bool ipv6) {
  struct pp_target *t = &ctx->list->items[ctx->list->count++];
  *t = (struct pp_target){.port = port, .ipv6 = ipv6, .snmp = *ctx->opts};
  t->snmp.port = port;
  snprintf(t->host, sizeof t->host, "%s", host);
  if (port == ctx->opts->port)
    snprintf(t->label, sizeof t->label, "%s", t->host);
  else if (ipv6)
    snprintf(t->label, sizeof t->label, "[%s]:%u", t->host, port);
  else
    snprintf(t->label, sizeof t->label, "%s:%u", t->host, port);
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Strict decimal: digits only, so "+161", " 161" or "0x10" are refused where
 * strtoul would accept them. Saturates instead of overflowing so that a long
 * number still fails the caller's range check. */
static bool parse_decimal(const char *s, unsigned long *out) {
  if (*s == '\0')
    return false;
  unsigned long v = 0;
  for (; *s != '\0'; s++) {
    if (!is_digit(*s))
      return false;
    if (v <= 100000000UL)
      v = v * 10 + (unsigned long)(*s - '0');
  }
  *out = v;
  return true;
}

static int parse_port(const struct spec_ctx *ctx, const char *text,
                      unsigned *port) {
  unsigned long v;
  if (*text == '\0')
    return bad_spec(ctx, "missing port after ':'");
  if (!parse_decimal(text, &v) || v < 1 || v > PORT_MAX)
    return bad_spec(ctx, "port must be a number 1..%d", PORT_MAX);
  *port = (unsigned)v;
  return 0;
}

static int refuse_size(const struct spec_ctx *ctx, uint64_t count) {
  return bad_spec(ctx, "expands to %llu addresses, more than the limit of %d",
                  (unsigned long long)count, PP_TARGET_MAX_EXPANSION);
}

/* Adds addresses first..last (host byte order), inclusive. */
static int add_ipv4_span(const struct spec_ctx *ctx, uint32_t first,
                         uint32_t last, unsigned port) {
  int rc = reserve(ctx, (size_t)(last - first) + 1);
  if (rc != 0)
    return rc;
  for (uint64_t a = first; a <= last; a++) {
    struct in_addr in = {.s_addr = htonl((uint32_t)a)};
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &in, text, sizeof text);
    push_target(ctx, text, port, false);
  }
  return 0;
}

static bool parse_ipv4(const char *text, uint32_t *addr) {
  struct in_addr in;
  if (inet_pton(AF_INET, text, &in) != 1)
    return false;
  *addr = ntohl(in.s_addr);
  return true;
}

static int parse_cidr4(const struct spec_ctx *ctx, char *s, char *slash,
                       unsigned port) {
  uint32_t addr;
  unsigned long prefix;
  *slash = '\0';
  if (!parse_ipv4(s, &addr))
    return bad_spec(ctx, "not a valid IPv4 network address");
  if (!parse_decimal(slash + 1, &prefix) || prefix > 32)
    return bad_spec(ctx, "prefix length must be 0..32");
  uint64_t size = UINT64_C(1) << (32 - prefix);
  /* Network and broadcast addresses are not printers; /31 (RFC 3021) and /32
   * have neither. */
  uint64_t count = prefix >= 31 ? size : size - 2;
  if (count > PP_TARGET_MAX_EXPANSION)
    return refuse_size(ctx, count);
  /* Host bits are ignored, as nmap does: 192.0.2.77/24 means the /24. */
  uint32_t net = (uint32_t)(addr & ~(uint32_t)(size - 1));
  uint32_t bcast = (uint32_t)(net + (size - 1));
  if (prefix >= 31)
    return add_ipv4_span(ctx, net, bcast, port);
  return add_ipv4_span(ctx, net + 1, bcast - 1, port);
}

static int parse_range4(const struct spec_ctx *ctx, char *s, char *dash,
                        unsigned port) {
  uint32_t first, last;
  const char *end_text = dash + 1;
  *dash = '\0';
  if (!parse_ipv4(s, &first))
    return bad_spec(ctx, "range start is not a valid IPv4 address");
  if (strchr(end_text, '.') != NULL) {
    if (!parse_ipv4(end_text, &last))
      return bad_spec(ctx, "range end is not a valid IPv4 address");
  } else {
    unsigned long octet;
    if (!parse_decimal(end_text, &octet) || octet > 255)
      return bad_spec(ctx, "range end must be an IPv4 address or a last octet "
                           "0..255");
    last = (first & ~UINT32_C(0xff)) | (uint32_t)octet;
  }
  if (last < first)
    return bad_spec(ctx, "range start is after its end");
  uint64_t count = (uint64_t)last - first + 1;
  if (count > PP_TARGET_MAX_EXPANSION)
    return refuse_size(ctx, count);
  return add_ipv4_span(ctx, first, last, port);
}

static int name_char_error(const struct spec_ctx *ctx, char c) {
  unsigned char u = (unsigned char)c;
  if (u >= 0x80)
    return bad_spec(ctx, "non-ASCII character in host name (use the "
                         "xn-- form)");
  if (u < 0x20 || u == 0x7f)
    return bad_spec(ctx, "control character in host name");
  return bad_spec(ctx, "'%c' is not allowed in a host name", c);
}

/* RFC 1123 names; '_' is tolerated because many site DNS zones use it. */
static int check_name(const struct spec_ctx *ctx, const char *name) {
  size_t len = strlen(name);
  if (len > NAME_MAX_LEN)
    return bad_spec(ctx, "host name is longer than %d characters",
                    NAME_MAX_LEN);
  const char *label = name;
  for (;;) {
    size_t n = strcspn(label, ".");
    if (n == 0)
      return bad_spec(ctx, "host name has an empty label");
    if (n > NAME_LABEL_MAX)
      return bad_spec(ctx, "host name label is longer than %d characters",
                      NAME_LABEL_MAX);
    if (label[0] == '-' || label[n - 1] == '-')
      return bad_spec(ctx, "host name label starts or ends with '-'");
    bool numeric = true;
    for (size_t i = 0; i < n; i++) {
      if (!is_alnum(label[i]) && label[i] != '-' && label[i] != '_')
        return name_char_error(ctx, label[i]);
      numeric = numeric && is_digit(label[i]);
    }
    if (label[n] == '\0') {
      /* "printer.10" would be mistaken for an address by resolvers. */
      if (numeric)
        return bad_spec(ctx, "host name ends in a numeric label");
      return 0;
    }
    label += n + 1;
  }
}

/* Digits and dots only (with at least one dot for a range start): the user
 * meant an IPv4 address, so a bad one must not pass as a host name. */
static bool looks_ipv4(const char *s, size_t n) {
  if (n == 0)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!is_digit(s[i]) && s[i] != '.')
      return false;
  return true;
}

static int parse_v4_or_name(const struct spec_ctx *ctx, char *s,
                            unsigned port) {
  char *slash = strchr(s, '/');
  if (slash != NULL)
    return parse_cidr4(ctx, s, slash, port);
  char *dash = strchr(s, '-');
  if (dash != NULL && looks_ipv4(s, (size_t)(dash - s)) &&
      memchr(s, '.', (size_t)(dash - s)) != NULL)
    return parse_range4(ctx, s, dash, port);
  if (looks_ipv4(s, strlen(s))) {
    uint32_t addr;
    if (!parse_ipv4(s, &addr))
      return bad_spec(ctx, "not a valid IPv4 address");
    return add_ipv4_span(ctx, addr, addr, port);
  }
  int rc = check_name(ctx, s);
  if (rc != 0)
    return rc;
  rc = reserve(ctx, 1);
  if (rc != 0)
    return rc;
  push_target(ctx, s, port, false);
  return 0;
}

static int bad_ipv6(const struct spec_ctx *ctx, const char *s, bool bracketed) {
  if (strchr(s, '%') != NULL)
    return bad_spec(ctx, "IPv6 zone indexes ('%%') are not supported");
  /* A first group that is no IPv6 group (a name, an IPv4 address) means a
   * host:port with extra colons, like "host:161:x", not an IPv6 typo. */
  size_t hex = strspn(s, "0123456789abcdefABCDEF");
  bool first_group_is_hex = hex <= 4 && s[hex] == ':';
  if (!bracketed && !first_group_is_hex)
    return bad_spec(ctx, "too many ':' (write an IPv6 address with a port "
                         "as [addr]:port)");
  return bad_spec(ctx, "not a valid IPv6 address");
}

static int parse_cidr6(const struct spec_ctx *ctx, char *s, char *slash,
                       unsigned port) {
  struct in6_addr base;
  unsigned long prefix;
  *slash = '\0';
  if (inet_pton(AF_INET6, s, &base) != 1)
    return bad_spec(ctx, "not a valid IPv6 network address");
  if (!parse_decimal(slash + 1, &prefix) || prefix > 128)
    return bad_spec(ctx, "prefix length must be 0..128");
  /* 2^16 is the expansion limit, so only the last 16 bits can vary. */
  if (prefix < 112)
    return bad_spec(ctx,
                    "IPv6 prefix must be /112 or longer (at most %d "
                    "addresses)",
                    PP_TARGET_MAX_EXPANSION);
  uint32_t count = UINT32_C(1) << (128 - prefix);
  int rc = reserve(ctx, count);
  if (rc != 0)
    return rc;
  /* Host bits are ignored, as for IPv4. */
  uint32_t low = ((uint32_t)base.s6_addr[14] << 8 | base.s6_addr[15]) &
                 ~(count - 1) & 0xffff;
  for (uint32_t i = 0; i < count; i++) {
    struct in6_addr a = base;
    a.s6_addr[14] = (uint8_t)((low + i) >> 8);
    a.s6_addr[15] = (uint8_t)(low + i);
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a, text, sizeof text);
    push_target(ctx, text, port, true);
  }
  return 0;
}

/* An IPv6 address or block; stored in canonical form (RFC 5952 as inet_ntop
 * writes it) so the same printer is always named the same way. */
static int parse_ipv6(const struct spec_ctx *ctx, char *s, unsigned port,
                      bool bracketed) {
  char *slash = strchr(s, '/');
  if (slash != NULL) {
    if (strchr(slash, ':') != NULL)
      return bad_ipv6(ctx, s, bracketed);
    return parse_cidr6(ctx, s, slash, port);
  }
  struct in6_addr a;
  if (inet_pton(AF_INET6, s, &a) != 1)
    return bad_ipv6(ctx, s, bracketed);
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &a, text, sizeof text);
  int rc = reserve(ctx, 1);
  if (rc != 0)
    return rc;
  push_target(ctx, text, port, true);
  return 0;
}

static int parse_bracketed(const struct spec_ctx *ctx, char *s) {
  char *close = strchr(s, ']');
  if (close == NULL)
    return bad_spec(ctx, "missing ']'");
  *close = '\0';
  char *inner = s + 1;
  const char *rest = close + 1;
  unsigned port = ctx->opts->port;
  if (*inner == '\0')
    return bad_spec(ctx, "empty brackets");
  if (*rest == ':') {
    int rc = parse_port(ctx, rest + 1, &port);
    if (rc != 0)
      return rc;
  } else if (*rest != '\0') {
    return bad_spec(ctx, "only ':port' may follow ']'");
  }
  return parse_ipv6(ctx, inner, port, true);
}

static int parse_spec(const struct spec_ctx *ctx, char *s) {
  if (s[0] == '[')
    return parse_bracketed(ctx, s);
  char *colon = strchr(s, ':');
  if (colon == NULL)
    return parse_v4_or_name(ctx, s, ctx->opts->port);
  /* Two or more colons can only be IPv6: a port needs brackets then. */
  if (strchr(colon + 1, ':') != NULL)
    return parse_ipv6(ctx, s, ctx->opts->port, false);
  *colon = '\0';
  if (*s == '\0')
    return bad_spec(ctx, "missing host before ':'");
  unsigned port = 0;
  int rc = parse_port(ctx, colon + 1, &port);
  if (rc != 0)
    return rc;
  return parse_v4_or_name(ctx, s, port);
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

int pp_targets_add_spec(struct pp_target_list *list, const char *spec,
                        const struct pp_snmp_opts *opts, char *err,
                        size_t errlen) {
  size_t len = strlen(spec);
  while (len > 0 && is_space(spec[0])) {
    spec++;
    len--;
  }
  while (len > 0 && is_space(spec[len - 1]))
    len--;
  struct spec_ctx ctx = {.spec = spec,
                         .spec_len = len,
                         .list = list,
                         .opts = opts,
                         .err = err,
                         .errlen = errlen};
  if (len == 0)
    return bad_spec(&ctx, "empty target");
  if (len > SPEC_MAX)
    return bad_spec(&ctx, "longer than %d characters", SPEC_MAX);
  /* The parsers cut the copy in place at ':', '/', '-' and ']'. */
  char copy[SPEC_MAX + 1];
  memcpy(copy, spec, len);
  copy[len] = '\0';
  return parse_spec(&ctx, copy);
}

/* ---- Files ------------------------------------------------------------- */

/* One word of a target file's line. Blanks and commas separate words
 * outside quotes; a double-quoted part may hold them, and '#'
 * (community="TOP SECRET, 3"), with \" and \\ for a quote and a backslash;
 * '#' outside quotes starts a comment. The word comes out unquoted. */
enum word_status { WORD_OK, WORD_END, WORD_UNTERMINATED, WORD_TOO_LONG };

static bool is_separator(char c) {
  return c != '\0' && strchr(FILE_SEPARATORS, c);
}

static enum word_status next_word(const char **cursor, char *out,
                                  size_t outlen) {
  const char *p = *cursor;
  while (is_separator(*p))
    p++;
  if (*p == '\0' || *p == '#')
    return WORD_END;
  size_t n = 0;
  bool quoted = false;
  for (; *p != '\0' && (quoted || (!is_separator(*p) && *p != '#')); p++) {
    char c = *p;
    if (c == '"') {
      quoted = !quoted;
      continue;
    }
    if (quoted && c == '\\' && (p[1] == '"' || p[1] == '\\'))
      c = *++p;
    if (n + 1 >= outlen)
      return WORD_TOO_LONG;
    out[n++] = c;
  }
  out[n] = '\0';
  *cursor = p;
  return quoted ? WORD_UNTERMINATED : WORD_OK;
}

/* The words' messages never show a word: it may be (part of) a secret. */
static int bad_word(enum word_status st, const char *path, unsigned lineno,
                    char *err, size_t errlen) {
  pp_errf(err, errlen, "%s:%u: %s", path, lineno,
          st == WORD_UNTERMINATED ? "a quote is not closed"
                                  : "a word is too long");
  return -EINVAL;
}

static int set_line_option(struct pp_snmp_opts *opts, char *word,
                           const char *path, unsigned lineno, char *err,
                           size_t errlen) {
  char *eq = strchr(word, '=');
  *eq = '\0';
  char msg[512];
  int rc = pp_snmp_opts_set(opts, word, eq + 1, msg, sizeof msg);
  if (rc == -ENOENT)
    snprintf(msg, sizeof msg, "unknown option \"%.64s\"", word);
  if (rc == 0)
    rc = pp_snmp_opts_check(opts, msg, sizeof msg);
  if (rc == 0)
    return 0;
  pp_errf(err, errlen, "%s:%u: %s", path, lineno, msg);
  return -EINVAL;
}

/* Options on a line ("community=lobby version=1") apply to the targets of
 * that line only: sites keep their odd printers in the same list. They
 * come after the targets: a bare word after an option is refused, since
 * it is most likely the rest of an unquoted value (community=TOP SECRET
 * would otherwise poll, and look up, a printer named SECRET). */
static int line_options(const char *line, const struct pp_snmp_opts *defaults,
                        struct pp_snmp_opts *opts, const char *path,
                        unsigned lineno, char *err, size_t errlen) {
  *opts = *defaults;
  char word[1024];
  bool after_option = false;
  int rc = 0;
  enum word_status st;
  while (rc == 0 && (st = next_word(&line, word, sizeof word)) != WORD_END) {
    if (st != WORD_OK)
      rc = bad_word(st, path, lineno, err, errlen);
    else if (strchr(word, '=') != NULL) {
      rc = set_line_option(opts, word, path, lineno, err, errlen);
      after_option = true;
    } else if (after_option) {
      pp_errf(err, errlen,
              "%s:%u: a target after an option: targets come first, and an "
              "option value with blanks or commas is quoted "
              "(community=\"...\")",
              path, lineno);
      rc = -EINVAL;
    }
  }
  explicit_bzero(word, sizeof word); /* "community=..." */
  return rc;
}

static int read_line(struct pp_target_list *list, const char *line,
                     const struct pp_snmp_opts *defaults, const char *path,
                     unsigned lineno, char *err, size_t errlen) {
  struct pp_snmp_opts opts;
  int rc = line_options(line, defaults, &opts, path, lineno, err, errlen);
  char word[1024];
  /* line_options checked every word already */
  while (rc == 0 && next_word(&line, word, sizeof word) == WORD_OK) {
    if (strchr(word, '=') != NULL)
      break; /* the options, after the targets */
    char msg[512];
    rc = pp_targets_add_spec(list, word, &opts, msg, sizeof msg);
    if (rc != 0)
      pp_errf(err, errlen, "%s:%u: %s", path, lineno, msg);
  }
  explicit_bzero(word, sizeof word);
  /* The line's copy may hold a secret. */
  explicit_bzero(&opts, sizeof opts);
  return rc;
}

int pp_targets_read_file(struct pp_target_list *list, const char *path,
                         const struct pp_snmp_opts *opts, char *err,
                         size_t errlen) {
  FILE *f = fopen(path, "re");
  if (f == NULL) {
    int e = errno;
    pp_errf(err, errlen, "cannot open %s: %s", path, strerror(e));
    return -e;
  }
  /* stdio's buffer is ours, to be wiped: lines may set a community. */
  char iobuf[4096];
  setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
  char *line = NULL;
  size_t cap = 0;
  unsigned lineno = 0;
  int rc = 0;
  ssize_t n;
  errno = 0;
  while ((n = getline(&line, &cap, f)) != -1) {
    lineno++;
    /* The word reader would silently drop whatever follows a NUL byte. */
    if (memchr(line, '\0', (size_t)n) != NULL) {
      pp_errf(err, errlen, "%s:%u: line contains a NUL byte", path, lineno);
      rc = -EINVAL;
      break;
    }
    rc = read_line(list, line, opts, path, lineno, err, errlen);
    if (rc != 0)
      break;
    errno = 0;
  }
  if (rc == 0 && ferror(f)) {
    int e = errno != 0 ? errno : EIO;
    pp_errf(err, errlen, "cannot read %s: %s", path, strerror(e));
    rc = -e;
  }
  if (line != NULL)
    explicit_bzero(line, cap);
  free(line);
  fclose(f);
  explicit_bzero(iobuf, sizeof iobuf);
  return rc;
}
