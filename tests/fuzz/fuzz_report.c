/* libFuzzer target: the report loader (YAML → tree → report data model) against the
 * official layout, then the consistency rules on what loaded. Build and run with
 * `make fuzz-build`, `make fuzz`.
 *
 * The input is parsed as a report file named "fuzz.yaml" (relative, so a `seal:` path in
 * the input resolves against the current directory, as it would for a report there). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "layout.h"
#include "report.h"
#include "util.h"
#include "yamltree.h"

#include "check.h"

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static NbLayout *S_layout;
static NbYDoc *S_prev_doc;   /* last year's report for the carry rules: a sample */
static NbReport *S_prev;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *argv0 = argc && *argc > 0 ? (*argv)[0] : NULL;
    S_layout = S_fuzz_official_layout(argv0);
    char *root = S_fuzz_root(argv0);
    char *path = nb_xasprintf("%s/samples/chanhe-2023.yaml", root);
    NbDiag d = {0};
    S_prev_doc = nb_ydoc_load(path, &d);
    S_prev = S_prev_doc ? nb_report_from_yaml(S_prev_doc, S_layout, &d) : NULL;
    if (!S_prev) { /* the carry rules are then not exercised; everything else is */
        nb_diag_print(&d, stderr);
        fprintf(stderr, "fuzz_report: %s did not load: no carry checks\n", path);
    }
    nb_diag_free(&d);
    free(path);
    free(root);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    NbDiag diag = {0};
    NbYDoc *doc = nb_report_parse("fuzz.yaml", (const char *)data, size, &diag); /* as typed */
    if (doc) {
        NbReport *r = nb_report_from_yaml(doc, S_layout, &diag);
        if (r) {
            /* ---- the consistency check: nb_check_report (src/check.c) ----
             * Called as `nianbao check` calls it: on a report that loaded. */
            nb_check_report(r, S_layout, &diag);
            if (S_prev) nb_check_previous(r, S_prev, S_layout, &diag);
        }
        nb_report_free(r);
        nb_ydoc_free(doc);
    }
    nb_diag_free(&diag);
    return 0;
}
