#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"


typedef struct {
    NbReport *r;
    const NbLayout *l;
    NbDiag *diag;
    const NbYDoc *doc;
    int warned_split; /* a heading line without a blank line before it: said once a file */
} S_Ctx;

static const char *const S_meta_keys[] = {"layout", "agency", "year", "title", "date", "seal"};

void nb_value_set(NbValue *v, double x)
{
    v->v = x;
    snprintf(v->text, sizeof v->text, "%.0f", x);
    v->dec = fabs(x) < 1e18 ? (NbDec){(int64_t)x, 0} : (NbDec){0, -1};
}

static const int64_t S_pow10[19] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                    100000000, 1000000000, 10000000000, 100000000000,
                                    1000000000000, 10000000000000, 100000000000000,
                                    1000000000000000, 10000000000000000, 100000000000000000,
                                    1000000000000000000};

void nb_value_set_dec(NbValue *v, NbDec d)
{
    v->dec = d;
    if (d.places < 0 || d.places > 18) {
        v->v = 0, snprintf(v->text, sizeof v->text, "?");
        return;
    }
    uint64_t u = d.units < 0 ? 0 - (uint64_t)d.units : (uint64_t)d.units;
    uint64_t p = (uint64_t)S_pow10[d.places];
    v->v = (double)d.units / (double)p;
    if (d.places) snprintf(v->text, sizeof v->text, "%s%llu.%0*llu", d.units < 0 ? "-" : "",
                           (unsigned long long)(u / p), d.places, (unsigned long long)(u % p));
    else snprintf(v->text, sizeof v->text, "%s%llu", d.units < 0 ? "-" : "", (unsigned long long)u);
}

/* x as a count of 10^-places, places >= x.places; 0 on overflow. */
static int S_dec_scale(NbDec x, int places, int64_t *out)
{
    return !__builtin_mul_overflow(x.units, S_pow10[places - x.places], out);
}

int nb_dec_add(NbDec *acc, NbDec x)
{
    if (acc->places < 0 || x.places < 0) return 0;
    int places = acc->places > x.places ? acc->places : x.places;
    int64_t a, b, s;
    if (!S_dec_scale(*acc, places, &a) || !S_dec_scale(x, places, &b) || __builtin_add_overflow(a, b, &s))
        return 0;
    *acc = (NbDec){s, places};
    return 1;
}

int nb_dec_cmp(NbDec a, NbDec b)
{
    int places = a.places > b.places ? a.places : b.places;
    int64_t x, y;
    if (!S_dec_scale(a, places, &x) || !S_dec_scale(b, places, &y)) { /* too large to align */
        long double p = (long double)a.units / S_pow10[a.places], q = (long double)b.units / S_pow10[b.places];
        return p < q ? -1 : p > q;
    }
    return x < y ? -1 : x > y;
}

/* A plain decimal's exact value: its digits as units, those after the point as places. */
static NbDec S_dec_parse(const char *s)
{
    int neg = *s == '-';
    uint64_t u = 0;
    int digits = 0, places = -1;
    for (const char *p = s + neg; *p; p++) {
        if (*p == '.') {
            places = 0;
            continue;
        }
        if (u == 0 && *p == '0' && places < 0) continue; /* leading zeros are no digits */
        if (++digits > 18) return (NbDec){0, -1};
        u = u * 10 + (uint64_t)(*p - '0');
        if (places >= 0) places++;
    }
    if (places < 0) places = 0;
    return (NbDec){neg ? -(int64_t)u : (int64_t)u, places};
}

const char *nb_report_layout_id(const NbYDoc *doc)
{
    const NbYNode *n = nb_ymap_get(doc->root, "layout");
    return n && n->kind == NB_Y_SCALAR ? n->str : NULL;
}

/* A scalar that must be text. */
static char *S_text(S_Ctx *c, const NbYNode *n, const char *key)
{
    if (n->kind != NB_Y_SCALAR) {
        nb_diag_add(c->diag, NB_ERROR, n->mark, "'%s' must be text, not %s", key,
                    nb_ykind_name(n->kind));
        return NULL;
    }
    return nb_xstrdup(n->str);
}

