/* tests/support/frames.c — test frame builders (see frames.h). */
#include "frames.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void
fb_init(struct fb *f)
{
    memset(f, 0, sizeof *f);
    f->ip_off = SIZE_MAX;
    f->l4_off = SIZE_MAX;
    f->pppoe_off = SIZE_MAX;
}

void
fb_u8(struct fb *f, uint8_t v)
{
    assert(f->len < FB_MAX);
    f->b[f->len++] = v;
}

void
fb_be16(struct fb *f, uint16_t v)
{
    fb_u8(f, (uint8_t)(v >> 8));
    fb_u8(f, (uint8_t)v);
}

void
fb_be32(struct fb *f, uint32_t v)
{
    fb_be16(f, (uint16_t)(v >> 16));
    fb_be16(f, (uint16_t)v);
}

void
fb_zero(struct fb *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fb_u8(f, 0);
}

void
fb_put_be16(struct fb *f, size_t off, uint16_t v)
{
    assert(off + 2 <= FB_MAX);
    f->b[off] = (uint8_t)(v >> 8);
    f->b[off + 1] = (uint8_t)v;
}

void
fb_eth(struct fb *f, uint16_t type)
{
    static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
    for (size_t i = 0; i < sizeof macs; i++)
        fb_u8(f, macs[i]);
    fb_be16(f, type);
}

void
fb_vlan(struct fb *f, uint16_t tci, uint16_t next_type)
{
    fb_be16(f, tci);
    fb_be16(f, next_type);
}

void
fb_mpls(struct fb *f, uint32_t label, bool bottom)
{
    fb_be32(f, label << 12 | (bottom ? 0x100u : 0u) | 64u);
}

void
fb_pppoe_sess(struct fb *f, uint16_t ppp_proto)
{
    f->pppoe_off = f->len;
    fb_u8(f, 0x11); /* version 1, type 1 */
    fb_u8(f, 0x00); /* code: session data */
    fb_be16(f, 0x0042);
    fb_be16(f, 0); /* length: fb_finish */
    fb_be16(f, ppp_proto);
}

void
fb_sll(struct fb *f, uint16_t arphrd, uint16_t proto)
{
    fb_be16(f, 0);      /* packet type: to us */
    fb_be16(f, arphrd); /* 1: Ethernet */
    fb_be16(f, 6);
    fb_be32(f, 0x02000000);
    fb_be32(f, 0x00010000);
    fb_be16(f, proto);
}

void
fb_sll2(struct fb *f, uint16_t arphrd, uint16_t proto)
{
    fb_be16(f, proto);
    fb_be16(f, 0); /* reserved */
    fb_be32(f, 3); /* interface index */
    fb_be16(f, arphrd);
    fb_u8(f, 4); /* packet type: outgoing */
    fb_u8(f, 6);
    fb_be32(f, 0x02000000);
    fb_be32(f, 0x00010000);
}

void
fb_null_le(struct fb *f, uint32_t family)
{
    fb_u8(f, (uint8_t)family);
    fb_u8(f, (uint8_t)(family >> 8));
    fb_u8(f, (uint8_t)(family >> 16));
    fb_u8(f, (uint8_t)(family >> 24));
}

void
fb_null_be(struct fb *f, uint32_t family)
{
    fb_be32(f, family);
}

void
fb_ppp(struct fb *f, bool addr_ctrl, uint16_t proto)
{
    if (addr_ctrl) {
        fb_u8(f, 0xff);
        fb_u8(f, 0x03);
    }
    fb_be16(f, proto);
}

void
fb_ipv4(struct fb *f, uint8_t proto, size_t opt_words)
{
    f->ip_off = f->len;
    f->ip_ver = 4;
    fb_u8(f, (uint8_t)(0x40 | (5 + opt_words)));
    fb_u8(f, 0);
    fb_be16(f, 0); /* total length: fb_finish */
    fb_be16(f, 0x1234);
    fb_be16(f, 0x4000); /* DF */
    fb_u8(f, 64);
    fb_u8(f, proto);
    fb_be16(f, 0);
    fb_be32(f, 0x0a000001);
    fb_be32(f, 0x0a000002);
    for (size_t i = 0; i < opt_words; i++)
        fb_be32(f, 0x01010101); /* NOPs */
}

void
fb_ipv4_frag(struct fb *f, uint16_t off_units, bool more)
{
    fb_put_be16(f, f->ip_off + 6, (uint16_t)((more ? 0x2000 : 0) | (off_units & 0x1fff)));
}

void
fb_ipv6(struct fb *f, uint8_t nh)
{
    f->ip_off = f->len;
    f->ip_ver = 6;
    fb_be32(f, 0x60000000);
    fb_be16(f, 0); /* payload length: fb_finish */
    fb_u8(f, nh);
    fb_u8(f, 64);
    fb_be32(f, 0x20010db8);
    fb_zero(f, 11);
    fb_u8(f, 1);
    fb_be32(f, 0x20010db8);
    fb_zero(f, 11);
    fb_u8(f, 2);
}

