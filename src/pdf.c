#include "pdf.h"

#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "cff.h"
#include "pdfcat.h"
#include "subset.h"
#include "utf8.h"

/* ---------------------------------------------------------------- libharu's internals
 * Fonts and page content are written through libharu's own structures, which its public
 * API does not reach: the document's memory manager and cross-reference table
 * (HPDF_Doc_Rec.mmgr, .xref), a stream dictionary's stream, filter and write hook
 * (HPDF_Dict_Rec.stream, .filter, .write_fn) and a page's content stream
 * (HPDF_PageAttr_Rec.stream, .contents), an object's number (HPDF_Obj_Header.obj_id), the catalog, the
 * trailer and the header's version (HPDF_Doc_Rec.catalog, .trailer, .pdf_version). Every such
 * use is in the eleven functions of this section, which also replaces libharu's byte copy.
 * They read the same in libharu 2.3.0 (Debian 12) and 2.4.0-2.4.6 (compared in their
 * sources; pdf.c was built and the suite passed against 2.4.6); 2.4.1 has no version
 * macro. A later version must be compared again before the bound is raised. */
#if !defined(HPDF_VERSION_ID) || HPDF_VERSION_ID < 20300 || HPDF_VERSION_ID >= 20500
#error "pdf.c writes through libharu's internal structures: checked for 2.3.0 and 2.4.0-2.4.6"
#endif

static HPDF_MMgr S_mmgr(HPDF_Doc pdf)
{
    return pdf->mmgr;
}

/* A stream object holding data as it is, with `hook` writing its dictionary's extra entries
 * (the filter of data already deflated). */
static HPDF_Dict S_stream_obj(HPDF_Doc pdf, const void *data, size_t len,
                              HPDF_Dict_OnWriteFunc hook, HPDF_STATUS *st)
{
    HPDF_Dict d = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!d) {
        *st |= HPDF_FAILD_TO_ALLOC_MEM;
        return NULL;
    }
    if (hook) d->write_fn = hook;
    *st |= HPDF_Stream_Write(d->stream, (const HPDF_BYTE *)data, (HPDF_UINT)len);
    return d;
}

/* A dictionary registered as an indirect object. */
static HPDF_Dict S_dict(HPDF_Doc pdf, const char *type)
{
    HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
    if (d && HPDF_Xref_Add(pdf->xref, d) != HPDF_OK) return NULL;
    if (d && type) HPDF_Dict_AddName(d, "Type", type);
    return d;
}

/* The object number libharu gave an indirect object. */
static unsigned S_obj_num(HPDF_Dict d)
{
    return d->header.obj_id & 0x00FFFFFFu;
}

/* The document's catalog and trailer dictionaries. */
static HPDF_Dict S_catalog(HPDF_Doc pdf)
{
    return pdf->catalog;
}

static HPDF_Dict S_trailer(HPDF_Doc pdf)
{
    return pdf->trailer;
}

/* The header's version: 1.7 (ISO 32000-1) for what tagging and PDF/A-2 use (/Tabs is 1.5). */
static void S_version_17(HPDF_Doc pdf)
{
    pdf->pdf_version = HPDF_VER_17;
}

/* A page's content stream, as a stream dictionary. */
static HPDF_Dict S_page_contents(HPDF_Page page)
{
    return ((HPDF_PageAttr)page->attr)->contents;
}

/* Take the data a stream dictionary holds (not yet filtered: libharu filters as it saves),
 * leaving it empty and unfiltered, into *raw. */
static int S_stream_take(HPDF_Dict d, NbBuf *raw)
{
    HPDF_Stream s = d->stream;
    HPDF_UINT n = HPDF_Stream_Size(s);
    raw->len = 0;
    if (n) {
        raw->s = nb_xrealloc(raw->s, n + 1), raw->cap = n + 1;
        HPDF_UINT got = n;
        if (HPDF_Stream_Seek(s, 0, HPDF_SEEK_SET) != HPDF_OK ||
            HPDF_Stream_Read(s, (HPDF_BYTE *)raw->s, &got) != HPDF_OK || got != n)
            return 0;
        raw->len = n;
    }
    HPDF_MemStream_FreeData(s);
    d->filter = HPDF_STREAM_FILTER_NONE;
    return 1;
}

/* Put already filtered data into an emptied stream dictionary, `hook` writing the entries
 * that say so. */
static int S_stream_put(HPDF_Dict d, const void *data, size_t len, HPDF_Dict_OnWriteFunc hook)
{
    d->write_fn = hook;
    return HPDF_Stream_Write(d->stream, (const HPDF_BYTE *)data, (HPDF_UINT)len) == HPDF_OK;
}

/* Append content to a page's content stream. */
static int S_page_write(HPDF_Page page, const NbBuf *b)
{
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    return !b->len ||
           HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)b->s, (HPDF_UINT)b->len) == HPDF_OK;
}
/* libharu copies every byte it holds, each stream's as it is written and again as the file
 * is saved, one at a time (HPDF_MemCpy is a loop). This definition, with the same contract
 * (it returns the end of what it wrote), takes its place: libharu calls it through its PLT,
 * so the dynamic linker binds those calls to the program's own. */
HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n)
{
    if (n) memmove(out, in, n);
    return out + n;
}
/* ---------------------------------------------------------------- end of libharu's internals */

/* libharu is used for the document structure, pages, rules, images, outline and info. The
 * fonts are ours: libharu's HPDF_GetFont scans all 65,536 BMP code points per document and
 * embeds whole loca/hmtx/cmap tables (LIBHARU.md, Cost); its ToUnicode is broken and it
 * drops deep composite glyphs. Each face is subset to the glyphs the documents use and
 * written as a Type0 font through libharu's object API, with /W and a ToUnicode CMap of
 * bfchar entries: TrueType outlines (subset.c) as a CIDFontType2 with one CID per code
 * point and a CIDToGIDMap; CFF outlines (cff.c, HarfBuzz) as a CIDFontType0 whose codes
 * are the CIDs of the subset's own charset. */

/* libdeflate's level for the streams we compress (font programs, CMaps, content): 1 makes
 * a batch a fifth faster than 6, for 1 % more bytes (the seed: 290,996 against 287,910);
 * one level for all, so that a report's bytes never depend on the reports before it. */
#ifndef S_DEFLATE_LEVEL
#define S_DEFLATE_LEVEL 1
#endif

/* A face's font program as embedded, kept for the next document that draws the same
 * glyphs (the table face over the official labels, the headings'): subsetting and
 * compressing it again would give the same bytes. */
typedef struct {
    uint16_t *gids;   /* the glyphs drawn, sorted, each once */
    uint16_t *vals;   /* per glyph: its number in the subset (TrueType) or its CID (CFF) */
    size_t n;
    unsigned char *z; /* the program, deflated */
    size_t zlen, len;
    uint16_t *old_gids; /* TrueType: the subset's glyphs (for its tag) */
    size_t nold;
    unsigned long used; /* when last asked for (0: the slot is free) */
} S_Program;

#define S_PROGRAMS 4 /* per face */

typedef struct {
    HPDF_STATUS error, detail;
} S_Err;

static void S_on_error(HPDF_STATUS error, HPDF_STATUS detail, void *user)
{
    S_Err *e = user;
    if (!e->error) e->error = error, e->detail = detail;
}

typedef struct {
    const unsigned char *data;
    NbSfnt *sfnt;
    NbCff *cff;      /* CFF outlines: prepared for HarfBuzz on first use */
    S_Program progs[S_PROGRAMS];
} S_Sfnt;

struct NbPdfPainter {
    HPDF_Doc pdf; /* one libharu document handle, reused from report to report */
    S_Err err;
    S_Sfnt *sfnts; /* parsed fonts, kept for the painter's life */
    size_t nsfnts;
    int pdfa;      /* write PDF/A-2b */
    NbPdfSpot spot; /* of the last document painted */
    struct libdeflate_compressor *deflate;
    unsigned long tick; /* counts the font programs asked for */
};

NbPdfPainter *nb_pdf_painter_new(void)
{
    return nb_xcalloc(1, sizeof(NbPdfPainter));
}

void nb_pdf_painter_pdfa(NbPdfPainter *p, int on)
{
    p->pdfa = on;
}

const NbPdfSpot *nb_pdf_painter_spot(const NbPdfPainter *p)
{
    return &p->spot;
}

void nb_pdf_painter_free(NbPdfPainter *p)
{
    if (!p) return;
    if (p->pdf) HPDF_Free(p->pdf);
    for (size_t i = 0; i < p->nsfnts; i++) {
        nb_sfnt_close(p->sfnts[i].sfnt), nb_cff_close(p->sfnts[i].cff);
        for (int k = 0; k < S_PROGRAMS; k++) {
            S_Program *g = &p->sfnts[i].progs[k];
            free(g->gids), free(g->vals), free(g->z), free(g->old_gids);
        }
    }
    free(p->sfnts);
    if (p->deflate) libdeflate_free_compressor(p->deflate);
    free(p);
}

