/* Unit tests: the layout loader (layout.c): the real layouts load cleanly with the values
 * their files give; every key is checked strictly and every error names its place (each bad
 * layout is the real 2021 file with one change); the helpers, and the scaling for A3.
 *
 * The last five tests were written first for defects the loader had (each comment says
 * which); they failed until layout.c was mended. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "layout.h"
#include "util.h"
#include "yamltree.h"

#define LAYOUT_2021 "layouts/gov-info-disclosure-2021.yaml"
#define LAYOUT_2019 "layouts/gov-info-disclosure-2019.yaml"
#define MM (72.0 / 25.4)
#define EPS 1e-6

static char *S_text; /* the real 2021 layout's text, read once */
static size_t S_len;
static NbLayout *S_l; /* …and loaded from its file */

static int S_setup(void **state)
{
    (void)state;
    const char *err = NULL;
    S_text = nb_read_file(LAYOUT_2021, &S_len, 1 << 20, &err);
    if (!S_text) {
        fprintf(stderr, "%s: %s\n", LAYOUT_2021, err);
        return -1;
    }
    NbDiag d = {0};
    S_l = nb_layout_load(LAYOUT_2021, &d);
    if (d.n) nb_diag_print(&d, stderr);
    int ok = S_l && d.n == 0;
    nb_diag_free(&d);
    return ok ? 0 : -1;
}

static int S_teardown(void **state)
{
    (void)state;
    nb_layout_free(S_l);
    free(S_text);
    S_l = NULL, S_text = NULL;
    return 0;
}

/* ------------------------------------------------------------------ helpers */

/* text with the first occurrence of `from` replaced by `to` (text is freed); the test fails
 * when `from` is not there. */
static char *S_replace(char *text, const char *from, const char *to)
{
    char *p = strstr(text, from);
    if (!p) fprintf(stderr, "the layout has no '%s' to change\n", from);
    assert_non_null(p);
    size_t at = (size_t)(p - text), fl = strlen(from), tl = strlen(to), len = strlen(text);
    char *out = nb_xmalloc(len - fl + tl + 1);
    memcpy(out, text, at);
    memcpy(out + at, to, tl);
    memcpy(out + at + tl, p + fl, len - at - fl + 1);
    free(text);
    return out;
}

/* The real 2021 layout with the first `from` replaced by `to`. */
static char *S_mutate(const char *from, const char *to)
{
    return S_replace(nb_xstrdup(S_text), from, to);
}

/* text without the top-level entry that starts at "\nKEY:" (key = "\nKEY:"): its line and
 * every indented or blank line after it. */
static char *S_cut(char *text, const char *key)
{
    char *p = strstr(text, key);
    if (!p) fprintf(stderr, "the layout has no '%s' to remove\n", key);
    assert_non_null(p);
    p++; /* the newline before the key stays */
    char *e = p;
    do {
        char *nl = strchr(e, '\n');
        e = nl ? nl + 1 : e + strlen(e);
    } while (*e == ' ' || *e == '\n');
    memmove(p, e, strlen(e) + 1);
    return text;
}

/* The line and column (1-based, in characters) that `at` marks in text: `at` is a piece of
 * the text with one '^' before the character meant; its first occurrence counts. */
static void S_place(const char *text, const char *at, int *line, int *col)
{
    const char *caret = strchr(at, '^');
    assert_non_null(caret);
    size_t k = (size_t)(caret - at);
    char *needle = nb_xasprintf("%.*s%s", (int)k, at, caret + 1);
    const char *p = strstr(text, needle);
    if (!p) fprintf(stderr, "no '%s' in the changed layout\n", needle);
    free(needle);
    assert_non_null(p);
    const char *target = p + k;
    *line = 1, *col = 1;
    for (const char *q = text; q < target; q++) {
        if (*q == '\n')
            ++*line, *col = 1;
        else if (((unsigned char)*q & 0xC0) != 0x80)
            ++*col;
    }
}

/* The first diagnostic whose message contains piece. */
static const NbDiagItem *S_find(const NbDiag *d, const char *piece)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->items[i].msg, piece)) return &d->items[i];
    return NULL;
}

/* A bad layout: the real one changed by from → to (to NULL: the entry `from` removed).
 * Loading it must fail with an error containing piece at the place `at` marks, and with
 * piece2 at at2 when given; nerr: the number of errors expected (-1: not checked). E(…) is
 * one error, E2(…) two, EN and E2N give the number. */
typedef struct {
    const char *from, *to;
    const char *piece, *at;
    const char *piece2, *at2;
    int nerr;
} S_Case;
/* clang-format off */
#define E(from, to, piece, at) {from, to, piece, at, NULL, NULL, 1}
#define EN(from, to, piece, at, n) {from, to, piece, at, NULL, NULL, n}
#define E2(from, to, piece, at, piece2, at2) {from, to, piece, at, piece2, at2, 2}
#define E2N(from, to, piece, at, piece2, at2, n) {from, to, piece, at, piece2, at2, n}
/* clang-format on */

/* Parse text; it must fail with `piece` at `at` (NULL: no place checked), piece2 at at2, and
 * nerr errors in all (-1: any number); 0 with the diagnostics printed otherwise. */
static int S_check(const char *what, const char *text, const char *piece, const char *at,
                   const char *piece2, const char *at2, int nerr)
{
    NbDiag d = {0};
    NbLayout *l = nb_layout_parse("t.yaml", text, strlen(text), &d);
    int line = 0, col = 0, line2 = 0, col2 = 0;
    if (at) S_place(text, at, &line, &col);
    if (piece2 && at2) S_place(text, at2, &line2, &col2);
    const NbDiagItem *it = S_find(&d, piece), *it2 = piece2 ? S_find(&d, piece2) : NULL;
    size_t want = nerr > 0 ? (size_t)nerr : 0;
    int ok = !l && it && it->severity == NB_ERROR && strcmp(it->file, "t.yaml") == 0 &&
             (!at || (it->line == line && it->col == col)) &&
             (!piece2 || (it2 && (!at2 || (it2->line == line2 && it2->col == col2)))) &&
             (nerr < 0 || d.errors == want) && d.warnings == 0;
    if (!ok) {
        fprintf(stderr, "%s: expected no layout and %zu error(s): '%s' at %d:%d", what, want, piece,
                line, col);
        if (piece2) fprintf(stderr, ", '%s' at %d:%d", piece2, line2, col2);
        fprintf(stderr, "; got %s and:\n", l ? "a layout" : "none");
        nb_diag_print(&d, stderr);
    }
    nb_layout_free(l);
    nb_diag_free(&d);
    return ok;
}

static void S_expect(const char *what, const char *text, const char *piece, const char *at,
                     const char *piece2, const char *at2, int nerr)
{
    assert_true(S_check(what, text, piece, at, piece2, at2, nerr));
}

/* Every case is tried (and each failure printed) before the test fails. */
static void S_run(const S_Case *cases, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        const S_Case *c = &cases[i];
        char *t = c->to ? S_mutate(c->from, c->to) : S_cut(nb_xstrdup(S_text), c->from);
        char *what = nb_xasprintf("'%s' → '%s'", c->from, c->to ? c->to : "(removed)");
        if (!S_check(what, t, c->piece, c->at, c->piece2, c->at2, c->nerr)) bad++;
        free(what);
        free(t);
    }
    if (bad) fprintf(stderr, "%zu of %zu cases failed\n", bad, n);
    assert_int_equal(bad, 0);
}
#define S_RUN(cases) S_run(cases, sizeof cases / sizeof cases[0])

static const NbStyle *S_style(const NbLayout *l, const char *name)
{
    int id = nb_layout_style(l, name);
    if (id < 0) fprintf(stderr, "no style '%s'\n", name);
    assert_true(id >= 0);
    return &l->styles[id];
}

static int S_field(const NbLayout *l, const char *path)
{
    int f = nb_layout_field(l, path);
    if (f < 0) fprintf(stderr, "no data row '%s'\n", path);
    assert_true(f >= 0);
    return f;
}

static const NbTableSpec *S_table(const NbLayout *l, const char *key)
{
    for (size_t i = 0; i < l->ntables; i++)
        if (strcmp(l->tables[i].key, key) == 0) return &l->tables[i];
    fprintf(stderr, "no table '%s'\n", key);
    fail();
    return NULL;
}

static const NbRule *S_rule(const NbLayout *l, const char *id)
{
    for (size_t i = 0; i < l->nrules; i++)
        if (strcmp(l->rules[i].id, id) == 0) return &l->rules[i];
    fprintf(stderr, "no rule '%s'\n", id);
    fail();
    return NULL;
}

/* The label cell [row, col, rowspan, colspan, text] must be in the table. */
static void S_has_label(const NbTableSpec *t, int row, int col, int rs, int cs, const char *text)
{
    for (size_t k = 0; k < t->ncells; k++) {
        const NbCellSpec *c = &t->cells[k];
        if (c->row == row && c->col == col) {
            assert_non_null(c->text);
            assert_string_equal(c->text, text);
            assert_int_equal(c->rowspan, rs);
            assert_int_equal(c->colspan, cs);
            assert_int_equal(c->field, -1);
            assert_int_equal(c->index, -1);
            return;
        }
    }
    fprintf(stderr, "table %s: no cell at %d,%d\n", t->key, row, col);
    fail();
}

