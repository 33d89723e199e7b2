/* Fonts with CFF outlines (OpenType .otf, and faces of .otc/.ttc collections), subset for
 * embedding as the FontFile3 (/Subtype /CIDFontType0C) of a CIDFontType0. The subsetting
 * is HarfBuzz's (hb-subset); this module prepares each face once, asks for the glyphs a PDF
 * draws, and reads the subset's charset, so that the PDF's codes are the CIDs the subset
 * font knows its glyphs by. Part of the painter's stage. */
#ifndef NB_CFF_H
#define NB_CFF_H

#include <stddef.h>
#include <stdint.h>

typedef struct NbCff NbCff;

/* Open face `index` of a font file in memory (data must outlive the result) for
 * subsetting, as often as wanted. NULL with *err (allocated) when it has no CFF table. */
NbCff *nb_cff_open(const unsigned char *data, size_t len, unsigned index, char **err);
void nb_cff_close(NbCff *c);

typedef struct {
    unsigned char *data;  /* the subset's bare CFF table */
    size_t len;
    uint16_t *cids;       /* for each glyph asked for, in that order: its CID in the subset */
    size_t n;
    int cid_keyed;        /* the CFF has a ROS (else the CIDs are glyph indexes) */
} NbCffSubset;

/* Subset to the glyphs gids[0..n) (glyph 0 is kept in any case). 1 on success; 0 with
 * *err (allocated) and *out zeroed when HarfBuzz fails or its output cannot be read. */
int nb_cff_subset(NbCff *c, const uint16_t *gids, size_t n, NbCffSubset *out, char **err);
void nb_cff_subset_free(NbCffSubset *s);

#endif
