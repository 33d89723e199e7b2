/* Unit tests: the generic rule checker (check.c) against the real layout's rules R1–R7
 * (FORMAT.md §7). Each test starts from one fully consistent report with non-zero figures
 * in every table, changes it, and expects the exact diagnostics: message, severity, file,
 * line and column (computed from the YAML written here), and nothing else. */
#include <ctype.h>
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
#include "util.h"
#include "yamltree.h"

static int S_setup(void **state)
{
    (void)state;
    return S_open();
}

/* ------------------------------------------------------------------ the base report */

/* Every applicant column satisfies R1 and R3:
 *   （一）…（六） per column: [23, 6, 3, 4, 3, 4] = （七）总计 43
 *   一 [22, 6, 2, 5, 3, 4] 42 + 二 [3, 1, 1, 0, 1, 0] 6 = 48
 *   （七） 43 + 四 [2, 1, 0, 1, 1, 0] 5 = 48
 * 二: 现行有效规范性文件 5; 四: 行政复议 3, 行政诉讼 2 + 2. No line carries a comment, so
 * the n-th number of a line is the n-th value. */
static const char S_base[] = "agency: 测试街道办事处\n"
                             "year: 2023\n"
                             "date: 2024-01-20\n"
                             "active_disclosure:\n"
                             "  regulations: [1, 0, 2]\n"
                             "  normative_documents: [2, 1, 5]\n"
                             "  licensing: 5\n"
                             "  penalties: 12\n"
                             "  enforcement: 3\n"
                             "  fees: 0.35\n"
                             "requests:\n"
                             "  new: [22, 6, 2, 5, 3, 4]\n"
                             "  carried_over: [3, 1, 1, 0, 1, 0]\n"
                             "  granted: [9, 2, 1, 1, 1, 1]\n"
                             "  partly_granted: [2, 1, 0, 1, 0, 0]\n"
                             "  denied:\n"
                             "    state_secret: [1, 0, 0, 0, 0, 0]\n"
                             "    prohibited_by_law: [0, 1, 0, 0, 0, 0]\n"
                             "    security_stability: [0, 0, 1, 0, 0, 0]\n"
                             "    third_party: [1, 0, 0, 0, 0, 1]\n"
                             "    internal_affairs: [0, 0, 0, 1, 0, 0]\n"
                             "    process_info: [1, 0, 0, 0, 0, 0]\n"
                             "    enforcement_files: [0, 0, 0, 0, 1, 0]\n"
                             "    query_matters: [1, 0, 0, 0, 0, 0]\n"
                             "  unavailable:\n"
                             "    not_held: [3, 1, 0, 0, 0, 0]\n"
                             "    needs_creation: [1, 0, 1, 0, 0, 0]\n"
                             "    unclear: [0, 0, 0, 0, 0, 1]\n"
                             "  not_processed:\n"
                             "    complaints: [1, 0, 0, 0, 0, 0]\n"
                             "    duplicate: [1, 0, 0, 0, 0, 0]\n"
                             "    publications: [0, 1, 0, 0, 0, 0]\n"
                             "    excessive: [0, 0, 0, 1, 0, 0]\n"
                             "    confirmation: [0, 0, 0, 0, 1, 0]\n"
                             "  other:\n"
                             "    no_correction: [1, 0, 0, 0, 0, 0]\n"
                             "    fee_unpaid: [0, 0, 0, 0, 0, 1]\n"
                             "    other: [1, 0, 0, 0, 0, 0]\n"
                             "  carried_forward: [2, 1, 0, 1, 1, 0]\n"
                             "appeals:\n"
                             "  review: [1, 1, 0, 1]\n"
                             "  litigation: [1, 0, 0, 1]\n"
                             "  litigation_after_review: [0, 1, 1, 0]\n";

static const char *const S_cols[7] = {"自然人", "商业企业", "科研机构", "社会公益组织",
                                      "法律服务机构", "其他", "总计"};

/* ------------------------------------------------------------------ helpers */

/* The lines of yaml that begin with prefix; exactly one is expected. */
static const char *S_line(const char *yaml, const char *prefix)
{
    const char *found = NULL;
    int n = 0;
    for (const char *p = yaml; p && *p;) {
        if (strncmp(p, prefix, strlen(prefix)) == 0) found = p, n++;
        p = strchr(p, '\n');
        if (p) p++;
    }
    if (n != 1) fail_msg("%d lines begin with '%s'", n, prefix);
    return found;
}

typedef struct {
    int line, col;
} S_Pos;

/* Line and column (1-based; the column counts characters) of byte offset off. */
static S_Pos S_pos_of(const char *text, size_t off)
{
    S_Pos p = {1, 1};
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') p.line++, p.col = 1;
        else if (((unsigned char)text[i] & 0xC0) != 0x80) p.col++;
    }
    return p;
}

/* Where the nth (0-based) number of the line beginning with prefix is; nth -1: its '['. */
static S_Pos S_num(const char *yaml, const char *prefix, int nth)
{
    const char *p = S_line(yaml, prefix) + strlen(prefix), *eol = strchr(p, '\n');
    if (!eol) eol = p + strlen(p);
    const char *at = NULL;
    if (nth < 0) {
        at = memchr(p, '[', (size_t)(eol - p));
    } else {
        int k = 0;
        for (const char *q = p; q < eol && !at; q++) {
            int digit = isdigit((unsigned char)*q), prev = (unsigned char)q[-1];
            int starts = (digit || (*q == '-' && isdigit((unsigned char)q[1]))) && !isdigit(prev) &&
                         prev != '.' && prev != '-';
            if (starts && k++ == nth) at = q;
        }
    }
    if (!at) fail_msg("no number %d on the line '%s'", nth, prefix);
    return S_pos_of(yaml, (size_t)(at - yaml));
}

/* Where the nth (0-based) occurrence of needle is in yaml. */
static S_Pos S_text_at(const char *yaml, const char *needle, int nth)
{
    const char *at = strstr(yaml, needle);
    for (int k = 0; at && k < nth; k++) at = strstr(at + 1, needle);
    if (!at) fail_msg("'%s' (%d) is not in the YAML", needle, nth);
    return S_pos_of(yaml, (size_t)(at - yaml));
}

/* yaml with each line beginning with a prefix replaced by the text after it (which may hold
 * several lines): S_edit(yaml, prefix, line, prefix, line, …, NULL). Free the result. */
