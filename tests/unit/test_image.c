/* Unit tests: the PNG loader (image.c), on files written here by a minimal PNG encoder, so
 * that every colour type, bit depth and kind of damage is exact and needs no fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "image.h"
#include "util.h"

static char S_dir[64];

static int S_setup(void **state)
{
    (void)state;
    snprintf(S_dir, sizeof S_dir, "/tmp/nb_test_image_XXXXXX");
    return mkdtemp(S_dir) ? 0 : -1;
}

static int S_teardown(void **state)
{
    (void)state;
    DIR *d = opendir(S_dir);
    if (!d) return -1;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *p = nb_xasprintf("%s/%s", S_dir, e->d_name);
        if (unlink(p) != 0) rmdir(p);
        free(p);
    }
    closedir(d);
    return rmdir(S_dir);
}

/* Write bytes to a file in the temporary folder; returns its allocated path. */
static char *S_write(const char *name, const void *data, size_t n)
{
    char *path = nb_xasprintf("%s/%s", S_dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* ------------------------------------------------------------------ a tiny PNG encoder */

static void S_add(NbBuf *b, const void *p, size_t n)
{
    nb_buf_add(b, (const char *)p, n);
}

static void S_put32(NbBuf *b, uint32_t v)
{
    unsigned char be[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 8), (unsigned char)v};
    S_add(b, be, 4);
}

static uint32_t S_get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void S_chunk(NbBuf *b, const char *type, const void *data, size_t n)
{
    S_put32(b, (uint32_t)n);
    S_add(b, type, 4);
    if (n) S_add(b, data, n);
    uLong crc = crc32(0L, (const Bytef *)type, 4);
    if (n) crc = crc32(crc, data, (uInt)n);
    S_put32(b, (uint32_t)crc);
}

typedef struct {
    uint32_t w, h;
    int depth, ctype, interlace;
    const unsigned char *pix; /* packed rows, no filter bytes */
    const unsigned char *plte;
    size_t nplte;
    const unsigned char *trns;
    size_t ntrns;
    uint32_t rows; /* rows of data actually written (0: all) */
} S_Png;

static int S_channels(int ctype)
{
    switch (ctype) {
    case 2: return 3;
    case 4: return 2;
    case 6: return 4;
    default: return 1;
    }
}

/* The scanlines as they go into zlib, each with filter type 0 (None): one pass, or for
 * Adam7 the seven sub-images in order, a pass with no pixels leaving no rows at all. */
static NbBuf S_scanlines(const S_Png *p)
{
    static const unsigned ax[7] = {0, 4, 0, 2, 0, 1, 0}, ay[7] = {0, 0, 4, 0, 2, 0, 1};
    static const unsigned dx[7] = {8, 8, 4, 4, 2, 2, 1}, dy[7] = {8, 8, 8, 4, 4, 2, 2};
    size_t bits = (size_t)S_channels(p->ctype) * (size_t)p->depth;
    size_t rb = (p->w * bits + 7) / 8;
    uint32_t rows = p->rows ? p->rows : p->h;
    NbBuf raw = {0};
    if (!p->interlace) {
        for (uint32_t y = 0; y < rows; y++) {
            S_add(&raw, "", 1);
            S_add(&raw, p->pix + y * rb, rb);
        }
        return raw;
    }
    /* only whole-byte pixels are needed for the interlaced cases */
    assert_true(bits % 8 == 0);
    size_t px = bits / 8;
    for (int pass = 0; pass < 7; pass++) {
        if (ax[pass] >= p->w) continue;
        for (uint32_t y = ay[pass]; y < p->h; y += dy[pass]) {
            S_add(&raw, "", 1);
            for (uint32_t x = ax[pass]; x < p->w; x += dx[pass])
                S_add(&raw, p->pix + y * rb + x * px, px);
        }
    }
    return raw;
}

/* A whole PNG file: signature, IHDR, PLTE and tRNS when given, one IDAT, IEND. An
 * optional tEXt chunk with a wrong CRC goes before IDAT when bad_text is set. */
static NbBuf S_encode_ex(const S_Png *p, int bad_text)
{
    NbBuf f = {0};
    S_add(&f, "\x89PNG\r\n\x1a\n", 8);
    unsigned char ihdr[13];
    uint32_t wh[2] = {p->w, p->h};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 4; i++) ihdr[k * 4 + i] = (unsigned char)(wh[k] >> (24 - 8 * i));
    ihdr[8] = (unsigned char)p->depth;
    ihdr[9] = (unsigned char)p->ctype;
    ihdr[10] = ihdr[11] = 0;
    ihdr[12] = (unsigned char)p->interlace;
    S_chunk(&f, "IHDR", ihdr, sizeof ihdr);
    if (p->plte) S_chunk(&f, "PLTE", p->plte, p->nplte);
    if (p->trns) S_chunk(&f, "tRNS", p->trns, p->ntrns);
    if (bad_text) {
        size_t at = f.len;
        S_chunk(&f, "tEXt", "Comment\0seal", 12);
        f.s[at + 8 + 12] ^= 0x55; /* first CRC byte */
    }
    NbBuf raw = S_scanlines(p);
    uLongf zn = compressBound(raw.len);
    unsigned char *z = nb_xmalloc(zn);
    assert_int_equal(compress2(z, &zn, (const Bytef *)(raw.s ? raw.s : ""), raw.len, 9), Z_OK);
    S_chunk(&f, "IDAT", z, zn);
    S_chunk(&f, "IEND", NULL, 0);
    free(z);
    nb_buf_free(&raw);
    return f;
}