/* The helpers themselves: a wrong place here would make every place test meaningless. */
static void test_helpers_of_this_file(void **state)
{
    (void)state;
    int line, col;
    S_place("ab\n中文x", "中文^x", &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 3);
    S_place("ab\n中文x", "^ab", &line, &col);
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    char *t = S_replace(nb_xstrdup("a: 1\nb: 2\nb: 3\n"), "b: ", "c: ");
    assert_string_equal(t, "a: 1\nc: 2\nb: 3\n");
    free(t);
    t = S_cut(nb_xstrdup("a: 1\nb:\n  x: 1\n\n  y: 2\n# c\nc: 3\n"), "\nb:");
    assert_string_equal(t, "a: 1\n# c\nc: 3\n");
    free(t);
    t = S_mutate("header_rows:", "heder_rows:");
    assert_int_equal(strlen(t), S_len - 1);
    assert_non_null(strstr(t, "\n    heder_rows: 3\n"));
    free(t);
}

/* ------------------------------------------------------------------ the real layouts */

static void test_2021_page(void **state)
{
    (void)state;
    const NbLayout *l = S_l;
    assert_string_equal(l->file, LAYOUT_2021);
    assert_string_equal(l->id, "gov-info-disclosure-2021");
    assert_string_equal(l->name, "政府信息公开工作年度报告（2021年格式）");
    assert_float_equal(l->page_w, 210 * MM, EPS);
    assert_float_equal(l->page_h, 297 * MM, EPS);
    assert_float_equal(l->margin_top, 37 * MM, EPS);
    assert_float_equal(l->margin_bottom, 35 * MM, EPS);
    assert_float_equal(l->margin_left, 28 * MM, EPS);
    assert_float_equal(l->margin_right, 26 * MM, EPS);
    assert_int_equal(l->lines, 22);
    assert_float_equal(l->pitch, 225 * MM / 22, EPS); /* type area 297 − 37 − 35 mm */
    assert_int_equal(l->chars, 28);
    assert_float_equal(l->char_pitch, 156 * MM / 28, EPS); /* 210 − 28 − 26 mm */
    assert_string_equal(l->page_number_text, "— {page} —");
    assert_float_equal(l->page_number_below, 7 * MM, EPS);
    assert_int_equal(l->page_number_style, nb_layout_style(l, "page_number"));
    assert_float_equal(l->page_number_inset, 14, EPS); /* 1em of 四号 */
}

static void test_2021_fonts_and_styles(void **state)
{
    (void)state;
    const NbLayout *l = S_l;
    static const char *const roles[] = {"title", "heading1", "heading2", "body",
                                        "table", "number",   "fallback"};
    static const size_t nfam[] = {7, 6, 7, 7, 6, 6, 8};
    assert_int_equal(l->nroles, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(l->roles[i].name, roles[i]);
        assert_int_equal(l->roles[i].n, nfam[i]);
        assert_int_equal(nb_layout_role(l, roles[i]), (int)i);
    }
    assert_string_equal(l->roles[0].families[0], "方正小标宋简体");
    assert_string_equal(l->roles[3].families[4], "FandolFang");
    assert_string_equal(l->roles[3].families[6], "AR PL UMing CN");
    assert_string_equal(l->roles[0].families[3], "Noto Serif CJK SC:bold");
    assert_string_equal(l->roles[6].families[7], "DejaVu Sans");
    assert_int_equal(l->fallback_role, 6);
    assert_int_equal(nb_layout_role(l, "nosuch"), -1);

    double cp = l->char_pitch, pitch = l->pitch;
    assert_int_equal(l->nstyles, 7);
    static const char *const names[] = {"title", "body",      "heading1",   "heading2",
                                        "table", "signature", "page_number"};
    for (size_t i = 0; i < 7; i++) assert_int_equal(nb_layout_style(l, names[i]), (int)i);
    assert_int_equal(nb_layout_style(l, "nosuch"), -1);

    const NbStyle *s = S_style(l, "title");
    assert_int_equal(s->font_role, nb_layout_role(l, "title"));
    assert_float_equal(s->size, 22, EPS); /* 二号 */
    assert_int_equal(s->align, NB_ALIGN_CENTER);
    assert_float_equal(s->indent, 0, EPS);
    assert_float_equal(s->leading, 1.5 * 22, EPS);
    assert_float_equal(s->space_before, 0, EPS);
    assert_float_equal(s->space_after, pitch, EPS);
    assert_int_equal(s->grid, 0);
    assert_float_equal(s->em, 22, EPS);

    static const struct {
        const char *name, *role;
        NbAlign align;
    } grid[] = {{"body", "body", NB_ALIGN_JUSTIFY},
                {"heading1", "heading1", NB_ALIGN_LEFT},
                {"heading2", "heading2", NB_ALIGN_JUSTIFY}};
    for (size_t i = 0; i < 3; i++) {
        s = S_style(l, grid[i].name);
        assert_int_equal(s->font_role, nb_layout_role(l, grid[i].role));
        assert_float_equal(s->size, 16, EPS); /* 三号 */
        assert_int_equal(s->align, grid[i].align);
        assert_int_equal(s->grid, 1);
        assert_float_equal(s->em, cp, EPS);         /* on the grid: a character is the pitch */
        assert_float_equal(s->indent, 2 * cp, EPS); /* 2em of the grid */
        assert_float_equal(s->leading, 0, EPS);
        assert_float_equal(s->space_before + s->space_after + s->pad_v + s->pad_h + s->rule, 0,
                           EPS);
    }

    s = S_style(l, "table");
    assert_int_equal(s->font_role, nb_layout_role(l, "table"));
    assert_float_equal(s->size, 10.5, EPS); /* 五号 */
    assert_int_equal(s->align, NB_ALIGN_LEFT);
    assert_float_equal(s->leading, 1.35 * 10.5, EPS);
    assert_float_equal(s->pad_v, 1.2 * MM, EPS);
    assert_float_equal(s->pad_h, 1 * MM, EPS);
    assert_float_equal(s->rule, 0.5, EPS);
    assert_float_equal(s->space_before, 0.5 * pitch, EPS);
    assert_float_equal(s->space_after, 0.5 * pitch, EPS);
    assert_int_equal(s->grid, 0);
    assert_float_equal(s->em, 10.5, EPS);

    s = S_style(l, "signature");
    assert_int_equal(s->font_role, nb_layout_role(l, "body"));
    assert_float_equal(s->size, 16, EPS);
    assert_int_equal(s->align, NB_ALIGN_LEFT);
    assert_int_equal(s->grid, 1);
    assert_float_equal(s->em, cp, EPS);
    assert_float_equal(s->indent, 0, EPS);

    s = S_style(l, "page_number");
    assert_int_equal(s->font_role, nb_layout_role(l, "number"));
    assert_float_equal(s->size, 14, EPS); /* 四号 */
    assert_int_equal(s->grid, 0);
    assert_float_equal(s->em, 14, EPS);
}

static void test_2021_head(void **state)
{
    (void)state;
    const NbLayout *l = S_l;
    assert_string_equal(l->title_template, "{agency}|{year}年政府信息公开工作年度报告");
    assert_int_equal(l->ntitle_breaks, 22);
    assert_string_equal(l->title_breaks[0], "处");
    assert_string_equal(l->title_breaks[1], "府");
    assert_string_equal(l->title_breaks[21], "办");
    assert_string_equal(l->date_format, "{y}年{m}月{d}日");
    assert_int_equal(l->year_min, 2008);
    assert_int_equal(l->year_max, 2999);
    assert_non_null(l->template_head);
    static const char head[] = "# {name} — fill in and run: nianbao render this-file.yaml\n";
    assert_int_equal(strncmp(l->template_head, head, sizeof head - 1), 0);
    assert_non_null(strstr(l->template_head, "\nlayout: {id}\n"));
    assert_non_null(strstr(l->template_head, "# seal: seal.png"));
    assert_int_equal(l->template_head[strlen(l->template_head) - 1], '\n'); /* a | block */
    assert_string_equal(l->template_prose,
                        "（paragraphs here; separate paragraphs with a blank line）");
    assert_string_equal(l->continued, "续表");
    assert_float_equal(l->clean_break, 0.25, EPS);
}

