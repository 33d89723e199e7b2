#include "image.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* A seal is a few hundred pixels across; these bounds only keep a wrong or hostile file
 * from costing gigabytes: 4000 × 4000 RGBA is 64 MB of pixels. */
#define S_MAX_SIDE 4000
#define S_MAX_FILE_MB 64
#define S_MAX_FILE ((size_t)S_MAX_FILE_MB << 20)
/* Metadata chunks a seal never needs (text, ICC profiles) are skipped below; this bounds
 * what libpng may allocate for any ancillary chunk that is still read. */
#define S_MAX_CHUNK ((png_alloc_size_t)1 << 20)

/* Everything the decoder changes after setjmp lives here, on the heap, so that its
 * values are well defined when libpng longjmps back (locals would need volatile), and
 * the error path can free whatever had been allocated. */
typedef struct {
    const unsigned char *data;
    size_t len, pos;
    int short_read;    /* libpng asked for bytes past the end of the file */
    char err[256];     /* libpng's error message */
    char warn[256];    /* libpng's first warning: kept for debugging, never printed */
    unsigned char *px; /* RGBA rows as libpng delivers them */
    png_bytep *rows;
} S_Dec;

void nb_image_free(NbImage *img)
{
    if (!img) return;
    free(img->rgb);
    free(img->alpha);
    memset(img, 0, sizeof *img);
}

/* ------------------------------------------------------------------ reading the file */

/* Read the whole file (nb_read_file refuses folders, and anything over S_MAX_FILE before
 * reading it), with messages about a seal. */
static int S_slurp(const char *path, unsigned char **data, size_t *len, char **msg)
{
    const char *err = NULL;
    char *got = nb_read_file(path, len, S_MAX_FILE, &err);
    if (got && *len == 0) {
        free(got);
        *msg = nb_xstrdup(_("the file is empty; export the seal again as PNG"));
        return 0;
    }
    if (got) {
        *data = (unsigned char *)got;
        return 1;
    }
    struct stat st;
    if (!strcmp(err, NB_READ_SPECIAL))
        *msg = nb_xstrdup(_("it is not a regular file (a pipe, a device or a socket); give the path "
                          "of the seal's PNG image"));
    else if (!strcmp(err, NB_READ_FOLDER))
        *msg = nb_xstrdup(_("it is a directory, not a file; give the path of the seal's PNG image"));
    else if (!strcmp(err, NB_READ_TOO_LARGE) && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        *msg = nb_msgf("the file is %llu MB; at most %d MB are accepted: save the seal "
                            "at a smaller size",
                            ((unsigned long long)st.st_size + (1u << 20) - 1) >> 20, S_MAX_FILE_MB);
    else if (!strcmp(err, NB_READ_TOO_LARGE))
        *msg = nb_msgf("the file is more than %d MB; at most %d MB are accepted: "
                            "save the seal at a smaller size",
                            S_MAX_FILE_MB, S_MAX_FILE_MB);
    else if (!strcmp(err, NB_READ_ERROR))
        *msg = nb_xstrdup(_("cannot read: the file could not be read to its end (a disk or "
                          "network error?); copy it again"));
    else
        *msg = nb_msgf("cannot open: %s", err);
    return 0;
}

/* ------------------------------------------------------------------ checks before libpng */

static unsigned long S_be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
           p[3];
}

/* The usual mistake is a JPEG or GIF renamed to .png: show the first bytes, and name the
 * format when it is a common one, so the user knows what to convert. */
