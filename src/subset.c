#include "subset.h"

#include "cffread.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A table: where it is in the file and how long it is (both checked against the file). */
typedef struct {
    const unsigned char *p;
    size_t len;
} S_Tab;

struct NbSfnt {
    const unsigned char *data; /* the whole file */
    size_t len;
    const unsigned char *dir; /* this face's table directory */
    unsigned ntables;
    S_Tab head, hhea, maxp, hmtx, loca, glyf, os2, post, name, cvt, fpgm, prep, cff;
    int is_cff; /* OpenType with CFF outlines ('OTTO'): no loca or glyf, a 'CFF ' table */
    const unsigned char *cmap; /* the chosen Unicode subtable (NULL: none) */
    size_t cmap_len;           /* bytes from it to the end of the cmap table */
    int cmap_format;           /* 4 or 12 */
    unsigned upem, nglyphs, nhm;
    int loca_long;
    size_t maxp_copy; /* bytes of maxp the subset keeps: 32 (version 1.0) or 6 */
    char *ps_name;
};

static unsigned S_u16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static int S_i16(const unsigned char *p) { return (int16_t)(uint16_t)S_u16(p); }
static uint32_t S_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void S_put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v; }
static void S_put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}


/* Look a table up: 1 found, 0 absent, -1 it lies outside the file (error set). */
static int S_find(const NbSfnt *f, const char *tag, S_Tab *t, char **err)
{
    t->p = NULL, t->len = 0;
    for (unsigned i = 0; i < f->ntables; i++) {
        const unsigned char *r = f->dir + 12 + 16 * (size_t)i;
        if (memcmp(r, tag, 4) != 0) continue;
        uint32_t off = S_u32(r + 8), len = S_u32(r + 12);
        if ((uint64_t)off + len > f->len) {
            nb_fail(err, "the '%.4s' table lies outside the file (corrupt or truncated font)", tag);
            return -1;
        }
        t->p = f->data + off, t->len = len;
        return 1;
    }
    return 0;
}

/* Is the cmap subtable at t (avail bytes to the end of the cmap) whole? */
static int S_cmap_valid(const unsigned char *t, size_t avail, unsigned fmt)
{
    if (fmt == 4) {
        if (avail < 16) return 0;
        size_t segx2 = S_u16(t + 6);
        return segx2 && !(segx2 & 1) && 16 + 4 * segx2 <= avail;
    }
    if (fmt == 12) {
        if (avail < 16) return 0;
        return S_u32(t + 12) <= (avail - 16) / 12;
    }
    return 0;
}

/* Choose the best Unicode subtable: format 12 over format 4; (3,1)/(0,*) over (3,0). */
static void S_pick_cmap(NbSfnt *f, S_Tab cmap)
{
    if (!cmap.p || cmap.len < 4) return;
    unsigned n = S_u16(cmap.p + 2);
    int best = 0;
    for (unsigned i = 0; i < n && 4 + 8 * (size_t)i + 8 <= cmap.len; i++) {
        const unsigned char *r = cmap.p + 4 + 8 * (size_t)i;
        unsigned pid = S_u16(r), eid = S_u16(r + 2);
        uint32_t so = S_u32(r + 4);
        if (so > cmap.len || cmap.len - so < 4) continue;
        unsigned fmt = S_u16(cmap.p + so);
        int score = 0;
        if (fmt == 12 && (pid == 0 || (pid == 3 && eid == 10))) score = 4;
        else if (fmt == 4 && (pid == 0 || (pid == 3 && eid == 1))) score = 3;
        else if (fmt == 4 && pid == 3 && eid == 0) score = 1;
        if (score > best && S_cmap_valid(cmap.p + so, cmap.len - so, fmt)) {
            best = score;
            f->cmap = cmap.p + so, f->cmap_len = cmap.len - so, f->cmap_format = (int)fmt;
        }
    }
}

/* Append the PDF-name-safe ASCII characters of a name record to out (at most 63). */
static void S_sanitize_add(char *out, size_t *k, unsigned c)
{
    if (*k >= 63 || c < 0x21 || c > 0x7E || strchr("()<>[]{}/%#", (int)c)) return;
    out[(*k)++] = (char)c;
}