/* A face's tables, parsed once per painter. */
static S_Sfnt *S_sfnt(NbPdfPainter *p, const NbFaceInfo *fi, NbDiag *diag)
{
    for (size_t i = 0; i < p->nsfnts; i++)
        if (p->sfnts[i].data == fi->data + fi->sfnt_offset) return &p->sfnts[i];
    char *err = NULL;
    NbSfnt *s = nb_sfnt_open(fi->data, fi->size, fi->sfnt_offset, &err);
    if (!s) {
        nb_diag_add(diag, NB_ERROR, (NbMark){fi->path, 0, 0}, "cannot embed this font: %s",
                    err ? err : "unreadable");
        free(err);
        return NULL;
    }
    p->sfnts = nb_xrealloc(p->sfnts, (p->nsfnts + 1) * sizeof *p->sfnts);
    memset(&p->sfnts[p->nsfnts], 0, sizeof *p->sfnts);
    p->sfnts[p->nsfnts].data = fi->data + fi->sfnt_offset;
    p->sfnts[p->nsfnts].sfnt = s;
    return &p->sfnts[p->nsfnts++];
}

/* The face's CFF outlines, prepared for HarfBuzz once per painter. */
static NbCff *S_cff(S_Sfnt *sf, const NbFaceInfo *fi, NbDiag *diag)
{
    if (sf->cff) return sf->cff;
    char *err = NULL;
    sf->cff = nb_cff_open(fi->data, fi->size, (unsigned)fi->index, &err);
    if (!sf->cff)
        nb_diag_add(diag, NB_ERROR, (NbMark){fi->path, 0, 0}, "cannot embed this font: %s",
                    err ? err : "unreadable");
    free(err);
    return sf->cff;
}

/* A face as embedded in this PDF: the code points drawn, each numbered k from 1 in the
 * order they first appear, and the 2-byte code that draws it. */
#define S_CODEPOINTS 0x110000

typedef struct {
    uint16_t **cid;  /* per code point (all of Unicode, in blocks of 256 made as they are
                      * first used): its code, 0 when unused; NULL until the face draws */
    uint32_t *cps;   /* per k: the code point */
    uint16_t *code;  /* per k: its code (k itself for TrueType; the subset's CID for CFF) */
    size_t ncids, cap;
    HPDF_Dict font;  /* the Type0 font */
} S_Face;

/* The code of code point cp in the face, 0 when it draws none. */
static uint16_t S_code_of(const S_Face *f, uint32_t cp)
{
    return cp < S_CODEPOINTS && f->cid && f->cid[cp >> 8] ? f->cid[cp >> 8][cp & 0xFF] : 0;
}

static void S_set_code(S_Face *f, uint32_t cp, uint16_t code)
{
    if (!f->cid) f->cid = nb_xcalloc(S_CODEPOINTS >> 8, sizeof *f->cid);
    if (!f->cid[cp >> 8]) f->cid[cp >> 8] = nb_xcalloc(256, sizeof **f->cid);
    f->cid[cp >> 8][cp & 0xFF] = code;
}

/* Number every new code point of text in the face. */
static void S_use_text(S_Face *f, const char *text)
{
    const char *p = text, *end = text + strlen(text);
    while (p < end) {
        uint32_t cp = nb_utf8_next(&p, end);
        if (cp >= S_CODEPOINTS || S_code_of(f, cp) || f->ncids >= 0xFFFE) continue;
        if (f->ncids + 2 > f->cap) {
            f->cap = 2 * f->cap + 64;
            f->cps = nb_xrealloc(f->cps, f->cap * sizeof *f->cps);
            f->code = nb_xrealloc(f->code, f->cap * sizeof *f->code);
        }
        S_set_code(f, cp, (uint16_t)++f->ncids);
        f->cps[f->ncids] = cp;
        f->code[f->ncids] = (uint16_t)f->ncids;
    }
}

/* The numbers k of a face in the order of their codes (a code drawn for two code points,
 * as a CFF glyph may be, once), into an allocated array; its length in *n. */
static size_t *S_by_code(const S_Face *f, size_t *n)
{
    size_t *ks = nb_xmalloc((f->ncids + 1) * sizeof *ks), m = 0;
    for (size_t k = 1; k <= f->ncids; k++) {
        size_t i = m++;
        while (i > 0 && f->code[ks[i - 1]] > f->code[k]) ks[i] = ks[i - 1], i--;
        ks[i] = k;
    }
    size_t out = 0;
    for (size_t i = 0; i < m; i++)
        if (!out || f->code[ks[out - 1]] != f->code[ks[i]]) ks[out++] = ks[i];
    *n = out;
    return ks;
}

/* libharu drops a /Filter key from a stream it does not compress itself: the entry is
 * written by the dictionary's write hook instead. */
static HPDF_STATUS S_write_flate(HPDF_Dict d, HPDF_Stream s)
{
    (void)d;
    return HPDF_Stream_WriteStr(s, "/Filter /FlateDecode\012");
}

/* data deflated in the zlib format by libdeflate (allocated into *z); 0 when out of memory. */
static int S_deflate(NbPdfPainter *p, const void *data, size_t len, unsigned char **z, size_t *zlen)
{
    if (!p->deflate && !(p->deflate = libdeflate_alloc_compressor(S_DEFLATE_LEVEL))) return 0;
    size_t cap = libdeflate_zlib_compress_bound(p->deflate, len);
    *z = nb_xmalloc(cap);
    *zlen = libdeflate_zlib_compress(p->deflate, data, len, *z, cap);
    if (!*zlen) free(*z), *z = NULL;
    return *zlen > 0;
}

/* A stream we compress ourselves (libdeflate: twice zlib's speed, a little smaller), or one
 * already deflated (data, with `deflated`). */
static HPDF_STATUS S_stream_z(NbPdfPainter *p, HPDF_Dict *out, const void *data, size_t len,
                              int deflated)
{
    unsigned char *z = NULL;
    size_t zlen = len;
    if (!deflated && !S_deflate(p, data, len, &z, &zlen)) return HPDF_FAILD_TO_ALLOC_MEM;
    HPDF_STATUS st = HPDF_OK;
    *out = S_stream_obj(p->pdf, z ? z : data, zlen, S_write_flate, &st);
    free(z);
    return st;
}

/* A stream libharu holds (a page's content, an image), deflated here instead of by libharu's
 * zlib at its default level; 0 when out of memory. */
static int S_deflate_dict(NbPdfPainter *p, HPDF_Dict d)
{
    NbBuf raw = {0};
    unsigned char *z = NULL;
    size_t zlen = 0;
    int ok = S_stream_take(d, &raw) && S_deflate(p, raw.s ? raw.s : "", raw.len, &z, &zlen) &&
             S_stream_put(d, z, zlen, S_write_flate);
    free(z);
    nb_buf_free(&raw);
    return ok;
}

static void S_hex4(char *out, unsigned v)
{
    static const char hex[] = "0123456789ABCDEF";
    for (int i = 3; i >= 0; i--, v >>= 4) out[i] = hex[v & 15];
}

/* The ToUnicode CMap: CID → code point, in bfchar blocks of at most 100 (Ghostscript
 * mis-reads CJK bfrange). */
