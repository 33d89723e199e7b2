/* Blocks → pages: the typesetting stage's entry. The title, headings, paragraphs, tables
 * and the signature are measured and placed on the type area, with keep-together rules,
 * page numbers and the outline. */
#ifndef NB_FLOW_H
#define NB_FLOW_H

#include "blocks.h"
#include "doc.h"
#include "font.h"
#include "layout.h"

/* Is every character the blocks list as needing a font drawable in it? Each one that is
 * not is an error at its place in the report or the layout; returns 1 when none. */
int nb_flow_cover(const NbBlocks *bs, NbFonts *fonts, NbDiag *diag);

/* Set the blocks on pages. */
void nb_flow(const NbBlocks *bs, const NbLayout *l, NbFonts *fonts, NbDoc *doc);

#endif