/* A name string by ID, decoded and sanitized; "" if none (out holds 64 bytes). */
static void S_name(const NbSfnt *f, unsigned id, char *out)
{
    out[0] = 0;
    const S_Tab *t = &f->name;
    if (!t->p || t->len < 6) return;
    unsigned count = S_u16(t->p + 2), stroff = S_u16(t->p + 4);
    int best = 0;
    for (unsigned i = 0; i < count && 6 + 12 * (size_t)i + 12 <= t->len; i++) {
        const unsigned char *r = t->p + 6 + 12 * (size_t)i;
        unsigned pid = S_u16(r), eid = S_u16(r + 2), lang = S_u16(r + 4);
        if (S_u16(r + 6) != id) continue;
        int score = pid == 3 && eid == 1 && lang == 0x409 ? 4 : pid == 3 || pid == 0 ? 3
                    : pid == 1 && eid == 0                ? 2
                                                          : 0;
        if (score <= best) continue;
        size_t len = S_u16(r + 8), off = (size_t)stroff + S_u16(r + 10);
        if (off > t->len || t->len - off < len) continue;
        const unsigned char *s = t->p + off;
        char buf[64];
        size_t k = 0;
        if (pid == 1)
            for (size_t j = 0; j < len; j++) S_sanitize_add(buf, &k, s[j]);
        else
            for (size_t j = 0; j + 1 < len; j += 2) S_sanitize_add(buf, &k, S_u16(s + j));
        if (!k) continue;
        buf[k] = 0;
        memcpy(out, buf, k + 1);
        best = score;
    }
}

int nb_sfnt_face_offset(const unsigned char *data, size_t len, unsigned index, size_t *offset)
{
    if (!data || len < 12) return 0;
    if (memcmp(data, "ttcf", 4) != 0) {
        if (index) return 0;
        *offset = 0;
        return 1;
    }
    uint32_t nf = S_u32(data + 8);
    if (index >= nf || 12 + 4 * (uint64_t)index + 4 > len) return 0;
    uint32_t off = S_u32(data + 12 + 4 * (size_t)index);
    if (off > len - 12) return 0;
    *offset = off;
    return 1;
}

/* The header of a face: a TrueType or OpenType table directory that is whole; its table
 * count, or -1 with an error. */
static int S_header(const unsigned char *data, size_t len, size_t face_offset, char **err)
{
    if (!data || face_offset > len || len - face_offset < 12)
        return nb_fail(err, "not a TrueType or OpenType font: too short") - 1;
    const unsigned char *d = data + face_offset;
    if (!memcmp(d, "ttcf", 4))
        return nb_fail(err, "a font collection: open one of its faces at its own offset") - 1;
    if (S_u32(d) != 0x00010000 && memcmp(d, "true", 4) != 0 && memcmp(d, "OTTO", 4) != 0)
        return nb_fail(err, "not a TrueType or OpenType font") - 1;
    unsigned nt = S_u16(d + 4);
    if ((len - face_offset - 12) / 16 < nt) return nb_fail(err, "the table directory is truncated") - 1;
    return (int)nt;
}

/* Find every table the reader and the subsetter use; the first six must be there and hold
 * at least their fixed part (for CFF outlines: the first four, and 'CFF '). */
