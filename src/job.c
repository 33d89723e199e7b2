#include "job.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "compose.h"
#include "flow.h"
#include "font.h"
#include "layout.h"
#include "pdf.h"
#include "report.h"
#include "xlsx.h"
#include "yamltree.h"

#define S_CACHE 4

/* A layout and its fonts, loaded once per worker. */
typedef struct {
    char *path;
    NbLayout *layout;
    NbFonts *fonts; /* opened on first use: check without fonts stays cheap */
    int fonts_failed;
} S_Loaded;

struct NbWorker {
    NbJobOpts o;
    S_Loaded cache[S_CACHE];
    size_t ncache;
    NbPdfPainter *painter;
    NbFonts **retired; /* fonts whose files changed, freed with the worker */
    size_t nretired;
    char *agency;      /* the last report loaded: whose, and of which year */
    int year;
    char **where;      /* a workbook's report: the cell each line of its YAML comes from */
    size_t nwhere;
};

static void S_where_free(NbWorker *w)
{
    for (size_t i = 0; i < w->nwhere; i++) free(w->where[i]);
    free(w->where);
    w->where = NULL, w->nwhere = 0;
}

/* Messages about a workbook's report name its sheet and cell, not the YAML made of it. */
static void S_remap(const NbWorker *w, NbDiag *diag, size_t from, const char *input)
{
    size_t il = strlen(input);
    for (size_t i = from; w->nwhere && i < diag->n; i++) {
        NbDiagItem *it = &diag->items[i];
        /* a place quoted inside the message ("… (BOOK.xlsx:45:8)") names its cell too */
        for (char *q = strstr(it->msg, input); q; q = strstr(q + 1, input)) {
            char *end;
            long line = q[il] == ':' ? strtol(q + il + 1, &end, 10) : 0;
            if (line <= 0 || (size_t)line >= w->nwhere || !w->where[line] || *end != ':') continue;
            strtol(end + 1, &end, 10);
            NbBuf b = {0};
            nb_buf_add(&b, it->msg, (size_t)(q - it->msg));
            nb_buf_puts(&b, w->where[line]);
            size_t at = b.len;
            nb_buf_puts(&b, end);
            free(it->msg);
            it->msg = b.s;
            q = it->msg + at - 1;
        }
        if (it->line <= 0 || (size_t)it->line >= w->nwhere || strcmp(it->file, input) != 0) continue;
        const char *cell = w->where[it->line];
        if (!cell) continue;
        free(it->file);
        it->file = nb_xstrdup(cell);
        it->line = it->col = 0;
    }
}

NbWorker *nb_worker_new(const NbJobOpts *o)
{
    NbWorker *w = nb_xcalloc(1, sizeof *w);
    w->o = *o;
    return w;
}

void nb_worker_free(NbWorker *w)
{
    if (!w) return;
    for (size_t i = 0; i < w->ncache; i++) {
        free(w->cache[i].path);
        nb_fonts_free(w->cache[i].fonts);
        nb_layout_free(w->cache[i].layout);
    }
    nb_pdf_painter_free(w->painter);
    for (size_t i = 0; i < w->nretired; i++) nb_fonts_free(w->retired[i]);
    free(w->retired);
    free(w->agency);
    S_where_free(w);
    free(w);
}

/* The layout at path, loaded (and set for the paper) once. */
static S_Loaded *S_layout(NbWorker *w, const char *path, NbDiag *diag)
{
    for (size_t i = 0; i < w->ncache; i++)
        if (strcmp(w->cache[i].path, path) == 0) return &w->cache[i];
    NbLayout *l = nb_layout_load(path, diag);
    if (!l) return NULL;
    if (w->o.paper) {
        double pw, ph;
        if (nb_paper_size(w->o.paper, &pw, &ph)) nb_layout_fit_paper(l, pw, ph);
    }
    if (w->ncache == S_CACHE) { /* many layouts at once is rare: forget the oldest */
        S_Loaded *old = &w->cache[0];
        free(old->path);
        nb_fonts_free(old->fonts);
        nb_layout_free(old->layout);
        memmove(w->cache, w->cache + 1, (S_CACHE - 1) * sizeof *w->cache);
        w->ncache--;
    }
    S_Loaded *c = &w->cache[w->ncache++];
    *c = (S_Loaded){nb_xstrdup(path), l, NULL, 0};
    return c;
}

