/* Unit tests: tables (table.c): column widths, row heights, page-break rules, drawing with
 * cell boxes, and the grids of the real layout. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "doc.h"
#include "font.h"
#include "layout.h"
#include "table.h"
#include "text.h"
#include "util.h"

#define EPS 0.01


static int S_setup(void **state)
{
    (void)state;
    return S_open();
}

/* The test grid, 3 columns × 5 rows, one header row:
 *   row 0: 项目 | 数量 (2 columns)
 *   row 1: LONG (rows 1–2) | 1 | 2
 *   row 2:                 | 3 | 4
 *   row 3: 分组 (3 columns, a group head without numbers)
 *   row 4: WRAP (long, one row) | 5 | 6
 */
#define LONG "三、本年度办理结果合计情况"
#define WRAP "一个需要折行的很长的标签文字"
static const NbCellIn S_cells[] = {
    {0, 0, 1, 1, "项目", NB_ALIGN_CENTER, 0},
    {0, 1, 1, 2, "数量", NB_ALIGN_CENTER, 0},
    {1, 0, 2, 1, LONG, NB_ALIGN_LEFT, 0},
    {1, 1, 1, 1, "1", NB_ALIGN_CENTER, 1},
    {1, 2, 1, 1, "2", NB_ALIGN_CENTER, 1},
    {2, 1, 1, 1, "3", NB_ALIGN_CENTER, 1},
    {2, 2, 1, 1, "4", NB_ALIGN_CENTER, 1},
    {3, 0, 1, 3, "分组", NB_ALIGN_LEFT, 0},
    {4, 0, 1, 1, WRAP, NB_ALIGN_LEFT, 0},
    {4, 1, 1, 1, "5", NB_ALIGN_CENTER, 1},
    {4, 2, 1, 1, "6", NB_ALIGN_CENTER, 1},
};
#define NCELLS (sizeof S_cells / sizeof *S_cells)
static const double S_cols[] = {60, -1, -2}; /* 60 pt, 1fr, 2fr */
#define WIDTH 300.0

static const NbStyle *S_style(void)
{
    return &S_layout->styles[S_ST("table")];
}

/* A table of the given grid, measured in the layout's table style. */
static NbTable *S_new(const char *section, const double *cols, size_t ncols, const NbCellIn *cells,
                      size_t ncells, int header_rows, double width)
{
    NbTableIn in = {"t", section, cols, ncols, (NbCellIn *)cells, ncells, header_rows};
    return nb_table_new(S_fonts, S_style(), &in, width);
}

static NbTable *S_table(void)
{
    return S_new("三", S_cols, 3, S_cells, NCELLS, 1, WIDTH);
}

static double S_text_h(const NbTable *t, size_t i)
{
    return (double)t->cells[i].lines.n * t->leading + 2 * t->style.pad_v;
}

static void test_columns(void **state)
{
    (void)state;
    NbTable *t = S_table();
    assert_int_equal(t->ncols, 3);
    assert_int_equal(t->nrows, 5);
    assert_true(fabs(t->colx[0]) < EPS);
    assert_true(fabs(t->colx[1] - 60) < EPS);
    /* 240 pt left for 3 fr: 80 and 160 */
    assert_true(fabs(t->colx[2] - t->colx[1] - 80) < EPS);
    assert_true(fabs(t->colx[3] - t->colx[2] - 160) < EPS);
    assert_true(fabs(t->colx[3] - WIDTH) < EPS);
    nb_table_free(t);

    /* all fr: equal shares of the whole width */
    static const double eq[] = {-1, -1, -1, -1};
    static const NbCellIn one[] = {{0, 0, 1, 4, "表", NB_ALIGN_CENTER, 0}};
    t = S_new("四", eq, 4, one, 1, 0, 200);
    for (size_t i = 0; i < 4; i++) assert_true(fabs(t->colx[i + 1] - t->colx[i] - 50) < EPS);
    assert_true(fabs(t->colx[4] - 200) < EPS);
    nb_table_free(t);

    /* all fixed: the width given is what the columns add up to */
    static const double fx[] = {20, 30.5, 49.5};
    t = S_new("四", fx, 3, one, 0, 0, 100);
    assert_true(fabs(t->colx[1] - 20) < EPS);
    assert_true(fabs(t->colx[2] - 50.5) < EPS);
    assert_true(fabs(t->colx[3] - 100) < EPS);
    nb_table_free(t);
}

