/* src/decode/ipv6.c — IPv6 header and extension-header walk (RFC 8200 §3, §4;
 * AH per RFC 4302 §2.2).
 *
 *   0       4               12                     31
 *   +-------+---------------+-----------------------+
 *   |Version| Traffic Class |      Flow Label       |
 *   |    Payload Length     | Next Header | Hop Lim |
 *   |          Source Address (16 bytes)            |
 *   |       Destination Address (16 bytes)          |
 *
 * Walked: hop-by-hop (0), routing (43), destination options (60), fragment (44)
 * and AH (51), at most PL_IPV6_EXT_MAX of them. ESP (50), No Next Header (59)
 * and anything else end the walk. A routing header does not change the
 * destination used (SPEC §8). Each extension header is checked against the
 * declared payload length first (malformed), then against the capture
 * (truncated). */
#include "portlabel/decode.h"

#include "decode/decode_int.h"

#define PL_IPV6_HDR_LEN 40u
#define PL_IPV6_ADDR_LEN 16u
#define PL_IPV6_VERSION_SHIFT 28u
#define PL_IPV6_HOP_LIMIT_LEN 1u
#define PL_IPV6_EXT_MIN_LEN 2u    /* next header + length byte */
#define PL_IPV6_EXT_UNIT 8u       /* Hdr Ext Len: 8-octet units, not counting the first 8 */
#define PL_IPV6_FRAG_HDR_LEN 8u   /* RFC 8200 §4.5 */
#define PL_IPV6_FRAG_OFF_SHIFT 3u /* offset (13 bits) | res (2) | M (1) */
#define PL_IPV6_FRAG_M 0x0001u
#define PL_AH_UNIT 4u /* RFC 4302 §2.2: Payload Len in 32-bit words, minus 2 */
#define PL_AH_LEN_BIAS 2u

/* Length in bytes of a length-prefixed extension header, from its second byte. */
static size_t
ext_len(uint8_t nh, uint8_t len_byte)
{
    if (nh == PL_IPPROTO_AH)
        return ((size_t)len_byte + PL_AH_LEN_BIAS) * PL_AH_UNIT;
    return ((size_t)len_byte + 1) * PL_IPV6_EXT_UNIT;
}

/* Walk the extension headers. *nh enters as the IPv6 Next Header and leaves as
 * the protocol that ends the walk; *decl_left is the declared bytes left. */
static enum pl_decode_status
walk_ext(struct pl_cursor *c, struct pl_pkt *pkt, uint8_t *nh, size_t *decl_left)
{
    for (size_t i = 0;; i++) {
        switch (*nh) {
        case PL_IPPROTO_HOPOPTS:
        case PL_IPPROTO_ROUTING:
        case PL_IPPROTO_DSTOPTS:
        case PL_IPPROTO_FRAGMENT:
        case PL_IPPROTO_AH:
            break;
        default:
            return PL_DEC_OK; /* transport, ESP, No Next Header, or unknown */
        }
        if (i == PL_IPV6_EXT_MAX) {
            pkt->anomalies |= PL_ANOM_IPV6_EXT_TOO_DEEP;
            return PL_DEC_MALFORMED;
        }
        size_t hlen = *nh == PL_IPPROTO_FRAGMENT ? PL_IPV6_FRAG_HDR_LEN : PL_IPV6_EXT_MIN_LEN;
        if (hlen > *decl_left) {
            pkt->anomalies |= PL_ANOM_IPV6_EXT_LEN;
            return PL_DEC_MALFORMED;
        }
        uint8_t next = pl_cur_peek_u8(c, 0);
        uint8_t len_byte = pl_cur_peek_u8(c, 1);
        if (pl_cur_failed(c))
            return PL_DEC_TRUNCATED;
        if (*nh != PL_IPPROTO_FRAGMENT)
            hlen = ext_len(*nh, len_byte);
        if (hlen > *decl_left) { /* RFC 8200 §4: headers lie within the payload */
            pkt->anomalies |= PL_ANOM_IPV6_EXT_LEN;
            return PL_DEC_MALFORMED;
        }
        if (*nh == PL_IPPROTO_FRAGMENT) {
            (void)pl_cur_skip(c, 2); /* next header, reserved */
            uint16_t off_m = pl_cur_be16(c);
            uint32_t ident = pl_cur_be32(c);
            if (pl_cur_failed(c))
                return PL_DEC_TRUNCATED;
            *decl_left -= hlen;
            pkt->frag_id = ident;
            pkt->frag_proto = next; /* fragment key protocol (SPEC §8) */
            pkt->frag_more = (off_m & PL_IPV6_FRAG_M) != 0;
            *nh = next;
            if ((off_m >> PL_IPV6_FRAG_OFF_SHIFT) != 0) {
                pkt->frag = PL_FRAG_LATER; /* the rest is the middle of a payload */
                return PL_DEC_OK;
            }
            if (pkt->frag_more)
                pkt->frag = PL_FRAG_FIRST;
            continue; /* atomic fragment (RFC 6946): keep walking */
        }
        if (!pl_cur_skip(c, hlen))
            return PL_DEC_TRUNCATED;
        *decl_left -= hlen;
        *nh = next;
    }
}

enum pl_decode_status
pl_decode_ipv6(struct pl_cursor *c, struct pl_pkt *pkt, uint8_t *l4_proto)
{
    uint32_t vtf = pl_cur_be32(c);
    uint16_t plen = pl_cur_be16(c);
    uint8_t nh = pl_cur_u8(c);
    (void)pl_cur_skip(c, PL_IPV6_HOP_LIMIT_LEN);
    (void)pl_cur_copy(c, pkt->src, PL_IPV6_ADDR_LEN);
    (void)pl_cur_copy(c, pkt->dst, PL_IPV6_ADDR_LEN);
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;

    if ((vtf >> PL_IPV6_VERSION_SHIFT) != PL_IP_VERSION_6) {
        pkt->anomalies |= PL_ANOM_IP_VERSION;
        return PL_DEC_MALFORMED;
    }
    if (plen == 0) { /* a jumbogram (RFC 2675) or bogus: either way not decodable here */
        pkt->anomalies |= PL_ANOM_IPV6_PLEN_ZERO;
        return PL_DEC_MALFORMED;
    }
    pkt->ip_version = PL_IP_VERSION_6;
    pkt->ip_len = PL_IPV6_HDR_LEN + (uint32_t)plen;
    if (c->left > plen)
        pkt->anomalies |= PL_ANOM_TRAILER;
    pl_cur_clamp(c, plen);

    size_t decl_left = plen;
    enum pl_decode_status st = walk_ext(c, pkt, &nh, &decl_left);
    if (st != PL_DEC_OK)
        return st;
    pkt->l4_len = (uint32_t)decl_left;
    pkt->l4_proto = nh;
    *l4_proto = nh;
    return PL_DEC_OK;
}
