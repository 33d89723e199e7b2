#include "flow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S_ASCENT 0.88

typedef struct {
    const NbLayout *l;
    NbFonts *fonts;
    NbDoc *doc;
    size_t page;
    double y;       /* top of the next line */
    double measure;
} S_Flow;

NbBlock *nb_blocks_add(NbBlocks *bs, NbBlockType type, NbStyleId style)
{
    nb_grow(&bs->b, &bs->cap, bs->n + 1, sizeof *bs->b);
    NbBlock *b = &bs->b[bs->n++];
    memset(b, 0, sizeof *b);
    b->type = type;
    b->style = style;
    return b;
}

void nb_blocks_free(NbBlocks *bs)
{
    for (size_t i = 0; i < bs->n; i++) {
        free(bs->b[i].owned[0]);
        free(bs->b[i].owned[1]);
        free(bs->b[i].name);
        free(bs->b[i].date);
        nb_table_free(bs->b[i].table);
    }
    free(bs->b);
    memset(bs, 0, sizeof *bs);
}

static double S_bottom(const S_Flow *f) { return f->doc->ta_y1; }

static void S_new_page(S_Flow *f)
{
    f->page = nb_doc_add_page(f->doc);
    f->y = f->doc->ta_y0;
}

static double S_pitch(const S_Flow *f, NbStyleId id)
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
    double base = f->y + (pitch - st->size) / 2 + S_ASCENT * st->size;
    for (size_t r = 0; r < L->n; r++) nb_doc_run(f->doc, f->page, &L->runs[r], st->size, x0, base);
    f->y += pitch;
}

static void S_break(S_Flow *f, const NbBlock *b, NbLines *out)
{
    const NbStyle *st = &f->l->styles[b->style];
    NbParaStyle ps = {st->size, f->measure, st->indent, st->align, 0};
    nb_text_break(f->fonts, b->spans, b->nspans, &ps, out);
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
    NbLines lines;
    S_break(f, b, &lines);
    size_t i = 0;
    while (i < lines.n) {
        size_t left = lines.n - i, fit = S_fit(f, pitch);
        if (fit == 0 || (fit == 1 && left > 1 && i == 0)) {
            S_new_page(f);
            continue;
        }
        size_t take = left <= fit ? left : fit;
        if (take < left && left - take == 1 && take >= 2) take--; /* no lone last line */
        for (size_t k = 0; k < take; k++) S_line(f, &lines.lines[i + k], st, pitch, f->doc->ta_x0);
        i += take;
        if (i < lines.n) S_new_page(f);
    }
    nb_lines_free(&lines);
}

/* Height of what must stay with a heading: two lines of text or a table's head. */
static double S_keep_height(const S_Flow *f, const NbBlock *next)
{
    if (!next) return 0;
    if (next->type == NB_B_TABLE) {
        const NbTable *t = next->table;
        size_t first = (size_t)t->header_rows + 1;
        return f->l->styles[NB_ST_TABLE].space_before + nb_table_rows_height(t, 0, first);
    }
    if (next->type == NB_B_PARA) return 2 * S_pitch(f, next->style);
    return S_pitch(f, next->style);
}

static void S_heading(S_Flow *f, const NbBlock *b, const NbBlock *next)
{
    const NbStyle *st = &f->l->styles[b->style];
    double pitch = S_pitch(f, b->style);
    NbLines lines;
    S_break(f, b, &lines);
    double need = (double)lines.n * pitch + S_keep_height(f, next);
    if (f->y + need > S_bottom(f) + 1e-6 && f->y > f->doc->ta_y0) S_new_page(f);
    nb_doc_outline(f->doc, b->spans[0].text, f->page, f->y);
    for (size_t i = 0; i < lines.n; i++) S_line(f, &lines.lines[i], st, pitch, f->doc->ta_x0);
    nb_lines_free(&lines);
}

static void S_title(S_Flow *f, const NbBlock *b)
{
    const NbStyle *st = &f->l->styles[b->style];
    double pitch = S_pitch(f, b->style);
    NbParaStyle ps = {st->size, f->measure, 0, NB_ALIGN_CENTER, 0};
    const char *text = b->spans[0].text;
    /* one line if it fits; else one line per '|' piece, each broken if still too long */
    char *whole = nb_xstrdup(text);
    char *w = whole;
    for (const char *p = text; *p; p++)
        if (*p != '|') *w++ = *p;
    *w = 0;
    NbSpan span = {whole, b->spans[0].role};
    NbLines lines;
    nb_text_break(f->fonts, &span, 1, &ps, &lines);
    if (lines.n > 1 && strchr(text, '|')) {
        nb_lines_free(&lines);
        char *copy = nb_xstrdup(text);
        for (char *piece = strtok(copy, "|"); piece; piece = strtok(NULL, "|")) {
            NbSpan sp = {piece, b->spans[0].role};
            NbLines pl;
            nb_text_break(f->fonts, &sp, 1, &ps, &pl);
            for (size_t i = 0; i < pl.n; i++) S_line(f, &pl.lines[i], st, pitch, f->doc->ta_x0);
            nb_lines_free(&pl);
        }
        free(copy);
    } else {
        for (size_t i = 0; i < lines.n; i++) S_line(f, &lines.lines[i], st, pitch, f->doc->ta_x0);
        nb_lines_free(&lines);
    }
    free(whole);
    f->y += st->space_after;
    S_snap(f);
}

