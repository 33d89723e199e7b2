/* Layout files: everything specific to one official format, as data
 * (page geometry, styles, font roles, the data schema, the document's blocks, table grids). */
#ifndef NB_LAYOUT_H
#define NB_LAYOUT_H

#include "util.h"
#include "yamltree.h"

typedef enum { NB_ALIGN_LEFT, NB_ALIGN_CENTER, NB_ALIGN_RIGHT, NB_ALIGN_JUSTIFY } NbAlign;

/* A style, named by the layout (any number of them); blocks refer to it by index. */
typedef struct {
    char *name;
    int font_role;        /* index into Layout.roles */
    double size;          /* pt */
    NbAlign align;
    double indent;        /* first-line indent, pt */
    double leading;       /* line pitch, pt; 0 = the page's body line pitch */
    double space_before, space_after; /* pt */
    double pad_v, pad_h;  /* table cell padding, pt */
    double rule;          /* table rule width, pt */
    int grid;             /* full-width characters sit on the page's character grid */
    double em;            /* a character: the grid pitch on the grid, else the size */
} NbStyle;

typedef struct {
    char *name;
    char **families;
    size_t n;
} NbFontRole;

/* One numeric row of report data, e.g. requests.denied.state_secret. */
typedef struct {
    char *path;       /* dotted path */
    int count;        /* values the user gives (without the total) */
    int total;        /* a computed 总计 is appended */
    int decimal;      /* values may be decimals (万元) */
    char *label;      /* Chinese row label for messages */
    int computed;     /* row computed from `sum` rows, never given */
    int *sum;         /* indexes of fields summed (computed rows) */
    size_t nsum;
} NbField;

typedef struct {
    int row, col, rowspan, colspan;
    char *text;       /* label text, NULL for number cells */
    int field, index; /* number cells: field and element; -1 otherwise */
} NbCellSpec;

typedef struct {
    char *key, *section;
    size_t ncols, nrows;
    double *col_width; /* pt when > 0; -fr when < 0 */
    int header_rows;
    NbAlign label_align, header_align, number_align;
    NbCellSpec *cells;
    size_t ncells;
} NbTableSpec;

/* Consistency rules (FORMAT.md §7), evaluated by check.c. */
typedef enum { NB_RULE_EQUAL, NB_RULE_TOTAL, NB_RULE_RANGE, NB_RULE_CARRY, NB_RULE_PROSE } NbRuleKind;

/* A named sum of rows, e.g. "（三）" = every row under requests.denied. */
typedef struct {
    char *name;
    int *fields;
    size_t n;
} NbRuleTerm;

/* Values [from, to] of one row, summed (to == -1: the row's last value, its 总计). */
typedef struct {
    int field, from, to;
} NbCellRef;

/* A phrase of the prose that states a table's figure: `find` is literal text with {n} for
 * the number and … for up to 15 characters within a clause; `means` gives the number a
 * phrase without {n} states (未收到…申请 means 0). */
typedef struct {
    char *find;
    int has_means;
    double means;
    NbCellRef *cells;
    size_t ncells;
    char *cells_text;  /* the cells as written in the layout, for messages */
} NbPhrase;

typedef struct {
    char *id;           /* R1 … */
    NbRuleKind kind;
    NbRuleTerm *left, *right;   /* equal: Σ left = Σ right, per column */
    size_t nleft, nright;
    int *fields;                /* total and range: the rows it applies to */
    size_t nfields;
    double min, max;            /* range */
    int whole;                  /* range: whole numbers, except decimal rows */
    int this_field, prev_field; /* carry: this year's row = last year's row, per column */
    NbPhrase *phrases;          /* prose */
    size_t nphrases;
} NbRule;

typedef enum {
    NB_BLK_TITLE, NB_BLK_PROSE, NB_BLK_HEADING, NB_BLK_TABLE, NB_BLK_SIGNATURE
} NbBlockKind;

/* The signature block's geometry (GB/T 9704 §7.3.5), in pt. */
typedef struct {
    double right;         /* no seal: from the name's end to the type area's right edge */
    double date_indent;   /* no seal: the date starts this far right of the name */
    double sealed_right;  /* with a seal: from the date's end to the right edge */
    double space_before;  /* between the text above and the name */
    double seal_width;    /* the printed seal */
    double seal_lift;     /* the seal's centre above the middle of name and date */
    char *seal_alt;       /* the seal's replacement text for a screen reader ({agency}) */
} NbSignatureSpec;

