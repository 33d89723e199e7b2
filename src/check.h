/* The consistency rules (勾稽关系) a layout declares, evaluated on a loaded report. Every
 * violation is reported, in the user's terms: where the row is, the rule, the table's row
 * and column labels, and both sides with their values. */
#ifndef NB_CHECK_H
#define NB_CHECK_H

#include "layout.h"
#include "report.h"
#include "util.h"

/* The rules on one report: equal, total and range as errors, prose as warnings. */
void nb_check_report(const NbReport *r, const NbLayout *l, NbDiag *diag);

/* The carry rules against last year's report (loaded with the same layout). */
void nb_check_previous(const NbReport *r, const NbReport *prev, const NbLayout *l, NbDiag *diag);

/* Find a prose phrase pattern ({n} a number, … up to 15 characters within a clause) in text
 * from byte `from`. Returns 1 with the match [*start, *end) and the number (when {n}). */
int nb_phrase_find(const char *pattern, const char *text, size_t from, size_t *start, size_t *end,
                   double *number);

#endif
