#include "yamltree.h"

#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "utf8.h"

enum { S_MAX_DEPTH = 64, S_MAX_NODES = 2000000 };
#define S_MAX_FILE (16u * 1024 * 1024)

typedef struct {
    yaml_parser_t parser;
    const char *file;
    const char *data;
    size_t len;
    NbDiag *diag;
    size_t nodes;
    int failed;
} S_Parse;

static NbMark S_mark(const S_Parse *p, yaml_mark_t m)
{
    NbMark r = {p->file, (int)m.line + 1, (int)m.column + 1};
    return r;
}

/* The byte offset of a 1-based line and character column in data; len when beyond. */
static size_t S_offset(const char *data, size_t len, NbMark at)
{
    size_t i = 0;
    for (int line = 1; line < at.line && i < len; i++)
        if (data[i] == '\n') line++;
    for (int col = 1; col < at.col && i < len && data[i] != '\n'; col++) {
        i++;
        while (i < len && ((unsigned char)data[i] & 0xC0) == 0x80) i++;
    }
    return i;
}

size_t nb_ydoc_offset(const NbYDoc *doc, NbMark at)
{
    return S_offset(doc->src, doc->len, at);
}

/* The byte at a 1-based line and character column, or 0. */
static char S_char_at(const S_Parse *p, NbMark at)
{
    size_t i = S_offset(p->data, p->len, at);
    return i < p->len && p->data[i] != '\n' ? p->data[i] : 0;
}

/* Free a node and its children. */
static void S_node_free(NbYNode *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->n; i++) {
        S_node_free(n->items[i]);
        if (n->keys) S_node_free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n->str);
    free(n);
}

/* The next libyaml event; 0 with a located error when the YAML is malformed. */
static int S_next(S_Parse *p, yaml_event_t *ev)
{
    if (yaml_parser_parse(&p->parser, ev)) return 1;
    NbMark at = S_mark(p, p->parser.problem_mark);
    const char *problem = p->parser.problem ? p->parser.problem : "cannot parse";
    const char *ctx = p->parser.context;
    if (p->parser.error == YAML_READER_ERROR) {
        /* the reader reports a byte offset: turn it into a line and column */
        size_t off = p->parser.problem_offset < p->len ? p->parser.problem_offset : p->len;
        if (strstr(problem, "trailing") || strstr(problem, "incomplete")) /* point at its start */
            while (off > 0 && ((unsigned char)p->data[off] & 0xC0) != 0xC0) off--;
        at.line = 1, at.col = 1;
        for (size_t i = 0; i < off; i++) {
            if (p->data[i] == '\n') at.line++, at.col = 1;
            else if (((unsigned char)p->data[i] & 0xC0) != 0x80) at.col++;
        }
        unsigned byte = off < p->len ? (unsigned char)p->data[off] : 0;
        if (strstr(problem, "control character"))
            nb_diag_add(p->diag, NB_ERROR, at,
                        "a control character (byte 0x%02X) is not allowed in the text; remove it",
                        byte);
        else if (strstr(problem, "UTF-8") || strstr(problem, "octet"))
            nb_diag_add(p->diag, NB_ERROR, at,
                        "not UTF-8 text (byte 0x%02X); save the file with the UTF-8 encoding", byte);
        else
            nb_diag_add(p->diag, NB_ERROR, at, "%s; save the file as UTF-8 text", problem);
    } else if (S_char_at(p, at) == '\t') {
        nb_diag_add(p->diag, NB_ERROR, at,
                    "a tab character; YAML indents with spaces only: replace the tab by spaces");
    } else {
        nb_diag_add(p->diag, NB_ERROR, at, "YAML syntax: %s%s%s", ctx ? ctx : "", ctx ? ", " : "",
                    problem);
    }
    p->failed = 1;
    return 0;
}

static NbYNode *S_new(S_Parse *p, NbYKind kind, yaml_mark_t m)
{
    NbYNode *n = nb_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->mark = S_mark(p, m);
    p->nodes++;
    return n;
}