void
fb_ipv6_ext(struct fb *f, uint8_t this_type, uint8_t nh, uint8_t len_units)
{
    size_t len =
        this_type == PL_IPPROTO_AH ? ((size_t)len_units + 2) * 4 : ((size_t)len_units + 1) * 8;
    fb_u8(f, nh);
    fb_u8(f, len_units);
    fb_zero(f, len - 2);
}

void
fb_ipv6_frag(struct fb *f, uint8_t nh, uint16_t off_units, bool more, uint32_t id)
{
    fb_u8(f, nh);
    fb_u8(f, 0);
    fb_be16(f, (uint16_t)(off_units << 3 | (more ? 1 : 0)));
    fb_be32(f, id);
}

void
fb_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags)
{
    f->l4_off = f->len;
    f->l4_proto = PL_IPPROTO_TCP;
    fb_be16(f, sport);
    fb_be16(f, dport);
    fb_be32(f, 1000);
    fb_be32(f, (flags & PL_TCP_ACK) ? 2000 : 0);
    fb_u8(f, 0x50);
    fb_u8(f, flags);
    fb_be16(f, 65535);
    fb_be16(f, 0);
    fb_be16(f, 0);
}

void
fb_udp(struct fb *f, uint16_t sport, uint16_t dport)
{
    f->l4_off = f->len;
    f->l4_proto = PL_IPPROTO_UDP;
    fb_be16(f, sport);
    fb_be16(f, dport);
    fb_be16(f, 0); /* length: fb_finish */
    fb_be16(f, 0);
}

void
fb_sctp(struct fb *f, uint16_t sport, uint16_t dport, int chunk_type)
{
    f->l4_off = f->len;
    f->l4_proto = PL_IPPROTO_SCTP;
    fb_be16(f, sport);
    fb_be16(f, dport);
    fb_be32(f, chunk_type == PL_SCTP_CHUNK_INIT ? 0 : 0xdeadbeef);
    fb_be32(f, 0);
    if (chunk_type >= 0) {
        fb_u8(f, (uint8_t)chunk_type);
        fb_u8(f, 0);
        fb_be16(f, 20);
        fb_zero(f, 16);
    }
}

void
fb_dccp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t type, bool x)
{
    f->l4_off = f->len;
    f->l4_proto = PL_IPPROTO_DCCP;
    fb_be16(f, sport);
    fb_be16(f, dport);
    size_t hlen = (x ? 16u : 12u) + (type == PL_DCCP_REQUEST ? 4u : 0u) +
                  (type == PL_DCCP_RESPONSE ? 12u : 0u);
    fb_u8(f, (uint8_t)(hlen / 4));
    fb_u8(f, 0);
    fb_be16(f, 0);
    fb_u8(f, (uint8_t)(type << 1 | (x ? 1 : 0)));
    fb_zero(f, hlen - 9);
}

void
fb_payload(struct fb *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fb_u8(f, (uint8_t)('a' + i % 26));
}

void
fb_finish(struct fb *f)
{
    if (f->ip_off != SIZE_MAX && f->ip_ver == 4)
        fb_put_be16(f, f->ip_off + 2, (uint16_t)(f->len - f->ip_off));
    if (f->ip_off != SIZE_MAX && f->ip_ver == 6)
        fb_put_be16(f, f->ip_off + 4, (uint16_t)(f->len - f->ip_off - 40));
    if (f->l4_off != SIZE_MAX && f->l4_proto == PL_IPPROTO_UDP)
        fb_put_be16(f, f->l4_off + 4, (uint16_t)(f->len - f->l4_off));
    if (f->pppoe_off != SIZE_MAX)
        fb_put_be16(f, f->pppoe_off + 4, (uint16_t)(f->len - f->pppoe_off - 6));
}

enum pl_decode_status
fb_decode(const struct fb *f, enum pl_linktype link, size_t cap, struct pl_pkt *pkt)
{
    /* An exact-size heap copy, so that ASan catches any read past cap. */
    uint8_t *copy = malloc(cap > 0 ? cap : 1);
    assert(copy != NULL && cap <= FB_MAX);
    memcpy(copy, f->b, cap);
    struct pl_frame fr = {
        .data = copy,
        .cap_len = (uint32_t)cap,
        .wire_len = (uint32_t)f->len,
        .ts_us = 1700000000000000u,
        .link = link,
    };
    enum pl_decode_status st = pl_decode_frame(&fr, pkt);
    free(copy);
    return st;
}

