/* Report × Layout → blocks: the title, the layout's headings, the report's paragraphs
 * (with run-in headings), the tables filled from the data, and the signature. Knows no
 * font and measures nothing: what must be drawable is listed for the typesetter. */
#ifndef NB_COMPOSE_H
#define NB_COMPOSE_H

#include "blocks.h"
#include "layout.h"
#include "report.h"

void nb_compose(const NbReport *r, const NbLayout *l, NbBlocks *out);

#endif