/* The layout a report names (id, or NULL for the default), unless --layout says another. */
static S_Loaded *S_layout_for(NbWorker *w, const char *id, NbDiag *diag)
{
    if (w->o.layout) id = w->o.layout;
    char *path = nb_layout_path(w->o.data_dir, id ? id : NB_DEFAULT_LAYOUT);
    S_Loaded *c = S_layout(w, path, diag);
    free(path);
    return c;
}

/* The fonts of a cached layout, opened on first use (a check without glyphs stays cheap). */
static NbFonts *S_fonts(NbWorker *w, S_Loaded *c, NbDiag *diag)
{
    const char *which = NULL;
    if (c->fonts && nb_fonts_changed(c->fonts, &which)) {
        /* replaced or truncated under us: every face is opened again, and the painter's
         * parsed fonts (which point into the old mappings) are dropped */
        nb_diag_add(diag, NB_WARNING, (NbMark){which, 0, 0},
                    "this font file changed while nianbao ran; it is read again");
        /* documents laid out already (a combined PDF) may still name it: kept till the end */
        w->retired = nb_xrealloc(w->retired, (w->nretired + 1) * sizeof *w->retired);
        w->retired[w->nretired++] = c->fonts;
        c->fonts = NULL, c->fonts_failed = 0;
        nb_pdf_painter_free(w->painter);
        w->painter = NULL;
    }
    if (c->fonts || c->fonts_failed) return c->fonts;
    char **dirs = nb_xcalloc(w->o.nfont_dirs + 1, sizeof *dirs);
    size_t nd = 0;
    for (size_t i = 0; i < w->o.nfont_dirs; i++) dirs[nd++] = nb_xstrdup(w->o.font_dirs[i]);
    dirs[nd++] = nb_xasprintf("%s/fonts", w->o.data_dir);
    c->fonts = nb_fonts_open(c->layout, (const char *const *)dirs, nd, diag);
    for (size_t i = 0; i < nd; i++) free(dirs[i]);
    free(dirs);
    c->fonts_failed = c->fonts == NULL;
    return c->fonts;
}

static int S_prev_cmp(const void *key, const void *item)
{
    const NbPrevious *a = key, *b = item;
    if (a->year != b->year) return a->year < b->year ? -1 : 1;
    return strcmp(a->agency, b->agency);
}

/* The unit's report of the year before, from batch --previous DIR; NULL (with a warning
 * that says so) when there is none, or two. */
static const char *S_previous_of(NbWorker *w, const NbReport *r, const char *input, NbDiag *diag)
{
    NbPrevious key = {r->agency, r->year - 1, NULL, NULL};
    const NbPrevious *p = bsearch(&key, w->o.previous_of, w->o.nprevious_of, sizeof *p, S_prev_cmp);
    NbMark at = {input, 0, 0};
    if (!p)
        nb_diag_add(diag, NB_WARNING, at, "no report of %d for %s among last year's reports: its "
                                          "上年结转 is not checked against them", r->year - 1, r->agency);
    else if (p->other)
        nb_diag_add(diag, NB_WARNING, at, "two reports of %d for %s among last year's (%s and %s): "
                                          "its 上年结转 is not checked until one is taken away",
                    r->year - 1, r->agency, p->path, p->other);
    return p && !p->other ? p->path : NULL;
}

