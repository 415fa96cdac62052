/* tests/tools/gen_workload.c — deterministic benchmark workload generator: writes Ethernet
 * pcap of interleaved TCP (RFC 9293), UDP (RFC 768), SCTP (RFC 9260) and DCCP (RFC 4340)
 * flows over IPv4 (RFC 791) / IPv6 (RFC 8200), some 802.1Q-tagged, and the true flow and
 * packet counts as JSON (SPEC §4 flow key), so a benchmark can check what it times.
 *
 * Model: F flow slots are live at once. Each packet picks a slot at random and emits the
 * next packet of that slot's flow; a flow that has sent all its planned packets is replaced
 * by a new one. Timestamps are 1 µs apart (1 Mpps), so with 5M packets nothing reaches
 * portlabel's idle (300 s), active (1800 s) or TCP close (10 s) timeouts: every flow ends at
 * end of input (`closed` for TCP flows whose FINs were both sent, `eof` otherwise).
 *
 * No two flows share a key: flow number n gets client (n mod C) and client port
 * 32768 + (n div C) mod 28232; each time the client ports wrap, servers move to a fresh
 * address block. Client and server address blocks are disjoint.
 */
#include <getopt.h>
#include <pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    PROTO_TCP = 6,
    PROTO_UDP = 17,
    PROTO_DCCP = 33,
    PROTO_SCTP = 132,
};

enum { P_TCP = 0, P_UDP, P_SCTP, P_DCCP, P_COUNT };
static const char *const proto_names[P_COUNT] = {"tcp", "udp", "sctp", "dccp"};
static const uint8_t proto_numbers[P_COUNT] = {PROTO_TCP, PROTO_UDP, PROTO_SCTP, PROTO_DCCP};

#define CLIENT_PORT_LO 32768u
#define CLIENT_PORT_N 28232u /* 32768..60999, Linux's default ephemeral range */
#define SERVERS_PER_BLOCK 4096u
#define FRAME_MAX 1600u
#define START_SEC 1700000000u

/* ---- PRNG: splitmix64 to seed, xoshiro256** to draw ------------------------------------ */

struct rng {
    uint64_t s[4];
};

static uint64_t
splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n), n < 2^32 (multiply-shift; the bias is far below what matters here). */
static uint32_t
rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* ---- Server port tables: weighted assigned ports, then a tail -------------------------- */

struct port_weight {
    uint16_t port;
    uint16_t weight;
};

/* Assigned (IANA) TCP service ports: a few heavy hitters, then a long tail of weight 1. */
static const struct port_weight tcp_ports[] = {
    {443, 400}, {80, 250}, {22, 30}, {25, 20}, {8080, 15}, {3306, 12}, {993, 10}, {53, 10},
    {5432, 8}, {587, 8}, {995, 6}, {143, 6}, {110, 5}, {21, 5}, {3389, 5}, {445, 5},
    {8443, 5}, {389, 4}, {636, 3}, {1433, 3}, {1521, 3}, {5900, 3}, {179, 3}, {5060, 3},
    {5061, 2}, {11211, 2}, {2049, 2}, {873, 2}, {631, 2}, {5222, 2}, {1883, 2}, {119, 2},
    {88, 2}, {23, 2}, {464, 1}, {514, 1}, {513, 1}, {990, 1}, {989, 1}, {1723, 1},
    {6379, 1}, {27017, 1}, {9200, 1}, {9092, 1}, {2181, 1}, {5672, 1}, {8883, 1}, {4369, 1},
    {3268, 1}, {5985, 1}, {5986, 1}, {8000, 1}, {8008, 1}, {8888, 1}, {7000, 1}, {9000, 1},
    {9090, 1}, {3000, 1}, {4443, 1}, {563, 1}, {465, 1}, {220, 1}, {113, 1}, {79, 1},
    {70, 1}, {20, 1}, {43, 1}, {194, 1}, {427, 1}, {548, 1}, {554, 1}, {1080, 1},
    {1194, 1}, {1701, 1}, {2000, 1}, {2083, 1}, {2087, 1}, {2375, 1}, {2376, 1}, {3128, 1},
    {3690, 1}, {4000, 1}, {5000, 1}, {5001, 1}, {6443, 1}, {7001, 1}, {8081, 1}, {8086, 1},
    {8181, 1}, {9001, 1}, {9418, 1}, {10000, 1}, {6667, 1}, {6000, 1},
};

