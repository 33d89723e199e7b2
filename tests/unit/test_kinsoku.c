/* Unit tests: the Chinese line-breaking rules of FORMAT.md §9 (GB/T 15834 §5, W3C clreq) on the
 * character grid of §8, driven through nb_text_break exactly as body paragraphs are set: the
 * real layout, the body font role, 三号 (16 pt), measure 28 × char_pitch, pitch = char_pitch,
 * justified, squeeze_end on.
 *
 * Every check is on concrete positions: a line's text is its runs' texts joined; a glyph's x is
 * its run's x plus, for each glyph before it in the run, its drawn advance (font advance × size ×
 * hscale) plus the run's char_space. On the grid an em is one character pitch (the layout's own
 * definition: "em … the grid pitch for a style on the character grid"). */
#include <setjmp.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "font.h"
#include "layout.h"
#include "text.h"
#include "util.h"

#define SIZE 16.0
#define EPS 0.01

static int S_role;
static double S_pitch;   /* the character grid: one full-width character */
static double S_measure; /* 28 characters */

static int S_setup(void **state)
{
    (void)state;
    if (S_open()) return -1;
    S_role = S_layout->styles[S_ST("body")].font_role;
    S_pitch = S_layout->char_pitch;
    S_measure = 28 * S_pitch;
    /* 156 mm / 28 */
    if (fabs(S_pitch - 156.0 / 25.4 * 72 / 28) > 0.01) {
        fprintf(stderr, "char_pitch %.4f, expected 156 mm / 28\n", S_pitch);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ helpers */

typedef struct {
    uint32_t cp;
    double x;     /* from the line's start (the first line's x includes the indent) */
    double right; /* x + drawn advance */
    double next;  /* where the next glyph of the run starts */
    double hs;
    double cs;
} S_Glyph;

typedef struct {
    S_Glyph *g;
    size_t n;
} S_Glyphs;

typedef struct {
    NbLines lines;
    char **text; /* each line's text, runs joined */
    S_Glyphs *glyphs;
    size_t n;
    double indent;
} S_Set;

static void S_set_full(S_Set *s, const char *para, double indent, NbAlign align, int no_gap)
{
    NbSpan span = {para, S_role};
    NbParaStyle st = {SIZE, S_measure, indent, align, 1, S_pitch, no_gap};
    nb_text_break(S_fonts, &span, 1, &st, &s->lines);
    s->n = s->lines.n;
    s->indent = indent;
    s->text = nb_xcalloc(s->n ? s->n : 1, sizeof *s->text);
    s->glyphs = nb_xcalloc(s->n ? s->n : 1, sizeof *s->glyphs);
    for (size_t i = 0; i < s->n; i++) {
        const NbLine *L = &s->lines.lines[i];
        NbBuf b = {0};
        size_t cap = 0;
        S_Glyphs *gs = &s->glyphs[i];
        for (size_t r = 0; r < L->n; r++) {
            const NbTextRun *run = &L->runs[r];
            nb_buf_puts(&b, run->text);
            double x = run->x;
            for (const char *p = run->text, *end = p + strlen(p); p < end;) {
                uint32_t cp = nb_utf8_next(&p, end);
                double adv = nb_fonts_advance(S_fonts, run->face, cp) * SIZE * run->hscale;
                nb_grow(&gs->g, &cap, gs->n + 1, sizeof *gs->g);
                gs->g[gs->n++] = (S_Glyph){cp, x, x + adv, x + adv + run->char_space, run->hscale,
                                           run->char_space};
                x += adv + run->char_space;
            }
        }
        s->text[i] = b.s ? b.s : nb_xstrdup("");
    }
}

static void S_set(S_Set *s, const char *para, double indent)
{
    S_set_full(s, para, indent, NB_ALIGN_JUSTIFY, 0);
}

static void S_free(S_Set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->text[i]);
        free(s->glyphs[i].g);
    }
    free(s->text);
    free(s->glyphs);
    nb_lines_free(&s->lines);
}

static void S_dump(const char *what, const S_Set *s)
{
    fprintf(stderr, "  %s (measure %.3f, pitch %.4f, indent %.3f)\n", what, S_measure, S_pitch,
            s->indent);
    for (size_t i = 0; i < s->n; i++) {
        const NbLine *L = &s->lines.lines[i];
        fprintf(stderr, "  %2zu [w %8.3f] %s\n", i, L->width, s->text[i]);
        for (size_t r = 0; r < L->n; r++)
            fprintf(stderr, "       run x %8.3f cs %7.3f hs %.2f  %s\n", L->runs[r].x,
                    L->runs[r].char_space, L->runs[r].hscale, L->runs[r].text);
    }
}