/* The agency and year a parsed report gives, as written. */
static void S_identity(const NbYDoc *doc, char **agency, int *year)
{
    const NbYNode *an = doc && doc->root ? nb_ymap_get(doc->root, "agency") : NULL;
    const NbYNode *yn = doc && doc->root ? nb_ymap_get(doc->root, "year") : NULL;
    if (an && an->kind == NB_Y_SCALAR && *an->str) *agency = nb_xstrdup(an->str);
    if (yn && yn->kind == NB_Y_SCALAR) *year = (int)strtol(yn->str, NULL, 10);
}

void nb_job_identity(const char *path, char **agency, int *year)
{
    *agency = NULL, *year = 0;
    NbDiag d = {0};
    NbYDoc *doc = nb_report_load(path, &d);
    S_identity(doc, agency, year);
    nb_ydoc_free(doc);
    nb_diag_free(&d);
}

/* Load and check a report: its layout (cached) and the report, or NULL with diagnostics
 * and *status set. */
static NbReport *S_load(NbWorker *w, const char *input, const char *text, size_t len,
                        S_Loaded **cp, NbDiag *diag, NbJobStatus *status)
{
    *status = NB_JOB_DATA;
    free(w->agency);
    w->agency = NULL, w->year = 0;
    size_t before = diag->errors; /* reading the text may find errors (a full-width colon) */
    S_where_free(w);
    char *made = NULL; /* a workbook read as the report's YAML */
    if (!text && nb_xlsx_name(input)) {
        NbXlsx *x = nb_xlsx_open(input, diag);
        if (!x) return NULL;
        S_Loaded *xl = S_layout_for(w, nb_xlsx_layout_id(x), diag);
        if (!xl) {
            nb_xlsx_free(x);
            *status = NB_JOB_SYSTEM;
            return NULL;
        }
        made = nb_xlsx_yaml(x, xl->layout, &len, &w->where, &w->nwhere, diag);
        nb_xlsx_free(x);
        text = made;
    }
    NbYDoc *doc = text ? nb_report_parse(input, text, len, diag) : nb_report_load(input, diag);
    free(made);
    if (!doc) {
        struct stat st;
        if (!text && (stat(input, &st) != 0 || !S_ISREG(st.st_mode))) *status = NB_JOB_SYSTEM;
        return NULL;
    }
    S_Loaded *c = S_layout_for(w, nb_report_layout_id(doc), diag);
    if (!c) {
        nb_ydoc_free(doc);
        *status = NB_JOB_SYSTEM;
        return NULL;
    }
    const NbLayout *l = c->layout;
    /* whose and which year, as written, even when the report has errors */
    S_identity(doc, &w->agency, &w->year);
    NbReport *r = nb_report_from_yaml(doc, l, diag);
    nb_ydoc_free(doc);
    if (r && diag->errors > before) nb_report_free(r), r = NULL;
    if (!r) return NULL;
    size_t errors = diag->errors;
    nb_check_report(r, l, diag);
    const char *previous = w->o.previous_of ? S_previous_of(w, r, input, diag) : w->o.previous;
    if (previous) { /* last year's report, for the carry rules (R6) */
        NbYDoc *pdoc = nb_report_load(previous, diag);
        NbReport *prev = pdoc ? nb_report_from_yaml(pdoc, l, diag) : NULL;
        nb_ydoc_free(pdoc);
        if (prev && (prev->year != r->year - 1 || !prev->agency || !r->agency ||
                     strcmp(prev->agency, r->agency) != 0))
            nb_diag_add(diag, NB_ERROR, (NbMark){previous, 0, 0},
                        "this is %s's report for %d, not %s's for %d, the year before this "
                        "report's: give that one", prev->agency ? prev->agency : "?", prev->year,
                        r->agency ? r->agency : "?", r->year - 1);
        else if (prev) nb_check_previous(r, prev, l, diag);
        else if (diag->errors == errors)
            nb_diag_add(diag, NB_ERROR, (NbMark){previous, 0, 0}, "cannot use last year's report");
        struct stat st;
        if (!pdoc && (stat(previous, &st) != 0 || !S_ISREG(st.st_mode))) *status = NB_JOB_SYSTEM;
        nb_report_free(prev);
    }
    if (diag->errors > errors) { /* the rules found errors: nothing is rendered */
        nb_report_free(r);
        return NULL;
    }
    *cp = c;
    *status = NB_JOB_OK;
    return r;
}

