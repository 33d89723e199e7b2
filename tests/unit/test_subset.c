/* Unit tests: the TrueType reader and glyph subsetter (subset.c).
 *
 * Real fonts (found with fc-match): cmap lookups against FreeType and known values; subsets
 * of real text parsed back by an independent reader written here (table directory,
 * checksums, loca/glyf bytes, hmtx, composite renumbering) and by FreeType (outlines equal
 * to the original's, composite sub-glyphs, hinted bitmaps equal, so fpgm/prep/cvt work) and,
 * when python3 has fontTools, by fontTools. Synthetic fonts built here: composite cycles,
 * deep nesting, component ids near 65535, corrupt loca and composites. Hostile data: every
 * prefix of small fonts, byte mutations, random bytes. Timing and sizes are printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H

#include "subset.h"
#include "util.h"

/* ------------------------------------------------------------------ fonts on this machine */

typedef struct {
    const char *family, *key;
    char path[512];
    int index;
    unsigned char *data;
    size_t len, off;
    NbSfnt *f;
    FT_Face ft;
} TFont;

enum { SUNG, UMING, WQY, WENKAI, DEJAVU, NFONTS };
static TFont S_fonts[NFONTS] = {
    {.family = "AR PL SungtiL GB", .key = "sung"},
    {.family = "AR PL UMing CN", .key = "uming"},
    {.family = "WenQuanYi Micro Hei", .key = "wqy"},
    {.family = "LXGW WenKai", .key = "wenkai"},
    {.family = "DejaVu Sans", .key = "dejavu"},
};
static FT_Library S_ft;

static const char S_SENTENCE[] =
    "2023年，我街道坚持“以公开为常态，不公开为例外”原则，深入贯彻落实《中华人民共和国政府信息"
    "公开条例》。国政府信息度报的，ABC xyz 0123456789（一）、；：…—";

static int S_setup(void **state)
{
    (void)state;
    if (FT_Init_FreeType(&S_ft)) return -1;
    for (int i = 0; i < NFONTS; i++) {
        TFont *t = &S_fonts[i];
        char cmd[256], fam[256] = "";
        snprintf(cmd, sizeof cmd, "fc-match -f '%%{file}\\n%%{index}\\n%%{family}\\n' '%s'", t->family);
        FILE *p = popen(cmd, "r");
        if (!p) return -1;
        int ok = fgets(t->path, sizeof t->path, p) && fscanf(p, "%d\n", &t->index) == 1 &&
                 fgets(fam, sizeof fam, p);
        pclose(p);
        t->path[strcspn(t->path, "\n")] = 0;
        if (!ok || !strstr(fam, t->family)) {
            fprintf(stderr, "font '%s' is not installed (fc-match gave %s)\n", t->family, t->path);
            return -1;
        }
        int fd = open(t->path, O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0) return -1;
        t->len = (size_t)st.st_size;
        t->data = mmap(NULL, t->len, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        if (t->data == MAP_FAILED) return -1;
        if (!nb_sfnt_face_offset(t->data, t->len, (unsigned)t->index, &t->off)) return -1;
        char *err = NULL;
        t->f = nb_sfnt_open(t->data, t->len, t->off, &err);
        if (!t->f) {
            fprintf(stderr, "%s: %s\n", t->path, err);
            free(err);
            return -1;
        }
        if (FT_New_Memory_Face(S_ft, t->data, (FT_Long)t->len, t->index, &t->ft)) return -1;
    }
    return 0;
}

static int S_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < NFONTS; i++) {
        TFont *t = &S_fonts[i];
        if (t->ft) FT_Done_Face(t->ft);
        nb_sfnt_close(t->f);
        if (t->data && t->data != MAP_FAILED) munmap(t->data, t->len);
    }
    FT_Done_FreeType(S_ft);
    return 0;
}

/* ------------------------------------------------------- an independent sfnt reader */

static unsigned R16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t R32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const unsigned char *T_table(const unsigned char *d, size_t len, size_t off, const char *tag,
                                    size_t *tlen)
{
    unsigned n = R16(d + off + 4);
    for (unsigned i = 0; i < n; i++) {
        const unsigned char *r = d + off + 12 + 16 * i;
        if (!memcmp(r, tag, 4)) {
            uint32_t o = R32(r + 8), l = R32(r + 12);
            if ((uint64_t)o + l > len) return NULL;
            if (tlen) *tlen = l;
            return d + o;
        }
    }
    return NULL;
}

static const unsigned char *T_glyph(const unsigned char *d, size_t len, size_t off, unsigned gid,
                                    size_t *glen)
{
    size_t ll, gl;
    const unsigned char *head = T_table(d, len, off, "head", NULL);
    const unsigned char *loca = T_table(d, len, off, "loca", &ll);
    const unsigned char *glyf = T_table(d, len, off, "glyf", &gl);
    assert_non_null(head), assert_non_null(loca), assert_non_null(glyf);
    size_t a, b;
    if (R16(head + 50)) a = R32(loca + 4 * gid), b = R32(loca + 4 * gid + 4);
    else a = 2u * R16(loca + 2 * gid), b = 2u * R16(loca + 2 * gid + 2);
    assert_true(a <= b && b <= gl);
    *glen = b - a;
    return glyf + a;
}

static void T_hmetric(const unsigned char *d, size_t len, size_t off, unsigned gid, unsigned *adv,
                      unsigned *lsb)
{
    const unsigned char *hhea = T_table(d, len, off, "hhea", NULL);
    size_t hl;
    const unsigned char *hmtx = T_table(d, len, off, "hmtx", &hl);
    unsigned nhm = R16(hhea + 34);
    *adv = R16(hmtx + 4 * (gid < nhm ? gid : nhm - 1));
    *lsb = gid < nhm ? R16(hmtx + 4 * gid + 2) : R16(hmtx + 4 * nhm + 2 * (gid - nhm));
}

/* Component records of a composite: their gid offsets within the glyph; count returned. */
static size_t T_components(const unsigned char *g, size_t len, size_t *pos, size_t max)
{
    if (len < 10 || (int16_t)R16(g) >= 0) return 0;
    size_t n = 0, p = 10;
    for (;;) {
        assert_true(p + 4 <= len);
        unsigned fl = R16(g + p);
        if (n < max) pos[n++] = p + 2;
        p += 4 + ((fl & 1) ? 4 : 2) + ((fl & 8) ? 2 : (fl & 0x40) ? 4 : (fl & 0x80) ? 8 : 0);
        assert_true(p <= len);
        if (!(fl & 0x20)) break;
    }
    return n;
}

static uint32_t T_sum(const unsigned char *p, size_t len)
{
    uint32_t s = 0;
    for (size_t i = 0; i < len; i += 4) {
        unsigned char w[4] = {0};
        memcpy(w, p + i, len - i < 4 ? len - i : 4);
        s += R32(w);
    }
    return s;
}

/* ---------------------------------------------------------------- checking a subset */

static int S_has(const unsigned char *d, size_t len, size_t off, const char *tag)
{
    return T_table(d, len, off, tag, NULL) != NULL;
}

