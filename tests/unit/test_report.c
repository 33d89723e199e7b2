/* Unit tests: the report loader (yamltree.c + report.c) against the real layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#include "check.h"
#include "layout.h"
#include "report.h"
#include "text.h"
#include "util.h"
#include "yamltree.h"

static int S_setup(void **state)
{
    (void)state;
    return S_open();
}

/* Parse and load a report from text; the YAML tree is freed here. */
static NbReport *S_load(const char *yaml, NbDiag *d)
{
    NbYDoc *doc = nb_ydoc_parse("t.yaml", yaml, strlen(yaml), d);
    if (!doc) return NULL;
    NbReport *r = nb_report_from_yaml(doc, S_layout, d);
    nb_ydoc_free(doc);
    return r;
}

/* Load and check with the layout's rules, as the program does: NULL on any error. */
static NbReport *S_load_checked(const char *yaml, NbDiag *d)
{
    NbReport *r = S_load(yaml, d);
    size_t errors = d->errors;
    if (r) nb_check_report(r, S_layout, d);
    if (r && d->errors > errors) {
        nb_report_free(r);
        return NULL;
    }
    return r;
}

/* The first diagnostic whose message contains every one of the given pieces (NULL-ended). */
static const NbDiagItem *S_find(const NbDiag *d, ...)
{
    for (size_t i = 0; i < d->n; i++) {
        va_list ap;
        va_start(ap, d);
        int all = 1;
        for (const char *s; (s = va_arg(ap, const char *));)
            if (!strstr(d->items[i].msg, s)) all = 0;
        va_end(ap);
        if (all) return &d->items[i];
    }
    return NULL;
}

/* Expect loading to fail with one error containing `piece` at line:col (0: not checked). */
static void S_expect_error(const char *yaml, const char *piece, int line, int col)
{
    NbDiag d = {0};
    NbReport *r = S_load_checked(yaml, &d);
    if (r || !S_find(&d, piece, NULL)) {
        nb_diag_print(&d, stderr);
        fprintf(stderr, "expected an error with '%s' for:\n%s\n", piece, yaml);
    }
    assert_null(r);
    assert_true(d.errors >= 1);
    const NbDiagItem *it = S_find(&d, piece, NULL);
    assert_non_null(it);
    assert_int_equal(it->severity, NB_ERROR);
    assert_string_equal(it->file, "t.yaml");
    if (line) assert_int_equal(it->line, line);
    if (col) assert_int_equal(it->col, col);
    nb_report_free(r);
    nb_diag_free(&d);
}

static const NbRow *S_row(const NbReport *r, const char *path)
{
    int fi = nb_layout_field(S_layout, path);
    assert_true(fi >= 0);
    assert_true((size_t)fi < r->nrows);
    return &r->rows[fi];
}

/* ------------------------------------------------------------------ valid reports */

static void test_minimal_all_zero(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbReport *r = S_load("agency: 测试街道办事处\nyear: 2023\n", &d);
    assert_non_null(r);
    assert_int_equal(d.errors, 0);
    assert_string_equal(r->agency, "测试街道办事处");
    assert_int_equal(r->year, 2023);
    assert_int_equal(r->has_date, 0);
    assert_null(r->seal);
    assert_non_null(r->title);
    assert_non_null(strstr(r->title, "测试街道办事处"));
    assert_non_null(strstr(r->title, "2023年政府信息公开工作年度报告"));
    assert_int_equal(r->nrows, S_layout->nfields);
    for (size_t i = 0; i < r->nrows; i++) {
        const NbField *f = &S_layout->fields[i];
        assert_int_equal(r->rows[i].n, f->count + f->total);
        assert_int_equal(r->rows[i].given, 0);
        for (int k = 0; k < r->rows[i].n; k++) {
            assert_true(r->rows[i].vals[k].v == 0);
            assert_string_equal(r->rows[i].vals[k].text, "0");
        }
    }
    /* the computed 总计 rows exist with their own total */
    const NbRow *tot = S_row(r, "requests.total");
    assert_int_equal(tot->n, 7);
    nb_report_free(r);
    nb_diag_free(&d);
}

