/* Unit tests: our own CID-keyed CFF subsets (cffsub.c). Every glyph of a subset, read back
 * by FreeType from the bare CFF by its CID, has the same outline (points, flags, contours,
 * in font units, unhinted) and the same advance width as the glyph in the original font: in FandolFang (no
 * subroutines), FandolHei, FandolKai, FandolSong and Noto Serif CJK SC Bold (face 2 of a
 * collection, whose charstrings call local and global subroutines, so that every call is
 * inlined right). The CIDs are the font's own; what it does not handle (bad glyph lists,
 * truncated or corrupt tables) is refused, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H

#include "cffread.h"
#include "cffsub.h"
#include "subset.h"
#include "util.h"

typedef struct {
    const char *path;
    unsigned index;
    unsigned char *data;
    size_t len;
    const unsigned char *cff;
    size_t cff_len;
} S_Font;

static S_Font S_fonts[] = {
    {"/usr/local/share/fonts/fandol/FandolFang-Regular.otf", 0, NULL, 0, NULL, 0},
    {"/usr/local/share/fonts/fandol/FandolHei-Regular.otf", 0, NULL, 0, NULL, 0},
    {"/usr/local/share/fonts/fandol/FandolKai-Regular.otf", 0, NULL, 0, NULL, 0},
    {"/usr/local/share/fonts/fandol/FandolSong-Regular.otf", 0, NULL, 0, NULL, 0},
    {"/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2, NULL, 0, NULL, 0},
};
#define NFONTS (sizeof S_fonts / sizeof *S_fonts)

static FT_Library S_ft;

static unsigned S_u16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t S_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int S_setup(void **state)
{
    (void)state;
    if (FT_Init_FreeType(&S_ft)) return -1;
    for (size_t i = 0; i < NFONTS; i++) {
        S_Font *f = &S_fonts[i];
        const char *err = NULL;
        f->data = (unsigned char *)nb_read_file(f->path, &f->len, 128u << 20, &err);
        if (!f->data) {
            fprintf(stderr, "%s: %s (./setup.sh installs it)\n", f->path, err);
            return -1;
        }
        size_t off = 0;
        if (!nb_sfnt_face_offset(f->data, f->len, f->index, &off)) return -1;
        const unsigned char *dir = f->data + off;
        for (unsigned t = 0; t < S_u16(dir + 4); t++) {
            const unsigned char *r = dir + 12 + 16 * t;
            if (memcmp(r, "CFF ", 4) == 0) f->cff = f->data + S_u32(r + 8), f->cff_len = S_u32(r + 12);
        }
        if (!f->cff) return -1;
    }
    return 0;
}

static int S_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < NFONTS; i++) free(S_fonts[i].data);
    FT_Done_FreeType(S_ft);
    return 0;
}

/* Glyph ids spread over the whole font, sorted, each once, never 0. */
static size_t S_spread(size_t nglyphs, size_t want, uint16_t *gids)
{
    size_t n = 0, step = nglyphs / want ? nglyphs / want : 1;
    for (size_t g = 1; g < nglyphs && n < want; g += step) gids[n++] = (uint16_t)g;
    return n;
}

