/* tests/unit/test_capture.c — saved files (src/capture.c): a regular file is read through a
 * stream with portlabel's own large buffer; every record must come out as libpcap's plain
 * stdio reading gives it, across buffer refills and for records larger than the buffer, and
 * a file cut short while it is read must end the run with an error after the records that
 * are still there. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portlabel/capture.h"

#define REC_CAPLEN 1000u
#define REC_COUNT 4000u /* about 4 MB: some 30 refills of a 128 KiB buffer */

/* A classic little-endian pcap, Ethernet, microseconds, snaplen 262144. Record i captures
 * caplen bytes ((i + j) & 0xff) and claims caplen + i on the wire, so that each is told
 * apart. */
static void
write_pcap(const char *path, unsigned count, unsigned caplen)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    const uint32_t ghdr[6] = {0xa1b2c3d4u, 0x00040002u, 0, 0, 262144, 1};
    cr_assert_eq(fwrite(ghdr, sizeof ghdr, 1, f), 1);
    uint8_t *data = malloc(caplen);
    cr_assert_not_null(data);
    for (unsigned i = 0; i < count; i++) {
        const uint32_t rh[4] = {1700000000u + i / 1000u, (i % 1000u) * 1000u, caplen, caplen + i};
        for (unsigned j = 0; j < caplen; j++)
            data[j] = (uint8_t)(i + j);
        cr_assert_eq(fwrite(rh, sizeof rh, 1, f), 1);
        cr_assert_eq(fwrite(data, caplen, 1, f), 1);
    }
    free(data);
    cr_assert_eq(fclose(f), 0);
}

struct seen {
    unsigned caplen; /* what every record must capture */
    unsigned frames, bad;
};

static bool
check_frame(void *ctx, const struct pl_frame *fr)
{
    struct seen *s = ctx;
    unsigned i = s->frames++;
    uint64_t ts = (1700000000ull + i / 1000u) * 1000000u + (i % 1000u) * 1000u;
    if (fr->cap_len != s->caplen || fr->wire_len != s->caplen + i || fr->ts_us != ts ||
        fr->link != PL_LINK_ETHERNET)
        s->bad++;
    for (unsigned j = 0; j < fr->cap_len; j++)
        if (fr->data[j] != (uint8_t)(i + j)) {
            s->bad++;
            break;
        }
    return true;
}

/* The flags of this process's descriptor open on path ("flags:" of /proc/self/fdinfo, octal),
 * or -1 when none is. */
static long
fd_flags(const char *path)
{
    char link[64], target[4096], info[64], line[256];
    long flags = -1;
    for (int fd = 0; fd < 1024 && flags < 0; fd++) {
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n < 0)
            continue;
        target[n] = '\0';
        if (strcmp(target, path) != 0)
            continue;
        snprintf(info, sizeof info, "/proc/self/fdinfo/%d", fd);
        FILE *f = fopen(info, "r");
        cr_assert_not_null(f);
        while (fgets(line, sizeof line, f) != NULL)
            if (strncmp(line, "flags:", 6) == 0)
                flags = strtol(line + 6, NULL, 8);
        fclose(f);
    }
    return flags;
}

/* Open path with pl_capture_open_file and read it all into *s; the run's return value
 * (1: end of file, -1: error with *err set). The file must be read through portlabel's own
 * stream: its descriptor is close-on-exec and blocking (libpcap's own fopen() sets neither). */
static int
read_file(const char *path, struct seen *s, struct pl_err *err)
{
    struct pl_capture *cap;
    cr_assert_eq(pl_capture_open_file(&cap, path, err), 0, "%s", err->msg);
    long flags = fd_flags(path);
    cr_assert_geq(flags, 0, "%s is not open", path);
    cr_assert(flags & O_CLOEXEC, "%s: not portlabel's own stream (flags %lo)", path, flags);
    cr_assert(!(flags & O_NONBLOCK), "%s: left non-blocking (flags %lo)", path, flags);
    int rc = pl_capture_run(cap, check_frame, NULL, NULL, s, err);
    pl_capture_close(cap);
    return rc;
}

/* path holds count records of caplen bytes: portlabel's reader must give every one of them,
 * intact, and reach the end of the file without an error. */
static void
expect_all(const char *path, unsigned count, unsigned caplen)
{
    struct pl_err err = {.msg = ""};
    struct seen s = {caplen, 0, 0};
    cr_assert_eq(read_file(path, &s, &err), 1, "%s", err.msg);
    cr_assert_eq(s.frames, count);
    cr_assert_eq(s.bad, 0);
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

Test(capture, saved_file_gives_every_record_as_plain_stdio_does)
{
    char *path = temp_path();
    write_pcap(path, REC_COUNT, REC_CAPLEN);
    struct pl_err err = {.msg = ""};
    expect_all(path, REC_COUNT, REC_CAPLEN);

    struct pl_capture *cap;
    struct seen plain = {REC_CAPLEN, 0, 0};
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp);
    cr_assert_eq(pl_capture_open_fp(&cap, fp, path, &err), 0, "%s", err.msg);
    cr_assert_eq(pl_capture_run(cap, check_frame, NULL, NULL, &plain, &err), 1, "%s", err.msg);
    pl_capture_close(cap);

    cr_assert_eq(plain.frames, REC_COUNT);
    cr_assert_eq(plain.bad, 0);

    write_pcap(path, 3, REC_CAPLEN); /* smaller than one buffer */
    expect_all(path, 3, REC_CAPLEN);
    unlink(path);
    free(path);
}

