/* Unit tests: fonts with CFF outlines (cff.c, and subset.c's reader on OpenType): a CID-keyed
 * collection from Debian (fonts-noto-cjk's Noto Sans CJK, face 2 = SC, not the first), its
 * subset's CIDs equal to the font's own, the charset reader on every format, and corrupt or
 * truncated fonts refused with an error, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cff.h"
#include "cffread.h"
#include "subset.h"
#include "util.h"

#define NOTO "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define SC 2 /* the collection's faces: JP, KR, SC, TC, HK, … */

static unsigned char *S_data;
static size_t S_len;

static int S_setup(void **state)
{
    (void)state;
    const char *err = NULL;
    S_data = (unsigned char *)nb_read_file(NOTO, &S_len, 64u << 20, &err);
    if (!S_data) fprintf(stderr, "%s: %s (fonts-noto-cjk, installed by ./setup.sh)\n", NOTO, err);
    return S_data ? 0 : -1;
}

static int S_teardown(void **state)
{
    (void)state;
    free(S_data);
    return 0;
}

static unsigned S_u16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t S_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The 'CFF ' table of face `index` of the collection, read here independently of cff.c. */
static const unsigned char *S_cff_table(unsigned index, size_t *len)
{
    size_t off = 0;
    assert_true(nb_sfnt_face_offset(S_data, S_len, index, &off));
    const unsigned char *dir = S_data + off;
    assert_memory_equal(dir, "OTTO", 4);
    for (unsigned i = 0; i < S_u16(dir + 4); i++) {
        const unsigned char *r = dir + 12 + 16 * i;
        if (memcmp(r, "CFF ", 4) == 0) {
            *len = S_u32(r + 12);
            return S_data + S_u32(r + 8);
        }
    }
    fail_msg("face %u has no CFF table", index);
    return NULL;
}

static NbSfnt *S_face(unsigned index)
{
    size_t off = 0;
    assert_true(nb_sfnt_face_offset(S_data, S_len, index, &off));
    char *err = NULL;
    NbSfnt *f = nb_sfnt_open(S_data, S_len, off, &err);
    if (!f) fail_msg("face %u: %s", index, err);
    return f;
}

/* The reader opens OpenType CFF faces of a collection for metrics and cmap. */
static void test_reader_opens_cff_faces(void **state)
{
    (void)state;
    NbSfnt *sc = S_face(SC), *jp = S_face(0);
    assert_true(nb_sfnt_is_cff(sc));
    assert_int_equal(nb_sfnt_units_per_em(sc), 1000);
    unsigned g = nb_sfnt_glyph(sc, 0x56FD); /* 国 */
    assert_true(g > 0);
    assert_int_equal(nb_sfnt_advance(sc, g), 1000);
    /* 骨 has regional forms: the SC face maps it to another glyph than the JP face */
    assert_int_not_equal(nb_sfnt_glyph(sc, 0x9AA8), nb_sfnt_glyph(jp, 0x9AA8));
    assert_true(nb_sfnt_glyph(sc, 0x9AA8) > 0);
    assert_string_equal(nb_sfnt_ps_name(sc), "NotoSansCJKsc-Regular");
    /* a CFF glyph's data is its charstring (国 draws: more than an endchar); CFF glyphs
     * are cff.c's to subset */
    size_t len = 0;
    assert_non_null(nb_sfnt_glyph_data(sc, g, &len));
    assert_true(len > 4);
    assert_non_null(nb_sfnt_glyph_data(sc, 0, &len)); /* .notdef */
    NbSubset sub;
    char *err = NULL;
    uint16_t want[] = {(uint16_t)g};
    assert_false(nb_subset(sc, want, 1, &sub, &err));
    assert_non_null(err);
    free(err);
    nb_sfnt_close(sc);
    nb_sfnt_close(jp);
}

/* A subset of the SC face: a bare CFF, CID-keyed, whose CIDs are the font's own CIDs for
 * the glyphs asked for (the PDF's codes must be what the subset's charset says). */