static void test_totals_computed(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbReport *r = S_load("agency: A\nyear: 2023\n"
                         "requests:\n"
                         "  new: [18, 3, 0, 0, 2, 1]\n"
                         "appeals:\n"
                         "  review: [1, 0, 2, 0]\n",
                         &d);
    assert_non_null(r);
    const NbRow *n = S_row(r, "requests.new");
    assert_int_equal(n->given, 1);
    assert_int_equal(n->n, 7);
    assert_true(n->vals[0].v == 18);
    assert_true(n->vals[6].v == 24);
    assert_string_equal(n->vals[6].text, "24");
    assert_int_equal(n->mark.line, 4);
    const NbRow *a = S_row(r, "appeals.review");
    assert_int_equal(a->n, 5);
    assert_true(a->vals[4].v == 3);
    /* rows that were not given stay zero, their total too */
    const NbRow *c = S_row(r, "requests.carried_over");
    assert_int_equal(c->given, 0);
    assert_true(c->vals[6].v == 0);
    nb_report_free(r);
    nb_diag_free(&d);
}

static void test_given_total_matches(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbReport *r = S_load("agency: A\nyear: 2023\nrequests:\n  new: [1, 2, 0, 0, 0, 0, 3]\n", &d);
    assert_non_null(r);
    assert_int_equal(d.errors, 0);
    assert_true(S_row(r, "requests.new")->vals[6].v == 3);
    nb_report_free(r);
    nb_diag_free(&d);
}

static void test_given_total_mismatch(void **state)
{
    (void)state;
    const char *y = "agency: A\nyear: 2023\nrequests:\n  new: [1, 2, 0, 0, 0, 0, 4]\n";
    S_expect_error(y, "总计 is given as 4 but the columns sum to 3 (R2)", 4, 27);
    NbDiag d = {0};
    assert_null(S_load_checked(y, &d));
    const NbDiagItem *it = S_find(&d, "总计", "(R2)", "4", "3", NULL);
    assert_non_null(it);
    assert_int_equal(it->line, 4);
    assert_int_equal(it->col, 27);
    nb_diag_free(&d);
}

static void test_fee_keeps_text(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbReport *r = S_load("agency: A\nyear: 2023\nactive_disclosure:\n  fees: 0.35\n", &d);
    assert_non_null(r);
    const NbRow *f = S_row(r, "active_disclosure.fees");
    assert_string_equal(f->vals[0].text, "0.35");
    assert_true(f->vals[0].v > 0.3499 && f->vals[0].v < 0.3501);
    nb_report_free(r);
    nb_diag_free(&d);
    /* a plain whole number is fine for a decimal row too */
    r = S_load("agency: A\nyear: 2023\nactive_disclosure:\n  fees: 12\n", &d);
    assert_non_null(r);
    assert_string_equal(S_row(r, "active_disclosure.fees")->vals[0].text, "12");
    nb_report_free(r);
    nb_diag_free(&d);
}