/* The file structure: directory, tables, checksums, head/hhea/maxp/post fields. */
static void S_check_file(const TFont *t, const NbSubset *s)
{
    const unsigned char *d = s->data;
    assert_true(s->len >= 12 && s->len % 4 == 0);
    assert_int_equal(R32(d), 0x00010000);
    unsigned n = R16(d + 4);
    const char *expect[10];
    size_t ne = 0;
    const char *all[] = {"cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "post", "prep"};
    for (size_t i = 0; i < 10; i++)
        if (strcmp(all[i], "cvt ") && strcmp(all[i], "fpgm") && strcmp(all[i], "prep"))
            expect[ne++] = all[i];
        else if (S_has(t->data, t->len, t->off, all[i])) expect[ne++] = all[i];
    assert_int_equal(n, ne);
    unsigned pow2 = 1, lg = 0;
    while (pow2 * 2 <= n) pow2 *= 2, lg++;
    assert_int_equal(R16(d + 6), pow2 * 16);
    assert_int_equal(R16(d + 8), lg);
    assert_int_equal(R16(d + 10), n * 16 - pow2 * 16);
    uint32_t headsum_expected = 0;
    const unsigned char *head = NULL;
    for (unsigned i = 0; i < n; i++) {
        const unsigned char *r = d + 12 + 16 * i;
        assert_memory_equal(r, expect[i], 4); /* sorted, exactly these */
        uint32_t o = R32(r + 8), l = R32(r + 12);
        assert_true(o % 4 == 0 && (uint64_t)o + l <= s->len);
        assert_true(o >= 12 + 16 * n);
        if (!memcmp(r, "head", 4)) {
            head = d + o;
            unsigned char h[56] = {0};
            assert_int_equal(l, 54);
            memcpy(h, d + o, 54);
            memset(h + 8, 0, 4);
            headsum_expected = T_sum(h, 54);
            assert_int_equal(R32(r + 4), headsum_expected);
        } else assert_int_equal(R32(r + 4), T_sum(d + o, l));
        /* padding bytes are zero */
        for (uint32_t k = l; k % 4; k++) assert_int_equal(d[o + k], 0);
    }
    assert_non_null(head);
    assert_int_equal(T_sum(d, s->len), 0xB1B0AFBAu);
    assert_int_equal(R32(head + 12), 0x5F0F3CF5);
    assert_int_equal(R16(head + 50), 1);
    assert_int_equal(R16(head + 18), nb_sfnt_units_per_em(t->f));
    size_t l;
    const unsigned char *hhea = T_table(d, s->len, 0, "hhea", &l);
    assert_int_equal(R16(hhea + 34), s->count);
    const unsigned char *maxp = T_table(d, s->len, 0, "maxp", &l);
    assert_int_equal(R16(maxp + 4), s->count);
    const unsigned char *omaxp = T_table(t->data, t->len, t->off, "maxp", NULL);
    assert_memory_equal(maxp + 6, omaxp + 6, l - 6);
    const unsigned char *post = T_table(d, s->len, 0, "post", &l);
    assert_int_equal(l, 32);
    assert_int_equal(R32(post), 0x00030000);
    size_t ll;
    T_table(d, s->len, 0, "loca", &ll);
    assert_int_equal(ll, 4 * (s->count + 1));
    T_table(d, s->len, 0, "hmtx", &ll);
    assert_int_equal(ll, 4 * s->count);
    assert_null(T_table(d, s->len, 0, "cmap", NULL));
    assert_null(T_table(d, s->len, 0, "name", NULL));
    for (const char *const *tag = (const char *const[]){"cvt ", "fpgm", "prep", NULL}; *tag; tag++) {
        size_t a, b;
        const unsigned char *x = T_table(t->data, t->len, t->off, *tag, &a);
        const unsigned char *y = T_table(d, s->len, 0, *tag, &b);
        if (!x) continue;
        assert_int_equal(a, b);
        assert_memory_equal(x, y, a);
    }
}

static int S_cmp16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Everything about a subset of `want` (n gids) of t; returns how many composites it holds. */
static size_t S_check_subset(const TFont *t, const uint16_t *want, size_t n, const NbSubset *s)
{
    S_check_file(t, s);
    char *err = NULL;
    NbSfnt *sub = nb_sfnt_open(s->data, s->len, 0, &err);
    assert_non_null(sub);
    assert_null(err);
    assert_int_equal(nb_sfnt_num_glyphs(sub), s->count);
    assert_int_equal(nb_sfnt_units_per_em(sub), nb_sfnt_units_per_em(t->f));
    assert_int_equal(nb_sfnt_glyph(sub, 0x4E2D), 0); /* no cmap */

    /* order: 0, the wanted ones ascending, then components not wanted */
    uint16_t *w = nb_xmalloc((n + 1) * sizeof *w);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) w[k++] = want[i];
    qsort(w, k, sizeof *w, S_cmp16);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (w[i] && (!u || w[u - 1] != w[i])) w[u++] = w[i];
    assert_true(s->count >= 1 + u);
    assert_int_equal(s->old_gids[0], 0);
    for (size_t i = 0; i < u; i++) assert_int_equal(s->old_gids[1 + i], w[i]);
    uint8_t *seen = nb_xcalloc(65536, 1);
    for (size_t i = 0; i < s->count; i++) {
        assert_int_equal(seen[s->old_gids[i]], 0);
        seen[s->old_gids[i]] = 1;
        if (i > u) assert_null(bsearch(&s->old_gids[i], w, u, sizeof *w, S_cmp16));
    }

    size_t ncomposite = 0;
    for (size_t i = 0; i < s->count; i++) {
        unsigned old = s->old_gids[i];
        assert_int_equal(nb_sfnt_advance(sub, (unsigned)i), nb_sfnt_advance(t->f, old));
        unsigned a1, l1, a2, l2;
        T_hmetric(t->data, t->len, t->off, old, &a1, &l1);
        T_hmetric(s->data, s->len, 0, (unsigned)i, &a2, &l2);
        assert_int_equal(a1, a2);
        assert_int_equal(l1, l2);
        size_t ol, nl;
        const unsigned char *og = T_glyph(t->data, t->len, t->off, old, &ol);
        const unsigned char *ng = T_glyph(s->data, s->len, 0, (unsigned)i, &nl);
        assert_int_equal(nl, (ol + 3) & ~(size_t)3);
        for (size_t j = ol; j < nl; j++) assert_int_equal(ng[j], 0);
        size_t opos[64], npos[64];
        size_t nc = T_components(og, ol, opos, 64);
        assert_int_equal(T_components(ng, nl, npos, 64), nc);
        if (!nc) {
            assert_memory_equal(og, ng, ol); /* simple glyph: the same bytes */
            continue;
        }
        ncomposite++;
        unsigned char *copy = nb_xmalloc(ol ? ol : 1);
        memcpy(copy, ng, ol);
        for (size_t c = 0; c < nc; c++) {
            assert_int_equal(opos[c], npos[c]);
            unsigned oc = R16(og + opos[c]), nc2 = R16(ng + npos[c]);
            assert_true(nc2 < s->count);
            assert_int_equal(s->old_gids[nc2], oc); /* renumbered to the right glyph */
            copy[npos[c]] = og[opos[c]], copy[npos[c] + 1] = og[opos[c] + 1];
        }
        assert_memory_equal(copy, og, ol); /* and nothing else changed */
        free(copy);
    }
    free(seen);
    free(w);
    nb_sfnt_close(sub);
    return ncomposite;
}

/* FreeType loads the subset; each glyph's unscaled outline equals the original's, its
 * sub-glyphs are the renumbered ones, and its hinted bitmap at `ppem` is the same. */
