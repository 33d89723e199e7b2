#include "doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

size_t nb_doc_add_page(NbDoc *d)
{
    nb_grow(&d->pages, &d->cap, d->npages + 1, sizeof *d->pages);
    memset(&d->pages[d->npages], 0, sizeof *d->pages);
    return d->npages++;
}

int nb_doc_elem(NbDoc *d, const char *role, int parent)
{
    if (!d->nelems) {
        nb_grow(&d->elems, &d->ecap, 1, sizeof *d->elems);
        d->elems[d->nelems++] = (NbElem){"Document", -1, 1, 1, NB_SCOPE_NONE, NULL};
    }
    nb_grow(&d->elems, &d->ecap, d->nelems + 1, sizeof *d->elems);
    d->elems[d->nelems] = (NbElem){role, parent, 1, 1, NB_SCOPE_NONE, NULL};
    return (int)d->nelems++;
}

static NbItem *S_item(NbDoc *d, size_t page)
{
    NbPage *p = &d->pages[page];
    nb_grow(&p->items, &p->cap, p->n + 1, sizeof *p->items);
    NbItem *it = &p->items[p->n++];
    memset(it, 0, sizeof *it);
    it->elem = d->cur;
    return it;
}

void nb_doc_run(NbDoc *d, size_t page, const NbTextRun *run, double size, double x0, double y)
{
    NbItem *it = S_item(d, page);
    it->kind = NB_IT_TEXT;
    it->face = run->face;
    it->size = size;
    it->x = x0 + run->x;
    it->y = y;
    it->char_space = run->char_space;
    it->hscale = run->hscale;
    it->text = nb_xstrdup(run->text);
}

void nb_doc_rule(NbDoc *d, size_t page, double x0, double y0, double x1, double y1, double width)
{
    NbItem *it = S_item(d, page);
    it->kind = NB_IT_RULE;
    it->elem = 0; /* rules only decorate */
    it->x = x0, it->y = y0, it->x1 = x1, it->y1 = y1, it->width = width;
}

void nb_doc_image(NbDoc *d, size_t page, const NbImage *img, double x0, double y0, double x1,
                  double y1)
{
    NbImage *copy = NULL;
    for (size_t i = 0; i < d->nimages; i++)
        if (d->image_src[i] == img) copy = d->images[i];
    if (!copy) { /* one copy per image, however often it is drawn */
        copy = nb_xcalloc(1, sizeof *copy);
        copy->w = img->w, copy->h = img->h;
        size_t px = (size_t)img->w * (size_t)img->h;
        copy->rgb = nb_xmalloc(3 * px);
        memcpy(copy->rgb, img->rgb, 3 * px);
        if (img->alpha) {
            copy->alpha = nb_xmalloc(px);
            memcpy(copy->alpha, img->alpha, px);
        }
        d->images = nb_xrealloc(d->images, (d->nimages + 1) * sizeof *d->images);
        d->image_src = nb_xrealloc(d->image_src, (d->nimages + 1) * sizeof *d->image_src);
        d->image_src[d->nimages] = img;
        d->images[d->nimages++] = copy;
    }
    NbItem *it = S_item(d, page);
    it->kind = NB_IT_IMAGE;
    it->image = copy;
    it->x = x0, it->y = y0, it->x1 = x1, it->y1 = y1;
}

void nb_doc_outline(NbDoc *d, const char *title, int level, size_t page, double y)
{
    nb_grow(&d->outline, &d->ocap, d->noutline + 1, sizeof *d->outline);
    d->outline[d->noutline++] = (NbOutline){nb_xstrdup(title), level > 0 ? level : 1, page, y};
}

void nb_doc_free(NbDoc *d)
{
    for (size_t p = 0; p < d->npages; p++) {
        for (size_t i = 0; i < d->pages[p].n; i++) free(d->pages[p].items[i].text);
        free(d->pages[p].items);
    }
    free(d->pages);
    for (size_t i = 0; i < d->noutline; i++) free(d->outline[i].title);
    free(d->outline);
    for (size_t i = 0; i < d->nboxes; i++) free(d->boxes[i].text);
    free(d->boxes);
    free(d->title);
    free(d->author);
    for (size_t i = 0; i < d->nimages; i++) {
        nb_image_free(d->images[i]);
        free(d->images[i]);
    }
    free(d->images);
    free(d->image_src);
    for (size_t i = 0; i < d->nelems; i++) free(d->elems[i].alt);
    free(d->elems);
    memset(d, 0, sizeof *d);
}

/* A string as JSON. */
static void S_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

int nb_doc_dump_boxes(const NbDoc *d, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return 0;
    fprintf(f, "{\"page\": {\"width\": %.3f, \"height\": %.3f},\n", d->w, d->h);
    fprintf(f, " \"type_area\": {\"x0\": %.3f, \"y0\": %.3f, \"x1\": %.3f, \"y1\": %.3f},\n", d->ta_x0,
            d->ta_y0, d->ta_x1, d->ta_y1);
    fprintf(f, " \"pages\": %zu,\n \"cells\": [", d->npages);
    for (size_t i = 0; i < d->nboxes; i++) {
        const NbCellBox *b = &d->boxes[i];
        fprintf(f, "%s\n  {\"table\": ", i ? "," : "");
        S_json_str(f, b->table);
        fprintf(f, ", \"section\": ");
        S_json_str(f, b->section);
        fprintf(f, ", \"page\": %zu, \"row\": %d, \"col\": %d, \"rowspan\": %d, \"colspan\": %d, "
                   "\"x0\": %.3f, \"y0\": %.3f, \"x1\": %.3f, \"y1\": %.3f, \"text\": ",
                b->page + 1, b->row, b->col, b->rowspan, b->colspan, b->x0, b->y0, b->x1, b->y1);
        S_json_str(f, b->text);
        fprintf(f, ", \"number\": %s, \"continued\": %s}", b->number ? "true" : "false",
                b->continued ? "true" : "false");
    }
    fprintf(f, "\n ],\n \"images\": [");
    size_t n = 0;
    for (size_t p = 0; p < d->npages; p++)
        for (size_t i = 0; i < d->pages[p].n; i++) {
            const NbItem *it = &d->pages[p].items[i];
            if (it->kind != NB_IT_IMAGE) continue;
            fprintf(f, "%s\n  {\"page\": %zu, \"x0\": %.3f, \"y0\": %.3f, \"x1\": %.3f, "
                       "\"y1\": %.3f, \"pixels\": [%d, %d], \"alpha\": %s}",
                    n++ ? "," : "", p + 1, it->x, it->y, it->x1, it->y1, it->image->w,
                    it->image->h, it->image->alpha ? "true" : "false");
        }
    fprintf(f, "\n ]}\n");
    return fclose(f) == 0;
}
