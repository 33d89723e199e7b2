/* Fonts: discovery (fontconfig, fonts/, --fonts), per-role face lists with per-character
 * fallback, and metrics read from the font files themselves. */
#ifndef NB_FONT_H
#define NB_FONT_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "util.h"

typedef struct NbFonts NbFonts;

typedef struct {
    char *path;
    int index;          /* face index in a .ttc */
    char *family;
    const unsigned char *data; /* the whole file, mapped */
    size_t size;
    size_t sfnt_offset;        /* this face's table directory in data (a .ttc holds several) */
} NbFaceInfo;

/* Resolve every role of the layout. Extra font folders are searched first.
 * Returns NULL (with a diagnostic) if a role has no usable font. */
NbFonts *nb_fonts_open(const NbLayout *layout, const char *const *dirs, size_t ndirs, NbDiag *diag);
void nb_fonts_free(NbFonts *f);
/* Has a font file changed or gone since it was opened (its mapping would then fault)?
 * 1 with *which naming it (valid until nb_fonts_free). */
int nb_fonts_changed(const NbFonts *f, const char **which);

/* The face to draw cp in for a role: the role's first face that has it, then the
 * fallback role's. -1 if no configured font has it. */
int nb_fonts_face(NbFonts *f, int role, uint32_t cp);
/* Advance width in em. */
double nb_fonts_advance(NbFonts *f, int face, uint32_t cp);
/* Glyph id of cp in a face (0: missing). */
unsigned nb_fonts_glyph(NbFonts *f, int face, uint32_t cp);
size_t nb_fonts_count(const NbFonts *f);
const NbFaceInfo *nb_fonts_info(const NbFonts *f, int face);
/* The first face of a role (for messages). */
int nb_fonts_role_face(const NbFonts *f, int role);

#endif
