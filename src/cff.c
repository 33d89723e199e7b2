#include "cff.h"

#include <hb-subset.h>
#include <hb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cffread.h"
#include "cffsub.h"
#include "util.h"

/* HarfBuzz's hb_subset_preprocess is not used: it makes one subset of a large CJK face
 * about 15 times faster, but costs 240 ms and 100 MB a face, and a report's subsets are
 * small (a title's 30 glyphs, a body's 600). Measured on 100 different reports, one worker:
 * 45.7 ms a report and 554 MB with it (from a face's eighth subset on), 38.2 ms and 39 MB
 * without. */
struct NbCff {
    hb_face_t *face;
    hb_blob_t *cff;  /* its CFF table, for our own subsetter (cffsub.c) */
    NbCffGlyphs *kept; /* the glyphs it flattened so far */
};

/* Tables a CFF subset for a PDF does not need: dropped before HarfBuzz subsets them (the
 * layout tables also keep it from adding glyphs by GSUB closure). */
static const hb_tag_t S_drop[] = {
    HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
    HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('v', 'h', 'e', 'a'),
    HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'), HB_TAG('n', 'a', 'm', 'e'),
    HB_TAG('p', 'o', 's', 't'), HB_TAG('k', 'e', 'r', 'n'), HB_TAG('D', 'S', 'I', 'G'),
    HB_TAG('m', 'e', 't', 'a'), HB_TAG('O', 'S', '/', '2'), HB_TAG('c', 'm', 'a', 'p'),
};


NbCff *nb_cff_open(const unsigned char *data, size_t len, unsigned index, char **err)
{
    if (err) *err = NULL;
    if (len > 0x7FFFFFFFu) return nb_fail(err, "the font file is too large"), NULL;
    hb_blob_t *blob = hb_blob_create_or_fail((const char *)data, (unsigned)len,
                                             HB_MEMORY_MODE_READONLY, NULL, NULL);
    if (!blob) return nb_fail(err, "cannot hand the font to HarfBuzz (out of memory)"), NULL;
    hb_face_t *face = hb_face_create(blob, index);
    hb_blob_destroy(blob);
    hb_blob_t *cff = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
    unsigned cff_len = hb_blob_get_length(cff);
    if (hb_face_get_glyph_count(face) == 0 || cff_len < 4) {
        hb_blob_destroy(cff);
        hb_face_destroy(face);
        return nb_fail(err, "no CFF outlines in face %u", index), NULL;
    }
    NbCff *c = nb_xcalloc(1, sizeof *c);
    c->face = face;
    c->cff = cff;
    c->kept = nb_cffsub_glyphs_new();
    return c;
}

void nb_cff_close(NbCff *c)
{
    if (!c) return;
    nb_cffsub_glyphs_free(c->kept);
    hb_blob_destroy(c->cff);
    hb_face_destroy(c->face);
    free(c);
}

/* ------------------------------------------------------------------ subsetting */

static int S_cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

/* Our own subset (cffsub.c), when the face is one it handles. */
static int S_own(NbCff *c, const uint16_t *gids, size_t n, NbCffSubset *out)
{
    unsigned len = 0;
    const unsigned char *cff = (const unsigned char *)hb_blob_get_data(c->cff, &len);
    uint16_t *set = nb_xmalloc((n ? n : 1) * sizeof *set), *cids = nb_xmalloc((n ? n : 1) * sizeof *cids);
    memcpy(set, gids, n * sizeof *set);
    qsort(set, n, sizeof *set, S_cmp_u16);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (set[i] && (!m || set[m - 1] != set[i])) set[m++] = set[i];
    NbBuf b = {0};
    int ok = nb_cffsub(cff, len, set, m, cids, &b, c->kept);
    if (ok) {
        out->data = (unsigned char *)b.s, out->len = b.len;
        out->cids = nb_xcalloc(n ? n : 1, sizeof *out->cids);
        out->n = n;
        out->cid_keyed = 1;
        for (size_t i = 0; i < n; i++) {
            const uint16_t *at = gids[i] ? bsearch(&gids[i], set, m, sizeof *set, S_cmp_u16) : NULL;
            out->cids[i] = at ? cids[at - set] : 0;
        }
    } else {
        nb_buf_free(&b);
    }
    free(set);
    free(cids);
    return ok;
}

int nb_cff_subset(NbCff *c, const uint16_t *gids, size_t n, NbCffSubset *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (err) *err = NULL;
    if (!getenv("NIANBAO_CFF_HARFBUZZ") && S_own(c, gids, n, out)) return 1;
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) return nb_fail(err, "HarfBuzz: out of memory");
    hb_set_t *glyphs = hb_subset_input_glyph_set(in);
    hb_set_add(glyphs, 0);
    for (size_t i = 0; i < n; i++) hb_set_add(glyphs, gids[i]);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof S_drop / sizeof *S_drop; i++) hb_set_add(drop, S_drop[i]);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(c->face, in);
    hb_subset_input_destroy(in);
    hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
    if (!sub) {
        hb_subset_plan_destroy(plan);
        return nb_fail(err, "HarfBuzz could not subset the CFF outlines");
    }
    const hb_map_t *to_new = hb_subset_plan_old_to_new_glyph_mapping(plan);
    hb_blob_t *blob = hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
    unsigned len = 0;
    const char *data = hb_blob_get_data(blob, &len);
    size_t count = hb_face_get_glyph_count(sub);
    uint16_t *charset = nb_xcalloc(count ? count : 1, sizeof *charset);
    int ok = len && nb_cff_charset((const unsigned char *)data, len, charset, count, &out->cid_keyed);
    if (ok) {
        out->data = nb_xmalloc(len);
        memcpy(out->data, data, len);
        out->len = len;
        out->cids = nb_xcalloc(n ? n : 1, sizeof *out->cids);
        out->n = n;
        for (size_t i = 0; i < n; i++) {
            hb_codepoint_t g = hb_map_get(to_new, gids[i]);
            out->cids[i] = g < count ? charset[g] : 0;
        }
    }
    free(charset);
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_subset_plan_destroy(plan);
    return ok ? 1 : nb_fail(err, "the CFF HarfBuzz made cannot be read back (its charset)");
}

void nb_cff_subset_free(NbCffSubset *s)
{
    if (!s) return;
    free(s->data);
    free(s->cids);
    memset(s, 0, sizeof *s);
}
