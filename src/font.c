#include "font.h"

#include <stdio.h>

#include <fcntl.h>
#include <fontconfig/fontconfig.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "subset.h"

#define S_GLYPH_CACHE 1024 /* code points remembered per face (a direct-mapped cache) */

typedef struct {
    NbFaceInfo info;
    NbSfnt *sfnt;   /* the face's tables (subset.c reads TrueType for the painter too) */
    double upem;
    struct stat st; /* the file as it was mapped: a change means the mapping is stale */
    uint32_t cached[S_GLYPH_CACHE]; /* code point + 1 (0: none) and its glyph: the cmap's */
    uint16_t glyph[S_GLYPH_CACHE];  /* binary search, once per character and face */
} S_Face;

struct NbFonts {
    S_Face *faces;
    size_t nfaces, cap;
    int **role_faces; /* per layout role: face ids, -1 terminated */
    size_t nroles;
};

/* Does a face map common Han characters only to empty glyphs (no glyf bytes; a CFF
 * charstring of no more than an endchar)? */
static int S_draws_nothing(const NbSfnt *f)
{
    static const uint32_t han[] = {0x7684, 0x4E00, 0x56FD, 0x653F, 0x5E9C}; /* 的一国政府 */
    int mapped = 0, empty = 0;
    for (size_t i = 0; i < sizeof han / sizeof *han; i++) {
        unsigned g = nb_sfnt_glyph(f, han[i]);
        if (!g) continue;
        mapped++;
        size_t len = 0;
        const unsigned char *d = nb_sfnt_glyph_data(f, g, &len);
        empty += d != NULL && (nb_sfnt_is_cff(f) ? len <= 4 : len == 0);
    }
    return mapped > 0 && empty == mapped;
}

/* Open the face's tables; 0 (with *why, allocated) if this is not a usable face. */
static int S_face_parse(S_Face *f, char **why)
{
    const unsigned char *d = f->info.data;
    size_t size = f->info.size, off = 0;
    if (f->info.index < 0 || !nb_sfnt_face_offset(d, size, (unsigned)f->info.index, &off))
        return *why = nb_xstrdup(_("bad collection index")), 0;
    char *err = NULL;
    f->sfnt = nb_sfnt_open(d, size, off, &err);
    if (!f->sfnt) return *why = err ? err : nb_xstrdup(_("unreadable")), 0;
    f->info.sfnt_offset = off;
    f->upem = nb_sfnt_units_per_em(f->sfnt);
    if (S_draws_nothing(f->sfnt))
        return *why = nb_xstrdup(_("it maps Chinese characters to empty outlines: it would print "
                                 "them invisible")), 0;
    return 1;
}

/* Map a font file and open one face of it; its index in fs, or -1 with *why (allocated). */
static int S_face_load(NbFonts *fs, const char *path, int index, const char *family, char **why)
{
    for (size_t i = 0; i < fs->nfaces; i++)
        if (strcmp(fs->faces[i].info.path, path) == 0 && fs->faces[i].info.index == index) return (int)i;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return *why = nb_xstrdup(_("cannot open")), -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 12) {
        close(fd);
        return *why = nb_xstrdup(S_ISREG(st.st_mode) ? _("cannot read") : _("not a regular file")), -1;
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) return *why = nb_xstrdup(_("cannot map")), -1;
    S_Face f = {0};
    f.info.path = nb_xstrdup(path);
    f.info.index = index;
    f.info.family = nb_xstrdup(family);
    f.info.data = map;
    f.info.size = (size_t)st.st_size;
    f.st = st;
    if (!S_face_parse(&f, why) || !f.upem) {
        nb_sfnt_close(f.sfnt);
        munmap(map, f.info.size);
        free(f.info.path);
        free(f.info.family);
        return -1;
    }
    nb_grow(&fs->faces, &fs->cap, fs->nfaces + 1, sizeof *fs->faces);
    fs->faces[fs->nfaces] = f;
    return (int)fs->nfaces++;
}

