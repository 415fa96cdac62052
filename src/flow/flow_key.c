/* src/flow/flow_key.c — canonical bidirectional flow key (SPEC §4: IP version, transport
 * protocol, outermost VLAN ID, unordered endpoints) and end-reason names. */
#include <string.h>

#include "portlabel/flow.h"

/* Bytes p[0..8) as a big-endian number: comparing two of these orders like memcmp. */
static inline uint64_t
load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* memcmp(a, b, 16) without the library call: this runs for every packet. */
static inline int
addr_cmp(const uint8_t a[16], const uint8_t b[16])
{
    uint64_t a0 = load_be64(a), b0 = load_be64(b);
    if (a0 != b0)
        return a0 < b0 ? -1 : 1;
    uint64_t a1 = load_be64(a + 8), b1 = load_be64(b + 8);
    if (a1 != b1)
        return a1 < b1 ? -1 : 1;
    return 0;
}

/* Both directions of a conversation give the same key: the smaller (address,
 * port) endpoint comes first. The key is zeroed first since the table hashes
 * its raw bytes. */
bool
pl_flow_key_make(struct pl_flow_key *k, const struct pl_pkt *pkt)
{
    int cmp = addr_cmp(pkt->src, pkt->dst);
    bool swap = cmp > 0 || (cmp == 0 && pkt->sport > pkt->dport);

    memset(k, 0, sizeof *k);
    memcpy(k->addr_lo, swap ? pkt->dst : pkt->src, sizeof k->addr_lo);
    memcpy(k->addr_hi, swap ? pkt->src : pkt->dst, sizeof k->addr_hi);
    k->port_lo = swap ? pkt->dport : pkt->sport;
    k->port_hi = swap ? pkt->sport : pkt->dport;
    k->vlan_id = pkt->vlan_count > 0 ? pkt->vlan[0] : 0;
    k->l4_proto = pkt->l4_proto;
    k->ip_version = pkt->ip_version;
    return swap;
}

const char *
pl_end_reason_name(enum pl_end_reason why)
{
    static const char *const names[] = {
        [PL_END_IDLE] = "idle",       [PL_END_ACTIVE] = "active", [PL_END_CLOSED] = "closed",
        [PL_END_EVICTED] = "evicted", [PL_END_EOF] = "eof",       [PL_END_SHUTDOWN] = "shutdown",
    };

    if ((size_t)why < sizeof names / sizeof names[0])
        return names[why];
    return "unknown";
}
