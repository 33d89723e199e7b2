/* Unit tests: UTF-8, character classes and the Chinese line breaker (text.c) with real fonts. */
#include <setjmp.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "font.h"
#include "layout.h"
#include "text.h"
#include "util.h"

#define SIZE 16.0
#define MEASURE (28 * 16.0)

static int S_role;

static int S_setup(void **state)
{
    (void)state;
    if (S_open()) return -1;
    S_role = S_layout->styles[S_ST("body")].font_role;
    return 0;
}

/* ------------------------------------------------------------------ UTF-8 */

static void S_next1(const char *s, size_t len, uint32_t want, size_t adv)
{
    const char *p = s;
    uint32_t cp = nb_utf8_next(&p, s + len);
    if (cp != want || (size_t)(p - s) != adv)
        fprintf(stderr, "decode: got U+%04X advancing %td\n", (unsigned)cp, p - s);
    assert_int_equal(cp, want);
    assert_int_equal((size_t)(p - s), adv);
}

static void test_utf8_next_valid(void **state)
{
    (void)state;
    S_next1("A", 1, 'A', 1);
    S_next1("\xC3\xA9", 2, 0xE9, 2);           /* é */
    S_next1("\xE4\xB8\xAD", 3, 0x4E2D, 3);     /* 中 */
    S_next1("\xE3\x80\x81", 3, 0x3001, 3);     /* 、 */
    S_next1("\xF0\x9F\x98\x80", 4, 0x1F600, 4); /* 😀 */
    S_next1("\xF4\x8F\xBF\xBF", 4, 0x10FFFF, 4);
    S_next1("\xEF\xBF\xBD", 3, 0xFFFD, 3);     /* a real U+FFFD */
    /* a whole string */
    const char *s = "年报2023—", *p = s, *end = s + strlen(s);
    uint32_t want[] = {0x5E74, 0x62A5, '2', '0', '2', '3', 0x2014};
    for (size_t i = 0; i < 7; i++) assert_int_equal(nb_utf8_next(&p, end), want[i]);
    assert_ptr_equal(p, end);
}

static void test_utf8_next_invalid(void **state)
{
    (void)state;
    S_next1("\x80", 1, 0xFFFD, 1);             /* lone continuation byte */
    S_next1("\xBF\x41", 2, 0xFFFD, 1);
    S_next1("\xC0\xAF", 2, 0xFFFD, 1);         /* overlong '/' */
    S_next1("\xE0\x80\xAF", 3, 0xFFFD, 1);     /* overlong */
    S_next1("\xF0\x80\x80\xAF", 4, 0xFFFD, 1); /* overlong */
    S_next1("\xED\xA0\x80", 3, 0xFFFD, 1);     /* surrogate D800 */
    S_next1("\xF4\x90\x80\x80", 4, 0xFFFD, 1); /* beyond U+10FFFF */
    S_next1("\xF8\x88\x80\x80\x80", 5, 0xFFFD, 1);
    S_next1("\xFF", 1, 0xFFFD, 1);
    S_next1("\xE4\xB8", 2, 0xFFFD, 1);         /* truncated by the end */
    S_next1("\xE4\xB8\xAD", 2, 0xFFFD, 1);     /* end falls inside the sequence */
    S_next1("\xE4\x41\xAD", 3, 0xFFFD, 1);     /* bad continuation */
    S_next1("\xC3", 1, 0xFFFD, 1);
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    const char *ok = "政府信息公开 2023 😀 \xEF\xBF\xBD end";
    assert_true(nb_utf8_invalid(ok, strlen(ok)) == (size_t)-1);
    assert_true(nb_utf8_invalid("", 0) == (size_t)-1);
    assert_int_equal(nb_utf8_invalid("ab\xC3", 3), 2);
    assert_int_equal(nb_utf8_invalid("\xE4\xB8\xAD\x80", 4), 3);
    assert_int_equal(nb_utf8_invalid("\x80", 1), 0);
    assert_int_equal(nb_utf8_invalid("ab\xED\xA0\x80z", 6), 2);
    assert_int_equal(nb_utf8_invalid("a\xC0\xAF", 3), 1);
    /* only n bytes are looked at */
    assert_true(nb_utf8_invalid("ab\xC3", 2) == (size_t)-1);
}

static void test_utf8_put_roundtrip(void **state)
{
    (void)state;
    const uint32_t cps[] = {0x41, 0x7F, 0x80, 0xE9, 0x7FF, 0x800, 0x4E2D, 0xFFFD, 0xFFFF, 0x10000,
                            0x1F600, 0x10FFFF};
    NbBuf b = {0};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) nb_utf8_put(&b, cps[i]);
    assert_true(nb_utf8_invalid(b.s, b.len) == (size_t)-1);
    const char *p = b.s, *end = b.s + b.len;
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) assert_int_equal(nb_utf8_next(&p, end), cps[i]);
    assert_ptr_equal(p, end);
    nb_buf_free(&b);
}

