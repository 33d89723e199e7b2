/* The composed document: what compose makes of a report and a layout, and what the
 * typesetter sets. Text, structure and styles only: nothing here has been measured, and
 * no font has been asked anything. */
#ifndef NB_BLOCKS_H
#define NB_BLOCKS_H

#include <stddef.h>

#include "image.h"
#include "layout.h"
#include "report.h"
#include "util.h"

/* A piece of a paragraph in one font role. */
typedef struct {
    const char *text;
    int role;
} NbSpan;

/* A table cell as composed: its place in the grid and its text. */
typedef struct {
    int row, col, rowspan, colspan;
    const char *text;
    NbAlign align;
    int number;
} NbCellIn;

/* A table as composed: the layout's grid filled with the report's figures. */
typedef struct {
    const char *key, *section;   /* borrowed from the layout */
    const double *col_spec;      /* pt when > 0, -fr when < 0 */
    size_t ncols;
    NbCellIn *cells;             /* owned; their text borrowed from the layout and report */
    size_t ncells;
    int header_rows;
} NbTableIn;

typedef enum { NB_B_TITLE, NB_B_HEADING, NB_B_PARA, NB_B_TABLE, NB_B_SIGNATURE } NbBlockType;

typedef struct {
    NbBlockType type;
    int style;           /* index into the layout's styles */
    int level;           /* a heading's depth in the outline, from 1; a paragraph's when it is
                          * a heading, or starts with one (its first span) */
    NbSpan spans[2];
    size_t nspans;
    char *owned[2];
    NbTableIn table;     /* NB_B_TABLE */
    char *name, *date;   /* signature */
    const NbImage *seal; /* borrowed from the report, or NULL */
    char *seal_alt;      /* the seal's replacement text (owned) */
} NbBlock;

/* Text whose every character must be drawable in a font role, and where to point when one
 * is not: at the character in the report (src), or at `at` for the layout's own text.
 * `checked_role` >= 0: the text was already checked in that role; only what this role
 * lacks besides is reported. */
typedef struct {
    const char *text;    /* borrowed */
    int role;
    const NbSrcText *src;
    NbMark at;
    char *where;         /* owned: "overview", "layout", "agency (in the title)" */
    int checked_role;
} NbCoverage;

typedef struct {
    NbBlock *b;
    size_t n, cap;
    NbCoverage *cover;   /* in the order the messages are to come */
    size_t ncover, ccap;
} NbBlocks;

NbBlock *nb_blocks_add(NbBlocks *bs, NbBlockType type, int style);
void nb_blocks_cover(NbBlocks *bs, const char *text, int role, const NbSrcText *src, NbMark at,
                     const char *where, int checked_role);
void nb_blocks_free(NbBlocks *bs);

#endif