/* One number of a row; returns 0 on error (reported). */
static int S_value(S_Ctx *c, const NbYNode *n, const NbField *f, const char *what, NbValue *out)
{
    if (n->kind != NB_Y_SCALAR) {
        nb_diag_add(c->diag, NB_ERROR, n->mark, "%s: a number is expected, not %s", what,
                    nb_ykind_name(n->kind));
        return 0;
    }
    const char *s = n->str;
    if (n->quoted) {
        nb_diag_add(c->diag, NB_ERROR, n->mark, "%s: a number is expected, not the text \"%s\"; "
                    "remove the quotes", what, s);
        return 0;
    }
    /* plain decimal notation only: the rules (R5) judge sign, fraction and size */
    const char *d = s + (*s == '-');
    size_t ip = strspn(d, "0123456789"), fp = d[ip] == '.' ? strspn(d + ip + 1, "0123456789") : 0;
    int plain = ip > 0 && (d[ip] == 0 || (d[ip] == '.' && fp > 0 && d[ip + 1 + fp] == 0));
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v)) {
        nb_diag_add(c->diag, NB_ERROR, n->mark, "%s: '%s' is not a number", what, s);
        return 0;
    }
    if (!plain) {
        nb_diag_add(c->diag, NB_ERROR, n->mark, "%s: write the number plainly, not '%s'", what, s);
        return 0;
    }
    if (v == 0) v = 0; /* -0 is 0 */
    nb_value_set(out, v);
    out->dec = S_dec_parse(s);
    /* a decimal as written; a figure too long to print exactly (an error anyway), too */
    if (f->decimal || v != floor(v) || strlen(s) > 15) {
        if (strlen(s) < sizeof out->text) snprintf(out->text, sizeof out->text, "%s", s);
        else snprintf(out->text, sizeof out->text, "%.26s…", s);
    }
    out->given = 1;
    out->mark = n->mark;
    out->mark.file = c->r->file;
    return 1;
}

/* One numeric row: its values (and a given 总计), each checked to be a number. */
static void S_row(S_Ctx *c, const NbYNode *n, int fi)
{
    const NbField *f = &c->l->fields[fi];
    NbRow *row = &c->r->rows[fi];
    row->given = 1;
    row->mark = n->mark;
    row->mark.file = c->r->file; /* the parsed document's name dies with it */
    size_t given = n->kind == NB_Y_SEQ ? n->n : 1;
    if (n->kind == NB_Y_MAP || (n->kind == NB_Y_SCALAR && f->count != 1)) {
        nb_diag_add(c->diag, NB_ERROR, n->mark, "%s (%s): a list of %d numbers is expected, like [%s]",
                    f->path, f->label, f->count, f->count == 6 ? "0, 0, 0, 0, 0, 0" : "0, 0, 0, 0");
        return;
    }
    if (given != (size_t)f->count && !(f->total && given == (size_t)f->count + 1)) {
        nb_diag_add(c->diag, NB_ERROR, n->mark,
                    "%s (%s): %zu numbers given; it takes %d%s", f->path, f->label, given, f->count,
                    f->total ? " (or one more: the 总计, which is then checked)" : "");
        return;
    }
    for (int i = 0; i < row->n; i++) row->vals[i].mark = row->mark;
    for (size_t i = 0; i < given; i++) {
        const NbYNode *v = n->kind == NB_Y_SEQ ? n->items[i] : n;
        char *what = nb_xasprintf("%s (%s)", f->path, f->label);
        S_value(c, v, f, what, &row->vals[i]);
        free(what);
    }
}

static int S_has_prefix(const NbLayout *l, const char *path)
{
    size_t len = strlen(path);
    for (size_t i = 0; i < l->nfields; i++)
        if (!l->fields[i].computed && strncmp(l->fields[i].path, path, len) == 0 &&
            l->fields[i].path[len] == '.')
            return 1;
    return 0;
}

/* Names of the data keys directly under prefix (NULL: top level). */
static size_t S_child_names(const NbLayout *l, const char *prefix, const char **out, size_t max)
{
    size_t n = 0, plen = prefix ? strlen(prefix) + 1 : 0;
    for (size_t i = 0; i < l->nfields && n < max; i++) {
        const char *p = l->fields[i].path;
        if (l->fields[i].computed || (prefix && (strncmp(p, prefix, plen - 1) || p[plen - 1] != '.')))
            continue;
        const char *name = p + plen;
        size_t len = strcspn(name, ".");
        int dup = 0;
        for (size_t k = 0; k < n; k++)
            if (strlen(out[k]) >= len && strncmp(out[k], name, len) == 0 &&
                (out[k][len] == 0 || out[k][len] == '.'))
                dup = 1;
        if (!dup) out[n++] = name;
    }
    return n;
}

/* A mapping of the data (requests:, requests.denied:, …): its rows and groups. */
static void S_data_map(S_Ctx *c, const NbYNode *map, const char *prefix)
{
    if (map->kind != NB_Y_MAP) {
        nb_diag_add(c->diag, NB_ERROR, map->mark, "'%s' must be a mapping of rows, not %s", prefix,
                    nb_ykind_name(map->kind));
        return;
    }
    for (size_t i = 0; i < map->n; i++) {
        char *path = nb_xasprintf("%s.%s", prefix, map->keys[i]->str);
        int fi = nb_layout_field(c->l, path);
        if (fi >= 0) S_row(c, map->items[i], fi); /* a computed row given is checked */
        else if (S_has_prefix(c->l, path)) S_data_map(c, map->items[i], path);
        else {
            const char *names[64];
            size_t n = S_child_names(c->l, prefix, names, 64);
            /* the names point into field paths: cut at the next dot for display */
            char *shown[64];
            for (size_t k = 0; k < n; k++) shown[k] = nb_xstrndup(names[k], strcspn(names[k], "."));
            char *where = nb_msgf(" in %s", prefix);
            nb_ykey_unknown(c->diag, map->keys[i], (const char *const *)shown, n, "", where);
            free(where);
            for (size_t k = 0; k < n; k++) free(shown[k]);
        }
        free(path);
    }
}

