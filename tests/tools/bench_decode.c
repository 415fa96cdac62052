/* tests/tools/bench_decode.c — decoder speed: ns per frame for frames already in memory.
 *
 *   bench_decode [PACKETS]      (default 20,000,000 decodes per mix)
 *
 * Builds 4096 frames per mix with tests/support/frames.c (ports, addresses and payload
 * sizes vary), then decodes them round-robin PACKETS times. A baseline loop over the
 * same frames (sum of lengths and first bytes) runs in the same process, so the report
 * shows the decoder's own cost beside the cost of merely touching the frames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frames.h"
#include "portlabel/decode.h"

#define N_FRAMES 4096u
#define STRIDE 256u /* bytes reserved per frame */

struct mix {
    const char *name;
    enum pl_linktype link;
    void (*build)(struct fb *f, unsigned i);
};

static void
build_eth_ipv4_tcp(struct fb *f, unsigned i)
{
    fb_eth_ipv4_tcp(f, (uint16_t)(1024 + i), (uint16_t)(i % 3 == 0 ? 443 : 80),
                    i % 5 == 0 ? PL_TCP_SYN : PL_TCP_ACK | PL_TCP_PSH, (i * 37u) % 180u);
    f->b[f->ip_off + 15] = (uint8_t)i; /* vary the source address */
}

static void
build_eth_vlan_ipv6_udp(struct fb *f, unsigned i)
{
    fb_init(f);
    fb_eth(f, FB_ET_8021Q);
    fb_vlan(f, (uint16_t)(i % 4094 + 1), FB_ET_IPV6);
    fb_ipv6(f, PL_IPPROTO_UDP);
    fb_udp(f, (uint16_t)(1024 + i), 53);
    fb_payload(f, (i * 29u) % 150u);
    fb_finish(f);
}

static double
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: robust on a shared machine */
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void
run_mix(const struct mix *m, unsigned long long packets)
{
    uint8_t *store = malloc((size_t)N_FRAMES * STRIDE);
    struct pl_frame *frames = calloc(N_FRAMES, sizeof *frames);
    struct fb f;
    if (store == NULL || frames == NULL) {
        perror("bench_decode");
        exit(1);
    }
    for (unsigned i = 0; i < N_FRAMES; i++) {
        m->build(&f, i);
        if (f.len > STRIDE) {
            fprintf(stderr, "bench_decode: frame too long\n");
            exit(1);
        }
        memcpy(store + (size_t)i * STRIDE, f.b, f.len);
        frames[i] = (struct pl_frame){
            .data = store + (size_t)i * STRIDE,
            .cap_len = (uint32_t)f.len,
            .wire_len = (uint32_t)f.len,
            .ts_us = 1700000000000000u + i,
            .link = m->link,
        };
    }

    /* Baseline: touch every frame as cheaply as possible. */
    volatile uint64_t sink = 0;
    uint64_t acc = 0;
    double t0 = now_ns();
    for (unsigned long long n = 0; n < packets; n++) {
        const struct pl_frame *fr = &frames[n & (N_FRAMES - 1)];
        acc += fr->cap_len + fr->data[0];
    }
    double t1 = now_ns();
    sink = acc;

    /* Decode. */
    unsigned long long ok = 0;
    acc = 0;
    double t2 = now_ns();
    for (unsigned long long n = 0; n < packets; n++) {
        struct pl_pkt pkt;
        enum pl_decode_status st = pl_decode_frame(&frames[n & (N_FRAMES - 1)], &pkt);
        ok += st == PL_DEC_OK;
        acc += (uint64_t)pkt.sport + pkt.dport + pkt.ip_len;
    }
    double t3 = now_ns();
    sink = acc;
    (void)sink;

    double base = (t1 - t0) / (double)packets;
    double dec = (t3 - t2) / (double)packets;
    printf("%-22s %llu decodes: %.2f ns/packet (baseline loop %.2f ns/packet, decoder "
           "cost %.2f ns/packet, %.1f Mpps), ok %llu\n",
           m->name, packets, dec, base, dec - base, 1e3 / dec, ok);
    if (ok != packets) {
        fprintf(stderr, "bench_decode: %s: %llu frames did not decode\n", m->name, packets - ok);
        exit(1);
    }
    free(frames);
    free(store);
}

int
main(int argc, char **argv)
{
    unsigned long long packets = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000000ull;
    static const struct mix mixes[] = {
        {"eth/ipv4/tcp", PL_LINK_ETHERNET, build_eth_ipv4_tcp},
        {"eth/vlan/ipv6/udp", PL_LINK_ETHERNET, build_eth_vlan_ipv6_udp},
    };
    if (packets == 0)
        packets = 1;
    for (size_t i = 0; i < sizeof mixes / sizeof mixes[0]; i++)
        run_mix(&mixes[i], packets);
    return 0;
}