static void S_check_freetype(const TFont *t, const NbSubset *s, unsigned ppem)
{
    FT_Face sf;
    assert_int_equal(FT_New_Memory_Face(S_ft, s->data, (FT_Long)s->len, 0, &sf), 0);
    assert_int_equal(sf->num_glyphs, (FT_Long)s->count);
    assert_int_equal(sf->units_per_EM, t->ft->units_per_EM);
    FT_Face of = t->ft;
    for (size_t i = 0; i < s->count; i++) {
        unsigned old = s->old_gids[i];
        int e1 = FT_Load_Glyph(of, old, FT_LOAD_NO_SCALE | FT_LOAD_NO_BITMAP);
        int e2 = FT_Load_Glyph(sf, (FT_UInt)i, FT_LOAD_NO_SCALE | FT_LOAD_NO_BITMAP);
        assert_int_equal(e1, e2);
        if (e1) continue;
        FT_Outline *o1 = &of->glyph->outline, *o2 = &sf->glyph->outline;
        assert_int_equal(o1->n_points, o2->n_points);
        assert_int_equal(o1->n_contours, o2->n_contours);
        assert_memory_equal(o1->points, o2->points, (size_t)o1->n_points * sizeof *o1->points);
        assert_memory_equal(o1->tags, o2->tags, (size_t)o1->n_points);
        assert_memory_equal(o1->contours, o2->contours, (size_t)o1->n_contours * sizeof *o1->contours);
        assert_int_equal(of->glyph->metrics.horiAdvance, sf->glyph->metrics.horiAdvance);

        /* unexpanded composites: FreeType reads the same component list, renumbered */
        assert_int_equal(FT_Load_Glyph(of, old, FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE), 0);
        assert_int_equal(FT_Load_Glyph(sf, (FT_UInt)i, FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE), 0);
        assert_int_equal(of->glyph->format, sf->glyph->format);
        if (of->glyph->format == FT_GLYPH_FORMAT_COMPOSITE) {
            assert_int_equal(of->glyph->num_subglyphs, sf->glyph->num_subglyphs);
            for (FT_UInt k = 0; k < of->glyph->num_subglyphs; k++) {
                FT_Int i1, i2, a1, a2, b1, b2;
                FT_UInt f1, f2;
                FT_Matrix m1, m2;
                FT_Get_SubGlyph_Info(of->glyph, k, &i1, &f1, &a1, &b1, &m1);
                FT_Get_SubGlyph_Info(sf->glyph, k, &i2, &f2, &a2, &b2, &m2);
                assert_true(i2 >= 0 && (size_t)i2 < s->count);
                assert_int_equal(s->old_gids[i2], i1);
                assert_int_equal(f1, f2), assert_int_equal(a1, a2), assert_int_equal(b1, b2);
            }
        }
    }
    /* rendering, unhinted and then hinted by the bytecode interpreter (running fpgm, prep
     * and the glyph programs against cvt). Not the auto-hinter, which FreeType picks for
     * fonts without instructions (AR PL UMing, LXGW WenKai): it measures the font through
     * its cmap, which a subset has not, so it may hint a subset differently. */
    assert_int_equal(FT_Set_Pixel_Sizes(of, 0, ppem), 0);
    assert_int_equal(FT_Set_Pixel_Sizes(sf, 0, ppem), 0);
    for (size_t j = 0; j < 2 * s->count; j++) {
        size_t i = j % s->count;
        FT_Int32 fl = FT_LOAD_NO_BITMAP | FT_LOAD_RENDER |
                      (j < s->count ? FT_LOAD_NO_HINTING : FT_LOAD_NO_AUTOHINT);
        int e1 = FT_Load_Glyph(of, s->old_gids[i], fl);
        int e2 = FT_Load_Glyph(sf, (FT_UInt)i, fl);
        assert_int_equal(e1, e2);
        if (e1) continue;
        FT_Bitmap *b1 = &of->glyph->bitmap, *b2 = &sf->glyph->bitmap;
        if (b1->rows != b2->rows || b1->width != b2->width || b1->pitch != b2->pitch ||
            of->glyph->bitmap_left != sf->glyph->bitmap_left ||
            of->glyph->bitmap_top != sf->glyph->bitmap_top || of->glyph->advance.x != sf->glyph->advance.x ||
            (b1->rows && memcmp(b1->buffer, b2->buffer, (size_t)b1->rows * (size_t)abs(b1->pitch))))
            fail_msg("%s glyph %u (new %zu) at %u ppem%s: %ux%u at (%d,%d) advance %ld, subset %ux%u at "
                     "(%d,%d) advance %ld, or other pixels",
                     t->key, s->old_gids[i], i, ppem, j < s->count ? "" : " hinted", b1->width, b1->rows, of->glyph->bitmap_left,
                     of->glyph->bitmap_top, (long)of->glyph->advance.x, b2->width, b2->rows,
                     sf->glyph->bitmap_left, sf->glyph->bitmap_top, (long)sf->glyph->advance.x);
    }
    FT_Done_Face(sf);
}

/* fontTools (if python3 has it) reads every table and glyph and checks the checksums. */
static int S_check_fonttools(const NbSubset *s)
{
    static const char script[] =
        "import sys\n"
        "from fontTools.ttLib import TTFont\n"
        "f = TTFont(sys.argv[1], checkChecksums=2)\n"
        "for t in f.keys(): f[t]\n"
        "g = f['glyf']\n"
        "assert f['maxp'].numGlyphs == len(f.getGlyphOrder()) == int(sys.argv[2])\n"
        "for n in f.getGlyphOrder(): g[n].getCoordinates(g)\n"
        "print('fontTools ok', sorted(f.keys()))\n";
    const char *py = NULL;
    if (system("/usr/bin/python3 -c 'import fontTools' 2>/dev/null") == 0) py = "/usr/bin/python3";
    else if (system("python3 -c 'import fontTools' 2>/dev/null") == 0) py = "python3";
    if (!py) return 0;
    char font[] = "/tmp/nb_test_subset_XXXXXX";
    int fd = mkstemp(font);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, s->data, s->len), (ssize_t)s->len);
    close(fd);
    char scr[] = "/tmp/nb_test_subset_py_XXXXXX";
    fd = mkstemp(scr);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, script, sizeof script - 1), (ssize_t)(sizeof script - 1));
    close(fd);
    char *cmd = nb_xasprintf("%s %s %s %zu >/dev/null", py, scr, font, s->count);
    int rc = system(cmd);
    free(cmd);
    unlink(font), unlink(scr);
    assert_int_equal(rc, 0);
    return 1;
}

/* ------------------------------------------------------------------- text helpers */

/* The code points of UTF-8 text (malformed bytes skipped); count returned. */
static size_t S_utf8(const char *s, uint32_t *out, size_t max)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n < max) {
        uint32_t c = *p;
        int k = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
        if (k < 0) {
            p++;
            continue;
        }
        c = k ? c & (0x3F >> k) : c;
        p++;
        for (int i = 0; i < k && (*p & 0xC0) == 0x80; i++) c = c << 6 | (*p++ & 0x3F);
        out[n++] = c;
    }
    return n;
}

/* The gids of a text's characters in f (missing ones left out); count returned. */
static size_t S_text_gids(const NbSfnt *f, const char *text, uint16_t *out, size_t max)
{
    uint32_t cps[4096];
    size_t n = S_utf8(text, cps, 4096), k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        unsigned g = nb_sfnt_glyph(f, cps[i]);
        if (g) out[k++] = (uint16_t)g;
    }
    return k;
}

/* ========================================================================== the tests */

static void test_face_offset(void **state)
{
    (void)state;
    const TFont *u = &S_fonts[UMING];
    size_t off = 1;
    assert_true(nb_sfnt_face_offset(u->data, u->len, 0, &off));
    assert_int_equal(off, R32(u->data + 12));
    assert_true(off > 12);
    assert_true(nb_sfnt_face_offset(u->data, u->len, 1, &off)); /* UMing HK etc. */
    assert_false(nb_sfnt_face_offset(u->data, u->len, 99, &off));
    assert_true(nb_sfnt_face_offset(S_fonts[SUNG].data, S_fonts[SUNG].len, 0, &off));
    assert_int_equal(off, 0);
    assert_false(nb_sfnt_face_offset(S_fonts[SUNG].data, S_fonts[SUNG].len, 1, &off));
    char *err = NULL;
    assert_null(nb_sfnt_open(u->data, u->len, 0, &err)); /* the collection header */
    assert_non_null(strstr(err, "collection"));
    free(err);
}

