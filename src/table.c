#include "table.h"

#include <stdlib.h>
#include <string.h>

static double S_text_height(const NbTable *t, const NbTCell *c)
{
    return (double)c->lines.n * t->leading + 2 * t->style.pad_v;
}

NbTable *nb_table_new(NbFonts *fonts, const NbStyle *style, const NbTableIn *in, double width)
{
    const double *col_spec = in->col_spec;
    const NbCellIn *cells = in->cells;
    size_t ncols = in->ncols, ncells = in->ncells;
    int header_rows = in->header_rows;
    NbTable *t = nb_xcalloc(1, sizeof *t);
    t->key = in->key;
    t->section = in->section;
    t->style = *style;
    t->leading = style->leading > 0 ? style->leading : style->size * 1.3;
    t->header_rows = header_rows;
    t->ncols = ncols;
    t->colx = nb_xcalloc(ncols + 1, sizeof *t->colx);
    double fixed = 0, fr = 0;
    for (size_t i = 0; i < ncols; i++) {
        if (col_spec[i] > 0) fixed += col_spec[i];
        else fr += -col_spec[i];
    }
    double per_fr = fr > 0 && width > fixed ? (width - fixed) / fr : 0;
    for (size_t i = 0; i < ncols; i++)
        t->colx[i + 1] = t->colx[i] + (col_spec[i] > 0 ? col_spec[i] : -col_spec[i] * per_fr);
    t->cells = nb_xcalloc(ncells, sizeof *t->cells);
    t->ncells = ncells;
    for (size_t i = 0; i < ncells; i++) {
        NbTCell *c = &t->cells[i];
        c->in = cells[i];
        c->text = nb_xstrdup(cells[i].text ? cells[i].text : "");
        c->in.text = c->text;
        if ((size_t)(c->in.row + c->in.rowspan) > t->nrows) t->nrows = (size_t)(c->in.row + c->in.rowspan);
        double w = t->colx[c->in.col + c->in.colspan] - t->colx[c->in.col] - 2 * style->pad_h;
        NbSpan span = {c->text, style->font_role};
        NbParaStyle ps = {style->size, w, 0, c->in.align, 1, 0, 0};
        nb_text_break(fonts, &span, 1, &ps, &c->lines);
    }
    t->rowh = nb_xcalloc(t->nrows ? t->nrows : 1, sizeof *t->rowh);
    for (size_t r = 0; r < t->nrows; r++) t->rowh[r] = t->leading + 2 * style->pad_v;
    /* single-row cells first, then spanning cells by increasing span */
    int maxspan = 1;
    for (size_t i = 0; i < ncells; i++)
        if (t->cells[i].in.rowspan > maxspan) maxspan = t->cells[i].in.rowspan;
    for (int span = 1; span <= maxspan; span++)
        for (size_t i = 0; i < ncells; i++) {
            const NbTCell *c = &t->cells[i];
            if (c->in.rowspan != span) continue;
            double need = S_text_height(t, c);
            double have = nb_table_rows_height(t, (size_t)c->in.row, (size_t)(c->in.row + span));
            if (need > have)
                for (int r = c->in.row; r < c->in.row + span; r++) t->rowh[r] += (need - have) / span;
        }
    return t;
}

void nb_table_free(NbTable *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->ncells; i++) {
        free(t->cells[i].text);
        nb_lines_free(&t->cells[i].lines);
    }
    free(t->cells);
    free(t->colx);
    free(t->rowh);
    free(t);
}

double nb_table_rows_height(const NbTable *t, size_t r0, size_t r1)
{
    double h = 0;
    for (size_t r = r0; r < r1 && r < t->nrows; r++) h += t->rowh[r];
    return h;
}

int nb_table_can_break(const NbTable *t, size_t r)
{
    if (r == 0 || r >= t->nrows) return 1;
    for (size_t i = 0; i < t->ncells; i++) {
        const NbTCell *c = &t->cells[i];
        size_t a = (size_t)c->in.row, b = a + (size_t)c->in.rowspan;
        if (a <= r - 1 && r - 1 < b && c->in.number) return 1;
    }
    return 0;
}

int nb_table_break_clean(const NbTable *t, size_t from, size_t r)
{
    if (r == 0 || r >= t->nrows) return 1;
    for (size_t i = 0; i < t->ncells; i++) {
        const NbTCell *c = &t->cells[i];
        size_t a = (size_t)c->in.row, b = a + (size_t)c->in.rowspan;
        if (!(a < r && r < b)) continue;
        double need = S_text_height(t, c) - 0.01;
        if (nb_table_rows_height(t, a > from ? a : from, r) < need) return 0;
        if (nb_table_rows_height(t, r, b) < need) return 0;
    }
    return 1;
}

void nb_table_page_heights(const NbTable *t, size_t r0, size_t r1, double *h)
{
    for (size_t r = r0; r < r1; r++) h[r - r0] = t->rowh[r];
    /* fragments of split cells, shortest first, so that a long fragment's growth is
     * spread over rows a short one has already grown */
    for (size_t len = 1; len <= r1 - r0; len++)
        for (size_t i = 0; i < t->ncells; i++) {
            const NbTCell *c = &t->cells[i];
            size_t a = (size_t)c->in.row, b = a + (size_t)c->in.rowspan;
            if (b <= r0 || a >= r1 || (a >= r0 && b <= r1)) continue;
            size_t va = a > r0 ? a : r0, vb = b < r1 ? b : r1;
            if (vb - va != len) continue;
            double have = 0, need = S_text_height(t, c);
            for (size_t r = va; r < vb; r++) have += h[r - r0];
            if (need > have)
                for (size_t r = va; r < vb; r++) h[r - r0] += (need - have) / (double)len;
        }
}