static int S_tables(NbSfnt *f, char **err)
{
    f->is_cff = !memcmp(f->dir, "OTTO", 4);
    struct {
        const char *tag;
        S_Tab *t;
        size_t min; /* the shortest a required table may be */
    } want[] = {{"head", &f->head, 54}, {"hhea", &f->hhea, 36}, {"maxp", &f->maxp, 6},
                {"hmtx", &f->hmtx, 4},  {"loca", &f->loca, 4},  {"glyf", &f->glyf, 0},
                {"OS/2", &f->os2, 0},   {"post", &f->post, 0},  {"name", &f->name, 0},
                {"cvt ", &f->cvt, 0},   {"fpgm", &f->fpgm, 0},  {"prep", &f->prep, 0},
                {"CFF ", &f->cff, 4}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        int r = S_find(f, want[i].tag, want[i].t, err);
        if (r < 0) return 0;
        /* glyf may be empty, if every glyph is */
        int required = f->is_cff ? i < 4 || want[i].t == &f->cff : i < 6;
        if (!required || (r && want[i].t->len >= want[i].min)) continue;
        if (r) return nb_fail(err, "the '%s' table is truncated", want[i].tag);
        if (!strcmp(want[i].tag, "glyf") || !strcmp(want[i].tag, "loca"))
            return nb_fail(err, "no '%s' table (not TrueType outlines)", want[i].tag);
        return nb_fail(err, "no '%s' table", want[i].tag);
    }
    return 1;
}

/* The counts and formats of head, maxp and hhea, and that hmtx and loca hold them. */
static int S_counts(NbSfnt *f, char **err)
{
    f->upem = S_u16(f->head.p + 18);
    if (!f->upem) return nb_fail(err, "unitsPerEm is 0");
    int locfmt = S_i16(f->head.p + 50);
    if (!f->is_cff && locfmt != 0 && locfmt != 1)
        return nb_fail(err, "bad indexToLocFormat %d", locfmt);
    f->loca_long = locfmt == 1;
    f->nglyphs = S_u16(f->maxp.p + 4);
    if (!f->nglyphs) return nb_fail(err, "the font has no glyphs");
    if (S_u32(f->maxp.p) == 0x00010000) {
        if (f->maxp.len < 32) return nb_fail(err, "the 'maxp' table is truncated");
        f->maxp_copy = 32;
    } else f->maxp_copy = 6;
    f->nhm = S_u16(f->hhea.p + 34);
    if (!f->nhm) return nb_fail(err, "numberOfHMetrics is 0");
    if (f->nhm > f->nglyphs) f->nhm = f->nglyphs;
    if (f->hmtx.len / 4 < f->nhm) return nb_fail(err, "the 'hmtx' table is truncated");
    if (!f->is_cff && f->loca.len / (f->loca_long ? 4 : 2) < (size_t)f->nglyphs + 1)
        return nb_fail(err, "the 'loca' table is truncated");
    return 1;
}

/* The PostScript name, else the typographic or the family name, else one made from the
 * face's own head table (a family named in CJK only). */
static char *S_ps_name(const NbSfnt *f)
{
    char name[64];
    S_name(f, 6, name);
    if (!name[0]) S_name(f, 16, name);
    if (!name[0]) S_name(f, 1, name);
    if (!name[0]) {
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < 54; i++) h = (h ^ f->head.p[i]) * 16777619u;
        snprintf(name, sizeof name, "TrueType-%08X", (unsigned)h);
    }
    return nb_xstrdup(name);
}

NbSfnt *nb_sfnt_open(const unsigned char *data, size_t len, size_t face_offset, char **err)
{
    if (err) *err = NULL;
    int nt = S_header(data, len, face_offset, err);
    if (nt < 0) return NULL;
    NbSfnt *f = nb_xcalloc(1, sizeof *f);
    f->data = data, f->len = len, f->dir = data + face_offset, f->ntables = (unsigned)nt;
    S_Tab cmap;
    if (!S_tables(f, err) || !S_counts(f, err) || S_find(f, "cmap", &cmap, err) < 0) {
        free(f);
        return NULL;
    }
    S_pick_cmap(f, cmap);
    f->ps_name = S_ps_name(f);
    return f;
}

void nb_sfnt_close(NbSfnt *f)
{
    if (!f) return;
    free(f->ps_name);
    free(f);
}

unsigned nb_sfnt_units_per_em(const NbSfnt *f) { return f->upem; }
unsigned nb_sfnt_num_glyphs(const NbSfnt *f) { return f->nglyphs; }
const char *nb_sfnt_ps_name(const NbSfnt *f) { return f->ps_name; }