static NbBuf S_encode(const S_Png *p)
{
    return S_encode_ex(p, 0);
}

/* Offset of the first chunk of the given type (its length field), or fail. */
static size_t S_find_chunk(const NbBuf *f, const char *type)
{
    const unsigned char *d = (const unsigned char *)f->s;
    for (size_t at = 8; at + 12 <= f->len; at += 12 + S_get32(d + at))
        if (!memcmp(d + at + 4, type, 4)) return at;
    fail_msg("no %s chunk", type);
    return 0;
}

/* Recompute a chunk's CRC after its data was changed on purpose. */
static void S_fix_crc(NbBuf *f, size_t at)
{
    unsigned char *d = (unsigned char *)f->s;
    uint32_t n = S_get32(d + at);
    uLong crc = crc32(0L, d + at + 4, 4 + n);
    for (int i = 0; i < 4; i++) d[at + 8 + n + i] = (unsigned char)(crc >> (24 - 8 * i));
}

/* ------------------------------------------------------------------ loading helpers */

static NbImage S_load_ok(const char *name, const NbBuf *file)
{
    char *path = S_write(name, file->s, file->len);
    NbImage img;
    char *msg = NULL;
    int ok = nb_image_load_png(path, &img, &msg);
    if (!ok) fprintf(stderr, "%s: %s\n", name, msg);
    assert_int_equal(ok, 1);
    assert_null(msg);
    assert_non_null(img.rgb);
    free(path);
    return img;
}

static void S_expect_rgb(const NbImage *img, int w, int h, const unsigned char *rgb)
{
    assert_int_equal(img->w, w);
    assert_int_equal(img->h, h);
    assert_memory_equal(img->rgb, rgb, (size_t)w * h * 3);
}

/* Loading fails; the message holds every given piece (NULL-ended), names no file, and
 * the image is left empty whatever it held before. */