static void test_2021_data_fields(void **state)
{
    (void)state;
    const NbLayout *l = S_l;
    assert_int_equal(l->nfields, 6 + 24 + 3 + 1); /* 二, 三, 四 and the computed （七）总计 */
    static const struct {
        const char *path;
        int count, total, decimal;
        const char *label;
    } rows[] = {
        {"active_disclosure.regulations", 3, 0, 0, "规章"},
        {"active_disclosure.normative_documents", 3, 0, 0, "行政规范性文件"},
        {"active_disclosure.licensing", 1, 0, 0, "行政许可"},
        {"active_disclosure.fees", 1, 0, 1, "行政事业性收费"},
        {"requests.new", 6, 1, 0, "一、本年新收政府信息公开申请数量"},
        {"requests.denied.state_secret", 6, 1, 0, "（三）1.属于国家秘密"},
        {"requests.other.other", 6, 1, 0, "（六）3.其他"},
        {"requests.carried_forward", 6, 1, 0, "四、结转下年度继续办理"},
        {"appeals.review", 4, 1, 0, "行政复议"},
        {"appeals.litigation_after_review", 4, 1, 0, "行政诉讼·复议后起诉"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const NbField *f = &l->fields[S_field(l, rows[i].path)];
        assert_string_equal(f->path, rows[i].path);
        assert_int_equal(f->count, rows[i].count);
        assert_int_equal(f->total, rows[i].total);
        assert_int_equal(f->decimal, rows[i].decimal);
        assert_string_equal(f->label, rows[i].label);
        assert_int_equal(f->computed, 0);
        assert_int_equal(f->nsum, 0);
    }
    /* in the file's order, the computed row last */
    assert_int_equal(nb_layout_field(l, "active_disclosure.regulations"), 0);
    assert_int_equal(nb_layout_field(l, "requests.new"), 6);
    assert_int_equal(nb_layout_field(l, "appeals.litigation_after_review"), 32);
    assert_int_equal(nb_layout_field(l, "requests"), -1); /* a group, not a row */
    assert_int_equal(nb_layout_field(l, "requests.denied"), -1);
    assert_int_equal(nb_layout_field(l, "requests.nosuch"), -1);

    /* （七）总计 = （一）+（二）+（三）1–8 +（四）1–3 +（五）1–5 +（六）1–3: 21 rows */
    int ti = S_field(l, "requests.total");
    assert_int_equal(ti, 33);
    const NbField *t = &l->fields[ti];
    assert_int_equal(t->computed, 1);
    assert_string_equal(t->label, "（七）总计");
    assert_int_equal(t->count, 6);
    assert_int_equal(t->total, 1);
    assert_int_equal(t->decimal, 0);
    assert_int_equal(t->nsum, 1 + 1 + 8 + 3 + 5 + 3);
    assert_int_equal(t->sum[0], S_field(l, "requests.granted"));
    assert_int_equal(t->sum[1], S_field(l, "requests.partly_granted"));
    assert_int_equal(t->sum[2], S_field(l, "requests.denied.state_secret"));
    assert_int_equal(t->sum[9], S_field(l, "requests.denied.query_matters"));
    assert_int_equal(t->sum[10], S_field(l, "requests.unavailable.not_held"));
    assert_int_equal(t->sum[13], S_field(l, "requests.not_processed.complaints"));
    assert_int_equal(t->sum[20], S_field(l, "requests.other.other"));
    for (size_t j = 0; j < t->nsum; j++) {
        assert_int_not_equal(t->sum[j], S_field(l, "requests.new"));
        assert_int_not_equal(t->sum[j], S_field(l, "requests.carried_over"));
        assert_int_not_equal(t->sum[j], S_field(l, "requests.carried_forward"));
        if (j) assert_true(t->sum[j] > t->sum[j - 1]);
    }
}

static void test_2021_document_blocks(void **state)
{
    (void)state;
    const NbLayout *l = S_l;
    static const struct {
        NbBlockKind kind;
        const char *text, *style, *headings;
        int level;
        const char *table;
    } want[] = {
        {NB_BLK_TITLE, "true", "title", NULL, 0, NULL},
        {NB_BLK_PROSE, "preamble", "body", "heading2", 0, NULL},
        {NB_BLK_HEADING, "一、总体情况", "heading1", NULL, 1, NULL},
        {NB_BLK_PROSE, "overview", "body", "heading2", 0, NULL},
        {NB_BLK_HEADING, "二、主动公开政府信息情况", "heading1", NULL, 1, NULL},
        {NB_BLK_TABLE, "active", "table", NULL, 0, "active"},
        {NB_BLK_HEADING, "三、收到和处理政府信息公开申请情况", "heading1", NULL, 1, NULL},
        {NB_BLK_TABLE, "requests", "table", NULL, 0, "requests"},
        {NB_BLK_HEADING, "四、政府信息公开行政复议、行政诉讼情况", "heading1", NULL, 1, NULL},
        {NB_BLK_TABLE, "appeals", "table", NULL, 0, "appeals"},
        {NB_BLK_HEADING, "五、存在的主要问题及改进情况", "heading1", NULL, 1, NULL},
        {NB_BLK_PROSE, "problems", "body", "heading2", 0, NULL},
        {NB_BLK_HEADING, "六、其他需要报告的事项", "heading1", NULL, 1, NULL},
        {NB_BLK_PROSE, "other_matters", "body", "heading2", 0, NULL},
        {NB_BLK_SIGNATURE, "true", "signature", NULL, 0, NULL},
    };
    assert_int_equal(l->nblocks, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < l->nblocks; i++) {
        const NbBlockSpec *b = &l->blocks[i];
        assert_int_equal(b->kind, want[i].kind);
        assert_string_equal(b->text, want[i].text);
        assert_int_equal(b->style, nb_layout_style(l, want[i].style));
        assert_int_equal(b->heading_style,
                         want[i].headings ? nb_layout_style(l, want[i].headings) : -1);
        assert_int_equal(b->level, want[i].level);
        if (want[i].table) {
            assert_true(b->table >= 0 && (size_t)b->table < l->ntables);
            assert_string_equal(l->tables[b->table].key, want[i].table);
        } else {
            assert_int_equal(b->table, -1);
        }
    }
}

/* GB/T 9704 §7.3.5 in characters of the signature style, which is on the grid. */
static void test_2021_signature(void **state)
{
    (void)state;
    const NbSignatureSpec *g = &S_l->signature;
    double em = S_style(S_l, "signature")->em;
    assert_float_equal(em, S_l->char_pitch, EPS);
    assert_float_equal(g->right, 2 * em, EPS);
    assert_float_equal(g->date_indent, 2 * em, EPS);
    assert_float_equal(g->sealed_right, 4 * em, EPS);
    assert_float_equal(g->space_before, S_l->pitch, EPS);
    assert_float_equal(g->seal_width, 42 * MM, EPS);
    assert_float_equal(g->seal_lift, 0.25 * S_l->pitch, EPS);
}

static void test_2021_tables(void **state)
{
    (void)state;
    const NbLayout *l = S_l;
    assert_int_equal(l->ntables, 3);

    const NbTableSpec *t = S_table(l, "active");
    assert_ptr_equal(t, &l->tables[0]);
    assert_string_equal(t->section, "二");
    assert_int_equal(t->ncols, 4);
    assert_float_equal(t->col_width[0], 46 * MM, EPS);
    for (size_t k = 1; k < 4; k++) assert_float_equal(t->col_width[k], -1, EPS);
    assert_int_equal(t->header_rows, 0);
    assert_int_equal(t->label_align, NB_ALIGN_CENTER);
    assert_int_equal(t->header_align, NB_ALIGN_CENTER); /* not given: centred */
    assert_int_equal(t->number_align, NB_ALIGN_CENTER);
    assert_int_equal(t->ncells, 20 + 3 + 3 + 1 + 1 + 1 + 1);
    assert_int_equal(t->nrows, 14);
    S_has_label(t, 0, 0, 1, 4, "第二十条第（一）项");
    S_has_label(t, 12, 1, 1, 3, "本年收费金额（单位：万元）");

    t = S_table(l, "requests");
    assert_string_equal(t->section, "三");
    assert_int_equal(t->ncols, 10);
    static const double w[] = {8, 11.5, -1, 11.5, 11.5, 11.5, 11.5, 11.5, 11.5, 11.5};
    for (size_t k = 0; k < 10; k++)
        assert_float_equal(t->col_width[k], w[k] > 0 ? w[k] * MM : w[k], EPS);
    assert_int_equal(t->header_rows, 3);
    assert_int_equal(t->label_align, NB_ALIGN_LEFT);
    assert_int_equal(t->header_align, NB_ALIGN_CENTER);
    assert_int_equal(t->number_align, NB_ALIGN_CENTER);
    assert_int_equal(t->ncells, 40 + 25 * 7);
    assert_int_equal(t->nrows, 28);
    S_has_label(t, 5, 0, 22, 1, "三、本年度办理结果");
    S_has_label(t, 26, 1, 1, 2, "（七）总计");

    t = S_table(l, "appeals");
    assert_string_equal(t->section, "四");
    assert_int_equal(t->ncols, 15);
    for (size_t k = 0; k < 15; k++) assert_float_equal(t->col_width[k], -1, EPS);
    assert_int_equal(t->header_rows, 3);
    assert_int_equal(t->label_align, NB_ALIGN_CENTER);
    assert_int_equal(t->header_align, NB_ALIGN_CENTER);
    assert_int_equal(t->number_align, NB_ALIGN_CENTER);
    assert_int_equal(t->ncells, 19 + 3 * 5);
    assert_int_equal(t->nrows, 4);
    S_has_label(t, 0, 5, 1, 10, "行政诉讼");

    /* number cells: one per value, 总计 last; a colspan binding spaces them */
    const NbTableSpec *tab;
    int col;
    int lic = S_field(l, "active_disclosure.licensing");
    assert_true(nb_layout_value_cell(l, lic, 0, &tab, &col));
    assert_ptr_equal(tab, &l->tables[0]);
    assert_int_equal(col, 1);
    for (size_t k = 0; k < tab->ncells; k++)
        if (tab->cells[k].field == lic) {
            assert_int_equal(tab->cells[k].row, 6);
            assert_int_equal(tab->cells[k].colspan, 3);
            assert_null(tab->cells[k].text);
        }
}

static void test_2021_rules(void **state)
{
    (void)state;
    const NbLayout *l = S_l;
    static const char *const ids[] = {"R1", "R2", "R3", "R4", "R5", "R6", "R7"};
    static const NbRuleKind kinds[] = {NB_RULE_EQUAL, NB_RULE_TOTAL, NB_RULE_EQUAL, NB_RULE_TOTAL,
                                       NB_RULE_RANGE, NB_RULE_CARRY, NB_RULE_PROSE};
    assert_int_equal(l->nrules, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(l->rules[i].id, ids[i]);
        assert_int_equal(l->rules[i].kind, kinds[i]);
    }
    const NbRule *r = S_rule(l, "R1");
    assert_int_equal(r->nleft, 2);
    assert_int_equal(r->nright, 2);
    assert_string_equal(r->left[0].name, "一");
    assert_int_equal(r->left[0].n, 1);
    assert_int_equal(r->left[0].fields[0], S_field(l, "requests.new"));
    assert_string_equal(r->right[0].name, "（七）总计");
    assert_int_equal(r->right[0].fields[0], S_field(l, "requests.total"));
    assert_string_equal(r->right[1].name, "四");
    assert_int_equal(r->right[1].fields[0], S_field(l, "requests.carried_forward"));

    r = S_rule(l, "R2");
    assert_int_equal(r->nfields, 24 + 1); /* every row under requests, （七）总计 included */
    r = S_rule(l, "R3");
    assert_int_equal(r->nleft, 1);
    assert_int_equal(r->nright, 6);
    assert_string_equal(r->right[2].name, "（三）");
    assert_int_equal(r->right[2].n, 8);
    assert_int_equal(r->right[5].n, 3);
    r = S_rule(l, "R4");
    assert_int_equal(r->nfields, 3);
    assert_int_equal(r->fields[0], S_field(l, "appeals.review"));
    r = S_rule(l, "R5");
    assert_int_equal(r->nfields, 6 + 25 + 3);
    assert_float_equal(r->min, 0, EPS);
    assert_float_equal(r->max, 1e9, EPS);
    assert_int_equal(r->whole, 1);
    r = S_rule(l, "R6");
    assert_int_equal(r->this_field, S_field(l, "requests.carried_over"));
    assert_int_equal(r->prev_field, S_field(l, "requests.carried_forward"));
    r = S_rule(l, "R7");
    assert_int_equal(r->nphrases, 19);
    const NbPhrase *p = &r->phrases[0];
    assert_string_equal(p->find, "未收到…申请");
    assert_int_equal(p->has_means, 1);
    assert_float_equal(p->means, 0, EPS);
    assert_int_equal(p->ncells, 1);
    assert_int_equal(p->cells[0].field, S_field(l, "requests.new"));
    assert_int_equal(p->cells[0].from, 6);
    assert_int_equal(p->cells[0].to, 6);
    p = &r->phrases[4];
    assert_string_equal(p->find, "法人或其他组织申请{n}件");
    assert_int_equal(p->has_means, 0);
    assert_int_equal(p->cells[0].from, 1);
    assert_int_equal(p->cells[0].to, 5);
    p = &r->phrases[18];
    assert_string_equal(p->cells_text,
                        "appeals.litigation[4] + appeals.litigation_after_review[4]");
    assert_int_equal(p->ncells, 2);
    assert_int_equal(p->cells[1].field, S_field(l, "appeals.litigation_after_review"));
    assert_int_equal(p->cells[1].from, 4);
}

/* From memory, under another name: the same layout, named as given. */
static void test_2021_parse_from_memory(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbLayout *l = nb_layout_parse("t.yaml", S_text, S_len, &d);
    assert_non_null(l);
    assert_int_equal(d.n, 0);
    assert_string_equal(l->file, "t.yaml");
    assert_int_equal(l->nfields, S_l->nfields);
    assert_int_equal(l->nblocks, S_l->nblocks);
    assert_int_equal(l->nrules, S_l->nrules);
    assert_float_equal(l->signature.seal_width, S_l->signature.seal_width, EPS);
    nb_layout_free(l);
    nb_diag_free(&d);
}

static void test_2019_loads(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbLayout *l = nb_layout_load(LAYOUT_2019, &d);
    if (d.n) nb_diag_print(&d, stderr);
    assert_non_null(l);
    assert_int_equal(d.n, 0);
    assert_string_equal(l->id, "gov-info-disclosure-2019");
    assert_int_equal(l->year_min, 2019);
    assert_int_equal(l->year_max, 2020);
    assert_int_equal(S_table(l, "requests")->nrows, 26); /* （六）其他处理 is one row */
    assert_int_equal(S_table(l, "active")->nrows, 18);   /* with 第二十条第（九）项 */
    assert_int_equal(l->nfields, 10 + 22 + 3 + 1);
    const NbField *f = &l->fields[S_field(l, "requests.other")];
    assert_int_equal(f->count, 6);
    assert_int_equal(l->fields[S_field(l, "requests.total")].nsum, 1 + 1 + 8 + 3 + 5 + 1);
    assert_int_equal(l->fields[S_field(l, "active_disclosure.fees")].decimal, 0);
    assert_int_equal(l->fields[S_field(l, "active_disclosure.procurement_amount")].decimal, 1);
    assert_int_equal(l->nrules, 8);
    const NbRule *r = S_rule(l, "R5b");
    assert_int_equal(r->kind, NB_RULE_RANGE);
    assert_float_equal(r->min, -1e9, EPS);
    assert_int_equal(r->nfields, 5);
    /* the rest as in 2021 */
    assert_float_equal(l->pitch, S_l->pitch, EPS);
    assert_float_equal(l->signature.seal_width, 42 * MM, EPS);
    nb_layout_free(l);
    nb_diag_free(&d);
}

/* ------------------------------------------------------------------ unknown keys */

static void test_unknown_keys(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        /* root */
        E("\ntable_continued:", "\ntable_continue:",
          "layout: unknown key 'table_continue'; did you mean 'table_continued'?",
          "\n^table_continue:"),
        E2("\ndate_format:", "\ndate_fromat:",
           "layout: unknown key 'date_fromat'; did you mean 'date_format'?",
           "\n^date_fromat:", "layout: missing key: date_format", "^id: gov-info"),
        /* page, page.margin, page.page_number */
        E2("  lines: 22", "  line: 22", "layout: unknown key 'line' in page; did you mean 'lines'?",
           "  ^line: 22", "layout: missing key: lines", "page:\n  ^size: A4"),
        E2N("  size: A4", "  paper: A4",
            "layout: unknown key 'paper' in page; known keys: size, margin, lines, chars, "
            "page_number",
            "  ^paper: A4", "layout: missing key: size", "page:\n  ^paper", -1),
        E2N("{top: 37mm", "{tp: 37mm",
            "layout: unknown key 'tp' in page.margin; did you mean 'top'?", "{^tp: 37mm",
            "layout: missing key: top", "margin: ^{tp", -1),
        E("inset: 1em", "insett: 1em",
          "layout: unknown key 'insett' in page.page_number; did you mean 'inset'?",
          "^insett: 1em"),
        /* far from every known key: they are listed */
        E2("    text: \"— {page} —\"", "    caption: \"— {page} —\"",
           "layout: unknown key 'caption' in page.page_number; known keys: style, text, below, "
           "inset",
           "    ^caption:", "layout: missing key: text", "page_number:\n    ^style"),
        /* styles */
        E("align: center, leading", "algn: center, leading",
          "layout: unknown key 'algn' in styles.title; did you mean 'align'?", "^algn: center"),
        E("space_before:", "space_befor:",
          "layout: unknown key 'space_befor' in styles.table; did you mean 'space_before'?",
          "^space_befor: 0.5line"),
        /* template */
        E2("  head: |", "  heed: |", "layout: unknown key 'heed' in template; did you mean 'head'?",
           "  ^heed: |", "layout: missing key: head", "template:\n  ^heed"),
        /* data, computed */
        E("total:", "totl:",
          "layout: unknown key 'totl' in data.requests.new; did you mean 'total'?", "^totl: true"),
        E("    label: （七）总计", "    lable: （七）总计",
          "layout: unknown key 'lable' in computed.requests.total; did you mean 'label'?",
          "    ^lable: （七）总计"),
        /* document blocks: a prose block, a heading, the signature (-1: other errors may
         * follow) */
        E2N("headings:", "heading:",
            "layout: unknown key 'heading' in document; did you mean 'headings'?",
            "style: body, ^heading: heading2}", "layout: missing key: headings",
            "  - ^{prose: preamble", -1),
        E2N("一、总体情况, level: 1", "一、总体情况, levle: 1",
            "layout: unknown key 'levle' in document; did you mean 'level'?", "^levle: 1",
            "layout: missing key: level", "  - ^{heading: 一、总体情况", -1),
        E2N("seal_lift:", "seal_lft:",
            "layout: unknown key 'seal_lft' in document; did you mean 'seal_lift'?",
            "    ^seal_lft: 0.25line", "layout: missing key: seal_lift", "  - ^signature: true",
            -1),
        /* tables, tables.X.align */
        E("header_rows:", "heder_rows:",
          "layout: unknown key 'heder_rows' in tables.requests; did you mean 'header_rows'?",
          "    ^heder_rows: 3"),
        E("section: 二", "sectoin: 二",
          "layout: unknown key 'sectoin' in tables.active; did you mean 'section'?",
          "    ^sectoin: 二"),
        E("{label: left, header: center", "{label: left, headr: center",
          "layout: unknown key 'headr' in tables.requests.align; did you mean 'header'?",
          "left, ^headr: center"),
        /* rules, a rule's phrases */
        E("whole: true", "whle: true",
          "layout: unknown key 'whle' in rules.R5; did you mean 'whole'?", "    ^whle: true"),
        E2("previous: requests", "previus: requests",
           "layout: unknown key 'previus' in rules.R6; did you mean 'previous'?",
           "    ^previus:", "layout: missing key: previous", "  R6:\n    ^kind: carry"),
        E2("申请\", means: 0", "申请\", mean: 0",
           "layout: unknown key 'mean' in a rule's phrases; did you mean 'means'?",
           "申请\", ^mean: 0", "layout: a phrase without {n} needs means: N: 未收到…申请",
           "{find: ^\"未收到…申请\""),
    };
    S_RUN(cases);
}

