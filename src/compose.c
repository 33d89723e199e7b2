#include "compose.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

typedef struct {
    const NbReport *r;
    const NbLayout *l;
    NbFonts *fonts;
    NbBlocks *out;
    NbDiag *diag;
    int ok;
} S_Ctx;

/* Every character must be drawable: in the BMP and in some font of the role. A problem is
 * reported where the character is in the file (src), or at `at` for the layout's own text;
 * `checked_role` >= 0: the text was already checked in that role; only what this role
 * lacks besides is reported. */
static void S_cover(S_Ctx *c, const char *text, int role, const NbSrcText *src, NbMark at,
                    const char *where, int checked_role)
{
    const char *p = text, *end = text + strlen(text);
    int line = 0, paragraphs = strchr(text, '\n') != NULL;
    while (p < end) {
        const char *ch = p;
        uint32_t cp = nb_utf8_next(&p, end);
        if (cp == '\n') {
            line++;
            continue;
        }
        const char *why = NULL;
        int seen = checked_role >= 0 && (cp > 0xFFFF || cp < 0x20 ||
                                         nb_fonts_face(c->fonts, checked_role, cp) < 0);
        if (seen) continue;
        if (cp > 0xFFFF)
            why = "is beyond U+FFFF, which the PDF library cannot draw; replace it with a common form";
        else if (cp < 0x20) why = "is a control character; remove it";
        else if (nb_fonts_face(c->fonts, role, cp) < 0)
            why = "is in none of the installed fonts; replace it, or add a font that has it "
                  "(fonts/ or --fonts DIR)";
        if (!why) continue;
        int nth = 0; /* the same character earlier in the text */
        for (const char *q = text; q < ch; q++) nth += !memcmp(q, ch, (size_t)(p - ch));
        NbMark here = src ? nb_report_locate(src, ch, (size_t)(p - ch), nth) : at;
        NbBuf shown = {0};
        if (cp >= 0x20) nb_utf8_put(&shown, cp);
        NbBuf place = {0};
        nb_buf_puts(&place, where);
        if (paragraphs) nb_buf_printf(&place, ", paragraph %d", line + 1);
        nb_diag_add(c->diag, NB_ERROR, here, "%s: the character %s (U+%04X) %s", place.s,
                    shown.s ? shown.s : "", cp, why);
        nb_buf_free(&shown);
        nb_buf_free(&place);
        c->ok = 0;
    }
}

static NbBlock *S_text_block(S_Ctx *c, NbBlockType type, NbStyleId style, const char *text)
{
    NbBlock *b = nb_blocks_add(c->out, type, style);
    b->owned[0] = nb_xstrdup(text);
    b->spans[0] = (NbSpan){b->owned[0], c->l->styles[style].font_role};
    b->nspans = 1;
    return b;
}