static char *S_not_png(const unsigned char *d, size_t n)
{
    NbBuf shown = {0};
    for (size_t i = 0; i < n && i < 4; i++) {
        if (d[i] >= 0x20 && d[i] < 0x7f && d[i] != '"' && d[i] != '\\') {
            char c = (char)d[i];
            nb_buf_add(&shown, &c, 1);
        } else {
            nb_buf_printf(&shown, "\\x%02X", d[i]);
        }
    }
    const char *kind = NULL;
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) kind = "a JPEG image";
    else if (n >= 4 && !memcmp(d, "GIF8", 4)) kind = "a GIF image";
    else if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4)) kind = "a WebP image";
    else if (n >= 4 && (!memcmp(d, "II*\0", 4) || !memcmp(d, "MM\0*", 4))) kind = "a TIFF image";
    else if (n >= 4 && !memcmp(d, "%PDF", 4)) kind = "a PDF document";
    else if (n >= 4 && (!memcmp(d, "<svg", 4) || !memcmp(d, "<?xm", 4))) kind = "SVG or XML text";
    char *m = kind ? nb_msgf("not a PNG image (it starts with \"%s\", the mark of %s); "
                                  "save the seal as PNG",
                                  shown.s, kind)
                   : nb_msgf("not a PNG image (it starts with \"%s\"); save the seal as PNG",
                                  shown.s);
    nb_buf_free(&shown);
    return m;
}

/* Signature and IHDR size, from the bytes themselves: the size check must come before
 * libpng allocates anything that grows with the image, and its message should give the
 * size in pixels rather than libpng's "exceeds user limit". */
/* Every chunk's declared length fits in what is left of the file, and a chunk other than
 * IDAT is at most S_MAX_CHUNK: libpng would otherwise allocate (and zero) what a 100-byte
 * file claims, gigabytes, before it finds the file truncated. */
static int S_chunks(const unsigned char *d, size_t n, char **msg)
{
    size_t pos = 8;
    while (pos + 12 <= n) {
        unsigned long len = S_be32(d + pos);
        char type[5] = {0};
        memcpy(type, d + pos + 4, 4);
        for (int i = 0; i < 4; i++)
            if (!((type[i] >= 'A' && type[i] <= 'Z') || (type[i] >= 'a' && type[i] <= 'z'))) type[i] = '?';
        if (len > n - pos - 12) {
            *msg = nb_msgf("the PNG is truncated or corrupt (the file ends early, after %zu "
                                "bytes: its %s chunk claims %lu, %zu are left); export the seal again",
                                n, type, len, n - pos - 12);
            return 0;
        }
        if (len > S_MAX_CHUNK && memcmp(type, "IDAT", 4) != 0) {
            *msg = nb_msgf("the PNG holds a %s chunk of %lu bytes, more than a seal needs; "
                                "export the seal again without metadata",
                                type, len);
            return 0;
        }
        if (!memcmp(type, "IEND", 4)) return 1;
        pos += 12 + len;
    }
    return 1; /* a file cut before IEND: libpng says so, at the place */
}

static int S_precheck(const unsigned char *d, size_t n, char **msg)
{
    if (n < 8 || png_sig_cmp(d, 0, 8) != 0) {
        /* "\x89PNG" with the rest changed is the trace of a CR-LF conversion */
        if (n >= 4 && !memcmp(d, "\x89PNG", 4) && n < 8)
            *msg = nb_msgf("the PNG is truncated or corrupt (the file ends early, after "
                                "%zu bytes); export the seal again",
                                n);
        else if (n >= 4 && !memcmp(d, "\x89PNG", 4))
            *msg = nb_xstrdup(_("the PNG signature is damaged (its line-end bytes were changed, "
                              "as a text-mode transfer does); copy the file again in binary "
                              "mode or export the seal again"));
        else
            *msg = S_not_png(d, n);
        return 0;
    }
    /* libpng itself insists that IHDR comes first; when it does not, it says so below */
    if (n >= 24 && !memcmp(d + 12, "IHDR", 4)) {
        unsigned long w = S_be32(d + 16), h = S_be32(d + 20);
        if (w > S_MAX_SIDE || h > S_MAX_SIDE) {
            *msg = nb_msgf("the image is %lu × %lu pixels; at most %d × %d are accepted: "
                                "scale it down",
                                w, h, S_MAX_SIDE, S_MAX_SIDE);
            return 0;
        }
    }
    return S_chunks(d, n, msg);
}