static char *S_han(size_t n)
{
    static const char *const pool[] = {"政", "府", "信", "息", "公", "开", "工", "作", "年", "度"};
    NbBuf b = {0};
    for (size_t i = 0; i < n; i++) nb_buf_puts(&b, pool[i % 10]);
    return b.s ? b.s : nb_xstrdup("");
}

static uint32_t S_cp(const char *s)
{
    return nb_utf8_next(&s, s + strlen(s));
}

static size_t S_chars(const char *s)
{
    size_t n = 0;
    for (const char *p = s, *end = s + strlen(s); p < end; n++) nb_utf8_next(&p, end);
    return n;
}

static size_t S_han_count(const char *s)
{
    size_t n = 0;
    for (const char *p = s, *end = s + strlen(s); p < end;) n += nb_char_han(nb_utf8_next(&p, end)) != 0;
    return n;
}

static uint32_t S_first_cp(const S_Set *s, size_t line)
{
    return s->glyphs[line].n ? s->glyphs[line].g[0].cp : 0;
}

static uint32_t S_last_cp(const S_Set *s, size_t line)
{
    return s->glyphs[line].n ? s->glyphs[line].g[s->glyphs[line].n - 1].cp : 0;
}

/* The index in line `line` of the k-th (0-based) glyph equal to cp, or -1. */
static long S_find(const S_Set *s, size_t line, uint32_t cp, int k)
{
    const S_Glyphs *gs = &s->glyphs[line];
    for (size_t i = 0; i < gs->n; i++)
        if (gs->g[i].cp == cp && k-- == 0) return (long)i;
    return -1;
}

/* The line measure of line i. */
static double S_line_measure(const S_Set *s, size_t i)
{
    return S_measure - (i ? 0 : s->indent);
}

/* Nothing lost, added or reordered; every non-final line justified to its measure; no line
 * longer than its measure. Returns 0 when fine (after dumping what is wrong). */
static int S_basic_ok(const char *what, const S_Set *s, const char *para)
{
    NbBuf all = {0};
    int ok = 1;
    for (size_t i = 0; i < s->n; i++) {
        nb_buf_puts(&all, s->text[i]);
        double w = s->lines.lines[i].width, m = S_line_measure(s, i);
        if (i + 1 < s->n && fabs(w - m) > EPS) {
            fprintf(stderr, "  line %zu: width %.3f, not justified to %.3f\n", i, w, m);
            ok = 0;
        }
        if (w > m + EPS) {
            fprintf(stderr, "  line %zu: width %.3f exceeds the measure %.3f\n", i, w, m);
            ok = 0;
        }
    }
    if (strcmp(all.s ? all.s : "", para) != 0) {
        fprintf(stderr, "  text changed: %s\n", all.s ? all.s : "");
        ok = 0;
    }
    nb_buf_free(&all);
    if (!ok) S_dump(what, s);
    return ok;
}

/* ------------------------------------------------------------------ the grid (§8) */

static void S_check_on_grid(const S_Set *s, size_t line, double x0)
{
    const S_Glyphs *gs = &s->glyphs[line];
    for (size_t k = 0; k < gs->n; k++) {
        if (fabs(gs->g[k].x - (x0 + (double)k * S_pitch)) > EPS) {
            S_dump("grid", s);
            fprintf(stderr, "  line %zu glyph %zu at x %.3f, grid says %.3f\n", line, k, gs->g[k].x,
                    x0 + (double)k * S_pitch);
        }
        assert_true(fabs(gs->g[k].x - (x0 + (double)k * S_pitch)) <= EPS);
    }
}

static void test_grid_28_characters_per_line(void **state)
{
    (void)state;
    /* 28 Han characters exactly fill one line, every one on the grid */
    char *p = S_han(28);
    S_Set s;
    S_set(&s, p, 0);
    if (s.n != 1) S_dump("28 Han", &s);
    assert_int_equal(s.n, 1);
    assert_int_equal(S_chars(s.text[0]), 28);
    assert_true(fabs(s.lines.lines[0].width - S_measure) <= EPS);
    S_check_on_grid(&s, 0, 0);
    assert_true(S_basic_ok("28 Han", &s, p));
    S_free(&s);
    free(p);

    /* 56 fill two */
    p = S_han(56);
    S_set(&s, p, 0);
    if (s.n != 2) S_dump("56 Han", &s);
    assert_int_equal(s.n, 2);
    assert_int_equal(S_chars(s.text[0]), 28);
    assert_int_equal(S_chars(s.text[1]), 28);
    assert_true(fabs(s.lines.lines[1].width - S_measure) <= EPS);
    S_check_on_grid(&s, 0, 0);
    S_check_on_grid(&s, 1, 0);
    assert_true(S_basic_ok("56 Han", &s, p));
    S_free(&s);
    free(p);

    /* with the 2-character indent the first line holds 26, the others 28 */
    p = S_han(28 * 3);
    S_set(&s, p, 2 * S_pitch);
    if (s.n != 4) S_dump("84 Han, indent 2", &s);
    assert_int_equal(s.n, 4);
    assert_int_equal(S_chars(s.text[0]), 26);
    assert_int_equal(S_chars(s.text[1]), 28);
    assert_int_equal(S_chars(s.text[2]), 28);
    assert_int_equal(S_chars(s.text[3]), 2);
    S_check_on_grid(&s, 0, 2 * S_pitch);
    S_check_on_grid(&s, 1, 0);
    S_check_on_grid(&s, 3, 0);
    assert_true(S_basic_ok("84 Han, indent 2", &s, p));
    S_free(&s);
    free(p);
}