static void S_expect_fail(const char *path, ...)
{
    NbImage img;
    memset(&img, 0xA5, sizeof img);
    char *msg = NULL;
    int ok = nb_image_load_png(path, &img, &msg);
    assert_int_equal(ok, 0);
    assert_non_null(msg);
    va_list ap;
    va_start(ap, path);
    for (const char *s; (s = va_arg(ap, const char *));) {
        if (!strstr(msg, s)) fprintf(stderr, "expected '%s' in: %s\n", s, msg);
        assert_non_null(strstr(msg, s));
    }
    va_end(ap);
    assert_null(strstr(msg, S_dir));
    assert_int_equal(img.w, 0);
    assert_int_equal(img.h, 0);
    assert_null(img.rgb);
    assert_null(img.alpha);
    free(msg);
}

/* Write the bytes to a file, then expect failure as S_expect_fail. */
#define S_EXPECT_FAIL_BYTES(name, data, n, ...)                                              \
    do {                                                                                     \
        char *p_ = S_write(name, data, n);                                                   \
        S_expect_fail(p_, __VA_ARGS__, NULL);                                                \
        free(p_);                                                                            \
    } while (0)

/* A 16 × 16 RGB image of varied pixels, big enough that its IDAT can be cut in two. */
static NbBuf S_noisy_png(void)
{
    static unsigned char pix[16 * 16 * 3];
    uint32_t s = 12345;
    for (size_t i = 0; i < sizeof pix; i++) {
        s = s * 1103515245u + 12345u;
        pix[i] = (unsigned char)(s >> 16);
    }
    S_Png p = {.w = 16, .h = 16, .depth = 8, .ctype = 2, .pix = pix};
    return S_encode(&p);
}

/* ------------------------------------------------------------------ colour types */

static void test_rgba8(void **state)
{
    (void)state;
    static const unsigned char pix[] = {
        255, 0,   0,   255, 0,   255, 0, 128, 0,  0,  255, 0,   /* row 0 */
        10,  20,  30,  40,  50,  60,  70, 80,  90, 100, 110, 255, /* row 1 */
    };
    S_Png p = {.w = 3, .h = 2, .depth = 8, .ctype = 6, .pix = pix};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("rgba8.png", &f);
    static const unsigned char rgb[] = {255, 0, 0, 0, 255, 0, 0, 0, 255,
                                        10, 20, 30, 50, 60, 70, 90, 100, 110};
    static const unsigned char alpha[] = {255, 128, 0, 40, 80, 255};
    S_expect_rgb(&img, 3, 2, rgb);
    assert_non_null(img.alpha);
    assert_memory_equal(img.alpha, alpha, sizeof alpha);
    nb_image_free(&img);
    assert_null(img.rgb);
    assert_null(img.alpha);
    assert_int_equal(img.w, 0);
    nb_image_free(&img); /* a freed image can be freed again */
    nb_buf_free(&f);
}

static void test_rgba8_opaque_drops_alpha(void **state)
{
    (void)state;
    static const unsigned char pix[] = {1, 2, 3, 255, 4, 5, 6, 255};
    S_Png p = {.w = 2, .h = 1, .depth = 8, .ctype = 6, .pix = pix};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("rgba8-opaque.png", &f);
    static const unsigned char rgb[] = {1, 2, 3, 4, 5, 6};
    S_expect_rgb(&img, 2, 1, rgb);
    assert_null(img.alpha);
    nb_image_free(&img);
    nb_buf_free(&f);
}

static void test_rgb8(void **state)
{
    (void)state;
    static const unsigned char pix[] = {200, 16, 46, 0, 0, 0, 255, 255, 255,
                                        1,   2,  3,  4, 5, 6, 7,   8,   9};
    S_Png p = {.w = 3, .h = 2, .depth = 8, .ctype = 2, .pix = pix};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("rgb8.png", &f);
    S_expect_rgb(&img, 3, 2, pix);
    assert_null(img.alpha);
    nb_image_free(&img);
    nb_buf_free(&f);
}