static void S_src(S_Ctx *c, const NbYNode *n, NbSrcText *out)
{
    size_t a = nb_ydoc_offset(c->doc, n->mark), b = nb_ydoc_offset(c->doc, n->end);
    out->src = nb_xstrndup(c->doc->src + a, b > a ? b - a : 0);
    out->at = n->mark;
    out->at.file = c->r->file;
}

static int S_space(uint32_t cp)
{
    return cp == ' ' || cp == '\n' || cp == '\r' || cp == '\t' || cp == 0x3000;
}

NbMark nb_report_locate(const NbSrcText *t, const char *piece, size_t len, int nth)
{
    if (!t->src) return t->at;
    const char *src = t->src, *send = src + strlen(src), *pend = piece + len;
    int line = t->at.line, col = t->at.col;
    for (const char *s = src; s < send;) {
        const char *a = s, *b = piece;
        int ok = 1;
        while (ok && b < pend) {
            uint32_t pc = nb_utf8_next(&b, pend);
            if (S_space(pc)) continue; /* a space the normalising kept is optional */
            if (a > s)
                for (const char *q = a; q < send && S_space(nb_utf8_next(&q, send));) a = q;
            const char *q = a;
            ok = a < send && nb_utf8_next(&q, send) == pc;
            a = q;
        }
        if (ok && nth-- == 0) return (NbMark){t->at.file, line, col};
        if (nb_utf8_next(&s, send) == '\n') line++, col = 1;
        else col++;
    }
    return t->at;
}

/* A prose field: its text as written (for locating characters) and its paragraphs. */
static size_t S_spaces(const char *p);

static void S_prose(S_Ctx *c, const NbYNode *n, const char *key)
{
    if (n->kind != NB_Y_SCALAR) {
        nb_diag_add(c->diag, NB_ERROR, n->mark,
                    "'%s' must be text (paragraphs separated by blank lines), not %s; write it as "
                    "'%s: |' followed by indented lines",
                    key, nb_ykind_name(n->kind), key);
        return;
    }
    NbReport *r = c->r;
    nb_grow(&r->prose, &r->prose_cap, r->nprose + 1, sizeof *r->prose);
    NbProse *p = &r->prose[r->nprose++];
    p->key = nb_xstrdup(key);
    size_t split = (size_t)-1;
    p->text = nb_report_paragraphs(n->str, &split);
    p->mark = n->mark;
    p->mark.file = r->file;
    S_src(c, n, &p->src);
    if (split != (size_t)-1 && !c->warned_split) {
        const char *line = n->str + split;
        size_t len = 0; /* the heading's first characters, to point at and to quote */
        for (int k = 0; k < 4 && line[len] && line[len] != '\n' && !S_spaces(line + len); k++) {
            const char *q = line + len;
            nb_utf8_next(&q, line + strlen(line));
            len = (size_t)(q - line);
        }
        int nth = 0;
        for (const char *q = n->str; q < line; q++) nth += !strncmp(q, line, len);
        nb_diag_add(c->diag, NB_WARNING, nb_report_locate(&p->src, line, len, nth),
                    "%s: the line that begins “%.*s” is taken as a new paragraph; put a blank line "
                    "between paragraphs (this is said once)", key, (int)len, line);
        c->warned_split = 1;
    }
}

/* date: YYYY-MM-DD or YYYY年M月D日, a real day; an impossible one says which part is wrong. */
static void S_date(S_Ctx *c, const NbYNode *n)
{
    int y = 0, m = 0, d = 0, used = 0;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *s = n->kind == NB_Y_SCALAR ? n->str : "";
    int shaped = (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 && !s[used]) ||
                 (sscanf(s, "%4d年%2d月%2d日%n", &y, &m, &d, &used) == 3 && !s[used]);
    if (!shaped) {
        nb_diag_add(c->diag, NB_ERROR, n->mark,
                    "date: write the date as YYYY-MM-DD (or 2024年1月20日), e.g. 2024-01-20");
        return;
    }
    int leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    int last = m >= 1 && m <= 12 ? (m == 2 && !leap ? 28 : days[m - 1]) : 0;
    if (y < 1949 || y > 2999)
        nb_diag_add(c->diag, NB_ERROR, n->mark, "date %s: the year %d cannot be right", s, y);
    else if (m < 1 || m > 12)
        nb_diag_add(c->diag, NB_ERROR, n->mark, "date %s: there is no month %d (1 to 12)", s, m);
    else if (d < 1 || d > last)
        nb_diag_add(c->diag, NB_ERROR, n->mark, "date %s: %d-%02d has %d days, not %d", s, y, m,
                    last, d);
    else {
        c->r->has_date = 1;
        c->r->date_y = y, c->r->date_m = m, c->r->date_d = d;
        c->r->date_mark = n->mark;
        c->r->date_mark.file = c->r->file;
    }
}