typedef struct {
    NbBlockKind kind;
    char *text;         /* heading text, or the prose field's key, or the table's key */
    int style;          /* index into styles */
    int heading_style;  /* prose: the style of its run-in and one-line headings */
    int level;          /* heading: its depth in the outline, from 1 */
    int table;          /* index into tables */
} NbBlockSpec;

/* A text for one prose field of the document (the 汇总's, the template's guidance). */
typedef struct {
    char *field, *text;
} NbFieldText;

typedef struct {
    char *file;
    char *id, *name;
    double page_w, page_h;                 /* pt */
    double margin_top, margin_bottom, margin_left, margin_right;
    int lines;
    double pitch;                          /* body line pitch, pt */
    int chars;                             /* characters per body line (0 = no grid) */
    double char_pitch;                     /* type area width / chars, pt */
    char *continued;                       /* label over a table's continuation, or NULL */
    double clean_break;                    /* how much of the type area a table break that
                                            * splits no label may leave empty (0–1) */
    char *page_number_text;                /* contains {page} */
    double page_number_below, page_number_inset;
    int page_number_style;
    NbFontRole *roles;
    size_t nroles;
    int fallback_role;                     /* -1 when none */
    NbStyle *styles;
    size_t nstyles;
    char *title_template;                  /* {agency} {year}, '|' preferred break */
    char **title_breaks;                   /* a title may break after these (…处, …局) */
    size_t ntitle_breaks;
    char *date_format;                     /* {y} {m} {d} */
    int year_min, year_max;                /* the report years this format is for */
    char *template_head;                   /* `nianbao template`: its opening lines */
    char *template_prose;                  /* …and what stands in each prose field */
    char *template_agency;                 /* the example unit the template names ("" none) */
    NbFieldText *guidance;                 /* an example paragraph for a prose field */
    size_t nguidance;
    NbSignatureSpec signature;
    NbField *fields;
    size_t nfields;
    NbBlockSpec *blocks;
    size_t nblocks;
    NbTableSpec *tables;
    size_t ntables;
    NbRule *rules;
    size_t nrules;
    int has_summary;                       /* summary: how a district's 汇总 is worded */
    char *summary_title;                   /* {agency} {year}, '|' a preferred break */
    NbFieldText *summary_prose;         /* {agency} {year} {count} {units} {missing_note} */
    size_t nsummary_prose;
    char *summary_missing;                 /* {missing} {missing_count}: units left out */
} NbLayout;

#define NB_DEFAULT_LAYOUT "gov-info-disclosure-2021"

/* The file of a layout given by id (data_dir/layouts/ID.yaml) or by path (it has a '/' or
 * ends in .yaml or .yml). */
char *nb_layout_path(const char *data_dir, const char *id);

/* Load a layout from a file, or from memory (file names it in messages). Every key is
 * checked: an unknown one is an error with the nearest known key. Returns NULL with
 * diagnostics on error. */
NbLayout *nb_layout_load(const char *path, NbDiag *diag);
NbLayout *nb_layout_parse(const char *file, const char *text, size_t len, NbDiag *diag);
void nb_layout_free(NbLayout *l);

/* Scale every length of the layout for another paper (1.0 = as designed). */
void nb_layout_scale(NbLayout *l, double factor);
/* Set the layout again for another sheet (w × h pt): scaled by the smaller of the two
 * ratios, the margins taking up what is left. */
void nb_layout_fit_paper(NbLayout *l, double w, double h);

int nb_layout_field(const NbLayout *l, const char *path);   /* -1 if absent */
/* Writing a row as report YAML after the row `prev` ("" first): the mapping keys that open
 * on the way to `path`, then "<indent><last key>: ". */
void nb_layout_row_key(NbBuf *b, const char *prev, const char *path);
/* Where a row's value is printed: the table and the grid column; 0 when nowhere. */
int nb_layout_value_cell(const NbLayout *l, int field, int index, const NbTableSpec **table,
                         int *col);
/* The label over a value's column (自然人, 总计, 结果维持, …), or "" */
const char *nb_layout_column_label(const NbLayout *l, int field, int index);
int nb_layout_role(const NbLayout *l, const char *name);    /* -1 if absent */
int nb_layout_style(const NbLayout *l, const char *name);   /* -1 if absent */
/* Is key a prose field of the document (a {prose: key} block)? */
int nb_layout_is_prose(const NbLayout *l, const char *key);
/* The template's example text for a prose field, or NULL. */
const char *nb_layout_guidance(const NbLayout *l, const char *field);

/* Paper sizes by name (A4, A3, …), in pt. Returns 0 if unknown. */
int nb_paper_size(const char *name, double *w, double *h);

#endif
