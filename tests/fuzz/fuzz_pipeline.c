/* libFuzzer target: the whole pipeline, a report's text to PDF bytes (load, check,
 * compose, typeset, paint), with the official layout and the installed fonts, through one
 * worker kept for the process; nothing is written to disk. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "job.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static NbWorker *S_worker;
static char *S_root, *S_out;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    S_root = S_fuzz_root(*argc > 0 ? (*argv)[0] : NULL);
    static NbJobOpts o;
    o = (NbJobOpts){S_root, NULL, NULL, NULL, NULL, 0, NULL, 0, 1, NULL};
    S_worker = nb_worker_new(&o);
    S_out = nb_xasprintf("%s/nb-fuzz-pipeline-%ld.pdf", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
                         (long)getpid());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    NbDiag diag = {0};
    /* rendered to a scratch file that is replaced each run */
    nb_worker_run(S_worker, "fuzz.yaml", (const char *)data, size, S_out, NULL, &diag);
    nb_diag_free(&diag);
    return 0;
}
