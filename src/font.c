#include "font.h"

#include <fcntl.h>
#include <fontconfig/fontconfig.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    NbFaceInfo info;
    const unsigned char *sfnt; /* this face's offset table */
    const unsigned char *cmap; /* the chosen cmap subtable */
    int cmap_format;
    unsigned upem, nhm, nglyphs;
    const unsigned char *hmtx, *loca, *glyf;
    size_t glyf_len;
    int loca_long;
} S_Face;

struct NbFonts {
    S_Face *faces;
    size_t nfaces, cap;
    int **role_faces; /* per layout role: face ids, -1 terminated */
    size_t nroles;
};

static unsigned S_u16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t S_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Find a table; returns NULL when absent or out of bounds. */
static const unsigned char *S_table(const S_Face *f, const char *tag, size_t *len)
{
    const unsigned char *base = f->info.data, *d = f->sfnt;
    size_t size = f->info.size;
    unsigned n = S_u16(d + 4);
    if ((size_t)(d - base) + 12 + 16 * (size_t)n > size) return NULL;
    for (unsigned i = 0; i < n; i++) {
        const unsigned char *r = d + 12 + 16 * i;
        if (memcmp(r, tag, 4) == 0) {
            uint32_t off = S_u32(r + 8), l = S_u32(r + 12);
            if ((uint64_t)off + l > size) return NULL;
            if (len) *len = l;
            return base + off;
        }
    }
    return NULL;
}

/* Parse the tables we need; 0 if this is not a usable TrueType face. */
static int S_face_parse(S_Face *f, const char **why)
{
    const unsigned char *d = f->info.data;
    size_t size = f->info.size;
    if (size < 12) return *why = "file too short", 0;
    uint32_t off = 0;
    if (memcmp(d, "ttcf", 4) == 0) {
        unsigned nf = (unsigned)S_u32(d + 8);
        if (f->info.index < 0 || (unsigned)f->info.index >= nf || 12 + 4 * (size_t)nf > size)
            return *why = "bad collection index", 0;
        off = S_u32(d + 12 + 4 * f->info.index);
    }
    if ((size_t)off + 12 > size) return *why = "truncated", 0;
    f->sfnt = d + off;
    f->info.sfnt_offset = off;
    if (memcmp(f->sfnt, "OTTO", 4) == 0)
        return *why = "PostScript (CFF) outlines, which libharu cannot embed", 0;
    size_t len;
    const unsigned char *head = S_table(f, "head", &len);
    if (!head || len < 54) return *why = "no head table", 0;
    f->upem = S_u16(head + 18);
    f->loca_long = S_u16(head + 50) == 1;
    const unsigned char *hhea = S_table(f, "hhea", &len);
    if (!hhea || len < 36) return *why = "no hhea table", 0;
    f->nhm = S_u16(hhea + 34);
    const unsigned char *maxp = S_table(f, "maxp", &len);
    if (!maxp || len < 6) return *why = "no maxp table", 0;
    f->nglyphs = S_u16(maxp + 4);
    f->hmtx = S_table(f, "hmtx", &len);
    if (!f->hmtx || len < 4 * (size_t)f->nhm || !f->nhm) return *why = "no hmtx table", 0;
    f->loca = S_table(f, "loca", &len);
    if (!f->loca || len < (f->loca_long ? 4u : 2u) * (f->nglyphs + 1u)) return *why = "no loca table", 0;
    f->glyf = S_table(f, "glyf", &f->glyf_len);
    if (!f->glyf) return *why = "no glyf table (not TrueType outlines)", 0;
    if (!f->upem) return *why = "unitsPerEm is 0", 0;
    size_t clen;
    const unsigned char *cmap = S_table(f, "cmap", &clen);
    if (!cmap || clen < 4) return *why = "no cmap table", 0;
    unsigned n = S_u16(cmap + 2);
    int best = 0;
    for (unsigned i = 0; i < n && 4 + 8 * (size_t)i + 8 <= clen; i++) {
        const unsigned char *r = cmap + 4 + 8 * i;
        unsigned pid = S_u16(r), eid = S_u16(r + 2);
        uint32_t so = S_u32(r + 4);
        if (so + 4 > clen) continue;
        unsigned fmt = S_u16(cmap + so);
        int score = (fmt == 12 && (pid == 3 || pid == 0)) ? 3
                    : (fmt == 4 && ((pid == 3 && eid == 1) || pid == 0)) ? 2 : 0;
        if (score > best) best = score, f->cmap = cmap + so, f->cmap_format = (int)fmt;
    }
    if (!best) return *why = "no Unicode cmap", 0;
    return 1;
}