static void test_cmap_known_values(void **state)
{
    (void)state;
    /* gids read with fontTools (getBestCmap + getGlyphOrder) */
    static const struct {
        int font;
        uint32_t cp;
        unsigned gid;
    } known[] = {
        {SUNG, 0x4E2D, 980},    {SUNG, 'A', 65},        {SUNG, 0x3002, 714},
        {UMING, 0x4E2D, 2190},  {UMING, 'A', 36},       {UMING, 0x3002, 22641}, {UMING, 0x9F98, 20485},
        {WQY, 0x4E2D, 2012},    {WQY, 0x3002, 1439},    {WQY, 0x9F98, 22855},   {WQY, 0x56FD, 4268},
        {WENKAI, 0x4E2D, 3748}, {WENKAI, 0x3002, 2250}, {WENKAI, 0x9F98, 24590},
        {DEJAVU, 'A', 36},      {DEJAVU, 0x1F600, 5857}, {DEJAVU, 0x4E2D, 0},
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        assert_int_equal(nb_sfnt_glyph(S_fonts[known[i].font].f, known[i].cp), known[i].gid);
    for (int i = 0; i < NFONTS; i++) {
        assert_int_equal(nb_sfnt_glyph(S_fonts[i].f, 0xA000), 0); /* Yi: in none of them */
        assert_int_equal(nb_sfnt_glyph(S_fonts[i].f, 0x110000), 0);
        assert_int_equal(nb_sfnt_glyph(S_fonts[i].f, 0xFFFFFFFFu), 0);
        if (i != DEJAVU) assert_true(nb_sfnt_glyph(S_fonts[i].f, 0x4E2D) != 0);
    }
}

/* Every code point of planes 0-2 agrees with FreeType; so do the face-wide values. */
static void test_cmap_and_metrics_agree_with_freetype(void **state)
{
    (void)state;
    for (int i = 0; i < NFONTS; i++) {
        TFont *t = &S_fonts[i];
        assert_int_equal(FT_Select_Charmap(t->ft, FT_ENCODING_UNICODE), 0);
        size_t mapped = 0;
        for (uint32_t cp = 0; cp < 0x30000; cp++) {
            unsigned g = nb_sfnt_glyph(t->f, cp);
            if (g != FT_Get_Char_Index(t->ft, cp))
                fail_msg("%s U+%04X: %u, FreeType %u", t->key, cp, g, FT_Get_Char_Index(t->ft, cp));
            mapped += g != 0;
        }
        assert_true(mapped > (i == DEJAVU ? 3000u : 6000u));
        assert_int_equal(nb_sfnt_num_glyphs(t->f), t->ft->num_glyphs);
        assert_int_equal(nb_sfnt_units_per_em(t->f), t->ft->units_per_EM);
        for (unsigned g = 0; g < nb_sfnt_num_glyphs(t->f); g += 97) {
            assert_int_equal(FT_Load_Glyph(t->ft, g, FT_LOAD_NO_SCALE | FT_LOAD_NO_BITMAP), 0);
            assert_int_equal(nb_sfnt_advance(t->f, g), t->ft->glyph->metrics.horiAdvance);
        }
        assert_int_equal(nb_sfnt_advance(t->f, nb_sfnt_num_glyphs(t->f)), 0);
        int bbox[4], asc, desc, cap;
        nb_sfnt_metrics(t->f, bbox, &asc, &desc, &cap);
        assert_int_equal(bbox[0], t->ft->bbox.xMin), assert_int_equal(bbox[1], t->ft->bbox.yMin);
        assert_int_equal(bbox[2], t->ft->bbox.xMax), assert_int_equal(bbox[3], t->ft->bbox.yMax);
        TT_HoriHeader *hh = FT_Get_Sfnt_Table(t->ft, FT_SFNT_HHEA);
        assert_int_equal(asc, hh->Ascender), assert_int_equal(desc, hh->Descender);
        assert_true(cap > 0 && cap <= asc);
        const char *ps = nb_sfnt_ps_name(t->f), *fps = FT_Get_Postscript_Name(t->ft);
        assert_non_null(fps);
        assert_string_equal(ps, fps);
        printf("  %-7s %-20s upem %u, %u glyphs, bbox [%d %d %d %d], ascent %d, descent %d, cap %d\n",
               t->key, ps, nb_sfnt_units_per_em(t->f), nb_sfnt_num_glyphs(t->f), bbox[0], bbox[1],
               bbox[2], bbox[3], asc, desc, cap);
    }
    int bbox[4], asc, desc, cap;
    nb_sfnt_metrics(S_fonts[WENKAI].f, bbox, &asc, &desc, &cap);
    assert_int_equal(cap, 695); /* OS/2 v4 sCapHeight */
}

static void test_subset_sentence(void **state)
{
    (void)state;
    for (int i = 0; i < NFONTS; i++) {
        TFont *t = &S_fonts[i];
        uint16_t gids[512];
        size_t n = S_text_gids(t->f, S_SENTENCE, gids, 512);
        assert_true(n > (i == DEJAVU ? 20u : 60u));
        NbSubset s;
        char *err = NULL;
        assert_int_equal(nb_subset(t->f, gids, n, &s, &err), 1);
        assert_null(err);
        size_t nc = S_check_subset(t, gids, n, &s);
        S_check_freetype(t, &s, 24);
        int ft = S_check_fonttools(&s);
        printf("  %-7s %3zu glyphs wanted, %3zu kept (%zu composites), %6zu bytes%s\n", t->key, n,
               s.count, nc, s.len, ft ? ", fontTools ok" : "");
        nb_subset_free(&s);
        assert_null(s.data);
    }
}

/* WenQuanYi Micro Hei builds many CJK glyphs from two components, with gids >= 32768. */
static void test_wqy_high_components(void **state)
{
    (void)state;
    TFont *t = &S_fonts[WQY];
    uint16_t gids[64];
    size_t n = S_text_gids(t->f, "国政府信息度报的", gids, 64);
    assert_int_equal(n, 8);
    size_t high = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len, pos[8];
        const unsigned char *g = nb_sfnt_glyph_data(t->f, gids[i], &len);
        assert_non_null(g);
        size_t nc = T_components(g, len, pos, 8);
        assert_true(nc >= 2);
        for (size_t c = 0; c < nc; c++) high += R16(g + pos[c]) >= 32768;
    }
    assert_true(high >= 8);
    NbSubset s;
    assert_int_equal(nb_subset(t->f, gids, n, &s, NULL), 1);
    assert_true(s.count > 1 + n);
    size_t big = 0;
    for (size_t i = 1 + n; i < s.count; i++) big += s.old_gids[i] >= 32768;
    assert_true(big >= 8);
    assert_int_equal(S_check_subset(t, gids, n, &s), n);
    S_check_freetype(t, &s, 24);
    S_check_freetype(t, &s, 13);
    nb_subset_free(&s);
}

/* Nested composites: DejaVu Sans (depth 4) and every composite glyph of AR PL UMing (depth 3,
 * reached through glyphs no cmap entry names). */
static void test_nested_composites(void **state)
{
    (void)state;
    TFont *t = &S_fonts[DEJAVU];
    uint16_t g = (uint16_t)nb_sfnt_glyph(t->f, 0x1410); /* ᐐ: depth 3 or more */
    assert_true(g != 0);
    NbSubset s;
    assert_int_equal(nb_subset(t->f, &g, 1, &s, NULL), 1);
    assert_true(s.count >= 5);
    S_check_subset(t, &g, 1, &s);
    S_check_freetype(t, &s, 30);
    nb_subset_free(&s);

    static const int which[] = {UMING, DEJAVU};
    for (int w = 0; w < 2; w++) {
        t = &S_fonts[which[w]];
        unsigned ng = nb_sfnt_num_glyphs(t->f);
        uint16_t *want = nb_xmalloc(ng * sizeof *want);
        size_t n = 0;
        for (unsigned gid = 0; gid < ng; gid++) {
            size_t len, pos[4];
            const unsigned char *d = nb_sfnt_glyph_data(t->f, gid, &len);
            if (d && T_components(d, len, pos, 4)) want[n++] = (uint16_t)gid;
        }
        assert_true(n > 2000);
        assert_int_equal(nb_subset(t->f, want, n, &s, NULL), 1);
        assert_true(S_check_subset(t, want, n, &s) >= n);
        S_check_freetype(t, &s, 16);
        printf("  %-7s all %zu composites: %zu glyphs kept, %zu bytes\n", t->key, n, s.count, s.len);
        nb_subset_free(&s);
        free(want);
    }
}

static void test_subset_edge_requests(void **state)
{
    (void)state;
    TFont *t = &S_fonts[SUNG];
    NbSubset s;
    char *err = NULL;
    /* nothing wanted: .notdef alone */
    assert_int_equal(nb_subset(t->f, NULL, 0, &s, &err), 1);
    assert_int_equal(s.count, 1);
    S_check_subset(t, NULL, 0, &s);
    S_check_freetype(t, &s, 20);
    nb_subset_free(&s);
    /* duplicates and 0 */
    uint16_t d[] = {980, 0, 980, 65, 65, 0, 714};
    assert_int_equal(nb_subset(t->f, d, 7, &s, &err), 1);
    assert_int_equal(s.count, 4);
    assert_int_equal(s.old_gids[1], 65), assert_int_equal(s.old_gids[2], 714);
    assert_int_equal(s.old_gids[3], 980);
    S_check_subset(t, d, 7, &s);
    nb_subset_free(&s);
    /* a gid the font does not have */
    uint16_t bad[] = {65, (uint16_t)nb_sfnt_num_glyphs(t->f)};
    memset(&s, 0xAB, sizeof s);
    assert_int_equal(nb_subset(t->f, bad, 2, &s, &err), 0);
    assert_null(s.data), assert_null(s.old_gids), assert_int_equal(s.count, 0);
    assert_non_null(err);
    free(err);
    /* the largest subset: every glyph */
    unsigned ng = nb_sfnt_num_glyphs(S_fonts[DEJAVU].f);
    uint16_t *all = nb_xmalloc(ng * sizeof *all);
    for (unsigned i = 0; i < ng; i++) all[i] = (uint16_t)(ng - 1 - i);
    assert_int_equal(nb_subset(S_fonts[DEJAVU].f, all, ng, &s, NULL), 1);
    assert_int_equal(s.count, ng);
    for (unsigned i = 0; i < ng; i++) assert_int_equal(s.old_gids[i], i);
    S_check_subset(&S_fonts[DEJAVU], all, ng, &s);
    nb_subset_free(&s);
    free(all);
    nb_subset_free(NULL);
}

