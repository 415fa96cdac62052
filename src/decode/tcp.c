/* src/decode/tcp.c — TCP header: ports, sequence numbers, data offset, flags
 * (RFC 9293 §3.1; ECE/CWR per RFC 3168).
 *
 * SPEC §8: the declared transport length must hold the fixed 20-byte header
 * (malformed), and the first 14 bytes must be captured (truncated). The data
 * offset is not checked: a bad one is only a soft anomaly. */
#include "portlabel/decode.h"

#define PL_TCP_HDR_LEN 20u    /* fixed header */
#define PL_TCP_SEQ_ACK_LEN 8u /* sequence + acknowledgment numbers */
#define PL_TCP_DOFF_SHIFT 4u  /* Data Offset: high nibble, in 32-bit words */
#define PL_TCP_READ_LEN 14u   /* bytes read: ports, sequence numbers, data offset, flags */

enum pl_decode_status
pl_decode_tcp(struct pl_cursor *c, struct pl_pkt *pkt)
{
    if (pkt->l4_len < PL_TCP_HDR_LEN) {
        pkt->anomalies |= PL_ANOM_L4_SHORT;
        return PL_DEC_MALFORMED;
    }
    uint16_t sport = pl_cur_be16(c);
    uint16_t dport = pl_cur_be16(c);
    (void)pl_cur_skip(c, PL_TCP_SEQ_ACK_LEN);
    uint8_t doff_res = pl_cur_u8(c);
    uint8_t flags = pl_cur_u8(c);
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;

    pkt->sport = sport;
    pkt->dport = dport;
    pkt->tcp_flags = flags;
    size_t hlen = (size_t)(doff_res >> PL_TCP_DOFF_SHIFT) * 4;
    if (hlen < PL_TCP_HDR_LEN || hlen > pkt->l4_len)
        pkt->anomalies |= PL_ANOM_TCP_DOFF; /* soft: the ports are still good */
    size_t rest = hlen > PL_TCP_READ_LEN ? hlen - PL_TCP_READ_LEN : 0;
    pkt->payload_len = c->left > rest ? (uint32_t)(c->left - rest) : 0;
    return PL_DEC_OK;
}