static void test_requests_total_is_column_sum(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbReport *r = S_load("agency: A\nyear: 2023\n"
                         "requests:\n"
                         "  new: [100, 100, 100, 100, 100, 100]\n"
                         "  carried_over: [50, 50, 50, 50, 50, 50]\n"
                         "  granted: [1, 2, 3, 4, 5, 6]\n"
                         "  partly_granted: [10, 0, 0, 0, 0, 0]\n"
                         "  denied:\n"
                         "    state_secret: [0, 1, 0, 0, 0, 0]\n"
                         "    query_matters: [0, 0, 0, 0, 0, 7]\n"
                         "  unavailable:\n"
                         "    not_held: [2, 0, 0, 0, 0, 0]\n"
                         "    unclear: [0, 0, 3, 0, 0, 0]\n"
                         "  not_processed:\n"
                         "    complaints: [0, 0, 0, 4, 0, 0]\n"
                         "  other:\n"
                         "    other: [0, 0, 0, 0, 9, 0]\n"
                         "  carried_forward: [70, 70, 70, 70, 70, 70]\n",
                         &d);
    if (!r) nb_diag_print(&d, stderr);
    assert_non_null(r);
    static const double want[7] = {13, 3, 6, 8, 14, 13, 57};
    const NbRow *t = S_row(r, "requests.total");
    assert_int_equal(t->n, 7);
    for (int k = 0; k < 7; k++) assert_true(t->vals[k].v == want[k]);
    /* the same, computed independently from the layout's sum rows */
    for (int k = 0; k < 6; k++) {
        double s = 0;
        for (size_t i = 0; i < S_layout->nfields; i++) {
            const char *p = S_layout->fields[i].path;
            if (S_layout->fields[i].computed) continue;
            if (!strncmp(p, "requests.granted", 16) || !strncmp(p, "requests.partly_granted", 23) ||
                !strncmp(p, "requests.denied.", 16) || !strncmp(p, "requests.unavailable.", 21) ||
                !strncmp(p, "requests.not_processed.", 23) || !strncmp(p, "requests.other.", 15))
                s += r->rows[i].vals[k].v;
        }
        assert_true(t->vals[k].v == s);
    }
    nb_report_free(r);
    nb_diag_free(&d);
}

static void test_date_ok(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbReport *r = S_load("agency: A\nyear: 2023\ndate: 2024-02-29\n", &d);
    assert_non_null(r);
    assert_int_equal(r->has_date, 1);
    assert_int_equal(r->date_y, 2024);
    assert_int_equal(r->date_m, 2);
    assert_int_equal(r->date_d, 29);
    nb_report_free(r);
    nb_diag_free(&d);
}

static void test_prose_paragraphs(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbReport *r = S_load("agency: A\nyear: 2023\n"
                         "preamble: |\n"
                         "  本报告根据《条例》\n"
                         "  编制。\n"
                         "\n"
                         "  全年收到申请 24 件，\n"
                         "  办结 2023 年度申请。\n"
                         "\n\n"
                         "  Latin words\n"
                         "  joined here.\n",
                         &d);
    assert_non_null(r);
    const NbProse *p = nb_report_prose(r, "preamble");
    assert_non_null(p);
    assert_string_equal(p->text, "本报告根据《条例》编制。\n全年收到申请24件，办结2023年度申请。\n"
                                 "Latin words joined here.");
    assert_int_equal(p->mark.line, 3);
    assert_null(nb_report_prose(r, "overview"));
    nb_report_free(r);
    nb_diag_free(&d);
}