static void test_palette_trns(void **state)
{
    (void)state;
    static const unsigned char plte[] = {200, 16, 46, 255, 255, 255, 0, 0, 255};
    static const unsigned char trns[] = {128, 0}; /* entry 2 has none: opaque */
    static const unsigned char pix[] = {0, 1, 2, 2, 1, 0};
    S_Png p = {.w = 3, .h = 2, .depth = 8, .ctype = 3, .pix = pix, .plte = plte,
               .nplte = sizeof plte, .trns = trns, .ntrns = sizeof trns};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("palette-trns.png", &f);
    static const unsigned char rgb[] = {200, 16,  46,  255, 255, 255, 0,  0,  255,
                                        0,   0,   255, 255, 255, 255, 200, 16, 46};
    static const unsigned char alpha[] = {128, 0, 255, 255, 0, 128};
    S_expect_rgb(&img, 3, 2, rgb);
    assert_non_null(img.alpha);
    assert_memory_equal(img.alpha, alpha, sizeof alpha);
    nb_image_free(&img);
    nb_buf_free(&f);
}

static void test_palette_2bit(void **state)
{
    (void)state;
    static const unsigned char plte[] = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120};
    /* indices 0 1 2 3 | 3 (then padding), packed four to a byte, high bits first */
    static const unsigned char pix[] = {0x1B, 0xC0};
    S_Png p = {.w = 5, .h = 1, .depth = 2, .ctype = 3, .pix = pix, .plte = plte,
               .nplte = sizeof plte};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("palette-2bit.png", &f);
    static const unsigned char rgb[] = {10, 20, 30, 40, 50, 60, 70, 80, 90,
                                        100, 110, 120, 100, 110, 120};
    S_expect_rgb(&img, 5, 1, rgb);
    assert_null(img.alpha);
    nb_image_free(&img);
    nb_buf_free(&f);
}

static void test_gray8(void **state)
{
    (void)state;
    static const unsigned char pix[] = {0, 77, 255, 128};
    S_Png p = {.w = 2, .h = 2, .depth = 8, .ctype = 0, .pix = pix};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("gray8.png", &f);
    static const unsigned char rgb[] = {0, 0, 0, 77, 77, 77, 255, 255, 255, 128, 128, 128};
    S_expect_rgb(&img, 2, 2, rgb);
    assert_null(img.alpha);
    nb_image_free(&img);
    nb_buf_free(&f);
}

static void test_gray1(void **state)
{
    (void)state;
    static const unsigned char pix[] = {0xA0, 0x40}; /* 1 0 1 0 0 0 0 0 | 0 1 */
    S_Png p = {.w = 10, .h = 1, .depth = 1, .ctype = 0, .pix = pix};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("gray1.png", &f);
    static const unsigned char on[10] = {1, 0, 1, 0, 0, 0, 0, 0, 0, 1};
    assert_int_equal(img.w, 10);
    for (int i = 0; i < 10; i++)
        for (int c = 0; c < 3; c++) assert_int_equal(img.rgb[i * 3 + c], on[i] ? 255 : 0);
    assert_null(img.alpha);
    nb_image_free(&img);
    nb_buf_free(&f);
}

static void test_gray_trns(void **state)
{
    (void)state;
    static const unsigned char pix[] = {255, 0, 255};
    static const unsigned char trns[] = {0, 255}; /* white is transparent */
    S_Png p = {.w = 3, .h = 1, .depth = 8, .ctype = 0, .pix = pix, .trns = trns,
               .ntrns = sizeof trns};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("gray-trns.png", &f);
    static const unsigned char rgb[] = {255, 255, 255, 0, 0, 0, 255, 255, 255};
    static const unsigned char alpha[] = {0, 255, 0};
    S_expect_rgb(&img, 3, 1, rgb);
    assert_non_null(img.alpha);
    assert_memory_equal(img.alpha, alpha, sizeof alpha);
    nb_image_free(&img);
    nb_buf_free(&f);
}

