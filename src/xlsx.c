#include "xlsx.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

/* The unit sheet's name, and the hidden column that gives each of its rows its report key. */
#define S_UNIT_SHEET "单位"
enum { S_KEY_COL = 2, S_VALUE_COL = 1, S_MAX_ENTRY = 16 << 20, S_MAX_CELLS = 1 << 20 };

int nb_xlsx_name(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && strcmp(path + n - 5, ".xlsx") == 0;
}

/* A table's sheet: its section (二, 三, 四), or its key when that is taken or empty. */
static char *S_sheet_name(const NbLayout *l, size_t t)
{
    const NbTableSpec *ts = &l->tables[t];
    int taken = !ts->section || !*ts->section || !strcmp(ts->section, S_UNIT_SHEET);
    for (size_t k = 0; k < t && !taken; k++)
        taken = l->tables[k].section && !strcmp(l->tables[k].section, ts->section);
    return nb_xstrdup(taken ? ts->key : ts->section);
}

/* "C5" for row 4, column 2 (from 0). */
static void S_ref(char out[16], int row, int col)
{
    char letters[8];
    int n = 0;
    for (int c = col + 1; c > 0 && n < 7; c = (c - 1) / 26) letters[n++] = (char)('A' + (c - 1) % 26);
    int k = 0;
    while (n) out[k++] = letters[--n];
    snprintf(out + k, (size_t)(16 - k), "%d", row + 1);
}

/* The field's label for the unit sheet: the heading its prose block stands under. */
static const char *S_prose_label(const NbLayout *l, size_t b)
{
    if (b > 0 && l->blocks[b - 1].kind == NB_BLK_HEADING) return l->blocks[b - 1].text;
    return "前言（报告开头一段）";
}

/* ------------------------------------------------------------------ writing */