/* ------------------------------------------------------------------ classes */

static void S_each(const char *s, int (*pred)(uint32_t), int want)
{
    const char *p = s, *end = s + strlen(s);
    while (p < end) {
        uint32_t cp = nb_utf8_next(&p, end);
        if (cp == ' ') continue;
        if (!!pred(cp) != want) fprintf(stderr, "U+%04X\n", (unsigned)cp);
        assert_int_equal(!!pred(cp), want);
    }
}

static void test_char_classes(void **state)
{
    (void)state;
    /* FORMAT.md §9 */
    S_each("、 ， 。 ； ： ？ ！ ” ’ ） 〕 】 》 〉 」 』 · % ％ ‰ ℃", nb_char_no_start, 1);
    S_each("“ ‘ （ 〔 【 《 〈 「 『", nb_char_no_end, 1);
    /* and not the other way round, nor for Han, digits or Latin */
    S_each("“ ‘ （ 〔 【 《 〈 「 『 中 国 2 A a", nb_char_no_start, 0);
    S_each("、 ， 。 ； ： ？ ！ ” ’ ） 〕 】 》 〉 」 』 中 国 2 A a", nb_char_no_end, 0);
    S_each("中 国 〇 㐀 龥", nb_char_han, 1);
    S_each("， 。 A 1 — ·", nb_char_han, 0);
    S_each("中 ， 。 “ ” — … （ ） ％ ·", nb_char_wide, 1);
    S_each("A z 0 9 % ( ) é", nb_char_wide, 0);
    S_each("、 ， 。 ） 》 ”", nb_char_left_ink, 1);
    S_each("（ 《 “ 中 A", nb_char_left_ink, 0);
}

/* ------------------------------------------------------------------ line breaking */

typedef struct {
    NbLines lines;
    char **text; /* each line's text, runs joined */
    size_t n;
} S_Set;

static void S_break(S_Set *s, const char *para, double indent, NbAlign align)
{
    NbSpan span = {para, S_role};
    NbParaStyle st = {SIZE, MEASURE, indent, align, 0, 0, 0};
    nb_text_break(S_fonts, &span, 1, &st, &s->lines);
    s->n = s->lines.n;
    s->text = nb_xcalloc(s->n ? s->n : 1, sizeof *s->text);
    for (size_t i = 0; i < s->n; i++) {
        NbBuf b = {0};
        for (size_t r = 0; r < s->lines.lines[i].n; r++) nb_buf_puts(&b, s->lines.lines[i].runs[r].text);
        s->text[i] = b.s ? b.s : nb_xstrdup("");
    }
}

static void S_free(S_Set *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->text[i]);
    free(s->text);
    nb_lines_free(&s->lines);
}

static void S_dump(const S_Set *s)
{
    for (size_t i = 0; i < s->n; i++)
        fprintf(stderr, "  %2zu [%7.2f] %s\n", i, s->lines.lines[i].width, s->text[i]);
}

static uint32_t S_first(const char *s)
{
    return nb_utf8_next(&s, s + strlen(s));
}

static uint32_t S_last(const char *s)
{
    const char *end = s + strlen(s), *p = end;
    if (p == s) return 0;
    do p--;
    while (p > s && ((unsigned char)*p & 0xC0) == 0x80);
    return nb_utf8_next(&p, end);
}

static size_t S_chars(const char *s)
{
    size_t n = 0;
    for (const char *p = s, *end = s + strlen(s); p < end; n++) nb_utf8_next(&p, end);
    return n;
}

/* The checks every set paragraph must pass. */
static void S_check_rules(const S_Set *s, const char *para, double indent)
{
    NbBuf all = {0};
    int bad = 0;
    for (size_t i = 0; i < s->n; i++) {
        nb_buf_puts(&all, s->text[i]);
        if (i > 0 && nb_char_no_start(S_first(s->text[i]))) bad = 1;
        if (i + 1 < s->n && nb_char_no_end(S_last(s->text[i]))) bad = 1;
        if (s->lines.lines[i].width > MEASURE - (i ? 0 : indent) + 0.01) bad = 1;
    }
    if (bad) S_dump(s);
    for (size_t i = 0; i < s->n; i++) {
        if (i > 0) assert_false(nb_char_no_start(S_first(s->text[i])));
        if (i + 1 < s->n) assert_false(nb_char_no_end(S_last(s->text[i])));
        assert_true(s->lines.lines[i].width <= MEASURE - (i ? 0 : indent) + 0.01);
    }
    /* nothing lost or reordered (the test paragraphs have no spaces) */
    assert_string_equal(all.s ? all.s : "", para);
    nb_buf_free(&all);
}