/* ------------------------------------------------------------------ no line start */

/* FORMAT.md §9's list first, then the others nb_char_no_start accepts. */
static const char *const S_no_start[] = {
    "、", "，", "。", "；", "：", "？", "！", "”", "’", "）", "〕", "】", "》", "〉", "」", "』",
    "·", "%", "‰", "℃",
    /* more of the same kinds */
    "〗", "〙", "］", "｝", "・", "％", "．", "～", ",", ".", ";", ":", "?", "!", ")", "]", "}",
};

static void test_no_start_every_mark(void **state)
{
    (void)state;
    for (size_t m = 0; m < sizeof S_no_start / sizeof *S_no_start; m++) {
        uint32_t mark = S_cp(S_no_start[m]);
        if (!nb_char_no_start(mark)) fprintf(stderr, "nb_char_no_start(U+%04X 「%s」) is 0\n",
                                             (unsigned)mark, S_no_start[m]);
        assert_true(nb_char_no_start(mark));
        for (int ind = 0; ind <= 2; ind += 2) {
            /* the mark falls just after a full first line: it would start line 2 */
            char *h = S_han(28 - (size_t)ind), *tail = S_han(12);
            char *para = nb_xasprintf("%s%s%s", h, S_no_start[m], tail);
            S_Set s;
            S_set(&s, para, ind * S_pitch);
            int bad = s.n < 2;
            for (size_t i = 1; i < s.n; i++)
                if (S_first_cp(&s, i) == mark || nb_char_no_start(S_first_cp(&s, i))) bad = 1;
            if (s.n && fabs(s.lines.lines[0].width - S_line_measure(&s, 0)) > EPS) bad = 1;
            if (bad) {
                fprintf(stderr, "mark 「%s」 U+%04X, indent %d\n", S_no_start[m], (unsigned)mark, ind);
                S_dump("no-start", &s);
            }
            assert_true(s.n >= 2);
            for (size_t i = 1; i < s.n; i++) {
                assert_true(S_first_cp(&s, i) != mark);
                assert_false(nb_char_no_start(S_first_cp(&s, i)));
            }
            /* the first line still ends at the measure */
            assert_true(fabs(s.lines.lines[0].width - S_line_measure(&s, 0)) <= EPS);
            if (s.glyphs[0].n) {
                const S_Glyph *last = &s.glyphs[0].g[s.glyphs[0].n - 1];
                /* its last glyph is a Han character sitting in the last grid cell (the mark went
                 * down with the character before it), or the mark squeezed into the line */
                if (nb_char_han(last->cp))
                    assert_true(fabs(last->x + S_pitch - S_measure) <= EPS);
            }
            assert_true(S_basic_ok("no-start", &s, para));
            S_free(&s);
            free(para);
            free(h);
            free(tail);
        }
    }
}

/* ------------------------------------------------------------------ no line end */

static const char *const S_no_end[] = {
    "“", "‘", "（", "〔", "【", "《", "〈", "「", "『",
    /* more of the same kinds */
    "〖", "〘", "［", "｛", "(", "[", "{",
};