double nb_table_page_height(const NbTable *t, size_t r0, size_t r1)
{
    if (r1 <= r0) return 0;
    double *h = nb_xmalloc((r1 - r0) * sizeof *h), sum = 0;
    nb_table_page_heights(t, r0, r1, h);
    for (size_t r = r0; r < r1; r++) sum += h[r - r0];
    free(h);
    return sum;
}

static int S_by_place(const void *a, const void *b)
{
    const NbTCell *x = *(const NbTCell *const *)a, *y = *(const NbTCell *const *)b;
    if (x->in.row != y->in.row) return x->in.row < y->in.row ? -1 : 1;
    return (x->in.col > y->in.col) - (x->in.col < y->in.col);
}

int nb_table_tag(NbTable *t, NbDoc *doc, int parent)
{
    int table = nb_doc_elem(doc, "Table", parent);
    NbTCell **order = nb_xmalloc((t->ncells ? t->ncells : 1) * sizeof *order);
    for (size_t i = 0; i < t->ncells; i++) order[i] = &t->cells[i];
    qsort(order, t->ncells, sizeof *order, S_by_place); /* by row, then column */
    size_t i = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        int tr = nb_doc_elem(doc, "TR", table);
        for (; i < t->ncells && (size_t)order[i]->in.row <= r; i++) { /* the cells starting in r */
            NbTCell *cell = order[i];
            if ((size_t)cell->in.row != r) continue;
            int head = cell->in.row < t->header_rows;
            cell->elem = nb_doc_elem(doc, cell->in.number && !head ? "TD" : "TH", tr);
            NbElem *e = &doc->elems[cell->elem];
            e->rowspan = cell->in.rowspan, e->colspan = cell->in.colspan;
            if (!cell->in.number || head) e->scope = head ? NB_SCOPE_COLUMN : NB_SCOPE_ROW;
        }
    }
    free(order);
    return table;
}

static void S_draw_text(const NbTable *t, const NbTCell *c, NbDoc *doc, size_t page, double x0,
                        double y0, double h)
{
    double top = y0 + (h - (double)c->lines.n * t->leading) / 2;
    for (size_t i = 0; i < c->lines.n; i++) {
        const NbLine *L = &c->lines.lines[i];
        double base = nb_baseline(top + (double)i * t->leading, t->leading, t->style.size);
        for (size_t r = 0; r < L->n; r++)
            nb_doc_run(doc, page, &L->runs[r], t->style.size, x0 + t->style.pad_h, base);
    }
}

static double S_sum(const double *h, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += h[i];
    return s;
}

/* Draw the part of each cell that falls in rows [r0, r1), placed at y for row r0, with
 * the rows as tall as nb_table_page_heights makes them: a split cell's label is repeated
 * in each of its parts. */
static double S_draw_rows(const NbTable *t, NbDoc *doc, size_t page, double x, double y,
                          size_t r0, size_t r1, int repeated)
{
    double w = t->style.rule;
    double *rh = nb_xmalloc((r1 - r0 + 1) * sizeof *rh);
    nb_table_page_heights(t, r0, r1, rh);
    for (size_t i = 0; i < t->ncells; i++) {
        const NbTCell *c = &t->cells[i];
        size_t a = (size_t)c->in.row, b = a + (size_t)c->in.rowspan;
        if (b <= r0 || a >= r1) continue;
        size_t va = a > r0 ? a : r0, vb = b < r1 ? b : r1;
        double x0 = x + t->colx[c->in.col], x1 = x + t->colx[c->in.col + c->in.colspan];
        double y0 = y + S_sum(rh, va - r0);
        double h = S_sum(rh + (va - r0), vb - va), y1 = y0 + h;
        nb_doc_rule(doc, page, x0, y0, x1, y0, w);
        nb_doc_rule(doc, page, x0, y1, x1, y1, w);
        nb_doc_rule(doc, page, x0, y0, x0, y1, w);
        nb_doc_rule(doc, page, x1, y0, x1, y1, w);
        int cur = doc->cur;
        doc->cur = repeated || va != a ? 0 : c->elem; /* a repeat is an artifact */
        S_draw_text(t, c, doc, page, x0, y0, h);
        doc->cur = cur;
        nb_grow(&doc->boxes, &doc->bcap, doc->nboxes + 1, sizeof *doc->boxes);
        doc->boxes[doc->nboxes++] = (NbCellBox){t->key, t->section, page, c->in.row, c->in.col,
                                                c->in.rowspan, c->in.colspan, x0, y0, x1, y1,
                                                nb_xstrdup(c->text), c->in.number, va != a};
    }
    double used = S_sum(rh, r1 - r0);
    free(rh);
    return used;
}

double nb_table_draw(const NbTable *t, NbDoc *doc, size_t page, double x, double y, size_t r0,
                     size_t r1, int repeat_header)
{
    double used = 0;
    if (repeat_header && t->header_rows > 0 && r0 >= (size_t)t->header_rows)
        used = S_draw_rows(t, doc, page, x, y, 0, (size_t)t->header_rows, 1);
    return used + S_draw_rows(t, doc, page, x, y + used, r0, r1, 0);
}
