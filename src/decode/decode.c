/* src/decode/decode.c — the dispatcher: the only file that knows which layer
 * follows which (SPEC §3, §8). Link decoders hand back an EtherType, the IP
 * decoders a protocol number; this file chains them. */
#include "portlabel/decode.h"

#include "decode/decode_int.h"

#define PL_IP_VERSION_SHIFT 4u

/* Copied over *pkt to reset it: for a ~100-byte struct, GCC turns memset() into
 * `rep stos`, whose start-up cost was ~4 of 22 ns per decode (bench_decode, AMD EPYC). */
static const struct pl_pkt pkt_zero;

/* Offset of the cursor from the frame start. */
static uint16_t
cur_off(const struct pl_frame *fr, const struct pl_cursor *c)
{
    return (uint16_t)(fr->cap_len - c->left);
}

/* Raw IP links carry no link header: the first nibble says which IP. */
static enum pl_decode_status
decode_raw(struct pl_cursor *c, uint16_t *ethertype, struct pl_pkt *pkt)
{
    uint8_t first = pl_cur_peek_u8(c, 0);
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;
    switch (first >> PL_IP_VERSION_SHIFT) {
    case PL_IP_VERSION_4:
        *ethertype = PL_ETHERTYPE_IPV4;
        return PL_DEC_OK;
    case PL_IP_VERSION_6:
        *ethertype = PL_ETHERTYPE_IPV6;
        return PL_DEC_OK;
    default:
        pkt->anomalies |= PL_ANOM_IP_VERSION;
        return PL_DEC_MALFORMED;
    }
}

/* PPP may carry an MPLS label stack (RFC 3032 §4.3): out of line, over a copy of the cursor
 * (PPP is rare; in the frame's own code path it cost every Ethernet packet ~20 instructions
 * through LTO code generation). The stack ends in IP or non-IP, never in PPP again. */
static __attribute__((noinline)) enum pl_decode_status
ppp_mpls(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype)
{
    return pl_decode_mpls(c, pkt, ethertype);
}

/* The link layer, up to the EtherType of the network layer. */
static enum pl_decode_status
decode_link(const struct pl_frame *fr, struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype)
{
    enum pl_decode_status st;

    switch (fr->link) {
    case PL_LINK_ETHERNET:
        st = pl_decode_eth(c, pkt, ethertype);
        break;
    case PL_LINK_SLL:
        st = pl_decode_sll(c, pkt, ethertype);
        break;
    case PL_LINK_SLL2:
        st = pl_decode_sll2(c, pkt, ethertype);
        break;
    case PL_LINK_RAW:
        return decode_raw(c, ethertype, pkt);
    case PL_LINK_IPV4:
        *ethertype = PL_ETHERTYPE_IPV4;
        return PL_DEC_OK;
    case PL_LINK_IPV6:
        *ethertype = PL_ETHERTYPE_IPV6;
        return PL_DEC_OK;
    case PL_LINK_NULL:
        return pl_decode_null(c, pkt, false, ethertype);
    case PL_LINK_LOOP:
        return pl_decode_null(c, pkt, true, ethertype);
    case PL_LINK_PPP:
        return pl_decode_ppp(c, pkt, ethertype);
    case PL_LINK_UNSUPPORTED:
    default:
        return PL_DEC_UNSUPPORTED_LINK;
    }
    if (st != PL_DEC_OK)
        return st;
    /* Ethernet-like links: tags, MPLS and PPPoE may follow the EtherType. */
    st = pl_decode_encap(c, pkt, ethertype);
    if (st == PL_DEC_OK && *ethertype == PL_ETHERTYPE_PPPOE_SESS)
        st = pl_decode_ppp(c, pkt, ethertype);
    return st;
}

static bool
is_ipv6_ext(uint8_t proto)
{
    return proto == PL_IPPROTO_HOPOPTS || proto == PL_IPPROTO_ROUTING ||
           proto == PL_IPPROTO_DSTOPTS || proto == PL_IPPROTO_AH;
}

static bool
is_transport(uint8_t proto)
{
    return proto == PL_IPPROTO_TCP || proto == PL_IPPROTO_UDP || proto == PL_IPPROTO_SCTP ||
           proto == PL_IPPROTO_DCCP;
}

enum pl_decode_status
pl_decode_frame(const struct pl_frame *fr, struct pl_pkt *pkt)
{
    struct pl_cursor c = pl_cur_make(fr->data, fr->cap_len);
    enum pl_decode_status st;
    uint16_t ethertype = 0;
    uint8_t l4_proto = 0;

    *pkt = pkt_zero;
    pkt->ts_us = fr->ts_us;
    if (fr->cap_len > fr->wire_len)
        pkt->anomalies |= PL_ANOM_CAPLEN_GT_WIRE;

    st = decode_link(fr, &c, pkt, &ethertype);
    /* Only PPP (a PPP link, or PPPoE) hands on MPLS: after an EtherType, encap.c walks it. */
    if (st == PL_DEC_OK &&
        (ethertype == PL_ETHERTYPE_MPLS_UC || ethertype == PL_ETHERTYPE_MPLS_MC)) {
        struct pl_cursor t = c;
        st = ppp_mpls(&t, pkt, &ethertype);
        c = t;
    }
    if (st == PL_DEC_NON_IP)
        pkt->layer = PL_LAYER_L2; /* the link was decoded; what it carries is not IP */
    if (st != PL_DEC_OK)
        return st;
    pkt->layer = PL_LAYER_L2;
    pkt->l3_off = cur_off(fr, &c);

    switch (ethertype) {
    case PL_ETHERTYPE_IPV4:
        st = pl_decode_ipv4(&c, pkt, fr->wire_len, &l4_proto);
        break;
    case PL_ETHERTYPE_IPV6:
        st = pl_decode_ipv6(&c, pkt, &l4_proto);
        break;
    default:
        return PL_DEC_NON_IP; /* ARP, LLC (802.3 lengths), LLDP, ... */
    }
    if (st != PL_DEC_OK)
        return st;
    pkt->layer = PL_LAYER_L3;
    pkt->l4_off = cur_off(fr, &c);

    /* A later IPv6 fragment whose fragment header names another extension header (e.g.
     * destination options before UDP) may still belong to a TCP/UDP/SCTP/DCCP datagram whose
     * first fragment registered that same key (SPEC §8: the fragment header's next header):
     * the flow stage decides, counting it unattributed when no first fragment matches. */
    if (pkt->frag == PL_FRAG_LATER && pkt->ip_version == 6 && is_ipv6_ext(l4_proto))
        return PL_DEC_OK;
    if (!is_transport(l4_proto))
        return PL_DEC_OTHER_IP; /* later fragments of these count in other_ip too */
    if (pkt->frag == PL_FRAG_LATER)
        return PL_DEC_OK; /* no ports here: the flow stage attributes it by fragment key */

    switch (l4_proto) {
    case PL_IPPROTO_TCP:
        st = pl_decode_tcp(&c, pkt);
        break;
    case PL_IPPROTO_UDP:
        st = pl_decode_udp(&c, pkt);
        break;
    case PL_IPPROTO_SCTP:
        st = pl_decode_sctp(&c, pkt);
        break;
    default:
        st = pl_decode_dccp(&c, pkt);
        break;
    }
    if (st == PL_DEC_OK)
        pkt->layer = PL_LAYER_L4;
    return st;
}
