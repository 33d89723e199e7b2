/* Unit tests: the combined PDF's object copier (pdfcat.c). References are renumbered and
 * nothing else: not inside literal strings (nested, escaped), hex strings, comments or
 * stream data; the page tree joins the combined one; stand-ins are replaced; every
 * truncation or corruption of a PDF is refused with a reason, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pdfcat.h"
#include "util.h"

/* A small PDF as libharu writes one: objects, a classic xref, a trailer. The stream holds
 * "endobj" and "4 0 R" in its data, the strings hold references in their text. */
static const char *S_objects[] = {
    "<<\n/Type /Catalog\n/Pages 2 0 R\n/Outlines 6 0 R\n>>",
    "<<\n/Type /Pages\n/Kids [ 3 0 R ]\n/Count 1\n>>",
    "<<\n/Type /Page\n/Parent 2 0 R\n/Contents 4 0 R\n/Resources << /Font << /F1 7 0 R >> >>\n"
    "/Note (a (nested 4 0 R) \\) 5 0 R) % 4 0 R in a comment\n/Hex <34 30 20 52>\n>>",
    "<<\n/Length 5 0 R\n>>\nstream\r\nBT endobj 4 0 R (x) Tj ET\nendstream",
    "25",
    "<<\n/Type /Outlines\n/First 8 0 R\n/Last 8 0 R\n/Count 1\n>>",
    "<<\n/Type /Font\n>>",
    "<<\n/Title (one)\n/Parent 6 0 R\n/Dest [ 3 0 R /Fit ]\n>>",
    "<<\n/Producer (test)\n>>",
};
#define S_NOBJ (sizeof S_objects / sizeof *S_objects)

static char *S_pdf(size_t *len)
{
    NbBuf b = {0};
    size_t off[S_NOBJ + 1];
    nb_buf_puts(&b, "%PDF-1.3\n%\xB7\xBE\xAD\xAA\n");
    for (size_t i = 0; i < S_NOBJ; i++) {
        off[i + 1] = b.len;
        nb_buf_printf(&b, "%zu 0 obj\n%s\nendobj\n", i + 1, S_objects[i]);
    }
    size_t xref = b.len;
    nb_buf_printf(&b, "xref\n0 %zu\n0000000000 65535 f\r\n", S_NOBJ + 1);
    for (size_t i = 1; i <= S_NOBJ; i++) nb_buf_printf(&b, "%010zu 00000 n\r\n", off[i]);
    nb_buf_printf(&b, "trailer\n<<\n/Root 1 0 R\n/Info 9 0 R\n/Size %zu\n>>\nstartxref\n%zu\n%%%%EOF\n",
                  S_NOBJ + 1, xref);
    *len = b.len;
    return b.s;
}

/* The combined file made from one import of pdf (font stand-in 7 → a font written first). */
static char *S_combine(const char *pdf, size_t len, int *ok, char **err, size_t *outlen)
{
    char path[] = "/tmp/nb-pdfcat-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    const char *werr = NULL;
    NbOut *out = nb_out_open(path, &werr);
    assert_non_null(out);
    NbCat *c = nb_cat_new(out);
    unsigned pages = nb_cat_reserve(c), font = nb_cat_reserve(c);
    const char fontbody[] = "<<\n/Type /Font\n/Subtype /Type0\n>>";
    assert_true(nb_cat_object(c, font, fontbody, sizeof fontbody - 1));
    NbCatSub sub = {7, font};
    NbCatImport how = {&sub, 1, pages, 1};
    NbCatPart part;
    *ok = nb_cat_import(c, pdf, len, &how, &part, err);
    char *text = NULL;
    if (*ok) {
        assert_int_equal(part.npages, 1);
        assert_int_not_equal(part.first_page, 0);
        assert_int_not_equal(part.outline, 0);
        assert_int_equal(part.outline_count, 1);
        char body[128];
        int n = snprintf(body, sizeof body, "<< /Type /Pages /Kids [ %u 0 R ] /Count 1 >>", part.pages);
        assert_true(nb_cat_object(c, pages, body, (size_t)n));
        n = snprintf(body, sizeof body, "<< /Title (one) /First %u 0 R /Last %u 0 R >>",
                     part.outline_first, part.outline_last);
        assert_true(nb_cat_object(c, part.outline, body, (size_t)n));
        unsigned ol = nb_cat_reserve(c), root = nb_cat_reserve(c);
        n = snprintf(body, sizeof body, "<< /Type /Outlines /First %u 0 R /Last %u 0 R /Count 1 >>",
                     part.outline, part.outline);
        assert_true(nb_cat_object(c, ol, body, (size_t)n));
        n = snprintf(body, sizeof body, "<< /Type /Catalog /Pages %u 0 R /Outlines %u 0 R >>", pages, ol);
        assert_true(nb_cat_object(c, root, body, (size_t)n));
        const char *ferr = NULL;
        assert_true(nb_cat_finish(c, root, part.info, &ferr));
        assert_true(nb_out_commit(out, &werr));
        text = nb_read_file(path, outlen, 1 << 20, &werr);
        assert_non_null(text);
    } else {
        nb_out_abort(out);
    }
    nb_cat_free(c);
    unlink(path);
    return text;
}