/* （一）…  at the start of a paragraph. */
static size_t S_runin_prefix(const char *p)
{
    static const char *const nums[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    if (strncmp(p, "（", 3) != 0) return 0;
    size_t i = 3;
    for (int k = 0; k < 3; k++) {
        int hit = 0;
        for (size_t n = 0; n < 10; n++)
            if (strncmp(p + i, nums[n], 3) == 0) i += 3, hit = 1;
        if (!hit) break;
    }
    return i > 3 && strncmp(p + i, "）", 3) == 0 ? i + 3 : 0;
}

static void S_paragraph(S_Ctx *c, const char *para)
{
    size_t pre = S_runin_prefix(para);
    const char *stop = pre ? strstr(para + pre, "。") : NULL;
    size_t chars = 0;
    for (const char *q = para; *q && (!stop || q < stop); q++) chars += ((unsigned char)*q & 0xC0) != 0x80;
    if (pre && !stop && chars <= 24) {
        /* a short line on its own: a level-2 heading */
        S_text_block(c, NB_B_PARA, NB_ST_HEADING2, para);
        return;
    }
    if (pre && stop && chars <= 30) {
        NbBlock *b = nb_blocks_add(c->out, NB_B_PARA, NB_ST_BODY);
        size_t hl = (size_t)(stop - para) + 3;
        b->owned[0] = nb_xstrndup(para, hl);
        b->owned[1] = nb_xstrdup(para + hl);
        b->spans[0] = (NbSpan){b->owned[0], c->l->styles[NB_ST_HEADING2].font_role};
        b->spans[1] = (NbSpan){b->owned[1], c->l->styles[NB_ST_BODY].font_role};
        b->nspans = 2;
        return;
    }
    S_text_block(c, NB_B_PARA, NB_ST_BODY, para);
}

static void S_prose(S_Ctx *c, const char *key)
{
    const NbProse *p = nb_report_prose(c->r, key);
    if (!p) return;
    char *where = nb_xasprintf("%s", key);
    S_cover(c, p->text, c->l->styles[NB_ST_BODY].font_role, &p->src, p->mark, where, -1);
    free(where);
    char *copy = nb_xstrdup(p->text);
    char *save = NULL;
    for (char *para = strtok_r(copy, "\n", &save); para; para = strtok_r(NULL, "\n", &save))
        S_paragraph(c, para);
    free(copy);
}

static void S_table(S_Ctx *c, const NbTableSpec *t)
{
    NbCellIn *cells = nb_xcalloc(t->ncells, sizeof *cells);
    int role = c->l->styles[NB_ST_TABLE].font_role;
    for (size_t i = 0; i < t->ncells; i++) {
        const NbCellSpec *s = &t->cells[i];
        NbCellIn *in = &cells[i];
        in->row = s->row, in->col = s->col, in->rowspan = s->rowspan, in->colspan = s->colspan;
        if (s->field >= 0) {
            in->text = c->r->rows[s->field].vals[s->index].text;
            in->number = 1;
            in->align = t->number_align;
        } else {
            in->text = s->text;
            in->align = s->row < t->header_rows ? t->header_align : t->label_align;
            S_cover(c, s->text, role, NULL, (NbMark){c->l->file, 0, 0}, "layout", -1);
        }
    }
    NbBlock *b = nb_blocks_add(c->out, NB_B_TABLE, NB_ST_TABLE);
    double width = c->l->page_w - c->l->margin_left - c->l->margin_right;
    b->table = nb_table_new(c->fonts, &c->l->styles[NB_ST_TABLE], t->key, t->section, t->col_width,
                            t->ncols, cells, t->ncells, t->header_rows, width);
    free(cells);
}

static char *S_date(const NbLayout *l, int y, int m, int d)
{
    NbBuf b = {0};
    for (const char *p = l->date_format; *p;) {
        if (strncmp(p, "{y}", 3) == 0) nb_buf_printf(&b, "%d", y), p += 3;
        else if (strncmp(p, "{m}", 3) == 0) nb_buf_printf(&b, "%d", m), p += 3;
        else if (strncmp(p, "{d}", 3) == 0) nb_buf_printf(&b, "%d", d), p += 3;
        else nb_buf_add(&b, p++, 1);
    }
    return b.s ? b.s : nb_xstrdup("");
}

int nb_compose(const NbReport *r, const NbLayout *l, NbFonts *fonts, NbBlocks *out, NbDiag *diag)
{
    S_Ctx c = {r, l, fonts, out, diag, 1};
    NbMark top = {r->file, 1, 1};
    int sig = l->styles[NB_ST_SIGNATURE].font_role, title = l->styles[NB_ST_TITLE].font_role;
    S_cover(&c, r->agency, sig, &r->agency_src, top, "agency", -1);
    if (r->title_src.src)
        S_cover(&c, r->title, title, &r->title_src, top, "title", -1);
    else /* the title is made from the agency: its characters in the title's fonts */
        S_cover(&c, r->agency, title, &r->agency_src, top, "agency (in the title)", sig);
    S_text_block(&c, NB_B_TITLE, NB_ST_TITLE, r->title);
    for (size_t i = 0; i < l->nblocks; i++) {
        const NbBlockSpec *s = &l->blocks[i];
        switch (s->kind) {
        case NB_BLK_HEADING:
            S_cover(&c, s->text, l->styles[NB_ST_HEADING1].font_role, NULL, (NbMark){l->file, 0, 0},
                    "layout", -1);
            S_text_block(&c, NB_B_HEADING, NB_ST_HEADING1, s->text);
            break;
        case NB_BLK_PROSE: S_prose(&c, s->text); break;
        case NB_BLK_TABLE: S_table(&c, &l->tables[s->table]); break;
        case NB_BLK_SIGNATURE: {
            NbBlock *b = nb_blocks_add(out, NB_B_SIGNATURE, NB_ST_SIGNATURE);
            b->name = nb_xstrdup(r->agency);
            if (r->has_date) b->date = S_date(l, r->date_y, r->date_m, r->date_d);
            if (r->seal_image.w) b->seal = &r->seal_image;
            break;
        }
        }
    }
    return c.ok;
}