static void test_row_heights(void **state)
{
    (void)state;
    NbTable *t = S_table();
    const NbStyle *st = S_style();
    double base = t->leading + 2 * st->pad_v;
    assert_true(t->leading > st->size);
    /* a one-line row keeps the base height */
    assert_true(fabs(t->rowh[0] - base) < EPS);
    assert_true(fabs(t->rowh[3] - base) < EPS);
    /* the long label of row 4 wraps in its 60 pt column and its row grows to fit it */
    const NbTCell *wrap = &t->cells[8];
    assert_string_equal(wrap->text, WRAP);
    assert_true(wrap->lines.n >= 2);
    assert_true(t->rowh[4] + EPS >= S_text_h(t, 8));
    assert_true(t->rowh[4] > base + EPS);
    /* every wrapped line fits the cell's inner width */
    double inner = t->colx[1] - t->colx[0] - 2 * st->pad_h;
    for (size_t i = 0; i < wrap->lines.n; i++) assert_true(wrap->lines.lines[i].width <= inner + EPS);
    /* the 2-row label: its two rows together hold its text */
    const NbTCell *lng = &t->cells[2];
    assert_true(lng->lines.n >= 2);
    double two = nb_table_rows_height(t, 1, 3);
    assert_true(two + EPS >= S_text_h(t, 2));
    assert_true(fabs(two - (t->rowh[1] + t->rowh[2])) < EPS);
    /* rows_height sums and clips at the table's end */
    double all = 0;
    for (size_t r = 0; r < t->nrows; r++) all += t->rowh[r];
    assert_true(fabs(nb_table_rows_height(t, 0, 5) - all) < EPS);
    assert_true(fabs(nb_table_rows_height(t, 0, 99) - all) < EPS);
    assert_true(fabs(nb_table_rows_height(t, 3, 3)) < EPS);
    nb_table_free(t);
}

static void test_can_break(void **state)
{
    (void)state;
    NbTable *t = S_table();
    /* the table's edges are always fine */
    assert_true(nb_table_can_break(t, 0));
    assert_true(nb_table_can_break(t, 5));
    /* after a row of numbers */
    assert_true(nb_table_can_break(t, 3));
    assert_true(nb_table_can_break(t, 2));
    /* not after a group head without numbers (row 3), nor after the header row */
    assert_false(nb_table_can_break(t, 4));
    assert_false(nb_table_can_break(t, 1));
    nb_table_free(t);
}

static void test_break_clean(void **state)
{
    (void)state;
    NbTable *t = S_table();
    /* through the 2-row label, whose text needs both rows: never clean */
    assert_true(t->rowh[1] + EPS < S_text_h(t, 2));
    assert_true(t->rowh[2] + EPS < S_text_h(t, 2));
    assert_false(nb_table_break_clean(t, 0, 2));
    /* breaks that split no cell are clean */
    assert_true(nb_table_break_clean(t, 0, 3));
    assert_true(nb_table_break_clean(t, 0, 4));
    assert_true(nb_table_break_clean(t, 1, 5));
    nb_table_free(t);

    /* a tall spanning cell (rows 0–5) with a short label: clean once each side holds it */
    static const NbCellIn tall[] = {
        {0, 0, 6, 1, "组", NB_ALIGN_CENTER, 0}, {0, 1, 1, 1, "1", NB_ALIGN_CENTER, 1},
        {1, 1, 1, 1, "2", NB_ALIGN_CENTER, 1},  {2, 1, 1, 1, "3", NB_ALIGN_CENTER, 1},
        {3, 1, 1, 1, "4", NB_ALIGN_CENTER, 1},  {4, 1, 1, 1, "5", NB_ALIGN_CENTER, 1},
        {5, 1, 1, 1, "6", NB_ALIGN_CENTER, 1},
    };
    static const double cols[] = {40, -1};
    t = S_new("三", cols, 2, tall, 7, 0, 200);
    for (size_t r = 1; r < 6; r++) assert_true(nb_table_break_clean(t, 0, r));
    /* a part that began on an earlier page (row 3) and ends at row 4 holds it too */
    assert_true(nb_table_break_clean(t, 3, 4));
    nb_table_free(t);
}