static char *S_edit(const char *yaml, ...)
{
    char *cur = nb_xstrdup(yaml);
    va_list ap;
    va_start(ap, yaml);
    for (const char *prefix; (prefix = va_arg(ap, const char *));) {
        const char *with = va_arg(ap, const char *);
        const char *at = S_line(cur, prefix), *eol = strchr(at, '\n');
        if (!eol) eol = at + strlen(at);
        char *next = nb_xasprintf("%.*s%s%s", (int)(at - cur), cur, with, eol);
        free(cur);
        cur = next;
    }
    va_end(ap);
    return cur;
}

/* Parse, load (which must succeed without a diagnostic) and check. */
static NbReport *S_load_as(const char *file, const char *yaml, NbDiag *d)
{
    NbYDoc *doc = nb_ydoc_parse(file, yaml, strlen(yaml), d);
    NbReport *r = doc ? nb_report_from_yaml(doc, S_layout, d) : NULL;
    nb_ydoc_free(doc);
    if (!r || d->n) {
        nb_diag_print(d, stderr);
        fprintf(stderr, "the report did not load cleanly:\n%s\n", yaml);
    }
    assert_non_null(r);
    assert_int_equal(d->n, 0);
    return r;
}

static void S_check(const char *yaml, NbDiag *d)
{
    NbReport *r = S_load_as("t.yaml", yaml, d);
    nb_check_report(r, S_layout, d);
    nb_report_free(r);
}

typedef struct {
    NbSeverity sev;
    int line, col;
    char msg[768];
} S_Want;

static S_Want S_want(NbSeverity sev, S_Pos at, const char *fmt, va_list ap)
{
    S_Want w = {sev, at.line, at.col, ""};
    vsnprintf(w.msg, sizeof w.msg, fmt, ap);
    return w;
}

static S_Want S_err(S_Pos at, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static S_Want S_err(S_Pos at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    S_Want w = S_want(NB_ERROR, at, fmt, ap);
    va_end(ap);
    return w;
}

static S_Want S_warn(S_Pos at, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static S_Want S_warn(S_Pos at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    S_Want w = S_want(NB_WARNING, at, fmt, ap);
    va_end(ap);
    return w;
}

static const char *S_sev(NbSeverity s) { return s == NB_ERROR ? "error" : "warning"; }

/* The diagnostics are exactly the wanted ones (in any order), all in t.yaml. */
static void S_expect(const NbDiag *d, const S_Want *w, size_t n)
{
    int ok = d->n == n;
    char used[128] = {0};
    assert_true(d->n < sizeof used);
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        for (; j < d->n; j++) {
            const NbDiagItem *it = &d->items[j];
            if (!used[j] && it->severity == w[i].sev && strcmp(it->msg, w[i].msg) == 0 &&
                strcmp(it->file, "t.yaml") == 0 && it->line == w[i].line && it->col == w[i].col)
                break;
        }
        if (j < d->n) used[j] = 1;
        else ok = 0;
    }
    if (!ok) {
        fprintf(stderr, "wanted %zu diagnostic(s):\n", n);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "  t.yaml:%d:%d: %s: %s\n", w[i].line, w[i].col, S_sev(w[i].sev), w[i].msg);
        fprintf(stderr, "got %zu:\n", d->n);
        for (size_t j = 0; j < d->n; j++)
            fprintf(stderr, "  %s%s:%d:%d: %s: %s\n", used[j] ? "" : "(unexpected) ", d->items[j].file,
                    d->items[j].line, d->items[j].col, S_sev(d->items[j].severity), d->items[j].msg);
    }
    assert_true(ok);
    size_t errors = 0;
    for (size_t i = 0; i < n; i++) errors += w[i].sev == NB_ERROR;
    assert_int_equal(d->errors, errors);
    assert_int_equal(d->warnings, n - errors);
}

#define S_EXPECT(d, ...)                                                                           \
    do {                                                                                           \
        const S_Want S_w_[] = {__VA_ARGS__};                                                       \
        S_expect((d), S_w_, sizeof S_w_ / sizeof *S_w_);                                           \
    } while (0)

/* Check yaml and expect nothing at all. */
static void S_expect_clean(const char *yaml)
{
    NbDiag d = {0};
    S_check(yaml, &d);
    S_expect(&d, NULL, 0);
    nb_diag_free(&d);
}

/* ------------------------------------------------------------------ the base */

static void test_base_is_consistent(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbReport *r = S_load_as("t.yaml", S_base, &d);
    /* the figures the other tests rely on */
    const NbRow *tot = &r->rows[nb_layout_field(S_layout, "requests.total")];
    static const double want[7] = {23, 6, 3, 4, 3, 4, 43};
    for (int k = 0; k < 7; k++) assert_true(tot->vals[k].v == want[k]);
    /* non-zero figures in every table */
    assert_true(r->rows[nb_layout_field(S_layout, "active_disclosure.normative_documents")].vals[2].v == 5);
    assert_true(r->rows[nb_layout_field(S_layout, "appeals.review")].vals[4].v == 3);
    nb_check_report(r, S_layout, &d);
    S_expect(&d, NULL, 0);
    nb_report_free(r);
    nb_diag_free(&d);
}

/* The sample report says it satisfies R1, R3 and R7: nothing, not even a warning. */
static void test_sample_is_consistent(void **state)
{
    (void)state;
    NbDiag d = {0};
    NbYDoc *doc = nb_ydoc_load("samples/chanhe-2023.yaml", &d);
    assert_non_null(doc);
    NbReport *r = nb_report_from_yaml(doc, S_layout, &d);
    assert_non_null(r);
    nb_check_report(r, S_layout, &d);
    if (d.n) nb_diag_print(&d, stderr);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 0);
    nb_report_free(r);
    nb_ydoc_free(doc);
    nb_diag_free(&d);
}

/* ------------------------------------------------------------------ R1 */

/* 四 自然人 + 1: the 自然人 column breaks, and so does the 总计 column. Both are reported at
 * the right side's first given row (四, since （七）总计 is computed): its value in the
 * column, and for the 总计 (which the data does not give) its row. */
static void test_r1_one_column(void **state)
{
    (void)state;
    char *y = S_edit(S_base, "  carried_forward:", "  carried_forward: [3, 1, 0, 1, 1, 0]", NULL);
    NbDiag d = {0};
    S_check(y, &d);
    S_EXPECT(&d,
             S_err(S_num(y, "  carried_forward:", 0),
                   "三 column 自然人: 一 + 二 = 25 but （七）总计 + 四 = 26 (R1)"),
             S_err(S_num(y, "  carried_forward:", -1),
                   "三 column 总计: 一 + 二 = 48 but （七）总计 + 四 = 49 (R1)"));
    nb_diag_free(&d);
    free(y);
}