static const struct port_weight udp_ports[] = {
    {53, 500}, {443, 120}, {123, 60}, {161, 15}, {514, 15}, {5353, 12}, {67, 10}, {3478, 10},
    {1900, 8}, {500, 6}, {4500, 6}, {5060, 6}, {137, 5}, {162, 4}, {1194, 4}, {69, 3},
    {138, 3}, {1812, 3}, {1813, 2}, {11211, 2}, {2049, 2}, {5004, 2}, {5005, 2}, {111, 2},
    {88, 2}, {4789, 2}, {6081, 1}, {464, 1}, {520, 1}, {1701, 1}, {1645, 1}, {1646, 1},
    {3544, 1}, {5355, 1}, {8472, 1}, {7, 1}, {9, 1}, {13, 1}, {17, 1}, {19, 1},
    {37, 1}, {49, 1}, {177, 1}, {547, 1}, {623, 1}, {1434, 1}, {1985, 1}, {2123, 1},
    {2152, 1}, {3386, 1}, {5246, 1}, {5247, 1}, {10161, 1}, {10162, 1}, {33434, 1},
};

static const struct port_weight sctp_ports[] = {
    {2905, 30}, {3868, 25}, {36412, 20}, {38412, 10}, {2944, 4}, {2945, 3}, {5060, 3},
    {5061, 2}, {3565, 2}, {2904, 2}, {14001, 2}, {29118, 2}, {29168, 1}, {36422, 2},
    {36443, 1}, {3097, 1}, {9900, 1}, {9901, 1}, {20049, 1}, {3863, 1}, {6704, 1},
};

static const struct port_weight dccp_ports[] = {
    {5004, 40}, {5005, 15}, {9, 10}, {1113, 10}, {4556, 8}, {6514, 8}, {1021, 2}, {1022, 2},
};

struct port_table {
    const struct port_weight *w;
    size_t n;
    uint32_t total;
};

static uint16_t
pick_port(struct rng *r, const struct port_table *t)
{
    uint32_t x = rng_below(r, 100);
    if (x < 7) /* dynamic range: no row in the registry */
        return (uint16_t)(49152u + rng_below(r, 16384));
    if (x < 10) /* any user port: assigned or not, as it falls */
        return (uint16_t)(1024u + rng_below(r, 48128));
    uint32_t v = rng_below(r, t->total);
    for (size_t i = 0; i < t->n; i++) {
        if (v < t->w[i].weight)
            return t->w[i].port;
        v -= t->w[i].weight;
    }
    return t->w[t->n - 1].port;
}

/* ---- Flows ------------------------------------------------------------------------------ */

struct flow {
    uint64_t id;      /* flow number: decides client address and port */
    uint32_t planned; /* packets this flow will send */
    uint32_t sent;    /* packets sent so far */
    uint32_t cseq;    /* client sequence number (TCP seq, SCTP TSN, DCCP seq) */
    uint32_t sseq;    /* server sequence number */
    uint32_t server;  /* server address index */
    uint16_t cport;   /* client port */
    uint16_t sport;   /* server (service) port */
    uint16_t vlan;    /* VID; 0 when untagged */
    uint8_t p;        /* P_TCP .. P_DCCP */
    uint8_t ipv6;     /* 1 for IPv6 */
};

struct truth {
    uint64_t flows[P_COUNT];
    uint64_t packets[P_COUNT];
    uint64_t bytes[P_COUNT];
    uint64_t flows_ipv6;
    uint64_t flows_vlan;
    uint64_t tcp_closed; /* TCP flows whose FIN was sent both ways */
};

