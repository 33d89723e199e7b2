#include "cffsub.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ reading */

typedef struct {
    const unsigned char *p;
    size_t len;
} S_In;

/* An INDEX: its count, offset size and where its offsets and data start. */
typedef struct {
    size_t count, offs, data, end;
    unsigned size;
} S_Index;

static size_t S_off(const unsigned char *p, unsigned size)
{
    size_t v = 0;
    for (unsigned i = 0; i < size; i++) v = v << 8 | p[i];
    return v;
}

/* The INDEX at pos (0 when it runs past the data or is malformed). */
static int S_index(const S_In *in, size_t pos, S_Index *x)
{
    memset(x, 0, sizeof *x);
    if (pos + 2 > in->len) return 0;
    x->count = (size_t)in->p[pos] << 8 | in->p[pos + 1];
    if (!x->count) {
        x->end = pos + 2;
        return 1;
    }
    if (pos + 3 > in->len) return 0;
    x->size = in->p[pos + 2];
    x->offs = pos + 3;
    if (x->size < 1 || x->size > 4 || x->offs + (x->count + 1) * x->size > in->len) return 0;
    x->data = x->offs + (x->count + 1) * x->size - 1;
    size_t last = S_off(in->p + x->offs + x->count * x->size, x->size);
    if (last < 1 || x->data + last > in->len) return 0;
    x->end = x->data + last;
    return 1;
}

/* Item i of an INDEX: [*at, *at + *n). */
static int S_item(const S_In *in, const S_Index *x, size_t i, size_t *at, size_t *n)
{
    if (i >= x->count) return 0;
    size_t a = S_off(in->p + x->offs + i * x->size, x->size);
    size_t e = S_off(in->p + x->offs + (i + 1) * x->size, x->size);
    if (a < 1 || e < a || x->data + e > x->end) return 0;
    *at = x->data + a, *n = e - a;
    return 1;
}

/* One DICT entry: its operator (12 x as 1200 + x), its operands' bytes and the last two
 * integer operands. */
typedef struct {
    unsigned op;
    size_t at, end;      /* the whole entry, operands and operator */
    long v[3];           /* the last three integers (v[2] the last) */
    int nv;
} S_Entry;

