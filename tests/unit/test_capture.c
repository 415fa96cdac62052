/* tests/unit/test_capture.c — saved files: files of a megabyte or more are read through a
 * mapping (src/capture.c); every record must come out as libpcap's plain stdio reading gives
 * it, and a file cut short while it is read must end the run with an error, not SIGBUS. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portlabel/capture.h"

#define REC_CAPLEN 1000u
#define REC_COUNT 4000u /* about 4 MB: above the mapping threshold */

/* A classic little-endian pcap, Ethernet, microseconds. Record i captures 1000 bytes
 * ((i + j) & 0xff) and claims 1000 + i on the wire, so that each is told apart. */
static void
write_pcap(const char *path, unsigned count)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    const uint32_t ghdr[6] = {0xa1b2c3d4u, 0x00040002u, 0, 0, 65535, 1};
    cr_assert_eq(fwrite(ghdr, sizeof ghdr, 1, f), 1);
    uint8_t data[REC_CAPLEN];
    for (unsigned i = 0; i < count; i++) {
        const uint32_t rh[4] = {1700000000u + i / 1000u, (i % 1000u) * 1000u, REC_CAPLEN,
                                REC_CAPLEN + i};
        for (unsigned j = 0; j < REC_CAPLEN; j++)
            data[j] = (uint8_t)(i + j);
        cr_assert_eq(fwrite(rh, sizeof rh, 1, f), 1);
        cr_assert_eq(fwrite(data, sizeof data, 1, f), 1);
    }
    cr_assert_eq(fclose(f), 0);
}

struct seen {
    unsigned frames, bad;
};

static bool
check_frame(void *ctx, const struct pl_frame *fr)
{
    struct seen *s = ctx;
    unsigned i = s->frames++;
    uint64_t ts = (1700000000ull + i / 1000u) * 1000000u + (i % 1000u) * 1000u;
    if (fr->cap_len != REC_CAPLEN || fr->wire_len != REC_CAPLEN + i || fr->ts_us != ts ||
        fr->link != PL_LINK_ETHERNET)
        s->bad++;
    for (unsigned j = 0; j < fr->cap_len; j++)
        if (fr->data[j] != (uint8_t)(i + j)) {
            s->bad++;
            break;
        }
    return true;
}

static char *
temp_path(void)
{
    char *p = strdup("/tmp/pl-capture-XXXXXX");
    int fd = mkstemp(p);
    cr_assert_geq(fd, 0);
    close(fd);
    return p;
}

Test(capture, mapped_file_gives_every_record_as_stdio_does)
{
    char *path = temp_path();
    write_pcap(path, REC_COUNT);
    struct pl_err err = {.msg = ""};

    struct pl_capture *cap;
    struct seen mapped = {0, 0};
    cr_assert_eq(pl_capture_open_file(&cap, path, &err), 0, "%s", err.msg);
    cr_assert_eq(pl_capture_run(cap, check_frame, NULL, NULL, &mapped, &err), 1, "%s", err.msg);
    pl_capture_close(cap);

    struct seen plain = {0, 0};
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp);
    cr_assert_eq(pl_capture_open_fp(&cap, fp, path, &err), 0, "%s", err.msg);
    cr_assert_eq(pl_capture_run(cap, check_frame, NULL, NULL, &plain, &err), 1, "%s", err.msg);
    pl_capture_close(cap);

    cr_assert_eq(mapped.frames, REC_COUNT);
    cr_assert_eq(mapped.bad, 0);
    cr_assert_eq(plain.frames, REC_COUNT);
    cr_assert_eq(plain.bad, 0);
    unlink(path);
    free(path);
}

/* Two captures open at once (-r A -r B reads them in turn; the SIGBUS handler is shared). */
Test(capture, two_mapped_files_at_once)
{
    char *a = temp_path(), *b = temp_path();
    write_pcap(a, REC_COUNT);
    write_pcap(b, REC_COUNT / 2);
    struct pl_err err = {.msg = ""};
    struct pl_capture *ca, *cb;
    struct seen sa = {0, 0}, sb = {0, 0};
    cr_assert_eq(pl_capture_open_file(&ca, a, &err), 0, "%s", err.msg);
    cr_assert_eq(pl_capture_open_file(&cb, b, &err), 0, "%s", err.msg);
    cr_assert_eq(pl_capture_run(cb, check_frame, NULL, NULL, &sb, &err), 1, "%s", err.msg);
    pl_capture_close(cb);
    cr_assert_eq(pl_capture_run(ca, check_frame, NULL, NULL, &sa, &err), 1, "%s", err.msg);
    pl_capture_close(ca);
    cr_assert_eq(sa.frames, REC_COUNT);
    cr_assert_eq(sb.frames, REC_COUNT / 2);
    cr_assert_eq(sa.bad + sb.bad, 0);
    unlink(a);
    unlink(b);
    free(a);
    free(b);
}

/* Regression: the mapping is made at open. A file truncated afterwards (log rotation with
 * copytruncate, a capture being rewritten) faults with SIGBUS past its new end; the run must
 * end with an error after the records that are still there. */
Test(capture, file_cut_short_while_read_is_an_error_not_a_crash)
{
    char *path = temp_path();
    write_pcap(path, REC_COUNT);
    struct pl_err err = {.msg = ""};
    struct pl_capture *cap;
    struct seen s = {0, 0};

    cr_assert_eq(pl_capture_open_file(&cap, path, &err), 0, "%s", err.msg);
    cr_assert_eq(truncate(path, 1500000), 0); /* mid-record, well past the first pages */
    int rc = pl_capture_run(cap, check_frame, NULL, NULL, &s, &err);
    pl_capture_close(cap);

    cr_assert_eq(rc, -1, "rc %d after %u frames", rc, s.frames);
    cr_assert(strstr(err.msg, "Input/output error") != NULL || strstr(err.msg, "truncated") != NULL,
              "%s", err.msg);
    cr_assert_gt(s.frames, 1000u); /* the bytes before the cut were read */
    cr_assert_lt(s.frames, REC_COUNT);
    cr_assert_eq(s.bad, 0);

    /* The handler stays usable: the same again on a second file. */
    write_pcap(path, REC_COUNT);
    struct seen s2 = {0, 0};
    cr_assert_eq(pl_capture_open_file(&cap, path, &err), 0, "%s", err.msg);
    cr_assert_eq(truncate(path, 2500000), 0);
    cr_assert_eq(pl_capture_run(cap, check_frame, NULL, NULL, &s2, &err), -1);
    pl_capture_close(cap);
    cr_assert_gt(s2.frames, s.frames);
    unlink(path);
    free(path);
}