/* A face's weight as its style name says (the Fandol fonts declare Regular and Bold both
 * at weight 80), else as fontconfig has it. */
static int S_style_weight(FcPattern *p, int weight)
{
    static const struct {
        const char *word;
        int weight;
    } words[] = {{"Black", FC_WEIGHT_BLACK}, {"Heavy", FC_WEIGHT_HEAVY}, {"ExtraBold", FC_WEIGHT_EXTRABOLD},
                 {"SemiBold", FC_WEIGHT_DEMIBOLD}, {"Bold", FC_WEIGHT_BOLD}, {"Medium", FC_WEIGHT_MEDIUM},
                 {"ExtraLight", FC_WEIGHT_EXTRALIGHT}, {"Light", FC_WEIGHT_LIGHT},
                 {"Regular", FC_WEIGHT_REGULAR}};
    FcChar8 *style = NULL;
    if (FcPatternGetString(p, FC_STYLE, 0, &style) != FcResultMatch || !style) return weight;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strstr((const char *)style, words[i].word)) return words[i].weight;
    return weight;
}

/* The face of a family nearest the weight asked for (regular unless the name ends in
 * ":bold" or another of fontconfig's weight names), from fontconfig; -1 if not installed. */
static int S_family(NbFonts *fs, FcConfig *cfg, const char *family, NbDiag *diag, const char *layout_file)
{
    /* "Noto Serif CJK SC:bold": the family, and the weight wanted (fontconfig's names) */
    int want = FC_WEIGHT_REGULAR;
    const char *colon = strrchr(family, ':');
    char *name = colon ? nb_xstrndup(family, (size_t)(colon - family)) : nb_xstrdup(family);
    if (colon && !FcNameConstant((const FcChar8 *)colon + 1, &want)) {
        nb_diag_add(diag, NB_WARNING, (NbMark){layout_file, 0, 0},
                    "font '%s': unknown weight '%s' (regular, medium, bold, black, …)", family,
                    colon + 1);
        want = FC_WEIGHT_REGULAR;
    }
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)name);
    free(name);
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_WEIGHT, FC_SLANT, FC_STYLE,
                                       FC_FONTFORMAT, NULL);
    FcFontSet *set = FcFontList(cfg, pat, os);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    int best = -1, best_score = 1 << 30;
    for (int i = 0; set && i < set->nfont; i++) {
        FcPattern *p = set->fonts[i];
        int weight = FC_WEIGHT_REGULAR, slant = FC_SLANT_ROMAN;
        FcPatternGetInteger(p, FC_WEIGHT, 0, &weight);
        FcPatternGetInteger(p, FC_SLANT, 0, &slant);
        weight = S_style_weight(p, weight);
        int score = abs(weight - want) + (slant != FC_SLANT_ROMAN) * 1000;
        if (score < best_score) best_score = score, best = i;
    }
    int face = -1;
    if (best >= 0) {
        FcChar8 *file = NULL;
        int index = 0;
        FcPatternGetString(set->fonts[best], FC_FILE, 0, &file);
        FcPatternGetInteger(set->fonts[best], FC_INDEX, 0, &index);
        char *why = NULL;
        if (file) face = S_face_load(fs, (const char *)file, index, family, &why);
        if (face < 0)
            nb_diag_add(diag, NB_WARNING, (NbMark){layout_file, 0, 0},
                        "font '%s' (%s) cannot be used: %s", family, file ? (char *)file : "?",
                        why ? why : "not found");
        free(why);
    }
    if (set) FcFontSetDestroy(set);
    return face;
}

/* Each role's installed faces, in the role's order, each face once; family_face[r][j] gets
 * family j's face, or -1. */