struct gen {
    struct rng rng;
    struct flow *slots;
    uint32_t nslots;
    uint32_t nclients;
    bool small;
    uint64_t next_id;
    struct port_table ports[P_COUNT];
    struct truth truth;
    uint32_t crc_table[256];
};

static uint32_t
plan_length(struct gen *g, uint8_t p)
{
    uint32_t x = rng_below(&g->rng, 100);
    switch (p) {
    case P_TCP: /* SYN, SYN+ACK, ACK, >= 2 data, FIN, FIN, ACK */
        if (x < 50)
            return 8 + rng_below(&g->rng, 9);
        if (x < 85)
            return 17 + rng_below(&g->rng, 48);
        return 65 + rng_below(&g->rng, 448);
    case P_UDP:
        if (x < 20)
            return 1;
        if (x < 65)
            return 2;
        return 3 + rng_below(&g->rng, 62);
    case P_SCTP: /* INIT, INIT-ACK, COOKIE-ECHO, COOKIE-ACK, >= 1 DATA */
        return 5 + rng_below(&g->rng, 60);
    default: /* DCCP: Request, Response, Ack, >= 1 Data */
        return 4 + rng_below(&g->rng, 60);
    }
}

static void
new_flow(struct gen *g, struct flow *f)
{
    uint32_t x = rng_below(&g->rng, 100);
    uint64_t id = g->next_id++;
    uint64_t per_block = (uint64_t)g->nclients * CLIENT_PORT_N;

    memset(f, 0, sizeof *f);
    f->id = id;
    f->p = x < 70 ? P_TCP : x < 94 ? P_UDP : x < 97 ? P_SCTP : P_DCCP;
    f->ipv6 = rng_below(&g->rng, 100) < 20;
    if (rng_below(&g->rng, 100) < 10)
        f->vlan = (uint16_t)(100 + rng_below(&g->rng, 64));
    f->planned = plan_length(g, f->p);
    f->cport = (uint16_t)(CLIENT_PORT_LO + (id / g->nclients) % CLIENT_PORT_N);
    f->sport = pick_port(&g->rng, &g->ports[f->p]);
    f->server = (uint32_t)(id / per_block) * SERVERS_PER_BLOCK +
                rng_below(&g->rng, SERVERS_PER_BLOCK);
    f->cseq = (uint32_t)rng_next(&g->rng);
    f->sseq = (uint32_t)rng_next(&g->rng);
}

/* ---- Frame building --------------------------------------------------------------------- */

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
put_addr4(uint8_t *p, const struct gen *g, const struct flow *f, bool client)
{
    uint32_t a = client ? 0x0a000000u + 1u + (uint32_t)(f->id % g->nclients) /* 10/8 */
                        : 0xac100000u + 1u + f->server;                     /* 172.16/12 on */
    put32(p, a);
}

static void
put_addr6(uint8_t *p, const struct gen *g, const struct flow *f, bool client)
{
    static const uint8_t prefix[8] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0};
    memcpy(p, prefix, sizeof prefix);
    p[5] = client ? 0x0c : 0x05; /* 2001:db8:c::/48 clients, 2001:db8:5::/48 servers */
    memset(p + 8, 0, 4);
    put32(p + 12, client ? 1u + (uint32_t)(f->id % g->nclients) : 1u + f->server);
}

/* One's-complement sum of big-endian 16-bit words, not yet folded (RFC 1071). */
static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}

static uint16_t
fold16(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* CRC32c (Castagnoli, reflected 0x82f63b78), the SCTP checksum (RFC 9260 Appendix A):
 * a byte-at-a-time table, built once. */
static void
crc32c_init(uint32_t table[256])
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t crc = i;
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
        table[i] = crc;
    }
}

static uint32_t
crc32c(const uint32_t table[256], const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++)
        crc = (crc >> 8) ^ table[(crc ^ p[i]) & 0xff];
    return ~crc;
}

/* Frame size of a data packet: IMIX-like 64/576/1500 in 7:4:1, or 64 with --small. */
static uint32_t
data_frame_size(struct gen *g)
{
    if (g->small)
        return 64;
    uint32_t x = rng_below(&g->rng, 12);
    return x < 7 ? 64 : x < 11 ? 576 : 1500;
}

