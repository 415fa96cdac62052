/* tests/unit/test_pipeline.c — the per-frame path end to end: decode outcomes reach the
 * summary, and every record's timestamp moves flow time (SPEC §8). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "portlabel/pipeline.h"

#define SEC 1000000ull
#define T0 (1700000000ull * SEC)

struct run {
    struct pl_sink *sink;
    struct pl_pipeline *pipe;
    char *buf;
    size_t len;
    FILE *out;
};

static void
run_open(struct run *r)
{
    struct pl_err err = {.msg = ""};
    struct pl_sink_opts so = {.format = PL_FMT_JSON};
    struct pl_pipeline_opts po = {
        .flow = {.idle_us = 300 * SEC, .active_us = 1800 * SEC, .max_flows = 64, .max_frags = 16},
    };
    memset(r, 0, sizeof *r);
    r->out = open_memstream(&r->buf, &r->len);
    cr_assert_not_null(r->out);
    r->sink = pl_sink_new(&so, r->out, false, &err);
    cr_assert_not_null(r->sink, "%s", err.msg);
    r->pipe = pl_pipeline_new(&po, NULL, r->sink, &err);
    cr_assert_not_null(r->pipe, "%s", err.msg);
    cr_assert_eq(pl_pipeline_begin(r->pipe, &err), 0);
}

static void
run_close(struct run *r)
{
    struct pl_err err = {.msg = ""};
    cr_assert_eq(pl_pipeline_finish(r->pipe, PL_END_EOF, NULL, &err), 0, "%s", err.msg);
    pl_pipeline_free(r->pipe);
    pl_sink_free(r->sink);
    fclose(r->out);
}

static void
udp_frame(struct run *r, uint64_t ts_us)
{
    struct fb f;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV4);
    fb_ipv4(&f, 17, 0);
    fb_udp(&f, 40000, 53);
    fb_payload(&f, 12);
    fb_finish(&f);
    struct pl_frame fr = {.data = f.b, .cap_len = (uint32_t)f.len, .wire_len = (uint32_t)f.len,
                          .ts_us = ts_us, .link = PL_LINK_ETHERNET};
    cr_assert(pl_pipeline_frame(r->pipe, &fr));
}

/* Regression (review): a refused record (impossible header) counted in packets_total but did
 * not move flow time, so a flow 400 s older ended `eof` instead of `idle`. */
Test(pipeline, refused_record_still_moves_flow_time)
{
    struct run r;
    run_open(&r);
    udp_frame(&r, T0);
    pl_pipeline_bad_record(r.pipe, T0 + 400 * SEC);
    run_close(&r);
    cr_assert_not_null(strstr(r.buf, "\"end_reason\":\"idle\""), "%s", r.buf);
    cr_assert_not_null(strstr(r.buf, "\"packets_total\":2,"), "%s", r.buf);
    cr_assert_not_null(strstr(r.buf, "\"bad_records\":1,"), "%s", r.buf);
    free(r.buf);
}

Test(pipeline, frames_within_the_idle_timeout_stay_one_flow)
{
    struct run r;
    run_open(&r);
    udp_frame(&r, T0);
    for (int i = 1; i <= 20; i++) /* more than the decoder's look-ahead */
        udp_frame(&r, T0 + (uint64_t)i * SEC);
    run_close(&r);
    cr_assert_not_null(strstr(r.buf, "\"pkts_fwd\":21,"), "%s", r.buf);
    cr_assert_not_null(strstr(r.buf, "\"end_reason\":\"eof\""), "%s", r.buf);
    cr_assert_not_null(strstr(r.buf, "\"packets_in_flows\":21,"), "%s", r.buf);
    free(r.buf);
}
