#include "layout.h"

#include <math.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#define S_MM (72.0 / 25.4)

typedef struct {
    NbLayout *l;
    NbDiag *diag;
    int failed;
} S_Ctx;

/* Every mapping of a layout file, with the keys it may hold: anything else is an error
 * that suggests the nearest of these. */
static const char *const S_root_keys[] = {
    "id", "name", "page", "fonts", "styles", "table_continued", "table_clean_break", "title",
    "title_breaks", "date_format", "years", "template", "data", "computed", "document",
    "tables", "rules", "summary", NULL};
static const char *const S_page_keys[] = {"size", "margin", "lines", "chars", "page_number", NULL};
static const char *const S_margin_keys[] = {"top", "bottom", "left", "right", NULL};
static const char *const S_page_number_keys[] = {"style", "text", "below", "inset", NULL};
static const char *const S_style_keys[] = {"font", "size", "align", "indent", "leading",
                                           "space_before", "space_after", "padding", "rule",
                                           "grid", NULL};
static const char *const S_template_keys[] = {"head", "prose", "agency", "guidance", NULL};
static const char *const S_summary_keys[] = {"title", "prose", "missing", NULL};
static const char *const S_field_keys[] = {"count", "total", "decimal", "label", NULL};
static const char *const S_computed_keys[] = {"label", "sum", NULL};
static const char *const S_table_keys[] = {"section", "columns", "header_rows", "align", "cells",
                                           "numbers", NULL};
static const char *const S_table_align_keys[] = {"label", "header", "number", NULL};
static const char *const S_phrase_keys[] = {"find", "means", "cells", NULL};

static const struct {
    const char *name;
    double w, h; /* mm */
} S_papers[] = {
    {"A4", 210, 297}, {"A3", 297, 420}, {"A2", 420, 594}, {"A1", 594, 841}, {"A5", 148, 210},
    {"B5", 176, 250}, {"B4", 250, 353}, {"B3", 353, 500},
};

int nb_paper_size(const char *name, double *w, double *h)
{
    for (size_t i = 0; i < sizeof S_papers / sizeof S_papers[0]; i++)
        if (strcasecmp(name, S_papers[i].name) == 0) {
            *w = S_papers[i].w * S_MM;
            *h = S_papers[i].h * S_MM;
            return 1;
        }
    return 0;
}

static const struct {
    const char *name;
    double pt;
} S_type_sizes[] = {
    {"初号", 42}, {"小初", 36}, {"一号", 26}, {"小一", 24}, {"二号", 22}, {"小二", 18},
    {"三号", 16}, {"小三", 15}, {"四号", 14}, {"小四", 12}, {"五号", 10.5}, {"小五", 9},
};

static void S_err(S_Ctx *c, const NbYNode *at, const char *msg, const char *what)
{
    nb_diag_add(c->diag, NB_ERROR, at ? at->mark : (NbMark){c->l->file, 0, 0}, "%s%s%s",
                gettext(msg), what ? ": " : "", what ? what : "");
    c->failed = 1;
}

/* The keys of a mapping the layout gives at `where` (e.g. "styles.body"): an unknown one is
 * an error naming the nearest known key. */
static void S_keys(S_Ctx *c, const NbYNode *map, const char *const *known, const char *where)
{
    if (!map || map->kind != NB_Y_MAP) return;
    char *in = where && *where ? nb_msgf(" in %s", where) : nb_xstrdup("");
    if (nb_ymap_check_keys(c->diag, map, known, "layout: ", in)) c->failed = 1;
    free(in);
}

/* A boolean: true or false, nothing else; dflt when the key is absent. */
static int S_bool(S_Ctx *c, const NbYNode *n, const char *key, int dflt)
{
    if (!n) return dflt;
    if (n->kind == NB_Y_SCALAR && !n->quoted && strcmp(n->str, "true") == 0) return 1;
    if (n->kind == NB_Y_SCALAR && !n->quoted && strcmp(n->str, "false") == 0) return 0;
    char *m = nb_msgf("layout: %s is true or false", key);
    S_err(c, n, m, NULL);
    free(m);
    return dflt;
}

/* A text value: a scalar, or dflt (with an error) when it is something else. */
static char *S_scalar(S_Ctx *c, const NbYNode *n, const char *key, const char *dflt)
{
    if (n && n->kind == NB_Y_SCALAR) return nb_xstrdup(n->str);
    if (n) {
        char *m = nb_msgf("layout: %s must be text", key);
        S_err(c, n, m, NULL);
        free(m);
    }
    return dflt ? nb_xstrdup(dflt) : NULL;
}

/* A key the mapping must have, of the given kind; NULL with an error otherwise. */
static const NbYNode *S_need(S_Ctx *c, const NbYNode *map, const char *key, NbYKind kind)
{
    const NbYNode *n = nb_ymap_get(map, key);
    if (!n) {
        S_err(c, map, "layout: missing key", key);
        return NULL;
    }
    if (n->kind != kind) {
        char *m = nb_msgf("layout: '%s' must be %s", key, nb_ykind_name(kind));
        S_err(c, n, m, NULL);
        free(m);
        return NULL;
    }
    return n;
}

/* A key the mapping must have, of any kind; NULL with an error at the mapping otherwise. */
static const NbYNode *S_need_any(S_Ctx *c, const NbYNode *map, const char *key)
{
    const NbYNode *n = nb_ymap_get(map, key);
    if (!n) S_err(c, map, "layout: missing key", key);
    return n;
}

static int S_number(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v)) return 0; /* nan and inf are no numbers here */
    *out = v;
    return 1;
}

/* A length: 37mm, 0.5pt, 2em, 1line, or a bare number in pt. */
static double S_length(S_Ctx *c, const NbYNode *n, double em, double line)
{
    if (!n) return 0; /* missing: S_need said so */
    if (n->kind != NB_Y_SCALAR) {
        S_err(c, n, "layout: a length is expected (e.g. 37mm, 2em)", NULL);
        return 0;
    }
    char *end;
    double v = strtod(n->str, &end);
    if (end == n->str || v < 0 || !isfinite(v) || v > 10000) {
        S_err(c, n, "layout: not a length", n->str);
        return 0;
    }
    if (!*end || strcmp(end, "pt") == 0) return v;
    if (strcmp(end, "mm") == 0) return v * S_MM;
    if (strcmp(end, "em") == 0) return v * em;
    if (strcmp(end, "line") == 0) return v * line;
    S_err(c, n, "layout: unknown unit (use mm, pt, em or line)", end);
    return 0;
}

/* A type size: a Chinese name (三号, 五号, …) or points. */
static double S_type_size(S_Ctx *c, const NbYNode *n)
{
    if (!n) return 10; /* missing: S_need said so */
    if (n->kind == NB_Y_SCALAR) {
        for (size_t i = 0; i < sizeof S_type_sizes / sizeof S_type_sizes[0]; i++)
            if (strcmp(n->str, S_type_sizes[i].name) == 0) return S_type_sizes[i].pt;
        double v;
        if (S_number(n->str, &v) && v > 0 && v < 200) return v;
    }
    S_err(c, n, "layout: a type size is expected (三号, 五号, 16, …)", NULL);
    return 10;
}

static NbAlign S_align(S_Ctx *c, const NbYNode *n, NbAlign dflt)
{
    if (!n) return dflt;
    static const char *const names[] = {"left", "center", "right", "justify"};
    for (int i = 0; i < 4; i++)
        if (n->kind == NB_Y_SCALAR && strcmp(n->str, names[i]) == 0) return (NbAlign)i;
    S_err(c, n, "layout: align is left, center, right or justify", NULL);
    return dflt;
}