static char *S_dir_join(const char *file, const char *rel)
{
    if (rel[0] == '/') return nb_xstrdup(rel);
    const char *slash = strrchr(file, '/');
    if (!slash) return nb_xstrdup(rel);
    return nb_xasprintf("%.*s/%s", (int)(slash - file), file, rel);
}

static char *S_title_from(const char *tmpl, const char *agency, int year)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    static const char *const names[] = {"agency", "year"};
    const char *values[] = {agency, y};
    return nb_expand(tmpl, names, values, 2);
}

/* seal: a PNG beside the report, decoded now: a bad one is an error at the key. */
static void S_seal(S_Ctx *c, const NbYNode *v)
{
    NbReport *r = c->r;
    char *s = S_text(c, v, "seal");
    if (s) {
        r->seal = S_dir_join(r->file, s), r->seal_mark = v->mark, r->seal_mark.file = r->file;
        char *why = NULL;
        if (!nb_image_load_png(r->seal, &r->seal_image, &why)) {
            nb_diag_add(c->diag, NB_ERROR, v->mark, "seal: %s: %s", s, why);
            free(why);
        } else {
            nb_image_clear_white(&r->seal_image); /* a seal scanned on white paper */
        }
    }
    free(s);
}

/* A top-level key the report may not have: the nearest of those it may. */
static void S_unknown_top(S_Ctx *c, const NbYNode *key)
{
    const char *names[64];
    size_t n = 0;
    for (size_t k = 0; k < sizeof S_meta_keys / sizeof *S_meta_keys; k++) names[n++] = S_meta_keys[k];
    for (size_t k = 0; k < c->l->nblocks && n < 40; k++)
        if (c->l->blocks[k].kind == NB_BLK_PROSE) names[n++] = c->l->blocks[k].text;
    char *tops[24];
    size_t nt = S_child_names(c->l, NULL, (const char **)tops, 24);
    for (size_t k = 0; k < nt; k++) tops[k] = nb_xstrndup(tops[k], strcspn(tops[k], "."));
    for (size_t k = 0; k < nt && n < 64; k++) names[n++] = tops[k];
    nb_ykey_unknown(c->diag, key, names, n, "", "");
    for (size_t k = 0; k < nt; k++) free(tops[k]);
}

/* A report that still holds what `nianbao template` wrote in it: the example unit's name, a
 * prose field's stand-in, a line of its guidance. Each is an error at its line. */
static void S_still_template(S_Ctx *c)
{
    const NbLayout *l = c->l;
    NbReport *r = c->r;
    if (r->agency && l->template_agency && *l->template_agency && !strcmp(r->agency, l->template_agency))
        nb_diag_add(c->diag, NB_ERROR, r->agency_src.at, "agency: %s is the template's example; write "
                                                         "the unit's full name", r->agency);
    for (size_t i = 0; i < r->nprose; i++) {
        const NbProse *p = &r->prose[i];
        const char *found = NULL;
        size_t flen = 0;
        if (l->template_prose && *l->template_prose && strstr(p->text, l->template_prose))
            found = l->template_prose, flen = strlen(found);
        const char *guide = nb_layout_guidance(l, p->key);
        for (const char *q = guide ? guide : ""; *q && !found;) { /* line by line */
            size_t n = strcspn(q, "\n");
            char *line = nb_xstrndup(q, n);
            if (n >= 12 && strstr(p->text, line)) found = q, flen = n;
            free(line);
            q += n + (q[n] == '\n');
        }
        if (!found) continue;
        size_t show = 0; /* a few characters of it, to quote */
        for (int k = 0; k < 12 && show < flen;) {
            const char *q = found + show;
            nb_utf8_next(&q, found + flen);
            show = (size_t)(q - found), k++;
        }
        char *piece = nb_xstrndup(found, show);
        nb_diag_add(c->diag, NB_ERROR, nb_report_locate(&p->src, piece, strlen(piece), 0),
                    "%s still holds the template's example text (“%s…”): write the report's own",
                    p->key, piece);
        free(piece);
    }
}