/* Records of 200,000 bytes: each is longer than the stream's buffer. */
Test(capture, records_larger_than_the_buffer)
{
    char *path = temp_path();
    write_pcap(path, 7, 200000);
    expect_all(path, 7, 200000);
    unlink(path);
    free(path);
}

/* Two captures open at once (-r A -r B opens each in turn; each stream has its own buffer). */
Test(capture, two_files_at_once)
{
    char *a = temp_path(), *b = temp_path();
    write_pcap(a, REC_COUNT, REC_CAPLEN);
    write_pcap(b, REC_COUNT / 2, REC_CAPLEN);
    struct pl_err err = {.msg = ""};
    struct pl_capture *ca, *cb;
    struct seen sa = {REC_CAPLEN, 0, 0}, sb = {REC_CAPLEN, 0, 0};
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

/* A file truncated after it was opened (log rotation with copytruncate, a capture being
 * rewritten) ends the run with libpcap's error after the records that are still there. */
Test(capture, file_cut_short_while_read_is_an_error)
{
    char *path = temp_path();
    write_pcap(path, REC_COUNT, REC_CAPLEN);
    struct pl_err err = {.msg = ""};
    struct pl_capture *cap;
    struct seen s = {REC_CAPLEN, 0, 0};

    cr_assert_eq(pl_capture_open_file(&cap, path, &err), 0, "%s", err.msg);
    cr_assert_eq(truncate(path, 1500000), 0); /* mid-record, past the first buffer */
    int rc = pl_capture_run(cap, check_frame, NULL, NULL, &s, &err);
    pl_capture_close(cap);

    cr_assert_eq(rc, -1, "rc %d after %u frames", rc, s.frames);
    cr_assert(strstr(err.msg, "truncated") != NULL, "%s", err.msg);
    cr_assert_eq(s.frames, (1500000u - 24u) / (16u + REC_CAPLEN), "every whole record");
    cr_assert_eq(s.bad, 0);
    unlink(path);
    free(path);
}

/* A run that on_frame stops (-c N, a stop signal seen by main) or that pl_capture_stop() stops
 * (a signal handler) ends at once with 0: no record after the one that stopped it reaches
 * on_frame. After a stop request the capture stays stopped; after on_frame's stop, a second
 * run reads on from the next record to the end of the file. */
struct stopper {
    struct pl_capture *cap;
    unsigned frames, stop_at;
    bool by_stop_call; /* pl_capture_stop() instead of returning false */
};

static bool
stop_frame(void *ctx, const struct pl_frame *fr)
{
    struct stopper *s = ctx;
    (void)fr;
    if (++s->frames < s->stop_at)
        return true;
    if (!s->by_stop_call)
        return false;
    pl_capture_stop(s->cap);
    return true;
}

static void
expect_stop(bool by_stop_call, unsigned stop_at)
{
    char *path = temp_path();
    write_pcap(path, 50, 100);
    struct pl_err err = {.msg = ""};
    struct stopper s = {NULL, 0, stop_at, by_stop_call};

    cr_assert_eq(pl_capture_open_file(&s.cap, path, &err), 0, "%s", err.msg);
    cr_assert_eq(pl_capture_run(s.cap, stop_frame, NULL, NULL, &s, &err), 0, "%s", err.msg);
    cr_assert_eq(s.frames, stop_at, "stopped at %u, %u frames", stop_at, s.frames);
    if (by_stop_call) {
        cr_assert_eq(pl_capture_run(s.cap, stop_frame, NULL, NULL, &s, &err), 0);
        cr_assert_eq(s.frames, stop_at);
    } else {
        s.stop_at = UINT_MAX;
        cr_assert_eq(pl_capture_run(s.cap, stop_frame, NULL, NULL, &s, &err), 1, "%s", err.msg);
        cr_assert_eq(s.frames, 50, "%u frames after a second run", s.frames);
    }
    pl_capture_close(s.cap);
    unlink(path);
    free(path);
}

Test(capture, on_frame_returning_false_stops_at_that_record)
{
    expect_stop(false, 1);
    expect_stop(false, 17);
    expect_stop(false, 50); /* the last record: stopped, not the end of the file */
}

Test(capture, stop_called_while_running_stops_at_that_record)
{
    expect_stop(true, 1);
    expect_stop(true, 23);
    expect_stop(true, 50);
}
