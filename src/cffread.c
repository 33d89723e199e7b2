#include "cffread.h"

#include <string.h>


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

const unsigned char *nb_cff_charstring(const unsigned char *cff, size_t len, unsigned gid,
                                       size_t *out_len)
{
    S_Buf b = {cff, len};
    if (len < 4 || cff[0] != 1) return NULL;
    size_t pos = cff[2], n, at = 0, dlen = 0;
    int keyed;
    if (!S_index(b, &pos, (unsigned)-1, &n, &at, &dlen)) return NULL; /* Name INDEX */
    if (!S_index(b, &pos, 0, &n, &at, &dlen) || n < 1) return NULL;   /* Top DICT INDEX */
    size_t charset, charstrings;
    if (!S_top_dict(b, at, dlen, &charset, &charstrings, &keyed) || !charstrings) return NULL;
    size_t cs = charstrings, glyphs;
    if (!S_index(b, &cs, gid, &glyphs, &at, &dlen) || gid >= glyphs) return NULL;
    *out_len = dlen;
    return cff + at;
}