static void S_resolve_roles(NbFonts *fs, FcConfig *cfg, const NbLayout *l, NbDiag *diag,
                            int **family_face)
{
    for (size_t r = 0; r < l->nroles; r++) {
        fs->role_faces[r] = nb_xmalloc((l->roles[r].n + 1) * sizeof(int));
        family_face[r] = nb_xmalloc((l->roles[r].n + 1) * sizeof(int));
        size_t k = 0;
        for (size_t j = 0; j < l->roles[r].n; j++) {
            int face = S_family(fs, cfg, l->roles[r].families[j], diag, l->file);
            family_face[r][j] = face;
            int dup = 0;
            for (size_t m = 0; m < k; m++) dup |= fs->role_faces[r][m] == face;
            if (face >= 0 && !dup) fs->role_faces[r][k++] = face;
        }
        fs->role_faces[r][k] = -1;
    }
}

/* Every role has a face, or the fallback role one (a warning); else an error naming the
 * families tried. Returns 0 on an error. */
static int S_check_roles(const NbFonts *fs, const NbLayout *l, NbDiag *diag)
{
    int ok = 1, fb = l->fallback_role;
    for (size_t r = 0; r < l->nroles; r++) {
        if (fs->role_faces[r][0] >= 0 || (int)r == fb) continue;
        if (fb >= 0 && fs->role_faces[fb][0] >= 0) {
            nb_diag_add(diag, NB_WARNING, (NbMark){l->file, 0, 0},
                        "no font of role '%s' is installed (%s, …); using the fallback fonts",
                        l->roles[r].name, l->roles[r].families[0]);
            continue;
        }
        NbBuf b = {0};
        for (size_t j = 0; j < l->roles[r].n; j++)
            nb_buf_printf(&b, "%s%s", j ? ", " : "", l->roles[r].families[j]);
        nb_diag_add(diag, NB_ERROR, (NbMark){l->file, 0, 0},
                    "no usable font for role '%s' (tried: %s); install one (see README) "
                    "or put the font file into fonts/ or a folder given with --fonts",
                    l->roles[r].name, b.s);
        nb_buf_free(&b);
        ok = 0;
    }
    return ok;
}

/* The fallback role's faces after every other role's own (a character a role's fonts
 * lack is looked for there). */
static void S_append_fallback(NbFonts *fs, const NbLayout *l)
{
    if (l->fallback_role < 0) return;
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

/* ------------------------------------------------------------------ the resolution cache
 * Starting fontconfig reads its whole configuration and cache: most of a cold render's
 * font time. Which file each family of the layout resolved to is kept in one file,
 * $XDG_CACHE_HOME/nianbao/fonts (else ~/.cache/nianbao/fonts), under a stamp of what
 * decides it: the families asked for, the font folders given (fonts/, --fonts), fontconfig's
 * environment, and the times of fontconfig's configuration, its caches and the usual font
 * folders (a font installed by apt runs fc-cache, which changes them). Any difference, or a
 * file that no longer opens, and fontconfig is asked again. NIANBAO_FONT_CACHE=0 turns it
 * off. A resolution that gave any warning is not kept. */

static char *S_cache_path(void)
{
    const char *env = getenv("NIANBAO_FONT_CACHE");
    if (env && !strcmp(env, "0")) return NULL;
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg == '/') return nb_xasprintf("%s/nianbao/fonts", xdg);
    return home && *home == '/' ? nb_xasprintf("%s/.cache/nianbao/fonts", home) : NULL;
}

/* A path's modification time (and its absence) into the stamp. */
static void S_stamp_path(NbBuf *b, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        nb_buf_printf(b, "%s %lld.%09ld %lld\n", path, (long long)st.st_mtim.tv_sec,
                      st.st_mtim.tv_nsec, (long long)st.st_size);
    else
        nb_buf_printf(b, "%s -\n", path);
}

