#include "flow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "text.h"

/* A line set on a page: its first item there, its top, and the block it belongs to. */
typedef struct {
    size_t page, item, block;
    double y;
} S_Mark;

typedef struct {
    const NbLayout *l;
    NbFonts *fonts;
    NbDoc *doc;
    size_t page;
    double y;         /* top of the next line */
    double measure;
    NbTable **tables; /* per block: its table, measured (NULL for other blocks) */
    const NbBlocks *bs;
    size_t block;     /* the block being set */
    S_Mark *marks;    /* every line set, in order: what the signature may carry over */
    size_t nmarks, mcap;
    int span_elem[2]; /* the structure element of each span of the block being set */
    NbLines broken;   /* the lines of block broken_block - 1 (0: none), broken once for */
    size_t broken_block; /* S_keep_height and S_para both */
} S_Flow;

/* The block's structure element of `role` (its runs' unless `span`s differ: S_line). */
static int S_tag(S_Flow *f, const char *role)
{
    int e = nb_doc_elem(f->doc, role, 0);
    f->span_elem[0] = f->span_elem[1] = e;
    return f->doc->cur = e;
}

/* A heading's structure type: H1 … H6. */
static const char *S_heading_role(int level)
{
    static const char *const roles[] = {"H1", "H2", "H3", "H4", "H5", "H6"};
    return roles[level < 1 ? 0 : level > 6 ? 5 : level - 1];
}

/* The characters of one piece of text that no font of its role has, each an error where
 * it is written (the first S_COVER_SHOWN; then one error counts the rest). */
#define S_COVER_SHOWN 20
static int S_cover(const NbCoverage *cv, NbFonts *fonts, NbDiag *diag)
{
    const char *text = cv->text, *p = text, *end = text + strlen(text);
    int line = 0, paragraphs = strchr(text, '\n') != NULL, ok = 1;
    size_t shown = 0, more = 0; /* each of the first S_COVER_SHOWN told where it is */
    while (p < end) {
        const char *ch = p;
        uint32_t cp = nb_utf8_next(&p, end);
        if (cp == '\n') {
            line++;
            continue;
        }
        int seen = cv->checked_role >= 0 &&
                   (cp < 0x20 || nb_fonts_face(fonts, cv->checked_role, cp) < 0);
        if (seen) continue;
        const char *why = NULL;
        if (cp < 0x20) why = _("is a control character; remove it");
        else if (nb_fonts_face(fonts, cv->role, cp) < 0)
            why = _("is in none of the installed fonts; replace it, or add a font that has it "
                    "(fonts/ or --fonts DIR)");
        if (!why) continue;
        ok = 0;
        if (shown == S_COVER_SHOWN) { /* the rest are counted: locating each is O(text) */
            more++;
            continue;
        }
        shown++;
        int nth = 0; /* the same character earlier in the text */
        for (const char *q = text; q < ch; q++) nth += !memcmp(q, ch, (size_t)(p - ch));
        NbMark here = cv->src ? nb_report_locate(cv->src, ch, (size_t)(p - ch), nth) : cv->at;
        NbBuf glyph = {0}, place = {0};
        if (cp >= 0x20) nb_utf8_put(&glyph, cp);
        nb_buf_puts(&place, cv->where);
        if (paragraphs) nb_buf_printf(&place, ", paragraph %d", line + 1);
        nb_diag_add(diag, NB_ERROR, here, "%s: the character %s (U+%04X) %s", place.s,
                    glyph.s ? glyph.s : "", cp, why);
        nb_buf_free(&glyph);
        nb_buf_free(&place);
    }
    if (more)
        nb_diag_add(diag, NB_ERROR, cv->src ? cv->src->at : cv->at,
                    "%s: and %zu more characters like these that cannot be drawn; replace them, "
                    "or add a font that has them (fonts/ or --fonts DIR)", cv->where, more);
    return ok;
}

int nb_flow_cover(const NbBlocks *bs, NbFonts *fonts, NbDiag *diag)
{
    int ok = 1;
    for (size_t i = 0; i < bs->ncover; i++) ok &= S_cover(&bs->cover[i], fonts, diag);
    return ok;
}

