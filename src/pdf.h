/* The painter: typeset documents → PDF bytes (libharu for the document structure, our own
 * subset fonts). The only module that sees libharu. */
#ifndef NB_PDF_H
#define NB_PDF_H

#include "doc.h"
#include "font.h"
#include "util.h"

/* A painter keeps the libharu handle and the parsed fonts from one PDF to the next. */
typedef struct NbPdfPainter NbPdfPainter;
NbPdfPainter *nb_pdf_painter_new(void);
void nb_pdf_painter_free(NbPdfPainter *p);

/* Paint documents (which share one NbFonts) into one PDF; on success out and len hold it
 * (caller frees). Several documents: one after another, the outline grouped by each. */
int nb_pdf_paint(NbPdfPainter *p, const NbDoc *const *docs, size_t ndocs, char **out, size_t *len,
                 NbDiag *diag);

#endif
