/* tests/hardening/fuzz_replay.c — run libFuzzer inputs through a fuzz target's
 * LLVMFuzzerTestOneInput without libFuzzer, so that every fuzz finding stays a regression test
 * in ordinary (gcc, ASan, valgrind) builds.
 *
 *   fuzz_replay FILE...          each file is one input, as libFuzzer saved it
 *   fuzz_replay --all-modes FILE...  fuzz_pipeline only: each file is a capture; run it once
 *                                with every first (mode) byte 0..255 prepended
 * Exit 0 when every input ran (a crash or sanitizer report ends the process). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *
slurp(const char *path, size_t reserve, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    size_t cap = 65536, n = reserve;
    uint8_t *buf = malloc(cap);

    if (fp == NULL || buf == NULL) {
        perror(path);
        exit(1);
    }
    for (;;) {
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (nb == NULL) {
                perror("realloc");
                exit(1);
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        perror(path);
        exit(1);
    }
    fclose(fp);
    *len = n;
    return buf;
}

int
main(int argc, char **argv)
{
    int first = 1;
    int all_modes = argc > 1 && strcmp(argv[1], "--all-modes") == 0;
    unsigned long runs = 0;

    if (all_modes)
        first = 2;
    if (first >= argc) {
        fputs("usage: fuzz_replay [--all-modes] FILE...\n", stderr);
        return 2;
    }
    for (int i = first; i < argc; i++) {
        size_t len;
        uint8_t *buf = slurp(argv[i], all_modes ? 1 : 0, &len);
        if (all_modes) {
            for (unsigned m = 0; m < 256; m++) {
                buf[0] = (uint8_t)m;
                /* a copy of exactly len bytes, so ASan sees reads past the input */
                uint8_t *in = malloc(len);
                if (in == NULL)
                    return 1;
                memcpy(in, buf, len);
                LLVMFuzzerTestOneInput(in, len);
                free(in);
                runs++;
            }
        } else {
            uint8_t *in = malloc(len ? len : 1);
            if (in == NULL)
                return 1;
            memcpy(in, buf, len);
            LLVMFuzzerTestOneInput(in, len);
            free(in);
            runs++;
        }
        free(buf);
    }
    printf("fuzz_replay: %lu inputs ran\n", runs);
    return 0;
}