static void S_table(S_Flow *f, const NbBlock *b)
{
    const NbTable *t = b->table;
    const NbStyle *st = &f->l->styles[NB_ST_TABLE];
    f->y += st->space_before;
    size_t r = 0, head = (size_t)t->header_rows;
    int continued = 0;
    while (r < t->nrows) {
        double top = continued ? nb_table_rows_height(t, 0, head) : 0;
        double room = S_bottom(f) - f->y - top + 1e-6;
        size_t e = r;
        double h = 0;
        while (e < t->nrows && h + t->rowh[e] <= room) h += t->rowh[e++];
        while (e < t->nrows && e > r && !nb_table_can_break(t, r, e)) e--;
        /* never leave the header alone, nor start with nothing */
        if (e == r || (!continued && r == 0 && e <= head)) {
            if (f->y > f->doc->ta_y0 + 1e-6) {
                S_new_page(f);
                continue;
            }
            e = r + 1; /* a row taller than a page: draw it anyway */
        }
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

/* A short text (a name, a date, a page number) set as one unbroken line. */
static double S_one_line(S_Flow *f, const char *text, const NbStyle *st, NbLines *out)
{
    NbSpan span = {text, st->font_role};
    NbParaStyle ps = {st->size, 1e6, 0, NB_ALIGN_LEFT, 0};
    nb_text_break(f->fonts, &span, 1, &ps, out);
    return out->n ? out->lines[0].width : 0;
}

/* GB/T 9704 §7.3.5.2 (no seal): the name 2 characters from the right, one line below the
 * text; the date on the next line, its first character 2 characters right of the name's. */
static void S_signature(S_Flow *f, const NbBlock *b)
{
    const NbStyle *st = &f->l->styles[NB_ST_SIGNATURE];
    double em = st->size, right = f->doc->ta_x1 - 2 * em;
    int need = b->date ? 3 : 2;
    if (S_fit(f, f->l->pitch) < (size_t)need) S_new_page(f);
    else f->y += f->l->pitch;
    NbLines name, date = {0};
    double wn = S_one_line(f, b->name, st, &name);
    double wd = b->date ? S_one_line(f, b->date, st, &date) : 0;
    double xn = right - wn, xd = xn + 2 * em;
    if (xd + wd > right) xd = right - wd, xn = xd - 2 * em;
    if (xn < f->doc->ta_x0) xn = f->doc->ta_x0;
    if (name.n) S_line(f, &name.lines[0], st, f->l->pitch, xn);
    if (date.n) S_line(f, &date.lines[0], st, f->l->pitch, xd);
    nb_lines_free(&name);
    nb_lines_free(&date);
}

static void S_page_numbers(S_Flow *f)
{
    const NbLayout *l = f->l;
    const NbStyle *st = &l->styles[NB_ST_PAGE_NUMBER];
    for (size_t p = 0; p < f->doc->npages; p++) {
        NbBuf b = {0};
        const char *t = l->page_number_text, *at = strstr(t, "{page}");
        if (at) {
            nb_buf_add(&b, t, (size_t)(at - t));
            nb_buf_printf(&b, "%zu", p + 1);
            nb_buf_puts(&b, at + 6);
        } else {
            nb_buf_puts(&b, t);
        }
        NbLines lines;
        double w = S_one_line(f, b.s, st, &lines);
        double x = (p % 2 == 0) ? f->doc->ta_x1 - l->page_number_inset - w
                                : f->doc->ta_x0 + l->page_number_inset;
        /* the dash sits mid-em: its line lies `below` under the type area */
        double base = f->doc->ta_y1 + l->page_number_below + (S_ASCENT - 0.5) * st->size;
        for (size_t r = 0; lines.n && r < lines.lines[0].n; r++)
            nb_doc_run(f->doc, p, &lines.lines[0].runs[r], st->size, x, base);
    nb_lines_free(&lines);
        nb_buf_free(&b);
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
    S_Flow f = {l, fonts, doc, 0, 0, doc->ta_x1 - doc->ta_x0};
    S_new_page(&f);
    for (size_t i = 0; i < bs->n; i++) {
        const NbBlock *b = &bs->b[i];
        switch (b->type) {
        case NB_B_TITLE: S_title(&f, b); break;
        case NB_B_HEADING: S_heading(&f, b, i + 1 < bs->n ? &bs->b[i + 1] : NULL); break;
        case NB_B_PARA: S_para(&f, b); break;
        case NB_B_TABLE: S_table(&f, b); break;
        case NB_B_SIGNATURE: S_signature(&f, b); break;
        }
    }
    S_page_numbers(&f);
}