/* page: the paper, margins, body lines and characters per line, and the page number. */
static void S_page(S_Ctx *c, const NbYNode *root)
{
    NbLayout *l = c->l;
    const NbYNode *page = S_need(c, root, "page", NB_Y_MAP);
    if (!page) return;
    S_keys(c, page, S_page_keys, "page");
    const NbYNode *size = S_need(c, page, "size", NB_Y_SCALAR);
    if (size && !nb_paper_size(size->str, &l->page_w, &l->page_h))
        S_err(c, size, "layout: unknown paper size", size->str);
    const NbYNode *m = S_need(c, page, "margin", NB_Y_MAP);
    S_keys(c, m, S_margin_keys, "page.margin");
    if (m) {
        l->margin_top = S_length(c, S_need(c, m, "top", NB_Y_SCALAR), 0, 0);
        l->margin_bottom = S_length(c, S_need(c, m, "bottom", NB_Y_SCALAR), 0, 0);
        l->margin_left = S_length(c, S_need(c, m, "left", NB_Y_SCALAR), 0, 0);
        l->margin_right = S_length(c, S_need(c, m, "right", NB_Y_SCALAR), 0, 0);
    }
    const NbYNode *lines = S_need(c, page, "lines", NB_Y_SCALAR);
    double v = 0;
    if (lines && (!S_number(lines->str, &v) || v < 1 || v > 200 || v != floor(v))) {
        S_err(c, lines, "layout: lines must be a whole number of body lines per page", NULL);
        v = 0;
    }
    l->lines = (int)v;
    /* the type area must exist: a few centimetres at least (on a known paper) */
    if (l->page_w > 0 && (l->page_w - l->margin_left - l->margin_right < 20 * S_MM ||
        l->page_h - l->margin_top - l->margin_bottom < 20 * S_MM))
        S_err(c, page, "layout: the margins leave no room for text on the page", NULL);
    if (l->lines > 0)
        l->pitch = (l->page_h - l->margin_top - l->margin_bottom) / l->lines;
    const NbYNode *chars = nb_ymap_get(page, "chars");
    v = 0;
    if (chars && (chars->kind != NB_Y_SCALAR || !S_number(chars->str, &v) || v < 1 || v > 200 ||
                  v != floor(v))) {
        S_err(c, chars, "layout: chars must be a whole number of characters per line", NULL);
        v = 0;
    }
    l->chars = (int)v;
    if (l->chars > 0)
        l->char_pitch = (l->page_w - l->margin_left - l->margin_right) / l->chars;
    const NbYNode *pn = S_need(c, page, "page_number", NB_Y_MAP);
    S_keys(c, pn, S_page_number_keys, "page.page_number");
    if (pn) {
        const NbYNode *t = S_need(c, pn, "text", NB_Y_SCALAR);
        l->page_number_text = nb_xstrdup(t ? t->str : "{page}");
        if (t && !strstr(t->str, "{page}"))
            S_err(c, t, "layout: a page number's text holds {page}, e.g. \"— {page} —\"", t->str);
        l->page_number_below = S_length(c, S_need(c, pn, "below", NB_Y_SCALAR), 0, 0);
        /* em of the page-number style: resolved after styles; keep the node for now */
    }
}

/* fonts: each role an ordered list of families; `fallback` backs every other role. */
static void S_fonts(S_Ctx *c, const NbYNode *root)
{
    NbLayout *l = c->l;
    l->fallback_role = -1;
    const NbYNode *fonts = S_need(c, root, "fonts", NB_Y_MAP);
    if (!fonts) return;
    l->roles = nb_xcalloc(fonts->n, sizeof *l->roles);
    for (size_t i = 0; i < fonts->n; i++) {
        const NbYNode *list = fonts->items[i];
        NbFontRole *r = &l->roles[l->nroles++];
        r->name = nb_xstrdup(fonts->keys[i]->str);
        if (list->kind != NB_Y_SEQ || list->n == 0) {
            S_err(c, list, "layout: a font role is a list of family names", NULL);
            continue;
        }
        r->families = nb_xcalloc(list->n, sizeof *r->families);
        for (size_t j = 0; j < list->n; j++) {
            if (list->items[j]->kind != NB_Y_SCALAR) {
                S_err(c, list->items[j], "layout: a family name is expected", NULL);
                continue;
            }
            r->families[r->n++] = nb_xstrdup(list->items[j]->str);
        }
        if (strcmp(r->name, "fallback") == 0) l->fallback_role = (int)(l->nroles - 1);
    }
}

int nb_layout_role(const NbLayout *l, const char *name)
{
    for (size_t i = 0; i < l->nroles; i++)
        if (strcmp(l->roles[i].name, name) == 0) return (int)i;
    return -1;
}

int nb_layout_style(const NbLayout *l, const char *name)
{
    for (size_t i = 0; i < l->nstyles; i++)
        if (strcmp(l->styles[i].name, name) == 0) return (int)i;
    return -1;
}

/* The style a key names (e.g. a block's `style: body`); -1 with an error if none. */
static int S_style_ref(S_Ctx *c, const NbYNode *n, const char *key)
{
    if (!n) return -1; /* missing: S_need said so */
    if (n->kind != NB_Y_SCALAR) {
        char *m = nb_msgf("layout: %s names a style of styles:", key);
        S_err(c, n, m, NULL);
        free(m);
        return -1;
    }
    int id = nb_layout_style(c->l, n->str);
    if (id < 0) S_err(c, n, "layout: no such style", n->str);
    return id;
}

/* Lengths of a style: em is a character of the style (the grid pitch on the grid). */
static void S_style_lengths(S_Ctx *c, const NbYNode *s, NbStyle *st)
{
    const NbLayout *l = c->l;
    const NbYNode *n;
    if ((n = nb_ymap_get(s, "indent"))) st->indent = S_length(c, n, st->em, l->pitch);
    if ((n = nb_ymap_get(s, "leading"))) st->leading = S_length(c, n, st->size, l->pitch);
    if ((n = nb_ymap_get(s, "space_before"))) st->space_before = S_length(c, n, st->size, l->pitch);
    if ((n = nb_ymap_get(s, "space_after"))) st->space_after = S_length(c, n, st->size, l->pitch);
    if ((n = nb_ymap_get(s, "rule"))) st->rule = S_length(c, n, st->size, l->pitch);
    if ((n = nb_ymap_get(s, "padding"))) {
        if (n->kind != NB_Y_SEQ || n->n != 2)
            S_err(c, n, "layout: padding is [vertical, horizontal]", NULL);
        else {
            st->pad_v = S_length(c, n->items[0], st->size, l->pitch);
            st->pad_h = S_length(c, n->items[1], st->size, l->pitch);
        }
    }
}