static double S_bottom(const S_Flow *f) { return f->doc->ta_y1; }

static void S_new_page(S_Flow *f)
{
    f->page = nb_doc_add_page(f->doc);
    f->y = f->doc->ta_y0;
}

static double S_pitch(const S_Flow *f, int id)
{
    const NbStyle *st = &f->l->styles[id];
    return st->leading > 0 ? st->leading : f->l->pitch;
}

/* Back onto the body grid after something of another height (a table). */
static void S_snap(S_Flow *f)
{
    double k = (f->y - f->doc->ta_y0) / f->l->pitch;
    double up = ceil(k - 1e-6);
    f->y = f->doc->ta_y0 + up * f->l->pitch;
}

static void S_line(S_Flow *f, const NbLine *L, const NbStyle *st, double pitch, double x0)
{
    nb_grow(&f->marks, &f->mcap, f->nmarks + 1, sizeof *f->marks);
    f->marks[f->nmarks++] = (S_Mark){f->page, f->doc->pages[f->page].n, f->block, f->y};
    double base = nb_baseline(f->y, pitch, st->size);
    for (size_t r = 0; r < L->n; r++) {
        f->doc->cur = f->span_elem[L->runs[r].span > 0];
        nb_doc_run(f->doc, f->page, &L->runs[r], st->size, x0, base);
    }
    f->y += pitch;
}

static void S_break(const S_Flow *f, const NbBlock *b, NbLines *out)
{
    const NbStyle *st = &f->l->styles[b->style];
    NbParaStyle ps = {st->size, f->measure, st->indent, st->align, 1,
                      st->grid ? f->l->char_pitch : 0, 0};
    nb_text_break(f->fonts, b->spans, b->nspans, &ps, out);
}

/* A paragraph block's lines, broken once: what the heading before it keeps with it is
 * measured from the same lines S_para then sets. */
static const NbLines *S_para_lines(S_Flow *f, const NbBlock *b)
{
    size_t i = (size_t)(b - f->bs->b) + 1;
    if (f->broken_block != i) {
        nb_lines_free(&f->broken);
        S_break(f, b, &f->broken);
        f->broken_block = i;
    }
    return &f->broken;
}

static size_t S_fit(const S_Flow *f, double pitch)
{
    double room = S_bottom(f) - f->y + 1e-6;
    return room > 0 ? (size_t)(room / pitch) : 0;
}

/* Lines of a paragraph, kept so that no page starts or ends with a lone line of it. */
static void S_para(S_Flow *f, const NbBlock *b)
{
    const NbStyle *st = &f->l->styles[b->style];
    double pitch = S_pitch(f, b->style);
    const NbLines lines = *S_para_lines(f, b);
    if (b->level > 0 && b->nspans == 2) { /* a run-in heading, then the paragraph */
        int h = S_tag(f, S_heading_role(b->level));
        f->span_elem[0] = h, f->span_elem[1] = nb_doc_elem(f->doc, "P", 0);
    } else {
        S_tag(f, b->level > 0 ? S_heading_role(b->level) : "P");
    }
    size_t i = 0;
    while (i < lines.n) {
        size_t left = lines.n - i, fit = S_fit(f, pitch);
        if (fit == 0 || (fit == 1 && left > 1 && i == 0)) {
            S_new_page(f);
            continue;
        }
        size_t take = left <= fit ? left : fit;
        if (take < left && left - take == 1) { /* no lone last line at the top of a page */
            if (take >= 3 || (take == 2 && i > 0)) take--;
            else if (i == 0 && f->y > f->doc->ta_y0 + 1e-6) { /* 2 + 1 or 1 + 2: move it all */
                S_new_page(f);
                continue;
            }
        }
        for (size_t k = 0; k < take; k++) S_line(f, &lines.lines[i + k], st, pitch, f->doc->ta_x0);
        i += take;
        if (i < lines.n) S_new_page(f);
    }
}

/* A table starts with its header rows and at least two rows of figures (table 二's first
 * part is then its whole （一）: 规章 and 行政规范性文件, never 规章 alone). */
static size_t S_table_min(const NbTable *t)
{
    size_t m = (size_t)t->header_rows, figures = 0;
    while (m < t->nrows && figures < 2)
        figures += nb_table_can_break(t, ++m); /* the row before m holds numbers */
    return m;
}