static void test_rgb_trns(void **state)
{
    (void)state;
    static const unsigned char pix[] = {1, 2, 3, 4, 5, 6};
    static const unsigned char trns[] = {0, 4, 0, 5, 0, 6}; /* 16-bit samples even at depth 8 */
    S_Png p = {.w = 2, .h = 1, .depth = 8, .ctype = 2, .pix = pix, .trns = trns,
               .ntrns = sizeof trns};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("rgb-trns.png", &f);
    static const unsigned char alpha[] = {255, 0};
    S_expect_rgb(&img, 2, 1, pix);
    assert_non_null(img.alpha);
    assert_memory_equal(img.alpha, alpha, sizeof alpha);
    nb_image_free(&img);
    nb_buf_free(&f);
}

static void test_gray_alpha8(void **state)
{
    (void)state;
    static const unsigned char pix[] = {10, 255, 20, 0, 30, 99};
    S_Png p = {.w = 3, .h = 1, .depth = 8, .ctype = 4, .pix = pix};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("gray-alpha8.png", &f);
    static const unsigned char rgb[] = {10, 10, 10, 20, 20, 20, 30, 30, 30};
    static const unsigned char alpha[] = {255, 0, 99};
    S_expect_rgb(&img, 3, 1, rgb);
    assert_non_null(img.alpha);
    assert_memory_equal(img.alpha, alpha, sizeof alpha);
    nb_image_free(&img);
    nb_buf_free(&f);
}

static void test_rgba16(void **state)
{
    (void)state;
    /* big-endian samples: the high byte is what 8 bits keep */
    static const unsigned char pix[] = {
        0xAB, 0xCD, 0x12, 0x34, 0xFF, 0x00, 0x80, 0x00, /* pixel 0 */
        0x00, 0xFF, 0xFF, 0xFF, 0x7F, 0x80, 0xFF, 0xFF, /* pixel 1 */
    };
    S_Png p = {.w = 2, .h = 1, .depth = 16, .ctype = 6, .pix = pix};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("rgba16.png", &f);
    static const unsigned char rgb[] = {0xAB, 0x12, 0xFF, 0x00, 0xFF, 0x7F};
    static const unsigned char alpha[] = {0x80, 0xFF};
    S_expect_rgb(&img, 2, 1, rgb);
    assert_non_null(img.alpha);
    assert_memory_equal(img.alpha, alpha, sizeof alpha);
    nb_image_free(&img);
    nb_buf_free(&f);
}

static void test_rgb16(void **state)
{
    (void)state;
    static const unsigned char pix[] = {0xAB, 0xCD, 0x00, 0x01, 0xFE, 0xFF};
    S_Png p = {.w = 1, .h = 1, .depth = 16, .ctype = 2, .pix = pix};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("rgb16.png", &f);
    static const unsigned char rgb[] = {0xAB, 0x00, 0xFE};
    S_expect_rgb(&img, 1, 1, rgb);
    assert_null(img.alpha);
    nb_image_free(&img);
    nb_buf_free(&f);
}

/* Adam7: the same pixels as the plain encoding, whatever order the passes stored them in. */
static void test_interlaced(void **state)
{
    (void)state;
    enum { W = 13, H = 11 };
    static unsigned char pix[W * H * 4];
    for (size_t i = 0; i < sizeof pix; i++) pix[i] = (unsigned char)(i * 7 + i / 4);
    S_Png p = {.w = W, .h = H, .depth = 8, .ctype = 6, .pix = pix, .interlace = 1};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("adam7.png", &f);
    assert_int_equal(img.w, W);
    assert_int_equal(img.h, H);
    assert_non_null(img.alpha);
    for (int i = 0; i < W * H; i++) {
        assert_memory_equal(img.rgb + i * 3, pix + i * 4, 3);
        assert_int_equal(img.alpha[i], pix[i * 4 + 3]);
    }
    nb_image_free(&img);
    nb_buf_free(&f);

    /* 1 × 1: six of the seven passes are empty */
    static const unsigned char one[] = {9, 8, 7};
    S_Png q = {.w = 1, .h = 1, .depth = 8, .ctype = 2, .pix = one, .interlace = 1};
    f = S_encode(&q);
    img = S_load_ok("adam7-1x1.png", &f);
    S_expect_rgb(&img, 1, 1, one);
    assert_null(img.alpha);
    nb_image_free(&img);
    nb_buf_free(&f);
}