static NbYNode *S_parse_node(S_Parse *p, yaml_event_t *ev, int depth);

/* Parse the children of a sequence or mapping whose start event was consumed. */
/* The keys of a mapping so far, hashed (open addressing over key indexes + 1), so that a
 * mapping of a million keys is checked for duplicates in linear time. */
typedef struct {
    size_t *slot;
    size_t cap; /* a power of two, at least twice the keys */
} S_Keys;

static size_t S_hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The index of the key equal to `key` among map's first map->n keys, or (size_t)-1; then
 * `key` is entered as key map->n. */
static size_t S_key_seen(S_Keys *k, const NbYNode *map, const char *key)
{
    if (2 * (map->n + 1) > k->cap) { /* grow and enter every key again */
        size_t cap = k->cap ? 2 * k->cap : 16;
        while (cap < 2 * (map->n + 1)) cap *= 2;
        free(k->slot);
        k->slot = nb_xcalloc(cap, sizeof *k->slot);
        k->cap = cap;
        for (size_t i = 0; i < map->n; i++) {
            size_t h = S_hash(map->keys[i]->str) & (cap - 1);
            while (k->slot[h]) h = (h + 1) & (cap - 1);
            k->slot[h] = i + 1;
        }
    }
    size_t h = S_hash(key) & (k->cap - 1);
    for (; k->slot[h]; h = (h + 1) & (k->cap - 1))
        if (strcmp(map->keys[k->slot[h] - 1]->str, key) == 0) return k->slot[h] - 1;
    k->slot[h] = map->n + 1;
    return (size_t)-1;
}

static int S_parse_children(S_Parse *p, NbYNode *n, int depth)
{
    size_t cap = 0;
    S_Keys seen = {NULL, 0};
    for (;;) {
        yaml_event_t ev;
        if (!S_next(p, &ev)) return free(seen.slot), 0;
        if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            free(seen.slot);
            return 1;
        }
        NbYNode *key = NULL;
        if (n->kind == NB_Y_MAP) {
            key = S_parse_node(p, &ev, depth + 1);
            yaml_event_delete(&ev);
            if (!key) return free(seen.slot), 0;
            if (key->kind != NB_Y_SCALAR) {
                nb_diag_add(p->diag, NB_ERROR, key->mark, "a mapping key must be a plain name");
                S_node_free(key);
                free(seen.slot);
                p->failed = 1;
                return 0;
            }
            size_t dup = S_key_seen(&seen, n, key->str);
            if (dup != (size_t)-1) {
                nb_diag_add(p->diag, NB_ERROR, key->mark,
                            "duplicate key '%s' (first given at line %d); keep only one", key->str,
                            n->keys[dup]->mark.line);
                S_node_free(key);
                free(seen.slot);
                p->failed = 1;
                return 0;
            }
            if (!S_next(p, &ev)) {
                S_node_free(key);
                free(seen.slot);
                return 0;
            }
        }
        NbYNode *val = S_parse_node(p, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (!val) {
            S_node_free(key);
            free(seen.slot);
            return 0;
        }
        size_t kcap = cap;
        nb_grow(&n->items, &cap, n->n + 1, sizeof *n->items);
        if (n->kind == NB_Y_MAP) nb_grow(&n->keys, &kcap, n->n + 1, sizeof *n->keys);
        n->items[n->n] = val;
        if (key) n->keys[n->n] = key;
        n->n++;
    }
}

