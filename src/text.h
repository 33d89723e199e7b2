/* Text: the line-breaking classes of characters and Chinese line breaking with justification
 * (GB/T 15834 §5, W3C clreq). Knows fonts only through font.h's metrics. */
#ifndef NB_TEXT_H
#define NB_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "blocks.h"
#include "font.h"
#include "layout.h"
#include "utf8.h"

int nb_char_no_start(uint32_t cp);  /* may not begin a line */
int nb_char_no_end(uint32_t cp);    /* may not end a line */
int nb_char_left_ink(uint32_t cp);  /* full-width mark whose ink is in the left half */

typedef struct {
    int face;
    double x;          /* from the line's start, pt */
    double char_space; /* pt added after every glyph */
    double hscale;     /* horizontal scale, 1 = as designed */
    char *text;        /* UTF-8 */
    int span;          /* the span of the paragraph it sets */
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

/* The baseline of a line of type `size` set centred in a line box `pitch` tall from `top`:
 * the ideographic em box centred in the box, its top 0.88 em above the baseline (the
 * ideographic-top of CJK fonts' BASE tables; the fonts' own ascents vary and include
 * accents, so they would put the em box off centre). */
double nb_baseline(double top, double pitch, double size);

/* Break a paragraph into lines and set them. */
void nb_text_break(NbFonts *fonts, const NbSpan *spans, size_t nspans, const NbParaStyle *st,
                   NbLines *out);
void nb_lines_free(NbLines *l);

#endif