static void test_no_end_every_mark(void **state)
{
    (void)state;
    for (size_t m = 0; m < sizeof S_no_end / sizeof *S_no_end; m++) {
        uint32_t mark = S_cp(S_no_end[m]);
        if (!nb_char_no_end(mark)) fprintf(stderr, "nb_char_no_end(U+%04X 「%s」) is 0\n",
                                           (unsigned)mark, S_no_end[m]);
        assert_true(nb_char_no_end(mark));
        for (int ind = 0; ind <= 2; ind += 2) {
            /* the mark is the last character that fits on line 1 */
            char *h = S_han(27 - (size_t)ind), *tail = S_han(12);
            char *para = nb_xasprintf("%s%s%s", h, S_no_end[m], tail);
            S_Set s;
            S_set(&s, para, ind * S_pitch);
            int bad = s.n < 2;
            for (size_t i = 0; i + 1 < s.n; i++)
                if (S_last_cp(&s, i) == mark || nb_char_no_end(S_last_cp(&s, i))) bad = 1;
            if (s.n && fabs(s.lines.lines[0].width - S_line_measure(&s, 0)) > EPS) bad = 1;
            if (bad) {
                fprintf(stderr, "mark 「%s」 U+%04X, indent %d\n", S_no_end[m], (unsigned)mark, ind);
                S_dump("no-end", &s);
            }
            assert_true(s.n >= 2);
            for (size_t i = 0; i + 1 < s.n; i++) {
                assert_true(S_last_cp(&s, i) != mark);
                assert_false(nb_char_no_end(S_last_cp(&s, i)));
            }
            /* it went down and opens line 2 */
            assert_int_equal(S_first_cp(&s, 1), mark);
            assert_true(fabs(s.lines.lines[0].width - S_line_measure(&s, 0)) <= EPS);
            assert_true(S_basic_ok("no-end", &s, para));
            S_free(&s);
            free(para);
            free(h);
            free(tail);
        }
    }
}

/* ------------------------------------------------------------------ —— and …… */

static void test_dash_and_ellipsis_never_split(void **state)
{
    (void)state;
    static const char *const pairs[] = {"——", "……"};
    for (size_t k = 0; k < 2; k++)
        for (int ind = 0; ind <= 2; ind += 2)
            for (size_t before = 24; before <= 29; before++) {
                /* the pair straddles the end of line 1 for some of these */
                char *h = S_han(before - (size_t)ind), *tail = S_han(10);
                char *para = nb_xasprintf("%s%s%s", h, pairs[k], tail);
                S_Set s;
                S_set(&s, para, ind * S_pitch);
                uint32_t cp = S_cp(pairs[k]);
                int found = 0, bad = 0;
                for (size_t i = 0; i < s.n; i++) {
                    long a = S_find(&s, i, cp, 0), b = S_find(&s, i, cp, 1);
                    if (a >= 0) {
                        found++;
                        if (b != a + 1) bad = 1; /* the second half is not next to it */
                    }
                }
                if (found != 1 || bad) {
                    fprintf(stderr, "「%s」 after %zu Han, indent %d\n", pairs[k], before - (size_t)ind, ind);
                    S_dump("pair", &s);
                }
                assert_int_equal(found, 1);
                assert_false(bad);
                assert_true(S_basic_ok("pair", &s, para));
                S_free(&s);
                free(para);
                free(h);
                free(tail);
            }
}

/* ------------------------------------------------------------------ squeeze at the line end */

/* Line 0 ends with `mark` squeezed to half width: hscale 0.5, its half cell ending exactly at
 * the measure, and the line's set width equal to the measure. */
static void S_check_squeezed(const char *what, const char *para, const char *mark)
{
    S_Set s;
    S_set(&s, para, 0);
    uint32_t cp = S_cp(mark);
    const S_Glyph *last = s.glyphs[0].n ? &s.glyphs[0].g[s.glyphs[0].n - 1] : NULL;
    int bad = !last || last->cp != cp || fabs(last->hs - 0.5) > 1e-9 ||
              fabs(last->x + 0.5 * S_pitch - S_measure) > EPS ||
              fabs(s.lines.lines[0].width - S_measure) > EPS;
    if (bad) S_dump(what, &s);
    assert_non_null(last);
    assert_int_equal(last->cp, cp);   /* the mark stayed on line 1 */
    assert_true(fabs(last->hs - 0.5) <= 1e-9);
    /* its half cell ends at the measure */
    assert_true(fabs(last->x + 0.5 * S_pitch - S_measure) <= EPS);
    /* the set width of the line is the measure */
    assert_true(fabs(s.lines.lines[0].width - S_measure) <= EPS);
    S_free(&s);
}

static void test_end_mark_squeezed_when_needed(void **state)
{
    (void)state;
    /* 27 Han + 。” = 27 + 1.5 cells: fits only with ” at half width */
    char *h27 = S_han(27), *h26 = S_han(26), *tail = S_han(10);
    char *a = nb_xasprintf("%s。”%s", h27, tail);
    S_check_squeezed("27 Han 。” + more", a, "”");
    /* 26 Han, ¼ em, "12" (one cell), then ，: 27.25 cells + the comma — fits only at half width */
    char *b = nb_xasprintf("%s12，%s", h26, tail);
    S_check_squeezed("26 Han 12， + more", b, "，");
    /* …and the same when it is the paragraph's only line: no line is added for it */
    char *c = nb_xasprintf("%s12，", h26);
    S_Set s;
    S_set(&s, c, 0);
    if (s.n != 1) S_dump("26 Han 12，", &s);
    assert_int_equal(s.n, 1);
    assert_true(fabs(s.glyphs[0].g[s.glyphs[0].n - 1].hs - 0.5) <= 1e-9);
    assert_true(s.lines.lines[0].width <= S_measure + EPS);
    S_free(&s);
    free(a);
    free(b);
    free(c);
    free(h27);
    free(h26);
    free(tail);
}