/* Three columns at once (商业企业 +1, 科研机构 +1, 法律服务机构 −1; the sum moves by one). */
static void test_r1_three_columns(void **state)
{
    (void)state;
    char *y = S_edit(S_base, "  carried_forward:", "  carried_forward: [2, 2, 1, 1, 0, 0]", NULL);
    NbDiag d = {0};
    S_check(y, &d);
    const char *c = "  carried_forward:";
    S_EXPECT(&d, S_err(S_num(y, c, 1), "三 column 商业企业: 一 + 二 = 7 but （七）总计 + 四 = 8 (R1)"),
             S_err(S_num(y, c, 2), "三 column 科研机构: 一 + 二 = 3 but （七）总计 + 四 = 4 (R1)"),
             S_err(S_num(y, c, 4), "三 column 法律服务机构: 一 + 二 = 4 but （七）总计 + 四 = 3 (R1)"),
             S_err(S_num(y, c, -1), "三 column 总计: 一 + 二 = 48 but （七）总计 + 四 = 49 (R1)"));
    nb_diag_free(&d);
    free(y);
}

/* One more new request in every column: all seven columns, each with its label. */
static void test_r1_every_column(void **state)
{
    (void)state;
    char *y = S_edit(S_base, "  new:", "  new: [23, 7, 3, 6, 4, 5]", NULL);
    NbDiag d = {0};
    S_check(y, &d);
    static const int left[7] = {26, 8, 4, 6, 5, 5, 54}, right[7] = {25, 7, 3, 5, 4, 4, 48};
    S_Want w[7];
    for (int k = 0; k < 7; k++)
        w[k] = S_err(S_num(y, "  carried_forward:", k < 6 ? k : -1),
                     "三 column %s: 一 + 二 = %d but （七）总计 + 四 = %d (R1)", S_cols[k], left[k],
                     right[k]);
    S_expect(&d, w, 7);
    nb_diag_free(&d);
    free(y);
}

/* ------------------------------------------------------------------ R2 */

static void test_r2_wrong_total(void **state)
{
    (void)state;
    char *y = S_edit(S_base, "  granted:", "  granted: [9, 2, 1, 1, 1, 1, 16]", NULL);
    NbDiag d = {0};
    S_check(y, &d);
    S_EXPECT(&d, S_err(S_num(y, "  granted:", 6),
                       "三 （一）予以公开: 总计 is given as 16 but the columns sum to 15 (R2)"));
    nb_diag_free(&d);
    free(y);
}

static void test_r2_right_total(void **state)
{
    (void)state;
    char *y = S_edit(S_base, "  granted:", "  granted: [9, 2, 1, 1, 1, 1, 15]", "  new:",
                     "  new: [22, 6, 2, 5, 3, 4, 42]", "    third_party:",
                     "    third_party: [1, 0, 0, 0, 0, 1, 2]", NULL);
    S_expect_clean(y);
    free(y);
}

static void test_r2_two_rows(void **state)
{
    (void)state;
    char *y = S_edit(S_base, "  granted:", "  granted: [9, 2, 1, 1, 1, 1, 14]", "    third_party:",
                     "    third_party: [1, 0, 0, 0, 0, 1, 4]", "  new:",
                     "  new: [22, 6, 2, 5, 3, 4, 42]", NULL);
    NbDiag d = {0};
    S_check(y, &d);
    S_EXPECT(&d,
             S_err(S_num(y, "  granted:", 6),
                   "三 （一）予以公开: 总计 is given as 14 but the columns sum to 15 (R2)"),
             S_err(S_num(y, "    third_party:", 6),
                   "三 （三）4.保护第三方合法权益: 总计 is given as 4 but the columns sum to 2 (R2)"));
    nb_diag_free(&d);
    free(y);
}

/* The （七）总计 row is a row of table 三 too: a 总计 given for it is checked like any other. */
static void test_r2_given_grand_total(void **state)
{
    (void)state;
    char *y = S_edit(S_base, "  carried_forward:",
                     "  total: [23, 6, 3, 4, 3, 4, 44]\n  carried_forward: [2, 1, 0, 1, 1, 0]", NULL);
    NbDiag d = {0};
    S_check(y, &d);
    S_EXPECT(&d, S_err(S_num(y, "  total:", 6),
                       "三 （七）总计: 总计 is given as 44 but the columns sum to 43 (R2)"));
    nb_diag_free(&d);
    free(y);
    /* given right, nothing */
    y = S_edit(S_base, "  carried_forward:",
               "  total: [23, 6, 3, 4, 3, 4, 43]\n  carried_forward: [2, 1, 0, 1, 1, 0]", NULL);
    S_expect_clean(y);
    free(y);
}

/* ------------------------------------------------------------------ R3 */

static const char S_r3_sum[] = "（一） + （二） + （三） + （四） + （五） + （六）";

/* （七）总计 given one too many for 自然人; 四 one fewer, so that R1 still holds. R3 reports
 * at the （七）总计 the data gives: the row the rule checks (check.c: S_equal_at). */
static void test_r3_one_column(void **state)
{
    (void)state;
    char *y = S_edit(S_base, "  carried_forward:",
                     "  total: [24, 6, 3, 4, 3, 4]\n  carried_forward: [1, 1, 0, 1, 1, 0]", NULL);
    NbDiag d = {0};
    S_check(y, &d);
    S_EXPECT(&d,
             S_err(S_num(y, "  total:", 0), "三 column 自然人: （七）总计 = 24 but %s = 23 (R3)",
                   S_r3_sum),
             S_err(S_num(y, "  total:", -1), "三 column 总计: （七）总计 = 44 but %s = 43 (R3)",
                   S_r3_sum));
    nb_diag_free(&d);
    free(y);
}

/* Two columns off in opposite directions: the 总计 column holds. */
static void test_r3_two_columns(void **state)
{
    (void)state;
    /* 四 社会公益组织 1 → 3; 二 其他 0 → 2, so that R1 holds */
    char *y = S_edit(S_base, "  carried_forward:",
                     "  total: [23, 6, 3, 2, 3, 6]\n  carried_forward: [2, 1, 0, 3, 1, 0]",
                     "  carried_over:", "  carried_over: [3, 1, 1, 0, 1, 2]", NULL);
    NbDiag d = {0};
    S_check(y, &d);
    S_EXPECT(&d,
             S_err(S_num(y, "  total:", 3), "三 column 社会公益组织: （七）总计 = 2 but %s = 4 (R3)",
                   S_r3_sum),
             S_err(S_num(y, "  total:", 5), "三 column 其他: （七）总计 = 6 but %s = 4 (R3)",
                   S_r3_sum));
    nb_diag_free(&d);
    free(y);
}

