/* libFuzzer target: the combined PDF's object copier (pdfcat.c). Each input is read as a
 * report's PDF and copied into a combined file written to /dev/null, with object 7 as a
 * stand-in to replace: whatever the bytes, a reason or a copy, never a crash, a hang or a
 * read outside the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pdfcat.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *werr = NULL;
    NbOut *out = nb_out_open("/dev/null", &werr);
    if (!out) abort();
    NbCat *c = nb_cat_new(out);
    unsigned pages = nb_cat_reserve(c), font = nb_cat_reserve(c);
    NbCatSub sub = {7, font};
    NbCatImport how = {&sub, 1, pages, 1};
    NbCatPart part;
    char *err = NULL;
    if (nb_cat_import(c, (const char *)data, size, &how, &part, &err)) {
        for (size_t i = 0; i < part.npages && i < 4; i++) (void)nb_cat_mapped(c, (unsigned)i);
    } else if (!err) {
        abort(); /* a refusal always says why */
    }
    free(err);
    nb_cat_free(c);
    nb_out_abort(out);
    return 0;
}
