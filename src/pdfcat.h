/* A combined PDF written as it is made: the objects of whole PDFs (the painter's, one
 * report each) copied in, renumbered, one after another, so that memory does not grow with
 * their number. It knows PDF's syntax, not libharu; part of the painter's stage. */
#ifndef NB_PDFCAT_H
#define NB_PDFCAT_H

#include <stddef.h>

#include "util.h"

typedef struct NbCat NbCat;

/* A combined PDF on out (which the caller commits or aborts); its header is written. */
NbCat *nb_cat_new(NbOut *out);
void nb_cat_free(NbCat *c);

/* A new object number, to be written later by nb_cat_object (every one must be). */
unsigned nb_cat_reserve(NbCat *c);
/* Write the reserved object num: its value (PDF syntax, already numbered); 0 on failure. */
int nb_cat_object(NbCat *c, unsigned num, const char *body, size_t len);

typedef struct {
    unsigned old, to;   /* the object `old` is not copied: what refers to it gets `to` */
} NbCatSub;

typedef struct {
    const NbCatSub *subs;
    size_t nsubs;
    unsigned pages_parent; /* the page tree joins under this node; 0: no pages are copied */
    int keep_info;         /* copy its document information dictionary too */
} NbCatImport;

typedef struct {
    unsigned pages;        /* its page tree node, now a kid of pages_parent */
    size_t npages;
    unsigned first_page;
    unsigned outline;      /* the number its outline root refers to: to be written (an item) */
    unsigned outline_first, outline_last;
    size_t outline_count;  /* its outline root's /Count */
    unsigned info;
} NbCatPart;

/* Copy every object of a PDF (a classic cross-reference table, no object streams) but its
 * catalog, its outline root and its info; 1, or 0 with *err (allocated). */
int nb_cat_import(NbCat *c, const char *pdf, size_t len, const NbCatImport *how, NbCatPart *part,
                  char **err);
/* The new number of an object of the last PDF imported, 0 when it was not copied. */
unsigned nb_cat_mapped(const NbCat *c, unsigned old);
/* The highest PDF version imported, as the digit after "1." (the header says 1.4). */
char nb_cat_version(const NbCat *c);
/* The cross-reference table and trailer; 0 with *err set when it cannot be written. */
int nb_cat_finish(NbCat *c, unsigned root, unsigned info, const char **err);

/* A PDF text string into b: UTF-16BE with its byte order mark, in hex (<FEFF…>). */
void nb_pdf_text_string(NbBuf *b, const char *s);

/* Reading one PDF of a classic cross-reference table (as libharu writes it), to update it:
 * its trailer's entries and its dictionaries' text. */
typedef struct NbPdfIn NbPdfIn;
NbPdfIn *nb_pdfin_open(const char *pdf, size_t len, char **err); /* NULL with *err */
void nb_pdfin_free(NbPdfIn *r);
/* The trailer's value of key: [*v, *ve) (1), or 0 when it has none. */
int nb_pdfin_trailer_get(const NbPdfIn *r, const char *key, const char **v, const char **ve);
/* The object number the trailer's key refers to, 0 when it does not. */
unsigned long nb_pdfin_trailer_ref(const NbPdfIn *r, const char *key);
size_t nb_pdfin_startxref(const NbPdfIn *r);
/* Object num, a dictionary (not a stream): its text [*s, *e), from << to >>. */
int nb_pdfin_dict(const NbPdfIn *r, unsigned long num, const char **s, const char **e, char **err);
/* Does the dictionary text [s, e) have key at its top level? */
int nb_pdfin_has(const char *s, const char *e, const char *key);

#endif
