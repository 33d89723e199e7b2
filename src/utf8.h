/* UTF-8 and the two Unicode properties every stage asks about (Han, full width).
 * Depends on nothing but util.h: the loader, the checker, the typesetter and the painter
 * all read text through it. */
#ifndef NB_UTF8_H
#define NB_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Decode one code point; invalid sequences give 0xFFFD and advance one byte. */
uint32_t nb_utf8_next(const char **p, const char *end);
/* The start of the character before p (start when p is at or before start). */
const char *nb_utf8_prev(const char *start, const char *p);
/* Offset of the first invalid byte, or (size_t)-1 when s is valid UTF-8. */
size_t nb_utf8_invalid(const char *s, size_t n);
void nb_utf8_put(NbBuf *b, uint32_t cp);
/* cp as UTF-16 code units: one, or a surrogate pair above U+FFFF; the count. */
size_t nb_utf16(uint32_t cp, uint16_t u[2]);

int nb_char_wide(uint32_t cp);      /* Han, CJK punctuation, full-width forms */
int nb_char_han(uint32_t cp);       /* ideographs */

#endif