static char *S_han(size_t n)
{
    static const char *const pool[] = {"政", "府", "信", "息", "公", "开", "工", "作", "年", "度"};
    NbBuf b = {0};
    for (size_t i = 0; i < n; i++) nb_buf_puts(&b, pool[i % 10]);
    return b.s ? b.s : nb_xstrdup("");
}

static void test_han_line_fits(void **state)
{
    (void)state;
    /* the 22 × 28 grid: 28 Han characters of 16 pt fill 28 × 16 pt exactly */
    char *p = S_han(28);
    S_Set s;
    S_break(&s, p, 0, NB_ALIGN_JUSTIFY);
    assert_int_equal(s.n, 1);
    assert_true(fabs(s.lines.lines[0].width - MEASURE) < 0.01);
    assert_int_equal(S_chars(s.text[0]), 28);
    S_free(&s);
    free(p);
    /* with the 2 em first-line indent, 26 fit on the first line */
    p = S_han(28 * 3);
    S_break(&s, p, 2 * SIZE, NB_ALIGN_JUSTIFY);
    assert_int_equal(s.n, 4);
    assert_int_equal(S_chars(s.text[0]), 26);
    assert_int_equal(S_chars(s.text[1]), 28);
    assert_int_equal(S_chars(s.text[2]), 28);
    assert_int_equal(S_chars(s.text[3]), 2);
    assert_true(fabs(s.lines.lines[0].runs[0].x - 2 * SIZE) < 0.01);
    S_free(&s);
    free(p);
}

static void test_no_start_marks(void **state)
{
    (void)state;
    static const char *const marks[] = {"、", "，", "。", "；", "：", "？", "！", "）", "」", "》", "”",
                                        "〕", "】", "’", "％", "·"};
    for (size_t m = 0; m < sizeof marks / sizeof *marks; m++)
        for (size_t before = 27; before <= 28; before++) {
            char *h = S_han(before), *tail = S_han(12);
            char *para = nb_xasprintf("%s%s%s", h, marks[m], tail);
            S_Set s;
            S_break(&s, para, 0, NB_ALIGN_JUSTIFY);
            assert_true(s.n >= 2);
            S_check_rules(&s, para, 0);
            /* the mark stays on the line of the character before it */
            const char *at = strstr(s.text[0], marks[m]);
            const char *at1 = strstr(s.text[1], marks[m]);
            assert_true(at || (at1 && at1 != s.text[1]));
            if (before == 28) {
                /* a character is pushed down with it; line 1 is stretched to the measure */
                assert_null(at);
                assert_int_equal(S_chars(s.text[0]), 27);
                assert_true(fabs(s.lines.lines[0].width - MEASURE) < 0.01);
            } else {
                assert_non_null(at);
            }
            S_free(&s);
            free(para);
            free(h);
            free(tail);
        }
}

static void test_no_end_marks(void **state)
{
    (void)state;
    static const char *const marks[] = {"“", "‘", "（", "〔", "【", "《", "〈", "「", "『"};
    for (size_t m = 0; m < sizeof marks / sizeof *marks; m++) {
        /* the opening mark is the 28th character: it must go down with what it opens */
        char *h = S_han(27), *tail = S_han(12);
        char *para = nb_xasprintf("%s%s%s", h, marks[m], tail);
        S_Set s;
        S_break(&s, para, 0, NB_ALIGN_JUSTIFY);
        assert_true(s.n >= 2);
        S_check_rules(&s, para, 0);
        assert_int_equal(S_first(s.text[1]), S_first(marks[m]));
        S_free(&s);
        free(para);
        free(h);
        free(tail);
    }
}

/* `piece` after `before` Han characters (from lo to hi), then more: it stays on one line. */
static void S_expect_whole(const char *piece, size_t lo, size_t hi)
{
    for (size_t before = lo; before <= hi; before++) {
        char *h = S_han(before), *tail = S_han(10);
        char *para = nb_xasprintf("%s%s%s", h, piece, tail);
        S_Set s;
        S_break(&s, para, 0, NB_ALIGN_JUSTIFY);
        int whole = 0;
        for (size_t i = 0; i < s.n; i++)
            if (strstr(s.text[i], piece)) whole = 1;
        if (!whole) S_dump(&s);
        assert_true(whole);
        S_check_rules(&s, para, 0);
        S_free(&s);
        free(para);
        free(h);
        free(tail);
    }
}

static void test_dash_ellipsis_unbroken(void **state)
{
    (void)state;
    S_expect_whole("——", 25, 28);
    S_expect_whole("……", 25, 28);
}

static void test_latin_and_numbers_whole(void **state)
{
    (void)state;
    static const char *const words[] = {"Nianbao", "2023", "12345", "HTML5", "0379-63218857"};
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) S_expect_whole(words[w], 22, 28);
}