/* styles: any number, each {font, size, …}, named by its key. */
static void S_styles(S_Ctx *c, const NbYNode *root)
{
    NbLayout *l = c->l;
    const NbYNode *styles = S_need(c, root, "styles", NB_Y_MAP);
    if (!styles) return;
    l->styles = nb_xcalloc(styles->n ? styles->n : 1, sizeof *l->styles);
    for (size_t i = 0; i < styles->n; i++) {
        const NbYNode *s = styles->items[i];
        NbStyle *st = &l->styles[l->nstyles++];
        st->name = nb_xstrdup(styles->keys[i]->str);
        st->font_role = -1;
        char *where = nb_xasprintf("styles.%s", st->name);
        if (s->kind != NB_Y_MAP) {
            S_err(c, s, "layout: a style is a mapping {font: ROLE, size: …}", where);
            free(where);
            continue;
        }
        S_keys(c, s, S_style_keys, where);
        free(where);
        const NbYNode *font = S_need(c, s, "font", NB_Y_SCALAR);
        st->font_role = font ? nb_layout_role(l, font->str) : -1;
        if (font && st->font_role < 0) S_err(c, font, "layout: no such font role", font->str);
        st->size = S_type_size(c, S_need(c, s, "size", NB_Y_SCALAR));
        st->align = S_align(c, nb_ymap_get(s, "align"), NB_ALIGN_LEFT);
        const NbYNode *grid = nb_ymap_get(s, "grid");
        st->grid = S_bool(c, grid, "grid", 0);
        if (st->grid && l->char_pitch <= 0) {
            S_err(c, grid, "layout: grid: true needs page.chars (characters per line)", NULL);
            st->grid = 0;
        }
        st->em = st->grid ? l->char_pitch : st->size;
        S_style_lengths(c, s, st);
    }
    const NbYNode *pn = nb_ymap_get(nb_ymap_get(root, "page"), "page_number");
    if (!pn) return;
    l->page_number_style = S_style_ref(c, S_need(c, pn, "style", NB_Y_SCALAR), "page.page_number.style");
    const NbYNode *inset = nb_ymap_get(pn, "inset");
    if (inset && l->page_number_style >= 0)
        l->page_number_inset = S_length(c, inset, l->styles[l->page_number_style].size, l->pitch);
}

static int S_field_add(NbLayout *l, size_t *cap, const char *path)
{
    nb_grow(&l->fields, cap, l->nfields + 1, sizeof *l->fields);
    NbField *f = &l->fields[l->nfields];
    memset(f, 0, sizeof *f);
    f->path = nb_xstrdup(path);
    return (int)l->nfields++;
}

/* Walk the data schema: a mapping whose leaves are {count: N, …}. */
static void S_schema(S_Ctx *c, const NbYNode *map, const char *prefix, size_t *cap)
{
    for (size_t i = 0; i < map->n; i++) {
        const NbYNode *v = map->items[i];
        char *path = prefix ? nb_xasprintf("%s.%s", prefix, map->keys[i]->str)
                            : nb_xstrdup(map->keys[i]->str);
        if (v->kind != NB_Y_MAP) {
            S_err(c, v, "layout: a data entry is a mapping", path);
        } else if (nb_ymap_get(v, "count")) {
            int idx = S_field_add(c->l, cap, path);
            NbField *f = &c->l->fields[idx];
            double n = 0;
            const NbYNode *cnt = nb_ymap_get(v, "count");
            if (cnt->kind != NB_Y_SCALAR || !S_number(cnt->str, &n) || n < 1 || n > 32 ||
                n != floor(n)) {
                S_err(c, cnt, "layout: count is a whole number from 1 to 32", NULL);
                n = 1;
            }
            f->count = (int)n;
            char *where = nb_xasprintf("data.%s", path);
            S_keys(c, v, S_field_keys, where);
            free(where);
            f->total = S_bool(c, nb_ymap_get(v, "total"), "total", 0);
            f->decimal = S_bool(c, nb_ymap_get(v, "decimal"), "decimal", 0);
            f->label = S_scalar(c, nb_ymap_get(v, "label"), "label", path);
        } else {
            S_schema(c, v, path, cap);
        }
        free(path);
    }
}

int nb_layout_field(const NbLayout *l, const char *path)
{
    for (size_t i = 0; i < l->nfields; i++)
        if (strcmp(l->fields[i].path, path) == 0) return (int)i;
    return -1;
}

/* Fields whose path is `path` or lies under it. */
static size_t S_fields_under(const NbLayout *l, const char *path, int *out, size_t max,
                             int computed)
{
    size_t n = 0, len = strlen(path);
    for (size_t i = 0; i < l->nfields && n < max; i++) {
        const char *p = l->fields[i].path;
        if (l->fields[i].computed && !computed) continue;
        if (strncmp(p, path, len) == 0 && (p[len] == 0 || p[len] == '.')) out[n++] = (int)i;
    }
    return n;
}

/* data and computed: the report's numeric rows, and the rows summed from others. */
static void S_data(S_Ctx *c, const NbYNode *root)
{
    NbLayout *l = c->l;
    size_t cap = 0;
    const NbYNode *data = S_need(c, root, "data", NB_Y_MAP);
    if (data) S_schema(c, data, NULL, &cap);
    const NbYNode *comp = nb_ymap_get(root, "computed");
    if (!comp) return;
    if (comp->kind != NB_Y_MAP) {
        S_err(c, comp, "layout: computed must be a mapping", NULL);
        return;
    }
    for (size_t i = 0; i < comp->n; i++) {
        const NbYNode *v = comp->items[i];
        char *where = nb_xasprintf("computed.%s", comp->keys[i]->str);
        S_keys(c, v, S_computed_keys, where);
        free(where);
        const NbYNode *sum = nb_ymap_get(v, "sum");
        if (!sum || sum->kind != NB_Y_SEQ) {
            S_err(c, v, "layout: a computed row needs sum: [rows…]", NULL);
            continue;
        }
        if (nb_layout_field(l, comp->keys[i]->str) >= 0) {
            S_err(c, comp->keys[i], "layout: a computed row has the name of a data row",
                  comp->keys[i]->str);
            continue;
        }
        int idx = S_field_add(l, &cap, comp->keys[i]->str);
        NbField *f = &l->fields[idx];
        f->label = S_scalar(c, nb_ymap_get(v, "label"), "label", f->path);
        f->computed = 1;
        f->sum = nb_xcalloc(l->nfields, sizeof *f->sum);
        for (size_t j = 0; j < sum->n; j++) {
            const NbYNode *p = sum->items[j];
            size_t got = p->kind == NB_Y_SCALAR
                             ? S_fields_under(l, p->str, f->sum + f->nsum, l->nfields - f->nsum, 0)
                             : 0;
            if (!got) S_err(c, p, "layout: sum names no data row", p->str);
            f->nsum += got;
        }
        if (f->nsum) {
            f->count = l->fields[f->sum[0]].count;
            f->total = l->fields[f->sum[0]].total;
            for (size_t j = 0; j < f->nsum; j++)
                if (l->fields[f->sum[j]].count != f->count)
                    S_err(c, v, "layout: summed rows differ in length", NULL);
        }
    }
}

static NbAlign S_table_align(S_Ctx *c, const NbYNode *t, const char *which, NbAlign dflt)
{
    return S_align(c, nb_ymap_get(nb_ymap_get(t, "align"), which), dflt);
}

/* A whole number from lo to hi; lo with an error otherwise. */
static int S_int(S_Ctx *c, const NbYNode *n, int lo, int hi)
{
    double v;
    if (!n) return lo; /* missing: S_need said so */
    if (n->kind != NB_Y_SCALAR || !S_number(n->str, &v) || v != floor(v) || v < lo || v > hi) {
        char *m = nb_msgf("layout: a whole number from %d to %d is expected", lo, hi);
        S_err(c, n, m, NULL);
        free(m);
        return lo;
    }
    return (int)v;
}

