#include "blocks.h"

#include <stdlib.h>
#include <string.h>

NbBlock *nb_blocks_add(NbBlocks *bs, NbBlockType type, int style)
{
    nb_grow(&bs->b, &bs->cap, bs->n + 1, sizeof *bs->b);
    NbBlock *b = &bs->b[bs->n++];
    memset(b, 0, sizeof *b);
    b->type = type;
    b->style = style;
    return b;
}

void nb_blocks_cover(NbBlocks *bs, const char *text, int role, const NbSrcText *src, NbMark at,
                     const char *where, int checked_role)
{
    nb_grow(&bs->cover, &bs->ccap, bs->ncover + 1, sizeof *bs->cover);
    bs->cover[bs->ncover++] = (NbCoverage){text, role, src, at, nb_xstrdup(where), checked_role};
}

void nb_blocks_free(NbBlocks *bs)
{
    for (size_t i = 0; i < bs->n; i++) {
        free(bs->b[i].owned[0]);
        free(bs->b[i].owned[1]);
        free(bs->b[i].name);
        free(bs->b[i].date);
        free(bs->b[i].seal_alt);
        free(bs->b[i].table.cells);
    }
    free(bs->b);
    for (size_t i = 0; i < bs->ncover; i++) free(bs->cover[i].where);
    free(bs->cover);
    memset(bs, 0, sizeof *bs);
}