int nb_xlsx_template(const NbLayout *l, const NbReport *from, const char *path, char **err)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return nb_fail(err, "cannot start the workbook");
    lxw_format *head = workbook_add_format(wb), *label = workbook_add_format(wb);
    lxw_format *text = workbook_add_format(wb), *number = workbook_add_format(wb);
    lxw_format *decimal = workbook_add_format(wb), *sum = workbook_add_format(wb);
    lxw_format *all[] = {head, label, text, number, decimal, sum};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        format_set_font_name(all[i], "宋体");
        format_set_font_size(all[i], 10.5);
        format_set_border(all[i], LXW_BORDER_THIN);
        format_set_text_wrap(all[i]);
        format_set_align(all[i], LXW_ALIGN_VERTICAL_CENTER);
    }
    format_set_bold(head);
    format_set_align(label, LXW_ALIGN_CENTER);
    format_set_align(text, LXW_ALIGN_VERTICAL_TOP);
    format_set_unlocked(text);
    format_set_align(number, LXW_ALIGN_CENTER);
    format_set_align(decimal, LXW_ALIGN_CENTER);
    format_set_align(sum, LXW_ALIGN_CENTER);
    format_set_unlocked(number);
    format_set_unlocked(decimal);
    format_set_num_format(number, "0");
    format_set_num_format(decimal, "0.00##");
    format_set_bg_color(sum, 0xEEEEEE);

    /* the unit and its prose */
    lxw_worksheet *u = workbook_add_worksheet(wb, S_UNIT_SHEET);
    worksheet_set_column(u, 0, 0, 26, NULL);
    worksheet_set_column(u, 1, 1, 90, NULL);
    lxw_row_col_options hidden = {.hidden = 1};
    worksheet_set_column_opt(u, 2, 2, 12, NULL, &hidden);
    worksheet_write_string(u, 0, 0, "项目", head);
    worksheet_write_string(u, 0, 1, "填写内容", head);
    worksheet_write_string(u, 0, 2, "key", head);
    char year[16], date[16];
    snprintf(year, sizeof year, "%d", from ? from->year : 2023);
    snprintf(date, sizeof date, "%04d-%02d-%02d", from && from->has_date ? from->date_y : 2024,
             from && from->has_date ? from->date_m : 1, from && from->has_date ? from->date_d : 20);
    const char *seal = from && from->seal ? strrchr(from->seal, '/') : NULL;
    const char *meta[][3] = {
        {"报告单位（全称）", "agency", from ? from->agency : l->template_agency},
        {"报告年度", "year", year},
        {"成文日期（YYYY-MM-DD）", "date", date},
        {"印章图片（PNG 文件名，可空）", "seal", seal ? seal + 1 : from && from->seal ? from->seal : ""},
        {"版式", "layout", l->id},
    };
    int row = 1;
    for (size_t i = 0; i < sizeof meta / sizeof *meta; i++, row++) {
        worksheet_write_string(u, row, 0, meta[i][0], label);
        worksheet_write_string(u, row, S_VALUE_COL, meta[i][2] ? meta[i][2] : "", text);
        worksheet_write_string(u, row, S_KEY_COL, meta[i][1], NULL);
    }
    for (size_t b = 0; b < l->nblocks; b++, row += l->blocks[b - 1].kind == NB_BLK_PROSE) {
        if (l->blocks[b].kind != NB_BLK_PROSE) continue;
        const char *field = l->blocks[b].text, *value = NULL;
        for (size_t p = 0; from && p < from->nprose && !value; p++)
            if (!strcmp(from->prose[p].key, field)) value = from->prose[p].text;
        NbBuf v = {0}; /* paragraphs: one line each in the cell */
        const char *guide = nb_layout_guidance(l, field);
        const char *src = value ? value : from || !guide ? "" : guide;
        for (const char *q = src; *q; q++) {
            if (*q == '\n' && (q[1] == '\n' || !value)) {
                if (v.len && v.s[v.len - 1] != '\n') nb_buf_add(&v, "\n", 1);
                continue;
            }
            nb_buf_add(&v, q, 1);
        }
        while (v.len && v.s[v.len - 1] == '\n') v.s[--v.len] = 0;
        worksheet_write_string(u, row, 0, S_prose_label(l, b), label);
        worksheet_write_string(u, row, S_VALUE_COL, v.s ? v.s : "", text);
        worksheet_write_string(u, row, S_KEY_COL, field, NULL);
        worksheet_set_row(u, row, 120, NULL);
        nb_buf_free(&v);
    }
    worksheet_set_paper(u, 9);
    worksheet_fit_to_pages(u, 1, 0);
    worksheet_protect(u, NULL, NULL);

    /* the tables as printed: labels merged like the grid, figures in unlocked cells */
    for (size_t t = 0; t < l->ntables; t++) {
        const NbTableSpec *ts = &l->tables[t];
        char *name = S_sheet_name(l, t);
        lxw_worksheet *ws = workbook_add_worksheet(wb, name);
        free(name);
        if (!ws) continue;
        /* the printed table's columns, in proportion (fixed widths in pt, the rest shared by
         * their fr), some 120 characters across; rows two lines high, as labels wrap */
        double fixed = 0, fr = 0;
        for (size_t k = 0; k < ts->ncols; k++)
            if (ts->col_width[k] > 0) fixed += ts->col_width[k];
            else fr += -ts->col_width[k];
        double area = fixed > 442 ? fixed : 442, per_fr = fr > 0 ? (area - fixed) / fr : 0;
        for (size_t k = 0; k < ts->ncols; k++) {
            double pt = ts->col_width[k] > 0 ? ts->col_width[k] : -ts->col_width[k] * per_fr;
            worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, pt / area * 120, NULL);
        }
        for (size_t r = 0; r < ts->nrows; r++) worksheet_set_row(ws, (lxw_row_t)r, 30, NULL);
        worksheet_set_paper(ws, 9); /* A4, the table one page wide when printed */
        worksheet_fit_to_pages(ws, 1, 0);
        for (size_t i = 0; i < ts->ncells; i++) {
            const NbCellSpec *c = &ts->cells[i];
            int r0 = c->row, c0 = c->col, r1 = c->row + c->rowspan - 1, c1 = c->col + c->colspan - 1;
            if (c->field < 0) {
                if (r1 > r0 || c1 > c0)
                    worksheet_merge_range(ws, (lxw_row_t)r0, (lxw_col_t)c0, (lxw_row_t)r1, (lxw_col_t)c1,
                                          c->text ? c->text : "", label);
                else
                    worksheet_write_string(ws, (lxw_row_t)r0, (lxw_col_t)c0, c->text ? c->text : "", label);
                continue;
            }
            const NbField *f = &l->fields[c->field];
            if (r1 > r0 || c1 > c0)
                worksheet_merge_range(ws, (lxw_row_t)r0, (lxw_col_t)c0, (lxw_row_t)r1, (lxw_col_t)c1, "",
                                      f->computed || c->index == f->count ? sum : f->decimal ? decimal : number);
            if (!f->computed && c->index < f->count) {
                double v = from ? from->rows[c->field].vals[c->index].v : 0;
                worksheet_write_number(ws, (lxw_row_t)r0, (lxw_col_t)c0, v, f->decimal ? decimal : number);
                continue;
            }
            /* a total or a computed row: the sum of its cells, as a formula */
            NbBuf fm = {0};
            nb_buf_puts(&fm, "=SUM(");
            int terms = 0;
            for (size_t j = 0; j < ts->ncells; j++) {
                const NbCellSpec *d = &ts->cells[j];
                if (d->field < 0) continue;
                int in = 0;
                if (!f->computed) in = d->field == c->field && d->index < f->count;
                else
                    for (size_t s = 0; s < f->nsum && !in; s++)
                        in = d->field == f->sum[s] && d->index == c->index;
                if (!in) continue;
                char ref[16];
                S_ref(ref, d->row, d->col);
                nb_buf_printf(&fm, "%s%s", terms++ ? "," : "", ref);
            }
            nb_buf_puts(&fm, ")");
            worksheet_write_formula(ws, (lxw_row_t)r0, (lxw_col_t)c0, terms ? fm.s : "=0", sum);
            nb_buf_free(&fm);
        }
        worksheet_protect(ws, NULL, NULL);
    }
    lxw_error e = workbook_close(wb);
    return e == LXW_NO_ERROR ? 1 : nb_fail(err, "%s", lxw_strerror(e));
}