/* The report's top-level keys: agency, year, title, date, seal, prose fields, data groups. */
static void S_top(S_Ctx *c, const NbYNode *root)
{
    NbReport *r = c->r;
    const NbYNode *year_node = NULL;
    for (size_t i = 0; i < root->n; i++) {
        const char *key = root->keys[i]->str;
        const NbYNode *v = root->items[i];
        if (strcmp(key, "layout") == 0) {
            if (v->kind != NB_Y_SCALAR)
                nb_diag_add(c->diag, NB_ERROR, v->mark, "layout: a layout name is expected");
        } else if (strcmp(key, "agency") == 0) {
            r->agency = S_text(c, v, key);
            if (r->agency) S_src(c, v, &r->agency_src);
            if (r->agency && !*r->agency) {
                nb_diag_add(c->diag, NB_ERROR, v->mark, "agency is empty; give the unit's full name");
                free(r->agency);
                r->agency = NULL;
            }
        } else if (strcmp(key, "year") == 0) {
            year_node = v;
            char *end;
            long y = v->kind == NB_Y_SCALAR ? strtol(v->str, &end, 10) : 0;
            if (v->kind != NB_Y_SCALAR || v->quoted || *end)
                nb_diag_add(c->diag, NB_ERROR, v->mark, "year: a year such as 2023 is expected");
            else if (y < c->l->year_min || y > c->l->year_max)
                nb_diag_add(c->diag, NB_ERROR, v->mark,
                            "year: a year such as 2023 is expected (this format is for %d to %d)",
                            c->l->year_min, c->l->year_max);
            else r->year = (int)y;
        } else if (strcmp(key, "title") == 0) {
            r->title = S_text(c, v, key);
            if (r->title) S_src(c, v, &r->title_src);
        } else if (strcmp(key, "date") == 0) {
            S_date(c, v);
        } else if (strcmp(key, "seal") == 0) {
            S_seal(c, v);
        } else if (nb_layout_is_prose(c->l, key)) {
            S_prose(c, v, key);
        } else if (S_has_prefix(c->l, key)) {
            S_data_map(c, v, key);
        } else {
            S_unknown_top(c, root->keys[i]);
        }
    }
    NbMark top = {r->file, 1, 1};
    if (!r->agency && !nb_ymap_get(root, "agency"))
        nb_diag_add(c->diag, NB_ERROR, top, "agency is missing: add 'agency: <the unit's full name>'");
    if (!year_node)
        nb_diag_add(c->diag, NB_ERROR, top, "year is missing: add 'year: <the report's year>'");
    S_still_template(c);
    if (!nb_ymap_get(root, "date"))
        nb_diag_add(c->diag, NB_WARNING, top, "no date: the signature has none; add 'date: "
                                              "YYYY-MM-DD', the day the report is signed (成文日期)");
    else if (r->has_date && r->year && r->date_y <= r->year)
        nb_diag_add(c->diag, NB_WARNING, r->date_mark, "the date %04d-%02d-%02d is before the end of "
                                                       "%d, the year reported on: is it right?",
                    r->date_y, r->date_m, r->date_d, r->year);
}

/* Totals and computed rows, where the data does not give them (given ones are checked by
 * the rules, not trusted). */
static void S_complete(S_Ctx *c)
{
    const NbLayout *l = c->l;
    for (size_t fi = 0; fi < l->nfields; fi++) {
        const NbField *f = &l->fields[fi];
        NbRow *row = &c->r->rows[fi];
        if (f->computed)
            for (int k = 0; k < f->count; k++) {
                if (row->vals[k].given) continue;
                NbDec s = {0, 0};
                for (size_t j = 0; j < f->nsum && s.places >= 0; j++)
                    if (!nb_dec_add(&s, c->r->rows[f->sum[j]].vals[k].dec)) s.places = -1;
                nb_value_set_dec(&row->vals[k], s);
            }
        if (f->total && !row->vals[f->count].given) {
            NbDec s = {0, 0};
            for (int k = 0; k < f->count && s.places >= 0; k++)
                if (!nb_dec_add(&s, row->vals[k].dec)) s.places = -1;
            nb_value_set_dec(&row->vals[f->count], s);
        }
    }
}

NbReport *nb_report_from_yaml(const NbYDoc *doc, const NbLayout *l, NbDiag *diag)
{
    NbReport *r = nb_xcalloc(1, sizeof *r);
    r->file = nb_xstrdup(doc->file);
    r->nrows = l->nfields;
    r->rows = nb_xcalloc(l->nfields, sizeof *r->rows);
    for (size_t i = 0; i < l->nfields; i++) {
        r->rows[i].n = l->fields[i].count + l->fields[i].total;
        r->rows[i].vals = nb_xcalloc((size_t)r->rows[i].n, sizeof *r->rows[i].vals);
        for (int k = 0; k < r->rows[i].n; k++) nb_value_set(&r->rows[i].vals[k], 0);
        r->rows[i].mark = (NbMark){r->file, 1, 1};
        for (int k = 0; k < r->rows[i].n; k++) r->rows[i].vals[k].mark = r->rows[i].mark;
    }
    r->top = (NbMark){r->file, 1, 1};
    S_Ctx c = {r, l, diag, doc, 0};
    size_t before = diag->errors;
    if (!doc->root || doc->root->kind != NB_Y_MAP) {
        NbMark at = doc->root ? doc->root->mark : (NbMark){r->file, 1, 1};
        nb_diag_add(diag, NB_ERROR, at,
                    "the report must be a mapping of keys (agency:, year:, …); run 'nianbao "
                    "template' for a blank report");
    } else {
        S_top(&c, doc->root);
    }
    if (diag->errors > before) {
        nb_report_free(r);
        return NULL;
    }
    S_complete(&c);
    if (!r->title) r->title = S_title_from(l->title_template, r->agency, r->year);
    return r;
}