static void test_end_mark_full_width_when_not_needed(void **state)
{
    (void)state;
    char *h27 = S_han(27), *tail = S_han(10);
    static const char *const marks[] = {"，", "。", "、", "；", "”", "）"};
    for (size_t m = 0; m < sizeof marks / sizeof *marks; m++) {
        /* 27 Han + the mark = 28 cells: it fits at full width, and stays full */
        for (int more = 0; more <= 1; more++) {
            char *para = nb_xasprintf("%s%s%s", h27, marks[m], more ? tail : "");
            S_Set s;
            S_set(&s, para, 0);
            const S_Glyph *last = s.glyphs[0].n ? &s.glyphs[0].g[s.glyphs[0].n - 1] : NULL;
            int bad = !last || last->cp != S_cp(marks[m]) || fabs(last->hs - 1) > 1e-9 ||
                      fabs(last->x - 27 * S_pitch) > EPS ||
                      fabs(s.lines.lines[0].width - S_measure) > EPS;
            if (bad) S_dump("27 Han + mark", &s);
            assert_int_equal(s.n, more ? 2 : 1);
            assert_non_null(last);
            assert_int_equal(last->cp, S_cp(marks[m]));
            assert_true(fabs(last->hs - 1) <= 1e-9);
            assert_true(fabs(last->x - 27 * S_pitch) <= EPS); /* on the grid: nothing stretched */
            assert_true(fabs(s.lines.lines[0].width - S_measure) <= EPS);
            assert_true(S_basic_ok("27 Han + mark", &s, para));
            S_free(&s);
            free(para);
        }
        /* a mark in mid-line is never squeezed */
        char *para = nb_xasprintf("政府%s信息", marks[m]);
        S_Set s;
        S_set(&s, para, 0);
        assert_int_equal(s.n, 1);
        assert_int_equal(s.glyphs[0].n, 5);
        assert_true(fabs(s.glyphs[0].g[2].x - 2 * S_pitch) <= EPS);
        assert_true(fabs(s.glyphs[0].g[3].x - 3 * S_pitch) <= EPS);
        assert_true(fabs(s.glyphs[0].g[2].hs - 1) <= 1e-9);
        assert_true(fabs(s.lines.lines[0].width - 5 * S_pitch) <= EPS);
        S_free(&s);
        free(para);
    }
    free(h27);
    free(tail);
}

/* ------------------------------------------------------------------ two adjacent marks */

static void test_adjacent_marks_take_one_and_a_half_em(void **state)
{
    (void)state;
    static const char *const pairs[] = {"。”", "）、", "”，"};
    for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
        /* one short line: the last line, set at natural width, nothing stretched */
        char *para = nb_xasprintf("政府%s信息", pairs[k]);
        S_Set s;
        S_set(&s, para, 0);
        assert_int_equal(s.n, 1);
        assert_int_equal(s.glyphs[0].n, 6);
        const S_Glyph *g = s.glyphs[0].g;
        double before = g[2].x - g[1].x;  /* the character before the pair to the first mark */
        double pair = g[4].x - g[2].x;    /* the first mark to the character after the pair */
        if (fabs(pair - 1.5 * S_pitch) > 0.02 || fabs(before - S_pitch) > EPS) {
            fprintf(stderr, "「%s」: the pair takes %.3f pt; 1.5 em = %.3f (2 em = %.3f)\n", pairs[k],
                    pair, 1.5 * S_pitch, 2 * S_pitch);
            S_dump("pair", &s);
        }
        assert_true(fabs(before - S_pitch) <= EPS);
        assert_true(fabs(pair - 1.5 * S_pitch) <= 0.02);
        /* the line is half an em shorter than 6 full cells */
        assert_true(fabs(s.lines.lines[0].width - 5.5 * S_pitch) <= 0.02);
        S_free(&s);
        free(para);
    }
}

/* ------------------------------------------------------------------ ¼ em beside Latin and digits */

/* Index of the glyph with code point cp (first), asserting it exists. */
static size_t S_at(const S_Set *s, size_t line, uint32_t cp)
{
    long i = S_find(s, line, cp, 0);
    if (i < 0) S_dump("missing glyph", s);
    assert_true(i >= 0);
    return (size_t)i;
}