static void test_page_heights(void **state)
{
    (void)state;
    NbTable *t = S_table();
    double h[5];
    /* the whole table: heights as computed */
    nb_table_page_heights(t, 0, 5, h);
    for (size_t r = 0; r < 5; r++) assert_true(fabs(h[r] - t->rowh[r]) < EPS);
    assert_true(fabs(nb_table_page_height(t, 0, 5) - nb_table_rows_height(t, 0, 5)) < EPS);
    /* rows 0–1 on one page: row 1 grows to hold the split label's text */
    nb_table_page_heights(t, 0, 2, h);
    assert_true(fabs(h[0] - t->rowh[0]) < EPS);
    assert_true(fabs(h[1] - S_text_h(t, 2)) < EPS);
    /* rows 2–4: row 2 grows likewise; rows 3 and 4 do not */
    nb_table_page_heights(t, 2, 5, h);
    assert_true(fabs(h[0] - S_text_h(t, 2)) < EPS);
    assert_true(fabs(h[1] - t->rowh[3]) < EPS);
    assert_true(fabs(h[2] - t->rowh[4]) < EPS);
    assert_true(fabs(nb_table_page_height(t, 2, 5) - (h[0] + h[1] + h[2])) < EPS);
    assert_true(fabs(nb_table_page_height(t, 3, 3)) < EPS);
    nb_table_free(t);
}

static const NbCellIn *S_cell_at(int row, int col)
{
    for (size_t i = 0; i < NCELLS; i++)
        if (S_cells[i].row == row && S_cells[i].col == col) return &S_cells[i];
    return NULL;
}

/* Check a box against the table geometry, for rows [top, bottom) drawn with row top at y. */
static void S_check_box(const NbTable *t, const NbCellBox *b, size_t page, double x, double y,
                        size_t top, size_t bottom)
{
    const NbCellIn *c = S_cell_at(b->row, b->col);
    assert_non_null(c);
    assert_int_equal(b->page, page);
    assert_int_equal(b->rowspan, c->rowspan);
    assert_int_equal(b->colspan, c->colspan);
    assert_int_equal(b->number, c->number);
    assert_string_equal(b->table, "t");
    assert_string_equal(b->section, "三");
    assert_true(fabs(b->x0 - (x + t->colx[c->col])) < EPS);
    assert_true(fabs(b->x1 - (x + t->colx[c->col + c->colspan])) < EPS);
    size_t va = (size_t)c->row > top ? (size_t)c->row : top;
    size_t vb = (size_t)(c->row + c->rowspan) < bottom ? (size_t)(c->row + c->rowspan) : bottom;
    double h[8], y0 = y, hv = 0;
    nb_table_page_heights(t, top, bottom, h);
    for (size_t r = top; r < va; r++) y0 += h[r - top];
    for (size_t r = va; r < vb; r++) hv += h[r - top];
    assert_true(fabs(b->y0 - y0) < EPS);
    assert_true(fabs(b->y1 - b->y0 - hv) < EPS);
    assert_int_equal(b->continued, va != (size_t)c->row);
}

static void test_draw_whole(void **state)
{
    (void)state;
    NbTable *t = S_table();
    NbDoc doc = {0};
    size_t page = nb_doc_add_page(&doc);
    page = nb_doc_add_page(&doc); /* draw on the second page */
    assert_int_equal(page, 1);
    double h = nb_table_draw(t, &doc, page, 70, 100, 0, 5, 1);
    assert_true(fabs(h - nb_table_rows_height(t, 0, 5)) < EPS);
    assert_int_equal(doc.nboxes, NCELLS);
    int seen[NCELLS] = {0};
    for (size_t i = 0; i < doc.nboxes; i++) {
        const NbCellBox *b = &doc.boxes[i];
        S_check_box(t, b, 1, 70, 100, 0, 5);
        const NbCellIn *c = S_cell_at(b->row, b->col);
        seen[c - S_cells]++;
        assert_string_equal(b->text, c->text);
    }
    for (size_t i = 0; i < NCELLS; i++) assert_int_equal(seen[i], 1);
    /* text and rules went onto that page only */
    assert_int_equal(doc.pages[0].n, 0);
    size_t texts = 0, rules = 0;
    for (size_t i = 0; i < doc.pages[1].n; i++) {
        const NbItem *it = &doc.pages[1].items[i];
        if (it->kind == NB_IT_RULE) rules++;
        else {
            texts++;
            assert_true(it->x >= 70 - EPS && it->x <= 70 + WIDTH);
            assert_true(it->y > 100 && it->y < 100 + h);
        }
    }
    assert_int_equal(rules, 4 * NCELLS);
    assert_true(texts >= NCELLS);
    nb_doc_free(&doc);
    nb_table_free(t);
}

