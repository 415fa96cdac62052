/* tests/tools/bench_flow.c — flow-table micro-benchmark (SPEC §4): insert N flows, then count
 * M packets spread at random over them, all in memory; reports ns per packet and resident
 * memory per live flow (VmRSS before and after). A tool, not a test.
 *   bench_flow [--flows N] [--packets M] [--seed S] [--prefetch 0|1|2]
 * (defaults 1,000,000 / 5,000,000 / all prefetch hints: phase 2 makes packets 16 ahead). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "portlabel/flow.h"

static long
vm_rss_kib(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;

    if (fp == NULL)
        return -1;
    while (fgets(line, sizeof line, fp) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    fclose(fp);
    return kib;
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Flow i: 10.a.b.c:(1024 + i % 50000) -> 192.0.2.(i % 200):443/tcp, or UDP port 53 for odd i. */
static void
make_pkt(struct pl_pkt *p, uint32_t i, bool reply, uint64_t ts_us)
{
    uint8_t client[16] = {0}, server[16] = {0};
    uint32_t c = 0x0a000000u | (i / 50000u + 1u);
    client[10] = client[11] = server[10] = server[11] = 0xff;
    client[12] = (uint8_t)(c >> 24);
    client[13] = (uint8_t)(c >> 16);
    client[14] = (uint8_t)(c >> 8);
    client[15] = (uint8_t)c;
    server[12] = 192;
    server[14] = 2;
    server[15] = (uint8_t)(i % 200u);
    uint16_t cport = (uint16_t)(1024u + i % 50000u);
    uint16_t sport = (i & 1u) ? 53 : 443;

    memcpy(reply ? p->dst : p->src, client, 16);
    memcpy(reply ? p->src : p->dst, server, 16);
    p->sport = reply ? sport : cport;
    p->dport = reply ? cport : sport;
    p->l4_proto = (i & 1u) ? PL_IPPROTO_UDP : PL_IPPROTO_TCP;
    p->tcp_flags = (i & 1u) ? 0 : (reply ? PL_TCP_ACK : PL_TCP_ACK | PL_TCP_PSH);
    p->ts_us = ts_us;
}

static void
count_emit(void *ctx, const struct pl_flow *f)
{
    uint64_t *n = ctx;
    (void)f;
    (*n)++;
}

int
main(int argc, char **argv)
{
    uint32_t flows = 1000000;
    uint64_t packets = 5000000, seed = 0x9e3779b97f4a7c15ull;
    int prefetch = 2; /* 0 none, 1 bucket+flow, 2 also links */

    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--flows") == 0)
            flows = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--packets") == 0)
            packets = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--prefetch") == 0)
            prefetch = (int)strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0)
            seed = strtoull(argv[i + 1], NULL, 10) | 1u;
    }
    if (flows == 0 || packets < flows) {
        fprintf(stderr, "bench_flow: need 0 < flows <= packets\n");
        return 2;
    }

    struct pl_flow_cfg cfg = {
        .idle_us = PL_FLOW_IDLE_DEFAULT_US,
        .active_us = PL_FLOW_ACTIVE_DEFAULT_US,
        .max_flows = flows,
        .max_frags = PL_FRAG_MAX_DEFAULT,
    };
    struct pl_err err = {.msg = ""};
    uint64_t emitted = 0;
    long rss0 = vm_rss_kib();
    struct pl_flow_table *ft = pl_flow_table_new(&cfg, NULL, count_emit, &emitted, &err);
    if (ft == NULL) {
        fprintf(stderr, "bench_flow: %s\n", err.msg);
        return 1;
    }
    long rss_new = vm_rss_kib();

    struct pl_pkt p;
    memset(&p, 0, sizeof p);
    p.ip_version = 4;
    p.layer = PL_LAYER_L4;
    p.ip_len = 576;
    uint64_t ts = 1700000000ull * 1000000u;

    double t0 = now_s();
    for (uint32_t i = 0; i < flows; i++) { /* phase 1: every packet a new flow */
        make_pkt(&p, i, false, ts++);
        pl_flow_table_advance(ft, p.ts_us);
        (void)pl_flow_table_packet(ft, &p);
    }
    double t1 = now_s();
    long rss_full = vm_rss_kib();
    uint64_t rng = seed;
    enum { AHEAD = 16 };
    struct pl_pkt ring[AHEAD];
    for (uint64_t k = flows; k < packets + AHEAD; k++) { /* phase 2: random existing flows */
        struct pl_pkt *slot = &ring[k % AHEAD];
        if (k >= flows + AHEAD) { /* the packet made AHEAD iterations ago is counted now */
            pl_flow_table_advance(ft, slot->ts_us);
            (void)pl_flow_table_packet(ft, slot);
        }
        if (k < packets) {
            uint64_t r = xorshift64(&rng);
            *slot = p;
            make_pkt(slot, (uint32_t)(r % flows), (r >> 40) & 1u, ts++);
            if (prefetch) { /* hints 12, 8 and 4 packets before counting */
                if (k >= flows + 4)
                    pl_flow_table_prefetch_bucket(ft, &ring[(k - 4) % AHEAD]);
                if (k >= flows + 8)
                    pl_flow_table_prefetch_flow(ft, &ring[(k - 8) % AHEAD]);
                if (k >= flows + 12 && prefetch > 1)
                    pl_flow_table_prefetch_links(ft, &ring[(k - 12) % AHEAD]);
            }
        }
    }
    double t2 = now_s();
    pl_flow_table_finish(ft, PL_END_EOF);
    double t3 = now_s();

    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    printf("flows %u, packets %llu (emitted %llu records, %llu in flows)\n", flows,
           (unsigned long long)packets, (unsigned long long)emitted,
           (unsigned long long)st.packets_in_flows);
    printf("insert: %.1f ns/packet (new flow each)\n", (t1 - t0) * 1e9 / flows);
    printf("lookup: %.1f ns/packet (random existing flow)\n",
           (t2 - t1) * 1e9 / (double)(packets - flows));
    printf("all:    %.1f ns/packet over %llu packets\n", (t2 - t0) * 1e9 / (double)packets,
           (unsigned long long)packets);
    printf("finish: %.1f ns/flow\n", (t3 - t2) * 1e9 / flows);
    printf("RSS: %ld KiB at start, %ld KiB after new, %ld KiB with %u live flows: %.1f B/flow\n",
           rss0, rss_new, rss_full, flows, (double)(rss_full - rss0) * 1024.0 / flows);
    pl_flow_table_free(ft);
    return emitted == flows && st.packets_in_flows == packets ? 0 : 1;
}