/* ------------------------------------------------------------------ booleans */

static void test_booleans_are_true_or_false(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        E("grid: true", "grid: yes", "layout: grid is true or false",
          "justify, indent: 2em, grid: ^yes}"),
        E("{font: body, size: 三号, grid: true}", "{font: body, size: 三号, grid: \"true\"}",
          "layout: grid is true or false", "size: 三号, grid: ^\"true\"}"),
        E("total: true", "total: 1", "layout: total is true or false",
          "{count: 6, total: ^1, label: 一、"),
        E("decimal: true", "decimal: True", "layout: decimal is true or false", "decimal: ^True"),
        E("whole: true", "whole: on", "layout: whole is true or false", "whole: ^on"),
        E("{title: true,", "{title: yes,", "layout: title is true or false", "{title: ^yes,"),
        E("signature: true", "signature: 1", "layout: signature is true or false", "signature: ^1"),
        E("{title: true,", "{title: false,",
          "layout: leave the block out instead of setting it false", "{title: ^false,"),
    };
    S_RUN(cases);
}

/* ------------------------------------------------------------------ page, fonts, styles, head */

static void test_bad_page(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        /* one error: see test_unknown_paper_one_error */
        EN("size: A4", "size: A7", "layout: unknown paper size: A7", "size: ^A7", -1),
        E("top: 37mm", "top: 37cm", "layout: unknown unit (use mm, pt, em or line): cm",
          "top: ^37cm"),
        E("left: 28mm", "left: 190mm", "layout: the margins leave no room for text on the page",
          "page:\n  ^size"),
        E("top: 37mm", "top: 270mm", "layout: the margins leave no room for text on the page",
          "page:\n  ^size"),
        E("right: 26mm", "right: -26mm", "layout: not a length: -26mm", "right: ^-26mm"),
        E("right: 26mm", "right: nanmm", "layout: not a length: nanmm", "right: ^nanmm"),
        EN("right: 26mm", "right: 20000", "layout: not a length: 20000", "right: ^20000", -1),
        EN("below: 7mm", "below: [7mm]", "layout: 'below' must be a single value", "below: ^[7mm]",
           -1),
        E("lines: 22 ", "lines: 0 ", "layout: lines must be a whole number of body lines per page",
          "lines: ^0"),
        E("lines: 22 ", "lines: 22.5 ",
          "layout: lines must be a whole number of body lines per page", "lines: ^22.5"),
        E("chars: 28 ", "chars: 1.5 ",
          "layout: chars must be a whole number of characters per line", "chars: ^1.5"),
        E("chars: 28 ", "chars: 0 ", "layout: chars must be a whole number of characters per line",
          "chars: ^0"),
        EN("page:\n  size", "page: A4\nx:\n  size", "layout: 'page' must be a mapping", "page: ^A4",
           -1),
    };
    S_RUN(cases);
    /* a bare number is in pt */
    NbDiag d = {0};
    char *t = S_mutate("bottom: 35mm", "bottom: 35");
    NbLayout *l = nb_layout_parse("t.yaml", t, strlen(t), &d);
    assert_non_null(l);
    assert_int_equal(d.n, 0);
    assert_float_equal(l->margin_bottom, 35, EPS);
    assert_float_equal(l->pitch, (297 * MM - 37 * MM - 35) / 22, EPS);
    nb_layout_free(l);
    nb_diag_free(&d);
    free(t);
}

