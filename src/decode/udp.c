/* src/decode/udp.c — UDP header (RFC 768).
 *
 * SPEC §8: the declared transport length must hold the 8-byte header
 * (malformed) and the 4 port bytes must be captured (truncated). The UDP length
 * field is not checked; a disagreement is a soft anomaly. */
#include "portlabel/decode.h"

#define PL_UDP_HDR_LEN 8u
#define PL_UDP_CSUM_LEN 2u

enum pl_decode_status
pl_decode_udp(struct pl_cursor *c, struct pl_pkt *pkt)
{
    if (pkt->l4_len < PL_UDP_HDR_LEN) {
        pkt->anomalies |= PL_ANOM_L4_SHORT;
        return PL_DEC_MALFORMED;
    }
    uint16_t sport = pl_cur_be16(c);
    uint16_t dport = pl_cur_be16(c);
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;
    pkt->sport = sport;
    pkt->dport = dport;

    uint16_t ulen = pl_cur_be16(c); /* optional: may be cut by the snaplen */
    (void)pl_cur_skip(c, PL_UDP_CSUM_LEN);
    if (!pl_cur_failed(c)) {
        /* RFC 768: the length counts header and data. Later fragments of the
         * datagram are not here, so only unfragmented packets can be compared. */
        if (pkt->frag == PL_FRAG_NONE && ulen != pkt->l4_len)
            pkt->anomalies |= PL_ANOM_UDP_LEN;
        pkt->payload_len = (uint32_t)c->left;
    }
    return PL_DEC_OK;
}
