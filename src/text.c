#include "text.h"

#include <stdlib.h>
#include <string.h>

static int S_in(uint32_t cp, const uint32_t *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == cp) return 1;
    return 0;
}

int nb_char_no_start(uint32_t cp)
{
    static const uint32_t set[] = {
        0x3001, 0xFF0C, 0x3002, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0x201D, 0x2019, 0xFF09, 0x3015,
        0x3011, 0x300B, 0x3009, 0x300D, 0x300F, 0x3017, 0x3019, 0xFF3D, 0xFF5D, 0x00B7, 0x30FB,
        0x0025, 0x2030, 0x2103, 0xFF05, 0xFF0E, 0x002C, 0x002E, 0x003B, 0x003A, 0x003F, 0x0021,
        0x0029, 0x005D, 0x007D, 0xFF5E,
    };
    return S_in(cp, set, sizeof set / sizeof *set);
}

int nb_char_no_end(uint32_t cp)
{
    static const uint32_t set[] = {
        0x201C, 0x2018, 0xFF08, 0x3014, 0x3010, 0x300A, 0x3008, 0x300C, 0x300E, 0x3016,
        0x3018, 0xFF3B, 0xFF5B, 0x0028, 0x005B, 0x007B,
    };
    return S_in(cp, set, sizeof set / sizeof *set);
}

int nb_char_left_ink(uint32_t cp)
{
    static const uint32_t set[] = {
        0x3001, 0xFF0C, 0x3002, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0x201D, 0x2019, 0xFF09,
        0x3015, 0x3011, 0x300B, 0x3009, 0x300D, 0x300F, 0x3017, 0x3019,
    };
    return S_in(cp, set, sizeof set / sizeof *set);
}

static int S_wide_punct(uint32_t cp)
{
    return nb_char_wide(cp) && !nb_char_han(cp) && cp != 0x2014 && cp != 0x2026;
}

/* Latin letters, digits and ASCII marks: kept together, never stretched inside. */
static int S_latin(uint32_t cp)
{
    return cp > 0x20 && !nb_char_wide(cp) && cp != 0xA0;
}

static int S_alnum(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
           (cp >= 0xC0 && cp < 0x2000);
}

typedef struct {
    uint32_t cp;
    int face;
    double adv;   /* pt, as set (on the character grid when there is one) */
    double track; /* adv minus the font's own advance: drawn as character spacing */
    double gap;   /* pt after it when the next glyph is on the same line */
    double pre;   /* the advances and gaps of all glyphs before it, for widths in O(1) */
    unsigned char latin, space, brk, stretch, left_ink;
    unsigned char url;   /* part of a web or e-mail address */
    unsigned char span;  /* the span of the paragraph it comes from */
    unsigned n1, n2;     /* the stretch points before it: Latin ones (S_tier1), others */
    double size;         /* the type size it is set in, pt */
} S_G;

static int S_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

static uint32_t S_lower(uint32_t cp) { return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp; }

/* Does the text at g[i] begin with the ASCII word w (any case)? */
static int S_starts(const S_G *g, size_t n, size_t i, const char *w)
{
    for (size_t k = 0; w[k]; k++)
        if (i + k >= n || S_lower(g[i + k].cp) != (uint32_t)w[k]) return 0;
    return 1;
}

/* Mark web addresses (http://, https://, ftp://, www.) and e-mail addresses (a@b.c): a
 * run of Latin characters from there, less the ASCII marks that end a sentence after it. */
static void S_mark_urls(S_G *g, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (!g[i].latin || g[i].space || (i > 0 && g[i - 1].latin && !g[i - 1].space)) {
            i++;
            continue;
        }
        size_t e = i;
        while (e < n && g[e].latin && !g[e].space) e++;
        while (e > i && strchr(".,;:!?)]}'\"", (int)(g[e - 1].cp < 128 ? g[e - 1].cp : 1))) e--;
        int web = S_starts(g, n, i, "http://") || S_starts(g, n, i, "https://") ||
                  S_starts(g, n, i, "ftp://") || S_starts(g, n, i, "www.");
        int at = 0, dot_after = 0;
        for (size_t k = i; k < e; k++) {
            if (g[k].cp == '@' && k > i) at = 1;
            else if (at && g[k].cp == '.' && k + 1 < e) dot_after = 1;
        }
        if (web || (at && dot_after))
            for (size_t k = i; k < e; k++) g[k].url = 1;
        i = e > i ? e : i + 1;
    }
}