/* ------------------------------------------------------------------ reading */

typedef struct {
    int row, col;
    char *text;
} S_Cell;

typedef struct {
    char *name, *target;
    S_Cell *cells;
    size_t n, cap;
    NbBuf merges; /* its merged ranges as written, "A1:D1 B2:B4 " */
} S_Sheet;

struct NbXlsx {
    char *path;
    S_Sheet *sheets;
    size_t nsheets;
    char **strings; /* shared strings */
    size_t nstrings, cap;
    char *layout;
};

/* One entry of the archive, NUL-ended; NULL when absent or too large. */
static char *S_entry(zip_t *z, const char *name, size_t *len)
{
    zip_stat_t st;
    if (zip_stat(z, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || st.size > S_MAX_ENTRY) return NULL;
    zip_file_t *f = zip_fopen(z, name, 0);
    if (!f) return NULL;
    char *buf = nb_xmalloc((size_t)st.size + 1);
    zip_int64_t got = zip_fread(f, buf, st.size);
    zip_fclose(f);
    if (got < 0 || (zip_uint64_t)got != st.size) {
        free(buf);
        return NULL;
    }
    buf[got] = 0;
    *len = (size_t)got;
    return buf;
}

static const char *S_attr(const XML_Char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2) {
        const char *a = atts[i], *colon = strchr(a, ':');
        if (!strcmp(a, name) || (colon && !strcmp(colon + 1, name))) return atts[i + 1];
    }
    return NULL;
}

/* The local name of an element (without its namespace prefix). */
static const char *S_local(const char *name)
{
    const char *colon = strrchr(name, ':');
    return colon ? colon + 1 : name;
}

typedef struct {
    NbXlsx *x;
    S_Sheet *sheet;   /* the sheet being read */
    NbBuf text;       /* character data collected */
    int in_text;      /* inside <v> or <t> */
    int row, col;     /* the cell being read */
    char type[8];
    int in_si;        /* inside a shared string */
    int too_many;
} S_Xml;

/* "C5" → row 4, column 2. */
static int S_parse_ref(const char *r, int *row, int *col)
{
    int c = 0, n = 0;
    while (*r >= 'A' && *r <= 'Z' && n < 4) c = c * 26 + (*r++ - 'A' + 1), n++;
    if (!n || *r < '1' || *r > '9') return 0;
    long rr = strtol(r, NULL, 10);
    if (rr < 1 || rr > 1048576 || c > 16384) return 0;
    *row = (int)rr - 1, *col = c - 1;
    return 1;
}

