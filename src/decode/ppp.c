/* src/decode/ppp.c — PPP framing (RFC 1661 §2, RFC 1662 §3.1 address/control; MPLS over
 * PPP, RFC 3032 §4.3).
 *
 *   [ 0xff address | 0x03 control ]  protocol (1 or 2 bytes)  information ...
 *
 * The HDLC address/control pair is optional (ACFC, RFC 1661 §6.6); the protocol
 * field may be compressed to one byte (PFC, §6.5): a protocol's low byte is odd,
 * its high byte even, so an odd first byte is a one-byte protocol. */
#include "portlabel/decode.h"

#include "decode/decode_int.h"

#define PL_PPP_ADDRESS 0xffu
#define PL_PPP_CONTROL 0x03u
#define PL_PPP_PFC_BIT 0x01u

enum pl_decode_status
pl_decode_ppp(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype)
{
    (void)pkt;
    uint8_t b0 = pl_cur_peek_u8(c, 0);
    uint8_t b1 = pl_cur_peek_u8(c, 1);
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;
    if (b0 == PL_PPP_ADDRESS && b1 == PL_PPP_CONTROL)
        (void)pl_cur_skip(c, 2);

    uint16_t proto = pl_cur_u8(c);
    if (!(proto & PL_PPP_PFC_BIT))
        proto = (uint16_t)(proto << 8 | pl_cur_u8(c));
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;

    switch (proto) {
    case PL_PPP_PROTO_IPV4:
        *ethertype = PL_ETHERTYPE_IPV4;
        return PL_DEC_OK;
    case PL_PPP_PROTO_IPV6:
        *ethertype = PL_ETHERTYPE_IPV6;
        return PL_DEC_OK;
    case PL_PPP_PROTO_MPLS_UC: /* a label stack follows, as after EtherType 0x8847 */
        *ethertype = PL_ETHERTYPE_MPLS_UC;
        return PL_DEC_OK;
    case PL_PPP_PROTO_MPLS_MC:
        *ethertype = PL_ETHERTYPE_MPLS_MC;
        return PL_DEC_OK;
    default:
        return PL_DEC_NON_IP; /* LCP, IPCP, PAP, CHAP, compressed data, ... */
    }
}