static void test_r3_given_right(void **state)
{
    (void)state;
    char *y = S_edit(S_base, "  carried_forward:",
                     "  total: [23, 6, 3, 4, 3, 4]\n  carried_forward: [2, 1, 0, 1, 1, 0]", NULL);
    S_expect_clean(y);
    free(y);
}

/* ------------------------------------------------------------------ R4 */

static void test_r4_each_row(void **state)
{
    (void)state;
    static const struct {
        const char *prefix, *line, *label;
        int given, sum;
    } rows[] = {
        {"  review:", "  review: [1, 1, 0, 1, 4]", "行政复议", 4, 3},
        {"  litigation:", "  litigation: [1, 0, 0, 1, 3]", "行政诉讼·未经复议直接起诉", 3, 2},
        {"  litigation_after_review:", "  litigation_after_review: [0, 1, 1, 0, 0]",
         "行政诉讼·复议后起诉", 0, 2},
    };
    for (size_t i = 0; i < 3; i++) {
        char *y = S_edit(S_base, rows[i].prefix, rows[i].line, NULL);
        NbDiag d = {0};
        S_check(y, &d);
        S_EXPECT(&d, S_err(S_num(y, rows[i].prefix, 4),
                           "四 %s: 总计 is given as %d but the columns sum to %d (R4)", rows[i].label,
                           rows[i].given, rows[i].sum));
        nb_diag_free(&d);
        free(y);
    }
    /* all three at once */
    char *y = S_edit(S_base, rows[0].prefix, rows[0].line, rows[1].prefix, rows[1].line,
                     rows[2].prefix, rows[2].line, NULL);
    NbDiag d = {0};
    S_check(y, &d);
    S_Want w[3];
    for (size_t i = 0; i < 3; i++)
        w[i] = S_err(S_num(y, rows[i].prefix, 4), "四 %s: 总计 is given as %d but the columns sum to %d (R4)",
                     rows[i].label, rows[i].given, rows[i].sum);
    S_expect(&d, w, 3);
    nb_diag_free(&d);
    free(y);
    /* given right: nothing */
    y = S_edit(S_base, "  review:", "  review: [1, 1, 0, 1, 3]", "  litigation:",
               "  litigation: [1, 0, 0, 1, 2]", "  litigation_after_review:",
               "  litigation_after_review: [0, 1, 1, 0, 2]", NULL);
    S_expect_clean(y);
    free(y);
}

/* ------------------------------------------------------------------ R5 */

static const char S_neg[] = "is negative; counts are 0 or more (R5)";
static const char S_frac[] = "is not a whole number; a count of cases has no fraction (R5)";
static const char S_big[] = "is beyond 1000000000; check the figure (R5)";

static void test_r5_table_two(void **state)
{
    (void)state;
    NbDiag d = {0};
    /* a count row of three, and a row of one */
    char *y = S_edit(S_base, "  regulations:", "  regulations: [1, 0, -2]", "  licensing:",
                     "  licensing: 1.5", "  penalties:", "  penalties: 2000000000", NULL);
    S_check(y, &d);
    S_EXPECT(&d, S_err(S_num(y, "  regulations:", 2), "二 规章, 现行有效件数: -2 %s", S_neg),
             S_err(S_num(y, "  licensing:", 0), "二 行政许可, 本年处理决定数量: 1.5 %s", S_frac),
             S_err(S_num(y, "  penalties:", 0), "二 行政处罚, 本年处理决定数量: 2000000000 %s", S_big));
    nb_diag_free(&d);
    free(y);
    /* the fee: a fraction is fine, a negative or a huge fee is not */
    y = S_edit(S_base, "  fees:", "  fees: 12.345", NULL);
    S_expect_clean(y);
    free(y);
    y = S_edit(S_base, "  fees:", "  fees: -0.35", NULL);
    S_check(y, &d);
    S_EXPECT(&d, S_err(S_num(y, "  fees:", 0), "二 行政事业性收费, 本年收费金额（单位：万元）: -0.35 %s",
                       S_neg));
    nb_diag_free(&d);
    free(y);
    y = S_edit(S_base, "  fees:", "  fees: 2000000000.5", NULL);
    S_check(y, &d);
    S_EXPECT(&d, S_err(S_num(y, "  fees:", 0),
                       "二 行政事业性收费, 本年收费金额（单位：万元）: 2000000000.5 %s", S_big));
    nb_diag_free(&d);
    free(y);
    /* the bound itself */
    y = S_edit(S_base, "  normative_documents:", "  normative_documents: [2, 1, 1000000000]",
               "  enforcement:", "  enforcement: 1000000000", "  fees:", "  fees: 1000000000", NULL);
    S_expect_clean(y);
    free(y);
}

/* A figure beyond the bound is quoted as written, not as the double it rounds to. */
static void test_r5_quotes_figure_as_written(void **state)
{
    (void)state;
    char *y = S_edit(S_base, "  penalties:", "  penalties: 99999999999999999999", NULL);
    NbDiag d = {0};
    S_check(y, &d);
    S_EXPECT(&d, S_err(S_num(y, "  penalties:", 0), "二 行政处罚, 本年处理决定数量: 99999999999999999999 %s",
                       S_big));
    nb_diag_free(&d);
    free(y);
}

/* "-0" is zero, but a table never shows "-0": either R5 refuses it or it is printed 0. */
static void test_r5_minus_zero(void **state)
{
    (void)state;
    char *y = S_edit(S_base, "  penalties:", "  penalties: -0", NULL);
    NbDiag d = {0};
    NbReport *r = S_load_as("t.yaml", y, &d);
    nb_check_report(r, S_layout, &d);
    const NbValue *v = &r->rows[nb_layout_field(S_layout, "active_disclosure.penalties")].vals[0];
    if (!d.errors && strcmp(v->text, "0")) fprintf(stderr, "-0 accepted and printed as '%s'\n", v->text);
    assert_true(d.errors > 0 || strcmp(v->text, "0") == 0);
    nb_report_free(r);
    nb_diag_free(&d);
    free(y);
}