static void S_cell_add(NbTableSpec *t, size_t *cap, NbCellSpec cell)
{
    nb_grow(&t->cells, cap, t->ncells + 1, sizeof *t->cells);
    t->cells[t->ncells++] = cell;
}

/* Every slot of the grid must be covered exactly once. */
static void S_table_check(S_Ctx *c, const NbTableSpec *t, const NbYNode *at)
{
    size_t nr = 0;
    for (size_t i = 0; i < t->ncells; i++) {
        const NbCellSpec *s = &t->cells[i];
        if ((size_t)(s->row + s->rowspan) > nr) nr = (size_t)(s->row + s->rowspan);
        if ((size_t)(s->col + s->colspan) > t->ncols) {
            char *m = nb_msgf("layout: table %s: cell at row %d col %d runs past the %zu columns",
                                   t->key, s->row, s->col, t->ncols);
            S_err(c, at, m, NULL);
            free(m);
            return;
        }
    }
    unsigned char *seen = nb_xcalloc(nr * t->ncols + 1, 1);
    for (size_t i = 0; i < t->ncells; i++) {
        const NbCellSpec *s = &t->cells[i];
        for (int r = s->row; r < s->row + s->rowspan; r++)
            for (int k = s->col; k < s->col + s->colspan; k++) /* counts stop at 2: "twice or more" */
                if (seen[(size_t)r * t->ncols + (size_t)k] < 2) seen[(size_t)r * t->ncols + (size_t)k]++;
    }
    for (size_t r = 0; r < nr; r++)
        for (size_t k = 0; k < t->ncols; k++)
            if (seen[r * t->ncols + k] != 1) {
                char *m = seen[r * t->ncols + k]
                              ? nb_msgf("layout: table %s: grid slot row %zu col %zu is covered more than once",
                                        t->key, r, k)
                              : nb_msgf("layout: table %s: grid slot row %zu col %zu is covered by no cell",
                                        t->key, r, k);
                S_err(c, at, m, NULL);
                free(m);
                free(seen);
                return;
            }
    free(seen);
}

/* The style a table is shown in: that of the first document block that shows it. */
static const NbStyle *S_table_style(const NbLayout *l, const char *key)
{
    for (size_t i = 0; i < l->nblocks; i++)
        if (l->blocks[i].kind == NB_BLK_TABLE && strcmp(l->blocks[i].text, key) == 0 &&
            l->blocks[i].style >= 0)
            return &l->styles[l->blocks[i].style];
    return NULL;
}

/* columns: [46mm, 1fr, …]: a width (em: of the table's style), or a share of what is left
 * (stored as minus the share). */
static void S_table_columns(S_Ctx *c, NbTableSpec *t, const NbYNode *cols, const NbStyle *style)
{
    t->ncols = cols->n;
    t->col_width = nb_xcalloc(cols->n ? cols->n : 1, sizeof *t->col_width);
    for (size_t i = 0; i < cols->n; i++) {
        const NbYNode *w = cols->items[i];
        size_t len = w->kind == NB_Y_SCALAR ? strlen(w->str) : 0;
        double fr = 0;
        if (len > 2 && strcmp(w->str + len - 2, "fr") == 0) {
            char *num = nb_xstrndup(w->str, len - 2);
            if (!S_number(num, &fr) || fr <= 0) S_err(c, w, "layout: bad fraction", w->str);
            t->col_width[i] = -fr;
            free(num);
        } else {
            t->col_width[i] = S_length(c, w, style->size, c->l->pitch);
        }
    }
}

/* cells: [row, col, rowspan, colspan, text], the labels. */
static void S_table_cells(S_Ctx *c, NbTableSpec *t, const NbYNode *cells, size_t *cap)
{
    for (size_t i = 0; cells && i < cells->n; i++) {
        const NbYNode *e = cells->items[i];
        if (e->kind != NB_Y_SEQ || e->n != 5 || e->items[4]->kind != NB_Y_SCALAR) {
            S_err(c, e, "layout: a cell is [row, col, rowspan, colspan, text]", NULL);
            continue;
        }
        NbCellSpec s = {S_int(c, e->items[0], 0, 999), S_int(c, e->items[1], 0, 99),
                        S_int(c, e->items[2], 1, 999), S_int(c, e->items[3], 1, 99),
                        nb_xstrdup(e->items[4]->str), -1, -1};
        S_cell_add(t, cap, s);
    }
}

/* numbers: [row, col, field] or [row, col, field, colspan]: the field's values (its 总计
 * last) fill number cells from that column on, one per value. */
static void S_table_numbers(S_Ctx *c, NbTableSpec *t, const NbYNode *nums, size_t *cap)
{
    if (nums && nums->kind != NB_Y_SEQ) {
        S_err(c, nums, "layout: numbers is a list of [row, col, field] bindings", NULL);
        return;
    }
    for (size_t i = 0; nums && i < nums->n; i++) {
        const NbYNode *e = nums->items[i];
        if (e->kind != NB_Y_SEQ || e->n < 3 || e->n > 4 || e->items[2]->kind != NB_Y_SCALAR) {
            S_err(c, e, "layout: a number binding is [row, col, field] or [row, col, field, colspan]",
                  NULL);
            continue;
        }
        int row = S_int(c, e->items[0], 0, 999), col = S_int(c, e->items[1], 0, 99);
        int span = e->n == 4 ? S_int(c, e->items[3], 1, 99) : 1;
        int f = nb_layout_field(c->l, e->items[2]->str);
        if (f < 0) {
            S_err(c, e->items[2], "layout: no such data row", e->items[2]->str);
            continue;
        }
        int values = c->l->fields[f].count + c->l->fields[f].total;
        for (int k = 0; k < values; k++) {
            NbCellSpec s = {row, col + k * span, 1, span, NULL, f, k};
            S_cell_add(t, cap, s);
        }
    }
}

/* One table of tables:, its grid checked. */
static void S_table(S_Ctx *c, NbTableSpec *t, const NbYNode *def)
{
    char *where = nb_xasprintf("tables.%s", t->key);
    if (def->kind != NB_Y_MAP) S_err(c, def, "layout: a table is a mapping {columns, cells, …}", where);
    S_keys(c, def, S_table_keys, where);
    free(where);
    where = nb_xasprintf("tables.%s.align", t->key);
    S_keys(c, nb_ymap_get(def, "align"), S_table_align_keys, where);
    free(where);
    const NbStyle *style = S_table_style(c->l, t->key);
    if (!style) {
        S_err(c, def, "layout: no document block shows this table ({table: KEY, style: …})", t->key);
        return;
    }
    t->section = S_scalar(c, nb_ymap_get(def, "section"), "section", t->key);
    const NbYNode *cols = S_need(c, def, "columns", NB_Y_SEQ);
    if (!cols) return;
    S_table_columns(c, t, cols, style);
    const NbYNode *n = nb_ymap_get(def, "header_rows");
    t->header_rows = n ? S_int(c, n, 0, 10) : 0;
    t->label_align = S_table_align(c, def, "label", NB_ALIGN_LEFT);
    t->header_align = S_table_align(c, def, "header", NB_ALIGN_CENTER);
    t->number_align = S_table_align(c, def, "number", NB_ALIGN_CENTER);
    size_t cap = 0;
    S_table_cells(c, t, S_need(c, def, "cells", NB_Y_SEQ), &cap);
    S_table_numbers(c, t, nb_ymap_get(def, "numbers"), &cap);
    for (size_t i = 0; i < t->ncells; i++)
        if ((size_t)(t->cells[i].row + t->cells[i].rowspan) > t->nrows)
            t->nrows = (size_t)(t->cells[i].row + t->cells[i].rowspan);
    if (n && (size_t)t->header_rows > t->nrows) {
        char *m = nb_msgf("layout: header_rows is %d, but the table has %zu rows",
                               t->header_rows, t->nrows);
        S_err(c, n, m, NULL);
        free(m);
    }
    if (!c->failed) S_table_check(c, t, def);
}