static void test_draw_continued(void **state)
{
    (void)state;
    NbTable *t = S_table();
    NbDoc doc = {0};
    size_t p0 = nb_doc_add_page(&doc), p1 = nb_doc_add_page(&doc);
    double h0 = nb_table_draw(t, &doc, p0, 50, 80, 0, 2, 1);
    size_t n0 = doc.nboxes;
    double h1 = nb_table_draw(t, &doc, p1, 50, 80, 2, 5, 1);
    assert_true(fabs(h0 - nb_table_page_height(t, 0, 2)) < EPS);
    assert_true(fabs(h1 - t->rowh[0] - nb_table_page_height(t, 2, 5)) < EPS);
    /* both parts of the split label grew to hold it */
    assert_true(h0 > nb_table_rows_height(t, 0, 2) + EPS);
    /* page 1: the header (2 cells), the 2-row label, row 1's two numbers */
    assert_int_equal(n0, 5);
    for (size_t i = 0; i < n0; i++) S_check_box(t, &doc.boxes[i], p0, 50, 80, 0, 2);
    /* page 2: the header again, the label's continuation, rows 2–4 (2 + 1 + 3) */
    assert_int_equal(doc.nboxes - n0, 9);
    size_t header = 0, cont = 0;
    for (size_t i = n0; i < doc.nboxes; i++) {
        const NbCellBox *b = &doc.boxes[i];
        assert_int_equal(b->page, p1);
        if (b->row == 0) {
            header++;
            S_check_box(t, b, p1, 50, 80, 0, 1);
            assert_true(b->y0 >= 80 - EPS && b->y1 <= 80 + t->rowh[0] + EPS);
        } else {
            /* body rows sit below the repeated header */
            S_check_box(t, b, p1, 50, 80 + t->rowh[0], 2, 5);
            assert_true(b->y0 >= 80 + t->rowh[0] - EPS);
        }
        if (b->continued) {
            cont++;
            assert_int_equal(b->row, 1);
            assert_int_equal(b->rowspan, 2);
            /* its text did not fit in row 2 alone: the row grew and the label is repeated */
            assert_true(t->rowh[2] + EPS < S_text_h(t, 2));
            assert_true(b->y1 - b->y0 + EPS >= S_text_h(t, 2));
            assert_string_equal(b->text, LONG);
        }
    }
    assert_int_equal(header, 2);
    assert_int_equal(cont, 1);
    nb_doc_free(&doc);

    /* without repeat_header the continuation starts with its own rows */
    NbDoc d2 = {0};
    size_t p = nb_doc_add_page(&d2);
    double h = nb_table_draw(t, &d2, p, 0, 0, 3, 5, 0);
    assert_true(fabs(h - nb_table_rows_height(t, 3, 5)) < EPS);
    assert_int_equal(d2.nboxes, 4);
    for (size_t i = 0; i < d2.nboxes; i++) {
        assert_true(d2.boxes[i].row >= 3);
        S_check_box(t, &d2.boxes[i], p, 0, 0, 3, 5);
    }
    assert_true(fabs(d2.boxes[0].y0) < EPS);
    nb_doc_free(&d2);
    nb_table_free(t);
}

