/* Shared by the unit tests that set text: the real layout and its fonts, opened once per
 * test group (cmocka group setup and teardown). */
#ifndef NB_TEST_FIXTURE_H
#define NB_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "font.h"
#include "layout.h"
#include "util.h"

#define LAYOUT "layouts/gov-info-disclosure-2021.yaml"

static NbLayout *S_layout;
static NbFonts *S_fonts;

/* A style of the real layout, by name (the tests name the ones they need). */
#define S_ST(name) S_style_named(name)
static inline int S_style_named(const char *name)
{
    int id = nb_layout_style(S_layout, name);
    if (id < 0) fprintf(stderr, "the layout has no style '%s'\n", name), abort();
    return id;
}

/* Open the layout and its fonts; 0 on success, diagnostics printed otherwise. */
static int S_open(void)
{
    NbDiag d = {0};
    S_layout = nb_layout_load(LAYOUT, &d);
    if (S_layout) S_fonts = nb_fonts_open(S_layout, NULL, 0, &d);
    if (d.n) nb_diag_print(&d, stderr);
    nb_diag_free(&d);
    return S_layout && S_fonts ? 0 : -1;
}

static int S_teardown(void **state)
{
    (void)state;
    nb_fonts_free(S_fonts);
    nb_layout_free(S_layout);
    S_fonts = NULL, S_layout = NULL;
    return 0;
}

#endif