/* The rows a table's first part holds at least: its minimum, up to the first row after
 * which it may break (not inside a spanned label). */
static size_t S_table_first(const NbTable *t)
{
    size_t e = S_table_min(t);
    while (e < t->nrows && !nb_table_can_break(t, e)) e++;
    return e;
}

/* Height of what must stay with a heading: two lines of text or a table's first part. */
static double S_keep_height(S_Flow *f, const NbBlock *b0, const NbBlock *next)
{
    if (!next) return 0;
    if (next->type == NB_B_TABLE) {
        const NbTable *t = f->tables[next - b0];
        return f->l->styles[next->style].space_before + nb_table_page_height(t, 0, S_table_first(t));
    }
    if (next->type == NB_B_PARA) { /* the lines S_para would leave on this page at least */
        size_t n = S_para_lines(f, next)->n;
        n = n == 3 ? 3 : n < 2 ? n : 2;
        return (double)n * S_pitch(f, next->style);
    }
    if (next->type == NB_B_HEADING) { /* a heading over a heading: it keeps with what follows */
        size_t i = (size_t)(next - b0) + 1;
        return S_pitch(f, next->style) + S_keep_height(f, b0, i < f->bs->n ? &b0[i] : NULL);
    }
    return S_pitch(f, next->style);
}

/* A heading, kept on one page with what must follow it; it enters the outline at its level.
 * */
static void S_heading(S_Flow *f, const NbBlock *b0, const NbBlock *b, const NbBlock *next)
{
    const NbStyle *st = &f->l->styles[b->style];
    double pitch = S_pitch(f, b->style);
    NbLines lines;
    S_break(f, b, &lines);
    double need = (double)lines.n * pitch + S_keep_height(f, b0, next);
    if (f->y + need > S_bottom(f) + 1e-6 && f->y > f->doc->ta_y0) S_new_page(f);
    nb_doc_outline(f->doc, b->spans[0].text, b->level, f->page, f->y);
    S_tag(f, S_heading_role(b->level));
    for (size_t i = 0; i < lines.n; i++) S_line(f, &lines.lines[i], st, pitch, f->doc->ta_x0);
    nb_lines_free(&lines);
}

/* Is a title break before text[at] between words? Without a dictionary: before a number
 * (the year), or after what ends a unit's name (the layout's title_breaks: …办事处, …局). */
static int S_word_boundary(const NbLayout *l, const char *text, size_t at)
{
    if (text[at] >= '0' && text[at] <= '9') return 1;
    for (size_t k = 0; k < l->ntitle_breaks; k++) {
        size_t n = strlen(l->title_breaks[k]);
        if (at >= n && memcmp(text + at - n, l->title_breaks[k], n) == 0) return 1;
    }
    return 0;
}

/* A title too long for one line, in two lines of balanced length broken between words
 * (the 梯形 of GB/T 9704); NULL when no two-line break fits. */
static char *S_title_balanced(S_Flow *f, const char *text, int role, double size)
{
    size_t n = strlen(text), best_at = 0;
    double best = 1e18;
    const char *end = text + n;
    for (const char *p = text; p < end;) {
        const char *at = p;
        uint32_t prev = 0, cp;
        if (at > text) {
            const char *q = nb_utf8_prev(text, at);
            prev = nb_utf8_next(&q, end);
        }
        cp = nb_utf8_next(&p, end);
        if (at == text || nb_char_no_start(cp) || nb_char_no_end(prev) ||
            (!nb_char_wide(prev) && !nb_char_wide(cp)))
            continue;
        size_t off = (size_t)(at - text);
        char *a = nb_xstrndup(text, off);
        NbSpan sa = {a, role}, sb = {at, role};
        NbParaStyle ps = {size, 1e6, 0, NB_ALIGN_LEFT, 0, 0, 0};
        NbLines la, lb;
        nb_text_break(f->fonts, &sa, 1, &ps, &la);
        nb_text_break(f->fonts, &sb, 1, &ps, &lb);
        double wa = la.n ? la.lines[0].width : 0, wb = lb.n ? lb.lines[0].width : 0;
        nb_lines_free(&la);
        nb_lines_free(&lb);
        free(a);
        if (wa > f->measure || wb > f->measure) continue;
        double score = fabs(wa - wb) + (S_word_boundary(f->l, text, off) ? 0 : 4 * size);
        if (score < best) best = score, best_at = off;
    }
    if (!best_at) return NULL;
    char *out = nb_xmalloc(n + 2);
    memcpy(out, text, best_at);
    out[best_at] = '|';
    memcpy(out + best_at + 1, text + best_at, n - best_at + 1);
    return out;
}

