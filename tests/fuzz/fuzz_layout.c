/* libFuzzer target: the layout loader, from memory (nb_layout_parse).
 *
 * A layout that loads is then used with two fixed reports (built in, with some prose), and
 * its rules are run on them (src/check.c), so that what report.c and check.c assume of a
 * layout's data schema and rules is exercised too. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "report.h"
#include "util.h"
#include "yamltree.h"

#include "check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fixed reports: one for the official layout, one for tests/fuzz/corpus/layout/compact.yaml. */
static const char *const S_report_text[] = {
    "agency: 某某街道办事处\n"
    "year: 2023\n"
    "date: 2024-01-20\n"
    "overview: |\n  本年新收政府信息公开申请1件，予以公开0件。\n\n  （一）主动公开。\n"
    "requests:\n"
    "  new: [1, 2, 3, 4, 5, 6]\n"
    "  denied:\n"
    "    state_secret: [0, 0, 0, 0, 0, 0, 0]\n"
    "appeals:\n"
    "  review: [1, 0, 0, 0]\n",
    "agency: 某某\n"
    "year: 2023\n"
    "intro: |\n  甲3件，没有乙。\n"
    "x: {a: [1, 2]}\n"
    "g: {b: [1, 1, 2], c: 0.5}\n",
};
#define S_NREPORTS (sizeof S_report_text / sizeof *S_report_text)
static NbYDoc *S_report[S_NREPORTS];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    NbDiag d = {0};
    for (size_t i = 0; i < S_NREPORTS; i++) {
        S_report[i] = nb_ydoc_parse("fuzz-report.yaml", S_report_text[i], strlen(S_report_text[i]), &d);
        if (!S_report[i]) {
            nb_diag_print(&d, stderr);
            abort();
        }
    }
    nb_diag_free(&d);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    NbDiag diag = {0};
    NbLayout *l = nb_layout_parse("fuzz-layout.yaml", (const char *)data, size, &diag);
    if (l) {
        for (size_t i = 0; i < S_NREPORTS; i++) {
            NbReport *r = nb_report_from_yaml(S_report[i], l, &diag);
            if (r) { /* the layout's rules on that report, this year's and last year's */
                nb_check_report(r, l, &diag);
                nb_check_previous(r, r, l, &diag);
            }
            nb_report_free(r);
        }
    }
    nb_layout_free(l);
    nb_diag_free(&diag);
    return 0;
}