size_t
fb_sweep(const struct fb *f, enum pl_linktype link, size_t ok_from, enum pl_decode_status *got)
{
    for (size_t n = 0; n <= f->len; n++) {
        struct pl_pkt pkt;
        enum pl_decode_status st = fb_decode(f, link, n, &pkt);
        enum pl_decode_status want = n < ok_from ? PL_DEC_TRUNCATED : PL_DEC_OK;
        if (st != want) {
            *got = st;
            return n;
        }
    }
    return SIZE_MAX;
}

void
fb_eth_ipv4_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags, size_t payload)
{
    fb_init(f);
    fb_eth(f, FB_ET_IPV4);
    fb_ipv4(f, PL_IPPROTO_TCP, 0);
    fb_tcp(f, sport, dport, flags);
    fb_payload(f, payload);
    fb_finish(f);
}

void
fb_eth_ipv6_udp(struct fb *f, uint16_t sport, uint16_t dport, size_t payload)
{
    fb_init(f);
    fb_eth(f, FB_ET_IPV6);
    fb_ipv6(f, PL_IPPROTO_UDP);
    fb_udp(f, sport, dport);
    fb_payload(f, payload);
    fb_finish(f);
}

static bool
is_transport(uint8_t proto)
{
    return proto == PL_IPPROTO_TCP || proto == PL_IPPROTO_UDP || proto == PL_IPPROTO_SCTP ||
           proto == PL_IPPROTO_DCCP;
}

static size_t
l4_need(uint8_t proto)
{
    switch (proto) {
    case PL_IPPROTO_TCP:
        return 14;
    case PL_IPPROTO_UDP:
        return 4;
    case PL_IPPROTO_SCTP:
        return 12;
    default:
        return 9;
    }
}

const char *
fb_check_invariants(const struct pl_frame *fr, enum pl_decode_status st, const struct pl_pkt *pkt)
{
    if (pkt->ts_us != fr->ts_us)
        return "timestamp not copied";
    if (pkt->vlan_count > PL_VLAN_MAX || pkt->mpls_count > PL_MPLS_MAX)
        return "tag count above its bound";
    if (pkt->layer > PL_LAYER_L4 || pkt->frag > PL_FRAG_LATER)
        return "layer or frag out of range";
    if (pkt->layer >= PL_LAYER_L3 && pkt->l4_off > fr->cap_len)
        return "l4_off beyond the capture";
    if (pkt->layer >= PL_LAYER_L2 && pkt->l3_off > fr->cap_len)
        return "l3_off beyond the capture";
    switch (st) {
    case PL_DEC_OK:
        if (pkt->ip_version != 4 && pkt->ip_version != 6)
            return "OK without an IP version";
        if (!is_transport(pkt->l4_proto) &&
            !(pkt->frag == PL_FRAG_LATER && pkt->ip_version == 6 &&
              (pkt->l4_proto == PL_IPPROTO_HOPOPTS || pkt->l4_proto == PL_IPPROTO_ROUTING ||
               pkt->l4_proto == PL_IPPROTO_DSTOPTS || pkt->l4_proto == PL_IPPROTO_AH)))
            return "OK with a non-transport protocol (other than a later IPv6 fragment "
                   "naming an extension header)";
        if (pkt->frag == PL_FRAG_LATER) {
            if (pkt->layer != PL_LAYER_L3 || pkt->sport != 0 || pkt->dport != 0)
                return "later fragment with ports or wrong layer";
        } else {
            if (pkt->layer != PL_LAYER_L4)
                return "OK below layer L4";
            if ((size_t)pkt->l4_off + l4_need(pkt->l4_proto) > fr->cap_len)
                return "ports read from bytes not captured";
        }
        if (pkt->ip_len < (pkt->ip_version == 4 ? 20u : 40u))
            return "ip_len below the IP header";
        if (pkt->l4_len > pkt->ip_len)
            return "l4_len above ip_len";
        if (pkt->has_sctp_chunk && pkt->l4_proto != PL_IPPROTO_SCTP)
            return "SCTP chunk on another protocol";
        break;
    case PL_DEC_OTHER_IP:
        if (pkt->layer != PL_LAYER_L3 || is_transport(pkt->l4_proto))
            return "other_ip with a transport protocol or wrong layer";
        break;
    case PL_DEC_MALFORMED:
        if (pkt->anomalies == 0)
            return "malformed without an anomaly bit";
        if (pkt->layer == PL_LAYER_L4)
            return "malformed at layer L4";
        break;
    case PL_DEC_TRUNCATED:
    case PL_DEC_NON_IP:
        if (pkt->layer >= PL_LAYER_L4)
            return "failure at layer L4";
        break;
    case PL_DEC_UNSUPPORTED_LINK:
        if (pkt->layer != PL_LAYER_NONE)
            return "unsupported link decoded something";
        break;
    default:
        return "unknown status";
    }
    return NULL;
}
