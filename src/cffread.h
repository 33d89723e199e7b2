/* Reading a bare CFF table (the 'CFF ' table of an OpenType font, or a subset of one): its
 * charset (glyph index to CID) and a glyph's charstring. Every read is bounds-checked. */
#ifndef NB_CFFREAD_H
#define NB_CFFREAD_H

#include <stddef.h>
#include <stdint.h>

/* The charset of a CFF table in memory: gid → CID (or the SID of a name-keyed font) for its
 * first `count` glyphs into map. Returns the number of glyphs the CFF has, 0 when it is
 * corrupt. *cid_keyed says whether it has a ROS (name-keyed: map[g] = g). */
size_t nb_cff_charset(const unsigned char *cff, size_t len, uint16_t *map, size_t count,
                      int *cid_keyed);

/* The charstring of glyph gid (its bytes and *out_len), or NULL when the CFF is corrupt or
 * has no such glyph. A glyph that draws nothing is an `endchar`, one to four bytes. */
const unsigned char *nb_cff_charstring(const unsigned char *cff, size_t len, unsigned gid,
                                       size_t *out_len);

#endif