static void S_same_outline(FT_Face a, unsigned ga, FT_Face b, unsigned gb, const char *what)
{
    const int flags = FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING;
    if (FT_Load_Glyph(a, ga, flags)) fail_msg("%s: glyph %u of the font does not load", what, ga);
    FT_Outline oa = a->glyph->outline;
    short na = oa.n_points, ca = oa.n_contours;
    FT_Vector *pa = malloc(sizeof *pa * (size_t)(na ? na : 1));
    char *ta = malloc((size_t)(na ? na : 1));
    short *ea = malloc(sizeof *ea * (size_t)(ca ? ca : 1));
    if (na) memcpy(pa, oa.points, sizeof *pa * (size_t)na), memcpy(ta, oa.tags, (size_t)na);
    if (ca) memcpy(ea, oa.contours, sizeof *ea * (size_t)ca); /* a space has none */
    FT_Pos advance = a->glyph->metrics.horiAdvance;
    if (FT_Load_Glyph(b, gb, flags)) fail_msg("%s: CID %u of the subset does not load", what, gb);
    /* the width in the subset's charstring (hints dropped, the width kept) */
    if (b->glyph->metrics.horiAdvance != advance)
        fail_msg("%s: glyph %u is %ld wide, in the subset %ld", what, ga, (long)advance,
                 (long)b->glyph->metrics.horiAdvance);
    FT_Outline ob = b->glyph->outline;
    if (ob.n_points != na || ob.n_contours != ca)
        fail_msg("%s: glyph %u has %d points in %d contours, its subset %d in %d", what, ga, na, ca,
                 ob.n_points, ob.n_contours);
    for (short k = 0; k < na; k++)
        if (pa[k].x != ob.points[k].x || pa[k].y != ob.points[k].y || (ta[k] & 3) != (ob.tags[k] & 3))
            fail_msg("%s: glyph %u point %d is (%ld, %ld), in the subset (%ld, %ld)", what, ga, k,
                     (long)pa[k].x, (long)pa[k].y, (long)ob.points[k].x, (long)ob.points[k].y);
    for (short k = 0; k < ca; k++)
        if (ea[k] != ob.contours[k]) fail_msg("%s: glyph %u contour %d ends elsewhere", what, ga, k);
    free(pa), free(ta), free(ea);
}

/* Every glyph of each font's subset draws as in the font, and has the font's CID. */
static void test_subset_glyphs_draw_as_in_the_font(void **state)
{
    (void)state;
    for (size_t i = 0; i < NFONTS; i++) {
        S_Font *f = &S_fonts[i];
        FT_Face orig;
        assert_int_equal(FT_New_Memory_Face(S_ft, f->data, (FT_Long)f->len, f->index, &orig), 0);
        size_t nglyphs = (size_t)orig->num_glyphs;
        uint16_t *gids = malloc(400 * sizeof *gids), *cids = malloc(400 * sizeof *cids);
        uint16_t *charset = calloc(nglyphs, sizeof *charset);
        int keyed = 0;
        assert_int_equal(nb_cff_charset(f->cff, f->cff_len, charset, nglyphs, &keyed), nglyphs);
        assert_true(keyed);
        size_t n = S_spread(nglyphs, 400, gids);
        NbBuf out = {0};
        if (!nb_cffsub(f->cff, f->cff_len, gids, n, cids, &out, NULL)) fail_msg("%s: not subset", f->path);
        assert_true(out.len > 0 && out.len < f->cff_len);
        FT_Face sub;
        assert_int_equal(FT_New_Memory_Face(S_ft, (const FT_Byte *)out.s, (FT_Long)out.len, 0, &sub), 0);
        uint16_t *subset_cids = calloc(n + 1, sizeof *subset_cids);
        int sub_keyed = 0; /* FreeType counts a CID font's glyphs by CID: read the count here */
        assert_int_equal(nb_cff_charset((const unsigned char *)out.s, out.len, subset_cids, n + 1,
                                        &sub_keyed), n + 1);
        assert_true(sub_keyed);
        for (size_t k = 0; k < n; k++) assert_int_equal(subset_cids[k + 1], charset[gids[k]]);
        free(subset_cids);
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(cids[k], charset[gids[k]]); /* the font's own CID */
            S_same_outline(orig, gids[k], sub, cids[k], f->path);
        }
        FT_Done_Face(sub);
        FT_Done_Face(orig);
        nb_buf_free(&out);
        free(gids), free(cids), free(charset);
    }
}

/* The subset is smaller by far than the font, and its charstrings call no subroutine. */
static void test_subset_has_no_subroutines(void **state)
{
    (void)state;
    S_Font *f = &S_fonts[4]; /* Noto Serif CJK: heavily subroutinized */
    uint16_t gids[] = {100, 2000, 30000}, cids[3];
    NbBuf out = {0};
    assert_true(nb_cffsub(f->cff, f->cff_len, gids, 3, cids, &out, NULL));
    assert_true(out.len < 20000);
    for (unsigned g = 0; g < 4; g++) {
        size_t n = 0;
        const unsigned char *cs = nb_cff_charstring((const unsigned char *)out.s, out.len, g, &n);
        assert_non_null(cs);
        assert_true(n > 0);
        assert_int_equal(cs[n - 1], 14); /* each ends with its own endchar */
    }
    nb_buf_free(&out);
}