/* 4000 pixels on a side is allowed, in either direction. */
static void test_largest_side_accepted(void **state)
{
    (void)state;
    static unsigned char pix[4000];
    for (int i = 0; i < 4000; i++) pix[i] = (unsigned char)i;
    S_Png p = {.w = 4000, .h = 1, .depth = 8, .ctype = 0, .pix = pix};
    NbBuf f = S_encode(&p);
    NbImage img = S_load_ok("wide.png", &f);
    assert_int_equal(img.w, 4000);
    assert_int_equal(img.rgb[3999 * 3], (unsigned char)3999);
    nb_image_free(&img);
    nb_buf_free(&f);
    S_Png q = {.w = 1, .h = 4000, .depth = 8, .ctype = 0, .pix = pix};
    f = S_encode(&q);
    img = S_load_ok("tall.png", &f);
    assert_int_equal(img.h, 4000);
    assert_int_equal(img.rgb[3999 * 3], (unsigned char)3999);
    nb_image_free(&img);
    nb_buf_free(&f);
}

/* A damaged text chunk is libpng's warning, not an error; and it is not printed. */
static void test_bad_ancillary_crc_ignored(void **state)
{
    (void)state;
    static const unsigned char pix[] = {1, 2, 3};
    S_Png p = {.w = 1, .h = 1, .depth = 8, .ctype = 2, .pix = pix};
    NbBuf f = S_encode_ex(&p, 1);
    NbImage img = S_load_ok("bad-text-crc.png", &f);
    S_expect_rgb(&img, 1, 1, pix);
    nb_image_free(&img);
    nb_buf_free(&f);
}

/* ------------------------------------------------------------------ not a PNG */

static void test_not_png_gif(void **state)
{
    (void)state;
    static const char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00";
    S_EXPECT_FAIL_BYTES("seal.png", gif, sizeof gif - 1,
                        "not a PNG image (it starts with \"GIF8\"", "a GIF image",
                        "save the seal as PNG");
}

static void test_not_png_jpeg(void **state)
{
    (void)state;
    static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};
    S_EXPECT_FAIL_BYTES("jpeg.png", jpg, sizeof jpg,
                        "not a PNG image (it starts with \"\\xFF\\xD8\\xFF\\xE0\"", "JPEG",
                        "save the seal as PNG");
}

static void test_not_png_short(void **state)
{
    (void)state;
    S_EXPECT_FAIL_BYTES("short.png", "abc", 3, "not a PNG image (it starts with \"abc\");");
}

/* "\r\n" in the signature turned into "\n", as an FTP text-mode transfer does. */
static void test_signature_crlf_damaged(void **state)
{
    (void)state;
    NbBuf f = S_noisy_png();
    memmove(f.s + 4, f.s + 5, f.len - 5);
    f.len--;
    S_EXPECT_FAIL_BYTES("crlf.png", f.s, f.len, "the PNG signature is damaged", "binary");
    nb_buf_free(&f);
    /* and a file that stops inside the signature is cut short, not some other format */
    S_EXPECT_FAIL_BYTES("sig-only.png", "\x89PNG\r\n", 6, "the PNG is truncated or corrupt",
                        "after 6 bytes");
}

static void test_empty_file(void **state)
{
    (void)state;
    S_EXPECT_FAIL_BYTES("empty.png", "", 0, "the file is empty");
}

static void test_missing_file(void **state)
{
    (void)state;
    char *path = nb_xasprintf("%s/no-such-seal.png", S_dir);
    char *want = nb_xasprintf("cannot open: %s", strerror(ENOENT));
    S_expect_fail(path, want, NULL);
    free(want);
    free(path);
}

