#include "pdfcat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* ------------------------------------------------------------------ the lexer
 * Enough of PDF's syntax (ISO 32000-1, 7.2-7.3) to find an object's end and its
 * references: white space, comments, delimiters, literal strings with nested parentheses
 * and escapes, hex strings, names, numbers and keywords. */

typedef enum { T_END, T_INT, T_NUM, T_NAME, T_STRING, T_WORD, T_OPEN, T_CLOSE } S_Kind;

typedef struct {
    S_Kind kind;
    const char *s; /* the token's bytes */
    size_t len;
} S_Tok;

static int S_space(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

static int S_delim(char c)
{
    return strchr("()<>[]{}/%", c) != NULL && c != 0;
}

/* The next token at *p (before end), *p moved past it; T_END at the end or on bad syntax
 * (*bad set). */
static S_Tok S_next(const char **p, const char *end, int *bad)
{
    const char *q = *p;
    for (;;) {
        while (q < end && S_space(*q)) q++;
        if (q < end && *q == '%') {
            while (q < end && *q != '\n' && *q != '\r') q++;
            continue;
        }
        break;
    }
    S_Tok t = {T_END, q, 0};
    if (q >= end) {
        *p = q;
        return t;
    }
    const char *s = q;
    if (*q == '(') {
        int depth = 0;
        for (; q < end; q++) {
            if (*q == '\\') q++;
            else if (*q == '(') depth++;
            else if (*q == ')' && --depth == 0) break;
        }
        if (q >= end) return *bad = 1, t;
        q++;
        t.kind = T_STRING;
    } else if (*q == '<' && q + 1 < end && q[1] == '<') {
        q += 2, t.kind = T_OPEN;
    } else if (*q == '>' && q + 1 < end && q[1] == '>') {
        q += 2, t.kind = T_CLOSE;
    } else if (*q == '<') {
        q = memchr(q, '>', (size_t)(end - q));
        if (!q) return *bad = 1, t;
        q++;
        t.kind = T_STRING;
    } else if (*q == '[') {
        q++, t.kind = T_OPEN;
    } else if (*q == ']') {
        q++, t.kind = T_CLOSE;
    } else if (*q == '/') {
        for (q++; q < end && !S_space(*q) && !S_delim(*q);) q++;
        t.kind = T_NAME;
    } else if (S_delim(*q)) { /* ) > { } out of place */
        return *bad = 1, t;
    } else {
        int digits = 1, sign = *q == '+' || *q == '-';
        for (const char *r = q + sign; r < end && !S_space(*r) && !S_delim(*r); r++)
            if (*r < '0' || *r > '9') digits = 0;
        while (q < end && !S_space(*q) && !S_delim(*q)) q++;
        t.kind = digits && q > s + sign ? T_INT : (*s == '.' || sign || (*s >= '0' && *s <= '9')) ? T_NUM : T_WORD;
    }
    t.s = s, t.len = (size_t)(q - s);
    *p = q;
    return t;
}

static int S_word(S_Tok t, const char *w)
{
    return t.len == strlen(w) && memcmp(t.s, w, t.len) == 0;
}

/* An integer token's value, at most 2^32 - 1 (more is no object number or length here). */
static unsigned long S_int(S_Tok t)
{
    unsigned long v = 0;
    for (size_t i = 0; i < t.len; i++) {
        if (t.s[i] < '0' || t.s[i] > '9') continue;
        v = v * 10 + (unsigned long)(t.s[i] - '0');
        if (v > 0xFFFFFFFFul) return 0xFFFFFFFFul;
    }
    return v;
}

/* A value's end: one complete value from *p (a dictionary or array with all it holds, a
 * reference "n g R", or one token); 0 on bad syntax. */
static int S_skip_value(const char **p, const char *end)
{
    int bad = 0, depth = 0;
    do {
        S_Tok t = S_next(p, end, &bad);
        if (t.kind == T_END) return 0;
        if (t.kind == T_OPEN) depth++;
        else if (t.kind == T_CLOSE && --depth < 0) return 0;
        else if (t.kind == T_INT && depth == 0) { /* maybe a reference */
            const char *q = *p;
            S_Tok g = S_next(&q, end, &bad), r = S_next(&q, end, &bad);
            if (g.kind == T_INT && S_word(r, "R")) *p = q;
        }
    } while (depth > 0);
    return 1;
}

/* In the dictionary text [s, end), the value of key at its top level: [*v, *vend); 0 when
 * absent. */
static int S_dict_get(const char *s, const char *end, const char *key, const char **v,
                      const char **vend)
{
    const char *p = s;
    int bad = 0;
    S_Tok t = S_next(&p, end, &bad);
    if (t.kind != T_OPEN || !S_word(t, "<<")) return 0;
    for (;;) {
        t = S_next(&p, end, &bad);
        if (t.kind != T_NAME) return 0;
        const char *at = p;
        if (!S_skip_value(&p, end)) return 0;
        if (t.len == strlen(key) + 1 && memcmp(t.s + 1, key, t.len - 1) == 0) {
            while (at < p && S_space(*at)) at++;
            *v = at, *vend = p;
            return 1;
        }
    }
}

/* The value of key read as an object number ("n 0 R") or an integer (ref 0): 1 when it is
 * one of them. */
static int S_dict_num(const char *s, const char *end, const char *key, unsigned long *num,
                      int *ref)
{
    const char *v, *ve;
    if (!S_dict_get(s, end, key, &v, &ve)) return 0;
    int bad = 0;
    S_Tok a = S_next(&v, ve, &bad), b = S_next(&v, ve, &bad), r = S_next(&v, ve, &bad);
    if (a.kind != T_INT) return 0;
    *num = S_int(a);
    *ref = b.kind == T_INT && S_word(r, "R");
    return *ref || b.kind == T_END;
}

/* ------------------------------------------------------------------ the output */

struct NbCat {
    NbOut *out;
    size_t *offset; /* by object number: where it starts, 0 when not written yet */
    size_t nobj, cap; /* numbers 1..nobj are taken */
    unsigned *map;    /* the last import's old numbers → new (0: not copied) */
    size_t nmap;
    char version;     /* the highest PDF 1.x version imported: its x */
    int failed;
};

NbCat *nb_cat_new(NbOut *out)
{
    NbCat *c = nb_xcalloc(1, sizeof *c);
    c->out = out;
    c->version = '4';
    /* a binary comment after the header line, so that transfer programs keep bytes as they are */
    static const char head[] = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    c->failed = !nb_out_write(out, head, sizeof head - 1);
    return c;
}

void nb_cat_free(NbCat *c)
{
    if (!c) return;
    free(c->offset);
    free(c->map);
    free(c);
}

unsigned nb_cat_reserve(NbCat *c)
{
    nb_grow(&c->offset, &c->cap, c->nobj + 2, sizeof *c->offset);
    c->offset[++c->nobj] = 0;
    return (unsigned)c->nobj;
}

static void S_put(NbCat *c, const void *s, size_t len)
{
    if (!c->failed && !nb_out_write(c->out, s, len)) c->failed = 1;
}

static void S_begin_obj(NbCat *c, unsigned num)
{
    char head[32];
    c->offset[num] = nb_out_size(c->out);
    int n = snprintf(head, sizeof head, "%u 0 obj\n", num);
    S_put(c, head, (size_t)n);
}

int nb_cat_object(NbCat *c, unsigned num, const char *body, size_t len)
{
    if (num == 0 || num > c->nobj || c->offset[num]) return 0;
    S_begin_obj(c, num);
    S_put(c, body, len);
    S_put(c, "\nendobj\n", 8);
    return !c->failed;
}

unsigned nb_cat_mapped(const NbCat *c, unsigned old)
{
    return old < c->nmap ? c->map[old] : 0;
}

/* ------------------------------------------------------------------ importing */

typedef struct {
    const char *pdf, *end;
    size_t *at;   /* by old number: the offset of "n g obj", 0 when free */
    size_t n;     /* old numbers 0..n-1 */
} S_In;

/* The classic cross-reference table at startxref (libharu writes no other kind). */
static int S_read_xref(S_In *in, const char **trailer, char **err)
{
    const char *pdf = in->pdf, *end = in->end;
    size_t len = (size_t)(end - pdf);
    const char *sx = NULL;
    for (size_t back = len < 64 ? len : 64; back >= 9 && !sx; back--)
        if (memcmp(end - back, "startxref", 9) == 0) sx = end - back;
    if (!sx) return nb_fail(err, "no startxref at its end");
    const char *p = sx + 9;
    int bad = 0;
    S_Tok t = S_next(&p, end, &bad);
    unsigned long xref = S_int(t);
    if (t.kind != T_INT || xref + 4 > len || memcmp(pdf + xref, "xref", 4) != 0)
        return nb_fail(err, "its startxref does not lead to a cross-reference table");
    p = pdf + xref + 4;
    for (;;) {
        S_Tok first = S_next(&p, end, &bad);
        if (S_word(first, "trailer")) {
            *trailer = p;
            return 1;
        }
        S_Tok count = S_next(&p, end, &bad);
        if (first.kind != T_INT || count.kind != T_INT) return nb_fail(err, "a bad cross-reference table");
        unsigned long f = S_int(first), k = S_int(count);
        if (f + k > 10000000ul || f + k < f) return nb_fail(err, "a cross-reference table too large");
        while (p < end && S_space(*p)) p++;
        if ((size_t)(end - p) < 20 * k) return nb_fail(err, "a cross-reference table cut short");
        if (f + k > in->n) {
            in->at = nb_xrealloc(in->at, (f + k) * sizeof *in->at);
            memset(in->at + in->n, 0, (f + k - in->n) * sizeof *in->at);
            in->n = f + k;
        }
        for (unsigned long i = 0; i < k; i++, p += 20) {
            unsigned long off = 0; /* ten digits, then the generation and n or f */
            for (int d = 0; d < 10 && p[d] >= '0' && p[d] <= '9'; d++) off = off * 10 + (unsigned long)(p[d] - '0');
            if (p[17] == 'n' && f + i > 0) {
                if (off >= len) return nb_fail(err, "object %lu lies outside the file", f + i);
                in->at[f + i] = off ? off : 0;
            }
        }
    }
}

/* Object num's value [*s, *e) and, for a stream, its data [*data, *data + *dlen). */
static int S_object_at(const S_In *in, unsigned long num, const char **s, const char **e,
                       const char **data, size_t *dlen, char **err, int depth);

static int S_object(const S_In *in, unsigned long num, const char **s, const char **e,
                    const char **data, size_t *dlen, char **err)
{
    return S_object_at(in, num, s, e, data, dlen, err, 0);
}

/* (depth: a stream's /Length is read at depth 1, where another stream is refused before
 * its own length is looked for: a length that points at itself cannot loop) */
static int S_object_at(const S_In *in, unsigned long num, const char **s, const char **e,
                       const char **data, size_t *dlen, char **err, int depth)
{
    if (num == 0 || num >= in->n || !in->at[num]) return nb_fail(err, "object %lu is missing", num);
    const char *p = in->pdf + in->at[num];
    int bad = 0;
    S_Tok a = S_next(&p, in->end, &bad), g = S_next(&p, in->end, &bad), o = S_next(&p, in->end, &bad);
    if (a.kind != T_INT || S_int(a) != num || g.kind != T_INT || !S_word(o, "obj"))
        return nb_fail(err, "object %lu is not where its cross-reference says", num);
    while (p < in->end && S_space(*p)) p++;
    *s = p;
    if (!S_skip_value(&p, in->end)) return nb_fail(err, "object %lu cannot be read", num);
    *e = p;
    *data = NULL, *dlen = 0;
    const char *q = p;
    S_Tok k = S_next(&q, in->end, &bad);
    if (S_word(k, "stream")) {
        if (depth) return nb_fail(err, "stream %lu's length is not a number", num);
        if (q < in->end && *q == '\r') q++;
        if (q < in->end && *q == '\n') q++;
        unsigned long length;
        int ref;
        if (!S_dict_num(*s, *e, "Length", &length, &ref))
            return nb_fail(err, "stream %lu has no /Length", num);
        if (ref) {
            const char *ls, *le, *ld;
            size_t ll;
            if (!S_object_at(in, length, &ls, &le, &ld, &ll, err, 1)) return 0;
            S_Tok lt = S_next(&ls, le, &bad);
            if (lt.kind != T_INT || ld) return nb_fail(err, "stream %lu's length is not a number", num);
            length = S_int(lt);
        }
        if (length > (size_t)(in->end - q)) return nb_fail(err, "stream %lu runs past the end", num);
        *data = q, *dlen = length;
        q += length;
        S_Tok es = S_next(&q, in->end, &bad);
        if (!S_word(es, "endstream")) return nb_fail(err, "stream %lu has no endstream", num);
        k = S_next(&q, in->end, &bad);
    }
    if (!S_word(k, "endobj")) return nb_fail(err, "object %lu has no endobj", num);
    return 1;
}

void nb_pdf_text_string(NbBuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *end = s + strlen(s);
    nb_buf_puts(b, "<FEFF");
    while (s < end) {
        uint16_t u[2];
        size_t n = nb_utf16(nb_utf8_next(&s, end), u);
        for (size_t k = 0; k < n; k++) {
            char h[4] = {hex[u[k] >> 12], hex[(u[k] >> 8) & 15], hex[(u[k] >> 4) & 15], hex[u[k] & 15]};
            nb_buf_add(b, h, 4);
        }
    }
    nb_buf_puts(b, ">");
}

/* ------------------------------------------------------------------ reading one PDF */

struct NbPdfIn {
    S_In in;
    const char *trailer;  /* the trailer dictionary's text, to the end */
    size_t startxref;
};

NbPdfIn *nb_pdfin_open(const char *pdf, size_t len, char **err)
{
    NbPdfIn *r = nb_xcalloc(1, sizeof *r);
    r->in = (S_In){pdf, pdf + len, NULL, 0};
    if (len < 16 || memcmp(pdf, "%PDF-1.", 7) != 0) nb_fail(err, "not a PDF");
    else if (S_read_xref(&r->in, &r->trailer, err)) {
        while (r->trailer < r->in.end && S_space(*r->trailer)) r->trailer++;
        const char *sx = r->trailer;
        while (sx + 9 <= r->in.end && memcmp(sx, "startxref", 9) != 0) sx++;
        const char *p = sx + 9;
        int bad = 0;
        r->startxref = sx + 9 <= r->in.end ? S_int(S_next(&p, r->in.end, &bad)) : 0;
        return r;
    }
    nb_pdfin_free(r);
    return NULL;
}

void nb_pdfin_free(NbPdfIn *r)
{
    if (!r) return;
    free(r->in.at);
    free(r);
}

int nb_pdfin_trailer_get(const NbPdfIn *r, const char *key, const char **v, const char **ve)
{
    return S_dict_get(r->trailer, r->in.end, key, v, ve);
}

unsigned long nb_pdfin_trailer_ref(const NbPdfIn *r, const char *key)
{
    unsigned long num = 0;
    int ref = 0;
    return S_dict_num(r->trailer, r->in.end, key, &num, &ref) ? num : 0;
}

size_t nb_pdfin_startxref(const NbPdfIn *r)
{
    return r->startxref;
}

int nb_pdfin_dict(const NbPdfIn *r, unsigned long num, const char **s, const char **e, char **err)
{
    const char *data;
    size_t dlen;
    if (!S_object(&r->in, num, s, e, &data, &dlen, err)) return 0;
    if (data || *e - *s < 4 || memcmp(*s, "<<", 2) != 0 || memcmp(*e - 2, ">>", 2) != 0)
        return nb_fail(err, "object %lu is not a dictionary", num);
    return 1;
}

int nb_pdfin_has(const char *s, const char *e, const char *key)
{
    const char *v, *ve;
    return S_dict_get(s, e, key, &v, &ve);
}

/* Copy a value, each reference renumbered by the map; 0 when one leads nowhere. */
static int S_copy_value(NbCat *c, const char *s, const char *e, NbBuf *b, char **err)
{
    const char *p = s, *done = s;
    int bad = 0;
    for (;;) {
        const char *at = p;
        S_Tok t = S_next(&p, e, &bad);
        if (t.kind == T_END) break;
        if (t.kind != T_INT) continue;
        const char *q = p;
        S_Tok g = S_next(&q, e, &bad), r = S_next(&q, e, &bad);
        if (g.kind != T_INT || !S_word(r, "R")) continue;
        unsigned long old = S_int(t);
        unsigned to = old < c->nmap ? c->map[old] : 0;
        if (!to) return nb_fail(err, "a reference to object %lu, which is not copied", old);
        while (at < p && S_space(*at)) at++;
        nb_buf_add(b, done, (size_t)(at - done));
        nb_buf_printf(b, "%u 0 R", to);
        p = done = q;
    }
    if (bad) return nb_fail(err, "bad syntax");
    nb_buf_add(b, done, (size_t)(e - done));
    return 1;
}

int nb_cat_import(NbCat *c, const char *pdf, size_t len, const NbCatImport *how, NbCatPart *part,
                  char **err)
{
    memset(part, 0, sizeof *part);
    if (err) *err = NULL;
    S_In in = {pdf, pdf + len, NULL, 0};
    const char *trailer = NULL;
    NbBuf b = {0};
    int ok = 0;
    if (len < 16 || memcmp(pdf, "%PDF-1.", 7) != 0) {
        nb_fail(err, "not a PDF");
        goto done;
    }
    if (pdf[7] > c->version && pdf[7] <= '7') c->version = pdf[7];
    if (!S_read_xref(&in, &trailer, err)) goto done;
    unsigned long root, info = 0, pages, outlines = 0;
    int ref;
    if (!S_dict_num(trailer, in.end, "Root", &root, &ref) || !ref) {
        nb_fail(err, "its trailer names no catalog");
        goto done;
    }
    if (S_dict_num(trailer, in.end, "Info", &info, &ref) && !ref) info = 0;
    const char *cs, *ce, *cd;
    size_t cl;
    if (!S_object(&in, root, &cs, &ce, &cd, &cl, err)) goto done;
    if (!S_dict_num(cs, ce, "Pages", &pages, &ref) || !ref) {
        nb_fail(err, "its catalog has no page tree");
        goto done;
    }
    if (S_dict_num(cs, ce, "Outlines", &outlines, &ref) && !ref) outlines = 0;

    /* the new numbers: every object but the catalog, the info (unless kept), the outline
     * root (which becomes part->outline), the page tree when not kept, and the replaced */
    free(c->map);
    c->nmap = in.n;
    c->map = nb_xcalloc(in.n ? in.n : 1, sizeof *c->map);
    char *skip = nb_xcalloc(in.n ? in.n : 1, 1);
    if (root < in.n) skip[root] = 1;
    if (info && info < in.n && !how->keep_info) skip[info] = 1;
    if (pages < in.n && !how->pages_parent) skip[pages] = 1;
    for (size_t i = 0; i < how->nsubs; i++)
        if (how->subs[i].old < in.n) skip[how->subs[i].old] = 1, c->map[how->subs[i].old] = how->subs[i].to;
    if (outlines && outlines < in.n) {
        const char *os, *oe, *od;
        size_t ol;
        unsigned long v;
        if (!S_object(&in, outlines, &os, &oe, &od, &ol, err)) goto skipped;
        skip[outlines] = 1;
        c->map[outlines] = part->outline = nb_cat_reserve(c);
        if (S_dict_num(os, oe, "First", &v, &ref) && ref) part->outline_first = (unsigned)v;
        if (S_dict_num(os, oe, "Last", &v, &ref) && ref) part->outline_last = (unsigned)v;
        if (S_dict_num(os, oe, "Count", &v, &ref) && !ref) part->outline_count = (size_t)v;
    }
    for (size_t i = 1; i < in.n; i++)
        if (in.at[i] && !skip[i]) c->map[i] = nb_cat_reserve(c);
    part->outline_first = nb_cat_mapped(c, part->outline_first);
    part->outline_last = nb_cat_mapped(c, part->outline_last);

    if (how->pages_parent) { /* the page tree: its first page, its count */
        const char *ps, *pe, *pd, *v, *ve;
        size_t pl;
        unsigned long count;
        if (!S_object(&in, pages, &ps, &pe, &pd, &pl, err)) goto skipped;
        if (!S_dict_num(ps, pe, "Count", &count, &ref) || ref || !S_dict_get(ps, pe, "Kids", &v, &ve)) {
            nb_fail(err, "its page tree has no /Count or /Kids");
            goto skipped;
        }
        int bad = 0;
        S_Tok o = S_next(&v, ve, &bad), k = S_next(&v, ve, &bad);
        if (count && (o.kind != T_OPEN || k.kind != T_INT)) {
            nb_fail(err, "its page tree's /Kids is not a list of pages");
            goto skipped;
        }
        part->pages = c->map[pages];
        part->npages = (size_t)count;
        part->first_page = count ? nb_cat_mapped(c, (unsigned)S_int(k)) : 0;
    }
    part->info = info && how->keep_info ? nb_cat_mapped(c, (unsigned)info) : 0;

    for (size_t i = 1; i < in.n && !c->failed; i++) {
        if (!in.at[i] || skip[i]) continue;
        const char *s, *e, *data;
        size_t dlen;
        if (!S_object(&in, i, &s, &e, &data, &dlen, err)) goto skipped;
        b.len = 0;
        if (i == pages) { /* the page tree joins the combined one */
            nb_buf_printf(&b, "<<\n/Parent %u 0 R", how->pages_parent);
            if (e - s < 2 || memcmp(s, "<<", 2) != 0) {
                nb_fail(err, "its page tree is not a dictionary");
                goto skipped;
            }
            s += 2;
        }
        if (!S_copy_value(c, s, e, &b, err)) {
            char *why = *err;
            *err = NULL;
            nb_fail(err, "object %zu: %s", i, why);
            free(why);
            goto skipped;
        }
        S_begin_obj(c, c->map[i]);
        S_put(c, b.s, b.len);
        if (data) {
            S_put(c, "\nstream\n", 8);
            S_put(c, data, dlen);
            S_put(c, "\nendstream", 10);
        }
        S_put(c, "\nendobj\n", 8);
    }
    ok = !c->failed;
    if (c->failed) nb_fail(err, "cannot write");
skipped:
    free(skip);
done:
    free(in.at);
    nb_buf_free(&b);
    return ok;
}

int nb_cat_finish(NbCat *c, unsigned root, unsigned info, const char **err)
{
    for (size_t i = 1; i <= c->nobj; i++)
        if (!c->offset[i]) { /* every number reserved is written, or the file would lie */
            *err = _("an object of the combined PDF was never written");
            return 0;
        }
    size_t xref = nb_out_size(c->out);
    NbBuf b = {0};
    nb_buf_printf(&b, "xref\n0 %zu\n0000000000 65535 f\r\n", c->nobj + 1);
    for (size_t i = 1; i <= c->nobj; i++) {
        nb_buf_printf(&b, "%010zu 00000 n\r\n", c->offset[i]);
        if (b.len > 60000) S_put(c, b.s, b.len), b.len = 0;
    }
    nb_buf_printf(&b, "trailer\n<<\n/Size %zu\n/Root %u 0 R\n", c->nobj + 1, root);
    if (info) nb_buf_printf(&b, "/Info %u 0 R\n", info);
    nb_buf_printf(&b, ">>\nstartxref\n%zu\n%%%%EOF\n", xref);
    S_put(c, b.s, b.len);
    nb_buf_free(&b);
    if (c->failed) *err = _("cannot write");
    return !c->failed;
}

char nb_cat_version(const NbCat *c)
{
    return c->version;
}