/* May a line break between b = g[i] and the glyph before it, inside a Latin run? After a
 * hyphen between letters; in an address after / . - _ ? & = # as well (not inside "//"),
 * but never inside a run of digits. */
static int S_latin_break(const S_G *g, size_t i)
{
    uint32_t a = g[i - 1].cp, b = g[i].cp, before = i >= 2 ? g[i - 2].cp : 0;
    if (S_digit(b) && S_digit(before) && (a == '.' || a == '-' || a == ',')) return 0;
    if (g[i - 1].url && g[i].url) /* not inside the // of a scheme */
        return a < 128 && a && strchr("/.-_?&=#", (int)a) && !(a == '/' && (b == '/' || before == '/'));
    return a == '-' && !S_digit(b) && !S_digit(before) && before > 0x20;
}

static int S_tier1(const S_G *g, size_t k);

/* The glyphs of a paragraph with their faces, advances, gaps and break opportunities. */
static S_G *S_shape(NbFonts *fonts, const NbSpan *spans, size_t nspans, const NbParaStyle *st,
                    size_t *n_out)
{
    double size = st->size;
    size_t n = 0, cap = 0;
    S_G *g = NULL;
    for (size_t s = 0; s < nspans; s++) {
        const char *p = spans[s].text, *end = p + strlen(p);
        while (p < end) {
            uint32_t cp = nb_utf8_next(&p, end);
            if (cp == '\n' || cp == '\t') cp = ' ';
            nb_grow(&g, &cap, n + 1, sizeof *g);
            S_G *x = &g[n++];
            memset(x, 0, sizeof *x);
            x->cp = cp;
            x->size = size;
            x->span = (unsigned char)s;
            x->face = nb_fonts_face(fonts, spans[s].role, cp);
            if (x->face < 0) x->face = nb_fonts_role_face(fonts, spans[s].role);
            x->adv = nb_fonts_advance(fonts, x->face, cp) * size;
            if (st->pitch > 0 && nb_char_wide(cp)) x->track = st->pitch - x->adv, x->adv = st->pitch;
            x->latin = (unsigned char)S_latin(cp);
            x->space = cp == ' ';
            x->left_ink = (unsigned char)nb_char_left_ink(cp);
        }
    }
    S_mark_urls(g, n);
    for (size_t i = 0; i < n; i++) {
        S_G *a = &g[i], *b = i + 1 < n ? &g[i + 1] : NULL;
        if (b) {
            if (!st->no_gap && ((nb_char_han(a->cp) && S_alnum(b->cp)) ||
                                (S_alnum(a->cp) && nb_char_han(b->cp))))
                a->gap = 0.25 * size;
            else if (a->left_ink && S_wide_punct(b->cp))
                a->gap = -0.5 * a->adv; /* two marks side by side take 1.5 em */
            /* no space is added between a Latin run and a Chinese mark (clreq) */
            a->stretch = !(a->latin && b->latin) && !a->space && !b->space &&
                         !(a->latin && S_wide_punct(b->cp)) && !(S_wide_punct(a->cp) && b->latin);
        }
        if (i == 0) continue;
        const S_G *prev = &g[i - 1];
        int ok = !nb_char_no_start(a->cp) && !nb_char_no_end(prev->cp);
        if (prev->latin && a->latin) ok = S_latin_break(g, i);
        if (a->space) ok = 0;
        if (prev->space) ok = 1;
        if (prev->cp == a->cp && (a->cp == 0x2014 || a->cp == 0x2026)) ok = 0;
        a->brk = (unsigned char)ok;
        if (ok && prev->url && a->url) g[i - 1].stretch = 1; /* an address stretches where it breaks */
    }
    /* a sentinel after the last glyph, and the running sums */
    nb_grow(&g, &cap, n + 1, sizeof *g);
    memset(&g[n], 0, sizeof *g);
    for (size_t i = 0; i < n; i++) {
        g[i + 1].pre = g[i].pre + g[i].adv + g[i].gap;
        int point = i + 1 < n && (g[i].stretch || g[i].space), tier1 = point && S_tier1(g, i);
        g[i + 1].n1 = g[i].n1 + (unsigned)tier1;
        g[i + 1].n2 = g[i].n2 + (unsigned)(point && !tier1);
    }
    *n_out = n;
    return g;
}