/* ------------------------------------------------------------------ synthetic fonts */

typedef struct {
    unsigned char *p;
    size_t len;
} SG;

static void B16(NbBuf *b, unsigned v)
{
    char c[2] = {(char)(v >> 8), (char)v};
    nb_buf_add(b, c, 2);
}
static void B32(NbBuf *b, uint32_t v)
{
    B16(b, v >> 16);
    B16(b, v & 0xFFFF);
}

static SG G_simple(void)
{
    NbBuf b = {0};
    B16(&b, 1), B16(&b, 0), B16(&b, 0), B16(&b, 500), B16(&b, 700); /* 1 contour, bbox */
    B16(&b, 2), B16(&b, 0);                                           /* endPts, no code */
    nb_buf_add(&b, "\x01\x01\x01", 3);                                /* on-curve, long xy */
    B16(&b, 0), B16(&b, 500), B16(&b, (unsigned)-250 & 0xFFFF);       /* dx */
    B16(&b, 0), B16(&b, 700), B16(&b, (unsigned)-700 & 0xFFFF);       /* dy */
    return (SG){(unsigned char *)b.s, b.len};
}

static SG G_composite(size_t n, const unsigned *comps)
{
    NbBuf b = {0};
    B16(&b, 0xFFFF), B16(&b, 0), B16(&b, 0), B16(&b, 500), B16(&b, 700);
    for (size_t i = 0; i < n; i++) {
        B16(&b, 0x0003 | (i + 1 < n ? 0x20 : 0)); /* words, xy values, more */
        B16(&b, comps[i]);
        B16(&b, (unsigned)(10 * i)), B16(&b, 0);
    }
    return (SG){(unsigned char *)b.s, b.len};
}

/* A whole TrueType font: ng glyphs (g[i].len 0: empty), a cmap ((3,1) format 4, and (3,10)
 * format 12 if fmt12), a name table, post 3.0. loca is overridden by `loca` if given. */
static unsigned char *S_synth(size_t ng, const SG *g, int fmt12, const uint32_t *loca, size_t *out_len)
{
    NbBuf t[9] = {{0}};
    const char *tags[9] = {"cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post"};
    NbBuf *cmap = &t[0], *glyf = &t[1], *head = &t[2], *hhea = &t[3], *hmtx = &t[4],
          *locb = &t[5], *maxp = &t[6], *name = &t[7], *post = &t[8];
    for (size_t i = 0; i < ng; i++) {
        B32(locb, loca ? loca[i] : (uint32_t)glyf->len);
        if (g[i].len) nb_buf_add(glyf, (const char *)g[i].p, g[i].len);
        while (glyf->len % 4) nb_buf_add(glyf, "", 1);
        B16(hmtx, 500 + (unsigned)i % 500), B16(hmtx, (unsigned)i % 7);
    }
    B32(locb, loca ? loca[ng] : (uint32_t)glyf->len);
    if (!glyf->len) nb_buf_add(glyf, "\0\0\0\0", 4);
    B32(head, 0x00010000), B32(head, 0x00010000), B32(head, 0), B32(head, 0x5F0F3CF5);
    B16(head, 0), B16(head, 1000);
    for (int i = 0; i < 4; i++) B32(head, 0);
    B16(head, 0), B16(head, (unsigned)-200 & 0xFFFF), B16(head, 1000), B16(head, 800);
    B16(head, 0), B16(head, 8), B16(head, 2), B16(head, 1), B16(head, 0);
    B32(hhea, 0x00010000), B16(hhea, 800), B16(hhea, (unsigned)-200 & 0xFFFF), B16(hhea, 0);
    B16(hhea, 1000), B16(hhea, 0), B16(hhea, 0), B16(hhea, 1000), B16(hhea, 1), B16(hhea, 0);
    B16(hhea, 0);
    for (int i = 0; i < 4; i++) B16(hhea, 0);
    B16(hhea, 0), B16(hhea, (unsigned)ng);
    B32(maxp, 0x00010000), B16(maxp, (unsigned)ng);
    for (int i = 0; i < 13; i++) B16(maxp, i == 3 ? 2 : i == 12 ? 2000 : 8);
    /* cmap: A-Z -> 1..26 by delta; U+4E00..4E03 -> [5, 6, 0, 7] by glyphIdArray */
    B16(cmap, 0), B16(cmap, fmt12 ? 2 : 1);
    B16(cmap, 3), B16(cmap, 1), B32(cmap, fmt12 ? 20 : 12);
    if (fmt12) B16(cmap, 3), B16(cmap, 10), B32(cmap, 20 + 16 + 4 * 6 + 8);
    size_t f4 = cmap->len;
    B16(cmap, 4), B16(cmap, 16 + 4 * 6 + 8), B16(cmap, 0);
    B16(cmap, 6), B16(cmap, 4), B16(cmap, 1), B16(cmap, 2);
    B16(cmap, 'Z'), B16(cmap, 0x4E03), B16(cmap, 0xFFFF), B16(cmap, 0);
    B16(cmap, 'A'), B16(cmap, 0x4E00), B16(cmap, 0xFFFF);
    B16(cmap, (1 - 'A') & 0xFFFF), B16(cmap, 0), B16(cmap, 1);
    B16(cmap, 0), B16(cmap, 4), B16(cmap, 0); /* seg 1: idRangeOffset 4 -> glyphIdArray */
    B16(cmap, 5), B16(cmap, 6), B16(cmap, 0), B16(cmap, 7);
    assert_int_equal(cmap->len - f4, 16 + 4 * 6 + 8);
    if (fmt12) {
        B16(cmap, 12), B16(cmap, 0), B32(cmap, 16 + 24), B32(cmap, 0), B32(cmap, 2);
        B32(cmap, 'A'), B32(cmap, 'Z'), B32(cmap, 1);
        B32(cmap, 0x20000), B32(cmap, 0x20001), B32(cmap, 3);
    }
    /* name: ID 6 "Synth Test(1)/x" (3,1,0x409), ID 1 "Synth Family" (1,0,0) */
    const char *ps = "Synth Test(1)/x", *fam = "Synth Family";
    B16(name, 0), B16(name, 2), B16(name, 6 + 24);
    B16(name, 3), B16(name, 1), B16(name, 0x409), B16(name, 6), B16(name, 2 * (unsigned)strlen(ps)), B16(name, 0);
    B16(name, 1), B16(name, 0), B16(name, 0), B16(name, 1), B16(name, (unsigned)strlen(fam));
    B16(name, 2 * (unsigned)strlen(ps));
    for (const char *c = ps; *c; c++) B16(name, (unsigned char)*c);
    nb_buf_add(name, fam, strlen(fam));
    B32(post, 0x00030000);
    for (int i = 0; i < 7; i++) B32(post, 0);

    NbBuf f = {0};
    B32(&f, 0x00010000), B16(&f, 9), B16(&f, 128), B16(&f, 3), B16(&f, 16);
    size_t off = 12 + 16 * 9;
    for (int i = 0; i < 9; i++) {
        nb_buf_add(&f, tags[i], 4);
        B32(&f, 0), B32(&f, (uint32_t)off), B32(&f, (uint32_t)t[i].len);
        off += (t[i].len + 3) & ~(size_t)3;
    }
    for (int i = 0; i < 9; i++) {
        nb_buf_add(&f, t[i].s, t[i].len);
        while (f.len % 4) nb_buf_add(&f, "", 1);
        nb_buf_free(&t[i]);
    }
    *out_len = f.len;
    /* exact size, so that AddressSanitizer sees any overread */
    unsigned char *d = nb_xmalloc(f.len);
    memcpy(d, f.s, f.len);
    nb_buf_free(&f);
    return d;
}

static void S_free_glyphs(SG *g, size_t n)
{
    for (size_t i = 0; i < n; i++) free(g[i].p);
}