/* tables: every grid, by key. */
static void S_tables(S_Ctx *c, const NbYNode *root)
{
    NbLayout *l = c->l;
    const NbYNode *tables = nb_ymap_get(root, "tables");
    if (!tables) return;
    if (tables->kind != NB_Y_MAP) {
        S_err(c, tables, "layout: tables must be a mapping", NULL);
        return;
    }
    l->tables = nb_xcalloc(tables->n, sizeof *l->tables);
    for (size_t i = 0; i < tables->n; i++) {
        NbTableSpec *t = &l->tables[l->ntables++];
        t->key = nb_xstrdup(tables->keys[i]->str);
        S_table(c, t, tables->items[i]);
    }
}

/* A signature block's geometry: lengths in characters of its style, as GB/T 9704 gives
 * them, or in mm, pt, line. */
static void S_signature(S_Ctx *c, const NbYNode *b, const NbBlockSpec *s)
{
    NbSignatureSpec *g = &c->l->signature;
    double em = s->style >= 0 ? c->l->styles[s->style].em : 0, line = c->l->pitch;
    g->right = S_length(c, S_need(c, b, "right", NB_Y_SCALAR), em, line);
    g->date_indent = S_length(c, S_need(c, b, "date_indent", NB_Y_SCALAR), em, line);
    g->sealed_right = S_length(c, S_need(c, b, "sealed_right", NB_Y_SCALAR), em, line);
    g->space_before = S_length(c, S_need(c, b, "space_before", NB_Y_SCALAR), em, line);
    g->seal_width = S_length(c, S_need(c, b, "seal_width", NB_Y_SCALAR), em, line);
    g->seal_lift = S_length(c, S_need(c, b, "seal_lift", NB_Y_SCALAR), em, line);
    const NbYNode *alt = nb_ymap_get(b, "seal_alt");
    free(g->seal_alt);
    g->seal_alt = nb_xstrdup(alt && alt->kind == NB_Y_SCALAR ? alt->str : "{agency}");
}

/* One document block: its kind is its first key ({prose: overview, style: body, …}). */
static void S_block(S_Ctx *c, const NbYNode *b, NbBlockSpec *s)
{
    static const char *const kinds[] = {"title", "prose", "heading", "table", "signature"};
    static const char *const keys[][10] = {
        {"title", "style", NULL},
        {"prose", "style", "headings", NULL},
        {"heading", "style", "level", NULL},
        {"table", "style", NULL},
        {"signature", "style", "right", "date_indent", "sealed_right", "space_before",
         "seal_width", "seal_lift", "seal_alt", NULL},
    };
    s->table = s->style = s->heading_style = -1;
    int k = -1;
    for (int j = 0; b->kind == NB_Y_MAP && b->n && j < 5; j++)
        if (strcmp(b->keys[0]->str, kinds[j]) == 0) k = j;
    if (k < 0 || b->items[0]->kind != NB_Y_SCALAR) {
        S_err(c, b, "layout: a block is {title: true}, {prose: KEY}, {heading: TEXT}, "
                    "{table: NAME} or {signature: true}, each with its style: STYLE", NULL);
        return;
    }
    s->kind = (NbBlockKind)k;
    S_keys(c, b, keys[k], "document");
    s->text = nb_xstrdup(b->items[0]->str);
    s->style = S_style_ref(c, S_need(c, b, "style", NB_Y_SCALAR), "style");
    if (s->kind == NB_BLK_PROSE)
        s->heading_style = S_style_ref(c, S_need(c, b, "headings", NB_Y_SCALAR), "headings");
    if (s->kind == NB_BLK_HEADING) s->level = S_int(c, S_need(c, b, "level", NB_Y_SCALAR), 1, 9);
    if (s->kind == NB_BLK_SIGNATURE) S_signature(c, b, s);
    if ((s->kind == NB_BLK_TITLE || s->kind == NB_BLK_SIGNATURE) && !S_bool(c, b->items[0], kinds[k], 1))
        S_err(c, b->items[0], "layout: leave the block out instead of setting it false", NULL);
}

static void S_document(S_Ctx *c, const NbYNode *root)
{
    NbLayout *l = c->l;
    const NbYNode *doc = S_need(c, root, "document", NB_Y_SEQ);
    if (!doc) return;
    l->blocks = nb_xcalloc(doc->n ? doc->n : 1, sizeof *l->blocks);
    for (size_t i = 0; i < doc->n; i++) S_block(c, doc->items[i], &l->blocks[l->nblocks++]);
}

/* Each table block to its table, once the tables are loaded. */
static void S_document_tables(S_Ctx *c, const NbYNode *root)
{
    NbLayout *l = c->l;
    const NbYNode *doc = nb_ymap_get(root, "document");
    for (size_t i = 0; i < l->nblocks; i++) {
        NbBlockSpec *s = &l->blocks[i];
        if (s->kind != NB_BLK_TABLE) continue;
        for (size_t t = 0; t < l->ntables; t++)
            if (strcmp(l->tables[t].key, s->text) == 0) s->table = (int)t;
        if (s->table < 0) S_err(c, doc->items[i]->items[0], "layout: no such table", s->text);
    }
}

static char *S_str(S_Ctx *c, const NbYNode *root, const char *key)
{
    const NbYNode *n = S_need(c, root, key, NB_Y_SCALAR);
    return nb_xstrdup(n ? n->str : "");
}

/* ------------------------------------------------------------------ rules */

/* Rows a rule names: the row itself or every row under a group, computed rows (（七）总计)
 * included: when the data gives them, they are checked like any other. */
static size_t S_rule_fields(const NbLayout *l, const char *path, int **out)
{
    *out = nb_xcalloc(l->nfields + 1, sizeof **out);
    return S_fields_under(l, path, *out, l->nfields, 1);
}

/* A list of rows (a path or a list of paths) into fields[]; 0 on error (reported). */
static int S_rule_rows(S_Ctx *c, const NbYNode *n, int **fields, size_t *nfields)
{
    size_t cnt = n && n->kind == NB_Y_SEQ ? n->n : 1;
    for (size_t i = 0; n && i < cnt; i++) {
        const NbYNode *p = n->kind == NB_Y_SEQ ? n->items[i] : n;
        int *got;
        size_t k = p->kind == NB_Y_SCALAR ? S_rule_fields(c->l, p->str, &got) : (got = NULL, 0);
        if (!k) {
            S_err(c, p, "layout: a rule names no data row", p->kind == NB_Y_SCALAR ? p->str : NULL);
            free(got);
            return 0;
        }
        *fields = nb_xrealloc(*fields, (*nfields + k) * sizeof **fields);
        memcpy(*fields + *nfields, got, k * sizeof *got);
        *nfields += k;
        free(got);
    }
    return n != NULL; /* missing: S_need_any said so */
}