/* Transport header of the flow's next packet, written at l4. Returns the header length;
 * *from_server tells the direction, *frame the wanted frame size of a data packet (0 for a
 * control packet, which carries no payload). */
static size_t
build_l4(struct gen *g, struct flow *f, uint8_t *l4, bool *from_server, uint32_t *frame)
{
    uint32_t k = f->sent, n = f->planned;
    bool srv = false;
    size_t hlen;

    *frame = 0;

    switch (f->p) {
    case P_TCP: {
        uint8_t flags;
        if (k == 0) {
            flags = 0x02; /* SYN */
        } else if (k == 1) {
            flags = 0x12, srv = true; /* SYN+ACK */
        } else if (k == 2 || k == n - 1) {
            flags = 0x10; /* ACK */
        } else if (k == n - 3) {
            flags = 0x11; /* FIN+ACK from the client */
        } else if (k == n - 2) {
            flags = 0x11, srv = true; /* FIN+ACK from the server */
        } else {
            flags = 0x18; /* PSH+ACK with data: a request first, then either way */
            srv = k != 3 && rng_below(&g->rng, 3) != 0;
            *frame = data_frame_size(g);
        }
        hlen = 20;
        uint32_t *mine = srv ? &f->sseq : &f->cseq, *peer = srv ? &f->cseq : &f->sseq;
        put16(l4, srv ? f->sport : f->cport);
        put16(l4 + 2, srv ? f->cport : f->sport);
        put32(l4 + 4, *mine);
        put32(l4 + 8, k == 0 ? 0 : *peer);
        l4[12] = 5 << 4;
        l4[13] = flags;
        put16(l4 + 14, 65535);
        put32(l4 + 16, 0); /* checksum (set later), urgent pointer */
        if (k == 0 || k == 1 || flags == 0x11)
            (*mine)++; /* SYN and FIN take one sequence number; data advances it below */
        break;
    }
    case P_UDP:
        srv = k == 0 ? false : k == 1 ? true : rng_below(&g->rng, 2) != 0;
        *frame = data_frame_size(g);
        hlen = 8;
        put16(l4, srv ? f->sport : f->cport);
        put16(l4 + 2, srv ? f->cport : f->sport);
        put32(l4 + 4, 0); /* length and checksum: set once the payload is known */
        break;
    case P_SCTP: {
        /* common header: ports, verification tag, checksum */
        uint32_t ctag = (uint32_t)(f->id * 2654435761u) | 1u, stag = ~ctag;
        srv = k == 1 || k == 3 || (k > 4 && rng_below(&g->rng, 2) != 0);
        put16(l4, srv ? f->sport : f->cport);
        put16(l4 + 2, srv ? f->cport : f->sport);
        put32(l4 + 4, k == 0 ? 0 : srv ? ctag : stag);
        put32(l4 + 8, 0); /* checksum: set later */
        uint8_t *ch = l4 + 12;
        if (k == 0 || k == 1) { /* INIT / INIT-ACK (RFC 9260 §3.3.2, §3.3.3) */
            size_t clen = k == 0 ? 20 : 32;
            ch[0] = k == 0 ? 1 : 2;
            ch[1] = 0;
            put16(ch + 2, (uint32_t)clen);
            put32(ch + 4, k == 0 ? ctag : stag);
            put32(ch + 8, 65536);      /* a_rwnd */
            put16(ch + 12, 10);        /* outbound streams */
            put16(ch + 14, 10);        /* inbound streams */
            put32(ch + 16, k == 0 ? f->cseq : f->sseq); /* initial TSN */
            if (k == 1) {              /* State Cookie parameter, 8 bytes of cookie */
                put16(ch + 20, 7);
                put16(ch + 22, 12);
                put32(ch + 24, ctag);
                put32(ch + 28, stag);
            }
            hlen = 12 + clen;
        } else if (k == 2) { /* COOKIE ECHO */
            ch[0] = 10;
            ch[1] = 0;
            put16(ch + 2, 12);
            put32(ch + 4, ctag);
            put32(ch + 8, stag);
            hlen = 24;
        } else if (k == 3) { /* COOKIE ACK */
            ch[0] = 11;
            ch[1] = 0;
            put16(ch + 2, 4);
            hlen = 16;
        } else { /* DATA, one complete user message, padded to 4 bytes */
            uint32_t *tsn = srv ? &f->sseq : &f->cseq;
            *frame = data_frame_size(g);
            hlen = 12 + 16;
            ch[0] = 0;
            ch[1] = 0x03; /* B and E */
            put32(ch + 4, (*tsn)++);
            put32(ch + 8, 0); /* stream 0, SSN 0 */
            put32(ch + 12, 0); /* PPID */
        }
        break;
    }
    default: {
        /* DCCP generic header with X=1 (RFC 4340 §5.1):
         *  0      2      4     5            6       8               9     10          16
         *  | sport| dport| doff| CCVal|CsCov| cksum | Res|Type|X=1  | res | seq (48)  |
         * Request: + service code; Response: + ack subheader + service code;
         * Ack / DataAck: + ack subheader (RFC 4340 §5.2 - §5.5). */
        uint8_t type;
        srv = k == 1 || (k > 2 && rng_below(&g->rng, 2) != 0);
        if (k == 0) {
            type = 0, hlen = 20;
        } else if (k == 1) {
            type = 1, hlen = 28;
        } else if (k == 2) {
            type = 3, hlen = 24;
        } else {
            bool ack = rng_below(&g->rng, 2) != 0;
            type = ack ? 4 : 2, hlen = ack ? 24 : 16;
            *frame = data_frame_size(g);
        }
        uint32_t *mine = srv ? &f->sseq : &f->cseq, *peer = srv ? &f->cseq : &f->sseq;
        put16(l4, srv ? f->sport : f->cport);
        put16(l4 + 2, srv ? f->cport : f->sport);
        l4[4] = (uint8_t)(hlen / 4);
        l4[5] = 0;
        put16(l4 + 6, 0);
        l4[8] = (uint8_t)(type << 1 | 1);
        l4[9] = 0;
        put16(l4 + 10, 0); /* high 16 bits of the 48-bit sequence number */
        put32(l4 + 12, (*mine)++);
        if (type != 0 && type != 2) { /* acknowledgement subheader */
            put16(l4 + 16, 0);
            put16(l4 + 18, 0);
            put32(l4 + 20, *peer - 1);
        }
        if (type == 0 || type == 1)
            put32(l4 + hlen - 4, 0x52545020u); /* service code "RTP " */
        break;
    }
    }
    *from_server = srv;
    return hlen;
}

