/* A CID-keyed CFF subset of our own, for the faces a report draws every time: the glyphs
 * asked for (and .notdef) with their charstrings desubroutinized (every callsubr and
 * callgsubr replaced by what it calls) and unhinted (as HarfBuzz's NO_HINTING made them),
 * their CIDs kept, one Private DICT per Font DICT without its Subrs. HarfBuzz (cff.c) does the same work over the whole face on every call:
 * about 7 ms for a report's body face, where this takes well under one (see bench/ and the
 * note of issue 15). Part of the painter's stage; every read is bounds-checked. */
#ifndef NB_CFFSUB_H
#define NB_CFFSUB_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The glyphs of one CFF table as flattened so far, kept from one subset to the next (a
 * report's body face draws mostly the glyphs the reports before it drew): at most the
 * table's own size. */
typedef struct NbCffGlyphs NbCffGlyphs;
NbCffGlyphs *nb_cffsub_glyphs_new(void);
void nb_cffsub_glyphs_free(NbCffGlyphs *k);

/* The subset of the bare CFF table cff[0..len) holding glyph 0 and gids[0..n) (sorted,
 * each once) into *out; cids[i] gets the CID of gids[i]. 0 (with *out empty) when the CFF
 * is not one this handles: name-keyed, without FDSelect, a charstring whose subroutine
 * number is not a plain number, nesting deeper than the format allows, or corrupt; the
 * caller then asks HarfBuzz. kept (or NULL) holds glyphs flattened before, and gets these. */
int nb_cffsub(const unsigned char *cff, size_t len, const uint16_t *gids, size_t n,
              uint16_t *cids, NbBuf *out, NbCffGlyphs *kept);

#endif
