/* tests/hardening/flood.c — write a hostile-traffic pcap (libpcap savefile format, Ethernet)
 * to standard output, for the resource-bound tests of issue 6.
 *
 *   pl_flood syn N [SEED]   N distinct TCP (RFC 9293) SYN flows over IPv4 (RFC 791), one packet
 *                           each, 1 us apart: source 10.0.0.0 + i (unique), random ports.
 *   pl_flood frag N [SEED]  N IP fragments, 20 us apart, alternating:
 *                           - an IPv6 (RFC 8200 §4.5) first fragment of UDP (RFC 768), all of
 *                             one flow 2001:db8::1:1000 -> 2001:db8::2:2000, each with a
 *                             fresh identification (i * an odd constant mod 2^32: no repeat);
 *                           - an IPv4 later fragment (offset 1480) of UDP, random addresses
 *                             in 172.16.0.0/12 and a random identification.
 * Nothing here reads its own output; the tests compare portlabel's summary with N.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0_SEC 1700000000u

static uint64_t
next_rand(uint64_t *s)
{
    uint64_t x = *s; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static void
put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffffu);
}

static void
put32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint16_t
ip_checksum(const uint8_t *h, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (s >> 16)
        s = (s & 0xffffu) + (s >> 16);
    return (uint16_t)~s;
}

static void
write_or_die(const void *p, size_t n)
{
    if (fwrite(p, 1, n, stdout) != n) {
        perror("pl_flood: write");
        exit(1);
    }
}

static void
file_header(void)
{
    uint8_t h[24] = {0};
    put32le(h, 0xa1b2c3d4u);
    h[4] = 2; /* version 2.4 */
    h[6] = 4;
    put32le(h + 16, 262144); /* snaplen */
    put32le(h + 20, 1);      /* LINKTYPE_ETHERNET */
    write_or_die(h, sizeof h);
}

static void
record(uint64_t ts_us, const uint8_t *frame, uint32_t len)
{
    uint8_t h[16];
    put32le(h, (uint32_t)(T0_SEC + ts_us / 1000000u));
    put32le(h + 4, (uint32_t)(ts_us % 1000000u));
    put32le(h + 8, len);
    put32le(h + 12, len);
    write_or_die(h, sizeof h);
    write_or_die(frame, len);
}

static void
eth(uint8_t *f, uint32_t ethertype)
{
    static const uint8_t macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
    memcpy(f, macs, sizeof macs);
    put16(f + 12, ethertype);
}

static void
ipv4(uint8_t *ip, uint32_t src, uint32_t dst, uint32_t total, uint32_t id, uint32_t frag,
     uint8_t proto)
{
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, total);
    put16(ip + 4, id);
    put16(ip + 6, frag);
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, ip_checksum(ip, 20));
}

static void
flood_syn(uint64_t n, uint64_t seed)
{
    uint8_t f[54];

    if (n > 0x00ffffffu) {
        fputs("pl_flood: syn: at most 16777215 flows (one source address each)\n", stderr);
        exit(2);
    }
    file_header();
    eth(f, 0x0800);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t r = next_rand(&seed);
        uint8_t *tcp = f + 34;
        ipv4(f + 14, 0x0a000000u + (uint32_t)i, 0xc0000201u, 40, (uint32_t)(r >> 48), 0, 6);
        memset(tcp, 0, 20);
        put16(tcp, (uint32_t)(r & 0xffffu) | 1u);       /* random ports, never 0 */
        put16(tcp + 2, (uint32_t)((r >> 16) & 0xffffu) | 1u);
        put32(tcp + 4, (uint32_t)(r >> 32));
        tcp[12] = 5 << 4;
        tcp[13] = 0x02; /* SYN */
        put16(tcp + 14, 65535);
        record(i, f, sizeof f);
    }
}

static void
flood_frag(uint64_t n, uint64_t seed)
{
    uint8_t f6[14 + 40 + 8 + 8 + 16]; /* IPv6 first fragment: frag header, UDP header, data */
    uint8_t f4[14 + 20 + 24];         /* IPv4 later fragment: 24 bytes of data */

    file_header();
    eth(f6, 0x86dd);
    memset(f6 + 14, 0, sizeof f6 - 14);
    uint8_t *ip6 = f6 + 14;
    ip6[0] = 0x60;
    put16(ip6 + 4, 8 + 8 + 16); /* payload length */
    ip6[6] = 44;                /* Fragment header */
    ip6[7] = 64;
    put32(ip6 + 8, 0x20010db8u);
    put32(ip6 + 20, 0x00011000u);
    put32(ip6 + 24, 0x20010db8u);
    put32(ip6 + 36, 0x00022000u);
    uint8_t *fh = ip6 + 40;
    fh[0] = 17;             /* next header UDP */
    put16(fh + 2, 0x0001);  /* offset 0, M = 1 */
    uint8_t *udp = fh + 8;
    put16(udp, 1000);
    put16(udp + 2, 2000);
    put16(udp + 4, 8 + 1400); /* the whole datagram's length */
    eth(f4, 0x0800);
    memset(f4 + 34, 0xab, sizeof f4 - 34);
    for (uint64_t i = 0; i < n; i++) {
        if (i % 2 == 0) {
            put32(fh + 4, (uint32_t)((i / 2) * 0x9e3779b1u)); /* odd multiplier: a bijection */
            record(i * 20, f6, sizeof f6);
        } else {
            uint64_t r = next_rand(&seed);
            ipv4(f4 + 14, 0xac100000u | (uint32_t)(r & 0xfffffu),
                 0xac100000u | (uint32_t)((r >> 20) & 0xfffffu), 20 + 24, (uint32_t)(r >> 48),
                 1480 / 8, 17);
            record(i * 20, f4, sizeof f4);
        }
    }
}

int
main(int argc, char **argv)
{
    static char buf[1 << 20];

    if (argc < 3) {
        fputs("usage: pl_flood syn|frag N [SEED] > out.pcap\n", stderr);
        return 2;
    }
    uint64_t n = strtoull(argv[2], NULL, 10);
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    if (seed == 0)
        seed = 1;
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    if (strcmp(argv[1], "syn") == 0)
        flood_syn(n, seed);
    else if (strcmp(argv[1], "frag") == 0)
        flood_frag(n, seed);
    else {
        fprintf(stderr, "pl_flood: unknown mode '%s'\n", argv[1]);
        return 2;
    }
    if (fflush(stdout) != 0) {
        perror("pl_flood: write");
        return 1;
    }
    return 0;
}