static void XMLCALL S_start(void *user, const XML_Char *name, const XML_Char **atts)
{
    S_Xml *s = user;
    const char *el = S_local(name);
    if (!strcmp(el, "sheet") && !s->sheet) { /* workbook.xml */
        const char *n = S_attr(atts, "name"), *id = S_attr(atts, "id");
        if (n && id && s->x->nsheets < 256) {
            s->x->sheets = nb_xrealloc(s->x->sheets, (s->x->nsheets + 1) * sizeof *s->x->sheets);
            s->x->sheets[s->x->nsheets++] = (S_Sheet){nb_xstrdup(n), nb_xstrdup(id), NULL, 0, 0, {0}};
        }
    } else if (!strcmp(el, "Relationship")) { /* workbook.xml.rels: rId → target */
        const char *id = S_attr(atts, "Id"), *target = S_attr(atts, "Target");
        for (size_t i = 0; id && target && i < s->x->nsheets; i++)
            if (!strcmp(s->x->sheets[i].target, id)) {
                free(s->x->sheets[i].target);
                s->x->sheets[i].target = target[0] == '/' ? nb_xstrdup(target + 1)
                                                          : nb_xasprintf("xl/%s", target);
            }
    } else if (!strcmp(el, "mergeCell") && s->sheet) {
        const char *ref = S_attr(atts, "ref");
        if (ref && s->sheet->merges.len < 65536) nb_buf_printf(&s->sheet->merges, "%s ", ref);
    } else if (!strcmp(el, "si")) {
        s->in_si = 1, s->text.len = 0;
    } else if (!strcmp(el, "c")) {
        const char *r = S_attr(atts, "r"), *t = S_attr(atts, "t");
        if (!r || !S_parse_ref(r, &s->row, &s->col)) s->row = -1;
        snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
        s->text.len = 0;
    } else if (!strcmp(el, "v") || (!strcmp(el, "t"))) {
        s->in_text = 1;
        if (!s->in_si) s->text.len = 0;
    }
}

static void XMLCALL S_end(void *user, const XML_Char *name)
{
    S_Xml *s = user;
    const char *el = S_local(name);
    if (!strcmp(el, "v") || !strcmp(el, "t")) {
        s->in_text = 0;
    } else if (!strcmp(el, "si")) {
        s->in_si = 0;
        nb_grow(&s->x->strings, &s->x->cap, s->x->nstrings + 1, sizeof *s->x->strings);
        s->x->strings[s->x->nstrings++] = nb_xstrndup(s->text.s ? s->text.s : "", s->text.len);
    } else if (!strcmp(el, "c") && s->sheet && s->row >= 0) {
        const char *v = s->text.s ? s->text.s : "";
        char *cell = NULL;
        if (!strcmp(s->type, "s")) {
            long k = strtol(v, NULL, 10);
            cell = nb_xstrdup(k >= 0 && (size_t)k < s->x->nstrings ? s->x->strings[k] : "");
        } else {
            cell = nb_xstrndup(v, s->text.len);
        }
        if (s->sheet->n >= S_MAX_CELLS) s->too_many = 1, free(cell);
        else {
            nb_grow(&s->sheet->cells, &s->sheet->cap, s->sheet->n + 1, sizeof *s->sheet->cells);
            s->sheet->cells[s->sheet->n++] = (S_Cell){s->row, s->col, cell};
        }
        s->text.len = 0;
    }
}

static void XMLCALL S_chars(void *user, const XML_Char *data, int len)
{
    S_Xml *s = user;
    if (s->in_text && len > 0 && s->text.len + (size_t)len < S_MAX_ENTRY) nb_buf_add(&s->text, data, (size_t)len);
}

