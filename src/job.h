/* One report through the whole pipeline (load → check → compose → flow → paint → write),
 * by a worker that keeps what does not depend on the report (layouts, fonts, the PDF
 * painter) from one report to the next. */
#ifndef NB_JOB_H
#define NB_JOB_H

#include <stddef.h>

#include "doc.h"
#include "layout.h"
#include "report.h"
#include "util.h"

typedef struct {
    const char *data_dir;           /* holds layouts/ and fonts/ */
    const char *layout;             /* --layout ID|FILE, or NULL: the report's own */
    const char *paper;              /* --paper, or NULL */
    const char *previous;           /* --previous, or NULL */
    const char *const *font_dirs;   /* --fonts */
    size_t nfont_dirs;
} NbJobOpts;

typedef struct NbWorker NbWorker;

typedef enum { NB_JOB_OK = 0, NB_JOB_DATA = 1, NB_JOB_USAGE = 2, NB_JOB_SYSTEM = 3 } NbJobStatus;

typedef struct {
    NbJobStatus status;
    size_t pages, bytes;
} NbJobResult;

NbWorker *nb_worker_new(const NbJobOpts *o);
void nb_worker_free(NbWorker *w);

/* Check one report (out == NULL) or check and render it to out. The report is the file
 * `input`, or, when text is not NULL, that YAML text named `input` in messages. */
NbJobResult nb_worker_run(NbWorker *w, const char *input, const char *text, size_t len,
                          const char *out, const char *dump_boxes, NbDiag *diag);

/* Load and check a report without typesetting it; NULL (with diagnostics) on errors.
 * *layout is the worker's, valid while the worker lives. */
NbReport *nb_worker_load(NbWorker *w, const char *input, const NbLayout **layout, NbDiag *diag);

/* Lay out a checked report as a document (for combining many into one PDF); the document
 * borrows from the worker, which must outlive it. Returns NB_JOB_OK or an error status. */
NbJobStatus nb_worker_layout(NbWorker *w, const char *input, NbDoc *doc, NbDiag *diag);

/* Paint documents into one PDF and write it to out (atomically). */
NbJobResult nb_worker_paint(NbWorker *w, const NbDoc *const *docs, size_t ndocs, const char *out,
                            NbDiag *diag);

#endif