unsigned nb_sfnt_glyph(const NbSfnt *f, uint32_t cp)
{
    const unsigned char *t = f->cmap;
    uint64_t gid = 0;
    if (!t) return 0;
    if (f->cmap_format == 12) {
        uint32_t lo = 0, hi = S_u32(t + 12);
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            const unsigned char *g = t + 16 + 12 * (size_t)mid;
            uint32_t a = S_u32(g), b = S_u32(g + 4);
            if (cp < a) hi = mid;
            else if (cp > b) lo = mid + 1;
            else {
                gid = (uint64_t)S_u32(g + 8) + (cp - a);
                break;
            }
        }
    } else {
        if (cp > 0xFFFF) return 0;
        size_t segx2 = S_u16(t + 6), segs = segx2 / 2;
        const unsigned char *ends = t + 14, *starts = ends + segx2 + 2, *deltas = starts + segx2,
                            *ranges = deltas + segx2;
        size_t lo = 0, hi = segs;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (S_u16(ends + 2 * mid) < cp) lo = mid + 1;
            else hi = mid;
        }
        if (lo >= segs) return 0;
        unsigned start = S_u16(starts + 2 * lo);
        if (cp < start || cp > S_u16(ends + 2 * lo)) return 0;
        unsigned delta = S_u16(deltas + 2 * lo), range = S_u16(ranges + 2 * lo);
        if (!range) gid = (cp + delta) & 0xFFFF;
        else {
            size_t pos = (size_t)(ranges - t) + 2 * lo + range + 2 * (size_t)(cp - start);
            if (pos > f->cmap_len || f->cmap_len - pos < 2) return 0;
            unsigned g = S_u16(t + pos);
            gid = g ? (g + delta) & 0xFFFF : 0;
        }
    }
    return gid < f->nglyphs ? (unsigned)gid : 0;
}

unsigned nb_sfnt_advance(const NbSfnt *f, unsigned gid)
{
    if (gid >= f->nglyphs) return 0;
    return S_u16(f->hmtx.p + 4 * (size_t)(gid < f->nhm ? gid : f->nhm - 1));
}

/* The left side bearing of a glyph (0 if a short hmtx leaves it out). */
static unsigned S_lsb(const NbSfnt *f, unsigned gid)
{
    if (gid < f->nhm) return S_u16(f->hmtx.p + 4 * (size_t)gid + 2);
    size_t pos = 4 * (size_t)f->nhm + 2 * (size_t)(gid - f->nhm);
    return pos + 2 <= f->hmtx.len ? S_u16(f->hmtx.p + pos) : 0;
}

/* The glyf range of a glyph (gid < nglyphs); 0 if its loca entry is corrupt. */
static int S_range(const NbSfnt *f, unsigned gid, size_t *a, size_t *b)
{
    if (f->loca_long) {
        *a = S_u32(f->loca.p + 4 * (size_t)gid), *b = S_u32(f->loca.p + 4 * (size_t)gid + 4);
    } else {
        *a = 2 * (size_t)S_u16(f->loca.p + 2 * (size_t)gid);
        *b = 2 * (size_t)S_u16(f->loca.p + 2 * (size_t)gid + 2);
    }
    return *a <= *b && *b <= f->glyf.len;
}

int nb_sfnt_is_cff(const NbSfnt *f)
{
    return f->is_cff;
}

const unsigned char *nb_sfnt_glyph_data(const NbSfnt *f, unsigned gid, size_t *len)
{
    if (f->is_cff) return gid < f->nglyphs ? nb_cff_charstring(f->cff.p, f->cff.len, gid, len) : NULL;
    size_t a, b;
    if (gid >= f->nglyphs || !S_range(f, gid, &a, &b)) return NULL;
    *len = b - a;
    return f->glyf.p + a;
}

