/* SPDX-License-Identifier: MIT */
#include "pp_str.h"

#include <stdarg.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t pp_strlcpy(char *dst, const char *src, size_t size) {
  size_t len = strlen(src);
  if (size > 0) {
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
  }
  return len;
}

bool pp_contains_ci(const char *haystack, const char *needle) {
  return strcasestr(haystack, needle) != NULL;
}

/* --- decoding the bytes into code points --- */

struct text_out {
  char *buf;
  size_t cap; /* includes the NUL */
  size_t len;
  bool pending_space;
  bool full; /* a character did not fit: nothing after it may follow */
};

static size_t utf8_length(uint32_t cp) {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

static void emit(struct text_out *out, uint32_t cp) {
  bool blank = cp == ' ' || cp < 0x20 || cp == 0x7f ||
               (cp >= 0x80 && cp < 0xa0) || cp == 0xfeff || cp > 0x10ffff ||
               (cp >= 0xd800 && cp < 0xe000);
  if (blank) {
    /* Control characters become blanks: a printer string must never carry
     * a CR/LF into a mail header or a CSV row. */
    out->pending_space = out->len > 0;
    return;
  }
  size_t need = utf8_length(cp) + (out->pending_space ? 1 : 0);
  if (out->full || out->len + need >= out->cap) {
    /* Truncate on a character boundary. Later, shorter characters must not
     * be appended after a dropped one: that would splice the text. */
    out->full = true;
    return;
  }
  if (out->pending_space)
    out->buf[out->len++] = ' ';
  out->pending_space = false;
  char *p = out->buf + out->len;
  if (cp < 0x80) {
    p[0] = (char)cp;
  } else if (cp < 0x800) {
    p[0] = (char)(0xc0 | cp >> 6);
    p[1] = (char)(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    p[0] = (char)(0xe0 | cp >> 12);
    p[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    p[2] = (char)(0x80 | (cp & 0x3f));
  } else {
    p[0] = (char)(0xf0 | cp >> 18);
    p[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    p[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    p[3] = (char)(0x80 | (cp & 0x3f));
  }
  out->len += utf8_length(cp);
}

/* Length of the valid UTF-8 sequence at p, 0 when invalid. */
static size_t utf8_sequence(const unsigned char *p, size_t len, uint32_t *cp) {
  if (p[0] < 0x80) {
    *cp = p[0];
    return 1;
  }
  size_t n = (p[0] & 0xe0) == 0xc0   ? 2
             : (p[0] & 0xf0) == 0xe0 ? 3
             : (p[0] & 0xf8) == 0xf0 ? 4
                                     : 0;
  if (n == 0 || n > len)
    return 0;
  uint32_t v = p[0] & (0x7f >> n);
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    v = v << 6 | (p[i] & 0x3f);
  }
  if (utf8_length(v) != n) /* overlong */
    return 0;
  *cp = v;
  return n;
}

static bool is_valid_utf8(const unsigned char *p, size_t len) {
  uint32_t cp;
  for (size_t i = 0; i < len;) {
    size_t n = utf8_sequence(p + i, len - i, &cp);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

/* UTF-16 with a BOM, or ASCII text with a zero in every other byte. */
static int utf16_kind(const unsigned char *p, size_t len) {
  if (len >= 2 && p[0] == 0xfe && p[1] == 0xff)
    return 1; /* BE with BOM */
  if (len >= 2 && p[0] == 0xff && p[1] == 0xfe)
    return 2; /* LE with BOM */
  if (len < 4 || len % 2 != 0)
    return 0;
  size_t zeros_even = 0, zeros_odd = 0;
  for (size_t i = 0; i < len; i += 2) {
    zeros_even += p[i] == 0;
    zeros_odd += p[i + 1] == 0;
  }
  size_t pairs = len / 2;
  if (zeros_even == pairs && zeros_odd < pairs)
    return 3; /* BE without BOM */
  if (zeros_odd == pairs && zeros_even < pairs)
    return 4; /* LE without BOM */
  return 0;
}

static void decode_utf16(const unsigned char *p, size_t len, bool big_endian,
                         struct text_out *out) {
  for (size_t i = 0; i + 1 < len; i += 2) {
    uint32_t unit = big_endian ? (uint32_t)(p[i] << 8 | p[i + 1])
                               : (uint32_t)(p[i + 1] << 8 | p[i]);
    if (unit == 0)
      return;
    if (unit >= 0xd800 && unit < 0xdc00 && i + 3 < len) {
      uint32_t low = big_endian ? (uint32_t)(p[i + 2] << 8 | p[i + 3])
                                : (uint32_t)(p[i + 3] << 8 | p[i + 2]);
      if (low >= 0xdc00 && low < 0xe000) {
        emit(out, 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
        i += 2;
        continue;
      }
    }
    emit(out, unit);
  }
}

static void decode_8bit(const unsigned char *p, size_t len,
                        struct text_out *out) {
  bool utf8 = is_valid_utf8(p, len);
  for (size_t i = 0; i < len;) {
    uint32_t cp = p[i];
    size_t n = 1;
    if (utf8 && p[i] >= 0x80)
      n = utf8_sequence(p + i, len - i, &cp);
    /* Not UTF-8: Latin-1, where every byte is its own code point. */
    emit(out, cp);
    i += n ? n : 1;
  }
}

static int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = (unsigned char)tolower(c);
  return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* "38 32 37 41 \n30 30 " -> bytes; false unless the whole text is pairs of
 * hex digits separated by single blanks or newlines. */
static bool parse_hex_dump(const unsigned char *p, size_t len,
                           unsigned char *bytes, size_t *nbytes) {
  size_t n = 0, i = 0;
  while (i < len) {
    if (p[i] == ' ' || p[i] == '\n' || p[i] == '\r') {
      i++;
      continue;
    }
    if (i + 1 >= len)
      return false;
    int hi = hex_value(p[i]), lo = hex_value(p[i + 1]);
    if (hi < 0 || lo < 0 ||
        (i + 2 < len && p[i + 2] != ' ' && p[i + 2] != '\n' &&
         p[i + 2] != '\r'))
      return false;
    bytes[n++] = (unsigned char)(hi << 4 | lo);
    i += 2;
  }
  *nbytes = n;
  return n > 0;
}

/* The text before the first newline stays; when everything after it is a hex
 * dump, the dump is decoded and appended (HP agents and captures do this to
 * part numbers). Returns the length of the new byte string in buf. */
static size_t undo_hex_dump(const unsigned char *in, size_t len,
                            unsigned char *buf) {
  const unsigned char *nl = memchr(in, '\n', len);
  if (nl == NULL)
    return 0;
  size_t head = (size_t)(nl - in);
  size_t nbytes;
  if (!parse_hex_dump(nl + 1, len - head - 1, buf + head, &nbytes))
    return 0;
  /* Dumps of 1-2 digit numbers are far more likely real text. */
  if (nbytes < 3)
    return 0;
  memcpy(buf, in, head);
  return head + nbytes;
}

void pp_text_copy(char *dst, const char *src, size_t size) {
  if (size == 0)
    return;
  struct text_out text = {.buf = dst, .cap = size};
  decode_8bit((const unsigned char *)src, strlen(src), &text);
  dst[text.len] = '\0';
}

void pp_clean_text(const unsigned char *in, size_t len, char *out,
                   size_t outlen) {
  if (outlen == 0)
    return;
  struct text_out text = {.buf = out, .cap = outlen};
  unsigned char *undumped = malloc(len + 1);
  if (undumped != NULL) {
    size_t n = undo_hex_dump(in, len, undumped);
    if (n > 0) {
      in = undumped;
      len = n;
    }
  }
  int kind = utf16_kind(in, len);
  if (kind == 1 || kind == 2)
    decode_utf16(in + 2, len - 2, kind == 1, &text);
  else if (kind == 3 || kind == 4)
    decode_utf16(in, len, kind == 3, &text);
  else {
    const unsigned char *nul = memchr(in, '\0', len);
    decode_8bit(in, nul ? (size_t)(nul - in) : len, &text);
  }
  free(undumped);
  out[text.len] = '\0';
}

/* --- colours --- */

struct colour_word {
  const char *word;
  const char *colour;
};

/* Single words, lower case, several languages. */
static const struct colour_word colour_words[] = {
    {"black", "black"},     {"schwarz", "black"}, {"noir", "black"},
    {"negro", "black"},     {"nero", "black"},    {"zwart", "black"},
    {"noire", "black"},     {"negra", "black"},   {"nera", "black"},
    {"amarilla", "yellow"}, {"gialla", "yellow"}, {"preta", "black"},
    {"preto", "black"},     {"bk", "black"},      {"cyan", "cyan"},
    {"cian", "cyan"},       {"ciano", "cyan"},    {"magenta", "magenta"},
    {"yellow", "yellow"},   {"gelb", "yellow"},   {"jaune", "yellow"},
    {"amarillo", "yellow"}, {"giallo", "yellow"}, {"geel", "yellow"},
    {"amarelo", "yellow"},  {"grey", "grey"},     {"gray", "grey"},
    {"grau", "grey"},       {"red", "red"},       {"rot", "red"},
    {"rouge", "red"},       {"blue", "blue"},     {"blau", "blue"},
    {"green", "green"},     {"grün", "green"},    {"orange", "orange"},
    {"violet", "violet"},   {"white", "white"},   {"weiß", "white"},
};

static const char *colour_of_word(const char *word) {
  for (size_t i = 0; i < sizeof(colour_words) / sizeof(colour_words[0]); i++) {
    if (strcasecmp(word, colour_words[i].word) == 0)
      return colour_words[i].colour;
  }
  return NULL;
}

/* Splits text into words of letters (UTF-8 bytes count as letters). */
static size_t next_word(const char **p, char *word, size_t size) {
  const char *s = *p;
  while (*s != '\0' && !isalpha((unsigned char)*s) && (unsigned char)*s < 0x80)
    s++;
  size_t n = 0;
  while (*s != '\0' &&
         (isalpha((unsigned char)*s) || (unsigned char)*s >= 0x80)) {
    if (n + 1 < size)
      word[n++] = (char)tolower((unsigned char)*s);
    s++;
  }
  word[n] = '\0';
  *p = s;
  return n;
}

/* "light cyan", "photo black": the word before a colour qualifies it. */
static const char *qualified_colour(const char *qualifier, const char *base) {
  static const char *const names[][2] = {
      {"cyan", "light-cyan"},
      {"magenta", "light-magenta"},
      {"black", "light-black"},
      {"grey", "light-grey"},
  };
  if (strcmp(qualifier, "light") == 0 || strcmp(qualifier, "photo") == 0 ||
      strcmp(qualifier, "matte") == 0) {
    if (strcmp(base, "black") == 0 && strcmp(qualifier, "light") != 0)
      return strcmp(qualifier, "photo") == 0 ? "photo-black" : "matte-black";
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
      if (strcmp(qualifier, "light") == 0 && strcmp(names[i][0], base) == 0)
        return names[i][1];
    }
  }
  return base;
}

const char *pp_colour_from_text(const char *text) {
  const char *found = NULL;
  char prev[32] = "", word[32];
  const char *p = text;
  while (next_word(&p, word, sizeof(word)) > 0) {
    const char *colour = colour_of_word(word);
    if (colour != NULL) {
      colour = qualified_colour(prev, colour);
      if (found != NULL && strcmp(found, colour) != 0)
        return NULL; /* "Cyan/Magenta kit": no single colour */
      found = colour;
    }
    pp_strlcpy(prev, word, sizeof(prev));
  }
  return found;
}

void pp_errf(char *err, size_t errlen, const char *fmt, ...) {
  if (err == NULL || errlen == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}