static void S_tounicode(const S_Face *f, NbBuf *b)
{
    nb_buf_puts(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                   "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                   "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    size_t nks, *ks = S_by_code(f, &nks);
    for (size_t c = 0; c < nks; c += 100) {
        size_t n = nks - c < 100 ? nks - c : 100;
        nb_buf_printf(b, "%zu beginbfchar\n", n);
        for (size_t i = c; i < c + n; i++) {
            uint32_t cp = f->cps[ks[i]];
            char line[24];
            size_t len = 14;
            S_hex4(line + 1, f->code[ks[i]]);
            line[0] = '<', line[5] = '>', line[6] = ' ', line[7] = '<';
            uint16_t u[2]; /* UTF-16: a surrogate pair above U+FFFF */
            for (size_t k = 0, n = nb_utf16(cp, u); k < n; k++) S_hex4(line + 8 + 4 * k, u[k]);
            if (cp > 0xFFFF) len = 18;
            line[len - 2] = '>', line[len - 1] = '\n';
            nb_buf_add(b, line, len);
        }
        nb_buf_puts(b, "endbfchar\n");
    }
    free(ks);
    nb_buf_puts(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

/* A subset tag (six capitals) from the glyphs a subset holds, so that different subsets
 * of one font get different names. */
static void S_tag(const uint16_t *glyphs, size_t n, char tag[7])
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ glyphs[i]) * 16777619u;
    for (int i = 0; i < 6; i++, h /= 26) tag[i] = (char)('A' + h % 26);
    tag[6] = 0;
}

static int S_cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

/* The glyph the face draws for each numbered code point: want[k - 1] for k = 1..ncids. */
static uint16_t *S_want(NbSfnt *sf, const S_Face *f)
{
    uint16_t *want = nb_xmalloc((f->ncids + 1) * sizeof *want);
    for (size_t k = 1; k <= f->ncids; k++) want[k - 1] = (uint16_t)nb_sfnt_glyph(sf, f->cps[k]);
    return want;
}

/* The face's font program for the glyphs in want (its subset, deflated): the one kept from
 * an earlier document that drew the same glyphs, or made now (HarfBuzz for CFF outlines,
 * subset.c for TrueType) and kept in place of the least recently used. NULL with a message
 * when the font cannot be subset. */
static const S_Program *S_program(NbPdfPainter *p, S_Sfnt *sf, const NbFaceInfo *fi,
                                  const uint16_t *want, size_t n, NbDiag *diag)
{
    uint16_t *gids = nb_xmalloc((n ? n : 1) * sizeof *gids);
    memcpy(gids, want, n * sizeof *gids);
    qsort(gids, n, sizeof *gids, S_cmp_u16);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!m || gids[m - 1] != gids[i]) gids[m++] = gids[i];
    S_Program *slot = &sf->progs[0];
    for (int k = 0; k < S_PROGRAMS; k++) {
        S_Program *g = &sf->progs[k];
        if (g->used && g->n == m && !memcmp(g->gids, gids, m * sizeof *gids)) {
            g->used = ++p->tick;
            free(gids);
            return g;
        }
        if (g->used < slot->used) slot = g;
    }
    S_Program g = {gids, nb_xcalloc(m ? m : 1, sizeof *g.vals), m, NULL, 0, 0, NULL, 0, 0};
    char *err = NULL;
    int ok;
    const void *data = NULL;
    NbSubset tt = {0};
    NbCffSubset cff = {0};
    if (nb_sfnt_is_cff(sf->sfnt)) {
        NbCff *c = S_cff(sf, fi, diag);
        if (!c) goto fail_quiet;
        ok = nb_cff_subset(c, gids, m, &cff, &err);
        if (ok) {
            memcpy(g.vals, cff.cids, m * sizeof *g.vals);
            data = cff.data, g.len = cff.len;
        }
    } else if ((ok = nb_subset(sf->sfnt, gids, m, &tt, &err))) {
        for (size_t i = 0; i < tt.count; i++) { /* old glyph → new, for the CIDToGIDMap */
            uint16_t *at = bsearch(&tt.old_gids[i], gids, m, sizeof *gids, S_cmp_u16);
            if (at && !g.vals[at - gids]) g.vals[at - gids] = (uint16_t)i;
        }
        g.old_gids = tt.old_gids, g.nold = tt.count;
        tt.old_gids = NULL;
        data = tt.data, g.len = tt.len;
    }
    if (!ok) {
        nb_diag_add(diag, NB_ERROR, (NbMark){fi->path, 0, 0}, "cannot subset this font: %s",
                    err ? err : "?");
        free(err);
        goto fail_quiet;
    }
    ok = S_deflate(p, data, g.len, &g.z, &g.zlen);
    nb_subset_free(&tt);
    nb_cff_subset_free(&cff);
    if (!ok) goto fail_quiet;
    free(slot->gids), free(slot->vals), free(slot->z), free(slot->old_gids);
    *slot = g;
    slot->used = ++p->tick;
    return slot;
fail_quiet:
    nb_subset_free(&tt);
    nb_cff_subset_free(&cff);
    free(g.gids), free(g.vals), free(g.old_gids);
    return NULL;
}

/* A program's value for a glyph it holds. */
static uint16_t S_program_val(const S_Program *g, uint16_t gid)
{
    const uint16_t *at = bsearch(&gid, g->gids, g->n, sizeof gid, S_cmp_u16);
    return at ? g->vals[at - g->gids] : 0;
}

/* The FontDescriptor's entries: name, flags, box and metrics in 1/1000 em, the font file. */
static HPDF_STATUS S_descriptor(HPDF_Doc pdf, NbSfnt *sf, HPDF_Dict fd, const char *name,
                                const char *file_key, HPDF_Dict file)
{
    double upem = nb_sfnt_units_per_em(sf);
    int bbox[4], asc, desc, cap;
    nb_sfnt_metrics(sf, bbox, &asc, &desc, &cap);
    HPDF_Array fbbox = HPDF_Array_New(S_mmgr(pdf));
    if (!fbbox) return HPDF_FAILD_TO_ALLOC_MEM;
    HPDF_STATUS st = HPDF_OK;
    for (int i = 0; i < 4; i++) st |= HPDF_Array_AddNumber(fbbox, (HPDF_INT32)(bbox[i] * 1000 / upem));
    st |= HPDF_Dict_AddName(fd, "FontName", name);
    st |= HPDF_Dict_AddNumber(fd, "Flags", 4);
    st |= HPDF_Dict_Add(fd, "FontBBox", fbbox);
    st |= HPDF_Dict_AddNumber(fd, "ItalicAngle", 0);
    st |= HPDF_Dict_AddNumber(fd, "Ascent", (HPDF_INT32)(asc * 1000 / upem));
    st |= HPDF_Dict_AddNumber(fd, "Descent", (HPDF_INT32)(desc * 1000 / upem));
    st |= HPDF_Dict_AddNumber(fd, "CapHeight", (HPDF_INT32)(cap * 1000 / upem));
    st |= HPDF_Dict_AddNumber(fd, "StemV", 80);
    st |= HPDF_Dict_Add(fd, file_key, file);
    return st;
}

/* /W in 1/1000 em, only of the CIDs that are not 1000 wide (DW): Han characters are all
 * full width, so it lists a few marks, Latin and digits. */
static HPDF_STATUS S_widths(HPDF_Doc pdf, NbSfnt *sf, const S_Face *f, const uint16_t *want,
                            HPDF_Array w)
{
    double upem = nb_sfnt_units_per_em(sf);
    HPDF_STATUS st = HPDF_OK;
    HPDF_Array run = NULL;
    size_t last = 0, nks, *ks = S_by_code(f, &nks);
    for (size_t i = 0; i < nks && st == HPDF_OK; i++) {
        size_t k = ks[i], code = f->code[k];
        HPDF_INT32 wk = (HPDF_INT32)(nb_sfnt_advance(sf, want[k - 1]) * 1000 / upem + 0.5);
        if (wk == 1000) continue;
        if (!run || code != last + 1) { /* a new run: c [w …] */
            run = HPDF_Array_New(S_mmgr(pdf));
            st |= HPDF_Array_AddNumber(w, (HPDF_INT32)code);
            st |= run ? HPDF_Array_Add(w, run) : HPDF_FAILD_TO_ALLOC_MEM;
        }
        if (run) st |= HPDF_Array_AddNumber(run, wk);
        last = code;
    }
    free(ks);
    return st;
}

/* The font's dictionaries: a Type0 font (f->font) over a CIDFont of `kind` whose
 * descriptor holds the font program `file` under `file_key`, with /W, the CIDToGIDMap when
 * given, and the ToUnicode CMap made here. */
static HPDF_STATUS S_font_dicts(NbPdfPainter *p, NbSfnt *sf, S_Face *f, const uint16_t *want,
                                const char *name, const char *kind, const char *file_key,
                                HPDF_Dict file, HPDF_Dict cidmap)
{
    HPDF_Doc pdf = p->pdf;
    HPDF_STATUS st = HPDF_OK;
    HPDF_Dict tounicode = NULL;
    NbBuf cmap = {0};
    S_tounicode(f, &cmap);
    st |= S_stream_z(p, &tounicode, cmap.s, cmap.len, 0);
    nb_buf_free(&cmap);
    HPDF_Dict fd = S_dict(pdf, "FontDescriptor"), cid = S_dict(pdf, "Font");
    f->font = S_dict(pdf, "Font");
    HPDF_Array w = HPDF_Array_New(S_mmgr(pdf)), desc_fonts = HPDF_Array_New(S_mmgr(pdf));
    HPDF_Dict info = HPDF_Dict_New(S_mmgr(pdf));
    if (!fd || !cid || !f->font || !w || !desc_fonts || !info || !file || !tounicode)
        return HPDF_FAILD_TO_ALLOC_MEM;
    st |= S_descriptor(pdf, sf, fd, name, file_key, file);
    st |= HPDF_Dict_Add(info, "Registry", HPDF_String_New(S_mmgr(pdf), "Adobe", NULL));
    st |= HPDF_Dict_Add(info, "Ordering", HPDF_String_New(S_mmgr(pdf), "Identity", NULL));
    st |= HPDF_Dict_AddNumber(info, "Supplement", 0);
    st |= S_widths(pdf, sf, f, want, w);
    st |= HPDF_Dict_AddName(cid, "Subtype", kind);
    st |= HPDF_Dict_AddName(cid, "BaseFont", name);
    st |= HPDF_Dict_Add(cid, "CIDSystemInfo", info);
    st |= HPDF_Dict_Add(cid, "FontDescriptor", fd);
    st |= HPDF_Dict_AddNumber(cid, "DW", 1000);
    st |= HPDF_Dict_Add(cid, "W", w);
    if (cidmap) st |= HPDF_Dict_Add(cid, "CIDToGIDMap", cidmap);
    st |= HPDF_Array_Add(desc_fonts, cid);
    st |= HPDF_Dict_AddName(f->font, "Subtype", "Type0");
    st |= HPDF_Dict_AddName(f->font, "BaseFont", name);
    st |= HPDF_Dict_AddName(f->font, "Encoding", "Identity-H");
    st |= HPDF_Dict_Add(f->font, "DescendantFonts", desc_fonts);
    st |= HPDF_Dict_Add(f->font, "ToUnicode", tounicode);
    return st;
}