/* ------------------------------------------------------------------ libpng callbacks */

/* libpng's default handler prints to stderr and, without a jump buffer, aborts; this one
 * keeps the message for ours and returns to the setjmp in S_decode. */
static void S_on_error(png_structp png, png_const_charp m)
{
    S_Dec *dec = png_get_error_ptr(png);
    snprintf(dec->err, sizeof dec->err, "%s", m && *m ? m : "unknown error");
    png_longjmp(png, 1);
}

/* Warnings are about chunks the image does not need (a bad CRC in a text chunk, an
 * ICC profile that is off): nothing the user must act on, so nothing is printed. */
static void S_on_warning(png_structp png, png_const_charp m)
{
    S_Dec *dec = png_get_error_ptr(png);
    if (!dec->warn[0]) snprintf(dec->warn, sizeof dec->warn, "%s", m ? m : "");
}

/* Reading from memory lets a file cut short be told apart from one that is damaged. */
static void S_on_read(png_structp png, png_bytep dst, size_t n)
{
    S_Dec *dec = png_get_io_ptr(png);
    if (n > dec->len - dec->pos) {
        dec->short_read = 1;
        png_error(png, "unexpected end of file");
    }
    memcpy(dst, dec->data + dec->pos, n);
    dec->pos += n;
}

/* ------------------------------------------------------------------ decoding */

/* Split libpng's RGBA into the NbImage planes: the alpha plane only when some pixel is
 * not fully opaque, and the RGB samples compacted in place to save a second copy. */
static void S_split(S_Dec *dec, int w, int h, NbImage *out)
{
    size_t npx = (size_t)w * (size_t)h;
    unsigned char *px = dec->px;
    int any_alpha = 0;
    for (size_t i = 0; i < npx && !any_alpha; i++)
        if (px[i * 4 + 3] != 255) any_alpha = 1;
    if (any_alpha) {
        out->alpha = nb_xmalloc(npx);
        for (size_t i = 0; i < npx; i++) out->alpha[i] = px[i * 4 + 3];
    }
    /* writing at 3i never overtakes reading at 4i */
    for (size_t i = 0; i < npx; i++) {
        px[i * 3] = px[i * 4];
        px[i * 3 + 1] = px[i * 4 + 1];
        px[i * 3 + 2] = px[i * 4 + 2];
    }
    out->rgb = nb_xrealloc(px, npx * 3);
    dec->px = NULL;
    out->w = w;
    out->h = h;
}

/* What to tell the user about a PNG libpng refused, from what the decoder saw. */
static char *S_corrupt_msg(const S_Dec *dec)
{
    if (dec->short_read)
        return nb_msgf("the PNG is truncated or corrupt (the file ends early, after %zu "
                            "bytes); export the seal again",
                            dec->len);
    /* libpng names a bad IHDR field only in a warning, then errors with a generic text */
    if (!strcmp(dec->err, "Invalid IHDR data") && dec->warn[0])
        return nb_msgf("the PNG is truncated or corrupt (libpng: %s: %s); export the "
                            "seal again",
                            dec->err, dec->warn);
    return nb_msgf("the PNG is truncated or corrupt (libpng: %s); export the seal again",
                        dec->err);
}

/* What the decoder may take: the size of the image and of any chunk; the chunks where
 * decompression bombs hide are skipped. */
static void S_limits(png_structp png)
{
    png_set_user_limits(png, S_MAX_SIDE, S_MAX_SIDE);
    png_set_chunk_malloc_max(png, S_MAX_CHUNK);
#ifdef PNG_HANDLE_AS_UNKNOWN_SUPPORTED
    /* Compressed text and ICC profiles are where decompression bombs hide, and a seal
     * drawn as DeviceRGB uses none of them: skip them, neither inflated nor stored. */
    static const png_byte skip[] = "iCCP\0iTXt\0tEXt\0zTXt\0sPLT\0eXIf";
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, skip, (int)(sizeof skip / 5));
#endif
}