/* In 三 each change is balanced within its column, so R1 and R3 still hold. */
static void test_r5_table_three(void **state)
{
    (void)state;
    NbDiag d = {0};
    /* （二） 商业企业 1 → −1, （一） 2 → 4 */
    char *y = S_edit(S_base, "  partly_granted:", "  partly_granted: [2, -1, 0, 1, 0, 0]", "  granted:",
                     "  granted: [9, 4, 1, 1, 1, 1]", NULL);
    S_check(y, &d);
    S_EXPECT(&d, S_err(S_num(y, "  partly_granted:", 1), "三 （二）部分公开, 商业企业: -1 %s", S_neg));
    nb_diag_free(&d);
    free(y);
    /* halves: 1 → 0.5 and 2 → 2.5 */
    y = S_edit(S_base, "  partly_granted:", "  partly_granted: [2, 0.5, 0, 1, 0, 0]", "  granted:",
               "  granted: [9, 2.5, 1, 1, 1, 1]", NULL);
    S_check(y, &d);
    S_EXPECT(&d, S_err(S_num(y, "  partly_granted:", 1), "三 （二）部分公开, 商业企业: 0.5 %s", S_frac),
             S_err(S_num(y, "  granted:", 1), "三 （一）予以公开, 商业企业: 2.5 %s", S_frac));
    nb_diag_free(&d);
    free(y);
    /* too big: 二 and 四 of 自然人 both move by 1999999997 */
    y = S_edit(S_base, "  carried_over:", "  carried_over: [2000000000, 1, 1, 0, 1, 0]",
               "  carried_forward:", "  carried_forward: [1999999999, 1, 0, 1, 1, 0]", NULL);
    S_check(y, &d);
    S_EXPECT(&d,
             S_err(S_num(y, "  carried_over:", 0), "三 二、上年结转政府信息公开申请数量, 自然人: 2000000000 %s",
                   S_big),
             S_err(S_num(y, "  carried_forward:", 0),
                   "三 四、结转下年度继续办理, 自然人: 1999999999 %s", S_big));
    nb_diag_free(&d);
    free(y);
    /* a row in a group, the 其他 column: −1 and +1 in （五） */
    y = S_edit(S_base, "    duplicate:", "    duplicate: [1, 0, 0, 0, 0, -1]", "    complaints:",
               "    complaints: [1, 0, 0, 0, 0, 1]", NULL);
    S_check(y, &d);
    S_EXPECT(&d, S_err(S_num(y, "    duplicate:", 5), "三 （五）2.重复申请, 其他: -1 %s", S_neg));
    nb_diag_free(&d);
    free(y);
    /* the bound itself: 二 and 四 of 自然人 */
    y = S_edit(S_base, "  carried_over:", "  carried_over: [1000000000, 1, 1, 0, 1, 0]",
               "  carried_forward:", "  carried_forward: [999999999, 1, 0, 1, 1, 0]", NULL);
    S_expect_clean(y);
    free(y);
}

static void test_r5_table_four(void **state)
{
    (void)state;
    NbDiag d = {0};
    char *y = S_edit(S_base, "  review:", "  review: [1, -1, 0, 1]", "  litigation:",
                     "  litigation: [1, 0.5, 0, 1]", "  litigation_after_review:",
                     "  litigation_after_review: [0, 1, 2000000000, 0]", NULL);
    S_check(y, &d);
    S_EXPECT(&d, S_err(S_num(y, "  review:", 1), "四 行政复议, 结果纠正: -1 %s", S_neg),
             S_err(S_num(y, "  litigation:", 1), "四 行政诉讼·未经复议直接起诉, 结果纠正: 0.5 %s", S_frac),
             S_err(S_num(y, "  litigation_after_review:", 2),
                   "四 行政诉讼·复议后起诉, 其他结果: 2000000000 %s", S_big));
    nb_diag_free(&d);
    free(y);
    y = S_edit(S_base, "  review:", "  review: [1000000000, 1, 0, 1]", NULL);
    S_expect_clean(y);
    free(y);
}

/* ------------------------------------------------------------------ R6 */

static void S_check_previous(const char *yaml, const char *last, NbDiag *d)
{
    NbReport *r = S_load_as("t.yaml", yaml, d);
    NbReport *p = S_load_as("last.yaml", last, d);
    nb_check_previous(r, p, S_layout, d);
    nb_report_free(p);
    nb_report_free(r);
}

static const char S_last_pre[] = "agency: 测试街道办事处\nyear: 2022\ndate: 2023-01-20\nrequests:\n";
#define S_TWO "二、上年结转政府信息公开申请数量"
#define S_FOUR "四、结转下年度继续办理"

static void test_r6_carry(void **state)
{
    (void)state;
    NbDiag d = {0};
    /* equal: nothing */
    char *last = nb_xasprintf("%s  carried_forward: [3, 1, 1, 0, 1, 0]\n", S_last_pre);
    S_check_previous(S_base, last, &d);
    S_expect(&d, NULL, 0);
    nb_diag_free(&d);
    free(last);
    /* two columns differ, the sum does not */
    last = nb_xasprintf("%s  carried_forward: [2, 2, 1, 0, 1, 0]\n", S_last_pre);
    S_check_previous(S_base, last, &d);
    S_Pos l0 = S_num(last, "  carried_forward:", 0), l1 = S_num(last, "  carried_forward:", 1);
    S_EXPECT(&d,
             S_err(S_num(S_base, "  carried_over:", 0),
                   "三 column 自然人: " S_TWO " = 3 but last year's " S_FOUR " = 2 (last.yaml:%d:%d) (R6)",
                   l0.line, l0.col),
             S_err(S_num(S_base, "  carried_over:", 1),
                   "三 column 商业企业: " S_TWO " = 1 but last year's " S_FOUR " = 2 (last.yaml:%d:%d) (R6)",
                   l1.line, l1.col));
    nb_diag_free(&d);
    free(last);
    /* one column differs: its 总计 too, reported at the rows */
    last = nb_xasprintf("%s  carried_forward: [3, 1, 1, 0, 1, 1]\n", S_last_pre);
    S_check_previous(S_base, last, &d);
    S_Pos l5 = S_num(last, "  carried_forward:", 5), lt = S_num(last, "  carried_forward:", -1);
    S_EXPECT(&d,
             S_err(S_num(S_base, "  carried_over:", 5),
                   "三 column 其他: " S_TWO " = 0 but last year's " S_FOUR " = 1 (last.yaml:%d:%d) (R6)",
                   l5.line, l5.col),
             S_err(S_num(S_base, "  carried_over:", -1),
                   "三 column 总计: " S_TWO " = 6 but last year's " S_FOUR " = 7 (last.yaml:%d:%d) (R6)",
                   lt.line, lt.col));
    nb_diag_free(&d);
    free(last);
    /* R6 is no part of nb_check_report: the base's 二 differs from its own 四 */
    S_expect_clean(S_base);
}

/* ------------------------------------------------------------------ R7 */

/* The prose, clause by clause, as written in the YAML (a `|` block under overview:), each
 * with a wrong version: what the warning quotes, the cells it names, their value, and
 * where the first of them is in the file (a line's prefix and its n-th number, -1: '['). */