/* One face as a Type0 font over its subset, with /W and a ToUnicode CMap; f->font is the
 * Type0 dictionary. TrueType outlines: a CIDFontType2 with one CID per code point and a
 * CIDToGIDMap. CFF outlines: a CIDFontType0 whose FontFile3 is the subset's bare CFF
 * (/Subtype /CIDFontType0C), each code point's code the CID the subset gives its glyph. */
static int S_embed(NbPdfPainter *p, S_Sfnt *ss, const NbFaceInfo *fi, S_Face *f, NbDiag *diag)
{
    NbSfnt *sf = ss->sfnt;
    int cff = nb_sfnt_is_cff(sf);
    uint16_t *want = S_want(sf, f);
    const S_Program *g = S_program(p, ss, fi, want, f->ncids, diag);
    if (!g) {
        free(want);
        return 0;
    }
    char tag[7], name[160];
    HPDF_STATUS st = HPDF_OK;
    HPDF_Dict file = NULL, cidmap = NULL;
    st |= S_stream_z(p, &file, g->z, g->zlen, 1);
    if (cff) {
        for (size_t k = 1; k <= f->ncids; k++) {
            f->code[k] = S_program_val(g, want[k - 1]);
            S_set_code(f, f->cps[k], f->code[k]);
        }
        S_tag(f->code + 1, f->ncids, tag); /* from the CIDs it holds */
        if (file) st |= HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C");
    } else {
        unsigned char *map = nb_xcalloc(f->ncids + 1, 2); /* CID k → its glyph in the subset */
        for (size_t k = 1; k <= f->ncids; k++) {
            uint16_t v = S_program_val(g, want[k - 1]);
            map[2 * k] = (unsigned char)(v >> 8), map[2 * k + 1] = (unsigned char)v;
        }
        st |= S_stream_z(p, &cidmap, map, 2 * (f->ncids + 1), 0);
        free(map);
        S_tag(g->old_gids, g->nold, tag);
        if (file) st |= HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)g->len);
    }
    snprintf(name, sizeof name, "%s+%s", tag, nb_sfnt_ps_name(sf));
    st |= S_font_dicts(p, sf, f, want, name, cff ? "CIDFontType0" : "CIDFontType2",
                       cff ? "FontFile3" : "FontFile2", file, cidmap);
    free(want);
    return st == HPDF_OK;
}

/* A number for content: three decimals at most, trailing zeros dropped (printf's %f was a
 * tenth of the painter's time). */
static void S_num(NbBuf *b, double v)
{
    char t[32], *e = t + sizeof t, *q = e;
    long long m = (long long)(v * 1000 + (v < 0 ? -0.5 : 0.5));
    int neg = m < 0;
    unsigned long long u = neg ? 0ULL - (unsigned long long)m : (unsigned long long)m;
    unsigned frac = (unsigned)(u % 1000);
    u /= 1000;
    if (frac) {
        int digits = 3;
        while (frac % 10 == 0) frac /= 10, digits--;
        for (int k = 0; k < digits; k++, frac /= 10) *--q = (char)('0' + frac % 10);
        *--q = '.';
    }
    do *--q = (char)('0' + u % 10); while (u /= 10);
    if (neg) *--q = '-';
    nb_buf_add(b, q, (size_t)(e - q));
    nb_buf_add(b, " ", 1);
}

/* ------------------------------------------------------------------ tagged PDF
 * Every item is painted inside a marked-content sequence: an artifact, or a piece of its
 * structure element with a number (MCID) on the page, which the structure tree then
 * names (ISO 32000-1 §14.7, §14.8). */

typedef struct {
    int elem;
    size_t page;
    int mcid;
} S_Mcr;

typedef struct {
    const NbDoc *doc;   /* NULL: not tagged */
    S_Mcr *mcrs;        /* every marked-content sequence of an element, in painting order */
    size_t n, cap;
    size_t page;
    int next_mcid;      /* on this page */
    int open;           /* the sequence open in the content: -1 none, 0 an artifact, else
                         * the element */
} S_Tags;

/* Close the open sequence. */
static void S_mc_end(S_Tags *t, NbBuf *b)
{
    if (t->doc && t->open >= 0) nb_buf_puts(b, "EMC\n");
    t->open = -1;
}

/* Content of `elem` (0: an artifact) follows: a new sequence unless it is the one open. */
static void S_mc(S_Tags *t, NbBuf *b, int elem)
{
    if (!t->doc || t->open == elem) return;
    S_mc_end(t, b);
    t->open = elem;
    if (!elem) {
        nb_buf_puts(b, "/Artifact BMC\n");
        return;
    }
    nb_grow(&t->mcrs, &t->cap, t->n + 1, sizeof *t->mcrs);
    t->mcrs[t->n++] = (S_Mcr){elem, t->page, t->next_mcid};
    nb_buf_printf(b, "/%s <</MCID %d>> BDC\n", t->doc->elems[elem].role, t->next_mcid++);
}

/* Text as PDF content: one BT…ET block per page, each item placed with Tm, its glyphs as
 * 2-byte CIDs. */
static int S_paint_text(HPDF_Page page, double H, const NbPage *p, S_Face *faces, S_Tags *tags)
{
    NbBuf b = {0};
    int cur_face = -1;
    double cur_size = 0, cur_cs = 0, cur_hs = 1;
    nb_buf_puts(&b, "BT\n");
    for (size_t i = 0; i < p->n; i++) {
        const NbItem *it = &p->items[i];
        if (it->kind != NB_IT_TEXT) continue;
        S_mc(tags, &b, it->elem);
        S_Face *f = &faces[it->face];
        if (it->face != cur_face || it->size != cur_size) {
            const char *key = HPDF_Page_GetLocalFontName(page, f->font);
            if (!key) {
                nb_buf_free(&b);
                return 0;
            }
            nb_buf_printf(&b, "/%s ", key);
            S_num(&b, it->size);
            nb_buf_puts(&b, "Tf\n");
            cur_face = it->face, cur_size = it->size;
        }
        if (it->char_space != cur_cs) S_num(&b, cur_cs = it->char_space), nb_buf_puts(&b, "Tc\n");
        if (it->hscale != cur_hs) S_num(&b, (cur_hs = it->hscale) * 100), nb_buf_puts(&b, "Tz\n");
        nb_buf_puts(&b, "1 0 0 1 ");
        S_num(&b, it->x), S_num(&b, H - it->y);
        nb_buf_puts(&b, "Tm\n(");
        /* the 2-byte CIDs as a literal string: half the bytes of hex to deflate */
        const char *q = it->text, *end = q + strlen(q);
        while (q < end) {
            uint32_t cp = nb_utf8_next(&q, end);
            unsigned c = S_code_of(f, cp);
            for (int k = 0; k < 2; k++) {
                char ch = (char)(k ? c & 0xFF : c >> 8);
                if (ch == '(' || ch == ')' || ch == '\\') nb_buf_add(&b, "\\", 1), nb_buf_add(&b, &ch, 1);
                else if (ch == '\r') nb_buf_add(&b, "\\r", 2);
                else if (ch == '\n') nb_buf_add(&b, "\\n", 2);
                else nb_buf_add(&b, &ch, 1);
            }
        }
        nb_buf_puts(&b, ") Tj\n");
    }
    S_mc_end(tags, &b);
    nb_buf_puts(&b, "ET\n");
    int ok = S_page_write(page, &b);
    nb_buf_free(&b);
    return ok;
}

typedef struct {
    const NbImage *im;
    HPDF_Image img;
} S_Img;

/* Images (the seal) over the text, multiplied into it like ink: RGB samples with the alpha
 * plane as a soft mask, each loaded once however often it is drawn. */