/* Compose and lay out a loaded report. */
static NbJobStatus S_typeset(NbWorker *w, S_Loaded *c, const NbReport *r, NbDoc *doc,
                             NbDiag *diag)
{
    NbFonts *fonts = S_fonts(w, c, diag);
    if (!fonts) return NB_JOB_SYSTEM;
    NbBlocks blocks = {0};
    nb_compose(r, c->layout, &blocks);
    int ok = nb_flow_cover(&blocks, fonts, diag);
    if (ok && doc) {
        nb_flow(&blocks, c->layout, fonts, doc);
        doc->title = nb_xstrdup(r->title);
        for (char *p = doc->title; *p; p++)
            if (*p == '|') memmove(p, p + 1, strlen(p)), p--;
        doc->author = nb_xstrdup(r->agency);
        doc->fonts = fonts;
    }
    nb_blocks_free(&blocks);
    return ok ? NB_JOB_OK : NB_JOB_DATA;
}

/* Paint a document and write it to out (atomically). */
static NbJobResult S_paint(NbWorker *w, const NbDoc *doc, const char *out, NbDiag *diag)
{
    NbJobResult res = {NB_JOB_OK, 0, 0};
    if (!w->painter) {
        w->painter = nb_pdf_painter_new();
        nb_pdf_painter_pdfa(w->painter, w->o.pdfa);
    }
    char *pdf = NULL, *why = NULL;
    size_t len = 0;
    if (!nb_pdf_paint(w->painter, doc, &pdf, &len, diag)) {
        res.status = NB_JOB_SYSTEM;
        return res;
    }
    if (w->o.signer && !nb_sign_pdf(w->o.signer, &pdf, &len, nb_pdf_painter_spot(w->painter), &why)) {
        nb_diag_add(diag, NB_ERROR, (NbMark){out, 0, 0}, "cannot sign the PDF: %s", why);
        free(why);
        free(pdf);
        res.status = NB_JOB_SYSTEM;
        return res;
    }
    const char *err = NULL;
    if (!nb_write_atomic(out, pdf, len, &err)) {
        nb_diag_add(diag, NB_ERROR, (NbMark){out, 0, 0}, "cannot write the PDF: %s", err);
        res.status = NB_JOB_SYSTEM;
    } else { /* counted only when written */
        res.pages = doc->npages;
        res.bytes = len;
    }
    free(pdf);
    return res;
}

static NbJobResult S_run(NbWorker *w, const char *input, const char *text, size_t len,
                         const char *out, const char *dump_boxes, NbDiag *diag);

NbJobResult nb_worker_run(NbWorker *w, const char *input, const char *text, size_t len,
                          const char *out, const char *dump_boxes, NbDiag *diag)
{
    size_t from = diag->n;
    NbJobResult res = S_run(w, input, text, len, out, dump_boxes, diag);
    S_remap(w, diag, from, input);
    return res;
}

static NbJobResult S_run(NbWorker *w, const char *input, const char *text, size_t len,
                         const char *out, const char *dump_boxes, NbDiag *diag)
{
    NbJobResult res = {NB_JOB_OK, 0, 0};
    S_Loaded *c = NULL;
    NbReport *r = S_load(w, input, text, len, &c, diag, &res.status);
    if (!r) return res;
    NbDoc doc = {0};
    /* check: every character must be drawable, so it composes too, against the fonts */
    res.status = S_typeset(w, c, r, out ? &doc : NULL, diag);
    if (res.status == NB_JOB_OK && out) {
        res = S_paint(w, &doc, out, diag);
        if (res.status == NB_JOB_OK && dump_boxes && !nb_doc_dump_boxes(&doc, dump_boxes)) {
            nb_diag_add(diag, NB_ERROR, (NbMark){dump_boxes, 0, 0}, "cannot write the boxes");
            res.status = NB_JOB_SYSTEM;
        }
    }
    nb_doc_free(&doc);
    nb_report_free(r);
    return res;
}

