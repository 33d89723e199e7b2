/* The report data model and its loading from YAML, keeping source positions. */
#ifndef NB_REPORT_H
#define NB_REPORT_H

#include <stdint.h>

#include "image.h"
#include "layout.h"
#include "util.h"
#include "yamltree.h"

/* A decimal held exactly: units / 10^places (12.35 is 1235, 2), never in binary floating
 * point; places < 0 when the figure has too many digits to hold (18 at most). */
typedef struct {
    int64_t units;
    int places;
} NbDec;

typedef struct {
    double v;       /* the value as given (the rules check that counts are whole, ≥ 0) */
    NbDec dec;      /* the same, exactly: for sums and comparisons */
    char text[48];  /* as printed */
    int given;      /* written in the data (else zero, or computed) */
    NbMark mark;    /* where it is written, or where its row is */
} NbValue;

/* One numeric row, indexed like NbLayout.fields. */
typedef struct {
    NbValue *vals;  /* count values, then the total when the field has one */
    int n;
    int given;      /* present in the data (else zeros) */
    NbMark mark;    /* where the row is, or the report's top when absent */
} NbRow;

/* A text field as written in the file (quotes, indentation and line breaks included),
 * for pointing at a character or phrase of its text. */
typedef struct {
    char *src;
    NbMark at;      /* where src begins */
} NbSrcText;

typedef struct {
    char *key;
    char *text;     /* paragraphs separated by "\n" */
    NbMark mark;
    NbSrcText src;
} NbProse;

typedef struct {
    char *file;
    char *agency;
    int year;
    char *title;    /* '|' marks a preferred break */
    NbSrcText agency_src, title_src; /* title_src.src is NULL when the title is made */
    int has_date, date_y, date_m, date_d;
    NbMark date_mark;   /* where the date is written */
    char *seal;     /* path resolved against the report's folder, or NULL */
    NbMark seal_mark;
    NbImage seal_image; /* decoded when `seal:` is given (w == 0 otherwise) */
    NbMark top;     /* the report's first line: where absent rows are reported */
    NbProse *prose;
    size_t nprose, prose_cap;
    NbRow *rows;    /* layout->nfields entries */
    size_t nrows;
} NbReport;

/* The layout a report asks for (its `layout:` key), or NULL for the default. */
const char *nb_report_layout_id(const NbYDoc *doc);

/* Build a report from a parsed file against a layout's data schema. Data errors are
 * reported all at once; returns NULL if there was any. */
/* A report's YAML, read from a file or given as text, with the figures a Chinese input
 * method types (full-width digits, ，［］【】, 、 or spaces between numbers) read as ASCII
 * where the meaning is certain (one warning a file); a full-width colon after a key and an
 * ambiguous 1,218 in a list are errors. */
NbYDoc *nb_report_load(const char *path, NbDiag *diag);
NbYDoc *nb_report_parse(const char *file, const char *text, size_t len, NbDiag *diag);
NbReport *nb_report_from_yaml(const NbYDoc *doc, const NbLayout *layout, NbDiag *diag);
void nb_report_free(NbReport *r);

/* Normalise a prose field: paragraphs split at blank lines, single line breaks joined,
 * spaces at a paragraph's start (ASCII or ideographic, as pasted from Word) and spaces
 * touching Chinese dropped (typesetting puts ¼ em between Chinese and Latin). A line that
 * begins with a heading (（二）, 二、, 2.) starts a paragraph even without a blank line:
 * *split (when given) gets the byte offset in raw of the first such line, else (size_t)-1.
 * Returns the paragraphs joined by '\n'. */
char *nb_report_paragraphs(const char *raw, size_t *split);

/* The prose of a field, or NULL. */
const NbProse *nb_report_prose(const NbReport *r, const char *key);

/* Where the nth occurrence (from 0) of a piece of a field's text is in the file: its
 * characters in order in the source, which may break lines and put spaces between them.
 * The field's start when not found. */
NbMark nb_report_locate(const NbSrcText *s, const char *piece, size_t len, int nth);

/* Set a whole value (a count), for print. */
void nb_value_set(NbValue *v, double x);
/* Set a value to a decimal, printed with its places (1235.00 for 123500, 2). */
void nb_value_set_dec(NbValue *v, NbDec d);
/* acc += x, exactly, with the places of the more precise; 0 when it overflows or either has
 * too many digits (acc is then left as it was). */
int nb_dec_add(NbDec *acc, NbDec x);
/* -1, 0 or 1 as a is less than, equal to or greater than b (both held: places >= 0). */
int nb_dec_cmp(NbDec a, NbDec b);

#endif