static void test_subset_keeps_the_fonts_cids(void **state)
{
    (void)state;
    NbSfnt *sc = S_face(SC);
    static const uint32_t text[] = {0x6D1B, 0x9F99, 0x533A, 0x653F, 0x5E9C, 0x3002, 0x9AA8, '2', 'A'};
    enum { N = sizeof text / sizeof *text };
    uint16_t gids[N];
    for (size_t i = 0; i < N; i++) gids[i] = (uint16_t)nb_sfnt_glyph(sc, text[i]);
    char *err = NULL;
    NbCff *c = nb_cff_open(S_data, S_len, SC, &err);
    if (!c) fail_msg("%s", err);
    NbCffSubset sub;
    if (!nb_cff_subset(c, gids, N, &sub, &err)) fail_msg("%s", err);
    assert_true(sub.cid_keyed);
    assert_int_equal(sub.n, N);
    assert_int_equal(sub.data[0], 1); /* CFF version 1 */
    assert_true(sub.len > 100 && sub.len < 200000);
    /* the font's own charset, read from its file */
    size_t flen = 0;
    const unsigned char *cff = S_cff_table(SC, &flen);
    uint16_t *fmap = nb_xcalloc(65536, sizeof *fmap);
    int keyed = 0;
    size_t nglyphs = nb_cff_charset(cff, flen, fmap, 65536, &keyed);
    assert_true(keyed);
    assert_int_equal(nglyphs, nb_sfnt_num_glyphs(sc));
    for (size_t i = 0; i < N; i++) {
        assert_true(sub.cids[i] > 0);
        assert_int_equal(sub.cids[i], fmap[gids[i]]);
        for (size_t k = 0; k < i; k++)
            if (gids[k] != gids[i]) assert_int_not_equal(sub.cids[k], sub.cids[i]);
    }
    /* the subset holds .notdef and the glyphs asked for (HarfBuzz may keep a variation
     * sequence's glyph too: 骨's other form here), and their CIDs are in its charset */
    uint16_t smap[64];
    keyed = 0;
    size_t kept = nb_cff_charset(sub.data, sub.len, smap, 64, &keyed);
    assert_true(keyed);
    assert_true(kept >= N + 1 && kept <= N + 3);
    assert_int_equal(smap[0], 0);
    for (size_t i = 0; i < N; i++) {
        size_t k = 1;
        while (k < kept && smap[k] != sub.cids[i]) k++;
        assert_true(k < kept);
    }
    /* the same face subset again gives the same bytes */
    size_t first_len = sub.len;
    unsigned char *first = nb_xmalloc(first_len);
    memcpy(first, sub.data, first_len);
    NbCffSubset again;
    assert_true(nb_cff_subset(c, gids, N, &again, &err));
    assert_int_equal(again.len, first_len);
    assert_memory_equal(again.data, first, first_len);
    nb_cff_subset_free(&again);
    free(first);
    nb_cff_subset_free(&sub);
    free(fmap);
    nb_cff_close(c);
    nb_sfnt_close(sc);
}

/* A hand-made CFF: header, Name INDEX, Top DICT INDEX (ROS, charset, CharStrings), empty
 * String and Global Subr INDEXes, the charset in `format`, 5 glyphs. */
static size_t S_synth(unsigned char *b, int format, int ros)
{
    size_t n = 0;
    b[n++] = 1, b[n++] = 0, b[n++] = 4, b[n++] = 1;
    /* Name INDEX: one name "x" */
    b[n++] = 0, b[n++] = 1, b[n++] = 1, b[n++] = 1, b[n++] = 2, b[n++] = 'x';
    /* Top DICT INDEX: one dict of `dl` bytes, filled in below */
    size_t top = n;
    b[n++] = 0, b[n++] = 1, b[n++] = 1, b[n++] = 1, b[n++] = 0;
    size_t d0 = n;
    if (ros) b[n++] = 139, b[n++] = 139, b[n++] = 139, b[n++] = 12, b[n++] = 30; /* ROS 0 0 0 */
    size_t cs_at = n;
    b[n++] = 29, n += 4, b[n++] = 15;  /* charset offset (int32), op 15 */
    b[n++] = 29, n += 4, b[n++] = 17;  /* CharStrings offset, op 17 */
    b[top + 4] = (unsigned char)(n - d0 + 1);
    b[n++] = 0, b[n++] = 0; /* String INDEX, empty */
    b[n++] = 0, b[n++] = 0; /* Global Subr INDEX, empty */
    size_t charset = n;
    if (format == 0) {
        b[n++] = 0;
        static const unsigned cids[] = {100, 7, 300, 301};
        for (int i = 0; i < 4; i++) b[n++] = (unsigned char)(cids[i] >> 8), b[n++] = (unsigned char)cids[i];
    } else if (format == 1) {
        b[n++] = 1, b[n++] = 0, b[n++] = 50, b[n++] = 1;  /* 50, 51 */
        b[n++] = 1, b[n++] = 0x90, b[n++] = 1;              /* 400, 401 */
    } else {
        b[n++] = 2, b[n++] = 0, b[n++] = 9, b[n++] = 0, b[n++] = 3; /* 9 … 12 */
    }
    size_t charstrings = n;
    b[n++] = 0, b[n++] = 5, b[n++] = 1; /* CharStrings INDEX: 5 glyphs of one byte (endchar) */
    for (int i = 0; i <= 5; i++) b[n++] = (unsigned char)(1 + i);
    for (int i = 0; i < 5; i++) b[n++] = 14;
    for (int k = 0; k < 2; k++) {
        uint32_t v = (uint32_t)(k ? charstrings : charset);
        unsigned char *p = b + cs_at + 6 * k + 1;
        p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8),
        p[3] = (unsigned char)v;
    }
    return n;
}

