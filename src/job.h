/* One report through the whole pipeline (load → check → compose → flow → paint → write),
 * by a worker that keeps what does not depend on the report (layouts, fonts, the PDF
 * painter) from one report to the next. */
#ifndef NB_JOB_H
#define NB_JOB_H

#include <stddef.h>

#include "doc.h"
#include "layout.h"
#include "report.h"
#include "sign.h"
#include "util.h"

/* Last year's report of a unit, found in a folder (batch --previous DIR). */
typedef struct {
    char *agency;
    int year;
    char *path;
    const char *other;              /* a second file of the same unit and year, or NULL */
} NbPrevious;

typedef struct {
    const char *data_dir;           /* holds layouts/ and fonts/ */
    const char *layout;             /* --layout ID|FILE, or NULL: the report's own */
    const char *paper;              /* --paper, or NULL */
    const char *previous;           /* --previous, or NULL */
    const char *const *font_dirs;   /* --fonts */
    size_t nfont_dirs;
    const NbPrevious *previous_of;  /* batch --previous DIR: by year, then agency */
    size_t nprevious_of;
    int pdfa;                       /* PDF/A-2b */
    const NbSigner *signer;         /* --sign: every PDF signed, or NULL */
} NbJobOpts;

typedef struct NbWorker NbWorker;

typedef enum { NB_JOB_OK = 0, NB_JOB_DATA = 1, NB_JOB_USAGE = 2, NB_JOB_SYSTEM = 3 } NbJobStatus;

typedef struct {
    NbJobStatus status;
    size_t pages, bytes;
} NbJobResult;

/* The agency and year a report file gives (as written, NULL and 0 when it gives none or
 * cannot be read): *agency allocated. */
void nb_job_identity(const char *path, char **agency, int *year);

NbWorker *nb_worker_new(const NbJobOpts *o);
void nb_worker_free(NbWorker *w);

/* Check one report (out == NULL) or check and render it to out. The report is the file
 * `input`, or, when text is not NULL, that YAML text named `input` in messages. */
NbJobResult nb_worker_run(NbWorker *w, const char *input, const char *text, size_t len,
                          const char *out, const char *dump_boxes, NbDiag *diag);

/* Load and check a report without typesetting it; NULL (with diagnostics) on errors.
 * *layout is the worker's, valid while the worker lives. */
NbReport *nb_worker_load(NbWorker *w, const char *input, const NbLayout **layout, NbDiag *diag);

/* The agency and year of the report the worker last loaded (as far as they were read),
 * NULL when it had none; valid until its next report. */
const char *nb_worker_identity(const NbWorker *w, int *year);

/* Told how far a long task has come: done of total steps. */
typedef void (*NbProgress)(void *user, size_t done, size_t total);

/* One PDF of the reports inputs[0..n) (checked, of one layout), in order, each under its
 * agency in the outline (duplex: each from an odd page, a blank page before it where
 * needed), written to out as it is made (memory does not grow with n). The first report
 * that fails stops it, with its status; nothing is left at out then. */
NbJobResult nb_worker_combine(NbWorker *w, const char *const *inputs, size_t n, const char *out,
                              int duplex, NbProgress progress, void *user, NbDiag *diag);

#endif