static void test_synthetic_reader(void **state)
{
    (void)state;
    SG g[30] = {{0}};
    for (int i = 1; i < 30; i++) g[i] = G_simple();
    for (int fmt12 = 0; fmt12 <= 1; fmt12++) {
        size_t len;
        unsigned char *d = S_synth(30, g, fmt12, NULL, &len);
        char *err = NULL;
        NbSfnt *f = nb_sfnt_open(d, len, 0, &err);
        assert_non_null(f);
        assert_int_equal(nb_sfnt_num_glyphs(f), 30);
        assert_int_equal(nb_sfnt_glyph(f, 'A'), 1);
        assert_int_equal(nb_sfnt_glyph(f, 'Z'), 26);
        assert_int_equal(nb_sfnt_glyph(f, '@'), 0);
        assert_int_equal(nb_sfnt_glyph(f, '['), 0);
        assert_int_equal(nb_sfnt_glyph(f, 0x4E00), fmt12 ? 0 : 5);
        assert_int_equal(nb_sfnt_glyph(f, 0x4E01), fmt12 ? 0 : 6);
        assert_int_equal(nb_sfnt_glyph(f, 0x4E02), 0);
        assert_int_equal(nb_sfnt_glyph(f, 0x4E03), fmt12 ? 0 : 7);
        assert_int_equal(nb_sfnt_glyph(f, 0x20000), fmt12 ? 3 : 0);
        assert_int_equal(nb_sfnt_glyph(f, 0x20001), fmt12 ? 4 : 0);
        assert_int_equal(nb_sfnt_glyph(f, 0xFFFF), 0);
        assert_int_equal(nb_sfnt_advance(f, 7), 507);
        assert_string_equal(nb_sfnt_ps_name(f), "SynthTest1x");
        int bbox[4], asc, desc, cap;
        nb_sfnt_metrics(f, bbox, &asc, &desc, &cap);
        assert_int_equal(bbox[1], -200), assert_int_equal(bbox[3], 800);
        assert_int_equal(asc, 800), assert_int_equal(desc, -200);
        assert_int_equal(cap, 700); /* no OS/2: the top of 'H' */
        nb_sfnt_close(f);
        if (!fmt12) {
            /* idRangeOffset of segment 1 pointing just past the cmap table (into glyf,
             * which starts with glyph 1: 00 01): no glyph, and no read past the table */
            size_t cl;
            unsigned char *cmap = (unsigned char *)T_table(d, len, 0, "cmap", &cl);
            assert_int_equal(cl, 60);
            assert_int_equal(R16(cmap + 12 + 34 + 2), 4);
            cmap[12 + 34 + 3] = 12;
            assert_int_equal(R16(cmap + 60), 1);
            f = nb_sfnt_open(d, len, 0, NULL);
            assert_non_null(f);
            assert_int_equal(nb_sfnt_glyph(f, 0x4E00), 0);
            assert_int_equal(nb_sfnt_glyph(f, 0x4E03), 0);
            assert_int_equal(nb_sfnt_glyph(f, 'B'), 2);
            cmap[12 + 34 + 3] = 10; /* the last glyphIdArray entry: still inside */
            assert_int_equal(nb_sfnt_glyph(f, 0x4E00), 7);
            /* a segment count that does not fit: the subtable is not used */
            cmap[12 + 6] = 0x40;
            nb_sfnt_close(f);
            f = nb_sfnt_open(d, len, 0, NULL);
            assert_non_null(f);
            assert_int_equal(nb_sfnt_glyph(f, 'B'), 0);
            nb_sfnt_close(f);
        }
        free(d);
    }
    S_free_glyphs(g, 30);
}

/* Subset a synthetic font; 1 with *s filled, or 0 with *err. */
static int S_synth_subset(size_t ng, const SG *g, const uint32_t *loca, const uint16_t *want, size_t n,
                          NbSubset *s, char **err)
{
    size_t len;
    unsigned char *d = S_synth(ng, g, 1, loca, &len);
    NbSfnt *f = nb_sfnt_open(d, len, 0, err);
    assert_non_null(f);
    int ok = nb_subset(f, want, n, s, err);
    if (ok) {
        /* our own output parses back, composites renumbered */
        NbSfnt *sub = nb_sfnt_open(s->data, s->len, 0, NULL);
        assert_non_null(sub);
        assert_int_equal(nb_sfnt_num_glyphs(sub), s->count);
        for (size_t i = 0; i < s->count; i++) {
            size_t ol, nl, opos[16], npos[16];
            const unsigned char *og = nb_sfnt_glyph_data(f, s->old_gids[i], &ol);
            const unsigned char *ngl = nb_sfnt_glyph_data(sub, (unsigned)i, &nl);
            size_t nc = T_components(og, ol, opos, 16);
            assert_int_equal(T_components(ngl, nl, npos, 16), nc);
            for (size_t c = 0; c < nc; c++)
                assert_int_equal(s->old_gids[R16(ngl + npos[c])], R16(og + opos[c]));
        }
        nb_sfnt_close(sub);
    } else {
        assert_null(s->data);
        assert_non_null(*err);
    }
    nb_sfnt_close(f);
    free(d);
    return ok;
}

static void test_composite_cycles(void **state)
{
    (void)state;
    SG g[8] = {{0}};
    NbSubset s;
    char *err = NULL;
    for (int i = 1; i < 8; i++) g[i] = G_simple();
    /* 1 contains itself */
    free(g[1].p);
    g[1] = G_composite(2, (unsigned[]){2, 1});
    uint16_t w1 = 1, w3 = 3;
    assert_int_equal(S_synth_subset(8, g, NULL, &w1, 1, &s, &err), 0);
    assert_non_null(strstr(err, "contains itself"));
    free(err), err = NULL;
    /* 3 -> 4 -> 5 -> 3 */
    free(g[3].p), free(g[4].p), free(g[5].p);
    g[3] = G_composite(1, (unsigned[]){4});
    g[4] = G_composite(2, (unsigned[]){6, 5});
    g[5] = G_composite(1, (unsigned[]){3});
    assert_int_equal(S_synth_subset(8, g, NULL, &w3, 1, &s, &err), 0);
    free(err), err = NULL;
    uint16_t w5 = 5;
    assert_int_equal(S_synth_subset(8, g, NULL, &w5, 1, &s, &err), 0);
    free(err), err = NULL;
    /* the cycles are not reached from 6 and 7: fine */
    uint16_t w67[] = {7, 6};
    assert_int_equal(S_synth_subset(8, g, NULL, w67, 2, &s, &err), 1);
    assert_int_equal(s.count, 3);
    nb_subset_free(&s);
    /* a diamond is not a cycle: 5 -> (4, 6), 4 -> 6 */
    free(g[5].p), free(g[4].p);
    g[5] = G_composite(2, (unsigned[]){4, 6});
    g[4] = G_composite(1, (unsigned[]){6});
    assert_int_equal(S_synth_subset(8, g, NULL, &w5, 1, &s, &err), 1);
    assert_int_equal(s.count, 4);
    assert_int_equal(s.old_gids[1], 5), assert_int_equal(s.old_gids[2], 4);
    assert_int_equal(s.old_gids[3], 6);
    nb_subset_free(&s);
    S_free_glyphs(g, 8);
}

static void test_composite_deep_and_high(void **state)
{
    (void)state;
    /* a chain 1 -> 2 -> ... -> 1999 -> 2000 (simple): every level kept, in order */
    enum { N = 2001 };
    SG *g = nb_xcalloc(N, sizeof *g);
    for (unsigned i = 1; i < N - 1; i++) g[i] = G_composite(1, (unsigned[]){i + 1});
    g[N - 1] = G_simple();
    NbSubset s;
    char *err = NULL;
    uint16_t w[] = {1};
    assert_int_equal(S_synth_subset(N, g, NULL, w, 1, &s, &err), 1);
    assert_int_equal(s.count, N);
    for (size_t i = 0; i < N; i++) assert_int_equal(s.old_gids[i], i);
    nb_subset_free(&s);
    /* wanting the middle of the chain too: still each once */
    uint16_t w2[] = {1500, 1, 1500};
    assert_int_equal(S_synth_subset(N, g, NULL, w2, 3, &s, &err), 1);
    assert_int_equal(s.count, N);
    assert_int_equal(s.old_gids[1], 1), assert_int_equal(s.old_gids[2], 1500);
    assert_int_equal(s.old_gids[3], 2), assert_int_equal(s.old_gids[N - 1], 2000);
    nb_subset_free(&s);
    S_free_glyphs(g, N);
    free(g);

    /* components with the highest ids a font can have (numGlyphs 65535: gid 65534) */
    enum { M = 65535 };
    g = nb_xcalloc(M, sizeof *g);
    g[1] = G_composite(3, (unsigned[]){65534, 40000, 32768});
    g[40000] = G_composite(2, (unsigned[]){65533, 65534});
    g[32768] = G_simple(), g[65533] = G_simple(), g[65534] = G_simple();
    assert_int_equal(S_synth_subset(M, g, NULL, w, 1, &s, &err), 1);
    assert_int_equal(s.count, 6);
    static const uint16_t order[] = {0, 1, 65534, 40000, 65533, 32768};
    assert_memory_equal(s.old_gids, order, sizeof order);
    nb_subset_free(&s);
    /* a component past the last glyph */
    free(g[40000].p);
    g[40000] = G_composite(1, (unsigned[]){65535});
    assert_int_equal(S_synth_subset(M, g, NULL, w, 1, &s, &err), 0);
    assert_non_null(strstr(err, "65535"));
    free(err);
    S_free_glyphs(g, M);
    free(g);
}

