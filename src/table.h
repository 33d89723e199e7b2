/* Tables: a grid with row and column spans → column widths, wrapped cell text, row
 * heights, and drawing any range of rows (with the header rows repeated) on a page. */
#ifndef NB_TABLE_H
#define NB_TABLE_H

#include "blocks.h"
#include "doc.h"
#include "font.h"
#include "layout.h"
#include "text.h"

typedef struct {
    NbCellIn in;
    char *text;
    NbLines lines;
    int elem;           /* its structure element (nb_table_tag), 0 when untagged */
} NbTCell;

typedef struct {
    const char *key, *section;
    size_t ncols, nrows;
    double *colx;       /* ncols + 1 boundaries, from the table's left edge */
    double *rowh;       /* nrows heights */
    NbTCell *cells;
    size_t ncells;
    int header_rows;
    NbStyle style;
    double leading;
} NbTable;

/* Measure a composed table set in `style` across `width`: column widths, each cell's
 * lines, row heights. */
NbTable *nb_table_new(NbFonts *fonts, const NbStyle *style, const NbTableIn *in, double width);
void nb_table_free(NbTable *t);

/* The table's logical structure under `parent`: a Table of one TR per row, each holding
 * the cells that start in it, in column order: TH for header rows (scope column) and for
 * labels (scope row), TD for figures, with their spans. Returns the Table element. */
int nb_table_tag(NbTable *t, NbDoc *doc, int parent);

double nb_table_rows_height(const NbTable *t, size_t r0, size_t r1);

/* May a page break fall before row r? Not after a row that holds no numbers (a group
 * head such as （三）不予公开's first line would be left without its figures). */
int nb_table_can_break(const NbTable *t, size_t r);

/* Does a break before row r (the page having started at row `from`) leave every cell it
 * splits tall enough on both sides to repeat its label without growing any row? */
int nb_table_break_clean(const NbTable *t, size_t from, size_t r);

/* Heights of rows [r0, r1) set together on one page: as computed, grown evenly where a
 * part of a split cell is too short for its label (h holds r1 - r0 values). */
void nb_table_page_heights(const NbTable *t, size_t r0, size_t r1, double *h);
double nb_table_page_height(const NbTable *t, size_t r0, size_t r1);

/* Draw rows [r0, r1) at (x, y) on a page (heights as nb_table_page_heights); when
 * repeat_header, the header rows first. Every part of a split cell shows its label. Each
 * cell's text belongs to its element; the repeated header and a split cell's repeated
 * label are artifacts. Returns the height used. */
double nb_table_draw(const NbTable *t, NbDoc *doc, size_t page, double x, double y, size_t r0,
                     size_t r1, int repeat_header);

#endif
