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

/* PDF/A-2b (ISO 19005-2, level B): XMP metadata matching the document information, an
 * sRGB output intent, a file identifier. Off until turned on. */
void nb_pdf_painter_pdfa(NbPdfPainter *p, int on);

/* Where a signature's field may lie in the last PDF painted: a page's object number and a
 * rectangle on it in PDF units (over the seal, else over the signature's last line); page
 * 0 when there is none. */
typedef struct {
    unsigned page;
    double rect[4];
} NbPdfSpot;
const NbPdfSpot *nb_pdf_painter_spot(const NbPdfPainter *p);

/* Paint a document into a PDF; on success out and len hold it (caller frees). Tagged: a
 * structure tree from doc->elems, every item in a marked-content sequence. */
int nb_pdf_paint(NbPdfPainter *p, const NbDoc *doc, char **out, size_t *len, NbDiag *diag);

/* One PDF of many documents (of one NbFonts), written to out as it is made, in two passes
 * over them so that its memory does not grow with their number: collect each document (0
 * when its fonts are not the others'), start (the fonts, subset once for all, are
 * written), add each again in the same order (its pages, under its agency in the outline),
 * end (0 on failure, with diagnostics). The caller commits or aborts out. */
typedef struct NbPdfCombined NbPdfCombined;
NbPdfCombined *nb_pdf_combined_new(NbOut *out, int duplex); /* duplex: each from an odd page */
int nb_pdf_combined_collect(NbPdfCombined *c, const NbDoc *doc);
int nb_pdf_combined_start(NbPdfCombined *c, NbDiag *diag);
int nb_pdf_combined_add(NbPdfCombined *c, const NbDoc *doc, NbDiag *diag);
int nb_pdf_combined_end(NbPdfCombined *c, size_t *pages, NbDiag *diag);
void nb_pdf_combined_free(NbPdfCombined *c);

#endif