static int S_paint_images(NbPdfPainter *pp, HPDF_Page page, double H, const NbPage *p,
                          S_Img **imgs, size_t *nimgs, HPDF_ExtGState *ink, S_Tags *tags)
{
    HPDF_Doc pdf = pp->pdf;
    for (size_t i = 0; i < p->n; i++) {
        const NbItem *it = &p->items[i];
        if (it->kind != NB_IT_IMAGE) continue;
        const NbImage *im = it->image;
        HPDF_Image img = NULL;
        for (size_t k = 0; k < *nimgs; k++)
            if ((*imgs)[k].im == im) img = (*imgs)[k].img;
        if (!img) {
            img = HPDF_LoadRawImageFromMem(pdf, im->rgb, (HPDF_UINT)im->w, (HPDF_UINT)im->h,
                                           HPDF_CS_DEVICE_RGB, 8);
            if (!img || !S_deflate_dict(pp, img)) return 0;
            if (im->alpha) {
                HPDF_Image mask = HPDF_LoadRawImageFromMem(pdf, im->alpha, (HPDF_UINT)im->w,
                                                           (HPDF_UINT)im->h, HPDF_CS_DEVICE_GRAY, 8);
                if (!mask || !S_deflate_dict(pp, mask) || HPDF_Image_AddSMask(img, mask) != HPDF_OK)
                    return 0;
            }
            *imgs = nb_xrealloc(*imgs, (*nimgs + 1) * sizeof **imgs);
            (*imgs)[(*nimgs)++] = (S_Img){im, img};
        }
        /* like ink: multiplied into what is under it, so that black text stays black */
        if (!*ink && (!(*ink = HPDF_CreateExtGState(pdf)) ||
                      HPDF_ExtGState_SetBlendMode(*ink, HPDF_BM_MULTIPLY) != HPDF_OK))
            return 0;
        NbBuf b = {0};
        S_mc(tags, &b, it->elem);
        int ok = S_page_write(page, &b);
        b.len = 0;
        S_mc_end(tags, &b);
        ok = ok && HPDF_Page_GSave(page) == HPDF_OK && HPDF_Page_SetExtGState(page, *ink) == HPDF_OK &&
             HPDF_Page_DrawImage(page, img, (HPDF_REAL)it->x, (HPDF_REAL)(H - it->y1),
                                 (HPDF_REAL)(it->x1 - it->x), (HPDF_REAL)(it->y1 - it->y)) == HPDF_OK &&
             HPDF_Page_GRestore(page) == HPDF_OK && S_page_write(page, &b);
        nb_buf_free(&b);
        if (!ok) return 0;
    }
    return 1;
}

/* The table rules as one path per line width, written directly. */
static int S_paint_rules(HPDF_Page page, double H, const NbPage *p, S_Tags *tags)
{
    NbBuf b = {0};
    double width = -1;
    int open = 0;
    for (size_t i = 0; i < p->n; i++) {
        const NbItem *it = &p->items[i];
        if (it->kind != NB_IT_RULE) continue;
        S_mc(tags, &b, 0); /* rules decorate: artifacts */
        if (it->width != width) {
            if (open) nb_buf_puts(&b, "S\n");
            S_num(&b, it->width);
            nb_buf_puts(&b, "w\n");
            width = it->width;
        }
        S_num(&b, it->x), S_num(&b, H - it->y), nb_buf_puts(&b, "m ");
        S_num(&b, it->x1), S_num(&b, H - it->y1), nb_buf_puts(&b, "l\n");
        open = 1;
    }
    if (open) nb_buf_puts(&b, "S\n");
    S_mc_end(tags, &b);
    int ok = S_page_write(page, &b);
    nb_buf_free(&b);
    return ok;
}

/* The document's headings as bookmarks under parent (NULL: the top), each level under the
 * last entry of the level above it. */
static void S_outline(HPDF_Doc pdf, const NbDoc *doc, HPDF_Page *pages, HPDF_Outline parent)
{
    enum { S_LEVELS = 9 };
    HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
    HPDF_Outline open[S_LEVELS + 1] = {parent};
    for (size_t i = 0; i < doc->noutline; i++) {
        const NbOutline *o = &doc->outline[i];
        int level = o->level < 1 ? 1 : o->level > S_LEVELS ? S_LEVELS : o->level;
        HPDF_Outline up = parent;
        for (int k = level - 1; k >= 1 && up == parent; k--)
            if (open[k]) up = open[k];
        HPDF_Outline ol = HPDF_CreateOutline(pdf, up, o->title, enc);
        open[level] = ol;
        for (int k = level + 1; k <= S_LEVELS; k++) open[k] = NULL;
        HPDF_Destination dst = ol ? HPDF_Page_CreateDestination(pages[o->page]) : NULL;
        if (dst) {
            HPDF_Destination_SetFitH(dst, (HPDF_REAL)(doc->h - o->y));
            HPDF_Outline_SetDestination(ol, dst);
        }
    }
}

/* A fresh document on the painter's handle. */
static HPDF_Doc S_begin(NbPdfPainter *p)
{
    if (!p->pdf) {
        p->pdf = HPDF_New(S_on_error, &p->err);
        if (!p->pdf) return NULL;
        HPDF_UseUTFEncodings(p->pdf);
    } else {
        HPDF_ResetError(p->pdf);
        p->err = (S_Err){0, 0};
        if (HPDF_NewDoc(p->pdf) != HPDF_OK) return NULL;
    }
    HPDF_SetCurrentEncoder(p->pdf, "UTF-8");
    HPDF_SetCompressionMode(p->pdf, HPDF_COMP_ALL);
    return p->pdf;
}

/* Which code points each face draws in the document, each new one given its number. */
static void S_collect(const NbDoc *doc, S_Face *faces)
{
    for (size_t pg = 0; pg < doc->npages; pg++)
        for (size_t i = 0; i < doc->pages[pg].n; i++) {
            const NbItem *it = &doc->pages[pg].items[i];
            if (it->kind != NB_IT_TEXT) continue;
            S_use_text(&faces[it->face], it->text);
        }
}

/* A text string (UTF-16BE with its byte order mark, written in hex) as a PDF object. */
static HPDF_Binary S_text_obj(HPDF_Doc pdf, const char *s)
{
    NbBuf b = {0};
    const char *end = s + strlen(s);
    nb_buf_add(&b, "\xFE\xFF", 2);
    while (s < end) {
        uint16_t u[2];
        size_t n = nb_utf16(nb_utf8_next(&s, end), u);
        for (size_t k = 0; k < n; k++) {
            char two[2] = {(char)(u[k] >> 8), (char)(u[k] & 0xFF)};
            nb_buf_add(&b, two, 2);
        }
    }
    HPDF_Binary o = HPDF_Binary_New(S_mmgr(pdf), (HPDF_BYTE *)b.s, (HPDF_UINT)b.len);
    nb_buf_free(&b);
    return o;
}

/* A table cell's attributes (/O /Table: its scope and spans), or NULL when it has none. */
static HPDF_Dict S_cell_attrs(HPDF_Doc pdf, const NbElem *e, HPDF_STATUS *st)
{
    if (e->scope == NB_SCOPE_NONE && e->rowspan <= 1 && e->colspan <= 1) return NULL;
    HPDF_Dict a = HPDF_Dict_New(S_mmgr(pdf));
    if (!a) return *st |= HPDF_FAILD_TO_ALLOC_MEM, NULL;
    *st |= HPDF_Dict_AddName(a, "O", "Table");
    if (e->scope != NB_SCOPE_NONE)
        *st |= HPDF_Dict_AddName(a, "Scope", e->scope == NB_SCOPE_ROW ? "Row" : "Column");
    if (e->rowspan > 1) *st |= HPDF_Dict_AddNumber(a, "RowSpan", e->rowspan);
    if (e->colspan > 1) *st |= HPDF_Dict_AddNumber(a, "ColSpan", e->colspan);
    return a;
}

/* The structure tree of a tagged document: an element for each of doc->elems, its kids its
 * child elements, then its marked-content sequences (an MCID on its /Pg, or a reference
 * to one on another page); the ParentTree, from each page's /StructParents to the element
 * of each MCID; the catalog's /MarkInfo, /Lang and /StructTreeRoot. */
