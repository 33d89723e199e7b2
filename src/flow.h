/* Blocks → pages: the title, headings, paragraphs, tables and the signature placed on
 * the type area, with keep-together rules, page numbers and the outline. */
#ifndef NB_FLOW_H
#define NB_FLOW_H

#include "doc.h"
#include "image.h"
#include "font.h"
#include "layout.h"
#include "table.h"

typedef enum { NB_B_TITLE, NB_B_HEADING, NB_B_PARA, NB_B_TABLE, NB_B_SIGNATURE } NbBlockType;

typedef struct {
    NbBlockType type;
    NbStyleId style;
    NbSpan spans[2];
    size_t nspans;
    char *owned[2];
    NbTable *table;
    char *name, *date; /* signature */
    const NbImage *seal; /* borrowed from the report, or NULL */
} NbBlock;

typedef struct {
    NbBlock *b;
    size_t n, cap;
} NbBlocks;

NbBlock *nb_blocks_add(NbBlocks *bs, NbBlockType type, NbStyleId style);
void nb_blocks_free(NbBlocks *bs);

void nb_flow(const NbBlocks *bs, const NbLayout *l, NbFonts *fonts, NbDoc *doc);

#endif