static void test_quarter_em_between_han_and_digits(void **state)
{
    (void)state;
    const double gap = 0.25 * SIZE; /* 4 pt at 16 pt */
    S_Set s;

    /* 共186件: 4 pt between 共 and 1, and between 6 and 件 */
    S_set(&s, "共186件", 0);
    assert_int_equal(s.n, 1);
    {
        const S_Glyph *g = s.glyphs[0].g;
        size_t a = S_at(&s, 0, 0x5171 /* 共 */), one = S_at(&s, 0, '1'), six = S_at(&s, 0, '6'),
               b = S_at(&s, 0, 0x4EF6 /* 件 */);
        double left = g[one].x - (g[a].x + S_pitch), right = g[b].x - g[six].right;
        if (fabs(left - gap) > EPS || fabs(right - gap) > EPS) {
            fprintf(stderr, "共186件: gaps %.3f and %.3f, expected %.3f\n", left, right, gap);
            S_dump("共186件", &s);
        }
        assert_true(fabs(left - gap) <= EPS);
        assert_true(fabs(right - gap) <= EPS);
        /* inside the number: the digits' own advances, no gap */
        assert_true(fabs(g[one + 1].x - g[one].right) <= EPS);
        assert_true(fabs(g[six].x - g[one + 1].right) <= EPS);
        /* the set width: 2 cells, 3 digits, 2 gaps */
        assert_true(fabs(s.lines.lines[0].width - (2 * S_pitch + (g[six].right - g[one].x) + 2 * gap)) <= EPS);
    }
    S_free(&s);

    /* Latin letters too */
    S_set(&s, "采用HTML格式", 0);
    {
        const S_Glyph *g = s.glyphs[0].g;
        assert_true(fabs(g[2].x - (g[1].x + S_pitch) - gap) <= EPS);
        assert_true(fabs(g[6].x - g[5].right - gap) <= EPS);
    }
    S_free(&s);

    /* none when no_gap is set (a date) */
    S_set_full(&s, "共186件", 0, NB_ALIGN_JUSTIFY, 1);
    {
        const S_Glyph *g = s.glyphs[0].g;
        assert_true(fabs(g[1].x - S_pitch) <= EPS);
        assert_true(fabs(g[4].x - g[3].right) <= EPS);
        assert_true(fabs(s.lines.lines[0].width - (2 * S_pitch + g[3].right - g[1].x)) <= EPS);
    }
    S_free(&s);

    /* none beside Chinese punctuation */
    static const char *const punct[] = {"，186", "186，", "（186）", "“186”", "、2023。"};
    for (size_t k = 0; k < sizeof punct / sizeof *punct; k++) {
        S_set(&s, punct[k], 0);
        assert_int_equal(s.n, 1);
        const S_Glyphs *gs = &s.glyphs[0];
        for (size_t i = 0; i + 1 < gs->n; i++) {
            const S_Glyph *a = &gs->g[i], *b = &gs->g[i + 1];
            /* the pitch after a wide mark, the font advance after a digit: nothing more */
            double want = nb_char_wide(a->cp) ? a->x + S_pitch : a->right;
            if (fabs(b->x - want) > EPS) {
                fprintf(stderr, "%s: glyph %zu at %.3f, expected %.3f\n", punct[k], i + 1, b->x, want);
                S_dump("punct", &s);
            }
            assert_true(fabs(b->x - want) <= EPS);
        }
        S_free(&s);
    }

    /* none at a line start or a line end:
     * (a) a paragraph starting with a number starts at x 0 */
    S_set(&s, "2023年", 0);
    assert_true(fabs(s.glyphs[0].g[0].x) <= EPS);
    assert_true(fabs(s.lines.lines[0].width - (s.glyphs[0].g[3].right + gap + S_pitch)) <= EPS);
    S_free(&s);
    /* (b) one ending with a number ends at the number's last glyph */
    S_set(&s, "年2023", 0);
    assert_true(fabs(s.lines.lines[0].width - s.glyphs[0].g[4].right) <= EPS);
    assert_true(fabs(s.glyphs[0].g[1].x - (S_pitch + gap)) <= EPS);
    S_free(&s);
    /* (c) 28 Han then 2023: line 1 is the 28 Han on the grid; line 2 starts with 2023 at x 0 */
    char *h = S_han(28), *tail = S_han(10);
    char *para = nb_xasprintf("%s2023%s", h, tail);
    S_set(&s, para, 0);
    if (s.n != 2 || strcmp(s.text[0], h) != 0 || S_first_cp(&s, 1) != '2') S_dump("28 Han 2023", &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.text[0], h);
    S_check_on_grid(&s, 0, 0);
    assert_int_equal(S_first_cp(&s, 1), '2');
    assert_true(fabs(s.glyphs[1].g[0].x) <= EPS);
    assert_true(S_basic_ok("28 Han 2023", &s, para));
    S_free(&s);
    free(para);
    /* (d) 25 Han then 2023 then more: line 1 ends with 2023, its last digit ending at the measure
     * (a ¼ em counted after it would leave it 4 pt short) */
    char *h25 = S_han(25);
    para = nb_xasprintf("%s2023%s", h25, tail);
    S_set(&s, para, 0);
    const S_Glyphs *g0 = &s.glyphs[0];
    if (S_last_cp(&s, 0) != '3' || fabs(g0->g[g0->n - 1].right - S_measure) > EPS)
        S_dump("25 Han 2023", &s);
    assert_true(s.n >= 2);
    assert_int_equal(S_last_cp(&s, 0), '3');
    assert_true(fabs(g0->g[g0->n - 1].right - S_measure) <= EPS);
    assert_true(fabs(s.glyphs[1].g[0].x) <= EPS);
    assert_true(S_basic_ok("25 Han 2023", &s, para));
    S_free(&s);
    free(para);
    free(h25);
    free(h);
    free(tail);
}