void nb_sfnt_metrics(const NbSfnt *f, int bbox[4], int *ascent, int *descent, int *cap_height)
{
    for (int i = 0; i < 4; i++) bbox[i] = S_i16(f->head.p + 36 + 2 * i);
    int asc = S_i16(f->hhea.p + 4), desc = S_i16(f->hhea.p + 6);
    if (!asc && !desc && f->os2.len >= 72) asc = S_i16(f->os2.p + 68), desc = S_i16(f->os2.p + 70);
    int cap = 0;
    if (f->os2.len >= 90 && S_u16(f->os2.p) >= 2) cap = S_i16(f->os2.p + 88);
    if (cap <= 0) {
        size_t len = 0;
        unsigned h = f->is_cff ? 0 : nb_sfnt_glyph(f, 'H'); /* a glyf header's yMax */
        const unsigned char *g = h ? nb_sfnt_glyph_data(f, h, &len) : NULL;
        cap = g && len >= 10 && S_i16(g + 8) > 0 ? S_i16(g + 8) : asc;
    }
    if (ascent) *ascent = asc;
    if (descent) *descent = desc;
    if (cap_height) *cap_height = cap;
}

/* ------------------------------------------------------------------------------ subset */

enum { S_ARGS_WORDS = 0x1, S_SCALE = 0x8, S_MORE = 0x20, S_XY_SCALE = 0x40, S_2X2 = 0x80 };

/* The component record at pos of a composite glyph g[0..len): its glyph index (at pos + 2)
 * and where the next record starts (0 if this is the last). 0 if truncated. */
static int S_component(const unsigned char *g, size_t len, size_t pos, unsigned *gid, size_t *next)
{
    if (pos > len || len - pos < 4) return 0;
    unsigned fl = S_u16(g + pos);
    size_t size = 4 + ((fl & S_ARGS_WORDS) ? 4 : 2) +
                  ((fl & S_SCALE) ? 2 : (fl & S_XY_SCALE) ? 4 : (fl & S_2X2) ? 8 : 0);
    if (len - pos < size) return 0;
    *gid = S_u16(g + pos + 2);
    *next = (fl & S_MORE) ? pos + size : 0;
    return 1;
}

static int S_is_composite(const unsigned char *g, size_t len) { return len >= 10 && S_i16(g) < 0; }

/* The sfnt checksum: the sum of big-endian 32-bit words (len a multiple of 4). Besides
 * copying, it is most of the work of a subset, so on little-endian machines it sums 8 bytes
 * at a time in 16-bit byte lanes, folded before they can carry into each other. */
static uint32_t S_checksum(const unsigned char *p, size_t len)
{
    uint32_t sum = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t lane[4] = {0, 0, 0, 0}; /* sums of the bytes at 4i, 4i+1, 4i+2, 4i+3 */
    const uint64_t m = 0x00FF00FF00FF00FFu;
    while (len >= 8) {
        size_t k = len / 8 < 256 ? len / 8 : 256; /* a 16-bit lane holds 256 * 255 */
        uint64_t a = 0, b = 0;
        for (size_t i = 0; i < k; i++) {
            uint64_t x;
            memcpy(&x, p + 8 * i, 8);
            a += x & m, b += (x >> 8) & m;
        }
        lane[0] += (a & 0xFFFF) + (a >> 32 & 0xFFFF), lane[2] += (a >> 16 & 0xFFFF) + (a >> 48);
        lane[1] += (b & 0xFFFF) + (b >> 32 & 0xFFFF), lane[3] += (b >> 16 & 0xFFFF) + (b >> 48);
        p += 8 * k, len -= 8 * k;
    }
    sum = (uint32_t)((lane[0] << 24) + (lane[1] << 16) + (lane[2] << 8) + lane[3]);
#endif
    for (size_t i = 0; i + 4 <= len; i += 4) sum += S_u32(p + i);
    return sum;
}

/* Sort n glyph ids ascending (radix, two passes of a byte; tmp holds n). */
static void S_sort(uint16_t *a, size_t n, uint16_t *tmp)
{
    for (int shift = 0; shift <= 8; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++) count[((a[i] >> shift) & 0xFF) + 1]++;
        for (int b = 0; b < 256; b++) count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++) tmp[count[(a[i] >> shift) & 0xFF]++] = a[i];
        memcpy(a, tmp, n * sizeof *a);
    }
}