/* The body of object num in a combined file, or NULL. */
static const char *S_find(const char *pdf, unsigned num)
{
    char head[32];
    snprintf(head, sizeof head, "\n%u 0 obj\n", num);
    const char *p = strstr(pdf, head);
    return p ? p + strlen(head) : NULL;
}

static void test_references_renumbered_and_nothing_else(void **state)
{
    (void)state;
    size_t len, outlen;
    char *pdf = S_pdf(&len), *err = NULL;
    int ok;
    char *out = S_combine(pdf, len, &ok, &err, &outlen);
    if (!ok) fail_msg("%s", err);
    assert_null(err);
    /* numbers 1 and 2 were taken first: the page tree (2 → 4) gets /Parent 1 */
    const char *tree = S_find(out, 4);
    assert_non_null(tree);
    assert_memory_equal(tree, "<<\n/Parent 1 0 R\n/Type /Pages", 29);
    const char *page = S_find(out, 5);
    assert_non_null(page);
    /* its parent, contents and the replaced font renumbered; the strings, the comment and
     * the hex string as they were */
    assert_non_null(strstr(page, "/Parent 4 0 R"));
    assert_non_null(strstr(page, "/Contents 6 0 R"));
    assert_non_null(strstr(page, "/F1 2 0 R"));
    assert_non_null(strstr(page, "(a (nested 4 0 R) \\) 5 0 R) % 4 0 R in a comment"));
    assert_non_null(strstr(page, "<34 30 20 52>"));
    /* the stream: its /Length renumbered, its data byte for byte */
    const char *stream = S_find(out, 6);
    assert_non_null(stream);
    assert_non_null(strstr(stream, "/Length 7 0 R"));
    assert_non_null(strstr(stream, "stream\nBT endobj 4 0 R (x) Tj ET\nendstream"));
    /* the outline item's parent is the outline root's new number; the catalog and the
     * stand-in font are not copied, the info is */
    assert_null(strstr(out, "/Type /Catalog\n/Pages"));
    assert_non_null(strstr(out, "/Producer (test)"));
    assert_int_equal(strstr(out, "<<\n/Type /Font\n>>") == NULL, 1);
    assert_non_null(strstr(out, "%PDF-1.4\n"));
    assert_non_null(strstr(out, "startxref"));
    free(out);
    free(pdf);
}

static void test_every_truncation_is_refused_or_read(void **state)
{
    (void)state;
    size_t len, outlen;
    char *pdf = S_pdf(&len);
    size_t refused = 0;
    for (size_t cut = 0; cut < len; cut++) {
        char *part = nb_xmalloc(cut + 1);
        memcpy(part, pdf, cut);
        char *err = NULL;
        int ok;
        char *out = S_combine(part, cut, &ok, &err, &outlen);
        if (!ok) {
            assert_non_null(err);
            refused++;
        } else { /* only the end of the last line may be missing: "…startxref\nN" */
            assert_true(cut + 7 >= len);
        }
        free(err);
        free(out);
        free(part);
    }
    assert_true(refused + 7 >= len);
    free(pdf);
}

static void test_corruptions_are_refused_with_a_reason(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to, *why;
    } cases[] = {
        {"/Length 5 0 R", "/Length 0 0 R", "missing"},
        {"\n25\n", "\n99999\n", NULL},
        {"/Contents 4 0 R", "/Contents 1 0 R", "not copied"},
        {"(a (nested", "(a ((ested", NULL},
        {"/Length 5 0 R", "/Length 9 0 R", "not a number"},
        {"/Length 5 0 R", "/Length 4 0 R", "not a number"}, /* its own length: no loop */
        {"/Root 1 0 R", "/Root 1 0 X", "no catalog"},
        {"/Pages 2 0 R\n/Outlines", "/Pagez 2 0 R\n/Outlines", "no page tree"},
        {"endstream", "endstreax", "no endstream"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        size_t len, outlen;
        char *pdf = S_pdf(&len);
        char *at = strstr(pdf, cases[k].from);
        assert_non_null(at);
        size_t fl = strlen(cases[k].from), tl = strlen(cases[k].to);
        /* a change of length moves the objects after it from where the xref says */
        NbBuf b = {0};
        nb_buf_add(&b, pdf, (size_t)(at - pdf));
        nb_buf_add(&b, cases[k].to, tl);
        nb_buf_add(&b, at + fl, len - (size_t)(at - pdf) - fl);
        char *err = NULL;
        int ok;
        char *out = S_combine(b.s, b.len, &ok, &err, &outlen);
        assert_false(ok);
        assert_non_null(err);
        if (cases[k].why && !strstr(err, cases[k].why)) fail_msg("case %zu: %s", k, err);
        free(err);
        free(out);
        nb_buf_free(&b);
        free(pdf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_references_renumbered_and_nothing_else),
        cmocka_unit_test(test_every_truncation_is_refused_or_read),
        cmocka_unit_test(test_corruptions_are_refused_with_a_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