static void test_directory(void **state)
{
    (void)state;
    char *path = nb_xasprintf("%s/folder.png", S_dir);
    assert_int_equal(mkdir(path, 0700), 0);
    S_expect_fail(path, "is a directory", NULL);
    free(path);
}

/* The size is checked before reading: a sparse 65 MB file costs nothing to make. */
static void test_file_too_large(void **state)
{
    (void)state;
    NbBuf f = S_noisy_png();
    char *path = S_write("huge-file.png", f.s, f.len);
    assert_int_equal(truncate(path, (off_t)65 << 20), 0);
    S_expect_fail(path, "the file is 65 MB; at most 64 MB", NULL);
    free(path);
    nb_buf_free(&f);
}

/* ------------------------------------------------------------------ damaged PNGs */

static void test_truncated_in_idat(void **state)
{
    (void)state;
    NbBuf f = S_noisy_png();
    size_t at = S_find_chunk(&f, "IDAT");
    uint32_t n = S_get32((const unsigned char *)f.s + at);
    assert_true(n > 100);
    S_EXPECT_FAIL_BYTES("cut.png", f.s, at + 8 + n / 2, "the PNG is truncated or corrupt",
                        "the file ends early", "export the seal again");
    nb_buf_free(&f);
}

/* All the pixels are there but IEND is not: refused all the same. */
static void test_truncated_before_iend(void **state)
{
    (void)state;
    NbBuf f = S_noisy_png();
    size_t at = S_find_chunk(&f, "IEND");
    S_EXPECT_FAIL_BYTES("no-iend.png", f.s, at, "the PNG is truncated or corrupt",
                        "the file ends early");
    nb_buf_free(&f);
}

static void test_bad_crc_ihdr(void **state)
{
    (void)state;
    NbBuf f = S_noisy_png();
    f.s[8 + 8 + 13] ^= 0x01; /* first byte of the IHDR CRC */
    S_EXPECT_FAIL_BYTES("crc.png", f.s, f.len, "the PNG is truncated or corrupt (libpng: ",
                        "CRC error", "export the seal again");
    nb_buf_free(&f);
}

static void test_bad_crc_idat(void **state)
{
    (void)state;
    NbBuf f = S_noisy_png();
    size_t at = S_find_chunk(&f, "IDAT");
    /* the CRC itself, not the data: data changes trip zlib's own checks first */
    f.s[at + 8 + S_get32((const unsigned char *)f.s + at)] ^= 0x10;
    S_EXPECT_FAIL_BYTES("crc-idat.png", f.s, f.len, "the PNG is truncated or corrupt",
                        "IDAT: CRC error");
    nb_buf_free(&f);
}

/* A deflate block of the reserved type 3, with the CRC made right: only zlib objects. */
static void test_bad_zlib(void **state)
{
    (void)state;
    NbBuf f = S_noisy_png();
    size_t at = S_find_chunk(&f, "IDAT");
    f.s[at + 8 + 2] = (char)0xFF; /* the first byte after the 2-byte zlib header */
    S_fix_crc(&f, at);
    S_EXPECT_FAIL_BYTES("zlib.png", f.s, f.len, "the PNG is truncated or corrupt (libpng: ",
                        "invalid block type");
    nb_buf_free(&f);
}

/* A complete zlib stream that holds fewer rows than IHDR promises. */
static void test_not_enough_rows(void **state)
{
    (void)state;
    static unsigned char pix[4 * 4 * 3];
    S_Png p = {.w = 4, .h = 4, .depth = 8, .ctype = 2, .pix = pix, .rows = 2};
    NbBuf f = S_encode(&p);
    S_EXPECT_FAIL_BYTES("few-rows.png", f.s, f.len, "the PNG is truncated or corrupt",
                        "Not enough image data");
    nb_buf_free(&f);
}

