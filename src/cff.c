#include "cff.h"

#include <hb-subset.h>
#include <hb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* HarfBuzz's hb_subset_preprocess is not used: it makes one subset of a large CJK face
 * about 15 times faster, but costs 240 ms and 100 MB a face, and a report's subsets are
 * small (a title's 30 glyphs, a body's 600). Measured on 100 different reports, one worker:
 * 45.7 ms a report and 554 MB with it (from a face's eighth subset on), 38.2 ms and 39 MB
 * without. */
struct NbCff {
    hb_face_t *face;
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
    hb_blob_destroy(cff);
    if (hb_face_get_glyph_count(face) == 0 || cff_len < 4) {
        hb_face_destroy(face);
        return nb_fail(err, "no CFF outlines in face %u", index), NULL;
    }
    NbCff *c = nb_xcalloc(1, sizeof *c);
    c->face = face;
    return c;
}

void nb_cff_close(NbCff *c)
{
    if (!c) return;
    hb_face_destroy(c->face);
    free(c);
}

/* ------------------------------------------------------------------ reading the CFF */

typedef struct {
    const unsigned char *p;
    size_t len;
} S_Buf;

static unsigned S_u16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

/* An offset of `size` bytes (1–4). */
static size_t S_off(const unsigned char *p, unsigned size)
{
    size_t v = 0;
    for (unsigned i = 0; i < size; i++) v = v << 8 | p[i];
    return v;
}

/* The INDEX at *pos: its count and, for item `want`, where it lies; *pos moves past it.
 * 0 when it runs past the data. */
static int S_index(S_Buf b, size_t *pos, unsigned want, size_t *count, size_t *at, size_t *len)
{
    if (*pos + 2 > b.len) return 0;
    size_t n = S_u16(b.p + *pos);
    *count = n;
    if (n == 0) {
        *pos += 2;
        return 1;
    }
    if (*pos + 3 > b.len) return 0;
    unsigned size = b.p[*pos + 2];
    size_t offs = *pos + 3, data = offs + (n + 1) * size - 1;
    if (size < 1 || size > 4 || offs + (n + 1) * size > b.len) return 0;
    size_t last = S_off(b.p + offs + n * size, size);
    if (data + last > b.len) return 0;
    if (want < n) {
        size_t a = S_off(b.p + offs + want * size, size), e = S_off(b.p + offs + (want + 1) * size, size);
        if (a < 1 || e < a || e > last) return 0;
        *at = data + a, *len = e - a;
    }
    *pos = data + last;
    return 1;
}

/* The Top DICT's charset (15) and CharStrings (17) offsets, and whether it has a ROS
 * (12 30). 0 when an operand is malformed. */
static int S_top_dict(S_Buf b, size_t at, size_t len, size_t *charset, size_t *charstrings,
                      int *ros)
{
    long stack[48];
    int sp = 0;
    size_t i = at, end = at + len;
    *charset = 0, *charstrings = 0, *ros = 0;
    while (i < end) {
        unsigned b0 = b.p[i];
        if (b0 <= 21) { /* an operator */
            unsigned op = b0;
            if (b0 == 12) {
                if (++i >= end) return 0;
                op = 1200 + b.p[i];
            }
            if (op == 15 && sp) *charset = (size_t)stack[sp - 1];
            if (op == 17 && sp) *charstrings = (size_t)stack[sp - 1];
            if (op == 1230) *ros = 1;
            sp = 0, i++;
            continue;
        }
        long v = 0;
        if (b0 == 28 && i + 2 < end) v = (int16_t)S_u16(b.p + i + 1), i += 3;
        else if (b0 == 29 && i + 4 < end) v = (long)(int32_t)S_off(b.p + i + 1, 4), i += 5;
        else if (b0 == 30) { /* a real: nibbles up to 0xf, of no interest here */
            while (++i < end && (b.p[i] & 0x0F) != 0x0F && (b.p[i] & 0xF0) != 0xF0) continue;
            i++;
        } else if (b0 >= 32 && b0 <= 246) v = (long)b0 - 139, i++;
        else if (b0 >= 247 && b0 <= 250 && i + 1 < end) v = ((long)b0 - 247) * 256 + b.p[i + 1] + 108, i += 2;
        else if (b0 >= 251 && b0 <= 254 && i + 1 < end) v = -((long)b0 - 251) * 256 - b.p[i + 1] - 108, i += 2;
        else return 0;
        if (sp < 48) stack[sp++] = v;
    }
    return 1;
}

/* The charset at off for glyphs 1..n-1 into map (map[0] = 0). 0 when it runs past. */
static int S_charset(S_Buf b, size_t off, size_t n, uint16_t *map, size_t count)
{
    if (off >= b.len) return 0;
    unsigned format = b.p[off];
    size_t pos = off + 1, gid = 1;
    if (count) map[0] = 0;
    while (gid < n) {
        if (format == 0) {
            if (pos + 2 > b.len) return 0;
            if (gid < count) map[gid] = (uint16_t)S_u16(b.p + pos);
            pos += 2, gid++;
            continue;
        }
        if (format != 1 && format != 2) return 0;
        size_t rec = format == 1 ? 3 : 4;
        if (pos + rec > b.len) return 0;
        unsigned first = S_u16(b.p + pos);
        size_t left = format == 1 ? b.p[pos + 2] : S_u16(b.p + pos + 2);
        for (size_t k = 0; k <= left && gid < n; k++, gid++)
            if (gid < count) map[gid] = (uint16_t)(first + k);
        pos += rec;
    }
    return 1;
}

size_t nb_cff_charset(const unsigned char *cff, size_t len, uint16_t *map, size_t count,
                      int *cid_keyed)
{
    S_Buf b = {cff, len};
    *cid_keyed = 0;
    if (len < 4 || cff[0] != 1) return 0;
    size_t pos = cff[2], n, at = 0, dlen = 0;
    if (!S_index(b, &pos, (unsigned)-1, &n, &at, &dlen)) return 0;     /* Name INDEX */
    if (!S_index(b, &pos, 0, &n, &at, &dlen) || n < 1) return 0;       /* Top DICT INDEX */
    size_t charset, charstrings;
    if (!S_top_dict(b, at, dlen, &charset, &charstrings, cid_keyed) || !charstrings) return 0;
    size_t cs = charstrings, glyphs;
    if (!S_index(b, &cs, (unsigned)-1, &glyphs, &at, &dlen) || glyphs == 0) return 0;
    if (!*cid_keyed || charset <= 2) { /* name-keyed: the PDF's CID is the glyph index */
        for (size_t g = 0; g < count && g < glyphs; g++) map[g] = (uint16_t)g;
        return glyphs;
    }
    return S_charset(b, charset, glyphs, map, count) ? glyphs : 0;
}

/* ------------------------------------------------------------------ subsetting */

int nb_cff_subset(NbCff *c, const uint16_t *gids, size_t n, NbCffSubset *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (err) *err = NULL;
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