/* Parse one XML entry into x (sheet: the sheet its cells go to, or NULL). */
static int S_xml(NbXlsx *x, S_Sheet *sheet, const char *data, size_t len)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p) return 0;
    S_Xml s = {x, sheet, {0}, 0, -1, -1, "", 0, 0};
    XML_SetUserData(p, &s);
    XML_SetElementHandler(p, S_start, S_end);
    XML_SetCharacterDataHandler(p, S_chars);
    int ok = XML_Parse(p, data, (int)len, 1) == XML_STATUS_OK && !s.too_many;
    XML_ParserFree(p);
    nb_buf_free(&s.text);
    return ok;
}

NbXlsx *nb_xlsx_open(const char *path, NbDiag *diag)
{
    NbMark at = {path, 0, 0};
    int code = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &code);
    if (!z) {
        nb_diag_add(diag, NB_ERROR, at, "not an Excel workbook, or a damaged one (it cannot be "
                                        "opened as .xlsx); save it again from Excel or WPS");
        return NULL;
    }
    NbXlsx *x = nb_xcalloc(1, sizeof *x);
    x->path = nb_xstrdup(path);
    size_t len = 0;
    char *wbk = S_entry(z, "xl/workbook.xml", &len);
    int ok = wbk && S_xml(x, NULL, wbk, len);
    free(wbk);
    char *rels = ok ? S_entry(z, "xl/_rels/workbook.xml.rels", &len) : NULL;
    ok = ok && rels && S_xml(x, NULL, rels, len);
    free(rels);
    char *ss = ok ? S_entry(z, "xl/sharedStrings.xml", &len) : NULL;
    if (ss) ok = S_xml(x, NULL, ss, len);
    free(ss);
    for (size_t i = 0; ok && i < x->nsheets; i++) {
        char *sh = S_entry(z, x->sheets[i].target, &len);
        ok = sh && S_xml(x, &x->sheets[i], sh, len);
        free(sh);
    }
    zip_close(z);
    if (!ok) {
        nb_diag_add(diag, NB_ERROR, at, "this workbook cannot be read (a part of it is missing or "
                                        "damaged); save it again from Excel or WPS");
        nb_xlsx_free(x);
        return NULL;
    }
    return x;
}

void nb_xlsx_free(NbXlsx *x)
{
    if (!x) return;
    for (size_t i = 0; i < x->nsheets; i++) {
        for (size_t k = 0; k < x->sheets[i].n; k++) free(x->sheets[i].cells[k].text);
        free(x->sheets[i].cells), free(x->sheets[i].name), free(x->sheets[i].target);
        nb_buf_free(&x->sheets[i].merges);
    }
    for (size_t i = 0; i < x->nstrings; i++) free(x->strings[i]);
    free(x->strings), free(x->sheets), free(x->path), free(x->layout);
    free(x);
}

static const S_Sheet *S_sheet(const NbXlsx *x, const char *name)
{
    for (size_t i = 0; i < x->nsheets; i++)
        if (!strcmp(x->sheets[i].name, name)) return &x->sheets[i];
    return NULL;
}

static const char *S_cell(const S_Sheet *s, int row, int col)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (s->cells[i].row == row && s->cells[i].col == col) return s->cells[i].text;
    return NULL;
}

/* The unit sheet's value for key, and its row. */
static const char *S_unit(const NbXlsx *x, const char *key, int *row)
{
    const S_Sheet *u = S_sheet(x, S_UNIT_SHEET);
    for (size_t i = 0; u && i < u->n; i++)
        if (u->cells[i].col == S_KEY_COL && !strcmp(u->cells[i].text, key)) {
            *row = u->cells[i].row;
            const char *v = S_cell(u, u->cells[i].row, S_VALUE_COL);
            return v ? v : "";
        }
    return NULL;
}

const char *nb_xlsx_layout_id(const NbXlsx *x)
{
    int row;
    const char *id = S_unit(x, "layout", &row);
    return id && *id ? id : NULL;
}

/* A line of the YAML, and the cell it comes from. */
typedef struct {
    NbBuf b;
    char **where;
    size_t nlines, cap;
    const char *path;
} S_Out;

