/* Reports as Excel workbooks (.xlsx), both ways: a workbook laid out from the layout (a
 * sheet for the unit and its prose, a sheet per table drawn as printed, with the official
 * labels in merged cells like the grid, number cells unlocked, totals as formulas), written
 * with libxlsxwriter; and a filled workbook read back (libzip, expat) into the report's
 * YAML, each line of which knows the sheet and cell it came from, so that every message
 * names the cell. Part of the load stage. */
#ifndef NB_XLSX_H
#define NB_XLSX_H

#include <stddef.h>

#include "layout.h"
#include "report.h"
#include "util.h"

/* Write a workbook to fill in for layout l, with the figures and text of `from` when given
 * (a report of that layout), else zeros and the layout's guidance. 0 with *err (allocated). */
int nb_xlsx_template(const NbLayout *l, const NbReport *from, const char *path, char **err);

/* Is this a workbook's file name (.xlsx)? */
int nb_xlsx_name(const char *path);

/* A filled workbook read (a few MB at most): NULL with a diagnostic naming the file. */
typedef struct NbXlsx NbXlsx;
NbXlsx *nb_xlsx_open(const char *path, NbDiag *diag);
void nb_xlsx_free(NbXlsx *x);
/* The layout the workbook names on its unit sheet, or NULL. */
const char *nb_xlsx_layout_id(const NbXlsx *x);
/* The report as YAML (allocated) for layout l; (*where)[line] (allocated, from line 1) is
 * "FILE:SHEET!CELL" for the lines that come from a cell, NULL for the others. */
char *nb_xlsx_yaml(const NbXlsx *x, const NbLayout *l, size_t *len, char ***where, size_t *nwhere,
                   NbDiag *diag); /* a sheet missing is an error in diag */

#endif
