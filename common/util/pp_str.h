/* SPDX-License-Identifier: MIT */
/* Strings from printers: bounded copies, cleaning, colour words. */
#ifndef PP_STR_H
#define PP_STR_H

#include <stdbool.h>
#include <stddef.h>

/* Copies at most size-1 bytes and always terminates; returns strlen(src).
 * Bytes, not characters: for our own ASCII words only. Text that came from
 * a printer goes through pp_text_copy. */
size_t pp_strlcpy(char *dst, const char *src, size_t size);

/* Copies text into a fixed buffer the way pp_clean_text reads an 8-bit
 * string: valid UTF-8 stays, anything else is read as Latin-1, control
 * characters become blanks; the copy is cut on a character boundary. The
 * result is always valid UTF-8, so a cut can never make a report unreadable
 * (JSON must be UTF-8). src and dst must not overlap. */
void pp_text_copy(char *dst, const char *src, size_t size);

/* Turns what an agent sent into one line of printable UTF-8: decodes
 * UTF-16 (with BOM, or ASCII-in-UTF-16 without one), Latin-1 when the bytes
 * are not valid UTF-8, hex dumps ("48 50 20 4C ..." on continuation lines, as
 * some captures and agents carry them); cuts at the first NUL; turns control
 * characters (CR, LF, ESC, ...) into spaces, collapses runs of blanks and
 * trims. The result can go into a mail header, CSV or JSON string (after
 * escaping quotes) without smuggling anything. Truncates on a character
 * boundary. */
void pp_clean_text(const unsigned char *in, size_t len, char *out,
                   size_t outlen);

/* Case-insensitive substring test (ASCII). */
bool pp_contains_ci(const char *haystack, const char *needle);

/* Colour named in a text: English, German, French, Spanish, Italian, Dutch
 * words ("Toner Schwarz" -> "black", "light cyan", "photo black").
 * NULL when the text names none or names two different colours. */
const char *pp_colour_from_text(const char *text);

/* snprintf into an error buffer that may be NULL or empty (then nothing is
 * written): one way to fill the err/errlen pair of the core's calls. */
void pp_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