static const struct S_Clause {
    const char *good, *bad;
    const char *head; /* the phrase's first characters in `bad` */
    const char *said; /* the phrase as the message quotes it */
    const char *cells, *value;
    const char *row;
    int nth;
} S_clauses[] = {
    {"  （一）主动公开情况。全年制发行政规范性文件2件，", NULL, NULL, NULL, NULL, NULL, NULL, 0},
    {"现行有效行政规范性文件5件；", "现行有效行政规范性文件6件；", "现行", "现行有效行政规范性文件6件",
     "二 行政规范性文件, 现行有效件数", "5", "  normative_documents:", 2},
    {"作出行政许可决定5件、", "作出行政许可决定4件、", "行政许可", "行政许可决定4件",
     "二 行政许可, 本年处理决定数量", "5", "  licensing:", 0},
    {"行政处罚决定12件、", "行政处罚决定21件、", "行政处罚", "行政处罚决定21件",
     "二 行政处罚, 本年处理决定数量", "12", "  penalties:", 0},
    {"行政强制决定3件。\n\n", "行政强制决定13件。\n\n", "行政强制", "行政强制决定13件",
     "二 行政强制, 本年处理决定数量", "3", "  enforcement:", 0},
    {"  （二）依申请公开办理情况。本年度共", NULL, NULL, NULL, NULL, NULL, NULL, 0},
    {"收到政府信息公开申请 42 件，", "收到政府信息公开申请 24 件，", "收到", "收到政府信息公开申请24件",
     "三 一、本年新收政府信息公开申请数量, 总计", "42", "  new:", -1},
    {"其中自然人申请22件，", "其中自然人申请2件，", "自然人", "自然人申请2件",
     "三 一、本年新收政府信息公开申请数量, 自然人", "22", "  new:", 0},
    {"法人或其他组织申请\n  20件；", "法人或其他组织申请\n  19件；", "法人", "法人或其他组织申请19件",
     "三 一、本年新收政府信息公开申请数量, 商业企业 … 其他", "20", "  new:", 1},
    {"另有上年结转申请6件。\n  办结的申请中，", "另有上年结转申请7件。\n  办结的申请中，", "上年",
     "上年结转申请7件", "三 二、上年结转政府信息公开申请数量, 总计", "6", "  carried_over:", -1},
    {"予以公开15件，", "予以公开16件，", "予以", "予以公开16件", "三 （一）予以公开, 总计", "15",
     "  granted:", -1},
    {"部分公开4件，", "部分公开40件，", "部分", "部分公开40件", "三 （二）部分公开, 总计", "4",
     "  partly_granted:", -1},
    {"不予公开9件，", "不予公开1件，", "不予", "不予公开1件",
     "三 （三）1.属于国家秘密 … （三）8.属于行政查询事项, 总计", "9", "    state_secret:", -1},
    {"无法提供7件，", "无法提供8件，", "无法", "无法提供8件",
     "三 （四）1.本机关不掌握相关政府信息 … （四）3.补正后申请内容仍不明确, 总计", "7",
     "    not_held:", -1},
    {"不予处理5件，", "不予处理0件，", "不予", "不予处理0件",
     "三 （五）1.信访举报投诉类申请 … （五）5.要求行政机关确认或重新出具已获取信息, 总计", "5",
     "    complaints:", -1},
    {"其他处理3件；", "其他处理2件；", "其他", "其他处理2件",
     "三 （六）1.申请人无正当理由逾期不补正 … （六）3.其他, 总计", "3", "    no_correction:", -1},
    {"尚有5件结转下年度继续办理。\n\n", "尚有15件结转下年度继续办理。\n\n", "15", "15件结转",
     "三 四、结转下年度继续办理, 总计", "5", "  carried_forward:", -1},
    {"  全年发生", NULL, NULL, NULL, NULL, NULL, NULL, 0},
    {"行政复议3件，", "行政复议30件，", "行政", "行政复议30件", "四 行政复议, 总计", "3", "  review:",
     -1},
    {"行政诉讼4件。\n", "行政诉讼2件。\n", "行政", "行政诉讼2件",
     "四 行政诉讼·未经复议直接起诉 … 行政诉讼·复议后起诉, 总计", "4", "  litigation:", -1},
};
#define S_NCLAUSES (sizeof S_clauses / sizeof *S_clauses)

/* The base with the prose; clause i is the wrong one when bad[i]. The offset of each
 * clause in the result goes to at[i]. */
static char *S_prose_report(const int *bad, size_t *at)
{
    NbBuf b = {0};
    nb_buf_puts(&b, S_base);
    nb_buf_puts(&b, "overview: |\n");
    for (size_t i = 0; i < S_NCLAUSES; i++) {
        if (at) at[i] = b.len;
        nb_buf_puts(&b, bad && bad[i] && S_clauses[i].bad ? S_clauses[i].bad : S_clauses[i].good);
    }
    return b.s;
}

static S_Want S_clause_warning(const char *y, size_t i, size_t at)
{
    const struct S_Clause *c = &S_clauses[i];
    const char *h = strstr(c->bad, c->head);
    assert_non_null(h);
    S_Pos there = S_num(y, c->row, c->nth);
    return S_warn(S_pos_of(y, at + (size_t)(h - c->bad)),
                  "the text says “%s” but %s is %s (t.yaml:%d:%d) (R7)", c->said, c->cells, c->value,
                  there.line, there.col);
}

static void test_r7_agreeing_prose(void **state)
{
    (void)state;
    char *y = S_prose_report(NULL, NULL);
    S_expect_clean(y);
    free(y);
}

/* Each wrong figure alone: exactly one warning, at the phrase's first character. */
static void test_r7_each_disagreeing(void **state)
{
    (void)state;
    size_t n = 0;
    for (size_t i = 0; i < S_NCLAUSES; i++) {
        if (!S_clauses[i].bad) continue;
        int bad[S_NCLAUSES] = {0};
        size_t at[S_NCLAUSES];
        bad[i] = 1;
        char *y = S_prose_report(bad, at);
        NbDiag d = {0};
        S_check(y, &d);
        S_Want w = S_clause_warning(y, i, at[i]);
        if (d.n != 1) fprintf(stderr, "clause %zu: %s\n", i, S_clauses[i].bad);
        S_expect(&d, &w, 1);
        nb_diag_free(&d);
        free(y);
        n++;
    }
    assert_int_equal(n, 17);
}