/* {name: rows, …} → terms. */
static NbRuleTerm *S_rule_terms(S_Ctx *c, const NbYNode *n, size_t *count)
{
    if (!n) return NULL; /* missing: S_need_any said so */
    if (n->kind != NB_Y_MAP || n->n == 0) {
        S_err(c, n, "layout: a side of a rule is a mapping {name: rows, …}", NULL);
        return NULL;
    }
    NbRuleTerm *t = nb_xcalloc(n->n, sizeof *t);
    for (size_t i = 0; i < n->n; i++) {
        t[i].name = nb_xstrdup(n->keys[i]->str);
        S_rule_rows(c, n->items[i], &t[i].fields, &t[i].n);
    }
    *count = n->n;
    return t;
}

/* "requests.new[6]", "a[1-5] + b[4]" → cell references; 0 on error (reported). */
static int S_phrase_cells(S_Ctx *c, const NbYNode *n, NbPhrase *ph)
{
    if (!n) return 0; /* missing: S_need_any said so */
    if (n->kind != NB_Y_SCALAR) {
        S_err(c, n, "layout: a phrase needs cells: \"row[index]\"", NULL);
        return 0;
    }
    ph->cells_text = nb_xstrdup(n->str);
    char *copy = nb_xstrdup(n->str), *save = NULL;
    int ok = 1;
    for (char *term = strtok_r(copy, "+", &save); term && ok; term = strtok_r(NULL, "+", &save)) {
        while (*term == ' ') term++;
        /* path[a] or path[a-b], spaces around allowed */
        char *br = strchr(term, '['), *end = NULL;
        long from = br ? strtol(br + 1, &end, 10) : -1, to = from;
        if (end && *end == '-') to = strtol(end + 1, &end, 10);
        if (!br || !end || *end != ']' || end[1 + strspn(end + 1, " ")] != 0) {
            ok = 0;
            break;
        }
        for (char *q = br; q > term && q[-1] == ' ';) *--q = 0;
        *br = 0;
        int *fields;
        size_t k = S_rule_fields(c->l, term, &fields);
        for (size_t i = 0; i < k; i++) {
            const NbField *f = &c->l->fields[fields[i]];
            if (from < 0 || to < from || to >= f->count + f->total) ok = 0;
            ph->cells = nb_xrealloc(ph->cells, (ph->ncells + 1) * sizeof *ph->cells);
            ph->cells[ph->ncells++] = (NbCellRef){fields[i], (int)from, (int)to};
        }
        if (!k) ok = 0;
        free(fields);
    }
    free(copy);
    if (!ok) S_err(c, n, "layout: cells are row[index] or row[from-to], joined by +", n->str);
    return ok;
}

/* A prose rule's phrase: {find: "收到…申请{n}件", cells: "requests.new[6]"}. */
static void S_phrase(S_Ctx *c, const NbYNode *p, NbPhrase *ph)
{
    S_keys(c, p, S_phrase_keys, "a rule's phrases");
    const NbYNode *find = S_need(c, p, "find", NB_Y_SCALAR);
    ph->find = nb_xstrdup(find ? find->str : "");
    const NbYNode *means = nb_ymap_get(p, "means");
    if (means) ph->has_means = means->kind == NB_Y_SCALAR && S_number(means->str, &ph->means);
    if (means && !ph->has_means) S_err(c, means, "layout: means is a number", NULL);
    if (find && !strstr(ph->find, "{n}") && !ph->has_means)
        S_err(c, find, "layout: a phrase without {n} needs means: N", ph->find);
    /* each … tries up to 16 lengths: a few of them, never side by side, keep the search
     * linear in the text */
    size_t gaps = 0;
    for (const char *q = ph->find; (q = strstr(q, "…")); q += 3) {
        gaps++;
        if (strncmp(q + 3, "…", 3) == 0) gaps = 99;
    }
    if (find && gaps > 2)
        S_err(c, find, "layout: a phrase has at most two …, each between words", ph->find);
    S_phrase_cells(c, S_need_any(c, p, "cells"), ph);
}

/* The body of one rule, by its kind. */
static void S_rule_body(S_Ctx *c, const NbYNode *r, NbRule *rule)
{
    switch (rule->kind) {
    case NB_RULE_EQUAL:
        rule->left = S_rule_terms(c, S_need_any(c, r, "left"), &rule->nleft);
        rule->right = S_rule_terms(c, S_need_any(c, r, "right"), &rule->nright);
        break;
    case NB_RULE_TOTAL: S_rule_rows(c, S_need_any(c, r, "rows"), &rule->fields, &rule->nfields); break;
    case NB_RULE_RANGE: {
        S_rule_rows(c, S_need_any(c, r, "rows"), &rule->fields, &rule->nfields);
        const NbYNode *mn = S_need(c, r, "min", NB_Y_SCALAR), *mx = S_need(c, r, "max", NB_Y_SCALAR);
        if (mn && !S_number(mn->str, &rule->min)) S_err(c, mn, "layout: min is a number", mn->str);
        else if (mx && !S_number(mx->str, &rule->max)) S_err(c, mx, "layout: max is a number", mx->str);
        else if (mn && mx && rule->min > rule->max)
            S_err(c, mn, "layout: min is above max: no value could pass", mn->str);
        rule->whole = S_bool(c, nb_ymap_get(r, "whole"), "whole", 0);
        break;
    }
    case NB_RULE_CARRY: {
        const NbYNode *a = S_need(c, r, "this", NB_Y_SCALAR);
        const NbYNode *b = S_need(c, r, "previous", NB_Y_SCALAR);
        if (a && (rule->this_field = nb_layout_field(c->l, a->str)) < 0)
            S_err(c, a, "layout: no such data row", a->str);
        if (b && (rule->prev_field = nb_layout_field(c->l, b->str)) < 0)
            S_err(c, b, "layout: no such data row", b->str);
        break;
    }
    case NB_RULE_PROSE: {
        const NbYNode *ps = S_need(c, r, "phrases", NB_Y_SEQ);
        if (!ps) break;
        rule->phrases = nb_xcalloc(ps->n ? ps->n : 1, sizeof *rule->phrases);
        for (size_t j = 0; j < ps->n; j++) S_phrase(c, ps->items[j], &rule->phrases[rule->nphrases++]);
        break;
    }
    }
}

static void S_rules(S_Ctx *c, const NbYNode *root)
{
    NbLayout *l = c->l;
    const NbYNode *rules = nb_ymap_get(root, "rules");
    if (!rules) return;
    if (rules->kind != NB_Y_MAP) {
        S_err(c, rules, "layout: rules must be a mapping {R1: {…}, …}", NULL);
        return;
    }
    static const char *const kinds[] = {"equal", "total", "range", "carry", "prose"};
    static const char *const keys[][6] = {
        {"kind", "left", "right", NULL},
        {"kind", "rows", NULL},
        {"kind", "rows", "min", "max", "whole", NULL},
        {"kind", "this", "previous", NULL},
        {"kind", "phrases", NULL},
    };
    l->rules = nb_xcalloc(rules->n ? rules->n : 1, sizeof *l->rules);
    for (size_t i = 0; i < rules->n; i++) {
        const NbYNode *r = rules->items[i];
        NbRule *rule = &l->rules[l->nrules++];
        rule->id = nb_xstrdup(rules->keys[i]->str);
        rule->this_field = rule->prev_field = -1;
        const NbYNode *kind = S_need(c, r, "kind", NB_Y_SCALAR);
        int k = -1;
        for (int j = 0; kind && j < 5; j++)
            if (strcmp(kind->str, kinds[j]) == 0) k = j;
        if (k < 0) {
            if (kind) S_err(c, kind, "layout: a rule's kind is equal, total, range, carry or prose",
                            kind->str);
            continue;
        }
        char *where = nb_xasprintf("rules.%s", rule->id);
        S_keys(c, r, keys[k], where);
        free(where);
        rule->kind = (NbRuleKind)k;
        S_rule_body(c, r, rule);
    }
}

