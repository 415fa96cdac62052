/* tests/fuzz/fuzz_pipeline.c — libFuzzer target: a capture file's bytes through libpcap
 * (from memory), the decoder, the flow table, labels and every output format. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portlabel/capture.h"
#include "portlabel/output.h"
#include "portlabel/pipeline.h"
#include "portlabel/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small registry with every status, a range, aliases and unauthorized text. */
static const char registry_csv[] =
    "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
    "Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,"
    "Assignment Notes\r\n"
    ",0,tcp,Reserved,,,,,,,,\r\n"
    "http,80,tcp,World Wide Web HTTP,,,,,,,,\r\n"
    "www,80,tcp,\"World Wide Web \"\"HTTP\"\"\",,,,,,,,\r\n"
    "domain,53,,Domain Name Server,,,,,,,,\r\n"
    ",24,tcp,any private mail system,,,,,,,,\r\n"
    ",100,,Unassigned,,,,,,,Known Unauthorized Use on 100,\r\n"
    "x11,6000-6063,tcp,\"X Window\nSystem\",,,,,,,,\r\n"
    "mtrace,33435,udp,IP Multicast Traceroute,,,,,,,Known unauthorized use,\r\n"
    "discard,9,sctp,Discard,,,,,,,,\r\n"
    "discard,9,dccp,Discard,,,,,,,,\r\n";

static struct pl_registry *
fuzz_registry(void)
{
    static struct pl_registry *reg;
    struct pl_err err;

    if (reg == NULL) {
        reg = pl_registry_new();
        if (reg == NULL ||
            pl_registry_load_mem(reg, registry_csv, sizeof registry_csv - 1, "fuzz.csv", NULL,
                                 NULL, &err) != 0)
            abort();
    }
    return reg;
}

static bool
on_frame(void *ctx, const struct pl_frame *fr)
{
    return pl_pipeline_frame(ctx, fr);
}

static void
on_badrec(void *ctx, uint64_t ts_us)
{
    pl_pipeline_bad_record(ctx, ts_us);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pl_err err;
    struct pl_capture *cap;
    struct pl_pipeline_opts popts;
    uint8_t mode;

    if (size < 1)
        return 0;
    mode = data[0]; /* format, audit, small table and short timeouts from the first byte */
    data++;
    size--;
    FILE *in = fmemopen((void *)(uintptr_t)data, size, "rb");
    if (in == NULL)
        return 0;
    if (pl_capture_open_fp(&cap, in, "fuzz", &err) != 0) {
        fclose(in); /* a failed pcap_fopen_offline leaves the stream open */
        return 0;
    }
    FILE *out = fopen("/dev/null", "w");
    if (out == NULL)
        abort();
    struct pl_sink_opts sopts = {.format = (enum pl_format)(mode % 3),
                                 .audit = (mode & 0x04) != 0,
                                 .streaming = (mode & 0x08) != 0};
    struct pl_sink *sink = pl_sink_new(&sopts, out, true, &err);
    if (sink == NULL)
        abort();
    memset(&popts, 0, sizeof popts);
    popts.flow.idle_us = (mode & 0x10) ? 2000000u : PL_FLOW_IDLE_DEFAULT_US;
    popts.flow.active_us = (mode & 0x10) ? 5000000u : PL_FLOW_ACTIVE_DEFAULT_US;
    popts.flow.max_flows = (mode & 0x20) ? 4u : 1024u;
    popts.flow.max_frags = (mode & 0x20) ? 2u : 256u;
    popts.only_flagged = (mode & 0x40) != 0;
    popts.audit = sopts.audit;
    struct pl_pipeline *p = pl_pipeline_new(&popts, fuzz_registry(), sink, &err);
    if (p == NULL)
        abort();
    if (pl_pipeline_begin(p, &err) == 0) {
        (void)pl_capture_run(cap, on_frame, on_badrec, NULL, p, &err);
        (void)pl_pipeline_finish(p, (mode & 0x80) ? PL_END_SHUTDOWN : PL_END_EOF, NULL, &err);
    }
    pl_pipeline_free(p);
    pl_sink_free(sink);
    pl_capture_close(cap);
    return 0;
}
