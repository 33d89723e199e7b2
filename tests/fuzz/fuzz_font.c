/* libFuzzer target: the font reader and both subsetters. The input is a font file (seeded
 * with Debian's TrueType and OpenType fonts, collections included): every face it holds is
 * opened, its cmap, metrics and names read, and a handful of glyphs subset, by our own
 * TrueType subsetter or, for CFF outlines, by our own CFF subsetter (cffsub.c) and, when it
 * refuses the face, HarfBuzz, with the charset read back. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cff.h"
#include "subset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (unsigned face = 0; face < 4; face++) {
        size_t off = 0;
        if (!nb_sfnt_face_offset(data, size, face, &off)) break;
        char *err = NULL;
        NbSfnt *f = nb_sfnt_open(data, size, off, &err);
        free(err);
        if (!f) continue;
        static const uint32_t cps[] = {' ', 'A', '0', 0x3002, 0x4E00, 0x56FD, 0x9F99, 0x2000B};
        uint16_t gids[8];
        size_t n = 0;
        for (size_t i = 0; i < 8; i++) {
            unsigned g = nb_sfnt_glyph(f, cps[i]);
            (void)nb_sfnt_advance(f, g);
            if (g) gids[n++] = (uint16_t)g;
        }
        int bbox[4], asc, desc, cap;
        nb_sfnt_metrics(f, bbox, &asc, &desc, &cap);
        (void)nb_sfnt_ps_name(f);
        if (nb_sfnt_num_glyphs(f) > 1 && !n) gids[n++] = 1;
        if (!nb_sfnt_is_cff(f)) {
            NbSubset sub;
            err = NULL;
            if (nb_subset(f, gids, n, &sub, &err)) nb_subset_free(&sub);
            free(err);
        } else {
            err = NULL;
            NbCff *c = nb_cff_open(data, size, face, &err);
            free(err);
            if (c) {
                NbCffSubset sub;
                err = NULL;
                if (nb_cff_subset(c, gids, n, &sub, &err)) nb_cff_subset_free(&sub);
                free(err);
                nb_cff_close(c);
            }
        }
        nb_sfnt_close(f);
    }
    return 0;
}