static void test_layout_grids(void **state)
{
    (void)state;
    assert_int_equal(S_layout->ntables, 3);
    static const struct {
        const char *key;
        size_t rows, cols;
        int header;
    } want[] = {{"active", 14, 4, 0}, {"requests", 28, 10, 3}, {"appeals", 4, 15, 3}};
    for (size_t i = 0; i < S_layout->ntables; i++) {
        const NbTableSpec *ts = &S_layout->tables[i];
        assert_string_equal(ts->key, want[i].key);
        assert_int_equal(ts->nrows, want[i].rows);
        assert_int_equal(ts->ncols, want[i].cols);
        assert_int_equal(ts->header_rows, want[i].header);
        int *grid = nb_xcalloc(ts->nrows * ts->ncols, sizeof *grid);
        size_t numbers = 0;
        for (size_t k = 0; k < ts->ncells; k++) {
            const NbCellSpec *c = &ts->cells[k];
            assert_true(c->row >= 0 && c->col >= 0 && c->rowspan >= 1 && c->colspan >= 1);
            assert_true((size_t)(c->row + c->rowspan) <= ts->nrows);
            assert_true((size_t)(c->col + c->colspan) <= ts->ncols);
            for (int r = c->row; r < c->row + c->rowspan; r++)
                for (int q = c->col; q < c->col + c->colspan; q++) grid[(size_t)r * ts->ncols + (size_t)q]++;
            if (c->text) {
                assert_int_equal(c->field, -1);
            } else {
                numbers++;
                assert_true(c->field >= 0 && (size_t)c->field < S_layout->nfields);
                const NbField *f = &S_layout->fields[c->field];
                assert_true(c->index >= 0 && c->index < f->count + f->total);
                assert_true(c->row >= ts->header_rows);
            }
        }
        for (size_t r = 0; r < ts->nrows; r++)
            for (size_t q = 0; q < ts->ncols; q++) {
                if (grid[r * ts->ncols + q] != 1)
                    fprintf(stderr, "%s: slot (%zu, %zu) covered %d times\n", ts->key, r, q,
                            grid[r * ts->ncols + q]);
                assert_int_equal(grid[r * ts->ncols + q], 1);
            }
        assert_true(numbers > 0);
        free(grid);
        /* the grid sets with the real fonts: every break the flow may take keeps numbers */
        NbCellIn *in = nb_xcalloc(ts->ncells, sizeof *in);
        for (size_t k = 0; k < ts->ncells; k++)
            in[k] = (NbCellIn){ts->cells[k].row, ts->cells[k].col, ts->cells[k].rowspan,
                               ts->cells[k].colspan, ts->cells[k].text ? ts->cells[k].text : "0",
                               NB_ALIGN_CENTER, ts->cells[k].text == NULL};
        double width = S_layout->page_w - S_layout->margin_left - S_layout->margin_right;
        NbTableIn tin = {ts->key, ts->section, ts->col_width, ts->ncols, in, ts->ncells,
                         ts->header_rows};
        NbTable *t = nb_table_new(S_fonts, S_style(), &tin, width);
        assert_true(fabs(t->colx[ts->ncols] - width) < EPS);
        for (size_t q = 0; q < ts->ncols; q++) assert_true(t->colx[q + 1] > t->colx[q]);
        for (size_t k = 0; k < t->ncells; k++) {
            const NbTCell *c = &t->cells[k];
            assert_true(nb_table_rows_height(t, (size_t)c->in.row, (size_t)(c->in.row + c->in.rowspan)) +
                            EPS >=
                        S_text_h(t, k));
        }
        for (size_t r = 1; r < t->nrows; r++)
            if (nb_table_can_break(t, r)) {
                int nums = 0;
                for (size_t k = 0; k < ts->ncells; k++)
                    if (!ts->cells[k].text && ts->cells[k].row <= (int)r - 1 &&
                        (int)r - 1 < ts->cells[k].row + ts->cells[k].rowspan)
                        nums = 1;
                assert_true(nums);
            }
        nb_table_free(t);
        free(in);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_row_heights),
        cmocka_unit_test(test_can_break),
        cmocka_unit_test(test_break_clean),
        cmocka_unit_test(test_page_heights),
        cmocka_unit_test(test_draw_whole),
        cmocka_unit_test(test_draw_continued),
        cmocka_unit_test(test_layout_grids),
    };
    return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
