/* src/decode/dccp.c — DCCP generic header (RFC 4340 §5.1).
 *
 *   0               8               16                              31
 *   +---------------+---------------+-------------------------------+
 *   |          Source Port          |           Dest Port           |
 *   |  Data Offset  | CCVal | CsCov |           Checksum            |
 *   | Res | Type  |X|   Reserved    |  Sequence Number (high bits)  |  X=1
 *   |               Sequence Number (low bits)                      |
 *
 * X=0 drops the reserved byte and carries a 24-bit sequence number: 12 bytes;
 * X=1 carries a 48-bit one: 16 bytes.
 *
 * SPEC §8: 9 bytes must be captured (ports, data offset, type, X: truncated);
 * the declared transport length must hold 12 bytes, 16 when X=1 (malformed).
 * The data offset is not checked; a bad one is a soft anomaly. */
#include "portlabel/decode.h"

#define PL_DCCP_HDR_LEN 12u   /* generic header, X = 0 */
#define PL_DCCP_HDR_LEN_X 16u /* generic header, X = 1 */
#define PL_DCCP_CCVAL_CSUM_LEN 3u
#define PL_DCCP_READ_LEN 9u /* bytes read: ports, data offset, CCVal, checksum, type/X */
#define PL_DCCP_X 0x01u
#define PL_DCCP_TYPE_SHIFT 1u
#define PL_DCCP_TYPE_MASK 0x0fu

enum pl_decode_status
pl_decode_dccp(struct pl_cursor *c, struct pl_pkt *pkt)
{
    if (pkt->l4_len < PL_DCCP_HDR_LEN) {
        pkt->anomalies |= PL_ANOM_L4_SHORT;
        return PL_DEC_MALFORMED;
    }
    uint16_t sport = pl_cur_be16(c);
    uint16_t dport = pl_cur_be16(c);
    size_t hlen = (size_t)pl_cur_u8(c) * 4; /* Data Offset is in 32-bit words */
    (void)pl_cur_skip(c, PL_DCCP_CCVAL_CSUM_LEN);
    uint8_t res_type_x = pl_cur_u8(c);
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;

    bool has_x = (res_type_x & PL_DCCP_X) != 0;
    size_t min_hlen = has_x ? PL_DCCP_HDR_LEN_X : PL_DCCP_HDR_LEN;
    if (pkt->l4_len < min_hlen) {
        pkt->anomalies |= PL_ANOM_DCCP_X_SHORT;
        return PL_DEC_MALFORMED;
    }
    pkt->sport = sport;
    pkt->dport = dport;
    pkt->dccp_type = (uint8_t)((res_type_x >> PL_DCCP_TYPE_SHIFT) & PL_DCCP_TYPE_MASK);
    if (hlen < min_hlen || hlen > pkt->l4_len)
        pkt->anomalies |= PL_ANOM_DCCP_DOFF; /* soft: the ports are still good */
    size_t rest = hlen > PL_DCCP_READ_LEN ? hlen - PL_DCCP_READ_LEN : 0;
    pkt->payload_len = c->left > rest ? (uint32_t)(c->left - rest) : 0;
    return PL_DEC_OK;
}