static void test_corrupt_glyphs(void **state)
{
    (void)state;
    SG g[6] = {{0}};
    for (int i = 1; i < 6; i++) g[i] = G_simple();
    NbSubset s;
    char *err = NULL;
    uint16_t w2 = 2, w3 = 3, w4 = 4;
    /* glyph 2: a composite whose record says "more" and then ends */
    free(g[2].p);
    g[2] = G_composite(2, (unsigned[]){3, 4});
    g[2].len -= 8;
    assert_int_equal(S_synth_subset(6, g, NULL, &w2, 1, &s, &err), 0);
    assert_non_null(strstr(err, "truncated"));
    free(err), err = NULL;
    /* a composite record cut in its arguments */
    g[2].len = 10 + 6;
    assert_int_equal(S_synth_subset(6, g, NULL, &w2, 1, &s, &err), 0);
    free(err), err = NULL;
    /* a glyph shorter than its header */
    g[2].len = 6;
    assert_int_equal(S_synth_subset(6, g, NULL, &w2, 1, &s, &err), 0);
    free(err), err = NULL;
    g[2].len = 10 + 16;
    /* loca entries: past glyf, decreasing, overlapping */
    size_t len, gl;
    unsigned char *d = S_synth(6, g, 1, NULL, &len);
    assert_non_null(T_table(d, len, 0, "glyf", &gl));
    free(d);
    uint32_t G = (uint32_t)gl;
    uint32_t loca[7] = {0, 0, 32, 64, 96, 64, G};
    assert_int_equal(S_synth_subset(6, g, loca, &w4, 1, &s, &err), 0); /* 96 > 64 */
    assert_non_null(strstr(err, "loca"));
    free(err), err = NULL;
    assert_int_equal(S_synth_subset(6, g, loca, &w3, 1, &s, &err), 1); /* 64..96 is fine */
    nb_subset_free(&s);
    loca[6] = G + 4; /* past the end of glyf */
    uint16_t w5 = 5;
    assert_int_equal(S_synth_subset(6, g, loca, &w5, 1, &s, &err), 0);
    free(err), err = NULL;
    /* glyphs 1, 3 and 5 each the whole of glyf: more than glyf holds */
    uint32_t big[7] = {0, 0, G, 0, G, 0, G};
    uint16_t odds[] = {1, 3, 5};
    assert_int_equal(S_synth_subset(6, g, big, odds, 3, &s, &err), 0);
    assert_non_null(strstr(err, "overlap"));
    free(err), err = NULL;
    uint16_t one = 3; /* one of them alone is fine */
    assert_int_equal(S_synth_subset(6, g, big, &one, 1, &s, &err), 1);
    nb_subset_free(&s);
    S_free_glyphs(g, 6);
}

/* ------------------------------------------------------------------- hostile data */

static uint64_t S_rng = 0x9E3779B97F4A7C15u;
static uint32_t S_rand(void)
{
    S_rng ^= S_rng << 13, S_rng ^= S_rng >> 7, S_rng ^= S_rng << 17;
    return (uint32_t)(S_rng >> 16);
}

/* Use a font every way there is; it must not crash or read out of bounds. */
static void S_exercise(const unsigned char *d, size_t len, size_t off)
{
    char *err = NULL;
    NbSfnt *f = nb_sfnt_open(d, len, off, &err);
    if (!f) {
        assert_non_null(err);
        free(err);
        return;
    }
    assert_null(err);
    unsigned ng = nb_sfnt_num_glyphs(f);
    assert_true(ng >= 1);
    static const uint32_t cps[] = {0, 'A', 'Z', 'H', 0x4E00, 0x4E01, 0x4E03, 0xFFFF, 0x20000, 0x20001, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) assert_true(nb_sfnt_glyph(f, cps[i]) < ng);
    for (int i = 0; i < 16; i++) assert_true(nb_sfnt_glyph(f, S_rand() % 0x30000) < ng);
    int bbox[4], a, b, c;
    nb_sfnt_metrics(f, bbox, &a, &b, &c);
    const char *ps = nb_sfnt_ps_name(f);
    assert_true(ps[0] && strlen(ps) < 64);
    for (const char *p = ps; *p; p++) assert_true(*p > 0x20 && *p < 0x7F && !strchr("()<>[]{}/%#", *p));
    uint16_t all[64];
    size_t n = 0;
    for (unsigned g = 0; g < ng + 2 && g < 64; g++) {
        size_t gl;
        nb_sfnt_advance(f, g);
        nb_sfnt_glyph_data(f, g, &gl);
        if (g < ng) all[n++] = (uint16_t)g;
    }
    NbSubset s;
    if (nb_subset(f, all, n, &s, &err)) {
        NbSfnt *sub = nb_sfnt_open(s.data, s.len, 0, NULL);
        assert_non_null(sub); /* whatever we write, we can read */
        assert_int_equal(nb_sfnt_num_glyphs(sub), s.count);
        nb_sfnt_close(sub);
        nb_subset_free(&s);
    } else {
        assert_non_null(err);
        free(err), err = NULL;
    }
    nb_sfnt_close(f);
}

/* Three small fonts with composites: synthetic ones with name and cmap (formats 4 and 12;
 * format 4 alone) and a DejaVu subset. */
static unsigned char *S_small_fonts(size_t *len1, unsigned char **d2, size_t *len2, unsigned char **d3,
                                    size_t *len3)
{
    SG g[12] = {{0}};
    for (int i = 1; i < 12; i++) g[i] = G_simple();
    free(g[2].p), free(g[9].p);
    g[2] = G_composite(2, (unsigned[]){3, 9});
    g[9] = G_composite(2, (unsigned[]){10, 11});
    unsigned char *d1 = S_synth(12, g, 1, NULL, len1);
    *d3 = S_synth(12, g, 0, NULL, len3);
    S_free_glyphs(g, 12);
    TFont *t = &S_fonts[DEJAVU];
    uint16_t w[] = {(uint16_t)nb_sfnt_glyph(t->f, 0x1410), (uint16_t)nb_sfnt_glyph(t->f, 0xE9),
                    (uint16_t)nb_sfnt_glyph(t->f, 'g')};
    NbSubset s;
    assert_int_equal(nb_subset(t->f, w, 3, &s, NULL), 1);
    *len2 = s.len;
    *d2 = nb_xmalloc(s.len);
    memcpy(*d2, s.data, s.len);
    nb_subset_free(&s);
    return d1;
}

static void test_hostile_prefixes(void **state)
{
    (void)state;
    size_t len[3];
    unsigned char *d[3];
    d[0] = S_small_fonts(&len[0], &d[1], &len[1], &d[2], &len[2]);
    for (int k = 0; k < 3; k++) {
        for (size_t l = 0; l <= len[k]; l++) {
            unsigned char *p = nb_xmalloc(l ? l : 1);
            memcpy(p, d[k], l);
            char *err = NULL;
            NbSfnt *f = nb_sfnt_open(p, l, 0, &err);
            if (l < len[k]) { /* the last table ends the file */
                assert_null(f);
                assert_non_null(err);
                free(err);
            } else {
                assert_non_null(f);
                nb_sfnt_close(f);
            }
            S_exercise(p, l, 0);
            free(p);
        }
    }
    /* the first 4 KB of each real font, in steps */
    for (int i = 0; i < NFONTS; i++)
        for (size_t l = 0; l <= 4096; l += 7) {
            unsigned char *p = nb_xmalloc(l ? l : 1);
            memcpy(p, S_fonts[i].data, l);
            size_t off = 0;
            if (!nb_sfnt_face_offset(p, l, 0, &off)) off = 0;
            char *err = NULL;
            assert_null(nb_sfnt_open(p, l, off, &err));
            free(err);
            free(p);
        }
    free(d[0]), free(d[1]), free(d[2]);
}