/* Free the rules and everything they own. */
static void S_rules_free(NbLayout *l)
{
    for (size_t i = 0; i < l->nrules; i++) {
        NbRule *r = &l->rules[i];
        for (size_t j = 0; j < r->nleft; j++) free(r->left[j].name), free(r->left[j].fields);
        for (size_t j = 0; j < r->nright; j++) free(r->right[j].name), free(r->right[j].fields);
        free(r->left);
        free(r->right);
        free(r->fields);
        for (size_t j = 0; j < r->nphrases; j++) {
            free(r->phrases[j].find);
            free(r->phrases[j].cells);
            free(r->phrases[j].cells_text);
        }
        free(r->phrases);
        free(r->id);
    }
    free(l->rules);
}

int nb_layout_value_cell(const NbLayout *l, int field, int index, const NbTableSpec **table, int *col)
{
    for (size_t t = 0; t < l->ntables; t++)
        for (size_t k = 0; k < l->tables[t].ncells; k++) {
            const NbCellSpec *c = &l->tables[t].cells[k];
            if (c->field == field && c->index == index) {
                *table = &l->tables[t];
                *col = c->col;
                return 1;
            }
        }
    return 0;
}

const char *nb_layout_column_label(const NbLayout *l, int field, int index)
{
    const NbTableSpec *t;
    int col;
    if (!nb_layout_value_cell(l, field, index, &t, &col)) return "";
    int row = -1;
    for (size_t k = 0; k < t->ncells; k++)
        if (t->cells[k].field == field && t->cells[k].index == index) row = t->cells[k].row;
    /* the nearest label above the value, in a cell that covers its column */
    const char *best = "";
    int best_row = -1;
    for (size_t k = 0; k < t->ncells; k++) {
        const NbCellSpec *c = &t->cells[k];
        if (!c->text || c->row >= row || c->row <= best_row || col < c->col || col >= c->col + c->colspan)
            continue;
        best = c->text, best_row = c->row;
    }
    return best;
}

void nb_layout_row_key(NbBuf *b, const char *prev, const char *path)
{
    const char *p = path;
    int depth = 0;
    for (const char *dot; (dot = strchr(p, '.')); p = dot + 1, depth++) {
        size_t plen = (size_t)(dot - path);
        if (strncmp(prev, path, plen) != 0 || prev[plen] != '.')
            nb_buf_printf(b, "%*s%.*s:\n", depth * 2, "", (int)(dot - p), p);
    }
    nb_buf_printf(b, "%*s%s: ", depth * 2, "", p);
}

char *nb_layout_path(const char *data_dir, const char *id)
{
    if (strchr(id, '/') || nb_yaml_ext(id)) return nb_xstrdup(id);
    return nb_xasprintf("%s/layouts/%s.yaml", data_dir, id);
}

/* title_breaks: [处, 府, …], the ends of a unit's name after which a title may break. */
static void S_title_breaks(S_Ctx *c, const NbYNode *root)
{
    NbLayout *l = c->l;
    const NbYNode *n = S_need(c, root, "title_breaks", NB_Y_SEQ);
    if (!n) return;
    l->title_breaks = nb_xcalloc(n->n ? n->n : 1, sizeof *l->title_breaks);
    for (size_t i = 0; i < n->n; i++) {
        if (n->items[i]->kind != NB_Y_SCALAR || !n->items[i]->str[0]) {
            S_err(c, n->items[i], "layout: title_breaks lists the ends of unit names (处, 局, …)", NULL);
            continue;
        }
        l->title_breaks[l->ntitle_breaks++] = nb_xstrdup(n->items[i]->str);
    }
}

/* The top-level scalars: id, name, title, date_format, years, template, table settings. */
static void S_head(S_Ctx *c, const NbYNode *root)
{
    NbLayout *l = c->l;
    l->id = S_str(c, root, "id");
    l->name = S_str(c, root, "name");
    l->title_template = S_str(c, root, "title");
    l->date_format = S_str(c, root, "date_format");
    const NbYNode *years = S_need(c, root, "years", NB_Y_SEQ);
    if (years && years->n != 2) S_err(c, years, "layout: years is [first, last]", NULL);
    else if (years) {
        l->year_min = S_int(c, years->items[0], 1900, 9999);
        l->year_max = S_int(c, years->items[1], l->year_min, 9999);
    }
    const NbYNode *tmpl = S_need(c, root, "template", NB_Y_MAP);
    S_keys(c, tmpl, S_template_keys, "template");
    if (tmpl) {
        l->template_head = S_str(c, tmpl, "head");
        l->template_prose = S_str(c, tmpl, "prose");
        const NbYNode *a = nb_ymap_get(tmpl, "agency");
        if (a && a->kind != NB_Y_SCALAR) S_err(c, a, "layout: template.agency is the example unit's name", NULL);
        l->template_agency = nb_xstrdup(a && a->kind == NB_Y_SCALAR ? a->str : "");
    }
    const NbYNode *n = nb_ymap_get(root, "table_continued");
    if (n && n->kind != NB_Y_SCALAR)
        S_err(c, n, "layout: table_continued is a label such as 续表, or \"\" for none", NULL);
    else if (n && n->str[0])
        l->continued = nb_xstrdup(n->str);
    n = nb_ymap_get(root, "table_clean_break");
    l->clean_break = 0.25;
    if (n && (n->kind != NB_Y_SCALAR || !S_number(n->str, &l->clean_break) ||
              l->clean_break < 0 || l->clean_break > 1))
        S_err(c, n, "layout: table_clean_break is a fraction of the page, 0 to 1", NULL);
}

/* Texts by prose field (summary.prose, template.guidance): each key a prose block of the
 * document, each value text. */
static NbFieldText *S_field_texts(S_Ctx *c, const NbYNode *map, const char *what, size_t *n)
{
    NbLayout *l = c->l;
    NbFieldText *out = nb_xcalloc(map->n ? map->n : 1, sizeof *out);
    *n = 0;
    for (size_t i = 0; i < map->n; i++) {
        const char *key = map->keys[i]->str;
        const NbYNode *v = map->items[i];
        char *m = NULL;
        if (!nb_layout_is_prose(l, key)) {
            m = nb_msgf("layout: %s names a prose field of the document", what);
            S_err(c, map->keys[i], m, key);
        } else if (v->kind != NB_Y_SCALAR) {
            m = nb_msgf("layout: %s gives each field its text", what);
            S_err(c, v, m, key);
        } else {
            out[(*n)++] = (NbFieldText){nb_xstrdup(key), nb_xstrdup(v->str)};
        }
        free(m);
    }
    return out;
}

/* template.guidance: an example paragraph for each prose field, printed by `nianbao
 * template` as guidance; a report that still holds one is refused. */