/* One node (scalar, sequence or mapping) from the event stream, with its position. */
static NbYNode *S_parse_node(S_Parse *p, yaml_event_t *ev, int depth)
{
    if (depth > S_MAX_DEPTH) {
        nb_diag_add(p->diag, NB_ERROR, S_mark(p, ev->start_mark),
                    "nesting deeper than %d levels; a report is never this deep", S_MAX_DEPTH);
        p->failed = 1;
        return NULL;
    }
    if (p->nodes > S_MAX_NODES) {
        nb_diag_add(p->diag, NB_ERROR, S_mark(p, ev->start_mark), "too many YAML nodes");
        p->failed = 1;
        return NULL;
    }
    NbYNode *n;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n = S_new(p, NB_Y_SCALAR, ev->start_mark);
        n->end = S_mark(p, ev->end_mark);
        n->str = nb_xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        if (ev->data.scalar.anchor) goto anchor;
        if (strlen(n->str) != ev->data.scalar.length) {
            nb_diag_add(p->diag, NB_ERROR, n->mark, "the text contains a NUL character; remove it");
            p->failed = 1;
            S_node_free(n);
            return NULL;
        }
        return n;
    case YAML_SEQUENCE_START_EVENT:
        n = S_new(p, NB_Y_SEQ, ev->start_mark);
        if (ev->data.sequence_start.anchor) goto anchor;
        break;
    case YAML_MAPPING_START_EVENT:
        n = S_new(p, NB_Y_MAP, ev->start_mark);
        if (ev->data.mapping_start.anchor) goto anchor;
        break;
    case YAML_ALIAS_EVENT:
        nb_diag_add(p->diag, NB_ERROR, S_mark(p, ev->start_mark),
                    "YAML aliases (*name) are not allowed in a report; write the values out");
        p->failed = 1;
        return NULL;
    default:
        nb_diag_add(p->diag, NB_ERROR, S_mark(p, ev->start_mark), "unexpected YAML structure");
        p->failed = 1;
        return NULL;
    }
    if (!S_parse_children(p, n, depth)) {
        S_node_free(n);
        return NULL;
    }
    return n;
anchor:
    nb_diag_add(p->diag, NB_ERROR, n->mark,
                "YAML anchors (&name) are not allowed in a report; write the values out");
    p->failed = 1;
    S_node_free(n);
    return NULL;
}

NbYDoc *nb_ydoc_parse(const char *file, const char *data, size_t len, NbDiag *diag)
{
    S_Parse p = {.file = NULL, .data = data, .len = len, .diag = diag};
    NbYDoc *doc = nb_xcalloc(1, sizeof *doc);
    doc->file = nb_xstrdup(file);
    doc->src = nb_xmalloc(len + 1); /* not strndup: the data may hold a NUL (reported below) */
    memcpy(doc->src, data, len);
    doc->src[len] = 0;
    doc->len = len;
    p.file = doc->file;
    if (!yaml_parser_initialize(&p.parser)) {
        nb_diag_add(diag, NB_ERROR, (NbMark){file, 0, 0}, "cannot start the YAML parser");
        nb_ydoc_free(doc);
        return NULL;
    }
    yaml_parser_set_input_string(&p.parser, (const unsigned char *)data, len);
    yaml_event_t ev;
    int ok = 1;
    while (ok && S_next(&p, &ev)) {
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_START_EVENT ||
            t == YAML_DOCUMENT_END_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        if (doc->root) {
            nb_diag_add(diag, NB_ERROR, S_mark(&p, ev.start_mark),
                        "a second YAML document in one file; keep one report per file");
            yaml_event_delete(&ev);
            ok = 0;
            break;
        }
        doc->root = S_parse_node(&p, &ev, 0);
        yaml_event_delete(&ev);
        if (!doc->root) ok = 0;
    }
    yaml_parser_delete(&p.parser);
    if (!ok || p.failed) {
        nb_ydoc_free(doc);
        return NULL;
    }
    return doc;
}

/* data decoded from GB18030 (of which GBK and GB2312 are parts) into UTF-8, when all of it
 * is valid GB18030 with at least one character beyond ASCII; 0 otherwise. Line breaks and
 * characters keep their places, so lines and columns stay right. */
