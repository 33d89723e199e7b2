/* libFuzzer target: a workbook (.xlsx) read as a report (xlsx.c: libzip, expat, the mapping
 * through the 2021 layout's grid), then loaded and checked like a YAML report. Each input is
 * written to one temporary .xlsx file per process. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "fuzz_common.h"
#include "layout.h"
#include "report.h"
#include "xlsx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *S_path;
static NbLayout *S_layout;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("TMPDIR");
    S_path = nb_xasprintf("%s/nb-fuzz-%ld.xlsx", dir && *dir ? dir : "/tmp", (long)getpid());
    char *root = S_fuzz_root(*argc ? (*argv)[0] : NULL);
    char *lpath = nb_xasprintf("%s/layouts/gov-info-disclosure-2021.yaml", root);
    NbDiag d = {0};
    S_layout = nb_layout_load(lpath, &d);
    if (!S_layout) nb_diag_print(&d, stderr), abort();
    nb_diag_free(&d);
    free(lpath);
    free(root);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *err = NULL;
    if (!nb_write_atomic(S_path, (const char *)data, size, &err)) abort();
    NbDiag diag = {0};
    NbXlsx *x = nb_xlsx_open(S_path, &diag);
    if (x) {
        size_t len = 0, nwhere = 0;
        char **where = NULL;
        char *yaml = nb_xlsx_yaml(x, S_layout, &len, &where, &nwhere, &diag);
        NbYDoc *doc = nb_report_parse(S_path, yaml, len, &diag);
        NbReport *r = doc ? nb_report_from_yaml(doc, S_layout, &diag) : NULL;
        if (r) nb_check_report(r, S_layout, &diag);
        nb_report_free(r);
        nb_ydoc_free(doc);
        for (size_t i = 0; i < nwhere; i++) free(where[i]);
        free(where);
        free(yaml);
        nb_xlsx_free(x);
    }
    nb_diag_free(&diag);
    return 0;
}