/* All wrong at once: one warning each, never an error. */
static void test_r7_all_disagreeing(void **state)
{
    (void)state;
    int bad[S_NCLAUSES];
    size_t at[S_NCLAUSES];
    for (size_t i = 0; i < S_NCLAUSES; i++) bad[i] = 1;
    char *y = S_prose_report(bad, at);
    NbDiag d = {0};
    S_check(y, &d);
    S_Want w[S_NCLAUSES];
    size_t n = 0;
    for (size_t i = 0; i < S_NCLAUSES; i++)
        if (S_clauses[i].bad) w[n++] = S_clause_warning(y, i, at[i]);
    S_expect(&d, w, n);
    assert_int_equal(d.errors, 0);
    nb_diag_free(&d);
    free(y);
}

/* 未收到…申请 means none. */
static void test_r7_none_received(void **state)
{
    (void)state;
    static const char prose[] = "other_matters: |\n"
                                "  本年度我街道未收到政府信息公开申请，\n"
                                "  也未收到相关投诉。\n";
    char *zero = S_edit(S_base, "  new:", "  new: [0, 0, 0, 0, 0, 0]", "  carried_over:",
                        "  carried_over: [25, 7, 3, 5, 4, 4]", NULL);
    char *y = nb_xasprintf("%s%s", zero, prose);
    S_expect_clean(y);
    free(y);
    free(zero);
    /* with 42 received */
    y = nb_xasprintf("%s%s", S_base, prose);
    NbDiag d = {0};
    S_check(y, &d);
    S_Pos there = S_num(y, "  new:", -1);
    S_EXPECT(&d, S_warn(S_text_at(y, "未收到政府", 0),
                        "the text says “未收到政府信息公开申请” but 三 一、本年新收政府信息公开申请数量, 总计 "
                        "is 42 (t.yaml:%d:%d) (R7)",
                        there.line, there.col));
    nb_diag_free(&d);
    free(y);
}

/* 新收…申请 is the other way to say it. */
static void test_r7_newly_received(void **state)
{
    (void)state;
    char *y = nb_xasprintf("%spreamble: |\n  本年新收政府信息公开申请42件。\n", S_base);
    S_expect_clean(y);
    free(y);
    y = nb_xasprintf("%spreamble: |\n  本年新收政府信息公开\n  申请41件。\n", S_base);
    NbDiag d = {0};
    S_check(y, &d);
    S_Pos there = S_num(y, "  new:", -1);
    S_EXPECT(&d, S_warn(S_text_at(y, "新收", 0),
                        "the text says “新收政府信息公开申请41件” but 三 一、本年新收政府信息公开申请数量, 总计 "
                        "is 42 (t.yaml:%d:%d) (R7)",
                        there.line, there.col));
    nb_diag_free(&d);
    free(y);
}

/* "新收到…申请N件", a common wording, is one statement: one warning, not one per phrase that
 * fits it (新收…申请{n}件 and 收到…申请{n}件 both do). */
static void test_r7_one_warning_per_statement(void **state)
{
    (void)state;
    char *y = nb_xasprintf("%spreamble: |\n  本年度新收到政府信息公开申请41件。\n", S_base);
    NbDiag d = {0};
    S_check(y, &d);
    if (d.n != 1) nb_diag_print(&d, stderr);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.warnings, 1);
    const NbDiagItem *it = &d.items[0];
    assert_int_equal(it->severity, NB_WARNING);
    S_Pos at = S_text_at(y, "新收到", 0), there = S_num(y, "  new:", -1);
    assert_int_equal(it->line, at.line);
    /* at 新 or at 收 */
    assert_true(it->col == at.col || it->col == at.col + 1);
    char *tail = nb_xasprintf("申请41件” but 三 一、本年新收政府信息公开申请数量, 总计 is 42 (t.yaml:%d:%d) (R7)",
                              there.line, there.col);
    assert_non_null(strstr(it->msg, tail));
    assert_ptr_equal(strstr(it->msg, "the text says “"), it->msg);
    free(tail);
    nb_diag_free(&d);
    free(y);
    /* agreeing: nothing */
    y = nb_xasprintf("%spreamble: |\n  本年度新收到政府信息公开申请42件。\n", S_base);
    S_expect_clean(y);
    free(y);
}

/* A figure in another clause is not the phrase's. */
static void test_r7_other_clause(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "  今年收到表扬。申请5件材料已归档。\n",
        "  收到群众来信，申请5件。\n",
        "  收到来信；申请5件。\n",
        "  收到来信：申请5件。\n",
        "  收到来信！申请5件。\n",
        "  收到来信？申请5件。\n",
        "  收到来信。\n\n  申请5件。\n",
        /* sixteen characters between 收到 and 申请: too far */
        "  收到一二三四五六七八九十一二三四五六申请5件。\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char *y = nb_xasprintf("%sproblems: |\n%s", S_base, texts[i]);
        NbDiag d = {0};
        S_check(y, &d);
        if (d.n) fprintf(stderr, "text %zu: %s", i, texts[i]);
        S_expect(&d, NULL, 0);
        nb_diag_free(&d);
        free(y);
    }
    /* fifteen is still near enough */
    char *y = nb_xasprintf("%sproblems: |\n  收到一二三四五六七八九十一二三四五申请5件。\n", S_base);
    NbDiag d = {0};
    S_check(y, &d);
    S_Pos there = S_num(y, "  new:", -1);
    S_EXPECT(&d, S_warn(S_text_at(y, "收到一", 0),
                        "the text says “收到一二三四五六七八九十一二三四五申请5件” but 三 "
                        "一、本年新收政府信息公开申请数量, 总计 is 42 (t.yaml:%d:%d) (R7)",
                        there.line, there.col));
    nb_diag_free(&d);
    free(y);
}

/* The same wrong phrase twice: each warning points at its own place. */
static void test_r7_repeated_phrase(void **state)
{
    (void)state;
    char *y = nb_xasprintf("%soverview: |\n  全年发生行政复议2件。\n\n  上述行政复议2件均已审结。\n",
                           S_base);
    NbDiag d = {0};
    S_check(y, &d);
    S_Pos there = S_num(y, "  review:", -1);
    S_EXPECT(&d,
             S_warn(S_text_at(y, "行政复议2件", 0),
                    "the text says “行政复议2件” but 四 行政复议, 总计 is 3 (t.yaml:%d:%d) (R7)",
                    there.line, there.col),
             S_warn(S_text_at(y, "行政复议2件", 1),
                    "the text says “行政复议2件” but 四 行政复议, 总计 is 3 (t.yaml:%d:%d) (R7)",
                    there.line, there.col));
    nb_diag_free(&d);
    free(y);
}

/* ------------------------------------------------------------------ nb_phrase_find */

