/* src/decode/sctp.c — SCTP common header and the first chunk's type (RFC 9260 §3.1, §3.2).
 *
 *   | source port | destination port | verification tag | checksum | chunk type | ...
 *
 * SPEC §8: the declared transport length must hold the 12-byte common header
 * (malformed), and those 12 bytes must be captured (truncated). The first
 * chunk's type counts only when a 13th byte is both captured and within the
 * declared length; the cursor is already clamped to both. */
#include "portlabel/decode.h"

#define PL_SCTP_HDR_LEN 12u
#define PL_SCTP_VTAG_CSUM_LEN 8u

enum pl_decode_status
pl_decode_sctp(struct pl_cursor *c, struct pl_pkt *pkt)
{
    if (pkt->l4_len < PL_SCTP_HDR_LEN) {
        pkt->anomalies |= PL_ANOM_L4_SHORT;
        return PL_DEC_MALFORMED;
    }
    uint16_t sport = pl_cur_be16(c);
    uint16_t dport = pl_cur_be16(c);
    (void)pl_cur_skip(c, PL_SCTP_VTAG_CSUM_LEN);
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;
    pkt->sport = sport;
    pkt->dport = dport;

    pkt->payload_len = (uint32_t)c->left;
    uint8_t chunk = pl_cur_peek_u8(c, 0);
    if (!pl_cur_failed(c)) {
        pkt->sctp_chunk = chunk;
        pkt->has_sctp_chunk = true;
    }
    return PL_DEC_OK;
}
