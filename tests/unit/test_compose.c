/* Unit tests: composing a report into blocks (compose.c) — FORMAT.md §8's heading levels:
 * 一、 in the 黑体 role, （一） run in, in the 楷体 role, 1. and （1） in the body font; the
 * title, the tables in document order and the signature with its date and seal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "compose.h"
#include "flow.h"
#include "font.h"
#include "layout.h"
#include "report.h"
#include "util.h"
#include "yamltree.h"



static int S_setup(void **state)
{
    (void)state;
    return S_open();
}

static const char S_report[] =
    "agency: 测试街道办事处\n"
    "year: 2023\n"
    "date: 2024-01-20\n"
    "overview: |\n"
    "  （一）主动公开情况。本年主动公开信息。\n"
    "\n"
    "  1.政府信息公开平台建设。正文。\n"
    "\n"
    "  （1）门户网站。正文。\n"
    "\n"
    "  （二）依申请公开情况\n"
    "\n"
    "  本年未收到申请。\n";

static int S_role(int id)
{
    return S_layout->styles[id].font_role;
}

/* The blocks of the test report (composition must succeed). */
static void S_compose(NbBlocks *bs, NbReport **rp)
{
    NbDiag d = {0};
    NbYDoc *doc = nb_ydoc_parse("t.yaml", S_report, strlen(S_report), &d);
    assert_non_null(doc);
    NbReport *r = nb_report_from_yaml(doc, S_layout, &d);
    nb_ydoc_free(doc);
    if (d.n) nb_diag_print(&d, stderr);
    assert_non_null(r);
    memset(bs, 0, sizeof *bs);
    nb_compose(r, S_layout, bs);
    assert_true(nb_flow_cover(bs, S_fonts, &d));
    assert_int_equal(d.errors, 0);
    nb_diag_free(&d);
    *rp = r;
}

static const NbBlock *S_para_starting(const NbBlocks *bs, const char *start)
{
    for (size_t i = 0; i < bs->n; i++)
        if (bs->b[i].type == NB_B_PARA && strncmp(bs->b[i].spans[0].text, start, strlen(start)) == 0)
            return &bs->b[i];
    return NULL;
}

static void test_heading_levels(void **state)
{
    (void)state;
    NbBlocks bs;
    NbReport *r;
    S_compose(&bs, &r);
    /* the roles differ, or the test could not tell them apart */
    assert_int_not_equal(S_role(S_ST("heading1")), S_role(S_ST("body")));
    assert_int_not_equal(S_role(S_ST("heading2")), S_role(S_ST("body")));
    assert_int_not_equal(S_role(S_ST("heading1")), S_role(S_ST("heading2")));
    assert_string_equal(S_layout->roles[S_role(S_ST("heading1"))].families[0], "黑体");
    assert_string_equal(S_layout->roles[S_role(S_ST("heading2"))].families[0], "楷体_GB2312");
    assert_string_equal(S_layout->roles[S_role(S_ST("body"))].families[0], "仿宋_GB2312");

    /* 一、…: the layout's section headings, in the 黑体 role */
    size_t headings = 0;
    for (size_t i = 0; i < bs.n; i++)
        if (bs.b[i].type == NB_B_HEADING) {
            headings++;
            assert_int_equal(bs.b[i].nspans, 1);
            assert_int_equal(bs.b[i].spans[0].role, S_role(S_ST("heading1")));
        }
    assert_int_equal(headings, 6);

    /* （一）…。 runs in: the heading to its full stop in 楷体, the rest in the body font */
    const NbBlock *b = S_para_starting(&bs, "（一）");
    assert_non_null(b);
    assert_int_equal(b->nspans, 2);
    assert_string_equal(b->spans[0].text, "（一）主动公开情况。");
    assert_int_equal(b->spans[0].role, S_role(S_ST("heading2")));
    assert_string_equal(b->spans[1].text, "本年主动公开信息。");
    assert_int_equal(b->spans[1].role, S_role(S_ST("body")));

    /* 1. and （1）: the body font throughout */
    static const char *const body[] = {"1.政府信息公开平台建设", "（1）门户网站", "本年未收到申请"};
    for (size_t k = 0; k < 3; k++) {
        b = S_para_starting(&bs, body[k]);
        assert_non_null(b);
        assert_int_equal(b->nspans, 1);
        assert_int_equal(b->style, S_ST("body"));
        assert_int_equal(b->spans[0].role, S_role(S_ST("body")));
    }

    /* （二）… standing alone (no full stop): a heading line in 楷体 */
    b = S_para_starting(&bs, "（二）依申请公开情况");
    assert_non_null(b);
    assert_int_equal(b->style, S_ST("heading2"));
    assert_int_equal(b->spans[0].role, S_role(S_ST("heading2")));
    nb_blocks_free(&bs);
    nb_report_free(r);
}

static void test_title_tables_signature(void **state)
{
    (void)state;
    NbBlocks bs;
    NbReport *r;
    S_compose(&bs, &r);
    assert_true(bs.n > 0);
    assert_int_equal(bs.b[0].type, NB_B_TITLE);
    assert_string_equal(bs.b[0].spans[0].text, "测试街道办事处|2023年政府信息公开工作年度报告");
    assert_int_equal(bs.b[0].spans[0].role, S_role(S_ST("title")));
    static const char *const sections[] = {"二", "三", "四"};
    size_t t = 0;
    for (size_t i = 0; i < bs.n; i++)
        if (bs.b[i].type == NB_B_TABLE) {
            assert_true(t < 3);
            assert_string_equal(bs.b[i].table.section, sections[t]);
            /* a table follows its section heading */
            assert_int_equal(bs.b[i - 1].type, NB_B_HEADING);
            assert_true(strncmp(bs.b[i - 1].spans[0].text, sections[t], 3) == 0);
            t++;
        }
    assert_int_equal(t, 3);
    const NbBlock *sig = &bs.b[bs.n - 1];
    assert_int_equal(sig->type, NB_B_SIGNATURE);
    assert_string_equal(sig->name, "测试街道办事处");
    assert_string_equal(sig->date, "2024年1月20日");
    assert_null(sig->seal);
    nb_blocks_free(&bs);
    nb_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heading_levels),
        cmocka_unit_test(test_title_tables_signature),
    };
    return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
