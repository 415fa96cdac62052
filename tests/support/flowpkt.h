/* tests/support/flowpkt.h — decoded-packet builders and an emit collector for flow-table tests
 * (SPEC §4, §8). Header-only: static helpers, no state outside the caller's structs. */
#ifndef PL_TEST_FLOWPKT_H
#define PL_TEST_FLOWPKT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "portlabel/flow.h"
#include "portlabel/pkt.h"

#define SEC 1000000ull /* microseconds per second */
#define T0 (1700000000ull * SEC)

/* IPv4 a.b.c.d as ::ffff:a.b.c.d */
static inline void
v4(uint8_t out[16], uint32_t a)
{
    memset(out, 0, 16);
    out[10] = 0xff;
    out[11] = 0xff;
    out[12] = (uint8_t)(a >> 24);
    out[13] = (uint8_t)(a >> 16);
    out[14] = (uint8_t)(a >> 8);
    out[15] = (uint8_t)a;
}

#define IP(a, b, c, d)                                                                             \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* An IPv4 packet that decoded to L4: src:sport -> dst:dport at T0 + ts_off_us. */
static inline struct pl_pkt
mkpkt(uint8_t proto, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint64_t ts_off_us)
{
    struct pl_pkt p;
    memset(&p, 0, sizeof p);
    v4(p.src, src);
    v4(p.dst, dst);
    p.sport = sport;
    p.dport = dport;
    p.l4_proto = proto;
    p.ip_version = 4;
    p.layer = PL_LAYER_L4;
    p.ip_len = 100;
    p.ts_us = T0 + ts_off_us;
    return p;
}

static inline struct pl_pkt
tcp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint8_t flags, uint64_t ts_off_us)
{
    struct pl_pkt p = mkpkt(PL_IPPROTO_TCP, src, sport, dst, dport, ts_off_us);
    p.tcp_flags = flags;
    return p;
}

static inline struct pl_pkt
udp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint64_t ts_off_us)
{
    return mkpkt(PL_IPPROTO_UDP, src, sport, dst, dport, ts_off_us);
}

#define A IP(10, 0, 0, 1)
#define B IP(10, 0, 0, 2)
#define C IP(10, 0, 0, 3)

/* Collects emitted records in order. */
#ifndef COLLECT_MAX
#define COLLECT_MAX 64
#endif
struct collect {
    struct pl_flow flows[COLLECT_MAX]; /* the first COLLECT_MAX records */
    size_t n;                          /* records emitted */
    uint64_t pkts;                     /* packets in all records emitted */
};

static inline void
collect_emit(void *ctx, const struct pl_flow *f)
{
    struct collect *c = ctx;
    if (c->n < COLLECT_MAX)
        c->flows[c->n] = *f;
    c->n++;
    c->pkts += f->pkts_fwd + f->pkts_rev;
}

static inline struct pl_flow_cfg
cfg_default(void)
{
    struct pl_flow_cfg cfg = {
        .idle_us = PL_FLOW_IDLE_DEFAULT_US,
        .active_us = PL_FLOW_ACTIVE_DEFAULT_US,
        .max_flows = 16,
        .max_frags = 16,
    };
    return cfg;
}

/* Feed one packet as the pipeline does: advance time, then count. */
static inline bool
feed(struct pl_flow_table *ft, struct pl_pkt p)
{
    pl_flow_table_advance(ft, p.ts_us);
    return pl_flow_table_packet(ft, &p);
}

#ifdef CRITERION_ASSERT_H_
/* A table over no registry that collects what it emits into *c (Criterion tests only). */
static inline struct pl_flow_table *
collect_table(struct collect *c, struct pl_flow_cfg cfg)
{
    struct pl_err err = {.msg = ""};
    memset(c, 0, sizeof *c);
    struct pl_flow_table *ft = pl_flow_table_new(&cfg, NULL, collect_emit, c, &err);
    cr_assert_not_null(ft, "%s", err.msg);
    return ft;
}
#endif

#endif