static unsigned S_cmap_lookup(const S_Face *f, uint32_t cp)
{
    const unsigned char *t = f->cmap;
    if (f->cmap_format == 12) {
        uint32_t n = S_u32(t + 12);
        uint32_t lo = 0, hi = n;
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            const unsigned char *g = t + 16 + 12 * (size_t)mid;
            uint32_t a = S_u32(g), b = S_u32(g + 4);
            if (cp < a) hi = mid;
            else if (cp > b) lo = mid + 1;
            else return (unsigned)(S_u32(g + 8) + (cp - a));
        }
        return 0;
    }
    if (cp > 0xFFFF) return 0;
    unsigned segx2 = S_u16(t + 6), segs = segx2 / 2;
    const unsigned char *ends = t + 14, *starts = ends + segx2 + 2, *deltas = starts + segx2,
                        *ranges = deltas + segx2;
    unsigned lo = 0, hi = segs;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (S_u16(ends + 2 * mid) < cp) lo = mid + 1;
        else hi = mid;
    }
    if (lo >= segs) return 0;
    unsigned start = S_u16(starts + 2 * lo);
    if (cp < start) return 0;
    unsigned delta = S_u16(deltas + 2 * lo), range = S_u16(ranges + 2 * lo);
    if (!range) return (cp + delta) & 0xFFFF;
    const unsigned char *gp = ranges + 2 * lo + range + 2 * (cp - start);
    if (gp + 2 > f->info.data + f->info.size) return 0;
    unsigned gid = S_u16(gp);
    return gid ? (gid + delta) & 0xFFFF : 0;
}

static int S_face_load(NbFonts *fs, const char *path, int index, const char *family, const char **why)
{
    for (size_t i = 0; i < fs->nfaces; i++)
        if (strcmp(fs->faces[i].info.path, path) == 0 && fs->faces[i].info.index == index) return (int)i;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return *why = "cannot open", -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < 12) {
        close(fd);
        return *why = "cannot read", -1;
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) return *why = "cannot map", -1;
    S_Face f = {0};
    f.info.path = nb_xstrdup(path);
    f.info.index = index;
    f.info.family = nb_xstrdup(family);
    f.info.data = map;
    f.info.size = (size_t)st.st_size;
    if (!S_face_parse(&f, why)) {
        munmap(map, f.info.size);
        free(f.info.path);
        free(f.info.family);
        return -1;
    }
    nb_grow(&fs->faces, &fs->cap, fs->nfaces + 1, sizeof *fs->faces);
    fs->faces[fs->nfaces] = f;
    return (int)fs->nfaces++;
}