static void test_bad_fonts_and_styles(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        E("{font: body, size: 三号, align: justify", "{font: bodyy, size: 三号, align: justify",
          "layout: no such font role: bodyy", "{font: ^bodyy"),
        E("  body:     [仿宋_GB2312,", "  body:     仿宋_GB2312 #",
          "layout: a font role is a list of family names", "  body:     ^仿宋_GB2312 #"),
        E("[方正小标宋简体,", "[[方正小标宋简体],", "layout: a family name is expected",
          "[^[方正小标宋简体]"),
        E("size: 二号", "size: 大号", "layout: a type size is expected (三号, 五号, 16, …)",
          "size: ^大号"),
        E("size: 二号", "size: 0", "layout: a type size is expected", "size: ^0,"),
        E("align: center, leading", "align: middle, leading",
          "layout: align is left, center, right or justify", "align: ^middle"),
        E("padding: [1.2mm, 1mm]", "padding: [1.2mm]", "layout: padding is [vertical, horizontal]",
          "padding: ^[1.2mm]"),
        E("indent: 2em, grid: true}", "indent: 2cm, grid: true}",
          "layout: unknown unit (use mm, pt, em or line): cm", "indent: ^2cm"),
        E("leading: 1.5em", "leading: 1.5ex", "layout: unknown unit (use mm, pt, em or line): ex",
          "leading: ^1.5ex"),
        E("rule: 0.5pt", "rule: thin", "layout: not a length: thin", "rule: ^thin"),
        E("  signature:   {font: body, size: 三号, grid: true}", "  signature:   三号",
          "layout: a style is a mapping {font: ROLE, size: …}: styles.signature",
          "  signature:   ^三号"),
        E("{font: number, size: 四号}", "{size: 四号}", "layout: missing key: font",
          "page_number: ^{size: 四号}"),
        /* grid: true needs the character grid: each grid style says so */
        EN("  chars: 28 ", "  #chars: 28 ",
           "layout: grid: true needs page.chars (characters per line)",
           "justify, indent: 2em, grid: ^true}", 4),
        E("padding: [1.2mm, 1mm]", "padding: [[1.2mm], 1mm]",
          "layout: a length is expected (e.g. 37mm, 2em)", "padding: [^[1.2mm]"),
        /* styles named by blocks and by the page number */
        E("{table: active, style: table}", "{table: active, style: tabel}",
          "layout: no such style: tabel", "style: ^tabel}"),
        E("    style: page_number", "    style: page_num", "layout: no such style: page_num",
          "    style: ^page_num"),
        E("headings: heading2}", "headings: heading3}", "layout: no such style: heading3",
          "headings: ^heading3}"),
    };
    S_RUN(cases);
}

static void test_bad_head(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        E("years: [2008, 2999]", "years: [2008]", "layout: years is [first, last]",
          "years: ^[2008]"),
        E("years: [2008, 2999]", "years: [2008, 2999, 3000]", "layout: years is [first, last]",
          "years: ^[2008"),
        E("years: [2008, 2999]", "years: [2008, 1999]",
          "layout: a whole number from 2008 to 9999 is expected", "years: [2008, ^1999]"),
        E("years: [2008, 2999]", "years: [1800, 2999]",
          "layout: a whole number from 1900 to 9999 is expected", "years: [^1800"),
        E("years: [2008, 2999]", "years: 2008", "layout: 'years' must be a list", "years: ^2008"),
        E("[处, 府,", "[\"\", 府,", "layout: title_breaks lists the ends of unit names (处, 局, …)",
          "title_breaks: [^\"\""),
        E("name: 政府信息公开工作年度报告（2021年格式）", "name: [x]",
          "layout: 'name' must be a single value", "name: ^[x]"),
        E("table_continued: 续表", "table_continued: [续表]",
          "layout: table_continued is a label such as 续表, or \"\" for none",
          "table_continued: ^[续表]"),
        E("table_clean_break: 0.25", "table_clean_break: 2",
          "layout: table_clean_break is a fraction of the page, 0 to 1", "table_clean_break: ^2"),
        E("table_clean_break: 0.25", "table_clean_break: -0.1",
          "layout: table_clean_break is a fraction of the page, 0 to 1",
          "table_clean_break: ^-0.1"),
    };
    S_RUN(cases);
    /* table_continued: "" is none */
    NbDiag d = {0};
    char *t = S_mutate("table_continued: 续表", "table_continued: \"\"");
    NbLayout *l = nb_layout_parse("t.yaml", t, strlen(t), &d);
    assert_non_null(l);
    assert_null(l->continued);
    nb_layout_free(l);
    nb_diag_free(&d);
    free(t);
}

/* ------------------------------------------------------------------ data */

static void test_bad_data(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        E("{count: 3, label: 规章}", "{count: 0, label: 规章}",
          "layout: count is a whole number from 1 to 32", "{count: ^0, label: 规章}"),
        E("{count: 3, label: 规章}", "{count: 33, label: 规章}",
          "layout: count is a whole number from 1 to 32", "{count: ^33, label: 规章}"),
        E("{count: 3, label: 规章}", "{count: 2.5, label: 规章}",
          "layout: count is a whole number from 1 to 32", "{count: ^2.5, label: 规章}"),
        E("regulations:         {count: 3, label: 规章}", "regulations:         3",
          "layout: a data entry is a mapping: active_disclosure.regulations",
          "regulations:         ^3"),
        E("{count: 3, label: 规章}", "{count: 3, label: [规章]}", "layout: label must be text",
          "label: ^[规章]"),
        E("requests.partly_granted, requests.denied", "requests.partly_granted, requests.nothing",
          "layout: sum names no data row: requests.nothing", "^requests.nothing"),
        E("requests.not_processed, requests.other]",
          "requests.not_processed, requests.other, appeals.review]",
          "layout: summed rows differ in length", "  requests.total:\n    ^label"),
        E2("    sum: [requests.granted", "    sums: [requests.granted",
           "layout: a computed row needs sum: [rows…]", "  requests.total:\n    ^label",
           "layout: unknown key 'sums' in computed.requests.total; did you mean 'sum'?",
           "    ^sums:"),
        /* a number cell bound to a row the data does not have */
        E("[3, 3, requests.new]", "[3, 3, requests.nw]", "layout: no such data row: requests.nw",
          "[3, 3, ^requests.nw]"),
    };
    S_RUN(cases);
}

/* ------------------------------------------------------------------ document */

