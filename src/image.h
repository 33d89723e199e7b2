/* Raster images for the seal: a PNG decoded into 8-bit RGB plus optional alpha, the
 * form a PDF image XObject (with an SMask for the alpha) takes directly. */
#ifndef NB_IMAGE_H
#define NB_IMAGE_H

/* A decoded raster image: 8-bit RGB samples, and an 8-bit alpha plane when the image
 * has any transparency (NULL when fully opaque). */
typedef struct {
    int w, h;
    unsigned char *rgb;   /* w*h*3 bytes */
    unsigned char *alpha; /* w*h bytes or NULL */
} NbImage;

/* Load a PNG. Returns 1 on success. On failure returns 0 and sets *msg to an allocated
 * message in the user's terms, without the file name (the caller prefixes it), saying
 * what is wrong and what to do, e.g.
 * "not a PNG image (it starts with \"GIF8\"); save the seal as PNG",
 * "the PNG is truncated or corrupt (libpng: ...); export the seal again",
 * "the image is 20000 × 20000 pixels; at most 4000 × 4000 are accepted: scale it down",
 * "cannot open: No such file or directory". */
int nb_image_load_png(const char *path, NbImage *out, char **msg);
void nb_image_free(NbImage *img);

/* A seal scanned on white paper: make the paper transparent (every pixel whose darkest
 * channel is at least NB_WHITE_CLEAR) and the pale fringe round the ink partly so (from
 * NB_WHITE_FROM up), so that the text under the seal stays readable. Red ink has low green
 * and blue and is kept. Returns 1 if any pixel was made (more) transparent. */
#define NB_WHITE_FROM 200
#define NB_WHITE_CLEAR 240
int nb_image_clear_white(NbImage *img);

#endif
