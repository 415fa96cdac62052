/* tests/unit/test_capture.c — saved files: files of a megabyte or more are read through a
 * mapping (src/capture.c); every record must come out as libpcap's plain stdio reading gives
 * it, and a file cut short while it is read must end the run with an error, not SIGBUS. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* True when path is mapped into this process. */
static bool
is_mapped(const char *path)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    bool found = false;

    cr_assert_not_null(f);
    while (!found && fgets(line, sizeof line, f) != NULL) {
        size_t n = strcspn(line, "\n");
        size_t p = strlen(path);
        found = n >= p && memcmp(line + n - p, path, p) == 0;
    }
    fclose(f);
    return found;
}

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

/* Open path with pl_capture_open_file (mapped: true when the file must show in
 * /proc/self/maps, i.e. the mapped reader took it) and read it all into *s; the run's
 * return value (1: end of file, -1: error with *err set). */
static int
read_file(const char *path, bool mapped, struct seen *s, struct pl_err *err)
{
    struct pl_capture *cap;
    cr_assert_eq(pl_capture_open_file(&cap, path, err), 0, "%s", err->msg);
    cr_assert_eq(is_mapped(path), mapped, "%s mapped: expected %d", path, mapped);
    int rc = pl_capture_run(cap, check_frame, NULL, NULL, s, err);
    pl_capture_close(cap);
    cr_assert(!is_mapped(path), "%s still mapped after close", path);
    return rc;
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
    cr_assert_eq(read_file(path, true, &mapped, &err), 1, "%s", err.msg);

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

    /* Below 1 MiB the file is read with libpcap's own stdio, unmapped. */
    write_pcap(path, 100);
    struct seen small = {0, 0};
    cr_assert_eq(read_file(path, false, &small, &err), 1, "%s", err.msg);
    cr_assert_eq(small.frames, 100);
    cr_assert_eq(small.bad, 0);
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
    cr_assert(is_mapped(path));
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

/* A SIGBUS that is not the mapped reader's (here: another mapping past its file's end) must
 * still end the process as it would without portlabel's handler, not loop or be swallowed.
 * Not built under AddressSanitizer: the handler before ours is then ASan's, which reports
 * and exits or aborts as ASAN_OPTIONS say (seen both ways), so there is no one outcome. */
#if !defined(__SANITIZE_ADDRESS__)
Test(capture, foreign_sigbus_keeps_its_default_action, .signal = SIGBUS)
{
    char *path = temp_path();
    write_pcap(path, REC_COUNT);
    struct pl_err err = {.msg = ""};
    struct pl_capture *cap;
    cr_assert_eq(pl_capture_open_file(&cap, path, &err), 0, "%s", err.msg);
    cr_assert(is_mapped(path)); /* the handler is installed */

    char *other = temp_path();
    int fd = open(other, O_RDWR);
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, 4096), 0);
    volatile const char *p = mmap(NULL, 1u << 20, PROT_READ, MAP_SHARED, fd, 0);
    cr_assert_neq((const void *)p, MAP_FAILED);
    unlink(other);
    unlink(path);
    (void)p[1u << 19]; /* past the end of `other`: SIGBUS */
    cr_assert_fail("no SIGBUS");
}
#endif
