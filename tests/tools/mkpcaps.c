/* tests/tools/mkpcaps.c — writes the project's own small captures (pcaps/, see pcaps/PROVENANCE).
 *
 * Frames are built byte by byte: Ethernet II with 802.1Q / 802.1ad / 0x9100 tags (IEEE 802.1Q),
 * ARP (RFC 826), IPv4 (RFC 791, fragments), IPv6 (RFC 8200, destination options and fragment
 * headers), ICMP (RFC 792), TCP (RFC 9293), UDP (RFC 768), SCTP (RFC 9260, CRC32c) and DCCP
 * (RFC 4340). Checksums are correct except where a frame is broken on purpose.
 *
 * Deterministic: fixed addresses (RFC 5737 / RFC 3849 documentation ranges, RFC 1918 in the
 * sample), fixed timestamps from 2026-01-01T00:00:00Z, written with libpcap's dump functions.
 * The expected outputs in tests/golden/ are derived by hand from the comments here.
 *
 * Usage: mkpcaps OUTDIR
 */
#include <arpa/inet.h>
#include <pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define T0_SEC 1767225600ull /* 2026-01-01T00:00:00Z */
#define SEC(s) ((uint64_t)(s) * 1000000ull)
#define MS(ms) ((uint64_t)(ms) * 1000ull)

#define ETH_IPV4 0x0800
#define ETH_ARP 0x0806
#define ETH_IPV6 0x86dd
#define ETH_8021Q 0x8100
#define ETH_8021AD 0x88a8
#define ETH_9100 0x9100

#define P_ICMP 1
#define P_TCP 6
#define P_UDP 17
#define P_DCCP 33
#define P_FRAG6 44
#define P_DSTOPTS 60
#define P_SCTP 132

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

#define FRAME_MAX 4096

/* Frames are collected, then written in timestamp order (generators may interleave flows). */
struct rec {
    uint64_t t_us;
    size_t seq; /* order of creation: ties keep it */
    uint32_t len, caplen;
    uint8_t *bytes;
};

struct out {
    pcap_t *pcap;
    pcap_dumper_t *dump;
    struct rec *recs;
    size_t n, cap;
};

/* Up to three VLAN tags, outermost first. */
struct link {
    int ntags;
    uint16_t tpid[3];
    uint16_t tci[3]; /* PCP << 13 | VID */
};

static const struct link untagged = { 0, { 0 }, { 0 } };

/* One endpoint pair: a is the side that speaks first in the usual case. */
struct conv {
    const struct link *link;
    int ipv;
    const char *a, *b;
    uint16_t aport, bport;
    uint32_t seq[2]; /* next TCP sequence number per direction (0: a->b, 1: b->a) */
};

/* IP-layer options for one packet. */
struct ipopt {
    uint16_t id;        /* IPv4 identification, IPv6 fragment identification */
    bool frag;          /* emit a fragment: IPv4 offset/MF, IPv6 fragment header */
    uint16_t frag_off;  /* bytes, a multiple of 8 */
    bool mf;            /* more fragments */
    bool v6_dstopts;    /* IPv6: insert an 8-byte destination options header */
    uint8_t ihl;        /* IPv4: override IHL (0: 5) */
    bool set_totlen;    /* IPv4: override total length / IPv6 payload length with totlen */
    uint16_t totlen;
    uint16_t ip_version; /* override the version nibble (0: ipv) */
    size_t caplen;      /* captured bytes of the frame (0: all) */
};

static void
put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void
addr(int ipv, const char *text, uint8_t *out)
{
    if (inet_pton(ipv == 6 ? AF_INET6 : AF_INET, text, out) != 1) {
        fprintf(stderr, "mkpcaps: bad address %s\n", text);
        exit(1);
    }
}

/* Internet checksum (RFC 1071) over buf, continuing from sum. */
static uint32_t
csum_add(uint32_t sum, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)buf[i] << 8 | buf[i + 1];
    if (len & 1)
        sum += (uint32_t)buf[len - 1] << 8;
    return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* CRC32c (Castagnoli), reflected, as SCTP uses it (RFC 9260 appendix A). */
static uint32_t
crc32c(const uint8_t *buf, size_t len)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= buf[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
    }
    return ~crc;
}

/* Fill the transport checksum of a whole datagram l4[0..len). */
static void
l4_checksum(int ipv, const uint8_t *src, const uint8_t *dst, uint8_t proto, uint8_t *l4,
            size_t len)
{
    size_t at;
    switch (proto) {
    case P_TCP: at = 16; break;
    case P_UDP: at = 6; break;
    case P_DCCP: at = 6; break;
    case P_ICMP: at = 2; break;
    case P_SCTP: {
        put32(l4 + 8, 0);
        uint32_t c = crc32c(l4, len);
        /* CRC32c goes on the wire least significant byte first. */
        l4[8] = (uint8_t)c;
        l4[9] = (uint8_t)(c >> 8);
        l4[10] = (uint8_t)(c >> 16);
        l4[11] = (uint8_t)(c >> 24);
        return;
    }
    default: return;
    }
    put16(l4 + at, 0);
    uint32_t sum = 0;
    if (proto != P_ICMP) {
        uint8_t ph[40];
        size_t alen = ipv == 6 ? 16 : 4;
        memcpy(ph, src, alen);
        memcpy(ph + alen, dst, alen);
        sum = csum_add(sum, ph, 2 * alen);
        sum += proto;
        sum += (uint32_t)len;
    }
    sum = csum_add(sum, l4, len);
    uint16_t c = csum_fold(sum);
    if (proto == P_UDP && c == 0)
        c = 0xffff;
    put16(l4 + at, c);
}

static void
dump(struct out *o, uint64_t t_us, const uint8_t *frame, size_t len, size_t caplen)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 64;
        o->recs = realloc(o->recs, o->cap * sizeof *o->recs);
        if (o->recs == NULL) {
            fprintf(stderr, "mkpcaps: out of memory\n");
            exit(1);
        }
    }
    struct rec *r = &o->recs[o->n];
    r->t_us = t_us;
    r->seq = o->n++;
    r->len = (uint32_t)len;
    r->caplen = (uint32_t)(caplen != 0 && caplen < len ? caplen : len);
    r->bytes = malloc(r->caplen);
    if (r->bytes == NULL) {
        fprintf(stderr, "mkpcaps: out of memory\n");
        exit(1);
    }
    memcpy(r->bytes, frame, r->caplen);
}