/* ------------------------------------------------------------------ stretch between characters */

static void test_stretch_never_inside_numbers_or_words(void **state)
{
    (void)state;
    static const char *const words[] = {"2023", "HTML", "0379-63218857"};
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
        /* 18–25 Han + the word + more: the word ends line 1 or starts line 2, and line 1 is
         * stretched */
        for (size_t before = 18; before <= 25; before++) {
            char *h = S_han(before), *tail = S_han(20);
            char *para = nb_xasprintf("%s%s%s", h, words[w], tail);
            S_Set s;
            S_set(&s, para, 0);
            assert_true(S_basic_ok("stretch", &s, para));
            for (size_t i = 0; i + 1 < s.n; i++) {
                const S_Glyphs *gs = &s.glyphs[i];
                const char *at = strstr(s.text[i], words[w]);
                if (!at) continue;
                /* the stretch of this line: Han to Han beyond the pitch */
                double stretch = -1;
                for (size_t k = 0; k + 1 < gs->n; k++)
                    if (nb_char_han(gs->g[k].cp) && nb_char_han(gs->g[k + 1].cp))
                        stretch = gs->g[k + 1].x - gs->g[k].x - S_pitch;
                assert_true(stretch > -EPS);
                /* the word's glyphs: each starts where the previous one's drawing ends, and the
                 * runs inside it carry the plain track (0 for Latin, which is off the grid) */
                size_t first = S_chars(s.text[i]) - S_chars(at); /* glyph index of the word */
                size_t len = S_chars(words[w]);
                int bad = 0;
                for (size_t k = first; k + 1 < first + len; k++)
                    if (fabs(gs->g[k + 1].x - gs->g[k].right) > 1e-6 || fabs(gs->g[k].cs) > 1e-6) bad = 1;
                if (bad) {
                    fprintf(stderr, "「%s」 after %zu Han: stretch %.3f\n", words[w], before, stretch);
                    S_dump("stretch", &s);
                }
                assert_false(bad);
                /* and there was stretch to put somewhere (so the check above means something) */
                if (S_last_cp(&s, i) == S_cp(words[w] + strlen(words[w]) - 1) && fabs(stretch) < 0.05)
                    fail_msg("line %zu ends with 「%s」 but has no stretch", i, words[w]);
            }
            S_free(&s);
            free(para);
            free(h);
            free(tail);
        }
    }
}

/* ------------------------------------------------------------------ no lone last character */