/* Have libpng deliver every kind of PNG as 8-bit RGBA rows (S_split drops an alpha that is
 * all 255); its size in *w, *h. Errors longjmp to the caller's setjmp. */
static void S_to_rgba(png_structp png, png_infop info, png_uint_32 *w, png_uint_32 *h)
{
    int depth, ctype, interlace;
    png_get_IHDR(png, info, w, h, &depth, &ctype, &interlace, NULL, NULL);
    if (*w > S_MAX_SIDE || *h > S_MAX_SIDE) png_error(png, "image too large"); /* belt and braces */
    if (depth == 16) png_set_strip_16(png);
    if (ctype == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (ctype == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(png);
    if (!(ctype & PNG_COLOR_MASK_ALPHA)) png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)*w * 4 || png_get_channels(png, info) != 4 ||
        png_get_bit_depth(png, info) != 8)
        png_error(png, "unexpected pixel layout after conversion");
}

/* Decode a PNG in memory into out; every libpng error returns here through setjmp. */
static int S_decode(const unsigned char *data, size_t len, NbImage *out, char **msg)
{
    S_Dec *dec = nb_xcalloc(1, sizeof *dec);
    dec->data = data;
    dec->len = len;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, dec, S_on_error,
                                             S_on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        *msg = nb_xstrdup(_("cannot start the PNG decoder (out of memory)"));
        png_destroy_read_struct(&png, NULL, NULL);
        free(dec);
        return 0;
    }
    /* png and info are not changed between here and any longjmp; all else is in dec */
    if (setjmp(png_jmpbuf(png))) {
        *msg = S_corrupt_msg(dec);
        png_destroy_read_struct(&png, &info, NULL);
        free(dec->rows);
        free(dec->px);
        free(dec);
        return 0;
    }
    png_set_read_fn(png, dec, S_on_read);
    S_limits(png);
    png_read_info(png, info);
    png_uint_32 w, h;
    S_to_rgba(png, info, &w, &h);
    size_t stride = (size_t)w * 4;

    dec->px = nb_xmalloc(stride * h);
    dec->rows = nb_xmalloc(h * sizeof *dec->rows);
    for (png_uint_32 y = 0; y < h; y++) dec->rows[y] = dec->px + y * stride;
    png_read_image(png, dec->rows);
    /* Up to IEND, so that a file cut after the last row, or with a bad CRC in its last
     * IDAT, is refused like any other damaged one. */
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);

    S_split(dec, (int)w, (int)h, out);
    free(dec->rows);
    free(dec);
    return 1;
}

int nb_image_clear_white(NbImage *img)
{
    size_t npx = (size_t)img->w * (size_t)img->h, cleared = 0;
    if (!npx) return 0;
    for (size_t i = 0; i < npx; i++) {
        const unsigned char *c = img->rgb + 3 * i;
        unsigned lo = c[0] < c[1] ? c[0] : c[1];
        if (c[2] < lo) lo = c[2];
        if (lo < NB_WHITE_FROM) continue;
        /* paper white, and the pale fringe between it and the ink: less opaque the paler */
        unsigned keep = lo >= NB_WHITE_CLEAR ? 0 : 255u * (NB_WHITE_CLEAR - lo) / (NB_WHITE_CLEAR - NB_WHITE_FROM);
        if (!img->alpha) {
            img->alpha = nb_xmalloc(npx);
            memset(img->alpha, 255, npx);
        }
        unsigned a = img->alpha[i] * keep / 255u;
        if (a < img->alpha[i]) img->alpha[i] = (unsigned char)a, cleared++;
    }
    return cleared > 0;
}

int nb_image_load_png(const char *path, NbImage *out, char **msg)
{
    memset(out, 0, sizeof *out);
    *msg = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    if (!S_slurp(path, &data, &len, msg)) return 0;
    int ok = S_precheck(data, len, msg) && S_decode(data, len, out, msg);
    free(data);
    return ok;
}
