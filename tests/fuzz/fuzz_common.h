/* Shared by the libFuzzer targets: find the repository's root, which holds layouts/. */
#ifndef NB_FUZZ_COMMON_H
#define NB_FUZZ_COMMON_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"
#include "util.h"

#define NB_FUZZ_LAYOUT "layouts/gov-info-disclosure-2021.yaml"

static inline int S_fuzz_has_layout(const char *root)
{
    char *p = nb_xasprintf("%s/%s", root, NB_FUZZ_LAYOUT);
    int ok = access(p, R_OK) == 0;
    free(p);
    return ok;
}

/* The root: $NIANBAO_ROOT; else three levels above the executable (ROOT/build/fuzz/fuzz_x);
 * else the current directory. Returns an allocated string. */
static inline char *S_fuzz_root(const char *argv0)
{
    const char *env = getenv("NIANBAO_ROOT");
    if (env && *env) return nb_xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) exe[n] = 0;
    else if (argv0 && realpath(argv0, exe)) n = (ssize_t)strlen(exe);
    if (n > 0) {
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash) break;
            *slash = 0;
            if (up == 2 && exe[0] && S_fuzz_has_layout(exe)) return nb_xstrdup(exe);
        }
    }
    return nb_xstrdup(".");
}

/* The official layout, loaded from the root; aborts when it cannot be loaded, since
 * every run would be meaningless without it. */
static inline NbLayout *S_fuzz_official_layout(const char *argv0)
{
    char *root = S_fuzz_root(argv0);
    char *path = nb_xasprintf("%s/%s", root, NB_FUZZ_LAYOUT);
    NbDiag d = {0};
    NbLayout *l = nb_layout_load(path, &d);
    if (!l) {
        nb_diag_print(&d, stderr);
        fprintf(stderr, "fuzz: cannot load the layout %s; set NIANBAO_ROOT to the repository\n",
                path);
        abort();
    }
    nb_diag_free(&d);
    free(path);
    free(root);
    return l;
}

#endif