/* Width of glyphs [s, e) set on one line: inner gaps, and with squeeze the end mark at
 * half width. */
static double S_width(const S_G *g, size_t s, size_t e, int squeeze)
{
    while (e > s && g[e - 1].space) e--;
    while (s < e && g[s].space) s++;
    if (e == s) return 0;
    double w = g[e].pre - g[s].pre - g[e - 1].gap; /* no gap after the line's last glyph */
    if (squeeze && e > s && g[e - 1].left_ink) w -= 0.5 * g[e - 1].adv;
    return w;
}

static size_t S_count_solid(const S_G *g, size_t s, size_t e)
{
    size_t n = 0;
    for (size_t k = s; k < e; k++)
        if (!g[k].space && !nb_char_no_start(g[k].cp)) n++;
    return n;
}

/* How much more a Latin point (a space, a Han–Latin boundary, a break in an address) takes
 * before the Han characters are spread: a quarter em, so that a ¼ em boundary grows to at
 * most half an em on its own. */
#define S_LATIN_FIRST 0.25

/* A stretch point where a Latin run meets the line: a space, or a Han–Latin boundary.
 * Justification fills these first (clreq), before anything goes between Han characters. */
static int S_tier1(const S_G *g, size_t k)
{
    return g[k].space || g[k + 1].space || g[k].latin != g[k + 1].latin ||
           (g[k].url && g[k + 1].url);
}

/* How slack spreads over the stretch points of [s, e): first up to `em` more at each
 * Latin point (*per1), then the rest evenly over all points (*per2 at the others). */
static void S_spread(const S_G *g, size_t s, size_t e, double slack, double em, double *per1,
                     double *per2)
{
    /* the points at k in [s, e - 1), from the running counts */
    size_t n1 = e > s ? g[e - 1].n1 - g[s].n1 : 0, n2 = e > s ? g[e - 1].n2 - g[s].n2 : 0;
    *per1 = *per2 = 0;
    if (!n1 && !n2) return;
    if (n1 && slack <= n1 * em) {
        *per1 = slack / (double)n1;
        return;
    }
    double rest = slack - (double)n1 * em; /* beyond an em at each Latin point: even */
    *per2 = rest / (double)(n1 + n2);
    *per1 = n1 ? em + *per2 : 0;
    if (!n1) *per2 = slack / (double)n2;
}