static int S_from_gb18030(const char *data, size_t len, char **out, size_t *outlen)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) return 0;
    size_t cap = 2 * len + 4, left = cap, inleft = len; /* a GB18030 character grows by half at most */
    *out = nb_xmalloc(cap + 1);
    char *in = (char *)data, *o = *out;
    size_t r = iconv(cd, &in, &inleft, &o, &left);
    iconv_close(cd);
    if (r == (size_t)-1 || inleft) {
        free(*out);
        *out = NULL;
        return 0;
    }
    *outlen = cap - left;
    (*out)[*outlen] = 0;
    if (nb_utf8_invalid(*out, *outlen) == (size_t)-1) return 1;
    free(*out);
    *out = NULL;
    return 0;
}

char *nb_ydoc_read(const char *path, size_t *len, NbDiag *diag)
{
    const char *err = NULL;
    char *data = nb_read_file(path, len, S_MAX_FILE, &err);
    if (!data) {
        if (strcmp(err, NB_READ_TOO_LARGE) == 0)
            nb_diag_add(diag, NB_ERROR, (NbMark){path, 0, 0},
                        "the file is larger than %u MB; a report is a few KB: is this the right file?",
                        S_MAX_FILE / (1024 * 1024));
        else
            nb_diag_add(diag, NB_ERROR, (NbMark){path, 0, 0}, "cannot read: %s", gettext(err));
        return NULL;
    }
    char *decoded = NULL;
    size_t dlen = 0;
    if (nb_utf8_invalid(data, *len) != (size_t)-1 && S_from_gb18030(data, *len, &decoded, &dlen)) {
        /* saved by a Chinese Windows program: read as it was meant */
        nb_diag_add(diag, NB_WARNING, (NbMark){path, 0, 0},
                    "this file is in the GBK (GB18030) encoding, not UTF-8: it is read as GBK; "
                    "save it as UTF-8 to be sure");
        free(data);
        data = decoded, *len = dlen;
    }
    return data;
}

NbYDoc *nb_ydoc_load(const char *path, NbDiag *diag)
{
    size_t len = 0;
    char *data = nb_ydoc_read(path, &len, diag);
    if (!data) return NULL;
    NbYDoc *doc = nb_ydoc_parse(path, data, len, diag);
    free(data);
    return doc;
}

void nb_ydoc_free(NbYDoc *doc)
{
    if (!doc) return;
    S_node_free(doc->root);
    free(doc->file);
    free(doc->src);
    free(doc);
}

NbYNode *nb_ymap_get(const NbYNode *map, const char *key)
{
    if (!map || map->kind != NB_Y_MAP) return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->str, key) == 0) return map->items[i];
    return NULL;
}

const char *nb_ykind_name(NbYKind k)
{
    return k == NB_Y_SCALAR ? _("a single value") : k == NB_Y_SEQ ? _("a list") : _("a mapping");
}

void nb_ykey_unknown(NbDiag *diag, const NbYNode *key, const char *const *names, size_t n,
                     const char *prefix, const char *where)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = nb_edit_distance(key->str, names[i]);
        if (d < bestd) bestd = d, best = names[i];
    }
    if (best && bestd <= (strlen(key->str) + 2) / 3 + 1) {
        nb_diag_add(diag, NB_ERROR, key->mark, "%sunknown key '%s'%s; did you mean '%s'?", prefix,
                    key->str, where, best);
        return;
    }
    NbBuf b = {0};
    for (size_t i = 0; i < n; i++) nb_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
    nb_diag_add(diag, NB_ERROR, key->mark, "%sunknown key '%s'%s; known keys: %s", prefix, key->str,
                where, b.s ? b.s : "none");
    nb_buf_free(&b);
}

size_t nb_ymap_check_keys(NbDiag *diag, const NbYNode *map, const char *const *known,
                          const char *prefix, const char *where)
{
    size_t nknown = 0, bad = 0;
    while (known[nknown]) nknown++;
    for (size_t i = 0; map && map->kind == NB_Y_MAP && i < map->n; i++) {
        size_t k = 0;
        while (k < nknown && strcmp(map->keys[i]->str, known[k]) != 0) k++;
        if (k < nknown) continue;
        nb_ykey_unknown(diag, map->keys[i], known, nknown, prefix, where);
        bad++;
    }
    return bad;
}