/* The regular face of a family, from fontconfig; -1 if not installed. */
static int S_family(NbFonts *fs, FcConfig *cfg, const char *family, NbDiag *diag, const char *layout_file)
{
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_WEIGHT, FC_SLANT, FC_FONTFORMAT, NULL);
    FcFontSet *set = FcFontList(cfg, pat, os);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    int best = -1, best_score = 1 << 30;
    for (int i = 0; set && i < set->nfont; i++) {
        FcPattern *p = set->fonts[i];
        int weight = FC_WEIGHT_REGULAR, slant = FC_SLANT_ROMAN;
        FcPatternGetInteger(p, FC_WEIGHT, 0, &weight);
        FcPatternGetInteger(p, FC_SLANT, 0, &slant);
        int score = abs(weight - FC_WEIGHT_REGULAR) + (slant != FC_SLANT_ROMAN) * 1000;
        if (score < best_score) best_score = score, best = i;
    }
    int face = -1;
    if (best >= 0) {
        FcChar8 *file = NULL;
        int index = 0;
        FcPatternGetString(set->fonts[best], FC_FILE, 0, &file);
        FcPatternGetInteger(set->fonts[best], FC_INDEX, 0, &index);
        const char *why = NULL;
        if (file) face = S_face_load(fs, (const char *)file, index, family, &why);
        if (face < 0)
            nb_diag_add(diag, NB_WARNING, (NbMark){layout_file, 0, 0},
                        "font '%s' (%s) cannot be used: %s", family, file ? (char *)file : "?",
                        why ? why : "not found");
    }
    if (set) FcFontSetDestroy(set);
    return face;
}

NbFonts *nb_fonts_open(const NbLayout *l, const char *const *dirs, size_t ndirs, NbDiag *diag)
{
    FcConfig *cfg = FcInitLoadConfigAndFonts();
    if (!cfg) {
        nb_diag_add(diag, NB_ERROR, (NbMark){"nianbao", 0, 0}, "fontconfig cannot start; is it installed?");
        return NULL;
    }
    for (size_t i = 0; i < ndirs; i++) {
        struct stat st;
        if (stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode))
            FcConfigAppFontAddDir(cfg, (const FcChar8 *)dirs[i]);
    }
    NbFonts *fs = nb_xcalloc(1, sizeof *fs);
    fs->nroles = l->nroles;
    fs->role_faces = nb_xcalloc(l->nroles, sizeof *fs->role_faces);
    int *resolved = nb_xcalloc(l->nroles, sizeof *resolved);
    /* resolve each family once */
    for (size_t r = 0; r < l->nroles; r++) {
        fs->role_faces[r] = nb_xmalloc((l->roles[r].n + 1) * sizeof(int));
        size_t k = 0;
        for (size_t j = 0; j < l->roles[r].n; j++) {
            int face = S_family(fs, cfg, l->roles[r].families[j], diag, l->file);
            int dup = 0;
            for (size_t m = 0; m < k; m++) dup |= fs->role_faces[r][m] == face;
            if (face >= 0 && !dup) fs->role_faces[r][k++] = face;
        }
        fs->role_faces[r][k] = -1;
        resolved[r] = (int)k;
    }
    FcConfigDestroy(cfg);
    int ok = 1;
    for (size_t r = 0; r < l->nroles; r++) {
        if (resolved[r] || (int)r == l->fallback_role) continue;
        if (l->fallback_role >= 0 && resolved[l->fallback_role]) {
            nb_diag_add(diag, NB_WARNING, (NbMark){l->file, 0, 0},
                        "no font of role '%s' is installed (%s, …); using the fallback fonts",
                        l->roles[r].name, l->roles[r].families[0]);
            continue;
        }
        NbBuf b = {0};
        for (size_t j = 0; j < l->roles[r].n; j++)
            nb_buf_printf(&b, "%s%s", j ? ", " : "", l->roles[r].families[j]);
        nb_diag_add(diag, NB_ERROR, (NbMark){l->file, 0, 0},
                    "no usable TrueType font for role '%s' (tried: %s); install one (see README) "
                    "or put the font file into fonts/ or a folder given with --fonts",
                    l->roles[r].name, b.s);
        nb_buf_free(&b);
        ok = 0;
    }
    free(resolved);
    if (!ok) {
        nb_fonts_free(fs);
        return NULL;
    }
    /* append the fallback faces to every role */
    if (l->fallback_role >= 0) {
        const int *fb = fs->role_faces[l->fallback_role];
        for (size_t r = 0; r < l->nroles; r++) {
            if ((int)r == l->fallback_role) continue;
            size_t k = 0, nfb = 0;
            while (fs->role_faces[r][k] >= 0) k++;
            while (fb[nfb] >= 0) nfb++;
            fs->role_faces[r] = nb_xrealloc(fs->role_faces[r], (k + nfb + 1) * sizeof(int));
            for (size_t j = 0; j < nfb; j++) {
                int dup = 0;
                for (size_t m = 0; m < k; m++) dup |= fs->role_faces[r][m] == fb[j];
                if (!dup) fs->role_faces[r][k++] = fb[j];
            }
            fs->role_faces[r][k] = -1;
        }
    }
    return fs;
}