/* Set glyphs [s, e) as one line: runs of one face, justified or aligned in the measure. */
static void S_set_line(const S_G *g, size_t s, size_t e, double x0, double measure, int justify,
                       int squeeze, NbLine *line)
{
    while (e > s && g[e - 1].space) e--;
    while (s < e && g[s].space) s++;
    memset(line, 0, sizeof *line);
    if (s == e) return;
    if (squeeze && S_width(g, s, e, 0) <= measure + 1e-6) squeeze = 0; /* only when needed */
    double natural = S_width(g, s, e, squeeze);
    double per1 = 0, per2 = 0; /* added at the Latin points, and at the others */
    if (justify && natural < measure)
        S_spread(g, s, e, measure - natural, S_LATIN_FIRST * g[s].size, &per1, &per2);
    size_t cap = 0;
    double x = x0;
    NbBuf text = {0};
    double run_x = x0, run_cs = 0, run_hs = 1;
    int run_face = -1, run_span = 0;
    for (size_t k = s; k < e; k++) {
        double nat = g[k].adv - g[k].track;
        /* A squeezed end mark, and the first of two adjacent marks, are drawn narrowed so
         * that their boxes do not overlap what follows: text extraction reads them in
         * order (poppler starts a new word at an overlap of 0.2 em). */
        double hs = 1;
        if (k + 1 == e && squeeze && g[k].left_ink) hs = 0.5;
        else if (k + 1 < e && g[k].gap < 0) hs = 0.65;
        double add = 0;
        if (k + 1 < e && (g[k].stretch || g[k].space)) add = S_tier1(g, k) ? per1 : per2;
        double gap = g[k].adv - nat * hs + (k + 1 < e ? g[k].gap + add : 0);
        if (run_face >= 0 && (g[k].face != run_face || gap != run_cs || hs != run_hs ||
                              g[k].span != run_span)) {
            nb_grow(&line->runs, &cap, line->n + 1, sizeof *line->runs);
            line->runs[line->n++] = (NbTextRun){run_face, run_x, run_cs, run_hs, text.s, run_span};
            text = (NbBuf){0};
            run_face = -1;
        }
        if (run_face < 0)
            run_face = g[k].face, run_x = x, run_cs = gap, run_hs = hs, run_span = g[k].span;
        nb_utf8_put(&text, g[k].cp);
        /* a squeezed end mark counts as half its cell, as S_width measured it */
        x += (k + 1 == e && hs == 0.5) ? 0.5 * g[k].adv : nat * hs + gap;
    }
    nb_grow(&line->runs, &cap, line->n + 1, sizeof *line->runs);
    line->runs[line->n++] = (NbTextRun){run_face, run_x, run_cs, run_hs, text.s, run_span};
    line->width = x - x0;
}

/* Demerits of a justified line [s, e): the stretch per stretch point in em, squared, so
 * that slack spread thinly over several lines costs less than one loose line. */
static double S_line_cost(const S_G *g, size_t s, size_t e, double measure, const NbParaStyle *st)
{
    while (e > s && g[e - 1].space) e--;
    double natural = S_width(g, s, e, 0), squeeze = 0;
    if (natural > measure + 1e-6) natural = S_width(g, s, e, 1), squeeze = 5;
    double slack = measure - natural, per1, per2;
    if (slack <= 0.01 * st->size) return squeeze;
    /* the stretch between Han characters, in em, is what shows: a Latin point may take an
     * em before it counts (S_spread); a line with no point at all stretches nowhere */
    S_spread(g, s, e, slack, S_LATIN_FIRST * st->size, &per1, &per2);
    size_t points = e > s ? g[e - 1].n1 - g[s].n1 + g[e - 1].n2 - g[s].n2 : 0;
    double r = points ? (per2 + 0.25 * per1) / st->size : slack / st->size;
    double b = 1 + 1000 * r * r;
    return b * b + squeeze;
}

/* Total-fit line breaking (after Knuth and Plass) for justified text: the breaks that
 * minimise the paragraph's demerits, so that a long number or word that cannot break
 * does not leave one line stretched wide. Returns the number of lines; starts[] gets
 * each line's first glyph. */
