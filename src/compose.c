#include "compose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const NbReport *r;
    const NbLayout *l;
    NbBlocks *out;
    int level;  /* the last heading's */
} S_Ctx;

static int S_role(const S_Ctx *c, int style)
{
    return style >= 0 ? c->l->styles[style].font_role : -1;
}

/* The layout's own text: a problem with it is reported at the layout file. */
static void S_cover_layout(S_Ctx *c, const char *text, int style)
{
    nb_blocks_cover(c->out, text, S_role(c, style), NULL, (NbMark){c->l->file, 0, 0}, "layout", -1);
}

static NbBlock *S_text_block(S_Ctx *c, NbBlockType type, int style, const char *text)
{
    NbBlock *b = nb_blocks_add(c->out, type, style);
    b->owned[0] = nb_xstrdup(text);
    b->spans[0] = (NbSpan){b->owned[0], S_role(c, style)};
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

/* One paragraph: （一）…。 runs in in the heading style, a short （一）… line alone is a
 * heading, anything else is body text. */
static void S_paragraph(S_Ctx *c, const NbBlockSpec *s, const char *para)
{
    size_t pre = S_runin_prefix(para);
    const char *stop = pre ? strstr(para + pre, "。") : NULL;
    size_t chars = 0;
    for (const char *q = para; *q && (!stop || q < stop); q++) chars += ((unsigned char)*q & 0xC0) != 0x80;
    if (pre && !stop && chars <= 24) {
        /* a short line on its own: a level-2 heading */
        S_text_block(c, NB_B_PARA, s->heading_style, para)->level = c->level + 1;
        return;
    }
    if (pre && stop && chars <= 30) {
        NbBlock *b = nb_blocks_add(c->out, NB_B_PARA, s->style);
        size_t hl = (size_t)(stop - para) + 3;
        b->owned[0] = nb_xstrndup(para, hl);
        b->owned[1] = nb_xstrdup(para + hl);
        b->spans[0] = (NbSpan){b->owned[0], S_role(c, s->heading_style)};
        b->spans[1] = (NbSpan){b->owned[1], S_role(c, s->style)};
        b->nspans = 2;
        b->level = c->level + 1;
        return;
    }
    S_text_block(c, NB_B_PARA, s->style, para);
}

/* A prose field of the report, paragraph by paragraph. */
static void S_prose(S_Ctx *c, const NbBlockSpec *s)
{
    const NbProse *p = nb_report_prose(c->r, s->text);
    if (!p) return;
    nb_blocks_cover(c->out, p->text, S_role(c, s->style), &p->src, p->mark, s->text, -1);
    for (const char *para = p->text; *para;) {
        size_t n = strcspn(para, "\n");
        if (n) {
            char *one = nb_xstrndup(para, n);
            S_paragraph(c, s, one);
            free(one);
        }
        para += n + (para[n] == '\n');
    }
}

/* A table: the layout's grid, its number cells filled with the report's figures. */
static void S_table(S_Ctx *c, const NbBlockSpec *s)
{
    const NbTableSpec *t = &c->l->tables[s->table];
    NbBlock *b = nb_blocks_add(c->out, NB_B_TABLE, s->style);
    NbTableIn *in = &b->table;
    *in = (NbTableIn){t->key, t->section, t->col_width, t->ncols,
                      nb_xcalloc(t->ncells ? t->ncells : 1, sizeof *in->cells), t->ncells,
                      t->header_rows};
    for (size_t i = 0; i < t->ncells; i++) {
        const NbCellSpec *cs = &t->cells[i];
        NbCellIn *cell = &in->cells[i];
        *cell = (NbCellIn){cs->row, cs->col, cs->rowspan, cs->colspan, NULL, NB_ALIGN_LEFT, 0};
        if (cs->field >= 0) {
            cell->text = c->r->rows[cs->field].vals[cs->index].text;
            cell->number = 1;
            cell->align = t->number_align;
        } else {
            cell->text = cs->text;
            cell->align = cs->row < t->header_rows ? t->header_align : t->label_align;
            S_cover_layout(c, cs->text, s->style);
        }
    }
}

static char *S_date(const NbLayout *l, int y, int m, int d)
{
    char ys[16], ms[16], ds[16];
    snprintf(ys, sizeof ys, "%d", y), snprintf(ms, sizeof ms, "%d", m), snprintf(ds, sizeof ds, "%d", d);
    static const char *const names[] = {"y", "m", "d"};
    const char *values[] = {ys, ms, ds};
    return nb_expand(l->date_format, names, values, 3);
}

/* The first block of a kind in the layout's document, or NULL. */
static const NbBlockSpec *S_first(const NbLayout *l, NbBlockKind kind)
{
    for (size_t i = 0; i < l->nblocks; i++)
        if (l->blocks[i].kind == kind) return &l->blocks[i];
    return NULL;
}

/* The agency and the title must be drawable: the agency in the signature's font, the
 * title (or the agency, when the title is made from it) in the title's. */
static void S_cover_names(S_Ctx *c)
{
    const NbReport *r = c->r;
    const NbBlockSpec *sig = S_first(c->l, NB_BLK_SIGNATURE), *title = S_first(c->l, NB_BLK_TITLE);
    NbMark top = {r->file, 1, 1};
    int sig_role = sig ? S_role(c, sig->style) : -1;
    if (sig) nb_blocks_cover(c->out, r->agency, sig_role, &r->agency_src, top, "agency", -1);
    if (!title) return;
    if (r->title_src.src)
        nb_blocks_cover(c->out, r->title, S_role(c, title->style), &r->title_src, top, "title", -1);
    else /* the title is made from the agency: its characters in the title's fonts */
        nb_blocks_cover(c->out, r->agency, S_role(c, title->style), &r->agency_src, top,
                        "agency (in the title)", sig_role);
}

void nb_compose(const NbReport *r, const NbLayout *l, NbBlocks *out)
{
    S_Ctx c = {r, l, out, 0};
    S_cover_names(&c);
    for (size_t i = 0; i < l->nblocks; i++) {
        const NbBlockSpec *s = &l->blocks[i];
        switch (s->kind) {
        case NB_BLK_TITLE: S_text_block(&c, NB_B_TITLE, s->style, r->title); break;
        case NB_BLK_HEADING:
            S_cover_layout(&c, s->text, s->style);
            S_text_block(&c, NB_B_HEADING, s->style, s->text)->level = c.level = s->level;
            break;
        case NB_BLK_PROSE: S_prose(&c, s); break;
        case NB_BLK_TABLE: S_table(&c, s); break;
        case NB_BLK_SIGNATURE: {
            NbBlock *b = nb_blocks_add(out, NB_B_SIGNATURE, s->style);
            b->name = nb_xstrdup(r->agency);
            if (r->has_date) b->date = S_date(l, r->date_y, r->date_m, r->date_d);
            if (r->seal_image.w) b->seal = &r->seal_image;
            static const char *const names[] = {"agency"};
            const char *values[] = {r->agency};
            b->seal_alt = nb_expand(l->signature.seal_alt ? l->signature.seal_alt : "{agency}",
                                    names, values, 1);
            break;
        }
        }
    }
}