static void test_no_single_character_on_last_line(void **state)
{
    (void)state;
    static const struct {
        size_t han;
        int indent;
        const char *end;
    } cases[] = {
        {29, 0, ""}, {57, 0, ""}, {85, 0, ""}, {27, 2, ""}, {55, 2, ""}, {83, 2, ""},
        {28, 0, "。"}, {56, 0, "。"}, {26, 2, "。"}, {54, 2, "。"}, {28, 0, "。”"}, {26, 2, "”。"}, {54, 2, "）。"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        char *h = S_han(cases[c].han);
        char *para = nb_xasprintf("%s%s", h, cases[c].end);
        S_Set s;
        S_set(&s, para, cases[c].indent * S_pitch);
        size_t han = s.n ? S_han_count(s.text[s.n - 1]) : 0;
        if (han < 2 || s.n < 2) {
            fprintf(stderr, "%zu Han + 「%s」, indent %d: last line has %zu Han\n", cases[c].han,
                    cases[c].end, cases[c].indent, han);
            S_dump("widow", &s);
        }
        assert_true(s.n >= 2);
        assert_true(han >= 2);
        assert_true(S_basic_ok("widow", &s, para));
        S_free(&s);
        free(para);
        free(h);
    }
}

/* ------------------------------------------------------------------ total fit */

/* The largest stretch per gap of line i, in pt: Han to Han beyond the pitch (-1: no such pair). */
static double S_stretch(const S_Set *s, size_t i)
{
    double most = -1;
    const S_Glyphs *gs = &s->glyphs[i];
    for (size_t k = 0; k + 1 < gs->n; k++)
        if (nb_char_han(gs->g[k].cp) && nb_char_han(gs->g[k + 1].cp)) {
            double d = gs->g[k + 1].x - gs->g[k].x - S_pitch;
            if (d > most) most = d;
        }
    return most;
}

/* The slack per stretchable gap of line i if it were justified (for left-aligned lines). */
static double S_slack_per_gap(const S_Set *s, size_t i)
{
    const S_Glyphs *gs = &s->glyphs[i];
    size_t gaps = 0;
    for (size_t k = 0; k + 1 < gs->n; k++)
        gaps += nb_char_wide(gs->g[k].cp) || nb_char_wide(gs->g[k + 1].cp);
    return gaps ? (S_line_measure(s, i) - s->lines.lines[i].width) / (double)gaps : 0;
}

static void test_total_fit_spreads_the_slack(void **state)
{
    (void)state;
    const char *phone = "0379-63218857";
    const double limit = 0.15 * S_pitch;
    static const struct {
        size_t head;  /* Han before the first phone number */
        int repeat;   /* blocks of 24 Han + phone after it */
        int indent;
        int greedy_fails; /* first-fit breaking leaves a line looser than the limit */
    } cases[] = {
        {80, 0, 0, 1}, /* 28 + 28 + 24 Han, then a number that does not fit after them */
        {78, 0, 2, 1},
        {24, 3, 2, 0}, /* the number falls at a line end again and again */
        {108, 2, 0, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        NbBuf b = {0};
        char *h = S_han(cases[c].head), *h24 = S_han(24), *tail = S_han(20);
        nb_buf_puts(&b, h);
        nb_buf_puts(&b, phone);
        for (int r = 0; r < cases[c].repeat; r++) {
            nb_buf_puts(&b, h24);
            nb_buf_puts(&b, phone);
        }
        nb_buf_puts(&b, tail);
        S_Set s;
        S_set(&s, b.s, cases[c].indent * S_pitch);
        int bad = 0;
        for (size_t i = 0; i + 1 < s.n; i++) {
            double st = S_stretch(&s, i);
            if (st < 0 || st > limit) {
                fprintf(stderr, "case %zu line %zu: stretch %.3f pt per gap (limit %.3f)\n", c, i, st, limit);
                bad = 1;
            }
        }
        if (bad) S_dump("total fit", &s);
        assert_true(S_basic_ok("total fit", &s, b.s));
        for (size_t i = 0; i + 1 < s.n; i++) {
            assert_true(S_stretch(&s, i) >= 0);
            assert_true(S_stretch(&s, i) <= limit);
        }
        /* the number is never broken */
        size_t whole = 0;
        for (size_t i = 0; i < s.n; i++)
            for (const char *p = s.text[i]; (p = strstr(p, phone)); p++) whole++;
        assert_int_equal(whole, 1 + (size_t)cases[c].repeat);
        S_free(&s);
        /* the case is a real one: breaking line by line would leave a loose line */
        if (cases[c].greedy_fails) {
            S_set_full(&s, b.s, cases[c].indent * S_pitch, NB_ALIGN_LEFT, 0);
            double worst = 0;
            for (size_t i = 0; i + 1 < s.n; i++)
                if (S_slack_per_gap(&s, i) > worst) worst = S_slack_per_gap(&s, i);
            if (worst <= limit) S_dump("first fit", &s);
            assert_true(worst > limit);
            S_free(&s);
        }
        nb_buf_free(&b);
        free(h);
        free(h24);
        free(tail);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_28_characters_per_line),
        cmocka_unit_test(test_no_start_every_mark),
        cmocka_unit_test(test_no_end_every_mark),
        cmocka_unit_test(test_dash_and_ellipsis_never_split),
        cmocka_unit_test(test_end_mark_squeezed_when_needed),
        cmocka_unit_test(test_end_mark_full_width_when_not_needed),
        cmocka_unit_test(test_adjacent_marks_take_one_and_a_half_em),
        cmocka_unit_test(test_quarter_em_between_han_and_digits),
        cmocka_unit_test(test_stretch_never_inside_numbers_or_words),
        cmocka_unit_test(test_no_single_character_on_last_line),
        cmocka_unit_test(test_total_fit_spreads_the_slack),
    };
    return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