/* The next entry of a DICT at *pos (< end); 0 on malformed operands. */
static int S_entry(const S_In *in, size_t *pos, size_t end, S_Entry *e)
{
    const unsigned char *p = in->p;
    size_t i = *pos;
    memset(e, 0, sizeof *e);
    e->at = i;
    while (i < end) {
        unsigned b0 = p[i];
        long v = 0;
        int num = 1;
        if (b0 <= 21) {
            e->op = b0;
            if (b0 == 12) {
                if (++i >= end) return 0;
                e->op = 1200 + p[i];
            }
            e->end = *pos = i + 1;
            return 1;
        }
        if (b0 == 28 && i + 2 < end) v = (int16_t)(p[i + 1] << 8 | p[i + 2]), i += 3;
        else if (b0 == 29 && i + 4 < end) v = (long)(int32_t)S_off(p + i + 1, 4), i += 5;
        else if (b0 == 30) { /* a real */
            while (++i < end && (p[i] & 0x0F) != 0x0F && (p[i] & 0xF0) != 0xF0) continue;
            i++, num = 0;
        } else if (b0 >= 32 && b0 <= 246) v = (long)b0 - 139, i++;
        else if (b0 >= 247 && b0 <= 250 && i + 1 < end) v = ((long)b0 - 247) * 256 + p[i + 1] + 108, i += 2;
        else if (b0 >= 251 && b0 <= 254 && i + 1 < end) v = -((long)b0 - 251) * 256 - p[i + 1] - 108, i += 2;
        else return 0;
        if (num) {
            e->v[0] = e->v[1], e->v[1] = e->v[2], e->v[2] = v;
            if (e->nv < 3) e->nv++;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ desubroutinizing */

#define S_STACK 96 /* operands on the stack at most (48 in the format; inlining may join) */

typedef struct {
    const S_In *in;
    S_Index gsubrs, lsubrs;
    long gbias, lbias;
    NbBuf *out;
    int nargs, nstems, ended, cleared;
    size_t arg_at[S_STACK]; /* where each operand on the stack starts in out */
    long last_val;          /* the last operand's value (for a call), or S_NOT_INT */
} S_Cs;

#define S_NOT_INT (-99999) /* a 16.16 fixed operand: never a subroutine number */

/* Append to a charstring being written (binary: no terminating NUL, unlike nb_buf_add;
 * this is the subsetter's inner loop). */
static inline void S_put(NbBuf *b, const unsigned char *p, size_t n)
{
    if (b->len + n > b->cap) nb_grow(&b->s, &b->cap, b->len + n, 1);
    memcpy(b->s + b->len, p, n);
    b->len += n;
}

static long S_bias(size_t count)
{
    return count < 1240 ? 107 : count < 33900 ? 1131 : 32768;
}

/* The operands of a hint operator (hstem, vstem, their hm forms, or the vstems before a
 * hintmask) taken out of c->out: hints are dropped from the subset, as HarfBuzz's
 * NO_HINTING did; the advance width, when it comes first on the stack of the glyph's first
 * stack-clearing operator (an odd number of operands), stays. */
static void S_drop_hint_args(S_Cs *c)
{
    if (c->nargs <= 0) return;
    if (c->cleared || c->nargs % 2 == 0) c->out->len = c->arg_at[0];
    else if (c->nargs > 1) c->out->len = c->arg_at[1]; /* the width stays */
}

/* Copy charstring [at, at + n) into c->out with every subroutine call replaced by the
 * subroutine's own operators (without its return), and its hints dropped; 0 when it
 * cannot be. */
static int S_flatten(S_Cs *c, size_t at, size_t n, int depth)
{
    const unsigned char *p = c->in->p;
    size_t i = at, end = at + n;
    if (depth > 10) return 0;
    while (i < end && !c->ended) {
        unsigned b0 = p[i];
        size_t start = i;
        if (b0 >= 32 || b0 == 28) { /* an operand */
            long v;
            if (b0 == 28) {
                if (i + 2 >= end) return 0;
                v = (int16_t)(p[i + 1] << 8 | p[i + 2]), i += 3;
            } else if (b0 <= 246) v = (long)b0 - 139, i++;
            else if (b0 <= 250) {
                if (i + 1 >= end) return 0;
                v = ((long)b0 - 247) * 256 + p[i + 1] + 108, i += 2;
            } else if (b0 <= 254) {
                if (i + 1 >= end) return 0;
                v = -((long)b0 - 251) * 256 - p[i + 1] - 108, i += 2;
            } else { /* 16.16 fixed */
                if (i + 4 >= end) return 0;
                v = S_NOT_INT, i += 5;
            }
            if (c->nargs >= S_STACK) return 0;
            c->arg_at[c->nargs++] = c->out->len;
            c->last_val = v;
            S_put(c->out, p + start, i - start);
            continue;
        }
        i++;
        if (b0 == 10 || b0 == 29) { /* callsubr, callgsubr: the operand before is its number */
            if (c->nargs < 1 || c->last_val == S_NOT_INT) return 0;
            const S_Index *subrs = b0 == 10 ? &c->lsubrs : &c->gsubrs;
            long k = c->last_val + (b0 == 10 ? c->lbias : c->gbias);
            size_t sat, sn;
            if (k < 0 || !S_item(c->in, subrs, (size_t)k, &sat, &sn)) return 0;
            c->out->len = c->arg_at[--c->nargs]; /* the number goes with the call */
            c->last_val = S_NOT_INT;
            if (!S_flatten(c, sat, sn, depth + 1)) return 0;
            continue;
        }
        if (b0 == 11) return 1; /* return: the subroutine's end */
        c->last_val = S_NOT_INT;
        if (b0 == 1 || b0 == 3 || b0 == 18 || b0 == 23) { /* stem hints: counted, dropped */
            c->nstems += c->nargs / 2;
            S_drop_hint_args(c);
            c->cleared = 1, c->nargs = 0;
            continue;
        }
        if (b0 == 19 || b0 == 20) { /* hintmask, cntrmask: the vstems before, and the mask */
            c->nstems += c->nargs / 2;
            S_drop_hint_args(c);
            size_t mask = ((size_t)c->nstems + 7) / 8;
            if (i + mask > end) return 0;
            i += mask;
            c->cleared = 1, c->nargs = 0;
            continue;
        }
        if (b0 == 12) {
            if (i >= end) return 0;
            S_put(c->out, p + start, 2);
            i++;
            c->nargs = 0;
            continue;
        }
        S_put(c->out, p + start, 1);
        if (b0 == 14) c->ended = 1;
        if (b0 == 14 || b0 == 21 || b0 == 22 || b0 == 4) c->cleared = 1; /* endchar, movetos */
        c->nargs = 0;
    }
    return 1;
}

/* ------------------------------------------------------------------ writing */

static void S_u8(NbBuf *b, unsigned v)
{
    char c = (char)v;
    nb_buf_add(b, &c, 1);
}

static void S_u16(NbBuf *b, unsigned v)
{
    S_u8(b, v >> 8), S_u8(b, v & 0xFF);
}

/* A DICT integer in five bytes, so that an offset's size is known before its value. */
static void S_int5(NbBuf *b, long v)
{
    S_u8(b, 29);
    for (int k = 3; k >= 0; k--) S_u8(b, (unsigned)((unsigned long)v >> (8 * k)) & 0xFF);
}

static void S_op(NbBuf *b, unsigned op)
{
    if (op >= 1200) S_u8(b, 12), S_u8(b, op - 1200);
    else S_u8(b, op);
}

/* An INDEX of the n items whose data are items[0..n) concatenated, item i ending at ends[i]. */
static void S_write_index(NbBuf *b, const char *data, const size_t *ends, size_t n)
{
    S_u16(b, (unsigned)n);
    if (!n) return;
    size_t total = ends[n - 1];
    unsigned size = total + 1 < 0x100 ? 1 : total + 1 < 0x10000 ? 2 : total + 1 < 0x1000000 ? 3 : 4;
    S_u8(b, size);
    for (size_t i = 0; i <= n; i++) {
        size_t off = 1 + (i ? ends[i - 1] : 0);
        for (int k = (int)size - 1; k >= 0; k--) S_u8(b, (unsigned)(off >> (8 * k)) & 0xFF);
    }
    nb_buf_add(b, data, total);
}

static size_t S_index_size(const size_t *ends, size_t n)
{
    if (!n) return 2;
    size_t total = ends[n - 1];
    unsigned size = total + 1 < 0x100 ? 1 : total + 1 < 0x10000 ? 2 : total + 1 < 0x1000000 ? 3 : 4;
    return 3 + (n + 1) * size + total;
}

/* ------------------------------------------------------------------ the subset */

/* The FD of glyph g by the FDSelect at off (formats 0 and 3), or -1. */
static int S_fd_of(const S_In *in, size_t off, size_t nglyphs, unsigned g)
{
    const unsigned char *p = in->p;
    if (off >= in->len) return -1;
    if (p[off] == 0) return off + 1 + g < in->len && g < nglyphs ? p[off + 1 + g] : -1;
    if (p[off] != 3 || off + 3 > in->len) return -1;
    size_t nr = (size_t)p[off + 1] << 8 | p[off + 2], r = off + 3;
    if (r + nr * 3 + 2 > in->len) return -1;
    for (size_t k = 0; k < nr; k++, r += 3) {
        unsigned first = (unsigned)p[r] << 8 | p[r + 1];
        unsigned next = (unsigned)p[r + 3] << 8 | p[r + 4];
        if (g >= first && g < next) return p[r + 2];
    }
    return -1;
}

/* The CID of glyph g by the charset at off (formats 0, 1, 2), or -1. */
static long S_cid_of(const S_In *in, size_t off, size_t nglyphs, unsigned g)
{
    const unsigned char *p = in->p;
    if (g == 0) return 0;
    if (off >= in->len || g >= nglyphs) return -1;
    unsigned format = p[off];
    size_t pos = off + 1, gid = 1;
    if (format == 0) return pos + 2 * g <= in->len ? (long)(p[pos + 2 * (g - 1)] << 8 | p[pos + 2 * (g - 1) + 1]) : -1;
    if (format != 1 && format != 2) return -1;
    size_t rec = format == 1 ? 3 : 4;
    while (gid < nglyphs) {
        if (pos + rec > in->len) return -1;
        unsigned first = (unsigned)p[pos] << 8 | p[pos + 1];
        size_t left = format == 1 ? p[pos + 2] : ((size_t)p[pos + 2] << 8 | p[pos + 3]);
        if (g <= gid + left) return (long)(first + (g - gid));
        gid += left + 1, pos += rec;
    }
    return -1;
}

typedef struct {
    size_t dict_at, dict_n;   /* its Font DICT in the FDArray */
    size_t priv_at, priv_n;   /* its Private DICT */
    S_Index subrs;
} S_Fd;

struct NbCffGlyphs {
    const unsigned char *cff; /* the table they are of */
    size_t len, nglyphs;
    uint32_t *at, *n;          /* per glyph: its flattened charstring in `arena` (n 0: not yet) */
    uint16_t *cid;
    unsigned char *fd;
    NbBuf arena;
};

NbCffGlyphs *nb_cffsub_glyphs_new(void)
{
    return nb_xcalloc(1, sizeof(NbCffGlyphs));
}

void nb_cffsub_glyphs_free(NbCffGlyphs *k)
{
    if (!k) return;
    free(k->at), free(k->n), free(k->cid), free(k->fd);
    nb_buf_free(&k->arena);
    free(k);
}

/* The kept glyphs of this table (emptied when they were another's). */
static void S_glyphs_for(NbCffGlyphs *k, const unsigned char *cff, size_t len, size_t nglyphs)
{
    if (k->cff == cff && k->len == len && k->nglyphs == nglyphs) return;
    free(k->at), free(k->n), free(k->cid), free(k->fd);
    k->arena.len = 0;
    k->cff = cff, k->len = len, k->nglyphs = nglyphs;
    k->at = nb_xcalloc(nglyphs ? nglyphs : 1, sizeof *k->at);
    k->n = nb_xcalloc(nglyphs ? nglyphs : 1, sizeof *k->n);
    k->cid = nb_xcalloc(nglyphs ? nglyphs : 1, sizeof *k->cid);
    k->fd = nb_xcalloc(nglyphs ? nglyphs : 1, 1);
}

int nb_cffsub(const unsigned char *cff, size_t len, const uint16_t *gids, size_t n,
              uint16_t *cids, NbBuf *out, NbCffGlyphs *kept)
{
    S_In in = {cff, len};
    out->len = 0;
    if (len < 4 || cff[0] != 1 || cff[2] < 4 || n > 0xFFFE) return 0;
    S_Index names, tops, strings, gsubrs, chars, fdarray;
    size_t top_at, top_n, name_at, name_n;
    if (!S_index(&in, cff[2], &names) || !S_item(&in, &names, 0, &name_at, &name_n) ||
        !S_index(&in, names.end, &tops) || !S_item(&in, &tops, 0, &top_at, &top_n) ||
        !S_index(&in, tops.end, &strings) || !S_index(&in, strings.end, &gsubrs))
        return 0;
    /* the Top DICT: what we need, and what we copy */
    long charstrings = 0, charset = 0, fdarray_off = 0, fdselect = 0;
    int ros = 0;
    NbBuf top = {0};
    for (size_t pos = top_at; pos < top_at + top_n;) {
        S_Entry e;
        if (!S_entry(&in, &pos, top_at + top_n, &e)) goto fail;
        switch (e.op) {
        case 1230: ros = 1; break;
        case 17: charstrings = e.v[2]; continue;
        case 15: charset = e.v[2]; continue;
        case 1236: fdarray_off = e.v[2]; continue;
        case 1237: fdselect = e.v[2]; continue;
        case 18: case 16: case 13: case 14: case 1235: continue; /* Private, Encoding, UIDs */
        default: break;
        }
        nb_buf_add(&top, (const char *)cff + e.at, e.end - e.at);
    }
    if (!ros || charstrings <= 0 || charset <= 2 || fdarray_off <= 0 || fdselect <= 0 ||
        !S_index(&in, (size_t)charstrings, &chars) || !S_index(&in, (size_t)fdarray_off, &fdarray) ||
        !fdarray.count || fdarray.count > 256)
        goto fail;
    /* each Font DICT's Private DICT and its local subroutines */
    S_Fd *fds = nb_xcalloc(fdarray.count, sizeof *fds);
    for (size_t k = 0; k < fdarray.count; k++) {
        S_Fd *f = &fds[k];
        if (!S_item(&in, &fdarray, k, &f->dict_at, &f->dict_n)) goto fail_fds;
        for (size_t pos = f->dict_at; pos < f->dict_at + f->dict_n;) {
            S_Entry e;
            if (!S_entry(&in, &pos, f->dict_at + f->dict_n, &e)) goto fail_fds;
            if (e.op == 18 && e.nv >= 2) f->priv_n = (size_t)e.v[1], f->priv_at = (size_t)e.v[2];
        }
        if (!f->priv_n || f->priv_at + f->priv_n > len) goto fail_fds;
        for (size_t pos = f->priv_at; pos < f->priv_at + f->priv_n;) {
            S_Entry e;
            if (!S_entry(&in, &pos, f->priv_at + f->priv_n, &e)) goto fail_fds;
            if (e.op == 19 && !S_index(&in, f->priv_at + (size_t)e.v[2], &f->subrs)) goto fail_fds;
        }
    }
    /* the glyphs: .notdef, then those asked for; their charstrings flattened */
    size_t total = n + 1, nglyphs = chars.count;
    NbBuf cs = {0};
    size_t *ends = nb_xmalloc(total * sizeof *ends);
    unsigned char *fdsel = nb_xmalloc(total);
    uint16_t *newcid = nb_xmalloc(total * sizeof *newcid);
    int ok = 1;
    if (kept) S_glyphs_for(kept, cff, len, nglyphs);
    for (size_t i = 0; i < total && ok; i++) {
        unsigned g = i ? gids[i - 1] : 0;
        size_t at, cn;
        if ((i && g == 0) || (i > 1 && gids[i - 1] <= gids[i - 2]) || g >= nglyphs) {
            ok = 0;
            break;
        }
        if (kept && kept->n[g]) { /* flattened for an earlier subset */
            S_put(&cs, (const unsigned char *)kept->arena.s + kept->at[g], kept->n[g]);
            ends[i] = cs.len, fdsel[i] = kept->fd[g], newcid[i] = kept->cid[g];
            if (i) cids[i - 1] = kept->cid[g];
            continue;
        }
        int fd = S_fd_of(&in, (size_t)fdselect, nglyphs, g);
        long cid = S_cid_of(&in, (size_t)charset, nglyphs, g);
        if ((i && g == 0) || (i > 1 && gids[i - 1] <= gids[i - 2]) || fd < 0 ||
            (size_t)fd >= fdarray.count || cid < 0 || !S_item(&in, &chars, g, &at, &cn)) {
            ok = 0;
            break;
        }
        S_Cs c = {&in, gsubrs, fds[fd].subrs, S_bias(gsubrs.count), S_bias(fds[fd].subrs.count),
                  &cs, 0, 0, 0, 0, {0}, S_NOT_INT};
        size_t from = cs.len;
        ok = S_flatten(&c, at, cn, 0) && c.ended;
        ends[i] = cs.len, fdsel[i] = (unsigned char)fd, newcid[i] = (uint16_t)cid;
        if (i) cids[i - 1] = (uint16_t)cid;
        if (ok && kept && cs.len - from < 0xFFFFFFFFu && kept->arena.len < 0x7FFFFFFFu) {
            kept->at[g] = (uint32_t)kept->arena.len, kept->n[g] = (uint32_t)(cs.len - from);
            kept->cid[g] = (uint16_t)cid, kept->fd[g] = (unsigned char)fd;
            S_put(&kept->arena, (const unsigned char *)cs.s + from, cs.len - from);
        }
    }
    if (ok) {
        /* the Private DICTs without Subrs */
        NbBuf priv = {0};
        size_t *priv_at = nb_xmalloc(fdarray.count * sizeof *priv_at);
        size_t *priv_n = nb_xmalloc(fdarray.count * sizeof *priv_n);
        for (size_t k = 0; k < fdarray.count; k++) {
            priv_at[k] = priv.len;
            for (size_t pos = fds[k].priv_at; pos < fds[k].priv_at + fds[k].priv_n;) {
                S_Entry e;
                if (!S_entry(&in, &pos, fds[k].priv_at + fds[k].priv_n, &e)) break;
                if (e.op != 19) nb_buf_add(&priv, (const char *)cff + e.at, e.end - e.at);
            }
            priv_n[k] = priv.len - priv_at[k];
        }
        /* sizes first: the offsets are five-byte integers, so every size is known */
        /* charset, CharStrings, FDArray, FDSelect: four five-byte offsets, 1 + 1 + 2 + 2 bytes
         * of operators */
        size_t top_len = top.len + 4 * 5 + 6;
        size_t top_ends[1] = {top_len}, name_ends[1] = {name_n};
        size_t *fd_ends = nb_xmalloc(fdarray.count * sizeof *fd_ends);
        size_t *fd_body = nb_xmalloc((fdarray.count + 1) * sizeof *fd_body);
        NbBuf fdd = {0};
        fd_body[0] = 0;
        for (size_t k = 0; k < fdarray.count; k++) { /* each Font DICT but its Private entry */
            for (size_t pos = fds[k].dict_at; pos < fds[k].dict_at + fds[k].dict_n;) {
                S_Entry e;
                if (!S_entry(&in, &pos, fds[k].dict_at + fds[k].dict_n, &e)) break;
                if (e.op != 18) nb_buf_add(&fdd, (const char *)cff + e.at, e.end - e.at);
            }
            fd_body[k + 1] = fdd.len;
            fd_ends[k] = fdd.len + 11 * (k + 1); /* with its Private entry: 5 + 5 + 1 bytes */
        }
        size_t hdr = 4, at_names = hdr, at_top = at_names + S_index_size(name_ends, 1);
        size_t at_strings = at_top + S_index_size(top_ends, 1);
        size_t at_gsubrs = at_strings + (strings.end - (tops.end));
        size_t at_charset = at_gsubrs + 2;
        size_t at_fdselect = at_charset + 1 + 2 * n;
        size_t at_chars = at_fdselect + 1 + total;
        size_t at_fdarray = at_chars + S_index_size(ends, total);
        size_t at_priv = at_fdarray + S_index_size(fd_ends, fdarray.count);
        /* header */
        S_u8(out, 1), S_u8(out, 0), S_u8(out, 4), S_u8(out, 4);
        S_write_index(out, (const char *)cff + name_at, name_ends, 1);
        S_int5(&top, (long)at_charset), S_op(&top, 15);
        S_int5(&top, (long)at_chars), S_op(&top, 17);
        S_int5(&top, (long)at_fdarray), S_op(&top, 1236);
        S_int5(&top, (long)at_fdselect), S_op(&top, 1237);
        S_write_index(out, top.s, top_ends, 1);
        nb_buf_add(out, (const char *)cff + tops.end, strings.end - tops.end); /* String INDEX */
        S_u16(out, 0);                                                          /* no global subrs */
        S_u8(out, 0);                                                           /* charset, format 0 */
        for (size_t i = 1; i < total; i++) S_u16(out, newcid[i]);
        S_u8(out, 0);                                                           /* FDSelect, format 0 */
        nb_buf_add(out, (const char *)fdsel, total);
        S_write_index(out, cs.s, ends, total);
        /* the FDArray: each Font DICT with its Private entry */
        NbBuf fdx = {0};
        for (size_t k = 0; k < fdarray.count; k++) {
            if (fd_body[k + 1] > fd_body[k]) nb_buf_add(&fdx, fdd.s + fd_body[k], fd_body[k + 1] - fd_body[k]);
            S_int5(&fdx, (long)priv_n[k]), S_int5(&fdx, (long)(at_priv + priv_at[k])), S_op(&fdx, 18);
        }
        S_write_index(out, fdx.s, fd_ends, fdarray.count);
        nb_buf_add(out, priv.s, priv.len);
        ok = out->len == at_priv + priv.len && top.len == top_len;
        nb_buf_free(&fdx);
        nb_buf_free(&fdd);
        free(fd_ends);
        free(fd_body);
        free(priv_at);
        free(priv_n);
        nb_buf_free(&priv);
    }
    nb_buf_free(&cs);
    free(ends);
    free(fdsel);
    free(newcid);
    free(fds);
    nb_buf_free(&top);
    if (!ok) out->len = 0;
    return ok;
fail_fds:
    free(fds);
fail:
    nb_buf_free(&top);
    return 0;
}