void nb_fonts_free(NbFonts *fs)
{
    if (!fs) return;
    for (size_t i = 0; i < fs->nfaces; i++) {
        munmap((void *)fs->faces[i].info.data, fs->faces[i].info.size);
        free(fs->faces[i].info.path);
        free(fs->faces[i].info.family);
    }
    free(fs->faces);
    for (size_t r = 0; r < fs->nroles; r++) free(fs->role_faces[r]);
    free(fs->role_faces);
    free(fs);
}

unsigned nb_fonts_glyph(NbFonts *fs, int face, uint32_t cp)
{
    if (face < 0 || (size_t)face >= fs->nfaces) return 0;
    unsigned gid = S_cmap_lookup(&fs->faces[face], cp);
    return gid < fs->faces[face].nglyphs ? gid : 0;
}

int nb_fonts_face(NbFonts *fs, int role, uint32_t cp)
{
    if (role < 0 || (size_t)role >= fs->nroles) return -1;
    if (cp == ' ') return fs->role_faces[role][0];
    for (const int *f = fs->role_faces[role]; *f >= 0; f++)
        if (nb_fonts_glyph(fs, *f, cp)) return *f;
    return -1;
}

int nb_fonts_role_face(const NbFonts *fs, int role)
{
    return role >= 0 && (size_t)role < fs->nroles ? fs->role_faces[role][0] : 0;
}

double nb_fonts_advance(NbFonts *fs, int face, uint32_t cp)
{
    if (face < 0 || (size_t)face >= fs->nfaces) return 1.0;
    const S_Face *f = &fs->faces[face];
    unsigned gid = nb_fonts_glyph(fs, face, cp);
    unsigned i = gid < f->nhm ? gid : f->nhm - 1;
    return S_u16(f->hmtx + 4 * i) / (double)f->upem;
}

size_t nb_fonts_components(NbFonts *fs, int face, unsigned gid, unsigned *out, size_t max)
{
    const S_Face *f = &fs->faces[face];
    if (gid >= f->nglyphs) return 0;
    uint32_t a = f->loca_long ? S_u32(f->loca + 4 * gid) : 2u * S_u16(f->loca + 2 * gid);
    uint32_t b = f->loca_long ? S_u32(f->loca + 4 * gid + 4) : 2u * S_u16(f->loca + 2 * gid + 2);
    if (b <= a || b > f->glyf_len || b - a < 10) return 0;
    const unsigned char *g = f->glyf + a, *end = f->glyf + b;
    if ((int16_t)S_u16(g) >= 0) return 0; /* simple glyph */
    size_t n = 0;
    const unsigned char *p = g + 10;
    for (;;) {
        if (p + 4 > end) break;
        unsigned flags = S_u16(p), comp = S_u16(p + 2);
        if (n < max) out[n++] = comp;
        p += 4 + ((flags & 1) ? 4 : 2);
        if (flags & 8) p += 2;
        else if (flags & 0x40) p += 4;
        else if (flags & 0x80) p += 8;
        if (!(flags & 0x20)) break;
    }
    return n;
}

size_t nb_fonts_count(const NbFonts *fs)
{
    return fs->nfaces;
}

const NbFaceInfo *nb_fonts_info(const NbFonts *fs, int face)
{
    return &fs->faces[face].info;
}