static int S_struct_tree(HPDF_Doc pdf, const NbDoc *doc, HPDF_Page *pages, const S_Tags *t)
{
    HPDF_MMgr mm = S_mmgr(pdf);
    size_t n = doc->nelems;
    HPDF_STATUS st = HPDF_OK;
    HPDF_Dict *el = nb_xcalloc(n, sizeof *el);
    HPDF_Array *kids = nb_xcalloc(n, sizeof *kids);
    size_t *first = nb_xcalloc(n + 1, sizeof *first); /* per element: its first S_Mcr, by order */
    size_t *order = nb_xmalloc((t->n ? t->n : 1) * sizeof *order);
    for (size_t i = 0; i < t->n; i++) first[t->mcrs[i].elem + 1]++;
    for (size_t e = 0; e < n; e++) first[e + 1] += first[e];
    size_t *fill = nb_xmalloc((n + 1) * sizeof *fill);
    memcpy(fill, first, (n + 1) * sizeof *fill);
    for (size_t i = 0; i < t->n; i++) order[fill[t->mcrs[i].elem]++] = i;
    free(fill);
    HPDF_Dict root = S_dict(pdf, "StructTreeRoot");
    for (size_t e = 0; e < n && root; e++) {
        if (!(el[e] = S_dict(pdf, NULL)) || !(kids[e] = HPDF_Array_New(mm))) { /* /Type implied */
            st |= HPDF_FAILD_TO_ALLOC_MEM;
            break;
        }
        const NbElem *x = &doc->elems[e];
        st |= HPDF_Dict_AddName(el[e], "S", x->role);
        st |= HPDF_Dict_Add(el[e], "P", x->parent >= 0 ? el[x->parent] : root);
        if (x->parent >= 0) st |= HPDF_Array_Add(kids[x->parent], el[e]);
        HPDF_Dict a = S_cell_attrs(pdf, x, &st);
        if (a) st |= HPDF_Dict_Add(el[e], "A", a);
        if (x->alt) st |= HPDF_Dict_Add(el[e], "Alt", S_text_obj(pdf, x->alt));
    }
    for (size_t e = 0; st == HPDF_OK && root && e < n; e++) {
        if (first[e] < first[e + 1]) {
            size_t pg = t->mcrs[order[first[e]]].page;
            st |= HPDF_Dict_Add(el[e], "Pg", pages[pg]);
            for (size_t k = first[e]; k < first[e + 1]; k++) {
                const S_Mcr *m = &t->mcrs[order[k]];
                if (m->page == pg) {
                    st |= HPDF_Array_AddNumber(kids[e], m->mcid);
                    continue;
                }
                HPDF_Dict mcr = HPDF_Dict_New(mm);
                if (!mcr) {
                    st |= HPDF_FAILD_TO_ALLOC_MEM;
                    break;
                }
                st |= HPDF_Dict_AddName(mcr, "Type", "MCR");
                st |= HPDF_Dict_Add(mcr, "Pg", pages[m->page]);
                st |= HPDF_Dict_AddNumber(mcr, "MCID", m->mcid);
                st |= HPDF_Array_Add(kids[e], mcr);
            }
        }
        st |= HPDF_Dict_Add(el[e], "K", kids[e]);
    }
    /* the ParentTree: page i's MCIDs, in order, to their elements */
    HPDF_Dict ptree = HPDF_Dict_New(mm), rolemap = HPDF_Dict_New(mm), mark = HPDF_Dict_New(mm);
    HPDF_Array nums = HPDF_Array_New(mm);
    if (!root || !ptree || !rolemap || !mark || !nums) st |= HPDF_FAILD_TO_ALLOC_MEM;
    for (size_t pg = 0, i = 0; st == HPDF_OK && pg < doc->npages; pg++) {
        HPDF_Array arr = HPDF_Array_New(mm);
        if (!arr) {
            st |= HPDF_FAILD_TO_ALLOC_MEM;
            break;
        }
        for (; i < t->n && t->mcrs[i].page == pg; i++) st |= HPDF_Array_Add(arr, el[t->mcrs[i].elem]);
        st |= HPDF_Array_AddNumber(nums, (HPDF_INT32)pg);
        st |= HPDF_Array_Add(nums, arr);
        st |= HPDF_Dict_AddNumber(pages[pg], "StructParents", (HPDF_INT32)pg);
        st |= HPDF_Dict_AddName(pages[pg], "Tabs", "S");
    }
    if (st == HPDF_OK) {
        st |= HPDF_Dict_Add(ptree, "Nums", nums);
        st |= HPDF_Dict_Add(root, "K", el[0]);
        st |= HPDF_Dict_Add(root, "ParentTree", ptree);
        st |= HPDF_Dict_AddNumber(root, "ParentTreeNextKey", (HPDF_INT32)doc->npages);
        /* Title is PDF 2.0's: read as a paragraph by 1.7 readers, so that the six sections
         * are the document's H1 */
        st |= HPDF_Dict_AddName(rolemap, "Title", "P");
        st |= HPDF_Dict_Add(root, "RoleMap", rolemap);
        st |= HPDF_Dict_Add(mark, "Marked", HPDF_Boolean_New(mm, HPDF_TRUE));
        HPDF_Dict cat = S_catalog(pdf);
        st |= HPDF_Dict_Add(cat, "MarkInfo", mark);
        st |= HPDF_Dict_Add(cat, "Lang", HPDF_String_New(mm, "zh-CN", NULL));
        st |= HPDF_Dict_Add(cat, "StructTreeRoot", root);
    }
    free(el);
    free(kids);
    free(first);
    free(order);
    return st == HPDF_OK;
}

/* Where a signature's field goes: over the seal, else over the last line of text. */
static void S_find_spot(const NbDoc *doc, HPDF_Page *pages, NbPdfSpot *spot)
{
    *spot = (NbPdfSpot){0, {0, 0, 0, 0}};
    for (size_t pg = doc->npages; pg-- > 0 && !spot->page;)
        for (size_t i = doc->pages[pg].n; i-- > 0;) {
            const NbItem *it = &doc->pages[pg].items[i];
            if (it->kind == NB_IT_IMAGE) {
                *spot = (NbPdfSpot){S_obj_num(pages[pg]), {it->x, doc->h - it->y1, it->x1, doc->h - it->y}};
                break;
            }
            if (it->kind == NB_IT_TEXT && it->elem && !spot->page) /* the date, if no seal */
                *spot = (NbPdfSpot){S_obj_num(pages[pg]),
                                    {it->x, doc->h - it->y - it->size * 0.2, doc->ta_x1,
                                     doc->h - it->y + it->size * 0.9}};
        }
}

/* One document's pages, and its outline; tagged when `tagged` (and it has a structure). */
static int S_paint_doc(NbPdfPainter *p, const NbDoc *doc, S_Face *faces, int tagged)
{
    HPDF_Doc pdf = p->pdf;
    int ok = 1;
    S_Img *imgs = NULL;
    size_t nimgs = 0;
    HPDF_ExtGState ink = NULL;
    S_Tags tags = {tagged && doc->nelems ? doc : NULL, NULL, 0, 0, 0, 0, -1};
    HPDF_Page *pages = nb_xcalloc(doc->npages ? doc->npages : 1, sizeof *pages);
    for (size_t i = 0; ok && i < doc->npages; i++) {
        pages[i] = HPDF_AddPage(pdf);
        if (!pages[i]) {
            ok = 0;
            break;
        }
        HPDF_Page_SetWidth(pages[i], (HPDF_REAL)doc->w);
        HPDF_Page_SetHeight(pages[i], (HPDF_REAL)doc->h);
        tags.page = i, tags.next_mcid = 0;
        ok = S_paint_rules(pages[i], doc->h, &doc->pages[i], &tags) &&
             S_paint_text(pages[i], doc->h, &doc->pages[i], faces, &tags) &&
             S_paint_images(p, pages[i], doc->h, &doc->pages[i], &imgs, &nimgs, &ink, &tags) &&
             S_deflate_dict(p, S_page_contents(pages[i]));
    }
    if (ok && !p->err.error && doc->npages) S_outline(pdf, doc, pages, NULL);
    if (ok && !p->err.error && tags.doc) ok = S_struct_tree(pdf, doc, pages, &tags);
    if (ok) S_find_spot(doc, pages, &p->spot);
    free(tags.mcrs);
    free(pages);
    free(imgs);
    HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, doc->title);
    HPDF_SetInfoAttr(pdf, HPDF_INFO_AUTHOR, doc->author);
    HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "nianbao");
    HPDF_SetPageMode(pdf, HPDF_PAGE_MODE_USE_OUTLINE);
    return ok;
}

/* ------------------------------------------------------------------ PDF/A-2b
 * What ISO 19005-2 asks beyond what every PDF here already is (fonts embedded, subset,
 * mapped to Unicode; no encryption, LZW, JavaScript or attachments; transparency only with
 * an output intent): XMP metadata matching the document information, an sRGB output
 * intent (Debian's profile, compiled in: build/srgb_icc.c), a file identifier. */

extern const unsigned char nb_srgb_icc[];
extern const size_t nb_srgb_icc_len;

#define S_ID_HEX 32 /* the identifier: 16 bytes, written as 32 hex digits */

/* Text for XML: & < > " escaped. */
static void S_xml(NbBuf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': nb_buf_puts(b, "&amp;"); break;
        case '<': nb_buf_puts(b, "&lt;"); break;
        case '>': nb_buf_puts(b, "&gt;"); break;
        case '"': nb_buf_puts(b, "&quot;"); break;
        default: nb_buf_add(b, s, 1);
        }
    }
}

