/* Report × Layout → blocks: the title, the layout's headings, the report's paragraphs
 * (with run-in headings), the tables filled from the data, and the signature. */
#ifndef NB_COMPOSE_H
#define NB_COMPOSE_H

#include "flow.h"
#include "report.h"

/* Returns 0 (with diagnostics) if some text cannot be set, e.g. a character no font has. */
int nb_compose(const NbReport *r, const NbLayout *l, NbFonts *fonts, NbBlocks *out, NbDiag *diag);

#endif