/* The title, centred: on one line if it fits, else at the '|' the data gives, else in
 * two balanced lines; a piece still too long is broken as a paragraph. */
static void S_title(S_Flow *f, const NbBlock *b)
{
    S_tag(f, "Title");
    const NbStyle *st = &f->l->styles[b->style];
    double pitch = S_pitch(f, b->style);
    int role = b->spans[0].role;
    NbParaStyle ps = {st->size, f->measure, 0, NB_ALIGN_CENTER, 0, 0, 0};
    NbBuf whole = {0};
    for (const char *p = b->spans[0].text; *p; p++)
        if (*p != '|') nb_buf_add(&whole, p, 1);
    NbSpan span = {whole.s ? whole.s : "", role};
    NbLines lines;
    nb_text_break(f->fonts, &span, 1, &ps, &lines);
    char *pieces = NULL;
    if (lines.n > 1)
        pieces = strchr(b->spans[0].text, '|') ? nb_xstrdup(b->spans[0].text)
                                               : S_title_balanced(f, span.text, role, st->size);
    if (pieces) {
        nb_lines_free(&lines);
        for (char *piece = pieces, *bar; piece; piece = bar) {
            if ((bar = strchr(piece, '|'))) *bar++ = 0;
            if (!*piece) continue;
            NbSpan sp = {piece, role};
            NbLines pl;
            nb_text_break(f->fonts, &sp, 1, &ps, &pl);
            for (size_t i = 0; i < pl.n; i++) S_line(f, &pl.lines[i], st, pitch, f->doc->ta_x0);
            nb_lines_free(&pl);
        }
        free(pieces);
    } else {
        for (size_t i = 0; i < lines.n; i++) S_line(f, &lines.lines[i], st, pitch, f->doc->ta_x0);
        nb_lines_free(&lines);
    }
    nb_buf_free(&whole);
    f->y += st->space_after;
    S_snap(f);
}

/* A short text (a name, a date, a page number) set as one unbroken line. */
static double S_one_line(S_Flow *f, const char *text, const NbStyle *st, NbLines *out)
{
    NbSpan span = {text, st->font_role};
    NbParaStyle ps = {st->size, 1e6, 0, NB_ALIGN_LEFT, 0, st->grid ? f->l->char_pitch : 0, 1};
    nb_text_break(f->fonts, &span, 1, &ps, out);
    return out->n ? out->lines[0].width : 0;
}

/* Where to end a table's part on this page, from row r, with `room` pt: the last break
 * that fits. A clean break (every split cell tall enough for its label on both sides, and
 * not a single row carried over) is preferred unless it leaves more of the type area
 * empty than the layout allows; otherwise the rows of a short part grow to hold the
 * repeated label. */
static size_t S_table_end(const S_Flow *f, const NbTable *t, size_t r, double room, int continued)
{
    size_t loose = r, clean = r;
    for (size_t e = r + 1; e <= t->nrows; e++) {
        if (nb_table_page_height(t, r, e) > room + 1e-6) break;
        if (!nb_table_can_break(t, e)) continue;
        if (!continued && r == 0 && e < S_table_min(t)) continue;
        loose = e;
        if (e == t->nrows || (nb_table_break_clean(t, r, e) && t->nrows - e >= 2)) clean = e;
    }
    if (clean == loose || clean == r) return clean == r ? loose : clean;
    double waste = room - nb_table_page_height(t, r, clean);
    return waste <= f->l->clean_break * (f->doc->ta_y1 - f->doc->ta_y0) ? clean : loose;
}