enum { S_LISTED = 1, S_ON_STACK = 2, S_DONE = 4 };

typedef struct {
    uint16_t gid;
    size_t pos; /* next component record; 0: not started; SIZE_MAX: all read */
} S_Frame;

/* A glyph's bytes in glyf: 0 with an error when loca points outside glyf or the glyph is
 * shorter than its header. */
static int S_glyph_bytes(const NbSfnt *f, unsigned gid, const unsigned char **g, size_t *len,
                         char **err)
{
    size_t a, b;
    if (!S_range(f, gid, &a, &b))
        return nb_fail(err, "glyph %u: its 'loca' entry points outside 'glyf'", gid);
    *g = f->glyf.p + a;
    *len = b - a;
    if (*len && *len < 10) return nb_fail(err, "glyph %u is truncated", gid);
    return 1;
}

/* List every component of the composites among list[0..*count), depth first, appending
 * the ones not yet listed. Errors on corrupt glyphs, bad component ids and cycles. */
static int S_close(const NbSfnt *f, uint16_t *list, size_t *count, uint8_t *state, char **err)
{
    S_Frame *stack = NULL;
    size_t sp = 0, cap = 0, roots = *count;
    int ok = 0;
    for (size_t r = 0; r < roots; r++) {
        if (state[list[r]] & S_DONE) continue;
        nb_grow(&stack, &cap, 1, sizeof *stack);
        stack[sp++] = (S_Frame){list[r], 0};
        state[list[r]] |= S_ON_STACK;
        while (sp) {
            S_Frame *top = &stack[sp - 1];
            const unsigned char *g = NULL;
            size_t len = 0;
            if (!S_glyph_bytes(f, top->gid, &g, &len, err)) goto out;
            if (!S_is_composite(g, len) || top->pos == SIZE_MAX) {
                state[top->gid] = (uint8_t)((state[top->gid] & ~S_ON_STACK) | S_DONE);
                sp--;
                continue;
            }
            unsigned c;
            size_t next;
            if (!S_component(g, len, top->pos ? top->pos : 10, &c, &next)) {
                nb_fail(err, "composite glyph %u is truncated", (unsigned)top->gid);
                goto out;
            }
            top->pos = next ? next : SIZE_MAX;
            if (c >= f->nglyphs) {
                nb_fail(err, "composite glyph %u uses glyph %u, past the last (%u)",
                       (unsigned)top->gid, c, f->nglyphs - 1);
                goto out;
            }
            if (state[c] & S_ON_STACK) {
                nb_fail(err, "composite glyph %u contains itself (through glyph %u)", c,
                       (unsigned)top->gid);
                goto out;
            }
            if (!(state[c] & S_LISTED)) {
                state[c] |= S_LISTED;
                list[(*count)++] = (uint16_t)c;
            }
            if (!(state[c] & S_DONE)) {
                nb_grow(&stack, &cap, sp + 1, sizeof *stack);
                stack[sp++] = (S_Frame){(uint16_t)c, 0};
                state[c] |= S_ON_STACK;
            }
        }
    }
    ok = 1;
out:
    free(stack);
    return ok;
}

typedef struct {
    char tag[5];
    size_t len, off;
} S_OutTab;

static int S_cmp_tag(const void *a, const void *b)
{
    return memcmp(((const S_OutTab *)a)->tag, ((const S_OutTab *)b)->tag, 4);
}

/* The glyf bytes the kept glyphs take, 4-byte aligned; 0 with an error when more than the
 * whole table could hold (in a well-formed font glyphs do not overlap: more means a
 * hostile loca). */
static int S_glyf_size(const NbSfnt *f, const uint16_t *list, size_t count, uint64_t *out,
                       char **err)
{
    uint64_t glyf_len = 0;
    for (size_t i = 0; i < count; i++) {
        size_t a, b;
        S_range(f, list[i], &a, &b); /* checked by S_close */
        glyf_len += (b - a + 3) & ~(size_t)3;
    }
    if (glyf_len > (uint64_t)f->glyf.len + 3 * (uint64_t)count || glyf_len > 0xFFFF0000u)
        return nb_fail(err, "the 'loca' table has overlapping glyphs (corrupt font)");
    *out = glyf_len;
    return 1;
}