static void test_bad_document(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        E("{heading: 一、总体情况", "{headline: 一、总体情况",
          "layout: a block is {title: true}, {prose: KEY}, {heading: TEXT}, {table: NAME} or "
          "{signature: true}, each with its style: STYLE",
          "  - ^{headline"),
        E("  - {title: true, style: title}", "  - title", "layout: a block is {title: true}",
          "  - ^title\n"),
        E("{prose: preamble,", "{prose: [preamble],", "layout: a block is {title: true}",
          "  - ^{prose: [preamble]"),
        E("一、总体情况, level: 1", "一、总体情况, level: 0",
          "layout: a whole number from 1 to 9 is expected", "level: ^0"),
        E("一、总体情况, level: 1", "一、总体情况, level: 10",
          "layout: a whole number from 1 to 9 is expected", "level: ^10"),
        E("style: signature\n    right: 2em", "style: signature\n    right: 2cm",
          "layout: unknown unit (use mm, pt, em or line): cm", "right: ^2cm"),
        E("seal_width: 42mm", "seal_width: big", "layout: not a length: big", "seal_width: ^big"),
        /* a block that names a table the layout does not have */
        E("  - {table: appeals, style: table}\n",
          "  - {table: appeals, style: table}\n  - {table: nosuch, style: table}\n",
          "layout: no such table: nosuch", "{table: ^nosuch"),
        /* a table no block shows */
        E("  - {table: appeals, style: table}\n", "",
          "layout: no document block shows this table ({table: KEY, style: …}): appeals",
          "  appeals:\n    ^section: 四"),
        E("{table: appeals, style: table}", "{table: active, style: table}",
          "layout: no document block shows this table ({table: KEY, style: …}): appeals",
          "  appeals:\n    ^section: 四"),
    };
    S_RUN(cases);
}

/* ------------------------------------------------------------------ tables */

static void test_bad_tables(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        E("[46mm, 1fr", "[46mm, 0fr", "layout: bad fraction: 0fr", "[46mm, ^0fr"),
        E("[46mm, 1fr", "[46mm, xfr", "layout: bad fraction: xfr", "[46mm, ^xfr"),
        E("[8mm, 11.5mm", "[8mm, 11.5cm", "layout: unknown unit (use mm, pt, em or line): cm",
          "[8mm, ^11.5cm"),
        E("header_rows: 3", "header_rows: 11", "layout: a whole number from 0 to 10 is expected",
          "header_rows: ^11"),
        E("align: {label: center, number: center}", "align: {label: centre, number: center}",
          "layout: align is left, center, right or justify", "{label: ^centre"),
        E("[0, 0, 1, 4, 第二十条第（一）项]", "[0, 0, 1, 4]",
          "layout: a cell is [row, col, rowspan, colspan, text]", "      - ^[0, 0, 1, 4]\n"),
        E("[1, 0, 1, 1, 信息内容]", "[1, 0, 0, 1, 信息内容]",
          "layout: a whole number from 1 to 999 is expected", "[1, 0, ^0, 1, 信息内容]"),
        E("[1, 0, 1, 1, 信息内容]", "[1, -1, 1, 1, 信息内容]",
          "layout: a whole number from 0 to 99 is expected", "[1, ^-1, 1, 1, 信息内容]"),
        E("[2, 1, active_disclosure.regulations]", "[2, 1]",
          "layout: a number binding is [row, col, field] or [row, col, field, colspan]",
          "      - ^[2, 1]\n"),
        E("[6, 1, active_disclosure.licensing, 3]", "[6, 1, active_disclosure.licensing, 0]",
          "layout: a whole number from 1 to 99 is expected", "licensing, ^0]"),
        E("    columns: [46mm", "    #columns: [46mm", "layout: missing key: columns",
          "  active:\n    ^section: 二"),
        E2("    cells:\n      - [0, 0, 1, 4,", "    cell:\n      - [0, 0, 1, 4,",
           "layout: missing key: cells", "  active:\n    ^section: 二",
           "layout: unknown key 'cell' in tables.active; did you mean 'cells'?", "    ^cell:"),
    };
    S_RUN(cases);
}

/* Every grid slot exactly once: S_table_check. */
static void test_grid_every_slot_once(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        E("[1, 3, 2, 1, 自然人]", "[1, 3, 1, 1, 自然人]",
          "layout: table requests: grid slot row 2 col 3 is covered by no cell",
          "  requests:\n    ^section: 三"),
        E("[0, 3, 1, 7, 申请人情况]", "[0, 3, 2, 7, 申请人情况]",
          "layout: table requests: grid slot row 1 col 3 is covered more than once",
          "  requests:\n    ^section: 三"),
        E("      - [27, 0, 1, 3, 四、结转下年度继续办理]\n", "",
          "layout: table requests: grid slot row 27 col 0 is covered by no cell",
          "  requests:\n    ^section: 三"),
        /* number cells count as well */
        E("[2, 1, active_disclosure.regulations]", "[1, 1, active_disclosure.regulations]",
          "layout: table active: grid slot row 1 col 1 is covered more than once",
          "  active:\n    ^section: 二"),
        E("[3, 10, appeals.litigation_after_review]", "[3, 9, appeals.litigation_after_review]",
          "layout: table appeals: grid slot row 3 col 9 is covered more than once",
          "  appeals:\n    ^section: 四"),
        E("[0, 5, 1, 10, 行政诉讼]", "[0, 5, 1, 9, 行政诉讼]",
          "layout: table appeals: grid slot row 0 col 14 is covered by no cell",
          "  appeals:\n    ^section: 四"),
        /* and none may run past the columns */
        E("[6, 1, active_disclosure.licensing, 3]", "[6, 1, active_disclosure.licensing, 4]",
          "layout: table active: cell at row 6 col 1 runs past the 4 columns",
          "  active:\n    ^section: 二"),
        E("[0, 0, 1, 4, 第二十条第（一）项]", "[0, 0, 1, 5, 第二十条第（一）项]",
          "layout: table active: cell at row 0 col 0 runs past the 4 columns",
          "  active:\n    ^section: 二"),
    };
    S_RUN(cases);
}

/* ------------------------------------------------------------------ rules */

static void test_bad_rules(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        E("kind: carry", "kind: carr",
          "layout: a rule's kind is equal, total, range, carry or prose: carr", "kind: ^carr"),
        E("  R4:\n    kind: total", "  R4:\n    knd: total", "layout: missing key: kind",
          "  R4:\n    ^knd"),
        E("rows: [appeals]", "rows: [appealz]", "layout: a rule names no data row: appealz",
          "rows: [^appealz]"),
        E("{一: requests.new,", "{一: requests.neww,",
          "layout: a rule names no data row: requests.neww", "{一: ^requests.neww"),
        E("    left:  {（七）总计: requests.total}", "    left:  {}",
          "layout: a side of a rule is a mapping {name: rows, …}", "    left:  ^{}"),
        E("min: 0", "min: zero", "layout: min is a number: zero", "min: ^zero"),
        E("this: requests.carried_over", "this: requests.carried",
          "layout: no such data row: requests.carried", "this: ^requests.carried"),
        E("previous: requests.carried_forward", "previous: requests.carried",
          "layout: no such data row: requests.carried", "previous: ^requests.carried"),
        E("\"requests.new[0]\"", "\"requests.new[7]\"",
          "layout: cells are row[index] or row[from-to], joined by +: requests.new[7]",
          "cells: ^\"requests.new[7]\""),
        E("\"requests.new[1-5]\"", "\"requests.new(1-5)\"",
          "layout: cells are row[index] or row[from-to], joined by +: requests.new(1-5)",
          "cells: ^\"requests.new(1-5)\""),
        E("\"requests.new[1-5]\"", "\"requests.new[5-1]\"",
          "layout: cells are row[index] or row[from-to], joined by +: requests.new[5-1]",
          "cells: ^\"requests.new[5-1]\""),
        E("\"requests.new[1-5]\"", "\"requests.nosuch[1]\"",
          "layout: cells are row[index] or row[from-to], joined by +: requests.nosuch[1]",
          "cells: ^\"requests.nosuch[1]\""),
        E("\"未收到…申请\"", "\"未…收…到…申请\"",
          "layout: a phrase has at most two …, each between words: 未…收…到…申请",
          "{find: ^\"未…收"),
        E2("means: 0,", "means: none,", "layout: means is a number", "means: ^none",
           "layout: a phrase without {n} needs means: N", "{find: ^\"未收到"),
        E("{find: \"收到…申请{n}件\"", "{find: \"收到…申请件\"",
          "layout: a phrase without {n} needs means: N: 收到…申请件", "{find: ^\"收到…申请件\""),
    };
    S_RUN(cases);
}

/* ------------------------------------------------------------------ missing keys, not a layout */

static void test_missing_required_keys(void **state)
{
    (void)state;
    /* to NULL: the whole entry removed; the error is at the file's mapping (its first key) */
    static const S_Case cases[] = {
        E("\ntemplate:", NULL, "layout: missing key: template", "^id: gov-info"),
        E("\ntitle_breaks:", NULL, "layout: missing key: title_breaks", "^id: gov-info"),
        E("\nyears:", NULL, "layout: missing key: years", "^id: gov-info"),
        E("\ntitle:", NULL, "layout: missing key: title", "^id: gov-info"),
        E("\ndate_format:", NULL, "layout: missing key: date_format", "^id: gov-info"),
        E("\nname:", NULL, "layout: missing key: name", "^id: gov-info"),
        E("\nid:", NULL, "layout: missing key: id", "^name: 政府"),
        E("\npage:", NULL, "layout: missing key: page", "^id: gov-info"),
        E("\nfonts:", NULL, "layout: missing key: fonts", "^id: gov-info"),
        E("\nstyles:", NULL, "layout: missing key: styles", "^id: gov-info"),
        EN("\ndata:", NULL, "layout: missing key: data", "^id: gov-info", -1),
        E("\ndocument:", NULL, "layout: missing key: document", "^id: gov-info"),
        /* page.margin, page.page_number */
        EN("  margin: {top: 37mm, bottom: 35mm, left: 28mm, right: 26mm}",
           "  #margin:", "layout: missing key: margin", "page:\n  ^size", -1),
        E2("  page_number:\n", "  page_numbers:\n", "layout: missing key: page_number",
           "page:\n  ^size",
           "layout: unknown key 'page_numbers' in page; did you mean 'page_number'?",
           "  ^page_numbers"),
    };
    S_RUN(cases);
    /* optional keys: left out, the defaults */
    NbDiag d = {0};
    char *t = S_cut(S_cut(S_cut(nb_xstrdup(S_text), "\ntable_continued:"), "\ntable_clean_break:"),
                    "\ncomputed:");
    t = S_replace(t, "[26, 3, requests.total]", "[26, 3, requests.granted]"); /* no computed row */
    t = S_replace(t, "{（七）总计: requests.total, 四", "{（七）总计: requests.granted, 四");
    t = S_replace(t, "{（七）总计: requests.total}", "{（七）总计: requests.granted}");
    NbLayout *l = nb_layout_parse("t.yaml", t, strlen(t), &d);
    if (d.n) nb_diag_print(&d, stderr);
    assert_non_null(l);
    assert_null(l->continued);
    assert_float_equal(l->clean_break, 0.25, EPS);
    assert_int_equal(nb_layout_field(l, "requests.total"), -1);
    assert_int_equal(l->nfields, S_l->nfields - 1);
    nb_layout_free(l);
    nb_diag_free(&d);
    free(t);
}