static int
rec_cmp(const void *x, const void *y)
{
    const struct rec *a = x, *b = y;
    if (a->t_us != b->t_us)
        return a->t_us < b->t_us ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Ethernet header with tags; MACs are 02:00:00:00:00:XX with XX the last address byte. */
static size_t
eth(uint8_t *f, const struct link *l, uint8_t smac, uint8_t dmac, uint16_t ethertype)
{
    static const uint8_t base[5] = { 0x02, 0x00, 0x00, 0x00, 0x00 };
    size_t n = 0;
    memcpy(f, base, 5);
    f[5] = dmac;
    memcpy(f + 6, base, 5);
    f[11] = smac;
    n = 12;
    for (int i = 0; i < l->ntags; i++) {
        put16(f + n, l->tpid[i]);
        put16(f + n + 2, l->tci[i]);
        n += 4;
    }
    put16(f + n, ethertype);
    return n + 2;
}

/* One IP packet carrying data[0..len) (a whole transport datagram, or a fragment's slice). */
static void
ip_emit(struct out *o, uint64_t t, const struct link *l, int ipv, const char *src,
        const char *dst, uint8_t proto, const uint8_t *data, size_t len, const struct ipopt *opt)
{
    static const struct ipopt none;
    uint8_t f[FRAME_MAX];
    uint8_t s[16], d[16];
    if (opt == NULL)
        opt = &none;
    addr(ipv, src, s);
    addr(ipv, dst, d);
    size_t alen = ipv == 6 ? 16 : 4;
    size_t n = eth(f, l, s[alen - 1], d[alen - 1], ipv == 6 ? ETH_IPV6 : ETH_IPV4);
    uint8_t *ip = f + n;
    if (ipv == 4) {
        uint8_t ihl = opt->ihl ? opt->ihl : 5;
        size_t hl = 20;
        size_t tot = hl + len;
        memset(ip, 0, hl);
        ip[0] = (uint8_t)((opt->ip_version ? opt->ip_version : 4) << 4 | ihl);
        put16(ip + 2, (uint32_t)(opt->set_totlen ? opt->totlen : tot));
        put16(ip + 4, opt->id);
        uint32_t fo = (uint32_t)(opt->frag_off / 8u) | (opt->mf ? 0x2000u : 0u);
        if (!opt->frag)
            fo = 0x4000; /* DF */
        put16(ip + 6, fo);
        ip[8] = 64;
        ip[9] = proto;
        memcpy(ip + 12, s, 4);
        memcpy(ip + 16, d, 4);
        put16(ip + 10, csum_fold(csum_add(0, ip, hl)));
        memcpy(ip + hl, data, len);
        n += tot;
    } else {
        size_t ext = 0;
        uint8_t *p = ip + 40;
        uint8_t first_nh = proto;
        memset(ip, 0, 40);
        ip[0] = (uint8_t)((opt->ip_version ? opt->ip_version : 6) << 4);
        ip[7] = 64;
        memcpy(ip + 8, s, 16);
        memcpy(ip + 24, d, 16);
        if (opt->v6_dstopts) { /* next header, length 0, PadN of 4 bytes */
            first_nh = P_DSTOPTS;
            p[0] = opt->frag ? P_FRAG6 : proto;
            p[1] = 0;
            p[2] = 1; /* PadN */
            p[3] = 4;
            memset(p + 4, 0, 4);
            p += 8;
            ext += 8;
        }
        if (opt->frag) {
            if (!opt->v6_dstopts)
                first_nh = P_FRAG6;
            p[0] = proto;
            p[1] = 0;
            put16(p + 2, (uint32_t)(opt->frag_off | (opt->mf ? 1u : 0u)));
            put32(p + 4, opt->id);
            p += 8;
            ext += 8;
        }
        ip[6] = first_nh;
        put16(ip + 4, (uint32_t)(opt->set_totlen ? opt->totlen : ext + len));
        memcpy(p, data, len);
        n += 40 + ext + len;
    }
    dump(o, t, f, n, opt->caplen);
}

/* A whole transport datagram in one IP packet, checksummed. */
static void
l4_emit(struct out *o, uint64_t t, const struct conv *c, int dir, uint8_t proto, uint8_t *l4,
        size_t len, const struct ipopt *opt)
{
    uint8_t s[16], d[16];
    const char *src = dir ? c->b : c->a;
    const char *dst = dir ? c->a : c->b;
    addr(c->ipv, src, s);
    addr(c->ipv, dst, d);
    l4_checksum(c->ipv, s, d, proto, l4, len);
    ip_emit(o, t, c->link, c->ipv, src, dst, proto, l4, len, opt);
}

static void
fill_payload(uint8_t *p, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(seed + i * 7u);
}

/* TCP segment, 20-byte header, paylen payload bytes. */
static void
tcp_opt(struct out *o, uint64_t t, struct conv *c, int dir, uint8_t flags, size_t paylen,
        const struct ipopt *opt)
{
    uint8_t l4[FRAME_MAX];
    put16(l4, dir ? c->bport : c->aport);
    put16(l4 + 2, dir ? c->aport : c->bport);
    put32(l4 + 4, c->seq[dir]);
    put32(l4 + 8, (flags & F_ACK) ? c->seq[!dir] : 0);
    l4[12] = 5 << 4;
    l4[13] = flags;
    put16(l4 + 14, 64240);
    put32(l4 + 16, 0);
    fill_payload(l4 + 20, paylen, (uint8_t)(c->aport + dir));
    c->seq[dir] += (uint32_t)paylen + ((flags & (F_SYN | F_FIN)) ? 1u : 0u);
    l4_emit(o, t, c, dir, P_TCP, l4, 20 + paylen, opt);
}

static void
tcp(struct out *o, uint64_t t, struct conv *c, int dir, uint8_t flags, size_t paylen)
{
    tcp_opt(o, t, c, dir, flags, paylen, NULL);
}

/* A whole TCP connection, a -> b, starting at t:
 *   +0.00 S  +0.01 SA  +0.02 A  +0.03 PA(req)  +0.05 PA(resp)  +0.06 FA  +0.07 FA(b)  +0.08 A
 * fwd (a->b): 5 packets, hdr*5 + req bytes, flags F S P A; rev: 3 packets, hdr*3 + resp. FIN
 * both ways at +0.07 (the close time). */
static void
tcp_session(struct out *o, uint64_t t, struct conv *c, size_t req, size_t resp)
{
    tcp(o, t, c, 0, F_SYN, 0);
    tcp(o, t + MS(10), c, 1, F_SYN | F_ACK, 0);
    tcp(o, t + MS(20), c, 0, F_ACK, 0);
    tcp(o, t + MS(30), c, 0, F_PSH | F_ACK, req);
    tcp(o, t + MS(50), c, 1, F_PSH | F_ACK, resp);
    tcp(o, t + MS(60), c, 0, F_FIN | F_ACK, 0);
    tcp(o, t + MS(70), c, 1, F_FIN | F_ACK, 0);
    tcp(o, t + MS(80), c, 0, F_ACK, 0);
}

static void
udp_opt(struct out *o, uint64_t t, struct conv *c, int dir, size_t paylen,
        const struct ipopt *opt)
{
    uint8_t l4[FRAME_MAX];
    put16(l4, dir ? c->bport : c->aport);
    put16(l4 + 2, dir ? c->aport : c->bport);
    put16(l4 + 4, (uint32_t)(8 + paylen));
    put16(l4 + 6, 0);
    fill_payload(l4 + 8, paylen, (uint8_t)(c->bport + dir));
    l4_emit(o, t, c, dir, P_UDP, l4, 8 + paylen, opt);
}

static void
udp(struct out *o, uint64_t t, struct conv *c, int dir, size_t paylen)
{
    udp_opt(o, t, c, dir, paylen, NULL);
}

/* SCTP packet with one chunk of the given type and total chunk length (>= 4, multiple of 4). */
static void
sctp(struct out *o, uint64_t t, struct conv *c, int dir, uint8_t chunk, size_t chunk_len)
{
    uint8_t l4[FRAME_MAX];
    memset(l4, 0, 12 + chunk_len);
    put16(l4, dir ? c->bport : c->aport);
    put16(l4 + 2, dir ? c->aport : c->bport);
    put32(l4 + 4, chunk == 1 ? 0 : 0x5ca1ab1e + (uint32_t)dir); /* verification tag */
    l4[12] = chunk;
    l4[13] = chunk == 0 ? 0x03 : 0; /* DATA: B and E bits */
    put16(l4 + 14, (uint32_t)chunk_len);
    if (chunk == 1 || chunk == 2) { /* INIT / INIT-ACK: tag, a_rwnd, streams, TSN */
        put32(l4 + 16, 0x1000u + (uint32_t)dir);
        put32(l4 + 20, 65536);
        put16(l4 + 24, 10);
        put16(l4 + 26, 10);
        put32(l4 + 28, 1);
    }
    if (chunk_len > 20 && (chunk == 1 || chunk == 2)) {
        put16(l4 + 32, 7); /* INIT-ACK: State Cookie parameter */
        put16(l4 + 34, (uint32_t)(chunk_len - 20));
        fill_payload(l4 + 36, chunk_len - 24, 0x33);
    } else if (chunk == 0 && chunk_len > 16) {
        put32(l4 + 16, 1);
        fill_payload(l4 + 28, chunk_len - 16, 0x44);
    } else if (chunk == 10 && chunk_len > 4) {
        fill_payload(l4 + 16, chunk_len - 4, 0x33);
    }
    l4_emit(o, t, c, dir, P_SCTP, l4, 12 + chunk_len, NULL);
}

/* DCCP packet (RFC 4340 §5): generic header (X=1: 16 bytes, X=0: 12 bytes), then an
 * acknowledgement subheader for every type but Request and Data, a service code for
 * Request and Response, then paylen bytes of data. */
static void
dccp(struct out *o, uint64_t t, struct conv *c, int dir, uint8_t type, bool x, size_t paylen)
{
    uint8_t l4[FRAME_MAX];
    size_t n = x ? 16 : 12;
    memset(l4, 0, sizeof l4);
    put16(l4, dir ? c->bport : c->aport);
    put16(l4 + 2, dir ? c->aport : c->bport);
    l4[8] = (uint8_t)(type << 1 | (x ? 1 : 0)); /* Res(3) Type(4) X(1) */
    if (x) {
        put16(l4 + 10, 0); /* byte 9 reserved; 48-bit sequence number */
        put32(l4 + 12, c->seq[dir]);
    } else {
        l4[9] = (uint8_t)(c->seq[dir] >> 16); /* 24-bit sequence number */
        put16(l4 + 10, c->seq[dir] & 0xffff);
    }
    if (type != 0 && type != 2) { /* acknowledgement subheader */
        if (x) {
            put32(l4 + n + 4, c->seq[!dir]);
            n += 8;
        } else {
            put32(l4 + n, c->seq[!dir] & 0xffffff);
            n += 4;
        }
    }
    if (type == 0 || type == 1) { /* service code */
        put32(l4 + n, 0x52545056); /* "RTPV" */
        n += 4;
    }
    l4[4] = (uint8_t)(n / 4); /* data offset, 32-bit words */
    fill_payload(l4 + n, paylen, 0x55);
    c->seq[dir]++;
    l4_emit(o, t, c, dir, P_DCCP, l4, n + paylen, NULL);
}

static void
open_out(struct out *o, const char *dir, const char *name)
{
    char path[4096];
    memset(o, 0, sizeof *o);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    o->pcap = pcap_open_dead(DLT_EN10MB, 65535);
    if (o->pcap == NULL) {
        fprintf(stderr, "mkpcaps: pcap_open_dead failed\n");
        exit(1);
    }
    o->dump = pcap_dump_open(o->pcap, path);
    if (o->dump == NULL) {
        fprintf(stderr, "mkpcaps: %s: %s\n", path, pcap_geterr(o->pcap));
        exit(1);
    }
}

static void
close_out(struct out *o)
{
    qsort(o->recs, o->n, sizeof *o->recs, rec_cmp);
    for (size_t i = 0; i < o->n; i++) {
        struct pcap_pkthdr h;
        uint64_t abs = SEC(T0_SEC) + o->recs[i].t_us;
        memset(&h, 0, sizeof h);
        h.ts.tv_sec = (time_t)(abs / 1000000u);
        h.ts.tv_usec = (suseconds_t)(abs % 1000000u);
        h.len = o->recs[i].len;
        h.caplen = o->recs[i].caplen;
        pcap_dump((u_char *)o->dump, &h, o->recs[i].bytes);
        free(o->recs[i].bytes);
    }
    free(o->recs);
    pcap_dump_close(o->dump);
    pcap_close(o->pcap);
}

static struct conv
conv4(const char *a, uint16_t ap, const char *b, uint16_t bp)
{
    struct conv c = { &untagged, 4, a, b, ap, bp, { 1000, 5000 } };
    return c;
}

static struct conv
conv6(const char *a, uint16_t ap, const char *b, uint16_t bp)
{
    struct conv c = { &untagged, 6, a, b, ap, bp, { 1000, 5000 } };
    return c;
}

/* tcp-basics.pcap: handshakes, SYN+ACK first, mid-stream, RST, reopen after close. */
static void
gen_tcp_basics(const char *dir)
{
    struct out o;
    open_out(&o, dir, "tcp-basics.pcap");

    /* A: http, full session at 0 s, req 100 / resp 1000: fwd 5/300, rev 3/1120; close 0.07. */
    struct conv a = conv4("192.0.2.10", 50001, "198.51.100.80", 80);
    tcp_session(&o, 0, &a, 100, 1000);
    /* B: https at 1 s, req 200 / resp 1400: fwd 5/400, rev 3/1520; close 1.07. */
    struct conv b = conv4("192.0.2.10", 50002, "198.51.100.43", 443);
    tcp_session(&o, SEC(1), &b, 200, 1400);
    /* C: ssh at 2 s, req 50 / resp 60: fwd 5/250, rev 3/180; close 2.07. */
    struct conv c = conv4("192.0.2.11", 50003, "198.51.100.22", 22);
    tcp_session(&o, SEC(2), &c, 50, 60);
    /* D: the first packet is the server's SYN+ACK: the receiver 192.0.2.12 is the initiator.
     * fwd 2/160 "PA", rev 2/580 "SPA"; basis handshake, port 80; eof. */
    struct conv d = conv4("192.0.2.12", 50004, "198.51.100.80", 80);
    tcp(&o, SEC(3), &d, 1, F_SYN | F_ACK, 0);
    tcp(&o, SEC(3) + MS(10), &d, 0, F_ACK, 0);
    tcp(&o, SEC(3) + MS(20), &d, 0, F_PSH | F_ACK, 80);
    tcp(&o, SEC(3) + MS(30), &d, 1, F_PSH | F_ACK, 500);
    /* E: mid-stream, client speaks first; 50005 unassigned, 443 assigned: basis registry.
     * fwd 2/180 "PA", rev 1/240 "PA"; eof. */
    struct conv e = conv4("192.0.2.13", 50005, "198.51.100.43", 443);
    tcp(&o, SEC(4), &e, 0, F_PSH | F_ACK, 100);
    tcp(&o, SEC(4) + MS(10), &e, 1, F_PSH | F_ACK, 200);
    tcp(&o, SEC(4) + MS(20), &e, 0, F_ACK, 0);
    /* F: mid-stream, the server speaks first: it is the initiator; service port 22 (registry)
     * is the initiator's port. fwd 1/104 "PA", rev 1/40 "A"; eof. */
    struct conv f = conv4("192.0.2.14", 50006, "198.51.100.22", 22);
    tcp(&o, SEC(5), &f, 1, F_PSH | F_ACK, 64);
    tcp(&o, SEC(5) + MS(10), &f, 0, F_ACK, 0);
    /* G: mid-stream between two unregistered user ports: port-order, 40001. eof. */
    struct conv g = conv4("192.0.2.15", 40001, "198.51.100.99", 45000);
    tcp(&o, SEC(6), &g, 0, F_PSH | F_ACK, 10);
    tcp(&o, SEC(6) + MS(10), &g, 1, F_ACK, 0);
    /* H: refused connection: SYN, RST+ACK. Close at 7.01. fwd 1/40 "S", rev 1/40 "RA". */
    struct conv h = conv4("192.0.2.16", 50007, "198.51.100.80", 80);
    tcp(&o, SEC(7), &h, 0, F_SYN, 0);
    tcp(&o, SEC(7) + MS(10), &h, 1, F_RST | F_ACK, 0);
    /* A2: a new SYN on A's key 8 s after A closed (within its 10 s): A ends at once (closed),
     * A2 starts: S, SA, A, then the client's RST at 8.03. fwd 3/120 "SRA", rev 1/40 "SA". */
    a.seq[0] += 100000;
    tcp(&o, SEC(8), &a, 0, F_SYN, 0);
    tcp(&o, SEC(8) + MS(10), &a, 1, F_SYN | F_ACK, 0);
    tcp(&o, SEC(8) + MS(20), &a, 0, F_ACK, 0);
    tcp(&o, SEC(8) + MS(30), &a, 0, F_RST, 0);
    /* B2: at 20 s a stray ACK on B's key: first ends B (due 11.07), C (12.07), H (17.01),
     * A2 (18.03), all closed; then B2 starts mid-stream (registry, 443): fwd 1/40 "A",
     * rev 1/40 "RA" (close 20.01; closed at eof). */
    tcp(&o, SEC(20), &b, 0, F_ACK, 0);
    tcp(&o, SEC(20) + MS(10), &b, 1, F_RST | F_ACK, 0);
    close_out(&o);
}

/* udp-services.pcap: one flow per registry case. */
static void
gen_udp_services(const char *dir)
{
    struct out o;
    open_out(&o, dir, "udp-services.pcap");
    /* U1 DNS: 40-byte query, 80-byte answer: fwd 1/68, rev 1/108; registry, 53. */
    struct conv u1 = conv4("192.0.2.20", 50100, "198.51.100.53", 53);
    udp(&o, 0, &u1, 0, 40);
    udp(&o, MS(20), &u1, 1, 80);
    /* U2 NTP 123 <-> 123: both assigned, same port: port-order, the responder's. 76 each. */
    struct conv u2 = conv4("192.0.2.21", 123, "198.51.100.123", 123);
    udp(&o, SEC(1), &u2, 0, 48);
    udp(&o, SEC(1) + MS(30), &u2, 1, 48);
    /* U3 three probes to 33435 (mtrace, unauthorized use): fwd 3/144; registry. */
    struct conv u3 = conv4("192.0.2.22", 50102, "203.0.113.5", 33435);
    udp(&o, SEC(2), &u3, 0, 20);
    udp(&o, SEC(2) + MS(500), &u3, 0, 20);
    udp(&o, SEC(3), &u3, 0, 20);
    /* U4 to 100 (unassigned, unauthorized use): port-order 100; fwd 1/60. */
    struct conv u4 = conv4("192.0.2.23", 50103, "203.0.113.6", 100);
    udp(&o, SEC(4), &u4, 0, 32);
    /* U5 to 8 (an "Unassigned" row): port-order 8; fwd 1/48. */
    struct conv u5 = conv4("192.0.2.24", 50104, "203.0.113.7", 8);
    udp(&o, SEC(5), &u5, 0, 20);
    /* U6 dynamic <-> dynamic, no rows: port-order, 55000 (the initiator's). 2 and 2, 60 each. */
    struct conv u6 = conv4("192.0.2.25", 55000, "203.0.113.8", 61000);
    udp(&o, SEC(6), &u6, 0, 32);
    udp(&o, SEC(6) + MS(100), &u6, 1, 32);
    udp(&o, SEC(6) + MS(200), &u6, 0, 32);
    udp(&o, SEC(6) + MS(300), &u6, 1, 32);
    /* U7 to 1023 (Reserved): port-order; fwd 1/48. */
    struct conv u7 = conv4("192.0.2.26", 50106, "203.0.113.9", 1023);
    udp(&o, SEC(7), &u7, 0, 20);
    /* U8 to 24 ("any private mail system", unnamed): port-order; fwd 1/48. */
    struct conv u8 = conv4("192.0.2.27", 50107, "203.0.113.10", 24);
    udp(&o, SEC(8), &u8, 0, 20);
    /* U9 to 7777 (a row without protocol: tcp and udp): registry; fwd 1/48, rev 1/48. */
    struct conv u9 = conv4("192.0.2.28", 50108, "203.0.113.11", 7777);
    udp(&o, SEC(9), &u9, 0, 20);
    udp(&o, SEC(9) + MS(5), &u9, 1, 20);
    /* U10 to 6005 (inside the x11 range row 6000-6063): registry; fwd 1/48. */
    struct conv u10 = conv4("192.0.2.29", 50109, "203.0.113.12", 6005);
    udp(&o, SEC(10), &u10, 0, 20);
    close_out(&o);
}

/* sctp-dccp.pcap: SCTP and DCCP openings, responder-first openings, mid-stream. */
static void
gen_sctp_dccp(const char *dir)
{
    struct out o;
    open_out(&o, dir, "sctp-dccp.pcap");
    /* S1 m3ua 2905: INIT 52, INIT-ACK 72, COOKIE-ECHO 52, COOKIE-ACK 36, DATA 148, SACK 48.
     * fwd 3/252, rev 3/156; handshake. */
    struct conv s1 = conv4("192.0.2.30", 40000, "198.51.100.29", 2905);
    sctp(&o, 0, &s1, 0, 1, 20);
    sctp(&o, MS(10), &s1, 1, 2, 40);
    sctp(&o, MS(20), &s1, 0, 10, 20);
    sctp(&o, MS(30), &s1, 1, 11, 4);
    sctp(&o, MS(40), &s1, 0, 0, 116);
    sctp(&o, MS(50), &s1, 1, 3, 16);
    /* S2 diameter 3868, INIT-ACK first: the receiver 192.0.2.31 initiates.
     * fwd 1/52 (COOKIE-ECHO), rev 2/108 (INIT-ACK 72, COOKIE-ACK 36); handshake. */
    struct conv s2 = conv4("192.0.2.31", 40001, "198.51.100.38", 3868);
    sctp(&o, SEC(1), &s2, 1, 2, 40);
    sctp(&o, SEC(1) + MS(10), &s2, 0, 10, 20);
    sctp(&o, SEC(1) + MS(20), &s2, 1, 11, 4);
    /* S3 mid-stream DATA to 2905: registry; fwd 1/148. */
    struct conv s3 = conv4("192.0.2.32", 40002, "198.51.100.29", 2905);
    sctp(&o, SEC(2), &s3, 0, 0, 116);
    /* D1 DCCP 5004, X=1: Request 40, Response 48, Ack 44, Data(100) 136, Ack 44.
     * fwd 3/220, rev 2/92; handshake. */
    struct conv d1 = conv4("192.0.2.40", 50200, "198.51.100.50", 5004);
    dccp(&o, SEC(3), &d1, 0, 0, true, 0);
    dccp(&o, SEC(3) + MS(10), &d1, 1, 1, true, 0);
    dccp(&o, SEC(3) + MS(20), &d1, 0, 3, true, 0);
    dccp(&o, SEC(3) + MS(30), &d1, 0, 2, true, 100);
    dccp(&o, SEC(3) + MS(40), &d1, 1, 3, true, 0);
    /* D2 DCCP discard 9, Response first: the receiver 192.0.2.41 initiates.
     * fwd 1/44 (Ack), rev 1/48 (Response); handshake. */
    struct conv d2 = conv4("192.0.2.41", 50201, "198.51.100.9", 9);
    dccp(&o, SEC(4), &d2, 1, 1, true, 0);
    dccp(&o, SEC(4) + MS(10), &d2, 0, 3, true, 0);
    /* D3 DCCP mid-stream Data with short sequence numbers (X=0): 12 + 50 -> 82; registry. */
    struct conv d3 = conv4("192.0.2.42", 50202, "198.51.100.50", 5004);
    dccp(&o, SEC(5), &d3, 0, 2, false, 50);
    close_out(&o);
}

/* ipv6-vlan.pcap: IPv6 with an extension header, 802.1Q, QinQ, 0x9100, priority tag. */
static void
gen_ipv6_vlan(const char *dir)
{
    static const struct link vlan100 = { 1, { ETH_8021Q }, { 100 } };
    static const struct link vlan200 = { 1, { ETH_8021Q }, { 200 } };
    static const struct link qinq = { 2, { ETH_8021AD, ETH_8021Q }, { 300, 10 } };
    static const struct link old9100 = { 1, { ETH_9100 }, { 400 } };
    static const struct link prio = { 1, { ETH_8021Q }, { 5u << 13 | 0 } };
    struct out o;
    open_out(&o, dir, "ipv6-vlan.pcap");
    /* V1 IPv6 https session, req 100 / resp 500: fwd 5/400, rev 3/680; closed. */
    struct conv v1 = conv6("2001:db8:1::10", 50300, "2001:db8:2::80", 443);
    tcp_session(&o, 0, &v1, 100, 500);
    /* V2 IPv6 DNS, the query with a destination options header: 40+8+8+40 = 96; answer
     * 40+8+80 = 128. registry, 53. */
    struct conv v2 = conv6("2001:db8:1::11", 50301, "2001:db8:2::53", 53);
    struct ipopt ext = { .v6_dstopts = true };
    udp_opt(&o, SEC(1), &v2, 0, 40, &ext);
    udp(&o, SEC(1) + MS(10), &v2, 1, 80);
    /* V3 TCP http on VLAN 100, req 10 / resp 20: fwd 5/210, rev 3/140; closed. */
    struct conv v3 = conv4("192.0.2.50", 50310, "198.51.100.80", 80);
    v3.link = &vlan100;
    tcp_session(&o, SEC(2), &v3, 10, 20);
    /* V4/V5 the same DNS 5-tuple on VLAN 200 and untagged: two flows. 68 / 108. */
    struct conv v4 = conv4("192.0.2.51", 50311, "198.51.100.53", 53);
    v4.link = &vlan200;
    udp(&o, SEC(3), &v4, 0, 40);
    udp(&o, SEC(3) + MS(10), &v4, 1, 80);
    struct conv v5 = conv4("192.0.2.51", 50311, "198.51.100.53", 53);
    udp(&o, SEC(3) + MS(100), &v5, 0, 40);
    udp(&o, SEC(3) + MS(110), &v5, 1, 80);
    /* V6 QinQ (outer 802.1ad 300, inner 10): vlan 300. NTP 76 / 76. */
    struct conv v6 = conv4("192.0.2.52", 50312, "198.51.100.123", 123);
    v6.link = &qinq;
    udp(&o, SEC(4), &v6, 0, 48);
    udp(&o, SEC(4) + MS(10), &v6, 1, 48);
    /* V7 0x9100 tag, VID 400: DNS query 68. */
    struct conv v7 = conv4("192.0.2.53", 50313, "198.51.100.53", 53);
    v7.link = &old9100;
    udp(&o, SEC(5), &v7, 0, 40);
    /* V8 priority tag (PCP 5, VID 0): vlan 0, not null. DNS 68 / 108. */
    struct conv v8 = conv4("192.0.2.54", 50314, "198.51.100.53", 53);
    v8.link = &prio;
    udp(&o, SEC(6), &v8, 0, 40);
    udp(&o, SEC(6) + MS(10), &v8, 1, 80);
    close_out(&o);
}

/* One IPv4 fragment of a datagram l4[0..len) already checksummed. */
static void
frag4(struct out *o, uint64_t t, const char *src, const char *dst, uint8_t proto, uint16_t id,
      const uint8_t *l4, size_t off, size_t len, bool mf)
{
    struct ipopt opt = { .id = id, .frag = true, .frag_off = (uint16_t)off, .mf = mf };
    ip_emit(o, t, &untagged, 4, src, dst, proto, l4 + off, len, &opt);
}

static void
frag6(struct out *o, uint64_t t, const char *src, const char *dst, uint8_t proto, uint32_t id,
      const uint8_t *l4, size_t off, size_t len, bool mf)
{
    struct ipopt opt = { .id = (uint16_t)id, .frag = true, .frag_off = (uint16_t)off, .mf = mf };
    ip_emit(o, t, &untagged, 6, src, dst, proto, l4 + off, len, &opt);
}

/* A UDP datagram of paylen bytes, checksummed, into l4. Returns its length. */
static size_t
udp_datagram(uint8_t *l4, int ipv, const char *src, uint16_t sp, const char *dst, uint16_t dp,
             size_t paylen)
{
    uint8_t s[16], d[16];
    addr(ipv, src, s);
    addr(ipv, dst, d);
    put16(l4, sp);
    put16(l4 + 2, dp);
    put16(l4 + 4, (uint32_t)(8 + paylen));
    fill_payload(l4 + 8, paylen, 0x66);
    l4_checksum(ipv, s, d, P_UDP, l4, 8 + paylen);
    return 8 + paylen;
}

/* fragments.pcap: IPv4 and IPv6 fragments, the 30 s window, orphans, ICMP fragments. */
static void
gen_fragments(const char *dir)
{
    uint8_t l4[FRAME_MAX];
    struct out o;
    open_out(&o, dir, "fragments.pcap");
    /* F1 UDP 2000-byte payload (2008-byte datagram) in two fragments: 20+1480 = 1500 and
     * 20+528 = 548 -> fwd 2/2048; unfragmented answer 20+8+100 = 128. registry, 53. */
    udp_datagram(l4, 4, "192.0.2.60", 50400, "198.51.100.53", 53, 2000);
    frag4(&o, 0, "192.0.2.60", "198.51.100.53", P_UDP, 0x1234, l4, 0, 1480, true);
    frag4(&o, MS(1), "192.0.2.60", "198.51.100.53", P_UDP, 0x1234, l4, 1480, 528, false);
    struct conv f1 = conv4("192.0.2.60", 50400, "198.51.100.53", 53);
    udp(&o, MS(10), &f1, 1, 100);
    /* F2 3068-byte datagram to 6005 (x11 range) in three fragments: first at 1 s (1500),
     * middle at 31 s exactly (30 s after the first: counts, 1500), last at 31.000001 s
     * (30.000001 s after: fragment_unattributed, 20+108 = 128). fwd 2/3000. */
    udp_datagram(l4, 4, "192.0.2.61", 50401, "203.0.113.12", 6005, 3060);
    frag4(&o, SEC(1), "192.0.2.61", "203.0.113.12", P_UDP, 0x2000, l4, 0, 1480, true);
    frag4(&o, SEC(31), "192.0.2.61", "203.0.113.12", P_UDP, 0x2000, l4, 1480, 1480, true);
    frag4(&o, SEC(31) + 1, "192.0.2.61", "203.0.113.12", P_UDP, 0x2000, l4, 2960, 108, false);
    /* F3 an orphan later fragment (offset 800): fragment_unattributed. */
    udp_datagram(l4, 4, "192.0.2.62", 50402, "198.51.100.53", 53, 900);
    frag4(&o, SEC(40), "192.0.2.62", "198.51.100.53", P_UDP, 0x3000, l4, 800, 108, false);
    /* F4 a fragmented ICMP echo request (1600 bytes): both fragments are other_ip "1". */
    memset(l4, 0, 1608);
    l4[0] = 8; /* echo request */
    put16(l4 + 4, 0x77);
    put16(l4 + 6, 1);
    fill_payload(l4 + 8, 1600, 0x11);
    l4_checksum(4, NULL, NULL, P_ICMP, l4, 1608);
    frag4(&o, SEC(41), "192.0.2.63", "198.51.100.1", P_ICMP, 0x4000, l4, 0, 1480, true);
    frag4(&o, SEC(41) + MS(1), "192.0.2.63", "198.51.100.1", P_ICMP, 0x4000, l4, 1480, 128,
          false);
    /* F5 IPv6 UDP 1432-byte datagram in two fragments: 40+8+1232 = 1280 and 40+8+200 = 248:
     * fwd 2/1528; registry, 53. */
    udp_datagram(l4, 6, "2001:db8:1::60", 50410, "2001:db8:2::53", 53, 1424);
    frag6(&o, SEC(42), "2001:db8:1::60", "2001:db8:2::53", P_UDP, 0x5000, l4, 0, 1232, true);
    frag6(&o, SEC(42) + MS(1), "2001:db8:1::60", "2001:db8:2::53", P_UDP, 0x5000, l4, 1232, 200,
          false);
    close_out(&o);
}

/* timeouts.pcap: idle timeout (exactly 300 s), active timeout and its continuation. */
static void
gen_timeouts(const char *dir)
{
    struct out o;
    open_out(&o, dir, "timeouts.pcap");
    /* I1 DNS at 0 / 0.01; the same key again at 300.01 (300 s after last_seen): I1 ends idle,
     * I1b starts (300.01 / 300.02), and goes idle at the packet of 600.5. 68 / 108 each. */
    struct conv i1 = conv4("192.0.2.70", 50500, "198.51.100.53", 53);
    udp(&o, 0, &i1, 0, 40);
    udp(&o, MS(10), &i1, 1, 80);
    /* A1 ssh from 0.5 s: S, SA, A, then every 200 s a 100-byte push and its ACK until 1600.5;
     * at 1800.5 (first_seen + 1800) a push ends A1 (active) and starts the continuation A1b,
     * which closes with FIN both ways at 1900.01. */
    struct conv a1 = conv4("192.0.2.71", 50501, "198.51.100.22", 22);
    tcp(&o, MS(500), &a1, 0, F_SYN, 0);
    tcp(&o, MS(510), &a1, 1, F_SYN | F_ACK, 0);
    tcp(&o, MS(520), &a1, 0, F_ACK, 0);
    for (uint64_t s = 200; s <= 1600; s += 200) {
        if (s == 400) { /* I1b between A1's pushes at 200.5 and 400.5 */
            udp(&o, SEC(300) + MS(10), &i1, 0, 40);
            udp(&o, SEC(300) + MS(20), &i1, 1, 80);
        }
        tcp(&o, SEC(s) + MS(500), &a1, 0, F_PSH | F_ACK, 100);
        tcp(&o, SEC(s) + MS(510), &a1, 1, F_ACK, 0);
    }
    tcp(&o, SEC(1800) + MS(500), &a1, 0, F_PSH | F_ACK, 100);
    tcp(&o, SEC(1800) + MS(510), &a1, 1, F_ACK, 0);
    tcp(&o, SEC(1900), &a1, 0, F_FIN | F_ACK, 0);
    tcp(&o, SEC(1900) + MS(10), &a1, 1, F_FIN | F_ACK, 0);
    tcp(&o, SEC(1900) + MS(20), &a1, 0, F_ACK, 0);
    close_out(&o);
}

/* anomalies.pcap: non-IP, ICMP, truncated, malformed, TSO, a SYN cut after the flags. */
static void
gen_anomalies(const char *dir)
{
    uint8_t f[FRAME_MAX];
    uint8_t l4[FRAME_MAX];
    struct out o;
    open_out(&o, dir, "anomalies.pcap");
    /* ARP request who-has 192.0.2.1 tell 192.0.2.80: non_ip. */
    size_t n = eth(f, &untagged, 80, 0xff, ETH_ARP);
    memset(f, 0xff, 6);
    static const uint8_t arp[28] = {
        0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,            /* Ethernet/IPv4, request */
        0x02, 0x00, 0x00, 0x00, 0x00, 80, 192, 0, 2, 80,     /* sender MAC, IP */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 192, 0, 2, 1,    /* target MAC, IP */
    };
    memcpy(f + n, arp, sizeof arp);
    memset(f + n + sizeof arp, 0, 18); /* pad to 60 bytes */
    dump(&o, 0, f, n + sizeof arp + 18, 0);
    /* ICMP echo request and reply (IP length 84 each): other_ip "1": 2. */
    memset(l4, 0, 64);
    l4[0] = 8;
    put16(l4 + 4, 0x99);
    put16(l4 + 6, 1);
    fill_payload(l4 + 8, 56, 0x22);
    l4_checksum(4, NULL, NULL, P_ICMP, l4, 64);
    ip_emit(&o, SEC(1), &untagged, 4, "192.0.2.80", "198.51.100.1", P_ICMP, l4, 64, NULL);
    l4[0] = 0;
    l4_checksum(4, NULL, NULL, P_ICMP, l4, 64);
    ip_emit(&o, SEC(1) + MS(10), &untagged, 4, "198.51.100.1", "192.0.2.80", P_ICMP, l4, 64,
            NULL);
    /* A TCP segment captured up to 10 bytes of its header: truncated. */
    struct conv t1 = conv4("192.0.2.81", 50600, "198.51.100.80", 80);
    struct ipopt cut10 = { .caplen = 14 + 20 + 10 };
    tcp_opt(&o, SEC(2), &t1, 0, F_PSH | F_ACK, 100, &cut10);
    /* IPv4 with IHL 4: malformed. */
    struct conv t2 = conv4("192.0.2.82", 50601, "198.51.100.80", 80);
    struct ipopt ihl4 = { .ihl = 4 };
    tcp_opt(&o, SEC(3), &t2, 0, F_SYN, 0, &ihl4);
    /* IPv4 total length 30 carrying TCP (10 bytes declared, below 20): malformed. */
    struct ipopt short_tcp = { .set_totlen = true, .totlen = 30 };
    tcp_opt(&o, SEC(4), &t2, 0, F_SYN, 0, &short_tcp);
    /* A SYN whose capture stops after 14 bytes of TCP header (ports, numbers, offset, flags):
     * counts; bytes are the declared 40. Flow: fwd 1/40 "S", handshake, 80; eof. */
    struct conv t3 = conv4("192.0.2.83", 50602, "198.51.100.80", 80);
    struct ipopt cut14 = { .caplen = 14 + 20 + 14 };
    tcp_opt(&o, SEC(5), &t3, 0, F_SYN, 0, &cut14);
    /* IPv6 UDP with payload length 0: malformed. */
    struct conv t4 = conv6("2001:db8:1::84", 50603, "2001:db8:2::53", 53);
    struct ipopt plen0 = { .set_totlen = true, .totlen = 0 };
    udp_opt(&o, SEC(6), &t4, 0, 20, &plen0);
    /* EtherType IPv4 carrying a version-6 nibble: malformed. */
    struct conv t5 = conv4("192.0.2.85", 50604, "198.51.100.53", 53);
    struct ipopt v6nib = { .ip_version = 6 };
    udp_opt(&o, SEC(7), &t5, 0, 20, &v6nib);
    /* IPv4 total length 0 (segmentation offload): counts with the captured IP bytes,
     * 20+20+200 = 240. Mid-stream to 443: registry. fwd 1/240 "PA"; eof. */
    struct conv t6 = conv4("192.0.2.86", 50605, "198.51.100.43", 443);
    struct ipopt tso = { .set_totlen = true, .totlen = 0 };
    tcp_opt(&o, SEC(8), &t6, 0, F_PSH | F_ACK, 200, &tso);
    close_out(&o);
}

/* sample.pcap: a minute of a small office network, for the README's first example. */
static void
gen_sample(const char *dir)
{
    struct out o;
    open_out(&o, dir, "sample.pcap");
    /* DNS lookup, then HTTPS to the answer. */
    struct conv dns1 = conv4("192.168.1.20", 50700, "192.168.1.1", 53);
    udp(&o, 0, &dns1, 0, 35);
    udp(&o, MS(15), &dns1, 1, 51);
    struct conv web = conv4("192.168.1.20", 50701, "203.0.113.20", 443);
    tcp(&o, MS(50), &web, 0, F_SYN, 0);
    tcp(&o, MS(80), &web, 1, F_SYN | F_ACK, 0);
    tcp(&o, MS(81), &web, 0, F_ACK, 0);
    tcp(&o, MS(82), &web, 0, F_PSH | F_ACK, 517);
    tcp(&o, MS(112), &web, 1, F_ACK, 1400);
    tcp(&o, MS(113), &web, 1, F_ACK, 1400);
    tcp(&o, MS(114), &web, 1, F_PSH | F_ACK, 900);
    tcp(&o, MS(115), &web, 0, F_ACK, 0);
    tcp(&o, MS(140), &web, 0, F_PSH | F_ACK, 120);
    tcp(&o, MS(170), &web, 1, F_PSH | F_ACK, 700);
    tcp(&o, SEC(5), &web, 0, F_FIN | F_ACK, 0);
    tcp(&o, SEC(5) + MS(30), &web, 1, F_FIN | F_ACK, 0);
    tcp(&o, SEC(5) + MS(31), &web, 0, F_ACK, 0);
    /* Plain HTTP to another server. */
    struct conv http = conv4("192.168.1.20", 50702, "198.51.100.80", 80);
    tcp_session(&o, SEC(1), &http, 320, 1200);
    /* An SSH session inside the LAN, still open at the end of the capture. */
    struct conv ssh = conv4("192.168.1.30", 50703, "192.168.1.5", 22);
    tcp(&o, SEC(2), &ssh, 0, F_SYN, 0);
    tcp(&o, SEC(2) + 200, &ssh, 1, F_SYN | F_ACK, 0);
    tcp(&o, SEC(2) + 400, &ssh, 0, F_ACK, 0);
    for (uint64_t k = 0; k < 6; k++) {
        tcp(&o, SEC(3 + 5 * k), &ssh, 0, F_PSH | F_ACK, 36);
        tcp(&o, SEC(3 + 5 * k) + 300, &ssh, 1, F_PSH | F_ACK, 52);
    }
    /* NTP. */
    struct conv ntp = conv4("192.168.1.20", 123, "203.0.113.123", 123);
    udp(&o, SEC(4), &ntp, 0, 48);
    udp(&o, SEC(4) + MS(25), &ntp, 1, 48);
    /* Three traceroute probes to 33435/udp, a port with reported unauthorized use. */
    struct conv tr = conv4("192.168.1.20", 50704, "203.0.113.99", 33435);
    for (uint64_t k = 0; k < 3; k++)
        udp(&o, SEC(10) + MS(100 * k), &tr, 0, 32);
    /* A second lookup. */
    struct conv dns2 = conv4("192.168.1.20", 50705, "192.168.1.1", 53);
    udp(&o, SEC(20), &dns2, 0, 38);
    udp(&o, SEC(20) + MS(12), &dns2, 1, 70);
    close_out(&o);
}

/* split-1.pcap + split-2.pcap: one stream read with two -r options; a TCP session starts in
 * the first file and closes in the second. */
static void
gen_split(const char *dir)
{
    struct out o;
    struct conv k = conv4("192.0.2.90", 50800, "198.51.100.80", 80);
    struct conv dns = conv4("192.0.2.90", 50801, "198.51.100.53", 53);
    struct conv u = conv4("192.0.2.91", 50802, "203.0.113.6", 100);
    open_out(&o, dir, "split-1.pcap");
    /* K opens: S, SA, A, PA(100), PA(1000) from the server. */
    tcp(&o, 0, &k, 0, F_SYN, 0);
    tcp(&o, MS(10), &k, 1, F_SYN | F_ACK, 0);
    tcp(&o, MS(20), &k, 0, F_ACK, 0);
    tcp(&o, MS(30), &k, 0, F_PSH | F_ACK, 100);
    tcp(&o, MS(50), &k, 1, F_PSH | F_ACK, 1000);
    /* A DNS exchange, 68 / 108. */
    udp(&o, SEC(1), &dns, 0, 40);
    udp(&o, SEC(1) + MS(10), &dns, 1, 80);
    close_out(&o);
    open_out(&o, dir, "split-2.pcap");
    /* K closes: FA, FA, A. Whole K: fwd 5/300 "FSPA", rev 3/1120 "FSPA", closed. */
    tcp(&o, SEC(6), &k, 0, F_FIN | F_ACK, 0);
    tcp(&o, SEC(6) + MS(10), &k, 1, F_FIN | F_ACK, 0);
    tcp(&o, SEC(6) + MS(20), &k, 0, F_ACK, 0);
    /* One datagram to 100/udp (unassigned, unauthorized use): 60 bytes. */
    udp(&o, SEC(7), &u, 0, 32);
    close_out(&o);
}

/* cut.pcap: a capture whose last record is cut off (as by a full disk or a killed tcpdump):
 * a TCP session to 80 (closed), a DNS exchange, then a SYN whose record header promises 54
 * bytes of which only 20 are in the file. Reading it fails after the DNS answer. */
static void
gen_cut(const char *dir)
{
    struct out o;
    char path[4096];
    struct stat st;
    struct conv a = conv4("192.0.2.95", 50900, "198.51.100.80", 80);
    struct conv dns = conv4("192.0.2.95", 50901, "198.51.100.53", 53);
    struct conv late = conv4("192.0.2.96", 50902, "198.51.100.43", 443);
    open_out(&o, dir, "cut.pcap");
    tcp_session(&o, 0, &a, 100, 1000);
    udp(&o, SEC(1), &dns, 0, 40);
    udp(&o, SEC(1) + MS(10), &dns, 1, 80);
    tcp(&o, SEC(2), &late, 0, F_SYN, 0); /* 54-byte frame */
    close_out(&o);
    snprintf(path, sizeof path, "%s/cut.pcap", dir);
    if (stat(path, &st) != 0 || truncate(path, st.st_size - 34) != 0) {
        fprintf(stderr, "mkpcaps: cannot cut %s\n", path);
        exit(1);
    }
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkpcaps OUTDIR\n");
        return 2;
    }
    gen_tcp_basics(argv[1]);
    gen_udp_services(argv[1]);
    gen_sctp_dccp(argv[1]);
    gen_ipv6_vlan(argv[1]);
    gen_fragments(argv[1]);
    gen_timeouts(argv[1]);
    gen_anomalies(argv[1]);
    gen_sample(argv[1]);
    gen_split(argv[1]);
    gen_cut(argv[1]);
    return 0;
}