/* Transport checksums. Payload bytes are always zero (see build_frame), so they add
 * nothing to the Internet checksum; only CRC32c has to run over them. */
static void
set_l4_checksum(const struct gen *g, const struct flow *f, const uint8_t *ip, uint8_t *l4,
                size_t l4len)
{
    static const size_t off[P_COUNT] = {16, 6, 8, 6};
    size_t hlen;

    switch (f->p) {
    case P_TCP:
        hlen = 20;
        break;
    case P_UDP:
        hlen = 8;
        break;
    case P_SCTP: {
        uint32_t crc = crc32c(g->crc_table, l4, l4len);
        l4[8] = (uint8_t)crc; /* CRC32c goes on the wire least significant byte first */
        l4[9] = (uint8_t)(crc >> 8);
        l4[10] = (uint8_t)(crc >> 16);
        l4[11] = (uint8_t)(crc >> 24);
        return;
    }
    default:
        hlen = (size_t)l4[4] * 4;
        break;
    }
    /* pseudo-header: addresses, protocol, transport length (RFC 9293 §3.1, RFC 8200 §8.1) */
    uint32_t sum = f->ipv6 ? sum16(ip + 8, 32, 0) : sum16(ip + 12, 8, 0);
    sum += proto_numbers[f->p] + (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
    sum = sum16(l4, hlen, sum);
    uint16_t c = fold16(sum);
    if (c == 0 && f->p == P_UDP)
        c = 0xffff; /* RFC 768: a computed zero is sent as all ones */
    put16(l4 + off[f->p], c);
}

/* Emit the next packet of slot f into buf; returns the frame length. */
static uint32_t
build_frame(struct gen *g, struct flow *f, uint8_t *buf, uint32_t *ip_bytes)
{
    size_t l2 = f->vlan ? 18 : 14, l3 = f->ipv6 ? 40 : 20;
    uint8_t *ip = buf + l2, *l4 = ip + l3;
    bool srv;
    uint32_t want;
    size_t hlen = build_l4(g, f, l4, &srv, &want);
    size_t pay = 0;

    if (want > 0) { /* data packet: fill the frame to the wanted size, at least 1 byte */
        size_t hdrs = l2 + l3 + hlen;
        pay = want > hdrs ? want - hdrs : 1;
        if (f->p == P_SCTP) { /* DATA chunk length covers the user data; pad to 4 */
            pay = (pay + 3) & ~(size_t)3;
            put16(l4 + 14, (uint32_t)(16 + pay));
        }
        if (f->p == P_TCP) {
            uint32_t *seq = srv ? &f->sseq : &f->cseq;
            *seq += (uint32_t)pay;
        }
    }
    size_t l4len = hlen + pay;
    if (f->p == P_UDP)
        put16(l4 + 4, (uint32_t)l4len);
    if (pay > 0) { /* payload bytes: clear what an earlier, longer header may have left */
        size_t start = l2 + l3 + hlen, stop = start + pay;
        if (start < 128)
            memset(buf + start, 0, (stop < 128 ? stop : 128) - start);
    }

    /* Ethernet II, client MAC 02:00:00:00:00:01, server MAC 02:00:00:00:00:02 */
    memset(buf, 0, 12);
    buf[0] = buf[6] = 0x02;
    buf[5] = srv ? 1 : 2;
    buf[11] = srv ? 2 : 1;
    if (f->vlan) {
        put16(buf + 12, 0x8100);
        put16(buf + 14, f->vlan);
    }
    uint8_t proto = proto_numbers[f->p];
    size_t iplen = l3 + l4len;
    if (f->ipv6) {
        put16(buf + l2 - 2, 0x86dd);
        put32(ip, 0x60000000u);
        put16(ip + 4, (uint32_t)l4len);
        ip[6] = proto;
        ip[7] = 64;
        put_addr6(ip + 8, g, f, !srv); /* the source is the client unless srv */
        put_addr6(ip + 24, g, f, srv);
    } else {
        put16(buf + l2 - 2, 0x0800);
        ip[0] = 0x45;
        ip[1] = 0;
        put16(ip + 2, (uint32_t)iplen);
        put16(ip + 4, f->sent); /* identification */
        put16(ip + 6, 0x4000);  /* DF, offset 0: never a fragment */
        ip[8] = 64;
        ip[9] = proto;
        put16(ip + 10, 0);
        put_addr4(ip + 12, g, f, !srv);
        put_addr4(ip + 16, g, f, srv);
        put16(ip + 10, fold16(sum16(ip, 20, 0)));
    }
    set_l4_checksum(g, f, ip, l4, l4len);
    *ip_bytes = (uint32_t)iplen;
    size_t len = l2 + iplen;
    if (len < 60) { /* Ethernet minimum frame (without FCS): zero padding after IP */
        memset(buf + len, 0, 60 - len);
        len = 60;
    }
    return (uint32_t)len;
}

/* ---- Main loop -------------------------------------------------------------------------- */

struct opts {
    uint64_t packets;
    uint32_t flows;
    uint64_t seed;
    uint32_t clients;
    bool small;
    const char *out;
    const char *truth;
};

static void
usage(FILE *fp, const char *argv0)
{
    fprintf(fp,
            "usage: %s --packets N --flows F [--seed S] [--small] [--clients N]\n"
            "          -o FILE.pcap [--truth FILE.json]\n"
            "Writes N Ethernet frames of about F concurrent TCP/UDP/SCTP/DCCP flows,\n"
            "1 us apart, deterministic for a given seed; --small makes every data frame\n"
            "64 bytes; --clients N draws all flows from N client addresses (default\n"
            "65536); --truth writes the true flow and packet counts as JSON.\n",
            argv0);
}

static bool
parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (s[0] == '-' || s[0] == '\0')
        return false;
    unsigned long long v = strtoull(s, &end, 0);
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        {"packets", required_argument, NULL, 'n'}, {"flows", required_argument, NULL, 'f'},
        {"seed", required_argument, NULL, 's'},    {"small", no_argument, NULL, 'S'},
        {"clients", required_argument, NULL, 'c'}, {"output", required_argument, NULL, 'o'},
        {"truth", required_argument, NULL, 't'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    uint64_t v;
    int ch;

    *o = (struct opts){.packets = 1000000, .flows = 100000, .seed = 1, .clients = 65536};
    while ((ch = getopt_long(argc, argv, "n:f:s:c:o:t:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'n':
            if (!parse_u64(optarg, &o->packets))
                goto bad;
            break;
        case 'f':
            if (!parse_u64(optarg, &v) || v == 0 || v > 100000000)
                goto bad;
            o->flows = (uint32_t)v;
            break;
        case 's':
            if (!parse_u64(optarg, &o->seed))
                goto bad;
            break;
        case 'c':
            if (!parse_u64(optarg, &v) || v == 0 || v > (1u << 24) - 2)
                goto bad;
            o->clients = (uint32_t)v;
            break;
        case 'S':
            o->small = true;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 't':
            o->truth = optarg;
            break;
        case 'h':
            usage(stdout, argv[0]);
            exit(0);
        default:
            usage(stderr, argv[0]);
            return -1;
        }
    }
    if (optind != argc || o->out == NULL) {
        usage(stderr, argv[0]);
        return -1;
    }
    return 0;
bad:
    fprintf(stderr, "%s: bad value for --%s: %s\n", argv[0],
            ch == 'n' ? "packets" : ch == 'f' ? "flows" : ch == 's' ? "seed" : "clients", optarg);
    return -1;
}

static int
write_truth(const struct opts *o, const struct truth *t)
{
    FILE *fp = fopen(o->truth, "w");
    if (fp == NULL) {
        perror(o->truth);
        return -1;
    }
    uint64_t flows = 0, pkts = 0, bytes = 0;
    for (int p = 0; p < P_COUNT; p++) {
        flows += t->flows[p];
        pkts += t->packets[p];
        bytes += t->bytes[p];
    }
    fprintf(fp, "{\"generator\": \"gen_workload\", \"packets\": %llu, \"flows\": %u, "
                "\"seed\": %llu, \"clients\": %u, \"small\": %s, ",
            (unsigned long long)o->packets, o->flows, (unsigned long long)o->seed, o->clients,
            o->small ? "true" : "false");
    fprintf(fp, "\"packets_total\": %llu, \"packets_in_flows\": %llu, \"flows_total\": %llu, "
                "\"bytes_total\": %llu, ",
            (unsigned long long)pkts, (unsigned long long)pkts, (unsigned long long)flows,
            (unsigned long long)bytes);
    const char *what[3] = {"flows_by_proto", "packets_by_proto", "bytes_by_proto"};
    const uint64_t *arr[3] = {t->flows, t->packets, t->bytes};
    for (int i = 0; i < 3; i++) {
        fprintf(fp, "\"%s\": {", what[i]);
        for (int p = 0; p < P_COUNT; p++)
            fprintf(fp, "%s\"%s\": %llu", p ? ", " : "", proto_names[p],
                    (unsigned long long)arr[i][p]);
        fprintf(fp, "}, ");
    }
    fprintf(fp, "\"flows_ipv6\": %llu, \"flows_vlan\": %llu, "
                "\"end_reason\": {\"closed\": %llu, \"eof\": %llu}}\n",
            (unsigned long long)t->flows_ipv6, (unsigned long long)t->flows_vlan,
            (unsigned long long)t->tcp_closed, (unsigned long long)(flows - t->tcp_closed));
    if (fclose(fp) != 0) {
        perror(o->truth);
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct opts o;
    if (parse_opts(argc, argv, &o) < 0)
        return 2;

    static struct gen g; /* zeroed; large enough to keep off the stack */
    uint64_t sm = o.seed;
    for (int i = 0; i < 4; i++)
        g.rng.s[i] = splitmix64(&sm);
    g.nslots = o.flows;
    g.nclients = o.clients;
    g.small = o.small;
    crc32c_init(g.crc_table);
    const struct port_weight *tabs[P_COUNT] = {tcp_ports, udp_ports, sctp_ports, dccp_ports};
    const size_t lens[P_COUNT] = {sizeof tcp_ports / sizeof tcp_ports[0],
                                  sizeof udp_ports / sizeof udp_ports[0],
                                  sizeof sctp_ports / sizeof sctp_ports[0],
                                  sizeof dccp_ports / sizeof dccp_ports[0]};
    for (int p = 0; p < P_COUNT; p++) {
        g.ports[p] = (struct port_table){.w = tabs[p], .n = lens[p]};
        for (size_t i = 0; i < lens[p]; i++)
            g.ports[p].total += tabs[p][i].weight;
    }
    g.slots = calloc(g.nslots, sizeof *g.slots);
    if (g.slots == NULL) {
        fprintf(stderr, "gen_workload: out of memory for %u flows\n", g.nslots);
        return 1;
    }
    for (uint32_t i = 0; i < g.nslots; i++)
        new_flow(&g, &g.slots[i]);

    FILE *fp = fopen(o.out, "wb");
    if (fp == NULL) {
        perror(o.out);
        return 1;
    }
    static char iobuf[1 << 20];
    setvbuf(fp, iobuf, _IOFBF, sizeof iobuf);
    pcap_t *pd = pcap_open_dead(DLT_EN10MB, 65535);
    pcap_dumper_t *dump = pd ? pcap_dump_fopen(pd, fp) : NULL;
    if (dump == NULL) {
        fprintf(stderr, "gen_workload: %s: %s\n", o.out, pd ? pcap_geterr(pd) : "pcap");
        return 1;
    }

    static uint8_t frame[FRAME_MAX];
    struct truth *t = &g.truth;
    for (uint64_t i = 0; i < o.packets; i++) {
        struct flow *f = &g.slots[rng_below(&g.rng, g.nslots)];
        uint32_t ip_bytes;
        uint32_t len = build_frame(&g, f, frame, &ip_bytes);
        struct pcap_pkthdr h = {
            .ts = {.tv_sec = (time_t)(START_SEC + i / 1000000),
                   .tv_usec = (suseconds_t)(i % 1000000)},
            .caplen = len,
            .len = len,
        };
        pcap_dump((u_char *)dump, &h, frame);
        if (f->sent == 0) {
            t->flows[f->p]++;
            t->flows_ipv6 += f->ipv6;
            t->flows_vlan += f->vlan != 0;
        }
        t->packets[f->p]++;
        t->bytes[f->p] += ip_bytes;
        if (++f->sent == f->planned) {
            t->tcp_closed += f->p == P_TCP;
            new_flow(&g, f);
        }
    }
    /* live TCP flows that already sent both FINs end as `closed` at end of input */
    for (uint32_t i = 0; i < g.nslots; i++) {
        const struct flow *f = &g.slots[i];
        if (f->p == P_TCP && f->sent >= f->planned - 1)
            t->tcp_closed++;
    }
    if (pcap_dump_flush(dump) != 0 || ferror(fp)) {
        fprintf(stderr, "gen_workload: %s: write error\n", o.out);
        return 1;
    }
    pcap_dump_close(dump);
    pcap_close(pd);
    free(g.slots);
    if (o.truth != NULL && write_truth(&o, t) < 0)
        return 1;
    return 0;
}