static void test_not_a_layout(void **state)
{
    (void)state;
    S_expect("a list", "- a\n- b\n", "layout: the file must be a mapping", "^- a", NULL, NULL, 1);
    S_expect("a scalar", "just text\n", "layout: the file must be a mapping", "^just", NULL, NULL,
             1);
    S_expect("nothing", "", "layout: the file must be a mapping", NULL, NULL, NULL, 1);
    S_expect("only comments", "# a layout\n", "layout: the file must be a mapping", NULL, NULL,
             NULL, 1);

    /* not YAML: an unclosed list, a tab, a duplicate key, an anchor */
    char *t = S_mutate("  size: A4\n", "  size: [A4\n");
    NbDiag d = {0};
    NbLayout *l = nb_layout_parse("t.yaml", t, strlen(t), &d);
    assert_null(l);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.items[0].msg, "YAML syntax"));
    assert_string_equal(d.items[0].file, "t.yaml");
    assert_true(d.items[0].line >= 11); /* at or after the [ that is never closed */
    nb_diag_free(&d);
    free(t);

    t = S_mutate("  size: A4\n", "\tsize: A4\n");
    S_expect("a tab", t, "a tab character; YAML indents with spaces only", NULL, NULL, NULL, 1);
    free(t);
    t = S_mutate("\nname:", "\nid: again\nname:");
    S_expect("a duplicate key", t, "duplicate key 'id' (first given at line 7); keep only one",
             "\n^id: again", NULL, NULL, 1);
    free(t);
    t = S_mutate("size: 三号, align: justify", "size: &s 三号, align: justify");
    S_expect("an anchor", t, "YAML anchors (&name) are not allowed", "size: ^&s", NULL, NULL, 1);
    free(t);
}

static void test_load_missing_file(void **state)
{
    (void)state;
    NbDiag d = {0};
    assert_null(nb_layout_load("layouts/no-such-layout.yaml", &d));
    assert_int_equal(d.errors, 1);
    assert_string_equal(d.items[0].file, "layouts/no-such-layout.yaml");
    assert_non_null(strstr(d.items[0].msg, "cannot read"));
    nb_diag_free(&d);
    /* a folder is no layout either */
    assert_null(nb_layout_load("layouts", &d));
    assert_true(d.errors >= 1);
    assert_string_equal(d.items[0].file, "layouts");
    nb_diag_free(&d);
}

/* ------------------------------------------------------------------ helpers, scaling */

static void test_layout_path(void **state)
{
    (void)state;
    static const struct {
        const char *id, *path;
    } cases[] = {
        {"gov-info-disclosure-2021", "/usr/share/nianbao/layouts/gov-info-disclosure-2021.yaml"},
        {"gov-info-disclosure-2019", "/usr/share/nianbao/layouts/gov-info-disclosure-2019.yaml"},
        {"./mine", "./mine"},
        {"a/b/c", "a/b/c"},
        {"mine.yaml", "mine.yaml"},
        {"mine.yml", "mine.yml"},
        {"mine.txt", "/usr/share/nianbao/layouts/mine.txt.yaml"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = nb_layout_path("/usr/share/nianbao", cases[i].id);
        assert_string_equal(p, cases[i].path);
        free(p);
    }
}

static void test_paper_size(void **state)
{
    (void)state;
    double w = 0, h = 0;
    assert_int_equal(nb_paper_size("A4", &w, &h), 1);
    assert_float_equal(w, 210 * MM, EPS);
    assert_float_equal(h, 297 * MM, EPS);
    assert_int_equal(nb_paper_size("a3", &w, &h), 1);
    assert_float_equal(w, 297 * MM, EPS);
    assert_float_equal(h, 420 * MM, EPS);
    assert_int_equal(nb_paper_size("b5", &w, &h), 1);
    assert_float_equal(w, 176 * MM, EPS);
    assert_float_equal(h, 250 * MM, EPS);
    assert_int_equal(nb_paper_size("A2", &w, &h), 1);
    assert_float_equal(w, 420 * MM, EPS);
    assert_int_equal(nb_paper_size("A6", &w, &h), 0);
    assert_int_equal(nb_paper_size("letter", &w, &h), 0);
    assert_int_equal(nb_paper_size("", &w, &h), 0);
    assert_int_equal(nb_paper_size("A44", &w, &h), 0);
}

/* A3: every length × min(297/210, 420/297) ≈ √2; the sheet's last fraction of a mm goes to
 * the margins, the type area keeps its shape. */
static void test_fit_paper_a3(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbLayout *l = nb_layout_load(LAYOUT_2021, &d);
    assert_non_null(l);
    double w, h;
    assert_true(nb_paper_size("A3", &w, &h));
    nb_layout_fit_paper(l, w, h);
    const NbLayout *a = S_l;
    double f = fmin(w / a->page_w, h / a->page_h);
    assert_float_equal(f, sqrt(2), 1e-4);
    assert_float_equal(l->page_w, w, EPS);
    assert_float_equal(l->page_h, h, EPS);
    assert_float_equal(l->margin_top, 37 * MM * f, EPS);
    assert_float_equal(l->margin_bottom, 35 * MM * f, EPS);
    assert_float_equal(l->margin_left + l->margin_right, w - 156 * MM * f, EPS);
    assert_float_equal(l->margin_left / l->margin_right, 28.0 / 26.0, EPS);
    assert_true(fabs(l->margin_left - 28 * MM * f) < 0.1 * MM);
    assert_float_equal(l->pitch, a->pitch * f, EPS);
    assert_float_equal(l->pitch * l->lines, l->page_h - l->margin_top - l->margin_bottom, EPS);
    assert_float_equal(l->char_pitch, a->char_pitch * f, EPS);
    assert_float_equal(l->char_pitch * l->chars, l->page_w - l->margin_left - l->margin_right, EPS);
    assert_float_equal(l->page_number_below, 7 * MM * f, EPS);
    assert_float_equal(l->page_number_inset, 14 * f, EPS);
    for (size_t i = 0; i < l->nstyles; i++) {
        const NbStyle *s = &l->styles[i], *o = &a->styles[i];
        assert_float_equal(s->size, o->size * f, EPS);
        assert_float_equal(s->em, o->em * f, EPS);
        assert_float_equal(s->indent, o->indent * f, EPS);
        assert_float_equal(s->leading, o->leading * f, EPS);
        assert_float_equal(s->space_before, o->space_before * f, EPS);
        assert_float_equal(s->space_after, o->space_after * f, EPS);
        assert_float_equal(s->pad_v, o->pad_v * f, EPS);
        assert_float_equal(s->pad_h, o->pad_h * f, EPS);
        assert_float_equal(s->rule, o->rule * f, EPS);
    }
    assert_float_equal(S_style(l, "body")->size, 16 * f, EPS);
    assert_float_equal(S_style(l, "table")->size, 10.5 * f, EPS);
    const NbSignatureSpec *g = &l->signature, *o = &a->signature;
    assert_float_equal(g->right, o->right * f, EPS);
    assert_float_equal(g->date_indent, o->date_indent * f, EPS);
    assert_float_equal(g->sealed_right, o->sealed_right * f, EPS);
    assert_float_equal(g->space_before, o->space_before * f, EPS);
    assert_float_equal(g->seal_width, 42 * MM * f, EPS);
    assert_float_equal(g->seal_lift, o->seal_lift * f, EPS);
    /* column widths in pt scale, fractions stay */
    for (size_t t = 0; t < l->ntables; t++)
        for (size_t k = 0; k < l->tables[t].ncols; k++) {
            double was = a->tables[t].col_width[k];
            assert_float_equal(l->tables[t].col_width[k], was > 0 ? was * f : was, EPS);
        }
    assert_float_equal(S_table(l, "active")->col_width[0], 46 * MM * f, EPS);
    assert_float_equal(S_table(l, "requests")->col_width[1], 11.5 * MM * f, EPS);
    nb_layout_free(l);

    /* A4 again: nothing changes */
    l = nb_layout_load(LAYOUT_2021, &d);
    assert_non_null(l);
    assert_true(nb_paper_size("A4", &w, &h));
    nb_layout_fit_paper(l, w, h);
    assert_float_equal(l->margin_left, 28 * MM, EPS);
    assert_float_equal(l->pitch, a->pitch, EPS);
    assert_float_equal(l->signature.seal_width, 42 * MM, EPS);
    /* scale by 2 and back */
    nb_layout_scale(l, 2);
    assert_float_equal(l->page_w, 2 * 210 * MM, EPS);
    assert_float_equal(l->signature.seal_lift, 2 * a->signature.seal_lift, EPS);
    assert_float_equal(S_style(l, "title")->leading, 66, EPS);
    nb_layout_free(l);
    assert_int_equal(d.n, 0);
    nb_diag_free(&d);
}

static void test_value_cells_and_labels(void **state)
{
    (void)state;
    const NbLayout *l = S_l;
    static const struct {
        const char *path;
        int index;
        const char *table;
        int col;
        const char *label;
    } cases[] = {
        {"requests.new", 0, "requests", 3, "自然人"},
        {"requests.new", 1, "requests", 4, "商业企业"},
        {"requests.new", 5, "requests", 8, "其他"},
        {"requests.new", 6, "requests", 9, "总计"},
        {"requests.total", 6, "requests", 9, "总计"},
        {"requests.carried_forward", 0, "requests", 3, "自然人"},
        {"appeals.review", 0, "appeals", 0, "结果维持"},
        {"appeals.review", 4, "appeals", 4, "总计"},
        {"appeals.litigation", 0, "appeals", 5, "结果维持"},
        {"appeals.litigation_after_review", 4, "appeals", 14, "总计"},
        {"active_disclosure.regulations", 2, "active", 3, "现行有效件数"},
        {"active_disclosure.licensing", 0, "active", 1, "本年处理决定数量"},
        {"active_disclosure.fees", 0, "active", 1, "本年收费金额（单位：万元）"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int f = S_field(l, cases[i].path);
        const NbTableSpec *t = NULL;
        int col = -1;
        assert_int_equal(nb_layout_value_cell(l, f, cases[i].index, &t, &col), 1);
        assert_string_equal(t->key, cases[i].table);
        assert_int_equal(col, cases[i].col);
        assert_string_equal(nb_layout_column_label(l, f, cases[i].index), cases[i].label);
    }
    /* nowhere: past the row's values, a row no table shows */
    const NbTableSpec *t = NULL;
    int col = -1, f = S_field(l, "requests.new");
    assert_int_equal(nb_layout_value_cell(l, f, 7, &t, &col), 0);
    assert_string_equal(nb_layout_column_label(l, f, 7), "");
    assert_int_equal(nb_layout_value_cell(l, S_field(l, "active_disclosure.fees"), 1, &t, &col), 0);
    assert_int_equal(nb_layout_value_cell(l, -1, 0, &t, &col), 0);
    assert_string_equal(nb_layout_column_label(l, -1, 0), "");
}

static void test_row_key(void **state)
{
    (void)state;
    static const struct {
        const char *prev, *path, *out;
    } cases[] = {
        {"", "requests.denied.state_secret", "requests:\n  denied:\n    state_secret: "},
        {"requests.denied.state_secret", "requests.denied.third_party", "    third_party: "},
        {"requests.new", "requests.denied.state_secret", "  denied:\n    state_secret: "},
        {"requests.denied_x.a", "requests.denied.b", "  denied:\n    b: "},
        {"appeals.review", "requests.new", "requests:\n  new: "},
        {"", "agency", "agency: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        NbBuf b = {0};
        nb_layout_row_key(&b, cases[i].prev, cases[i].path);
        assert_string_equal(b.s, cases[i].out);
        nb_buf_free(&b);
    }
}

/* ------------------------------------------------------------------ once defects */

/* A required key left out (or not a single value) is reported by S_need ("missing key: X"
 * at its mapping, "'X' must be a single value" at the value), once: S_length, S_style_ref,
 * S_int and S_type_size used to report the NULL S_need returned again, at 0:0. */
static void test_missing_key_reported_once_with_place(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        E("{top: 37mm, ", "{", "layout: missing key: top", "margin: ^{bottom"),
        E("    seal_lift: 0.25line\n", "", "layout: missing key: seal_lift",
          "  - ^signature: true"),
        E(", headings: heading2}", "}", "layout: missing key: headings", "  - ^{prose: preamble"),
        E("一、总体情况, level: 1,", "一、总体情况,", "layout: missing key: level",
          "  - ^{heading: 一、总体情况"),
        E("{font: number, size: 四号}", "{font: number}", "layout: missing key: size",
          "page_number: ^{font: number}"),
        E("{title: true, style: title}", "{title: true}", "layout: missing key: style",
          "  - ^{title: true}"),
        E("    below: 7mm", "    #below: 7mm", "layout: missing key: below",
          "page_number:\n    ^style"),
        /* the same when the key is there but not a single value */
        E("below: 7mm", "below: [7mm]", "layout: 'below' must be a single value", "below: ^[7mm]"),
        E("style: table}", "style: [table]}", "layout: 'style' must be a single value",
          "style: ^[table]}"),
    };
    S_RUN(cases);
}

/* A part of a rule left out (a side of an equal rule, the rows of a total or range rule, the
 * cells of a phrase) is an error at the rule or phrase that lacks it (it had no place). */
static void test_rule_parts_left_out_have_a_place(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        E("    rows: [appeals]\n", "", "rows", "  R4:\n    ^kind: total"),
        E("    left:  {一: requests.new, 二: requests.carried_over}\n", "", "left",
          "  R1:\n    ^kind: equal"),
        E(", cells: \"requests.new[0]\"", "", "cells", "      - ^{find: \"自然人申请{n}件\"}"),
    };
    S_RUN(cases);
}

/* An unknown paper size is one error (it also said "the margins leave no room for text on
 * the page", of a 0 × 0 page). */
static void test_unknown_paper_one_error(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        E("size: A4", "size: A7", "layout: unknown paper size: A7", "size: ^A7"),
    };
    S_RUN(cases);
}