/* The subset's tables in file order (as recommended for TrueType), with their offsets;
 * the file's size, or 0 with an error when it would be too large. */
static size_t S_plan(const NbSfnt *f, size_t count, uint64_t glyf_len, S_OutTab t[10], size_t *nt,
                     char **err)
{
    *nt = 0;
#define S_ADD(tg, l) (memcpy(t[*nt].tag, tg, 5), t[*nt].len = (l), (*nt)++)
    S_ADD("head", 54);
    S_ADD("hhea", 36);
    S_ADD("maxp", f->maxp_copy);
    S_ADD("hmtx", 4 * count);
    if (f->fpgm.p) S_ADD("fpgm", f->fpgm.len);
    if (f->prep.p) S_ADD("prep", f->prep.len);
    if (f->cvt.p) S_ADD("cvt ", f->cvt.len);
    S_ADD("loca", 4 * (count + 1));
    S_ADD("glyf", (size_t)glyf_len);
    S_ADD("post", 32);
#undef S_ADD
    uint64_t end = 12 + 16 * *nt;
    for (size_t i = 0; i < *nt; i++) {
        t[i].off = (size_t)end;
        end += ((uint64_t)t[i].len + 3) & ~(uint64_t)3;
    }
    if (end > 0xFFFFFFF0u || end > SIZE_MAX) return nb_fail(err, "the subset would be too large");
    return (size_t)end;
}

/* loca and the glyphs of glyf (at gp), composite components renumbered by newid. */
static void S_write_glyphs(const NbSfnt *f, const uint16_t *list, size_t count,
                           const uint16_t *newid, unsigned char *loca, unsigned char *gp)
{
    size_t off = 0;
    for (size_t k = 0; k < count; k++) {
        size_t a, b;
        S_range(f, list[k], &a, &b);
        const unsigned char *g = f->glyf.p + a;
        size_t len = b - a;
        S_put32(loca + 4 * k, (uint32_t)off);
        memcpy(gp + off, g, len);
        memset(gp + off + len, 0, ((len + 3) & ~(size_t)3) - len);
        if (S_is_composite(g, len)) {
            size_t pos = 10, next;
            unsigned c;
            /* validated by S_close: every record is whole and every c was listed */
            while (S_component(g, len, pos, &c, &next)) {
                S_put16(gp + off + pos + 2, newid[c]);
                if (!next) break;
                pos = next;
            }
        }
        off += (len + 3) & ~(size_t)3;
    }
    S_put32(loca + 4 * count, (uint32_t)off);
}

/* One table's bytes at p (glyf is written with loca, which precedes it). */
static void S_write_table(const NbSfnt *f, const S_OutTab *t, unsigned char *buf,
                          const uint16_t *list, size_t count, const uint16_t *newid)
{
    unsigned char *p = buf + t->off;
    const char *tag = t->tag;
    memset(p + t->len, 0, ((t->len + 3) & ~(size_t)3) - t->len);
    if (!strcmp(tag, "head")) {
        memcpy(p, f->head.p, 54);
        S_put32(p + 8, 0);
        S_put16(p + 50, 1);
    } else if (!strcmp(tag, "hhea")) {
        memcpy(p, f->hhea.p, 36);
        S_put16(p + 34, (unsigned)count);
    } else if (!strcmp(tag, "maxp")) {
        memcpy(p, f->maxp.p, f->maxp_copy);
        S_put16(p + 4, (unsigned)count);
    } else if (!strcmp(tag, "hmtx")) {
        for (size_t k = 0; k < count; k++) {
            S_put16(p + 4 * k, nb_sfnt_advance(f, list[k]));
            S_put16(p + 4 * k + 2, S_lsb(f, list[k]));
        }
    } else if (!strcmp(tag, "fpgm")) memcpy(p, f->fpgm.p, f->fpgm.len);
    else if (!strcmp(tag, "prep")) memcpy(p, f->prep.p, f->prep.len);
    else if (!strcmp(tag, "cvt ")) memcpy(p, f->cvt.p, f->cvt.len);
    else if (!strcmp(tag, "loca")) S_write_glyphs(f, list, count, newid, p, buf + t[1].off);
    else if (!strcmp(tag, "post")) {
        memset(p, 0, 32);
        S_put32(p, 0x00030000);
        if (f->post.len >= 16) memcpy(p + 4, f->post.p + 4, 12); /* angle, underline, fixed */
    }
}