/* Append a finished paragraph: spaces touching a wide character dropped, runs collapsed. */
static void S_flush_paragraph(NbBuf *para, NbBuf *out)
{
    if (!para->len) return;
    if (out->len) nb_buf_add(out, "\n", 1);
    const char *q = para->s, *end = para->s + para->len;
    uint32_t prev = 0;
    while (q < end) {
        uint32_t cp = nb_utf8_next(&q, end);
        if (cp == ' ' || cp == 0x3000) {
            const char *r = q;
            uint32_t next = 0;
            while (r < end) {
                const char *at = r;
                next = nb_utf8_next(&r, end);
                if (next != ' ' && next != 0x3000) {
                    r = at;
                    break;
                }
                next = 0;
            }
            q = r;
            if (prev && next && !nb_char_wide(prev) && !nb_char_wide(next) && cp == ' ')
                nb_buf_add(out, " ", 1);
            continue;
        }
        nb_utf8_put(out, cp);
        prev = cp;
    }
    nb_buf_free(para);
}

/* Does a line open with a heading of the kind reports number their parts by: （一）…（十…）,
 * 一、…, or 1. 1、 1．(a number not followed by another digit)? */
static int S_heading_line(const char *p)
{
    static const char *const nums[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    size_t i = strncmp(p, "（", 3) == 0 ? 3 : 0, k = 0;
    for (int more = 1; more && k < 3;) {
        more = 0;
        for (size_t n = 0; n < 10; n++)
            if (strncmp(p + i, nums[n], 3) == 0) i += 3, k++, more = 1;
    }
    if (k) return i > 3 ? strncmp(p + i, "）", 3) == 0 : strncmp(p + i, "、", 3) == 0;
    size_t d = 0;
    while (p[d] >= '0' && p[d] <= '9' && d < 3) d++;
    if (!d) return 0;
    const char *q = p + d;
    int mark = *q == '.' || strncmp(q, "、", 3) == 0 || strncmp(q, "．", 3) == 0;
    const char *after = q + (*q == '.' ? 1 : 3);
    return mark && !(*after >= '0' && *after <= '9');
}

/* The length of the spaces (ASCII, tab, ideographic) at p. */
static size_t S_spaces(const char *p)
{
    size_t n = 0;
    for (;;) {
        if (p[n] == ' ' || p[n] == '\t') n++;
        else if (strncmp(p + n, "\xE3\x80\x80", 3) == 0) n += 3;
        else return n;
    }
}

char *nb_report_paragraphs(const char *raw, size_t *split)
{
    NbBuf para = {0}, out = {0};
    if (split) *split = (size_t)-1;
    for (const char *p = raw;;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\r' || p[len - 1] == '\t')) len--;
        const char *s = p;
        size_t lead = S_spaces(s);
        s += lead < len ? lead : len, len -= lead < len ? lead : len;
        if (len && para.len && S_heading_line(s)) { /* pasted text: a heading starts a paragraph */
            S_flush_paragraph(&para, &out);
            if (split && *split == (size_t)-1) *split = (size_t)(s - raw);
        }
        if (len == 0) {
            S_flush_paragraph(&para, &out);
        } else {
            if (para.len) {
                /* a line break inside a paragraph: a space only between two Latin characters */
                const char *q = s;
                uint32_t next = nb_utf8_next(&q, s + len);
                const char *back = nb_utf8_prev(para.s, para.s + para.len);
                uint32_t last = nb_utf8_next(&back, para.s + para.len);
                if (!nb_char_wide(last) && !nb_char_wide(next)) nb_buf_add(&para, " ", 1);
            }
            nb_buf_add(&para, s, len);
        }
        if (!eol) break;
        p = eol + 1;
    }
    S_flush_paragraph(&para, &out);
    return out.s ? out.s : nb_xstrdup("");
}

const NbProse *nb_report_prose(const NbReport *r, const char *key)
{
    for (size_t i = 0; i < r->nprose; i++)
        if (strcmp(r->prose[i].key, key) == 0) return &r->prose[i];
    return NULL;
}

void nb_report_free(NbReport *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nprose; i++) {
        free(r->prose[i].key);
        free(r->prose[i].text);
        free(r->prose[i].src.src);
    }
    free(r->prose);
    for (size_t i = 0; i < r->nrows; i++) free(r->rows[i].vals);
    free(r->rows);
    free(r->file);
    free(r->agency);
    free(r->title);
    free(r->agency_src.src);
    free(r->title_src.src);
    free(r->seal);
    nb_image_free(&r->seal_image);
    free(r);
}

/* ------------------------------------------------------------------ what an input method types
 * Before the YAML is parsed, the figures of a report as a Chinese input method types them
 * are read as ASCII where the meaning is certain: full-width digits, ， ［］ 【】 ． and a
 * 、 or a space between two numbers of a list. Only numbers are touched (a list's inside, or
 * a value that is a number), never prose: block texts and other values are copied as they
 * are. Each replacement keeps the character count, so lines and columns stay right. A
 * full-width colon after a key, and a list's 1,218 (one number or two?), are errors. */

typedef struct {
    NbBuf out;
    const char *file;
    NbDiag *diag;
    size_t changed[6]; /* digits, commas, brackets, points, 、, spaces */
    NbMark first;
} S_Norm;