static int S_str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Are the sheet's merged ranges those the table's grid makes (in any order)? */
static int S_merges_match(const NbTableSpec *t, const S_Sheet *sh)
{
    char **want = nb_xcalloc(t->ncells + 1, sizeof *want), **have = NULL;
    size_t nw = 0, nh = 0, cap = 0;
    for (size_t i = 0; i < t->ncells; i++) {
        const NbCellSpec *c = &t->cells[i];
        if (c->rowspan == 1 && c->colspan == 1) continue;
        char a[16], b[16];
        S_ref(a, c->row, c->col);
        S_ref(b, c->row + c->rowspan - 1, c->col + c->colspan - 1);
        want[nw++] = nb_xasprintf("%s:%s", a, b);
    }
    char *list = nb_xstrdup(sh->merges.s ? sh->merges.s : "");
    for (char *p = strtok(list, " "); p; p = strtok(NULL, " ")) {
        nb_grow(&have, &cap, nh + 1, sizeof *have);
        have[nh++] = p;
    }
    int same = nw == nh;
    if (same) {
        qsort(want, nw, sizeof *want, S_str_cmp);
        qsort(have, nh, sizeof *have, S_str_cmp);
        for (size_t i = 0; i < nw && same; i++) same = !strcmp(want[i], have[i]);
    }
    for (size_t i = 0; i < nw; i++) free(want[i]);
    free(want), free(have), free(list);
    return same;
}

/* One line of text (freed here), from the cell at (row, col) of sheet, or from no cell. */
static void S_line(S_Out *o, const char *sheet, int row, int col, char *text)
{
    nb_buf_puts(&o->b, text);
    nb_buf_puts(&o->b, "\n");
    free(text);
    nb_grow(&o->where, &o->cap, o->nlines + 2, sizeof *o->where);
    char ref[16] = "";
    if (sheet) S_ref(ref, row, col);
    o->where[++o->nlines] = sheet ? nb_xasprintf("%s:%s!%s", o->path, sheet, ref) : NULL;
}

static int S_is_number(const char *s)
{
    const char *p = s + (*s == '-');
    size_t d = strspn(p, "0123456789");
    if (!d) return 0;
    p += d;
    if (*p == '.') p += 1 + strspn(p + 1, "0123456789");
    return *p == 0;
}

/* Excel writes 12.35 as 12.35 but may write 0.1 + 0.2 as 0.30000000000000004: a figure of at
 * most 15 significant digits is what was typed. */
static char *S_typed(const char *v)
{
    char *end;
    double d = strtod(v, &end);
    int exp = strpbrk(v, "eE") != NULL && *v && !*end; /* 1E-3, as Excel writes 0.001 */
    if (!exp && (!S_is_number(v) || strlen(v) <= 16)) return nb_xstrdup(v);
    char buf[400];
    if (exp && (d > 1e15 || d < -1e15)) return nb_xstrdup(v); /* no figure is that large */
    snprintf(buf, sizeof buf, exp ? "%.15f" : "%.15g", d);
    if (exp && strchr(buf, '.')) { /* plain, without the zeros %f pads with */
        char *e = buf + strlen(buf) - 1;
        while (*e == '0') *e-- = 0;
        if (*e == '.') *e = 0;
    }
    return nb_xstrdup(buf);
}