static void S_guidance(S_Ctx *c, const NbYNode *root)
{
    const NbYNode *t = nb_ymap_get(root, "template");
    const NbYNode *g = t && t->kind == NB_Y_MAP ? nb_ymap_get(t, "guidance") : NULL;
    if (!g) return;
    if (g->kind != NB_Y_MAP) {
        S_err(c, g, "layout: template.guidance is a mapping of prose fields to example text", NULL);
        return;
    }
    c->l->guidance = S_field_texts(c, g, "template.guidance", &c->l->nguidance);
}

/* summary: the district's 汇总 (batch --summary) as this format words it: its title, the
 * text of prose fields ({agency} {year} {count} {units} {missing_note}), and the note that
 * names the units left out ({missing} {missing_count}). Each prose key is a prose block of
 * the document. Optional: without it a 汇总 of this format is refused. */
static void S_summary(S_Ctx *c, const NbYNode *root)
{
    NbLayout *l = c->l;
    const NbYNode *n = nb_ymap_get(root, "summary");
    if (!n) return;
    if (n->kind != NB_Y_MAP) {
        S_err(c, n, "layout: summary is a mapping of title, prose and missing", NULL);
        return;
    }
    S_keys(c, n, S_summary_keys, "summary");
    l->has_summary = 1;
    l->summary_title = S_str(c, n, "title");
    l->summary_missing = S_str(c, n, "missing");
    const NbYNode *prose = S_need(c, n, "prose", NB_Y_MAP);
    if (!prose) return;
    l->summary_prose = S_field_texts(c, prose, "summary.prose", &l->nsummary_prose);
}

/* A layout from its parsed file; the document is freed. */
static NbLayout *S_build(NbYDoc *doc, NbDiag *diag)
{
    if (!doc) return NULL;
    NbLayout *l = nb_xcalloc(1, sizeof *l);
    l->file = nb_xstrdup(doc->file);
    l->page_number_style = -1;
    S_Ctx c = {l, diag, 0};
    const NbYNode *root = doc->root;
    if (!root || root->kind != NB_Y_MAP) {
        S_err(&c, root, "layout: the file must be a mapping", NULL);
    } else {
        S_keys(&c, root, S_root_keys, "");
        S_head(&c, root);
        S_title_breaks(&c, root);
        S_page(&c, root);
        S_fonts(&c, root);
        if (!c.failed) S_styles(&c, root);
        if (!c.failed) S_data(&c, root);
        if (!c.failed) S_document(&c, root);
        int tables = !c.failed;
        if (tables) S_tables(&c, root);
        if (tables) S_document_tables(&c, root); /* a misspelt block is named even so */
        if (!c.failed) S_rules(&c, root);
        if (!c.failed) S_summary(&c, root);
        if (!c.failed) S_guidance(&c, root);
    }
    nb_ydoc_free(doc);
    if (c.failed) {
        nb_layout_free(l);
        return NULL;
    }
    return l;
}

NbLayout *nb_layout_parse(const char *file, const char *text, size_t len, NbDiag *diag)
{
    return S_build(nb_ydoc_parse(file, text, len, diag), diag);
}

NbLayout *nb_layout_load(const char *path, NbDiag *diag)
{
    return S_build(nb_ydoc_load(path, diag), diag);
}

void nb_layout_scale(NbLayout *l, double f)
{
    l->page_w *= f;
    l->page_h *= f;
    l->margin_top *= f;
    l->margin_bottom *= f;
    l->margin_left *= f;
    l->margin_right *= f;
    l->pitch *= f;
    l->char_pitch *= f;
    l->signature.right *= f;
    l->signature.date_indent *= f;
    l->signature.sealed_right *= f;
    l->signature.space_before *= f;
    l->signature.seal_width *= f;
    l->signature.seal_lift *= f;
    l->page_number_below *= f;
    l->page_number_inset *= f;
    for (size_t i = 0; i < l->nstyles; i++) {
        NbStyle *s = &l->styles[i];
        s->size *= f;
        s->em *= f;
        s->indent *= f;
        s->leading *= f;
        s->space_before *= f;
        s->space_after *= f;
        s->pad_v *= f;
        s->pad_h *= f;
        s->rule *= f;
    }
    for (size_t t = 0; t < l->ntables; t++)
        for (size_t k = 0; k < l->tables[t].ncols; k++)
            if (l->tables[t].col_width[k] > 0) l->tables[t].col_width[k] *= f;
}

void nb_layout_fit_paper(NbLayout *l, double w, double h)
{
    double fw = w / l->page_w, fh = h / l->page_h;
    nb_layout_scale(l, fw < fh ? fw : fh);
    /* sizes are rounded to whole mm, so their proportions differ slightly: what is left
     * over goes to the margins in their own proportions; the type area keeps its shape */
    double ew = w - l->page_w, eh = h - l->page_h;
    double mh = l->margin_left + l->margin_right, mv = l->margin_top + l->margin_bottom;
    double left = mh > 0 ? ew * l->margin_left / mh : ew / 2;
    double top = mv > 0 ? eh * l->margin_top / mv : eh / 2;
    l->margin_left += left, l->margin_right += ew - left;
    l->margin_top += top, l->margin_bottom += eh - top;
    l->page_w = w, l->page_h = h;
}

void nb_layout_free(NbLayout *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->nroles; i++) {
        for (size_t j = 0; j < l->roles[i].n; j++) free(l->roles[i].families[j]);
        free(l->roles[i].families);
        free(l->roles[i].name);
    }
    free(l->roles);
    for (size_t i = 0; i < l->nstyles; i++) free(l->styles[i].name);
    free(l->styles);
    for (size_t i = 0; i < l->ntitle_breaks; i++) free(l->title_breaks[i]);
    free(l->title_breaks);
    free(l->template_head);
    free(l->template_prose);
    free(l->summary_title);
    free(l->summary_missing);
    for (size_t i = 0; i < l->nsummary_prose; i++)
        free(l->summary_prose[i].field), free(l->summary_prose[i].text);
    free(l->summary_prose);
    for (size_t i = 0; i < l->nguidance; i++) free(l->guidance[i].field), free(l->guidance[i].text);
    free(l->guidance);
    free(l->template_agency);
    for (size_t i = 0; i < l->nfields; i++) {
        free(l->fields[i].path);
        free(l->fields[i].label);
        free(l->fields[i].sum);
    }
    free(l->fields);
    for (size_t i = 0; i < l->nblocks; i++) free(l->blocks[i].text);
    free(l->blocks);
    for (size_t i = 0; i < l->ntables; i++) {
        NbTableSpec *t = &l->tables[i];
        for (size_t k = 0; k < t->ncells; k++) free(t->cells[k].text);
        free(t->cells);
        free(t->col_width);
        free(t->key);
        free(t->section);
    }
    free(l->tables);
    S_rules_free(l);
    free(l->file);
    free(l->id);
    free(l->name);
    free(l->title_template);
    free(l->date_format);
    free(l->signature.seal_alt);
    free(l->page_number_text);
    free(l->continued);
    free(l);
}

int nb_layout_is_prose(const NbLayout *l, const char *key)
{
    for (size_t i = 0; i < l->nblocks; i++)
        if (l->blocks[i].kind == NB_BLK_PROSE && strcmp(l->blocks[i].text, key) == 0) return 1;
    return 0;
}

const char *nb_layout_guidance(const NbLayout *l, const char *field)
{
    for (size_t g = 0; g < l->nguidance; g++)
        if (!strcmp(l->guidance[g].field, field)) return l->guidance[g].text;
    return NULL;
}