/* A real paragraph (samples/chanhe-2023.yaml) with numbers, brackets, quotes, a title. */
static const char S_real[] =
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第四十九条、第五十条规定编制。"
    "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政"
    "诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据的统计期限自2023年1月1日起至"
    "2023年12月31日止。如对本报告有疑问，请与东关街道办事处党政办公室联系（电话：0379-63218857）。"
    "我街道通过“东关街道”微信公众号和各社区政务公开栏等渠道主动公开政府信息186条——其中"
    "机构职能、领导分工等基础信息12条……";

static void test_justified_full_lines(void **state)
{
    (void)state;
    for (int pass = 0; pass < 2; pass++) {
        double indent = pass ? 2 * SIZE : 0;
        S_Set s;
        S_break(&s, S_real, indent, NB_ALIGN_JUSTIFY);
        assert_true(s.n >= 6);
        S_check_rules(&s, S_real, indent);
        int bad = 0;
        for (size_t i = 0; i + 1 < s.n; i++)
            if (fabs(s.lines.lines[i].width - (MEASURE - (i ? 0 : indent))) > 0.01) bad = 1;
        if (bad) S_dump(&s);
        for (size_t i = 0; i + 1 < s.n; i++)
            assert_true(fabs(s.lines.lines[i].width - (MEASURE - (i ? 0 : indent))) <= 0.01);
        /* the last line is set at its natural width, short of the measure */
        assert_true(s.lines.lines[s.n - 1].width < MEASURE - 0.01);
        /* every line starts at the left edge (the first after the indent) */
        for (size_t i = 0; i < s.n; i++)
            assert_true(fabs(s.lines.lines[i].runs[0].x - (i ? 0 : indent)) < 0.01);
        S_free(&s);
    }
    /* left-aligned: nothing is stretched */
    S_Set s;
    S_break(&s, S_real, 0, NB_ALIGN_LEFT);
    for (size_t i = 0; i < s.n; i++)
        for (size_t r = 0; r < s.lines.lines[i].n; r++)
            assert_true(s.lines.lines[i].runs[r].char_space <= 0.25 * SIZE + 1e-9);
    S_free(&s);
}

static void test_no_widow_char(void **state)
{
    (void)state;
    static const char *const ends[] = {"", "。", "”。", "！"};
    for (size_t e = 0; e < sizeof ends / sizeof *ends; e++)
        for (size_t indent = 0; indent <= 2; indent += 2)
            for (size_t lines = 1; lines <= 3; lines++) {
                /* exactly one character more than the full lines hold */
                size_t n = 28 * lines - indent + 1;
                char *h = S_han(n);
                char *para = nb_xasprintf("%s%s", h, ends[e]);
                S_Set s;
                S_break(&s, para, indent * SIZE, NB_ALIGN_JUSTIFY);
                assert_int_equal(s.n, lines + 1);
                S_check_rules(&s, para, indent * SIZE);
                size_t han = 0;
                const char *t = s.text[s.n - 1];
                for (const char *p = t, *end = t + strlen(t); p < end;)
                    han += nb_char_han(nb_utf8_next(&p, end)) != 0;
                if (han < 2) S_dump(&s);
                assert_true(han >= 2);
                S_free(&s);
                free(para);
                free(h);
            }
}

static void test_center_and_right(void **state)
{
    (void)state;
    char *p = S_han(10);
    S_Set s;
    S_break(&s, p, 0, NB_ALIGN_CENTER);
    assert_int_equal(s.n, 1);
    assert_true(fabs(s.lines.lines[0].width - 10 * SIZE) < 0.01);
    assert_true(fabs(s.lines.lines[0].runs[0].x - 9 * SIZE) < 0.01);
    S_free(&s);
    S_break(&s, p, 0, NB_ALIGN_RIGHT);
    assert_true(fabs(s.lines.lines[0].runs[0].x - 18 * SIZE) < 0.01);
    S_free(&s);
    free(p);
    /* an empty paragraph gives no lines */
    S_break(&s, "", 0, NB_ALIGN_JUSTIFY);
    assert_int_equal(s.n, 0);
    S_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_next_valid),
        cmocka_unit_test(test_utf8_next_invalid),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_utf8_put_roundtrip),
        cmocka_unit_test(test_char_classes),
        cmocka_unit_test(test_han_line_fits),
        cmocka_unit_test(test_no_start_marks),
        cmocka_unit_test(test_no_end_marks),
        cmocka_unit_test(test_dash_ellipsis_unbroken),
        cmocka_unit_test(test_latin_and_numbers_whole),
        cmocka_unit_test(test_justified_full_lines),
        cmocka_unit_test(test_no_widow_char),
        cmocka_unit_test(test_center_and_right),
    };
    return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