static void test_hostile_mutations(void **state)
{
    (void)state;
    size_t len[3];
    unsigned char *d[3];
    d[0] = S_small_fonts(&len[0], &d[1], &len[1], &d[2], &len[2]);
    size_t opened = 0, subsetted = 0;
    for (int it = 0; it < 45000; it++) {
        int k = it % 3;
        size_t l = len[k];
        unsigned char *p = nb_xmalloc(l);
        memcpy(p, d[k], l);
        int flips = 1 + (int)(S_rand() % 6);
        size_t dir = 12 + 16 * (size_t)R16(d[k] + 4);
        for (int j = 0; j < flips; j++) {
            /* half the damage in the directory and table headers, where it matters most */
            size_t at = S_rand() % 2 ? S_rand() % dir : S_rand() % l;
            p[at] = S_rand() % 3 ? (unsigned char)S_rand() : (unsigned char)(S_rand() % 2 ? 0xFF : 0);
        }
        if (S_rand() % 8 == 0) l = S_rand() % l;
        unsigned char *q = nb_xmalloc(l ? l : 1); /* exact size */
        memcpy(q, p, l);
        free(p);
        NbSfnt *f = nb_sfnt_open(q, l, 0, NULL);
        if (f) {
            opened++;
            NbSubset s;
            uint16_t w[] = {1, 2, 3, 9};
            if (nb_subset(f, w, nb_sfnt_num_glyphs(f) > 9 ? 4 : 0, &s, NULL)) subsetted++, nb_subset_free(&s);
            nb_sfnt_close(f);
        }
        S_exercise(q, l, 0);
        free(q);
    }
    printf("  45000 mutated fonts: %zu opened, %zu subset\n", opened, subsetted);
    assert_true(opened > 1000 && subsetted > 1000); /* the damage was not all fatal */
    free(d[0]), free(d[1]), free(d[2]);
}

static void test_hostile_random(void **state)
{
    (void)state;
    static const char *tags[] = {"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap",
                                 "name", "OS/2", "post", "cvt ", "fpgm", "prep"};
    for (int it = 0; it < 20000; it++) {
        size_t l = S_rand() % 3000;
        unsigned char *p = nb_xmalloc(l ? l : 1);
        for (size_t i = 0; i < l; i++) p[i] = (unsigned char)S_rand();
        if (it % 2 && l >= 12 + 16 * 13) {
            /* a plausible directory with random tables in the file */
            memcpy(p, "\0\1\0\0\0\x0d", 6);
            for (int t = 0; t < 13; t++) {
                unsigned char *r = p + 12 + 16 * t;
                memcpy(r, tags[t], 4);
                uint32_t o = S_rand() % (uint32_t)l, n = S_rand() % ((uint32_t)(l - o) + 1);
                if (S_rand() % 16 == 0) n += S_rand() % 64; /* sometimes out of the file */
                for (int b = 0; b < 4; b++) r[8 + b] = (unsigned char)(o >> (24 - 8 * b));
                for (int b = 0; b < 4; b++) r[12 + b] = (unsigned char)(n >> (24 - 8 * b));
            }
        } else if (it % 3 == 0 && l >= 16) {
            memcpy(p, "ttcf\0\1\0\0\0\0\0\1", 12);
        }
        S_exercise(p, l, 0);
        size_t off;
        if (nb_sfnt_face_offset(p, l, S_rand() % 3, &off)) S_exercise(p, l, off);
        S_exercise(p, l, S_rand() % (l + 20));
        free(p);
    }
}

/* ------------------------------------------------------------- timing and sizes */

static double S_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_timing(void **state)
{
    (void)state;
    TFont *t = &S_fonts[UMING];
    uint16_t want[600];
    size_t n = 0;
    for (uint32_t cp = 0x4E00; n < 600; cp += 31) {
        unsigned g = nb_sfnt_glyph(t->f, cp);
        int dup = 0;
        for (size_t i = 0; i < n; i++) dup |= want[i] == g;
        if (g && !dup) want[n++] = (uint16_t)g;
    }
    enum { REPS = 1000 };
    double t0 = S_now();
    size_t bytes = 0;
    for (int r = 0; r < REPS; r++) {
        NbSubset s;
        assert_int_equal(nb_subset(t->f, want, n, &s, NULL), 1);
        bytes = s.len;
        nb_subset_free(&s);
    }
    double per = (S_now() - t0) / REPS;
    t0 = S_now();
    for (int r = 0; r < REPS; r++) {
        NbSfnt *f = nb_sfnt_open(t->data, t->len, t->off, NULL);
        assert_non_null(f);
        nb_sfnt_close(f);
    }
    double open = (S_now() - t0) / REPS;
    t0 = S_now();
    volatile unsigned sink = 0;
    for (int r = 0; r < 100; r++)
        for (uint32_t cp = 0x4E00; cp < 0x9FA6; cp++) sink += nb_sfnt_glyph(t->f, cp);
    double look = (S_now() - t0) / (100.0 * (0x9FA6 - 0x4E00));
    assert_true(sink > 0);
    printf("  AR PL UMing (%zu MB): subset of %zu glyphs (%zu bytes): %.1f us each; "
           "open %.2f us; cmap lookup %.0f ns\n",
           t->len >> 20, n, bytes, per * 1e6, open * 1e6, look * 1e9);
}

static void test_report_sizes(void **state)
{
    (void)state;
    size_t tl;
    const char *why;
    char *text = nb_read_file("samples/dingdingmen-2023.yaml", &tl, 1 << 20, &why);
    if (!text) text = nb_read_file("../samples/dingdingmen-2023.yaml", &tl, 1 << 20, &why);
    assert_non_null(text);
    uint32_t *cps = nb_xmalloc((tl + 1) * sizeof *cps);
    size_t n = S_utf8(text, cps, tl + 1), k = 0;
    /* Han, CJK and general punctuation, full-width forms, ASCII punctuation, digits */
    for (size_t i = 0; i < n; i++) {
        uint32_t c = cps[i];
        int keep = (c >= 0x3400 && c <= 0x9FFF) || (c >= 0x20000 && c <= 0x3FFFF) ||
                   (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF) ||
                   (c >= 0x2000 && c <= 0x206F) || (c >= '0' && c <= '9') ||
                   (c > 0x20 && c < 0x7F && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
        int dup = 0;
        for (size_t j = 0; j < k && !dup; j++) dup = cps[j] == c;
        if (keep && !dup) cps[k++] = c;
    }
    printf("  samples/dingdingmen-2023.yaml: %zu distinct characters\n", k);
    printf("  %-7s %9s %6s %7s %9s %9s %9s\n", "font", "font", "glyphs", "missing", "subset", "flate-9",
           "us");
    for (int i = 0; i < NFONTS; i++) {
        TFont *t = &S_fonts[i];
        uint16_t *g = nb_xmalloc(k * sizeof *g);
        size_t m = 0, missing = 0;
        for (size_t j = 0; j < k; j++) {
            unsigned gid = nb_sfnt_glyph(t->f, cps[j]);
            if (gid) g[m++] = (uint16_t)gid;
            else missing++;
        }
        NbSubset s;
        double t0 = S_now();
        assert_int_equal(nb_subset(t->f, g, m, &s, NULL), 1);
        double us = (S_now() - t0) * 1e6;
        S_check_subset(t, g, m, &s);
        S_check_freetype(t, &s, 16);
        uLongf zl = compressBound(s.len);
        unsigned char *z = nb_xmalloc(zl);
        assert_int_equal(compress2(z, &zl, s.data, s.len, 9), Z_OK);
        printf("  %-7s %9zu %6zu %7zu %9zu %9lu %9.0f\n", t->key, t->len, s.count, missing, s.len,
               (unsigned long)zl, us);
        free(z);
        nb_subset_free(&s);
        free(g);
    }
    free(cps);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_face_offset),
        cmocka_unit_test(test_cmap_known_values),
        cmocka_unit_test(test_cmap_and_metrics_agree_with_freetype),
        cmocka_unit_test(test_subset_sentence),
        cmocka_unit_test(test_wqy_high_components),
        cmocka_unit_test(test_nested_composites),
        cmocka_unit_test(test_subset_edge_requests),
        cmocka_unit_test(test_synthetic_reader),
        cmocka_unit_test(test_composite_cycles),
        cmocka_unit_test(test_composite_deep_and_high),
        cmocka_unit_test(test_corrupt_glyphs),
        cmocka_unit_test(test_hostile_prefixes),
        cmocka_unit_test(test_hostile_mutations),
        cmocka_unit_test(test_hostile_random),
        cmocka_unit_test(test_timing),
        cmocka_unit_test(test_report_sizes),
    };
    return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
