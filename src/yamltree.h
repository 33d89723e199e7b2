/* YAML files as a tree of scalars, sequences and mappings that keeps source positions.
 * Shared by the report loader and the layout loader. */
#ifndef NB_YAMLTREE_H
#define NB_YAMLTREE_H

#include "util.h"

typedef enum { NB_Y_SCALAR, NB_Y_SEQ, NB_Y_MAP } NbYKind;

typedef struct NbYNode NbYNode;
struct NbYNode {
    NbYKind kind;
    NbMark mark;
    NbMark end;    /* just past the node (scalars) */
    char *str;     /* scalar text (UTF-8, NUL-terminated) */
    int quoted;    /* scalar was quoted or a block scalar: never a number */
    size_t n;      /* items in a sequence, pairs in a mapping */
    NbYNode **items;  /* sequence items, or mapping values */
    NbYNode **keys;   /* mapping keys (scalars) */
};

typedef struct {
    char *file;
    NbYNode *root;
    char *src;     /* the file's bytes, for quoting and locating text inside a scalar */
    size_t len;
} NbYDoc;

/* Load a file; on failure records a diagnostic and returns NULL. */
NbYDoc *nb_ydoc_load(const char *path, NbDiag *diag);
/* A file's text as nb_ydoc_load reads it (size-limited, GBK decoded with a warning), NUL
 * ended and allocated; NULL with a diagnostic. */
char *nb_ydoc_read(const char *path, size_t *len, NbDiag *diag);
/* Parse from memory (the file name is used in diagnostics only). */
NbYDoc *nb_ydoc_parse(const char *file, const char *data, size_t len, NbDiag *diag);
void nb_ydoc_free(NbYDoc *doc);
/* Byte offset of a mark (1-based line, character column) in the source; len when beyond. */
size_t nb_ydoc_offset(const NbYDoc *doc, NbMark at);

/* Mapping lookup; NULL when absent or when node is not a mapping. */
NbYNode *nb_ymap_get(const NbYNode *map, const char *key);
const char *nb_ykind_name(NbYKind k);

/* An unknown mapping key: an error at the key, with the nearest of `names` suggested
 * ("did you mean …?") or, when none is near, all of them. `prefix` opens the message
 * ("layout: " or ""), `where` follows the key (" in styles.body"). */
void nb_ykey_unknown(NbDiag *diag, const NbYNode *key, const char *const *names, size_t n,
                     const char *prefix, const char *where);
/* Report every key of map that is not in `known` (NULL-terminated); returns how many. */
size_t nb_ymap_check_keys(NbDiag *diag, const NbYNode *map, const char *const *known,
                          const char *prefix, const char *where);

#endif
