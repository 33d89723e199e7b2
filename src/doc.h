/* The typeset document: pages of positioned items, ready to paint. Coordinates are
 * points from the page's top-left corner, y downwards (text y is the baseline). */
#ifndef NB_DOC_H
#define NB_DOC_H

#include <stddef.h>

#include "image.h"
#include "text.h"

typedef enum { NB_IT_TEXT, NB_IT_RULE, NB_IT_IMAGE } NbItemKind;

typedef struct {
    NbItemKind kind;
    int elem;     /* the structure element it belongs to (NbDoc.elems); 0: an artifact */
    int face;
    double size, x, y, char_space, hscale;
    char *text;
    double x1, y1, width; /* rules: the other end and the line width; images: the corner
                           * opposite (x, y), which is the top left */
    const NbImage *image; /* owned by the document (NbDoc.images) */
} NbItem;

typedef struct {
    NbItem *items;
    size_t n, cap;
} NbPage;

typedef struct {
    char *title;
    int level;       /* from 1: a level-2 entry sits under the level-1 entry before it */
    size_t page;
    double y;
} NbOutline;

/* An element of the document's logical structure (a tagged PDF's structure tree), in
 * reading order: elems[0] is the document; each other names its parent, which comes before
 * it. The painter marks every item with its element, or as an artifact (elem 0): what
 * repeats or only decorates (page numbers, rules, a repeated table header). */
typedef enum { NB_SCOPE_NONE, NB_SCOPE_COLUMN, NB_SCOPE_ROW } NbScope;

typedef struct {
    const char *role;  /* a PDF standard structure type: "P", "H1", "Table", "TH", … */
    int parent;
    int rowspan, colspan; /* table cells */
    NbScope scope;     /* header cells */
    char *alt;         /* a figure's replacement text (owned), or NULL */
} NbElem;

/* A table cell as laid out on one page, for checking the layout from outside. */
typedef struct {
    const char *table, *section;
    size_t page;
    int row, col, rowspan, colspan;
    double x0, y0, x1, y1;
    char *text;       /* what was drawn in it (owned) */
    int number, continued;
} NbCellBox;

typedef struct {
    double w, h;
    double ta_x0, ta_y0, ta_x1, ta_y1; /* the type area */
    NbPage *pages;
    size_t npages, cap;
    NbOutline *outline;
    size_t noutline, ocap;
    NbCellBox *boxes;
    size_t nboxes, bcap;
    char *title, *author;
    NbImage **images;     /* copies of the images drawn */
    const NbImage **image_src; /* what each is a copy of */
    size_t nimages;
    NbFonts *fonts;       /* borrowed: the faces the text items name */
    NbElem *elems;        /* the logical structure; elems[0] the document (nb_doc_elem) */
    size_t nelems, ecap;
    int cur;              /* the element that items added now belong to; 0: artifacts */
} NbDoc;

size_t nb_doc_add_page(NbDoc *d);
/* A new structure element of `role` (a static string) under `parent` (0: the document,
 * which the first call makes); its index. Items added later belong to d->cur. */
int nb_doc_elem(NbDoc *d, const char *role, int parent);
/* A run of text set by nb_text_break, at a baseline. */
void nb_doc_run(NbDoc *d, size_t page, const NbTextRun *run, double size, double x0, double y);
void nb_doc_rule(NbDoc *d, size_t page, double x0, double y0, double x1, double y1, double width);
/* An image filling the box (x0, y0)–(x1, y1), drawn over what is already on the page; the
 * document keeps its own copy. */
void nb_doc_image(NbDoc *d, size_t page, const NbImage *img, double x0, double y0, double x1,
                  double y1);
void nb_doc_outline(NbDoc *d, const char *title, int level, size_t page, double y);
void nb_doc_free(NbDoc *d);
/* Write the cell boxes as JSON (see tests/test_e2e.py). Returns 0 on failure. */
int nb_doc_dump_boxes(const NbDoc *d, const char *path);

#endif
