/* tests/fuzz/fuzz_decode.c — libFuzzer target for the frame decoder (SPEC §3, §8).
 *
 * Input: byte 0 chooses the link type (modulo the number of enum pl_linktype values, so
 * PL_LINK_UNSUPPORTED is reachable too), byte 1 the wire length's excess over the
 * captured length in 16-byte units (for IPv4 total length 0), the rest is the frame.
 * The frame is copied to a buffer of exactly its length so any over-read is caught, and
 * every result must satisfy fb_check_invariants(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "portlabel/decode.h"

#define FUZZ_HDR_LEN 2u
#define FUZZ_N_LINKS ((unsigned)PL_LINK_PPP + 1u)
#define FUZZ_WIRE_UNIT 16u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < FUZZ_HDR_LEN || size - FUZZ_HDR_LEN > 262144u)
        return 0;
    size_t cap = size - FUZZ_HDR_LEN;
    uint8_t *copy = malloc(cap > 0 ? cap : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data + FUZZ_HDR_LEN, cap);

    struct pl_frame fr = {
        .data = cap > 0 ? copy : NULL,
        .cap_len = (uint32_t)cap,
        .wire_len = (uint32_t)cap + (uint32_t)data[1] * FUZZ_WIRE_UNIT,
        .ts_us = 1,
        .link = (enum pl_linktype)(data[0] % FUZZ_N_LINKS),
    };
    struct pl_pkt pkt;
    enum pl_decode_status st = pl_decode_frame(&fr, &pkt);
    const char *why = fb_check_invariants(&fr, st, &pkt);
    if (why != NULL) {
        fprintf(stderr, "fuzz_decode: link %d status %s: %s\n", (int)fr.link,
                pl_decode_status_name(st), why);
        abort();
    }
    free(copy);
    return 0;
}