/* What decides the resolution, as text: the cache holds it on its first lines. */
static void S_stamp(NbBuf *b, const NbLayout *l, const char *const *dirs, size_t ndirs)
{
    nb_buf_puts(b, "nianbao fonts 1\n");
    for (size_t r = 0; r < l->nroles; r++)
        for (size_t j = 0; j < l->roles[r].n; j++)
            nb_buf_printf(b, "family %zu %zu %s\n", r, j, l->roles[r].families[j]);
    for (size_t i = 0; i < ndirs; i++) S_stamp_path(b, dirs[i]);
    static const char *const vars[] = {"FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT",
                                       "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "HOME"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        nb_buf_printf(b, "env %s=%s\n", vars[i], v ? v : "");
    }
    static const char *const sys[] = {"/etc/fonts", "/etc/fonts/fonts.conf", "/etc/fonts/conf.d",
                                      "/etc/fonts/local.conf", "/var/cache/fontconfig",
                                      "/usr/share/fonts", "/usr/local/share/fonts"};
    for (size_t i = 0; i < sizeof sys / sizeof *sys; i++) S_stamp_path(b, sys[i]);
    const char *home = getenv("HOME"), *cf = getenv("FONTCONFIG_FILE");
    if (cf) S_stamp_path(b, cf);
    if (home && *home == '/') {
        static const char *const mine[] = {".cache/fontconfig", ".config/fontconfig", ".fonts",
                                           ".local/share/fonts", ".fontconfig"};
        for (size_t i = 0; i < sizeof mine / sizeof *mine; i++) {
            char *p = nb_xasprintf("%s/%s", home, mine[i]);
            S_stamp_path(b, p);
            free(p);
        }
    }
    nb_buf_puts(b, "--\n");
}

/* The roles resolved from the cache, when its stamp is this one and every file opens. */
static int S_from_cache(NbFonts *fs, const NbLayout *l, const char *stamp, size_t stamp_len,
                        const char *path)
{
    size_t len = 0;
    const char *err = NULL;
    char *text = nb_read_file(path, &len, 1 << 20, &err);
    int ok = text && len > stamp_len && !memcmp(text, stamp, stamp_len);
    for (size_t r = 0; ok && r < l->nroles; r++) {
        fs->role_faces[r] = nb_xmalloc((l->roles[r].n + 1) * sizeof(int));
        fs->role_faces[r][0] = -1;
    }
    size_t *k = nb_xcalloc(l->nroles ? l->nroles : 1, sizeof *k);
    for (char *line = ok ? text + stamp_len : NULL, *next; ok && line && *line; line = next) {
        next = strchr(line, '\n');
        if (!next) {
            ok = 0;
            break;
        }
        *next++ = 0;
        size_t r, j;
        int index, used = 0;
        if (sscanf(line, "%zu %zu %d %n", &r, &j, &index, &used) != 3 || r >= l->nroles ||
            j >= l->roles[r].n || !used || k[r] >= l->roles[r].n) {
            ok = 0;
            break;
        }
        char *why = NULL;
        int face = S_face_load(fs, line + used, index, l->roles[r].families[j], &why);
        free(why);
        if (face < 0) ok = 0;
        int dup = 0;
        for (size_t m = 0; ok && m < k[r]; m++) dup |= fs->role_faces[r][m] == face;
        if (ok && !dup) fs->role_faces[r][k[r]++] = face, fs->role_faces[r][k[r]] = -1;
    }
    free(k);
    free(text);
    return ok;
}

/* Keep this resolution: every role's faces by family, under the stamp. */
static void S_to_cache(const NbFonts *fs, const NbLayout *l, const NbBuf *stamp, const char *path,
                       const int *const *family_face)
{
    NbBuf b = {0};
    nb_buf_add(&b, stamp->s, stamp->len);
    for (size_t r = 0; r < l->nroles; r++)
        for (size_t j = 0; j < l->roles[r].n; j++) {
            int face = family_face[r][j];
            if (face < 0) continue;
            const char *file = fs->faces[face].info.path;
            if (strchr(file, '\n')) goto out;
            nb_buf_printf(&b, "%zu %zu %d %s\n", r, j, fs->faces[face].info.index, file);
        }
    char *dir = nb_xstrdup(path);
    for (char *slash = dir + 1; (slash = strchr(slash, '/')); slash++) { /* make its folders */
        *slash = 0;
        mkdir(dir, 0700);
        *slash = '/';
    }
    free(dir);
    const char *err = NULL;
    (void)nb_write_atomic(path, b.s, b.len, &err); /* a cache: a failure only costs time */
out:
    nb_buf_free(&b);
}