/* A subset made with glyphs kept from earlier subsets is byte for byte the one made
 * without: for each font, a second subset sharing half its glyphs with the first. */
static void test_kept_glyphs_give_the_same_subset(void **state)
{
    (void)state;
    for (size_t i = 0; i < NFONTS; i++) {
        S_Font *f = &S_fonts[i];
        uint16_t a[200], b[200], cids[200];
        int keyed = 0;
        size_t nglyphs = nb_cff_charset(f->cff, f->cff_len, NULL, 0, &keyed);
        assert_true(nglyphs > 400);
        size_t na = S_spread(nglyphs - 200, 200, a), nb = 0;
        for (size_t k = 0; k < na; k += 2) b[nb++] = a[k];     /* half of the first's */
        for (size_t k = 0; nb < 150; k++) b[nb++] = (uint16_t)(a[na - 1] + 1 + k);
        NbCffGlyphs *kept = nb_cffsub_glyphs_new();
        NbBuf first = {0}, with = {0}, without = {0};
        assert_true(nb_cffsub(f->cff, f->cff_len, a, na, cids, &first, kept));
        assert_true(nb_cffsub(f->cff, f->cff_len, b, nb, cids, &with, kept));
        assert_true(nb_cffsub(f->cff, f->cff_len, b, nb, cids, &without, NULL));
        assert_int_equal(with.len, without.len);
        assert_memory_equal(with.s, without.s, with.len);
        nb_buf_free(&first), nb_buf_free(&with), nb_buf_free(&without);
        nb_cffsub_glyphs_free(kept);
    }
}

/* A glyph list that is not sorted, repeats a glyph, asks for .notdef or for a glyph past the
 * font's end is refused. */
static void test_bad_glyph_lists_refused(void **state)
{
    (void)state;
    S_Font *f = &S_fonts[0];
    uint16_t cids[4];
    NbBuf out = {0};
    uint16_t unsorted[] = {30, 20}, twice[] = {20, 20}, notdef[] = {0, 20}, past[] = {20, 65534};
    assert_false(nb_cffsub(f->cff, f->cff_len, unsorted, 2, cids, &out, NULL));
    assert_false(nb_cffsub(f->cff, f->cff_len, twice, 2, cids, &out, NULL));
    assert_false(nb_cffsub(f->cff, f->cff_len, notdef, 2, cids, &out, NULL));
    assert_false(nb_cffsub(f->cff, f->cff_len, past, 2, cids, &out, NULL));
    assert_int_equal(out.len, 0);
    nb_buf_free(&out);
}

/* Every truncation of a CFF table, and every single byte set to 0xFF in its first part
 * (header, INDEXes, Top DICT), gives a refusal or a subset, never a read outside it. */
static void test_truncated_and_corrupt_tables(void **state)
{
    (void)state;
    S_Font *f = &S_fonts[4];
    uint16_t gids[] = {100, 2000}, cids[2];
    NbBuf out = {0};
    for (size_t len = 0; len < 4096; len += 7) {
        unsigned char *copy = malloc(len ? len : 1); /* exactly len bytes: ASan sees any overread */
        memcpy(copy, f->cff, len);
        assert_false(nb_cffsub(copy, len, gids, 2, cids, &out, NULL));
        free(copy);
    }
    unsigned char *copy = malloc(f->cff_len);
    for (size_t at = 0; at < 600; at++) {
        memcpy(copy, f->cff, f->cff_len);
        copy[at] = 0xFF;
        (void)nb_cffsub(copy, f->cff_len, gids, 2, cids, &out, NULL);
    }
    free(copy);
    nb_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subset_glyphs_draw_as_in_the_font),
        cmocka_unit_test(test_subset_has_no_subroutines),
        cmocka_unit_test(test_kept_glyphs_give_the_same_subset),
        cmocka_unit_test(test_bad_glyph_lists_refused),
        cmocka_unit_test(test_truncated_and_corrupt_tables),
    };
    return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