static void test_bad_ihdr(void **state)
{
    (void)state;
    static const unsigned char pix[] = {0};
    S_Png zero = {.w = 0, .h = 1, .depth = 8, .ctype = 0, .pix = pix};
    NbBuf f = S_encode(&zero);
    S_EXPECT_FAIL_BYTES("zero-width.png", f.s, f.len, "the PNG is truncated or corrupt",
                        "Image width is zero");
    nb_buf_free(&f);
    S_Png depth = {.w = 1, .h = 1, .depth = 7, .ctype = 0, .pix = pix};
    f = S_encode(&depth);
    S_EXPECT_FAIL_BYTES("depth7.png", f.s, f.len, "the PNG is truncated or corrupt",
                        "bit depth");
    nb_buf_free(&f);
    S_Png noplte = {.w = 1, .h = 1, .depth = 8, .ctype = 3, .pix = pix};
    f = S_encode(&noplte);
    S_EXPECT_FAIL_BYTES("no-plte.png", f.s, f.len, "the PNG is truncated or corrupt", "PLTE");
    nb_buf_free(&f);
}

/* IHDR claims 20000 × 20000 (1.6 GB as RGBA) over a few bytes of data: refused from
 * the header, before any pixel memory; the encoder here writes a one-row IDAT. */
static void test_enormous_dimensions(void **state)
{
    (void)state;
    static const unsigned char pix[4] = {0};
    S_Png p = {.w = 1, .h = 1, .depth = 8, .ctype = 6, .pix = pix};
    NbBuf f = S_encode(&p);
    unsigned char *d = (unsigned char *)f.s;
    uint32_t side = 20000;
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 4; i++) d[16 + k * 4 + i] = (unsigned char)(side >> (24 - 8 * i));
    S_fix_crc(&f, 8);
    S_EXPECT_FAIL_BYTES("enormous.png", f.s, f.len,
                        "the image is 20000 × 20000 pixels; at most 4000 × 4000 are "
                        "accepted: scale it down");
    /* one side over is enough */
    d[16] = d[17] = d[20] = d[21] = 0;
    d[18] = 4001 >> 8;
    d[19] = 4001 & 0xFF;
    d[22] = 0;
    d[23] = 1;
    S_fix_crc(&f, 8);
    S_EXPECT_FAIL_BYTES("wide.png", f.s, f.len, "the image is 4001 × 1 pixels");
    nb_buf_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rgba8),
        cmocka_unit_test(test_rgba8_opaque_drops_alpha),
        cmocka_unit_test(test_rgb8),
        cmocka_unit_test(test_palette_trns),
        cmocka_unit_test(test_palette_2bit),
        cmocka_unit_test(test_gray8),
        cmocka_unit_test(test_gray1),
        cmocka_unit_test(test_gray_trns),
        cmocka_unit_test(test_gray_alpha8),
        cmocka_unit_test(test_rgb_trns),
        cmocka_unit_test(test_rgba16),
        cmocka_unit_test(test_rgb16),
        cmocka_unit_test(test_interlaced),
        cmocka_unit_test(test_largest_side_accepted),
        cmocka_unit_test(test_bad_ancillary_crc_ignored),
        cmocka_unit_test(test_not_png_gif),
        cmocka_unit_test(test_not_png_jpeg),
        cmocka_unit_test(test_not_png_short),
        cmocka_unit_test(test_signature_crlf_damaged),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_directory),
        cmocka_unit_test(test_file_too_large),
        cmocka_unit_test(test_truncated_in_idat),
        cmocka_unit_test(test_truncated_before_iend),
        cmocka_unit_test(test_bad_crc_ihdr),
        cmocka_unit_test(test_bad_crc_idat),
        cmocka_unit_test(test_bad_zlib),
        cmocka_unit_test(test_not_enough_rows),
        cmocka_unit_test(test_bad_ihdr),
        cmocka_unit_test(test_enormous_dimensions),
    };
    return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