char *nb_xlsx_yaml(const NbXlsx *x, const NbLayout *l, size_t *len, char ***where, size_t *nwhere,
                   NbDiag *diag)
{
    /* every sheet the layout draws is there: a deleted one would count as zeros */
    if (!S_sheet(x, S_UNIT_SHEET))
        nb_diag_add(diag, NB_ERROR, (NbMark){x->path, 0, 0}, "the workbook has no sheet '%s' (the "
                    "unit and its text); make the workbook again with nianbao template --xlsx",
                    S_UNIT_SHEET);
    for (size_t t = 0; t < l->ntables; t++) {
        char *name = S_sheet_name(l, t);
        const S_Sheet *sh = S_sheet(x, name);
        if (!sh)
            nb_diag_add(diag, NB_ERROR, (NbMark){x->path, 0, 0}, "the workbook has no sheet '%s' "
                        "(table %s); make the workbook again with nianbao template --xlsx", name,
                        l->tables[t].section ? l->tables[t].section : l->tables[t].key);
        else if (!S_merges_match(&l->tables[t], sh)) /* cells moved: a figure may be read wrong */
            nb_diag_add(diag, NB_ERROR, (NbMark){x->path, 0, 0}, "the merged cells of sheet '%s' "
                        "are not those of the official table (cells were merged, split or moved); "
                        "type the figures into a workbook made again with nianbao template --xlsx",
                        name);
        free(name);
    }
    S_Out o = {{0}, NULL, 0, 0, x->path};
    nb_grow(&o.where, &o.cap, 1, sizeof *o.where);
    o.where[0] = NULL;
    S_line(&o, NULL, 0, 0, nb_xasprintf("# from the workbook %s", x->path));
    static const char *const meta[] = {"layout", "agency", "year", "date", "seal"};
    for (size_t i = 0; i < sizeof meta / sizeof *meta; i++) {
        int row = 0;
        const char *v = S_unit(x, meta[i], &row);
        if (!v || (!*v && strcmp(meta[i], "agency") != 0)) continue;
        NbBuf q = {0};
        if (!strcmp(meta[i], "year") && S_is_number(v)) nb_buf_puts(&q, v);
        else nb_buf_yaml_quoted(&q, v);
        S_line(&o, S_UNIT_SHEET, row, S_VALUE_COL, nb_xasprintf("%s: %s", meta[i], q.s));
        nb_buf_free(&q);
    }
    for (size_t b = 0; b < l->nblocks; b++) {
        if (l->blocks[b].kind != NB_BLK_PROSE) continue;
        int row = 0;
        const char *v = S_unit(x, l->blocks[b].text, &row);
        if (!v) continue;
        S_line(&o, S_UNIT_SHEET, row, S_VALUE_COL, nb_xasprintf("%s: |", l->blocks[b].text));
        for (const char *p = v; *p;) { /* a line of the cell is a paragraph */
            size_t n = strcspn(p, "\n");
            if (n) S_line(&o, S_UNIT_SHEET, row, S_VALUE_COL, nb_xasprintf("  %.*s", (int)n, p));
            p += n;
            if (*p == '\n' && *++p) S_line(&o, S_UNIT_SHEET, row, S_VALUE_COL, nb_xstrdup(""));
        }
    }
    const char *prev = "";
    for (size_t t = 0; t < l->ntables; t++) {
        const NbTableSpec *ts = &l->tables[t];
        char *name = S_sheet_name(l, t);
        const S_Sheet *sh = S_sheet(x, name);
        for (size_t i = 0; i < ts->ncells; i++) {
            const NbCellSpec *c = &ts->cells[i];
            if (c->field < 0 || c->index != 0 || l->fields[c->field].computed) continue;
            const NbField *f = &l->fields[c->field];
            NbBuf key = {0};
            nb_layout_row_key(&key, prev, f->path);
            /* the mapping keys that open before it, then the row's own key: one line each */
            /* the row's own line stands for its first cell (a total computed is told there) */
            const NbCellSpec *first = c;
            for (char *p = key.s; p && *p;) {
                char *nl = strchr(p, '\n');
                if (!nl) {
                    S_line(&o, sh ? name : NULL, first->row, first->col, nb_xasprintf("%s[", p));
                    break;
                }
                *nl = 0;
                S_line(&o, NULL, 0, 0, nb_xstrdup(p));
                p = nl + 1;
            }
            nb_buf_free(&key);
            for (int k = 0; k < f->count; k++) { /* each figure on its own line, from its cell */
                const NbCellSpec *d = NULL;
                for (size_t j = 0; j < ts->ncells && !d; j++)
                    if (ts->cells[j].field == c->field && ts->cells[j].index == k) d = &ts->cells[j];
                if (!d) continue;
                const char *v = sh ? S_cell(sh, d->row, d->col) : NULL;
                NbBuf q = {0};
                char *typed = v && *v ? S_typed(v) : nb_xstrdup("0"); /* an empty cell: 0 */
                if (S_is_number(typed)) nb_buf_puts(&q, typed);
                else nb_buf_yaml_quoted(&q, typed);
                free(typed);
                S_line(&o, sh ? name : NULL, d->row, d->col,
                       nb_xasprintf("      %s%s", q.s, k + 1 < f->count ? "," : "]"));
                nb_buf_free(&q);
            }
            prev = f->path;
        }
        free(name);
    }
    *len = o.b.len;
    *where = o.where;
    *nwhere = o.nlines + 1;
    return o.b.s;
}
