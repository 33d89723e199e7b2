/* The painter: a typeset document → PDF bytes (libharu), with its repairs. The only
 * module that includes hpdf.h. */
#ifndef NB_PDF_H
#define NB_PDF_H

#include "doc.h"
#include "font.h"
#include "util.h"

/* Paint the document; on success out and len hold the PDF (caller frees). */
int nb_pdf_render(const NbDoc *doc, NbFonts *fonts, char **out, size_t *len, NbDiag *diag);

#endif