/* A table across as many pages as it needs, the header rows and 续表 over each continuation. */
static void S_table(S_Flow *f, const NbBlock *b, NbTable *t)
{
    const NbStyle *st = &f->l->styles[b->style];
    nb_table_tag(t, f->doc, 0);
    f->doc->cur = 0;
    f->y += st->space_before;
    size_t r = 0, head = (size_t)t->header_rows;
    int continued = 0;
    while (r < t->nrows) {
        NbLines label = {0};
        double lw = continued && f->l->continued ? S_one_line(f, f->l->continued, st, &label) : 0;
        double top = continued ? (label.n ? t->leading : 0) + nb_table_page_height(t, 0, head) : 0;
        size_t e = S_table_end(f, t, r, S_bottom(f) - f->y - top, continued);
        if (e == r) {
            if (f->y > f->doc->ta_y0 + 1e-6) {
                nb_lines_free(&label);
                S_new_page(f);
                continue;
            }
            e = r + 1; /* a row taller than a page: drawn whole, overflowing */
        }
        if (label.n) { /* 续表, over the right end of the repeated header: an artifact */
            double base = nb_baseline(f->y, t->leading, st->size);
            for (size_t k = 0; k < label.lines[0].n; k++)
                nb_doc_run(f->doc, f->page, &label.lines[0].runs[k], st->size,
                           f->doc->ta_x0 + f->measure - lw, base);
            f->y += t->leading;
        }
        nb_lines_free(&label);
        f->y += nb_table_draw(t, f->doc, f->page, f->doc->ta_x0, f->y, r, e, continued);
        r = e;
        if (r < t->nrows) {
            S_new_page(f);
            continued = 1;
        }
    }
    f->y += st->space_after;
    S_snap(f);
}

/* Where the name's lines and the date start (GB/T 9704 §7.3.5): without a seal the name
 * ends `right` from the type area's edge and the date starts `date_indent` right of the
 * name; with a seal the date ends `sealed_right` from the edge and the name is centred over
 * it. wn is the name's widest line; nothing starts left of the type area. */
static void S_signature_x(const S_Flow *f, const NbBlock *b, double wn, double wd, double *xn,
                          double *xd)
{
    const NbSignatureSpec *g = &f->l->signature;
    double edge = f->doc->ta_x1;
    if (b->seal) {
        *xd = edge - g->sealed_right - wd;
        *xn = b->date ? *xd + (wd - wn) / 2 : edge - g->sealed_right - wn;
        if (*xn + wn > edge) *xn = edge - wn;
    } else {
        double right = edge - g->right;
        *xn = right - wn, *xd = *xn + g->date_indent;
        if (*xd + wd > right) *xd = right - wd, *xn = *xd - g->date_indent;
    }
    if (*xn < f->doc->ta_x0) *xn = f->doc->ta_x0;
    if (*xd < f->doc->ta_x0) *xd = f->doc->ta_x0;
}

/* The last lines set on this page move to a new one, the y of each item shifted: the
 * signature goes with them instead of standing alone (GB/T 9704 §7.3.5). Two lines of the
 * paragraph before it, or all of them rather than leave one; its heading too when the
 * whole paragraph moves. Nothing moves when the signature follows anything but text. */
