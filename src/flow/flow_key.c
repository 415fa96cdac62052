/* src/flow/flow_key.c — canonical bidirectional flow key (SPEC §4: IP version, transport
 * protocol, outermost VLAN ID, unordered endpoints) and end-reason names. */
#include <string.h>

#include "portlabel/flow.h"

/* Bytes p[0..8) as a big-endian number: comparing two of these orders like memcmp. */
static inline uint64_t
load_be64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* Both directions of a conversation give the same key: the smaller (address,
 * port) endpoint comes first. Every byte of the key is written (it has no
 * padding), since the table hashes its raw bytes. Branch-free selection: this
 * runs for every packet. */
bool
pl_flow_key_make(struct pl_flow_key *k, const struct pl_pkt *pkt)
{
    uint64_t s0 = load_be64(pkt->src), s1 = load_be64(pkt->src + 8);
    uint64_t d0 = load_be64(pkt->dst), d1 = load_be64(pkt->dst + 8);
    bool swap = s0 != d0 ? s0 > d0 : s1 != d1 ? s1 > d1 : pkt->sport > pkt->dport;
    const uint8_t *lo = swap ? pkt->dst : pkt->src, *hi = swap ? pkt->src : pkt->dst;

    memcpy(k->addr_lo, lo, sizeof k->addr_lo);
    memcpy(k->addr_hi, hi, sizeof k->addr_hi);
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
