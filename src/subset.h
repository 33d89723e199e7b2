/* A reader for TrueType and OpenType fonts held in memory (cmap, metrics, names; glyf
 * outlines or CFF ones), and a glyph subsetter for TrueType outlines that writes the small
 * TrueType program a PDF embeds as FontFile2 of a CIDFontType2 (CFF: cff.c).
 *
 * Every read is bounds-checked: corrupt or truncated data gives an error, never a crash.
 * nb_sfnt_open does no work proportional to the number of glyphs; nb_subset works in
 * time proportional to the glyphs kept (plus copying them). An NbSfnt is read-only after
 * nb_sfnt_open, so any number of threads may use one at once. */
#ifndef NB_SUBSET_H
#define NB_SUBSET_H

#include <stddef.h>
#include <stdint.h>

/* A TrueType font in memory (a .ttf, or one face of a .ttc at face_offset: the offset of
 * its table directory). The data is not copied: it must outlive the NbSfnt.
 * On failure returns NULL and, if err is not NULL, sets *err to a message the caller
 * frees (likewise for every char **err below). */
typedef struct NbSfnt NbSfnt;
NbSfnt *nb_sfnt_open(const unsigned char *data, size_t len, size_t face_offset, char **err);
void nb_sfnt_close(NbSfnt *f);

/* The table-directory offset of face `index` of a file: 0 for a plain .ttf/.otf (index
 * must be 0), read from the header for a .ttc. 1 on success, 0 if there is no such face. */
int nb_sfnt_face_offset(const unsigned char *data, size_t len, unsigned index, size_t *offset);

/* OpenType with CFF outlines ('OTTO'): metrics and cmap as for TrueType; its glyphs are
 * subset by cff.c (nb_subset and nb_sfnt_glyph_data refuse them). */
int nb_sfnt_is_cff(const NbSfnt *f);
unsigned nb_sfnt_units_per_em(const NbSfnt *f);
unsigned nb_sfnt_num_glyphs(const NbSfnt *f);
unsigned nb_sfnt_glyph(const NbSfnt *f, uint32_t cp);  /* cmap (format 4 and 12); 0 if none */
unsigned nb_sfnt_advance(const NbSfnt *f, unsigned gid); /* font units, from hmtx; 0 if no such glyph */
/* Font-wide metrics in font units, for the PDF FontDescriptor: bbox from head, ascent and
 * descent from hhea (OS/2 typo values if hhea has none), cap height from OS/2 (version 2+)
 * or else the top of 'H', or else the ascent. */
void nb_sfnt_metrics(const NbSfnt *f, int bbox[4], int *ascent, int *descent, int *cap_height);
/* The PostScript name (name table ID 6), sanitized to PDF name characters, or a name made
 * from the family; never empty. Returned string is owned by f. */
const char *nb_sfnt_ps_name(const NbSfnt *f);
/* The raw glyf bytes of a glyph (length from loca; 0 for an empty glyph), or for CFF
 * outlines its charstring (an empty glyph: an endchar of a few bytes). NULL if gid is out
 * of range or the font's data is corrupt. */
const unsigned char *nb_sfnt_glyph_data(const NbSfnt *f, unsigned gid, size_t *len);

/* Subset: `gids` lists the glyphs wanted (need not include 0; duplicates allowed). The
 * result keeps glyph 0 (.notdef) first, then the wanted glyphs in ascending old-gid order,
 * then every component of a composite glyph (recursively, any nesting depth, any gid up to
 * 65535), renumbered densely: new gid = index in out->old_gids. The subset font contains
 * the tables a PDF FontFile2 needs: head (indexToLocFormat 1, checkSumAdjustment right),
 * hhea (numberOfHMetrics = count), maxp (numGlyphs = count), loca (long), glyf (composite
 * component indices rewritten to new gids), hmtx (one full metric per glyph), post
 * (format 3.0), and cvt, fpgm, prep copied when present; table checksums correct, tables
 * 4-byte aligned, directory sorted by tag. No cmap or name tables (not needed for a
 * CIDFontType2 with CIDToGIDMap /Identity).
 * A wanted gid >= numGlyphs, a corrupt glyph (bad loca entry, truncated composite, component
 * out of range) or a cycle of composites is an error: returns 0 with *out zeroed.
 * Returns 1 on success; free the result with nb_subset_free. */
typedef struct {
    unsigned char *data; size_t len;      /* the subset font file */
    uint16_t *old_gids; size_t count;     /* new gid -> old gid */
} NbSubset;
int nb_subset(const NbSfnt *f, const uint16_t *gids, size_t n, NbSubset *out, char **err);
void nb_subset_free(NbSubset *s);

#endif