static void S_carry(S_Flow *f, size_t sig)
{
    size_t n = f->nmarks, end = n, blk = 0;
    if (!n || f->marks[n - 1].page != f->page || (blk = f->marks[n - 1].block) + 1 != sig ||
        f->bs->b[blk].type != NB_B_PARA) {
        S_new_page(f);
        return;
    }
    size_t m = 0; /* the paragraph's lines on this page */
    while (m < n && f->marks[n - 1 - m].page == f->page && f->marks[n - 1 - m].block == blk) m++;
    size_t take = m < 2 ? m : 2, first = n - m;
    int starts_here = first == 0 || f->marks[first - 1].block != blk;
    if (starts_here && m - take == 1) take = m;
    if (take == m && starts_here && first > 0 && f->marks[first - 1].page == f->page &&
        f->bs->b[f->marks[first - 1].block].type == NB_B_HEADING) {
        size_t hb = f->marks[first - 1].block; /* the heading goes with its paragraph */
        while (first > 0 && f->marks[first - 1].page == f->page && f->marks[first - 1].block == hb)
            first--, take++;
    }
    const S_Mark from = f->marks[end - take];
    if (from.y <= f->doc->ta_y0 + 1e-6) { /* it all stands at the top already */
        S_new_page(f);
        return;
    }
    size_t old = f->page;
    double shift = from.y - f->doc->ta_y0, y = f->y;
    S_new_page(f);
    NbPage *src = &f->doc->pages[old];
    for (size_t i = from.item; i < src->n; i++) {
        NbItem it = src->items[i];
        it.y -= shift, it.y1 -= shift;
        NbPage *dst = &f->doc->pages[f->page];
        nb_grow(&dst->items, &dst->cap, dst->n + 1, sizeof *dst->items);
        dst->items[dst->n++] = it; /* the text moves with it */
        src = &f->doc->pages[old];
    }
    src->n = from.item;
    for (size_t i = 0; i < f->doc->noutline; i++) {
        NbOutline *o = &f->doc->outline[i];
        if (o->page == old && o->y >= from.y - 1e-6) o->page = f->page, o->y -= shift;
    }
    for (size_t i = end - take; i < end; i++)
        f->marks[i].page = f->page, f->marks[i].item -= from.item, f->marks[i].y -= shift;
    f->y = y - shift;
}

/* The signature's height from y + skip: its lines, and the seal where it hangs below. */
static double S_signature_bottom(const S_Flow *f, double skip, int lines, double below)
{
    return f->y + skip + lines * f->l->pitch + (below > 0 ? below : 0);
}

/* The signature: the agency's name (broken into lines when it is longer than the room for
 * it) and the date (GB/T 9704 §7.3.5.2), with a seal centred over both, name and date a
 * little below its centre and its top within one line of the text above (§7.3.5.1). When
 * it does not fit under the text, the space before it goes first, then the last lines of
 * the text go over with it to the next page. */
static void S_signature(S_Flow *f, const NbBlock *b)
{
    const NbStyle *st = &f->l->styles[b->style];
    const NbSignatureSpec *g = &f->l->signature;
    double pitch = f->l->pitch;
    NbSpan span = {b->name, st->font_role};
    double room = f->measure - (b->seal ? 0 : g->right);
    NbParaStyle ps = {st->size, room, 0, NB_ALIGN_LEFT, 0, st->grid ? f->l->char_pitch : 0, 1};
    NbLines name, date = {0};
    nb_text_break(f->fonts, &span, 1, &ps, &name);
    double wn = 0;
    for (size_t i = 0; i < name.n; i++)
        if (name.lines[i].width > wn) wn = name.lines[i].width;
    double wd = b->date ? S_one_line(f, b->date, st, &date) : 0;
    double xn, xd;
    S_signature_x(f, b, wn, wd, &xn, &xd);
    int lines = (int)name.n + (b->date ? 1 : 0);
    double sw = 0, sh = 0, lift = 0;
    if (b->seal) {
        sw = g->seal_width;
        sh = sw * b->seal->h / b->seal->w;
        lift = g->seal_lift;
    }
    /* lines skipped before the name: the space before, or with a seal the first grid line
     * low enough for the seal to clear the text above (none at the top of a page) */
    double skip = f->y > f->doc->ta_y0 + 1e-6 ? g->space_before : 0;
    while (skip + lines * pitch / 2 - lift - sh / 2 < -1e-6) skip += pitch;
    double below = b->seal ? sh / 2 - lift - lines * pitch / 2 : 0; /* seal under the date */
    if (S_signature_bottom(f, skip, lines, below) > S_bottom(f) + 1e-6) {
        double tight = 0; /* no space before: the seal, if any, still clears the text */
        while (tight + lines * pitch / 2 - lift - sh / 2 < -1e-6) tight += pitch;
        if (tight < skip && S_signature_bottom(f, tight, lines, below) <= S_bottom(f) + 1e-6) {
            skip = tight;
        } else {
            S_carry(f, (size_t)(b - f->bs->b));
            skip = f->y > f->doc->ta_y0 + 1e-6 ? g->space_before : 0;
            while (skip + lines * pitch / 2 - lift - sh / 2 < -1e-6) skip += pitch;
        }
    }
    f->y += skip;
    double top = f->y;
    S_tag(f, "P");
    for (size_t i = 0; i < name.n; i++) { /* right-aligned lines; with a seal, centred */
        double w = name.lines[i].width;
        S_line(f, &name.lines[i], st, pitch, b->seal ? xn + (wn - w) / 2 : xn + wn - w);
    }
    if (date.n) {
        S_tag(f, "P");
        S_line(f, &date.lines[0], st, pitch, xd);
    }
    if (b->seal) {
        S_tag(f, "Figure");
        if (b->seal_alt) f->doc->elems[f->doc->cur].alt = nb_xstrdup(b->seal_alt);
        double cx = b->date ? xd + wd / 2 : xn + wn / 2;
        double cy = top + lines * pitch / 2 - lift;
        nb_doc_image(f->doc, f->page, b->seal, cx - sw / 2, cy - sh / 2, cx + sw / 2, cy + sh / 2);
    }
    nb_lines_free(&name);
    nb_lines_free(&date);
}