/* The XMP packet: the PDF/A identification and the document information's entries. */
static void S_xmp(NbBuf *b, const char *title, const char *author, const char *creator,
                  const char *producer)
{
    nb_buf_puts(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                   "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                   "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                   "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                   "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n"
                   "</rdf:Description>\n"
                   "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                   "<dc:format>application/pdf</dc:format>\n");
    if (title) {
        nb_buf_puts(b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        S_xml(b, title);
        nb_buf_puts(b, "</rdf:li></rdf:Alt></dc:title>\n");
    }
    if (author) {
        nb_buf_puts(b, "<dc:creator><rdf:Seq><rdf:li>");
        S_xml(b, author);
        nb_buf_puts(b, "</rdf:li></rdf:Seq></dc:creator>\n");
    }
    nb_buf_puts(b, "<dc:language><rdf:Bag><rdf:li>zh-CN</rdf:li></rdf:Bag></dc:language>\n"
                   "</rdf:Description>\n"
                   "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
                   "<xmp:CreatorTool>");
    S_xml(b, creator);
    nb_buf_puts(b, "</xmp:CreatorTool>\n</rdf:Description>\n"
                   "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
                   "<pdf:Producer>");
    S_xml(b, producer);
    nb_buf_puts(b, "</pdf:Producer>\n</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
                   "<?xpacket end=\"w\"?>");
}

/* The catalog's /Metadata and /OutputIntents, and a stand-in /ID in the trailer (S_file_id
 * gives it its value once the file is written). */
static int S_pdfa(NbPdfPainter *p, const NbDoc *doc)
{
    HPDF_Doc pdf = p->pdf;
    HPDF_MMgr mm = S_mmgr(pdf);
    HPDF_STATUS st = HPDF_OK;
    const char *producer = HPDF_GetInfoAttr(pdf, HPDF_INFO_PRODUCER);
    NbBuf x = {0};
    S_xmp(&x, doc->title, doc->author, "nianbao", producer ? producer : "");
    HPDF_Dict meta = S_stream_obj(pdf, x.s, x.len, NULL, &st); /* unfiltered, as XMP asks */
    nb_buf_free(&x);
    HPDF_Dict icc = NULL;
    st |= S_stream_z(p, &icc, nb_srgb_icc, nb_srgb_icc_len, 0);
    HPDF_Dict intent = HPDF_Dict_New(mm);
    HPDF_Array intents = HPDF_Array_New(mm), id = HPDF_Array_New(mm);
    if (!meta || !icc || !intent || !intents || !id) return 0;
    st |= HPDF_Dict_AddName(meta, "Type", "Metadata");
    st |= HPDF_Dict_AddName(meta, "Subtype", "XML");
    st |= HPDF_Dict_AddNumber(icc, "N", 3);
    st |= HPDF_Dict_AddName(intent, "Type", "OutputIntent");
    st |= HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
    st |= HPDF_Dict_Add(intent, "OutputConditionIdentifier", HPDF_String_New(mm, "sRGB IEC61966-2.1", NULL));
    st |= HPDF_Dict_Add(intent, "Info", HPDF_String_New(mm, "sRGB IEC61966-2.1", NULL));
    st |= HPDF_Dict_Add(intent, "DestOutputProfile", icc);
    st |= HPDF_Array_Add(intents, intent);
    HPDF_Dict cat = S_catalog(pdf);
    st |= HPDF_Dict_Add(cat, "Metadata", meta);
    st |= HPDF_Dict_Add(cat, "OutputIntents", intents);
    static const HPDF_BYTE zero[S_ID_HEX / 2];
    for (int i = 0; i < 2; i++) st |= HPDF_Array_Add(id, HPDF_Binary_New(mm, (HPDF_BYTE *)zero, sizeof zero));
    st |= HPDF_Dict_Add(S_trailer(pdf), "ID", id);
    return st == HPDF_OK;
}

/* The file identifier (both halves of /ID), from the file as written with a stand-in of
 * zeros, so that the same inputs give the same file: two CRC-32s (of the file, and of it
 * after the first), its Adler-32 and its length. An identifier names a file; it need not
 * be a cryptographic hash, and SHA-256 (OpenSSL, started for it) was 6 % of a cold render. */
static int S_file_id(char *pdf, size_t len)
{
    size_t tail = len < 512 ? len : 512;
    char *at = NULL, *hex[2];
    for (char *p = pdf + len - tail; p + 3 < pdf + len; p++)
        if (memcmp(p, "/ID", 3) == 0) at = p;
    if (!at) return 0;
    for (int i = 0; i < 2; i++) {
        hex[i] = memchr(at, '<', (size_t)(pdf + len - at));
        if (!hex[i] || (size_t)(pdf + len - hex[i]) < S_ID_HEX + 2) return 0;
        hex[i]++;
        for (int k = 0; k < S_ID_HEX; k++)
            if (hex[i][k] != '0') return 0;
        at = hex[i] + S_ID_HEX;
    }
    uint32_t crc = libdeflate_crc32(0, pdf, len), parts[4] = {
        crc, libdeflate_crc32(crc, pdf, len), libdeflate_adler32(1, pdf, len), (uint32_t)len};
    unsigned char md[S_ID_HEX / 2];
    for (int i = 0; i < 16; i++) md[i] = (unsigned char)(parts[i / 4] >> (8 * (3 - i % 4)));
    static const char digits[] = "0123456789ABCDEF";
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < S_ID_HEX / 2; k++)
            hex[i][2 * k] = digits[md[k] >> 4], hex[i][2 * k + 1] = digits[md[k] & 15];
    return 1;
}

/* The finished document's bytes, allocated into *out. */
static int S_save(HPDF_Doc pdf, char **out, size_t *len)
{
    if (HPDF_SaveToStream(pdf) != HPDF_OK) return 0;
    HPDF_UINT32 size = HPDF_GetStreamSize(pdf), got = size;
    *out = nb_xmalloc(size ? size : 1);
    if (HPDF_ReadFromStream(pdf, (HPDF_BYTE *)*out, &got) != HPDF_OK && got != size) {
        free(*out);
        return 0;
    }
    *len = got;
    return 1;
}

/* Every face the documents draw, subset and embedded: faces[i].font set. */
static int S_embed_all(NbPdfPainter *p, NbFonts *fonts, S_Face *faces, size_t nfaces, NbDiag *diag)
{
    int ok = 1;
    for (size_t i = 0; ok && i < nfaces; i++) {
        if (!faces[i].ncids) continue;
        const NbFaceInfo *fi = nb_fonts_info(fonts, (int)i);
        S_Sfnt *sf = S_sfnt(p, fi, diag);
        ok = sf && S_embed(p, sf, fi, &faces[i], diag);
    }
    return ok;
}

static void S_faces_free(S_Face *faces, size_t nfaces)
{
    for (size_t i = 0; i < nfaces; i++) {
        for (size_t b = 0; faces[i].cid && b < S_CODEPOINTS >> 8; b++) free(faces[i].cid[b]);
        free(faces[i].cid), free(faces[i].cps), free(faces[i].code);
    }
    free(faces);
}

/* The painter's failure as a message, unless one was given. */
static int S_failed(NbPdfPainter *p, NbDiag *diag, size_t errors)
{
    if (diag->errors == errors)
        nb_diag_add(diag, NB_ERROR, (NbMark){"nianbao", 0, 0},
                    "the PDF library failed (error 0x%04X, detail %u)", (unsigned)p->err.error,
                    (unsigned)p->err.detail);
    return 0;
}

int nb_pdf_paint(NbPdfPainter *p, const NbDoc *doc, char **out, size_t *len, NbDiag *diag)
{
    size_t errors = diag->errors;
    if (!S_begin(p)) {
        nb_diag_add(diag, NB_ERROR, (NbMark){"nianbao", 0, 0}, "cannot start the PDF library");
        return 0;
    }
    size_t nfaces = nb_fonts_count(doc->fonts);
    S_Face *faces = nb_xcalloc(nfaces ? nfaces : 1, sizeof *faces);
    S_collect(doc, faces);
    int ok = S_embed_all(p, doc->fonts, faces, nfaces, diag) && S_paint_doc(p, doc, faces, 1) &&
             !p->err.error && (!p->pdfa || S_pdfa(p, doc));
    if (ok) S_version_17(p->pdf);
    ok = ok && S_save(p->pdf, out, len);
    if (ok && p->pdfa && !S_file_id(*out, *len)) {
        free(*out);
        *out = NULL;
        ok = 0;
    }
    S_faces_free(faces, nfaces);
    return ok && !p->err.error ? 1 : S_failed(p, diag, errors);
}

/* ------------------------------------------------------------------ a combined PDF
 * Made in two passes over the documents, so that memory does not grow with their number
 * and each face is embedded once for all of them: the first pass gathers the characters
 * every face draws; the fonts are then subset once and written; the second paints each
 * document on its own (libharu, with a stand-in for each font) and copies its objects
 * into the combined file (pdfcat.c), the stand-ins replaced by the shared fonts. */

typedef struct {
    unsigned pages, outline, first, last, first_page;
    unsigned blank;    /* a blank page before it (two-sided printing), or 0 */
    size_t count;
    char *title;
} S_Part;

struct NbPdfCombined {
    NbPdfPainter *p;
    NbFonts *fonts;
    S_Face *faces;
    size_t nfaces;
    NbCat *cat;
    unsigned *font_num;   /* per face: the shared Type0 font's number in the combined file */
    unsigned pages, info; /* the page tree's root; the first document's information */
    S_Part *parts;
    size_t nparts, cap, npages;
    int duplex;
    double last_w, last_h; /* the last page's size, for a blank one after it */
};

NbPdfCombined *nb_pdf_combined_new(NbOut *out, int duplex)
{
    NbPdfCombined *c = nb_xcalloc(1, sizeof *c);
    c->duplex = duplex;
    c->p = nb_pdf_painter_new();
    c->cat = nb_cat_new(out);
    return c;
}

void nb_pdf_combined_free(NbPdfCombined *c)
{
    if (!c) return;
    nb_pdf_painter_free(c->p);
    S_faces_free(c->faces, c->nfaces);
    nb_cat_free(c->cat);
    free(c->font_num);
    for (size_t i = 0; i < c->nparts; i++) free(c->parts[i].title);
    free(c->parts);
    free(c);
}

int nb_pdf_combined_collect(NbPdfCombined *c, const NbDoc *doc)
{
    if (!c->fonts) {
        c->fonts = doc->fonts;
        c->nfaces = nb_fonts_count(doc->fonts);
        c->faces = nb_xcalloc(c->nfaces ? c->nfaces : 1, sizeof *c->faces);
    }
    if (doc->fonts != c->fonts) return 0;
    S_collect(doc, c->faces);
    return 1;
}

/* A message for a combined PDF that cannot be made. */
static int S_cat_failed(NbDiag *diag, const char *what, char *err)
{
    nb_diag_add(diag, NB_ERROR, (NbMark){"nianbao", 0, 0}, "cannot make the combined PDF: %s: %s",
                what, err ? err : "?");
    free(err);
    return 0;
}

int nb_pdf_combined_start(NbPdfCombined *c, NbDiag *diag)
{
    size_t errors = diag->errors;
    c->pages = nb_cat_reserve(c->cat);
    c->font_num = nb_xcalloc(c->nfaces ? c->nfaces : 1, sizeof *c->font_num);
    if (!c->fonts) return 1;
    char *pdf = NULL, *err = NULL;
    size_t len = 0;
    if (!S_begin(c->p)) return S_failed(c->p, diag, errors);
    if (!S_embed_all(c->p, c->fonts, c->faces, c->nfaces, diag) || c->p->err.error ||
        !S_save(c->p->pdf, &pdf, &len))
        return S_failed(c->p, diag, errors);
    NbCatImport how = {NULL, 0, 0, 0};
    NbCatPart part;
    int ok = nb_cat_import(c->cat, pdf, len, &how, &part, &err);
    free(pdf);
    if (!ok) return S_cat_failed(diag, "the fonts", err);
    for (size_t i = 0; i < c->nfaces; i++)
        if (c->faces[i].ncids) c->font_num[i] = nb_cat_mapped(c->cat, S_obj_num(c->faces[i].font));
    return 1;
}

int nb_pdf_combined_add(NbPdfCombined *c, const NbDoc *doc, NbDiag *diag)
{
    NbMark here = {doc->author ? doc->author : "nianbao", 0, 0};
    size_t errors = diag->errors;
    if (doc->fonts != c->fonts) {
        nb_diag_add(diag, NB_ERROR, here, "a font file changed while the combined PDF was made; "
                                          "run the batch again");
        return 0;
    }
    /* every character it draws was gathered by the first pass (unless the file changed) */
    for (size_t pg = 0; pg < doc->npages; pg++)
        for (size_t i = 0; i < doc->pages[pg].n; i++) {
            const NbItem *it = &doc->pages[pg].items[i];
            if (it->kind != NB_IT_TEXT) continue;
            const char *q = it->text, *end = q + strlen(q);
            while (q < end) {
                uint32_t cp = nb_utf8_next(&q, end);
                if (cp < S_CODEPOINTS && !S_code_of(&c->faces[it->face], cp)) {
                    nb_diag_add(diag, NB_ERROR, here, "this report changed while the combined "
                                                      "PDF was made; run the batch again");
                    return 0;
                }
            }
        }
    if (!S_begin(c->p)) return S_failed(c->p, diag, errors);
    NbCatSub *subs = nb_xcalloc(c->nfaces ? c->nfaces : 1, sizeof *subs);
    size_t nsubs = 0;
    for (size_t i = 0; i < c->nfaces; i++) {
        if (!c->faces[i].ncids) continue;
        c->faces[i].font = S_dict(c->p->pdf, "Font"); /* a stand-in, not copied */
        if (!c->faces[i].font) {
            free(subs);
            return S_failed(c->p, diag, errors);
        }
        subs[nsubs++] = (NbCatSub){S_obj_num(c->faces[i].font), c->font_num[i]};
    }
    char *pdf = NULL, *err = NULL;
    size_t len = 0;
    int ok = S_paint_doc(c->p, doc, c->faces, 0) && !c->p->err.error && S_save(c->p->pdf, &pdf, &len);
    if (!ok) {
        free(subs);
        return S_failed(c->p, diag, errors);
    }
    NbCatImport how = {subs, nsubs, c->pages, c->nparts == 0};
    NbCatPart part;
    ok = nb_cat_import(c->cat, pdf, len, &how, &part, &err);
    free(pdf);
    free(subs);
    if (!ok) return S_cat_failed(diag, doc->author ? doc->author : "a report", err);
    if (!c->nparts) c->info = part.info;
    unsigned blank = 0;
    if (c->duplex && c->npages % 2) { /* it starts on a right-hand page: a blank one before */
        blank = nb_cat_reserve(c->cat);
        NbBuf b = {0};
        nb_buf_printf(&b, "<<\n/Type /Page\n/Parent %u 0 R\n/MediaBox [ 0 0 ", c->pages);
        S_num(&b, c->last_w), S_num(&b, c->last_h);
        nb_buf_puts(&b, "]\n/Resources << >>\n>>");
        ok = nb_cat_object(c->cat, blank, b.s, b.len);
        nb_buf_free(&b);
        if (!ok) return S_cat_failed(diag, "a blank page", NULL);
        c->npages++;
    }
    nb_grow(&c->parts, &c->cap, c->nparts + 1, sizeof *c->parts);
    c->parts[c->nparts++] = (S_Part){part.pages, part.outline, part.outline_first, part.outline_last,
                                     part.first_page, blank, part.outline_count,
                                     nb_xstrdup(doc->author ? doc->author : "")};
    c->npages += part.npages;
    c->last_w = doc->w, c->last_h = doc->h;
    return 1;
}

int nb_pdf_combined_end(NbPdfCombined *c, size_t *pages, NbDiag *diag)
{
    NbBuf b = {0};
    unsigned outlines = nb_cat_reserve(c->cat), catalog = nb_cat_reserve(c->cat);
    for (size_t i = 0; i < c->nparts; i++)
        if (!c->parts[i].outline) c->parts[i].outline = nb_cat_reserve(c->cat);
    int ok = 1;
    /* each document under its agency, closed */
    for (size_t i = 0; ok && i < c->nparts; i++) {
        const S_Part *pt = &c->parts[i];
        b.len = 0;
        nb_buf_puts(&b, "<<\n/Title ");
        nb_pdf_text_string(&b, pt->title);
        nb_buf_printf(&b, "\n/Parent %u 0 R\n", outlines);
        if (i) nb_buf_printf(&b, "/Prev %u 0 R\n", c->parts[i - 1].outline);
        if (i + 1 < c->nparts) nb_buf_printf(&b, "/Next %u 0 R\n", c->parts[i + 1].outline);
        if (pt->first && pt->last)
            nb_buf_printf(&b, "/First %u 0 R\n/Last %u 0 R\n/Count -%zu\n", pt->first, pt->last, pt->count);
        if (pt->first_page) nb_buf_printf(&b, "/Dest [ %u 0 R /Fit ]\n", pt->first_page);
        nb_buf_puts(&b, ">>");
        ok = nb_cat_object(c->cat, pt->outline, b.s, b.len);
    }
    b.len = 0;
    nb_buf_puts(&b, "<<\n/Type /Outlines\n");
    if (c->nparts)
        nb_buf_printf(&b, "/First %u 0 R\n/Last %u 0 R\n/Count %zu\n", c->parts[0].outline,
                      c->parts[c->nparts - 1].outline, c->nparts);
    nb_buf_puts(&b, ">>");
    ok = ok && nb_cat_object(c->cat, outlines, b.s, b.len);
    b.len = 0;
    nb_buf_puts(&b, "<<\n/Type /Pages\n/Kids [");
    for (size_t i = 0; i < c->nparts; i++) {
        if (c->parts[i].blank) nb_buf_printf(&b, " %u 0 R", c->parts[i].blank);
        nb_buf_printf(&b, " %u 0 R", c->parts[i].pages);
    }
    nb_buf_printf(&b, " ]\n/Count %zu\n>>", c->npages);
    ok = ok && nb_cat_object(c->cat, c->pages, b.s, b.len);
    b.len = 0;
    nb_buf_printf(&b, "<<\n/Type /Catalog\n/Pages %u 0 R\n/Outlines %u 0 R\n/PageMode /UseOutlines\n",
                  c->pages, outlines);
    if (nb_cat_version(c->cat) > '4') nb_buf_printf(&b, "/Version /1.%c\n", nb_cat_version(c->cat));
    nb_buf_puts(&b, ">>");
    ok = ok && nb_cat_object(c->cat, catalog, b.s, b.len);
    nb_buf_free(&b);
    const char *err = _("cannot write");
    if (!ok || !nb_cat_finish(c->cat, catalog, c->info, &err)) {
        nb_diag_add(diag, NB_ERROR, (NbMark){"nianbao", 0, 0}, "cannot make the combined PDF: %s", err);
        return 0;
    }
    *pages = c->npages;
    return 1;
}
