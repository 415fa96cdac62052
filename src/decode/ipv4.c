/* src/decode/ipv4.c — IPv4 header, options and fragmentation fields (RFC 791 §3.1).
 *
 *   0       4       8              16    19               31
 *   +-------+-------+--------------+----------------------+
 *   |Version|  IHL  |     TOS      |     Total Length     |
 *   |        Identification        |Flags| Fragment Offset|
 *   |     TTL       |   Protocol   |   Header Checksum    |
 *   |                   Source Address                    |
 *   |                 Destination Address                 |
 *   |            Options (IHL - 5 words) ...              |
 *
 * Order of checks (SPEC §8): the fixed 20 bytes must be captured (truncated);
 * then version, IHL and total length are checked (malformed); then the options
 * must be captured (truncated). Total length 0 is segmentation offload on the
 * capturing host: the IP length is then the wire length minus the link header. */
#include "portlabel/decode.h"

#include "decode/decode_int.h"

#define PL_IPV4_MIN_HLEN 20u
#define PL_IPV4_MIN_IHL 5u
#define PL_IPV4_IHL_MASK 0x0fu
#define PL_IPV4_VERSION_SHIFT 4u
#define PL_IPV4_FLAG_MF 0x2000u
#define PL_IPV4_FRAG_OFF_MASK 0x1fffu
#define PL_IPV4_FRAG_UNIT 8u /* fragment offset is in 8-byte units */
#define PL_IPV4_MAX_LEN 65535u
#define PL_IPV4_ADDR_LEN 4u
#define PL_IPV4_TOS_LEN 1u
#define PL_IPV4_TTL_LEN 1u
#define PL_IPV4_CSUM_LEN 2u
#define PL_V4MAPPED_PREFIX_LEN 12u /* ::ffff:0:0/96 (RFC 4291 §2.5.5.2) */

static const uint8_t v4mapped_prefix[PL_V4MAPPED_PREFIX_LEN] = {0, 0, 0, 0, 0,    0,
                                                                0, 0, 0, 0, 0xff, 0xff};

enum pl_decode_status
pl_decode_ipv4(struct pl_cursor *c, struct pl_pkt *pkt, uint32_t wire_len, uint8_t *l4_proto)
{
    uint8_t ver_ihl = pl_cur_u8(c);
    (void)pl_cur_skip(c, PL_IPV4_TOS_LEN);
    uint16_t total_len = pl_cur_be16(c);
    uint16_t ident = pl_cur_be16(c);
    uint16_t flags_off = pl_cur_be16(c);
    (void)pl_cur_skip(c, PL_IPV4_TTL_LEN);
    uint8_t proto = pl_cur_u8(c);
    (void)pl_cur_skip(c, PL_IPV4_CSUM_LEN);
    memcpy(pkt->src, v4mapped_prefix, sizeof v4mapped_prefix);
    memcpy(pkt->dst, v4mapped_prefix, sizeof v4mapped_prefix);
    (void)pl_cur_copy(c, pkt->src + PL_V4MAPPED_PREFIX_LEN, PL_IPV4_ADDR_LEN);
    (void)pl_cur_copy(c, pkt->dst + PL_V4MAPPED_PREFIX_LEN, PL_IPV4_ADDR_LEN);
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;

    if ((ver_ihl >> PL_IPV4_VERSION_SHIFT) != PL_IP_VERSION_4) {
        pkt->anomalies |= PL_ANOM_IP_VERSION;
        return PL_DEC_MALFORMED;
    }
    size_t hlen = (size_t)(ver_ihl & PL_IPV4_IHL_MASK) * 4; /* IHL is in 32-bit words */
    if (hlen < PL_IPV4_MIN_IHL * 4) {
        pkt->anomalies |= PL_ANOM_IPV4_IHL;
        return PL_DEC_MALFORMED;
    }
    size_t ip_len = total_len;
    if (total_len == 0) {
        /* Segmentation offload: the NIC fills the length in later; the bytes are
         * what reached the capture point (SPEC §8). */
        pkt->anomalies |= PL_ANOM_IPV4_TSO;
        ip_len = wire_len > pkt->l3_off ? (size_t)wire_len - pkt->l3_off : 0;
    }
    if (ip_len < hlen) { /* RFC 791: Total Length counts the header */
        pkt->anomalies |= PL_ANOM_IPV4_TOTLEN;
        return PL_DEC_MALFORMED;
    }
    if (!pl_cur_skip(c, hlen - PL_IPV4_MIN_HLEN)) /* options */
        return PL_DEC_TRUNCATED;

    pkt->ip_version = PL_IP_VERSION_4;
    pkt->ip_len = (uint32_t)ip_len;
    pkt->l4_len = (uint32_t)(ip_len - hlen);
    pkt->l4_proto = proto;
    pkt->frag_proto = proto;
    pkt->frag_id = ident;

    size_t frag_off = (size_t)(flags_off & PL_IPV4_FRAG_OFF_MASK) * PL_IPV4_FRAG_UNIT;
    bool more = (flags_off & PL_IPV4_FLAG_MF) != 0;
    pkt->frag_more = more;
    if (frag_off > 0)
        pkt->frag = PL_FRAG_LATER;
    else if (more)
        pkt->frag = PL_FRAG_FIRST;
    if (frag_off + pkt->l4_len > PL_IPV4_MAX_LEN) /* RFC 791: a datagram is at most 65535 */
        pkt->anomalies |= PL_ANOM_IPV4_FRAG_OFF;

    if (c->left > pkt->l4_len) /* Ethernet padding or a trailer beyond the datagram */
        pkt->anomalies |= PL_ANOM_TRAILER;
    pl_cur_clamp(c, pkt->l4_len);
    *l4_proto = proto;
    return PL_DEC_OK;
}