/* The code point at p (of a line ending at end) and its length. */
static uint32_t S_cp(const char *p, const char *end, size_t *n)
{
    const char *q = p;
    uint32_t cp = nb_utf8_next(&q, end);
    *n = (size_t)(q - p);
    return cp;
}

static int S_is_digit_cp(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

/* The column (in characters, from 1) of p in the line starting at line. */
static int S_col(const char *line, const char *p)
{
    int col = 1;
    for (const char *q = line; q < p; q++)
        if (((unsigned char)*q & 0xC0) != 0x80) col++;
    return col;
}

static void S_norm_note(S_Norm *n, int kind, int line, int col)
{
    if (!n->first.line) n->first = (NbMark){n->file, line, col};
    n->changed[kind]++;
}

/* A number's characters [p, end) as ASCII; in a list (list: 1), 、 and a space between two
 * numbers become commas, and d,ddd with no space after the comma is an error. */
static void S_norm_value(S_Norm *n, const char *line, const char *p, const char *end, int lineno,
                         int list)
{
    int prev_digit = 0; /* the last character written was a digit */
    size_t run = 0;     /* digits in the number being written */
    for (const char *q = p; q < end;) {
        size_t len;
        uint32_t cp = S_cp(q, end, &len);
        int col = S_col(line, q);
        /* what follows, past spaces: for the separators between numbers */
        const char *r = q + len;
        while (r < end && *r == ' ') r++;
        size_t nl = 0;
        uint32_t next = r < end ? S_cp(r, end, &nl) : 0;
        if (cp >= 0xFF10 && cp <= 0xFF19) {
            char c = (char)('0' + (cp - 0xFF10));
            nb_buf_add(&n->out, &c, 1), S_norm_note(n, 0, lineno, col);
            prev_digit = 1, run++;
        } else if (cp == 0xFF0C || (cp == ',' && list)) { /* ， or , */
            if (cp != ',') S_norm_note(n, 1, lineno, col);
            /* 1,218 with nothing between: a thousands separator, or two numbers? */
            size_t k = 0;
            const char *d = q + len;
            size_t dl;
            while (d < end && S_is_digit_cp(S_cp(d, end, &dl))) d += dl, k++;
            uint32_t after = d < end ? S_cp(d, end, &dl) : 0;
            if (list && prev_digit && run <= 3 && k == 3 && after != '.' && after != 0xFF0E) {
                char a[16] = "", b[16] = "";
                size_t ai = 0;
                for (size_t i = n->out.len - run; i < n->out.len && ai < 15; i++) a[ai++] = n->out.s[i];
                size_t bi = 0;
                for (const char *e = q + len; e < d && bi < 15;) {
                    uint32_t c = S_cp(e, d, &dl);
                    b[bi++] = (char)(c >= 0xFF10 ? '0' + (c - 0xFF10) : c);
                    e += dl;
                }
                nb_diag_add(n->diag, NB_ERROR, (NbMark){n->file, lineno, S_col(line, q) - (int)run},
                            "'%s,%s' may be one number (%s%s) or two (%s and %s): write %s%s "
                            "without the comma, or put a space after the comma", a, b, a, b, a, b,
                            a, b);
            }
            nb_buf_add(&n->out, ",", 1);
            prev_digit = 0, run = 0;
        } else if (cp == 0xFF3B || cp == 0x3010) { /* ［ 【 */
            nb_buf_add(&n->out, "[", 1), S_norm_note(n, 2, lineno, col);
            prev_digit = 0, run = 0;
        } else if (cp == 0xFF3D || cp == 0x3011) { /* ］ 】 */
            nb_buf_add(&n->out, "]", 1), S_norm_note(n, 2, lineno, col);
            prev_digit = 0, run = 0;
        } else if (cp == 0xFF0E && prev_digit && S_is_digit_cp(next) && r == q + len) { /* ． */
            nb_buf_add(&n->out, ".", 1), S_norm_note(n, 3, lineno, col);
            prev_digit = 0, run = 0;
        } else if (cp == 0x3001 && list && prev_digit && S_is_digit_cp(next)) { /* 、 */
            nb_buf_add(&n->out, ",", 1), S_norm_note(n, 4, lineno, col);
            prev_digit = 0, run = 0;
        } else if (cp == ' ' && list && prev_digit && S_is_digit_cp(next)) { /* 18 3 */
            nb_buf_add(&n->out, ",", 1), S_norm_note(n, 5, lineno, col);
            prev_digit = 0, run = 0;
        } else {
            nb_buf_add(&n->out, q, len);
            if (cp >= '0' && cp <= '9') prev_digit = 1, run++;
            else if (cp != ' ') prev_digit = 0, run = 0;
            else prev_digit = 0;
        }
        q += len;
    }
}

/* Does [p, end) hold a number only (digits, full-width too, a point, a sign, spaces)? */
static int S_number_only(const char *p, const char *end)
{
    int digits = 0;
    for (const char *q = p; q < end;) {
        size_t len;
        uint32_t cp = S_cp(q, end, &len);
        if (S_is_digit_cp(cp)) digits++;
        else if (!(cp == '.' || cp == 0xFF0E || cp == '-' || cp == ' ')) return 0;
        q += len;
    }
    return digits > 0;
}

/* One line: a key's full-width colon named, a number value or list made ASCII; returns 1
 * when the line opens a block text (key: | or key: >). */
static int S_norm_line(S_Norm *n, const char *line, const char *end, int lineno)
{
    const char *p = line;
    while (p < end && *p == ' ') p++;
    if (p + 1 < end && *p == '-' && p[1] == ' ') p += 2; /* a list item */
    const char *key = p;
    while (p < end && (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
        p++;
    const char *key_end = p;
    while (p < end && *p == ' ') p++;
    size_t len = 0;
    uint32_t sep = p < end ? S_cp(p, end, &len) : 0;
    if (key_end == key || (sep != ':' && sep != 0xFF1A)) {
        nb_buf_add(&n->out, line, (size_t)(end - line));
        return 0;
    }
    nb_buf_add(&n->out, line, (size_t)(p - line));
    if (sep == 0xFF1A) {
        nb_diag_add(n->diag, NB_ERROR, (NbMark){n->file, lineno, S_col(line, p)},
                    "'：' after '%.*s' is a full-width colon: type the half-width ':' (the input "
                    "method in English mode)", (int)(key_end - key), key);
        nb_buf_add(&n->out, ":", 1);
    } else {
        nb_buf_add(&n->out, p, len);
    }
    p += len;
    const char *v = p;
    while (v < end && *v == ' ') v++;
    /* the value, up to a comment */
    const char *vend = v;
    for (const char *q = v; q < end; q++)
        if (*q == '#' && (q == v || q[-1] == ' ')) break;
        else vend = q + 1;
    while (vend > v && vend[-1] == ' ') vend--;
    size_t fl = 0;
    uint32_t first = v < vend ? S_cp(v, vend, &fl) : 0;
    nb_buf_add(&n->out, p, (size_t)(v - p));
    if (first == '|' || first == '>') {
        nb_buf_add(&n->out, v, (size_t)(end - v));
        return 1;
    }
    if (first == '[' || first == 0xFF3B || first == 0x3010) S_norm_value(n, line, v, vend, lineno, 1);
    else if (S_number_only(v, vend)) S_norm_value(n, line, v, vend, lineno, 0);
    else nb_buf_add(&n->out, v, (size_t)(vend - v));
    nb_buf_add(&n->out, vend, (size_t)(end - vend));
    return 0;
}

/* The text with its figures read as ASCII (allocated, *len set), and one warning that
 * says what was read so. */
static char *S_normalise(const char *file, const char *text, size_t *len, NbDiag *diag)
{
    S_Norm n = {{0}, file, diag, {0}, {0}};
    const char *p = text, *end = text + *len;
    int lineno = 1, block = -1; /* the indent of the key over a block text, -1 outside one */
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *stop = eol ? eol : end;
        const char *content = stop > p && stop[-1] == '\r' ? stop - 1 : stop;
        int indent = 0;
        while (p + indent < content && p[indent] == ' ') indent++;
        int blank = p + indent == content;
        if (block >= 0 && (blank || indent > block)) {
            nb_buf_add(&n.out, p, (size_t)(content - p));
        } else {
            block = -1;
            if (S_norm_line(&n, p, content, lineno)) block = indent;
        }
        nb_buf_add(&n.out, content, (size_t)((eol ? eol + 1 : end) - content));
        p = eol ? eol + 1 : end;
        lineno++;
    }
    static const char *const what[] = {N_("full-width digits"), "，", N_("［］ or 【】"), "．",
                                       N_("、 between numbers"), N_("spaces between numbers")};
    size_t total = 0;
    for (int k = 0; k < 6; k++) total += n.changed[k];
    if (total) {
        NbBuf b = {0};
        for (int k = 0; k < 6; k++)
            if (n.changed[k])
                nb_buf_printf(&b, "%s%s (%zu)", b.len ? ", " : "", gettext(what[k]), n.changed[k]);
        nb_diag_add(diag, NB_WARNING, n.first,
                    "figures typed with a Chinese input method are read as plain ones: %s; this is "
                    "the first (said once for the file)", b.s);
        nb_buf_free(&b);
    }
    if (!n.out.s) nb_buf_add(&n.out, "", 0);
    *len = n.out.len;
    return n.out.s;
}

NbYDoc *nb_report_parse(const char *file, const char *text, size_t len, NbDiag *diag)
{
    char *fixed = S_normalise(file, text, &len, diag);
    NbYDoc *doc = nb_ydoc_parse(file, fixed, len, diag);
    free(fixed);
    return doc;
}

NbYDoc *nb_report_load(const char *path, NbDiag *diag)
{
    size_t len = 0;
    char *text = nb_ydoc_read(path, &len, diag);
    NbYDoc *doc = text ? nb_report_parse(path, text, len, diag) : NULL;
    free(text);
    return doc;
}