/* Expect a match of pattern in text from byte `from`: the matched text and its number. */
static void S_find_ok(const char *pattern, const char *text, size_t from, const char *match,
                      double number)
{
    size_t a = 99, e = 99;
    double n = -1;
    int got = nb_phrase_find(pattern, text, from, &a, &e, &n);
    if (!got || e < a || strlen(match) != e - a || strncmp(text + a, match, e - a) ||
        (strstr(pattern, "{n}") && n != number))
        fprintf(stderr, "'%s' in '%s' from %zu: wanted '%s' (%g), got %d '%.*s' (%g)\n", pattern,
                text, from, match, number, got, got && e >= a ? (int)(e - a) : 0,
                got && e >= a ? text + a : "", n);
    assert_int_equal(got, 1);
    assert_int_equal(e - a, strlen(match));
    assert_memory_equal(text + a, match, e - a);
    assert_ptr_equal(strstr(text + from, match), text + a); /* the first place it is */
    if (strstr(pattern, "{n}")) assert_true(n == number);
}

static void S_find_none(const char *pattern, const char *text, size_t from)
{
    size_t a = 0, e = 0;
    double n = 0;
    int got = nb_phrase_find(pattern, text, from, &a, &e, &n);
    if (got) fprintf(stderr, "'%s' in '%s': matched '%.*s'\n", pattern, text, (int)(e - a), text + a);
    assert_int_equal(got, 0);
}

static void test_phrase_whole_numbers(void **state)
{
    (void)state;
    /* a leading {n} starts at the number's first digit */
    S_find_ok("{n}件结转", "尚有124件结转下年度", 0, "124件结转", 124);
    S_find_ok("{n}件结转", "124件结转", 0, "124件结转", 124);
    S_find_ok("{n}件结转", "2023年共7件结转", 0, "7件结转", 7);
    /* from inside a number: its tail is not a number of its own */
    S_find_none("{n}件结转", "124件结转", 1);
    S_find_none("{n}件结转", "124件结转", 2);
    /* after a leading {n}, the digits are all taken */
    S_find_ok("行政复议{n}件", "行政复议124件", 0, "行政复议124件", 124);
    S_find_ok("收到…申请{n}件", "共收到申请2048件", 0, "收到申请2048件", 2048);
    S_find_none("行政复议{n}件", "行政复议件", 0);
    S_find_none("行政复议{n}件", "行政复议三件", 0);
    S_find_none("行政复议{n}件", "行政复议12a件", 0);
    S_find_ok("行政复议{n}件", "行政复议0件", 0, "行政复议0件", 0);
}

static void test_phrase_gap(void **state)
{
    (void)state;
    /* … may be empty */
    S_find_ok("上年结转…申请{n}件", "另有上年结转申请6件", 0, "上年结转申请6件", 6);
    /* up to fifteen characters (not bytes) */
    S_find_ok("收到…申请{n}件", "收到一二三四五六七八九十一二三四五申请5件", 0,
              "收到一二三四五六七八九十一二三四五申请5件", 5);
    S_find_ok("收到…申请{n}件", "收到abcdefghijklmno申请5件", 0, "收到abcdefghijklmno申请5件", 5);
    S_find_none("收到…申请{n}件", "收到一二三四五六七八九十一二三四五六申请5件", 0);
    /* not across a clause's end */
    static const char *const ends[] = {"，", "。", "；", "：", "！", "？", "\n"};
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        char *t = nb_xasprintf("收到来信%s申请5件", ends[i]);
        S_find_none("收到…申请{n}件", t, 0);
        S_find_none("未收到…申请", t, 0);
        free(t);
    }
    /* but across other punctuation */
    S_find_ok("收到…申请{n}件", "收到“公开”申请5件", 0, "收到“公开”申请5件", 5);
    S_find_ok("收到…申请{n}件", "收到、申请5件", 0, "收到、申请5件", 5);
}

static void test_phrase_shortest_first(void **state)
{
    (void)state;
    /* the shortest …: up to the first 申请 */
    S_find_ok("未收到…申请", "未收到信息公开申请和复议申请", 0, "未收到信息公开申请", 0);
    S_find_ok("收到…申请{n}件", "收到申请5件和申请6件", 0, "收到申请5件", 5);
    /* a longer … when the shorter does not go on to match */
    S_find_ok("收到…申请{n}件", "收到申请人申请3件", 0, "收到申请人申请3件", 3);
    /* the leftmost match, then the next one from its end */
    const char *t = "行政复议1件，行政复议2件";
    size_t a, e;
    double n;
    assert_int_equal(nb_phrase_find("行政复议{n}件", t, 0, &a, &e, &n), 1);
    assert_int_equal(a, 0);
    assert_true(n == 1);
    S_find_ok("行政复议{n}件", t, e, "行政复议2件", 2);
    S_find_none("行政复议{n}件", t, strlen(t));
    S_find_none("行政复议{n}件", "", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_is_consistent),
        cmocka_unit_test(test_sample_is_consistent),
        cmocka_unit_test(test_r1_one_column),
        cmocka_unit_test(test_r1_three_columns),
        cmocka_unit_test(test_r1_every_column),
        cmocka_unit_test(test_r2_wrong_total),
        cmocka_unit_test(test_r2_right_total),
        cmocka_unit_test(test_r2_two_rows),
        cmocka_unit_test(test_r2_given_grand_total),
        cmocka_unit_test(test_r3_one_column),
        cmocka_unit_test(test_r3_two_columns),
        cmocka_unit_test(test_r3_given_right),
        cmocka_unit_test(test_r4_each_row),
        cmocka_unit_test(test_r5_table_two),
        cmocka_unit_test(test_r5_quotes_figure_as_written),
        cmocka_unit_test(test_r5_minus_zero),
        cmocka_unit_test(test_r5_table_three),
        cmocka_unit_test(test_r5_table_four),
        cmocka_unit_test(test_r6_carry),
        cmocka_unit_test(test_r7_agreeing_prose),
        cmocka_unit_test(test_r7_each_disagreeing),
        cmocka_unit_test(test_r7_all_disagreeing),
        cmocka_unit_test(test_r7_none_received),
        cmocka_unit_test(test_r7_newly_received),
        cmocka_unit_test(test_r7_one_warning_per_statement),
        cmocka_unit_test(test_r7_other_clause),
        cmocka_unit_test(test_r7_repeated_phrase),
        cmocka_unit_test(test_phrase_whole_numbers),
        cmocka_unit_test(test_phrase_gap),
        cmocka_unit_test(test_phrase_shortest_first),
    };
    return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