/* A table block whose key is misspelt ({table: appeal}) is named: "no such table: appeal"
 * at the block (only "no document block shows this table: appeals" was said). */
static void test_misspelt_table_block_named(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        EN("{table: appeals,", "{table: appeal,", "layout: no such table: appeal",
           "{table: ^appeal,", -1),
    };
    S_RUN(cases);
}

/* The 汇总's wording: read from the layout, each prose key a prose block of the document,
 * its keys checked like every other mapping's. */
static void test_summary_section(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbLayout *l = nb_layout_parse("l.yaml", S_text, strlen(S_text), &d);
    assert_non_null(l);
    assert_true(l->has_summary);
    assert_string_equal(l->summary_title, "{agency}|{year}年政府信息公开工作年度报告（汇总）");
    assert_int_equal(l->nsummary_prose, 4);
    assert_string_equal(l->summary_prose[0].field, "preamble");
    assert_non_null(strstr(l->summary_prose[0].text, "{missing_note}"));
    assert_string_equal(l->summary_prose[3].field, "other_matters");
    assert_non_null(strstr(l->summary_missing, "{missing}"));
    nb_layout_free(l);
    nb_diag_free(&d);
    static const S_Case cases[] = {
        EN("  missing: 以下", "  misssing: 以下",
           "layout: unknown key 'misssing' in summary; did you mean 'missing'?", "^misssing: 以下", -1),
        EN("    problems: |\n      各单位", "    problem: |\n      各单位",
           "layout: summary.prose names a prose field of the document: problem", "^problem: |", -1),
        EN("    other_matters: |\n      本报告无其他需要报告的事项。", "    other_matters: [无]",
           "layout: summary.prose gives each field its text: other_matters", "other_matters: ^[无]", -1),
    };
    S_RUN(cases);
}

/* Values that cannot be right are errors at the value (they were accepted): header_rows
 * beyond the table's rows (appeals has 4), a range rule with min > max (no report could pass
 * it), a page number without {page} (every page numbered alike), a computed row with the
 * path of a data row (two rows requests.new; R1 and R3 then summed both). */
static void test_impossible_values_rejected(void **state)
{
    (void)state;
    static const S_Case cases[] = {
        EN("header_rows: 3\n    align: {label: center", "header_rows: 9\n    align: {label: center",
           "header_rows", "header_rows: ^9", -1),
        EN("min: 0", "min: 2000000000", "min", "min: ^2000000000", -1),
        EN("    text: \"— {page} —\"", "    text: \"— page —\"", "{page}", "text: ^\"— page —\"",
           -1),
        EN("\ncomputed:\n", "\ncomputed:\n  requests.new:\n    sum: [requests.granted]\n",
           "requests.new", "\ncomputed:\n  ^requests.new:", -1),
    };
    S_RUN(cases);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_helpers_of_this_file),
        cmocka_unit_test(test_2021_page),
        cmocka_unit_test(test_2021_fonts_and_styles),
        cmocka_unit_test(test_2021_head),
        cmocka_unit_test(test_2021_data_fields),
        cmocka_unit_test(test_2021_document_blocks),
        cmocka_unit_test(test_2021_signature),
        cmocka_unit_test(test_2021_tables),
        cmocka_unit_test(test_2021_rules),
        cmocka_unit_test(test_2021_parse_from_memory),
        cmocka_unit_test(test_2019_loads),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_booleans_are_true_or_false),
        cmocka_unit_test(test_bad_page),
        cmocka_unit_test(test_bad_fonts_and_styles),
        cmocka_unit_test(test_bad_head),
        cmocka_unit_test(test_bad_data),
        cmocka_unit_test(test_bad_document),
        cmocka_unit_test(test_bad_tables),
        cmocka_unit_test(test_grid_every_slot_once),
        cmocka_unit_test(test_bad_rules),
        cmocka_unit_test(test_missing_required_keys),
        cmocka_unit_test(test_not_a_layout),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_layout_path),
        cmocka_unit_test(test_paper_size),
        cmocka_unit_test(test_summary_section),
        cmocka_unit_test(test_fit_paper_a3),
        cmocka_unit_test(test_value_cells_and_labels),
        cmocka_unit_test(test_row_key),
        cmocka_unit_test(test_missing_key_reported_once_with_place),
        cmocka_unit_test(test_rule_parts_left_out_have_a_place),
        cmocka_unit_test(test_unknown_paper_one_error),
        cmocka_unit_test(test_misspelt_table_block_named),
        cmocka_unit_test(test_impossible_values_rejected),
    };
    return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