static size_t S_break_optimal(const S_G *g, size_t n, const NbParaStyle *st, size_t *starts)
{
    double *best = nb_xmalloc((n + 1) * sizeof *best);
    size_t *from = nb_xmalloc((n + 1) * sizeof *from);
    for (size_t i = 0; i <= n; i++) best[i] = -1;
    best[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (best[i] < 0) continue;
        size_t s = i;
        while (s < n && g[s].space) s++;
        if (s >= n) { /* only spaces left */
            if (best[n] < 0 || best[i] < best[n]) best[n] = best[i], from[n] = i;
            continue;
        }
        double measure = st->measure - (i == 0 ? st->indent : 0);
        size_t any = 0, legal = 0;
        for (size_t e = s + 1; e <= n; e++) {
            if (S_width(g, s, e, st->squeeze_end) > measure + 1e-6) break;
            any = e;
            if (e < n && !g[e].brk) continue;
            legal = 1;
            double c;
            if (e == n) c = (i > 0 && S_count_solid(g, s, n) < 2) ? 1e5 : 0; /* a lone last character */
            else c = S_line_cost(g, s, e, measure, st);
            /* ties (within rounding) keep the first: the same breaks at any scale */
            if (best[e] < 0 || best[i] + c < best[e] - 1e-9 * (1 + best[e]))
                best[e] = best[i] + c, from[e] = i;
        }
        if (!legal) { /* nothing breaks legally: cut where it fits */
            size_t e = any ? any : s + 1;
            if (best[e] < 0 || best[i] + 1e7 < best[e]) best[e] = best[i] + 1e7, from[e] = i;
        }
    }
    size_t nl = 0;
    for (size_t e = n; e > 0; e = from[e]) nl++;
    size_t k = nl;
    for (size_t e = n; e > 0; e = from[e]) {
        size_t s = from[e];
        while (s < n && g[s].space) s++;
        starts[--k] = s;
    }
    /* a break inside trailing spaces can leave an empty last line */
    if (nl && starts[nl - 1] >= n) nl--;
    free(best);
    free(from);
    return nl;
}

void nb_text_break(NbFonts *fonts, const NbSpan *spans, size_t nspans, const NbParaStyle *st,
                   NbLines *out)
{
    memset(out, 0, sizeof *out);
    size_t n;
    S_G *g = S_shape(fonts, spans, nspans, st, &n);
    size_t *starts = nb_xmalloc((n + 2) * sizeof *starts);
    size_t nl = 0, s = 0;
    if (st->align == NB_ALIGN_JUSTIFY) nl = S_break_optimal(g, n, st, starts), s = n;
    while (s < n) {
        while (s < n && g[s].space) s++;
        if (s >= n) break;
        double measure = st->measure - (nl == 0 ? st->indent : 0);
        size_t best = 0, any = 0;
        for (size_t e = s + 1; e <= n; e++) {
            if (S_width(g, s, e, st->squeeze_end) > measure + 1e-6) break;
            any = e;
            if (e == n || g[e].brk) best = e;
        }
        if (!best) best = any ? any : s + 1; /* nothing breaks legally: cut where it fits */
        starts[nl++] = s;
        s = best;
    }
    /* no single character alone on a paragraph's last line */
    if (nl >= 2 && S_count_solid(g, starts[nl - 1], n) < 2) {
        size_t lo = starts[nl - 2] + 2;
        for (size_t b = starts[nl - 1] - 1; b >= lo; b--)
            if (g[b].brk) {
                if (S_width(g, b, n, st->squeeze_end) <= st->measure) starts[nl - 1] = b;
                break;
            }
    }
    starts[nl] = n;
    out->lines = nb_xcalloc(nl ? nl : 1, sizeof *out->lines);
    out->n = nl;
    for (size_t i = 0; i < nl; i++) {
        double x0 = i == 0 ? st->indent : 0;
        int justify = st->align == NB_ALIGN_JUSTIFY && i + 1 < nl;
        S_set_line(g, starts[i], starts[i + 1], x0, st->measure - x0, justify,
                   st->squeeze_end, &out->lines[i]);
        NbLine *L = &out->lines[i];
        double shift = 0;
        if (st->align == NB_ALIGN_CENTER) shift = (st->measure - x0 - L->width) / 2;
        else if (st->align == NB_ALIGN_RIGHT) shift = st->measure - x0 - L->width;
        for (size_t r = 0; r < L->n; r++) L->runs[r].x += shift;
    }
    free(starts);
    free(g);
}

double nb_baseline(double top, double pitch, double size)
{
    return top + (pitch - size) / 2 + 0.88 * size;
}

void nb_lines_free(NbLines *l)
{
    for (size_t i = 0; i < l->n; i++) {
        for (size_t r = 0; r < l->lines[i].n; r++) free(l->lines[i].runs[r].text);
        free(l->lines[i].runs);
    }
    free(l->lines);
    memset(l, 0, sizeof *l);
}