NbFonts *nb_fonts_open(const NbLayout *l, const char *const *dirs, size_t ndirs, NbDiag *diag)
{
    char *cache = S_cache_path();
    NbBuf stamp = {0};
    if (cache) {
        S_stamp(&stamp, l, dirs, ndirs);
        NbFonts *fs = nb_xcalloc(1, sizeof *fs);
        fs->nroles = l->nroles;
        fs->role_faces = nb_xcalloc(l->nroles ? l->nroles : 1, sizeof *fs->role_faces);
        NbDiag quiet = {0};
        if (S_from_cache(fs, l, stamp.s, stamp.len, cache) && S_check_roles(fs, l, &quiet) &&
            !quiet.n) {
            nb_diag_free(&quiet);
            nb_buf_free(&stamp);
            free(cache);
            S_append_fallback(fs, l);
            return fs;
        }
        nb_diag_free(&quiet);
        nb_fonts_free(fs);
    }
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
    fs->role_faces = nb_xcalloc(l->nroles ? l->nroles : 1, sizeof *fs->role_faces);
    int **family_face = nb_xcalloc(l->nroles ? l->nroles : 1, sizeof *family_face);
    size_t before = diag->n;
    S_resolve_roles(fs, cfg, l, diag, family_face);
    FcConfigDestroy(cfg);
    int ok = S_check_roles(fs, l, diag);
    if (ok && cache && diag->n == before) { /* stamped as fontconfig left its caches */
        stamp.len = 0;
        S_stamp(&stamp, l, dirs, ndirs);
        S_to_cache(fs, l, &stamp, cache, (const int *const *)family_face);
    }
    for (size_t r = 0; r < l->nroles; r++) free(family_face[r]);
    free(family_face);
    nb_buf_free(&stamp);
    free(cache);
    if (!ok) {
        nb_fonts_free(fs);
        return NULL;
    }
    S_append_fallback(fs, l);
    return fs;
}

int nb_fonts_changed(const NbFonts *fs, const char **which)
{
    for (size_t i = 0; i < fs->nfaces; i++) {
        const S_Face *f = &fs->faces[i];
        struct stat st;
        if (stat(f->info.path, &st) != 0 || st.st_ino != f->st.st_ino || st.st_dev != f->st.st_dev ||
            st.st_size != f->st.st_size || st.st_mtim.tv_sec != f->st.st_mtim.tv_sec ||
            st.st_mtim.tv_nsec != f->st.st_mtim.tv_nsec) {
            *which = f->info.path;
            return 1;
        }
    }
    return 0;
}

void nb_fonts_free(NbFonts *fs)
{
    if (!fs) return;
    for (size_t i = 0; i < fs->nfaces; i++) {
        nb_sfnt_close(fs->faces[i].sfnt);
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
    S_Face *f = &fs->faces[face];
    size_t slot = (cp ^ (cp >> 10)) % S_GLYPH_CACHE;
    if (f->cached[slot] != cp + 1) {
        unsigned g = nb_sfnt_glyph(f->sfnt, cp);
        f->cached[slot] = cp + 1;
        f->glyph[slot] = (uint16_t)(g <= 0xFFFF ? g : 0);
    }
    return f->glyph[slot];
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
    return nb_sfnt_advance(fs->faces[face].sfnt, nb_fonts_glyph(fs, face, cp)) / fs->faces[face].upem;
}

size_t nb_fonts_count(const NbFonts *fs)
{
    return fs->nfaces;
}

const NbFaceInfo *nb_fonts_info(const NbFonts *fs, int face)
{
    return &fs->faces[face].info;
}
