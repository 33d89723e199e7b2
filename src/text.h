/* Text: UTF-8, character classes, and Chinese line breaking with justification
 * (GB/T 15834 §5, W3C clreq). Knows fonts only through font.h's metrics. */
#ifndef NB_TEXT_H
#define NB_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "font.h"
#include "layout.h"

/* Decode one code point; invalid sequences give 0xFFFD and advance one byte. */
uint32_t nb_utf8_next(const char **p, const char *end);
/* Offset of the first invalid byte, or (size_t)-1 when s is valid UTF-8. */
size_t nb_utf8_invalid(const char *s, size_t n);
void nb_utf8_put(NbBuf *b, uint32_t cp);

int nb_char_wide(uint32_t cp);      /* Han, CJK punctuation, full-width forms */
int nb_char_han(uint32_t cp);       /* ideographs */
int nb_char_no_start(uint32_t cp);  /* may not begin a line */
int nb_char_no_end(uint32_t cp);    /* may not end a line */
int nb_char_left_ink(uint32_t cp);  /* full-width mark whose ink is in the left half */

/* Normalise a prose field: paragraphs split at blank lines, single line breaks joined,
 * spaces between Chinese and Latin or digits dropped (typesetting puts ¼ em there).
 * Returns the paragraphs joined by '\n'. */
char *nb_text_paragraphs(const char *raw);

/* A piece of a paragraph in one font role. */
typedef struct {
    const char *text;
    int role;
} NbSpan;

typedef struct {
    int face;
    double x;          /* from the line's start, pt */
    double char_space; /* pt added after every glyph */
    double hscale;     /* horizontal scale, 1 = as designed */
    char *text;        /* UTF-8 */
} NbTextRun;

typedef struct {
    NbTextRun *runs;
    size_t n;
    double width;      /* the set width, pt */
} NbLine;

typedef struct {
    NbLine *lines;
    size_t n;
} NbLines;

typedef struct {
    double size;       /* pt */
    double measure;    /* line length, pt */
    double indent;     /* first line, pt */
    NbAlign align;
    int squeeze_end;   /* a mark at a line end may take half width when the line needs it */
    double pitch;      /* advance of a full-width character (a character grid); 0 = the font's */
    int no_gap;        /* no ¼ em between Han and Latin or digits (a date: 2024年1月20日) */
} NbParaStyle;

/* Break a paragraph into lines and set them. */
void nb_text_break(NbFonts *fonts, const NbSpan *spans, size_t nspans, const NbParaStyle *st,
                   NbLines *out);
void nb_lines_free(NbLines *l);

#endif