/* `— N —` on every page: odd pages right, even pages left, `inset` from the type area's
 * edge; the dash, mid-em, `below` under the type area. */
static void S_page_numbers(S_Flow *f)
{
    const NbLayout *l = f->l;
    if (l->page_number_style < 0) return;
    const NbStyle *st = &l->styles[l->page_number_style];
    static const char *const names[] = {"page"};
    for (size_t p = 0; p < f->doc->npages; p++) {
        char num[24];
        snprintf(num, sizeof num, "%zu", p + 1);
        const char *values[] = {num};
        char *text = nb_expand(l->page_number_text, names, values, 1);
        NbLines lines;
        double w = S_one_line(f, text, st, &lines);
        double x = (p % 2 == 0) ? f->doc->ta_x1 - l->page_number_inset - w
                                : f->doc->ta_x0 + l->page_number_inset;
        double mid = f->doc->ta_y1 + l->page_number_below;
        double base = nb_baseline(mid - st->size / 2, st->size, st->size);
        for (size_t r = 0; lines.n && r < lines.lines[0].n; r++)
            nb_doc_run(f->doc, p, &lines.lines[0].runs[r], st->size, x, base);
        nb_lines_free(&lines);
        free(text);
    }
}

void nb_flow(const NbBlocks *bs, const NbLayout *l, NbFonts *fonts, NbDoc *doc)
{
    doc->w = l->page_w;
    doc->h = l->page_h;
    doc->ta_x0 = l->margin_left;
    doc->ta_x1 = l->page_w - l->margin_right;
    doc->ta_y0 = l->margin_top;
    doc->ta_y1 = l->page_h - l->margin_bottom;
    S_Flow f = {l, fonts, doc, 0, 0, doc->ta_x1 - doc->ta_x0,
                nb_xcalloc(bs->n ? bs->n : 1, sizeof(NbTable *)), bs, 0, NULL, 0, 0, {0, 0}, {NULL, 0}, 0};
    for (size_t i = 0; i < bs->n; i++) /* measured first: a heading keeps with its table's head */
        if (bs->b[i].type == NB_B_TABLE)
            f.tables[i] = nb_table_new(fonts, &l->styles[bs->b[i].style], &bs->b[i].table, f.measure);
    S_new_page(&f);
    for (size_t i = 0; i < bs->n; i++) {
        const NbBlock *b = &bs->b[i];
        f.block = i;
        switch (b->type) {
        case NB_B_TITLE: S_title(&f, b); break;
        case NB_B_HEADING: S_heading(&f, bs->b, b, i + 1 < bs->n ? &bs->b[i + 1] : NULL); break;
        case NB_B_PARA: S_para(&f, b); break;
        case NB_B_TABLE: S_table(&f, b, f.tables[i]); break;
        case NB_B_SIGNATURE: S_signature(&f, b); break;
        }
        doc->cur = f.span_elem[0] = f.span_elem[1] = 0;
    }
    S_page_numbers(&f); /* artifacts */
    for (size_t i = 0; i < bs->n; i++) nb_table_free(f.tables[i]);
    free(f.tables);
    free(f.marks);
    nb_lines_free(&f.broken);
}