/* The table directory, sorted by tag, with every table's checksum, and head's
 * checkSumAdjustment over the whole file. */
static void S_directory(unsigned char *buf, S_OutTab *t, size_t nt)
{
    unsigned char *head = NULL;
    for (size_t i = 0; i < nt; i++)
        if (!strcmp(t[i].tag, "head")) head = buf + t[i].off;
    qsort(t, nt, sizeof *t, S_cmp_tag);
    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= nt) pow2 *= 2, log2++;
    S_put32(buf, 0x00010000);
    S_put16(buf + 4, (unsigned)nt);
    S_put16(buf + 6, pow2 * 16);
    S_put16(buf + 8, log2);
    S_put16(buf + 10, (unsigned)nt * 16 - pow2 * 16);
    uint32_t sum = 0; /* of the whole file: the directory's and every (padded) table's */
    for (size_t i = 0; i < nt; i++) {
        unsigned char *r = buf + 12 + 16 * i;
        uint32_t cs = S_checksum(buf + t[i].off, (t[i].len + 3) & ~(size_t)3);
        memcpy(r, t[i].tag, 4);
        S_put32(r + 4, cs);
        S_put32(r + 8, (uint32_t)t[i].off);
        S_put32(r + 12, (uint32_t)t[i].len);
        sum += cs;
    }
    sum += S_checksum(buf, 12 + 16 * nt);
    S_put32(head + 8, 0xB1B0AFBAu - sum);
}

int nb_subset(const NbSfnt *f, const uint16_t *gids, size_t n, NbSubset *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (err) *err = NULL;
    if (f->is_cff) return nb_fail(err, "CFF outlines are subset by cff.c, not as TrueType");
    unsigned ng = f->nglyphs;
    for (size_t i = 0; i < n; i++)
        if (gids[i] >= ng) return nb_fail(err, "glyph %u does not exist (the font has %u)", gids[i], ng);

    uint8_t *state = nb_xcalloc(ng, 1);
    uint16_t *list = nb_xmalloc(ng * sizeof *list), *newid = nb_xmalloc(ng * sizeof *newid);
    size_t count = 0, nt = 0, total = 0;
    list[count++] = 0, state[0] = S_LISTED;
    for (size_t i = 0; i < n; i++)
        if (!(state[gids[i]] & S_LISTED)) state[gids[i]] |= S_LISTED, list[count++] = gids[i];
    S_sort(list + 1, count - 1, newid); /* newid: scratch until filled below */
    uint64_t glyf_len = 0;
    S_OutTab t[10];
    int ok = S_close(f, list, &count, state, err) && S_glyf_size(f, list, count, &glyf_len, err) &&
             (total = S_plan(f, count, glyf_len, t, &nt, err)) > 0;
    free(state);
    if (!ok) {
        free(list);
        free(newid);
        return 0;
    }
    for (size_t i = 0; i < count; i++) newid[list[i]] = (uint16_t)i;
    unsigned char *buf = nb_xmalloc(total); /* every byte is written below, padding included */
    for (size_t i = 0; i < nt; i++) S_write_table(f, &t[i], buf, list, count, newid);
    S_directory(buf, t, nt);
    free(newid);
    out->data = buf, out->len = total;
    out->old_gids = nb_xrealloc(list, count * sizeof *list), out->count = count;
    return 1;
}

void nb_subset_free(NbSubset *s)
{
    if (!s) return;
    free(s->data);
    free(s->old_gids);
    memset(s, 0, sizeof *s);
}