NbReport *nb_worker_load(NbWorker *w, const char *input, const NbLayout **layout, NbDiag *diag)
{
    S_Loaded *c = NULL;
    NbJobStatus status;
    size_t from = diag->n;
    NbReport *r = S_load(w, input, NULL, 0, &c, diag, &status);
    S_remap(w, diag, from, input);
    if (r) *layout = c->layout;
    return r;
}

/* Lay out a checked report as a document; NB_JOB_OK or an error status. */
static NbJobStatus S_layout_doc(NbWorker *w, const char *input, NbDoc *doc, NbDiag *diag)
{
    S_Loaded *c = NULL;
    NbJobStatus status;
    size_t from = diag->n;
    NbReport *r = S_load(w, input, NULL, 0, &c, diag, &status);
    if (r) status = S_typeset(w, c, r, doc, diag);
    S_remap(w, diag, from, input);
    nb_report_free(r);
    return status;
}

NbJobResult nb_worker_combine(NbWorker *w, const char *const *inputs, size_t n, const char *out,
                              int duplex, NbProgress progress, void *user, NbDiag *diag)
{
    NbJobResult res = {NB_JOB_OK, 0, 0};
    const char *err = NULL;
    NbOut *o = nb_out_open(out, &err);
    if (!o) {
        nb_diag_add(diag, NB_ERROR, (NbMark){out, 0, 0}, "cannot write the PDF: %s", err);
        res.status = NB_JOB_SYSTEM;
        return res;
    }
    NbPdfCombined *c = nb_pdf_combined_new(o, duplex);
    int ok = 1;
    /* the first pass gathers what the fonts must hold, the second paints: each report laid
     * out twice, never all at once */
    for (int pass = 0; pass < 2 && ok; pass++) {
        for (size_t i = 0; i < n && ok; i++) {
            if (nb_signal_caught()) ok = 0, res.status = NB_JOB_SYSTEM;
            NbDoc doc = {0};
            if (ok && S_layout_doc(w, inputs[i], &doc, diag) != NB_JOB_OK) {
                ok = 0, res.status = NB_JOB_DATA;
            } else if (ok && !pass && !nb_pdf_combined_collect(c, &doc)) {
                nb_diag_add(diag, NB_ERROR, (NbMark){inputs[i], 0, 0},
                            "a combined PDF holds reports of one format; this one has another layout");
                ok = 0, res.status = NB_JOB_DATA;
            } else if (ok && pass && !nb_pdf_combined_add(c, &doc, diag)) {
                ok = 0, res.status = NB_JOB_SYSTEM;
            }
            nb_doc_free(&doc);
            if (progress) progress(user, pass * n + i + 1, 2 * n);
        }
        if (ok && !pass && !nb_pdf_combined_start(c, diag)) ok = 0, res.status = NB_JOB_SYSTEM;
    }
    if (ok && !nb_pdf_combined_end(c, &res.pages, diag)) ok = 0, res.status = NB_JOB_SYSTEM;
    nb_pdf_combined_free(c);
    res.bytes = nb_out_size(o);
    if (!ok) {
        nb_out_abort(o);
    } else if (!nb_out_commit(o, &err)) {
        nb_diag_add(diag, NB_ERROR, (NbMark){out, 0, 0}, "cannot write the PDF: %s", err);
        res.status = NB_JOB_SYSTEM;
    }
    return res;
}

const char *nb_worker_identity(const NbWorker *w, int *year)
{
    *year = w->year;
    return w->agency;
}