static void test_text_paragraphs(void **state)
{
    (void)state;
    struct {
        const char *in, *out;
    } cases[] = {
        {"共 12 件", "共12件"},
        {"2023 年", "2023年"},
        {"第 3 条 and 4", "第3条and 4"},
        {"a b", "a b"},
        {"一行\n二行", "一行二行"},
        {"one\ntwo\n", "one two"},
        {"甲\nB", "甲B"},
        {"甲\n\n乙", "甲\n乙"},
        {"  甲  \n\n\n\n  乙\n", "甲\n乙"},
        {"中 文", "中文"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *s = nb_report_paragraphs(cases[i].in, NULL);
        if (strcmp(s, cases[i].out)) fprintf(stderr, "case %zu: '%s'\n", i, s);
        assert_string_equal(s, cases[i].out);
        free(s);
    }
}

/* ------------------------------------------------------------------ errors */

/* Runs of spaces between Latin characters collapse to one; the last line of a paragraph
 * joins like the others (both were bugs). */
static void test_text_paragraphs_collapse(void **state)
{
    (void)state;
    char *s = nb_report_paragraphs("a   b", NULL);
    assert_string_equal(s, "a b");
    free(s);
    /* the last line, when not ended by a newline (a `|-` block), is joined without the space */
    s = nb_report_paragraphs("one\ntwo", NULL);
    assert_string_equal(s, "one two");
    free(s);
}

static void test_unknown_top_key(void **state)
{
    (void)state;
    const char *y = "agency: A\nyear: 2023\nrequets:\n  new: [0, 0, 0, 0, 0, 0]\n";
    NbDiag d = {0};
    assert_null(S_load(y, &d));
    const NbDiagItem *it = S_find(&d, "unknown key", "requets", "did you mean 'requests'", NULL);
    assert_non_null(it);
    assert_int_equal(it->line, 3);
    assert_int_equal(it->col, 1);
    nb_diag_free(&d);
}

static void test_unknown_nested_key(void **state)
{
    (void)state;
    const char *y = "agency: A\nyear: 2023\nrequests:\n  new: [0, 0, 0, 0, 0, 0]\n"
                    "  carried_ovr: [0, 0, 0, 0, 0, 0]\n";
    NbDiag d = {0};
    assert_null(S_load(y, &d));
    assert_int_equal(d.errors, 1);
    const NbDiagItem *it = S_find(&d, "unknown key", "carried_ovr", "did you mean 'carried_over'", NULL);
    assert_non_null(it);
    assert_int_equal(it->line, 5);
    assert_int_equal(it->col, 3);
    nb_diag_free(&d);
    /* two levels down */
    S_expect_error("agency: A\nyear: 2023\nrequests:\n  denied:\n    state_secrte: [0, 0, 0, 0, 0, 0]\n",
                   "did you mean 'state_secret'", 5, 5);
    /* nothing close: the known keys are listed */
    S_expect_error("agency: A\nyear: 2023\nzzzzzzzzzzzzzz: 1\n", "known keys", 3, 1);
}

static void test_row_length(void **state)
{
    (void)state;
    S_expect_error("agency: A\nyear: 2023\nrequests:\n  new: [1, 2]\n", "2 numbers given; it takes 6",
                   4, 8);
    S_expect_error("agency: A\nyear: 2023\nrequests:\n  new: [1, 2, 3, 4, 5, 6, 21, 8]\n",
                   "8 numbers given", 4, 8);
    /* a row without a total takes exactly its count */
    S_expect_error("agency: A\nyear: 2023\nactive_disclosure:\n  regulations: [1, 2, 3, 6]\n",
                   "4 numbers given; it takes 3", 4, 16);
    S_expect_error("agency: A\nyear: 2023\nrequests:\n  new: 5\n", "a list of 6 numbers", 4, 8);
}

static void test_bad_numbers(void **state)
{
    (void)state;
    const char *pre = "agency: A\nyear: 2023\nactive_disclosure:\n  licensing: ";
    struct {
        const char *val, *piece;
    } cases[] = {
        {"-1", "negative"},
        {"1.5", "not a whole number"},
        {"\"5\"", "remove the quotes"},
        {"'5'", "remove the quotes"},
        {"2000000000", "beyond 1000000000"},
        {"1e3", "plainly"},
        {"abc", "not a number"},
        {".nan", "not a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *y = nb_xasprintf("%s%s\n", pre, cases[i].val);
        S_expect_error(y, cases[i].piece, 4, 14);
        free(y);
    }
    /* the upper bound itself is still accepted */
    NbDiag d = {0};
    char *y = nb_xasprintf("%s1000000000\n", pre);
    NbReport *r = S_load_checked(y, &d);
    free(y);
    assert_non_null(r);
    assert_string_equal(S_row(r, "active_disclosure.licensing")->vals[0].text, "1000000000");
    nb_report_free(r);
    nb_diag_free(&d);
    /* in a list: the column of the bad element */
    S_expect_error("agency: A\nyear: 2023\nrequests:\n  new: [1, -2, 0, 0, 0, 0]\n", "negative", 4, 12);
}

static void test_all_errors_at_once(void **state)
{
    (void)state;
    NbDiag d = {0};
    assert_null(S_load_checked("agency: A\nyear: 2023\nactive_disclosure:\n  licensing: -1\n"
                               "  penalties: 1.5\n",
                               &d));
    assert_int_equal(d.errors, 2);
    nb_diag_free(&d);
}

static void test_missing_agency_year(void **state)
{
    (void)state;
    S_expect_error("year: 2023\n", "agency is missing", 1, 1);
    S_expect_error("agency: A\n", "year is missing", 1, 1);
    S_expect_error("agency: ''\nyear: 2023\n", "agency is empty", 1, 9);
    S_expect_error("agency: A\nyear: '2023'\n", "year: a year", 2, 7);
    S_expect_error("agency: A\nyear: 1999\n", "year: a year", 2, 7);
    S_expect_error("agency: [A, B]\nyear: 2023\n", "must be text", 1, 9);
    NbDiag d = {0};
    assert_null(S_load("title: x\n", &d));
    assert_non_null(S_find(&d, "agency is missing", NULL));
    assert_non_null(S_find(&d, "year is missing", NULL));
    nb_diag_free(&d);
}

static void test_bad_date(void **state)
{
    (void)state;
    /* an impossible date says which part is wrong; a shapeless one, how to write it */
    static const struct {
        const char *date, *says;
    } bad[] = {{"2023-02-30", "2023-02 has 28 days, not 30"},
               {"2023-02-29", "2023-02 has 28 days, not 29"},
               {"2024-02-30", "2024-02 has 29 days, not 30"},
               {"2023-13-01", "there is no month 13"},
               {"2023-00-10", "there is no month 0"},
               {"2023年4月31日", "2023-04 has 30 days, not 31"},
               {"1900-01-01", "the year 1900 cannot be right"},
               {"20230101", "YYYY-MM-DD"},
               {"2023-01-01x", "YYYY-MM-DD"},
               {"next week", "YYYY-MM-DD"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *y = nb_xasprintf("agency: A\nyear: 2023\ndate: %s\n", bad[i].date);
        S_expect_error(y, bad[i].says, 3, 7);
        free(y);
    }
    /* 2024年1月20日 is a date too; one before the year's end, or none, is a warning */
    NbDiag d = {0};
    NbReport *r = S_load("agency: A\nyear: 2023\ndate: 2024年1月20日\n", &d);
    assert_non_null(r);
    assert_int_equal(r->date_y * 10000 + r->date_m * 100 + r->date_d, 20240120);
    assert_int_equal(d.n, 0);
    nb_report_free(r);
    nb_diag_free(&d);
    r = S_load("agency: A\nyear: 2023\ndate: 2023-12-31\n", &d);
    assert_non_null(r);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.items[0].severity, NB_WARNING);
    assert_non_null(strstr(d.items[0].msg, "before the end of 2023"));
    nb_report_free(r);
    nb_diag_free(&d);
    r = S_load("agency: A\nyear: 2023\n", &d);
    assert_non_null(r);
    assert_int_equal(d.n, 1);
    assert_non_null(strstr(d.items[0].msg, "no date"));
    nb_report_free(r);
    nb_diag_free(&d);
}

static void test_not_a_mapping(void **state)
{
    (void)state;
    S_expect_error("- a\n- b\n", "must be a mapping", 1, 1);
    S_expect_error("agency: A\nyear: 2023\nrequests: [1, 2]\n", "must be a mapping of rows", 3, 11);
    S_expect_error("agency: A\nyear: 2023\npreamble: [a, b]\n", "must be text", 3, 11);
}

/* ------------------------------------------------------------------ YAML level */

static void S_expect_parse_error(const char *yaml, const char *piece, int line, int col)
{
    NbDiag d = {0};
    NbYDoc *doc = nb_ydoc_parse("t.yaml", yaml, strlen(yaml), &d);
    if (doc || !S_find(&d, piece, NULL)) nb_diag_print(&d, stderr);
    assert_null(doc);
    assert_true(d.errors >= 1);
    const NbDiagItem *it = S_find(&d, piece, NULL);
    assert_non_null(it);
    if (line) assert_int_equal(it->line, line);
    if (col) assert_int_equal(it->col, col);
    nb_diag_free(&d);
}

static void test_alias_anchor(void **state)
{
    (void)state;
    S_expect_parse_error("agency: &a X\nyear: 2023\n", "anchors", 1, 9);
    S_expect_parse_error("agency: X\nyear: 2023\ntitle: *a\n", "aliases", 3, 8);
    S_expect_parse_error("agency: X\nrequests:\n  new: &r [0, 0, 0, 0, 0, 0]\n"
                         "  carried_over: *r\n",
                         "anchors", 3, 8);
}

static void test_tab_indent(void **state)
{
    (void)state;
    S_expect_parse_error("agency: A\nrequests:\n\tnew: [0, 0, 0, 0, 0, 0]\n", "tab", 3, 0);
    NbDiag d = {0};
    const char *y = "agency: A\nrequests:\n\tnew: [0, 0, 0, 0, 0, 0]\n";
    assert_null(nb_ydoc_parse("t.yaml", y, strlen(y), &d));
    assert_non_null(S_find(&d, "replace the tab by spaces", NULL));
    nb_diag_free(&d);
}

static void test_malformed_yaml(void **state)
{
    (void)state;
    /* an unclosed flow sequence: the error is reported on a real line of the file */
    NbDiag d = {0};
    const char *y = "agency: A\nyear: 2023\nrequests:\n  new: [1, 2, 3\n  carried_over: 1\n";
    assert_null(nb_ydoc_parse("t.yaml", y, strlen(y), &d));
    assert_true(d.errors >= 1);
    assert_non_null(strstr(d.items[0].msg, "YAML syntax"));
    assert_true(d.items[0].line >= 4 && d.items[0].line <= 6);
    nb_diag_free(&d);
    /* a bad indentation: the line of the offending key */
    S_expect_parse_error("agency: A\n year: 2023\n", "YAML syntax", 2, 0);
    S_expect_parse_error("agency: A\nagency: B\n", "duplicate key 'agency' (first given at line 1)", 2,
                         1);
    S_expect_parse_error("a: 1\n---\nb: 2\n", "second YAML document", 0, 0);
}

static void test_samples(void **state)
{
    (void)state;
    const char *files[] = {"samples/chanhe-2023.yaml", "samples/dingdingmen-2023.yaml"};
    for (size_t i = 0; i < 2; i++) {
        NbDiag d = {0};
        NbYDoc *doc = nb_ydoc_load(files[i], &d);
        if (d.n) nb_diag_print(&d, stderr);
        assert_non_null(doc);
        assert_int_equal(d.errors, 0);
        NbReport *r = nb_report_from_yaml(doc, S_layout, &d);
        if (d.n) nb_diag_print(&d, stderr);
        assert_non_null(r);
        assert_int_equal(d.errors, 0);
        assert_int_equal(d.warnings, 0);
        assert_non_null(r->agency);
        assert_int_equal(r->year, 2023);
        assert_non_null(nb_report_prose(r, "overview"));
        assert_non_null(nb_report_prose(r, "problems"));
        /* R1/R3 of the format: 一 + 二 = (七)总计 + 四, in every column and the total */
        const NbRow *nw = S_row(r, "requests.new"), *co = S_row(r, "requests.carried_over"),
                    *tot = S_row(r, "requests.total"), *fw = S_row(r, "requests.carried_forward");
        for (int k = 0; k < 7; k++)
            assert_true(nw->vals[k].v + co->vals[k].v == tot->vals[k].v + fw->vals[k].v);
        if (i == 0) {
            assert_string_equal(S_row(r, "active_disclosure.fees")->vals[0].text, "0.35");
            assert_true(tot->vals[6].v == 24);
            assert_true(nw->vals[6].v == 24);
            assert_int_equal(r->date_y, 2024);
            assert_int_equal(r->date_m, 1);
            assert_int_equal(r->date_d, 26);
        }
        nb_report_free(r);
        nb_ydoc_free(doc);
        nb_diag_free(&d);
    }
    NbDiag d = {0};
    assert_null(nb_ydoc_load("samples/no-such-file.yaml", &d));
    assert_non_null(S_find(&d, "cannot read", NULL));
    nb_diag_free(&d);
}

/* Decimals are held exactly: digits and places, summed and compared without binary
 * floating point, printed with the places of the most precise. */
static void test_exact_decimals(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbReport *r = S_load("agency: A\nyear: 2023\nactive_disclosure:\n  fees: 0.12345\n", &d);
    assert_non_null(r);
    NbDec fee = S_row(r, "active_disclosure.fees")->vals[0].dec;
    assert_int_equal(fee.units, 12345);
    assert_int_equal(fee.places, 5);
    nb_report_free(r);
    nb_diag_free(&d);
    NbDec acc = {0, 0}, x = {1235, 2}, tenth = {1, 1};
    for (int i = 0; i < 100; i++) assert_true(nb_dec_add(&acc, x));
    NbValue v;
    nb_value_set_dec(&v, acc);
    assert_string_equal(v.text, "1235.00");
    acc = (NbDec){0, 0};
    for (int i = 0; i < 10; i++) assert_true(nb_dec_add(&acc, tenth));
    assert_int_equal(nb_dec_cmp(acc, (NbDec){1, 0}), 0);
    nb_value_set_dec(&v, acc);
    assert_string_equal(v.text, "1.0");
    nb_value_set_dec(&v, (NbDec){-5, 3});
    assert_string_equal(v.text, "-0.005");
    /* 0.1 + 0.2 is 0.3, which a double is not */
    acc = (NbDec){1, 1};
    assert_true(nb_dec_add(&acc, (NbDec){2, 1}));
    assert_int_equal(nb_dec_cmp(acc, (NbDec){3, 1}), 0);
    assert_int_equal(nb_dec_cmp((NbDec){3, 1}, (NbDec){31, 2}), -1);
    /* beyond 18 digits: refused, never wrapped */
    acc = (NbDec){INT64_MAX - 1, 0};
    assert_false(nb_dec_add(&acc, (NbDec){2, 0}));
    assert_int_equal(acc.units, INT64_MAX - 1);
    acc = (NbDec){1, 0};
    assert_false(nb_dec_add(&acc, (NbDec){1, -1}));
    r = S_load("agency: A\nyear: 2023\nactive_disclosure:\n  fees: 1234567890.1234567891\n", &d);
    assert_non_null(r);
    assert_true(S_row(r, "active_disclosure.fees")->vals[0].dec.places < 0);
    nb_report_free(r);
    nb_diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_all_zero),
        cmocka_unit_test(test_totals_computed),
        cmocka_unit_test(test_given_total_matches),
        cmocka_unit_test(test_given_total_mismatch),
        cmocka_unit_test(test_fee_keeps_text),
        cmocka_unit_test(test_requests_total_is_column_sum),
        cmocka_unit_test(test_date_ok),
        cmocka_unit_test(test_prose_paragraphs),
        cmocka_unit_test(test_text_paragraphs),
        cmocka_unit_test(test_text_paragraphs_collapse),
        cmocka_unit_test(test_unknown_top_key),
        cmocka_unit_test(test_unknown_nested_key),
        cmocka_unit_test(test_row_length),
        cmocka_unit_test(test_bad_numbers),
        cmocka_unit_test(test_all_errors_at_once),
        cmocka_unit_test(test_missing_agency_year),
        cmocka_unit_test(test_bad_date),
        cmocka_unit_test(test_not_a_mapping),
        cmocka_unit_test(test_alias_anchor),
        cmocka_unit_test(test_tab_indent),
        cmocka_unit_test(test_malformed_yaml),
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_exact_decimals),
    };
    return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
