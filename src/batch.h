/* Many reports at once: files and folders in, one PDF each into OUTDIR, with worker
 * processes, a progress line, a summary and a manifest; optionally the district's 汇总
 * report summed over all of them, and one combined PDF for printing. */
#ifndef NB_BATCH_H
#define NB_BATCH_H

#include "job.h"

typedef struct {
    NbJobOpts job;
    const char *const *inputs;  /* report files and folders of them */
    size_t ninputs;
    const char *outdir;
    int workers;                /* 0: one per core */
    const char *manifest;       /* CSV file, or NULL */
    const char *summary;        /* the 汇总 report's PDF, or NULL */
    const char *agency;         /* its agency */
    const char *combine;        /* one PDF of every report, or NULL */
    int quiet;
    const char *manifest_encoding; /* NULL or "utf-8" (with a BOM), "gbk", "gb18030" */
    int duplex;                 /* the combined PDF: each report from an odd page */
    int allow_incomplete;       /* the 汇总 made even when units failed (it names them) */
} NbBatchOpts;

/* Returns the exit status: 0 all rendered, 1 some report failed, 2 usage, 3 system. */
int nb_batch(const NbBatchOpts *o);

#endif
