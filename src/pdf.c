#include "pdf.h"

#include <hpdf.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#if HPDF_VERSION_ID != 20300
#error "pdf.c repairs libharu 2.3.0 through its internal structures; check them for this version"
#endif

typedef struct {
    HPDF_STATUS error, detail;
} S_Err;

static void S_on_error(HPDF_STATUS error, HPDF_STATUS detail, void *user)
{
    S_Err *e = user;
    if (!e->error) e->error = error, e->detail = detail;
}

typedef struct {
    HPDF_Font font;
    unsigned char *used; /* BMP code points drawn */
} S_Face;

/* libharu's ToUnicode is an encoding CMap; replace it by a real one for the code points used. */
static int S_fix_tounicode(HPDF_Doc pdf, S_Face *f)
{
    HPDF_FontAttr attr = (HPDF_FontAttr)f->font->attr;
    HPDF_Dict cmap = attr->cmap_stream;
    if (!cmap || !cmap->stream) return 1;
    HPDF_MemStream_FreeData(cmap->stream);
    static const char *const keys[] = {"Type", "CMapName", "CIDSystemInfo", "WMode"};
    for (size_t i = 0; i < 4; i++)
        HPDF_Dict_RemoveElement(cmap, keys[i]); /* absent keys are fine: no error is set */
    NbBuf b = {0};
    nb_buf_puts(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    unsigned cps[100];
    size_t n = 0;
    for (unsigned cp = 0; cp <= 0x10000; cp++) {
        int flush = cp == 0x10000 || n == 100;
        if (flush && n) {
            nb_buf_printf(&b, "%zu beginbfchar\n", n);
            for (size_t i = 0; i < n; i++) nb_buf_printf(&b, "<%04X> <%04X>\n", cps[i], cps[i]);
            nb_buf_puts(&b, "endbfchar\n");
            n = 0;
        }
        if (cp < 0x10000 && f->used[cp]) cps[n++] = cp;
    }
    nb_buf_puts(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    HPDF_STATUS st = HPDF_Stream_WriteStr(cmap->stream, b.s);
    nb_buf_free(&b);
    HPDF_Dict desc = attr->descendant_font;
    HPDF_Dict info = desc ? HPDF_Dict_GetItem(desc, "CIDSystemInfo", HPDF_OCLASS_DICT) : NULL;
    if (info) st |= HPDF_Dict_Add(info, "Ordering", HPDF_String_New(pdf->mmgr, "Identity", NULL));
    return st == HPDF_OK;
}

/* libharu follows one level of composite glyphs and drops components ≥ 32768: mark
 * every component of every used glyph as used before it subsets the font. */
static void S_mark_components(NbFonts *fonts, int face, S_Face *f)
{
    HPDF_FontAttr attr = (HPDF_FontAttr)f->font->attr;
    HPDF_TTFontDefAttr def = (HPDF_TTFontDefAttr)attr->fontdef->attr;
    HPDF_BYTE *flags = def->glyph_tbl.flgs;
    unsigned n = def->num_glyphs;
    if (!flags) return;
    unsigned *stack = nb_xmalloc(n * sizeof *stack);
    size_t top = 0;
    for (unsigned g = 0; g < n; g++)
        if (flags[g]) stack[top++] = g;
    while (top) {
        unsigned comps[64];
        size_t k = nb_fonts_components(fonts, face, stack[--top], comps, 64);
        for (size_t i = 0; i < k; i++)
            if (comps[i] < n && !flags[comps[i]]) {
                flags[comps[i]] = 1;
                if (top < n) stack[top++] = comps[i];
            }
    }
    free(stack);
}

static HPDF_Font S_load_font(HPDF_Doc pdf, const NbFaceInfo *fi)
{
    size_t len = strlen(fi->path);
    const char *name = len > 4 && strcasecmp(fi->path + len - 4, ".ttc") == 0
                           ? HPDF_LoadTTFontFromFile2(pdf, fi->path, (HPDF_UINT)fi->index, HPDF_TRUE)
                           : HPDF_LoadTTFontFromFile(pdf, fi->path, HPDF_TRUE);
    return name ? HPDF_GetFont(pdf, name, "UTF-8") : NULL;
}

static void S_mark_used(S_Face *f, const char *text)
{
    const char *p = text, *end = text + strlen(text);
    while (p < end) {
        uint32_t cp = nb_utf8_next(&p, end);
        if (cp < 0x10000) f->used[cp] = 1;
    }
}

static int S_paint_text(HPDF_Doc pdf, HPDF_Page page, double H, const NbPage *p, S_Face *faces,
                        NbFonts *fonts);
static int S_paint_images(HPDF_Doc pdf, HPDF_Page page, double H, const NbPage *p);

static int S_paint_page(HPDF_Doc pdf, HPDF_Page page, const NbDoc *doc, const NbPage *p,
                        S_Face *faces, NbFonts *fonts)
{
    double H = doc->h;
    /* rules first, in one path per width */
    double width = -1;
    int open = 0;
    for (size_t i = 0; i < p->n; i++) {
        const NbItem *it = &p->items[i];
        if (it->kind != NB_IT_RULE) continue;
        if (it->width != width) {
            if (open) HPDF_Page_Stroke(page);
            HPDF_Page_SetLineWidth(page, (HPDF_REAL)it->width);
            width = it->width;
        }
        HPDF_Page_MoveTo(page, (HPDF_REAL)it->x, (HPDF_REAL)(H - it->y));
        HPDF_Page_LineTo(page, (HPDF_REAL)it->x1, (HPDF_REAL)(H - it->y1));
        open = 1;
    }
    if (open) HPDF_Page_Stroke(page);
    if (!S_paint_text(pdf, page, H, p, faces, fonts)) return 0;
    return S_paint_images(pdf, page, H, p);
}

/* Images (the seal) over the text: RGB samples with the alpha plane as a soft mask. */
static int S_paint_images(HPDF_Doc pdf, HPDF_Page page, double H, const NbPage *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const NbItem *it = &p->items[i];
        if (it->kind != NB_IT_IMAGE) continue;
        const NbImage *im = it->image;
        HPDF_Image img = HPDF_LoadRawImageFromMem(pdf, im->rgb, (HPDF_UINT)im->w, (HPDF_UINT)im->h,
                                                  HPDF_CS_DEVICE_RGB, 8);
        if (!img) return 0;
        if (im->alpha) {
            HPDF_Image mask = HPDF_LoadRawImageFromMem(pdf, im->alpha, (HPDF_UINT)im->w,
                                                       (HPDF_UINT)im->h, HPDF_CS_DEVICE_GRAY, 8);
            if (!mask || HPDF_Image_AddSMask(img, mask) != HPDF_OK) return 0;
        }
        if (HPDF_Page_DrawImage(page, img, (HPDF_REAL)it->x, (HPDF_REAL)(H - it->y1),
                                (HPDF_REAL)(it->x1 - it->x), (HPDF_REAL)(it->y1 - it->y)) != HPDF_OK)
            return 0;
    }
    return 1;
}

static int S_paint_text(HPDF_Doc pdf, HPDF_Page page, double H, const NbPage *p, S_Face *faces,
                        NbFonts *fonts)
{
    HPDF_Page_BeginText(page);
    int cur_face = -1;
    double cur_size = 0, cur_cs = 0, cur_hs = 1;
    for (size_t i = 0; i < p->n; i++) {
        const NbItem *it = &p->items[i];
        if (it->kind != NB_IT_TEXT) continue;
        S_Face *f = &faces[it->face];
        if (!f->font) {
            f->font = S_load_font(pdf, nb_fonts_info(fonts, it->face));
            if (!f->font) return 0;
        }
        if (it->face != cur_face || it->size != cur_size) {
            HPDF_Page_SetFontAndSize(page, f->font, (HPDF_REAL)it->size);
            cur_face = it->face, cur_size = it->size;
        }
        if (it->char_space != cur_cs) {
            HPDF_Page_SetCharSpace(page, (HPDF_REAL)it->char_space);
            cur_cs = it->char_space;
        }
        if (it->hscale != cur_hs) {
            HPDF_Page_SetHorizontalScalling(page, (HPDF_REAL)(it->hscale * 100));
            cur_hs = it->hscale;
        }
        HPDF_Page_TextOut(page, (HPDF_REAL)it->x, (HPDF_REAL)(H - it->y), it->text);
        S_mark_used(f, it->text);
    }
    HPDF_Page_EndText(page);
    return 1;
}

int nb_pdf_render(const NbDoc *doc, NbFonts *fonts, char **out, size_t *len, NbDiag *diag)
{
    S_Err err = {0, 0};
    NbMark here = {"nianbao", 0, 0};
    HPDF_Doc pdf = HPDF_New(S_on_error, &err);
    if (!pdf) {
        nb_diag_add(diag, NB_ERROR, here, "cannot start the PDF library");
        return 0;
    }
    size_t nfaces = nb_fonts_count(fonts);
    S_Face *faces = nb_xcalloc(nfaces ? nfaces : 1, sizeof *faces);
    for (size_t i = 0; i < nfaces; i++) faces[i].used = nb_xcalloc(0x10000, 1);
    int ok = 1;
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(pdf);
    HPDF_SetCurrentEncoder(pdf, "UTF-8");
    HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, doc->title);
    HPDF_SetInfoAttr(pdf, HPDF_INFO_AUTHOR, doc->author);
    HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "nianbao");
    HPDF_Page *pages = nb_xcalloc(doc->npages ? doc->npages : 1, sizeof *pages);
    for (size_t i = 0; ok && i < doc->npages; i++) {
        pages[i] = HPDF_AddPage(pdf);
        if (!pages[i]) break;
        HPDF_Page_SetWidth(pages[i], (HPDF_REAL)doc->w);
        HPDF_Page_SetHeight(pages[i], (HPDF_REAL)doc->h);
        ok = S_paint_page(pdf, pages[i], doc, &doc->pages[i], faces, fonts);
    }
    if (ok && !err.error && doc->noutline) {
        HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
        for (size_t i = 0; i < doc->noutline; i++) {
            const NbOutline *o = &doc->outline[i];
            HPDF_Outline ol = HPDF_CreateOutline(pdf, NULL, o->title, enc);
            HPDF_Destination dst = ol ? HPDF_Page_CreateDestination(pages[o->page]) : NULL;
            if (dst) {
                HPDF_Destination_SetFitH(dst, (HPDF_REAL)(doc->h - o->y));
                HPDF_Outline_SetDestination(ol, dst);
            }
        }
        HPDF_SetPageMode(pdf, HPDF_PAGE_MODE_USE_OUTLINE);
    }
    for (size_t i = 0; ok && !err.error && i < nfaces; i++) {
        if (!faces[i].font) continue;
        S_mark_components(fonts, (int)i, &faces[i]);
        ok = S_fix_tounicode(pdf, &faces[i]);
    }
    if (ok && !err.error && HPDF_SaveToStream(pdf) == HPDF_OK) {
        HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
        *out = nb_xmalloc(size ? size : 1);
        HPDF_UINT32 got = size;
        if (HPDF_ReadFromStream(pdf, (HPDF_BYTE *)*out, &got) != HPDF_OK && got != size) ok = 0;
        *len = got;
        if (!ok) free(*out);
    } else {
        ok = 0;
    }
    if (!ok || err.error)
        nb_diag_add(diag, NB_ERROR, here, "the PDF library failed (error 0x%04X, detail %u)",
                    (unsigned)err.error, (unsigned)err.detail);
    int result = ok && !err.error;
    free(pages);
    for (size_t i = 0; i < nfaces; i++) free(faces[i].used);
    free(faces);
    HPDF_Free(pdf);
    return result;
}