static void test_charset_formats(void **state)
{
    (void)state;
    unsigned char b[256];
    uint16_t map[8];
    int keyed;
    static const uint16_t want[3][5] = {{0, 100, 7, 300, 301}, {0, 50, 51, 400, 401}, {0, 9, 10, 11, 12}};
    for (int format = 0; format < 3; format++) {
        size_t len = S_synth(b, format, 1);
        memset(map, 0xFF, sizeof map);
        assert_int_equal(nb_cff_charset(b, len, map, 8, &keyed), 5);
        assert_true(keyed);
        assert_memory_equal(map, want[format], sizeof want[format]);
        /* cut anywhere: 0 (corrupt) or the right answer, never a read past the end */
        for (size_t cut = 0; cut < len; cut++) {
            unsigned char *part = nb_xmalloc(cut ? cut : 1);
            memcpy(part, b, cut);
            size_t got = nb_cff_charset(part, cut, map, 8, &keyed);
            assert_true(got == 0 || got == 5);
            free(part);
        }
    }
    /* name-keyed (no ROS): the PDF's CID is the glyph index */
    size_t len = S_synth(b, 0, 0);
    assert_int_equal(nb_cff_charset(b, len, map, 8, &keyed), 5);
    assert_false(keyed);
    for (uint16_t g = 0; g < 5; g++) assert_int_equal(map[g], g);
}

/* A truncated or corrupt OpenType font is refused with an error at every length. */
static void test_truncated_and_corrupt_fonts(void **state)
{
    (void)state;
    size_t off = 0;
    assert_true(nb_sfnt_face_offset(S_data, S_len, SC, &off));
    /* the face's tables lie far into the file: cut the file short of them */
    for (size_t cut = off; cut < off + 4096; cut += 7) {
        char *err = NULL;
        NbSfnt *f = nb_sfnt_open(S_data, cut, off, &err);
        assert_null(f);
        assert_non_null(err);
        free(err);
    }
    /* garbage for HarfBuzz: no face, an error */
    unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (unsigned char)(i * 151 + 7);
    memcpy(junk, "OTTO", 4);
    char *err = NULL;
    NbCff *c = nb_cff_open(junk, sizeof junk, 0, &err);
    assert_null(c);
    assert_non_null(err);
    free(err);
    /* a copy of the face whose CFF table is overwritten: the subset fails cleanly or the
     * charset read back refuses it; either way an error, no crash */
    unsigned char *copy = nb_xmalloc(S_len);
    memcpy(copy, S_data, S_len);
    size_t clen = 0;
    const unsigned char *cff = S_cff_table(SC, &clen);
    memset(copy + (cff - S_data) + 4, 0xFF, 64);
    err = NULL;
    c = nb_cff_open(copy, S_len, SC, &err);
    if (c) {
        NbCffSubset sub;
        uint16_t g[] = {1, 2, 3};
        if (nb_cff_subset(c, g, 3, &sub, &err)) nb_cff_subset_free(&sub);
        else assert_non_null(err);
        nb_cff_close(c);
    }
    free(err);
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_opens_cff_faces),
        cmocka_unit_test(test_subset_keeps_the_fonts_cids),
        cmocka_unit_test(test_charset_formats),
        cmocka_unit_test(test_truncated_and_corrupt_fonts),
    };
    return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
