/* src/decode/encap.c — what may follow an EtherType before IP: VLAN tag stacks
 * (IEEE 802.1Q, 802.1ad, and the pre-standard 0x9100 TPID), MPLS label stacks
 * (RFC 3032 §2.1) and the PPPoE session header (RFC 2516 §4).
 *
 *   VLAN tag, after its TPID:   | PCP(3) DEI(1) VID(12) | next EtherType (16) |
 *   MPLS label stack entry:     | label(20) | TC(3) | S(1) | TTL(8) |
 *   PPPoE session header:       | ver(4) type(4) | code(8) | session id(16) | length(16) |
 *                               followed by the PPP protocol field (RFC 1661). */
#include "portlabel/decode.h"

#include "decode/decode_int.h"

#define PL_VLAN_VID_MASK 0x0fffu
#define PL_MPLS_BOS 0x00000100u /* S bit: bottom of stack (RFC 3032 §2.1) */
#define PL_PPPOE_HDR_LEN 6u     /* ver/type, code, session id, length (RFC 2516 §4) */
#define PL_IP_VERSION_SHIFT 4u

static bool
is_vlan_tpid(uint16_t type)
{
    return type == PL_ETHERTYPE_8021Q || type == PL_ETHERTYPE_8021AD ||
           type == PL_ETHERTYPE_QINQ_9100;
}

enum pl_decode_status
pl_decode_mpls(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype)
{
    for (size_t i = 0;; i++) {
        if (i == PL_MPLS_MAX) { /* bounded: every loop over packet data has a limit */
            pkt->anomalies |= PL_ANOM_MPLS_TOO_DEEP;
            return PL_DEC_MALFORMED;
        }
        uint32_t lse = pl_cur_be32(c);
        if (pl_cur_failed(c))
            return PL_DEC_TRUNCATED;
        pkt->mpls_count++;
        if (lse & PL_MPLS_BOS)
            break;
    }
    /* RFC 3032 §2.1: nothing below the stack names the payload; its first nibble does. */
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
        return PL_DEC_NON_IP; /* pseudowire, Ethernet over MPLS, ... */
    }
}

enum pl_decode_status
pl_decode_encap(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype)
{
    uint16_t type = *ethertype;

    for (size_t i = 0; is_vlan_tpid(type); i++) {
        if (i == PL_VLAN_MAX) {
            pkt->anomalies |= PL_ANOM_VLAN_TOO_DEEP;
            return PL_DEC_MALFORMED;
        }
        uint16_t tci = pl_cur_be16(c);
        type = pl_cur_be16(c);
        if (pl_cur_failed(c))
            return PL_DEC_TRUNCATED;
        /* A priority tag (VID 0) is still a tag: it is recorded and keys as VLAN 0. */
        pkt->vlan[pkt->vlan_count++] = (uint16_t)(tci & PL_VLAN_VID_MASK);
    }

    switch (type) {
    case PL_ETHERTYPE_MPLS_UC:
    case PL_ETHERTYPE_MPLS_MC:
        return pl_decode_mpls(c, pkt, ethertype);
    case PL_ETHERTYPE_PPPOE_SESS:
        if (!pl_cur_skip(c, PL_PPPOE_HDR_LEN))
            return PL_DEC_TRUNCATED;
        *ethertype = type; /* the dispatcher hands the PPP protocol field to ppp.c */
        return PL_DEC_OK;
    case PL_ETHERTYPE_PPPOE_DISC:
        return PL_DEC_NON_IP;
    default:
        *ethertype = type;
        return PL_DEC_OK;
    }
}
