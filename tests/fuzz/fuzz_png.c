/* libFuzzer target: the seal's PNG decoder (image.c), from a file: every input is written
 * to one temporary file per process and decoded, then its white paper cleared. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "image.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *S_path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *dir = getenv("TMPDIR");
    S_path = nb_xasprintf("%s/nb-fuzz-png-%ld.png", dir && *dir ? dir : "/tmp", (long)getpid());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *err = NULL;
    if (!nb_write_atomic(S_path, (const char *)data, size, &err)) abort();
    NbImage img;
    char *msg = NULL;
    if (nb_image_load_png(S_path, &img, &msg)) {
        nb_image_clear_white(&img);
        nb_image_free(&img);
    }
    free(msg);
    return 0;
}
